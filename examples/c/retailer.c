/*
 * retailer - a department store's loyalty program, built with libloyalty.
 *
 * Currency EUR, calendar at UTC+01:00, half_even rounding, and in pipeline order:
 *   rates       product_type: 2 points per euro on electronics, 1 on the rest;
 *   tiers       tier_multiplier: silver x5/4, gold x3/2;
 *   tech_week   campaign: x2 on electronics from Monday 23 to Monday 30
 *               November 2026, assembled from data with loyalty_params;
 *   staff       custom code: staff earn an extra 10% of their base points;
 *   big_basket  threshold: 500 points when eligible spend reaches 200.00 EUR.
 *
 * Multipliers stack additively (the default): each scales the base points.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <loyalty/loyalty.h>

#define STORE_UTC_OFFSET 60 /* minutes east of UTC */
#define COUNT(a) (sizeof (a) / sizeof (a)[0])

/* The custom strategy's user data. The calculator owns it once registered and
 * hands it back to staff_rule_free exactly once. */
struct staff_rule {
	char tag[LOYALTY_TAG_MAX + 1];
	int64_t percent; /* of the base points */
};

static void staff_rule_free(void *user_data)
{
	printf("(staff strategy: user data released)\n");
	free(user_data);
}

/* Contribute percent/100 of the base points that the strategies before this
 * one earned, exactly: base.num * percent / (base.den * 100). */
static int staff_extra(const loyalty_strategy_input *in, loyalty_fraction *out, void *user_data)
{
	const struct staff_rule *rule = user_data;
	loyalty_fraction base = in->base_points, extra;

	if (!loyalty_customer_has_tag(in->customer, rule->tag)) {
		*out = (loyalty_fraction){ 0, 1 }; /* not staff: nothing */
		return 0;
	}
	if (base.num > INT64_MAX / rule->percent || base.num < INT64_MIN / rule->percent ||
	    base.den > INT64_MAX / 100) /* the calculator reports this as LOYALTY_EUSER */
		return loyalty_error_set(LOYALTY_ERANGE, "base points too large for the staff share");
	extra.num = base.num * rule->percent;
	extra.den = base.den * 100;
	return loyalty_fraction_reduce(extra, out); /* LOYALTY_OK is 0 */
}

static int add_staff(loyalty_calculator *calc)
{
	struct staff_rule *rule = malloc(sizeof *rule);

	if (rule == NULL)
		return loyalty_error_set(LOYALTY_ENOMEM, "add_staff: out of memory");
	strcpy(rule->tag, "staff");
	rule->percent = 10;
	/* from here on the calculator owns rule: it frees it even if this fails */
	return loyalty_calculator_add_custom(calc, "staff", LOYALTY_ROLE_MULTIPLIER, staff_extra, rule,
	                                     staff_rule_free);
}

/* The campaign as data, the way a program would load it from a file or a
 * database row: key=value pairs, with the window in ms since the epoch. */
static int add_tech_week(loyalty_calculator *calc)
{
	loyalty_params *p = NULL;
	loyalty_time start, end;
	int rc;

	rc = loyalty_time_from_civil(2026, 11, 23, 0, 0, 0, STORE_UTC_OFFSET, &start);
	if (rc == LOYALTY_OK)
		rc = loyalty_time_from_civil(2026, 11, 30, 0, 0, 0, STORE_UTC_OFFSET, &end);
	if (rc == LOYALTY_OK)
		rc = loyalty_params_new(&p);
	if (rc == LOYALTY_OK)
		rc = loyalty_params_add_fraction(p, "multiplier", (loyalty_fraction){ 2, 1 });
	if (rc == LOYALTY_OK)
		rc = loyalty_params_add_int(p, "start", start); /* inclusive */
	if (rc == LOYALTY_OK)
		rc = loyalty_params_add_int(p, "end", end);     /* exclusive */
	if (rc == LOYALTY_OK)
		rc = loyalty_params_add(p, "type", "electronics");
	if (rc == LOYALTY_OK)
		rc = loyalty_calculator_add_params(calc, "campaign", "tech_week", p);
	loyalty_params_free(p); /* borrowed by the call: the calculator keeps a copy */
	return rc;
}

static int build_calculator(loyalty_calculator **out)
{
	loyalty_calculator_options opts = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_calculator *calc = NULL;
	int rc;

	memcpy(opts.currency, "EUR", 4);
	opts.rounding = LOYALTY_ROUND_HALF_EVEN;
	opts.utc_offset_minutes = STORE_UTC_OFFSET;
	rc = loyalty_calculator_new(&calc, &opts);
	if (rc != LOYALTY_OK)
		return rc;
	/* base points first: the strategies after them scale or read them */
	rc = loyalty_calculator_add(calc, "product_type", "rates",
	                            "mode=rate per=100 type.electronics=2 type.groceries=1 default=1");
	if (rc == LOYALTY_OK)
		rc = loyalty_calculator_add(calc, "tier_multiplier", "tiers", "tier.silver=5/4 tier.gold=3/2");
	if (rc == LOYALTY_OK)
		rc = add_tech_week(calc);
	if (rc == LOYALTY_OK)
		rc = add_staff(calc);
	if (rc == LOYALTY_OK)
		rc = loyalty_calculator_add(calc, "threshold", "big_basket", "min_spend=20000 bonus=500");
	if (rc == LOYALTY_OK)
		*out = calc;
	else
		loyalty_calculator_free(calc);
	return rc;
}

/* "25812/25 = 1032.48": the exact fraction, then its decimal value when that
 * has at most 4 places (for a reduced fraction: its denominator divides 10000). */
static void print_fraction(loyalty_fraction f)
{
	char text[48]; /* always enough */

	loyalty_fraction_format(f, text, sizeof text);
	printf("%s", text);
	if (f.den != 1 && 10000 % f.den == 0) {
		long long digits = llabs(f.num % f.den) * (10000 / f.den);
		int places = 4;
		for (; digits != 0 && digits % 10 == 0; digits /= 10)
			places--;
		printf(" = %s%lld.%0*lld", f.num < 0 ? "-" : "", llabs(f.num / f.den), places, digits);
	}
}

/* Walk the receipt line by line: one line per strategy, in pipeline order. */
static int print_receipt(const loyalty_receipt *r)
{
	loyalty_receipt_line line;

	for (size_t i = 0; i < loyalty_receipt_line_count(r); i++) {
		int rc = loyalty_receipt_line_at(r, i, &line);
		if (rc != LOYALTY_OK)
			return rc;
		printf("  %-11s %-10s ", line.strategy, loyalty_strategy_role_name(line.role));
		if (line.applied)
			print_fraction(line.points);
		else
			printf("-"); /* the strategy's conditions did not hold */
		printf("  (%s)\n", line.detail);
	}
	printf("  exact ");
	print_fraction(loyalty_receipt_exact_points(r));
	printf(", %s rounding adds ", loyalty_rounding_name(loyalty_receipt_rounding(r)));
	print_fraction(loyalty_receipt_rounding_adjustment(r));
	printf(" -> %lld points\n", (long long)loyalty_receipt_points(r));
	return LOYALTY_OK;
}

struct member {
	const char *id, *name, *tier; /* tier NULL: none */
	int staff;
};

static const struct member members[] = {
	{ "0c7a5e10-0000-4000-8000-00000000000a", "Sam", "silver", 1 }, /* works here */
	{ "0c7a5e10-0000-4000-8000-00000000000b", "Grace", "gold", 0 },
	{ "0c7a5e10-0000-4000-8000-00000000000c", "Dana", NULL, 0 },
};

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
		rc = loyalty_customer_set_tier(c, m->tier); /* NULL clears it */
	if (rc == LOYALTY_OK && m->staff)
		rc = loyalty_customer_add_tag(c, "staff");
	if (rc == LOYALTY_OK)
		*out = c;
	else
		loyalty_customer_free(c); /* accepts NULL */
	return rc;
}

struct sale {
	const char *key;       /* the purchase's idempotency key */
	size_t member;         /* index into members[] */
	int day, hour, minute; /* November 2026, store time */
	const char *sku[2], *type[2];
	int64_t price[2];      /* cents, quantity 1 */
};

static const struct sale sales[] = {
	/* the first minute of tech week: the start is inclusive */
	{ "S-1", 0, 23, 0, 0, { "headphones", "milk-6" }, { "electronics", "groceries" }, { 8999, 1001 } },
	{ "S-2", 1, 27, 14, 10, { "tv-55", "coffee-1kg" }, { "electronics", "groceries" }, { 49999, 3250 } },
	/* the same basket the minute tech week ends: the end is exclusive */
	{ "S-3", 0, 30, 0, 0, { "headphones", "milk-6" }, { "electronics", "groceries" }, { 8999, 1001 } },
	/* books earn the default rate; 12.5 points is a tie, and half_even gives 12 */
	{ "S-4", 2, 30, 17, 45, { "novel", "bread" }, { "books", "groceries" }, { 1100, 150 } },
};

static int checkout(const loyalty_calculator *calc, const loyalty_customer *who, const struct sale *s)
{
	loyalty_purchase *p = NULL;
	loyalty_receipt *r = NULL;
	loyalty_time at;
	int rc;

	rc = loyalty_time_from_civil(2026, 11, s->day, s->hour, s->minute, 0, STORE_UTC_OFFSET, &at);
	if (rc == LOYALTY_OK)
		rc = loyalty_purchase_new(&p, s->key, loyalty_customer_id(who), at, "EUR");
	for (int i = 0; rc == LOYALTY_OK && i < 2; i++)
		rc = loyalty_purchase_add_item(p, s->sku[i], s->type[i], 1, s->price[i]);
	if (rc == LOYALTY_OK)
		rc = loyalty_calculator_compute(calc, who, p, NULL, &r); /* NULL: not a first purchase */
	if (rc == LOYALTY_OK) {
		int64_t cents = loyalty_purchase_total(p);
		printf("\n%s  2026-11-%02d %02d:%02d  %s, tier '%s'%s, EUR %lld.%02lld\n", s->key, s->day, s->hour,
		       s->minute, loyalty_customer_name(who), loyalty_customer_tier(who),
		       loyalty_customer_has_tag(who, "staff") ? ", staff" : "", (long long)(cents / 100),
		       (long long)(cents % 100));
		rc = print_receipt(r);
	}
	loyalty_receipt_free(r);
	loyalty_purchase_free(p);
	return rc;
}

int main(void)
{
	loyalty_calculator *calc = NULL;
	loyalty_customer *customers[COUNT(members)] = { NULL };
	int rc;

	rc = build_calculator(&calc);
	if (rc == LOYALTY_OK)
		printf("pipeline (name, kind, canonical parameters):\n");
	/* each strategy's canonical parameters: adding the same kind with this
	 * text rebuilds the same strategy, so this is what a program would save */
	for (size_t i = 0; rc == LOYALTY_OK && i < loyalty_calculator_strategy_count(calc); i++) {
		const loyalty_params *p = loyalty_calculator_strategy_params(calc, i);
		printf("%zu. %-11s %-16s %s\n", i + 1, loyalty_calculator_strategy_name(calc, i),
		       loyalty_calculator_strategy_kind(calc, i), p ? loyalty_params_text(p) : "(custom code)");
	}
	for (size_t i = 0; rc == LOYALTY_OK && i < COUNT(members); i++)
		rc = new_customer(&members[i], &customers[i]);
	for (size_t i = 0; rc == LOYALTY_OK && i < COUNT(sales); i++)
		rc = checkout(calc, customers[sales[i].member], &sales[i]);

	if (rc != LOYALTY_OK)
		fprintf(stderr, "retailer: %s (%s)\n", loyalty_last_error(), loyalty_status_name(rc));
	for (size_t i = 0; i < COUNT(members); i++)
		loyalty_customer_free(customers[i]);
	printf("\n");
	loyalty_calculator_free(calc); /* calls staff_rule_free, once */
	return rc == LOYALTY_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}
