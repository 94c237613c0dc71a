/*
 * Shared helpers for the cmocka unit tests (in the spirit of libssh's torture.c).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_TORTURE_H
#define LOYALTY_TORTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <loyalty/loyalty.h>

/* Assert a call succeeds; on failure print the library's message. */
#define assert_ok(expr) torture_assert_status((expr), LOYALTY_OK, #expr, __FILE__, __LINE__)
/* Assert a call fails with @p code. */
#define assert_status(expr, code) torture_assert_status((expr), (code), #expr, __FILE__, __LINE__)
/* Assert a fraction equals num/den exactly (den > 0, reduced). */
#define assert_frac(f, n, d) torture_assert_frac((f), (n), (d), __FILE__, __LINE__)

void torture_assert_status(int got, int want, const char *expr, const char *file, int line);
void torture_assert_frac(loyalty_fraction f, int64_t num, int64_t den, const char *file, int line);

/* A calculator in @p currency with the given rounding and UTC offset (minutes). */
loyalty_calculator *torture_calculator(const char *currency, loyalty_rounding rounding, int offset);
/* A customer with a fixed id built from @p n (deterministic). */
loyalty_customer *torture_customer(unsigned n);
/* A purchase of @p customer at @p at in @p currency with key @p key. */
loyalty_purchase *torture_purchase(const loyalty_customer *customer, const char *key, loyalty_time at,
                                   const char *currency);
/* The instant of a UTC civil time. */
loyalty_time torture_time(int year, int month, int day, int hour, int minute);
/* Compute and return the receipt; fails the test on error. */
loyalty_receipt *torture_compute(const loyalty_calculator *c, const loyalty_customer *cu,
                                 const loyalty_purchase *p, int first);
/* Points of one computation (frees the receipt). */
loyalty_points torture_points(const loyalty_calculator *c, const loyalty_customer *cu, const loyalty_purchase *p);
/* The exact contribution of the receipt line named @p name; fails if absent. */
loyalty_fraction torture_line_points(const loyalty_receipt *r, const char *name, int *applied);

/* A small deterministic PRNG (splitmix64) for property tests. */
typedef struct torture_rng {
	uint64_t state;
} torture_rng;
uint64_t torture_rand(torture_rng *r);
/* uniform in [lo, hi] */
int64_t torture_range(torture_rng *r, int64_t lo, int64_t hi);

#endif
