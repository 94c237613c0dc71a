/*
 * libloyalty - tier_multiplier: scales base points by the customer's tier.
 *
 *   tier.<name>=<fraction >= 0>...
 *
 * A customer whose tier is not listed (or who has none) gets x1. Role: multiplier.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategy_internal.h"

typedef struct {
	size_t count;
	char **tiers;
	ly_frac *mult;
} tier_multiplier;

static void destroy(void *state)
{
	tier_multiplier *s = state;

	for (size_t i = 0; i < s->count; i++)
		free(s->tiers[i]);
	free(s->tiers);
	free(s->mult);
	free(s);
}

static int create(const loyalty_params *p, void **state, loyalty_strategy_role *role)
{
	tier_multiplier *s;
	int rc;

	rc = ly_params_check(p, NULL, NULL, "tier.");
	if (rc != LOYALTY_OK)
		return rc;
	if (p->count == 0)
		return ly_error(LOYALTY_EINVAL, "at least one tier.<name>=<multiplier> is required");
	s = calloc(1, sizeof *s);
	if (s == NULL || (s->tiers = calloc(p->count, sizeof *s->tiers)) == NULL ||
	    (s->mult = calloc(p->count, sizeof *s->mult)) == NULL) {
		if (s)
			destroy(s);
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < p->count; i++) {
		const char *tier = p->keys[i] + 5;
		if (!ly_is_ident(tier, LOYALTY_TIER_NAME_MAX)) {
			destroy(s);
			return ly_error(LOYALTY_EINVAL, "parameter '%s': bad tier name", p->keys[i]);
		}
		rc = ly_param_frac(p, p->keys[i], true, ly_frac_int(1), ly_frac_int(0), false, &s->mult[s->count]);
		if (rc == LOYALTY_OK && (s->tiers[s->count] = ly_strdup(tier)) == NULL)
			rc = ly_error(LOYALTY_ENOMEM, "out of memory");
		if (rc != LOYALTY_OK) {
			destroy(s);
			return rc;
		}
		s->count++;
	}
	*state = s;
	*role = LOYALTY_ROLE_MULTIPLIER;
	return LOYALTY_OK;
}

static int describe(const void *state, loyalty_params *out)
{
	const tier_multiplier *s = state;
	char key[LOYALTY_PARAM_KEY_MAX + 8];
	int rc = LOYALTY_OK;

	for (size_t i = 0; rc == LOYALTY_OK && i < s->count; i++) {
		snprintf(key, sizeof key, "tier.%s", s->tiers[i]);
		rc = loyalty_params_add_fraction(out, key, s->mult[i]);
	}
	return rc;
}

static int apply(const void *state, ly_calc_state *cs, ly_frac *points, int *applied, char *detail, size_t dsize)
{
	const tier_multiplier *s = state;
	const char *tier = cs->customer->tier;
	char m[48];

	for (size_t i = 0; i < s->count; i++) {
		if (strcmp(s->tiers[i], tier) != 0)
			continue;
		if (ly_calc_scale(cs, s->mult[i], NULL, NULL, points) != LOYALTY_OK)
			return LOYALTY_ERANGE;
		ly_frac_str(s->mult[i], m, sizeof m);
		ly_fmt(detail, dsize, "x%s for tier %s", m, tier);
		*applied = 1;
		return LOYALTY_OK;
	}
	ly_fmt(detail, dsize, *tier ? "no multiplier for tier %s" : "customer has no tier", tier);
	*applied = 0;
	return LOYALTY_OK;
}

static ly_frac plan_mult(const void *state, const char *type, const char *tier)
{
	const tier_multiplier *s = state;

	(void)type;
	for (size_t i = 0; i < s->count; i++)
		if (strcmp(s->tiers[i], tier) == 0)
			return s->mult[i];
	return ly_frac_int(1);
}

static int plan(const void *state, ly_plan_op *op)
{
	const tier_multiplier *s = state;

	op->role = LOYALTY_ROLE_MULTIPLIER;
	op->den = 1;
	for (size_t i = 0; i < s->count; i++)
		op->den = ly_lcm64(op->den, s->mult[i].den);
	op->mult = plan_mult;
	op->tier_names = s->tiers;
	op->ntier_names = s->count;
	return LOYALTY_OK;
}

const ly_strategy_kind ly_kind_tier_multiplier = {
	"tier_multiplier",
	"Scales base points by the customer's tier. tier.<name>=<fraction>=0>...; "
	"tiers not listed get x1.",
	create, describe, apply, destroy, plan,
};
