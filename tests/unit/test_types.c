/*
 * Value types: fractions and rounding, currencies, civil time, ids, versions.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "torture.h"
#include "internal.h"

static loyalty_fraction F(int64_t n, int64_t d)
{
	loyalty_fraction f = { n, d };
	return f;
}

static int64_t rounded(int64_t n, int64_t d, loyalty_rounding mode)
{
	int64_t out = 0;

	assert_ok(loyalty_fraction_round(F(n, d), mode, &out));
	return out;
}

static void test_rounding_modes_on_halves_and_negatives(void **state)
{
	(void)state;
	/* value            floor  half_up  half_even  ceil */
	static const struct { int64_t n, d, fl, hu, he, ce; } cases[] = {
		{ 5, 2, 2, 3, 2, 3 },       /* 2.5 */
		{ 7, 2, 3, 4, 4, 4 },       /* 3.5 */
		{ -5, 2, -3, -3, -2, -2 },  /* -2.5 */
		{ -1, 2, -1, -1, 0, 0 },    /* -0.5 */
		{ 1, 2, 0, 1, 0, 1 },       /* 0.5 */
		{ 7, 3, 2, 2, 2, 3 },       /* 2.333 */
		{ 8, 3, 2, 3, 3, 3 },       /* 2.667 */
		{ -7, 3, -3, -2, -2, -2 },  /* -2.333 */
		{ -8, 3, -3, -3, -3, -2 },  /* -2.667 */
		{ 6, 3, 2, 2, 2, 2 },       /* exact */
		{ 0, 5, 0, 0, 0, 0 },
		{ 2599, 100, 25, 26, 26, 26 },
		{ 2550, 100, 25, 26, 26, 26 }, /* 25.5: half_even goes to 26 */
		{ 2450, 100, 24, 25, 24, 25 }, /* 24.5: half_even goes to 24 */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(rounded(cases[i].n, cases[i].d, LOYALTY_ROUND_FLOOR), cases[i].fl);
		assert_int_equal(rounded(cases[i].n, cases[i].d, LOYALTY_ROUND_HALF_UP), cases[i].hu);
		assert_int_equal(rounded(cases[i].n, cases[i].d, LOYALTY_ROUND_HALF_EVEN), cases[i].he);
		assert_int_equal(rounded(cases[i].n, cases[i].d, LOYALTY_ROUND_CEIL), cases[i].ce);
	}
}

static void test_rounding_at_int64_limits(void **state)
{
	int64_t out = 7;

	(void)state;
	assert_int_equal(rounded(INT64_MAX, 1, LOYALTY_ROUND_CEIL), INT64_MAX);
	assert_int_equal(rounded(INT64_MIN, 1, LOYALTY_ROUND_FLOOR), INT64_MIN);
	assert_int_equal(rounded(INT64_MAX, 2, LOYALTY_ROUND_HALF_UP), INT64_MAX / 2 + 1);
	assert_int_equal(rounded(INT64_MIN, 3, LOYALTY_ROUND_FLOOR), INT64_MIN / 3 - 1);
	assert_status(loyalty_fraction_round(F(1, 0), LOYALTY_ROUND_FLOOR, &out), LOYALTY_EINVAL);
	assert_status(loyalty_fraction_round(F(1, -2), LOYALTY_ROUND_FLOOR, &out), LOYALTY_EINVAL);
	assert_status(loyalty_fraction_round(F(1, 2), (loyalty_rounding)9, &out), LOYALTY_EINVAL);
	assert_status(loyalty_fraction_round(F(1, 2), LOYALTY_ROUND_FLOOR, NULL), LOYALTY_EINVAL);
	assert_int_equal(out, 7); /* unchanged on failure */
}

static void test_fraction_reduce_parse_format(void **state)
{
	loyalty_fraction f = { 0, 1 };
	char buf[48];

	(void)state;
	assert_ok(loyalty_fraction_reduce(F(6, -4), &f));
	assert_frac(f, -3, 2);
	assert_ok(loyalty_fraction_reduce(F(0, -9), &f));
	assert_frac(f, 0, 1);
	assert_status(loyalty_fraction_reduce(F(1, 0), &f), LOYALTY_EINVAL);
	assert_status(loyalty_fraction_reduce(F(INT64_MIN, -1), &f), LOYALTY_ERANGE);
	assert_frac(f, 0, 1);

	assert_ok(loyalty_fraction_parse("3/2", &f));
	assert_frac(f, 3, 2);
	assert_ok(loyalty_fraction_parse("-10/4", &f));
	assert_frac(f, -5, 2);
	assert_ok(loyalty_fraction_parse("7", &f));
	assert_frac(f, 7, 1);
	assert_ok(loyalty_fraction_parse("9223372036854775807", &f));
	assert_frac(f, INT64_MAX, 1);
	assert_status(loyalty_fraction_parse("9223372036854775808", &f), LOYALTY_ERANGE);
	assert_status(loyalty_fraction_parse("1/0", &f), LOYALTY_EINVAL);
	assert_status(loyalty_fraction_parse("1.5", &f), LOYALTY_EINVAL);
	assert_status(loyalty_fraction_parse("", &f), LOYALTY_EINVAL);
	assert_status(loyalty_fraction_parse("/2", &f), LOYALTY_EINVAL);
	assert_status(loyalty_fraction_parse("2/", &f), LOYALTY_EINVAL);
	assert_status(loyalty_fraction_parse("a", &f), LOYALTY_EINVAL);
	{
		static const char *const malformed[] = { "-", "+", "--1", "1-2", "5-", "1/--2", "1/+", "+-3" };
		for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
			assert_status(loyalty_fraction_parse(malformed[i], &f), LOYALTY_EINVAL);
	}
	assert_status(loyalty_fraction_parse("1/99999999999999999999", &f), LOYALTY_ERANGE);
	assert_status(loyalty_fraction_parse(NULL, &f), LOYALTY_EINVAL);
	assert_frac(f, INT64_MAX, 1);

	assert_int_equal(loyalty_fraction_format(F(3, 2), buf, sizeof buf), 3);
	assert_string_equal(buf, "3/2");
	assert_int_equal(loyalty_fraction_format(F(-4, 1), buf, sizeof buf), 2);
	assert_string_equal(buf, "-4");
	assert_status(loyalty_fraction_format(F(12345, 1), buf, 3), LOYALTY_ERANGE);
	assert_int_equal(loyalty_fraction_format(F(4, 6), buf, sizeof buf), 3);
	assert_string_equal(buf, "2/3");
	assert_status(loyalty_fraction_format(F(1, 0), buf, sizeof buf), LOYALTY_EINVAL);
	assert_status(loyalty_fraction_format(F(1, -2), buf, sizeof buf), LOYALTY_EINVAL);
}

static void test_private_fraction_arithmetic_overflow(void **state)
{
	ly_frac out = { 0, 1 };

	(void)state;
	assert_int_equal(ly_frac_add(F(INT64_MAX, 1), F(1, 1), &out), LOYALTY_ERANGE);
	assert_int_equal(ly_frac_mul(F(INT64_MAX, 1), F(2, 1), &out), LOYALTY_ERANGE);
	assert_int_equal(ly_frac_mul(F(INT64_MAX, 1), F(1, 2), &out), LOYALTY_OK);
	assert_frac(out, INT64_MAX, 2);
	assert_int_equal(ly_frac_mul(F(1, INT64_MAX), F(1, 2), &out), LOYALTY_ERANGE); /* den overflows */
	assert_int_equal(ly_frac_mul(F(INT64_MAX, 3), F(3, INT64_MAX), &out), LOYALTY_OK);
	assert_frac(out, 1, 1);
	assert_int_equal(ly_frac_add(F(1, 3), F(1, 6), &out), LOYALTY_OK);
	assert_frac(out, 1, 2);
	assert_int_equal(ly_frac_sub(F(INT64_MIN, 1), F(1, 1), &out), LOYALTY_ERANGE);
	assert_int_equal(ly_frac_cmp(F(1, 3), F(2, 6)), 0);
	assert_true(ly_frac_cmp(F(-1, 2), F(1, 3)) < 0);
}

static void test_currencies(void **state)
{
	(void)state;
	assert_true(loyalty_currency_is_valid("USD"));
	assert_true(loyalty_currency_is_valid("EUR"));
	assert_true(loyalty_currency_is_valid("JPY"));
	assert_false(loyalty_currency_is_valid("usd"));
	assert_false(loyalty_currency_is_valid("XXX"));
	assert_false(loyalty_currency_is_valid("EURO"));
	assert_false(loyalty_currency_is_valid(""));
	assert_false(loyalty_currency_is_valid(NULL));
	assert_int_equal(loyalty_currency_minor_digits("USD"), 2);
	assert_int_equal(loyalty_currency_minor_digits("JPY"), 0);
	assert_int_equal(loyalty_currency_minor_digits("KWD"), 3);
	assert_int_equal(loyalty_currency_minor_digits("ABC"), LOYALTY_ECURRENCY);
}

static void test_civil_time(void **state)
{
	loyalty_time t = 0;
	int y, mo, d, h, mi, s, wd;

	(void)state;
	assert_ok(loyalty_time_from_civil(1970, 1, 1, 0, 0, 0, 0, &t));
	assert_int_equal(t, 0);
	assert_ok(loyalty_time_from_civil(2026, 11, 28, 12, 30, 15, 0, &t));
	assert_int_equal(t, INT64_C(1795869015000));
	assert_ok(loyalty_time_to_civil(t, 0, &y, &mo, &d, &h, &mi, &s, &wd));
	assert_int_equal(y, 2026);
	assert_int_equal(mo, 11);
	assert_int_equal(d, 28);
	assert_int_equal(h, 12);
	assert_int_equal(mi, 30);
	assert_int_equal(s, 15);
	assert_int_equal(wd, 6); /* Saturday */
	/* UTC+09:00: 00:30 local on the 29th is 15:30 UTC on the 28th */
	assert_ok(loyalty_time_from_civil(2026, 11, 29, 0, 30, 0, 540, &t));
	assert_ok(loyalty_time_to_civil(t, 0, NULL, NULL, &d, &h, NULL, NULL, NULL));
	assert_int_equal(d, 28);
	assert_int_equal(h, 15);
	/* before the epoch */
	assert_ok(loyalty_time_from_civil(1969, 12, 31, 23, 59, 59, 0, &t));
	assert_int_equal(t, -1000);
	assert_ok(loyalty_time_to_civil(-1, 0, &y, &mo, &d, &h, &mi, &s, &wd));
	assert_int_equal(y, 1969);
	assert_int_equal(s, 59);
	assert_int_equal(wd, 3); /* Wednesday */
	/* leap days */
	assert_ok(loyalty_time_from_civil(2024, 2, 29, 0, 0, 0, 0, &t));
	assert_status(loyalty_time_from_civil(2025, 2, 29, 0, 0, 0, 0, &t), LOYALTY_EINVAL);
	assert_status(loyalty_time_from_civil(1900, 2, 29, 0, 0, 0, 0, &t), LOYALTY_EINVAL);
	assert_ok(loyalty_time_from_civil(2000, 2, 29, 0, 0, 0, 0, &t));
	assert_status(loyalty_time_from_civil(2026, 13, 1, 0, 0, 0, 0, &t), LOYALTY_EINVAL);
	assert_status(loyalty_time_from_civil(2026, 1, 1, 24, 0, 0, 0, &t), LOYALTY_EINVAL);
	assert_status(loyalty_time_from_civil(2026, 1, 1, 0, 0, 0, 841, &t), LOYALTY_EINVAL);
	assert_status(loyalty_time_to_civil(0, -841, NULL, NULL, NULL, NULL, NULL, NULL, NULL), LOYALTY_EINVAL);
	assert_status(loyalty_time_from_civil(2026, 1, 1, 0, 0, 0, 0, NULL), LOYALTY_EINVAL);
}

static void test_civil_round_trip_many_days(void **state)
{
	(void)state;
	/* every day from 1600 to 2400 maps to a date and back */
	for (int64_t day = ly_days_from_civil(1600, 1, 1); day < ly_days_from_civil(2400, 1, 1); day++) {
		int64_t y;
		int m, d;
		ly_civil_from_days(day, &y, &m, &d);
		assert_int_equal(ly_days_from_civil(y, m, d), day);
		assert_true(d >= 1 && d <= ly_days_in_month(y, m));
	}
}

static void test_ids(void **state)
{
	loyalty_id a, b, parsed;
	char text[LOYALTY_ID_STRLEN + 1];

	(void)state;
	assert_ok(loyalty_id_generate(&a));
	assert_ok(loyalty_id_generate(&b));
	assert_false(loyalty_id_is_nil(&a));
	assert_int_not_equal(loyalty_id_compare(&a, &b), 0);
	assert_int_equal(a.bytes[6] >> 4, 4); /* version 4 */
	assert_ok(loyalty_id_format(&a, text, sizeof text));
	assert_int_equal(strlen(text), LOYALTY_ID_STRLEN);
	assert_ok(loyalty_id_parse(text, &parsed));
	assert_int_equal(loyalty_id_compare(&a, &parsed), 0);

	assert_ok(loyalty_id_parse("0123ABCD-4567-89ab-CDEF-0123456789ab", &parsed));
	assert_ok(loyalty_id_format(&parsed, text, sizeof text));
	assert_string_equal(text, "0123abcd-4567-89ab-cdef-0123456789ab");
	assert_int_equal(parsed.bytes[0], 0x01);
	assert_int_equal(parsed.bytes[15], 0xab);

	memset(&b, 0x5a, sizeof b);
	assert_status(loyalty_id_parse("0123abcd-4567-89ab-cdef-0123456789a", &b), LOYALTY_EINVAL);
	assert_status(loyalty_id_parse("0123abcd-4567-89ab-cdef-0123456789abc", &b), LOYALTY_EINVAL);
	assert_status(loyalty_id_parse("0123abcd_4567-89ab-cdef-0123456789ab", &b), LOYALTY_EINVAL);
	assert_status(loyalty_id_parse("0123abcg-4567-89ab-cdef-0123456789ab", &b), LOYALTY_EINVAL);
	assert_status(loyalty_id_parse(NULL, &b), LOYALTY_EINVAL);
	assert_int_equal(b.bytes[0], 0x5a); /* unchanged */
	assert_status(loyalty_id_format(&a, text, LOYALTY_ID_STRLEN), LOYALTY_ERANGE);
	memset(&b, 0, sizeof b);
	assert_true(loyalty_id_is_nil(&b));
	assert_true(loyalty_id_is_nil(NULL));
	assert_true(loyalty_id_compare(NULL, &a) < 0);
	assert_int_equal(loyalty_id_compare(NULL, NULL), 0);
}

static void test_versions_and_names(void **state)
{
	loyalty_rounding r = LOYALTY_ROUND_CEIL;

	(void)state;
	assert_int_equal(loyalty_version_number(), LOYALTY_VERSION_NUMBER);
	assert_string_equal(loyalty_version_string(), LOYALTY_VERSION_STRING);
	assert_int_equal(LOYALTY_VERSION_NUMBER,
	                 LOYALTY_VERSION_MAJOR * 10000 + LOYALTY_VERSION_MINOR * 100 + LOYALTY_VERSION_PATCH);
	assert_string_equal(loyalty_rounding_name(LOYALTY_ROUND_HALF_EVEN), "half_even");
	assert_null(loyalty_rounding_name(4));
	assert_ok(loyalty_rounding_parse("half_up", &r));
	assert_int_equal(r, LOYALTY_ROUND_HALF_UP);
	assert_status(loyalty_rounding_parse("banker", &r), LOYALTY_ENOTFOUND);
	assert_int_equal(r, LOYALTY_ROUND_HALF_UP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rounding_modes_on_halves_and_negatives),
		cmocka_unit_test(test_rounding_at_int64_limits),
		cmocka_unit_test(test_fraction_reduce_parse_format),
		cmocka_unit_test(test_private_fraction_arithmetic_overflow),
		cmocka_unit_test(test_currencies),
		cmocka_unit_test(test_civil_time),
		cmocka_unit_test(test_civil_round_trip_many_days),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_versions_and_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
