/*
 * libloyalty - a purchase (an order): what the customer bought, when, where.
 *
 * A loyalty_purchase is an opaque value handle built in steps: create it with
 * its idempotency key, customer, time and currency, set the channel, add line
 * items. Every step validates its input, and a rejected step leaves the
 * purchase unchanged. Line totals and the purchase total are checked for
 * overflow as items are added, so a purchase that exists is always summable.
 *
 * Thread safety: may be read from several threads at once; not modified
 * concurrently.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_PURCHASE_H
#define LOYALTY_PURCHASE_H

#include "loyalty/common.h"
#include "loyalty/types.h"

LOYALTY_BEGIN_DECLS

typedef struct loyalty_purchase loyalty_purchase;

#define LOYALTY_KEY_MAX          128  /**< idempotency key, bytes */
#define LOYALTY_CHANNEL_MAX       32  /**< channel name, bytes */
#define LOYALTY_SKU_MAX           64  /**< SKU, bytes */
#define LOYALTY_PRODUCT_TYPE_MAX  64  /**< product type, bytes */
#define LOYALTY_ITEMS_MAX      10000  /**< line items per purchase */

/** One line of a purchase. Strings are borrowed from the purchase. */
typedef struct loyalty_line_item {
	const char *sku;          /**< the product's SKU */
	const char *product_type; /**< "electronics", "groceries", "gift_card", ... */
	int64_t quantity;         /**< > 0 */
	int64_t unit_price;       /**< minor units, >= 0 */
	int64_t line_total;       /**< quantity * unit_price, overflow-checked */
} loyalty_line_item;

/**
 * Create a purchase.
 *  - @p key: the idempotency key, 1..LOYALTY_KEY_MAX bytes of printable
 *    ASCII without spaces; the same key always means the same purchase;
 *  - @p customer_id: the buyer, not nil;
 *  - @p at: when it happened (ms since the epoch, UTC);
 *  - @p currency: an ISO 4217 code, which every price is in.
 * The channel starts as "" (unspecified) and there are no items.
 * Ownership: *out is new; free with loyalty_purchase_free().
 * Errors: LOYALTY_EINVAL (NULL, empty or malformed key, nil customer id),
 * LOYALTY_ECURRENCY (unknown currency), LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_purchase_new(loyalty_purchase **out, const char *key,
                                     const loyalty_id *customer_id, loyalty_time at,
                                     const char *currency);

/** A deep copy. Errors: LOYALTY_EINVAL, LOYALTY_ENOMEM. */
LOYALTY_API int loyalty_purchase_clone(loyalty_purchase **out, const loyalty_purchase *p);

/** Free a purchase. Accepts NULL. */
LOYALTY_API void loyalty_purchase_free(loyalty_purchase *p);

/**
 * Set the sales channel ("store", "online", "app"): 1..LOYALTY_CHANNEL_MAX
 * bytes of [A-Za-z0-9_.-], or NULL/"" for unspecified.
 * Errors: LOYALTY_EINVAL, LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_purchase_set_channel(loyalty_purchase *p, const char *channel);

/**
 * Append a line item.
 *  - @p sku: 1..LOYALTY_SKU_MAX bytes, printable, no spaces;
 *  - @p product_type: 1..LOYALTY_PRODUCT_TYPE_MAX bytes of [A-Za-z0-9_.-];
 *  - @p quantity: > 0;
 *  - @p unit_price: minor units in the purchase's currency, >= 0.
 * Errors: LOYALTY_EINVAL (NULL/empty/malformed strings, quantity <= 0,
 * negative price), LOYALTY_ERANGE (quantity * unit_price or the purchase
 * total overflows int64, or LOYALTY_ITEMS_MAX items reached), LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_purchase_add_item(loyalty_purchase *p, const char *sku,
                                          const char *product_type, int64_t quantity,
                                          int64_t unit_price);

/** Getters. Given NULL they return NULL, "" or 0. */
LOYALTY_API const char *loyalty_purchase_key(const loyalty_purchase *p);
LOYALTY_API const loyalty_id *loyalty_purchase_customer_id(const loyalty_purchase *p);
LOYALTY_API loyalty_time loyalty_purchase_time(const loyalty_purchase *p);
LOYALTY_API const char *loyalty_purchase_currency(const loyalty_purchase *p);
LOYALTY_API const char *loyalty_purchase_channel(const loyalty_purchase *p);
LOYALTY_API size_t loyalty_purchase_item_count(const loyalty_purchase *p);

/** The sum of every line total, in minor units. */
LOYALTY_API int64_t loyalty_purchase_total(const loyalty_purchase *p);

/**
 * Copy the i-th line item into @p out (strings borrowed from @p p).
 * Errors: LOYALTY_EINVAL (NULL), LOYALTY_ERANGE (i out of range).
 */
LOYALTY_API int loyalty_purchase_item(const loyalty_purchase *p, size_t i, loyalty_line_item *out);

LOYALTY_END_DECLS

#endif /* LOYALTY_PURCHASE_H */
