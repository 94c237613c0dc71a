/*
 * The what-if simulator and its histories: a small history whose difference
 * is known exactly (the alternative pays 2 points per dollar instead of 1 and
 * reaches gold at $200 instead of $300), determinism, every source (a
 * program, an export, a directory read while a live program holds it open, a
 * CSV file), malformed CSV lines, argument and state errors, and progress
 * reports with cancellation at several points.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "torture.h"

#define T(mo, d) torture_time(2026, (mo), (d), 12, 0)

/* ---- the programs ------------------------------------------------------------- */

/* A USD program paying @p per_dollar points per dollar, tiers silver ($100) and gold
 * (@p gold minor units) by spend in the calendar year, and a 300-point voucher. */
static loyalty_program *program(int per_dollar, int64_t gold)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	loyalty_reward_def voucher = LOYALTY_REWARD_DEF_INIT;
	loyalty_program *p = NULL;
	char params[64];

	snprintf(params, sizeof params, "points=%d per=100", per_dollar);
	assert_ok(loyalty_calculator_add(c, "base_rate", "dollar", params));
	assert_ok(loyalty_program_new(&p, c, &o));
	assert_ok(loyalty_program_add_tier(p, "silver", 10000, NULL, 0));
	assert_ok(loyalty_program_add_tier(p, "gold", gold, NULL, 0));
	voucher.id = "voucher";
	voucher.cost = 300;
	assert_ok(loyalty_program_add_reward(p, &voucher));
	return p;
}

static loyalty_program *base_program(void) { return program(1, 30000); }
static loyalty_program *alternative_program(void) { return program(2, 20000); }

static void enroll(loyalty_program *p, unsigned n, const char *ref, loyalty_time at)
{
	loyalty_customer *c = torture_customer(n);
	char key[32];

	assert_ok(loyalty_customer_set_external_ref(c, ref));
	snprintf(key, sizeof key, "join-%s", ref);
	assert_ok(loyalty_program_enroll(p, key, c, NULL, at, NULL));
	loyalty_customer_free(c);
}

static void buy(loyalty_program *p, unsigned n, const char *key, loyalty_time at, int64_t cents)
{
	loyalty_customer *c = torture_customer(n);
	loyalty_purchase *pu = torture_purchase(c, key, at, "USD");

	assert_ok(loyalty_purchase_add_item(pu, "thing", "goods", 1, cents));
	assert_ok(loyalty_program_record_purchase(p, pu, NULL));
	loyalty_purchase_free(pu);
	loyalty_customer_free(c);
}

/* The recorded history (into a live program with the alternative's definition, so that
 * ada's redemption was paid and is part of it):
 *   ada: joins Jan 5, $120 Jan 10, $90 Feb 3, redeems the voucher Feb 10
 *   bob: joins Jan 6, $50 Jan 20, $20 of it refunded Feb 1
 *   cy:  joins Feb 2, $350 Mar 1 */
static void record_history(loyalty_program *p)
{
	loyalty_refund_result rr;
	loyalty_redemption red;
	loyalty_customer *ada = torture_customer(1);

	enroll(p, 1, "ada", T(1, 5));
	enroll(p, 2, "bob", T(1, 6));
	buy(p, 1, "o-1", T(1, 10), 12000);
	buy(p, 2, "o-2", T(1, 20), 5000);
	assert_ok(loyalty_program_refund(p, "r-1", "o-2", 2000, T(2, 1), &rr));
	enroll(p, 3, "cy", T(2, 2));
	buy(p, 1, "o-3", T(2, 3), 9000);
	assert_ok(loyalty_program_redeem(p, "x-1", loyalty_customer_id(ada), "voucher", T(2, 10), &red));
	buy(p, 3, "o-4", T(3, 1), 35000);
	loyalty_customer_free(ada);
}

static loyalty_simulation_report *simulate(const loyalty_history *h)
{
	loyalty_simulation_options o = LOYALTY_SIMULATION_OPTIONS_INIT;
	loyalty_program *base = base_program(), *alt = alternative_program();
	loyalty_simulation_report *r = NULL;

	o.point_value.num = 1; /* half a cent per point */
	o.point_value.den = 2;
	assert_ok(loyalty_simulate(h, base, alt, &o, &r));
	loyalty_program_free(base);
	loyalty_program_free(alt);
	return r;
}

static void assert_totals(const loyalty_simulation_totals *t, int64_t customers, int64_t purchases, int64_t refunds,
                          int64_t redemptions, int64_t refused, loyalty_points issued, loyalty_points redeemed,
                          loyalty_points liability)
{
	assert_int_equal(t->customers, customers);
	assert_int_equal(t->purchases, purchases);
	assert_int_equal(t->refunds, refunds);
	assert_int_equal(t->redemptions, redemptions);
	assert_int_equal(t->redemptions_refused, refused);
	assert_int_equal(t->issued, issued);
	assert_int_equal(t->redeemed, redeemed);
	assert_int_equal(t->expired, 0);
	assert_int_equal(t->liability, liability);
}

static void assert_period(const loyalty_simulation_report *r, int side, size_t i, loyalty_time end,
                          loyalty_points issued, loyalty_points redeemed, loyalty_points liability)
{
	loyalty_simulation_period p;

	assert_ok(loyalty_simulation_report_period_at(r, side, i, &p));
	assert_int_equal(p.end, end);
	assert_int_equal(p.issued, issued);
	assert_int_equal(p.redeemed, redeemed);
	assert_int_equal(p.expired, 0);
	assert_int_equal(p.liability, liability);
}

static void assert_tier(const loyalty_simulation_report *r, int side, size_t i, const char *name, int64_t n)
{
	loyalty_simulation_tier t;

	assert_ok(loyalty_simulation_report_tier_at(r, side, i, &t));
	assert_string_equal(t.name, name);
	assert_int_equal(t.customers, n);
}

static loyalty_time M(int month)
{
	return torture_time(2026, month, 1, 0, 0);
}

/* Every figure of the known scenario (purchases only when @p full is 0: the CSV source). */
static void assert_known_report(const loyalty_simulation_report *r)
{
	loyalty_simulation_totals b, a, d;
	loyalty_simulation_tier_change ch;

	/* base: 1 point per dollar: 120 + 50 - 20 + 90 + 350 = 590; ada cannot pay the voucher */
	assert_ok(loyalty_simulation_report_totals(r, LOYALTY_SIDE_BASE, &b));
	assert_totals(&b, 3, 4, 1, 0, 1, 590, 0, 590);
	assert_frac(b.cost, 295, 1);
	assert_frac(b.liability_value, 295, 1);
	/* alternative: twice as many points; ada pays 300 of her 420 */
	assert_ok(loyalty_simulation_report_totals(r, LOYALTY_SIDE_ALTERNATIVE, &a));
	assert_totals(&a, 3, 4, 1, 1, 0, 1180, 300, 880);
	assert_frac(a.cost, 590, 1);
	assert_frac(a.liability_value, 440, 1);
	assert_ok(loyalty_simulation_report_difference(r, &d));
	assert_totals(&d, 0, 0, 0, 1, -1, 590, 300, 290);
	assert_frac(d.cost, 295, 1);
	assert_frac(d.liability_value, 145, 1);
	assert_frac(loyalty_simulation_report_point_value(r), 1, 2);
	assert_int_equal(loyalty_simulation_report_end(r), M(4));

	/* month ends: Feb 1, Mar 1, and the end (Apr 1) */
	assert_int_equal(loyalty_simulation_report_period_count(r), 3);
	assert_period(r, LOYALTY_SIDE_BASE, 0, M(2), 170, 0, 170);
	assert_period(r, LOYALTY_SIDE_BASE, 1, M(3), 240, 0, 240);
	assert_period(r, LOYALTY_SIDE_BASE, 2, M(4), 590, 0, 590);
	assert_period(r, LOYALTY_SIDE_ALTERNATIVE, 0, M(2), 340, 0, 340);
	assert_period(r, LOYALTY_SIDE_ALTERNATIVE, 1, M(3), 480, 300, 180);
	assert_period(r, LOYALTY_SIDE_ALTERNATIVE, 2, M(4), 1180, 300, 880);
	assert_status(loyalty_simulation_report_period_at(r, LOYALTY_SIDE_BASE, 3, &(loyalty_simulation_period){ 0 }),
	              LOYALTY_ERANGE);

	/* tiers: bob has none; ada is silver under the base, gold under the alternative */
	assert_int_equal(loyalty_simulation_report_tier_count(r, LOYALTY_SIDE_BASE), 3);
	assert_tier(r, LOYALTY_SIDE_BASE, 0, "", 1);
	assert_tier(r, LOYALTY_SIDE_BASE, 1, "silver", 1);
	assert_tier(r, LOYALTY_SIDE_BASE, 2, "gold", 1);
	assert_tier(r, LOYALTY_SIDE_ALTERNATIVE, 0, "", 1);
	assert_tier(r, LOYALTY_SIDE_ALTERNATIVE, 1, "silver", 0);
	assert_tier(r, LOYALTY_SIDE_ALTERNATIVE, 2, "gold", 2);
	assert_int_equal(loyalty_simulation_report_tier_change_count(r), 1);
	assert_ok(loyalty_simulation_report_tier_change_at(r, 0, &ch));
	assert_string_equal(ch.external_ref, "ada");
	assert_string_equal(ch.base_tier, "silver");
	assert_string_equal(ch.alternative_tier, "gold");
	assert_int_equal(ch.customer.bytes[15], 1);
	assert_status(loyalty_simulation_report_tier_change_at(r, 1, &ch), LOYALTY_ERANGE);
}

static void assert_known_history(const loyalty_history *h)
{
	assert_int_equal(loyalty_history_count(h, LOYALTY_EVENT_ALL), 9);
	assert_int_equal(loyalty_history_count(h, LOYALTY_EVENT_ENROLL), 3);
	assert_int_equal(loyalty_history_count(h, LOYALTY_EVENT_PURCHASE), 4);
	assert_int_equal(loyalty_history_count(h, LOYALTY_EVENT_REFUND), 1);
	assert_int_equal(loyalty_history_count(h, LOYALTY_EVENT_REDEEM), 1);
	assert_int_equal(loyalty_history_count(h, 7), 0);
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_known_difference(void **state)
{
	loyalty_program *live = alternative_program();
	loyalty_history *h = NULL;
	loyalty_simulation_report *r;

	(void)state;
	record_history(live);
	assert_ok(loyalty_history_from_program(&h, live, NULL, NULL));
	assert_known_history(h);
	r = simulate(h);
	assert_known_report(r);
	/* the live program was only read */
	assert_int_equal(loyalty_program_customer_count(live), 3);
	loyalty_simulation_report_free(r);
	loyalty_history_free(h);
	loyalty_program_free(live);
}

static void assert_same_report(const loyalty_simulation_report *x, const loyalty_simulation_report *y)
{
	for (int side = 0; side < 2; side++) {
		loyalty_simulation_totals a, b;
		assert_ok(loyalty_simulation_report_totals(x, side, &a));
		assert_ok(loyalty_simulation_report_totals(y, side, &b));
		assert_memory_equal(&a, &b, sizeof a);
		assert_int_equal(loyalty_simulation_report_period_count(x), loyalty_simulation_report_period_count(y));
		for (size_t i = 0; i < loyalty_simulation_report_period_count(x); i++) {
			loyalty_simulation_period p, q;
			assert_ok(loyalty_simulation_report_period_at(x, side, i, &p));
			assert_ok(loyalty_simulation_report_period_at(y, side, i, &q));
			assert_memory_equal(&p, &q, sizeof p);
		}
		assert_int_equal(loyalty_simulation_report_tier_count(x, side), loyalty_simulation_report_tier_count(y, side));
		for (size_t i = 0; i < loyalty_simulation_report_tier_count(x, side); i++) {
			loyalty_simulation_tier p, q;
			assert_ok(loyalty_simulation_report_tier_at(x, side, i, &p));
			assert_ok(loyalty_simulation_report_tier_at(y, side, i, &q));
			assert_string_equal(p.name, q.name);
			assert_int_equal(p.customers, q.customers);
		}
	}
	assert_int_equal(loyalty_simulation_report_tier_change_count(x), loyalty_simulation_report_tier_change_count(y));
	for (size_t i = 0; i < loyalty_simulation_report_tier_change_count(x); i++) {
		loyalty_simulation_tier_change p, q;
		assert_ok(loyalty_simulation_report_tier_change_at(x, i, &p));
		assert_ok(loyalty_simulation_report_tier_change_at(y, i, &q));
		assert_memory_equal(&p.customer, &q.customer, sizeof p.customer);
		assert_string_equal(p.external_ref, q.external_ref);
		assert_string_equal(p.base_tier, q.base_tier);
		assert_string_equal(p.alternative_tier, q.alternative_tier);
	}
}

/* The same inputs give the same report, whatever order the history was built in. */
static void test_deterministic(void **state)
{
	loyalty_program *live = alternative_program();
	loyalty_history *h = NULL, *shuffled = NULL;
	loyalty_simulation_report *r1, *r2, *r3;
	loyalty_customer *c;
	loyalty_purchase *pu;

	(void)state;
	record_history(live);
	assert_ok(loyalty_history_from_program(&h, live, NULL, NULL));
	r1 = simulate(h);
	r2 = simulate(h);
	assert_same_report(r1, r2);

	/* built by hand, newest first */
	assert_ok(loyalty_history_new(&shuffled));
	c = torture_customer(3);
	pu = torture_purchase(c, "o-4", T(3, 1), "USD");
	assert_ok(loyalty_purchase_add_item(pu, "thing", "goods", 1, 35000));
	assert_ok(loyalty_history_add_purchase(shuffled, pu));
	loyalty_purchase_free(pu);
	{
		loyalty_customer *ada = torture_customer(1);
		assert_ok(loyalty_history_add_redemption(shuffled, "x-1", loyalty_customer_id(ada), "voucher", T(2, 10)));
		loyalty_customer_free(ada);
	}
	assert_ok(loyalty_customer_set_external_ref(c, "cy"));
	assert_ok(loyalty_history_add_enrollment(shuffled, "join-cy", c, NULL, T(2, 2)));
	loyalty_customer_free(c);
	for (unsigned n = 1; n <= 2; n++) {
		const char *ref = n == 1 ? "ada" : "bob";
		char key[16];
		c = torture_customer(n);
		assert_ok(loyalty_customer_set_external_ref(c, ref));
		snprintf(key, sizeof key, "join-%s", ref);
		pu = torture_purchase(c, n == 1 ? "o-3" : "o-2", n == 1 ? T(2, 3) : T(1, 20), "USD");
		assert_ok(loyalty_purchase_add_item(pu, "thing", "goods", 1, n == 1 ? 9000 : 5000));
		assert_ok(loyalty_history_add_purchase(shuffled, pu));
		loyalty_purchase_free(pu);
		if (n == 1) {
			pu = torture_purchase(c, "o-1", T(1, 10), "USD");
			assert_ok(loyalty_purchase_add_item(pu, "thing", "goods", 1, 12000));
			assert_ok(loyalty_history_add_purchase(shuffled, pu));
			loyalty_purchase_free(pu);
		}
		assert_ok(loyalty_history_add_enrollment(shuffled, key, c, NULL, n == 1 ? T(1, 5) : T(1, 6)));
		loyalty_customer_free(c);
	}
	assert_ok(loyalty_history_add_refund(shuffled, "r-1", "o-2", 2000, T(2, 1)));
	assert_known_history(shuffled);
	r3 = simulate(shuffled);
	assert_known_report(r3);
	assert_same_report(r1, r3);
	loyalty_simulation_report_free(r1);
	loyalty_simulation_report_free(r2);
	loyalty_simulation_report_free(r3);
	loyalty_history_free(h);
	loyalty_history_free(shuffled);
	loyalty_program_free(live);
}

static char *temp_path(const char *name)
{
	static char dir[256];
	char *path = malloc(512);

	if (dir[0] == '\0') {
		snprintf(dir, sizeof dir, "%s/loyalty-simtest-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		assert_non_null(mkdtemp(dir));
	}
	snprintf(path, 512, "%s/%s", dir, name);
	return path;
}

static void test_from_export(void **state)
{
	loyalty_program *live = alternative_program();
	loyalty_history *h = NULL;
	loyalty_simulation_report *r;
	char *path = temp_path("shop.lsn");

	(void)state;
	record_history(live);
	assert_ok(loyalty_program_export(live, path));
	loyalty_program_free(live);
	assert_ok(loyalty_history_from_export(&h, path, NULL, NULL));
	assert_known_history(h);
	r = simulate(h);
	assert_known_report(r);
	loyalty_simulation_report_free(r);
	loyalty_history_free(h);
	/* errors */
	assert_status(loyalty_history_from_export(&h, "/nonexistent/shop.lsn", NULL, NULL), LOYALTY_ENOTFOUND);
	{
		FILE *f = fopen(path, "wb");
		fputs("not an export", f);
		fclose(f);
	}
	h = NULL;
	assert_status(loyalty_history_from_export(&h, path, NULL, NULL), LOYALTY_ECORRUPT);
	assert_null(h);
	unlink(path);
	free(path);
}

/* A directory read while the live program holds it open (and keeps writing after). */
static void test_from_journal_while_open(void **state)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_journal_options jo = LOYALTY_JOURNAL_OPTIONS_INIT;
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
	loyalty_reward_def voucher = LOYALTY_REWARD_DEF_INIT;
	loyalty_program *live = NULL;
	loyalty_history *h = NULL;
	loyalty_simulation_report *r;
	char *dir = temp_path("shop");
	char cmd[600];

	(void)state;
	jo.sync = LOYALTY_SYNC_NONE;
	assert_ok(loyalty_calculator_add(c, "base_rate", "dollar", "points=2 per=100"));
	assert_ok(loyalty_program_open(&live, dir, c, &o, &jo, NULL));
	assert_ok(loyalty_program_add_tier(live, "silver", 10000, NULL, 0));
	assert_ok(loyalty_program_add_tier(live, "gold", 20000, NULL, 0));
	voucher.id = "voucher";
	voucher.cost = 300;
	assert_ok(loyalty_program_add_reward(live, &voucher));
	record_history(live);
	assert_ok(loyalty_history_from_journal(&h, dir, NULL, NULL));
	assert_known_history(h);
	r = simulate(h);
	assert_known_report(r);
	loyalty_simulation_report_free(r);
	loyalty_history_free(h);
	/* after a snapshot, with one more purchase in the new journal; the live program still works */
	assert_ok(loyalty_program_snapshot(live));
	buy(live, 2, "o-5", T(3, 2), 1000);
	assert_ok(loyalty_history_from_journal(&h, dir, NULL, NULL));
	assert_int_equal(loyalty_history_count(h, LOYALTY_EVENT_PURCHASE), 5);
	loyalty_history_free(h);
	buy(live, 2, "o-6", T(3, 3), 1000);
	loyalty_program_free(live);
	assert_status(loyalty_history_from_journal(&h, "/nonexistent-dir", NULL, NULL), LOYALTY_ENOTFOUND);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

static char *write_file(const char *name, const char *text)
{
	char *path = temp_path(name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* The CSV source: the scenario's purchases (no refund, no redemption). */
static void test_from_csv(void **state)
{
	char *path = write_file("p.csv", "order,customer,name,date,sku,product_type,quantity,unit_price\n"
	                                 "o-1,ada,\"Lovelace, Ada\",2026-01-10,thing,goods,1,120.00\n"
	                                 "o-2,bob,Bob,2026-01-20T12:00:00Z,thing,goods,2,25\n"
	                                 "o-3,ada,\"Lovelace, Ada\",2026-02-03,thing,goods,1,50.5\n"
	                                 "o-4,cy,Cy,2026-03-01T13:00:00+01:00,thing,goods,1,350.00\r\n"
	                                 "o-3,ada,\"Lovelace, Ada\",2026-02-03,other,goods,1,39.50\n");
	loyalty_history *h = NULL;
	loyalty_simulation_report *r;
	loyalty_simulation_totals b, a;
	loyalty_simulation_tier_change ch;
	loyalty_customer *c = NULL;
	loyalty_id id;
	loyalty_program *base = base_program(), *alt = alternative_program();

	(void)state;
	assert_ok(loyalty_history_from_csv(&h, path, "USD", NULL, NULL));
	assert_int_equal(loyalty_history_count(h, LOYALTY_EVENT_ENROLL), 3);
	assert_int_equal(loyalty_history_count(h, LOYALTY_EVENT_PURCHASE), 4);
	r = simulate(h);
	assert_ok(loyalty_simulation_report_totals(r, LOYALTY_SIDE_BASE, &b));
	assert_totals(&b, 3, 4, 0, 0, 0, 610, 0, 610);
	assert_ok(loyalty_simulation_report_totals(r, LOYALTY_SIDE_ALTERNATIVE, &a));
	assert_totals(&a, 3, 4, 0, 0, 0, 1220, 0, 1220);
	assert_int_equal(loyalty_simulation_report_tier_change_count(r), 1);
	assert_ok(loyalty_simulation_report_tier_change_at(r, 0, &ch));
	assert_string_equal(ch.external_ref, "ada");
	assert_ok(loyalty_history_csv_customer_id("ada", &id));
	assert_memory_equal(&ch.customer, &id, sizeof id);
	assert_int_equal(id.bytes[6] >> 4, 5); /* a version 5 (name-based, SHA-1) UUID */
	loyalty_simulation_report_free(r);
	/* the profile: name from the file, enrolled at the first order */
	assert_ok(loyalty_simulate(h, base, alt, NULL, &r));
	assert_ok(loyalty_program_find_customer(base, "ada", &c));
	assert_string_equal(loyalty_customer_name(c), "Lovelace, Ada");
	assert_int_equal(loyalty_customer_joined_at(c), T(1, 10));
	loyalty_customer_free(c);
	loyalty_simulation_report_free(r);
	loyalty_program_free(base);
	loyalty_program_free(alt);
	loyalty_history_free(h);
	unlink(path);
	free(path);
}

/* Many customers and orders, each order's lines far apart in the file: the reader keeps them
 * apart and together exactly (3,000 orders of 500 customers, 2 lines each, and two order keys
 * whose hashes collide). */
static void test_csv_many(void **state)
{
	char *path = temp_path("many.csv");
	FILE *f = fopen(path, "wb");
	loyalty_history *h = NULL;
	loyalty_simulation_report *r;
	loyalty_simulation_totals b;
	int64_t want = 0;

	(void)state;
	assert_non_null(f);
	fputs("order,customer,date,product_type,quantity,unit_price\n", f);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < 3000; i++) {
			int day = 1 + i % 28, month = 1 + (i / 28) % 12;
			if (pass == 0)
				fprintf(f, "order-%d,customer-%d,2026-%02d-%02d,goods,1,%d.00\n", i, i % 500, month, day, i % 7 + 1);
			else
				fprintf(f, "order-%d,customer-%d,2026-%02d-%02d,goods,1,0.50\n", i, i % 500, month, day);
		}
	/* two keys of the same length whose 32-bit map hashes collide (lib/map.c) */
	fputs("o-073451,customer-1,2026-03-03,goods,1,5.00\no-143345,customer-2,2026-03-04,goods,1,6.00\n", f);
	fclose(f);
	for (int i = 0; i < 3000; i++)
		want += i % 7 + 1; /* floor($(i % 7 + 1).50) at 1 point per dollar */
	want += 5 + 6;
	assert_ok(loyalty_history_from_csv(&h, path, "USD", NULL, NULL));
	assert_int_equal(loyalty_history_count(h, LOYALTY_EVENT_ENROLL), 500);
	assert_int_equal(loyalty_history_count(h, LOYALTY_EVENT_PURCHASE), 3002);
	r = simulate(h);
	assert_ok(loyalty_simulation_report_totals(r, LOYALTY_SIDE_BASE, &b));
	assert_int_equal(b.purchases, 3002);
	assert_int_equal(b.issued, want);
	loyalty_simulation_report_free(r);
	loyalty_history_free(h);
	unlink(path);
	free(path);
}

static void expect_csv_error(const char *text, const char *currency, int code, const char *message)
{
	char *path = write_file("bad.csv", text);
	loyalty_history *h = NULL;
	char want[600];

	assert_status(loyalty_history_from_csv(&h, path, currency, NULL, NULL), code);
	assert_null(h);
	snprintf(want, sizeof want, "%s%s", path, message);
	if (strstr(loyalty_last_error(), message) == NULL || strncmp(loyalty_last_error(), path, strlen(path)) != 0) {
		print_error("message '%s' does not start with '%s'\n", loyalty_last_error(), want);
		fail();
	}
	unlink(path);
	free(path);
}

#define HEADER "order,customer,date,product_type,quantity,unit_price\n"

static void test_bad_csv(void **state)
{
	loyalty_history *h = NULL;

	(void)state;
	expect_csv_error("", "USD", LOYALTY_EINVAL, ":1: empty file");
	expect_csv_error("order,customer,date,quantity,unit_price\n", "USD", LOYALTY_EINVAL,
	                 ":1: the header has no column 'product_type'");
	expect_csv_error(HEADER "o-1,ada,2026-01-10,goods,1,1.00\no-2,ada,2026-13-01,goods,1,1.00\n", "USD",
	                 LOYALTY_EINVAL, ":3: date must be");
	expect_csv_error(HEADER "o-1,ada,2026-01-10,goods,0,1.00\n", "USD", LOYALTY_EINVAL,
	                 ":2: quantity must be a positive integer (got '0')");
	expect_csv_error(HEADER "o-1,ada,2026-01-10,goods,1,1.005\n", "USD", LOYALTY_EINVAL,
	                 ":2: unit_price must be an amount with at most 2 decimals (got '1.005')");
	expect_csv_error(HEADER "o-1,ada,2026-01-10,goods,1,1.5\n", "JPY", LOYALTY_EINVAL,
	                 ":2: unit_price must be an amount with at most 0 decimals");
	expect_csv_error(HEADER "o-1,ada,2026-01-10,goods,1,99999999999999999999\n", "USD", LOYALTY_ERANGE,
	                 ":2: unit_price is too large");
	expect_csv_error(HEADER "o-1,ada,2026-01-10,goods,1,1.00\n\no-1,bob,2026-01-10,goods,1,1.00\n", "USD",
	                 LOYALTY_EINVAL, ":4: order 'o-1' has lines of another customer or date");
	expect_csv_error(HEADER "o-1,ada,2026-01-10,goods\n", "USD", LOYALTY_EINVAL, ":2: 4 fields");
	expect_csv_error(HEADER "o-1,ada,2026-01-10,\"goods,1,1.00\n", "USD", LOYALTY_EINVAL,
	                 ":2: a quoted field is not closed");
	expect_csv_error(HEADER "o 1,ada,2026-01-10,goods,1,1.00\n", "USD", LOYALTY_EINVAL, ":2: order:");
	expect_csv_error(HEADER "o-1,a da,2026-01-10,goods,1,1.00\n", "USD", LOYALTY_EINVAL, ":2: customer must be");
	expect_csv_error(HEADER "o-1,ada,2026-01-10,go ods,1,1.00\n", "USD", LOYALTY_EINVAL, ":2: ");
	assert_status(loyalty_history_from_csv(&h, "/nonexistent.csv", "USD", NULL, NULL), LOYALTY_ENOTFOUND);
	assert_status(loyalty_history_from_csv(&h, "x.csv", "XYZ", NULL, NULL), LOYALTY_ECURRENCY);
	assert_status(loyalty_history_from_csv(NULL, "x.csv", "USD", NULL, NULL), LOYALTY_EINVAL);
	assert_null(h);
}

static void test_errors(void **state)
{
	loyalty_program *live = alternative_program(), *base = base_program(), *alt = alternative_program();
	loyalty_simulation_options o = LOYALTY_SIMULATION_OPTIONS_INIT, d;
	loyalty_simulation_report *r = NULL;
	loyalty_history *h = NULL, *empty = NULL;

	(void)state;
	record_history(live);
	assert_ok(loyalty_history_from_program(&h, live, NULL, NULL));
	assert_status(loyalty_simulate(NULL, base, alt, NULL, &r), LOYALTY_EINVAL);
	assert_status(loyalty_simulate(h, NULL, alt, NULL, &r), LOYALTY_EINVAL);
	assert_status(loyalty_simulate(h, base, alt, NULL, NULL), LOYALTY_EINVAL);
	assert_status(loyalty_simulate(h, base, base, NULL, &r), LOYALTY_EINVAL);
	assert_status(loyalty_simulate(h, live, alt, NULL, &r), LOYALTY_ESTATE);
	o.point_value.den = 0;
	assert_status(loyalty_simulate(h, base, alt, &o, &r), LOYALTY_EINVAL);
	o.point_value = (loyalty_fraction){ -1, 1 };
	assert_status(loyalty_simulate(h, base, alt, &o, &r), LOYALTY_EINVAL);
	o.point_value = (loyalty_fraction){ 1, 1 };
	o.period = LOYALTY_PERIOD_EVER;
	assert_status(loyalty_simulate(h, base, alt, &o, &r), LOYALTY_EINVAL);
	o.period = LOYALTY_PERIOD_MONTH;
	o.end = T(2, 1);
	assert_status(loyalty_simulate(h, base, alt, &o, &r), LOYALTY_EINVAL);
	o.version = 99;
	assert_status(loyalty_simulate(h, base, alt, &o, &r), LOYALTY_EINVAL);
	assert_null(r);
	assert_status(loyalty_simulation_options_init(&d, 99), LOYALTY_EINVAL);
	assert_ok(loyalty_simulation_options_init(&d, LOYALTY_SIMULATION_OPTIONS_VERSION));
	assert_int_equal(d.period, LOYALTY_PERIOD_MONTH);
	assert_frac(d.point_value, 1, 1);
	/* nothing was replayed by the refused calls */
	assert_int_equal(loyalty_program_customer_count(base), 0);
	assert_int_equal(loyalty_program_customer_count(alt), 0);

	/* an empty history: no periods, no change */
	assert_ok(loyalty_history_new(&empty));
	assert_ok(loyalty_simulate(empty, base, alt, NULL, &r));
	assert_int_equal(loyalty_simulation_report_period_count(r), 0);
	assert_int_equal(loyalty_simulation_report_tier_change_count(r), 0);
	assert_status(loyalty_simulation_report_totals(r, 2, &(loyalty_simulation_totals){ 0 }), LOYALTY_EINVAL);
	assert_int_equal(loyalty_simulation_report_tier_count(r, 5), 0);
	loyalty_simulation_report_free(r);
	r = NULL;
	loyalty_history_free(empty);
	loyalty_simulation_report_free(NULL);
	loyalty_history_free(NULL);
	assert_int_equal(loyalty_history_count(NULL, LOYALTY_EVENT_ALL), 0);

	/* a side whose currency differs: the event and the side are named */
	{
		loyalty_program_options po = LOYALTY_PROGRAM_OPTIONS_INIT;
		loyalty_calculator *c = torture_calculator("EUR", LOYALTY_ROUND_FLOOR, 0);
		loyalty_program *eur = NULL, *b2 = base_program();
		assert_ok(loyalty_program_new(&eur, c, &po));
		assert_status(loyalty_simulate(h, b2, eur, NULL, &r), LOYALTY_ECURRENCY);
		assert_non_null(strstr(loyalty_last_error(), "loyalty_simulate: alternative: the purchase 'o-1'"));
		assert_null(r);
		loyalty_program_free(eur);
		loyalty_program_free(b2);
	}
	/* builder errors */
	assert_status(loyalty_history_add_refund(h, "r-9", "o-1", 0, 0), LOYALTY_EINVAL);
	assert_status(loyalty_history_add_refund(h, "r 9", "o-1", 5, 0), LOYALTY_EINVAL);
	assert_status(loyalty_history_add_redemption(h, "x-9", &(loyalty_id){ { 0 } }, "voucher", 0), LOYALTY_EINVAL);
	assert_status(loyalty_history_add_enrollment(h, "k", NULL, NULL, 0), LOYALTY_EINVAL);
	assert_status(loyalty_history_add_purchase(h, NULL), LOYALTY_EINVAL);
	assert_int_equal(loyalty_history_count(h, LOYALTY_EVENT_ALL), 9);
	loyalty_history_free(h);
	loyalty_program_free(base);
	loyalty_program_free(alt);
	loyalty_program_free(live);
}

/* ---- progress and cancellation ------------------------------------------------------- */

typedef struct calls {
	int n;
	int cancel_at;           /* 1-based call that returns non-zero; 0 = never */
	uint64_t last_done, last_total;
	int monotone;
	uint64_t cancel_done;    /* non-zero: the first call with done + 1 >= cancel_done returns non-zero */
} calls;

static int on_progress(uint64_t done, uint64_t total, void *data)
{
	calls *c = data;

	c->n++;
	if (done < c->last_done || done > total)
		c->monotone = 0;
	c->last_done = done;
	c->last_total = total;
	if (c->cancel_done != 0 && done + 1 >= c->cancel_done)
		return 1;
	return c->cancel_at != 0 && c->n == c->cancel_at;
}

static void test_progress_and_cancel(void **state)
{
	loyalty_program *live = alternative_program();
	loyalty_simulation_options o = LOYALTY_SIMULATION_OPTIONS_INIT;
	loyalty_history *h = NULL;
	loyalty_simulation_report *r = NULL;
	calls c = { 0, 0, 0, 0, 1, 0 };
	char *csv = write_file("p2.csv", HEADER "o-1,ada,2026-01-10,goods,1,1.00\n");
	int total_calls;

	(void)state;
	record_history(live);
	/* the program source reports records (idempotency records: 9) */
	assert_ok(loyalty_history_from_program(&h, live, on_progress, &c));
	assert_true(c.n >= 2);
	assert_int_equal(c.last_done, 9);
	assert_int_equal(c.last_total, 9);
	loyalty_history_free(h);
	c = (calls){ 0, 1, 0, 0, 1, 0 };
	h = NULL;
	assert_status(loyalty_history_from_program(&h, live, on_progress, &c), LOYALTY_ECANCELED);
	assert_null(h);
	c = (calls){ 0, 1, 0, 0, 1, 0 };
	assert_status(loyalty_history_from_csv(&h, csv, "USD", on_progress, &c), LOYALTY_ECANCELED);
	assert_null(h);
	c = (calls){ 0, 0, 0, 0, 1, 0 };
	assert_ok(loyalty_history_from_csv(&h, csv, "USD", on_progress, &c));
	assert_int_equal(c.last_done, c.last_total);
	loyalty_history_free(h);
	/* an export and a directory: the files' records, then the requests, as one count */
	{
		char *file = temp_path("progress.lsn"), *dir = temp_path("progress-dir"), cmd[600];
		loyalty_program_options po = LOYALTY_PROGRAM_OPTIONS_INIT;
		loyalty_journal_options jo = LOYALTY_JOURNAL_OPTIONS_INIT;
		loyalty_calculator *calc = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);
		loyalty_program *durable = NULL;
		loyalty_reward_def voucher = LOYALTY_REWARD_DEF_INIT;
		int ncalls;

		assert_ok(loyalty_program_export(live, file));
		jo.sync = LOYALTY_SYNC_NONE;
		assert_ok(loyalty_calculator_add(calc, "base_rate", "dollar", "points=2 per=100"));
		assert_ok(loyalty_program_open(&durable, dir, calc, &po, &jo, NULL));
		assert_ok(loyalty_program_add_tier(durable, "silver", 10000, NULL, 0));
		assert_ok(loyalty_program_add_tier(durable, "gold", 20000, NULL, 0));
		voucher.id = "voucher";
		voucher.cost = 300;
		assert_ok(loyalty_program_add_reward(durable, &voucher));
		record_history(durable);
		for (int source = 0; source < 2; source++) {
			c = (calls){ 0, 0, 0, 0, 1, 0 };
			assert_ok(source ? loyalty_history_from_journal(&h, dir, on_progress, &c)
			                 : loyalty_history_from_export(&h, file, on_progress, &c));
			assert_int_equal(loyalty_history_count(h, LOYALTY_EVENT_ALL), 9);
			loyalty_history_free(h);
			h = NULL;
			assert_true(c.monotone);
			assert_true(c.last_total > 9);
			assert_int_equal(c.last_done, c.last_total);
			ncalls = c.n;
			for (int k = 1; k <= ncalls; k++) {
				c = (calls){ 0, k, 0, 0, 1, 0 };
				assert_status(source ? loyalty_history_from_journal(&h, dir, on_progress, &c)
				                     : loyalty_history_from_export(&h, file, on_progress, &c),
				              LOYALTY_ECANCELED);
				assert_null(h);
			}
		}
		/* the live program was not disturbed */
		buy(durable, 2, "o-9", T(3, 5), 100);
		loyalty_program_free(durable);
		unlink(file);
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
		free(file);
		free(dir);
	}
	assert_ok(loyalty_history_from_program(&h, live, NULL, NULL));

	/* the simulation: events done of 2 x 9, monotone, ending at the total */
	c = (calls){ 0, 0, 0, 0, 1, 0 };
	o.progress = on_progress;
	o.progress_data = &c;
	{
		loyalty_program *base = base_program(), *alt = alternative_program();
		assert_ok(loyalty_simulate(h, base, alt, &o, &r));
		loyalty_simulation_report_free(r);
		r = NULL;
		loyalty_program_free(base);
		loyalty_program_free(alt);
	}
	assert_true(c.monotone);
	assert_int_equal(c.last_done, 18);
	assert_int_equal(c.last_total, 18);
	total_calls = c.n;
	assert_true(total_calls >= 3); /* at the start, after each side */
	/* cancel at every call in turn: no report, ECANCELED */
	for (int k = 1; k <= total_calls; k++) {
		loyalty_program *base = base_program(), *alt = alternative_program();
		c = (calls){ 0, k, 0, 0, 1, 0 };
		assert_status(loyalty_simulate(h, base, alt, &o, &r), LOYALTY_ECANCELED);
		assert_null(r);
		assert_int_equal(c.n, k);
		assert_non_null(strstr(loyalty_last_error(), "canceled by the progress callback"));
		/* the sandboxes hold what was replayed before the cancel: they cannot be used again */
		if (k > 1)
			assert_status(loyalty_simulate(h, base, alt, NULL, &r), LOYALTY_ESTATE);
		loyalty_program_free(base);
		loyalty_program_free(alt);
	}
	loyalty_history_free(h);
	loyalty_program_free(live);
	unlink(csv);
	free(csv);
}

/* ---- two threads ---------------------------------------------------------------------- */

static loyalty_simulation_report *simulate_threads(const loyalty_history *h, int threads, calls *c, int *status)
{
	loyalty_simulation_options o = LOYALTY_SIMULATION_OPTIONS_INIT;
	loyalty_program *base = base_program(), *alt = alternative_program();
	loyalty_simulation_report *r = NULL;

	o.point_value.num = 1;
	o.point_value.den = 2;
	o.threads = threads;
	if (c != NULL) {
		o.progress = on_progress;
		o.progress_data = c;
	}
	*status = loyalty_simulate(h, base, alt, &o, &r);
	loyalty_program_free(base);
	loyalty_program_free(alt);
	return r;
}

/* A bigger history (20,000 purchases of 1,000 customers, refunds, redemptions): the same
 * report with one thread and with two, and cancellation and errors with two. */
static void test_two_threads(void **state)
{
	loyalty_program *live = alternative_program();
	loyalty_history *h = NULL, *big = NULL;
	loyalty_simulation_report *r1, *r2;
	torture_rng rng = { 42 };
	calls c = { 0, 0, 0, 0, 1, 0 };
	int status;

	(void)state;
	record_history(live);
	assert_ok(loyalty_history_from_program(&h, live, NULL, NULL));
	r1 = simulate_threads(h, 2, NULL, &status);
	assert_ok(status);
	assert_known_report(r1);
	loyalty_simulation_report_free(r1);

	assert_ok(loyalty_history_new(&big));
	for (unsigned n = 1; n <= 1000; n++) {
		loyalty_customer *cu = torture_customer(n);
		char key[32];
		snprintf(key, sizeof key, "join-%u", n);
		assert_ok(loyalty_history_add_enrollment(big, key, cu, NULL, T(1, 1)));
		loyalty_customer_free(cu);
	}
	for (int i = 0; i < 20000; i++) {
		unsigned n = (unsigned)torture_range(&rng, 1, 1000);
		loyalty_customer *cu = torture_customer(n);
		loyalty_time at = T(1, 2) + torture_range(&rng, 0, 300 * LOYALTY_MS_PER_DAY);
		loyalty_purchase *pu;
		char key[32], refund[32];
		snprintf(key, sizeof key, "o-%d", i);
		pu = torture_purchase(cu, key, at, "USD");
		assert_ok(loyalty_purchase_add_item(pu, "thing", "goods", 1, torture_range(&rng, 100, 1500)));
		assert_ok(loyalty_history_add_purchase(big, pu));
		loyalty_purchase_free(pu);
		if (i % 10 == 0) {
			snprintf(refund, sizeof refund, "r-%d", i);
			assert_ok(loyalty_history_add_refund(big, refund, key, 50, at + LOYALTY_MS_PER_DAY));
		}
		if (i % 7 == 0) {
			snprintf(refund, sizeof refund, "x-%d", i);
			assert_ok(loyalty_history_add_redemption(big, refund, loyalty_customer_id(cu), "voucher",
			                                         at + LOYALTY_MS_PER_HOUR));
		}
		loyalty_customer_free(cu);
	}
	r1 = simulate_threads(big, 1, NULL, &status);
	assert_ok(status);
	r2 = simulate_threads(big, 2, &c, &status);
	assert_ok(status);
	assert_same_report(r1, r2);
	{
		loyalty_simulation_totals b, a;
		assert_ok(loyalty_simulation_report_totals(r1, LOYALTY_SIDE_BASE, &b));
		assert_ok(loyalty_simulation_report_totals(r1, LOYALTY_SIDE_ALTERNATIVE, &a));
		assert_int_equal(b.purchases, 20000);
		assert_int_equal(b.refunds, 2000);
		assert_int_equal(b.redemptions + b.redemptions_refused, 2858);
		assert_true(a.redemptions > b.redemptions);
		assert_true(loyalty_simulation_report_tier_change_count(r1) > 0);
	}
	/* progress with two threads: monotone, from the calling thread, ending at the total */
	assert_true(c.monotone);
	assert_int_equal(c.last_done, 2 * loyalty_history_count(big, LOYALTY_EVENT_ALL));
	assert_int_equal(c.last_total, c.last_done);
	loyalty_simulation_report_free(r1);
	loyalty_simulation_report_free(r2);
	/* cancelled at the start, during the replays, and at the last call; with two threads how
	 * many calls a run makes depends on the scheduling, so the cancellation points are amounts
	 * done (0, a quarter, a half, all), which every run reaches */
	for (int q = 0; q <= 4; q += (q == 2 ? 2 : 1)) {
		uint64_t at_done = c.last_total * (uint64_t)q / 4;
		calls d = { 0, 0, 0, 0, 1, at_done + 1 };
		assert_null(simulate_threads(big, 2, &d, &status));
		assert_int_equal(status, LOYALTY_ECANCELED);
		assert_true(d.last_done >= at_done);
	}
	/* an error on either side names it */
	{
		loyalty_program_options po = LOYALTY_PROGRAM_OPTIONS_INIT;
		loyalty_simulation_options o = LOYALTY_SIMULATION_OPTIONS_INIT;
		loyalty_simulation_report *r = NULL;
		for (int k = 0; k < 2; k++) {
			loyalty_program *eur = NULL, *usd = base_program();
			assert_ok(loyalty_program_new(&eur, torture_calculator("EUR", LOYALTY_ROUND_FLOOR, 0), &po));
			o.threads = 2;
			assert_status(loyalty_simulate(big, k ? usd : eur, k ? eur : usd, &o, &r), LOYALTY_ECURRENCY);
			assert_null(r);
			assert_non_null(strstr(loyalty_last_error(), k ? "loyalty_simulate: alternative: the purchase"
			                                               : "loyalty_simulate: base: the purchase"));
			loyalty_program_free(eur);
			loyalty_program_free(usd);
		}
	}
	loyalty_history_free(big);
	loyalty_history_free(h);
	loyalty_program_free(live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_difference),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_from_export),
		cmocka_unit_test(test_from_journal_while_open),
		cmocka_unit_test(test_from_csv),
		cmocka_unit_test(test_csv_many),
		cmocka_unit_test(test_bad_csv),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_progress_and_cancel),
		cmocka_unit_test(test_two_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
