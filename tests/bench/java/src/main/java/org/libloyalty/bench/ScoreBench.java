/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.libloyalty.BatchResult;
import org.libloyalty.Calculator;
import org.libloyalty.CustomerColumns;
import org.libloyalty.PurchaseColumns;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scoring the workload with Calculator.scoreColumns: one JNI crossing per
 * batch of {@code batch} purchases ("all": the whole workload in one call),
 * no receipt, the batches in turn. Before measuring, the batches of the first
 * 100,000 purchases (at least one) are scored and checked against the
 * reference; after every iteration, every batch scored in it is checked.
 */
@State(Scope.Thread)
public class ScoreBench {
    /** Purchases per call; "all": the whole workload in one call. */
    @Param({"10000", "100000"})
    public String batch;

    static final int PRECHECK = 100_000;

    Workload w;
    Calculator calc;
    CustomerColumns customers;
    PurchaseColumns[] batches;
    BatchResult[] last;
    int size;
    int next;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        w = Fixture.workload();
        Workload.ProgramSpec spec = Fixture.spec();
        calc = Fixture.calculator(spec);
        customers = Fixture.customers(w);
        size = "all".equals(batch) ? w.n : Integer.parseInt(batch);
        batches = Fixture.batches(w, spec, size);
        last = new BatchResult[batches.length];
        for (int k = 0; k < batches.length && (k == 0 || k * size < PRECHECK); k++) {
            last[k] = calc.scoreColumns(batches[k], customers);
        }
        verify();
    }

    @TearDown(Level.Iteration)
    public void verify() {
        for (int k = 0; k < batches.length; k++) {
            if (last[k] != null) {
                Fixture.check("java.score_columns_" + batch, w, k * size, last[k]);
                last[k] = null;
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        calc.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = Settings.WARMUP_ITERATIONS, time = Settings.WARMUP_SECONDS)
    @Measurement(iterations = Settings.MEASUREMENT_ITERATIONS, time = Settings.MEASUREMENT_SECONDS)
    @Fork(Settings.FORKS)
    public BatchResult scoreColumns() {
        int k = next;
        next = k + 1 == batches.length ? 0 : k + 1;
        BatchResult r = calc.scoreColumns(batches[k], customers);
        last[k] = r;
        return r;
    }

    /** scoreColumns over the whole workload in one call, checked against the reference (for Main): the points. */
    static long[] checkAll(Workload w, Workload.ProgramSpec spec, CustomerColumns customers) {
        try (Calculator calc = Fixture.calculator(spec)) {
            PurchaseColumns all = Fixture.purchases(w, spec, 0, w.n);
            BatchResult r = calc.scoreColumns(all, customers);
            Fixture.check("java.score_columns", w, 0, r);
            return r.points();
        }
    }
}
