/*
 * LoyaltyYear - a customer's year in a café-bookshop's loyalty program, with
 * libloyalty's Java binding.
 *
 * The same story as examples/c/loyalty_year.c, with the same output.
 * CoffeeShop and Retailer only compute points; this example runs a Program,
 * which keeps the customers, their tiers and the ledger. Paper & Bean (New
 * York, UTC-05:00) pays 1 point per dollar, double on books, holds points 14
 * days (the return window), lets them expire after 12 months, and ranks
 * customers by their spend in the calendar year. Iris buys, reviews, refers a
 * friend, returns an item, redeems, and opens the shop's app a year and a half
 * later.
 *
 * Ids and times are fixed, so the output is the same on every run.
 *
 *     java -cp bindings/java/target/libloyalty-0.1.0.jar examples/java/LoyaltyYear.java
 *
 * SPDX-License-Identifier: MIT
 */

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import org.libloyalty.Calculator;
import org.libloyalty.Customer;
import org.libloyalty.EntryKind;
import org.libloyalty.ExpiryMode;
import org.libloyalty.LedgerEntry;
import org.libloyalty.Loyalty;
import org.libloyalty.LoyaltyException;
import org.libloyalty.MaintenanceReport;
import org.libloyalty.OutOfRangeException;
import org.libloyalty.Period;
import org.libloyalty.Program;
import org.libloyalty.ProgramOptions;
import org.libloyalty.Progress;
import org.libloyalty.Purchase;
import org.libloyalty.Receipt;
import org.libloyalty.ReceiptLine;
import org.libloyalty.RefundResult;
import org.libloyalty.Redemption;
import org.libloyalty.Reward;
import org.libloyalty.StateException;
import org.libloyalty.StrategyRole;

public class LoyaltyYear {
    static final ZoneOffset SHOP = ZoneOffset.ofHours(-5);

    /** One line of a basket, price in cents. */
    record Item(String sku, String type, long quantity, long cents) {}

    static Item item(String sku, String type, long quantity, long cents) {
        return new Item(sku, type, quantity, cents);
    }

    static Program buildProgram() {
        Calculator calc = Calculator.builder("USD")
                .utcOffset(SHOP) // birthdays, months, years
                .exclude("gift_card")
                .add("base_rate", "dollar", "points=1 per=100")
                .add("product_type", "books", "mode=multiplier type.books=2")
                .add("birthday", "birthday", "bonus=100 period=day")
                .build();
        ProgramOptions options = ProgramOptions.builder()
                .pendingDays(14)
                .expiry(ExpiryMode.BUCKET).expiryMonths(12).expiryRoundUp(Period.MONTH)
                // tiers: by spend over the calendar year (the defaults)
                .referrerBonus(200).refereeBonus(100).referralMinSpend(2000)
                .build();
        Program p;
        try {
            p = new Program(calc, options); // the program takes the calculator
        } catch (RuntimeException e) {
            calc.close(); // ... only on success
            throw e;
        }
        // tiers and actions come before the first enrolment; rewards at any time
        p.addTier("member", 0);
        p.addTier("silver", 50000, "free_delivery");
        p.addTier("gold", 150000, "free_delivery", "early_access");
        p.addAction("review", 25, 1, Period.MONTH);
        p.addReward(Reward.builder("free-coffee", 150).name("A coffee on us").build());
        p.addReward(Reward.builder("tote-bag", 250).name("Paper & Bean tote bag").stock(40).build());
        p.addReward(Reward.builder("signed-edition", 600).name("A signed first edition").minTier("silver").build());
        p.addReward(Reward.builder("reading-retreat", 2500).name("A weekend reading retreat").minTier("gold").build());
        return p;
    }

    static String date(Instant t) {
        return LocalDate.ofInstant(t, SHOP).toString();
    }

    static String dollars(long cents) {
        return String.format("$%d.%02d", cents / 100, cents % 100);
    }

    /** A line of the story: the date, then the text. */
    static void say(Instant at, String text) {
        System.out.print(date(at) + "  " + text);
    }

    /** The referral bonuses and tier changes among the ledger entries from index {@code from} on. */
    static void printSideEffects(Program p, int from) {
        var ledger = p.ledger();
        for (int i = from; i < ledger.size(); i++) {
            LedgerEntry e = ledger.get(i);
            if (e.kind() == EntryKind.REFERRAL) {
                System.out.printf("            %+d points: %s%n", e.points(), e.memo());
            }
            if (e.kind() == EntryKind.TIER) {
                System.out.print("            tier " + e.memo() + ", with"); // the ref is the new tier
                for (var tier : p.tiers()) {
                    if (tier.name().equals(e.ref())) {
                        tier.benefits().forEach(b -> System.out.print(" " + b));
                    }
                }
                System.out.println();
            }
        }
    }

    /** The shop's calendar: moving it forward runs the maintenance sweeps due on
     * the way, on the 1st of every month at 02:00 (a real shop might sweep nightly). */
    static final class Calendar {
        final Program p;
        int year = 2026;
        int month = 2; // of the next sweep: the first is on 1 February

        Calendar(Program p) {
            this.p = p;
        }

        Instant advance(int y, int mo, int d, int h, int mi) {
            Instant now = LocalDateTime.of(y, mo, d, h, mi).atOffset(SHOP).toInstant();
            for (;;) {
                Instant sweep = LocalDateTime.of(year, month, 1, 2, 0).atOffset(SHOP).toInstant();
                if (sweep.isAfter(now)) {
                    return now; // the library never reads a clock: the caller passes time in
                }
                MaintenanceReport rep = p.maintain(sweep);
                if (rep.entries() > 0) {
                    say(sweep, String.format("sweep, all accounts: %d points matured, %d expired%n", rep.matured(),
                            rep.expired()));
                }
                month = month % 12 + 1;
                year += month == 1 ? 1 : 0;
            }
        }
    }

    static UUID enroll(Program p, String uuid, String name, int birthMonth, int birthDay, String referralCode,
            Instant at) {
        UUID id = UUID.fromString(uuid);
        Customer.Builder b = Customer.builder(id).name(name);
        if (birthMonth != 0) {
            b.birthday(birthMonth, birthDay);
        }
        try (Customer profile = b.build(); Customer enrolled = p.enroll(uuid, profile, referralCode, at)) {
            // the key: the id; the program keeps a copy of the profile
            say(at, name + " joins" + (referralCode != null ? " with code " + referralCode : "")
                    + "; referral code " + p.referralCode(id) + "\n");
        }
        return id;
    }

    static void buy(Program p, UUID who, String order, Instant at, String channel, Item... items) {
        int before = p.ledger().size();
        Purchase.Builder b = Purchase.builder(order, who, at, "USD").channel(channel); // the order number is the key
        for (Item i : items) {
            b.item(i.sku(), i.type(), i.quantity(), i.cents());
        }
        try (Purchase pu = b.build(); Receipt r = p.recordPurchase(pu)) {
            StringBuilder line = new StringBuilder(String.format("%s, %s %s: %+d points", order, channel,
                    dollars(pu.total()), r.credited()));
            for (ReceiptLine l : r.lines()) { // what came on top of the base
                if (l.role() != StrategyRole.BASE && !l.points().isZero()) {
                    line.append(" (").append(l.strategy()).append(' ').append(l.points().signum() > 0 ? "+" : "")
                            .append(l.points()).append(')');
                }
            }
            if (r.entrySeq() != 0 && r.entrySeq() <= before) { // an older EARN entry
                line.append(", the first receipt again: a retry records nothing\n");
            } else {
                line.append(", held until ").append(date(r.pendingUntil().orElseThrow())).append('\n');
            }
            say(at, line.toString());
        }
        printSideEffects(p, before);
    }

    /** The account screen of the shop's app. */
    static void printStatement(Program p, UUID id, Instant now) {
        Progress pr = p.progress(id, now);
        String tier = pr.tier().orElse("");
        System.out.print("\n  tier         " + tier + ", with");
        p.tiers().stream().filter(t -> t.name().equals(tier))
                .forEach(t -> t.benefits().forEach(b -> System.out.print(" " + b)));
        if (pr.nextTier().isPresent()) {
            System.out.print("\n  next tier    " + pr.nextTier().get() + ": spend " + dollars(pr.toNextTier())
                    + " more this year (" + dollars(pr.metric()) + " so far)");
        }
        System.out.printf("%n  points       %d available, %d pending%n", pr.available(), pr.pending());
        pr.nextExpiry().ifPresent(t -> System.out.printf("  next expiry  %d points on %s%n", pr.nextExpiryPoints(),
                date(t)));
        boolean first = true;
        for (Reward reward : p.rewards()) {
            long missing = p.pointsMissing(id, reward.id());
            StringBuilder s = new StringBuilder(String.format("  %-12s %-26s %4d  ", first ? "rewards" : "",
                    reward.name(), reward.cost()));
            s.append(missing > 0 ? missing + " points to go" : "yours to take");
            reward.minTier().ifPresent(t -> s.append(", ").append(t).append(" and up"));
            reward.stock().ifPresent(n -> s.append(", ").append(n).append(" left"));
            System.out.println(s);
            first = false;
        }
    }

    /** The ledger in the order it was written. A sweep dates a maturity or an
     * expiry when it happened, which may be before entries written earlier. */
    static void printLedger(Program p, UUID id) {
        System.out.println("\n  date        entry          points  pending  balance  memo");
        for (LedgerEntry e : p.ledger(id)) {
            String memo;
            if (e.kind() == EntryKind.REDEEM || e.kind() == EntryKind.REDEEM_CANCEL) {
                memo = e.ref(); // the reward: the memo is the coupon code, a random UUID
            } else if (e.kind() == EntryKind.EARN || e.kind() == EntryKind.REFUND || e.kind() == EntryKind.ACTION) {
                memo = e.memo() + " " + e.ref(); // the order, the action
            } else {
                memo = e.memo();
            }
            System.out.printf("  %s  %-13s %6d  %7d  %7d  %s%n", date(e.at()), e.kind(), e.points(), e.pending(),
                    e.availableAfter(), memo);
        }
    }

    public static void main(String[] args) {
        System.out.println("libloyalty " + Loyalty.version() + " - a year at Paper & Bean (dates at UTC-05:00)\n");
        try (Program p = buildProgram()) { // with its calculator, customers and ledger
            Calendar cal = new Calendar(p);
            UUID iris = enroll(p, "0c0ffee0-b00c-4000-8000-000000000001", "Iris Novak", 6, 12, null,
                    cal.advance(2026, 1, 10, 9, 30));
            buy(p, iris, "order-1001", cal.advance(2026, 1, 10, 9, 35), "store",
                    item("latte", "coffee", 1, 475), item("novel", "books", 1, 1800));
            Instant at = cal.advance(2026, 2, 14, 18, 0);
            for (int attempt = 0; attempt < 2; attempt++) { // the till retries after a timeout
                buy(p, iris, "order-1002", at, "online",
                        item("cookbook", "books", 1, 3500), item("gift-card", "gift_card", 1, 2500));
            }

            at = cal.advance(2026, 3, 8, 20, 0);
            LedgerEntry review = p.recordAction("review-0308", iris, "review", at);
            say(at, String.format("a book review: %+d points%n", review.points()));
            at = cal.advance(2026, 3, 9, 8, 0);
            say(at, "another review: ");
            try {
                p.recordAction("review-0309", iris, "review", at);
                throw new AssertionError("the cap should have refused it");
            } catch (OutOfRangeException e) { // every rule refuses with an exception, and changes nothing
                System.out.println("refused, " + e.getMessage());
            }

            // a friend joins with Iris's code: his first purchase of $20 or more pays them both
            String code = p.referralCode(iris);
            UUID tom = enroll(p, "0c0ffee0-b00c-4000-8000-000000000002", "Tom Reyes", 0, 0, code,
                    cal.advance(2026, 3, 15, 11, 0));
            buy(p, tom, "order-2001", cal.advance(2026, 3, 21, 16, 45), "store",
                    item("thriller", "books", 1, 2400), item("mocha", "coffee", 1, 600));

            buy(p, iris, "order-1003", cal.advance(2026, 4, 18, 10, 15), "store",
                    item("beans-1lb", "coffee", 2, 1600), item("scone", "pastry", 1, 375));
            buy(p, iris, "order-1004", cal.advance(2026, 5, 23, 13, 0), "online",
                    item("box-set", "books", 1, 23000), item("espresso-maker", "homeware", 1, 18000));
            at = cal.advance(2026, 6, 2, 12, 0); // she returns the espresso maker within 14 days
            RefundResult refund = p.refund("refund-1004", "order-1004", 18000, at);
            say(at, String.format("refund of $180.00 on order-1004: %+d points (%d of them still held)%n",
                    -refund.clawedBack(), refund.fromPending()));
            buy(p, iris, "order-1005", cal.advance(2026, 6, 12, 8, 10), "store", // her birthday
                    item("latte", "coffee", 1, 475), item("cake", "pastry", 1, 650));

            at = cal.advance(2026, 7, 4, 15, 0);
            Redemption tote = p.redeem("redeem-0704", iris, "tote-bag", at);
            say(at, String.format("redeems a tote bag: -%d points%n", tote.points()));
            at = cal.advance(2026, 7, 5, 9, 0);
            tote = p.cancelRedemption("cancel-0705", tote.id(), at);
            say(at, String.format("cancels it: %d points back, with their expiry, and the bag back in stock%n",
                    tote.points()));
            say(at, "Tom asks for a signed edition: ");
            try {
                p.redeem("redeem-0705-tom", tom, "signed-edition", at);
                throw new AssertionError("the tier rule should have refused it");
            } catch (StateException e) {
                System.out.println("refused, " + e.getMessage());
            }
            Redemption book = p.redeem("redeem-0705", iris, "signed-edition", at);
            say(at, String.format("Iris, silver, redeems one: -%d points%n", book.points()));

            buy(p, iris, "order-1006", cal.advance(2026, 9, 5, 11, 0), "store",
                    item("paperback", "books", 3, 1500), item("latte", "coffee", 1, 450));
            buy(p, iris, "order-1007", cal.advance(2026, 12, 5, 17, 0), "online",
                    item("gift-book", "books", 4, 2800), item("notebook", "stationery", 2, 1200));
            buy(p, tom, "order-2002", cal.advance(2026, 12, 12, 14, 30), "store",
                    item("wall-calendar", "stationery", 1, 1800));
            // 1 January: $520.25 spent in 2026 keeps her silver for 2027
            buy(p, iris, "order-1008", cal.advance(2027, 3, 13, 10, 0), "store",
                    item("poetry", "books", 1, 2200), item("flat-white", "coffee", 1, 500));

            // a year after the summer, the sweep of 1 July expires what became available last June
            at = cal.advance(2027, 7, 1, 9, 0);
            say(at, "Iris opens the app");
            printStatement(p, iris, at);
            printLedger(p, iris);
        } catch (LoyaltyException e) {
            System.err.println("loyalty_year: " + e.getMessage() + " (" + e.status().cName() + ")");
            System.exit(1);
        }
    }
}
