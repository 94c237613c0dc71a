/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What-if simulation: the scenario of tests/unit/test_simulate.c with the same
 * exact figures, every source, CSV errors, progress and cancellation.
 */
class SimulateTest {
    @TempDir
    Path dir;

    private static Instant m(int month) {
        return T.utc(2026, month, 1, 0, 0);
    }

    /** USD, perDollar points per dollar, silver at $100, gold at {@code gold} cents, a 300-point voucher. */
    private static Program program(int perDollar, long gold) {
        Program p = new Program(T.usd(Rounding.FLOOR, "points=" + perDollar + " per=100"));
        define(p, gold);
        return p;
    }

    private static void define(Program p, long gold) {
        p.addTier("silver", 10000);
        p.addTier("gold", gold);
        p.addReward(Reward.builder("voucher", 300).build());
    }

    private static Program base() {
        return program(1, 30000);
    }

    private static Program alternative() {
        return program(2, 20000);
    }

    private static void buy(Program p, int n, String key, Instant at, long cents) {
        try (Purchase pu = Purchase.builder(key, T.id(n), at, "USD").item("thing", "goods", 1, cents).build()) {
            p.recordPurchase(pu).close();
        }
    }

    private static void enroll(Program p, int n, String ref, Instant at) {
        try (Customer c = Customer.builder(T.id(n)).externalRef(ref).build()) {
            p.enroll("join-" + ref, c, at).close();
        }
    }

    /** As record_history in the C test. */
    private static void record(Program p) {
        enroll(p, 1, "ada", T.day(1, 5));
        enroll(p, 2, "bob", T.day(1, 6));
        buy(p, 1, "o-1", T.day(1, 10), 12000);
        buy(p, 2, "o-2", T.day(1, 20), 5000);
        p.refund("r-1", "o-2", 2000, T.day(2, 1));
        enroll(p, 3, "cy", T.day(2, 2));
        buy(p, 1, "o-3", T.day(2, 3), 9000);
        p.redeem("x-1", T.id(1), "voucher", T.day(2, 10));
        buy(p, 3, "o-4", T.day(3, 1), 35000);
    }

    private static History recorded() {
        try (Program live = alternative()) {
            record(live);
            return History.fromProgram(live);
        }
    }

    private static SimulationReport run(History h, Simulator.Builder options) {
        try (Program b = base(); Program a = alternative()) {
            return options.pointValue(Fraction.of(1, 2)).build().run(h, b, a);
        }
    }

    private static void checkKnown(SimulationReport r) {
        assertEquals(new SimulationTotals(3, 4, 1, 0, 1, 590, 0, 0, 590, Fraction.of(295), Fraction.of(295)), r.base());
        assertEquals(new SimulationTotals(3, 4, 1, 1, 0, 1180, 300, 0, 880, Fraction.of(590), Fraction.of(440)),
                r.alternative());
        assertEquals(new SimulationTotals(0, 0, 0, 1, -1, 590, 300, 0, 290, Fraction.of(295), Fraction.of(145)),
                r.difference());
        assertEquals(Fraction.of(1, 2), r.pointValue());
        assertEquals(m(4), r.end());
        assertEquals(List.of(new SimulationPeriod(m(2), 170, 0, 0, 170), new SimulationPeriod(m(3), 240, 0, 0, 240),
                new SimulationPeriod(m(4), 590, 0, 0, 590)), r.baseSeries());
        assertEquals(List.of(new SimulationPeriod(m(2), 340, 0, 0, 340), new SimulationPeriod(m(3), 480, 300, 0, 180),
                new SimulationPeriod(m(4), 1180, 300, 0, 880)), r.alternativeSeries());
        assertEquals(Map.of("", 1L, "silver", 1L, "gold", 1L), r.baseTiers());
        assertEquals(List.of("", "silver", "gold"), new ArrayList<>(r.alternativeTiers().keySet()));
        assertEquals(Map.of("", 1L, "silver", 0L, "gold", 2L), r.alternativeTiers());
        assertEquals(List.of(new TierChange(T.id(1), "ada", "silver", "gold")), r.tierChanges());
    }

    @Test
    void knownDifference() {
        try (History h = recorded()) {
            assertEquals(9, h.size());
            assertEquals(3, h.enrollments());
            assertEquals(4, h.purchases());
            assertEquals(1, h.refunds());
            assertEquals(1, h.redemptions());
            checkKnown(run(h, Simulator.builder()));
            checkKnown(run(h, Simulator.builder().threads(2)));
            assertEquals(run(h, Simulator.builder()), run(h, Simulator.builder())); // deterministic
        }
    }

    @Test
    void sources() throws Exception {
        Path file = dir.resolve("shop.lsn");
        try (Program live = alternative()) {
            record(live);
            live.exportTo(file);
        }
        try (History h = History.fromExport(file)) {
            checkKnown(run(h, Simulator.builder()));
        }
        Path shop = dir.resolve("shop");
        try (Program live = Program.open(shop, T.usd(Rounding.FLOOR, "points=2 per=100"), ProgramOptions.defaults(),
                JournalOptions.defaults().withSync(SyncPolicy.NONE))) {
            define(live, 20000);
            record(live);
            try (History h = History.fromJournal(shop)) { // while it is open
                checkKnown(run(h, Simulator.builder()));
            }
        }
        Path csv = dir.resolve("p.csv");
        Files.writeString(csv, "order,customer,date,product_type,quantity,unit_price\n"
                + "o-1,ada,2026-01-10,goods,1,120.00\no-2,ada,2026-02-03,goods,1,90.00\n");
        try (History h = History.fromCsv(csv, "USD")) {
            SimulationReport r = run(h, Simulator.builder());
            assertEquals(210, r.base().issued());
            assertEquals(420, r.alternative().issued());
            assertEquals(History.csvCustomerId("ada"), r.tierChanges().get(0).customerId());
        }
        Files.writeString(csv, "order,customer,date,product_type,quantity,unit_price\no-1,ada,2026-01-10,goods,x,1\n");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> History.fromCsv(csv, "USD"),
                "p.csv:2: quantity must be a positive integer");
        T.assertFails(NotFoundException.class, Status.ENOTFOUND, () -> History.fromJournal(dir.resolve("none")),
                "none");
        try (History h = new History(); Purchase pu = Purchase.builder("o-1", T.id(1), T.day(1, 10), "USD")
                .item("thing", "goods", 1, 12000).build(); Customer c = Customer.builder(T.id(1)).build()) {
            h.addPurchase(pu);
            h.addEnrollment("join-1", c, null, T.day(1, 5));
            h.addRefund("r-1", "o-1", 2000, T.day(1, 11));
            h.addRedemption("x-1", T.id(1), "voucher", T.day(1, 12));
            SimulationReport r = run(h, Simulator.builder());
            assertEquals(100, r.base().issued());
            assertEquals(200, r.alternative().issued());
            assertEquals(1, r.base().redemptionsRefused());
        }
    }

    @Test
    void errors() {
        try (History h = recorded(); Program b = base(); Program live = alternative()) {
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> Simulator.simulate(h, b, b), "same");
            record(live);
            T.assertFails(StateException.class, Status.ESTATE, () -> Simulator.simulate(h, b, live), "customers");
        }
    }

    @Test
    void progressAndCancel() {
        try (History h = recorded()) {
            List<long[]> calls = new ArrayList<>();
            checkKnown(run(h, Simulator.builder().progress((done, total) -> calls.add(new long[] { done, total }))));
            assertEquals(0, calls.get(0)[0]);
            assertEquals(18, calls.get(calls.size() - 1)[0]);
            assertEquals(18, calls.get(calls.size() - 1)[1]);

            assertThrows(CanceledException.class, () -> run(h, Simulator.builder().progress((d, t) -> d == 0)));
            IllegalStateException boom = new IllegalStateException("enough");
            CanceledException e = assertThrows(CanceledException.class,
                    () -> run(h, Simulator.builder().progress((d, t) -> {
                        throw boom;
                    })));
            assertSame(boom, e.getCause());
            assertEquals(Status.ECANCELED.code(), e.code());

            try (Program live = alternative()) {
                record(live);
                List<Long> seen = new ArrayList<>();
                try (History again = History.fromProgram(live, (d, t) -> seen.add(d))) {
                    assertEquals(9, again.size());
                }
                assertEquals(9L, seen.get(seen.size() - 1));
                assertThrows(CanceledException.class, () -> History.fromProgram(live, (d, t) -> false));
                assertFalse(live.isClosed());
            }
        }
    }

    @Test
    void openAndImportProgress() {
        Path shop = dir.resolve("shop");
        Path file = dir.resolve("shop.lsn");
        try (Program live = Program.open(shop, T.usd(Rounding.FLOOR, "points=2 per=100"), ProgramOptions.defaults(),
                JournalOptions.defaults().withSync(SyncPolicy.NONE))) {
            define(live, 20000);
            record(live);
            live.exportTo(file);
        }
        List<long[]> calls = new ArrayList<>();
        try (Program p = Program.open(shop, T.usd(Rounding.FLOOR, "points=2 per=100"), null, JournalOptions.defaults(),
                (d, t) -> calls.add(new long[] { d, t }))) {
            assertEquals(3, p.customerCount());
        }
        long[] last = calls.get(calls.size() - 1);
        assertEquals(0, calls.get(0)[0]);
        assertEquals(last[1], last[0]);
        assertTrue(last[0] > 0);
        Calculator c = T.usd(Rounding.FLOOR, "points=2 per=100");
        assertThrows(CanceledException.class,
                () -> Program.open(shop, c, null, JournalOptions.defaults(), (d, t) -> false));
        assertThrows(CanceledException.class, () -> Program.importFrom(file, c, (d, t) -> d == 0));
        calls.clear();
        try (Program p = Program.importFrom(file, c, (d, t) -> calls.add(new long[] { d, t }))) { // still ours
            assertEquals(3, p.customerCount());
        }
        assertEquals(calls.get(calls.size() - 1)[1], calls.get(calls.size() - 1)[0]);
    }
}
