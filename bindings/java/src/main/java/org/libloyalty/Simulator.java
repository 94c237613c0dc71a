/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.time.Instant;
import java.util.Objects;

/**
 * The what-if simulator (C: {@code loyalty_simulate}; docs/SIMULATION.md):
 * replays a {@link History} into two programs the caller built with the
 * current and the proposed definitions and no customers, and compares them.
 *
 * <pre>{@code
 * SimulationReport r = Simulator.builder().pointValue(Fraction.of(1, 2))
 *         .progress((done, total) -> { System.out.println(done + "/" + total); return true; })
 *         .build().simulate(history, current, proposed);
 * System.out.println(r.difference().issued() + " more points, " + r.tierChanges().size() + " tier changes");
 * }</pre>
 *
 * <p>The programs are sandboxes: afterwards they hold the replayed customers
 * and ledgers; after a failure (a {@link CanceledException} included) a
 * partial replay: close them. The same inputs always give the same report.
 * A Simulator is immutable and may be shared.
 */
public final class Simulator {
    private final Fraction pointValue;
    private final Period period;
    private final Instant end;
    private final ProgressListener listener;
    private final int threads;

    private Simulator(Builder b) {
        this.pointValue = b.pointValue;
        this.period = b.period;
        this.end = b.end;
        this.listener = b.listener;
        this.threads = b.threads;
    }

    /** A simulator with the defaults: a point costs 1 minor unit, monthly periods, no progress. */
    public static Simulator defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code defaults().simulate(history, base, alternative)}. */
    public static SimulationReport simulate(History history, Program base, Program alternative) {
        return defaults().run(history, base, alternative);
    }

    /**
     * Replays {@code history} into {@code base} and {@code alternative} and reports.
     *
     * @throws StateException when a program has customers
     * @throws InvalidArgumentException for the same program twice, or an end before the last event
     * @throws CanceledException when the progress listener returned false or threw (its cause)
     * @throws LoyaltyException what an event failed with (the message names the side and the event)
     */
    public SimulationReport run(History history, Program base, Program alternative) {
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(alternative, "alternative");
        long endMs = end == null ? 0 : end.toEpochMilli();
        long[] pv = { pointValue.numerator(), pointValue.denominator() };
        org.libloyalty.swig.History h = history.lockRead();
        try {
            org.libloyalty.swig.Program b = base.lockRead();
            try {
                org.libloyalty.swig.Program a = alternative == base ? b : alternative.lockRead();
                try {
                    StrategyAdapter.clear();
                    return SimulationReport.of(ProgressAdapter.run(listener,
                            l -> org.libloyalty.swig.Loyalty.loyaltyJavaSimulate(h, b, a, pv, period.code(), endMs,
                                    threads, l)));
                } catch (LoyaltyException e) {
                    throw StrategyAdapter.failure(e);
                } finally {
                    if (alternative != base) {
                        alternative.unlockRead();
                    }
                }
            } finally {
                base.unlockRead();
            }
        } finally {
            history.unlockRead();
        }
    }

    /** Options of a {@link Simulator}. */
    public static final class Builder {
        private Fraction pointValue = Fraction.of(1);
        private Period period = Period.MONTH;
        private Instant end;
        private ProgressListener listener;
        private int threads;

        private Builder() {}

        /** What a point costs, in minor units (>= 0; default 1). */
        public Builder pointValue(Fraction value) {
            this.pointValue = Objects.requireNonNull(value, "value");
            return this;
        }

        /** The sweeps and the series: DAY, WEEK, MONTH (default), QUARTER or YEAR. */
        public Builder period(Period period) {
            this.period = Objects.requireNonNull(period, "period");
            return this;
        }

        /** The last sweep (default: the end of the period of the last event). */
        public Builder end(Instant end) {
            this.end = end;
            return this;
        }

        /** Events done of total over both replays (null: none); return false to cancel. */
        public Builder progress(ProgressListener listener) {
            this.listener = listener;
            return this;
        }

        /** 1: one side after the other; 2: both at once; 0 (default): 2 from 8,192 events. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Simulator build() {
            return new Simulator(this);
        }
    }
}
