/*
 * DurableShop - a durable program, with libloyalty's Java binding: open a
 * directory, record purchases, close, reopen and find the same balances; a
 * snapshot; an export. The same steps and output as examples/c/durable_shop.c.
 *
 * The directory is made under $TMPDIR (or /tmp) and removed at the end.
 *
 *     java -cp bindings/java/target/libloyalty-0.1.0.jar examples/java/DurableShop.java
 *
 * SPDX-License-Identifier: MIT
 */

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

import org.libloyalty.Calculator;
import org.libloyalty.Customer;
import org.libloyalty.ExpiryMode;
import org.libloyalty.JournalOptions;
import org.libloyalty.Program;
import org.libloyalty.ProgramOptions;
import org.libloyalty.Purchase;
import org.libloyalty.RecoveryInfo;

public class DurableShop {
    /** The calculator is code: the host builds it the same way every time it opens the program. */
    static Calculator shopCalculator() {
        return Calculator.builder("EUR")
                .add("base_rate", "euro", "points=1 per=100")
                .add("threshold", "big-basket", "min_spend=5000 bonus=25")
                .build();
    }

    static Program openShop(Path dir) {
        ProgramOptions options = ProgramOptions.builder().expiry(ExpiryMode.BUCKET).expiryMonths(24).build();
        // JournalOptions.defaults(): fsync before every acknowledgement
        Program p = Program.open(dir, shopCalculator(), options, JournalOptions.defaults());
        RecoveryInfo info = p.recovery().orElseThrow();
        System.out.printf("opened the shop's directory: %s, snapshot generation %d, %d journal records replayed%n",
                info.created() ? "a new program" : "an existing program", info.snapshotGeneration(),
                info.recordsReplayed());
        return p;
    }

    static void show(Program p, UUID id) {
        try (Customer c = p.customer(id)) {
            System.out.printf("  %-8s available %4d, earned %4d, ledger entries %d%n", c.name(), c.available(),
                    c.lifetimeEarned(), p.ledger().size());
        }
    }

    static void buy(Program p, String key, UUID id, Instant at, long cents) {
        try (Purchase order = Purchase.builder(key, id, at, "EUR").item("basket", "groceries", 1, cents).build()) {
            p.recordPurchase(order).close(); // acknowledged = on disk
        }
    }

    public static void main(String[] args) throws IOException {
        String tmp = System.getenv("TMPDIR") != null ? System.getenv("TMPDIR") : "/tmp";
        Path dir = Paths.get(tmp, "libloyalty-durable-shop-" + ProcessHandle.current().pid());
        Path exported = Paths.get(dir + ".export");
        UUID id = UUID.fromString("5e1f0c2a-7b3d-4c8e-9a10-0000000000aa");
        Instant at = LocalDateTime.of(2026, 11, 28, 10, 0).toInstant(ZoneOffset.ofHours(1));
        try {
            // first run: define, enrol, buy
            try (Program p = openShop(dir)) {
                try (Customer profile = Customer.builder(id).name("Lena").build()) {
                    p.enroll("signup-lena", profile, at).close();
                }
                for (int i = 0; i < 3; i++) {
                    buy(p, String.format("till-7-%04d", i + 1), id, at.plus(Duration.ofDays(i)), 2500 * (i + 1));
                }
                System.out.println("after three purchases:");
                show(p, id);
            } // the process could just as well have crashed here

            // second run: everything acknowledged is back
            try (Program p = openShop(dir)) {
                System.out.println("after reopening:");
                show(p, id);
                // a retried request replays, it does not count twice
                buy(p, "till-7-0003", id, at.plus(Duration.ofDays(2)), 7500);
                System.out.println("after retrying till-7-0003:");
                show(p, id);
                // compaction: the journal restarts from a snapshot
                p.snapshot();
                p.exportTo(exported);
            }

            try (Program p = openShop(dir)) {
                System.out.println("after a snapshot and reopening:");
                show(p, id);
            }

            // an export loads into a fresh in-memory program (another machine, another version)
            try (Program p = Program.importFrom(exported, shopCalculator())) {
                System.out.println("imported from the export:");
                show(p, id);
            }
        } finally {
            if (Files.exists(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
            Files.deleteIfExists(exported);
        }
    }
}
