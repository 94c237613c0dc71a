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

/*
 * A built-in strategy described as data, for the integer plan of lib/score.c
 * (additive stacking only). A strategy contributes:
 *  - BASE: rate(type) * line_total on each eligible line;
 *  - MULTIPLIER: (mult(type, tier) - 1) * the line's base points so far, on
 *    each eligible line;
 *  - BONUS: bonus;
 * when every condition below holds (none for a plain rate or multiplier).
 * The strategy's apply() stays the reference: lib/score.c must give the
 * points apply() gives, and tests/unit/test_score.c checks that it does.
 */
typedef struct ly_plan_op {
	loyalty_strategy_role role;
	const void *state;
	/* lcm of the denominators of every rate (BASE) or multiplier
	 * (MULTIPLIER) it can give; 1 for BONUS; 0 when it does not fit int64 */
	int64_t den;
	/* BASE: the rate of an eligible line of @p type (0/1: it earns nothing),
	 * and the largest fraction a line total is multiplied by on the way
	 * (for the overflow bound); its denominator divides den */
	void (*rate)(const void *state, const char *type, ly_frac *rate, ly_frac *pre);
	/* MULTIPLIER: the multiplier of an eligible line of @p type for a customer
	 * of @p tier ("" for none); 1/1 when the line is not scaled */
	ly_frac (*mult)(const void *state, const char *type, const char *tier);
	int64_t bonus;             /* BONUS */
	/* conditions */
	bool has_start, has_end;   /* start <= purchase time < end */
	int64_t start, end;
	unsigned weekdays;         /* local weekdays, bit (weekday-1); 0 = any */
	const ly_strset *channels; /* the purchase's channel in it (NULL or empty: any) */
	const ly_strset *tiers;    /* the customer's tier in it (NULL or empty: any) */
	const ly_strset *types;    /* the covered lines: eligible lines of these types (NULL or empty: every eligible line) */
	bool need_cover;           /* covered spend > 0 */
	int64_t min_spend;         /* covered spend >= min_spend */
	int birthday;              /* 0, or 1 + the period (day, week, month) of ly_birthday_in_period() */
	int feb29;
	bool first_purchase;       /* the customer's first purchase */
	/* every product type and tier name the strategy treats apart from others
	 * (a name not listed behaves as any other name not listed) */
	char *const *type_names;
	size_t ntype_names;
	char *const *tier_names;
	size_t ntier_names;
} ly_plan_op;

/* birthday.c: does the local date (day number, year, month) fall in the
 * birthday @p period (0 day, 1 week, 2 month) of a customer born bmonth/bday? */
bool ly_birthday_in_period(int period, int feb29, int64_t local_day, int64_t year, int month, int bmonth, int bday);

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
	/* Describe the strategy for the integer plan (op->state is set by the
	 * caller); LOYALTY_OK, or an error when it cannot be planned. */
	int (*plan)(const void *state, ly_plan_op *op);
} ly_strategy_kind;

const ly_strategy_kind *ly_strategy_kind_find(const char *name);

/* util.c: snprintf for receipt details, without stdio: only %s, %d, %02d,
 * %lld, %zu and %% (the same text; truncated to size - 1 bytes and NUL). */
void ly_fmt(char *buf, size_t size, const char *fmt, ...) LY_PRINTF(3, 4);

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
const ly_strset *ly_calc_excluded(const loyalty_calculator *c);

/* The calculator's strategies as plan ops, kept up to date by add/exclude
 * (built while the calculator is built, on one thread; read-only after). */
typedef struct ly_calc_plan {
	bool usable;           /* additive stacking and every strategy has a plan op */
	int64_t lr, lm;        /* lcm of the BASE ops' and of the MULTIPLIER ops' den */
	size_t count;
	const ly_plan_op *ops; /* [count], pipeline order */
} ly_calc_plan;
const ly_calc_plan *ly_calc_get_plan(const loyalty_calculator *c);

/* score.c: the calculator's own plan over the names its strategies mention,
 * for loyalty_calculator_score. Built by add/exclude (one thread, before
 * sharing), read-only afterwards. NULL when the plan does not cover the
 * calculator; LOYALTY_ENOMEM. */
typedef struct ly_score_plan ly_score_plan;
int ly_score_plan_build(const loyalty_calculator *c, ly_score_plan **out);
void ly_score_plan_free(ly_score_plan *p);
const ly_score_plan *ly_calc_score_plan(const loyalty_calculator *c);

/* score.c: the points of one purchase through the plan, or through
 * ly_calc_run when the plan does not cover it. */
int ly_score_one(const loyalty_calculator *c, const loyalty_customer *customer, const loyalty_purchase *purchase,
                 int first_purchase, loyalty_points *points, const char *fn);

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
