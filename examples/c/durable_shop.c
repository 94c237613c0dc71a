/*
 * A durable program: open a directory, record purchases, close, reopen and
 * find the same balances; a snapshot; an export.
 *
 * The directory is made under $TMPDIR (or /tmp) and removed at the end.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <loyalty/loyalty.h>

#define CHECK(call)                                                                     \
	do {                                                                                \
		int rc_ = (call);                                                               \
		if (rc_ != LOYALTY_OK) {                                                        \
			fprintf(stderr, "%s failed: %s\n", #call, loyalty_last_error());            \
			exit(1);                                                                    \
		}                                                                               \
	} while (0)

/* The calculator is code: the host builds it the same way every time it opens the program. */
static loyalty_calculator *shop_calculator(void)
{
	loyalty_calculator_options opts = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_calculator *calc;

	memcpy(opts.currency, "EUR", 4);
	CHECK(loyalty_calculator_new(&calc, &opts));
	CHECK(loyalty_calculator_add(calc, "base_rate", "euro", "points=1 per=100"));
	CHECK(loyalty_calculator_add(calc, "threshold", "big-basket", "min_spend=5000 bonus=25"));
	return calc;
}

static loyalty_program *open_shop(const char *dir, int *created)
{
	loyalty_program_options opts = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_journal_options jopts = LOYALTY_JOURNAL_OPTIONS_INIT; /* fsync before every acknowledgement */
	loyalty_recovery_info info;
	loyalty_program *p;

	opts.expiry = LOYALTY_EXPIRY_BUCKET;
	opts.expiry_months = 24;
	CHECK(loyalty_program_open(&p, dir, shop_calculator(), &opts, &jopts, &info));
	*created = info.created;
	printf("opened the shop's directory: %s, snapshot generation %llu, %zu journal records replayed\n",
	       info.created ? "a new program" : "an existing program", (unsigned long long)info.snapshot_generation,
	       info.records_replayed);
	return p;
}

static void show(loyalty_program *p, const loyalty_id *id)
{
	loyalty_customer *c;

	CHECK(loyalty_program_get_customer(p, id, &c));
	printf("  %-8s available %4lld, earned %4lld, ledger entries %zu\n", loyalty_customer_name(c),
	       (long long)loyalty_customer_available(c), (long long)loyalty_customer_lifetime_earned(c),
	       loyalty_program_entry_count(p));
	loyalty_customer_free(c);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char dir[512], exported[600], cmd[1400];
	loyalty_program *p;
	loyalty_customer *profile;
	loyalty_purchase *order;
	loyalty_time at;
	loyalty_id id;
	int created;

	snprintf(dir, sizeof dir, "%.400s/libloyalty-durable-shop-%d", tmp, (int)getpid());
	CHECK(loyalty_id_parse("5e1f0c2a-7b3d-4c8e-9a10-0000000000aa", &id));
	CHECK(loyalty_time_from_civil(2026, 11, 28, 10, 0, 0, 60, &at));

	/* first run: define, enrol, buy */
	p = open_shop(dir, &created);
	CHECK(loyalty_customer_new(&profile, &id));
	CHECK(loyalty_customer_set_name(profile, "Lena"));
	CHECK(loyalty_program_enroll(p, "signup-lena", profile, NULL, at, NULL));
	loyalty_customer_free(profile);
	for (int i = 0; i < 3; i++) {
		char key[32];
		snprintf(key, sizeof key, "till-7-%04d", i + 1);
		CHECK(loyalty_purchase_new(&order, key, &id, at + i * LOYALTY_MS_PER_DAY, "EUR"));
		CHECK(loyalty_purchase_add_item(order, "basket", "groceries", 1, 2500 * (i + 1)));
		CHECK(loyalty_program_record_purchase(p, order, NULL)); /* acknowledged = on disk */
		loyalty_purchase_free(order);
	}
	printf("after three purchases:\n");
	show(p, &id);
	loyalty_program_free(p); /* the process could just as well have crashed here */

	/* second run: everything acknowledged is back */
	p = open_shop(dir, &created);
	printf("after reopening:\n");
	show(p, &id);
	/* a retried request replays, it does not count twice */
	CHECK(loyalty_purchase_new(&order, "till-7-0003", &id, at + 2 * LOYALTY_MS_PER_DAY, "EUR"));
	CHECK(loyalty_purchase_add_item(order, "basket", "groceries", 1, 7500));
	CHECK(loyalty_program_record_purchase(p, order, NULL));
	loyalty_purchase_free(order);
	printf("after retrying till-7-0003:\n");
	show(p, &id);
	/* compaction: the journal restarts from a snapshot */
	CHECK(loyalty_program_snapshot(p));
	snprintf(exported, sizeof exported, "%s.export", dir);
	CHECK(loyalty_program_export(p, exported));
	loyalty_program_free(p);

	p = open_shop(dir, &created);
	printf("after a snapshot and reopening:\n");
	show(p, &id);
	loyalty_program_free(p);

	/* an export loads into a fresh in-memory program (another machine, another version) */
	CHECK(loyalty_program_import(&p, exported, shop_calculator()));
	printf("imported from the export:\n");
	show(p, &id);
	loyalty_program_free(p);

	snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", dir, exported);
	return system(cmd) == 0 ? 0 : 1;
}
