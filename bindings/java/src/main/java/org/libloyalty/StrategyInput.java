/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.time.ZoneOffset;

/**
 * What a custom strategy sees (C: {@code loyalty_strategy_input}). Valid only
 * during the call: afterwards every method throws
 * {@link IllegalStateException}; copy what you need.
 */
public final class StrategyInput extends NativeHandle<org.libloyalty.swig.StrategyInput> {
    private Customer customer;
    private Purchase purchase;

    StrategyInput(org.libloyalty.swig.StrategyInput borrowed) {
        super(borrowed, true);
    }

    /** The buyer, read-only. */
    public Customer customer() {
        org.libloyalty.swig.StrategyInput in = lockRead();
        try {
            synchronized (this) {
                if (customer == null) {
                    customer = Customer.view(in.customer());
                }
                return customer;
            }
        } finally {
            unlockRead();
        }
    }

    /** What was bought, read-only. */
    public Purchase purchase() {
        org.libloyalty.swig.StrategyInput in = lockRead();
        try {
            synchronized (this) {
                if (purchase == null) {
                    purchase = Purchase.view(in.purchase());
                }
                return purchase;
            }
        } finally {
            unlockRead();
        }
    }

    /** Whether the host said this is the customer's first purchase. */
    public boolean firstPurchase() {
        return readInt(in -> in.firstPurchase()) != 0;
    }

    /** The calculator's calendar offset, minutes east of UTC. */
    public int utcOffsetMinutes() {
        return readInt(in -> in.utcOffsetMinutes());
    }

    public ZoneOffset utcOffset() {
        return ZoneOffset.ofTotalSeconds(utcOffsetMinutes() * 60);
    }

    /** Minor units on items the calculator does not exclude. */
    public long eligibleSpend() {
        return readLong(in -> in.eligibleSpend());
    }

    /** The exact base points of the strategies before this one. */
    public Fraction basePoints() {
        return Fraction.ofPair(read(in -> in.basePoints()));
    }

    /** The exact points of all the strategies before this one. */
    public Fraction points() {
        return Fraction.ofPair(read(in -> in.points()));
    }

    /** The version of the C struct (1 or later). */
    public int version() {
        return (int) readLong(in -> in.version());
    }

    /** The call returned: this input and its views expire. */
    void end() {
        Customer c;
        Purchase p;
        synchronized (this) {
            c = customer;
            p = purchase;
        }
        if (c != null) {
            c.expire();
        }
        if (p != null) {
            p.expire();
        }
        expire();
    }

    @Override
    public String toString() {
        if (isClosed()) {
            return closedString();
        }
        return read(in -> "StrategyInput[eligibleSpend=" + in.eligibleSpend() + ", basePoints="
                + Fraction.ofPair(in.basePoints()) + ", points=" + Fraction.ofPair(in.points())
                + ", firstPurchase=" + (in.firstPurchase() != 0) + "]");
    }
}
