/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.util.Objects;

/**
 * How a durable program journals (C: {@code loyalty_journal_options}); see
 * docs/DURABILITY.md.
 *
 * @param sync when a call's record is forced to stable storage
 * @param batchMs BATCH: the longest a caller waits for others to share its fsync
 * @param batchRecords BATCH: fsync at once when this many records wait
 * @param salvage open past a corrupt record in the middle, keeping what precedes it
 * @param snapshotBytes snapshot automatically when the journal grows past this; 0: never
 */
public record JournalOptions(SyncPolicy sync, int batchMs, int batchRecords, boolean salvage, long snapshotBytes) {
    public JournalOptions {
        Objects.requireNonNull(sync, "sync");
    }

    /** {@code LOYALTY_JOURNAL_OPTIONS_INIT}: fsync always, batch 2 ms / 64 records, no salvage, no auto snapshot. */
    public static JournalOptions defaults() {
        return new JournalOptions(SyncPolicy.ALWAYS, 2, 64, false, 0);
    }

    public JournalOptions withSync(SyncPolicy policy) {
        return new JournalOptions(policy, batchMs, batchRecords, salvage, snapshotBytes);
    }

    public JournalOptions withSalvage(boolean on) {
        return new JournalOptions(sync, batchMs, batchRecords, on, snapshotBytes);
    }

    public JournalOptions withSnapshotBytes(long bytes) {
        return new JournalOptions(sync, batchMs, batchRecords, salvage, bytes);
    }

    public JournalOptions withBatch(int ms, int records) {
        return new JournalOptions(sync, ms, records, salvage, snapshotBytes);
    }
}
