/*
 * libloyalty - the customer's private layout, shared with the program.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LY_CUSTOMER_INTERNAL_H
#define LY_CUSTOMER_INTERNAL_H

#include "internal.h"
#include "loyalty/customer.h"

struct loyalty_customer {
	loyalty_id id;
	char *external_ref; /* never NULL: "" when unset */
	char *name;
	char *email;
	char *tier;
	int birth_month, birth_day;
	loyalty_time joined_at;
	ly_strset tags;
	loyalty_points available, pending;
	loyalty_points lifetime_earned, lifetime_redeemed, lifetime_expired;
};

#endif
