/*
 * The peer-benchmark workload (tests/bench/WORKLOAD.md) in C: the program of
 * tests/bench/workload/program.json built through the C API, every purchase
 * of the generated data set scored, and every purchase's points checked
 * against the reference column of purchases.csv before any time is printed.
 *
 * usage: bench_workload DATA_DIR PROGRAM_JSON [RUNS]
 *   DATA_DIR      customers.csv, purchases.csv, lines.csv (workload/gen.py)
 *   PROGRAM_JSON  tests/bench/workload/program.json
 *   RUNS          runs per contender, the median is printed (default 5; at
 *                 most 3 for the per-purchase contenders, which take seconds)
 *
 * Contenders, each printed as one RESULT line (tests/bench/WORKLOAD.md):
 *   c.score_columns  loyalty_calculator_score_columns over all purchases at once
 *                    (the columns as loaded: struct of arrays)
 *   c.score          loyalty_calculator_score per purchase (points, no receipt)
 *   c.compute        loyalty_calculator_compute per purchase (a receipt each)
 * The per-purchase contenders run on purchases built beforehand in chunks of
 * 65,536 (only the score / compute calls are timed).
 * A disagreement exits with status 1, naming the contender and the first
 * purchase that differs.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <loyalty/loyalty.h>

#include "bench.h"

#define MAX_TYPES 64
#define MAX_TIERS 16
#define CHUNK 65536

static void die(const char *what)
{
	fprintf(stderr, "bench_workload: %s\n", what);
	exit(2);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (p == NULL)
		die("out of memory");
	return p;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "bench_workload: cannot read %s\n", path);
		exit(2);
	}
	buf = xcalloc((size_t)len + 1, 1);
	if (fread(buf, 1, (size_t)len, f) != (size_t)len)
		die("short read");
	fclose(f);
	return buf;
}

/* ---- program.json: just enough JSON for that file's shape ----------------------------- */

/* Where the value of "key": starts, or NULL. */
static const char *json_key(const char *json, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = strchr(json, '"'); p != NULL; p = strchr(p + 1, '"')) {
		const char *q = p + 1 + klen;
		if (strncmp(p + 1, key, klen) != 0 || *q != '"')
			continue;
		for (q++; isspace((unsigned char)*q); q++)
			;
		if (*q == ':') {
			for (q++; isspace((unsigned char)*q); q++)
				;
			return q;
		}
	}
	return NULL;
}

/* A copy of the JSON string at *p (no escapes in program.json), advancing *p past it. */
static char *json_string(const char **p)
{
	const char *s = *p, *e;
	char *out;

	while (isspace((unsigned char)*s) || *s == ',')
		s++;
	if (*s != '"' || (e = strchr(s + 1, '"')) == NULL)
		die("program.json: a string was expected");
	out = xcalloc((size_t)(e - s), 1);
	memcpy(out, s + 1, (size_t)(e - s - 1));
	*p = e + 1;
	return out;
}

static char *json_string_of(const char *json, const char *key)
{
	const char *p = json_key(json, key);

	if (p == NULL) {
		fprintf(stderr, "bench_workload: program.json: no \"%s\"\n", key);
		exit(2);
	}
	return json_string(&p);
}

/* The strings of the array "key": [...], at most max. */
static size_t json_strings_of(const char *json, const char *key, char **out, size_t max)
{
	const char *p = json_key(json, key);
	size_t n = 0;

	if (p == NULL || *p != '[')
		die("program.json: an array was expected");
	for (p++;;) {
		while (isspace((unsigned char)*p) || *p == ',')
			p++;
		if (*p == ']')
			return n;
		if (n == max)
			die("program.json: too many items");
		out[n++] = json_string(&p);
	}
}

typedef struct workload_program {
	loyalty_calculator *calc;
	char *types[MAX_TYPES];
	size_t ntypes;
	char *tiers[MAX_TIERS];
	size_t ntiers;
} workload_program;

static void build_program(const char *path, workload_program *wp)
{
	char *json = read_file(path), *excluded[MAX_TYPES];
	loyalty_calculator_options o = LOYALTY_CALCULATOR_OPTIONS_INIT;
	char *currency = json_string_of(json, "currency"), *rounding = json_string_of(json, "rounding");
	char *stacking = json_string_of(json, "stacking");
	const char *p = json_key(json, "utc_offset_minutes"), *s;
	size_t nexcluded;

	if (strlen(currency) != 3 || p == NULL)
		die("program.json: currency or utc_offset_minutes");
	memcpy(o.currency, currency, 4);
	check(loyalty_rounding_parse(rounding, &o.rounding), "program.json rounding");
	if (strcmp(stacking, "additive") == 0)
		o.stacking = LOYALTY_STACK_ADDITIVE;
	else if (strcmp(stacking, "compound") == 0)
		o.stacking = LOYALTY_STACK_COMPOUND;
	else
		die("program.json: stacking");
	o.utc_offset_minutes = atoi(p);
	check(loyalty_calculator_new(&wp->calc, &o), "loyalty_calculator_new");
	nexcluded = json_strings_of(json, "excluded_types", excluded, MAX_TYPES);
	for (size_t i = 0; i < nexcluded; i++) {
		check(loyalty_calculator_exclude_product_type(wp->calc, excluded[i]), "exclude");
		free(excluded[i]);
	}
	wp->ntypes = json_strings_of(json, "product_types", wp->types, MAX_TYPES);
	wp->ntiers = json_strings_of(json, "tiers", wp->tiers, MAX_TIERS);
	s = json_key(json, "strategies");
	if (s == NULL)
		die("program.json: no strategies");
	for (const char *k = json_key(s, "kind"); k != NULL; k = json_key(k, "kind")) {
		const char *n = json_key(k, "name"), *pa = json_key(k, "params");
		char *kind, *name, *params;
		if (n == NULL || pa == NULL)
			die("program.json: a strategy needs kind, name and params");
		kind = json_string(&k);
		name = json_string(&n);
		params = json_string(&pa);
		check(loyalty_calculator_add(wp->calc, kind, name, params), name);
		free(kind);
		free(name);
		free(params);
	}
	free(currency);
	free(rounding);
	free(stacking);
	free(json);
}

/* ---- the CSV files ----------------------------------------------------------------------- */

typedef struct workload {
	size_t ncustomers, npurchases, nlines;
	loyalty_id *customer_id;
	uint32_t *tier;          /* index into the program's tiers */
	uint8_t *birth_month, *birth_day;
	loyalty_time *at;
	uint32_t *customer;
	uint32_t *line_start;    /* npurchases + 1 */
	int64_t *expected;
	uint32_t *line_type;
	int64_t *quantity, *unit_price;
} workload;

static size_t count_lines(const char *text)
{
	size_t n = 0;

	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n;
}

/* The next comma- or newline-terminated field of *p. */
static const char *field(char **p)
{
	char *s = *p, *e = s + strcspn(s, ",\n");

	if (*e != '\0') {
		*e = '\0';
		*p = e + 1;
	} else {
		*p = e;
	}
	return s;
}

static size_t lookup(char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	fprintf(stderr, "bench_workload: '%s' is not in program.json\n", name);
	exit(2);
}

static char *csv(const char *dir, const char *name, size_t *rows)
{
	char path[4096];
	char *text, *body;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	text = read_file(path);
	body = strchr(text, '\n'); /* the header line */
	if (body == NULL)
		die("a CSV file without a header");
	*rows = count_lines(body + 1);
	return text;
}

static void load(const char *dir, const workload_program *wp, workload *w)
{
	size_t n;
	char *text, *p;

	text = csv(dir, "customers.csv", &n);
	w->ncustomers = n;
	w->customer_id = xcalloc(n, sizeof *w->customer_id);
	w->tier = xcalloc(n, sizeof *w->tier);
	w->birth_month = xcalloc(n, 1);
	w->birth_day = xcalloc(n, 1);
	p = strchr(text, '\n') + 1;
	for (size_t i = 0; i < n; i++) {
		const char *month, *day;
		field(&p);
		check(loyalty_id_parse(field(&p), &w->customer_id[i]), "customers.csv id");
		w->tier[i] = (uint32_t)lookup(wp->tiers, wp->ntiers, field(&p));
		month = field(&p);
		day = field(&p);
		w->birth_month[i] = (uint8_t)atoi(month);
		w->birth_day[i] = (uint8_t)atoi(day);
	}
	free(text);

	text = csv(dir, "purchases.csv", &n);
	w->npurchases = n;
	w->at = xcalloc(n, sizeof *w->at);
	w->customer = xcalloc(n, sizeof *w->customer);
	w->line_start = xcalloc(n + 1, sizeof *w->line_start);
	w->expected = xcalloc(n, sizeof *w->expected);
	p = strchr(text, '\n') + 1;
	for (size_t i = 0; i < n; i++) {
		field(&p);
		w->customer[i] = (uint32_t)strtoul(field(&p), NULL, 10);
		w->at[i] = strtoll(field(&p), NULL, 10);
		w->line_start[i] = (uint32_t)strtoul(field(&p), NULL, 10);
		field(&p);
		w->expected[i] = strtoll(field(&p), NULL, 10);
		if (w->customer[i] >= w->ncustomers)
			die("purchases.csv: a customer out of range");
	}
	free(text);

	text = csv(dir, "lines.csv", &n);
	w->nlines = n;
	w->line_type = xcalloc(n, sizeof *w->line_type);
	w->quantity = xcalloc(n, sizeof *w->quantity);
	w->unit_price = xcalloc(n, sizeof *w->unit_price);
	p = strchr(text, '\n') + 1;
	for (size_t i = 0; i < n; i++) {
		field(&p);
		w->line_type[i] = (uint32_t)lookup(wp->types, wp->ntypes, field(&p));
		w->quantity[i] = strtoll(field(&p), NULL, 10);
		w->unit_price[i] = strtoll(field(&p), NULL, 10);
	}
	free(text);
	w->line_start[w->npurchases] = (uint32_t)w->nlines;
	for (size_t i = 0; i < w->npurchases; i++)
		if (w->line_start[i] > w->line_start[i + 1])
			die("purchases.csv: first_line must not decrease");
}

/* ---- checks and results --------------------------------------------------------------- */

/* tests/bench/WORKLOAD.md: c = (c * 1000003 + p + 1) mod (2^31 - 1), in purchase order. */
static void sums(const int64_t *points, size_t n, int64_t *sum, int64_t *checksum)
{
	int64_t s = 0, c = 0;

	for (size_t i = 0; i < n; i++) {
		s += points[i];
		c = (c * 1000003 + points[i] + 1) % 2147483647;
	}
	*sum = s;
	*checksum = c;
}

static void agree_range(const char *contender, const int64_t *points, const workload *w, size_t lo, size_t hi)
{
	for (size_t i = lo; i < hi; i++)
		if (points[i] != w->expected[i]) {
			fprintf(stderr,
			        "bench_workload: DISAGREEMENT: %s: purchase %zu earns %lld points, the reference %lld\n",
			        contender, i, (long long)points[i], (long long)w->expected[i]);
			exit(1);
		}
}

static void agree(const char *contender, const int64_t *points, const workload *w)
{
	agree_range(contender, points, w, 0, w->npurchases);
}

static void result(const char *contender, const workload *w, const int64_t *points, double *secs, int runs,
                   const char *note)
{
	double s = median(secs, runs);
	int64_t sum, checksum;

	sums(points, w->npurchases, &sum, &checksum);
	printf("RESULT %s purchases=%zu stride=1 runs=%d ns_per_purchase=%.1f per_s=%.0f sum=%lld checksum=%lld%s%s\n",
	       contender, w->npurchases, runs, s * 1e9 / (double)w->npurchases, (double)w->npurchases / s,
	       (long long)sum, (long long)checksum, note ? " note=" : "", note ? note : "");
	fflush(stdout);
}

/* ---- the contenders ------------------------------------------------------------------- */

static loyalty_customer **make_customers(const workload_program *wp, const workload *w)
{
	loyalty_customer **c = xcalloc(w->ncustomers, sizeof *c);

	for (size_t i = 0; i < w->ncustomers; i++) {
		check(loyalty_customer_new(&c[i], &w->customer_id[i]), "customer");
		check(loyalty_customer_set_tier(c[i], wp->tiers[w->tier[i]]), "tier");
		if (w->birth_month[i] != 0)
			check(loyalty_customer_set_birthday(c[i], w->birth_month[i], w->birth_day[i]), "birthday");
	}
	return c;
}

/*
 * loyalty_calculator_score and loyalty_calculator_compute per purchase, @p runs
 * times each: the purchases of a chunk are built once, then scored and
 * computed run after run; score_secs[r] and compute_secs[r] add up the time
 * spent in those calls only. After each run over a chunk, its points are
 * checked against the reference.
 */
static void run_per_purchase(const workload_program *wp, const workload *w, loyalty_customer *const *customers,
                             int runs, double *score_secs, double *compute_secs, int64_t *points)
{
	loyalty_purchase **chunk = xcalloc(CHUNK, sizeof *chunk);
	char key[32];

	for (int r = 0; r < runs; r++)
		score_secs[r] = compute_secs[r] = 0;
	for (size_t lo = 0; lo < w->npurchases; lo += CHUNK) {
		size_t hi = lo + CHUNK < w->npurchases ? lo + CHUNK : w->npurchases;
		for (size_t i = lo; i < hi; i++) {
			snprintf(key, sizeof key, "p%zu", i);
			check(loyalty_purchase_new(&chunk[i - lo], key, &w->customer_id[w->customer[i]], w->at[i], "USD"),
			      "purchase");
			for (uint32_t j = w->line_start[i]; j < w->line_start[i + 1]; j++)
				check(loyalty_purchase_add_item(chunk[i - lo], wp->types[w->line_type[j]],
				                                wp->types[w->line_type[j]], w->quantity[j], w->unit_price[j]),
				      "item");
		}
		for (int r = 0; r < runs; r++) {
			double t0;

			for (size_t i = lo; i < hi; i++)
				points[i] = -1;
			t0 = now_s();
			for (size_t i = lo; i < hi; i++)
				check(loyalty_calculator_score(wp->calc, customers[w->customer[i]], chunk[i - lo], NULL, &points[i]),
				      "loyalty_calculator_score");
			score_secs[r] += now_s() - t0;
			agree_range("c.score", points, w, lo, hi);

			for (size_t i = lo; i < hi; i++)
				points[i] = -1;
			t0 = now_s();
			for (size_t i = lo; i < hi; i++) {
				loyalty_receipt *rc;
				check(loyalty_calculator_compute(wp->calc, customers[w->customer[i]], chunk[i - lo], NULL, &rc),
				      "loyalty_calculator_compute");
				points[i] = loyalty_receipt_points(rc);
				loyalty_receipt_free(rc);
			}
			compute_secs[r] += now_s() - t0;
			agree_range("c.compute", points, w, lo, hi);
		}
		for (size_t i = lo; i < hi; i++)
			loyalty_purchase_free(chunk[i - lo]);
	}
	free(chunk);
}

int main(int argc, char **argv)
{
	workload_program wp = { 0 };
	workload w = { 0 };
	int runs = argc > 3 ? atoi(argv[3]) : 5;
	double secs[64];
	int64_t *points;

	if (argc < 3 || runs < 1 || runs > 64) {
		fprintf(stderr, "usage: bench_workload DATA_DIR PROGRAM_JSON [RUNS (1-64, default 5)]\n");
		return 2;
	}
	build_program(argv[2], &wp);
	load(argv[1], &wp, &w);
	points = xcalloc(w.npurchases, sizeof *points);
	printf("bench_workload: %zu customers, %zu purchases, %zu lines; %zu strategies; median of %d runs\n",
	       w.ncustomers, w.npurchases, w.nlines, loyalty_calculator_strategy_count(wp.calc), runs);

	/* all at once: loyalty_calculator_score_columns */
	{
		loyalty_score_columns cols = LOYALTY_SCORE_COLUMNS_INIT;

		cols.npurchases = w.npurchases;
		cols.at = w.at;
		cols.customer = w.customer;
		cols.line_start = w.line_start;
		cols.line_type = w.line_type;
		cols.quantity = w.quantity;
		cols.unit_price = w.unit_price;
		cols.type_names = (const char *const *)wp.types;
		cols.ntypes = wp.ntypes;
		cols.ncustomers = w.ncustomers;
		cols.customer_tier = w.tier;
		cols.tier_names = (const char *const *)wp.tiers;
		cols.ntiers = wp.ntiers;
		cols.birth_month = w.birth_month;
		cols.birth_day = w.birth_day;
		cols.currency = "USD";
		for (int r = 0; r < runs; r++) {
			double t0;
			memset(points, 0xff, w.npurchases * sizeof *points);
			t0 = now_s();
			check(loyalty_calculator_score_columns(wp.calc, &cols, points, NULL), "loyalty_calculator_score_columns");
			secs[r] = now_s() - t0;
			agree("c.score_columns", points, &w);
		}
		result("c.score_columns", &w, points, secs, runs, "columns");
	}

	/* per purchase: loyalty_calculator_score and loyalty_calculator_compute */
	{
		loyalty_customer **customers = make_customers(&wp, &w);
		int slow_runs = runs < 3 ? runs : 3; /* seconds per run: fewer runs */
		double compute_secs[64];

		run_per_purchase(&wp, &w, customers, slow_runs, secs, compute_secs, points);
		/* points now holds the last compute run's, equal to the reference (checked) */
		result("c.score", &w, points, secs, slow_runs, "points_per_purchase");
		result("c.compute", &w, points, compute_secs, slow_runs, "receipt_per_purchase");
		for (size_t i = 0; i < w.ncustomers; i++)
			loyalty_customer_free(customers[i]);
		free(customers);
	}

	loyalty_calculator_free(wp.calc);
	return 0;
}
