/*
 * libloyalty - receipts.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "receipt_internal.h"

int ly_receipt_intern(loyalty_receipt *r, const char *s, size_t *off)
{
	size_t n = strlen(s) + 1;

	if (r->pool_len + n > r->pool_cap) {
		size_t cap = r->pool_cap ? r->pool_cap : 256;
		char *pool;
		while (cap < r->pool_len + n)
			cap *= 2;
		if (r->inline_block) {
			/* lines and pool move out of the receipt's block */
			ly_rline *lines = r->nlines ? malloc(r->nlines * sizeof *lines) : NULL;
			pool = malloc(cap);
			if (pool == NULL || (r->nlines && lines == NULL)) {
				free(pool);
				free(lines);
				return LOYALTY_ENOMEM;
			}
			if (r->nlines)
				memcpy(lines, r->lines, r->nlines * sizeof *lines);
			memcpy(pool, r->pool, r->pool_len);
			r->lines = lines;
			r->inline_block = false;
		} else {
			pool = realloc(r->pool, cap);
			if (pool == NULL)
				return LOYALTY_ENOMEM;
		}
		r->pool = pool;
		r->pool_cap = cap;
	}
	memcpy(r->pool + r->pool_len, s, n);
	*off = r->pool_len;
	r->pool_len += n;
	return LOYALTY_OK;
}

LOYALTY_API void loyalty_receipt_free(loyalty_receipt *r)
{
	if (r == NULL)
		return;
	if (!r->inline_block) {
		free(r->lines);
		free(r->pool);
	}
	free(r);
}

LOYALTY_API int loyalty_receipt_clone(loyalty_receipt **out, const loyalty_receipt *r)
{
	loyalty_receipt *n;

	LY_CHECK_NULL(out, "loyalty_receipt_clone");
	LY_CHECK_NULL(r, "loyalty_receipt_clone");
	n = malloc(sizeof *n);
	if (n == NULL)
		return ly_error(LOYALTY_ENOMEM, "loyalty_receipt_clone: out of memory");
	*n = *r;
	n->inline_block = false;
	n->lines = r->nlines ? malloc(r->nlines * sizeof *n->lines) : NULL;
	n->pool = malloc(r->pool_len ? r->pool_len : 1);
	n->pool_cap = r->pool_len ? r->pool_len : 1;
	if ((r->nlines && n->lines == NULL) || n->pool == NULL) {
		free(n->lines);
		free(n->pool);
		free(n);
		return ly_error(LOYALTY_ENOMEM, "loyalty_receipt_clone: out of memory");
	}
	if (r->nlines)
		memcpy(n->lines, r->lines, r->nlines * sizeof *n->lines);
	if (r->pool_len)
		memcpy(n->pool, r->pool, r->pool_len);
	*out = n;
	return LOYALTY_OK;
}

LOYALTY_API loyalty_points loyalty_receipt_points(const loyalty_receipt *r)
{
	return r ? r->points : 0;
}

static const ly_frac zero = { 0, 1 };

LOYALTY_API loyalty_fraction loyalty_receipt_exact_points(const loyalty_receipt *r)
{
	return r ? r->exact : zero;
}

LOYALTY_API loyalty_fraction loyalty_receipt_base_points(const loyalty_receipt *r)
{
	return r ? r->base : zero;
}

LOYALTY_API loyalty_fraction loyalty_receipt_rounding_adjustment(const loyalty_receipt *r)
{
	return r ? r->adjustment : zero;
}

LOYALTY_API loyalty_rounding loyalty_receipt_rounding(const loyalty_receipt *r)
{
	return r ? r->rounding : LOYALTY_ROUND_FLOOR;
}

LOYALTY_API int64_t loyalty_receipt_spend(const loyalty_receipt *r)
{
	return r ? r->spend : 0;
}

LOYALTY_API int64_t loyalty_receipt_eligible_spend(const loyalty_receipt *r)
{
	return r ? r->eligible_spend : 0;
}

LOYALTY_API const char *loyalty_receipt_purchase_key(const loyalty_receipt *r)
{
	return r ? r->pool + r->key_off : NULL;
}

LOYALTY_API const char *loyalty_receipt_currency(const loyalty_receipt *r)
{
	return r ? r->currency : NULL;
}

LOYALTY_API const loyalty_id *loyalty_receipt_customer_id(const loyalty_receipt *r)
{
	return r ? &r->customer_id : NULL;
}

LOYALTY_API int loyalty_receipt_recorded(const loyalty_receipt *r)
{
	return r ? r->recorded : 0;
}

LOYALTY_API loyalty_points loyalty_receipt_credited(const loyalty_receipt *r)
{
	return r ? (r->recorded ? r->credited : r->points) : 0;
}

LOYALTY_API loyalty_points loyalty_receipt_capped(const loyalty_receipt *r)
{
	return r ? r->capped : 0;
}

LOYALTY_API loyalty_time loyalty_receipt_pending_until(const loyalty_receipt *r)
{
	return r ? r->pending_until : 0;
}

LOYALTY_API uint64_t loyalty_receipt_entry_seq(const loyalty_receipt *r)
{
	return r ? r->entry_seq : 0;
}

LOYALTY_API size_t loyalty_receipt_line_count(const loyalty_receipt *r)
{
	return r ? r->nlines : 0;
}

LOYALTY_API int loyalty_receipt_line_at(const loyalty_receipt *r, size_t i, loyalty_receipt_line *out)
{
	const ly_rline *l;

	LY_CHECK_NULL(r, "loyalty_receipt_line_at");
	LY_CHECK_NULL(out, "loyalty_receipt_line_at");
	if (i >= r->nlines)
		return ly_error(LOYALTY_ERANGE, "loyalty_receipt_line_at: index %zu out of range (%zu lines)", i, r->nlines);
	l = &r->lines[i];
	out->strategy = r->pool + l->name_off;
	out->kind = r->pool + l->kind_off;
	out->role = l->role;
	out->applied = l->applied;
	out->points = l->points;
	out->detail = r->pool + l->detail_off;
	return LOYALTY_OK;
}

/* "2599/100 (25.99)": the fraction and its decimal value to 2 places, truncated toward zero, "~" when inexact */
static void frac_pretty(ly_frac f, char *buf, size_t size)
{
	char exact[48];
	ly_i128 scaled, n = f.num;
	long long whole, cents;
	bool neg = n < 0;

	ly_frac_str(f, exact, sizeof exact);
	if (f.den == 1) {
		snprintf(buf, size, "%s", exact);
		return;
	}
	if (neg)
		n = -n;
	scaled = n * 100 / f.den;
	whole = (long long)(scaled / 100);
	cents = (long long)(scaled % 100);
	snprintf(buf, size, "%s (%s%s%lld.%02lld)", exact, n * 100 % f.den ? "~" : "", neg ? "-" : "", whole, cents);
}

/* "12.34" for 1234 minor units of a 2-digit currency */
static void money_str(int64_t amount, const char *currency, char *buf, size_t size)
{
	int digits = loyalty_currency_is_valid(currency) ? loyalty_currency_minor_digits(currency) : 0;
	uint64_t mag = amount < 0 ? (uint64_t)0 - (uint64_t)amount : (uint64_t)amount, scale = 1;

	for (int i = 0; i < digits; i++)
		scale *= 10;
	if (digits == 0)
		snprintf(buf, size, "%s%llu", amount < 0 ? "-" : "", (unsigned long long)mag);
	else
		snprintf(buf, size, "%s%llu.%0*llu", amount < 0 ? "-" : "", (unsigned long long)(mag / scale), digits,
		         (unsigned long long)(mag % scale));
}

struct sbuf {
	char *buf;
	size_t size, len;
};

static void sb_printf(struct sbuf *sb, const char *fmt, ...) LY_PRINTF(2, 3);
static void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;
	size_t room = sb->len < sb->size ? sb->size - sb->len : 0;

	va_start(ap, fmt);
	n = vsnprintf(room ? sb->buf + sb->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->len += (size_t)n;
}

LOYALTY_API int loyalty_receipt_format(const loyalty_receipt *r, char *buf, size_t size)
{
	struct sbuf sb = { buf, size, 0 };
	char id[LOYALTY_ID_STRLEN + 1], a[96], b[96];

	LY_CHECK_NULL(r, "loyalty_receipt_format");
	if (buf == NULL && size != 0)
		return ly_error(LOYALTY_EINVAL, "loyalty_receipt_format: buf is NULL but size is %zu", size);
	if (size)
		buf[0] = '\0';
	loyalty_id_format(&r->customer_id, id, sizeof id);
	sb_printf(&sb, "purchase %s  customer %s\n", r->pool + r->key_off, id);
	money_str(r->spend, r->currency, a, sizeof a);
	money_str(r->eligible_spend, r->currency, b, sizeof b);
	sb_printf(&sb, "  spend %s %s, eligible %s\n", r->currency, a, b);
	for (size_t i = 0; i < r->nlines; i++) {
		const ly_rline *l = &r->lines[i];
		frac_pretty(l->points, a, sizeof a);
		sb_printf(&sb, "  %-18s %-16s %-10s %s%s  [%s]\n", r->pool + l->name_off, r->pool + l->kind_off,
		          loyalty_strategy_role_name(l->role), l->applied && l->points.num >= 0 ? "+" : "",
		          l->applied ? a : "-", r->pool + l->detail_off);
	}
	frac_pretty(r->exact, a, sizeof a);
	frac_pretty(r->adjustment, b, sizeof b);
	sb_printf(&sb, "  exact %s, rounded %s by %s\n", a, loyalty_rounding_name(r->rounding), b);
	sb_printf(&sb, "  points %lld\n", (long long)r->points);
	if (r->recorded) {
		if (r->capped)
			sb_printf(&sb, "  capped by %lld: credited %lld\n", (long long)r->capped, (long long)r->credited);
		if (r->pending_until) {
			int y, mo, d;
			loyalty_time_to_civil(r->pending_until, 0, &y, &mo, &d, NULL, NULL, NULL, NULL);
			sb_printf(&sb, "  pending until %04d-%02d-%02d (UTC)\n", y, mo, d);
		}
		if (r->entry_seq)
			sb_printf(&sb, "  ledger entry #%llu\n", (unsigned long long)r->entry_seq);
	}
	return sb.len > INT32_MAX ? ly_error(LOYALTY_ERANGE, "loyalty_receipt_format: too long") : (int)sb.len;
}
