/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/**
 * One side's figures at the end of a simulation, or the difference
 * (alternative minus base) (C: {@code loyalty_simulation_totals}).
 *
 * @param customers enrolled
 * @param purchases recorded
 * @param refunds recorded
 * @param redemptions paid
 * @param redemptionsRefused that this side could not pay
 * @param issued points earned by purchases, actions, partners and referrals, net of refund clawbacks
 * @param redeemed points spent on rewards (and donations), net of cancellations
 * @param expired points that expired
 * @param liability outstanding points: the available and pending balances of every customer
 * @param cost issued x the point value, in minor units, exact
 * @param liabilityValue liability x the point value, in minor units, exact
 */
public record SimulationTotals(long customers, long purchases, long refunds, long redemptions,
        long redemptionsRefused, long issued, long redeemed, long expired, long liability, Fraction cost,
        Fraction liabilityValue) {
    /** From the 13 flat fields of bindings/swig/simulate.i. */
    static SimulationTotals of(java.util.function.IntToLongFunction field) {
        return new SimulationTotals(field.applyAsLong(0), field.applyAsLong(1), field.applyAsLong(2),
                field.applyAsLong(3), field.applyAsLong(4), field.applyAsLong(5), field.applyAsLong(6),
                field.applyAsLong(7), field.applyAsLong(8), Fraction.of(field.applyAsLong(9), field.applyAsLong(10)),
                Fraction.of(field.applyAsLong(11), field.applyAsLong(12)));
    }
}
