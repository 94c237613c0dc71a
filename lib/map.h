/*
 * libloyalty - a small open-addressing hash map from byte strings to
 * pointers. Keys are not copied: the caller keeps each key's bytes alive
 * and unchanged while it is in the map (a put of an existing key re-points
 * it). Keys are at most 4 GiB. Private.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LY_MAP_H
#define LY_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ly_map_slot {  /* 24 bytes */
	const uint8_t *key;
	void *value;
	uint32_t hash;   /* 0 = empty */
	uint32_t len;    /* keys are short (ids, codes, idempotency keys) */
} ly_map_slot;

typedef struct ly_map {
	ly_map_slot *slots;
	size_t cap;      /* power of two, or 0 */
	size_t count;
} ly_map;

void ly_map_free(ly_map *m);
void *ly_map_get(const ly_map *m, const void *key, size_t len);
/* Make room for @p more insertions without allocating later. LOYALTY_OK or LOYALTY_ENOMEM. */
int ly_map_reserve(ly_map *m, size_t more);
/* Insert or replace; returns the previous value (NULL if none). Never fails once
 * room was reserved for a new key. */
void *ly_map_put(ly_map *m, const void *key, size_t len, void *value);
/* Remove a key; returns its value or NULL. */
void *ly_map_del(ly_map *m, const void *key, size_t len);
/* String keys. */
static inline size_t ly_strlen0(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

#endif
