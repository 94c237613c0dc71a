/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The metrics of a period {@code [start, end)} (C: {@code loyalty_metrics};
 * {@link Program#metrics}). An immutable value that outlives the program.
 *
 * <p>Counts and sums of points or money are {@code long}s (money in minor
 * units); rates and averages are exact {@link Fraction}s (ratios: 2/3, not
 * 66.67; {@link Survey#percent} renders one), empty when undefined (a zero
 * denominator: no customers at the start, no orders, nothing issued).
 * Definitions, sources and edge cases: docs/ANALYTICS.md.
 *
 * @param start the period's start (inclusive)
 * @param end the period's end (exclusive)
 * @param pointValue minor units per point, empty when not declared
 * @param margin the margin applied to the lifetime value
 * @param maxLifespan the cap on the expected lifespan in periods; 0 = none
 * @param membersStart members enrolled before start
 * @param membersEnd members enrolled before end
 * @param newMembers N: members enrolled in the period
 * @param activeMembers members with an activity (enrolment, purchase, redemption, action) in the period
 * @param customersStart S: members enrolled before start and active in the equally long window before it
 * @param customersEnd E: retained + N
 * @param retained E - N: customers of S active in the period
 * @param reactivated members enrolled before start, active in the period, not in S
 * @param retentionRate (E - N) / S
 * @param churnRate 1 - retention
 * @param orders purchases dated in the period
 * @param revenue their totals (refunds not deducted)
 * @param purchasers customers with at least one order
 * @param repeatPurchasers customers with at least two orders
 * @param repeatPurchaseRate repeatPurchasers / purchasers
 * @param averageOrderValue revenue / orders
 * @param purchaseFrequency orders / purchasers
 * @param expectedLifespan 1 / churn, in periods (capped by maxLifespan)
 * @param customerLifetimeValue AOV x frequency x lifespan x margin
 * @param pointsIssued credits (earned, actions, partners, referrals) minus refund clawbacks
 * @param pointsClawedBack what refunds took back
 * @param pointsRedeemed redemptions and donations minus cancellations
 * @param pointsExpired points that expired
 * @param redemptionRate redeemed / issued (empty when issued &lt;= 0)
 * @param breakageRate expired / issued (empty when issued &lt;= 0)
 * @param liabilityPoints available + pending points at end, a negative balance counting 0
 * @param liabilityValue liabilityPoints x pointValue
 * @param referrals members who named a referrer in the period
 * @param referralConversions referrals whose bonuses were paid in the period
 * @param actions engagement actions in the period, all kinds
 * @param tierMix members per tier at end, in threshold order; "" = no tier
 * @param actionsByKind engagement actions per kind the program defines, in definition order
 */
public record Metrics(Instant start, Instant end, Optional<Fraction> pointValue, Fraction margin, long maxLifespan,
        long membersStart, long membersEnd, long newMembers, long activeMembers, long customersStart,
        long customersEnd, long retained, long reactivated, Optional<Fraction> retentionRate,
        Optional<Fraction> churnRate, long orders, long revenue, long purchasers, long repeatPurchasers,
        Optional<Fraction> repeatPurchaseRate, Optional<Fraction> averageOrderValue,
        Optional<Fraction> purchaseFrequency, Optional<Fraction> expectedLifespan,
        Optional<Fraction> customerLifetimeValue, long pointsIssued, long pointsClawedBack, long pointsRedeemed,
        long pointsExpired, Optional<Fraction> redemptionRate, Optional<Fraction> breakageRate,
        long liabilityPoints, Optional<Fraction> liabilityValue, long referrals, long referralConversions,
        long actions, Map<String, Long> tierMix, Map<String, ActionCount> actionsByKind) {

    /** The maps are unmodifiable copies, in the program's order. */
    public Metrics {
        tierMix = Collections.unmodifiableMap(new LinkedHashMap<>(tierMix));
        actionsByKind = Collections.unmodifiableMap(new LinkedHashMap<>(actionsByKind));
    }

    /** The value of a fraction pair, empty for 0/0 (undefined: swig/analytics.i). */
    static Optional<Fraction> value(long[] pair) {
        return pair[1] == 0 ? Optional.empty() : Optional.of(Fraction.ofPair(pair));
    }

    static Metrics of(org.libloyalty.swig.Metrics m) {
        try (m) {
            // the C enum loyalty_metric (its numbers are part of the ABI)
            long[] n = new long[30];
            @SuppressWarnings("unchecked")
            Optional<Fraction>[] f = new Optional[30];
            for (int i = 0; i < 30; i++) {
                long[] v = m.value(i);
                f[i] = value(v);
                n[i] = v[1] == 1 ? v[0] : 0;
            }
            Map<String, Long> tiers = new LinkedHashMap<>();
            for (long r = 0; r < m.tierRows(); r++) {
                tiers.put(m.tierName(r), m.tierMembers(r));
            }
            Map<String, ActionCount> actions = new LinkedHashMap<>();
            for (long r = 0; r < m.actionRows(); r++) {
                actions.put(m.actionName(r), new ActionCount(m.actionCount(r), m.actionPoints(r)));
            }
            return new Metrics(Instant.ofEpochMilli(m.start()), Instant.ofEpochMilli(m.end()), value(m.pointValue()),
                    Fraction.ofPair(m.margin()), m.maxLifespan(), n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7],
                    f[8], f[9], n[10], n[11], n[12], n[13], f[14], f[15], f[16], f[17], f[18], n[19], n[20], n[21],
                    n[22], f[23], f[24], n[25], f[26], n[27], n[28], n[29], tiers, actions);
        }
    }

    /**
     * A plain map: the period and options, then every metric under its C name
     * ({@code "retention_rate"}; a Long, a Fraction, or null when undefined),
     * {@code "tier_mix"} and {@code "actions_by_kind"}.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", start);
        m.put("end", end);
        m.put("point_value", pointValue.orElse(null));
        m.put("margin", margin);
        m.put("max_lifespan", maxLifespan);
        Object[] values = {membersStart, membersEnd, newMembers, activeMembers, customersStart, customersEnd,
            retained, reactivated, retentionRate, churnRate, orders, revenue, purchasers, repeatPurchasers,
            repeatPurchaseRate, averageOrderValue, purchaseFrequency, expectedLifespan, customerLifetimeValue,
            pointsIssued, pointsClawedBack, pointsRedeemed, pointsExpired, redemptionRate, breakageRate,
            liabilityPoints, liabilityValue, referrals, referralConversions, actions};
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            m.put(org.libloyalty.swig.Loyalty.loyaltyMetricName(i),
                    v instanceof Optional<?> o ? o.orElse(null) : v);
        }
        m.put("tier_mix", tierMix);
        m.put("actions_by_kind", actionsByKind);
        return Collections.unmodifiableMap(m);
    }
}
