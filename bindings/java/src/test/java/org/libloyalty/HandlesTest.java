/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.MonthDay;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Customers, purchases and parameter lists (tests/unit/test_customer.c, test_purchase.c, test_params.c). */
class HandlesTest {
    @Test
    void customerProfile() {
        try (Customer c = Customer.builder(T.id(1)).name("Zoë Ångström 🎉").email("zoe@example.com")
                .birthday(2, 29).externalRef("crm-000123").joinedAt(T.day(1, 2)).tier("gold").tag("vip").tag("staff")
                .build()) {
            assertEquals(T.id(1), c.id());
            assertEquals("Zoë Ångström 🎉", c.name(), "UTF-8 beyond the BMP round-trips");
            assertEquals("zoe@example.com", c.email());
            assertEquals(Optional.of(MonthDay.of(2, 29)), c.birthday());
            assertEquals("crm-000123", c.externalRef());
            assertEquals(T.day(1, 2), c.joinedAt());
            assertEquals(Optional.of("gold"), c.tier());
            assertEquals(List.of("vip", "staff"), c.tags());
            assertTrue(c.hasTag("staff"));
            assertFalse(c.hasTag("nope"));
            assertEquals(List.of(0L, 0L, 0L, 0L, 0L), List.of(c.available(), c.pending(), c.lifetimeEarned(),
                    c.lifetimeRedeemed(), c.lifetimeExpired()));
            c.removeTag("vip");
            c.setTier(null);
            c.setBirthday(null);
            c.setEmail("");
            assertEquals(List.of("staff"), c.tags());
            assertEquals(Optional.empty(), c.tier());
            assertEquals(Optional.empty(), c.birthday());
            assertEquals("", c.email());
            try (Customer copy = c.copy()) {
                copy.setName("Other");
                assertEquals("Zoë Ångström 🎉", c.name());
                assertEquals(c.id(), copy.id());
            }
            assertTrue(c.toString().contains(T.id(1).toString()), c.toString());
        }
        try (Customer fresh = new Customer(); Customer other = new Customer()) {
            assertNotEquals(fresh.id(), other.id());
            assertEquals(4, fresh.id().version());
        }
    }

    @Test
    void customerValidation() {
        try (Customer c = T.customer(1)) {
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> c.setEmail("not-an-address"),
                    "loyalty_customer_set_email");
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> c.setBirthday(2, 30));
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> c.setTier("gold tier"));
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> c.setExternalRef("has space"));
            c.addTag("vip");
            T.assertFails(DuplicateException.class, Status.EDUPLICATE, () -> c.addTag("vip"));
            T.assertFails(NotFoundException.class, Status.ENOTFOUND, () -> c.removeTag("nope"));
            for (int i = 1; i < 64; i++) {
                c.addTag("t" + i);
            }
            T.assertFails(OutOfRangeException.class, Status.ERANGE, () -> c.addTag("one-too-many"));
            assertEquals(64, c.tags().size());
            assertThrows(IllegalArgumentException.class, () -> c.setName("nul\0inside"));
        }
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> new Customer(new UUID(0, 0)));
        // a failing builder frees what it made and says why
        T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                () -> Customer.builder().email("nope").build());
    }

    @Test
    void purchaseLines() {
        Instant at = T.day(3, 2);
        try (Purchase p = Purchase.builder("order-1", T.id(1), at, "EUR").channel("online")
                .item("tv-55", "electronics", 1, 49999).item("milk", "groceries", 3, 125).build()) {
            assertEquals("order-1", p.key());
            assertEquals(T.id(1), p.customerId());
            assertEquals(at, p.time());
            assertEquals("EUR", p.currency());
            assertEquals("online", p.channel());
            assertEquals(List.of(new LineItem("tv-55", "electronics", 1, 49999, 49999),
                    new LineItem("milk", "groceries", 3, 125, 375)), p.items());
            assertEquals(50374, p.total());
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> p.addItem("s", "t", 0, 1),
                    "quantity");
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> p.addItem("s", "t", 1, -1));
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> p.addItem("s", "bad type", 1, 1));
            T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> p.setChannel("in store"));
            assertEquals(2, p.itemCount());
            try (Purchase copy = p.copy()) {
                copy.addItem("x", "y", 1, 1);
                assertEquals(2, p.itemCount());
                assertEquals(3, copy.itemCount());
            }
        }
        T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                () -> new Purchase("has space", T.id(1), Instant.EPOCH, "USD"));
        T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                () -> new Purchase("k", new UUID(0, 0), Instant.EPOCH, "USD"));
        T.assertFails(InvalidArgumentException.class, Status.EINVAL,
                () -> new Purchase("k", null, Instant.EPOCH, "USD"));
        T.assertFails(CurrencyException.class, Status.ECURRENCY, () -> new Purchase("k", T.id(1), Instant.EPOCH, "XXQ"));
    }

    @Test
    void params() {
        try (Params p = Params.parse("points=1 per=100 exclude=a exclude=b")) {
            assertEquals(4, p.size());
            assertEquals(Optional.of("a"), p.get("exclude"));
            assertEquals(Optional.empty(), p.get("nope"));
            assertEquals(List.<Map.Entry<String, String>>of(new AbstractMap.SimpleImmutableEntry<>("points", "1"),
                    new AbstractMap.SimpleImmutableEntry<>("per", "100"),
                    new AbstractMap.SimpleImmutableEntry<>("exclude", "a"),
                    new AbstractMap.SimpleImmutableEntry<>("exclude", "b")), p.entries());
            assertEquals("points=1 per=100 exclude=a exclude=b", p.text());
        }
        try (Params p = new Params().add("multiplier", Fraction.of(6, 4)).add("start", -5L).add("type", "books")) {
            assertEquals("multiplier=3/2 start=-5 type=books", p.text());
            try (Params copy = p.copy()) {
                assertEquals(p.text(), copy.text());
            }
        }
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> Params.parse("points"), "offset");
        T.assertFails(InvalidArgumentException.class, Status.EINVAL, () -> new Params().add("bad key", "v"));
        try (Params p = Params.of(Map.of("tier.gold", Fraction.of(3, 2)))) {
            assertEquals("tier.gold=3/2", p.text());
        }
    }
}
