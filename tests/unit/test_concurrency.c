/*
 * Concurrency test of the program (issue 3): 8 threads record purchases
 * (single, and batched: per purchase and as one transaction), refunds, redemptions, cancellations and transfers on
 * customers they all share, with keys of their own, and replay each other's
 * keys; pairs of threads send the same request under the same key at the
 * same moment; one thread also runs the maintenance sweep (points are held a
 * day and expire after two months), and every thread reads (snapshots,
 * progress, the ledger) between writes.
 *
 * Then, with the threads joined:
 *  - the ledger's seq numbers are 1..N without a gap;
 *  - for every customer, available / pending / debt equal the sums of its
 *    entries, the lifetime figures follow the entries (docs/PROGRAM.md), the
 *    entry counts agree, and nothing is negative (refund policy DEBT);
 *  - the sum over all customers of available + pending - debt equals the
 *    points credited minus the points spent, clawed back and expired, from
 *    the threads' tallies of their successful calls (and the sweeps'
 *    reports); EARN, REDEEM, REDEEM_CANCEL, REFUND and TRANSFER entries are
 *    as many as the successful calls that write them (a replay or a
 *    concurrent duplicate writes nothing);
 *  - a reward's stock went down by the redemptions not cancelled, never below 0.
 * Worker threads never call cmocka: they record their first failure, which
 * the main thread reports. `make test-tsan` runs this under ThreadSanitizer.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "torture.h"

#define THREADS 8
#define SHARED 12           /* customers every thread uses */
#define PRIVATE 2           /* customers each thread enrols itself, concurrently */
#define NCUST (SHARED + THREADS * PRIVATE)
#define OPS 4000            /* per thread */
#define PAIR_EVERY 50       /* a same-key pair every PAIR_EVERY steps */
#define NPAIRS (OPS / PAIR_EVERY)
#define SEED 0xC0FFEEu
#define LIMITED_STOCK 400

static const char *const product_types[] = { "grocery", "electronics", "gift_card" };

typedef struct board_rec {
	int kind; /* 0 purchase, 1 redemption, 2 transfer */
	char key[32];
	int c1, c2;
	int64_t amount, price;
	loyalty_time at;
	int reward;
	/* results */
	loyalty_points credited;
	uint64_t seq;
	loyalty_id red;
} board_rec;

typedef struct own_red {
	loyalty_id id;
	int reward;
	bool cancelled;
} own_red;

typedef struct own_purchase {
	char key[32];
	int64_t total, refunded;
} own_purchase;

typedef struct tally {
	int64_t credited, spent, clawed, expired;
	long purchases_earning, redeems, cancels, transfers, refunds, replays, rejected;
	long limited_taken; /* net units of the limited reward */
	long pair_ok;
} tally;

typedef struct worker {
	int index;
	torture_rng rng;
	tally t;
	char error[512];
	loyalty_points pair_credited[NPAIRS];
	uint64_t pair_seq[NPAIRS];
	own_red *reds;
	size_t nreds;
	own_purchase *purchases;
	size_t npurchases;
} worker;

static loyalty_program *prog;
static loyalty_id ids[NCUST];
static loyalty_time t0;
static pthread_barrier_t start;
static pthread_mutex_t board_lock = PTHREAD_MUTEX_INITIALIZER;
static board_rec *board;
static size_t nboard, capboard;

#define WFAIL(w, ...)                                                          \
	do {                                                                       \
		if ((w)->error[0] == '\0')                                             \
			snprintf((w)->error, sizeof (w)->error, __VA_ARGS__);              \
	} while (0)

static int64_t rnd(worker *w, int64_t lo, int64_t hi)
{
	return torture_range(&w->rng, lo, hi);
}

static void publish(const board_rec *r)
{
	pthread_mutex_lock(&board_lock);
	if (nboard == capboard) {
		size_t cap = capboard ? capboard * 2 : 1024;
		board_rec *b = realloc(board, cap * sizeof *b);
		if (b == NULL) {
			pthread_mutex_unlock(&board_lock);
			return;
		}
		board = b;
		capboard = cap;
	}
	board[nboard++] = *r;
	pthread_mutex_unlock(&board_lock);
}

/* A random published record, preferably another thread's (keys say whose: "t<i>-..."). */
static bool pick_published(worker *w, board_rec *out)
{
	bool found = false;

	pthread_mutex_lock(&board_lock);
	if (nboard > 0) {
		*out = board[(size_t)rnd(w, 0, (int64_t)nboard - 1)];
		found = true;
	}
	pthread_mutex_unlock(&board_lock);
	return found;
}

static int make_purchase(loyalty_purchase **out, const char *key, const loyalty_id *customer, loyalty_time at,
                         int type, int64_t qty, int64_t price)
{
	int rc = loyalty_purchase_new(out, key, customer, at, "EUR");

	if (rc == LOYALTY_OK)
		rc = loyalty_purchase_add_item(*out, "sku", product_types[type], qty, price);
	if (rc != LOYALTY_OK) {
		loyalty_purchase_free(*out);
		*out = NULL;
	}
	return rc;
}

static int customer_for(worker *w)
{
	/* mostly shared customers, sometimes one of this thread's own */
	if (rnd(w, 0, 4) == 0)
		return SHARED + w->index * PRIVATE + (int)rnd(w, 0, PRIVATE - 1);
	return (int)rnd(w, 0, SHARED - 1);
}

static void do_purchase(worker *w, int step, loyalty_time at)
{
	board_rec r;
	loyalty_purchase *pu = NULL;
	loyalty_receipt *rc_ = NULL;
	int rc;

	memset(&r, 0, sizeof r);
	r.kind = 0;
	snprintf(r.key, sizeof r.key, "t%d-p%d", w->index, step);
	r.c1 = customer_for(w);
	r.at = at;
	r.reward = (int)rnd(w, 0, 2); /* the product type */
	r.amount = rnd(w, 1, 3);      /* quantity */
	r.price = rnd(w, 100, 20000);
	rc = make_purchase(&pu, r.key, &ids[r.c1], at, r.reward, r.amount, r.price);
	if (rc == LOYALTY_OK)
		rc = loyalty_program_record_purchase(prog, pu, &rc_);
	loyalty_purchase_free(pu);
	if (rc != LOYALTY_OK) {
		WFAIL(w, "purchase %s: %s (%s)", r.key, loyalty_status_name(rc), loyalty_last_error());
		return;
	}
	r.credited = loyalty_receipt_credited(rc_);
	r.seq = loyalty_receipt_entry_seq(rc_);
	loyalty_receipt_free(rc_);
	w->t.credited += r.credited;
	w->t.purchases_earning += r.credited > 0;
	{
		own_purchase *op = &w->purchases[w->npurchases++];
		snprintf(op->key, sizeof op->key, "%s", r.key);
		op->total = r.amount * r.price;
		op->refunded = 0;
	}
	publish(&r);
}

static void do_batch(worker *w, int step, loyalty_time at)
{
	loyalty_purchase *pu[3] = { NULL, NULL, NULL };
	loyalty_receipt *receipts[3] = { NULL, NULL, NULL };
	int status[3], rc = LOYALTY_OK;
	int64_t total[3];

	for (int i = 0; i < 3 && rc == LOYALTY_OK; i++) {
		char key[32];
		int64_t qty = rnd(w, 1, 2), price = rnd(w, 100, 9000);
		snprintf(key, sizeof key, "t%d-b%d-%d", w->index, step, i);
		total[i] = qty * price;
		rc = make_purchase(&pu[i], key, &ids[customer_for(w)], at, (int)rnd(w, 0, 2), qty, price);
	}
	if (rc == LOYALTY_OK && step % 2) { /* every other batch as one transaction */
		loyalty_record_result res[3];
		rc = loyalty_program_record_batch(prog, (const loyalty_purchase *const *)pu, 3, res, receipts);
		for (int i = 0; i < 3; i++)
			status[i] = res[i].status;
	} else if (rc == LOYALTY_OK) {
		rc = loyalty_program_record_purchases(prog, (const loyalty_purchase *const *)pu, 3, status, receipts);
	}
	if (rc != LOYALTY_OK)
		WFAIL(w, "batch t%d-b%d: %s (%s)", w->index, step, loyalty_status_name(rc), loyalty_last_error());
	for (int i = 0; i < 3; i++) {
		if (rc == LOYALTY_OK && status[i] == LOYALTY_OK && receipts[i] != NULL) {
			own_purchase *op = &w->purchases[w->npurchases++];
			w->t.credited += loyalty_receipt_credited(receipts[i]);
			w->t.purchases_earning += loyalty_receipt_credited(receipts[i]) > 0;
			snprintf(op->key, sizeof op->key, "%s", loyalty_purchase_key(pu[i]));
			op->total = total[i];
			op->refunded = 0;
		}
		loyalty_receipt_free(receipts[i]);
		loyalty_purchase_free(pu[i]);
	}
}

static const struct { const char *id; loyalty_points cost; } rewards[] = { { "coffee", 2000 }, { "limited", 300 } };

static void do_redeem(worker *w, int step, loyalty_time at)
{
	board_rec r;
	loyalty_redemption out;
	int rc;

	memset(&r, 0, sizeof r);
	r.kind = 1;
	snprintf(r.key, sizeof r.key, "t%d-r%d", w->index, step);
	r.c1 = customer_for(w);
	r.reward = (int)rnd(w, 0, 1);
	r.at = at;
	rc = loyalty_program_redeem(prog, r.key, &ids[r.c1], rewards[r.reward].id, at, &out);
	if (rc == LOYALTY_EINSUFFICIENT || (rc == LOYALTY_ERANGE && r.reward == 1)) {
		w->t.rejected++;
		return;
	}
	if (rc != LOYALTY_OK) {
		WFAIL(w, "redeem %s: %s (%s)", r.key, loyalty_status_name(rc), loyalty_last_error());
		return;
	}
	if (out.points != rewards[r.reward].cost)
		WFAIL(w, "redeem %s: %lld points, the reward costs %lld", r.key, (long long)out.points,
		      (long long)rewards[r.reward].cost);
	w->t.spent += out.points;
	w->t.redeems++;
	w->t.limited_taken += r.reward == 1;
	r.red = out.id;
	r.seq = out.entry_seq;
	w->reds[w->nreds].id = out.id;
	w->reds[w->nreds].reward = r.reward;
	w->reds[w->nreds].cancelled = false;
	w->nreds++;
	publish(&r);
}

static void do_cancel(worker *w, int step, loyalty_time at)
{
	char key[32];
	own_red *rd;
	loyalty_redemption out;
	int rc;

	if (w->nreds == 0)
		return;
	rd = &w->reds[rnd(w, 0, (int64_t)w->nreds - 1)];
	snprintf(key, sizeof key, "t%d-c%d", w->index, step);
	rc = loyalty_program_cancel_redemption(prog, key, &rd->id, at, &out);
	if (rd->cancelled) {
		if (rc != LOYALTY_ESTATE)
			WFAIL(w, "second cancellation %s: %s, expected LOYALTY_ESTATE", key, loyalty_status_name(rc));
		return;
	}
	if (rc != LOYALTY_OK) {
		WFAIL(w, "cancel %s: %s (%s)", key, loyalty_status_name(rc), loyalty_last_error());
		return;
	}
	rd->cancelled = true;
	w->t.spent -= rewards[rd->reward].cost;
	w->t.cancels++;
	w->t.limited_taken -= rd->reward == 1;
}

static void do_transfer(worker *w, int step, loyalty_time at)
{
	board_rec r;
	int rc;

	memset(&r, 0, sizeof r);
	r.kind = 2;
	snprintf(r.key, sizeof r.key, "t%d-x%d", w->index, step);
	r.c1 = customer_for(w);
	do
		r.c2 = customer_for(w);
	while (r.c2 == r.c1);
	r.amount = rnd(w, 1, 3000);
	r.at = at;
	rc = loyalty_program_transfer(prog, r.key, &ids[r.c1], &ids[r.c2], r.amount, at);
	if (rc == LOYALTY_EINSUFFICIENT) {
		w->t.rejected++;
		return;
	}
	if (rc != LOYALTY_OK) {
		WFAIL(w, "transfer %s: %s (%s)", r.key, loyalty_status_name(rc), loyalty_last_error());
		return;
	}
	w->t.transfers++;
	publish(&r);
}

/* Refund (part of) one of this thread's purchases; the customer is shared, so the
 * points may already be spent by other threads: the rest becomes a debt. */
static void do_refund(worker *w, int step, loyalty_time at)
{
	char key[32];
	own_purchase *op;
	loyalty_refund_result res, again;
	int64_t amount;
	int rc;

	if (w->npurchases == 0)
		return;
	op = &w->purchases[rnd(w, 0, (int64_t)w->npurchases - 1)];
	amount = op->total - op->refunded;
	if (amount <= 0)
		return;
	if (amount > 1 && rnd(w, 0, 1))
		amount = rnd(w, 1, amount - 1);
	snprintf(key, sizeof key, "t%d-f%d", w->index, step);
	rc = loyalty_program_refund(prog, key, op->key, amount, at, &res);
	if (rc != LOYALTY_OK) {
		WFAIL(w, "refund %s of %s: %s (%s)", key, op->key, loyalty_status_name(rc), loyalty_last_error());
		return;
	}
	op->refunded += amount;
	w->t.clawed += res.clawed_back;
	w->t.refunds++;
	/* retried at once (while the others keep writing): the same result */
	rc = loyalty_program_refund(prog, key, op->key, amount, at, &again);
	if (rc != LOYALTY_OK || again.clawed_back != res.clawed_back || again.entry_seq != res.entry_seq ||
	    again.debt_added != res.debt_added || again.refunded_total != res.refunded_total)
		WFAIL(w, "refund %s retried: %s, another result", key, loyalty_status_name(rc));
}

/* Replay a published call exactly: the first result again, and no tally. */
static void do_replay(worker *w, loyalty_time at)
{
	board_rec r;
	int rc;

	(void)at;
	if (!pick_published(w, &r))
		return;
	switch (r.kind) {
	case 0: {
		loyalty_purchase *pu = NULL;
		loyalty_receipt *rec = NULL;
		rc = make_purchase(&pu, r.key, &ids[r.c1], r.at, r.reward, r.amount, r.price);
		if (rc == LOYALTY_OK)
			rc = loyalty_program_record_purchase(prog, pu, &rec);
		loyalty_purchase_free(pu);
		if (rc != LOYALTY_OK)
			WFAIL(w, "replay of purchase %s: %s (%s)", r.key, loyalty_status_name(rc), loyalty_last_error());
		else if (loyalty_receipt_credited(rec) != r.credited || loyalty_receipt_entry_seq(rec) != r.seq)
			WFAIL(w, "replay of purchase %s: credited %lld seq %llu, first %lld seq %llu", r.key,
			      (long long)loyalty_receipt_credited(rec), (unsigned long long)loyalty_receipt_entry_seq(rec),
			      (long long)r.credited, (unsigned long long)r.seq);
		loyalty_receipt_free(rec);
		break;
	}
	case 1: {
		loyalty_redemption out;
		rc = loyalty_program_redeem(prog, r.key, &ids[r.c1], rewards[r.reward].id, r.at, &out);
		if (rc != LOYALTY_OK)
			WFAIL(w, "replay of redemption %s: %s (%s)", r.key, loyalty_status_name(rc), loyalty_last_error());
		else if (memcmp(&out.id, &r.red, sizeof out.id) != 0 || out.entry_seq != r.seq)
			WFAIL(w, "replay of redemption %s returned another redemption", r.key);
		break;
	}
	case 2:
		rc = loyalty_program_transfer(prog, r.key, &ids[r.c1], &ids[r.c2], r.amount, r.at);
		if (rc != LOYALTY_OK)
			WFAIL(w, "replay of transfer %s: %s (%s)", r.key, loyalty_status_name(rc), loyalty_last_error());
		break;
	default:
		return;
	}
	w->t.replays++;
}

/* Both threads of a pair send this request at about the same moment. */
static void do_pair(worker *w, int j)
{
	loyalty_purchase *pu = NULL;
	loyalty_receipt *rec = NULL;
	char key[32];
	int pair = w->index / 2, rc;
	torture_rng shared = { (uint64_t)(pair * 1000 + j) + 77 };
	int c = (int)torture_range(&shared, 0, SHARED - 1);
	int64_t price = torture_range(&shared, 100, 20000);

	snprintf(key, sizeof key, "pair%d-%d", pair, j);
	rc = make_purchase(&pu, key, &ids[c], t0 + (loyalty_time)j * LOYALTY_MS_PER_HOUR, 0, 1, price);
	if (rc == LOYALTY_OK)
		rc = loyalty_program_record_purchase(prog, pu, &rec);
	loyalty_purchase_free(pu);
	if (rc != LOYALTY_OK) {
		WFAIL(w, "pair purchase %s: %s (%s)", key, loyalty_status_name(rc), loyalty_last_error());
		return;
	}
	w->pair_credited[j] = loyalty_receipt_credited(rec);
	w->pair_seq[j] = loyalty_receipt_entry_seq(rec);
	loyalty_receipt_free(rec);
	w->t.pair_ok++;
}

static void do_read(worker *w, loyalty_time at)
{
	int c = customer_for(w);
	loyalty_customer *cu = NULL;
	loyalty_progress pg;
	loyalty_entry e;
	size_t n;
	int rc;

	rc = loyalty_program_get_customer(prog, &ids[c], &cu);
	if (rc != LOYALTY_OK) {
		WFAIL(w, "get_customer: %s", loyalty_status_name(rc));
		return;
	}
	if (loyalty_customer_available(cu) < 0 || loyalty_customer_pending(cu) < 0)
		WFAIL(w, "customer %d seen with available %lld, pending %lld", c, (long long)loyalty_customer_available(cu),
		      (long long)loyalty_customer_pending(cu));
	loyalty_customer_free(cu);
	rc = loyalty_program_progress(prog, &ids[c], at, &pg);
	if (rc != LOYALTY_OK || pg.available < 0 || pg.debt < 0)
		WFAIL(w, "progress: %s, available %lld, debt %lld", loyalty_status_name(rc), (long long)pg.available,
		      (long long)pg.debt);
	/* the last entry is always readable, with the seq of its place */
	n = loyalty_program_entry_count(prog);
	if (n > 0 && (loyalty_program_entry_at(prog, n - 1, &e) != LOYALTY_OK || e.seq != n))
		WFAIL(w, "entry %zu unreadable or with seq %llu", n - 1, (unsigned long long)e.seq);
}

static void *work(void *arg)
{
	worker *w = arg;
	loyalty_time at;

	/* each thread enrols its own customers while the others do too */
	for (int i = 0; i < PRIVATE; i++) {
		char key[32];
		int c = SHARED + w->index * PRIVATE + i;
		loyalty_customer *profile = NULL;
		int rc = loyalty_customer_new(&profile, &ids[c]);
		snprintf(key, sizeof key, "t%d-enroll%d", w->index, i);
		if (rc == LOYALTY_OK)
			rc = loyalty_program_enroll(prog, key, profile, NULL, t0, NULL);
		loyalty_customer_free(profile);
		if (rc != LOYALTY_OK)
			WFAIL(w, "enrol %s: %s (%s)", key, loyalty_status_name(rc), loyalty_last_error());
	}
	pthread_barrier_wait(&start);
	for (int step = 0; step < OPS; step++) {
		int64_t r = rnd(w, 0, 99);
		at = t0 + (loyalty_time)step * LOYALTY_MS_PER_HOUR + w->index;
		if (step % PAIR_EVERY == 0)
			do_pair(w, step / PAIR_EVERY);
		if (w->index == 0 && step % 100 == 99) { /* the sweep, at this thread's time */
			loyalty_maintenance_report rep;
			int rc = loyalty_program_maintain(prog, at, &rep);
			if (rc != LOYALTY_OK)
				WFAIL(w, "maintain: %s (%s)", loyalty_status_name(rc), loyalty_last_error());
			else
				w->t.expired += rep.expired;
		}
		if (r < 30)
			do_purchase(w, step, at);
		else if (r < 36)
			do_batch(w, step, at);
		else if (r < 56)
			do_redeem(w, step, at);
		else if (r < 61)
			do_cancel(w, step, at);
		else if (r < 71)
			do_transfer(w, step, at);
		else if (r < 76)
			do_refund(w, step, at);
		else if (r < 88)
			do_replay(w, at);
		else
			do_read(w, at);
	}
	return NULL;
}

static loyalty_program *build_program(void)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_calculator *calc = torture_calculator("EUR", LOYALTY_ROUND_HALF_UP, 0);
	loyalty_reward_def coffee = LOYALTY_REWARD_DEF_INIT, limited = LOYALTY_REWARD_DEF_INIT;
	loyalty_program *p = NULL;

	assert_ok(loyalty_calculator_exclude_product_type(calc, "gift_card"));
	assert_ok(loyalty_calculator_add(calc, "base_rate", "base", "points=1 per=100"));
	assert_ok(loyalty_calculator_add(calc, "tier_multiplier", "tiers", "tier.gold=3/2"));
	assert_ok(loyalty_calculator_add(calc, "first_purchase", "welcome", "bonus=20"));
	o.refund_policy = LOYALTY_REFUND_DEBT;
	o.pending_days = 1;
	o.expiry = LOYALTY_EXPIRY_BUCKET;
	o.expiry_months = 2;
	assert_ok(loyalty_program_new(&p, calc, &o));
	assert_ok(loyalty_program_add_tier(p, "member", 0, NULL, 0));
	assert_ok(loyalty_program_add_tier(p, "gold", 2000000, NULL, 0));
	coffee.id = rewards[0].id;
	coffee.cost = rewards[0].cost;
	limited.id = rewards[1].id;
	limited.cost = rewards[1].cost;
	limited.stock = LIMITED_STOCK;
	assert_ok(loyalty_program_add_reward(p, &coffee));
	assert_ok(loyalty_program_add_reward(p, &limited));
	return p;
}

static void test_threads_keep_the_ledger_whole(void **state)
{
	pthread_t th[THREADS];
	worker *ws = calloc(THREADS, sizeof *ws);
	tally sum;
	size_t n;
	int64_t points[NCUST] = { 0 }, pending[NCUST] = { 0 }, debt[NCUST] = { 0 };
	int64_t earned[NCUST] = { 0 }, redeemed[NCUST] = { 0 }, expired[NCUST] = { 0 };
	size_t entries[NCUST] = { 0 };
	long kinds[16] = { 0 };
	int64_t total = 0;
	loyalty_reward_def d;

	(void)state;
	assert_non_null(ws);
	printf("[ threads  ] %d threads x %d steps on %d shared customers (+%d each of their own), seed %#x\n", THREADS,
	       OPS, SHARED, PRIVATE, SEED);
	t0 = torture_time(2025, 3, 1, 8, 0);
	prog = build_program();
	for (int i = 0; i < NCUST; i++) {
		loyalty_customer *c = torture_customer((unsigned)(i + 1));
		char key[32];
		ids[i] = *loyalty_customer_id(c);
		snprintf(key, sizeof key, "enroll-%d", i);
		if (i < SHARED)
			assert_ok(loyalty_program_enroll(prog, key, c, NULL, t0, NULL));
		loyalty_customer_free(c);
	}
	assert_int_equal(pthread_barrier_init(&start, NULL, THREADS), 0);
	for (int i = 0; i < THREADS; i++) {
		ws[i].index = i;
		ws[i].rng.state = SEED + (uint64_t)i * 7919;
		ws[i].reds = calloc(OPS, sizeof *ws[i].reds);
		ws[i].purchases = calloc(OPS * 3 + 1, sizeof *ws[i].purchases);
		assert_non_null(ws[i].reds);
		assert_non_null(ws[i].purchases);
		assert_int_equal(pthread_create(&th[i], NULL, work, &ws[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	pthread_barrier_destroy(&start);

	memset(&sum, 0, sizeof sum);
	for (int i = 0; i < THREADS; i++) {
		if (ws[i].error[0])
			fail_msg("thread %d: %s", i, ws[i].error);
		sum.credited += ws[i].t.credited;
		sum.spent += ws[i].t.spent;
		sum.clawed += ws[i].t.clawed;
		sum.expired += ws[i].t.expired;
		sum.purchases_earning += ws[i].t.purchases_earning;
		sum.redeems += ws[i].t.redeems;
		sum.cancels += ws[i].t.cancels;
		sum.transfers += ws[i].t.transfers;
		sum.refunds += ws[i].t.refunds;
		sum.replays += ws[i].t.replays;
		sum.rejected += ws[i].t.rejected;
		sum.limited_taken += ws[i].t.limited_taken;
		sum.pair_ok += ws[i].t.pair_ok;
	}
	/* a same-key pair got one result, and only one of the two is counted */
	for (int i = 0; i < THREADS; i += 2) {
		for (int j = 0; j < NPAIRS; j++) {
			if (ws[i].pair_credited[j] != ws[i + 1].pair_credited[j] || ws[i].pair_seq[j] != ws[i + 1].pair_seq[j])
				fail_msg("pair %d-%d: threads %d and %d got different receipts (seq %llu / %llu)", i / 2, j, i, i + 1,
				         (unsigned long long)ws[i].pair_seq[j], (unsigned long long)ws[i + 1].pair_seq[j]);
			sum.credited += ws[i].pair_credited[j];
			sum.purchases_earning += ws[i].pair_credited[j] > 0;
		}
	}

	/* the ledger: 1..N without a gap, summed per customer */
	n = loyalty_program_entry_count(prog);
	for (size_t i = 0; i < n; i++) {
		loyalty_entry e;
		int c = -1;
		int64_t t;
		assert_ok(loyalty_program_entry_at(prog, i, &e));
		if (e.seq != i + 1)
			fail_msg("entry %zu has seq %llu", i, (unsigned long long)e.seq);
		for (int k = 0; k < NCUST; k++)
			if (memcmp(&ids[k], &e.customer_id, sizeof ids[k]) == 0)
				c = k;
		if (c < 0)
			fail_msg("entry #%llu names an unknown customer", (unsigned long long)e.seq);
		if ((unsigned)e.kind < 16)
			kinds[e.kind]++;
		points[c] += e.points;
		pending[c] += e.pending;
		debt[c] += e.debt;
		entries[c]++;
		t = e.points + e.pending;
		switch (e.kind) {
		case LOYALTY_ENTRY_EARN: case LOYALTY_ENTRY_ACTION: case LOYALTY_ENTRY_PARTNER: case LOYALTY_ENTRY_REFERRAL:
			earned[c] += t;
			break;
		case LOYALTY_ENTRY_REFUND:
			earned[c] += t - e.debt;
			break;
		case LOYALTY_ENTRY_REDEEM: case LOYALTY_ENTRY_DONATE: case LOYALTY_ENTRY_REDEEM_CANCEL:
			redeemed[c] -= t;
			break;
		case LOYALTY_ENTRY_EXPIRE:
			expired[c] -= t;
			break;
		default:
			break;
		}
	}
	for (int c = 0; c < NCUST; c++) {
		loyalty_customer *cu = NULL;
		loyalty_points dbt = -1;
		size_t count = 0;
		assert_ok(loyalty_program_get_customer(prog, &ids[c], &cu));
		assert_ok(loyalty_program_debt(prog, &ids[c], &dbt));
		assert_ok(loyalty_program_customer_entry_count(prog, &ids[c], &count));
		if (loyalty_customer_available(cu) != points[c] || loyalty_customer_pending(cu) != pending[c] ||
		    dbt != debt[c] || count != entries[c] || loyalty_customer_lifetime_earned(cu) != earned[c] ||
		    loyalty_customer_lifetime_redeemed(cu) != redeemed[c] ||
		    loyalty_customer_lifetime_expired(cu) != expired[c])
			fail_msg("customer %d: available %lld pending %lld debt %lld entries %zu earned %lld redeemed %lld "
			         "expired %lld; the ledger says %lld %lld %lld %zu %lld %lld %lld",
			         c, (long long)loyalty_customer_available(cu), (long long)loyalty_customer_pending(cu),
			         (long long)dbt, count, (long long)loyalty_customer_lifetime_earned(cu),
			         (long long)loyalty_customer_lifetime_redeemed(cu),
			         (long long)loyalty_customer_lifetime_expired(cu),
			         (long long)points[c], (long long)pending[c], (long long)debt[c], entries[c], (long long)earned[c],
			         (long long)redeemed[c], (long long)expired[c]);
		if (points[c] < 0 || pending[c] < 0 || debt[c] < 0)
			fail_msg("customer %d: a negative balance under the DEBT policy", c);
		total += points[c] + pending[c] - debt[c];
		loyalty_customer_free(cu);
	}
	printf("[ threads  ] %zu entries; %ld earning purchases, %ld redemptions, %ld cancellations, %ld transfers, %ld "
	       "refunds, %ld replays, %ld same-key pairs, %ld rejected for lack of points or stock\n",
	       n, sum.purchases_earning, sum.redeems, sum.cancels, sum.transfers, sum.refunds, sum.replays,
	       sum.pair_ok / 2, sum.rejected);
	printf("[ threads  ] credited %lld - spent %lld - clawed back %lld - expired %lld = %lld; customers hold %lld\n",
	       (long long)sum.credited, (long long)sum.spent, (long long)sum.clawed, (long long)sum.expired,
	       (long long)(sum.credited - sum.spent - sum.clawed - sum.expired), (long long)total);
	assert_int_equal(total, sum.credited - sum.spent - sum.clawed - sum.expired);
	assert_int_equal(kinds[LOYALTY_ENTRY_EARN], sum.purchases_earning);
	assert_int_equal(kinds[LOYALTY_ENTRY_REDEEM], sum.redeems);
	assert_int_equal(kinds[LOYALTY_ENTRY_REDEEM_CANCEL], sum.cancels);
	assert_int_equal(kinds[LOYALTY_ENTRY_REFUND], sum.refunds);
	assert_int_equal(kinds[LOYALTY_ENTRY_TRANSFER_OUT], sum.transfers);
	assert_int_equal(kinds[LOYALTY_ENTRY_TRANSFER_IN], sum.transfers);
	assert_int_equal(kinds[LOYALTY_ENTRY_ENROLL], NCUST);
	assert_true(sum.replays > 0 && sum.redeems > 0 && sum.transfers > 0 && sum.rejected > 0);
	assert_ok(loyalty_program_reward_at(prog, 1, &d));
	assert_int_equal(d.stock, LIMITED_STOCK - sum.limited_taken);
	assert_true(d.stock >= 0);

	loyalty_program_free(prog);
	for (int i = 0; i < THREADS; i++) {
		free(ws[i].reds);
		free(ws[i].purchases);
	}
	free(ws);
	free(board);
	board = NULL;
	nboard = capboard = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_keep_the_ledger_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
