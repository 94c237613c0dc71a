/*
 * The purchase (loyalty/purchase.h). Line items are read field by field
 * (item_sku(i), ...): the C struct borrows its strings from the purchase.
 *
 * SPDX-License-Identifier: MIT
 */

%{
static loyalty_line_item loyalty_swig_purchase_item(const loyalty_purchase *p, size_t i)
{
	loyalty_line_item item = { "", "", 0, 0, 0 };

	loyalty_swig_status(loyalty_purchase_item(p, i, &item));
	return item;
}
%}

%loyalty_handle(Purchase, loyalty_purchase, loyalty_purchase_free)

/* ---- can fail ---------------------------------------------------------------- */

%loyalty_fallible_begin
%newobject loyalty_swig_Purchase::clone;
%extend loyalty_swig_Purchase {
	loyalty_swig_Purchase(const char *key, const loyalty_id *customer_id, int64_t at, const char *currency) {
		loyalty_purchase *p = NULL;
		int rc = loyalty_purchase_new(&p, key, customer_id, at, currency);
		return loyalty_swig_new(p, rc);
	}
	loyalty_purchase *clone() const {
		loyalty_purchase *p = NULL;
		int rc = loyalty_purchase_clone(&p, $self);
		return loyalty_swig_new(p, rc);
	}
	void set_channel(const char *channel) {
		LOYALTY_SWIG_MUTATE($self, loyalty_purchase_set_channel($self, channel));
	}
	void add_item(const char *sku, const char *product_type, int64_t quantity, int64_t unit_price) {
		LOYALTY_SWIG_MUTATE($self, loyalty_purchase_add_item($self, sku, product_type, quantity, unit_price));
	}
	/* the i-th line item, field by field; LOYALTY_ERANGE when i is out of range */
	const char *item_sku(size_t i) const { return loyalty_swig_purchase_item($self, i).sku; }
	const char *item_product_type(size_t i) const { return loyalty_swig_purchase_item($self, i).product_type; }
	int64_t item_quantity(size_t i) const { return loyalty_swig_purchase_item($self, i).quantity; }
	int64_t item_unit_price(size_t i) const { return loyalty_swig_purchase_item($self, i).unit_price; }
	int64_t item_line_total(size_t i) const { return loyalty_swig_purchase_item($self, i).line_total; }
}
%loyalty_fallible_end

/* ---- cannot fail ------------------------------------------------------------- */

%extend loyalty_swig_Purchase {
	const char *key() const { return loyalty_purchase_key($self); }
	const loyalty_id *customer_id() const { return loyalty_purchase_customer_id($self); }
	int64_t time() const { return loyalty_purchase_time($self); }
	const char *currency() const { return loyalty_purchase_currency($self); }
	const char *channel() const { return loyalty_purchase_channel($self); }
	size_t item_count() const { return loyalty_purchase_item_count($self); }
	int64_t total() const { return loyalty_purchase_total($self); }
}
