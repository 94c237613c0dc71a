/*
 * libloyalty - the write-ahead journal, snapshots, recovery, export/import.
 *
 * Directory layout (generation g):
 *   snapshot-<g>.lsn   the state at the start of generation g
 *   journal-<g>.ljr    records committed after it, in order
 *   lock               held with flock() while a process has the program open
 *   torn-<g>-<off>.bin bytes cut from a torn journal tail, kept for inspection
 *
 * Both files are a 16-byte header ("LOYALTYJ"/"LOYALTYS", format version,
 * generation) followed by frames: u32 payload length, u32 CRC-32C of those 4
 * length bytes, u32 CRC-32C of the payload (all little endian), then the
 * payload (a codec record). The length's own checksum tells a torn tail (a
 * frame whose length is intact but runs past the end of the file) from a
 * corrupted length in the middle. See docs/DURABILITY.md.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "codec.h"
#include "map.h"
#include "program_internal.h"
#include "strategy_internal.h"
#include "loyalty/journal.h"

#define FORMAT_VERSION 1
#define HEADER_SIZE 16
#define FRAME_SIZE 12
#define MAX_RECORD (256u * 1024 * 1024)
#define BUF_KEEP ((size_t)1 << 20)
/* the size of a version-1 loyalty_journal_options: everything before the version-2 fields */
#define JOURNAL_OPTIONS_V1_SIZE offsetof(loyalty_journal_options, progress)
_Static_assert(JOURNAL_OPTIONS_V1_SIZE == offsetof(loyalty_journal_options, snapshot_bytes) + sizeof(int64_t),
               "the version-2 fields follow the version-1 struct without a gap");

/* snapshot record types */
enum {
	SREC_DEF = LY_REC_SNAP_DEF, SREC_ACCOUNT = LY_REC_SNAP_ACCOUNT, SREC_ENTRY = LY_REC_SNAP_ENTRY,
	SREC_PURCHASE = LY_REC_SNAP_PURCHASE, SREC_REDEMPTION = LY_REC_SNAP_REDEMPTION, SREC_IDEM = LY_REC_SNAP_IDEM,
	SREC_META = LY_REC_SNAP_META, SREC_END = LY_REC_SNAP_END
};

struct ly_journal {
	char *dir;
	int fd;          /* the current journal file, opened for appending */
	int lock_fd;
	int dir_fd;
	uint64_t gen;
	loyalty_journal_options opts;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t file_size; /* bytes in the current journal file */
	uint64_t written;   /* bytes written, counted across generations */
	uint64_t synced;    /* bytes known durable, counted the same way */
	uint64_t waiting;   /* records waiting for an fsync */
	bool syncing;
	bool failed;        /* a write or fsync failed: no more writes until reopened */
	bool read_only;     /* opened with read_only: no lock, no file open for writing, every append refused */
	uint8_t *buf;       /* the frame being written (under mu), kept between records up to BUF_KEEP bytes */
	size_t bufcap;
};

/* Progress of loading, in records (frames). */
typedef struct progress {
	loyalty_progress_fn fn;
	void *data;
	uint64_t done, total, next;
	const char *fn_name;
} progress;

#define PROGRESS_EVERY 1024

static int progress_report(progress *pr)
{
	if (pr->fn == NULL)
		return LOYALTY_OK;
	pr->next = pr->done + PROGRESS_EVERY;
	if (pr->fn(pr->done, pr->total, pr->data) != 0)
		return ly_error(LOYALTY_ECANCELED, "%s: canceled by the progress callback at record %llu of %llu",
		                pr->fn_name, (unsigned long long)pr->done, (unsigned long long)pr->total);
	return LOYALTY_OK;
}

/* One more record loaded: report every PROGRESS_EVERY records (never the last one: progress_end does). */
static inline int progress_step(progress *pr)
{
	pr->done++;
	if (pr->fn == NULL || pr->done < pr->next || pr->done >= pr->total)
		return LOYALTY_OK;
	return progress_report(pr);
}

/* The final call: done == total. */
static int progress_end(progress *pr)
{
	pr->total = pr->done;
	return progress_report(pr);
}

static _Thread_local const ly_journal *tl_journal;
static _Thread_local uint64_t tl_wait;

/* ---- small file helpers ---------------------------------------------------------- */

static int io_error(const char *what, const char *path)
{
	return ly_error(LOYALTY_EIO, "%s %s: %s", what, path, strerror(errno));
}

static char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + 1 + strlen(name) + 1;
	char *p = malloc(n);

	if (p != NULL)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *b = buf;

	while (len > 0) {
		ssize_t n = write(fd, b, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_file(const char *path, uint8_t **out, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return io_error("cannot open", path);
	if (fstat(fd, &st) != 0) {
		close(fd);
		return io_error("cannot stat", path);
	}
	buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (buf == NULL) {
		close(fd);
		return ly_error(LOYALTY_ENOMEM, "out of memory reading %s", path);
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			close(fd);
			return io_error("cannot read", path);
		}
		got += (size_t)n;
	}
	close(fd);
	*out = buf;
	*len = got;
	return LOYALTY_OK;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void make_header(uint8_t *h, const char *magic, uint64_t gen)
{
	memcpy(h, magic, 8);
	put_u32(h + 8, FORMAT_VERSION);
	put_u32(h + 12, (uint32_t)gen);
}

/* A growable buffer of frames. */
typedef struct frames {
	uint8_t *data;
	size_t len, cap;
	bool failed;
	size_t count;
} frames;

/* Write a frame whose payload is @p head then @p body to @p out (FRAME_SIZE + hl + len bytes). */
static void frame_build(uint8_t *out, const uint8_t *head, size_t hl, const uint8_t *body, size_t len)
{
	uint32_t crc;

	put_u32(out, (uint32_t)(hl + len));
	put_u32(out + 4, ly_crc32c(0, out, 4));
	memcpy(out + FRAME_SIZE, head, hl);
	if (len)
		memcpy(out + FRAME_SIZE + hl, body, len);
	crc = ly_crc32c(0, out + FRAME_SIZE, hl + len);
	put_u32(out + 8, crc);
}

/* Add a record of @p type around @p body (head + body: one copy of the body). */
static void frames_add(frames *f, int type, const uint8_t *body, size_t len)
{
	uint8_t head[LY_RECORD_HEAD_MAX];
	size_t hl;

	if (f->failed)
		return;
	if (len > MAX_RECORD - LY_RECORD_HEAD_MAX) {
		f->failed = true;
		return;
	}
	hl = ly_record_head(head, type, len);
	if (f->len + FRAME_SIZE + hl + len > f->cap) {
		size_t cap = f->cap ? f->cap : 65536;
		uint8_t *d;
		while (cap < f->len + FRAME_SIZE + hl + len)
			cap *= 2;
		d = realloc(f->data, cap);
		if (d == NULL) {
			f->failed = true;
			return;
		}
		f->data = d;
		f->cap = cap;
	}
	frame_build(f->data + f->len, head, hl, body, len);
	f->len += FRAME_SIZE + hl + len;
	f->count++;
}

/* Add the record of @p type whose body @p body holds, and empty @p body for the next one (its
 * memory is kept: one allocation serves every record of a snapshot). */
static void frames_record(frames *f, int type, ly_enc *body)
{
	if (body->failed)
		f->failed = true;
	else
		frames_add(f, type, body->data, body->len);
	if (body->failed) {
		ly_enc_free(body);
		ly_enc_init(body);
	}
	body->len = 0;
}

/* ---- appending and waiting ------------------------------------------------------------ */

int ly_journal_append(loyalty_program *p, int type, const uint8_t *body, size_t len)
{
	ly_journal *j = p->journal;
	uint8_t head[LY_RECORD_HEAD_MAX];
	size_t hl, flen;
	int rc = LOYALTY_OK;

	if (j->read_only)
		return ly_error(LOYALTY_ESTATE, "the program is read-only (opened with read_only): nothing was changed");
	if (len > MAX_RECORD - LY_RECORD_HEAD_MAX)
		return ly_error(LOYALTY_ERANGE, "journal: a record of %zu bytes is larger than the %u bytes a frame can hold",
		                len, MAX_RECORD);
	hl = ly_record_head(head, type, len);
	flen = FRAME_SIZE + hl + len;
	pthread_mutex_lock(&j->mu);
	if (j->failed) {
		rc = ly_error(LOYALTY_EIO, "journal: an earlier write or fsync failed; reopen the program");
		goto out;
	}
	if (flen > j->bufcap) {
		/* the frame is built in one buffer kept from record to record, and written with one write():
		 * a crash leaves a prefix of it at most */
		size_t cap = j->bufcap ? j->bufcap : 4096;
		uint8_t *b;
		while (cap < flen)
			cap *= 2;
		b = realloc(j->buf, cap);
		if (b == NULL) {
			rc = ly_error(LOYALTY_ENOMEM, "journal: out of memory");
			goto out;
		}
		j->buf = b;
		j->bufcap = cap;
	}
	frame_build(j->buf, head, hl, body, len);
	if (write_all(j->fd, j->buf, flen) != 0) {
		int err = errno;
		/* cut whatever part was written, so the file ends on a record boundary */
		if (ftruncate(j->fd, (off_t)j->file_size) != 0 || lseek(j->fd, (off_t)j->file_size, SEEK_SET) < 0)
			j->failed = true;
		errno = err;
		rc = ly_error(LOYALTY_EIO, "journal: write failed: %s", strerror(err));
	} else {
		j->file_size += flen;
		j->written += flen;
		j->waiting++;
		tl_journal = j;
		tl_wait = j->written;
	}
	if (j->bufcap > BUF_KEEP) {
		/* a very large record (a big batch): do not keep its memory */
		free(j->buf);
		j->buf = NULL;
		j->bufcap = 0;
	}
out:
	pthread_mutex_unlock(&j->mu);
	return rc;
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Make the journal durable up to @p upto (group commit for BATCH). */
static int wait_durable(ly_journal *j, uint64_t upto)
{
	int rc = LOYALTY_OK;

	pthread_mutex_lock(&j->mu);
	while (j->synced < upto && !j->failed) {
		if (j->syncing) {
			pthread_cond_wait(&j->cv, &j->mu);
			continue;
		}
		/* this thread leads the next fsync */
		j->syncing = true;
		if (j->opts.sync == LOYALTY_SYNC_BATCH) {
			/* gather the records of other writers, for at most batch_ms or batch_records, and
			 * only while they keep coming: a writer alone does not wait for nobody */
			double start = mono_ms(), last = start;
			uint64_t seen = j->written;
			while (j->waiting < (uint64_t)j->opts.batch_records && mono_ms() < start + j->opts.batch_ms &&
			       mono_ms() - last < 0.1) {
				struct timespec ts;
				pthread_mutex_unlock(&j->mu);
				ts.tv_sec = 0;
				ts.tv_nsec = 50000; /* let other writers in */
				nanosleep(&ts, NULL);
				pthread_mutex_lock(&j->mu);
				if (j->written != seen) {
					seen = j->written;
					last = mono_ms();
				}
			}
		}
		{
			uint64_t target = j->written;
			int fd = j->fd, res;
			j->waiting = 0;
			pthread_mutex_unlock(&j->mu);
			res = fdatasync(fd);
			pthread_mutex_lock(&j->mu);
			if (res != 0) {
				j->failed = true;
				rc = ly_error(LOYALTY_EIO, "journal: fsync failed: %s; reopen the program", strerror(errno));
			} else if (target > j->synced) {
				j->synced = target;
			}
		}
		j->syncing = false;
		pthread_cond_broadcast(&j->cv);
	}
	if (j->synced < upto && rc == LOYALTY_OK)
		rc = ly_error(LOYALTY_EIO, "journal: fsync failed earlier; the call's record may not be durable");
	pthread_mutex_unlock(&j->mu);
	return rc;
}

int ly_durable(const loyalty_program *p, int rc)
{
	const ly_journal *j = tl_journal;
	uint64_t upto = tl_wait;

	tl_journal = NULL;
	tl_wait = 0;
	if (rc != LOYALTY_OK || j == NULL || j != p->journal || j->opts.sync == LOYALTY_SYNC_NONE)
		return rc;
	return wait_durable((ly_journal *)j, upto);
}

int ly_journal_define(loyalty_program *p, int type, int (*enc)(void *e, const void *arg), const void *arg)
{
	ly_enc e;
	int rc;

	if (p->journal == NULL || p->replaying)
		return LOYALTY_OK;
	ly_enc_init(&e);
	rc = enc(&e, arg);
	if (rc == LOYALTY_OK && !e.failed)
		rc = ly_journal_append(p, type, e.data, e.len);
	else if (rc == LOYALTY_OK)
		rc = ly_error(LOYALTY_ENOMEM, "journal: out of memory");
	ly_enc_free(&e);
	return rc;
}

void ly_journal_close(ly_journal *j)
{
	if (j == NULL)
		return;
	if (j->fd >= 0) {
		if (j->opts.sync != LOYALTY_SYNC_NONE && !j->failed)
			fdatasync(j->fd);
		close(j->fd);
	}
	if (j->dir_fd >= 0)
		close(j->dir_fd);
	if (j->lock_fd >= 0)
		close(j->lock_fd); /* releases the flock */
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j->buf);
	free(j->dir);
	free(j);
}

/* ---- snapshots: the whole state as frames ------------------------------------------------ */

static int encode_state(loyalty_program *p, frames *f)
{
	ly_store *s = p->store;
	ly_definition def;
	const void **items;
	size_t n;
	ly_enc e;
	int rc;

	memset(&def, 0, sizeof def);
	ly_enc_init(&e);
	rc = ly_definition_of(p, &def);
	if (rc == LOYALTY_OK)
		rc = ly_encode_definition(&e, &def);
	ly_definition_free(&def);
	if (rc != LOYALTY_OK)
		goto out;
	frames_record(f, SREC_DEF, &e);
	for (size_t i = 0; i < s->ops->account_count(s); i++) {
		ly_encode_account(&e, s->ops->account_at(s, i));
		frames_record(f, SREC_ACCOUNT, &e);
	}
	for (uint64_t seq = 1; seq <= s->ops->entry_count(s); seq++) {
		ly_encode_entry(&e, s->ops->entry(s, seq));
		frames_record(f, SREC_ENTRY, &e);
	}
	for (int what = LY_LIST_PURCHASES; what <= LY_LIST_IDEM; what++) {
		if ((rc = s->ops->list(s, what, &items, &n)) != LOYALTY_OK)
			goto out;
		for (size_t i = 0; i < n; i++) {
			if (what == LY_LIST_PURCHASES)
				ly_encode_purchase_rec(&e, items[i]);
			else if (what == LY_LIST_REDEMPTIONS)
				ly_encode_redemption_rec(&e, items[i]);
			else
				ly_encode_idem(&e, items[i]);
			frames_record(f, what == LY_LIST_PURCHASES ? SREC_PURCHASE
			                 : what == LY_LIST_REDEMPTIONS ? SREC_REDEMPTION : SREC_IDEM, &e);
		}
		free(items);
	}
	ly_encode_rec_maintain(&e, p->last_maintain);
	frames_record(f, SREC_META, &e);
	ly_encode_rec_maintain(&e, (loyalty_time)f->count);
	frames_record(f, SREC_END, &e);
out:
	ly_enc_free(&e);
	if (rc == LOYALTY_OK && f->failed)
		rc = ly_error(LOYALTY_ENOMEM, "snapshot: out of memory");
	return rc;
}

/* Write header + frames to @p path through a temporary file, fsync, rename, fsync the directory. */
static int write_atomically(const char *path, int dir_fd, const char *magic, uint64_t gen, const frames *f)
{
	size_t n = strlen(path) + 5;
	char *tmp = malloc(n);
	uint8_t header[HEADER_SIZE];
	int fd, rc = LOYALTY_OK;

	if (tmp == NULL)
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	snprintf(tmp, n, "%s.tmp", path);
	make_header(header, magic, gen);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = io_error("cannot create", tmp);
	} else {
		if (write_all(fd, header, HEADER_SIZE) != 0 || write_all(fd, f->data, f->len) != 0)
			rc = io_error("cannot write", tmp);
		else if (fsync(fd) != 0)
			rc = io_error("cannot fsync", tmp);
		if (close(fd) != 0 && rc == LOYALTY_OK)
			rc = io_error("cannot close", tmp);
	}
	if (rc == LOYALTY_OK && rename(tmp, path) != 0)
		rc = io_error("cannot rename to", path);
	if (rc == LOYALTY_OK && dir_fd >= 0 && fsync(dir_fd) != 0)
		rc = io_error("cannot fsync the directory of", path);
	if (rc != LOYALTY_OK)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* ---- reading frames ------------------------------------------------------------------------ */

typedef struct reader {
	const uint8_t *data;
	size_t len, off;
	const char *path;
} reader;

/* LOYALTY_OK with *payload set; 1 at a clean end; LOYALTY_ECORRUPT for a bad frame (*bad_off set,
 * *torn true when the frame runs past the end of the file or is the file's last frame). */
static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static int next_frame(reader *r, const uint8_t **payload, size_t *plen, size_t *bad_off, bool *torn)
{
	uint32_t len, crc;

	*torn = false;
	if (r->off == r->len)
		return 1;
	*bad_off = r->off;
	if (r->len - r->off < FRAME_SIZE) {
		*torn = true;
		return ly_error(LOYALTY_ECORRUPT, "%s: torn frame header at offset %zu", r->path, r->off);
	}
	len = get_u32(r->data + r->off);
	if (ly_crc32c(0, r->data + r->off, 4) != get_u32(r->data + r->off + 4)) {
		/* a zero-filled tail (a crash before the data reached the disk) is torn; anything else is damage */
		*torn = all_zero(r->data + r->off, r->len - r->off);
		return ly_error(LOYALTY_ECORRUPT, "%s: damaged record length at offset %zu", r->path, r->off);
	}
	crc = get_u32(r->data + r->off + 8);
	if (len > MAX_RECORD || len > r->len - r->off - FRAME_SIZE) {
		*torn = len <= MAX_RECORD;
		return ly_error(LOYALTY_ECORRUPT, "%s: %s record at offset %zu", r->path,
		                *torn ? "torn" : "impossible length for the", r->off);
	}
	if (ly_crc32c(0, r->data + r->off + FRAME_SIZE, len) != crc) {
		*torn = r->off + FRAME_SIZE + len == r->len; /* the last frame of the file */
		return ly_error(LOYALTY_ECORRUPT, "%s: checksum mismatch in the record at offset %zu", r->path, r->off);
	}
	*payload = r->data + r->off + FRAME_SIZE;
	*plen = len;
	r->off += FRAME_SIZE + len;
	return LOYALTY_OK;
}

static int check_header(const uint8_t *data, size_t len, const char *magic, const char *path, uint64_t *gen)
{
	if (len < HEADER_SIZE || memcmp(data, magic, 8) != 0)
		return ly_error(LOYALTY_ECORRUPT, "%s: not a libloyalty %s file", path,
		                magic[7] == 'S' ? "snapshot" : "journal");
	if (get_u32(data + 8) != FORMAT_VERSION)
		return ly_error(LOYALTY_ECORRUPT, "%s: format version %u is not supported (this library reads %d)", path,
		                get_u32(data + 8), FORMAT_VERSION);
	*gen = get_u32(data + 12);
	return LOYALTY_OK;
}

/* ---- restoring a snapshot ---------------------------------------------------------------- */

static bool calculators_match(const ly_definition *stored, const ly_definition *given)
{
	if (memcmp(stored->copts.currency, given->copts.currency, 4) != 0 ||
	    stored->copts.rounding != given->copts.rounding ||
	    stored->copts.utc_offset_minutes != given->copts.utc_offset_minutes ||
	    stored->copts.stacking != given->copts.stacking || stored->excluded.count != given->excluded.count ||
	    stored->nstrategies != given->nstrategies)
		return false;
	for (size_t i = 0; i < stored->excluded.count; i++)
		if (strcmp(stored->excluded.items[i], given->excluded.items[i]) != 0)
			return false;
	for (size_t i = 0; i < stored->nstrategies; i++) {
		const ly_strategy_def *a = &stored->strategies[i], *b = &given->strategies[i];
		if (strcmp(a->kind, b->kind) || strcmp(a->name, b->name) || a->role != b->role || strcmp(a->params, b->params))
			return false;
	}
	return true;
}

/* Install the definitions (tiers, rewards, actions, partners) into a new program. Steals them. */
static int install_definition(loyalty_program *p, ly_definition *def)
{
	p->tiers = def->tiers;
	p->ntiers = def->ntiers;
	def->tiers = NULL;
	def->ntiers = 0;
	p->rewards = def->rewards;
	p->nrewards = p->caprewards = def->nrewards;
	def->rewards = NULL;
	def->nrewards = 0;
	p->actions = def->actions;
	p->nactions = def->nactions;
	def->actions = NULL;
	def->nactions = 0;
	p->partners = def->partners;
	p->npartners = def->npartners;
	def->partners = NULL;
	def->npartners = 0;
	return LOYALTY_OK;
}

/* Decode a frame payload as a record of an expected type. */
static int open_record(const uint8_t *payload, size_t len, int *type, ly_dec *body)
{
	ly_dec d;

	ly_dec_init(&d, payload, len);
	return ly_decode_record(&d, type, body);
}

/* Build a program from snapshot frames (after the header). */
static int restore(loyalty_program **out, reader *r, loyalty_calculator *calc, const loyalty_program_options *opts,
                   const char *what, progress *pr)
{
	loyalty_program *p = NULL;
	ly_definition def, given;
	ly_txn t;
	ly_map by_id = { 0 };
	ly_idem **idems = NULL;
	size_t nidem = 0, capidem = 0, records = 0;
	const uint8_t *payload;
	size_t plen, bad;
	bool torn, txn_ready = false;
	int type, rc;
	ly_dec body;

	memset(&def, 0, sizeof def);
	memset(&given, 0, sizeof given);
	rc = next_frame(r, &payload, &plen, &bad, &torn);
	if (rc == 1)
		rc = ly_error(LOYALTY_ECORRUPT, "%s: empty", what);
	if (rc == LOYALTY_OK && (rc = open_record(payload, plen, &type, &body)) == LOYALTY_OK && type != SREC_DEF)
		rc = ly_error(LOYALTY_ECORRUPT, "%s: the first record is not the program definition", what);
	if (rc == LOYALTY_OK)
		rc = ly_decode_definition(&body, &def);
	if (rc == LOYALTY_OK)
		rc = progress_step(pr);
	if (rc != LOYALTY_OK)
		goto fail;
	records++;
	if (opts != NULL && !ly_program_options_equal(opts, &def.opts)) {
		rc = ly_error(LOYALTY_ECONFLICT, "%s: the program was created with other options", what);
		goto fail;
	}
	rc = loyalty_program_new(&p, calc, &def.opts);
	if (rc != LOYALTY_OK)
		goto fail;
	p->replaying = true;
	rc = ly_definition_of(p, &given);
	if (rc == LOYALTY_OK && !calculators_match(&def, &given))
		rc = ly_error(LOYALTY_ECONFLICT, "%s: the calculator differs from the one the program was created with",
		              what);
	if (rc != LOYALTY_OK) {
		/* hand the calculator back to the caller */
		ly_calculator_detach(p->calc);
		p->calc = NULL;
		goto fail;
	}
	install_definition(p, &def);
	ly_txn_init(&t, p);
	t.bulk = true;
	txn_ready = true;
	for (;;) {
		rc = next_frame(r, &payload, &plen, &bad, &torn);
		if (rc == 1) {
			rc = ly_error(LOYALTY_ECORRUPT, "%s: ends without its end record", what);
			goto fail;
		}
		if (rc == LOYALTY_OK)
			rc = open_record(payload, plen, &type, &body);
		if (rc == LOYALTY_OK)
			rc = progress_step(pr);
		if (rc != LOYALTY_OK)
			goto fail;
		records++;
		if (type == SREC_ACCOUNT) {
			ly_account *a;
			if ((rc = ly_decode_account(&body, &a)) != LOYALTY_OK)
				goto fail;
			if ((rc = ly_dec_finish(&body)) != LOYALTY_OK || (rc = ly_account_check(p, a)) != LOYALTY_OK) {
				ly_account_free(a);
				goto fail;
			}
			if ((rc = ly_txn_add_account(&t, a)) != LOYALTY_OK ||
			    (rc = ly_map_reserve(&by_id, 1)) != LOYALTY_OK)
				goto fail;
			if (ly_map_put(&by_id, a->c->id.bytes, 16, a) != NULL) {
				rc = ly_error(LOYALTY_ECORRUPT, "%s: customer listed twice", what);
				goto fail;
			}
		} else if (type == SREC_ENTRY) {
			loyalty_entry e;
			ly_account *a;
			if ((rc = ly_decode_entry(&body, &e)) != LOYALTY_OK || (rc = ly_dec_finish(&body)) != LOYALTY_OK)
				goto fail;
			a = ly_map_get(&by_id, e.customer_id.bytes, 16);
			if (a == NULL || e.seq != t.next_seq) {
				rc = ly_error(LOYALTY_ECORRUPT, "%s: entry %llu is out of order or names an unknown customer",
				              what, (unsigned long long)e.seq);
				goto fail;
			}
			if (t.nentries == t.capentries) {
				size_t cap = t.capentries ? t.capentries * 2 : 1024;
				loyalty_entry *ne = realloc(t.entries, cap * sizeof *ne);
				if (ne == NULL) {
					rc = ly_error(LOYALTY_ENOMEM, "out of memory");
					goto fail;
				}
				t.entries = ne;
				t.capentries = cap;
			}
			t.entries[t.nentries++] = e;
			t.next_seq++;
		} else if (type == SREC_PURCHASE) {
			ly_purchase_rec *rec;
			if ((rc = ly_decode_purchase_rec(&body, &rec)) != LOYALTY_OK || (rc = ly_txn_put_purchase(&t, rec)) != LOYALTY_OK)
				goto fail;
		} else if (type == SREC_REDEMPTION) {
			ly_redemption_rec *rr;
			if ((rc = ly_decode_redemption_rec(&body, &rr)) != LOYALTY_OK ||
			    (rc = ly_txn_put_redemption(&t, rr)) != LOYALTY_OK)
				goto fail;
		} else if (type == SREC_IDEM) {
			ly_idem *ir;
			if ((rc = ly_decode_idem(&body, &ir)) != LOYALTY_OK)
				goto fail;
			if (nidem == capidem) {
				size_t cap = capidem ? capidem * 2 : 64;
				ly_idem **ni = realloc(idems, cap * sizeof *ni);
				if (ni == NULL) {
					ly_idem_free(ir);
					rc = ly_error(LOYALTY_ENOMEM, "out of memory");
					goto fail;
				}
				idems = ni;
				capidem = cap;
			}
			idems[nidem++] = ir;
		} else if (type == SREC_META) {
			if ((rc = ly_decode_rec_maintain(&body, &p->last_maintain)) != LOYALTY_OK)
				goto fail;
		} else if (type == SREC_END) {
			loyalty_time count;
			if ((rc = ly_decode_rec_maintain(&body, &count)) != LOYALTY_OK)
				goto fail;
			if ((size_t)count != records - 1) {
				rc = ly_error(LOYALTY_ECORRUPT, "%s: the end record counts %lld records, found %zu", what,
				              (long long)count, records - 1);
				goto fail;
			}
			break;
		} else {
			rc = ly_error(LOYALTY_ECORRUPT, "%s: unexpected record type %d", what, type);
			goto fail;
		}
	}
	/* commit the whole state at once */
	if ((rc = p->store->ops->prepare(p->store, &t)) != LOYALTY_OK) {
		rc = ly_error(rc, "%s: out of memory", what);
		goto fail;
	}
	p->store->ops->apply(p->store, &t);
	for (size_t i = 0; i < nidem; i++) {
		rc = p->store->ops->restore_idem(p->store, idems[i]);
		idems[i] = NULL;
		if (rc != LOYALTY_OK) {
			rc = ly_error(rc, "%s: out of memory", what);
			goto fail;
		}
	}
	p->sealed = p->store->ops->account_count(p->store) > 0;
	ly_txn_release(&t);
	ly_map_free(&by_id);
	free(idems);
	ly_definition_free(&def);
	ly_definition_free(&given);
	*out = p;
	return LOYALTY_OK;
fail:
	if (txn_ready)
		ly_txn_release(&t);
	ly_map_free(&by_id);
	for (size_t i = 0; i < nidem; i++)
		ly_idem_free(idems[i]);
	free(idems);
	ly_definition_free(&def);
	ly_definition_free(&given);
	if (p != NULL) { /* the calculator goes back to the caller */
		if (p->calc != NULL)
			ly_calculator_detach(p->calc);
		p->calc = NULL;
		loyalty_program_free(p);
	}
	return rc;
}

/* ---- replaying the journal ------------------------------------------------------------------ */

static int replay_record(loyalty_program *p, int type, ly_dec *body)
{
	int rc = LOYALTY_OK;

	switch (type) {
	case LY_REC_TXN: {
		ly_txn t;
		ly_txn_init(&t, p);
		rc = ly_decode_txn(body, &t);
		if (rc == LOYALTY_OK)
			rc = ly_dec_finish(body);
		if (rc == LOYALTY_OK)
			rc = ly_txn_commit(&t); /* p->replaying: not journaled again */
		ly_txn_release(&t);
		break;
	}
	case LY_REC_BATCH: /* a batch's transactions, committed in order */
		rc = ly_replay_batch(p, body->data, body->off, body->len);
		break;
	case LY_REC_TIER: {
		ly_tier tier;
		ly_tier *tiers;
		if ((rc = ly_decode_rec_tier(body, &tier)) != LOYALTY_OK)
			break;
		tiers = realloc(p->tiers, (p->ntiers + 1) * sizeof *tiers);
		if (tiers == NULL) {
			free(tier.name);
			ly_strset_free(&tier.benefits);
			return ly_error(LOYALTY_ENOMEM, "out of memory");
		}
		p->tiers = tiers;
		p->tiers[p->ntiers++] = tier;
		break;
	}
	case LY_REC_REWARD: {
		ly_reward rw;
		char *min_tier = NULL;
		if ((rc = ly_decode_rec_reward(body, &rw, &min_tier)) != LOYALTY_OK)
			break;
		rw.min_tier = min_tier ? ly_tier_index(p, min_tier) : -1;
		free(min_tier);
		if (p->nrewards == p->caprewards) {
			size_t cap = p->caprewards ? p->caprewards * 2 : 8;
			ly_reward *rs = realloc(p->rewards, cap * sizeof *rs);
			if (rs == NULL) {
				free(rw.id);
				free(rw.name);
				return ly_error(LOYALTY_ENOMEM, "out of memory");
			}
			p->rewards = rs;
			p->caprewards = cap;
		}
		p->rewards[p->nrewards++] = rw;
		break;
	}
	case LY_REC_STOCK: {
		char *id = NULL;
		int64_t stock;
		if ((rc = ly_decode_rec_stock(body, &id, &stock)) != LOYALTY_OK)
			break;
		rc = ly_error(LOYALTY_ECORRUPT, "journal: stock record for an unknown reward");
		for (size_t i = 0; i < p->nrewards; i++)
			if (strcmp(p->rewards[i].id, id) == 0) {
				p->rewards[i].stock = stock;
				rc = LOYALTY_OK;
			}
		free(id);
		break;
	}
	case LY_REC_ACTION: {
		ly_action a;
		ly_action *as;
		if ((rc = ly_decode_rec_action(body, &a)) != LOYALTY_OK)
			break;
		as = realloc(p->actions, (p->nactions + 1) * sizeof *as);
		if (as == NULL) {
			free(a.name);
			return ly_error(LOYALTY_ENOMEM, "out of memory");
		}
		p->actions = as;
		p->actions[p->nactions++] = a;
		break;
	}
	case LY_REC_PARTNER: {
		ly_partner pa;
		ly_partner *ps;
		if ((rc = ly_decode_rec_partner(body, &pa)) != LOYALTY_OK)
			break;
		ps = realloc(p->partners, (p->npartners + 1) * sizeof *ps);
		if (ps == NULL) {
			free(pa.name);
			return ly_error(LOYALTY_ENOMEM, "out of memory");
		}
		p->partners = ps;
		p->partners[p->npartners++] = pa;
		break;
	}
	case LY_REC_MAINTAIN:
		rc = ly_decode_rec_maintain(body, &p->last_maintain);
		break;
	default:
		rc = ly_error(LOYALTY_ECORRUPT, "journal: unknown record type %d", type);
	}
	if (rc == LOYALTY_OK && p->store->ops->account_count(p->store) > 0)
		p->sealed = true;
	return rc;
}

/* ---- opening ---------------------------------------------------------------------------------- */

static int find_generation(const char *dir, uint64_t *gen, bool *found)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	*found = false;
	*gen = 0;
	if (d == NULL)
		return io_error("cannot list", dir);
	while ((de = readdir(d)) != NULL) {
		unsigned long long g;
		char exact[48];
		if (sscanf(de->d_name, "snapshot-%llu.lsn", &g) == 1 &&
		    snprintf(exact, sizeof exact, "snapshot-%llu.lsn", g) > 0 && strcmp(exact, de->d_name) == 0) {
			if (!*found || g > *gen)
				*gen = g;
			*found = true;
		}
	}
	closedir(d);
	return LOYALTY_OK;
}

static char *gen_path(const char *dir, const char *prefix, uint64_t gen, const char *ext)
{
	char name[64];

	snprintf(name, sizeof name, "%s-%llu.%s", prefix, (unsigned long long)gen, ext);
	return path_join(dir, name);
}

static int create_journal_file(ly_journal *j, uint64_t gen)
{
	char *path = gen_path(j->dir, "journal", gen, "ljr");
	uint8_t header[HEADER_SIZE];
	int fd, rc = LOYALTY_OK;

	if (path == NULL)
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	make_header(header, "LOYALTYJ", gen);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		rc = io_error("cannot create", path);
	else if (write_all(fd, header, HEADER_SIZE) != 0 || fsync(fd) != 0 || fsync(j->dir_fd) != 0)
		rc = io_error("cannot initialise", path);
	if (rc != LOYALTY_OK) {
		if (fd >= 0)
			close(fd);
		free(path);
		return rc;
	}
	free(path);
	j->fd = fd;
	j->gen = gen;
	j->file_size = HEADER_SIZE;
	/* everything written before is in the snapshot of this generation: durable */
	if (j->written == 0)
		j->written = HEADER_SIZE;
	j->synced = j->written;
	return LOYALTY_OK;
}

/* Write generation @p gen: snapshot of the state, then an empty journal; remove generation gen-1. */
static int start_generation(loyalty_program *p, ly_journal *j, uint64_t gen)
{
	frames f = { 0 };
	char *snap = gen_path(j->dir, "snapshot", gen, "lsn");
	int old_fd = j->fd, rc;
	uint64_t old_gen = j->gen;

	if (snap == NULL)
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	rc = encode_state(p, &f);
	if (rc == LOYALTY_OK)
		rc = write_atomically(snap, j->dir_fd, "LOYALTYS", gen, &f);
	free(f.data);
	free(snap);
	if (rc != LOYALTY_OK)
		return rc;
	j->fd = -1;
	rc = create_journal_file(j, gen);
	if (rc != LOYALTY_OK) {
		j->fd = old_fd;
		return rc;
	}
	if (old_fd >= 0) {
		char *oj = gen_path(j->dir, "journal", old_gen, "ljr"), *os = gen_path(j->dir, "snapshot", old_gen, "lsn");
		close(old_fd);
		if (oj)
			unlink(oj);
		if (os)
			unlink(os);
		free(oj);
		free(os);
		fsync(j->dir_fd);
	}
	return LOYALTY_OK;
}

/* Cut a torn or corrupt tail at @p off: copy it aside, truncate, fsync. */
static int cut_tail(ly_journal *j, const char *path, const uint8_t *data, size_t len, size_t off)
{
	char name[96];
	char *aside;
	int fd, rc = LOYALTY_OK;

	snprintf(name, sizeof name, "torn-%llu-%zu.bin", (unsigned long long)j->gen, off);
	aside = path_join(j->dir, name);
	if (aside == NULL)
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	fd = open(aside, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write_all(fd, data + off, len - off) != 0 || fsync(fd) != 0)
		rc = io_error("cannot keep the torn tail in", aside);
	if (fd >= 0)
		close(fd);
	free(aside);
	if (rc != LOYALTY_OK)
		return rc;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)off) != 0 || fsync(fd) != 0)
		rc = io_error("cannot truncate", path);
	if (fd >= 0)
		close(fd);
	if (rc == LOYALTY_OK)
		fsync(j->dir_fd);
	return rc;
}

/* Read the caller's options (version 1: the smaller struct of version 1) into @p out. */
static int get_jopts(const loyalty_journal_options *in, loyalty_journal_options *out)
{
	static const loyalty_journal_options defaults = LOYALTY_JOURNAL_OPTIONS_INIT;

	*out = defaults;
	if (in == NULL)
		return LOYALTY_OK;
	if (in->version == 1)
		memcpy(out, in, JOURNAL_OPTIONS_V1_SIZE);
	else if (in->version == LOYALTY_JOURNAL_OPTIONS_VERSION)
		*out = *in;
	else
		return ly_error(LOYALTY_EINVAL, "loyalty_program_open: jopts.version %u unknown (expected 1..%d)",
		                in->version, LOYALTY_JOURNAL_OPTIONS_VERSION);
	out->version = LOYALTY_JOURNAL_OPTIONS_VERSION;
	if ((int)out->sync < 0 || out->sync > LOYALTY_SYNC_NONE)
		return ly_error(LOYALTY_EINVAL, "loyalty_program_open: jopts.sync unknown");
	if (out->batch_ms < 0 || out->batch_ms > 10000 || out->batch_records < 1)
		return ly_error(LOYALTY_EINVAL, "loyalty_program_open: jopts.batch_ms must be 0..10000 and batch_records >= 1");
	if (out->snapshot_bytes < 0)
		return ly_error(LOYALTY_EINVAL, "loyalty_program_open: jopts.snapshot_bytes must be >= 0");
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_journal_options_init(loyalty_journal_options *opts, unsigned int version)
{
	static const loyalty_journal_options defaults = LOYALTY_JOURNAL_OPTIONS_INIT;

	LY_CHECK_NULL(opts, "loyalty_journal_options_init");
	if (version == 1) {
		memcpy(opts, &defaults, JOURNAL_OPTIONS_V1_SIZE);
		opts->version = 1;
		return LOYALTY_OK;
	}
	if (version != LOYALTY_JOURNAL_OPTIONS_VERSION)
		return ly_error(LOYALTY_EINVAL, "loyalty_journal_options_init: unknown version %u", version);
	*opts = defaults;
	return LOYALTY_OK;
}

/* Frames in @p len bytes of frames, counted by their headers alone (length checksum and bounds):
 * the total for progress. */
static uint64_t count_frames(const uint8_t *data, size_t len)
{
	uint64_t n = 0;

	for (size_t off = 0; len - off >= FRAME_SIZE;) {
		uint32_t flen = get_u32(data + off);
		if (ly_crc32c(0, data + off, 4) != get_u32(data + off + 4) || flen > MAX_RECORD ||
		    flen > len - off - FRAME_SIZE)
			break;
		off += FRAME_SIZE + flen;
		n++;
	}
	return n;
}

/* The files of the newest generation, read whole. */
typedef struct gen_files {
	uint64_t gen;
	bool found;         /* a snapshot exists */
	char *snap_path, *journal_path;
	uint8_t *snap, *journal;
	size_t snap_len, journal_len;
	bool has_journal;   /* journal-<gen>.ljr exists */
} gen_files;

static void gen_files_free(gen_files *g)
{
	free(g->snap_path);
	free(g->journal_path);
	free(g->snap);
	free(g->journal);
	memset(g, 0, sizeof *g);
}

/* Read a whole file; *missing set (and LOYALTY_OK returned) when it does not exist. */
static int read_if_present(const char *path, uint8_t **out, size_t *len, bool *missing)
{
	*missing = false;
	if (access(path, F_OK) != 0 && errno == ENOENT) {
		*missing = true;
		return LOYALTY_OK;
	}
	return read_file(path, out, len);
}

/* Find and read the newest generation. A writer (another process or handle, when we are read-only)
 * may compact meanwhile: it writes generation g+1 whole before removing g, so a file of g that
 * vanishes means g+1 is there: look again. */
static int load_generation(const char *dir, bool read_only, gen_files *g)
{
	for (int attempt = 0;; attempt++) {
		bool missing;
		int rc;

		gen_files_free(g);
		if ((rc = find_generation(dir, &g->gen, &g->found)) != LOYALTY_OK || !g->found)
			return rc;
		g->snap_path = gen_path(dir, "snapshot", g->gen, "lsn");
		g->journal_path = gen_path(dir, "journal", g->gen, "ljr");
		if (g->snap_path == NULL || g->journal_path == NULL)
			return ly_error(LOYALTY_ENOMEM, "out of memory");
		if ((rc = read_if_present(g->snap_path, &g->snap, &g->snap_len, &missing)) != LOYALTY_OK)
			return rc;
		if (missing) {
			if (read_only && attempt < 100)
				continue;
			errno = ENOENT;
			return io_error("cannot open", g->snap_path);
		}
		if ((rc = read_if_present(g->journal_path, &g->journal, &g->journal_len, &missing)) != LOYALTY_OK)
			return rc;
		g->has_journal = !missing;
		if (missing && read_only && attempt < 100) {
			/* compacted meanwhile (a newer snapshot), or a crash before the journal was created */
			uint64_t newer;
			bool found;
			if ((rc = find_generation(dir, &newer, &found)) != LOYALTY_OK)
				return rc;
			if (found && newer != g->gen)
				continue;
		}
		return LOYALTY_OK;
	}
}

LOYALTY_API int loyalty_program_open(loyalty_program **out, const char *dir, loyalty_calculator *calculator,
                                     const loyalty_program_options *opts, const loyalty_journal_options *jopts,
                                     loyalty_recovery_info *info)
{
	static const char fn[] = "loyalty_program_open";
	loyalty_journal_options jo;
	loyalty_recovery_info ri = { 0, 0, 0, -1, 0 };
	progress pr = { 0 };
	loyalty_program *p = NULL;
	ly_journal *j;
	gen_files g = { 0 };
	size_t jlen = 0, cut_at = 0;
	bool made_dir = false, made_lock = false, cut = false;
	char *lockp = NULL;
	uint64_t hgen;
	int rc;

	LY_CHECK_NULL(out, fn);
	LY_CHECK_NULL(dir, fn);
	LY_CHECK_NULL(calculator, fn);
	if ((rc = get_jopts(jopts, &jo)) != LOYALTY_OK)
		return rc;
	pr.fn = jo.progress;
	pr.data = jo.progress_data;
	pr.fn_name = fn;
	if (jo.read_only) {
		struct stat st;
		if (stat(dir, &st) != 0 && errno == ENOENT)
			return ly_error(LOYALTY_ENOTFOUND, "%s: %s does not exist (read_only creates nothing)", fn, dir);
	} else if (mkdir(dir, 0755) == 0) {
		made_dir = true;
	} else if (errno != EEXIST) {
		return io_error("cannot create", dir);
	}
	j = calloc(1, sizeof *j);
	if (j == NULL || (j->dir = ly_strdup(dir)) == NULL) {
		free(j);
		rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
		goto fail_nothing;
	}
	j->fd = j->lock_fd = j->dir_fd = -1;
	j->opts = jo;
	j->read_only = jo.read_only != 0;
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	if (!j->read_only) {
		j->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		lockp = path_join(dir, "lock");
		if (j->dir_fd < 0 || lockp == NULL) {
			rc = j->dir_fd < 0 ? io_error("cannot open", dir) : ly_error(LOYALTY_ENOMEM, "out of memory");
			goto fail;
		}
		j->lock_fd = open(lockp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (j->lock_fd >= 0)
			made_lock = true;
		else if (errno == EEXIST)
			j->lock_fd = open(lockp, O_RDWR | O_CLOEXEC);
		if (j->lock_fd < 0) {
			rc = io_error("cannot create the lock file in", dir);
			goto fail;
		}
		/* flock() locks belong to the open file description: a second open() of the lock file,
		 * even in this process, is refused while this one holds it */
		if (flock(j->lock_fd, LOCK_EX | LOCK_NB) != 0) {
			made_lock = false; /* someone else's */
			rc = ly_error(LOYALTY_ESTATE, "%s: %s is open in another process (or handle)", fn, dir);
			goto fail;
		}
	}
	if ((rc = load_generation(dir, j->read_only, &g)) != LOYALTY_OK)
		goto fail;
	if (!g.found) {
		if (j->read_only) {
			rc = ly_error(LOYALTY_ENOTFOUND, "%s: %s holds no program (read_only creates nothing)", fn, dir);
			goto fail;
		}
		/* a new program: its definition goes into snapshot 1 at once */
		if (opts == NULL) {
			rc = ly_error(LOYALTY_EINVAL, "%s: %s holds no program and no options were given", fn, dir);
			goto fail;
		}
		if ((rc = progress_end(&pr)) != LOYALTY_OK)
			goto fail;
		if ((rc = loyalty_program_new(&p, calculator, opts)) != LOYALTY_OK)
			goto fail;
		if ((rc = start_generation(p, j, 1)) != LOYALTY_OK) {
			ly_calculator_detach(p->calc);
			p->calc = NULL;
			loyalty_program_free(p);
			p = NULL;
			goto fail;
		}
		ri.created = 1;
		ri.snapshot_generation = 1;
		p->journal = j;
		*out = p;
		if (info)
			*info = ri;
		free(lockp);
		gen_files_free(&g);
		return LOYALTY_OK;
	}
	/* recovery: the snapshot, then its journal; nothing is written before the last progress call */
	if ((rc = check_header(g.snap, g.snap_len, "LOYALTYS", g.snap_path, &hgen)) != LOYALTY_OK)
		goto fail;
	if (g.has_journal && g.journal_len >= HEADER_SIZE &&
	    (rc = check_header(g.journal, g.journal_len, "LOYALTYJ", g.journal_path, &hgen)) != LOYALTY_OK)
		goto fail;
	pr.total = count_frames(g.snap + HEADER_SIZE, g.snap_len - HEADER_SIZE);
	if (g.has_journal && g.journal_len >= HEADER_SIZE)
		pr.total += count_frames(g.journal + HEADER_SIZE, g.journal_len - HEADER_SIZE);
	if ((rc = progress_report(&pr)) != LOYALTY_OK)
		goto fail;
	{
		reader r = { g.snap + HEADER_SIZE, g.snap_len - HEADER_SIZE, 0, g.snap_path };
		if ((rc = restore(&p, &r, calculator, opts, g.snap_path, &pr)) != LOYALTY_OK)
			goto fail;
	}
	free(g.snap);
	g.snap = NULL;
	ri.snapshot_generation = g.gen;
	j->gen = g.gen;
	if (g.has_journal && g.journal_len >= HEADER_SIZE) {
		reader r = { g.journal + HEADER_SIZE, g.journal_len - HEADER_SIZE, 0, g.journal_path };
		jlen = g.journal_len;
		for (;;) {
			const uint8_t *payload;
			size_t plen, bad;
			bool torn;
			int type;
			ly_dec body;

			rc = next_frame(&r, &payload, &plen, &bad, &torn);
			if (rc == 1) {
				rc = LOYALTY_OK;
				break;
			}
			if (rc == LOYALTY_OK)
				rc = open_record(payload, plen, &type, &body);
			if (rc == LOYALTY_OK)
				rc = replay_record(p, type, &body);
			if (rc == LOYALTY_ECORRUPT && (torn || jo.salvage)) {
				cut_at = HEADER_SIZE + bad;
				cut = true;
				ri.torn_offset = (int64_t)cut_at;
				ri.torn_bytes = (int64_t)(jlen - cut_at);
				rc = LOYALTY_OK;
				break;
			}
			if (rc != LOYALTY_OK) {
				if (rc == LOYALTY_ECORRUPT)
					ly_error_prefix("loyalty_program_open (reopen with salvage to keep what precedes it)");
				goto fail_program;
			}
			ri.records_replayed++;
			if ((rc = progress_step(&pr)) != LOYALTY_OK)
				goto fail_program;
		}
	}
	if ((rc = progress_end(&pr)) != LOYALTY_OK)
		goto fail_program;
	/* the writes of recovery, after the last chance to cancel */
	if (!j->read_only) {
		if (!g.has_journal || g.journal_len < HEADER_SIZE) {
			/* a crash between the snapshot and its journal, or a torn header (nothing was
			 * acknowledged in that file): start the journal now */
			if ((rc = create_journal_file(j, g.gen)) != LOYALTY_OK)
				goto fail_program;
		} else {
			if (cut) {
				if ((rc = cut_tail(j, g.journal_path, g.journal, jlen, cut_at)) != LOYALTY_OK)
					goto fail_program;
				jlen = cut_at;
			}
			j->fd = open(g.journal_path, O_WRONLY | O_APPEND | O_CLOEXEC);
			if (j->fd < 0) {
				rc = io_error("cannot open", g.journal_path);
				goto fail_program;
			}
			j->file_size = j->written = j->synced = jlen;
		}
	}
	gen_files_free(&g);
	free(lockp);
	p->replaying = false;
	p->journal = j;
	*out = p;
	if (info)
		*info = ri;
	return LOYALTY_OK;
fail_program:
	/* the calculator goes back to the caller */
	ly_calculator_detach(p->calc);
	p->calc = NULL;
	loyalty_program_free(p);
fail:
	gen_files_free(&g);
	/* a directory that this failed open made is removed again (with its lock file, still held:
	 * a lock file in a directory that existed stays, since another opener may hold it open) */
	if (made_dir && made_lock && lockp != NULL)
		unlink(lockp);
	free(lockp);
	ly_journal_close(j);
	j = NULL;
fail_nothing:
	if (made_dir)
		rmdir(dir); /* fails, harmlessly, when something else was put there meanwhile */
	return rc;
}

/* Under the program lock: snapshot and start the next generation. */
int ly_journal_compact(loyalty_program *p)
{
	ly_journal *j = p->journal;
	int rc;

	if (j->read_only)
		return ly_error(LOYALTY_ESTATE, "snapshot: the program is read-only (opened with read_only)");
	pthread_mutex_lock(&j->mu);
	/* writers wait on the old file: let the leader of an fsync in progress finish */
	while (j->syncing)
		pthread_cond_wait(&j->cv, &j->mu);
	if (j->failed) {
		pthread_mutex_unlock(&j->mu);
		return ly_error(LOYALTY_EIO, "snapshot: the journal failed; reopen the program");
	}
	if (fdatasync(j->fd) != 0) {
		j->failed = true;
		pthread_mutex_unlock(&j->mu);
		return ly_error(LOYALTY_EIO, "snapshot: fsync of the journal failed: %s", strerror(errno));
	}
	j->synced = j->written;
	j->syncing = true; /* keep others off the file descriptor while it changes */
	pthread_mutex_unlock(&j->mu);
	rc = start_generation(p, j, j->gen + 1);
	pthread_mutex_lock(&j->mu);
	j->syncing = false;
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
	return rc;
}

bool ly_journal_wants_compaction(const loyalty_program *p)
{
	const ly_journal *j = p->journal;
	return j && !j->read_only && j->opts.snapshot_bytes > 0 && (int64_t)j->file_size > j->opts.snapshot_bytes;
}

LOYALTY_API int loyalty_program_snapshot(loyalty_program *p)
{
	int rc;

	LY_CHECK_NULL(p, "loyalty_program_snapshot");
	ly_lock(p);
	if (p->journal == NULL)
		rc = ly_error(LOYALTY_ESTATE, "loyalty_program_snapshot: the program has no directory");
	else
		rc = ly_journal_compact(p);
	ly_unlock(p);
	return rc;
}

/* ---- export and import ------------------------------------------------------------------------- */

LOYALTY_API int loyalty_program_export(loyalty_program *p, const char *path)
{
	frames f = { 0 };
	int rc;

	LY_CHECK_NULL(p, "loyalty_program_export");
	LY_CHECK_NULL(path, "loyalty_program_export");
	ly_lock(p);
	rc = encode_state(p, &f);
	ly_unlock(p);
	if (rc == LOYALTY_OK)
		rc = write_atomically(path, -1, "LOYALTYS", 0, &f);
	free(f.data);
	return rc;
}

LOYALTY_API int loyalty_program_import_ex(loyalty_program **out, const char *path, loyalty_calculator *calculator,
                                          loyalty_progress_fn progress_fn, void *progress_data)
{
	static const char fn[] = "loyalty_program_import";
	progress pr = { progress_fn, progress_data, 0, 0, 0, fn };
	loyalty_program *p = NULL;
	uint8_t *data;
	size_t len;
	uint64_t gen;
	int rc;

	LY_CHECK_NULL(out, fn);
	LY_CHECK_NULL(path, fn);
	LY_CHECK_NULL(calculator, fn);
	if ((rc = read_file(path, &data, &len)) != LOYALTY_OK)
		return rc;
	rc = check_header(data, len, "LOYALTYS", path, &gen);
	if (rc == LOYALTY_OK) {
		pr.total = count_frames(data + HEADER_SIZE, len - HEADER_SIZE);
		rc = progress_report(&pr);
	}
	if (rc == LOYALTY_OK) {
		reader r = { data + HEADER_SIZE, len - HEADER_SIZE, 0, path };
		rc = restore(&p, &r, calculator, NULL, path, &pr);
	}
	free(data);
	if (rc == LOYALTY_OK && (rc = progress_end(&pr)) != LOYALTY_OK) {
		ly_calculator_detach(p->calc); /* the calculator goes back to the caller */
		p->calc = NULL;
		loyalty_program_free(p);
		return rc;
	}
	if (rc == LOYALTY_OK) {
		p->replaying = false;
		*out = p;
	}
	return rc;
}

LOYALTY_API int loyalty_program_import(loyalty_program **out, const char *path, loyalty_calculator *calculator)
{
	return loyalty_program_import_ex(out, path, calculator, NULL, NULL);
}
