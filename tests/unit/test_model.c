/*
 * Randomized model test of the program (issue 3).
 *
 * 100,000 random operations per refund policy (NEGATIVE_BALANCE, then DEBT;
 * 50,000 each under valgrind, ~60 times slower) over 200 customers of a
 * program with a hold (pending_days), bucket expiry in months, earning caps
 * per purchase and per month, three tiers (by spend per calendar year in one
 * run, by points over a rolling year in the other), rewards with stock, a
 * validity window and a minimum tier, capped engagement actions, partners
 * and referral bonuses. The operations: purchases, refunds (partial, full, too much),
 * redemptions and their cancellations, donations, transfers, adjustments,
 * engagement actions, partner credits, referrers, paid tiers, maintenance
 * sweeps at an increasing `now`, replays of earlier keys (same request: the
 * same result and no change; another request: LOYALTY_ECONFLICT) and invalid
 * calls (unknown ids and names, NULLs, bad amounts and keys, over-refunds,
 * insufficient points).
 *
 * After every step, for every customer the step touched (named in the call,
 * or owning a new ledger entry):
 *  - the ledger: available, pending and debt equal the sums of the
 *    customer's entries, each entry's balances-after equal the running sums,
 *    seq numbers follow each other, and the lifetime figures equal what the
 *    entries say by the classification of docs/PROGRAM.md;
 *  - the policy: pending and debt never negative; no debt under
 *    NEGATIVE_BALANCE; available never negative under DEBT;
 *  - an independent model: available, pending and debt predicted from the
 *    calls alone (receipt points recomputed from the calculator's rules,
 *    caps, referral bonuses, proportional refunds, maturing holds, debt
 *    repayment, spending, transfers); only the amounts that expire are
 *    taken from the ledger (the model keeps no buckets);
 *  - a rejected call or a replay changed nothing: the customers involved,
 *    the global entry count and the reward stocks are compared with a
 *    snapshot taken before the call.
 * The invariant is checked incrementally: entries are append-only, so only
 * the new ones are read after each step, and running sums are kept per
 * customer. Every 2,000 steps and at the end every customer is checked.
 *
 * Deterministic: a fixed seed per policy, printed; LOYALTY_MODEL_SEED and
 * LOYALTY_MODEL_OPS (per policy) override them, e.g. for a longer soak run.
 * Entry and redemption ids come from a seeded generator too (see
 * uuid_generate_random below), so a run is reproducible to the byte.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uuid/uuid.h>

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

#define NCUST 200
#define HOT 20              /* a quarter of the operations go to the first HOT customers */
#define DEFAULT_OPS 100000  /* per policy: 200,000 in all */
#define VALGRIND_OPS 50000  /* per policy under valgrind (~60x slower): 100,000 in all */
#define HISTORY 8192        /* replayable operations kept (a ring) */
#define FULL_CHECK_EVERY 2000
#define OFFSET 60           /* the program's UTC offset, minutes */
#define DAY LOYALTY_MS_PER_DAY
#define MINUTE LOYALTY_MS_PER_MINUTE

/* program rules */
#define PENDING_DAYS 14
#define CAP_PER_PURCHASE 1000
#define CAP_PER_MONTH 3000
#define REFERRER_BONUS 100
#define REFEREE_BONUS 50
#define REFERRAL_MIN_SPEND 2000
#define REFERRAL_MAX 3
#define FIRST_BONUS 50
#define BIG_BASKET 20000
#define BIG_BONUS 25

__extension__ typedef __int128 i128;

/*
 * The ids of entries and redemptions: this executable's uuid_generate_random()
 * takes the place of libuuid's for libloyalty.a (linked statically), so that a
 * run is reproducible to the byte, and fast: libuuid reseeds random() and makes
 * five system calls per id, which dominate a run under valgrind. The ids are
 * version 4 UUIDs from a splitmix64 sequence, distinct within a run.
 * (test_concurrency keeps libuuid: its thread safety is part of what it tests.)
 */
static uint64_t uuid_state = 0x5eed;

void uuid_generate_random(uuid_t out)
{
	torture_rng r = { uuid_state };
	uint64_t hi = torture_rand(&r), lo = torture_rand(&r);

	uuid_state = r.state;
	for (int i = 0; i < 8; i++) {
		out[i] = (unsigned char)(hi >> (56 - 8 * i));
		out[8 + i] = (unsigned char)(lo >> (56 - 8 * i));
	}
	out[6] = (unsigned char)((out[6] & 0x0f) | 0x40); /* version 4 */
	out[8] = (unsigned char)((out[8] & 0x3f) | 0x80); /* RFC 4122 variant */
}

/* ---- definitions ------------------------------------------------------------- */

static const char *const tier_names[] = { "bronze", "silver", "gold" };
/* thresholds: by spend (minor units) over the calendar year, or by points over a rolling year */
static const int64_t spend_thresholds[] = { 0, 400000, 2000000 }, points_thresholds[] = { 0, 5000, 25000 };
static const int64_t tier_mult_num[] = { 1, 5, 3 }, tier_mult_den[] = { 1, 4, 2 };
#define NTIERS 3

typedef struct reward_def {
	const char *id;
	loyalty_points cost;
	int min_tier; /* -1: any */
	int64_t stock;
	bool windowed;
} reward_def;

static const reward_def rewards[] = {
	{ "coffee", 150, -1, -1, false }, { "mug", 600, -1, 40, false }, { "lounge", 1500, 2, -1, false },
	{ "summer", 400, -1, -1, true },  { "tv", 6000, -1, 3, false },
};
#define NREWARDS 5

typedef struct action_def {
	const char *name;
	loyalty_points points;
	int cap;
	loyalty_period period;
} action_def;

static const action_def actions[] = {
	{ "review", 30, 2, LOYALTY_PERIOD_WEEK },
	{ "survey", 15, 0, LOYALTY_PERIOD_NONE },
	{ "app", 200, 1, LOYALTY_PERIOD_EVER },
};
#define NACTIONS 3

static const struct { const char *name; int64_t num, den; } partners[] = { { "airline", 3, 2 }, { "hotel", 1, 3 } };
#define NPARTNERS 2

static const char *const product_types[] = { "grocery", "electronics", "book", "gift_card" };
#define GIFT_CARD 3

/* ---- the model's state --------------------------------------------------------- */

enum {
	OP_PURCHASE, OP_REFUND, OP_REDEEM, OP_CANCEL, OP_DONATE, OP_TRANSFER, OP_ADJUST, OP_ACTION, OP_PARTNER,
	OP_REFERRER, OP_ASSIGN, OP_SWEEP, OP_REPLAY, OP_CONFLICT, OP_INVALID, NOPS
};
static const char *const op_names[] = { "purchase", "refund", "redeem", "cancel", "donate", "transfer", "adjust",
	                                    "action", "partner", "referrer", "assign_tier", "sweep", "replay",
	                                    "conflict", "invalid" };

typedef struct item {
	int type;
	int64_t qty, price;
} item;

typedef struct purch {
	char key[24];
	int cust;
	loyalty_time at;
	int nitems;
	item items[3];
	int64_t total, eligible;
	loyalty_points points, credited, capped; /* the receipt */
	uint64_t entry_seq;
	loyalty_time pending_until;
	int64_t refunded;
	loyalty_points clawed, pending_left;
} purch;

typedef struct redem {
	loyalty_redemption r; /* as first returned */
	char key[24];
	int cust, reward;
	bool cancelled;
} redem;

/* A successful operation that can be replayed. */
typedef struct hist {
	int op;
	char key[24];
	int c1, c2;
	int idx; /* purchase, redemption, reward, action or partner */
	int64_t amount;
	loyalty_time at;
	char text[24]; /* cause, reason, referral code */
	loyalty_entry entry;
	loyalty_refund_result refund;
} hist;

typedef struct cust {
	loyalty_customer *profile;
	loyalty_id id;
	char code[LOYALTY_REFERRAL_CODE_LEN + 1];
	char enrolled_with[LOYALTY_REFERRAL_CODE_LEN + 1]; /* "" when none */
	/* the ledger, summed as it is read */
	int64_t l_points, l_pending, l_debt, l_earned, l_redeemed, l_expired;
	size_t l_entries;
	int l_tier;
	/* the model */
	int64_t m_avail, m_pending, m_debt;
	int referrer;
	bool purchased, referral_paid;
	int referrals_paid;
	int64_t cap_period, cap_used;
	int64_t act_period[NACTIONS], act_count[NACTIONS];
	bool touched;
} cust;

typedef struct model {
	const char *policy_name;
	loyalty_refund_policy policy;
	loyalty_rounding rounding;
	uint64_t seed;
	torture_rng rng;
	loyalty_program *p;
	cust c[NCUST];
	int touched[NCUST];
	int ntouched;
	purch *pu;
	size_t npu, cappu, mature_next;
	redem *rd;
	size_t nrd, caprd;
	hist *h;
	size_t nh;
	int64_t stock[NREWARDS];
	loyalty_time t0, now, summer_from, summer_until, last_sweep;
	bool swept;
	size_t seen; /* ledger entries read */
	long op;
	char what[200];
	unsigned long keyno;
	char retry[24]; /* a key whose call failed: it must be usable again */
	/* what the current step may write */
	unsigned kinds;
	int allowed[3];
	int nallowed;
	bool any_customer;
	const char *key;
	loyalty_time at;
	size_t new_entries;
	int64_t expired_now;
	/* statistics */
	long count[NOPS], ok[NOPS];
	long replays_checked, conflicts_checked, rejected_checked, negative_seen, debt_seen, capped_seen;
	long tier_changes, expired_entries, matured_entries, referral_paid;
} model;

#define failf(m, ...)                                                                                       \
	do {                                                                                                    \
		char fail_buf_[768];                                                                                \
		snprintf(fail_buf_, sizeof fail_buf_, __VA_ARGS__);                                                 \
		fail_msg("%s seed %llu, step %ld (%s): %s", (m)->policy_name, (unsigned long long)(m)->seed, (m)->op, \
		         (m)->what, fail_buf_);                                                                     \
	} while (0)

#define expect_eq(m, got, want, ...)                                                                 \
	do {                                                                                             \
		int64_t got_ = (int64_t)(got), want_ = (int64_t)(want);                                      \
		if (got_ != want_) {                                                                         \
			char what_[256];                                                                         \
			snprintf(what_, sizeof what_, __VA_ARGS__);                                              \
			failf(m, "%s: got %lld, expected %lld", what_, (long long)got_, (long long)want_);      \
		}                                                                                            \
	} while (0)

/* The status must be one of @p mask (bit -status; bit 0 is LOYALTY_OK). */
#define ST(s) (1u << (unsigned)(-(s)))
static void expect_status(model *m, int rc, unsigned mask, const char *call)
{
	if (rc > 0 || rc < LOYALTY_STATUS_MIN || !(mask & ST(rc))) {
		char want[160] = "";
		for (int s = 0; s >= LOYALTY_STATUS_MIN; s--)
			if (mask & ST(s))
				snprintf(want + strlen(want), sizeof want - strlen(want), " %s", loyalty_status_name(s));
		failf(m, "%s returned %s (%s), expected one of:%s", call,
		      loyalty_status_name(rc) ? loyalty_status_name(rc) : "?", loyalty_last_error(), want);
	}
}

static int64_t rnd(model *m, int64_t lo, int64_t hi)
{
	return torture_range(&m->rng, lo, hi);
}

static int pick(model *m)
{
	return (int)(rnd(m, 0, 3) == 0 ? rnd(m, 0, HOT - 1) : rnd(m, 0, NCUST - 1));
}

static int pick_other(model *m, int except)
{
	int o;

	do
		o = pick(m);
	while (o == except);
	return o;
}

/* A fresh key, or (sometimes) the key of a call that failed, which must be free again. */
static void new_key(model *m, char *key, size_t size)
{
	if (m->retry[0] && rnd(m, 0, 1)) {
		snprintf(key, size, "%s", m->retry);
		m->retry[0] = '\0';
		return;
	}
	/* "k" and the number, without the cost of snprintf (this runs 100,000s of times) */
	{
		char digits[24];
		unsigned long n = ++m->keyno;
		size_t len = 0, i = 0;
		do
			digits[len++] = (char)('0' + n % 10);
		while ((n /= 10) != 0 && len < sizeof digits);
		assert_true(len + 2 <= size);
		key[i++] = 'k';
		while (len > 0)
			key[i++] = digits[--len];
		key[i] = '\0';
	}
}

static int64_t round_frac(loyalty_rounding mode, i128 n, i128 d)
{
	i128 fl = n / d, rem = n - fl * d; /* n >= 0, d > 0 */

	if (rem == 0)
		return (int64_t)fl;
	switch (mode) {
	case LOYALTY_ROUND_FLOOR: return (int64_t)fl;
	case LOYALTY_ROUND_CEIL: return (int64_t)(fl + 1);
	case LOYALTY_ROUND_HALF_UP: return (int64_t)(2 * rem >= d ? fl + 1 : fl);
	default: return (int64_t)(2 * rem > d || (2 * rem == d && fl % 2 != 0) ? fl + 1 : fl);
	}
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Period indexes in the program's offset, computed here independently of lib/. */
static int64_t period_of(loyalty_period period, loyalty_time at)
{
	int64_t day = floor_div(at + OFFSET * MINUTE, DAY);
	int y, mo, d;

	switch (period) {
	case LOYALTY_PERIOD_WEEK: return day - ((day + 3) % 7 + 7) % 7; /* the Monday (1 Jan 1970 was a Thursday) */
	case LOYALTY_PERIOD_MONTH:
		assert_ok(loyalty_time_to_civil(at, OFFSET, &y, &mo, &d, NULL, NULL, NULL, NULL));
		return (int64_t)y * 12 + mo;
	case LOYALTY_PERIOD_EVER: return 0;
	default: return day;
	}
}

static int cust_index(const model *m, const loyalty_id *id)
{
	/* torture_customer(n): 0xc0, zeros, n big-endian in the last four bytes */
	unsigned n = (unsigned)id->bytes[12] << 24 | (unsigned)id->bytes[13] << 16 | (unsigned)id->bytes[14] << 8 |
	             id->bytes[15];

	if (n >= NCUST || memcmp(id->bytes, m->c[n].id.bytes, 16) != 0)
		return -1;
	return (int)n;
}

static int tier_index(const char *name)
{
	for (int i = 0; i < NTIERS; i++)
		if (strcmp(name, tier_names[i]) == 0)
			return i;
	return -1;
}

static void touch(model *m, int ci)
{
	if (!m->c[ci].touched) {
		m->c[ci].touched = true;
		m->touched[m->ntouched++] = ci;
	}
}

/* A credit in the model: available points first repay a debt. */
static void credit(model *m, int ci, int64_t pts)
{
	cust *c = &m->c[ci];
	int64_t repay = pts < c->m_debt ? pts : c->m_debt;

	if (pts <= 0)
		return;
	c->m_debt -= repay;
	c->m_avail += pts - repay;
	touch(m, ci);
}

/* ---- snapshots: a rejected call or a replay changes nothing ------------------------- */

typedef struct snap {
	loyalty_points avail, pending, debt, earned, redeemed, expired;
	char tier[LOYALTY_TIER_NAME_MAX + 1];
} snap;

typedef struct frame {
	int n;
	int ci[3];
	snap s[3];
	size_t entries;
	int64_t stock[NREWARDS];
} frame;

static void snap_take(model *m, const loyalty_id *id, snap *s)
{
	loyalty_customer *c = NULL;

	assert_ok(loyalty_program_get_customer(m->p, id, &c));
	s->avail = loyalty_customer_available(c);
	s->pending = loyalty_customer_pending(c);
	s->earned = loyalty_customer_lifetime_earned(c);
	s->redeemed = loyalty_customer_lifetime_redeemed(c);
	s->expired = loyalty_customer_lifetime_expired(c);
	{
		const char *tier = loyalty_customer_tier(c);
		size_t len = strlen(tier);
		assert_true(len < sizeof s->tier);
		memcpy(s->tier, tier, len + 1);
	}
	loyalty_customer_free(c);
	assert_ok(loyalty_program_debt(m->p, id, &s->debt));
}

static void frame_take(model *m, frame *f, int a, int b, int c)
{
	int who[3] = { a, b, c };

	f->n = 0;
	for (int i = 0; i < 3; i++) {
		if (who[i] < 0)
			continue;
		f->ci[f->n] = who[i];
		snap_take(m, &m->c[who[i]].id, &f->s[f->n]);
		f->n++;
	}
	f->entries = loyalty_program_entry_count(m->p);
	for (size_t i = 0; i < NREWARDS; i++) {
		loyalty_reward_def d;
		assert_ok(loyalty_program_reward_at(m->p, i, &d));
		f->stock[i] = d.stock;
	}
}

static void check_stock(model *m, int k)
{
	loyalty_reward_def d;

	assert_ok(loyalty_program_reward_at(m->p, (size_t)k, &d));
	expect_eq(m, d.stock, m->stock[k], "stock of %s", rewards[k].id);
}

static void frame_same(model *m, const frame *f, const char *why)
{
	snap now;

	expect_eq(m, loyalty_program_entry_count(m->p), f->entries, "%s: ledger entries", why);
	for (int i = 0; i < f->n; i++) {
		const snap *s = &f->s[i];
		snap_take(m, &m->c[f->ci[i]].id, &now);
		expect_eq(m, now.avail, s->avail, "%s: customer %d available", why, f->ci[i]);
		expect_eq(m, now.pending, s->pending, "%s: customer %d pending", why, f->ci[i]);
		expect_eq(m, now.debt, s->debt, "%s: customer %d debt", why, f->ci[i]);
		expect_eq(m, now.earned, s->earned, "%s: customer %d lifetime earned", why, f->ci[i]);
		expect_eq(m, now.redeemed, s->redeemed, "%s: customer %d lifetime redeemed", why, f->ci[i]);
		expect_eq(m, now.expired, s->expired, "%s: customer %d lifetime expired", why, f->ci[i]);
		if (strcmp(now.tier, s->tier) != 0)
			failf(m, "%s: customer %d tier changed from '%s' to '%s'", why, f->ci[i], s->tier, now.tier);
	}
	for (size_t i = 0; i < NREWARDS; i++) {
		loyalty_reward_def d;
		assert_ok(loyalty_program_reward_at(m->p, i, &d));
		expect_eq(m, d.stock, f->stock[i], "%s: stock of %s", why, rewards[i].id);
	}
}

/* ---- reading the ledger ----------------------------------------------------------------- */

#define K(kind) (1u << (unsigned)(kind))

/* What the next step may write: entry kinds, customers (or any, for sweeps), key and time. */
static void expect_writes(model *m, unsigned kinds, const char *key, loyalty_time at, int a, int b, int c)
{
	m->kinds = kinds;
	m->key = key;
	m->at = at;
	m->allowed[0] = a;
	m->allowed[1] = b;
	m->allowed[2] = c;
	m->nallowed = 3;
	m->any_customer = false;
	m->new_entries = 0;
	m->expired_now = 0;
}

static void absorb(model *m)
{
	size_t n = loyalty_program_entry_count(m->p);
	loyalty_entry e;

	for (; m->seen < n; m->seen++) {
		cust *c;
		int ci, allowed = m->any_customer;
		int64_t total;

		assert_ok(loyalty_program_entry_at(m->p, m->seen, &e));
		expect_eq(m, e.seq, m->seen + 1, "entry seq");
		ci = cust_index(m, &e.customer_id);
		if (ci < 0)
			failf(m, "entry #%llu names an unknown customer", (unsigned long long)e.seq);
		for (int i = 0; i < m->nallowed; i++)
			allowed |= m->allowed[i] == ci;
		if (!allowed)
			failf(m, "entry #%llu (%s) for customer %d, who is not part of the call", (unsigned long long)e.seq,
			      loyalty_entry_kind_name((int)e.kind), ci);
		if (!(m->kinds & K(e.kind)))
			failf(m, "entry #%llu of unexpected kind %s", (unsigned long long)e.seq,
			      loyalty_entry_kind_name((int)e.kind));
		if (strcmp(e.key, m->key) != 0)
			failf(m, "entry #%llu has key '%s', expected '%s'", (unsigned long long)e.seq, e.key, m->key);
		if (m->any_customer ? e.at > m->at : e.at != m->at)
			failf(m, "entry #%llu (%s) dated %lld, the step is at %lld", (unsigned long long)e.seq,
			      loyalty_entry_kind_name((int)e.kind), (long long)e.at, (long long)m->at);
		if (m->policy == LOYALTY_REFUND_NEGATIVE_BALANCE && e.debt != 0)
			failf(m, "entry #%llu changes a debt under NEGATIVE_BALANCE", (unsigned long long)e.seq);
		c = &m->c[ci];
		c->l_points += e.points;
		c->l_pending += e.pending;
		c->l_debt += e.debt;
		c->l_entries++;
		expect_eq(m, e.available_after, c->l_points, "entry #%llu available_after", (unsigned long long)e.seq);
		expect_eq(m, e.pending_after, c->l_pending, "entry #%llu pending_after", (unsigned long long)e.seq);
		/* lifetime figures by the classification of docs/PROGRAM.md */
		total = e.points + e.pending;
		switch (e.kind) {
		case LOYALTY_ENTRY_EARN:
		case LOYALTY_ENTRY_ACTION:
		case LOYALTY_ENTRY_PARTNER:
		case LOYALTY_ENTRY_REFERRAL:
			c->l_earned += total;
			break;
		case LOYALTY_ENTRY_REFUND:
			c->l_earned += total - e.debt; /* the part that became debt was clawed back too */
			break;
		case LOYALTY_ENTRY_REDEEM:
		case LOYALTY_ENTRY_DONATE:
		case LOYALTY_ENTRY_REDEEM_CANCEL:
			c->l_redeemed -= total;
			break;
		case LOYALTY_ENTRY_EXPIRE:
			if (e.points >= 0 || e.pending != 0 || e.debt != 0)
				failf(m, "EXPIRE entry #%llu: %lld/%lld/%lld", (unsigned long long)e.seq, (long long)e.points,
				      (long long)e.pending, (long long)e.debt);
			c->l_expired -= total;
			c->m_avail += e.points; /* the model keeps no buckets: expiry comes from the ledger */
			m->expired_now -= e.points;
			m->expired_entries++;
			break;
		case LOYALTY_ENTRY_MATURE:
			if (e.points <= 0 || e.pending != -e.points || e.debt != 0)
				failf(m, "MATURE entry #%llu: %lld/%lld/%lld", (unsigned long long)e.seq, (long long)e.points,
				      (long long)e.pending, (long long)e.debt);
			m->matured_entries++;
			break;
		case LOYALTY_ENTRY_DEBT_REPAY:
			if (e.points >= 0 || e.debt != e.points || e.pending != 0)
				failf(m, "DEBT_REPAY entry #%llu: %lld/%lld/%lld", (unsigned long long)e.seq,
				      (long long)e.points, (long long)e.pending, (long long)e.debt);
			break;
		case LOYALTY_ENTRY_TIER: {
			int to = strcmp(e.ref, "none") == 0 ? -1 : tier_index(e.ref);
			if (to < -1 || (strcmp(e.ref, "none") != 0 && to < 0))
				failf(m, "TIER entry #%llu names tier '%s'", (unsigned long long)e.seq, e.ref);
			if (e.points || e.pending || e.debt)
				failf(m, "TIER entry #%llu carries points", (unsigned long long)e.seq);
			if (to < c->l_tier && !m->any_customer)
				failf(m, "TIER entry #%llu lowers the tier outside a review", (unsigned long long)e.seq);
			c->l_tier = to;
			m->tier_changes++;
			break;
		}
		default:
			break;
		}
		touch(m, ci);
		m->new_entries++;
	}
}

/* Everything about one customer: snapshot = ledger sums = model, and the policy. */
static void check_customer(model *m, int ci)
{
	cust *c = &m->c[ci];
	loyalty_customer *cu = NULL;
	loyalty_points debt = -1;
	size_t entries = 0;
	const char *tier;

	assert_ok(loyalty_program_get_customer(m->p, &c->id, &cu));
	assert_ok(loyalty_program_debt(m->p, &c->id, &debt));
	assert_ok(loyalty_program_customer_entry_count(m->p, &c->id, &entries));
	expect_eq(m, loyalty_customer_available(cu), c->l_points, "customer %d: available = sum of entries' points", ci);
	expect_eq(m, loyalty_customer_pending(cu), c->l_pending, "customer %d: pending = sum of entries' pending", ci);
	expect_eq(m, debt, c->l_debt, "customer %d: debt = sum of entries' debt", ci);
	expect_eq(m, loyalty_customer_lifetime_earned(cu), c->l_earned, "customer %d: lifetime earned by the entries", ci);
	expect_eq(m, loyalty_customer_lifetime_redeemed(cu), c->l_redeemed, "customer %d: lifetime redeemed by the entries",
	          ci);
	expect_eq(m, loyalty_customer_lifetime_expired(cu), c->l_expired, "customer %d: lifetime expired by the entries",
	          ci);
	expect_eq(m, entries, c->l_entries, "customer %d: entry count", ci);
	tier = loyalty_customer_tier(cu);
	if ((c->l_tier < 0 && tier[0] != '\0') || (c->l_tier >= 0 && strcmp(tier, tier_names[c->l_tier]) != 0))
		failf(m, "customer %d: tier '%s', the last TIER entry says '%s'", ci, tier,
		      c->l_tier >= 0 ? tier_names[c->l_tier] : "none");
	expect_eq(m, loyalty_customer_available(cu), c->m_avail, "customer %d: available, model", ci);
	expect_eq(m, loyalty_customer_pending(cu), c->m_pending, "customer %d: pending, model", ci);
	expect_eq(m, debt, c->m_debt, "customer %d: debt, model", ci);
	if (loyalty_customer_pending(cu) < 0 || debt < 0)
		failf(m, "customer %d: negative pending (%lld) or debt (%lld)", ci, (long long)loyalty_customer_pending(cu),
		      (long long)debt);
	if (m->policy == LOYALTY_REFUND_DEBT && loyalty_customer_available(cu) < 0)
		failf(m, "customer %d: available %lld < 0 under the DEBT policy", ci,
		      (long long)loyalty_customer_available(cu));
	if (m->policy == LOYALTY_REFUND_NEGATIVE_BALANCE && debt != 0)
		failf(m, "customer %d: debt %lld under NEGATIVE_BALANCE", ci, (long long)debt);
	m->negative_seen += loyalty_customer_available(cu) < 0;
	m->debt_seen += debt > 0;
	loyalty_customer_free(cu);
}

/* After a step that succeeded: read the new entries, check whoever was touched. */
static void settle(model *m)
{
	absorb(m);
	for (int i = 0; i < m->ntouched; i++) {
		check_customer(m, m->touched[i]);
		m->c[m->touched[i]].touched = false;
	}
	m->ntouched = 0;
}

/* A rejected call: nothing changed, and its key is free for another call. */
static void rejected(model *m, const frame *f, const char *key)
{
	frame_same(m, f, "rejected call");
	if (key != NULL && key[0] == 'k' && !m->retry[0])
		snprintf(m->retry, sizeof m->retry, "%s", key);
	m->rejected_checked++;
}

static hist *push_hist(model *m, int op, const char *key, int c1, int c2, int idx, int64_t amount, loyalty_time at)
{
	hist *h = &m->h[m->nh++ % HISTORY];

	memset(h, 0, sizeof *h);
	h->op = op;
	snprintf(h->key, sizeof h->key, "%s", key);
	h->c1 = c1;
	h->c2 = c2;
	h->idx = idx;
	h->amount = amount;
	h->at = at;
	return h;
}

static bool same_entry(const loyalty_entry *a, const loyalty_entry *b)
{
	return a->seq == b->seq && memcmp(&a->id, &b->id, sizeof a->id) == 0 &&
	       memcmp(&a->customer_id, &b->customer_id, sizeof a->customer_id) == 0 && a->kind == b->kind &&
	       a->points == b->points && a->pending == b->pending && a->debt == b->debt &&
	       a->available_after == b->available_after && a->pending_after == b->pending_after && a->at == b->at &&
	       strcmp(a->key, b->key) == 0 && strcmp(a->ref, b->ref) == 0 && strcmp(a->memo, b->memo) == 0;
}

/* ---- purchases ------------------------------------------------------------------------- */

static loyalty_purchase *build_purchase(model *m, const purch *pr, loyalty_time at, int64_t price_delta,
                                        const char *currency)
{
	loyalty_purchase *pu = NULL;

	assert_ok(loyalty_purchase_new(&pu, pr->key, &m->c[pr->cust].id, at, currency));
	for (int i = 0; i < pr->nitems; i++) {
		static const char *const skus[] = { "sku-0", "sku-1", "sku-2" };
		assert_ok(loyalty_purchase_add_item(pu, skus[i], product_types[pr->items[i].type], pr->items[i].qty,
		                                    pr->items[i].price + (i == 0 ? price_delta : 0)));
	}
	return pu;
}

static void random_basket(model *m, purch *pr)
{
	pr->nitems = (int)rnd(m, 1, 3);
	pr->total = pr->eligible = 0;
	for (int i = 0; i < pr->nitems; i++) {
		item *it = &pr->items[i];
		it->type = (int)rnd(m, 0, 3);
		it->qty = rnd(m, 1, 3);
		it->price = rnd(m, 0, 9) == 0 ? 0 : rnd(m, 1, 25000);
		pr->total += it->qty * it->price;
		if (it->type != GIFT_CARD)
			pr->eligible += it->qty * it->price;
	}
	if (pr->total == 0) { /* refunds need a total > 0 */
		pr->items[0].price = 1;
		pr->total += pr->items[0].qty;
		pr->eligible += pr->items[0].type != GIFT_CARD ? pr->items[0].qty : 0;
	}
}

static purch *new_purch(model *m)
{
	if (m->npu == m->cappu) {
		m->cappu = m->cappu ? m->cappu * 2 : 1024;
		m->pu = realloc(m->pu, m->cappu * sizeof *m->pu);
		assert_non_null(m->pu);
	}
	memset(&m->pu[m->npu], 0, sizeof m->pu[0]);
	return &m->pu[m->npu];
}

static void op_purchase(model *m)
{
	purch *pr = new_purch(m);
	loyalty_purchase *pu;
	loyalty_receipt *r = NULL;
	cust *c;
	int tier, referrer = -1;
	int64_t want_points, want_credited, period, used, bonus;
	i128 mult_num, mult_den;
	int rc;

	new_key(m, pr->key, sizeof pr->key);
	pr->cust = pick(m);
	pr->at = m->now;
	random_basket(m, pr);
	c = &m->c[pr->cust];
	snprintf(m->what, sizeof m->what, "purchase %s by %d of %lld (eligible %lld)", pr->key, pr->cust,
	         (long long)pr->total, (long long)pr->eligible);
	/* the calculator's rules: 1 point per 100 eligible, times the tier held before (the ledger's
	 * TIER entries say which: checked against the customer after every step), plus bonuses */
	tier = c->l_tier;
	mult_num = tier >= 0 ? tier_mult_num[tier] : 1;
	mult_den = tier >= 0 ? tier_mult_den[tier] : 1;
	bonus = (c->purchased ? 0 : FIRST_BONUS) + (pr->eligible >= BIG_BASKET ? BIG_BONUS : 0);
	want_points = round_frac(m->rounding, (i128)pr->eligible * mult_num + (i128)bonus * 100 * mult_den, 100 * mult_den);
	want_credited = want_points < CAP_PER_PURCHASE ? want_points : CAP_PER_PURCHASE;
	period = period_of(LOYALTY_PERIOD_MONTH, pr->at);
	used = c->cap_period == period ? c->cap_used : 0;
	if (want_credited > CAP_PER_MONTH - used)
		want_credited = CAP_PER_MONTH - used;

	pu = build_purchase(m, pr, pr->at, 0, "EUR");
	rc = loyalty_program_record_purchase(m->p, pu, &r);
	loyalty_purchase_free(pu);
	expect_status(m, rc, ST(LOYALTY_OK), "record_purchase");
	expect_eq(m, loyalty_receipt_recorded(r), 1, "receipt recorded");
	expect_eq(m, loyalty_receipt_eligible_spend(r), pr->eligible, "receipt eligible spend");
	expect_eq(m, loyalty_receipt_points(r), want_points, "receipt points");
	expect_eq(m, loyalty_receipt_credited(r), want_credited, "receipt credited");
	expect_eq(m, loyalty_receipt_capped(r), want_points - want_credited, "receipt capped");
	/* nothing credited: nothing held and no EARN entry (receipt.h) */
	expect_eq(m, loyalty_receipt_pending_until(r), want_credited ? pr->at + PENDING_DAYS * DAY : 0,
	          "receipt pending_until");
	expect_eq(m, loyalty_receipt_entry_seq(r), want_credited ? m->seen + 1 : 0, "receipt entry seq");
	pr->points = loyalty_receipt_points(r);
	pr->credited = pr->pending_left = loyalty_receipt_credited(r);
	pr->capped = loyalty_receipt_capped(r);
	pr->entry_seq = loyalty_receipt_entry_seq(r);
	pr->pending_until = loyalty_receipt_pending_until(r);
	loyalty_receipt_free(r);
	m->capped_seen += pr->capped > 0;

	/* the model */
	c->cap_period = period;
	c->cap_used = used + want_credited;
	c->m_pending += want_credited;
	c->purchased = true;
	touch(m, pr->cust);
	if (c->referrer >= 0 && !c->referral_paid && pr->eligible >= REFERRAL_MIN_SPEND) {
		cust *rc_ = &m->c[c->referrer];
		c->referral_paid = true;
		credit(m, pr->cust, REFEREE_BONUS);
		if (rc_->referrals_paid < REFERRAL_MAX) {
			rc_->referrals_paid++;
			credit(m, c->referrer, REFERRER_BONUS);
		}
		referrer = c->referrer;
		m->referral_paid++;
	}
	expect_writes(m, K(LOYALTY_ENTRY_EARN) | K(LOYALTY_ENTRY_DEBT_REPAY) | K(LOYALTY_ENTRY_REFERRAL) |
	                     K(LOYALTY_ENTRY_TIER),
	              pr->key, pr->at, pr->cust, referrer, -1);
	settle(m);
	push_hist(m, OP_PURCHASE, pr->key, pr->cust, -1, (int)m->npu, 0, pr->at);
	m->npu++;
	m->ok[OP_PURCHASE]++;
}

/* ---- refunds ------------------------------------------------------------------------------ */

static void op_refund(model *m)
{
	char key[24];
	purch *pr;
	cust *c;
	frame f;
	loyalty_refund_result res;
	int64_t amount, left, target, claw, from_pending, rest, taken, debt_added;
	size_t idx;
	int rc;

	if (m->npu == 0)
		return;
	idx = (size_t)rnd(m, m->npu > 3000 ? (int64_t)m->npu - 3000 : 0, (int64_t)m->npu - 1);
	pr = &m->pu[idx];
	c = &m->c[pr->cust];
	left = pr->total - pr->refunded;
	switch (rnd(m, 0, 5)) {
	case 0: amount = left + rnd(m, 1, 100); break; /* more than is left */
	case 1: case 2: amount = left; break;          /* the rest (a full refund when nothing was refunded) */
	default: amount = left > 1 ? rnd(m, 1, left - 1) : left; break;
	}
	if (amount <= 0)
		amount = 1;
	new_key(m, key, sizeof key);
	snprintf(m->what, sizeof m->what, "refund %s of %lld of purchase %s (total %lld, refunded %lld, credited %lld)",
	         key, (long long)amount, pr->key, (long long)pr->total, (long long)pr->refunded, (long long)pr->credited);
	/* snapshots are taken before a call the model expects to fail (a call that fails when
	 * the model expects it to succeed, or the other way round, fails the test anyway) */
	if (pr->refunded + amount > pr->total)
		frame_take(m, &f, pr->cust, -1, -1);
	rc = loyalty_program_refund(m->p, key, pr->key, amount, m->now, &res);
	if (pr->refunded + amount > pr->total) {
		expect_status(m, rc, ST(LOYALTY_ERANGE), "refund beyond the total");
		rejected(m, &f, key);
		return;
	}
	expect_status(m, rc, ST(LOYALTY_OK), "refund");
	/* after refunding R of T in all, round(credited x R / T) points are taken back in all */
	target = round_frac(m->rounding, (i128)pr->credited * (pr->refunded + amount), pr->total);
	claw = target - pr->clawed;
	from_pending = claw < pr->pending_left ? claw : pr->pending_left;
	rest = claw - from_pending;
	if (m->policy == LOYALTY_REFUND_DEBT) {
		int64_t can = c->m_avail > 0 ? c->m_avail : 0;
		taken = rest < can ? rest : can;
		debt_added = rest - taken;
	} else {
		taken = rest;
		debt_added = 0;
	}
	expect_eq(m, res.clawed_back, claw, "refund clawed_back");
	expect_eq(m, res.from_pending, from_pending, "refund from_pending");
	expect_eq(m, res.debt_added, debt_added, "refund debt_added");
	expect_eq(m, res.refunded_total, pr->refunded + amount, "refund refunded_total");
	expect_eq(m, res.entry_seq, m->seen + 1, "refund entry_seq");
	pr->refunded += amount;
	pr->clawed = target;
	pr->pending_left -= from_pending;
	c->m_pending -= from_pending;
	c->m_avail -= taken;
	c->m_debt += debt_added;
	touch(m, pr->cust);
	expect_writes(m, K(LOYALTY_ENTRY_REFUND), key, m->now, pr->cust, -1, -1);
	settle(m);
	push_hist(m, OP_REFUND, key, pr->cust, -1, (int)idx, amount, m->now)->refund = res;
	m->ok[OP_REFUND]++;
}

/* ---- spending ------------------------------------------------------------------------------- */

static void op_redeem(model *m)
{
	char key[24];
	int ci = pick(m), k = (int)rnd(m, 0, NREWARDS - 1), tier;
	const reward_def *rw = &rewards[k];
	loyalty_redemption out;
	unsigned errs = 0;
	frame f;
	int rc;

	new_key(m, key, sizeof key);
	snprintf(m->what, sizeof m->what, "redeem %s of %s (%lld) by %d", key, rw->id, (long long)rw->cost, ci);
	tier = m->c[ci].l_tier;
	if (rw->windowed && (m->now < m->summer_from || m->now >= m->summer_until))
		errs |= ST(LOYALTY_ESTATE);
	if (rw->min_tier >= 0 && tier < rw->min_tier)
		errs |= ST(LOYALTY_ESTATE);
	if (m->stock[k] == 0)
		errs |= ST(LOYALTY_ERANGE);
	if (m->c[ci].m_avail < rw->cost)
		errs |= ST(LOYALTY_EINSUFFICIENT);
	if (errs)
		frame_take(m, &f, ci, -1, -1);
	memset(&out, 0, sizeof out);
	rc = loyalty_program_redeem(m->p, key, &m->c[ci].id, rw->id, m->now, &out);
	if (errs) {
		expect_status(m, rc, errs, "redeem that cannot be paid");
		rejected(m, &f, key);
		return;
	}
	expect_status(m, rc, ST(LOYALTY_OK), "redeem");
	if (memcmp(&out.customer_id, &m->c[ci].id, sizeof out.customer_id) != 0 || strcmp(out.reward, rw->id) != 0 ||
	    out.points != rw->cost || out.at != m->now || out.cancelled || loyalty_id_is_nil(&out.id))
		failf(m, "the redemption returned does not describe the call");
	expect_eq(m, out.entry_seq, m->seen + 1, "redemption entry_seq");
	m->c[ci].m_avail -= rw->cost;
	touch(m, ci);
	if (m->stock[k] > 0)
		m->stock[k]--;
	check_stock(m, k);
	if (m->nrd == m->caprd) {
		m->caprd = m->caprd ? m->caprd * 2 : 1024;
		m->rd = realloc(m->rd, m->caprd * sizeof *m->rd);
		assert_non_null(m->rd);
	}
	m->rd[m->nrd].r = out;
	snprintf(m->rd[m->nrd].key, sizeof m->rd[m->nrd].key, "%s", key);
	m->rd[m->nrd].cust = ci;
	m->rd[m->nrd].reward = k;
	m->rd[m->nrd].cancelled = false;
	expect_writes(m, K(LOYALTY_ENTRY_REDEEM), key, m->now, ci, -1, -1);
	settle(m);
	push_hist(m, OP_REDEEM, key, ci, -1, (int)m->nrd, 0, m->now);
	m->nrd++;
	m->ok[OP_REDEEM]++;
}

static void op_cancel(model *m)
{
	char key[24];
	loyalty_redemption out;
	redem *rd;
	size_t idx;
	frame f;
	int rc;

	if (m->nrd == 0)
		return;
	idx = (size_t)rnd(m, m->nrd > 500 ? (int64_t)m->nrd - 500 : 0, (int64_t)m->nrd - 1);
	rd = &m->rd[idx];
	new_key(m, key, sizeof key);
	snprintf(m->what, sizeof m->what, "cancel %s of redemption %s (%s by %d)%s", key, rd->key,
	         rewards[rd->reward].id, rd->cust, rd->cancelled ? ", already cancelled" : "");
	if (rd->cancelled)
		frame_take(m, &f, rd->cust, -1, -1);
	rc = loyalty_program_cancel_redemption(m->p, key, &rd->r.id, m->now, &out);
	if (rd->cancelled) {
		expect_status(m, rc, ST(LOYALTY_ESTATE), "second cancellation");
		rejected(m, &f, key);
		return;
	}
	expect_status(m, rc, ST(LOYALTY_OK), "cancel_redemption");
	if (memcmp(&out.id, &rd->r.id, sizeof out.id) != 0 || !out.cancelled || out.points != rd->r.points)
		failf(m, "the cancelled redemption returned does not match");
	rd->cancelled = true;
	credit(m, rd->cust, rd->r.points);
	if (m->stock[rd->reward] >= 0)
		m->stock[rd->reward]++;
	check_stock(m, rd->reward);
	expect_writes(m, K(LOYALTY_ENTRY_REDEEM_CANCEL) | K(LOYALTY_ENTRY_DEBT_REPAY), key, m->now, rd->cust, -1, -1);
	settle(m);
	push_hist(m, OP_CANCEL, key, rd->cust, -1, (int)idx, 0, m->now);
	m->ok[OP_CANCEL]++;
}

static void op_donate(model *m)
{
	static const char *const causes[] = { "trees", "food_bank" };
	char key[24];
	int ci = pick(m);
	int64_t pts = rnd(m, 0, 3) == 0 && m->c[ci].m_avail > 0 ? m->c[ci].m_avail : rnd(m, 1, 400); /* sometimes all */
	const char *cause = causes[rnd(m, 0, 1)];
	loyalty_entry e;
	frame f;
	int rc;

	new_key(m, key, sizeof key);
	snprintf(m->what, sizeof m->what, "donate %s of %lld by %d (model available %lld)", key, (long long)pts, ci,
	         (long long)m->c[ci].m_avail);
	if (m->c[ci].m_avail < pts)
		frame_take(m, &f, ci, -1, -1);
	rc = loyalty_program_donate(m->p, key, &m->c[ci].id, cause, pts, m->now, &e);
	if (m->c[ci].m_avail < pts) {
		expect_status(m, rc, ST(LOYALTY_EINSUFFICIENT), "donate more than available");
		rejected(m, &f, key);
		return;
	}
	expect_status(m, rc, ST(LOYALTY_OK), "donate");
	expect_eq(m, e.points, -pts, "donation entry points");
	m->c[ci].m_avail -= pts;
	touch(m, ci);
	expect_writes(m, K(LOYALTY_ENTRY_DONATE), key, m->now, ci, -1, -1);
	settle(m);
	{
		hist *h = push_hist(m, OP_DONATE, key, ci, -1, 0, pts, m->now);
		h->entry = e;
		snprintf(h->text, sizeof h->text, "%s", cause);
	}
	m->ok[OP_DONATE]++;
}

static void op_transfer(model *m)
{
	char key[24];
	int from = pick(m), to = pick_other(m, from);
	int64_t pts = rnd(m, 0, 3) == 0 && m->c[from].m_avail > 0 ? m->c[from].m_avail : rnd(m, 1, 600); /* sometimes all */
	frame f;
	int rc;

	new_key(m, key, sizeof key);
	snprintf(m->what, sizeof m->what, "transfer %s of %lld from %d (model available %lld) to %d", key,
	         (long long)pts, from, (long long)m->c[from].m_avail, to);
	if (m->c[from].m_avail < pts)
		frame_take(m, &f, from, to, -1);
	rc = loyalty_program_transfer(m->p, key, &m->c[from].id, &m->c[to].id, pts, m->now);
	if (m->c[from].m_avail < pts) {
		expect_status(m, rc, ST(LOYALTY_EINSUFFICIENT), "transfer more than available");
		rejected(m, &f, key);
		return;
	}
	expect_status(m, rc, ST(LOYALTY_OK), "transfer");
	m->c[from].m_avail -= pts;
	touch(m, from);
	credit(m, to, pts);
	expect_writes(m, K(LOYALTY_ENTRY_TRANSFER_OUT) | K(LOYALTY_ENTRY_TRANSFER_IN) | K(LOYALTY_ENTRY_DEBT_REPAY), key,
	              m->now, from, to, -1);
	settle(m);
	push_hist(m, OP_TRANSFER, key, from, to, 0, pts, m->now);
	m->ok[OP_TRANSFER]++;
}

static void op_adjust(model *m)
{
	char key[24];
	int ci = pick(m);
	int64_t pts = rnd(m, 1, 500) * (rnd(m, 0, 1) ? 1 : -1);
	loyalty_entry e;
	frame f;
	int rc;

	new_key(m, key, sizeof key);
	snprintf(m->what, sizeof m->what, "adjust %s of %lld for %d (model available %lld)", key, (long long)pts, ci,
	         (long long)m->c[ci].m_avail);
	if (pts < 0 && m->c[ci].m_avail < -pts)
		frame_take(m, &f, ci, -1, -1);
	rc = loyalty_program_adjust(m->p, key, &m->c[ci].id, pts, "customer service", m->now, &e);
	if (pts < 0 && m->c[ci].m_avail < -pts) {
		expect_status(m, rc, ST(LOYALTY_EINSUFFICIENT), "negative adjustment beyond available");
		rejected(m, &f, key);
		return;
	}
	expect_status(m, rc, ST(LOYALTY_OK), "adjust");
	expect_eq(m, e.points, pts, "adjustment entry points");
	if (pts < 0) {
		m->c[ci].m_avail += pts;
		touch(m, ci);
	} else {
		credit(m, ci, pts);
	}
	expect_writes(m, K(LOYALTY_ENTRY_ADJUST) | K(LOYALTY_ENTRY_DEBT_REPAY), key, m->now, ci, -1, -1);
	settle(m);
	push_hist(m, OP_ADJUST, key, ci, -1, 0, pts, m->now)->entry = e;
	m->ok[OP_ADJUST]++;
}

/* ---- earning without a purchase ---------------------------------------------------------- */

static void op_action(model *m)
{
	char key[24];
	int ci = pick(m), k = (int)rnd(m, 0, NACTIONS - 1);
	const action_def *a = &actions[k];
	cust *c = &m->c[ci];
	int64_t period = period_of(a->period, m->now), count;
	loyalty_entry e;
	frame f;
	int rc;

	count = c->act_period[k] == period ? c->act_count[k] : 0;
	new_key(m, key, sizeof key);
	snprintf(m->what, sizeof m->what, "action %s '%s' by %d (%lld this period)", key, a->name, ci, (long long)count);
	if (a->cap > 0 && count >= a->cap)
		frame_take(m, &f, ci, -1, -1);
	rc = loyalty_program_record_action(m->p, key, &c->id, a->name, m->now, &e);
	if (a->cap > 0 && count >= a->cap) {
		expect_status(m, rc, ST(LOYALTY_ERANGE), "action beyond its cap");
		rejected(m, &f, key);
		return;
	}
	expect_status(m, rc, ST(LOYALTY_OK), "record_action");
	expect_eq(m, e.points, a->points, "action entry points");
	c->act_period[k] = period;
	c->act_count[k] = count + 1;
	credit(m, ci, a->points);
	expect_writes(m, K(LOYALTY_ENTRY_ACTION) | K(LOYALTY_ENTRY_DEBT_REPAY), key, m->now, ci, -1, -1);
	settle(m);
	push_hist(m, OP_ACTION, key, ci, -1, k, 0, m->now)->entry = e;
	m->ok[OP_ACTION]++;
}

static void op_partner(model *m)
{
	char key[24];
	int ci = pick(m), k = (int)rnd(m, 0, NPARTNERS - 1);
	int64_t units = rnd(m, 1, 2000), pts;
	loyalty_entry e;
	int rc;

	new_key(m, key, sizeof key);
	snprintf(m->what, sizeof m->what, "partner %s %s %lld units for %d", key, partners[k].name, (long long)units, ci);
	rc = loyalty_program_credit_partner(m->p, key, &m->c[ci].id, partners[k].name, units, m->now, &e);
	expect_status(m, rc, ST(LOYALTY_OK), "credit_partner");
	pts = round_frac(m->rounding, (i128)units * partners[k].num, partners[k].den);
	expect_eq(m, e.points, pts, "partner points at the exact rate, rounded once");
	credit(m, ci, pts);
	touch(m, ci);
	expect_writes(m, K(LOYALTY_ENTRY_PARTNER) | K(LOYALTY_ENTRY_DEBT_REPAY), key, m->now, ci, -1, -1);
	settle(m);
	push_hist(m, OP_PARTNER, key, ci, -1, k, units, m->now)->entry = e;
	m->ok[OP_PARTNER]++;
}

static void op_referrer(model *m)
{
	char key[24];
	int ci = pick(m), ri = pick_other(m, ci);
	cust *c = &m->c[ci];
	unsigned want = ST(LOYALTY_OK);
	frame f;
	int rc;

	if (rnd(m, 0, 9) == 0)
		ri = ci; /* self-referral */
	new_key(m, key, sizeof key);
	snprintf(m->what, sizeof m->what, "set_referrer %s of %d to %d", key, ci, ri);
	if (ri == ci)
		want = ST(LOYALTY_EINVAL);
	else if (c->referrer >= 0)
		want = ST(LOYALTY_EDUPLICATE);
	else if (c->purchased)
		want = ST(LOYALTY_ESTATE);
	if (want != ST(LOYALTY_OK))
		frame_take(m, &f, ci, -1, -1);
	rc = loyalty_program_set_referrer(m->p, key, &c->id, m->c[ri].code, m->now);
	if (want != ST(LOYALTY_OK)) {
		/* when several rules are broken the contract does not say which one is reported */
		unsigned any = ST(LOYALTY_EINVAL) * (ri == ci) | ST(LOYALTY_EDUPLICATE) * (c->referrer >= 0) |
		               ST(LOYALTY_ESTATE) * c->purchased;
		expect_status(m, rc, any, "set_referrer that breaks a rule");
		rejected(m, &f, key);
		return;
	}
	expect_status(m, rc, ST(LOYALTY_OK), "set_referrer");
	c->referrer = ri;
	touch(m, ci);
	expect_writes(m, K(LOYALTY_ENTRY_REFERRAL), key, m->now, ci, -1, -1);
	settle(m);
	{
		hist *h = push_hist(m, OP_REFERRER, key, ci, ri, 0, 0, m->now);
		snprintf(h->text, sizeof h->text, "%s", m->c[ri].code);
	}
	m->ok[OP_REFERRER]++;
}

static void op_assign(model *m)
{
	char key[24];
	int ci = pick(m), k = (int)rnd(m, 1, NTIERS - 1);
	loyalty_time until = m->now + rnd(m, 20, 120) * DAY;
	int before = m->c[ci].l_tier;
	int rc;

	new_key(m, key, sizeof key);
	snprintf(m->what, sizeof m->what, "assign_tier %s %s to %d", key, tier_names[k], ci);
	rc = loyalty_program_assign_tier(m->p, key, &m->c[ci].id, tier_names[k], until, m->now);
	expect_status(m, rc, ST(LOYALTY_OK), "assign_tier");
	expect_writes(m, K(LOYALTY_ENTRY_TIER), key, m->now, ci, -1, -1);
	touch(m, ci);
	settle(m);
	if (before < k && m->c[ci].l_tier != k)
		failf(m, "a paid tier above the current one was not applied");
	push_hist(m, OP_ASSIGN, key, ci, -1, k, until, m->now);
	m->ok[OP_ASSIGN]++;
}

/* ---- the maintenance sweep ----------------------------------------------------------------- */

static void op_sweep(model *m)
{
	loyalty_maintenance_report rep;
	char key[64];
	int64_t matured = 0;
	int rc;

	snprintf(m->what, sizeof m->what, "sweep at %lld", (long long)m->now);
	snprintf(key, sizeof key, "maintenance@%lld", (long long)m->now);
	/* the model matures every hold that ended (purchases are in time order) */
	for (; m->mature_next < m->npu && m->pu[m->mature_next].pending_until <= m->now; m->mature_next++) {
		purch *pr = &m->pu[m->mature_next];
		if (pr->pending_left > 0) {
			m->c[pr->cust].m_pending -= pr->pending_left;
			credit(m, pr->cust, pr->pending_left);
			matured += pr->pending_left;
			pr->pending_left = 0;
		}
	}
	rc = loyalty_program_maintain(m->p, m->now, &rep);
	expect_status(m, rc, ST(LOYALTY_OK), "maintain");
	expect_writes(m, K(LOYALTY_ENTRY_MATURE) | K(LOYALTY_ENTRY_DEBT_REPAY) | K(LOYALTY_ENTRY_EXPIRE) |
	                     K(LOYALTY_ENTRY_TIER),
	              key, m->now, -1, -1, -1);
	m->any_customer = true;
	settle(m);
	expect_eq(m, rep.matured, matured, "sweep report: matured");
	expect_eq(m, rep.expired, m->expired_now, "sweep report: expired = sum of EXPIRE entries");
	expect_eq(m, rep.entries, m->new_entries, "sweep report: entries");
	/* nothing is left that should have matured or expired (the customers the sweep
	 * touched were checked by settle(); progress for a sample of all of them) */
	for (int k = 0; k < 24; k++) {
		int i = k < 4 ? k : (int)rnd(m, 0, NCUST - 1);
		loyalty_progress pg;
		assert_ok(loyalty_program_progress(m->p, &m->c[i].id, m->now, &pg));
		if ((pg.next_maturity != 0 && pg.next_maturity <= m->now) || (pg.next_expiry != 0 && pg.next_expiry <= m->now))
			failf(m, "customer %d: after the sweep, next maturity %lld / next expiry %lld <= now", i,
			      (long long)pg.next_maturity, (long long)pg.next_expiry);
		expect_eq(m, pg.available, m->c[i].m_avail, "customer %d: progress available", i);
		expect_eq(m, pg.pending, m->c[i].m_pending, "customer %d: progress pending", i);
		expect_eq(m, pg.debt, m->c[i].m_debt, "customer %d: progress debt", i);
	}
	m->swept = true;
	m->last_sweep = m->now;
	m->ok[OP_SWEEP]++;
	/* again at the same now: nothing more; before it: refused */
	if (rnd(m, 0, 3) == 0) {
		frame f;
		frame_take(m, &f, pick(m), -1, -1);
		assert_ok(loyalty_program_maintain(m->p, m->now, &rep));
		if (rep.matured || rep.expired || rep.tier_changes || rep.entries)
			failf(m, "a second sweep at the same now did something");
		frame_same(m, &f, "second sweep");
		expect_status(m, loyalty_program_maintain(m->p, m->now - 1, NULL), ST(LOYALTY_EINVAL), "sweep in the past");
		frame_same(m, &f, "sweep in the past");
	}
}

/* ---- replays and conflicts --------------------------------------------------------------- */

static void op_replay(model *m, bool conflict)
{
	size_t kept = m->nh < HISTORY ? m->nh : HISTORY;
	hist *h;
	frame f;
	int rc = LOYALTY_OK;
	unsigned want = conflict ? ST(LOYALTY_ECONFLICT) : ST(LOYALTY_OK);

	if (kept == 0)
		return;
	h = &m->h[(size_t)rnd(m, 0, (int64_t)kept - 1)];
	snprintf(m->what, sizeof m->what, "%s of %s %s", conflict ? "conflicting reuse" : "replay", op_names[h->op],
	         h->key);
	frame_take(m, &f, h->c1, h->c2, -1);
	if (conflict && rnd(m, 0, 3) == 0) {
		/* another operation under the same key: keys share one namespace */
		rc = loyalty_program_adjust(m->p, h->key, &m->c[h->c1].id, 5, "conflict", m->now, NULL);
		expect_status(m, rc, want, "adjust under a key used by another operation");
		frame_same(m, &f, "key reused by another operation");
		m->conflicts_checked++;
		m->ok[OP_CONFLICT]++;
		return;
	}
	switch (h->op) {
	case OP_PURCHASE: {
		purch *pr = &m->pu[h->idx];
		int variant = conflict ? (int)rnd(m, 0, 1) : -1;
		loyalty_purchase *pu = build_purchase(m, pr, pr->at + (variant == 0), variant == 1, "EUR");
		loyalty_receipt *r = NULL;
		rc = loyalty_program_record_purchase(m->p, pu, &r);
		loyalty_purchase_free(pu);
		expect_status(m, rc, want, "record_purchase again");
		if (!conflict) {
			if (r == NULL || loyalty_receipt_points(r) != pr->points || loyalty_receipt_credited(r) != pr->credited ||
			    loyalty_receipt_capped(r) != pr->capped || loyalty_receipt_entry_seq(r) != pr->entry_seq ||
			    loyalty_receipt_pending_until(r) != pr->pending_until ||
			    loyalty_receipt_eligible_spend(r) != pr->eligible || !loyalty_receipt_recorded(r))
				failf(m, "the replayed purchase returned another receipt");
		}
		loyalty_receipt_free(r);
		break;
	}
	case OP_REFUND: {
		loyalty_refund_result res;
		rc = loyalty_program_refund(m->p, h->key, m->pu[h->idx].key, h->amount + conflict, h->at, &res);
		expect_status(m, rc, want, "refund again");
		if (!conflict &&
		    (res.clawed_back != h->refund.clawed_back || res.from_pending != h->refund.from_pending ||
		     res.debt_added != h->refund.debt_added || res.refunded_total != h->refund.refunded_total ||
		     res.entry_seq != h->refund.entry_seq))
			failf(m, "the replayed refund returned another result");
		break;
	}
	case OP_REDEEM: {
		redem *rd = &m->rd[h->idx];
		loyalty_redemption out;
		const char *reward = rewards[rd->reward].id;
		if (conflict && rnd(m, 0, 1))
			reward = rewards[(rd->reward + 1) % NREWARDS].id;
		rc = loyalty_program_redeem(m->p, h->key, &m->c[h->c1].id, reward,
		                            h->at + (conflict && reward == rewards[rd->reward].id), &out);
		expect_status(m, rc, want, "redeem again");
		if (!conflict) {
			/* the same redemption (its coupon code and entry); `cancelled` tells its state now */
			if (memcmp(&out.id, &rd->r.id, sizeof out.id) != 0 ||
			    memcmp(&out.customer_id, &rd->r.customer_id, sizeof out.customer_id) != 0 ||
			    strcmp(out.reward, rd->r.reward) != 0 || out.points != rd->r.points || out.at != rd->r.at ||
			    out.entry_seq != rd->r.entry_seq || out.cancelled != (int)rd->cancelled)
				failf(m, "the replayed redemption differs from the first");
		}
		break;
	}
	case OP_CANCEL: {
		redem *rd = &m->rd[h->idx];
		loyalty_redemption out;
		rc = loyalty_program_cancel_redemption(m->p, h->key, &rd->r.id, h->at + conflict, &out);
		expect_status(m, rc, want, "cancel again");
		if (!conflict && (memcmp(&out.id, &rd->r.id, sizeof out.id) != 0 || !out.cancelled))
			failf(m, "the replayed cancellation differs from the first");
		break;
	}
	case OP_DONATE:
	case OP_ADJUST:
	case OP_ACTION:
	case OP_PARTNER: {
		loyalty_entry e;
		const loyalty_id *id = &m->c[h->c1].id;
		if (h->op == OP_DONATE)
			rc = loyalty_program_donate(m->p, h->key, id, h->text, h->amount + conflict, h->at, &e);
		else if (h->op == OP_ADJUST)
			rc = loyalty_program_adjust(m->p, h->key, id, h->amount + (h->amount > 0 ? conflict : -conflict),
			                            "customer service", h->at, &e);
		else if (h->op == OP_ACTION)
			rc = loyalty_program_record_action(m->p, h->key, id, actions[h->idx].name, h->at + conflict, &e);
		else
			rc = loyalty_program_credit_partner(m->p, h->key, id, partners[h->idx].name, h->amount + conflict, h->at,
			                                    &e);
		expect_status(m, rc, want, "single-entry operation again");
		if (!conflict && !same_entry(&e, &h->entry))
			failf(m, "the replay returned another entry (seq %llu, first %llu)", (unsigned long long)e.seq,
			      (unsigned long long)h->entry.seq);
		break;
	}
	case OP_TRANSFER:
		rc = loyalty_program_transfer(m->p, h->key, &m->c[h->c1].id, &m->c[h->c2].id, h->amount + conflict, h->at);
		expect_status(m, rc, want, "transfer again");
		break;
	case OP_REFERRER:
		rc = loyalty_program_set_referrer(m->p, h->key, &m->c[h->c1].id, h->text, h->at + conflict);
		expect_status(m, rc, want, "set_referrer again");
		break;
	case OP_ASSIGN:
		rc = loyalty_program_assign_tier(m->p, h->key, &m->c[h->c1].id, tier_names[h->idx], h->amount + conflict,
		                                 h->at);
		expect_status(m, rc, want, "assign_tier again");
		break;
	default:
		failf(m, "history holds op %d", h->op);
	}
	frame_same(m, &f, conflict ? "conflicting reuse of a key" : "replay");
	if (conflict)
		m->conflicts_checked++;
	else
		m->replays_checked++;
	m->ok[conflict ? OP_CONFLICT : OP_REPLAY]++;
}

/* Replay an enrolment (same profile, code and time: the same customer, nothing written). */
static void op_replay_enroll(model *m)
{
	int ci = (int)rnd(m, 0, NCUST - 1);
	cust *c = &m->c[ci];
	char key[32];
	loyalty_customer *out = NULL;
	frame f;

	snprintf(key, sizeof key, "enroll-%d", ci);
	snprintf(m->what, sizeof m->what, "replay of enrolment %s", key);
	frame_take(m, &f, ci, -1, -1);
	expect_status(m, loyalty_program_enroll(m->p, key, c->profile, c->enrolled_with[0] ? c->enrolled_with : NULL, m->t0,
	                                        &out),
	              ST(LOYALTY_OK), "enroll again");
	if (out == NULL || loyalty_id_compare(loyalty_customer_id(out), &c->id) != 0)
		failf(m, "the replayed enrolment returned another customer");
	loyalty_customer_free(out);
	frame_same(m, &f, "replayed enrolment");
	/* the same profile under a new key: the customer exists */
	expect_status(m, loyalty_program_enroll(m->p, "enroll-again", c->profile, NULL, m->now, NULL),
	              ST(LOYALTY_EDUPLICATE), "enroll an enrolled customer");
	frame_same(m, &f, "duplicate enrolment");
	m->replays_checked++;
	m->ok[OP_REPLAY]++;
}

/* ---- invalid calls ----------------------------------------------------------------------- */

static void op_invalid(model *m)
{
	char key[24], long_key[LOYALTY_KEY_MAX + 2];
	int ci = pick(m), other = pick_other(m, ci), kind = (int)rnd(m, 0, 24);
	loyalty_customer *ghost_c = torture_customer((unsigned)(100000 + rnd(m, 0, 999)));
	loyalty_id ghost = *loyalty_customer_id(ghost_c);
	const loyalty_id *id = &m->c[ci].id;
	loyalty_points dummy_pts;
	loyalty_customer *dummy_c = NULL;
	loyalty_entry e;
	loyalty_redemption red;
	loyalty_refund_result res;
	purch pr;
	frame f;
	unsigned want = ST(LOYALTY_EINVAL);
	int rc = LOYALTY_OK;

	loyalty_customer_free(ghost_c);
	new_key(m, key, sizeof key);
	memset(long_key, 'x', LOYALTY_KEY_MAX + 1);
	long_key[LOYALTY_KEY_MAX + 1] = '\0';
	snprintf(m->what, sizeof m->what, "invalid call #%d with key %s for %d", kind, key, ci);
	frame_take(m, &f, ci, other, -1);
	switch (kind) {
	case 0: { /* a purchase by an unknown customer */
		loyalty_purchase *pu = NULL;
		assert_ok(loyalty_purchase_new(&pu, key, &ghost, m->now, "EUR"));
		assert_ok(loyalty_purchase_add_item(pu, "sku", "grocery", 1, 1000));
		rc = loyalty_program_record_purchase(m->p, pu, NULL);
		loyalty_purchase_free(pu);
		want = ST(LOYALTY_ENOTFOUND);
		break;
	}
	case 1: { /* a purchase in another currency */
		loyalty_purchase *pu;
		memset(&pr, 0, sizeof pr);
		snprintf(pr.key, sizeof pr.key, "%s", key);
		pr.cust = ci;
		random_basket(m, &pr);
		pu = build_purchase(m, &pr, m->now, 0, "USD");
		rc = loyalty_program_record_purchase(m->p, pu, NULL);
		loyalty_purchase_free(pu);
		want = ST(LOYALTY_ECURRENCY);
		break;
	}
	case 2:
		rc = loyalty_program_record_purchase(m->p, NULL, NULL);
		break;
	case 3: /* refund of an unknown purchase */
		rc = loyalty_program_refund(m->p, key, "no-such-purchase", 100, m->now, &res);
		want = ST(LOYALTY_ENOTFOUND);
		break;
	case 4: /* refund of a zero or negative amount */
		if (m->npu == 0)
			return;
		rc = loyalty_program_refund(m->p, key, m->pu[m->npu - 1].key, -rnd(m, 0, 1000), m->now, &res);
		break;
	case 5: /* refund with a NULL or malformed key */
		if (m->npu == 0)
			return;
		rc = rnd(m, 0, 1) ? loyalty_program_refund(m->p, NULL, m->pu[m->npu - 1].key, 1, m->now, &res)
		                  : loyalty_program_refund(m->p, "bad key", m->pu[m->npu - 1].key, 1, m->now, &res);
		break;
	case 6: /* redeem an unknown reward */
		rc = loyalty_program_redeem(m->p, key, id, "no_such_reward", m->now, &red);
		want = ST(LOYALTY_ENOTFOUND);
		break;
	case 7: /* redeem for an unknown customer */
		rc = loyalty_program_redeem(m->p, key, &ghost, "coffee", m->now, &red);
		want = ST(LOYALTY_ENOTFOUND);
		break;
	case 8:
		rc = loyalty_program_redeem(m->p, key, NULL, "coffee", m->now, &red);
		break;
	case 9: { /* cancel an unknown redemption */
		loyalty_id nobody;
		memset(&nobody, 0x5a, sizeof nobody);
		rc = loyalty_program_cancel_redemption(m->p, key, &nobody, m->now, &red);
		want = ST(LOYALTY_ENOTFOUND);
		break;
	}
	case 10: /* donate nothing, or a negative amount */
		rc = loyalty_program_donate(m->p, key, id, "trees", -rnd(m, 0, 100), m->now, &e);
		break;
	case 11: /* donate to a malformed cause */
		rc = loyalty_program_donate(m->p, key, id, "bad cause", 1, m->now, &e);
		break;
	case 12: /* transfer to oneself */
		rc = loyalty_program_transfer(m->p, key, id, id, 1, m->now);
		break;
	case 13: /* transfer to or from an unknown customer (the sender may be short, too) */
		rc = rnd(m, 0, 1) ? loyalty_program_transfer(m->p, key, id, &ghost, 1, m->now)
		                  : loyalty_program_transfer(m->p, key, &ghost, id, 1, m->now);
		want = ST(LOYALTY_ENOTFOUND) | (m->c[ci].m_avail < 1 ? ST(LOYALTY_EINSUFFICIENT) : 0);
		break;
	case 14: /* transfer nothing, or a negative amount */
		rc = loyalty_program_transfer(m->p, key, id, &m->c[other].id, -rnd(m, 0, 100), m->now);
		break;
	case 15: /* adjust by nothing, or without a reason */
		rc = rnd(m, 0, 1) ? loyalty_program_adjust(m->p, key, id, 0, "nothing", m->now, &e)
		                  : loyalty_program_adjust(m->p, key, id, 10, rnd(m, 0, 1) ? "" : NULL, m->now, &e);
		break;
	case 16: /* an unknown action, or an action for an unknown customer */
		rc = rnd(m, 0, 1) ? loyalty_program_record_action(m->p, key, id, "no_such_action", m->now, &e)
		                  : loyalty_program_record_action(m->p, key, &ghost, "survey", m->now, &e);
		want = ST(LOYALTY_ENOTFOUND);
		break;
	case 17: /* an unknown partner */
		rc = loyalty_program_credit_partner(m->p, key, id, "no_such_partner", 10, m->now, &e);
		want = ST(LOYALTY_ENOTFOUND);
		break;
	case 18: /* partner units <= 0 */
		rc = loyalty_program_credit_partner(m->p, key, id, "airline", -rnd(m, 0, 10), m->now, &e);
		break;
	case 19: /* keys: empty, with a space, too long, NULL */
		switch (rnd(m, 0, 3)) {
		case 0: rc = loyalty_program_adjust(m->p, "", id, 10, "x", m->now, &e); break;
		case 1: rc = loyalty_program_donate(m->p, "two words", id, "trees", 1, m->now, &e); break;
		case 2: rc = loyalty_program_record_action(m->p, long_key, id, "survey", m->now, &e); break;
		default: rc = loyalty_program_credit_partner(m->p, NULL, id, "hotel", 10, m->now, &e); break;
		}
		break;
	case 20: /* a NULL program */
		switch (rnd(m, 0, 3)) {
		case 0: rc = loyalty_program_redeem(NULL, key, id, "coffee", m->now, &red); break;
		case 1: rc = loyalty_program_transfer(NULL, key, id, &m->c[other].id, 1, m->now); break;
		case 2: rc = loyalty_program_maintain(NULL, m->now, NULL); break;
		default: rc = loyalty_program_get_customer(NULL, id, &dummy_c); break;
		}
		break;
	case 21: /* lookups of an unknown customer */
		rc = rnd(m, 0, 1) ? loyalty_program_get_customer(m->p, &ghost, &dummy_c)
		                  : loyalty_program_debt(m->p, &ghost, &dummy_pts);
		want = ST(LOYALTY_ENOTFOUND);
		break;
	case 22: /* a paid tier that does not exist, or that ends before it starts */
		rc = rnd(m, 0, 1) ? loyalty_program_assign_tier(m->p, key, id, "platinum", m->now + DAY, m->now)
		                  : loyalty_program_assign_tier(m->p, key, id, "gold", m->now, m->now);
		want = ST(LOYALTY_ENOTFOUND) | ST(LOYALTY_EINVAL);
		break;
	case 23: /* an unknown referral code (codes derive from ids: make sure nobody has it) */
		for (int i = 0; i < NCUST; i++)
			if (strcmp(m->c[i].code, "LY-ZZZZZZZ") == 0)
				return;
		rc = loyalty_program_set_referrer(m->p, key, id, "LY-ZZZZZZZ", m->now);
		want = ST(LOYALTY_ENOTFOUND) | ST(LOYALTY_EDUPLICATE) | ST(LOYALTY_ESTATE);
		break;
	default: /* a sweep in the past */
		if (!m->swept)
			return;
		rc = loyalty_program_maintain(m->p, m->last_sweep - rnd(m, 1, 400 * DAY), NULL);
		break;
	}
	expect_status(m, rc, want, "invalid call");
	if (dummy_c != NULL)
		failf(m, "a failed lookup returned a customer");
	rejected(m, &f, key);
	m->ok[OP_INVALID]++;
}

/* ---- the program ---------------------------------------------------------------------------- */

static loyalty_program *build_program(model *m)
{
	loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_calculator *calc = torture_calculator("EUR", m->rounding, OFFSET);
	loyalty_program *p = NULL;
	static const char *const bronze[] = { "member_prices" }, *const silver[] = { "free_delivery" },
	                         *const gold[] = { "free_delivery", "early_access", "member_events" };
	char params[64];

	assert_ok(loyalty_calculator_exclude_product_type(calc, "gift_card"));
	assert_ok(loyalty_calculator_add(calc, "base_rate", "base", "points=1 per=100"));
	snprintf(params, sizeof params, "tier.silver=%lld/%lld tier.gold=%lld/%lld", (long long)tier_mult_num[1],
	         (long long)tier_mult_den[1], (long long)tier_mult_num[2], (long long)tier_mult_den[2]);
	assert_ok(loyalty_calculator_add(calc, "tier_multiplier", "tiers", params));
	snprintf(params, sizeof params, "min_spend=%d bonus=%d", BIG_BASKET, BIG_BONUS);
	assert_ok(loyalty_calculator_add(calc, "threshold", "big_basket", params));
	snprintf(params, sizeof params, "bonus=%d", FIRST_BONUS);
	assert_ok(loyalty_calculator_add(calc, "first_purchase", "welcome", params));

	o.pending_days = PENDING_DAYS;
	o.refund_policy = m->policy;
	o.cap_per_purchase = CAP_PER_PURCHASE;
	o.cap_per_period = CAP_PER_MONTH;
	o.cap_period = LOYALTY_PERIOD_MONTH;
	o.expiry = LOYALTY_EXPIRY_BUCKET;
	o.expiry_months = 6;
	o.tier_grace_days = 31;
	/* the two runs differ in more than the refund policy, to cover more of the rules */
	if (m->policy == LOYALTY_REFUND_NEGATIVE_BALANCE) {
		o.expiry_round_up = LOYALTY_PERIOD_MONTH;
		o.tier_metric = LOYALTY_TIER_BY_SPEND;
		o.tier_window = LOYALTY_TIER_CALENDAR_YEAR;
	} else {
		o.expiry_days = 15;
		o.tier_metric = LOYALTY_TIER_BY_POINTS;
		o.tier_window = LOYALTY_TIER_ROLLING_DAYS;
		o.tier_window_days = 365;
	}
	o.referrer_bonus = REFERRER_BONUS;
	o.referee_bonus = REFEREE_BONUS;
	o.referral_min_spend = REFERRAL_MIN_SPEND;
	o.referral_max_per_referrer = REFERRAL_MAX;
	assert_ok(loyalty_program_new(&p, calc, &o));
	{
		const int64_t *th = o.tier_metric == LOYALTY_TIER_BY_SPEND ? spend_thresholds : points_thresholds;
		assert_ok(loyalty_program_add_tier(p, tier_names[0], th[0], bronze, 1));
		assert_ok(loyalty_program_add_tier(p, tier_names[1], th[1], silver, 1));
		assert_ok(loyalty_program_add_tier(p, tier_names[2], th[2], gold, 3));
	}
	for (size_t i = 0; i < NREWARDS; i++) {
		loyalty_reward_def d = LOYALTY_REWARD_DEF_INIT;
		d.id = rewards[i].id;
		d.cost = rewards[i].cost;
		d.min_tier = rewards[i].min_tier >= 0 ? tier_names[rewards[i].min_tier] : NULL;
		d.stock = rewards[i].stock;
		if (rewards[i].windowed) {
			d.valid_from = m->summer_from;
			d.valid_until = m->summer_until;
		}
		assert_ok(loyalty_program_add_reward(p, &d));
		m->stock[i] = rewards[i].stock;
	}
	for (size_t i = 0; i < NACTIONS; i++)
		assert_ok(loyalty_program_add_action(p, actions[i].name, actions[i].points, actions[i].cap, actions[i].period));
	for (size_t i = 0; i < NPARTNERS; i++) {
		loyalty_fraction rate = { partners[i].num, partners[i].den };
		assert_ok(loyalty_program_add_partner(p, partners[i].name, rate));
	}
	return p;
}

static void enroll_all(model *m)
{
	for (int i = 0; i < NCUST; i++) {
		cust *c = &m->c[i];
		char key[32], email[64];
		const char *code = NULL;

		c->profile = torture_customer((unsigned)i);
		c->id = *loyalty_customer_id(c->profile);
		snprintf(email, sizeof email, "customer%d@example.com", i);
		assert_ok(loyalty_customer_set_email(c->profile, email));
		c->referrer = -1;
		c->l_tier = -1;
		c->cap_period = -1;
		for (int k = 0; k < NACTIONS; k++)
			c->act_period[k] = -1;
		if (i >= 10 && rnd(m, 0, 3) == 0) { /* a quarter join by referral */
			c->referrer = (int)rnd(m, 0, i - 1);
			code = m->c[c->referrer].code;
			memcpy(c->enrolled_with, code, sizeof c->enrolled_with); /* both LOYALTY_REFERRAL_CODE_LEN + 1 */
		}
		snprintf(key, sizeof key, "enroll-%d", i);
		snprintf(m->what, sizeof m->what, "enrolment of %d", i);
		assert_ok(loyalty_program_enroll(m->p, key, c->profile, code, m->t0, NULL));
		assert_ok(loyalty_program_referral_code(m->p, &c->id, c->code, sizeof c->code));
		expect_writes(m, K(LOYALTY_ENTRY_ENROLL) | K(LOYALTY_ENTRY_TIER), key, m->t0, i, -1, -1);
		touch(m, i);
		settle(m);
		if (m->c[i].l_tier != 0)
			failf(m, "a first tier at 0 is given at enrolment");
	}
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return def;
	n = strtol(v, &end, 10);
	return *end == '\0' && n > 0 ? n : def;
}

static void run(loyalty_refund_policy policy, const char *name, loyalty_rounding rounding, uint64_t seed)
{
	model *m = calloc(1, sizeof *m);
	long nops = env_long("LOYALTY_MODEL_OPS", UNDER_VALGRIND() ? VALGRIND_OPS : DEFAULT_OPS);
	long negative_balances = 0, debts = 0, tiers[NTIERS + 1] = { 0 };

	assert_non_null(m);
	m->policy_name = name;
	m->policy = policy;
	m->rounding = rounding;
	m->seed = (uint64_t)env_long("LOYALTY_MODEL_SEED", (long)seed);
	m->rng.state = m->seed;
	uuid_state = m->seed ^ 0x1d5;
	m->h = calloc(HISTORY, sizeof *m->h);
	assert_non_null(m->h);
	m->t0 = torture_time(2025, 1, 1, 9, 0);
	m->summer_from = torture_time(2026, 6, 1, 0, 0);
	m->summer_until = torture_time(2026, 9, 1, 0, 0);
	m->now = m->t0;
	printf("[ model    ] %s, rounding %s, tiers %s: seed %llu, %ld operations over %d customers\n", name,
	       loyalty_rounding_name(rounding),
	       policy == LOYALTY_REFUND_NEGATIVE_BALANCE ? "by spend per calendar year" : "by points over a rolling year",
	       (unsigned long long)m->seed, nops, NCUST);
	fflush(stdout);
	m->p = build_program(m);
	enroll_all(m);

	for (m->op = 1; m->op <= nops; m->op++) {
		int64_t r = rnd(m, 0, 999);
		int op;

		m->now += rnd(m, 0, 60) * MINUTE + rnd(m, 0, 999);
		if (r < 300) op = OP_PURCHASE;
		else if (r < 370) op = OP_REFUND;
		else if (r < 480) op = OP_REDEEM;
		else if (r < 505) op = OP_CANCEL;
		else if (r < 535) op = OP_DONATE;
		else if (r < 595) op = OP_TRANSFER;
		else if (r < 640) op = OP_ADJUST;
		else if (r < 700) op = OP_ACTION;
		else if (r < 740) op = OP_PARTNER;
		else if (r < 750) op = OP_REFERRER;
		else if (r < 754) op = OP_ASSIGN;
		else if (r < 756) op = OP_SWEEP;
		else if (r < 850) op = OP_REPLAY;
		else if (r < 900) op = OP_CONFLICT;
		else op = OP_INVALID;
		m->count[op]++;
		switch (op) {
		case OP_PURCHASE: op_purchase(m); break;
		case OP_REFUND: op_refund(m); break;
		case OP_REDEEM: op_redeem(m); break;
		case OP_CANCEL: op_cancel(m); break;
		case OP_DONATE: op_donate(m); break;
		case OP_TRANSFER: op_transfer(m); break;
		case OP_ADJUST: op_adjust(m); break;
		case OP_ACTION: op_action(m); break;
		case OP_PARTNER: op_partner(m); break;
		case OP_REFERRER: op_referrer(m); break;
		case OP_ASSIGN: op_assign(m); break;
		case OP_SWEEP: op_sweep(m); break;
		case OP_REPLAY:
			if (rnd(m, 0, 49) == 0)
				op_replay_enroll(m);
			else
				op_replay(m, false);
			break;
		case OP_CONFLICT: op_replay(m, true); break;
		default: op_invalid(m); break;
		}
		if (m->ntouched)
			failf(m, "customers touched but not checked");
		if (m->op % FULL_CHECK_EVERY == 0 || m->op == nops) {
			absorb(m);
			expect_eq(m, m->seen, loyalty_program_entry_count(m->p), "every entry read");
			for (int i = 0; i < NCUST; i++) {
				check_customer(m, i);
				m->c[i].touched = false;
			}
			m->ntouched = 0;
			for (int k = 0; k < NREWARDS; k++)
				check_stock(m, k);
		}
	}
	for (int i = 0; i < NCUST; i++) {
		negative_balances += m->c[i].m_avail < 0;
		debts += m->c[i].m_debt > 0;
		tiers[m->c[i].l_tier + 1]++;
	}
	printf("[ model    ] %s: %zu ledger entries, %zu purchases, %zu redemptions; until %lld (%.1f years)\n", name,
	       m->seen, m->npu, m->nrd, (long long)m->now, (double)(m->now - m->t0) / (365.25 * DAY));
	printf("[ model    ]   ops (done/tried):");
	for (int i = 0; i < NOPS; i++)
		printf(" %s %ld/%ld", op_names[i], m->ok[i], m->count[i]);
	printf("\n[ model    ]   checked: %ld rejected calls, %ld replays, %ld conflicts; %ld capped purchases, %ld "
	       "referrals paid, %ld tier changes, %ld MATURE, %ld EXPIRE; customer checks saw %ld negative balances, %ld "
	       "debts\n",
	       m->rejected_checked, m->replays_checked, m->conflicts_checked, m->capped_seen, m->referral_paid,
	       m->tier_changes, m->matured_entries, m->expired_entries, m->negative_seen, m->debt_seen);
	printf("[ model    ]   at the end: %ld negative balances, %ld debts; "
	       "tiers none/bronze/silver/gold %ld/%ld/%ld/%ld\n",
	       negative_balances, debts, tiers[0], tiers[1], tiers[2], tiers[3]);
	fflush(stdout);
	if (nops >= 10000) { /* the generator does drive balances below 0, or into debt */
		if (policy == LOYALTY_REFUND_NEGATIVE_BALANCE)
			assert_true(m->negative_seen > 0);
		else
			assert_true(m->debt_seen > 0);
		assert_true(m->ok[OP_SWEEP] > 0 && m->expired_entries > 0 && m->matured_entries > 0 && m->capped_seen > 0 &&
		            m->tier_changes > NCUST && m->replays_checked > 0 && m->conflicts_checked > 0);
	}

	loyalty_program_free(m->p);
	for (int i = 0; i < NCUST; i++)
		loyalty_customer_free(m->c[i].profile);
	free(m->pu);
	free(m->rd);
	free(m->h);
	free(m);
}

static void test_model_negative_balance(void **state)
{
	(void)state;
	run(LOYALTY_REFUND_NEGATIVE_BALANCE, "NEGATIVE_BALANCE", LOYALTY_ROUND_HALF_EVEN, 20261128);
}

static void test_model_debt(void **state)
{
	(void)state;
	run(LOYALTY_REFUND_DEBT, "DEBT", LOYALTY_ROUND_FLOOR, 3141592653);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_negative_balance),
		cmocka_unit_test(test_model_debt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
