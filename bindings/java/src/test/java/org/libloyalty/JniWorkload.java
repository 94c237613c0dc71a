/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A workload over every kind of JNI crossing the binding makes: handles and
 * their values, strings beyond the BMP, every exception path, custom
 * strategies that succeed, throw, and are destroyed (on close, on GC, with
 * their program), the program and its ledger, and several threads. Run by
 * JniCheckTest in a child JVM with -Xcheck:jni; prints "workload ok".
 */
public final class JniWorkload {
    private JniWorkload() {}

    public static void main(String[] args) throws Exception {
        Fraction.parse("3/2").round(Rounding.HALF_EVEN);
        Loyalty.strategyKinds();
        Loyalty.strategyKindHelp("campaign");
        Loyalty.currencyMinorDigits("EUR");
        expect(() -> Loyalty.currencyMinorDigits("XYZ"));
        expect(() -> Fraction.parse("1/0"));

        Calculator calc = Calculator.builder("USD")
                .exclude("gift_card")
                .add("base_rate", "base", "points=1 per=100")
                .add("campaign", "double", new Params().add("multiplier", Fraction.of(2)).add("type", "books"))
                .addCustom("staff", StrategyRole.MULTIPLIER,
                        in -> in.customer().hasTag("staff") ? in.basePoints().multiply(Fraction.of(1, 10))
                                : Fraction.ZERO)
                .build();
        expect(() -> calc.add("base_rate", "bad", "points=x per=1"));
        calc.strategies();
        try (Customer c = Customer.builder(UUID.randomUUID()).name("W\u00f6rk \ud83d\ude80").tag("staff")
                .birthday(2, 29).build();
             Purchase p = Purchase.builder("w-1", c.id(), Instant.EPOCH, "USD").channel("app")
                     .item("book", "books", 2, 1999).item("card", "gift_card", 1, 5000).build();
             Receipt r = calc.compute(c, p, true)) {
            r.lines();
            r.format();
            r.exactPoints();
            c.toString();
            p.items();
            expect(() -> c.setEmail("nope"));
        }

        // a throwing strategy, a checked exception, a null result
        try (Calculator bad = new Calculator("USD"); Customer c = new Customer();
             Purchase p = Purchase.builder("w-2", c.id(), Instant.EPOCH, "USD").item("x", "t", 1, 1).build()) {
            bad.addCustom("boom", StrategyRole.BONUS, in -> {
                throw new IllegalStateException("boom");
            });
            expect(() -> bad.compute(c, p));
            expect(() -> bad.addCustom("boom", StrategyRole.BONUS, in -> Fraction.ZERO)); // destroyed at once
        }
        try (Calculator bad = new Calculator("USD"); Customer c = new Customer();
             Purchase p = Purchase.builder("w-3", c.id(), Instant.EPOCH, "USD").build()) {
            bad.addCustom("checked", StrategyRole.BONUS, in -> {
                throw new java.io.IOException("io");
            });
            bad.addCustom("null", StrategyRole.BONUS, in -> null);
            expect(() -> bad.compute(c, p));
        }

        // the program, on several threads at once
        Program program = new Program(calc, ProgramOptions.builder().pendingDays(1).expiry(ExpiryMode.BUCKET)
                .expiryMonths(1).build());
        program.addTier("member", 0, "welcome");
        program.addReward(Reward.builder("coffee", 5).name("Coffee").build());
        program.addReward(Reward.builder("mug", 5).stock(3).build());
        program.addAction("review", 3);
        program.addPartner("air", Fraction.of(1, 2));
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (Customer profile = Customer.builder(T.id(i)).name("c" + i).build();
                 Customer snap = program.enroll("e" + i, profile, Instant.EPOCH)) {
                ids.add(snap.id());
            }
        }
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int n = t;
            Thread th = new Thread(() -> {
                UUID who = ids.get(n);
                for (int i = 0; i < 50; i++) {
                    try (Purchase p = Purchase.builder("t" + n + "-" + i, who, Instant.ofEpochMilli(i * 1000L), "USD")
                            .item("book", "books", 1, 1000).build();
                         Receipt r = program.recordPurchase(p)) {
                        r.credited();
                    }
                    program.recordAction("a" + n + "-" + i, who, "review", Instant.ofEpochMilli(i * 1000L));
                    try {
                        program.redeem("r" + n + "-" + i, who, "coffee", Instant.ofEpochMilli(i * 1000L));
                    } catch (InsufficientPointsException expected) {
                        program.pointsMissing(who, "coffee");
                    }
                    try {
                        program.redeem("m" + n + "-" + i, who, "mug", Instant.ofEpochMilli(i * 1000L));
                    } catch (InsufficientPointsException | OutOfRangeException expected) {
                        // fine
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        // batches as columns: scoring and recording in one crossing, a strategy
        // that calls back into Java, refused purchases and malformed batches
        CustomerColumns.Builder cb = CustomerColumns.builder();
        for (UUID id : ids) {
            cb.add(id, "member", java.time.MonthDay.of(1, 1));
        }
        CustomerColumns customers = cb.build();
        PurchaseColumns.Builder pb = PurchaseColumns.builder("USD");
        for (int i = 0; i < 40; i++) {
            pb.purchase("col-" + i, i % ids.size(), Instant.ofEpochMilli(i * 1000L), i % 7 == 0)
                    .line("books", 1 + i % 3, 100 * i).line("gift_card", 1, 500);
        }
        pb.purchase("", 0, Instant.EPOCH).line("books", 1, 1); // a key C refuses
        PurchaseColumns columns = pb.build();
        calc.scoreColumns(columns, customers).points();
        program.recordColumns(columns, customers).error(40).orElseThrow();
        expect(() -> calc.scoreColumns(PurchaseColumns.builder("EUR").build(), customers));
        expect(() -> program.recordColumns(columns, CustomerColumns.builder().build()));
        UUID a = ids.get(0);
        program.adjust("adj-1", a, 20, "goodwill", Instant.ofEpochSecond(100));
        program.creditPartner("air-1", a, "air", 7, Instant.ofEpochSecond(100));
        program.transfer("tr-1", a, ids.get(1), 1, Instant.ofEpochSecond(100));
        program.donate("don-1", a, "charity", 1, Instant.ofEpochSecond(100));
        Redemption red = program.redeem("red-1", a, "coffee", Instant.ofEpochSecond(100));
        program.cancelRedemption("can-1", red.id(), Instant.ofEpochSecond(101));
        program.redemption(red.id());
        program.refund("ref-1", "t0-0", 500, Instant.ofEpochSecond(102));
        program.maintain(Instant.ofEpochSecond(86_400L * 60));
        program.progress(a, Instant.ofEpochSecond(86_400L * 60));
        program.pointsMissing(a, "coffee");
        program.referralCode(a);
        program.rewards();
        program.tiers();
        program.options();
        program.debt(a);
        for (LedgerEntry e : program.ledger()) {
            e.toString();
        }
        program.ledger(a).toList();
        expect(() -> program.redeem("red-1", a, "coffee", Instant.ofEpochSecond(200)));
        expect(() -> program.customer(UUID.randomUUID()));
        expect(() -> program.addTier("late", 5));
        try (Customer snap = program.customer(a)) {
            snap.available();
        }
        program.close();
        expect(calc::strategies);

        // durable programs: open, replay, snapshot, export, import, refusals
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("jni-workload");
        try {
            java.nio.file.Path store = dir.resolve("store");
            for (int round = 0; round < 2; round++) {
                Calculator c = new Calculator("USD");
                c.addCustom("one", StrategyRole.BONUS, in -> Fraction.ONE);
                try (Program p = Program.open(store, c)) {
                    p.recovery().orElseThrow();
                    if (round == 0) {
                        UUID id = UUID.randomUUID();
                        try (Customer profile = new Customer(id); Customer s = p.enroll("e", profile, Instant.EPOCH)) {
                            s.id();
                        }
                    } else {
                        p.snapshot();
                        p.exportTo(dir.resolve("export.bin"));
                        Calculator busy = new Calculator("USD");
                        expect(() -> Program.open(store, busy));
                        busy.close();
                    }
                }
            }
            Calculator c = new Calculator("USD");
            c.addCustom("one", StrategyRole.BONUS, in -> Fraction.ONE);
            Program.importFrom(dir.resolve("export.bin"), c).close();
            Calculator d = new Calculator("EUR");
            expect(() -> Program.importFrom(dir.resolve("export.bin"), d));
            expect(() -> Program.importFrom(dir.resolve("missing.bin"), d));
            d.close();
        } finally {
            try (java.util.stream.Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }

        // the Cleaner, with strategies destroyed on its thread
        for (int i = 0; i < 50; i++) {
            Calculator c = new Calculator("USD");
            c.addCustom("gc", StrategyRole.BONUS, in -> Fraction.ONE);
            new Customer().name();
        }
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
        }
        System.out.println("workload ok");
    }

    private static void expect(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException | Error expected) {
            return;
        }
        throw new AssertionError("expected an exception");
    }
}
