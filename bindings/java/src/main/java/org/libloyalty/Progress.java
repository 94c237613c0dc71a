/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.time.Instant;
import java.util.Optional;

/**
 * What a mobile app shows (C: {@code loyalty_progress}).
 *
 * @param tier the tier held; empty when none
 * @param nextTier the next tier; empty at the top
 * @param metric the tier metric in the current window
 * @param toNextTier the metric still needed (0 at the top)
 * @param available points that can be spent now
 * @param pending points held
 * @param debt the refund debt (refund policy DEBT)
 * @param nextMaturity when the next held points become available; empty when nothing is held
 * @param nextMaturityPoints how many
 * @param nextExpiry when the next points expire; empty when none do
 * @param nextExpiryPoints how many
 */
public record Progress(Optional<String> tier, Optional<String> nextTier, long metric, long toNextTier,
        long available, long pending, long debt, Optional<Instant> nextMaturity, long nextMaturityPoints,
        Optional<Instant> nextExpiry, long nextExpiryPoints) {
    static Progress of(org.libloyalty.swig.Progress p) {
        try (p) {
            return new Progress(text(p.tier()), text(p.nextTier()), p.metric(), p.toNextTier(), p.available(),
                    p.pending(), p.debt(), time(p.nextMaturity()), p.nextMaturityPoints(), time(p.nextExpiry()),
                    p.nextExpiryPoints());
        }
    }

    static Optional<String> text(String s) {
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    static Optional<Instant> time(long ms) {
        return ms == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(ms));
    }
}
