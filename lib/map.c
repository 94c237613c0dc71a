/*
 * libloyalty - open-addressing hash map (linear probing, FNV-1a hashes).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "map.h"

static uint32_t hash_bytes(const void *key, size_t len)
{
	const uint8_t *p = key;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 29;
	h ^= h >> 32;
	return (uint32_t)h ? (uint32_t)h : 1;
}

void ly_map_free(ly_map *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}

static ly_map_slot *find(const ly_map *m, const void *key, size_t len, uint32_t h)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;

	for (;;) {
		ly_map_slot *s = &m->slots[i];
		if (s->hash == 0)
			return s;
		if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
			return s;
		i = (i + 1) & mask;
	}
}

void *ly_map_get(const ly_map *m, const void *key, size_t len)
{
	ly_map_slot *s;

	if (m->cap == 0)
		return NULL;
	s = find(m, key, len, hash_bytes(key, len));
	return s->hash ? s->value : NULL;
}

int ly_map_reserve(ly_map *m, size_t more)
{
	size_t need = m->count + more, cap = m->cap ? m->cap : 16;
	ly_map_slot *slots;

	while (need * 2 > cap)
		cap *= 2;
	if (cap == m->cap)
		return LOYALTY_OK;
	slots = calloc(cap, sizeof *slots);
	if (slots == NULL)
		return LOYALTY_ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		ly_map_slot *s = &m->slots[i];
		if (s->hash) {
			size_t j = (size_t)s->hash & (cap - 1);
			while (slots[j].hash)
				j = (j + 1) & (cap - 1);
			slots[j] = *s;
		}
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return LOYALTY_OK;
}

void *ly_map_put(ly_map *m, const void *key, size_t len, void *value)
{
	uint32_t h = hash_bytes(key, len);
	ly_map_slot *s = find(m, key, len, h);
	void *old = s->hash ? s->value : NULL;

	if (!s->hash)
		m->count++;
	s->hash = h;
	s->key = key;
	s->len = (uint32_t)len;
	s->value = value;
	return old;
}

void *ly_map_del(ly_map *m, const void *key, size_t len)
{
	size_t mask, i, j;
	ly_map_slot *s;
	void *old;

	if (m->cap == 0)
		return NULL;
	s = find(m, key, len, hash_bytes(key, len));
	if (!s->hash)
		return NULL;
	old = s->value;
	mask = m->cap - 1;
	i = (size_t)(s - m->slots);
	s->hash = 0;
	m->count--;
	/* backward-shift the cluster that follows */
	j = i;
	for (;;) {
		size_t home;
		j = (j + 1) & mask;
		if (m->slots[j].hash == 0)
			break;
		home = (size_t)m->slots[j].hash & mask;
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			m->slots[i] = m->slots[j];
			m->slots[j].hash = 0;
			i = j;
		}
	}
	return old;
}
