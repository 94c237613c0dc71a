/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** Over which window the tier metric is summed (C: {@code loyalty_tier_window}; {@link #code()} is the C value, part of the ABI). */
public enum TierWindow {
    /** The calendar year, in the program's offset (the default). */
    CALENDAR_YEAR("calendar_year"),
    /** The last tierWindowDays days. */
    ROLLING_DAYS("rolling_days");

    private final String label;

    TierWindow(String label) {
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
    public static TierWindow of(int code) {
        TierWindow[] values = values();
        if (code < 0 || code >= values.length) {
            throw new IllegalArgumentException("TierWindow: unknown C value " + code);
        }
        return values[code];
    }

    @Override
    public String toString() {
        return label;
    }
}
