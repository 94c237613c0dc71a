/*
 * Acknowledged purchases per second under each sync policy, with 1 and with
 * 4 writer threads (group commit needs concurrent writers to share fsyncs),
 * and the time to reopen after many records with and without a snapshot.
 * Then the load side at scale: reopening a journal of R purchases over C
 * customers (records and purchases per second), reopening from a snapshot of
 * the same state, export and import.
 *
 * usage: bench_journal [purchases-per-policy [replay-purchases [customers]]]
 *        (defaults 2000, 200000, 10000; purchases-per-policy 0 skips the
 *        sync-policy runs and the small reopen, replay-purchases 0 the rest)
 *
 * Prints human lines, and machine-readable lines:
 *   RESULT journal.replay records_per_s=... purchases_per_s=... bytes_per_s=...
 *          records_per_cpu_s=... purchases_per_cpu_s=...
 *   RESULT journal.snapshot_load / journal.export / journal.import (the same fields)
 *   RESULT journal.append sync=none purchases_per_s=... purchases_per_cpu_s=...
 * "per_s" is per wall-clock second; "per_cpu_s" per second of CPU time this
 * process got, which a busy shared machine disturbs much less.
 *
 * Writes to a directory under $TMPDIR (or /tmp): the figures depend on that
 * file system's fsync.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <loyalty/loyalty.h>

#include "bench.h"

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

/* ---- the load side: replay, snapshot load, export, import ---------------------------------- */

/* CPU time of this process: on a shared machine, wall-clock rates fall with the load of others;
 * CPU-time rates (the work done per second of CPU this process got) fall much less. Loading is
 * single-threaded, so the two agree on an idle machine. */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One timed step: wall and CPU seconds. */
typedef struct timing {
	double wall, cpu;
} timing;

static timing t_start(void)
{
	timing t = { now_s(), cpu_s() };
	return t;
}

static timing t_stop(timing t0)
{
	timing t = { now_s() - t0.wall, cpu_s() - t0.cpu };
	return t;
}

static void report(const char *name, const char *what, timing t, double records, double purchases, double bytes)
{
	printf("  %-14s %10.0f records/s  %10.0f purchases/s  %8.1f MB/s   (wall %.3f s; per CPU second: %.0f records, "
	       "%.0f purchases)\n",
	       what, records / t.wall, purchases / t.wall, bytes / t.wall / 1e6, t.wall, records / t.cpu, purchases / t.cpu);
	printf("RESULT journal.%s records_per_s=%.0f purchases_per_s=%.0f bytes_per_s=%.0f records_per_cpu_s=%.0f "
	       "purchases_per_cpu_s=%.0f\n",
	       name, records / t.wall, purchases / t.wall, bytes / t.wall, records / t.cpu, purchases / t.cpu);
}

static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Records (frames) of a journal or snapshot file: walk the 12-byte frame headers after the 16-byte header. */
static long long count_frames(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char h[12];
	long long n = 0;

	if (f == NULL || fseek(f, 16, SEEK_SET) != 0)
		return -1;
	while (fread(h, 1, 12, f) == 12) {
		long len = (long)h[0] | (long)h[1] << 8 | (long)h[2] << 16 | (long)h[3] << 24;
		if (fseek(f, len, SEEK_CUR) != 0)
			break;
		n++;
	}
	fclose(f);
	return n;
}

static int count_progress(uint64_t done, uint64_t total, void *user_data)
{
	(void)done;
	(void)total;
	++*(int *)user_data;
	return 0;
}

static loyalty_calculator *bench_calculator(void)
{
	loyalty_calculator_options co = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_calculator *c;

	memcpy(co.currency, "USD", 4);
	check(loyalty_calculator_new(&c, &co), "calculator");
	check(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"), "base");
	return c;
}

static void load_side(const char *base, int purchases, int customers)
{
	char dir[600], path[700], exp[700];
	loyalty_program *p, *q;
	loyalty_recovery_info info;
	loyalty_id *ids = malloc((size_t)customers * sizeof *ids);
	timing t0, t;
	long long jbytes, jrecords, srecords, sbytes;
	int calls = 0;

	if (ids == NULL)
		exit(1);
	snprintf(dir, sizeof dir, "%.400s/replay", base);
	rm_dir(dir);
	p = open_program(dir, LOYALTY_SYNC_NONE, NULL);
	for (int k = 0; k < customers; k++) {
		loyalty_customer *c;
		char key[32];
		check(loyalty_customer_new(&c, NULL), "customer");
		snprintf(key, sizeof key, "enrol-%d", k);
		check(loyalty_program_enroll(p, key, c, NULL, INT64_C(1767225600000), NULL), "enrol");
		ids[k] = *loyalty_customer_id(c);
		loyalty_customer_free(c);
	}
	t0 = t_start();
	for (int i = 0; i < purchases; i++) {
		loyalty_purchase *pu;
		char key[48];
		snprintf(key, sizeof key, "order-%d", i);
		/* a purchase a second, spread over the customers */
		check(loyalty_purchase_new(&pu, key, &ids[i % customers], INT64_C(1767225600000) + (int64_t)i * 1000, "USD"),
		      "purchase");
		check(loyalty_purchase_add_item(pu, "sku-1", "toys", 1 + i % 3, 100 + i % 5000), "item");
		if (i % 4 == 0)
			check(loyalty_purchase_add_item(pu, "sku-2", "books", 1, 999), "item");
		check(loyalty_program_record_purchase(p, pu, NULL), "record");
		loyalty_purchase_free(pu);
	}
	t = t_stop(t0);
	loyalty_program_free(p);
	snprintf(path, sizeof path, "%s/journal-1.ljr", dir);
	jbytes = file_size(path);
	jrecords = count_frames(path);
	printf("load side: %d purchases over %d customers, sync=none, one line item (a second one in 1 of 4)\n",
	       purchases, customers);
	printf("  append (build, compute, record)  %10.0f purchases/s (wall %.3f s; per CPU second: %.0f)\n",
	       purchases / t.wall, t.wall, purchases / t.cpu);
	printf("RESULT journal.append sync=none purchases_per_s=%.0f purchases_per_cpu_s=%.0f\n", purchases / t.wall,
	       purchases / t.cpu);

	/* reopen: replay the whole journal */
	{
		loyalty_journal_options jo = LOYALTY_JOURNAL_OPTIONS_INIT;
		loyalty_program_options po = LOYALTY_PROGRAM_OPTIONS_INIT;
		jo.sync = LOYALTY_SYNC_NONE;
#if LOYALTY_JOURNAL_OPTIONS_VERSION >= 2 /* the same file builds against older headers, for before/after runs */
		jo.progress = count_progress;
		jo.progress_data = &calls;
#else
		(void)count_progress;
#endif
		t0 = t_start();
		check(loyalty_program_open(&p, dir, bench_calculator(), &po, &jo, &info), "reopen");
		t = t_stop(t0);
	}
	printf("  replay: %lld journal records (%.1f MB, %.0f bytes/record, %d progress calls)\n", jrecords,
	       (double)jbytes / 1e6, (double)jbytes / (double)jrecords, calls);
	report("replay", "replay", t, (double)info.records_replayed, purchases, (double)jbytes);

	/* reopen from a snapshot of the same state */
	check(loyalty_program_snapshot(p), "snapshot");
	loyalty_program_free(p);
	snprintf(path, sizeof path, "%s/snapshot-2.lsn", dir);
	sbytes = file_size(path);
	srecords = count_frames(path);
	t0 = t_start();
	p = open_program(dir, LOYALTY_SYNC_NONE, &info);
	t = t_stop(t0);
	printf("  snapshot: %lld records (%.1f MB)\n", srecords, (double)sbytes / 1e6);
	report("snapshot_load", "snapshot load", t, (double)srecords, purchases, (double)sbytes);

	/* export and import (the snapshot format in one file) */
	snprintf(exp, sizeof exp, "%s/export.lsn", base);
	t0 = t_start();
	check(loyalty_program_export(p, exp), "export");
	t = t_stop(t0);
	report("export", "export", t, (double)count_frames(exp), purchases, (double)file_size(exp));
	t0 = t_start();
	check(loyalty_program_import(&q, exp, bench_calculator()), "import");
	t = t_stop(t0);
	report("import", "import", t, (double)count_frames(exp), purchases, (double)file_size(exp));
	if (loyalty_program_entry_count(q) != loyalty_program_entry_count(p)) {
		fprintf(stderr, "import: %zu entries, expected %zu\n", loyalty_program_entry_count(q),
		        loyalty_program_entry_count(p));
		exit(1);
	}
	loyalty_program_free(q);
	loyalty_program_free(p);
	unlink(exp);
	rm_dir(dir);
	free(ids);
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "always", "batch", "none" };
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	int n = argc > 1 ? atoi(argv[1]) : 2000;
	int replay = argc > 2 ? atoi(argv[2]) : 200000;
	int customers = argc > 3 ? atoi(argv[3]) : 10000;
	char base[512];

	if (n < 0 || replay < 0 || customers <= 0)
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
	for (int sync = LOYALTY_SYNC_ALWAYS; n > 0 && sync <= LOYALTY_SYNC_NONE; sync++)
		for (int threads = 1; threads <= 4; threads *= 4)
			printf("  sync=%-6s threads=%d  %10.0f purchases/s\n", names[sync], threads,
			       measure(base, (loyalty_sync_policy)sync, threads, n));
	/* reopen time after many records, with and without a snapshot */
	if (n > 0) {
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
	if (replay > 0)
		load_side(base, replay, customers);
	rm_dir(base);
	return 0;
}
