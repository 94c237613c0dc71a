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

/*
 * Version 2 added progress, progress_data and read_only at the end. A caller
 * built against version 1 passes its smaller struct with version 1: it is
 * read up to snapshot_bytes only, and the new fields take their defaults.
 */
#define LOYALTY_JOURNAL_OPTIONS_VERSION 2

typedef struct loyalty_journal_options {
	unsigned int version;        /**< LOYALTY_JOURNAL_OPTIONS_VERSION (1 is accepted too) */
	loyalty_sync_policy sync;
	int batch_ms;                /**< BATCH: the longest a caller waits for others to share its fsync (default 2) */
	int batch_records;           /**< BATCH: fsync at once when this many records wait (default 64) */
	int salvage;                 /**< open past a corrupt record in the middle, keeping what precedes it */
	int64_t snapshot_bytes;      /**< snapshot automatically when the journal grows past this; 0 = never */
	/* version 2 */
	/**
	 * Called while an existing program is loaded, from the opening thread, with
	 * done and total counted in *records* (frames of the snapshot plus frames of
	 * the journal; total is counted from the frame headers before loading, so it
	 * is exact for intact files): once with done == 0 before loading, about every
	 * 1,024 records, and once at the end with done == total (when a damaged tail
	 * is skipped, total is lowered to the records read in that last call). For a
	 * new program it is called once, with (0, 0), before anything is created.
	 * A non-zero return cancels the open: LOYALTY_ECANCELED, the directory is left
	 * as it was (nothing cut, copied aside or created, but for the empty lock file
	 * if it was missing; a directory this open made is removed), the lock is
	 * released and the caller keeps the calculator. NULL: no progress.
	 */
	loyalty_progress_fn progress;
	void *progress_data;         /**< passed to progress as user_data */
	/**
	 * Open an existing program for reading only: no lock is taken and nothing is
	 * written, so a directory that another process or handle has open (and
	 * keeps writing) can be read. The program is the state of the files when
	 * they were read: a torn tail (a record still being written) is ignored, not
	 * cut; a directory without a program is LOYALTY_ENOTFOUND (nothing is
	 * created). Every call that would change the program (record, enrol, define,
	 * maintain with changes, snapshot) fails with LOYALTY_ESTATE and changes
	 * nothing; queries, export and retries of already-recorded keys (which write
	 * nothing) work as usual. sync, batch_* and snapshot_bytes are ignored.
	 */
	int read_only;
} loyalty_journal_options;

#define LOYALTY_JOURNAL_OPTIONS_INIT { LOYALTY_JOURNAL_OPTIONS_VERSION, LOYALTY_SYNC_ALWAYS, 2, 64, 0, 0, NULL, NULL, 0 }

/**
 * Fill @p opts with the defaults of @p version (1 or 2; for version 1 only the
 * fields of version 1 are written, so a version-1 struct is not overrun).
 * Errors: LOYALTY_EINVAL (NULL, unknown version).
 * Thread safety: touches only @p opts.
 */
LOYALTY_API int loyalty_journal_options_init(loyalty_journal_options *opts, unsigned int version);

/** What opening a directory found. */
typedef struct loyalty_recovery_info {
	int created;                 /**< the directory held no program: a new one was created */
	uint64_t snapshot_generation;
	size_t records_replayed;     /**< journal records applied after the snapshot */
	int64_t torn_offset;         /**< offset of a torn or corrupt tail that was cut (read_only: skipped); -1 if none */
	int64_t torn_bytes;          /**< bytes cut (copied aside to torn-<gen>-<offset>.bin; read_only: only skipped) */
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
 * @p jopts may be NULL (LOYALTY_JOURNAL_OPTIONS_INIT); see its progress and
 * read_only fields. The exclusive lock is an flock() on dir/lock: it is held
 * per open file description, so a second read-write open of the same
 * directory fails even from the same process; a read_only open takes no lock.
 * Ownership: as loyalty_program_new (the program takes @p calculator on
 * success; on any failure, the caller keeps it). @p info may be NULL.
 * Thread safety: the returned program is as any program; the progress
 * callback runs on the calling thread before this returns.
 * Errors: LOYALTY_EIO (the message names the file and the system error),
 * LOYALTY_ECORRUPT (a corrupt snapshot, or a corrupt record before the end of
 * the journal without salvage; the message gives the offset), LOYALTY_ESTATE
 * (another process or handle has the directory open for writing),
 * LOYALTY_ECONFLICT, LOYALTY_EINVAL, LOYALTY_ENOMEM, LOYALTY_ECANCELED (the
 * progress callback returned non-zero), LOYALTY_ENOTFOUND (read_only, and
 * the directory holds no program).
 */
LOYALTY_API int loyalty_program_open(loyalty_program **out, const char *dir, loyalty_calculator *calculator,
                                     const loyalty_program_options *opts, const loyalty_journal_options *jopts,
                                     loyalty_recovery_info *info);

/**
 * Write a snapshot of the whole state and restart the journal (compaction).
 * The snapshot goes to a temporary file, is fsynced and renamed, the
 * directory is fsynced, and only then is the old generation removed.
 * Errors: LOYALTY_ESTATE (not a durable program, or opened read_only), LOYALTY_EIO.
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
 * Ownership: the program takes @p calculator on success; on failure the
 * caller keeps it. Thread safety: reads only @p path.
 * Errors: LOYALTY_EIO, LOYALTY_ECORRUPT, LOYALTY_ECONFLICT, LOYALTY_ENOMEM, LOYALTY_EINVAL.
 */
LOYALTY_API int loyalty_program_import(loyalty_program **out, const char *path, loyalty_calculator *calculator);

/**
 * loyalty_program_import, reporting progress in records (the file's frames;
 * total counted from the frame headers before loading): @p progress (may be
 * NULL) is called from the calling thread with (0, total) first, about every
 * 1,024 records, and with done == total at the end. A non-zero return stops
 * the import with LOYALTY_ECANCELED: nothing is created and the caller keeps
 * @p calculator. Otherwise as loyalty_program_import.
 */
LOYALTY_API int loyalty_program_import_ex(loyalty_program **out, const char *path, loyalty_calculator *calculator,
                                          loyalty_progress_fn progress, void *progress_data);

LOYALTY_END_DECLS

#endif /* LOYALTY_JOURNAL_H */
