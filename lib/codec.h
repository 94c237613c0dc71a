/*
 * libloyalty - the codec: canonical msgpack encoding of every persistent
 * value, and a strict, bounded decoder. Private.
 *
 * Encoding (our own writer, which writes byte for byte what msgpack-c's
 * packer writes, and is tested against it; msgpack-c's per-token write
 * callback was most of the cost of encoding a journal record): every value is
 * a msgpack map whose first key is "v" (the schema version, LY_CODEC_VERSION),
 * then its fields in a fixed order with short string keys. The same value
 * always gives the same bytes (canonical): fixed key order, integers in their
 * smallest msgpack form (what msgpack_pack_int64 does), strings as str, ids as
 * bin 16, no floats.
 *
 * Decoding (our own reader, not msgpack-c's unpacker, which allocates before
 * it can check counts): accepts exactly what the encoder writes: the expected
 * keys in the expected order, the expected types, integers in range, string
 * lengths within the field's limit, counts no larger than the bytes left,
 * nesting depth bounded. Anything else fails with LOYALTY_ECORRUPT and a
 * message naming the field and the byte offset ("corrupt at offset 123:
 * entry.kind: expected an integer 0..15"), before anything is allocated for it.
 * Decoders never crash on untrusted bytes (fuzzed: tests/fuzz/).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LY_CODEC_H
#define LY_CODEC_H

#include "program_internal.h"

#define LY_CODEC_VERSION 1
/* An idempotency record of a purchase recorded without a receipt (its results instead; lib/codec.c) */
#define LY_IDEM_RESULTS_VERSION 2

/* ---- the encoder ---------------------------------------------------------- */

typedef struct ly_enc {
	uint8_t *data;
	size_t len, cap;
	bool failed;           /* an allocation failed: the bytes are unusable */
} ly_enc;

void ly_enc_init(ly_enc *e);
void ly_enc_free(ly_enc *e);
/* Take the bytes (the caller frees them); the encoder is reset. */
uint8_t *ly_enc_take(ly_enc *e, size_t *len);

/* Every field has a short key on the wire (1..3 bytes, "j" for a customer's joined_at) and a name in
 * messages ("joined"); lib/codec.c lists them. The key of the field named @p name (@p name itself when
 * the field has no other key), for tests and tools that look at encoded bytes. */
const char *ly_codec_key(const char *name);

/* ---- the decoder ------------------------------------------------------------- */

typedef struct ly_dec {
	const uint8_t *data;
	size_t len, off;
	int depth;
} ly_dec;

void ly_dec_init(ly_dec *d, const void *data, size_t len);
/* LOYALTY_OK when every byte was read (d->off == d->len), else LOYALTY_ECORRUPT ("trailing bytes"):
 * the decoders read one value and leave d->off after it. */
int ly_dec_finish(const ly_dec *d);

/* ---- values -------------------------------------------------------------------
 * Each encode appends one value (LOYALTY_OK, or LOYALTY_ENOMEM when e->failed).
 * Each decode reads one value at d->off into a new object the caller owns
 * (LOYALTY_OK, LOYALTY_ECORRUPT with the offset, LOYALTY_ENOMEM). */

int ly_encode_customer(ly_enc *e, const loyalty_customer *c);
int ly_decode_customer(ly_dec *d, loyalty_customer **out);

int ly_encode_purchase(ly_enc *e, const loyalty_purchase *p);
int ly_decode_purchase(ly_dec *d, loyalty_purchase **out);

int ly_encode_receipt(ly_enc *e, const loyalty_receipt *r);
int ly_decode_receipt(ly_dec *d, loyalty_receipt **out);

int ly_encode_entry(ly_enc *e, const loyalty_entry *x);
int ly_decode_entry(ly_dec *d, loyalty_entry *out);

/* An account without its entry list (rebuilt from the ledger on load). */
int ly_encode_account(ly_enc *e, const ly_account *a);
int ly_decode_account(ly_dec *d, ly_account **out);
/* What a decoded account must satisfy to join @p p (ly_decode_account cannot know the program): its
 * tier and paid tier index the program's tiers. ly_decode_txn checks it (and more: see codec.c); a
 * snapshot loader should too. LOYALTY_OK or LOYALTY_ECORRUPT with a message. */
int ly_account_check(const loyalty_program *p, const ly_account *a);

int ly_encode_purchase_rec(ly_enc *e, const ly_purchase_rec *r);
int ly_decode_purchase_rec(ly_dec *d, ly_purchase_rec **out);

int ly_encode_redemption_rec(ly_enc *e, const ly_redemption_rec *r);
int ly_decode_redemption_rec(ly_dec *d, ly_redemption_rec **out);

int ly_encode_idem(ly_enc *e, const ly_idem *r);
int ly_decode_idem(ly_dec *d, ly_idem **out);

/* ---- the program definition ------------------------------------------------------
 * The calculator (options, exclusions, and each strategy's kind, name and
 * canonical parameters; a custom strategy is stored by name and role only),
 * the program options, tiers, rewards (with stock), actions and partners. */

typedef struct ly_strategy_def {
	char *kind;     /* "custom" for custom strategies */
	char *name;
	int role;
	char *params;   /* canonical parameter text; "" for custom */
} ly_strategy_def;

typedef struct ly_definition {
	loyalty_calculator_options copts;
	ly_strset excluded;
	ly_strategy_def *strategies;
	size_t nstrategies;
	loyalty_program_options opts;
	ly_tier *tiers;
	size_t ntiers;
	ly_reward *rewards;
	size_t nrewards;
	ly_action *actions;
	size_t nactions;
	ly_partner *partners;
	size_t npartners;
} ly_definition;

void ly_definition_free(ly_definition *d);
/* Every field of two program option structs equal (a reopened directory must match). */
bool ly_program_options_equal(const loyalty_program_options *a, const loyalty_program_options *b);
/* Non-zero when the two describe the same program (every field; stock included). */
int ly_definition_equal(const ly_definition *a, const ly_definition *b);
/* Describe a live program (under its lock). */
int ly_definition_of(const loyalty_program *p, ly_definition *out);
int ly_encode_definition(ly_enc *e, const ly_definition *d);
int ly_decode_definition(ly_dec *d, ly_definition *out);

/* ---- journal records -----------------------------------------------------------
 * One committed transaction, or one change of definitions, as the journal
 * stores it. Replaying records in order rebuilds the state exactly. */

enum {
	LY_REC_TXN = 1,          /* a committed transaction */
	LY_REC_TIER = 2,         /* loyalty_program_add_tier */
	LY_REC_REWARD = 3,       /* loyalty_program_add_reward */
	LY_REC_STOCK = 4,        /* loyalty_program_set_reward_stock */
	LY_REC_ACTION = 5,       /* loyalty_program_add_action */
	LY_REC_PARTNER = 6,      /* loyalty_program_add_partner */
	LY_REC_MAINTAIN = 7,     /* a sweep's `now` (last_maintain) */
	LY_REC_BATCH = 8,        /* a batch of purchases: array of bin, each a txn (lib/txn.c) */
	/* snapshot files (lib/journal.c): the definition, then one record per value */
	LY_REC_SNAP_DEF = 16, LY_REC_SNAP_ACCOUNT, LY_REC_SNAP_ENTRY, LY_REC_SNAP_PURCHASE, LY_REC_SNAP_REDEMPTION,
	LY_REC_SNAP_IDEM, LY_REC_SNAP_META, LY_REC_SNAP_END,
	LY_REC_MAX = LY_REC_SNAP_END
};

/* A transaction's changes: accounts (full, after), entries, records, stock, idempotency. */
int ly_encode_txn(ly_enc *e, const ly_txn *t);
/* Decode a transaction record into @p t (initialised with ly_txn_init for the program it
 * will be committed to); the caller commits it with the store. */
int ly_decode_txn(ly_dec *d, ly_txn *t);

/* Definition records: the tier/reward/action/partner as defined, or (reward id, stock), or now. */
int ly_encode_rec_tier(ly_enc *e, const ly_tier *t);
int ly_decode_rec_tier(ly_dec *d, ly_tier *out);
int ly_encode_rec_reward(ly_enc *e, const ly_reward *r, const char *min_tier_name);
int ly_decode_rec_reward(ly_dec *d, ly_reward *out, char **min_tier_name);
int ly_encode_rec_stock(ly_enc *e, const char *reward_id, int64_t stock);
int ly_decode_rec_stock(ly_dec *d, char **reward_id, int64_t *stock);
int ly_encode_rec_action(ly_enc *e, const ly_action *a);
int ly_decode_rec_action(ly_dec *d, ly_action *out);
int ly_encode_rec_partner(ly_enc *e, const ly_partner *p);
int ly_decode_rec_partner(ly_dec *d, ly_partner *out);
int ly_encode_rec_maintain(ly_enc *e, loyalty_time now);
int ly_decode_rec_maintain(ly_dec *d, loyalty_time *now);
/* Free what a decoded tier/reward/action/partner owns (and zero it). A decoded reward's min_tier is
 * -1: the caller resolves *min_tier_name (NULL = any tier; free it) against its tiers. */
void ly_def_tier_clear(ly_tier *t);
void ly_def_reward_clear(ly_reward *r);
void ly_def_action_clear(ly_action *a);
void ly_def_partner_clear(ly_partner *p);

/* A record: {"v", "t": type, "b": body}. */
int ly_encode_record(ly_enc *e, int type, const uint8_t *body, size_t len);
/* The bytes of a record before its body (at most LY_RECORD_HEAD_MAX), written to @p buf: a frame
 * can be built as head + body without copying the body into a record first. The body must be at
 * most 4 GiB - 1 bytes; @p type is one of LY_REC_*. Returns the head's length. */
#define LY_RECORD_HEAD_MAX 14
size_t ly_record_head(uint8_t *buf, int type, size_t len);
int ly_decode_record(ly_dec *d, int *type, ly_dec *body);

/* ---- framing and checksums -------------------------------------------------------- */

/* CRC-32C (Castagnoli), as in iSCSI/ext4: ly_crc32c(0, "123456789", 9) == 0xe3069283. */
uint32_t ly_crc32c(uint32_t crc, const void *data, size_t len);
/* The same with the tables only (ly_crc32c uses the processor's crc32 instruction where it has one). */
uint32_t ly_crc32c_portable(uint32_t crc, const void *data, size_t len);

#endif
