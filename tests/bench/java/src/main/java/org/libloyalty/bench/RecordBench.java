/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.libloyalty.BatchResult;
import org.libloyalty.CustomerColumns;
import org.libloyalty.Program;
import org.libloyalty.Purchase;
import org.libloyalty.PurchaseColumns;
import org.libloyalty.Receipt;
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
 * Recording the workload's purchases into a program, in time order, each
 * once (a new key: never a replay): one by one (build a Purchase, then
 * Program.recordPurchase) and in batches (Program.recordColumns, one JNI
 * crossing per batch). The program holds every customer at its tier
 * (Fixture.program). Before measuring, each benchmark records the first
 * purchases through its own path and checks their points against the
 * reference; after every iteration it checks every purchase it recorded.
 */
public class RecordBench {
    /** Purchases recorded before measuring, then checked. */
    static final int PRECHECK = 10_000;

    /** The state both paths share: the workload, a program and the next purchase to record. */
    public abstract static class Base {
        Workload w;
        Workload.ProgramSpec spec;
        Program program;
        int cursor;   // the next purchase to record
        int checked;  // purchases [0, checked) were checked

        void load() throws IOException {
            w = Fixture.workload();
            spec = Fixture.spec();
        }

        /** A new program, the first purchases recorded and checked. */
        void fresh() {
            if (program != null) {
                program.close();
            }
            program = Fixture.program(w, spec);
            cursor = 0;
            checked = 0;
            precheck();
        }

        abstract void precheck();

        abstract void verify();

        /** The number of purchases this path can record before it runs out. */
        int limit() {
            return w.n;
        }

        void next(int count) {
            if (cursor + count > limit()) {
                throw new IllegalStateException("recorded every purchase of the workload within one iteration: "
                        + "use more purchases or shorter iterations (a replay would be timed instead)");
            }
        }

        /** A fresh program when more than half the workload is used (outside the timed iterations). */
        @Setup(Level.Iteration)
        public void iteration() {
            if (cursor > limit() / 2) {
                fresh();
            }
        }

        @TearDown(Level.Iteration)
        public void afterIteration() {
            verify();
        }

        @TearDown(Level.Trial)
        public void close() {
            if (program != null) {
                program.close();
            }
        }
    }

    @State(Scope.Thread)
    public static class PerCall extends Base {
        long[] got;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            load();
            got = new long[w.n];
            fresh();
        }

        long record() {
            next(1);
            int i = cursor++;
            try (Purchase p = Fixture.purchase(w, spec.currency, i); Receipt r = program.recordPurchase(p)) {
                return got[i] = r.credited();
            }
        }

        @Override
        void precheck() {
            for (int i = 0; i < PRECHECK && cursor < w.n; i++) {
                record();
            }
            verify();
        }

        @Override
        void verify() {
            Fixture.check("java.record_per_call", w, checked, got, checked, cursor - checked);
            checked = cursor;
        }
    }

    @State(Scope.Thread)
    public static class Batch extends Base {
        @Param({"1000", "10000"})
        public int batch;

        PurchaseColumns[] batches;
        CustomerColumns customers;
        BatchResult[] results;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            load();
            batches = Fixture.batches(w, spec, batch);
            customers = Fixture.customers(w);
            results = new BatchResult[batches.length];
            fresh();
        }

        BatchResult record() {
            next(batch);
            int k = cursor / batch;
            BatchResult r = program.recordColumns(batches[k], customers);
            results[k] = r;
            cursor += batch;
            return r;
        }

        @Override
        void precheck() {
            for (int i = 0; i < PRECHECK && cursor + batch <= limit(); i += batch) {
                record();
            }
            verify();
        }

        @Override
        void verify() {
            for (int k = checked / batch; k < cursor / batch; k++) {
                Fixture.check("java.record_batch_" + batch, w, k * batch, results[k]);
                results[k] = null;
            }
            checked = cursor;
        }

        @Override
        int limit() {
            return batches.length * batch;
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = Settings.WARMUP_ITERATIONS, time = Settings.WARMUP_SECONDS)
    @Measurement(iterations = Settings.MEASUREMENT_ITERATIONS, time = Settings.MEASUREMENT_SECONDS)
    @Fork(Settings.FORKS)
    public long recordPurchase(PerCall s) {
        return s.record();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = Settings.WARMUP_ITERATIONS, time = Settings.WARMUP_SECONDS)
    @Measurement(iterations = Settings.MEASUREMENT_ITERATIONS, time = Settings.MEASUREMENT_SECONDS)
    @Fork(Settings.FORKS)
    public BatchResult recordColumns(Batch s) {
        return s.record();
    }
}
