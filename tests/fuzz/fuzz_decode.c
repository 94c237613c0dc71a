/*
 * libFuzzer target for the codec's decoders (lib/codec.c).
 *
 * Every decoder runs over the whole input: the values (customer, purchase,
 * receipt, entry, account, purchase and redemption records, idempotency
 * record, definition), a transaction against a fixed program, each
 * definition record, and the record envelope, whose body then goes to the
 * decoder of its type. Whatever decodes is freed. The decoders accept
 * canonical encodings only, so a value that decodes must encode back to
 * exactly the bytes it was read from: the target aborts otherwise (and
 * ASan/UBSan catch the rest: reads past the input, leaks, overflows).
 *
 * Seeds: the .mp files of tests/golden (tests/fuzz/run.sh copies them into a
 * scratch corpus). See tests/fuzz/README.md.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The bytes a decoder read must be the bytes its value encodes to. */
static void same(const char *what, const ly_dec *d, size_t start, ly_enc *e)
{
	if (e->failed) {
		ly_enc_free(e);
		return; /* out of memory: nothing to compare */
	}
	if (e->len != d->off - start || memcmp(e->data, d->data + start, e->len) != 0) {
		fprintf(stderr, "fuzz_decode: %s decoded, but encodes to other bytes (%zu read, %zu written)\n", what,
		        d->off - start, e->len);
		abort();
	}
	ly_enc_free(e);
}

/* A program for transactions: three tiers, two rewards, an empty store (the golden transaction's
 * entries start at 1). */
static loyalty_program *program(void)
{
	static loyalty_program *p;
	loyalty_calculator_options o = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_program_options po = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_reward_def mug = LOYALTY_REWARD_DEF_INIT, pass = LOYALTY_REWARD_DEF_INIT;
	loyalty_calculator *c = NULL;

	if (p != NULL)
		return p;
	snprintf(o.currency, sizeof o.currency, "EUR");
	mug.id = "mug";
	mug.cost = 500;
	pass.id = "lounge-pass";
	pass.cost = 5000;
	pass.stock = 10;
	if (loyalty_calculator_new(&c, &o) != LOYALTY_OK ||
	    loyalty_calculator_add(c, "base_rate", "dollar", "points=1 per=100") != LOYALTY_OK ||
	    loyalty_program_new(&p, c, &po) != LOYALTY_OK || loyalty_program_add_tier(p, "bronze", 0, NULL, 0) ||
	    loyalty_program_add_tier(p, "silver", 50000, NULL, 0) || loyalty_program_add_tier(p, "gold", 200000, NULL, 0) ||
	    loyalty_program_add_reward(p, &mug) || loyalty_program_add_reward(p, &pass)) {
		fprintf(stderr, "fuzz_decode: cannot build the program: %s\n", loyalty_last_error());
		abort();
	}
	return p;
}

static void txn(ly_dec *d)
{
	size_t start = d->off;
	ly_txn t;
	ly_enc e;

	ly_txn_init(&t, program());
	if (ly_decode_txn(d, &t) == LOYALTY_OK) {
		ly_enc_init(&e);
		(void)ly_encode_txn(&e, &t);
		same("txn", d, start, &e);
	}
	ly_txn_release(&t);
}

/* Each decoder, then its encoder, then the value freed. */
#define TRY(T, decode, encode, release, name)                 \
	do {                                                      \
		T v_;                                                 \
		size_t start_;                                        \
		ly_enc e_;                                            \
		ly_dec_init(&d, data, size);                          \
		start_ = d.off;                                       \
		if (decode(&d, &v_) == LOYALTY_OK) {                  \
			ly_enc_init(&e_);                                 \
			(void)encode(&e_, v_);                            \
			same(name, &d, start_, &e_);                      \
			release(v_);                                      \
		}                                                     \
	} while (0)

static int enc_entry(ly_enc *e, loyalty_entry x)
{
	return ly_encode_entry(e, &x);
}

static void no_release(loyalty_entry x)
{
	(void)x;
}

static void body(int type, ly_dec *d)
{
	size_t start = d->off;
	ly_enc e;

	ly_enc_init(&e);
	switch (type) {
	case LY_REC_TXN:
		txn(d);
		return;
	case LY_REC_TIER: {
		ly_tier t;
		if (ly_decode_rec_tier(d, &t) != LOYALTY_OK)
			return;
		(void)ly_encode_rec_tier(&e, &t);
		ly_def_tier_clear(&t);
		break;
	}
	case LY_REC_REWARD: {
		ly_reward r;
		char *tier;
		if (ly_decode_rec_reward(d, &r, &tier) != LOYALTY_OK)
			return;
		(void)ly_encode_rec_reward(&e, &r, tier);
		ly_def_reward_clear(&r);
		free(tier);
		break;
	}
	case LY_REC_STOCK: {
		char *id;
		int64_t stock;
		if (ly_decode_rec_stock(d, &id, &stock) != LOYALTY_OK)
			return;
		(void)ly_encode_rec_stock(&e, id, stock);
		free(id);
		break;
	}
	case LY_REC_ACTION: {
		ly_action a;
		if (ly_decode_rec_action(d, &a) != LOYALTY_OK)
			return;
		(void)ly_encode_rec_action(&e, &a);
		ly_def_action_clear(&a);
		break;
	}
	case LY_REC_PARTNER: {
		ly_partner p;
		if (ly_decode_rec_partner(d, &p) != LOYALTY_OK)
			return;
		(void)ly_encode_rec_partner(&e, &p);
		ly_def_partner_clear(&p);
		break;
	}
	case LY_REC_MAINTAIN: {
		loyalty_time now;
		if (ly_decode_rec_maintain(d, &now) != LOYALTY_OK)
			return;
		(void)ly_encode_rec_maintain(&e, now);
		break;
	}
	default:
		return; /* snapshot records: the journal's fuzz target reads them */
	}
	same("record body", d, start, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ly_dec d;

	TRY(loyalty_customer *, ly_decode_customer, ly_encode_customer, loyalty_customer_free, "customer");
	TRY(loyalty_purchase *, ly_decode_purchase, ly_encode_purchase, loyalty_purchase_free, "purchase");
	TRY(loyalty_receipt *, ly_decode_receipt, ly_encode_receipt, loyalty_receipt_free, "receipt");
	TRY(loyalty_entry, ly_decode_entry, enc_entry, no_release, "entry");
	TRY(ly_account *, ly_decode_account, ly_encode_account, ly_account_free, "account");
	TRY(ly_purchase_rec *, ly_decode_purchase_rec, ly_encode_purchase_rec, ly_purchase_rec_free, "purchase_rec");
	TRY(ly_redemption_rec *, ly_decode_redemption_rec, ly_encode_redemption_rec, ly_redemption_rec_free,
	    "redemption_rec");
	TRY(ly_idem *, ly_decode_idem, ly_encode_idem, ly_idem_free, "idem");
	{
		ly_definition def;
		ly_enc e;
		ly_dec_init(&d, data, size);
		if (ly_decode_definition(&d, &def) == LOYALTY_OK) {
			ly_enc_init(&e);
			(void)ly_encode_definition(&e, &def);
			same("definition", &d, 0, &e);
			ly_definition_free(&def);
		}
	}
	/* a transaction, the definition records, and the envelope, whose body goes to its decoder */
	for (int type = LY_REC_TXN; type <= LY_REC_MAINTAIN; type++) {
		ly_dec_init(&d, data, size);
		body(type, &d);
	}
	{
		ly_dec b;
		int type;
		ly_dec_init(&d, data, size);
		if (ly_decode_record(&d, &type, &b) == LOYALTY_OK) {
			ly_enc e;
			if (b.data != d.data || b.off > b.len || b.len > d.off)
				abort();
			ly_enc_init(&e);
			(void)ly_encode_record(&e, type, b.data + b.off, b.len - b.off);
			same("record", &d, 0, &e);
			body(type, &b);
		}
	}
	return 0;
}
