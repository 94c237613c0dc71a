/*
 * The fixed values behind the golden files (see golden.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"

#define T0 INT64_C(1767225600000) /* 2026-01-01T00:00:00Z */
#define DAY LOYALTY_MS_PER_DAY

static void *must(void *p)
{
	if (p == NULL) {
		fprintf(stderr, "golden: out of memory\n");
		abort();
	}
	return p;
}

static void ok(int rc)
{
	if (rc != LOYALTY_OK) {
		fprintf(stderr, "golden: %s\n", loyalty_last_error());
		abort();
	}
}

static char *dup(const char *s)
{
	return must(ly_strdup(s));
}

loyalty_id golden_id(uint8_t tag, unsigned n)
{
	loyalty_id id;

	/* a version 4, RFC 4122 variant layout, with the tag and n where one can read them */
	memset(&id, 0, sizeof id);
	id.bytes[0] = tag;
	id.bytes[6] = 0x40;
	id.bytes[8] = 0x80;
	id.bytes[12] = (uint8_t)(n >> 24);
	id.bytes[13] = (uint8_t)(n >> 16);
	id.bytes[14] = (uint8_t)(n >> 8);
	id.bytes[15] = (uint8_t)n;
	return id;
}

/* ---- values ------------------------------------------------------------------ */

loyalty_customer *golden_customer(void)
{
	loyalty_id id = golden_id(0xc1, 1);
	loyalty_customer *c = NULL;

	ok(loyalty_customer_new(&c, &id));
	ok(loyalty_customer_set_external_ref(c, "crm-000123"));
	ok(loyalty_customer_set_name(c, "Zo\xc3\xab M\xc3\xbcller"));
	ok(loyalty_customer_set_email(c, "zoe@example.com"));
	ok(loyalty_customer_set_birthday(c, 2, 29));
	ok(loyalty_customer_set_joined_at(c, T0));
	ok(loyalty_customer_set_tier(c, "gold"));
	ok(loyalty_customer_add_tag(c, "vip"));
	ok(loyalty_customer_add_tag(c, "staff"));
	c->available = 1234;
	c->pending = 450;
	c->lifetime_earned = 2000;
	c->lifetime_redeemed = 700;
	c->lifetime_expired = 66;
	return c;
}

loyalty_purchase *golden_purchase(void)
{
	loyalty_id id = golden_id(0xc1, 1);
	loyalty_purchase *p = NULL;

	ok(loyalty_purchase_new(&p, "order-1001", &id, T0 + DAY, "EUR"));
	ok(loyalty_purchase_set_channel(p, "online"));
	ok(loyalty_purchase_add_item(p, "SKU-1", "electronics", 1, 19999));
	ok(loyalty_purchase_add_item(p, "SKU-2", "groceries", 3, 250));
	ok(loyalty_purchase_add_item(p, "GC-50", "gift_card", 1, 5000));
	return p;
}

static void line(loyalty_receipt *r, const char *name, const char *kind, loyalty_strategy_role role, int applied,
                 int64_t num, int64_t den, const char *detail)
{
	ly_rline *l = &r->lines[r->nlines++];

	l->role = role;
	l->applied = applied;
	l->points.num = num;
	l->points.den = den;
	ok(ly_receipt_intern(r, name, &l->name_off));
	ok(ly_receipt_intern(r, kind, &l->kind_off));
	ok(ly_receipt_intern(r, detail, &l->detail_off));
}

loyalty_receipt *golden_receipt(void)
{
	loyalty_receipt *r = must(calloc(1, sizeof *r));

	r->lines = must(calloc(3, sizeof *r->lines));
	ok(ly_receipt_intern(r, "order-1001", &r->key_off));
	line(r, "dollar", "base_rate", LOYALTY_ROLE_BASE, 1, 20749, 100, "1 per 100 on 20749 eligible");
	line(r, "double-tuesday", "campaign", LOYALTY_ROLE_MULTIPLIER, 0, 0, 1, "outside window");
	line(r, "welcome", "first_purchase", LOYALTY_ROLE_BONUS, 1, 200, 1, "first purchase");
	r->points = 407;
	r->exact.num = 40749;
	r->exact.den = 100;
	r->base.num = 20749;
	r->base.den = 100;
	r->adjustment.num = -49;
	r->adjustment.den = 100;
	r->rounding = LOYALTY_ROUND_FLOOR;
	r->spend = 25749;
	r->eligible_spend = 20749;
	memcpy(r->currency, "EUR", 4);
	r->customer_id = golden_id(0xc1, 1);
	r->recorded = true;
	r->credited = 400;
	r->capped = 7;
	r->pending_until = T0 + 15 * DAY;
	r->entry_seq = 7;
	return r;
}

void golden_entry(loyalty_entry *e)
{
	memset(e, 0, sizeof *e);
	e->seq = 7;
	e->id = golden_id(0xe0, 7);
	e->customer_id = golden_id(0xc1, 1);
	e->kind = LOYALTY_ENTRY_EARN;
	e->points = 0;
	e->pending = 400;
	e->debt = 0;
	e->available_after = 1234;
	e->pending_after = 450;
	e->at = T0 + DAY;
	snprintf(e->key, sizeof e->key, "order-1001");
	snprintf(e->ref, sizeof e->ref, "order-1001");
	snprintf(e->memo, sizeof e->memo, "purchase");
}

ly_account *golden_account(void)
{
	loyalty_customer *c = golden_customer();
	ly_account *a = must(ly_account_new(c));

	loyalty_customer_free(c);
	a->c->available = 1234;
	a->c->pending = 450;
	a->c->lifetime_earned = 2000;
	a->c->lifetime_redeemed = 700;
	a->c->lifetime_expired = 66;
	snprintf(a->code, sizeof a->code, "LY-8XK2P4Q");
	a->has_referrer = true;
	a->referrer = golden_id(0xc1, 2);
	a->purchased = true;
	a->referral_paid = true;
	a->referrals_paid = 3;
	a->debt = 25;
	a->buckets = must(calloc(2, sizeof *a->buckets));
	a->nbuckets = a->capbuckets = 2;
	a->buckets[0] = (ly_bucket){ 3, 1234, T0, T0 + 365 * DAY, 0 };
	a->buckets[1] = (ly_bucket){ 7, 450, T0 + DAY, LY_NEVER, T0 + 15 * DAY };
	a->tier = 2;
	a->paid_tier = 1;
	a->paid_until = T0 + 90 * DAY;
	a->below_since = 0;
	a->evaluated_year = 20454; /* the local day number of 2026-01-01 */
	a->metric = must(calloc(2, sizeof *a->metric));
	a->nmetric = a->capmetric = 2;
	a->metric[0] = (ly_stamp){ T0, 180000 };
	a->metric[1] = (ly_stamp){ T0 + DAY, 20749 };
	a->counters = must(calloc(2, sizeof *a->counters));
	a->ncounters = a->capcounters = 2;
	snprintf(a->counters[0].name, sizeof a->counters[0].name, "%s", "");
	a->counters[0].period = 20454;
	a->counters[0].value = 300;
	snprintf(a->counters[1].name, sizeof a->counters[1].name, "review");
	a->counters[1].period = 20454;
	a->counters[1].value = 1;
	a->last_activity = T0 + DAY;
	return a;
}

ly_purchase_rec *golden_purchase_rec(void)
{
	ly_purchase_rec *r = must(calloc(1, sizeof *r));

	r->key = dup("order-1001");
	r->customer = golden_id(0xc1, 1);
	r->at = T0 + DAY;
	r->total = 25749;
	r->eligible = 20749;
	r->credited = 400;
	r->metric = 20749;
	r->earn_seq = 7;
	r->refunded = 5000;
	r->clawed = 79;
	return r;
}

ly_redemption_rec *golden_redemption_rec(void)
{
	ly_redemption_rec *r = must(calloc(1, sizeof *r));

	r->r.id = golden_id(0xd0, 1);
	r->r.customer_id = golden_id(0xc1, 1);
	snprintf(r->r.reward, sizeof r->r.reward, "mug");
	r->r.points = 500;
	r->r.at = T0 + 2 * DAY;
	r->r.cancelled = 1;
	r->r.entry_seq = 9;
	r->draws = must(calloc(2, sizeof *r->draws));
	r->ndraws = 2;
	r->draws[0] = (ly_draw){ 3, 300, T0, T0 + 365 * DAY };
	r->draws[1] = (ly_draw){ 5, 200, T0 + DAY / 2, LY_NEVER };
	return r;
}

static void request(ly_idem *r, const char *text)
{
	r->request_len = strlen(text);
	r->request = must(malloc(r->request_len));
	memcpy(r->request, text, r->request_len);
}

ly_idem *golden_idem(void)
{
	ly_idem *r = must(calloc(1, sizeof *r));

	r->key = dup("order-1001");
	r->op = LY_OP_PURCHASE;
	request(r, "canonical request bytes of order-1001");
	r->receipt = golden_receipt();
	return r;
}

void golden_tier(ly_tier *t)
{
	memset(t, 0, sizeof *t);
	t->name = dup("silver");
	t->threshold = 50000;
	ok(ly_strset_add(&t->benefits, "free_shipping"));
}

void golden_reward(ly_reward *r)
{
	memset(r, 0, sizeof *r);
	r->id = dup("lounge-pass");
	r->name = dup("Airport lounge pass \xe2\x9c\x88");
	r->cost = 5000;
	r->min_tier = 2;
	r->valid_from = T0;
	r->valid_until = T0 + 365 * DAY;
	r->stock = 10;
}

void golden_action(ly_action *a)
{
	memset(a, 0, sizeof *a);
	a->name = dup("review");
	a->points = 50;
	a->cap_count = 1;
	a->cap_period = LOYALTY_PERIOD_MONTH;
}

void golden_partner(ly_partner *p)
{
	memset(p, 0, sizeof *p);
	p->name = dup("airline");
	p->rate.num = 3;
	p->rate.den = 2;
}

void golden_definition(ly_definition *d)
{
	static const struct {
		const char *kind, *name;
		int role;
		const char *params;
	} strategies[] = {
		{ "base_rate", "dollar", LOYALTY_ROLE_BASE, "points=1 per=100" },
		{ "product_type", "electronics", LOYALTY_ROLE_MULTIPLIER, "mode=multiplier type.electronics=2" },
		{ "tier_multiplier", "tiers", LOYALTY_ROLE_MULTIPLIER, "tier.silver=5/4 tier.gold=3/2" },
		{ "campaign", "double-tuesday", LOYALTY_ROLE_MULTIPLIER, "multiplier=2 weekdays=tue channel=online" },
		{ "threshold", "big-basket", LOYALTY_ROLE_BONUS, "min_spend=10000 bonus=250" },
		{ "first_purchase", "welcome", LOYALTY_ROLE_BONUS, "bonus=200" },
		{ "birthday", "bday", LOYALTY_ROLE_BONUS, "bonus=100 period=day feb29=feb28" },
		{ "custom", "partner-boost", LOYALTY_ROLE_BONUS, "" },
	};
	const size_t ns = sizeof strategies / sizeof strategies[0];
	loyalty_program_options *o = &d->opts;

	memset(d, 0, sizeof *d);
	ok(loyalty_calculator_options_init(&d->copts, LOYALTY_CALCULATOR_OPTIONS_VERSION));
	snprintf(d->copts.currency, sizeof d->copts.currency, "EUR");
	d->copts.rounding = LOYALTY_ROUND_HALF_EVEN;
	d->copts.utc_offset_minutes = 60;
	d->copts.stacking = LOYALTY_STACK_COMPOUND;
	ok(ly_strset_add(&d->excluded, "gift_card"));
	ok(ly_strset_add(&d->excluded, "tobacco"));
	d->strategies = must(calloc(ns, sizeof *d->strategies));
	for (size_t i = 0; i < ns; i++) {
		d->strategies[i].kind = dup(strategies[i].kind);
		d->strategies[i].name = dup(strategies[i].name);
		d->strategies[i].role = strategies[i].role;
		d->strategies[i].params = dup(strategies[i].params);
		d->nstrategies++;
	}
	ok(loyalty_program_options_init(o, LOYALTY_PROGRAM_OPTIONS_VERSION));
	o->pending_days = 14;
	o->refund_policy = LOYALTY_REFUND_DEBT;
	o->cap_per_purchase = 1000;
	o->cap_per_period = 3000;
	o->cap_period = LOYALTY_PERIOD_MONTH;
	o->expiry = LOYALTY_EXPIRY_BUCKET;
	o->expiry_months = 12;
	o->expiry_days = 0;
	o->expiry_round_up = LOYALTY_PERIOD_MONTH;
	o->tier_metric = LOYALTY_TIER_BY_SPEND;
	o->tier_window = LOYALTY_TIER_ROLLING_DAYS;
	o->tier_window_days = 365;
	o->tier_grace_days = 30;
	o->referrer_bonus = 100;
	o->referee_bonus = 50;
	o->referral_min_spend = 2000;
	o->referral_max_per_referrer = 10;
	d->tiers = must(calloc(3, sizeof *d->tiers));
	d->tiers[0].name = dup("bronze");
	d->tiers[0].threshold = 0;
	golden_tier(&d->tiers[1]);
	d->tiers[2].name = dup("gold");
	d->tiers[2].threshold = 200000;
	ok(ly_strset_add(&d->tiers[2].benefits, "free_shipping"));
	ok(ly_strset_add(&d->tiers[2].benefits, "lounge"));
	d->ntiers = 3;
	d->rewards = must(calloc(2, sizeof *d->rewards));
	d->rewards[0].id = dup("mug");
	d->rewards[0].name = dup("");
	d->rewards[0].cost = 500;
	d->rewards[0].min_tier = -1;
	d->rewards[0].valid_from = INT64_MIN;
	d->rewards[0].valid_until = 0;
	d->rewards[0].stock = -1;
	golden_reward(&d->rewards[1]);
	d->nrewards = 2;
	d->actions = must(calloc(2, sizeof *d->actions));
	golden_action(&d->actions[0]);
	d->actions[1].name = dup("survey");
	d->actions[1].points = 20;
	d->actions[1].cap_count = 0;
	d->actions[1].cap_period = LOYALTY_PERIOD_NONE;
	d->nactions = 2;
	d->partners = must(calloc(1, sizeof *d->partners));
	golden_partner(&d->partners[0]);
	d->npartners = 1;
}

static loyalty_entry *txn_entry(ly_txn *t, ly_account *a, loyalty_entry_kind kind, loyalty_points points,
                                const char *key, const char *ref, const char *memo)
{
	loyalty_entry *e = &t->entries[t->nentries++];

	memset(e, 0, sizeof *e);
	e->seq = t->next_seq++;
	e->id = golden_id(0xe0, (unsigned)e->seq);
	e->customer_id = a->c->id;
	e->kind = kind;
	e->points = points;
	e->available_after = a->c->available;
	e->pending_after = a->c->pending;
	e->at = T0 + (int64_t)e->seq * LOYALTY_MS_PER_HOUR;
	snprintf(e->key, sizeof e->key, "%s", key);
	snprintf(e->ref, sizeof e->ref, "%s", ref);
	snprintf(e->memo, sizeof e->memo, "%s", memo);
	return e;
}

void golden_txn(ly_txn *t)
{
	loyalty_id rid = golden_id(0xc1, 2);
	loyalty_customer *c = NULL;
	ly_account *ref, *a;
	loyalty_entry *adj;

	memset(t, 0, sizeof *t);
	t->next_seq = 1;
	t->accounts = must(calloc(2, sizeof *t->accounts));
	t->capaccounts = 2;
	t->entries = must(calloc(3, sizeof *t->entries));
	t->capentries = 3;

	ok(loyalty_customer_new(&c, &rid));
	ok(loyalty_customer_set_joined_at(c, T0));
	ok(loyalty_customer_set_tier(c, "bronze"));
	ref = must(ly_account_new(c));
	loyalty_customer_free(c);
	snprintf(ref->code, sizeof ref->code, "LY-REF0001");
	ref->tier = 0;
	ref->evaluated_year = 20454;
	ref->last_activity = T0;
	t->accounts[t->naccounts].work = ref;
	t->accounts[t->naccounts++].is_new = true;

	a = golden_account();
	t->accounts[t->naccounts].work = a;
	t->accounts[t->naccounts++].is_new = true;

	txn_entry(t, ref, LOYALTY_ENTRY_ENROLL, 0, "enrol-2", "", "joined");
	txn_entry(t, a, LOYALTY_ENTRY_ENROLL, 0, "enrol-1", "LY-REF0001", "joined");
	adj = txn_entry(t, a, LOYALTY_ENTRY_ADJUST, 25, "adjust-1", "", "goodwill \xe2\x98\x95");

	t->purchases = must(calloc(1, sizeof *t->purchases));
	t->cappurchases = 1;
	t->purchases[t->npurchases++] = golden_purchase_rec();
	t->redemptions = must(calloc(1, sizeof *t->redemptions));
	t->capredemptions = 1;
	t->redemptions[t->nredemptions++] = golden_redemption_rec();
	t->stock = must(calloc(1, sizeof *t->stock));
	t->capstock = 1;
	t->stock[t->nstock].reward = 1;
	t->stock[t->nstock++].stock = 9;

	t->idem = must(calloc(1, sizeof *t->idem));
	t->idem->key = dup("adjust-1");
	t->idem->op = LY_OP_ADJUST;
	request(t->idem, "canonical request bytes of adjust-1");
	t->idem->entry = must(malloc(sizeof *t->idem->entry));
	*t->idem->entry = *adj;
}

/* ---- the files ------------------------------------------------------------------ */

static int enc_customer(ly_enc *e)
{
	loyalty_customer *c = golden_customer();
	int rc = ly_encode_customer(e, c);
	loyalty_customer_free(c);
	return rc;
}

static int enc_purchase(ly_enc *e)
{
	loyalty_purchase *p = golden_purchase();
	int rc = ly_encode_purchase(e, p);
	loyalty_purchase_free(p);
	return rc;
}

static int enc_receipt(ly_enc *e)
{
	loyalty_receipt *r = golden_receipt();
	int rc = ly_encode_receipt(e, r);
	loyalty_receipt_free(r);
	return rc;
}

static int enc_entry(ly_enc *e)
{
	loyalty_entry x;
	golden_entry(&x);
	return ly_encode_entry(e, &x);
}

static int enc_account(ly_enc *e)
{
	ly_account *a = golden_account();
	int rc = ly_encode_account(e, a);
	ly_account_free(a);
	return rc;
}

static int enc_purchase_rec(ly_enc *e)
{
	ly_purchase_rec *r = golden_purchase_rec();
	int rc = ly_encode_purchase_rec(e, r);
	ly_purchase_rec_free(r);
	return rc;
}

static int enc_redemption_rec(ly_enc *e)
{
	ly_redemption_rec *r = golden_redemption_rec();
	int rc = ly_encode_redemption_rec(e, r);
	ly_redemption_rec_free(r);
	return rc;
}

static int enc_idem(ly_enc *e)
{
	ly_idem *r = golden_idem();
	int rc = ly_encode_idem(e, r);
	ly_idem_free(r);
	return rc;
}

static int enc_definition(ly_enc *e)
{
	ly_definition d;
	int rc;

	golden_definition(&d);
	rc = ly_encode_definition(e, &d);
	ly_definition_free(&d);
	return rc;
}

static int enc_txn(ly_enc *e)
{
	ly_txn t;
	int rc;

	golden_txn(&t);
	rc = ly_encode_txn(e, &t);
	ly_txn_release(&t);
	return rc;
}

/* A record around a body made by @p body. */
static int enc_record(ly_enc *e, int type, int (*body)(ly_enc *))
{
	ly_enc b;
	int rc;

	ly_enc_init(&b);
	rc = body(&b);
	if (rc == LOYALTY_OK)
		rc = ly_encode_record(e, type, b.data, b.len);
	ly_enc_free(&b);
	return rc;
}

static int body_tier(ly_enc *e)
{
	ly_tier t;
	int rc;

	golden_tier(&t);
	rc = ly_encode_rec_tier(e, &t);
	ly_def_tier_clear(&t);
	return rc;
}

static int body_reward(ly_enc *e)
{
	ly_reward r;
	int rc;

	golden_reward(&r);
	rc = ly_encode_rec_reward(e, &r, "gold");
	ly_def_reward_clear(&r);
	return rc;
}

static int body_stock(ly_enc *e)
{
	return ly_encode_rec_stock(e, GOLDEN_STOCK_REWARD, GOLDEN_STOCK);
}

static int body_action(ly_enc *e)
{
	ly_action a;
	int rc;

	golden_action(&a);
	rc = ly_encode_rec_action(e, &a);
	ly_def_action_clear(&a);
	return rc;
}

static int body_partner(ly_enc *e)
{
	ly_partner p;
	int rc;

	golden_partner(&p);
	rc = ly_encode_rec_partner(e, &p);
	ly_def_partner_clear(&p);
	return rc;
}

static int body_maintain(ly_enc *e)
{
	return ly_encode_rec_maintain(e, GOLDEN_MAINTAIN_NOW);
}

static int rec_txn(ly_enc *e) { return enc_record(e, LY_REC_TXN, enc_txn); }
static int rec_tier(ly_enc *e) { return enc_record(e, LY_REC_TIER, body_tier); }
static int rec_reward(ly_enc *e) { return enc_record(e, LY_REC_REWARD, body_reward); }
static int rec_stock(ly_enc *e) { return enc_record(e, LY_REC_STOCK, body_stock); }
static int rec_action(ly_enc *e) { return enc_record(e, LY_REC_ACTION, body_action); }
static int rec_partner(ly_enc *e) { return enc_record(e, LY_REC_PARTNER, body_partner); }
static int rec_maintain(ly_enc *e) { return enc_record(e, LY_REC_MAINTAIN, body_maintain); }

const golden_file golden_files[] = {
	{ "customer.mp", G_CUSTOMER, 0, enc_customer },
	{ "purchase.mp", G_PURCHASE, 0, enc_purchase },
	{ "receipt.mp", G_RECEIPT, 0, enc_receipt },
	{ "entry.mp", G_ENTRY, 0, enc_entry },
	{ "account.mp", G_ACCOUNT, 0, enc_account },
	{ "purchase_rec.mp", G_PURCHASE_REC, 0, enc_purchase_rec },
	{ "redemption_rec.mp", G_REDEMPTION_REC, 0, enc_redemption_rec },
	{ "idem.mp", G_IDEM, 0, enc_idem },
	{ "definition.mp", G_DEFINITION, 0, enc_definition },
	{ "txn.mp", G_TXN, 0, enc_txn },
	{ "record_txn.mp", G_RECORD, LY_REC_TXN, rec_txn },
	{ "record_tier.mp", G_RECORD, LY_REC_TIER, rec_tier },
	{ "record_reward.mp", G_RECORD, LY_REC_REWARD, rec_reward },
	{ "record_stock.mp", G_RECORD, LY_REC_STOCK, rec_stock },
	{ "record_action.mp", G_RECORD, LY_REC_ACTION, rec_action },
	{ "record_partner.mp", G_RECORD, LY_REC_PARTNER, rec_partner },
	{ "record_maintain.mp", G_RECORD, LY_REC_MAINTAIN, rec_maintain },
};

const size_t golden_nfiles = sizeof golden_files / sizeof golden_files[0];
