/*
 * libloyalty - the what-if simulator: replay a history into two sandbox
 * programs (the current definition and a proposed one) and compare them.
 *
 * Everything goes through the programs' public calls (enrol, record
 * purchases in batches with loyalty_program_record_batch, refund, redeem,
 * maintain, the ledger), so the
 * sandboxes obey exactly the rules a live program does. Figures come from
 * scanning each sandbox's ledger once, period by period.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "history_internal.h"
#include "internal.h"
#include "loyalty/simulate.h"

#define BATCH 1024
#define PROGRESS_STEP 4096
#define AUTO_THREADS 8192 /* events from which the two sides run at once by default */

struct sim_side;
typedef struct sim_side {
	loyalty_simulation_totals t;
	loyalty_simulation_period *series;
	size_t nseries, capseries;
	uint64_t scanned;                 /* ledger entries read so far */
	ly_strset tier_names;             /* "" then the program's tiers */
	int64_t *tier_counts;
} sim_side;

struct loyalty_simulation_report {
	loyalty_fraction point_value;
	loyalty_time end;
	sim_side s[2];
	loyalty_simulation_tier_change *changes;
	size_t nchanges, capchanges;
	char **strings;                   /* owned copies behind the changes' pointers */
	size_t nstrings, capstrings;
};

LOYALTY_API int loyalty_simulation_options_init(loyalty_simulation_options *opts, unsigned int version)
{
	static const loyalty_simulation_options init = LOYALTY_SIMULATION_OPTIONS_INIT;

	LY_CHECK_NULL(opts, "loyalty_simulation_options_init");
	if (version != LOYALTY_SIMULATION_OPTIONS_VERSION)
		return ly_error(LOYALTY_EINVAL, "loyalty_simulation_options_init: unknown version %u", version);
	*opts = init;
	return LOYALTY_OK;
}

LOYALTY_API void loyalty_simulation_report_free(loyalty_simulation_report *r)
{
	if (r == NULL)
		return;
	for (int k = 0; k < 2; k++) {
		free(r->s[k].series);
		ly_strset_free(&r->s[k].tier_names);
		free(r->s[k].tier_counts);
	}
	for (size_t i = 0; i < r->nstrings; i++)
		free(r->strings[i]);
	free(r->strings);
	free(r->changes);
	free(r);
}

/* ---- the replay -------------------------------------------------------------------------- */

typedef struct sim {
	const loyalty_history *h;
	const uint32_t *order;            /* event indices in replay order */
	size_t n;
	loyalty_period period;
	int offset;                       /* the base program's UTC offset, for period boundaries */
	loyalty_time end;
	loyalty_progress_fn progress;
	void *progress_data;
	uint64_t done, total, reported;   /* done: by the calling thread */
	struct worker *worker;            /* the other side's thread, or NULL */
} sim;

/* The alternative's replay on a thread of its own (two sides at once). The calling thread
 * alone calls the progress callback: it adds what the worker has done and, to cancel, raises
 * the worker's stop flag, which the worker checks at each step. */
typedef struct worker {
	sim *m;
	loyalty_program *p;
	struct sim_side *s;
	_Atomic uint64_t done;
	_Atomic int stop;
	_Atomic int finished;
	int rc;
	int error_code;
	char message[512];
} worker;

static const char *const side_names[2] = { "base", "alternative" };

static int kind_rank(int kind)
{
	return kind; /* enrolments, purchases, refunds, redemptions */
}

static const loyalty_history *sort_history;

static int cmp_events(const void *a, const void *b)
{
	const ly_event *x = &sort_history->ev[*(const uint32_t *)a], *y = &sort_history->ev[*(const uint32_t *)b];
	int c;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->kind != y->kind)
		return kind_rank(x->kind) < kind_rank(y->kind) ? -1 : 1;
	if ((c = strcmp(ly_event_key(x), ly_event_key(y))) != 0)
		return c;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : *(const uint32_t *)a > *(const uint32_t *)b;
}

/* The first boundary of @p period strictly after @p t, at @p offset minutes east of UTC. */
static int next_boundary(loyalty_period period, loyalty_time t, int offset, loyalty_time *out)
{
	int y, m, d, wd;
	loyalty_time b;
	int rc;

	if ((rc = loyalty_time_to_civil(t, offset, &y, &m, &d, NULL, NULL, NULL, &wd)) != LOYALTY_OK)
		return rc;
	switch (period) {
	case LOYALTY_PERIOD_DAY:
		rc = loyalty_time_from_civil(y, m, d, 0, 0, 0, offset, &b);
		if (rc == LOYALTY_OK && !ly_add64(b, LOYALTY_MS_PER_DAY, &b))
			rc = LOYALTY_ERANGE;
		break;
	case LOYALTY_PERIOD_WEEK:
		rc = loyalty_time_from_civil(y, m, d, 0, 0, 0, offset, &b);
		if (rc == LOYALTY_OK && !ly_add64(b, (int64_t)(8 - wd) * LOYALTY_MS_PER_DAY, &b))
			rc = LOYALTY_ERANGE;
		break;
	case LOYALTY_PERIOD_MONTH:
		rc = loyalty_time_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1, 0, 0, 0, offset, &b);
		break;
	case LOYALTY_PERIOD_QUARTER: {
		int q = (m - 1) / 3 + 1; /* 1..4 */
		rc = loyalty_time_from_civil(q == 4 ? y + 1 : y, q == 4 ? 1 : q * 3 + 1, 1, 0, 0, 0, offset, &b);
		break;
	}
	default: /* YEAR */
		rc = loyalty_time_from_civil(y + 1, 1, 1, 0, 0, 0, offset, &b);
		break;
	}
	if (rc != LOYALTY_OK)
		return LOYALTY_ERANGE;
	*out = b;
	return LOYALTY_OK;
}

static int overflow(const char *what)
{
	return ly_error(LOYALTY_ERANGE, "loyalty_simulate: %s overflows", what);
}

/* Read the ledger entries written since the last scan into the side's totals. */
static int scan(loyalty_program *p, sim_side *s)
{
	size_t n = loyalty_program_entry_count(p);
	loyalty_entry e;

	for (; s->scanned < n; s->scanned++) {
		int64_t delta;
		if (loyalty_program_entry_at(p, (size_t)s->scanned, &e) != LOYALTY_OK)
			return ly_error(LOYALTY_ERANGE, "loyalty_simulate: the ledger changed while it was read");
		if (!ly_add64(e.points, e.pending, &delta) || !ly_add64(s->t.liability, delta, &s->t.liability))
			return overflow("the liability");
		switch (e.kind) {
		case LOYALTY_ENTRY_EARN:
		case LOYALTY_ENTRY_ACTION:
		case LOYALTY_ENTRY_PARTNER:
		case LOYALTY_ENTRY_REFERRAL:
			if (!ly_add64(s->t.issued, delta, &s->t.issued))
				return overflow("the points issued");
			break;
		case LOYALTY_ENTRY_REFUND: /* a clawback: the part that became debt was taken back too */
			if (!ly_sub64(delta, e.debt, &delta) || !ly_add64(s->t.issued, delta, &s->t.issued))
				return overflow("the points issued");
			break;
		case LOYALTY_ENTRY_REDEEM:
		case LOYALTY_ENTRY_DONATE:
		case LOYALTY_ENTRY_REDEEM_CANCEL:
			if (!ly_sub64(s->t.redeemed, delta, &s->t.redeemed))
				return overflow("the points redeemed");
			break;
		case LOYALTY_ENTRY_EXPIRE:
			if (!ly_sub64(s->t.expired, delta, &s->t.expired))
				return overflow("the points expired");
			break;
		default:
			break;
		}
	}
	return LOYALTY_OK;
}

static int canceled(uint64_t done, uint64_t total)
{
	return ly_error(LOYALTY_ECANCELED, "loyalty_simulate: canceled by the progress callback at %llu of %llu",
	                (unsigned long long)done, (unsigned long long)total);
}

/* Report progress from the calling thread: its own units and the worker's. */
static int report_progress(sim *m, bool force)
{
	uint64_t done = m->done + (m->worker ? atomic_load(&m->worker->done) : 0);

	if (m->progress == NULL || (!force && done - m->reported < PROGRESS_STEP))
		return LOYALTY_OK;
	m->reported = done;
	if (m->progress(done, m->total, m->progress_data) != 0)
		return canceled(done, m->total);
	return LOYALTY_OK;
}

/* @p units more events replayed by side @p k (1 on the worker's thread when there is one). */
static int progress_step(sim *m, int k, uint64_t units, bool force)
{
	if (m->worker != NULL && k == 1) {
		atomic_fetch_add(&m->worker->done, units);
		return atomic_load(&m->worker->stop) ? LOYALTY_ECANCELED : LOYALTY_OK;
	}
	m->done += units;
	if (m->worker != NULL && atomic_load(&m->worker->finished) && m->worker->rc != LOYALTY_OK &&
	    m->worker->rc != LOYALTY_ECANCELED)
		return LOYALTY_ECANCELED; /* stop: the other side failed (its error is reported) */
	return report_progress(m, force);
}

/* Sweep at @p at and add a point to the series. */
static int sweep(loyalty_program *p, sim_side *s, loyalty_time at, int k)
{
	int rc = loyalty_program_maintain(p, at, NULL);

	if (rc != LOYALTY_OK) {
		char why[400];
		snprintf(why, sizeof why, "%s", loyalty_last_error());
		return ly_error(rc, "loyalty_simulate: %s: the sweep at %lld failed: %s", side_names[k], (long long)at, why);
	}
	if ((rc = scan(p, s)) != LOYALTY_OK)
		return rc;
	if (s->nseries == s->capseries &&
	    ly_grow((void **)&s->series, &s->capseries, s->nseries + 1, sizeof *s->series) != LOYALTY_OK)
		return ly_error(LOYALTY_ENOMEM, "loyalty_simulate: out of memory");
	s->series[s->nseries++] = (loyalty_simulation_period){ at, s->t.issued, s->t.redeemed, s->t.expired,
		                                                   s->t.liability };
	return LOYALTY_OK;
}

static int event_failed(int rc, int k, const ly_event *e)
{
	static const char *const what[] = { "enrolment", "purchase", "refund", "redemption" };
	char why[400];

	snprintf(why, sizeof why, "%s", loyalty_last_error());
	return ly_error(rc, "loyalty_simulate: %s: the %s '%.128s' at %lld failed: %s", side_names[k], what[e->kind],
	                ly_event_key(e), (long long)e->at, why);
}

static bool refused(int rc)
{
	return rc == LOYALTY_EINSUFFICIENT || rc == LOYALTY_ERANGE || rc == LOYALTY_ESTATE || rc == LOYALTY_ENOTFOUND;
}

static int replay_events(sim *m, loyalty_program *p, sim_side *s, int k, loyalty_record_result *results)
{
	const loyalty_purchase *batch[BATCH];
	loyalty_time next = 0;
	bool have_next = false;
	size_t i = 0;
	int rc;

	if (m->n > 0) {
		if ((rc = next_boundary(m->period, m->h->ev[m->order[0]].at, m->offset, &next)) != LOYALTY_OK)
			return overflow("a period boundary");
		have_next = true;
	}
	while (i < m->n) {
		const ly_event *e = &m->h->ev[m->order[i]];
		size_t j = i + 1;

		while (have_next && next <= e->at) {
			if ((rc = sweep(p, s, next, k)) != LOYALTY_OK)
				return rc;
			if (next_boundary(m->period, next, m->offset, &next) != LOYALTY_OK)
				return overflow("a period boundary");
		}
		switch (e->kind) {
		case LOYALTY_EVENT_ENROLL:
			rc = loyalty_program_enroll(p, e->key, e->profile, e->text, e->at, NULL);
			if (rc != LOYALTY_OK)
				return event_failed(rc, k, e);
			s->t.customers++;
			break;
		case LOYALTY_EVENT_PURCHASE: {
			size_t nb = 0;
			batch[nb++] = e->purchase;
			while (j < m->n && nb < BATCH) {
				const ly_event *f = &m->h->ev[m->order[j]];
				if (f->kind != LOYALTY_EVENT_PURCHASE || (have_next && next <= f->at))
					break;
				batch[nb++] = f->purchase;
				j++;
			}
			/* one lock and one transaction per batch; each purchase has its own status and message */
			if (loyalty_program_record_batch(p, batch, nb, results, NULL) != LOYALTY_OK) {
				for (size_t b = 0; b < nb; b++)
					if (results[b].status != LOYALTY_OK) {
						loyalty_error_set(results[b].status, results[b].message);
						return event_failed(results[b].status, k, &m->h->ev[m->order[i + b]]);
					}
			}
			s->t.purchases += (int64_t)nb;
			break;
		}
		case LOYALTY_EVENT_REFUND: {
			loyalty_refund_result res;
			rc = loyalty_program_refund(p, e->key, e->text, e->amount, e->at, &res);
			if (rc != LOYALTY_OK)
				return event_failed(rc, k, e);
			s->t.refunds++;
			break;
		}
		default: { /* LOYALTY_EVENT_REDEEM */
			loyalty_redemption red;
			rc = loyalty_program_redeem(p, e->key, &e->customer, e->text, e->at, &red);
			if (rc == LOYALTY_OK)
				s->t.redemptions++;
			else if (refused(rc))
				s->t.redemptions_refused++;
			else
				return event_failed(rc, k, e);
			break;
		}
		}
		if ((rc = progress_step(m, k, j - i, false)) != LOYALTY_OK)
			return rc;
		i = j;
	}
	while (have_next && next <= m->end) {
		if ((rc = sweep(p, s, next, k)) != LOYALTY_OK)
			return rc;
		if (next_boundary(m->period, next, m->offset, &next) != LOYALTY_OK)
			return overflow("a period boundary");
	}
	if ((m->n > 0 || m->end != 0) && (s->nseries == 0 || s->series[s->nseries - 1].end != m->end))
		if ((rc = sweep(p, s, m->end, k)) != LOYALTY_OK)
			return rc;
	return progress_step(m, k, 0, true);
}

/* Replay the history into side @p k's program @p p. */
static int replay(sim *m, loyalty_program *p, sim_side *s, int k)
{
	loyalty_record_result *results = malloc(BATCH * sizeof *results);
	int rc;

	if (results == NULL)
		return ly_error(LOYALTY_ENOMEM, "loyalty_simulate: out of memory");
	rc = replay_events(m, p, s, k, results);
	free(results);
	return rc;
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	int rc = replay(w->m, w->p, w->s, 1);

	if (rc != LOYALTY_OK) {
		w->error_code = rc;
		snprintf(w->message, sizeof w->message, "%s", loyalty_last_error());
	}
	w->rc = rc;
	atomic_store(&w->finished, 1);
	return NULL;
}

/* Both replays: the alternative on a thread of its own when @p threads is 2 (and the thread
 * can be made), else one after the other on the calling thread. */
static int replay_both(sim *m, loyalty_program *const prog[2], sim_side s[2], int threads)
{
	worker w;
	pthread_t tid;
	int rc, wrc;

	if (threads < 2) {
		if ((rc = replay(m, prog[0], &s[0], 0)) != LOYALTY_OK)
			return rc;
		return replay(m, prog[1], &s[1], 1);
	}
	memset(&w, 0, sizeof w);
	w.m = m;
	w.p = prog[1];
	w.s = &s[1];
	atomic_init(&w.done, 0);
	atomic_init(&w.stop, 0);
	atomic_init(&w.finished, 0);
	m->worker = &w;
	if (pthread_create(&tid, NULL, worker_main, &w) != 0) {
		m->worker = NULL;
		return replay_both(m, prog, s, 1);
	}
	rc = replay(m, prog[0], &s[0], 0);
	/* wait for the other side, reporting its progress */
	while (rc == LOYALTY_OK && !atomic_load(&w.finished)) {
		struct timespec pause = { 0, 20 * 1000 * 1000 };
		nanosleep(&pause, NULL);
		rc = report_progress(m, false);
	}
	if (rc != LOYALTY_OK)
		atomic_store(&w.stop, 1);
	pthread_join(tid, NULL);
	m->worker = NULL;
	m->done += atomic_load(&w.done);
	wrc = w.rc;
	/* the worker's own failure comes first; a stop the calling thread asked for is its error */
	if (wrc != LOYALTY_OK && !(wrc == LOYALTY_ECANCELED && atomic_load(&w.stop)))
		return ly_error(w.error_code, "%s", w.message);
	if (rc != LOYALTY_OK)
		return rc;
	return report_progress(m, true);
}

/* ---- the figures at the end -------------------------------------------------------------- */

static int value_of(loyalty_points points, loyalty_fraction value, loyalty_fraction *out)
{
	if (ly_frac_mul(ly_frac_int(points), value, out) != LOYALTY_OK)
		return overflow("a cost");
	return LOYALTY_OK;
}

static int keep_string(loyalty_simulation_report *r, const char *s, const char **out)
{
	char *copy = ly_strdup(s);

	if (copy == NULL || (r->nstrings == r->capstrings &&
	                     ly_grow((void **)&r->strings, &r->capstrings, r->nstrings + 1, sizeof *r->strings))) {
		free(copy);
		return ly_error(LOYALTY_ENOMEM, "loyalty_simulate: out of memory");
	}
	r->strings[r->nstrings++] = copy;
	*out = copy;
	return LOYALTY_OK;
}

static size_t tier_slot(const sim_side *s, const char *tier)
{
	for (size_t i = 0; i < s->tier_names.count; i++)
		if (strcmp(s->tier_names.items[i], tier) == 0)
			return i;
	return 0;
}

static int tier_names(sim_side *s, const loyalty_program *p)
{
	size_t n = loyalty_program_tier_count(p);

	if ((s->tier_counts = calloc(n + 1, sizeof *s->tier_counts)) == NULL ||
	    ly_strset_add(&s->tier_names, "") != LOYALTY_OK)
		return ly_error(LOYALTY_ENOMEM, "loyalty_simulate: out of memory");
	for (size_t i = 0; i < n; i++)
		if (ly_strset_add(&s->tier_names, loyalty_program_tier_name(p, i)) == LOYALTY_ENOMEM)
			return ly_error(LOYALTY_ENOMEM, "loyalty_simulate: out of memory");
	return LOYALTY_OK;
}

/* Tier distributions and the customers whose tier differs, in replay order. */
static int compare_tiers(loyalty_simulation_report *r, const sim *m, loyalty_program *base, loyalty_program *alt)
{
	int rc;

	if ((rc = tier_names(&r->s[0], base)) != LOYALTY_OK || (rc = tier_names(&r->s[1], alt)) != LOYALTY_OK)
		return rc;
	for (size_t i = 0; i < m->n; i++) {
		const ly_event *e = &m->h->ev[m->order[i]];
		loyalty_customer *a = NULL, *b = NULL;
		const loyalty_id *id;
		if (e->kind != LOYALTY_EVENT_ENROLL)
			continue;
		id = loyalty_customer_id(e->profile);
		if ((rc = loyalty_program_get_customer(base, id, &a)) != LOYALTY_OK ||
		    (rc = loyalty_program_get_customer(alt, id, &b)) != LOYALTY_OK) {
			loyalty_customer_free(a);
			return rc;
		}
		r->s[0].tier_counts[tier_slot(&r->s[0], loyalty_customer_tier(a))]++;
		r->s[1].tier_counts[tier_slot(&r->s[1], loyalty_customer_tier(b))]++;
		if (strcmp(loyalty_customer_tier(a), loyalty_customer_tier(b)) != 0) {
			loyalty_simulation_tier_change c;
			c.customer = *id;
			rc = r->nchanges == r->capchanges
			             ? ly_grow((void **)&r->changes, &r->capchanges, r->nchanges + 1, sizeof *r->changes)
			             : LOYALTY_OK;
			if (rc == LOYALTY_OK)
				rc = keep_string(r, loyalty_customer_external_ref(a), &c.external_ref);
			if (rc == LOYALTY_OK)
				rc = keep_string(r, loyalty_customer_tier(a), &c.base_tier);
			if (rc == LOYALTY_OK)
				rc = keep_string(r, loyalty_customer_tier(b), &c.alternative_tier);
			if (rc == LOYALTY_OK)
				r->changes[r->nchanges++] = c;
		}
		loyalty_customer_free(a);
		loyalty_customer_free(b);
		if (rc != LOYALTY_OK)
			return ly_error(LOYALTY_ENOMEM, "loyalty_simulate: out of memory");
	}
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_simulate(const loyalty_history *history, loyalty_program *base, loyalty_program *alternative,
                                 const loyalty_simulation_options *opts, loyalty_simulation_report **out)
{
	static const char fn[] = "loyalty_simulate";
	static const loyalty_simulation_options defaults = LOYALTY_SIMULATION_OPTIONS_INIT;
	loyalty_simulation_report *r;
	loyalty_calculator_options copts;
	loyalty_program *prog[2] = { base, alternative };
	sim m;
	uint32_t *order = NULL;
	loyalty_fraction value;
	int rc, threads;

	LY_CHECK_NULL(history, fn);
	LY_CHECK_NULL(base, fn);
	LY_CHECK_NULL(alternative, fn);
	LY_CHECK_NULL(out, fn);
	if (opts == NULL)
		opts = &defaults;
	if (opts->version != LOYALTY_SIMULATION_OPTIONS_VERSION)
		return ly_error(LOYALTY_EINVAL, "%s: unknown options version %u", fn, opts->version);
	if (base == alternative)
		return ly_error(LOYALTY_EINVAL, "%s: base and alternative are the same program", fn);
	if (opts->point_value.den <= 0 || opts->point_value.num < 0 ||
	    loyalty_fraction_reduce(opts->point_value, &value) != LOYALTY_OK)
		return ly_error(LOYALTY_EINVAL, "%s: point_value must be a fraction >= 0 with a positive denominator", fn);
	if (opts->threads < 0 || opts->threads > 2)
		return ly_error(LOYALTY_EINVAL, "%s: threads must be 0 (automatic), 1 or 2 (got %d)", fn, opts->threads);
	threads = opts->threads != 0 ? opts->threads : history->n >= AUTO_THREADS ? 2 : 1;
	if (opts->period < LOYALTY_PERIOD_DAY || opts->period > LOYALTY_PERIOD_YEAR)
		return ly_error(LOYALTY_EINVAL, "%s: period must be DAY, WEEK, MONTH, QUARTER or YEAR (got %d)", fn,
		                (int)opts->period);
	if (history->n > UINT32_MAX)
		return ly_error(LOYALTY_ERANGE, "%s: more than %u events", fn, (unsigned)UINT32_MAX);
	for (int k = 0; k < 2; k++)
		if (loyalty_program_customer_count(prog[k]) != 0)
			return ly_error(LOYALTY_ESTATE, "%s: the %s program has customers: give a program with none", fn,
			                side_names[k]);
	loyalty_calculator_options_get(loyalty_program_calculator(base), &copts);

	memset(&m, 0, sizeof m);
	m.h = history;
	m.n = history->n;
	m.period = opts->period;
	m.offset = copts.utc_offset_minutes;
	m.progress = opts->progress;
	m.progress_data = opts->progress_data;
	m.total = 2 * (uint64_t)history->n;
	if (m.n > 0) {
		static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;
		if ((order = malloc(m.n * sizeof *order)) == NULL)
			return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
		for (size_t i = 0; i < m.n; i++)
			order[i] = (uint32_t)i;
		pthread_mutex_lock(&sort_lock); /* qsort has no context argument */
		sort_history = history;
		qsort(order, m.n, sizeof *order, cmp_events);
		sort_history = NULL;
		pthread_mutex_unlock(&sort_lock);
	}
	m.order = order;
	if (opts->end != 0) {
		if (m.n > 0 && opts->end < history->ev[order[m.n - 1]].at) {
			loyalty_time last = history->ev[order[m.n - 1]].at;
			free(order);
			return ly_error(LOYALTY_EINVAL, "%s: end (%lld) is before the last event (%lld)", fn,
			                (long long)opts->end, (long long)last);
		}
		m.end = opts->end;
	} else if (m.n > 0 && next_boundary(m.period, history->ev[order[m.n - 1]].at, m.offset, &m.end) != LOYALTY_OK) {
		free(order);
		return overflow("the end");
	}
	if ((r = calloc(1, sizeof *r)) == NULL) {
		free(order);
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	}
	r->point_value = value;
	r->end = m.end;
	rc = report_progress(&m, true);
	if (rc == LOYALTY_OK)
		rc = replay_both(&m, prog, r->s, threads);
	for (int k = 0; k < 2 && rc == LOYALTY_OK; k++) {
		sim_side *s = &r->s[k];
		if ((rc = value_of(s->t.issued, value, &s->t.cost)) == LOYALTY_OK)
			rc = value_of(s->t.liability, value, &s->t.liability_value);
	}
	if (rc == LOYALTY_OK)
		rc = compare_tiers(r, &m, base, alternative);
	free(order);
	if (rc != LOYALTY_OK) {
		loyalty_simulation_report_free(r);
		return rc;
	}
	*out = r;
	return LOYALTY_OK;
}

/* ---- getters ------------------------------------------------------------------------------- */

static int bad_side(const char *fn, int side)
{
	return ly_error(LOYALTY_EINVAL, "%s: side must be LOYALTY_SIDE_BASE or LOYALTY_SIDE_ALTERNATIVE (got %d)", fn,
	                side);
}

LOYALTY_API int loyalty_simulation_report_totals(const loyalty_simulation_report *r, int side,
                                                 loyalty_simulation_totals *out)
{
	LY_CHECK_NULL(r, "loyalty_simulation_report_totals");
	LY_CHECK_NULL(out, "loyalty_simulation_report_totals");
	if (side != LOYALTY_SIDE_BASE && side != LOYALTY_SIDE_ALTERNATIVE)
		return bad_side("loyalty_simulation_report_totals", side);
	*out = r->s[side].t;
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_simulation_report_difference(const loyalty_simulation_report *r,
                                                     loyalty_simulation_totals *out)
{
	static const char fn[] = "loyalty_simulation_report_difference";
	const loyalty_simulation_totals *a, *b;
	loyalty_simulation_totals d;

	LY_CHECK_NULL(r, fn);
	LY_CHECK_NULL(out, fn);
	a = &r->s[1].t;
	b = &r->s[0].t;
	if (!ly_sub64(a->customers, b->customers, &d.customers) || !ly_sub64(a->purchases, b->purchases, &d.purchases) ||
	    !ly_sub64(a->refunds, b->refunds, &d.refunds) || !ly_sub64(a->redemptions, b->redemptions, &d.redemptions) ||
	    !ly_sub64(a->redemptions_refused, b->redemptions_refused, &d.redemptions_refused) ||
	    !ly_sub64(a->issued, b->issued, &d.issued) || !ly_sub64(a->redeemed, b->redeemed, &d.redeemed) ||
	    !ly_sub64(a->expired, b->expired, &d.expired) || !ly_sub64(a->liability, b->liability, &d.liability) ||
	    ly_frac_sub(a->cost, b->cost, &d.cost) != LOYALTY_OK ||
	    ly_frac_sub(a->liability_value, b->liability_value, &d.liability_value) != LOYALTY_OK)
		return ly_error(LOYALTY_ERANGE, "%s: a difference overflows", fn);
	*out = d;
	return LOYALTY_OK;
}

LOYALTY_API loyalty_fraction loyalty_simulation_report_point_value(const loyalty_simulation_report *r)
{
	loyalty_fraction none = { 0, 0 };
	return r ? r->point_value : none;
}

LOYALTY_API loyalty_time loyalty_simulation_report_end(const loyalty_simulation_report *r)
{
	return r ? r->end : 0;
}

LOYALTY_API size_t loyalty_simulation_report_period_count(const loyalty_simulation_report *r)
{
	return r ? r->s[0].nseries : 0;
}

LOYALTY_API int loyalty_simulation_report_period_at(const loyalty_simulation_report *r, int side, size_t i,
                                                    loyalty_simulation_period *out)
{
	static const char fn[] = "loyalty_simulation_report_period_at";

	LY_CHECK_NULL(r, fn);
	LY_CHECK_NULL(out, fn);
	if (side != LOYALTY_SIDE_BASE && side != LOYALTY_SIDE_ALTERNATIVE)
		return bad_side(fn, side);
	if (i >= r->s[side].nseries)
		return ly_error(LOYALTY_ERANGE, "%s: period %zu of %zu", fn, i, r->s[side].nseries);
	*out = r->s[side].series[i];
	return LOYALTY_OK;
}

LOYALTY_API size_t loyalty_simulation_report_tier_count(const loyalty_simulation_report *r, int side)
{
	if (r == NULL || (side != LOYALTY_SIDE_BASE && side != LOYALTY_SIDE_ALTERNATIVE))
		return 0;
	return r->s[side].tier_names.count;
}

LOYALTY_API int loyalty_simulation_report_tier_at(const loyalty_simulation_report *r, int side, size_t i,
                                                  loyalty_simulation_tier *out)
{
	static const char fn[] = "loyalty_simulation_report_tier_at";

	LY_CHECK_NULL(r, fn);
	LY_CHECK_NULL(out, fn);
	if (side != LOYALTY_SIDE_BASE && side != LOYALTY_SIDE_ALTERNATIVE)
		return bad_side(fn, side);
	if (i >= r->s[side].tier_names.count)
		return ly_error(LOYALTY_ERANGE, "%s: tier %zu of %zu", fn, i, r->s[side].tier_names.count);
	out->name = r->s[side].tier_names.items[i];
	out->customers = r->s[side].tier_counts[i];
	return LOYALTY_OK;
}

LOYALTY_API size_t loyalty_simulation_report_tier_change_count(const loyalty_simulation_report *r)
{
	return r ? r->nchanges : 0;
}

LOYALTY_API int loyalty_simulation_report_tier_change_at(const loyalty_simulation_report *r, size_t i,
                                                         loyalty_simulation_tier_change *out)
{
	static const char fn[] = "loyalty_simulation_report_tier_change_at";

	LY_CHECK_NULL(r, fn);
	LY_CHECK_NULL(out, fn);
	if (i >= r->nchanges)
		return ly_error(LOYALTY_ERANGE, "%s: change %zu of %zu", fn, i, r->nchanges);
	*out = r->changes[i];
	return LOYALTY_OK;
}
