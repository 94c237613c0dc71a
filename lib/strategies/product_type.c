/*
 * libloyalty - product_type: a rate or a multiplier per product type.
 *
 *   mode=rate        per=<int >= 1>  type.<name>=<fraction >= 0>...  [default=<fraction >= 0>]
 *       base points: each line earns line_total * rate(type) / per; types not
 *       listed earn at default (0 unless given). Role: base.
 *   mode=multiplier  type.<name>=<fraction >= 0>...
 *       scales the base points of the lines of each listed type. Role: multiplier.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategy_internal.h"

enum { MODE_RATE, MODE_MULTIPLIER };

typedef struct {
	int mode;
	int64_t per;
	ly_frac def;
	size_t count;
	char **types;
	ly_frac *values;
} product_type;

static void destroy(void *state)
{
	product_type *s = state;

	for (size_t i = 0; i < s->count; i++)
		free(s->types[i]);
	free(s->types);
	free(s->values);
	free(s);
}

static int create(const loyalty_params *p, void **state, loyalty_strategy_role *role)
{
	static const char *const modes[] = { "rate", "multiplier", NULL };
	static const char *const rate_keys[] = { "mode", "per", "default", NULL };
	static const char *const mult_keys[] = { "mode", NULL };
	product_type *s;
	int rc, mode;

	rc = ly_param_choice(p, "mode", modes, MODE_RATE, &mode);
	if (rc == LOYALTY_OK)
		rc = ly_params_check(p, mode == MODE_RATE ? rate_keys : mult_keys, NULL, "type.");
	if (rc != LOYALTY_OK)
		return rc;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	s->mode = mode;
	s->types = calloc(p->count ? p->count : 1, sizeof *s->types);
	s->values = calloc(p->count ? p->count : 1, sizeof *s->values);
	if (s->types == NULL || s->values == NULL) {
		destroy(s);
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	}
	if (mode == MODE_RATE &&
	    ((rc = ly_param_int(p, "per", true, 0, 1, INT64_MAX, &s->per)) ||
	     (rc = ly_param_frac(p, "default", false, ly_frac_int(0), ly_frac_int(0), false, &s->def)))) {
		destroy(s);
		return rc;
	}
	for (size_t i = 0; i < p->count; i++) {
		const char *type;
		if (strncmp(p->keys[i], "type.", 5) != 0)
			continue;
		type = p->keys[i] + 5;
		if (!ly_is_ident(type, LOYALTY_PRODUCT_TYPE_MAX)) {
			destroy(s);
			return ly_error(LOYALTY_EINVAL, "parameter '%s': bad product type", p->keys[i]);
		}
		rc = ly_param_frac(p, p->keys[i], true, ly_frac_int(0), ly_frac_int(0), false, &s->values[s->count]);
		if (rc == LOYALTY_OK && (s->types[s->count] = ly_strdup(type)) == NULL)
			rc = ly_error(LOYALTY_ENOMEM, "out of memory");
		if (rc != LOYALTY_OK) {
			destroy(s);
			return rc;
		}
		s->count++;
	}
	if (s->count == 0) {
		destroy(s);
		return ly_error(LOYALTY_EINVAL, "at least one type.<name>=<value> is required");
	}
	*state = s;
	*role = mode == MODE_RATE ? LOYALTY_ROLE_BASE : LOYALTY_ROLE_MULTIPLIER;
	return LOYALTY_OK;
}

static int describe(const void *state, loyalty_params *out)
{
	const product_type *s = state;
	char key[LOYALTY_PARAM_KEY_MAX + 8];
	int rc;

	rc = loyalty_params_add(out, "mode", s->mode == MODE_RATE ? "rate" : "multiplier");
	if (rc == LOYALTY_OK && s->mode == MODE_RATE)
		rc = loyalty_params_add_int(out, "per", s->per);
	if (rc == LOYALTY_OK && s->mode == MODE_RATE && s->def.num != 0)
		rc = loyalty_params_add_fraction(out, "default", s->def);
	for (size_t i = 0; rc == LOYALTY_OK && i < s->count; i++) {
		snprintf(key, sizeof key, "type.%s", s->types[i]);
		rc = loyalty_params_add_fraction(out, key, s->values[i]);
	}
	return rc;
}

static const ly_frac *lookup(const product_type *s, const char *type)
{
	for (size_t i = 0; i < s->count; i++)
		if (strcmp(s->types[i], type) == 0)
			return &s->values[i];
	return NULL;
}

static bool same_type(const ly_item *item, const void *arg)
{
	return strcmp(item->product_type, arg) == 0;
}

static int apply(const void *state, ly_calc_state *cs, ly_frac *points, int *applied, char *detail, size_t dsize)
{
	const product_type *s = state;
	ly_frac sum = { 0, 1 }, pts;
	int lines = 0;

	if (s->mode == MODE_RATE) {
		for (size_t i = 0; i < cs->n; i++) {
			const ly_frac *r = lookup(s, cs->items[i].product_type);
			ly_frac rate = r ? *r : s->def;
			if (!cs->eligible[i] || rate.num == 0)
				continue;
			if (ly_frac_mul(ly_frac_int(cs->items[i].line_total), rate, &pts) != LOYALTY_OK ||
			    ly_frac_mul(pts, (ly_frac){ 1, s->per }, &pts) != LOYALTY_OK ||
			    ly_calc_add_item_base(cs, i, pts) != LOYALTY_OK || ly_frac_add(sum, pts, &sum) != LOYALTY_OK)
				return LOYALTY_ERANGE;
			lines++;
		}
		ly_fmt(detail, dsize, "rates per %lld on %d line%s", (long long)s->per, lines, lines == 1 ? "" : "s");
	} else {
		for (size_t t = 0; t < s->count; t++) {
			ly_frac extra;
			if (ly_calc_scale(cs, s->values[t], same_type, s->types[t], &extra) != LOYALTY_OK ||
			    ly_frac_add(sum, extra, &sum) != LOYALTY_OK)
				return LOYALTY_ERANGE;
		}
		ly_fmt(detail, dsize, "multipliers on %zu product type%s", s->count, s->count == 1 ? "" : "s");
	}
	*points = sum;
	*applied = 1;
	return LOYALTY_OK;
}

static void plan_rate(const void *state, const char *type, ly_frac *rate, ly_frac *pre)
{
	const product_type *s = state;
	const ly_frac *r = lookup(s, type);

	*pre = r ? *r : s->def;
	/* plan() checked that every rate / per fits */
	if (ly_frac_mul(*pre, (ly_frac){ 1, s->per }, rate) != LOYALTY_OK)
		*rate = ly_frac_int(0);
}

static ly_frac plan_mult(const void *state, const char *type, const char *tier)
{
	const ly_frac *m = lookup(state, type);

	(void)tier;
	return m ? *m : ly_frac_int(1);
}

static int plan(const void *state, ly_plan_op *op)
{
	const product_type *s = state;
	ly_frac r;

	op->den = 1;
	op->type_names = s->types;
	op->ntype_names = s->count;
	if (s->mode == MODE_MULTIPLIER) {
		op->role = LOYALTY_ROLE_MULTIPLIER;
		op->mult = plan_mult;
		for (size_t i = 0; i < s->count; i++)
			op->den = ly_lcm64(op->den, s->values[i].den);
		return LOYALTY_OK;
	}
	op->role = LOYALTY_ROLE_BASE;
	op->rate = plan_rate;
	for (size_t i = 0; i <= s->count; i++) {
		if (ly_frac_mul(i < s->count ? s->values[i] : s->def, (ly_frac){ 1, s->per }, &r) != LOYALTY_OK)
			return LOYALTY_ERANGE;
		op->den = ly_lcm64(op->den, r.den);
	}
	return LOYALTY_OK;
}

const ly_strategy_kind ly_kind_product_type = {
	"product_type",
	"Rates or multipliers per product type. mode=rate per=<minor units> type.<name>=<fraction>... "
	"[default=<fraction>]: base points line_total*rate/per; mode=multiplier type.<name>=<fraction>...: "
	"scales the base points of those lines.",
	create, describe, apply, destroy, plan,
};
