/*
 * libloyalty - the reward calculator: an ordered pipeline of strategies.
 *
 * A calculator computes how many points a purchase earns for a customer
 * without changing either: it returns a receipt. Build it once (options,
 * exclusions, strategies in pipeline order), then compute as often as you
 * like.
 *
 * Thread safety: building (add/exclude) must happen on one thread before
 * sharing. loyalty_calculator_compute(), _score() and _score_columns() only
 * read the calculator and may run on many threads at once (custom strategies
 * must then be thread safe too).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_CALCULATOR_H
#define LOYALTY_CALCULATOR_H

#include "loyalty/common.h"
#include "loyalty/types.h"
#include "loyalty/customer.h"
#include "loyalty/purchase.h"
#include "loyalty/params.h"
#include "loyalty/strategy.h"
#include "loyalty/receipt.h"

LOYALTY_BEGIN_DECLS

typedef struct loyalty_calculator loyalty_calculator;

/** How several multipliers on the same points combine. */
typedef enum loyalty_stacking {
	/** each multiplier scales the base points only: x2 and x3/2 give base * (1 + 1 + 1/2) */
	LOYALTY_STACK_ADDITIVE = 0,
	/** each multiplier scales what the previous ones produced: x2 and x3/2 give base * 3 */
	LOYALTY_STACK_COMPOUND = 1
} loyalty_stacking;

#define LOYALTY_CALCULATOR_OPTIONS_VERSION 1

/** Calculator options. Initialise with LOYALTY_CALCULATOR_OPTIONS_INIT or loyalty_calculator_options_init(). */
typedef struct loyalty_calculator_options {
	unsigned int version;        /**< LOYALTY_CALCULATOR_OPTIONS_VERSION */
	char currency[4];            /**< ISO 4217 code of every purchase (required) */
	loyalty_rounding rounding;   /**< applied once to each total; default floor */
	int utc_offset_minutes;      /**< calendar offset for birthdays, weekdays; default 0 */
	loyalty_stacking stacking;   /**< default additive */
} loyalty_calculator_options;

#define LOYALTY_CALCULATOR_OPTIONS_INIT \
	{ LOYALTY_CALCULATOR_OPTIONS_VERSION, "", LOYALTY_ROUND_FLOOR, 0, LOYALTY_STACK_ADDITIVE }

/** Fill @p opts with defaults for @p version. Errors: LOYALTY_EINVAL (NULL, unknown version). */
LOYALTY_API int loyalty_calculator_options_init(loyalty_calculator_options *opts, unsigned int version);

/**
 * Create an empty calculator (it computes 0 points until strategies are added).
 * Ownership: *out is new; free with loyalty_calculator_free().
 * Errors: LOYALTY_EINVAL (NULL, unknown version, rounding, stacking, offset
 * outside +-14:00), LOYALTY_ECURRENCY (missing or unknown currency), LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_calculator_new(loyalty_calculator **out, const loyalty_calculator_options *opts);

/** Free the calculator; runs the destructor of every custom strategy once. Accepts NULL. */
LOYALTY_API void loyalty_calculator_free(loyalty_calculator *c);

/** The options the calculator was created with (copied into @p out). Errors: LOYALTY_EINVAL. */
LOYALTY_API int loyalty_calculator_options_get(const loyalty_calculator *c, loyalty_calculator_options *out);

/**
 * Exclude a product type from earning: its items earn nothing from any
 * strategy and do not count as eligible spend (thresholds, minimum spends).
 * Errors: LOYALTY_EINVAL (malformed type), LOYALTY_EDUPLICATE, LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_calculator_exclude_product_type(loyalty_calculator *c, const char *product_type);

/** The number of excluded product types, and the i-th (borrowed, NULL when out of range). */
LOYALTY_API size_t loyalty_calculator_excluded_count(const loyalty_calculator *c);
LOYALTY_API const char *loyalty_calculator_excluded(const loyalty_calculator *c, size_t i);

/**
 * Append a built-in strategy of @p kind named @p name, configured by a
 * parameter text, e.g.
 *
 *     loyalty_calculator_add(calc, "base_rate", "dollar", "points=1 per=100");
 *
 * Names are 1..64 bytes of [A-Za-z0-9_.-], unique in the calculator.
 * Errors: LOYALTY_EINVAL (NULL, malformed name or parameters; the message
 * names the parameter), LOYALTY_ENOTFOUND (unknown kind), LOYALTY_EDUPLICATE
 * (name taken), LOYALTY_ERANGE (a parameter out of range), LOYALTY_ENOMEM.
 * On failure the calculator is unchanged.
 */
LOYALTY_API int loyalty_calculator_add(loyalty_calculator *c, const char *kind, const char *name,
                                       const char *params);

/** As loyalty_calculator_add(), with parameters as a list. @p params is borrowed. */
LOYALTY_API int loyalty_calculator_add_params(loyalty_calculator *c, const char *kind, const char *name,
                                              const loyalty_params *params);

/**
 * Append a custom strategy. The calculator takes ownership of @p user_data:
 * @p destroy (may be NULL) is called exactly once, when the calculator is
 * freed, or before this function returns if it fails.
 * Errors: LOYALTY_EINVAL (NULL calculator/fn, bad name or role),
 * LOYALTY_EDUPLICATE, LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_calculator_add_custom(loyalty_calculator *c, const char *name,
                                              loyalty_strategy_role role, loyalty_strategy_fn fn,
                                              void *user_data, loyalty_destroy_fn destroy);

/** Number of strategies in the pipeline. */
LOYALTY_API size_t loyalty_calculator_strategy_count(const loyalty_calculator *c);

/** The i-th strategy's name / kind (borrowed), NULL when out of range. */
LOYALTY_API const char *loyalty_calculator_strategy_name(const loyalty_calculator *c, size_t i);
LOYALTY_API const char *loyalty_calculator_strategy_kind(const loyalty_calculator *c, size_t i);

/** The i-th strategy's role (a loyalty_strategy_role), or LOYALTY_ERANGE when out of range / NULL. */
LOYALTY_API int loyalty_calculator_strategy_role(const loyalty_calculator *c, size_t i);

/**
 * The i-th strategy's parameters in canonical form (borrowed): adding a
 * strategy of the same kind with them rebuilds an identical strategy.
 * NULL for custom strategies and out-of-range i.
 */
LOYALTY_API const loyalty_params *loyalty_calculator_strategy_params(const loyalty_calculator *c, size_t i);

#define LOYALTY_CALC_CONTEXT_VERSION 1

/** Facts about the customer that the purchase alone does not tell. */
typedef struct loyalty_calc_context {
	unsigned int version;   /**< LOYALTY_CALC_CONTEXT_VERSION */
	int first_purchase;     /**< non-zero: this is the customer's first purchase */
} loyalty_calc_context;

#define LOYALTY_CALC_CONTEXT_INIT { LOYALTY_CALC_CONTEXT_VERSION, 0 }

/**
 * Compute the points @p purchase earns for @p customer. Changes nothing but
 * *out. @p ctx may be NULL (not a first purchase).
 * Ownership: *out is a new receipt; free it with loyalty_receipt_free().
 * Errors: LOYALTY_EINVAL (NULL, the purchase is for another customer, bad
 * context version), LOYALTY_ECURRENCY (purchase currency differs from the
 * calculator's), LOYALTY_ERANGE (an intermediate value overflows),
 * LOYALTY_EUSER (a custom strategy failed; the message says which and why),
 * LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_calculator_compute(const loyalty_calculator *c, const loyalty_customer *customer,
                                           const loyalty_purchase *purchase, const loyalty_calc_context *ctx,
                                           loyalty_receipt **out);

/**
 * The points loyalty_calculator_compute() would put in its receipt, without
 * making a receipt: the same exact arithmetic and rounding, the same checks
 * and errors, no allocation for purchases of up to 16 items.
 * Thread safety: as compute (read-only on the calculator; any number of
 * threads). Errors: as loyalty_calculator_compute(), with *out unchanged.
 */
LOYALTY_API int loyalty_calculator_score(const loyalty_calculator *c, const loyalty_customer *customer,
                                         const loyalty_purchase *purchase, const loyalty_calc_context *ctx,
                                         loyalty_points *out);

#define LOYALTY_SCORE_COLUMNS_VERSION 1

/**
 * A batch of purchases as columns (struct of arrays), for
 * loyalty_calculator_score_columns(). Every array is borrowed for the call.
 * Purchase i is made by customer customer[i] at at[i] and has the lines
 * line_start[i] .. line_start[i+1]-1; nlines is line_start[npurchases].
 * Purchases have no channel, no key and no SKUs; customers have no id.
 */
typedef struct loyalty_score_columns {
	unsigned int version;            /**< LOYALTY_SCORE_COLUMNS_VERSION */
	size_t npurchases;
	const loyalty_time *at;          /**< [npurchases] ms since the epoch */
	const uint32_t *customer;        /**< [npurchases] index into the customer columns */
	const uint32_t *line_start;      /**< [npurchases + 1] purchase i has lines line_start[i] .. line_start[i+1]-1; line_start[0] == 0 */
	const uint32_t *line_type;       /**< [nlines] index into type_names */
	const int64_t *quantity;         /**< [nlines] >= 1 */
	const int64_t *unit_price;       /**< [nlines] minor units >= 0 */
	const char *const *type_names;   /**< [ntypes] product type names */
	size_t ntypes;
	size_t ncustomers;
	const uint32_t *customer_tier;   /**< [ncustomers] index into tier_names, UINT32_MAX = no tier; NULL = nobody has a tier */
	const char *const *tier_names;   /**< [ntiers] */
	size_t ntiers;
	const uint8_t *birth_month;      /**< [ncustomers] 1..12, 0 = no birthday; NULL = nobody */
	const uint8_t *birth_day;        /**< [ncustomers] 1..31 (valid for the month, 29 Feb allowed) */
	const uint8_t *first_purchase;   /**< [npurchases] non-zero = the customer's first purchase; NULL = none */
	const char *currency;            /**< the purchases' currency (ISO code); must be the calculator's */
} loyalty_score_columns;

/* every field named, so that -Wextra (missing-field-initializers) stays quiet */
#define LOYALTY_SCORE_COLUMNS_INIT \
	{ LOYALTY_SCORE_COLUMNS_VERSION, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL, 0, NULL, NULL, \
	  NULL, NULL }

/**
 * Score a batch of purchases given as columns: points[i] is what
 * loyalty_calculator_compute() would give purchase i (a purchase without
 * channel, for a customer with the tier and birthday of its columns).
 *
 * First the columns are checked: a NULL array that is required (at,
 * customer, line_start when npurchases > 0; line_type, quantity, unit_price
 * when there are lines; type_names, tier_names when their count is not 0;
 * birth_day with birth_month), an index out of range, line_start not
 * starting at 0 or decreasing, a quantity < 1, a unit price < 0, a month
 * outside 0..12 or a day not in the month (29 February is allowed), a name
 * that is not a valid product type or tier name: LOYALTY_EINVAL; a currency
 * other than the calculator's: LOYALTY_ECURRENCY. The message names the
 * column and index, and nothing is written. Every row is checked, used or
 * not: pass customer columns of about the batch's size.
 *
 * Then each purchase is scored. A purchase that fails (LOYALTY_ERANGE: a
 * line or purchase total beyond int64 or an overflow in the arithmetic;
 * LOYALTY_EUSER: a custom strategy failed) gets points 0 and its status in
 * status[i]; the others get LOYALTY_OK. The call then returns the first
 * failure's status with a message naming that purchase's index, or
 * LOYALTY_OK when every purchase succeeded.
 *
 * Custom strategies see a purchase with an empty key and channel, lines with
 * an empty SKU and a customer with the nil id.
 *
 * @p points: [npurchases], written. @p status: [npurchases] or NULL.
 * Thread safety: as compute (read-only on the calculator; any number of
 * threads, each with its own output arrays).
 * Errors: LOYALTY_EINVAL, LOYALTY_ECURRENCY (nothing written),
 * LOYALTY_ERANGE, LOYALTY_EUSER (per purchase, see above), LOYALTY_ENOMEM
 * (nothing written).
 */
LOYALTY_API int loyalty_calculator_score_columns(const loyalty_calculator *c, const loyalty_score_columns *cols,
                                                 loyalty_points *points, int *status);

LOYALTY_END_DECLS

#endif /* LOYALTY_CALCULATOR_H */
