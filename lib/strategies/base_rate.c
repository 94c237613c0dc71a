/*
 * libloyalty - base_rate: N points per M minor units of eligible spend.
 *
 *   points=<fraction >= 0>  per=<int >= 1>  [exclude=<type>[,<type>...]]...
 *
 * Items of excluded product types (here, or excluded by the calculator) earn
 * nothing. Role: base.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>

#include "strategy_internal.h"

typedef struct {
	ly_frac points;
	int64_t per;
	ly_frac rate; /* points / per */
	ly_strset exclude;
} base_rate;

static void destroy(void *state)
{
	base_rate *s = state;

	ly_strset_free(&s->exclude);
	free(s);
}

static int create(const loyalty_params *p, void **state, loyalty_strategy_role *role)
{
	static const char *const keys[] = { "points", "per", NULL };
	static const char *const lists[] = { "exclude", NULL };
	base_rate *s;
	int rc;

	rc = ly_params_check(p, keys, lists, NULL);
	if (rc != LOYALTY_OK)
		return rc;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	if ((rc = ly_param_frac(p, "points", true, ly_frac_int(0), ly_frac_int(0), false, &s->points)) ||
	    (rc = ly_param_int(p, "per", true, 0, 1, INT64_MAX, &s->per)) ||
	    (rc = ly_param_list(p, "exclude", &s->exclude))) {
		destroy(s);
		return rc;
	}
	if (ly_frac_mul(s->points, (ly_frac){ 1, s->per }, &s->rate) != LOYALTY_OK) {
		destroy(s);
		return ly_error(LOYALTY_ERANGE, "points/per out of range");
	}
	*state = s;
	*role = LOYALTY_ROLE_BASE;
	return LOYALTY_OK;
}

static int describe(const void *state, loyalty_params *out)
{
	const base_rate *s = state;
	int rc;

	if ((rc = loyalty_params_add_fraction(out, "points", s->points)) ||
	    (rc = loyalty_params_add_int(out, "per", s->per)))
		return rc;
	return ly_params_add_list(out, "exclude", &s->exclude);
}

static int apply(const void *state, ly_calc_state *cs, ly_frac *points, int *applied, char *detail, size_t dsize)
{
	const base_rate *s = state;
	int64_t spend = 0;
	ly_frac sum = { 0, 1 }, pts;
	char rate[48];

	for (size_t i = 0; i < cs->n; i++) {
		if (!cs->eligible[i] || ly_strset_has(&s->exclude, cs->items[i].product_type))
			continue;
		spend += cs->items[i].line_total; /* bounded by the purchase total */
		if (ly_frac_mul(ly_frac_int(cs->items[i].line_total), s->rate, &pts) != LOYALTY_OK ||
		    ly_calc_add_item_base(cs, i, pts) != LOYALTY_OK || ly_frac_add(sum, pts, &sum) != LOYALTY_OK)
			return LOYALTY_ERANGE;
	}
	ly_frac_str(s->points, rate, sizeof rate);
	ly_fmt(detail, dsize, "%s per %lld on %lld eligible", rate, (long long)s->per, (long long)spend);
	*points = sum;
	*applied = 1;
	return LOYALTY_OK;
}

static void plan_rate(const void *state, const char *type, ly_frac *rate, ly_frac *pre)
{
	const base_rate *s = state;

	*rate = ly_strset_has(&s->exclude, type) ? ly_frac_int(0) : s->rate;
	*pre = *rate;
}

static int plan(const void *state, ly_plan_op *op)
{
	const base_rate *s = state;

	op->role = LOYALTY_ROLE_BASE;
	op->den = s->rate.den;
	op->rate = plan_rate;
	op->type_names = s->exclude.items;
	op->ntype_names = s->exclude.count;
	return LOYALTY_OK;
}

const ly_strategy_kind ly_kind_base_rate = {
	"base_rate",
	"Base points on eligible spend. points=<fraction>=0> per=<minor units>=1> "
	"[exclude=<product_type>,...]: every line earns line_total*points/per unless its type is excluded.",
	create, describe, apply, destroy, plan,
};
