/*
 * What-if simulation speed: a year of purchases of many customers replayed
 * into the current program and into an alternative ("double points
 * weekends"), with a monthly sweep, then the report.
 *
 * usage: bench_simulate [customers] [purchases]   (default 100000 1000000)
 *
 * Prints the time to build the history and to simulate (wall clock, and the
 * CPU time of both threads), and
 *   RESULT simulate.purchases_per_s=N
 * where N is the history's purchases divided by the simulation's seconds
 * (each purchase is recorded twice: once per side).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <loyalty/loyalty.h>

#include "bench.h"

/* CPU seconds of the process (every thread), user + system. */
static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The café-bookshop's program; @p weekends adds "double points weekends". */
static loyalty_program *program(int weekends)
{
	loyalty_calculator_options co = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_program_options po = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_calculator *c;
	loyalty_program *p;

	memcpy(co.currency, "USD", 4);
	check(loyalty_calculator_new(&c, &co), "calculator");
	check(loyalty_calculator_exclude_product_type(c, "gift_card"), "exclude");
	check(loyalty_calculator_add(c, "base_rate", "dollar", "points=1 per=100"), "base_rate");
	check(loyalty_calculator_add(c, "tier_multiplier", "tiers", "tier.silver=5/4 tier.gold=3/2"), "tiers");
	if (weekends)
		check(loyalty_calculator_add(c, "campaign", "weekends", "multiplier=2 weekdays=sat,sun"), "campaign");
	po.pending_days = 14;
	po.expiry = LOYALTY_EXPIRY_BUCKET;
	po.expiry_months = 6;
	check(loyalty_program_new(&p, c, &po), "program");
	check(loyalty_program_add_tier(p, "silver", 50000, NULL, 0), "tier");
	check(loyalty_program_add_tier(p, "gold", 150000, NULL, 0), "tier");
	return p;
}

int main(int argc, char **argv)
{
	static const char *const types[] = { "coffee", "books", "stationery", "gift_card" };
	long ncust = argc > 1 ? atol(argv[1]) : 100000, n = argc > 2 ? atol(argv[2]) : 1000000;
	loyalty_simulation_options so = LOYALTY_SIMULATION_OPTIONS_INIT;
	loyalty_simulation_report *r;
	loyalty_simulation_totals b, a;
	loyalty_history *h;
	loyalty_program *base, *alt;
	loyalty_time start;
	double t, build, cpu;

	if (ncust < 1 || n < 1) {
		fprintf(stderr, "usage: bench_simulate [customers] [purchases]\n");
		return 2;
	}
	check(loyalty_time_from_civil(2026, 1, 1, 0, 0, 0, 0, &start), "time");
	check(loyalty_history_new(&h), "history");
	t = now_s();
	for (long i = 0; i < ncust; i++) {
		loyalty_customer *c;
		loyalty_id id;
		char key[32];
		memset(&id, 0, sizeof id);
		id.bytes[0] = 0x5e;
		id.bytes[12] = (uint8_t)(i >> 24);
		id.bytes[13] = (uint8_t)(i >> 16);
		id.bytes[14] = (uint8_t)(i >> 8);
		id.bytes[15] = (uint8_t)i;
		check(loyalty_customer_new(&c, &id), "customer");
		snprintf(key, sizeof key, "join-%ld", i);
		check(loyalty_history_add_enrollment(h, key, c, NULL, start + (loyalty_time)(i % 1000)), "enrol");
		loyalty_customer_free(c);
	}
	for (long i = 0; i < n; i++) {
		loyalty_purchase *pu;
		loyalty_id id;
		long who = (long)(next() % (uint64_t)ncust);
		loyalty_time at = start + LOYALTY_MS_PER_MINUTE + (loyalty_time)(next() % (uint64_t)(365 * LOYALTY_MS_PER_DAY - LOYALTY_MS_PER_HOUR));
		char key[32];
		memset(&id, 0, sizeof id);
		id.bytes[0] = 0x5e;
		id.bytes[12] = (uint8_t)(who >> 24);
		id.bytes[13] = (uint8_t)(who >> 16);
		id.bytes[14] = (uint8_t)(who >> 8);
		id.bytes[15] = (uint8_t)who;
		snprintf(key, sizeof key, "o-%ld", i);
		check(loyalty_purchase_new(&pu, key, &id, at, "USD"), "purchase");
		check(loyalty_purchase_add_item(pu, "item", types[next() % 4], 1 + (int64_t)(next() % 3),
		                                100 + (int64_t)(next() % 4900)),
		      "item");
		check(loyalty_history_add_purchase(h, pu), "add purchase");
		loyalty_purchase_free(pu);
	}
	build = now_s() - t;

	base = program(0);
	alt = program(1);
	so.point_value.num = 1; /* one cent per point */
	so.point_value.den = 1;
	t = now_s();
	cpu = cpu_s();
	check(loyalty_simulate(h, base, alt, &so, &r), "simulate");
	t = now_s() - t;
	cpu = cpu_s() - cpu;
	check(loyalty_simulation_report_totals(r, LOYALTY_SIDE_BASE, &b), "totals");
	check(loyalty_simulation_report_totals(r, LOYALTY_SIDE_ALTERNATIVE, &a), "totals");
	printf("bench_simulate: %ld customers, %ld purchases over 2026, monthly sweeps\n", ncust, n);
	printf("  build the history           %.3f s\n", build);
	printf("  simulate (both sides)       %.3f s (%.0f ns per purchase per side), CPU %.3f s (two threads)\n", t,
	       t * 1e9 / (2.0 * (double)n), cpu);
	printf("  base:        issued %lld, expired %lld, liability %lld\n", (long long)b.issued, (long long)b.expired,
	       (long long)b.liability);
	printf("  alternative: issued %lld, expired %lld, liability %lld; %zu tier changes\n", (long long)a.issued,
	       (long long)a.expired, (long long)a.liability, loyalty_simulation_report_tier_change_count(r));
	printf("RESULT simulate.purchases_per_s=%.0f\n", (double)n / t);
	loyalty_simulation_report_free(r);
	loyalty_program_free(base);
	loyalty_program_free(alt);
	loyalty_history_free(h);
	return 0;
}
