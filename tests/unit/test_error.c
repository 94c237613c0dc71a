/*
 * Status codes, messages and the per-thread last error.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <string.h>

#include "torture.h"

static void test_strerror_every_code(void **state)
{
	(void)state;
	for (int code = 0; code >= LOYALTY_STATUS_MIN; code--) {
		assert_non_null(loyalty_status_name(code));
		assert_string_not_equal(loyalty_strerror(code), "unknown error");
	}
	assert_string_equal(loyalty_strerror(LOYALTY_OK), "success");
	assert_string_equal(loyalty_strerror(LOYALTY_ENOTFOUND), "not found");
	assert_string_equal(loyalty_status_name(LOYALTY_EUSER), "LOYALTY_EUSER");
	assert_string_equal(loyalty_strerror(LOYALTY_STATUS_MIN - 1), "unknown error");
	assert_string_equal(loyalty_strerror(42), "unknown error");
	assert_null(loyalty_status_name(42));
}

static void test_codes_are_stable(void **state)
{
	(void)state;
	/* the numeric values are ABI */
	assert_int_equal(LOYALTY_EINVAL, -1);
	assert_int_equal(LOYALTY_ENOMEM, -2);
	assert_int_equal(LOYALTY_ENOTFOUND, -3);
	assert_int_equal(LOYALTY_EDUPLICATE, -4);
	assert_int_equal(LOYALTY_ECONFLICT, -5);
	assert_int_equal(LOYALTY_EINSUFFICIENT, -6);
	assert_int_equal(LOYALTY_ERANGE, -7);
	assert_int_equal(LOYALTY_ECORRUPT, -8);
	assert_int_equal(LOYALTY_EIO, -9);
	assert_int_equal(LOYALTY_EUSER, -10);
	assert_int_equal(LOYALTY_ECURRENCY, -11);
	assert_int_equal(LOYALTY_ESTATE, -12);
	assert_int_equal(LOYALTY_ECANCELED, -13);
}

static void test_last_error_names_the_argument(void **state)
{
	loyalty_customer *c = NULL;

	(void)state;
	loyalty_error_clear();
	assert_string_equal(loyalty_last_error(), "");
	assert_int_equal(loyalty_last_error_code(), LOYALTY_OK);
	assert_status(loyalty_customer_new(NULL, NULL), LOYALTY_EINVAL);
	assert_int_equal(loyalty_last_error_code(), LOYALTY_EINVAL);
	assert_non_null(strstr(loyalty_last_error(), "loyalty_customer_new"));
	assert_non_null(strstr(loyalty_last_error(), "out"));
	assert_ok(loyalty_customer_new(&c, NULL));
	assert_status(loyalty_customer_set_birthday(c, 2, 30), LOYALTY_EINVAL);
	assert_non_null(strstr(loyalty_last_error(), "day 30"));
	loyalty_customer_free(c);
}

static void test_error_set(void **state)
{
	char big[2000];

	(void)state;
	assert_int_equal(loyalty_error_set(LOYALTY_EUSER, "no price list"), LOYALTY_EUSER);
	assert_string_equal(loyalty_last_error(), "no price list");
	assert_int_equal(loyalty_last_error_code(), LOYALTY_EUSER);
	assert_int_equal(loyalty_error_set(LOYALTY_EIO, NULL), LOYALTY_EIO);
	assert_string_equal(loyalty_last_error(), loyalty_strerror(LOYALTY_EIO));
	/* a message passed back from the buffer itself */
	assert_int_equal(loyalty_error_set(LOYALTY_EIO, loyalty_last_error()), LOYALTY_EIO);
	assert_string_equal(loyalty_last_error(), loyalty_strerror(LOYALTY_EIO));
	/* long messages are truncated, not overflowed */
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	loyalty_error_set(LOYALTY_EINVAL, big);
	assert_int_equal(strlen(loyalty_last_error()), 511);
	loyalty_error_clear();
	assert_string_equal(loyalty_last_error(), "");
}

static void *other_thread(void *arg)
{
	(void)arg;
	loyalty_error_set(LOYALTY_ECORRUPT, "set in another thread");
	return strcmp(loyalty_last_error(), "set in another thread") == 0 ? arg : NULL;
}

static void test_last_error_is_per_thread(void **state)
{
	pthread_t t;
	void *ret = NULL;
	int marker;

	(void)state;
	loyalty_error_set(LOYALTY_EINVAL, "main thread");
	assert_int_equal(pthread_create(&t, NULL, other_thread, &marker), 0);
	assert_int_equal(pthread_join(t, &ret), 0);
	assert_ptr_equal(ret, &marker);
	assert_string_equal(loyalty_last_error(), "main thread");
	assert_int_equal(loyalty_last_error_code(), LOYALTY_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strerror_every_code),
		cmocka_unit_test(test_codes_are_stable),
		cmocka_unit_test(test_last_error_names_the_argument),
		cmocka_unit_test(test_error_set),
		cmocka_unit_test(test_last_error_is_per_thread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
