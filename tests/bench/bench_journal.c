/*
 * Acknowledged purchases per second under each sync policy, with 1 and with
 * 4 writer threads (group commit needs concurrent writers to share fsyncs),
 * and the time to reopen after many records with and without a snapshot.
 *
 * usage: bench_journal [purchases-per-policy]   (default 2000)
 *
 * Writes to a directory under $TMPDIR (or /tmp): the figures depend on that
 * file system's fsync.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

static loyalty_program *open_program(const char *dir, loyalty_sync_policy sync, loyalty_recovery_info *info)
{
	loyalty_calculator_options co = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_program_options po = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_journal_options jo = LOYALTY_JOURNAL_OPTIONS_INIT;
	loyalty_calculator *c;
	loyalty_program *p;

	memcpy(co.currency, "USD", 4);
	check(loyalty_calculator_new(&c, &co), "calculator");
	check(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"), "base");
	jo.sync = sync;
	check(loyalty_program_open(&p, dir, c, &po, &jo, info), "open");
	return p;
}

#define PER_WORKER 50 /* customers per writer: a customer's account is copied by each of its operations */

typedef struct worker {
	loyalty_program *p;
	int id, n;
	loyalty_id customer[PER_WORKER];
} worker;

static void *run(void *arg)
{
	worker *w = arg;
	char key[48];

	for (int i = 0; i < w->n; i++) {
		loyalty_purchase *pu;
		snprintf(key, sizeof key, "w%d-%d", w->id, i);
		check(loyalty_purchase_new(&pu, key, &w->customer[i % PER_WORKER], INT64_C(1767225600000) + i, "USD"),
		      "purchase");
		check(loyalty_purchase_add_item(pu, "sku", "toys", 1, 100 + i % 5000), "item");
		check(loyalty_program_record_purchase(w->p, pu, NULL), "record");
		loyalty_purchase_free(pu);
	}
	return NULL;
}

static void rm_dir(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%.500s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static double measure(const char *base, loyalty_sync_policy sync, int threads, int n)
{
	char dir[512];
	pthread_t t[8];
	worker w[8];
	loyalty_program *p;
	double t0, dt;

	snprintf(dir, sizeof dir, "%.400s/bench-%d-%d", base, (int)sync, threads);
	rm_dir(dir);
	p = open_program(dir, sync, NULL);
	for (int i = 0; i < threads; i++) {
		w[i].p = p;
		w[i].id = i;
		w[i].n = n / threads;
		for (int k = 0; k < PER_WORKER; k++) {
			loyalty_customer *c;
			char key[32];
			check(loyalty_customer_new(&c, NULL), "customer");
			snprintf(key, sizeof key, "enrol-%d-%d", i, k);
			check(loyalty_program_enroll(p, key, c, NULL, INT64_C(1767225600000), NULL), "enrol");
			w[i].customer[k] = *loyalty_customer_id(c);
			loyalty_customer_free(c);
		}
	}
	t0 = now_s();
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, run, &w[i]);
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	dt = now_s() - t0;
	loyalty_program_free(p);
	rm_dir(dir);
	return (double)(n / threads * threads) / dt;
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "always", "batch", "none" };
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	int n = argc > 1 ? atoi(argv[1]) : 2000;
	char base[512];

	if (n <= 0)
		return 2;
	snprintf(base, sizeof base, "%.400s/loyalty-bench-%d", tmp, (int)getpid());
	rm_dir(base);
	{
		char cmd[600];
		snprintf(cmd, sizeof cmd, "mkdir -p '%.500s'", base);
		if (system(cmd) != 0)
			return 2;
	}
	printf("bench_journal: %d acknowledged purchases per run, in %s, libloyalty %s\n", n, base,
	       loyalty_version_string());
	for (int sync = LOYALTY_SYNC_ALWAYS; sync <= LOYALTY_SYNC_NONE; sync++)
		for (int threads = 1; threads <= 4; threads *= 4)
			printf("  sync=%-6s threads=%d  %10.0f purchases/s\n", names[sync], threads,
			       measure(base, (loyalty_sync_policy)sync, threads, n));
	/* reopen time after many records, with and without a snapshot */
	{
		char dir[600];
		loyalty_program *p;
		loyalty_recovery_info info;
		double t0;
		int big = n * 20;
		snprintf(dir, sizeof dir, "%.400s/reopen", base);
		p = open_program(dir, LOYALTY_SYNC_NONE, NULL);
		{
			worker w1;
			w1.p = p;
			w1.id = 0;
			w1.n = big;
			for (int k = 0; k < PER_WORKER; k++) {
				loyalty_customer *c;
				char key[32];
				check(loyalty_customer_new(&c, NULL), "customer");
				snprintf(key, sizeof key, "enrol-%d", k);
				check(loyalty_program_enroll(p, key, c, NULL, INT64_C(1767225600000), NULL), "enrol");
				w1.customer[k] = *loyalty_customer_id(c);
				loyalty_customer_free(c);
			}
			run(&w1);
		}
		loyalty_program_free(p);
		t0 = now_s();
		p = open_program(dir, LOYALTY_SYNC_NONE, &info);
		printf("  reopen replaying %zu journal records: %.3f s\n", info.records_replayed, now_s() - t0);
		check(loyalty_program_snapshot(p), "snapshot");
		loyalty_program_free(p);
		t0 = now_s();
		p = open_program(dir, LOYALTY_SYNC_NONE, &info);
		printf("  reopen from a snapshot (%zu records after it): %.3f s\n", info.records_replayed, now_s() - t0);
		loyalty_program_free(p);
	}
	rm_dir(base);
	return 0;
}
