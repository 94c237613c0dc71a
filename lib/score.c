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

/*
 * The checks of the columns scan every row without branches, four or
 * sixteen rows at a time in 16-byte vectors; only when a scan finds a bad row does a second, plain loop look for the first one to
 * name it. The scans also gather bit bounds on the line totals, which let
 * the batch kernel below skip every per-line overflow check when no total
 * can come near the plan's bound.
 */
typedef struct col_bounds {
	uint64_t qty, price, nlines; /* OR of every quantity, unit price, and purchase's number of lines */
} col_bounds;

/* 16-byte vectors (GCC and Clang vector extensions): plain SSE2 / NEON code */
typedef uint8_t v16u8 __attribute__((vector_size(16)));
typedef uint32_t v4u32 __attribute__((vector_size(16)));
typedef int32_t v4i32 __attribute__((vector_size(16)));
typedef uint64_t v2u64 __attribute__((vector_size(16)));

static inline v4u32 load_u32(const uint32_t *p)
{
	v4u32 v;
	memcpy(&v, p, sizeof v);
	return v;
}

static inline v2u64 load_u64(const void *p)
{
	v2u64 v;
	memcpy(&v, p, sizeof v);
	return v;
}

static inline v16u8 load_u8(const uint8_t *p)
{
	v16u8 v;
	memcpy(&v, p, sizeof v);
	return v;
}

static inline uint32_t any_u32(v4i32 v)
{
	return (uint32_t)(v[0] | v[1] | v[2] | v[3]);
}

static bool any_bad_tier(const uint32_t *tier, size_t n, size_t ntiers)
{
	/* (t + 1) wraps UINT32_MAX (no tier) to 0 */
	uint32_t nt = ntiers >= UINT32_MAX ? UINT32_MAX : (uint32_t)ntiers, bad = 0;
	v4i32 vb = { 0, 0, 0, 0 };
	size_t i = 0;

	for (; i + 4 <= n; i += 4)
		vb |= (v4i32)((load_u32(tier + i) + 1u) > nt);
	for (; i < n; i++)
		bad |= (uint32_t)(tier[i] + 1u) > nt;
	return (bad | any_u32(vb)) != 0;
}

static inline uint8_t bad_birthday(uint8_t m, uint8_t d)
{
	/* days in month m, 29 in February */
	uint8_t lim = (uint8_t)(31 - 2 * (m == 2) - ((m == 4) | (m == 6) | (m == 9) | (m == 11)));
	return (uint8_t)((m > 12) | ((m != 0) & ((uint8_t)(d - 1) >= lim)));
}

static bool any_bad_birthday(const uint8_t *month, const uint8_t *day, size_t n)
{
	v16u8 vb = { 0 };
	uint8_t bad = 0;
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		v16u8 m = load_u8(month + i), d = load_u8(day + i);
		/* a comparison is -1 where true: 31 - 2 (February) or 31 - 1 (30-day months) */
		v16u8 lim = 31 + 2 * (v16u8)(m == 2) + (v16u8)((m == 4) | (m == 6) | (m == 9) | (m == 11));
		vb |= (v16u8)(m > 12) | ((v16u8)(m != 0) & (v16u8)((v16u8)(d - 1) >= lim));
	}
	for (; i < n; i++)
		bad |= bad_birthday(month[i], day[i]);
	for (int j = 0; j < 16; j++)
		bad |= vb[j];
	return bad != 0;
}

/* Purchases: customer in range, line_start never decreasing; ORs the line counts into @p b. */
static bool any_bad_purchase(const loyalty_score_columns *k, col_bounds *b)
{
	const uint32_t *cu = k->customer, *ls = k->line_start;
	uint32_t nc = k->ncustomers > UINT32_MAX ? UINT32_MAX : (uint32_t)k->ncustomers, bad = 0, lines = 0;
	bool all = k->ncustomers > UINT32_MAX; /* every index is in range */
	v4i32 vc = { 0, 0, 0, 0 }, vl = { 0, 0, 0, 0 };
	v4u32 vn = { 0, 0, 0, 0 };
	size_t n = k->npurchases, i = 0;

	for (; i + 4 <= n; i += 4) {
		v4u32 lo = load_u32(ls + i), hi = load_u32(ls + i + 1);
		vc |= (v4i32)(load_u32(cu + i) >= nc);
		vl |= (v4i32)(hi < lo);
		vn |= hi - lo;
	}
	for (; i < n; i++) {
		bad |= ((cu[i] >= nc) & !all) | (ls[i + 1] < ls[i]);
		lines |= ls[i + 1] - ls[i];
	}
	b->nlines = lines | vn[0] | vn[1] | vn[2] | vn[3];
	return (bad | (any_u32(vc) & !all) | any_u32(vl)) != 0;
}

/* Lines: type in range, quantity >= 1, unit price >= 0; ORs quantities and prices into @p b. */
static bool any_bad_line(const loyalty_score_columns *k, size_t nlines, col_bounds *b)
{
	const uint32_t *type = k->line_type;
	const uint64_t *qty = (const uint64_t *)k->quantity, *price = (const uint64_t *)k->unit_price;
	uint32_t nt = k->ntypes > UINT32_MAX ? UINT32_MAX : (uint32_t)k->ntypes, bt = 0;
	bool all = k->ntypes > UINT32_MAX;
	/* q | (q - 1) has the sign bit set exactly when q <= 0 as an int64, and
	 * the bit length of q otherwise */
	uint64_t oq = 0, op = 0;
	v4i32 vt = { 0, 0, 0, 0 };
	v2u64 vq = { 0, 0 }, vp = { 0, 0 };
	size_t l = 0;

	for (; l + 4 <= nlines; l += 4) {
		v2u64 q0 = load_u64(qty + l), q1 = load_u64(qty + l + 2);
		vt |= (v4i32)(load_u32(type + l) >= nt);
		vq |= q0 | (q0 - 1) | q1 | (q1 - 1);
		vp |= load_u64(price + l) | load_u64(price + l + 2);
	}
	for (; l < nlines; l++) {
		bt |= type[l] >= nt;
		oq |= qty[l] | (qty[l] - 1);
		op |= price[l];
	}
	oq |= vq[0] | vq[1];
	op |= vp[0] | vp[1];
	b->qty = oq;
	b->price = op;
	return ((bt | any_u32(vt)) != 0 && !all) || (oq >> 63) != 0 || (op >> 63) != 0;
}

/* Check every column; LOYALTY_OK or an error naming the column and index. */
static int check_columns(const loyalty_calculator *c, const loyalty_score_columns *k, col_bounds *bounds)
{
	size_t n = k->npurchases, nlines = 0;

	memset(bounds, 0, sizeof *bounds);
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
	if (n == 0)
		return LOYALTY_OK;
	if (k->at == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: cols.at is NULL (npurchases %zu)", fn, n);
	if (k->customer == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: cols.customer is NULL (npurchases %zu)", fn, n);
	if (k->line_start == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: cols.line_start is NULL (npurchases %zu)", fn, n);
	if (k->line_start[0] != 0)
		return ly_error(LOYALTY_EINVAL, "%s: cols.line_start[0] = %lu, must be 0", fn,
		                (unsigned long)k->line_start[0]);
	if (any_bad_purchase(k, bounds))
		for (size_t i = 0; i < n; i++) {
			if (k->customer[i] >= k->ncustomers)
				return ly_error(LOYALTY_EINVAL, "%s: cols.customer[%zu] = %lu is out of range (%zu customers)", fn,
				                i, (unsigned long)k->customer[i], k->ncustomers);
			if (k->line_start[i + 1] < k->line_start[i])
				return ly_error(LOYALTY_EINVAL, "%s: cols.line_start[%zu] = %lu is below line_start[%zu] = %lu",
				                fn, i + 1, (unsigned long)k->line_start[i + 1], i,
				                (unsigned long)k->line_start[i]);
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
	for (size_t l = any_bad_line(k, nlines, bounds) ? 0 : nlines; l < nlines; l++) {
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

/* ---- the batch kernel ---------------------------------------------------------------- */

/*
 * The plan specialised for a batch of columns, when it has only what a tight
 * loop handles: every conditional multiplier applies by conditions known
 * before the lines (no minimum spend), at most FAST_MULTS of them, and every
 * bonus depends at most on the eligible spend (no covered types). Then the
 * weights of a line are one table entry: tab[mask] holds, per (tier, type),
 * the unconditional weights plus those of the conditional multipliers in
 * mask, so a line is one multiply-add whatever applies. Conditions that can
 * never hold for columns (a channel: columns have none) are dropped.
 */
#define FAST_MULTS 3
#define FAST_CONDS 16
#define KEYED_TIERS 16 /* tier blocks (the last: no tier) of a keyed kernel */

typedef struct fast_cond {
	const plan_cond *pc;
	int64_t start, end;            /* start <= at < end (INT64_MIN / INT64_MAX when open) */
	const unsigned char *tier_ok;  /* [ntiers + 1], NULL: any tier */
	unsigned weekdays;             /* bit (weekday - 1), 0: any */
	int birthday, feb29;           /* 0, or 1 + the period of ly_birthday_in_period() */
	bool first;                    /* only a first purchase */
	unsigned bit;                  /* MULTIPLIER: its bit in the table index; 0: a BONUS */
	bool need_cover;               /* BONUS: eligible spend > 0 */
	int64_t min_spend, bonus_d;    /* BONUS: eligible spend >= min_spend; bonus * D */
} fast_cond;

typedef struct fast {
	const plan *pl;
	int64_t *mem;
	const int64_t *tab[1u << FAST_MULTS]; /* [rows] each */
	int64_t *emask;                       /* [ntypes]: -1 eligible, 0 excluded */
	size_t ncond;
	fast_cond cond[FAST_CONDS];
	bool need_day, need_month, unchecked;
	bool keyed; /* every customer condition is a tier, a first purchase or a birthday month */
	/* keyed: per customer, tier block << 4 | birth month (NULL: every customer is cconst) */
	uint8_t *cpack, cconst;
	int64_t offset_ms;
} fast;

/* false: the plan is not for the kernel (or no memory: the plan path then serves). */
static bool fast_build(fast *f, const plan *pl, const col_bounds *b)
{
	size_t rows = pl->ntypes * pl->ntiers, nmult = 0;
	unsigned bits;

	memset(f, 0, sizeof *f);
	f->pl = pl;
	f->offset_ms = (int64_t)pl->offset * LOYALTY_MS_PER_MINUTE;
	if (pl->nbits > 0)
		return false;
	for (size_t j = 0; j < pl->ncond; j++) {
		const plan_cond *pc = &pl->conds[j];
		const ly_plan_op *op = pc->op;
		fast_cond *fc;

		if ((pc->checks & CHECK_CHANNEL) && !ly_strset_has(op->channels, ""))
			continue; /* a purchase without channel never qualifies */
		if (f->ncond == FAST_CONDS)
			return false;
		fc = &f->cond[f->ncond++];
		fc->pc = pc;
		fc->start = op->has_start ? op->start : INT64_MIN;
		fc->end = op->has_end ? op->end : INT64_MAX;
		fc->tier_ok = (pc->checks & CHECK_TIER) ? pc->tier_ok : NULL;
		fc->weekdays = op->weekdays;
		fc->birthday = op->birthday;
		fc->feb29 = op->feb29;
		fc->first = op->first_purchase;
		if (op->role == LOYALTY_ROLE_MULTIPLIER) {
			if (op->min_spend > 0 || nmult == FAST_MULTS)
				return false;
			fc->bit = 1u << nmult++;
		} else {
			fc->need_cover = op->need_cover;
			fc->min_spend = op->min_spend;
			fc->bonus_d = pc->bonus_d;
		}
		if (op->weekdays || (op->birthday && op->birthday - 1 != 2))
			f->need_day = true;
		if (op->birthday)
			f->need_month = true;
	}
	f->keyed = pl->ntiers <= KEYED_TIERS;
	for (size_t j = 0; j < f->ncond; j++)
		if (f->cond[j].birthday != 0 && f->cond[j].birthday - 1 != 2)
			f->keyed = false;
	bits = 1u << nmult;
	f->mem = malloc(((bits - 1) * rows + pl->ntypes) * sizeof *f->mem);
	if (f->mem == NULL)
		return false;
	f->emask = f->mem + (bits - 1) * rows;
	for (size_t t = 0; t < pl->ntypes; t++)
		f->emask[t] = pl->eligible[t] ? -1 : 0;
	f->tab[0] = pl->s;
	for (unsigned m = 1; m < bits; m++) {
		int64_t *tab = f->mem + (m - 1) * rows;
		for (size_t r = 0; r < rows; r++) {
			/* |s| + the sum of every |coef| is at most bmax (plan_row): no overflow */
			int64_t v = pl->s[r];
			for (size_t j = 0; j < f->ncond; j++)
				if (m & f->cond[j].bit)
					v += f->cond[j].pc->coef[r];
			tab[r] = v;
		}
		f->tab[m] = tab;
	}
	/* line totals below 2^(bq + bp), a purchase's spend below 2^(bq + bp + bn): when
	 * that is within max_spend, no total overflows and no purchase leaves the plan */
	{
		int bq = 64 - (b->qty ? __builtin_clzll(b->qty) : 64), bp = 64 - (b->price ? __builtin_clzll(b->price) : 64);
		int bn = 64 - (b->nlines ? __builtin_clzll(b->nlines) : 64);
		f->unchecked = bq + bp + bn <= 62 && ((INT64_C(1) << (bq + bp + bn)) - 1) <= pl->max_spend;
	}
	return true;
}

static void fast_free(fast *f)
{
	free(f->mem);
	free(f->cpack);
	f->mem = NULL;
	f->cpack = NULL;
}

/* The keyed kernel reads one byte per customer: pack the customer columns,
 * when they are not much larger than the batch (else the general loop). */
static void fast_pack(fast *f, const loyalty_score_columns *k)
{
	const uint32_t *tier = k->customer_tier;
	const uint8_t *month = k->birth_month;
	const uint8_t none = (uint8_t)(k->ntiers << 4);

	if (!f->keyed)
		return;
	f->cconst = none;
	if (tier == NULL && month == NULL)
		return;
	if (k->ncustomers / 8 > k->npurchases + 8192 || (f->cpack = malloc(k->ncustomers ? k->ncustomers : 1)) == NULL) {
		f->keyed = false;
		return;
	}
	for (size_t i = 0; i < k->ncustomers; i++) {
		uint32_t t = tier != NULL ? tier[i] : UINT32_MAX;
		f->cpack[i] = (uint8_t)((t == UINT32_MAX ? none : (uint8_t)(t << 4)) | (month != NULL ? month[i] : 0));
	}
}

/*
 * What holds for a stretch of time [lo, hi) (UTC ms) in which no condition
 * that depends on the time alone changes: the purchase's local day (when a
 * condition needs it; else only its month) and the conditions that pass on
 * time alone, split into those that apply to everybody (mult: table bits,
 * bonus: condition bits) and those that still depend on the customer (cust).
 * Purchases often come in time order: one refresh serves many of them.
 */
typedef struct segment {
	int64_t lo, hi;
	unsigned mult, bonus, cust;
	int64_t local_day, year;
	int month;
	/* when the kernel is keyed, by customer key tier * 4 + (birth month ==
	 * month) * 2 + first purchase: the row of weights and the bonus bits */
	const int64_t *krow[KEYED_TIERS * 4];
	uint32_t kbonus[KEYED_TIERS * 4];
} segment;

static inline bool in_segment(const segment *sg, int64_t at)
{
	return (uint64_t)at - (uint64_t)sg->lo < (uint64_t)sg->hi - (uint64_t)sg->lo;
}

static void segment_at(const fast *f, segment *sg, int64_t at)
{
	int offset = f->pl->offset, day, weekday;
	int64_t lo = INT64_MIN, hi = INT64_MAX;

	sg->local_day = ly_local_day(at, offset);
	ly_civil_from_days(sg->local_day, &sg->year, &sg->month, &day);
	weekday = ly_weekday(sg->local_day);
	/* calendar bounds only far from the int64 limits (about +-36 million years) */
	if ((f->need_day || f->need_month) && !(at > -(INT64_C(1) << 60) && at < (INT64_C(1) << 60))) {
		lo = hi = 0; /* an empty stretch: every purchase refreshes */
	} else if (f->need_day) {
		lo = sg->local_day * LOYALTY_MS_PER_DAY - f->offset_ms;
		hi = lo + LOYALTY_MS_PER_DAY;
	} else if (f->need_month) {
		int64_t first = sg->local_day - (day - 1);
		lo = first * LOYALTY_MS_PER_DAY - f->offset_ms;
		hi = (first + ly_days_in_month(sg->year, sg->month)) * LOYALTY_MS_PER_DAY - f->offset_ms;
	}
	sg->mult = sg->bonus = sg->cust = 0;
	for (size_t j = 0; j < f->ncond; j++) {
		const fast_cond *fc = &f->cond[j];
		if (at < fc->start) {
			hi = fc->start < hi ? fc->start : hi;
			continue;
		}
		if (at >= fc->end) {
			lo = fc->end > lo ? fc->end : lo;
			continue;
		}
		lo = fc->start > lo ? fc->start : lo;
		hi = fc->end < hi ? fc->end : hi;
		if (fc->weekdays && !(fc->weekdays & (1u << (weekday - 1))))
			continue;
		if (fc->tier_ok != NULL || fc->first || fc->birthday)
			sg->cust |= 1u << j;
		else if (fc->bit != 0)
			sg->mult |= fc->bit;
		else
			sg->bonus |= 1u << j;
	}
	if (lo > hi)
		lo = hi;
	sg->lo = lo;
	sg->hi = hi;
	if (!f->keyed)
		return;
	for (size_t key = 0; key < (f->pl->ntiers) * 4; key++) {
		unsigned mask = sg->mult, bonus = sg->bonus;
		for (unsigned cm = sg->cust; cm != 0; cm &= cm - 1) {
			const unsigned j = (unsigned)__builtin_ctz(cm);
			const fast_cond *fc = &f->cond[j];
			if ((fc->tier_ok != NULL && !fc->tier_ok[key / 4]) || (fc->first && !(key & 1)) ||
			    (fc->birthday && !(key & 2)))
				continue;
			if (fc->bit != 0)
				mask |= fc->bit;
			else
				bonus |= 1u << j;
		}
		sg->krow[key] = f->tab[mask] + key / 4 * f->pl->ntypes;
		sg->kbonus[key] = bonus;
	}
}

/* The batch's state for the general path: purchases the kernel cannot vouch for. */
typedef struct slow_ctx {
	const loyalty_calculator *c;
	const loyalty_score_columns *k;
	const plan *pl;             /* NULL: no plan */
	plan_cache cache;
	loyalty_purchase p;
	loyalty_customer cu;
	ly_item one;
	int first_rc;
	size_t first_bad;
	char first_msg[512];
} slow_ctx;

/* Score purchase i through the plan, else through the pipeline; its status. */
static int score_slow(slow_ctx *s, size_t i, loyalty_points *points)
{
	const loyalty_score_columns *k = s->k;
	uint32_t from = k->line_start[i], n = k->line_start[i + 1] - from;
	int first = k->first_purchase != NULL && k->first_purchase[i];
	loyalty_points pts = 0;
	int rc;

	if (s->pl != NULL) {
		uint32_t who = k->customer[i];
		plan_customer pc = { k->ntiers, 0, 0 };
		if (k->customer_tier != NULL && k->customer_tier[who] != UINT32_MAX)
			pc.tier = k->customer_tier[who];
		if (k->birth_month != NULL) {
			pc.bmonth = k->birth_month[who];
			pc.bday = k->birth_day[who];
		}
		if (plan_score(s->pl, &s->cache, k->line_type + from, k->quantity + from, k->unit_price + from, n, &pc,
		               k->at[i], first, "", &pts) == LOYALTY_OK) {
			*points = pts;
			return LOYALTY_OK;
		}
	}
	rc = view_purchase(k, i, &s->p, &s->cu);
	if (rc == LOYALTY_OK)
		rc = ly_calc_run(s->c, &s->cu, &s->p, first, NULL, &pts, fn);
	if (rc == LOYALTY_OK) {
		*points = pts;
		return LOYALTY_OK;
	}
	if (s->first_rc == LOYALTY_OK) {
		const char *m = loyalty_last_error();
		size_t skip = strlen(fn);
		s->first_rc = rc;
		s->first_bad = i;
		/* "fn: why" becomes "fn: purchase i: why" below */
		if (strncmp(m, fn, skip) == 0 && strncmp(m + skip, ": ", 2) == 0)
			m += skip + 2;
		snprintf(s->first_msg, sizeof s->first_msg, "%s", m);
	}
	*points = 0;
	return rc;
}

/* The general loop over the customer conditions of a segment: the weight row
 * of purchase i and its bonus bits. */
static const int64_t *customer_row(const fast *f, const segment *sg, const loyalty_score_columns *k, size_t i,
                                   unsigned *bonus_bits)
{
	const uint32_t who = k->customer[i];
	const uint32_t tr = k->customer_tier != NULL ? k->customer_tier[who] : UINT32_MAX;
	const size_t tier = tr == UINT32_MAX ? k->ntiers : tr;
	const int bm = k->birth_month != NULL ? k->birth_month[who] : 0;
	const bool first = k->first_purchase != NULL && k->first_purchase[i] != 0;
	unsigned mask = sg->mult, bonuses = sg->bonus;

	for (unsigned cm = sg->cust; cm != 0; cm &= cm - 1) {
		const unsigned j = (unsigned)__builtin_ctz(cm);
		const fast_cond *fc = &f->cond[j];
		if ((fc->tier_ok != NULL && !fc->tier_ok[tier]) || (fc->first && !first))
			continue;
		if (fc->birthday) {
			if (bm == 0)
				continue;
			if (fc->birthday - 1 == 2) { /* the month */
				if (bm != sg->month)
					continue;
			} else if (!ly_birthday_in_period(fc->birthday - 1, fc->feb29, sg->local_day, sg->year, sg->month, bm,
			                                  k->birth_day[who])) {
				continue;
			}
		}
		if (fc->bit != 0)
			mask |= fc->bit;
		else
			bonuses |= 1u << j;
	}
	*bonus_bits = bonuses;
	return f->tab[mask] + tier * f->pl->ntypes;
}

/*
 * Every purchase of the batch through the kernel. @p unchecked: the batch's
 * bounds guarantee that no line total, spend or weighted sum overflows, so
 * the line loop is three loads and two multiply-adds; otherwise each
 * purchase is checked, and one that could overflow goes to score_slow. The
 * weighted sum runs in uint64 (wrapping is defined); within the bound it is
 * the exact value.
 */
static inline __attribute__((always_inline)) void fast_run(const fast *f, slow_ctx *s, loyalty_points *points,
                                                           int *status, bool unchecked)
{
	const loyalty_score_columns *k = s->k;
	const plan *pl = f->pl;
	const uint32_t *type = k->line_type, *ls = k->line_start;
	const int64_t *qty = k->quantity, *price = k->unit_price, *emask = f->emask;
	const uint8_t *firsts = k->first_purchase;
	const int64_t d = pl->d, max_spend = pl->max_spend;
	const loyalty_rounding rounding = pl->rounding;
	const bool keyed = f->keyed;
	const uint8_t *cpack = f->cpack, cconst = f->cconst;
	/* floor rounding of a sum and D that fit 32 bits: a 32-bit division, several times faster */
	const bool floor32 = rounding == LOYALTY_ROUND_FLOOR && d <= UINT32_MAX;

	segment sg;

	sg.lo = sg.hi = 0; /* empty: the first purchase fills it */

	for (size_t i = 0, n = k->npurchases; i < n; i++) {
		const int64_t at = k->at[i];
		const uint32_t who = k->customer[i];
		unsigned bonuses;
		const int64_t *row;
		uint64_t acc = 0;
		int64_t eligible = 0;

		if (!in_segment(&sg, at))
			segment_at(f, &sg, at);
		if (keyed) {
			unsigned cb = cpack != NULL ? cpack[who] : cconst;
			size_t key = (cb >> 4) * 4 + (size_t)((cb & 15) == (unsigned)sg.month) * 2 +
			             (size_t)(firsts != NULL && firsts[i] != 0);
			row = sg.krow[key];
			bonuses = sg.kbonus[key];
		} else {
			row = customer_row(f, &sg, k, i, &bonuses);
		}
		if (unchecked) {
			for (uint32_t l = ls[i], end = ls[i + 1]; l < end; l++) {
				uint32_t t = type[l];
				int64_t lt = qty[l] * price[l];
				eligible += lt & emask[t];
				acc += (uint64_t)lt * (uint64_t)row[t];
			}
		} else {
			int64_t spend = 0;
			uint64_t elig = 0; /* wraps only when the spend overflows: then unused */
			bool over = false;
			for (uint32_t l = ls[i], end = ls[i + 1]; l < end; l++) {
				uint32_t t = type[l];
				int64_t lt;
				over |= __builtin_mul_overflow(qty[l], price[l], &lt);
				over |= __builtin_add_overflow(spend, lt, &spend);
				elig += (uint64_t)(lt & emask[t]);
				acc += (uint64_t)lt * (uint64_t)row[t];
			}
			eligible = (int64_t)elig;
			if (over || spend > max_spend) {
				int rc = score_slow(s, i, &points[i]);
				if (status != NULL)
					status[i] = rc;
				continue;
			}
		}
		while (bonuses != 0) {
			const fast_cond *fc = &f->cond[__builtin_ctz(bonuses)];
			bonuses &= bonuses - 1;
			if (eligible >= fc->min_spend && (!fc->need_cover || eligible > 0))
				acc += (uint64_t)fc->bonus_d;
		}
		if (floor32 && acc <= UINT32_MAX)
			points[i] = (uint32_t)acc / (uint32_t)d;
		else
			points[i] = round_div((int64_t)acc, d, rounding);
	}
}

static __attribute__((noinline)) void fast_run_unchecked(const fast *f, slow_ctx *s, loyalty_points *points,
                                                         int *status)
{
	fast_run(f, s, points, status, true);
}

static __attribute__((noinline)) void fast_run_checked(const fast *f, slow_ctx *s, loyalty_points *points,
                                                       int *status)
{
	fast_run(f, s, points, status, false);
}

LOYALTY_API int loyalty_calculator_score_columns(const loyalty_calculator *c, const loyalty_score_columns *cols,
                                                 loyalty_points *points, int *status)
{
	col_bounds bounds;
	int rc;
	plan pl;
	fast f;
	slow_ctx *s;
	void *plan_mem = NULL;
	const char **tier_names = NULL;

	LY_CHECK_NULL(c, fn);
	LY_CHECK_NULL(cols, fn);
	LY_CHECK_NULL(points, fn);
	rc = check_columns(c, cols, &bounds);
	if (rc != LOYALTY_OK)
		return rc;
	rc = plan_columns(c, cols, &pl, &plan_mem, &tier_names);
	if (rc != LOYALTY_OK)
		return rc;
	s = calloc(1, sizeof *s);
	if (s == NULL) {
		free(plan_mem);
		free(tier_names);
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	}
	s->c = c;
	s->k = cols;
	s->pl = plan_mem != NULL ? &pl : NULL;
	s->cache.civil_day = INT64_MIN;
	s->p.key = empty;
	s->p.channel = empty;
	memcpy(s->p.currency, ly_calc_options(c)->currency, sizeof s->p.currency);
	s->p.items = &s->one;
	if (bounds.nlines > 1) {
		/* room for the longest purchase (the OR of the line counts is at least the largest) */
		s->p.items = malloc(bounds.nlines * sizeof *s->p.items);
		if (s->p.items == NULL) {
			free(s);
			free(plan_mem);
			free(tier_names);
			return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
		}
	}
	s->cu.external_ref = s->cu.name = s->cu.email = empty;
	s->cu.tier = empty;
	if (plan_mem != NULL && fast_build(&f, &pl, &bounds)) {
		fast_pack(&f, cols);
		/* every status LOYALTY_OK (0), but those the general path sets */
		if (status != NULL)
			memset(status, 0, cols->npurchases * sizeof *status);
		if (f.unchecked)
			fast_run_unchecked(&f, s, points, status);
		else
			fast_run_checked(&f, s, points, status);
		fast_free(&f);
	} else {
		for (size_t i = 0; i < cols->npurchases; i++) {
			int st = score_slow(s, i, &points[i]);
			if (status != NULL)
				status[i] = st;
		}
	}
	if (s->p.items != &s->one)
		free(s->p.items);
	free(plan_mem);
	free(tier_names);
	rc = s->first_rc;
	if (rc != LOYALTY_OK)
		rc = ly_error(rc, "%s: purchase %zu: %s", fn, s->first_bad, s->first_msg);
	free(s);
	return rc;
}
