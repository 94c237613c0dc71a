/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Analytics, with the history and the hand-computed values of
 * tests/unit/test_analytics.c (docs/ANALYTICS.md, "Worked example").
 */
class AnalyticsTest {
    private static final int A = 1, B = 2, C = 3, D = 4, E = 5;
    private static Program hist;

    private static Instant t(int y, int mo, int d) {
        return T.utc(y, mo, d, 12, 0);
    }

    private static Instant midnight(int y, int mo, int d) {
        return T.utc(y, mo, d, 0, 0);
    }

    private static Optional<Fraction> f(long num, long den) {
        return Optional.of(Fraction.of(num, den));
    }

    private static Program program(int offset) {
        Calculator c = new Calculator("USD", Rounding.FLOOR, offset, Stacking.ADDITIVE);
        c.add("base_rate", "base", "points=1 per=100");
        Program p = new Program(c, ProgramOptions.builder().expiry(ExpiryMode.BUCKET).expiryDays(40).refereeBonus(10)
                .referrerBonus(20).build());
        p.addTier("silver", 10000);
        p.addTier("gold", 50000);
        p.addAction("review", 5);
        p.addAction("survey", 3);
        p.addReward(Reward.builder("coffee", 100).build());
        return p;
    }

    private static void enrol(Program p, int n, Instant at, String code) {
        try (Customer c = T.customer(n); Customer snap = p.enroll("enroll-" + n, c, code, at)) {
            assertEquals(T.id(n), snap.id());
        }
    }

    private static void buy(Program p, int n, String key, Instant at, long cents) {
        T.buy(p, T.id(n), key, at, cents).close();
    }

    @BeforeAll
    static void history() {
        Program p = program(0);
        enrol(p, D, t(2025, 12, 1), null);
        enrol(p, C, t(2026, 1, 5), null);
        buy(p, C, "c1", t(2026, 2, 1), 2000);
        enrol(p, A, t(2026, 2, 1), null);
        buy(p, A, "a1", t(2026, 2, 10), 5000);
        enrol(p, E, t(2026, 2, 20), null);
        p.recordAction("e-survey", T.id(E), "survey", t(2026, 2, 25));
        buy(p, E, "e1", t(2026, 2, 26), 10000);
        p.refund("e1-refund", "e1", 5000, t(2026, 3, 2));
        p.recordAction("e-review", T.id(E), "review", t(2026, 3, 3));
        enrol(p, B, t(2026, 3, 3), p.referralCode(T.id(A)));
        buy(p, A, "a2", t(2026, 3, 5), 12000);
        buy(p, B, "b1", t(2026, 3, 8), 4000);
        p.recordAction("b-review", T.id(B), "review", t(2026, 3, 9));
        UUID r1 = p.redeem("r1", T.id(A), "coffee", t(2026, 3, 10)).id();
        p.cancelRedemption("r1-cancel", r1, t(2026, 3, 12));
        p.redeem("r2", T.id(A), "coffee", t(2026, 3, 15));
        buy(p, A, "a3", t(2026, 3, 20), 3000);
        buy(p, D, "d1", t(2026, 3, 25), 1000);
        p.maintain(midnight(2026, 4, 1));
        hist = p;
    }

    @AfterAll
    static void close() {
        hist.close();
    }

    @Test
    void everyMetricOfMarch() {
        Metrics m = hist.metrics(midnight(2026, 3, 1), midnight(2026, 4, 1), Fraction.of(1, 2), Fraction.of(1, 4), 0);
        assertEquals(List.of(4L, 5L, 1L, 4L), List.of(m.membersStart(), m.membersEnd(), m.newMembers(),
                m.activeMembers()));
        assertEquals(List.of(3L, 3L, 2L, 1L), List.of(m.customersStart(), m.customersEnd(), m.retained(),
                m.reactivated()));
        assertEquals(f(2, 3), m.retentionRate());
        assertEquals(f(1, 3), m.churnRate());
        assertEquals(List.of(4L, 20000L, 3L, 1L), List.of(m.orders(), m.revenue(), m.purchasers(),
                m.repeatPurchasers()));
        assertEquals(f(1, 3), m.repeatPurchaseRate());
        assertEquals(f(5000, 1), m.averageOrderValue());
        assertEquals(f(4, 3), m.purchaseFrequency());
        assertEquals(f(3, 1), m.expectedLifespan());
        assertEquals(f(5000, 1), m.customerLifetimeValue());
        assertEquals(List.of(190L, 50L, 100L, 20L), List.of(m.pointsIssued(), m.pointsClawedBack(),
                m.pointsRedeemed(), m.pointsExpired()));
        assertEquals(f(10, 19), m.redemptionRate());
        assertEquals(f(2, 19), m.breakageRate());
        assertEquals(243, m.liabilityPoints());
        assertEquals(f(243, 2), m.liabilityValue());
        assertEquals(List.of(1L, 1L, 2L), List.of(m.referrals(), m.referralConversions(), m.actions()));
        assertEquals(Map.of("", 3L, "silver", 2L, "gold", 0L), m.tierMix());
        assertEquals(List.of("", "silver", "gold"), List.copyOf(m.tierMix().keySet()));
        assertEquals(Map.of("review", new ActionCount(2, 10), "survey", new ActionCount(0, 0)), m.actionsByKind());
        assertEquals(midnight(2026, 3, 1), m.start());
        assertEquals(f(1, 2), m.pointValue());
        assertEquals(Fraction.of(1, 4), m.margin());
        assertEquals("66.67", Survey.percent(m.retentionRate().orElseThrow(), 2));
        assertEquals("52.63", Survey.percent(m.redemptionRate().orElseThrow(), 2));
        Map<String, Object> map = m.toMap();
        assertEquals(Fraction.of(2, 3), map.get("retention_rate"));
        assertEquals(20000L, map.get("revenue"));
        assertEquals(2L, map.get("actions"));
        assertEquals(m.tierMix(), map.get("tier_mix"));
        assertThrows(UnsupportedOperationException.class, () -> m.tierMix().put("x", 1L));
    }

    @Test
    void februaryChurnZeroAndTheLifespanCap() {
        Instant s = midnight(2026, 2, 1), e = midnight(2026, 3, 1);
        Metrics m = hist.metrics(s, e, Fraction.of(1, 100), Fraction.of(1, 4), 0);
        assertEquals(List.of(2L, 4L, 2L, 3L, 1L, 1L, 3L), List.of(m.membersStart(), m.membersEnd(), m.newMembers(),
                m.activeMembers(), m.customersStart(), m.retained(), m.customersEnd()));
        assertEquals(f(1, 1), m.retentionRate());
        assertEquals(f(0, 1), m.churnRate());
        assertEquals(f(17000, 3), m.averageOrderValue());
        assertEquals(Optional.empty(), m.expectedLifespan());
        assertEquals(Optional.empty(), m.customerLifetimeValue());
        assertEquals(173, m.pointsIssued());
        assertEquals(f(0, 1), m.redemptionRate());
        assertEquals(173, m.liabilityPoints());
        assertEquals(f(173, 100), m.liabilityValue());
        assertEquals(Map.of("", 3L, "silver", 1L, "gold", 0L), m.tierMix());
        Metrics capped = hist.metrics(s, e, Fraction.of(1, 100), Fraction.of(1, 4), 12);
        assertEquals(f(12, 1), capped.expectedLifespan());
        assertEquals(f(17000, 1), capped.customerLifetimeValue());
        Metrics march = hist.metrics(e, midnight(2026, 4, 1));
        assertEquals(Optional.empty(), march.liabilityValue());
        assertEquals(Optional.empty(), march.pointValue());
        assertEquals(f(20000, 1), march.customerLifetimeValue());
    }

    @Test
    void emptyPeriodAndErrors() {
        Metrics m = hist.metrics(midnight(2030, 1, 1), midnight(2030, 2, 1));
        assertEquals(0, m.customersStart());
        assertEquals(Optional.empty(), m.retentionRate());
        assertEquals(Optional.empty(), m.averageOrderValue());
        assertEquals(Optional.empty(), m.redemptionRate());
        assertEquals(243, m.liabilityPoints());
        Instant s = midnight(2026, 3, 1), e = midnight(2026, 4, 1);
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> hist.metrics(e, s), "end");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                () -> hist.metrics(s, e, Fraction.of(-1, 2), Fraction.ONE, 0), "point_value");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                () -> hist.metrics(s, e, null, Fraction.of(5, 4), 0), "margin");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                () -> hist.metrics(s, e, null, Fraction.ONE, -1), "max_lifespan");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> hist.cohorts(YearMonth.of(2026, 1), 0),
                "nmonths");
        Program closed = program(0);
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.metrics(s, e));
    }

    @Test
    void cohorts() {
        CohortTable t = hist.cohorts(YearMonth.of(2025, 11), 6);
        assertEquals(6, t.cohorts().size());
        assertEquals(YearMonth.of(2025, 11), t.cohorts().get(0).month());
        assertEquals(YearMonth.of(2026, 4), t.cohorts().get(5).month());
        assertEquals(List.of(0L, 1L, 1L, 2L, 1L, 0L), t.cohorts().stream().map(CohortTable.Cohort::size).toList());
        assertEquals(List.of(1L, 0L, 0L, 1L, 0L), t.cohorts().get(1).active());
        assertEquals(List.of(1L, 1L, 0L, 0L), t.cohorts().get(2).active());
        assertEquals(List.of(2L, 2L, 0L), t.cohorts().get(3).active());
        assertEquals(List.of(f(1, 1), f(1, 1), f(0, 1)), t.cohorts().get(3).rates());
        assertEquals(Optional.empty(), t.cohorts().get(0).rates().get(0));
        try (Program p = program(60)) { // UTC+01:00
            enrol(p, A, T.utc(2026, 1, 31, 23, 30), null); // February there
            enrol(p, B, t(2026, 2, 10), null);
            enrol(p, C, t(2026, 2, 11), null);
            buy(p, A, "a1", T.utc(2026, 2, 28, 23, 30), 100); // March there
            CohortTable.Cohort feb = p.cohorts(YearMonth.of(2026, 2), 2).cohorts().get(0);
            assertEquals(3, feb.size());
            assertEquals(List.of(3L, 1L), feb.active());
            assertEquals(List.of(f(1, 1), f(1, 3)), feb.rates());
        }
    }

    @Test
    void surveyScores() {
        assertEquals(f(7, 10), Survey.csat(1, 2, 3, 4, 10));
        assertEquals(f(1, 2), Survey.ces(0, 0, 0, 0, 1, 1, 1, 0, 2, 1));
        assertEquals(f(0, 1), Survey.ces(2, 0, 1, 0, 0));
        assertEquals(Optional.empty(), Survey.csat(0, 0, 0, 0, 0));
        assertEquals("70.00", Survey.percent(Survey.csat(1, 2, 3, 4, 10).orElseThrow(), 2));
        assertEquals("12", Survey.percent(Fraction.of(1, 8), 0));
        assertEquals("38", Survey.percent(Fraction.of(3, 8), 0));
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> Survey.csat(1, 2, 3), "scale");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> Survey.ces(1, 2, 3, 4, -1), "negative");
        T.assertFails(OutOfRangeException.class, Status.ERANGE, () -> Survey.csat(Long.MAX_VALUE, 1, 0, 0, 0));
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> Survey.percent(Fraction.of(1, 3), 7));
    }
}
