/*
 * libloyalty - private helpers shared by the modules. Not installed.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LY_INTERNAL_H
#define LY_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loyalty/error.h"
#include "loyalty/types.h"

#if defined(__GNUC__)
#  define LY_PRINTF(a, b) __attribute__((format(printf, a, b)))
#  define LY_UNUSED __attribute__((unused))
#else
#  define LY_PRINTF(a, b)
#  define LY_UNUSED
#endif

typedef loyalty_fraction ly_frac;
__extension__ typedef __int128 ly_i128;

/* ---- errors (error.c) ----------------------------------------------------- */

/* Record a formatted message for @p code on this thread; returns @p code. */
int ly_error(int code, const char *fmt, ...) LY_PRINTF(2, 3);
/* Prefix the current message with "prefix: " (keeps the code). */
void ly_error_prefix(const char *prefix);

#define LY_CHECK_NULL(arg, fn) \
	do { if ((arg) == NULL) return ly_error(LOYALTY_EINVAL, "%s: %s is NULL", fn, #arg); } while (0)

/* ---- strings (util.c) ---------------------------------------------------- */

char *ly_strdup(const char *s);
/* Grow *arr (of *cap elements of elem bytes) to hold at least need, doubling from 16.
 * LOYALTY_OK or LOYALTY_ENOMEM (unchanged; no message). */
int ly_grow(void **arr, size_t *cap, size_t need, size_t elem);
char *ly_strndup(const char *s, size_t n);
/* 1..max bytes of [A-Za-z0-9_.-] */
bool ly_is_ident(const char *s, size_t max);
/* 1..max bytes of printable ASCII without space (0x21..0x7e) */
bool ly_is_token(const char *s, size_t max);
/* valid UTF-8 without C0/DEL control characters, at most max bytes */
bool ly_is_text(const char *s, size_t max);

/* A small owned list of distinct strings in insertion order. */
typedef struct ly_strset {
	char **items;
	size_t count;
	size_t cap;
} ly_strset;

void ly_strset_free(ly_strset *s);
bool ly_strset_has(const ly_strset *s, const char *v);
/* LOYALTY_OK, LOYALTY_EDUPLICATE (unchanged) or LOYALTY_ENOMEM (unchanged); sets no message */
int ly_strset_add(ly_strset *s, const char *v);
int ly_strset_copy(ly_strset *dst, const ly_strset *src);
int ly_strset_remove(ly_strset *s, const char *v);

/* ---- checked arithmetic -------------------------------------------------- */

static inline bool ly_add64(int64_t a, int64_t b, int64_t *out) { return !__builtin_add_overflow(a, b, out); }
static inline bool ly_sub64(int64_t a, int64_t b, int64_t *out) { return !__builtin_sub_overflow(a, b, out); }
static inline bool ly_mul64(int64_t a, int64_t b, int64_t *out) { return !__builtin_mul_overflow(a, b, out); }

/* Exact fractions. All return LOYALTY_OK or LOYALTY_ERANGE (no message set).
 * ly_frac_add, _sub and _mul take reduced fractions (den > 0). */
static inline ly_frac ly_frac_int(int64_t v) { ly_frac f = { v, 1 }; return f; }
int ly_frac_make(ly_i128 num, ly_i128 den, ly_frac *out); /* reduces; den != 0 */
int ly_frac_add(ly_frac a, ly_frac b, ly_frac *out);
int ly_frac_sub(ly_frac a, ly_frac b, ly_frac *out);
int ly_frac_mul(ly_frac a, ly_frac b, ly_frac *out);
int ly_frac_cmp(ly_frac a, ly_frac b);
static inline bool ly_frac_is_zero(ly_frac a) { return a.num == 0; }
/* rounding; mode validated by the caller */
int ly_frac_round(ly_frac f, int mode, int64_t *out);
/* lcm of two positive int64, 0 when it does not fit (or either is <= 0) */
int64_t ly_lcm64(int64_t a, int64_t b);
/* "25", "2599/100" */
void ly_frac_str(ly_frac f, char *buf, size_t size);

/* ---- parsing numbers ----------------------------------------------------- */

/* text is [+-]?[0-9]+ (whatever its size) */
bool ly_is_int_syntax(const char *s);
/* whole text is a decimal int64 (optional leading '-') */
bool ly_parse_i64(const char *s, int64_t *out);
/* "a/b" or "a"; den > 0; reduced. LOYALTY_OK, LOYALTY_EINVAL, LOYALTY_ERANGE (no message). */
int ly_parse_frac(const char *s, ly_frac *out);

/* ---- calendar (util.c), proleptic Gregorian ------------------------------ */

int64_t ly_days_from_civil(int64_t y, int m, int d);
void ly_civil_from_days(int64_t z, int64_t *y, int *m, int *d);
bool ly_is_leap(int64_t y);
int ly_days_in_month(int64_t y, int m);
/* floor division of a time by a day at an offset: the local day number */
int64_t ly_local_day(loyalty_time t, int offset_minutes);
/* ISO weekday 1 (Mon) .. 7 (Sun) of a day number (0 = 1970-01-01, a Thursday) */
int ly_weekday(int64_t day);

/* Copy at most size - 1 bytes of src (NULL: "") into dst and terminate it, cutting as snprintf would. */
void ly_copy_str(char *dst, size_t size, const char *src);

#endif /* LY_INTERNAL_H */
