/*
 * SPDX-License-Identifier: MIT
 */
package org.libloyalty;

/** When a durable program's acknowledged call is forced to stable storage (C: {@code loyalty_sync_policy}). */
public enum SyncPolicy {
    /** fsync before every call returns (the default). */
    ALWAYS,
    /** Group commit: one fsync covers the records written within batchMs or batchRecords. */
    BATCH,
    /** Written to the operating system, never forced: a power loss can lose recent calls. */
    NONE;

    /** The C value. */
    public int code() {
        return ordinal();
    }
}
