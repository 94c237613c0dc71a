/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Custom strategies written in Java, called from C through the JNI
 * trampoline (tests/unit/test_calculator.c, custom strategies).
 */
class CustomStrategyTest {
    /** Counts calls and destroys, and does what it is told. */
    static final class Probe implements RewardStrategy {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger destroyed = new AtomicInteger();
        volatile Fraction give = Fraction.of(3, 1);
        volatile RuntimeException fail;
        volatile StrategyInput seen;
        volatile List<Object> seenValues;

        @Override
        public Fraction compute(StrategyInput in) {
            calls.incrementAndGet();
            seen = in;
            seenValues = List.of(in.customer().id(), in.purchase().key(), in.firstPurchase(), in.eligibleSpend(),
                    in.basePoints(), in.points(), in.utcOffsetMinutes(), in.version());
            if (fail != null) {
                throw fail;
            }
            return give;
        }

        @Override
        public void destroy() {
            destroyed.incrementAndGet();
        }
    }

    private static Purchase purchase(Customer c, long cents) {
        return Purchase.builder("p-1", c.id(), T.utc(2026, 3, 2, 10, 0), "USD").item("s", "books", 1, cents).build();
    }

    @Test
    void aStrategySeesThePipelineAndTakesPart() {
        Probe probe = new Probe();
        try (Calculator c = new Calculator("USD", Rounding.FLOOR, 60, Stacking.ADDITIVE);
             Customer cu = T.customer(1);
             Purchase p = purchase(cu, 2599)) {
            c.add("base_rate", "base", "points=1 per=100");
            c.add("threshold", "big", "min_spend=0 bonus=5");
            c.addCustom("probe", StrategyRole.BONUS, probe);
            try (Receipt r = c.compute(cu, p, true)) {
                // 25.99 + 5 + 3
                assertEquals(33, r.points());
                assertEquals(T.f(3399, 100), r.exactPoints());
                ReceiptLine line = r.lines().get(2);
                assertEquals(new ReceiptLine("probe", "custom", StrategyRole.BONUS, true, T.f(3, 1), "custom bonus"),
                        line);
            }
            assertEquals(List.of(cu.id(), "p-1", true, 2599L, T.f(2599, 100), T.f(3099, 100), 60, 1),
                    probe.seenValues);
            assertEquals(1, probe.calls.get());
        }
        assertEquals(1, probe.destroyed.get(), "destroy runs once, when the calculator is freed");
    }

    @Test
    void whatAStrategyIsGivenExpiresWhenItReturns() {
        Probe probe = new Probe();
        try (Calculator c = new Calculator("USD"); Customer cu = T.customer(1); Purchase p = purchase(cu, 100)) {
            c.addCustom("probe", StrategyRole.BASE, probe);
            c.compute(cu, p).close();
            StrategyInput in = probe.seen;
            assertTrue(in.isClosed());
            IllegalStateException e = assertThrows(IllegalStateException.class, in::eligibleSpend);
            assertTrue(e.getMessage().contains("custom strategy call"), e.getMessage());
            assertThrows(IllegalStateException.class, in::customer);
            assertEquals("StrategyInput[expired]", in.toString());
        }
    }

    @Test
    void aThrowingStrategyFailsTheCalculationAndItsExceptionComesBack() {
        Probe probe = new Probe();
        IllegalArgumentException boom = new IllegalArgumentException("price list unavailable");
        probe.fail = boom;
        try (Calculator c = new Calculator("USD"); Customer cu = T.customer(1); Purchase p = purchase(cu, 1000)) {
            c.add("base_rate", "base", "points=1 per=100");
            c.addCustom("pricing", StrategyRole.BONUS, probe);
            IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> c.compute(cu, p));
            assertSame(boom, thrown, "the strategy's own exception is rethrown");
            assertEquals(1, thrown.getSuppressed().length);
            StrategyException cause = assertInstanceOf(StrategyException.class, thrown.getSuppressed()[0]);
            assertEquals(Status.EUSER, cause.status());
            assertEquals(-10, cause.code());
            assertTrue(cause.getMessage().contains("strategy 'pricing' failed"), cause.getMessage());
            assertTrue(cause.getMessage().contains("price list unavailable"), cause.getMessage());
            assertTrue(cause.getMessage().contains("IllegalArgumentException"), cause.getMessage());
            // the strategy recovers: the calculator works again
            probe.fail = null;
            try (Receipt r = c.compute(cu, p)) {
                assertEquals(13, r.points());
            }
        }
    }

    @Test
    void checkedExceptionsAndErrorsComeBackToo() {
        try (Calculator c = new Calculator("USD"); Customer cu = T.customer(1); Purchase p = purchase(cu, 1000)) {
            IOException io = new IOException("no network");
            c.addCustom("remote", StrategyRole.BONUS, in -> {
                throw io;
            });
            StrategyException e = assertThrows(StrategyException.class, () -> c.compute(cu, p));
            assertSame(io, e.getCause());
            assertEquals(Status.EUSER, e.status());
            assertTrue(e.getMessage().contains("no network"), e.getMessage());
        }
        try (Calculator c = new Calculator("USD"); Customer cu = T.customer(1); Purchase p = purchase(cu, 1000)) {
            AssertionError err = new AssertionError("invariant");
            c.addCustom("broken", StrategyRole.BONUS, in -> {
                throw err;
            });
            assertSame(err, assertThrows(AssertionError.class, () -> c.compute(cu, p)));
        }
    }

    @Test
    void badResultsAreUserErrors() {
        try (Calculator c = new Calculator("USD"); Customer cu = T.customer(1); Purchase p = purchase(cu, 1000)) {
            c.addCustom("null", StrategyRole.BONUS, in -> null);
            NullPointerException npe = assertThrows(NullPointerException.class, () -> c.compute(cu, p));
            assertTrue(npe.getMessage().contains("'null' returned null"), npe.getMessage());
        }
        try (Calculator c = new Calculator("USD"); Customer cu = T.customer(1); Purchase p = purchase(cu, 1000)) {
            c.addCustom("huge", StrategyRole.BONUS, in -> Fraction.of(Long.MAX_VALUE));
            c.addCustom("more", StrategyRole.BONUS, in -> Fraction.of(Long.MAX_VALUE));
            T.assertFails(OutOfRangeException.class, Status.ERANGE, () -> c.compute(cu, p));
        }
    }

    @Test
    void negativeContributionsRoundAsDeclared() {
        // tests/unit/test_calculator.c: a custom penalty of -5/2 in each mode
        Object[][] cases = {
            {Rounding.FLOOR, -5, 2, -3L}, {Rounding.HALF_UP, -5, 2, -3L}, {Rounding.HALF_EVEN, -5, 2, -2L},
            {Rounding.CEIL, -5, 2, -2L}, {Rounding.HALF_EVEN, -7, 2, -4L}, {Rounding.HALF_UP, -1, 3, 0L},
        };
        for (Object[] k : cases) {
            Fraction penalty = T.f((Integer) k[1], (Integer) k[2]);
            try (Calculator c = new Calculator("USD", (Rounding) k[0], 0, Stacking.ADDITIVE);
                 Customer cu = T.customer(1); Purchase p = purchase(cu, 0)) {
                c.addCustom("penalty", StrategyRole.BONUS, in -> penalty);
                try (Receipt r = c.compute(cu, p)) {
                    assertEquals(k[3], r.points(), k[0] + " " + penalty);
                }
            }
        }
    }

    @Test
    void customMultipliersCompound() {
        try (Calculator c = new Calculator("USD", Rounding.FLOOR, 0, Stacking.COMPOUND);
             Customer cu = T.customer(1); Purchase p = purchase(cu, 10000)) {
            c.add("base_rate", "base", "points=1 per=100");
            c.addCustom("half-more", StrategyRole.MULTIPLIER, in -> in.points().multiply(T.f(1, 2)));
            c.add("campaign", "double", "multiplier=2");
            try (Receipt r = c.compute(cu, p)) {
                assertEquals(300, r.points()); // 100 x 3/2 x 2
            }
        }
    }

    @Test
    void destroyRunsAtOnceWhenRegistrationFails() {
        Probe first = new Probe();
        Probe second = new Probe();
        try (Calculator c = new Calculator("USD")) {
            c.addCustom("same", StrategyRole.BONUS, first);
            T.assertFails(DuplicateException.class, Status.EDUPLICATE,
                    () -> c.addCustom("same", StrategyRole.BONUS, second));
            assertEquals(1, second.destroyed.get());
            T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                    () -> c.addCustom("bad name", StrategyRole.BONUS, second));
            assertEquals(2, second.destroyed.get());
            assertEquals(0, first.destroyed.get());
        }
        assertEquals(1, first.destroyed.get());
    }

    @Test
    void aStrategyCannotChangeOrCloseWhatItReads() {
        AtomicReference<Throwable> mutate = new AtomicReference<>();
        AtomicReference<Throwable> close = new AtomicReference<>();
        AtomicReference<Throwable> addToCalc = new AtomicReference<>();
        AtomicReference<Throwable> viewWrite = new AtomicReference<>();
        try (Calculator c = new Calculator("USD"); Customer cu = T.customer(1); Purchase p = purchase(cu, 1000)) {
            c.addCustom("meddler", StrategyRole.BONUS, in -> {
                mutate.set(catching(() -> cu.setName("Mallory")));
                close.set(catching(cu::close));
                addToCalc.set(catching(() -> c.add("base_rate", "late", "points=1 per=1")));
                viewWrite.set(catching(() -> in.customer().addTag("vip")));
                // reading is fine, the original and the view
                return Fraction.of(cu.name().length() + in.customer().name().length());
            });
            try (Receipt r = c.compute(cu, p)) {
                assertEquals(0, r.points());
            }
            assertInstanceOf(StateException.class, mutate.get());
            assertInstanceOf(IllegalStateException.class, close.get());
            assertInstanceOf(StateException.class, addToCalc.get());
            assertInstanceOf(StateException.class, viewWrite.get());
            assertEquals("", cu.name());
            assertFalse(cu.isClosed());
            assertEquals(1, c.strategies().size());
        }
    }

    @Test
    void aStrategyCannotComputeWithItsOwnCalculator() {
        AtomicReference<Calculator> self = new AtomicReference<>();
        try (Calculator c = new Calculator("USD"); Customer cu = T.customer(1); Purchase p = purchase(cu, 1000)) {
            self.set(c);
            c.addCustom("recursive", StrategyRole.BONUS, in -> {
                try (Receipt r = self.get().compute(cu, p)) {
                    return Fraction.of(r.points());
                }
            });
            StateException e = assertThrows(StateException.class, () -> c.compute(cu, p));
            assertTrue(e.getMessage().contains("calculator that is running it"), e.getMessage());
            // another calculator is fine
            try (Calculator other = T.usd(Rounding.FLOOR, "points=1 per=100");
                 Calculator outer = new Calculator("USD")) {
                outer.addCustom("nested", StrategyRole.BONUS, in -> {
                    try (Receipt r = other.compute(cu, p)) {
                        return Fraction.of(r.points());
                    }
                });
                try (Receipt r = outer.compute(cu, p)) {
                    assertEquals(10, r.points());
                }
            }
        }
    }

    private static Throwable catching(Runnable r) {
        try {
            r.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    @Test
    void inAProgramAThrowingStrategyRecordsNothingAndCannotCallTheProgram() {
        Probe probe = new Probe();
        AtomicReference<Program> program = new AtomicReference<>();
        AtomicReference<Throwable> reentry = new AtomicReference<>();
        Calculator c = T.usd(Rounding.FLOOR, "points=1 per=100");
        c.addCustom("pricing", StrategyRole.BONUS, probe);
        c.add("first_purchase", "welcome", "bonus=10");
        try (Program p = new Program(c)) {
            program.set(p);
            UUID a = T.enrol(p, 1, T.day(3, 1));
            int entries = p.ledger().size();
            probe.fail = new IllegalStateException("price list unavailable");
            assertSame(probe.fail, assertThrows(IllegalStateException.class,
                    () -> T.buy(p, a, "order-1", T.day(3, 2), 1000)));
            assertEquals(entries, p.ledger().size());
            T.assertBalances(p, a, 0, 0, 0);
            // the strategy recovers: same key, recorded, still the first purchase (+10)
            probe.fail = null;
            assertEquals(23, T.buyOk(p, a, "order-1", T.day(3, 2), 1000));
            T.assertBalances(p, a, 23, 0, 0);
            T.assertLedger(p, a);
            // the program's calculator is immutable
            T.assertFails(StateException.class, Status.ESTATE,
                    () -> c.addCustom("x", StrategyRole.BONUS, in -> Fraction.ZERO));
        }
        Calculator c2 = T.usd(Rounding.FLOOR, "points=1 per=100");
        c2.addCustom("nosy", StrategyRole.BONUS, in -> {
            reentry.set(catching(() -> program.get().customerCount()));
            return Fraction.ZERO;
        });
        try (Program p = new Program(c2)) {
            program.set(p);
            UUID a = T.enrol(p, 1, T.day(3, 1));
            // a strategy calling the program that runs it is refused, not a deadlock
            assertEquals(10, T.buyOk(p, a, "order-1", T.day(3, 2), 1000));
            StateException e = assertInstanceOf(StateException.class, reentry.get());
            assertTrue(e.getMessage().contains("custom strategy cannot call the program"), e.getMessage());
            T.assertLedger(p, a);
        }
        assertEquals(1, probe.destroyed.get(), "freed with its program");
    }

    @Test
    void aFailedCalculationLeavesNoStaleException() {
        Probe probe = new Probe();
        try (Calculator c = new Calculator("USD"); Customer cu = T.customer(1); Purchase p = purchase(cu, 1000)) {
            c.addCustom("probe", StrategyRole.BONUS, probe);
            probe.fail = new IllegalStateException("once");
            assertThrows(IllegalStateException.class, () -> c.compute(cu, p));
            probe.fail = null;
            // an unrelated failure afterwards is reported as itself
            try (Purchase eur = Purchase.builder("k", cu.id(), Instant.EPOCH, "EUR").build()) {
                T.assertFails(CurrencyException.class, Status.ECURRENCY, () -> c.compute(cu, eur));
            }
            assertNull(catching(() -> c.compute(cu, p).close()));
        }
    }
}
