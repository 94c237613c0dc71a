/*
 * Property test: the calculator against a straightforward reference
 * computation on randomly generated programs, customers and purchases.
 *
 * The reference is written independently of lib/: it keeps one exact
 * fraction per line, applies each strategy's rule as docs/STRATEGIES.md
 * states it, finds birthdays by scanning the days around the purchase, and
 * rounds the total once.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "torture.h"

#define PROGRAMS 250
#define PURCHASES_PER_PROGRAM 48 /* 12,000 purchases in all */

__extension__ typedef __int128 i128;

typedef struct { i128 n, d; } Q;

static i128 gcd(i128 a, i128 b)
{
	if (a < 0)
		a = -a;
	while (b) {
		i128 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static Q q(i128 n, i128 d)
{
	i128 g;
	Q r;

	if (d < 0) {
		n = -n;
		d = -d;
	}
	g = gcd(n, d);
	if (g > 1) {
		n /= g;
		d /= g;
	}
	if (n == 0)
		d = 1;
	r.n = n;
	r.d = d;
	return r;
}

static Q qadd(Q a, Q b) { return q(a.n * b.d + b.n * a.d, a.d * b.d); }
static Q qmul(Q a, Q b) { return q(a.n * b.n, a.d * b.d); }
static Q qsub1(Q a) { return q(a.n - a.d, a.d); }

static int64_t qround(Q x, int mode)
{
	/* floor first, then adjust by comparing the remainder with one half */
	i128 fl = x.n / x.d - ((x.n % x.d != 0) && (x.n < 0));
	Q frac = q(x.n - fl * x.d, x.d); /* in [0, 1) */
	int cmp_half = frac.n * 2 == frac.d ? 0 : (frac.n * 2 < frac.d ? -1 : 1);

	if (frac.n == 0)
		return (int64_t)fl;
	switch (mode) {
	case LOYALTY_ROUND_FLOOR: return (int64_t)fl;
	case LOYALTY_ROUND_CEIL: return (int64_t)(fl + 1);
	case LOYALTY_ROUND_HALF_UP:
		if (cmp_half != 0)
			return (int64_t)(cmp_half < 0 ? fl : fl + 1);
		return (int64_t)(x.n > 0 ? fl + 1 : fl); /* away from zero */
	default:
		if (cmp_half != 0)
			return (int64_t)(cmp_half < 0 ? fl : fl + 1);
		return (int64_t)(fl % 2 == 0 ? fl : fl + 1);
	}
}

static const char *const types[] = { "coffee", "electronics", "groceries", "toys", "books", "gift_card" };
static const char *const tiers[] = { "", "bronze", "silver", "gold" };
static const char *const channels[] = { "store", "app", "web" };
static const char *const periods[] = { "day", "week", "month" };

/* A random program, both as calculator parameters and as reference data. */
typedef struct program {
	int rounding, stacking, offset;
	int exclude_gift;
	/* base_rate */
	Q base_rate;
	int base_excludes_books;
	/* product_type rate */
	int has_pt;
	Q pt_electronics, pt_groceries, pt_default; /* per 100 */
	/* tier multiplier */
	int has_tier;
	Q tier_gold, tier_silver;
	/* product_type multiplier on toys */
	int has_toys;
	Q toys_mult;
	/* campaign multiplier */
	int has_camp;
	Q camp_mult;
	loyalty_time camp_start, camp_end;
	unsigned camp_days; /* bit k = ISO weekday k+1; 0 = any */
	int camp_coffee_only;
	/* birthday */
	int has_bday, bday_bonus_form, bday_period, bday_mar1;
	Q bday_mult;
	int64_t bday_bonus;
	/* bonuses */
	int has_threshold;
	int64_t thr_min, thr_bonus;
	int has_first;
	int64_t first_bonus;
	int has_app_bonus;
	int64_t app_bonus;
} program;

static Q rand_frac(torture_rng *r, int64_t maxn, int64_t maxd)
{
	return q(torture_range(r, 0, maxn), torture_range(r, 1, maxd));
}

static void add_frac(char *buf, size_t size, const char *key, Q f)
{
	size_t n = strlen(buf);

	snprintf(buf + n, size - n, " %s=%lld/%lld", key, (long long)f.n, (long long)f.d);
}

static loyalty_calculator *build(torture_rng *r, program *pg)
{
	loyalty_calculator_options o = LOYALTY_CALCULATOR_OPTIONS_INIT;
	static const int offsets[] = { -300, 0, 60, 330, 840 };
	loyalty_calculator *c = NULL;
	char buf[512];
	int64_t per;

	memset(pg, 0, sizeof *pg);
	memcpy(o.currency, "USD", 4);
	o.rounding = (loyalty_rounding)(pg->rounding = (int)torture_range(r, 0, 3));
	o.stacking = (loyalty_stacking)(pg->stacking = (int)torture_range(r, 0, 1));
	o.utc_offset_minutes = pg->offset = offsets[torture_range(r, 0, 4)];
	assert_ok(loyalty_calculator_new(&c, &o));
	if ((pg->exclude_gift = (int)torture_range(r, 0, 1)))
		assert_ok(loyalty_calculator_exclude_product_type(c, "gift_card"));

	/* base strategies first, then multipliers, then bonuses */
	{
		Q pts = rand_frac(r, 5, 4);
		static const int64_t pers[] = { 1, 100, 250, 1000 };
		per = pers[torture_range(r, 0, 3)];
		pg->base_rate = q(pts.n, pts.d * per);
		pg->base_excludes_books = (int)torture_range(r, 0, 1);
		snprintf(buf, sizeof buf, "per=%lld%s", (long long)per, pg->base_excludes_books ? " exclude=books" : "");
		add_frac(buf, sizeof buf, "points", pts);
		assert_ok(loyalty_calculator_add(c, "base_rate", "base", buf));
	}
	if ((pg->has_pt = (int)torture_range(r, 0, 1))) {
		pg->pt_electronics = rand_frac(r, 4, 3);
		pg->pt_groceries = rand_frac(r, 4, 3);
		pg->pt_default = torture_range(r, 0, 1) ? rand_frac(r, 2, 2) : q(0, 1);
		snprintf(buf, sizeof buf, "mode=rate per=100");
		add_frac(buf, sizeof buf, "type.electronics", pg->pt_electronics);
		add_frac(buf, sizeof buf, "type.groceries", pg->pt_groceries);
		add_frac(buf, sizeof buf, "default", pg->pt_default);
		assert_ok(loyalty_calculator_add(c, "product_type", "types", buf));
	}
	if ((pg->has_tier = (int)torture_range(r, 0, 1))) {
		pg->tier_gold = rand_frac(r, 9, 4);
		pg->tier_silver = rand_frac(r, 6, 4);
		buf[0] = '\0';
		add_frac(buf, sizeof buf, "tier.gold", pg->tier_gold);
		add_frac(buf, sizeof buf, "tier.silver", pg->tier_silver);
		assert_ok(loyalty_calculator_add(c, "tier_multiplier", "tiers", buf));
	}
	if ((pg->has_toys = (int)torture_range(r, 0, 2) == 0)) {
		pg->toys_mult = rand_frac(r, 5, 2);
		buf[0] = '\0';
		add_frac(buf, sizeof buf, "type.toys", pg->toys_mult);
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " mode=multiplier");
		assert_ok(loyalty_calculator_add(c, "product_type", "toys", buf));
	}
	if ((pg->has_camp = (int)torture_range(r, 0, 1))) {
		static const char *const dn[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
		pg->camp_mult = q(torture_range(r, 1, 6), torture_range(r, 1, 2));
		pg->camp_start = torture_time(2026, (int)torture_range(r, 1, 12), (int)torture_range(r, 1, 28), 0, 0);
		pg->camp_end = pg->camp_start + torture_range(r, 1, 90) * LOYALTY_MS_PER_DAY + torture_range(r, 0, 1000);
		pg->camp_days = torture_range(r, 0, 1) ? (unsigned)torture_range(r, 1, 127) : 0;
		pg->camp_coffee_only = (int)torture_range(r, 0, 1);
		snprintf(buf, sizeof buf, "start=%lld end=%lld%s", (long long)pg->camp_start, (long long)pg->camp_end,
		         pg->camp_coffee_only ? " type=coffee" : "");
		add_frac(buf, sizeof buf, "multiplier", pg->camp_mult);
		for (int k = 0; k < 7; k++)
			if (pg->camp_days & (1u << k))
				snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " weekdays=%s", dn[k]);
		assert_ok(loyalty_calculator_add(c, "campaign", "camp", buf));
	}
	if ((pg->has_bday = (int)torture_range(r, 0, 1))) {
		pg->bday_bonus_form = (int)torture_range(r, 0, 1);
		pg->bday_period = (int)torture_range(r, 0, 2);
		pg->bday_mar1 = (int)torture_range(r, 0, 1);
		snprintf(buf, sizeof buf, "period=%s feb29=%s", periods[pg->bday_period], pg->bday_mar1 ? "mar1" : "feb28");
		if (pg->bday_bonus_form) {
			pg->bday_bonus = torture_range(r, 0, 500);
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " bonus=%lld", (long long)pg->bday_bonus);
		} else {
			pg->bday_mult = q(torture_range(r, 1, 4), torture_range(r, 1, 3));
			add_frac(buf, sizeof buf, "multiplier", pg->bday_mult);
		}
		assert_ok(loyalty_calculator_add(c, "birthday", "bday", buf));
	}
	if ((pg->has_threshold = (int)torture_range(r, 0, 1))) {
		pg->thr_min = torture_range(r, 0, 300000);
		pg->thr_bonus = torture_range(r, 0, 1000);
		snprintf(buf, sizeof buf, "min_spend=%lld bonus=%lld", (long long)pg->thr_min, (long long)pg->thr_bonus);
		assert_ok(loyalty_calculator_add(c, "threshold", "thr", buf));
	}
	if ((pg->has_first = (int)torture_range(r, 0, 1))) {
		pg->first_bonus = torture_range(r, 0, 1000);
		snprintf(buf, sizeof buf, "bonus=%lld", (long long)pg->first_bonus);
		assert_ok(loyalty_calculator_add(c, "first_purchase", "first", buf));
	}
	if ((pg->has_app_bonus = (int)torture_range(r, 0, 1))) {
		pg->app_bonus = torture_range(r, 0, 100);
		snprintf(buf, sizeof buf, "bonus=%lld channel=app", (long long)pg->app_bonus);
		assert_ok(loyalty_calculator_add(c, "campaign", "app", buf));
	}
	return c;
}

static void civil(loyalty_time t, int offset, int *y, int *m, int *d, int *wd)
{
	assert_ok(loyalty_time_to_civil(t, offset, y, m, d, NULL, NULL, NULL, wd));
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Is the local day of @p t (at @p offset) the birthday, under the feb29 policy? */
static int is_birthday(loyalty_time t, int offset, int bm, int bd, int mar1)
{
	int y, m, d;

	civil(t, offset, &y, &m, &d, NULL);
	if (bm == 2 && bd == 29 && !is_leap(y))
		return mar1 ? (m == 3 && d == 1) : (m == 2 && d == 28);
	return m == bm && d == bd;
}

static int birthday_qualifies(const program *pg, loyalty_time t, int bm, int bd)
{
	int y, m, d, wd;

	if (bm == 0)
		return 0;
	civil(t, pg->offset, &y, &m, &d, &wd);
	if (pg->bday_period == 2)
		return m == bm;
	if (pg->bday_period == 0)
		return is_birthday(t, pg->offset, bm, bd, pg->bday_mar1);
	/* the same Monday-to-Sunday week: scan the days of this week */
	for (int k = 1 - wd; k <= 7 - wd; k++)
		if (is_birthday(t + k * LOYALTY_MS_PER_DAY, pg->offset, bm, bd, pg->bday_mar1))
			return 1;
	return 0;
}

typedef struct line {
	int type;
	int64_t total;
} line;

static Q reference(const program *pg, const char *tier, int bm, int bd, loyalty_time at, int channel, int first,
                   const line *lines, int n)
{
	Q base[8], cur[8], total = q(0, 1);
	int eligible[8];
	int64_t eligible_spend = 0, coffee_spend = 0;
	int y, m, d, wd;

	for (int i = 0; i < n; i++) {
		eligible[i] = !(pg->exclude_gift && lines[i].type == 5);
		if (eligible[i]) {
			eligible_spend += lines[i].total;
			if (lines[i].type == 0)
				coffee_spend += lines[i].total;
		}
		base[i] = q(0, 1);
		if (eligible[i] && !(pg->base_excludes_books && lines[i].type == 4))
			base[i] = qmul(q(lines[i].total, 1), pg->base_rate);
		if (eligible[i] && pg->has_pt) {
			Q rate = lines[i].type == 1 ? pg->pt_electronics : lines[i].type == 2 ? pg->pt_groceries : pg->pt_default;
			base[i] = qadd(base[i], qmul(q(lines[i].total, 100), rate));
		}
		cur[i] = base[i];
		total = qadd(total, base[i]);
	}
	/* multipliers in pipeline order: tiers, toys, campaign, birthday */
	for (int step = 0; step < 4; step++) {
		Q mult = q(1, 1);
		int applies = 0, only_type = -1;

		if (step == 0 && pg->has_tier) {
			if (strcmp(tier, "gold") == 0) {
				mult = pg->tier_gold;
				applies = 1;
			} else if (strcmp(tier, "silver") == 0) {
				mult = pg->tier_silver;
				applies = 1;
			}
		} else if (step == 1 && pg->has_toys) {
			mult = pg->toys_mult;
			applies = 1;
			only_type = 3;
		} else if (step == 2 && pg->has_camp) {
			civil(at, pg->offset, &y, &m, &d, &wd);
			applies = at >= pg->camp_start && at < pg->camp_end &&
			          (pg->camp_days == 0 || (pg->camp_days & (1u << (wd - 1)))) &&
			          (!pg->camp_coffee_only || coffee_spend > 0);
			mult = pg->camp_mult;
			only_type = pg->camp_coffee_only ? 0 : -1;
		} else if (step == 3 && pg->has_bday && !pg->bday_bonus_form) {
			applies = birthday_qualifies(pg, at, bm, bd);
			mult = pg->bday_mult;
		}
		if (!applies)
			continue;
		for (int i = 0; i < n; i++) {
			Q extra;
			if (!eligible[i] || (only_type >= 0 && lines[i].type != only_type))
				continue;
			extra = qmul(pg->stacking ? cur[i] : base[i], qsub1(mult));
			cur[i] = qadd(cur[i], extra);
			total = qadd(total, extra);
		}
	}
	if (pg->has_bday && pg->bday_bonus_form && birthday_qualifies(pg, at, bm, bd))
		total = qadd(total, q(pg->bday_bonus, 1));
	if (pg->has_threshold && eligible_spend >= pg->thr_min)
		total = qadd(total, q(pg->thr_bonus, 1));
	if (pg->has_first && first)
		total = qadd(total, q(pg->first_bonus, 1));
	if (pg->has_app_bonus && channel == 1)
		total = qadd(total, q(pg->app_bonus, 1));
	return total;
}

static void test_calculator_matches_reference(void **state)
{
	torture_rng rng = { 20261128 };
	long checked = 0, nonzero = 0;

	(void)state;
	for (int prog = 0; prog < PROGRAMS; prog++) {
		program pg;
		loyalty_calculator *c = build(&rng, &pg);

		for (int k = 0; k < PURCHASES_PER_PROGRAM; k++) {
			loyalty_customer *cu = torture_customer((unsigned)(prog * 1000 + k));
			const char *tier = tiers[torture_range(&rng, 0, 3)];
			int bm = 0, bd = 0, channel = (int)torture_range(&rng, 0, 2), first = (int)torture_range(&rng, 0, 1);
			int n = (int)torture_range(&rng, 1, 5);
			loyalty_time at;
			loyalty_purchase *p;
			loyalty_receipt *r;
			line lines[8];
			Q want;

			assert_ok(loyalty_customer_set_tier(cu, tier));
			if (torture_range(&rng, 0, 4) != 0) {
				bm = (int)torture_range(&rng, 1, 12);
				bd = bm == 2 && torture_range(&rng, 0, 1) ? 29 : (int)torture_range(&rng, 1, 28);
				assert_ok(loyalty_customer_set_birthday(cu, bm, bd));
			}
			/* 2024..2028 with a bias toward the campaign year */
			at = torture_time((int)torture_range(&rng, 2024, 2028), (int)torture_range(&rng, 1, 12),
			                  (int)torture_range(&rng, 1, 28), (int)torture_range(&rng, 0, 23),
			                  (int)torture_range(&rng, 0, 59));
			if (pg.has_camp && torture_range(&rng, 0, 1))
				at = pg.camp_start + torture_range(&rng, -2, 2) * LOYALTY_MS_PER_DAY +
				     torture_range(&rng, 0, LOYALTY_MS_PER_DAY);
			if (pg.has_camp && torture_range(&rng, 0, 3) == 0) /* the window's edges, to the millisecond */
				at = (torture_range(&rng, 0, 1) ? pg.camp_start : pg.camp_end) + torture_range(&rng, -1, 0);
			if (bm && torture_range(&rng, 0, 2) == 0) /* near a birthday */
				at = torture_time((int)torture_range(&rng, 2024, 2028), bm, bd == 29 ? 28 : bd, 12, 0) +
				     torture_range(&rng, -8, 8) * LOYALTY_MS_PER_DAY;
			if (bm == 2 && bd == 29 && torture_range(&rng, 0, 1)) /* 28 Feb / 1 Mar in any year */
				at = torture_time((int)torture_range(&rng, 2024, 2028), 2, 28, 12, 0) +
				     torture_range(&rng, 0, 1) * LOYALTY_MS_PER_DAY;
			p = torture_purchase(cu, "order", at, "USD");
			assert_ok(loyalty_purchase_set_channel(p, channels[channel]));
			for (int i = 0; i < n; i++) {
				int64_t qty = torture_range(&rng, 1, 5), price = torture_range(&rng, 0, 200000);
				lines[i].type = (int)torture_range(&rng, 0, 5);
				lines[i].total = qty * price;
				assert_ok(loyalty_purchase_add_item(p, "sku", types[lines[i].type], qty, price));
			}
			want = reference(&pg, tier, bm, bd, at, channel, first, lines, n);
			r = torture_compute(c, cu, p, first);
			if (loyalty_receipt_exact_points(r).num != (int64_t)want.n ||
			    loyalty_receipt_exact_points(r).den != (int64_t)want.d ||
			    loyalty_receipt_points(r) != qround(want, pg.rounding)) {
				char text[4096];
				loyalty_receipt_format(r, text, sizeof text);
				fail_msg("program %d purchase %d: reference %lld/%lld rounds to %lld\n%s", prog, k,
				         (long long)want.n, (long long)want.d, (long long)qround(want, pg.rounding), text);
			}
			nonzero += loyalty_receipt_points(r) != 0;
			checked++;
			loyalty_receipt_free(r);
			loyalty_purchase_free(p);
			loyalty_customer_free(cu);
		}
		loyalty_calculator_free(c);
	}
	assert_int_equal(checked, PROGRAMS * PURCHASES_PER_PROGRAM);
	assert_true(nonzero > checked / 2); /* the generator exercises real earning */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calculator_matches_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
