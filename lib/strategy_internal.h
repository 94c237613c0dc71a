/*
 * libloyalty - the private strategy interface every built-in kind implements,
 * and the calculation state the calculator hands to them.
 *
 * Strategies know nothing of programs or stores: they read the customer, the
 * purchase and the points accumulated so far, and return their own exact
 * contribution.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LY_STRATEGY_INTERNAL_H
#define LY_STRATEGY_INTERNAL_H

#include "customer_internal.h"
#include "params_internal.h"
#include "purchase_internal.h"
#include "loyalty/strategy.h"
#include "loyalty/calculator.h"

/* The state of one calculation, shared by the strategies of the pipeline. */
typedef struct ly_calc_state {
	const loyalty_customer *customer;
	const loyalty_purchase *purchase;
	int first_purchase;
	int utc_offset;
	int stacking;               /* loyalty_stacking */
	size_t n;                   /* items */
	const ly_item *items;
	const unsigned char *eligible; /* per item: not excluded by the calculator */
	int64_t spend;              /* purchase total */
	int64_t eligible_spend;
	ly_frac *item_base;         /* per item: base points */
	ly_frac *item_cur;          /* per item: base points scaled by multipliers so far */
	ly_frac other_base;         /* base points not tied to an item (custom BASE strategies) */
	ly_frac other_cur;
	ly_frac base_total;         /* sum of BASE contributions so far */
	ly_frac total;              /* sum of every contribution so far */
	/* the purchase's local calendar date at the calculator's offset */
	int64_t local_day;
	int64_t year;
	int month, day, weekday;
} ly_calc_state;

typedef struct ly_strategy_kind {
	const char *name;
	const char *help;
	/* Validate @p params and build the strategy's state; on error set a
	 * message naming the parameter (without any prefix) and return it. */
	int (*create)(const loyalty_params *params, void **state, loyalty_strategy_role *role);
	/* Canonical parameters of a built state, appended to @p out. */
	int (*describe)(const void *state, loyalty_params *out);
	/* Compute this strategy's contribution. */
	int (*apply)(const void *state, ly_calc_state *cs, ly_frac *points, int *applied, char *detail,
	             size_t dsize);
	void (*destroy)(void *state);
} ly_strategy_kind;

const ly_strategy_kind *ly_strategy_kind_find(const char *name);

/* calculator.c: a program takes a calculator and makes it immutable */
int ly_calculator_attach(loyalty_calculator *c);
void ly_calculator_detach(loyalty_calculator *c);

/* calculator.c: the pipeline over one purchase, for compute, score and
 * score_columns. With @p out a receipt is made (*points may be NULL), without
 * only *points is set. Messages start with @p fn. The caller has checked
 * the arguments. */
int ly_calc_run(const loyalty_calculator *c, const loyalty_customer *customer, const loyalty_purchase *purchase,
                int first_purchase, loyalty_receipt **out, loyalty_points *points, const char *fn);
const loyalty_calculator_options *ly_calc_options(const loyalty_calculator *c);

extern const ly_strategy_kind ly_kind_base_rate;
extern const ly_strategy_kind ly_kind_product_type;
extern const ly_strategy_kind ly_kind_tier_multiplier;
extern const ly_strategy_kind ly_kind_campaign;
extern const ly_strategy_kind ly_kind_birthday;
extern const ly_strategy_kind ly_kind_threshold;
extern const ly_strategy_kind ly_kind_first_purchase;

/* ---- helpers for strategies (calculator.c) -------------------------------- */

/* Add base points attributed to item i. */
int ly_calc_add_item_base(ly_calc_state *cs, size_t i, ly_frac pts);

/* Apply a multiplier to the base points of the items that @p match accepts
 * (every item and the unattributed base when @p match is NULL), honouring
 * the stacking mode; *extra receives the points it adds. */
typedef bool (*ly_item_match)(const ly_item *item, const void *arg);
int ly_calc_scale(ly_calc_state *cs, ly_frac multiplier, ly_item_match match, const void *arg, ly_frac *extra);

/* ---- parameter readers (strategies/params_read.c) --------------------------
 * Each sets a message "parameter 'key' ..." on failure. */

/* Fail on any key that is neither in @p keys nor starts with @p prefix (may be
 * NULL), and on a repeated key that is not in @p list_keys. */
int ly_params_check(const loyalty_params *p, const char *const *keys, const char *const *list_keys,
                    const char *prefix);
/* An integer in [min, max]; *out = def when absent and !required. */
int ly_param_int(const loyalty_params *p, const char *key, bool required, int64_t def, int64_t min, int64_t max,
                 int64_t *out);
/* A fraction >= min (strictly > min when @p strict); *out = def when absent and !required. */
int ly_param_frac(const loyalty_params *p, const char *key, bool required, ly_frac def, ly_frac min, bool strict,
                  ly_frac *out);
/* Every value of @p key, split at commas, each an identifier, into @p out (distinct). */
int ly_param_list(const loyalty_params *p, const char *key, ly_strset *out);
/* One of @p choices (NULL-terminated); *out is its index; def when absent. */
int ly_param_choice(const loyalty_params *p, const char *key, const char *const *choices, int def, int *out);
/* Append a comma-joined list (if not empty) to canonical params. */
int ly_params_add_list(loyalty_params *out, const char *key, const ly_strset *list);

#endif
