/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** Calendar periods, in the program's UTC offset (C: {@code loyalty_period}; {@link #code()} is the C value, part of the ABI). */
public enum Period {
    /** No period (no rounding, no cap). */
    NONE("none"),
    /** A calendar day. */
    DAY("day"),
    /** An ISO week, Monday to Sunday. */
    WEEK("week"),
    /** A calendar month. */
    MONTH("month"),
    /** A calendar quarter. */
    QUARTER("quarter"),
    /** A calendar year. */
    YEAR("year"),
    /** One period for all time (caps only). */
    EVER("ever");

    private final String label;

    Period(String label) {
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
    public static Period of(int code) {
        Period[] values = values();
        if (code < 0 || code >= values.length) {
            throw new IllegalArgumentException("Period: unknown C value " + code);
        }
        return values[code];
    }

    @Override
    public String toString() {
        return label;
    }
}
