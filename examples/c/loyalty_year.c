/*
 * loyalty_year - a customer's year in a café-bookshop's loyalty program.
 *
 * coffee_shop.c and retailer.c only compute points; this example runs a
 * loyalty_program, which keeps the customers, their tiers and the ledger.
 * Paper & Bean (New York, UTC-05:00) pays 1 point per dollar, double on
 * books, holds points 14 days (the return window), lets them expire after
 * 12 months, and ranks customers by their spend in the calendar year.
 * Iris buys, reviews, refers a friend, returns an item, redeems, and opens
 * the shop's app a year and a half later.
 *
 * Ids and times are fixed, so the output is the same on every run.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <loyalty/loyalty.h>

#define SHOP_UTC_OFFSET (-5 * 60)
#define COUNT(a) (sizeof (a) / sizeof (a)[0])

/* One line of a basket, price in cents; a basket ends with an item without a sku. */
struct item {
	const char *sku, *type;
	int64_t quantity, cents;
};
#define BASKET(...) ((const struct item[]){ __VA_ARGS__, { NULL, NULL, 0, 0 } })

/* Every call returns LOYALTY_OK or an error status, and a failed call changes
 * nothing. Stop unless @p rc is @p expected: OK, or what a rule must refuse with. */
static void expect(int rc, int expected)
{
	if (rc != expected) {
		fprintf(stderr, "loyalty_year: %s (%s)\n", loyalty_last_error(), loyalty_status_name(rc));
		exit(EXIT_FAILURE);
	}
	if (rc != LOYALTY_OK)
		printf("refused, %s\n", loyalty_last_error());
}
#define check(rc) expect((rc), LOYALTY_OK)

static void print_date(loyalty_time t)
{
	int y, m, d;

	check(loyalty_time_to_civil(t, SHOP_UTC_OFFSET, &y, &m, &d, NULL, NULL, NULL, NULL));
	printf("%04d-%02d-%02d", y, m, d);
}

static void print_dollars(int64_t cents)
{
	printf("$%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
}

/* A line of the story: the date, then the text. */
static void say(loyalty_time at, const char *format, ...)
{
	va_list ap;

	print_date(at);
	printf("  ");
	va_start(ap, format);
	vprintf(format, ap);
	va_end(ap);
}

static void add_reward(loyalty_program *p, const char *id, const char *name, loyalty_points cost,
                       const char *min_tier, int64_t stock)
{
	loyalty_reward_def def = LOYALTY_REWARD_DEF_INIT; /* valid at all times, unlimited stock */

	def.id = id;
	def.name = name;
	def.cost = cost;
	def.min_tier = min_tier;
	def.stock = stock;
	check(loyalty_program_add_reward(p, &def));
}

static loyalty_program *build_program(void)
{
	static const char *const silver[] = { "free_delivery" };
	static const char *const gold[] = { "free_delivery", "early_access" };
	loyalty_calculator_options copts = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_program_options opts = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_calculator *calc;
	loyalty_program *p;
	int rc;

	memcpy(copts.currency, "USD", 4);
	copts.utc_offset_minutes = SHOP_UTC_OFFSET; /* birthdays, months, years */
	check(loyalty_calculator_new(&calc, &copts));
	check(loyalty_calculator_exclude_product_type(calc, "gift_card"));
	check(loyalty_calculator_add(calc, "base_rate", "dollar", "points=1 per=100"));
	check(loyalty_calculator_add(calc, "product_type", "books", "mode=multiplier type.books=2"));
	check(loyalty_calculator_add(calc, "birthday", "birthday", "bonus=100 period=day"));

	opts.pending_days = 14;
	opts.expiry = LOYALTY_EXPIRY_BUCKET;
	opts.expiry_months = 12;
	opts.expiry_round_up = LOYALTY_PERIOD_MONTH;
	/* tiers: by spend over the calendar year (tier_metric and tier_window's defaults) */
	opts.referrer_bonus = 200;
	opts.referee_bonus = 100;
	opts.referral_min_spend = 2000;
	rc = loyalty_program_new(&p, calc, &opts);
	if (rc != LOYALTY_OK)
		loyalty_calculator_free(calc); /* the program takes the calculator only on success */
	check(rc);

	/* tiers and actions come before the first enrolment; rewards at any time */
	check(loyalty_program_add_tier(p, "member", 0, NULL, 0));
	check(loyalty_program_add_tier(p, "silver", 50000, silver, COUNT(silver)));
	check(loyalty_program_add_tier(p, "gold", 150000, gold, COUNT(gold)));
	check(loyalty_program_add_action(p, "review", 25, 1, LOYALTY_PERIOD_MONTH));
	add_reward(p, "free-coffee", "A coffee on us", 150, NULL, -1);
	add_reward(p, "tote-bag", "Paper & Bean tote bag", 250, NULL, 40);
	add_reward(p, "signed-edition", "A signed first edition", 600, "silver", -1);
	add_reward(p, "reading-retreat", "A weekend reading retreat", 2500, "gold", -1);
	return p;
}

/* The referral bonuses and tier changes among the ledger entries from index @p from on. */
static void print_side_effects(const loyalty_program *p, size_t from)
{
	loyalty_entry e;

	for (size_t i = from; i < loyalty_program_entry_count(p); i++) {
		check(loyalty_program_entry_at(p, i, &e));
		if (e.kind == LOYALTY_ENTRY_REFERRAL)
			printf("            %+lld points: %s\n", (long long)e.points, e.memo);
		if (e.kind == LOYALTY_ENTRY_TIER) {
			printf("            tier %s, with", e.memo); /* the ref is the new tier */
			for (size_t j = 0; j < loyalty_program_tier_benefit_count(p, e.ref); j++)
				printf(" %s", loyalty_program_tier_benefit(p, e.ref, j));
			printf("\n");
		}
	}
}

/* The shop's calendar: moving it forward runs the maintenance sweeps due on the
 * way, on the 1st of every month at 02:00 (a real shop might sweep nightly). */
struct calendar {
	loyalty_program *p;
	int year, month; /* of the next sweep */
};

static loyalty_time advance(struct calendar *cal, int year, int month, int day, int hour, int minute)
{
	loyalty_maintenance_report rep;
	loyalty_time now, sweep;

	check(loyalty_time_from_civil(year, month, day, hour, minute, 0, SHOP_UTC_OFFSET, &now));
	for (;;) {
		check(loyalty_time_from_civil(cal->year, cal->month, 1, 2, 0, 0, SHOP_UTC_OFFSET, &sweep));
		if (sweep > now)
			return now; /* the library never reads a clock: the caller passes time in */
		check(loyalty_program_maintain(cal->p, sweep, &rep));
		if (rep.entries > 0)
			say(sweep, "sweep, all accounts: %lld points matured, %lld expired\n", (long long)rep.matured,
			    (long long)rep.expired);
		cal->month = cal->month % 12 + 1;
		cal->year += cal->month == 1;
	}
}

static void enroll(loyalty_program *p, const char *uuid, const char *name, int birth_month, int birth_day,
                   const char *referral_code, loyalty_time at, loyalty_id *id)
{
	char code[LOYALTY_REFERRAL_CODE_LEN + 1];
	loyalty_customer *profile;

	check(loyalty_id_parse(uuid, id));
	check(loyalty_customer_new(&profile, id));
	check(loyalty_customer_set_name(profile, name));
	check(loyalty_customer_set_birthday(profile, birth_month, birth_day));
	check(loyalty_program_enroll(p, uuid, profile, referral_code, at, NULL)); /* the key: the id */
	loyalty_customer_free(profile); /* the program keeps a copy */
	check(loyalty_program_referral_code(p, id, code, sizeof code));
	say(at, "%s joins%s%s; referral code %s\n", name, referral_code ? " with code " : "",
	    referral_code ? referral_code : "", code);
}

static void buy(loyalty_program *p, const loyalty_id *who, const char *order, loyalty_time at, const char *channel,
                const struct item *items)
{
	size_t before = loyalty_program_entry_count(p);
	loyalty_receipt_line line;
	loyalty_purchase *pu;
	loyalty_receipt *r;
	char exact[48];
	int len;

	check(loyalty_purchase_new(&pu, order, who, at, "USD")); /* the order number is the key */
	check(loyalty_purchase_set_channel(pu, channel));
	for (; items->sku != NULL; items++)
		check(loyalty_purchase_add_item(pu, items->sku, items->type, items->quantity, items->cents));
	check(loyalty_program_record_purchase(p, pu, &r));
	say(at, "%s, %s ", order, channel);
	print_dollars(loyalty_purchase_total(pu));
	printf(": %+lld points", (long long)loyalty_receipt_credited(r));
	for (size_t i = 0; i < loyalty_receipt_line_count(r); i++) { /* what came on top of the base */
		check(loyalty_receipt_line_at(r, i, &line));
		if (line.role != LOYALTY_ROLE_BASE && line.points.num != 0) {
			len = loyalty_fraction_format(line.points, exact, sizeof exact);
			check(len < 0 ? len : LOYALTY_OK);
			printf(" (%s %s%s)", line.strategy, line.points.num > 0 ? "+" : "", exact);
		}
	}
	if (loyalty_receipt_entry_seq(r) != 0 && loyalty_receipt_entry_seq(r) <= before) { /* an older EARN entry */
		printf(", the first receipt again: a retry records nothing\n");
	} else {
		printf(", held until ");
		print_date(loyalty_receipt_pending_until(r));
		printf("\n");
	}
	print_side_effects(p, before);
	loyalty_receipt_free(r);
	loyalty_purchase_free(pu);
}

/* The account screen of the shop's app. */
static void print_statement(const loyalty_program *p, const loyalty_id *id, loyalty_time now)
{
	loyalty_reward_def reward;
	loyalty_points missing;
	loyalty_progress pr;

	check(loyalty_program_progress(p, id, now, &pr));
	printf("\n  tier         %s, with", pr.tier);
	for (size_t j = 0; j < loyalty_program_tier_benefit_count(p, pr.tier); j++)
		printf(" %s", loyalty_program_tier_benefit(p, pr.tier, j));
	if (pr.next_tier[0] != '\0') {
		printf("\n  next tier    %s: spend ", pr.next_tier);
		print_dollars(pr.to_next_tier);
		printf(" more this year (");
		print_dollars(pr.metric);
		printf(" so far)");
	}
	printf("\n  points       %lld available, %lld pending\n", (long long)pr.available, (long long)pr.pending);
	if (pr.next_expiry != 0) {
		printf("  next expiry  %lld points on ", (long long)pr.next_expiry_points);
		print_date(pr.next_expiry);
		printf("\n");
	}
	for (size_t i = 0; i < loyalty_program_reward_count(p); i++) {
		check(loyalty_program_reward_at(p, i, &reward));
		check(loyalty_program_points_missing(p, id, reward.id, &missing));
		printf("  %-12s %-26s %4lld  ", i == 0 ? "rewards" : "", reward.name, (long long)reward.cost);
		if (missing > 0)
			printf("%lld points to go", (long long)missing);
		else
			printf("yours to take");
		if (reward.min_tier != NULL)
			printf(", %s and up", reward.min_tier);
		if (reward.stock >= 0)
			printf(", %lld left", (long long)reward.stock);
		printf("\n");
	}
}

/* The ledger in the order it was written. A sweep dates a maturity or an
 * expiry when it happened, which may be before entries written earlier. */
static void print_ledger(const loyalty_program *p, const loyalty_id *id)
{
	loyalty_entry e;
	size_t n;

	check(loyalty_program_customer_entry_count(p, id, &n));
	printf("\n  date        entry          points  pending  balance  memo\n");
	for (size_t i = 0; i < n; i++) {
		check(loyalty_program_customer_entry_at(p, id, i, &e));
		printf("  ");
		print_date(e.at);
		printf("  %-13s %6lld  %7lld  %7lld  ", loyalty_entry_kind_name(e.kind), (long long)e.points,
		       (long long)e.pending, (long long)e.available_after);
		if (e.kind == LOYALTY_ENTRY_REDEEM || e.kind == LOYALTY_ENTRY_REDEEM_CANCEL)
			printf("%s\n", e.ref); /* the reward: the memo is the coupon code, a random UUID */
		else if (e.kind == LOYALTY_ENTRY_EARN || e.kind == LOYALTY_ENTRY_REFUND || e.kind == LOYALTY_ENTRY_ACTION)
			printf("%s %s\n", e.memo, e.ref); /* the order, the action */
		else
			printf("%s\n", e.memo);
	}
}

int main(void)
{
	struct calendar cal = { NULL, 2026, 2 }; /* the first sweep: 1 February */
	char code[LOYALTY_REFERRAL_CODE_LEN + 1];
	loyalty_redemption tote, book;
	loyalty_refund_result refund;
	loyalty_entry review;
	loyalty_id iris, tom;
	loyalty_time at;

	printf("libloyalty %s - a year at Paper & Bean (dates at UTC-05:00)\n\n", loyalty_version_string());
	cal.p = build_program();
	enroll(cal.p, "0c0ffee0-b00c-4000-8000-000000000001", "Iris Novak", 6, 12, NULL,
	       advance(&cal, 2026, 1, 10, 9, 30), &iris);
	buy(cal.p, &iris, "order-1001", advance(&cal, 2026, 1, 10, 9, 35), "store",
	    BASKET({ "latte", "coffee", 1, 475 }, { "novel", "books", 1, 1800 }));
	at = advance(&cal, 2026, 2, 14, 18, 0);
	for (int attempt = 0; attempt < 2; attempt++) /* the till retries after a timeout */
		buy(cal.p, &iris, "order-1002", at, "online",
		    BASKET({ "cookbook", "books", 1, 3500 }, { "gift-card", "gift_card", 1, 2500 }));

	at = advance(&cal, 2026, 3, 8, 20, 0);
	check(loyalty_program_record_action(cal.p, "review-0308", &iris, "review", at, &review));
	say(at, "a book review: %+lld points\n", (long long)review.points);
	at = advance(&cal, 2026, 3, 9, 8, 0);
	say(at, "another review: ");
	expect(loyalty_program_record_action(cal.p, "review-0309", &iris, "review", at, NULL), LOYALTY_ERANGE);

	/* a friend joins with Iris's code: his first purchase of $20 or more pays them both */
	check(loyalty_program_referral_code(cal.p, &iris, code, sizeof code));
	enroll(cal.p, "0c0ffee0-b00c-4000-8000-000000000002", "Tom Reyes", 0, 0, code,
	       advance(&cal, 2026, 3, 15, 11, 0), &tom);
	buy(cal.p, &tom, "order-2001", advance(&cal, 2026, 3, 21, 16, 45), "store",
	    BASKET({ "thriller", "books", 1, 2400 }, { "mocha", "coffee", 1, 600 }));

	buy(cal.p, &iris, "order-1003", advance(&cal, 2026, 4, 18, 10, 15), "store",
	    BASKET({ "beans-1lb", "coffee", 2, 1600 }, { "scone", "pastry", 1, 375 }));
	buy(cal.p, &iris, "order-1004", advance(&cal, 2026, 5, 23, 13, 0), "online",
	    BASKET({ "box-set", "books", 1, 23000 }, { "espresso-maker", "homeware", 1, 18000 }));
	at = advance(&cal, 2026, 6, 2, 12, 0); /* she returns the espresso maker within 14 days */
	check(loyalty_program_refund(cal.p, "refund-1004", "order-1004", 18000, at, &refund));
	say(at, "refund of $180.00 on order-1004: %+lld points (%lld of them still held)\n",
	    (long long)-refund.clawed_back, (long long)refund.from_pending);
	buy(cal.p, &iris, "order-1005", advance(&cal, 2026, 6, 12, 8, 10), "store", /* her birthday */
	    BASKET({ "latte", "coffee", 1, 475 }, { "cake", "pastry", 1, 650 }));

	at = advance(&cal, 2026, 7, 4, 15, 0);
	check(loyalty_program_redeem(cal.p, "redeem-0704", &iris, "tote-bag", at, &tote));
	say(at, "redeems a tote bag: -%lld points\n", (long long)tote.points);
	at = advance(&cal, 2026, 7, 5, 9, 0);
	check(loyalty_program_cancel_redemption(cal.p, "cancel-0705", &tote.id, at, &tote));
	say(at, "cancels it: %lld points back, with their expiry, and the bag back in stock\n", (long long)tote.points);
	say(at, "Tom asks for a signed edition: ");
	expect(loyalty_program_redeem(cal.p, "redeem-0705-tom", &tom, "signed-edition", at, NULL), LOYALTY_ESTATE);
	check(loyalty_program_redeem(cal.p, "redeem-0705", &iris, "signed-edition", at, &book));
	say(at, "Iris, silver, redeems one: -%lld points\n", (long long)book.points);

	buy(cal.p, &iris, "order-1006", advance(&cal, 2026, 9, 5, 11, 0), "store",
	    BASKET({ "paperback", "books", 3, 1500 }, { "latte", "coffee", 1, 450 }));
	buy(cal.p, &iris, "order-1007", advance(&cal, 2026, 12, 5, 17, 0), "online",
	    BASKET({ "gift-book", "books", 4, 2800 }, { "notebook", "stationery", 2, 1200 }));
	buy(cal.p, &tom, "order-2002", advance(&cal, 2026, 12, 12, 14, 30), "store",
	    BASKET({ "wall-calendar", "stationery", 1, 1800 }));
	/* 1 January: $520.25 spent in 2026 keeps her silver for 2027 */
	buy(cal.p, &iris, "order-1008", advance(&cal, 2027, 3, 13, 10, 0), "store",
	    BASKET({ "poetry", "books", 1, 2200 }, { "flat-white", "coffee", 1, 500 }));

	/* a year after the summer, the sweep of 1 July expires what became available last June */
	at = advance(&cal, 2027, 7, 1, 9, 0);
	say(at, "Iris opens the app");
	print_statement(cal.p, &iris, at);
	print_ledger(cal.p, &iris);

	loyalty_program_free(cal.p); /* with its calculator, customers and ledger */
	return EXIT_SUCCESS;
}
