/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One program shared by 16 Java threads (tests/unit/test_concurrency.c):
 * purchases, redemptions and refunds at once, with a Java custom strategy in
 * the pipeline, keep the ledger invariant; a retried purchase is recorded
 * once; a limited reward is never oversold.
 */
class ThreadsTest {
    private static final int THREADS = 16;
    private static final int CUSTOMERS = 24;
    private static final int OPS = 600;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sixteenThreadsShareOneProgramAndKeepTheLedgerInvariant() throws Exception {
        AtomicLong strategyCalls = new AtomicLong();
        Calculator calc = Calculator.builder("USD")
                .add("base_rate", "base", "points=1 per=100")
                .add("campaign", "double", "multiplier=2 type=books")
                // a Java strategy in the pipeline: the trampoline runs on all 16 threads at once
                .addCustom("loyal", StrategyRole.BONUS, in -> {
                    strategyCalls.incrementAndGet();
                    return in.customer().hasTag("loyal") ? Fraction.of(in.purchase().itemCount()) : Fraction.ZERO;
                })
                .build();
        try (Program p = new Program(calc, ProgramOptions.builder().refundPolicy(RefundPolicy.DEBT).build())) {
            p.addReward(Reward.builder("coffee", 50).build());
            p.addReward(Reward.builder("mug", 30).stock(40).build());
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < CUSTOMERS; i++) {
                try (Customer profile = Customer.builder(T.id(i)).build()) {
                    if (i % 2 == 0) {
                        profile.addTag("loyal");
                    }
                    try (Customer snap = p.enroll("enrol-" + i, profile, T.day(1, 1))) {
                        ids.add(snap.id());
                    }
                }
            }
            AtomicInteger purchases = new AtomicInteger();
            AtomicInteger coffees = new AtomicInteger();
            AtomicInteger mugs = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            AtomicInteger refunds = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            CyclicBarrier start = new CyclicBarrier(THREADS);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit((Callable<Void>) () -> {
                    Random rnd = new Random(1000 + thread);
                    start.await();
                    List<String> mine = new ArrayList<>();
                    for (int i = 0; i < OPS; i++) {
                        UUID who = ids.get(rnd.nextInt(CUSTOMERS));
                        int op = rnd.nextInt(10);
                        try {
                            if (op < 5) {
                                String key = "t" + thread + "-p" + i;
                                try (Purchase pu = Purchase.builder(key, who, T.day(2, 1 + i % 28), "USD")
                                        .item("sku", rnd.nextBoolean() ? "books" : "coffee", 1 + rnd.nextInt(3),
                                                100 + rnd.nextInt(5000))
                                        .build();
                                     Receipt r = p.recordPurchase(pu)) {
                                    assertTrue(r.recorded());
                                }
                                purchases.incrementAndGet();
                                mine.add(key);
                            } else if (op < 8) {
                                String reward = op == 7 ? "mug" : "coffee";
                                Redemption r = p.redeem("t" + thread + "-r" + i, who, reward, T.day(3, 1));
                                assertEquals(who, r.customerId());
                                (op == 7 ? mugs : coffees).incrementAndGet();
                            } else if (!mine.isEmpty()) {
                                // refund part of one of this thread's purchases; it may already be fully refunded
                                p.refund("t" + thread + "-f" + i, mine.get(rnd.nextInt(mine.size())), 50, T.day(3, 2));
                                refunds.incrementAndGet();
                            }
                        } catch (InsufficientPointsException | OutOfRangeException expected) {
                            refused.incrementAndGet(); // not enough points, out of stock, fully refunded
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                        if (i % 50 == 0) {
                            p.ledger().size(); // readers interleave with writers
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertTrue(errors.isEmpty(), () -> errors.peek().toString());
            assertTrue(coffees.get() > 0 && mugs.get() > 0 && refunds.get() > 0, coffees + " " + mugs + " " + refunds);

            // the invariant for every customer, and the totals across them
            long redeemed = 0;
            for (UUID id : ids) {
                T.assertLedger(p, id);
                try (Customer c = p.customer(id)) {
                    redeemed += c.lifetimeRedeemed();
                }
            }
            assertEquals(50L * coffees.get() + 30L * mugs.get(), redeemed);
            assertTrue(mugs.get() <= 40, "the mug was oversold: " + mugs.get());
            assertEquals(OptionalLong.of(40 - mugs.get()), p.rewards().get(1).stock());
            long earns = p.ledger().stream().filter(e -> e.kind() == EntryKind.EARN).count();
            assertTrue(earns <= purchases.get());
            assertEquals(purchases.get(), strategyCalls.get(), "one strategy call per recorded purchase");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRetriedPurchaseRacingItselfIsRecordedOnce() throws Exception {
        try (Program p = T.simpleProgram(ProgramOptions.defaults())) {
            UUID a = T.enrol(p, 1, T.day(1, 1));
            CyclicBarrier start = new CyclicBarrier(THREADS);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<Long>> seqs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                seqs.add(pool.submit(() -> {
                    start.await();
                    try (Receipt r = T.buy(p, a, "the-one-order", T.day(1, 2), 2599)) {
                        return r.entrySeq();
                    }
                }));
            }
            long first = seqs.get(0).get();
            for (Future<Long> f : seqs) {
                assertEquals(first, f.get());
            }
            pool.shutdown();
            T.assertBalances(p, a, 25, 0, 0);
            assertEquals(2, p.ledger(a).size());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void oneCalculatorComputesOnSixteenThreads() throws Exception {
        try (Calculator calc = Calculator.builder("USD")
                .add("base_rate", "base", "points=1 per=100")
                .addCustom("tenth", StrategyRole.MULTIPLIER, in -> in.basePoints().multiply(Fraction.of(1, 10)))
                .build()) {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<Long>> totals = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int n = t;
                totals.add(pool.submit(() -> {
                    start.await();
                    long sum = 0;
                    try (Customer c = T.customer(n)) {
                        for (int i = 0; i < 500; i++) {
                            try (Purchase pu = T.purchase(c.id(), "k" + i, T.day(1, 1), 1000 * (i % 7 + 1));
                                 Receipt r = calc.compute(c, pu)) {
                                sum += r.points();
                            }
                        }
                    }
                    return sum;
                }));
            }
            // each purchase of 10 x k dollars earns 11 x k points: 500 purchases cycle k = 1..7
            long expected = 0;
            for (int i = 0; i < 500; i++) {
                expected += 11L * (i % 7 + 1);
            }
            for (Future<Long> f : totals) {
                assertEquals(expected, f.get());
            }
            pool.shutdown();
        }
    }
}
