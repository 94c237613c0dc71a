/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable programs: the journal, reopening, snapshots, export and import (docs/DURABILITY.md). */
class DurabilityTest {
    @TempDir
    Path dir;

    /** The same calculator every time: the stored definition is checked against it. */
    private static Calculator calculator() {
        return Calculator.builder("USD")
                .add("base_rate", "base", "points=1 per=100")
                .addCustom("bonus", StrategyRole.BONUS, in -> Fraction.of(1))
                .build();
    }

    private static ProgramOptions options() {
        return ProgramOptions.builder().pendingDays(0).referrerBonus(10).build();
    }

    private static Path journal(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".ljr")).findFirst().orElseThrow();
        }
    }

    @Test
    void aDurableProgramComesBackAsItWasAcknowledged() {
        Path store = dir.resolve("store");
        List<LedgerEntry> before;
        UUID a;
        try (Program p = Program.open(store, calculator(), options(), JournalOptions.defaults())) {
            RecoveryInfo info = p.recovery().orElseThrow();
            assertTrue(info.created());
            assertEquals(OptionalLong.empty(), info.tornOffset());
            p.addTier("member", 0);
            p.addReward(Reward.builder("mug", 20).stock(3).build());
            a = T.enrol(p, 1, T.day(3, 1));
            assertEquals(26, T.buyOk(p, a, "p1", T.day(3, 2), 2599));
            p.redeem("r1", a, "mug", T.day(3, 3));
            before = p.ledger().toList();
        }
        long generation;
        try (Program p = Program.open(store, calculator())) { // options: the stored ones
            RecoveryInfo info = p.recovery().orElseThrow();
            generation = info.snapshotGeneration();
            assertFalse(info.created());
            assertTrue(info.recordsReplayed() > 0, info.toString());
            assertEquals(before, p.ledger().toList(), "entries and their UUIDs come back as they were");
            T.assertBalances(p, a, 6, 0, 0);
            assertEquals(options(), p.options());
            assertEquals(OptionalLong.of(2), p.rewards().get(0).stock());
            // a replayed call is still a replay
            assertEquals(26, T.buyOk(p, a, "p1", T.day(3, 2), 2599));
            T.assertLedger(p, a);
            p.snapshot();
        }
        try (Program p = Program.open(store, calculator(), options(), JournalOptions.defaults().withSync(SyncPolicy.BATCH))) {
            RecoveryInfo info = p.recovery().orElseThrow();
            assertEquals(generation + 1, info.snapshotGeneration());
            assertEquals(0, info.recordsReplayed());
            assertEquals(before, p.ledger().toList());
        }
    }

    @Test
    void reopeningNeedsTheSameCalculatorAndOneProcessAtATime() {
        Path store = dir.resolve("store");
        try (Program p = Program.open(store, calculator())) {
            T.enrol(p, 1, T.day(3, 1));
            // a second open of an open directory
            Calculator second = calculator();
            T.assertFails(StateException.class, Status.ESTATE, () -> Program.open(store, second));
            assertEquals(2, second.strategies().size()); // still the caller's
            second.close();
        }
        Calculator other = T.usd(Rounding.FLOOR, "points=2 per=100");
        T.assertFails(ConflictException.class, Status.ECONFLICT, () -> Program.open(store, other));
        assertEquals("USD", other.currency());
        other.close();
        Calculator same = calculator();
        T.assertFails(ConflictException.class, Status.ECONFLICT,
                () -> Program.open(store, same, ProgramOptions.builder().pendingDays(3).build(), JournalOptions.defaults()));
        same.close();
    }

    @Test
    void exportAndImport() {
        Path file = dir.resolve("program.lex");
        UUID a;
        List<LedgerEntry> before;
        try (Program p = new Program(calculator(), options())) { // any program exports
            a = T.enrol(p, 1, T.day(3, 1));
            T.buyOk(p, a, "p1", T.day(3, 2), 5000);
            T.assertFails(StateException.class, Status.ESTATE, p::snapshot); // not durable
            p.exportTo(file);
            before = p.ledger().toList();
        }
        try (Program q = Program.importFrom(file, calculator())) {
            assertEquals(before, q.ledger().toList());
            T.assertBalances(q, a, 51, 0, 0);
            assertEquals(Optional.empty(), q.recovery());
        }
        Calculator c = calculator();
        T.assertFails(LoyaltyIOException.class, Status.EIO, () -> Program.importFrom(dir.resolve("nope"), c), "nope");
        c.close();
    }

    @Test
    void corruptionAndTornTails() throws IOException {
        Path store = dir.resolve("store");
        try (Program p = Program.open(store, calculator())) {
            UUID a = T.enrol(p, 1, T.day(3, 1));
            for (int i = 0; i < 5; i++) {
                T.buyOk(p, a, "p" + i, T.day(3, 2), 1000);
            }
        }
        Path journal = journal(store);
        long size = Files.size(journal);
        // a torn tail: half a frame at the end, cut and reported
        Files.write(journal, new byte[] {40, 0, 0, 0, 1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        try (Program p = Program.open(store, calculator())) {
            RecoveryInfo info = p.recovery().orElseThrow();
            assertEquals(OptionalLong.of(size), info.tornOffset());
            assertEquals(7, info.tornBytes());
            T.assertBalances(p, T.id(1), 55, 0, 0);
        }
        // corruption in the middle: refused, with the offset; salvage keeps what precedes it
        try (RandomAccessFile f = new RandomAccessFile(journal.toFile(), "rw")) {
            f.seek(size / 2);
            int b = f.read();
            f.seek(size / 2);
            f.write(b ^ 0xff);
        }
        Calculator c = calculator();
        T.assertFails(CorruptDataException.class, Status.ECORRUPT, () -> Program.open(store, c), "offset");
        c.close();
        try (Program p = Program.open(store, calculator(), null, JournalOptions.defaults().withSalvage(true))) {
            assertTrue(p.recovery().orElseThrow().tornOffset().isPresent());
            T.assertLedger(p, T.id(1));
        }
    }

    @Test
    void ioErrorsNameTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Calculator c = calculator();
        T.assertFails(LoyaltyIOException.class, Status.EIO, () -> Program.open(file.resolve("store"), c), "a-file");
        c.close();
    }
}
