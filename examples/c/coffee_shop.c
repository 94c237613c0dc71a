/*
 * coffee_shop - a small coffee shop's loyalty program, built with libloyalty.
 *
 * The program:
 *   - 1 point per dollar spent (base_rate points=1 per=100: prices are cents);
 *   - gift cards earn nothing (excluded for the whole calculator);
 *   - double points on Saturdays and Sundays (a campaign with weekdays=);
 *   - a 50-point birthday treat on the customer's birthday;
 *   - a 25-point welcome bonus on a customer's first purchase.
 *
 * Every id and every time below is fixed, so the output is the same on every
 * run: a real till would generate ids (loyalty_id_generate) and pass the time
 * of the sale, but the library itself never reads a clock.
 *
 * The calculator only computes: it returns a receipt and changes neither the
 * customer nor the purchase. Crediting the points is up to the program.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <loyalty/loyalty.h>

/* The shop's calendar (weekends, birthdays) is New York winter time, UTC-05:00. */
#define SHOP_UTC_OFFSET (-5 * 60)

struct member {
	const char *id;              /* fixed UUIDs keep the output reproducible */
	const char *name;
	int birth_month, birth_day;  /* 0, 0: birthday unknown */
};

static const struct member members[] = {
	{ "6f1d2c3a-0001-4000-8000-000000000001", "Ana Lima", 9, 14 },
	{ "6f1d2c3a-0002-4000-8000-000000000002", "Ben Okafor", 2, 8 },
	{ "6f1d2c3a-0003-4000-8000-000000000003", "Chloe Martin", 0, 0 },
};
#define MEMBER_COUNT (sizeof members / sizeof members[0])

/* One line of a sale as the till records it; unit prices in cents. */
struct item {
	const char *sku, *product_type;
	int64_t quantity, unit_price;
};

#define MAX_ITEMS 4

/* One sale: the order number is the purchase's idempotency key. */
struct visit {
	const char *order;
	size_t member;                          /* index into members[] */
	int year, month, day, hour, minute;     /* local shop time */
	int first_purchase;                     /* the till knows the customer's history */
	struct item items[MAX_ITEMS];           /* ends at the first item without a sku */
};

static const struct visit visits[] = {
	/* Ana joins on a Tuesday: 8.15 dollars, plus the welcome bonus */
	{ "order-1001", 0, 2026, 2, 3, 8, 15, 1,
	  { { "latte-m", "coffee", 1, 475 }, { "croissant", "pastry", 1, 340 } } },
	/* Saturday: double points, but the gift card earns nothing */
	{ "order-1002", 0, 2026, 2, 7, 10, 30, 0,
	  { { "cappuccino-m", "coffee", 2, 435 }, { "gift-card-25", "gift_card", 1, 2500 } } },
	/* Ben's birthday, a Sunday, late at night: 04:45 on Monday in UTC, but the
	 * shop's calendar still says Sunday 8 February, so both rewards apply */
	{ "order-1003", 1, 2026, 2, 8, 23, 45, 0,
	  { { "mocha-l", "coffee", 1, 520 }, { "cheesecake", "cake", 1, 495 } } },
	/* Chloe's first visit buys only a gift card: 0 dollars eligible, yet the
	 * welcome bonus is a bonus and does not depend on spend */
	{ "order-1004", 2, 2026, 2, 9, 12, 5, 1, { { "gift-card-50", "gift_card", 1, 5000 } } },
};
#define VISIT_COUNT (sizeof visits / sizeof visits[0])

/* The pipeline runs in the order strategies are added: base points first,
 * then the multipliers that scale them, then flat bonuses. */
static int build_calculator(loyalty_calculator **out)
{
	loyalty_calculator_options opts = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_calculator *calc = NULL;
	int rc;

	memcpy(opts.currency, "USD", 4);
	opts.utc_offset_minutes = SHOP_UTC_OFFSET;
	/* opts.rounding stays LOYALTY_ROUND_FLOOR: a fraction of a point is dropped,
	 * once, from the purchase's exact total */
	rc = loyalty_calculator_new(&calc, &opts);
	if (rc != LOYALTY_OK)
		return rc;

	rc = loyalty_calculator_exclude_product_type(calc, "gift_card");
	if (rc == LOYALTY_OK)
		rc = loyalty_calculator_add(calc, "base_rate", "dollar", "points=1 per=100");
	if (rc == LOYALTY_OK)
		rc = loyalty_calculator_add(calc, "campaign", "double_weekend", "multiplier=2 weekdays=sat,sun");
	if (rc == LOYALTY_OK)
		rc = loyalty_calculator_add(calc, "birthday", "birthday_treat", "bonus=50 period=day");
	if (rc == LOYALTY_OK)
		rc = loyalty_calculator_add(calc, "first_purchase", "welcome", "bonus=25");
	if (rc != LOYALTY_OK) {
		loyalty_calculator_free(calc);
		return rc;
	}
	*out = calc;
	return LOYALTY_OK;
}

static int new_customer(const struct member *m, loyalty_customer **out)
{
	loyalty_customer *c = NULL;
	loyalty_id id;
	int rc;

	rc = loyalty_id_parse(m->id, &id);
	if (rc == LOYALTY_OK)
		rc = loyalty_customer_new(&c, &id);
	if (rc == LOYALTY_OK)
		rc = loyalty_customer_set_name(c, m->name);
	if (rc == LOYALTY_OK)
		rc = loyalty_customer_set_birthday(c, m->birth_month, m->birth_day);
	if (rc != LOYALTY_OK) {
		loyalty_customer_free(c); /* accepts NULL */
		return rc;
	}
	*out = c;
	return LOYALTY_OK;
}

/* Format minor units as "$33.70". The receipt itself counts cents ("3370 USD"). */
static void print_dollars(const char *label, int64_t cents)
{
	printf("%s $%lld.%02lld", label, (long long)(cents / 100), (long long)(cents % 100));
}

/* Render the receipt like snprintf: ask for the length, then fill a buffer. */
static int print_receipt(const loyalty_receipt *r)
{
	int len = loyalty_receipt_format(r, NULL, 0);
	char *text;

	if (len < 0)
		return len;
	text = malloc((size_t)len + 1);
	if (text == NULL)
		return loyalty_error_set(LOYALTY_ENOMEM, "print_receipt: out of memory");
	len = loyalty_receipt_format(r, text, (size_t)len + 1);
	if (len >= 0)
		fputs(text, stdout);
	free(text);
	return len < 0 ? len : LOYALTY_OK;
}

static int ring_up(const loyalty_calculator *calc, loyalty_customer *const *customers, const struct visit *v)
{
	static const char *const day_names[] = { "", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	const loyalty_customer *who = customers[v->member];
	loyalty_calc_context ctx = LOYALTY_CALC_CONTEXT_INIT;
	loyalty_purchase *p = NULL;
	loyalty_receipt *r = NULL;
	loyalty_time at;
	int rc, weekday = 0;

	/* the till's local time becomes an instant (ms since the epoch, UTC) */
	rc = loyalty_time_from_civil(v->year, v->month, v->day, v->hour, v->minute, 0, SHOP_UTC_OFFSET, &at);
	if (rc == LOYALTY_OK)
		rc = loyalty_time_to_civil(at, SHOP_UTC_OFFSET, NULL, NULL, NULL, NULL, NULL, NULL, &weekday);
	if (rc == LOYALTY_OK)
		rc = loyalty_purchase_new(&p, v->order, loyalty_customer_id(who), at, "USD");
	if (rc == LOYALTY_OK)
		rc = loyalty_purchase_set_channel(p, "store");
	for (size_t i = 0; rc == LOYALTY_OK && i < MAX_ITEMS && v->items[i].sku != NULL; i++)
		rc = loyalty_purchase_add_item(p, v->items[i].sku, v->items[i].product_type, v->items[i].quantity,
		                               v->items[i].unit_price);
	if (rc == LOYALTY_OK) {
		ctx.first_purchase = v->first_purchase;
		rc = loyalty_calculator_compute(calc, who, p, &ctx, &r);
	}
	if (rc == LOYALTY_OK) {
		printf("\n%s, %s %04d-%02d-%02d %02d:%02d (UTC-05:00)%s\n", loyalty_customer_name(who),
		       day_names[weekday], v->year, v->month, v->day, v->hour, v->minute,
		       v->first_purchase ? ", first purchase" : "");
		print_dollars("  paid", loyalty_purchase_total(p));
		print_dollars(", earning on", loyalty_receipt_eligible_spend(r));
		printf("\n");
		rc = print_receipt(r);
	}
	if (rc == LOYALTY_OK)
		printf("=> %s earns %lld points\n", loyalty_customer_name(who), (long long)loyalty_receipt_points(r));
	loyalty_receipt_free(r);
	loyalty_purchase_free(p);
	return rc;
}

int main(void)
{
	loyalty_calculator *calc = NULL;
	loyalty_customer *customers[MEMBER_COUNT] = { NULL };
	int rc;

	printf("libloyalty %s - coffee shop\n", loyalty_version_string());
	rc = build_calculator(&calc);
	for (size_t i = 0; rc == LOYALTY_OK && i < MEMBER_COUNT; i++)
		rc = new_customer(&members[i], &customers[i]);
	for (size_t i = 0; rc == LOYALTY_OK && i < VISIT_COUNT; i++)
		rc = ring_up(calc, customers, &visits[i]);

	if (rc != LOYALTY_OK)
		fprintf(stderr, "coffee_shop: %s (%s)\n", loyalty_last_error(), loyalty_status_name(rc));
	for (size_t i = 0; i < MEMBER_COUNT; i++)
		loyalty_customer_free(customers[i]);
	loyalty_calculator_free(calc);
	return rc == LOYALTY_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}
