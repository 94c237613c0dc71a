/*
 * Program throughput: purchases recorded per second (atomic, idempotent,
 * ledgered), a replayed purchase, and a maintenance sweep.
 *
 * usage: bench_program [customers] [purchases]   (default 10000 200000)
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <loyalty/loyalty.h>

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

int main(int argc, char **argv)
{
	static const char *const types[] = { "coffee", "electronics", "groceries", "books", "toys", "gift_card" };
	long ncust = argc > 1 ? atol(argv[1]) : 10000, n = argc > 2 ? atol(argv[2]) : 200000;
	loyalty_calculator_options co = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_program_options po = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_maintenance_report rep;
	loyalty_calculator *calc;
	loyalty_program *p;
	loyalty_id *ids;
	loyalty_time t0;
	uint64_t seed = 7;
	double t;

	if (ncust <= 0 || n <= 0 || (ids = calloc((size_t)ncust, sizeof *ids)) == NULL)
		return 2;
	memcpy(co.currency, "USD", 4);
	check(loyalty_calculator_new(&calc, &co), "calculator");
	check(loyalty_calculator_exclude_product_type(calc, "gift_card"), "exclude");
	check(loyalty_calculator_add(calc, "base_rate", "base", "points=1 per=100"), "base");
	check(loyalty_calculator_add(calc, "tier_multiplier", "tiers", "tier.silver=5/4 tier.gold=3/2"), "tiers");
	check(loyalty_calculator_add(calc, "campaign", "weekend", "multiplier=2 weekdays=sat,sun"), "camp");
	po.pending_days = 14;
	po.expiry = LOYALTY_EXPIRY_BUCKET;
	po.expiry_months = 12;
	check(loyalty_program_new(&p, calc, &po), "program");
	check(loyalty_program_add_tier(p, "member", 0, NULL, 0), "tier");
	check(loyalty_program_add_tier(p, "silver", 50000, NULL, 0), "tier");
	check(loyalty_program_add_tier(p, "gold", 200000, NULL, 0), "tier");
	check(loyalty_time_from_civil(2026, 1, 1, 0, 0, 0, 0, &t0), "time");

	t = now_s();
	for (long i = 0; i < ncust; i++) {
		loyalty_customer *c;
		char key[32];
		check(loyalty_customer_new(&c, NULL), "customer");
		ids[i] = *loyalty_customer_id(c);
		snprintf(key, sizeof key, "enrol-%ld", i);
		check(loyalty_program_enroll(p, key, c, NULL, t0, NULL), "enrol");
		loyalty_customer_free(c);
	}
	t = now_s() - t;
	printf("bench_program: %ld customers, %ld purchases, libloyalty %s\n", ncust, n, loyalty_version_string());
	printf("  %-40s %8.0f ns each\n", "enrol", t / ncust * 1e9);

	t = now_s();
	for (long i = 0; i < n; i++) {
		loyalty_purchase *pu;
		char key[32];
		int items;
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		items = 1 + (int)((seed >> 60) % 5);
		snprintf(key, sizeof key, "order-%ld", i);
		check(loyalty_purchase_new(&pu, key, &ids[i % ncust], t0 + i * 60000, "USD"), "purchase");
		for (int k = 0; k < items; k++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			check(loyalty_purchase_add_item(pu, "sku", types[(seed >> 33) % 6], 1 + (int64_t)(seed >> 62),
			                                (int64_t)(seed >> 44) % 20000),
			      "item");
		}
		check(loyalty_program_record_purchase(p, pu, NULL), "record");
		loyalty_purchase_free(pu);
	}
	t = now_s() - t;
	printf("  %-40s %8.0f ns each  (%.0f purchases/s)\n", "record_purchase (build + record)", t / n * 1e9, n / t);

	{
		loyalty_purchase *pu;
		long reps = n / 10 > 0 ? n / 10 : 1;
		check(loyalty_purchase_new(&pu, "order-0", &ids[0], t0, "USD"), "purchase");
		seed = 7;
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		/* rebuild order-0 exactly as recorded */
		{
			int items = 1 + (int)((seed >> 60) % 5);
			for (int k = 0; k < items; k++) {
				seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
				check(loyalty_purchase_add_item(pu, "sku", types[(seed >> 33) % 6], 1 + (int64_t)(seed >> 62),
				                                (int64_t)(seed >> 44) % 20000),
				      "item");
			}
		}
		t = now_s();
		for (long i = 0; i < reps; i++)
			check(loyalty_program_record_purchase(p, pu, NULL), "replay");
		t = now_s() - t;
		printf("  %-40s %8.0f ns each\n", "replayed purchase (idempotent)", t / reps * 1e9);
		loyalty_purchase_free(pu);
	}

	t = now_s();
	check(loyalty_program_maintain(p, t0 + n * 60000 + 15 * LOYALTY_MS_PER_DAY, &rep), "maintain");
	t = now_s() - t;
	printf("  %-40s %8.3f s  (%lld points matured, %zu entries)\n", "maintenance sweep", t, (long long)rep.matured,
	       rep.entries);
	printf("  ledger entries: %zu\n", loyalty_program_entry_count(p));
	loyalty_program_free(p);
	free(ids);
	return 0;
}
