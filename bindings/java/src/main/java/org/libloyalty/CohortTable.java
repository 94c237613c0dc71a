/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Retention by enrolment month (C: {@code loyalty_cohorts};
 * {@link Program#cohorts}): one cohort per calendar month of the range, in
 * the program's UTC offset, a triangle of cells. An immutable value.
 *
 * @param cohorts the cohorts, oldest first
 */
public record CohortTable(List<Cohort> cohorts) {
    /** The list is an unmodifiable copy. */
    public CohortTable {
        cohorts = List.copyOf(cohorts);
    }

    /**
     * The members enrolled in one month and how many were active in each
     * month since.
     *
     * @param month the enrolment month
     * @param size members enrolled in it
     * @param active members active (enrolment, purchase, redemption, action) in month k after it;
     *     active.get(0) == size; as many cells as months of the range from this one
     * @param rates active / size, empty for an empty cohort
     */
    public record Cohort(YearMonth month, long size, List<Long> active, List<Optional<Fraction>> rates) {
        /** The lists are unmodifiable copies. */
        public Cohort {
            active = List.copyOf(active);
            rates = List.copyOf(rates);
        }
    }

    static CohortTable of(org.libloyalty.swig.Cohorts t) {
        try (t) {
            List<Cohort> rows = new ArrayList<>();
            for (long r = 0; r < t.rows(); r++) {
                long n = t.monthNumber(r);
                List<Long> active = new ArrayList<>();
                List<Optional<Fraction>> rates = new ArrayList<>();
                for (long k = 0; k < t.width(r); k++) {
                    active.add(t.active(r, k));
                    rates.add(Metrics.value(t.rate(r, k)));
                }
                rows.add(new Cohort(YearMonth.of((int) (n / 12), (int) (n % 12) + 1), t.size(r), active, rates));
            }
            return new CohortTable(Collections.unmodifiableList(rows));
        }
    }
}
