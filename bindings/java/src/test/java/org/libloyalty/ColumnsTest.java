/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.MonthDay;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Batches as columns: Program.recordColumns (and Calculator.scoreColumns,
 * see ScoreColumnsTest) give exactly the points of the one-by-one calls,
 * refuse each bad purchase on its own, and refuse a malformed batch whole.
 */
class ColumnsTest {
    static final String[] TYPES = {"grocery", "beverages", "bakery", "household", "electronics", "toys", "books",
        "clothing", "beauty", "sports", "garden", "gift_card"};
    static final String[] TIERS = {"bronze", "silver", "gold"};

    /** The calculator of tests/bench/workload/program.json. */
    static Calculator workloadCalculator() {
        return Calculator.builder("USD").exclude("gift_card")
                .add("base_rate", "base", "points=1 per=100")
                .add("product_type", "categories",
                        "mode=multiplier type.electronics=3/2 type.books=2 type.beauty=5/4 type.sports=3/2")
                .add("tier_multiplier", "tiers", "tier.silver=5/4 tier.gold=3/2")
                .add("campaign", "double_november",
                        "multiplier=2 start=1793491200000 end=1796083200000 type=electronics,toys")
                .add("birthday", "birthday_month", "bonus=100 period=month feb29=feb28")
                .add("threshold", "big_basket", "min_spend=20000 bonus=250")
                .build();
    }

    /** Random customers (ids c0..0n) with tiers and birthdays. */
    static final class People {
        final UUID[] ids;
        final int[] tier;
        final byte[] month;
        final byte[] day;

        People(int n, Random r) {
            ids = new UUID[n];
            tier = new int[n];
            month = new byte[n];
            day = new byte[n];
            for (int i = 0; i < n; i++) {
                ids[i] = T.id(i + 1);
                tier[i] = r.nextInt(3);
                if (r.nextInt(10) > 0) {
                    month[i] = (byte) (1 + r.nextInt(12));
                    day[i] = (byte) (1 + r.nextInt(28));
                }
            }
        }

        CustomerColumns columns() {
            return CustomerColumns.of(ids, TIERS, tier, month, day);
        }

        /** A program with the workload calculator and these customers at their tiers. */
        Program program() {
            Program p = new Program(workloadCalculator());
            p.addTier("bronze", 0);
            p.addTier("silver", Long.MAX_VALUE / 4);
            p.addTier("gold", Long.MAX_VALUE / 2);
            Instant t0 = T.utc(2025, 12, 1, 0, 0);
            for (int i = 0; i < ids.length; i++) {
                Customer.Builder b = Customer.builder(ids[i]);
                try (Customer c = b.build()) {
                    if (month[i] != 0) {
                        c.setBirthday(month[i], day[i]);
                    }
                    p.enroll("enrol-" + i, c, t0).close();
                }
                if (tier[i] > 0) {
                    p.assignTier("tier-" + i, ids[i], TIERS[tier[i]], T.utc(2030, 1, 1, 0, 0), t0);
                }
            }
            return p;
        }
    }

    /** Random purchases over 2026 by {@code customers} customers, keys "k-i". */
    static final class Basket {
        final String[] keys;
        final int[] customer;
        final long[] at;
        final int[] lineStart;
        final int[] lineType;
        final long[] quantity;
        final long[] unitPrice;

        Basket(int n, int customers, Random r) {
            keys = new String[n];
            customer = new int[n];
            at = new long[n];
            lineStart = new int[n + 1];
            int[] types = new int[5 * n];
            long[] q = new long[5 * n];
            long[] u = new long[5 * n];
            int lines = 0;
            for (int i = 0; i < n; i++) {
                keys[i] = "k-" + i;
                customer[i] = r.nextInt(customers);
                at[i] = 1767225600000L + (long) (r.nextDouble() * 365 * T.DAY);
                int nl = 1 + r.nextInt(5);
                for (int j = 0; j < nl; j++) {
                    types[lines] = r.nextInt(TYPES.length);
                    q[lines] = 1 + r.nextInt(3);
                    u[lines] = 50 + r.nextInt(19951);
                    lines++;
                }
                lineStart[i + 1] = lines;
            }
            lineType = java.util.Arrays.copyOf(types, lines);
            quantity = java.util.Arrays.copyOf(q, lines);
            unitPrice = java.util.Arrays.copyOf(u, lines);
        }

        PurchaseColumns columns() {
            return PurchaseColumns.of("USD", TYPES, keys, customer, at, lineStart, lineType, quantity, unitPrice);
        }

        Purchase purchase(int i, UUID[] ids) {
            Purchase.Builder b = Purchase.builder(keys[i], ids[customer[i]], Instant.ofEpochMilli(at[i]), "USD");
            for (int j = lineStart[i]; j < lineStart[i + 1]; j++) {
                b.item(TYPES[lineType[j]], TYPES[lineType[j]], quantity[j], unitPrice[j]);
            }
            return b.build();
        }
    }

    static long entries(Program p) {
        return p.ledger().size();
    }

    // ---- recording -------------------------------------------------------------------

    @Test
    void recordColumnsGivesThePointsOfRecordPurchase() {
        Random r = new Random(7);
        People people = new People(40, r);
        Basket basket = new Basket(500, 40, r);
        try (Program batch = people.program(); Program single = people.program()) {
            BatchResult res = batch.recordColumns(basket.columns(), people.columns());
            assertEquals(500, res.size());
            assertEquals(0, res.failures());
            for (int i = 0; i < 500; i++) {
                try (Purchase pu = basket.purchase(i, people.ids); Receipt rc = single.recordPurchase(pu)) {
                    assertEquals(rc.credited(), res.points(i), "purchase " + i);
                    assertEquals(rc.points(), res.points(i), "purchase " + i); // no caps here
                    assertTrue(res.ok(i));
                    assertEquals(Status.OK, res.status(i));
                    assertTrue(res.error(i).isEmpty());
                }
            }
            assertEquals(entries(single), entries(batch));
            for (UUID id : people.ids) {
                try (Customer a = batch.customer(id); Customer b = single.customer(id)) {
                    assertEquals(b.pending(), a.pending());
                    assertEquals(b.available(), a.available());
                    assertEquals(b.lifetimeEarned(), a.lifetimeEarned());
                }
            }
            // the same batch again is a replay: same points, nothing new in the ledger
            long before = entries(batch);
            BatchResult again = batch.recordColumns(basket.columns(), people.columns());
            assertArrayEquals(res.points(), again.points());
            assertEquals(before, entries(batch));
        }
    }

    @Test
    void eachRefusedPurchaseHasItsOwnStatusAndMessage() {
        UUID known = T.id(1);
        UUID unknown = T.id(99);
        PurchaseColumns cols = PurchaseColumns.builder("USD")
                .purchase("ok-1", 0, T.day(3, 1)).line("books", 1, 1000)
                .purchase("ghost-1", 1, T.day(3, 2)).line("books", 1, 1000)
                .purchase("", 0, T.day(3, 3)).line("books", 1, 1000)
                .purchase("ok-1", 0, T.day(3, 1)).line("books", 2, 1000)   // key reused for another purchase
                .purchase("ok-2", 0, T.day(3, 4)).line("toys", 1, 2500)
                .purchase("ok-1", 0, T.day(3, 1)).line("books", 1, 1000)   // a replay
                .build();
        CustomerColumns customers = CustomerColumns.of(new UUID[] {known, unknown}, new String[0], null, null, null);
        try (Program p = T.simpleProgram(ProgramOptions.defaults())) {
            T.enrol(p, 1, T.day(1, 1));
            long before = entries(p);
            BatchResult res = p.recordColumns(cols, customers);
            assertEquals(6, res.size());
            assertEquals(3, res.failures());
            assertEquals(10, res.points(0));
            assertEquals(Status.ENOTFOUND, res.status(1));
            assertEquals(0, res.points(1));
            assertTrue(res.error(1).orElseThrow() instanceof NotFoundException);
            assertEquals(Status.EINVAL, res.status(2));
            assertTrue(res.error(2).orElseThrow() instanceof InvalidArgumentException);
            assertEquals(Status.ECONFLICT, res.status(3));
            assertTrue(res.error(3).orElseThrow().getMessage().contains("ok-1"), res.error(3).get().getMessage());
            assertEquals(25, res.points(4));
            assertTrue(res.ok(5));
            assertEquals(10, res.points(5));
            assertFalse(res.error(1).get().getMessage().equals(res.error(3).get().getMessage()));
            assertEquals(before + 2, entries(p)); // two EARN entries
        }
    }

    @Test
    void thePointsAreWhatWasCreditedAfterCaps() {
        PurchaseColumns cols = PurchaseColumns.builder("USD")
                .purchase("big", 0, T.day(3, 1)).line("books", 1, 1000)
                .purchase("small", 0, T.day(3, 2)).line("books", 1, 300)
                .build();
        try (Program p = T.simpleProgram(ProgramOptions.builder().capPerPurchase(5).build())) {
            UUID id = T.enrol(p, 1, T.day(1, 1));
            BatchResult res = p.recordColumns(cols, CustomerColumns.of(new UUID[] {id}, new String[0], null, null,
                    null));
            assertEquals(5, res.points(0));
            assertEquals(3, res.points(1));
            try (Customer c = p.customer(id)) {
                assertEquals(8, c.available() + c.pending());
            }
        }
    }

    @Test
    void anotherCurrencyRefusesEveryPurchase() {
        PurchaseColumns eur = PurchaseColumns.builder("EUR")
                .purchase("e-1", 0, T.day(3, 1)).line("books", 1, 1000)
                .purchase("e-2", 0, T.day(3, 2)).line("books", 1, 1000)
                .build();
        try (Program p = T.simpleProgram(ProgramOptions.defaults())) {
            UUID id = T.enrol(p, 1, T.day(1, 1));
            long before = entries(p);
            BatchResult res = p.recordColumns(eur, CustomerColumns.of(new UUID[] {id}, new String[0], null, null, null));
            assertEquals(2, res.failures());
            assertEquals(Status.ECURRENCY, res.status(0));
            assertEquals(Status.ECURRENCY, res.status(1));
            assertEquals(before, entries(p));
        }
    }

    @Test
    void aMalformedBatchIsRefusedWholeAndRecordsNothing() {
        String[] types = {"books"};
        UUID[] ids = {T.id(1)};
        CustomerColumns one = CustomerColumns.of(ids, new String[0], null, null, null);
        // shape errors are found when the columns are made
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> PurchaseColumns.of("USD", types,
                new String[] {"a"}, new int[] {0}, new long[] {1}, new int[] {0, 2}, new int[] {0}, new long[] {1},
                new long[] {1}), "lineStart");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> PurchaseColumns.of("USD", types,
                new String[] {"a", "b"}, new int[] {0, 0}, new long[] {1, 1}, new int[] {0, 1, 0},
                new int[] {0}, new long[] {1}, new long[] {1}), "lineStart");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> PurchaseColumns.of("USD", types,
                new String[] {"a"}, new int[] {0}, new long[] {1}, new int[] {0, 1}, new int[] {1}, new long[] {1},
                new long[] {1}), "lineType[0]");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> PurchaseColumns.of("USD", types,
                new String[] {"a"}, new int[] {0}, new long[] {1}, new int[] {0, 1}, new int[] {0}, new long[] {0},
                new long[] {1}), "quantity[0]");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> PurchaseColumns.of("USD", types,
                new String[] {"a"}, new int[] {0}, new long[] {1}, new int[] {0, 1}, new int[] {0}, new long[] {1},
                new long[] {-1}), "unitPrice[0]");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> PurchaseColumns.of("USD", types,
                new String[] {"a"}, new int[] {0, 0}, new long[] {1}, new int[] {0, 1}, new int[] {0},
                new long[] {1}, new long[] {1}), "at");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> PurchaseColumns.of("USD", types,
                new String[] {"a\0b"}, new int[] {0}, new long[] {1}, new int[] {0, 1}, new int[] {0},
                new long[] {1}, new long[] {1}), "NUL");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> PurchaseColumns.of("USD", types,
                new String[] {"a"}, new int[] {-1}, new long[] {1}, new int[] {0, 1}, new int[] {0},
                new long[] {1}, new long[] {1}), "customer[0]");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                () -> CustomerColumns.of(ids, new String[] {"gold"}, new int[] {1}, null, null), "tier[0]");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                () -> CustomerColumns.of(ids, new String[0], null, new byte[] {13}, new byte[] {1}), "birthday");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                () -> CustomerColumns.of(ids, new String[0], null, new byte[] {1}, null), "birthDay");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                () -> PurchaseColumns.builder("USD").purchase("a", 0, T.day(1, 1)).purchase(null, 0, T.day(1, 1))
                        .build(), "key");
        // and shape errors against the customers when recording
        PurchaseColumns second = PurchaseColumns.builder("USD").purchase("a", 0, T.day(2, 1)).line("books", 1, 100)
                .purchase("b", 1, T.day(2, 1)).line("books", 1, 100).build();
        PurchaseColumns keyless = PurchaseColumns.builder("USD").purchase(null, 0, T.day(2, 1)).line("books", 1, 100)
                .build();
        try (Program p = T.simpleProgram(ProgramOptions.defaults())) {
            T.enrol(p, 1, T.day(1, 1));
            long before = entries(p);
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> p.recordColumns(second, one),
                    "customer 1");
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> p.recordColumns(keyless, one), "keys");
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> p.recordColumns(second,
                    CustomerColumns.of(null, new String[0], new int[] {-1, -1}, null, null)), "ids");
            assertThrows(NullPointerException.class, () -> p.recordColumns(second, null));
            assertEquals(before, entries(p));
        }
    }

    @Test
    void anEmptyBatchRecordsNothing() {
        PurchaseColumns none = PurchaseColumns.builder("USD").build();
        assertEquals(0, none.size());
        try (Program p = T.simpleProgram(ProgramOptions.defaults())) {
            long before = entries(p);
            BatchResult res = p.recordColumns(none, CustomerColumns.builder().build());
            assertEquals(0, res.size());
            assertEquals(0, res.failures());
            assertEquals(before, entries(p));
        }
    }

    @Test
    void aStrategyThatThrowsRefusesOnlyItsPurchase() {
        Calculator c = T.usd(Rounding.FLOOR, "points=1 per=100");
        c.addCustom("picky", StrategyRole.BONUS, in -> {
            if (in.purchase().total() == 666) {
                throw new IllegalStateException("not this one");
            }
            return Fraction.of(0, 1);
        });
        try (Program p = new Program(c)) {
            UUID id = T.enrol(p, 1, T.day(1, 1));
            PurchaseColumns cols = PurchaseColumns.builder("USD")
                    .purchase("a", 0, T.day(2, 1)).line("books", 1, 1000)
                    .purchase("b", 0, T.day(2, 2)).line("books", 1, 666)
                    .purchase("c", 0, T.day(2, 3)).line("books", 1, 500)
                    .build();
            BatchResult res = p.recordColumns(cols, CustomerColumns.of(new UUID[] {id}, new String[0], null, null,
                    null));
            assertEquals(10, res.points(0));
            assertEquals(Status.EUSER, res.status(1));
            assertTrue(res.error(1).orElseThrow().getMessage().contains("not this one"),
                    res.error(1).get().getMessage());
            assertEquals(5, res.points(2));
        }
    }

    @Test
    void aClosedProgramRefusesTheBatch() {
        Program p = T.simpleProgram(ProgramOptions.defaults());
        UUID id = T.enrol(p, 1, T.day(1, 1));
        p.close();
        PurchaseColumns cols = PurchaseColumns.builder("USD").purchase("a", 0, T.day(2, 1)).line("books", 1, 100)
                .build();
        assertThrows(IllegalStateException.class,
                () -> p.recordColumns(cols, CustomerColumns.of(new UUID[] {id}, new String[0], null, null, null)));
    }

    @Test
    void buildersCollectNames() {
        CustomerColumns.Builder cb = CustomerColumns.builder();
        assertEquals(0, cb.add(T.id(1), "gold", MonthDay.of(2, 29)));
        assertEquals(1, cb.add(T.id(2), null, null));
        assertEquals(2, cb.add(T.id(3), "silver", null));
        CustomerColumns cc = cb.build();
        assertEquals(3, cc.size());
        assertArrayEquals(new String[] {"gold", "silver"}, cc.tierNames());
        PurchaseColumns pc = PurchaseColumns.builder("USD").purchase("a", 2, T.day(1, 1)).line("toys", 1, 5)
                .line("books", 2, 7).line("toys", 1, 1).purchase("b", 0, T.day(1, 2)).build();
        assertEquals(2, pc.size());
        assertEquals(3, pc.lineCount());
        assertArrayEquals(new String[] {"toys", "books"}, pc.typeNames());
        assertThrows(IllegalStateException.class, () -> PurchaseColumns.builder("USD").line("x", 1, 1));
    }
}
