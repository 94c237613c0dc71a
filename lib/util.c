/*
 * libloyalty - private helpers: strings, string sets, exact fractions,
 * number parsing and the proleptic Gregorian calendar.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "strategy_internal.h" /* ly_fmt */

/* ---- strings ------------------------------------------------------------ */

char *ly_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *ly_strdup(const char *s)
{
	return ly_strndup(s, strlen(s));
}

int ly_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return LOYALTY_OK;
	while (c < need)
		c *= 2;
	p = realloc(*arr, c * elem);
	if (p == NULL)
		return LOYALTY_ENOMEM;
	*arr = p;
	*cap = c;
	return LOYALTY_OK;
}

bool ly_is_ident(const char *s, size_t max)
{
	size_t n = 0;

	if (s == NULL || *s == '\0')
		return false;
	for (; s[n] != '\0'; n++) {
		char c = s[n];
		if (n >= max)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

bool ly_is_token(const char *s, size_t max)
{
	size_t n = 0;

	if (s == NULL || *s == '\0')
		return false;
	for (; s[n] != '\0'; n++) {
		unsigned char c = (unsigned char)s[n];
		if (n >= max || c < 0x21 || c > 0x7e)
			return false;
	}
	return true;
}

bool ly_is_text(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	if (s == NULL)
		return false;
	while (p[n] != '\0') {
		unsigned char c = p[n];
		size_t len;
		uint32_t cp;

		if (c < 0x20 || c == 0x7f)
			return false;
		if (c < 0x80) {
			n++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1fu;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0fu;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07u;
		} else {
			return false;
		}
		for (size_t k = 1; k < len; k++) {
			if ((p[n + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[n + k] & 0x3fu);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		n += len;
	}
	return n <= max;
}

/* ---- string sets ----------------------------------------------------------- */

void ly_strset_free(ly_strset *s)
{
	for (size_t i = 0; i < s->count; i++)
		free(s->items[i]);
	free(s->items);
	s->items = NULL;
	s->count = s->cap = 0;
}

bool ly_strset_has(const ly_strset *s, const char *v)
{
	for (size_t i = 0; i < s->count; i++)
		if (strcmp(s->items[i], v) == 0)
			return true;
	return false;
}

int ly_strset_add(ly_strset *s, const char *v)
{
	char *copy;

	if (ly_strset_has(s, v))
		return LOYALTY_EDUPLICATE;
	if (s->count == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4;
		char **items = realloc(s->items, cap * sizeof *items);
		if (items == NULL)
			return LOYALTY_ENOMEM;
		s->items = items;
		s->cap = cap;
	}
	copy = ly_strdup(v);
	if (copy == NULL)
		return LOYALTY_ENOMEM;
	s->items[s->count++] = copy;
	return LOYALTY_OK;
}

int ly_strset_copy(ly_strset *dst, const ly_strset *src)
{
	ly_strset tmp = { NULL, 0, 0 };

	for (size_t i = 0; i < src->count; i++) {
		if (ly_strset_add(&tmp, src->items[i]) != LOYALTY_OK) {
			ly_strset_free(&tmp);
			return LOYALTY_ENOMEM;
		}
	}
	*dst = tmp;
	return LOYALTY_OK;
}

int ly_strset_remove(ly_strset *s, const char *v)
{
	for (size_t i = 0; i < s->count; i++) {
		if (strcmp(s->items[i], v) == 0) {
			free(s->items[i]);
			memmove(&s->items[i], &s->items[i + 1], (s->count - i - 1) * sizeof *s->items);
			s->count--;
			return LOYALTY_OK;
		}
	}
	return LOYALTY_ENOTFOUND;
}

/* ---- exact fractions ----------------------------------------------------- */

/* Binary GCD (Stein) on 64 bits: no division, a few ns. */
static uint64_t gcd64(uint64_t a, uint64_t b)
{
	int shift;

	if (a == 0)
		return b;
	if (b == 0)
		return a;
	shift = __builtin_ctzll(a | b);
	a >>= __builtin_ctzll(a);
	do {
		b >>= __builtin_ctzll(b);
		if (a > b) {
			uint64_t t = a;
			a = b;
			b = t;
		}
		b -= a;
	} while (b != 0);
	return a << shift;
}

static ly_i128 gcd128(ly_i128 a, ly_i128 b)
{
	if (a < 0)
		a = -a;
	if (b < 0)
		b = -b;
	/* the common case: both fit 64 bits */
	if (a <= (ly_i128)UINT64_MAX && b <= (ly_i128)UINT64_MAX)
		return (ly_i128)gcd64((uint64_t)a, (uint64_t)b);
	while (b != 0) {
		ly_i128 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

int64_t ly_lcm64(int64_t a, int64_t b)
{
	int64_t q, out;

	if (a <= 0 || b <= 0)
		return 0;
	q = a / (int64_t)gcd64((uint64_t)a, (uint64_t)b);
	return ly_mul64(q, b, &out) ? out : 0;
}

int ly_frac_make(ly_i128 num, ly_i128 den, ly_frac *out)
{
	ly_i128 g;

	if (den < 0) {
		num = -num;
		den = -den;
	}
	if (num > INT64_MIN && num <= INT64_MAX && den <= INT64_MAX) {
		/* the common case, in 64-bit arithmetic (128-bit division is slow) */
		int64_t n = (int64_t)num, d = (int64_t)den;
		uint64_t g64 = gcd64(n < 0 ? (uint64_t)-n : (uint64_t)n, (uint64_t)d);
		if (g64 > 1) {
			n /= (int64_t)g64;
			d /= (int64_t)g64;
		}
		out->num = n;
		out->den = n == 0 ? 1 : d;
		return LOYALTY_OK;
	}
	g = gcd128(num, den);
	if (g > 1) {
		num /= g;
		den /= g;
	}
	if (num == 0)
		den = 1;
	if (num > INT64_MAX || num < INT64_MIN || den > INT64_MAX)
		return LOYALTY_ERANGE;
	out->num = (int64_t)num;
	out->den = (int64_t)den;
	return LOYALTY_OK;
}

/* The fast paths below give the reduced result without a GCD: inputs are
 * reduced with den > 0 (every fraction the library keeps is). */
int ly_frac_add(ly_frac a, ly_frac b, ly_frac *out)
{
	if (a.num == 0) {
		*out = b;
		return LOYALTY_OK;
	}
	if (b.num == 0) {
		*out = a;
		return LOYALTY_OK;
	}
	if (a.den == 1 && b.den == 1) {
		if (!ly_add64(a.num, b.num, &out->num))
			return LOYALTY_ERANGE;
		out->den = 1;
		return LOYALTY_OK;
	}
	if (a.den == b.den)
		return ly_frac_make((ly_i128)a.num + b.num, a.den, out);
	return ly_frac_make((ly_i128)a.num * b.den + (ly_i128)b.num * a.den, (ly_i128)a.den * b.den, out);
}

int ly_frac_sub(ly_frac a, ly_frac b, ly_frac *out)
{
	if (a.den == b.den)
		return ly_frac_make((ly_i128)a.num - b.num, a.den, out);
	return ly_frac_make((ly_i128)a.num * b.den - (ly_i128)b.num * a.den, (ly_i128)a.den * b.den, out);
}

int ly_frac_mul(ly_frac a, ly_frac b, ly_frac *out)
{
	if (a.num == 0 || b.num == 0) {
		*out = ly_frac_int(0);
		return LOYALTY_OK;
	}
	if (a.den == 1 && b.den == 1) {
		if (!ly_mul64(a.num, b.num, &out->num))
			return LOYALTY_ERANGE;
		out->den = 1;
		return LOYALTY_OK;
	}
	return ly_frac_make((ly_i128)a.num * b.num, (ly_i128)a.den * b.den, out);
}

int ly_frac_cmp(ly_frac a, ly_frac b)
{
	ly_i128 l = (ly_i128)a.num * b.den, r = (ly_i128)b.num * a.den;

	return (l > r) - (l < r);
}

int ly_frac_round(ly_frac f, int mode, int64_t *out)
{
	ly_i128 n = f.num, d = f.den, q = n / d, r = n % d;
	ly_i128 twice;

	if (r != 0) {
		switch (mode) {
		case LOYALTY_ROUND_FLOOR:
			if (r < 0)
				q -= 1;
			break;
		case LOYALTY_ROUND_CEIL:
			if (r > 0)
				q += 1;
			break;
		case LOYALTY_ROUND_HALF_UP:
		case LOYALTY_ROUND_HALF_EVEN:
			twice = 2 * (r < 0 ? -r : r);
			if (twice > d || (twice == d && (mode == LOYALTY_ROUND_HALF_UP || (q % 2) != 0)))
				q += r < 0 ? -1 : 1;
			break;
		default:
			return LOYALTY_EINVAL;
		}
	}
	if (q > INT64_MAX || q < INT64_MIN)
		return LOYALTY_ERANGE;
	*out = (int64_t)q;
	return LOYALTY_OK;
}

/* ---- formatting without stdio (receipt details are made on every compute) -- */

typedef struct sbuf {
	char *buf;
	size_t size, len; /* len counts what would be written; buf holds at most size - 1 */
} sbuf;

/* append n bytes, keeping what fits */
static void sb_put(sbuf *b, const char *s, size_t n)
{
	if (b->len + n < b->size) {
		memcpy(b->buf + b->len, s, n);
	} else if (b->len + 1 < b->size) {
		memcpy(b->buf + b->len, s, b->size - 1 - b->len);
	}
	b->len += n;
}

static void sb_putc(sbuf *b, char c)
{
	sb_put(b, &c, 1);
}

static void sb_puts(sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

/* a decimal integer, at least @p width digits (zero padded) */
static void sb_puti(sbuf *b, int64_t v, int width)
{
	char digits[24];
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int n = (int)sizeof digits;

	do {
		digits[--n] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag != 0);
	while ((int)sizeof digits - n < width)
		digits[--n] = '0';
	if (v < 0)
		digits[--n] = '-';
	sb_put(b, digits + n, sizeof digits - (size_t)n);
}

static void sb_end(sbuf *b)
{
	if (b->size > 0)
		b->buf[b->len < b->size ? b->len : b->size - 1] = '\0';
}

void ly_frac_str(ly_frac f, char *buf, size_t size)
{
	sbuf b = { buf, size, 0 };

	sb_puti(&b, f.num, 0);
	if (f.den != 1) {
		sb_putc(&b, '/');
		sb_puti(&b, f.den, 0);
	}
	sb_end(&b);
}

void ly_fmt(char *buf, size_t size, const char *fmt, ...)
{
	sbuf b = { buf, size, 0 };
	va_list ap;

	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			const char *q = strchr(p, '%');
			size_t run = q ? (size_t)(q - p) : strlen(p);
			sb_put(&b, p, run);
			p += run - 1;
			continue;
		}
		p++;
		if (*p == 's') {
			sb_puts(&b, va_arg(ap, const char *));
		} else if (*p == 'd') {
			sb_puti(&b, va_arg(ap, int), 0);
		} else if (p[0] == '0' && p[1] == '2' && p[2] == 'd') {
			sb_puti(&b, va_arg(ap, int), 2);
			p += 2;
		} else if (p[0] == 'l' && p[1] == 'l' && p[2] == 'd') {
			sb_puti(&b, va_arg(ap, long long), 0);
			p += 2;
		} else if (p[0] == 'z' && p[1] == 'u') {
			size_t z = va_arg(ap, size_t);
			sb_puti(&b, (int64_t)z, 0);
			p += 1;
		} else { /* '%%'; nothing else is used */
			sb_putc(&b, '%');
		}
	}
	va_end(ap);
	sb_end(&b);
}

/* ---- parsing --------------------------------------------------------------- */

bool ly_is_int_syntax(const char *s)
{
	if (s == NULL)
		return false;
	if (*s == '+' || *s == '-')
		s++;
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

bool ly_parse_i64(const char *s, int64_t *out)
{
	bool neg = false;
	int64_t v = 0;

	if (s == NULL || *s == '\0')
		return false;
	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
		if (*s == '\0')
			return false;
	}
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (!ly_mul64(v, 10, &v))
			return false;
		if (!(neg ? ly_sub64(v, *s - '0', &v) : ly_add64(v, *s - '0', &v)))
			return false;
	}
	*out = v;
	return true;
}

int ly_parse_frac(const char *s, ly_frac *out)
{
	const char *slash;
	int64_t num, den = 1;
	char head[32];

	if (s == NULL)
		return LOYALTY_EINVAL;
	slash = strchr(s, '/');
	if (slash != NULL) {
		size_t n = (size_t)(slash - s);
		if (n == 0 || n >= sizeof head)
			return n == 0 ? LOYALTY_EINVAL : LOYALTY_ERANGE;
		memcpy(head, s, n);
		head[n] = '\0';
		if (!ly_parse_i64(head, &num))
			return ly_is_int_syntax(head) ? LOYALTY_ERANGE : LOYALTY_EINVAL;
		if (!ly_parse_i64(slash + 1, &den))
			return ly_is_int_syntax(slash + 1) ? LOYALTY_ERANGE : LOYALTY_EINVAL;
		if (den == 0)
			return LOYALTY_EINVAL;
	} else if (!ly_parse_i64(s, &num)) {
		return ly_is_int_syntax(s) ? LOYALTY_ERANGE : LOYALTY_EINVAL;
	}
	return ly_frac_make(num, den, out);
}

/* ---- calendar ---------------------------------------------------------------
 * days_from_civil / civil_from_days after Howard Hinnant's public-domain
 * "chrono-Compatible Low-Level Date Algorithms".
 */

int64_t ly_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void ly_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

bool ly_is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int ly_days_in_month(int64_t y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && ly_is_leap(y) ? 29 : days[m - 1];
}

int64_t ly_local_day(loyalty_time t, int offset_minutes)
{
	/* t + offset cannot overflow for |offset| <= 14h unless t is within 14h
	 * of the int64 limits; saturate there (such instants have no calendar). */
	int64_t local, off = (int64_t)offset_minutes * LOYALTY_MS_PER_MINUTE, day;

	if (!ly_add64(t, off, &local))
		local = t < 0 ? INT64_MIN : INT64_MAX;
	day = local / LOYALTY_MS_PER_DAY;
	if (local % LOYALTY_MS_PER_DAY < 0)
		day -= 1;
	return day;
}

int ly_weekday(int64_t day)
{
	int64_t w = (day + 3) % 7; /* 0 = Monday; day 0 was a Thursday */

	if (w < 0)
		w += 7;
	return (int)w + 1;
}

/* Copy a string of at most size - 1 bytes (callers pass validated keys and names; longer text,
 * such as a memo built from input, is cut as snprintf would). */
void ly_copy_str(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	if (src != NULL)
		while (n + 1 < size && src[n])
			n++;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}
