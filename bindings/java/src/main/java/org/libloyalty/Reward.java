/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A reward of a program's catalog (C: {@code loyalty_reward_def}): a
 * definition to {@link Program#addReward add}, and what
 * {@link Program#rewards()} lists (with the stock as it is now).
 *
 * @param id the catalog id, [A-Za-z0-9_.-]
 * @param name the display name ("" when none)
 * @param cost points, more than 0
 * @param minTier the lowest tier that may redeem it; empty: any customer
 * @param validFrom redeemable from (inclusive); empty: always
 * @param validUntil until (exclusive); empty: no end
 * @param stock units left; empty: unlimited
 */
public record Reward(String id, String name, long cost, Optional<String> minTier, Optional<Instant> validFrom,
        Optional<Instant> validUntil, OptionalLong stock) {
    public Reward {
        Objects.requireNonNull(id, "id");
        name = name == null ? "" : name;
        Objects.requireNonNull(minTier, "minTier");
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(validUntil, "validUntil");
        Objects.requireNonNull(stock, "stock");
    }

    /** A reward anyone may redeem at any time, in unlimited stock. */
    public static Builder builder(String id, long cost) {
        return new Builder(id, cost);
    }

    /** Builds a {@link Reward}. */
    public static final class Builder {
        private final String id;
        private final long cost;
        private String name = "";
        private String minTier;
        private Instant validFrom;
        private Instant validUntil;
        private Long stock;

        private Builder(String id, long cost) {
            this.id = id;
            this.cost = cost;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder minTier(String tier) {
            this.minTier = tier;
            return this;
        }

        public Builder validFrom(Instant from) {
            this.validFrom = from;
            return this;
        }

        public Builder validUntil(Instant until) {
            this.validUntil = until;
            return this;
        }

        /** Units in stock (the default is unlimited). */
        public Builder stock(long units) {
            this.stock = units;
            return this;
        }

        public Reward build() {
            return new Reward(id, name, cost, Optional.ofNullable(minTier), Optional.ofNullable(validFrom),
                    Optional.ofNullable(validUntil), stock == null ? OptionalLong.empty() : OptionalLong.of(stock));
        }
    }
}
