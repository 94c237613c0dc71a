/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** The plain-Java reference loop over every purchase of the workload (one operation = all of them). */
@State(Scope.Thread)
public class ReferenceBench {
    Workload w;
    long[] out;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        w = Fixture.workload();
        out = new long[w.n];
        Reference.score(w, 0, w.n, out);
        Fixture.check("java.reference", w, 0, out, 0, w.n);
    }

    @TearDown(Level.Iteration)
    public void verify() {
        Fixture.check("java.reference", w, 0, out, 0, w.n);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = Settings.WARMUP_ITERATIONS, time = Settings.WARMUP_SECONDS)
    @Measurement(iterations = Settings.MEASUREMENT_ITERATIONS, time = Settings.MEASUREMENT_SECONDS)
    @Fork(Settings.FORKS)
    public long[] reference() {
        Reference.score(w, 0, w.n, out);
        return out;
    }
}
