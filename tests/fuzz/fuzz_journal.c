/*
 * libFuzzer target for the journal reader (lib/journal.c): the input is the
 * body of a journal file (what follows its 16-byte header) laid after a valid
 * snapshot; the target opens the directory read_only (which must leave the
 * journal's bytes as they were and refuse changes), then without and with
 * salvage. Opening must succeed or fail with LOYALTY_ECORRUPT / LOYALTY_EIO,
 * never crash or leak, and what it opened must be usable.
 *
 * Seeds: tests/fuzz/seeds/fuzz_journal/ (frames of a real journal).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <loyalty/loyalty.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[256];
static uint8_t header[16];

static loyalty_calculator *calc(void)
{
	loyalty_calculator_options o = LOYALTY_CALCULATOR_OPTIONS_INIT;
	loyalty_calculator *c = NULL;

	memcpy(o.currency, "USD", 4);
	if (loyalty_calculator_new(&c, &o) != LOYALTY_OK ||
	    loyalty_calculator_add(c, "base_rate", "base", "points=1 per=100") != LOYALTY_OK)
		abort();
	return c;
}

static void cleanup(void)
{
	char cmd[400];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_journal: could not remove %s\n", dir);
}

static void setup(void)
{
	loyalty_program_options po = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_journal_options jo = LOYALTY_JOURNAL_OPTIONS_INIT;
	loyalty_program *p;
	char path[300];
	FILE *f;

	snprintf(dir, sizeof dir, "%s/loyalty-fuzz-journal-%d", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
	         (int)getpid());
	jo.sync = LOYALTY_SYNC_NONE;
	if (loyalty_program_open(&p, dir, calc(), &po, &jo, NULL) != LOYALTY_OK)
		abort();
	loyalty_program_free(p);
	atexit(cleanup);
	snprintf(path, sizeof path, "%s/journal-1.ljr", dir);
	f = fopen(path, "rb");
	if (f == NULL || fread(header, 1, sizeof header, f) != sizeof header)
		abort();
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	loyalty_program_options po = LOYALTY_PROGRAM_OPTIONS_INIT;
	loyalty_journal_options jo = LOYALTY_JOURNAL_OPTIONS_INIT;
	char path[300];

	if (dir[0] == '\0')
		setup();
	jo.sync = LOYALTY_SYNC_NONE;
	/* read_only first: whatever it finds, it writes nothing (the journal keeps its bytes) and
	 * refuses changes */
	{
		loyalty_journal_options ro = jo;
		loyalty_calculator *c = calc();
		loyalty_program *p = NULL;
		uint8_t *back;
		FILE *f;
		int rc;

		snprintf(path, sizeof path, "%s/journal-1.ljr", dir);
		f = fopen(path, "wb");
		if (f == NULL || fwrite(header, 1, sizeof header, f) != sizeof header ||
		    (size && fwrite(data, 1, size, f) != size))
			abort();
		fclose(f);
		ro.read_only = 1;
		rc = loyalty_program_open(&p, dir, c, &po, &ro, NULL);
		if (rc == LOYALTY_OK) {
			rc = loyalty_program_maintain(p, INT64_C(4102444800000), NULL);
			if (rc != LOYALTY_ESTATE && rc != LOYALTY_OK && rc != LOYALTY_EINVAL)
				abort();
			loyalty_program_free(p);
		} else if (rc == LOYALTY_ECORRUPT || rc == LOYALTY_EIO || rc == LOYALTY_ENOMEM) {
			loyalty_calculator_free(c);
		} else {
			fprintf(stderr, "fuzz_journal: read_only: unexpected status %d: %s\n", rc, loyalty_last_error());
			abort();
		}
		back = malloc(sizeof header + size + 1);
		f = fopen(path, "rb");
		if (back == NULL || f == NULL || fread(back, 1, sizeof header + size + 1, f) != sizeof header + size ||
		    memcmp(back, header, sizeof header) != 0 || (size && memcmp(back + sizeof header, data, size) != 0))
			abort(); /* read_only changed the journal */
		fclose(f);
		free(back);
	}
	for (int salvage = 0; salvage <= 1; salvage++) {
		loyalty_calculator *c = calc();
		loyalty_program *p = NULL;
		FILE *f;
		int rc;

		snprintf(path, sizeof path, "%s/journal-1.ljr", dir);
		f = fopen(path, "wb");
		if (f == NULL || fwrite(header, 1, sizeof header, f) != sizeof header ||
		    (size && fwrite(data, 1, size, f) != size))
			abort();
		fclose(f);
		jo.salvage = salvage;
		rc = loyalty_program_open(&p, dir, c, &po, &jo, NULL);
		if (rc == LOYALTY_OK) {
			/* usable: read everything, then one more write */
			for (size_t i = 0; i < loyalty_program_entry_count(p); i++) {
				loyalty_entry e;
				if (loyalty_program_entry_at(p, i, &e) != LOYALTY_OK)
					abort();
			}
			loyalty_program_maintain(p, INT64_C(4102444800000), NULL);
			loyalty_program_free(p);
		} else if (rc == LOYALTY_ECORRUPT || rc == LOYALTY_EIO || rc == LOYALTY_ENOMEM) {
			loyalty_calculator_free(c); /* a failed open leaves the calculator to us */
		} else {
			fprintf(stderr, "fuzz_journal: unexpected status %d: %s\n", rc, loyalty_last_error());
			abort();
		}
		/* torn tails cut aside pile up: remove them */
		{
			char cmd[400];
			snprintf(cmd, sizeof cmd, "rm -f %s/torn-*", dir);
			if (system(cmd) != 0)
				abort();
		}
	}
	return 0;
}
