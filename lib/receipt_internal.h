/*
 * libloyalty - the receipt's private layout: one block of lines and a string
 * pool addressed by offsets. The calculator makes a receipt in one
 * allocation (struct, lines and pool together: inline_block); receipts made
 * otherwise (clone, decoding) own their lines and pool separately.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LY_RECEIPT_INTERNAL_H
#define LY_RECEIPT_INTERNAL_H

#include "internal.h"
#include "loyalty/receipt.h"

typedef struct ly_rline {
	size_t name_off, kind_off, detail_off;
	loyalty_strategy_role role;
	int applied;
	ly_frac points;
} ly_rline;

struct loyalty_receipt {
	loyalty_points points;
	ly_frac exact, base, adjustment;
	loyalty_rounding rounding;
	int64_t spend, eligible_spend;
	char currency[4];
	loyalty_id customer_id;
	size_t key_off;
	size_t nlines;
	ly_rline *lines;
	char *pool;
	size_t pool_len, pool_cap;
	bool inline_block; /* lines and pool live in the receipt's own allocation */
	/* filled by a program when it records the purchase */
	bool recorded;
	loyalty_points credited, capped;
	loyalty_time pending_until;
	uint64_t entry_seq;
};

/* Append a string to the pool; *off receives its offset. LOYALTY_OK or LOYALTY_ENOMEM. */
int ly_receipt_intern(loyalty_receipt *r, const char *s, size_t *off);

#endif
