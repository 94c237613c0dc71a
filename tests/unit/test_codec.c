/*
 * The codec (lib/codec.c): canonical msgpack encoding of every persistent
 * value, the strict decoder, and CRC-32C.
 *
 *  - golden files: the .mp files of tests/golden hold the encodings of golden.c's fixed
 *    values; the encoder must reproduce them byte for byte and the decoder
 *    must accept them (format stability);
 *  - round trips of real objects: a program built from the golden definition
 *    runs a scripted history through the public API (enrolments with
 *    referrals, purchases, a sweep, refunds, redemptions and a cancellation,
 *    donation, transfer, adjustments, actions, partner credits, a paid tier,
 *    a referrer); every account, customer, entry, purchase and redemption
 *    record, idempotency record, receipt, purchase and the definition is
 *    encoded, decoded, compared field by field and encoded again (same
 *    bytes); every committed transaction is captured (a store that wraps the
 *    memory store), and replaying the captured records into a second program
 *    rebuilds the same state;
 *  - rejections, each with its offset: unknown version, wrong types, missing,
 *    extra and reordered fields, out-of-range numbers, oversized strings,
 *    counts larger than the input (2^32-1 elements in a few bytes, without
 *    allocating), nesting depth, non-canonical encodings, trailing bytes, and
 *    the checks of transactions against the program;
 *  - robustness: every prefix of every golden file fails cleanly; every bit
 *    flip (one per byte under valgrind) either fails cleanly or decodes to a
 *    value that re-encodes to exactly the flipped bytes; every allocation of
 *    every decoder is failed in turn (LOYALTY_ENOMEM, no leak);
 *  - CRC-32C: the check value, RFC 3720 B.4's vectors, and agreement with a
 *    bitwise implementation at every length and split.
 *
 * malloc/calloc/realloc are wrapped at link time (tests/CMakeLists.txt) to
 * count allocations and to fail the Nth.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#endif
#endif
#ifndef UNDER_VALGRIND
#define UNDER_VALGRIND() 0
#endif

#include <msgpack.h>

#include "torture.h"
#include "codec.h"
#include "golden.h"

#ifndef LOYALTY_GOLDEN_DIR
#error "LOYALTY_GOLDEN_DIR must name tests/golden"
#endif

#define T0 INT64_C(1767225600000) /* 2026-01-01T00:00:00Z */
#define DAY LOYALTY_MS_PER_DAY

/* ---- the allocator: counted, and failing the Nth call when asked ------------------ */

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);

static long countdown = -1; /* allocations left before one fails; -1 = never */
static size_t allocs, alloc_max;

static int alloc_fails(size_t size)
{
	allocs++;
	if (size > alloc_max)
		alloc_max = size;
	if (countdown < 0)
		return 0;
	return countdown-- == 0;
}

void *__wrap_malloc(size_t size)
{
	return alloc_fails(size) ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return alloc_fails(n * size) ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return alloc_fails(size) ? NULL : __real_realloc(p, size);
}

static void alloc_reset(void)
{
	allocs = alloc_max = 0;
}

/* ---- helpers -------------------------------------------------------------------------- */

static loyalty_program *gprog; /* a fresh program made from the golden definition */

static int boost(const loyalty_strategy_input *in, loyalty_fraction *out, void *user_data)
{
	(void)user_data;
	out->num = in->eligible_spend >= 10000 ? 5 : 0;
	out->den = 1;
	return 0;
}

/* Build a program through the API from a definition. */
static loyalty_program *program_from(const ly_definition *d)
{
	loyalty_calculator *c = NULL;
	loyalty_program *p = NULL;

	assert_ok(loyalty_calculator_new(&c, &d->copts));
	for (size_t i = 0; i < d->excluded.count; i++)
		assert_ok(loyalty_calculator_exclude_product_type(c, d->excluded.items[i]));
	for (size_t i = 0; i < d->nstrategies; i++) {
		const ly_strategy_def *s = &d->strategies[i];
		if (strcmp(s->kind, "custom") == 0)
			assert_ok(loyalty_calculator_add_custom(c, s->name, (loyalty_strategy_role)s->role, boost, NULL, NULL));
		else
			assert_ok(loyalty_calculator_add(c, s->kind, s->name, s->params));
	}
	assert_ok(loyalty_program_new(&p, c, &d->opts));
	for (size_t i = 0; i < d->ntiers; i++)
		assert_ok(loyalty_program_add_tier(p, d->tiers[i].name, d->tiers[i].threshold,
		                                   (const char *const *)d->tiers[i].benefits.items, d->tiers[i].benefits.count));
	for (size_t i = 0; i < d->nrewards; i++) {
		const ly_reward *r = &d->rewards[i];
		loyalty_reward_def def = LOYALTY_REWARD_DEF_INIT;
		def.id = r->id;
		def.name = r->name;
		def.cost = r->cost;
		def.min_tier = r->min_tier >= 0 ? d->tiers[r->min_tier].name : NULL;
		def.valid_from = r->valid_from;
		def.valid_until = r->valid_until;
		def.stock = r->stock;
		assert_ok(loyalty_program_add_reward(p, &def));
	}
	for (size_t i = 0; i < d->nactions; i++)
		assert_ok(loyalty_program_add_action(p, d->actions[i].name, d->actions[i].points, d->actions[i].cap_count,
		                                     d->actions[i].cap_period));
	for (size_t i = 0; i < d->npartners; i++)
		assert_ok(loyalty_program_add_partner(p, d->partners[i].name, d->partners[i].rate));
	return p;
}

static loyalty_program *golden_program(void)
{
	ly_definition d;
	loyalty_program *p;

	golden_definition(&d);
	p = program_from(&d);
	ly_definition_free(&d);
	return p;
}

static int setup(void **state)
{
	(void)state;
	gprog = golden_program();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	loyalty_program_free(gprog);
	gprog = NULL;
	return 0;
}

static uint8_t *read_file(const char *name, size_t *len)
{
	char path[4096];
	uint8_t *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof path, "%s/%s", LOYALTY_GOLDEN_DIR, name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s (regenerate with make_golden: tests/golden/README.md)", path);
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

/* The offset a decoding error names. */
static size_t err_offset(void)
{
	size_t off = SIZE_MAX;

	if (sscanf(loyalty_last_error(), "corrupt at offset %zu", &off) != 1)
		fail_msg("no offset in '%s'", loyalty_last_error());
	return off;
}

/* The offset after the msgpack value at @p off (trusted input). */
static size_t mp_skip(const uint8_t *b, size_t off)
{
	uint8_t t = b[off];
	size_t n;

	if (t <= 0x7f || t >= 0xe0 || t == 0xc0 || t == 0xc2 || t == 0xc3)
		return off + 1;
	if ((t & 0xe0) == 0xa0)
		return off + 1 + (t & 0x1f);
	if ((t & 0xf0) == 0x80 || (t & 0xf0) == 0x90) {
		n = (size_t)(t & 0x0f) * ((t & 0xf0) == 0x80 ? 2 : 1);
		off++;
		while (n--)
			off = mp_skip(b, off);
		return off;
	}
	switch (t) {
	case 0xcc: case 0xd0: return off + 2;
	case 0xcd: case 0xd1: return off + 3;
	case 0xce: case 0xd2: return off + 5;
	case 0xcf: case 0xd3: return off + 9;
	case 0xc4: case 0xd9: return off + 2 + b[off + 1];
	case 0xc5: case 0xda: return off + 3 + ((size_t)b[off + 1] << 8 | b[off + 2]);
	case 0xdc: case 0xde:
		n = ((size_t)b[off + 1] << 8 | b[off + 2]) * (t == 0xde ? 2 : 1);
		off += 3;
		while (n--)
			off = mp_skip(b, off);
		return off;
	default: fail_msg("skip: unexpected type 0x%02x", t);
	}
	return off;
}

/* The offset of the value of the @p nth (0-based) field named @p name (its wire key, ly_codec_key). */
static size_t field_nth(const uint8_t *b, size_t len, const char *name, int nth)
{
	const char *key = ly_codec_key(name);
	size_t n = strlen(key);

	for (size_t i = 0; i + 1 + n <= len; i++)
		if (b[i] == (0xa0 | n) && memcmp(b + i + 1, key, n) == 0 && nth-- == 0)
			return i + 1 + n;
	fail_msg("no field '%s' ('%s')", name, key);
	return 0;
}


static size_t field(const uint8_t *b, size_t len, const char *key)
{
	return field_nth(b, len, key, 0);
}

/* The offset of the key of that field. */
static size_t key_at(const uint8_t *b, size_t len, const char *name)
{
	return field(b, len, name) - 1 - strlen(ly_codec_key(name));
}

/* @p b with [from, to) replaced by @p ins (new buffer). */
static uint8_t *splice(const uint8_t *b, size_t len, size_t from, size_t to, const void *ins, size_t n, size_t *out)
{
	uint8_t *x = malloc(len - (to - from) + n + 1);

	assert_non_null(x);
	memcpy(x, b, from);
	if (n)
		memcpy(x + from, ins, n);
	memcpy(x + from + n, b + to, len - to);
	*out = len - (to - from) + n;
	return x;
}

/* Replace the value at @p off (one msgpack value) by @p ins. */
static uint8_t *replace_value(const uint8_t *b, size_t len, size_t off, const void *ins, size_t n, size_t *out)
{
	return splice(b, len, off, mp_skip(b, off), ins, n, out);
}

/* ---- decoding any golden kind, and encoding it back -------------------------------------- */

/* Append raw bytes to an encoder (as a decoded value would encode them). */
static int enc_raw(ly_enc *e, const uint8_t *p, size_t n)
{
	if (e->len + n > e->cap) {
		size_t cap = e->len + n;
		uint8_t *d = realloc(e->data, cap ? cap : 1);
		if (d == NULL)
			return LOYALTY_ENOMEM;
		e->data = d;
		e->cap = cap;
	}
	if (n)
		memcpy(e->data + e->len, p, n);
	e->len += n;
	return LOYALTY_OK;
}

static int decode_value(golden_kind kind, ly_dec *d, ly_enc *out);

static int decode_body(int type, ly_dec *d, ly_enc *out)
{
	int rc;

	switch (type) {
	case LY_REC_TXN:
		return decode_value(G_TXN, d, out);
	case LY_REC_TIER: {
		ly_tier t;
		if ((rc = ly_decode_rec_tier(d, &t)) != LOYALTY_OK)
			return rc;
		if ((rc = ly_dec_finish(d)) == LOYALTY_OK)
			rc = ly_encode_rec_tier(out, &t);
		ly_def_tier_clear(&t);
		return rc;
	}
	case LY_REC_REWARD: {
		ly_reward r;
		char *tier;
		if ((rc = ly_decode_rec_reward(d, &r, &tier)) != LOYALTY_OK)
			return rc;
		assert_int_equal(r.min_tier, -1);
		if ((rc = ly_dec_finish(d)) == LOYALTY_OK)
			rc = ly_encode_rec_reward(out, &r, tier);
		ly_def_reward_clear(&r);
		free(tier);
		return rc;
	}
	case LY_REC_STOCK: {
		char *id;
		int64_t stock;
		if ((rc = ly_decode_rec_stock(d, &id, &stock)) != LOYALTY_OK)
			return rc;
		if ((rc = ly_dec_finish(d)) == LOYALTY_OK)
			rc = ly_encode_rec_stock(out, id, stock);
		free(id);
		return rc;
	}
	case LY_REC_ACTION: {
		ly_action a;
		if ((rc = ly_decode_rec_action(d, &a)) != LOYALTY_OK)
			return rc;
		if ((rc = ly_dec_finish(d)) == LOYALTY_OK)
			rc = ly_encode_rec_action(out, &a);
		ly_def_action_clear(&a);
		return rc;
	}
	case LY_REC_PARTNER: {
		ly_partner p;
		if ((rc = ly_decode_rec_partner(d, &p)) != LOYALTY_OK)
			return rc;
		if ((rc = ly_dec_finish(d)) == LOYALTY_OK)
			rc = ly_encode_rec_partner(out, &p);
		ly_def_partner_clear(&p);
		return rc;
	}
	case LY_REC_MAINTAIN: {
		loyalty_time now;
		if ((rc = ly_decode_rec_maintain(d, &now)) != LOYALTY_OK)
			return rc;
		if ((rc = ly_dec_finish(d)) == LOYALTY_OK)
			rc = ly_encode_rec_maintain(out, now);
		return rc;
	}
	default:
		/* the journal's snapshot records (LY_REC_SNAP_*): their bodies are the journal's business */
		assert_true(type >= LY_REC_SNAP_DEF && type <= LY_REC_MAX);
		return enc_raw(out, d->data + d->off, d->len - d->off);
	}
}

/* Decode one value of @p kind that must fill @p d exactly, and encode it again into @p out. */
static int decode_value(golden_kind kind, ly_dec *d, ly_enc *out)
{
	int rc;

#define ROUND(T, decode, encode, release)                        \
	do {                                                         \
		T v_;                                                    \
		if ((rc = decode(d, &v_)) != LOYALTY_OK)                 \
			return rc;                                           \
		if ((rc = ly_dec_finish(d)) == LOYALTY_OK)               \
			rc = encode(out, v_);                                \
		release(v_);                                             \
		return rc;                                               \
	} while (0)
#define NOTHING(v) (void)(v)

	switch (kind) {
	case G_CUSTOMER: ROUND(loyalty_customer *, ly_decode_customer, ly_encode_customer, loyalty_customer_free);
	case G_PURCHASE: ROUND(loyalty_purchase *, ly_decode_purchase, ly_encode_purchase, loyalty_purchase_free);
	case G_RECEIPT: ROUND(loyalty_receipt *, ly_decode_receipt, ly_encode_receipt, loyalty_receipt_free);
	case G_ACCOUNT: ROUND(ly_account *, ly_decode_account, ly_encode_account, ly_account_free);
	case G_PURCHASE_REC:
		ROUND(ly_purchase_rec *, ly_decode_purchase_rec, ly_encode_purchase_rec, ly_purchase_rec_free);
	case G_REDEMPTION_REC:
		ROUND(ly_redemption_rec *, ly_decode_redemption_rec, ly_encode_redemption_rec, ly_redemption_rec_free);
	case G_IDEM: ROUND(ly_idem *, ly_decode_idem, ly_encode_idem, ly_idem_free);
	case G_ENTRY: {
		loyalty_entry x;
		if ((rc = ly_decode_entry(d, &x)) != LOYALTY_OK)
			return rc;
		if ((rc = ly_dec_finish(d)) == LOYALTY_OK)
			rc = ly_encode_entry(out, &x);
		return rc;
	}
	case G_DEFINITION: {
		ly_definition def;
		if ((rc = ly_decode_definition(d, &def)) != LOYALTY_OK)
			return rc;
		if ((rc = ly_dec_finish(d)) == LOYALTY_OK)
			rc = ly_encode_definition(out, &def);
		ly_definition_free(&def);
		return rc;
	}
	case G_TXN: {
		ly_txn t;
		ly_txn_init(&t, gprog);
		rc = ly_decode_txn(d, &t);
		if (rc == LOYALTY_OK)
			rc = ly_dec_finish(d);
		if (rc == LOYALTY_OK)
			rc = ly_encode_txn(out, &t);
		ly_txn_release(&t);
		return rc;
	}
	case G_RECORD: {
		ly_dec body;
		ly_enc b;
		int type;
		if ((rc = ly_decode_record(d, &type, &body)) != LOYALTY_OK)
			return rc;
		if ((rc = ly_dec_finish(d)) != LOYALTY_OK)
			return rc;
		ly_enc_init(&b);
		rc = decode_body(type, &body, &b);
		if (rc == LOYALTY_OK)
			rc = ly_encode_record(out, type, b.data, b.len);
		ly_enc_free(&b);
		return rc;
	}
	}
#undef ROUND
#undef NOTHING
	return LOYALTY_EINVAL;
}

/* Decode @p buf as @p kind; on success, its encoding must be @p buf again. */
static int decode_bytes(golden_kind kind, const uint8_t *buf, size_t len)
{
	ly_dec d;
	ly_enc e;
	int rc;

	ly_dec_init(&d, buf, len);
	ly_enc_init(&e);
	rc = decode_value(kind, &d, &e);
	if (rc == LOYALTY_OK) {
		if (e.len != len || memcmp(e.data, buf, len) != 0)
			fail_msg("decoded and encoded again, %zu bytes became %zu different ones", len, e.len);
		assert_int_equal(d.depth, 0);
	}
	ly_enc_free(&e);
	return rc;
}

/* Decoding must fail with LOYALTY_ECORRUPT at @p off (SIZE_MAX: anywhere) with @p needle in the message. */
static void expect_corrupt_at(golden_kind kind, const uint8_t *buf, size_t len, size_t off, const char *needle,
                              const char *file, int line)
{
	int rc = decode_bytes(kind, buf, len);

	if (rc != LOYALTY_ECORRUPT)
		fail_msg("%s:%d: expected LOYALTY_ECORRUPT, got %s (%s)", file, line, loyalty_status_name(rc),
		         loyalty_last_error());
	if (off != SIZE_MAX && err_offset() != off)
		fail_msg("%s:%d: expected offset %zu: '%s'", file, line, off, loyalty_last_error());
	if (needle != NULL && strstr(loyalty_last_error(), needle) == NULL)
		fail_msg("%s:%d: expected '%s' in '%s'", file, line, needle, loyalty_last_error());
}
#define expect_corrupt(kind, buf, len, off, needle) expect_corrupt_at(kind, buf, len, off, needle, __FILE__, __LINE__)

/* Encode a golden file's value. */
static uint8_t *golden_bytes(const golden_file *g, size_t *len)
{
	ly_enc e;

	ly_enc_init(&e);
	assert_ok(g->encode(&e));
	return ly_enc_take(&e, len);
}

static const golden_file *golden_named(const char *name)
{
	for (size_t i = 0; i < golden_nfiles; i++)
		if (strcmp(golden_files[i].name, name) == 0)
			return &golden_files[i];
	fail_msg("no golden file %s", name);
	return NULL;
}

/* ---- field-by-field equality --------------------------------------------------------------- */

static void assert_id_equal(const loyalty_id *a, const loyalty_id *b)
{
	assert_memory_equal(a->bytes, b->bytes, 16);
}

static void assert_frac_equal(ly_frac a, ly_frac b)
{
	assert_int_equal(a.num, b.num);
	assert_int_equal(a.den, b.den);
}

static void assert_customer_equal(const loyalty_customer *a, const loyalty_customer *b)
{
	assert_id_equal(&a->id, &b->id);
	assert_string_equal(a->external_ref, b->external_ref);
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->email, b->email);
	assert_string_equal(a->tier, b->tier);
	assert_int_equal(a->birth_month, b->birth_month);
	assert_int_equal(a->birth_day, b->birth_day);
	assert_int_equal(a->joined_at, b->joined_at);
	assert_int_equal(a->tags.count, b->tags.count);
	for (size_t i = 0; i < a->tags.count; i++)
		assert_string_equal(a->tags.items[i], b->tags.items[i]);
	assert_int_equal(a->available, b->available);
	assert_int_equal(a->pending, b->pending);
	assert_int_equal(a->lifetime_earned, b->lifetime_earned);
	assert_int_equal(a->lifetime_redeemed, b->lifetime_redeemed);
	assert_int_equal(a->lifetime_expired, b->lifetime_expired);
}

static void assert_purchase_equal(const loyalty_purchase *a, const loyalty_purchase *b)
{
	assert_string_equal(a->key, b->key);
	assert_id_equal(&a->customer_id, &b->customer_id);
	assert_int_equal(a->at, b->at);
	assert_string_equal(a->currency, b->currency);
	assert_string_equal(a->channel, b->channel);
	assert_int_equal(a->count, b->count);
	for (size_t i = 0; i < a->count; i++) {
		assert_string_equal(a->items[i].sku, b->items[i].sku);
		assert_string_equal(a->items[i].product_type, b->items[i].product_type);
		assert_int_equal(a->items[i].quantity, b->items[i].quantity);
		assert_int_equal(a->items[i].unit_price, b->items[i].unit_price);
		assert_int_equal(a->items[i].line_total, b->items[i].line_total);
	}
	assert_int_equal(a->total, b->total);
}

static void assert_receipt_equal(const loyalty_receipt *a, const loyalty_receipt *b)
{
	assert_int_equal(a->points, b->points);
	assert_frac_equal(a->exact, b->exact);
	assert_frac_equal(a->base, b->base);
	assert_frac_equal(a->adjustment, b->adjustment);
	assert_int_equal(a->rounding, b->rounding);
	assert_int_equal(a->spend, b->spend);
	assert_int_equal(a->eligible_spend, b->eligible_spend);
	assert_string_equal(a->currency, b->currency);
	assert_id_equal(&a->customer_id, &b->customer_id);
	assert_string_equal(a->pool + a->key_off, b->pool + b->key_off);
	assert_int_equal(a->nlines, b->nlines);
	for (size_t i = 0; i < a->nlines; i++) {
		const ly_rline *x = &a->lines[i], *y = &b->lines[i];
		assert_string_equal(a->pool + x->name_off, b->pool + y->name_off);
		assert_string_equal(a->pool + x->kind_off, b->pool + y->kind_off);
		assert_string_equal(a->pool + x->detail_off, b->pool + y->detail_off);
		assert_int_equal(x->role, y->role);
		assert_int_equal(x->applied, y->applied);
		assert_frac_equal(x->points, y->points);
		/* the pool is rebuilt in the calculator's order: the same offsets */
		assert_int_equal(x->name_off, y->name_off);
		assert_int_equal(x->detail_off, y->detail_off);
	}
	assert_int_equal(a->pool_len, b->pool_len);
	assert_memory_equal(a->pool, b->pool, a->pool_len);
	assert_int_equal(a->recorded, b->recorded);
	assert_int_equal(a->credited, b->credited);
	assert_int_equal(a->capped, b->capped);
	assert_int_equal(a->pending_until, b->pending_until);
	assert_int_equal(a->entry_seq, b->entry_seq);
}

static void assert_entry_equal(const loyalty_entry *a, const loyalty_entry *b)
{
	assert_int_equal(a->seq, b->seq);
	assert_id_equal(&a->id, &b->id);
	assert_id_equal(&a->customer_id, &b->customer_id);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->points, b->points);
	assert_int_equal(a->pending, b->pending);
	assert_int_equal(a->debt, b->debt);
	assert_int_equal(a->available_after, b->available_after);
	assert_int_equal(a->pending_after, b->pending_after);
	assert_int_equal(a->at, b->at);
	assert_string_equal(a->key, b->key);
	assert_string_equal(a->ref, b->ref);
	assert_string_equal(a->memo, b->memo);
}

/* Everything but the entry list (not encoded). */
static void assert_account_equal(const ly_account *a, const ly_account *b)
{
	assert_customer_equal(a->c, b->c);
	assert_string_equal(a->code, b->code);
	assert_int_equal(a->has_referrer, b->has_referrer);
	assert_id_equal(&a->referrer, &b->referrer);
	assert_int_equal(a->purchased, b->purchased);
	assert_int_equal(a->referral_paid, b->referral_paid);
	assert_int_equal(a->referrals_paid, b->referrals_paid);
	assert_int_equal(a->debt, b->debt);
	assert_int_equal(a->nbuckets, b->nbuckets);
	for (size_t i = 0; i < a->nbuckets; i++) {
		assert_int_equal(a->buckets[i].id, b->buckets[i].id);
		assert_int_equal(a->buckets[i].amount, b->buckets[i].amount);
		assert_int_equal(a->buckets[i].earned_at, b->buckets[i].earned_at);
		assert_int_equal(a->buckets[i].expires_at, b->buckets[i].expires_at);
		assert_int_equal(a->buckets[i].matures_at, b->buckets[i].matures_at);
	}
	assert_int_equal(a->tier, b->tier);
	assert_int_equal(a->paid_tier, b->paid_tier);
	assert_int_equal(a->paid_until, b->paid_until);
	assert_int_equal(a->below_since, b->below_since);
	assert_int_equal(a->evaluated_year, b->evaluated_year);
	assert_int_equal(a->nmetric, b->nmetric);
	for (size_t i = 0; i < a->nmetric; i++) {
		assert_int_equal(a->metric[i].at, b->metric[i].at);
		assert_int_equal(a->metric[i].amount, b->metric[i].amount);
	}
	assert_int_equal(a->ncounters, b->ncounters);
	for (size_t i = 0; i < a->ncounters; i++) {
		assert_string_equal(a->counters[i].name, b->counters[i].name);
		assert_int_equal(a->counters[i].period, b->counters[i].period);
		assert_int_equal(a->counters[i].value, b->counters[i].value);
	}
	assert_int_equal(a->last_activity, b->last_activity);
}

static void assert_purchase_rec_equal(const ly_purchase_rec *a, const ly_purchase_rec *b)
{
	assert_string_equal(a->key, b->key);
	assert_id_equal(&a->customer, &b->customer);
	assert_int_equal(a->at, b->at);
	assert_int_equal(a->total, b->total);
	assert_int_equal(a->eligible, b->eligible);
	assert_int_equal(a->credited, b->credited);
	assert_int_equal(a->metric, b->metric);
	assert_int_equal(a->earn_seq, b->earn_seq);
	assert_int_equal(a->refunded, b->refunded);
	assert_int_equal(a->clawed, b->clawed);
}

static void assert_redemption_rec_equal(const ly_redemption_rec *a, const ly_redemption_rec *b)
{
	assert_id_equal(&a->r.id, &b->r.id);
	assert_id_equal(&a->r.customer_id, &b->r.customer_id);
	assert_string_equal(a->r.reward, b->r.reward);
	assert_int_equal(a->r.points, b->r.points);
	assert_int_equal(a->r.at, b->r.at);
	assert_int_equal(a->r.cancelled, b->r.cancelled);
	assert_int_equal(a->r.entry_seq, b->r.entry_seq);
	assert_int_equal(a->ndraws, b->ndraws);
	for (size_t i = 0; i < a->ndraws; i++) {
		assert_int_equal(a->draws[i].bucket, b->draws[i].bucket);
		assert_int_equal(a->draws[i].amount, b->draws[i].amount);
		assert_int_equal(a->draws[i].earned_at, b->draws[i].earned_at);
		assert_int_equal(a->draws[i].expires_at, b->draws[i].expires_at);
	}
}

static void assert_idem_equal(const ly_idem *a, const ly_idem *b)
{
	assert_string_equal(a->key, b->key);
	assert_int_equal(a->op, b->op);
	assert_int_equal(a->request_len, b->request_len);
	assert_memory_equal(a->request, b->request, a->request_len);
	assert_int_equal(a->receipt != NULL, b->receipt != NULL);
	if (a->receipt)
		assert_receipt_equal(a->receipt, b->receipt);
	if (a->entry != NULL && a->entry->seq != 0)
		assert_entry_equal(a->entry, b->entry);
	else
		assert_true(b->entry == NULL || b->entry->seq == 0);
	assert_id_equal(&a->id, &b->id);
	assert_int_equal(a->refund.clawed_back, b->refund.clawed_back);
	assert_int_equal(a->refund.from_pending, b->refund.from_pending);
	assert_int_equal(a->refund.debt_added, b->refund.debt_added);
	assert_int_equal(a->refund.refunded_total, b->refund.refunded_total);
	assert_int_equal(a->refund.entry_seq, b->refund.entry_seq);
}

/* ---- round trips ------------------------------------------------------------------------------ */

/* Encode @p v with @p encode, decode it into *@p back, and check that encoding *back gives the same bytes. */
#define ROUND_TRIP(encode, decode, v, back)                                                  \
	do {                                                                                     \
		ly_enc e1_, e2_;                                                                     \
		ly_dec d_;                                                                           \
		ly_enc_init(&e1_);                                                                   \
		ly_enc_init(&e2_);                                                                   \
		assert_ok(encode(&e1_, (v)));                                                        \
		ly_dec_init(&d_, e1_.data, e1_.len);                                                 \
		assert_ok(decode(&d_, (back)));                                                      \
		assert_ok(ly_dec_finish(&d_));                                                       \
		assert_int_equal(d_.depth, 0);                                                       \
		assert_ok(encode(&e2_, *(back)));                                                    \
		assert_int_equal(e1_.len, e2_.len);                                                  \
		assert_memory_equal(e1_.data, e2_.data, e1_.len);                                    \
		ly_enc_free(&e1_);                                                                   \
		ly_enc_free(&e2_);                                                                   \
	} while (0)

static void round_customer(const loyalty_customer *c)
{
	loyalty_customer *back = NULL;
	ROUND_TRIP(ly_encode_customer, ly_decode_customer, c, &back);
	assert_customer_equal(c, back);
	loyalty_customer_free(back);
}

static void round_purchase(const loyalty_purchase *p)
{
	loyalty_purchase *back = NULL;
	ROUND_TRIP(ly_encode_purchase, ly_decode_purchase, p, &back);
	assert_purchase_equal(p, back);
	loyalty_purchase_free(back);
}

static void round_receipt(const loyalty_receipt *r)
{
	loyalty_receipt *back = NULL;
	ROUND_TRIP(ly_encode_receipt, ly_decode_receipt, r, &back);
	assert_receipt_equal(r, back);
	loyalty_receipt_free(back);
}

static int encode_entry_value(ly_enc *e, loyalty_entry x)
{
	return ly_encode_entry(e, &x);
}

static void round_entry(const loyalty_entry *x)
{
	loyalty_entry back_, *back = &back_;
	ROUND_TRIP(encode_entry_value, ly_decode_entry, *x, back);
	assert_entry_equal(x, back);
}

static void round_account(const ly_account *a)
{
	ly_account *back = NULL;
	ROUND_TRIP(ly_encode_account, ly_decode_account, a, &back);
	assert_account_equal(a, back);
	assert_null(back->ix); /* entry lists are the store's */
	assert_int_equal(back->capbuckets, back->nbuckets);
	assert_int_equal(back->capmetric, back->nmetric);
	assert_int_equal(back->capcounters, back->ncounters);
	ly_account_free(back);
}

static void round_purchase_rec(const ly_purchase_rec *r)
{
	ly_purchase_rec *back = NULL;
	ROUND_TRIP(ly_encode_purchase_rec, ly_decode_purchase_rec, r, &back);
	assert_purchase_rec_equal(r, back);
	ly_purchase_rec_free(back);
}

static void round_redemption_rec(const ly_redemption_rec *r)
{
	ly_redemption_rec *back = NULL;
	ROUND_TRIP(ly_encode_redemption_rec, ly_decode_redemption_rec, r, &back);
	assert_redemption_rec_equal(r, back);
	ly_redemption_rec_free(back);
}

static void round_idem(const ly_idem *r)
{
	ly_idem *back = NULL;
	ROUND_TRIP(ly_encode_idem, ly_decode_idem, r, &back);
	assert_idem_equal(r, back);
	ly_idem_free(back);
}

static int encode_definition_value(ly_enc *e, const ly_definition *d)
{
	return ly_encode_definition(e, d);
}

static int encode_definition_ptr(ly_enc *e, ly_definition d)
{
	return ly_encode_definition(e, &d);
}

static void round_definition(const ly_definition *d)
{
	ly_definition back_, *back = &back_;
	ly_enc e1, e2;
	ly_dec dec;

	ly_enc_init(&e1);
	ly_enc_init(&e2);
	assert_ok(encode_definition_value(&e1, d));
	ly_dec_init(&dec, e1.data, e1.len);
	assert_ok(ly_decode_definition(&dec, back));
	assert_ok(ly_dec_finish(&dec));
	assert_ok(encode_definition_ptr(&e2, *back));
	assert_int_equal(e1.len, e2.len);
	assert_memory_equal(e1.data, e2.data, e1.len);
	assert_true(ly_definition_equal(d, back));
	ly_definition_free(back);
	ly_enc_free(&e1);
	ly_enc_free(&e2);
}

/* ---- a store that captures every committed transaction ----------------------------------------- */

typedef struct capture {
	ly_store base;
	ly_store *inner;
	uint8_t **txns;
	size_t *lens;
	size_t n, cap;
} capture;

#define INNER(s) (((capture *)(s))->inner)

static void cap_destroy(ly_store *s)
{
	capture *c = (capture *)s;

	INNER(s)->ops->destroy(INNER(s));
	for (size_t i = 0; i < c->n; i++)
		free(c->txns[i]);
	free(c->txns);
	free(c->lens);
	free(c);
}

static const ly_account *cap_account(ly_store *s, const loyalty_id *id)
{
	return INNER(s)->ops->account(INNER(s), id);
}

static const ly_account *cap_account_by_ref(ly_store *s, const char *ref)
{
	return INNER(s)->ops->account_by_ref(INNER(s), ref);
}

static const ly_account *cap_account_by_code(ly_store *s, const char *code)
{
	return INNER(s)->ops->account_by_code(INNER(s), code);
}

static size_t cap_account_count(ly_store *s)
{
	return INNER(s)->ops->account_count(INNER(s));
}

static const ly_account *cap_account_at(ly_store *s, size_t i)
{
	return INNER(s)->ops->account_at(INNER(s), i);
}

static const ly_purchase_rec *cap_purchase(ly_store *s, const char *key)
{
	return INNER(s)->ops->purchase(INNER(s), key);
}

static const ly_redemption_rec *cap_redemption(ly_store *s, const loyalty_id *id)
{
	return INNER(s)->ops->redemption(INNER(s), id);
}

static const ly_idem *cap_idem(ly_store *s, const char *key)
{
	return INNER(s)->ops->idem(INNER(s), key);
}

static size_t cap_entry_count(ly_store *s)
{
	return INNER(s)->ops->entry_count(INNER(s));
}

static const loyalty_entry *cap_entry(ly_store *s, uint64_t seq)
{
	return INNER(s)->ops->entry(INNER(s), seq);
}

static int cap_prepare(ly_store *s, ly_txn *t)
{
	return INNER(s)->ops->prepare(INNER(s), t);
}

/* The transaction is encoded as the journal would, just before it becomes visible. */
static void cap_apply(ly_store *s, ly_txn *t)
{
	capture *c = (capture *)s;
	ly_enc e;

	ly_enc_init(&e);
	assert_ok(ly_encode_txn(&e, t));
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->txns = realloc(c->txns, c->cap * sizeof *c->txns);
		c->lens = realloc(c->lens, c->cap * sizeof *c->lens);
		assert_non_null(c->txns);
		assert_non_null(c->lens);
	}
	c->txns[c->n] = ly_enc_take(&e, &c->lens[c->n]);
	c->n++;
	INNER(s)->ops->apply(INNER(s), t);
}

static void cap_abort(ly_store *s, ly_txn *t)
{
	INNER(s)->ops->abort(INNER(s), t);
}

static int cap_list(ly_store *s, int what, const void ***items, size_t *n)
{
	return INNER(s)->ops->list(INNER(s), what, items, n);
}

static int cap_restore_idem(ly_store *s, ly_idem *r)
{
	return INNER(s)->ops->restore_idem(INNER(s), r);
}

static const ly_store_ops capture_ops = {
	cap_destroy,  cap_account,    cap_account_by_ref, cap_account_by_code, cap_account_count, cap_account_at,
	cap_purchase, cap_redemption, cap_idem,           cap_entry_count,     cap_entry,         cap_prepare,
	cap_apply,    cap_abort,      cap_list,           cap_restore_idem,
};

static capture *capture_attach(loyalty_program *p)
{
	capture *c = calloc(1, sizeof *c);

	assert_non_null(c);
	c->base.ops = &capture_ops;
	c->inner = p->store;
	p->store = &c->base;
	return c;
}

/* ---- the scripted history ------------------------------------------------------------------------ */

typedef struct history {
	loyalty_program *p;
	capture *cap;
	loyalty_id ids[6];
	const char *keys[64];         /* every idempotency key that succeeded */
	size_t nkeys;
	const char *purchase_keys[8];
	size_t npurchases;
	loyalty_id redemptions[4];
	size_t nredemptions;
	loyalty_receipt *receipts[8];
	size_t nreceipts;
	loyalty_purchase *purchases[8];
} history;

static void ok_key(history *h, int rc, const char *key)
{
	if (rc != LOYALTY_OK)
		fail_msg("%s: %s", key, loyalty_last_error());
	h->keys[h->nkeys++] = key;
}

static void buy(history *h, int who, const char *key, loyalty_time at, const char *const *skus, const char *const *types,
                const int64_t *qty, const int64_t *price, size_t n)
{
	loyalty_purchase *pu = NULL;
	loyalty_receipt *r = NULL;

	assert_ok(loyalty_purchase_new(&pu, key, &h->ids[who], at, "EUR"));
	assert_ok(loyalty_purchase_set_channel(pu, "online"));
	for (size_t i = 0; i < n; i++)
		assert_ok(loyalty_purchase_add_item(pu, skus[i], types[i], qty[i], price[i]));
	ok_key(h, loyalty_program_record_purchase(h->p, pu, &r), key);
	h->purchase_keys[h->npurchases] = key;
	h->purchases[h->npurchases++] = pu;
	h->receipts[h->nreceipts++] = r;
}

static void run_history(history *h)
{
	static const char *const skus[] = { "SKU-1", "SKU-2", "GC-50" };
	static const char *const types[] = { "electronics", "groceries", "gift_card" };
	static const int64_t qty[] = { 1, 3, 1 }, price[] = { 19999, 250, 5000 };
	static const int64_t qty2[] = { 4, 10, 2 }, price2[] = { 25000, 1500, 5000 };
	loyalty_customer *c;
	loyalty_redemption red;
	loyalty_entry e;
	loyalty_refund_result rr;
	char code[LOYALTY_REFERRAL_CODE_LEN + 1], code3[LOYALTY_REFERRAL_CODE_LEN + 1];
	int rc;

	h->p = golden_program();
	h->cap = capture_attach(h->p);
	for (int i = 0; i < 6; i++) {
		c = torture_customer((unsigned)i + 1);
		h->ids[i] = c->id;
		loyalty_customer_free(c);
	}

	/* enrolments: a full profile, then referred customers */
	c = torture_customer(1);
	assert_ok(loyalty_customer_set_external_ref(c, "crm-1"));
	assert_ok(loyalty_customer_set_name(c, "Zo\xc3\xab M\xc3\xbcller"));
	assert_ok(loyalty_customer_set_email(c, "zoe@example.com"));
	assert_ok(loyalty_customer_set_birthday(c, 1, 6));
	assert_ok(loyalty_customer_add_tag(c, "vip"));
	assert_ok(loyalty_customer_add_tag(c, "staff"));
	ok_key(h, loyalty_program_enroll(h->p, "enrol-1", c, NULL, T0, NULL), "enrol-1");
	loyalty_customer_free(c);
	assert_ok(loyalty_program_referral_code(h->p, &h->ids[0], code, sizeof code));
	c = torture_customer(2);
	assert_ok(loyalty_customer_set_external_ref(c, "crm-2"));
	ok_key(h, loyalty_program_enroll(h->p, "enrol-2", c, code, T0 + 1000, NULL), "enrol-2");
	loyalty_customer_free(c);
	for (int i = 3; i <= 6; i++) {
		static const char *const keys[] = { "enrol-3", "enrol-4", "enrol-5", "enrol-6" };
		c = torture_customer((unsigned)i);
		ok_key(h, loyalty_program_enroll(h->p, keys[i - 3], c, NULL, T0 + i * 1000, NULL), keys[i - 3]);
		loyalty_customer_free(c);
	}

	/* purchases: pending points, caps, exclusions, the referral bonuses, tier upgrades */
	buy(h, 0, "order-1", T0 + DAY, skus, types, qty, price, 3);
	buy(h, 1, "order-2", T0 + 2 * DAY, skus + 1, types + 1, qty2 + 1, price2 + 1, 2);
	buy(h, 0, "order-3", T0 + 3 * DAY, skus, types, qty2, price2, 3);
	buy(h, 2, "order-4", T0 + 4 * DAY, skus, types, qty2, price2, 2);
	buy(h, 3, "order-5", T0 + 5 * DAY, skus + 1, types + 1, qty + 1, price + 1, 1);

	/* a sweep: held points mature */
	assert_ok(loyalty_program_maintain(h->p, T0 + 20 * DAY, NULL));

	/* refunds: partial, then all of another purchase */
	ok_key(h, loyalty_program_refund(h->p, "refund-1", "order-1", 5000, T0 + 21 * DAY, &rr), "refund-1");
	ok_key(h, loyalty_program_refund(h->p, "refund-2", "order-5", 750, T0 + 21 * DAY, &rr), "refund-2");

	/* spending */
	ok_key(h, loyalty_program_adjust(h->p, "adjust-1", &h->ids[0], 5000, "goodwill \xe2\x98\x95", T0 + 22 * DAY, &e),
	       "adjust-1");
	ok_key(h, loyalty_program_redeem(h->p, "redeem-1", &h->ids[0], "mug", T0 + 22 * DAY, &red), "redeem-1");
	h->redemptions[h->nredemptions++] = red.id;
	ok_key(h, loyalty_program_redeem(h->p, "redeem-2", &h->ids[0], "mug", T0 + 23 * DAY, &red), "redeem-2");
	h->redemptions[h->nredemptions++] = red.id;
	ok_key(h, loyalty_program_cancel_redemption(h->p, "cancel-1", &red.id, T0 + 24 * DAY, &red), "cancel-1");
	ok_key(h, loyalty_program_donate(h->p, "donate-1", &h->ids[0], "charity", 10, T0 + 24 * DAY, &e), "donate-1");
	ok_key(h, loyalty_program_transfer(h->p, "transfer-1", &h->ids[0], &h->ids[2], 20, T0 + 25 * DAY), "transfer-1");
	ok_key(h, loyalty_program_adjust(h->p, "adjust-2", &h->ids[2], -5, "correction", T0 + 25 * DAY, &e), "adjust-2");

	/* engagement, partners, tiers, referrers */
	ok_key(h, loyalty_program_record_action(h->p, "action-1", &h->ids[3], "review", T0 + 26 * DAY, &e), "action-1");
	rc = loyalty_program_record_action(h->p, "action-2", &h->ids[3], "review", T0 + 27 * DAY, &e);
	assert_int_equal(rc, LOYALTY_ERANGE); /* capped: nothing committed */
	ok_key(h, loyalty_program_record_action(h->p, "action-3", &h->ids[3], "survey", T0 + 27 * DAY, &e), "action-3");
	ok_key(h, loyalty_program_credit_partner(h->p, "partner-1", &h->ids[4], "airline", 7, T0 + 28 * DAY, &e),
	       "partner-1");
	ok_key(h, loyalty_program_assign_tier(h->p, "assign-1", &h->ids[4], "silver", T0 + 100 * DAY, T0 + 28 * DAY),
	       "assign-1");
	assert_ok(loyalty_program_referral_code(h->p, &h->ids[2], code3, sizeof code3));
	ok_key(h, loyalty_program_set_referrer(h->p, "referrer-1", &h->ids[5], code3, T0 + 29 * DAY), "referrer-1");
	buy(h, 5, "order-6", T0 + 30 * DAY, skus + 1, types + 1, qty2 + 1, price2 + 1, 1);

	/* a year later: expiry and downgrades; then a refund into debt and a purchase that repays it */
	assert_ok(loyalty_program_maintain(h->p, T0 + 400 * DAY, NULL));
	ok_key(h, loyalty_program_refund(h->p, "refund-3", "order-3", 20000, T0 + 401 * DAY, &rr), "refund-3");
	buy(h, 0, "order-7", T0 + 402 * DAY, skus, types, qty, price, 2);
	assert_ok(loyalty_program_maintain(h->p, T0 + 430 * DAY, NULL));
}

static void free_history(history *h)
{
	for (size_t i = 0; i < h->nreceipts; i++)
		loyalty_receipt_free(h->receipts[i]);
	for (size_t i = 0; i < h->npurchases; i++)
		loyalty_purchase_free(h->purchases[i]);
	loyalty_program_free(h->p);
}

static void test_round_trip_live(void **state)
{
	ly_store *s;
	ly_definition def, gdef;
	history h;

	(void)state;
	memset(&h, 0, sizeof h);
	run_history(&h);
	s = h.p->store;

	assert_int_equal(s->ops->account_count(s), 6);
	for (size_t i = 0; i < s->ops->account_count(s); i++) {
		const ly_account *a = s->ops->account_at(s, i);
		round_account(a);
		round_customer(a->c);
	}
	assert_true(s->ops->entry_count(s) > 40);
	for (uint64_t seq = 1; seq <= s->ops->entry_count(s); seq++)
		round_entry(s->ops->entry(s, seq));
	for (size_t i = 0; i < h.npurchases; i++) {
		const ly_purchase_rec *r = s->ops->purchase(s, h.purchase_keys[i]);
		assert_non_null(r);
		round_purchase_rec(r);
		round_purchase(h.purchases[i]);
		round_receipt(h.receipts[i]);
	}
	for (size_t i = 0; i < h.nredemptions; i++)
		round_redemption_rec(s->ops->redemption(s, &h.redemptions[i]));
	for (size_t i = 0; i < h.nkeys; i++) {
		const ly_idem *r = s->ops->idem(s, h.keys[i]);
		assert_non_null(r);
		round_idem(r);
	}

	/* the definition: of the live program, equal to the one it was built from */
	assert_ok(ly_definition_of(h.p, &def));
	golden_definition(&gdef);
	assert_true(ly_definition_equal(&def, &gdef));
	round_definition(&def);
	ly_definition_free(&def);
	ly_definition_free(&gdef);
	free_history(&h);
}

/* Replaying the captured transactions into a second program rebuilds the same state. */
static void test_txn_replay(void **state)
{
	loyalty_program *q;
	ly_store *s, *t;
	history h;

	(void)state;
	memset(&h, 0, sizeof h);
	run_history(&h);
	s = h.p->store;
	q = golden_program();
	t = q->store;
	assert_true(h.cap->n > 20);
	for (size_t i = 0; i < h.cap->n; i++) {
		ly_txn x;
		ly_dec d;
		ly_enc e;
		ly_txn_init(&x, q);
		ly_dec_init(&d, h.cap->txns[i], h.cap->lens[i]);
		assert_ok(ly_decode_txn(&d, &x));
		assert_ok(ly_dec_finish(&d));
		ly_enc_init(&e);
		assert_ok(ly_encode_txn(&e, &x));
		assert_int_equal(e.len, h.cap->lens[i]);
		assert_memory_equal(e.data, h.cap->txns[i], e.len);
		ly_enc_free(&e);
		assert_ok(ly_txn_commit(&x));
		ly_txn_release(&x);
	}
	/* the same accounts (entry lists included), ledger, records and stock */
	assert_int_equal(t->ops->account_count(t), s->ops->account_count(s));
	for (size_t i = 0; i < s->ops->account_count(s); i++) {
		const ly_account *a = s->ops->account_at(s, i), *b = t->ops->account(t, &a->c->id);
		assert_non_null(b);
		assert_account_equal(a, b);
		assert_int_equal(a->ix->n, b->ix->n);
		assert_memory_equal(a->ix->pos, b->ix->pos, a->ix->n * sizeof *a->ix->pos);
		assert_ptr_equal(t->ops->account_by_code(t, a->code), b);
		if (a->c->external_ref[0])
			assert_ptr_equal(t->ops->account_by_ref(t, a->c->external_ref), b);
	}
	assert_int_equal(t->ops->entry_count(t), s->ops->entry_count(s));
	for (uint64_t seq = 1; seq <= s->ops->entry_count(s); seq++)
		assert_entry_equal(s->ops->entry(s, seq), t->ops->entry(t, seq));
	for (size_t i = 0; i < h.npurchases; i++)
		assert_purchase_rec_equal(s->ops->purchase(s, h.purchase_keys[i]), t->ops->purchase(t, h.purchase_keys[i]));
	for (size_t i = 0; i < h.nredemptions; i++)
		assert_redemption_rec_equal(s->ops->redemption(s, &h.redemptions[i]), t->ops->redemption(t, &h.redemptions[i]));
	for (size_t i = 0; i < h.nkeys; i++)
		assert_idem_equal(s->ops->idem(s, h.keys[i]), t->ops->idem(t, h.keys[i]));
	for (size_t i = 0; i < h.p->nrewards; i++)
		assert_int_equal(h.p->rewards[i].stock, q->rewards[i].stock);
	/* a record replayed twice is refused: its entries and key are taken */
	{
		ly_txn x;
		ly_dec d;
		ly_txn_init(&x, q);
		ly_dec_init(&d, h.cap->txns[h.cap->n - 1], h.cap->lens[h.cap->n - 1]);
		assert_status(ly_decode_txn(&d, &x), LOYALTY_ECORRUPT);
		assert_int_equal(x.naccounts, 0);
		ly_txn_release(&x);
	}
	loyalty_program_free(q);
	free_history(&h);
}

/* ---- golden files ------------------------------------------------------------------------------ */

static void test_golden_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < golden_nfiles; i++) {
		const golden_file *g = &golden_files[i];
		size_t len, flen;
		uint8_t *want = golden_bytes(g, &len), *have = read_file(g->name, &flen);

		if (flen != len || memcmp(want, have, len) != 0)
			fail_msg("%s: the encoder no longer writes the committed bytes (%zu vs %zu bytes): a format change "
			         "needs a schema version bump (tests/golden/README.md)",
			         g->name, len, flen);
		if (decode_bytes(g->kind, have, flen) != LOYALTY_OK)
			fail_msg("%s: %s", g->name, loyalty_last_error());
		free(want);
		free(have);
	}
}

/* The golden values decode to what they were. */
static void test_golden_values(void **state)
{
	loyalty_customer *c = golden_customer();
	loyalty_purchase *p = golden_purchase();
	loyalty_receipt *r = golden_receipt();
	ly_account *a = golden_account();
	ly_purchase_rec *pr = golden_purchase_rec();
	ly_redemption_rec *rr = golden_redemption_rec();
	ly_idem *id = golden_idem();
	ly_definition def;
	loyalty_entry x;

	(void)state;
	golden_entry(&x);
	golden_definition(&def);
	round_customer(c);
	round_purchase(p);
	round_receipt(r);
	round_entry(&x);
	round_account(a);
	round_purchase_rec(pr);
	round_redemption_rec(rr);
	round_idem(id);
	round_definition(&def);
	loyalty_customer_free(c);
	loyalty_purchase_free(p);
	loyalty_receipt_free(r);
	ly_account_free(a);
	ly_purchase_rec_free(pr);
	ly_redemption_rec_free(rr);
	ly_idem_free(id);
	ly_definition_free(&def);

	/* a transaction against a fresh program: new accounts, entry lists rebuilt */
	{
		ly_txn t, back;
		ly_enc e;
		ly_dec d;
		golden_txn(&t);
		ly_enc_init(&e);
		assert_ok(ly_encode_txn(&e, &t));
		ly_txn_init(&back, gprog);
		ly_dec_init(&d, e.data, e.len);
		assert_ok(ly_decode_txn(&d, &back));
		assert_int_equal(back.naccounts, 2);
		for (size_t i = 0; i < 2; i++) {
			assert_true(back.accounts[i].is_new);
			assert_account_equal(t.accounts[i].work, back.accounts[i].work);
			assert_null(back.accounts[i].work->ix); /* entry lists are the store's */
		}
		assert_int_equal(back.nentries, 3);
		for (size_t i = 0; i < 3; i++)
			assert_entry_equal(&t.entries[i], &back.entries[i]);
		assert_purchase_rec_equal(t.purchases[0], back.purchases[0]);
		assert_redemption_rec_equal(t.redemptions[0], back.redemptions[0]);
		assert_int_equal(back.nstock, 1);
		assert_int_equal(back.stock[0].reward, 1);
		assert_int_equal(back.stock[0].stock, 9);
		assert_idem_equal(t.idem, back.idem);
		assert_int_equal(back.next_seq, 4);
		ly_txn_release(&back);
		ly_txn_release(&t);
		ly_enc_free(&e);
	}

	/* records */
	{
		ly_tier t, tb;
		ly_reward rw, rb;
		ly_action ac, ab;
		ly_partner pa, pb;
		char *name = NULL, *rid = NULL;
		int64_t stock;
		loyalty_time now;
		ly_enc e;
		ly_dec d;

		golden_tier(&t);
		golden_reward(&rw);
		golden_action(&ac);
		golden_partner(&pa);

		ly_enc_init(&e);
		assert_ok(ly_encode_rec_tier(&e, &t));
		ly_dec_init(&d, e.data, e.len);
		assert_ok(ly_decode_rec_tier(&d, &tb));
		assert_string_equal(tb.name, t.name);
		assert_int_equal(tb.threshold, t.threshold);
		assert_int_equal(tb.benefits.count, 1);
		assert_string_equal(tb.benefits.items[0], "free_shipping");
		ly_enc_free(&e);

		assert_ok(ly_encode_rec_reward(&e, &rw, "gold"));
		ly_dec_init(&d, e.data, e.len);
		assert_ok(ly_decode_rec_reward(&d, &rb, &name));
		assert_string_equal(name, "gold");
		assert_string_equal(rb.id, rw.id);
		assert_string_equal(rb.name, rw.name);
		assert_int_equal(rb.cost, rw.cost);
		assert_int_equal(rb.min_tier, -1);
		assert_int_equal(rb.valid_from, rw.valid_from);
		assert_int_equal(rb.valid_until, rw.valid_until);
		assert_int_equal(rb.stock, rw.stock);
		free(name);
		ly_enc_free(&e);
		assert_ok(ly_encode_rec_reward(&e, &rw, NULL));
		ly_dec_init(&d, e.data, e.len);
		ly_def_reward_clear(&rb);
		assert_ok(ly_decode_rec_reward(&d, &rb, &name));
		assert_null(name);
		ly_enc_free(&e);

		assert_ok(ly_encode_rec_action(&e, &ac));
		ly_dec_init(&d, e.data, e.len);
		assert_ok(ly_decode_rec_action(&d, &ab));
		assert_string_equal(ab.name, ac.name);
		assert_int_equal(ab.points, ac.points);
		assert_int_equal(ab.cap_count, ac.cap_count);
		assert_int_equal(ab.cap_period, ac.cap_period);
		ly_enc_free(&e);

		assert_ok(ly_encode_rec_partner(&e, &pa));
		ly_dec_init(&d, e.data, e.len);
		assert_ok(ly_decode_rec_partner(&d, &pb));
		assert_string_equal(pb.name, pa.name);
		assert_frac_equal(pb.rate, pa.rate);
		ly_enc_free(&e);

		assert_ok(ly_encode_rec_stock(&e, "mug", -1));
		ly_dec_init(&d, e.data, e.len);
		assert_ok(ly_decode_rec_stock(&d, &rid, &stock));
		assert_string_equal(rid, "mug");
		assert_int_equal(stock, -1);
		free(rid);
		ly_enc_free(&e);

		assert_ok(ly_encode_rec_maintain(&e, INT64_MIN));
		ly_dec_init(&d, e.data, e.len);
		assert_ok(ly_decode_rec_maintain(&d, &now));
		assert_int_equal(now, INT64_MIN);
		ly_enc_free(&e);

		ly_def_tier_clear(&t);
		ly_def_tier_clear(&tb);
		ly_def_reward_clear(&rw);
		ly_def_reward_clear(&rb);
		ly_def_action_clear(&ac);
		ly_def_action_clear(&ab);
		ly_def_partner_clear(&pa);
		ly_def_partner_clear(&pb);
	}
}

/* Integers at every boundary of msgpack's forms round-trip in their smallest form. */
static void test_integer_forms(void **state)
{
	static const int64_t values[] = {
		0, 1, 127, 128, 255, 256, 65535, 65536, INT64_C(4294967295), INT64_C(4294967296), INT64_MAX,
		-1, -32, -33, -128, -129, -32768, -32769, INT64_C(-2147483648), INT64_C(-2147483649), INT64_MIN,
	};
	static const size_t sizes[] = { 1, 1, 1, 2, 2, 3, 3, 5, 5, 9, 9, 1, 1, 2, 2, 3, 3, 5, 5, 9, 9 };

	(void)state;
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		ly_enc e;
		ly_dec d;
		loyalty_time now;
		ly_enc_init(&e);
		assert_ok(ly_encode_rec_maintain(&e, values[i]));
		/* {"v": 1, "now": value}: 1 + 2 + 1 + 4 bytes before the value */
		assert_int_equal(e.len, 8 + sizes[i]);
		ly_dec_init(&d, e.data, e.len);
		assert_ok(ly_decode_rec_maintain(&d, &now));
		assert_int_equal(now, values[i]);
		ly_enc_free(&e);
	}
}

/* ---- rejections ---------------------------------------------------------------------------------- */

static void test_reject_version(void **state)
{
	const golden_file *g = golden_named("customer.mp");
	static const uint8_t v2[] = { 0x02 }, vneg[] = { 0xff }, vstr[] = { 0xa1, '1' };
	size_t len, n;
	uint8_t *b = golden_bytes(g, &len), *x;

	(void)state;
	/* the version is at offset 3: the map header, the key "v" */
	x = replace_value(b, len, 3, v2, 1, &n);
	expect_corrupt(G_CUSTOMER, x, n, 3, "customer.v: unknown schema version 2");
	free(x);
	x = replace_value(b, len, 3, vneg, 1, &n);
	expect_corrupt(G_CUSTOMER, x, n, 3, "unknown schema version -1");
	free(x);
	x = replace_value(b, len, 3, vstr, 2, &n);
	expect_corrupt(G_CUSTOMER, x, n, 3, "schema version");
	free(x);
	/* a version 2 value with a different field count still says "version" */
	b[0]--;
	b[3] = 2;
	expect_corrupt(G_CUSTOMER, b, len, 3, "unknown schema version 2");
	/* no "v" first */
	b[0]++;
	b[1] = 0xa1;
	b[2] = 'w';
	expect_corrupt(G_CUSTOMER, b, len, 1, "expected field 'v', found 'w'");
	free(b);
}

static void test_reject_types(void **state)
{
	static const uint8_t str[] = { 0xa1, 'x' }, one[] = { 0x01 }, nil[] = { 0xc0 }, flt[] = { 0xca, 0, 0, 0, 0 },
	                     map[] = { 0x80 }, bin3[] = { 0xc4, 3, 1, 2, 3 };
	size_t len, n, off;
	uint8_t *b, *x;

	(void)state;
	b = golden_bytes(golden_named("customer.mp"), &len);
	off = field(b, len, "joined");
	x = replace_value(b, len, off, str, sizeof str, &n);
	expect_corrupt(G_CUSTOMER, x, n, off, "customer.joined: expected an integer, found a string");
	free(x);
	x = replace_value(b, len, off, flt, sizeof flt, &n);
	expect_corrupt(G_CUSTOMER, x, n, off, "found a float");
	free(x);
	off = field(b, len, "name");
	x = replace_value(b, len, off, one, sizeof one, &n);
	expect_corrupt(G_CUSTOMER, x, n, off, "customer.name: expected a string, found an integer");
	free(x);
	off = field(b, len, "id");
	x = replace_value(b, len, off, bin3, sizeof bin3, &n);
	expect_corrupt(G_CUSTOMER, x, n, off, "customer.id: expected an id (bin 16)");
	free(x);
	off = field(b, len, "tags");
	x = replace_value(b, len, off, map, sizeof map, &n);
	expect_corrupt(G_CUSTOMER, x, n, off, "customer.tags: expected an array, found a map");
	free(x);
	free(b);

	b = golden_bytes(golden_named("account.mp"), &len);
	off = field(b, len, "purchased");
	x = replace_value(b, len, off, one, sizeof one, &n);
	expect_corrupt(G_ACCOUNT, x, n, off, "account.purchased: expected a boolean");
	free(x);
	off = field(b, len, "customer");
	x = replace_value(b, len, off, nil, sizeof nil, &n);
	expect_corrupt(G_ACCOUNT, x, n, off, "account.customer: expected a map, found nil");
	free(x);
	free(b);

	/* a value where a top-level value belongs, and the empty input */
	expect_corrupt(G_ENTRY, one, sizeof one, 0, "expected a map, found an integer");
	expect_corrupt(G_TXN, one, 0, 0, "truncated");
}

static void test_reject_fields(void **state)
{
	size_t len, n, off, end;
	uint8_t *b, *x;

	(void)state;
	b = golden_bytes(golden_named("customer.mp"), &len);
	/* missing: the field removed, the map one smaller */
	off = key_at(b, len, "email");
	end = mp_skip(b, field(b, len, "email"));
	x = splice(b, len, off, end, NULL, 0, &n);
	x[0]--;
	expect_corrupt(G_CUSTOMER, x, n, 0, "expected a map of 15 fields, found 14");
	/* missing, with the count kept: the next field is found instead */
	x[0]++;
	expect_corrupt(G_CUSTOMER, x, n, off, "expected field 'email', found 'tier'");
	free(x);
	/* extra: a field appended */
	{
		static const uint8_t extra[] = { 0xa5, 'e', 'x', 't', 'r', 'a', 0x01 };
		static const uint8_t m16[] = { 0xde, 0x00, 0x10 };
		uint8_t *y;
		size_t n2;
		x = splice(b, len, len, len, extra, sizeof extra, &n);
		expect_corrupt(G_CUSTOMER, x, n, len, "trailing bytes");
		y = splice(x, n, 0, 1, m16, sizeof m16, &n2); /* 16 fields need a map 16 header */
		expect_corrupt(G_CUSTOMER, y, n2, 0, "expected a map of 15 fields, found 16");
		free(y);
		free(x);
	}
	/* reordered: name and ref swapped */
	{
		size_t ref = key_at(b, len, "ref"), name = key_at(b, len, "name"), email = key_at(b, len, "email");
		uint8_t *y = malloc(len);
		memcpy(y, b, len);
		memcpy(y + ref, b + name, email - name);
		memcpy(y + ref + (email - name), b + ref, name - ref);
		expect_corrupt(G_CUSTOMER, y, len, ref, "expected field 'ref', found 'name'");
		free(y);
	}
	free(b);

	/* a nested map with a field too few */
	b = golden_bytes(golden_named("purchase.mp"), &len);
	off = field(b, len, "items") + 1; /* the first item's map */
	assert_int_equal(b[off], 0x84);
	b[off] = 0x83;
	expect_corrupt(G_PURCHASE, b, len, off, "purchase.items[0]: expected a map of 4 fields, found 3");
	free(b);
}

static void test_reject_ranges(void **state)
{
	static const uint8_t v16[] = { 0x10 }, v13[] = { 0x0d }, m1[] = { 0xff }, m2[] = { 0xfe }, zero[] = { 0x00 },
	                     three[] = { 0x03 }, four[] = { 0x04 }, den0[] = { 0x92, 0x01, 0x00 }, two[] = { 0x02 },
	                     big[] = { 0xcf, 0x80, 0, 0, 0, 0, 0, 0, 0 };
	size_t len, n, off;
	uint8_t *b, *x;

	(void)state;
	b = golden_bytes(golden_named("entry.mp"), &len);
	off = field(b, len, "kind");
	x = replace_value(b, len, off, v16, 1, &n);
	expect_corrupt(G_ENTRY, x, n, off, "entry.kind: 16 is out of range 0..15");
	free(x);
	off = field(b, len, "seq");
	x = replace_value(b, len, off, zero, 1, &n);
	expect_corrupt(G_ENTRY, x, n, off, "entry.seq: 0 is out of range 1..");
	free(x);
	off = field(b, len, "points");
	x = replace_value(b, len, off, big, sizeof big, &n);
	expect_corrupt(G_ENTRY, x, n, off, "9223372036854775808 is out of range");
	free(x);
	free(b);

	b = golden_bytes(golden_named("customer.mp"), &len);
	off = field(b, len, "bmonth");
	x = replace_value(b, len, off, v13, 1, &n);
	expect_corrupt(G_CUSTOMER, x, n, off, "customer.bmonth: 13 is out of range 0..12");
	free(x);
	x = replace_value(b, len, field(b, len, "bday"), v16 /* 16 Feb: fine */, 1, &n);
	assert_ok(decode_bytes(G_CUSTOMER, x, n));
	free(x);
	{
		static const uint8_t thirty[] = { 0x1e }; /* 30 February does not exist */
		x = replace_value(b, len, field(b, len, "bday"), thirty, 1, &n);
		expect_corrupt(G_CUSTOMER, x, n, off, "customer.bmonth: rejected: loyalty_customer_set_birthday");
		free(x);
	}
	free(b);

	b = golden_bytes(golden_named("account.mp"), &len);
	off = field_nth(b, len, "tier", 1); /* the account's, after the customer's */
	x = replace_value(b, len, off, m2, 1, &n);
	expect_corrupt(G_ACCOUNT, x, n, off, "account.tier: -2 is out of range -1..");
	free(x);
	off = field_nth(b, len, "debt", 0);
	x = replace_value(b, len, off, m1, 1, &n);
	expect_corrupt(G_ACCOUNT, x, n, off, "account.debt: -1 is out of range 0..");
	free(x);
	off = field(b, len, "matures");
	x = replace_value(b, len, off, m1, 1, &n);
	expect_corrupt(G_ACCOUNT, x, n, off, "account.buckets[0].matures: -1 is out of range");
	free(x);
	free(b);

	b = golden_bytes(golden_named("receipt.mp"), &len);
	off = field(b, len, "rounding");
	x = replace_value(b, len, off, four, 1, &n);
	expect_corrupt(G_RECEIPT, x, n, off, "receipt.rounding: 4 is out of range 0..3");
	free(x);
	off = field(b, len, "role");
	x = replace_value(b, len, off, three, 1, &n);
	expect_corrupt(G_RECEIPT, x, n, off, "receipt.lines[0].role: 3 is out of range 0..2");
	free(x);
	off = field(b, len, "exact");
	x = replace_value(b, len, off, den0, sizeof den0, &n);
	expect_corrupt(G_RECEIPT, x, n, off + 2, "receipt.exact.den: 0 is out of range 1..");
	free(x);
	off = field(b, len, "applied");
	x = replace_value(b, len, off, two, 1, &n);
	expect_corrupt(G_RECEIPT, x, n, off, "receipt.lines[0].applied: expected a boolean, found an integer");
	free(x);
	off = field(b, len, "recorded");
	b[off] = 0xc2; /* not recorded, yet credited */
	expect_corrupt(G_RECEIPT, b, len, field(b, len, "credited"), "not recorded by a program");
	free(b);

	b = golden_bytes(golden_named("purchase.mp"), &len);
	off = field(b, len, "qty");
	x = replace_value(b, len, off, zero, 1, &n);
	expect_corrupt(G_PURCHASE, x, n, off, "purchase.items[0].qty: 0 is out of range 1..");
	free(x);
	/* line totals that overflow: the purchase's own check */
	{
		static const uint8_t max[] = { 0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
		size_t n2;
		uint8_t *y;
		off = field(b, len, "price");
		x = replace_value(b, len, off, max, sizeof max, &n);
		y = replace_value(x, n, field_nth(x, n, "price", 1), max, sizeof max, &n2);
		/* the second line's total overflows: refused at its map */
		expect_corrupt(G_PURCHASE, y, n2, mp_skip(y, field(y, n2, "items") + 1), "purchase.items[1]: rejected");
		assert_non_null(strstr(loyalty_last_error(), "overflows"));
		free(x);
		free(y);
	}
	free(b);

	b = golden_bytes(golden_named("redemption_rec.mp"), &len);
	off = field(b, len, "points");
	x = replace_value(b, len, off, zero, 1, &n);
	expect_corrupt(G_REDEMPTION_REC, x, n, off, "redemption_rec.points: 0 is out of range 1..");
	free(x);
	free(b);

	b = golden_bytes(golden_named("purchase_rec.mp"), &len);
	off = field(b, len, "clawed");
	{
		static const uint8_t clawed[] = { 0xcd, 0x01, 0x91 }; /* 401 > credited 400 */
		x = replace_value(b, len, off, clawed, sizeof clawed, &n);
		expect_corrupt(G_PURCHASE_REC, x, n, off, "purchase_rec.clawed: 401 is out of range 0..400");
		free(x);
	}
	free(b);

	b = golden_bytes(golden_named("idem.mp"), &len);
	off = field(b, len, "op");
	x = replace_value(b, len, off, v13, 1, &n);
	expect_corrupt(G_IDEM, x, n, off, "idem.op: 13 is out of range 1..12");
	free(x);
	x = replace_value(b, len, off, three, 1, &n); /* a refund with a receipt */
	expect_corrupt(G_IDEM, x, n, off, "a receipt is recorded for purchases");
	free(x);
	free(b);
}

static void test_reject_strings(void **state)
{
	uint8_t name[2 + 3 + LOYALTY_NAME_MAX + 1];
	size_t len, n, off;
	uint8_t *b, *x;

	(void)state;
	b = golden_bytes(golden_named("customer.mp"), &len);
	off = field(b, len, "name");
	/* 257 bytes: over LOYALTY_NAME_MAX; 256 is fine */
	name[0] = 0xda;
	name[1] = 0x01;
	name[2] = 0x01;
	memset(name + 3, 'a', LOYALTY_NAME_MAX + 1);
	x = replace_value(b, len, off, name, 3 + LOYALTY_NAME_MAX + 1, &n);
	expect_corrupt(G_CUSTOMER, x, n, off, "customer.name: string of 257 bytes, longer than the limit of 256");
	free(x);
	name[1] = 0x01;
	name[2] = 0x00;
	x = replace_value(b, len, off, name, 3 + LOYALTY_NAME_MAX, &n);
	assert_ok(decode_bytes(G_CUSTOMER, x, n));
	free(x);
	/* a NUL, a control character, bad UTF-8 */
	{
		static const uint8_t nul[] = { 0xa3, 'a', 0, 'b' }, ctl[] = { 0xa3, 'a', 1, 'b' }, utf[] = { 0xa2, 0xc3, 0x28 };
		x = replace_value(b, len, off, nul, sizeof nul, &n);
		expect_corrupt(G_CUSTOMER, x, n, off, "customer.name: string contains a NUL byte");
		free(x);
		x = replace_value(b, len, off, ctl, sizeof ctl, &n);
		expect_corrupt(G_CUSTOMER, x, n, off, "UTF-8 without control characters");
		free(x);
		x = replace_value(b, len, off, utf, sizeof utf, &n);
		expect_corrupt(G_CUSTOMER, x, n, off, "customer.name");
		free(x);
	}
	/* an e-mail the setter refuses, a tag twice, a tag that is not an identifier */
	{
		static const uint8_t mail[] = { 0xa4, 'n', 'o', 'p', 'e' }, tags[] = { 0x92, 0xa1, 'a', 0xa1, 'a' },
		                     bad[] = { 0x91, 0xa3, 'a', ' ', 'b' };
		off = field(b, len, "email");
		x = replace_value(b, len, off, mail, sizeof mail, &n);
		expect_corrupt(G_CUSTOMER, x, n, off, "customer.email: rejected: loyalty_customer_set_email");
		free(x);
		off = field(b, len, "tags");
		x = replace_value(b, len, off, tags, sizeof tags, &n);
		expect_corrupt(G_CUSTOMER, x, n, off + 3, "customer.tags[1]: rejected");
		free(x);
		x = replace_value(b, len, off, bad, sizeof bad, &n);
		expect_corrupt(G_CUSTOMER, x, n, off + 1, "customer.tags[0]: expected 1..64 bytes of [A-Za-z0-9_.-]");
		free(x);
	}
	free(b);

	b = golden_bytes(golden_named("receipt.mp"), &len);
	{
		static const uint8_t euro[] = { 0xa4, 'E', 'U', 'R', 'O' }, abc[] = { 0xa3, 'A', 'B', 'C' };
		off = field(b, len, "currency");
		x = replace_value(b, len, off, euro, sizeof euro, &n);
		expect_corrupt(G_RECEIPT, x, n, off, "string of 4 bytes, longer than the limit of 3");
		free(x);
		x = replace_value(b, len, off, abc, sizeof abc, &n);
		expect_corrupt(G_RECEIPT, x, n, off, "'ABC' is not an ISO 4217 code");
		free(x);
	}
	free(b);

	b = golden_bytes(golden_named("account.mp"), &len);
	{
		static const uint8_t code[] = { 0xa9, 'L', 'Y', '-', '1', '2', '3', '4', '5', '6' },
		                     cname[] = { 0xa3, 'a', ' ', 'b' }, nilid[] = { 0xc4, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		                                                                    0, 0, 0, 0, 0, 0 };
		off = field(b, len, "code");
		x = replace_value(b, len, off, code, sizeof code, &n);
		expect_corrupt(G_ACCOUNT, x, n, off, "account.code: a referral code is 10 bytes");
		free(x);
		off = field_nth(b, len, "name", 1); /* the first counter's */
		x = replace_value(b, len, off, cname, sizeof cname, &n);
		expect_corrupt(G_ACCOUNT, x, n, off, "account.counters[0].name");
		free(x);
		off = field(b, len, "referrer");
		x = replace_value(b, len, off, nilid, sizeof nilid, &n);
		expect_corrupt(G_ACCOUNT, x, n, off, "account.referrer: the nil id");
		free(x);
		b[field(b, len, "has_referrer")] = 0xc2;
		expect_corrupt(G_ACCOUNT, b, len, off, "set, but has_referrer is false");
		off = field(b, len, "id"); /* the customer's id */
		x = replace_value(b, len, off, nilid, sizeof nilid, &n);
		expect_corrupt(G_ACCOUNT, x, n, off, "account.customer.id: the nil id");
		free(x);
	}
	free(b);
}

/* Counts that the input cannot hold fail before anything is allocated for them. */
static void test_reject_counts(void **state)
{
	/* {"v":1, "accounts": [2^32-1 elements]} and a few bytes */
	static const uint8_t txn[] = { 0x88, 0xa1, 'v', 0x01, 0xa2, 'a', 'c', /* "ac": accounts */
		                           0xdd, 0xff, 0xff, 0xff, 0xff, 0x80, 0x80 };
	static const uint8_t arr32[] = { 0xdd, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0 };
	static const uint8_t map32[] = { 0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, 'v', 0x01, 0, 0 };
	static const uint8_t lines[] = { 0xdd, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t tags[] = { 0xdc, 0x00, 0x41 };
	static const uint8_t str32[] = { 0xdb, 0xff, 0xff, 0xff, 0xff, 'a' };
	static const uint8_t bin32[] = { 0xc6, 0x00, 0x10, 0x00, 0x00, 'a' };
	size_t len, n, off;
	uint8_t *b, *x;

	(void)state;
	alloc_reset();
	expect_corrupt(G_TXN, txn, sizeof txn, 7, "txn.accounts: 4294967295 elements cannot fit in the 2 bytes left");
	assert_true(alloc_max < 256);
	for (int k = G_CUSTOMER; k <= G_RECORD; k++) {
		alloc_reset();
		expect_corrupt((golden_kind)k, arr32, sizeof arr32, 0, "expected a map, found an array");
		expect_corrupt((golden_kind)k, map32, sizeof map32, 0, "found 4294967295");
		assert_int_equal(allocs, 0);
	}

	b = golden_bytes(golden_named("receipt.mp"), &len);
	off = field(b, len, "lines");
	x = replace_value(b, len, off, lines, sizeof lines, &n);
	alloc_reset();
	expect_corrupt(G_RECEIPT, x, n, off, "receipt.lines: 4294967295 elements cannot fit");
	assert_true(alloc_max < 1024);
	free(x);
	free(b);

	b = golden_bytes(golden_named("customer.mp"), &len);
	off = field(b, len, "tags");
	x = replace_value(b, len, off, tags, sizeof tags, &n);
	expect_corrupt(G_CUSTOMER, x, n, off, "customer.tags: 65 elements, more than the limit of 64");
	free(x);
	off = field(b, len, "name");
	x = replace_value(b, len, off, str32, sizeof str32, &n);
	alloc_reset();
	expect_corrupt(G_CUSTOMER, x, n, off, "string of 4294967295 bytes, longer than the limit of 256");
	assert_true(alloc_max < 1024);
	free(x);
	free(b);

	b = golden_bytes(golden_named("idem.mp"), &len);
	off = field(b, len, "request");
	x = replace_value(b, len, off, bin32, sizeof bin32, &n);
	alloc_reset();
	expect_corrupt(G_IDEM, x, n, off, "idem.request: truncated: 1048581 bytes needed");
	assert_true(alloc_max < 1024);
	free(x);
	free(b);

	/* a bigger element count than the bytes can hold, though fewer than the bytes */
	b = golden_bytes(golden_named("account.mp"), &len);
	off = field(b, len, "buckets");
	assert_int_equal(b[off], 0x92);
	b[off] = 0x9f; /* 15 buckets of at least 40 bytes */
	expect_corrupt(G_ACCOUNT, b, len, off, "account.buckets: 15 elements cannot fit");
	free(b);
}

/* Deep nesting: the decoder's depth bound. Our schema nests at most 6 levels, so a deep input is
 * refused as the wrong type at once; the bound itself shows when a decoder starts deep. */
static void test_reject_depth(void **state)
{
	uint8_t deep[4096];
	size_t len, off;
	uint8_t *b;
	loyalty_customer *c;
	ly_dec d;

	(void)state;
	memset(deep, 0x91, sizeof deep);
	for (int k = G_CUSTOMER; k <= G_RECORD; k++)
		expect_corrupt((golden_kind)k, deep, sizeof deep, 0, "expected a map");
	memset(deep, 0x81, sizeof deep);
	for (int k = G_CUSTOMER; k <= G_RECORD; k++)
		expect_corrupt((golden_kind)k, deep, sizeof deep, 1, NULL);

	b = golden_bytes(golden_named("customer.mp"), &len);
	ly_dec_init(&d, b, len);
	d.depth = 16;
	assert_status(ly_decode_customer(&d, &c), LOYALTY_ECORRUPT);
	assert_int_equal(err_offset(), 0);
	assert_non_null(strstr(loyalty_last_error(), "nesting deeper than 16"));
	assert_int_equal(d.depth, 16);
	ly_dec_init(&d, b, len);
	d.depth = 15; /* the customer's map is level 16, its tags would be 17 */
	off = field(b, len, "tags");
	assert_status(ly_decode_customer(&d, &c), LOYALTY_ECORRUPT);
	assert_int_equal(err_offset(), off);
	assert_non_null(strstr(loyalty_last_error(), "customer.tags: nesting deeper than 16"));
	ly_dec_init(&d, b, len);
	d.depth = 14;
	assert_ok(ly_decode_customer(&d, &c));
	assert_int_equal(d.depth, 14);
	loyalty_customer_free(c);
	free(b);
}

/* The smallest form only: any other encoding of the same value is refused. */
static void test_reject_noncanonical(void **state)
{
	static const uint8_t u8[] = { 0xcc, 0x02 }, i8[] = { 0xd0, 0x02 }, i8n[] = { 0xd0, 0xff },
	                     u16[] = { 0xcd, 0x00, 0x80 }, u64[] = { 0xcf, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff },
	                     i64[] = { 0xd3, 0xff, 0xff, 0xff, 0xff, 0x80, 0, 0, 0 };
	size_t len, n, off;
	uint8_t *b, *x;

	(void)state;
	b = golden_bytes(golden_named("customer.mp"), &len);
	off = field(b, len, "bmonth");
	x = replace_value(b, len, off, u8, sizeof u8, &n);
	expect_corrupt(G_CUSTOMER, x, n, off, "customer.bmonth: non-canonical integer encoding (2 in 1 bytes)");
	free(x);
	x = replace_value(b, len, off, i8, sizeof i8, &n);
	expect_corrupt(G_CUSTOMER, x, n, off, "non-canonical integer encoding (2 in 1 bytes)");
	free(x);
	off = field(b, len, "avail");
	x = replace_value(b, len, off, i8n, sizeof i8n, &n);
	expect_corrupt(G_CUSTOMER, x, n, off, "non-canonical integer encoding (-1 in 1 bytes)");
	free(x);
	x = replace_value(b, len, off, u16, sizeof u16, &n);
	expect_corrupt(G_CUSTOMER, x, n, off, "(128 in 2 bytes)");
	free(x);
	x = replace_value(b, len, off, u64, sizeof u64, &n);
	expect_corrupt(G_CUSTOMER, x, n, off, "(4294967295 in 8 bytes)");
	free(x);
	x = replace_value(b, len, off, i64, sizeof i64, &n);
	expect_corrupt(G_CUSTOMER, x, n, off, "(-2147483648 in 8 bytes)");
	free(x);
	/* a short string in a str 8 header, a key too */
	{
		static const uint8_t s8[] = { 0xd9, 0x03, 'a', 'b', 'c' };
		off = field(b, len, "name");
		x = replace_value(b, len, off, s8, sizeof s8, &n);
		expect_corrupt(G_CUSTOMER, x, n, off, "non-canonical string header (3 bytes in a 1-byte length)");
		free(x);
		off = key_at(b, len, "name");
		{
			static const uint8_t key[] = { 0xd9, 0x01, 'n' }; /* "n", the key of "name", in a str 8 */
			x = splice(b, len, off, off + 2, key, sizeof key, &n);
			expect_corrupt(G_CUSTOMER, x, n, off, "expected field 'name'");
			free(x);
		}
	}
	/* map and array headers in 16 bits for small counts */
	{
		static const uint8_t m16[] = { 0xde, 0x00, 0x0f };
		static const uint8_t a16[] = { 0xdc, 0x00, 0x02 };
		x = splice(b, len, 0, 1, m16, sizeof m16, &n);
		expect_corrupt(G_CUSTOMER, x, n, 0, "non-canonical map header");
		free(x);
		off = field(b, len, "tags");
		x = splice(b, len, off, off + 1, a16, sizeof a16, &n);
		expect_corrupt(G_CUSTOMER, x, n, off, "non-canonical array header");
		free(x);
	}
	free(b);
	/* a bin 16 of 16 bytes for an id */
	b = golden_bytes(golden_named("entry.mp"), &len);
	{
		static const uint8_t b16[] = { 0xc5, 0x00, 0x10 };
		off = field(b, len, "id");
		x = splice(b, len, off, off + 2, b16, sizeof b16, &n);
		expect_corrupt(G_ENTRY, x, n, off, "non-canonical bin header");
		free(x);
	}
	free(b);
}

static void test_reject_definition(void **state)
{
	ly_definition d;
	ly_enc e;
	size_t off;

	(void)state;
#define DEF_CASE(change, needle)                                        \
	do {                                                                \
		golden_definition(&d);                                          \
		change;                                                         \
		ly_enc_init(&e);                                                \
		assert_ok(ly_encode_definition(&e, &d));                        \
		expect_corrupt(G_DEFINITION, e.data, e.len, SIZE_MAX, needle);  \
		ly_enc_free(&e);                                                \
		ly_definition_free(&d);                                         \
	} while (0)
	DEF_CASE((free(d.strategies[0].params), d.strategies[0].params = ly_strdup("per=100 points=1")),
	         "definition.strategies[0].params: not in canonical form");
	DEF_CASE((free(d.strategies[0].params), d.strategies[0].params = ly_strdup("points=1 per=0")),
	         "definition.strategies[0]: rejected: loyalty_calculator_add: base_rate 'dollar'");
	DEF_CASE((free(d.strategies[1].kind), d.strategies[1].kind = ly_strdup("bogus")), "unknown strategy kind 'bogus'");
	DEF_CASE(d.strategies[0].role = LOYALTY_ROLE_BONUS, "strategies[0].role: bonus, but the parameters make a base");
	DEF_CASE((free(d.strategies[7].params), d.strategies[7].params = ly_strdup("x=1")), "a custom strategy has no");
	DEF_CASE((free(d.strategies[1].name), d.strategies[1].name = ly_strdup("dollar")),
	         "a strategy named 'dollar' already exists");
	DEF_CASE(d.tiers[2].threshold = 50000, "definition.tiers[2].threshold: thresholds must increase");
	DEF_CASE((free(d.tiers[2].name), d.tiers[2].name = ly_strdup("bronze")), "tier 'bronze' defined twice");
	DEF_CASE(d.rewards[1].min_tier = 3, "definition.rewards[1].min_tier: 3 is out of range -1..2");
	DEF_CASE(d.rewards[1].valid_until = d.rewards[1].valid_from, "valid_until: not after valid_from");
	DEF_CASE(d.rewards[0].stock = -2, "definition.rewards[0].stock: -2 is out of range -1..");
	DEF_CASE(d.actions[1].cap_period = LOYALTY_PERIOD_DAY, "a cap needs a period DAY..EVER, and no cap has none");
	DEF_CASE(d.partners[0].rate.num = 6, "fraction 6/2 is not in lowest terms");
	DEF_CASE(d.partners[0].rate.num = -3, "a partner's rate is > 0");
	DEF_CASE(d.opts.expiry_months = 0, "bucket expiry needs expiry_months or expiry_days");
	DEF_CASE(d.opts.pending_days = 3661, "definition.options.pending_days: 3661 is out of range 0..3660");
	DEF_CASE(d.copts.utc_offset_minutes = 900, "definition.calculator.utc_offset: 900 is out of range -840..840");
	DEF_CASE(snprintf(d.copts.currency, 4, "ABC"), "'ABC' is not an ISO 4217 code");
	DEF_CASE(ly_strset_add(&d.excluded, "bad type"), "definition.excluded[2]");
#undef DEF_CASE
	/* offsets: the first strategy's parameters */
	golden_definition(&d);
	free(d.strategies[0].params);
	d.strategies[0].params = ly_strdup("per=100 points=1");
	ly_enc_init(&e);
	assert_ok(ly_encode_definition(&e, &d));
	off = field(e.data, e.len, "strategies") + 1;
	expect_corrupt(G_DEFINITION, e.data, e.len, off, "not in canonical form");
	ly_enc_free(&e);
	ly_definition_free(&d);
}

/* A transaction checked against the program it will be committed to. */
static void test_reject_txn(void **state)
{
	ly_txn t;
	ly_enc e, a0;
	size_t off;

	(void)state;
#define TXN_CASE(change, offset_expr, needle)                                 \
	do {                                                                      \
		golden_txn(&t);                                                       \
		change;                                                               \
		ly_enc_init(&e);                                                      \
		assert_ok(ly_encode_txn(&e, &t));                                     \
		off = (offset_expr);                                                  \
		expect_corrupt(G_TXN, e.data, e.len, off, needle);                    \
		ly_enc_free(&e);                                                      \
		ly_txn_release(&t);                                                   \
	} while (0)
	/* accounts[1] starts after the array header and accounts[0] */
	golden_txn(&t);
	ly_enc_init(&a0);
	assert_ok(ly_encode_account(&a0, t.accounts[0].work));
	ly_txn_release(&t);
#define ACCOUNT1 (field(e.data, e.len, "accounts") + 1 + a0.len)
	TXN_CASE(t.accounts[1].work->tier = 3, ACCOUNT1, "txn.accounts[1].tier: tier 3 / paid tier 1, but the program has 3");
	TXN_CASE(t.accounts[0].work->paid_tier = 3, field(e.data, e.len, "accounts") + 1, "txn.accounts[0].tier: tier 0 / paid tier 3");
	golden_txn(&t);
	assert_ok(ly_account_check(gprog, t.accounts[1].work));
	t.accounts[1].work->paid_tier = 3;
	assert_status(ly_account_check(gprog, t.accounts[1].work), LOYALTY_ECORRUPT);
	assert_non_null(strstr(loyalty_last_error(), "tier 2 / paid tier 3, but the program has 3 tiers"));
	ly_txn_release(&t);
	TXN_CASE(t.accounts[1].work->c->id = t.accounts[0].work->c->id, ACCOUNT1, "txn.accounts[1]: the same customer twice");
	TXN_CASE(memcpy(t.accounts[1].work->code, "LY-REF0001", 11), ACCOUNT1, "referral code 'LY-REF0001' is taken");
	TXN_CASE(t.accounts[1].work->referrer = golden_id(0xc1, 77), field(e.data, e.len, "accounts"),
	         "txn.accounts[1].referrer: not a customer");
	TXN_CASE(t.entries[0].seq = 2, field(e.data, e.len, "entries") + 1,
	         "txn.entries[0].seq: 2, but the ledger's next entry is 1");
	TXN_CASE(t.entries[2].customer_id = golden_id(0xc1, 99), SIZE_MAX,
	         "txn.entries[2].customer: not one of the transaction's accounts");
	TXN_CASE(t.next_seq = 5, field(e.data, e.len, "next_seq"), "txn.next_seq: 5, but the entries end before 4");
	TXN_CASE(t.stock[0].reward = 2, field(e.data, e.len, "stock") + 3 + strlen(ly_codec_key("reward")), "txn.stock[0].reward: 2 is out of range 0..1");
	TXN_CASE(t.purchases[0]->customer = golden_id(0xc1, 55), field(e.data, e.len, "purchases") + 1,
	         "txn.purchases[0].customer: not a customer");
	TXN_CASE(t.redemptions[0]->r.customer_id = golden_id(0xc1, 55), field(e.data, e.len, "redemptions") + 1,
	         "txn.redemptions[0].customer: not a customer");
	/* a batch: the same purchase twice (purchase keys are indexed when there are several) */
	TXN_CASE((t.bulk = true, assert_ok(ly_txn_put_purchase(&t, ly_purchase_rec_clone(t.purchases[0])))), SIZE_MAX,
	         "txn.purchases[1].key: purchase 'order-1001' twice");
#undef ACCOUNT1
#undef TXN_CASE
	ly_enc_free(&a0);

	/* against a program whose store is not empty */
	{
		loyalty_program *p = golden_program();
		loyalty_customer *c = torture_customer(1);
		ly_txn x, k;
		ly_dec d;
		uint8_t *b;
		size_t len;

		golden_txn(&t);
		ly_enc_init(&e);
		assert_ok(ly_encode_txn(&e, &t));
		b = ly_enc_take(&e, &len);
		ly_txn_release(&t);
		/* an idempotency key already recorded (committed by hand: no entries) */
		ly_txn_init(&k, p);
		k.idem = calloc(1, sizeof *k.idem);
		k.idem->key = ly_strdup("adjust-1");
		k.idem->request = malloc(1);
		k.idem->op = LY_OP_ADJUST;
		assert_ok(p->store->ops->prepare(p->store, &k));
		p->store->ops->apply(p->store, &k);
		ly_txn_release(&k);
		ly_txn_init(&x, p);
		ly_dec_init(&d, b, len);
		assert_status(ly_decode_txn(&d, &x), LOYALTY_ECORRUPT);
		assert_int_equal(err_offset(), field(b, len, "idem"));
		assert_non_null(strstr(loyalty_last_error(), "txn.idem.key: key 'adjust-1' was already recorded"));
		assert_int_equal(x.naccounts + x.nentries + x.npurchases + x.nredemptions + x.nstock, 0);
		assert_null(x.idem);
		/* an enrolment (and its tier entry) committed: the next entry is 3 */
		assert_ok(loyalty_program_enroll(p, "enrol-x", c, NULL, T0, NULL));
		ly_dec_init(&d, b, len);
		assert_status(ly_decode_txn(&d, &x), LOYALTY_ECORRUPT);
		assert_non_null(strstr(loyalty_last_error(), "txn.entries[0].seq: 1, but the ledger's next entry is 3"));
		/* a decoder refuses a transaction that is not empty */
		x.nstock = 1;
		ly_dec_init(&d, b, len);
		assert_status(ly_decode_txn(&d, &x), LOYALTY_EINVAL);
		x.nstock = 0;
		ly_txn_release(&x);
		loyalty_customer_free(c);
		free(b);
		loyalty_program_free(p);
	}
}

static void test_reject_records(void **state)
{
	static const uint8_t eight[] = { 0x0f }, str[] = { 0xa1, 'x' };
	size_t len, n, off;
	uint8_t *b, *x;

	(void)state;
	b = golden_bytes(golden_named("record_action.mp"), &len);
	off = field(b, len, "t");
	x = replace_value(b, len, off, eight, 1, &n);
	expect_corrupt(G_RECORD, x, n, off, "record.t: unknown record type 15");
	free(x);
	{
		static const uint8_t big[] = { 0xcc, 0xff };
		x = replace_value(b, len, off, big, sizeof big, &n);
		expect_corrupt(G_RECORD, x, n, off, "record.t: 255 is out of range");
		free(x);
	}
	off = field(b, len, "b");
	x = replace_value(b, len, off, str, sizeof str, &n);
	expect_corrupt(G_RECORD, x, n, off, "record.b: expected a bin, found a string");
	free(x);
	/* an error in the body names its offset in the record */
	off = field(b, len, "points");
	b[off] = 0x00;
	expect_corrupt(G_RECORD, b, len, off, "action_rec.points: 0 is out of range 1..");
	free(b);
	/* a record's body must be filled exactly */
	b = golden_bytes(golden_named("record_maintain.mp"), &len);
	{
		ly_dec d, body;
		loyalty_time now;
		int type;
		/* the body one byte shorter: its last value is cut */
		off = field(b, len, "b");
		assert_int_equal(b[off], 0xc4);
		b[off + 1]--;
		ly_dec_init(&d, b, len - 1);
		assert_ok(ly_decode_record(&d, &type, &body));
		assert_int_equal(type, LY_REC_MAINTAIN);
		assert_status(ly_decode_rec_maintain(&body, &now), LOYALTY_ECORRUPT);
		assert_int_equal(err_offset(), len - 9); /* the int 64 that "now" is, truncated */
		assert_non_null(strstr(loyalty_last_error(), "maintain_rec.now: truncated"));
	}
	free(b);
	/* stock of -2, a reward's unknown-tier name that is not an identifier */
	b = golden_bytes(golden_named("record_stock.mp"), &len);
	off = field(b, len, "stock");
	b[off] = 0xfe;
	expect_corrupt(G_RECORD, b, len, off, "stock_rec.stock: -2 is out of range -1..");
	free(b);
	b = golden_bytes(golden_named("record_reward.mp"), &len);
	off = field(b, len, "min_tier");
	{
		/* "gold" (5 bytes) becomes "a/b" (4 bytes): the body's bin 8 length shrinks by one */
		static const uint8_t bad[] = { 0xa3, 'a', '/', 'b' };
		x = replace_value(b, len, off, bad, sizeof bad, &n);
		x[field(x, n, "b") + 1]--;
		expect_corrupt(G_RECORD, x, n, off, "reward_rec.min_tier: expected 1..64 bytes of [A-Za-z0-9_.-]");
		free(x);
	}
	free(b);
}

/* ---- robustness sweeps ----------------------------------------------------------------------------- */

/* Every proper prefix of every golden file fails cleanly. */
static void test_truncation(void **state)
{
	(void)state;
	for (size_t i = 0; i < golden_nfiles; i++) {
		size_t len;
		uint8_t *b = golden_bytes(&golden_files[i], &len);
		for (size_t cut = 0; cut < len; cut++) {
			/* a copy of exactly cut bytes: ASan/valgrind see any read beyond it */
			uint8_t *x = malloc(cut ? cut : 1);
			int rc;
			memcpy(x, b, cut);
			rc = decode_bytes(golden_files[i].kind, x, cut);
			if (rc != LOYALTY_ECORRUPT)
				fail_msg("%s cut at %zu: %s", golden_files[i].name, cut, loyalty_status_name(rc));
			assert_true(err_offset() <= cut);
			free(x);
		}
		free(b);
	}
}

/* Every bit flip (under valgrind: one bit per byte) fails cleanly, or decodes to a value whose encoding is
 * exactly the flipped input (the decoder accepts canonical encodings only). */
static void test_bit_flips(void **state)
{
	torture_rng rng = { 0xb17f11b5 };
	bool slow = UNDER_VALGRIND();
	size_t accepted = 0, refused = 0;

	(void)state;
	for (size_t i = 0; i < golden_nfiles; i++) {
		size_t len;
		uint8_t *b = golden_bytes(&golden_files[i], &len);
		for (size_t at = 0; at < len; at++) {
			for (int bit = 0; bit < 8; bit++) {
				int rc;
				if (slow && bit != (int)(torture_rand(&rng) & 7))
					continue;
				b[at] ^= (uint8_t)(1u << bit);
				rc = decode_bytes(golden_files[i].kind, b, len);
				b[at] ^= (uint8_t)(1u << bit);
				if (rc == LOYALTY_OK)
					accepted++;
				else if (rc == LOYALTY_ECORRUPT)
					refused++;
				else
					fail_msg("%s, bit %d of byte %zu: %s (%s)", golden_files[i].name, bit, at,
					         loyalty_status_name(rc), loyalty_last_error());
			}
		}
		free(b);
	}
	printf("bit flips: %zu refused, %zu decoded to another valid value\n", refused, accepted);
	assert_true(refused > 0 && accepted > 0);
}

/* Every allocation of every decoder fails in turn: LOYALTY_ENOMEM, nothing leaks, then success. */
static void test_decode_oom(void **state)
{
	(void)state;
	for (size_t i = 0; i < golden_nfiles; i++) {
		size_t len;
		uint8_t *b = golden_bytes(&golden_files[i], &len);
		for (long n = 0;; n++) {
			ly_dec d;
			ly_enc e;
			int rc;
			ly_dec_init(&d, b, len);
			ly_enc_init(&e);
			countdown = n;
			rc = decode_value(golden_files[i].kind, &d, &e);
			countdown = -1;
			ly_enc_free(&e);
			if (rc == LOYALTY_OK)
				break;
			if (rc != LOYALTY_ENOMEM)
				fail_msg("%s, allocation %ld failing: %s (%s)", golden_files[i].name, n, loyalty_status_name(rc),
				         loyalty_last_error());
			assert_true(n < 10000);
		}
		free(b);
	}
}

/* Encoders report an allocation failure, and their bytes are not used. */
static void test_encode_oom(void **state)
{
	ly_account *a = golden_account();
	ly_txn t;
	ly_enc e;
	size_t len;

	(void)state;
	golden_txn(&t);
	ly_enc_init(&e);
	countdown = 0;
	assert_status(ly_encode_account(&e, a), LOYALTY_ENOMEM);
	countdown = -1;
	assert_true(e.failed);
	assert_null(ly_enc_take(&e, &len));
	assert_int_equal(len, 0);
	/* a failure after the first growth */
	for (long n = 0;; n++) {
		int rc;
		ly_enc_init(&e);
		countdown = n;
		rc = ly_encode_txn(&e, &t);
		countdown = -1;
		if (rc == LOYALTY_OK) {
			ly_enc_free(&e);
			break;
		}
		assert_int_equal(rc, LOYALTY_ENOMEM);
		ly_enc_free(&e);
	}
	ly_txn_release(&t);
	ly_account_free(a);
}

/* ---- CRC-32C ------------------------------------------------------------------------------------------ */

static uint32_t crc_bitwise(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
	}
	return ~crc;
}

static void test_crc32c(void **state)
{
	/* RFC 3720, appendix B.4 */
	static const uint8_t read10[48] = { 0x01, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		                                0x14, 0, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0x14, 0, 0, 0, 0x18,
		                                0x28, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t buf[32], big[1031];
	torture_rng rng = { 42 };

	(void)state;
	assert_int_equal(ly_crc32c(0, "123456789", 9), 0xE3069283u);
	assert_int_equal(ly_crc32c(0, "", 0), 0);
	memset(buf, 0, sizeof buf);
	assert_int_equal(ly_crc32c(0, buf, 32), 0x8A9136AAu);
	memset(buf, 0xff, sizeof buf);
	assert_int_equal(ly_crc32c(0, buf, 32), 0x62A8AB43u);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)i;
	assert_int_equal(ly_crc32c(0, buf, 32), 0x46DD794Eu);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)(31 - i);
	assert_int_equal(ly_crc32c(0, buf, 32), 0x113FDB5Cu);
	assert_int_equal(ly_crc32c(0, read10, sizeof read10), 0xD9963A56u);

	/* the sliced loop agrees with the bitwise definition at every length and offset, and chains */
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)torture_rand(&rng);
	for (size_t start = 0; start < 8; start++)
		for (size_t n = 0; start + n <= sizeof big; n += n < 64 ? 1 : 97) {
			assert_int_equal(ly_crc32c(0, big + start, n), crc_bitwise(0, big + start, n));
			/* the table version, whichever one ly_crc32c uses on this processor */
			assert_int_equal(ly_crc32c_portable(0, big + start, n), crc_bitwise(0, big + start, n));
		}
	for (size_t cut = 0; cut <= 100; cut++) {
		assert_int_equal(ly_crc32c(ly_crc32c(0, big, cut), big + cut, 100 - cut), ly_crc32c(0, big, 100));
		assert_int_equal(ly_crc32c_portable(ly_crc32c(0, big, cut), big + cut, 100 - cut), ly_crc32c(0, big, 100));
	}
	assert_int_equal(ly_crc32c_portable(0, "123456789", 9), 0xE3069283u);
}

/* The codec's own writer writes what msgpack-c's packer writes: integers at every boundary of
 * their forms, strings and bins of every header size. */
static void test_writer_matches_msgpack_c(void **state)
{
	static const int64_t ints[] = {
		0, 1, 31, 32, 127, 128, 255, 256, 65535, 65536, INT64_C(4294967295), INT64_C(4294967296), INT64_MAX,
		-1, -31, -32, -33, -127, -128, -129, -32767, -32768, -32769, INT64_C(-2147483647), INT64_C(-2147483648),
		INT64_C(-2147483649), INT64_MIN, INT64_C(1767225600000), INT64_C(-1767225600000)
	};
	static const size_t lens[] = { 0, 1, 31, 32, 255, 256, 65535, 65536 };
	char *text = malloc(65537);
	msgpack_sbuffer sb;
	msgpack_packer pk;
	ly_enc e;

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		msgpack_sbuffer_init(&sb);
		msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
		msgpack_pack_map(&pk, 2);
		msgpack_pack_str_with_body(&pk, "v", 1);
		msgpack_pack_int64(&pk, LY_CODEC_VERSION);
		msgpack_pack_str_with_body(&pk, "now", 3);
		msgpack_pack_int64(&pk, ints[i]);
		ly_enc_init(&e);
		assert_ok(ly_encode_rec_maintain(&e, ints[i]));
		assert_int_equal(e.len, sb.size);
		assert_memory_equal(e.data, sb.data, sb.size);
		ly_enc_free(&e);
		msgpack_sbuffer_destroy(&sb);
	}
	memset(text, 'a', 65536);
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		/* a stock record's reward id is a str; a record's body is a bin */
		text[lens[i]] = '\0';
		msgpack_sbuffer_init(&sb);
		msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
		msgpack_pack_map(&pk, 3);
		msgpack_pack_str_with_body(&pk, "v", 1);
		msgpack_pack_int64(&pk, LY_CODEC_VERSION);
		msgpack_pack_str_with_body(&pk, "rw", 2);
		msgpack_pack_str_with_body(&pk, text, lens[i]);
		msgpack_pack_str_with_body(&pk, "s", 1);
		msgpack_pack_int64(&pk, -1);
		ly_enc_init(&e);
		assert_ok(ly_encode_rec_stock(&e, text, -1));
		assert_int_equal(e.len, sb.size);
		assert_memory_equal(e.data, sb.data, sb.size);
		ly_enc_free(&e);
		msgpack_sbuffer_destroy(&sb);

		msgpack_sbuffer_init(&sb);
		msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
		msgpack_pack_map(&pk, 3);
		msgpack_pack_str_with_body(&pk, "v", 1);
		msgpack_pack_int64(&pk, LY_CODEC_VERSION);
		msgpack_pack_str_with_body(&pk, "t", 1);
		msgpack_pack_int64(&pk, LY_REC_TXN);
		msgpack_pack_str_with_body(&pk, "b", 1);
		msgpack_pack_bin_with_body(&pk, text, lens[i]);
		ly_enc_init(&e);
		assert_ok(ly_encode_record(&e, LY_REC_TXN, (const uint8_t *)text, lens[i]));
		assert_int_equal(e.len, sb.size);
		assert_memory_equal(e.data, sb.data, sb.size);
		ly_enc_free(&e);
		msgpack_sbuffer_destroy(&sb);
		text[lens[i]] = 'a';
	}
	free(text);
}

/* A key whose bytes run on past the expected key with NUL bytes ("now\0\0") is another key: the
 * reader compares up to the expected key's end and never reads past it (found by fuzz_decode). */
static void test_keys_with_nul_bytes_are_other_keys(void **state)
{
	static const uint8_t bad[] = { 0x82, 0xa1, 'v', 0x01, 0xa5, 'n', 'o', 'w', 0x00, 0x00, 0x05 };
	static const uint8_t good[] = { 0x82, 0xa1, 'v', 0x01, 0xa3, 'n', 'o', 'w', 0x05 };
	loyalty_time now = 0;
	ly_dec d;

	(void)state;
	ly_dec_init(&d, bad, sizeof bad);
	assert_status(ly_decode_rec_maintain(&d, &now), LOYALTY_ECORRUPT);
	assert_non_null(strstr(loyalty_last_error(), "expected field 'now'"));
	ly_dec_init(&d, good, sizeof good);
	assert_ok(ly_decode_rec_maintain(&d, &now));
	assert_int_equal(now, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_writer_matches_msgpack_c),
		cmocka_unit_test(test_keys_with_nul_bytes_are_other_keys),
		cmocka_unit_test(test_golden_files),
		cmocka_unit_test(test_golden_values),
		cmocka_unit_test(test_integer_forms),
		cmocka_unit_test(test_round_trip_live),
		cmocka_unit_test(test_txn_replay),
		cmocka_unit_test(test_reject_version),
		cmocka_unit_test(test_reject_types),
		cmocka_unit_test(test_reject_fields),
		cmocka_unit_test(test_reject_ranges),
		cmocka_unit_test(test_reject_strings),
		cmocka_unit_test(test_reject_counts),
		cmocka_unit_test(test_reject_depth),
		cmocka_unit_test(test_reject_noncanonical),
		cmocka_unit_test(test_reject_definition),
		cmocka_unit_test(test_reject_txn),
		cmocka_unit_test(test_reject_records),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_decode_oom),
		cmocka_unit_test(test_encode_oom),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
