/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.libloyalty.Calculator;
import org.libloyalty.Customer;
import org.libloyalty.CustomerColumns;
import org.libloyalty.Program;
import org.libloyalty.Purchase;
import org.libloyalty.PurchaseColumns;

/** Builds what the contenders use from the workload: calculator, program, columns; and checks points. */
final class Fixture {
    /** Where the data and program.json are: system properties set by Main for every JMH fork. */
    static final String DATA_PROPERTY = "loyalty.bench.data";
    static final String PROGRAM_PROPERTY = "loyalty.bench.program";

    /** Enrolments and tier assignments happen at this time, before every purchase of 2026. */
    static final Instant ENROLLED_AT = Instant.parse("2025-12-01T00:00:00Z");
    static final Instant TIER_UNTIL = Instant.parse("2100-01-01T00:00:00Z");

    private Fixture() {
    }

    static Workload workload() throws IOException {
        return Workload.load(Path.of(System.getProperty(DATA_PROPERTY, "build/bench/data")));
    }

    static Workload.ProgramSpec spec() throws IOException {
        return new Workload.ProgramSpec(Path.of(System.getProperty(PROGRAM_PROPERTY,
                "tests/bench/workload/program.json")));
    }

    static Calculator calculator(Workload.ProgramSpec spec) {
        Calculator.Builder b = Calculator.builder(spec.currency);
        for (String t : spec.excluded) {
            b.exclude(t);
        }
        for (String[] s : spec.strategies) {
            b.add(s[0], s[1], s[2]);
        }
        return b.build();
    }

    /**
     * A program with the workload's calculator and every customer enrolled
     * with its birthday and held at its tier: tiers bronze (from 0), silver
     * and gold (thresholds no one reaches), silver and gold assigned until
     * 2100. Nothing else (no caps, holds, expiry or referrals) changes the
     * points a purchase earns.
     */
    static Program program(Workload w, Workload.ProgramSpec spec) {
        Program p = new Program(calculator(spec));
        p.addTier(Workload.TIERS[0], 0);
        p.addTier(Workload.TIERS[1], Long.MAX_VALUE / 4);
        p.addTier(Workload.TIERS[2], Long.MAX_VALUE / 2);
        for (int i = 0; i < w.ncustomers; i++) {
            try (Customer c = Customer.builder(w.ids[i]).build()) {
                if (w.birthMonth[i] != 0) {
                    c.setBirthday(w.birthMonth[i], w.birthDay[i]);
                }
                p.enroll("enrol-" + i, c, ENROLLED_AT).close();
            }
            if (w.tier[i] > 0) {
                p.assignTier("tier-" + i, w.ids[i], Workload.TIERS[w.tier[i]], TIER_UNTIL, ENROLLED_AT);
            }
        }
        return p;
    }

    /** The customers as columns, with ids, tiers and birthdays. */
    static CustomerColumns customers(Workload w) {
        return CustomerColumns.of(w.ids, Workload.TIERS, w.tier, w.birthMonth, w.birthDay);
    }

    /** Purchases [from, to) as columns (keys "p<index>"). */
    static PurchaseColumns purchases(Workload w, Workload.ProgramSpec spec, int from, int to) {
        int base = w.lineStart[from];
        int[] starts = new int[to - from + 1];
        for (int i = from; i <= to; i++) {
            starts[i - from] = w.lineStart[i] - base;
        }
        int end = w.lineStart[to];
        return PurchaseColumns.of(spec.currency, Workload.TYPES, Arrays.copyOfRange(w.keys, from, to),
                Arrays.copyOfRange(w.customer, from, to), Arrays.copyOfRange(w.at, from, to), starts,
                Arrays.copyOfRange(w.lineType, base, end), Arrays.copyOfRange(w.quantity, base, end),
                Arrays.copyOfRange(w.unitPrice, base, end));
    }

    /** The workload cut into batches of {@code size} purchases (the tail that fills no batch is left out). */
    static PurchaseColumns[] batches(Workload w, Workload.ProgramSpec spec, int size) {
        int count = w.n / size;
        if (count == 0) {
            throw new IllegalStateException("the workload has " + w.n + " purchases, fewer than one batch of " + size);
        }
        PurchaseColumns[] out = new PurchaseColumns[count];
        for (int k = 0; k < count; k++) {
            out[k] = purchases(w, spec, k * size, (k + 1) * size);
        }
        return out;
    }

    /** Purchase {@code i} as a Purchase handle, as a till would build it (the SKU is the product type). */
    static Purchase purchase(Workload w, String currency, int i) {
        Purchase.Builder b = Purchase.builder(w.keys[i], w.ids[w.customer[i]], Instant.ofEpochMilli(w.at[i]), currency);
        for (int j = w.lineStart[i]; j < w.lineStart[i + 1]; j++) {
            String type = Workload.TYPES[w.lineType[j]];
            b.item(type, type, w.quantity[j], w.unitPrice[j]);
        }
        return b.build();
    }

    /**
     * Fails loudly unless {@code got[gotFrom + k]} is the reference points of
     * purchase {@code from + k}, for k in [0, count).
     */
    static void check(String who, Workload w, int from, long[] got, int gotFrom, int count) {
        for (int k = 0; k < count; k++) {
            if (got[gotFrom + k] != w.points[from + k]) {
                throw new AssertionError(who + ": purchase " + (from + k) + " earned " + got[gotFrom + k]
                        + " points, the reference says " + w.points[from + k] + " (no time is reported)");
            }
        }
    }

    /** As check, for a batch result: every purchase ok, with the reference points. */
    static void check(String who, Workload w, int from, org.libloyalty.BatchResult r) {
        if (r.failures() > 0) {
            for (int k = 0; k < r.size(); k++) {
                if (!r.ok(k)) {
                    throw new AssertionError(who + ": purchase " + (from + k) + " was refused: " + r.error(k).get());
                }
            }
        }
        check(who, w, from, r.points(), 0, r.size());
    }
}
