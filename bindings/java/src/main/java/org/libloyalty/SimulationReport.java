/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Simulator#simulate} found (C: {@code loyalty_simulation_report}):
 * a value, owning nothing in C.
 *
 * @param pointValue what a point costs, in minor units
 * @param end the last sweep
 * @param base the current program's totals
 * @param alternative the proposed program's totals
 * @param difference alternative minus base, field by field
 * @param baseSeries the base's figures at each period end
 * @param alternativeSeries the alternative's, at the same ends
 * @param baseTiers customers per tier at the end under the base ("" for no tier first, then every tier in
 *     threshold order, zero counts included)
 * @param alternativeTiers the same under the alternative
 * @param tierChanges the customers whose tier differs, in enrolment order
 */
public record SimulationReport(Fraction pointValue, Instant end, SimulationTotals base, SimulationTotals alternative,
        SimulationTotals difference, List<SimulationPeriod> baseSeries, List<SimulationPeriod> alternativeSeries,
        Map<String, Long> baseTiers, Map<String, Long> alternativeTiers, List<TierChange> tierChanges) {

    /** Reads the C report (and frees it). */
    static SimulationReport of(org.libloyalty.swig.SimulationReport r) {
        try (r) {
            long[] pv = r.pointValue();
            List<List<SimulationPeriod>> series = new ArrayList<>();
            List<Map<String, Long>> tiers = new ArrayList<>();
            for (int side = 0; side < 2; side++) {
                List<SimulationPeriod> points = new ArrayList<>();
                for (long i = 0; i < r.periodCount(); i++) {
                    points.add(new SimulationPeriod(Instant.ofEpochMilli(r.period(side, i, 0)), r.period(side, i, 1),
                            r.period(side, i, 2), r.period(side, i, 3), r.period(side, i, 4)));
                }
                series.add(Collections.unmodifiableList(points));
                Map<String, Long> rows = new LinkedHashMap<>();
                for (long i = 0; i < r.tierCount(side); i++) {
                    rows.put(r.tierName(side, i), r.tierCustomers(side, i));
                }
                tiers.add(Collections.unmodifiableMap(rows));
            }
            List<TierChange> changes = new ArrayList<>();
            for (long i = 0; i < r.changeCount(); i++) {
                changes.add(new TierChange(r.changeCustomer(i), r.changeText(i, 0), r.changeText(i, 1),
                        r.changeText(i, 2)));
            }
            return new SimulationReport(Fraction.of(pv[0], pv[1]), Instant.ofEpochMilli(r.end()),
                    SimulationTotals.of(f -> r.total(0, f)), SimulationTotals.of(f -> r.total(1, f)),
                    SimulationTotals.of(r::difference), series.get(0), series.get(1), tiers.get(0), tiers.get(1),
                    Collections.unmodifiableList(changes));
        }
    }
}
