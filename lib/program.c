/*
 * libloyalty - the program: creation, definitions, enrolment, lookups and
 * the ledger.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "program_internal.h"
#include "strategy_internal.h"

static const char *const entry_kinds[] = {
	"enroll", "earn",  "mature",   "refund",  "redeem",   "redeem_cancel", "expire", "adjust",
	"transfer_out", "transfer_in", "partner", "action", "referral", "donate", "tier", "debt_repay",
};

LOYALTY_API const char *loyalty_entry_kind_name(int kind)
{
	if (kind < 0 || (size_t)kind >= sizeof entry_kinds / sizeof entry_kinds[0])
		return NULL;
	return entry_kinds[kind];
}

LOYALTY_API int loyalty_program_options_init(loyalty_program_options *opts, unsigned int version)
{
	loyalty_program_options def = LOYALTY_PROGRAM_OPTIONS_INIT;

	LY_CHECK_NULL(opts, "loyalty_program_options_init");
	if (version != LOYALTY_PROGRAM_OPTIONS_VERSION)
		return ly_error(LOYALTY_EINVAL, "loyalty_program_options_init: unknown version %u", version);
	*opts = def;
	return LOYALTY_OK;
}

static int check_options(const loyalty_program_options *o)
{
	static const char fn[] = "loyalty_program_new";

	if (o->version != LOYALTY_PROGRAM_OPTIONS_VERSION)
		return ly_error(LOYALTY_EINVAL, "%s: options.version %u unknown", fn, o->version);
	if (o->pending_days < 0 || o->pending_days > 3660)
		return ly_error(LOYALTY_EINVAL, "%s: options.pending_days must be 0..3660", fn);
	if ((int)o->refund_policy < 0 || o->refund_policy > LOYALTY_REFUND_DEBT)
		return ly_error(LOYALTY_EINVAL, "%s: options.refund_policy unknown", fn);
	if (o->cap_per_purchase < 0 || o->cap_per_period < 0)
		return ly_error(LOYALTY_EINVAL, "%s: options.cap_per_purchase and cap_per_period must be >= 0", fn);
	if (o->cap_per_period > 0 && (o->cap_period < LOYALTY_PERIOD_DAY || o->cap_period > LOYALTY_PERIOD_EVER))
		return ly_error(LOYALTY_EINVAL, "%s: options.cap_period must be DAY..EVER when cap_per_period is set", fn);
	if ((int)o->expiry < 0 || o->expiry > LOYALTY_EXPIRY_INACTIVITY)
		return ly_error(LOYALTY_EINVAL, "%s: options.expiry unknown", fn);
	if (o->expiry_months < 0 || o->expiry_days < 0 || o->expiry_months > 1200 || o->expiry_days > 36600)
		return ly_error(LOYALTY_EINVAL, "%s: options.expiry_months/expiry_days out of range", fn);
	if (o->expiry == LOYALTY_EXPIRY_BUCKET && o->expiry_months == 0 && o->expiry_days == 0)
		return ly_error(LOYALTY_EINVAL, "%s: bucket expiry needs options.expiry_months or expiry_days", fn);
	if (o->expiry == LOYALTY_EXPIRY_INACTIVITY && (o->expiry_days == 0 || o->expiry_months != 0))
		return ly_error(LOYALTY_EINVAL, "%s: inactivity expiry needs options.expiry_days (and no months)", fn);
	if ((int)o->expiry_round_up < 0 || o->expiry_round_up > LOYALTY_PERIOD_YEAR ||
	    (o->expiry != LOYALTY_EXPIRY_BUCKET && o->expiry_round_up != LOYALTY_PERIOD_NONE))
		return ly_error(LOYALTY_EINVAL, "%s: options.expiry_round_up must be NONE..YEAR, with bucket expiry", fn);
	if ((int)o->tier_metric < 0 || o->tier_metric > LOYALTY_TIER_BY_POINTS)
		return ly_error(LOYALTY_EINVAL, "%s: options.tier_metric unknown", fn);
	if ((int)o->tier_window < 0 || o->tier_window > LOYALTY_TIER_ROLLING_DAYS)
		return ly_error(LOYALTY_EINVAL, "%s: options.tier_window unknown", fn);
	if (o->tier_window == LOYALTY_TIER_ROLLING_DAYS && (o->tier_window_days < 1 || o->tier_window_days > 3660))
		return ly_error(LOYALTY_EINVAL, "%s: options.tier_window_days must be 1..3660 for a rolling window", fn);
	if (o->tier_grace_days < 0 || o->tier_grace_days > 3660)
		return ly_error(LOYALTY_EINVAL, "%s: options.tier_grace_days must be 0..3660", fn);
	if (o->referrer_bonus < 0)
		return ly_error(LOYALTY_EINVAL, "%s: options.referrer_bonus must be >= 0", fn);
	if (o->referee_bonus < 0)
		return ly_error(LOYALTY_EINVAL, "%s: options.referee_bonus must be >= 0", fn);
	if (o->referral_min_spend < 0)
		return ly_error(LOYALTY_EINVAL, "%s: options.referral_min_spend must be >= 0", fn);
	if (o->referral_max_per_referrer < 0)
		return ly_error(LOYALTY_EINVAL, "%s: options.referral_max_per_referrer must be >= 0", fn);
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_program_new(loyalty_program **out, loyalty_calculator *calculator,
                                    const loyalty_program_options *opts)
{
	loyalty_program *p;
	int rc;

	LY_CHECK_NULL(out, "loyalty_program_new");
	LY_CHECK_NULL(calculator, "loyalty_program_new");
	LY_CHECK_NULL(opts, "loyalty_program_new");
	rc = check_options(opts);
	if (rc != LOYALTY_OK)
		return rc;
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return ly_error(LOYALTY_ENOMEM, "loyalty_program_new: out of memory");
	if (ly_store_memory_new(&p->store) != LOYALTY_OK) {
		free(p);
		return ly_error(LOYALTY_ENOMEM, "loyalty_program_new: out of memory");
	}
	if (ly_calculator_attach(calculator) != LOYALTY_OK) {
		p->store->ops->destroy(p->store);
		free(p);
		return ly_error(LOYALTY_ESTATE, "loyalty_program_new: the calculator already belongs to a program");
	}
	pthread_mutex_init(&p->lock, NULL);
	p->calc = calculator;
	loyalty_calculator_options_get(calculator, &p->copts);
	p->opts = *opts;
	p->last_maintain = INT64_MIN;
	ly_id_random_seed(p->id_seed);
	*out = p;
	return LOYALTY_OK;
}

LOYALTY_API void loyalty_program_free(loyalty_program *p)
{
	if (p == NULL)
		return;
	p->store->ops->destroy(p->store);
	for (size_t i = 0; i < p->ntiers; i++) {
		free(p->tiers[i].name);
		ly_strset_free(&p->tiers[i].benefits);
	}
	free(p->tiers);
	for (size_t i = 0; i < p->nrewards; i++) {
		free(p->rewards[i].id);
		free(p->rewards[i].name);
	}
	free(p->rewards);
	for (size_t i = 0; i < p->nactions; i++)
		free(p->actions[i].name);
	free(p->actions);
	for (size_t i = 0; i < p->npartners; i++)
		free(p->partners[i].name);
	free(p->partners);
	if (p->calc != NULL) {
		ly_calculator_detach(p->calc);
		loyalty_calculator_free(p->calc);
	}
	ly_journal_close(p->journal);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

LOYALTY_API const loyalty_calculator *loyalty_program_calculator(const loyalty_program *p)
{
	return p ? p->calc : NULL;
}

LOYALTY_API int loyalty_program_options_get(const loyalty_program *p, loyalty_program_options *out)
{
	LY_CHECK_NULL(p, "loyalty_program_options_get");
	LY_CHECK_NULL(out, "loyalty_program_options_get");
	*out = p->opts;
	return LOYALTY_OK;
}

/* ---- definitions ------------------------------------------------------------- */

/* Journal encoders for definition changes (a durable program writes them before applying). */
static int enc_tier(void *e, const void *arg)
{
	return ly_encode_rec_tier(e, arg);
}

typedef struct reward_arg {
	const ly_reward *r;
	const char *min_tier;
} reward_arg;

static int enc_reward(void *e, const void *arg)
{
	const reward_arg *ra = arg;
	return ly_encode_rec_reward(e, ra->r, ra->min_tier);
}

typedef struct stock_arg {
	const char *id;
	int64_t stock;
} stock_arg;

static int enc_stock(void *e, const void *arg)
{
	const stock_arg *sa = arg;
	return ly_encode_rec_stock(e, sa->id, sa->stock);
}

static int enc_action(void *e, const void *arg)
{
	return ly_encode_rec_action(e, arg);
}

static int enc_partner(void *e, const void *arg)
{
	return ly_encode_rec_partner(e, arg);
}

static int check_definable(loyalty_program *p, const char *fn, const char *name)
{
	if (!ly_is_ident(name, LOYALTY_NAME_ID_MAX))
		return ly_error(LOYALTY_EINVAL, "%s: name must be 1..%d bytes of [A-Za-z0-9_.-]", fn, LOYALTY_NAME_ID_MAX);
	if (p->sealed)
		return ly_error(LOYALTY_ESTATE, "%s: definitions are fixed once customers are enrolled", fn);
	return LOYALTY_OK;
}

int ly_tier_index(const loyalty_program *p, const char *name)
{
	for (size_t i = 0; i < p->ntiers; i++)
		if (strcmp(p->tiers[i].name, name) == 0)
			return (int)i;
	return -1;
}

LOYALTY_API int loyalty_program_add_tier(loyalty_program *p, const char *name, int64_t threshold,
                                         const char *const *benefits, size_t benefit_count)
{
	static const char fn[] = "loyalty_program_add_tier";
	ly_tier t = { NULL, threshold, { NULL, 0, 0 } };
	ly_tier *tiers;
	int rc;

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(name, fn);
	if (benefit_count > 0 && benefits == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: benefits is NULL", fn);
	ly_lock(p);
	rc = check_definable(p, fn, name);
	if (rc == LOYALTY_OK && !ly_is_ident(name, LOYALTY_TIER_NAME_MAX))
		rc = ly_error(LOYALTY_EINVAL, "%s: tier names are at most %d bytes", fn, LOYALTY_TIER_NAME_MAX);
	if (rc == LOYALTY_OK && ly_tier_index(p, name) >= 0)
		rc = ly_error(LOYALTY_EDUPLICATE, "%s: tier '%s' exists", fn, name);
	if (rc == LOYALTY_OK && threshold < 0)
		rc = ly_error(LOYALTY_EINVAL, "%s: threshold must be >= 0 (got %lld)", fn, (long long)threshold);
	if (rc == LOYALTY_OK && p->ntiers > 0 && threshold <= p->tiers[p->ntiers - 1].threshold)
		rc = ly_error(LOYALTY_EINVAL, "%s: tier '%s' threshold %lld overlaps '%s' (%lld): thresholds must increase",
		              fn, name, (long long)threshold, p->tiers[p->ntiers - 1].name,
		              (long long)p->tiers[p->ntiers - 1].threshold);
	for (size_t i = 0; rc == LOYALTY_OK && i < benefit_count; i++) {
		if (!ly_is_ident(benefits[i], LOYALTY_NAME_ID_MAX))
			rc = ly_error(LOYALTY_EINVAL, "%s: benefit %zu must be 1..%d bytes of [A-Za-z0-9_.-]", fn, i,
			              LOYALTY_NAME_ID_MAX);
		else if ((rc = ly_strset_add(&t.benefits, benefits[i])) == LOYALTY_EDUPLICATE)
			rc = ly_error(rc, "%s: benefit '%s' listed twice", fn, benefits[i]);
		else if (rc != LOYALTY_OK)
			rc = ly_error(rc, "%s: out of memory", fn);
	}
	if (rc == LOYALTY_OK) {
		t.name = ly_strdup(name);
		tiers = realloc(p->tiers, (p->ntiers + 1) * sizeof *tiers);
		if (t.name == NULL || tiers == NULL) {
			rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
			if (tiers)
				p->tiers = tiers;
		} else {
			p->tiers = tiers;
			rc = ly_journal_define(p, LY_REC_TIER, enc_tier, &t);
			if (rc == LOYALTY_OK)
				p->tiers[p->ntiers++] = t;
		}
	}
	if (rc != LOYALTY_OK) {
		free(t.name);
		ly_strset_free(&t.benefits);
	}
	ly_unlock(p);
	return ly_durable(p, rc);
}

/* The tier getters take the lock: tiers may still be added (before the first enrolment) while
 * other threads read. Returned strings live as long as the program. */

LOYALTY_API size_t loyalty_program_tier_count(const loyalty_program *p)
{
	size_t n;

	if (p == NULL)
		return 0;
	ly_lock(p);
	n = p->ntiers;
	ly_unlock(p);
	return n;
}

LOYALTY_API const char *loyalty_program_tier_name(const loyalty_program *p, size_t i)
{
	const char *name = NULL;

	if (p == NULL)
		return NULL;
	ly_lock(p);
	if (i < p->ntiers)
		name = p->tiers[i].name;
	ly_unlock(p);
	return name;
}

LOYALTY_API int64_t loyalty_program_tier_threshold(const loyalty_program *p, size_t i)
{
	int64_t t = -1;

	if (p == NULL)
		return -1;
	ly_lock(p);
	if (i < p->ntiers)
		t = p->tiers[i].threshold;
	ly_unlock(p);
	return t;
}

static const ly_tier *tier_named(const loyalty_program *p, const char *tier)
{
	int i = tier ? ly_tier_index(p, tier) : -1;
	return i >= 0 ? &p->tiers[i] : NULL;
}

LOYALTY_API int loyalty_program_tier_has_benefit(const loyalty_program *p, const char *tier, const char *benefit)
{
	int has;

	if (p == NULL)
		return 0;
	ly_lock(p);
	const ly_tier *t = tier_named(p, tier);
	has = t && benefit && ly_strset_has(&t->benefits, benefit);
	ly_unlock(p);
	return has;
}

LOYALTY_API size_t loyalty_program_tier_benefit_count(const loyalty_program *p, const char *tier)
{
	size_t n;

	if (p == NULL)
		return 0;
	ly_lock(p);
	const ly_tier *t = tier_named(p, tier);
	n = t ? t->benefits.count : 0;
	ly_unlock(p);
	return n;
}

LOYALTY_API const char *loyalty_program_tier_benefit(const loyalty_program *p, const char *tier, size_t j)
{
	const char *b = NULL;

	if (p == NULL)
		return NULL;
	ly_lock(p);
	const ly_tier *t = tier_named(p, tier);
	if (t && j < t->benefits.count)
		b = t->benefits.items[j];
	ly_unlock(p);
	return b;
}

static int reward_index(const loyalty_program *p, const char *id)
{
	for (size_t i = 0; i < p->nrewards; i++)
		if (strcmp(p->rewards[i].id, id) == 0)
			return (int)i;
	return -1;
}

LOYALTY_API int loyalty_program_add_reward(loyalty_program *p, const loyalty_reward_def *def)
{
	static const char fn[] = "loyalty_program_add_reward";
	ly_reward r;
	int rc = LOYALTY_OK;

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(def, fn);
	if (def->version != LOYALTY_REWARD_DEF_VERSION)
		return ly_error(LOYALTY_EINVAL, "%s: def.version %u unknown", fn, def->version);
	if (!ly_is_ident(def->id, LOYALTY_NAME_ID_MAX))
		return ly_error(LOYALTY_EINVAL, "%s: id must be 1..%d bytes of [A-Za-z0-9_.-]", fn, LOYALTY_NAME_ID_MAX);
	if (def->name != NULL && !ly_is_text(def->name, LOYALTY_NAME_MAX))
		return ly_error(LOYALTY_EINVAL, "%s: name must be UTF-8 text of at most %d bytes", fn, LOYALTY_NAME_MAX);
	if (def->cost <= 0)
		return ly_error(LOYALTY_EINVAL, "%s: reward '%s' cost must be > 0 (got %lld)", fn, def->id,
		                (long long)def->cost);
	if (def->stock < -1)
		return ly_error(LOYALTY_EINVAL, "%s: stock must be >= -1 (got %lld)", fn, (long long)def->stock);
	if (def->valid_until != 0 && def->valid_until <= def->valid_from)
		return ly_error(LOYALTY_EINVAL, "%s: valid_until must be after valid_from", fn);
	ly_lock(p);
	memset(&r, 0, sizeof r);
	r.min_tier = -1;
	if (def->min_tier != NULL && (r.min_tier = ly_tier_index(p, def->min_tier)) < 0)
		rc = ly_error(LOYALTY_EINVAL, "%s: unknown tier '%.64s'", fn, def->min_tier);
	else if (reward_index(p, def->id) >= 0)
		rc = ly_error(LOYALTY_EDUPLICATE, "%s: reward '%s' exists", fn, def->id);
	if (rc == LOYALTY_OK) {
		r.id = ly_strdup(def->id);
		r.name = ly_strdup(def->name ? def->name : "");
		r.cost = def->cost;
		r.valid_from = def->valid_from;
		r.valid_until = def->valid_until;
		r.stock = def->stock;
		if (r.id == NULL || r.name == NULL)
			rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
		else if (p->nrewards == p->caprewards) {
			size_t cap = p->caprewards ? p->caprewards * 2 : 8;
			ly_reward *rs = realloc(p->rewards, cap * sizeof *rs);
			if (rs == NULL)
				rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
			else {
				p->rewards = rs;
				p->caprewards = cap;
			}
		}
	}
	if (rc == LOYALTY_OK) {
		reward_arg ra = { &r, def->min_tier };
		rc = ly_journal_define(p, LY_REC_REWARD, enc_reward, &ra);
	}
	if (rc == LOYALTY_OK)
		p->rewards[p->nrewards++] = r;
	else {
		free(r.id);
		free(r.name);
	}
	ly_unlock(p);
	return ly_durable(p, rc);
}

LOYALTY_API size_t loyalty_program_reward_count(const loyalty_program *p)
{
	size_t n;

	if (p == NULL)
		return 0;
	ly_lock(p);
	n = p->nrewards;
	ly_unlock(p);
	return n;
}

LOYALTY_API int loyalty_program_reward_at(const loyalty_program *p, size_t i, loyalty_reward_def *out)
{
	int rc = LOYALTY_OK;

	LY_CHECK_NULL(p, "loyalty_program_reward_at");
	LY_CHECK_NULL(out, "loyalty_program_reward_at");
	ly_lock(p);
	if (i >= p->nrewards) {
		rc = ly_error(LOYALTY_ERANGE, "loyalty_program_reward_at: index %zu out of range", i);
	} else {
		const ly_reward *r = &p->rewards[i];
		out->version = LOYALTY_REWARD_DEF_VERSION;
		out->id = r->id;
		out->name = r->name;
		out->cost = r->cost;
		out->min_tier = r->min_tier >= 0 ? p->tiers[r->min_tier].name : NULL;
		out->valid_from = r->valid_from;
		out->valid_until = r->valid_until;
		out->stock = r->stock;
	}
	ly_unlock(p);
	return ly_durable(p, rc);
}

LOYALTY_API int loyalty_program_set_reward_stock(loyalty_program *p, const char *reward_id, int64_t stock)
{
	int i, rc = LOYALTY_OK;

	LY_CHECK_NULL(p, "loyalty_program_set_reward_stock");
	LY_CHECK_NULL(reward_id, "loyalty_program_set_reward_stock");
	if (stock < -1)
		return ly_error(LOYALTY_EINVAL, "loyalty_program_set_reward_stock: stock must be >= -1");
	ly_lock(p);
	i = reward_index(p, reward_id);
	if (i < 0)
		rc = ly_error(LOYALTY_ENOTFOUND, "loyalty_program_set_reward_stock: no reward '%.64s'", reward_id);
	else {
		stock_arg sa = { reward_id, stock };
		rc = ly_journal_define(p, LY_REC_STOCK, enc_stock, &sa);
		if (rc == LOYALTY_OK)
			p->rewards[i].stock = stock;
	}
	ly_unlock(p);
	return ly_durable(p, rc);
}

LOYALTY_API int loyalty_program_add_action(loyalty_program *p, const char *name, loyalty_points points,
                                           int cap_count, loyalty_period cap_period)
{
	static const char fn[] = "loyalty_program_add_action";
	ly_action *as;
	int rc;

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(name, fn);
	ly_lock(p);
	rc = check_definable(p, fn, name);
	for (size_t i = 0; rc == LOYALTY_OK && i < p->nactions; i++)
		if (strcmp(p->actions[i].name, name) == 0)
			rc = ly_error(LOYALTY_EDUPLICATE, "%s: action '%s' exists", fn, name);
	if (rc == LOYALTY_OK && points <= 0)
		rc = ly_error(LOYALTY_EINVAL, "%s: points must be > 0", fn);
	if (rc == LOYALTY_OK && (cap_count < 0 || (cap_count > 0 && (cap_period < LOYALTY_PERIOD_DAY ||
	                                                             cap_period > LOYALTY_PERIOD_EVER))))
		rc = ly_error(LOYALTY_EINVAL, "%s: cap_count must be >= 0 with a cap_period DAY..EVER", fn);
	if (rc == LOYALTY_OK) {
		as = realloc(p->actions, (p->nactions + 1) * sizeof *as);
		if (as == NULL)
			rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
		else {
			p->actions = as;
			as[p->nactions].name = ly_strdup(name);
			as[p->nactions].points = points;
			as[p->nactions].cap_count = cap_count;
			as[p->nactions].cap_period = cap_count ? cap_period : LOYALTY_PERIOD_NONE;
			if (as[p->nactions].name == NULL)
				rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
			else if ((rc = ly_journal_define(p, LY_REC_ACTION, enc_action, &as[p->nactions])) == LOYALTY_OK)
				p->nactions++;
			else
				free(as[p->nactions].name);
		}
	}
	ly_unlock(p);
	return ly_durable(p, rc);
}

LOYALTY_API int loyalty_program_add_partner(loyalty_program *p, const char *name, loyalty_fraction rate)
{
	static const char fn[] = "loyalty_program_add_partner";
	ly_partner *ps;
	ly_frac r;
	int rc;

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(name, fn);
	ly_lock(p);
	rc = check_definable(p, fn, name);
	for (size_t i = 0; rc == LOYALTY_OK && i < p->npartners; i++)
		if (strcmp(p->partners[i].name, name) == 0)
			rc = ly_error(LOYALTY_EDUPLICATE, "%s: partner '%s' exists", fn, name);
	if (rc == LOYALTY_OK && (rate.den <= 0 || rate.num <= 0 || ly_frac_make(rate.num, rate.den, &r) != LOYALTY_OK))
		rc = ly_error(LOYALTY_EINVAL, "%s: rate must be a fraction > 0", fn);
	if (rc == LOYALTY_OK) {
		ps = realloc(p->partners, (p->npartners + 1) * sizeof *ps);
		if (ps == NULL)
			rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
		else {
			p->partners = ps;
			ps[p->npartners].name = ly_strdup(name);
			ps[p->npartners].rate = r;
			if (ps[p->npartners].name == NULL)
				rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
			else if ((rc = ly_journal_define(p, LY_REC_PARTNER, enc_partner, &ps[p->npartners])) == LOYALTY_OK)
				p->npartners++;
			else
				free(ps[p->npartners].name);
		}
	}
	ly_unlock(p);
	return ly_durable(p, rc);
}

/* ---- customers ---------------------------------------------------------------- */

/* "LY-" and 7 characters of Crockford base32 from the id; more of the id on a collision. */
static void make_code(const loyalty_program *p, const loyalty_id *id, char *code)
{
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

	for (unsigned shift = 0;; shift++) {
		uint64_t v = 0;
		for (int i = 0; i < 8; i++)
			v = v << 8 | id->bytes[(i + shift) % 16];
		v += shift * 0x9e3779b97f4a7c15ULL;
		memcpy(code, "LY-", 3);
		for (int i = 0; i < 7; i++) {
			code[3 + i] = alphabet[v & 31];
			v >>= 5;
		}
		code[10] = '\0';
		if (p->store->ops->account_by_code(p->store, code) == NULL)
			return;
	}
}

LOYALTY_API int loyalty_program_enroll(loyalty_program *p, const char *key, const loyalty_customer *profile,
                                       const char *referral_code, loyalty_time at, loyalty_customer **out)
{
	static const char fn[] = "loyalty_program_enroll";
	const ly_account *referrer = NULL;
	const ly_idem *replay;
	ly_account *a = NULL;
	ly_bytes req = { 0 };
	ly_txn t;
	int rc;

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(key, fn);
	LY_CHECK_NULL(profile, fn);
	/* the request: everything of the profile the program keeps */
	ly_bytes_raw(&req, profile->id.bytes, 16);
	ly_bytes_str(&req, profile->external_ref);
	ly_bytes_str(&req, profile->name);
	ly_bytes_str(&req, profile->email);
	ly_bytes_i64(&req, profile->birth_month * 100 + profile->birth_day);
	for (size_t i = 0; i < profile->tags.count; i++)
		ly_bytes_str(&req, profile->tags.items[i]);
	ly_bytes_str(&req, referral_code);
	ly_bytes_i64(&req, at);
	if (req.failed) {
		ly_bytes_free(&req);
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	}
	ly_lock(p);
	ly_txn_init(&t, p);
	rc = ly_idem_begin(&t, fn, key, LY_OP_ENROLL, req.data, req.len, &replay);
	ly_bytes_free(&req);
	if (rc != LOYALTY_OK || replay != NULL) {
		if (rc == LOYALTY_OK && out != NULL) {
			const ly_account *acc = p->store->ops->account(p->store, &replay->id);
			rc = loyalty_customer_clone(out, acc->c);
		}
		goto done;
	}
	if (p->store->ops->account(p->store, &profile->id) != NULL) {
		char text[LOYALTY_ID_STRLEN + 1];
		loyalty_id_format(&profile->id, text, sizeof text);
		rc = ly_error(LOYALTY_EDUPLICATE, "%s: customer %s is already enrolled", fn, text);
		goto done;
	}
	if (profile->external_ref[0] && p->store->ops->account_by_ref(p->store, profile->external_ref) != NULL) {
		rc = ly_error(LOYALTY_EDUPLICATE, "%s: external reference '%s' is taken", fn, profile->external_ref);
		goto done;
	}
	if (referral_code != NULL) {
		referrer = p->store->ops->account_by_code(p->store, referral_code);
		if (referrer == NULL) {
			rc = ly_error(LOYALTY_ENOTFOUND, "%s: no customer has referral code '%.16s'", fn, referral_code);
			goto done;
		}
		if (profile->email[0] && strcmp(profile->email, referrer->c->email) == 0) {
			rc = ly_error(LOYALTY_EINVAL, "%s: self-referral (the referrer has the same e-mail)", fn);
			goto done;
		}
	}
	a = ly_account_new(profile);
	if (a == NULL) {
		rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
		goto done;
	}
	/* a fresh state: balances and tier are the program's */
	a->c->available = a->c->pending = 0;
	a->c->lifetime_earned = a->c->lifetime_redeemed = a->c->lifetime_expired = 0;
	a->c->joined_at = at;
	a->last_activity = at;
	a->evaluated_year = ly_period_index(LOYALTY_PERIOD_YEAR, at, p->copts.utc_offset_minutes);
	if ((rc = loyalty_customer_set_tier(a->c, NULL)) != LOYALTY_OK) {
		ly_account_free(a);
		goto done;
	}
	make_code(p, &a->c->id, a->code);
	if (referrer) {
		a->has_referrer = true;
		a->referrer = referrer->c->id;
	}
	rc = ly_txn_add_account(&t, a);
	if (rc != LOYALTY_OK)
		goto done;
	rc = ly_txn_entry(&t, a, LOYALTY_ENTRY_ENROLL, 0, 0, 0, at, key, referral_code ? referral_code : "", "joined",
	                  NULL);
	/* the lowest tier may start at 0 */
	if (rc == LOYALTY_OK && p->ntiers && p->tiers[0].threshold == 0)
		rc = ly_tier_set(&t, a, 0, at, key, "enrolment");
	if (rc == LOYALTY_OK) {
		t.idem->id = a->c->id;
		if (out != NULL && (rc = loyalty_customer_clone(out, a->c)) != LOYALTY_OK)
			goto done;
		rc = ly_txn_commit(&t);
		if (rc != LOYALTY_OK && out != NULL) {
			loyalty_customer_free(*out);
			*out = NULL;
		}
	}
	if (rc == LOYALTY_OK)
		p->sealed = true;
done:
	ly_txn_release(&t);
	ly_unlock(p);
	return ly_durable(p, rc);
}

static int snapshot(const loyalty_program *p, const ly_account *a, const char *fn, const char *what,
                    loyalty_customer **out)
{
	int rc;

	if (a == NULL)
		return ly_error(LOYALTY_ENOTFOUND, "%s: no customer %s", fn, what);
	rc = loyalty_customer_clone(out, a->c);
	(void)p;
	return rc;
}

LOYALTY_API int loyalty_program_get_customer(const loyalty_program *p, const loyalty_id *id, loyalty_customer **out)
{
	char text[LOYALTY_ID_STRLEN + 1];
	int rc;

	LY_CHECK_NULL(p, "loyalty_program_get_customer");
	LY_CHECK_NULL(id, "loyalty_program_get_customer");
	LY_CHECK_NULL(out, "loyalty_program_get_customer");
	loyalty_id_format(id, text, sizeof text);
	ly_lock(p);
	rc = snapshot(p, p->store->ops->account(p->store, id), "loyalty_program_get_customer", text, out);
	ly_unlock(p);
	return ly_durable(p, rc);
}

LOYALTY_API int loyalty_program_find_customer(const loyalty_program *p, const char *external_ref,
                                              loyalty_customer **out)
{
	int rc;

	LY_CHECK_NULL(p, "loyalty_program_find_customer");
	LY_CHECK_NULL(external_ref, "loyalty_program_find_customer");
	LY_CHECK_NULL(out, "loyalty_program_find_customer");
	ly_lock(p);
	rc = snapshot(p, external_ref[0] ? p->store->ops->account_by_ref(p->store, external_ref) : NULL,
	              "loyalty_program_find_customer", external_ref, out);
	ly_unlock(p);
	return ly_durable(p, rc);
}

LOYALTY_API size_t loyalty_program_customer_count(const loyalty_program *p)
{
	size_t n;

	if (p == NULL)
		return 0;
	ly_lock(p);
	n = p->store->ops->account_count(p->store);
	ly_unlock(p);
	return n;
}

static const ly_account *find_account(const loyalty_program *p, const loyalty_id *id, const char *fn)
{
	const ly_account *a = p->store->ops->account(p->store, id);

	if (a == NULL) {
		char text[LOYALTY_ID_STRLEN + 1];
		loyalty_id_format(id, text, sizeof text);
		ly_error(LOYALTY_ENOTFOUND, "%s: no customer %s", fn, text);
	}
	return a;
}

LOYALTY_API int loyalty_program_debt(const loyalty_program *p, const loyalty_id *id, loyalty_points *out)
{
	const ly_account *a;
	int rc = LOYALTY_OK;

	LY_CHECK_NULL(p, "loyalty_program_debt");
	LY_CHECK_NULL(id, "loyalty_program_debt");
	LY_CHECK_NULL(out, "loyalty_program_debt");
	ly_lock(p);
	a = find_account(p, id, "loyalty_program_debt");
	if (a == NULL)
		rc = LOYALTY_ENOTFOUND;
	else
		*out = a->debt;
	ly_unlock(p);
	return ly_durable(p, rc);
}

LOYALTY_API int loyalty_program_referral_code(const loyalty_program *p, const loyalty_id *id, char *buf,
                                              size_t size)
{
	const ly_account *a;
	int rc = LOYALTY_OK;

	LY_CHECK_NULL(p, "loyalty_program_referral_code");
	LY_CHECK_NULL(id, "loyalty_program_referral_code");
	LY_CHECK_NULL(buf, "loyalty_program_referral_code");
	if (size < LOYALTY_REFERRAL_CODE_LEN + 1)
		return ly_error(LOYALTY_ERANGE, "loyalty_program_referral_code: buffer of %zu bytes, need %d", size,
		                LOYALTY_REFERRAL_CODE_LEN + 1);
	ly_lock(p);
	a = find_account(p, id, "loyalty_program_referral_code");
	if (a == NULL)
		rc = LOYALTY_ENOTFOUND;
	else
		memcpy(buf, a->code, LOYALTY_REFERRAL_CODE_LEN + 1);
	ly_unlock(p);
	return ly_durable(p, rc);
}

/* ---- the ledger ------------------------------------------------------------------ */

LOYALTY_API size_t loyalty_program_entry_count(const loyalty_program *p)
{
	size_t n;

	if (p == NULL)
		return 0;
	ly_lock(p);
	n = p->store->ops->entry_count(p->store);
	ly_unlock(p);
	return n;
}

LOYALTY_API int loyalty_program_entry_at(const loyalty_program *p, size_t i, loyalty_entry *out)
{
	const loyalty_entry *e;
	int rc = LOYALTY_OK;

	LY_CHECK_NULL(p, "loyalty_program_entry_at");
	LY_CHECK_NULL(out, "loyalty_program_entry_at");
	ly_lock(p);
	e = p->store->ops->entry(p->store, (uint64_t)i + 1);
	if (e == NULL)
		rc = ly_error(LOYALTY_ERANGE, "loyalty_program_entry_at: index %zu out of range", i);
	else
		*out = *e;
	ly_unlock(p);
	return ly_durable(p, rc);
}

LOYALTY_API int loyalty_program_customer_entry_count(const loyalty_program *p, const loyalty_id *customer,
                                                     size_t *out)
{
	const ly_account *a;
	int rc = LOYALTY_OK;

	LY_CHECK_NULL(p, "loyalty_program_customer_entry_count");
	LY_CHECK_NULL(customer, "loyalty_program_customer_entry_count");
	LY_CHECK_NULL(out, "loyalty_program_customer_entry_count");
	ly_lock(p);
	a = find_account(p, customer, "loyalty_program_customer_entry_count");
	if (a == NULL)
		rc = LOYALTY_ENOTFOUND;
	else
		*out = a->ix ? a->ix->n : 0;
	ly_unlock(p);
	return ly_durable(p, rc);
}

LOYALTY_API int loyalty_program_customer_entry_at(const loyalty_program *p, const loyalty_id *customer, size_t i,
                                                  loyalty_entry *out)
{
	const ly_account *a;
	int rc = LOYALTY_OK;

	LY_CHECK_NULL(p, "loyalty_program_customer_entry_at");
	LY_CHECK_NULL(customer, "loyalty_program_customer_entry_at");
	LY_CHECK_NULL(out, "loyalty_program_customer_entry_at");
	ly_lock(p);
	a = find_account(p, customer, "loyalty_program_customer_entry_at");
	if (a == NULL)
		rc = LOYALTY_ENOTFOUND;
	else if (a->ix == NULL || i >= a->ix->n)
		rc = ly_error(LOYALTY_ERANGE, "loyalty_program_customer_entry_at: index %zu out of range (%zu entries)", i,
		              a->ix ? (size_t)a->ix->n : 0);
	else
		*out = *p->store->ops->entry(p->store, (uint64_t)a->ix->pos[i] + 1);
	ly_unlock(p);
	return ly_durable(p, rc);
}
