/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every LOYALTY_E* status becomes its exception, with the code and the C
 * message (tests/unit/test_error.c), one real failing call each; ECORRUPT
 * and EIO come from durable programs (DurabilityTest), and ENOMEM, which no
 * call returns short of exhausting memory, through the factory the JNI
 * library calls.
 */
class ErrorsTest {
    @Test
    void eachStatusHasItsClass() {
        Map<Status, Class<? extends LoyaltyException>> classes = Map.ofEntries(
                Map.entry(Status.EINVAL, InvalidArgumentException.class),
                Map.entry(Status.ENOMEM, NativeOutOfMemoryException.class),
                Map.entry(Status.ENOTFOUND, NotFoundException.class),
                Map.entry(Status.EDUPLICATE, DuplicateException.class),
                Map.entry(Status.ECONFLICT, ConflictException.class),
                Map.entry(Status.EINSUFFICIENT, InsufficientPointsException.class),
                Map.entry(Status.ERANGE, OutOfRangeException.class),
                Map.entry(Status.ECORRUPT, CorruptDataException.class),
                Map.entry(Status.EIO, LoyaltyIOException.class),
                Map.entry(Status.EUSER, StrategyException.class),
                Map.entry(Status.ECURRENCY, CurrencyException.class),
                Map.entry(Status.ESTATE, StateException.class),
                Map.entry(Status.ECANCELED, CanceledException.class));
        assertEquals(Status.values().length - 1, classes.size());
        for (Map.Entry<Status, Class<? extends LoyaltyException>> e : classes.entrySet()) {
            LoyaltyException x = LoyaltyException.fromStatus(e.getKey().code(), "m\u00e9ssage".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            assertSame(e.getValue(), x.getClass());
            assertEquals(e.getKey(), x.status());
            assertEquals(e.getKey().code(), x.code());
            assertEquals("m\u00e9ssage", x.getMessage());
            assertTrue(x.toString().contains(e.getKey().cName()), x.toString());
            assertInstanceOf(RuntimeException.class, x);
        }
        LoyaltyException unknown = LoyaltyException.fromStatus(-99, "future");
        assertSame(LoyaltyException.class, unknown.getClass());
        assertNull(unknown.status());
        assertEquals(-99, unknown.code());
        assertTrue(unknown.toString().contains("status -99"), unknown.toString());
    }

    @Test
    void einval() {
        InvalidArgumentException e = T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                () -> new Purchase("has space", T.id(1), Instant.EPOCH, "USD"), "loyalty_purchase_new", "key");
        assertEquals(-1, e.code());
    }

    @Test
    void enotfound() {
        try (Calculator c = new Calculator("USD")) {
            T.assertFails(NotFoundException.class, Status.ENOTFOUND, () -> c.add("loyalty_magic", "x", ""),
                    "loyalty_magic");
        }
    }

    @Test
    void eduplicate() {
        try (Customer c = T.customer(1)) {
            c.addTag("vip");
            T.assertFails(DuplicateException.class, Status.EDUPLICATE, () -> c.addTag("vip"), "vip");
        }
    }

    @Test
    void econflict() {
        try (Program p = T.simpleProgram(ProgramOptions.defaults())) {
            UUID a = T.enrol(p, 1, T.day(3, 1));
            T.buyOk(p, a, "order-1", T.day(3, 2), 1000);
            T.assertFails(ConflictException.class, Status.ECONFLICT, () -> T.buy(p, a, "order-1", T.day(3, 2), 1001),
                    "order-1");
        }
    }

    @Test
    void einsufficient() {
        try (Program p = T.simpleProgram(ProgramOptions.defaults())) {
            p.addReward(Reward.builder("lamp", 200).build());
            UUID a = T.enrol(p, 1, T.day(3, 1));
            T.assertFails(InsufficientPointsException.class, Status.EINSUFFICIENT,
                    () -> p.redeem("r1", a, "lamp", T.day(3, 2)), "200 points needed");
        }
    }

    @Test
    void erange() {
        try (Program p = T.simpleProgram(ProgramOptions.defaults())) {
            UUID a = T.enrol(p, 1, T.day(3, 1));
            T.buyOk(p, a, "order-1", T.day(3, 2), 1000);
            T.assertFails(OutOfRangeException.class, Status.ERANGE, () -> p.refund("r1", "order-1", 1001, T.day(3, 3)),
                    "order-1");
        }
    }

    @Test
    void euser() {
        try (Calculator c = new Calculator("USD"); Customer cu = T.customer(1);
             Purchase p = T.purchase(cu.id(), "k", Instant.EPOCH, 100)) {
            c.addCustom("lookup", StrategyRole.BONUS, in -> {
                throw new IOException("price service down");
            });
            StrategyException e = T.assertFails(StrategyException.class, Status.EUSER, () -> c.compute(cu, p),
                    "strategy 'lookup' failed", "price service down");
            assertInstanceOf(IOException.class, e.getCause());
        }
    }

    @Test
    void ecurrency() {
        T.assertFails(CurrencyException.class, Status.ECURRENCY, () -> new Calculator("ZZZ"), "ZZZ");
    }

    @Test
    void estate() {
        try (Program p = T.simpleProgram(ProgramOptions.defaults())) {
            T.enrol(p, 1, T.day(3, 1));
            T.assertFails(StateException.class, Status.ESTATE, () -> p.addTier("gold", 0), "loyalty_program_add_tier");
        }
    }

    @Test
    void javaSideArgumentErrors() {
        try (Customer c = T.customer(1)) {
            assertThrows(IllegalArgumentException.class, () -> c.setName("a\0b"));
            assertThrows(NullPointerException.class, () -> c.setJoinedAt(null));
        }
        try (Calculator c = new Calculator("USD")) {
            assertThrows(NullPointerException.class, () -> c.compute(null, null));
            assertThrows(NullPointerException.class, () -> c.addCustom("x", StrategyRole.BONUS, null));
        }
        assertThrows(NullPointerException.class, () -> new Program(null));
    }

    @Test
    void theCMessageOfOneThreadIsNotAnothers() throws Exception {
        // the per-thread last error: a failure on another thread does not leak here
        Thread t = new Thread(() -> {
            try {
                new Calculator("QQQ");
            } catch (CurrencyException expected) {
                // ignore
            }
        });
        t.start();
        t.join();
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> Fraction.parse("1/0"), "0");
    }
}
