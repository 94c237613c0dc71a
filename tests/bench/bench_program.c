/*
 * Program throughput: purchases recorded per second (atomic, idempotent,
 * ledgered), a replayed purchase, and a maintenance sweep; then recording
 * per call and in batches (record only: purchases built beforehand), the
 * cost per purchase after enrolling 1,000 .. 1,000,000 customers (and
 * 10,000,000 with LOYALTY_BENCH_HUGE=1 or the argument "huge"), bytes per
 * customer and per ledger entry (mallinfo2 deltas), and acknowledged
 * purchases per second on a durable program (a temporary directory) under
 * each sync policy, per call and in batches.
 *
 * usage: bench_program [customers] [purchases] [huge]   (default 10000 200000)
 *
 * Besides the human lines, each figure is printed as a machine-readable line:
 *   RESULT <name> key=value ...
 *
 * SPDX-License-Identifier: MIT
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <loyalty/loyalty.h>

#include "bench.h"

static const char *const types[] = { "coffee", "electronics", "groceries", "books", "toys", "gift_card" };

static loyalty_program *bench_program(const char *dir, loyalty_sync_policy sync)
{
	loyalty_calculator_options co = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_program_options po = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_journal_options jo = LOYALTY_JOURNAL_OPTIONS_INIT;
	loyalty_calculator *calc;
	loyalty_program *p;

	memcpy(co.currency, "USD", 4);
	check(loyalty_calculator_new(&calc, &co), "calculator");
	check(loyalty_calculator_exclude_product_type(calc, "gift_card"), "exclude");
	check(loyalty_calculator_add(calc, "base_rate", "base", "points=1 per=100"), "base");
	check(loyalty_calculator_add(calc, "tier_multiplier", "tiers", "tier.silver=5/4 tier.gold=3/2"), "tiers");
	check(loyalty_calculator_add(calc, "campaign", "weekend", "multiplier=2 weekdays=sat,sun"), "camp");
	po.pending_days = 14;
	po.expiry = LOYALTY_EXPIRY_BUCKET;
	po.expiry_months = 12;
	jo.sync = sync;
	if (dir)
		check(loyalty_program_open(&p, dir, calc, &po, &jo, NULL), "open");
	else
		check(loyalty_program_new(&p, calc, &po), "program");
	check(loyalty_program_add_tier(p, "member", 0, NULL, 0), "tier");
	check(loyalty_program_add_tier(p, "silver", 50000, NULL, 0), "tier");
	check(loyalty_program_add_tier(p, "gold", 200000, NULL, 0), "tier");
	return p;
}

/* A customer id from a number (no libuuid: the bench measures the program). */
static loyalty_id nth_id(uint64_t i)
{
	loyalty_id id;

	memset(&id, 0, sizeof id);
	for (int k = 0; k < 8; k++)
		id.bytes[k] = (uint8_t)(i >> (8 * k));
	id.bytes[8] = 0x80;
	id.bytes[15] = 1;
	return id;
}

static void enrol_range(loyalty_program *p, uint64_t from, uint64_t to, loyalty_time at)
{
	for (uint64_t i = from; i < to; i++) {
		loyalty_id id = nth_id(i);
		loyalty_customer *c;
		char key[32];
		check(loyalty_customer_new(&c, &id), "customer");
		snprintf(key, sizeof key, "enrol-%llu", (unsigned long long)i);
		check(loyalty_program_enroll(p, key, c, NULL, at, NULL), "enrol");
		loyalty_customer_free(c);
	}
}

static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

/* Purchases [from, from + n) for customers drawn from [0, ncust): built, not recorded. */
static loyalty_purchase **build(const char *prefix, long from, long n, uint64_t ncust, loyalty_time t0, uint64_t *seed)
{
	loyalty_purchase **v = calloc((size_t)n, sizeof *v);

	if (v == NULL)
		exit(2);
	for (long i = 0; i < n; i++) {
		char key[48];
		loyalty_id id;
		int items;
		*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
		id = nth_id((*seed >> 20) % ncust);
		items = 1 + (int)((*seed >> 60) % 5);
		snprintf(key, sizeof key, "%s-%ld", prefix, from + i);
		check(loyalty_purchase_new(&v[i], key, &id, t0 + (from + i) * 1000, "USD"), "purchase");
		for (int k = 0; k < items; k++) {
			*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
			check(loyalty_purchase_add_item(v[i], "sku", types[(*seed >> 33) % 6], 1 + (int64_t)(*seed >> 62),
			                                (int64_t)(*seed >> 44) % 20000),
			      "item");
		}
	}
	return v;
}

static void free_all(loyalty_purchase **v, long n)
{
	for (long i = 0; i < n; i++)
		loyalty_purchase_free(v[i]);
	free(v);
}

#define BATCH 1000

/* Record v[0..n) per call or in batches of BATCH; seconds. */
static double record(loyalty_program *p, loyalty_purchase **v, long n, int batched)
{
	static loyalty_record_result res[BATCH];
	double t = now_s();

	if (!batched) {
		for (long i = 0; i < n; i++)
			check(loyalty_program_record_purchase(p, v[i], NULL), "record");
	} else {
		for (long i = 0; i < n; i += BATCH) {
			size_t k = (size_t)(n - i < BATCH ? n - i : BATCH);
			if (loyalty_program_record_batch(p, (const loyalty_purchase *const *)v + i, k, res, NULL) != LOYALTY_OK) {
				for (size_t j = 0; j < k; j++)
					if (res[j].status != LOYALTY_OK)
						fprintf(stderr, "batch: %s\n", res[j].message);
				exit(1);
			}
		}
	}
	return now_s() - t;
}

/* The curve: after enrolling each size, ns per purchase per call and in batches. */
static void scaling(int huge)
{
	static const long sizes[] = { 1000, 10000, 100000, 1000000, 10000000 };
	/* purchases measured at each size, half per call, half in batches; LOYALTY_BENCH_PER and
	 * LOYALTY_BENCH_MAX_CUSTOMERS shrink the run (for callgrind) */
	const long per = getenv("LOYALTY_BENCH_PER") ? atol(getenv("LOYALTY_BENCH_PER")) : 100000;
	const long max = getenv("LOYALTY_BENCH_MAX_CUSTOMERS") ? atol(getenv("LOYALTY_BENCH_MAX_CUSTOMERS")) : 10000000;
	const long min = getenv("LOYALTY_BENCH_MIN_CUSTOMERS") ? atol(getenv("LOYALTY_BENCH_MIN_CUSTOMERS")) : 0;
	loyalty_time t0;
	uint64_t enrolled = 0, seed = 11;
	loyalty_program *p;

	check(loyalty_time_from_civil(2026, 1, 1, 0, 0, 0, 0, &t0), "time");
	printf("scaling (in memory; %ld purchases at each size, to random customers)\n", per);
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		long n = sizes[s];
		loyalty_purchase **v;
		size_t h0, h1;
		double tc, tb, te;
		char prefix[32];
		if ((n > 1000000 && !huge) || n > max)
			break;
		if (n < min)
			continue;
		/* a fresh program per size, so the purchases of one size do not weigh on the next */
		p = bench_program(NULL, LOYALTY_SYNC_NONE);
		h0 = heap_in_use();
		te = now_s();
		enrol_range(p, 0, (uint64_t)n, t0);
		te = now_s() - te;
		h1 = heap_in_use();
		enrolled = (uint64_t)n;
		printf("  %9ld customers: enrol %6.0f ns each, %6.0f bytes each (enrolled: account, ENROLL entry, key)\n",
		       n, te / n * 1e9, (double)(h1 - h0) / n);
		printf("RESULT program.enroll customers=%ld ns_per_customer=%.0f bytes_per_customer=%.0f\n", n,
		       te / n * 1e9, (double)(h1 - h0) / n);
		snprintf(prefix, sizeof prefix, "s%zu", s);
		v = build(prefix, 0, per, enrolled, t0 + LOYALTY_MS_PER_DAY, &seed);
		tc = record(p, v, per / 2, 0);
		tb = record(p, v + per / 2, per / 2, 1);
		printf("  %9ld customers: record %6.0f ns per call, %6.0f ns per purchase in batches of %d\n", n,
		       tc / (per / 2) * 1e9, tb / (per / 2) * 1e9, BATCH);
		printf("RESULT program.record.call customers=%ld ns_per_purchase=%.0f\n", n, tc / (per / 2) * 1e9);
		printf("RESULT program.record.batch customers=%ld ns_per_purchase=%.0f\n", n, tb / (per / 2) * 1e9);
		free_all(v, per);
		loyalty_program_free(p);
	}
}

/* Bytes per recorded purchase: the heap's growth over 100,000 batched purchases (their ledger
 * entries, purchase and idempotency records with the receipts, account growth). */
static void memory(void)
{
	const long ncust = 10000, n = 100000;
	loyalty_purchase **v;
	loyalty_program *p = bench_program(NULL, LOYALTY_SYNC_NONE);
	size_t h0, h1, e0, e1;
	uint64_t seed = 5;
	loyalty_time t0;

	check(loyalty_time_from_civil(2026, 1, 1, 0, 0, 0, 0, &t0), "time");
	enrol_range(p, 0, (uint64_t)ncust, t0);
	v = build("m", 0, n, (uint64_t)ncust, t0 + LOYALTY_MS_PER_DAY, &seed);
	h0 = heap_in_use();
	e0 = loyalty_program_entry_count(p);
	record(p, v, n, 1);
	h1 = heap_in_use();
	e1 = loyalty_program_entry_count(p);
	free_all(v, n);
	printf("memory (%ld customers, %ld purchases)\n", ncust, n);
	printf("  %-48s %6.0f bytes (%zu entries; with purchase and idempotency records, receipts)\n",
	       "per recorded purchase", (double)(h1 - h0) / n, e1 - e0);
	printf("RESULT program.memory.purchase bytes_per_purchase=%.0f entries=%zu\n", (double)(h1 - h0) / n, e1 - e0);
	loyalty_program_free(p);
}

static void rm_dir(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* Acknowledged purchases per second on a durable program. */
static void durable(void)
{
	static const struct { loyalty_sync_policy sync; const char *name; } pol[] = {
		{ LOYALTY_SYNC_ALWAYS, "always" }, { LOYALTY_SYNC_BATCH, "batch" }, { LOYALTY_SYNC_NONE, "none" }
	};
	const long ncust = 10000, ncall = getenv("LOYALTY_BENCH_CALLS") ? atol(getenv("LOYALTY_BENCH_CALLS")) : 2000;
	const long nbatch = getenv("LOYALTY_BENCH_BATCHED") ? atol(getenv("LOYALTY_BENCH_BATCHED")) : 100000;
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	printf("durable (%s; %ld customers; %ld purchases per call, %ld in batches of %d)\n", tmp, ncust, ncall, nbatch,
	       BATCH);
	for (size_t k = 0; k < sizeof pol / sizeof pol[0]; k++) {
		char dir[256];
		loyalty_purchase **v;
		loyalty_program *p;
		loyalty_time t0;
		uint64_t seed = 3;
		double tc, tb;
		snprintf(dir, sizeof dir, "%s/loyalty-bench-XXXXXX", tmp);
		if (mkdtemp(dir) == NULL) {
			perror("mkdtemp");
			exit(2);
		}
		check(loyalty_time_from_civil(2026, 1, 1, 0, 0, 0, 0, &t0), "time");
		p = bench_program(dir, pol[k].sync);
		enrol_range(p, 0, (uint64_t)ncust, t0);
		v = build("d", 0, ncall + nbatch, (uint64_t)ncust, t0 + LOYALTY_MS_PER_DAY, &seed);
		tc = record(p, v, ncall, 0);
		tb = record(p, v + ncall, nbatch, 1);
		printf("  %-7s per call %9.0f purchases/s   in batches %9.0f purchases/s\n", pol[k].name, ncall / tc,
		       nbatch / tb);
		printf("RESULT program.durable.call sync=%s purchases_per_s=%.0f\n", pol[k].name, ncall / tc);
		printf("RESULT program.durable.batch sync=%s batch=%d purchases_per_s=%.0f\n", pol[k].name, BATCH,
		       nbatch / tb);
		free_all(v, ncall + nbatch);
		loyalty_program_free(p);
		rm_dir(dir);
	}
}

int main(int argc, char **argv)
{
	const char *huge_env = getenv("LOYALTY_BENCH_HUGE");
	int huge = (huge_env && strcmp(huge_env, "1") == 0) || (argc > 3 && strcmp(argv[3], "huge") == 0);
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
	if (getenv("LOYALTY_BENCH_QUICK") != NULL)
		return 0;
	if (getenv("LOYALTY_BENCH_DURABLE_ONLY") == NULL)
		scaling(huge);
	if (getenv("LOYALTY_BENCH_SCALING_ONLY") != NULL)
		return 0;
	if (getenv("LOYALTY_BENCH_DURABLE_ONLY") == NULL)
		memory();
	durable();
	return 0;
}
