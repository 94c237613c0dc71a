/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.util.Objects;

/**
 * A program's policies (C: {@code loyalty_program_options}); zero means
 * "off" unless stated. Build with {@link #builder()}; {@link #defaults()} is
 * {@code LOYALTY_PROGRAM_OPTIONS_INIT}. The C library checks them when the
 * program is created ({@link InvalidArgumentException} names the option).
 *
 * <pre>{@code
 * ProgramOptions options = ProgramOptions.builder()
 *         .pendingDays(14)
 *         .expiry(ExpiryMode.BUCKET).expiryMonths(12).expiryRoundUp(Period.MONTH)
 *         .referrerBonus(200).refereeBonus(100).referralMinSpend(2000)
 *         .build();
 * }</pre>
 *
 * @param pendingDays hold earned points this many days (a return window)
 * @param refundPolicy what a refund does when the points were already spent
 * @param capPerPurchase most points one purchase can credit; 0: no cap
 * @param capPerPeriod most purchase points per customer per {@code capPeriod}; 0: no cap
 * @param capPeriod DAY..YEAR or EVER
 * @param expiry how points expire
 * @param expiryMonths BUCKET: validity in calendar months (may combine with days)
 * @param expiryDays BUCKET: validity in days; INACTIVITY: days without activity
 * @param expiryRoundUp BUCKET: extend to the end of the DAY, WEEK, MONTH, QUARTER or YEAR
 * @param tierMetric what qualifies for a tier
 * @param tierWindow over which window the metric is summed
 * @param tierWindowDays ROLLING_DAYS: the window length
 * @param tierGraceDays downgrades wait this many days
 * @param referrerBonus points for the customer whose code was used
 * @param refereeBonus points for the new customer
 * @param referralMinSpend a first purchase qualifies from this eligible spend (minor units)
 * @param referralMaxPerReferrer 0: unlimited
 */
public record ProgramOptions(int pendingDays, RefundPolicy refundPolicy, long capPerPurchase, long capPerPeriod,
        Period capPeriod, ExpiryMode expiry, int expiryMonths, int expiryDays, Period expiryRoundUp,
        TierMetric tierMetric, TierWindow tierWindow, int tierWindowDays, int tierGraceDays, long referrerBonus,
        long refereeBonus, long referralMinSpend, int referralMaxPerReferrer) {
    public ProgramOptions {
        Objects.requireNonNull(refundPolicy, "refundPolicy");
        Objects.requireNonNull(capPeriod, "capPeriod");
        Objects.requireNonNull(expiry, "expiry");
        Objects.requireNonNull(expiryRoundUp, "expiryRoundUp");
        Objects.requireNonNull(tierMetric, "tierMetric");
        Objects.requireNonNull(tierWindow, "tierWindow");
    }

    /** The defaults: nothing held, no caps, points never expire, tiers by spend over the calendar year. */
    public static ProgramOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder().pendingDays(pendingDays).refundPolicy(refundPolicy).capPerPurchase(capPerPurchase)
                .capPerPeriod(capPerPeriod).capPeriod(capPeriod).expiry(expiry).expiryMonths(expiryMonths)
                .expiryDays(expiryDays).expiryRoundUp(expiryRoundUp).tierMetric(tierMetric).tierWindow(tierWindow)
                .tierWindowDays(tierWindowDays).tierGraceDays(tierGraceDays).referrerBonus(referrerBonus)
                .refereeBonus(refereeBonus).referralMinSpend(referralMinSpend)
                .referralMaxPerReferrer(referralMaxPerReferrer);
    }

    /** The C struct (a new proxy the caller closes). */
    org.libloyalty.swig.ProgramOptions toNative() {
        org.libloyalty.swig.ProgramOptions o = new org.libloyalty.swig.ProgramOptions();
        o.setPendingDays(pendingDays);
        o.setRefundPolicy(refundPolicy.code());
        o.setCapPerPurchase(capPerPurchase);
        o.setCapPerPeriod(capPerPeriod);
        o.setCapPeriod(capPeriod.code());
        o.setExpiry(expiry.code());
        o.setExpiryMonths(expiryMonths);
        o.setExpiryDays(expiryDays);
        o.setExpiryRoundUp(expiryRoundUp.code());
        o.setTierMetric(tierMetric.code());
        o.setTierWindow(tierWindow.code());
        o.setTierWindowDays(tierWindowDays);
        o.setTierGraceDays(tierGraceDays);
        o.setReferrerBonus(referrerBonus);
        o.setRefereeBonus(refereeBonus);
        o.setReferralMinSpend(referralMinSpend);
        o.setReferralMaxPerReferrer(referralMaxPerReferrer);
        return o;
    }

    static ProgramOptions of(org.libloyalty.swig.ProgramOptions o) {
        try (o) {
            return new ProgramOptions(o.getPendingDays(), RefundPolicy.of(o.getRefundPolicy()), o.getCapPerPurchase(),
                    o.getCapPerPeriod(), Period.of(o.getCapPeriod()), ExpiryMode.of(o.getExpiry()),
                    o.getExpiryMonths(), o.getExpiryDays(), Period.of(o.getExpiryRoundUp()),
                    TierMetric.of(o.getTierMetric()), TierWindow.of(o.getTierWindow()), o.getTierWindowDays(),
                    o.getTierGraceDays(), o.getReferrerBonus(), o.getRefereeBonus(), o.getReferralMinSpend(),
                    o.getReferralMaxPerReferrer());
        }
    }

    /** Builds {@link ProgramOptions}; every field starts at its default. */
    public static final class Builder {
        private int pendingDays;
        private RefundPolicy refundPolicy = RefundPolicy.NEGATIVE_BALANCE;
        private long capPerPurchase;
        private long capPerPeriod;
        private Period capPeriod = Period.NONE;
        private ExpiryMode expiry = ExpiryMode.NEVER;
        private int expiryMonths;
        private int expiryDays;
        private Period expiryRoundUp = Period.NONE;
        private TierMetric tierMetric = TierMetric.SPEND;
        private TierWindow tierWindow = TierWindow.CALENDAR_YEAR;
        private int tierWindowDays;
        private int tierGraceDays;
        private long referrerBonus;
        private long refereeBonus;
        private long referralMinSpend;
        private int referralMaxPerReferrer;

        private Builder() {}

        public Builder pendingDays(int days) {
            this.pendingDays = days;
            return this;
        }

        public Builder refundPolicy(RefundPolicy policy) {
            this.refundPolicy = policy;
            return this;
        }

        public Builder capPerPurchase(long points) {
            this.capPerPurchase = points;
            return this;
        }

        /** At most {@code points} purchase points per customer per {@code period}. */
        public Builder capPerPeriod(long points, Period period) {
            this.capPerPeriod = points;
            this.capPeriod = period;
            return this;
        }

        public Builder capPerPeriod(long points) {
            this.capPerPeriod = points;
            return this;
        }

        public Builder capPeriod(Period period) {
            this.capPeriod = period;
            return this;
        }

        public Builder expiry(ExpiryMode mode) {
            this.expiry = mode;
            return this;
        }

        public Builder expiryMonths(int months) {
            this.expiryMonths = months;
            return this;
        }

        public Builder expiryDays(int days) {
            this.expiryDays = days;
            return this;
        }

        public Builder expiryRoundUp(Period period) {
            this.expiryRoundUp = period;
            return this;
        }

        public Builder tierMetric(TierMetric metric) {
            this.tierMetric = metric;
            return this;
        }

        public Builder tierWindow(TierWindow window) {
            this.tierWindow = window;
            return this;
        }

        /** A rolling window of {@code days} days. */
        public Builder tierRollingDays(int days) {
            this.tierWindow = TierWindow.ROLLING_DAYS;
            this.tierWindowDays = days;
            return this;
        }

        public Builder tierWindowDays(int days) {
            this.tierWindowDays = days;
            return this;
        }

        public Builder tierGraceDays(int days) {
            this.tierGraceDays = days;
            return this;
        }

        public Builder referrerBonus(long points) {
            this.referrerBonus = points;
            return this;
        }

        public Builder refereeBonus(long points) {
            this.refereeBonus = points;
            return this;
        }

        public Builder referralMinSpend(long minorUnits) {
            this.referralMinSpend = minorUnits;
            return this;
        }

        public Builder referralMaxPerReferrer(int count) {
            this.referralMaxPerReferrer = count;
            return this;
        }

        public ProgramOptions build() {
            return new ProgramOptions(pendingDays, refundPolicy, capPerPurchase, capPerPeriod, capPeriod, expiry,
                    expiryMonths, expiryDays, expiryRoundUp, tierMetric, tierWindow, tierWindowDays, tierGraceDays,
                    referrerBonus, refereeBonus, referralMinSpend, referralMaxPerReferrer);
        }
    }
}
