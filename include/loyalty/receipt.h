/*
 * libloyalty - a receipt: the points a purchase earns, explained.
 *
 * A receipt is an immutable value, independent of the calculator that made
 * it (it may outlive it). It holds the rounded total, the exact total before
 * rounding, the rounding applied, and one line per strategy in pipeline
 * order with its exact contribution and a short explanation.
 *
 * Thread safety: immutable; readable from any number of threads.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_RECEIPT_H
#define LOYALTY_RECEIPT_H

#include "loyalty/common.h"
#include "loyalty/types.h"
#include "loyalty/strategy.h"

LOYALTY_BEGIN_DECLS

typedef struct loyalty_receipt loyalty_receipt;

/** One strategy's part of a receipt. Strings are borrowed from the receipt. */
typedef struct loyalty_receipt_line {
	const char *strategy;      /**< the strategy's name in the calculator */
	const char *kind;          /**< its kind ("base_rate", ..., "custom") */
	loyalty_strategy_role role;
	int applied;               /**< 0 when the strategy's conditions did not hold */
	loyalty_fraction points;   /**< exact contribution (0/1 when not applied) */
	const char *detail;        /**< why: "1 per 100 on 2599 eligible", "outside window" */
} loyalty_receipt_line;

/** Free a receipt. Accepts NULL. */
LOYALTY_API void loyalty_receipt_free(loyalty_receipt *r);

/** A deep copy. Errors: LOYALTY_EINVAL, LOYALTY_ENOMEM. */
LOYALTY_API int loyalty_receipt_clone(loyalty_receipt **out, const loyalty_receipt *r);

/** The points earned: the exact total rounded once. 0 for NULL. */
LOYALTY_API loyalty_points loyalty_receipt_points(const loyalty_receipt *r);

/** The exact total before rounding, reduced. 0/1 for NULL. */
LOYALTY_API loyalty_fraction loyalty_receipt_exact_points(const loyalty_receipt *r);

/** The exact base points (sum of the BASE lines). */
LOYALTY_API loyalty_fraction loyalty_receipt_base_points(const loyalty_receipt *r);

/** points - exact: what rounding added (positive) or removed (negative). */
LOYALTY_API loyalty_fraction loyalty_receipt_rounding_adjustment(const loyalty_receipt *r);

/** The rounding mode that was applied. */
LOYALTY_API loyalty_rounding loyalty_receipt_rounding(const loyalty_receipt *r);

/** The purchase total and the part of it eligible for points, in minor units. */
LOYALTY_API int64_t loyalty_receipt_spend(const loyalty_receipt *r);
LOYALTY_API int64_t loyalty_receipt_eligible_spend(const loyalty_receipt *r);

/** The purchase's key and currency, and the customer (borrowed). */
LOYALTY_API const char *loyalty_receipt_purchase_key(const loyalty_receipt *r);
LOYALTY_API const char *loyalty_receipt_currency(const loyalty_receipt *r);
LOYALTY_API const loyalty_id *loyalty_receipt_customer_id(const loyalty_receipt *r);

/* ---- filled when a program records the purchase (loyalty_program_record_purchase) ---- */

/** Non-zero when the receipt comes from a program that recorded the purchase. */
LOYALTY_API int loyalty_receipt_recorded(const loyalty_receipt *r);
/** Points credited to the customer: loyalty_receipt_points() less what caps removed. */
LOYALTY_API loyalty_points loyalty_receipt_credited(const loyalty_receipt *r);
/** Points removed by the program's earning caps (0 when none applied). */
LOYALTY_API loyalty_points loyalty_receipt_capped(const loyalty_receipt *r);
/** When the credited points become available; 0 when they were available at once. */
LOYALTY_API loyalty_time loyalty_receipt_pending_until(const loyalty_receipt *r);
/** The seq of the EARN ledger entry (0 when nothing was credited or not recorded). */
LOYALTY_API uint64_t loyalty_receipt_entry_seq(const loyalty_receipt *r);

/** Number of lines (one per strategy of the calculator). */
LOYALTY_API size_t loyalty_receipt_line_count(const loyalty_receipt *r);

/**
 * Copy the i-th line into @p out (strings borrowed from @p r).
 * Errors: LOYALTY_EINVAL (NULL), LOYALTY_ERANGE (i out of range).
 */
LOYALTY_API int loyalty_receipt_line_at(const loyalty_receipt *r, size_t i, loyalty_receipt_line *out);

/**
 * Render the receipt as readable multi-line text into @p buf, like snprintf:
 * writes at most @p size bytes including the NUL (buf may be NULL when size
 * is 0) and returns the length the whole text needs, without the NUL, or a
 * negative status (LOYALTY_EINVAL for a NULL receipt).
 */
LOYALTY_API int loyalty_receipt_format(const loyalty_receipt *r, char *buf, size_t size);

LOYALTY_END_DECLS

#endif /* LOYALTY_RECEIPT_H */
