/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** How several multipliers on the same points combine (C: {@code loyalty_stacking}; {@link #code()} is the C value, part of the ABI). */
public enum Stacking {
    /** Each multiplier scales the base points only (the default). */
    ADDITIVE("additive"),
    /** Each multiplier scales what the previous ones produced. */
    COMPOUND("compound");

    private final String label;

    Stacking(String label) {
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
    public static Stacking of(int code) {
        Stacking[] values = values();
        if (code < 0 || code >= values.length) {
            throw new IllegalArgumentException("Stacking: unknown C value " + code);
        }
        return values[code];
    }

    @Override
    public String toString() {
        return label;
    }
}
