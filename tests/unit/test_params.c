/*
 * Strategy parameters: parsing, building, canonical text.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "torture.h"

static void test_parse_and_text_round_trip(void **state)
{
	loyalty_params *p = NULL, *q = NULL;

	(void)state;
	assert_ok(loyalty_params_parse(&p, "  points=1\tper=100\nexclude=gift_card exclude=voucher "));
	assert_int_equal(loyalty_params_count(p), 4);
	assert_string_equal(loyalty_params_key(p, 0), "points");
	assert_string_equal(loyalty_params_value(p, 1), "100");
	assert_string_equal(loyalty_params_get(p, "exclude"), "gift_card");
	assert_null(loyalty_params_get(p, "nope"));
	assert_null(loyalty_params_key(p, 4));
	assert_string_equal(loyalty_params_text(p), "points=1 per=100 exclude=gift_card exclude=voucher");
	assert_ok(loyalty_params_parse(&q, loyalty_params_text(p)));
	assert_string_equal(loyalty_params_text(q), loyalty_params_text(p));
	loyalty_params_free(q);
	assert_ok(loyalty_params_clone(&q, p));
	assert_string_equal(loyalty_params_text(q), loyalty_params_text(p));
	loyalty_params_free(q);
	loyalty_params_free(p);

	assert_ok(loyalty_params_parse(&p, "   "));
	assert_int_equal(loyalty_params_count(p), 0);
	assert_string_equal(loyalty_params_text(p), "");
	loyalty_params_free(p);
	loyalty_params_free(NULL);
}

static void test_parse_errors_name_the_offset(void **state)
{
	loyalty_params *p = NULL;

	(void)state;
	assert_status(loyalty_params_parse(&p, "points=1 per"), LOYALTY_EINVAL);
	assert_non_null(strstr(loyalty_last_error(), "offset 9"));
	assert_status(loyalty_params_parse(&p, "=1"), LOYALTY_EINVAL);
	assert_status(loyalty_params_parse(&p, "a="), LOYALTY_EINVAL);
	assert_status(loyalty_params_parse(&p, "po!nts=1"), LOYALTY_EINVAL);
	assert_status(loyalty_params_parse(&p, "a=b=c"), LOYALTY_EINVAL);
	assert_status(loyalty_params_parse(&p, "a=\x01"), LOYALTY_EINVAL);
	assert_status(loyalty_params_parse(&p, "type.abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij=1"),
	              LOYALTY_ERANGE);
	assert_status(loyalty_params_parse(&p, NULL), LOYALTY_EINVAL);
	assert_null(p);
}

static void test_build(void **state)
{
	loyalty_params *p = NULL;
	loyalty_fraction half = { 3, 6 }, bad = { 1, 0 };

	(void)state;
	assert_ok(loyalty_params_new(&p));
	assert_ok(loyalty_params_add(p, "tier.gold", "3/2"));
	assert_ok(loyalty_params_add(p, "type.Gift-Card", "0")); /* keys may name any product type or tier */
	assert_status(loyalty_params_add(p, "type gift", "0"), LOYALTY_EINVAL);
	assert_ok(loyalty_params_add_int(p, "min_spend", -5));
	assert_ok(loyalty_params_add_fraction(p, "m", half));
	assert_status(loyalty_params_add_fraction(p, "m", bad), LOYALTY_EINVAL);
	assert_status(loyalty_params_add(p, "k", "has space"), LOYALTY_EINVAL);
	assert_status(loyalty_params_add(p, "k", ""), LOYALTY_EINVAL);
	assert_status(loyalty_params_add(p, "", "v"), LOYALTY_EINVAL);
	assert_status(loyalty_params_add(NULL, "k", "v"), LOYALTY_EINVAL);
	assert_string_equal(loyalty_params_text(p), "tier.gold=3/2 type.Gift-Card=0 min_spend=-5 m=1/2");
	for (size_t i = loyalty_params_count(p); i < LOYALTY_PARAMS_MAX; i++)
		assert_ok(loyalty_params_add(p, "x", "1"));
	assert_status(loyalty_params_add(p, "x", "1"), LOYALTY_ERANGE);
	assert_int_equal(loyalty_params_count(p), LOYALTY_PARAMS_MAX);
	loyalty_params_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_text_round_trip),
		cmocka_unit_test(test_parse_errors_name_the_offset),
		cmocka_unit_test(test_build),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
