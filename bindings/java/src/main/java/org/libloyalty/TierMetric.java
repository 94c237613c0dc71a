/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** What qualifies a customer for a tier (C: {@code loyalty_tier_metric}; {@link #code()} is the C value, part of the ABI). */
public enum TierMetric {
    /** Eligible spend in minor units, net of refunds (the default). */
    SPEND("spend"),
    /** Points earned by purchases, net of refunds. */
    POINTS("points");

    private final String label;

    TierMetric(String label) {
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
    public static TierMetric of(int code) {
        TierMetric[] values = values();
        if (code < 0 || code >= values.length) {
            throw new IllegalArgumentException("TierMetric: unknown C value " + code);
        }
        return values[code];
    }

    @Override
    public String toString() {
        return label;
    }
}
