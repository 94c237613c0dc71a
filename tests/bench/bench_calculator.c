/*
 * Calculator throughput: receipts per second for a realistic pipeline.
 *
 * usage: bench_calculator [purchases]      (default 200000)
 *
 * Prints one line per configuration with the median of 5 runs, then the
 * same figure as a machine-readable "RESULT name ns_per_purchase=..." line.
 * The second part runs the workload program of tests/bench/WORKLOAD.md on
 * purchases generated here with a fixed seed and the distributions of
 * workload/gen.py, through compute (with a receipt), score (without) and
 * score_columns (batches of 4096), after checking that all three agree with
 * the workload's exact integer rule on every purchase.
 *
 * For callgrind: LOYALTY_BENCH_ONLY=workload skips the first part (each API
 * is then called 65,536 + 5 x purchases times); =compute_1 or =compute_7 runs
 * only that line (5 x purchases calls). The clock is
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

#include "bench.h"

#define RUNS 5

static void report(const char *label, const char *id, double *secs, long n, long long checksum)
{
	double ns;

	qsort(secs, RUNS, sizeof secs[0], cmp_double);
	ns = secs[RUNS / 2] / (double)n * 1e9;
	printf("  %-34s %8.1f ns/purchase  %10.0f purchases/s  (checksum %lld)\n", label, ns, 1e9 / ns, checksum);
	printf("RESULT %s ns_per_purchase=%.1f\n", id, ns);
	fflush(stdout);
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

/* ---- the workload of tests/bench/WORKLOAD.md ---------------------------------- */

enum { WL_CUSTOMERS = 10000, WL_PURCHASES = 65536, WL_BATCH = 4096, WL_TYPES = 12, WL_GIFT = 11 };

static const char *const wl_types[WL_TYPES] = { "grocery", "beverages", "bakery", "household", "electronics", "toys",
	                                            "books",   "clothing",  "beauty", "sports",    "garden",      "gift_card" };
static const char *const wl_tiers[] = { "bronze", "silver", "gold" };

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int64_t rng_range(uint64_t *s, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng_next(s) % (uint64_t)(hi - lo + 1));
}

static loyalty_calculator *workload_calc(void)
{
	loyalty_calculator_options o = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_calculator *c;

	memcpy(o.currency, "USD", 4);
	check(loyalty_calculator_new(&c, &o), "new");
	check(loyalty_calculator_exclude_product_type(c, "gift_card"), "exclude");
	check(loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100"), "base");
	check(loyalty_calculator_add(c, "product_type", "categories",
	                             "mode=multiplier type.electronics=3/2 type.books=2 type.beauty=5/4 type.sports=3/2"),
	      "categories");
	check(loyalty_calculator_add(c, "tier_multiplier", "tiers", "tier.silver=5/4 tier.gold=3/2"), "tiers");
	check(loyalty_calculator_add(c, "campaign", "double_november",
	                             "multiplier=2 start=1793491200000 end=1796083200000 type=electronics,toys"),
	      "double_november");
	check(loyalty_calculator_add(c, "birthday", "birthday_month", "bonus=100 period=month feb29=feb28"), "birthday");
	check(loyalty_calculator_add(c, "threshold", "big_basket", "min_spend=20000 bonus=250"), "big_basket");
	return c;
}

/* The rule of WORKLOAD.md in exact integers (quarters). */
static loyalty_points workload_rule(const loyalty_score_columns *k, size_t i)
{
	static const int64_t mtype[WL_TYPES] = { 0, 0, 0, 0, 2, 0, 4, 0, 1, 2, 0, 0 }; /* 4 * (mtype - 1) */
	static const int64_t mtier[] = { 0, 1, 2 };                                       /* 4 * (mtier - 1) */
	uint32_t who = k->customer[i];
	int64_t t = k->at[i], sum = 0, eligible = 0, local = t / LOYALTY_MS_PER_DAY;
	int month;
	loyalty_points pts;

	loyalty_time_to_civil(t, 0, NULL, &month, NULL, NULL, NULL, NULL, NULL);
	(void)local;
	for (uint32_t l = k->line_start[i]; l < k->line_start[i + 1]; l++) {
		uint32_t ty = k->line_type[l];
		int64_t total = k->quantity[l] * k->unit_price[l], w;
		if (ty == WL_GIFT)
			continue;
		eligible += total;
		w = 4 + mtype[ty] + mtier[k->customer_tier[who]] +
		    (t >= INT64_C(1793491200000) && t < INT64_C(1796083200000) && (ty == 4 || ty == 5) ? 4 : 0);
		sum += total * w;
	}
	pts = sum / 400;
	if (k->birth_month[who] != 0 && k->birth_month[who] == month)
		pts += 100;
	if (eligible >= 20000)
		pts += 250;
	return pts;
}

static void workload(long n)
{
	uint64_t seed = 7;
	uint32_t *tier = malloc(WL_CUSTOMERS * sizeof *tier), *who = malloc(WL_PURCHASES * sizeof *who);
	uint8_t *bmonth = malloc(WL_CUSTOMERS), *bday = malloc(WL_CUSTOMERS);
	uint32_t *start = malloc((WL_PURCHASES + 1) * sizeof *start);
	/* per batch of WL_BATCH purchases, its line_start from 0 */
	uint32_t *bstart = malloc((WL_PURCHASES / WL_BATCH) * (WL_BATCH + 1) * sizeof *bstart);
	uint32_t *type = malloc(5 * WL_PURCHASES * sizeof *type);
	int64_t *qty = malloc(5 * WL_PURCHASES * sizeof *qty), *price = malloc(5 * WL_PURCHASES * sizeof *price);
	loyalty_time *at = malloc(WL_PURCHASES * sizeof *at);
	loyalty_points *pts = malloc(WL_PURCHASES * sizeof *pts);
	loyalty_customer **cust = calloc(WL_CUSTOMERS, sizeof *cust);
	loyalty_purchase **buy = calloc(WL_PURCHASES, sizeof *buy);
	loyalty_score_columns k = LOYALTY_SCORE_COLUMNS_INIT;
	loyalty_calculator *c = workload_calc();
	uint32_t nlines = 0;
	double secs[RUNS];
	long long total;

	if (!bstart || !tier || !who || !bmonth || !bday || !start || !type || !qty || !price || !at || !pts || !cust || !buy) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	for (uint32_t i = 0; i < WL_CUSTOMERS; i++) {
		int64_t r = rng_range(&seed, 0, 99);
		tier[i] = r < 60 ? 0 : r < 90 ? 1 : 2;
		bmonth[i] = bday[i] = 0;
		if (rng_range(&seed, 0, 99) >= 5) {
			bmonth[i] = (uint8_t)rng_range(&seed, 1, 12);
			bday[i] = (uint8_t)rng_range(&seed, 1, 28);
		}
		check(loyalty_customer_new(&cust[i], NULL), "customer");
		check(loyalty_customer_set_tier(cust[i], wl_tiers[tier[i]]), "tier");
		check(loyalty_customer_set_birthday(cust[i], bmonth[i], bday[i]), "birthday");
	}
	start[0] = 0;
	for (uint32_t i = 0; i < WL_PURCHASES; i++) {
		int lines = (int)rng_range(&seed, 1, 5);
		char key[32];
		who[i] = (uint32_t)rng_range(&seed, 0, WL_CUSTOMERS - 1);
		/* in time order over 2026, as workload/gen.py writes them */
		at[i] = INT64_C(1767225600000) + (int64_t)i * (365 * LOYALTY_MS_PER_DAY / WL_PURCHASES) +
		        rng_range(&seed, 0, 365 * LOYALTY_MS_PER_DAY / WL_PURCHASES - 1);
		snprintf(key, sizeof key, "wl-%u", i);
		check(loyalty_purchase_new(&buy[i], key, loyalty_customer_id(cust[who[i]]), at[i], "USD"), "purchase");
		for (int l = 0; l < lines; l++, nlines++) {
			type[nlines] = rng_range(&seed, 0, 99) < 5 ? WL_GIFT : (uint32_t)rng_range(&seed, 0, WL_GIFT - 1);
			qty[nlines] = rng_range(&seed, 1, 3);
			price[nlines] = rng_range(&seed, 50, 20000);
			check(loyalty_purchase_add_item(buy[i], "sku", wl_types[type[nlines]], qty[nlines], price[nlines]),
			      "item");
		}
		start[i + 1] = nlines;
	}
	for (uint32_t b = 0; b < WL_PURCHASES / WL_BATCH; b++)
		for (uint32_t i = 0; i <= WL_BATCH; i++)
			bstart[b * (WL_BATCH + 1) + i] = start[b * WL_BATCH + i] - start[b * WL_BATCH];
	k.npurchases = WL_PURCHASES;
	k.at = at;
	k.customer = who;
	k.line_start = start;
	k.line_type = type;
	k.quantity = qty;
	k.unit_price = price;
	k.type_names = wl_types;
	k.ntypes = WL_TYPES;
	k.ncustomers = WL_CUSTOMERS;
	k.customer_tier = tier;
	k.tier_names = wl_tiers;
	k.ntiers = 3;
	k.birth_month = bmonth;
	k.birth_day = bday;
	k.currency = "USD";

	/* agreement first: the exact rule, compute, score and score_columns */
	check(loyalty_calculator_score_columns(c, &k, pts, NULL), "score_columns");
	for (uint32_t i = 0; i < WL_PURCHASES; i++) {
		loyalty_receipt *r;
		loyalty_points one, want = workload_rule(&k, i);
		check(loyalty_calculator_compute(c, cust[who[i]], buy[i], NULL, &r), "compute");
		check(loyalty_calculator_score(c, cust[who[i]], buy[i], NULL, &one), "score");
		if (loyalty_receipt_points(r) != want || one != want || pts[i] != want) {
			fprintf(stderr, "workload purchase %u: rule %lld, compute %lld, score %lld, score_columns %lld\n", i,
			        (long long)want, (long long)loyalty_receipt_points(r), (long long)one, (long long)pts[i]);
			exit(1);
		}
		loyalty_receipt_free(r);
	}
	printf("workload (tests/bench/WORKLOAD.md): 6 strategies, %d purchases (%u lines) of %d customers, "
	       "%ld purchases per run, median of %d runs; all agree with the exact rule\n",
	       WL_PURCHASES, nlines, WL_CUSTOMERS, n, RUNS);

	for (int run = 0; run < RUNS; run++) {
		double t0 = now_s();
		total = 0;
		for (long i = 0; i < n; i++) {
			loyalty_receipt *r;
			uint32_t p = (uint32_t)(i % WL_PURCHASES);
			check(loyalty_calculator_compute(c, cust[who[p]], buy[p], NULL, &r), "compute");
			total += loyalty_receipt_points(r);
			loyalty_receipt_free(r);
		}
		secs[run] = now_s() - t0;
	}
	report("compute (with receipt)", "calculator.compute", secs, n, total);

	for (int run = 0; run < RUNS; run++) {
		double t0 = now_s();
		total = 0;
		for (long i = 0; i < n; i++) {
			loyalty_points one;
			uint32_t p = (uint32_t)(i % WL_PURCHASES);
			check(loyalty_calculator_score(c, cust[who[p]], buy[p], NULL, &one), "score");
			total += one;
		}
		secs[run] = now_s() - t0;
	}
	report("score (no receipt)", "calculator.score", secs, n, total);

	for (int run = 0; run < RUNS; run++) {
		long done = 0;
		double t0 = now_s();
		total = 0;
		while (done < n) {
			uint32_t first = (uint32_t)(done % WL_PURCHASES);
			loyalty_score_columns b = k;
			b.npurchases = WL_BATCH;
			if (first + b.npurchases > WL_PURCHASES)
				b.npurchases = WL_PURCHASES - first;
			if ((long)b.npurchases > n - done)
				b.npurchases = (size_t)(n - done);
			/* a batch is a window of the columns: line_start is rebased by offsetting the line columns */
			b.at = at + first;
			b.customer = who + first;
			b.line_start = bstart + (first / WL_BATCH) * (WL_BATCH + 1);
			b.line_type = type + start[first];
			b.quantity = qty + start[first];
			b.unit_price = price + start[first];
			check(loyalty_calculator_score_columns(c, &b, pts, NULL), "score_columns");
			for (size_t i = 0; i < b.npurchases; i++)
				total += pts[i];
			done += (long)b.npurchases;
		}
		secs[run] = now_s() - t0;
	}
	report("score_columns (batches of 4096)", "calculator.score_columns", secs, n, total);

	loyalty_calculator_free(c);
	for (uint32_t i = 0; i < WL_PURCHASES; i++)
		loyalty_purchase_free(buy[i]);
	for (uint32_t i = 0; i < WL_CUSTOMERS; i++)
		loyalty_customer_free(cust[i]);
	free(tier);
	free(who);
	free(bmonth);
	free(bday);
	free(start);
	free(bstart);
	free(type);
	free(qty);
	free(price);
	free(at);
	free(pts);
	free(cust);
	free(buy);
}

int main(int argc, char **argv)
{
	static const char *const types[] = { "coffee", "electronics", "groceries", "books", "toys", "gift_card" };
	static const char *const tiers[] = { "", "silver", "gold" };
	long n = argc > 1 ? atol(argv[1]) : 200000;
	const char *only = getenv("LOYALTY_BENCH_ONLY");
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
		loyalty_calculator *c;
		double secs[RUNS];
		long long total = 0;

		if (only != NULL && strcmp(only, full ? "compute_7" : "compute_1") != 0)
			continue;
		c = make_calc(full);
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
		report(full ? "7 strategies (every built-in kind)" : "1 strategy (base_rate)",
		       full ? "calculator.compute_7" : "calculator.compute_1", secs, n, total);
		loyalty_calculator_free(c);
	}
	if (only == NULL || strcmp(only, "workload") == 0)
		workload(n);
	for (int b = 0; b < BASKETS; b++)
		loyalty_purchase_free(baskets[b]);
	for (int i = 0; i < CUSTOMERS; i++)
		loyalty_customer_free(cust[i]);
	free(baskets);
	free(cust);
	return 0;
}
