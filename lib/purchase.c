/*
 * libloyalty - the purchase.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "purchase_internal.h"

LOYALTY_API int loyalty_purchase_new(loyalty_purchase **out, const char *key, const loyalty_id *customer_id,
                                     loyalty_time at, const char *currency)
{
	loyalty_purchase *p;

	LY_CHECK_NULL(out, "loyalty_purchase_new");
	LY_CHECK_NULL(key, "loyalty_purchase_new");
	LY_CHECK_NULL(customer_id, "loyalty_purchase_new");
	LY_CHECK_NULL(currency, "loyalty_purchase_new");
	if (!ly_is_token(key, LOYALTY_KEY_MAX))
		return ly_error(LOYALTY_EINVAL,
		                "loyalty_purchase_new: key must be 1..%d bytes of printable ASCII without spaces",
		                LOYALTY_KEY_MAX);
	if (loyalty_id_is_nil(customer_id))
		return ly_error(LOYALTY_EINVAL, "loyalty_purchase_new: customer_id is the nil UUID");
	if (!loyalty_currency_is_valid(currency))
		return ly_error(LOYALTY_ECURRENCY, "loyalty_purchase_new: unknown currency '%.8s'", currency);
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return ly_error(LOYALTY_ENOMEM, "loyalty_purchase_new: out of memory");
	p->key = ly_strdup(key);
	p->channel = ly_strdup("");
	if (p->key == NULL || p->channel == NULL) {
		loyalty_purchase_free(p);
		return ly_error(LOYALTY_ENOMEM, "loyalty_purchase_new: out of memory");
	}
	p->customer_id = *customer_id;
	p->at = at;
	memcpy(p->currency, currency, 4);
	*out = p;
	return LOYALTY_OK;
}

static void item_free(ly_item *it)
{
	free(it->sku);
	free(it->product_type);
}

LOYALTY_API void loyalty_purchase_free(loyalty_purchase *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->count; i++)
		item_free(&p->items[i]);
	free(p->items);
	free(p->key);
	free(p->channel);
	free(p);
}

LOYALTY_API int loyalty_purchase_clone(loyalty_purchase **out, const loyalty_purchase *p)
{
	loyalty_purchase *n;

	LY_CHECK_NULL(out, "loyalty_purchase_clone");
	LY_CHECK_NULL(p, "loyalty_purchase_clone");
	n = calloc(1, sizeof *n);
	if (n == NULL)
		return ly_error(LOYALTY_ENOMEM, "loyalty_purchase_clone: out of memory");
	*n = *p;
	n->key = ly_strdup(p->key);
	n->channel = ly_strdup(p->channel);
	n->items = p->count ? calloc(p->count, sizeof *n->items) : NULL;
	n->count = 0;
	n->cap = p->count;
	if (n->key == NULL || n->channel == NULL || (p->count && n->items == NULL))
		goto oom;
	for (size_t i = 0; i < p->count; i++) {
		ly_item *d = &n->items[i];
		*d = p->items[i];
		d->sku = ly_strdup(p->items[i].sku);
		d->product_type = ly_strdup(p->items[i].product_type);
		n->count++;
		if (d->sku == NULL || d->product_type == NULL)
			goto oom;
	}
	*out = n;
	return LOYALTY_OK;
oom:
	loyalty_purchase_free(n);
	return ly_error(LOYALTY_ENOMEM, "loyalty_purchase_clone: out of memory");
}

LOYALTY_API int loyalty_purchase_set_channel(loyalty_purchase *p, const char *channel)
{
	char *copy;

	LY_CHECK_NULL(p, "loyalty_purchase_set_channel");
	if (channel == NULL)
		channel = "";
	if (*channel != '\0' && !ly_is_ident(channel, LOYALTY_CHANNEL_MAX))
		return ly_error(LOYALTY_EINVAL,
		                "loyalty_purchase_set_channel: channel must be 1..%d bytes of [A-Za-z0-9_.-]",
		                LOYALTY_CHANNEL_MAX);
	copy = ly_strdup(channel);
	if (copy == NULL)
		return ly_error(LOYALTY_ENOMEM, "loyalty_purchase_set_channel: out of memory");
	free(p->channel);
	p->channel = copy;
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_purchase_add_item(loyalty_purchase *p, const char *sku, const char *product_type,
                                          int64_t quantity, int64_t unit_price)
{
	int64_t line, total;
	ly_item it;

	LY_CHECK_NULL(p, "loyalty_purchase_add_item");
	LY_CHECK_NULL(sku, "loyalty_purchase_add_item");
	LY_CHECK_NULL(product_type, "loyalty_purchase_add_item");
	if (!ly_is_token(sku, LOYALTY_SKU_MAX))
		return ly_error(LOYALTY_EINVAL,
		                "loyalty_purchase_add_item: sku must be 1..%d bytes of printable ASCII without spaces",
		                LOYALTY_SKU_MAX);
	if (!ly_is_ident(product_type, LOYALTY_PRODUCT_TYPE_MAX))
		return ly_error(LOYALTY_EINVAL,
		                "loyalty_purchase_add_item: product_type must be 1..%d bytes of [A-Za-z0-9_.-]",
		                LOYALTY_PRODUCT_TYPE_MAX);
	if (quantity <= 0)
		return ly_error(LOYALTY_EINVAL, "loyalty_purchase_add_item: quantity must be positive (got %lld)",
		                (long long)quantity);
	if (unit_price < 0)
		return ly_error(LOYALTY_EINVAL, "loyalty_purchase_add_item: unit_price must not be negative (got %lld)",
		                (long long)unit_price);
	if (p->count >= LOYALTY_ITEMS_MAX)
		return ly_error(LOYALTY_ERANGE, "loyalty_purchase_add_item: at most %d items per purchase",
		                LOYALTY_ITEMS_MAX);
	if (!ly_mul64(quantity, unit_price, &line))
		return ly_error(LOYALTY_ERANGE, "loyalty_purchase_add_item: line total %lld x %lld overflows int64",
		                (long long)quantity, (long long)unit_price);
	if (!ly_add64(p->total, line, &total))
		return ly_error(LOYALTY_ERANGE, "loyalty_purchase_add_item: purchase total overflows int64");
	if (p->count == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 4;
		ly_item *items = realloc(p->items, cap * sizeof *items);
		if (items == NULL)
			return ly_error(LOYALTY_ENOMEM, "loyalty_purchase_add_item: out of memory");
		p->items = items;
		p->cap = cap;
	}
	it.sku = ly_strdup(sku);
	it.product_type = ly_strdup(product_type);
	if (it.sku == NULL || it.product_type == NULL) {
		item_free(&it);
		return ly_error(LOYALTY_ENOMEM, "loyalty_purchase_add_item: out of memory");
	}
	it.quantity = quantity;
	it.unit_price = unit_price;
	it.line_total = line;
	p->items[p->count++] = it;
	p->total = total;
	return LOYALTY_OK;
}

LOYALTY_API const char *loyalty_purchase_key(const loyalty_purchase *p)
{
	return p ? p->key : NULL;
}

LOYALTY_API const loyalty_id *loyalty_purchase_customer_id(const loyalty_purchase *p)
{
	return p ? &p->customer_id : NULL;
}

LOYALTY_API loyalty_time loyalty_purchase_time(const loyalty_purchase *p)
{
	return p ? p->at : 0;
}

LOYALTY_API const char *loyalty_purchase_currency(const loyalty_purchase *p)
{
	return p ? p->currency : NULL;
}

LOYALTY_API const char *loyalty_purchase_channel(const loyalty_purchase *p)
{
	return p ? p->channel : NULL;
}

LOYALTY_API size_t loyalty_purchase_item_count(const loyalty_purchase *p)
{
	return p ? p->count : 0;
}

LOYALTY_API int64_t loyalty_purchase_total(const loyalty_purchase *p)
{
	return p ? p->total : 0;
}

LOYALTY_API int loyalty_purchase_item(const loyalty_purchase *p, size_t i, loyalty_line_item *out)
{
	LY_CHECK_NULL(p, "loyalty_purchase_item");
	LY_CHECK_NULL(out, "loyalty_purchase_item");
	if (i >= p->count)
		return ly_error(LOYALTY_ERANGE, "loyalty_purchase_item: index %zu out of range (%zu items)", i, p->count);
	out->sku = p->items[i].sku;
	out->product_type = p->items[i].product_type;
	out->quantity = p->items[i].quantity;
	out->unit_price = p->items[i].unit_price;
	out->line_total = p->items[i].line_total;
	return LOYALTY_OK;
}
