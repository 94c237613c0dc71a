/*
 * The purchase: validation, overflow of line and purchase totals, clone.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "torture.h"

static void test_new_validates(void **state)
{
	loyalty_customer *c = torture_customer(1);
	loyalty_purchase *p = NULL;
	loyalty_id nil;

	(void)state;
	memset(&nil, 0, sizeof nil);
	assert_status(loyalty_purchase_new(&p, "", loyalty_customer_id(c), 0, "USD"), LOYALTY_EINVAL);
	assert_status(loyalty_purchase_new(&p, "has space", loyalty_customer_id(c), 0, "USD"), LOYALTY_EINVAL);
	assert_status(loyalty_purchase_new(&p, NULL, loyalty_customer_id(c), 0, "USD"), LOYALTY_EINVAL);
	assert_status(loyalty_purchase_new(&p, "k", &nil, 0, "USD"), LOYALTY_EINVAL);
	assert_status(loyalty_purchase_new(&p, "k", NULL, 0, "USD"), LOYALTY_EINVAL);
	assert_status(loyalty_purchase_new(&p, "k", loyalty_customer_id(c), 0, "XYZ"), LOYALTY_ECURRENCY);
	assert_status(loyalty_purchase_new(&p, "k", loyalty_customer_id(c), 0, "usd"), LOYALTY_ECURRENCY);
	assert_status(loyalty_purchase_new(NULL, "k", loyalty_customer_id(c), 0, "USD"), LOYALTY_EINVAL);
	assert_null(p);
	assert_ok(loyalty_purchase_new(&p, "order-1", loyalty_customer_id(c), 1234, "EUR"));
	assert_string_equal(loyalty_purchase_key(p), "order-1");
	assert_string_equal(loyalty_purchase_currency(p), "EUR");
	assert_string_equal(loyalty_purchase_channel(p), "");
	assert_int_equal(loyalty_purchase_time(p), 1234);
	assert_int_equal(loyalty_id_compare(loyalty_purchase_customer_id(p), loyalty_customer_id(c)), 0);
	assert_int_equal(loyalty_purchase_item_count(p), 0);
	assert_int_equal(loyalty_purchase_total(p), 0);
	loyalty_purchase_free(p);
	loyalty_purchase_free(NULL);
	loyalty_customer_free(c);
}

static void test_items_and_totals(void **state)
{
	loyalty_customer *c = torture_customer(2);
	loyalty_purchase *p = torture_purchase(c, "order-2", 0, "USD");
	loyalty_line_item it;

	(void)state;
	assert_ok(loyalty_purchase_set_channel(p, "online"));
	assert_status(loyalty_purchase_set_channel(p, "on line"), LOYALTY_EINVAL);
	assert_string_equal(loyalty_purchase_channel(p), "online");
	assert_ok(loyalty_purchase_add_item(p, "SKU-1", "electronics", 2, 19999));
	assert_ok(loyalty_purchase_add_item(p, "SKU-2", "groceries", 3, 250));
	assert_ok(loyalty_purchase_add_item(p, "FREEBIE", "promo", 1, 0));
	assert_int_equal(loyalty_purchase_item_count(p), 3);
	assert_int_equal(loyalty_purchase_total(p), 2 * 19999 + 3 * 250);
	assert_ok(loyalty_purchase_item(p, 1, &it));
	assert_string_equal(it.sku, "SKU-2");
	assert_string_equal(it.product_type, "groceries");
	assert_int_equal(it.quantity, 3);
	assert_int_equal(it.unit_price, 250);
	assert_int_equal(it.line_total, 750);
	assert_status(loyalty_purchase_item(p, 3, &it), LOYALTY_ERANGE);

	/* every rejected item leaves the purchase as it was */
	assert_status(loyalty_purchase_add_item(p, "S", "toys", 0, 100), LOYALTY_EINVAL);
	assert_status(loyalty_purchase_add_item(p, "S", "toys", -1, 100), LOYALTY_EINVAL);
	assert_status(loyalty_purchase_add_item(p, "S", "toys", 1, -1), LOYALTY_EINVAL);
	assert_status(loyalty_purchase_add_item(p, "", "toys", 1, 1), LOYALTY_EINVAL);
	assert_status(loyalty_purchase_add_item(p, "S", "", 1, 1), LOYALTY_EINVAL);
	assert_status(loyalty_purchase_add_item(p, "S", "toy type", 1, 1), LOYALTY_EINVAL);
	assert_status(loyalty_purchase_add_item(p, NULL, "toys", 1, 1), LOYALTY_EINVAL);
	assert_status(loyalty_purchase_add_item(NULL, "S", "toys", 1, 1), LOYALTY_EINVAL);
	assert_int_equal(loyalty_purchase_item_count(p), 3);
	assert_int_equal(loyalty_purchase_total(p), 40748);
	loyalty_purchase_free(p);
	loyalty_customer_free(c);
}

static void test_overflow_is_an_error(void **state)
{
	loyalty_customer *c = torture_customer(3);
	loyalty_purchase *p = torture_purchase(c, "big", 0, "USD");

	(void)state;
	/* line total overflow */
	assert_status(loyalty_purchase_add_item(p, "S", "t", 2, INT64_MAX / 2 + 1), LOYALTY_ERANGE);
	assert_status(loyalty_purchase_add_item(p, "S", "t", INT64_MAX, 2), LOYALTY_ERANGE);
	assert_int_equal(loyalty_purchase_item_count(p), 0);
	/* exactly INT64_MAX is fine */
	assert_ok(loyalty_purchase_add_item(p, "S", "t", 1, INT64_MAX));
	assert_int_equal(loyalty_purchase_total(p), INT64_MAX);
	/* the purchase total may not overflow either */
	assert_status(loyalty_purchase_add_item(p, "S2", "t", 1, 1), LOYALTY_ERANGE);
	assert_ok(loyalty_purchase_add_item(p, "S2", "t", 1, 0));
	assert_int_equal(loyalty_purchase_item_count(p), 2);
	assert_int_equal(loyalty_purchase_total(p), INT64_MAX);
	loyalty_purchase_free(p);
	loyalty_customer_free(c);
}

static void test_item_limit(void **state)
{
	loyalty_customer *c = torture_customer(4);
	loyalty_purchase *p = torture_purchase(c, "many", 0, "USD");

	(void)state;
	for (int i = 0; i < LOYALTY_ITEMS_MAX; i++)
		assert_ok(loyalty_purchase_add_item(p, "S", "t", 1, 1));
	assert_status(loyalty_purchase_add_item(p, "S", "t", 1, 1), LOYALTY_ERANGE);
	assert_int_equal(loyalty_purchase_total(p), LOYALTY_ITEMS_MAX);
	loyalty_purchase_free(p);
	loyalty_customer_free(c);
}

static void test_clone(void **state)
{
	loyalty_customer *c = torture_customer(5);
	loyalty_purchase *p = torture_purchase(c, "orig", 77, "JPY"), *q = NULL;
	loyalty_line_item it;

	(void)state;
	assert_ok(loyalty_purchase_set_channel(p, "store"));
	assert_ok(loyalty_purchase_add_item(p, "A", "books", 2, 1500));
	assert_ok(loyalty_purchase_clone(&q, p));
	loyalty_purchase_free(p);
	assert_string_equal(loyalty_purchase_key(q), "orig");
	assert_string_equal(loyalty_purchase_channel(q), "store");
	assert_string_equal(loyalty_purchase_currency(q), "JPY");
	assert_int_equal(loyalty_purchase_time(q), 77);
	assert_int_equal(loyalty_purchase_total(q), 3000);
	assert_ok(loyalty_purchase_item(q, 0, &it));
	assert_string_equal(it.product_type, "books");
	assert_ok(loyalty_purchase_add_item(q, "B", "books", 1, 1));
	assert_int_equal(loyalty_purchase_total(q), 3001);
	loyalty_purchase_free(q);
	loyalty_customer_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_validates),
		cmocka_unit_test(test_items_and_totals),
		cmocka_unit_test(test_overflow_is_an_error),
		cmocka_unit_test(test_item_limit),
		cmocka_unit_test(test_clone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
