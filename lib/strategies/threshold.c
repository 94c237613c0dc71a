/*
 * libloyalty - threshold: a flat bonus when eligible spend reaches a minimum.
 *
 *   min_spend=<int >= 0>  bonus=<int >= 0>
 *
 * Role: bonus.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>

#include "strategy_internal.h"

typedef struct {
	int64_t min_spend;
	int64_t bonus;
} threshold;

static void destroy(void *state)
{
	free(state);
}

static int create(const loyalty_params *p, void **state, loyalty_strategy_role *role)
{
	static const char *const keys[] = { "min_spend", "bonus", NULL };
	threshold t, *s;
	int rc;

	if ((rc = ly_params_check(p, keys, NULL, NULL)) ||
	    (rc = ly_param_int(p, "min_spend", true, 0, 0, INT64_MAX, &t.min_spend)) ||
	    (rc = ly_param_int(p, "bonus", true, 0, 0, INT64_MAX, &t.bonus)))
		return rc;
	s = malloc(sizeof *s);
	if (s == NULL)
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	*s = t;
	*state = s;
	*role = LOYALTY_ROLE_BONUS;
	return LOYALTY_OK;
}

static int describe(const void *state, loyalty_params *out)
{
	const threshold *s = state;
	int rc = loyalty_params_add_int(out, "min_spend", s->min_spend);

	return rc ? rc : loyalty_params_add_int(out, "bonus", s->bonus);
}

static int apply(const void *state, ly_calc_state *cs, ly_frac *points, int *applied, char *detail, size_t dsize)
{
	const threshold *s = state;

	*applied = cs->eligible_spend >= s->min_spend;
	*points = ly_frac_int(*applied ? s->bonus : 0);
	ly_fmt(detail, dsize, "eligible %lld %s %lld", (long long)cs->eligible_spend, *applied ? ">=" : "<",
	         (long long)s->min_spend);
	return LOYALTY_OK;
}

static int plan(const void *state, ly_plan_op *op)
{
	const threshold *s = state;

	op->role = LOYALTY_ROLE_BONUS;
	op->den = 1;
	op->bonus = s->bonus;
	op->min_spend = s->min_spend;
	return LOYALTY_OK;
}

const ly_strategy_kind ly_kind_threshold = {
	"threshold",
	"A flat bonus when eligible spend reaches a minimum. min_spend=<minor units> bonus=<points>.",
	create, describe, apply, destroy, plan,
};
