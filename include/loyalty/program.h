/*
 * libloyalty - the loyalty program: the handle through which every change
 * happens.
 *
 * A program holds the rules (a calculator, tiers, a reward catalog, engagement
 * actions, partners and policies), the customers and the ledger. Every
 * mutating call:
 *  - takes an idempotency key: the same key with the same request returns
 *    the first result again and changes nothing; the same key with another
 *    request fails with LOYALTY_ECONFLICT;
 *  - takes the time it happens at (`at`, ms since the epoch): the library
 *    never reads a clock;
 *  - is atomic: it changes balances, tiers and the ledger together, or fails
 *    and changes nothing.
 *
 * Thread safety: every function may be called from any number of threads at
 * once. A program serialises its operations with one internal mutex (one
 * operation at a time; reads take the same lock), so each call sees and
 * leaves a consistent state. Handles returned (customers, receipts) are
 * copies that the caller owns.
 *
 * Definitions (tiers, actions, partners) must be added before the first
 * customer is enrolled (LOYALTY_ESTATE after that); rewards may be added at
 * any time.
 *
 * See docs/PROGRAM.md for the rules in full.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_PROGRAM_H
#define LOYALTY_PROGRAM_H

#include "loyalty/common.h"
#include "loyalty/types.h"
#include "loyalty/customer.h"
#include "loyalty/purchase.h"
#include "loyalty/calculator.h"
#include "loyalty/receipt.h"
#include "loyalty/ledger.h"

LOYALTY_BEGIN_DECLS

typedef struct loyalty_program loyalty_program;

/** What a refund does when the points to claw back were already spent. */
typedef enum loyalty_refund_policy {
	/** the available balance goes negative; later earnings fill it first (the default) */
	LOYALTY_REFUND_NEGATIVE_BALANCE = 0,
	/** the available balance stops at 0 and the rest becomes a debt netted from later earnings */
	LOYALTY_REFUND_DEBT = 1
} loyalty_refund_policy;

/** How points expire. */
typedef enum loyalty_expiry_mode {
	LOYALTY_EXPIRY_NEVER = 0,      /**< points never expire (the default) */
	LOYALTY_EXPIRY_BUCKET = 1,     /**< each earning expires a fixed time after it became available */
	LOYALTY_EXPIRY_INACTIVITY = 2  /**< all points expire after N days without activity */
} loyalty_expiry_mode;

/** Calendar periods, in the program's UTC offset. */
typedef enum loyalty_period {
	LOYALTY_PERIOD_NONE = 0,    /**< no rounding / no period */
	LOYALTY_PERIOD_DAY = 1,
	LOYALTY_PERIOD_WEEK = 2,    /**< ISO week, Monday to Sunday */
	LOYALTY_PERIOD_MONTH = 3,
	LOYALTY_PERIOD_QUARTER = 4,
	LOYALTY_PERIOD_YEAR = 5,
	LOYALTY_PERIOD_EVER = 6     /**< one period for all time (caps only) */
} loyalty_period;

/** What qualifies a customer for a tier. */
typedef enum loyalty_tier_metric {
	LOYALTY_TIER_BY_SPEND = 0,  /**< eligible spend in minor units (net of refunds) */
	LOYALTY_TIER_BY_POINTS = 1  /**< points earned by purchases (net of refunds) */
} loyalty_tier_metric;

/** Over which window the tier metric is summed. */
typedef enum loyalty_tier_window {
	LOYALTY_TIER_CALENDAR_YEAR = 0, /**< the calendar year (program offset) */
	LOYALTY_TIER_ROLLING_DAYS = 1   /**< the last tier_window_days days */
} loyalty_tier_window;

#define LOYALTY_PROGRAM_OPTIONS_VERSION 1

/** Program policies. Initialise with LOYALTY_PROGRAM_OPTIONS_INIT. Zero means "off" unless stated. */
typedef struct loyalty_program_options {
	unsigned int version;
	/* earning */
	int pending_days;                  /**< hold earned points this many days (a return window) */
	loyalty_refund_policy refund_policy;
	loyalty_points cap_per_purchase;   /**< most points one purchase can credit; 0 = no cap */
	loyalty_points cap_per_period;     /**< most purchase points per customer per cap_period; 0 = no cap */
	loyalty_period cap_period;         /**< DAY..YEAR or EVER */
	/* expiry */
	loyalty_expiry_mode expiry;
	int expiry_months;                 /**< BUCKET: validity in calendar months (may combine with days) */
	int expiry_days;                   /**< BUCKET: validity in days; INACTIVITY: days without activity */
	loyalty_period expiry_round_up;    /**< BUCKET: extend to the end of the DAY, WEEK, MONTH, QUARTER or YEAR */
	/* tiers */
	loyalty_tier_metric tier_metric;
	loyalty_tier_window tier_window;
	int tier_window_days;              /**< ROLLING_DAYS: the window length */
	int tier_grace_days;               /**< downgrades wait this many days */
	/* referrals */
	loyalty_points referrer_bonus;     /**< for the customer whose code was used */
	loyalty_points referee_bonus;      /**< for the new customer */
	int64_t referral_min_spend;        /**< a first purchase qualifies from this eligible spend */
	int referral_max_per_referrer;     /**< 0 = unlimited */
} loyalty_program_options;

#define LOYALTY_PROGRAM_OPTIONS_INIT                                                                      \
	{ LOYALTY_PROGRAM_OPTIONS_VERSION, 0, LOYALTY_REFUND_NEGATIVE_BALANCE, 0, 0, LOYALTY_PERIOD_NONE,        \
	  LOYALTY_EXPIRY_NEVER, 0, 0, LOYALTY_PERIOD_NONE, LOYALTY_TIER_BY_SPEND, LOYALTY_TIER_CALENDAR_YEAR, 0, \
	  0, 0, 0, 0, 0 }

/** Fill @p opts with defaults for @p version. Errors: LOYALTY_EINVAL. */
LOYALTY_API int loyalty_program_options_init(loyalty_program_options *opts, unsigned int version);

/**
 * Create a program around @p calculator, whose currency, rounding and UTC
 * offset become the program's.
 * Ownership: on success the program takes @p calculator (it becomes
 * immutable: adding strategies fails with LOYALTY_ESTATE) and frees it with
 * the program; on failure the caller keeps it. *out is new.
 * Errors: LOYALTY_EINVAL (NULL, bad version, a negative or inconsistent
 * option; the message names it), LOYALTY_ESTATE (calculator already owned by
 * a program), LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_program_new(loyalty_program **out, loyalty_calculator *calculator,
                                    const loyalty_program_options *opts);

/** Free the program, its calculator, customers and ledger. Accepts NULL. */
LOYALTY_API void loyalty_program_free(loyalty_program *p);

/** The program's calculator (borrowed, immutable). */
LOYALTY_API const loyalty_calculator *loyalty_program_calculator(const loyalty_program *p);

/** The options the program was created with. */
LOYALTY_API int loyalty_program_options_get(const loyalty_program *p, loyalty_program_options *out);

/* ---- definitions ----------------------------------------------------------- */

#define LOYALTY_NAME_ID_MAX 64 /* tier, reward, action, partner, cause names: [A-Za-z0-9_.-] */

/**
 * Add a tier. Tiers are ordered by threshold, which must be strictly greater
 * than the previous tier's (no overlap); a customer below the first
 * threshold has no tier. @p benefits: @p benefit_count names (may be 0).
 * Errors: LOYALTY_EINVAL (bad name, negative threshold, threshold not above
 * the last tier's), LOYALTY_EDUPLICATE, LOYALTY_ESTATE (customers exist).
 */
LOYALTY_API int loyalty_program_add_tier(loyalty_program *p, const char *name, int64_t threshold,
                                         const char *const *benefits, size_t benefit_count);

LOYALTY_API size_t loyalty_program_tier_count(const loyalty_program *p);
/** The i-th tier's name (borrowed) and threshold; NULL / -1 when out of range. */
LOYALTY_API const char *loyalty_program_tier_name(const loyalty_program *p, size_t i);
LOYALTY_API int64_t loyalty_program_tier_threshold(const loyalty_program *p, size_t i);
/** Non-zero when tier @p tier carries benefit @p benefit. */
LOYALTY_API int loyalty_program_tier_has_benefit(const loyalty_program *p, const char *tier, const char *benefit);
/** Number of benefits of @p tier, and the j-th (borrowed); 0 / NULL for an unknown tier. */
LOYALTY_API size_t loyalty_program_tier_benefit_count(const loyalty_program *p, const char *tier);
LOYALTY_API const char *loyalty_program_tier_benefit(const loyalty_program *p, const char *tier, size_t j);

#define LOYALTY_REWARD_DEF_VERSION 1

/** A reward of the catalog. */
typedef struct loyalty_reward_def {
	unsigned int version;     /**< LOYALTY_REWARD_DEF_VERSION */
	const char *id;           /**< catalog id, [A-Za-z0-9_.-] */
	const char *name;         /**< display name (UTF-8), may be NULL */
	loyalty_points cost;      /**< > 0 */
	const char *min_tier;     /**< NULL: any customer; else this tier or a higher one */
	loyalty_time valid_from;  /**< redeemable from (inclusive) */
	loyalty_time valid_until; /**< until (exclusive); 0 = no end */
	int64_t stock;            /**< units left; -1 = unlimited */
} loyalty_reward_def;

#define LOYALTY_REWARD_DEF_INIT { LOYALTY_REWARD_DEF_VERSION, NULL, NULL, 0, NULL, INT64_MIN, 0, -1 }

/**
 * Add a reward. Errors: LOYALTY_EINVAL (bad id, cost <= 0, unknown min_tier,
 * empty validity window, stock < -1), LOYALTY_EDUPLICATE.
 */
LOYALTY_API int loyalty_program_add_reward(loyalty_program *p, const loyalty_reward_def *def);
LOYALTY_API size_t loyalty_program_reward_count(const loyalty_program *p);
/** The i-th reward (strings borrowed from the program), stock as it is now. */
LOYALTY_API int loyalty_program_reward_at(const loyalty_program *p, size_t i, loyalty_reward_def *out);
/** Set a reward's stock (-1 = unlimited). Errors: LOYALTY_ENOTFOUND, LOYALTY_EINVAL. */
LOYALTY_API int loyalty_program_set_reward_stock(loyalty_program *p, const char *reward_id, int64_t stock);

/**
 * Add an engagement action ("review", "survey") worth @p points (> 0), at most
 * @p cap_count times per customer per @p cap_period (cap_count 0 = no cap).
 * Errors: LOYALTY_EINVAL, LOYALTY_EDUPLICATE, LOYALTY_ESTATE.
 */
LOYALTY_API int loyalty_program_add_action(loyalty_program *p, const char *name, loyalty_points points,
                                           int cap_count, loyalty_period cap_period);

/**
 * Add a partner whose units convert to points at @p rate (points per partner
 * unit, an exact fraction > 0), rounded once by the program's rounding.
 * Errors: LOYALTY_EINVAL, LOYALTY_EDUPLICATE, LOYALTY_ESTATE.
 */
LOYALTY_API int loyalty_program_add_partner(loyalty_program *p, const char *name, loyalty_fraction rate);

/* ---- customers ---------------------------------------------------------------- */

/**
 * Enrol a customer. @p profile gives the id (loyalty_customer_new(&c, NULL)
 * makes a fresh UUID with libuuid), the external reference (optional,
 * unique), name, e-mail, birthday and tags; joined-at becomes @p at, and the
 * profile's tier and balances are ignored.
 * @p referral_code: NULL, or the code of an existing customer.
 * Ownership: @p profile is borrowed (copied); *out, if @p out is not NULL,
 * is a new snapshot of the enrolled customer.
 * Errors: LOYALTY_EINVAL, LOYALTY_EDUPLICATE (id or external reference
 * taken), LOYALTY_ENOTFOUND (unknown referral code), LOYALTY_ECONFLICT.
 */
LOYALTY_API int loyalty_program_enroll(loyalty_program *p, const char *key, const loyalty_customer *profile,
                                       const char *referral_code, loyalty_time at, loyalty_customer **out);

/**
 * A snapshot of a customer (profile, tier, balances) by id or by external
 * reference. Ownership: *out is new. Errors: LOYALTY_ENOTFOUND, LOYALTY_EINVAL.
 */
LOYALTY_API int loyalty_program_get_customer(const loyalty_program *p, const loyalty_id *id,
                                             loyalty_customer **out);
LOYALTY_API int loyalty_program_find_customer(const loyalty_program *p, const char *external_ref,
                                              loyalty_customer **out);
LOYALTY_API size_t loyalty_program_customer_count(const loyalty_program *p);

/** The customer's debt (refund policy LOYALTY_REFUND_DEBT); 0 otherwise. Errors: LOYALTY_ENOTFOUND. */
LOYALTY_API int loyalty_program_debt(const loyalty_program *p, const loyalty_id *id, loyalty_points *out);

#define LOYALTY_REFERRAL_CODE_LEN 10

/** The customer's referral code ("LY-XXXXXXX"), written with its NUL into @p buf (>= 11 bytes). */
LOYALTY_API int loyalty_program_referral_code(const loyalty_program *p, const loyalty_id *id, char *buf,
                                              size_t size);

/* ---- earning ------------------------------------------------------------------- */

/**
 * Record a purchase: compute its points at the tier the customer holds,
 * apply caps, credit them (available, or pending for pending_days), update
 * lifetime figures and the tier metric, upgrade the tier if a threshold is
 * crossed, pay referral bonuses on a first qualifying purchase, and append
 * the ledger entries, atomically. The purchase's key is the idempotency key.
 * Ownership: *receipt (may be NULL) is a new receipt with the program's
 * fields filled (credited points, cap reduction, hold, entry).
 * Errors: LOYALTY_ENOTFOUND (unknown customer), LOYALTY_ECURRENCY,
 * LOYALTY_ECONFLICT (key reused for another purchase), LOYALTY_EUSER,
 * LOYALTY_ERANGE, LOYALTY_EINVAL.
 */
LOYALTY_API int loyalty_program_record_purchase(loyalty_program *p, const loyalty_purchase *purchase,
                                                loyalty_receipt **receipt);

/**
 * Record @p n purchases, each as loyalty_program_record_purchase() would, in
 * order, each in its own transaction (and journal record); one failure does
 * not stop the others. @p status (n ints) receives each status; @p receipts
 * (n pointers, may be NULL) each new receipt or NULL. Returns LOYALTY_OK when
 * every purchase was recorded, else the first failure's status (the
 * per-thread message describes the last failure). loyalty_program_record_batch()
 * is faster (one lock, one commit, one journal record) and keeps every message.
 */
LOYALTY_API int loyalty_program_record_purchases(loyalty_program *p, const loyalty_purchase *const *purchases,
                                                 size_t n, int *status, loyalty_receipt **receipts);

/** What the batch calls say about each purchase. */
#define LOYALTY_RESULT_MESSAGE_MAX 160
typedef struct loyalty_record_result {
	int status;                    /**< LOYALTY_OK, or why this purchase was not recorded */
	int replayed;                  /**< 1: the key was already recorded with this request (nothing new) */
	loyalty_points credited;       /**< points credited (after caps); 0 when not recorded */
	uint64_t entry_seq;            /**< its EARN entry; 0 when none (nothing credited, or an error) */
	char message[LOYALTY_RESULT_MESSAGE_MAX]; /**< "" on success, else the error's message (cut to fit) */
} loyalty_record_result;

/**
 * Record @p n purchases under one lock: each purchase is recorded as
 * loyalty_program_record_purchase() would, in order, and each one stands alone: a purchase that
 * fails changes nothing and gets its own status and message in @p results[i], while the others
 * are recorded (a later purchase sees the earlier ones of the batch: a customer's balance, tier
 * and caps carry through). No other call sees the batch half done. A durable program commits
 * the recorded purchases together, as ONE journal record for the batch (one write and, with
 * LOYALTY_SYNC_ALWAYS, one fdatasync) written before any of them becomes visible; an in-memory
 * program commits them one by one. A key seen earlier
 * in the batch or before counts as a replay (same request: results[i].replayed = 1, status OK)
 * or a conflict (LOYALTY_ECONFLICT).
 * @p results: n structs (required). @p receipts: NULL (the fast path), or n pointers receiving
 * each new receipt (NULL where the purchase failed). Ownership: purchases are borrowed; the
 * receipts are the caller's.
 * Returns LOYALTY_OK when every purchase was recorded (or replayed), else the first failing
 * purchase's status. If a durable batch cannot be committed (LOYALTY_ENOMEM, LOYALTY_EIO), none
 * of it is recorded and every purchase that had reported OK (replays included) reports that
 * status instead; if its record's fdatasync fails, they report LOYALTY_EIO (as for a single
 * call, the record may be there after reopening: retry with the same keys).
 * Thread safety: as every program call; other threads wait for the whole batch.
 */
LOYALTY_API int loyalty_program_record_batch(loyalty_program *p, const loyalty_purchase *const *purchases, size_t n,
                                             loyalty_record_result *results, loyalty_receipt **receipts);

#define LOYALTY_RECORD_COLUMNS_VERSION 1

/**
 * A batch of purchases as columns (what a binding passes without building purchase objects).
 * Purchase i has key keys[i], customer customers[i], time at[i] and the lines
 * [line_start[i], line_start[i + 1]); line l has product type type_names[line_type[l]],
 * quantity[l] and unit_price[l] (minor units of @p currency), and SKU skus[l] (skus may be NULL:
 * each line's SKU is then its product type). Every array is borrowed for the call. Initialise with LOYALTY_RECORD_COLUMNS_INIT.
 */
typedef struct loyalty_record_columns {
	unsigned int version;          /**< LOYALTY_RECORD_COLUMNS_VERSION */
	size_t n;                      /**< purchases */
	const char *const *keys;       /**< n idempotency keys */
	const loyalty_id *customers;   /**< n customer ids */
	const loyalty_time *at;        /**< n times */
	const size_t *line_start;      /**< n + 1 offsets into the line arrays, non-decreasing */
	const uint32_t *line_type;     /**< per line: an index into type_names */
	const char *const *type_names; /**< ntypes product type names */
	size_t ntypes;
	const int64_t *quantity;       /**< per line */
	const int64_t *unit_price;     /**< per line, minor units */
	const char *const *skus;       /**< per line, or NULL (the SKU is the product type) */
	const char *currency;          /**< ISO 4217 code of every purchase */
	const char *channel;           /**< the channel of every purchase, or NULL */
} loyalty_record_columns;

#define LOYALTY_RECORD_COLUMNS_INIT \
	{ LOYALTY_RECORD_COLUMNS_VERSION, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL }

/**
 * loyalty_program_record_batch() over columns: purchase i is built from the columns (a bad
 * column value, such as a key, currency or line, fails that purchase alone with
 * LOYALTY_EINVAL or LOYALTY_ECURRENCY and its message) and recorded; no receipts.
 * Errors of the call itself (nothing recorded): LOYALTY_EINVAL (NULL arguments, unknown
 * version, a required column missing). Otherwise as loyalty_program_record_batch().
 */
LOYALTY_API int loyalty_program_record_columns(loyalty_program *p, const loyalty_record_columns *cols,
                                               loyalty_record_result *results);

/** What a refund did. */
typedef struct loyalty_refund_result {
	loyalty_points clawed_back;   /**< points taken back in all */
	loyalty_points from_pending;  /**< of which still pending */
	loyalty_points debt_added;    /**< of which became debt (LOYALTY_REFUND_DEBT) */
	int64_t refunded_total;       /**< minor units refunded on that purchase so far */
	uint64_t entry_seq;           /**< the REFUND entry */
} loyalty_refund_result;

/**
 * Refund @p amount minor units (> 0) of the purchase @p purchase_key. The
 * points clawed back are the purchase's credited points in proportion:
 * after refunding R of a total T in all, round(credited * R / T) points are
 * clawed back in all (the program's rounding), so a full refund takes back
 * exactly what was credited, bonuses included, and partial refunds never
 * drift. Pending points of the purchase go first, then available points.
 * Errors: LOYALTY_ENOTFOUND (unknown purchase), LOYALTY_ERANGE (more than
 * was bought), LOYALTY_ECONFLICT, LOYALTY_EINVAL.
 */
LOYALTY_API int loyalty_program_refund(loyalty_program *p, const char *refund_key, const char *purchase_key,
                                       int64_t amount, loyalty_time at, loyalty_refund_result *out);

/** Record an engagement action. Errors: LOYALTY_ENOTFOUND, LOYALTY_ERANGE (cap reached), LOYALTY_ECONFLICT. */
LOYALTY_API int loyalty_program_record_action(loyalty_program *p, const char *key, const loyalty_id *customer,
                                              const char *action, loyalty_time at, loyalty_entry *out);

/** Credit @p units of partner currency at the partner's rate. Errors: LOYALTY_ENOTFOUND, LOYALTY_EINVAL. */
LOYALTY_API int loyalty_program_credit_partner(loyalty_program *p, const char *key, const loyalty_id *customer,
                                               const char *partner, int64_t units, loyalty_time at,
                                               loyalty_entry *out);

/**
 * Attach a referrer after enrolment by referral code.
 * Errors: LOYALTY_ENOTFOUND, LOYALTY_EINVAL (own code), LOYALTY_EDUPLICATE
 * (already referred), LOYALTY_ESTATE (the customer has already purchased).
 */
LOYALTY_API int loyalty_program_set_referrer(loyalty_program *p, const char *key, const loyalty_id *customer,
                                             const char *referral_code, loyalty_time at);

/* ---- spending ------------------------------------------------------------------ */

/** A redemption. */
typedef struct loyalty_redemption {
	loyalty_id id;                     /**< the redemption's UUID: the coupon code */
	loyalty_id customer_id;
	char reward[LOYALTY_NAME_ID_MAX + 1];
	loyalty_points points;
	loyalty_time at;
	int cancelled;
	uint64_t entry_seq;
} loyalty_redemption;

/**
 * Redeem a reward: spend its cost from the buckets that expire soonest.
 * Errors (nothing changes): LOYALTY_EINSUFFICIENT, LOYALTY_ERANGE (out of
 * stock), LOYALTY_ESTATE (outside the reward's validity, or the customer's
 * tier is below min_tier), LOYALTY_ENOTFOUND, LOYALTY_ECONFLICT.
 */
LOYALTY_API int loyalty_program_redeem(loyalty_program *p, const char *key, const loyalty_id *customer,
                                       const char *reward, loyalty_time at, loyalty_redemption *out);

/**
 * Cancel a redemption once: restore the points to the buckets they came from,
 * with their original expiry, and return the stock.
 * Errors: LOYALTY_ENOTFOUND, LOYALTY_ESTATE (already cancelled), LOYALTY_ECONFLICT.
 */
LOYALTY_API int loyalty_program_cancel_redemption(loyalty_program *p, const char *key,
                                                  const loyalty_id *redemption, loyalty_time at,
                                                  loyalty_redemption *out);

/** Look a redemption up by id. Errors: LOYALTY_ENOTFOUND. */
LOYALTY_API int loyalty_program_get_redemption(const loyalty_program *p, const loyalty_id *redemption,
                                               loyalty_redemption *out);

/** Donate points to a named cause (spent FIFO like a redemption). Errors: LOYALTY_EINSUFFICIENT, ... */
LOYALTY_API int loyalty_program_donate(loyalty_program *p, const char *key, const loyalty_id *customer,
                                       const char *cause, loyalty_points points, loyalty_time at,
                                       loyalty_entry *out);

/**
 * Move @p points (> 0) from one customer to another as one atomic step of two
 * entries (TRANSFER_OUT, TRANSFER_IN). Errors: LOYALTY_EINSUFFICIENT,
 * LOYALTY_EINVAL (same customer), LOYALTY_ENOTFOUND, LOYALTY_ECONFLICT.
 */
LOYALTY_API int loyalty_program_transfer(loyalty_program *p, const char *key, const loyalty_id *from,
                                         const loyalty_id *to, loyalty_points points, loyalty_time at);

/**
 * A manual adjustment (positive or negative, not 0) with a reason (1..127
 * bytes). A negative adjustment may not exceed the available balance
 * (LOYALTY_EINSUFFICIENT).
 */
LOYALTY_API int loyalty_program_adjust(loyalty_program *p, const char *key, const loyalty_id *customer,
                                       loyalty_points points, const char *reason, loyalty_time at,
                                       loyalty_entry *out);

/* ---- tiers ------------------------------------------------------------------------ */

/**
 * Assign a paid tier: the customer holds at least @p tier until @p until
 * (exclusive); downgrades do not go below it before then.
 * Errors: LOYALTY_ENOTFOUND (customer or tier), LOYALTY_EINVAL (until <= at).
 */
LOYALTY_API int loyalty_program_assign_tier(loyalty_program *p, const char *key, const loyalty_id *customer,
                                            const char *tier, loyalty_time until, loyalty_time at);

/* ---- maintenance ------------------------------------------------------------------ */

typedef struct loyalty_maintenance_report {
	loyalty_points matured;   /**< pending points that became available */
	loyalty_points expired;   /**< points that expired */
	size_t tier_changes;      /**< downgrades (and re-evaluations) applied */
	size_t entries;           /**< ledger entries written */
} loyalty_maintenance_report;

/**
 * The sweep at a caller-given @p now, in this order: mature pending points
 * whose hold ended, expire buckets (or inactive accounts), re-evaluate tiers.
 * Running it twice at the same @p now changes nothing more. @p now may not
 * go back before the last sweep (LOYALTY_EINVAL). @p out may be NULL.
 */
LOYALTY_API int loyalty_program_maintain(loyalty_program *p, loyalty_time now, loyalty_maintenance_report *out);

/* ---- queries ---------------------------------------------------------------------- */

/** What a mobile app shows. */
typedef struct loyalty_progress {
	char tier[LOYALTY_TIER_NAME_MAX + 1];       /**< "" when none */
	char next_tier[LOYALTY_TIER_NAME_MAX + 1];  /**< "" at the top */
	int64_t metric;                             /**< the tier metric in the current window */
	int64_t to_next_tier;                       /**< metric still needed (0 at the top) */
	loyalty_points available, pending, debt;
	loyalty_time next_maturity;                 /**< 0 when nothing is pending */
	loyalty_points next_maturity_points;
	loyalty_time next_expiry;                   /**< 0 when nothing expires */
	loyalty_points next_expiry_points;
} loyalty_progress;

/** Progress of a customer at @p now. Errors: LOYALTY_ENOTFOUND, LOYALTY_EINVAL. */
LOYALTY_API int loyalty_program_progress(const loyalty_program *p, const loyalty_id *customer, loyalty_time now,
                                         loyalty_progress *out);

/**
 * Points the customer still needs for a reward (0 when affordable now).
 * Errors: LOYALTY_ENOTFOUND.
 */
LOYALTY_API int loyalty_program_points_missing(const loyalty_program *p, const loyalty_id *customer,
                                               const char *reward, loyalty_points *out);

/* ---- the ledger --------------------------------------------------------------------- */

/** Number of entries in the whole ledger. */
LOYALTY_API size_t loyalty_program_entry_count(const loyalty_program *p);

/** The i-th entry of the ledger (0-based; its seq is i + 1). Errors: LOYALTY_ERANGE. */
LOYALTY_API int loyalty_program_entry_at(const loyalty_program *p, size_t i, loyalty_entry *out);

/** Number of a customer's entries. Errors: LOYALTY_ENOTFOUND. */
LOYALTY_API int loyalty_program_customer_entry_count(const loyalty_program *p, const loyalty_id *customer,
                                                     size_t *out);

/** The i-th entry of a customer, oldest first. Errors: LOYALTY_ENOTFOUND, LOYALTY_ERANGE. */
LOYALTY_API int loyalty_program_customer_entry_at(const loyalty_program *p, const loyalty_id *customer, size_t i,
                                                  loyalty_entry *out);

LOYALTY_END_DECLS

#endif /* LOYALTY_PROGRAM_H */
