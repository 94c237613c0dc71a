/*
 * libloyalty - the reward calculator: runs the strategy pipeline over a
 * purchase and rounds the exact total once.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "receipt_internal.h"
#include "strategy_internal.h"
#include "loyalty/calculator.h"

#define NAME_MAX_LEN 64
#define DETAIL_SIZE 160
#define STACK_ITEMS 16 /* purchases up to this many items compute without heap scratch */

typedef struct ly_strategy {
	char *name;
	size_t name_len;
	const ly_strategy_kind *kind; /* NULL for custom */
	loyalty_strategy_role role;
	void *state;                  /* built-in state */
	loyalty_params *params;       /* canonical parameters; NULL for custom */
	loyalty_strategy_fn fn;       /* custom */
	void *user_data;
	loyalty_destroy_fn destroy;
} ly_strategy;

struct loyalty_calculator {
	loyalty_calculator_options opts;
	bool attached; /* owned by a program: immutable */
	ly_strset excluded;
	ly_strategy *strategies;
	size_t count, cap;
	ly_plan_op *ops;   /* [cap]: the strategies as plan ops (lib/score.c) */
	bool all_planned;  /* every strategy has its op */
	ly_calc_plan plan; /* kept up to date by add */
	ly_score_plan *fast; /* the plan over the names the strategies mention (lib/score.c); may be NULL */
};

static void fast_rebuild(loyalty_calculator *c);

static const char *const role_names[] = { "base", "multiplier", "bonus" };

LOYALTY_API const char *loyalty_strategy_role_name(int role)
{
	return role >= 0 && role <= LOYALTY_ROLE_BONUS ? role_names[role] : NULL;
}

LOYALTY_API int loyalty_calculator_options_init(loyalty_calculator_options *opts, unsigned int version)
{
	loyalty_calculator_options def = LOYALTY_CALCULATOR_OPTIONS_INIT;

	LY_CHECK_NULL(opts, "loyalty_calculator_options_init");
	if (version != LOYALTY_CALCULATOR_OPTIONS_VERSION)
		return ly_error(LOYALTY_EINVAL, "loyalty_calculator_options_init: unknown version %u", version);
	*opts = def;
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_calculator_new(loyalty_calculator **out, const loyalty_calculator_options *opts)
{
	loyalty_calculator *c;

	LY_CHECK_NULL(out, "loyalty_calculator_new");
	LY_CHECK_NULL(opts, "loyalty_calculator_new");
	if (opts->version != LOYALTY_CALCULATOR_OPTIONS_VERSION)
		return ly_error(LOYALTY_EINVAL, "loyalty_calculator_new: options.version %u unknown (expected %d)",
		                opts->version, LOYALTY_CALCULATOR_OPTIONS_VERSION);
	if (memchr(opts->currency, '\0', sizeof opts->currency) == NULL || !loyalty_currency_is_valid(opts->currency))
		return ly_error(LOYALTY_ECURRENCY, "loyalty_calculator_new: options.currency '%.3s' is not an ISO 4217 code",
		                opts->currency);
	if ((int)opts->rounding < 0 || opts->rounding > LOYALTY_ROUND_CEIL)
		return ly_error(LOYALTY_EINVAL, "loyalty_calculator_new: options.rounding %d unknown", (int)opts->rounding);
	if ((int)opts->stacking < 0 || opts->stacking > LOYALTY_STACK_COMPOUND)
		return ly_error(LOYALTY_EINVAL, "loyalty_calculator_new: options.stacking %d unknown", (int)opts->stacking);
	if (opts->utc_offset_minutes < LOYALTY_UTC_OFFSET_MIN || opts->utc_offset_minutes > LOYALTY_UTC_OFFSET_MAX)
		return ly_error(LOYALTY_EINVAL, "loyalty_calculator_new: options.utc_offset_minutes %d outside -840..840",
		                opts->utc_offset_minutes);
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return ly_error(LOYALTY_ENOMEM, "loyalty_calculator_new: out of memory");
	c->opts = *opts;
	c->all_planned = true;
	c->plan.usable = opts->stacking == LOYALTY_STACK_ADDITIVE;
	c->plan.lr = c->plan.lm = 1;
	*out = c;
	return LOYALTY_OK;
}

static void strategy_release(ly_strategy *s)
{
	free(s->name);
	loyalty_params_free(s->params);
	if (s->kind != NULL && s->state != NULL)
		s->kind->destroy(s->state);
	if (s->kind == NULL && s->destroy != NULL)
		s->destroy(s->user_data);
}

LOYALTY_API void loyalty_calculator_free(loyalty_calculator *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->count; i++)
		strategy_release(&c->strategies[i]);
	free(c->strategies);
	free(c->ops);
	ly_score_plan_free(c->fast);
	ly_strset_free(&c->excluded);
	free(c);
}

LOYALTY_API int loyalty_calculator_options_get(const loyalty_calculator *c, loyalty_calculator_options *out)
{
	LY_CHECK_NULL(c, "loyalty_calculator_options_get");
	LY_CHECK_NULL(out, "loyalty_calculator_options_get");
	*out = c->opts;
	return LOYALTY_OK;
}

int ly_calculator_attach(loyalty_calculator *c)
{
	if (c->attached)
		return LOYALTY_ESTATE;
	c->attached = true;
	return LOYALTY_OK;
}

void ly_calculator_detach(loyalty_calculator *c)
{
	c->attached = false;
}

static int check_mutable(const loyalty_calculator *c, const char *fn)
{
	if (c->attached)
		return ly_error(LOYALTY_ESTATE, "%s: the calculator belongs to a program and cannot change", fn);
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_calculator_exclude_product_type(loyalty_calculator *c, const char *product_type)
{
	int rc;

	LY_CHECK_NULL(c, "loyalty_calculator_exclude_product_type");
	LY_CHECK_NULL(product_type, "loyalty_calculator_exclude_product_type");
	if (check_mutable(c, "loyalty_calculator_exclude_product_type") != LOYALTY_OK)
		return LOYALTY_ESTATE;
	if (!ly_is_ident(product_type, LOYALTY_PRODUCT_TYPE_MAX))
		return ly_error(LOYALTY_EINVAL,
		                "loyalty_calculator_exclude_product_type: product_type must be 1..%d bytes of [A-Za-z0-9_.-]",
		                LOYALTY_PRODUCT_TYPE_MAX);
	rc = ly_strset_add(&c->excluded, product_type);
	if (rc == LOYALTY_EDUPLICATE)
		return ly_error(rc, "loyalty_calculator_exclude_product_type: '%s' is already excluded", product_type);
	if (rc != LOYALTY_OK)
		return ly_error(rc, "loyalty_calculator_exclude_product_type: out of memory");
	fast_rebuild(c);
	return LOYALTY_OK;
}

LOYALTY_API size_t loyalty_calculator_excluded_count(const loyalty_calculator *c)
{
	return c ? c->excluded.count : 0;
}

LOYALTY_API const char *loyalty_calculator_excluded(const loyalty_calculator *c, size_t i)
{
	return c && i < c->excluded.count ? c->excluded.items[i] : NULL;
}

/* Check the name and make room for one more strategy. */
static int prepare_slot(loyalty_calculator *c, const char *name, const char *fn)
{
	if (check_mutable(c, fn) != LOYALTY_OK)
		return LOYALTY_ESTATE;
	if (!ly_is_ident(name, NAME_MAX_LEN))
		return ly_error(LOYALTY_EINVAL, "%s: name must be 1..%d bytes of [A-Za-z0-9_.-]", fn, NAME_MAX_LEN);
	for (size_t i = 0; i < c->count; i++)
		if (strcmp(c->strategies[i].name, name) == 0)
			return ly_error(LOYALTY_EDUPLICATE, "%s: a strategy named '%s' already exists", fn, name);
	if (c->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		ly_strategy *s = realloc(c->strategies, cap * sizeof *s);
		ly_plan_op *ops;
		if (s == NULL)
			return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
		c->strategies = s;
		ops = realloc(c->ops, cap * sizeof *ops);
		if (ops == NULL)
			return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
		c->ops = ops;
		c->cap = cap;
	}
	return LOYALTY_OK;
}

/* Rebuild the score plan after a change; without memory for it, score()
 * builds its plan on each call instead (slower, same points). */
static void fast_rebuild(loyalty_calculator *c)
{
	ly_score_plan_free(c->fast);
	c->fast = NULL;
	if (ly_score_plan_build(c, &c->fast) != LOYALTY_OK)
		loyalty_error_clear();
}

/* Describe the strategy being appended (at index count) as a plan op and
 * update the plan; a strategy without op (custom, or one that cannot be
 * planned) makes the plan unusable: scoring then takes the general path. */
static void plan_append(loyalty_calculator *c, const ly_strategy_kind *k, const void *state)
{
	ly_plan_op *op = &c->ops[c->count];
	int64_t *den;

	memset(op, 0, sizeof *op);
	op->state = state;
	if (k == NULL || k->plan == NULL || k->plan(state, op) != LOYALTY_OK || op->den <= 0) {
		loyalty_error_clear();
		c->all_planned = false;
	} else if (op->role != LOYALTY_ROLE_BONUS) {
		den = op->role == LOYALTY_ROLE_BASE ? &c->plan.lr : &c->plan.lm;
		*den = ly_lcm64(*den, op->den);
		if (*den == 0)
			c->all_planned = false;
	}
	c->plan.usable = c->all_planned && c->opts.stacking == LOYALTY_STACK_ADDITIVE;
	c->plan.count = c->count + 1;
	c->plan.ops = c->ops;
}

const ly_score_plan *ly_calc_score_plan(const loyalty_calculator *c)
{
	return c->fast;
}

LOYALTY_API int loyalty_calculator_add_params(loyalty_calculator *c, const char *kind, const char *name,
                                              const loyalty_params *params)
{
	static const char fn[] = "loyalty_calculator_add";
	const ly_strategy_kind *k;
	ly_strategy s;
	char prefix[128];
	int rc;

	LY_CHECK_NULL(c, "loyalty_calculator_add");
	LY_CHECK_NULL(kind, "loyalty_calculator_add");
	LY_CHECK_NULL(name, "loyalty_calculator_add");
	LY_CHECK_NULL(params, "loyalty_calculator_add");
	k = ly_strategy_kind_find(kind);
	if (k == NULL)
		return ly_error(LOYALTY_ENOTFOUND, "%s: unknown strategy kind '%.64s'", fn, kind);
	rc = prepare_slot(c, name, fn);
	if (rc != LOYALTY_OK)
		return rc;
	memset(&s, 0, sizeof s);
	s.kind = k;
	rc = k->create(params, &s.state, &s.role);
	if (rc != LOYALTY_OK) {
		snprintf(prefix, sizeof prefix, "%s: %s '%s'", fn, kind, name);
		ly_error_prefix(prefix);
		return rc;
	}
	s.name = ly_strdup(name);
	s.name_len = strlen(name);
	rc = loyalty_params_new(&s.params);
	if (rc == LOYALTY_OK)
		rc = k->describe(s.state, s.params);
	if (rc == LOYALTY_OK && s.name == NULL)
		rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	if (rc != LOYALTY_OK) {
		snprintf(prefix, sizeof prefix, "%s: %s '%s': canonical parameters", fn, kind, name);
		ly_error_prefix(prefix);
		strategy_release(&s);
		return rc;
	}
	c->strategies[c->count] = s;
	plan_append(c, k, s.state);
	c->count++;
	fast_rebuild(c);
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_calculator_add(loyalty_calculator *c, const char *kind, const char *name,
                                       const char *params)
{
	loyalty_params *p;
	int rc;

	LY_CHECK_NULL(c, "loyalty_calculator_add");
	LY_CHECK_NULL(params, "loyalty_calculator_add");
	rc = loyalty_params_parse(&p, params);
	if (rc != LOYALTY_OK) {
		char prefix[160];
		snprintf(prefix, sizeof prefix, "loyalty_calculator_add: %.32s '%.64s'", kind ? kind : "(null)",
		         name ? name : "(null)");
		ly_error_prefix(prefix);
		return rc;
	}
	rc = loyalty_calculator_add_params(c, kind, name, p);
	loyalty_params_free(p);
	return rc;
}

LOYALTY_API int loyalty_calculator_add_custom(loyalty_calculator *c, const char *name, loyalty_strategy_role role,
                                              loyalty_strategy_fn fn, void *user_data, loyalty_destroy_fn destroy)
{
	static const char f[] = "loyalty_calculator_add_custom";
	ly_strategy s;
	int rc;

	if (c == NULL)
		rc = ly_error(LOYALTY_EINVAL, "%s: c is NULL", f);
	else if (fn == NULL)
		rc = ly_error(LOYALTY_EINVAL, "%s: fn is NULL", f);
	else if ((int)role < 0 || role > LOYALTY_ROLE_BONUS)
		rc = ly_error(LOYALTY_EINVAL, "%s: role %d unknown", f, (int)role);
	else if (name == NULL)
		rc = ly_error(LOYALTY_EINVAL, "%s: name is NULL", f);
	else
		rc = prepare_slot(c, name, f);
	if (rc == LOYALTY_OK) {
		memset(&s, 0, sizeof s);
		s.name = ly_strdup(name);
		s.name_len = strlen(name);
		if (s.name == NULL)
			rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", f);
	}
	if (rc != LOYALTY_OK) {
		/* the destructor runs exactly once, also when registration fails */
		if (destroy != NULL)
			destroy(user_data);
		return rc;
	}
	s.role = role;
	s.fn = fn;
	s.user_data = user_data;
	s.destroy = destroy;
	c->strategies[c->count] = s;
	plan_append(c, NULL, NULL);
	c->count++;
	fast_rebuild(c);
	return LOYALTY_OK;
}

LOYALTY_API size_t loyalty_calculator_strategy_count(const loyalty_calculator *c)
{
	return c ? c->count : 0;
}

LOYALTY_API const char *loyalty_calculator_strategy_name(const loyalty_calculator *c, size_t i)
{
	return c && i < c->count ? c->strategies[i].name : NULL;
}

LOYALTY_API const char *loyalty_calculator_strategy_kind(const loyalty_calculator *c, size_t i)
{
	if (c == NULL || i >= c->count)
		return NULL;
	return c->strategies[i].kind ? c->strategies[i].kind->name : "custom";
}

LOYALTY_API int loyalty_calculator_strategy_role(const loyalty_calculator *c, size_t i)
{
	if (c == NULL || i >= c->count)
		return ly_error(LOYALTY_ERANGE, "loyalty_calculator_strategy_role: no strategy %zu", i);
	return (int)c->strategies[i].role;
}

LOYALTY_API const loyalty_params *loyalty_calculator_strategy_params(const loyalty_calculator *c, size_t i)
{
	return c && i < c->count ? c->strategies[i].params : NULL;
}

/* ---- helpers for strategies ------------------------------------------------ */

int ly_calc_add_item_base(ly_calc_state *cs, size_t i, ly_frac pts)
{
	if (ly_frac_add(cs->item_base[i], pts, &cs->item_base[i]) != LOYALTY_OK ||
	    ly_frac_add(cs->item_cur[i], pts, &cs->item_cur[i]) != LOYALTY_OK)
		return LOYALTY_ERANGE;
	return LOYALTY_OK;
}

/* extra = what multiplier m adds to one share; cur is updated */
static int scale_one(int stacking, ly_frac m_minus_1, ly_frac base, ly_frac *cur, ly_frac *extra)
{
	ly_frac add;
	int rc;

	if (stacking == LOYALTY_STACK_COMPOUND)
		rc = ly_frac_mul(*cur, m_minus_1, &add);
	else
		rc = ly_frac_mul(base, m_minus_1, &add);
	if (rc == LOYALTY_OK)
		rc = ly_frac_add(*cur, add, cur);
	if (rc == LOYALTY_OK)
		rc = ly_frac_add(*extra, add, extra);
	return rc;
}

int ly_calc_scale(ly_calc_state *cs, ly_frac multiplier, ly_item_match match, const void *arg, ly_frac *extra)
{
	ly_frac m1, sum = { 0, 1 };
	int rc;

	rc = ly_frac_sub(multiplier, ly_frac_int(1), &m1);
	if (rc != LOYALTY_OK)
		return rc;
	for (size_t i = 0; i < cs->n; i++) {
		if (!cs->eligible[i] || (match != NULL && !match(&cs->items[i], arg)))
			continue;
		rc = scale_one(cs->stacking, m1, cs->item_base[i], &cs->item_cur[i], &sum);
		if (rc != LOYALTY_OK)
			return rc;
	}
	if (match == NULL) {
		rc = scale_one(cs->stacking, m1, cs->other_base, &cs->other_cur, &sum);
		if (rc != LOYALTY_OK)
			return rc;
	}
	*extra = sum;
	return LOYALTY_OK;
}

/* ---- compute ----------------------------------------------------------------- */

static int run_custom(const ly_strategy *s, ly_calc_state *cs, ly_frac *points, char *detail, size_t dsize)
{
	loyalty_strategy_input in;
	ly_frac out = { 0, 1 };
	int rc;

	in.version = LOYALTY_STRATEGY_INPUT_VERSION;
	in.customer = cs->customer;
	in.purchase = cs->purchase;
	in.first_purchase = cs->first_purchase;
	in.utc_offset_minutes = cs->utc_offset;
	in.eligible_spend = cs->eligible_spend;
	in.base_points = cs->base_total;
	in.points = cs->total;
	loyalty_error_clear();
	rc = s->fn(&in, &out, s->user_data);
	if (rc != 0) {
		if (loyalty_last_error()[0] != '\0')
			return ly_error(LOYALTY_EUSER, "strategy '%s' failed: %s", s->name, loyalty_last_error());
		return ly_error(LOYALTY_EUSER, "strategy '%s' failed with status %d", s->name, rc);
	}
	if (out.den <= 0)
		return ly_error(LOYALTY_EUSER, "strategy '%s' returned a fraction with denominator %lld", s->name,
		                (long long)out.den);
	if (ly_frac_make(out.num, out.den, points) != LOYALTY_OK)
		return ly_error(LOYALTY_EUSER, "strategy '%s' returned an out-of-range fraction", s->name);
	ly_fmt(detail, dsize, "custom %s", loyalty_strategy_role_name(s->role));
	/* BASE points are base points; MULTIPLIER points join the scaled points
	 * that later multipliers compound on; BONUS points are never scaled. */
	if ((s->role == LOYALTY_ROLE_BASE && ly_frac_add(cs->other_base, *points, &cs->other_base) != LOYALTY_OK) ||
	    (s->role != LOYALTY_ROLE_BONUS && ly_frac_add(cs->other_cur, *points, &cs->other_cur) != LOYALTY_OK))
		return ly_error(LOYALTY_ERANGE, "strategy '%s': points overflow", s->name);
	return LOYALTY_OK;
}

/* Make the receipt in one allocation: the struct, then the lines, then the
 * pool (key, then each line's name, kind and detail). */
static loyalty_receipt *receipt_make(const loyalty_calculator *c, const loyalty_purchase *purchase,
                                     const ly_rline *lines, const char *details, const size_t *detail_len)
{
	size_t head = (sizeof(loyalty_receipt) + 15) & ~(size_t)15;
	size_t key_len = strlen(purchase->key), pool = key_len + 1, at;
	const char *d = details;
	loyalty_receipt *r;
	char *p;

	for (size_t i = 0; i < c->count; i++) {
		const ly_strategy *s = &c->strategies[i];
		pool += s->name_len + 1 + strlen(s->kind ? s->kind->name : "custom") + 1 + detail_len[i] + 1;
	}
	r = malloc(head + c->count * sizeof *lines + pool);
	if (r == NULL)
		return NULL;
	memset(r, 0, sizeof *r);
	r->inline_block = true;
	r->lines = (ly_rline *)((char *)r + head);
	r->pool = p = (char *)r->lines + c->count * sizeof *lines;
	r->pool_len = r->pool_cap = pool;
	r->nlines = c->count;
	memcpy(p, purchase->key, key_len + 1);
	r->key_off = 0;
	at = key_len + 1;
	for (size_t i = 0; i < c->count; i++) {
		const ly_strategy *s = &c->strategies[i];
		const char *kind = s->kind ? s->kind->name : "custom";
		size_t kind_len = strlen(kind);
		ly_rline *l = &r->lines[i];

		*l = lines[i];
		memcpy(p + at, s->name, s->name_len + 1);
		l->name_off = at;
		at += s->name_len + 1;
		memcpy(p + at, kind, kind_len + 1);
		l->kind_off = at;
		at += kind_len + 1;
		memcpy(p + at, d, detail_len[i]);
		p[at + detail_len[i]] = '\0';
		l->detail_off = at;
		at += detail_len[i] + 1;
		d += detail_len[i];
	}
	return r;
}

#define STACK_STRATEGIES 16 /* pipelines up to this long make receipts without heap scratch */

/* The pipeline over one purchase. With @p out, a receipt is made; without,
 * only *points is set. Messages start with @p fn. The caller checked the
 * arguments (currency, customer). */
int ly_calc_run(const loyalty_calculator *c, const loyalty_customer *customer, const loyalty_purchase *purchase,
                int first_purchase, loyalty_receipt **out, loyalty_points *points, const char *fn)
{
	unsigned char elig_stack[STACK_ITEMS];
	ly_frac frac_stack[2 * STACK_ITEMS];
	ly_rline line_stack[STACK_STRATEGIES];
	size_t dlen_stack[STACK_STRATEGIES];
	char detail_stack[STACK_STRATEGIES * 64];
	unsigned char *eligible = elig_stack;
	ly_frac *fracs = frac_stack;
	ly_rline *lines = line_stack;
	size_t *dlen = dlen_stack;
	char *details = detail_stack;
	size_t details_len = 0, details_cap = sizeof detail_stack;
	loyalty_receipt *r;
	ly_calc_state cs;
	loyalty_points rounded;
	size_t n;
	int rc = LOYALTY_OK;

	n = purchase->count;
	if (n > STACK_ITEMS) {
		eligible = malloc(n);
		fracs = malloc(2 * n * sizeof *fracs);
		if (eligible == NULL || fracs == NULL) {
			rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
			goto done;
		}
	}
	if (out != NULL && c->count > STACK_STRATEGIES) {
		lines = malloc(c->count * sizeof *lines);
		dlen = malloc(c->count * sizeof *dlen);
		details = malloc(c->count * DETAIL_SIZE);
		details_cap = c->count * DETAIL_SIZE;
		if (lines == NULL || dlen == NULL || details == NULL) {
			rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
			goto done;
		}
	}
	memset(&cs, 0, sizeof cs);
	cs.customer = customer;
	cs.purchase = purchase;
	cs.first_purchase = first_purchase;
	cs.utc_offset = c->opts.utc_offset_minutes;
	cs.stacking = c->opts.stacking;
	cs.n = n;
	cs.items = purchase->items;
	cs.eligible = eligible;
	cs.spend = purchase->total;
	cs.item_base = fracs;
	cs.item_cur = fracs + n;
	cs.other_base = cs.other_cur = cs.base_total = cs.total = ly_frac_int(0);
	for (size_t i = 0; i < n; i++) {
		eligible[i] = !ly_strset_has(&c->excluded, purchase->items[i].product_type);
		if (eligible[i])
			cs.eligible_spend += purchase->items[i].line_total; /* <= total: no overflow */
		cs.item_base[i] = cs.item_cur[i] = ly_frac_int(0);
	}
	cs.local_day = ly_local_day(purchase->at, cs.utc_offset);
	ly_civil_from_days(cs.local_day, &cs.year, &cs.month, &cs.day);
	cs.weekday = ly_weekday(cs.local_day);

	for (size_t i = 0; i < c->count; i++) {
		const ly_strategy *s = &c->strategies[i];
		char detail[DETAIL_SIZE];
		ly_frac pts = { 0, 1 };
		int applied = 1;

		detail[0] = '\0';
		if (s->kind != NULL) {
			rc = s->kind->apply(s->state, &cs, &pts, &applied, detail, sizeof detail);
			if (rc != LOYALTY_OK) {
				rc = ly_error(rc, "%s: strategy '%s' (%s): %s", fn, s->name, s->kind->name,
				              rc == LOYALTY_ERANGE ? "arithmetic overflow" : loyalty_strerror(rc));
				goto done;
			}
		} else {
			rc = run_custom(s, &cs, &pts, detail, sizeof detail);
			if (rc != LOYALTY_OK) {
				ly_error_prefix(fn);
				goto done;
			}
		}
		if (!applied)
			pts = ly_frac_int(0);
		if (ly_frac_add(cs.total, pts, &cs.total) != LOYALTY_OK ||
		    (s->role == LOYALTY_ROLE_BASE && ly_frac_add(cs.base_total, pts, &cs.base_total) != LOYALTY_OK)) {
			rc = ly_error(LOYALTY_ERANGE, "%s: total overflows after strategy '%s'", fn, s->name);
			goto done;
		}
		if (out != NULL) {
			size_t len = strlen(detail);
			if (details_len + len > details_cap) {
				/* long details: move to the heap (at most DETAIL_SIZE per line) */
				char *grown = malloc(c->count * DETAIL_SIZE);
				if (grown == NULL) {
					rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
					goto done;
				}
				memcpy(grown, details, details_len);
				if (details != detail_stack)
					free(details);
				details = grown;
				details_cap = c->count * DETAIL_SIZE;
			}
			memcpy(details + details_len, detail, len);
			details_len += len;
			dlen[i] = len;
			lines[i].role = s->role;
			lines[i].applied = applied;
			lines[i].points = pts;
		}
	}
	if (out == NULL) {
		if (ly_frac_round(cs.total, c->opts.rounding, &rounded) != LOYALTY_OK) {
			rc = ly_error(LOYALTY_ERANGE, "%s: total points out of range", fn);
			goto done;
		}
		*points = rounded;
		goto done;
	}
	{
		loyalty_receipt tmp;
		if (ly_frac_round(cs.total, c->opts.rounding, &tmp.points) != LOYALTY_OK ||
		    ly_frac_sub(ly_frac_int(tmp.points), cs.total, &tmp.adjustment) != LOYALTY_OK) {
			rc = ly_error(LOYALTY_ERANGE, "%s: total points out of range", fn);
			goto done;
		}
		r = receipt_make(c, purchase, lines, details, dlen);
		if (r == NULL) {
			rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
			goto done;
		}
		r->points = tmp.points;
		r->adjustment = tmp.adjustment;
	}
	r->exact = cs.total;
	r->base = cs.base_total;
	r->rounding = c->opts.rounding;
	r->spend = cs.spend;
	r->eligible_spend = cs.eligible_spend;
	memcpy(r->currency, purchase->currency, sizeof r->currency);
	r->customer_id = customer->id;
	if (points != NULL)
		*points = r->points;
	*out = r;
done:
	if (eligible != elig_stack)
		free(eligible);
	if (fracs != frac_stack)
		free(fracs);
	if (lines != line_stack)
		free(lines);
	if (dlen != dlen_stack)
		free(dlen);
	if (details != detail_stack)
		free(details);
	return rc;
}

/* The checks shared by compute and score. */
static int check_call(const loyalty_calculator *c, const loyalty_customer *customer,
                      const loyalty_purchase *purchase, const loyalty_calc_context *ctx, const void *out,
                      const char *fn)
{
	LY_CHECK_NULL(c, fn);
	LY_CHECK_NULL(customer, fn);
	LY_CHECK_NULL(purchase, fn);
	LY_CHECK_NULL(out, fn);
	if (ctx != NULL && ctx->version != LOYALTY_CALC_CONTEXT_VERSION)
		return ly_error(LOYALTY_EINVAL, "%s: ctx.version %u unknown (expected %d)", fn, ctx->version,
		                LOYALTY_CALC_CONTEXT_VERSION);
	if (strcmp(purchase->currency, c->opts.currency) != 0)
		return ly_error(LOYALTY_ECURRENCY, "%s: purchase currency %s differs from the calculator's %s", fn,
		                purchase->currency, c->opts.currency);
	if (loyalty_id_compare(&purchase->customer_id, &customer->id) != 0)
		return ly_error(LOYALTY_EINVAL, "%s: purchase.customer_id is not the customer's id", fn);
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_calculator_compute(const loyalty_calculator *c, const loyalty_customer *customer,
                                           const loyalty_purchase *purchase, const loyalty_calc_context *ctx,
                                           loyalty_receipt **out)
{
	static const char fn[] = "loyalty_calculator_compute";
	int rc = check_call(c, customer, purchase, ctx, out, fn);

	if (rc != LOYALTY_OK)
		return rc;
	return ly_calc_run(c, customer, purchase, ctx != NULL && ctx->first_purchase, out, NULL, fn);
}

LOYALTY_API int loyalty_calculator_score(const loyalty_calculator *c, const loyalty_customer *customer,
                                         const loyalty_purchase *purchase, const loyalty_calc_context *ctx,
                                         loyalty_points *out)
{
	static const char fn[] = "loyalty_calculator_score";
	int rc = check_call(c, customer, purchase, ctx, out, fn);

	if (rc != LOYALTY_OK)
		return rc;
	return ly_score_one(c, customer, purchase, ctx != NULL && ctx->first_purchase, out, fn);
}

/* ---- for lib/score.c ---------------------------------------------------------- */

const loyalty_calculator_options *ly_calc_options(const loyalty_calculator *c)
{
	return &c->opts;
}

const ly_strset *ly_calc_excluded(const loyalty_calculator *c)
{
	return &c->excluded;
}

const ly_calc_plan *ly_calc_get_plan(const loyalty_calculator *c)
{
	return &c->plan;
}
