/*
 * The calculator: options, pipeline, stacking, rounding once, receipts,
 * custom strategies, overflow and every error path.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "torture.h"

static void test_options(void **state)
{
	loyalty_calculator_options o;
	loyalty_calculator *c = NULL;

	(void)state;
	assert_ok(loyalty_calculator_options_init(&o, LOYALTY_CALCULATOR_OPTIONS_VERSION));
	assert_int_equal(o.rounding, LOYALTY_ROUND_FLOOR);
	assert_int_equal(o.stacking, LOYALTY_STACK_ADDITIVE);
	assert_status(loyalty_calculator_options_init(&o, 99), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_new(&c, &o), LOYALTY_ECURRENCY); /* currency required */
	memcpy(o.currency, "ZZZ", 4);
	assert_status(loyalty_calculator_new(&c, &o), LOYALTY_ECURRENCY);
	memcpy(o.currency, "EUR", 4);
	o.rounding = (loyalty_rounding)7;
	assert_status(loyalty_calculator_new(&c, &o), LOYALTY_EINVAL);
	o.rounding = LOYALTY_ROUND_HALF_EVEN;
	o.stacking = (loyalty_stacking)2;
	assert_status(loyalty_calculator_new(&c, &o), LOYALTY_EINVAL);
	o.stacking = LOYALTY_STACK_COMPOUND;
	o.utc_offset_minutes = -841;
	assert_status(loyalty_calculator_new(&c, &o), LOYALTY_EINVAL);
	o.utc_offset_minutes = -840;
	o.version = 2;
	assert_status(loyalty_calculator_new(&c, &o), LOYALTY_EINVAL);
	o.version = LOYALTY_CALCULATOR_OPTIONS_VERSION;
	assert_status(loyalty_calculator_new(&c, NULL), LOYALTY_EINVAL);
	assert_null(c);
	assert_ok(loyalty_calculator_new(&c, &o));
	memset(&o, 0, sizeof o);
	assert_ok(loyalty_calculator_options_get(c, &o));
	assert_string_equal(o.currency, "EUR");
	assert_int_equal(o.rounding, LOYALTY_ROUND_HALF_EVEN);
	assert_int_equal(o.stacking, LOYALTY_STACK_COMPOUND);
	assert_int_equal(o.utc_offset_minutes, -840);
	loyalty_calculator_free(c);
	loyalty_calculator_free(NULL);
}

static void test_add_errors_change_nothing(void **state)
{
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	loyalty_params *p = NULL;

	(void)state;
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	assert_status(loyalty_calculator_add(c, "base_rate", "base", "points=2 per=100"), LOYALTY_EDUPLICATE);
	assert_status(loyalty_calculator_add(c, "no_such_kind", "x", ""), LOYALTY_ENOTFOUND);
	assert_status(loyalty_calculator_add(c, "base_rate", "bad name", "points=1 per=1"), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_add(c, "base_rate", "", "points=1 per=1"), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_add(c, "base_rate", "x", "points=1 per"), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_add(c, NULL, "x", ""), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_add(c, "base_rate", NULL, ""), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_add(c, "base_rate", "x", NULL), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_add(NULL, "base_rate", "x", ""), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_add_params(c, "base_rate", "x", NULL), LOYALTY_EINVAL);
	assert_int_equal(loyalty_calculator_strategy_count(c), 1);
	assert_string_equal(loyalty_calculator_strategy_name(c, 0), "base");
	assert_string_equal(loyalty_calculator_strategy_kind(c, 0), "base_rate");
	assert_null(loyalty_calculator_strategy_name(c, 1));
	assert_null(loyalty_calculator_strategy_kind(c, 1));
	assert_null(loyalty_calculator_strategy_params(c, 1));

	assert_ok(loyalty_params_new(&p));
	assert_ok(loyalty_params_add(p, "points", "2"));
	assert_ok(loyalty_params_add_int(p, "per", 100));
	assert_ok(loyalty_calculator_add_params(c, "base_rate", "double", p));
	loyalty_params_free(p);
	assert_int_equal(loyalty_calculator_strategy_role(c, 1), LOYALTY_ROLE_BASE);
	assert_status(loyalty_calculator_strategy_role(c, 2), LOYALTY_ERANGE);
	assert_status(loyalty_calculator_strategy_role(NULL, 0), LOYALTY_ERANGE);
	/* a parse error names the strategy too */
	assert_status(loyalty_calculator_add(c, "base_rate", "late", "points=1 per"), LOYALTY_EINVAL);
	assert_non_null(strstr(loyalty_last_error(), "base_rate 'late'"));
	assert_int_equal(loyalty_calculator_strategy_count(c), 2);
	assert_string_equal(loyalty_params_text(loyalty_calculator_strategy_params(c, 1)), "points=2 per=100");
	loyalty_calculator_free(c);
}

static void test_compute_errors_change_nothing(void **state)
{
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	loyalty_customer *a = torture_customer(1), *b = torture_customer(2);
	loyalty_purchase *eur = torture_purchase(a, "e", 0, "EUR"), *usd = torture_purchase(a, "u", 0, "USD");
	loyalty_receipt *sentinel = (loyalty_receipt *)&sentinel, *r = sentinel;
	loyalty_calc_context ctx = LOYALTY_CALC_CONTEXT_INIT;

	(void)state;
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	assert_status(loyalty_calculator_compute(c, a, eur, NULL, &r), LOYALTY_ECURRENCY);
	assert_non_null(strstr(loyalty_last_error(), "EUR"));
	assert_status(loyalty_calculator_compute(c, b, usd, NULL, &r), LOYALTY_EINVAL);
	assert_non_null(strstr(loyalty_last_error(), "customer"));
	ctx.version = 0;
	assert_status(loyalty_calculator_compute(c, a, usd, &ctx, &r), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_compute(NULL, a, usd, NULL, &r), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_compute(c, NULL, usd, NULL, &r), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_compute(c, a, NULL, NULL, &r), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_compute(c, a, usd, NULL, NULL), LOYALTY_EINVAL);
	assert_ptr_equal(r, sentinel);
	loyalty_purchase_free(eur);
	loyalty_purchase_free(usd);
	loyalty_customer_free(a);
	loyalty_customer_free(b);
	loyalty_calculator_free(c);
}

static void test_empty_calculator_and_empty_purchase(void **state)
{
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_CEIL, 0);
	loyalty_customer *a = torture_customer(1);
	loyalty_purchase *p = torture_purchase(a, "nothing", 0, "USD");
	loyalty_receipt *r;

	(void)state;
	r = torture_compute(c, a, p, 0);
	assert_int_equal(loyalty_receipt_points(r), 0);
	assert_int_equal(loyalty_receipt_line_count(r), 0);
	loyalty_receipt_free(r);
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	r = torture_compute(c, a, p, 0);
	assert_int_equal(loyalty_receipt_points(r), 0);
	assert_int_equal(loyalty_receipt_line_count(r), 1);
	loyalty_receipt_free(r);
	loyalty_purchase_free(p);
	loyalty_customer_free(a);
	loyalty_calculator_free(c);
}

static loyalty_calculator *stacking_calc(loyalty_stacking stacking)
{
	loyalty_calculator_options o = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_calculator *c = NULL;

	memcpy(o.currency, "USD", 4);
	o.stacking = stacking;
	assert_ok(loyalty_calculator_new(&c, &o));
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add(c, "tier_multiplier", "tier", "tier.gold=3/2"));
	assert_ok(loyalty_calculator_add(c, "campaign", "double", "multiplier=2"));
	assert_ok(loyalty_calculator_add(c, "threshold", "bonus", "min_spend=0 bonus=5"));
	return c;
}

static void test_stacking_additive_and_compound(void **state)
{
	loyalty_calculator *add = stacking_calc(LOYALTY_STACK_ADDITIVE), *cmp = stacking_calc(LOYALTY_STACK_COMPOUND);
	loyalty_customer *gold = torture_customer(1);
	loyalty_purchase *p = torture_purchase(gold, "k", 0, "USD");
	loyalty_receipt *r;

	(void)state;
	assert_ok(loyalty_customer_set_tier(gold, "gold"));
	assert_ok(loyalty_purchase_add_item(p, "s", "t", 1, 10000));
	/* additive: 100 + 100*(3/2-1) + 100*(2-1) + 5 */
	r = torture_compute(add, gold, p, 0);
	assert_frac(torture_line_points(r, "tier", NULL), 50, 1);
	assert_frac(torture_line_points(r, "double", NULL), 100, 1);
	assert_int_equal(loyalty_receipt_points(r), 255);
	loyalty_receipt_free(r);
	/* compound: 100 * 3/2 * 2 + 5 */
	r = torture_compute(cmp, gold, p, 0);
	assert_frac(torture_line_points(r, "tier", NULL), 50, 1);
	assert_frac(torture_line_points(r, "double", NULL), 150, 1);
	assert_int_equal(loyalty_receipt_points(r), 305);
	assert_frac(loyalty_receipt_base_points(r), 100, 1);
	loyalty_receipt_free(r);
	loyalty_purchase_free(p);
	loyalty_customer_free(gold);
	loyalty_calculator_free(add);
	loyalty_calculator_free(cmp);
}

static void test_pipeline_order_matters_for_multipliers(void **state)
{
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	loyalty_customer *a = torture_customer(1);
	loyalty_purchase *p = torture_purchase(a, "k", 0, "USD");
	loyalty_receipt *r;

	(void)state;
	assert_ok(loyalty_purchase_add_item(p, "s", "t", 1, 1000));
	assert_ok(loyalty_calculator_add(c, "campaign", "early", "multiplier=2"));
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add(c, "campaign", "late", "multiplier=3"));
	r = torture_compute(c, a, p, 0);
	assert_frac(torture_line_points(r, "early", NULL), 0, 1);
	assert_frac(torture_line_points(r, "late", NULL), 20, 1);
	assert_int_equal(loyalty_receipt_points(r), 30);
	loyalty_receipt_free(r);
	loyalty_purchase_free(p);
	loyalty_customer_free(a);
	loyalty_calculator_free(c);
}

static void test_rounding_happens_once(void **state)
{
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	loyalty_customer *a = torture_customer(1);
	loyalty_purchase *p = torture_purchase(a, "k", 0, "USD");
	loyalty_receipt *r;

	(void)state;
	/* three lines of 1/3 point each: rounding per line would give 0 */
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=300"));
	for (int i = 0; i < 3; i++)
		assert_ok(loyalty_purchase_add_item(p, "s", "t", 1, 100));
	r = torture_compute(c, a, p, 0);
	assert_frac(loyalty_receipt_exact_points(r), 1, 1);
	assert_int_equal(loyalty_receipt_points(r), 1);
	assert_frac(loyalty_receipt_rounding_adjustment(r), 0, 1);
	loyalty_receipt_free(r);
	loyalty_purchase_free(p);
	loyalty_customer_free(a);
	loyalty_calculator_free(c);
}

static loyalty_points points_with(loyalty_rounding mode, int64_t cents)
{
	loyalty_calculator *c = torture_calculator("USD", mode, 0);
	loyalty_customer *a = torture_customer(1);
	loyalty_purchase *p = torture_purchase(a, "k", 0, "USD");
	loyalty_points pts;

	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=200"));
	assert_ok(loyalty_purchase_add_item(p, "s", "t", 1, cents));
	pts = torture_points(c, a, p);
	loyalty_purchase_free(p);
	loyalty_customer_free(a);
	loyalty_calculator_free(c);
	return pts;
}

static int negative_points(const loyalty_strategy_input *in, loyalty_fraction *out, void *user_data)
{
	(void)in;
	*out = *(const loyalty_fraction *)user_data;
	return 0;
}

static loyalty_points custom_total_with(loyalty_rounding mode, int64_t num, int64_t den)
{
	loyalty_calculator *c = torture_calculator("USD", mode, 0);
	loyalty_customer *a = torture_customer(1);
	loyalty_purchase *p = torture_purchase(a, "k", 0, "USD");
	loyalty_fraction f = { num, den };
	loyalty_points pts;

	assert_ok(loyalty_calculator_add_custom(c, "penalty", LOYALTY_ROLE_BONUS, negative_points, &f, NULL));
	pts = torture_points(c, a, p);
	loyalty_purchase_free(p);
	loyalty_customer_free(a);
	loyalty_calculator_free(c);
	return pts;
}

static void test_each_rounding_mode(void **state)
{
	(void)state;
	/* 500 cents at 1 per 200 = 2.5; 700 = 3.5; 501 = 2.505 */
	assert_int_equal(points_with(LOYALTY_ROUND_FLOOR, 500), 2);
	assert_int_equal(points_with(LOYALTY_ROUND_HALF_UP, 500), 3);
	assert_int_equal(points_with(LOYALTY_ROUND_HALF_EVEN, 500), 2);
	assert_int_equal(points_with(LOYALTY_ROUND_CEIL, 500), 3);
	assert_int_equal(points_with(LOYALTY_ROUND_HALF_EVEN, 700), 4);
	assert_int_equal(points_with(LOYALTY_ROUND_HALF_EVEN, 501), 3);
	assert_int_equal(points_with(LOYALTY_ROUND_FLOOR, 501), 2);
	assert_int_equal(points_with(LOYALTY_ROUND_CEIL, 400), 2);
	/* negative totals (a custom penalty): -5/2 */
	assert_int_equal(custom_total_with(LOYALTY_ROUND_FLOOR, -5, 2), -3);
	assert_int_equal(custom_total_with(LOYALTY_ROUND_HALF_UP, -5, 2), -3);
	assert_int_equal(custom_total_with(LOYALTY_ROUND_HALF_EVEN, -5, 2), -2);
	assert_int_equal(custom_total_with(LOYALTY_ROUND_CEIL, -5, 2), -2);
	assert_int_equal(custom_total_with(LOYALTY_ROUND_HALF_EVEN, -7, 2), -4);
	assert_int_equal(custom_total_with(LOYALTY_ROUND_HALF_UP, -1, 3), 0);
}

/* ---- custom strategies ----------------------------------------------------------- */

typedef struct probe {
	int calls;
	int destroyed;
	int fail;
	loyalty_fraction give;
	loyalty_strategy_input seen;
} probe;

static int probe_fn(const loyalty_strategy_input *in, loyalty_fraction *out, void *user_data)
{
	probe *p = user_data;

	p->calls++;
	p->seen = *in;
	if (p->fail == 1)
		return loyalty_error_set(LOYALTY_EUSER, "price list unavailable");
	if (p->fail == 2)
		return 7; /* no message */
	*out = p->give;
	return 0;
}

static void probe_destroy(void *user_data)
{
	((probe *)user_data)->destroyed++;
}

static void test_custom_strategy_sees_the_pipeline(void **state)
{
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 120);
	loyalty_customer *a = torture_customer(1);
	loyalty_purchase *p = torture_purchase(a, "k", 0, "USD");
	probe pr = { 0, 0, 0, { 10, 1 }, { 0 } };
	loyalty_receipt *r;
	loyalty_receipt_line line;

	(void)state;
	assert_ok(loyalty_calculator_exclude_product_type(c, "gift_card"));
	assert_ok(loyalty_purchase_add_item(p, "s", "t", 1, 1050));
	assert_ok(loyalty_purchase_add_item(p, "g", "gift_card", 1, 5000));
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add(c, "threshold", "bonus", "min_spend=0 bonus=3"));
	assert_ok(loyalty_calculator_add_custom(c, "probe", LOYALTY_ROLE_BASE, probe_fn, &pr, probe_destroy));
	assert_ok(loyalty_calculator_add(c, "campaign", "double", "multiplier=2"));
	assert_string_equal(loyalty_calculator_strategy_kind(c, 2), "custom");
	assert_null(loyalty_calculator_strategy_params(c, 2));
	r = torture_compute(c, a, p, 1);
	assert_int_equal(pr.calls, 1);
	assert_int_equal(pr.seen.version, LOYALTY_STRATEGY_INPUT_VERSION);
	assert_ptr_equal(pr.seen.customer, a);
	assert_ptr_equal(pr.seen.purchase, p);
	assert_int_equal(pr.seen.first_purchase, 1);
	assert_int_equal(pr.seen.utc_offset_minutes, 120);
	assert_int_equal(pr.seen.eligible_spend, 1050);
	assert_frac(pr.seen.base_points, 21, 2);
	assert_frac(pr.seen.points, 27, 2);
	/* custom base points are scaled by the later multiplier: (10.5 + 10) * 2 + 3 */
	assert_frac(torture_line_points(r, "double", NULL), 41, 2);
	assert_frac(loyalty_receipt_base_points(r), 41, 2);
	assert_int_equal(loyalty_receipt_points(r), 44);
	assert_ok(loyalty_receipt_line_at(r, 2, &line));
	assert_string_equal(line.kind, "custom");
	assert_int_equal(line.role, LOYALTY_ROLE_BASE);
	loyalty_receipt_free(r);
	loyalty_purchase_free(p);
	loyalty_customer_free(a);
	assert_int_equal(pr.destroyed, 0);
	loyalty_calculator_free(c);
	assert_int_equal(pr.destroyed, 1);
}

static void test_custom_strategy_failure_is_euser(void **state)
{
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	loyalty_customer *a = torture_customer(1);
	loyalty_purchase *p = torture_purchase(a, "k", 0, "USD");
	probe pr = { 0, 0, 1, { 1, 1 }, { 0 } };
	loyalty_receipt *r = NULL;

	(void)state;
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add_custom(c, "prices", LOYALTY_ROLE_BONUS, probe_fn, &pr, probe_destroy));
	assert_status(loyalty_calculator_compute(c, a, p, NULL, &r), LOYALTY_EUSER);
	assert_null(r);
	assert_non_null(strstr(loyalty_last_error(), "'prices'"));
	assert_non_null(strstr(loyalty_last_error(), "price list unavailable"));
	pr.fail = 2;
	assert_status(loyalty_calculator_compute(c, a, p, NULL, &r), LOYALTY_EUSER);
	assert_non_null(strstr(loyalty_last_error(), "status 7"));
	pr.fail = 0;
	pr.give.den = 0; /* an invalid fraction is a failure too */
	assert_status(loyalty_calculator_compute(c, a, p, NULL, &r), LOYALTY_EUSER);
	assert_non_null(strstr(loyalty_last_error(), "denominator"));
	assert_null(r);
	pr.give.den = 1;
	r = torture_compute(c, a, p, 0);
	assert_int_equal(loyalty_receipt_points(r), 1);
	loyalty_receipt_free(r);
	loyalty_purchase_free(p);
	loyalty_customer_free(a);
	loyalty_calculator_free(c);
	assert_int_equal(pr.destroyed, 1);
}

static void test_custom_destroy_runs_once_when_registration_fails(void **state)
{
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	probe pr = { 0, 0, 0, { 1, 1 }, { 0 } };

	(void)state;
	assert_ok(loyalty_calculator_add(c, "base_rate", "taken", "points=1 per=100"));
	assert_status(loyalty_calculator_add_custom(c, "taken", LOYALTY_ROLE_BONUS, probe_fn, &pr, probe_destroy),
	              LOYALTY_EDUPLICATE);
	assert_int_equal(pr.destroyed, 1);
	assert_status(loyalty_calculator_add_custom(c, "x", LOYALTY_ROLE_BONUS, NULL, &pr, probe_destroy),
	              LOYALTY_EINVAL);
	assert_int_equal(pr.destroyed, 2);
	assert_status(loyalty_calculator_add_custom(c, "x", (loyalty_strategy_role)5, probe_fn, &pr, probe_destroy),
	              LOYALTY_EINVAL);
	assert_int_equal(pr.destroyed, 3);
	assert_status(loyalty_calculator_add_custom(NULL, "x", LOYALTY_ROLE_BONUS, probe_fn, &pr, probe_destroy),
	              LOYALTY_EINVAL);
	assert_int_equal(pr.destroyed, 4);
	assert_status(loyalty_calculator_add_custom(c, "bad name", LOYALTY_ROLE_BONUS, probe_fn, &pr, probe_destroy),
	              LOYALTY_EINVAL);
	assert_int_equal(pr.destroyed, 5);
	assert_status(loyalty_calculator_add_custom(c, NULL, LOYALTY_ROLE_BONUS, probe_fn, &pr, probe_destroy),
	              LOYALTY_EINVAL);
	assert_int_equal(pr.destroyed, 6);
	assert_int_equal(loyalty_calculator_strategy_count(c), 1);
	/* NULL destroy is allowed */
	assert_ok(loyalty_calculator_add_custom(c, "nodestroy", LOYALTY_ROLE_BONUS, probe_fn, &pr, NULL));
	loyalty_calculator_free(c);
	assert_int_equal(pr.destroyed, 6);
	assert_int_equal(pr.calls, 0);
}

/* ---- overflow ---------------------------------------------------------------------- */

static void test_overflow_at_int64_limits(void **state)
{
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	loyalty_customer *a = torture_customer(1);
	loyalty_purchase *p = torture_purchase(a, "k", 0, "USD");
	loyalty_receipt *r = NULL;

	(void)state;
	assert_ok(loyalty_purchase_add_item(p, "s", "t", 1, INT64_MAX));
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=1"));
	r = torture_compute(c, a, p, 0);
	assert_int_equal(loyalty_receipt_points(r), INT64_MAX);
	loyalty_receipt_free(r);
	r = NULL;
	/* one more point overflows the total */
	assert_ok(loyalty_calculator_add(c, "first_purchase", "one", "bonus=1"));
	assert_status(loyalty_calculator_compute(c, a, p, &(loyalty_calc_context){ 1, 1 }, &r), LOYALTY_ERANGE);
	assert_non_null(strstr(loyalty_last_error(), "'one'"));
	assert_null(r);
	loyalty_calculator_free(c);

	/* a multiplier on INT64_MAX base points */
	c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=1"));
	assert_ok(loyalty_calculator_add(c, "campaign", "x2", "multiplier=2"));
	assert_status(loyalty_calculator_compute(c, a, p, NULL, &r), LOYALTY_ERANGE);
	assert_non_null(strstr(loyalty_last_error(), "'x2'"));
	loyalty_calculator_free(c);

	/* a rate that overflows the line */
	c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=9223372036854775807 per=1"));
	loyalty_purchase_free(p);
	p = torture_purchase(a, "k2", 0, "USD");
	assert_ok(loyalty_purchase_add_item(p, "s", "t", 1, 2));
	assert_status(loyalty_calculator_compute(c, a, p, NULL, &r), LOYALTY_ERANGE);
	/* while exact fractions far beyond one point stay exact: 2 * (2^63-1) / 1 overflows, but /2 does not */
	loyalty_calculator_free(c);
	c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=9223372036854775807 per=2"));
	r = torture_compute(c, a, p, 0);
	assert_int_equal(loyalty_receipt_points(r), INT64_MAX);
	loyalty_receipt_free(r);
	loyalty_calculator_free(c);
	loyalty_purchase_free(p);
	loyalty_customer_free(a);
}

/* ---- receipts ------------------------------------------------------------------------ */

static void test_receipt_lines_format_and_clone(void **state)
{
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_HALF_UP, 0);
	loyalty_customer *a = torture_customer(7);
	loyalty_purchase *p = torture_purchase(a, "order-77", 0, "USD");
	loyalty_receipt *r, *copy = NULL;
	loyalty_receipt_line line;
	char small[16], *text;
	int n;

	(void)state;
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add(c, "tier_multiplier", "tiers", "tier.gold=2"));
	assert_ok(loyalty_purchase_add_item(p, "s", "t", 1, 2550));
	r = torture_compute(c, a, p, 0);
	assert_int_equal(loyalty_receipt_points(r), 26);
	assert_frac(loyalty_receipt_rounding_adjustment(r), 1, 2);
	assert_int_equal(loyalty_receipt_rounding(r), LOYALTY_ROUND_HALF_UP);
	assert_string_equal(loyalty_receipt_purchase_key(r), "order-77");
	assert_string_equal(loyalty_receipt_currency(r), "USD");
	assert_int_equal(loyalty_id_compare(loyalty_receipt_customer_id(r), loyalty_customer_id(a)), 0);
	assert_int_equal(loyalty_receipt_line_count(r), 2);
	assert_ok(loyalty_receipt_line_at(r, 0, &line));
	assert_string_equal(line.strategy, "base");
	assert_string_equal(line.kind, "base_rate");
	assert_int_equal(line.role, LOYALTY_ROLE_BASE);
	assert_true(line.applied);
	assert_frac(line.points, 51, 2);
	assert_string_equal(line.detail, "1 per 100 on 2550 eligible");
	assert_ok(loyalty_receipt_line_at(r, 1, &line));
	assert_false(line.applied);
	assert_string_equal(line.detail, "customer has no tier");
	assert_status(loyalty_receipt_line_at(r, 2, &line), LOYALTY_ERANGE);

	n = loyalty_receipt_format(r, NULL, 0);
	assert_true(n > 0);
	text = malloc((size_t)n + 1);
	assert_int_equal(loyalty_receipt_format(r, text, (size_t)n + 1), n);
	assert_int_equal(strlen(text), n);
	assert_non_null(strstr(text, "order-77"));
	assert_non_null(strstr(text, "spend USD 25.50, eligible 25.50"));
	assert_non_null(strstr(text, "51/2 (25.50)"));
	assert_non_null(strstr(text, "points 26"));
	assert_non_null(strstr(text, "half_up"));
	assert_int_equal(loyalty_receipt_format(r, small, sizeof small), n);
	assert_int_equal(strlen(small), sizeof small - 1);
	assert_memory_equal(small, text, sizeof small - 1);
	assert_status(loyalty_receipt_format(NULL, small, sizeof small), LOYALTY_EINVAL);
	assert_status(loyalty_receipt_format(r, NULL, 5), LOYALTY_EINVAL);

	assert_ok(loyalty_receipt_clone(&copy, r));
	loyalty_receipt_free(r);
	loyalty_calculator_free(c); /* receipts outlive their calculator */
	assert_int_equal(loyalty_receipt_points(copy), 26);
	assert_ok(loyalty_receipt_line_at(copy, 1, &line));
	assert_string_equal(line.strategy, "tiers");
	assert_int_equal(loyalty_receipt_format(copy, NULL, 0), n);
	loyalty_receipt_free(copy);
	loyalty_receipt_free(NULL);
	assert_int_equal(loyalty_receipt_points(NULL), 0);
	free(text);
	loyalty_purchase_free(p);
	loyalty_customer_free(a);
}

static void test_long_lists_stay_canonical(void **state)
{
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0), *copy;
	loyalty_params *p = NULL;
	char value[256], name[16];

	(void)state;
	/* six values of 50 names each: 300 names, more than LOYALTY_PARAMS_MAX pairs if written one by one */
	assert_ok(loyalty_params_new(&p));
	assert_ok(loyalty_params_add(p, "points", "1"));
	assert_ok(loyalty_params_add(p, "per", "100"));
	for (int v = 0; v < 6; v++) {
		value[0] = '\0';
		for (int k = 0; k < 50; k++) {
			snprintf(name, sizeof name, "%s%c%03d", k ? "," : "", 'a' + v, k);
			strcat(value, name);
		}
		assert_ok(loyalty_params_add(p, "exclude", value));
	}
	assert_ok(loyalty_calculator_add_params(c, "base_rate", "base", p));
	loyalty_params_free(p);
	p = (loyalty_params *)loyalty_calculator_strategy_params(c, 0);
	assert_int_equal(loyalty_params_count(p), 8); /* points, per, 6 exclude values of 50 names */
	copy = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	assert_ok(loyalty_calculator_add_params(copy, "base_rate", "base", p));
	assert_string_equal(loyalty_params_text(loyalty_calculator_strategy_params(copy, 0)), loyalty_params_text(p));
	loyalty_calculator_free(copy);
	loyalty_calculator_free(c);
}

static void test_custom_multiplier_compounds(void **state)
{
	loyalty_calculator_options o = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_calculator *c = NULL;
	loyalty_customer *a = torture_customer(1);
	loyalty_purchase *p = torture_purchase(a, "k", 0, "USD");
	probe pr = { 0, 0, 0, { 30, 1 }, { 0 } }, bonus = { 0, 0, 0, { 7, 1 }, { 0 } };
	loyalty_receipt *r;

	(void)state;
	memcpy(o.currency, "USD", 4);
	o.stacking = LOYALTY_STACK_COMPOUND;
	assert_ok(loyalty_calculator_new(&c, &o));
	assert_ok(loyalty_purchase_add_item(p, "s", "t", 1, 10000));
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add_custom(c, "extra", LOYALTY_ROLE_MULTIPLIER, probe_fn, &pr, NULL));
	assert_ok(loyalty_calculator_add_custom(c, "flat", LOYALTY_ROLE_BONUS, probe_fn, &bonus, NULL));
	assert_ok(loyalty_calculator_add(c, "campaign", "double", "multiplier=2"));
	r = torture_compute(c, a, p, 0);
	/* compound: (100 + 30) x 2; the bonus 7 is never scaled */
	assert_frac(torture_line_points(r, "double", NULL), 130, 1);
	assert_frac(loyalty_receipt_base_points(r), 100, 1);
	assert_int_equal(loyalty_receipt_points(r), 267);
	loyalty_receipt_free(r);
	loyalty_purchase_free(p);
	loyalty_customer_free(a);
	loyalty_calculator_free(c);
}

static void test_canonical_params_rebuild_the_same_calculator(void **state)
{
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_HALF_EVEN, 60), *copy;
	loyalty_customer *a = torture_customer(9);
	loyalty_receipt *r1, *r2;

	(void)state;
	assert_ok(loyalty_customer_set_tier(a, "gold"));
	assert_ok(loyalty_customer_set_birthday(a, 11, 28));
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "per=100 points=1 exclude=gift_card,voucher"));
	assert_ok(loyalty_calculator_add(c, "product_type", "types", "mode=multiplier type.electronics=3/2"));
	assert_ok(loyalty_calculator_add(c, "tier_multiplier", "tiers", "tier.silver=10/8 tier.gold=3/2"));
	assert_ok(loyalty_calculator_add(c, "campaign", "wk", "weekdays=sat,sun type=coffee,tea multiplier=2 tier=gold"));
	assert_ok(loyalty_calculator_add(c, "birthday", "bd", "period=week bonus=40"));
	assert_ok(loyalty_calculator_add(c, "threshold", "big", "bonus=100 min_spend=10000"));
	assert_ok(loyalty_calculator_add(c, "first_purchase", "hi", "bonus=25"));
	copy = torture_calculator("USD", LOYALTY_ROUND_HALF_EVEN, 60);
	for (size_t i = 0; i < loyalty_calculator_strategy_count(c); i++)
		assert_ok(loyalty_calculator_add_params(copy, loyalty_calculator_strategy_kind(c, i),
		                                        loyalty_calculator_strategy_name(c, i),
		                                        loyalty_calculator_strategy_params(c, i)));
	assert_string_equal(loyalty_params_text(loyalty_calculator_strategy_params(c, 0)),
	                    "points=1 per=100 exclude=gift_card,voucher");
	assert_string_equal(loyalty_params_text(loyalty_calculator_strategy_params(c, 2)),
	                    "tier.silver=5/4 tier.gold=3/2");
	for (int day = 20; day <= 30; day++) {
		loyalty_purchase *p = torture_purchase(a, "k", torture_time(2026, 11, day, 10, 0), "USD");
		assert_ok(loyalty_purchase_add_item(p, "a", "coffee", 3, 455));
		assert_ok(loyalty_purchase_add_item(p, "b", "electronics", 1, 9999));
		assert_ok(loyalty_purchase_add_item(p, "c", "voucher", 1, 2000));
		r1 = torture_compute(c, a, p, day == 20);
		r2 = torture_compute(copy, a, p, day == 20);
		assert_int_equal(loyalty_receipt_points(r1), loyalty_receipt_points(r2));
		assert_frac(loyalty_receipt_exact_points(r2), loyalty_receipt_exact_points(r1).num,
		            loyalty_receipt_exact_points(r1).den);
		assert_int_equal(loyalty_receipt_format(r1, NULL, 0), loyalty_receipt_format(r2, NULL, 0));
		loyalty_receipt_free(r1);
		loyalty_receipt_free(r2);
		loyalty_purchase_free(p);
	}
	for (size_t i = 0; i < loyalty_calculator_strategy_count(c); i++)
		assert_string_equal(loyalty_params_text(loyalty_calculator_strategy_params(c, i)),
		                    loyalty_params_text(loyalty_calculator_strategy_params(copy, i)));
	loyalty_calculator_free(copy);
	loyalty_calculator_free(c);
	loyalty_customer_free(a);
}

/* ---- threads ---------------------------------------------------------------------- */

typedef struct shared {
	const loyalty_calculator *calc;
	const loyalty_customer *cust;
	const loyalty_purchase *purchase;
	loyalty_points expected;
	int mismatches;
} shared;

static void *compute_many(void *arg)
{
	shared *s = arg;
	int bad = 0;

	for (int i = 0; i < 2000; i++) {
		loyalty_receipt *r = NULL;
		if (loyalty_calculator_compute(s->calc, s->cust, s->purchase, NULL, &r) != LOYALTY_OK ||
		    loyalty_receipt_points(r) != s->expected)
			bad++;
		loyalty_receipt_free(r);
	}
	return (void *)(intptr_t)bad;
}

static void test_compute_from_many_threads(void **state)
{
	loyalty_calculator *c = stacking_calc(LOYALTY_STACK_ADDITIVE);
	loyalty_customer *gold = torture_customer(1);
	loyalty_purchase *p = torture_purchase(gold, "k", 0, "USD");
	pthread_t t[4];
	shared s;

	(void)state;
	assert_ok(loyalty_customer_set_tier(gold, "gold"));
	for (int i = 0; i < 20; i++) /* more lines than fit the stack scratch */
		assert_ok(loyalty_purchase_add_item(p, "s", "t", 1, 500));
	s = (shared){ c, gold, p, 255, 0 };
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, compute_many, &s), 0);
	for (int i = 0; i < 4; i++) {
		void *bad = NULL;
		assert_int_equal(pthread_join(t[i], &bad), 0);
		assert_int_equal((intptr_t)bad, 0);
	}
	loyalty_purchase_free(p);
	loyalty_customer_free(gold);
	loyalty_calculator_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_add_errors_change_nothing),
		cmocka_unit_test(test_compute_errors_change_nothing),
		cmocka_unit_test(test_empty_calculator_and_empty_purchase),
		cmocka_unit_test(test_stacking_additive_and_compound),
		cmocka_unit_test(test_pipeline_order_matters_for_multipliers),
		cmocka_unit_test(test_rounding_happens_once),
		cmocka_unit_test(test_each_rounding_mode),
		cmocka_unit_test(test_custom_strategy_sees_the_pipeline),
		cmocka_unit_test(test_custom_strategy_failure_is_euser),
		cmocka_unit_test(test_custom_destroy_runs_once_when_registration_fails),
		cmocka_unit_test(test_overflow_at_int64_limits),
		cmocka_unit_test(test_receipt_lines_format_and_clone),
		cmocka_unit_test(test_long_lists_stay_canonical),
		cmocka_unit_test(test_custom_multiplier_compounds),
		cmocka_unit_test(test_canonical_params_rebuild_the_same_calculator),
		cmocka_unit_test(test_compute_from_many_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
