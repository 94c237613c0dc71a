/*
 * The fixed values behind the golden files (the .mp files of tests/golden): built by hand
 * from constants (fixed ids, times and strings; no libuuid, no clock, no
 * calculator run), so that their encodings never change unless the format
 * does. test_codec checks the committed files against them; make_golden
 * writes the files again (see README.md).
 *
 * Every builder aborts on out-of-memory (test helpers).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_GOLDEN_H
#define LOYALTY_GOLDEN_H

#include "codec.h"

/* The ids of the golden values: golden_id(0xc1, 1) is customer 1, and so on. */
loyalty_id golden_id(uint8_t tag, unsigned n);

loyalty_customer *golden_customer(void);
loyalty_purchase *golden_purchase(void);
loyalty_receipt *golden_receipt(void);
void golden_entry(loyalty_entry *out);
ly_account *golden_account(void);
ly_purchase_rec *golden_purchase_rec(void);
ly_redemption_rec *golden_redemption_rec(void);
ly_idem *golden_idem(void);
ly_idem *golden_idem_results(void); /* version 2: a purchase recorded without a receipt */
/* A definition with every kind of strategy (built-ins with canonical parameters, and a custom one). */
void golden_definition(ly_definition *out);
/* A transaction that a fresh program made from golden_definition() accepts: two new customers (one
 * referred by the other), entries 1..3, a purchase record, a redemption record, a stock change of
 * reward 1 and an idempotency record. t->p is NULL (only encoding reads it); free with ly_txn_release. */
void golden_txn(ly_txn *t);
/* Definition records' values. */
void golden_tier(ly_tier *out);                 /* "silver" */
void golden_reward(ly_reward *out);             /* "lounge-pass", min tier "gold" */
void golden_action(ly_action *out);             /* "review" */
void golden_partner(ly_partner *out);           /* "airline" */
#define GOLDEN_STOCK_REWARD "mug"
#define GOLDEN_STOCK 42
#define GOLDEN_MAINTAIN_NOW INT64_C(1767830400000)

/* What decodes a golden file. */
typedef enum golden_kind {
	G_CUSTOMER, G_PURCHASE, G_RECEIPT, G_ENTRY, G_ACCOUNT, G_PURCHASE_REC, G_REDEMPTION_REC, G_IDEM,
	G_DEFINITION, G_TXN, G_RECORD
} golden_kind;

typedef struct golden_file {
	const char *name;             /* file name in tests/golden */
	golden_kind kind;
	int record_type;              /* G_RECORD: the LY_REC_* of the body */
	int (*encode)(ly_enc *e);     /* the bytes the file must hold */
} golden_file;

extern const golden_file golden_files[];
extern const size_t golden_nfiles;

#endif
