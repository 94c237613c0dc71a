/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.function.Executable;

/** Shared helpers, in the spirit of tests/support/torture.c. */
final class T {
    static final long DAY = 86_400_000L;

    private T() {}

    /** A fixed id derived from n (as torture_customer): c0 00 .. 00 nn nn nn nn. */
    static UUID id(int n) {
        return new UUID(0xc0L << 56, n & 0xffffffffL);
    }

    static Customer customer(int n) {
        return new Customer(id(n));
    }

    /** A UTC civil time (as torture_time). */
    static Instant utc(int year, int month, int day, int hour, int minute) {
        return LocalDateTime.of(year, month, day, hour, minute).toInstant(ZoneOffset.UTC);
    }

    /** Noon UTC of a day of 2026. */
    static Instant day(int month, int day) {
        return utc(2026, month, day, 12, 0);
    }

    static Instant plusDays(Instant t, long days) {
        return t.plusMillis(days * DAY);
    }

    static Fraction f(long num, long den) {
        return Fraction.of(num, den);
    }

    /** A USD calculator (floor, UTC) with "base_rate base" at {@code base} unless null. */
    static Calculator usd(Rounding rounding, String base) {
        Calculator c = new Calculator("USD", rounding, 0, Stacking.ADDITIVE);
        if (base != null) {
            c.add("base_rate", "base", base);
        }
        return c;
    }

    /** A program earning 1 point per 100 cents, floor, UTC. */
    static Program simpleProgram(ProgramOptions options) {
        return new Program(usd(Rounding.FLOOR, "points=1 per=100"), options);
    }

    static UUID enrol(Program p, int n, Instant at) {
        try (Customer c = customer(n); Customer snap = p.enroll("enrol-" + n, c, at)) {
            return snap.id();
        }
    }

    /** A one-line purchase of {@code cents}. */
    static Purchase purchase(UUID customer, String key, Instant at, long cents) {
        return Purchase.builder(key, customer, at, "USD").item("sku-1", "goods", 1, cents).build();
    }

    static Receipt buy(Program p, UUID customer, String key, Instant at, long cents) {
        try (Purchase pu = purchase(customer, key, at, cents)) {
            return p.recordPurchase(pu);
        }
    }

    /** Records a purchase that must succeed; returns the credited points. */
    static long buyOk(Program p, UUID customer, String key, Instant at, long cents) {
        try (Receipt r = buy(p, customer, key, at, cents)) {
            assertTrue(r.recorded());
            return r.credited();
        }
    }

    /** available, pending, debt */
    static void assertBalances(Program p, UUID id, long available, long pending, long debt) {
        try (Customer c = p.customer(id)) {
            assertEquals(List.of(available, pending, debt), List.of(c.available(), c.pending(), p.debt(id)),
                    "available/pending/debt");
        }
    }

    static long lifetimeEarned(Program p, UUID id) {
        try (Customer c = p.customer(id)) {
            return c.lifetimeEarned();
        }
    }

    /** The customer's i-th entry; negative i counts from the end. */
    static LedgerEntry entry(Program p, UUID id, int i) {
        Ledger l = p.ledger(id);
        return l.get(i < 0 ? l.size() + i : i);
    }

    static void assertEntry(LedgerEntry e, EntryKind kind, long points, long pending, long debt, long availableAfter,
            long pendingAfter, String ref) {
        assertEquals(kind, e.kind(), "kind of " + e);
        assertEquals(List.of(points, pending, debt, availableAfter, pendingAfter),
                List.of(e.points(), e.pending(), e.debt(), e.availableAfter(), e.pendingAfter()),
                "points/pending/debt/availableAfter/pendingAfter of " + e);
        assertEquals(ref, e.ref(), "ref of " + e);
    }

    /**
     * The ledger invariant for one customer (as check_ledger): walking the
     * customer's entries, available = sum(points), pending = sum(pending),
     * debt = sum(debt); each entry's balances-after are the running sums;
     * seqs increase; each entry is the same in the program-wide ledger.
     */
    static void assertLedger(Program p, UUID id) {
        long points = 0;
        long pending = 0;
        long debt = 0;
        long last = 0;
        Ledger all = p.ledger();
        for (LedgerEntry e : p.ledger(id)) {
            assertEquals(id, e.customerId());
            if (e.seq() <= last) {
                fail("seq " + e.seq() + " after " + last);
            }
            last = e.seq();
            points += e.points();
            pending += e.pending();
            debt += e.debt();
            assertEquals(points, e.availableAfter(), "available after " + e);
            assertEquals(pending, e.pendingAfter(), "pending after " + e);
            assertEquals(e, all.get((int) e.seq() - 1), "the program-wide entry of seq " + e.seq());
        }
        assertBalances(p, id, points, pending, debt);
    }

    /** Runs {@code call}, which must throw {@code type} with a message containing each needle. */
    static <E extends LoyaltyException> E assertFails(Class<E> type, Status status, Executable call,
            String... needles) {
        E e = assertThrows(type, call);
        assertEquals(status, e.status(), "status of " + e);
        assertEquals(status.code(), e.code());
        for (String needle : needles) {
            assertTrue(e.getMessage().contains(needle), "'" + e.getMessage() + "' lacks '" + needle + "'");
        }
        return e;
    }
}
