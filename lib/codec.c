/*
 * libloyalty - the codec: canonical msgpack for every persistent value, and
 * a strict, bounded decoder (see codec.h).
 *
 * ---- The format (schema version 1) ------------------------------------------
 *
 * Every value is a msgpack map whose first key is "v" (LY_CODEC_VERSION),
 * then its fields, always all of them, in the order listed here. The field
 * names below are what messages say; on the wire each has a short key of 1..3
 * bytes (the table key_names[] below: "j" for joined, "c" for customer, ...),
 * because a snapshot holds the whole ledger: with the names as keys, keys
 * were half the bytes of every value. A nested value that has its own
 * encoder (a customer in an account, an entry in an idempotency record, ...)
 * is written whole, with its own "v"; the parts of a value (a line item, a
 * bucket, a tier) are maps without "v". Types:
 *   id      bin 16 (a loyalty_id; "nil" below means all zero)
 *   str     msgpack str (UTF-8), never containing a NUL byte
 *   int     msgpack integer in its smallest form (msgpack_pack_int64/uint64)
 *   bool    msgpack true/false
 *   frac    array [num, den] of ints, den > 0
 *   X|nil   the value X, or msgpack nil
 *
 * customer        id, ref, name, email, tier, bmonth, bday, joined, tags [str],
 *                 avail, pending, earned, redeemed, expired
 * purchase        key, customer, at, currency, channel,
 *                 items [{sku, type, qty, price}]   (line and purchase totals
 *                 are recomputed, overflow-checked, on decoding)
 * receipt         key, customer, currency, spend, eligible, points, exact, base,
 *                 adjust, rounding, lines [{name, kind, role, applied, points,
 *                 detail}], recorded, credited, capped, pending_until, entry
 *                 (the strings, not the string pool: decoding interns them in
 *                 the order the calculator does, so no offset is ever read)
 * entry           seq, id, customer, kind, points, pending, debt, avail_after,
 *                 pending_after, at, key, ref, memo
 * account         customer (a customer value), code, has_referrer, referrer,
 *                 purchased, referral_paid, referrals, debt,
 *                 buckets [{id, amount, earned, expires, matures}], tier,
 *                 paid_tier, paid_until, below_since, eval_year,
 *                 metric [{at, amount}], counters [{name, period, value}],
 *                 last_activity    (not its entry list: rebuilt on loading)
 * purchase_rec    key, customer, at, total, eligible, credited, metric,
 *                 earn_seq, refunded, clawed
 * redemption_rec  id, customer, reward, points, at, cancelled, entry,
 *                 draws [{bucket, amount, earned, expires}]
 * idem            key, op, request (bin), receipt (receipt|nil), entry
 *                 (entry|nil: nil when the operation recorded none, seq 0),
 *                 id, refund {clawed, from_pending, debt_added, refunded, entry}
 *                 Version 2 (LY_IDEM_RESULTS_VERSION, only this value, only for a
 *                 purchase recorded without a receipt, whose receipt a retry
 *                 recomputes): the same fields, the receipt slot holding the
 *                 results instead, a map without "v" {points, credited, capped,
 *                 pending_until, entry, tier (str, "" = none), bmonth, bday,
 *                 first_purchase}. Version 1 records read as they always did;
 *                 a build that reads only version 1 refuses a version 2 record
 *                 as an unknown schema version.
 * definition      calculator {currency, rounding, utc_offset, stacking},
 *                 excluded [str], strategies [{kind, name, role, params}],
 *                 options {pending_days, refund_policy, cap_purchase,
 *                 cap_period_points, cap_period, expiry, expiry_months,
 *                 expiry_days, expiry_round_up, tier_metric, tier_window,
 *                 tier_window_days, tier_grace_days, referrer_bonus,
 *                 referee_bonus, referral_min_spend, referral_max},
 *                 tiers [{name, threshold, benefits [str]}],
 *                 rewards [{id, name, cost, min_tier (index, -1 = any),
 *                 valid_from, valid_until, stock}],
 *                 actions [{name, points, cap_count, cap_period}],
 *                 partners [{name, rate}]
 * txn             accounts [account], entries [entry], purchases
 *                 [purchase_rec], redemptions [redemption_rec],
 *                 stock [{reward (index), stock}], idem (idem|nil), next_seq
 * tier record     name, threshold, benefits [str]
 * reward record   id, name, cost, min_tier (str|nil), valid_from, valid_until, stock
 * stock record    reward, stock
 * action record   name, points, cap_count, cap_period
 * partner record  name, rate
 * maintain record now
 * batch record    array of bin, each an encoded txn (built and replayed by lib/txn.c)
 * record          t (the type, LY_REC_*), b (the body: bin, one encoded value)
 *
 * ---- Strictness ------------------------------------------------------------------
 *
 * The decoder accepts exactly the bytes the encoder writes: the map of the
 * expected size, the keys in order (as fixstr), every integer, string, bin,
 * array and map header in its smallest form (a 5 written as int64, or a short
 * string as str 16, is "non-canonical" and rejected). So decoding is the
 * inverse of encoding on everything it accepts: re-encoding a decoded value
 * gives back the very bytes, which the tests and the fuzzer check.
 *
 * Bounds, checked before anything is allocated: nesting depth <= 16; string
 * lengths per field (the LOYALTY_*_MAX limits); counts <= what the remaining
 * bytes can hold (each element needs at least min bytes); integers in each
 * field's range; enumerations in their range; ids non-nil where the library
 * needs them. Values are rebuilt through the same checks as the API where
 * one exists (customer setters, loyalty_purchase_add_item, a scratch
 * calculator for strategies), so a decoded object is one the API could have
 * made. Text fields follow the API's rules (identifiers, tokens, UTF-8
 * text); the fields the library fills with snprintf into fixed buffers (an
 * entry's ref and memo, a receipt line's detail) only exclude NUL and control
 * bytes, since truncation may cut a UTF-8 sequence. Definitions are checked
 * as loyalty_program_new and the add_* calls would (thresholds increasing,
 * names unique, min_tier an index of the tiers before it, options
 * consistent), strategies by adding them to a scratch calculator, whose
 * canonical parameters must equal the stored ones. A transaction is checked
 * against the program it is decoded for (ly_decode_txn). Errors:
 * LOYALTY_ECORRUPT, "corrupt at offset N: path.field: what", N counted from
 * the start of the ly_dec's data (for a record's body: of the record), e.g.
 * "corrupt at offset 1018: txn.entries[0].seq: 1, but the ledger's next
 * entry is 3". After a failure d->off is unspecified and nothing is returned.
 *
 * SPDX-License-Identifier: MIT
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "map.h"

#define DEPTH_MAX 16
#define DETAIL_MAX 159 /* receipt line details: the calculator's 160-byte buffer */
#define PARAMS_TEXT_MAX (LOYALTY_PARAMS_MAX * (LOYALTY_PARAM_KEY_MAX + LOYALTY_PARAM_VALUE_MAX + 2))
/* the largest canonical request: a purchase of LOYALTY_ITEMS_MAX items (see earn.c) */
#define REQUEST_MAX (4096 + (size_t)LOYALTY_ITEMS_MAX * (48 + LOYALTY_SKU_MAX + LOYALTY_PRODUCT_TYPE_MAX))
#define BODY_MAX ((size_t)1 << 30)
/* Lower bounds of encoded sizes, for the count checks: a key (fixstr), a non-empty string, a
 * fraction, and a whole value (its map, "v" and the version). */
#define K(key) sizeof(key)
#define MIN_STR 2
#define MIN_FRAC 3
#define MIN_VALUE (1 + K("v") + 1)

/* =============================================================================
 * The encoder
 * ============================================================================= */

void ly_enc_init(ly_enc *e)
{
	memset(e, 0, sizeof *e);
}

void ly_enc_free(ly_enc *e)
{
	free(e->data);
	memset(e, 0, sizeof *e);
}

uint8_t *ly_enc_take(ly_enc *e, size_t *len)
{
	uint8_t *data = e->data;

	*len = e->len;
	if (e->failed) {
		free(data);
		data = NULL;
		*len = 0;
	}
	memset(e, 0, sizeof *e);
	return data;
}

/* ---- the writer -------------------------------------------------------------------
 * Our own msgpack writer, byte for byte what msgpack-c's packer writes (the smallest form of
 * every integer, as msgpack_pack_int64 / msgpack_pack_uint64 choose it; str 8 for strings of
 * 32..255 bytes; fix forms of maps and arrays): tests/unit/test_codec.c checks it against
 * msgpack-c on integers at every boundary, and against the golden files. msgpack-c's packer
 * calls a write callback for every header and every body, which was 60% of encoding a journal
 * record; this writer reserves room once per token and stores the bytes in place. */

/* Make room for @p n more bytes; false (and e->failed) when memory runs out. */
static bool enc_grow(ly_enc *e, size_t n)
{
	size_t cap = e->cap ? e->cap : 4096; /* a journal record (~1 KB a purchase) in one allocation */
	uint8_t *d;

	while (cap - e->len < n) {
		if (cap > SIZE_MAX / 2) {
			e->failed = true;
			return false;
		}
		cap *= 2;
	}
	d = realloc(e->data, cap);
	if (d == NULL) {
		e->failed = true;
		return false;
	}
	e->data = d;
	e->cap = cap;
	return true;
}

typedef struct wr {
	ly_enc *e;
} wr;

/* Room for @p n bytes at the end, or NULL (e->failed). */
static inline uint8_t *w_room(wr *w, size_t n)
{
	ly_enc *e = w->e;

	if (e->failed || (n > e->cap - e->len && !enc_grow(e, n)))
		return NULL;
	return e->data + e->len;
}

static inline void be_store(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

/* Unchecked stores into room already reserved; each returns the bytes written. */
static inline size_t put_uint(uint8_t *p, uint64_t v)
{
	if (v < 0x80) {
		p[0] = (uint8_t)v;
		return 1;
	}
	if (v < 0x100) {
		p[0] = 0xcc;
		p[1] = (uint8_t)v;
		return 2;
	}
	if (v < 0x10000) {
		p[0] = 0xcd;
		be_store(p + 1, v, 2);
		return 3;
	}
	if (v < 0x100000000u) {
		p[0] = 0xce;
		be_store(p + 1, v, 4);
		return 5;
	}
	p[0] = 0xcf;
	be_store(p + 1, v, 8);
	return 9;
}

static inline size_t put_int(uint8_t *p, int64_t v)
{
	if (v >= 0)
		return put_uint(p, (uint64_t)v);
	if (v >= -32) {
		p[0] = (uint8_t)(int8_t)v;
		return 1;
	}
	if (v >= -128) {
		p[0] = 0xd0;
		p[1] = (uint8_t)(int8_t)v;
		return 2;
	}
	if (v >= -32768) {
		p[0] = 0xd1;
		be_store(p + 1, (uint64_t)v & 0xffff, 2);
		return 3;
	}
	if (v >= INT64_C(-2147483648)) {
		p[0] = 0xd2;
		be_store(p + 1, (uint64_t)v & 0xffffffffu, 4);
		return 5;
	}
	p[0] = 0xd3;
	be_store(p + 1, (uint64_t)v, 8);
	return 9;
}

/* A field key (1..3 bytes in this format; room is reserved for any fixstr), as a fixstr. */
#define KEY_ROOM 32
static inline size_t put_key(uint8_t *p, const char *k)
{
	size_t n = 0;

	while (k[n] != '\0')
		n++;
	p[0] = (uint8_t)(0xa0 | n);
	for (size_t i = 0; i < n; i++)
		p[1 + i] = (uint8_t)k[i];
	return 1 + n;
}

/* A type byte followed by @p n big-endian bytes of @p v. */
static inline void w_typed(wr *w, uint8_t type, uint64_t v, size_t n)
{
	uint8_t *p = w_room(w, 1 + n);

	if (p == NULL)
		return;
	p[0] = type;
	be_store(p + 1, v, n);
	w->e->len += 1 + n;
}

static inline void w_byte(wr *w, uint8_t b)
{
	uint8_t *p = w_room(w, 1);

	if (p != NULL) {
		*p = b;
		w->e->len++;
	}
}

static inline void w_int(wr *w, int64_t v)
{
	uint8_t *p = w_room(w, 9);

	if (p != NULL)
		w->e->len += put_int(p, v);
}

static inline void w_container(wr *w, size_t n, uint8_t fix, uint8_t h16, uint8_t h32)
{
	if (n < 16)
		w_byte(w, (uint8_t)(fix | n));
	else if (n < 0x10000)
		w_typed(w, h16, n, 2);
	else
		w_typed(w, h32, n, 4);
}

static inline void w_array(wr *w, size_t n)
{
	w_container(w, n, 0x90, 0xdc, 0xdd);
}

static inline void w_map(wr *w, size_t n)
{
	w_container(w, n, 0x80, 0xde, 0xdf);
}

/* A str (or bin) header and body, in one reservation. */
static inline void w_body(wr *w, bool bin, const void *body, size_t n)
{
	size_t hl = !bin && n < 32 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
	uint8_t *p = w_room(w, hl + n);

	if (p == NULL)
		return;
	if (hl == 1)
		p[0] = (uint8_t)(0xa0 | n);
	else {
		p[0] = (uint8_t)((bin ? 0xc4 : 0xd9) + (hl == 2 ? 0 : hl == 3 ? 1 : 2));
		be_store(p + 1, n, hl - 1);
	}
	if (n)
		memcpy(p + hl, body, n);
	w->e->len += hl + n;
}

static inline void w_nil(wr *w)
{
	w_byte(w, 0xc0);
}

static inline void w_key(wr *w, const char *k)
{
	uint8_t *p = w_room(w, KEY_ROOM);

	if (p != NULL)
		w->e->len += put_key(p, k);
}

static inline void w_str(wr *w, const char *s)
{
	w_body(w, false, s, strlen(s));
}

static void w_frac(wr *w, ly_frac f)
{
	w_array(w, 2);
	w_int(w, f.num);
	w_int(w, f.den);
}

/* A field in one reservation: key, then value. */
static void f_i64(wr *w, const char *k, int64_t v)
{
	uint8_t *p = w_room(w, KEY_ROOM + 9);

	if (p != NULL) {
		size_t n = put_key(p, k);
		w->e->len += n + put_int(p + n, v);
	}
}

static void f_u64(wr *w, const char *k, uint64_t v)
{
	uint8_t *p = w_room(w, KEY_ROOM + 9);

	if (p != NULL) {
		size_t n = put_key(p, k);
		w->e->len += n + put_uint(p + n, v);
	}
}

static void f_bool(wr *w, const char *k, bool v)
{
	uint8_t *p = w_room(w, KEY_ROOM + 1);

	if (p != NULL) {
		size_t n = put_key(p, k);
		p[n] = v ? 0xc3 : 0xc2;
		w->e->len += n + 1;
	}
}

static void f_str(wr *w, const char *k, const char *s)
{
	w_key(w, k);
	w_str(w, s);
}

static void f_id(wr *w, const char *k, const loyalty_id *id)
{
	uint8_t *p = w_room(w, KEY_ROOM + 2 + 16);

	if (p != NULL) {
		size_t n = put_key(p, k);
		p[n] = 0xc4;
		p[n + 1] = 16;
		memcpy(p + n + 2, id->bytes, 16);
		w->e->len += n + 2 + 16;
	}
}

static void f_frac(wr *w, const char *k, ly_frac f)
{
	w_key(w, k);
	w_frac(w, f);
}

static void f_strset(wr *w, const char *k, const ly_strset *s)
{
	w_key(w, k);
	w_array(w, s->count);
	for (size_t i = 0; i < s->count; i++)
		w_str(w, s->items[i]);
}

/* A value's map: "v" and @p nfields fields. */
static void w_head_v(wr *w, size_t nfields, int version)
{
	w_map(w, nfields + 1);
	f_i64(w, "v", version);
}

static void w_head(wr *w, size_t nfields)
{
	w_head_v(w, nfields, LY_CODEC_VERSION);
}

static int enc_status(const ly_enc *e)
{
	return e->failed ? ly_error(LOYALTY_ENOMEM, "encoding: out of memory") : LOYALTY_OK;
}

#define ENC_BEGIN(enc)        \
	wr wr_ = { (enc) };       \
	wr *w = &wr_

/* ---- values -------------------------------------------------------------------- */

#define CUSTOMER_FIELDS 14
static void put_customer(wr *w, const loyalty_customer *c)
{
	w_head(w, CUSTOMER_FIELDS);
	f_id(w, "id", &c->id);
	f_str(w, "r", c->external_ref);
	f_str(w, "n", c->name);
	f_str(w, "em", c->email);
	f_str(w, "ti", c->tier);
	f_i64(w, "bm", c->birth_month);
	f_i64(w, "bd", c->birth_day);
	f_i64(w, "j", c->joined_at);
	f_strset(w, "tg", &c->tags);
	f_i64(w, "av", c->available);
	f_i64(w, "pe", c->pending);
	f_i64(w, "ea", c->lifetime_earned);
	f_i64(w, "rd", c->lifetime_redeemed);
	f_i64(w, "xp", c->lifetime_expired);
}

#define PURCHASE_FIELDS 6
static void put_purchase(wr *w, const loyalty_purchase *p)
{
	w_head(w, PURCHASE_FIELDS);
	f_str(w, "k", p->key);
	f_id(w, "c", &p->customer_id);
	f_i64(w, "at", p->at);
	f_str(w, "cu", p->currency);
	f_str(w, "ch", p->channel);
	w_key(w, "it");
	w_array(w, p->count);
	for (size_t i = 0; i < p->count; i++) {
		w_map(w, 4);
		f_str(w, "sk", p->items[i].sku);
		f_str(w, "ty", p->items[i].product_type);
		f_i64(w, "qt", p->items[i].quantity);
		f_i64(w, "pr", p->items[i].unit_price);
	}
}

#define RECEIPT_FIELDS 16
static void put_receipt(wr *w, const loyalty_receipt *r)
{
	w_head(w, RECEIPT_FIELDS);
	f_str(w, "k", r->pool + r->key_off);
	f_id(w, "c", &r->customer_id);
	f_str(w, "cu", r->currency);
	f_i64(w, "sp", r->spend);
	f_i64(w, "el", r->eligible_spend);
	f_i64(w, "p", r->points);
	f_frac(w, "x", r->exact);
	f_frac(w, "bs", r->base);
	f_frac(w, "aj", r->adjustment);
	f_i64(w, "ro", (int64_t)r->rounding);
	w_key(w, "ln");
	w_array(w, r->nlines);
	for (size_t i = 0; i < r->nlines; i++) {
		const ly_rline *l = &r->lines[i];
		w_map(w, 6);
		f_str(w, "n", r->pool + l->name_off);
		f_str(w, "ki", r->pool + l->kind_off);
		f_i64(w, "rl", (int64_t)l->role);
		f_bool(w, "ap", l->applied != 0);
		f_frac(w, "p", l->points);
		f_str(w, "dt", r->pool + l->detail_off);
	}
	f_bool(w, "rc", r->recorded);
	f_i64(w, "cr", r->credited);
	f_i64(w, "cp", r->capped);
	f_i64(w, "pu", r->pending_until);
	f_u64(w, "e", r->entry_seq);
}

#define ENTRY_FIELDS 13
static void put_entry(wr *w, const loyalty_entry *x)
{
	w_head(w, ENTRY_FIELDS);
	f_u64(w, "sq", x->seq);
	f_id(w, "id", &x->id);
	f_id(w, "c", &x->customer_id);
	f_i64(w, "ki", (int64_t)x->kind);
	f_i64(w, "p", x->points);
	f_i64(w, "pe", x->pending);
	f_i64(w, "d", x->debt);
	f_i64(w, "aa", x->available_after);
	f_i64(w, "pa", x->pending_after);
	f_i64(w, "at", x->at);
	f_str(w, "k", x->key);
	f_str(w, "r", x->ref);
	f_str(w, "m", x->memo);
}

#define ACCOUNT_FIELDS 17
static void put_account(wr *w, const ly_account *a)
{
	w_head(w, ACCOUNT_FIELDS);
	w_key(w, "c");
	put_customer(w, a->c);
	f_str(w, "co", a->code);
	f_bool(w, "hr", a->has_referrer);
	f_id(w, "rf", &a->referrer);
	f_bool(w, "pd", a->purchased);
	f_bool(w, "rp", a->referral_paid);
	f_i64(w, "rn", a->referrals_paid);
	f_i64(w, "d", a->debt);
	w_key(w, "bk");
	w_array(w, a->nbuckets);
	for (size_t i = 0; i < a->nbuckets; i++) {
		const ly_bucket *b = &a->buckets[i];
		w_map(w, 5);
		f_u64(w, "id", b->id);
		f_i64(w, "a", b->amount);
		f_i64(w, "ea", b->earned_at);
		f_i64(w, "ex", b->expires_at);
		f_i64(w, "ma", b->matures_at);
	}
	f_i64(w, "ti", a->tier);
	f_i64(w, "pt", a->paid_tier);
	f_i64(w, "pl", a->paid_until);
	f_i64(w, "bl", a->below_since);
	f_i64(w, "ey", a->evaluated_year);
	w_key(w, "mt");
	w_array(w, a->nmetric);
	for (size_t i = 0; i < a->nmetric; i++) {
		w_map(w, 2);
		f_i64(w, "at", a->metric[i].at);
		f_i64(w, "a", a->metric[i].amount);
	}
	w_key(w, "ct");
	w_array(w, a->ncounters);
	for (size_t i = 0; i < a->ncounters; i++) {
		w_map(w, 3);
		f_str(w, "n", a->counters[i].name);
		f_i64(w, "po", a->counters[i].period);
		f_i64(w, "vl", a->counters[i].value);
	}
	f_i64(w, "la", a->last_activity);
}

#define PURCHASE_REC_FIELDS 10
static void put_purchase_rec(wr *w, const ly_purchase_rec *r)
{
	w_head(w, PURCHASE_REC_FIELDS);
	f_str(w, "k", r->key);
	f_id(w, "c", &r->customer);
	f_i64(w, "at", r->at);
	f_i64(w, "to", r->total);
	f_i64(w, "el", r->eligible);
	f_i64(w, "cr", r->credited);
	f_i64(w, "mt", r->metric);
	f_u64(w, "es", r->earn_seq);
	f_i64(w, "rfd", r->refunded);
	f_i64(w, "cl", r->clawed);
}

#define REDEMPTION_REC_FIELDS 8
static void put_redemption_rec(wr *w, const ly_redemption_rec *r)
{
	w_head(w, REDEMPTION_REC_FIELDS);
	f_id(w, "id", &r->r.id);
	f_id(w, "c", &r->r.customer_id);
	f_str(w, "rw", r->r.reward);
	f_i64(w, "p", r->r.points);
	f_i64(w, "at", r->r.at);
	f_bool(w, "cn", r->r.cancelled != 0);
	f_u64(w, "e", r->r.entry_seq);
	w_key(w, "dr");
	w_array(w, r->ndraws);
	for (size_t i = 0; i < r->ndraws; i++) {
		w_map(w, 4);
		f_u64(w, "bu", r->draws[i].bucket);
		f_i64(w, "a", r->draws[i].amount);
		f_i64(w, "ea", r->draws[i].earned_at);
		f_i64(w, "ex", r->draws[i].expires_at);
	}
}

#define IDEM_FIELDS 7
#define RESULT_FIELDS 9 /* an idempotency record's purchase results (no receipt) */
static void put_idem(wr *w, const ly_idem *r)
{
	w_head_v(w, IDEM_FIELDS, r->has_result ? LY_IDEM_RESULTS_VERSION : LY_CODEC_VERSION);
	f_str(w, "k", r->key);
	f_i64(w, "op", r->op);
	w_key(w, "rq");
	w_body(w, true, r->request, r->request_len);
	w_key(w, "rt");
	if (r->receipt) {
		put_receipt(w, r->receipt);
	} else if (r->has_result) {
		w_map(w, RESULT_FIELDS);
		f_i64(w, "p", r->result.points);
		f_i64(w, "cr", r->result.credited);
		f_i64(w, "cp", r->result.capped);
		f_i64(w, "pu", r->result.pending_until);
		f_u64(w, "e", r->result.entry_seq);
		f_str(w, "ti", r->result.tier ? r->result.tier : "");
		f_i64(w, "bm", r->result.birth_month);
		f_i64(w, "bd", r->result.birth_day);
		f_bool(w, "fst", r->result.first_purchase);
	} else {
		w_nil(w);
	}
	w_key(w, "e");
	if (r->entry != NULL && r->entry->seq != 0)
		put_entry(w, r->entry);
	else
		w_nil(w);
	f_id(w, "id", &r->id);
	w_key(w, "rfn");
	w_map(w, 5);
	f_i64(w, "cl", r->refund.clawed_back);
	f_i64(w, "fp", r->refund.from_pending);
	f_i64(w, "da", r->refund.debt_added);
	f_i64(w, "rfd", r->refund.refunded_total);
	f_u64(w, "e", r->refund.entry_seq);
}

int ly_encode_customer(ly_enc *e, const loyalty_customer *c)
{
	ENC_BEGIN(e);
	put_customer(w, c);
	return enc_status(e);
}

int ly_encode_purchase(ly_enc *e, const loyalty_purchase *p)
{
	ENC_BEGIN(e);
	put_purchase(w, p);
	return enc_status(e);
}

int ly_encode_receipt(ly_enc *e, const loyalty_receipt *r)
{
	ENC_BEGIN(e);
	put_receipt(w, r);
	return enc_status(e);
}

int ly_encode_entry(ly_enc *e, const loyalty_entry *x)
{
	ENC_BEGIN(e);
	put_entry(w, x);
	return enc_status(e);
}

int ly_encode_account(ly_enc *e, const ly_account *a)
{
	ENC_BEGIN(e);
	put_account(w, a);
	return enc_status(e);
}

int ly_encode_purchase_rec(ly_enc *e, const ly_purchase_rec *r)
{
	ENC_BEGIN(e);
	put_purchase_rec(w, r);
	return enc_status(e);
}

int ly_encode_redemption_rec(ly_enc *e, const ly_redemption_rec *r)
{
	ENC_BEGIN(e);
	put_redemption_rec(w, r);
	return enc_status(e);
}

int ly_encode_idem(ly_enc *e, const ly_idem *r)
{
	ENC_BEGIN(e);
	put_idem(w, r);
	return enc_status(e);
}

/* ---- definitions ---------------------------------------------------------------- */

static void put_tier(wr *w, const ly_tier *t)
{
	f_str(w, "n", t->name);
	f_i64(w, "th", t->threshold);
	f_strset(w, "bn", &t->benefits);
}

static void put_action(wr *w, const ly_action *a)
{
	f_str(w, "n", a->name);
	f_i64(w, "p", a->points);
	f_i64(w, "cc", a->cap_count);
	f_i64(w, "cpe", (int64_t)a->cap_period);
}

static void put_partner(wr *w, const ly_partner *p)
{
	f_str(w, "n", p->name);
	f_frac(w, "ra", p->rate);
}

#define DEFINITION_FIELDS 8
#define CALC_OPTION_FIELDS 4
#define PROGRAM_OPTION_FIELDS 17
int ly_encode_definition(ly_enc *e, const ly_definition *d)
{
	const loyalty_program_options *o = &d->opts;
	ENC_BEGIN(e);

	w_head(w, DEFINITION_FIELDS);
	w_key(w, "cal");
	w_map(w, CALC_OPTION_FIELDS);
	f_str(w, "cu", d->copts.currency);
	f_i64(w, "ro", (int64_t)d->copts.rounding);
	f_i64(w, "off", d->copts.utc_offset_minutes);
	f_i64(w, "stk", (int64_t)d->copts.stacking);
	f_strset(w, "exc", &d->excluded);
	w_key(w, "str");
	w_array(w, d->nstrategies);
	for (size_t i = 0; i < d->nstrategies; i++) {
		w_map(w, 4);
		f_str(w, "ki", d->strategies[i].kind);
		f_str(w, "n", d->strategies[i].name);
		f_i64(w, "rl", d->strategies[i].role);
		f_str(w, "prm", d->strategies[i].params);
	}
	w_key(w, "opt");
	w_map(w, PROGRAM_OPTION_FIELDS);
	f_i64(w, "pdy", o->pending_days);
	f_i64(w, "rpo", (int64_t)o->refund_policy);
	f_i64(w, "cpu", o->cap_per_purchase);
	f_i64(w, "cpp", o->cap_per_period);
	f_i64(w, "cpe", (int64_t)o->cap_period);
	f_i64(w, "exp", (int64_t)o->expiry);
	f_i64(w, "exm", o->expiry_months);
	f_i64(w, "exd", o->expiry_days);
	f_i64(w, "exr", (int64_t)o->expiry_round_up);
	f_i64(w, "tm", (int64_t)o->tier_metric);
	f_i64(w, "tw", (int64_t)o->tier_window);
	f_i64(w, "twd", o->tier_window_days);
	f_i64(w, "tgd", o->tier_grace_days);
	f_i64(w, "rrb", o->referrer_bonus);
	f_i64(w, "reb", o->referee_bonus);
	f_i64(w, "rms", o->referral_min_spend);
	f_i64(w, "rmx", o->referral_max_per_referrer);
	w_key(w, "trs");
	w_array(w, d->ntiers);
	for (size_t i = 0; i < d->ntiers; i++) {
		w_map(w, 3);
		put_tier(w, &d->tiers[i]);
	}
	w_key(w, "rws");
	w_array(w, d->nrewards);
	for (size_t i = 0; i < d->nrewards; i++) {
		const ly_reward *r = &d->rewards[i];
		w_map(w, 7);
		f_str(w, "id", r->id);
		f_str(w, "n", r->name);
		f_i64(w, "cs", r->cost);
		f_i64(w, "mti", r->min_tier);
		f_i64(w, "vf", r->valid_from);
		f_i64(w, "vu", r->valid_until);
		f_i64(w, "s", r->stock);
	}
	w_key(w, "act");
	w_array(w, d->nactions);
	for (size_t i = 0; i < d->nactions; i++) {
		w_map(w, 4);
		put_action(w, &d->actions[i]);
	}
	w_key(w, "prt");
	w_array(w, d->npartners);
	for (size_t i = 0; i < d->npartners; i++) {
		w_map(w, 2);
		put_partner(w, &d->partners[i]);
	}
	return enc_status(e);
}

/* ---- records ---------------------------------------------------------------------- */

#define TXN_FIELDS 7
int ly_encode_txn(ly_enc *e, const ly_txn *t)
{
	ENC_BEGIN(e);

	w_head(w, TXN_FIELDS);
	w_key(w, "ac");
	w_array(w, t->naccounts);
	for (size_t i = 0; i < t->naccounts; i++)
		put_account(w, t->accounts[i].work);
	w_key(w, "en");
	w_array(w, t->nentries);
	for (size_t i = 0; i < t->nentries; i++)
		put_entry(w, &t->entries[i]);
	w_key(w, "pur");
	w_array(w, t->npurchases);
	for (size_t i = 0; i < t->npurchases; i++)
		put_purchase_rec(w, t->purchases[i]);
	w_key(w, "red");
	w_array(w, t->nredemptions);
	for (size_t i = 0; i < t->nredemptions; i++)
		put_redemption_rec(w, t->redemptions[i]);
	w_key(w, "s");
	w_array(w, t->nstock);
	for (size_t i = 0; i < t->nstock; i++) {
		w_map(w, 2);
		f_u64(w, "rw", t->stock[i].reward);
		f_i64(w, "s", t->stock[i].stock);
	}
	w_key(w, "idm");
	if (t->idem)
		put_idem(w, t->idem);
	else
		w_nil(w);
	f_u64(w, "ns", t->next_seq);
	return enc_status(e);
}

int ly_encode_rec_tier(ly_enc *e, const ly_tier *t)
{
	ENC_BEGIN(e);
	w_head(w, 3);
	put_tier(w, t);
	return enc_status(e);
}

int ly_encode_rec_reward(ly_enc *e, const ly_reward *r, const char *min_tier_name)
{
	ENC_BEGIN(e);
	w_head(w, 7);
	f_str(w, "id", r->id);
	f_str(w, "n", r->name);
	f_i64(w, "cs", r->cost);
	w_key(w, "mti");
	if (min_tier_name)
		w_str(w, min_tier_name);
	else
		w_nil(w);
	f_i64(w, "vf", r->valid_from);
	f_i64(w, "vu", r->valid_until);
	f_i64(w, "s", r->stock);
	return enc_status(e);
}

int ly_encode_rec_stock(ly_enc *e, const char *reward_id, int64_t stock)
{
	ENC_BEGIN(e);
	w_head(w, 2);
	f_str(w, "rw", reward_id);
	f_i64(w, "s", stock);
	return enc_status(e);
}

int ly_encode_rec_action(ly_enc *e, const ly_action *a)
{
	ENC_BEGIN(e);
	w_head(w, 4);
	put_action(w, a);
	return enc_status(e);
}

int ly_encode_rec_partner(ly_enc *e, const ly_partner *p)
{
	ENC_BEGIN(e);
	w_head(w, 2);
	put_partner(w, p);
	return enc_status(e);
}

int ly_encode_rec_maintain(ly_enc *e, loyalty_time now)
{
	ENC_BEGIN(e);
	w_head(w, 1);
	f_i64(w, "now", now);
	return enc_status(e);
}

size_t ly_record_head(uint8_t *buf, int type, size_t len)
{
	size_t n = 0;

	/* {"v": 1, "t": type, "b": bin of len}: what ly_encode_record writes before the body */
	buf[n++] = 0x83;
	buf[n++] = 0xa1;
	buf[n++] = 'v';
	buf[n++] = LY_CODEC_VERSION;
	buf[n++] = 0xa1;
	buf[n++] = 't';
	buf[n++] = (uint8_t)type; /* 1..LY_REC_MAX: a positive fixint */
	buf[n++] = 0xa1;
	buf[n++] = 'b';
	if (len < 0x100) {
		buf[n++] = 0xc4;
		buf[n++] = (uint8_t)len;
	} else if (len < 0x10000) {
		buf[n++] = 0xc5;
		be_store(buf + n, len, 2);
		n += 2;
	} else {
		buf[n++] = 0xc6;
		be_store(buf + n, len, 4);
		n += 4;
	}
	return n;
}

int ly_encode_record(ly_enc *e, int type, const uint8_t *body, size_t len)
{
	ENC_BEGIN(e);
	w_head(w, 2);
	f_i64(w, "t", type);
	w_key(w, "b");
	w_body(w, true, body, len);
	return enc_status(e);
}

/* =============================================================================
 * The decoder
 * ============================================================================= */

void ly_dec_init(ly_dec *d, const void *data, size_t len)
{
	d->data = data;
	d->len = len;
	d->off = 0;
	d->depth = 0;
}

int ly_dec_finish(const ly_dec *d)
{
	if (d->off != d->len)
		return ly_error(LOYALTY_ECORRUPT, "corrupt at offset %zu: %zu trailing bytes after the value", d->off,
		                d->len - d->off);
	return LOYALTY_OK;
}

/* The wire keys and the names messages use for them ("customer.joined", not "c.j"); keys not listed
 * are their own name. Only error paths look them up. */
static const struct {
	const char *key, *name;
} key_names[] = {
	{ "c", "customer" },
	{ "k", "key" },
	{ "n", "name" },
	{ "p", "points" },
	{ "pe", "pending" },
	{ "a", "amount" },
	{ "s", "stock" },
	{ "r", "ref" },
	{ "em", "email" },
	{ "ti", "tier" },
	{ "bm", "bmonth" },
	{ "bd", "bday" },
	{ "j", "joined" },
	{ "tg", "tags" },
	{ "av", "avail" },
	{ "ea", "earned" },
	{ "rd", "redeemed" },
	{ "xp", "expired" },
	{ "cu", "currency" },
	{ "ch", "channel" },
	{ "it", "items" },
	{ "sk", "sku" },
	{ "ty", "type" },
	{ "qt", "qty" },
	{ "pr", "price" },
	{ "sp", "spend" },
	{ "el", "eligible" },
	{ "x", "exact" },
	{ "bs", "base" },
	{ "aj", "adjust" },
	{ "ro", "rounding" },
	{ "ln", "lines" },
	{ "ki", "kind" },
	{ "rl", "role" },
	{ "ap", "applied" },
	{ "dt", "detail" },
	{ "rc", "recorded" },
	{ "cr", "credited" },
	{ "cp", "capped" },
	{ "pu", "pending_until" },
	{ "e", "entry" },
	{ "sq", "seq" },
	{ "d", "debt" },
	{ "aa", "avail_after" },
	{ "pa", "pending_after" },
	{ "m", "memo" },
	{ "co", "code" },
	{ "hr", "has_referrer" },
	{ "rf", "referrer" },
	{ "pd", "purchased" },
	{ "rp", "referral_paid" },
	{ "rn", "referrals" },
	{ "bk", "buckets" },
	{ "ex", "expires" },
	{ "ma", "matures" },
	{ "pt", "paid_tier" },
	{ "pl", "paid_until" },
	{ "bl", "below_since" },
	{ "ey", "eval_year" },
	{ "mt", "metric" },
	{ "ct", "counters" },
	{ "po", "period" },
	{ "vl", "value" },
	{ "la", "last_activity" },
	{ "to", "total" },
	{ "es", "earn_seq" },
	{ "rfd", "refunded" },
	{ "cl", "clawed" },
	{ "rw", "reward" },
	{ "cn", "cancelled" },
	{ "dr", "draws" },
	{ "bu", "bucket" },
	{ "rq", "request" },
	{ "rt", "receipt" },
	{ "fst", "first_purchase" },
	{ "rfn", "refund" },
	{ "fp", "from_pending" },
	{ "da", "debt_added" },
	{ "cal", "calculator" },
	{ "off", "utc_offset" },
	{ "stk", "stacking" },
	{ "exc", "excluded" },
	{ "str", "strategies" },
	{ "prm", "params" },
	{ "opt", "options" },
	{ "pdy", "pending_days" },
	{ "rpo", "refund_policy" },
	{ "cpu", "cap_purchase" },
	{ "cpp", "cap_period_points" },
	{ "cpe", "cap_period" },
	{ "exp", "expiry" },
	{ "exm", "expiry_months" },
	{ "exd", "expiry_days" },
	{ "exr", "expiry_round_up" },
	{ "tm", "tier_metric" },
	{ "tw", "tier_window" },
	{ "twd", "tier_window_days" },
	{ "tgd", "tier_grace_days" },
	{ "rrb", "referrer_bonus" },
	{ "reb", "referee_bonus" },
	{ "rms", "referral_min_spend" },
	{ "rmx", "referral_max" },
	{ "trs", "tiers" },
	{ "th", "threshold" },
	{ "bn", "benefits" },
	{ "rws", "rewards" },
	{ "cs", "cost" },
	{ "mti", "min_tier" },
	{ "vf", "valid_from" },
	{ "vu", "valid_until" },
	{ "act", "actions" },
	{ "cc", "cap_count" },
	{ "prt", "partners" },
	{ "ra", "rate" },
	{ "ac", "accounts" },
	{ "en", "entries" },
	{ "pur", "purchases" },
	{ "red", "redemptions" },
	{ "idm", "idem" },
	{ "ns", "next_seq" },
};

static const char *key_name(const char *key, size_t len)
{
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (strlen(key_names[i].key) == len && memcmp(key_names[i].key, key, len) == 0)
			return key_names[i].name;
	return NULL;
}

const char *ly_codec_key(const char *name)
{
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (strcmp(key_names[i].name, name) == 0)
			return key_names[i].key;
	return name;
}

/* Append @p src (len bytes: a key, or a path of keys and [index]es) to @p dst with every key named. */
static void name_path(char *dst, size_t size, const char *src, size_t len)
{
	size_t n = strlen(dst);

	while (len > 0 && n + 1 < size) {
		size_t seg = 0, key;
		const char *name;
		int w;
		while (seg < len && src[seg] != '.')
			seg++;
		for (key = 0; key < seg && src[key] != '['; key++)
			;
		name = key_name(src, key);
		w = name ? snprintf(dst + n, size - n, "%s%.*s", name, (int)(seg - key), src + key)
		         : snprintf(dst + n, size - n, "%.*s", (int)seg, src);
		n = w > 0 && n + (size_t)w < size ? n + (size_t)w : size - 1;
		if (seg < len && n + 1 < size) {
			dst[n++] = '.';
			dst[n] = '\0';
			seg++;
		}
		src += seg;
		len -= seg;
	}
}

/* The reader: the ly_dec and the path of the value being read (keys), for messages. The path is
 * kept as a stack of segments (a key, or a key and an index) and only formatted when a message is
 * written: formatting it on every field was nearly half the cost of decoding a journal record. */
#define RD_SEGS 48

typedef struct rd_seg {
	const char *name;
	size_t index;
	bool indexed;
} rd_seg;

typedef struct rd {
	ly_dec *d;
	size_t nseg;           /* may exceed RD_SEGS: the deeper segments are then left out of messages */
	rd_seg seg[RD_SEGS];
} rd;

static inline void rd_init(rd *r, ly_dec *d, const char *root)
{
	r->d = d;
	r->nseg = 1;
	r->seg[0].name = root;
	r->seg[0].indexed = false;
}

/* Descend into a field ("customer") or an element ("accounts[2]"); returns what rd_pop restores. */
static inline size_t rd_push(rd *r, const char *name, size_t index, bool indexed)
{
	size_t old = r->nseg;

	if (old < RD_SEGS) {
		r->seg[old].name = name;
		r->seg[old].index = index;
		r->seg[old].indexed = indexed;
	}
	r->nseg = old + 1;
	return old;
}

static inline void rd_pop(rd *r, size_t old)
{
	r->nseg = old;
}

/* The path in wire keys ("txn.ac[0].c"), as the messages' name_path expects it. */
static size_t rd_path(const rd *r, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->nseg && i < RD_SEGS; i++) {
		const rd_seg *sg = &r->seg[i];
		int w;
		if (sg->indexed)
			w = snprintf(buf + n, size - n, "%s%s[%zu]", n ? "." : "", sg->name, sg->index);
		else
			w = snprintf(buf + n, size - n, "%s%s", n ? "." : "", sg->name);
		if (w > 0)
			n = n + (size_t)w < size ? n + (size_t)w : size - 1;
	}
	return n;
}

static int rd_fail(rd *r, size_t off, const char *field, const char *fmt, ...) LY_PRINTF(4, 5);
static int rd_fail(rd *r, size_t off, const char *field, const char *fmt, ...)
{
	char what[320], path[256] = "", raw[200];
	size_t plen = rd_path(r, raw, sizeof raw);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	name_path(path, sizeof path, raw, plen);
	if (field && *field) {
		if (plen && strlen(path) + 1 < sizeof path)
			strcat(path, ".");
		name_path(path, sizeof path, field, strlen(field));
	}
	return ly_error(LOYALTY_ECORRUPT, "corrupt at offset %zu: %s: %s", off, path, what);
}

/* A call into the library (a setter, a scratch calculator) refused a decoded value. */
static int rd_refused(rd *r, size_t off, const char *field, int rc)
{
	char msg[256];

	if (rc == LOYALTY_ENOMEM)
		return rc;
	snprintf(msg, sizeof msg, "%s", loyalty_last_error());
	return rd_fail(r, off, field, "rejected: %s", msg);
}

static int rd_oom(void)
{
	return ly_error(LOYALTY_ENOMEM, "decoding: out of memory");
}

static size_t rd_left(const rd *r)
{
	return r->d->len - r->d->off;
}

static const uint8_t *rd_at(const rd *r)
{
	return r->d->data + r->d->off;
}

static uint64_t be_load(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static const char *type_name(uint8_t t)
{
	if (t <= 0x7f || t >= 0xe0 || (t >= 0xcc && t <= 0xd3))
		return "an integer";
	if (t <= 0x8f || t == 0xde || t == 0xdf)
		return "a map";
	if (t <= 0x9f || t == 0xdc || t == 0xdd)
		return "an array";
	if (t <= 0xbf || (t >= 0xd9 && t <= 0xdb))
		return "a string";
	switch (t) {
	case 0xc0: return "nil";
	case 0xc2: case 0xc3: return "a boolean";
	case 0xc4: case 0xc5: case 0xc6: return "a bin";
	case 0xca: case 0xcb: return "a float";
	case 0xc1: return "the never-used byte 0xc1";
	default: return "an ext";
	}
}

/* Expect @p what; describe what is there instead. */
static int rd_expected(rd *r, const char *field, const char *what)
{
	if (rd_left(r) == 0)
		return rd_fail(r, r->d->off, field, "truncated: expected %s", what);
	return rd_fail(r, r->d->off, field, "expected %s, found %s (0x%02x)", what, type_name(*rd_at(r)), *rd_at(r));
}

static int rd_truncated(rd *r, size_t at, const char *field, size_t need)
{
	return rd_fail(r, at, field, "truncated: %zu bytes needed, %zu left", need, r->d->len - at);
}

static int rd_enter(rd *r, size_t at, const char *field)
{
	if (r->d->depth >= DEPTH_MAX)
		return rd_fail(r, at, field, "nesting deeper than %d", DEPTH_MAX);
	r->d->depth++;
	return LOYALTY_OK;
}

static void rd_leave(rd *r)
{
	r->d->depth--;
}

/* A container header (map or array) in its smallest form: the count. */
static int rd_container(rd *r, const char *field, bool map, size_t *count)
{
	size_t at = r->d->off, n;
	uint8_t t, fix = map ? 0x80 : 0x90, h16 = map ? 0xde : 0xdc, h32 = map ? 0xdf : 0xdd;
	const char *what = map ? "a map" : "an array";

	if (rd_left(r) == 0)
		return rd_expected(r, field, what);
	t = *rd_at(r);
	if ((t & 0xf0) == fix) {
		*count = t & 0x0f;
		r->d->off++;
		return LOYALTY_OK;
	}
	if (t != h16 && t != h32)
		return rd_expected(r, field, what);
	n = t == h16 ? 2 : 4;
	if (rd_left(r) < 1 + n)
		return rd_truncated(r, at, field, 1 + n);
	*count = (size_t)be_load(rd_at(r) + 1, n);
	if (*count < (n == 2 ? 16u : 65536u))
		return rd_fail(r, at, field, "non-canonical %s header (%zu elements in a %zu-byte count)", map ? "map" : "array",
		               *count, n);
	r->d->off += 1 + n;
	return LOYALTY_OK;
}

/* A map of exactly @p nfields fields (entered: rd_leave after the last field). */
static int rd_map(rd *r, const char *field, size_t nfields)
{
	size_t at = r->d->off, n;
	int rc = rd_container(r, field, true, &n);

	if (rc != LOYALTY_OK)
		return rc;
	if (n != nfields)
		return rd_fail(r, at, field, "expected a map of %zu fields, found %zu", nfields, n);
	return rd_enter(r, at, field);
}

/* An array of at most @p max elements, each taking at least @p min_size bytes (entered). */
static int rd_array(rd *r, const char *field, size_t min_size, size_t max, size_t *count)
{
	size_t at = r->d->off;
	int rc = rd_container(r, field, false, count);

	if (rc != LOYALTY_OK)
		return rc;
	if (*count > max)
		return rd_fail(r, at, field, "%zu elements, more than the limit of %zu", *count, max);
	if (*count > rd_left(r) / min_size)
		return rd_fail(r, at, field, "%zu elements cannot fit in the %zu bytes left", *count, rd_left(r));
	return rd_enter(r, at, field);
}

static int rd_key_fail(rd *r, const char *key);

/* The key @p key (a fixstr): compared byte by byte, without strlen (keys are 1..3 bytes). */
static inline int rd_key(rd *r, const char *key)
{
	const uint8_t *p = rd_at(r);
	size_t left = rd_left(r), n, i;

	if (left == 0 || (p[0] & 0xe0) != 0xa0 || (n = p[0] & 0x1fu) >= left)
		return rd_key_fail(r, key);
	for (i = 0; i < n && key[i] != '\0' && key[i] == (char)p[1 + i]; i++)
		;
	if (i != n || key[n] != '\0')
		return rd_key_fail(r, key);
	r->d->off += 1 + n;
	return LOYALTY_OK;
}

static int rd_key_fail(rd *r, const char *key)
{
	size_t n = strlen(key), at = r->d->off;
	const uint8_t *p = rd_at(r);
	const char *want = key_name(key, n) ? key_name(key, n) : key;

	if (rd_left(r) == 0)
		return rd_fail(r, at, NULL, "truncated: expected field '%s'", want);
	if ((p[0] & 0xe0) == 0xa0 && rd_left(r) >= 1 + (size_t)(p[0] & 0x1f)) {
		char found[32];
		size_t fl = p[0] & 0x1f;
		const char *name = key_name((const char *)p + 1, fl);
		for (size_t i = 0; i < fl; i++)
			found[i] = p[1 + i] >= 0x20 && p[1 + i] < 0x7f ? (char)p[1 + i] : '?';
		found[fl] = '\0';
		return rd_fail(r, at, NULL, "expected field '%s', found '%s'", want, name ? name : found);
	}
	return rd_fail(r, at, NULL, "expected field '%s'", want);
}

/* The offset of the value of field @p key, when the key is next (for messages about the value). */
#define AT_VALUE(r, key) ((r)->d->off + sizeof(key))

/* Read the key of a field (when @p key is not NULL). */
#define RD_KEY(r, key)                                      \
	do {                                                    \
		if ((key) != NULL) {                                \
			int krc_ = rd_key((r), (key));                  \
			if (krc_ != LOYALTY_OK)                         \
				return krc_;                                \
		}                                                   \
	} while (0)

/* An integer in its smallest form: *neg and *s for negative values, else *u. */
static int rd_int(rd *r, const char *field, bool *neg, uint64_t *u, int64_t *s)
{
	size_t at = r->d->off, n;
	uint8_t t;
	uint64_t v;

	if (rd_left(r) == 0)
		return rd_expected(r, field, "an integer");
	t = *rd_at(r);
	if (t <= 0x7f) {
		*neg = false;
		*u = t;
		r->d->off++;
		return LOYALTY_OK;
	}
	if (t >= 0xe0) {
		*neg = true;
		*s = (int64_t)t - 256;
		r->d->off++;
		return LOYALTY_OK;
	}
	switch (t) {
	case 0xcc: case 0xd0: n = 1; break;
	case 0xcd: case 0xd1: n = 2; break;
	case 0xce: case 0xd2: n = 4; break;
	case 0xcf: case 0xd3: n = 8; break;
	default: return rd_expected(r, field, "an integer");
	}
	if (rd_left(r) < 1 + n)
		return rd_truncated(r, at, field, 1 + n);
	v = be_load(rd_at(r) + 1, n);
	if (t <= 0xcf) { /* uint 8..64: only for values the smaller forms cannot hold */
		if (v < (n == 1 ? 0x80u : n == 2 ? 0x100u : n == 4 ? 0x10000u : 0x100000000u))
			return rd_fail(r, at, field, "non-canonical integer encoding (%llu in %zu bytes)", (unsigned long long)v,
			               n);
		*neg = false;
		*u = v;
	} else { /* int 8..64: only for negative values the smaller forms cannot hold */
		int bits = (int)n * 8;
		int64_t sv = (v >> (bits - 1)) & 1 ? (bits == 64 ? -(int64_t)(~v) - 1 : (int64_t)v - ((int64_t)1 << bits))
		                                   : (int64_t)v;
		int64_t limit = n == 1 ? -32 : n == 2 ? -128 : n == 4 ? -32768 : -((int64_t)1 << 31);
		if (sv >= limit)
			return rd_fail(r, at, field, "non-canonical integer encoding (%lld in %zu bytes)", (long long)sv, n);
		*neg = true;
		*s = sv;
	}
	r->d->off += 1 + n;
	return LOYALTY_OK;
}

/* The canonical integer at the reader, fast: LOYALTY_OK with *v and *len (bytes) for the forms the
 * encoder writes; 1 for anything else (rd_int then decides, and reports). */
static inline int int_fast(const rd *r, bool *neg, uint64_t *u, size_t *len)
{
	const uint8_t *p = rd_at(r);
	size_t left = rd_left(r);
	uint64_t v;

	if (left == 0)
		return 1;
	if (p[0] <= 0x7f) {
		*neg = false;
		*u = p[0];
		*len = 1;
		return LOYALTY_OK;
	}
	if (p[0] >= 0xe0) {
		*neg = true;
		*u = (uint64_t)((int64_t)p[0] - 256);
		*len = 1;
		return LOYALTY_OK;
	}
	switch (p[0]) {
	case 0xcc:
		if (left < 2 || p[1] < 0x80)
			return 1;
		*u = p[1];
		*len = 2;
		break;
	case 0xcd:
		if (left < 3 || (v = (uint64_t)p[1] << 8 | p[2]) < 0x100)
			return 1;
		*u = v;
		*len = 3;
		break;
	case 0xce:
		if (left < 5 || (v = (uint64_t)p[1] << 24 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 8 | p[4]) < 0x10000)
			return 1;
		*u = v;
		*len = 5;
		break;
	case 0xcf:
		if (left < 9)
			return 1;
		memcpy(&v, p + 1, 8);
		v = __builtin_bswap64(v);
		if (v < 0x100000000u)
			return 1;
		*u = v;
		*len = 9;
		break;
	default:
		return 1; /* negative multi-byte forms: rare, rd_int */
	}
	*neg = false;
	return LOYALTY_OK;
}

/* g_i64 after its key: the slow path, with every message. */
static int g_i64_value(rd *r, const char *key, int64_t min, int64_t max, int64_t *out)
{
	size_t at;
	bool neg;
	uint64_t u = 0;
	int64_t s = 0;
	int rc;

	at = r->d->off;
	rc = rd_int(r, key, &neg, &u, &s);
	if (rc != LOYALTY_OK)
		return rc;
	if (!neg && u > (uint64_t)INT64_MAX)
		return rd_fail(r, at, key, "%llu is out of range %lld..%lld", (unsigned long long)u, (long long)min,
		               (long long)max);
	if (!neg)
		s = (int64_t)u;
	if (s < min || s > max)
		return rd_fail(r, at, key, "%lld is out of range %lld..%lld", (long long)s, (long long)min, (long long)max);
	*out = s;
	return LOYALTY_OK;
}

static inline int g_i64(rd *r, const char *key, int64_t min, int64_t max, int64_t *out)
{
	bool neg;
	uint64_t u;
	size_t len;

	RD_KEY(r, key);
	if (int_fast(r, &neg, &u, &len) == LOYALTY_OK && (neg || u <= (uint64_t)INT64_MAX) && (int64_t)u >= min &&
	    (int64_t)u <= max) {
		r->d->off += len;
		*out = (int64_t)u;
		return LOYALTY_OK;
	}
	return g_i64_value(r, key, min, max, out);
}

static int g_u64_value(rd *r, const char *key, uint64_t min, uint64_t max, uint64_t *out)
{
	size_t at;
	bool neg;
	uint64_t u = 0;
	int64_t s = 0;
	int rc;

	at = r->d->off;
	rc = rd_int(r, key, &neg, &u, &s);
	if (rc != LOYALTY_OK)
		return rc;
	if (neg)
		return rd_fail(r, at, key, "%lld is out of range %llu..%llu", (long long)s, (unsigned long long)min,
		               (unsigned long long)max);
	if (u < min || u > max)
		return rd_fail(r, at, key, "%llu is out of range %llu..%llu", (unsigned long long)u, (unsigned long long)min,
		               (unsigned long long)max);
	*out = u;
	return LOYALTY_OK;
}

static inline int g_u64(rd *r, const char *key, uint64_t min, uint64_t max, uint64_t *out)
{
	bool neg;
	uint64_t u;
	size_t len;

	RD_KEY(r, key);
	if (int_fast(r, &neg, &u, &len) == LOYALTY_OK && !neg && u >= min && u <= max) {
		r->d->off += len;
		*out = u;
		return LOYALTY_OK;
	}
	return g_u64_value(r, key, min, max, out);
}

static int g_int(rd *r, const char *key, int min, int max, int *out)
{
	int64_t v;
	int rc = g_i64(r, key, min, max, &v);

	if (rc == LOYALTY_OK)
		*out = (int)v;
	return rc;
}

static int g_bool(rd *r, const char *key, bool *out)
{
	RD_KEY(r, key);
	if (rd_left(r) == 0 || (*rd_at(r) != 0xc2 && *rd_at(r) != 0xc3))
		return rd_expected(r, key, "a boolean");
	*out = *rd_at(r) == 0xc3;
	r->d->off++;
	return LOYALTY_OK;
}

/* nil here? (consumed if so) */
static bool rd_nil(rd *r)
{
	if (rd_left(r) > 0 && *rd_at(r) == 0xc0) {
		r->d->off++;
		return true;
	}
	return false;
}

/* A str or bin body in its smallest form, at most @p max bytes; points into the input. */
static int rd_raw(rd *r, const char *field, bool bin, size_t max, const uint8_t **p, size_t *len)
{
	size_t at = r->d->off, n = 0, hl;
	uint8_t t;
	const char *what = bin ? "a bin" : "a string";

	if (rd_left(r) == 0)
		return rd_expected(r, field, what);
	t = *rd_at(r);
	if (!bin && (t & 0xe0) == 0xa0) {
		hl = 1;
		n = t & 0x1f;
	} else if (t == (bin ? 0xc4 : 0xd9)) {
		hl = 2;
	} else if (t == (bin ? 0xc5 : 0xda)) {
		hl = 3;
	} else if (t == (bin ? 0xc6 : 0xdb)) {
		hl = 5;
	} else {
		return rd_expected(r, field, what);
	}
	if (rd_left(r) < hl)
		return rd_truncated(r, at, field, hl);
	if (hl > 1) {
		n = (size_t)be_load(rd_at(r) + 1, hl - 1);
		if (n < (hl == 2 ? (bin ? 0u : 32u) : hl == 3 ? 256u : 65536u))
			return rd_fail(r, at, field, "non-canonical %s header (%zu bytes in a %zu-byte length)",
			               bin ? "bin" : "string", n, hl - 1);
	}
	if (n > max)
		return rd_fail(r, at, field, "%s of %zu bytes, longer than the limit of %zu", bin ? "bin" : "string", n, max);
	if (n > rd_left(r) - hl)
		return rd_truncated(r, at, field, hl + n);
	*p = rd_at(r) + hl;
	*len = n;
	r->d->off += hl + n;
	return LOYALTY_OK;
}

enum { TXT_ANY, TXT_IDENT, TXT_TOKEN, TXT_TEXT, TXT_DETAIL, TXT_REF };

static const char *txt_rule(int kind)
{
	switch (kind) {
	case TXT_IDENT: return "bytes of [A-Za-z0-9_.-]";
	case TXT_TOKEN: return "bytes of printable ASCII without spaces";
	case TXT_TEXT: return "bytes of UTF-8 without control characters";
	case TXT_REF: return "bytes of printable UTF-8 without spaces";
	default: return "bytes without control characters";
	}
}

static bool txt_ok(const char *s, size_t n, int kind, size_t max)
{
	switch (kind) {
	case TXT_IDENT: return ly_is_ident(s, max);
	case TXT_TOKEN: return ly_is_token(s, max);
	case TXT_TEXT: return ly_is_text(s, max);
	case TXT_REF: return ly_is_text(s, max) && strchr(s, ' ') == NULL;
	case TXT_DETAIL:
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
				return false;
		return true;
	default: return true;
	}
}

/* A string field of @p kind, 0..max bytes (1..max unless @p empty_ok), copied into @p buf (max + 1 bytes). */
static int g_text(rd *r, const char *key, int kind, size_t max, bool empty_ok, char *buf)
{
	const uint8_t *p;
	size_t at, n;
	int rc;

	RD_KEY(r, key);
	at = r->d->off;
	rc = rd_raw(r, key, false, max, &p, &n);
	if (rc != LOYALTY_OK)
		return rc;
	if (memchr(p, 0, n) != NULL)
		return rd_fail(r, at, key, "string contains a NUL byte");
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (n == 0 && !empty_ok)
		return rd_fail(r, at, key, "empty string: expected 1..%zu %s", max, txt_rule(kind));
	if (n > 0 && !txt_ok(buf, n, kind, max))
		return rd_fail(r, at, key, "expected %s..%zu %s", empty_ok ? "0" : "1", max, txt_rule(kind));
	return LOYALTY_OK;
}

/* The same, into a new string. */
static int g_text_dup(rd *r, const char *key, int kind, size_t max, bool empty_ok, char **out)
{
	const uint8_t *p;
	size_t at, n;
	char *s;
	int rc;

	RD_KEY(r, key);
	at = r->d->off;
	rc = rd_raw(r, key, false, max, &p, &n);
	if (rc != LOYALTY_OK)
		return rc;
	if (memchr(p, 0, n) != NULL)
		return rd_fail(r, at, key, "string contains a NUL byte");
	if (n == 0 && !empty_ok)
		return rd_fail(r, at, key, "empty string: expected 1..%zu %s", max, txt_rule(kind));
	s = ly_strndup((const char *)p, n);
	if (s == NULL)
		return rd_oom();
	if (n > 0 && !txt_ok(s, n, kind, max)) {
		free(s);
		return rd_fail(r, at, key, "expected %s..%zu %s", empty_ok ? "0" : "1", max, txt_rule(kind));
	}
	*out = s;
	return LOYALTY_OK;
}

static int g_id(rd *r, const char *key, bool nil_ok, loyalty_id *out)
{
	const uint8_t *p;
	size_t at, n;
	int rc;

	RD_KEY(r, key);
	at = r->d->off;
	rc = rd_raw(r, key, true, 16, &p, &n);
	if (rc != LOYALTY_OK)
		return rc;
	if (n != 16)
		return rd_fail(r, at, key, "expected an id (bin 16), found a bin of %zu bytes", n);
	memcpy(out->bytes, p, 16);
	if (!nil_ok && loyalty_id_is_nil(out))
		return rd_fail(r, at, key, "the nil id");
	return LOYALTY_OK;
}

/* [num, den], den > 0; reduced when @p reduced. */
static int g_frac(rd *r, const char *key, bool reduced, ly_frac *out)
{
	size_t at, n, saved;
	int rc;

	RD_KEY(r, key);
	at = r->d->off;
	if ((rc = rd_container(r, key, false, &n)) != LOYALTY_OK)
		return rc;
	if (n != 2)
		return rd_fail(r, at, key, "expected a fraction [num, den], found an array of %zu", n);
	if ((rc = rd_enter(r, at, key)) != LOYALTY_OK)
		return rc;
	saved = key ? rd_push(r, key, 0, false) : r->nseg;
	if ((rc = g_i64(r, NULL, INT64_MIN, INT64_MAX, &out->num)) != LOYALTY_OK)
		return rc;
	rd_push(r, "den", 0, false);
	if ((rc = g_i64(r, NULL, 1, INT64_MAX, &out->den)) != LOYALTY_OK)
		return rc;
	rd_pop(r, saved);
	rd_leave(r);
	if (reduced) {
		ly_frac f;
		if (ly_frac_make(out->num, out->den, &f) != LOYALTY_OK || f.num != out->num || f.den != out->den)
			return rd_fail(r, at, key, "fraction %lld/%lld is not in lowest terms", (long long)out->num,
			               (long long)out->den);
	}
	return LOYALTY_OK;
}

/* A value's head: the map, "v" (known first, so that a future version is reported as such) and the
 * field count; versions LY_CODEC_VERSION .. @p maxv are read (*version: which). */
static int rd_head_v(rd *r, size_t nfields, int maxv, int *version)
{
	size_t at = r->d->off, n, vat;
	int64_t v;
	int rc;

	if ((rc = rd_container(r, NULL, true, &n)) != LOYALTY_OK)
		return rc;
	if ((rc = rd_enter(r, at, NULL)) != LOYALTY_OK)
		return rc;
	if (n == 0)
		return rd_fail(r, at, NULL, "expected a map of %zu fields, found an empty map", nfields + 1);
	if ((rc = rd_key(r, "v")) != LOYALTY_OK)
		return rc;
	vat = r->d->off;
	if ((rc = g_i64(r, NULL, INT64_MIN, INT64_MAX, &v)) != LOYALTY_OK)
		return rd_fail(r, vat, "v", "expected the schema version");
	if (v < LY_CODEC_VERSION || v > maxv)
		return rd_fail(r, vat, "v", "unknown schema version %lld (this library reads version %d)", (long long)v,
		               maxv);
	if (n != nfields + 1)
		return rd_fail(r, at, NULL, "expected a map of %zu fields, found %zu", nfields + 1, n);
	*version = (int)v;
	return LOYALTY_OK;
}

static int rd_head(rd *r, size_t nfields)
{
	int v;

	return rd_head_v(r, nfields, LY_CODEC_VERSION, &v);
}

/* Open a named field (a nested map or array follows): key, then the path. */
static int rd_field(rd *r, const char *key, size_t *saved)
{
	int rc = rd_key(r, key);

	if (rc == LOYALTY_OK)
		*saved = rd_push(r, key, 0, false);
	return rc;
}

/* A public decoder's frame: the path root; depth restored on failure. */
#define DEC_BEGIN(root)   \
	rd r_;                \
	rd *r = &r_;          \
	int depth0_ = d->depth; \
	rd_init(r, d, (root))
#define DEC_END(rc) ((rc) != LOYALTY_OK ? (d->depth = depth0_, (rc)) : (rc))

#define CK(x)                                    \
	do {                                         \
		if ((rc = (x)) != LOYALTY_OK)            \
			goto fail;                           \
	} while (0)

/* ---- customers ------------------------------------------------------------------ */

static int get_customer(rd *r, loyalty_customer **out)
{
	char buf[LOYALTY_NAME_MAX + 1];
	loyalty_customer *c = NULL;
	loyalty_id id;
	size_t at, n, saved;
	int64_t v;
	int bm, bd, rc;

	CK(rd_head(r, CUSTOMER_FIELDS));
	CK(g_id(r, "id", false, &id));
	if ((rc = loyalty_customer_new(&c, &id)) != LOYALTY_OK)
		return rc;
	at = AT_VALUE(r, "r");
	CK(g_text(r, "r", TXT_REF, LOYALTY_EXTERNAL_REF_MAX, true, buf));
	if ((rc = loyalty_customer_set_external_ref(c, buf)) != LOYALTY_OK)
		CK(rd_refused(r, at, "ref", rc));
	at = AT_VALUE(r, "n");
	CK(g_text(r, "n", TXT_TEXT, LOYALTY_NAME_MAX, true, buf));
	if ((rc = loyalty_customer_set_name(c, buf)) != LOYALTY_OK)
		CK(rd_refused(r, at, "name", rc));
	at = AT_VALUE(r, "em");
	CK(g_text(r, "em", TXT_ANY, LOYALTY_EMAIL_MAX, true, buf));
	if ((rc = loyalty_customer_set_email(c, buf)) != LOYALTY_OK)
		CK(rd_refused(r, at, "email", rc));
	CK(g_text(r, "ti", TXT_IDENT, LOYALTY_TIER_NAME_MAX, true, buf));
	if ((rc = loyalty_customer_set_tier(c, buf)) != LOYALTY_OK)
		goto fail; /* validated above: only ENOMEM */
	at = AT_VALUE(r, "bm");
	CK(g_int(r, "bm", 0, 12, &bm));
	CK(g_int(r, "bd", 0, 31, &bd));
	if ((rc = loyalty_customer_set_birthday(c, bm, bd)) != LOYALTY_OK)
		CK(rd_refused(r, at, "bmonth", rc));
	CK(g_i64(r, "j", INT64_MIN, INT64_MAX, &c->joined_at));
	CK(rd_field(r, "tg", &saved));
	CK(rd_array(r, NULL, MIN_STR, LOYALTY_TAGS_MAX, &n));
	for (size_t i = 0; i < n; i++) {
		rd_pop(r, saved);
		rd_push(r, "tg", i, true);
		at = r->d->off;
		CK(g_text(r, NULL, TXT_IDENT, LOYALTY_TAG_MAX, false, buf));
		if ((rc = loyalty_customer_add_tag(c, buf)) != LOYALTY_OK)
			CK(rd_refused(r, at, NULL, rc));
	}
	rd_pop(r, saved);
	rd_leave(r);
	CK(g_i64(r, "av", INT64_MIN, INT64_MAX, &v));
	c->available = v;
	CK(g_i64(r, "pe", INT64_MIN, INT64_MAX, &v));
	c->pending = v;
	CK(g_i64(r, "ea", INT64_MIN, INT64_MAX, &v));
	c->lifetime_earned = v;
	CK(g_i64(r, "rd", INT64_MIN, INT64_MAX, &v));
	c->lifetime_redeemed = v;
	CK(g_i64(r, "xp", INT64_MIN, INT64_MAX, &v));
	c->lifetime_expired = v;
	rd_leave(r);
	*out = c;
	return LOYALTY_OK;
fail:
	loyalty_customer_free(c);
	return rc;
}

int ly_decode_customer(ly_dec *d, loyalty_customer **out)
{
	DEC_BEGIN("customer");
	int rc = get_customer(r, out);
	return DEC_END(rc);
}

/* ---- purchases ------------------------------------------------------------------- */

static int get_purchase(rd *r, loyalty_purchase **out)
{
	char key[LOYALTY_KEY_MAX + 1], cur[4], ch[LOYALTY_CHANNEL_MAX + 1];
	char sku[LOYALTY_SKU_MAX + 1], type[LOYALTY_PRODUCT_TYPE_MAX + 1];
	loyalty_purchase *p = NULL;
	loyalty_id cust;
	loyalty_time at;
	size_t off, n, saved;
	int rc;

	CK(rd_head(r, PURCHASE_FIELDS));
	CK(g_text(r, "k", TXT_TOKEN, LOYALTY_KEY_MAX, false, key));
	CK(g_id(r, "c", false, &cust));
	CK(g_i64(r, "at", INT64_MIN, INT64_MAX, &at));
	off = AT_VALUE(r, "cu");
	CK(g_text(r, "cu", TXT_ANY, 3, false, cur));
	if ((rc = loyalty_purchase_new(&p, key, &cust, at, cur)) != LOYALTY_OK)
		CK(rd_refused(r, off, "currency", rc));
	CK(g_text(r, "ch", TXT_IDENT, LOYALTY_CHANNEL_MAX, true, ch));
	if ((rc = loyalty_purchase_set_channel(p, ch)) != LOYALTY_OK)
		goto fail;
	CK(rd_field(r, "it", &saved));
	CK(rd_array(r, NULL, 1 + K("sk") + MIN_STR + K("ty") + MIN_STR + K("qt") + 1 + K("pr") + 1, LOYALTY_ITEMS_MAX, &n));
	for (size_t i = 0; i < n; i++) {
		int64_t q, u;
		rd_pop(r, saved);
		rd_push(r, "it", i, true);
		off = r->d->off;
		CK(rd_map(r, NULL, 4));
		CK(g_text(r, "sk", TXT_TOKEN, LOYALTY_SKU_MAX, false, sku));
		CK(g_text(r, "ty", TXT_IDENT, LOYALTY_PRODUCT_TYPE_MAX, false, type));
		CK(g_i64(r, "qt", 1, INT64_MAX, &q));
		CK(g_i64(r, "pr", 0, INT64_MAX, &u));
		rd_leave(r);
		if ((rc = loyalty_purchase_add_item(p, sku, type, q, u)) != LOYALTY_OK)
			CK(rd_refused(r, off, NULL, rc));
	}
	rd_pop(r, saved);
	rd_leave(r);
	rd_leave(r);
	*out = p;
	return LOYALTY_OK;
fail:
	loyalty_purchase_free(p);
	return rc;
}

int ly_decode_purchase(ly_dec *d, loyalty_purchase **out)
{
	DEC_BEGIN("purchase");
	int rc = get_purchase(r, out);
	return DEC_END(rc);
}

/* ---- receipts ---------------------------------------------------------------------- */

static int intern(loyalty_receipt *rc_, const char *s, size_t *off)
{
	return ly_receipt_intern(rc_, s, off) == LOYALTY_OK ? LOYALTY_OK : rd_oom();
}

static int get_receipt(rd *r, loyalty_receipt **out)
{
	char buf[LOYALTY_KEY_MAX + DETAIL_MAX + 1];
	loyalty_receipt *x;
	size_t off, n, saved;
	int64_t v;
	bool b;
	int rc;

	if ((rc = rd_head(r, RECEIPT_FIELDS)) != LOYALTY_OK)
		return rc;
	x = calloc(1, sizeof *x);
	if (x == NULL)
		return rd_oom();
	CK(g_text(r, "k", TXT_TOKEN, LOYALTY_KEY_MAX, false, buf));
	CK(intern(x, buf, &x->key_off));
	CK(g_id(r, "c", false, &x->customer_id));
	off = AT_VALUE(r, "cu");
	CK(g_text(r, "cu", TXT_ANY, 3, false, buf));
	if (strlen(buf) != 3 || !loyalty_currency_is_valid(buf))
		CK(rd_fail(r, off, "currency", "'%s' is not an ISO 4217 code", buf));
	memcpy(x->currency, buf, 4);
	CK(g_i64(r, "sp", INT64_MIN, INT64_MAX, &x->spend));
	CK(g_i64(r, "el", INT64_MIN, INT64_MAX, &x->eligible_spend));
	CK(g_i64(r, "p", INT64_MIN, INT64_MAX, &x->points));
	CK(g_frac(r, "x", false, &x->exact));
	CK(g_frac(r, "bs", false, &x->base));
	CK(g_frac(r, "aj", false, &x->adjustment));
	CK(g_i64(r, "ro", LOYALTY_ROUND_FLOOR, LOYALTY_ROUND_CEIL, &v));
	x->rounding = (loyalty_rounding)v;
	CK(rd_field(r, "ln", &saved));
	CK(rd_array(r, NULL, 1 + K("n") + MIN_STR + K("ki") + MIN_STR + K("rl") + 1 + K("ap") + 1 + K("p") + MIN_FRAC + K("dt") + 1, SIZE_MAX, &n));
	if (n > 0 && (x->lines = calloc(n, sizeof *x->lines)) == NULL)
		CK(rd_oom());
	for (size_t i = 0; i < n; i++) {
		ly_rline *l = &x->lines[i];
		rd_pop(r, saved);
		rd_push(r, "ln", i, true);
		CK(rd_map(r, NULL, 6));
		CK(g_text(r, "n", TXT_IDENT, LOYALTY_NAME_ID_MAX, false, buf));
		CK(intern(x, buf, &l->name_off));
		CK(g_text(r, "ki", TXT_IDENT, LOYALTY_NAME_ID_MAX, false, buf));
		CK(intern(x, buf, &l->kind_off));
		CK(g_i64(r, "rl", LOYALTY_ROLE_BASE, LOYALTY_ROLE_BONUS, &v));
		l->role = (loyalty_strategy_role)v;
		CK(g_bool(r, "ap", &b));
		l->applied = b;
		CK(g_frac(r, "p", false, &l->points));
		CK(g_text(r, "dt", TXT_DETAIL, DETAIL_MAX, true, buf));
		CK(intern(x, buf, &l->detail_off));
		rd_leave(r);
		x->nlines++;
	}
	rd_pop(r, saved);
	rd_leave(r);
	CK(g_bool(r, "rc", &x->recorded));
	off = AT_VALUE(r, "cr");
	CK(g_i64(r, "cr", INT64_MIN, INT64_MAX, &x->credited));
	CK(g_i64(r, "cp", INT64_MIN, INT64_MAX, &x->capped));
	CK(g_i64(r, "pu", INT64_MIN, INT64_MAX, &x->pending_until));
	CK(g_u64(r, "e", 0, UINT64_MAX, &x->entry_seq));
	if (!x->recorded && (x->credited || x->capped || x->pending_until || x->entry_seq))
		CK(rd_fail(r, off, "credited", "a receipt not recorded by a program has no credited, capped, "
		                               "pending_until or entry"));
	rd_leave(r);
	*out = x;
	return LOYALTY_OK;
fail:
	loyalty_receipt_free(x);
	return rc;
}

int ly_decode_receipt(ly_dec *d, loyalty_receipt **out)
{
	DEC_BEGIN("receipt");
	int rc = get_receipt(r, out);
	return DEC_END(rc);
}

/* ---- entries ------------------------------------------------------------------------ */

static int get_entry(rd *r, loyalty_entry *out)
{
	loyalty_entry x;
	int64_t v;
	int rc;

	memset(&x, 0, sizeof x);
	if ((rc = rd_head(r, ENTRY_FIELDS)) || (rc = g_u64(r, "sq", 1, UINT64_MAX, &x.seq)) ||
	    (rc = g_id(r, "id", false, &x.id)) || (rc = g_id(r, "c", false, &x.customer_id)) ||
	    (rc = g_i64(r, "ki", LOYALTY_ENTRY_ENROLL, LOYALTY_ENTRY_DEBT_REPAY, &v)))
		return rc;
	x.kind = (loyalty_entry_kind)v;
	if ((rc = g_i64(r, "p", INT64_MIN, INT64_MAX, &x.points)) ||
	    (rc = g_i64(r, "pe", INT64_MIN, INT64_MAX, &x.pending)) ||
	    (rc = g_i64(r, "d", INT64_MIN, INT64_MAX, &x.debt)) ||
	    (rc = g_i64(r, "aa", INT64_MIN, INT64_MAX, &x.available_after)) ||
	    (rc = g_i64(r, "pa", INT64_MIN, INT64_MAX, &x.pending_after)) ||
	    (rc = g_i64(r, "at", INT64_MIN, INT64_MAX, &x.at)) ||
	    (rc = g_text(r, "k", TXT_TOKEN, LOYALTY_KEY_MAX, true, x.key)) ||
	    (rc = g_text(r, "r", TXT_DETAIL, LOYALTY_KEY_MAX, true, x.ref)) ||
	    (rc = g_text(r, "m", TXT_DETAIL, LOYALTY_MEMO_MAX, true, x.memo)))
		return rc;
	rd_leave(r);
	*out = x;
	return LOYALTY_OK;
}

int ly_decode_entry(ly_dec *d, loyalty_entry *out)
{
	DEC_BEGIN("entry");
	int rc = get_entry(r, out);
	return DEC_END(rc);
}

/* ---- accounts ------------------------------------------------------------------------- */

static bool code_ok(const char *code)
{
	return strlen(code) == LOYALTY_REFERRAL_CODE_LEN && ly_is_ident(code, LOYALTY_REFERRAL_CODE_LEN);
}

static int get_account(rd *r, ly_account **out)
{
	ly_account *a;
	size_t n, saved, off;
	int64_t v;
	int rc;

	if ((rc = rd_head(r, ACCOUNT_FIELDS)) != LOYALTY_OK)
		return rc;
	a = calloc(1, sizeof *a);
	if (a == NULL)
		return rd_oom();
	CK(rd_field(r, "c", &saved));
	CK(get_customer(r, &a->c));
	rd_pop(r, saved);
	off = AT_VALUE(r, "co");
	CK(g_text(r, "co", TXT_IDENT, LOYALTY_REFERRAL_CODE_LEN, false, a->code));
	if (!code_ok(a->code))
		CK(rd_fail(r, off, "code", "a referral code is %d bytes of [A-Za-z0-9_.-]", LOYALTY_REFERRAL_CODE_LEN));
	CK(g_bool(r, "hr", &a->has_referrer));
	off = AT_VALUE(r, "rf");
	CK(g_id(r, "rf", true, &a->referrer));
	if (a->has_referrer == loyalty_id_is_nil(&a->referrer))
		CK(rd_fail(r, off, "referrer", a->has_referrer ? "the nil id" : "set, but has_referrer is false"));
	CK(g_bool(r, "pd", &a->purchased));
	CK(g_bool(r, "rp", &a->referral_paid));
	CK(g_int(r, "rn", 0, INT_MAX, &a->referrals_paid));
	CK(g_i64(r, "d", 0, INT64_MAX, &a->debt));
	CK(rd_field(r, "bk", &saved));
	CK(rd_array(r, NULL, 1 + K("id") + 1 + K("a") + 1 + K("ea") + 1 + K("ex") + 1 + K("ma") + 1, SIZE_MAX, &n));
	if (n > 0 && (a->buckets = calloc(n, sizeof *a->buckets)) == NULL)
		CK(rd_oom());
	a->capbuckets = n;
	for (size_t i = 0; i < n; i++) {
		ly_bucket *b = &a->buckets[i];
		rd_pop(r, saved);
		rd_push(r, "bk", i, true);
		CK(rd_map(r, NULL, 5));
		CK(g_u64(r, "id", 0, UINT64_MAX, &b->id));
		CK(g_i64(r, "a", INT64_MIN, INT64_MAX, &b->amount));
		CK(g_i64(r, "ea", INT64_MIN, INT64_MAX, &b->earned_at));
		CK(g_i64(r, "ex", INT64_MIN, INT64_MAX, &b->expires_at));
		CK(g_i64(r, "ma", 0, INT64_MAX, &b->matures_at));
		rd_leave(r);
		a->nbuckets++;
	}
	rd_pop(r, saved);
	rd_leave(r);
	CK(g_int(r, "ti", -1, INT_MAX, &a->tier));
	CK(g_int(r, "pt", -1, INT_MAX, &a->paid_tier));
	CK(g_i64(r, "pl", INT64_MIN, INT64_MAX, &a->paid_until));
	CK(g_i64(r, "bl", INT64_MIN, INT64_MAX, &a->below_since));
	CK(g_i64(r, "ey", INT64_MIN, INT64_MAX, &a->evaluated_year));
	CK(rd_field(r, "mt", &saved));
	CK(rd_array(r, NULL, 1 + K("at") + 1 + K("a") + 1, SIZE_MAX, &n));
	if (n > 0 && (a->metric = calloc(n, sizeof *a->metric)) == NULL)
		CK(rd_oom());
	a->capmetric = n;
	for (size_t i = 0; i < n; i++) {
		rd_pop(r, saved);
		rd_push(r, "mt", i, true);
		CK(rd_map(r, NULL, 2));
		CK(g_i64(r, "at", INT64_MIN, INT64_MAX, &a->metric[i].at));
		CK(g_i64(r, "a", INT64_MIN, INT64_MAX, &a->metric[i].amount));
		rd_leave(r);
		a->nmetric++;
	}
	rd_pop(r, saved);
	rd_leave(r);
	CK(rd_field(r, "ct", &saved));
	CK(rd_array(r, NULL, 1 + K("n") + 1 + K("po") + 1 + K("vl") + 1, SIZE_MAX, &n));
	if (n > 0 && (a->counters = calloc(n, sizeof *a->counters)) == NULL)
		CK(rd_oom());
	a->capcounters = n;
	for (size_t i = 0; i < n; i++) {
		ly_counter *c = &a->counters[i];
		rd_pop(r, saved);
		rd_push(r, "ct", i, true);
		CK(rd_map(r, NULL, 3));
		CK(g_text(r, "n", TXT_IDENT, LOYALTY_NAME_ID_MAX, true, c->name));
		CK(g_i64(r, "po", INT64_MIN, INT64_MAX, &c->period));
		CK(g_i64(r, "vl", INT64_MIN, INT64_MAX, &c->value));
		rd_leave(r);
		a->ncounters++;
	}
	rd_pop(r, saved);
	rd_leave(r);
	CK(g_i64(r, "la", INT64_MIN, INT64_MAX, &v));
	a->last_activity = v;
	rd_leave(r);
	*out = a;
	return LOYALTY_OK;
fail:
	ly_account_free(a);
	return rc;
}

int ly_decode_account(ly_dec *d, ly_account **out)
{
	DEC_BEGIN("account");
	int rc = get_account(r, out);
	return DEC_END(rc);
}

/* ---- purchase and redemption records ------------------------------------------------------ */

static int get_purchase_rec(rd *r, ly_purchase_rec **out)
{
	ly_purchase_rec *x;
	size_t off;
	int rc;

	if ((rc = rd_head(r, PURCHASE_REC_FIELDS)) != LOYALTY_OK)
		return rc;
	x = calloc(1, sizeof *x);
	if (x == NULL)
		return rd_oom();
	CK(g_text_dup(r, "k", TXT_TOKEN, LOYALTY_KEY_MAX, false, &x->key));
	CK(g_id(r, "c", false, &x->customer));
	CK(g_i64(r, "at", INT64_MIN, INT64_MAX, &x->at));
	CK(g_i64(r, "to", 0, INT64_MAX, &x->total));
	CK(g_i64(r, "el", 0, x->total, &x->eligible));
	CK(g_i64(r, "cr", 0, INT64_MAX, &x->credited));
	CK(g_i64(r, "mt", 0, INT64_MAX, &x->metric));
	off = AT_VALUE(r, "es");
	CK(g_u64(r, "es", 0, UINT64_MAX, &x->earn_seq));
	if ((x->earn_seq == 0) != (x->credited == 0))
		CK(rd_fail(r, off, "earn_seq", "an EARN entry exists exactly when points were credited"));
	CK(g_i64(r, "rfd", 0, x->total, &x->refunded));
	CK(g_i64(r, "cl", 0, x->credited, &x->clawed));
	rd_leave(r);
	*out = x;
	return LOYALTY_OK;
fail:
	ly_purchase_rec_free(x);
	return rc;
}

int ly_decode_purchase_rec(ly_dec *d, ly_purchase_rec **out)
{
	DEC_BEGIN("purchase_rec");
	int rc = get_purchase_rec(r, out);
	return DEC_END(rc);
}

static int get_redemption_rec(rd *r, ly_redemption_rec **out)
{
	ly_redemption_rec *x;
	size_t n, saved;
	bool b;
	int rc;

	if ((rc = rd_head(r, REDEMPTION_REC_FIELDS)) != LOYALTY_OK)
		return rc;
	x = calloc(1, sizeof *x);
	if (x == NULL)
		return rd_oom();
	CK(g_id(r, "id", false, &x->r.id));
	CK(g_id(r, "c", false, &x->r.customer_id));
	CK(g_text(r, "rw", TXT_IDENT, LOYALTY_NAME_ID_MAX, false, x->r.reward));
	CK(g_i64(r, "p", 1, INT64_MAX, &x->r.points));
	CK(g_i64(r, "at", INT64_MIN, INT64_MAX, &x->r.at));
	CK(g_bool(r, "cn", &b));
	x->r.cancelled = b;
	CK(g_u64(r, "e", 1, UINT64_MAX, &x->r.entry_seq));
	CK(rd_field(r, "dr", &saved));
	CK(rd_array(r, NULL, 1 + K("bu") + 1 + K("a") + 1 + K("ea") + 1 + K("ex") + 1, SIZE_MAX, &n));
	if (n > 0 && (x->draws = calloc(n, sizeof *x->draws)) == NULL)
		CK(rd_oom());
	for (size_t i = 0; i < n; i++) {
		ly_draw *dr = &x->draws[i];
		rd_pop(r, saved);
		rd_push(r, "dr", i, true);
		CK(rd_map(r, NULL, 4));
		CK(g_u64(r, "bu", 0, UINT64_MAX, &dr->bucket));
		CK(g_i64(r, "a", INT64_MIN, INT64_MAX, &dr->amount));
		CK(g_i64(r, "ea", INT64_MIN, INT64_MAX, &dr->earned_at));
		CK(g_i64(r, "ex", INT64_MIN, INT64_MAX, &dr->expires_at));
		rd_leave(r);
		x->ndraws++;
	}
	rd_pop(r, saved);
	rd_leave(r);
	rd_leave(r);
	*out = x;
	return LOYALTY_OK;
fail:
	ly_redemption_rec_free(x);
	return rc;
}

int ly_decode_redemption_rec(ly_dec *d, ly_redemption_rec **out)
{
	DEC_BEGIN("redemption_rec");
	int rc = get_redemption_rec(r, out);
	return DEC_END(rc);
}

/* ---- idempotency records ----------------------------------------------------------------- */

static int get_idem(rd *r, ly_idem **out)
{
	const uint8_t *req;
	ly_idem *x;
	size_t off, n, saved;
	int64_t v;
	int rc, version;

	if ((rc = rd_head_v(r, IDEM_FIELDS, LY_IDEM_RESULTS_VERSION, &version)) != LOYALTY_OK)
		return rc;
	x = calloc(1, sizeof *x);
	if (x == NULL)
		return rd_oom();
	CK(g_text_dup(r, "k", TXT_TOKEN, LOYALTY_KEY_MAX, false, &x->key));
	off = AT_VALUE(r, "op");
	CK(g_i64(r, "op", LY_OP_ENROLL, LY_OP_ASSIGN_TIER, &v));
	x->op = (int)v;
	CK(rd_key(r, "rq"));
	CK(rd_raw(r, "rq", true, REQUEST_MAX, &req, &n));
	if ((x->request = malloc(n ? n : 1)) == NULL)
		CK(rd_oom());
	if (n)
		memcpy(x->request, req, n);
	x->request_len = n;
	CK(rd_key(r, "rt"));
	if (version == LY_IDEM_RESULTS_VERSION) { /* the results form */
		struct ly_purchase_result *pr = &x->result;
		saved = rd_push(r, "rt", 0, false);
		CK(rd_map(r, NULL, RESULT_FIELDS));
		CK(g_i64(r, "p", 0, INT64_MAX, &pr->points));
		CK(g_i64(r, "cr", 0, INT64_MAX, &pr->credited));
		CK(g_i64(r, "cp", 0, INT64_MAX, &pr->capped));
		CK(g_i64(r, "pu", 0, INT64_MAX, &pr->pending_until));
		CK(g_u64(r, "e", 0, UINT64_MAX, &pr->entry_seq));
		CK(g_text_dup(r, "ti", TXT_IDENT, LOYALTY_TIER_NAME_MAX, true, &pr->tier));
		if (pr->tier[0] == '\0') {
			free(pr->tier);
			pr->tier = NULL;
		}
		CK(g_int(r, "bm", 0, 12, &pr->birth_month));
		CK(g_int(r, "bd", 0, 31, &pr->birth_day));
		CK(g_bool(r, "fst", &pr->first_purchase));
		rd_leave(r);
		rd_pop(r, saved);
		x->has_result = true;
	} else if (!rd_nil(r)) {
		saved = rd_push(r, "rt", 0, false);
		CK(get_receipt(r, &x->receipt));
		rd_pop(r, saved);
	}
	if ((x->receipt != NULL || x->has_result) != (x->op == LY_OP_PURCHASE))
		CK(rd_fail(r, off, "receipt", "a receipt is recorded for purchases, and only for them"));
	CK(rd_key(r, "e"));
	if (!rd_nil(r)) {
		saved = rd_push(r, "e", 0, false);
		if ((x->entry = calloc(1, sizeof *x->entry)) == NULL)
			CK(rd_oom());
		CK(get_entry(r, x->entry));
		rd_pop(r, saved);
	}
	CK(g_id(r, "id", true, &x->id));
	CK(rd_field(r, "rfn", &saved));
	CK(rd_map(r, NULL, 5));
	CK(g_i64(r, "cl", INT64_MIN, INT64_MAX, &x->refund.clawed_back));
	CK(g_i64(r, "fp", INT64_MIN, INT64_MAX, &x->refund.from_pending));
	CK(g_i64(r, "da", INT64_MIN, INT64_MAX, &x->refund.debt_added));
	CK(g_i64(r, "rfd", INT64_MIN, INT64_MAX, &x->refund.refunded_total));
	CK(g_u64(r, "e", 0, UINT64_MAX, &x->refund.entry_seq));
	rd_leave(r);
	rd_pop(r, saved);
	rd_leave(r);
	*out = x;
	return LOYALTY_OK;
fail:
	ly_idem_free(x);
	return rc;
}

int ly_decode_idem(ly_dec *d, ly_idem **out)
{
	DEC_BEGIN("idem");
	int rc = get_idem(r, out);
	return DEC_END(rc);
}

/* =============================================================================
 * Definitions
 * ============================================================================= */

void ly_def_tier_clear(ly_tier *t)
{
	free(t->name);
	ly_strset_free(&t->benefits);
	memset(t, 0, sizeof *t);
}

void ly_def_reward_clear(ly_reward *r)
{
	free(r->id);
	free(r->name);
	memset(r, 0, sizeof *r);
}

void ly_def_action_clear(ly_action *a)
{
	free(a->name);
	memset(a, 0, sizeof *a);
}

void ly_def_partner_clear(ly_partner *p)
{
	free(p->name);
	memset(p, 0, sizeof *p);
}

void ly_definition_free(ly_definition *d)
{
	if (d == NULL)
		return;
	ly_strset_free(&d->excluded);
	for (size_t i = 0; i < d->nstrategies; i++) {
		free(d->strategies[i].kind);
		free(d->strategies[i].name);
		free(d->strategies[i].params);
	}
	free(d->strategies);
	for (size_t i = 0; i < d->ntiers; i++)
		ly_def_tier_clear(&d->tiers[i]);
	free(d->tiers);
	for (size_t i = 0; i < d->nrewards; i++)
		ly_def_reward_clear(&d->rewards[i]);
	free(d->rewards);
	for (size_t i = 0; i < d->nactions; i++)
		ly_def_action_clear(&d->actions[i]);
	free(d->actions);
	for (size_t i = 0; i < d->npartners; i++)
		ly_def_partner_clear(&d->partners[i]);
	free(d->partners);
	memset(d, 0, sizeof *d);
}

static void *calloc0(size_t n, size_t size)
{
	return calloc(n ? n : 1, size);
}

int ly_definition_of(const loyalty_program *p, ly_definition *out)
{
	const loyalty_calculator *c = p->calc;
	ly_definition d;
	size_t n;

	memset(&d, 0, sizeof d);
	d.copts = p->copts;
	d.opts = p->opts;
	n = loyalty_calculator_excluded_count(c);
	for (size_t i = 0; i < n; i++)
		if (ly_strset_add(&d.excluded, loyalty_calculator_excluded(c, i)) == LOYALTY_ENOMEM)
			goto oom;
	n = loyalty_calculator_strategy_count(c);
	if ((d.strategies = calloc0(n, sizeof *d.strategies)) == NULL)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		ly_strategy_def *s = &d.strategies[i];
		const loyalty_params *params = loyalty_calculator_strategy_params(c, i);
		d.nstrategies++;
		s->kind = ly_strdup(loyalty_calculator_strategy_kind(c, i));
		s->name = ly_strdup(loyalty_calculator_strategy_name(c, i));
		s->role = loyalty_calculator_strategy_role(c, i);
		s->params = ly_strdup(params ? loyalty_params_text(params) : "");
		if (s->kind == NULL || s->name == NULL || s->params == NULL)
			goto oom;
	}
	if ((d.tiers = calloc0(p->ntiers, sizeof *d.tiers)) == NULL)
		goto oom;
	for (size_t i = 0; i < p->ntiers; i++) {
		d.ntiers++;
		d.tiers[i].threshold = p->tiers[i].threshold;
		if ((d.tiers[i].name = ly_strdup(p->tiers[i].name)) == NULL ||
		    ly_strset_copy(&d.tiers[i].benefits, &p->tiers[i].benefits) != LOYALTY_OK)
			goto oom;
	}
	if ((d.rewards = calloc0(p->nrewards, sizeof *d.rewards)) == NULL)
		goto oom;
	for (size_t i = 0; i < p->nrewards; i++) {
		d.nrewards++;
		d.rewards[i] = p->rewards[i];
		d.rewards[i].id = ly_strdup(p->rewards[i].id);
		d.rewards[i].name = ly_strdup(p->rewards[i].name);
		if (d.rewards[i].id == NULL || d.rewards[i].name == NULL)
			goto oom;
	}
	if ((d.actions = calloc0(p->nactions, sizeof *d.actions)) == NULL)
		goto oom;
	for (size_t i = 0; i < p->nactions; i++) {
		d.nactions++;
		d.actions[i] = p->actions[i];
		if ((d.actions[i].name = ly_strdup(p->actions[i].name)) == NULL)
			goto oom;
	}
	if ((d.partners = calloc0(p->npartners, sizeof *d.partners)) == NULL)
		goto oom;
	for (size_t i = 0; i < p->npartners; i++) {
		d.npartners++;
		d.partners[i] = p->partners[i];
		if ((d.partners[i].name = ly_strdup(p->partners[i].name)) == NULL)
			goto oom;
	}
	*out = d;
	return LOYALTY_OK;
oom:
	ly_definition_free(&d);
	return ly_error(LOYALTY_ENOMEM, "out of memory describing the program");
}

static bool strset_equal(const ly_strset *a, const ly_strset *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (strcmp(a->items[i], b->items[i]) != 0)
			return false;
	return true;
}

static bool copts_equal(const loyalty_calculator_options *a, const loyalty_calculator_options *b)
{
	return a->version == b->version && strcmp(a->currency, b->currency) == 0 && a->rounding == b->rounding &&
	       a->utc_offset_minutes == b->utc_offset_minutes && a->stacking == b->stacking;
}

bool ly_program_options_equal(const loyalty_program_options *a, const loyalty_program_options *b)
{
	return a->version == b->version && a->pending_days == b->pending_days && a->refund_policy == b->refund_policy &&
	       a->cap_per_purchase == b->cap_per_purchase && a->cap_per_period == b->cap_per_period &&
	       a->cap_period == b->cap_period && a->expiry == b->expiry && a->expiry_months == b->expiry_months &&
	       a->expiry_days == b->expiry_days && a->expiry_round_up == b->expiry_round_up &&
	       a->tier_metric == b->tier_metric && a->tier_window == b->tier_window &&
	       a->tier_window_days == b->tier_window_days && a->tier_grace_days == b->tier_grace_days &&
	       a->referrer_bonus == b->referrer_bonus && a->referee_bonus == b->referee_bonus &&
	       a->referral_min_spend == b->referral_min_spend &&
	       a->referral_max_per_referrer == b->referral_max_per_referrer;
}

int ly_definition_equal(const ly_definition *a, const ly_definition *b)
{
	if (!copts_equal(&a->copts, &b->copts) || !ly_program_options_equal(&a->opts, &b->opts) ||
	    !strset_equal(&a->excluded, &b->excluded) || a->nstrategies != b->nstrategies || a->ntiers != b->ntiers ||
	    a->nrewards != b->nrewards || a->nactions != b->nactions || a->npartners != b->npartners)
		return 0;
	for (size_t i = 0; i < a->nstrategies; i++) {
		const ly_strategy_def *x = &a->strategies[i], *y = &b->strategies[i];
		if (strcmp(x->kind, y->kind) || strcmp(x->name, y->name) || x->role != y->role ||
		    strcmp(x->params, y->params))
			return 0;
	}
	for (size_t i = 0; i < a->ntiers; i++)
		if (strcmp(a->tiers[i].name, b->tiers[i].name) || a->tiers[i].threshold != b->tiers[i].threshold ||
		    !strset_equal(&a->tiers[i].benefits, &b->tiers[i].benefits))
			return 0;
	for (size_t i = 0; i < a->nrewards; i++) {
		const ly_reward *x = &a->rewards[i], *y = &b->rewards[i];
		if (strcmp(x->id, y->id) || strcmp(x->name, y->name) || x->cost != y->cost || x->min_tier != y->min_tier ||
		    x->valid_from != y->valid_from || x->valid_until != y->valid_until || x->stock != y->stock)
			return 0;
	}
	for (size_t i = 0; i < a->nactions; i++) {
		const ly_action *x = &a->actions[i], *y = &b->actions[i];
		if (strcmp(x->name, y->name) || x->points != y->points || x->cap_count != y->cap_count ||
		    x->cap_period != y->cap_period)
			return 0;
	}
	for (size_t i = 0; i < a->npartners; i++)
		if (strcmp(a->partners[i].name, b->partners[i].name) || a->partners[i].rate.num != b->partners[i].rate.num ||
		    a->partners[i].rate.den != b->partners[i].rate.den)
			return 0;
	return 1;
}

/* ---- decoding definitions ---------------------------------------------------------------- */

/* A list of distinct identifiers (tiers' benefits, exclusions). */
static int get_strset(rd *r, const char *key, size_t max_len, ly_strset *out)
{
	char buf[LOYALTY_PARAM_KEY_MAX + 1];
	size_t n, saved, off;
	int rc;

	if ((rc = rd_field(r, key, &saved)) != LOYALTY_OK)
		return rc;
	if ((rc = rd_array(r, NULL, MIN_STR, SIZE_MAX, &n)) != LOYALTY_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		rd_pop(r, saved);
		rd_push(r, key, i, true);
		off = r->d->off;
		if ((rc = g_text(r, NULL, TXT_IDENT, max_len, false, buf)) != LOYALTY_OK)
			return rc;
		rc = ly_strset_add(out, buf);
		if (rc == LOYALTY_EDUPLICATE)
			return rd_fail(r, off, NULL, "'%s' listed twice", buf);
		if (rc != LOYALTY_OK)
			return rd_oom();
	}
	rd_pop(r, saved);
	rd_leave(r);
	return LOYALTY_OK;
}

/* The fields of a tier (name, threshold, benefits). */
static int get_tier(rd *r, ly_tier *t)
{
	int rc;

	if ((rc = g_text_dup(r, "n", TXT_IDENT, LOYALTY_TIER_NAME_MAX, false, &t->name)) ||
	    (rc = g_i64(r, "th", 0, INT64_MAX, &t->threshold)) ||
	    (rc = get_strset(r, "bn", LOYALTY_NAME_ID_MAX, &t->benefits)))
		return rc;
	return LOYALTY_OK;
}

/* The fields of an action: as loyalty_program_add_action stores them. */
static int get_action(rd *r, ly_action *a)
{
	size_t off;
	int64_t v;
	int rc;

	if ((rc = g_text_dup(r, "n", TXT_IDENT, LOYALTY_NAME_ID_MAX, false, &a->name)) ||
	    (rc = g_i64(r, "p", 1, INT64_MAX, &a->points)) || (rc = g_int(r, "cc", 0, INT_MAX, &a->cap_count)))
		return rc;
	off = AT_VALUE(r, "cpe");
	if ((rc = g_i64(r, "cpe", LOYALTY_PERIOD_NONE, LOYALTY_PERIOD_EVER, &v)) != LOYALTY_OK)
		return rc;
	a->cap_period = (loyalty_period)v;
	if ((a->cap_count > 0) != (a->cap_period != LOYALTY_PERIOD_NONE))
		return rd_fail(r, off, "cap_period", "a cap needs a period DAY..EVER, and no cap has none");
	return LOYALTY_OK;
}

static int get_partner(rd *r, ly_partner *p)
{
	size_t off;
	int rc;

	if ((rc = g_text_dup(r, "n", TXT_IDENT, LOYALTY_NAME_ID_MAX, false, &p->name)) != LOYALTY_OK)
		return rc;
	off = AT_VALUE(r, "ra");
	if ((rc = g_frac(r, "ra", true, &p->rate)) != LOYALTY_OK)
		return rc;
	if (p->rate.num <= 0)
		return rd_fail(r, off, "rate", "a partner's rate is > 0");
	return LOYALTY_OK;
}

/* The fields of a reward but min_tier (id, name, cost), then valid_from, valid_until, stock. */
static int get_reward_head(rd *r, ly_reward *x)
{
	int rc;

	if ((rc = g_text_dup(r, "id", TXT_IDENT, LOYALTY_NAME_ID_MAX, false, &x->id)) ||
	    (rc = g_text_dup(r, "n", TXT_TEXT, LOYALTY_NAME_MAX, true, &x->name)) ||
	    (rc = g_i64(r, "cs", 1, INT64_MAX, &x->cost)))
		return rc;
	return LOYALTY_OK;
}

static int get_reward_tail(rd *r, ly_reward *x)
{
	size_t off;
	int rc;

	if ((rc = g_i64(r, "vf", INT64_MIN, INT64_MAX, &x->valid_from)) != LOYALTY_OK)
		return rc;
	off = AT_VALUE(r, "vu");
	if ((rc = g_i64(r, "vu", INT64_MIN, INT64_MAX, &x->valid_until)) != LOYALTY_OK)
		return rc;
	if (x->valid_until != 0 && x->valid_until <= x->valid_from)
		return rd_fail(r, off, "valid_until", "not after valid_from");
	return g_i64(r, "s", -1, INT64_MAX, &x->stock);
}

static int get_calc_options(rd *r, loyalty_calculator_options *o)
{
	size_t saved, off;
	int64_t v;
	int rc;

	loyalty_calculator_options_init(o, LOYALTY_CALCULATOR_OPTIONS_VERSION);
	if ((rc = rd_field(r, "cal", &saved)) || (rc = rd_map(r, NULL, CALC_OPTION_FIELDS)))
		return rc;
	off = AT_VALUE(r, "cu");
	if ((rc = g_text(r, "cu", TXT_ANY, 3, false, o->currency)) != LOYALTY_OK)
		return rc;
	if (strlen(o->currency) != 3 || !loyalty_currency_is_valid(o->currency))
		return rd_fail(r, off, "currency", "'%s' is not an ISO 4217 code", o->currency);
	if ((rc = g_i64(r, "ro", LOYALTY_ROUND_FLOOR, LOYALTY_ROUND_CEIL, &v)) != LOYALTY_OK)
		return rc;
	o->rounding = (loyalty_rounding)v;
	if ((rc = g_int(r, "off", LOYALTY_UTC_OFFSET_MIN, LOYALTY_UTC_OFFSET_MAX, &o->utc_offset_minutes)))
		return rc;
	if ((rc = g_i64(r, "stk", LOYALTY_STACK_ADDITIVE, LOYALTY_STACK_COMPOUND, &v)) != LOYALTY_OK)
		return rc;
	o->stacking = (loyalty_stacking)v;
	rd_leave(r);
	rd_pop(r, saved);
	return LOYALTY_OK;
}

/* The program options, with the ranges and combinations loyalty_program_new accepts (program.c). */
static int get_program_options(rd *r, loyalty_program_options *o)
{
	size_t saved, at;
	int64_t v;
	int rc;

	loyalty_program_options_init(o, LOYALTY_PROGRAM_OPTIONS_VERSION);
	if ((rc = rd_field(r, "opt", &saved)) != LOYALTY_OK)
		return rc;
	at = r->d->off;
	if ((rc = rd_map(r, NULL, PROGRAM_OPTION_FIELDS)) || (rc = g_int(r, "pdy", 0, 3660, &o->pending_days)) ||
	    (rc = g_i64(r, "rpo", LOYALTY_REFUND_NEGATIVE_BALANCE, LOYALTY_REFUND_DEBT, &v)))
		return rc;
	o->refund_policy = (loyalty_refund_policy)v;
	if ((rc = g_i64(r, "cpu", 0, INT64_MAX, &o->cap_per_purchase)) ||
	    (rc = g_i64(r, "cpp", 0, INT64_MAX, &o->cap_per_period)) ||
	    (rc = g_i64(r, "cpe", LOYALTY_PERIOD_NONE, LOYALTY_PERIOD_EVER, &v)))
		return rc;
	o->cap_period = (loyalty_period)v;
	if ((rc = g_i64(r, "exp", LOYALTY_EXPIRY_NEVER, LOYALTY_EXPIRY_INACTIVITY, &v)) != LOYALTY_OK)
		return rc;
	o->expiry = (loyalty_expiry_mode)v;
	if ((rc = g_int(r, "exm", 0, 1200, &o->expiry_months)) ||
	    (rc = g_int(r, "exd", 0, 36600, &o->expiry_days)) ||
	    (rc = g_i64(r, "exr", LOYALTY_PERIOD_NONE, LOYALTY_PERIOD_YEAR, &v)))
		return rc;
	o->expiry_round_up = (loyalty_period)v;
	if ((rc = g_i64(r, "tm", LOYALTY_TIER_BY_SPEND, LOYALTY_TIER_BY_POINTS, &v)) != LOYALTY_OK)
		return rc;
	o->tier_metric = (loyalty_tier_metric)v;
	if ((rc = g_i64(r, "tw", LOYALTY_TIER_CALENDAR_YEAR, LOYALTY_TIER_ROLLING_DAYS, &v)) != LOYALTY_OK)
		return rc;
	o->tier_window = (loyalty_tier_window)v;
	if ((rc = g_int(r, "twd", 0, 3660, &o->tier_window_days)) ||
	    (rc = g_int(r, "tgd", 0, 3660, &o->tier_grace_days)) ||
	    (rc = g_i64(r, "rrb", 0, INT64_MAX, &o->referrer_bonus)) ||
	    (rc = g_i64(r, "reb", 0, INT64_MAX, &o->referee_bonus)) ||
	    (rc = g_i64(r, "rms", 0, INT64_MAX, &o->referral_min_spend)) ||
	    (rc = g_int(r, "rmx", 0, INT_MAX, &o->referral_max_per_referrer)))
		return rc;
	rd_leave(r);
	/* the combinations program.c's check_options requires */
	if (o->cap_per_period > 0 && o->cap_period == LOYALTY_PERIOD_NONE)
		return rd_fail(r, at, "cap_period", "a period cap needs a period DAY..EVER");
	if (o->expiry == LOYALTY_EXPIRY_BUCKET && o->expiry_months == 0 && o->expiry_days == 0)
		return rd_fail(r, at, "expiry", "bucket expiry needs expiry_months or expiry_days");
	if (o->expiry == LOYALTY_EXPIRY_INACTIVITY && (o->expiry_days == 0 || o->expiry_months != 0))
		return rd_fail(r, at, "expiry", "inactivity expiry needs expiry_days and no expiry_months");
	if (o->expiry != LOYALTY_EXPIRY_BUCKET && o->expiry_round_up != LOYALTY_PERIOD_NONE)
		return rd_fail(r, at, "expiry_round_up", "only with bucket expiry");
	if (o->tier_window == LOYALTY_TIER_ROLLING_DAYS && o->tier_window_days < 1)
		return rd_fail(r, at, "tier_window_days", "a rolling window needs 1..3660 days");
	rd_pop(r, saved);
	return LOYALTY_OK;
}

static int dummy_strategy(const loyalty_strategy_input *in, loyalty_fraction *out, void *user_data)
{
	(void)in;
	(void)user_data;
	out->num = 0;
	out->den = 1;
	return 0;
}

/* Strategies: rebuilt in a scratch calculator, which checks names, kinds, roles and parameters; the
 * parameters must be the canonical ones the calculator reports back. */
static int get_strategies(rd *r, ly_definition *d)
{
	loyalty_calculator *calc = NULL;
	size_t n, saved, off;
	int64_t v;
	int rc;

	if ((rc = rd_field(r, "str", &saved)) || (rc = rd_array(r, NULL, 1 + K("ki") + MIN_STR + K("n") + MIN_STR + K("rl") + 1 + K("prm") + 1, SIZE_MAX, &n)))
		return rc;
	if ((rc = loyalty_calculator_new(&calc, &d->copts)) != LOYALTY_OK)
		return rc == LOYALTY_ENOMEM ? rc : rd_fail(r, 0, NULL, "calculator options refused");
	if ((d->strategies = calloc0(n, sizeof *d->strategies)) == NULL)
		CK(rd_oom());
	for (size_t i = 0; i < n; i++) {
		ly_strategy_def *s = &d->strategies[i];
		const loyalty_params *canon;
		rd_pop(r, saved);
		rd_push(r, "str", i, true);
		off = r->d->off;
		d->nstrategies++;
		CK(rd_map(r, NULL, 4));
		CK(g_text_dup(r, "ki", TXT_IDENT, LOYALTY_NAME_ID_MAX, false, &s->kind));
		CK(g_text_dup(r, "n", TXT_IDENT, LOYALTY_NAME_ID_MAX, false, &s->name));
		CK(g_i64(r, "rl", LOYALTY_ROLE_BASE, LOYALTY_ROLE_BONUS, &v));
		s->role = (int)v;
		CK(g_text_dup(r, "prm", TXT_ANY, PARAMS_TEXT_MAX, true, &s->params));
		rd_leave(r);
		if (strcmp(s->kind, "custom") == 0) {
			if (s->params[0] != '\0')
				CK(rd_fail(r, off, "params", "a custom strategy has no parameters"));
			rc = loyalty_calculator_add_custom(calc, s->name, (loyalty_strategy_role)s->role, dummy_strategy, NULL,
			                                   NULL);
			if (rc != LOYALTY_OK)
				CK(rd_refused(r, off, NULL, rc));
			continue;
		}
		rc = loyalty_calculator_add(calc, s->kind, s->name, s->params);
		if (rc != LOYALTY_OK)
			CK(rd_refused(r, off, NULL, rc));
		canon = loyalty_calculator_strategy_params(calc, i);
		if (loyalty_calculator_strategy_role(calc, i) != s->role)
			CK(rd_fail(r, off, "role", "%s, but the parameters make a %s strategy",
			           loyalty_strategy_role_name(s->role),
			           loyalty_strategy_role_name(loyalty_calculator_strategy_role(calc, i))));
		if (canon == NULL || strcmp(loyalty_params_text(canon), s->params) != 0)
			CK(rd_fail(r, off, "params", "not in canonical form ('%.100s' is '%.100s')", s->params,
			           canon ? loyalty_params_text(canon) : ""));
	}
	rd_pop(r, saved);
	rd_leave(r);
	rc = LOYALTY_OK;
fail:
	loyalty_calculator_free(calc);
	return rc;
}

static int get_definition(rd *r, ly_definition *d)
{
	size_t n, saved, off;
	int rc;

	CK(rd_head(r, DEFINITION_FIELDS));
	CK(get_calc_options(r, &d->copts));
	CK(get_strset(r, "exc", LOYALTY_PRODUCT_TYPE_MAX, &d->excluded));
	CK(get_strategies(r, d));
	CK(get_program_options(r, &d->opts));
	CK(rd_field(r, "trs", &saved));
	CK(rd_array(r, NULL, 1 + K("n") + MIN_STR + K("th") + 1 + K("bn") + 1, SIZE_MAX, &n));
	if ((d->tiers = calloc0(n, sizeof *d->tiers)) == NULL)
		CK(rd_oom());
	for (size_t i = 0; i < n; i++) {
		ly_tier *t = &d->tiers[i];
		rd_pop(r, saved);
		rd_push(r, "trs", i, true);
		off = r->d->off;
		d->ntiers++;
		CK(rd_map(r, NULL, 3));
		CK(get_tier(r, t));
		rd_leave(r);
		for (size_t j = 0; j < i; j++)
			if (strcmp(d->tiers[j].name, t->name) == 0)
				CK(rd_fail(r, off, "name", "tier '%s' defined twice", t->name));
		if (i > 0 && t->threshold <= d->tiers[i - 1].threshold)
			CK(rd_fail(r, off, "threshold", "thresholds must increase (%lld after %lld)", (long long)t->threshold,
			           (long long)d->tiers[i - 1].threshold));
	}
	rd_pop(r, saved);
	rd_leave(r);
	CK(rd_field(r, "rws", &saved));
	CK(rd_array(r, NULL, 1 + K("id") + MIN_STR + K("n") + 1 + K("cs") + 1 + K("mti") + 1 + K("vf") + 1 + K("vu") + 1 + K("s") + 1, SIZE_MAX, &n));
	if ((d->rewards = calloc0(n, sizeof *d->rewards)) == NULL)
		CK(rd_oom());
	for (size_t i = 0; i < n; i++) {
		ly_reward *x = &d->rewards[i];
		rd_pop(r, saved);
		rd_push(r, "rws", i, true);
		off = r->d->off;
		d->nrewards++;
		CK(rd_map(r, NULL, 7));
		CK(get_reward_head(r, x));
		CK(g_int(r, "mti", -1, (int)(d->ntiers < INT_MAX ? d->ntiers : INT_MAX) - 1, &x->min_tier));
		CK(get_reward_tail(r, x));
		rd_leave(r);
		for (size_t j = 0; j < i; j++)
			if (strcmp(d->rewards[j].id, x->id) == 0)
				CK(rd_fail(r, off, "id", "reward '%s' defined twice", x->id));
	}
	rd_pop(r, saved);
	rd_leave(r);
	CK(rd_field(r, "act", &saved));
	CK(rd_array(r, NULL, 1 + K("n") + MIN_STR + K("p") + 1 + K("cc") + 1 + K("cpe") + 1, SIZE_MAX, &n));
	if ((d->actions = calloc0(n, sizeof *d->actions)) == NULL)
		CK(rd_oom());
	for (size_t i = 0; i < n; i++) {
		rd_pop(r, saved);
		rd_push(r, "act", i, true);
		off = r->d->off;
		d->nactions++;
		CK(rd_map(r, NULL, 4));
		CK(get_action(r, &d->actions[i]));
		rd_leave(r);
		for (size_t j = 0; j < i; j++)
			if (strcmp(d->actions[j].name, d->actions[i].name) == 0)
				CK(rd_fail(r, off, "name", "action '%s' defined twice", d->actions[i].name));
	}
	rd_pop(r, saved);
	rd_leave(r);
	CK(rd_field(r, "prt", &saved));
	CK(rd_array(r, NULL, 1 + K("n") + MIN_STR + K("ra") + MIN_FRAC, SIZE_MAX, &n));
	if ((d->partners = calloc0(n, sizeof *d->partners)) == NULL)
		CK(rd_oom());
	for (size_t i = 0; i < n; i++) {
		rd_pop(r, saved);
		rd_push(r, "prt", i, true);
		off = r->d->off;
		d->npartners++;
		CK(rd_map(r, NULL, 2));
		CK(get_partner(r, &d->partners[i]));
		rd_leave(r);
		for (size_t j = 0; j < i; j++)
			if (strcmp(d->partners[j].name, d->partners[i].name) == 0)
				CK(rd_fail(r, off, "name", "partner '%s' defined twice", d->partners[i].name));
	}
	rd_pop(r, saved);
	rd_leave(r);
	rd_leave(r);
	return LOYALTY_OK;
fail:
	return rc;
}

int ly_decode_definition(ly_dec *d, ly_definition *out)
{
	ly_definition def;
	int rc;
	DEC_BEGIN("definition");

	memset(&def, 0, sizeof def);
	rc = get_definition(r, &def);
	if (rc != LOYALTY_OK) {
		ly_definition_free(&def);
		return DEC_END(rc);
	}
	*out = def;
	return LOYALTY_OK;
}

/* ---- definition records --------------------------------------------------------------------- */

int ly_decode_rec_tier(ly_dec *d, ly_tier *out)
{
	ly_tier t;
	int rc;
	DEC_BEGIN("tier_rec");

	memset(&t, 0, sizeof t);
	if ((rc = rd_head(r, 3)) || (rc = get_tier(r, &t))) {
		ly_def_tier_clear(&t);
		return DEC_END(rc);
	}
	rd_leave(r);
	*out = t;
	return LOYALTY_OK;
}

int ly_decode_rec_reward(ly_dec *d, ly_reward *out, char **min_tier_name)
{
	char *tier = NULL;
	ly_reward x;
	int rc;
	DEC_BEGIN("reward_rec");

	memset(&x, 0, sizeof x);
	x.min_tier = -1;
	if ((rc = rd_head(r, 7)) || (rc = get_reward_head(r, &x)) || (rc = rd_key(r, "mti")))
		goto fail;
	if (!rd_nil(r)) {
		size_t saved = rd_push(r, "mti", 0, false);
		if ((rc = g_text_dup(r, NULL, TXT_IDENT, LOYALTY_TIER_NAME_MAX, false, &tier)) != LOYALTY_OK)
			goto fail;
		rd_pop(r, saved);
	}
	if ((rc = get_reward_tail(r, &x)) != LOYALTY_OK)
		goto fail;
	rd_leave(r);
	*out = x;
	*min_tier_name = tier;
	return LOYALTY_OK;
fail:
	free(tier);
	ly_def_reward_clear(&x);
	return DEC_END(rc);
}

int ly_decode_rec_stock(ly_dec *d, char **reward_id, int64_t *stock)
{
	char *id = NULL;
	int64_t s;
	int rc;
	DEC_BEGIN("stock_rec");

	if ((rc = rd_head(r, 2)) || (rc = g_text_dup(r, "rw", TXT_IDENT, LOYALTY_NAME_ID_MAX, false, &id)) ||
	    (rc = g_i64(r, "s", -1, INT64_MAX, &s))) {
		free(id);
		return DEC_END(rc);
	}
	rd_leave(r);
	*reward_id = id;
	*stock = s;
	return LOYALTY_OK;
}

int ly_decode_rec_action(ly_dec *d, ly_action *out)
{
	ly_action a;
	int rc;
	DEC_BEGIN("action_rec");

	memset(&a, 0, sizeof a);
	if ((rc = rd_head(r, 4)) || (rc = get_action(r, &a))) {
		ly_def_action_clear(&a);
		return DEC_END(rc);
	}
	rd_leave(r);
	*out = a;
	return LOYALTY_OK;
}

int ly_decode_rec_partner(ly_dec *d, ly_partner *out)
{
	ly_partner p;
	int rc;
	DEC_BEGIN("partner_rec");

	memset(&p, 0, sizeof p);
	if ((rc = rd_head(r, 2)) || (rc = get_partner(r, &p))) {
		ly_def_partner_clear(&p);
		return DEC_END(rc);
	}
	rd_leave(r);
	*out = p;
	return LOYALTY_OK;
}

int ly_decode_rec_maintain(ly_dec *d, loyalty_time *now)
{
	int64_t v;
	int rc;
	DEC_BEGIN("maintain_rec");

	if ((rc = rd_head(r, 1)) || (rc = g_i64(r, "now", INT64_MIN, INT64_MAX, &v)))
		return DEC_END(rc);
	rd_leave(r);
	*now = v;
	return LOYALTY_OK;
}

int ly_decode_record(ly_dec *d, int *type, ly_dec *body)
{
	const uint8_t *p;
	size_t n, at;
	int64_t t;
	int rc;
	DEC_BEGIN("record");

	if ((rc = rd_head(r, 2)) != LOYALTY_OK)
		return DEC_END(rc);
	at = AT_VALUE(r, "t");
	if ((rc = g_i64(r, "t", LY_REC_TXN, LY_REC_MAX, &t)) != LOYALTY_OK)
		return DEC_END(rc);
	if (t > LY_REC_BATCH && t < LY_REC_SNAP_DEF)
		return DEC_END(rd_fail(r, at, "t", "unknown record type %lld", (long long)t));
	if ((rc = rd_key(r, "b")) || (rc = rd_raw(r, "b", true, BODY_MAX, &p, &n)))
		return DEC_END(rc);
	rd_leave(r);
	*type = (int)t;
	/* the body keeps the record's offsets: errors in it name offsets from the record's start */
	body->data = d->data;
	body->off = (size_t)(p - d->data);
	body->len = body->off + n;
	body->depth = 0;
	return LOYALTY_OK;
}

/* =============================================================================
 * Transactions
 * ============================================================================= */

static bool account_fits(const loyalty_program *p, const ly_account *a)
{
	return a->tier < (int)p->ntiers && a->paid_tier < (int)p->ntiers;
}

int ly_account_check(const loyalty_program *p, const ly_account *a)
{
	char id[LOYALTY_ID_STRLEN + 1];

	if (account_fits(p, a))
		return LOYALTY_OK;
	loyalty_id_format(&a->c->id, id, sizeof id);
	return ly_error(LOYALTY_ECORRUPT, "corrupt: account %s: tier %d / paid tier %d, but the program has %zu tiers", id,
	                a->tier, a->paid_tier, p->ntiers);
}

/* Indexes of a transaction being decoded, so that a transaction of many accounts and purchases (a
 * batch) decodes in linear time: accounts by id, new accounts' referral codes and external
 * references, purchase keys. Used when the transaction has more than one account or purchase;
 * a single one is compared directly. Keys point into the decoded objects, which outlive it. */
typedef struct txn_idx {
	bool on;
	ly_map ids, codes, refs, keys;
} txn_idx;

static void txn_idx_free(txn_idx *x)
{
	ly_map_free(&x->ids);
	ly_map_free(&x->codes);
	ly_map_free(&x->refs);
	ly_map_free(&x->keys);
}

/* The account with @p id among the first @p n of the transaction (the index holds exactly those
 * while accounts are read, and all of them afterwards). */
static const ly_account *txn_find(const ly_txn *t, const txn_idx *x, size_t n, const loyalty_id *id)
{
	if (x->on) {
		const ly_txn_acct *slot = ly_map_get(&x->ids, id->bytes, 16);
		return slot ? slot->work : NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (memcmp(t->accounts[i].work->c->id.bytes, id->bytes, 16) == 0)
			return t->accounts[i].work;
	return NULL;
}

/* Checks of one decoded account against the program and the transaction so far; indexes it. */
static int txn_check_account(rd *r, ly_txn *t, txn_idx *x, size_t i, size_t off)
{
	loyalty_program *p = t->p;
	ly_store *s = p->store;
	ly_account *a = t->accounts[i].work;
	const ly_account *cur = s->ops->account(s, &a->c->id);

	if (txn_find(t, x, i, &a->c->id) != NULL)
		return rd_fail(r, off, NULL, "the same customer twice");
	if (!account_fits(p, a))
		return rd_fail(r, off, "tier", "tier %d / paid tier %d, but the program has %zu tiers", a->tier, a->paid_tier,
		               p->ntiers);
	t->accounts[i].is_new = cur == NULL;
	if (cur != NULL) {
		/* the store indexes these: they never change */
		if (strcmp(cur->code, a->code) != 0 || strcmp(cur->c->external_ref, a->c->external_ref) != 0)
			return rd_fail(r, off, "code", "the referral code or external reference of an existing customer changed");
		if (x->on)
			ly_map_put(&x->ids, a->c->id.bytes, 16, &t->accounts[i]);
		return LOYALTY_OK;
	}
	if (s->ops->account_by_code(s, a->code) != NULL)
		return rd_fail(r, off, "code", "referral code '%s' is taken", a->code);
	if (a->c->external_ref[0] && s->ops->account_by_ref(s, a->c->external_ref) != NULL)
		return rd_fail(r, off, "customer.ref", "external reference '%s' is taken", a->c->external_ref);
	if (x->on) {
		if (ly_map_get(&x->codes, a->code, strlen(a->code)) != NULL)
			return rd_fail(r, off, "code", "referral code '%s' is taken", a->code);
		if (a->c->external_ref[0] && ly_map_get(&x->refs, a->c->external_ref, strlen(a->c->external_ref)) != NULL)
			return rd_fail(r, off, "customer.ref", "external reference '%s' is taken", a->c->external_ref);
		ly_map_put(&x->ids, a->c->id.bytes, 16, &t->accounts[i]);
		ly_map_put(&x->codes, a->code, strlen(a->code), a);
		if (a->c->external_ref[0])
			ly_map_put(&x->refs, a->c->external_ref, strlen(a->c->external_ref), a);
		return LOYALTY_OK;
	}
	for (size_t j = 0; j < i; j++) {
		const ly_account *b = t->accounts[j].work;
		if (!t->accounts[j].is_new)
			continue;
		if (strcmp(b->code, a->code) == 0)
			return rd_fail(r, off, "code", "referral code '%s' is taken", a->code);
		if (a->c->external_ref[0] && strcmp(b->c->external_ref, a->c->external_ref) == 0)
			return rd_fail(r, off, "customer.ref", "external reference '%s' is taken", a->c->external_ref);
	}
	return LOYALTY_OK;
}

static bool txn_known(const ly_txn *t, const txn_idx *x, const loyalty_id *id)
{
	return txn_find(t, x, t->naccounts, id) != NULL || t->p->store->ops->account(t->p->store, id) != NULL;
}

static int get_txn(rd *r, ly_txn *t, txn_idx *ix)
{
	loyalty_program *p = t->p;
	ly_store *s = p->store;
	uint64_t first = (uint64_t)s->ops->entry_count(s) + 1, next;
	size_t n, saved, off, acc_off;
	int rc;

	if ((rc = rd_head(r, TXN_FIELDS)) != LOYALTY_OK)
		return rc;

	if ((rc = rd_field(r, "ac", &saved)) != LOYALTY_OK)
		return rc;
	acc_off = r->d->off;
	if ((rc = rd_array(r, NULL, MIN_VALUE, SIZE_MAX, &n)) != LOYALTY_OK)
		return rc;
	if (n > 0 && (t->accounts = calloc(n, sizeof *t->accounts)) == NULL)
		return rd_oom();
	t->capaccounts = n;
	if (n > 1) {
		ix->on = true;
		if (ly_map_reserve(&ix->ids, n) != LOYALTY_OK || ly_map_reserve(&ix->codes, n) != LOYALTY_OK ||
		    ly_map_reserve(&ix->refs, n) != LOYALTY_OK)
			return rd_oom();
	}
	for (size_t i = 0; i < n; i++) {
		rd_pop(r, saved);
		rd_push(r, "ac", i, true);
		off = r->d->off;
		if ((rc = get_account(r, &t->accounts[i].work)) != LOYALTY_OK)
			return rc;
		t->naccounts++;
		if ((rc = txn_check_account(r, t, ix, i, off)) != LOYALTY_OK)
			return rc;
	}
	/* a referrer is a customer: committed, or new in this transaction (at any position) */
	for (size_t i = 0; i < t->naccounts; i++) {
		const ly_account *a = t->accounts[i].work;
		if (a->has_referrer && !txn_known(t, ix, &a->referrer)) {
			rd_pop(r, saved);
			rd_push(r, "ac", i, true);
			return rd_fail(r, acc_off, "referrer", "not a customer");
		}
	}
	rd_pop(r, saved);
	rd_leave(r);

	if ((rc = rd_field(r, "en", &saved)) || (rc = rd_array(r, NULL, MIN_VALUE, SIZE_MAX, &n)))
		return rc;
	if (n > 0 && (t->entries = calloc(n, sizeof *t->entries)) == NULL)
		return rd_oom();
	t->capentries = n;
	for (size_t i = 0; i < n; i++) {
		loyalty_entry *x = &t->entries[i];
		rd_pop(r, saved);
		rd_push(r, "en", i, true);
		off = r->d->off;
		if ((rc = get_entry(r, x)) != LOYALTY_OK)
			return rc;
		t->nentries++;
		if (x->seq != first + i)
			return rd_fail(r, off, "seq", "%llu, but the ledger's next entry is %llu", (unsigned long long)x->seq,
			               (unsigned long long)(first + i));
		if (txn_find(t, ix, t->naccounts, &x->customer_id) == NULL)
			return rd_fail(r, off, "customer", "not one of the transaction's accounts");
	}
	rd_pop(r, saved);
	rd_leave(r);

	if ((rc = rd_field(r, "pur", &saved)) || (rc = rd_array(r, NULL, MIN_VALUE, SIZE_MAX, &n)))
		return rc;
	if (n > 0 && (t->purchases = calloc(n, sizeof *t->purchases)) == NULL)
		return rd_oom();
	t->cappurchases = n;
	if (n > 1 && ly_map_reserve(&ix->keys, n) != LOYALTY_OK)
		return rd_oom();
	for (size_t i = 0; i < n; i++) {
		ly_purchase_rec *x;
		rd_pop(r, saved);
		rd_push(r, "pur", i, true);
		off = r->d->off;
		if ((rc = get_purchase_rec(r, &t->purchases[i])) != LOYALTY_OK)
			return rc;
		x = t->purchases[t->npurchases++];
		if (n > 1 && ly_map_put(&ix->keys, x->key, strlen(x->key), x) != NULL)
			return rd_fail(r, off, "key", "purchase '%s' twice", x->key);
		if (!txn_known(t, ix, &x->customer))
			return rd_fail(r, off, "customer", "not a customer");
	}
	rd_pop(r, saved);
	rd_leave(r);

	if ((rc = rd_field(r, "red", &saved)) || (rc = rd_array(r, NULL, MIN_VALUE, SIZE_MAX, &n)))
		return rc;
	if (n > 0 && (t->redemptions = calloc(n, sizeof *t->redemptions)) == NULL)
		return rd_oom();
	t->capredemptions = n;
	for (size_t i = 0; i < n; i++) {
		ly_redemption_rec *x;
		rd_pop(r, saved);
		rd_push(r, "red", i, true);
		off = r->d->off;
		if ((rc = get_redemption_rec(r, &t->redemptions[i])) != LOYALTY_OK)
			return rc;
		x = t->redemptions[t->nredemptions++];
		for (size_t j = 0; j < i; j++)
			if (memcmp(t->redemptions[j]->r.id.bytes, x->r.id.bytes, 16) == 0)
				return rd_fail(r, off, "id", "the same redemption twice");
		if (!txn_known(t, ix, &x->r.customer_id))
			return rd_fail(r, off, "customer", "not a customer");
	}
	rd_pop(r, saved);
	rd_leave(r);

	if ((rc = rd_field(r, "s", &saved)) || (rc = rd_array(r, NULL, 1 + K("rw") + 1 + K("s") + 1, SIZE_MAX, &n)))
		return rc;
	if (n > 0 && (t->stock = calloc(n, sizeof *t->stock)) == NULL)
		return rd_oom();
	t->capstock = n;
	for (size_t i = 0; i < n; i++) {
		ly_stock_change *x = &t->stock[i];
		uint64_t idx;
		rd_pop(r, saved);
		rd_push(r, "s", i, true);
		off = r->d->off;
		if ((rc = rd_map(r, NULL, 2)) != LOYALTY_OK)
			return rc;
		if ((rc = g_u64(r, "rw", 0, p->nrewards ? (uint64_t)p->nrewards - 1 : 0, &idx)) != LOYALTY_OK)
			return rc;
		if (p->nrewards == 0)
			return rd_fail(r, off, "reward", "the program has no rewards");
		x->reward = (size_t)idx;
		if ((rc = g_i64(r, "s", -1, INT64_MAX, &x->stock)) != LOYALTY_OK)
			return rc;
		rd_leave(r);
		t->nstock++;
		for (size_t j = 0; j < i; j++)
			if (t->stock[j].reward == x->reward)
				return rd_fail(r, off, "reward", "reward %zu twice", x->reward);
	}
	rd_pop(r, saved);
	rd_leave(r);

	if ((rc = rd_key(r, "idm")) != LOYALTY_OK)
		return rc;
	off = r->d->off;
	if (!rd_nil(r)) {
		saved = rd_push(r, "idm", 0, false);
		if ((rc = get_idem(r, &t->idem)) != LOYALTY_OK)
			return rc;
		if (s->ops->idem(s, t->idem->key) != NULL)
			return rd_fail(r, off, "key", "key '%s' was already recorded", t->idem->key);
		rd_pop(r, saved);
	}
	off = AT_VALUE(r, "ns");
	if ((rc = g_u64(r, "ns", 1, UINT64_MAX, &next)) != LOYALTY_OK)
		return rc;
	if (next != first + t->nentries)
		return rd_fail(r, off, "next_seq", "%llu, but the entries end before %llu", (unsigned long long)next,
		               (unsigned long long)(first + t->nentries));
	t->next_seq = next;
	rd_leave(r);
	return LOYALTY_OK; /* each customer's entry list is the store's (applied at commit) */
}

int ly_decode_txn(ly_dec *d, ly_txn *t)
{
	loyalty_program *p = t->p;
	int rc;
	DEC_BEGIN("txn");

	if (t->naccounts || t->nentries || t->npurchases || t->nredemptions || t->nstock || t->idem)
		return ly_error(LOYALTY_EINVAL, "ly_decode_txn: the transaction is not empty");
	{
		txn_idx ix;
		memset(&ix, 0, sizeof ix);
		rc = get_txn(r, t, &ix);
		txn_idx_free(&ix);
	}
	if (rc != LOYALTY_OK) {
		ly_txn_release(t);
		ly_txn_init(t, p);
		return DEC_END(rc);
	}
	return LOYALTY_OK;
}
