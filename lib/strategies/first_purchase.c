/*
 * libloyalty - first_purchase: a welcome bonus on the customer's first purchase.
 *
 *   bonus=<int >= 0>
 *
 * The calculator is told whether a purchase is the first through
 * loyalty_calc_context.first_purchase. Role: bonus.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>

#include "strategy_internal.h"

static void destroy(void *state)
{
	free(state);
}

static int create(const loyalty_params *p, void **state, loyalty_strategy_role *role)
{
	static const char *const keys[] = { "bonus", NULL };
	int64_t bonus, *s;
	int rc;

	if ((rc = ly_params_check(p, keys, NULL, NULL)) ||
	    (rc = ly_param_int(p, "bonus", true, 0, 0, INT64_MAX, &bonus)))
		return rc;
	s = malloc(sizeof *s);
	if (s == NULL)
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	*s = bonus;
	*state = s;
	*role = LOYALTY_ROLE_BONUS;
	return LOYALTY_OK;
}

static int describe(const void *state, loyalty_params *out)
{
	return loyalty_params_add_int(out, "bonus", *(const int64_t *)state);
}

static int apply(const void *state, ly_calc_state *cs, ly_frac *points, int *applied, char *detail, size_t dsize)
{
	*applied = cs->first_purchase != 0;
	*points = ly_frac_int(*applied ? *(const int64_t *)state : 0);
	ly_fmt(detail, dsize, "%s", *applied ? "first purchase" : "not the first purchase");
	return LOYALTY_OK;
}

static int plan(const void *state, ly_plan_op *op)
{
	op->role = LOYALTY_ROLE_BONUS;
	op->den = 1;
	op->bonus = *(const int64_t *)state;
	op->first_purchase = true;
	return LOYALTY_OK;
}

const ly_strategy_kind ly_kind_first_purchase = {
	"first_purchase",
	"A welcome bonus on the customer's first purchase. bonus=<points>.",
	create, describe, apply, destroy, plan,
};
