/*
 * libloyalty - earning: purchases, refunds, referrals, engagement actions,
 * partners; and the tier rules they trigger.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "program_internal.h"

int ly_round(const loyalty_program *p, ly_frac f, int64_t *out)
{
	return ly_frac_round(f, p->copts.rounding, out);
}

int ly_credit(ly_txn *t, ly_account *a, loyalty_entry_kind kind, loyalty_points pts, loyalty_time at,
              loyalty_time matures_at, const char *key, const char *ref, const char *memo, loyalty_entry *out)
{
	loyalty_points repaid, filled;
	int rc;

	rc = ly_acct_credit(t->p, a, t->next_seq, pts, at, matures_at, 0, &repaid, &filled);
	if (rc == LOYALTY_OK)
		rc = ly_txn_entry(t, a, kind, matures_at ? 0 : pts, matures_at ? pts : 0, 0, at, key, ref, memo, out);
	if (rc == LOYALTY_OK && repaid > 0)
		rc = ly_txn_entry(t, a, LOYALTY_ENTRY_DEBT_REPAY, -repaid, 0, -repaid, at, key, ref, "debt repaid", NULL);
	return rc;
}

/* ---- tiers -------------------------------------------------------------------------- */

int ly_tier_for(const loyalty_program *p, int64_t metric)
{
	int tier = -1;

	for (size_t i = 0; i < p->ntiers; i++)
		if (metric >= p->tiers[i].threshold)
			tier = (int)i;
	return tier;
}

int ly_tier_set(ly_txn *t, ly_account *a, int tier, loyalty_time at, const char *key, const char *why)
{
	const loyalty_program *p = t->p;
	char memo[LOYALTY_MEMO_MAX + 1];
	const char *from = a->tier >= 0 ? p->tiers[a->tier].name : "none";
	const char *to = tier >= 0 ? p->tiers[tier].name : "none";
	int rc;

	if (tier == a->tier)
		return LOYALTY_OK;
	snprintf(memo, sizeof memo, "%s -> %s (%s)", from, to, why);
	rc = ly_acct_own_profile(a); /* the tier name is one of the shared strings */
	if (rc == LOYALTY_OK)
		rc = loyalty_customer_set_tier(a->c, tier >= 0 ? p->tiers[tier].name : NULL);
	if (rc == LOYALTY_OK)
		rc = ly_txn_entry(t, a, LOYALTY_ENTRY_TIER, 0, 0, 0, at, key, to, memo, NULL);
	if (rc == LOYALTY_OK)
		a->tier = tier;
	return rc;
}

/* After an event at @p at: upgrade at once when the metric reaches a higher tier. */
int ly_tier_upgrade(ly_txn *t, ly_account *a, loyalty_time at, const char *key)
{
	int target = ly_tier_for(t->p, ly_acct_metric(t->p, a, at));

	if (target >= a->tier)
		a->below_since = 0;
	if (target > a->tier)
		return ly_tier_set(t, a, target, at, key, "qualified");
	return LOYALTY_OK;
}

/* ---- purchases ---------------------------------------------------------------------------- */

static uint8_t *put_le64(uint8_t *d, int64_t v)
{
	for (int i = 0; i < 8; i++)
		d[i] = (uint8_t)((uint64_t)v >> (8 * i));
	return d + 8;
}

static uint8_t *put_lstr(uint8_t *d, const char *s, size_t n)
{
	d = put_le64(d, (int64_t)n);
	memcpy(d, s, n);
	return d + n;
}

/* The canonical request: the bytes ly_bytes_str / ly_bytes_i64 / ly_bytes_raw would write, sized
 * first and written in one pass. */
static void purchase_request(ly_bytes *b, const loyalty_purchase *pu)
{
	size_t kl = strlen(pu->key), cl = strlen(pu->currency), chl = strlen(pu->channel), need;
	uint8_t *d;

	need = 8 + kl + 16 + 8 + 8 + cl + 8 + chl + 8;
	for (size_t i = 0; i < pu->count; i++)
		need += 8 + strlen(pu->items[i].sku) + 8 + strlen(pu->items[i].product_type) + 16;
	if (!ly_bytes_reserve(b, need))
		return;
	d = b->data + b->len;
	d = put_lstr(d, pu->key, kl);
	memcpy(d, pu->customer_id.bytes, 16);
	d += 16;
	d = put_le64(d, pu->at);
	d = put_lstr(d, pu->currency, cl);
	d = put_lstr(d, pu->channel, chl);
	d = put_le64(d, (int64_t)pu->count);
	for (size_t i = 0; i < pu->count; i++) {
		d = put_lstr(d, pu->items[i].sku, strlen(pu->items[i].sku));
		d = put_lstr(d, pu->items[i].product_type, strlen(pu->items[i].product_type));
		d = put_le64(d, pu->items[i].quantity);
		d = put_le64(d, pu->items[i].unit_price);
	}
	b->len = (size_t)(d - b->data);
}

static int pay_referral(ly_txn *t, ly_account *a, loyalty_time at, const char *key)
{
	loyalty_program *p = t->p;
	ly_account *referrer;
	int rc = LOYALTY_OK;

	a->referral_paid = true;
	if (p->opts.referee_bonus > 0)
		rc = ly_credit(t, a, LOYALTY_ENTRY_REFERRAL, p->opts.referee_bonus, at, 0, key, "referee",
		               "welcome bonus for joining by referral", NULL);
	if (rc != LOYALTY_OK)
		return rc;
	rc = ly_txn_account(t, &a->referrer, &referrer);
	if (rc != LOYALTY_OK)
		return rc;
	if (p->opts.referral_max_per_referrer > 0 && referrer->referrals_paid >= p->opts.referral_max_per_referrer)
		return LOYALTY_OK; /* the referrer's cap is reached: only the referee is paid */
	referrer->referrals_paid++;
	if (p->opts.referrer_bonus > 0) {
		char text[LOYALTY_ID_STRLEN + 1];
		loyalty_id_format(&a->c->id, text, sizeof text);
		rc = ly_credit(t, referrer, LOYALTY_ENTRY_REFERRAL, p->opts.referrer_bonus, at, 0, key, text,
		               "bonus for referring a customer", NULL);
	}
	return rc;
}

/* What a recorded purchase gives back, for the batch calls. */
static void result_ok(loyalty_record_result *res, const loyalty_receipt *r, bool replayed)
{
	if (res == NULL)
		return;
	res->status = LOYALTY_OK;
	res->replayed = replayed;
	res->credited = r->credited;
	res->entry_seq = r->entry_seq;
	res->message[0] = '\0';
}

/*
 * Record @p pu in @p t (under the program lock), without committing. On success *out, if @p out
 * is not NULL, is the new receipt (the caller hands it out once the transaction commits), and
 * *replayed says whether the key was already recorded (then @p t is left empty).
 */
static int record_in(ly_txn *t, const loyalty_purchase *pu, loyalty_receipt **out, loyalty_record_result *res,
                     bool *replayed)
{
	static const char fn[] = "loyalty_program_record_purchase";
	loyalty_program *p = t->p;
	loyalty_calc_context ctx = LOYALTY_CALC_CONTEXT_INIT;
	loyalty_receipt *r = NULL;
	ly_purchase_rec *rec = NULL;
	const ly_idem *replay;
	uint8_t small[512];
	ly_bytes req = { small, 0, sizeof small, false, true };
	ly_account *a;
	loyalty_points credited;
	loyalty_time matures = 0;
	uint64_t earn_seq;
	int rc;

	*replayed = false;
	purchase_request(&req, pu);
	if (req.failed) {
		ly_bytes_free(&req);
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	}
	rc = ly_idem_begin(t, fn, pu->key, LY_OP_PURCHASE, req.data, req.len, &replay);
	ly_bytes_free(&req);
	if (rc != LOYALTY_OK)
		return rc;
	if (replay != NULL) {
		*replayed = true;
		result_ok(res, replay->receipt, true);
		return out ? loyalty_receipt_clone(out, replay->receipt) : LOYALTY_OK;
	}
	rc = ly_txn_account(t, &pu->customer_id, &a);
	if (rc != LOYALTY_OK) {
		ly_error_prefix(fn);
		goto done;
	}
	/* earn at the tier held before the purchase */
	ctx.first_purchase = !a->purchased;
	rc = loyalty_calculator_compute(p->calc, a->c, pu, &ctx, &r);
	if (rc != LOYALTY_OK)
		goto done;
	if (r->points < 0) {
		rc = ly_error(LOYALTY_ERANGE, "%s: the calculator computed %lld points; a purchase cannot earn less than 0",
		              fn, (long long)r->points);
		goto done;
	}
	credited = r->points;
	if (p->opts.cap_per_purchase > 0 && credited > p->opts.cap_per_purchase)
		credited = p->opts.cap_per_purchase;
	if (p->opts.cap_per_period > 0) {
		int64_t *used;
		rc = ly_acct_counter(a, "", ly_period_index(p->opts.cap_period, pu->at, p->copts.utc_offset_minutes), &used);
		if (rc != LOYALTY_OK)
			goto done;
		if (credited > p->opts.cap_per_period - *used)
			credited = p->opts.cap_per_period - *used > 0 ? p->opts.cap_per_period - *used : 0;
		*used += credited;
	}
	/* nothing credited (caps, or a purchase that earns nothing): no EARN entry, nothing held,
	 * and the receipt's entry_seq is 0 (receipt.h) */
	if (p->opts.pending_days > 0 && credited > 0)
		matures = pu->at + (int64_t)p->opts.pending_days * LOYALTY_MS_PER_DAY;
	earn_seq = credited > 0 ? t->next_seq : 0;
	if (credited > 0) {
		rc = ly_credit(t, a, LOYALTY_ENTRY_EARN, credited, pu->at, matures, pu->key, pu->key, "purchase", NULL);
		if (rc != LOYALTY_OK)
			goto done;
	}
	rc = ly_acct_add_metric(p, a, pu->at, p->opts.tier_metric == LOYALTY_TIER_BY_SPEND ? r->eligible_spend : credited);
	if (rc != LOYALTY_OK)
		goto done;
	rec = calloc(1, sizeof *rec);
	if (rec == NULL || (rec->key = ly_strdup(pu->key)) == NULL) {
		ly_purchase_rec_free(rec);
		rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
		goto done;
	}
	rec->customer = pu->customer_id;
	rec->at = pu->at;
	rec->total = pu->total;
	rec->eligible = r->eligible_spend;
	rec->credited = credited;
	rec->metric = p->opts.tier_metric == LOYALTY_TIER_BY_SPEND ? r->eligible_spend : credited;
	rec->earn_seq = earn_seq;
	rc = ly_txn_put_purchase(t, rec);
	if (rc != LOYALTY_OK)
		goto done;
	a->purchased = true;
	if (pu->at > a->last_activity)
		a->last_activity = pu->at;
	if (a->has_referrer && !a->referral_paid && r->eligible_spend >= p->opts.referral_min_spend) {
		rc = pay_referral(t, a, pu->at, pu->key);
		if (rc != LOYALTY_OK)
			goto done;
	}
	rc = ly_tier_upgrade(t, a, pu->at, pu->key);
	if (rc != LOYALTY_OK)
		goto done;
	r->recorded = true;
	r->credited = credited;
	r->capped = r->points - credited;
	r->pending_until = matures;
	r->entry_seq = earn_seq;
	rc = loyalty_receipt_clone(&t->idem->receipt, r);
	if (rc != LOYALTY_OK)
		goto done;
	result_ok(res, r, false);
	if (out) {
		*out = r;
		r = NULL;
	}
done:
	loyalty_receipt_free(r);
	return rc;
}

static int record_one(loyalty_program *p, const loyalty_purchase *pu, loyalty_receipt **receipt)
{
	loyalty_receipt *r = NULL;
	bool replayed;
	ly_txn t;
	int rc;

	ly_lock(p);
	ly_txn_init(&t, p);
	rc = record_in(&t, pu, receipt ? &r : NULL, NULL, &replayed);
	if (rc == LOYALTY_OK && !replayed)
		rc = ly_txn_commit(&t);
	if (rc == LOYALTY_OK && receipt) {
		*receipt = r;
		r = NULL;
	}
	ly_txn_release(&t);
	ly_unlock(p);
	loyalty_receipt_free(r);
	return ly_durable(p, rc);
}

LOYALTY_API int loyalty_program_record_purchase(loyalty_program *p, const loyalty_purchase *purchase,
                                                loyalty_receipt **receipt)
{
	LY_CHECK_NULL(p, "loyalty_program_record_purchase");
	LY_CHECK_NULL(purchase, "loyalty_program_record_purchase");
	return record_one(p, purchase, receipt);
}

/* ---- batches ------------------------------------------------------------------------------ */

static void result_error(loyalty_record_result *res, int rc)
{
	res->status = rc;
	res->replayed = 0;
	res->credited = 0;
	res->entry_seq = 0;
	snprintf(res->message, sizeof res->message, "%s", loyalty_last_error());
}

/* Where a batch's purchases come from: an array, or columns turned into purchases one by one. */
typedef struct batch_src {
	const loyalty_purchase *const *purchases;
	const loyalty_record_columns *cols;
	const char *fn;
} batch_src;

static int columns_purchase(const loyalty_record_columns *c, size_t i, loyalty_purchase **out)
{
	static const char fn[] = "loyalty_program_record_columns";
	loyalty_purchase *pu;
	int rc;

	if (c->line_start[i] > c->line_start[i + 1])
		return ly_error(LOYALTY_EINVAL, "%s: line_start[%zu] > line_start[%zu]", fn, i, i + 1);
	rc = loyalty_purchase_new(&pu, c->keys[i], &c->customers[i], c->at[i], c->currency);
	if (rc != LOYALTY_OK)
		return rc;
	if (c->channel != NULL && (rc = loyalty_purchase_set_channel(pu, c->channel)) != LOYALTY_OK) {
		loyalty_purchase_free(pu);
		return rc;
	}
	for (size_t l = c->line_start[i]; l < c->line_start[i + 1]; l++) {
		if (c->line_type[l] >= c->ntypes) {
			loyalty_purchase_free(pu);
			return ly_error(LOYALTY_EINVAL, "%s: line %zu: line_type %u, but there are %zu type names", fn, l,
			                (unsigned)c->line_type[l], c->ntypes);
		}
		rc = loyalty_purchase_add_item(pu, c->skus ? c->skus[l] : c->type_names[c->line_type[l]],
		                               c->type_names[c->line_type[l]],
		                               c->quantity[l], c->unit_price[l]);
		if (rc != LOYALTY_OK) {
			loyalty_purchase_free(pu);
			return rc;
		}
	}
	*out = pu;
	return LOYALTY_OK;
}

/*
 * The batch, under one lock. A durable program: each purchase runs in its own sub-transaction
 * over the batch's working copies; one that fails is dropped with its own status and message,
 * one that succeeds is merged into the batch; then the batch commits once: one journal record,
 * one write, one fsync (by the sync policy). In memory: each purchase commits in turn.
 */
static int record_batch(loyalty_program *p, const batch_src *src, size_t n, loyalty_record_result *results,
                        loyalty_receipt **receipts)
{
	ly_bytes body = { 0 };
	size_t merged = 0;
	int rc, first = LOYALTY_OK;
	ly_txn t;

	if (receipts)
		for (size_t i = 0; i < n; i++)
			receipts[i] = NULL;
	ly_lock(p);
	ly_txn_init(&t, p);
	rc = ly_txn_make_batch(&t);
	if (rc == LOYALTY_OK && p->journal != NULL)
		rc = ly_batch_body_init(&body);
	if (rc != LOYALTY_OK) {
		for (size_t i = 0; i < n; i++)
			result_error(&results[i], rc);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const loyalty_purchase *pu = src->purchases ? src->purchases[i] : NULL;
		loyalty_purchase *built = NULL;
		loyalty_receipt *r = NULL;
		bool replayed = false;
		size_t body_len;
		ly_txn sub;
		if (src->cols != NULL) {
			rc = columns_purchase(src->cols, i, &built);
			pu = built;
		} else if (pu == NULL) {
			rc = ly_error(LOYALTY_EINVAL, "%s: purchases[%zu] is NULL", src->fn, i);
		} else {
			rc = LOYALTY_OK;
		}
		if (p->journal == NULL) {
			/* in memory there is no record to share: each purchase commits on its own, still under
			 * the one lock (so no other call sees the batch half done), and a failed commit fails
			 * only its purchase */
			ly_txn_init(&sub, p);
			if (rc == LOYALTY_OK)
				rc = record_in(&sub, pu, receipts ? &r : NULL, &results[i], &replayed);
			if (rc == LOYALTY_OK && !replayed)
				rc = ly_txn_commit(&sub);
			ly_txn_release(&sub);
			loyalty_purchase_free(built);
			if (rc != LOYALTY_OK) {
				result_error(&results[i], rc);
				loyalty_receipt_free(r);
			} else if (receipts) {
				receipts[i] = r;
			}
			continue;
		}
		ly_txn_init_sub(&sub, &t);
		if (rc == LOYALTY_OK)
			rc = record_in(&sub, pu, receipts ? &r : NULL, &results[i], &replayed);
		body_len = body.len;
		if (rc == LOYALTY_OK && !replayed && p->journal != NULL) {
			ly_enc e;
			ly_enc_init(&e);
			rc = ly_encode_txn(&e, &sub);
			if (rc == LOYALTY_OK)
				rc = ly_batch_body_add(&body, e.data, e.len);
			else
				rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory encoding the journal record", src->fn);
			ly_enc_free(&e);
		}
		if (rc == LOYALTY_OK && !replayed) {
			rc = ly_txn_merge(&t, &sub);
			if (rc == LOYALTY_OK)
				merged++;
			else if (p->journal != NULL) /* the record must not hold what the batch does not */
				ly_batch_body_undo(&body, body_len);
		}
		ly_txn_release(&sub);
		loyalty_purchase_free(built);
		if (rc != LOYALTY_OK) {
			result_error(&results[i], rc);
			loyalty_receipt_free(r);
		} else if (receipts) {
			receipts[i] = r;
		}
	}
	rc = merged ? ly_txn_commit_batch(&t, body.data, body.len) : LOYALTY_OK;
done:
	ly_bytes_free(&body);
	ly_txn_release(&t);
	ly_unlock(p);
	/* acknowledged only once the batch's record is durable (by the sync policy) */
	rc = ly_durable(p, rc);
	if (rc != LOYALTY_OK) {
		/* the batch was not recorded (or may not be durable): every purchase of it reports so,
		 * replays included (a key first seen in this batch was not recorded either) */
		for (size_t i = 0; i < n; i++) {
			if (results[i].status == LOYALTY_OK) {
				result_error(&results[i], rc);
				if (receipts) {
					loyalty_receipt_free(receipts[i]);
					receipts[i] = NULL;
				}
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		if (results[i].status != LOYALTY_OK && first == LOYALTY_OK)
			first = results[i].status;
	return first;
}

LOYALTY_API int loyalty_program_record_batch(loyalty_program *p, const loyalty_purchase *const *purchases, size_t n,
                                             loyalty_record_result *results, loyalty_receipt **receipts)
{
	batch_src src = { purchases, NULL, "loyalty_program_record_batch" };

	LY_CHECK_NULL(p, src.fn);
	LY_CHECK_NULL(results, src.fn);
	if (n > 0 && purchases == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: purchases is NULL", src.fn);
	return record_batch(p, &src, n, results, receipts);
}

LOYALTY_API int loyalty_program_record_columns(loyalty_program *p, const loyalty_record_columns *cols,
                                               loyalty_record_result *results)
{
	static const char fn[] = "loyalty_program_record_columns";
	batch_src src = { NULL, cols, fn };

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(cols, fn);
	LY_CHECK_NULL(results, fn);
	if (cols->version != LOYALTY_RECORD_COLUMNS_VERSION)
		return ly_error(LOYALTY_EINVAL, "%s: cols.version %u unknown", fn, cols->version);
	if (cols->n > 0 && (cols->keys == NULL || cols->customers == NULL || cols->at == NULL ||
	                    cols->line_start == NULL || cols->currency == NULL))
		return ly_error(LOYALTY_EINVAL, "%s: keys, customers, at, line_start and currency are required", fn);
	if (cols->n > 0 && cols->line_start[cols->n] > cols->line_start[0] &&
	    (cols->line_type == NULL || cols->type_names == NULL || cols->quantity == NULL || cols->unit_price == NULL))
		return ly_error(LOYALTY_EINVAL, "%s: line_type, type_names, quantity and unit_price are required", fn);
	return record_batch(p, &src, cols->n, results, NULL);
}

LOYALTY_API int loyalty_program_record_purchases(loyalty_program *p, const loyalty_purchase *const *purchases,
                                                 size_t n, int *status, loyalty_receipt **receipts)
{
	int first = LOYALTY_OK;

	LY_CHECK_NULL(p, "loyalty_program_record_purchases");
	LY_CHECK_NULL(status, "loyalty_program_record_purchases");
	if (n > 0 && purchases == NULL)
		return ly_error(LOYALTY_EINVAL, "loyalty_program_record_purchases: purchases is NULL");
	for (size_t i = 0; i < n; i++) {
		if (receipts)
			receipts[i] = NULL;
		if (purchases[i] == NULL)
			status[i] = ly_error(LOYALTY_EINVAL, "loyalty_program_record_purchases: purchases[%zu] is NULL", i);
		else
			status[i] = record_one(p, purchases[i], receipts ? &receipts[i] : NULL);
		if (status[i] != LOYALTY_OK && first == LOYALTY_OK)
			first = status[i];
	}
	return first;
}

/* ---- refunds -------------------------------------------------------------------------- */

LOYALTY_API int loyalty_program_refund(loyalty_program *p, const char *refund_key, const char *purchase_key,
                                       int64_t amount, loyalty_time at, loyalty_refund_result *out)
{
	static const char fn[] = "loyalty_program_refund";
	const ly_purchase_rec *cur;
	ly_purchase_rec *rec = NULL;
	loyalty_refund_result res;
	const ly_idem *replay;
	ly_bytes req = { 0 };
	ly_account *a;
	int64_t target, before, after, refunded;
	loyalty_points claw, from_pending = 0, rest, taken, debt_added = 0, points;
	char memo[LOYALTY_MEMO_MAX + 1];
	ly_txn t;
	int rc;

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(refund_key, fn);
	LY_CHECK_NULL(purchase_key, fn);
	if (amount <= 0)
		return ly_error(LOYALTY_EINVAL, "%s: amount must be > 0 (got %lld)", fn, (long long)amount);
	ly_bytes_str(&req, purchase_key);
	ly_bytes_i64(&req, amount);
	ly_bytes_i64(&req, at);
	if (req.failed) {
		ly_bytes_free(&req);
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	}
	ly_lock(p);
	ly_txn_init(&t, p);
	rc = ly_idem_begin(&t, fn, refund_key, LY_OP_REFUND, req.data, req.len, &replay);
	ly_bytes_free(&req);
	if (rc != LOYALTY_OK || replay != NULL) {
		if (rc == LOYALTY_OK && out)
			*out = replay->refund;
		goto done;
	}
	cur = p->store->ops->purchase(p->store, purchase_key);
	if (cur == NULL) {
		rc = ly_error(LOYALTY_ENOTFOUND, "%s: no purchase '%.128s'", fn, purchase_key);
		goto done;
	}
	if (at < cur->at) {
		rc = ly_error(LOYALTY_EINVAL, "%s: the refund (at %lld) is dated before the purchase (at %lld)", fn,
		              (long long)at, (long long)cur->at);
		goto done;
	}
	if (!ly_add64(cur->refunded, amount, &refunded) || refunded > cur->total) {
		rc = ly_error(LOYALTY_ERANGE, "%s: refunding %lld exceeds the %lld left of purchase '%s'", fn,
		              (long long)amount, (long long)(cur->total - cur->refunded), purchase_key);
		goto done;
	}
	rec = ly_purchase_rec_clone(cur);
	if (rec == NULL) {
		rc = ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
		goto done;
	}
	/* cumulative proportion, rounded once per step: a full refund takes exactly what was credited */
	{
		ly_frac f;
		if (ly_frac_make((ly_i128)rec->credited * refunded, rec->total, &f) != LOYALTY_OK ||
		    ly_round(p, f, &target) != LOYALTY_OK) {
			rc = ly_error(LOYALTY_ERANGE, "%s: overflow", fn);
			goto done;
		}
	}
	claw = target - rec->clawed;
	rc = ly_txn_account(&t, &rec->customer, &a);
	if (rc == LOYALTY_OK)
		rc = ly_acct_own(a); /* its buckets change in place below */
	if (rc != LOYALTY_OK)
		goto done;
	/* pending points of this purchase go first */
	for (size_t i = 0; i < a->nbuckets && claw > 0; i++) {
		ly_bucket *b = &a->buckets[i];
		if (b->id == rec->earn_seq && b->matures_at != 0) {
			from_pending = b->amount < claw ? b->amount : claw;
			b->amount -= from_pending;
			if (b->amount == 0) {
				a->buckets[i] = a->buckets[--a->nbuckets];
			}
			break;
		}
	}
	rest = claw - from_pending;
	if (p->opts.refund_policy == LOYALTY_REFUND_DEBT) {
		loyalty_points can = a->c->available > 0 ? a->c->available : 0;
		taken = ly_acct_take(a, rest < can ? rest : can, rec->earn_seq);
		debt_added = rest - taken;
		points = -taken;
	} else {
		ly_acct_take(a, rest, rec->earn_seq);
		points = -rest;
	}
	snprintf(memo, sizeof memo, "refund of %lld of %lld", (long long)amount, (long long)rec->total);
	res.entry_seq = t.next_seq;
	rc = ly_txn_entry(&t, a, LOYALTY_ENTRY_REFUND, points, -from_pending, debt_added, at, refund_key, purchase_key,
	                  memo, NULL);
	if (rc != LOYALTY_OK)
		goto done;
	/* the tier metric loses the refunded share, in the window of the purchase */
	{
		ly_frac fb, fa;
		if (p->opts.tier_metric == LOYALTY_TIER_BY_SPEND) {
			if (ly_frac_make((ly_i128)rec->eligible * rec->refunded, rec->total, &fb) != LOYALTY_OK ||
			    ly_frac_make((ly_i128)rec->eligible * refunded, rec->total, &fa) != LOYALTY_OK ||
			    ly_frac_round(fb, LOYALTY_ROUND_FLOOR, &before) != LOYALTY_OK ||
			    ly_frac_round(fa, LOYALTY_ROUND_FLOOR, &after) != LOYALTY_OK) {
				rc = ly_error(LOYALTY_ERANGE, "%s: overflow", fn);
				goto done;
			}
		} else {
			before = rec->clawed;
			after = target;
		}
		rc = ly_acct_add_metric(p, a, rec->at, -(after - before));
		if (rc != LOYALTY_OK)
			goto done;
	}
	rec->refunded = refunded;
	rec->clawed = target;
	res.clawed_back = claw;
	res.from_pending = from_pending;
	res.debt_added = debt_added;
	res.refunded_total = refunded;
	rc = ly_txn_put_purchase(&t, rec);
	rec = NULL;
	if (rc != LOYALTY_OK)
		goto done;
	t.idem->refund = res;
	rc = ly_txn_commit(&t);
	if (rc == LOYALTY_OK && out)
		*out = res;
done:
	ly_purchase_rec_free(rec);
	ly_txn_release(&t);
	ly_unlock(p);
	return ly_durable(p, rc);
}

/* ---- actions, partners, referrers ------------------------------------------------------ */

/* Common frame of the single-customer, single-entry operations. */
static int begin_simple(loyalty_program *p, ly_txn *t, const char *fn, const char *key, int op, ly_bytes *req,
                        loyalty_entry *out, bool *replayed)
{
	const ly_idem *replay;
	int rc;

	*replayed = false;
	if (req->failed)
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	rc = ly_idem_begin(t, fn, key, op, req->data, req->len, &replay);
	if (rc == LOYALTY_OK && replay != NULL) {
		*replayed = true;
		if (out)
			ly_idem_entry(replay, out);
	}
	(void)p;
	return rc;
}

LOYALTY_API int loyalty_program_record_action(loyalty_program *p, const char *key, const loyalty_id *customer,
                                              const char *action, loyalty_time at, loyalty_entry *out)
{
	static const char fn[] = "loyalty_program_record_action";
	const ly_action *act = NULL;
	ly_bytes req = { 0 };
	loyalty_entry e;
	ly_account *a;
	bool replayed;
	ly_txn t;
	int rc;

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(key, fn);
	LY_CHECK_NULL(customer, fn);
	LY_CHECK_NULL(action, fn);
	ly_bytes_raw(&req, customer->bytes, 16);
	ly_bytes_str(&req, action);
	ly_bytes_i64(&req, at);
	ly_lock(p);
	ly_txn_init(&t, p);
	rc = begin_simple(p, &t, fn, key, LY_OP_ACTION, &req, out, &replayed);
	if (rc != LOYALTY_OK || replayed)
		goto done;
	for (size_t i = 0; i < p->nactions; i++)
		if (strcmp(p->actions[i].name, action) == 0)
			act = &p->actions[i];
	if (act == NULL) {
		rc = ly_error(LOYALTY_ENOTFOUND, "%s: no action '%.64s'", fn, action);
		goto done;
	}
	rc = ly_txn_account(&t, customer, &a);
	if (rc != LOYALTY_OK) {
		ly_error_prefix(fn);
		goto done;
	}
	if (act->cap_count > 0) {
		int64_t *count;
		rc = ly_acct_counter(a, act->name, ly_period_index(act->cap_period, at, p->copts.utc_offset_minutes),
		                     &count);
		if (rc != LOYALTY_OK)
			goto done;
		if (*count >= act->cap_count) {
			static const char *const periods[] = { "", "day", "week", "month", "quarter", "year", "ever" };
			rc = ly_error(LOYALTY_ERANGE, "%s: '%s' is capped at %d per %s for this customer", fn, act->name,
			              act->cap_count, periods[act->cap_period]);
			goto done;
		}
		(*count)++;
	}
	rc = ly_credit(&t, a, LOYALTY_ENTRY_ACTION, act->points, at, 0, key, act->name, "engagement action", &e);
	if (rc != LOYALTY_OK)
		goto done;
	if (at > a->last_activity)
		a->last_activity = at;
	/* actions are not purchases: they never count toward tiers */
	rc = ly_idem_set_entry(t.idem, &e);
	if (rc == LOYALTY_OK)
		rc = ly_txn_commit(&t);
	if (rc == LOYALTY_OK && out)
		*out = e;
done:
	ly_bytes_free(&req);
	ly_txn_release(&t);
	ly_unlock(p);
	return ly_durable(p, rc);
}

LOYALTY_API int loyalty_program_credit_partner(loyalty_program *p, const char *key, const loyalty_id *customer,
                                               const char *partner, int64_t units, loyalty_time at,
                                               loyalty_entry *out)
{
	static const char fn[] = "loyalty_program_credit_partner";
	const ly_partner *pa = NULL;
	ly_bytes req = { 0 };
	char memo[LOYALTY_MEMO_MAX + 1], rate[48];
	loyalty_entry e;
	ly_account *a;
	int64_t pts;
	bool replayed;
	ly_frac f;
	ly_txn t;
	int rc;

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(key, fn);
	LY_CHECK_NULL(customer, fn);
	LY_CHECK_NULL(partner, fn);
	if (units <= 0)
		return ly_error(LOYALTY_EINVAL, "%s: units must be > 0 (got %lld)", fn, (long long)units);
	ly_bytes_raw(&req, customer->bytes, 16);
	ly_bytes_str(&req, partner);
	ly_bytes_i64(&req, units);
	ly_bytes_i64(&req, at);
	ly_lock(p);
	ly_txn_init(&t, p);
	rc = begin_simple(p, &t, fn, key, LY_OP_PARTNER, &req, out, &replayed);
	if (rc != LOYALTY_OK || replayed)
		goto done;
	for (size_t i = 0; i < p->npartners; i++)
		if (strcmp(p->partners[i].name, partner) == 0)
			pa = &p->partners[i];
	if (pa == NULL) {
		rc = ly_error(LOYALTY_ENOTFOUND, "%s: no partner '%.64s'", fn, partner);
		goto done;
	}
	if (ly_frac_mul(ly_frac_int(units), pa->rate, &f) != LOYALTY_OK || ly_round(p, f, &pts) != LOYALTY_OK) {
		rc = ly_error(LOYALTY_ERANGE, "%s: %lld units overflow at the partner's rate", fn, (long long)units);
		goto done;
	}
	rc = ly_txn_account(&t, customer, &a);
	if (rc != LOYALTY_OK) {
		ly_error_prefix(fn);
		goto done;
	}
	ly_frac_str(pa->rate, rate, sizeof rate);
	snprintf(memo, sizeof memo, "%lld units at %s", (long long)units, rate);
	rc = ly_credit(&t, a, LOYALTY_ENTRY_PARTNER, pts, at, 0, key, pa->name, memo, &e);
	if (rc != LOYALTY_OK)
		goto done;
	rc = ly_idem_set_entry(t.idem, &e);
	if (rc == LOYALTY_OK)
		rc = ly_txn_commit(&t);
	if (rc == LOYALTY_OK && out)
		*out = e;
done:
	ly_bytes_free(&req);
	ly_txn_release(&t);
	ly_unlock(p);
	return ly_durable(p, rc);
}

LOYALTY_API int loyalty_program_set_referrer(loyalty_program *p, const char *key, const loyalty_id *customer,
                                             const char *referral_code, loyalty_time at)
{
	static const char fn[] = "loyalty_program_set_referrer";
	const ly_account *ref;
	ly_bytes req = { 0 };
	ly_account *a;
	bool replayed;
	ly_txn t;
	int rc;

	LY_CHECK_NULL(p, fn);
	LY_CHECK_NULL(key, fn);
	LY_CHECK_NULL(customer, fn);
	LY_CHECK_NULL(referral_code, fn);
	ly_bytes_raw(&req, customer->bytes, 16);
	ly_bytes_str(&req, referral_code);
	ly_bytes_i64(&req, at);
	ly_lock(p);
	ly_txn_init(&t, p);
	rc = begin_simple(p, &t, fn, key, LY_OP_REFERRER, &req, NULL, &replayed);
	if (rc != LOYALTY_OK || replayed)
		goto done;
	rc = ly_txn_account(&t, customer, &a);
	if (rc != LOYALTY_OK) {
		ly_error_prefix(fn);
		goto done;
	}
	ref = p->store->ops->account_by_code(p->store, referral_code);
	if (ref == NULL)
		rc = ly_error(LOYALTY_ENOTFOUND, "%s: no customer has referral code '%.16s'", fn, referral_code);
	else if (loyalty_id_compare(&ref->c->id, customer) == 0 ||
	         (a->c->email[0] && strcmp(a->c->email, ref->c->email) == 0))
		rc = ly_error(LOYALTY_EINVAL, "%s: self-referral", fn);
	else if (a->has_referrer)
		rc = ly_error(LOYALTY_EDUPLICATE, "%s: the customer already has a referrer", fn);
	else if (a->purchased)
		rc = ly_error(LOYALTY_ESTATE, "%s: the customer has already purchased", fn);
	if (rc != LOYALTY_OK)
		goto done;
	a->has_referrer = true;
	a->referrer = ref->c->id;
	rc = ly_txn_entry(&t, a, LOYALTY_ENTRY_REFERRAL, 0, 0, 0, at, key, referral_code, "referrer set", NULL);
	if (rc == LOYALTY_OK)
		rc = ly_txn_commit(&t);
done:
	ly_bytes_free(&req);
	ly_txn_release(&t);
	ly_unlock(p);
	return ly_durable(p, rc);
}
