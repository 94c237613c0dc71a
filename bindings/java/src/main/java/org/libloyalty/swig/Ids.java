/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty.swig;

import java.util.UUID;

/**
 * Ids cross JNI as two longs: a C {@code loyalty_id}'s 16 bytes, big-endian,
 * are a {@link UUID}'s most and least significant bits.
 * Internal: not part of the API.
 */
public final class Ids {
    private Ids() {}

    public static long[] toLongs(UUID id) {
        return id == null ? null : new long[] {id.getMostSignificantBits(), id.getLeastSignificantBits()};
    }

    public static UUID fromLongs(long[] halves) {
        return halves == null ? null : new UUID(halves[0], halves[1]);
    }
}
