/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** What a ledger entry records (C: {@code loyalty_entry_kind}; {@link #code()} is the C value, part of the ABI). */
public enum EntryKind {
    /** The customer joined (no points). */
    ENROLL("enroll"),
    /** Points earned by a purchase (available or pending). */
    EARN("earn"),
    /** Pending points became available. */
    MATURE("mature"),
    /** Points clawed back by a refund. */
    REFUND("refund"),
    /** Points spent on a reward. */
    REDEEM("redeem"),
    /** A redemption cancelled: points restored. */
    REDEEM_CANCEL("redeem_cancel"),
    /** Points expired. */
    EXPIRE("expire"),
    /** A manual adjustment. */
    ADJUST("adjust"),
    /** Points given to another customer. */
    TRANSFER_OUT("transfer_out"),
    /** Points received from another customer. */
    TRANSFER_IN("transfer_in"),
    /** Points credited from a partner. */
    PARTNER("partner"),
    /** Points for an engagement action. */
    ACTION("action"),
    /** A referral bonus (referrer or referee). */
    REFERRAL("referral"),
    /** Points donated to a cause. */
    DONATE("donate"),
    /** A tier change (no points). */
    TIER("tier"),
    /** Earned points used to repay a refund debt. */
    DEBT_REPAY("debt_repay");

    private final String label;

    EntryKind(String label) {
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
    public static EntryKind of(int code) {
        EntryKind[] values = values();
        if (code < 0 || code >= values.length) {
            throw new IllegalArgumentException("EntryKind: unknown C value " + code);
        }
        return values[code];
    }

    @Override
    public String toString() {
        return label;
    }
}
