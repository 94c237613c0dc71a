/*
 * Scoring without receipts: loyalty_calculator_score and the columnar batch
 * loyalty_calculator_score_columns. Exact points on the benchmark workload
 * program (tests/bench/WORKLOAD.md), agreement with compute, every
 * rejection of the columns, and per-purchase failures.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "torture.h"

/* 2026-11-01T00:00Z and 2026-12-01T00:00Z: the double_november window */
#define NOV_START INT64_C(1793491200000)
#define DEC_START INT64_C(1796083200000)

static const char *const type_names[] = { "grocery", "beverages", "bakery", "household", "electronics", "toys",
	                                      "books",   "clothing",  "beauty", "sports",    "garden",      "gift_card" };
enum { GROCERY, BEVERAGES, BAKERY, HOUSEHOLD, ELECTRONICS, TOYS, BOOKS, CLOTHING, BEAUTY, SPORTS, GARDEN, GIFT_CARD };
static const char *const tier_names[] = { "bronze", "silver", "gold" };

static loyalty_calculator *workload_calc(void)
{
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);

	assert_ok(loyalty_calculator_exclude_product_type(c, "gift_card"));
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add(c, "product_type", "categories",
	                                 "mode=multiplier type.electronics=3/2 type.books=2 type.beauty=5/4 type.sports=3/2"));
	assert_ok(loyalty_calculator_add(c, "tier_multiplier", "tiers", "tier.silver=5/4 tier.gold=3/2"));
	assert_ok(loyalty_calculator_add(c, "campaign", "double_november",
	                                 "multiplier=2 start=1793491200000 end=1796083200000 type=electronics,toys"));
	assert_ok(loyalty_calculator_add(c, "birthday", "birthday_month", "bonus=100 period=month feb29=feb28"));
	assert_ok(loyalty_calculator_add(c, "threshold", "big_basket", "min_spend=20000 bonus=250"));
	return c;
}

/* Three customers: 0 gold born 10 November, 1 silver without birthday, 2 without tier born 29 February. */
static const uint32_t cust_tier[] = { 2, 1, UINT32_MAX };
static const uint8_t cust_month[] = { 11, 0, 2 };
static const uint8_t cust_day[] = { 10, 0, 29 };

/* Four purchases:
 *  0: customer 0 on 2026-11-10: electronics 2 x 100.00, gift card 50.00.
 *     20000 x 12 quarters / 400 = 600, birthday month +100, eligible 20000 >= 20000: +250 -> 950
 *  1: customer 1 on 2026-03-01: books 1.99 (9 quarters), grocery 3 x 0.50 (5 quarters):
 *     (1791 + 750) / 400 = 2541/400 -> 6
 *  2: customer 2 on 2026-02-15: grocery 0.99 -> 396/400 -> 0, birthday month +100 -> 100
 *  3: customer 2 on 2026-11-30 23:59:59.999, no lines: birthday not in November -> 0 */
static const loyalty_time at[] = { NOV_START + 9 * LOYALTY_MS_PER_DAY, INT64_C(1772323200000),
	                               INT64_C(1771113600000), DEC_START - 1 };
static const uint32_t who[] = { 0, 1, 2, 2 };
static const uint32_t line_start[] = { 0, 2, 4, 5, 5 };
static const uint32_t line_type[] = { ELECTRONICS, GIFT_CARD, BOOKS, GROCERY, GROCERY };
static const int64_t quantity[] = { 2, 1, 1, 3, 1 };
static const int64_t unit_price[] = { 10000, 5000, 199, 50, 99 };
static const loyalty_points expected[] = { 950, 6, 100, 0 };

static loyalty_score_columns workload_columns(void)
{
	loyalty_score_columns k = LOYALTY_SCORE_COLUMNS_INIT;

	k.npurchases = 4;
	k.at = at;
	k.customer = who;
	k.line_start = line_start;
	k.line_type = line_type;
	k.quantity = quantity;
	k.unit_price = unit_price;
	k.type_names = type_names;
	k.ntypes = 12;
	k.ncustomers = 3;
	k.customer_tier = cust_tier;
	k.tier_names = tier_names;
	k.ntiers = 3;
	k.birth_month = cust_month;
	k.birth_day = cust_day;
	k.currency = "USD";
	return k;
}

/* The same purchases as objects. */
static void workload_objects(loyalty_customer *cu[3], loyalty_purchase *p[4])
{
	for (unsigned i = 0; i < 3; i++) {
		cu[i] = torture_customer(i + 1);
		if (cust_tier[i] != UINT32_MAX)
			assert_ok(loyalty_customer_set_tier(cu[i], tier_names[cust_tier[i]]));
		assert_ok(loyalty_customer_set_birthday(cu[i], cust_month[i], cust_day[i]));
	}
	for (unsigned i = 0; i < 4; i++) {
		char key[16];
		snprintf(key, sizeof key, "p%u", i);
		p[i] = torture_purchase(cu[who[i]], key, at[i], "USD");
		for (uint32_t l = line_start[i]; l < line_start[i + 1]; l++)
			assert_ok(loyalty_purchase_add_item(p[i], "sku", type_names[line_type[l]], quantity[l], unit_price[l]));
	}
}

static void test_workload_exact(void **state)
{
	loyalty_calculator *c = workload_calc();
	loyalty_score_columns k = workload_columns();
	loyalty_customer *cu[3];
	loyalty_purchase *p[4];
	loyalty_points pts[4], one;
	int st[4];

	(void)state;
	workload_objects(cu, p);
	assert_ok(loyalty_calculator_score_columns(c, &k, pts, st));
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pts[i], expected[i]);
		assert_int_equal(st[i], LOYALTY_OK);
		assert_int_equal(torture_points(c, cu[who[i]], p[i]), expected[i]);
		one = -1;
		assert_ok(loyalty_calculator_score(c, cu[who[i]], p[i], NULL, &one));
		assert_int_equal(one, expected[i]);
	}
	/* status may be NULL */
	memset(pts, 0, sizeof pts);
	assert_ok(loyalty_calculator_score_columns(c, &k, pts, NULL));
	assert_int_equal(pts[0], 950);
	/* an empty batch */
	k.npurchases = 0;
	assert_ok(loyalty_calculator_score_columns(c, &k, pts, st));
	for (int i = 0; i < 4; i++)
		loyalty_purchase_free(p[i]);
	for (int i = 0; i < 3; i++)
		loyalty_customer_free(cu[i]);
	loyalty_calculator_free(c);
}

static void test_first_purchase_and_feb29(void **state)
{
	loyalty_calculator *c = torture_calculator("EUR", LOYALTY_ROUND_HALF_UP, 0);
	static const loyalty_time when[] = { INT64_C(1772236800000) /* 2026-02-28 */, INT64_C(1772236800000) - 1,
		                                 INT64_C(1772323200000) /* 2026-03-01 */ };
	static const uint32_t starts[] = { 0, 1, 2, 3 };
	static const uint32_t types[] = { 0, 0, 0 };
	static const int64_t qty[] = { 1, 1, 1 }, price[] = { 250, 250, 250 };
	static const uint32_t whom[] = { 0, 0, 0 };
	static const uint8_t month[] = { 2 }, day[] = { 29 }, first[] = { 1, 0, 0 };
	static const char *const tn[] = { "coffee" };
	loyalty_score_columns k = LOYALTY_SCORE_COLUMNS_INIT;
	loyalty_points pts[3];

	(void)state;
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add(c, "birthday", "bday", "multiplier=3 period=day feb29=feb28"));
	assert_ok(loyalty_calculator_add(c, "first_purchase", "hello", "bonus=10"));
	k.npurchases = 3;
	k.at = when;
	k.customer = whom;
	k.line_start = starts;
	k.line_type = types;
	k.quantity = qty;
	k.unit_price = price;
	k.type_names = tn;
	k.ntypes = 1;
	k.ncustomers = 1;
	k.birth_month = month;
	k.birth_day = day;
	k.first_purchase = first;
	k.currency = "EUR";
	assert_ok(loyalty_calculator_score_columns(c, &k, pts, NULL));
	/* 28 Feb 2026 is the birthday: 5/2 x 3 = 15/2 -> 8 (half up), + 10 first purchase */
	assert_int_equal(pts[0], 18);
	/* the day before: 5/2 -> 3 */
	assert_int_equal(pts[1], 3);
	/* 1 March (feb29=feb28): 3 */
	assert_int_equal(pts[2], 3);
	loyalty_calculator_free(c);
}

static int boom(const loyalty_strategy_input *in, loyalty_fraction *out, void *user_data)
{
	(void)user_data;
	if (in->eligible_spend == 666) {
		loyalty_error_set(LOYALTY_EINVAL, "the number of the beast");
		return 1;
	}
	out->num = in->eligible_spend;
	out->den = 1000;
	return 0;
}

static void test_per_purchase_failures(void **state)
{
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	static const loyalty_time when[] = { 0, 0, 0, 0 };
	static const uint32_t starts[] = { 0, 1, 3, 4, 5 };
	static const uint32_t types[] = { 0, 0, 0, 0, 0 };
	static const int64_t qty[] = { 1, 1, 1, 3, 1 };
	static const int64_t price[] = { 1000, INT64_MAX, 1, INT64_MAX / 2, 666 };
	static const uint32_t whom[] = { 0, 0, 0, 0 };
	static const char *const tn[] = { "misc" };
	loyalty_score_columns k = LOYALTY_SCORE_COLUMNS_INIT;
	loyalty_points pts[4];
	int st[4];

	(void)state;
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add_custom(c, "beast", LOYALTY_ROLE_BONUS, boom, NULL, NULL));
	k.npurchases = 4;
	k.at = when;
	k.customer = whom;
	k.line_start = starts;
	k.line_type = types;
	k.quantity = qty;
	k.unit_price = price;
	k.type_names = tn;
	k.ntypes = 1;
	k.ncustomers = 1;
	k.currency = "USD";
	assert_status(loyalty_calculator_score_columns(c, &k, pts, st), LOYALTY_ERANGE);
	assert_non_null(strstr(loyalty_last_error(), "loyalty_calculator_score_columns: purchase 1: "));
	assert_non_null(strstr(loyalty_last_error(), "overflows int64"));
	/* 1000/100 + 1000/1000 */
	assert_int_equal(pts[0], 11);
	assert_int_equal(st[0], LOYALTY_OK);
	assert_int_equal(pts[1], 0);
	assert_int_equal(st[1], LOYALTY_ERANGE);
	/* 3 x (INT64_MAX / 2) overflows the line total */
	assert_int_equal(pts[2], 0);
	assert_int_equal(st[2], LOYALTY_ERANGE);
	assert_int_equal(pts[3], 0);
	assert_int_equal(st[3], LOYALTY_EUSER);
	/* only the custom failure */
	k.npurchases = 1;
	k.line_start = (const uint32_t[]){ 0, 1 };
	k.quantity = qty + 4;
	k.unit_price = price + 4;
	assert_status(loyalty_calculator_score_columns(c, &k, pts, st), LOYALTY_EUSER);
	assert_string_equal(loyalty_last_error(),
	                    "loyalty_calculator_score_columns: purchase 0: strategy 'beast' failed: the number of the beast");
	loyalty_calculator_free(c);
}

/* A copy of the workload columns with one thing wrong must fail with @p code,
 * name @p what in its message and write nothing. */
static void expect_reject(const loyalty_calculator *c, const loyalty_score_columns *k, int code, const char *what)
{
	loyalty_points pts[4] = { -7, -7, -7, -7 };
	int st[4] = { 99, 99, 99, 99 };

	assert_status(loyalty_calculator_score_columns(c, k, pts, st), code);
	if (strstr(loyalty_last_error(), what) == NULL)
		fail_msg("message '%s' does not name '%s'", loyalty_last_error(), what);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pts[i], -7);
		assert_int_equal(st[i], 99);
	}
}

static void test_rejections(void **state)
{
	loyalty_calculator *c = workload_calc();
	loyalty_score_columns k;
	loyalty_points pts[4];
	const uint32_t bad_customer[] = { 0, 3, 0, 0 };
	const uint32_t bad_start0[] = { 1, 2, 4, 5, 5 };
	const uint32_t bad_start[] = { 0, 2, 1, 5, 5 };
	const uint32_t bad_type[] = { ELECTRONICS, GIFT_CARD, 12, GROCERY, GROCERY };
	const int64_t bad_qty[] = { 2, 1, 0, 3, 1 };
	const int64_t bad_price[] = { 10000, 5000, 199, -1, 99 };
	const char *bad_types[12];
	const char *bad_tiers[] = { "bronze", "sil ver", "gold" };
	const uint32_t bad_tier[] = { 2, 3, UINT32_MAX };
	const uint8_t bad_month[] = { 11, 13, 2 };
	const uint8_t bad_day[] = { 10, 0, 30 };
	const uint8_t bad_day0[] = { 0, 0, 29 };

	(void)state;
	memcpy(bad_types, type_names, sizeof bad_types);
	bad_types[5] = "";

	k = workload_columns();
	assert_status(loyalty_calculator_score_columns(NULL, &k, pts, NULL), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_score_columns(c, NULL, pts, NULL), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_score_columns(c, &k, NULL, NULL), LOYALTY_EINVAL);
	k.version = 2;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.version");
	k = workload_columns();
	k.currency = "EUR";
	expect_reject(c, &k, LOYALTY_ECURRENCY, "cols.currency");
	k.currency = NULL;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.currency");
	k = workload_columns();
	k.at = NULL;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.at");
	k = workload_columns();
	k.customer = NULL;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.customer");
	k = workload_columns();
	k.customer = bad_customer;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.customer[1] = 3");
	k = workload_columns();
	k.line_start = NULL;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.line_start");
	k.line_start = bad_start0;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.line_start[0]");
	k.line_start = bad_start;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.line_start[2]");
	k = workload_columns();
	k.line_type = NULL;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.line_type");
	k.line_type = bad_type;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.line_type[2] = 12");
	k = workload_columns();
	k.quantity = NULL;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.quantity");
	k.quantity = bad_qty;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.quantity[2]");
	k = workload_columns();
	k.unit_price = NULL;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.unit_price");
	k.unit_price = bad_price;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.unit_price[3]");
	k = workload_columns();
	k.type_names = NULL;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.type_names");
	k.type_names = bad_types;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.type_names[5]");
	k = workload_columns();
	k.tier_names = NULL;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.tier_names");
	k.tier_names = bad_tiers;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.tier_names[1]");
	k = workload_columns();
	k.customer_tier = bad_tier;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.customer_tier[1] = 3");
	k = workload_columns();
	k.birth_month = bad_month;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.birth_month[1] = 13");
	k = workload_columns();
	k.birth_day = NULL;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.birth_day");
	k.birth_day = bad_day;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.birth_day[2] = 30");
	k.birth_day = bad_day0;
	expect_reject(c, &k, LOYALTY_EINVAL, "cols.birth_day[0] = 0");
	loyalty_calculator_free(c);
}

static void test_score_errors(void **state)
{
	loyalty_calculator *c = workload_calc();
	loyalty_customer *cu = torture_customer(1), *other = torture_customer(2);
	loyalty_purchase *p = torture_purchase(cu, "k", 0, "USD"), *eur = torture_purchase(cu, "e", 0, "EUR");
	loyalty_calc_context ctx = LOYALTY_CALC_CONTEXT_INIT;
	loyalty_points pts = 42;

	(void)state;
	assert_status(loyalty_calculator_score(NULL, cu, p, NULL, &pts), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_score(c, NULL, p, NULL, &pts), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_score(c, cu, NULL, NULL, &pts), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_score(c, cu, p, NULL, NULL), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_score(c, other, p, NULL, &pts), LOYALTY_EINVAL);
	assert_status(loyalty_calculator_score(c, cu, eur, NULL, &pts), LOYALTY_ECURRENCY);
	assert_string_equal(loyalty_last_error(),
	                    "loyalty_calculator_score: purchase currency EUR differs from the calculator's USD");
	ctx.version = 9;
	assert_status(loyalty_calculator_score(c, cu, p, &ctx, &pts), LOYALTY_EINVAL);
	assert_int_equal(pts, 42);
	loyalty_purchase_free(p);
	loyalty_purchase_free(eur);
	loyalty_customer_free(cu);
	loyalty_customer_free(other);
	loyalty_calculator_free(c);
}


/* ---- property: score and score_columns agree with compute ------------------------ */

#define RPROGRAMS 400
#define RPURCHASES 40 /* 16,000 purchases in all */

static const char *const rtypes[] = { "food", "drink", "tech", "toys", "gift" };
static const char *const rtiers[] = { "silver", "gold", "bronze" };

static void rfrac(torture_rng *r, char *buf, size_t size, int64_t maxnum)
{
	int64_t num = torture_range(r, 0, maxnum), den = torture_range(r, 1, 4);

	snprintf(buf, size, "%lld/%lld", (long long)num, (long long)den);
}

static int rcustom(const loyalty_strategy_input *in, loyalty_fraction *out, void *user_data)
{
	(void)user_data;
	if (in->eligible_spend % 13 == 7) {
		loyalty_error_set(LOYALTY_EINVAL, "unlucky");
		return 1;
	}
	out->num = in->eligible_spend % 1000 - 300;
	out->den = 7;
	return 0;
}

/* A random strategy of a random kind appended to @p c. */
static void radd(torture_rng *r, loyalty_calculator *c, int i, bool allow_custom)
{
	char name[16], p[512], f1[32], f2[32];
	int kind = (int)torture_range(r, 0, allow_custom ? 8 : 7);
	int64_t start = INT64_C(1767225600000) + torture_range(r, 0, 300) * LOYALTY_MS_PER_DAY;

	snprintf(name, sizeof name, "s%d", i);
	rfrac(r, f1, sizeof f1, 6);
	rfrac(r, f2, sizeof f2, 6);
	switch (kind) {
	case 0:
		snprintf(p, sizeof p, "points=%s per=%lld%s", f1, (long long)(torture_range(r, 0, 1) ? 100 : torture_range(r, 1, 7)),
		         torture_range(r, 0, 3) == 0 ? " exclude=toys" : "");
		assert_ok(loyalty_calculator_add(c, "base_rate", name, p));
		break;
	case 1:
		snprintf(p, sizeof p, "mode=rate per=%lld type.tech=%s type.food=%s%s%s",
		         (long long)torture_range(r, 1, 300), f1, f2, torture_range(r, 0, 1) ? " default=" : "",
		         "");
		if (strstr(p, "default=") != NULL)
			strcat(p, "1/3");
		assert_ok(loyalty_calculator_add(c, "product_type", name, p));
		break;
	case 2:
		snprintf(p, sizeof p, "mode=multiplier type.tech=%s type.drink=%s", f1, f2);
		assert_ok(loyalty_calculator_add(c, "product_type", name, p));
		break;
	case 3:
		snprintf(p, sizeof p, "tier.silver=%s tier.gold=%s", f1, f2);
		assert_ok(loyalty_calculator_add(c, "tier_multiplier", name, p));
		break;
	case 4: {
		int len;
		if (torture_range(r, 0, 1))
			len = snprintf(p, sizeof p, "multiplier=%s", f1);
		else
			len = snprintf(p, sizeof p, "bonus=%lld", (long long)torture_range(r, 0, 500));
		if (torture_range(r, 0, 1))
			len += snprintf(p + len, sizeof p - (size_t)len, " start=%lld end=%lld", (long long)start,
			                (long long)(start + torture_range(r, 1, 90) * LOYALTY_MS_PER_DAY));
		if (torture_range(r, 0, 3) == 0)
			len += snprintf(p + len, sizeof p - (size_t)len, " weekdays=sat,sun,wed");
		if (torture_range(r, 0, 2) == 0)
			len += snprintf(p + len, sizeof p - (size_t)len, " type=tech,toys");
		if (torture_range(r, 0, 3) == 0)
			len += snprintf(p + len, sizeof p - (size_t)len, " tier=gold,bronze");
		if (torture_range(r, 0, 5) == 0)
			len += snprintf(p + len, sizeof p - (size_t)len, " channel=web");
		if (torture_range(r, 0, 2) == 0)
			snprintf(p + len, sizeof p - (size_t)len, " min_spend=%lld", (long long)torture_range(r, 0, 3000));
		assert_ok(loyalty_calculator_add(c, "campaign", name, p));
		break;
	}
	case 5: {
		static const char *const periods[] = { "day", "week", "month" };
		static const char *const feb[] = { "feb28", "mar1" };
		if (torture_range(r, 0, 1))
			snprintf(p, sizeof p, "multiplier=%s period=%s feb29=%s", f1, periods[torture_range(r, 0, 2)],
			         feb[torture_range(r, 0, 1)]);
		else
			snprintf(p, sizeof p, "bonus=%lld period=%s feb29=%s", (long long)torture_range(r, 0, 300),
			         periods[torture_range(r, 0, 2)], feb[torture_range(r, 0, 1)]);
		assert_ok(loyalty_calculator_add(c, "birthday", name, p));
		break;
	}
	case 6:
		snprintf(p, sizeof p, "min_spend=%lld bonus=%lld", (long long)torture_range(r, 0, 5000),
		         (long long)(torture_range(r, 0, 9) == 0 ? INT64_MAX / 4 : torture_range(r, 0, 400)));
		assert_ok(loyalty_calculator_add(c, "threshold", name, p));
		break;
	case 7:
		snprintf(p, sizeof p, "bonus=%lld", (long long)torture_range(r, 0, 100));
		assert_ok(loyalty_calculator_add(c, "first_purchase", name, p));
		break;
	default:
		assert_ok(loyalty_calculator_add_custom(c, name, (loyalty_strategy_role)torture_range(r, 0, 2), rcustom, NULL,
		                                        NULL));
		break;
	}
}

/* A line's unit price: mostly small, sometimes near the int64 edge. */
static int64_t rprice(torture_rng *r, int64_t qty)
{
	switch (torture_range(r, 0, 19)) {
	case 0:
		return INT64_MAX / qty / torture_range(r, 1, 3);
	case 1:
		return INT64_MAX / qty / torture_range(r, 100, 100000);
	case 2:
		return INT64_MAX / torture_range(r, 1, 2); /* the line total may overflow */
	default:
		return torture_range(r, 0, 30000);
	}
}

static void test_random_agreement(void **state)
{
	torture_rng r = { 20261128 };
	long checked = 0, failed = 0;

	(void)state;
	for (int prog = 0; prog < RPROGRAMS; prog++) {
		loyalty_calculator_options o = LOYALTY_CALCULATOR_OPTIONS_INIT;
		loyalty_calculator *c;
		loyalty_customer *cu[4];
		uint32_t cust_tier_col[4];
		uint8_t bm[4], bd[4];
		loyalty_time when[RPURCHASES];
		uint32_t whom[RPURCHASES], starts[RPURCHASES + 1], ltype[RPURCHASES * 4];
		int64_t qty[RPURCHASES * 4], price[RPURCHASES * 4];
		uint8_t first[RPURCHASES];
		loyalty_points want[RPURCHASES], pts[RPURCHASES];
		int want_rc[RPURCHASES], st[RPURCHASES], rc;
		loyalty_score_columns k = LOYALTY_SCORE_COLUMNS_INIT;
		int nstrat = (int)torture_range(&r, 1, 7);
		bool custom = torture_range(&r, 0, 4) == 0;
		uint32_t nl = 0;

		memcpy(o.currency, "EUR", 4);
		o.rounding = (loyalty_rounding)torture_range(&r, 0, 3);
		o.stacking = torture_range(&r, 0, 3) == 0 ? LOYALTY_STACK_COMPOUND : LOYALTY_STACK_ADDITIVE;
		o.utc_offset_minutes = (int)torture_range(&r, -3, 3) * 180;
		assert_ok(loyalty_calculator_new(&c, &o));
		if (torture_range(&r, 0, 2) != 0)
			assert_ok(loyalty_calculator_exclude_product_type(c, "gift"));
		for (int i = 0; i < nstrat; i++)
			radd(&r, c, i, custom);
		for (unsigned i = 0; i < 4; i++) {
			int64_t t = torture_range(&r, 0, 3);
			cu[i] = torture_customer(i + 1);
			cust_tier_col[i] = t == 3 ? UINT32_MAX : (uint32_t)t;
			if (t != 3)
				assert_ok(loyalty_customer_set_tier(cu[i], rtiers[t]));
			bm[i] = bd[i] = 0;
			switch (torture_range(&r, 0, 3)) {
			case 0:
				break;
			case 1:
				bm[i] = 2;
				bd[i] = 29;
				break;
			default:
				bm[i] = (uint8_t)torture_range(&r, 1, 12);
				bd[i] = (uint8_t)torture_range(&r, 1, 28);
			}
			assert_ok(loyalty_customer_set_birthday(cu[i], bm[i], bd[i]));
		}
		starts[0] = 0;
		for (int i = 0; i < RPURCHASES; i++) {
			loyalty_calc_context ctx = LOYALTY_CALC_CONTEXT_INIT;
			loyalty_purchase *p;
			loyalty_receipt *rec = NULL;
			loyalty_points one = -1;
			int lines = (int)torture_range(&r, 0, 4), add_rc = LOYALTY_OK;

			whom[i] = (uint32_t)torture_range(&r, 0, 3);
			/* around 28 Feb - 1 Mar in 2026 and 2028, around 1970-01-01, and through 2026 */
			switch (torture_range(&r, 0, 4)) {
			case 4:
				when[i] = torture_range(&r, -2 * LOYALTY_MS_PER_DAY, 2 * LOYALTY_MS_PER_DAY);
				break;
			case 0:
				when[i] = INT64_C(1772150400000) + torture_range(&r, 0, 4 * LOYALTY_MS_PER_DAY);
				break;
			case 1:
				when[i] = INT64_C(1835308800000) + torture_range(&r, 0, 4 * LOYALTY_MS_PER_DAY);
				break;
			default:
				when[i] = INT64_C(1767225600000) + torture_range(&r, 0, 365 * LOYALTY_MS_PER_DAY);
			}
			first[i] = (uint8_t)torture_range(&r, 0, 1);
			ctx.first_purchase = first[i];
			p = torture_purchase(cu[whom[i]], "k", when[i], "EUR");
			for (int l = 0; l < lines; l++, nl++) {
				ltype[nl] = (uint32_t)torture_range(&r, 0, 4);
				qty[nl] = torture_range(&r, 1, 3);
				price[nl] = rprice(&r, qty[nl]);
				if (add_rc == LOYALTY_OK)
					add_rc = loyalty_purchase_add_item(p, "x", rtypes[ltype[nl]], qty[nl], price[nl]);
			}
			starts[i + 1] = nl;
			if (add_rc != LOYALTY_OK) {
				/* the purchase cannot exist as an object: score_columns says ERANGE */
				assert_int_equal(add_rc, LOYALTY_ERANGE);
				want_rc[i] = LOYALTY_ERANGE;
				want[i] = 0;
			} else {
				want_rc[i] = loyalty_calculator_compute(c, cu[whom[i]], p, &ctx, &rec);
				want[i] = want_rc[i] == LOYALTY_OK ? loyalty_receipt_points(rec) : 0;
				rc = loyalty_calculator_score(c, cu[whom[i]], p, &ctx, &one);
				assert_int_equal(rc, want_rc[i]);
				if (rc == LOYALTY_OK)
					assert_int_equal(one, want[i]);
				loyalty_receipt_free(rec);
			}
			loyalty_purchase_free(p);
		}
		k.npurchases = RPURCHASES;
		k.at = when;
		k.customer = whom;
		k.line_start = starts;
		k.line_type = ltype;
		k.quantity = qty;
		k.unit_price = price;
		k.type_names = rtypes;
		k.ntypes = 5;
		k.ncustomers = 4;
		k.customer_tier = cust_tier_col;
		k.tier_names = rtiers;
		k.ntiers = 3;
		k.birth_month = bm;
		k.birth_day = bd;
		k.first_purchase = first;
		k.currency = "EUR";
		rc = loyalty_calculator_score_columns(c, &k, pts, st);
		for (int i = 0; i < RPURCHASES; i++) {
			if (st[i] != want_rc[i] || pts[i] != want[i])
				fail_msg("program %d purchase %d: compute %d/%lld, score_columns %d/%lld", prog, i, want_rc[i],
				         (long long)want[i], st[i], (long long)pts[i]);
			failed += want_rc[i] != LOYALTY_OK;
			checked++;
		}
		for (int i = 0; i < RPURCHASES; i++) {
			if (want_rc[i] != LOYALTY_OK) {
				assert_int_equal(rc, want_rc[i]);
				break;
			}
			if (i == RPURCHASES - 1)
				assert_int_equal(rc, LOYALTY_OK);
		}
		for (int i = 0; i < 4; i++)
			loyalty_customer_free(cu[i]);
		loyalty_calculator_free(c);
	}
	/* the generator reaches both outcomes */
	assert_true(checked == RPROGRAMS * RPURCHASES);
	assert_true(failed > 100 && failed < checked / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_workload_exact),
		cmocka_unit_test(test_first_purchase_and_feb29),
		cmocka_unit_test(test_per_purchase_failures),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_score_errors),
		cmocka_unit_test(test_random_agreement),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
