/*
 * libloyalty - campaign: a multiplier or a flat bonus inside a time window.
 *
 *   multiplier=<fraction >= 0> | bonus=<int >= 0>     (exactly one)
 *   [start=<ms>] [end=<ms>]     the window [start, end): start inclusive, end exclusive
 *   [weekdays=mon,...,sun]      local weekdays at the calculator's UTC offset
 *   [type=<product_type>,...]   only lines of these types (multiplier scales only them;
 *                               min_spend counts only them)
 *   [channel=<name>,...]  [tier=<name>,...]  [min_spend=<int >= 0>]
 *
 * Role: multiplier with multiplier=, bonus with bonus=.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategy_internal.h"

static const char *const day_names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

typedef struct {
	bool is_bonus;
	ly_frac multiplier;
	int64_t bonus;
	bool has_start, has_end;
	int64_t start, end;
	unsigned weekdays; /* bit (weekday-1); 0 = any day */
	ly_strset types, channels, tiers;
	int64_t min_spend;
} campaign;

static void destroy(void *state)
{
	campaign *s = state;

	ly_strset_free(&s->types);
	ly_strset_free(&s->channels);
	ly_strset_free(&s->tiers);
	free(s);
}

static int create(const loyalty_params *p, void **state, loyalty_strategy_role *role)
{
	static const char *const keys[] = { "multiplier", "bonus", "start", "end", "min_spend", NULL };
	static const char *const lists[] = { "weekdays", "type", "channel", "tier", NULL };
	ly_strset days = { NULL, 0, 0 };
	campaign *s;
	int rc;

	rc = ly_params_check(p, keys, lists, NULL);
	if (rc != LOYALTY_OK)
		return rc;
	if ((loyalty_params_get(p, "multiplier") != NULL) == (loyalty_params_get(p, "bonus") != NULL))
		return ly_error(LOYALTY_EINVAL, "exactly one of 'multiplier' and 'bonus' is required");
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	s->is_bonus = loyalty_params_get(p, "bonus") != NULL;
	s->has_start = loyalty_params_get(p, "start") != NULL;
	s->has_end = loyalty_params_get(p, "end") != NULL;
	if ((rc = s->is_bonus ? ly_param_int(p, "bonus", true, 0, 0, INT64_MAX, &s->bonus)
	                      : ly_param_frac(p, "multiplier", true, ly_frac_int(1), ly_frac_int(0), false,
	                                      &s->multiplier)) ||
	    (rc = ly_param_int(p, "start", false, 0, INT64_MIN, INT64_MAX, &s->start)) ||
	    (rc = ly_param_int(p, "end", false, 0, INT64_MIN, INT64_MAX, &s->end)) ||
	    (rc = ly_param_int(p, "min_spend", false, 0, 0, INT64_MAX, &s->min_spend)) ||
	    (rc = ly_param_list(p, "type", &s->types)) || (rc = ly_param_list(p, "channel", &s->channels)) ||
	    (rc = ly_param_list(p, "tier", &s->tiers)) || (rc = ly_param_list(p, "weekdays", &days)))
		goto fail;
	if (s->has_start && s->has_end && s->start >= s->end) {
		rc = ly_error(LOYALTY_EINVAL, "parameter 'end' (%lld) must be after 'start' (%lld)", (long long)s->end,
		              (long long)s->start);
		goto fail;
	}
	for (size_t i = 0; i < days.count; i++) {
		int d = -1;
		for (int k = 0; k < 7; k++)
			if (strcmp(days.items[i], day_names[k]) == 0)
				d = k;
		if (d < 0) {
			rc = ly_error(LOYALTY_EINVAL, "parameter 'weekdays': '%s' is not one of mon,tue,wed,thu,fri,sat,sun",
			              days.items[i]);
			goto fail;
		}
		s->weekdays |= 1u << d;
	}
	ly_strset_free(&days);
	*state = s;
	*role = s->is_bonus ? LOYALTY_ROLE_BONUS : LOYALTY_ROLE_MULTIPLIER;
	return LOYALTY_OK;
fail:
	ly_strset_free(&days);
	destroy(s);
	return rc;
}

static int describe(const void *state, loyalty_params *out)
{
	const campaign *s = state;
	char days[32] = "";
	int rc;

	rc = s->is_bonus ? loyalty_params_add_int(out, "bonus", s->bonus)
	                 : loyalty_params_add_fraction(out, "multiplier", s->multiplier);
	if (rc == LOYALTY_OK && s->has_start)
		rc = loyalty_params_add_int(out, "start", s->start);
	if (rc == LOYALTY_OK && s->has_end)
		rc = loyalty_params_add_int(out, "end", s->end);
	if (rc == LOYALTY_OK && s->weekdays) {
		for (int k = 0; k < 7; k++) {
			if (s->weekdays & (1u << k)) {
				if (days[0])
					strcat(days, ",");
				strcat(days, day_names[k]);
			}
		}
		rc = loyalty_params_add(out, "weekdays", days);
	}
	if (rc == LOYALTY_OK)
		rc = ly_params_add_list(out, "type", &s->types);
	if (rc == LOYALTY_OK)
		rc = ly_params_add_list(out, "channel", &s->channels);
	if (rc == LOYALTY_OK)
		rc = ly_params_add_list(out, "tier", &s->tiers);
	if (rc == LOYALTY_OK && s->min_spend)
		rc = loyalty_params_add_int(out, "min_spend", s->min_spend);
	return rc;
}

static bool type_in(const ly_item *item, const void *arg)
{
	return ly_strset_has(arg, item->product_type);
}

static int apply(const void *state, ly_calc_state *cs, ly_frac *points, int *applied, char *detail, size_t dsize)
{
	const campaign *s = state;
	loyalty_time at = cs->purchase->at;
	int64_t covered = 0;
	char m[48];

	*applied = 0;
	*points = ly_frac_int(0);
	if ((s->has_start && at < s->start) || (s->has_end && at >= s->end)) {
		ly_fmt(detail, dsize, "outside the campaign window");
		return LOYALTY_OK;
	}
	if (s->weekdays && !(s->weekdays & (1u << (cs->weekday - 1)))) {
		ly_fmt(detail, dsize, "not on a campaign weekday (%s)", day_names[cs->weekday - 1]);
		return LOYALTY_OK;
	}
	if (s->channels.count && !ly_strset_has(&s->channels, cs->purchase->channel)) {
		ly_fmt(detail, dsize, "channel '%s' not in the campaign", cs->purchase->channel);
		return LOYALTY_OK;
	}
	if (s->tiers.count && !ly_strset_has(&s->tiers, cs->customer->tier)) {
		ly_fmt(detail, dsize, "tier '%s' not in the campaign", cs->customer->tier);
		return LOYALTY_OK;
	}
	for (size_t i = 0; i < cs->n; i++)
		if (cs->eligible[i] && (!s->types.count || ly_strset_has(&s->types, cs->items[i].product_type)))
			covered += cs->items[i].line_total;
	if (s->types.count && covered == 0) {
		ly_fmt(detail, dsize, "no lines of the campaign's product types");
		return LOYALTY_OK;
	}
	if (covered < s->min_spend) {
		ly_fmt(detail, dsize, "spend %lld below the minimum %lld", (long long)covered, (long long)s->min_spend);
		return LOYALTY_OK;
	}
	*applied = 1;
	if (s->is_bonus) {
		*points = ly_frac_int(s->bonus);
		ly_fmt(detail, dsize, "campaign bonus %lld", (long long)s->bonus);
		return LOYALTY_OK;
	}
	if (ly_calc_scale(cs, s->multiplier, s->types.count ? type_in : NULL, &s->types, points) != LOYALTY_OK)
		return LOYALTY_ERANGE;
	ly_frac_str(s->multiplier, m, sizeof m);
	ly_fmt(detail, dsize, "campaign x%s%s", m, s->types.count ? " on its product types" : "");
	return LOYALTY_OK;
}

static ly_frac plan_mult(const void *state, const char *type, const char *tier)
{
	const campaign *s = state;

	(void)tier; /* the tier condition is op->tiers */
	return !s->types.count || ly_strset_has(&s->types, type) ? s->multiplier : ly_frac_int(1);
}

static int plan(const void *state, ly_plan_op *op)
{
	const campaign *s = state;

	op->role = s->is_bonus ? LOYALTY_ROLE_BONUS : LOYALTY_ROLE_MULTIPLIER;
	op->den = s->is_bonus ? 1 : s->multiplier.den;
	op->mult = plan_mult;
	op->bonus = s->bonus;
	op->has_start = s->has_start;
	op->has_end = s->has_end;
	op->start = s->start;
	op->end = s->end;
	op->weekdays = s->weekdays;
	op->channels = &s->channels;
	op->tiers = &s->tiers;
	op->types = &s->types;
	op->need_cover = s->types.count > 0;
	op->min_spend = s->min_spend;
	op->type_names = s->types.items;
	op->ntype_names = s->types.count;
	op->tier_names = s->tiers.items;
	op->ntier_names = s->tiers.count;
	return LOYALTY_OK;
}

const ly_strategy_kind ly_kind_campaign = {
	"campaign",
	"A multiplier or flat bonus inside a window. multiplier=<fraction> | bonus=<points>, "
	"[start=<ms>] [end=<ms>] (start inclusive, end exclusive), [weekdays=mon,..,sun], "
	"[type=<product_type>,...] [channel=<name>,...] [tier=<name>,...] [min_spend=<minor units>].",
	create, describe, apply, destroy, plan,
};
