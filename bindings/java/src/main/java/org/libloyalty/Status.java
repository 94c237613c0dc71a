/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** The C status codes ({@code loyalty_status}); the numeric values are part of the ABI. */
public enum Status {
    /** {@code LOYALTY_OK}: success (never thrown). */
    OK(0, "LOYALTY_OK"),
    /** {@code LOYALTY_EINVAL}: invalid argument (null, empty, malformed). */
    EINVAL(-1, "LOYALTY_EINVAL"),
    /** {@code LOYALTY_ENOMEM}: the C library ran out of memory. */
    ENOMEM(-2, "LOYALTY_ENOMEM"),
    /** {@code LOYALTY_ENOTFOUND}: unknown id, key, name or kind. */
    ENOTFOUND(-3, "LOYALTY_ENOTFOUND"),
    /** {@code LOYALTY_EDUPLICATE}: a name, id or key that must be unique already exists. */
    EDUPLICATE(-4, "LOYALTY_EDUPLICATE"),
    /** {@code LOYALTY_ECONFLICT}: an idempotency key reused with a different payload. */
    ECONFLICT(-5, "LOYALTY_ECONFLICT"),
    /** {@code LOYALTY_EINSUFFICIENT}: not enough points for the operation. */
    EINSUFFICIENT(-6, "LOYALTY_EINSUFFICIENT"),
    /** {@code LOYALTY_ERANGE}: value out of range, or an arithmetic overflow. */
    ERANGE(-7, "LOYALTY_ERANGE"),
    /** {@code LOYALTY_ECORRUPT}: malformed or corrupt encoded data. */
    ECORRUPT(-8, "LOYALTY_ECORRUPT"),
    /** {@code LOYALTY_EIO}: an operating-system I/O failure. */
    EIO(-9, "LOYALTY_EIO"),
    /** {@code LOYALTY_EUSER}: a user callback (custom strategy) failed. */
    EUSER(-10, "LOYALTY_EUSER"),
    /** {@code LOYALTY_ECURRENCY}: unknown currency, or amounts in different currencies. */
    ECURRENCY(-11, "LOYALTY_ECURRENCY"),
    /** {@code LOYALTY_ESTATE}: the handle is in a state that forbids the call. */
    ESTATE(-12, "LOYALTY_ESTATE"),
    /** {@code LOYALTY_ECANCELED}: a progress listener asked long work to stop. */
    ECANCELED(-13, "LOYALTY_ECANCELED");

    private final int code;
    private final String cName;

    Status(int code, String cName) {
        this.code = code;
        this.cName = cName;
    }

    /** The C value, 0 or negative. */
    public int code() {
        return code;
    }

    /** The C name, e.g. {@code "LOYALTY_ENOTFOUND"}. */
    public String cName() {
        return cName;
    }

    /** The C library's description ({@code loyalty_strerror}), e.g. "not found". */
    public String description() {
        return org.libloyalty.swig.Loyalty.loyaltyStrerror(code);
    }

    /** The status with this C value, or null when this version does not know it. */
    public static Status of(int code) {
        return code <= 0 && -code < VALUES.length ? VALUES[-code] : null;
    }

    private static final Status[] VALUES = values();
}
