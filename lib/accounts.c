/*
 * libloyalty - accounts: buckets, counters, the tier metric, records.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "program_internal.h"

/* ---- lifecycle ------------------------------------------------------------ */

ly_account *ly_account_new(const loyalty_customer *profile)
{
	ly_account *a = calloc(1, sizeof *a);

	if (a == NULL)
		return NULL;
	if (loyalty_customer_clone(&a->c, profile) != LOYALTY_OK) {
		free(a);
		return NULL;
	}
	a->tier = -1;
	a->paid_tier = -1;
	return a;
}

static void *dup_array(const void *src, size_t n, size_t elem)
{
	void *p;

	if (n == 0)
		return NULL;
	p = malloc(n * elem);
	if (p != NULL)
		memcpy(p, src, n * elem);
	return p;
}

ly_account *ly_account_clone(const ly_account *a)
{
	ly_account *n = malloc(sizeof *n);

	if (n == NULL)
		return NULL;
	*n = *a;
	n->c = NULL;
	n->shared_profile = false;
	/* buckets and metric stamps are shared until written (ly_acct_own); counters are copied */
	n->shared_buckets = a->nbuckets > 0 || a->shared_buckets;
	n->shared_metric = a->nmetric > 0 || a->shared_metric;
	if (!n->shared_buckets) {
		n->buckets = NULL;
		n->capbuckets = 0;
	}
	if (!n->shared_metric) {
		n->metric = NULL;
		n->capmetric = 0;
	}
	n->counters = dup_array(a->counters, a->ncounters, sizeof *a->counters);
	n->capcounters = a->ncounters;
	/* the customer: its struct copied, its strings and tags shared (ly_acct_own_profile) */
	n->c = malloc(sizeof *n->c);
	if (n->c != NULL) {
		*n->c = *a->c;
		n->shared_profile = true;
	}
	if ((a->ncounters && !n->counters) || n->c == NULL) {
		ly_account_free(n);
		return NULL;
	}
	return n;
}

int ly_acct_own_profile(ly_account *a)
{
	loyalty_customer *copy;

	if (!a->shared_profile)
		return LOYALTY_OK;
	if (loyalty_customer_clone(&copy, a->c) != LOYALTY_OK)
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	free(a->c); /* the struct only: the strings are the owner's */
	a->c = copy;
	a->shared_profile = false;
	return LOYALTY_OK;
}

static bool same_profile(const loyalty_customer *x, const loyalty_customer *y)
{
	return x->external_ref == y->external_ref && x->name == y->name && x->email == y->email &&
	       x->tier == y->tier && x->tags.items == y->tags.items;
}

void ly_account_free(ly_account *a)
{
	if (a == NULL)
		return;
	if (a->shared_profile)
		free(a->c);
	else
		loyalty_customer_free(a->c);
	if (!a->shared_buckets)
		free(a->buckets);
	if (!a->shared_metric)
		free(a->metric);
	free(a->counters);
	free(a);
}

void ly_acct_hand_over(ly_account *old, ly_account *now)
{
	if (old == NULL)
		return;
	if (now->shared_profile && same_profile(now->c, old->c)) {
		now->shared_profile = old->shared_profile;
		old->shared_profile = true;
	}
	if (now->shared_buckets && now->buckets == old->buckets) {
		now->shared_buckets = old->shared_buckets;
		old->shared_buckets = true; /* no longer frees them */
	}
	if (now->shared_metric && now->metric == old->metric) {
		now->shared_metric = old->shared_metric;
		old->shared_metric = true;
	}
}

static int own_array(void **arr, size_t n, size_t *cap, size_t elem, bool *shared)
{
	void *copy;

	if (!*shared)
		return LOYALTY_OK;
	copy = malloc((n ? n : 1) * elem);
	if (copy == NULL)
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	if (n)
		memcpy(copy, *arr, n * elem);
	*arr = copy;
	*cap = n ? n : 1;
	*shared = false;
	return LOYALTY_OK;
}

int ly_acct_own(ly_account *a)
{
	if (own_array((void **)&a->buckets, a->nbuckets, &a->capbuckets, sizeof *a->buckets, &a->shared_buckets) ||
	    own_array((void **)&a->metric, a->nmetric, &a->capmetric, sizeof *a->metric, &a->shared_metric))
		return LOYALTY_ENOMEM;
	return LOYALTY_OK;
}

/* Room for one more element at the end: in place (even in a shared array: past the owner's count,
 * where nothing the owner sees is written), or in a grown array of our own. */
static int room_for_one(void **arr, size_t n, size_t *cap, size_t elem, bool *shared)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return LOYALTY_OK;
	ncap = *cap ? *cap * 2 : 4;
	if (*shared) {
		p = malloc(ncap * elem);
		if (p != NULL && n)
			memcpy(p, *arr, n * elem);
	} else {
		p = realloc(*arr, ncap * elem);
	}
	if (p == NULL)
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	*arr = p;
	*cap = ncap;
	*shared = false;
	return LOYALTY_OK;
}

void ly_purchase_rec_free(ly_purchase_rec *r)
{
	if (r == NULL)
		return;
	free(r->key);
	free(r);
}

ly_purchase_rec *ly_purchase_rec_clone(const ly_purchase_rec *r)
{
	ly_purchase_rec *n = malloc(sizeof *n);

	if (n == NULL)
		return NULL;
	*n = *r;
	n->key = ly_strdup(r->key);
	if (n->key == NULL) {
		free(n);
		return NULL;
	}
	return n;
}

void ly_redemption_rec_free(ly_redemption_rec *r)
{
	if (r == NULL)
		return;
	free(r->draws);
	free(r);
}

ly_redemption_rec *ly_redemption_rec_clone(const ly_redemption_rec *r)
{
	ly_redemption_rec *n = malloc(sizeof *n);

	if (n == NULL)
		return NULL;
	*n = *r;
	n->draws = dup_array(r->draws, r->ndraws, sizeof *r->draws);
	if (r->ndraws && n->draws == NULL) {
		free(n);
		return NULL;
	}
	return n;
}

/* ---- calendar helpers ---------------------------------------------------------- */

/* The first local day of the period containing local day d. */
static int64_t period_start_day(loyalty_period period, int64_t d)
{
	int64_t y;
	int m, dd;

	switch (period) {
	case LOYALTY_PERIOD_DAY:
		return d;
	case LOYALTY_PERIOD_WEEK:
		return d - (ly_weekday(d) - 1);
	case LOYALTY_PERIOD_MONTH:
		ly_civil_from_days(d, &y, &m, &dd);
		return ly_days_from_civil(y, m, 1);
	case LOYALTY_PERIOD_QUARTER:
		ly_civil_from_days(d, &y, &m, &dd);
		return ly_days_from_civil(y, (m - 1) / 3 * 3 + 1, 1);
	case LOYALTY_PERIOD_YEAR:
		ly_civil_from_days(d, &y, &m, &dd);
		return ly_days_from_civil(y, 1, 1);
	default:
		return 0;
	}
}

int64_t ly_period_index(loyalty_period period, loyalty_time at, int offset)
{
	if (period == LOYALTY_PERIOD_EVER || period == LOYALTY_PERIOD_NONE)
		return 0;
	return period_start_day(period, ly_local_day(at, offset));
}

/* The instant a local day starts. */
static loyalty_time day_start(int64_t day, int offset)
{
	return day * LOYALTY_MS_PER_DAY - (int64_t)offset * LOYALTY_MS_PER_MINUTE;
}

/* Add calendar months to a local day, clamping the day of month (Jan 31 + 1 month = Feb 28/29). */
static int64_t add_months(int64_t d, int months)
{
	int64_t y;
	int m, dd, dim;
	int64_t total;

	ly_civil_from_days(d, &y, &m, &dd);
	total = y * 12 + (m - 1) + months;
	y = total >= 0 ? total / 12 : -((-total + 11) / 12);
	m = (int)(total - y * 12) + 1;
	dim = ly_days_in_month(y, m);
	return ly_days_from_civil(y, m, dd > dim ? dim : dd);
}

loyalty_time ly_expiry_for(const loyalty_program *p, loyalty_time available_at)
{
	const loyalty_program_options *o = &p->opts;
	int off = p->copts.utc_offset_minutes;
	int64_t d, ms_in_day;
	loyalty_time t;

	if (o->expiry != LOYALTY_EXPIRY_BUCKET)
		return LY_NEVER;
	d = ly_local_day(available_at, off);
	ms_in_day = available_at - day_start(d, off);
	if (o->expiry_months)
		d = add_months(d, o->expiry_months);
	d += o->expiry_days;
	t = day_start(d, off) + ms_in_day;
	if (o->expiry_round_up != LOYALTY_PERIOD_NONE) {
		/* to the end of the period: the start of the next one */
		int64_t start = period_start_day(o->expiry_round_up, d), next;
		switch (o->expiry_round_up) {
		case LOYALTY_PERIOD_DAY: next = start + 1; break;
		case LOYALTY_PERIOD_WEEK: next = start + 7; break;
		case LOYALTY_PERIOD_MONTH: next = add_months(start, 1); break;
		case LOYALTY_PERIOD_QUARTER: next = add_months(start, 3); break;
		default: next = add_months(start, 12); break;
		}
		t = day_start(next, off);
	}
	return t;
}

/* ---- buckets ---------------------------------------------------------------------- */

static int bucket_order(const void *x, const void *y);
static void drop_empty(ly_account *a);
#define bucket_order_fwd bucket_order
#define drop_empty_fwd drop_empty

static int add_bucket(ly_account *a, ly_bucket b)
{
	int rc = room_for_one((void **)&a->buckets, a->nbuckets, &a->capbuckets, sizeof *a->buckets,
	                      &a->shared_buckets);

	if (rc != LOYALTY_OK)
		return rc;
	a->buckets[a->nbuckets++] = b;
	return LOYALTY_OK;
}

loyalty_points ly_acct_available_buckets(const ly_account *a)
{
	loyalty_points sum = 0;

	for (size_t i = 0; i < a->nbuckets; i++)
		if (a->buckets[i].matures_at == 0)
			sum += a->buckets[i].amount;
	return sum;
}

int ly_acct_credit(loyalty_program *p, ly_account *a, uint64_t bucket_id, loyalty_points pts, loyalty_time at,
                   loyalty_time matures_at, loyalty_time expires_at, loyalty_points *repaid,
                   loyalty_points *filled)
{
	ly_bucket b;
	loyalty_points rest = pts;

	*repaid = *filled = 0;
	if (pts <= 0)
		return LOYALTY_OK;
	b.id = bucket_id;
	b.earned_at = at;
	if (matures_at > 0) {
		b.amount = pts;
		b.matures_at = matures_at;
		b.expires_at = LY_NEVER;
		return add_bucket(a, b);
	}
	/* available points first repay a debt or fill a negative balance */
	if (a->debt > 0) {
		*repaid = rest < a->debt ? rest : a->debt;
		rest -= *repaid;
	}
	if (a->c->available < 0) {
		loyalty_points hole = -a->c->available;
		*filled = rest < hole ? rest : hole;
		rest -= *filled;
	}
	if (rest == 0)
		return LOYALTY_OK;
	b.amount = rest;
	b.matures_at = 0;
	b.expires_at = expires_at ? expires_at : ly_expiry_for(p, at);
	/* points that expire together are one bucket: the account stays small however many
	 * purchases it has (never-expiring points are all one bucket) */
	for (size_t i = 0; i < a->nbuckets; i++) {
		ly_bucket *o = &a->buckets[i];
		/* under inactivity expiry, points that arrived after the last activity expire dated when
		 * they arrived: only points from before it share a bucket */
		if (p->opts.expiry == LOYALTY_EXPIRY_INACTIVITY &&
		    (b.earned_at > a->last_activity || o->earned_at > a->last_activity))
			continue;
		if (o->matures_at == 0 && o->expires_at == b.expires_at) {
			int64_t sum;
			if (!ly_add64(o->amount, b.amount, &sum))
				return ly_error(LOYALTY_ERANGE, "bucket overflows int64");
			if (ly_acct_own(a) != LOYALTY_OK)
				return LOYALTY_ENOMEM;
			o = &a->buckets[i];
			o->amount = sum;
			if (b.earned_at < o->earned_at)
				o->earned_at = b.earned_at;
			return LOYALTY_OK;
		}
	}
	return add_bucket(a, b);
}

loyalty_points ly_acct_take(ly_account *a, loyalty_points pts, uint64_t prefer)
{
	loyalty_points left = pts;

	if (pts <= 0)
		return 0;
	if (ly_acct_own(a) != LOYALTY_OK)
		return -1; /* callers own the account first (ly_acct_own): not reached */
	if (a->nbuckets > 1)
		qsort(a->buckets, a->nbuckets, sizeof *a->buckets, bucket_order_fwd);
	for (int pass = 0; pass < 2 && left > 0; pass++) {
		for (size_t i = 0; i < a->nbuckets && left > 0; i++) {
			ly_bucket *b = &a->buckets[i];
			loyalty_points take;
			if (b->matures_at != 0 || b->amount <= 0 || (pass == 0 && b->id != prefer))
				continue;
			take = b->amount < left ? b->amount : left;
			b->amount -= take;
			left -= take;
		}
	}
	drop_empty_fwd(a);
	return pts - left;
}

/* soonest expiry first, then oldest, then lowest id */
static int bucket_order(const void *x, const void *y)
{
	const ly_bucket *a = x, *b = y;

	if ((a->matures_at != 0) != (b->matures_at != 0))
		return a->matures_at != 0 ? 1 : -1; /* available before pending */
	if (a->expires_at != b->expires_at)
		return a->expires_at < b->expires_at ? -1 : 1;
	if (a->earned_at != b->earned_at)
		return a->earned_at < b->earned_at ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

static void drop_empty(ly_account *a)
{
	size_t j = 0;

	for (size_t i = 0; i < a->nbuckets; i++)
		if (a->buckets[i].amount > 0)
			a->buckets[j++] = a->buckets[i];
	a->nbuckets = j;
}

int ly_acct_spend(ly_account *a, loyalty_points pts, ly_draw **draws, size_t *ndraws)
{
	loyalty_points left = pts;
	ly_draw *d = NULL;
	size_t n = 0;

	if (draws)
		*draws = NULL;
	if (ndraws)
		*ndraws = 0;
	if (pts <= 0)
		return LOYALTY_OK;
	if (a->c->available < pts)
		return ly_error(LOYALTY_EINSUFFICIENT, "%lld points needed, %lld available", (long long)pts,
		                (long long)a->c->available);
	if (ly_acct_own(a) != LOYALTY_OK)
		return LOYALTY_ENOMEM;
	if (a->nbuckets > 1)
		qsort(a->buckets, a->nbuckets, sizeof *a->buckets, bucket_order);
	if (draws) {
		d = calloc(a->nbuckets ? a->nbuckets : 1, sizeof *d);
		if (d == NULL)
			return ly_error(LOYALTY_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < a->nbuckets && left > 0; i++) {
		ly_bucket *b = &a->buckets[i];
		loyalty_points take;
		if (b->matures_at != 0 || b->amount <= 0)
			continue;
		take = b->amount < left ? b->amount : left;
		b->amount -= take;
		left -= take;
		if (d) {
			d[n].bucket = b->id;
			d[n].amount = take;
			d[n].earned_at = b->earned_at;
			d[n].expires_at = b->expires_at;
			n++;
		}
	}
	drop_empty(a);
	if (draws) {
		*draws = d;
		*ndraws = n;
	}
	return LOYALTY_OK;
}

/* ---- counters ------------------------------------------------------------------------ */

/* Counters are kept per (name, period), the most recent LY_COUNTER_PERIODS periods of each name,
 * so a late (back-dated) event counts against its own period without resetting the current one. */
#define LY_COUNTER_PERIODS 8

int ly_acct_counter(ly_account *a, const char *name, int64_t period, int64_t **value)
{
	size_t same = 0, oldest = SIZE_MAX;

	for (size_t i = 0; i < a->ncounters; i++) {
		if (strcmp(a->counters[i].name, name) != 0)
			continue;
		if (a->counters[i].period == period) {
			*value = &a->counters[i].value;
			return LOYALTY_OK;
		}
		same++;
		if (oldest == SIZE_MAX || a->counters[i].period < a->counters[oldest].period)
			oldest = i;
	}
	if (same >= LY_COUNTER_PERIODS) /* forget the oldest period of this name */
		a->counters[oldest] = a->counters[--a->ncounters];
	if (a->ncounters == a->capcounters) {
		size_t cap = a->capcounters ? a->capcounters * 2 : 2;
		ly_counter *c = realloc(a->counters, cap * sizeof *c);
		if (c == NULL)
			return ly_error(LOYALTY_ENOMEM, "out of memory");
		a->counters = c;
		a->capcounters = cap;
	}
	memset(&a->counters[a->ncounters], 0, sizeof a->counters[0]);
	strcpy(a->counters[a->ncounters].name, name);
	a->counters[a->ncounters].period = period;
	*value = &a->counters[a->ncounters].value;
	a->ncounters++;
	return LOYALTY_OK;
}

/* ---- the tier metric ------------------------------------------------------------------- */

/* Stamps older than this before the newest are never needed again. */
static int64_t metric_horizon(const loyalty_program *p)
{
	if (p->opts.tier_window == LOYALTY_TIER_ROLLING_DAYS)
		return (int64_t)(p->opts.tier_window_days + p->opts.tier_grace_days + 1) * LOYALTY_MS_PER_DAY;
	return (int64_t)(2 * 366 + p->opts.tier_grace_days + 2) * LOYALTY_MS_PER_DAY;
}

int ly_acct_add_metric(loyalty_program *p, ly_account *a, loyalty_time at, int64_t amount)
{
	loyalty_time newest = at, oldest = at;
	size_t j = 0;

	if (amount == 0)
		return LOYALTY_OK;
	for (size_t i = 0; i < a->nmetric; i++) {
		if (a->metric[i].at > newest)
			newest = a->metric[i].at;
		if (a->metric[i].at < oldest)
			oldest = a->metric[i].at;
	}
	if (oldest < newest - metric_horizon(p)) { /* forget what no window reaches any more */
		if (ly_acct_own(a) != LOYALTY_OK)
			return LOYALTY_ENOMEM;
		for (size_t i = 0; i < a->nmetric; i++)
			if (a->metric[i].at >= newest - metric_horizon(p))
				a->metric[j++] = a->metric[i];
		a->nmetric = j;
	}
	if (room_for_one((void **)&a->metric, a->nmetric, &a->capmetric, sizeof *a->metric, &a->shared_metric) !=
	    LOYALTY_OK)
		return LOYALTY_ENOMEM;
	a->metric[a->nmetric].at = at;
	a->metric[a->nmetric].amount = amount;
	a->nmetric++;
	return LOYALTY_OK;
}

/* The metric summed over the window that contains @p at. */
int64_t ly_acct_metric(const loyalty_program *p, const ly_account *a, loyalty_time at)
{
	int64_t sum = 0;

	if (p->opts.tier_window == LOYALTY_TIER_ROLLING_DAYS) {
		loyalty_time from = at - (int64_t)p->opts.tier_window_days * LOYALTY_MS_PER_DAY;
		for (size_t i = 0; i < a->nmetric; i++)
			if (a->metric[i].at > from && a->metric[i].at <= at)
				sum += a->metric[i].amount;
	} else {
		int off = p->copts.utc_offset_minutes;
		int64_t year = ly_period_index(LOYALTY_PERIOD_YEAR, at, off), y, start, end, next;
		int m, d;
		/* the year as an interval of instants, so each stamp costs two comparisons (far from the
		 * int64 limits, where instants saturate, each stamp's year is computed instead) */
		ly_civil_from_days(year, &y, &m, &d);
		next = ly_days_from_civil(y + 1, 1, 1);
		if (year > -(INT64_MAX / LOYALTY_MS_PER_DAY) + 2 && next < INT64_MAX / LOYALTY_MS_PER_DAY - 2) {
			start = day_start(year, off);
			end = day_start(next, off);
			for (size_t i = 0; i < a->nmetric; i++)
				if (a->metric[i].at <= at && a->metric[i].at >= start && a->metric[i].at < end)
					sum += a->metric[i].amount;
			return sum;
		}
		for (size_t i = 0; i < a->nmetric; i++)
			if (a->metric[i].at <= at &&
			    ly_period_index(LOYALTY_PERIOD_YEAR, a->metric[i].at, p->copts.utc_offset_minutes) == year)
				sum += a->metric[i].amount;
	}
	return sum;
}
