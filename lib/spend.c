/*
 * libloyalty - spending and moving points: redemptions, cancellations,
 * donations, transfers, adjustments; paid tiers.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program_internal.h"

static int find_reward(const loyalty_program *p, const char *id)
{
	for (size_t i = 0; i < p->nrewards; i++)
		if (strcmp(p->rewards[i].id, id) == 0)
			return (int)i;
	return -1;
}

static int begin(ly_txn *t, const char *fn, const char *key, int op, ly_bytes *req, const ly_idem **replay)
{
	if (req->failed)
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	return ly_idem_begin(t, fn, key, op, req->data, req->len, replay);
}

static int account_for(ly_txn *t, const loyalty_id *id, ly_account **a, const char *fn)
{
	int rc = ly_txn_account(t, id, a);

	if (rc != LOYALTY_OK)
		ly_error_prefix(fn);
	return rc;
}

/*
 * Put drawn points into @p a's buckets, each with the expiry of the bucket it was
 * drawn from, so that moving points never makes them last longer. An expiry that
 * has already passed becomes @p at: such points expire at the next sweep, dated
 * when they came back, never before. @p bucket_id 0 restores each draw's own
 * bucket (a cancellation); otherwise the buckets are new, available from @p at
 * (a transfer). Like any credit, the points first repay a debt or fill a negative
 * balance; *repaid is the debt repaid. Balances are left to the caller's entries.
 */
static int put_draws(loyalty_program *p, ly_account *a, const ly_draw *draws, size_t n, uint64_t bucket_id,
                     loyalty_time at, loyalty_points *repaid)
{
	loyalty_points repaid_all = 0, filled_all = 0;
	int rc = LOYALTY_OK;

	for (size_t i = 0; i < n && rc == LOYALTY_OK; i++) {
		const ly_draw *d = &draws[i];
		loyalty_points r, f;
		rc = ly_acct_credit(p, a, bucket_id ? bucket_id : d->bucket, d->amount, bucket_id ? at : d->earned_at, 0,
		                    d->expires_at > at ? d->expires_at : at, &r, &f);
		/* the next draw sees the hole filled and the debt repaid */
		a->c->available += f;
		a->debt -= r;
		filled_all += f;
		repaid_all += r;
	}
	a->c->available -= filled_all;
	a->debt += repaid_all;
	*repaid = repaid_all;
	return rc;
}

LOYALTY_API int loyalty_program_redeem(loyalty_program *p, const char *key, const loyalty_id *customer,
                                       const char *reward, loyalty_time at, loyalty_redemption *out)
{
	static const char fn[] = "loyalty_program_redeem";
	ly_redemption_rec *rec = NULL;
	const ly_idem *replay;
	const ly_reward *rw;
	ly_bytes req = { 0 };
	ly_account *a;
	int64_t stock;
	int ri, rc;
	ly_txn t;

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(key, fn);
	LY_CHECK_NULL(customer, fn);
	LY_CHECK_NULL(reward, fn);
	ly_bytes_raw(&req, customer->bytes, 16);
	ly_bytes_str(&req, reward);
	ly_bytes_i64(&req, at);
	ly_lock(p);
	ly_txn_init(&t, p);
	rc = begin(&t, fn, key, LY_OP_REDEEM, &req, &replay);
	if (rc != LOYALTY_OK)
		goto done;
	if (replay != NULL) {
		const ly_redemption_rec *r = p->store->ops->redemption(p->store, &replay->id);
		if (out)
			*out = r->r;
		goto done;
	}
	ri = find_reward(p, reward);
	if (ri < 0) {
		rc = ly_error(LOYALTY_ENOTFOUND, "%s: no reward '%.64s'", fn, reward);
		goto done;
	}
	rw = &p->rewards[ri];
	if ((rc = account_for(&t, customer, &a, fn)) != LOYALTY_OK)
		goto done;
	if (at < rw->valid_from || (rw->valid_until != 0 && at >= rw->valid_until)) {
		rc = ly_error(LOYALTY_ESTATE, "%s: reward '%s' is not available at this time", fn, rw->id);
		goto done;
	}
	if (rw->min_tier >= 0 && a->tier < rw->min_tier) {
		rc = ly_error(LOYALTY_ESTATE, "%s: reward '%s' needs tier %s or higher (customer: %s)", fn, rw->id,
		              p->tiers[rw->min_tier].name, a->tier >= 0 ? p->tiers[a->tier].name : "none");
		goto done;
	}
	stock = ly_txn_stock(&t, (size_t)ri);
	if (stock == 0) {
		rc = ly_error(LOYALTY_ERANGE, "%s: reward '%s' is out of stock", fn, rw->id);
		goto done;
	}
	rec = calloc(1, sizeof *rec);
	if (rec == NULL) {
		rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
		goto done;
	}
	rc = ly_acct_spend(a, rw->cost, &rec->draws, &rec->ndraws);
	if (rc != LOYALTY_OK) {
		ly_error_prefix(fn);
		goto done;
	}
	loyalty_id_generate(&rec->r.id);
	rec->r.customer_id = *customer;
	snprintf(rec->r.reward, sizeof rec->r.reward, "%s", rw->id);
	rec->r.points = rw->cost;
	rec->r.at = at;
	rec->r.entry_seq = t.next_seq;
	{
		char code[LOYALTY_ID_STRLEN + 1];
		loyalty_id_format(&rec->r.id, code, sizeof code);
		rc = ly_txn_entry(&t, a, LOYALTY_ENTRY_REDEEM, -rw->cost, 0, 0, at, key, rw->id, code, NULL);
	}
	if (rc == LOYALTY_OK && stock > 0)
		rc = ly_txn_set_stock(&t, (size_t)ri, stock - 1);
	if (rc != LOYALTY_OK)
		goto done;
	if (at > a->last_activity)
		a->last_activity = at;
	t.idem->id = rec->r.id;
	if (out)
		*out = rec->r;
	rc = ly_txn_put_redemption(&t, rec);
	rec = NULL;
	if (rc == LOYALTY_OK)
		rc = ly_txn_commit(&t);
done:
	ly_redemption_rec_free(rec);
	ly_bytes_free(&req);
	ly_txn_release(&t);
	ly_unlock(p);
	return ly_durable(p, rc);
}

LOYALTY_API int loyalty_program_cancel_redemption(loyalty_program *p, const char *key,
                                                  const loyalty_id *redemption, loyalty_time at,
                                                  loyalty_redemption *out)
{
	static const char fn[] = "loyalty_program_cancel_redemption";
	const ly_redemption_rec *cur;
	ly_redemption_rec *rec = NULL;
	const ly_idem *replay;
	ly_bytes req = { 0 };
	ly_account *a;
	char code[LOYALTY_ID_STRLEN + 1];
	int ri, rc;
	ly_txn t;

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(key, fn);
	LY_CHECK_NULL(redemption, fn);
	ly_bytes_raw(&req, redemption->bytes, 16);
	ly_bytes_i64(&req, at);
	loyalty_id_format(redemption, code, sizeof code);
	ly_lock(p);
	ly_txn_init(&t, p);
	rc = begin(&t, fn, key, LY_OP_CANCEL, &req, &replay);
	if (rc != LOYALTY_OK)
		goto done;
	if (replay != NULL) {
		if (out)
			*out = p->store->ops->redemption(p->store, redemption)->r;
		goto done;
	}
	cur = p->store->ops->redemption(p->store, redemption);
	if (cur == NULL) {
		rc = ly_error(LOYALTY_ENOTFOUND, "%s: no redemption %s", fn, code);
		goto done;
	}
	if (at < cur->r.at) {
		rc = ly_error(LOYALTY_EINVAL, "%s: the cancellation is dated before redemption %s", fn, code);
		goto done;
	}
	if (cur->r.cancelled) {
		rc = ly_error(LOYALTY_ESTATE, "%s: redemption %s is already cancelled", fn, code);
		goto done;
	}
	rec = ly_redemption_rec_clone(cur);
	if (rec == NULL) {
		rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
		goto done;
	}
	if ((rc = account_for(&t, &rec->r.customer_id, &a, fn)) != LOYALTY_OK)
		goto done;
	/* back into the buckets they came from, with their own expiry dates; like any
	 * credit, restored points first repay a debt or fill a negative balance */
	{
		loyalty_points repaid_all;
		rc = put_draws(p, a, rec->draws, rec->ndraws, 0, at, &repaid_all);
		if (rc != LOYALTY_OK)
			goto done;
		rc = ly_txn_entry(&t, a, LOYALTY_ENTRY_REDEEM_CANCEL, rec->r.points, 0, 0, at, key, rec->r.reward, code,
		                  NULL);
		if (rc == LOYALTY_OK && repaid_all > 0)
			rc = ly_txn_entry(&t, a, LOYALTY_ENTRY_DEBT_REPAY, -repaid_all, 0, -repaid_all, at, key, code,
			                  "debt repaid", NULL);
		if (rc != LOYALTY_OK)
			goto done;
	}
	ri = find_reward(p, rec->r.reward);
	if (ri >= 0 && ly_txn_stock(&t, (size_t)ri) >= 0)
		rc = ly_txn_set_stock(&t, (size_t)ri, ly_txn_stock(&t, (size_t)ri) + 1);
	if (rc != LOYALTY_OK)
		goto done;
	rec->r.cancelled = 1;
	t.idem->id = rec->r.id;
	if (out)
		*out = rec->r;
	rc = ly_txn_put_redemption(&t, rec);
	rec = NULL;
	if (rc == LOYALTY_OK)
		rc = ly_txn_commit(&t);
done:
	ly_redemption_rec_free(rec);
	ly_bytes_free(&req);
	ly_txn_release(&t);
	ly_unlock(p);
	return ly_durable(p, rc);
}

LOYALTY_API int loyalty_program_get_redemption(const loyalty_program *p, const loyalty_id *redemption,
                                               loyalty_redemption *out)
{
	const ly_redemption_rec *r;
	int rc = LOYALTY_OK;

	LY_CHECK_NULL(p, "loyalty_program_get_redemption");
	LY_CHECK_NULL(redemption, "loyalty_program_get_redemption");
	LY_CHECK_NULL(out, "loyalty_program_get_redemption");
	ly_lock(p);
	r = p->store->ops->redemption(p->store, redemption);
	if (r == NULL)
		rc = ly_error(LOYALTY_ENOTFOUND, "loyalty_program_get_redemption: no such redemption");
	else
		*out = r->r;
	ly_unlock(p);
	return ly_durable(p, rc);
}

/* Spend from one customer for a donation, a transfer or a negative adjustment. */
static int simple_op(loyalty_program *p, const char *fn, const char *key, int op, ly_bytes *req,
                     const loyalty_id *customer, const loyalty_id *to, loyalty_entry_kind kind, loyalty_points pts,
                     const char *ref, const char *memo, loyalty_time at, loyalty_entry *out)
{
	const ly_idem *replay;
	loyalty_entry e;
	ly_account *a, *b;
	ly_draw *draws = NULL;
	size_t ndraws = 0;
	ly_txn t;
	int rc;

	ly_lock(p);
	ly_txn_init(&t, p);
	rc = begin(&t, fn, key, op, req, &replay);
	if (rc != LOYALTY_OK || replay != NULL) {
		if (rc == LOYALTY_OK && out)
			ly_idem_entry(replay, out);
		goto done;
	}
	if ((rc = account_for(&t, customer, &a, fn)) != LOYALTY_OK)
		goto done;
	if (pts < 0 || kind == LOYALTY_ENTRY_DONATE || kind == LOYALTY_ENTRY_TRANSFER_OUT) {
		loyalty_points amount = pts < 0 ? -pts : pts;
		rc = ly_acct_spend(a, amount, kind == LOYALTY_ENTRY_TRANSFER_OUT ? &draws : NULL, &ndraws);
		if (rc != LOYALTY_OK) {
			ly_error_prefix(fn);
			goto done;
		}
		rc = ly_txn_entry(&t, a, kind, -amount, 0, 0, at, key, ref, memo, &e);
	} else {
		rc = ly_credit(&t, a, kind, pts, at, 0, key, ref, memo, &e);
	}
	if (rc != LOYALTY_OK)
		goto done;
	if (kind == LOYALTY_ENTRY_TRANSFER_OUT) {
		char text[LOYALTY_ID_STRLEN + 1];
		loyalty_points repaid;
		loyalty_id_format(customer, text, sizeof text);
		if ((rc = account_for(&t, to, &b, fn)) != LOYALTY_OK)
			goto done;
		/* the points keep their expiry dates: passing them back and forth must not
		 * keep them alive (their buckets' id is the TRANSFER_IN entry, as for a credit) */
		rc = put_draws(p, b, draws, ndraws, t.next_seq, at, &repaid);
		if (rc == LOYALTY_OK)
			rc = ly_txn_entry(&t, b, LOYALTY_ENTRY_TRANSFER_IN, pts, 0, 0, at, key, text, memo, NULL);
		if (rc == LOYALTY_OK && repaid > 0)
			rc = ly_txn_entry(&t, b, LOYALTY_ENTRY_DEBT_REPAY, -repaid, 0, -repaid, at, key, text, "debt repaid",
			                  NULL);
		if (rc != LOYALTY_OK)
			goto done;
	}
	rc = ly_idem_set_entry(t.idem, &e);
	if (rc == LOYALTY_OK)
		rc = ly_txn_commit(&t);
	if (rc == LOYALTY_OK && out)
		*out = e;
done:
	free(draws);
	ly_bytes_free(req);
	ly_txn_release(&t);
	ly_unlock(p);
	return ly_durable(p, rc);
}

LOYALTY_API int loyalty_program_donate(loyalty_program *p, const char *key, const loyalty_id *customer,
                                       const char *cause, loyalty_points points, loyalty_time at,
                                       loyalty_entry *out)
{
	static const char fn[] = "loyalty_program_donate";
	ly_bytes req = { 0 };

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(key, fn);
	LY_CHECK_NULL(customer, fn);
	LY_CHECK_NULL(cause, fn);
	if (!ly_is_ident(cause, LOYALTY_NAME_ID_MAX))
		return ly_error(LOYALTY_EINVAL, "%s: cause must be 1..%d bytes of [A-Za-z0-9_.-]", fn, LOYALTY_NAME_ID_MAX);
	if (points <= 0)
		return ly_error(LOYALTY_EINVAL, "%s: points must be > 0", fn);
	ly_bytes_raw(&req, customer->bytes, 16);
	ly_bytes_str(&req, cause);
	ly_bytes_i64(&req, points);
	ly_bytes_i64(&req, at);
	return simple_op(p, fn, key, LY_OP_DONATE, &req, customer, NULL, LOYALTY_ENTRY_DONATE, points, cause,
	                 "donation", at, out);
}

LOYALTY_API int loyalty_program_transfer(loyalty_program *p, const char *key, const loyalty_id *from,
                                         const loyalty_id *to, loyalty_points points, loyalty_time at)
{
	static const char fn[] = "loyalty_program_transfer";
	char text[LOYALTY_ID_STRLEN + 1];
	ly_bytes req = { 0 };

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(key, fn);
	LY_CHECK_NULL(from, fn);
	LY_CHECK_NULL(to, fn);
	if (points <= 0)
		return ly_error(LOYALTY_EINVAL, "%s: points must be > 0", fn);
	if (loyalty_id_compare(from, to) == 0)
		return ly_error(LOYALTY_EINVAL, "%s: from and to are the same customer", fn);
	ly_bytes_raw(&req, from->bytes, 16);
	ly_bytes_raw(&req, to->bytes, 16);
	ly_bytes_i64(&req, points);
	ly_bytes_i64(&req, at);
	loyalty_id_format(to, text, sizeof text);
	return simple_op(p, fn, key, LY_OP_TRANSFER, &req, from, to, LOYALTY_ENTRY_TRANSFER_OUT, points, text,
	                 "transfer", at, NULL);
}

LOYALTY_API int loyalty_program_adjust(loyalty_program *p, const char *key, const loyalty_id *customer,
                                       loyalty_points points, const char *reason, loyalty_time at,
                                       loyalty_entry *out)
{
	static const char fn[] = "loyalty_program_adjust";
	ly_bytes req = { 0 };

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(key, fn);
	LY_CHECK_NULL(customer, fn);
	LY_CHECK_NULL(reason, fn);
	if (points == 0 || points == INT64_MIN)
		return ly_error(LOYALTY_EINVAL, "%s: points must be non-zero", fn);
	if (!ly_is_text(reason, LOYALTY_MEMO_MAX) || reason[0] == '\0')
		return ly_error(LOYALTY_EINVAL, "%s: reason must be 1..%d bytes of text", fn, LOYALTY_MEMO_MAX);
	ly_bytes_raw(&req, customer->bytes, 16);
	ly_bytes_i64(&req, points);
	ly_bytes_str(&req, reason);
	ly_bytes_i64(&req, at);
	return simple_op(p, fn, key, LY_OP_ADJUST, &req, customer, NULL, LOYALTY_ENTRY_ADJUST, points, "", reason, at,
	                 out);
}

LOYALTY_API int loyalty_program_assign_tier(loyalty_program *p, const char *key, const loyalty_id *customer,
                                            const char *tier, loyalty_time until, loyalty_time at)
{
	static const char fn[] = "loyalty_program_assign_tier";
	const ly_idem *replay;
	ly_bytes req = { 0 };
	ly_account *a;
	int ti, rc;
	ly_txn t;

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(key, fn);
	LY_CHECK_NULL(customer, fn);
	LY_CHECK_NULL(tier, fn);
	if (until <= at)
		return ly_error(LOYALTY_EINVAL, "%s: until must be after at", fn);
	ly_bytes_raw(&req, customer->bytes, 16);
	ly_bytes_str(&req, tier);
	ly_bytes_i64(&req, until);
	ly_bytes_i64(&req, at);
	ly_lock(p);
	ly_txn_init(&t, p);
	rc = begin(&t, fn, key, LY_OP_ASSIGN_TIER, &req, &replay);
	if (rc != LOYALTY_OK || replay != NULL)
		goto done;
	ti = ly_tier_index(p, tier);
	if (ti < 0) {
		rc = ly_error(LOYALTY_ENOTFOUND, "%s: no tier '%.64s'", fn, tier);
		goto done;
	}
	if ((rc = account_for(&t, customer, &a, fn)) != LOYALTY_OK)
		goto done;
	a->paid_tier = ti;
	a->paid_until = until;
	if (ti > a->tier)
		rc = ly_tier_set(&t, a, ti, at, key, "paid");
	if (rc == LOYALTY_OK)
		rc = ly_txn_commit(&t);
done:
	ly_bytes_free(&req);
	ly_txn_release(&t);
	ly_unlock(p);
	return ly_durable(p, rc);
}
