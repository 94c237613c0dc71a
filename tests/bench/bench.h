/*
 * libloyalty - what the C benchmarks of tests/bench share: failing loudly,
 * a monotonic clock and the order of doubles (for medians).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_BENCH_H
#define LOYALTY_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <loyalty/loyalty.h>

/* Exit with the library's message when a call fails: a benchmark never times a failure. */
static inline void check(int rc, const char *what)
{
	if (rc != LOYALTY_OK) {
		fprintf(stderr, "%s: %s\n", what, loyalty_last_error());
		exit(1);
	}
}

/* Seconds on the monotonic clock. */
static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* qsort order of doubles. */
static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

#endif /* LOYALTY_BENCH_H */
