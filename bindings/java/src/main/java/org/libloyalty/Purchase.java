/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * A purchase (an order): what a customer bought, when, where (C:
 * {@code loyalty_purchase}). Amounts are {@code long} minor units (cents) of
 * the purchase's currency.
 *
 * <pre>{@code
 * try (Purchase p = Purchase.builder("order-1001", customerId, at, "USD")
 *         .channel("store")
 *         .item("latte-m", "coffee", 1, 475)
 *         .build()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Every change is validated and a rejected change leaves the purchase as
 * it was. Reads may come from many threads; a change waits until no other
 * thread reads it.
 */
public final class Purchase extends NativeHandle<org.libloyalty.swig.Purchase> {
    /**
     * A purchase without items.
     *
     * @param key the idempotency key: the same key always means the same purchase
     * @param customerId the buyer
     * @param at when it happened
     * @param currency the ISO 4217 code every price is in
     * @throws InvalidArgumentException for a malformed key or the nil customer id
     * @throws CurrencyException for an unknown currency
     */
    public Purchase(String key, UUID customerId, Instant at, String currency) {
        super(new org.libloyalty.swig.Purchase(key, requireId(customerId), at.toEpochMilli(), currency));
    }

    Purchase(org.libloyalty.swig.Purchase raw) {
        super(raw);
    }

    private Purchase(org.libloyalty.swig.Purchase borrowed, boolean view) {
        super(borrowed, view);
    }

    static Purchase view(org.libloyalty.swig.Purchase borrowed) {
        return new Purchase(borrowed, true);
    }

    private static UUID requireId(UUID id) {
        if (id == null) {
            throw new InvalidArgumentException("loyalty_purchase_new: the customer id is null");
        }
        return id;
    }

    public static Builder builder(String key, UUID customerId, Instant at, String currency) {
        return new Builder(key, customerId, at, currency);
    }

    /** A deep copy. */
    public Purchase copy() {
        return new Purchase(read(p -> p.clone()));
    }

    /** Sets the sales channel ("store", "online"); null or "" for unspecified. */
    public void setChannel(String channel) {
        write(p -> p.setChannel(channel));
    }

    /**
     * Appends a line item.
     *
     * @throws InvalidArgumentException for a malformed SKU or product type, a
     *     quantity of 0 or less, or a negative price
     * @throws OutOfRangeException when the line or purchase total overflows
     */
    public void addItem(String sku, String productType, long quantity, long unitPrice) {
        write(p -> p.addItem(sku, productType, quantity, unitPrice));
    }

    public String key() {
        return read(p -> p.key());
    }

    public UUID customerId() {
        return read(p -> p.customerId());
    }

    public Instant time() {
        return Instant.ofEpochMilli(readLong(p -> p.time()));
    }

    public String currency() {
        return read(p -> p.currency());
    }

    /** The channel, "" when unspecified. */
    public String channel() {
        return read(p -> p.channel());
    }

    /** The line items, in order (a copy). */
    public List<LineItem> items() {
        return read(p -> {
            int n = (int) p.itemCount();
            List<LineItem> items = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                items.add(new LineItem(p.itemSku(i), p.itemProductType(i), p.itemQuantity(i), p.itemUnitPrice(i),
                        p.itemLineTotal(i)));
            }
            return Collections.unmodifiableList(items);
        });
    }

    public int itemCount() {
        return (int) readLong(p -> p.itemCount());
    }

    /** The sum of every line total, in minor units. */
    public long total() {
        return readLong(p -> p.total());
    }

    @Override
    public String toString() {
        if (isClosed()) {
            return closedString();
        }
        return read(p -> "Purchase[key=" + p.key() + ", customer=" + p.customerId() + ", at="
                + Instant.ofEpochMilli(p.time()) + ", total=" + p.total() + " " + p.currency() + ", items="
                + p.itemCount() + "]");
    }

    /** Builds a {@link Purchase}. */
    public static final class Builder {
        private final String key;
        private final UUID customerId;
        private final Instant at;
        private final String currency;
        private String channel;
        private final List<LineItem> items = new ArrayList<>();

        private Builder(String key, UUID customerId, Instant at, String currency) {
            this.key = key;
            this.customerId = customerId;
            this.at = at;
            this.currency = currency;
        }

        public Builder channel(String channel) {
            this.channel = channel;
            return this;
        }

        /** Adds a line: {@code quantity} units at {@code unitPrice} minor units each. */
        public Builder item(String sku, String productType, long quantity, long unitPrice) {
            items.add(new LineItem(sku, productType, quantity, unitPrice, 0));
            return this;
        }

        public Purchase build() {
            Purchase p = new Purchase(key, customerId, at, currency);
            try {
                if (channel != null) {
                    p.setChannel(channel);
                }
                for (LineItem item : items) {
                    p.addItem(item.sku(), item.productType(), item.quantity(), item.unitPrice());
                }
                return p;
            } catch (RuntimeException e) {
                p.close();
                throw e;
            }
        }
    }
}
