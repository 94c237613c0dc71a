/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** What a strategy's contribution means (C: {@code loyalty_strategy_role}; {@link #code()} is the C value, part of the ABI). */
public enum StrategyRole {
    /** Adds base points, which later multipliers scale. */
    BASE("base"),
    /** Adds the extra points of a multiplier. */
    MULTIPLIER("multiplier"),
    /** Adds flat points, never scaled. */
    BONUS("bonus");

    private final String label;

    StrategyRole(String label) {
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
    public static StrategyRole of(int code) {
        StrategyRole[] values = values();
        if (code < 0 || code >= values.length) {
            throw new IllegalArgumentException("StrategyRole: unknown C value " + code);
        }
        return values[code];
    }

    @Override
    public String toString() {
        return label;
    }
}
