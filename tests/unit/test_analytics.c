/*
 * Analytics: every metric of a period on a small hand-built history, with its
 * value computed by hand (docs/ANALYTICS.md, "Worked example", is the same
 * history); the edge cases (an empty period, an empty program, S = 0, churn
 * 0 with and without a lifespan cap); every error; cohort tables in UTC and
 * at an offset; survey scores; percentage rendering.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "torture.h"

#define T(y, mo, d) torture_time((y), (mo), (d), 12, 0)

/* ---- the history ------------------------------------------------------------------------ */

enum { A = 1, B, C, D, E };

static loyalty_id id_of(unsigned n)
{
	loyalty_customer *c = torture_customer(n);
	loyalty_id id = *loyalty_customer_id(c);

	loyalty_customer_free(c);
	return id;
}

static void enroll(loyalty_program *p, unsigned n, loyalty_time at, const char *code)
{
	loyalty_customer *c = torture_customer(n);
	char key[32];

	snprintf(key, sizeof key, "enroll-%u", n);
	assert_ok(loyalty_program_enroll(p, key, c, code, at, NULL));
	loyalty_customer_free(c);
}

static void buy(loyalty_program *p, unsigned n, const char *key, loyalty_time at, int64_t cents)
{
	loyalty_id id = id_of(n);
	loyalty_purchase *pu = NULL;

	assert_ok(loyalty_purchase_new(&pu, key, &id, at, "USD"));
	assert_ok(loyalty_purchase_add_item(pu, "sku-1", "general", 1, cents));
	assert_ok(loyalty_program_record_purchase(p, pu, NULL));
	loyalty_purchase_free(pu);
}

static void act(loyalty_program *p, unsigned n, const char *key, const char *action, loyalty_time at)
{
	loyalty_id id = id_of(n);

	assert_ok(loyalty_program_record_action(p, key, &id, action, at, NULL));
}

/* USD, 1 point per dollar (floor), UTC offset @p offset; points expire 40 days after
 * they become available; silver from $100 and gold from $500 spent in a calendar year;
 * referral bonuses 10 (referee) and 20 (referrer); actions review (5) and survey (3);
 * a reward "coffee" for 100 points. */
static loyalty_program *program(int offset)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, offset);
	loyalty_reward_def coffee = LOYALTY_REWARD_DEF_INIT;
	loyalty_program *p = NULL;

	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	o.expiry = LOYALTY_EXPIRY_BUCKET;
	o.expiry_days = 40;
	o.referee_bonus = 10;
	o.referrer_bonus = 20;
	assert_ok(loyalty_program_new(&p, c, &o));
	assert_ok(loyalty_program_add_tier(p, "silver", 10000, NULL, 0));
	assert_ok(loyalty_program_add_tier(p, "gold", 50000, NULL, 0));
	assert_ok(loyalty_program_add_action(p, "review", 5, 0, LOYALTY_PERIOD_NONE));
	assert_ok(loyalty_program_add_action(p, "survey", 3, 0, LOYALTY_PERIOD_NONE));
	coffee.id = "coffee";
	coffee.cost = 100;
	assert_ok(loyalty_program_add_reward(p, &coffee));
	return p;
}

/*
 * Five customers (docs/ANALYTICS.md tells the same story):
 *   D enrols 2025-12-01, then nothing until a $10 purchase on 2026-03-25;
 *   C enrols 2026-01-05, buys $20 on 02-01 (20 points, expire 03-13), then nothing;
 *   A enrols 02-01, buys $50 on 02-10 and $120 on 03-05 (silver), redeems a coffee on
 *     03-10, cancels it on 03-12, redeems again on 03-15, buys $30 on 03-20;
 *   E enrols 02-20, answers the survey on 02-25, buys $100 on 02-26 (silver), is
 *     refunded $50 of it on 03-02 (50 points back), writes a review on 03-03;
 *   B enrols 03-03 with A's referral code, buys $40 on 03-08 (the referral
 *     converts: 10 points for B, 20 for A), writes a review on 03-09.
 * Then the sweep at 2026-04-01 expires C's 20 points, dated 03-13.
 */
static loyalty_program *history(void)
{
	loyalty_program *p = program(0);
	loyalty_id a = id_of(A);
	loyalty_redemption r;
	char code[LOYALTY_REFERRAL_CODE_LEN + 1];

	enroll(p, D, T(2025, 12, 1), NULL);
	enroll(p, C, T(2026, 1, 5), NULL);
	buy(p, C, "c1", T(2026, 2, 1), 2000);
	enroll(p, A, T(2026, 2, 1), NULL);
	buy(p, A, "a1", T(2026, 2, 10), 5000);
	enroll(p, E, T(2026, 2, 20), NULL);
	act(p, E, "e-survey", "survey", T(2026, 2, 25));
	buy(p, E, "e1", T(2026, 2, 26), 10000);
	assert_ok(loyalty_program_refund(p, "e1-refund", "e1", 5000, T(2026, 3, 2), NULL));
	act(p, E, "e-review", "review", T(2026, 3, 3));
	assert_ok(loyalty_program_referral_code(p, &a, code, sizeof code));
	enroll(p, B, T(2026, 3, 3), code);
	buy(p, A, "a2", T(2026, 3, 5), 12000);
	buy(p, B, "b1", T(2026, 3, 8), 4000);
	act(p, B, "b-review", "review", T(2026, 3, 9));
	assert_ok(loyalty_program_redeem(p, "r1", &a, "coffee", T(2026, 3, 10), &r));
	assert_ok(loyalty_program_cancel_redemption(p, "r1-cancel", &r.id, T(2026, 3, 12), NULL));
	assert_ok(loyalty_program_redeem(p, "r2", &a, "coffee", T(2026, 3, 15), NULL));
	buy(p, A, "a3", T(2026, 3, 20), 3000);
	buy(p, D, "d1", T(2026, 3, 25), 1000);
	assert_ok(loyalty_program_maintain(p, torture_time(2026, 4, 1, 0, 0), NULL));
	return p;
}

static loyalty_metrics *metrics(const loyalty_program *p, loyalty_time start, loyalty_time end,
                                loyalty_fraction point_value, loyalty_fraction margin, int64_t cap)
{
	loyalty_metrics_options o = LOYALTY_METRICS_OPTIONS_INIT;
	loyalty_metrics *m = NULL;

	o.start = start;
	o.end = end;
	o.point_value = point_value;
	o.margin = margin;
	o.max_lifespan = cap;
	assert_ok(loyalty_program_metrics(p, &o, &m));
	return m;
}

static loyalty_fraction F(int64_t num, int64_t den)
{
	loyalty_fraction f = { num, den };
	return f;
}

/* The metric is defined and equals num/den. */
static void assert_metric(const loyalty_metrics *m, int metric, int64_t num, int64_t den)
{
	loyalty_fraction f = { -1, -1 };

	if (loyalty_metrics_get(m, metric, &f) != 1)
		fail_msg("%s is undefined, expected %lld/%lld", loyalty_metric_name(metric), (long long)num, (long long)den);
	if (f.num != num || f.den != den)
		fail_msg("%s = %lld/%lld, expected %lld/%lld", loyalty_metric_name(metric), (long long)f.num,
		         (long long)f.den, (long long)num, (long long)den);
}

static void assert_undefined(const loyalty_metrics *m, int metric)
{
	loyalty_fraction f = { -1, -1 };

	if (loyalty_metrics_get(m, metric, &f) != 0)
		fail_msg("%s is defined (%lld/%lld), expected undefined", loyalty_metric_name(metric), (long long)f.num,
		         (long long)f.den);
	assert_frac(f, 0, 1);
}

static void assert_row(const loyalty_metrics *m, size_t row, const char *name, int64_t members)
{
	assert_string_equal(loyalty_metrics_tier_name(m, row), name);
	assert_int_equal(loyalty_metrics_tier_members(m, row), members);
}

/* ---- metrics ------------------------------------------------------------------------------- */

static void test_every_metric_of_march(void **state)
{
	loyalty_program *p = history();
	size_t entries = loyalty_program_entry_count(p);
	loyalty_metrics *m = metrics(p, torture_time(2026, 3, 1, 0, 0), torture_time(2026, 4, 1, 0, 0), F(1, 2),
	                             F(1, 4), 0);
	loyalty_metrics_options o;

	(void)state;
	/* L = 31 days: the window before is [01-29, 03-01) */
	assert_metric(m, LOYALTY_METRIC_MEMBERS_START, 4, 1);     /* D C A E */
	assert_metric(m, LOYALTY_METRIC_MEMBERS_END, 5, 1);       /* + B */
	assert_metric(m, LOYALTY_METRIC_NEW_MEMBERS, 1, 1);       /* B */
	assert_metric(m, LOYALTY_METRIC_ACTIVE_MEMBERS, 4, 1);    /* A B D E (C's expiry is no activity) */
	assert_metric(m, LOYALTY_METRIC_CUSTOMERS_START, 3, 1);   /* A C E: D did nothing in [01-29, 03-01) */
	assert_metric(m, LOYALTY_METRIC_RETAINED, 2, 1);          /* A E */
	assert_metric(m, LOYALTY_METRIC_CUSTOMERS_END, 3, 1);     /* A E + B */
	assert_metric(m, LOYALTY_METRIC_REACTIVATED, 1, 1);       /* D */
	assert_metric(m, LOYALTY_METRIC_RETENTION_RATE, 2, 3);    /* (3 - 1) / 3 */
	assert_metric(m, LOYALTY_METRIC_CHURN_RATE, 1, 3);
	assert_metric(m, LOYALTY_METRIC_ORDERS, 4, 1);            /* a2 a3 b1 d1 */
	assert_metric(m, LOYALTY_METRIC_REVENUE, 20000, 1);       /* 12000 + 3000 + 4000 + 1000 */
	assert_metric(m, LOYALTY_METRIC_PURCHASERS, 3, 1);        /* A B D */
	assert_metric(m, LOYALTY_METRIC_REPEAT_PURCHASERS, 1, 1); /* A */
	assert_metric(m, LOYALTY_METRIC_REPEAT_PURCHASE_RATE, 1, 3);
	assert_metric(m, LOYALTY_METRIC_AVERAGE_ORDER_VALUE, 5000, 1);
	assert_metric(m, LOYALTY_METRIC_PURCHASE_FREQUENCY, 4, 3);
	assert_metric(m, LOYALTY_METRIC_EXPECTED_LIFESPAN, 3, 1); /* 1 / (1/3) */
	assert_metric(m, LOYALTY_METRIC_CUSTOMER_LIFETIME_VALUE, 5000, 1); /* 5000 x 4/3 x 3 x 1/4 */
	/* earned 120 + 30 + 40 + 10, referral 10 + 20, actions 5 + 5 = 240; minus E's refund 50 */
	assert_metric(m, LOYALTY_METRIC_POINTS_ISSUED, 190, 1);
	assert_metric(m, LOYALTY_METRIC_POINTS_CLAWED_BACK, 50, 1);
	assert_metric(m, LOYALTY_METRIC_POINTS_REDEEMED, 100, 1); /* 100 - 100 (cancelled) + 100 */
	assert_metric(m, LOYALTY_METRIC_POINTS_EXPIRED, 20, 1);   /* C's, dated 03-13 */
	assert_metric(m, LOYALTY_METRIC_REDEMPTION_RATE, 10, 19); /* 100 / 190 */
	assert_metric(m, LOYALTY_METRIC_BREAKAGE_RATE, 2, 19);    /* 20 / 190 */
	/* A 50 + 120 + 20 + 30 - 100 = 120, B 40 + 10 + 5 = 55, C 0, D 10, E 100 + 3 - 50 + 5 = 58 */
	assert_metric(m, LOYALTY_METRIC_LIABILITY_POINTS, 243, 1);
	assert_metric(m, LOYALTY_METRIC_LIABILITY_VALUE, 243, 2); /* half a cent a point */
	assert_metric(m, LOYALTY_METRIC_REFERRALS, 1, 1);
	assert_metric(m, LOYALTY_METRIC_REFERRAL_CONVERSIONS, 1, 1); /* two bonus entries, one conversion */
	assert_metric(m, LOYALTY_METRIC_ACTIONS, 2, 1);
	assert_int_equal(loyalty_metrics_int(m, LOYALTY_METRIC_REVENUE), 20000);
	/* tier mix at end */
	assert_int_equal(loyalty_metrics_tier_rows(m), 3);
	assert_row(m, 0, "", 3); /* B C D */
	assert_row(m, 1, "silver", 2); /* A (03-05) E (02-26) */
	assert_row(m, 2, "gold", 0);
	assert_null(loyalty_metrics_tier_name(m, 3));
	assert_int_equal(loyalty_metrics_tier_members(m, 3), -1);
	/* actions by kind, in definition order */
	assert_int_equal(loyalty_metrics_action_rows(m), 2);
	assert_string_equal(loyalty_metrics_action_name(m, 0), "review");
	assert_int_equal(loyalty_metrics_action_count(m, 0), 2);
	assert_int_equal(loyalty_metrics_action_points(m, 0), 10);
	assert_string_equal(loyalty_metrics_action_name(m, 1), "survey");
	assert_int_equal(loyalty_metrics_action_count(m, 1), 0);
	assert_int_equal(loyalty_metrics_action_points(m, 1), 0);
	assert_null(loyalty_metrics_action_name(m, 2));
	assert_int_equal(loyalty_metrics_action_count(m, 2), -1);
	assert_int_equal(loyalty_metrics_action_points(m, 2), -1);
	/* the options come back; the program is unchanged */
	assert_ok(loyalty_metrics_options_get(m, &o));
	assert_int_equal(o.start, torture_time(2026, 3, 1, 0, 0));
	assert_frac(o.point_value, 1, 2);
	assert_int_equal(loyalty_program_entry_count(p), entries);
	loyalty_metrics_free(m);
	loyalty_program_free(p);
}

static void test_february_churn_zero_and_the_lifespan_cap(void **state)
{
	loyalty_program *p = history();
	loyalty_time start = torture_time(2026, 2, 1, 0, 0), end = torture_time(2026, 3, 1, 0, 0);
	loyalty_metrics *m = metrics(p, start, end, F(1, 100), F(1, 4), 0);

	(void)state;
	/* L = 28 days: the window before is [01-04, 02-01) */
	assert_metric(m, LOYALTY_METRIC_MEMBERS_START, 2, 1);   /* D C */
	assert_metric(m, LOYALTY_METRIC_MEMBERS_END, 4, 1);     /* + A E */
	assert_metric(m, LOYALTY_METRIC_NEW_MEMBERS, 2, 1);
	assert_metric(m, LOYALTY_METRIC_ACTIVE_MEMBERS, 3, 1);  /* A C E */
	assert_metric(m, LOYALTY_METRIC_CUSTOMERS_START, 1, 1); /* C (enrolled 01-05) */
	assert_metric(m, LOYALTY_METRIC_RETAINED, 1, 1);
	assert_metric(m, LOYALTY_METRIC_CUSTOMERS_END, 3, 1);
	assert_metric(m, LOYALTY_METRIC_REACTIVATED, 0, 1);
	assert_metric(m, LOYALTY_METRIC_RETENTION_RATE, 1, 1);
	assert_metric(m, LOYALTY_METRIC_CHURN_RATE, 0, 1);
	assert_metric(m, LOYALTY_METRIC_ORDERS, 3, 1);          /* c1 a1 e1 */
	assert_metric(m, LOYALTY_METRIC_REVENUE, 17000, 1);
	assert_metric(m, LOYALTY_METRIC_PURCHASERS, 3, 1);
	assert_metric(m, LOYALTY_METRIC_REPEAT_PURCHASERS, 0, 1);
	assert_metric(m, LOYALTY_METRIC_REPEAT_PURCHASE_RATE, 0, 1);
	assert_metric(m, LOYALTY_METRIC_AVERAGE_ORDER_VALUE, 17000, 3);
	assert_metric(m, LOYALTY_METRIC_PURCHASE_FREQUENCY, 1, 1);
	/* churn 0 and no cap: no lifespan, no CLV */
	assert_undefined(m, LOYALTY_METRIC_EXPECTED_LIFESPAN);
	assert_undefined(m, LOYALTY_METRIC_CUSTOMER_LIFETIME_VALUE);
	assert_metric(m, LOYALTY_METRIC_POINTS_ISSUED, 173, 1); /* 20 + 50 + 100 + 3 */
	assert_metric(m, LOYALTY_METRIC_POINTS_CLAWED_BACK, 0, 1);
	assert_metric(m, LOYALTY_METRIC_POINTS_REDEEMED, 0, 1);
	assert_metric(m, LOYALTY_METRIC_POINTS_EXPIRED, 0, 1);
	assert_metric(m, LOYALTY_METRIC_REDEMPTION_RATE, 0, 1);
	assert_metric(m, LOYALTY_METRIC_BREAKAGE_RATE, 0, 1);
	/* the liability at 03-01 from the ledger (not today's balances): C 20, A 50, E 103 */
	assert_metric(m, LOYALTY_METRIC_LIABILITY_POINTS, 173, 1);
	assert_metric(m, LOYALTY_METRIC_LIABILITY_VALUE, 173, 100);
	assert_metric(m, LOYALTY_METRIC_REFERRALS, 0, 1);
	assert_metric(m, LOYALTY_METRIC_REFERRAL_CONVERSIONS, 0, 1);
	assert_metric(m, LOYALTY_METRIC_ACTIONS, 1, 1);
	assert_row(m, 0, "", 3); /* A (silver only from 03-05), C, D */
	assert_row(m, 1, "silver", 1); /* E */
	assert_int_equal(loyalty_metrics_action_count(m, 1), 1);
	assert_int_equal(loyalty_metrics_action_points(m, 1), 3);
	loyalty_metrics_free(m);

	/* a cap of 12 periods makes the lifespan 12 and the CLV 17000/3 x 12 x 1/4 */
	m = metrics(p, start, end, F(1, 100), F(1, 4), 12);
	assert_metric(m, LOYALTY_METRIC_EXPECTED_LIFESPAN, 12, 1);
	assert_metric(m, LOYALTY_METRIC_CUSTOMER_LIFETIME_VALUE, 17000, 1);
	loyalty_metrics_free(m);
	/* in March the cap is above 1/churn (3): it changes nothing; below, it caps */
	m = metrics(p, end, torture_time(2026, 4, 1, 0, 0), F(0, 0), F(1, 1), 12);
	assert_metric(m, LOYALTY_METRIC_EXPECTED_LIFESPAN, 3, 1);
	assert_metric(m, LOYALTY_METRIC_CUSTOMER_LIFETIME_VALUE, 20000, 1); /* 20000 / 3 x 3 x 1 */
	assert_undefined(m, LOYALTY_METRIC_LIABILITY_VALUE); /* no point value declared */
	assert_metric(m, LOYALTY_METRIC_LIABILITY_POINTS, 243, 1);
	loyalty_metrics_free(m);
	m = metrics(p, end, torture_time(2026, 4, 1, 0, 0), F(0, 1), F(0, 1), 2);
	assert_metric(m, LOYALTY_METRIC_EXPECTED_LIFESPAN, 2, 1);
	assert_metric(m, LOYALTY_METRIC_CUSTOMER_LIFETIME_VALUE, 0, 1); /* margin 0 */
	assert_metric(m, LOYALTY_METRIC_LIABILITY_VALUE, 0, 1);         /* points worth 0 */
	loyalty_metrics_free(m);
	loyalty_program_free(p);
}

/* Over all time, the period sums are the customers' lifetime figures and the
 * liability is the sum of today's balances: the ledger and the program agree. */
static void test_all_time_agrees_with_lifetime_figures(void **state)
{
	loyalty_program *p = history();
	loyalty_time far = INT64_C(1) << 61;
	loyalty_metrics *m = metrics(p, -far, far, F(0, 0), F(1, 1), 0);
	int64_t earned = 0, redeemed = 0, expired = 0, balances = 0;

	(void)state;
	for (unsigned n = A; n <= E; n++) {
		loyalty_id id = id_of(n);
		loyalty_customer *c = NULL;
		assert_ok(loyalty_program_get_customer(p, &id, &c));
		earned += loyalty_customer_lifetime_earned(c);
		redeemed += loyalty_customer_lifetime_redeemed(c);
		expired += loyalty_customer_lifetime_expired(c);
		if (loyalty_customer_available(c) + loyalty_customer_pending(c) > 0)
			balances += loyalty_customer_available(c) + loyalty_customer_pending(c);
		loyalty_customer_free(c);
	}
	assert_int_equal(loyalty_metrics_int(m, LOYALTY_METRIC_POINTS_ISSUED), earned);
	assert_int_equal(loyalty_metrics_int(m, LOYALTY_METRIC_POINTS_REDEEMED), redeemed);
	assert_int_equal(loyalty_metrics_int(m, LOYALTY_METRIC_POINTS_EXPIRED), expired);
	assert_int_equal(loyalty_metrics_int(m, LOYALTY_METRIC_LIABILITY_POINTS), balances);
	assert_int_equal(earned, 363); /* 20 + 50 + 100 + 3 + 190 */
	assert_int_equal(loyalty_metrics_int(m, LOYALTY_METRIC_MEMBERS_END), 5);
	assert_int_equal(loyalty_metrics_int(m, LOYALTY_METRIC_NEW_MEMBERS), 5);
	assert_int_equal(loyalty_metrics_int(m, LOYALTY_METRIC_ORDERS), 7);
	loyalty_metrics_free(m);
	loyalty_program_free(p);
}

static void test_an_empty_period_defines_every_rate(void **state)
{
	loyalty_program *p = history();
	loyalty_metrics *m = metrics(p, torture_time(2030, 1, 1, 0, 0), torture_time(2030, 2, 1, 0, 0), F(1, 1),
	                             F(1, 1), 0);

	(void)state;
	assert_metric(m, LOYALTY_METRIC_MEMBERS_START, 5, 1);
	assert_metric(m, LOYALTY_METRIC_MEMBERS_END, 5, 1);
	assert_metric(m, LOYALTY_METRIC_NEW_MEMBERS, 0, 1);
	assert_metric(m, LOYALTY_METRIC_ACTIVE_MEMBERS, 0, 1);
	assert_metric(m, LOYALTY_METRIC_CUSTOMERS_START, 0, 1);
	assert_metric(m, LOYALTY_METRIC_CUSTOMERS_END, 0, 1);
	assert_undefined(m, LOYALTY_METRIC_RETENTION_RATE); /* S = 0 */
	assert_undefined(m, LOYALTY_METRIC_CHURN_RATE);
	assert_metric(m, LOYALTY_METRIC_ORDERS, 0, 1);
	assert_undefined(m, LOYALTY_METRIC_REPEAT_PURCHASE_RATE);
	assert_undefined(m, LOYALTY_METRIC_AVERAGE_ORDER_VALUE);
	assert_undefined(m, LOYALTY_METRIC_PURCHASE_FREQUENCY);
	assert_undefined(m, LOYALTY_METRIC_EXPECTED_LIFESPAN);
	assert_undefined(m, LOYALTY_METRIC_CUSTOMER_LIFETIME_VALUE);
	assert_metric(m, LOYALTY_METRIC_POINTS_ISSUED, 0, 1);
	assert_undefined(m, LOYALTY_METRIC_REDEMPTION_RATE); /* nothing issued */
	assert_undefined(m, LOYALTY_METRIC_BREAKAGE_RATE);
	/* as the ledger knows it: nothing was swept after 2026-04-01 */
	assert_metric(m, LOYALTY_METRIC_LIABILITY_POINTS, 243, 1);
	assert_metric(m, LOYALTY_METRIC_LIABILITY_VALUE, 243, 1);
	assert_row(m, 0, "", 3);
	assert_row(m, 1, "silver", 2);
	assert_int_equal(loyalty_metrics_int(m, LOYALTY_METRIC_AVERAGE_ORDER_VALUE), 0);
	loyalty_metrics_free(m);
	loyalty_program_free(p);
}

static void test_an_empty_program(void **state)
{
	loyalty_program *p = program(0);
	loyalty_metrics *m = metrics(p, 0, 1, F(0, 0), F(1, 1), 0);
	loyalty_fraction f;

	(void)state;
	for (int i = 0; i < LOYALTY_METRIC_COUNT; i++) {
		int kind = loyalty_metric_kind_of(i);
		int rc = loyalty_metrics_get(m, i, &f);
		assert_non_null(loyalty_metric_name(i));
		assert_int_equal(rc, kind == LOYALTY_METRIC_KIND_INTEGER ? 1 : 0);
		assert_frac(f, 0, 1);
	}
	assert_int_equal(loyalty_metrics_tier_rows(m), 3);
	assert_row(m, 0, "", 0);
	assert_int_equal(loyalty_metrics_action_rows(m), 2);
	loyalty_metrics_free(m);
	loyalty_program_free(p);
}

static void test_referral_set_after_enrolment_and_refund_into_debt(void **state)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	loyalty_program *p = NULL;
	loyalty_metrics *m;
	loyalty_id a = id_of(A), b = id_of(B);
	char code[LOYALTY_REFERRAL_CODE_LEN + 1];

	(void)state;
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	o.refund_policy = LOYALTY_REFUND_DEBT;
	o.referrer_bonus = 7; /* the referee gets nothing: one entry per conversion */
	assert_ok(loyalty_program_new(&p, c, &o));
	enroll(p, A, T(2026, 5, 1), NULL);
	enroll(p, B, T(2026, 5, 2), NULL);
	assert_ok(loyalty_program_referral_code(p, &a, code, sizeof code));
	assert_ok(loyalty_program_set_referrer(p, "b-ref", &b, code, T(2026, 5, 3)));
	buy(p, B, "b1", T(2026, 5, 4), 10000); /* 100 points; A gets 7 */
	assert_ok(loyalty_program_donate(p, "give", &b, "charity", 80, T(2026, 5, 5), NULL));
	/* a full refund: 100 points back, 20 from the balance, 80 become debt */
	assert_ok(loyalty_program_refund(p, "b1-refund", "b1", 10000, T(2026, 5, 6), NULL));
	m = metrics(p, T(2026, 5, 1), T(2026, 6, 1), F(1, 1), F(1, 1), 0);
	assert_metric(m, LOYALTY_METRIC_REFERRALS, 1, 1);
	assert_metric(m, LOYALTY_METRIC_REFERRAL_CONVERSIONS, 1, 1);
	assert_metric(m, LOYALTY_METRIC_POINTS_ISSUED, 7, 1); /* 100 + 7 - 100 */
	assert_metric(m, LOYALTY_METRIC_POINTS_CLAWED_BACK, 100, 1);
	assert_metric(m, LOYALTY_METRIC_POINTS_REDEEMED, 80, 1); /* the donation */
	assert_metric(m, LOYALTY_METRIC_REDEMPTION_RATE, 80, 7);  /* may exceed 1 */
	assert_metric(m, LOYALTY_METRIC_LIABILITY_POINTS, 7, 1);  /* A 7, B 0 (and 80 of debt) */
	assert_row(m, 0, "", 2);
	loyalty_metrics_free(m);
	/* a negative balance counts as 0: the same history without the debt policy */
	loyalty_program_free(p);
	c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	o.refund_policy = LOYALTY_REFUND_NEGATIVE_BALANCE;
	o.referrer_bonus = 0;
	assert_ok(loyalty_program_new(&p, c, &o));
	enroll(p, A, T(2026, 5, 1), NULL);
	buy(p, A, "a1", T(2026, 5, 4), 10000);
	assert_ok(loyalty_program_donate(p, "give", &a, "charity", 80, T(2026, 5, 5), NULL));
	assert_ok(loyalty_program_refund(p, "a1-refund", "a1", 10000, T(2026, 5, 6), NULL)); /* balance -80 */
	enroll(p, B, T(2026, 5, 7), NULL);
	assert_ok(loyalty_program_adjust(p, "gift", &b, 9, "goodwill", T(2026, 5, 8), NULL));
	m = metrics(p, T(2026, 5, 1), T(2026, 6, 1), F(3, 1), F(1, 1), 0);
	assert_metric(m, LOYALTY_METRIC_POINTS_ISSUED, 0, 1);     /* adjustments are not issued */
	assert_undefined(m, LOYALTY_METRIC_REDEMPTION_RATE);      /* issued <= 0 */
	assert_metric(m, LOYALTY_METRIC_LIABILITY_POINTS, 9, 1);  /* A -80 counts 0, B 9 */
	assert_metric(m, LOYALTY_METRIC_LIABILITY_VALUE, 27, 1);
	loyalty_metrics_free(m);
	loyalty_program_free(p);
}

static void test_metrics_errors_change_nothing(void **state)
{
	loyalty_program *p = program(0);
	loyalty_metrics_options o = LOYALTY_METRICS_OPTIONS_INIT, bad;
	loyalty_metrics *m = (loyalty_metrics *)&o; /* must stay untouched */
	loyalty_fraction f;

	(void)state;
	o.start = 1000;
	o.end = 2000;
	assert_status(loyalty_program_metrics(NULL, &o, &m), LOYALTY_EINVAL);
	assert_status(loyalty_program_metrics(p, NULL, &m), LOYALTY_EINVAL);
	assert_status(loyalty_program_metrics(p, &o, NULL), LOYALTY_EINVAL);
	bad = o;
	bad.end = bad.start;
	assert_status(loyalty_program_metrics(p, &bad, &m), LOYALTY_EINVAL);
	assert_non_null(strstr(loyalty_last_error(), "end"));
	bad.end = bad.start - 1;
	assert_status(loyalty_program_metrics(p, &bad, &m), LOYALTY_EINVAL);
	bad = o;
	bad.version = 99;
	assert_status(loyalty_program_metrics(p, &bad, &m), LOYALTY_EINVAL);
	bad = o;
	bad.point_value = F(-1, 100);
	assert_status(loyalty_program_metrics(p, &bad, &m), LOYALTY_EINVAL);
	assert_non_null(strstr(loyalty_last_error(), "point_value"));
	bad.point_value = F(1, 0);
	assert_status(loyalty_program_metrics(p, &bad, &m), LOYALTY_EINVAL);
	bad.point_value = F(1, -2);
	assert_status(loyalty_program_metrics(p, &bad, &m), LOYALTY_EINVAL);
	bad = o;
	bad.margin = F(5, 4);
	assert_status(loyalty_program_metrics(p, &bad, &m), LOYALTY_EINVAL);
	assert_non_null(strstr(loyalty_last_error(), "margin"));
	bad.margin = F(-1, 4);
	assert_status(loyalty_program_metrics(p, &bad, &m), LOYALTY_EINVAL);
	bad.margin = F(1, 0);
	assert_status(loyalty_program_metrics(p, &bad, &m), LOYALTY_EINVAL);
	bad = o;
	bad.max_lifespan = -1;
	assert_status(loyalty_program_metrics(p, &bad, &m), LOYALTY_EINVAL);
	/* start - (end - start) overflows */
	bad = o;
	bad.start = INT64_MIN + 10;
	bad.end = bad.start + 100;
	assert_status(loyalty_program_metrics(p, &bad, &m), LOYALTY_ERANGE);
	bad.start = -10;
	bad.end = INT64_MAX;
	assert_status(loyalty_program_metrics(p, &bad, &m), LOYALTY_ERANGE);
	assert_ptr_equal(m, (loyalty_metrics *)&o);
	assert_int_equal(loyalty_program_entry_count(p), 0);
	/* options_init */
	assert_ok(loyalty_metrics_options_init(&bad, LOYALTY_METRICS_OPTIONS_VERSION));
	assert_frac(bad.margin, 1, 1);
	assert_int_equal(bad.point_value.den, 0);
	assert_status(loyalty_metrics_options_init(&bad, 2), LOYALTY_EINVAL);
	assert_status(loyalty_metrics_options_init(NULL, 1), LOYALTY_EINVAL);
	/* getters */
	m = NULL;
	assert_ok(loyalty_program_metrics(p, &o, &m));
	assert_status(loyalty_metrics_get(m, LOYALTY_METRIC_COUNT, &f), LOYALTY_ERANGE);
	assert_status(loyalty_metrics_get(m, -1, &f), LOYALTY_ERANGE);
	assert_status(loyalty_metrics_get(NULL, 0, &f), LOYALTY_EINVAL);
	assert_status(loyalty_metrics_get(m, 0, NULL), LOYALTY_EINVAL);
	assert_status(loyalty_metrics_options_get(m, NULL), LOYALTY_EINVAL);
	assert_int_equal(loyalty_metrics_int(NULL, 0), 0);
	assert_int_equal(loyalty_metrics_int(m, 99), 0);
	assert_int_equal(loyalty_metrics_tier_rows(NULL), 0);
	assert_int_equal(loyalty_metrics_action_rows(NULL), 0);
	assert_null(loyalty_metric_name(LOYALTY_METRIC_COUNT));
	assert_null(loyalty_metric_name(-1));
	assert_string_equal(loyalty_metric_name(LOYALTY_METRIC_RETENTION_RATE), "retention_rate");
	assert_int_equal(loyalty_metric_kind_of(LOYALTY_METRIC_RETENTION_RATE), LOYALTY_METRIC_KIND_RATIO);
	assert_int_equal(loyalty_metric_kind_of(LOYALTY_METRIC_AVERAGE_ORDER_VALUE), LOYALTY_METRIC_KIND_AMOUNT);
	assert_status(loyalty_metric_kind_of(LOYALTY_METRIC_COUNT), LOYALTY_EINVAL);
	loyalty_metrics_free(m);
	loyalty_metrics_free(NULL);
	loyalty_program_free(p);
}

/* ---- cohorts ------------------------------------------------------------------------------- */

static void assert_cell(const loyalty_cohorts *t, size_t row, size_t k, int64_t active, int64_t num, int64_t den)
{
	loyalty_fraction f = { -1, -1 };

	assert_int_equal(loyalty_cohorts_active(t, row, k), active);
	assert_int_equal(loyalty_cohorts_rate(t, row, k, &f), 1);
	assert_frac(f, num, den);
}

static void test_cohorts_by_enrolment_month(void **state)
{
	loyalty_program *p = history();
	loyalty_cohorts *t = NULL;
	loyalty_fraction f;
	int y = 0, mo = 0;

	(void)state;
	assert_ok(loyalty_program_cohorts(p, 2025, 11, 6, &t));
	assert_int_equal(loyalty_cohorts_rows(t), 6);
	/* 2025-11: nobody */
	assert_ok(loyalty_cohorts_month(t, 0, &y, &mo));
	assert_int_equal(y, 2025);
	assert_int_equal(mo, 11);
	assert_int_equal(loyalty_cohorts_size(t, 0), 0);
	assert_int_equal(loyalty_cohorts_width(t, 0), 6);
	assert_int_equal(loyalty_cohorts_active(t, 0, 0), 0);
	assert_int_equal(loyalty_cohorts_rate(t, 0, 0, &f), 0);
	assert_frac(f, 0, 1);
	/* 2025-12: D; back in March */
	assert_int_equal(loyalty_cohorts_size(t, 1), 1);
	assert_int_equal(loyalty_cohorts_width(t, 1), 5);
	assert_cell(t, 1, 0, 1, 1, 1);
	assert_cell(t, 1, 1, 0, 0, 1);
	assert_cell(t, 1, 2, 0, 0, 1);
	assert_cell(t, 1, 3, 1, 1, 1);
	assert_cell(t, 1, 4, 0, 0, 1); /* April */
	/* 2026-01: C; bought in February */
	assert_ok(loyalty_cohorts_month(t, 2, &y, &mo));
	assert_int_equal(y, 2026);
	assert_int_equal(mo, 1);
	assert_int_equal(loyalty_cohorts_size(t, 2), 1);
	assert_cell(t, 2, 0, 1, 1, 1);
	assert_cell(t, 2, 1, 1, 1, 1);
	assert_cell(t, 2, 2, 0, 0, 1); /* an expiry is no activity */
	/* 2026-02: A and E, both active in March */
	assert_int_equal(loyalty_cohorts_size(t, 3), 2);
	assert_cell(t, 3, 0, 2, 1, 1);
	assert_cell(t, 3, 1, 2, 1, 1);
	assert_cell(t, 3, 2, 0, 0, 1);
	/* 2026-03: B */
	assert_int_equal(loyalty_cohorts_size(t, 4), 1);
	assert_cell(t, 4, 0, 1, 1, 1);
	assert_cell(t, 4, 1, 0, 0, 1);
	/* 2026-04 */
	assert_int_equal(loyalty_cohorts_size(t, 5), 0);
	assert_int_equal(loyalty_cohorts_width(t, 5), 1);
	/* out of range */
	assert_int_equal(loyalty_cohorts_active(t, 5, 1), -1);
	assert_int_equal(loyalty_cohorts_active(t, 6, 0), -1);
	assert_int_equal(loyalty_cohorts_size(t, 6), -1);
	assert_int_equal(loyalty_cohorts_width(t, 6), 0);
	assert_status(loyalty_cohorts_rate(t, 4, 2, &f), LOYALTY_ERANGE);
	assert_status(loyalty_cohorts_month(t, 6, &y, &mo), LOYALTY_ERANGE);
	assert_status(loyalty_cohorts_rate(NULL, 0, 0, &f), LOYALTY_EINVAL);
	assert_status(loyalty_cohorts_month(t, 0, NULL, &mo), LOYALTY_EINVAL);
	loyalty_cohorts_free(t);
	/* a shorter range: February's cohort (A and E) is all back in March */
	t = NULL;
	assert_ok(loyalty_program_cohorts(p, 2026, 2, 2, &t));
	assert_cell(t, 0, 1, 2, 1, 1);
	loyalty_cohorts_free(t);
	/* errors */
	t = NULL;
	assert_status(loyalty_program_cohorts(NULL, 2026, 1, 1, &t), LOYALTY_EINVAL);
	assert_status(loyalty_program_cohorts(p, 2026, 1, 1, NULL), LOYALTY_EINVAL);
	assert_status(loyalty_program_cohorts(p, 2026, 0, 1, &t), LOYALTY_EINVAL);
	assert_status(loyalty_program_cohorts(p, 2026, 13, 1, &t), LOYALTY_EINVAL);
	assert_status(loyalty_program_cohorts(p, 2026, 1, 0, &t), LOYALTY_EINVAL);
	assert_status(loyalty_program_cohorts(p, 2026, 1, LOYALTY_COHORT_MONTHS_MAX + 1, &t), LOYALTY_EINVAL);
	assert_status(loyalty_program_cohorts(p, 0, 1, 1, &t), LOYALTY_EINVAL);
	assert_null(t);
	assert_int_equal(loyalty_cohorts_rows(NULL), 0);
	loyalty_cohorts_free(NULL);
	loyalty_program_free(p);
}

static void test_cohorts_use_the_program_offset(void **state)
{
	loyalty_program *p = program(60); /* UTC+01:00 */
	loyalty_cohorts *t = NULL;

	(void)state;
	/* 2026-01-31 23:30 UTC is 2026-02-01 00:30 in the program's offset: a February member */
	enroll(p, A, torture_time(2026, 1, 31, 23, 30), NULL);
	/* 2026-02-28 23:30 UTC is in March there */
	buy(p, A, "a1", torture_time(2026, 2, 28, 23, 30), 100);
	assert_ok(loyalty_program_cohorts(p, 2026, 1, 3, &t));
	assert_int_equal(loyalty_cohorts_size(t, 0), 0);
	assert_int_equal(loyalty_cohorts_size(t, 1), 1);
	assert_cell(t, 1, 0, 1, 1, 1);
	assert_cell(t, 1, 1, 1, 1, 1);
	loyalty_cohorts_free(t);
	/* three members in one cohort, one back a month later: 1/3 */
	enroll(p, B, torture_time(2026, 2, 10, 0, 0), NULL);
	enroll(p, C, torture_time(2026, 2, 11, 0, 0), NULL);
	assert_ok(loyalty_program_cohorts(p, 2026, 2, 2, &t));
	assert_int_equal(loyalty_cohorts_size(t, 0), 3);
	assert_cell(t, 0, 1, 1, 1, 3);
	loyalty_cohorts_free(t);
	loyalty_program_free(p);
}

/* ---- surveys and percentages ------------------------------------------------------------------- */

static void test_survey_scores(void **state)
{
	const uint64_t five[5] = { 1, 2, 3, 4, 10 };
	const uint64_t ten[10] = { 0, 0, 0, 0, 1, 1, 1, 0, 2, 1 };
	const uint64_t low[5] = { 2, 0, 1, 0, 0 };
	const uint64_t none[10] = { 0 };
	const uint64_t huge[5] = { (uint64_t)INT64_MAX, 1, 0, 0, 0 };
	const uint64_t wrap[5] = { UINT64_MAX, 1, 0, 0, 0 };
	loyalty_fraction f;
	char buf[32];

	(void)state;
	assert_int_equal(loyalty_survey_csat(five, 5, &f), 1);
	assert_frac(f, 7, 10); /* (4 + 10) / 20 */
	assert_int_equal(loyalty_percent_format(f, 2, buf, sizeof buf), 5);
	assert_string_equal(buf, "70.00");
	assert_int_equal(loyalty_survey_ces(ten, 10, &f), 1);
	assert_frac(f, 1, 2); /* (2 + 1) / 6 */
	assert_int_equal(loyalty_survey_ces(low, 5, &f), 1);
	assert_frac(f, 0, 1); /* defined: nobody positive */
	assert_int_equal(loyalty_survey_csat(none, 5, &f), 0);
	assert_frac(f, 0, 1);
	assert_int_equal(loyalty_survey_ces(none, 10, &f), 0);
	assert_status(loyalty_survey_csat(five, 7, &f), LOYALTY_EINVAL);
	assert_status(loyalty_survey_ces(five, 0, &f), LOYALTY_EINVAL);
	assert_status(loyalty_survey_csat(NULL, 5, &f), LOYALTY_EINVAL);
	assert_status(loyalty_survey_csat(five, 5, NULL), LOYALTY_EINVAL);
	assert_status(loyalty_survey_csat(huge, 5, &f), LOYALTY_ERANGE);
	assert_status(loyalty_survey_ces(wrap, 5, &f), LOYALTY_ERANGE);
}

static void check_percent(int64_t num, int64_t den, int decimals, const char *want)
{
	char buf[32];

	assert_int_equal(loyalty_percent_format(F(num, den), decimals, buf, sizeof buf), (int)strlen(want));
	assert_string_equal(buf, want);
}

static void test_percent_rendering_rounds_half_even_once(void **state)
{
	char buf[8];

	(void)state;
	check_percent(2, 3, 2, "66.67");
	check_percent(1, 3, 0, "33");
	check_percent(1, 8, 0, "12");   /* 12.5 -> 12 */
	check_percent(3, 8, 0, "38");   /* 37.5 -> 38 */
	check_percent(1, 8, 1, "12.5");
	check_percent(10, 19, 2, "52.63");
	check_percent(2, 19, 2, "10.53");
	check_percent(0, 1, 2, "0.00");
	check_percent(1, 1, 2, "100.00");
	check_percent(80, 7, 2, "1142.86");
	check_percent(1, 200, 2, "0.50");
	check_percent(1, 20000, 2, "0.00"); /* 0.005 -> 0.00 */
	check_percent(3, 20000, 2, "0.02"); /* 0.015 -> 0.02 */
	check_percent(-1, 3, 2, "-33.33");
	check_percent(1, 3, 6, "33.333333");
	assert_status(loyalty_percent_format(F(1, 3), 7, buf, sizeof buf), LOYALTY_EINVAL);
	assert_status(loyalty_percent_format(F(1, 3), -1, buf, sizeof buf), LOYALTY_EINVAL);
	assert_status(loyalty_percent_format(F(1, 0), 2, buf, sizeof buf), LOYALTY_EINVAL);
	assert_status(loyalty_percent_format(F(1, 3), 2, NULL, 8), LOYALTY_EINVAL);
	assert_status(loyalty_percent_format(F(1, 3), 6, buf, sizeof buf), LOYALTY_ERANGE); /* 10 bytes */
	assert_status(loyalty_percent_format(F(INT64_MAX, 1), 6, buf, sizeof buf), LOYALTY_ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_metric_of_march),
		cmocka_unit_test(test_february_churn_zero_and_the_lifespan_cap),
		cmocka_unit_test(test_all_time_agrees_with_lifetime_figures),
		cmocka_unit_test(test_an_empty_period_defines_every_rate),
		cmocka_unit_test(test_an_empty_program),
		cmocka_unit_test(test_referral_set_after_enrolment_and_refund_into_debt),
		cmocka_unit_test(test_metrics_errors_change_nothing),
		cmocka_unit_test(test_cohorts_by_enrolment_month),
		cmocka_unit_test(test_cohorts_use_the_program_offset),
		cmocka_unit_test(test_survey_scores),
		cmocka_unit_test(test_percent_rendering_rounds_half_even_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
