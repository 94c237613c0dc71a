/*
 * libloyalty - durable programs: a directory with a write-ahead journal and
 * snapshots, crash recovery, export and import.
 *
 * A program opened on a directory acknowledges a mutating call only after
 * its journal record is written under the chosen sync policy. Reopening
 * replays the latest snapshot and the journal after it. See docs/DURABILITY.md.
 *
 * Thread safety: as for any program (one internal mutex). Waiting for an
 * fsync happens outside that mutex, so with LOYALTY_SYNC_BATCH concurrent
 * callers share one fsync (group commit).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_JOURNAL_H
#define LOYALTY_JOURNAL_H

#include "loyalty/common.h"
#include "loyalty/program.h"

LOYALTY_BEGIN_DECLS

/** When an acknowledged call's record is forced to stable storage. */
typedef enum loyalty_sync_policy {
	LOYALTY_SYNC_ALWAYS = 0, /**< fsync before every call returns (the default) */
	LOYALTY_SYNC_BATCH = 1,  /**< group commit: one fsync covers the records written within batch_ms or batch_records */
	LOYALTY_SYNC_NONE = 2    /**< written to the OS, never forced: a power loss can lose recent calls */
} loyalty_sync_policy;

#define LOYALTY_JOURNAL_OPTIONS_VERSION 1

typedef struct loyalty_journal_options {
	unsigned int version;        /**< LOYALTY_JOURNAL_OPTIONS_VERSION */
	loyalty_sync_policy sync;
	int batch_ms;                /**< BATCH: the longest a caller waits for others to share its fsync (default 2) */
	int batch_records;           /**< BATCH: fsync at once when this many records wait (default 64) */
	int salvage;                 /**< open past a corrupt record in the middle, keeping what precedes it */
	int64_t snapshot_bytes;      /**< snapshot automatically when the journal grows past this; 0 = never */
} loyalty_journal_options;

#define LOYALTY_JOURNAL_OPTIONS_INIT { LOYALTY_JOURNAL_OPTIONS_VERSION, LOYALTY_SYNC_ALWAYS, 2, 64, 0, 0 }

/** What opening a directory found. */
typedef struct loyalty_recovery_info {
	int created;                 /**< the directory held no program: a new one was created */
	uint64_t snapshot_generation;
	size_t records_replayed;     /**< journal records applied after the snapshot */
	int64_t torn_offset;         /**< offset of a torn or corrupt tail that was cut; -1 if none */
	int64_t torn_bytes;          /**< bytes cut (copied aside to torn-<gen>-<offset>.bin) */
} loyalty_recovery_info;

/**
 * Open the program stored in @p dir, creating the directory and the program
 * when it holds none.
 *  - New: the program is made from @p calculator and @p opts (as
 *    loyalty_program_new), and its definition is written at once.
 *  - Existing: @p calculator must describe the same calculator as the stored
 *    one (options, exclusions, each strategy's kind, name and parameters;
 *    custom strategies by name and role) and @p opts, if not NULL, the same
 *    options: otherwise LOYALTY_ECONFLICT. Tiers, rewards, actions, partners,
 *    customers and the ledger come from the directory.
 * Ownership: as loyalty_program_new (the program takes @p calculator on success).
 * @p info may be NULL.
 * Errors: LOYALTY_EIO (the message names the file and the system error),
 * LOYALTY_ECORRUPT (a corrupt snapshot, or a corrupt record before the end of
 * the journal without salvage; the message gives the offset), LOYALTY_ESTATE
 * (another process has the directory open), LOYALTY_ECONFLICT, LOYALTY_EINVAL.
 */
LOYALTY_API int loyalty_program_open(loyalty_program **out, const char *dir, loyalty_calculator *calculator,
                                     const loyalty_program_options *opts, const loyalty_journal_options *jopts,
                                     loyalty_recovery_info *info);

/**
 * Write a snapshot of the whole state and restart the journal (compaction).
 * The snapshot goes to a temporary file, is fsynced and renamed, the
 * directory is fsynced, and only then is the old generation removed.
 * Errors: LOYALTY_ESTATE (not a durable program), LOYALTY_EIO.
 */
LOYALTY_API int loyalty_program_snapshot(loyalty_program *p);

/**
 * Write the program's whole state and ledger to one msgpack file at @p path
 * (written to a temporary file, fsynced and renamed). Works on any program.
 */
LOYALTY_API int loyalty_program_export(loyalty_program *p, const char *path);

/**
 * Load an exported file into a new in-memory program around @p calculator
 * (which must match the exported one, as for loyalty_program_open).
 * Errors: LOYALTY_EIO, LOYALTY_ECORRUPT, LOYALTY_ECONFLICT, LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_program_import(loyalty_program **out, const char *path, loyalty_calculator *calculator);

LOYALTY_END_DECLS

#endif /* LOYALTY_JOURNAL_H */
