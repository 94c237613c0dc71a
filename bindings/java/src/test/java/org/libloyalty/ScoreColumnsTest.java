/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.MonthDay;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Calculator.scoreColumns: the points of compute() for every purchase, in one JNI crossing. */
class ScoreColumnsTest {
    private static final String[] TYPES = ColumnsTest.TYPES;
    private static final String[] TIERS = ColumnsTest.TIERS;

    private static Customer customer(ColumnsTest.People people, int i) {
        Customer c = new Customer(people.ids[i]);
        c.setTier(TIERS[people.tier[i]]);
        if (people.month[i] != 0) {
            c.setBirthday(people.month[i], people.day[i]);
        }
        return c;
    }

    @Test
    void scoreColumnsGivesThePointsOfCompute() {
        Random r = new Random(11);
        ColumnsTest.People people = new ColumnsTest.People(50, r);
        ColumnsTest.Basket basket = new ColumnsTest.Basket(2000, 50, r);
        boolean[] first = new boolean[2000];
        for (int i = 0; i < first.length; i++) {
            first[i] = r.nextInt(4) == 0;
        }
        Calculator.Builder b = Calculator.builder("USD").exclude("gift_card")
                .add("base_rate", "base", "points=1 per=100")
                .add("product_type", "categories",
                        "mode=multiplier type.electronics=3/2 type.books=2 type.beauty=5/4 type.sports=3/2")
                .add("tier_multiplier", "tiers", "tier.silver=5/4 tier.gold=3/2")
                .add("campaign", "double_november",
                        "multiplier=2 start=1793491200000 end=1796083200000 type=electronics,toys")
                .add("birthday", "birthday_month", "bonus=100 period=month feb29=feb28")
                .add("threshold", "big_basket", "min_spend=20000 bonus=250")
                .add("first_purchase", "welcome", "bonus=500");
        try (Calculator calc = b.build()) {
            PurchaseColumns cols = PurchaseColumns.of("USD", TYPES, null, basket.customer, basket.at,
                    basket.lineStart, basket.lineType, basket.quantity, basket.unitPrice, first);
            BatchResult res = calc.scoreColumns(cols, people.columns());
            assertEquals(2000, res.size());
            assertEquals(0, res.failures());
            long welcomes = 0;
            for (int i = 0; i < 2000; i++) {
                try (Customer c = customer(people, basket.customer[i]);
                        Purchase p = basket.purchase(i, people.ids);
                        Receipt rc = calc.compute(c, p, first[i])) {
                    assertEquals(rc.points(), res.points(i), "purchase " + i);
                    assertTrue(res.ok(i));
                }
                welcomes += first[i] ? 1 : 0;
            }
            assertTrue(welcomes > 0);
            // without first purchases, nobody gets the welcome bonus
            BatchResult plain = calc.scoreColumns(basket.columns(), people.columns());
            for (int i = 0; i < 2000; i++) {
                assertEquals(res.points(i) - (first[i] ? 500 : 0), plain.points(i));
            }
        }
    }

    @Test
    void customersWithoutTiersOrBirthdays() {
        try (Calculator calc = ColumnsTest.workloadCalculator()) {
            PurchaseColumns cols = PurchaseColumns.builder("USD")
                    .purchase(null, 0, T.day(3, 10)).line("books", 1, 10000).line("gift_card", 1, 5000)
                    .purchase(null, 1, T.day(3, 10)).line("books", 1, 10000)
                    .build();
            CustomerColumns.Builder cb = CustomerColumns.builder();
            cb.add(null, null, null);
            cb.add(null, "gold", MonthDay.of(3, 1));
            BatchResult res = calc.scoreColumns(cols, cb.build());
            assertEquals(200, res.points(0));             // books x2, the gift card earns nothing
            assertEquals(200 * 5 / 4 + 100, res.points(1)); // gold: 4+4+2 quarters; March birthday
            CustomerColumns nobody = CustomerColumns.of(null, new String[0], new int[] {-1, -1}, null, null);
            assertEquals(200, calc.scoreColumns(cols, nobody).points(1));
        }
    }

    @Test
    void aRefusedPurchaseHasItsStatusAndTheOthersTheirPoints() {
        Calculator c = T.usd(Rounding.FLOOR, "points=1 per=100");
        c.addCustom("picky", StrategyRole.BONUS, in -> {
            if (in.purchase().total() == 666) {
                throw new IllegalStateException("not this one");
            }
            return Fraction.of(0, 1);
        });
        try (c) {
            PurchaseColumns cols = PurchaseColumns.builder("USD")
                    .purchase(null, 0, T.day(2, 1)).line("books", 1, 1000)
                    .purchase(null, 0, T.day(2, 2)).line("books", Long.MAX_VALUE / 2, 1000) // a total beyond int64
                    .purchase(null, 0, T.day(2, 3)).line("books", 1, 666)
                    .purchase(null, 0, T.day(2, 4)).line("books", 1, 500)
                    .build();
            CustomerColumns one = CustomerColumns.of(new UUID[] {T.id(1)}, new String[0], null, null, null);
            BatchResult res = c.scoreColumns(cols, one);
            assertEquals(2, res.failures());
            assertEquals(10, res.points(0));
            assertEquals(Status.ERANGE, res.status(1));
            assertEquals(0, res.points(1));
            assertTrue(res.error(1).orElseThrow() instanceof OutOfRangeException);
            assertEquals(Status.EUSER, res.status(2));
            assertEquals(5, res.points(3));
        }
    }

    @Test
    void aMalformedBatchThrowsAndScoresNothing() {
        try (Calculator calc = ColumnsTest.workloadCalculator()) {
            PurchaseColumns usd = PurchaseColumns.builder("USD").purchase(null, 0, T.day(1, 1)).line("books", 1, 100)
                    .purchase(null, 1, T.day(1, 1)).line("books", 1, 100).build();
            CustomerColumns two = CustomerColumns.of(null, TIERS, new int[] {0, 2}, null, null);
            CustomerColumns one = CustomerColumns.of(null, TIERS, new int[] {0}, null, null);
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> calc.scoreColumns(usd, one),
                    "customer 1");
            PurchaseColumns eur = PurchaseColumns.builder("EUR").purchase(null, 0, T.day(1, 1)).line("books", 1, 100)
                    .build();
            T.assertFails(CurrencyException.class, Status.ECURRENCY, () -> calc.scoreColumns(eur, two));
            PurchaseColumns badType = PurchaseColumns.builder("USD").purchase(null, 0, T.day(1, 1))
                    .line("no such type!", 1, 100).build();
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> calc.scoreColumns(badType, two));
            CustomerColumns badTier = CustomerColumns.of(null, new String[] {"bad tier!"}, new int[] {0, 0}, null,
                    null);
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> calc.scoreColumns(usd, badTier));
            CustomerColumns feb30 = CustomerColumns.of(null, TIERS, null, new byte[] {2, 2}, new byte[] {1, 30});
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> calc.scoreColumns(usd, feb30));
            assertThrows(NullPointerException.class, () -> calc.scoreColumns(usd, null));
            assertThrows(NullPointerException.class, () -> calc.scoreColumns(null, two));
        }
    }

    @Test
    void anEmptyBatch() {
        try (Calculator calc = ColumnsTest.workloadCalculator()) {
            BatchResult res = calc.scoreColumns(PurchaseColumns.builder("USD").build(),
                    CustomerColumns.builder().build());
            assertEquals(0, res.size());
            assertEquals(0, res.failures());
            T.assertFails(CurrencyException.class, Status.ECURRENCY,
                    () -> calc.scoreColumns(PurchaseColumns.builder("EUR").build(), CustomerColumns.builder().build()));
        }
    }

    @Test
    void aClosedCalculatorAndAProgramsCalculator() {
        Calculator calc = ColumnsTest.workloadCalculator();
        PurchaseColumns cols = PurchaseColumns.builder("USD").purchase(null, 0, T.day(1, 1)).line("books", 1, 1000)
                .build();
        CustomerColumns one = CustomerColumns.builder().build();
        CustomerColumns.Builder b = CustomerColumns.builder();
        b.add(null, null, null);
        CustomerColumns someone = b.build();
        try (Program p = new Program(calc)) {
            assertEquals(0, p.customerCount());
            assertEquals(20, calc.scoreColumns(cols, someone).points(0)); // usable while the program is open
            assertThrows(InvalidArgumentException.class, () -> calc.scoreColumns(cols, one));
        }
        assertThrows(IllegalStateException.class, () -> calc.scoreColumns(cols, someone));
    }
}
