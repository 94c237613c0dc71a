/*
 * libloyalty - the history's private layout, shared by history.c (sources)
 * and simulate.c (the replay).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LY_HISTORY_INTERNAL_H
#define LY_HISTORY_INTERNAL_H

#include "program_internal.h"
#include "loyalty/simulate.h"

typedef struct ly_event {
	int kind;                   /* loyalty_event_kind */
	loyalty_time at;
	char *key;                  /* NULL for purchases: the purchase's key */
	char *text;                 /* enrol: referral code (or NULL); refund: purchase key; redeem: reward */
	loyalty_customer *profile;  /* enrol */
	loyalty_purchase *purchase; /* purchase */
	loyalty_id customer;        /* redeem */
	int64_t amount;             /* refund */
} ly_event;

struct loyalty_history {
	ly_event *ev;               /* in the order added; loyalty_simulate sorts an index */
	size_t n, cap;
	size_t counts[4];
};

static inline const char *ly_event_key(const ly_event *e)
{
	return e->purchase ? loyalty_purchase_key(e->purchase) : e->key;
}

#endif
