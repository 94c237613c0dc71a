/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.MonthDay;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The calculator and the built-in strategies, with the exact numbers of
 * tests/unit/test_calculator.c and tests/unit/test_strategies.c.
 */
class CalculatorTest {
    private Calculator calc;
    private Customer cust;

    @BeforeEach
    void setUp() {
        calc = new Calculator("USD");
        cust = T.customer(42);
    }

    @AfterEach
    void tearDown() {
        calc.close();
        cust.close();
    }

    /** A purchase with (type, quantity, unit price) lines. */
    private Purchase buy(Instant at, Object... lines) {
        Purchase.Builder b = Purchase.builder("p-1", cust.id(), at, "USD");
        for (int i = 0; i < lines.length; i += 3) {
            b.item("sku-" + (i / 3 + 1), (String) lines[i], ((Number) lines[i + 1]).longValue(),
                    ((Number) lines[i + 2]).longValue());
        }
        return b.build();
    }

    private long points(Calculator c, Customer who, Purchase p) {
        try (Receipt r = c.compute(who, p)) {
            return r.points();
        }
    }

    private long pointsOf(Purchase p) {
        try (p) {
            return points(calc, cust, p);
        }
    }

    private static ReceiptLine line(Receipt r, String strategy) {
        return r.lines().stream().filter(l -> l.strategy().equals(strategy)).findFirst().orElseThrow();
    }

    @Test
    void options() {
        assertEquals("USD", calc.currency());
        assertEquals(Rounding.FLOOR, calc.rounding());
        assertEquals(0, calc.utcOffsetMinutes());
        assertEquals(Stacking.ADDITIVE, calc.stacking());
        try (Calculator c = new Calculator("EUR", Rounding.HALF_EVEN, -300, Stacking.COMPOUND)) {
            assertEquals(List.of("EUR", Rounding.HALF_EVEN, -300, Stacking.COMPOUND),
                    List.of(c.currency(), c.rounding(), c.utcOffsetMinutes(), c.stacking()));
            assertEquals(java.time.ZoneOffset.ofHours(-5), c.utcOffset());
        }
        T.assertFails(CurrencyException.class, Status.ECURRENCY, () -> new Calculator("XYZ"));
        T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                () -> new Calculator("USD", Rounding.FLOOR, 15 * 60, Stacking.ADDITIVE));
    }

    @Test
    void baseRate() {
        calc.add("base_rate", "dollar", "points=1 per=100 exclude=gift_card");
        try (Purchase p = buy(Instant.EPOCH, "coffee", 2, 455, "beans", 1, 1799, "gift_card", 1, 5000);
             Receipt r = calc.compute(cust, p)) {
            assertEquals(27, r.points()); // 2709 cents earn 27.09
            assertEquals(T.f(2709, 100), r.exactPoints());
            assertEquals(T.f(2709, 100), r.basePoints());
            assertEquals(T.f(-9, 100), r.roundingAdjustment());
            ReceiptLine l = line(r, "dollar");
            assertEquals(new ReceiptLine("dollar", "base_rate", StrategyRole.BASE, true, T.f(2709, 100),
                    l.detail()), l);
            assertEquals(7709, r.spend());
            assertEquals(7709, r.eligibleSpend()); // only the calculator excludes from eligibility
            assertEquals("p-1", r.purchaseKey());
            assertEquals("USD", r.currency());
            assertEquals(cust.id(), r.customerId());
            assertEquals(Rounding.FLOOR, r.rounding());
            assertFalse(r.recorded());
            assertEquals(0, r.entrySeq());
            assertTrue(r.format().contains("exact 2709/100 (27.09), rounded floor by -9/100 (-0.09)"), r.format());
        }
    }

    @Test
    void fractionalRateAndCalculatorExclusion() {
        calc.excludeProductType("gift_card");
        T.assertFails(DuplicateException.class, Status.EDUPLICATE, () -> calc.excludeProductType("gift_card"));
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> calc.excludeProductType("gift card"));
        assertEquals(List.of("gift_card"), calc.excludedProductTypes());
        calc.add("base_rate", "rate", "points=3/2 per=100");
        try (Purchase p = buy(Instant.EPOCH, "coffee", 2, 455, "beans", 1, 1799, "gift_card", 1, 5000);
             Receipt r = calc.compute(cust, p)) {
            assertEquals(T.f(8127, 200), r.exactPoints()); // 2709 * 3/200 = 40.635
            assertEquals(40, r.points());
            assertEquals(2709, r.eligibleSpend());
        }
    }

    @Test
    void badParametersNameTheParameterAndChangeNothing() {
        Object[][] bad = {
            {"points=1", Status.EINVAL, "'per' is required"},
            {"per=100", Status.EINVAL, "'points' is required"},
            {"points=1 per=0", Status.ERANGE, "'per'"},
            {"points=-1 per=100", Status.ERANGE, "'points'"},
            {"points=1 per=100 per=10", Status.EINVAL, "given twice"},
            {"points=1 per=100 colour=red", Status.EINVAL, "unknown parameter 'colour'"},
            {"points=1 per=1.5", Status.EINVAL, "'per'"},
            {"points=1 per=99999999999999999999", Status.ERANGE, "'per'"},
        };
        for (Object[] b : bad) {
            LoyaltyException e = org.junit.jupiter.api.Assertions.assertThrows(LoyaltyException.class,
                    () -> calc.add("base_rate", "b", (String) b[0]));
            assertEquals(b[1], e.status(), (String) b[0]);
            assertTrue(e.getMessage().contains((String) b[2]), e.getMessage());
            assertTrue(e.getMessage().contains("base_rate 'b'"), e.getMessage());
        }
        assertEquals(List.of(), calc.strategies());
        T.assertFails(NotFoundException.class, Status.ENOTFOUND, () -> calc.add("no_such_kind", "x", ""));
        calc.add("base_rate", "b", "points=1 per=100");
        T.assertFails(DuplicateException.class, Status.EDUPLICATE, () -> calc.add("base_rate", "b", "points=1 per=100"));
    }

    @Test
    void productTypeRatesAndMultipliers() {
        calc.add("product_type", "types", "mode=rate per=100 type.electronics=2 type.groceries=1 default=1/2");
        // electronics 10000 -> 200, groceries 550 -> 5.5, books 1000 at default 1/2 -> 5
        assertEquals(210, pointsOf(buy(Instant.EPOCH, "electronics", 1, 10000, "groceries", 2, 275, "books", 1, 1000)));
        try (Calculator c = new Calculator("USD")) {
            c.add("base_rate", "base", "points=1 per=100");
            c.add("product_type", "x2", "mode=multiplier type.electronics=2 type.books=0");
            try (Purchase p = buy(Instant.EPOCH, "electronics", 1, 10000, "groceries", 2, 275, "books", 1, 1000);
                 Receipt r = c.compute(cust, p)) {
                // base 115.5; electronics +100; books x0 = -10
                assertEquals(T.f(90, 1), line(r, "x2").points());
                assertEquals(T.f(411, 2), r.exactPoints());
                assertEquals(205, r.points());
            }
        }
    }

    @Test
    void tierMultiplier() {
        calc.add("base_rate", "base", "points=1 per=100");
        calc.add("tier_multiplier", "tiers", "tier.gold=3/2 tier.silver=5/4");
        try (Purchase p = buy(Instant.EPOCH, "books", 1, 11550)) {
            assertEquals(115, points(calc, cust, p)); // no tier: x1
            try (Receipt r = calc.compute(cust, p)) {
                assertFalse(line(r, "tiers").applied());
            }
            cust.setTier("gold");
            try (Receipt r = calc.compute(cust, p)) {
                assertEquals(T.f(231, 4), line(r, "tiers").points()); // 115.5 / 2
                assertTrue(line(r, "tiers").applied());
                assertEquals(173, r.points()); // 173.25
            }
            cust.setTier("silver");
            assertEquals(144, points(calc, cust, p)); // 144.375
            cust.setTier("bronze");
            assertEquals(115, points(calc, cust, p));
        }
    }

    @Test
    void stackingAdditiveAndCompound() {
        try (Calculator add = stacking(Stacking.ADDITIVE); Calculator cmp = stacking(Stacking.COMPOUND)) {
            cust.setTier("gold");
            try (Purchase p = buy(Instant.EPOCH, "t", 1, 10000)) {
                try (Receipt r = add.compute(cust, p)) { // 100 + 100*(3/2-1) + 100*(2-1) + 5
                    assertEquals(T.f(50, 1), line(r, "tier").points());
                    assertEquals(T.f(100, 1), line(r, "double").points());
                    assertEquals(255, r.points());
                }
                try (Receipt r = cmp.compute(cust, p)) { // 100 * 3/2 * 2 + 5
                    assertEquals(T.f(50, 1), line(r, "tier").points());
                    assertEquals(T.f(150, 1), line(r, "double").points());
                    assertEquals(305, r.points());
                    assertEquals(T.f(100, 1), r.basePoints());
                }
            }
        }
    }

    private static Calculator stacking(Stacking stacking) {
        return Calculator.builder("USD").stacking(stacking)
                .add("base_rate", "base", "points=1 per=100")
                .add("tier_multiplier", "tier", "tier.gold=3/2")
                .add("campaign", "double", "multiplier=2")
                .add("threshold", "bonus", "min_spend=0 bonus=5")
                .build();
    }

    @Test
    void pipelineOrderMattersForMultipliers() {
        calc.add("campaign", "early", "multiplier=2");
        calc.add("base_rate", "base", "points=1 per=100");
        calc.add("campaign", "late", "multiplier=3");
        try (Purchase p = buy(Instant.EPOCH, "t", 1, 1000); Receipt r = calc.compute(cust, p)) {
            assertEquals(Fraction.ZERO, line(r, "early").points());
            assertEquals(T.f(20, 1), line(r, "late").points());
            assertEquals(30, r.points());
        }
    }

    @Test
    void roundingHappensOnce() {
        calc.add("base_rate", "base", "points=1 per=300");
        try (Purchase p = buy(Instant.EPOCH, "t", 1, 100, "t", 1, 100, "t", 1, 100);
             Receipt r = calc.compute(cust, p)) {
            assertEquals(Fraction.ONE, r.exactPoints()); // three thirds, not three zeros
            assertEquals(1, r.points());
            assertEquals(Fraction.ZERO, r.roundingAdjustment());
        }
    }

    @Test
    void eachRoundingMode() {
        // 500 cents at 1 per 200 = 2.5; 700 = 3.5; 501 = 2.505
        Object[][] cases = {
            {Rounding.FLOOR, 500, 2L}, {Rounding.HALF_UP, 500, 3L}, {Rounding.HALF_EVEN, 500, 2L},
            {Rounding.CEIL, 500, 3L}, {Rounding.HALF_EVEN, 700, 4L}, {Rounding.HALF_EVEN, 501, 3L},
            {Rounding.FLOOR, 501, 2L}, {Rounding.CEIL, 400, 2L},
        };
        for (Object[] c : cases) {
            try (Calculator k = T.usd((Rounding) c[0], "points=1 per=200");
                 Purchase p = buy(Instant.EPOCH, "t", 1, (Integer) c[1])) {
                assertEquals(c[2], points(k, cust, p), c[0] + " " + c[1]);
            }
        }
    }

    @Test
    void campaignWindowStartInclusiveEndExclusive() {
        long t0 = T.utc(2026, 11, 27, 0, 0).toEpochMilli();
        long t1 = T.utc(2026, 11, 30, 0, 0).toEpochMilli();
        calc.add("base_rate", "base", "points=1 per=100");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("multiplier", Fraction.of(2));
        params.put("start", t0);
        params.put("end", t1);
        calc.add("campaign", "black-friday", params);
        assertEquals(10, pointsOf(buy(Instant.ofEpochMilli(t0 - 1), "toys", 1, 1000)));
        assertEquals(20, pointsOf(buy(Instant.ofEpochMilli(t0), "toys", 1, 1000)));
        assertEquals(20, pointsOf(buy(Instant.ofEpochMilli(t1 - 1), "toys", 1, 1000)));
        assertEquals(10, pointsOf(buy(Instant.ofEpochMilli(t1), "toys", 1, 1000)));
        T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                () -> calc.add("campaign", "backwards", "multiplier=2 start=" + t1 + " end=" + t0));
    }

    @Test
    void campaignWeekdaysUseTheCalculatorOffset() {
        // Friday 2026-11-27 23:30 UTC is Saturday 00:30 at UTC+01:00
        try (Calculator plus1 = new Calculator("USD", Rounding.FLOOR, 60, Stacking.ADDITIVE);
             Purchase p = buy(T.utc(2026, 11, 27, 23, 30), "toys", 1, 1000)) {
            calc.add("base_rate", "base", "points=1 per=100");
            calc.add("campaign", "weekend", "multiplier=2 weekdays=sat,sun");
            plus1.add("base_rate", "base", "points=1 per=100");
            plus1.add("campaign", "weekend", "weekdays=sun weekdays=sat multiplier=2");
            assertEquals(10, points(calc, cust, p));
            assertEquals(20, points(plus1, cust, p));
        }
    }

    @Test
    void birthdayFirstPurchaseAndThreshold() {
        calc.add("base_rate", "base", "points=1 per=100");
        calc.add("birthday", "bday", "bonus=50 period=day");
        calc.add("threshold", "big", "min_spend=5000 bonus=20");
        calc.add("first_purchase", "welcome", "bonus=25");
        cust.setBirthday(MonthDay.of(3, 14));
        try (Purchase onDay = buy(T.utc(2026, 3, 14, 10, 0), "t", 1, 5000);
             Purchase otherDay = buy(T.utc(2026, 3, 15, 10, 0), "t", 1, 4999)) {
            try (Receipt r = calc.compute(cust, onDay, true)) {
                assertEquals(50 + 50 + 20 + 25, r.points());
            }
            try (Receipt r = calc.compute(cust, otherDay, false)) {
                assertEquals(49, r.points());
                assertFalse(line(r, "bday").applied());
                assertFalse(line(r, "welcome").applied());
                assertFalse(line(r, "big").applied());
            }
        }
    }

    @Test
    void canonicalParametersRebuildTheSameCalculator() {
        calc.add("product_type", "rates", "type.groceries=1 per=100 type.electronics=2 default=1");
        try (Params p = Params.parse("multiplier=2 type=electronics")) {
            calc.add("campaign", "tech", p);
        }
        calc.addCustom("staff", StrategyRole.MULTIPLIER, in -> Fraction.ZERO);
        List<StrategyInfo> infos = calc.strategies();
        assertEquals(new StrategyInfo("rates", "product_type", StrategyRole.BASE,
                Optional.of("mode=rate per=100 default=1 type.groceries=1 type.electronics=2")), infos.get(0));
        assertEquals(new StrategyInfo("tech", "campaign", StrategyRole.MULTIPLIER,
                Optional.of("multiplier=2 type=electronics")), infos.get(1));
        assertEquals(new StrategyInfo("staff", "custom", StrategyRole.MULTIPLIER, Optional.empty()), infos.get(2));
        try (Calculator again = new Calculator("USD")) {
            for (StrategyInfo s : infos) {
                s.params().ifPresent(text -> again.add(s.kind(), s.name(), text));
            }
            assertEquals(infos.subList(0, 2), again.strategies());
        }
    }

    @Test
    void computeErrorsChangeNothing() {
        calc.add("base_rate", "base", "points=1 per=100");
        try (Customer other = T.customer(7);
             Purchase p = buy(Instant.EPOCH, "t", 1, 1000);
             Purchase eur = Purchase.builder("k", cust.id(), Instant.EPOCH, "EUR").item("s", "t", 1, 1).build()) {
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> calc.compute(other, p),
                    "customer");
            T.assertFails(CurrencyException.class, Status.ECURRENCY, () -> calc.compute(cust, eur));
            assertEquals(10, points(calc, cust, p));
        }
    }

    @Test
    void overflowIsReportedNotWrapped() {
        calc.add("base_rate", "base", "points=1000000 per=1");
        try (Purchase p = buy(Instant.EPOCH, "t", 1, Long.MAX_VALUE / 2)) {
            T.assertFails(OutOfRangeException.class, Status.ERANGE, () -> calc.compute(cust, p));
        }
        try (Purchase p = Purchase.builder("k", cust.id(), Instant.EPOCH, "USD").item("s", "t", 2, Long.MAX_VALUE / 2)
                .build()) {
            T.assertFails(OutOfRangeException.class, Status.ERANGE, () -> p.addItem("s", "t", 1, Long.MAX_VALUE));
            assertEquals(1, p.itemCount());
        }
    }

    @Test
    void receiptsCopyAndOutliveTheirCalculator() {
        Calculator c = T.usd(Rounding.FLOOR, "points=1 per=100");
        Receipt r;
        try (Purchase p = buy(Instant.EPOCH, "t", 1, 2599)) {
            r = c.compute(cust, p);
        }
        c.close();
        try (r; Receipt copy = r.copy()) {
            assertEquals(25, copy.points());
            assertEquals(r.format(), copy.format());
            assertEquals(1, r.lines().size());
            assertTrue(r.toString().contains("points=25"), r.toString());
        }
    }
}
