/*
 * libloyalty - analytics: program metrics over a period, retention cohorts by
 * enrolment month, and survey scores (CES, CSAT).
 *
 * Everything is computed from the program's own ledger, customers and
 * purchase records, exactly: counts are integers, rates and amounts are
 * reduced fractions (loyalty_fraction), and nothing is rounded until a
 * number is rendered (loyalty_percent_format, the one declared rounding:
 * half-even). Overflow is LOYALTY_ERANGE, never a wrapped value.
 *
 * Every formula, its source and its edge cases are in docs/ANALYTICS.md. In
 * short, for a period [start, end) of length L = end - start:
 *  - activity: an enrolment, a purchase, a redemption or an engagement
 *    action, dated by its `at` (the same events that keep points alive under
 *    inactivity expiry, docs/PROGRAM.md);
 *  - S (customers at start): members enrolled before start with an activity
 *    in the preceding window [start - L, start); N (new): enrolled in the
 *    period; E (customers at end): the customers of S active in the period,
 *    plus N. Retention = (E - N) / S; churn = 1 - retention.
 *
 * Rates that can have a zero denominator (S = 0, no orders, nothing issued,
 * no survey answers) are *undefined*: the getters then return 0 and set the
 * fraction to 0/1, instead of dividing by zero.
 *
 * Thread safety: loyalty_program_metrics and loyalty_program_cohorts read the
 * program under its lock (one consistent state; other calls on the program
 * wait meanwhile) and may be called from any thread. A result (metrics,
 * cohort table) is an immutable value owned by the caller, independent of the
 * program; it may be read from several threads at once and freed once. The
 * survey and formatting functions are pure.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_ANALYTICS_H
#define LOYALTY_ANALYTICS_H

#include "loyalty/common.h"
#include "loyalty/types.h"
#include "loyalty/program.h"

LOYALTY_BEGIN_DECLS

/* ---- metrics over a period ----------------------------------------------------- */

#define LOYALTY_METRICS_OPTIONS_VERSION 1

/** What to measure. Initialise with LOYALTY_METRICS_OPTIONS_INIT. */
typedef struct loyalty_metrics_options {
	unsigned int version;          /**< LOYALTY_METRICS_OPTIONS_VERSION */
	loyalty_time start;            /**< the period [start, end): end > start */
	loyalty_time end;
	/** Minor units one point is worth (>= 0, den > 0), for the liability's value;
	 *  0/0 (the default) = not declared: the liability value is undefined. */
	loyalty_fraction point_value;
	/** The margin applied to revenue in the lifetime value, 0 <= margin <= 1; default 1/1. */
	loyalty_fraction margin;
	/** Cap on the expected lifespan, in periods (> 0), used when churn is 0 or
	 *  1/churn exceeds it; 0 (the default) = no cap: the lifespan (and CLV) are
	 *  then undefined when churn is 0. */
	int64_t max_lifespan;
} loyalty_metrics_options;

#define LOYALTY_METRICS_OPTIONS_INIT { LOYALTY_METRICS_OPTIONS_VERSION, 0, 0, { 0, 0 }, { 1, 1 }, 0 }

/** Fill @p opts with the defaults for @p version. Errors: LOYALTY_EINVAL. */
LOYALTY_API int loyalty_metrics_options_init(loyalty_metrics_options *opts, unsigned int version);

/**
 * The scalar metrics, by number (part of the ABI; new ones are added before
 * LOYALTY_METRIC_COUNT). Each is read with loyalty_metrics_get(); its name
 * (loyalty_metric_name) is the key the bindings use.
 */
typedef enum loyalty_metric {
	/* members and customers (integers) */
	LOYALTY_METRIC_MEMBERS_START = 0,       /**< "members_start": enrolled before start */
	LOYALTY_METRIC_MEMBERS_END = 1,         /**< "members_end": enrolled before end */
	LOYALTY_METRIC_NEW_MEMBERS = 2,         /**< "new_members" (N): enrolled in [start, end) */
	LOYALTY_METRIC_ACTIVE_MEMBERS = 3,      /**< "active_members": members with an activity in the period */
	LOYALTY_METRIC_CUSTOMERS_START = 4,     /**< "customers_start" (S): enrolled before start, active in [start - L, start) */
	LOYALTY_METRIC_CUSTOMERS_END = 5,       /**< "customers_end" (E): retained + N */
	LOYALTY_METRIC_RETAINED = 6,            /**< "retained" (E - N): customers of S active in the period */
	LOYALTY_METRIC_REACTIVATED = 7,         /**< "reactivated": active in the period, enrolled before start, not in S */
	LOYALTY_METRIC_RETENTION_RATE = 8,      /**< "retention_rate" (ratio): (E - N) / S; undefined when S = 0 */
	LOYALTY_METRIC_CHURN_RATE = 9,          /**< "churn_rate" (ratio): 1 - retention; undefined when S = 0 */
	/* purchases */
	LOYALTY_METRIC_ORDERS = 10,             /**< "orders": purchases dated in the period */
	LOYALTY_METRIC_REVENUE = 11,            /**< "revenue": their totals, minor units (refunds not deducted) */
	LOYALTY_METRIC_PURCHASERS = 12,         /**< "purchasers": customers with >= 1 order in the period */
	LOYALTY_METRIC_REPEAT_PURCHASERS = 13,  /**< "repeat_purchasers": customers with >= 2 orders */
	LOYALTY_METRIC_REPEAT_PURCHASE_RATE = 14, /**< "repeat_purchase_rate" (ratio): repeat / purchasers */
	LOYALTY_METRIC_AVERAGE_ORDER_VALUE = 15,  /**< "average_order_value": revenue / orders, minor units */
	LOYALTY_METRIC_PURCHASE_FREQUENCY = 16,   /**< "purchase_frequency": orders / purchasers */
	LOYALTY_METRIC_EXPECTED_LIFESPAN = 17,    /**< "expected_lifespan": 1 / churn, in periods (capped) */
	LOYALTY_METRIC_CUSTOMER_LIFETIME_VALUE = 18, /**< "customer_lifetime_value": AOV x frequency x lifespan x margin */
	/* points */
	LOYALTY_METRIC_POINTS_ISSUED = 19,      /**< "points_issued": earned, action, partner, referral credits minus refund clawbacks */
	LOYALTY_METRIC_POINTS_CLAWED_BACK = 20, /**< "points_clawed_back": refund clawbacks dated in the period */
	LOYALTY_METRIC_POINTS_REDEEMED = 21,    /**< "points_redeemed": redemptions and donations minus cancellations */
	LOYALTY_METRIC_POINTS_EXPIRED = 22,     /**< "points_expired" */
	LOYALTY_METRIC_REDEMPTION_RATE = 23,    /**< "redemption_rate" (ratio): redeemed / issued; undefined when issued <= 0 */
	LOYALTY_METRIC_BREAKAGE_RATE = 24,      /**< "breakage_rate" (ratio): expired / issued; undefined when issued <= 0 */
	LOYALTY_METRIC_LIABILITY_POINTS = 25,   /**< "liability_points": available + pending at end, per customer at least 0 */
	LOYALTY_METRIC_LIABILITY_VALUE = 26,    /**< "liability_value": liability_points x point_value, minor units */
	/* referrals and engagement */
	LOYALTY_METRIC_REFERRALS = 27,          /**< "referrals": customers who named a referrer in the period */
	LOYALTY_METRIC_REFERRAL_CONVERSIONS = 28, /**< "referral_conversions": referral bonuses paid in the period */
	LOYALTY_METRIC_ACTIONS = 29,            /**< "actions": engagement actions in the period */
	LOYALTY_METRIC_COUNT = 30               /**< the number of metrics (not a metric) */
} loyalty_metric;

/** What a metric's value is. */
typedef enum loyalty_metric_kind {
	LOYALTY_METRIC_KIND_INTEGER = 0, /**< a count or a sum of points or money: n/1, always defined */
	LOYALTY_METRIC_KIND_RATIO = 1,   /**< a ratio of counts (x 100 = a percentage); may be undefined */
	LOYALTY_METRIC_KIND_AMOUNT = 2   /**< an exact fraction (minor units, periods, orders per customer); may be undefined */
} loyalty_metric_kind;

/** The metric's name ("retention_rate"), or NULL for an unknown number. Pure. */
LOYALTY_API const char *loyalty_metric_name(int metric);
/** The metric's kind (loyalty_metric_kind), or LOYALTY_EINVAL for an unknown number. Pure. */
LOYALTY_API int loyalty_metric_kind_of(int metric);

/** The metrics of one period: an opaque, immutable value. */
typedef struct loyalty_metrics loyalty_metrics;

/**
 * Compute the metrics of the period @p opts describes from the program's
 * ledger, customers and purchases, as the ledger knows them now (run
 * loyalty_program_maintain up to @p opts->end first, so that points which
 * expired before the end are written as expired). Entries, purchases and
 * enrolments count in the period their `at` falls in.
 * Ownership: *out is new; free it with loyalty_metrics_free.
 * Thread safety: reads the program under its lock.
 * Errors (nothing is allocated, *out untouched): LOYALTY_EINVAL (NULL, bad
 * version, end <= start, a negative point value or one with a denominator
 * <= 0 other than 0/0, a margin outside [0, 1], a negative max_lifespan; the
 * message names the field), LOYALTY_ERANGE (a sum or a fraction overflows int64, or
 * start - L does), LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_program_metrics(const loyalty_program *p, const loyalty_metrics_options *opts,
                                        loyalty_metrics **out);

/** Free a metrics value. Accepts NULL. */
LOYALTY_API void loyalty_metrics_free(loyalty_metrics *m);

/** The options the metrics were computed with (start, end, point value, ...). */
LOYALTY_API int loyalty_metrics_options_get(const loyalty_metrics *m, loyalty_metrics_options *out);

/**
 * Read metric @p metric into @p out (reduced; integers as n/1).
 * Returns 1 when the value is defined, 0 when it is undefined (a zero
 * denominator, see each metric; *out is then 0/1), or a negative error:
 * LOYALTY_EINVAL (NULL), LOYALTY_ERANGE (unknown metric).
 */
LOYALTY_API int loyalty_metrics_get(const loyalty_metrics *m, int metric, loyalty_fraction *out);

/** An integer metric's value; 0 for an unknown metric, NULL or an undefined value. */
LOYALTY_API int64_t loyalty_metrics_int(const loyalty_metrics *m, int metric);

/**
 * The tier mix at end: row 0 is the members without a tier (name ""), rows
 * 1..n the program's tiers in threshold order, each with the number of
 * members enrolled before end who held it at end (by the ledger's TIER
 * entries dated before end). The counts add up to members_end.
 * loyalty_metrics_tier_name returns a string owned by @p m (NULL out of
 * range); loyalty_metrics_tier_members -1 out of range.
 */
LOYALTY_API size_t loyalty_metrics_tier_rows(const loyalty_metrics *m);
LOYALTY_API const char *loyalty_metrics_tier_name(const loyalty_metrics *m, size_t row);
LOYALTY_API int64_t loyalty_metrics_tier_members(const loyalty_metrics *m, size_t row);

/**
 * Engagement actions in the period by kind: one row per action the program
 * defines, in definition order (rows with 0 included): how many were recorded
 * and the points they credited. Strings are owned by @p m; NULL / -1 out of
 * range.
 */
LOYALTY_API size_t loyalty_metrics_action_rows(const loyalty_metrics *m);
LOYALTY_API const char *loyalty_metrics_action_name(const loyalty_metrics *m, size_t row);
LOYALTY_API int64_t loyalty_metrics_action_count(const loyalty_metrics *m, size_t row);
LOYALTY_API int64_t loyalty_metrics_action_points(const loyalty_metrics *m, size_t row);

/* ---- cohorts ------------------------------------------------------------------------ */

/** A retention table by enrolment month: an opaque, immutable value. */
typedef struct loyalty_cohorts loyalty_cohorts;

#define LOYALTY_COHORT_MONTHS_MAX 1200

/**
 * Retention by enrolment month over the @p nmonths calendar months from
 * @p from_year-@p from_month, in the program's UTC offset (the calculator's
 * utc_offset_minutes, as every calendar rule of the program). Row r is the
 * cohort of members enrolled in month r of the range; its cells k = 0 ..
 * nmonths - 1 - r count the members of the cohort with an activity
 * (enrolment, purchase, redemption, engagement action) in month r + k. Cell
 * 0 is the cohort's size (every member enrolled in it).
 * Ownership: *out is new; free it with loyalty_cohorts_free.
 * Thread safety: reads the program under its lock.
 * Errors: LOYALTY_EINVAL (NULL, month outside 1..12, nmonths outside
 * 1..LOYALTY_COHORT_MONTHS_MAX, a year outside 1..9999), LOYALTY_ERANGE,
 * LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_program_cohorts(const loyalty_program *p, int from_year, int from_month, int nmonths,
                                        loyalty_cohorts **out);

/** Free a cohort table. Accepts NULL. */
LOYALTY_API void loyalty_cohorts_free(loyalty_cohorts *t);

/** Number of cohorts (rows): the nmonths asked for. */
LOYALTY_API size_t loyalty_cohorts_rows(const loyalty_cohorts *t);
/** The calendar month of row @p row. Errors: LOYALTY_EINVAL (NULL), LOYALTY_ERANGE (row). */
LOYALTY_API int loyalty_cohorts_month(const loyalty_cohorts *t, size_t row, int *year, int *month);
/** Members enrolled in row @p row's month; -1 out of range. */
LOYALTY_API int64_t loyalty_cohorts_size(const loyalty_cohorts *t, size_t row);
/** Number of cells of row @p row (months observed): rows - row; 0 out of range. */
LOYALTY_API size_t loyalty_cohorts_width(const loyalty_cohorts *t, size_t row);
/** Members of cohort @p row active in month row + @p k; -1 out of range. */
LOYALTY_API int64_t loyalty_cohorts_active(const loyalty_cohorts *t, size_t row, size_t k);
/**
 * active / size of a cell, reduced. Returns 1 (defined), 0 (an empty cohort:
 * *out = 0/1) or LOYALTY_EINVAL (NULL) / LOYALTY_ERANGE (out of range).
 */
LOYALTY_API int loyalty_cohorts_rate(const loyalty_cohorts *t, size_t row, size_t k, loyalty_fraction *out);

/* ---- survey scores --------------------------------------------------------------------- */

/**
 * Survey scores from counts of answers: @p counts[i] answers gave score
 * i + 1 on a 1..@p scale scale (5 or 10). The top two answers (4-5, or
 * 9-10) are positive; the score is positive / all answers, reduced (x 100 =
 * the percentage, see loyalty_percent_format).
 * CSAT (customer satisfaction: "how satisfied were you?") and CES (customer
 * effort: "the company made it easy to handle my issue", agree) are computed
 * the same way, as the seed design counts them; two names keep call sites
 * clear.
 * Returns 1 (defined), 0 (no answers at all: *out = 0/1), or LOYALTY_EINVAL
 * (NULL, a scale other than 5 or 10), LOYALTY_ERANGE (the total exceeds
 * INT64_MAX). Pure; safe from any thread.
 */
LOYALTY_API int loyalty_survey_csat(const uint64_t *counts, int scale, loyalty_fraction *out);
LOYALTY_API int loyalty_survey_ces(const uint64_t *counts, int scale, loyalty_fraction *out);

/* ---- rendering ---------------------------------------------------------------------------- */

/**
 * Write the ratio @p ratio as a percentage with @p decimals (0..6) places,
 * rounded half-even once (2/3 with 2 decimals -> "66.67"; 1/8 with 0 ->
 * "12"), and a NUL, into @p buf. Returns the length written, LOYALTY_ERANGE
 * when @p size is too small (32 bytes always suffice) or the value
 * overflows, LOYALTY_EINVAL (NULL, den <= 0, decimals out of range). Pure.
 */
LOYALTY_API int loyalty_percent_format(loyalty_fraction ratio, int decimals, char *buf, size_t size);

LOYALTY_END_DECLS

#endif /* LOYALTY_ANALYTICS_H */
