/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

import java.util.OptionalLong;

/**
 * What opening a durable program's directory found (C: {@code loyalty_recovery_info}).
 *
 * @param created the directory held no program: a new one was created
 * @param snapshotGeneration the generation of the snapshot read
 * @param recordsReplayed journal records applied after the snapshot
 * @param tornOffset the offset of a torn or corrupt tail that was cut, if any
 * @param tornBytes the bytes cut (copied aside to torn-GEN-OFFSET.bin)
 */
public record RecoveryInfo(boolean created, long snapshotGeneration, long recordsReplayed, OptionalLong tornOffset,
        long tornBytes) {
    static RecoveryInfo of(long[] r) {
        return new RecoveryInfo(r[0] != 0, r[1], r[2], r[3] < 0 ? OptionalLong.empty() : OptionalLong.of(r[3]), r[4]);
    }
}
