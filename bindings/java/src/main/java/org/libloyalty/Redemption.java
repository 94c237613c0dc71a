/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.time.Instant;
import java.util.UUID;

/**
 * A redemption (C: {@code loyalty_redemption}).
 *
 * @param id the redemption's UUID: the coupon code
 * @param customerId who redeemed
 * @param reward the reward's catalog id
 * @param points what it cost
 * @param at when
 * @param cancelled whether it was cancelled since (points and stock restored)
 * @param entrySeq the REDEEM ledger entry
 */
public record Redemption(UUID id, UUID customerId, String reward, long points, Instant at, boolean cancelled,
        long entrySeq) {
    static Redemption of(org.libloyalty.swig.Redemption r) {
        try (r) {
            return new Redemption(r.id(), r.customerId(), r.reward(), r.points(), Instant.ofEpochMilli(r.at()),
                    r.cancelled() != 0, r.entrySeq());
        }
    }
}
