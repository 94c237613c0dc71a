/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty.bench;

/**
 * The plain-Java contender: the rule of tests/bench/WORKLOAD.md in exact
 * 64-bit integers, over the workload's columns. Weights are whole quarters,
 * so the base is one floor division of a non-negative sum by 400.
 */
final class Reference {
    static final long CAMPAIGN_START = 1793491200000L; // 2026-11-01T00:00Z
    static final long CAMPAIGN_END = 1796083200000L;   // 2026-12-01T00:00Z
    static final long MS_PER_DAY = 86_400_000L;

    /** Per product type (Workload.TYPES): the multiplier in quarters, campaign type, eligible. */
    private static final int[] TYPE_Q = new int[Workload.TYPES.length];
    private static final boolean[] CAMPAIGN = new boolean[Workload.TYPES.length];
    private static final boolean[] ELIGIBLE = new boolean[Workload.TYPES.length];
    /** Per tier (Workload.TIERS): the multiplier in quarters. */
    private static final int[] TIER_Q = {4, 5, 6};

    static {
        for (int t = 0; t < Workload.TYPES.length; t++) {
            String name = Workload.TYPES[t];
            TYPE_Q[t] = switch (name) {
                case "electronics", "sports" -> 6;
                case "books" -> 8;
                case "beauty" -> 5;
                default -> 4;
            };
            CAMPAIGN[t] = name.equals("electronics") || name.equals("toys");
            ELIGIBLE[t] = !name.equals("gift_card");
        }
    }

    private Reference() {
    }

    /** The month (1-12) of an instant at UTC (days to civil date, H. Hinnant's algorithm). */
    static int monthUtc(long ms) {
        long z = Math.floorDiv(ms, MS_PER_DAY) + 719468;
        long era = Math.floorDiv(z, 146097);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        return (int) (mp < 10 ? mp + 3 : mp - 9);
    }

    /** The points of purchases [from, to) of {@code w} into {@code out[0 .. to-from)}. */
    static void score(Workload w, int from, int to, long[] out) {
        final int[] lineStart = w.lineStart;
        final int[] lineType = w.lineType;
        final long[] qty = w.quantity;
        final long[] price = w.unitPrice;
        long day = Long.MIN_VALUE; // the UTC day of the last month computed (purchases come in time order)
        int dayMonth = 0;
        for (int i = from; i < to; i++) {
            int c = w.customer[i];
            long t = w.at[i];
            int tierExtra = TIER_Q[w.tier[c]] - 4;
            boolean campaign = t >= CAMPAIGN_START && t < CAMPAIGN_END;
            long weighted = 0;
            long eligible = 0;
            for (int j = lineStart[i], end = lineStart[i + 1]; j < end; j++) {
                int type = lineType[j];
                if (!ELIGIBLE[type]) {
                    continue;
                }
                long total = qty[j] * price[j];
                int weight = TYPE_Q[type] + tierExtra + (campaign && CAMPAIGN[type] ? 4 : 0);
                eligible += total;
                weighted += total * weight;
            }
            long points = weighted / 400;
            int month = w.birthMonth[c];
            if (month != 0) {
                long d = Math.floorDiv(t, MS_PER_DAY);
                if (d != day) {
                    day = d;
                    dayMonth = monthUtc(t);
                }
                if (dayMonth == month) {
                    points += 100;
                }
            }
            if (eligible >= 20000) {
                points += 250;
            }
            out[i - from] = points;
        }
    }
}
