/*
 * libloyalty - maintenance (maturing, expiry, tier reviews) and the queries a
 * mobile app shows.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "program_internal.h"

static loyalty_time year_start(const loyalty_program *p, loyalty_time at)
{
	int64_t day = ly_period_index(LOYALTY_PERIOD_YEAR, at, p->copts.utc_offset_minutes);
	return day * LOYALTY_MS_PER_DAY - (int64_t)p->copts.utc_offset_minutes * LOYALTY_MS_PER_MINUTE;
}

/* The tier a customer should hold at @p now by the review rules, or a->tier when no review is due. */
static int reviewed_tier(const loyalty_program *p, ly_account *a, loyalty_time now, bool *changed_state)
{
	int supported, paid = a->paid_tier >= 0 && now < a->paid_until ? a->paid_tier : -1;
	bool paid_ended = a->paid_tier >= 0 && now >= a->paid_until;

	if (paid_ended) {
		a->paid_tier = -1;
		*changed_state = true;
	}
	if (p->opts.tier_window == LOYALTY_TIER_CALENDAR_YEAR) {
		loyalty_time start = year_start(p, now);
		int64_t year = ly_period_index(LOYALTY_PERIOD_YEAR, now, p->copts.utc_offset_minutes);
		bool review = a->evaluated_year < year &&
		              now >= start + (int64_t)p->opts.tier_grace_days * LOYALTY_MS_PER_DAY;
		int last, this_year;

		if (!review && !paid_ended)
			return a->tier;
		if (review) {
			a->evaluated_year = year;
			*changed_state = true;
		}
		/* the year that ended decides; what the new year already brought counts too */
		last = ly_tier_for(p, ly_acct_metric(p, a, start - 1));
		this_year = ly_tier_for(p, ly_acct_metric(p, a, now));
		supported = last > this_year ? last : this_year;
		if (!review) /* a paid tier ended mid-year: the year so far and the last review's result */
			supported = this_year > a->tier ? this_year : (a->tier > last ? (last > this_year ? last : this_year)
			                                                             : a->tier);
	} else {
		supported = ly_tier_for(p, ly_acct_metric(p, a, now));
		if (supported >= a->tier || (paid >= 0 && paid >= a->tier)) {
			if (a->below_since) {
				a->below_since = 0;
				*changed_state = true;
			}
			return supported > a->tier ? supported : a->tier;
		}
		if (a->below_since == 0) {
			a->below_since = now;
			*changed_state = true;
		}
		if (now < a->below_since + (int64_t)p->opts.tier_grace_days * LOYALTY_MS_PER_DAY)
			return a->tier;
		/* the grace is over: the tier drops to what the metric supports, and a later
		 * shortfall below that tier is noted afresh and gets its own grace */
		a->below_since = 0;
	}
	if (paid > supported)
		supported = paid;
	return supported;
}

/* Whether the sweep may have anything to do for this account: a cheap test on the committed
 * state, so that a sweep over many customers copies only those it changes. */
static bool needs_sweep(const loyalty_program *p, const ly_account *a, loyalty_time now)
{
	for (size_t i = 0; i < a->nbuckets; i++) {
		const ly_bucket *b = &a->buckets[i];
		if (b->matures_at != 0 ? b->matures_at <= now
		                       : (p->opts.expiry == LOYALTY_EXPIRY_BUCKET && b->expires_at <= now))
			return true;
	}
	if (p->opts.expiry == LOYALTY_EXPIRY_INACTIVITY &&
	    now >= a->last_activity + (int64_t)p->opts.expiry_days * LOYALTY_MS_PER_DAY && ly_acct_available_buckets(a) > 0)
		return true;
	if (a->paid_tier >= 0 && now >= a->paid_until)
		return true;
	if (p->opts.tier_window == LOYALTY_TIER_CALENDAR_YEAR)
		return a->evaluated_year < ly_period_index(LOYALTY_PERIOD_YEAR, now, p->copts.utc_offset_minutes);
	return a->below_since != 0 || (a->tier >= 0 && ly_tier_for(p, ly_acct_metric(p, a, now)) < a->tier);
}

static int maintain_account(loyalty_program *p, const ly_account *cur, loyalty_time now, const char *key,
                            loyalty_maintenance_report *rep)
{
	ly_txn t;
	ly_account *a;
	bool state = false;
	size_t entries_before;
	int rc, target;

	ly_txn_init(&t, p);
	rc = ly_txn_account(&t, &cur->c->id, &a);
	if (rc == LOYALTY_OK)
		rc = ly_acct_own(a); /* the sweep changes buckets in place */
	if (rc != LOYALTY_OK)
		goto done;
	entries_before = t.nentries;
	/* 1. mature pending points whose hold ended, oldest first */
	for (;;) {
		size_t best = SIZE_MAX;
		ly_bucket b;
		loyalty_points repaid, filled;
		char memo[64];
		for (size_t i = 0; i < a->nbuckets; i++)
			if (a->buckets[i].matures_at != 0 && a->buckets[i].matures_at <= now &&
			    (best == SIZE_MAX || a->buckets[i].matures_at < a->buckets[best].matures_at))
				best = i;
		if (best == SIZE_MAX)
			break;
		b = a->buckets[best];
		a->buckets[best] = a->buckets[--a->nbuckets];
		rc = ly_acct_credit(p, a, b.id, b.amount, b.matures_at, 0, 0, &repaid, &filled);
		if (rc != LOYALTY_OK)
			goto done;
		snprintf(memo, sizeof memo, "held points of entry #%llu", (unsigned long long)b.id);
		rc = ly_txn_entry(&t, a, LOYALTY_ENTRY_MATURE, b.amount, -b.amount, 0, b.matures_at, key, "", memo, NULL);
		if (rc == LOYALTY_OK && repaid > 0)
			rc = ly_txn_entry(&t, a, LOYALTY_ENTRY_DEBT_REPAY, -repaid, 0, -repaid, b.matures_at, key, "",
			                  "debt repaid", NULL);
		if (rc != LOYALTY_OK)
			goto done;
		rep->matured += b.amount;
	}
	/* 2. expire */
	if (p->opts.expiry == LOYALTY_EXPIRY_BUCKET) {
		for (;;) {
			size_t best = SIZE_MAX;
			ly_bucket b;
			char memo[64];
			for (size_t i = 0; i < a->nbuckets; i++)
				if (a->buckets[i].matures_at == 0 && a->buckets[i].expires_at <= now &&
				    (best == SIZE_MAX || a->buckets[i].expires_at < a->buckets[best].expires_at))
					best = i;
			if (best == SIZE_MAX)
				break;
			b = a->buckets[best];
			a->buckets[best] = a->buckets[--a->nbuckets];
			snprintf(memo, sizeof memo, "points of entry #%llu", (unsigned long long)b.id);
			rc = ly_txn_entry(&t, a, LOYALTY_ENTRY_EXPIRE, -b.amount, 0, 0, b.expires_at, key, "", memo, NULL);
			if (rc != LOYALTY_OK)
				goto done;
			rep->expired += b.amount;
		}
	} else if (p->opts.expiry == LOYALTY_EXPIRY_INACTIVITY) {
		loyalty_time when = a->last_activity + (int64_t)p->opts.expiry_days * LOYALTY_MS_PER_DAY;
		loyalty_points all = ly_acct_available_buckets(a);
		if (now >= when && all > 0) {
			/* the points available at the deadline expire then; points that became
			 * available later (held points maturing, credits to a dormant account)
			 * expire as they arrived, never before they existed */
			loyalty_points first = 0;
			size_t j = 0;
			for (size_t i = 0; i < a->nbuckets; i++)
				if (a->buckets[i].matures_at == 0 && a->buckets[i].earned_at <= when)
					first += a->buckets[i].amount;
				else
					a->buckets[j++] = a->buckets[i];
			a->nbuckets = j;
			if (first > 0) {
				rc = ly_txn_entry(&t, a, LOYALTY_ENTRY_EXPIRE, -first, 0, 0, when, key, "", "inactivity", NULL);
				if (rc != LOYALTY_OK)
					goto done;
				rep->expired += first;
			}
			for (;;) {
				size_t best = SIZE_MAX;
				ly_bucket b;
				for (size_t i = 0; i < a->nbuckets; i++)
					if (a->buckets[i].matures_at == 0 &&
					    (best == SIZE_MAX || a->buckets[i].earned_at < a->buckets[best].earned_at))
						best = i;
				if (best == SIZE_MAX)
					break;
				b = a->buckets[best];
				a->buckets[best] = a->buckets[--a->nbuckets];
				rc = ly_txn_entry(&t, a, LOYALTY_ENTRY_EXPIRE, -b.amount, 0, 0, b.earned_at, key, "", "inactivity",
				                  NULL);
				if (rc != LOYALTY_OK)
					goto done;
				rep->expired += b.amount;
			}
		}
	}
	/* 3. tier review */
	target = reviewed_tier(p, a, now, &state);
	if (target != a->tier) {
		rc = ly_tier_set(&t, a, target, now, key, target < a->tier ? "review" : "qualified");
		if (rc != LOYALTY_OK)
			goto done;
		rep->tier_changes++;
	}
	if (t.nentries == entries_before && !state)
		goto done; /* nothing to do for this customer */
	rep->entries += t.nentries - entries_before;
	rc = ly_txn_commit(&t);
done:
	ly_txn_release(&t);
	return rc;
}

static int enc_now(void *e, const void *arg)
{
	return ly_encode_rec_maintain(e, *(const loyalty_time *)arg);
}

LOYALTY_API int loyalty_program_maintain(loyalty_program *p, loyalty_time now, loyalty_maintenance_report *out)
{
	static const char fn[] = "loyalty_program_maintain";
	loyalty_maintenance_report rep;
	char key[64];
	int rc = LOYALTY_OK;

	LY_CHECK_NULL(p, fn);
	memset(&rep, 0, sizeof rep);
	snprintf(key, sizeof key, "maintenance@%lld", (long long)now);
	ly_lock(p);
	if (now < p->last_maintain) {
		rc = ly_error(LOYALTY_EINVAL, "%s: now (%lld) is before the last sweep (%lld)", fn, (long long)now,
		              (long long)p->last_maintain);
		goto done;
	}
	for (size_t i = 0; i < p->store->ops->account_count(p->store); i++) {
		const ly_account *a = p->store->ops->account_at(p->store, i);
		if (!needs_sweep(p, a, now))
			continue;
		rc = maintain_account(p, a, now, key, &rep);
		if (rc != LOYALTY_OK) {
			ly_error_prefix(fn);
			goto done;
		}
	}
	if (now != p->last_maintain) {
		rc = ly_journal_define(p, LY_REC_MAINTAIN, enc_now, &now);
		if (rc != LOYALTY_OK)
			goto done;
	}
	p->last_maintain = now;
	if (out)
		*out = rep;
done:
	ly_unlock(p);
	return ly_durable(p, rc);
}

/* ---- queries ------------------------------------------------------------------------ */

LOYALTY_API int loyalty_program_progress(const loyalty_program *p, const loyalty_id *customer, loyalty_time now,
                                         loyalty_progress *out)
{
	static const char fn[] = "loyalty_program_progress";
	const ly_account *a;
	int rc = LOYALTY_OK;

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(customer, fn);
	LY_CHECK_NULL(out, fn);
	ly_lock(p);
	a = p->store->ops->account(p->store, customer);
	if (a == NULL) {
		rc = ly_error(LOYALTY_ENOTFOUND, "%s: no such customer", fn);
		goto done;
	}
	memset(out, 0, sizeof *out);
	snprintf(out->tier, sizeof out->tier, "%s", a->tier >= 0 ? p->tiers[a->tier].name : "");
	out->metric = ly_acct_metric(p, a, now);
	if ((size_t)(a->tier + 1) < p->ntiers) {
		const ly_tier *next = &p->tiers[a->tier + 1];
		snprintf(out->next_tier, sizeof out->next_tier, "%s", next->name);
		out->to_next_tier = next->threshold > out->metric ? next->threshold - out->metric : 0;
	}
	out->available = a->c->available;
	out->pending = a->c->pending;
	out->debt = a->debt;
	for (size_t i = 0; i < a->nbuckets; i++) {
		const ly_bucket *b = &a->buckets[i];
		if (b->matures_at != 0) {
			if (out->next_maturity == 0 || b->matures_at < out->next_maturity) {
				out->next_maturity = b->matures_at;
				out->next_maturity_points = 0;
			}
			if (b->matures_at == out->next_maturity)
				out->next_maturity_points += b->amount;
		} else if (p->opts.expiry == LOYALTY_EXPIRY_BUCKET && b->expires_at != LY_NEVER) {
			if (out->next_expiry == 0 || b->expires_at < out->next_expiry) {
				out->next_expiry = b->expires_at;
				out->next_expiry_points = 0;
			}
			if (b->expires_at == out->next_expiry)
				out->next_expiry_points += b->amount;
		}
	}
	if (p->opts.expiry == LOYALTY_EXPIRY_INACTIVITY && ly_acct_available_buckets(a) > 0) {
		out->next_expiry = a->last_activity + (int64_t)p->opts.expiry_days * LOYALTY_MS_PER_DAY;
		out->next_expiry_points = ly_acct_available_buckets(a);
	}
done:
	ly_unlock(p);
	return ly_durable(p, rc);
}

LOYALTY_API int loyalty_program_points_missing(const loyalty_program *p, const loyalty_id *customer,
                                               const char *reward, loyalty_points *out)
{
	static const char fn[] = "loyalty_program_points_missing";
	const ly_account *a;
	const ly_reward *rw = NULL;
	int rc = LOYALTY_OK;

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(customer, fn);
	LY_CHECK_NULL(reward, fn);
	LY_CHECK_NULL(out, fn);
	ly_lock(p);
	a = p->store->ops->account(p->store, customer);
	for (size_t i = 0; i < p->nrewards; i++)
		if (strcmp(p->rewards[i].id, reward) == 0)
			rw = &p->rewards[i];
	if (a == NULL)
		rc = ly_error(LOYALTY_ENOTFOUND, "%s: no such customer", fn);
	else if (rw == NULL)
		rc = ly_error(LOYALTY_ENOTFOUND, "%s: no reward '%.64s'", fn, reward);
	else
		*out = rw->cost > a->c->available ? rw->cost - a->c->available : 0;
	ly_unlock(p);
	return ly_durable(p, rc);
}
