/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.libloyalty.CustomerColumns;
import org.libloyalty.Program;
import org.libloyalty.Purchase;
import org.libloyalty.PurchaseColumns;
import org.libloyalty.Receipt;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The Java bench: checks every contender's points against the reference
 * column of the workload, then runs the JMH benchmarks and prints one line
 * per result for the report script:
 *
 * <pre>RESULT java.NAME ops_per_s=PURCHASES_PER_SECOND ns_per_purchase=NS</pre>
 *
 * Usage: {@code java -jar benchmarks.jar DATA_DIR [PROGRAM_JSON] [--json FILE] [--only REGEX]
 * [--record-check N] [--no-full-check]}.
 *
 * <p>Before JMH runs, the reference loop and scoreColumns are checked on
 * every purchase, recordColumns on the first N (200,000 by default: at
 * ~10 us a purchase all of them would take longer than the benchmarks) and
 * recordPurchase on the first 20,000; each benchmark then checks its own
 * path before measuring and every purchase it timed after each iteration.
 * The JMH results also go to FILE as JSON (JMH's -rf json; default
 * DATA_DIR/../java-jmh.json).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Path data = null;
        Path program = null;
        Path json = null;
        String only = null;
        boolean fullCheck = true;
        int recordCheck = 200_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--json" -> json = Path.of(args[++i]);
                case "--only" -> only = args[++i];
                case "--no-full-check" -> fullCheck = false;
                case "--record-check" -> recordCheck = Integer.parseInt(args[++i]);
                default -> {
                    if (data == null) {
                        data = Path.of(args[i]);
                    } else if (program == null) {
                        program = Path.of(args[i]);
                    } else {
                        throw new IllegalArgumentException("unexpected argument " + args[i]);
                    }
                }
            }
        }
        if (data == null) {
            data = Path.of("build/bench/data");
        }
        if (program == null) {
            program = Path.of("tests/bench/workload/program.json");
        }
        if (json == null) {
            json = data.toAbsolutePath().getParent().resolve("java-jmh.json");
        }
        System.setProperty(Fixture.DATA_PROPERTY, data.toAbsolutePath().toString());
        System.setProperty(Fixture.PROGRAM_PROPERTY, program.toAbsolutePath().toString());

        long t0 = System.nanoTime();
        Workload w = Fixture.workload();
        System.out.printf(Locale.ROOT, "java bench: %d customers, %d purchases, %d lines from %s (%.1f s)%n",
                w.ncustomers, w.n, w.nlines, data, (System.nanoTime() - t0) / 1e9);
        Map<String, long[]> sums = fullCheck ? checkAll(w, Fixture.spec(), recordCheck) : Map.of();

        Files.createDirectories(json.toAbsolutePath().getParent());
        ChainedOptionsBuilder opts = new OptionsBuilder()
                .include(only != null ? only : "org\\.libloyalty\\.bench\\..*")
                .jvmArgsAppend("-D" + Fixture.DATA_PROPERTY + "=" + data.toAbsolutePath(),
                        "-D" + Fixture.PROGRAM_PROPERTY + "=" + program.toAbsolutePath())
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
        Collection<RunResult> results = new Runner(opts.build()).run();

        System.out.println();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            Map<String, String> params = new java.util.TreeMap<>();
            for (String key : r.getParams().getParamsKeys()) {
                params.put(key, r.getParams().getParam(key));
            }
            String name;
            String path; // which path's checked points the line carries (Main.checkAll)
            long perOp;
            switch (method) {
                case "recordPurchase" -> {
                    name = "record_per_call";
                    path = "record_per_call";
                    perOp = 1;
                }
                case "recordColumns" -> {
                    name = "record_batch_" + params.get("batch");
                    path = "record_columns";
                    perOp = Long.parseLong(params.get("batch"));
                }
                case "scoreColumns" -> {
                    name = "score_columns_" + params.get("batch");
                    path = "score_columns";
                    perOp = "all".equals(params.get("batch")) ? w.n : Long.parseLong(params.get("batch"));
                }
                case "reference" -> {
                    name = "reference";
                    path = "reference";
                    perOp = w.n;
                }
                default -> {
                    name = method;
                    path = method;
                    perOp = 1;
                }
            }
            double opsPerSecond = r.getPrimaryResult().getScore(); // JMH: operations per second
            double purchases = opsPerSecond * perOp;
            long[] sum = sums.get(path);
            String checked = sum == null ? "" : String.format(Locale.ROOT, " purchases=%d stride=1 sum=%d checksum=%d",
                    sum[0], sum[1], sum[2]);
            System.out.printf(Locale.ROOT, "RESULT java.%s ops_per_s=%.0f ns_per_purchase=%.1f per_s=%.0f runs=%d%s%n",
                    name, purchases, 1e9 / purchases, purchases,
                    r.getPrimaryResult().getStatistics().getN(), checked);
        }
        System.out.println("java bench: JMH results in " + json);
    }

    /** Every contender over the whole workload (per call: the first purchases), against the reference column. */
    static Map<String, long[]> checkAll(Workload w, Workload.ProgramSpec spec, int recordCheck) {
        long t0 = System.nanoTime();
        Map<String, long[]> sums = new java.util.HashMap<>();
        long[] out = new long[w.n];
        Reference.score(w, 0, w.n, out);
        Fixture.check("java.reference", w, 0, out, 0, w.n);
        sums.put("reference", checksum(out, w.n));

        CustomerColumns customers = Fixture.customers(w);
        List<String> checked = new ArrayList<>(List.of("reference: " + w.n));
        long[] scored = ScoreBench.checkAll(w, spec, customers);
        sums.put("score_columns", checksum(scored, w.n));
        checked.add("scoreColumns: " + w.n);

        long t1 = System.nanoTime();
        int batch = 10_000;
        int recorded = Math.min(w.n, recordCheck);
        long[] recordedPoints = new long[recorded];
        try (Program p = Fixture.program(w, spec)) {
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "java bench: a program with %d customers in %.1f s%n", w.ncustomers,
                    (t2 - t1) / 1e9);
            for (int from = 0; from < recorded; from += batch) {
                int to = Math.min(recorded, from + batch);
                PurchaseColumns cols = Fixture.purchases(w, spec, from, to);
                org.libloyalty.BatchResult r = p.recordColumns(cols, customers);
                Fixture.check("java.record_batch", w, from, r);
                System.arraycopy(r.points(), 0, recordedPoints, from, to - from);
            }
            System.out.printf(Locale.ROOT, "java bench: recordColumns checked on %d purchases in %.1f s%n", recorded,
                    (System.nanoTime() - t2) / 1e9);
        }
        checked.add("recordColumns: " + (recorded == w.n ? "all " : "first ") + recorded);
        sums.put("record_columns", checksum(recordedPoints, recorded));

        int perCall = Math.min(w.n, 20_000);
        try (Program p = Fixture.program(w, spec)) {
            long[] got = new long[perCall];
            for (int i = 0; i < perCall; i++) {
                try (Purchase pu = Fixture.purchase(w, spec.currency, i); Receipt r = p.recordPurchase(pu)) {
                    got[i] = r.credited();
                }
            }
            Fixture.check("java.record_per_call", w, 0, got, 0, perCall);
            sums.put("record_per_call", checksum(got, perCall));
        }
        checked.add("recordPurchase: first " + perCall);
        System.out.printf(Locale.ROOT, "java bench: points agree with the reference (%s; %.1f s)%n",
                String.join(", ", checked), (System.nanoTime() - t0) / 1e9);
        return sums;
    }

    /** {count, sum, checksum} of points[0 .. count), as tests/bench/workload/reference.py checksum(). */
    static long[] checksum(long[] points, int count) {
        long sum = 0;
        long c = 0;
        for (int i = 0; i < count; i++) {
            sum += points[i];
            c = (c * 1000003 + points[i] + 1) % 2147483647L;
        }
        return new long[] {count, sum, c};
    }
}
