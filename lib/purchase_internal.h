/*
 * libloyalty - the purchase's private layout.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LY_PURCHASE_INTERNAL_H
#define LY_PURCHASE_INTERNAL_H

#include "internal.h"
#include "loyalty/purchase.h"

typedef struct ly_item {
	char *sku;
	char *product_type;
	int64_t quantity;
	int64_t unit_price;
	int64_t line_total;
} ly_item;

struct loyalty_purchase {
	char *key;
	loyalty_id customer_id;
	loyalty_time at;
	char currency[4];
	char *channel; /* never NULL */
	ly_item *items;
	size_t count, cap;
	int64_t total;
};

#endif
