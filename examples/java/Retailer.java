/*
 * Retailer - a department store's loyalty program, with libloyalty's Java binding.
 *
 * The same program, customers and sales as examples/c/retailer.c, with the
 * same output. Currency EUR, calendar at UTC+01:00, half_even rounding, and
 * in pipeline order:
 *   rates       product_type: 2 points per euro on electronics, 1 on the rest;
 *   tiers       tier_multiplier: silver x5/4, gold x3/2;
 *   tech_week   campaign: x2 on electronics from Monday 23 to Monday 30
 *               November 2026, assembled from data with Params;
 *   staff       a custom strategy in Java: staff earn an extra 10% of their
 *               base points;
 *   big_basket  threshold: 500 points when eligible spend reaches 200.00 EUR.
 *
 * Multipliers stack additively (the default): each scales the base points.
 *
 *     java -cp bindings/java/target/libloyalty-0.1.0.jar examples/java/Retailer.java
 *
 * SPDX-License-Identifier: MIT
 */

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import org.libloyalty.Calculator;
import org.libloyalty.Customer;
import org.libloyalty.Fraction;
import org.libloyalty.Params;
import org.libloyalty.Purchase;
import org.libloyalty.Receipt;
import org.libloyalty.ReceiptLine;
import org.libloyalty.RewardStrategy;
import org.libloyalty.StrategyInfo;
import org.libloyalty.StrategyInput;
import org.libloyalty.StrategyRole;

public class Retailer {
    static final ZoneOffset STORE = ZoneOffset.ofHours(1);

    /**
     * The custom strategy: percent/100 of the base points that the strategies
     * before it earned, exactly, for customers with the tag. The calculator
     * keeps it until it is freed, and then calls destroy() once.
     */
    static final class StaffRule implements RewardStrategy {
        private final String tag;
        private final Fraction share;

        StaffRule(String tag, long percent) {
            this.tag = tag;
            this.share = Fraction.of(percent, 100);
        }

        @Override
        public Fraction compute(StrategyInput in) {
            if (!in.customer().hasTag(tag)) {
                return Fraction.ZERO; // not staff: nothing
            }
            // exact; an overflow throws ArithmeticException, which fails the
            // calculation (LOYALTY_EUSER) and comes back out of compute()
            return in.basePoints().multiply(share);
        }

        @Override
        public void destroy() {
            System.out.println("(staff strategy: user data released)");
        }
    }

    static Instant storeTime(int year, int month, int day, int hour, int minute) {
        return LocalDateTime.of(year, month, day, hour, minute).atOffset(STORE).toInstant();
    }

    /** The campaign as data, the way a program would load it from a file or a
     * database row: key=value pairs, with the window in ms since the epoch. */
    static void addTechWeek(Calculator calc) {
        try (Params p = new Params()
                .add("multiplier", Fraction.of(2))
                .add("start", storeTime(2026, 11, 23, 0, 0).toEpochMilli()) // inclusive
                .add("end", storeTime(2026, 11, 30, 0, 0).toEpochMilli())   // exclusive
                .add("type", "electronics")) {
            calc.add("campaign", "tech_week", p); // the calculator keeps a copy
        }
    }

    static Calculator buildCalculator() {
        Calculator calc = Calculator.builder("EUR")
                .rounding(org.libloyalty.Rounding.HALF_EVEN)
                .utcOffset(STORE)
                // base points first: the strategies after them scale or read them
                .add("product_type", "rates", "mode=rate per=100 type.electronics=2 type.groceries=1 default=1")
                .add("tier_multiplier", "tiers", "tier.silver=5/4 tier.gold=3/2")
                .build();
        try {
            addTechWeek(calc);
            calc.addCustom("staff", StrategyRole.MULTIPLIER, new StaffRule("staff", 10));
            calc.add("threshold", "big_basket", "min_spend=20000 bonus=500");
            return calc;
        } catch (RuntimeException e) {
            calc.close();
            throw e;
        }
    }

    /** "25812/25 = 1032.48": the exact fraction, then its decimal value when that
     * has at most 4 places (for a reduced fraction: its denominator divides 10000). */
    static String fraction(Fraction f) {
        String s = f.toString();
        if (f.denominator() != 1 && 10000 % f.denominator() == 0) {
            s += " = " + f.toBigDecimal().toPlainString();
        }
        return s;
    }

    /** Walk the receipt line by line: one line per strategy, in pipeline order. */
    static void printReceipt(Receipt r) {
        for (ReceiptLine line : r.lines()) {
            System.out.printf("  %-11s %-10s %s  (%s)%n", line.strategy(), line.role(),
                    line.applied() ? fraction(line.points()) : "-", line.detail());
        }
        System.out.printf("  exact %s, %s rounding adds %s -> %d points%n", fraction(r.exactPoints()),
                r.rounding(), fraction(r.roundingAdjustment()), r.points());
    }

    record Member(String id, String name, String tier, boolean staff) {}

    static final List<Member> MEMBERS = List.of(
            new Member("0c7a5e10-0000-4000-8000-00000000000a", "Sam", "silver", true), // works here
            new Member("0c7a5e10-0000-4000-8000-00000000000b", "Grace", "gold", false),
            new Member("0c7a5e10-0000-4000-8000-00000000000c", "Dana", null, false));

    static Customer newCustomer(Member m) {
        Customer.Builder b = Customer.builder(UUID.fromString(m.id())).name(m.name()).tier(m.tier());
        if (m.staff()) {
            b.tag("staff");
        }
        return b.build();
    }

    /** A sale in November 2026, store time; two items at quantity 1, prices in cents. */
    record Sale(String key, int member, int day, int hour, int minute, String[] sku, String[] type, long[] price) {}

    static final List<Sale> SALES = List.of(
            // the first minute of tech week: the start is inclusive
            new Sale("S-1", 0, 23, 0, 0, new String[] {"headphones", "milk-6"},
                    new String[] {"electronics", "groceries"}, new long[] {8999, 1001}),
            new Sale("S-2", 1, 27, 14, 10, new String[] {"tv-55", "coffee-1kg"},
                    new String[] {"electronics", "groceries"}, new long[] {49999, 3250}),
            // the same basket the minute tech week ends: the end is exclusive
            new Sale("S-3", 0, 30, 0, 0, new String[] {"headphones", "milk-6"},
                    new String[] {"electronics", "groceries"}, new long[] {8999, 1001}),
            // books earn the default rate; 12.5 points is a tie, and half_even gives 12
            new Sale("S-4", 2, 30, 17, 45, new String[] {"novel", "bread"},
                    new String[] {"books", "groceries"}, new long[] {1100, 150}));

    static void checkout(Calculator calc, Customer who, Sale s) {
        Purchase.Builder b = Purchase.builder(s.key(), who.id(), storeTime(2026, 11, s.day(), s.hour(), s.minute()),
                "EUR");
        for (int i = 0; i < 2; i++) {
            b.item(s.sku()[i], s.type()[i], 1, s.price()[i]);
        }
        try (Purchase p = b.build(); Receipt r = calc.compute(who, p)) { // not a first purchase
            long cents = p.total();
            System.out.printf("%n%s  2026-11-%02d %02d:%02d  %s, tier '%s'%s, EUR %d.%02d%n", s.key(), s.day(),
                    s.hour(), s.minute(), who.name(), who.tier().orElse(""), who.hasTag("staff") ? ", staff" : "",
                    cents / 100, cents % 100);
            printReceipt(r);
        }
    }

    public static void main(String[] args) {
        Calculator calc = buildCalculator();
        System.out.println("pipeline (name, kind, canonical parameters):");
        // each strategy's canonical parameters: adding the same kind with this
        // text rebuilds the same strategy, so this is what a program would save
        int n = 1;
        for (StrategyInfo s : calc.strategies()) {
            System.out.printf("%d. %-11s %-16s %s%n", n++, s.name(), s.kind(), s.params().orElse("(custom code)"));
        }
        try (Customer sam = newCustomer(MEMBERS.get(0));
             Customer grace = newCustomer(MEMBERS.get(1));
             Customer dana = newCustomer(MEMBERS.get(2))) {
            List<Customer> customers = List.of(sam, grace, dana);
            for (Sale s : SALES) {
                checkout(calc, customers.get(s.member()), s);
            }
        }
        System.out.println();
        calc.close(); // calls StaffRule.destroy(), once
    }
}
