/*
 * Out of memory: every allocation the library makes is failed in turn; each
 * failing call must return LOYALTY_ENOMEM, leave its handle unchanged and
 * leak nothing (the sanitizer and valgrind runs check the leaks).
 *
 * malloc, calloc and realloc are wrapped at link time (-Wl,--wrap), which
 * reaches the calls inside libloyalty.a but not those of cmocka or libc.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "torture.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);

static long countdown = -1; /* allocations left before one fails; -1 = never */
static long failures;

static int should_fail(void)
{
	if (countdown < 0)
		return 0;
	if (countdown-- == 0) {
		failures++;
		return 1;
	}
	return 0;
}

void *__wrap_malloc(size_t size)
{
	return should_fail() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return should_fail() ? NULL : __real_realloc(p, size);
}

/* Run @p op with the n-th allocation failing, for n = 0, 1, ... until it
 * succeeds; @p check verifies that a failed attempt changed nothing. */
#define FOR_EACH_FAILURE(op, on_failure)                                                  \
	do {                                                                                  \
		int rc_, n_ = 0;                                                                  \
		for (;; n_++) {                                                                   \
			countdown = n_;                                                               \
			rc_ = (op);                                                                   \
			countdown = -1;                                                               \
			if (rc_ == LOYALTY_OK)                                                        \
				break;                                                                    \
			assert_int_equal(rc_, LOYALTY_ENOMEM);                                        \
			on_failure;                                                                   \
			assert_true(n_ < 10000);                                                      \
		}                                                                                 \
	} while (0)

static void test_customer(void **state)
{
	loyalty_customer *c = NULL, *copy = NULL;

	(void)state;
	failures = 0;
	FOR_EACH_FAILURE(loyalty_customer_new(&c, NULL), assert_null(c));
	assert_ok(loyalty_customer_set_name(c, "Before"));
	FOR_EACH_FAILURE(loyalty_customer_set_name(c, "After"), assert_string_equal(loyalty_customer_name(c), "Before"));
	assert_string_equal(loyalty_customer_name(c), "After");
	for (int i = 0; i < 5; i++) {
		char tag[8];
		snprintf(tag, sizeof tag, "t%d", i);
		FOR_EACH_FAILURE(loyalty_customer_add_tag(c, tag), {
			assert_int_equal(loyalty_customer_tag_count(c), (size_t)i);
			assert_false(loyalty_customer_has_tag(c, tag));
		});
	}
	assert_ok(loyalty_customer_set_email(c, "a@b.co"));
	FOR_EACH_FAILURE(loyalty_customer_clone(&copy, c), assert_null(copy));
	assert_string_equal(loyalty_customer_email(copy), "a@b.co");
	assert_int_equal(loyalty_customer_tag_count(copy), 5);
	assert_true(failures > 5);
	loyalty_customer_free(copy);
	loyalty_customer_free(c);
}

static void test_purchase(void **state)
{
	loyalty_customer *c = torture_customer(1);
	loyalty_purchase *p = NULL, *copy = NULL;

	(void)state;
	FOR_EACH_FAILURE(loyalty_purchase_new(&p, "k", loyalty_customer_id(c), 0, "USD"), assert_null(p));
	for (int i = 0; i < 9; i++)
		FOR_EACH_FAILURE(loyalty_purchase_add_item(p, "sku", "type", 1, 100), {
			assert_int_equal(loyalty_purchase_item_count(p), (size_t)i);
			assert_int_equal(loyalty_purchase_total(p), 100 * i);
		});
	FOR_EACH_FAILURE(loyalty_purchase_set_channel(p, "web"), assert_string_equal(loyalty_purchase_channel(p), ""));
	FOR_EACH_FAILURE(loyalty_purchase_clone(&copy, p), assert_null(copy));
	assert_int_equal(loyalty_purchase_total(copy), 900);
	loyalty_purchase_free(copy);
	loyalty_purchase_free(p);
	loyalty_customer_free(c);
}

static void test_params(void **state)
{
	loyalty_params *p = NULL, *copy = NULL;

	(void)state;
	FOR_EACH_FAILURE(loyalty_params_parse(&p, "a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9"), assert_null(p));
	assert_int_equal(loyalty_params_count(p), 9);
	FOR_EACH_FAILURE(loyalty_params_add(p, "j", "10"), {
		assert_int_equal(loyalty_params_count(p), 9);
		assert_string_equal(loyalty_params_text(p), "a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9");
	});
	FOR_EACH_FAILURE(loyalty_params_clone(&copy, p), assert_null(copy));
	assert_string_equal(loyalty_params_text(copy), loyalty_params_text(p));
	loyalty_params_free(copy);
	loyalty_params_free(p);
}

static int custom(const loyalty_strategy_input *in, loyalty_fraction *out, void *user_data)
{
	(void)in;
	(void)user_data;
	out->num = 1;
	out->den = 3;
	return 0;
}

static void count_destroy(void *user_data)
{
	(*(int *)user_data)++;
}

static void test_calculator_and_compute(void **state)
{
	loyalty_calculator_options o = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_calculator *calc = NULL;
	loyalty_customer *c = torture_customer(2);
	loyalty_purchase *p = torture_purchase(c, "big", 0, "USD");
	loyalty_receipt *r = NULL, *copy = NULL;
	static const char *const strategies[][3] = {
		{ "base_rate", "base", "points=1 per=100 exclude=voucher" },
		{ "product_type", "types", "per=100 type.toys=2 default=1/2" },
		{ "tier_multiplier", "tiers", "tier.gold=3/2" },
		{ "campaign", "camp", "multiplier=2 type=toys channel=web" },
		{ "birthday", "bday", "bonus=5 period=month" },
		{ "threshold", "thr", "min_spend=100 bonus=7" },
		{ "first_purchase", "first", "bonus=9" },
	};
	int destroyed = 0;

	(void)state;
	memcpy(o.currency, "USD", 4);
	FOR_EACH_FAILURE(loyalty_calculator_new(&calc, &o), assert_null(calc));
	FOR_EACH_FAILURE(loyalty_calculator_exclude_product_type(calc, "gift_card"),
	                 assert_int_equal(loyalty_calculator_excluded_count(calc), 0));
	for (size_t i = 0; i < sizeof strategies / sizeof strategies[0]; i++)
		FOR_EACH_FAILURE(loyalty_calculator_add(calc, strategies[i][0], strategies[i][1], strategies[i][2]),
		                 assert_int_equal(loyalty_calculator_strategy_count(calc), i));
	FOR_EACH_FAILURE(loyalty_calculator_add_custom(calc, "third", LOYALTY_ROLE_BONUS, custom, &destroyed,
	                                               count_destroy),
	                 {
		                 assert_int_equal(loyalty_calculator_strategy_count(calc), 7);
		                 assert_int_equal(destroyed, 1); /* the failed registration released it */
		                 destroyed = 0;
	                 });
	assert_ok(loyalty_customer_set_tier(c, "gold"));
	assert_ok(loyalty_purchase_set_channel(p, "web"));
	for (int i = 0; i < 20; i++) /* more lines than the stack scratch holds */
		assert_ok(loyalty_purchase_add_item(p, "s", i % 2 ? "toys" : "books", 1, 250));
	FOR_EACH_FAILURE(loyalty_calculator_compute(calc, c, p, NULL, &r), assert_null(r));
	assert_int_equal(loyalty_receipt_line_count(r), 8);
	FOR_EACH_FAILURE(loyalty_receipt_clone(&copy, r), assert_null(copy));
	assert_int_equal(loyalty_receipt_points(copy), loyalty_receipt_points(r));
	loyalty_receipt_free(copy);
	loyalty_receipt_free(r);
	loyalty_calculator_free(calc);
	assert_int_equal(destroyed, 1);
	loyalty_purchase_free(p);
	loyalty_customer_free(c);
}

/* A durable program: every allocation of a purchase, a snapshot and a reopen fails in turn; the
 * call fails cleanly (nothing written, nothing visible) or succeeds, and the directory always
 * reopens to the state the program shows. */
static loyalty_calculator *oom_calc(void)
{
	loyalty_calculator_options o = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_calculator *c = NULL;

	memcpy(o.currency, "USD", 4);
	assert_ok(loyalty_calculator_new(&c, &o));
	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	return c;
}

static void test_durable_program(void **state)
{
	loyalty_program_options po = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_journal_options jo = LOYALTY_JOURNAL_OPTIONS_INIT;
	char dir[] = "/tmp/loyalty-oom-XXXXXX", cmd[64];
	loyalty_program *p = NULL, *q = NULL;
	loyalty_customer *c = torture_customer(9);
	loyalty_calculator *calc;
	size_t entries;

	(void)state;
	jo.sync = LOYALTY_SYNC_NONE;
	assert_non_null(mkdtemp(dir));
	calc = oom_calc();
	FOR_EACH_FAILURE(loyalty_program_open(&p, dir, calc, &po, &jo, NULL), assert_null(p));
	assert_ok(loyalty_program_enroll(p, "enrol", c, NULL, 0, NULL));
	for (int i = 0; i < 3; i++) {
		char key[16];
		loyalty_purchase *pu;
		snprintf(key, sizeof key, "o-%d", i);
		pu = torture_purchase(c, key, 1000 + i, "USD");
		assert_ok(loyalty_purchase_add_item(pu, "s", "t", 1, 1000 * (i + 1)));
		entries = loyalty_program_entry_count(p);
		FOR_EACH_FAILURE(loyalty_program_record_purchase(p, pu, NULL),
		                 assert_int_equal(loyalty_program_entry_count(p), entries));
		loyalty_purchase_free(pu);
	}
	/* a batch: each purchase stands alone, so a failed allocation fails the purchase it hits (or,
	 * at commit, the whole batch); what reported OK is recorded, the rest is not */
	{
		loyalty_purchase *pus[3];
		loyalty_record_result res[3];
		size_t before, start;
		for (int i = 0; i < 3; i++) {
			char key[16];
			snprintf(key, sizeof key, "b-%d", i);
			pus[i] = torture_purchase(c, key, 2000 + i, "USD");
			assert_ok(loyalty_purchase_add_item(pus[i], "s", "t", 2, 500 * (i + 1)));
		}
		before = start = loyalty_program_entry_count(p);
		FOR_EACH_FAILURE(loyalty_program_record_batch(p, (const loyalty_purchase *const *)pus, 3, res, NULL), {
			size_t fresh = 0;
			for (int i = 0; i < 3; i++) {
				assert_true(res[i].status == LOYALTY_OK || res[i].status == LOYALTY_ENOMEM);
				fresh += res[i].status == LOYALTY_OK && !res[i].replayed;
			}
			assert_int_equal(loyalty_program_entry_count(p), before + fresh);
			before += fresh;
		});
		assert_int_equal(loyalty_program_entry_count(p), start + 3);
		for (int i = 0; i < 3; i++)
			loyalty_purchase_free(pus[i]);
	}
	FOR_EACH_FAILURE(loyalty_program_snapshot(p), (void)0);
	entries = loyalty_program_entry_count(p);
	loyalty_program_free(p);
	/* reopening under failing allocations: fails cleanly (the calculator is ours again) or opens */
	for (int n = 0;; n++) {
		int rc;
		calc = oom_calc();
		countdown = n;
		rc = loyalty_program_open(&q, dir, calc, &po, &jo, NULL);
		countdown = -1;
		if (rc == LOYALTY_OK)
			break;
		assert_int_equal(rc, LOYALTY_ENOMEM);
		loyalty_calculator_free(calc);
		assert_true(n < 100000);
	}
	assert_int_equal(loyalty_program_entry_count(q), entries);
	loyalty_program_free(q);
	loyalty_customer_free(c);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_customer),
		cmocka_unit_test(test_purchase),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_calculator_and_compute),
		cmocka_unit_test(test_durable_program),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
