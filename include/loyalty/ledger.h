/*
 * libloyalty - ledger entries.
 *
 * Every change to a customer's points is an entry in the program's
 * append-only ledger. An entry carries three signed deltas:
 *   points  - the change to the available balance,
 *   pending - the change to the pending (held) balance,
 *   debt    - the change to the debt (refund policy LOYALTY_REFUND_DEBT).
 * The ledger invariant, checked by the tests after every step: for every
 * customer, available = sum of points, pending = sum of pending, debt = sum
 * of debt, over that customer's entries.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_LEDGER_H
#define LOYALTY_LEDGER_H

#include "loyalty/common.h"
#include "loyalty/types.h"
#include "loyalty/purchase.h"

LOYALTY_BEGIN_DECLS

/** What an entry records. The numeric values are part of the ABI. */
typedef enum loyalty_entry_kind {
	LOYALTY_ENTRY_ENROLL        = 0,  /**< the customer joined (no points) */
	LOYALTY_ENTRY_EARN          = 1,  /**< points earned by a purchase (available or pending) */
	LOYALTY_ENTRY_MATURE        = 2,  /**< pending points became available */
	LOYALTY_ENTRY_REFUND        = 3,  /**< points clawed back by a refund */
	LOYALTY_ENTRY_REDEEM        = 4,  /**< points spent on a reward */
	LOYALTY_ENTRY_REDEEM_CANCEL = 5,  /**< a redemption cancelled: points restored */
	LOYALTY_ENTRY_EXPIRE        = 6,  /**< points expired */
	LOYALTY_ENTRY_ADJUST        = 7,  /**< a manual adjustment by customer service */
	LOYALTY_ENTRY_TRANSFER_OUT  = 8,  /**< points given to another customer */
	LOYALTY_ENTRY_TRANSFER_IN   = 9,  /**< points received from another customer */
	LOYALTY_ENTRY_PARTNER       = 10, /**< points credited from a partner */
	LOYALTY_ENTRY_ACTION        = 11, /**< points for an engagement action */
	LOYALTY_ENTRY_REFERRAL      = 12, /**< a referral bonus (referrer or referee) */
	LOYALTY_ENTRY_DONATE        = 13, /**< points donated to a cause */
	LOYALTY_ENTRY_TIER          = 14, /**< a tier change (no points) */
	LOYALTY_ENTRY_DEBT_REPAY    = 15  /**< earned points used to repay a refund debt */
} loyalty_entry_kind;

/** "earn", "redeem", ...; NULL for an unknown kind. */
LOYALTY_API const char *loyalty_entry_kind_name(int kind);

#define LOYALTY_MEMO_MAX 127

/** One ledger entry, copied out of the program (owns nothing). */
typedef struct loyalty_entry {
	uint64_t seq;                      /**< 1, 2, 3, ... across the whole program */
	loyalty_id id;                     /**< the entry's own UUID */
	loyalty_id customer_id;
	loyalty_entry_kind kind;
	loyalty_points points;             /**< change to the available balance */
	loyalty_points pending;            /**< change to the pending balance */
	loyalty_points debt;               /**< change to the debt */
	loyalty_points available_after;    /**< the customer's available balance after the entry */
	loyalty_points pending_after;      /**< ... pending balance after */
	loyalty_time at;                   /**< when it took effect */
	char key[LOYALTY_KEY_MAX + 1];     /**< the idempotency key of the operation that wrote it */
	char ref[LOYALTY_KEY_MAX + 1];     /**< what it refers to: purchase key, reward, partner, ... */
	char memo[LOYALTY_MEMO_MAX + 1];   /**< human-readable detail ("silver -> gold", a reason) */
} loyalty_entry;

LOYALTY_END_DECLS

#endif /* LOYALTY_LEDGER_H */
