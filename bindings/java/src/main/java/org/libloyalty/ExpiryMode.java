/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** How points expire (C: {@code loyalty_expiry_mode}; {@link #code()} is the C value, part of the ABI). */
public enum ExpiryMode {
    /** Points never expire (the default). */
    NEVER("never"),
    /** Each earning expires a fixed time after it became available. */
    BUCKET("bucket"),
    /** All points expire after N days without activity. */
    INACTIVITY("inactivity");

    private final String label;

    ExpiryMode(String label) {
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
    public static ExpiryMode of(int code) {
        ExpiryMode[] values = values();
        if (code < 0 || code >= values.length) {
            throw new IllegalArgumentException("ExpiryMode: unknown C value " + code);
        }
        return values[code];
    }

    @Override
    public String toString() {
        return label;
    }
}
