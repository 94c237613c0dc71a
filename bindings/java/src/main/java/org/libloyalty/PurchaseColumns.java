/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A batch of purchases as columns (a struct of arrays), scored by
 * {@link Calculator#scoreColumns} or recorded by {@link Program#recordColumns}
 * with one JNI call for the whole batch.
 *
 * <p>Purchase {@code i} is made by customer {@code customer[i]} (a row of the
 * {@link CustomerColumns} it is used with) at {@code at[i]} (ms since the
 * epoch) and has the lines {@code lineStart[i] .. lineStart[i+1]-1}: line
 * {@code j} is {@code quantity[j]} units of product type
 * {@code typeNames[lineType[j]]} at {@code unitPrice[j]} minor units of
 * {@link #currency()}. Recording also needs each purchase's idempotency key
 * (its SKUs are the product types); scoring ignores keys.
 *
 * <pre>{@code
 * PurchaseColumns batch = PurchaseColumns.builder("USD")
 *         .purchase("order-1", 0, Instant.parse("2026-11-28T10:00:00Z"))
 *         .line("books", 2, 1250)
 *         .line("gift_card", 1, 5000)
 *         .purchase("order-2", 1, Instant.parse("2026-11-28T10:05:00Z"))
 *         .line("toys", 1, 3999)
 *         .build();
 * }</pre>
 *
 * <p>Immutable: the values are copied into native memory when the columns
 * are made (the C library reads them in place) and checked then: lengths,
 * {@code lineStart} from 0 and never decreasing, indexes in range,
 * quantities of 1 or more, prices of 0 or more, keys and names without NUL.
 */
public final class PurchaseColumns {
    private final String currency;
    private final String[] typeNames;
    private final int size;
    private final int lineCount;
    private final int maxCustomer;
    final byte[] currencyZ;
    final ByteBuffer keys;        // NUL-terminated UTF-8, or null
    final ByteBuffer customer;    // uint32 [size]
    final ByteBuffer at;          // int64 [size]
    final ByteBuffer lineStart;   // uint32 [size + 1]
    final ByteBuffer lineType;    // uint32 [lineCount]
    final ByteBuffer quantity;    // int64 [lineCount]
    final ByteBuffer unitPrice;   // int64 [lineCount]
    final ByteBuffer typeBlob;    // the type names, NUL-terminated UTF-8
    final ByteBuffer firstPurchase; // uint8 [size], or null

    private PurchaseColumns(String currency, String[] typeNames, String[] keys, int[] customer, long[] at,
            int[] lineStart, int[] lineType, long[] quantity, long[] unitPrice, boolean[] firstPurchase) {
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(typeNames, "typeNames");
        Objects.requireNonNull(customer, "customer");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(lineStart, "lineStart");
        Objects.requireNonNull(lineType, "lineType");
        Objects.requireNonNull(quantity, "quantity");
        Objects.requireNonNull(unitPrice, "unitPrice");
        int n = customer.length;
        Columns.length("at", at.length, n);
        Columns.length("lineStart", lineStart.length, n + 1);
        if (keys != null) {
            Columns.length("keys", keys.length, n);
        }
        if (firstPurchase != null) {
            Columns.length("firstPurchase", firstPurchase.length, n);
        }
        int lines = lineType.length;
        Columns.length("quantity", quantity.length, lines);
        Columns.length("unitPrice", unitPrice.length, lines);
        if (lineStart[0] != 0 || lineStart[n] != lines) {
            throw new InvalidArgumentException("columns: lineStart must start at 0 and end at the number of lines ("
                    + lines + "), not run from " + lineStart[0] + " to " + lineStart[n]);
        }
        int max = -1;
        for (int i = 0; i < n; i++) {
            if (lineStart[i + 1] < lineStart[i]) {
                throw new InvalidArgumentException("columns: lineStart decreases at purchase " + i);
            }
            if (customer[i] < 0) {
                throw new InvalidArgumentException("columns: customer[" + i + "] is negative");
            }
            max = Math.max(max, customer[i]);
        }
        for (int j = 0; j < lines; j++) {
            if (lineType[j] < 0 || lineType[j] >= typeNames.length) {
                throw new InvalidArgumentException("columns: lineType[" + j + "] is " + lineType[j]
                        + ", not an index of " + typeNames.length + " type names");
            }
            if (quantity[j] < 1) {
                throw new InvalidArgumentException("columns: quantity[" + j + "] is " + quantity[j] + " (1 or more)");
            }
            if (unitPrice[j] < 0) {
                throw new InvalidArgumentException("columns: unitPrice[" + j + "] is negative");
            }
        }
        if (currency.indexOf('\0') >= 0) {
            throw new CurrencyException("columns: the currency contains a NUL character");
        }
        this.currency = currency;
        this.typeNames = typeNames.clone();
        this.size = n;
        this.lineCount = lines;
        this.maxCustomer = max;
        this.currencyZ = Columns.utf8z(currency);
        this.typeBlob = Columns.texts(this.typeNames, 0, this.typeNames.length, "typeNames");
        this.keys = keys != null ? Columns.texts(keys, 0, n, "keys") : null;
        this.customer = Columns.ints(customer, 0, n);
        this.at = Columns.longs(at, 0, n);
        this.lineStart = Columns.ints(lineStart, 0, n + 1);
        this.lineType = Columns.ints(lineType, 0, lines);
        this.quantity = Columns.longs(quantity, 0, lines);
        this.unitPrice = Columns.longs(unitPrice, 0, lines);
        if (firstPurchase != null) {
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) {
                b[i] = (byte) (firstPurchase[i] ? 1 : 0);
            }
            this.firstPurchase = Columns.bytes(b, 0, n);
        } else {
            this.firstPurchase = null;
        }
    }

    /**
     * Purchases from arrays (copied); see the class comment for their meaning.
     *
     * @param keys each purchase's idempotency key, or null when the columns are only scored
     * @param firstPurchase whether each purchase is its customer's first (for scoring), or null: none is
     * @throws InvalidArgumentException for inconsistent lengths or a value out of range (nothing is made)
     */
    public static PurchaseColumns of(String currency, String[] typeNames, String[] keys, int[] customer, long[] at,
            int[] lineStart, int[] lineType, long[] quantity, long[] unitPrice, boolean[] firstPurchase) {
        return new PurchaseColumns(currency, typeNames, keys, customer, at, lineStart, lineType, quantity, unitPrice,
                firstPurchase);
    }

    /**
     * As {@link #of(String, String[], String[], int[], long[], int[], int[], long[], long[], boolean[])},
     * no first purchases.
     */
    public static PurchaseColumns of(String currency, String[] typeNames, String[] keys, int[] customer, long[] at,
            int[] lineStart, int[] lineType, long[] quantity, long[] unitPrice) {
        return of(currency, typeNames, keys, customer, at, lineStart, lineType, quantity, unitPrice, null);
    }

    public static Builder builder(String currency) {
        return new Builder(currency);
    }

    public String currency() {
        return currency;
    }

    /** The product type names the line types index (a copy). */
    public String[] typeNames() {
        return typeNames.clone();
    }

    /** The number of purchases. */
    public int size() {
        return size;
    }

    /** The number of lines of all purchases. */
    public int lineCount() {
        return lineCount;
    }

    /** Whether the purchases carry keys (needed by {@link Program#recordColumns}). */
    public boolean hasKeys() {
        return keys != null;
    }

    int typeCount() {
        return typeNames.length;
    }

    /** The largest customer index used, -1 for no purchase. */
    int maxCustomer() {
        return maxCustomer;
    }

    void checkCustomers(CustomerColumns customers) {
        Objects.requireNonNull(customers, "customers");
        if (maxCustomer >= customers.size()) {
            throw new InvalidArgumentException("columns: a purchase refers to customer " + maxCustomer + " of "
                    + customers.size());
        }
    }

    @Override
    public String toString() {
        return "PurchaseColumns[size=" + size + ", lines=" + lineCount + ", currency=" + currency + ", types="
                + Arrays.toString(typeNames) + "]";
    }

    /**
     * Builds {@link PurchaseColumns} purchase by purchase, then line by line;
     * type names are collected as they come.
     */
    public static final class Builder {
        private final String currency;
        private final Map<String, Integer> typeIndex = new HashMap<>();
        private final List<String> typeNames = new ArrayList<>();
        private final List<String> keys = new ArrayList<>();
        private int[] customer = new int[16];
        private long[] at = new long[16];
        private boolean[] first = new boolean[16];
        private int[] lineStart = new int[17];
        private int[] lineType = new int[16];
        private long[] quantity = new long[16];
        private long[] unitPrice = new long[16];
        private int n;
        private int lines;
        private boolean anyKey;
        private boolean allKeys = true;
        private boolean anyFirst;

        private Builder(String currency) {
            this.currency = Objects.requireNonNull(currency, "currency");
        }

        /** Starts a purchase (key null when the columns are only scored). */
        public Builder purchase(String key, int customerIndex, Instant time) {
            return purchase(key, customerIndex, time, false);
        }

        /** Starts a purchase; {@code firstPurchase}: whether it is the customer's first (for scoring). */
        public Builder purchase(String key, int customerIndex, Instant time, boolean firstPurchase) {
            if (n == customer.length) {
                customer = Arrays.copyOf(customer, 2 * n);
                at = Arrays.copyOf(at, 2 * n);
                first = Arrays.copyOf(first, 2 * n);
                lineStart = Arrays.copyOf(lineStart, 2 * n + 1);
            }
            customer[n] = customerIndex;
            at[n] = time.toEpochMilli();
            first[n] = firstPurchase;
            anyFirst |= firstPurchase;
            anyKey |= key != null;
            allKeys &= key != null;
            keys.add(key);
            n++;
            lineStart[n] = lines;
            return this;
        }

        /** Adds a line to the current purchase. */
        public Builder line(String productType, long qty, long price) {
            if (n == 0) {
                throw new IllegalStateException("PurchaseColumns.Builder: line() before the first purchase()");
            }
            Objects.requireNonNull(productType, "productType");
            if (lines == lineType.length) {
                lineType = Arrays.copyOf(lineType, 2 * lines);
                quantity = Arrays.copyOf(quantity, 2 * lines);
                unitPrice = Arrays.copyOf(unitPrice, 2 * lines);
            }
            lineType[lines] = typeIndex.computeIfAbsent(productType, t -> {
                typeNames.add(t);
                return typeNames.size() - 1;
            });
            quantity[lines] = qty;
            unitPrice[lines] = price;
            lines++;
            lineStart[n] = lines;
            return this;
        }

        /**
         * @throws InvalidArgumentException when some purchases have a key and
         *     others not, or a value is out of range
         */
        public PurchaseColumns build() {
            if (anyKey && !allKeys) {
                throw new InvalidArgumentException("columns: either every purchase has a key or none has");
            }
            return new PurchaseColumns(currency, typeNames.toArray(new String[0]),
                    anyKey || n == 0 ? keys.toArray(new String[0]) : null, Arrays.copyOf(customer, n),
                    Arrays.copyOf(at, n),
                    Arrays.copyOf(lineStart, n + 1), Arrays.copyOf(lineType, lines), Arrays.copyOf(quantity, lines),
                    Arrays.copyOf(unitPrice, lines), anyFirst ? Arrays.copyOf(first, n) : null);
        }
    }
}
