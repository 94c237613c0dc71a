/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.time.Instant;
import java.util.UUID;

/**
 * One entry of a program's append-only ledger (C: {@code loyalty_entry}).
 * For every customer, the available balance is the sum of {@code points},
 * the pending balance the sum of {@code pending} and the debt the sum of
 * {@code debt} over their entries.
 *
 * @param seq 1, 2, 3, ... across the whole program: the order of record
 * @param id the entry's own UUID
 * @param customerId whose points
 * @param kind what it records
 * @param points the change to the available balance
 * @param pending the change to the pending balance
 * @param debt the change to the debt
 * @param availableAfter the available balance after the entry
 * @param pendingAfter the pending balance after the entry
 * @param at when it took effect (a sweep dates maturities and expiries when they happened)
 * @param key the idempotency key of the operation that wrote it
 * @param ref what it refers to: a purchase key, a reward, a partner, ...
 * @param memo human-readable detail ("silver -> gold", a reason)
 */
public record LedgerEntry(long seq, UUID id, UUID customerId, EntryKind kind, long points, long pending, long debt,
        long availableAfter, long pendingAfter, Instant at, String key, String ref, String memo) {
    static LedgerEntry of(org.libloyalty.swig.Entry e) {
        try (e) {
            return new LedgerEntry(e.seq(), e.id(), e.customerId(), EntryKind.of(e.kind()), e.points(), e.pending(),
                    e.debt(), e.availableAfter(), e.pendingAfter(), Instant.ofEpochMilli(e.at()), e.key(), e.ref(),
                    e.memo());
        }
    }
}
