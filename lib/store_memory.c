/*
 * libloyalty - the in-memory store: the default backend behind the store
 * seam. Commits are all-or-nothing: every allocation a commit needs is made
 * first, then the changes are applied by steps that cannot fail.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "program_internal.h"

/* A stable home for an account: the maps point here, the account may be replaced. */
typedef struct slot {
	ly_account *a;
	loyalty_id id;
	char ref[LOYALTY_EXTERNAL_REF_MAX + 1];
	char code[LOYALTY_REFERRAL_CODE_LEN + 1];
} slot;

typedef struct mem_store {
	ly_store base;
	slot **slots;
	size_t nslots, capslots;
	ly_map by_id, by_ref, by_code;
	ly_map purchases, redemptions, idem;
	loyalty_entry *entries;
	size_t nentries, capentries;
	slot **fresh; /* prepared homes for new accounts */
	size_t nfresh;
} mem_store;

static void abort_prepared(ly_store *base, ly_txn *t);

static void destroy(ly_store *base)
{
	mem_store *s = (mem_store *)base;

	for (size_t i = 0; i < s->nslots; i++) {
		ly_account_free(s->slots[i]->a);
		free(s->slots[i]);
	}
	free(s->slots);
	for (size_t i = 0; i < s->purchases.cap; i++)
		if (s->purchases.slots[i].hash)
			ly_purchase_rec_free(s->purchases.slots[i].value);
	for (size_t i = 0; i < s->redemptions.cap; i++)
		if (s->redemptions.slots[i].hash)
			ly_redemption_rec_free(s->redemptions.slots[i].value);
	for (size_t i = 0; i < s->idem.cap; i++)
		if (s->idem.slots[i].hash)
			ly_idem_free(s->idem.slots[i].value);
	ly_map_free(&s->by_id);
	ly_map_free(&s->by_ref);
	ly_map_free(&s->by_code);
	ly_map_free(&s->purchases);
	ly_map_free(&s->redemptions);
	ly_map_free(&s->idem);
	free(s->entries);
	free(s);
}

static const ly_account *account(ly_store *base, const loyalty_id *id)
{
	slot *sl = ly_map_get(&((mem_store *)base)->by_id, id->bytes, sizeof id->bytes);
	return sl ? sl->a : NULL;
}

static const ly_account *account_by_ref(ly_store *base, const char *ref)
{
	slot *sl = ly_map_get(&((mem_store *)base)->by_ref, ref, strlen(ref));
	return sl ? sl->a : NULL;
}

static const ly_account *account_by_code(ly_store *base, const char *code)
{
	slot *sl = ly_map_get(&((mem_store *)base)->by_code, code, strlen(code));
	return sl ? sl->a : NULL;
}

static size_t account_count(ly_store *base)
{
	return ((mem_store *)base)->nslots;
}

static const ly_account *account_at(ly_store *base, size_t i)
{
	mem_store *s = (mem_store *)base;
	return i < s->nslots ? s->slots[i]->a : NULL;
}

static const ly_purchase_rec *purchase(ly_store *base, const char *key)
{
	return ly_map_get(&((mem_store *)base)->purchases, key, strlen(key));
}

static const ly_redemption_rec *redemption(ly_store *base, const loyalty_id *id)
{
	return ly_map_get(&((mem_store *)base)->redemptions, id->bytes, sizeof id->bytes);
}

static const ly_idem *idem(ly_store *base, const char *key)
{
	return ly_map_get(&((mem_store *)base)->idem, key, strlen(key));
}

static size_t entry_count(ly_store *base)
{
	return ((mem_store *)base)->nentries;
}

static const loyalty_entry *entry(ly_store *base, uint64_t seq)
{
	mem_store *s = (mem_store *)base;
	return seq >= 1 && seq <= s->nentries ? &s->entries[seq - 1] : NULL;
}

static int prepare(ly_store *base, ly_txn *t)
{
	mem_store *s = (mem_store *)base;
	size_t nnew = 0;
	int rc = LOYALTY_OK;

	/* every allocation, nothing visible yet */
	for (size_t i = 0; i < t->naccounts; i++)
		nnew += t->accounts[i].is_new;
	s->fresh = NULL;
	s->nfresh = 0;
	if (nnew) {
		s->fresh = calloc(nnew, sizeof *s->fresh);
		if (s->fresh == NULL)
			return LOYALTY_ENOMEM;
		s->nfresh = nnew;
		for (size_t i = 0; i < nnew; i++)
			if ((s->fresh[i] = calloc(1, sizeof *s->fresh[i])) == NULL)
				rc = LOYALTY_ENOMEM;
	}
	if (rc == LOYALTY_OK)
		rc = ly_grow((void **)&s->slots, &s->capslots, s->nslots + nnew, sizeof *s->slots);
	if (rc == LOYALTY_OK)
		rc = ly_map_reserve(&s->by_id, nnew);
	if (rc == LOYALTY_OK)
		rc = ly_map_reserve(&s->by_ref, nnew);
	if (rc == LOYALTY_OK)
		rc = ly_map_reserve(&s->by_code, nnew);
	if (rc == LOYALTY_OK)
		rc = ly_map_reserve(&s->purchases, t->npurchases);
	if (rc == LOYALTY_OK)
		rc = ly_map_reserve(&s->redemptions, t->nredemptions);
	if (rc == LOYALTY_OK)
		rc = ly_map_reserve(&s->idem, t->idem ? 1 : 0);
	if (rc == LOYALTY_OK)
		rc = ly_grow((void **)&s->entries, &s->capentries, s->nentries + t->nentries, sizeof *s->entries);
	if (rc != LOYALTY_OK)
		abort_prepared(base, t);
	return rc;
}

static void abort_prepared(ly_store *base, ly_txn *t)
{
	mem_store *s = (mem_store *)base;

	(void)t;
	for (size_t i = 0; i < s->nfresh; i++)
		free(s->fresh[i]);
	free(s->fresh);
	s->fresh = NULL;
	s->nfresh = 0;
}

static void apply(ly_store *base, ly_txn *t)
{
	mem_store *s = (mem_store *)base;
	size_t nnew = 0;

	/* no step below can fail */
	for (size_t i = 0; i < t->naccounts; i++) {
		ly_account *a = t->accounts[i].work;
		slot *sl;
		if (t->accounts[i].is_new) {
			sl = s->fresh[nnew++];
			sl->a = a;
			sl->id = a->c->id;
			strcpy(sl->ref, a->c->external_ref);
			strcpy(sl->code, a->code);
			s->slots[s->nslots++] = sl;
			ly_map_put(&s->by_id, sl->id.bytes, sizeof sl->id.bytes, sl);
			if (sl->ref[0])
				ly_map_put(&s->by_ref, sl->ref, strlen(sl->ref), sl);
			ly_map_put(&s->by_code, sl->code, strlen(sl->code), sl);
		} else {
			sl = ly_map_get(&s->by_id, a->c->id.bytes, sizeof a->c->id.bytes);
			ly_account_free(sl->a);
			sl->a = a;
		}
		t->accounts[i].work = NULL;
	}
	t->naccounts = 0;
	free(s->fresh);
	s->fresh = NULL;
	s->nfresh = 0;
	for (size_t i = 0; i < t->npurchases; i++) {
		ly_purchase_rec *r = t->purchases[i];
		ly_purchase_rec_free(ly_map_put(&s->purchases, r->key, strlen(r->key), r));
		t->purchases[i] = NULL;
	}
	t->npurchases = 0;
	for (size_t i = 0; i < t->nredemptions; i++) {
		ly_redemption_rec *r = t->redemptions[i];
		ly_redemption_rec_free(ly_map_put(&s->redemptions, r->r.id.bytes, sizeof r->r.id.bytes, r));
		t->redemptions[i] = NULL;
	}
	t->nredemptions = 0;
	if (t->idem) {
		ly_idem_free(ly_map_put(&s->idem, t->idem->key, strlen(t->idem->key), t->idem));
		t->idem = NULL;
	}
	if (t->nentries > 0)
		memcpy(s->entries + s->nentries, t->entries, t->nentries * sizeof *t->entries);
	s->nentries += t->nentries;
	t->nentries = 0;
}

static int cmp_purchase(const void *x, const void *y)
{
	return strcmp((*(const ly_purchase_rec *const *)x)->key, (*(const ly_purchase_rec *const *)y)->key);
}

static int cmp_redemption(const void *x, const void *y)
{
	return memcmp((*(const ly_redemption_rec *const *)x)->r.id.bytes,
	              (*(const ly_redemption_rec *const *)y)->r.id.bytes, 16);
}

static int cmp_idem(const void *x, const void *y)
{
	return strcmp((*(const ly_idem *const *)x)->key, (*(const ly_idem *const *)y)->key);
}

static int list(ly_store *base, int what, const void ***items, size_t *n)
{
	mem_store *s = (mem_store *)base;
	const ly_map *m = what == LY_LIST_PURCHASES ? &s->purchases : what == LY_LIST_REDEMPTIONS ? &s->redemptions
	                                                                                          : &s->idem;
	const void **arr = malloc((m->count ? m->count : 1) * sizeof *arr);
	size_t k = 0;

	if (arr == NULL)
		return LOYALTY_ENOMEM;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].hash)
			arr[k++] = m->slots[i].value;
	if (k > 1)
		qsort(arr, k, sizeof *arr,
		      what == LY_LIST_PURCHASES ? cmp_purchase : what == LY_LIST_REDEMPTIONS ? cmp_redemption : cmp_idem);
	*items = arr;
	*n = k;
	return LOYALTY_OK;
}

static int restore_idem(ly_store *base, ly_idem *r)
{
	mem_store *s = (mem_store *)base;

	if (ly_map_reserve(&s->idem, 1) != LOYALTY_OK) {
		ly_idem_free(r);
		return LOYALTY_ENOMEM;
	}
	ly_idem_free(ly_map_put(&s->idem, r->key, strlen(r->key), r));
	return LOYALTY_OK;
}

static const ly_store_ops memory_ops = {
	destroy, account, account_by_ref, account_by_code, account_count, account_at, purchase, redemption,
	idem, entry_count, entry, prepare, apply, abort_prepared, list, restore_idem,
};

int ly_store_memory_new(ly_store **out)
{
	mem_store *s = calloc(1, sizeof *s);

	if (s == NULL)
		return LOYALTY_ENOMEM;
	s->base.ops = &memory_ops;
	*out = &s->base;
	return LOYALTY_OK;
}
