/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** How a fractional number of points becomes whole, once per purchase (C: {@code loyalty_rounding}; {@link #code()} is the C value, part of the ABI). */
public enum Rounding {
    /** Toward negative infinity (the default). */
    FLOOR("floor"),
    /** To nearest; halves away from zero. */
    HALF_UP("half_up"),
    /** To nearest; halves to the even neighbour. */
    HALF_EVEN("half_even"),
    /** Toward positive infinity. */
    CEIL("ceil");

    private final String label;

    Rounding(String label) {
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
    public static Rounding of(int code) {
        Rounding[] values = values();
        if (code < 0 || code >= values.length) {
            throw new IllegalArgumentException("Rounding: unknown C value " + code);
        }
        return values[code];
    }

    @Override
    public String toString() {
        return label;
    }
}
