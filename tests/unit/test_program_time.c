/*
 * The program, time side: bucket expiry (days, calendar months with the
 * month-end rule, rounding up in the program's UTC offset, pending points
 * that start their validity when they mature), inactivity expiry, the
 * maintenance sweep (order, idempotence, report), tiers (calendar year and
 * rolling window, grace, paid tiers, benefits), progress, and regressions
 * for buckets that never expire, time zones and leap-day birthdays.
 *
 * Every scenario ends by checking the ledger invariant for each customer it
 * touched: available, pending and debt equal the sums of the entries.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "torture.h"

#define T(y, mo, d, h, mi) torture_time((y), (mo), (d), (h), (mi))
#define DAY LOYALTY_MS_PER_DAY

/* The instant of a local civil time at @p offset minutes. */
static loyalty_time L(int y, int mo, int d, int h, int mi, int offset)
{
	loyalty_time t = 0;

	assert_ok(loyalty_time_from_civil(y, mo, d, h, mi, 0, offset, &t));
	return t;
}

/* ---- helpers --------------------------------------------------------------- */

/* A USD program at 1 point per dollar (floor) plus an optional strategy. */
static loyalty_program *program_with(int offset, const loyalty_program_options *o, const char *kind,
                                     const char *name, const char *params)
{
	loyalty_program_options def = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, offset);
	loyalty_program *p = NULL;

	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	if (kind)
		assert_ok(loyalty_calculator_add(c, kind, name, params));
	assert_ok(loyalty_program_new(&p, c, o ? o : &def));
	return p;
}

static loyalty_program *program(int offset, const loyalty_program_options *o)
{
	return program_with(offset, o, NULL, NULL, NULL);
}

static loyalty_id enroll(loyalty_program *p, unsigned n, loyalty_time at)
{
	loyalty_customer *c = torture_customer(n);
	loyalty_id id = *loyalty_customer_id(c);
	char key[32];

	snprintf(key, sizeof key, "enroll-%u", n);
	assert_ok(loyalty_program_enroll(p, key, c, NULL, at, NULL));
	loyalty_customer_free(c);
	return id;
}

static loyalty_points buy(loyalty_program *p, const loyalty_id *id, const char *key, loyalty_time at, int64_t cents)
{
	loyalty_purchase *pu = NULL;
	loyalty_receipt *r = NULL;
	loyalty_points credited;

	assert_ok(loyalty_purchase_new(&pu, key, id, at, "USD"));
	assert_ok(loyalty_purchase_add_item(pu, "sku-1", "general", 1, cents));
	assert_ok(loyalty_program_record_purchase(p, pu, &r));
	credited = loyalty_receipt_credited(r);
	loyalty_receipt_free(r);
	loyalty_purchase_free(pu);
	return credited;
}

static loyalty_reward_def reward(const char *id, loyalty_points cost)
{
	loyalty_reward_def d = LOYALTY_REWARD_DEF_INIT;

	d.id = id;
	d.cost = cost;
	return d;
}

typedef struct snap {
	loyalty_points available, pending, debt, earned, redeemed, expired;
	char tier[LOYALTY_TIER_NAME_MAX + 1];
	size_t entries;
	size_t all;
} snap;

static snap take(const loyalty_program *p, const loyalty_id *id)
{
	loyalty_customer *c = NULL;
	snap s;

	memset(&s, 0, sizeof s);
	assert_ok(loyalty_program_get_customer(p, id, &c));
	s.available = loyalty_customer_available(c);
	s.pending = loyalty_customer_pending(c);
	s.earned = loyalty_customer_lifetime_earned(c);
	s.redeemed = loyalty_customer_lifetime_redeemed(c);
	s.expired = loyalty_customer_lifetime_expired(c);
	snprintf(s.tier, sizeof s.tier, "%s", loyalty_customer_tier(c));
	loyalty_customer_free(c);
	assert_ok(loyalty_program_debt(p, id, &s.debt));
	assert_ok(loyalty_program_customer_entry_count(p, id, &s.entries));
	s.all = loyalty_program_entry_count(p);
	return s;
}

static void assert_same(snap a, snap b)
{
	assert_int_equal(a.available, b.available);
	assert_int_equal(a.pending, b.pending);
	assert_int_equal(a.debt, b.debt);
	assert_int_equal(a.earned, b.earned);
	assert_int_equal(a.redeemed, b.redeemed);
	assert_int_equal(a.expired, b.expired);
	assert_string_equal(a.tier, b.tier);
	assert_int_equal(a.entries, b.entries);
	assert_int_equal(a.all, b.all);
}

static loyalty_points available(const loyalty_program *p, const loyalty_id *id)
{
	return take(p, id).available;
}

static const char *tier_of(const loyalty_program *p, const loyalty_id *id, char *buf)
{
	snap s = take(p, id);

	strcpy(buf, s.tier);
	return buf;
}
#define TIER(p, id) tier_of((p), (id), (char[LOYALTY_TIER_NAME_MAX + 1]){ 0 })

/* The ledger invariant (see test_program_spend.c). */
static void check_ledger(const loyalty_program *p, const loyalty_id *id)
{
	loyalty_points pts = 0, pend = 0, debt = 0, earned = 0, redeemed = 0, expired = 0;
	uint64_t last_seq = 0;
	loyalty_entry e;
	size_t n;
	snap s = take(p, id);

	assert_ok(loyalty_program_customer_entry_count(p, id, &n));
	for (size_t i = 0; i < n; i++) {
		loyalty_entry g;
		assert_ok(loyalty_program_customer_entry_at(p, id, i, &e));
		assert_int_equal(loyalty_id_compare(&e.customer_id, id), 0);
		assert_true(e.seq > last_seq);
		last_seq = e.seq;
		assert_ok(loyalty_program_entry_at(p, (size_t)(e.seq - 1), &g));
		assert_int_equal(loyalty_id_compare(&g.id, &e.id), 0);
		pts += e.points;
		pend += e.pending;
		debt += e.debt;
		assert_int_equal(e.available_after, pts);
		assert_int_equal(e.pending_after, pend);
		switch (e.kind) {
		case LOYALTY_ENTRY_EARN:
		case LOYALTY_ENTRY_ACTION:
		case LOYALTY_ENTRY_PARTNER:
		case LOYALTY_ENTRY_REFERRAL:
			earned += e.points + e.pending;
			break;
		case LOYALTY_ENTRY_REFUND:
			earned += e.points + e.pending - e.debt;
			break;
		case LOYALTY_ENTRY_REDEEM:
		case LOYALTY_ENTRY_DONATE:
		case LOYALTY_ENTRY_REDEEM_CANCEL:
			redeemed -= e.points;
			break;
		case LOYALTY_ENTRY_EXPIRE:
			expired -= e.points;
			break;
		case LOYALTY_ENTRY_MATURE:
			assert_int_equal(e.points, -e.pending);
			break;
		case LOYALTY_ENTRY_ENROLL:
		case LOYALTY_ENTRY_TIER:
			assert_int_equal(e.points, 0);
			assert_int_equal(e.pending, 0);
			assert_int_equal(e.debt, 0);
			break;
		default:
			break;
		}
	}
	assert_int_equal(s.available, pts);
	assert_int_equal(s.pending, pend);
	assert_int_equal(s.debt, debt);
	assert_int_equal(s.earned, earned);
	assert_int_equal(s.redeemed, redeemed);
	assert_int_equal(s.expired, expired);
}

static loyalty_entry last(const loyalty_program *p, const loyalty_id *id, size_t back)
{
	loyalty_entry e;
	size_t n;

	assert_ok(loyalty_program_customer_entry_count(p, id, &n));
	assert_true(back < n);
	assert_ok(loyalty_program_customer_entry_at(p, id, n - 1 - back, &e));
	return e;
}

static void check_entry(const loyalty_entry *e, loyalty_entry_kind kind, loyalty_points points,
                        loyalty_points pending, loyalty_points available_after, loyalty_time at, const char *ref,
                        const char *memo)
{
	assert_int_equal(e->kind, kind);
	assert_int_equal(e->points, points);
	assert_int_equal(e->pending, pending);
	assert_int_equal(e->debt, 0);
	assert_int_equal(e->available_after, available_after);
	assert_int_equal(e->at, at);
	if (ref)
		assert_string_equal(e->ref, ref);
	if (memo)
		assert_string_equal(e->memo, memo);
}

/* An EXPIRE entry written by the sweep at @p now for the points of entry #@p seq. */
static void check_expire(const loyalty_entry *e, loyalty_points points, loyalty_points after, loyalty_time at,
                         loyalty_time now, uint64_t seq)
{
	char key[64], memo[64];

	snprintf(key, sizeof key, "maintenance@%lld", (long long)now);
	snprintf(memo, sizeof memo, "points of entry #%llu", (unsigned long long)seq);
	check_entry(e, LOYALTY_ENTRY_EXPIRE, -points, 0, after, at, "", memo);
	assert_string_equal(e->key, key);
}

/* A TIER entry: "from -> to (why)". */
static void check_tier(const loyalty_entry *e, const char *from, const char *to, const char *why, loyalty_time at)
{
	char memo[LOYALTY_MEMO_MAX + 1];

	snprintf(memo, sizeof memo, "%s -> %s (%s)", from, to, why);
	assert_int_equal(e->kind, LOYALTY_ENTRY_TIER);
	assert_int_equal(e->points, 0);
	assert_int_equal(e->at, at);
	assert_string_equal(e->ref, to);
	assert_string_equal(e->memo, memo);
}

static void check_last_tier(const loyalty_program *p, const loyalty_id *id, const char *from, const char *to,
                            const char *why, loyalty_time at)
{
	loyalty_entry e = last(p, id, 0);

	check_tier(&e, from, to, why, at);
}

static loyalty_maintenance_report sweep(loyalty_program *p, loyalty_time now)
{
	loyalty_maintenance_report r;

	memset(&r, 0x5a, sizeof r);
	assert_ok(loyalty_program_maintain(p, now, &r));
	return r;
}

static void assert_report(loyalty_maintenance_report r, loyalty_points matured, loyalty_points expired,
                          size_t tier_changes, size_t entries)
{
	assert_int_equal(r.matured, matured);
	assert_int_equal(r.expired, expired);
	assert_int_equal(r.tier_changes, tier_changes);
	assert_int_equal(r.entries, entries);
}

static loyalty_progress progress(const loyalty_program *p, const loyalty_id *id, loyalty_time now)
{
	loyalty_progress pr;

	assert_ok(loyalty_program_progress(p, id, now, &pr));
	return pr;
}

/* ---- bucket expiry ------------------------------------------------------------------ */

static void test_bucket_expiry_after_fixed_days(void **state)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_progress pr;
	loyalty_program *p;
	loyalty_entry e;
	loyalty_id c;
	loyalty_time x1 = T(2025, 4, 10, 14, 30), x2 = T(2025, 5, 2, 9, 0);

	(void)state;
	o.expiry = LOYALTY_EXPIRY_BUCKET;
	o.expiry_days = 90;
	p = program(0, &o);
	c = enroll(p, 1, T(2025, 1, 1, 0, 0));                                      /* #1 ENROLL */
	assert_int_equal(buy(p, &c, "p1", T(2025, 1, 10, 14, 30), 12000), 120);     /* #2, + 90 days */
	assert_int_equal(buy(p, &c, "p2", T(2025, 2, 1, 9, 0), 3000), 30);          /* #3 */
	pr = progress(p, &c, T(2025, 2, 1, 9, 0));
	assert_int_equal(pr.next_expiry, x1);
	assert_int_equal(pr.next_expiry_points, 120);

	assert_report(sweep(p, x1 - 1), 0, 0, 0, 0);
	assert_int_equal(available(p, &c), 150);
	assert_report(sweep(p, x1), 0, 120, 0, 1);
	e = last(p, &c, 0);
	check_expire(&e, 120, 30, x1, x1, 2);
	assert_int_equal(take(p, &c).expired, 120);
	pr = progress(p, &c, x1);
	assert_int_equal(pr.next_expiry, x2);
	assert_int_equal(pr.next_expiry_points, 30);

	/* a late sweep still dates the entry at the expiry */
	assert_report(sweep(p, T(2025, 6, 1, 0, 0)), 0, 30, 0, 1);
	e = last(p, &c, 0);
	check_expire(&e, 30, 0, x2, T(2025, 6, 1, 0, 0), 3);
	assert_int_equal(take(p, &c).expired, 150);
	assert_int_equal(progress(p, &c, T(2025, 6, 1, 0, 0)).next_expiry, 0);
	check_ledger(p, &c);
	loyalty_program_free(p);
}

/* "+1 month" from the 31st ends on the last day of the shorter month, leap years included. */
static void test_bucket_expiry_in_months_month_end_rule(void **state)
{
	static const struct {
		int y, mo, d;          /* earned at 10:00 UTC */
		int ey, emo, ed;       /* expires at 10:00 UTC */
	} cases[] = {
		{ 2023, 1, 31, 2023, 2, 28 }, /* non-leap February */
		{ 2023, 1, 15, 2023, 2, 15 },
		{ 2024, 1, 30, 2024, 2, 29 },
		{ 2024, 1, 31, 2024, 2, 29 }, /* leap February */
		{ 2024, 3, 31, 2024, 4, 30 },
		{ 2024, 12, 31, 2025, 1, 31 },
	};
	enum { N = sizeof cases / sizeof cases[0] };
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_program *p;
	loyalty_id c[N];

	(void)state;
	o.expiry = LOYALTY_EXPIRY_BUCKET;
	o.expiry_months = 1;
	p = program(0, &o);
	for (unsigned i = 0; i < N; i++) {
		char key[16];
		c[i] = enroll(p, i + 1, T(2023, 1, 1, 0, 0));
		snprintf(key, sizeof key, "p%u", i);
		assert_int_equal(buy(p, &c[i], key, T(cases[i].y, cases[i].mo, cases[i].d, 10, 0), 1000 * (i + 1)),
		                 10 * (i + 1));
		assert_int_equal(progress(p, &c[i], T(2023, 1, 1, 0, 0)).next_expiry,
		                 T(cases[i].ey, cases[i].emo, cases[i].ed, 10, 0));
	}
	/* sweep one millisecond before and at each expiry, in time order */
	{
		static const unsigned order[] = { 1, 0, 2, 3, 4, 5 };
		for (unsigned k = 0; k < N; k++) {
			unsigned i = order[k];
			loyalty_time x = T(cases[i].ey, cases[i].emo, cases[i].ed, 10, 0);
			loyalty_entry e;
			if (k > 0 && x == T(cases[order[k - 1]].ey, cases[order[k - 1]].emo, cases[order[k - 1]].ed, 10, 0)) {
				assert_int_equal(available(p, &c[i]), 0); /* expired with the previous one */
			} else {
				loyalty_maintenance_report r = sweep(p, x - 1);
				assert_int_equal(r.expired, 0);
				assert_int_equal(available(p, &c[i]), 10 * (i + 1));
				r = sweep(p, x);
				assert_true(r.expired >= 10 * (i + 1));
			}
			assert_int_equal(available(p, &c[i]), 0);
			e = last(p, &c[i], 0);
			assert_int_equal(e.kind, LOYALTY_ENTRY_EXPIRE);
			assert_int_equal(e.points, -(loyalty_points)(10 * (i + 1)));
			assert_int_equal(e.at, x);
		}
	}
	for (unsigned i = 0; i < N; i++)
		check_ledger(p, &c[i]);
	loyalty_program_free(p);

	/* months and days combine: 31 January 2023 + 1 month + 1 day = 1 March 2023 */
	o.expiry_days = 1;
	p = program(0, &o);
	c[0] = enroll(p, 1, T(2023, 1, 1, 0, 0));
	assert_int_equal(buy(p, &c[0], "p", T(2023, 1, 31, 10, 0), 1000), 10);
	assert_int_equal(progress(p, &c[0], T(2023, 2, 1, 0, 0)).next_expiry, T(2023, 3, 1, 10, 0));
	loyalty_program_free(p);

	/* twelve months from 29 February 2024 end on 28 February 2025 */
	o.expiry_months = 12;
	o.expiry_days = 0;
	p = program(0, &o);
	c[0] = enroll(p, 1, T(2024, 1, 1, 0, 0));
	assert_int_equal(buy(p, &c[0], "p", T(2024, 2, 29, 10, 0), 1000), 10);
	assert_int_equal(progress(p, &c[0], T(2024, 3, 1, 0, 0)).next_expiry, T(2025, 2, 28, 10, 0));
	assert_report(sweep(p, T(2025, 2, 28, 10, 0) - 1), 0, 0, 0, 0);
	assert_report(sweep(p, T(2025, 2, 28, 10, 0)), 0, 10, 0, 1);
	check_ledger(p, &c[0]);
	loyalty_program_free(p);
}

/*
 * Rounding up happens in the program's offset (UTC+02:00 here): earned at
 * 23:30 UTC on 10 February, which is 01:30 on 11 February locally; ten days
 * later is 21 February (a Friday), local.
 */
static void test_bucket_expiry_rounded_up_in_program_offset(void **state)
{
	static const struct {
		loyalty_period round;
		int y, mo, d; /* local midnight that ends the period */
	} cases[] = {
		{ LOYALTY_PERIOD_DAY, 2025, 2, 22 },
		{ LOYALTY_PERIOD_WEEK, 2025, 2, 24 },
		{ LOYALTY_PERIOD_MONTH, 2025, 3, 1 },
		{ LOYALTY_PERIOD_QUARTER, 2025, 4, 1 },
		{ LOYALTY_PERIOD_YEAR, 2026, 1, 1 },
	};
	const int off = 120;
	loyalty_time earned = T(2025, 2, 10, 23, 30);

	(void)state;
	assert_int_equal(earned, L(2025, 2, 11, 1, 30, off));
	for (size_t i = 0; i <= sizeof cases / sizeof cases[0]; i++) {
		loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
		loyalty_program *p;
		loyalty_entry e;
		loyalty_id c;
		loyalty_time x;

		o.expiry = LOYALTY_EXPIRY_BUCKET;
		o.expiry_days = 10;
		if (i < sizeof cases / sizeof cases[0]) {
			o.expiry_round_up = cases[i].round;
			x = L(cases[i].y, cases[i].mo, cases[i].d, 0, 0, off);
		} else {
			x = L(2025, 2, 21, 1, 30, off); /* no rounding: the same time of day */
		}
		p = program(off, &o);
		c = enroll(p, 1, T(2025, 1, 1, 0, 0));
		assert_int_equal(buy(p, &c, "p", earned, 4200), 42);
		assert_int_equal(progress(p, &c, earned).next_expiry, x);
		assert_int_equal(progress(p, &c, earned).next_expiry_points, 42);
		assert_report(sweep(p, x - 1), 0, 0, 0, 0);
		assert_report(sweep(p, x), 0, 42, 0, 1);
		e = last(p, &c, 0);
		check_expire(&e, 42, 0, x, x, 2);
		check_ledger(p, &c);
		loyalty_program_free(p);
	}
	/* the exact instants, in UTC */
	assert_int_equal(L(2025, 2, 22, 0, 0, off), T(2025, 2, 21, 22, 0));
	assert_int_equal(L(2025, 4, 1, 0, 0, off), T(2025, 3, 31, 22, 0));
	assert_int_equal(L(2026, 1, 1, 0, 0, off), T(2025, 12, 31, 22, 0));
}

/* Pending points start their validity when they mature, not when they were earned. */
static void test_pending_points_start_validity_when_they_mature(void **state)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_receipt *r = NULL;
	loyalty_purchase *pu = NULL;
	loyalty_progress pr;
	loyalty_program *p;
	loyalty_entry e;
	loyalty_id c;
	loyalty_time m1 = T(2025, 3, 15, 10, 0), m2 = T(2025, 3, 19, 10, 0);
	loyalty_time x1 = T(2025, 4, 14, 10, 0), x2 = T(2025, 4, 18, 10, 0);

	(void)state;
	o.pending_days = 14;
	o.expiry = LOYALTY_EXPIRY_BUCKET;
	o.expiry_days = 30;
	p = program(0, &o);
	c = enroll(p, 1, T(2025, 1, 1, 0, 0)); /* #1 */
	assert_ok(loyalty_purchase_new(&pu, "p1", &c, T(2025, 3, 1, 10, 0), "USD"));
	assert_ok(loyalty_purchase_add_item(pu, "sku", "general", 1, 10000));
	assert_ok(loyalty_program_record_purchase(p, pu, &r)); /* #2 */
	assert_int_equal(loyalty_receipt_credited(r), 100);
	assert_int_equal(loyalty_receipt_pending_until(r), m1);
	loyalty_receipt_free(r);
	loyalty_purchase_free(pu);
	e = last(p, &c, 0);
	check_entry(&e, LOYALTY_ENTRY_EARN, 0, 100, 0, T(2025, 3, 1, 10, 0), "p1", "purchase");
	assert_int_equal(e.pending_after, 100);
	assert_int_equal(buy(p, &c, "p2", T(2025, 3, 5, 10, 0), 5000), 50); /* #3 */

	pr = progress(p, &c, T(2025, 3, 6, 0, 0));
	assert_int_equal(pr.available, 0);
	assert_int_equal(pr.pending, 150);
	assert_int_equal(pr.next_maturity, m1);
	assert_int_equal(pr.next_maturity_points, 100);
	assert_int_equal(pr.next_expiry, 0);

	assert_report(sweep(p, m1 - 1), 0, 0, 0, 0);
	assert_report(sweep(p, m1), 100, 0, 0, 1);
	e = last(p, &c, 0);
	check_entry(&e, LOYALTY_ENTRY_MATURE, 100, -100, 100, m1, "", "held points of entry #2");
	assert_int_equal(e.pending_after, 50);
	pr = progress(p, &c, m1);
	assert_int_equal(pr.next_expiry, x1); /* 30 days from 15 March, not from 1 March */
	assert_int_equal(pr.next_maturity, m2);
	assert_int_equal(pr.next_maturity_points, 50);

	/* 31 March (30 days after earning) expires nothing */
	assert_report(sweep(p, T(2025, 3, 31, 10, 0)), 50, 0, 0, 1);
	assert_int_equal(available(p, &c), 150);
	assert_report(sweep(p, x1), 0, 100, 0, 1);
	e = last(p, &c, 0);
	check_expire(&e, 100, 50, x1, x1, 2);
	assert_report(sweep(p, x2), 0, 50, 0, 1);
	e = last(p, &c, 0);
	check_expire(&e, 50, 0, x2, x2, 3);
	assert_int_equal(take(p, &c).expired, 150);
	assert_int_equal(take(p, &c).earned, 150);
	check_ledger(p, &c);
	loyalty_program_free(p);
}

/* ---- inactivity expiry ------------------------------------------------------------ */

static void test_inactivity_expiry_and_what_counts_as_activity(void **state)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_reward_def d = reward("coffee", 30);
	loyalty_redemption r;
	loyalty_program *p;
	loyalty_entry e;
	loyalty_id c, friend_;
	loyalty_time x;

	(void)state;
	o.expiry = LOYALTY_EXPIRY_INACTIVITY;
	o.expiry_days = 30;
	p = program(0, &o);
	assert_ok(loyalty_program_add_action(p, "review", 10, 0, LOYALTY_PERIOD_NONE));
	assert_ok(loyalty_program_add_reward(p, &d));
	c = enroll(p, 1, T(2025, 1, 1, 0, 0));
	friend_ = enroll(p, 2, T(2025, 1, 1, 0, 0));

	assert_int_equal(buy(p, &c, "p1", T(2025, 1, 5, 12, 0), 10000), 100);
	assert_int_equal(progress(p, &c, T(2025, 1, 5, 12, 0)).next_expiry, T(2025, 2, 4, 12, 0));
	assert_int_equal(progress(p, &c, T(2025, 1, 5, 12, 0)).next_expiry_points, 100);
	/* an engagement action pushes it back */
	assert_ok(loyalty_program_record_action(p, "rv", &c, "review", T(2025, 1, 20, 12, 0), NULL));
	assert_int_equal(progress(p, &c, T(2025, 1, 20, 12, 0)).next_expiry, T(2025, 2, 19, 12, 0));
	/* so does a redemption */
	assert_ok(loyalty_program_redeem(p, "r1", &c, "coffee", T(2025, 2, 10, 12, 0), &r));
	x = T(2025, 3, 12, 12, 0);
	assert_int_equal(progress(p, &c, T(2025, 2, 10, 12, 0)).next_expiry, x);
	assert_int_equal(progress(p, &c, T(2025, 2, 10, 12, 0)).next_expiry_points, 80);

	/* adjustments, incoming transfers and refused calls are not activity */
	assert_int_equal(buy(p, &friend_, "pf", T(2025, 2, 25, 12, 0), 5000), 50);
	assert_ok(loyalty_program_adjust(p, "a1", &c, 5, "goodwill", T(2025, 3, 1, 12, 0), NULL));
	assert_ok(loyalty_program_transfer(p, "t1", &friend_, &c, 20, T(2025, 3, 2, 12, 0)));
	assert_status(loyalty_program_redeem(p, "r2", &c, "nope", T(2025, 3, 3, 12, 0), &r), LOYALTY_ENOTFOUND);
	assert_ok(loyalty_program_set_reward_stock(p, "coffee", 0));
	assert_status(loyalty_program_redeem(p, "r3", &c, "coffee", T(2025, 3, 3, 12, 0), &r), LOYALTY_ERANGE);
	assert_int_equal(progress(p, &c, T(2025, 3, 3, 12, 0)).next_expiry, x);
	assert_int_equal(progress(p, &c, T(2025, 3, 3, 12, 0)).next_expiry_points, 105);

	assert_report(sweep(p, x - 1), 0, 0, 0, 0);
	assert_int_equal(available(p, &c), 105);
	assert_report(sweep(p, x), 0, 105, 0, 1);
	e = last(p, &c, 0);
	check_entry(&e, LOYALTY_ENTRY_EXPIRE, -105, 0, 0, x, "", "inactivity");
	assert_int_equal(take(p, &c).expired, 105);
	assert_int_equal(progress(p, &c, x).next_expiry, 0);
	/* the friend's 30 points follow their own last activity (25 February + 30 days) */
	assert_int_equal(available(p, &friend_), 30);
	assert_int_equal(progress(p, &friend_, x).next_expiry, T(2025, 3, 27, 12, 0));
	assert_report(sweep(p, T(2025, 3, 27, 12, 0)), 0, 30, 0, 1);

	/* a new purchase starts a new period; nothing is left to expire twice */
	assert_report(sweep(p, T(2025, 3, 28, 0, 0)), 0, 0, 0, 0);
	assert_int_equal(buy(p, &c, "p2", T(2025, 3, 20, 12, 0), 4000), 40);
	assert_report(sweep(p, T(2025, 4, 19, 12, 0) - 1), 0, 0, 0, 0);
	assert_report(sweep(p, T(2025, 4, 19, 12, 0)), 0, 40, 0, 1);
	assert_int_equal(take(p, &c).expired, 145);
	check_ledger(p, &c);
	check_ledger(p, &friend_);
	loyalty_program_free(p);
}

/*
 * Points that become available after the inactivity deadline (held points
 * maturing, a transfer to a dormant account) cannot have expired before they
 * existed: those available at the deadline expire at the deadline, the later
 * ones when they arrived.
 */
static void test_inactivity_expiry_is_not_dated_before_the_points_existed(void **state)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_program *p;
	loyalty_entry e;
	loyalty_id c, f;

	(void)state;
	o.expiry = LOYALTY_EXPIRY_INACTIVITY;
	o.expiry_days = 10;
	o.pending_days = 20;
	p = program(0, &o);
	c = enroll(p, 1, T(2025, 1, 1, 0, 0));
	f = enroll(p, 2, T(2025, 1, 1, 0, 0));
	assert_int_equal(buy(p, &c, "p1", T(2025, 1, 1, 12, 0), 10000), 100); /* deadline 11 Jan, matures 21 Jan */
	assert_ok(loyalty_program_adjust(p, "a1", &c, 5, "welcome", T(2025, 1, 2, 0, 0), NULL));
	assert_ok(loyalty_program_adjust(p, "a2", &f, 20, "welcome", T(2025, 1, 14, 0, 0), NULL));
	assert_ok(loyalty_program_transfer(p, "t1", &f, &c, 20, T(2025, 1, 15, 0, 0)));
	assert_report(sweep(p, T(2025, 1, 25, 0, 0)), 100, 125, 0, 4);
	e = last(p, &c, 3);
	check_entry(&e, LOYALTY_ENTRY_MATURE, 100, -100, 125, T(2025, 1, 21, 12, 0), "", NULL);
	e = last(p, &c, 2);
	check_entry(&e, LOYALTY_ENTRY_EXPIRE, -5, 0, 120, T(2025, 1, 11, 12, 0), "", "inactivity");
	e = last(p, &c, 1);
	check_entry(&e, LOYALTY_ENTRY_EXPIRE, -20, 0, 100, T(2025, 1, 15, 0, 0), "", "inactivity");
	e = last(p, &c, 0);
	check_entry(&e, LOYALTY_ENTRY_EXPIRE, -100, 0, 0, T(2025, 1, 21, 12, 0), "", "inactivity");
	assert_int_equal(take(p, &c).expired, 125);
	assert_report(sweep(p, T(2025, 1, 25, 0, 0)), 0, 0, 0, 0);
	check_ledger(p, &c);
	check_ledger(p, &f);
	loyalty_program_free(p);
}

/* ---- the maintenance sweep ----------------------------------------------------------- */

/*
 * One sweep that has everything to do: mature (both holds), then expire (both
 * buckets), then review the tier. A second sweep at the same now does
 * nothing; an earlier now is refused.
 */
static void test_maintenance_order_idempotence_and_report(void **state)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_maintenance_report rep;
	loyalty_program *p;
	loyalty_entry e;
	loyalty_id a, b;
	loyalty_time now = T(2025, 1, 20, 0, 0);
	snap sa, sb;

	(void)state;
	o.pending_days = 14;
	o.expiry = LOYALTY_EXPIRY_BUCKET;
	o.expiry_days = 10;
	p = program(0, &o);
	assert_ok(loyalty_program_add_tier(p, "silver", 50000, NULL, 0));
	assert_ok(loyalty_program_add_tier(p, "gold", 100000, NULL, 0));
	a = enroll(p, 1, T(2023, 6, 1, 0, 0));                                   /* #1 */
	b = enroll(p, 2, T(2023, 6, 1, 0, 0));                                   /* #2 */
	assert_int_equal(buy(p, &a, "a1", T(2023, 7, 1, 12, 0), 100000), 1000); /* #3 EARN, #4 TIER */
	e = last(p, &a, 0);
	check_tier(&e, "none", "gold", "qualified", T(2023, 7, 1, 12, 0));
	assert_int_equal(buy(p, &a, "a2", T(2024, 12, 20, 12, 0), 60000), 600);  /* #5: 2024 supports silver */
	assert_int_equal(buy(p, &b, "b1", T(2025, 1, 19, 12, 0), 1000), 10);     /* #6: still held at `now` */
	assert_string_equal(TIER(p, &a), "gold");

	rep = sweep(p, now);
	assert_report(rep, 1600, 1600, 1, 5);
	e = last(p, &a, 4);
	check_entry(&e, LOYALTY_ENTRY_MATURE, 1000, -1000, 1000, T(2023, 7, 15, 12, 0), "", "held points of entry #3");
	e = last(p, &a, 3);
	check_entry(&e, LOYALTY_ENTRY_MATURE, 600, -600, 1600, T(2025, 1, 3, 12, 0), "", "held points of entry #5");
	e = last(p, &a, 2);
	check_expire(&e, 1000, 600, T(2023, 7, 25, 12, 0), now, 3);
	e = last(p, &a, 1);
	check_expire(&e, 600, 0, T(2025, 1, 13, 12, 0), now, 5);
	e = last(p, &a, 0);
	check_tier(&e, "gold", "silver", "review", now);
	assert_int_equal(e.seq, loyalty_program_entry_count(p));
	assert_string_equal(TIER(p, &a), "silver");
	assert_int_equal(take(p, &b).pending, 10);

	/* again at the same now: nothing */
	sa = take(p, &a);
	sb = take(p, &b);
	rep = sweep(p, now);
	assert_report(rep, 0, 0, 0, 0);
	assert_same(sa, take(p, &a));
	assert_same(sb, take(p, &b));
	/* going back is refused and changes nothing */
	memset(&rep, 0x5a, sizeof rep);
	assert_status(loyalty_program_maintain(p, now - 1, &rep), LOYALTY_EINVAL);
	assert_status(loyalty_program_maintain(p, T(2024, 1, 1, 0, 0), NULL), LOYALTY_EINVAL);
	assert_same(sa, take(p, &a));
	assert_same(sb, take(p, &b));
	assert_status(loyalty_program_maintain(NULL, now, NULL), LOYALTY_EINVAL);
	/* forward again, with a NULL report */
	assert_ok(loyalty_program_maintain(p, T(2025, 2, 2, 12, 0), NULL));
	assert_int_equal(take(p, &b).available, 10);
	check_ledger(p, &a);
	check_ledger(p, &b);
	loyalty_program_free(p);
}

/* ---- tiers ------------------------------------------------------------------------- */

static void add_tiers(loyalty_program *p, int64_t silver, int64_t gold)
{
	static const char *const sb[] = { "early_access" };
	static const char *const gb[] = { "early_access", "free_delivery", "member_events" };

	assert_ok(loyalty_program_add_tier(p, "silver", silver, sb, 1));
	assert_ok(loyalty_program_add_tier(p, "gold", gold, gb, 3));
}

/* Calendar year by spend: the purchase that crosses earns at the old tier and upgrades right after. */
static void test_tier_upgrade_right_after_the_crossing_purchase(void **state)
{
	loyalty_program *p = program_with(0, NULL, "tier_multiplier", "tiers", "tier.silver=3/2 tier.gold=2");
	loyalty_progress pr;
	loyalty_entry e;
	loyalty_id c;

	(void)state;
	add_tiers(p, 50000, 100000);
	c = enroll(p, 1, T(2025, 1, 1, 0, 0));
	assert_string_equal(TIER(p, &c), "");
	assert_int_equal(buy(p, &c, "p1", T(2025, 2, 1, 10, 0), 40000), 400);
	assert_string_equal(TIER(p, &c), "");
	pr = progress(p, &c, T(2025, 2, 1, 10, 0));
	assert_string_equal(pr.tier, "");
	assert_string_equal(pr.next_tier, "silver");
	assert_int_equal(pr.metric, 40000);
	assert_int_equal(pr.to_next_tier, 10000);

	/* crosses silver: earned without a tier (200), silver right after */
	assert_int_equal(buy(p, &c, "p2", T(2025, 2, 2, 10, 0), 20000), 200);
	e = last(p, &c, 1);
	check_entry(&e, LOYALTY_ENTRY_EARN, 200, 0, 600, T(2025, 2, 2, 10, 0), "p2", "purchase");
	e = last(p, &c, 0);
	check_tier(&e, "none", "silver", "qualified", T(2025, 2, 2, 10, 0));
	assert_string_equal(e.key, "p2");
	assert_string_equal(TIER(p, &c), "silver");

	/* crosses gold: earned at silver (500 x 3/2), gold right after */
	assert_int_equal(buy(p, &c, "p3", T(2025, 3, 1, 10, 0), 50000), 750);
	e = last(p, &c, 0);
	check_tier(&e, "silver", "gold", "qualified", T(2025, 3, 1, 10, 0));
	/* and the next purchase earns at gold */
	assert_int_equal(buy(p, &c, "p4", T(2025, 3, 2, 10, 0), 10000), 200);
	assert_int_equal(last(p, &c, 0).kind, LOYALTY_ENTRY_EARN);
	pr = progress(p, &c, T(2025, 3, 2, 10, 0));
	assert_string_equal(pr.tier, "gold");
	assert_string_equal(pr.next_tier, "");
	assert_int_equal(pr.metric, 120000);
	assert_int_equal(pr.to_next_tier, 0);

	/* jumping two tiers at once writes one entry */
	{
		loyalty_id d = enroll(p, 2, T(2025, 1, 1, 0, 0));
		assert_int_equal(buy(p, &d, "d1", T(2025, 4, 1, 10, 0), 150000), 1500);
		e = last(p, &d, 0);
		check_tier(&e, "none", "gold", "qualified", T(2025, 4, 1, 10, 0));
		assert_int_equal(last(p, &d, 1).kind, LOYALTY_ENTRY_EARN);
		check_ledger(p, &d);
	}
	check_ledger(p, &c);
	loyalty_program_free(p);
}

/* Calendar year by points: only purchase points count (not actions, not adjustments). */
static void test_tier_by_points(void **state)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_program *p;
	loyalty_entry e;
	loyalty_id c;

	(void)state;
	o.tier_metric = LOYALTY_TIER_BY_POINTS;
	p = program(0, &o);
	add_tiers(p, 500, 1000);
	assert_ok(loyalty_program_add_action(p, "survey", 2000, 0, LOYALTY_PERIOD_NONE));
	c = enroll(p, 1, T(2025, 1, 1, 0, 0));
	assert_int_equal(buy(p, &c, "p1", T(2025, 1, 10, 10, 0), 40099), 400); /* 400.99 -> 400 points */
	assert_int_equal(progress(p, &c, T(2025, 1, 10, 10, 0)).metric, 400);
	assert_ok(loyalty_program_record_action(p, "s1", &c, "survey", T(2025, 1, 11, 10, 0), NULL));
	assert_ok(loyalty_program_adjust(p, "a1", &c, 5000, "migration", T(2025, 1, 11, 11, 0), NULL));
	assert_string_equal(TIER(p, &c), "");
	assert_int_equal(progress(p, &c, T(2025, 1, 11, 11, 0)).metric, 400);
	assert_int_equal(buy(p, &c, "p2", T(2025, 1, 12, 10, 0), 10000), 100);
	e = last(p, &c, 0);
	check_tier(&e, "none", "silver", "qualified", T(2025, 1, 12, 10, 0));
	assert_int_equal(buy(p, &c, "p3", T(2025, 1, 13, 10, 0), 50000), 500);
	e = last(p, &c, 0);
	check_tier(&e, "silver", "gold", "qualified", T(2025, 1, 13, 10, 0));
	assert_int_equal(progress(p, &c, T(2025, 1, 13, 10, 0)).metric, 1000);
	/* a new calendar year starts from zero */
	assert_int_equal(progress(p, &c, T(2026, 1, 1, 0, 0)).metric, 0);
	assert_int_equal(progress(p, &c, T(2026, 1, 1, 0, 0)).to_next_tier, 0);
	check_ledger(p, &c);
	loyalty_program_free(p);
}

/*
 * Gold earned in 2024, only silver supported by 2025: the review downgrades at
 * 1 January 2026 (local, UTC+01:00) without grace, at 31 January with 30 days.
 */
static void test_year_end_review_with_and_without_grace(void **state)
{
	const int off = 60;
	int graces[] = { 0, 30 };

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
		loyalty_time review = L(2026, 1, 1 + graces[k], 0, 0, off);
		loyalty_program *p;
		loyalty_entry e;
		loyalty_id c;

		o.tier_grace_days = graces[k];
		p = program(off, &o);
		add_tiers(p, 50000, 100000);
		c = enroll(p, 1, T(2024, 1, 10, 0, 0));
		assert_int_equal(buy(p, &c, "p1", T(2024, 3, 1, 12, 0), 100000), 1000);
		assert_string_equal(TIER(p, &c), "gold");
		/* 2024 supports gold: the 2025 review keeps it */
		assert_report(sweep(p, L(2025, 1, 1, 0, 0, off)), 0, 0, 0, 0);
		assert_report(sweep(p, L(2025, 3, 1, 0, 0, off)), 0, 0, 0, 0);
		assert_string_equal(TIER(p, &c), "gold");
		/* 600 USD in 2025, the last one at 23:30 local on 31 December (22:30 UTC) */
		assert_int_equal(buy(p, &c, "p2", T(2025, 6, 1, 12, 0), 50000), 500);
		assert_int_equal(buy(p, &c, "p3", T(2025, 12, 31, 22, 30), 10000), 100);
		assert_int_equal(progress(p, &c, T(2025, 12, 31, 22, 59)).metric, 60000);
		assert_int_equal(progress(p, &c, T(2025, 12, 31, 23, 0)).metric, 0); /* local new year */

		assert_report(sweep(p, L(2026, 1, 1, 0, 0, off) - 1), 0, 0, 0, 0);
		if (graces[k] > 0) {
			assert_report(sweep(p, L(2026, 1, 1, 0, 0, off)), 0, 0, 0, 0);
			assert_report(sweep(p, review - 1), 0, 0, 0, 0);
		}
		assert_string_equal(TIER(p, &c), "gold");
		assert_report(sweep(p, review), 0, 0, 1, 1);
		e = last(p, &c, 0);
		check_tier(&e, "gold", "silver", "review", review);
		assert_string_equal(TIER(p, &c), "silver");
		/* once per year */
		assert_report(sweep(p, L(2026, 6, 1, 0, 0, off)), 0, 0, 0, 0);
		/* nothing in 2026: silver goes at the 2027 review */
		assert_report(sweep(p, L(2027, 1, 1 + graces[k], 0, 0, off)), 0, 0, 1, 1);
		e = last(p, &c, 0);
		check_tier(&e, "silver", "none", "review", L(2027, 1, 1 + graces[k], 0, 0, off));
		assert_string_equal(TIER(p, &c), "");
		check_ledger(p, &c);
		loyalty_program_free(p);
	}
}

/* Gold in 2024, nothing in 2025; in January 2026, within the grace, one customer requalifies. */
static void test_requalifying_in_the_new_year_keeps_the_tier(void **state)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_time review = T(2026, 1, 31, 0, 0);
	loyalty_program *p;
	loyalty_entry e;
	loyalty_id c[3];
	size_t n;

	(void)state;
	o.tier_grace_days = 30;
	p = program(0, &o);
	add_tiers(p, 50000, 100000);
	for (unsigned i = 0; i < 3; i++) {
		char key[16];
		c[i] = enroll(p, i + 1, T(2024, 1, 1, 0, 0));
		snprintf(key, sizeof key, "old-%u", i);
		assert_int_equal(buy(p, &c[i], key, T(2024, 5, 1, 12, 0), 100000), 1000);
	}
	assert_report(sweep(p, T(2025, 2, 1, 0, 0)), 0, 0, 0, 0);
	/* January 2026: c[0] requalifies for gold, c[1] for silver only, c[2] does nothing */
	assert_int_equal(buy(p, &c[0], "new-0", T(2026, 1, 10, 12, 0), 100000), 1000);
	assert_int_equal(last(p, &c[0], 0).kind, LOYALTY_ENTRY_EARN); /* already gold: no entry */
	assert_int_equal(buy(p, &c[1], "new-1", T(2026, 1, 10, 12, 0), 50000), 500);
	assert_ok(loyalty_program_customer_entry_count(p, &c[0], &n));

	assert_report(sweep(p, review), 0, 0, 2, 2);
	assert_string_equal(TIER(p, &c[0]), "gold");
	assert_int_equal(take(p, &c[0]).entries, n);
	e = last(p, &c[1], 0);
	check_tier(&e, "gold", "silver", "review", review);
	e = last(p, &c[2], 0);
	check_tier(&e, "gold", "none", "review", review);
	for (unsigned i = 0; i < 3; i++)
		check_ledger(p, &c[i]);
	loyalty_program_free(p);
}

static loyalty_program *rolling_program(void)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_program *p;

	o.tier_window = LOYALTY_TIER_ROLLING_DAYS;
	o.tier_window_days = 30;
	o.tier_grace_days = 7;
	p = program(0, &o);
	add_tiers(p, 50000, 100000);
	return p;
}

/*
 * Rolling 30 days, 7 days of grace. 600 USD on day 0 and 500 on day 10 make
 * gold; day 0 leaves the window on day 30 (500 left: silver).
 */
static void test_rolling_window_with_grace(void **state)
{
	loyalty_program *p = rolling_program();
	loyalty_time d0 = T(2025, 3, 1, 12, 0);
	loyalty_id c;

	(void)state;
	c = enroll(p, 1, T(2025, 1, 1, 0, 0));
	assert_int_equal(buy(p, &c, "p0", d0, 60000), 600);
	check_last_tier(p, &c, "none", "silver", "qualified", d0);
	assert_int_equal(buy(p, &c, "p10", d0 + 10 * DAY, 50000), 500);
	check_last_tier(p, &c, "silver", "gold", "qualified", d0 + 10 * DAY);
	assert_int_equal(progress(p, &c, d0 + 30 * DAY - 1).metric, 110000);
	assert_int_equal(progress(p, &c, d0 + 30 * DAY).metric, 50000);

	assert_report(sweep(p, d0 + 29 * DAY), 0, 0, 0, 0);
	/* day 31: below gold, noted; the grace runs until day 38 */
	assert_report(sweep(p, d0 + 31 * DAY), 0, 0, 0, 0);
	assert_report(sweep(p, d0 + 38 * DAY - 1), 0, 0, 0, 0);
	assert_string_equal(TIER(p, &c), "gold");
	assert_report(sweep(p, d0 + 38 * DAY), 0, 0, 1, 1);
	check_last_tier(p, &c, "gold", "silver", "review", d0 + 38 * DAY);
	/* day 40: nothing left in the window; noted on day 41, dropped on day 48 */
	assert_report(sweep(p, d0 + 41 * DAY), 0, 0, 0, 0);
	assert_report(sweep(p, d0 + 48 * DAY - 1), 0, 0, 0, 0);
	assert_report(sweep(p, d0 + 48 * DAY), 0, 0, 1, 1);
	check_last_tier(p, &c, "silver", "none", "review", d0 + 48 * DAY);
	check_ledger(p, &c);
	loyalty_program_free(p);
}

/*
 * Recovery cancels the grace: below on day 31 (noted), a purchase on day 32
 * restores gold; the metric falls again on day 40. Had the purchase not
 * cancelled the note of day 31, the sweep of day 41 would downgrade; it only
 * notes a new start, and the downgrade comes on day 48.
 */
static void test_rolling_window_recovery_cancels_the_grace(void **state)
{
	loyalty_program *p = rolling_program();
	loyalty_time d0 = T(2025, 3, 1, 12, 0);
	loyalty_id c;

	(void)state;
	c = enroll(p, 1, T(2025, 1, 1, 0, 0));
	assert_int_equal(buy(p, &c, "p0", d0, 60000), 600);
	assert_int_equal(buy(p, &c, "p10", d0 + 10 * DAY, 50000), 500);
	assert_report(sweep(p, d0 + 31 * DAY), 0, 0, 0, 0);
	assert_int_equal(buy(p, &c, "p32", d0 + 32 * DAY, 60000), 600);
	assert_int_equal(last(p, &c, 0).kind, LOYALTY_ENTRY_EARN);
	assert_int_equal(progress(p, &c, d0 + 40 * DAY).metric, 60000);
	assert_report(sweep(p, d0 + 41 * DAY), 0, 0, 0, 0);
	assert_string_equal(TIER(p, &c), "gold");
	assert_report(sweep(p, d0 + 48 * DAY - 1), 0, 0, 0, 0);
	assert_report(sweep(p, d0 + 48 * DAY), 0, 0, 1, 1);
	check_last_tier(p, &c, "gold", "silver", "review", d0 + 48 * DAY);
	check_ledger(p, &c);
	loyalty_program_free(p);
}

/* A paid tier holds through the review until `until` (exclusive), then the review applies. */
static void test_paid_tier_held_until_then_reviewed(void **state)
{
	loyalty_program *p = program(0, NULL);
	loyalty_time until = T(2026, 3, 1, 0, 0);
	loyalty_entry e;
	loyalty_id c, g, ghost;
	snap before;

	(void)state;
	add_tiers(p, 50000, 100000);
	c = enroll(p, 1, T(2025, 1, 1, 0, 0));
	g = enroll(p, 2, T(2025, 1, 1, 0, 0));
	assert_int_equal(buy(p, &c, "p1", T(2025, 2, 1, 12, 0), 60000), 600);
	assert_string_equal(TIER(p, &c), "silver");

	before = take(p, &c);
	assert_status(loyalty_program_assign_tier(p, "x1", &c, "platinum", until, T(2025, 6, 1, 0, 0)),
	              LOYALTY_ENOTFOUND);
	memset(&ghost, 0x77, sizeof ghost);
	assert_status(loyalty_program_assign_tier(p, "x1", &ghost, "gold", until, T(2025, 6, 1, 0, 0)),
	              LOYALTY_ENOTFOUND);
	assert_status(loyalty_program_assign_tier(p, "x1", &c, "gold", T(2025, 6, 1, 0, 0), T(2025, 6, 1, 0, 0)),
	              LOYALTY_EINVAL);
	assert_same(before, take(p, &c));

	assert_ok(loyalty_program_assign_tier(p, "paid-1", &c, "gold", until, T(2025, 6, 1, 0, 0)));
	e = last(p, &c, 0);
	check_tier(&e, "silver", "gold", "paid", T(2025, 6, 1, 0, 0));
	assert_string_equal(e.key, "paid-1");
	before = take(p, &c);
	assert_ok(loyalty_program_assign_tier(p, "paid-1", &c, "gold", until, T(2025, 6, 1, 0, 0)));
	assert_same(before, take(p, &c));
	assert_status(loyalty_program_assign_tier(p, "paid-1", &c, "gold", until + 1, T(2025, 6, 1, 0, 0)),
	              LOYALTY_ECONFLICT);

	/* a paid tier below the tier held changes nothing visible */
	assert_int_equal(buy(p, &g, "g1", T(2025, 2, 1, 12, 0), 100000), 1000);
	before = take(p, &g);
	assert_ok(loyalty_program_assign_tier(p, "paid-2", &g, "silver", until, T(2025, 6, 1, 0, 0)));
	assert_same(before, take(p, &g));

	/* the 2026 review: 2025 supports silver for c, gold for g; the paid gold holds */
	assert_report(sweep(p, T(2026, 1, 1, 0, 0)), 0, 0, 0, 0);
	assert_string_equal(TIER(p, &c), "gold");
	assert_report(sweep(p, until - 1), 0, 0, 0, 0);
	assert_string_equal(TIER(p, &c), "gold");
	/* it ends: back to what the review gives (silver, from 2025) */
	assert_report(sweep(p, until), 0, 0, 1, 1);
	e = last(p, &c, 0);
	check_tier(&e, "gold", "silver", "review", until);
	assert_string_equal(TIER(p, &g), "gold");
	assert_report(sweep(p, until + DAY), 0, 0, 0, 0);
	check_ledger(p, &c);
	check_ledger(p, &g);
	loyalty_program_free(p);
}

/*
 * In a rolling window a paid tier ends like any shortfall: the first sweep at
 * or after `until` notes it, and the tier drops when the grace is over.
 */
static void test_paid_tier_in_a_rolling_window(void **state)
{
	loyalty_program *p = rolling_program();
	loyalty_time d0 = T(2025, 3, 1, 12, 0), until = d0 + 20 * DAY;
	loyalty_id c;

	(void)state;
	c = enroll(p, 1, T(2025, 1, 1, 0, 0));
	assert_int_equal(buy(p, &c, "p0", d0, 60000), 600);
	check_last_tier(p, &c, "none", "silver", "qualified", d0);
	assert_ok(loyalty_program_assign_tier(p, "paid", &c, "gold", until, d0 + DAY));
	check_last_tier(p, &c, "silver", "gold", "paid", d0 + DAY);
	assert_report(sweep(p, until - 1), 0, 0, 0, 0);
	assert_report(sweep(p, until), 0, 0, 0, 0); /* ended: below gold from now */
	assert_report(sweep(p, until + 7 * DAY - 1), 0, 0, 0, 0);
	assert_string_equal(TIER(p, &c), "gold");
	assert_report(sweep(p, until + 7 * DAY), 0, 0, 1, 1);
	check_last_tier(p, &c, "gold", "silver", "review", until + 7 * DAY);
	/* day 30: the purchase leaves the window; silver gets its own grace */
	assert_report(sweep(p, d0 + 31 * DAY), 0, 0, 0, 0);
	assert_string_equal(TIER(p, &c), "silver");
	assert_report(sweep(p, d0 + 38 * DAY), 0, 0, 1, 1);
	check_last_tier(p, &c, "silver", "none", "review", d0 + 38 * DAY);
	check_ledger(p, &c);
	loyalty_program_free(p);
}

static void test_tier_benefits(void **state)
{
	loyalty_program *p = program(0, NULL);

	(void)state;
	add_tiers(p, 50000, 100000);
	assert_int_equal(loyalty_program_tier_count(p), 2);
	assert_string_equal(loyalty_program_tier_name(p, 0), "silver");
	assert_int_equal(loyalty_program_tier_threshold(p, 1), 100000);
	assert_null(loyalty_program_tier_name(p, 2));
	assert_int_equal(loyalty_program_tier_threshold(p, 2), -1);
	assert_true(loyalty_program_tier_has_benefit(p, "gold", "free_delivery"));
	assert_true(loyalty_program_tier_has_benefit(p, "gold", "member_events"));
	assert_true(loyalty_program_tier_has_benefit(p, "silver", "early_access"));
	assert_false(loyalty_program_tier_has_benefit(p, "silver", "free_delivery"));
	assert_false(loyalty_program_tier_has_benefit(p, "platinum", "early_access"));
	assert_false(loyalty_program_tier_has_benefit(p, "gold", NULL));
	assert_int_equal(loyalty_program_tier_benefit_count(p, "gold"), 3);
	assert_int_equal(loyalty_program_tier_benefit_count(p, "silver"), 1);
	assert_int_equal(loyalty_program_tier_benefit_count(p, "platinum"), 0);
	assert_string_equal(loyalty_program_tier_benefit(p, "gold", 0), "early_access");
	assert_string_equal(loyalty_program_tier_benefit(p, "gold", 2), "member_events");
	assert_null(loyalty_program_tier_benefit(p, "gold", 3));
	assert_null(loyalty_program_tier_benefit(p, "platinum", 0));
	loyalty_program_free(p);
}

/* Regression: the tier follows the qualifying metric, never the balance. */
static void test_tier_is_the_metric_not_the_balance(void **state)
{
	loyalty_tier_metric metrics[] = { LOYALTY_TIER_BY_SPEND, LOYALTY_TIER_BY_POINTS };

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
		loyalty_reward_def d = reward("tv", 1000);
		loyalty_redemption r;
		loyalty_program *p;
		loyalty_id c, rich;

		o.tier_metric = metrics[k];
		p = program(0, &o);
		if (k == 0)
			add_tiers(p, 50000, 100000);
		else
			add_tiers(p, 500, 1000);
		assert_ok(loyalty_program_add_reward(p, &d));
		c = enroll(p, 1, T(2025, 1, 1, 0, 0));
		rich = enroll(p, 2, T(2025, 1, 1, 0, 0));
		assert_int_equal(buy(p, &c, "p1", T(2025, 2, 1, 12, 0), 100000), 1000);
		assert_string_equal(TIER(p, &c), "gold");
		assert_ok(loyalty_program_redeem(p, "r1", &c, "tv", T(2025, 2, 2, 12, 0), &r));
		assert_int_equal(available(p, &c), 0);
		assert_string_equal(TIER(p, &c), "gold");
		assert_report(sweep(p, T(2025, 2, 3, 0, 0)), 0, 0, 0, 0);
		assert_report(sweep(p, T(2026, 1, 1, 0, 0)), 0, 0, 0, 0); /* 2025 supports gold */
		assert_string_equal(TIER(p, &c), "gold");
		assert_int_equal(progress(p, &c, T(2025, 2, 3, 0, 0)).metric, k == 0 ? 100000 : 1000);
		/* and a large balance without qualifying purchases earns no tier */
		assert_ok(loyalty_program_adjust(p, "a1", &rich, 50000, "migration", T(2026, 1, 2, 0, 0), NULL));
		assert_report(sweep(p, T(2026, 1, 3, 0, 0)), 0, 0, 0, 0);
		assert_string_equal(TIER(p, &rich), "");
		assert_int_equal(progress(p, &rich, T(2026, 1, 3, 0, 0)).metric, 0);
		check_ledger(p, &c);
		check_ledger(p, &rich);
		loyalty_program_free(p);
	}
}

/* ---- progress ------------------------------------------------------------------------ */

static void test_progress_and_points_missing(void **state)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_reward_def d;
	loyalty_progress pr;
	loyalty_points missing;
	loyalty_program *p;
	loyalty_id c, ghost;

	(void)state;
	o.pending_days = 7;
	o.expiry = LOYALTY_EXPIRY_BUCKET;
	o.expiry_days = 30;
	p = program(0, &o);
	add_tiers(p, 50000, 100000);
	d = reward("coffee", 150);
	assert_ok(loyalty_program_add_reward(p, &d));
	d = reward("blender", 2000);
	assert_ok(loyalty_program_add_reward(p, &d));
	c = enroll(p, 1, T(2025, 1, 1, 0, 0));
	memset(&ghost, 0x12, sizeof ghost);

	pr = progress(p, &c, T(2025, 1, 1, 0, 0));
	assert_string_equal(pr.tier, "");
	assert_string_equal(pr.next_tier, "silver");
	assert_int_equal(pr.metric, 0);
	assert_int_equal(pr.to_next_tier, 50000);
	assert_int_equal(pr.available + pr.pending + pr.debt, 0);
	assert_int_equal(pr.next_maturity, 0);
	assert_int_equal(pr.next_expiry, 0);

	assert_int_equal(buy(p, &c, "p1", T(2025, 1, 10, 12, 0), 60000), 600);
	pr = progress(p, &c, T(2025, 1, 11, 0, 0));
	assert_string_equal(pr.tier, "silver");
	assert_string_equal(pr.next_tier, "gold");
	assert_int_equal(pr.metric, 60000);
	assert_int_equal(pr.to_next_tier, 40000);
	assert_int_equal(pr.available, 0);
	assert_int_equal(pr.pending, 600);
	assert_int_equal(pr.debt, 0);
	assert_int_equal(pr.next_maturity, T(2025, 1, 17, 12, 0));
	assert_int_equal(pr.next_maturity_points, 600);
	assert_int_equal(pr.next_expiry, 0);
	assert_int_equal(pr.next_expiry_points, 0);
	assert_ok(loyalty_program_points_missing(p, &c, "coffee", &missing));
	assert_int_equal(missing, 150); /* pending points are not spendable */
	assert_ok(loyalty_program_points_missing(p, &c, "blender", &missing));
	assert_int_equal(missing, 2000);

	assert_report(sweep(p, T(2025, 1, 17, 12, 0)), 600, 0, 0, 1);
	assert_int_equal(buy(p, &c, "p2", T(2025, 1, 20, 12, 0), 10000), 100);
	assert_int_equal(buy(p, &c, "p3", T(2025, 1, 20, 12, 0), 5000), 50);
	pr = progress(p, &c, T(2025, 1, 20, 12, 0));
	assert_int_equal(pr.metric, 75000);
	assert_int_equal(pr.to_next_tier, 25000);
	assert_int_equal(pr.available, 600);
	assert_int_equal(pr.pending, 150);
	assert_int_equal(pr.next_maturity, T(2025, 1, 27, 12, 0));
	assert_int_equal(pr.next_maturity_points, 150); /* both holds end together */
	assert_int_equal(pr.next_expiry, T(2025, 2, 16, 12, 0));
	assert_int_equal(pr.next_expiry_points, 600);
	assert_ok(loyalty_program_points_missing(p, &c, "coffee", &missing));
	assert_int_equal(missing, 0);
	assert_ok(loyalty_program_points_missing(p, &c, "blender", &missing));
	assert_int_equal(missing, 1400);
	assert_status(loyalty_program_points_missing(p, &c, "nope", &missing), LOYALTY_ENOTFOUND);
	assert_status(loyalty_program_points_missing(p, &ghost, "coffee", &missing), LOYALTY_ENOTFOUND);
	assert_status(loyalty_program_progress(p, &ghost, T(2025, 1, 20, 12, 0), &pr), LOYALTY_ENOTFOUND);
	assert_status(loyalty_program_progress(p, &c, T(2025, 1, 20, 12, 0), NULL), LOYALTY_EINVAL);

	/* at the top */
	assert_int_equal(buy(p, &c, "p4", T(2025, 1, 21, 12, 0), 25000), 250);
	pr = progress(p, &c, T(2025, 1, 21, 12, 0));
	assert_string_equal(pr.tier, "gold");
	assert_string_equal(pr.next_tier, "");
	assert_int_equal(pr.to_next_tier, 0);
	assert_int_equal(pr.metric, 100000);
	check_ledger(p, &c);
	loyalty_program_free(p);
}

/* ---- regressions --------------------------------------------------------------------- */

/*
 * With bucket expiry, every way points arrive makes a bucket with an expiry:
 * purchases (held, then matured), actions, partners, referral bonuses,
 * adjustments, incoming transfers and cancelled redemptions. Far in the
 * future all of them have expired.
 */
static void test_every_bucket_expires(void **state)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_reward_def d = reward("mug", 30);
	loyalty_customer *prof;
	loyalty_redemption r;
	loyalty_program *p;
	loyalty_id a, b;
	char code[LOYALTY_REFERRAL_CODE_LEN + 1];

	(void)state;
	o.expiry = LOYALTY_EXPIRY_BUCKET;
	o.expiry_days = 30;
	o.pending_days = 5;
	o.referrer_bonus = 70;
	o.referee_bonus = 30;
	p = program(0, &o);
	assert_ok(loyalty_program_add_action(p, "survey", 11, 0, LOYALTY_PERIOD_NONE));
	assert_ok(loyalty_program_add_partner(p, "airline", (loyalty_fraction){ 1, 2 }));
	assert_ok(loyalty_program_add_reward(p, &d));
	a = enroll(p, 1, T(2025, 1, 1, 0, 0));
	assert_ok(loyalty_program_referral_code(p, &a, code, sizeof code));
	prof = torture_customer(2);
	b = *loyalty_customer_id(prof);
	assert_ok(loyalty_program_enroll(p, "enroll-2", prof, code, T(2025, 1, 1, 0, 0), NULL));
	loyalty_customer_free(prof);

	assert_int_equal(buy(p, &b, "pb", T(2025, 1, 2, 0, 0), 10000), 100); /* held; pays both referral bonuses */
	assert_ok(loyalty_program_record_action(p, "s1", &a, "survey", T(2025, 1, 3, 0, 0), NULL));
	assert_ok(loyalty_program_credit_partner(p, "f1", &a, "airline", 45, T(2025, 1, 4, 0, 0), NULL)); /* 22 */
	assert_ok(loyalty_program_adjust(p, "a1", &a, 9, "goodwill", T(2025, 1, 5, 0, 0), NULL));
	assert_ok(loyalty_program_transfer(p, "t1", &a, &b, 40, T(2025, 1, 6, 0, 0)));
	assert_ok(loyalty_program_redeem(p, "r1", &b, "mug", T(2025, 1, 7, 0, 0), &r));
	assert_ok(loyalty_program_cancel_redemption(p, "c1", &r.id, T(2025, 1, 8, 0, 0), NULL));
	assert_report(sweep(p, T(2025, 1, 8, 0, 0)), 100, 0, 0, 1);
	assert_int_equal(available(p, &a), 70 + 11 + 22 + 9 - 40);
	assert_int_equal(available(p, &b), 30 + 40 + 100);
	assert_true(progress(p, &a, T(2025, 1, 8, 0, 0)).next_expiry > 0);
	assert_true(progress(p, &b, T(2025, 1, 8, 0, 0)).next_expiry > 0);

	/* the last to arrive (the matured purchase, 7 January) expires 6 February; b's referral
	 * bonus and the points transferred to it expire together (1 February): one bucket */
	assert_report(sweep(p, T(2025, 2, 6, 0, 0)), 0, 72 + 170, 0, 4 + 2);
	assert_int_equal(available(p, &a), 0);
	assert_int_equal(available(p, &b), 0);
	assert_int_equal(take(p, &a).expired, 72);
	assert_int_equal(take(p, &b).expired, 170);
	assert_int_equal(progress(p, &a, T(2025, 2, 6, 0, 0)).next_expiry, 0);
	check_ledger(p, &a);
	check_ledger(p, &b);
	loyalty_program_free(p);

	/* and with LOYALTY_EXPIRY_NEVER nothing ever expires */
	p = program(0, NULL);
	a = enroll(p, 1, T(2025, 1, 1, 0, 0));
	assert_int_equal(buy(p, &a, "p", T(2025, 1, 2, 0, 0), 10000), 100);
	assert_int_equal(progress(p, &a, T(2025, 1, 2, 0, 0)).next_expiry, 0);
	assert_report(sweep(p, T(2100, 1, 1, 0, 0)), 0, 0, 0, 0);
	assert_int_equal(available(p, &a), 100);
	check_ledger(p, &a);
	loyalty_program_free(p);
}

/*
 * Regression: an expiry shifted by a time zone. At UTC-05:00, "the end of the
 * day" is local midnight, 05:00 UTC. Points earned at 03:00 UTC on 11 March
 * were earned on 10 March locally.
 */
static void test_expiry_at_local_midnight_west_of_utc(void **state)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_time x = T(2025, 3, 12, 5, 0);
	loyalty_program *p;
	loyalty_entry e;
	loyalty_id c;

	(void)state;
	o.expiry = LOYALTY_EXPIRY_BUCKET;
	o.expiry_days = 1;
	o.expiry_round_up = LOYALTY_PERIOD_DAY;
	p = program(-300, &o);
	assert_int_equal(x, L(2025, 3, 12, 0, 0, -300));
	c = enroll(p, 1, T(2025, 3, 1, 0, 0));
	assert_int_equal(buy(p, &c, "p1", T(2025, 3, 10, 15, 0), 10000), 100); /* 10:00 local, 10 March */
	assert_int_equal(buy(p, &c, "p2", T(2025, 3, 11, 3, 0), 5000), 50);    /* 22:00 local, 10 March */
	assert_int_equal(progress(p, &c, T(2025, 3, 11, 3, 0)).next_expiry, x);
	assert_int_equal(progress(p, &c, T(2025, 3, 11, 3, 0)).next_expiry_points, 150);
	assert_report(sweep(p, T(2025, 3, 12, 0, 0)), 0, 0, 0, 0); /* UTC midnight: not yet */
	assert_report(sweep(p, x - 1), 0, 0, 0, 0);
	assert_report(sweep(p, x), 0, 150, 0, 1); /* both expire together: one bucket, one entry */
	e = last(p, &c, 0);
	assert_int_equal(e.at, x);
	assert_int_equal(e.points, -150);
	check_ledger(p, &c);
	loyalty_program_free(p);
}

/*
 * Regression: a leap-day birthday inside a program, at UTC+09:00. Born on
 * 29 February, with feb29=feb28: in 2027 the birthday is 28 February (local),
 * in 2028 it is 29 February.
 */
static void test_leap_day_birthday_customer(void **state)
{
	loyalty_program *p = program_with(540, NULL, "birthday", "bday", "bonus=50 period=day feb29=feb28");
	loyalty_customer *prof = torture_customer(1), *got = NULL;
	loyalty_id c = *loyalty_customer_id(prof);
	int m = 0, d = 0;

	(void)state;
	assert_ok(loyalty_customer_set_birthday(prof, 2, 29));
	assert_ok(loyalty_program_enroll(p, "e1", prof, NULL, T(2026, 12, 1, 0, 0), NULL));
	loyalty_customer_free(prof);
	assert_ok(loyalty_program_get_customer(p, &c, &got));
	assert_ok(loyalty_customer_birthday(got, &m, &d));
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	loyalty_customer_free(got);

	/* 2027: 16:00 UTC on 27 February is 01:00 on 28 February in Tokyo */
	assert_int_equal(buy(p, &c, "a", T(2027, 2, 27, 14, 0), 2000), 20);      /* 23:00 local, 27 Feb */
	assert_int_equal(buy(p, &c, "b", T(2027, 2, 27, 16, 0), 2000), 20 + 50); /* 01:00 local, 28 Feb */
	assert_int_equal(buy(p, &c, "c", T(2027, 2, 28, 16, 0), 2000), 20);      /* 01:00 local, 1 Mar */
	/* 2028, a leap year: 29 February only */
	assert_int_equal(buy(p, &c, "d", T(2028, 2, 27, 16, 0), 2000), 20);      /* 28 Feb local */
	assert_int_equal(buy(p, &c, "e", T(2028, 2, 28, 15, 30), 2000), 20 + 50); /* 00:30 local, 29 Feb */
	assert_int_equal(buy(p, &c, "f", T(2028, 2, 29, 15, 0), 2000), 20);      /* 00:00 local, 1 Mar */
	assert_int_equal(available(p, &c), 6 * 20 + 2 * 50);
	assert_int_equal(take(p, &c).earned, 220);
	check_ledger(p, &c);
	loyalty_program_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_expiry_after_fixed_days),
		cmocka_unit_test(test_bucket_expiry_in_months_month_end_rule),
		cmocka_unit_test(test_bucket_expiry_rounded_up_in_program_offset),
		cmocka_unit_test(test_pending_points_start_validity_when_they_mature),
		cmocka_unit_test(test_inactivity_expiry_and_what_counts_as_activity),
		cmocka_unit_test(test_inactivity_expiry_is_not_dated_before_the_points_existed),
		cmocka_unit_test(test_maintenance_order_idempotence_and_report),
		cmocka_unit_test(test_tier_upgrade_right_after_the_crossing_purchase),
		cmocka_unit_test(test_tier_by_points),
		cmocka_unit_test(test_year_end_review_with_and_without_grace),
		cmocka_unit_test(test_requalifying_in_the_new_year_keeps_the_tier),
		cmocka_unit_test(test_rolling_window_with_grace),
		cmocka_unit_test(test_rolling_window_recovery_cancels_the_grace),
		cmocka_unit_test(test_paid_tier_held_until_then_reviewed),
		cmocka_unit_test(test_paid_tier_in_a_rolling_window),
		cmocka_unit_test(test_tier_benefits),
		cmocka_unit_test(test_tier_is_the_metric_not_the_balance),
		cmocka_unit_test(test_progress_and_points_missing),
		cmocka_unit_test(test_every_bucket_expires),
		cmocka_unit_test(test_expiry_at_local_midnight_west_of_utc),
		cmocka_unit_test(test_leap_day_birthday_customer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
