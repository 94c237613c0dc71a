/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The reward calculator: an ordered pipeline of strategies for one currency
 * (C: {@code loyalty_calculator}). It computes what a purchase earns without
 * changing anything and returns a {@link Receipt}.
 *
 * <pre>{@code
 * try (Calculator calc = Calculator.builder("USD")
 *         .utcOffsetMinutes(-5 * 60)
 *         .exclude("gift_card")
 *         .add("base_rate", "dollar", "points=1 per=100")
 *         .add("campaign", "double_weekend", "multiplier=2 weekdays=sat,sun")
 *         .build();
 *      Receipt r = calc.compute(customer, purchase, true)) {
 *     System.out.println(r.points());
 * }
 * }</pre>
 *
 * <p>Build it, then compute from as many threads as you like; a change
 * (adding a strategy) waits until no computation is running. A calculator
 * given to a {@link Program} belongs to the program: it becomes immutable
 * (changes throw {@link StateException}), stays usable for computing while
 * the program is open, and is freed with the program ({@link #close()} then
 * does nothing).
 */
public final class Calculator extends NativeHandle<org.libloyalty.swig.Calculator> {
    /** A calculator for {@code currency}: floor rounding, UTC, additive stacking. */
    public Calculator(String currency) {
        this(currency, Rounding.FLOOR, 0, Stacking.ADDITIVE);
    }

    /**
     * @param currency the ISO 4217 code of every purchase
     * @param rounding applied once to each purchase's total
     * @param utcOffsetMinutes the calendar's offset for weekdays and birthdays, minutes east of UTC
     * @param stacking how several multipliers combine
     * @throws CurrencyException for an unknown currency
     * @throws InvalidArgumentException for an offset outside +-14:00
     */
    public Calculator(String currency, Rounding rounding, int utcOffsetMinutes, Stacking stacking) {
        super(new org.libloyalty.swig.Calculator(currency, rounding.code(), utcOffsetMinutes, stacking.code()));
    }

    public static Builder builder(String currency) {
        return new Builder(currency);
    }

    // ---- options ----------------------------------------------------------------

    public String currency() {
        return read(c -> c.currency());
    }

    public Rounding rounding() {
        return Rounding.of(readInt(c -> c.rounding()));
    }

    /** The calendar offset for weekdays and birthdays, minutes east of UTC. */
    public int utcOffsetMinutes() {
        return readInt(c -> c.utcOffsetMinutes());
    }

    public ZoneOffset utcOffset() {
        return ZoneOffset.ofTotalSeconds(utcOffsetMinutes() * 60);
    }

    public Stacking stacking() {
        return Stacking.of(readInt(c -> c.stacking()));
    }

    // ---- building ---------------------------------------------------------------

    /**
     * Excludes a product type from earning: its items earn nothing and are
     * not eligible spend.
     *
     * @throws DuplicateException when already excluded
     */
    public void excludeProductType(String productType) {
        write(c -> c.excludeProductType(productType));
    }

    /** The excluded product types, in order. */
    public List<String> excludedProductTypes() {
        return read(c -> {
            int n = (int) c.excludedCount();
            List<String> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(c.excluded(i));
            }
            return Collections.unmodifiableList(out);
        });
    }

    /**
     * Appends a built-in strategy configured by parameter text, e.g.
     * {@code add("base_rate", "dollar", "points=1 per=100")}. See
     * {@link Loyalty#strategyKinds()} and {@link Loyalty#strategyKindHelp}.
     *
     * @throws NotFoundException for an unknown kind
     * @throws DuplicateException when the name is taken
     * @throws InvalidArgumentException for a malformed name or parameters (the message names the parameter)
     * @throws OutOfRangeException for a parameter out of range
     * @throws StateException when a program owns this calculator
     */
    public void add(String kind, String name, String params) {
        write(c -> c.add(kind, name, params));
    }

    /** As {@link #add(String, String, String)}, with parameters as a list (copied). */
    public void add(String kind, String name, Params params) {
        Objects.requireNonNull(params, "params");
        org.libloyalty.swig.Calculator c = lockWrite();
        try {
            org.libloyalty.swig.Params p = params.lockRead();
            try {
                c.addParams(kind, name, p);
            } finally {
                params.unlockRead();
            }
        } finally {
            unlockWrite();
        }
    }

    /** As {@link #add(String, String, String)}, with parameters from a map (values as text, fractions as "3/2"). */
    public void add(String kind, String name, Map<String, ?> params) {
        try (Params p = Params.of(params)) {
            add(kind, name, p);
        }
    }

    /**
     * Appends a custom strategy written in Java. The calculator keeps
     * {@code strategy} until it is freed.
     *
     * @throws DuplicateException when the name is taken
     * @throws StateException when a program owns this calculator
     */
    public void addCustom(String name, StrategyRole role, RewardStrategy strategy) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(strategy, "strategy");
        StrategyAdapter adapter = new StrategyAdapter(name, strategy);
        write(c -> c.addCustom(name, role.code(), adapter));
    }

    /** The pipeline, in order. */
    public List<StrategyInfo> strategies() {
        return read(c -> {
            int n = (int) c.strategyCount();
            List<StrategyInfo> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(new StrategyInfo(c.strategyName(i), c.strategyKind(i), StrategyRole.of(c.strategyRole(i)),
                        Optional.ofNullable(c.strategyParams(i))));
            }
            return Collections.unmodifiableList(out);
        });
    }

    // ---- computing -----------------------------------------------------------------

    /** The points {@code purchase} earns for {@code customer} (not a first purchase). */
    public Receipt compute(Customer customer, Purchase purchase) {
        return compute(customer, purchase, false);
    }

    /**
     * The points {@code purchase} earns for {@code customer}. Changes nothing.
     *
     * @param firstPurchase whether this is the customer's first purchase
     * @throws InvalidArgumentException when the purchase is another customer's
     * @throws CurrencyException when the purchase is in another currency
     * @throws OutOfRangeException when an intermediate value overflows
     * @throws RuntimeException what a custom strategy threw (or a {@link StrategyException})
     */
    public Receipt compute(Customer customer, Purchase purchase, boolean firstPurchase) {
        Objects.requireNonNull(customer, "customer");
        Objects.requireNonNull(purchase, "purchase");
        if (readByThisThread()) {
            // C: a strategy "must not call back into the calculator that runs it";
            // unchecked, it would recurse until the native stack overflows
            throw new StateException("a custom strategy cannot compute with the calculator that is running it");
        }
        org.libloyalty.swig.Calculator c = lockRead();
        try {
            org.libloyalty.swig.Customer cu = customer.lockRead();
            try {
                org.libloyalty.swig.Purchase pu = purchase.lockRead();
                try {
                    StrategyAdapter.clear();
                    return new Receipt(c.compute(cu, pu, firstPurchase ? 1 : 0));
                } catch (LoyaltyException e) {
                    throw StrategyAdapter.failure(e);
                } finally {
                    purchase.unlockRead();
                }
            } finally {
                customer.unlockRead();
            }
        } finally {
            unlockRead();
        }
    }

    /**
     * Scores a batch of purchases given as columns, crossing JNI once for
     * the whole batch and making no receipt: purchase {@code i} gets the
     * points {@link #compute} would give it for a customer with the tier and
     * birthday of its row in {@code customers} (a purchase without channel;
     * keys are ignored). Changes nothing. A purchase the C library refuses
     * (an overflow, a custom strategy that throws) gets 0 points and its
     * status; the first such one carries the C message.
     *
     * @throws InvalidArgumentException for a purchase that refers to a customer beyond {@code customers}, a
     *     product type or tier name the C library refuses, or a birthday not in its month: nothing is scored
     * @throws CurrencyException when the purchases are not in the calculator's currency
     */
    public BatchResult scoreColumns(PurchaseColumns purchases, CustomerColumns customers) {
        Objects.requireNonNull(purchases, "purchases");
        purchases.checkCustomers(customers);
        if (readByThisThread()) {
            throw new StateException("a custom strategy cannot compute with the calculator that is running it");
        }
        int n = purchases.size();
        long[] points = new long[n];
        int[] status = new int[n];
        byte[] message;
        org.libloyalty.swig.Calculator c = lockRead();
        try {
            StrategyAdapter.clear();
            message = org.libloyalty.swig.LoyaltyJNI.scoreColumns(org.libloyalty.swig.Calculator.getCPtr(c), n,
                    purchases.customer, purchases.at, purchases.lineStart, purchases.lineType, purchases.quantity,
                    purchases.unitPrice, purchases.typeBlob, purchases.typeCount(), purchases.firstPurchase,
                    customers.size(), customers.tier, customers.tierBlob, customers.tierCount(), customers.birthMonth,
                    customers.birthDay, purchases.currencyZ, status, points);
        } finally {
            StrategyAdapter.clear(); // a strategy's exception is reported by its purchase's status
            unlockRead();
            java.lang.ref.Reference.reachabilityFence(purchases);
            java.lang.ref.Reference.reachabilityFence(customers);
        }
        String first = message != null ? new String(message, java.nio.charset.StandardCharsets.UTF_8) : null;
        return BatchResult.of(points, status, first != null ? new String[] {first} : null);
    }

    /** Does nothing while a program owns this calculator (the program frees it). */
    @Override
    public void close() {
        if (owner() == null) {
            super.close();
        }
    }

    /** For Program: the SWIG proxy, with this calculator's write lock held (release with unlockWrite). */
    org.libloyalty.swig.Calculator lockForTransfer() {
        if (owner() != null) {
            throw new StateException("this Calculator already belongs to a program");
        }
        return lockWrite();
    }

    @Override
    public String toString() {
        if (isClosed()) {
            return closedString();
        }
        return read(c -> "Calculator[currency=" + c.currency() + ", rounding=" + Rounding.of(c.rounding())
                + ", utcOffsetMinutes=" + c.utcOffsetMinutes() + ", strategies=" + c.strategyCount() + "]");
    }

    /** Builds a {@link Calculator}: options, then exclusions and strategies in pipeline order. */
    public static final class Builder {
        private final String currency;
        private Rounding rounding = Rounding.FLOOR;
        private int utcOffsetMinutes;
        private Stacking stacking = Stacking.ADDITIVE;
        private final List<Consumer<Calculator>> steps = new ArrayList<>();

        private Builder(String currency) {
            this.currency = currency;
        }

        public Builder rounding(Rounding rounding) {
            this.rounding = Objects.requireNonNull(rounding);
            return this;
        }

        public Builder utcOffsetMinutes(int minutes) {
            this.utcOffsetMinutes = minutes;
            return this;
        }

        public Builder utcOffset(ZoneOffset offset) {
            int seconds = offset.getTotalSeconds();
            if (seconds % 60 != 0) {
                throw new InvalidArgumentException("utcOffset must be whole minutes (got " + offset + ")");
            }
            return utcOffsetMinutes(seconds / 60);
        }

        public Builder stacking(Stacking stacking) {
            this.stacking = Objects.requireNonNull(stacking);
            return this;
        }

        public Builder exclude(String productType) {
            steps.add(c -> c.excludeProductType(productType));
            return this;
        }

        public Builder add(String kind, String name, String params) {
            steps.add(c -> c.add(kind, name, params));
            return this;
        }

        /** Adds a built-in strategy with parameters as a list (copied now). */
        public Builder add(String kind, String name, Params params) {
            String text = params.text();
            steps.add(c -> {
                try (Params p = Params.parse(text)) {
                    c.add(kind, name, p);
                }
            });
            return this;
        }

        public Builder add(String kind, String name, Map<String, ?> params) {
            steps.add(c -> c.add(kind, name, params));
            return this;
        }

        public Builder addCustom(String name, StrategyRole role, RewardStrategy strategy) {
            steps.add(c -> c.addCustom(name, role, strategy));
            return this;
        }

        /** The calculator; the first step the C library refuses throws (and nothing leaks). */
        public Calculator build() {
            Calculator c = new Calculator(currency, rounding, utcOffsetMinutes, stacking);
            try {
                for (Consumer<Calculator> step : steps) {
                    step.accept(c);
                }
                return c;
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
        }
    }
}
