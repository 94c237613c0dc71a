/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.nio.ByteBuffer;
import java.time.MonthDay;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The customers a batch of {@link PurchaseColumns} refers to, as columns:
 * customer {@code i} of the batch is row {@code i} here. What each use reads:
 *
 * <ul>
 *   <li>{@link Calculator#scoreColumns}: each customer's tier (an index into
 *       {@link #tierNames()}, or none) and birthday (or none);
 *   <li>{@link Program#recordColumns}: each customer's id (the program knows
 *       the tier and birthday of its customers).
 * </ul>
 *
 * <p>Immutable: the values are copied (into native memory, which the C
 * library reads in place) and checked when the columns are made.
 */
public final class CustomerColumns {
    /** In {@code tier}: the customer has no tier. */
    public static final int NO_TIER = -1;

    private final int size;
    private final String[] tierNames;
    final ByteBuffer ids;         // 16 bytes per customer (UUID big-endian), or null
    final ByteBuffer tier;        // uint32 per customer, 0xFFFFFFFF = none, or null (nobody)
    final ByteBuffer tierBlob;    // the tier names, NUL-terminated UTF-8
    final ByteBuffer birthMonth;  // uint8 per customer, 0 = none, or null (nobody)
    final ByteBuffer birthDay;    // uint8 per customer, or null

    private CustomerColumns(int size, String[] tierNames, ByteBuffer ids, ByteBuffer tier, ByteBuffer birthMonth,
            ByteBuffer birthDay) {
        this.size = size;
        this.tierNames = tierNames;
        this.ids = ids;
        this.tier = tier;
        this.tierBlob = Columns.texts(tierNames, 0, tierNames.length, "tierNames");
        this.birthMonth = birthMonth;
        this.birthDay = birthDay;
    }

    /**
     * Customers from arrays of one length each (copied).
     *
     * @param ids each customer's id, or null when the columns are only scored
     * @param tierNames the names {@code tier} indexes
     * @param tier each customer's index into {@code tierNames}, or {@link #NO_TIER}; null: nobody has a tier
     * @param birthMonth 1-12, or 0 for no birthday; null: nobody has one
     * @param birthDay 1-31 where the month is not 0 (checked against the month when scored); null with birthMonth
     * @throws InvalidArgumentException for arrays of different lengths or a value out of range (nothing is made)
     */
    public static CustomerColumns of(UUID[] ids, String[] tierNames, int[] tier, byte[] birthMonth, byte[] birthDay) {
        Objects.requireNonNull(tierNames, "tierNames");
        int n = ids != null ? ids.length : tier != null ? tier.length : birthMonth != null ? birthMonth.length : -1;
        if (n < 0) {
            throw new InvalidArgumentException("columns: give at least one customer column (ids, tier or birthMonth)");
        }
        if (ids != null) {
            Columns.length("ids", ids.length, n);
        }
        if (tier != null) {
            Columns.length("tier", tier.length, n);
            for (int i = 0; i < n; i++) {
                if (tier[i] != NO_TIER && (tier[i] < 0 || tier[i] >= tierNames.length)) {
                    throw new InvalidArgumentException("columns: tier[" + i + "] is " + tier[i] + ", not an index of "
                            + tierNames.length + " tier names or NO_TIER");
                }
            }
        }
        if ((birthMonth == null) != (birthDay == null)) {
            throw new InvalidArgumentException("columns: birthMonth and birthDay go together");
        }
        if (birthMonth != null) {
            Columns.length("birthMonth", birthMonth.length, n);
            Columns.length("birthDay", birthDay.length, n);
            for (int i = 0; i < n; i++) {
                if (birthMonth[i] < 0 || birthMonth[i] > 12
                        || (birthMonth[i] != 0 && (birthDay[i] < 1 || birthDay[i] > 31))) {
                    throw new InvalidArgumentException("columns: customer " + i + " has the birthday month "
                            + birthMonth[i] + " day " + birthDay[i] + " (month 1-12 and day 1-31, or month 0)");
                }
            }
        }
        ByteBuffer idBuf = null;
        if (ids != null) {
            idBuf = Columns.direct(16L * n).order(java.nio.ByteOrder.BIG_ENDIAN);
            for (int i = 0; i < n; i++) {
                UUID id = ids[i];
                if (id == null) {
                    throw new InvalidArgumentException("columns: ids[" + i + "] is null");
                }
                idBuf.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
            }
            idBuf.clear();
        }
        return new CustomerColumns(n, tierNames.clone(), idBuf, tier != null ? Columns.ints(tier, 0, n) : null,
                birthMonth != null ? Columns.bytes(birthMonth, 0, n) : null,
                birthDay != null ? Columns.bytes(birthDay, 0, n) : null);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The number of customers. */
    public int size() {
        return size;
    }

    /** The tier names the tier column indexes (a copy). */
    public String[] tierNames() {
        return tierNames.clone();
    }

    int tierCount() {
        return tierNames.length;
    }

    /** Whether the columns carry customer ids (needed by {@link Program#recordColumns}). */
    public boolean hasIds() {
        return ids != null;
    }

    @Override
    public String toString() {
        return "CustomerColumns[size=" + size + ", tiers=" + Arrays.toString(tierNames) + ", ids=" + hasIds() + "]";
    }

    /** Builds {@link CustomerColumns} row by row; tier names are collected as they come. */
    public static final class Builder {
        private final List<UUID> ids = new ArrayList<>();
        private final Map<String, Integer> tierIndex = new HashMap<>();
        private final List<String> tierNames = new ArrayList<>();
        private int[] tier = new int[16];
        private byte[] month = new byte[16];
        private byte[] day = new byte[16];
        private boolean anyId;
        private boolean allIds = true;

        private Builder() {
        }

        /**
         * Adds a customer and returns its index.
         *
         * @param id its id (null when the columns are only scored)
         * @param tierName its tier, or null for none
         * @param birthday its birthday, or null for none
         */
        public int add(UUID id, String tierName, MonthDay birthday) {
            int i = ids.size();
            if (i == tier.length) {
                tier = Arrays.copyOf(tier, 2 * i);
                month = Arrays.copyOf(month, 2 * i);
                day = Arrays.copyOf(day, 2 * i);
            }
            tier[i] = tierName == null ? NO_TIER : tierIndex.computeIfAbsent(tierName, t -> {
                tierNames.add(t);
                return tierNames.size() - 1;
            });
            month[i] = birthday == null ? 0 : (byte) birthday.getMonthValue();
            day[i] = birthday == null ? 0 : (byte) birthday.getDayOfMonth();
            anyId |= id != null;
            allIds &= id != null;
            ids.add(id);
            return i;
        }

        /** @throws InvalidArgumentException when some customers have an id and others not */
        public CustomerColumns build() {
            if (anyId && !allIds) {
                throw new InvalidArgumentException("columns: either every customer has an id or none has");
            }
            int n = ids.size();
            return CustomerColumns.of(anyId || n == 0 ? ids.toArray(new UUID[0]) : null,
                    tierNames.toArray(new String[0]),
                    Arrays.copyOf(tier, n), Arrays.copyOf(month, n), Arrays.copyOf(day, n));
        }
    }
}
