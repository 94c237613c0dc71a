/*
 * The customer: identity, validated profile setters, tags, clone.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "torture.h"

static int setup(void **state)
{
	loyalty_customer *c = NULL;

	if (loyalty_customer_new(&c, NULL) != LOYALTY_OK)
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	loyalty_customer_free(*state);
	return 0;
}

static void test_new_with_and_without_id(void **state)
{
	loyalty_customer *a = *state, *b = NULL;
	loyalty_id id, nil;

	assert_false(loyalty_id_is_nil(loyalty_customer_id(a)));
	assert_ok(loyalty_id_parse("11111111-2222-4333-8444-555555555555", &id));
	assert_ok(loyalty_customer_new(&b, &id));
	assert_int_equal(loyalty_id_compare(loyalty_customer_id(b), &id), 0);
	assert_string_equal(loyalty_customer_name(b), "");
	assert_string_equal(loyalty_customer_email(b), "");
	assert_string_equal(loyalty_customer_external_ref(b), "");
	assert_string_equal(loyalty_customer_tier(b), "");
	assert_int_equal(loyalty_customer_joined_at(b), 0);
	assert_int_equal(loyalty_customer_available(b), 0);
	assert_int_equal(loyalty_customer_pending(b), 0);
	assert_int_equal(loyalty_customer_lifetime_earned(b), 0);
	assert_int_equal(loyalty_customer_lifetime_redeemed(b), 0);
	assert_int_equal(loyalty_customer_lifetime_expired(b), 0);
	assert_int_equal(loyalty_customer_tag_count(b), 0);
	loyalty_customer_free(b);

	memset(&nil, 0, sizeof nil);
	b = (loyalty_customer *)&id; /* sentinel: must stay untouched */
	assert_status(loyalty_customer_new(&b, &nil), LOYALTY_EINVAL);
	assert_ptr_equal(b, (loyalty_customer *)&id);
	assert_status(loyalty_customer_new(NULL, &id), LOYALTY_EINVAL);
	loyalty_customer_free(NULL);
}

static void test_profile_setters_validate(void **state)
{
	loyalty_customer *c = *state;
	char long_name[LOYALTY_NAME_MAX + 2];
	int m = -1, d = -1;

	assert_ok(loyalty_customer_set_name(c, "Zoë Ångström"));
	assert_string_equal(loyalty_customer_name(c), "Zoë Ångström");
	assert_status(loyalty_customer_set_name(c, "bad\nname"), LOYALTY_EINVAL);
	assert_status(loyalty_customer_set_name(c, "\xff\xfe"), LOYALTY_EINVAL);   /* not UTF-8 */
	assert_status(loyalty_customer_set_name(c, "\xc0\xaf"), LOYALTY_EINVAL);   /* overlong */
	assert_status(loyalty_customer_set_name(c, "\xed\xa0\x80"), LOYALTY_EINVAL); /* surrogate */
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	assert_status(loyalty_customer_set_name(c, long_name), LOYALTY_EINVAL);
	long_name[LOYALTY_NAME_MAX] = '\0';
	assert_ok(loyalty_customer_set_name(c, long_name));
	assert_ok(loyalty_customer_set_name(c, "Zoë"));
	assert_string_equal(loyalty_customer_name(c), "Zoë");

	assert_ok(loyalty_customer_set_email(c, "zoe@example.com"));
	assert_status(loyalty_customer_set_email(c, "zoe.example.com"), LOYALTY_EINVAL);
	assert_status(loyalty_customer_set_email(c, "@example.com"), LOYALTY_EINVAL);
	assert_status(loyalty_customer_set_email(c, "zoe@example"), LOYALTY_EINVAL);
	assert_status(loyalty_customer_set_email(c, "zoe@@example.com"), LOYALTY_EINVAL);
	assert_status(loyalty_customer_set_email(c, "zo e@example.com"), LOYALTY_EINVAL);
	assert_status(loyalty_customer_set_email(c, "zoe@example."), LOYALTY_EINVAL);
	assert_string_equal(loyalty_customer_email(c), "zoe@example.com");
	assert_ok(loyalty_customer_set_email(c, NULL));
	assert_string_equal(loyalty_customer_email(c), "");

	assert_ok(loyalty_customer_set_external_ref(c, "crm-000123"));
	assert_status(loyalty_customer_set_external_ref(c, "crm 1"), LOYALTY_EINVAL);
	assert_string_equal(loyalty_customer_external_ref(c), "crm-000123");

	assert_ok(loyalty_customer_set_birthday(c, 2, 29));
	assert_status(loyalty_customer_set_birthday(c, 2, 30), LOYALTY_EINVAL);
	assert_status(loyalty_customer_set_birthday(c, 4, 31), LOYALTY_EINVAL);
	assert_status(loyalty_customer_set_birthday(c, 13, 1), LOYALTY_EINVAL);
	assert_status(loyalty_customer_set_birthday(c, 0, 5), LOYALTY_EINVAL);
	assert_status(loyalty_customer_set_birthday(c, 5, 0), LOYALTY_EINVAL);
	assert_ok(loyalty_customer_birthday(c, &m, &d));
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	assert_ok(loyalty_customer_set_birthday(c, 0, 0));
	assert_ok(loyalty_customer_birthday(c, &m, &d));
	assert_int_equal(m, 0);

	assert_ok(loyalty_customer_set_tier(c, "gold"));
	assert_status(loyalty_customer_set_tier(c, "gold star"), LOYALTY_EINVAL);
	assert_string_equal(loyalty_customer_tier(c), "gold");
	assert_ok(loyalty_customer_set_tier(c, ""));
	assert_string_equal(loyalty_customer_tier(c), "");

	assert_ok(loyalty_customer_set_joined_at(c, INT64_C(-86400000)));
	assert_int_equal(loyalty_customer_joined_at(c), INT64_C(-86400000));

	assert_status(loyalty_customer_set_name(NULL, "x"), LOYALTY_EINVAL);
	assert_status(loyalty_customer_set_birthday(NULL, 1, 1), LOYALTY_EINVAL);
	assert_status(loyalty_customer_birthday(NULL, &m, &d), LOYALTY_EINVAL);
	assert_null(loyalty_customer_id(NULL));
	assert_string_equal(loyalty_customer_name(NULL), "");
}

static void test_tags(void **state)
{
	loyalty_customer *c = *state;
	char tag[8];

	assert_ok(loyalty_customer_add_tag(c, "vip"));
	assert_ok(loyalty_customer_add_tag(c, "staff"));
	assert_status(loyalty_customer_add_tag(c, "vip"), LOYALTY_EDUPLICATE);
	assert_status(loyalty_customer_add_tag(c, "not ok"), LOYALTY_EINVAL);
	assert_status(loyalty_customer_add_tag(c, ""), LOYALTY_EINVAL);
	assert_status(loyalty_customer_add_tag(c, NULL), LOYALTY_EINVAL);
	assert_int_equal(loyalty_customer_tag_count(c), 2);
	assert_string_equal(loyalty_customer_tag(c, 0), "vip");
	assert_string_equal(loyalty_customer_tag(c, 1), "staff");
	assert_null(loyalty_customer_tag(c, 2));
	assert_true(loyalty_customer_has_tag(c, "staff"));
	assert_false(loyalty_customer_has_tag(c, "nope"));
	assert_ok(loyalty_customer_remove_tag(c, "vip"));
	assert_status(loyalty_customer_remove_tag(c, "vip"), LOYALTY_ENOTFOUND);
	assert_int_equal(loyalty_customer_tag_count(c), 1);
	assert_string_equal(loyalty_customer_tag(c, 0), "staff");
	for (int i = 1; i < LOYALTY_TAGS_MAX; i++) {
		snprintf(tag, sizeof tag, "t%d", i);
		assert_ok(loyalty_customer_add_tag(c, tag));
	}
	assert_status(loyalty_customer_add_tag(c, "one-too-many"), LOYALTY_ERANGE);
	assert_int_equal(loyalty_customer_tag_count(c), LOYALTY_TAGS_MAX);
}

static void test_clone_is_deep(void **state)
{
	loyalty_customer *c = *state, *copy = NULL;

	assert_ok(loyalty_customer_set_name(c, "Ada"));
	assert_ok(loyalty_customer_set_email(c, "ada@example.org"));
	assert_ok(loyalty_customer_set_tier(c, "silver"));
	assert_ok(loyalty_customer_set_birthday(c, 12, 10));
	assert_ok(loyalty_customer_add_tag(c, "vip"));
	assert_ok(loyalty_customer_clone(&copy, c));
	assert_ok(loyalty_customer_set_name(c, "Changed"));
	assert_ok(loyalty_customer_remove_tag(c, "vip"));
	assert_string_equal(loyalty_customer_name(copy), "Ada");
	assert_string_equal(loyalty_customer_email(copy), "ada@example.org");
	assert_string_equal(loyalty_customer_tier(copy), "silver");
	assert_true(loyalty_customer_has_tag(copy, "vip"));
	assert_int_equal(loyalty_id_compare(loyalty_customer_id(copy), loyalty_customer_id(c)), 0);
	loyalty_customer_free(copy);
	assert_status(loyalty_customer_clone(&copy, NULL), LOYALTY_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_with_and_without_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_setters_validate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clone_is_deep, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
