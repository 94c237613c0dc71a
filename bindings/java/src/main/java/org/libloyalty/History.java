/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A list of recorded events (enrolments, purchases, refunds, redemptions) to
 * replay with {@link Simulator} (C: {@code loyalty_history}; docs/SIMULATION.md):
 * read from a program, an export, a program's directory (while it is open
 * elsewhere) or a CSV file of purchases, or added one by one in any order.
 *
 * <p>Reading a history is safe from many threads; adding to one is not, and
 * changes wait for reads in flight ({@link NativeHandle}'s locks).
 */
public final class History extends NativeHandle<org.libloyalty.swig.History> {
    /** An empty history. */
    public History() {
        super(new org.libloyalty.swig.History());
    }

    private History(org.libloyalty.swig.History raw) {
        super(raw);
    }

    /** The history of {@code program}'s idempotency records; the program is only read. */
    public static History fromProgram(Program program) {
        return fromProgram(program, null);
    }

    /** As {@link #fromProgram(Program)}, reporting records read of total to {@code listener} (may be null). */
    public static History fromProgram(Program program, ProgressListener listener) {
        Objects.requireNonNull(program, "program");
        org.libloyalty.swig.Program p = program.lockRead();
        try {
            return new History(ProgressAdapter.run(listener,
                    l -> org.libloyalty.swig.Loyalty.loyaltyJavaHistoryFromProgram(p, l)));
        } finally {
            program.unlockRead();
        }
    }

    /** The history in a file written by {@link Program#exportTo(Path)}; no calculator is needed. */
    public static History fromExport(Path file) {
        return fromExport(file, null);
    }

    public static History fromExport(Path file, ProgressListener listener) {
        String path = Objects.requireNonNull(file, "file").toString();
        return new History(ProgressAdapter.run(listener,
                l -> org.libloyalty.swig.Loyalty.loyaltyJavaHistoryFromExport(path, l)));
    }

    /**
     * The history of a durable program's directory, which may be open
     * meanwhile (in this process or another): it is copied aside and read
     * there, never locked or written. No calculator is needed.
     *
     * @throws NotFoundException when the directory holds no program
     */
    public static History fromJournal(Path dir) {
        return fromJournal(dir, null);
    }

    public static History fromJournal(Path dir, ProgressListener listener) {
        String path = Objects.requireNonNull(dir, "dir").toString();
        return new History(ProgressAdapter.run(listener,
                l -> org.libloyalty.swig.Loyalty.loyaltyJavaHistoryFromJournal(path, l)));
    }

    /**
     * A history from a CSV file of purchase lines (columns order, customer,
     * date, product_type, quantity, unit_price; optional sku, name, email,
     * channel), prices in {@code currency}'s major units; each customer is
     * enrolled at their first order with the id {@link #csvCustomerId(String)}.
     *
     * @throws InvalidArgumentException for a malformed line (the message names the file and line)
     */
    public static History fromCsv(Path file, String currency) {
        return fromCsv(file, currency, null);
    }

    /** As {@link #fromCsv(Path, String)}; {@code listener} gets bytes read of the file's size. */
    public static History fromCsv(Path file, String currency, ProgressListener listener) {
        String path = Objects.requireNonNull(file, "file").toString();
        Objects.requireNonNull(currency, "currency");
        return new History(ProgressAdapter.run(listener,
                l -> org.libloyalty.swig.Loyalty.loyaltyJavaHistoryFromCsv(path, currency, l)));
    }

    /** The id the CSV reader gives the customer {@code reference} (a version 5, name-based UUID). */
    public static UUID csvCustomerId(String reference) {
        return org.libloyalty.swig.Loyalty.loyaltySwigCsvCustomerId(Objects.requireNonNull(reference, "reference"));
    }

    /** Adds an enrolment of {@code profile} (copied) at {@code at}; {@code referralCode} may be null. */
    public void addEnrollment(String key, Customer profile, String referralCode, Instant at) {
        Objects.requireNonNull(profile, "profile");
        long ms = at.toEpochMilli();
        org.libloyalty.swig.History h = lockWrite();
        try {
            org.libloyalty.swig.Customer c = profile.lockRead();
            try {
                h.addEnrollment(key, c, referralCode, ms);
            } finally {
                profile.unlockRead();
            }
        } finally {
            unlockWrite();
        }
    }

    /** Adds a purchase (copied). */
    public void addPurchase(Purchase purchase) {
        Objects.requireNonNull(purchase, "purchase");
        org.libloyalty.swig.History h = lockWrite();
        try {
            org.libloyalty.swig.Purchase pu = purchase.lockRead();
            try {
                h.addPurchase(pu);
            } finally {
                purchase.unlockRead();
            }
        } finally {
            unlockWrite();
        }
    }

    /** Adds a refund of {@code amount} minor units of the purchase {@code purchaseKey}. */
    public void addRefund(String key, String purchaseKey, long amount, Instant at) {
        long ms = at.toEpochMilli();
        write(h -> h.addRefund(key, purchaseKey, amount, ms));
    }

    /** Adds a redemption of {@code reward} by {@code customer}. */
    public void addRedemption(String key, UUID customer, String reward, Instant at) {
        Objects.requireNonNull(customer, "customer");
        long ms = at.toEpochMilli();
        write(h -> h.addRedemption(key, customer, reward, ms));
    }

    /** The number of events. */
    public long size() {
        return readLong(h -> h.count(-1));
    }

    public long enrollments() {
        return readLong(h -> h.count(0));
    }

    public long purchases() {
        return readLong(h -> h.count(1));
    }

    public long refunds() {
        return readLong(h -> h.count(2));
    }

    public long redemptions() {
        return readLong(h -> h.count(3));
    }

    @Override
    public String toString() {
        if (isClosed()) {
            return closedString();
        }
        return "History[enrollments=" + enrollments() + ", purchases=" + purchases() + ", refunds=" + refunds()
                + ", redemptions=" + redemptions() + "]";
    }
}
