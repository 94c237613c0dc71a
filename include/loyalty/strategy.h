/*
 * libloyalty - the strategy interface: built-in kinds and custom strategies.
 *
 * A calculator runs an ordered pipeline of strategies. Each has a role:
 *  - BASE strategies turn eligible spend into base points (base_rate,
 *    product_type);
 *  - MULTIPLIER strategies scale base points and contribute the extra
 *    (tier_multiplier, product_type with mode=multiplier, campaign with
 *    multiplier=, birthday with multiplier=);
 *  - BONUS strategies add flat points (threshold, first_purchase, campaign
 *    with bonus=, birthday with bonus=).
 * Every contribution is an exact fraction; the calculator rounds the total
 * once. See docs/STRATEGIES.md for each kind's parameters and rules.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_STRATEGY_H
#define LOYALTY_STRATEGY_H

#include "loyalty/common.h"
#include "loyalty/types.h"
#include "loyalty/customer.h"
#include "loyalty/purchase.h"

LOYALTY_BEGIN_DECLS

/** What a strategy's contribution means. */
typedef enum loyalty_strategy_role {
	LOYALTY_ROLE_BASE       = 0, /**< adds base points, which later multipliers scale */
	LOYALTY_ROLE_MULTIPLIER = 1, /**< adds the extra points of a multiplier */
	LOYALTY_ROLE_BONUS      = 2  /**< adds flat points, never scaled */
} loyalty_strategy_role;

/** "base", "multiplier", "bonus", or NULL for an unknown role. */
LOYALTY_API const char *loyalty_strategy_role_name(int role);

/* ---- the registry of built-in kinds --------------------------------------- */

/** Number of built-in strategy kinds. */
LOYALTY_API size_t loyalty_strategy_kind_count(void);

/** The i-th built-in kind's name ("base_rate"), or NULL when out of range. */
LOYALTY_API const char *loyalty_strategy_kind_name(size_t i);

/**
 * A one-paragraph description of a kind's parameters (static string), or
 * NULL when @p kind is unknown.
 */
LOYALTY_API const char *loyalty_strategy_kind_help(const char *kind);

/* ---- custom strategies ---------------------------------------------------- */

/** The version of loyalty_strategy_input this header describes. */
#define LOYALTY_STRATEGY_INPUT_VERSION 1

/**
 * What a custom strategy sees. Everything is borrowed for the duration of
 * the call and read-only. Fields may be appended in later versions (check
 * @c version), never removed or reordered.
 */
typedef struct loyalty_strategy_input {
	unsigned int version;               /**< LOYALTY_STRATEGY_INPUT_VERSION or later */
	const loyalty_customer *customer;   /**< the buyer */
	const loyalty_purchase *purchase;   /**< what was bought */
	int first_purchase;                 /**< non-zero if this is the customer's first purchase */
	int utc_offset_minutes;             /**< the calculator's calendar offset */
	int64_t eligible_spend;             /**< minor units on items the calculator does not exclude */
	loyalty_fraction base_points;       /**< base points of the strategies before this one */
	loyalty_fraction points;            /**< all points of the strategies before this one */
} loyalty_strategy_input;

/**
 * A custom strategy: compute this strategy's contribution into @p out (an
 * exact fraction with den > 0; it may be negative) and return 0. Return any
 * non-zero value to fail the calculation: the calculator then returns
 * LOYALTY_EUSER with the message the callback set with loyalty_error_set(),
 * prefixed by the strategy's name. @p user_data is what was registered.
 *
 * The callback may run on any thread that calls loyalty_calculator_compute(),
 * concurrently when several threads compute at once; it must not call back
 * into the calculator that runs it.
 */
typedef int (*loyalty_strategy_fn)(const loyalty_strategy_input *in, loyalty_fraction *out,
                                   void *user_data);

/** Releases a custom strategy's user data. Called exactly once. */
typedef void (*loyalty_destroy_fn)(void *user_data);

LOYALTY_END_DECLS

#endif /* LOYALTY_STRATEGY_H */
