/*
 * libloyalty - histories and the what-if simulator.
 *
 * A history is an ordered list of recorded events (enrolments, purchases,
 * refunds, redemptions), read from a program, an export file, a program's
 * directory or a CSV file of purchases, or built event by event. The
 * simulator replays one history into two caller-built, empty programs (the
 * current definition and a proposed one) and reports what differs: points
 * issued, redeemed and expired, the liability and its cost at a point value,
 * the tier distribution, a time series per period, and the customers whose
 * tier would change. The same inputs always give the same report.
 *
 * What is replayed and what is not, the CSV format and the report are
 * described in docs/SIMULATION.md.
 *
 * Thread safety: a history is immutable once built (the loyalty_history_add_*
 * functions aside): any number of threads may read it or simulate from it at
 * once. A report is immutable. A history being built, and the programs given
 * to loyalty_simulate(), must not be used by other threads meanwhile.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_SIMULATE_H
#define LOYALTY_SIMULATE_H

#include "loyalty/common.h"
#include "loyalty/types.h"
#include "loyalty/customer.h"
#include "loyalty/purchase.h"
#include "loyalty/program.h"

LOYALTY_BEGIN_DECLS

/* ---- histories ------------------------------------------------------------------ */

typedef struct loyalty_history loyalty_history;

/** The kinds of events a history holds. The numeric values are part of the ABI. */
typedef enum loyalty_event_kind {
	LOYALTY_EVENT_ENROLL = 0,   /**< a customer joined (profile, referral code) */
	LOYALTY_EVENT_PURCHASE = 1, /**< a purchase with its lines */
	LOYALTY_EVENT_REFUND = 2,   /**< a refund of part or all of a purchase */
	LOYALTY_EVENT_REDEEM = 3    /**< a reward redeemed */
} loyalty_event_kind;

/** loyalty_history_count(): every kind of event. */
#define LOYALTY_EVENT_ALL (-1)

/**
 * An empty history, to fill with loyalty_history_add_*().
 * Ownership: *out is new; free it with loyalty_history_free().
 * Errors: LOYALTY_EINVAL (NULL), LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_history_new(loyalty_history **out);

/** Free a history. Accepts NULL. */
LOYALTY_API void loyalty_history_free(loyalty_history *h);

/** Number of events of @p kind (LOYALTY_EVENT_ALL: all of them); 0 for NULL or an unknown kind. */
LOYALTY_API size_t loyalty_history_count(const loyalty_history *h, int kind);

/**
 * Append an enrolment: @p profile (copied: id, external reference, name,
 * e-mail, birthday, tags) joins at @p at, with @p referral_code (NULL for
 * none: the code of a customer enrolled earlier in the history).
 * Errors: LOYALTY_EINVAL (NULL, malformed key), LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_history_add_enrollment(loyalty_history *h, const char *key, const loyalty_customer *profile,
                                               const char *referral_code, loyalty_time at);

/** Append a purchase (copied; its key is the event's key). Errors: LOYALTY_EINVAL, LOYALTY_ENOMEM. */
LOYALTY_API int loyalty_history_add_purchase(loyalty_history *h, const loyalty_purchase *purchase);

/**
 * Append a refund of @p amount (> 0) minor units of the purchase @p purchase_key.
 * Errors: LOYALTY_EINVAL (NULL, malformed key, amount <= 0), LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_history_add_refund(loyalty_history *h, const char *refund_key, const char *purchase_key,
                                           int64_t amount, loyalty_time at);

/**
 * Append a redemption of reward @p reward by @p customer.
 * Errors: LOYALTY_EINVAL (NULL, malformed key or reward id, nil customer), LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_history_add_redemption(loyalty_history *h, const char *key, const loyalty_id *customer,
                                               const char *reward, loyalty_time at);

/**
 * The history of a program, read from its idempotency records (each keeps
 * the request it answered): every enrolment, purchase, refund and
 * redemption it recorded. The program is only read (under its lock, so
 * other threads wait); @p progress (may be NULL) is called with records
 * done of total, under that lock: it must not call into @p p.
 * Ownership: *out is new. @p p is borrowed.
 * Errors: LOYALTY_EINVAL (NULL), LOYALTY_ECORRUPT (a record that cannot be
 * read back), LOYALTY_ECANCELED, LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_history_from_program(loyalty_history **out, const loyalty_program *p,
                                             loyalty_progress_fn progress, void *progress_data);

/**
 * The history of an exported program (loyalty_program_export). No
 * calculator is needed: the one stored in the file is rebuilt (a custom
 * strategy by its name only: it is never run while reading). @p progress
 * gets the file's records loaded, then (continuing the count) the requests
 * read.
 * Errors: LOYALTY_EINVAL, LOYALTY_EIO, LOYALTY_ECORRUPT, LOYALTY_ECANCELED,
 * LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_history_from_export(loyalty_history **out, const char *path,
                                            loyalty_progress_fn progress, void *progress_data);

/**
 * The history of a durable program's directory (loyalty_program_open),
 * which may be open in this or another process meanwhile, and written to:
 * it is opened read-only (loyalty_journal_options.read_only: no lock,
 * nothing written) as the files are at that moment; a record being written
 * is left out. No calculator is needed, as for loyalty_history_from_export().
 * @p progress gets records loaded of the files' records, then (continuing
 * the count) the requests read of their number.
 * Errors: LOYALTY_EINVAL, LOYALTY_ENOTFOUND (no program in @p dir), LOYALTY_EIO,
 * LOYALTY_ECORRUPT (a corrupt record before the end of the journal),
 * LOYALTY_ECANCELED, LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_history_from_journal(loyalty_history **out, const char *dir,
                                             loyalty_progress_fn progress, void *progress_data);

/**
 * A history from a CSV file of purchase lines (docs/SIMULATION.md gives the
 * format: a header row naming the columns order, customer, date,
 * product_type, quantity, unit_price and optionally sku, name, email,
 * channel; one row per line item; prices in @p currency's major units).
 * Each customer is enrolled at their first order, with an id derived from
 * their reference (a name-based UUID, so the same file gives the same ids).
 * @p progress gets bytes read of the file's size.
 * Errors (nothing is produced): LOYALTY_EINVAL ("purchases.csv:12: quantity
 * must be a positive integer (got 'x')"), LOYALTY_ERANGE (an amount
 * overflows), LOYALTY_ECURRENCY (unknown @p currency), LOYALTY_EIO,
 * LOYALTY_ECANCELED, LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_history_from_csv(loyalty_history **out, const char *path, const char *currency,
                                         loyalty_progress_fn progress, void *progress_data);

/**
 * The id the CSV reader gives the customer with reference @p external_ref:
 * the SHA-1 name-based UUID (version 5) of the reference in the namespace
 * 3d5e7a4c-9b1f-5c2d-8e6f-0a1b2c3d4e5f (Python: uuid.uuid5(ns, ref)).
 * Errors: LOYALTY_EINVAL (NULL).
 */
LOYALTY_API int loyalty_history_csv_customer_id(const char *external_ref, loyalty_id *out);

/* ---- the simulator ----------------------------------------------------------------- */

#define LOYALTY_SIMULATION_OPTIONS_VERSION 1

typedef struct loyalty_simulation_options {
	unsigned int version;          /**< LOYALTY_SIMULATION_OPTIONS_VERSION */
	loyalty_fraction point_value;  /**< what a point costs, in minor units (>= 0); default 1 */
	loyalty_period period;         /**< the series and the sweeps: DAY, WEEK, MONTH (default), QUARTER or YEAR */
	loyalty_time end;              /**< the last sweep; 0: the end of the period of the last event */
	loyalty_progress_fn progress;  /**< may be NULL: events done of total over both replays */
	void *progress_data;
	int threads;                   /**< 1: one side after the other; 2: both at once (the alternative on a
	                                    second thread); 0 (default): 2 from 8,192 events, else 1 */
} loyalty_simulation_options;

#define LOYALTY_SIMULATION_OPTIONS_INIT \
	{ LOYALTY_SIMULATION_OPTIONS_VERSION, { 1, 1 }, LOYALTY_PERIOD_MONTH, 0, NULL, NULL, 0 }

/** Fill @p opts with defaults for @p version. Errors: LOYALTY_EINVAL. */
LOYALTY_API int loyalty_simulation_options_init(loyalty_simulation_options *opts, unsigned int version);

typedef struct loyalty_simulation_report loyalty_simulation_report;

/** Which program a figure belongs to. */
typedef enum loyalty_simulation_side {
	LOYALTY_SIDE_BASE = 0,        /**< the current definition */
	LOYALTY_SIDE_ALTERNATIVE = 1  /**< the proposed one */
} loyalty_simulation_side;

/**
 * Replay @p history into @p base and into @p alternative, and report.
 *
 * Both programs are built by the caller with a definition (calculator,
 * tiers, rewards, policies) and no customers; they are sandboxes the
 * simulation fills: afterwards they hold the replayed customers and ledger
 * (inspect them, then free them). Events are replayed in time order (ties:
 * enrolments, purchases, refunds, redemptions, then by key), purchases in
 * batches, and loyalty_program_maintain() runs at every period boundary
 * (in @p base's UTC offset) and at the end, so holds mature, points expire
 * and tiers are reviewed as they would have been.
 *
 * With two threads (opts->threads) the alternative is replayed on a thread
 * the simulation starts and joins, at the same time as the base on the
 * calling thread: its custom strategies then run on that thread. The report
 * is the same either way; the progress callback is only ever called on the
 * calling thread.
 *
 * A redemption either side cannot pay (not enough points, unknown reward,
 * tier too low, no stock) is counted as refused, not an error; any other
 * failure of an event (an unknown customer, another currency, a custom
 * strategy's error, an overflow) stops the simulation with that status and
 * a message naming the side and the event.
 *
 * @p opts may be NULL (defaults). Ownership: *out is new (free with
 * loyalty_simulation_report_free); @p history is borrowed; @p base and
 * @p alternative stay the caller's.
 * Errors (*out untouched): LOYALTY_EINVAL (NULL, the same program twice, a
 * bad option, @p end before the last event), LOYALTY_ESTATE (a program has
 * customers), LOYALTY_ECANCELED (the progress callback returned non-zero),
 * LOYALTY_ERANGE (a figure overflows), the status of a failed event,
 * LOYALTY_ENOMEM. After a failure the programs hold a partial replay and
 * cannot be simulated into again: free them.
 */
LOYALTY_API int loyalty_simulate(const loyalty_history *history, loyalty_program *base, loyalty_program *alternative,
                                 const loyalty_simulation_options *opts, loyalty_simulation_report **out);

/** Free a report. Accepts NULL. */
LOYALTY_API void loyalty_simulation_report_free(loyalty_simulation_report *r);

/** One side's figures at the end (or, from loyalty_simulation_report_difference, alternative minus base). */
typedef struct loyalty_simulation_totals {
	int64_t customers;            /**< enrolled */
	int64_t purchases;            /**< recorded */
	int64_t refunds;              /**< recorded */
	int64_t redemptions;          /**< paid */
	int64_t redemptions_refused;  /**< that this side could not pay */
	loyalty_points issued;        /**< earned by purchases, actions, partners, referrals, net of refund clawbacks */
	loyalty_points redeemed;      /**< spent on rewards (and donations), net of cancellations */
	loyalty_points expired;
	loyalty_points liability;     /**< outstanding: available + pending balances of every customer */
	loyalty_fraction cost;        /**< issued x point value, minor units, exact and reduced */
	loyalty_fraction liability_value; /**< liability x point value, minor units, exact and reduced */
} loyalty_simulation_totals;

/** Totals of one side. Errors: LOYALTY_EINVAL (NULL, unknown side). */
LOYALTY_API int loyalty_simulation_report_totals(const loyalty_simulation_report *r, int side,
                                                 loyalty_simulation_totals *out);

/** Every field of the alternative minus the base's. Errors: LOYALTY_EINVAL. */
LOYALTY_API int loyalty_simulation_report_difference(const loyalty_simulation_report *r,
                                                     loyalty_simulation_totals *out);

/** The point value the report was computed with (reduced); {0, 0} for NULL. */
LOYALTY_API loyalty_fraction loyalty_simulation_report_point_value(const loyalty_simulation_report *r);

/** The time of the last sweep (the end of the simulation). 0 for NULL. */
LOYALTY_API loyalty_time loyalty_simulation_report_end(const loyalty_simulation_report *r);

/** Cumulative figures of one side at the end of one period. */
typedef struct loyalty_simulation_period {
	loyalty_time end;             /**< the period boundary (or the simulation's end) */
	loyalty_points issued;        /**< so far */
	loyalty_points redeemed;      /**< so far */
	loyalty_points expired;       /**< so far */
	loyalty_points liability;     /**< at that moment */
} loyalty_simulation_period;

/** Number of periods in the series (the same for both sides). 0 for NULL. */
LOYALTY_API size_t loyalty_simulation_report_period_count(const loyalty_simulation_report *r);

/** The i-th period of one side, oldest first. Errors: LOYALTY_EINVAL, LOYALTY_ERANGE (i out of range). */
LOYALTY_API int loyalty_simulation_report_period_at(const loyalty_simulation_report *r, int side, size_t i,
                                                    loyalty_simulation_period *out);

/** How many customers hold a tier at the end. */
typedef struct loyalty_simulation_tier {
	const char *name;             /**< the tier ("" for customers without one); borrowed from the report */
	int64_t customers;
} loyalty_simulation_tier;

/**
 * Number of rows in a side's tier distribution: "" (no tier) first, then
 * each of that program's tiers in threshold order, zero counts included.
 * 0 for NULL or an unknown side.
 */
LOYALTY_API size_t loyalty_simulation_report_tier_count(const loyalty_simulation_report *r, int side);

/** The i-th row. Errors: LOYALTY_EINVAL, LOYALTY_ERANGE. */
LOYALTY_API int loyalty_simulation_report_tier_at(const loyalty_simulation_report *r, int side, size_t i,
                                                  loyalty_simulation_tier *out);

/** A customer whose tier at the end differs between the sides. */
typedef struct loyalty_simulation_tier_change {
	loyalty_id customer;
	const char *external_ref;     /**< "" when none; borrowed from the report */
	const char *base_tier;        /**< "" for no tier; borrowed */
	const char *alternative_tier; /**< "" for no tier; borrowed */
} loyalty_simulation_tier_change;

/** Number of customers whose tier differs. 0 for NULL. */
LOYALTY_API size_t loyalty_simulation_report_tier_change_count(const loyalty_simulation_report *r);

/** The i-th of them, in enrolment order (as replayed). Errors: LOYALTY_EINVAL, LOYALTY_ERANGE. */
LOYALTY_API int loyalty_simulation_report_tier_change_at(const loyalty_simulation_report *r, size_t i,
                                                         loyalty_simulation_tier_change *out);

LOYALTY_END_DECLS

#endif /* LOYALTY_SIMULATE_H */
