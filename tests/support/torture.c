/*
 * Shared helpers for the cmocka unit tests.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "torture.h"

void torture_assert_status(int got, int want, const char *expr, const char *file, int line)
{
	if (got != want) {
		print_error("%s:%d: %s returned %d (%s), expected %d (%s); last error: %s\n", file, line, expr, got,
		            loyalty_status_name(got) ? loyalty_status_name(got) : "?", want,
		            loyalty_status_name(want) ? loyalty_status_name(want) : "?", loyalty_last_error());
		fail();
	}
}

void torture_assert_frac(loyalty_fraction f, int64_t num, int64_t den, const char *file, int line)
{
	if (f.num != num || f.den != den) {
		print_error("%s:%d: fraction %lld/%lld, expected %lld/%lld\n", file, line, (long long)f.num,
		            (long long)f.den, (long long)num, (long long)den);
		fail();
	}
}

loyalty_calculator *torture_calculator(const char *currency, loyalty_rounding rounding, int offset)
{
	loyalty_calculator_options o = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_calculator *c = NULL;

	snprintf(o.currency, sizeof o.currency, "%s", currency);
	o.rounding = rounding;
	o.utc_offset_minutes = offset;
	assert_ok(loyalty_calculator_new(&c, &o));
	return c;
}

loyalty_customer *torture_customer(unsigned n)
{
	loyalty_customer *c = NULL;
	loyalty_id id;

	memset(&id, 0, sizeof id);
	id.bytes[0] = 0xc0;
	id.bytes[12] = (uint8_t)(n >> 24);
	id.bytes[13] = (uint8_t)(n >> 16);
	id.bytes[14] = (uint8_t)(n >> 8);
	id.bytes[15] = (uint8_t)n;
	assert_ok(loyalty_customer_new(&c, &id));
	return c;
}

loyalty_purchase *torture_purchase(const loyalty_customer *customer, const char *key, loyalty_time at,
                                   const char *currency)
{
	loyalty_purchase *p = NULL;

	assert_ok(loyalty_purchase_new(&p, key, loyalty_customer_id(customer), at, currency));
	return p;
}

loyalty_time torture_time(int year, int month, int day, int hour, int minute)
{
	loyalty_time t = 0;

	assert_ok(loyalty_time_from_civil(year, month, day, hour, minute, 0, 0, &t));
	return t;
}

loyalty_receipt *torture_compute(const loyalty_calculator *c, const loyalty_customer *cu,
                                 const loyalty_purchase *p, int first)
{
	loyalty_calc_context ctx = LOYALTY_CALC_CONTEXT_INIT;
	loyalty_receipt *r = NULL;

	ctx.first_purchase = first;
	assert_ok(loyalty_calculator_compute(c, cu, p, &ctx, &r));
	assert_non_null(r);
	return r;
}

loyalty_points torture_points(const loyalty_calculator *c, const loyalty_customer *cu, const loyalty_purchase *p)
{
	loyalty_receipt *r = torture_compute(c, cu, p, 0);
	loyalty_points pts = loyalty_receipt_points(r);

	loyalty_receipt_free(r);
	return pts;
}

loyalty_fraction torture_line_points(const loyalty_receipt *r, const char *name, int *applied)
{
	loyalty_receipt_line line;

	for (size_t i = 0; i < loyalty_receipt_line_count(r); i++) {
		assert_ok(loyalty_receipt_line_at(r, i, &line));
		if (strcmp(line.strategy, name) == 0) {
			if (applied)
				*applied = line.applied;
			return line.points;
		}
	}
	print_error("no receipt line named %s\n", name);
	fail();
	return (loyalty_fraction){ 0, 1 };
}

uint64_t torture_rand(torture_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int64_t torture_range(torture_rng *r, int64_t lo, int64_t hi)
{
	uint64_t span = (uint64_t)(hi - lo) + 1;

	return span == 0 ? (int64_t)torture_rand(r) : lo + (int64_t)(torture_rand(r) % span);
}
