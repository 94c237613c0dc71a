/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The program, with the scenarios and exact numbers of
 * tests/unit/test_program_earn.c, test_program_spend.c and
 * test_program_time.c; the ledger invariant is checked after each one.
 */
class ProgramTest {
    private static final ProgramOptions DEFAULTS = ProgramOptions.defaults();

    private static Instant t(int y, int mo, int d, int h, int mi) {
        return T.utc(y, mo, d, h, mi);
    }

    // ---- definitions ----------------------------------------------------------------

    @Test
    void optionsRoundTripAndBadOptionsAreNamed() {
        ProgramOptions o = ProgramOptions.builder().pendingDays(14).refundPolicy(RefundPolicy.DEBT)
                .capPerPurchase(500).capPerPeriod(1000, Period.MONTH).expiry(ExpiryMode.BUCKET).expiryMonths(12)
                .expiryRoundUp(Period.MONTH).tierMetric(TierMetric.POINTS).tierRollingDays(365).tierGraceDays(30)
                .referrerBonus(200).refereeBonus(100).referralMinSpend(2000).referralMaxPerReferrer(5).build();
        try (Program p = T.simpleProgram(o)) {
            assertEquals(o, p.options());
        }
        assertEquals(DEFAULTS, ProgramOptions.builder().build());
        Object[][] bad = {
            {DEFAULTS.toBuilder().pendingDays(-1).build(), "pending_days"},
            {DEFAULTS.toBuilder().capPerPeriod(10).build(), "cap_period"},
            {DEFAULTS.toBuilder().expiry(ExpiryMode.BUCKET).build(), "expiry"},
            {DEFAULTS.toBuilder().tierWindow(TierWindow.ROLLING_DAYS).build(), "tier_window_days"},
            {DEFAULTS.toBuilder().referrerBonus(-1).build(), "referrer_bonus"},
        };
        for (Object[] b : bad) {
            Calculator c = T.usd(Rounding.FLOOR, "points=1 per=100");
            T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                    () -> new Program(c, (ProgramOptions) b[0]).close(), (String) b[1]);
            // a failed program leaves the calculator with its owner, usable
            assertEquals("USD", c.currency());
            c.close();
        }
    }

    @Test
    void theProgramOwnsItsCalculator() {
        Calculator c = T.usd(Rounding.FLOOR, "points=1 per=100");
        try (Program p = new Program(c)) {
            assertEquals(c, p.calculator());
            T.assertFails(StateException.class, Status.ESTATE, () -> c.add("threshold", "t", "min_spend=0 bonus=1"));
            T.assertFails(StateException.class, Status.ESTATE, () -> new Program(c), "already");
            c.close(); // does nothing: the program frees it
            assertEquals(1, c.strategies().size());
            try (Customer cu = T.customer(1);
                 Purchase pu = T.purchase(cu.id(), "k", T.day(3, 1), 2599);
                 Receipt r = c.compute(cu, pu)) {
                assertEquals(25, r.points()); // computing with it is fine
            }
        }
    }

    @Test
    void tierThresholdsAndDefinitionsAreFixedAfterTheFirstEnrolment() {
        try (Program p = T.simpleProgram(DEFAULTS)) {
            p.addTier("bronze", 0);
            p.addTier("silver", 10000, "free_delivery");
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> p.addTier("gold", 10000));
            T.assertFails(DuplicateException.class, Status.EDUPLICATE, () -> p.addTier("silver", 20000));
            p.addTier("gold", 50000, "free_delivery", "early_access");
            assertEquals(List.of(new Tier("bronze", 0, List.of()), new Tier("silver", 10000, List.of("free_delivery")),
                    new Tier("gold", 50000, List.of("free_delivery", "early_access"))), p.tiers());
            assertTrue(p.tierHasBenefit("gold", "early_access"));
            assertFalse(p.tierHasBenefit("silver", "early_access"));
            p.addAction("review", 25, 1, Period.MONTH);
            p.addPartner("airline", Fraction.of(3, 2));
            UUID a = T.enrol(p, 1, T.day(3, 1));
            T.assertFails(StateException.class, Status.ESTATE, () -> p.addTier("platinum", 90000));
            T.assertFails(StateException.class, Status.ESTATE, () -> p.addAction("survey", 5));
            T.assertFails(StateException.class, Status.ESTATE, () -> p.addPartner("hotel", Fraction.ONE));
            p.addReward(Reward.builder("mug", 100).build()); // rewards at any time
            try (Customer c = p.customer(a)) {
                assertEquals(Optional.of("bronze"), c.tier()); // a first tier at 0 is given at enrolment
            }
            T.assertLedger(p, a);
        }
    }

    // ---- enrolment --------------------------------------------------------------------

    @Test
    void enrolmentSnapshotsReferencesAndIdempotency() {
        try (Program p = T.simpleProgram(DEFAULTS)) {
            try (Customer profile = Customer.builder(T.id(1)).name("Ada").externalRef("crm-1").tier("ignored")
                    .build();
                 Customer snap = p.enroll("enrol-1", profile, T.day(3, 1))) {
                assertEquals(T.id(1), snap.id());
                assertEquals(T.day(3, 1), snap.joinedAt());
                assertEquals(Optional.empty(), snap.tier());
                profile.setName("changed"); // the program keeps its own copy
                try (Customer again = p.customerByExternalRef("crm-1")) {
                    assertEquals("Ada", again.name());
                }
                // the same key and profile: the enrolment again, nothing new
                try (Customer replay = p.enroll("enrol-1", snap, T.day(3, 1))) {
                    assertEquals(T.id(1), replay.id());
                }
                T.assertFails(ConflictException.class, Status.ECONFLICT, () -> p.enroll("enrol-1", profile, T.day(3, 2)));
                T.assertFails(DuplicateException.class, Status.EDUPLICATE, () -> p.enroll("enrol-2", snap, T.day(3, 2)));
            }
            assertEquals(1, p.customerCount());
            String code = p.referralCode(T.id(1));
            assertTrue(code.matches("LY-[0-9A-Z]{7}"), code);
            T.assertFails(NotFoundException.class, Status.ENOTFOUND, () -> p.customer(T.id(99)));
            T.assertFails(NotFoundException.class, Status.ENOTFOUND, () -> p.customerByExternalRef("crm-2"));
            String unknown = code.equals("LY-ZZZZZZZ") ? "LY-YYYYYYY" : "LY-ZZZZZZZ";
            try (Customer ghost = T.customer(2)) {
                T.assertFails(NotFoundException.class, Status.ENOTFOUND,
                        () -> p.enroll("enrol-2", ghost, unknown, T.day(3, 2)), "referral code");
            }
            T.assertLedger(p, T.id(1));
        }
    }

    // ---- earning -----------------------------------------------------------------------

    @Test
    void aPurchaseCreditsBalanceLifetimeLedgerAndReceipt() {
        try (Program p = T.simpleProgram(DEFAULTS)) {
            UUID a = T.enrol(p, 1, T.day(3, 1));
            try (Receipt r = T.buy(p, a, "order-1", T.day(3, 2), 2599)) {
                // 2599 cents at 1 per 100: 2599/100, floor 25
                assertTrue(r.recorded());
                assertEquals(25, r.points());
                assertEquals(T.f(2599, 100), r.exactPoints());
                assertEquals(25, r.credited());
                assertEquals(0, r.capped());
                assertEquals(Optional.empty(), r.pendingUntil());
                assertEquals(2, r.entrySeq());
                assertEquals("order-1", r.purchaseKey());
                assertEquals(2599, r.spend());
                assertEquals(a, r.customerId());
            }
            LedgerEntry e = T.entry(p, a, 1);
            T.assertEntry(e, EntryKind.EARN, 25, 0, 0, 25, 0, "order-1");
            assertEquals(2, e.seq());
            assertEquals("order-1", e.key());
            assertEquals(T.day(3, 2), e.at());
            T.assertBalances(p, a, 25, 0, 0);
            assertEquals(25, T.lifetimeEarned(p, a));
            assertEquals(2, p.ledger(a).size());
            try (Receipt r = T.buy(p, a, "order-2", T.day(3, 3), 1000)) {
                assertEquals(3, r.entrySeq());
            }
            T.assertEntry(T.entry(p, a, 2), EntryKind.EARN, 10, 0, 0, 35, 0, "order-2");
            assertEquals(35, T.lifetimeEarned(p, a));
            T.assertLedger(p, a);
        }
    }

    @Test
    void aPurchaseEarnsAtTheTierHeldBeforeItAndUpgradesAfter() {
        Calculator c = T.usd(Rounding.FLOOR, "points=1 per=100");
        c.add("tier_multiplier", "tiers", "tier.silver=2");
        c.add("first_purchase", "welcome", "bonus=10");
        try (Program p = new Program(c)) {
            p.addTier("bronze", 0);
            p.addTier("silver", 10000);
            UUID a = T.enrol(p, 1, T.day(3, 1)); // seq 1 ENROLL, seq 2 TIER bronze
            try (Receipt r = T.buy(p, a, "p1", T.day(3, 2), 15000)) {
                assertEquals(160, r.points()); // 150.00 at bronze + the first-purchase bonus
                assertEquals(3, r.entrySeq());
            }
            T.assertEntry(T.entry(p, a, 2), EntryKind.EARN, 160, 0, 0, 160, 0, "p1");
            LedgerEntry tier = T.entry(p, a, 3); // the upgrade comes right after the EARN entry
            T.assertEntry(tier, EntryKind.TIER, 0, 0, 0, 160, 0, "silver");
            assertEquals(4, tier.seq());
            assertEquals("bronze -> silver (qualified)", tier.memo());
            assertEquals("p1", tier.key());
            try (Receipt r = T.buy(p, a, "p2", T.day(3, 3), 1000)) {
                assertEquals(20, r.points()); // at silver, not a first purchase: 10 x 2
            }
            T.assertEntry(T.entry(p, a, -1), EntryKind.EARN, 20, 0, 0, 180, 0, "p2");
            assertEquals(5, p.ledger(a).size());
            T.assertLedger(p, a);
        }
    }

    @Test
    void aReplayedPurchaseReturnsTheSameReceiptAndConflictsOnAnotherPayload() {
        try (Program p = T.simpleProgram(DEFAULTS)) {
            UUID a = T.enrol(p, 1, T.day(3, 1));
            UUID b = T.enrol(p, 2, T.day(3, 1));
            try (Purchase pu = Purchase.builder("order-1", a, T.day(3, 2), "USD").channel("store")
                    .item("sku-1", "goods", 1, 2599).item("sku-2", "goods", 2, 700).build();
                 Receipt first = p.recordPurchase(pu);
                 Purchase again = pu.copy();
                 Receipt second = p.recordPurchase(again)) {
                assertEquals(39, first.credited());
                assertEquals(first.format(), second.format());
                assertEquals(first.entrySeq(), second.entrySeq());
            }
            int entries = p.ledger().size();
            T.assertFails(ConflictException.class, Status.ECONFLICT, () -> T.buy(p, a, "order-1", T.day(3, 2), 2600),
                    "order-1");
            T.assertFails(ConflictException.class, Status.ECONFLICT, () -> T.buy(p, b, "order-1", T.day(3, 2), 3999));
            // keys share one namespace across operations
            T.assertFails(ConflictException.class, Status.ECONFLICT,
                    () -> p.refund("order-1", "order-1", 100, T.day(3, 3)));
            T.assertFails(ConflictException.class, Status.ECONFLICT,
                    () -> p.adjust("order-1", a, 5, "goodwill", T.day(3, 3)));
            T.assertFails(ConflictException.class, Status.ECONFLICT, () -> T.buy(p, a, "enrol-2", T.day(3, 3), 100));
            assertEquals(entries, p.ledger().size());
            T.assertBalances(p, a, 39, 0, 0);
            T.assertLedger(p, a);
            T.assertLedger(p, b);
        }
    }

    @Test
    void failedPurchasesRecordNothingAndFreeTheKey() {
        try (Program p = T.simpleProgram(DEFAULTS)) {
            UUID a = T.enrol(p, 1, T.day(3, 1));
            int entries = p.ledger().size();
            T.assertFails(NotFoundException.class, Status.ENOTFOUND, () -> T.buy(p, T.id(99), "order-1", T.day(3, 2), 1000),
                    "loyalty_program_record_purchase");
            try (Purchase eur = Purchase.builder("order-1", a, T.day(3, 2), "EUR").item("s", "goods", 1, 1000).build()) {
                T.assertFails(CurrencyException.class, Status.ECURRENCY, () -> p.recordPurchase(eur), "EUR");
            }
            assertEquals(entries, p.ledger().size());
            assertEquals(10, T.buyOk(p, a, "order-1", T.day(3, 2), 1000));
            T.assertLedger(p, a);
        }
    }

    @Test
    void aBatchReportsEachPurchaseAndBadOnesChangeNothing() {
        try (Program p = T.simpleProgram(DEFAULTS)) {
            UUID a = T.enrol(p, 1, T.day(3, 1));
            List<Purchase> batch = List.of(T.purchase(a, "b1", T.day(3, 2), 1000),
                    T.purchase(T.id(99), "b2", T.day(3, 2), 1000),
                    Purchase.builder("b3", a, T.day(3, 2), "EUR").item("s", "goods", 1, 1000).build(),
                    T.purchase(a, "b4", T.day(3, 2), 2500),
                    T.purchase(a, "b1", T.day(3, 2), 1000));
            List<RecordedPurchase> out = p.recordPurchases(batch);
            assertEquals(List.of(true, false, false, true, true),
                    out.stream().map(RecordedPurchase::recorded).collect(Collectors.toList()));
            assertEquals(Status.ENOTFOUND, ((LoyaltyException) out.get(1).error()).status());
            assertTrue(out.get(2).error() instanceof CurrencyException, out.get(2).toString());
            assertTrue(out.get(2).error().getMessage().contains("EUR"), out.get(2).error().getMessage());
            assertEquals(25, out.get(3).receipt().credited());
            assertEquals(out.get(0).receipt().entrySeq(), out.get(4).receipt().entrySeq()); // a replay
            T.assertBalances(p, a, 35, 0, 0);
            for (RecordedPurchase r : out) {
                if (r.receipt() != null) {
                    r.receipt().close();
                }
                r.purchase().close();
            }
            T.assertLedger(p, a);
        }
    }

    @Test
    void pendingPointsAreHeldThenMaturedByTheSweep() {
        Instant t1 = t(2026, 3, 2, 10, 0);
        Instant t2 = T.plusDays(t1, 3);
        try (Program p = T.simpleProgram(ProgramOptions.builder().pendingDays(14).build())) {
            UUID a = T.enrol(p, 1, T.day(3, 1));
            try (Receipt r = T.buy(p, a, "p1", t1, 3000)) {
                assertEquals(30, r.credited());
                assertEquals(Optional.of(T.plusDays(t1, 14)), r.pendingUntil());
            }
            T.assertEntry(T.entry(p, a, 1), EntryKind.EARN, 0, 30, 0, 0, 30, "p1");
            assertEquals(10, T.buyOk(p, a, "p2", t2, 1000));
            T.assertBalances(p, a, 0, 40, 0);
            Progress pr = p.progress(a, T.plusDays(t1, 1));
            assertEquals(0, pr.available());
            assertEquals(40, pr.pending());
            assertEquals(Optional.of(T.plusDays(t1, 14)), pr.nextMaturity());
            assertEquals(30, pr.nextMaturityPoints());
            // pending points cannot be spent
            T.assertFails(InsufficientPointsException.class, Status.EINSUFFICIENT,
                    () -> p.adjust("spend", a, -1, "test", T.plusDays(t1, 1)));
            assertEquals(new MaintenanceReport(0, 0, 0, 0), p.maintain(T.plusDays(t1, 14).minusMillis(1)));
            assertEquals(new MaintenanceReport(30, 0, 0, 1), p.maintain(T.plusDays(t1, 14)));
            LedgerEntry e = T.entry(p, a, 3);
            T.assertEntry(e, EntryKind.MATURE, 30, -30, 0, 30, 10, "");
            assertEquals(T.plusDays(t1, 14), e.at());
            assertEquals(0, p.maintain(T.plusDays(t1, 14)).entries()); // the same sweep again changes nothing
            assertEquals(10, p.maintain(T.plusDays(t2, 40)).matured());
            e = T.entry(p, a, 4);
            T.assertEntry(e, EntryKind.MATURE, 10, -10, 0, 40, 0, "");
            assertEquals(T.plusDays(t2, 14), e.at()); // dated when it happened
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> p.maintain(T.plusDays(t1, 14)));
            T.assertBalances(p, a, 40, 0, 0);
            T.assertLedger(p, a);
        }
    }

    @Test
    void refundsInsideTheReturnWindowCancelPendingPoints() {
        Instant t1 = t(2026, 3, 2, 10, 0);
        try (Program p = T.simpleProgram(ProgramOptions.builder().pendingDays(14).build())) {
            UUID a = T.enrol(p, 1, T.day(3, 1));
            assertEquals(30, T.buyOk(p, a, "p1", t1, 3000));
            assertEquals(10, T.buyOk(p, a, "p2", t1, 1000));
            assertEquals(new RefundResult(30, 30, 0, 3000, 4), p.refund("r1", "p1", 3000, T.plusDays(t1, 2)));
            LedgerEntry e = T.entry(p, a, 3);
            T.assertEntry(e, EntryKind.REFUND, 0, -30, 0, 0, 10, "p1");
            assertEquals("r1", e.key());
            RefundResult half = p.refund("r2", "p2", 500, T.plusDays(t1, 2));
            assertEquals(List.of(5L, 5L), List.of(half.clawedBack(), half.fromPending()));
            T.assertBalances(p, a, 0, 5, 0);
            assertEquals(5, p.maintain(T.plusDays(t1, 30)).matured());
            RefundResult rest = p.refund("r3", "p2", 500, T.plusDays(t1, 31));
            assertEquals(List.of(5L, 0L), List.of(rest.clawedBack(), rest.fromPending()));
            T.assertBalances(p, a, 0, 0, 0);
            assertEquals(0, T.lifetimeEarned(p, a));
            T.assertFails(OutOfRangeException.class, Status.ERANGE, () -> p.refund("r4", "p2", 1, T.plusDays(t1, 31)));
            T.assertFails(NotFoundException.class, Status.ENOTFOUND, () -> p.refund("r5", "nope", 1, T.plusDays(t1, 31)));
            T.assertLedger(p, a);
        }
    }

    @Test
    void maturingPointsRepayADebtOrFillANegativeBalance() {
        Instant t1 = t(2026, 3, 2, 10, 0);
        ProgramOptions held = ProgramOptions.builder().pendingDays(14).build();
        try (Program p = T.simpleProgram(held.toBuilder().refundPolicy(RefundPolicy.DEBT).build());
             Program q = T.simpleProgram(held)) {
            UUID a = T.enrol(p, 1, T.day(3, 1));
            UUID b = T.enrol(q, 1, T.day(3, 1));
            for (Program x : List.of(p, q)) {
                UUID id = x == p ? a : b;
                assertEquals(50, T.buyOk(x, id, "p1", t1, 5000));
                x.maintain(T.plusDays(t1, 14));
                x.adjust("spend", id, -40, "spent", T.plusDays(t1, 15));
            }
            assertEquals(40, p.refund("r1", "p1", 5000, T.plusDays(t1, 16)).debtAdded());
            assertEquals(0, q.refund("r1", "p1", 5000, T.plusDays(t1, 16)).debtAdded());
            T.assertBalances(p, a, 0, 0, 40);
            T.assertBalances(q, b, -40, 0, 0);
            assertEquals(40, p.debt(a));
            assertEquals(30, T.buyOk(p, a, "p2", T.plusDays(t1, 17), 3000));
            assertEquals(30, T.buyOk(q, b, "p2", T.plusDays(t1, 17), 3000));
            MaintenanceReport rep = p.maintain(T.plusDays(t1, 40));
            assertEquals(List.of(30L, 2L), List.of(rep.matured(), rep.entries()));
            T.assertEntry(T.entry(p, a, -2), EntryKind.MATURE, 30, -30, 0, 30, 0, "");
            T.assertEntry(T.entry(p, a, -1), EntryKind.DEBT_REPAY, -30, 0, -30, 0, 0, "");
            T.assertBalances(p, a, 0, 0, 10);
            assertEquals(1, q.maintain(T.plusDays(t1, 40)).entries());
            T.assertEntry(T.entry(q, b, -1), EntryKind.MATURE, 30, -30, 0, -10, 0, "");
            T.assertBalances(q, b, -10, 0, 0);
            T.assertLedger(p, a);
            T.assertLedger(q, b);
        }
    }

    @Test
    void aFullRefundTakesBackExactlyWhatWasCreditedBonusesIncluded() {
        Calculator c = T.usd(Rounding.FLOOR, "points=1 per=100");
        c.add("campaign", "spring", "multiplier=3/2");
        c.add("threshold", "big", "min_spend=1000 bonus=5");
        c.add("first_purchase", "welcome", "bonus=10");
        try (Program p = new Program(c)) {
            UUID a = T.enrol(p, 1, T.day(3, 1));
            try (Receipt r = T.buy(p, a, "p1", T.day(3, 2), 1999)) {
                assertEquals(T.f(8997, 200), r.exactPoints()); // 1999/100 x 3/2 + 5 + 10 = 44.985
                assertEquals(44, r.credited());
            }
            assertEquals(20, T.buyOk(p, a, "p2", T.day(3, 3), 1000));
            T.assertBalances(p, a, 64, 0, 0);
            RefundResult res = p.refund("r1", "p1", 1999, T.day(3, 4));
            assertEquals(44, res.clawedBack());
            assertEquals(1999, res.refundedTotal());
            LedgerEntry e = T.entry(p, a, -1);
            T.assertEntry(e, EntryKind.REFUND, -44, 0, 0, 20, 0, "p1");
            assertEquals("refund of 1999 of 1999", e.memo());
            T.assertBalances(p, a, 20, 0, 0);
            assertEquals(20, T.lifetimeEarned(p, a));
            T.assertLedger(p, a);
        }
    }

    @Test
    void partialRefundsAreCumulativeAndNeverDrift() {
        try (Program p = T.simpleProgram(DEFAULTS)) {
            UUID a = T.enrol(p, 1, T.day(3, 1));
            assertEquals(10, T.buyOk(p, a, "p1", T.day(3, 2), 1000));
            long[] thirds = {333, 333, 334};
            long[] claws = {3, 3, 4}; // floor(10 x 333/1000), 6 - 3, 10 - 6
            for (int i = 0; i < 3; i++) {
                assertEquals(claws[i], p.refund("r" + i, "p1", thirds[i], T.day(3, 3)).clawedBack());
            }
            T.assertBalances(p, a, 0, 0, 0);
            T.assertLedger(p, a);
        }
    }

    @Test
    void capsLimitTheCreditAndTheReceiptSaysSo() {
        try (Program p = T.simpleProgram(ProgramOptions.builder().capPerPurchase(50).capPerPeriod(80, Period.MONTH)
                .build())) {
            UUID a = T.enrol(p, 1, T.day(3, 1));
            try (Receipt r = T.buy(p, a, "p1", T.day(3, 2), 10000)) {
                assertEquals(List.of(100L, 50L, 50L), List.of(r.points(), r.credited(), r.capped()));
            }
            try (Receipt r = T.buy(p, a, "p2", T.day(3, 3), 10000)) {
                assertEquals(List.of(30L, 70L), List.of(r.credited(), r.capped())); // 80 a month
            }
            assertEquals(50, T.buyOk(p, a, "p3", T.day(4, 1), 10000)); // April starts again
            T.assertLedger(p, a);
        }
    }

    @Test
    void referralBonusesArePaidOnceOnTheFirstQualifyingPurchase() {
        try (Program p = T.simpleProgram(ProgramOptions.builder().referrerBonus(100).refereeBonus(50)
                .referralMinSpend(2000).build())) {
            UUID a;
            try (Customer ada = Customer.builder(T.id(1)).email("ada@example.com").build();
                 Customer snap = p.enroll("enrol-1", ada, T.day(3, 1))) {
                a = snap.id();
            }
            String code = p.referralCode(a);
            UUID b;
            try (Customer bob = Customer.builder(T.id(2)).email("bob@example.com").build();
                 Customer snap = p.enroll("enrol-2", bob, code, T.day(3, 2))) {
                b = snap.id();
            }
            assertEquals(19, T.buyOk(p, b, "b1", T.day(3, 3), 1999)); // below the minimum: no bonus
            assertEquals(2, p.ledger(b).size());
            assertEquals(30, T.buyOk(p, b, "b2", T.day(3, 4), 3000));
            T.assertEntry(T.entry(p, b, 2), EntryKind.EARN, 30, 0, 0, 49, 0, "b2");
            T.assertEntry(T.entry(p, b, 3), EntryKind.REFERRAL, 50, 0, 0, 99, 0, "referee");
            LedgerEntry referrer = T.entry(p, a, 1);
            T.assertEntry(referrer, EntryKind.REFERRAL, 100, 0, 0, 100, 0, b.toString());
            assertEquals("b2", referrer.key());
            assertEquals(T.entry(p, b, 3).seq() + 1, referrer.seq());
            assertEquals(50, T.buyOk(p, b, "b3", T.day(3, 5), 5000)); // once only
            T.assertBalances(p, b, 149, 0, 0);
            assertEquals(30, p.refund("r2", "b2", 3000, T.day(3, 6)).clawedBack());
            T.assertBalances(p, b, 119, 0, 0); // the bonuses stay
            T.assertBalances(p, a, 100, 0, 0);
            // a self-referral and a second referrer are refused
            try (Customer cid = Customer.builder(T.id(3)).build(); Customer snap = p.enroll("enrol-3", cid, T.day(3, 7))) {
                T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                        () -> p.setReferrer("ref-self", snap.id(), p.referralCode(snap.id()), T.day(3, 8)));
                p.setReferrer("ref-3", snap.id(), code, T.day(3, 8));
                T.assertFails(DuplicateException.class, Status.EDUPLICATE,
                        () -> p.setReferrer("ref-3b", snap.id(), p.referralCode(b), T.day(3, 8)));
            }
            // a customer who has purchased can no longer be given a referrer
            UUID d = T.enrol(p, 4, T.day(3, 7));
            T.buyOk(p, d, "d1", T.day(3, 8), 100);
            T.assertFails(StateException.class, Status.ESTATE, () -> p.setReferrer("ref-d", d, code, T.day(3, 9)));
            T.assertLedger(p, a);
            T.assertLedger(p, b);
        }
    }

    @Test
    void engagementActionsPayWithinTheirCapAndNotTowardTiers() {
        try (Program p = T.simpleProgram(ProgramOptions.builder().tierMetric(TierMetric.POINTS).build())) {
            p.addTier("bronze", 0);
            p.addTier("silver", 50);
            p.addAction("review", 20, 2, Period.MONTH);
            p.addAction("survey", 5);
            UUID a = T.enrol(p, 1, T.day(3, 1));
            LedgerEntry e = p.recordAction("a1", a, "review", T.day(3, 3));
            T.assertEntry(e, EntryKind.ACTION, 20, 0, 0, 20, 0, "review");
            assertEquals(T.entry(p, a, -1), e);
            p.recordAction("a2", a, "review", T.day(3, 20));
            int entries = p.ledger().size();
            T.assertFails(OutOfRangeException.class, Status.ERANGE, () -> p.recordAction("a3", a, "review", T.day(3, 31)),
                    "review");
            assertEquals(e, p.recordAction("a1", a, "review", T.day(3, 3))); // a retry is the first again
            T.assertFails(ConflictException.class, Status.ECONFLICT, () -> p.recordAction("a1", a, "survey", T.day(3, 3)));
            T.assertFails(NotFoundException.class, Status.ENOTFOUND, () -> p.recordAction("a9", a, "tweet", T.day(3, 3)),
                    "tweet");
            assertEquals(entries, p.ledger().size());
            T.assertEntry(p.recordAction("a3", a, "review", T.day(4, 1)), EntryKind.ACTION, 20, 0, 0, 60, 0, "review");
            for (int i = 0; i < 3; i++) {
                p.recordAction("s" + i, a, "survey", T.day(4, 2));
            }
            T.assertBalances(p, a, 75, 0, 0);
            Progress pr = p.progress(a, T.day(4, 2));
            assertEquals(Optional.of("bronze"), pr.tier());
            assertEquals(List.of(0L, 50L), List.of(pr.metric(), pr.toNextTier()));
            assertEquals(10, T.buyOk(p, a, "p1", T.day(4, 3), 1000));
            assertEquals(10, p.progress(a, T.day(4, 3)).metric());
            T.assertLedger(p, a);
        }
    }

    @Test
    void partnerUnitsConvertAtTheExactRateRoundedOnce() {
        try (Program p = T.simpleProgram(DEFAULTS);
             Program q = new Program(T.usd(Rounding.HALF_UP, "points=1 per=100"))) {
            p.addPartner("airline", T.f(3, 2));
            p.addPartner("hotel", T.f(2, 6));
            q.addPartner("airline", T.f(3, 2));
            q.addPartner("hotel", T.f(1, 3));
            UUID a = T.enrol(p, 1, T.day(3, 1));
            UUID b = T.enrol(q, 1, T.day(3, 1));
            LedgerEntry e = p.creditPartner("x1", a, "airline", 5, T.day(3, 2));
            T.assertEntry(e, EntryKind.PARTNER, 7, 0, 0, 7, 0, "airline"); // floor 7.5
            assertEquals("5 units at 3/2", e.memo());
            e = p.creditPartner("x2", a, "hotel", 10, T.day(3, 2));
            T.assertEntry(e, EntryKind.PARTNER, 3, 0, 0, 10, 0, "hotel");
            assertEquals("10 units at 1/3", e.memo());
            T.assertEntry(q.creditPartner("x1", b, "airline", 5, T.day(3, 2)), EntryKind.PARTNER, 8, 0, 0, 8, 0,
                    "airline"); // half up
            T.assertEntry(q.creditPartner("x2", b, "hotel", 5, T.day(3, 2)), EntryKind.PARTNER, 2, 0, 0, 10, 0,
                    "hotel");
            T.assertFails(ConflictException.class, Status.ECONFLICT, () -> p.creditPartner("x1", a, "airline", 6, T.day(3, 2)));
            T.assertFails(NotFoundException.class, Status.ENOTFOUND, () -> p.creditPartner("x3", a, "train", 5, T.day(3, 2)),
                    "train");
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> p.creditPartner("x3", a, "airline", 0, T.day(3, 2)));
            assertEquals(10, T.lifetimeEarned(p, a));
            T.assertLedger(p, a);
            T.assertLedger(q, b);
        }
    }

    // ---- spending ----------------------------------------------------------------------

    private static Program spendProgram(ProgramOptions o) {
        return T.simpleProgram(o);
    }

    @Test
    void redemptionSpendsTheSoonestExpiryFirst() {
        try (Program p = spendProgram(ProgramOptions.builder().expiry(ExpiryMode.BUCKET).expiryMonths(1).build())) {
            p.addReward(Reward.builder("coffee", 50).build());
            UUID c = T.enrol(p, 1, t(2025, 1, 1, 0, 0));
            assertEquals(100, T.buyOk(p, c, "p-jan28", t(2025, 1, 28, 12, 0), 10000)); // expires Feb 28 12:00
            assertEquals(60, T.buyOk(p, c, "p-jan31", t(2025, 1, 31, 10, 0), 6000)); // expires Feb 28 10:00
            Progress pr = p.progress(c, t(2025, 2, 1, 0, 0));
            assertEquals(Optional.of(t(2025, 2, 28, 10, 0)), pr.nextExpiry());
            assertEquals(60, pr.nextExpiryPoints());
            Redemption r = p.redeem("r1", c, "coffee", t(2025, 2, 1, 9, 0));
            assertEquals(c, r.customerId());
            assertEquals("coffee", r.reward());
            assertEquals(50, r.points());
            assertEquals(t(2025, 2, 1, 9, 0), r.at());
            assertFalse(r.cancelled());
            LedgerEntry e = T.entry(p, c, -1);
            assertEquals(r.entrySeq(), e.seq());
            T.assertEntry(e, EntryKind.REDEEM, -50, 0, 0, 110, 0, "coffee");
            assertEquals(r.id().toString(), e.memo());
            assertEquals(r, p.redemption(r.id())); // looked up by its UUID, the coupon code
            T.assertFails(NotFoundException.class, Status.ENOTFOUND, () -> p.redemption(UUID.randomUUID()));
            // the 31 January bucket lost 50: 10 left expire at 10:00, then the 100 at 12:00
            pr = p.progress(c, t(2025, 2, 1, 9, 0));
            assertEquals(Optional.of(t(2025, 2, 28, 10, 0)), pr.nextExpiry());
            assertEquals(10, pr.nextExpiryPoints());
            assertEquals(new MaintenanceReport(0, 0, 0, 0), p.maintain(t(2025, 2, 28, 9, 59)));
            assertEquals(new MaintenanceReport(0, 10, 0, 1), p.maintain(t(2025, 2, 28, 10, 0)));
            T.assertEntry(T.entry(p, c, -1), EntryKind.EXPIRE, -10, 0, 0, 100, 0, T.entry(p, c, -1).ref());
            assertEquals(100, p.maintain(t(2025, 2, 28, 12, 0)).expired());
            try (Customer snap = p.customer(c)) {
                assertEquals(110, snap.lifetimeExpired());
                assertEquals(50, snap.lifetimeRedeemed());
            }
            assertEquals(50, T.buyOk(p, c, "p-mar", t(2025, 3, 1, 10, 0), 5000));
            Redemption r2 = p.redeem("r2", c, "coffee", t(2025, 3, 1, 11, 0));
            assertNotEquals(r.id(), r2.id());
            T.assertBalances(p, c, 0, 0, 0);
            T.assertLedger(p, c);
        }
    }

    @Test
    void redemptionRefusalsChangeNothing() {
        try (Program p = spendProgram(DEFAULTS)) {
            p.addTier("silver", 0);
            p.addTier("gold", 100000);
            p.addReward(Reward.builder("lamp", 200).build());
            p.addReward(Reward.builder("cap", 100).stock(0).build());
            p.addReward(Reward.builder("lounge", 50).minTier("gold").stock(5).build());
            p.addReward(Reward.builder("spring", 50).validFrom(t(2025, 3, 1, 0, 0)).validUntil(t(2025, 4, 1, 0, 0))
                    .stock(5).build());
            UUID c = T.enrol(p, 1, t(2025, 1, 1, 0, 0));
            UUID gold = T.enrol(p, 2, t(2025, 1, 1, 0, 0));
            assertEquals(120, T.buyOk(p, c, "p1", t(2025, 2, 1, 10, 0), 12000));
            int entries = p.ledger().size();
            Instant at = t(2025, 3, 2, 10, 0);
            T.assertFails(InsufficientPointsException.class, Status.EINSUFFICIENT, () -> p.redeem("k-lamp", c, "lamp", at));
            T.assertFails(OutOfRangeException.class, Status.ERANGE, () -> p.redeem("k-cap", c, "cap", at));
            T.assertFails(StateException.class, Status.ESTATE, () -> p.redeem("k-lounge", c, "lounge", at), "gold");
            T.assertFails(StateException.class, Status.ESTATE,
                    () -> p.redeem("k-early", c, "spring", t(2025, 3, 1, 0, 0).minusMillis(1)));
            T.assertFails(StateException.class, Status.ESTATE, () -> p.redeem("k-late", c, "spring", t(2025, 4, 1, 0, 0)));
            T.assertFails(NotFoundException.class, Status.ENOTFOUND, () -> p.redeem("k-none", c, "no-such", at));
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> p.redeem("bad key", c, "spring", at));
            assertEquals(entries, p.ledger().size());
            T.assertBalances(p, c, 120, 0, 0);
            assertEquals(Optional.of(OptionalLong.of(5)), stockOf(p, "spring"));
            // the window's own edges are inside
            p.redeem("k-first", c, "spring", t(2025, 3, 1, 0, 0));
            p.redeem("k-lastms", c, "spring", t(2025, 4, 1, 0, 0).minusMillis(1));
            T.assertBalances(p, c, 20, 0, 0);
            assertEquals(Optional.of(OptionalLong.of(3)), stockOf(p, "spring"));
            assertEquals(180, T.buyOk(p, c, "p2", t(2025, 3, 2, 9, 0), 18000));
            assertEquals(200, p.redeem("k-lamp", c, "lamp", at).points()); // the failed key is free
            assertEquals(1000, T.buyOk(p, gold, "g1", t(2025, 3, 3, 10, 0), 100000));
            p.redeem("k-gold", gold, "lounge", t(2025, 3, 4, 10, 0));
            assertEquals(Optional.of(OptionalLong.of(4)), stockOf(p, "lounge"));
            T.assertBalances(p, gold, 950, 0, 0);
            assertEquals(50, p.pointsMissing(c, "lounge"));
            assertEquals(Optional.of(OptionalLong.empty()), stockOf(p, "lamp"));
            T.assertLedger(p, c);
            T.assertLedger(p, gold);
        }
    }

    private static Optional<OptionalLong> stockOf(Program p, String reward) {
        return p.rewards().stream().filter(r -> r.id().equals(reward)).findFirst().map(Reward::stock);
    }

    @Test
    void cancellingRestoresPointsAndStockOnce() {
        try (Program p = spendProgram(DEFAULTS)) {
            p.addReward(Reward.builder("tote", 250).name("Tote bag").stock(40).build());
            UUID c = T.enrol(p, 1, T.day(1, 1));
            assertEquals(300, T.buyOk(p, c, "p1", T.day(1, 2), 30000));
            Redemption r = p.redeem("r1", c, "tote", T.day(1, 3));
            assertEquals(r, p.redeem("r1", c, "tote", T.day(1, 3))); // a replay
            T.assertFails(ConflictException.class, Status.ECONFLICT, () -> p.redeem("r1", c, "tote", T.day(1, 4)));
            assertEquals(Optional.of(OptionalLong.of(39)), stockOf(p, "tote"));
            Redemption cancelled = p.cancelRedemption("c1", r.id(), T.day(1, 4));
            assertTrue(cancelled.cancelled());
            assertEquals(250, cancelled.points());
            assertTrue(p.redemption(r.id()).cancelled());
            T.assertFails(StateException.class, Status.ESTATE, () -> p.cancelRedemption("c2", r.id(), T.day(1, 5)));
            T.assertBalances(p, c, 300, 0, 0);
            assertEquals(Optional.of(OptionalLong.of(40)), stockOf(p, "tote"));
            T.assertEntry(T.entry(p, c, -1), EntryKind.REDEEM_CANCEL, 250, 0, 0, 300, 0, "tote");
            p.setRewardStock("tote", 2);
            assertEquals(Optional.of(OptionalLong.of(2)), stockOf(p, "tote"));
            p.setRewardStockUnlimited("tote");
            assertEquals(List.of(new Reward("tote", "Tote bag", 250, Optional.empty(), Optional.empty(),
                    Optional.empty(), OptionalLong.empty())), p.rewards());
            T.assertFails(NotFoundException.class, Status.ENOTFOUND, () -> p.setRewardStock("nope", 1));
            T.assertLedger(p, c);
        }
    }

    @Test
    void transfersAreTwoEntriesOrNothing() {
        try (Program p = spendProgram(DEFAULTS)) {
            UUID a = T.enrol(p, 1, t(2025, 1, 1, 0, 0));
            UUID b = T.enrol(p, 2, t(2025, 1, 1, 0, 0));
            assertEquals(300, T.buyOk(p, a, "pa", t(2025, 1, 2, 10, 0), 30000));
            assertEquals(20, T.buyOk(p, b, "pb", t(2025, 1, 2, 10, 0), 2000));
            int all = p.ledger().size();
            p.transfer("t1", a, b, 120, t(2025, 1, 3, 10, 0));
            assertEquals(all + 2, p.ledger().size());
            LedgerEntry out = T.entry(p, a, -1);
            LedgerEntry in = T.entry(p, b, -1);
            T.assertEntry(out, EntryKind.TRANSFER_OUT, -120, 0, 0, 180, 0, b.toString());
            T.assertEntry(in, EntryKind.TRANSFER_IN, 120, 0, 0, 140, 0, a.toString());
            assertEquals(out.seq() + 1, in.seq());
            Instant later = t(2025, 1, 4, 10, 0);
            T.assertFails(InsufficientPointsException.class, Status.EINSUFFICIENT, () -> p.transfer("t2", a, b, 181, later));
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> p.transfer("t2", a, a, 10, later));
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> p.transfer("t2", a, b, 0, later));
            T.assertFails(NotFoundException.class, Status.ENOTFOUND, () -> p.transfer("t2", a, T.id(55), 10, later));
            T.assertFails(ConflictException.class, Status.ECONFLICT, () -> p.transfer("t1", a, b, 121, t(2025, 1, 3, 10, 0)));
            p.transfer("t1", a, b, 120, t(2025, 1, 3, 10, 0)); // a replay
            p.transfer("t2", b, a, 140, t(2025, 1, 5, 10, 0));
            T.assertBalances(p, a, 320, 0, 0);
            T.assertBalances(p, b, 0, 0, 0);
            T.assertLedger(p, a);
            T.assertLedger(p, b);
        }
    }

    @Test
    void donationsAndAdjustments() {
        try (Program p = spendProgram(DEFAULTS)) {
            UUID a = T.enrol(p, 1, T.day(1, 1));
            assertEquals(100, T.buyOk(p, a, "p1", T.day(1, 2), 10000));
            LedgerEntry d = p.donate("d1", a, "seaside-trust", 30, T.day(1, 3));
            T.assertEntry(d, EntryKind.DONATE, -30, 0, 0, 70, 0, "seaside-trust");
            T.assertFails(InsufficientPointsException.class, Status.EINSUFFICIENT,
                    () -> p.donate("d2", a, "seaside-trust", 71, T.day(1, 3)));
            LedgerEntry adj = p.adjust("adj-1", a, 5, "goodwill", T.day(1, 4));
            T.assertEntry(adj, EntryKind.ADJUST, 5, 0, 0, 75, 0, adj.ref());
            assertEquals("goodwill", adj.memo());
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> p.adjust("adj-2", a, 0, "nothing", T.day(1, 4)));
            T.assertFails(InsufficientPointsException.class, Status.EINSUFFICIENT,
                    () -> p.adjust("adj-2", a, -76, "too much", T.day(1, 4)));
            try (Customer snap = p.customer(a)) {
                assertEquals(30, snap.lifetimeRedeemed());
            }
            T.assertLedger(p, a);
        }
    }

    // ---- tiers and time --------------------------------------------------------------------

    @Test
    void paidTiersAndTheYearEndReview() {
        try (Program p = spendProgram(DEFAULTS)) {
            p.addTier("member", 0);
            p.addTier("silver", 50000, "free_delivery");
            p.addTier("gold", 150000, "free_delivery", "early_access");
            UUID a = T.enrol(p, 1, t(2026, 1, 5, 10, 0));
            assertEquals(600, T.buyOk(p, a, "p1", t(2026, 2, 1, 10, 0), 60000));
            try (Customer c = p.customer(a)) {
                assertEquals(Optional.of("silver"), c.tier());
            }
            p.assignTier("paid-1", a, "gold", t(2027, 6, 1, 0, 0), t(2026, 3, 1, 0, 0));
            try (Customer c = p.customer(a)) {
                assertEquals(Optional.of("gold"), c.tier());
            }
            T.assertFails(NotFoundException.class, Status.ENOTFOUND,
                    () -> p.assignTier("paid-2", a, "platinum", t(2027, 6, 1, 0, 0), t(2026, 3, 1, 0, 0)));
            T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                    () -> p.assignTier("paid-3", a, "gold", t(2026, 3, 1, 0, 0), t(2026, 3, 1, 0, 0)));
            // the year-end review keeps the paid tier until it ends...
            p.maintain(t(2027, 1, 1, 12, 0));
            try (Customer c = p.customer(a)) {
                assertEquals(Optional.of("gold"), c.tier());
            }
            // ...and the review after it goes back to what 2026's spend supports
            MaintenanceReport rep = p.maintain(t(2028, 1, 1, 12, 0));
            assertTrue(rep.tierChanges() >= 1, rep.toString());
            try (Customer c = p.customer(a)) {
                assertEquals(Optional.of("member"), c.tier());
            }
            List<String> tierMemos = p.ledger(a).stream().filter(e -> e.kind() == EntryKind.TIER)
                    .map(LedgerEntry::memo).collect(Collectors.toList());
            assertEquals("none -> member (enrolment)", tierMemos.get(0));
            assertEquals("member -> silver (qualified)", tierMemos.get(1));
            T.assertLedger(p, a);
        }
    }

    @Test
    void inactivityExpiry() {
        try (Program p = spendProgram(ProgramOptions.builder().expiry(ExpiryMode.INACTIVITY).expiryDays(30).build())) {
            UUID a = T.enrol(p, 1, T.day(1, 1));
            assertEquals(100, T.buyOk(p, a, "p1", T.day(1, 2), 10000));
            assertEquals(0, p.maintain(T.plusDays(T.day(1, 2), 29)).expired());
            MaintenanceReport rep = p.maintain(T.plusDays(T.day(1, 2), 31));
            assertEquals(100, rep.expired());
            T.assertEntry(T.entry(p, a, -1), EntryKind.EXPIRE, -100, 0, 0, 0, 0, T.entry(p, a, -1).ref());
            assertEquals(T.plusDays(T.day(1, 2), 30), T.entry(p, a, -1).at());
            T.assertLedger(p, a);
        }
    }

    @Test
    void theLedgerIsIterable() {
        try (Program p = T.simpleProgram(DEFAULTS)) {
            UUID a = T.enrol(p, 1, T.day(3, 1));
            UUID b = T.enrol(p, 2, T.day(3, 1));
            T.buyOk(p, a, "p1", T.day(3, 2), 1000);
            T.buyOk(p, b, "p2", T.day(3, 2), 2000);
            Ledger all = p.ledger();
            assertEquals(4, all.size());
            List<Long> seqs = all.stream().map(LedgerEntry::seq).collect(Collectors.toList());
            assertEquals(List.of(1L, 2L, 3L, 4L), seqs);
            List<EntryKind> kinds = p.ledger(b).stream().map(LedgerEntry::kind).collect(Collectors.toList());
            assertEquals(List.of(EntryKind.ENROLL, EntryKind.EARN), kinds);
            int n = 0;
            for (LedgerEntry e : p.ledger(a)) {
                assertEquals(a, e.customerId());
                n++;
            }
            assertEquals(2, n);
            T.assertFails(OutOfRangeException.class, Status.ERANGE, () -> all.get(4));
            T.assertFails(NotFoundException.class, Status.ENOTFOUND, () -> p.ledger(T.id(99)));
            assertTrue(all.toString().contains("4 entries"), all.toString());
            assertTrue(all.get(2).toString().contains("kind=earn"), all.get(2).toString());
            assertTrue(p.toString().contains("customers=2"), p.toString());
        }
    }
}
