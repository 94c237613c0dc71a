/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.util.Optional;

/**
 * What a batch call ({@link Calculator#scoreColumns}, {@link Program#recordColumns})
 * gave each purchase: its points, or the status and message of its refusal.
 * A refused purchase has 0 points.
 */
public final class BatchResult {
    private final long[] points;
    private final int[] status;
    private final String[] messages;
    private final int failures;

    BatchResult(long[] points, int[] status, String[] messages) {
        this.points = points;
        this.status = status;
        this.messages = messages;
        int f = 0;
        for (int s : status) {
            if (s != 0) {
                f++;
            }
        }
        this.failures = f;
    }

    /** Builds the result from per-purchase statuses and the refusals' messages, in order. */
    static BatchResult of(long[] points, int[] status, String[] failureMessages) {
        String[] messages = new String[status.length];
        int k = 0;
        for (int i = 0; i < status.length; i++) {
            if (status[i] != 0 && failureMessages != null && k < failureMessages.length) {
                messages[i] = failureMessages[k++];
            }
        }
        return new BatchResult(points, status, messages);
    }

    /** The number of purchases. */
    public int size() {
        return points.length;
    }

    /** The points of purchase {@code i} (0 when it was refused). */
    public long points(int i) {
        return points[i];
    }

    /** Every purchase's points (a copy). */
    public long[] points() {
        return points.clone();
    }

    /** The status of purchase {@code i}: {@link Status#OK} or why it was refused. */
    public Status status(int i) {
        Status s = Status.of(status[i]);
        return s != null ? s : Status.EINVAL;
    }

    /** Whether purchase {@code i} was scored or recorded. */
    public boolean ok(int i) {
        return status[i] == 0;
    }

    /** The number of refused purchases. */
    public int failures() {
        return failures;
    }

    /** Why purchase {@code i} was refused, as the exception the one-by-one call would have thrown; empty when ok. */
    public Optional<LoyaltyException> error(int i) {
        if (status[i] == 0) {
            return Optional.empty();
        }
        String m = messages[i];
        return Optional.of(LoyaltyException.fromStatus(status[i], m != null ? m : status(i).description()));
    }

    @Override
    public String toString() {
        return "BatchResult[size=" + size() + ", failures=" + failures + "]";
    }
}
