/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Lifetimes: close-then-use throws IllegalStateException (never a crash),
 * the Cleaner frees what nobody closed, and nothing dangles when a parent is
 * closed or collected (SQLite's close_v2 lesson in STYLE.md).
 */
class LifetimeTest {
    private static void assertClosed(Executable call) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void everyHandleRefusesUseAfterClose() {
        Customer c = T.customer(1);
        Purchase p = T.purchase(c.id(), "k", Instant.EPOCH, 100);
        Params params = Params.parse("points=1 per=100");
        Calculator calc = T.usd(Rounding.FLOOR, "points=1 per=100");
        Receipt r = calc.compute(c, p);
        for (AutoCloseable h : List.of(c, p, params, calc, r)) {
            try {
                h.close();
                h.close(); // twice is harmless
            } catch (Exception e) {
                fail(e);
            }
        }
        assertTrue(c.isClosed() && p.isClosed() && params.isClosed() && calc.isClosed() && r.isClosed());
        assertClosed(c::name);
        assertClosed(() -> c.setName("x"));
        assertClosed(c::copy);
        assertClosed(p::total);
        assertClosed(() -> p.addItem("s", "t", 1, 1));
        assertClosed(params::text);
        assertClosed(() -> params.add("a", "b"));
        assertClosed(calc::strategies);
        assertClosed(() -> calc.add("base_rate", "b", "points=1 per=1"));
        assertClosed(r::points);
        assertClosed(r::format);
        assertEquals("Customer[closed]", c.toString());
        assertEquals("Receipt[closed]", r.toString());
        // a closed handle as an argument
        try (Calculator live = T.usd(Rounding.FLOOR, "points=1 per=100"); Customer cu = T.customer(2);
             Purchase pu = T.purchase(cu.id(), "k", Instant.EPOCH, 100)) {
            assertClosed(() -> live.compute(c, pu));
            assertClosed(() -> live.compute(cu, p));
            assertClosed(() -> live.add("campaign", "x", params));
            assertEquals(1, live.compute(cu, pu).points());
        }
    }

    @Test
    void aClosedProgramTakesItsCalculatorButNotItsResults() {
        Calculator calc = T.usd(Rounding.FLOOR, "points=1 per=100");
        Program p = new Program(calc);
        UUID a = T.enrol(p, 1, T.day(3, 1));
        Receipt r = T.buy(p, a, "p1", T.day(3, 2), 2599);
        Customer snap = p.customer(a);
        Ledger ledger = p.ledger(a);
        List<LedgerEntry> entries = ledger.toList();
        p.close();
        p.close();
        assertClosed(p::customerCount);
        assertClosed(() -> p.customer(a));
        assertClosed(() -> T.buy(p, a, "p2", T.day(3, 3), 100));
        assertClosed(ledger::size);
        assertClosed(() -> ledger.iterator());
        assertClosed(p::calculator);
        // the calculator went with the program: using it throws, it does not crash
        assertClosed(calc::strategies);
        try (Customer cu = T.customer(1); Purchase pu = T.purchase(cu.id(), "k", Instant.EPOCH, 100)) {
            assertClosed(() -> calc.compute(cu, pu));
        }
        calc.close(); // still harmless
        // receipts, snapshots and entries are values of their own
        assertEquals(25, r.credited());
        assertEquals(25, snap.available());
        assertEquals(2, entries.size());
        r.close();
        snap.close();
        assertEquals("Program[closed]", p.toString());
    }

    /** Runs the garbage collector until {@code done} or 20 s pass. */
    private static void collectUntil(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("the garbage collector did not free the handle in 20 s");
            }
            System.gc();
            byte[][] garbage = new byte[64][];
            for (int i = 0; i < garbage.length; i++) {
                garbage[i] = new byte[64 * 1024];
            }
            Thread.sleep(10);
        }
    }

    private static final class Flag implements RewardStrategy {
        final AtomicInteger destroyed = new AtomicInteger();

        @Override
        public Fraction compute(StrategyInput input) {
            return Fraction.ONE;
        }

        @Override
        public void destroy() {
            destroyed.incrementAndGet();
        }
    }

    @Test
    void theCleanerFreesWhatNobodyClosed() throws InterruptedException {
        Flag flag = new Flag();
        WeakReference<Calculator> ref = forgetCalculator(flag);
        collectUntil(() -> flag.destroyed.get() == 1);
        assertTrue(ref.get() == null);
        Thread.sleep(50);
        assertEquals(1, flag.destroyed.get(), "freed exactly once");
    }

    private static WeakReference<Calculator> forgetCalculator(Flag flag) {
        Calculator c = new Calculator("USD");
        c.addCustom("flag", StrategyRole.BONUS, flag);
        try (Customer cu = T.customer(1); Purchase pu = T.purchase(cu.id(), "k", Instant.EPOCH, 100);
             Receipt r = c.compute(cu, pu)) {
            assertEquals(1, r.points());
        }
        return new WeakReference<>(c);
    }

    @Test
    void aCalculatorKeepsItsProgramAliveAndBothGoTogether() throws InterruptedException {
        Flag flag = new Flag();
        List<Object> keep = new ArrayList<>();
        WeakReference<Program> program = forgetProgram(flag, keep);
        Calculator calc = (Calculator) keep.get(0);
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(10);
        }
        // the program is unreachable from here but its calculator holds it: nothing dangles
        assertEquals(0, flag.destroyed.get());
        try (Customer cu = T.customer(1); Purchase pu = T.purchase(cu.id(), "k", Instant.EPOCH, 100);
             Receipt r = calc.compute(cu, pu)) {
            assertEquals(2, r.points());
        }
        assertTrue(program.get() != null);
        keep.clear();
        calc = null;
        collectUntil(() -> flag.destroyed.get() == 1);
    }

    private static WeakReference<Program> forgetProgram(Flag flag, List<Object> keep) {
        Calculator c = T.usd(Rounding.FLOOR, "points=1 per=100");
        c.addCustom("flag", StrategyRole.BONUS, flag);
        Program p = new Program(c);
        T.enrol(p, 1, T.day(3, 1));
        keep.add(c);
        return new WeakReference<>(p);
    }

    @Test
    void closingWhileOtherThreadsReadNeverCrashes() throws Exception {
        for (int round = 0; round < 20; round++) {
            Customer c = Customer.builder(T.id(round)).name("Reader").tag("a").build();
            Program p = T.simpleProgram(ProgramOptions.defaults());
            UUID a = T.enrol(p, 1, T.day(3, 1));
            CountDownLatch started = new CountDownLatch(8);
            AtomicBoolean failed = new AtomicBoolean();
            AtomicInteger refused = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int n = t;
                Thread th = new Thread(() -> {
                    started.countDown();
                    for (int i = 0; ; i++) {
                        try {
                            if (n % 2 == 0) {
                                c.name();
                                c.tags();
                            } else {
                                T.buyOk(p, a, "t" + n + "-" + i, T.day(3, 2), 100);
                                p.ledger(a).size();
                            }
                        } catch (IllegalStateException closed) {
                            refused.incrementAndGet();
                            return;
                        } catch (Throwable other) {
                            other.printStackTrace();
                            failed.set(true);
                            return;
                        }
                    }
                });
                threads.add(th);
                th.start();
            }
            started.await();
            Thread.sleep(2);
            c.close();
            p.close();
            for (Thread th : threads) {
                th.join();
            }
            assertFalse(failed.get());
            assertEquals(8, refused.get());
        }
    }
}
