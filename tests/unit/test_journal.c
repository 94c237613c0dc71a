/*
 * Durability: the journal, recovery, snapshots, export/import, torn tails,
 * bit flips, failing writes and fsyncs, and crashes (SIGKILL) under each
 * sync policy.
 *
 * write(), fdatasync() and fsync() are wrapped at link time (-Wl,--wrap) so
 * that a test can fail the Nth call made by the library.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#endif
#endif
#ifndef UNDER_VALGRIND
#define UNDER_VALGRIND() 0
#endif

#include "torture.h"

/* ---- failure injection ---------------------------------------------------------- */

ssize_t __real_write(int fd, const void *buf, size_t n);
int __real_fdatasync(int fd);
int __real_fsync(int fd);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
int __wrap_fdatasync(int fd);
int __wrap_fsync(int fd);

static long write_countdown = -1, sync_countdown = -1;
static long write_calls; /* every write() the library made */
static int inject_errno = EIO;
static bool short_write; /* fail by writing half, then the error */

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	write_calls++;
	if (write_countdown >= 0 && write_countdown-- == 0) {
		if (short_write && n > 1) {
			__real_write(fd, buf, n / 2);
			/* the next call reports the error */
			write_countdown = 0;
			short_write = false;
			return (ssize_t)(n / 2);
		}
		errno = inject_errno;
		return -1;
	}
	return __real_write(fd, buf, n);
}

int __wrap_fdatasync(int fd)
{
	if (sync_countdown >= 0 && sync_countdown-- == 0) {
		errno = inject_errno;
		return -1;
	}
	return __real_fdatasync(fd);
}

int __wrap_fsync(int fd)
{
	if (sync_countdown >= 0 && sync_countdown-- == 0) {
		errno = inject_errno;
		return -1;
	}
	return __real_fsync(fd);
}

/* ---- helpers ----------------------------------------------------------------------- */

static char root[256];

static void rm_rf(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char sub[512];

	if (d == NULL) {
		unlink(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof sub, "%.300s/%.200s", path, de->d_name);
		rm_rf(sub);
	}
	closedir(d);
	rmdir(path);
}

static int setup_root(void **state)
{
	(void)state;
	snprintf(root, sizeof root, "/tmp/loyalty-journal-test-XXXXXX");
	if (mkdtemp(root) == NULL)
		return -1;
	return 0;
}

static int teardown_root(void **state)
{
	(void)state;
	rm_rf(root);
	return 0;
}

static void dir_for(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%.300s/%.100s", root, name);
	rm_rf(buf);
}

static loyalty_calculator *calc(void)
{
	loyalty_calculator *c = torture_calculator("USD", LOYALTY_ROUND_FLOOR, 0);

	assert_ok(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add(c, "tier_multiplier", "tiers", "tier.gold=3/2"));
	return c;
}

static loyalty_program_options popts(void)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;

	o.pending_days = 3;
	o.expiry = LOYALTY_EXPIRY_BUCKET;
	o.expiry_months = 12;
	return o;
}

static loyalty_journal_options jopts(loyalty_sync_policy sync)
{
	loyalty_journal_options j = LOYALTY_JOURNAL_OPTIONS_INIT;

	j.sync = sync;
	return j;
}

static loyalty_program *open_dir(const char *dir, loyalty_sync_policy sync, loyalty_recovery_info *info)
{
	loyalty_program_options o = popts();
	loyalty_journal_options j = jopts(sync);
	loyalty_calculator *c = calc();
	loyalty_program *p = NULL;

	assert_ok(loyalty_program_open(&p, dir, c, &o, &j, info));
	return p;
}

static loyalty_id cust_id(unsigned n)
{
	loyalty_id id;

	memset(&id, 0, sizeof id);
	id.bytes[0] = 0xa0;
	id.bytes[6] = 0x40;
	id.bytes[15] = (uint8_t)n;
	id.bytes[14] = (uint8_t)(n >> 8);
	return id;
}

static int enrol(loyalty_program *p, unsigned n)
{
	loyalty_customer *c;
	loyalty_id id = cust_id(n);
	char key[32];
	int rc;

	assert_ok(loyalty_customer_new(&c, &id));
	snprintf(key, sizeof key, "enrol-%u", n);
	rc = loyalty_program_enroll(p, key, c, NULL, torture_time(2026, 1, 1, 9, 0), NULL);
	loyalty_customer_free(c);
	return rc;
}

static int buy(loyalty_program *p, unsigned n, const char *key, int64_t cents, loyalty_time at)
{
	loyalty_purchase *pu;
	loyalty_id id = cust_id(n);
	int rc;

	assert_ok(loyalty_purchase_new(&pu, key, &id, at, "USD"));
	assert_ok(loyalty_purchase_add_item(pu, "sku", "toys", 1, cents));
	rc = loyalty_program_record_purchase(p, pu, NULL);
	loyalty_purchase_free(pu);
	return rc;
}

/* A fixed history of operations; returns the entry count after each one in counts[]. */
static size_t history(loyalty_program *p, size_t *counts, size_t max)
{
	size_t k = 0;
	loyalty_time t = torture_time(2026, 1, 2, 10, 0);
	loyalty_refund_result rr;
	loyalty_redemption red;
	loyalty_reward_def rd = LOYALTY_REWARD_DEF_INIT;
	loyalty_id a = cust_id(1), b = cust_id(2);

#define STEP(x) do { assert_ok(x); if (k < max) counts[k] = loyalty_program_entry_count(p); k++; } while (0)
	STEP(loyalty_program_add_tier(p, "member", 0, NULL, 0));
	STEP(loyalty_program_add_tier(p, "gold", 100000, NULL, 0));
	rd.id = "mug";
	rd.cost = 50;
	rd.stock = 3;
	STEP(loyalty_program_add_reward(p, &rd));
	STEP(enrol(p, 1));
	STEP(enrol(p, 2));
	STEP(buy(p, 1, "o-1", 12345, t));
	STEP(buy(p, 2, "o-2", 99900, t + 1000));
	STEP(buy(p, 1, "o-3", 150000, t + 2000)); /* gold */
	STEP(loyalty_program_maintain(p, t + 4 * LOYALTY_MS_PER_DAY, NULL));
	STEP(loyalty_program_redeem(p, "r-1", &a, "mug", t + 5 * LOYALTY_MS_PER_DAY, &red));
	STEP(loyalty_program_refund(p, "f-1", "o-2", 50000, t + 6 * LOYALTY_MS_PER_DAY, &rr));
	STEP(loyalty_program_transfer(p, "x-1", &a, &b, 100, t + 7 * LOYALTY_MS_PER_DAY));
	STEP(loyalty_program_cancel_redemption(p, "c-1", &red.id, t + 8 * LOYALTY_MS_PER_DAY, NULL));
	STEP(loyalty_program_set_reward_stock(p, "mug", 10));
	STEP(loyalty_program_adjust(p, "adj-1", &b, -20, "goodwill", t + 9 * LOYALTY_MS_PER_DAY, NULL));
#undef STEP
	return k;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The program's full state as bytes (its export). */
static uint8_t *state_bytes(loyalty_program *p, size_t *len)
{
	char path[512];
	uint8_t *b;

	snprintf(path, sizeof path, "%s/state.export", root);
	assert_ok(loyalty_program_export(p, path));
	b = slurp(path, len);
	unlink(path);
	return b;
}

static void assert_same_state(loyalty_program *a, loyalty_program *b)
{
	size_t la, lb;
	uint8_t *x = state_bytes(a, &la), *y = state_bytes(b, &lb);

	assert_int_equal(la, lb);
	assert_memory_equal(x, y, la);
	free(x);
	free(y);
}

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Offsets where the journal's frames end (12-byte frame headers after a 16-byte file header). */
static size_t frame_ends(const uint8_t *data, size_t len, size_t *ends, size_t max)
{
	size_t n = 0;

	for (size_t off = 16; off + 12 <= len && n < max;) {
		off += 12 + le32(data + off);
		ends[n++] = off;
	}
	return n;
}

static void journal_path(char *buf, size_t size, const char *dir, unsigned gen)
{
	snprintf(buf, size, "%.400s/journal-%u.ljr", dir, gen);
}

static void copy_file(const char *from, const char *to, size_t keep)
{
	size_t len;
	uint8_t *b = slurp(from, &len);
	FILE *f = fopen(to, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, keep < len ? keep : len, f), keep < len ? keep : len);
	fclose(f);
	free(b);
}

static void copy_dir(const char *from, const char *to)
{
	DIR *d = opendir(from);
	struct dirent *de;
	char a[512], b[512];

	rm_rf(to);
	assert_int_equal(mkdir(to, 0755), 0);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "lock") == 0)
			continue;
		snprintf(a, sizeof a, "%.300s/%.200s", from, de->d_name);
		snprintf(b, sizeof b, "%.300s/%.200s", to, de->d_name);
		copy_file(a, b, SIZE_MAX);
	}
	closedir(d);
}

/* ---- tests ------------------------------------------------------------------------- */

static void test_reopen_gives_the_same_state(void **state)
{
	char dir[512];
	size_t counts[32];
	loyalty_recovery_info info;
	loyalty_program *p, *q;
	loyalty_customer *c;
	loyalty_id a = cust_id(1);
	size_t la, lb;
	uint8_t *before, *after;

	(void)state;
	dir_for(dir, sizeof dir, "reopen");
	p = open_dir(dir, LOYALTY_SYNC_ALWAYS, &info);
	assert_int_equal(info.created, 1);
	history(p, counts, 32);
	before = state_bytes(p, &la);
	assert_ok(loyalty_program_get_customer(p, &a, &c));
	loyalty_program_free(p);

	{
		char jp[600];
		size_t len, ends[64];
		uint8_t *whole;
		journal_path(jp, sizeof jp, dir, 1);
		whole = slurp(jp, &len);
		q = open_dir(dir, LOYALTY_SYNC_ALWAYS, &info);
		assert_int_equal(info.records_replayed, frame_ends(whole, len, ends, 64));
		assert_true(info.records_replayed >= 15);
		free(whole);
	}
	assert_int_equal(info.created, 0);
	assert_int_equal(info.snapshot_generation, 1);
	assert_int_equal(info.torn_offset, -1);
	after = state_bytes(q, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(before, after, la);
	{
		loyalty_customer *d;
		assert_ok(loyalty_program_get_customer(q, &a, &d));
		assert_int_equal(loyalty_customer_available(d), loyalty_customer_available(c));
		assert_int_equal(loyalty_customer_lifetime_earned(d), loyalty_customer_lifetime_earned(c));
		assert_string_equal(loyalty_customer_tier(d), "gold");
		loyalty_customer_free(d);
	}
	/* replays still replay after the reopen, and conflicts still conflict */
	assert_ok(buy(q, 1, "o-1", 12345, torture_time(2026, 1, 2, 10, 0)));
	assert_status(buy(q, 1, "o-1", 1, torture_time(2026, 1, 2, 10, 0)), LOYALTY_ECONFLICT);
	loyalty_customer_free(c);
	free(before);
	free(after);
	loyalty_program_free(q);
}

static void test_reopen_checks_the_calculator_and_options(void **state)
{
	char dir[512];
	loyalty_program *p = NULL;
	loyalty_calculator *other;
	loyalty_program_options o = popts();
	loyalty_journal_options j = jopts(LOYALTY_SYNC_NONE);

	(void)state;
	dir_for(dir, sizeof dir, "mismatch");
	p = open_dir(dir, LOYALTY_SYNC_NONE, NULL);
	/* a second handle on the same directory */
	other = calc();
	assert_status(loyalty_program_open(&p, dir, other, &o, &j, NULL), LOYALTY_ESTATE);
	loyalty_program_free(p);
	/* another calculator: refused, and the caller keeps it */
	assert_ok(loyalty_calculator_add(other, "threshold", "big", "min_spend=100 bonus=1"));
	p = NULL;
	assert_status(loyalty_program_open(&p, dir, other, &o, &j, NULL), LOYALTY_ECONFLICT);
	assert_null(p);
	assert_ok(loyalty_calculator_add(other, "first_purchase", "hi", "bonus=1")); /* still ours, mutable */
	loyalty_calculator_free(other);
	/* other options: refused; NULL options: the stored ones */
	o.pending_days = 9;
	other = calc();
	assert_status(loyalty_program_open(&p, dir, other, &o, &j, NULL), LOYALTY_ECONFLICT);
	assert_ok(loyalty_program_open(&p, dir, other, NULL, &j, NULL));
	{
		loyalty_program_options got;
		assert_ok(loyalty_program_options_get(p, &got));
		assert_int_equal(got.pending_days, 3);
	}
	loyalty_program_free(p);
}

static void test_truncation_at_every_offset_of_the_last_records(void **state)
{
	char dir[512], copy[512], jp[512], jc[512];
	size_t counts[32], len, ends[64], nends;
	loyalty_program *p;
	uint8_t *whole, *clean[3];
	size_t clean_len[3];

	(void)state;
	dir_for(dir, sizeof dir, "trunc");
	dir_for(copy, sizeof copy, "trunc-copy");
	p = open_dir(dir, LOYALTY_SYNC_NONE, NULL);
	history(p, counts, 32);
	loyalty_program_free(p);
	journal_path(jp, sizeof jp, dir, 1);
	whole = slurp(jp, &len);
	nends = frame_ends(whole, len, ends, 64);
	assert_int_equal(ends[nends - 1], len);
	assert_true(nends >= 15);
	/* the states at the last three record boundaries, from clean cuts */
	for (int k = 0; k < 3; k++) {
		copy_dir(dir, copy);
		journal_path(jc, sizeof jc, copy, 1);
		copy_file(jp, jc, ends[nends - 3 + k]);
		p = open_dir(copy, LOYALTY_SYNC_NONE, NULL);
		clean[k] = state_bytes(p, &clean_len[k]);
		loyalty_program_free(p);
	}
	/* cut at every byte of the last two records: the state is the last complete boundary's */
	for (size_t cut = ends[nends - 3]; cut <= len; cut += UNDER_VALGRIND() ? 13 : 1) {
		loyalty_recovery_info info;
		size_t complete = 0, n;
		uint8_t *got;
		int k;
		for (size_t i = 0; i < nends; i++)
			complete += ends[i] <= cut;
		k = (int)complete - (int)(nends - 3) - 1;
		assert_true(k >= 0 && k < 3);
		copy_dir(dir, copy);
		journal_path(jc, sizeof jc, copy, 1);
		copy_file(jp, jc, cut);
		p = open_dir(copy, LOYALTY_SYNC_NONE, &info);
		assert_int_equal(info.records_replayed, complete);
		if (cut == ends[complete - 1]) {
			assert_int_equal(info.torn_offset, -1);
		} else {
			assert_int_equal(info.torn_offset, (int64_t)ends[complete - 1]);
			assert_int_equal(info.torn_bytes, (int64_t)(cut - ends[complete - 1]));
		}
		got = state_bytes(p, &n);
		assert_int_equal(n, clean_len[k]);
		assert_memory_equal(got, clean[k], n);
		free(got);
		loyalty_program_free(p);
		/* the cut tail is gone for good: a second open finds a clean journal */
		p = open_dir(copy, LOYALTY_SYNC_NONE, &info);
		assert_int_equal(info.torn_offset, -1);
		assert_int_equal(info.records_replayed, complete);
		loyalty_program_free(p);
	}
	for (int k = 0; k < 3; k++)
		free(clean[k]);
	free(whole);
}

static void test_bit_flips_in_the_middle_are_caught(void **state)
{
	char dir[512], copy[512], jp[512], jc[512];
	size_t counts[32], len;
	loyalty_program *p = NULL;
	uint8_t *whole;
	size_t start, end;

	(void)state;
	dir_for(dir, sizeof dir, "flip");
	dir_for(copy, sizeof copy, "flip-copy");
	p = open_dir(dir, LOYALTY_SYNC_NONE, NULL);
	history(p, counts, 32);
	loyalty_program_free(p);
	journal_path(jp, sizeof jp, dir, 1);
	whole = slurp(jp, &len);
	/* the 6th record (a purchase) */
	{
		size_t ends[64];
		frame_ends(whole, len, ends, 64);
		start = ends[4];
		end = ends[5];
	}
	for (size_t byte = start; byte < end; byte++) {
		/* one bit per byte, a different one each time (every byte under valgrind would take minutes) */
		for (int bit = (int)(byte % 8); bit == (int)(byte % 8); bit++) {
			if (UNDER_VALGRIND() && byte % 16 != 0)
				break;
			loyalty_program_options o = popts();
			loyalty_journal_options j = jopts(LOYALTY_SYNC_NONE);
			loyalty_calculator *c = calc();
			FILE *f;
			copy_dir(dir, copy);
			journal_path(jc, sizeof jc, copy, 1);
			whole[byte] ^= (uint8_t)(1u << bit);
			f = fopen(jc, "wb");
			assert_non_null(f);
			fwrite(whole, 1, len, f);
			fclose(f);
			whole[byte] ^= (uint8_t)(1u << bit);
			p = NULL;
			assert_status(loyalty_program_open(&p, copy, c, &o, &j, NULL), LOYALTY_ECORRUPT);
			assert_non_null(strstr(loyalty_last_error(), "offset"));
			assert_null(p);
			/* salvage keeps the records before it */
			j.salvage = 1;
			{
				loyalty_recovery_info info;
				assert_ok(loyalty_program_open(&p, copy, c, &o, &j, &info));
				assert_int_equal(info.records_replayed, 5);
				assert_int_equal(info.torn_offset, (int64_t)start);
				assert_int_equal(info.torn_bytes, (int64_t)(len - start));
				assert_int_equal(loyalty_program_entry_count(p), counts[4]);
				loyalty_program_free(p);
			}
		}
	}
	free(whole);
}

static void test_snapshot_compacts_and_keeps_everything(void **state)
{
	char dir[512], path[600];
	size_t counts[32];
	loyalty_program *p, *q;
	loyalty_recovery_info info;
	loyalty_journal_options j = jopts(LOYALTY_SYNC_BATCH);
	loyalty_program_options o = popts();
	struct stat st;

	(void)state;
	dir_for(dir, sizeof dir, "snap");
	p = open_dir(dir, LOYALTY_SYNC_BATCH, NULL);
	history(p, counts, 32);
	assert_ok(loyalty_program_snapshot(p));
	snprintf(path, sizeof path, "%s/journal-1.ljr", dir);
	assert_int_not_equal(stat(path, &st), 0); /* the old generation is gone */
	snprintf(path, sizeof path, "%s/journal-2.ljr", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 16); /* a fresh journal */
	assert_ok(buy(p, 2, "after-snap", 777, torture_time(2026, 3, 1, 0, 0)));
	{
		size_t la;
		uint8_t *a = state_bytes(p, &la);
		loyalty_program_free(p);
		assert_ok(loyalty_program_open(&q, dir, calc(), &o, &j, &info));
		assert_int_equal(info.snapshot_generation, 2);
		assert_int_equal(info.records_replayed, 1);
		{
			size_t lb;
			uint8_t *b = state_bytes(q, &lb);
			assert_int_equal(la, lb);
			assert_memory_equal(a, b, la);
			free(b);
		}
		free(a);
	}
	loyalty_program_free(q);
	/* a program that is not durable cannot snapshot */
	{
		loyalty_program *m;
		assert_ok(loyalty_program_new(&m, calc(), &o));
		assert_status(loyalty_program_snapshot(m), LOYALTY_ESTATE);
		loyalty_program_free(m);
	}
}

static void test_automatic_compaction_keeps_reopen_bounded(void **state)
{
	char dir[512];
	loyalty_program *p;
	loyalty_program_options o = popts();
	loyalty_journal_options j = jopts(LOYALTY_SYNC_NONE);
	loyalty_recovery_info info;
	char key[32];

	(void)state;
	dir_for(dir, sizeof dir, "auto");
	j.snapshot_bytes = 4096;
	assert_ok(loyalty_program_open(&p, dir, calc(), &o, &j, NULL));
	assert_ok(enrol(p, 1));
	for (int i = 0; i < 400; i++) {
		snprintf(key, sizeof key, "k-%d", i);
		assert_ok(buy(p, 1, key, 100 + i, torture_time(2026, 2, 1, 0, 0) + i));
	}
	loyalty_program_free(p);
	assert_ok(loyalty_program_open(&p, dir, calc(), &o, &j, &info));
	assert_true(info.snapshot_generation > 5);
	assert_true(info.records_replayed < 50); /* bounded by snapshot_bytes, not by history */
	assert_int_equal(loyalty_program_entry_count(p), 1 + 400);
	loyalty_program_free(p);
}

static void test_export_import_round_trip(void **state)
{
	char dir[512], path[600];
	size_t counts[32];
	loyalty_program *p, *q;
	loyalty_calculator *c;

	(void)state;
	dir_for(dir, sizeof dir, "export");
	p = open_dir(dir, LOYALTY_SYNC_NONE, NULL);
	history(p, counts, 32);
	snprintf(path, sizeof path, "%s/export.lsn", root);
	assert_ok(loyalty_program_export(p, path));
	c = calc();
	assert_ok(loyalty_program_import(&q, path, c));
	assert_same_state(p, q);
	assert_int_equal(loyalty_program_entry_count(q), counts[14]);
	/* imported programs go on working */
	assert_ok(buy(q, 2, "more", 5000, torture_time(2026, 4, 1, 0, 0)));
	loyalty_program_free(q);
	/* a corrupt export is refused */
	{
		size_t len;
		uint8_t *b = slurp(path, &len);
		FILE *f;
		b[len / 2] ^= 0x10;
		f = fopen(path, "wb");
		fwrite(b, 1, len, f);
		fclose(f);
		free(b);
		c = calc();
		q = NULL;
		assert_status(loyalty_program_import(&q, path, c), LOYALTY_ECORRUPT);
		loyalty_calculator_free(c);
	}
	assert_status(loyalty_program_import(&q, "/nonexistent/x.lsn", c = calc()), LOYALTY_EIO);
	loyalty_calculator_free(c);
	loyalty_program_free(p);
}

static void test_replay_is_deterministic_on_a_long_random_history(void **state)
{
	char dir[512];
	torture_rng rng = { 4242 };
	loyalty_program *p, *q;
	loyalty_time t = torture_time(2026, 1, 1, 12, 0);
	char key[48];

	(void)state;
	dir_for(dir, sizeof dir, "determinism");
	p = open_dir(dir, LOYALTY_SYNC_NONE, NULL);
	assert_ok(loyalty_program_add_tier(p, "member", 0, NULL, 0));
	assert_ok(loyalty_program_add_tier(p, "gold", 200000, NULL, 0));
	for (unsigned i = 1; i <= 30; i++)
		assert_ok(enrol(p, i));
	for (int step = 0; step < (UNDER_VALGRIND() ? 600 : 3000); step++) {
		unsigned who = (unsigned)torture_range(&rng, 1, 30);
		loyalty_id id = cust_id(who), other = cust_id((unsigned)torture_range(&rng, 1, 30));
		int op = (int)torture_range(&rng, 0, 9);
		t += torture_range(&rng, 0, 3 * LOYALTY_MS_PER_HOUR);
		snprintf(key, sizeof key, "op-%d", step);
		if (op < 5)
			buy(p, who, key, torture_range(&rng, 0, 50000), t);
		else if (op == 5)
			loyalty_program_refund(p, key, "op-1", 1, t, NULL);
		else if (op == 6)
			loyalty_program_transfer(p, key, &id, &other, torture_range(&rng, 1, 50), t);
		else if (op == 7)
			loyalty_program_adjust(p, key, &id, torture_range(&rng, 1, 9), "test", t, NULL);
		else if (op == 8)
			loyalty_program_maintain(p, t, NULL);
		else if (step == (UNDER_VALGRIND() ? 300 : 1500))
			assert_ok(loyalty_program_snapshot(p));
	}
	{
		size_t la, lb;
		uint8_t *a = state_bytes(p, &la), *b;
		loyalty_program_free(p);
		q = open_dir(dir, LOYALTY_SYNC_NONE, NULL);
		b = state_bytes(q, &lb);
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la);
		free(a);
		free(b);
		loyalty_program_free(q);
	}
}

static void test_failed_writes_change_nothing(void **state)
{
	char dir[512];
	loyalty_program *p, *q;
	size_t entries;
	static const int errs[] = { EIO, ENOSPC };

	(void)state;
	for (size_t e = 0; e < 2; e++) {
		for (int shorten = 0; shorten <= 1; shorten++) {
			dir_for(dir, sizeof dir, "write-fail");
			p = open_dir(dir, LOYALTY_SYNC_ALWAYS, NULL);
			assert_ok(enrol(p, 1));
			assert_ok(buy(p, 1, "ok-1", 1000, torture_time(2026, 2, 1, 0, 0)));
			entries = loyalty_program_entry_count(p);
			inject_errno = errs[e];
			short_write = shorten;
			write_countdown = 0;
			assert_status(buy(p, 1, "bad-1", 2000, torture_time(2026, 2, 2, 0, 0)), LOYALTY_EIO);
			write_countdown = -1;
			short_write = false;
			assert_non_null(strstr(loyalty_last_error(), "write"));
			assert_int_equal(loyalty_program_entry_count(p), entries); /* not visible */
			/* the key is free and the journal still works (the partial write was cut) */
			assert_ok(buy(p, 1, "bad-1", 2000, torture_time(2026, 2, 2, 0, 0)));
			entries = loyalty_program_entry_count(p);
			loyalty_program_free(p);
			q = open_dir(dir, LOYALTY_SYNC_ALWAYS, NULL);
			assert_int_equal(loyalty_program_entry_count(q), entries);
			loyalty_program_free(q);
		}
	}
}

static void test_a_failed_fsync_stops_writes_until_reopened(void **state)
{
	char dir[512];
	loyalty_program *p, *q;
	loyalty_customer *c;
	loyalty_id a = cust_id(1);

	(void)state;
	dir_for(dir, sizeof dir, "fsync-fail");
	p = open_dir(dir, LOYALTY_SYNC_ALWAYS, NULL);
	assert_ok(enrol(p, 1));
	inject_errno = EIO;
	sync_countdown = 0;
	assert_status(buy(p, 1, "o-1", 1000, torture_time(2026, 2, 1, 0, 0)), LOYALTY_EIO);
	sync_countdown = -1;
	assert_non_null(strstr(loyalty_last_error(), "fsync"));
	/* refuses further writes, reads still work */
	assert_status(buy(p, 1, "o-2", 1000, torture_time(2026, 2, 1, 0, 0)), LOYALTY_EIO);
	assert_ok(loyalty_program_get_customer(p, &a, &c));
	loyalty_customer_free(c);
	loyalty_program_free(p);
	/* reopened: what reached the journal is there (the record was written before the fsync failed) */
	q = open_dir(dir, LOYALTY_SYNC_ALWAYS, NULL);
	assert_ok(buy(q, 1, "o-2", 1000, torture_time(2026, 2, 1, 0, 0)));
	loyalty_program_free(q);
}

static void test_failures_at_every_io_call_of_a_scripted_history(void **state)
{
	char dir[512];

	(void)state;
	/* fail the Nth write, then the Nth fsync, for every N the history makes */
	for (int kind = 0; kind < 2; kind++) {
		for (long nth = 0; nth < (UNDER_VALGRIND() ? 24 : 60); nth++) {
			loyalty_program_options o = popts();
			loyalty_journal_options j = jopts(LOYALTY_SYNC_ALWAYS);
			loyalty_program *p = NULL;
			loyalty_calculator *c = calc();
			size_t acknowledged;
			int rc;
			dir_for(dir, sizeof dir, "io-sweep");
			inject_errno = nth % 2 ? ENOSPC : EIO;
			if (kind == 0)
				write_countdown = nth;
			else
				sync_countdown = nth;
			rc = loyalty_program_open(&p, dir, c, &o, &j, NULL);
			if (rc != LOYALTY_OK) {
				write_countdown = sync_countdown = -1;
				assert_int_equal(rc, LOYALTY_EIO);
				assert_null(p);
				loyalty_calculator_free(c);
				continue;
			}
			/* run the history until the first failure; count what was acknowledged */
			acknowledged = 0;
			{
				loyalty_time t = torture_time(2026, 1, 2, 10, 0);
				char key[16];
				rc = enrol(p, 1);
				if (rc == LOYALTY_OK)
					acknowledged = loyalty_program_entry_count(p);
				for (int i = 0; rc == LOYALTY_OK && i < 12; i++) {
					snprintf(key, sizeof key, "o-%d", i);
					rc = buy(p, 1, key, 1000 * (i + 1), t + i);
					if (rc == LOYALTY_OK)
						acknowledged = loyalty_program_entry_count(p);
				}
			}
			write_countdown = sync_countdown = -1;
			if (rc != LOYALTY_OK)
				assert_int_equal(rc, LOYALTY_EIO);
			loyalty_program_free(p);
			/* whatever was acknowledged survives; nothing half-written is visible */
			{
				loyalty_program *q = NULL;
				loyalty_calculator *c2 = calc();
				rc = loyalty_program_open(&q, dir, c2, &o, &j, NULL);
				if (rc != LOYALTY_OK) {
					fail_msg("reopen after failure %ld/%d: %s", nth, kind, loyalty_last_error());
				}
				assert_true(loyalty_program_entry_count(q) >= acknowledged);
				assert_true(loyalty_program_entry_count(q) <= acknowledged + 1); /* written, fsync failed */
				loyalty_program_free(q);
			}
		}
	}
}

/* ---- crashes ------------------------------------------------------------------------ */

static void crash_child(const char *dir, loyalty_sync_policy sync, int fd)
{
	loyalty_program *p = open_dir(dir, sync, NULL);
	char key[32];

	if (enrol(p, 1) != LOYALTY_OK && enrol(p, 1) != LOYALTY_OK)
		_exit(2);
	for (int i = 0;; i++) {
		snprintf(key, sizeof key, "k-%06d", i);
		if (buy(p, 1, key, 100 + i % 900, torture_time(2026, 1, 3, 0, 0) + i) != LOYALTY_OK)
			_exit(3);
		/* acknowledged: tell the parent */
		if (write(fd, &i, sizeof i) != sizeof i)
			_exit(4);
	}
}

static void crash_test(loyalty_sync_policy sync, int rounds)
{
	char dir[512];
	torture_rng rng = { 99 + (uint64_t)sync };

	long total_acked = 0, rounds_with_acks = 0;

	dir_for(dir, sizeof dir, sync == LOYALTY_SYNC_ALWAYS ? "crash-always" : "crash-batch");
	for (int round = 0; round < rounds; round++) {
		int fds[2], last = -1, got, status;
		pid_t pid;
		struct timespec ts;
		loyalty_program *p;
		loyalty_recovery_info info;
		size_t n, earns = 0;

		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			crash_child(dir, sync, fds[1]);
		}
		close(fds[1]);
		/* odd rounds: kill at a random moment from the start (during open, enrolment, ...);
		 * even rounds: after the first acknowledged purchase, at a random moment of the writing */
		if (round % 2 == 0 && read(fds[0], &got, sizeof got) == sizeof got)
			last = got;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)torture_range(&rng, 0, 15) * 1000000L + (long)torture_range(&rng, 0, 999) * 1000L;
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		assert_true(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0));
		while (read(fds[0], &got, sizeof got) == sizeof got)
			last = got;
		close(fds[0]);
		/* every acknowledged key is there exactly once; the ledger holds */
		p = open_dir(dir, sync, &info);
		n = loyalty_program_entry_count(p);
		{
			loyalty_entry e;
			int64_t avail = 0, pend = 0;
			for (size_t i = 0; i < n; i++) {
				assert_ok(loyalty_program_entry_at(p, i, &e));
				avail += e.points;
				pend += e.pending;
				if (e.kind == LOYALTY_ENTRY_EARN) {
					int k;
					earns++;
					assert_int_equal(sscanf(e.key, "k-%d", &k), 1);
					assert_int_equal(k, (int)earns - 1); /* in order, no gap, no duplicate */
				}
			}
			{
				loyalty_customer *c = NULL;
				loyalty_id a = cust_id(1);
				if (loyalty_program_get_customer(p, &a, &c) == LOYALTY_OK) {
					assert_int_equal(loyalty_customer_available(c), avail);
					assert_int_equal(loyalty_customer_pending(c), pend);
					loyalty_customer_free(c);
				} else {
					/* killed before the enrolment was acknowledged */
					assert_int_equal(last, -1);
					assert_int_equal(earns, 0);
				}
			}
		}
		assert_true((long)earns >= last + 1);
		total_acked += last + 1;
		rounds_with_acks += last >= 0;
		loyalty_program_free(p);
		/* each round starts a new directory */
		rm_rf(dir);
	}
	print_message("crash test (%s): %d kills, %ld acknowledged purchases checked, %ld rounds with some\n",
	              sync == LOYALTY_SYNC_ALWAYS ? "always" : "batch", rounds, total_acked, rounds_with_acks);
	assert_true(rounds_with_acks >= rounds / 2);
}

static void test_crash_with_sync_always(void **state)
{
	(void)state;
	crash_test(LOYALTY_SYNC_ALWAYS, UNDER_VALGRIND() ? 10 : 200);
}

static void test_crash_with_sync_batch(void **state)
{
	(void)state;
	crash_test(LOYALTY_SYNC_BATCH, UNDER_VALGRIND() ? 10 : 200);
}

/* ---- progress, cancellation, read-only, options versions ----------------------------- */

/* What a progress callback saw; it returns non-zero at call number cancel_at (1-based; 0 = never). */
typedef struct progress_log {
	uint64_t done[64], total[64];
	size_t calls;
	size_t cancel_at;
} progress_log;

static int log_progress(uint64_t done, uint64_t total, void *user_data)
{
	progress_log *l = user_data;

	if (l->calls < 64) {
		l->done[l->calls] = done;
		l->total[l->calls] = total;
	}
	l->calls++;
	return l->cancel_at != 0 && l->calls == l->cancel_at;
}

/* The calls a load of @p total records makes: 0, every 1,024 records below total, total. */
static void assert_progress_calls(const progress_log *l, uint64_t total)
{
	size_t k = 0;

	assert_true(l->calls >= 2);
	assert_true(l->calls <= 64);
	for (uint64_t done = 0; done < total; done += 1024, k++) {
		assert_int_equal(l->done[k], done);
		assert_int_equal(l->total[k], total);
	}
	assert_int_equal(l->calls, k + 1);
	assert_int_equal(l->done[k], total);
	assert_int_equal(l->total[k], total);
}

static size_t count_file_frames(const char *path)
{
	size_t len, n, ends[8192];
	uint8_t *b = slurp(path, &len);

	n = frame_ends(b, len, ends, 8192);
	free(b);
	return n;
}

/* Every file of a directory, by name and contents, as one string of bytes (for byte-identity checks). */
static uint8_t *dir_bytes(const char *dir, size_t *len)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	uint8_t *all = NULL;
	size_t total = 0;

	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		char path[600];
		size_t flen = 0, nlen = strlen(names[i]->d_name);
		uint8_t *f = NULL;
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof path, "%.400s/%.150s", dir, names[i]->d_name);
			f = slurp(path, &flen);
		}
		all = realloc(all, total + nlen + 1 + flen + 1);
		assert_non_null(all);
		memcpy(all + total, names[i]->d_name, nlen + 1);
		total += nlen + 1;
		if (flen)
			memcpy(all + total, f, flen);
		total += flen;
		free(f);
		free(names[i]);
	}
	free(names);
	*len = total;
	return all;
}

static void assert_dir_unchanged(const char *dir, const uint8_t *before, size_t before_len)
{
	size_t len;
	uint8_t *now = dir_bytes(dir, &len);

	assert_int_equal(len, before_len);
	assert_memory_equal(now, before, len);
	free(now);
}

/* A directory with a snapshot of @p snap_purchases purchases and a journal of @p purchases more. */
static void make_purchases(const char *dir, int snap_purchases, int purchases)
{
	loyalty_program *p = open_dir(dir, LOYALTY_SYNC_NONE, NULL);
	char key[32];

	for (unsigned c = 1; c <= 20; c++)
		assert_ok(enrol(p, c));
	for (int i = 0; i < snap_purchases + purchases; i++) {
		if (i == snap_purchases && snap_purchases > 0)
			assert_ok(loyalty_program_snapshot(p));
		snprintf(key, sizeof key, "p-%d", i);
		assert_ok(buy(p, 1 + (unsigned)i % 20, key, 100 + i, torture_time(2026, 2, 1, 0, 0) + i));
	}
	loyalty_program_free(p);
}

/* Open with a fresh calculator and expect @p code (the calculator stays with us: freed here). */
static void open_fails(const char *dir, const loyalty_program_options *o, const loyalty_journal_options *j, int code)
{
	loyalty_calculator *c = calc();
	loyalty_program *p = NULL;

	assert_status(loyalty_program_open(&p, dir, c, o, j, NULL), code);
	assert_null(p);
	loyalty_calculator_free(c);
}

static void test_open_reports_progress_in_records(void **state)
{
	char dir[512], path[600];
	loyalty_program_options o = popts();
	loyalty_journal_options j = jopts(LOYALTY_SYNC_NONE);
	loyalty_recovery_info info;
	loyalty_program *p;
	progress_log log = { 0 };
	size_t snap_frames, journal_frames;

	(void)state;
	dir_for(dir, sizeof dir, "progress");
	make_purchases(dir, 1500, 2500);
	snprintf(path, sizeof path, "%s/snapshot-2.lsn", dir);
	snap_frames = count_file_frames(path);
	snprintf(path, sizeof path, "%s/journal-2.ljr", dir);
	journal_frames = count_file_frames(path);
	assert_int_equal(journal_frames, 2500);
	/* definition, 20 accounts, 1,520 entries, 1,500 purchases, 1,520 idempotency records, meta, end */
	assert_int_equal(snap_frames, 1 + 20 + 1520 + 1500 + 1520 + 2);
	j.progress = log_progress;
	j.progress_data = &log;
	assert_ok(loyalty_program_open(&p, dir, calc(), &o, &j, &info));
	assert_int_equal(info.records_replayed, 2500);
	assert_progress_calls(&log, snap_frames + journal_frames);
	loyalty_program_free(p);

	/* a new program: one call, (0, 0) */
	memset(&log, 0, sizeof log);
	dir_for(dir, sizeof dir, "progress-new");
	assert_ok(loyalty_program_open(&p, dir, calc(), &o, &j, &info));
	assert_int_equal(info.created, 1);
	assert_int_equal(log.calls, 1);
	assert_int_equal(log.done[0], 0);
	assert_int_equal(log.total[0], 0);
	loyalty_program_free(p);
}

static void test_canceling_an_open_changes_nothing(void **state)
{
	char dir[512], jp[600];
	loyalty_program_options o = popts();
	loyalty_journal_options j = jopts(LOYALTY_SYNC_NONE);
	loyalty_recovery_info info;
	loyalty_program *p;
	progress_log log = { 0 };
	size_t calls, before_len, jlen, ends[4096], nends;
	uint8_t *before, *whole;

	(void)state;
	dir_for(dir, sizeof dir, "cancel");
	make_purchases(dir, 0, 2100);
	/* tear the last record, so that a completed open would cut the tail and copy it aside */
	journal_path(jp, sizeof jp, dir, 1);
	whole = slurp(jp, &jlen);
	nends = frame_ends(whole, jlen, ends, 4096);
	assert_int_equal(ends[nends - 1], jlen);
	assert_int_equal(truncate(jp, (off_t)(jlen - 5)), 0);
	free(whole);
	before = dir_bytes(dir, &before_len);
	/* how many calls a whole open makes */
	j.progress = log_progress;
	j.progress_data = &log;
	{
		char copy[512];
		dir_for(copy, sizeof copy, "cancel-copy");
		copy_dir(dir, copy);
		assert_ok(loyalty_program_open(&p, copy, calc(), &o, &j, &info));
		assert_int_equal(info.torn_offset, (int64_t)ends[nends - 2]);
		loyalty_program_free(p);
		calls = log.calls;
		/* frames: the snapshot's definition, meta and end, 20 enrolments, 2,099 whole purchases (the
		 * torn one runs past the end of the file: its header does not count it) */
		assert_progress_calls(&log, 3 + 20 + 2099);
	}
	assert_int_equal(calls, 4); /* 0, 1024, 2048, 2122 */
	for (size_t k = 0; k < 3; k++) {
		/* the first call (before loading), one in the middle, the last (after loading, before the cut) */
		size_t at = k == 0 ? 1 : k == 1 ? calls / 2 : calls;
		loyalty_calculator *c = calc();
		memset(&log, 0, sizeof log);
		log.cancel_at = at;
		p = NULL;
		assert_status(loyalty_program_open(&p, dir, c, &o, &j, &info), LOYALTY_ECANCELED);
		assert_null(p);
		assert_int_equal(log.calls, at);
		/* the caller keeps the calculator (still mutable: not attached) */
		assert_ok(loyalty_calculator_add(c, "first_purchase", "hi", "bonus=1"));
		loyalty_calculator_free(c);
		assert_dir_unchanged(dir, before, before_len);
	}
	free(before);
	/* the lock was released: a normal open works, and cuts the tail */
	j.progress = NULL;
	assert_ok(loyalty_program_open(&p, dir, calc(), &o, &j, &info));
	assert_int_equal(info.torn_offset, (int64_t)ends[nends - 2]);
	assert_int_equal(info.records_replayed, 20 + 2099);
	loyalty_program_free(p);

	/* canceling the creation of a program leaves no directory behind */
	{
		struct stat st;
		memset(&log, 0, sizeof log);
		log.cancel_at = 1;
		j.progress = log_progress;
		dir_for(dir, sizeof dir, "cancel-new");
		open_fails(dir, &o, &j, LOYALTY_ECANCELED);
		assert_int_equal(log.calls, 1);
		assert_int_not_equal(stat(dir, &st), 0);
	}
}

static void test_read_only_reads_a_live_directory_and_refuses_writes(void **state)
{
	char dir[512], copy[512], jp[600];
	size_t counts[32], before_len, journal_records;
	loyalty_program_options o = popts();
	loyalty_journal_options ro = jopts(LOYALTY_SYNC_NONE);
	loyalty_recovery_info info;
	loyalty_program *p, *q, *q2;
	loyalty_id a = cust_id(1);
	loyalty_reward_def rd = LOYALTY_REWARD_DEF_INIT;
	uint8_t *before;
	struct stat st;

	(void)state;
	ro.read_only = 1;
	dir_for(dir, sizeof dir, "readonly");
	/* nothing there: not found, and nothing created */
	open_fails(dir, &o, &ro, LOYALTY_ENOTFOUND);
	assert_int_not_equal(stat(dir, &st), 0);
	assert_int_equal(mkdir(dir, 0755), 0);
	open_fails(dir, &o, &ro, LOYALTY_ENOTFOUND);
	{
		size_t n;
		uint8_t *b = dir_bytes(dir, &n);
		assert_int_equal(n, 0 + 2 + 3); /* ".", ".." only: no lock file */
		free(b);
	}
	/* a live program holds the directory: a second writer is refused, a reader is not */
	p = open_dir(dir, LOYALTY_SYNC_ALWAYS, NULL);
	history(p, counts, 32);
	open_fails(dir, &o, NULL, LOYALTY_ESTATE);
	assert_ok(loyalty_program_open(&q, dir, calc(), NULL, &ro, &info));
	assert_int_equal(info.created, 0);
	journal_path(jp, sizeof jp, dir, 1);
	journal_records = count_file_frames(jp);
	assert_true(journal_records >= 15);
	assert_int_equal(info.records_replayed, journal_records);
	assert_same_state(p, q);
	/* writes are refused and change nothing, in memory or on disk */
	before = dir_bytes(dir, &before_len);
	assert_status(buy(q, 1, "ro-1", 1000, torture_time(2026, 5, 1, 0, 0)), LOYALTY_ESTATE);
	assert_status(enrol(q, 9), LOYALTY_ESTATE);
	assert_status(loyalty_program_adjust(q, "ro-adj", &a, 5, "no", torture_time(2026, 5, 1, 0, 0), NULL),
	              LOYALTY_ESTATE);
	assert_status(loyalty_program_set_reward_stock(q, "mug", 1), LOYALTY_ESTATE);
	assert_status(loyalty_program_maintain(q, torture_time(2026, 12, 1, 0, 0), NULL), LOYALTY_ESTATE);
	assert_status(loyalty_program_snapshot(q), LOYALTY_ESTATE);
	rd.id = "cap";
	rd.cost = 5;
	assert_status(loyalty_program_add_reward(q, &rd), LOYALTY_ESTATE);
	/* a retry of a recorded key writes nothing: it answers as usual */
	assert_ok(buy(q, 1, "o-1", 12345, torture_time(2026, 1, 2, 10, 0)));
	assert_same_state(p, q);
	assert_dir_unchanged(dir, before, before_len);
	free(before);
	/* the live program goes on; the reader keeps the state it read; a new reader sees the new state */
	assert_ok(buy(p, 2, "live-1", 5000, torture_time(2026, 5, 2, 0, 0)));
	assert_int_equal(loyalty_program_entry_count(q), counts[14]);
	assert_ok(loyalty_program_open(&q2, dir, calc(), NULL, &ro, &info));
	assert_int_equal(info.records_replayed, journal_records + 1);
	assert_same_state(p, q2);
	loyalty_program_free(q2);
	/* after a compaction by the writer */
	assert_ok(loyalty_program_snapshot(p));
	assert_ok(loyalty_program_open(&q2, dir, calc(), NULL, &ro, &info));
	assert_int_equal(info.snapshot_generation, 2);
	assert_int_equal(info.records_replayed, 0);
	assert_same_state(p, q2);
	loyalty_program_free(q2);
	loyalty_program_free(q);

	loyalty_program_free(p);

	/* a torn tail (a record being written) is skipped, not cut */
	dir_for(copy, sizeof copy, "readonly-torn");
	copy_dir(dir, copy);
	journal_path(jp, sizeof jp, copy, 2);
	{
		static const uint8_t half[] = { 0x40, 0, 0, 0, 1, 2, 3 }; /* half a frame header */
		size_t len;
		uint8_t *b = slurp(jp, &len);
		FILE *f = fopen(jp, "ab");
		free(b);
		assert_non_null(f);
		assert_int_equal(fwrite(half, 1, sizeof half, f), sizeof half);
		fclose(f);
		before = dir_bytes(copy, &before_len);
		assert_ok(loyalty_program_open(&q, copy, calc(), NULL, &ro, &info));
		assert_int_equal(info.torn_offset, (int64_t)len);
		assert_int_equal(info.torn_bytes, 7);
		assert_dir_unchanged(copy, before, before_len);
		free(before);
		loyalty_program_free(q);
	}
}

static void test_journal_options_versions(void **state)
{
	/* the struct of version 1, as a caller built against it has it */
	struct v1 {
		unsigned int version;
		loyalty_sync_policy sync;
		int batch_ms, batch_records, salvage;
		int64_t snapshot_bytes;
	};
	union {
		struct v1 v1;
		uint8_t bytes[sizeof(loyalty_journal_options) + 16];
	} u;
	loyalty_journal_options o;
	loyalty_program_options po = popts();
	loyalty_program *p;
	char dir[512];

	(void)state;
	memset(&u, 0xa5, sizeof u);
	assert_ok(loyalty_journal_options_init((loyalty_journal_options *)(void *)&u, 1));
	assert_int_equal(u.v1.version, 1);
	assert_int_equal(u.v1.sync, LOYALTY_SYNC_ALWAYS);
	assert_int_equal(u.v1.batch_ms, 2);
	assert_int_equal(u.v1.batch_records, 64);
	assert_int_equal(u.v1.snapshot_bytes, 0);
	for (size_t i = sizeof(struct v1); i < sizeof u; i++)
		assert_int_equal(u.bytes[i], 0xa5); /* nothing written past the version-1 struct */
	assert_ok(loyalty_journal_options_init(&o, LOYALTY_JOURNAL_OPTIONS_VERSION));
	assert_int_equal(o.version, 2);
	assert_null(o.progress);
	assert_int_equal(o.read_only, 0);
	assert_status(loyalty_journal_options_init(&o, 3), LOYALTY_EINVAL);
	assert_status(loyalty_journal_options_init(NULL, 2), LOYALTY_EINVAL);
	/* a version-1 caller opens with its smaller struct (bytes after it are never read) */
	dir_for(dir, sizeof dir, "v1");
	u.v1.sync = LOYALTY_SYNC_NONE;
	assert_ok(loyalty_program_open(&p, dir, calc(), &po, (const loyalty_journal_options *)(void *)&u, NULL));
	assert_ok(enrol(p, 1));
	loyalty_program_free(p);
	o.version = 3;
	{
		loyalty_calculator *c = calc();
		assert_status(loyalty_program_open(&p, dir, c, &po, &o, NULL), LOYALTY_EINVAL);
		loyalty_calculator_free(c);
	}
}

static void test_import_reports_progress_and_can_be_canceled(void **state)
{
	char dir[512], path[600];
	loyalty_program *p, *q;
	progress_log log = { 0 };
	size_t frames;

	(void)state;
	dir_for(dir, sizeof dir, "import-progress");
	make_purchases(dir, 0, 1100);
	p = open_dir(dir, LOYALTY_SYNC_NONE, NULL);
	snprintf(path, sizeof path, "%s/import.lsn", root);
	assert_ok(loyalty_program_export(p, path));
	frames = count_file_frames(path);
	assert_int_equal(frames, 1 + 20 + 1120 + 1100 + 1120 + 2);
	assert_ok(loyalty_program_import_ex(&q, path, calc(), log_progress, &log));
	assert_progress_calls(&log, frames);
	assert_same_state(p, q);
	loyalty_program_free(q);
	for (size_t at = 1; at <= 4; at++) {
		loyalty_calculator *c = calc();
		memset(&log, 0, sizeof log);
		log.cancel_at = at;
		q = NULL;
		assert_status(loyalty_program_import_ex(&q, path, c, log_progress, &log), LOYALTY_ECANCELED);
		assert_null(q);
		assert_int_equal(log.calls, at);
		assert_ok(loyalty_calculator_add(c, "first_purchase", "hi", "bonus=1"));
		loyalty_calculator_free(c);
	}
	/* NULL progress: as loyalty_program_import */
	assert_ok(loyalty_program_import_ex(&q, path, calc(), NULL, NULL));
	assert_same_state(p, q);
	loyalty_program_free(q);
	loyalty_program_free(p);
	unlink(path);
}

/* Each acknowledged call is one write() of one whole frame: the journal grows by exactly that frame. */
static void test_one_write_per_record(void **state)
{
	char dir[512], jp[600];
	loyalty_program *p;
	size_t before, after, ends[64];
	uint8_t *b;
	char key[32];

	(void)state;
	dir_for(dir, sizeof dir, "one-write");
	p = open_dir(dir, LOYALTY_SYNC_NONE, NULL);
	assert_ok(enrol(p, 1));
	journal_path(jp, sizeof jp, dir, 1);
	free(slurp(jp, &before));
	for (int i = 0; i < 10; i++) {
		long calls = write_calls;
		size_t len;
		snprintf(key, sizeof key, "one-%d", i);
		assert_ok(buy(p, 1, key, 1000 + i, torture_time(2026, 2, 1, 0, 0) + i));
		assert_int_equal(write_calls, calls + 1);
		b = slurp(jp, &len);
		assert_int_equal(frame_ends(b, len, ends, 64), 1 + (size_t)i + 1);
		assert_int_equal(ends[i + 1], len); /* the file ends on the new frame's end */
		free(b);
	}
	free(slurp(jp, &after));
	assert_true(after > before);
	loyalty_program_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reopen_gives_the_same_state),
		cmocka_unit_test(test_reopen_checks_the_calculator_and_options),
		cmocka_unit_test(test_truncation_at_every_offset_of_the_last_records),
		cmocka_unit_test(test_bit_flips_in_the_middle_are_caught),
		cmocka_unit_test(test_snapshot_compacts_and_keeps_everything),
		cmocka_unit_test(test_automatic_compaction_keeps_reopen_bounded),
		cmocka_unit_test(test_export_import_round_trip),
		cmocka_unit_test(test_replay_is_deterministic_on_a_long_random_history),
		cmocka_unit_test(test_failed_writes_change_nothing),
		cmocka_unit_test(test_a_failed_fsync_stops_writes_until_reopened),
		cmocka_unit_test(test_failures_at_every_io_call_of_a_scripted_history),
		cmocka_unit_test(test_crash_with_sync_always),
		cmocka_unit_test(test_crash_with_sync_batch),
		cmocka_unit_test(test_open_reports_progress_in_records),
		cmocka_unit_test(test_canceling_an_open_changes_nothing),
		cmocka_unit_test(test_read_only_reads_a_live_directory_and_refuses_writes),
		cmocka_unit_test(test_journal_options_versions),
		cmocka_unit_test(test_import_reports_progress_and_can_be_canceled),
		cmocka_unit_test(test_one_write_per_record),
	};
	return cmocka_run_group_tests(tests, setup_root, teardown_root);
}
