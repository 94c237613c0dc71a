/*
 * CoffeeShop - a small coffee shop's loyalty program, with libloyalty's Java binding.
 *
 * The same program, customers and visits as examples/c/coffee_shop.c, with the
 * same output:
 *   - 1 point per dollar spent (base_rate points=1 per=100: prices are cents);
 *   - gift cards earn nothing (excluded for the whole calculator);
 *   - double points on Saturdays and Sundays (a campaign with weekdays=);
 *   - a 50-point birthday treat on the customer's birthday;
 *   - a 25-point welcome bonus on a customer's first purchase.
 *
 * Every id and every time is fixed, so the output is the same on every run.
 * The calculator only computes: it returns a receipt and changes neither the
 * customer nor the purchase.
 *
 * Run it with the jar alone on the class path (Java 11+ runs a source file):
 *
 *     java -cp bindings/java/target/libloyalty-0.1.0.jar examples/java/CoffeeShop.java
 *
 * SPDX-License-Identifier: MIT
 */

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.libloyalty.Calculator;
import org.libloyalty.Customer;
import org.libloyalty.Loyalty;
import org.libloyalty.Purchase;
import org.libloyalty.Receipt;

public class CoffeeShop {
    /** The shop's calendar (weekends, birthdays) is New York winter time, UTC-05:00. */
    static final ZoneOffset SHOP = ZoneOffset.ofHours(-5);

    record Member(String id, String name, int birthMonth, int birthDay) {} // 0, 0: birthday unknown

    record Item(String sku, String productType, long quantity, long unitPrice) {} // unit prices in cents

    /** One sale: the order number is the purchase's idempotency key. */
    record Visit(String order, int member, LocalDateTime localTime, boolean firstPurchase, List<Item> items) {}

    static final List<Member> MEMBERS = List.of(
            new Member("6f1d2c3a-0001-4000-8000-000000000001", "Ana Lima", 9, 14),
            new Member("6f1d2c3a-0002-4000-8000-000000000002", "Ben Okafor", 2, 8),
            new Member("6f1d2c3a-0003-4000-8000-000000000003", "Chloe Martin", 0, 0));

    static final List<Visit> VISITS = List.of(
            // Ana joins on a Tuesday: 8.15 dollars, plus the welcome bonus
            new Visit("order-1001", 0, LocalDateTime.of(2026, 2, 3, 8, 15), true,
                    List.of(new Item("latte-m", "coffee", 1, 475), new Item("croissant", "pastry", 1, 340))),
            // Saturday: double points, but the gift card earns nothing
            new Visit("order-1002", 0, LocalDateTime.of(2026, 2, 7, 10, 30), false,
                    List.of(new Item("cappuccino-m", "coffee", 2, 435), new Item("gift-card-25", "gift_card", 1, 2500))),
            // Ben's birthday, a Sunday, late at night: 04:45 on Monday in UTC, but the
            // shop's calendar still says Sunday 8 February, so both rewards apply
            new Visit("order-1003", 1, LocalDateTime.of(2026, 2, 8, 23, 45), false,
                    List.of(new Item("mocha-l", "coffee", 1, 520), new Item("cheesecake", "cake", 1, 495))),
            // Chloe's first visit buys only a gift card: 0 dollars eligible, yet the
            // welcome bonus is a bonus and does not depend on spend
            new Visit("order-1004", 2, LocalDateTime.of(2026, 2, 9, 12, 5), true,
                    List.of(new Item("gift-card-50", "gift_card", 1, 5000))));

    /** The pipeline runs in the order strategies are added: base points first,
     * then the multipliers that scale them, then flat bonuses. */
    static Calculator buildCalculator() {
        return Calculator.builder("USD")
                .utcOffset(SHOP) // rounding stays floor: a fraction of a point is dropped, once
                .exclude("gift_card")
                .add("base_rate", "dollar", "points=1 per=100")
                .add("campaign", "double_weekend", "multiplier=2 weekdays=sat,sun")
                .add("birthday", "birthday_treat", "bonus=50 period=day")
                .add("first_purchase", "welcome", "bonus=25")
                .build();
    }

    static Customer newCustomer(Member m) {
        Customer.Builder b = Customer.builder(UUID.fromString(m.id())).name(m.name());
        if (m.birthMonth() != 0) {
            b.birthday(m.birthMonth(), m.birthDay());
        }
        return b.build();
    }

    /** "$33.70"; the receipt itself counts cents ("3370 USD"). */
    static String dollars(long cents) {
        return String.format("$%d.%02d", cents / 100, cents % 100);
    }

    static void ringUp(Calculator calc, List<Customer> customers, Visit v) {
        Customer who = customers.get(v.member());
        OffsetDateTime local = v.localTime().atOffset(SHOP); // the till's local time
        Purchase.Builder b = Purchase.builder(v.order(), who.id(), local.toInstant(), "USD").channel("store");
        for (Item i : v.items()) {
            b.item(i.sku(), i.productType(), i.quantity(), i.unitPrice());
        }
        try (Purchase p = b.build(); Receipt r = calc.compute(who, p, v.firstPurchase())) {
            System.out.printf("%n%s, %s %s (UTC-05:00)%s%n", who.name(),
                    local.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH),
                    String.format("%04d-%02d-%02d %02d:%02d", local.getYear(), local.getMonthValue(),
                            local.getDayOfMonth(), local.getHour(), local.getMinute()),
                    v.firstPurchase() ? ", first purchase" : "");
            System.out.println("  paid " + dollars(p.total()) + ", earning on " + dollars(r.eligibleSpend()));
            System.out.print(r.format());
            System.out.println("=> " + who.name() + " earns " + r.points() + " points");
        }
    }

    public static void main(String[] args) {
        System.out.println("libloyalty " + Loyalty.version() + " - coffee shop");
        try (Calculator calc = buildCalculator();
             Customer ana = newCustomer(MEMBERS.get(0));
             Customer ben = newCustomer(MEMBERS.get(1));
             Customer chloe = newCustomer(MEMBERS.get(2))) {
            List<Customer> customers = List.of(ana, ben, chloe);
            for (Visit v : VISITS) {
                ringUp(calc, customers, v);
            }
        }
    }
}
