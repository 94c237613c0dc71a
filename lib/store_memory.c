/*
 * libloyalty - the in-memory store: the default backend behind the store
 * seam. Commits are all-or-nothing: every allocation a commit needs is made
 * first, then the changes are applied by steps that cannot fail.
 *
 * Layout, for memory and for a cost per operation that does not grow with
 * the number of customers or with a customer's history:
 *  - accounts live in slots (stable homes the hash maps point to); a slot also
 *    holds the customer's entry index (positions in the ledger), which only a
 *    commit changes, so working copies never copy it;
 *  - ledger entries are stored compactly (56 bytes): the customer's slot
 *    number, kind, deltas, balances after, time, and string ids. Keys are
 *    kept once per operation (consecutive entries of one operation share
 *    theirs); (ref, memo) pairs are interned; debts and ids that do not
 *    derive from the program's seed sit in side tables ordered by seq. An
 *    entry is materialised into a loyalty_entry when read.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "program_internal.h"

/* A stable home for an account: the maps point here, the account may be replaced. */
typedef struct slot {
	ly_account *a;
	ly_eindex ix;          /* the customer's entries */
	loyalty_id id;
	char code[LOYALTY_REFERRAL_CODE_LEN + 1];
	uint32_t no;           /* position in slots[] */
	uint32_t adding;       /* prepare: entries of the transaction for this customer */
} slot;

/* A ledger entry as stored (seq = position + 1). */
typedef struct centry {
	int64_t points, pending, available_after, pending_after;
	loyalty_time at;
	uint32_t cust;         /* slot number */
	uint32_t key;          /* string id */
	uint32_t pair;         /* (ref, memo) pair id */
	uint8_t kind;
	uint8_t flags;
} centry;

enum { CE_DEBT = 1, CE_ID = 2, CE_HELD = 4 };
/* A sweep's MATURE entry says which entry's held points matured: ref "", memo HELD_MEMO and the
 * entry's seq, kept in the pair field (CE_HELD) instead of one interned string per entry. */
#define HELD_MEMO "held points of entry #"
#define REF_IS_KEY UINT32_MAX /* a pair's ref: the entry's key */
#define MAX_ENTRIES ((size_t)UINT32_MAX)
#define CHUNK 65536
#define NKINDS 16

typedef struct side_debt {
	uint64_t seq;
	int64_t debt;
} side_debt;

typedef struct side_id {
	uint64_t seq;
	loyalty_id id;
} side_id;

typedef struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
} chunk;

typedef struct mem_store {
	ly_store base;
	slot **slots;
	size_t nslots, capslots;
	ly_map by_id, by_ref, by_code;
	ly_map purchases, redemptions, idem;
	/* the ledger */
	centry *entries;
	size_t nentries, capentries;
	uint8_t seed[16];             /* entry ids derive from it (adopted from entry 1) */
	chunk *arena;                 /* strings (and interned pair keys), never moved */
	const char **strs;            /* string id -> text */
	size_t nstrs, capstrs;
	uint32_t (*pairs)[2];         /* pair id -> (ref string id or REF_IS_KEY, memo string id) */
	size_t npairs, cappairs;
	ly_map pair_ids;              /* "ref\0memo" (in the arena) -> pair id + 1 */
	uint32_t last_pair[NKINDS];   /* per kind: the last pair used + 1 (0 = none) */
	side_debt *debts;
	size_t ndebts, capdebts;
	side_id *ids;
	size_t nids, capids;
	loyalty_entry view[4];        /* materialised entries handed out by entry() */
	unsigned nextview;
	/* prepared by prepare() for apply() */
	slot **fresh;                 /* homes for new accounts */
	size_t nfresh;
	slot **eslot;                 /* the slot of each entry of the transaction */
	size_t capeslot;
	ly_map fresh_by_id;
} mem_store;

static void abort_prepared(ly_store *base, ly_txn *t);

static void destroy(ly_store *base)
{
	mem_store *s = (mem_store *)base;

	for (size_t i = 0; i < s->nslots; i++) {
		ly_account_free(s->slots[i]->a);
		free(s->slots[i]->ix.pos);
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
	ly_map_free(&s->pair_ids);
	ly_map_free(&s->fresh_by_id);
	free(s->entries);
	while (s->arena) {
		chunk *c = s->arena;
		s->arena = c->next;
		free(c);
	}
	free(s->strs);
	free(s->pairs);
	free(s->debts);
	free(s->ids);
	free(s->eslot);
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

/* ---- the compact ledger ------------------------------------------------------------- */

static int64_t find_debt(const mem_store *s, uint64_t seq)
{
	size_t lo = 0, hi = s->ndebts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->debts[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->ndebts && s->debts[lo].seq == seq ? s->debts[lo].debt : 0;
}

static const loyalty_id *find_id(const mem_store *s, uint64_t seq)
{
	size_t lo = 0, hi = s->nids;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->ids[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nids && s->ids[lo].seq == seq ? &s->ids[lo].id : NULL;
}

static const loyalty_entry *entry(ly_store *base, uint64_t seq)
{
	mem_store *s = (mem_store *)base;
	const centry *c;
	loyalty_entry *e;
	const char *key;

	if (seq < 1 || seq > s->nentries)
		return NULL;
	c = &s->entries[seq - 1];
	e = &s->view[s->nextview++ % 4];
	memset(e, 0, sizeof *e);
	e->seq = seq;
	if (c->flags & CE_ID)
		e->id = *find_id(s, seq);
	else
		ly_entry_id(s->seed, seq, &e->id);
	e->customer_id = s->slots[c->cust]->id;
	e->kind = (loyalty_entry_kind)c->kind;
	e->points = c->points;
	e->pending = c->pending;
	e->debt = c->flags & CE_DEBT ? find_debt(s, seq) : 0;
	e->available_after = c->available_after;
	e->pending_after = c->pending_after;
	e->at = c->at;
	key = s->strs[c->key];
	ly_copy_str(e->key, sizeof e->key, key);
	if (c->flags & CE_HELD) {
		snprintf(e->memo, sizeof e->memo, HELD_MEMO "%lu", (unsigned long)c->pair);
		return e;
	}
	ly_copy_str(e->ref, sizeof e->ref, s->pairs[c->pair][0] == REF_IS_KEY ? key : s->strs[s->pairs[c->pair][0]]);
	ly_copy_str(e->memo, sizeof e->memo, s->strs[s->pairs[c->pair][1]]);
	return e;
}

/* Room for @p bytes of strings in the current chunk (a new chunk when needed). */
static int arena_reserve(mem_store *s, size_t bytes)
{
	chunk *c;
	size_t size;

	if (s->arena && s->arena->size - s->arena->used >= bytes)
		return LOYALTY_OK;
	size = bytes > CHUNK ? bytes : CHUNK;
	c = malloc(sizeof *c + size);
	if (c == NULL)
		return LOYALTY_ENOMEM;
	c->next = s->arena;
	c->used = 0;
	c->size = size;
	s->arena = c;
	return LOYALTY_OK;
}

static char *arena_put(mem_store *s, const void *data, size_t len)
{
	char *p = s->arena->data + s->arena->used;

	memcpy(p, data, len);
	s->arena->used += len;
	return p;
}

/* A new string id (room reserved). */
static uint32_t add_str(mem_store *s, const char *text)
{
	s->strs[s->nstrs] = arena_put(s, text, strlen(text) + 1);
	return (uint32_t)s->nstrs++;
}

/* The seq of a MATURE entry's canonical memo (HELD_MEMO and a decimal without leading zeros that
 * fits 32 bits, ref ""), or 0. */
static uint32_t held_of(const loyalty_entry *e)
{
	const char *d = e->memo + sizeof HELD_MEMO - 1;
	uint64_t v = 0;
	size_t n = 0;

	if (e->kind != LOYALTY_ENTRY_MATURE || e->ref[0] || strncmp(e->memo, HELD_MEMO, sizeof HELD_MEMO - 1) != 0 ||
	    d[0] < '1' || d[0] > '9')
		return 0;
	for (; d[n]; n++) {
		if (d[n] < '0' || d[n] > '9' || n >= 10)
			return 0;
		v = v * 10 + (uint64_t)(d[n] - '0');
	}
	return v <= UINT32_MAX ? (uint32_t)v : 0;
}

static uint32_t pair_for(mem_store *s, const loyalty_entry *e)
{
	bool ref_is_key = strcmp(e->ref, e->key) == 0;
	uint32_t last = (unsigned)e->kind < NKINDS ? s->last_pair[e->kind] : 0, id, ref, memo;
	size_t rl = strlen(e->ref), ml = strlen(e->memo);
	char buf[2 * (LOYALTY_KEY_MAX + 1) + LOYALTY_MEMO_MAX + 1];
	size_t n = 0;
	void *v;

	/* the same (ref, memo) as the last entry of this kind: the common case */
	if (last) {
		const uint32_t *pr = s->pairs[last - 1];
		if ((pr[0] == REF_IS_KEY ? ref_is_key : !ref_is_key && strcmp(s->strs[pr[0]], e->ref) == 0) &&
		    strcmp(s->strs[pr[1]], e->memo) == 0)
			return last - 1;
	}
	/* interned by "\1" (ref is the key) or "\2ref", then "\0memo" */
	buf[n++] = ref_is_key ? '\1' : '\2';
	if (!ref_is_key) {
		memcpy(buf + n, e->ref, rl);
		n += rl;
	}
	buf[n++] = '\0';
	memcpy(buf + n, e->memo, ml);
	n += ml;
	v = ly_map_get(&s->pair_ids, buf, n);
	if (v != NULL) {
		id = (uint32_t)((uintptr_t)v - 1);
	} else {
		ref = ref_is_key ? REF_IS_KEY : add_str(s, e->ref);
		memo = add_str(s, e->memo);
		id = (uint32_t)s->npairs++;
		s->pairs[id][0] = ref;
		s->pairs[id][1] = memo;
		ly_map_put(&s->pair_ids, arena_put(s, buf, n), n, (void *)(uintptr_t)(id + 1));
	}
	if ((unsigned)e->kind < NKINDS)
		s->last_pair[e->kind] = id + 1;
	return id;
}

static int grow_index(ly_eindex *ix, uint32_t more)
{
	uint64_t need = (uint64_t)ix->n + more, cap = ix->cap ? ix->cap : 2;
	uint32_t *p;

	if (need <= ix->cap)
		return LOYALTY_OK;
	while (cap < need)
		cap *= 2;
	if (cap > UINT32_MAX)
		cap = UINT32_MAX;
	p = realloc(ix->pos, cap * sizeof *p);
	if (p == NULL)
		return LOYALTY_ENOMEM;
	ix->pos = p;
	ix->cap = (uint32_t)cap;
	return LOYALTY_OK;
}

/* ---- commit ----------------------------------------------------------------------------- */

static int prepare(ly_store *base, ly_txn *t)
{
	mem_store *s = (mem_store *)base;
	size_t nnew = 0, bytes = 0, ndebts = 0, nids = 0, k = 0;
	uint8_t seed[16];
	int rc = LOYALTY_OK;

	/* every allocation, nothing visible yet */
	for (size_t i = 0; i < t->naccounts; i++)
		nnew += t->accounts[i].is_new;
	if (s->nslots + nnew > UINT32_MAX || s->nentries + t->nentries > MAX_ENTRIES)
		return ly_error(LOYALTY_ERANGE, "the in-memory store holds at most %zu customers and %zu entries",
		                (size_t)UINT32_MAX, MAX_ENTRIES);
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
		if (rc == LOYALTY_OK)
			rc = ly_map_reserve(&s->fresh_by_id, nnew);
		for (size_t i = 0; rc == LOYALTY_OK && i < t->naccounts; i++) {
			if (t->accounts[i].is_new) {
				slot *sl = s->fresh[k++];
				sl->id = t->accounts[i].work->c->id;
				ly_map_put(&s->fresh_by_id, sl->id.bytes, 16, sl);
			}
		}
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
		rc = ly_map_reserve(&s->idem, (t->idem ? 1 : 0) + t->nidems);
	if (rc == LOYALTY_OK)
		rc = ly_grow((void **)&s->entries, &s->capentries, s->nentries + t->nentries, sizeof *s->entries);
	if (rc == LOYALTY_OK)
		rc = ly_grow((void **)&s->eslot, &s->capeslot, t->nentries, sizeof *s->eslot);
	if (rc != LOYALTY_OK)
		goto fail;
	/* each entry's customer, and room in the customers' indexes */
	memcpy(seed, s->seed, 16);
	if (s->nentries == 0 && t->nentries > 0)
		ly_id_seed_of(&t->entries[0].id, t->entries[0].seq, seed);
	for (size_t i = 0; i < t->nentries; i++) {
		const loyalty_entry *e = &t->entries[i];
		slot *sl = NULL;
		loyalty_id derived;
		if (nnew)
			sl = ly_map_get(&s->fresh_by_id, e->customer_id.bytes, 16);
		if (sl == NULL)
			sl = ly_map_get(&s->by_id, e->customer_id.bytes, 16);
		if (sl == NULL) {
			for (size_t j = 0; j < i; j++)
				s->eslot[j]->adding = 0;
			rc = ly_error(LOYALTY_EINVAL, "commit: an entry names a customer the transaction does not hold");
			goto fail;
		}
		s->eslot[i] = sl;
		sl->adding++;
		bytes += strlen(e->key) + strlen(e->ref) + 2 * strlen(e->memo) + 2 * strlen(e->ref) + 8;
		ndebts += e->debt != 0;
		ly_entry_id(seed, e->seq, &derived);
		nids += memcmp(derived.bytes, e->id.bytes, 16) != 0;
	}
	for (size_t i = 0; i < t->nentries; i++) {
		slot *sl = s->eslot[i];
		if (sl->adding) {
			if (rc == LOYALTY_OK)
				rc = grow_index(&sl->ix, sl->adding);
			sl->adding = 0;
		}
	}
	if (rc == LOYALTY_OK && t->nentries)
		rc = arena_reserve(s, bytes);
	if (rc == LOYALTY_OK)
		rc = ly_grow((void **)&s->strs, &s->capstrs, s->nstrs + 3 * t->nentries, sizeof *s->strs);
	if (rc == LOYALTY_OK)
		rc = ly_grow((void **)&s->pairs, &s->cappairs, s->npairs + t->nentries, sizeof *s->pairs);
	if (rc == LOYALTY_OK)
		rc = ly_map_reserve(&s->pair_ids, t->nentries);
	if (rc == LOYALTY_OK && ndebts)
		rc = ly_grow((void **)&s->debts, &s->capdebts, s->ndebts + ndebts, sizeof *s->debts);
	if (rc == LOYALTY_OK && nids)
		rc = ly_grow((void **)&s->ids, &s->capids, s->nids + nids, sizeof *s->ids);
	if (s->nstrs + 3 * t->nentries > UINT32_MAX || s->npairs + t->nentries > UINT32_MAX)
		rc = ly_error(LOYALTY_ERANGE, "the in-memory store holds at most %zu strings", (size_t)UINT32_MAX);
	if (rc == LOYALTY_OK)
		return LOYALTY_OK;
fail:
	abort_prepared(base, t);
	return rc;
}

static void abort_prepared(ly_store *base, ly_txn *t)
{
	mem_store *s = (mem_store *)base;

	(void)t;
	for (size_t i = 0; i < s->nfresh; i++) {
		if (s->fresh[i] != NULL)
			free(s->fresh[i]->ix.pos);
		free(s->fresh[i]);
	}
	free(s->fresh);
	s->fresh = NULL;
	s->nfresh = 0;
	ly_map_free(&s->fresh_by_id);
}

static void put_entry(mem_store *s, const loyalty_entry *e, slot *sl)
{
	centry *c = &s->entries[s->nentries];
	loyalty_id derived;
	uint32_t key;

	if (s->nentries == 0) { /* entry 1 fixes the seed (a fresh program's own, or a loaded one's) */
		ly_id_seed_of(&e->id, e->seq, s->seed);
	}
	/* consecutive entries of one operation share its key */
	if (s->nentries > 0 && strcmp(s->strs[s->entries[s->nentries - 1].key], e->key) == 0)
		key = s->entries[s->nentries - 1].key;
	else
		key = add_str(s, e->key);
	c->points = e->points;
	c->pending = e->pending;
	c->available_after = e->available_after;
	c->pending_after = e->pending_after;
	c->at = e->at;
	c->cust = sl->no;
	c->key = key;
	c->kind = (uint8_t)e->kind;
	c->flags = 0;
	if ((c->pair = held_of(e)) != 0)
		c->flags |= CE_HELD;
	else
		c->pair = pair_for(s, e);
	if (e->debt != 0) {
		c->flags |= CE_DEBT;
		s->debts[s->ndebts].seq = e->seq;
		s->debts[s->ndebts].debt = e->debt;
		s->ndebts++;
	}
	ly_entry_id(s->seed, e->seq, &derived);
	if (memcmp(derived.bytes, e->id.bytes, 16) != 0) {
		c->flags |= CE_ID;
		s->ids[s->nids].seq = e->seq;
		s->ids[s->nids].id = e->id;
		s->nids++;
	}
	sl->ix.pos[sl->ix.n++] = (uint32_t)s->nentries;
	s->nentries++;
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
			strcpy(sl->code, a->code);
			sl->no = (uint32_t)s->nslots;
			s->slots[s->nslots++] = sl;
			ly_map_put(&s->by_id, sl->id.bytes, sizeof sl->id.bytes, sl);
			if (a->c->external_ref[0])
				ly_map_put(&s->by_ref, a->c->external_ref, strlen(a->c->external_ref), sl);
			ly_map_put(&s->by_code, sl->code, strlen(sl->code), sl);
		} else {
			sl = ly_map_get(&s->by_id, a->c->id.bytes, sizeof a->c->id.bytes);
			/* the reference map's key lives in the account: point it at the new one's */
			if (a->c->external_ref[0])
				ly_map_put(&s->by_ref, a->c->external_ref, strlen(a->c->external_ref), sl);
			ly_acct_hand_over(sl->a, a);
			ly_account_free(sl->a);
			sl->a = a;
		}
		a->ix = &sl->ix;
		t->accounts[i].work = NULL;
	}
	t->naccounts = 0;
	free(s->fresh);
	s->fresh = NULL;
	s->nfresh = 0;
	ly_map_free(&s->fresh_by_id);
	for (size_t i = 0; i < t->nentries; i++)
		put_entry(s, &t->entries[i], s->eslot[i]);
	t->nentries = 0;
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
	for (size_t i = 0; i < t->nidems; i++) {
		ly_idem *r = t->idems[i];
		ly_idem_free(ly_map_put(&s->idem, r->key, strlen(r->key), r));
		t->idems[i] = NULL;
	}
	t->nidems = 0;
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
