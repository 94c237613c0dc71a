/*
 * Calculator throughput: receipts per second for a realistic pipeline.
 *
 * usage: bench_calculator [purchases]      (default 200000)
 *
 * Prints one line per configuration with the median of 5 runs. The clock is
 * read here, in the benchmark, never in the library. Compare the ratios of
 * lines printed by one run: the machines are shared and noisy.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <loyalty/loyalty.h>

#define RUNS 5

static void check(int rc, const char *what)
{
	if (rc != LOYALTY_OK) {
		fprintf(stderr, "%s: %s\n", what, loyalty_last_error());
		exit(1);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static loyalty_calculator *make_calc(int full)
{
	loyalty_calculator_options o = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_calculator *c;

	memcpy(o.currency, "USD", 4);
	check(loyalty_calculator_new(&c, &o), "new");
	check(loyalty_calculator_exclude_product_type(c, "gift_card"), "exclude");
	check(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"), "base");
	if (full) {
		check(loyalty_calculator_add(c, "product_type", "types", "mode=multiplier type.electronics=2"), "types");
		check(loyalty_calculator_add(c, "tier_multiplier", "tiers", "tier.silver=5/4 tier.gold=3/2"), "tiers");
		check(loyalty_calculator_add(c, "campaign", "weekend", "multiplier=2 weekdays=sat,sun"), "camp");
		check(loyalty_calculator_add(c, "birthday", "bday", "bonus=50 period=week"), "bday");
		check(loyalty_calculator_add(c, "threshold", "big", "min_spend=10000 bonus=100"), "thr");
		check(loyalty_calculator_add(c, "first_purchase", "hi", "bonus=25"), "first");
	}
	return c;
}

int main(int argc, char **argv)
{
	static const char *const types[] = { "coffee", "electronics", "groceries", "books", "toys", "gift_card" };
	static const char *const tiers[] = { "", "silver", "gold" };
	long n = argc > 1 ? atol(argv[1]) : 200000;
	enum { CUSTOMERS = 1000, BASKETS = 4096 };
	loyalty_customer **cust = calloc(CUSTOMERS, sizeof *cust);
	loyalty_purchase **baskets = calloc(BASKETS, sizeof *baskets);
	uint64_t seed = 42;

	if (n <= 0 || cust == NULL || baskets == NULL)
		return 2;
	for (int i = 0; i < CUSTOMERS; i++) {
		check(loyalty_customer_new(&cust[i], NULL), "customer");
		check(loyalty_customer_set_tier(cust[i], tiers[i % 3]), "tier");
		check(loyalty_customer_set_birthday(cust[i], 1 + i % 12, 1 + i % 28), "birthday");
	}
	for (int b = 0; b < BASKETS; b++) {
		char key[32];
		int items;
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		items = 1 + (int)(seed >> 60) % 5;
		snprintf(key, sizeof key, "order-%d", b);
		check(loyalty_purchase_new(&baskets[b], key, loyalty_customer_id(cust[b % CUSTOMERS]),
		                           INT64_C(1767225600000) + (int64_t)(seed >> 40) * 1000, "USD"),
		      "purchase");
		for (int k = 0; k < items; k++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			check(loyalty_purchase_add_item(baskets[b], "sku", types[(seed >> 33) % 6], 1 + (int64_t)(seed >> 61),
			                                (int64_t)(seed >> 44) % 20000),
			      "item");
		}
	}
	printf("bench_calculator: %ld purchases per run, median of %d runs, libloyalty %s\n", n, RUNS,
	       loyalty_version_string());
	for (int full = 0; full <= 1; full++) {
		loyalty_calculator *c = make_calc(full);
		double secs[RUNS];
		long long total = 0;

		for (int run = 0; run < RUNS; run++) {
			double t0 = now_s();
			for (long i = 0; i < n; i++) {
				loyalty_receipt *r;
				int b = (int)(i % BASKETS);
				check(loyalty_calculator_compute(c, cust[b % CUSTOMERS], baskets[b], NULL, &r), "compute");
				total += loyalty_receipt_points(r);
				loyalty_receipt_free(r);
			}
			secs[run] = now_s() - t0;
		}
		qsort(secs, RUNS, sizeof secs[0], cmp_double);
		printf("  %-34s %8.0f ns/purchase  %10.0f purchases/s  (checksum %lld)\n",
		       full ? "7 strategies (every built-in kind)" : "1 strategy (base_rate)", secs[RUNS / 2] / n * 1e9,
		       n / secs[RUNS / 2], total);
		loyalty_calculator_free(c);
	}
	for (int b = 0; b < BASKETS; b++)
		loyalty_purchase_free(baskets[b]);
	for (int i = 0; i < CUSTOMERS; i++)
		loyalty_customer_free(cust[i]);
	free(baskets);
	free(cust);
	return 0;
}
