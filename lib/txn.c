/*
 * libloyalty - transactions over the store: working copies, entries,
 * records, idempotency, commit.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "program_internal.h"

void ly_lock(const loyalty_program *p)
{
	pthread_mutex_lock((pthread_mutex_t *)&p->lock);
}

void ly_unlock(const loyalty_program *p)
{
	pthread_mutex_unlock((pthread_mutex_t *)&p->lock);
}

void ly_txn_init(ly_txn *t, loyalty_program *p)
{
	memset(t, 0, sizeof *t);
	t->p = p;
	t->next_seq = p->store->ops->entry_count(p->store) + 1;
}

void ly_txn_release(ly_txn *t)
{
	for (size_t i = 0; i < t->naccounts; i++)
		ly_account_free(t->accounts[i].work);
	free(t->accounts);
	free(t->entries);
	for (size_t i = 0; i < t->npurchases; i++)
		ly_purchase_rec_free(t->purchases[i]);
	free(t->purchases);
	for (size_t i = 0; i < t->nredemptions; i++)
		ly_redemption_rec_free(t->redemptions[i]);
	free(t->redemptions);
	free(t->stock);
	ly_idem_free(t->idem);
	for (size_t i = 0; i < t->nidems; i++)
		ly_idem_free(t->idems[i]);
	free(t->idems);
	if (t->amap)
		ly_map_free(t->amap);
	if (t->kmap)
		ly_map_free(t->kmap);
	free(t->amap);
	free(t->kmap);
	memset(t, 0, sizeof *t);
}

int ly_txn_make_batch(ly_txn *t)
{
	t->amap = calloc(1, sizeof *t->amap);
	t->kmap = calloc(1, sizeof *t->kmap);
	if (t->amap == NULL || t->kmap == NULL)
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	return LOYALTY_OK;
}

void ly_txn_init_sub(ly_txn *sub, ly_txn *parent)
{
	memset(sub, 0, sizeof *sub);
	sub->p = parent->p;
	sub->parent = parent;
	sub->next_seq = parent->next_seq;
}

/* An operation touches an account or two and writes a few entries: arrays start with room for
 * 4 (an entry is ~500 bytes; ly_grow's first 16 made every purchase allocate 8 KiB), then double. */
#define TXN_FIRST 4
static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (*cap == 0 && need <= TXN_FIRST) {
		void *p = realloc(*arr, TXN_FIRST * elem);
		if (p == NULL)
			return ly_error(LOYALTY_ENOMEM, "out of memory");
		*arr = p;
		*cap = TXN_FIRST;
		return LOYALTY_OK;
	}
	return ly_grow(arr, cap, need, elem) == LOYALTY_OK ? LOYALTY_OK : ly_error(LOYALTY_ENOMEM, "out of memory");
}

static ly_account *txn_find(const ly_txn *t, const loyalty_id *id)
{
	if (t->amap != NULL) {
		uintptr_t v = (uintptr_t)ly_map_get(t->amap, id->bytes, sizeof id->bytes);
		return v ? t->accounts[v - 1].work : NULL;
	}
	for (size_t i = 0; i < t->naccounts; i++)
		if (memcmp(t->accounts[i].work->c->id.bytes, id->bytes, sizeof id->bytes) == 0)
			return t->accounts[i].work;
	return NULL;
}

/* The account as seen from @p t: its working copy, a batch's, or the committed one. */
static const ly_account *txn_current(const ly_txn *t, const loyalty_id *id)
{
	for (; t->parent != NULL; t = t->parent) {
		const ly_account *a = txn_find(t, id);
		if (a != NULL)
			return a;
	}
	const ly_account *a = txn_find(t, id);
	return a ? a : t->p->store->ops->account(t->p->store, id);
}

const ly_account *ly_txn_peek(ly_txn *t, const loyalty_id *id)
{
	return txn_current(t, id);
}

int ly_txn_account(ly_txn *t, const loyalty_id *id, ly_account **out)
{
	const ly_account *cur;
	ly_account *copy;
	char text[LOYALTY_ID_STRLEN + 1];

	if ((copy = txn_find(t, id)) != NULL) {
		*out = copy;
		return LOYALTY_OK;
	}
	cur = t->parent ? txn_current(t->parent, id) : t->p->store->ops->account(t->p->store, id);
	if (cur == NULL) {
		loyalty_id_format(id, text, sizeof text);
		return ly_error(LOYALTY_ENOTFOUND, "no customer %s", text);
	}
	if (grow((void **)&t->accounts, &t->capaccounts, t->naccounts + 1, sizeof *t->accounts))
		return LOYALTY_ENOMEM;
	copy = ly_account_clone(cur);
	if (copy == NULL)
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	t->accounts[t->naccounts].work = copy;
	t->accounts[t->naccounts].is_new = false;
	t->naccounts++;
	*out = copy;
	return LOYALTY_OK;
}

int ly_txn_add_account(ly_txn *t, ly_account *a)
{
	if (grow((void **)&t->accounts, &t->capaccounts, t->naccounts + 1, sizeof *t->accounts)) {
		ly_account_free(a);
		return LOYALTY_ENOMEM;
	}
	t->accounts[t->naccounts].work = a;
	t->accounts[t->naccounts].is_new = true;
	t->naccounts++;
	return LOYALTY_OK;
}

static void lifetime(ly_account *a, loyalty_entry_kind kind, loyalty_points total, loyalty_points debt)
{
	loyalty_customer *c = a->c;

	switch (kind) {
	case LOYALTY_ENTRY_REFUND: /* a clawback: what left the balances, and what became debt */
		c->lifetime_earned += total - debt;
		break;
	case LOYALTY_ENTRY_EARN:
	case LOYALTY_ENTRY_ACTION:
	case LOYALTY_ENTRY_PARTNER:
	case LOYALTY_ENTRY_REFERRAL:
		c->lifetime_earned += total;
		break;
	case LOYALTY_ENTRY_REDEEM:
	case LOYALTY_ENTRY_REDEEM_CANCEL:
	case LOYALTY_ENTRY_DONATE:
		c->lifetime_redeemed -= total;
		break;
	case LOYALTY_ENTRY_EXPIRE:
		c->lifetime_expired -= total;
		break;
	default:
		break;
	}
}

int ly_txn_entry(ly_txn *t, ly_account *a, loyalty_entry_kind kind, loyalty_points points, loyalty_points pending,
                 loyalty_points debt, loyalty_time at, const char *key, const char *ref, const char *memo,
                 loyalty_entry *out)
{
	loyalty_entry *e;
	int64_t avail, pend, dbt, total;

	if (!ly_add64(a->c->available, points, &avail) || !ly_add64(a->c->pending, pending, &pend) ||
	    !ly_add64(a->debt, debt, &dbt) || !ly_add64(points, pending, &total))
		return ly_error(LOYALTY_ERANGE, "balance overflows int64");
	if (grow((void **)&t->entries, &t->capentries, t->nentries + 1, sizeof *t->entries))
		return LOYALTY_ENOMEM;
	e = &t->entries[t->nentries];
	memset(e, 0, sizeof *e);
	e->seq = t->next_seq;
	ly_entry_id(t->p->id_seed, e->seq, &e->id);
	e->customer_id = a->c->id;
	e->kind = kind;
	e->points = points;
	e->pending = pending;
	e->debt = debt;
	e->available_after = avail;
	e->pending_after = pend;
	e->at = at;
	ly_copy_str(e->key, sizeof e->key, key);
	ly_copy_str(e->ref, sizeof e->ref, ref);
	ly_copy_str(e->memo, sizeof e->memo, memo);
	a->c->available = avail;
	a->c->pending = pend;
	a->debt = dbt;
	/* lifetime figures count what a kind adds to available + pending, except
	 * MATURE (a move) and DEBT_REPAY (repaying, not spending) */
	lifetime(a, kind, total, debt);
	t->nentries++;
	t->next_seq++;
	if (out)
		*out = *e;
	return LOYALTY_OK;
}

int ly_txn_put_purchase(ly_txn *t, ly_purchase_rec *r)
{
	for (size_t i = 0; !t->bulk && i < t->npurchases; i++) {
		if (strcmp(t->purchases[i]->key, r->key) == 0) {
			ly_purchase_rec_free(t->purchases[i]);
			t->purchases[i] = r;
			return LOYALTY_OK;
		}
	}
	if (grow((void **)&t->purchases, &t->cappurchases, t->npurchases + 1, sizeof *t->purchases)) {
		ly_purchase_rec_free(r);
		return LOYALTY_ENOMEM;
	}
	t->purchases[t->npurchases++] = r;
	return LOYALTY_OK;
}

int ly_txn_put_redemption(ly_txn *t, ly_redemption_rec *r)
{
	for (size_t i = 0; !t->bulk && i < t->nredemptions; i++) {
		if (memcmp(t->redemptions[i]->r.id.bytes, r->r.id.bytes, 16) == 0) {
			ly_redemption_rec_free(t->redemptions[i]);
			t->redemptions[i] = r;
			return LOYALTY_OK;
		}
	}
	if (grow((void **)&t->redemptions, &t->capredemptions, t->nredemptions + 1, sizeof *t->redemptions)) {
		ly_redemption_rec_free(r);
		return LOYALTY_ENOMEM;
	}
	t->redemptions[t->nredemptions++] = r;
	return LOYALTY_OK;
}

int64_t ly_txn_stock(ly_txn *t, size_t reward)
{
	for (const ly_txn *q = t; q != NULL; q = q->parent)
		for (size_t i = 0; i < q->nstock; i++)
			if (q->stock[i].reward == reward)
				return q->stock[i].stock;
	return t->p->rewards[reward].stock;
}

int ly_txn_set_stock(ly_txn *t, size_t reward, int64_t stock)
{
	for (size_t i = 0; i < t->nstock; i++) {
		if (t->stock[i].reward == reward) {
			t->stock[i].stock = stock;
			return LOYALTY_OK;
		}
	}
	if (grow((void **)&t->stock, &t->capstock, t->nstock + 1, sizeof *t->stock))
		return LOYALTY_ENOMEM;
	t->stock[t->nstock].reward = reward;
	t->stock[t->nstock].stock = stock;
	t->nstock++;
	return LOYALTY_OK;
}

/* Prepare, write the journal record (@p type: LY_REC_TXN encodes @p t; LY_REC_BATCH writes
 * @p body), then make the changes visible. */
static int commit(ly_txn *t, int type, const uint8_t *body, size_t len)
{
	loyalty_program *p = t->p;
	int rc = p->store->ops->prepare(p->store, t);

	if (rc != LOYALTY_OK)
		return ly_error(rc, "commit failed: %s", loyalty_strerror(rc));
	if (p->journal != NULL && !p->replaying) {
		/* the record is written before anything becomes visible */
		if (type == LY_REC_TXN) {
			ly_enc e;
			ly_enc_init(&e);
			rc = ly_encode_txn(&e, t);
			if (rc == LOYALTY_OK)
				rc = ly_journal_append(p, LY_REC_TXN, e.data, e.len);
			else
				rc = ly_error(LOYALTY_ENOMEM, "commit: out of memory encoding the journal record");
			ly_enc_free(&e);
		} else {
			rc = ly_journal_append(p, type, body, len);
		}
		if (rc != LOYALTY_OK) {
			p->store->ops->abort(p->store, t);
			return rc;
		}
	}
	p->store->ops->apply(p->store, t);
	for (size_t i = 0; i < t->nstock; i++)
		t->p->rewards[t->stock[i].reward].stock = t->stock[i].stock;
	t->nstock = 0;
	/* compaction failing does not undo the commit: the journal still holds it */
	if (!p->replaying && ly_journal_wants_compaction(p))
		(void)ly_journal_compact(p);
	return LOYALTY_OK;
}

int ly_txn_commit(ly_txn *t)
{
	return commit(t, LY_REC_TXN, NULL, 0);
}

int ly_txn_commit_batch(ly_txn *t, const uint8_t *body, size_t len)
{
	return commit(t, LY_REC_BATCH, body, len);
}

/* ---- batches -------------------------------------------------------------------------- */

int ly_txn_merge(ly_txn *t, ly_txn *sub)
{
	size_t newacc = 0;

	/* every allocation first: a failure leaves both transactions as they were */
	for (size_t i = 0; i < sub->naccounts; i++)
		newacc += txn_find(t, &sub->accounts[i].work->c->id) == NULL;
	if (grow((void **)&t->accounts, &t->capaccounts, t->naccounts + newacc, sizeof *t->accounts) ||
	    ly_map_reserve(t->amap, newacc) != LOYALTY_OK ||
	    grow((void **)&t->entries, &t->capentries, t->nentries + sub->nentries, sizeof *t->entries) ||
	    grow((void **)&t->purchases, &t->cappurchases, t->npurchases + sub->npurchases, sizeof *t->purchases) ||
	    grow((void **)&t->redemptions, &t->capredemptions, t->nredemptions + sub->nredemptions,
	         sizeof *t->redemptions) ||
	    grow((void **)&t->stock, &t->capstock, t->nstock + sub->nstock, sizeof *t->stock) ||
	    grow((void **)&t->idems, &t->capidems, t->nidems + 1, sizeof *t->idems) ||
	    ly_map_reserve(t->kmap, 1) != LOYALTY_OK)
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	for (size_t i = 0; i < sub->naccounts; i++) {
		ly_account *a = sub->accounts[i].work;
		uintptr_t v = (uintptr_t)ly_map_get(t->amap, a->c->id.bytes, 16);
		/* keyed by the copy that stays (re-keyed before the old copy goes: the map compares with it) */
		if (v) {
			ly_account *old = t->accounts[v - 1].work;
			ly_map_put(t->amap, a->c->id.bytes, 16, (void *)v);
			ly_acct_hand_over(old, a);
			ly_account_free(old);
			t->accounts[v - 1].work = a;
			t->accounts[v - 1].is_new |= sub->accounts[i].is_new;
		} else {
			t->accounts[t->naccounts] = sub->accounts[i];
			v = ++t->naccounts;
			ly_map_put(t->amap, a->c->id.bytes, 16, (void *)v);
		}
		sub->accounts[i].work = NULL;
	}
	sub->naccounts = 0;
	if (sub->nentries)
		memcpy(t->entries + t->nentries, sub->entries, sub->nentries * sizeof *t->entries);
	t->nentries += sub->nentries;
	sub->nentries = 0;
	for (size_t i = 0; i < sub->npurchases; i++)
		t->purchases[t->npurchases++] = sub->purchases[i];
	sub->npurchases = 0;
	for (size_t i = 0; i < sub->nredemptions; i++)
		t->redemptions[t->nredemptions++] = sub->redemptions[i];
	sub->nredemptions = 0;
	for (size_t i = 0; i < sub->nstock; i++) {
		size_t j = 0;
		while (j < t->nstock && t->stock[j].reward != sub->stock[i].reward)
			j++;
		t->stock[j] = sub->stock[i];
		if (j == t->nstock)
			t->nstock++;
	}
	sub->nstock = 0;
	if (sub->idem) {
		t->idems[t->nidems++] = sub->idem;
		ly_map_put(t->kmap, sub->idem->key, strlen(sub->idem->key), sub->idem);
		sub->idem = NULL;
	}
	t->next_seq = sub->next_seq;
	return LOYALTY_OK;
}

static void put_u32be(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static uint32_t get_u32be(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

int ly_batch_body_init(ly_bytes *b)
{
	static const uint8_t head[5] = { 0xdd, 0, 0, 0, 0 }; /* array 32, count filled as we go */

	ly_bytes_raw(b, head, sizeof head);
	return b->failed ? ly_error(LOYALTY_ENOMEM, "out of memory") : LOYALTY_OK;
}

int ly_batch_body_add(ly_bytes *b, const uint8_t *txn, size_t len)
{
	uint8_t head[5] = { 0xc6 }; /* bin 32 */
	size_t len0 = b->len;

	if (len > UINT32_MAX || get_u32be(b->data + 1) == UINT32_MAX)
		return ly_error(LOYALTY_ERANGE, "a batch record holds at most 4 GiB and 2^32 - 1 transactions");
	put_u32be(head + 1, (uint32_t)len);
	ly_bytes_raw(b, head, sizeof head);
	ly_bytes_raw(b, txn, len);
	if (b->failed) {
		b->failed = false;
		b->len = len0;
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	}
	put_u32be(b->data + 1, get_u32be(b->data + 1) + 1);
	return LOYALTY_OK;
}

void ly_batch_body_undo(ly_bytes *b, size_t len0)
{
	if (b->len > len0) {
		b->len = len0;
		put_u32be(b->data + 1, get_u32be(b->data + 1) - 1);
	}
}

int ly_replay_batch(loyalty_program *p, const uint8_t *data, size_t off, size_t end)
{
	size_t start = off;
	uint32_t n;

	if (end - off < 5 || data[off] != 0xdd)
		return ly_error(LOYALTY_ECORRUPT, "corrupt at offset %zu: batch: expected an array (32)", off);
	n = get_u32be(data + off + 1);
	off += 5;
	for (uint32_t i = 0; i < n; i++) {
		ly_dec d;
		ly_txn t;
		uint32_t len;
		int rc;
		if (end - off < 5 || data[off] != 0xc6 || end - off - 5 < (len = get_u32be(data + off + 1)))
			return ly_error(LOYALTY_ECORRUPT, "corrupt at offset %zu: batch[%u]: expected a bin (32) within the record",
			                off, i);
		d.data = data;
		d.off = off + 5;
		d.len = off + 5 + len;
		d.depth = 0;
		ly_txn_init(&t, p);
		rc = ly_decode_txn(&d, &t);
		if (rc == LOYALTY_OK)
			rc = ly_dec_finish(&d);
		if (rc == LOYALTY_OK)
			rc = ly_txn_commit(&t); /* p->replaying: not journaled again */
		ly_txn_release(&t);
		if (rc != LOYALTY_OK)
			return rc;
		off += 5 + (size_t)len;
	}
	if (off != end)
		return ly_error(LOYALTY_ECORRUPT, "corrupt at offset %zu: batch: %zu trailing bytes (record at %zu)", off,
		                end - off, start);
	return LOYALTY_OK;
}

/* ---- idempotency ------------------------------------------------------------- */

void ly_idem_free(ly_idem *r)
{
	if (r == NULL)
		return;
	if (!r->packed) {
		free(r->key);
		free(r->request);
	}
	loyalty_receipt_free(r->receipt);
	if (!r->result.tier_borrowed)
		free(r->result.tier);
	free(r->entry);
	free(r);
}

int ly_idem_set_entry(ly_idem *r, const loyalty_entry *e)
{
	if (r->entry == NULL && (r->entry = malloc(sizeof *r->entry)) == NULL)
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	*r->entry = *e;
	return LOYALTY_OK;
}

void ly_idem_entry(const ly_idem *r, loyalty_entry *out)
{
	if (r->entry)
		*out = *r->entry;
	else
		memset(out, 0, sizeof *out);
}

int ly_idem_begin(ly_txn *t, const char *fn, const char *key, int op, const uint8_t *req, size_t len,
                  const ly_idem **replay)
{
	const ly_idem *seen;
	ly_idem *r;
	size_t klen;

	*replay = NULL;
	if (!ly_is_token(key, LOYALTY_KEY_MAX))
		return ly_error(LOYALTY_EINVAL, "%s: key must be 1..%d bytes of printable ASCII without spaces", fn,
		                LOYALTY_KEY_MAX);
	seen = t->p->store->ops->idem(t->p->store, key);
	for (const ly_txn *q = t->parent; seen == NULL && q != NULL; q = q->parent)
		if (q->kmap != NULL) /* an earlier purchase of the same batch */
			seen = ly_map_get(q->kmap, key, strlen(key));
	if (seen != NULL) {
		if (seen->op == op && seen->request_len == len && memcmp(seen->request, req, len) == 0) {
			*replay = seen;
			return LOYALTY_OK;
		}
		return ly_error(LOYALTY_ECONFLICT, "%s: key '%s' was already used for a different request", fn, key);
	}
	/* one allocation: the record, its key, its request */
	klen = strlen(key);
	r = malloc(sizeof *r + klen + 1 + len);
	if (r == NULL)
		return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	memset(r, 0, sizeof *r);
	r->packed = true;
	r->key = (char *)(r + 1);
	memcpy(r->key, key, klen + 1);
	r->request = (uint8_t *)r->key + klen + 1;
	if (len)
		memcpy(r->request, req, len);
	r->request_len = len;
	r->op = op;
	t->idem = r;
	return LOYALTY_OK;
}

/* ---- canonical request bytes ---------------------------------------------------- */

static bool bytes_room(ly_bytes *b, size_t n)
{
	size_t cap;
	uint8_t *d;

	if (b->failed)
		return false;
	if (b->len + n <= b->cap)
		return true;
	cap = b->cap ? b->cap * 2 : 512;
	while (cap < b->len + n)
		cap *= 2;
	d = b->borrowed ? malloc(cap) : realloc(b->data, cap);
	if (d == NULL) {
		b->failed = true;
		return false;
	}
	if (b->borrowed && b->len)
		memcpy(d, b->data, b->len);
	b->borrowed = false;
	b->data = d;
	b->cap = cap;
	return true;
}

bool ly_bytes_reserve(ly_bytes *b, size_t n)
{
	return bytes_room(b, n);
}

void ly_bytes_raw(ly_bytes *b, const void *p, size_t n)
{
	if (!bytes_room(b, n))
		return;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void put_i64(uint8_t *buf, int64_t v)
{
	for (int i = 0; i < 8; i++)
		buf[i] = (uint8_t)((uint64_t)v >> (8 * i));
}

void ly_bytes_i64(ly_bytes *b, int64_t v)
{
	if (!bytes_room(b, 8))
		return;
	put_i64(b->data + b->len, v);
	b->len += 8;
}

void ly_bytes_str(ly_bytes *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!bytes_room(b, 8 + n))
		return;
	put_i64(b->data + b->len, s ? (int64_t)n : -1);
	if (n)
		memcpy(b->data + b->len + 8, s, n);
	b->len += 8 + n;
}

void ly_bytes_free(ly_bytes *b)
{
	if (!b->borrowed)
		free(b->data);
	memset(b, 0, sizeof *b);
}
