/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** What a refund does when the points to claw back were already spent (C: {@code loyalty_refund_policy}; {@link #code()} is the C value, part of the ABI). */
public enum RefundPolicy {
    /** The available balance goes negative; later earnings fill it first (the default). */
    NEGATIVE_BALANCE("negative_balance"),
    /** The balance stops at 0 and the rest becomes a debt netted from later earnings. */
    DEBT("debt");

    private final String label;

    RefundPolicy(String label) {
        this.label = label;
    }

    /** The C value. */
    public int code() {
        return ordinal();
    }

    /** The name the C library uses, e.g. in receipts and parameters. */
    public String label() {
        return label;
    }

    /** The constant with C value {@code code}. */
    public static RefundPolicy of(int code) {
        RefundPolicy[] values = values();
        if (code < 0 || code >= values.length) {
            throw new IllegalArgumentException("RefundPolicy: unknown C value " + code);
        }
        return values[code];
    }

    @Override
    public String toString() {
        return label;
    }
}
