/*
 * libloyalty - histories: recorded events read back from a program (its
 * idempotency records keep each request's canonical bytes), an export file,
 * a program's directory, or a CSV file of purchases.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uuid/uuid.h>

#include "codec.h"
#include "history_internal.h"
#include "internal.h"
#include "map.h"
#include "program_internal.h"
#include "loyalty/journal.h"
#include "loyalty/simulate.h"

/* ---- the history --------------------------------------------------------------------- */

static void event_clear(ly_event *e)
{
	free(e->key);
	free(e->text);
	loyalty_customer_free(e->profile);
	loyalty_purchase_free(e->purchase);
	memset(e, 0, sizeof *e);
}

LOYALTY_API int loyalty_history_new(loyalty_history **out)
{
	loyalty_history *h;

	LY_CHECK_NULL(out, "loyalty_history_new");
	if ((h = calloc(1, sizeof *h)) == NULL)
		return ly_error(LOYALTY_ENOMEM, "loyalty_history_new: out of memory");
	*out = h;
	return LOYALTY_OK;
}

LOYALTY_API void loyalty_history_free(loyalty_history *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->n; i++)
		event_clear(&h->ev[i]);
	free(h->ev);
	free(h);
}

LOYALTY_API size_t loyalty_history_count(const loyalty_history *h, int kind)
{
	if (h == NULL)
		return 0;
	if (kind == LOYALTY_EVENT_ALL)
		return h->n;
	if (kind < LOYALTY_EVENT_ENROLL || kind > LOYALTY_EVENT_REDEEM)
		return 0;
	return h->counts[kind];
}

/* Append @p e (steals what it owns, also on failure). */
static int push(loyalty_history *h, ly_event *e, const char *fn)
{
	if (h->n == h->cap && ly_grow((void **)&h->ev, &h->cap, h->n + 1, sizeof *h->ev) != LOYALTY_OK) {
		event_clear(e);
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	}
	h->ev[h->n++] = *e;
	h->counts[e->kind]++;
	return LOYALTY_OK;
}

static int check_key(const char *key, const char *what, const char *fn)
{
	if (key == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: %s is NULL", fn, what);
	if (!ly_is_token(key, LOYALTY_KEY_MAX))
		return ly_error(LOYALTY_EINVAL, "%s: %s must be 1..%d printable ASCII bytes without spaces", fn, what,
		                LOYALTY_KEY_MAX);
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_history_add_enrollment(loyalty_history *h, const char *key, const loyalty_customer *profile,
                                               const char *referral_code, loyalty_time at)
{
	static const char fn[] = "loyalty_history_add_enrollment";
	ly_event e = { 0 };
	int rc;

	LY_CHECK_NULL(h, fn);
	LY_CHECK_NULL(profile, fn);
	if ((rc = check_key(key, "key", fn)) != LOYALTY_OK)
		return rc;
	if (referral_code != NULL && !ly_is_token(referral_code, LOYALTY_KEY_MAX))
		return ly_error(LOYALTY_EINVAL, "%s: malformed referral code", fn);
	e.kind = LOYALTY_EVENT_ENROLL;
	e.at = at;
	e.key = ly_strdup(key);
	e.text = referral_code ? ly_strdup(referral_code) : NULL;
	if (e.key == NULL || (referral_code && e.text == NULL) || loyalty_customer_clone(&e.profile, profile) != LOYALTY_OK) {
		event_clear(&e);
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	}
	return push(h, &e, fn);
}

/* Steals @p pu. */
static int push_purchase(loyalty_history *h, loyalty_purchase *pu, const char *fn)
{
	ly_event e = { 0 };

	e.kind = LOYALTY_EVENT_PURCHASE;
	e.at = pu->at;
	e.purchase = pu;
	return push(h, &e, fn);
}

LOYALTY_API int loyalty_history_add_purchase(loyalty_history *h, const loyalty_purchase *purchase)
{
	static const char fn[] = "loyalty_history_add_purchase";
	loyalty_purchase *copy;

	LY_CHECK_NULL(h, fn);
	LY_CHECK_NULL(purchase, fn);
	if (loyalty_purchase_clone(&copy, purchase) != LOYALTY_OK)
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	return push_purchase(h, copy, fn);
}

LOYALTY_API int loyalty_history_add_refund(loyalty_history *h, const char *refund_key, const char *purchase_key,
                                           int64_t amount, loyalty_time at)
{
	static const char fn[] = "loyalty_history_add_refund";
	ly_event e = { 0 };
	int rc;

	LY_CHECK_NULL(h, fn);
	if ((rc = check_key(refund_key, "refund_key", fn)) != LOYALTY_OK ||
	    (rc = check_key(purchase_key, "purchase_key", fn)) != LOYALTY_OK)
		return rc;
	if (amount <= 0)
		return ly_error(LOYALTY_EINVAL, "%s: amount must be > 0 (got %lld)", fn, (long long)amount);
	e.kind = LOYALTY_EVENT_REFUND;
	e.at = at;
	e.amount = amount;
	e.key = ly_strdup(refund_key);
	e.text = ly_strdup(purchase_key);
	if (e.key == NULL || e.text == NULL) {
		event_clear(&e);
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	}
	return push(h, &e, fn);
}

LOYALTY_API int loyalty_history_add_redemption(loyalty_history *h, const char *key, const loyalty_id *customer,
                                               const char *reward, loyalty_time at)
{
	static const char fn[] = "loyalty_history_add_redemption";
	ly_event e = { 0 };
	int rc;

	LY_CHECK_NULL(h, fn);
	LY_CHECK_NULL(customer, fn);
	LY_CHECK_NULL(reward, fn);
	if ((rc = check_key(key, "key", fn)) != LOYALTY_OK)
		return rc;
	if (loyalty_id_is_nil(customer))
		return ly_error(LOYALTY_EINVAL, "%s: the customer id is nil", fn);
	if (!ly_is_ident(reward, LOYALTY_NAME_ID_MAX))
		return ly_error(LOYALTY_EINVAL, "%s: malformed reward id", fn);
	e.kind = LOYALTY_EVENT_REDEEM;
	e.at = at;
	e.customer = *customer;
	e.key = ly_strdup(key);
	e.text = ly_strdup(reward);
	if (e.key == NULL || e.text == NULL) {
		event_clear(&e);
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	}
	return push(h, &e, fn);
}

/* ---- reading requests back ------------------------------------------------------------
 * The canonical request bytes (lib/txn.c ly_bytes_*): an int64 is 8 bytes little endian; a
 * string is its length as an int64 (-1 for NULL) and its bytes; an id is 16 raw bytes. */

typedef struct req_reader {
	const uint8_t *d;
	size_t len, off;
	bool bad;
	char buf[LOYALTY_NAME_MAX + 1]; /* the last string read */
} req_reader;

static int64_t rq_i64(req_reader *r)
{
	uint64_t v = 0;

	if (r->bad || r->len - r->off < 8) {
		r->bad = true;
		return 0;
	}
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)r->d[r->off + i] << (8 * i);
	r->off += 8;
	return (int64_t)v;
}

/* A string into r->buf; returns NULL for a NULL string (or when bad). */
static const char *rq_str(req_reader *r)
{
	int64_t n = rq_i64(r);

	if (r->bad)
		return NULL;
	if (n == -1)
		return NULL;
	if (n < 0 || (uint64_t)n > sizeof r->buf - 1 || (uint64_t)n > r->len - r->off) {
		r->bad = true;
		return NULL;
	}
	memcpy(r->buf, r->d + r->off, (size_t)n);
	r->buf[n] = '\0';
	r->off += (size_t)n;
	return r->buf;
}

static void rq_id(req_reader *r, loyalty_id *id)
{
	if (r->bad || r->len - r->off < 16) {
		r->bad = true;
		return;
	}
	memcpy(id->bytes, r->d + r->off, 16);
	r->off += 16;
}

static int bad_record(const char *fn, const char *key, const char *what)
{
	return ly_error(LOYALTY_ECORRUPT, "%s: the %s request of key '%.128s' cannot be read back", fn, what, key);
}

static int read_enrollment(loyalty_history *h, const ly_idem *ir, const char *fn)
{
	req_reader r = { ir->request, ir->request_len, 0, false, { 0 } };
	loyalty_customer *c = NULL;
	loyalty_id id;
	const char *s;
	char *referral = NULL;
	loyalty_time at;
	int64_t birthday;
	int rc = LOYALTY_OK;

	rq_id(&r, &id);
	if (r.bad || loyalty_customer_new(&c, &id) != LOYALTY_OK)
		return r.bad ? bad_record(fn, ir->key, "enrolment") : ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	if ((s = rq_str(&r)) != NULL && loyalty_customer_set_external_ref(c, s) != LOYALTY_OK)
		r.bad = true;
	if ((s = rq_str(&r)) != NULL && loyalty_customer_set_name(c, s) != LOYALTY_OK)
		r.bad = true;
	if ((s = rq_str(&r)) != NULL && loyalty_customer_set_email(c, s) != LOYALTY_OK)
		r.bad = true;
	birthday = rq_i64(&r);
	if (!r.bad && birthday != 0 && loyalty_customer_set_birthday(c, (int)(birthday / 100), (int)(birthday % 100)))
		r.bad = true;
	/* then the tags, the referral code (both strings) and the time: strings until 8 bytes are left */
	while (!r.bad && r.len - r.off > 8) {
		s = rq_str(&r);
		if (r.bad)
			break;
		if (r.len - r.off == 8) { /* the last string is the referral code */
			if (s != NULL && (referral = ly_strdup(s)) == NULL)
				rc = LOYALTY_ENOMEM;
			break;
		}
		if (s == NULL || loyalty_customer_add_tag(c, s) != LOYALTY_OK)
			r.bad = true;
	}
	at = rq_i64(&r);
	if (!r.bad && r.off != r.len)
		r.bad = true;
	if (rc == LOYALTY_OK && !r.bad)
		rc = loyalty_history_add_enrollment(h, ir->key, c, referral, at);
	else if (rc != LOYALTY_OK)
		rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	else
		rc = bad_record(fn, ir->key, "enrolment");
	free(referral);
	loyalty_customer_free(c);
	return rc;
}

static int read_purchase(loyalty_history *h, const ly_idem *ir, const char *fn)
{
	req_reader r = { ir->request, ir->request_len, 0, false, { 0 } };
	loyalty_purchase *pu = NULL;
	loyalty_id customer;
	loyalty_time at;
	char key[LOYALTY_KEY_MAX + 1], currency[4], channel[LOYALTY_CHANNEL_MAX + 1];
	const char *s;
	int64_t count;

	s = rq_str(&r);
	if (s == NULL || strlen(s) > LOYALTY_KEY_MAX)
		return bad_record(fn, ir->key, "purchase");
	strcpy(key, s);
	rq_id(&r, &customer);
	at = rq_i64(&r);
	s = rq_str(&r);
	if (s == NULL || strlen(s) != 3)
		return bad_record(fn, ir->key, "purchase");
	memcpy(currency, s, 4);
	s = rq_str(&r);
	if (s == NULL || strlen(s) > LOYALTY_CHANNEL_MAX)
		return bad_record(fn, ir->key, "purchase");
	strcpy(channel, s);
	count = rq_i64(&r);
	if (r.bad || count < 0 || count > LOYALTY_ITEMS_MAX ||
	    loyalty_purchase_new(&pu, key, &customer, at, currency) != LOYALTY_OK ||
	    loyalty_purchase_set_channel(pu, channel) != LOYALTY_OK) {
		loyalty_purchase_free(pu);
		return bad_record(fn, ir->key, "purchase");
	}
	for (int64_t i = 0; i < count && !r.bad; i++) {
		char sku[LOYALTY_SKU_MAX + 1], type[LOYALTY_PRODUCT_TYPE_MAX + 1];
		int64_t quantity, price;
		s = rq_str(&r);
		if (s == NULL || strlen(s) > LOYALTY_SKU_MAX) {
			r.bad = true;
			break;
		}
		strcpy(sku, s);
		s = rq_str(&r);
		if (s == NULL || strlen(s) > LOYALTY_PRODUCT_TYPE_MAX) {
			r.bad = true;
			break;
		}
		strcpy(type, s);
		quantity = rq_i64(&r);
		price = rq_i64(&r);
		if (r.bad || loyalty_purchase_add_item(pu, sku, type, quantity, price) != LOYALTY_OK)
			r.bad = true;
	}
	if (r.bad || r.off != r.len) {
		loyalty_purchase_free(pu);
		return bad_record(fn, ir->key, "purchase");
	}
	return push_purchase(h, pu, fn);
}

static int read_refund(loyalty_history *h, const ly_idem *ir, const char *fn)
{
	req_reader r = { ir->request, ir->request_len, 0, false, { 0 } };
	char purchase_key[LOYALTY_KEY_MAX + 1];
	const char *s = rq_str(&r);
	int64_t amount;
	loyalty_time at;

	if (s == NULL || strlen(s) > LOYALTY_KEY_MAX)
		return bad_record(fn, ir->key, "refund");
	strcpy(purchase_key, s);
	amount = rq_i64(&r);
	at = rq_i64(&r);
	if (r.bad || r.off != r.len || amount <= 0)
		return bad_record(fn, ir->key, "refund");
	return loyalty_history_add_refund(h, ir->key, purchase_key, amount, at);
}

static int read_redemption(loyalty_history *h, const ly_idem *ir, const char *fn)
{
	req_reader r = { ir->request, ir->request_len, 0, false, { 0 } };
	loyalty_id customer;
	char reward[LOYALTY_NAME_ID_MAX + 1];
	const char *s;
	loyalty_time at;

	rq_id(&r, &customer);
	s = rq_str(&r);
	if (s == NULL || strlen(s) > LOYALTY_NAME_ID_MAX)
		return bad_record(fn, ir->key, "redemption");
	strcpy(reward, s);
	at = rq_i64(&r);
	if (r.bad || r.off != r.len || loyalty_id_is_nil(&customer))
		return bad_record(fn, ir->key, "redemption");
	return loyalty_history_add_redemption(h, ir->key, &customer, reward, at);
}

static int report(loyalty_progress_fn progress, void *data, uint64_t done, uint64_t total, const char *fn)
{
	if (progress != NULL && progress(done, total, data) != 0)
		return ly_error(LOYALTY_ECANCELED, "%s: canceled by the progress callback at %llu of %llu", fn,
		                (unsigned long long)done, (unsigned long long)total);
	return LOYALTY_OK;
}

#define PROGRESS_STEP 4096

/* Progress of two phases (loading files, then reading their requests) as one count: the second
 * phase's units follow the first's. */
typedef struct phased {
	loyalty_progress_fn fn;
	void *data;
	uint64_t before;     /* units of the finished phases */
} phased;

static int phased_call(uint64_t done, uint64_t total, void *data)
{
	phased *ph = data;
	return ph->fn(ph->before + done, ph->before + total, ph->data);
}

static int from_program(loyalty_history **out, const loyalty_program *p, loyalty_progress_fn progress, void *data,
                        const char *fn)
{
	loyalty_history *h = NULL;
	const void **items = NULL;
	size_t n = 0;
	int rc;

	if ((rc = loyalty_history_new(&h)) != LOYALTY_OK)
		return rc;
	ly_lock(p);
	if (p->store->ops->list(p->store, LY_LIST_IDEM, &items, &n) != LOYALTY_OK) {
		ly_unlock(p);
		loyalty_history_free(h);
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	}
	rc = report(progress, data, 0, n, fn);
	for (size_t i = 0; i < n && rc == LOYALTY_OK; i++) {
		const ly_idem *ir = items[i];
		switch (ir->op) {
		case LY_OP_ENROLL: rc = read_enrollment(h, ir, fn); break;
		case LY_OP_PURCHASE: rc = read_purchase(h, ir, fn); break;
		case LY_OP_REFUND: rc = read_refund(h, ir, fn); break;
		case LY_OP_REDEEM: rc = read_redemption(h, ir, fn); break;
		default: break; /* not replayed: see docs/SIMULATION.md */
		}
		if (rc == LOYALTY_OK && ((i + 1) % PROGRESS_STEP == 0 || i + 1 == n))
			rc = report(progress, data, i + 1, n, fn);
	}
	ly_unlock(p);
	free(items);
	if (rc != LOYALTY_OK) {
		loyalty_history_free(h);
		return rc;
	}
	*out = h;
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_history_from_program(loyalty_history **out, const loyalty_program *p,
                                             loyalty_progress_fn progress, void *progress_data)
{
	static const char fn[] = "loyalty_history_from_program";

	LY_CHECK_NULL(out, fn);
	LY_CHECK_NULL(p, fn);
	return from_program(out, p, progress, progress_data, fn);
}

/* ---- export files and directories ------------------------------------------------------ */

#define FILE_HEADER 16
#define FRAME_HEADER 12
#define MAX_DEFINITION (64u * 1024 * 1024)

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Read the program definition, the first record of a snapshot or export file. */
static int read_definition(const char *path, ly_definition *def, const char *fn)
{
	uint8_t head[FILE_HEADER + FRAME_HEADER], *payload = NULL;
	uint32_t len;
	FILE *f = fopen(path, "rb");
	ly_dec d, body;
	int type, rc;

	memset(def, 0, sizeof *def);
	if (f == NULL)
		return ly_error(errno == ENOENT ? LOYALTY_ENOTFOUND : LOYALTY_EIO, "%s: cannot open %s: %s", fn, path,
		                strerror(errno));
	if (fread(head, 1, sizeof head, f) != sizeof head || memcmp(head, "LOYALTYS", 8) != 0) {
		fclose(f);
		return ly_error(LOYALTY_ECORRUPT, "%s: %s is not a libloyalty export or snapshot file", fn, path);
	}
	len = le32(head + FILE_HEADER);
	if (ly_crc32c(0, head + FILE_HEADER, 4) != le32(head + FILE_HEADER + 4) || len > MAX_DEFINITION ||
	    (payload = malloc(len ? len : 1)) == NULL || fread(payload, 1, len, f) != len ||
	    ly_crc32c(0, payload, len) != le32(head + FILE_HEADER + 8)) {
		rc = payload == NULL && len <= MAX_DEFINITION
		             ? ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn)
		             : ly_error(LOYALTY_ECORRUPT, "%s: %s: the program definition (offset %d) is damaged", fn, path,
		                        FILE_HEADER);
		free(payload);
		fclose(f);
		return rc;
	}
	fclose(f);
	ly_dec_init(&d, payload, len);
	memset(def, 0, sizeof *def);
	rc = ly_decode_record(&d, &type, &body);
	if (rc == LOYALTY_OK && type != LY_REC_SNAP_DEF)
		rc = ly_error(LOYALTY_ECORRUPT, "%s: %s: the first record is not the program definition", fn, path);
	if (rc == LOYALTY_OK)
		rc = ly_decode_definition(&body, def);
	free(payload);
	if (rc != LOYALTY_OK)
		ly_error_prefix(fn);
	return rc;
}

static int unavailable_strategy(const loyalty_strategy_input *in, loyalty_fraction *out, void *data)
{
	(void)in;
	(void)out;
	(void)data;
	return loyalty_error_set(LOYALTY_EUSER, "custom strategies are not run while reading a history");
}

/* A calculator equal to the stored one (a custom strategy by name and role, never run). */
static int rebuild_calculator(const ly_definition *def, loyalty_calculator **out, const char *fn)
{
	loyalty_calculator *c = NULL;
	int rc = loyalty_calculator_new(&c, &def->copts);
	char why[300];

	for (size_t i = 0; rc == LOYALTY_OK && i < def->excluded.count; i++)
		rc = loyalty_calculator_exclude_product_type(c, def->excluded.items[i]);
	for (size_t i = 0; rc == LOYALTY_OK && i < def->nstrategies; i++) {
		const ly_strategy_def *s = &def->strategies[i];
		if (strcmp(s->kind, "custom") == 0)
			rc = loyalty_calculator_add_custom(c, s->name, (loyalty_strategy_role)s->role, unavailable_strategy,
			                                   NULL, NULL);
		else
			rc = loyalty_calculator_add(c, s->kind, s->name, s->params);
	}
	if (rc != LOYALTY_OK) {
		snprintf(why, sizeof why, "%s", loyalty_last_error());
		loyalty_calculator_free(c);
		if (rc == LOYALTY_ENOMEM)
			return ly_error(rc, "%s: out of memory", fn);
		return ly_error(LOYALTY_ECORRUPT, "%s: the stored calculator cannot be rebuilt: %s", fn, why);
	}
	*out = c;
	return LOYALTY_OK;
}

static int calculator_for(const char *file, loyalty_calculator **out, const char *fn)
{
	ly_definition def;
	int rc = read_definition(file, &def, fn);

	if (rc == LOYALTY_OK)
		rc = rebuild_calculator(&def, out, fn);
	ly_definition_free(&def);
	return rc;
}

/* The loading phase's progress: remembers the last total, which the reading phase follows. */
static int loading_call(uint64_t done, uint64_t total, void *data)
{
	phased *ph = data;
	ph->before = total;
	return ph->fn(done, total, ph->data);
}

/* Read the program loaded by @p load (with the loading phase's progress) and free it. */
static int from_loaded(loyalty_history **out, loyalty_program *p, phased *ph, const char *fn)
{
	int rc = from_program(out, p, ph->fn ? phased_call : NULL, ph, fn);

	loyalty_program_free(p);
	return rc;
}

LOYALTY_API int loyalty_history_from_export(loyalty_history **out, const char *path, loyalty_progress_fn progress,
                                            void *progress_data)
{
	static const char fn[] = "loyalty_history_from_export";
	loyalty_calculator *calc = NULL;
	loyalty_program *p = NULL;
	phased ph = { progress, progress_data, 0 };
	int rc;

	LY_CHECK_NULL(out, fn);
	LY_CHECK_NULL(path, fn);
	if ((rc = calculator_for(path, &calc, fn)) != LOYALTY_OK)
		return rc;
	if ((rc = loyalty_program_import_ex(&p, path, calc, progress ? loading_call : NULL, &ph)) != LOYALTY_OK) {
		loyalty_calculator_free(calc);
		ly_error_prefix(fn);
		return rc;
	}
	return from_loaded(out, p, &ph, fn);
}

/* The latest snapshot of @p dir, for its program definition. */
static int latest_snapshot(const char *dir, char *path, size_t size, const char *fn)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned long long gen = 0;
	bool found = false;

	if (d == NULL)
		return ly_error(errno == ENOENT ? LOYALTY_ENOTFOUND : LOYALTY_EIO, "%s: cannot list %s: %s", fn, dir,
		                strerror(errno));
	while ((de = readdir(d)) != NULL) {
		unsigned long long g;
		char exact[64];
		if (sscanf(de->d_name, "snapshot-%llu.lsn", &g) == 1 &&
		    snprintf(exact, sizeof exact, "snapshot-%llu.lsn", g) > 0 && strcmp(exact, de->d_name) == 0 &&
		    (!found || g > gen)) {
			gen = g;
			found = true;
		}
	}
	closedir(d);
	if (!found)
		return ly_error(LOYALTY_ENOTFOUND, "%s: %s holds no program", fn, dir);
	if ((size_t)snprintf(path, size, "%s/snapshot-%llu.lsn", dir, gen) >= size)
		return ly_error(LOYALTY_EINVAL, "%s: the directory name is too long", fn);
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_history_from_journal(loyalty_history **out, const char *dir, loyalty_progress_fn progress,
                                             void *progress_data)
{
	static const char fn[] = "loyalty_history_from_journal";
	loyalty_journal_options jo = LOYALTY_JOURNAL_OPTIONS_INIT;
	loyalty_calculator *calc = NULL;
	loyalty_program *p = NULL;
	phased ph = { progress, progress_data, 0 };
	char path[4096];
	int rc = LOYALTY_ENOTFOUND;

	LY_CHECK_NULL(out, fn);
	LY_CHECK_NULL(dir, fn);
	/* the definition (the calculator never changes) from the latest snapshot; a compaction may
	 * remove it meanwhile: then the next one has it */
	for (int attempt = 0; attempt < 8 && rc == LOYALTY_ENOTFOUND; attempt++)
		if ((rc = latest_snapshot(dir, path, sizeof path, fn)) == LOYALTY_OK)
			rc = calculator_for(path, &calc, fn);
	if (rc != LOYALTY_OK)
		return rc;
	/* read-only: no lock, nothing written; a writer may keep going meanwhile */
	jo.read_only = 1;
	jo.progress = progress ? loading_call : NULL;
	jo.progress_data = &ph;
	if ((rc = loyalty_program_open(&p, dir, calc, NULL, &jo, NULL)) != LOYALTY_OK) {
		loyalty_calculator_free(calc);
		ly_error_prefix(fn);
		return rc;
	}
	return from_loaded(out, p, &ph, fn);
}

/* ---- CSV ------------------------------------------------------------------------------------- */

/* The namespace of the customer ids the CSV reader derives (docs/SIMULATION.md). */
static const uint8_t csv_namespace[16] = { 0x3d, 0x5e, 0x7a, 0x4c, 0x9b, 0x1f, 0x5c, 0x2d,
                                           0x8e, 0x6f, 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f };

LOYALTY_API int loyalty_history_csv_customer_id(const char *external_ref, loyalty_id *out)
{
	LY_CHECK_NULL(external_ref, "loyalty_history_csv_customer_id");
	LY_CHECK_NULL(out, "loyalty_history_csv_customer_id");
	uuid_generate_sha1(out->bytes, csv_namespace, external_ref, strlen(external_ref));
	return LOYALTY_OK;
}

enum { COL_ORDER, COL_CUSTOMER, COL_DATE, COL_TYPE, COL_QUANTITY, COL_PRICE, COL_SKU, COL_NAME, COL_EMAIL,
       COL_CHANNEL, NCOLS };
static const char *const col_names[NCOLS] = { "order", "customer", "date", "product_type", "quantity",
                                              "unit_price", "sku", "name", "email", "channel" };
#define REQUIRED_COLS 6
#define MAX_FIELDS 64
#define MAX_FIELD 1024

typedef struct csv_reader {
	FILE *f;
	const char *path;
	size_t line;        /* the line the current row starts on */
	size_t next_line;
	uint64_t bytes;
	char *fields[MAX_FIELDS];
	size_t nfields;
	char buf[MAX_FIELDS][MAX_FIELD + 1];
} csv_reader;

/* Read one row (RFC 4180: fields separated by commas, optionally in double quotes, "" inside
 * quotes for a quote; CRLF or LF). 1 at the end of the file, LOYALTY_OK, or an error. */
static int csv_row(csv_reader *r)
{
	int ch;
	size_t len = 0;
	bool quoted = false, was_quoted = false;

	r->nfields = 0;
	r->line = r->next_line;
	ch = getc(r->f);
	if (ch == EOF)
		return 1;
	for (;;) {
		if (ch != EOF)
			r->bytes++;
		if (quoted) {
			if (ch == EOF)
				return ly_error(LOYALTY_EINVAL, "%s:%zu: a quoted field is not closed", r->path, r->line);
			if (ch == '"') {
				int next = getc(r->f);
				if (next == '"') {
					r->bytes++;
				} else {
					quoted = false;
					if (next != EOF)
						ungetc(next, r->f);
					ch = getc(r->f);
					continue;
				}
			}
			if (ch == '\n')
				r->next_line++;
			if (len == MAX_FIELD)
				return ly_error(LOYALTY_EINVAL, "%s:%zu: a field is longer than %d bytes", r->path, r->line,
				                MAX_FIELD);
			r->buf[r->nfields][len++] = (char)ch;
			ch = getc(r->f);
			continue;
		}
		if (ch == ',' || ch == '\n' || ch == EOF || ch == '\r') {
			if (ch == '\r') {
				int next = getc(r->f);
				if (next != '\n') {
					if (next != EOF)
						ungetc(next, r->f);
					return ly_error(LOYALTY_EINVAL, "%s:%zu: a carriage return inside a row", r->path, r->line);
				}
				r->bytes++;
				ch = '\n';
			}
			if (r->nfields == MAX_FIELDS)
				return ly_error(LOYALTY_EINVAL, "%s:%zu: more than %d fields", r->path, r->line, MAX_FIELDS);
			r->buf[r->nfields][len] = '\0';
			r->fields[r->nfields] = r->buf[r->nfields];
			r->nfields++;
			len = 0;
			was_quoted = false;
			if (ch != ',') {
				r->next_line++;
				return LOYALTY_OK;
			}
			ch = getc(r->f);
			continue;
		}
		if (ch == '"' && len == 0 && !was_quoted) {
			quoted = was_quoted = true;
			ch = getc(r->f);
			continue;
		}
		if (was_quoted)
			return ly_error(LOYALTY_EINVAL, "%s:%zu: text after a closing quote", r->path, r->line);
		if (len == MAX_FIELD)
			return ly_error(LOYALTY_EINVAL, "%s:%zu: a field is longer than %d bytes", r->path, r->line, MAX_FIELD);
		if (r->nfields == MAX_FIELDS)
			return ly_error(LOYALTY_EINVAL, "%s:%zu: more than %d fields", r->path, r->line, MAX_FIELDS);
		r->buf[r->nfields][len++] = (char)ch;
		ch = getc(r->f);
	}
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* YYYY-MM-DD (12:00 UTC) or YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM|-HH:MM). */
static int parse_date(const char *s, loyalty_time *out)
{
	size_t n = strlen(s), i = 10;
	int y, mo, d, h = 12, mi = 0, sec = 0, off = 0;

	if (n < 10 || !all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) || s[7] != '-' || !all_digits(s + 8, 2))
		return LOYALTY_EINVAL;
	y = num(s, 4);
	mo = num(s + 5, 2);
	d = num(s + 8, 2);
	if (n > 10) {
		if ((s[10] != 'T' && s[10] != ' ') || n < 16 || !all_digits(s + 11, 2) || s[13] != ':' ||
		    !all_digits(s + 14, 2))
			return LOYALTY_EINVAL;
		h = num(s + 11, 2);
		mi = num(s + 14, 2);
		i = 16;
		if (i < n && s[i] == ':') {
			if (n < 19 || !all_digits(s + 17, 2))
				return LOYALTY_EINVAL;
			sec = num(s + 17, 2);
			i = 19;
		}
		if (i < n && s[i] == 'Z') {
			i++;
		} else if (i < n && (s[i] == '+' || s[i] == '-')) {
			if (n < i + 6 || !all_digits(s + i + 1, 2) || s[i + 3] != ':' || !all_digits(s + i + 4, 2))
				return LOYALTY_EINVAL;
			off = num(s + i + 1, 2) * 60 + num(s + i + 4, 2);
			if (s[i] == '-')
				off = -off;
			i += 6;
		}
		if (i != n)
			return LOYALTY_EINVAL;
	}
	return loyalty_time_from_civil(y, mo, d, h, mi, sec, off, out) == LOYALTY_OK ? LOYALTY_OK : LOYALTY_EINVAL;
}

/* A decimal amount in major units with at most @p digits decimals, into minor units. */
static int parse_price(const char *s, int digits, int64_t *out)
{
	int64_t v = 0;
	int decimals = -1;
	bool any = false;

	for (const char *c = s; *c; c++) {
		if (*c == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*c < '0' || *c > '9')
			return LOYALTY_EINVAL;
		if (decimals >= 0 && ++decimals > digits)
			return LOYALTY_EINVAL;
		if (!ly_mul64(v, 10, &v) || !ly_add64(v, *c - '0', &v))
			return LOYALTY_ERANGE;
		any = true;
	}
	if (!any || decimals == 0)
		return LOYALTY_EINVAL;
	for (int k = decimals < 0 ? 0 : decimals; k < digits; k++)
		if (!ly_mul64(v, 10, &v))
			return LOYALTY_ERANGE;
	*out = v;
	return LOYALTY_OK;
}

typedef struct csv_customer {
	size_t event;  /* index of the enrolment event */
} csv_customer;

static int csv_fail(csv_reader *r, int code, const char *fmt, const char *arg)
{
	char msg[600];
	snprintf(msg, sizeof msg, fmt, arg);
	return ly_error(code, "%s:%zu: %s", r->path, r->line, msg);
}

/* One line item row. */
static int csv_line(csv_reader *r, loyalty_history *h, const int *col, const char *currency, int digits,
                    ly_map *orders, ly_map *customers)
{
	const char *order = r->fields[col[COL_ORDER]], *ref = r->fields[col[COL_CUSTOMER]];
	const char *type = r->fields[col[COL_TYPE]];
	const char *sku = col[COL_SKU] >= 0 ? r->fields[col[COL_SKU]] : type;
	loyalty_time at;
	int64_t quantity, price;
	loyalty_id id;
	uintptr_t slot;
	loyalty_purchase *pu;
	int rc;

	if (parse_date(r->fields[col[COL_DATE]], &at) != LOYALTY_OK)
		return csv_fail(r, LOYALTY_EINVAL, "date must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM] (got '%.64s')",
		                r->fields[col[COL_DATE]]);
	if (!ly_parse_i64(r->fields[col[COL_QUANTITY]], &quantity) || quantity <= 0)
		return csv_fail(r, LOYALTY_EINVAL, "quantity must be a positive integer (got '%.64s')",
		                r->fields[col[COL_QUANTITY]]);
	if ((rc = parse_price(r->fields[col[COL_PRICE]], digits, &price)) != LOYALTY_OK) {
		char what[200];
		snprintf(what, sizeof what, "unit_price must be an amount with at most %d decimals (got '%%.64s')", digits);
		return csv_fail(r, rc, rc == LOYALTY_ERANGE ? "unit_price is too large (got '%.64s')" : what,
		                r->fields[col[COL_PRICE]]);
	}
	if (!ly_is_token(ref, LOYALTY_EXTERNAL_REF_MAX))
		return csv_fail(r, LOYALTY_EINVAL, "customer must be 1..128 printable bytes without spaces (got '%.64s')",
		                ref);
	loyalty_history_csv_customer_id(ref, &id);
	/* the customer: enrolled at their earliest order */
	slot = (uintptr_t)ly_map_get(customers, ref, strlen(ref));
	if (slot == 0) {
		loyalty_customer *c;
		char key[LOYALTY_KEY_MAX + 16];
		if (loyalty_customer_new(&c, &id) != LOYALTY_OK)
			return ly_error(LOYALTY_ENOMEM, "out of memory");
		if (loyalty_customer_set_external_ref(c, ref) != LOYALTY_OK ||
		    (col[COL_NAME] >= 0 && loyalty_customer_set_name(c, r->fields[col[COL_NAME]]) != LOYALTY_OK) ||
		    (col[COL_EMAIL] >= 0 && loyalty_customer_set_email(c, r->fields[col[COL_EMAIL]]) != LOYALTY_OK)) {
			rc = loyalty_last_error_code();
			loyalty_customer_free(c);
			return csv_fail(r, rc, "%s", loyalty_last_error());
		}
		snprintf(key, sizeof key, "enroll-%s", ref);
		if (strlen(key) > LOYALTY_KEY_MAX)
			snprintf(key, sizeof key, "enroll-%.*s", LOYALTY_KEY_MAX - 7, ref);
		rc = ly_map_reserve(customers, 1);
		if (rc == LOYALTY_OK)
			rc = loyalty_history_add_enrollment(h, key, c, NULL, at);
		loyalty_customer_free(c);
		if (rc != LOYALTY_OK)
			return rc == LOYALTY_ENOMEM ? rc : csv_fail(r, rc, "%s", loyalty_last_error());
		/* the map keeps the key's bytes, not a copy: use the enrolled profile's own */
		ref = loyalty_customer_external_ref(h->ev[h->n - 1].profile);
		ly_map_put(customers, ref, strlen(ref), (void *)(uintptr_t)h->n);
	} else if (h->ev[slot - 1].at > at) {
		h->ev[slot - 1].at = at;
	}
	/* the order */
	slot = (uintptr_t)ly_map_get(orders, order, strlen(order));
	if (slot == 0) {
		if ((rc = loyalty_purchase_new(&pu, order, &id, at, currency)) != LOYALTY_OK)
			return csv_fail(r, rc, "order: %s", loyalty_last_error());
		if (col[COL_CHANNEL] >= 0 && (rc = loyalty_purchase_set_channel(pu, r->fields[col[COL_CHANNEL]])) != LOYALTY_OK) {
			loyalty_purchase_free(pu);
			return csv_fail(r, rc, "channel: %s", loyalty_last_error());
		}
		if ((rc = ly_map_reserve(orders, 1)) != LOYALTY_OK) {
			loyalty_purchase_free(pu);
			return ly_error(LOYALTY_ENOMEM, "out of memory");
		}
		if ((rc = push_purchase(h, pu, "loyalty_history_from_csv")) != LOYALTY_OK)
			return rc;
		order = loyalty_purchase_key(pu); /* the purchase's own copy, alive as long as the history */
		ly_map_put(orders, order, strlen(order), (void *)(uintptr_t)h->n);
	} else {
		pu = h->ev[slot - 1].purchase;
		if (memcmp(pu->customer_id.bytes, id.bytes, 16) != 0 || pu->at != at)
			return csv_fail(r, LOYALTY_EINVAL, "order '%.128s' has lines of another customer or date", order);
	}
	if ((rc = loyalty_purchase_add_item(pu, sku, type, quantity, price)) != LOYALTY_OK)
		return csv_fail(r, rc, "%s", loyalty_last_error());
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_history_from_csv(loyalty_history **out, const char *path, const char *currency,
                                         loyalty_progress_fn progress, void *progress_data)
{
	static const char fn[] = "loyalty_history_from_csv";
	loyalty_history *h = NULL;
	csv_reader *r;
	ly_map orders = { 0 }, customers = { 0 };
	int col[NCOLS], digits, rc;
	uint64_t size = 0, reported = 0;
	struct stat st;

	LY_CHECK_NULL(out, fn);
	LY_CHECK_NULL(path, fn);
	LY_CHECK_NULL(currency, fn);
	if ((digits = loyalty_currency_minor_digits(currency)) < 0)
		return ly_error(LOYALTY_ECURRENCY, "%s: unknown currency '%.8s'", fn, currency);
	if ((r = calloc(1, sizeof *r)) == NULL)
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	r->path = path;
	r->next_line = 1;
	if ((r->f = fopen(path, "rb")) == NULL) {
		rc = ly_error(errno == ENOENT ? LOYALTY_ENOTFOUND : LOYALTY_EIO, "%s: cannot open %s: %s", fn, path,
		              strerror(errno));
		free(r);
		return rc;
	}
	if (fstat(fileno(r->f), &st) == 0)
		size = (uint64_t)st.st_size;
	/* the header */
	rc = csv_row(r);
	if (rc == 1)
		rc = ly_error(LOYALTY_EINVAL, "%s:1: empty file: a header row is needed", path);
	for (int i = 0; i < NCOLS; i++)
		col[i] = -1;
	for (size_t i = 0; rc == LOYALTY_OK && i < r->nfields; i++)
		for (int k = 0; k < NCOLS; k++)
			if (strcmp(r->fields[i], col_names[k]) == 0) {
				if (col[k] >= 0)
					rc = ly_error(LOYALTY_EINVAL, "%s:1: column '%s' appears twice", path, col_names[k]);
				col[k] = (int)i;
			}
	for (int k = 0; rc == LOYALTY_OK && k < REQUIRED_COLS; k++)
		if (col[k] < 0)
			rc = ly_error(LOYALTY_EINVAL, "%s:1: the header has no column '%s'", path, col_names[k]);
	if (rc == LOYALTY_OK)
		rc = loyalty_history_new(&h);
	if (rc == LOYALTY_OK)
		rc = report(progress, progress_data, 0, size, fn);
	while (rc == LOYALTY_OK) {
		int got = csv_row(r);
		if (got == 1)
			break;
		if ((rc = got) != LOYALTY_OK)
			break;
		if (r->nfields == 1 && r->fields[0][0] == '\0')
			continue; /* an empty line */
		for (int k = 0; k < NCOLS; k++)
			if (col[k] >= (int)r->nfields) {
				rc = ly_error(LOYALTY_EINVAL, "%s:%zu: %zu fields, the header has more", path, r->line, r->nfields);
				break;
			}
		if (rc == LOYALTY_OK)
			rc = csv_line(r, h, col, currency, digits, &orders, &customers);
		if (rc == LOYALTY_OK && r->bytes - reported >= 1u << 20) {
			reported = r->bytes;
			rc = report(progress, progress_data, r->bytes, size, fn);
		}
	}
	if (rc == LOYALTY_OK && ferror(r->f))
		rc = ly_error(LOYALTY_EIO, "%s: cannot read %s", fn, path);
	if (rc == LOYALTY_OK)
		rc = report(progress, progress_data, r->bytes > size ? r->bytes : size, size > r->bytes ? size : r->bytes,
		            fn);
	fclose(r->f);
	free(r);
	ly_map_free(&orders);
	ly_map_free(&customers);
	if (rc != LOYALTY_OK) {
		loyalty_history_free(h);
		return rc;
	}
	*out = h;
	return LOYALTY_OK;
}
