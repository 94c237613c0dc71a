/*
 * libloyalty - the program's private model: accounts, buckets, records,
 * transactions, and the store seam.
 *
 * The rules (program*.c) are written once against ly_store and ly_txn:
 * they read current objects from the store, modify *working copies* held by
 * the transaction, and the store commits all of a transaction's copies,
 * entries and records at once, or none of them. The in-memory store
 * (store_memory.c) is the first backend; the journal and PostgreSQL plug in
 * behind the same interface.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LY_PROGRAM_INTERNAL_H
#define LY_PROGRAM_INTERNAL_H

#include <pthread.h>

#include "customer_internal.h"
#include "map.h"
#include "purchase_internal.h"
#include "receipt_internal.h"
#include "loyalty/program.h"

#define LY_NEVER INT64_MAX

/* ---- accounts ------------------------------------------------------------- */

/* Points with one expiry: available (matures_at == 0) or pending. */
typedef struct ly_bucket {
	uint64_t id;             /* seq of the entry that created it */
	loyalty_points amount;   /* remaining */
	loyalty_time earned_at;  /* when it became available (pending: when earned) */
	loyalty_time expires_at; /* LY_NEVER when it does not expire; pending: not yet set */
	loyalty_time matures_at; /* pending buckets: when they become available; 0 = available */
} ly_bucket;

/* An amount at a time, for sliding sums (tier metric, caps). */
typedef struct ly_stamp {
	loyalty_time at;
	int64_t amount;
} ly_stamp;

/* A per-period counter: engagement actions and the earning cap. */
typedef struct ly_counter {
	char name[LOYALTY_NAME_ID_MAX + 1]; /* action name, or "" for the earning cap */
	int64_t period;                      /* period index (see ly_period_index) */
	int64_t value;
} ly_counter;

typedef struct ly_account {
	loyalty_customer *c;                 /* profile, tier name, balances, lifetime figures */
	char code[LOYALTY_REFERRAL_CODE_LEN + 1];
	bool has_referrer;
	loyalty_id referrer;
	bool purchased;                      /* has recorded a purchase */
	bool referral_paid;                  /* the referral bonuses of this referee were paid */
	int referrals_paid;                  /* as a referrer */
	loyalty_points debt;
	/* buckets, available and pending */
	ly_bucket *buckets;
	size_t nbuckets, capbuckets;
	/* tier state */
	int tier;                            /* index into the program's tiers, -1 = none */
	int paid_tier;                       /* -1 = none */
	loyalty_time paid_until;
	loyalty_time below_since;            /* rolling window: when the metric first fell short; 0 = not */
	int64_t evaluated_year;              /* calendar window: the last year-end evaluated */
	ly_stamp *metric;                    /* tier metric events */
	size_t nmetric, capmetric;
	ly_counter *counters;
	size_t ncounters, capcounters;
	loyalty_time last_activity;
	/* this customer's entries, oldest first: kept by the store and changed only when it
	 * commits (a working copy shares the committed index, never copies it); NULL until the
	 * account is committed */
	const struct ly_eindex *ix;
	/* copy on write: a working copy shares the bucket and metric arrays of the account it was
	 * cloned from (the owner is the committed account or a batch's copy, which do not change
	 * while it lives); it appends past its own count in place while the shared array has room,
	 * and copies the array before any other write (ly_acct_own) */
	bool shared_buckets, shared_metric;
	/* likewise, a working copy's customer is a copy of the struct (balances, tier) whose strings
	 * and tags are shared until ly_acct_own_profile (before the tier name changes) */
	bool shared_profile;
} ly_account;

/* A customer's entries: positions (seq - 1) in the ledger, oldest first. */
typedef struct ly_eindex {
	uint32_t *pos;
	uint32_t n, cap;
} ly_eindex;

ly_account *ly_account_new(const loyalty_customer *profile);
ly_account *ly_account_clone(const ly_account *a);
void ly_account_free(ly_account *a);
/* Make @p a own its bucket and metric arrays before writing them in place. LOYALTY_ENOMEM. */
int ly_acct_own(ly_account *a);
int ly_acct_own_profile(ly_account *a);
/* @p old is replaced by @p now (a copy of it, or of a copy): arrays @p now shares with @p old
 * become @p now's, so freeing @p old leaves them. */
void ly_acct_hand_over(ly_account *old, ly_account *now);

/* ---- records ------------------------------------------------------------------- */

/* What an idempotency key did: the request's canonical bytes and the result. */
typedef struct ly_idem {
	char *key;
	int op;                   /* LY_OP_* */
	uint8_t *request;         /* canonical request bytes */
	size_t request_len;
	/* results */
	loyalty_receipt *receipt; /* purchases */
	loyalty_entry *entry;     /* single-entry operations (owned); NULL when the operation has none */
	loyalty_id id;            /* enrol: customer; redeem/cancel: redemption */
	loyalty_refund_result refund;
} ly_idem;

enum {
	LY_OP_ENROLL = 1, LY_OP_PURCHASE, LY_OP_REFUND, LY_OP_REDEEM, LY_OP_CANCEL, LY_OP_DONATE, LY_OP_TRANSFER,
	LY_OP_ADJUST, LY_OP_ACTION, LY_OP_PARTNER, LY_OP_REFERRER, LY_OP_ASSIGN_TIER
};

void ly_idem_free(ly_idem *r);
/* The entry of a single-entry operation: keep a copy (LOYALTY_ENOMEM), or read it (zeros when none). */
int ly_idem_set_entry(ly_idem *r, const loyalty_entry *e);
void ly_idem_entry(const ly_idem *r, loyalty_entry *out);

/* A recorded purchase, for refunds. */
typedef struct ly_purchase_rec {
	char *key;
	loyalty_id customer;
	loyalty_time at;
	int64_t total;             /* purchase total, minor units */
	int64_t eligible;          /* eligible spend */
	loyalty_points credited;   /* points credited (after caps) */
	loyalty_points metric;     /* what it added to the tier metric */
	uint64_t earn_seq;         /* the EARN entry; its bucket has this id */
	int64_t refunded;          /* minor units refunded so far */
	loyalty_points clawed;     /* points clawed back so far */
} ly_purchase_rec;

void ly_purchase_rec_free(ly_purchase_rec *r);
ly_purchase_rec *ly_purchase_rec_clone(const ly_purchase_rec *r);

/* Where a redemption drew its points from. */
typedef struct ly_draw {
	uint64_t bucket;
	loyalty_points amount;
	loyalty_time earned_at, expires_at;
} ly_draw;

typedef struct ly_redemption_rec {
	loyalty_redemption r;
	ly_draw *draws;
	size_t ndraws;
} ly_redemption_rec;

void ly_redemption_rec_free(ly_redemption_rec *r);
ly_redemption_rec *ly_redemption_rec_clone(const ly_redemption_rec *r);

/* ---- definitions ------------------------------------------------------------ */

typedef struct ly_tier {
	char *name;
	int64_t threshold;
	ly_strset benefits;
} ly_tier;

typedef struct ly_reward {
	char *id;
	char *name;
	loyalty_points cost;
	int min_tier;              /* -1 = any */
	loyalty_time valid_from, valid_until;
	int64_t stock;             /* -1 = unlimited */
} ly_reward;

typedef struct ly_action {
	char *name;
	loyalty_points points;
	int cap_count;
	loyalty_period cap_period;
} ly_action;

typedef struct ly_partner {
	char *name;
	ly_frac rate;
} ly_partner;

/* ---- the store seam ----------------------------------------------------------- */

typedef struct ly_txn ly_txn;
typedef struct ly_store ly_store;

typedef struct ly_store_ops {
	void (*destroy)(ly_store *s);
	/* reads of committed state (the program holds its lock) */
	const ly_account *(*account)(ly_store *s, const loyalty_id *id);
	const ly_account *(*account_by_ref)(ly_store *s, const char *external_ref);
	const ly_account *(*account_by_code)(ly_store *s, const char *code);
	size_t (*account_count)(ly_store *s);
	const ly_account *(*account_at)(ly_store *s, size_t i); /* enumeration, for sweeps */
	const ly_purchase_rec *(*purchase)(ly_store *s, const char *key);
	const ly_redemption_rec *(*redemption)(ly_store *s, const loyalty_id *id);
	const ly_idem *(*idem)(ly_store *s, const char *key);
	size_t (*entry_count)(ly_store *s);
	/* Entry @p seq (1-based), materialised into a buffer of the store: the pointer stays valid
	 * until the fourth next call of entry() on that store (NULL when out of range). */
	const loyalty_entry *(*entry)(ly_store *s, uint64_t seq);
	/* make a transaction's changes visible, all or nothing, in two steps: prepare makes
	 * every allocation (and may fail, changing nothing); apply cannot fail. Between the two
	 * the journal writes the record; abort undoes a prepare. */
	int (*prepare)(ly_store *s, ly_txn *t);
	void (*apply)(ly_store *s, ly_txn *t);
	void (*abort)(ly_store *s, ly_txn *t);
	/* snapshots: the records of a kind, in canonical order (malloc'd array of borrowed
	 * pointers, the caller frees the array); restoring idempotency records one by one */
	int (*list)(ly_store *s, int what, const void ***items, size_t *n);
	int (*restore_idem)(ly_store *s, ly_idem *r); /* steals r, also on failure */
} ly_store_ops;

enum { LY_LIST_PURCHASES = 1, LY_LIST_REDEMPTIONS = 2, LY_LIST_IDEM = 3 };

struct ly_store {
	const ly_store_ops *ops;
};

int ly_store_memory_new(ly_store **out);

/* ---- transactions ---------------------------------------------------------------- */

typedef struct ly_txn_account {
	ly_account *work;          /* the working copy, owned by the transaction */
	bool is_new;
} ly_txn_acct;

typedef struct ly_stock_change {
	size_t reward;
	int64_t stock;
} ly_stock_change;

struct ly_txn {
	loyalty_program *p;
	ly_txn_acct *accounts;
	size_t naccounts, capaccounts;
	loyalty_entry *entries;
	size_t nentries, capentries;
	ly_purchase_rec **purchases;   /* new or replaced records (owned) */
	size_t npurchases, cappurchases;
	ly_redemption_rec **redemptions;
	size_t nredemptions, capredemptions;
	ly_stock_change *stock;
	size_t nstock, capstock;
	ly_idem *idem;                 /* the operation's idempotency record (owned) */
	ly_idem **idems;               /* a batch: the idempotency records of its purchases (owned) */
	size_t nidems, capidems;
	uint64_t next_seq;
	bool bulk;                     /* loading a snapshot: records are known to be distinct */
	ly_txn *parent;                /* a purchase inside a batch: reads the batch's working copies */
	ly_map *amap, *kmap;           /* a batch: its accounts by id (index + 1), its idempotency keys */
};

/* ---- the program ------------------------------------------------------------------ */

struct loyalty_program {
	pthread_mutex_t lock;
	loyalty_calculator *calc;
	loyalty_calculator_options copts;
	loyalty_program_options opts;
	ly_tier *tiers;
	size_t ntiers;
	ly_reward *rewards;
	size_t nrewards, caprewards;
	ly_action *actions;
	size_t nactions;
	ly_partner *partners;
	size_t npartners;
	bool sealed;                   /* customers exist: definitions are fixed */
	loyalty_time last_maintain;
	ly_store *store;
	struct ly_journal *journal;    /* NULL for an in-memory program */
	uint8_t id_seed[16];           /* entry ids derive from it and their seq (ly_entry_id) */
	bool replaying;                /* applying journal records: do not journal them again */
};

/* journal.c: the write-ahead journal of a durable program */
typedef struct ly_journal ly_journal;
/* Append one record (under the program lock); the calling thread then waits for it in ly_durable(). */
int ly_journal_append(loyalty_program *p, int type, const uint8_t *body, size_t len);
/* After the program lock is released: wait until this thread's last record is durable. */
int ly_durable(const loyalty_program *p, int rc);
void ly_journal_close(ly_journal *j);
int ly_journal_compact(loyalty_program *p);
bool ly_journal_wants_compaction(const loyalty_program *p);
/* Journal a definition change (encoded by @p enc) if the program is durable. */
int ly_journal_define(loyalty_program *p, int type, int (*enc)(void *e, const void *arg), const void *arg);

/* types.c: entry ids. A version 4 UUID derived from a 128-bit seed and the entry's seq (a
 * bijective mix of seq, XORed with the seed): distinct for distinct seqs under one seed, the same
 * on every replay, no system call. ly_id_seed_of recovers the seed from an id derived from it. */
void ly_id_random_seed(uint8_t seed[16]);
void ly_entry_id(const uint8_t seed[16], uint64_t seq, loyalty_id *out);
void ly_id_seed_of(const loyalty_id *id, uint64_t seq, uint8_t seed[16]);

/* A growable byte buffer for canonical requests. */
typedef struct ly_bytes {
	uint8_t *data;
	size_t len, cap;
	bool failed;
	bool borrowed;   /* data is the caller's buffer (of cap bytes): copied out when it grows */
} ly_bytes;
void ly_bytes_i64(ly_bytes *b, int64_t v);
void ly_bytes_str(ly_bytes *b, const char *s);
void ly_bytes_raw(ly_bytes *b, const void *p, size_t n);
void ly_bytes_free(ly_bytes *b);
bool ly_bytes_reserve(ly_bytes *b, size_t n); /* room for n more bytes; false (and failed) when out of memory */

/* txn.c */
void ly_txn_init(ly_txn *t, loyalty_program *p);
void ly_txn_release(ly_txn *t);
/* A working copy of the account for update (cloned on first use in the transaction). */
int ly_txn_account(ly_txn *t, const loyalty_id *id, ly_account **out);
int ly_txn_add_account(ly_txn *t, ly_account *a); /* steals a */
/* The account as the transaction sees it (working copy if any, else committed); NULL if unknown. */
const ly_account *ly_txn_peek(ly_txn *t, const loyalty_id *id);
/* Append an entry for @p a (a working copy): fills seq, id, balances after, and the account's entry list. */
int ly_txn_entry(ly_txn *t, ly_account *a, loyalty_entry_kind kind, loyalty_points points, loyalty_points pending,
                 loyalty_points debt, loyalty_time at, const char *key, const char *ref, const char *memo,
                 loyalty_entry *out);
int ly_txn_put_purchase(ly_txn *t, ly_purchase_rec *r);       /* steals */
int ly_txn_put_redemption(ly_txn *t, ly_redemption_rec *r);   /* steals */
int ly_txn_set_stock(ly_txn *t, size_t reward, int64_t stock);
int64_t ly_txn_stock(ly_txn *t, size_t reward);
int ly_txn_commit(ly_txn *t);
/* A purchase of a batch: @p sub was initialised with ly_txn_init_sub(sub, parent) and succeeded;
 * move its working copies, entries and records into @p parent (cannot fail after the caller
 * reserved room with ly_txn_reserve_merge). */
int ly_txn_make_batch(ly_txn *t); /* after ly_txn_init: t will collect sub-transactions */
void ly_txn_init_sub(ly_txn *sub, ly_txn *parent);
int ly_txn_merge(ly_txn *parent, ly_txn *sub);
/* Commit a batch: one journal record (type LY_REC_BATCH) holding @p body, the encodings of its
 * purchases' transactions in order (ly_batch_body_*), or none for an in-memory program. */
int ly_txn_commit_batch(ly_txn *t, const uint8_t *body, size_t len);
/* The body of a batch record: array32 of bin32 (msgpack), filled as the batch goes. */
int ly_batch_body_init(ly_bytes *b);
int ly_batch_body_add(ly_bytes *b, const uint8_t *txn, size_t len);
void ly_batch_body_undo(ly_bytes *b, size_t len0); /* drop what the last add appended after len0 */
/* journal.c calls this to replay a LY_REC_BATCH record (body: msgpack array of bin, each an
 * encoded transaction, committed in order). */
int ly_replay_batch(loyalty_program *p, const uint8_t *data, size_t off, size_t end);

/* Idempotency: begin an operation under the program lock. Returns
 * LOYALTY_OK with *replay set when the key was seen with the same request
 * (the caller returns the recorded result), LOYALTY_ECONFLICT when seen with
 * another, LOYALTY_OK with *replay NULL for a new key (t->idem prepared). */
int ly_idem_begin(ly_txn *t, const char *fn, const char *key, int op, const uint8_t *req, size_t len,
                  const ly_idem **replay);


/* accounts.c: bucket arithmetic on working copies */
/* Add @p pts to the buckets (pending when matures_at > 0). Available points first repay a debt
 * (*repaid) and fill a negative balance (*filled); the rest becomes a bucket that expires at
 * @p expires_at, or by the program's rule from @p at when it is 0. Balances are not touched:
 * entries do that. */
int ly_acct_credit(loyalty_program *p, ly_account *a, uint64_t bucket_id, loyalty_points pts, loyalty_time at,
                   loyalty_time matures_at, loyalty_time expires_at, loyalty_points *repaid,
                   loyalty_points *filled);
/* Credit and write the entry (and a DEBT_REPAY entry when a debt was repaid). */
int ly_credit(ly_txn *t, ly_account *a, loyalty_entry_kind kind, loyalty_points pts, loyalty_time at,
              loyalty_time matures_at, const char *key, const char *ref, const char *memo, loyalty_entry *out);
/* Take up to @p pts from available buckets (the bucket @p prefer first, then soonest expiry),
 * without checking balances; returns what was taken. */
loyalty_points ly_acct_take(ly_account *a, loyalty_points pts, uint64_t prefer);
/* A key/idempotent operation frame */
int ly_round(const loyalty_program *p, ly_frac f, int64_t *out);
/* Take @p pts from available buckets, soonest expiry first; records draws when @p draws is not NULL
 * (caller frees *draws). LOYALTY_EINSUFFICIENT when the available balance is short. */
int ly_acct_spend(ly_account *a, loyalty_points pts, ly_draw **draws, size_t *ndraws);
loyalty_time ly_expiry_for(const loyalty_program *p, loyalty_time available_at);
int64_t ly_period_index(loyalty_period period, loyalty_time at, int offset);
loyalty_points ly_acct_available_buckets(const ly_account *a);
int ly_acct_counter(ly_account *a, const char *name, int64_t period, int64_t **value);
int ly_acct_add_metric(loyalty_program *p, ly_account *a, loyalty_time at, int64_t amount);
int64_t ly_acct_metric(const loyalty_program *p, const ly_account *a, loyalty_time at);
/* tiers (program_tiers.c) */
int ly_tier_for(const loyalty_program *p, int64_t metric);
int ly_tier_set(ly_txn *t, ly_account *a, int tier, loyalty_time at, const char *key, const char *why);
int ly_tier_upgrade(ly_txn *t, ly_account *a, loyalty_time at, const char *key);
int ly_tier_index(const loyalty_program *p, const char *name);

/* locking helpers */
void ly_lock(const loyalty_program *p);
void ly_unlock(const loyalty_program *p);

/* calculator.c: attach to a program */
int ly_calculator_attach(loyalty_calculator *c);
void ly_calculator_detach(loyalty_calculator *c);

#endif
