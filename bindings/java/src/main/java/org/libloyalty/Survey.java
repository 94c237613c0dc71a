/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.util.Objects;
import java.util.Optional;

/**
 * Survey scores from counts of answers (C: {@code loyalty_survey_csat},
 * {@code loyalty_survey_ces}) and percentage rendering. The top two answers
 * are positive (4-5 of 5, 9-10 of 10); the score is positive / all answers,
 * exact, empty when there are no answers. See docs/ANALYTICS.md.
 */
public final class Survey {
    private Survey() {}

    /**
     * CSAT: the share of the top two answers. {@code counts[i]} answers gave
     * score {@code i + 1}; 5 or 10 counts (the scale).
     * {@code csat(1, 2, 3, 4, 10)} is 7/10.
     *
     * @throws InvalidArgumentException for a scale other than 5 or 10, or a negative count
     * @throws OutOfRangeException when the total exceeds Long.MAX_VALUE
     */
    public static Optional<Fraction> csat(long... counts) {
        return score(0, counts);
    }

    /** CES ("it was easy to handle my issue"): computed as {@link #csat}. */
    public static Optional<Fraction> ces(long... counts) {
        return score(1, counts);
    }

    /**
     * {@code ratio} x 100 with {@code decimals} places (0..6), rounded half-even
     * once by the C library: {@code percent(2/3, 2)} is "66.67".
     */
    public static String percent(Fraction ratio, int decimals) {
        Objects.requireNonNull(ratio, "ratio");
        return org.libloyalty.swig.Loyalty.loyaltySwigPercent(new long[] {ratio.numerator(), ratio.denominator()},
                decimals);
    }

    private static Optional<Fraction> score(int ces, long[] counts) {
        Objects.requireNonNull(counts, "counts");
        long[] c = new long[10];
        System.arraycopy(counts, 0, c, 0, Math.min(10, counts.length));
        // a length other than 5 or 10 is a scale the C call rejects
        int scale = counts.length;
        return Metrics.value(org.libloyalty.swig.Loyalty.loyaltySwigSurvey(ces, scale, c[0], c[1], c[2], c[3], c[4],
                c[5], c[6], c[7], c[8], c[9]));
    }
}
