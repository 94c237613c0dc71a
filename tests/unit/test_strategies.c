/*
 * Every built-in strategy alone: exact points, parameters, edges.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "torture.h"

typedef struct fixture {
	loyalty_calculator *calc;
	loyalty_customer *cust;
} fixture;

static int setup(void **state)
{
	static fixture f;

	f.calc = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	f.cust = torture_customer(42);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	loyalty_calculator_free(f->calc);
	loyalty_customer_free(f->cust);
	return 0;
}

/* A purchase at @p at with up to three (type, quantity, unit price) lines; type NULL ends. */
static loyalty_purchase *buy(fixture *f, loyalty_time at, const char *t1, int64_t q1, int64_t p1, const char *t2,
                             int64_t q2, int64_t p2, const char *t3, int64_t q3, int64_t p3)
{
	loyalty_purchase *p = torture_purchase(f->cust, "p-1", at, "USD");

	if (t1)
		assert_ok(loyalty_purchase_add_item(p, "sku-1", t1, q1, p1));
	if (t2)
		assert_ok(loyalty_purchase_add_item(p, "sku-2", t2, q2, p2));
	if (t3)
		assert_ok(loyalty_purchase_add_item(p, "sku-3", t3, q3, p3));
	return p;
}

static loyalty_points points_of(fixture *f, loyalty_purchase *p)
{
	loyalty_points pts = torture_points(f->calc, f->cust, p);

	loyalty_purchase_free(p);
	return pts;
}

/* ---- base_rate ------------------------------------------------------------------ */

static void test_base_rate(void **state)
{
	fixture *f = *state;
	loyalty_purchase *p = buy(f, 0, "coffee", 2, 455, "beans", 1, 1799, "gift_card", 1, 5000);
	loyalty_receipt *r;
	int applied = 0;

	assert_ok(loyalty_calculator_add(f->calc, "base_rate", "dollar", "points=1 per=100 exclude=gift_card"));
	r = torture_compute(f->calc, f->cust, p, 0);
	assert_int_equal(loyalty_receipt_points(r), 27); /* 2709 cents earn 27.09 */
	assert_frac(loyalty_receipt_exact_points(r), 2709, 100);
	assert_frac(loyalty_receipt_base_points(r), 2709, 100);
	assert_frac(loyalty_receipt_rounding_adjustment(r), -9, 100);
	assert_frac(torture_line_points(r, "dollar", &applied), 2709, 100);
	assert_true(applied);
	assert_int_equal(loyalty_receipt_spend(r), 7709);
	assert_int_equal(loyalty_receipt_eligible_spend(r), 7709); /* only the calculator excludes from eligibility */
	loyalty_receipt_free(r);
	loyalty_purchase_free(p);
}

static void test_base_rate_fractional_rate_and_calculator_exclusion(void **state)
{
	fixture *f = *state;
	loyalty_receipt *r;
	loyalty_purchase *p = buy(f, 0, "coffee", 2, 455, "beans", 1, 1799, "gift_card", 1, 5000);

	assert_ok(loyalty_calculator_exclude_product_type(f->calc, "gift_card"));
	assert_status(loyalty_calculator_exclude_product_type(f->calc, "gift_card"), LOYALTY_EDUPLICATE);
	assert_status(loyalty_calculator_exclude_product_type(f->calc, "gift card"), LOYALTY_EINVAL);
	assert_int_equal(loyalty_calculator_excluded_count(f->calc), 1);
	assert_string_equal(loyalty_calculator_excluded(f->calc, 0), "gift_card");
	assert_ok(loyalty_calculator_add(f->calc, "base_rate", "rate", "points=3/2 per=100"));
	r = torture_compute(f->calc, f->cust, p, 0);
	assert_frac(loyalty_receipt_exact_points(r), 8127, 200); /* 2709 * 3/200 = 40.635 */
	assert_int_equal(loyalty_receipt_points(r), 40);
	assert_int_equal(loyalty_receipt_eligible_spend(r), 2709);
	loyalty_receipt_free(r);
	loyalty_purchase_free(p);
}

static void test_base_rate_rejects_bad_parameters(void **state)
{
	fixture *f = *state;
	static const struct { const char *params; int code; const char *needle; } bad[] = {
		{ "points=1", LOYALTY_EINVAL, "'per' is required" },
		{ "per=100", LOYALTY_EINVAL, "'points' is required" },
		{ "points=1 per=0", LOYALTY_ERANGE, "'per'" },
		{ "points=-1 per=100", LOYALTY_ERANGE, "'points'" },
		{ "points=1 per=100 per=10", LOYALTY_EINVAL, "given twice" },
		{ "points=1 per=100 colour=red", LOYALTY_EINVAL, "unknown parameter 'colour'" },
		{ "points=x per=100", LOYALTY_EINVAL, "'points'" },
		{ "points=1 per=1.5", LOYALTY_EINVAL, "'per'" },
		{ "points=1 per=99999999999999999999", LOYALTY_ERANGE, "'per'" },
		{ "points=1 per=100 exclude=a,,b", LOYALTY_EINVAL, "exclude" },
		{ "points=1 per=100 exclude=a exclude=a", LOYALTY_EINVAL, "twice" },
		{ "points=1 per=100 exclude=a,", LOYALTY_EINVAL, "exclude" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_status(loyalty_calculator_add(f->calc, "base_rate", "b", bad[i].params), bad[i].code);
		if (strstr(loyalty_last_error(), bad[i].needle) == NULL)
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].params, loyalty_last_error(), bad[i].needle);
		assert_non_null(strstr(loyalty_last_error(), "base_rate 'b'"));
	}
	assert_int_equal(loyalty_calculator_strategy_count(f->calc), 0);
}

/* ---- product_type ------------------------------------------------------------- */

static void test_product_type_rates(void **state)
{
	fixture *f = *state;

	assert_ok(loyalty_calculator_add(f->calc, "product_type", "types",
	                                 "mode=rate per=100 type.electronics=2 type.groceries=1 default=1/2"));
	/* electronics 10000 -> 200, groceries 550 -> 5.5, books 1000 at default 1/2 -> 5 */
	assert_int_equal(points_of(f, buy(f, 0, "electronics", 1, 10000, "groceries", 2, 275, "books", 1, 1000)), 210);
}

static void test_product_type_without_default_earns_nothing_for_others(void **state)
{
	fixture *f = *state;

	assert_ok(loyalty_calculator_add(f->calc, "product_type", "types", "per=100 type.electronics=2"));
	assert_int_equal(points_of(f, buy(f, 0, "electronics", 1, 10000, "books", 1, 1000, NULL, 0, 0)), 200);
	assert_string_equal(loyalty_params_text(loyalty_calculator_strategy_params(f->calc, 0)),
	                    "mode=rate per=100 type.electronics=2");
}

static void test_product_type_multiplier(void **state)
{
	fixture *f = *state;
	loyalty_purchase *p = buy(f, 0, "electronics", 1, 10000, "groceries", 2, 275, "books", 1, 1000);
	loyalty_receipt *r;

	assert_ok(loyalty_calculator_add(f->calc, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add(f->calc, "product_type", "x2", "mode=multiplier type.electronics=2 type.books=0"));
	r = torture_compute(f->calc, f->cust, p, 0);
	/* base 115.5; electronics +100; books x0 = -10 */
	assert_frac(torture_line_points(r, "x2", NULL), 90, 1);
	assert_frac(loyalty_receipt_exact_points(r), 411, 2);
	assert_int_equal(loyalty_receipt_points(r), 205);
	loyalty_receipt_free(r);
	loyalty_purchase_free(p);
	assert_status(loyalty_calculator_add(f->calc, "product_type", "y", "mode=multiplier per=100 type.a=2"),
	              LOYALTY_EINVAL);
	assert_status(loyalty_calculator_add(f->calc, "product_type", "y", "mode=rate per=100"), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_add(f->calc, "product_type", "y", "mode=sideways type.a=1"), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_add(f->calc, "product_type", "y", "per=100 type.=1"), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_add(f->calc, "product_type", "y", "per=100 type.a=1 type.a=2"), LOYALTY_EINVAL);
	assert_int_equal(loyalty_calculator_strategy_count(f->calc), 2);
}

/* ---- tier_multiplier ---------------------------------------------------------- */

static void test_tier_multiplier(void **state)
{
	fixture *f = *state;
	loyalty_receipt *r;
	loyalty_purchase *p;
	int applied = 1;

	assert_ok(loyalty_calculator_add(f->calc, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add(f->calc, "tier_multiplier", "tiers", "tier.gold=3/2 tier.silver=5/4"));
	p = buy(f, 0, "books", 1, 11550, NULL, 0, 0, NULL, 0, 0);
	assert_int_equal(torture_points(f->calc, f->cust, p), 115); /* no tier: x1 */
	r = torture_compute(f->calc, f->cust, p, 0);
	torture_line_points(r, "tiers", &applied);
	assert_false(applied);
	loyalty_receipt_free(r);
	assert_ok(loyalty_customer_set_tier(f->cust, "gold"));
	r = torture_compute(f->calc, f->cust, p, 0);
	assert_frac(torture_line_points(r, "tiers", &applied), 231, 4); /* 115.5 / 2 */
	assert_true(applied);
	assert_int_equal(loyalty_receipt_points(r), 173); /* 173.25 */
	loyalty_receipt_free(r);
	assert_ok(loyalty_customer_set_tier(f->cust, "silver"));
	assert_int_equal(torture_points(f->calc, f->cust, p), 144); /* 144.375 */
	assert_ok(loyalty_customer_set_tier(f->cust, "bronze"));
	assert_int_equal(torture_points(f->calc, f->cust, p), 115);
	loyalty_purchase_free(p);
	assert_status(loyalty_calculator_add(f->calc, "tier_multiplier", "t2", ""), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_add(f->calc, "tier_multiplier", "t2", "tier.gold=-1"), LOYALTY_ERANGE);
	assert_status(loyalty_calculator_add(f->calc, "tier_multiplier", "t2", "gold=2"), LOYALTY_EINVAL);
}

/* ---- campaign ---------------------------------------------------------------------- */

static void test_campaign_window_start_inclusive_end_exclusive(void **state)
{
	fixture *f = *state;
	loyalty_time t0 = torture_time(2026, 11, 27, 0, 0), t1 = torture_time(2026, 11, 30, 0, 0);
	char params[128];

	snprintf(params, sizeof params, "multiplier=2 start=%lld end=%lld", (long long)t0, (long long)t1);
	assert_ok(loyalty_calculator_add(f->calc, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add(f->calc, "campaign", "black-friday", params));
	assert_int_equal(points_of(f, buy(f, t0 - 1, "toys", 1, 1000, NULL, 0, 0, NULL, 0, 0)), 10);
	assert_int_equal(points_of(f, buy(f, t0, "toys", 1, 1000, NULL, 0, 0, NULL, 0, 0)), 20);
	assert_int_equal(points_of(f, buy(f, t1 - 1, "toys", 1, 1000, NULL, 0, 0, NULL, 0, 0)), 20);
	assert_int_equal(points_of(f, buy(f, t1, "toys", 1, 1000, NULL, 0, 0, NULL, 0, 0)), 10);
	snprintf(params, sizeof params, "multiplier=2 start=%lld end=%lld", (long long)t1, (long long)t0);
	assert_status(loyalty_calculator_add(f->calc, "campaign", "backwards", params), LOYALTY_EINVAL);
	snprintf(params, sizeof params, "multiplier=2 start=%lld end=%lld", (long long)t0, (long long)t0);
	assert_status(loyalty_calculator_add(f->calc, "campaign", "empty", params), LOYALTY_EINVAL);
}

static void test_campaign_weekdays_use_the_calculator_offset(void **state)
{
	fixture *f = *state;
	loyalty_calculator *plus1 = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 60);
	/* Friday 2026-11-27 23:30 UTC is Saturday 00:30 at UTC+01:00 */
	loyalty_time fri_late = torture_time(2026, 11, 27, 23, 30);
	loyalty_purchase *p = buy(f, fri_late, "toys", 1, 1000, NULL, 0, 0, NULL, 0, 0);

	assert_ok(loyalty_calculator_add(f->calc, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add(f->calc, "campaign", "weekend", "multiplier=2 weekdays=sat,sun"));
	assert_ok(loyalty_calculator_add(plus1, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add(plus1, "campaign", "weekend", "weekdays=sun weekdays=sat multiplier=2"));
	assert_int_equal(torture_points(f->calc, f->cust, p), 10);
	assert_int_equal(torture_points(plus1, f->cust, p), 20);
	/* canonical form orders the weekdays */
	assert_string_equal(loyalty_params_text(loyalty_calculator_strategy_params(plus1, 1)),
	                    "multiplier=2 weekdays=sat,sun");
	assert_status(loyalty_calculator_add(plus1, "campaign", "x", "multiplier=2 weekdays=funday"), LOYALTY_EINVAL);
	loyalty_purchase_free(p);
	loyalty_calculator_free(plus1);
}

static void test_campaign_filters(void **state)
{
	fixture *f = *state;
	loyalty_purchase *p;
	loyalty_receipt *r;
	int applied;

	assert_ok(loyalty_calculator_add(f->calc, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add(f->calc, "campaign", "coffee-x3", "multiplier=3 type=coffee"));
	assert_ok(loyalty_calculator_add(f->calc, "campaign", "app-bonus", "bonus=50 channel=app,web"));
	assert_ok(loyalty_calculator_add(f->calc, "campaign", "gold-bonus", "bonus=7 tier=gold"));
	assert_ok(loyalty_calculator_add(f->calc, "campaign", "big-tea", "bonus=11 type=tea min_spend=2000"));

	p = buy(f, 0, "coffee", 2, 500, "tea", 1, 1999, "cake", 1, 301);
	r = torture_compute(f->calc, f->cust, p, 0);
	/* base 33; coffee 10 base points x3 -> +20 */
	assert_frac(loyalty_receipt_base_points(r), 33, 1);
	assert_frac(torture_line_points(r, "coffee-x3", &applied), 20, 1);
	assert_true(applied);
	torture_line_points(r, "app-bonus", &applied);
	assert_false(applied);
	torture_line_points(r, "gold-bonus", &applied);
	assert_false(applied);
	torture_line_points(r, "big-tea", &applied); /* 1999 < 2000 */
	assert_false(applied);
	assert_int_equal(loyalty_receipt_points(r), 53);
	loyalty_receipt_free(r);

	assert_ok(loyalty_purchase_set_channel(p, "app"));
	assert_ok(loyalty_customer_set_tier(f->cust, "gold"));
	assert_int_equal(torture_points(f->calc, f->cust, p), 53 + 50 + 7);
	loyalty_purchase_free(p);

	p = buy(f, 0, "tea", 1, 2000, NULL, 0, 0, NULL, 0, 0);
	r = torture_compute(f->calc, f->cust, p, 0);
	torture_line_points(r, "coffee-x3", &applied); /* no coffee lines */
	assert_false(applied);
	assert_frac(torture_line_points(r, "big-tea", &applied), 11, 1);
	assert_true(applied);
	assert_int_equal(loyalty_receipt_points(r), 20 + 7 + 11);
	loyalty_receipt_free(r);
	loyalty_purchase_free(p);

	assert_status(loyalty_calculator_add(f->calc, "campaign", "x", "multiplier=2 bonus=3"), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_add(f->calc, "campaign", "x", "type=coffee"), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_add(f->calc, "campaign", "x", "bonus=-3"), LOYALTY_ERANGE);
	assert_status(loyalty_calculator_add(f->calc, "campaign", "x", "bonus=3 min_spend=-1"), LOYALTY_ERANGE);
	assert_int_equal(loyalty_calculator_strategy_count(f->calc), 5);
}

static void test_campaign_min_spend_ignores_excluded_types(void **state)
{
	fixture *f = *state;

	assert_ok(loyalty_calculator_exclude_product_type(f->calc, "gift_card"));
	assert_ok(loyalty_calculator_add(f->calc, "campaign", "spend50", "bonus=100 min_spend=5000"));
	assert_int_equal(points_of(f, buy(f, 0, "gift_card", 1, 5000, "toys", 1, 4999, NULL, 0, 0)), 0);
	assert_int_equal(points_of(f, buy(f, 0, "gift_card", 1, 5000, "toys", 1, 5000, NULL, 0, 0)), 100);
}

/* ---- birthday ---------------------------------------------------------------------- */

static loyalty_points birthday_points(fixture *f, int y, int m, int d)
{
	return points_of(f, buy(f, torture_time(y, m, d, 12, 0), "toys", 1, 1000, NULL, 0, 0, NULL, 0, 0));
}

static void test_birthday_day(void **state)
{
	fixture *f = *state;
	loyalty_calculator *plus1 = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 60);
	loyalty_purchase *p;

	assert_ok(loyalty_calculator_add(f->calc, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add(f->calc, "birthday", "bday", "multiplier=2"));
	assert_int_equal(birthday_points(f, 2026, 11, 28), 10); /* no birthday set */
	assert_ok(loyalty_customer_set_birthday(f->cust, 11, 28));
	assert_int_equal(birthday_points(f, 2026, 11, 28), 20);
	assert_int_equal(birthday_points(f, 2026, 11, 27), 10);
	assert_int_equal(birthday_points(f, 2026, 11, 29), 10);
	assert_int_equal(birthday_points(f, 2030, 11, 28), 20);
	/* 23:30 UTC on the 27th is the 28th at UTC+01:00 */
	assert_ok(loyalty_calculator_add(plus1, "birthday", "bday", "bonus=5"));
	p = buy(f, torture_time(2026, 11, 27, 23, 30), "toys", 1, 1000, NULL, 0, 0, NULL, 0, 0);
	assert_int_equal(torture_points(plus1, f->cust, p), 5);
	assert_int_equal(torture_points(f->calc, f->cust, p), 10);
	loyalty_purchase_free(p);
	loyalty_calculator_free(plus1);
}

static void test_birthday_month(void **state)
{
	fixture *f = *state;

	assert_ok(loyalty_calculator_add(f->calc, "birthday", "bday", "bonus=100 period=month"));
	assert_ok(loyalty_customer_set_birthday(f->cust, 1, 31));
	assert_int_equal(birthday_points(f, 2026, 1, 1), 100);
	assert_int_equal(birthday_points(f, 2026, 1, 31), 100);
	assert_int_equal(birthday_points(f, 2026, 2, 1), 0);
	assert_int_equal(birthday_points(f, 2025, 12, 31), 0);
}

static void test_birthday_week_across_month_and_year_ends(void **state)
{
	fixture *f = *state;

	assert_ok(loyalty_calculator_add(f->calc, "birthday", "bday", "bonus=100 period=week"));
	/* 2025-12-31 is a Wednesday: its week runs Monday 29 Dec to Sunday 4 Jan 2026 */
	assert_ok(loyalty_customer_set_birthday(f->cust, 12, 31));
	assert_int_equal(birthday_points(f, 2025, 12, 28), 0);
	assert_int_equal(birthday_points(f, 2025, 12, 29), 100);
	assert_int_equal(birthday_points(f, 2026, 1, 2), 100);
	assert_int_equal(birthday_points(f, 2026, 1, 4), 100);
	assert_int_equal(birthday_points(f, 2026, 1, 5), 0);
	/* 2026-03-01 is a Sunday: its week starts Monday 23 February */
	assert_ok(loyalty_customer_set_birthday(f->cust, 3, 1));
	assert_int_equal(birthday_points(f, 2026, 2, 22), 0);
	assert_int_equal(birthday_points(f, 2026, 2, 23), 100);
	assert_int_equal(birthday_points(f, 2026, 3, 1), 100);
	assert_int_equal(birthday_points(f, 2026, 3, 2), 0);
	/* 2027-01-01 is a Friday: its week starts Monday 28 December 2026 */
	assert_ok(loyalty_customer_set_birthday(f->cust, 1, 1));
	assert_int_equal(birthday_points(f, 2026, 12, 27), 0);
	assert_int_equal(birthday_points(f, 2026, 12, 28), 100);
	assert_int_equal(birthday_points(f, 2027, 1, 3), 100);
	assert_int_equal(birthday_points(f, 2027, 1, 4), 0);
}

static void test_birthday_29_february(void **state)
{
	fixture *f = *state;
	loyalty_calculator *mar1 = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	loyalty_purchase *p;
	static const struct { int y, m, d; loyalty_points feb28, mar1; } days[] = {
		{ 2026, 2, 28, 100, 0 }, { 2026, 3, 1, 0, 100 }, { 2028, 2, 28, 0, 0 },
		{ 2028, 2, 29, 100, 100 }, { 2028, 3, 1, 0, 0 }, { 2100, 2, 28, 100, 0 }, /* 2100 is not leap */
		{ 2000, 2, 29, 100, 100 },
	};

	assert_ok(loyalty_calculator_add(f->calc, "birthday", "bday", "bonus=100"));
	assert_ok(loyalty_calculator_add(mar1, "birthday", "bday", "bonus=100 feb29=mar1"));
	assert_string_equal(loyalty_params_text(loyalty_calculator_strategy_params(f->calc, 0)),
	                    "bonus=100 period=day feb29=feb28");
	assert_ok(loyalty_customer_set_birthday(f->cust, 2, 29));
	for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
		p = buy(f, torture_time(days[i].y, days[i].m, days[i].d, 9, 0), "toys", 1, 1, NULL, 0, 0, NULL, 0, 0);
		assert_int_equal(torture_points(f->calc, f->cust, p), days[i].feb28);
		assert_int_equal(torture_points(mar1, f->cust, p), days[i].mar1);
		loyalty_purchase_free(p);
	}
	assert_status(loyalty_calculator_add(f->calc, "birthday", "b2", "bonus=1 feb29=never"), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_add(f->calc, "birthday", "b2", "bonus=1 period=year"), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_add(f->calc, "birthday", "b2", "period=day"), LOYALTY_EINVAL);
	loyalty_calculator_free(mar1);
}

/* ---- threshold and first purchase ---------------------------------------------------- */

static void test_threshold(void **state)
{
	fixture *f = *state;

	assert_ok(loyalty_calculator_exclude_product_type(f->calc, "gift_card"));
	assert_ok(loyalty_calculator_add(f->calc, "threshold", "big", "min_spend=5000 bonus=200"));
	assert_int_equal(points_of(f, buy(f, 0, "toys", 1, 4999, NULL, 0, 0, NULL, 0, 0)), 0);
	assert_int_equal(points_of(f, buy(f, 0, "toys", 1, 5000, NULL, 0, 0, NULL, 0, 0)), 200);
	assert_int_equal(points_of(f, buy(f, 0, "toys", 1, 4999, "gift_card", 1, 10000, NULL, 0, 0)), 0);
	assert_status(loyalty_calculator_add(f->calc, "threshold", "t", "min_spend=5000"), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_add(f->calc, "threshold", "t", "min_spend=5000 bonus=-1"), LOYALTY_ERANGE);
}

static void test_first_purchase(void **state)
{
	fixture *f = *state;
	loyalty_purchase *p = buy(f, 0, "toys", 1, 100, NULL, 0, 0, NULL, 0, 0);
	loyalty_receipt *r = NULL;
	loyalty_calc_context ctx = LOYALTY_CALC_CONTEXT_INIT;

	assert_ok(loyalty_calculator_add(f->calc, "first_purchase", "welcome", "bonus=500"));
	assert_ok(loyalty_calculator_compute(f->calc, f->cust, p, NULL, &r));
	assert_int_equal(loyalty_receipt_points(r), 0);
	loyalty_receipt_free(r);
	ctx.first_purchase = 1;
	assert_ok(loyalty_calculator_compute(f->calc, f->cust, p, &ctx, &r));
	assert_int_equal(loyalty_receipt_points(r), 500);
	loyalty_receipt_free(r);
	loyalty_purchase_free(p);
	assert_status(loyalty_calculator_add(f->calc, "first_purchase", "w2", "bonus=five"), LOYALTY_EINVAL);
}

static void test_registry(void **state)
{
	static const char *const expected[] = { "base_rate", "product_type", "tier_multiplier", "campaign",
		                                    "birthday",  "threshold",    "first_purchase" };
	(void)state;
	assert_int_equal(loyalty_strategy_kind_count(), 7);
	for (size_t i = 0; i < 7; i++) {
		assert_string_equal(loyalty_strategy_kind_name(i), expected[i]);
		assert_non_null(loyalty_strategy_kind_help(expected[i]));
	}
	assert_null(loyalty_strategy_kind_name(7));
	assert_null(loyalty_strategy_kind_help("nope"));
	assert_null(loyalty_strategy_kind_help(NULL));
	assert_string_equal(loyalty_strategy_role_name(LOYALTY_ROLE_MULTIPLIER), "multiplier");
	assert_null(loyalty_strategy_role_name(3));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_base_rate),
		T(test_base_rate_fractional_rate_and_calculator_exclusion),
		T(test_base_rate_rejects_bad_parameters),
		T(test_product_type_rates),
		T(test_product_type_without_default_earns_nothing_for_others),
		T(test_product_type_multiplier),
		T(test_tier_multiplier),
		T(test_campaign_window_start_inclusive_end_exclusive),
		T(test_campaign_weekdays_use_the_calculator_offset),
		T(test_campaign_filters),
		T(test_campaign_min_spend_ignores_excluded_types),
		T(test_birthday_day),
		T(test_birthday_month),
		T(test_birthday_week_across_month_and_year_ends),
		T(test_birthday_29_february),
		T(test_threshold),
		T(test_first_purchase),
		cmocka_unit_test(test_registry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
