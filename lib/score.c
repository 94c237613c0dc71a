/*
 * libloyalty - scoring purchases given as columns (loyalty_calculator_score_columns).
 *
 * The columns are checked first, completely, so that a bad batch writes
 * nothing. Each purchase is then scored through the integer plan below, or,
 * when the plan does not cover it, through the calculator's pipeline
 * (ly_calc_run) on a purchase and a customer built in place over the
 * columns (no copy of names, one allocation for the lines of the longest
 * purchase).
 *
 * The plan (additive stacking, built-in strategies only). With LR the lcm of
 * the base rates' denominators and LM that of the multipliers', every
 * contribution of a line is line_total times an integer over D = LR * LM:
 *
 *     base b:          rate_b(type) * LR * LM
 *     multiplier j:    (sum of rate_b(type) * LR over the base strategies
 *                       before j) * (m_j(type, tier) - 1) * LM
 *
 * so a purchase's exact points are N / D with
 *
 *     N = sum over eligible lines of line_total * S[tier][type]
 *       + for each conditional multiplier that applies, sum of line_total * C_j[tier][type]
 *       + for each bonus that applies, bonus * D
 *
 * where S holds the base rates and the unconditional multipliers (product
 * types, tiers), and the conditions (time window, weekdays, channel, tier,
 * birthday, first purchase, covered and minimum spend) are evaluated once
 * per purchase. N is rounded once with one integer division: the same exact
 * value compute() reaches with reduced fractions, hence the same points.
 *
 * Errors stay those of compute(): a table entry is also a bound B[tier][type]
 * on every intermediate value compute() forms on a line (sums of absolute
 * contributions, and rates before division by per), and a purchase is
 * scored here only when spend * max(B) + D * (sum of every bonus) fits
 * int64. Then no reduced fraction of compute() can overflow, so compute()
 * cannot fail; any other purchase takes the general path, which reports
 * what compute() reports.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategy_internal.h"

static const char fn[] = "loyalty_calculator_score_columns";

static char empty[] = "";

/* ---- the integer plan ------------------------------------------------------------ */

#define FALLBACK 1    /* plan_score: take the general path */
#define MAX_CONDS 64  /* conditional strategies a plan handles (bit masks) */

enum { CHECK_WINDOW = 1, CHECK_WEEKDAY = 2, CHECK_CHANNEL = 4, CHECK_TIER = 8, CHECK_FIRST = 16, CHECK_BIRTHDAY = 32 };

typedef struct plan_cond {
	const ly_plan_op *op;
	unsigned checks;        /* CHECK_*: the conditions evaluated once per purchase */
	int64_t *coef;          /* MULTIPLIER: [rows] */
	int64_t bonus_d;        /* BONUS: bonus * D */
	int cover_bit;          /* -1: the covered spend is the eligible spend */
	unsigned char *tier_ok; /* BONUS: [ntiers] */
} plan_cond;

typedef struct plan {
	int64_t d, bmax, bonus_bound;
	int64_t max_spend;         /* spend * bmax + bonus_bound fits int64 for spend <= max_spend */
	size_t ntypes, ntiers;     /* rows = ntiers * ntypes */
	int64_t *s;                /* [rows] */
	unsigned char *eligible;   /* [ntypes] */
	uint64_t *cover;           /* [ntypes] */
	size_t ncond;
	plan_cond conds[MAX_CONDS];
	int nbits;                 /* cover bits in use */
	bool need_date, need_civil;
	int offset;
	loyalty_rounding rounding;
} plan;

/* What one caller of plan_score remembers from one purchase to the next:
 * the last local day converted to a civil date (purchases often come in
 * time order). Never shared between threads. */
typedef struct plan_cache {
	int64_t civil_day, civil_year;
	int civil_month;
} plan_cache;

/* a bump allocator over one block */
typedef struct arena {
	char *p;
	size_t used, size;
} arena;

static void *take(arena *a, size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (a->size - a->used < n)
		return NULL;
	p = a->p + a->used;
	a->used += n;
	return p;
}

static bool fits(ly_i128 v)
{
	return v <= INT64_MAX && v >= -INT64_MAX;
}

static ly_i128 abs128(ly_i128 v)
{
	return v < 0 ? -v : v;
}

static bool is_conditional(const ly_plan_op *op)
{
	return op->role == LOYALTY_ROLE_BONUS || op->has_start || op->has_end || op->weekdays ||
	       (op->channels && op->channels->count) || op->birthday || op->first_purchase || op->min_spend > 0;
}

static bool restricted(const ly_strset *set)
{
	return set != NULL && set->count > 0;
}

/* The bytes plan_build needs from its arena. */
static size_t plan_size(const ly_calc_plan *cp, size_t ntypes, size_t ntiers)
{
	size_t rows = ntypes * ntiers, n = 0;

	n += rows * sizeof(int64_t) + 16 + ntypes + 16 + ntypes * sizeof(uint64_t) + 16;
	for (size_t i = 0; i < cp->count; i++)
		if (is_conditional(&cp->ops[i]))
			n += rows * sizeof(int64_t) + 16 + ntiers + 16;
	return n;
}

/* One row: a type (its name) for a tier (its name, "" for none). */
static bool plan_row(plan *pl, const ly_calc_plan *cp, size_t row, const char *type, const char *tier)
{
	ly_i128 rsum = 0, rabs = 0, s = 0, b = 0;
	size_t ci = 0;

	for (size_t i = 0; i < cp->count; i++) {
		const ly_plan_op *op = &cp->ops[i];
		bool cond = is_conditional(op);
		ly_frac rate, pre, m;
		ly_i128 rn, mn, v;

		if (op->role == LOYALTY_ROLE_BASE) {
			op->rate(op->state, type, &rate, &pre);
			if (cp->lr % rate.den != 0 || pl->d % pre.den != 0)
				return false;
			rn = (ly_i128)rate.num * (cp->lr / rate.den);
			if (!fits(rn))
				return false;
			rsum += rn;
			rabs += abs128(rn);
			v = rn * cp->lm;
			s += v;
			b += abs128(v);
			v = abs128((ly_i128)pre.num * (pl->d / pre.den)); /* the rate before division by per */
			b += v;
			if (!fits(rsum) || !fits(rabs) || !fits(s) || !fits(b))
				return false;
		} else if (op->role == LOYALTY_ROLE_MULTIPLIER) {
			m = op->mult(op->state, type, tier);
			if (restricted(op->tiers) && !ly_strset_has(op->tiers, tier))
				m = ly_frac_int(1);
			if (cp->lm % m.den != 0)
				return false;
			mn = ((ly_i128)m.num - m.den) * (cp->lm / m.den);
			if (!fits(mn))
				return false;
			v = rsum * mn;
			b += rabs * abs128(mn);
			if (!fits(v) || !fits(b))
				return false;
			if (cond) {
				pl->conds[ci].coef[row] = (int64_t)v;
			} else {
				s += v;
				if (!fits(s))
					return false;
			}
		}
		if (cond)
			ci++;
	}
	pl->s[row] = (int64_t)s;
	if ((int64_t)b > pl->bmax)
		pl->bmax = (int64_t)b;
	return true;
}

/* Build the plan of calculator @p c for these type and tier names (tiers
 * holds every tier name a customer can have, "" included when customers may
 * have none). false: the plan does not cover this calculator or these names. */
static bool plan_build(plan *pl, const loyalty_calculator *c, const char *const *types, size_t ntypes,
                       const char *const *tiers, size_t ntiers, arena *a)
{
	const ly_calc_plan *cp = ly_calc_get_plan(c);
	const ly_strset *excluded = ly_calc_excluded(c);
	ly_i128 bonus = 0;
	size_t rows = ntypes * ntiers;
	int nbits = 0;

	if (!cp->usable || !ly_mul64(cp->lr, cp->lm, &pl->d))
		return false;
	pl->ntypes = ntypes;
	pl->ntiers = ntiers;
	pl->bmax = 0;
	pl->ncond = 0;
	pl->need_date = pl->need_civil = false;
	pl->offset = ly_calc_options(c)->utc_offset_minutes;
	pl->rounding = ly_calc_options(c)->rounding;
	pl->s = take(a, rows * sizeof *pl->s);
	pl->eligible = take(a, ntypes);
	pl->cover = take(a, ntypes * sizeof *pl->cover);
	if (pl->s == NULL || pl->eligible == NULL || pl->cover == NULL)
		return false;
	for (size_t i = 0; i < cp->count; i++) {
		const ly_plan_op *op = &cp->ops[i];
		plan_cond *pc;

		if (op->role == LOYALTY_ROLE_BONUS) {
			bonus += op->bonus;
			if (bonus > INT64_MAX)
				return false;
		}
		if (!is_conditional(op))
			continue;
		if (pl->ncond == MAX_CONDS)
			return false;
		pc = &pl->conds[pl->ncond++];
		pc->op = op;
		pc->coef = take(a, rows * sizeof *pc->coef);
		pc->tier_ok = take(a, ntiers);
		if (pc->coef == NULL || pc->tier_ok == NULL)
			return false;
		for (size_t k = 0; k < ntiers; k++)
			pc->tier_ok[k] = !restricted(op->tiers) || ly_strset_has(op->tiers, tiers[k]);
		pc->bonus_d = 0;
		if (op->role == LOYALTY_ROLE_BONUS && !ly_mul64(op->bonus, pl->d, &pc->bonus_d))
			return false;
		/* covered spend matters for a minimum spend, and for a bonus that needs
		 * covered lines (a multiplier on no covered spend adds nothing anyway) */
		pc->cover_bit = -1;
		if (restricted(op->types) && ((op->need_cover && op->role == LOYALTY_ROLE_BONUS) || op->min_spend > 0))
			pc->cover_bit = nbits++;
		pc->checks = (op->has_start || op->has_end ? CHECK_WINDOW : 0) | (op->weekdays ? CHECK_WEEKDAY : 0) |
		             (restricted(op->channels) ? CHECK_CHANNEL : 0) | (restricted(op->tiers) ? CHECK_TIER : 0) |
		             (op->first_purchase ? CHECK_FIRST : 0) | (op->birthday ? CHECK_BIRTHDAY : 0);
		if (op->weekdays || op->birthday)
			pl->need_date = true;
		if (op->birthday)
			pl->need_civil = true;
	}
	pl->nbits = nbits;
	bonus *= pl->d;
	if (bonus > INT64_MAX)
		return false;
	pl->bonus_bound = (int64_t)bonus;
	for (size_t t = 0; t < ntypes; t++) {
		pl->eligible[t] = !ly_strset_has(excluded, types[t]);
		pl->cover[t] = 0;
		for (size_t j = 0; j < pl->ncond; j++)
			if (pl->conds[j].cover_bit >= 0 && pl->eligible[t] && ly_strset_has(pl->conds[j].op->types, types[t]))
				pl->cover[t] |= UINT64_C(1) << pl->conds[j].cover_bit;
		for (size_t k = 0; k < ntiers; k++) {
			size_t row = k * ntypes + t;
			if (!pl->eligible[t]) {
				pl->s[row] = 0;
				for (size_t j = 0; j < pl->ncond; j++)
					pl->conds[j].coef[row] = 0;
				continue;
			}
			if (!plan_row(pl, cp, row, types[t], tiers[k]))
				return false;
		}
	}
	pl->max_spend = pl->bmax == 0 ? INT64_MAX : (INT64_MAX - pl->bonus_bound) / pl->bmax;
	return true;
}

static int64_t round_div(int64_t n, int64_t d, loyalty_rounding mode)
{
	int64_t q = n / d, r = n % d;
	uint64_t twice;

	if (r == 0)
		return q;
	switch (mode) {
	case LOYALTY_ROUND_FLOOR:
		return r < 0 ? q - 1 : q;
	case LOYALTY_ROUND_CEIL:
		return r > 0 ? q + 1 : q;
	default:
		twice = 2 * (r < 0 ? (uint64_t)0 - (uint64_t)r : (uint64_t)r);
		if (twice > (uint64_t)d || (twice == (uint64_t)d && (mode == LOYALTY_ROUND_HALF_UP || q % 2 != 0)))
			return r < 0 ? q - 1 : q + 1;
		return q;
	}
}

typedef struct plan_customer {
	size_t tier;     /* row block */
	int bmonth, bday;
} plan_customer;

/* The points of one purchase through the plan: LOYALTY_OK, or FALLBACK when
 * the plan cannot vouch for this purchase (a total beyond int64, or beyond
 * the bound that keeps compute() free of overflow). */
static int plan_score(const plan *pl, plan_cache *cache, const uint32_t *type, const int64_t *qty,
                      const int64_t *price, size_t n, const plan_customer *cu, loyalty_time at, int first,
                      const char *channel, loyalty_points *out)
{
	const int64_t *srow = pl->s + cu->tier * pl->ntypes;
	uint64_t active = 0;
	size_t act[MAX_CONDS], nact = 0;
	ly_i128 acc = 0, accj[MAX_CONDS];
	int64_t cov[MAX_CONDS];
	int64_t spend = 0, eligible = 0, local_day = 0, year = 0;
	int weekday = 0, month = 0, day;

	if (pl->need_date) {
		int64_t local;
		/* the common case, local times after 1970 and far from the int64 limits */
		if (at >= 0 && at < INT64_MAX / 2 && (local = at + (int64_t)pl->offset * LOYALTY_MS_PER_MINUTE) >= 0)
			local_day = local / LOYALTY_MS_PER_DAY;
		else
			local_day = ly_local_day(at, pl->offset);
		if (pl->need_civil) {
			if (local_day != cache->civil_day) {
				ly_civil_from_days(local_day, &cache->civil_year, &cache->civil_month, &day);
				cache->civil_day = local_day;
			}
			year = cache->civil_year;
			month = cache->civil_month;
		}
	}
	for (size_t j = 0; j < pl->ncond; j++) {
		const plan_cond *pc = &pl->conds[j];
		const ly_plan_op *op = pc->op;
		unsigned checks = pc->checks;
		if (checks != 0) {
			if ((checks & CHECK_WINDOW) && ((op->has_start && at < op->start) || (op->has_end && at >= op->end)))
				continue;
			if (checks & CHECK_WEEKDAY) {
				if (weekday == 0)
					weekday = ly_weekday(local_day);
				if (!(op->weekdays & (1u << (weekday - 1))))
					continue;
			}
			if ((checks & CHECK_CHANNEL) && !ly_strset_has(op->channels, channel))
				continue;
			if ((checks & CHECK_TIER) && !pc->tier_ok[cu->tier])
				continue;
			if ((checks & CHECK_FIRST) && !first)
				continue;
			if ((checks & CHECK_BIRTHDAY) &&
			    (cu->bmonth == 0 ||
			     !ly_birthday_in_period(op->birthday - 1, op->feb29, local_day, year, month, cu->bmonth, cu->bday)))
				continue;
		}
		active |= UINT64_C(1) << j;
		if (op->role == LOYALTY_ROLE_MULTIPLIER) {
			accj[j] = 0;
			act[nact++] = j;
		}
	}
	if (pl->nbits > 0)
		memset(cov, 0, (size_t)pl->nbits * sizeof cov[0]);
	for (size_t l = 0; l < n; l++) {
		uint32_t t = type[l];
		int64_t lt;
		if (!ly_mul64(qty[l], price[l], &lt) || !ly_add64(spend, lt, &spend))
			return FALLBACK;
		if (!pl->eligible[t])
			continue;
		eligible += lt;
		acc += (ly_i128)lt * srow[t];
		for (size_t a = 0; a < nact; a++)
			accj[act[a]] += (ly_i128)lt * pl->conds[act[a]].coef[cu->tier * pl->ntypes + t];
		if (pl->nbits > 0 && pl->cover[t]) {
			for (size_t j = 0; j < pl->ncond; j++)
				if (pl->conds[j].cover_bit >= 0 && (pl->cover[t] >> pl->conds[j].cover_bit) & 1)
					cov[pl->conds[j].cover_bit] += lt;
		}
	}
	if (spend > pl->max_spend) /* spend * bmax + bonus_bound > INT64_MAX */
		return FALLBACK;
	while (active != 0) {
		size_t j = (size_t)__builtin_ctzll(active);
		const plan_cond *pc = &pl->conds[j];
		int64_t covered;
		active &= active - 1;
		covered = pc->cover_bit >= 0 ? cov[pc->cover_bit] : eligible;
		if ((pc->op->need_cover && covered == 0) || covered < pc->op->min_spend)
			continue;
		acc += pc->op->role == LOYALTY_ROLE_MULTIPLIER ? accj[j] : pc->bonus_d;
	}
	*out = round_div((int64_t)acc, pl->d, pl->rounding);
	return LOYALTY_OK;
}

/* ---- the calculator's plan, for loyalty_calculator_score ---------------------------- */

/* The plan over every product type and tier name the strategies mention,
 * plus "" for any other name: a name no strategy mentions earns exactly as
 * any other such name. Names are found through small hash tables. */
struct ly_score_plan {
	plan pl;
	void *mem;
	const char **types, **tiers; /* [ntypes], [ntiers]; the last is "" */
	uint32_t *type_slots, *tier_slots; /* index + 1, 0 = empty */
	size_t type_mask, tier_mask;
};

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The index of @p name in names, via slots (mask + 1 of them); @p other when absent. */
static uint32_t name_find(const char *const *names, const uint32_t *slots, size_t mask, const char *name,
                          uint32_t other)
{
	for (size_t h = name_hash(name) & mask;; h = (h + 1) & mask) {
		uint32_t v = slots[h];
		if (v == 0)
			return other;
		if (strcmp(names[v - 1], name) == 0)
			return v - 1;
	}
}

/* Add @p name unless present. */
static void name_add(const char **names, size_t *n, uint32_t *slots, size_t mask, const char *name)
{
	if (name_find(names, slots, mask, name, UINT32_MAX) != UINT32_MAX)
		return;
	for (size_t h = name_hash(name) & mask;; h = (h + 1) & mask) {
		if (slots[h] == 0) {
			names[*n] = name;
			slots[h] = (uint32_t)++*n;
			return;
		}
	}
}

void ly_score_plan_free(ly_score_plan *p)
{
	if (p == NULL)
		return;
	free(p->mem);
	free(p->types);
	free(p->tiers);
	free(p->type_slots);
	free(p->tier_slots);
	free(p);
}

static size_t slots_for(size_t n)
{
	size_t s = 8;

	while (s < 2 * n + 2)
		s *= 2;
	return s;
}

int ly_score_plan_build(const loyalty_calculator *c, ly_score_plan **out)
{
	const ly_calc_plan *cp = ly_calc_get_plan(c);
	const ly_strset *excluded = ly_calc_excluded(c);
	size_t ntypes = excluded->count + 1, ntiers = 1, size;
	ly_score_plan *p;
	arena a;

	*out = NULL;
	if (!cp->usable)
		return LOYALTY_OK;
	for (size_t i = 0; i < cp->count; i++) {
		ntypes += cp->ops[i].ntype_names;
		ntiers += cp->ops[i].ntier_names;
	}
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return LOYALTY_ENOMEM;
	p->type_mask = slots_for(ntypes) - 1;
	p->tier_mask = slots_for(ntiers) - 1;
	p->types = malloc(ntypes * sizeof *p->types);
	p->tiers = malloc(ntiers * sizeof *p->tiers);
	p->type_slots = calloc(p->type_mask + 1, sizeof *p->type_slots);
	p->tier_slots = calloc(p->tier_mask + 1, sizeof *p->tier_slots);
	if (p->types == NULL || p->tiers == NULL || p->type_slots == NULL || p->tier_slots == NULL) {
		ly_score_plan_free(p);
		return LOYALTY_ENOMEM;
	}
	ntypes = ntiers = 0;
	for (size_t i = 0; i < excluded->count; i++)
		name_add(p->types, &ntypes, p->type_slots, p->type_mask, excluded->items[i]);
	for (size_t i = 0; i < cp->count; i++) {
		for (size_t k = 0; k < cp->ops[i].ntype_names; k++)
			name_add(p->types, &ntypes, p->type_slots, p->type_mask, cp->ops[i].type_names[k]);
		for (size_t k = 0; k < cp->ops[i].ntier_names; k++)
			name_add(p->tiers, &ntiers, p->tier_slots, p->tier_mask, cp->ops[i].tier_names[k]);
	}
	p->types[ntypes++] = ""; /* any other type */
	p->tiers[ntiers++] = ""; /* no tier, or any other */
	size = plan_size(cp, ntypes, ntiers) + 256;
	a.p = p->mem = malloc(size);
	a.used = 0;
	a.size = size;
	if (a.p == NULL) {
		ly_score_plan_free(p);
		return LOYALTY_ENOMEM;
	}
	if (!plan_build(&p->pl, c, p->types, ntypes, p->tiers, ntiers, &a)) {
		ly_score_plan_free(p);
		return LOYALTY_OK;
	}
	*out = p;
	return LOYALTY_OK;
}

/* ---- loyalty_calculator_score ------------------------------------------------------ */

#define SCORE_LINES 16
#define SCORE_ARENA 4096

int ly_score_one(const loyalty_calculator *c, const loyalty_customer *customer, const loyalty_purchase *purchase,
                 int first_purchase, loyalty_points *points, const char *fname)
{
	_Alignas(16) char mem[SCORE_ARENA];
	arena a = { mem, 0, sizeof mem };
	const ly_score_plan *sp = ly_calc_score_plan(c);
	const char *types[SCORE_LINES];
	uint32_t idx[SCORE_LINES];
	int64_t qty[SCORE_LINES], price[SCORE_LINES];
	const char *tier = customer->tier;
	size_t n = purchase->count;
	plan_customer pc = { 0, customer->birth_month, customer->birth_day };
	/* day number to civil date is a pure function: the cache may serve
	 * every calculator this thread scores with */
	static _Thread_local plan_cache cache = { INT64_MIN, 0, 0 };
	plan pl;

	if (!ly_calc_get_plan(c)->usable || n > SCORE_LINES)
		return ly_calc_run(c, customer, purchase, first_purchase, NULL, points, fname);
	for (size_t i = 0; i < n; i++) {
		qty[i] = purchase->items[i].quantity;
		price[i] = purchase->items[i].unit_price;
	}
	if (sp != NULL) {
		/* the calculator's plan: names to indices */
		uint32_t other = (uint32_t)sp->pl.ntypes - 1;
		for (size_t i = 0; i < n; i++)
			idx[i] = name_find(sp->types, sp->type_slots, sp->type_mask, purchase->items[i].product_type, other);
		pc.tier = name_find(sp->tiers, sp->tier_slots, sp->tier_mask, tier, (uint32_t)sp->pl.ntiers - 1);
		if (plan_score(&sp->pl, &cache, idx, qty, price, n, &pc, purchase->at, first_purchase, purchase->channel,
		               points) == LOYALTY_OK)
			return LOYALTY_OK;
		return ly_calc_run(c, customer, purchase, first_purchase, NULL, points, fname);
	}
	/* no plan kept (it did not fit memory): one for this purchase's names */
	for (size_t i = 0; i < n; i++) {
		types[i] = purchase->items[i].product_type;
		idx[i] = (uint32_t)i;
	}
	if (plan_size(ly_calc_get_plan(c), n, 1) + 256 > sizeof mem || !plan_build(&pl, c, types, n, &tier, 1, &a) ||
	    plan_score(&pl, &cache, idx, qty, price, n, &pc, purchase->at, first_purchase, purchase->channel, points) !=
	        LOYALTY_OK)
		return ly_calc_run(c, customer, purchase, first_purchase, NULL, points, fname);
	return LOYALTY_OK;
}

/* ---- loyalty_calculator_score_columns ----------------------------------------------- */

static bool any_bad_tier(const uint32_t *tier, size_t n, size_t ntiers)
{
	unsigned bad = 0;

	for (size_t i = 0; i < n; i++)
		bad |= (tier[i] != UINT32_MAX) & (tier[i] >= ntiers);
	return bad != 0;
}

static bool any_bad_birthday(const uint8_t *month, const uint8_t *day, size_t n)
{
	/* days per month, 29 in February; 0 for month 0 (any day) and above 12 (none) */
	static const uint8_t mdays[256] = { 255, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned bad = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned m = month[i], d = day[i];
		bad |= (m > 12) | ((m != 0) & ((d == 0) | (d > mdays[m])));
	}
	return bad != 0;
}

static bool any_bad_line(const loyalty_score_columns *k, size_t nlines)
{
	unsigned bad = 0;

	for (size_t l = 0; l < nlines; l++)
		bad |= (k->line_type[l] >= k->ntypes) | (k->quantity[l] < 1) | (k->unit_price[l] < 0);
	return bad != 0;
}

/* Check every column; LOYALTY_OK or an error naming the column and index. */
static int check_columns(const loyalty_calculator *c, const loyalty_score_columns *k, size_t *max_lines)
{
	size_t n = k->npurchases, nlines = 0, most = 0;

	if (k->version != LOYALTY_SCORE_COLUMNS_VERSION)
		return ly_error(LOYALTY_EINVAL, "%s: cols.version %u unknown (expected %d)", fn, k->version,
		                LOYALTY_SCORE_COLUMNS_VERSION);
	if (k->currency == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: cols.currency is NULL", fn);
	if (strcmp(k->currency, ly_calc_options(c)->currency) != 0)
		return ly_error(LOYALTY_ECURRENCY, "%s: cols.currency '%.8s' differs from the calculator's %s", fn,
		                k->currency, ly_calc_options(c)->currency);
	if (k->ntypes > 0 && k->type_names == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: cols.type_names is NULL (ntypes %zu)", fn, k->ntypes);
	for (size_t t = 0; t < k->ntypes; t++)
		if (!ly_is_ident(k->type_names[t], LOYALTY_PRODUCT_TYPE_MAX))
			return ly_error(LOYALTY_EINVAL,
			                "%s: cols.type_names[%zu] is not a product type (1..%d bytes of [A-Za-z0-9_.-])", fn,
			                t, LOYALTY_PRODUCT_TYPE_MAX);
	if (k->ntiers > 0 && k->tier_names == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: cols.tier_names is NULL (ntiers %zu)", fn, k->ntiers);
	for (size_t t = 0; t < k->ntiers; t++)
		if (!ly_is_ident(k->tier_names[t], LOYALTY_TIER_NAME_MAX))
			return ly_error(LOYALTY_EINVAL, "%s: cols.tier_names[%zu] is not a tier name (1..%d bytes of [A-Za-z0-9_.-])",
			                fn, t, LOYALTY_TIER_NAME_MAX);
	/* Each column is first scanned without branches (the common case: all
	 * good), then again to name the first bad index. */
	if (k->customer_tier != NULL && any_bad_tier(k->customer_tier, k->ncustomers, k->ntiers))
		for (size_t i = 0; i < k->ncustomers; i++)
			if (k->customer_tier[i] != UINT32_MAX && k->customer_tier[i] >= k->ntiers)
				return ly_error(LOYALTY_EINVAL, "%s: cols.customer_tier[%zu] = %lu is out of range (%zu tiers)", fn,
				                i, (unsigned long)k->customer_tier[i], k->ntiers);
	if (k->birth_month != NULL) {
		if (k->birth_day == NULL && k->ncustomers > 0)
			return ly_error(LOYALTY_EINVAL, "%s: cols.birth_day is NULL but cols.birth_month is not", fn);
		for (size_t i = any_bad_birthday(k->birth_month, k->birth_day, k->ncustomers) ? 0 : k->ncustomers;
		     i < k->ncustomers; i++) {
			int m = k->birth_month[i], d = k->birth_day[i];
			if (m > 12)
				return ly_error(LOYALTY_EINVAL, "%s: cols.birth_month[%zu] = %d is not 0..12", fn, i, m);
			/* 2000 is a leap year: every month/day that any year has */
			if (m != 0 && (d < 1 || d > ly_days_in_month(2000, m)))
				return ly_error(LOYALTY_EINVAL, "%s: cols.birth_day[%zu] = %d does not exist in month %d", fn, i, d,
				                m);
		}
	}
	if (n == 0) {
		*max_lines = 0;
		return LOYALTY_OK;
	}
	if (k->at == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: cols.at is NULL (npurchases %zu)", fn, n);
	if (k->customer == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: cols.customer is NULL (npurchases %zu)", fn, n);
	if (k->line_start == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: cols.line_start is NULL (npurchases %zu)", fn, n);
	if (k->line_start[0] != 0)
		return ly_error(LOYALTY_EINVAL, "%s: cols.line_start[0] = %lu, must be 0", fn,
		                (unsigned long)k->line_start[0]);
	for (size_t i = 0; i < n; i++) {
		if (k->customer[i] >= k->ncustomers)
			return ly_error(LOYALTY_EINVAL, "%s: cols.customer[%zu] = %lu is out of range (%zu customers)", fn, i,
			                (unsigned long)k->customer[i], k->ncustomers);
		if (k->line_start[i + 1] < k->line_start[i])
			return ly_error(LOYALTY_EINVAL, "%s: cols.line_start[%zu] = %lu is below line_start[%zu] = %lu", fn,
			                i + 1, (unsigned long)k->line_start[i + 1], i, (unsigned long)k->line_start[i]);
		if (k->line_start[i + 1] - k->line_start[i] > most)
			most = k->line_start[i + 1] - k->line_start[i];
	}
	nlines = k->line_start[n];
	if (nlines > 0) {
		if (k->line_type == NULL)
			return ly_error(LOYALTY_EINVAL, "%s: cols.line_type is NULL (%zu lines)", fn, nlines);
		if (k->quantity == NULL)
			return ly_error(LOYALTY_EINVAL, "%s: cols.quantity is NULL (%zu lines)", fn, nlines);
		if (k->unit_price == NULL)
			return ly_error(LOYALTY_EINVAL, "%s: cols.unit_price is NULL (%zu lines)", fn, nlines);
	}
	for (size_t l = any_bad_line(k, nlines) ? 0 : nlines; l < nlines; l++) {
		if (k->line_type[l] >= k->ntypes)
			return ly_error(LOYALTY_EINVAL, "%s: cols.line_type[%zu] = %lu is out of range (%zu types)", fn, l,
			                (unsigned long)k->line_type[l], k->ntypes);
		if (k->quantity[l] < 1)
			return ly_error(LOYALTY_EINVAL, "%s: cols.quantity[%zu] = %lld must be >= 1", fn, l,
			                (long long)k->quantity[l]);
		if (k->unit_price[l] < 0)
			return ly_error(LOYALTY_EINVAL, "%s: cols.unit_price[%zu] = %lld must be >= 0", fn, l,
			                (long long)k->unit_price[l]);
	}
	*max_lines = most;
	return LOYALTY_OK;
}

/* Fill the in-place purchase and customer of purchase i; ERANGE when a
 * total does not fit int64 (as loyalty_purchase_add_item would say). */
static int view_purchase(const loyalty_score_columns *k, size_t i, loyalty_purchase *p, loyalty_customer *cu)
{
	uint32_t who = k->customer[i], first = k->line_start[i], end = k->line_start[i + 1];
	int64_t total = 0;

	cu->tier = empty;
	if (k->customer_tier != NULL && k->customer_tier[who] != UINT32_MAX)
		cu->tier = (char *)k->tier_names[k->customer_tier[who]];
	cu->birth_month = cu->birth_day = 0;
	if (k->birth_month != NULL && k->birth_month[who] != 0) {
		cu->birth_month = k->birth_month[who];
		cu->birth_day = k->birth_day[who];
	}
	p->at = k->at[i];
	p->count = end - first;
	for (uint32_t l = first; l < end; l++) {
		ly_item *it = &p->items[l - first];
		it->sku = empty;
		it->product_type = (char *)k->type_names[k->line_type[l]];
		it->quantity = k->quantity[l];
		it->unit_price = k->unit_price[l];
		if (!ly_mul64(it->quantity, it->unit_price, &it->line_total))
			return ly_error(LOYALTY_ERANGE, "%s: line %lu total %lld x %lld overflows int64", fn, (unsigned long)l,
			                (long long)it->unit_price, (long long)it->quantity);
		if (!ly_add64(total, it->line_total, &total))
			return ly_error(LOYALTY_ERANGE, "%s: purchase total overflows int64 at line %lu", fn,
			                (unsigned long)l);
	}
	p->total = total;
	return LOYALTY_OK;
}

/* The plan for a batch: *mem (to free) stays NULL when the plan does not
 * cover the calculator or the names; LOYALTY_ENOMEM. */
static int plan_columns(const loyalty_calculator *c, const loyalty_score_columns *k, plan *pl, void **mem,
                        const char ***tiers)
{
	const ly_calc_plan *cp = ly_calc_get_plan(c);
	size_t size;
	arena a;

	*mem = NULL;
	*tiers = NULL;
	if (!cp->usable || k->npurchases == 0)
		return LOYALTY_OK;
	*tiers = malloc((k->ntiers + 1) * sizeof **tiers);
	if (*tiers == NULL)
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	for (size_t t = 0; t < k->ntiers; t++)
		(*tiers)[t] = k->tier_names[t];
	(*tiers)[k->ntiers] = ""; /* no tier: the last row block */
	size = plan_size(cp, k->ntypes, k->ntiers + 1) + 256;
	a.p = malloc(size);
	a.used = 0;
	a.size = size;
	if (a.p == NULL) {
		free(*tiers);
		*tiers = NULL;
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	}
	if (plan_build(pl, c, k->type_names, k->ntypes, *tiers, k->ntiers + 1, &a))
		*mem = a.p;
	else
		free(a.p);
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_calculator_score_columns(const loyalty_calculator *c, const loyalty_score_columns *cols,
                                                 loyalty_points *points, int *status)
{
	char first_msg[512];
	size_t max_lines = 0, first_bad = 0;
	int first_rc = LOYALTY_OK, rc;
	loyalty_purchase p;
	loyalty_customer cu;
	ly_item one;
	plan pl, *use = &pl;
	plan_cache cache = { INT64_MIN, 0, 0 };
	void *plan_mem = NULL;
	const char **tier_names = NULL;

	LY_CHECK_NULL(c, fn);
	LY_CHECK_NULL(cols, fn);
	LY_CHECK_NULL(points, fn);
	rc = check_columns(c, cols, &max_lines);
	if (rc != LOYALTY_OK)
		return rc;
	rc = plan_columns(c, cols, &pl, &plan_mem, &tier_names);
	if (rc != LOYALTY_OK)
		return rc;
	memset(&p, 0, sizeof p);
	memset(&cu, 0, sizeof cu);
	p.key = empty;
	p.channel = empty;
	memcpy(p.currency, ly_calc_options(c)->currency, sizeof p.currency);
	p.items = &one;
	if (plan_mem == NULL)
		use = NULL;
	if (max_lines > 1) {
		p.items = malloc(max_lines * sizeof *p.items);
		if (p.items == NULL) {
			free(plan_mem);
			free(tier_names);
			return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
		}
	}
	cu.external_ref = cu.name = cu.email = empty;
	for (size_t i = 0; i < cols->npurchases; i++) {
		loyalty_points pts = 0;
		int first = cols->first_purchase != NULL && cols->first_purchase[i];

		if (use != NULL) {
			uint32_t who = cols->customer[i], from = cols->line_start[i];
			plan_customer pc = { cols->ntiers, 0, 0 };
			if (cols->customer_tier != NULL && cols->customer_tier[who] != UINT32_MAX)
				pc.tier = cols->customer_tier[who];
			if (cols->birth_month != NULL) {
				pc.bmonth = cols->birth_month[who];
				pc.bday = cols->birth_day[who];
			}
			if (plan_score(use, &cache, cols->line_type + from, cols->quantity + from, cols->unit_price + from,
			               cols->line_start[i + 1] - from, &pc, cols->at[i], first, "", &pts) == LOYALTY_OK) {
				points[i] = pts;
				if (status != NULL)
					status[i] = LOYALTY_OK;
				continue;
			}
		}
		rc = view_purchase(cols, i, &p, &cu);
		if (rc == LOYALTY_OK)
			rc = ly_calc_run(c, &cu, &p, first, NULL, &pts, fn);
		if (rc != LOYALTY_OK) {
			pts = 0;
			if (first_rc == LOYALTY_OK) {
				first_rc = rc;
				first_bad = i;
				const char *m = loyalty_last_error();
				size_t skip = strlen(fn);
				/* "fn: why" becomes "fn: purchase i: why" below */
				if (strncmp(m, fn, skip) == 0 && strncmp(m + skip, ": ", 2) == 0)
					m += skip + 2;
				snprintf(first_msg, sizeof first_msg, "%s", m);
			}
		}
		points[i] = pts;
		if (status != NULL)
			status[i] = rc;
	}
	if (p.items != &one)
		free(p.items);
	free(plan_mem);
	free(tier_names);
	if (first_rc != LOYALTY_OK)
		return ly_error(first_rc, "%s: purchase %zu: %s", fn, first_bad, first_msg);
	return LOYALTY_OK;
}
