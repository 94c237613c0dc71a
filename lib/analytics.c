/*
 * libloyalty - analytics: metrics over a period, cohorts by enrolment month,
 * survey scores. The definitions and their sources are in docs/ANALYTICS.md.
 *
 * Analytics read, never write. Everything they read from the store goes
 * through the four small functions of "the store seam" below (customer
 * enumeration, the ledger entry by entry, the purchase list), so that a
 * change of the store's internals touches only them.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loyalty/analytics.h"
#include "internal.h"
#include "program_internal.h"

/* ---- the store seam (called with the program locked) ----------------------------- */

static size_t seam_customer_count(const loyalty_program *p)
{
	return p->store->ops->account_count(p->store);
}

/* The id and enrolment time of the i-th customer of the enumeration. */
static void seam_customer(const loyalty_program *p, size_t i, loyalty_id *id, loyalty_time *joined)
{
	const ly_account *a = p->store->ops->account_at(p->store, i);

	*id = *loyalty_customer_id(a->c);
	*joined = loyalty_customer_joined_at(a->c);
}

static size_t seam_entry_count(const loyalty_program *p)
{
	return p->store->ops->entry_count(p->store);
}

/* Copy the entry with sequence number @p seq (1-based) into @p out. */
static void seam_entry(const loyalty_program *p, uint64_t seq, loyalty_entry *out)
{
	*out = *p->store->ops->entry(p->store, seq);
}

/* The recorded purchases (an array of borrowed records; the caller frees the array). */
static int seam_purchases(const loyalty_program *p, const ly_purchase_rec *const **items, size_t *n)
{
	const void **arr = NULL;
	int rc = p->store->ops->list(p->store, LY_LIST_PURCHASES, &arr, n);

	*items = (const ly_purchase_rec *const *)arr;
	return rc;
}

/* ---- names ------------------------------------------------------------------------- */

static const struct {
	const char *name;
	loyalty_metric_kind kind;
} metric_info[LOYALTY_METRIC_COUNT] = {
	{ "members_start", LOYALTY_METRIC_KIND_INTEGER },
	{ "members_end", LOYALTY_METRIC_KIND_INTEGER },
	{ "new_members", LOYALTY_METRIC_KIND_INTEGER },
	{ "active_members", LOYALTY_METRIC_KIND_INTEGER },
	{ "customers_start", LOYALTY_METRIC_KIND_INTEGER },
	{ "customers_end", LOYALTY_METRIC_KIND_INTEGER },
	{ "retained", LOYALTY_METRIC_KIND_INTEGER },
	{ "reactivated", LOYALTY_METRIC_KIND_INTEGER },
	{ "retention_rate", LOYALTY_METRIC_KIND_RATIO },
	{ "churn_rate", LOYALTY_METRIC_KIND_RATIO },
	{ "orders", LOYALTY_METRIC_KIND_INTEGER },
	{ "revenue", LOYALTY_METRIC_KIND_INTEGER },
	{ "purchasers", LOYALTY_METRIC_KIND_INTEGER },
	{ "repeat_purchasers", LOYALTY_METRIC_KIND_INTEGER },
	{ "repeat_purchase_rate", LOYALTY_METRIC_KIND_RATIO },
	{ "average_order_value", LOYALTY_METRIC_KIND_AMOUNT },
	{ "purchase_frequency", LOYALTY_METRIC_KIND_AMOUNT },
	{ "expected_lifespan", LOYALTY_METRIC_KIND_AMOUNT },
	{ "customer_lifetime_value", LOYALTY_METRIC_KIND_AMOUNT },
	{ "points_issued", LOYALTY_METRIC_KIND_INTEGER },
	{ "points_clawed_back", LOYALTY_METRIC_KIND_INTEGER },
	{ "points_redeemed", LOYALTY_METRIC_KIND_INTEGER },
	{ "points_expired", LOYALTY_METRIC_KIND_INTEGER },
	{ "redemption_rate", LOYALTY_METRIC_KIND_RATIO },
	{ "breakage_rate", LOYALTY_METRIC_KIND_RATIO },
	{ "liability_points", LOYALTY_METRIC_KIND_INTEGER },
	{ "liability_value", LOYALTY_METRIC_KIND_AMOUNT },
	{ "referrals", LOYALTY_METRIC_KIND_INTEGER },
	{ "referral_conversions", LOYALTY_METRIC_KIND_INTEGER },
	{ "actions", LOYALTY_METRIC_KIND_INTEGER },
};

LOYALTY_API const char *loyalty_metric_name(int metric)
{
	return metric >= 0 && metric < LOYALTY_METRIC_COUNT ? metric_info[metric].name : NULL;
}

LOYALTY_API int loyalty_metric_kind_of(int metric)
{
	if (metric < 0 || metric >= LOYALTY_METRIC_COUNT)
		return ly_error(LOYALTY_EINVAL, "loyalty_metric_kind_of: unknown metric %d", metric);
	return (int)metric_info[metric].kind;
}

/* ---- customers: a table sorted by id ------------------------------------------------- */

typedef struct an_cust {
	loyalty_id id;
	loyalty_time joined;
	/* metrics */
	bool active_prev, active_cur;
	int64_t orders;
	int64_t balance;        /* available + pending from entries dated before end */
	int tier;               /* -1 none */
	loyalty_time tier_at;   /* of the TIER entry that set it; INT64_MIN: none seen */
	uint64_t tier_seq;
	/* cohorts */
	int64_t row;            /* cohort row, -1 outside the range */
} an_cust;

static int cmp_cust(const void *a, const void *b)
{
	return loyalty_id_compare(&((const an_cust *)a)->id, &((const an_cust *)b)->id);
}

/* The program's customers, sorted by id. Called locked. */
static int load_customers(const loyalty_program *p, const char *fn, an_cust **out, size_t *n)
{
	size_t count = seam_customer_count(p);
	an_cust *c = calloc(count ? count : 1, sizeof *c);

	if (c == NULL)
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	for (size_t i = 0; i < count; i++) {
		seam_customer(p, i, &c[i].id, &c[i].joined);
		c[i].tier = -1;
		c[i].tier_at = INT64_MIN;
		c[i].row = -1;
	}
	if (count > 1)
		qsort(c, count, sizeof *c, cmp_cust);
	*out = c;
	*n = count;
	return LOYALTY_OK;
}

static an_cust *find_cust(an_cust *c, size_t n, const loyalty_id *id)
{
	an_cust key;

	key.id = *id;
	return n ? bsearch(&key, c, n, sizeof *c, cmp_cust) : NULL;
}

/* The events that count as activity: enrolment, redemption, engagement action
 * (purchases come from the purchase records: a purchase that credits nothing
 * has no EARN entry). The program's inactivity expiry counts the same. */
static bool is_activity(loyalty_entry_kind kind)
{
	return kind == LOYALTY_ENTRY_ENROLL || kind == LOYALTY_ENTRY_REDEEM || kind == LOYALTY_ENTRY_ACTION;
}

/* ---- metrics ------------------------------------------------------------------------- */

typedef struct an_row {
	char name[LOYALTY_NAME_ID_MAX + 1];
	int64_t count;
	int64_t points;
} an_row;

struct loyalty_metrics {
	loyalty_metrics_options opts;
	loyalty_fraction value[LOYALTY_METRIC_COUNT];
	bool defined[LOYALTY_METRIC_COUNT];
	an_row *tiers;      /* row 0: no tier */
	size_t ntiers;
	an_row *actions;
	size_t nactions;
};

LOYALTY_API int loyalty_metrics_options_init(loyalty_metrics_options *opts, unsigned int version)
{
	loyalty_metrics_options def = LOYALTY_METRICS_OPTIONS_INIT;

	LY_CHECK_NULL(opts, "loyalty_metrics_options_init");
	if (version != LOYALTY_METRICS_OPTIONS_VERSION)
		return ly_error(LOYALTY_EINVAL, "loyalty_metrics_options_init: unknown version %u", version);
	*opts = def;
	return LOYALTY_OK;
}

static int check_metrics_options(const loyalty_metrics_options *o, const char *fn)
{
	if (o->version != LOYALTY_METRICS_OPTIONS_VERSION)
		return ly_error(LOYALTY_EINVAL, "%s: unknown options version %u", fn, o->version);
	if (o->end <= o->start)
		return ly_error(LOYALTY_EINVAL, "%s: end (%lld) must be after start (%lld)", fn, (long long)o->end,
		                (long long)o->start);
	if (!(o->point_value.num == 0 && o->point_value.den == 0) && (o->point_value.den <= 0 || o->point_value.num < 0))
		return ly_error(LOYALTY_EINVAL, "%s: point_value %lld/%lld must be >= 0 with a positive denominator "
		                "(or 0/0: not declared)", fn, (long long)o->point_value.num, (long long)o->point_value.den);
	if (o->margin.den <= 0 || o->margin.num < 0 || o->margin.num > o->margin.den)
		return ly_error(LOYALTY_EINVAL, "%s: margin %lld/%lld must be between 0 and 1", fn,
		                (long long)o->margin.num, (long long)o->margin.den);
	if (o->max_lifespan < 0)
		return ly_error(LOYALTY_EINVAL, "%s: max_lifespan %lld must be >= 0", fn, (long long)o->max_lifespan);
	return LOYALTY_OK;
}

/* Sums over the period, gathered in one pass over the ledger and one over the purchases. */
typedef struct an_sums {
	int64_t issued, clawed, redeemed, expired, referrals, conversions, actions, orders, revenue;
} an_sums;

static bool add_to(int64_t *acc, int64_t v)
{
	return ly_add64(*acc, v, acc);
}

static int tier_of(const loyalty_program *p, const char *name)
{
	for (size_t i = 0; i < p->ntiers; i++)
		if (strcmp(p->tiers[i].name, name) == 0)
			return (int)i;
	return -1; /* "none" */
}

/* Called locked: fill @p c (customers) and @p s from the ledger and the purchases. */
static int scan(const loyalty_program *p, const loyalty_metrics_options *o, loyalty_time prev_start, an_cust *c,
                size_t nc, an_sums *s, an_row *actions, const char *fn)
{
	const ly_purchase_rec *const *pr = NULL;
	char last_conversion[LOYALTY_KEY_MAX + 1] = "";
	size_t n = seam_entry_count(p), npr = 0;
	loyalty_entry e;
	bool ok = true;
	int rc;

	for (uint64_t seq = 1; seq <= n && ok; seq++) {
		an_cust *cu;
		bool in = false;

		seam_entry(p, seq, &e);
		cu = find_cust(c, nc, &e.customer_id);
		if (cu == NULL)
			continue;
		in = e.at >= o->start && e.at < o->end;
		if (is_activity(e.kind)) {
			if (in)
				cu->active_cur = true;
			else if (e.at >= prev_start && e.at < o->start)
				cu->active_prev = true;
		}
		if (e.at < o->end) {
			ok = add_to(&cu->balance, e.points) && add_to(&cu->balance, e.pending);
			if (e.kind == LOYALTY_ENTRY_TIER &&
			    (e.at > cu->tier_at || (e.at == cu->tier_at && e.seq > cu->tier_seq))) {
				cu->tier = tier_of(p, e.ref);
				cu->tier_at = e.at;
				cu->tier_seq = e.seq;
			}
		}
		if (!in || !ok)
			continue;
		switch (e.kind) {
		case LOYALTY_ENTRY_ENROLL:
			if (e.ref[0] != '\0') /* enrolled with a referral code */
				s->referrals++;
			break;
		case LOYALTY_ENTRY_EARN:
		case LOYALTY_ENTRY_PARTNER:
			ok = add_to(&s->issued, e.points) && add_to(&s->issued, e.pending);
			break;
		case LOYALTY_ENTRY_ACTION:
			ok = add_to(&s->issued, e.points) && add_to(&s->issued, e.pending);
			s->actions++;
			for (size_t i = 0; i < p->nactions; i++)
				if (strcmp(p->actions[i].name, e.ref) == 0) {
					actions[i].count++;
					ok = ok && add_to(&actions[i].points, e.points) && add_to(&actions[i].points, e.pending);
					break;
				}
			break;
		case LOYALTY_ENTRY_REFERRAL:
			if (e.points == 0 && e.pending == 0) { /* a referrer set after enrolment */
				s->referrals++;
				break;
			}
			ok = add_to(&s->issued, e.points) && add_to(&s->issued, e.pending);
			/* a conversion pays the referee's and the referrer's bonus under the key of
			 * the purchase that qualified: count each key once */
			if (strcmp(e.key, last_conversion) != 0) {
				s->conversions++;
				memcpy(last_conversion, e.key, sizeof last_conversion);
			}
			break;
		case LOYALTY_ENTRY_REFUND: {
			/* clawed back = taken from available + from pending + what became debt */
			int64_t claw = 0;
			ok = ly_sub64(0, e.points, &claw) && ly_sub64(claw, e.pending, &claw) && add_to(&claw, e.debt) &&
			     add_to(&s->clawed, claw) && ly_sub64(s->issued, claw, &s->issued);
			break;
		}
		case LOYALTY_ENTRY_REDEEM:
		case LOYALTY_ENTRY_DONATE:
			ok = ly_sub64(s->redeemed, e.points, &s->redeemed);
			break;
		case LOYALTY_ENTRY_REDEEM_CANCEL:
			ok = ly_sub64(s->redeemed, e.points, &s->redeemed);
			break;
		case LOYALTY_ENTRY_EXPIRE:
			ok = ly_sub64(s->expired, e.points, &s->expired);
			break;
		default:
			break;
		}
	}
	if (!ok)
		return ly_error(LOYALTY_ERANGE, "%s: a sum of points overflows int64", fn);
	rc = seam_purchases(p, &pr, &npr);
	if (rc != LOYALTY_OK)
		return ly_error(rc, "%s: out of memory", fn);
	for (size_t i = 0; i < npr && ok; i++) {
		an_cust *cu = find_cust(c, nc, &pr[i]->customer);
		if (cu == NULL || pr[i]->at >= o->end)
			continue;
		if (pr[i]->at >= o->start) {
			cu->active_cur = true;
			cu->orders++;
			s->orders++;
			ok = add_to(&s->revenue, pr[i]->total);
		} else if (pr[i]->at >= prev_start) {
			cu->active_prev = true;
		}
	}
	free((void *)pr);
	if (!ok)
		return ly_error(LOYALTY_ERANGE, "%s: revenue overflows int64", fn);
	return LOYALTY_OK;
}

static void set_int(loyalty_metrics *m, int which, int64_t v)
{
	m->value[which].num = v;
	m->value[which].den = 1;
	m->defined[which] = true;
}

/* num / den when den != 0 (reduced), else undefined. */
static int set_ratio(loyalty_metrics *m, int which, int64_t num, int64_t den)
{
	m->value[which].num = 0;
	m->value[which].den = 1;
	m->defined[which] = false;
	if (den == 0)
		return LOYALTY_OK;
	if (ly_frac_make(num, den, &m->value[which]) != LOYALTY_OK)
		return LOYALTY_ERANGE;
	m->defined[which] = true;
	return LOYALTY_OK;
}

static void set_frac(loyalty_metrics *m, int which, loyalty_fraction f)
{
	m->value[which] = f;
	m->defined[which] = true;
}

static void set_undefined(loyalty_metrics *m, int which)
{
	m->value[which].num = 0;
	m->value[which].den = 1;
	m->defined[which] = false;
}

/* The derived figures, from the per-customer flags and the sums. */
static int derive(loyalty_metrics *m, const an_cust *c, size_t nc, const an_sums *s)
{
	const loyalty_metrics_options *o = &m->opts;
	int64_t members_start = 0, members_end = 0, active = 0, cust_start = 0, retained = 0, reactivated = 0;
	int64_t purchasers = 0, repeat = 0, liability = 0;
	bool ok = true;

	for (size_t i = 0; i < nc; i++) {
		const an_cust *cu = &c[i];
		bool before = cu->joined < o->start;

		if (cu->joined < o->end) {
			members_end++;
			m->tiers[cu->tier + 1].count++;
		}
		if (before)
			members_start++;
		if (cu->active_cur)
			active++;
		if (before && cu->active_prev) {
			cust_start++;
			if (cu->active_cur)
				retained++;
		} else if (before && cu->active_cur) {
			reactivated++;
		}
		if (cu->orders > 0)
			purchasers++;
		if (cu->orders > 1)
			repeat++;
		if (cu->balance > 0)
			ok = ok && add_to(&liability, cu->balance);
	}
	if (!ok)
		return LOYALTY_ERANGE;
	set_int(m, LOYALTY_METRIC_MEMBERS_START, members_start);
	set_int(m, LOYALTY_METRIC_MEMBERS_END, members_end);
	set_int(m, LOYALTY_METRIC_NEW_MEMBERS, members_end - members_start);
	set_int(m, LOYALTY_METRIC_ACTIVE_MEMBERS, active);
	set_int(m, LOYALTY_METRIC_CUSTOMERS_START, cust_start);
	set_int(m, LOYALTY_METRIC_CUSTOMERS_END, retained + (members_end - members_start));
	set_int(m, LOYALTY_METRIC_RETAINED, retained);
	set_int(m, LOYALTY_METRIC_REACTIVATED, reactivated);
	if (set_ratio(m, LOYALTY_METRIC_RETENTION_RATE, retained, cust_start) != LOYALTY_OK ||
	    set_ratio(m, LOYALTY_METRIC_CHURN_RATE, cust_start - retained, cust_start) != LOYALTY_OK)
		return LOYALTY_ERANGE;
	set_int(m, LOYALTY_METRIC_ORDERS, s->orders);
	set_int(m, LOYALTY_METRIC_REVENUE, s->revenue);
	set_int(m, LOYALTY_METRIC_PURCHASERS, purchasers);
	set_int(m, LOYALTY_METRIC_REPEAT_PURCHASERS, repeat);
	if (set_ratio(m, LOYALTY_METRIC_REPEAT_PURCHASE_RATE, repeat, purchasers) != LOYALTY_OK ||
	    set_ratio(m, LOYALTY_METRIC_AVERAGE_ORDER_VALUE, s->revenue, s->orders) != LOYALTY_OK ||
	    set_ratio(m, LOYALTY_METRIC_PURCHASE_FREQUENCY, s->orders, purchasers) != LOYALTY_OK)
		return LOYALTY_ERANGE;
	/* lifespan = 1 / churn periods = S / (S - retained), capped by max_lifespan */
	set_undefined(m, LOYALTY_METRIC_EXPECTED_LIFESPAN);
	if (cust_start > 0) {
		if (cust_start > retained) {
			if (set_ratio(m, LOYALTY_METRIC_EXPECTED_LIFESPAN, cust_start, cust_start - retained) != LOYALTY_OK)
				return LOYALTY_ERANGE;
		}
		if (o->max_lifespan > 0 &&
		    (!m->defined[LOYALTY_METRIC_EXPECTED_LIFESPAN] ||
		     ly_frac_cmp(m->value[LOYALTY_METRIC_EXPECTED_LIFESPAN], ly_frac_int(o->max_lifespan)) > 0))
			set_int(m, LOYALTY_METRIC_EXPECTED_LIFESPAN, o->max_lifespan);
	}
	/* CLV = AOV x frequency x lifespan x margin = revenue / purchasers x lifespan x margin */
	set_undefined(m, LOYALTY_METRIC_CUSTOMER_LIFETIME_VALUE);
	if (purchasers > 0 && m->defined[LOYALTY_METRIC_EXPECTED_LIFESPAN]) {
		loyalty_fraction v;
		if (ly_frac_make(s->revenue, purchasers, &v) != LOYALTY_OK ||
		    ly_frac_mul(v, m->value[LOYALTY_METRIC_EXPECTED_LIFESPAN], &v) != LOYALTY_OK ||
		    ly_frac_mul(v, o->margin, &v) != LOYALTY_OK)
			return LOYALTY_ERANGE;
		set_frac(m, LOYALTY_METRIC_CUSTOMER_LIFETIME_VALUE, v);
	}
	set_int(m, LOYALTY_METRIC_POINTS_ISSUED, s->issued);
	set_int(m, LOYALTY_METRIC_POINTS_CLAWED_BACK, s->clawed);
	set_int(m, LOYALTY_METRIC_POINTS_REDEEMED, s->redeemed);
	set_int(m, LOYALTY_METRIC_POINTS_EXPIRED, s->expired);
	if (set_ratio(m, LOYALTY_METRIC_REDEMPTION_RATE, s->redeemed, s->issued > 0 ? s->issued : 0) != LOYALTY_OK ||
	    set_ratio(m, LOYALTY_METRIC_BREAKAGE_RATE, s->expired, s->issued > 0 ? s->issued : 0) != LOYALTY_OK)
		return LOYALTY_ERANGE;
	set_int(m, LOYALTY_METRIC_LIABILITY_POINTS, liability);
	set_undefined(m, LOYALTY_METRIC_LIABILITY_VALUE);
	if (o->point_value.den > 0) {
		loyalty_fraction v;
		if (ly_frac_mul(ly_frac_int(liability), o->point_value, &v) != LOYALTY_OK)
			return LOYALTY_ERANGE;
		set_frac(m, LOYALTY_METRIC_LIABILITY_VALUE, v);
	}
	set_int(m, LOYALTY_METRIC_REFERRALS, s->referrals);
	set_int(m, LOYALTY_METRIC_REFERRAL_CONVERSIONS, s->conversions);
	set_int(m, LOYALTY_METRIC_ACTIONS, s->actions);
	return LOYALTY_OK;
}

LOYALTY_API void loyalty_metrics_free(loyalty_metrics *m)
{
	if (m == NULL)
		return;
	free(m->tiers);
	free(m->actions);
	free(m);
}

LOYALTY_API int loyalty_program_metrics(const loyalty_program *p, const loyalty_metrics_options *opts,
                                        loyalty_metrics **out)
{
	static const char fn[] = "loyalty_program_metrics";
	loyalty_metrics *m;
	an_cust *c = NULL;
	an_sums s;
	size_t nc = 0;
	loyalty_time length, prev_start;
	int rc;

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(opts, fn);
	LY_CHECK_NULL(out, fn);
	if ((rc = check_metrics_options(opts, fn)) != LOYALTY_OK)
		return rc;
	if (!ly_sub64(opts->end, opts->start, &length) || !ly_sub64(opts->start, length, &prev_start))
		return ly_error(LOYALTY_ERANGE, "%s: the period [%lld, %lld) is too long: start - (end - start) overflows",
		                fn, (long long)opts->start, (long long)opts->end);
	m = calloc(1, sizeof *m);
	if (m == NULL)
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	m->opts = *opts;
	memset(&s, 0, sizeof s);
	ly_lock(p);
	/* definitions are fixed once customers exist; read them under the lock all the same */
	m->ntiers = p->ntiers + 1;
	m->nactions = p->nactions;
	m->tiers = calloc(m->ntiers, sizeof *m->tiers);
	m->actions = calloc(m->nactions ? m->nactions : 1, sizeof *m->actions);
	if (m->tiers == NULL || m->actions == NULL) {
		rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
		goto done;
	}
	for (size_t i = 0; i < p->ntiers; i++)
		snprintf(m->tiers[i + 1].name, sizeof m->tiers[i + 1].name, "%s", p->tiers[i].name);
	for (size_t i = 0; i < p->nactions; i++)
		snprintf(m->actions[i].name, sizeof m->actions[i].name, "%s", p->actions[i].name);
	rc = load_customers(p, fn, &c, &nc);
	if (rc == LOYALTY_OK)
		rc = scan(p, opts, prev_start, c, nc, &s, m->actions, fn);
	if (rc == LOYALTY_OK && derive(m, c, nc, &s) != LOYALTY_OK)
		rc = ly_error(LOYALTY_ERANGE, "%s: a metric overflows int64", fn);
done:
	ly_unlock(p);
	free(c);
	if (rc != LOYALTY_OK) {
		loyalty_metrics_free(m);
		return ly_durable(p, rc);
	}
	*out = m;
	return ly_durable(p, rc);
}

LOYALTY_API int loyalty_metrics_options_get(const loyalty_metrics *m, loyalty_metrics_options *out)
{
	LY_CHECK_NULL(m, "loyalty_metrics_options_get");
	LY_CHECK_NULL(out, "loyalty_metrics_options_get");
	*out = m->opts;
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_metrics_get(const loyalty_metrics *m, int metric, loyalty_fraction *out)
{
	LY_CHECK_NULL(m, "loyalty_metrics_get");
	LY_CHECK_NULL(out, "loyalty_metrics_get");
	if (metric < 0 || metric >= LOYALTY_METRIC_COUNT)
		return ly_error(LOYALTY_ERANGE, "loyalty_metrics_get: unknown metric %d (0..%d)", metric,
		                LOYALTY_METRIC_COUNT - 1);
	*out = m->value[metric];
	return m->defined[metric] ? 1 : 0;
}

LOYALTY_API int64_t loyalty_metrics_int(const loyalty_metrics *m, int metric)
{
	if (m == NULL || metric < 0 || metric >= LOYALTY_METRIC_COUNT || !m->defined[metric])
		return 0;
	return m->value[metric].den == 1 ? m->value[metric].num : 0;
}

LOYALTY_API size_t loyalty_metrics_tier_rows(const loyalty_metrics *m)
{
	return m != NULL ? m->ntiers : 0;
}

LOYALTY_API const char *loyalty_metrics_tier_name(const loyalty_metrics *m, size_t row)
{
	return m != NULL && row < m->ntiers ? m->tiers[row].name : NULL;
}

LOYALTY_API int64_t loyalty_metrics_tier_members(const loyalty_metrics *m, size_t row)
{
	return m != NULL && row < m->ntiers ? m->tiers[row].count : -1;
}

LOYALTY_API size_t loyalty_metrics_action_rows(const loyalty_metrics *m)
{
	return m != NULL ? m->nactions : 0;
}

LOYALTY_API const char *loyalty_metrics_action_name(const loyalty_metrics *m, size_t row)
{
	return m != NULL && row < m->nactions ? m->actions[row].name : NULL;
}

LOYALTY_API int64_t loyalty_metrics_action_count(const loyalty_metrics *m, size_t row)
{
	return m != NULL && row < m->nactions ? m->actions[row].count : -1;
}

LOYALTY_API int64_t loyalty_metrics_action_points(const loyalty_metrics *m, size_t row)
{
	return m != NULL && row < m->nactions ? m->actions[row].points : -1;
}

/* ---- cohorts ------------------------------------------------------------------------ */

struct loyalty_cohorts {
	int from_year, from_month;
	size_t rows;
	int64_t *size;    /* per row */
	int64_t *active;  /* row r starts at r * rows - r * (r - 1) / 2, width rows - r */
};

static size_t cell_base(size_t rows, size_t r)
{
	return r * rows - r * (r - 1) / 2;
}

/* The month of @p t at @p offset as a count of months since year 0. */
static int64_t month_number(loyalty_time t, int offset)
{
	int64_t y;
	int m, d;

	ly_civil_from_days(ly_local_day(t, offset), &y, &m, &d);
	return y * 12 + (m - 1);
}

typedef struct an_mark {
	size_t cust;
	size_t k;
} an_mark;

static int cmp_mark(const void *a, const void *b)
{
	const an_mark *x = a, *y = b;

	if (x->cust != y->cust)
		return x->cust < y->cust ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

/* Note that customer @p ci was active at @p at, if that falls in a cell of its cohort. */
static int mark(an_mark **marks, size_t *n, size_t *cap, const an_cust *c, size_t ci, loyalty_time at,
                int64_t first, size_t rows, int offset)
{
	int64_t k;

	if (c[ci].row < 0)
		return LOYALTY_OK;
	k = month_number(at, offset) - first - c[ci].row;
	if (k < 0 || k >= (int64_t)rows - c[ci].row)
		return LOYALTY_OK;
	if (*n == *cap && ly_grow((void **)marks, cap, *n + 1, sizeof **marks) != LOYALTY_OK)
		return LOYALTY_ENOMEM;
	(*marks)[*n].cust = ci;
	(*marks)[*n].k = (size_t)k;
	(*n)++;
	return LOYALTY_OK;
}

LOYALTY_API void loyalty_cohorts_free(loyalty_cohorts *t)
{
	if (t == NULL)
		return;
	free(t->size);
	free(t->active);
	free(t);
}

LOYALTY_API int loyalty_program_cohorts(const loyalty_program *p, int from_year, int from_month, int nmonths,
                                        loyalty_cohorts **out)
{
	static const char fn[] = "loyalty_program_cohorts";
	const ly_purchase_rec *const *pr = NULL;
	loyalty_cohorts *t;
	an_cust *c = NULL;
	an_mark *marks = NULL;
	size_t nc = 0, nmarks = 0, capmarks = 0, npr = 0, rows;
	int64_t first;
	int offset, rc;

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(out, fn);
	if (from_year < 1 || from_year > 9999)
		return ly_error(LOYALTY_EINVAL, "%s: year %d outside 1..9999", fn, from_year);
	if (from_month < 1 || from_month > 12)
		return ly_error(LOYALTY_EINVAL, "%s: month %d outside 1..12", fn, from_month);
	if (nmonths < 1 || nmonths > LOYALTY_COHORT_MONTHS_MAX)
		return ly_error(LOYALTY_EINVAL, "%s: nmonths %d outside 1..%d", fn, nmonths, LOYALTY_COHORT_MONTHS_MAX);
	rows = (size_t)nmonths;
	first = (int64_t)from_year * 12 + (from_month - 1);
	t = calloc(1, sizeof *t);
	if (t == NULL)
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	t->from_year = from_year;
	t->from_month = from_month;
	t->rows = rows;
	t->size = calloc(rows, sizeof *t->size);
	t->active = calloc(cell_base(rows, rows), sizeof *t->active);
	if (t->size == NULL || t->active == NULL) {
		loyalty_cohorts_free(t);
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	}
	ly_lock(p);
	offset = p->copts.utc_offset_minutes;
	rc = load_customers(p, fn, &c, &nc);
	if (rc != LOYALTY_OK)
		goto done;
	for (size_t i = 0; i < nc; i++) {
		int64_t r = month_number(c[i].joined, offset) - first;
		if (r >= 0 && r < (int64_t)rows) {
			c[i].row = r;
			t->size[r]++;
		}
	}
	/* activity: enrolments, redemptions and actions from the ledger, purchases from their records */
	for (uint64_t seq = 1, n = seam_entry_count(p); seq <= n && rc == LOYALTY_OK; seq++) {
		loyalty_entry e;
		an_cust *cu;
		seam_entry(p, seq, &e);
		if (!is_activity(e.kind) || (cu = find_cust(c, nc, &e.customer_id)) == NULL)
			continue;
		rc = mark(&marks, &nmarks, &capmarks, c, (size_t)(cu - c), e.at, first, rows, offset);
	}
	if (rc == LOYALTY_OK)
		rc = seam_purchases(p, &pr, &npr);
	for (size_t i = 0; i < npr && rc == LOYALTY_OK; i++) {
		an_cust *cu = find_cust(c, nc, &pr[i]->customer);
		if (cu != NULL)
			rc = mark(&marks, &nmarks, &capmarks, c, (size_t)(cu - c), pr[i]->at, first, rows, offset);
	}
	free((void *)pr);
	if (rc != LOYALTY_OK) {
		rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
		goto done;
	}
	/* each customer counts once per cell */
	if (nmarks > 1)
		qsort(marks, nmarks, sizeof *marks, cmp_mark);
	for (size_t i = 0; i < nmarks; i++) {
		if (i > 0 && marks[i].cust == marks[i - 1].cust && marks[i].k == marks[i - 1].k)
			continue;
		t->active[cell_base(rows, (size_t)c[marks[i].cust].row) + marks[i].k]++;
	}
done:
	ly_unlock(p);
	free(c);
	free(marks);
	if (rc != LOYALTY_OK) {
		loyalty_cohorts_free(t);
		return ly_durable(p, rc);
	}
	*out = t;
	return ly_durable(p, rc);
}

LOYALTY_API size_t loyalty_cohorts_rows(const loyalty_cohorts *t)
{
	return t != NULL ? t->rows : 0;
}

LOYALTY_API int loyalty_cohorts_month(const loyalty_cohorts *t, size_t row, int *year, int *month)
{
	int64_t mn;

	LY_CHECK_NULL(t, "loyalty_cohorts_month");
	LY_CHECK_NULL(year, "loyalty_cohorts_month");
	LY_CHECK_NULL(month, "loyalty_cohorts_month");
	if (row >= t->rows)
		return ly_error(LOYALTY_ERANGE, "loyalty_cohorts_month: row %zu out of range (%zu rows)", row, t->rows);
	mn = (int64_t)t->from_year * 12 + (t->from_month - 1) + (int64_t)row;
	*year = (int)(mn / 12);
	*month = (int)(mn % 12) + 1;
	return LOYALTY_OK;
}

LOYALTY_API int64_t loyalty_cohorts_size(const loyalty_cohorts *t, size_t row)
{
	return t != NULL && row < t->rows ? t->size[row] : -1;
}

LOYALTY_API size_t loyalty_cohorts_width(const loyalty_cohorts *t, size_t row)
{
	return t != NULL && row < t->rows ? t->rows - row : 0;
}

LOYALTY_API int64_t loyalty_cohorts_active(const loyalty_cohorts *t, size_t row, size_t k)
{
	if (t == NULL || row >= t->rows || k >= t->rows - row)
		return -1;
	return t->active[cell_base(t->rows, row) + k];
}

LOYALTY_API int loyalty_cohorts_rate(const loyalty_cohorts *t, size_t row, size_t k, loyalty_fraction *out)
{
	LY_CHECK_NULL(t, "loyalty_cohorts_rate");
	LY_CHECK_NULL(out, "loyalty_cohorts_rate");
	if (row >= t->rows || k >= t->rows - row)
		return ly_error(LOYALTY_ERANGE, "loyalty_cohorts_rate: cell (%zu, %zu) out of range", row, k);
	out->num = 0;
	out->den = 1;
	if (t->size[row] == 0)
		return 0;
	ly_frac_make(t->active[cell_base(t->rows, row) + k], t->size[row], out); /* 0 <= active <= size: fits */
	return 1;
}

/* ---- survey scores -------------------------------------------------------------------- */

static int survey(const char *fn, const uint64_t *counts, int scale, loyalty_fraction *out)
{
	uint64_t total = 0, top;

	LY_CHECK_NULL(counts, fn);
	LY_CHECK_NULL(out, fn);
	if (scale != 5 && scale != 10)
		return ly_error(LOYALTY_EINVAL, "%s: scale %d: use 5 (answers 1..5) or 10 (answers 1..10)", fn, scale);
	for (int i = 0; i < scale; i++)
		if (__builtin_add_overflow(total, counts[i], &total) || total > (uint64_t)INT64_MAX)
			return ly_error(LOYALTY_ERANGE, "%s: more than %lld answers", fn, (long long)INT64_MAX);
	top = counts[scale - 1] + counts[scale - 2]; /* <= total */
	out->num = 0;
	out->den = 1;
	if (total == 0)
		return 0;
	ly_frac_make((int64_t)top, (int64_t)total, out);
	return 1;
}

LOYALTY_API int loyalty_survey_csat(const uint64_t *counts, int scale, loyalty_fraction *out)
{
	return survey("loyalty_survey_csat", counts, scale, out);
}

LOYALTY_API int loyalty_survey_ces(const uint64_t *counts, int scale, loyalty_fraction *out)
{
	return survey("loyalty_survey_ces", counts, scale, out);
}

/* ---- rendering ------------------------------------------------------------------------------ */

LOYALTY_API int loyalty_percent_format(loyalty_fraction ratio, int decimals, char *buf, size_t size)
{
	static const char fn[] = "loyalty_percent_format";
	int64_t scale = 100, v;
	uint64_t mag, unit = 1;
	ly_frac f;
	char tmp[48];
	int n;

	LY_CHECK_NULL(buf, fn);
	if (ratio.den <= 0)
		return ly_error(LOYALTY_EINVAL, "%s: denominator must be positive (got %lld)", fn, (long long)ratio.den);
	if (decimals < 0 || decimals > 6)
		return ly_error(LOYALTY_EINVAL, "%s: decimals %d outside 0..6", fn, decimals);
	for (int i = 0; i < decimals; i++) {
		scale *= 10;
		unit *= 10;
	}
	if (ly_frac_make((ly_i128)ratio.num * scale, ratio.den, &f) != LOYALTY_OK ||
	    ly_frac_round(f, LOYALTY_ROUND_HALF_EVEN, &v) != LOYALTY_OK)
		return ly_error(LOYALTY_ERANGE, "%s: %lld/%lld x 100 does not fit", fn, (long long)ratio.num,
		                (long long)ratio.den);
	mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	if (decimals == 0)
		n = snprintf(tmp, sizeof tmp, "%s%llu", v < 0 ? "-" : "", (unsigned long long)mag);
	else
		n = snprintf(tmp, sizeof tmp, "%s%llu.%0*llu", v < 0 ? "-" : "", (unsigned long long)(mag / unit),
		             decimals, (unsigned long long)(mag % unit));
	if ((size_t)n + 1 > size)
		return ly_error(LOYALTY_ERANGE, "%s: buffer of %zu bytes too small (%d needed)", fn, size, n + 1);
	memcpy(buf, tmp, (size_t)n + 1);
	return n;
}
