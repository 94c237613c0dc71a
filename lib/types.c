/*
 * libloyalty - value types: currencies, rounding, fractions, time, ids.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "internal.h"
#include "loyalty/loyalty.h"
#include "program_internal.h"

/* ---- versions -------------------------------------------------------------- */

LOYALTY_API int loyalty_version_number(void)
{
	return LOYALTY_VERSION_NUMBER;
}

LOYALTY_API const char *loyalty_version_string(void)
{
	return LOYALTY_VERSION_STRING;
}

/* ---- currencies ------------------------------------------------------------ */

struct currency {
	char code[4];
	int digits;
};

static const struct currency currencies[] = {
#include "currency_table.inc"
};

static int currency_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct currency *)elem)->code);
}

static const struct currency *currency_find(const char *code)
{
	if (code == NULL || strlen(code) != 3)
		return NULL;
	return bsearch(code, currencies, sizeof currencies / sizeof currencies[0], sizeof currencies[0],
	               currency_cmp);
}

LOYALTY_API int loyalty_currency_is_valid(const char *code)
{
	return currency_find(code) != NULL;
}

LOYALTY_API int loyalty_currency_minor_digits(const char *code)
{
	const struct currency *c = currency_find(code);

	if (c == NULL)
		return ly_error(LOYALTY_ECURRENCY, "loyalty_currency_minor_digits: unknown currency '%s'",
		                code ? code : "(null)");
	return c->digits;
}

/* ---- rounding ---------------------------------------------------------------- */

static const char *const rounding_names[] = { "floor", "half_up", "half_even", "ceil" };

LOYALTY_API const char *loyalty_rounding_name(int mode)
{
	if (mode < 0 || mode > LOYALTY_ROUND_CEIL)
		return NULL;
	return rounding_names[mode];
}

LOYALTY_API int loyalty_rounding_parse(const char *name, loyalty_rounding *out)
{
	LY_CHECK_NULL(name, "loyalty_rounding_parse");
	LY_CHECK_NULL(out, "loyalty_rounding_parse");
	for (int i = 0; i <= LOYALTY_ROUND_CEIL; i++) {
		if (strcmp(name, rounding_names[i]) == 0) {
			*out = (loyalty_rounding)i;
			return LOYALTY_OK;
		}
	}
	return ly_error(LOYALTY_ENOTFOUND, "loyalty_rounding_parse: unknown rounding mode '%s'", name);
}

/* ---- fractions ------------------------------------------------------------ */

LOYALTY_API int loyalty_fraction_reduce(loyalty_fraction f, loyalty_fraction *out)
{
	LY_CHECK_NULL(out, "loyalty_fraction_reduce");
	if (f.den == 0)
		return ly_error(LOYALTY_EINVAL, "loyalty_fraction_reduce: denominator is 0");
	if (ly_frac_make(f.num, f.den, out) != LOYALTY_OK)
		return ly_error(LOYALTY_ERANGE, "loyalty_fraction_reduce: %lld/%lld does not fit int64",
		                (long long)f.num, (long long)f.den);
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_fraction_round(loyalty_fraction f, loyalty_rounding mode, int64_t *out)
{
	int rc;

	LY_CHECK_NULL(out, "loyalty_fraction_round");
	if (f.den <= 0)
		return ly_error(LOYALTY_EINVAL, "loyalty_fraction_round: denominator must be positive (got %lld)",
		                (long long)f.den);
	if ((int)mode < 0 || mode > LOYALTY_ROUND_CEIL)
		return ly_error(LOYALTY_EINVAL, "loyalty_fraction_round: unknown rounding mode %d", (int)mode);
	rc = ly_frac_round(f, mode, out);
	if (rc != LOYALTY_OK)
		return ly_error(rc, "loyalty_fraction_round: result does not fit int64");
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_fraction_parse(const char *text, loyalty_fraction *out)
{
	ly_frac f;
	int rc;

	LY_CHECK_NULL(text, "loyalty_fraction_parse");
	LY_CHECK_NULL(out, "loyalty_fraction_parse");
	rc = ly_parse_frac(text, &f);
	if (rc != LOYALTY_OK)
		return ly_error(rc, "loyalty_fraction_parse: '%s' is %s", text,
		                rc == LOYALTY_ERANGE ? "out of range" : "not a fraction like 3/2");
	*out = f;
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_fraction_format(loyalty_fraction f, char *buf, size_t size)
{
	char tmp[48];
	size_t n;

	LY_CHECK_NULL(buf, "loyalty_fraction_format");
	if (f.den <= 0)
		return ly_error(LOYALTY_EINVAL, "loyalty_fraction_format: denominator must be positive (got %lld)",
		                (long long)f.den);
	ly_frac_make(f.num, f.den, &f); /* reducing with den > 0 always fits */
	ly_frac_str(f, tmp, sizeof tmp);
	n = strlen(tmp);
	if (n + 1 > size)
		return ly_error(LOYALTY_ERANGE, "loyalty_fraction_format: buffer of %zu bytes too small", size);
	memcpy(buf, tmp, n + 1);
	return (int)n;
}

/* ---- time ------------------------------------------------------------------- */

LOYALTY_API int loyalty_time_from_civil(int year, int month, int day, int hour, int minute, int second,
                                        int utc_offset_minutes, loyalty_time *out)
{
	int64_t days, ms;

	LY_CHECK_NULL(out, "loyalty_time_from_civil");
	if (year < -200000 || year > 200000)
		return ly_error(LOYALTY_EINVAL, "loyalty_time_from_civil: year %d out of range", year);
	if (month < 1 || month > 12)
		return ly_error(LOYALTY_EINVAL, "loyalty_time_from_civil: month must be 1..12 (got %d)", month);
	if (day < 1 || day > ly_days_in_month(year, month))
		return ly_error(LOYALTY_EINVAL, "loyalty_time_from_civil: day %d does not exist in %04d-%02d", day,
		                year, month);
	if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
		return ly_error(LOYALTY_EINVAL, "loyalty_time_from_civil: time %02d:%02d:%02d out of range", hour,
		                minute, second);
	if (utc_offset_minutes < LOYALTY_UTC_OFFSET_MIN || utc_offset_minutes > LOYALTY_UTC_OFFSET_MAX)
		return ly_error(LOYALTY_EINVAL, "loyalty_time_from_civil: utc_offset_minutes %d outside -840..840",
		                utc_offset_minutes);
	days = ly_days_from_civil(year, month, day);
	ms = days * LOYALTY_MS_PER_DAY + hour * LOYALTY_MS_PER_HOUR + minute * LOYALTY_MS_PER_MINUTE +
	     second * LOYALTY_MS_PER_SECOND - (int64_t)utc_offset_minutes * LOYALTY_MS_PER_MINUTE;
	*out = ms;
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_time_to_civil(loyalty_time t, int utc_offset_minutes, int *year, int *month, int *day,
                                      int *hour, int *minute, int *second, int *weekday)
{
	int64_t d, y, local, rem;
	int m, dd;

	if (utc_offset_minutes < LOYALTY_UTC_OFFSET_MIN || utc_offset_minutes > LOYALTY_UTC_OFFSET_MAX)
		return ly_error(LOYALTY_EINVAL, "loyalty_time_to_civil: utc_offset_minutes %d outside -840..840",
		                utc_offset_minutes);
	if (!ly_add64(t, (int64_t)utc_offset_minutes * LOYALTY_MS_PER_MINUTE, &local))
		return ly_error(LOYALTY_ERANGE, "loyalty_time_to_civil: time %lld out of range", (long long)t);
	d = ly_local_day(t, utc_offset_minutes);
	rem = local - d * LOYALTY_MS_PER_DAY;
	ly_civil_from_days(d, &y, &m, &dd);
	if (y > INT32_MAX || y < INT32_MIN)
		return ly_error(LOYALTY_ERANGE, "loyalty_time_to_civil: year out of range");
	if (year)
		*year = (int)y;
	if (month)
		*month = m;
	if (day)
		*day = dd;
	if (hour)
		*hour = (int)(rem / LOYALTY_MS_PER_HOUR);
	if (minute)
		*minute = (int)(rem % LOYALTY_MS_PER_HOUR / LOYALTY_MS_PER_MINUTE);
	if (second)
		*second = (int)(rem % LOYALTY_MS_PER_MINUTE / LOYALTY_MS_PER_SECOND);
	if (weekday)
		*weekday = ly_weekday(d);
	return LOYALTY_OK;
}

/* ---- ids ---------------------------------------------------------------------- */

LOYALTY_API int loyalty_id_generate(loyalty_id *out)
{
	uuid_t u;

	LY_CHECK_NULL(out, "loyalty_id_generate");
	uuid_generate_random(u);
	memcpy(out->bytes, u, sizeof out->bytes);
	return LOYALTY_OK;
}

/* Entry ids (program_internal.h). One libuuid call per program for the seed; then each id is
 * the seed XOR a mask of seq (two words, in the host's byte order), with the version 4 and
 * variant bits set. Ids are unique, not secret: knowing one id and its seq tells the others
 * (coupon codes, which are secrets, still come from libuuid). A host of the other byte order
 * replaying a journal finds the ids not derived and keeps them whole: still exact. */
void ly_id_random_seed(uint8_t seed[16])
{
	uuid_t u;

	uuid_generate_random(u);
	memcpy(seed, u, 16);
}

static uint64_t mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The mask of seq: the first word is h1, a bijection of seq, except its bits 52..55, which the
 * version nibble overwrites and which go to bits 8..11 of the second word (the variant bits are
 * 6..7 there), so the ids of distinct seqs differ under one seed; the rest is a second mix. */
static void seq_mask(uint64_t seq, uint64_t m[2])
{
	uint64_t h1 = mix64(seq), h2 = mix64(seq ^ 0xa5a5a5a5a5a5a5a5ULL);

	m[0] = h1;
	m[1] = (h2 & ~(uint64_t)0xf00) | (((h1 >> 52) & 0xf) << 8);
}

void ly_entry_id(const uint8_t seed[16], uint64_t seq, loyalty_id *out)
{
	uint64_t m[2], s[2];

	seq_mask(seq, m);
	memcpy(s, seed, 16);
	s[0] ^= m[0];
	s[1] ^= m[1];
	memcpy(out->bytes, s, 16);
	out->bytes[6] = (uint8_t)((out->bytes[6] & 0x0f) | 0x40); /* version 4 */
	out->bytes[8] = (uint8_t)((out->bytes[8] & 0x3f) | 0x80); /* RFC 4122 variant */
}

void ly_id_seed_of(const loyalty_id *id, uint64_t seq, uint8_t seed[16])
{
	uint64_t m[2], s[2];

	seq_mask(seq, m);
	memcpy(s, id->bytes, 16);
	s[0] ^= m[0];
	s[1] ^= m[1];
	memcpy(seed, s, 16);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

LOYALTY_API int loyalty_id_parse(const char *text, loyalty_id *out)
{
	loyalty_id id;
	size_t k = 0;

	LY_CHECK_NULL(text, "loyalty_id_parse");
	LY_CHECK_NULL(out, "loyalty_id_parse");
	/* strict 8-4-4-4-12 form; libuuid's uuid_parse accepts the same */
	if (strlen(text) != LOYALTY_ID_STRLEN)
		return ly_error(LOYALTY_EINVAL, "loyalty_id_parse: expected 36 characters, got %zu", strlen(text));
	for (size_t i = 0; i < LOYALTY_ID_STRLEN;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (text[i] != '-')
				return ly_error(LOYALTY_EINVAL, "loyalty_id_parse: expected '-' at offset %zu", i);
			i++;
			continue;
		}
		int hi = hexval(text[i]), lo = hexval(text[i + 1]);
		if (hi < 0 || lo < 0)
			return ly_error(LOYALTY_EINVAL, "loyalty_id_parse: bad hex digit at offset %zu",
			                hi < 0 ? i : i + 1);
		id.bytes[k++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	*out = id;
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_id_format(const loyalty_id *id, char *buf, size_t size)
{
	LY_CHECK_NULL(id, "loyalty_id_format");
	LY_CHECK_NULL(buf, "loyalty_id_format");
	if (size < LOYALTY_ID_STRLEN + 1)
		return ly_error(LOYALTY_ERANGE, "loyalty_id_format: buffer of %zu bytes, need 37", size);
	uuid_unparse_lower(id->bytes, buf);
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_id_is_nil(const loyalty_id *id)
{
	if (id == NULL)
		return 1;
	for (size_t i = 0; i < sizeof id->bytes; i++)
		if (id->bytes[i] != 0)
			return 0;
	return 1;
}

LOYALTY_API int loyalty_id_compare(const loyalty_id *a, const loyalty_id *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return memcmp(a->bytes, b->bytes, sizeof a->bytes);
}
