/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared workload (tests/bench/WORKLOAD.md) in columns: customers.csv,
 * purchases.csv (with the reference points) and lines.csv of a directory
 * written by tests/bench/workload/gen.py, and the program of
 * tests/bench/workload/program.json.
 */
final class Workload {
    /** The product types of program.json, in order (line types index them). */
    static final String[] TYPES = {"grocery", "beverages", "bakery", "household", "electronics", "toys", "books",
        "clothing", "beauty", "sports", "garden", "gift_card"};
    static final String[] TIERS = {"bronze", "silver", "gold"};

    // customers
    final int ncustomers;
    final UUID[] ids;
    final int[] tier;          // index into TIERS
    final byte[] birthMonth;   // 0 = none
    final byte[] birthDay;
    // purchases
    final int n;
    final int[] customer;
    final long[] at;
    final int[] lineStart;     // [n + 1]
    final long[] points;       // the reference column
    final String[] keys;       // "p<index>"
    // lines
    final int nlines;
    final int[] lineType;
    final long[] quantity;
    final long[] unitPrice;

    private Workload(int ncustomers, UUID[] ids, int[] tier, byte[] birthMonth, byte[] birthDay, int n, int[] customer,
            long[] at, int[] lineStart, long[] points, int nlines, int[] lineType, long[] quantity, long[] unitPrice) {
        this.ncustomers = ncustomers;
        this.ids = ids;
        this.tier = tier;
        this.birthMonth = birthMonth;
        this.birthDay = birthDay;
        this.n = n;
        this.customer = customer;
        this.at = at;
        this.lineStart = lineStart;
        this.points = points;
        this.nlines = nlines;
        this.lineType = lineType;
        this.quantity = quantity;
        this.unitPrice = unitPrice;
        this.keys = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = "p" + i;
        }
    }

    private static Workload cached;
    private static Path cachedDir;

    /** The workload of {@code dir}, loaded once per JVM. */
    static synchronized Workload load(Path dir) throws IOException {
        if (cached == null || !dir.equals(cachedDir)) {
            cached = read(dir);
            cachedDir = dir;
        }
        return cached;
    }

    /** A fast reader of the generator's CSV: unquoted fields, '\n' line ends, one header line. */
    private static final class Csv {
        final byte[] b;
        int p;

        Csv(Path file) throws IOException {
            b = Files.readAllBytes(file);
            while (p < b.length && b[p] != '\n') {
                p++;
            }
            p++; // the header
        }

        boolean more() {
            return p < b.length;
        }

        /** The next field as a long; an empty field is {@code empty}. */
        long num(long empty) {
            boolean neg = false;
            long v = 0;
            int start = p;
            if (p < b.length && b[p] == '-') {
                neg = true;
                p++;
            }
            while (p < b.length && b[p] >= '0' && b[p] <= '9') {
                v = v * 10 + (b[p++] - '0');
            }
            boolean blank = p == start;
            end();
            return blank ? empty : neg ? -v : v;
        }

        String text() {
            int start = p;
            while (p < b.length && b[p] != ',' && b[p] != '\n' && b[p] != '\r') {
                p++;
            }
            String s = new String(b, start, p - start, StandardCharsets.UTF_8);
            end();
            return s;
        }

        private void end() {
            if (p < b.length && b[p] == '\r') {
                p++;
            }
            if (p < b.length && (b[p] == ',' || b[p] == '\n')) {
                p++;
            } else if (p < b.length) {
                throw new IllegalArgumentException("CSV: unexpected byte '" + (char) b[p] + "' at offset " + p);
            }
        }

        int rows() {
            int rows = 0;
            for (int i = p; i < b.length; i++) {
                if (b[i] == '\n') {
                    rows++;
                }
            }
            return rows;
        }
    }

    private static Workload read(Path dir) throws IOException {
        Map<String, Integer> typeIndex = new HashMap<>();
        for (int i = 0; i < TYPES.length; i++) {
            typeIndex.put(TYPES[i], i);
        }
        Map<String, Integer> tierIndex = Map.of("bronze", 0, "silver", 1, "gold", 2);

        Csv c = new Csv(dir.resolve("customers.csv"));
        int nc = c.rows();
        UUID[] ids = new UUID[nc];
        int[] tier = new int[nc];
        byte[] bm = new byte[nc];
        byte[] bd = new byte[nc];
        for (int i = 0; i < nc; i++) {
            long idx = c.num(-1);
            if (idx != i) {
                throw new IllegalArgumentException("customers.csv: row " + i + " has the index " + idx);
            }
            ids[i] = UUID.fromString(c.text());
            Integer t = tierIndex.get(c.text());
            if (t == null) {
                throw new IllegalArgumentException("customers.csv: row " + i + " has an unknown tier");
            }
            tier[i] = t;
            bm[i] = (byte) c.num(0);
            bd[i] = (byte) c.num(0);
        }

        Csv pc = new Csv(dir.resolve("purchases.csv"));
        int n = pc.rows();
        int[] customer = new int[n];
        long[] at = new long[n];
        int[] lineStart = new int[n + 1];
        long[] points = new long[n];
        for (int i = 0; i < n; i++) {
            long idx = pc.num(-1);
            customer[i] = (int) pc.num(-1);
            at[i] = pc.num(-1);
            long first = pc.num(-1);
            long count = pc.num(-1);
            points[i] = pc.num(-1);
            if (idx != i || first != lineStart[i] || count < 1 || customer[i] < 0 || customer[i] >= nc) {
                throw new IllegalArgumentException("purchases.csv: row " + i + " is inconsistent");
            }
            lineStart[i + 1] = (int) (first + count);
        }

        Csv lc = new Csv(dir.resolve("lines.csv"));
        int nl = lc.rows();
        if (nl != lineStart[n]) {
            throw new IllegalArgumentException("lines.csv has " + nl + " lines, purchases.csv says " + lineStart[n]);
        }
        int[] type = new int[nl];
        long[] qty = new long[nl];
        long[] price = new long[nl];
        int purchase = 0;
        for (int j = 0; j < nl; j++) {
            long idx = lc.num(-1);
            while (purchase < n && j >= lineStart[purchase + 1]) {
                purchase++;
            }
            Integer t = typeIndex.get(lc.text());
            if (idx != purchase || t == null) {
                throw new IllegalArgumentException("lines.csv: line " + j + " is inconsistent");
            }
            type[j] = t;
            qty[j] = lc.num(-1);
            price[j] = lc.num(-1);
        }
        return new Workload(nc, ids, tier, bm, bd, n, customer, at, lineStart, points, nl, type, qty, price);
    }

    /** The calculator of program.json: options and strategies, read with a pattern (no JSON library here). */
    static final class ProgramSpec {
        final String currency;
        final String[] excluded;
        final String[][] strategies; // {kind, name, params}

        ProgramSpec(Path json) throws IOException {
            String s = Files.readString(json);
            currency = one(s, "\"currency\"\\s*:\\s*\"([A-Z]{3})\"");
            excluded = list(one(s, "\"excluded_types\"\\s*:\\s*\\[([^\\]]*)\\]"));
            Matcher m = Pattern.compile("\\{\\s*\"kind\"\\s*:\\s*\"([^\"]+)\"\\s*,"
                    + "\\s*\"name\"\\s*:\\s*\"([^\"]+)\"\\s*,"
                    + "\\s*\"params\"\\s*:\\s*\"([^\"]*)\"\\s*\\}").matcher(s);
            java.util.List<String[]> out = new java.util.ArrayList<>();
            while (m.find()) {
                out.add(new String[] {m.group(1), m.group(2), m.group(3)});
            }
            if (out.isEmpty() || !"floor".equals(one(s, "\"rounding\"\\s*:\\s*\"([a-z_]+)\""))
                    || !"additive".equals(one(s, "\"stacking\"\\s*:\\s*\"([a-z_]+)\""))
                    || !"0".equals(one(s, "\"utc_offset_minutes\"\\s*:\\s*(-?[0-9]+)"))) {
                throw new IllegalArgumentException(json + ": expected floor rounding, additive stacking, UTC and "
                        + "strategies {kind, name, params}");
            }
            strategies = out.toArray(new String[0][]);
        }

        private static String one(String s, String pattern) {
            Matcher m = Pattern.compile(pattern).matcher(s);
            if (!m.find()) {
                throw new IllegalArgumentException("program.json: no match for " + pattern);
            }
            return m.group(1);
        }

        private static String[] list(String items) {
            return Arrays.stream(items.split(",")).map(String::trim).filter(x -> !x.isEmpty())
                    .map(x -> x.replace("\"", "")).toArray(String[]::new);
        }
    }
}
