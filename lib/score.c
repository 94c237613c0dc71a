/*
 * libloyalty - scoring purchases given as columns (loyalty_calculator_score_columns).
 *
 * The columns are checked first, completely, so that a bad batch writes
 * nothing. Each purchase is then scored through the calculator's pipeline
 * (ly_calc_run) on a purchase and a customer built in place over the
 * columns: no copy of names, one allocation for the lines of the longest
 * purchase.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategy_internal.h"

static const char fn[] = "loyalty_calculator_score_columns";

static char empty[] = "";

/* Check every column; LOYALTY_OK or an error naming the column and index. */
static int check_columns(const loyalty_calculator *c, const loyalty_score_columns *k, size_t *max_lines)
{
	size_t n = k->npurchases, nlines = 0, most = 0;

	if (k->version != LOYALTY_SCORE_COLUMNS_VERSION)
		return ly_error(LOYALTY_EINVAL, "%s: cols.version %u unknown (expected %d)", fn, k->version,
		                LOYALTY_SCORE_COLUMNS_VERSION);
	if (k->currency == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: cols.currency is NULL", fn);
	if (strcmp(k->currency, ly_calc_options(c)->currency) != 0)
		return ly_error(LOYALTY_ECURRENCY, "%s: cols.currency '%.8s' differs from the calculator's %s", fn,
		                k->currency, ly_calc_options(c)->currency);
	if (k->ntypes > 0 && k->type_names == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: cols.type_names is NULL (ntypes %zu)", fn, k->ntypes);
	for (size_t t = 0; t < k->ntypes; t++)
		if (!ly_is_ident(k->type_names[t], LOYALTY_PRODUCT_TYPE_MAX))
			return ly_error(LOYALTY_EINVAL,
			                "%s: cols.type_names[%zu] is not a product type (1..%d bytes of [A-Za-z0-9_.-])", fn,
			                t, LOYALTY_PRODUCT_TYPE_MAX);
	if (k->ntiers > 0 && k->tier_names == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: cols.tier_names is NULL (ntiers %zu)", fn, k->ntiers);
	for (size_t t = 0; t < k->ntiers; t++)
		if (!ly_is_ident(k->tier_names[t], LOYALTY_TIER_NAME_MAX))
			return ly_error(LOYALTY_EINVAL, "%s: cols.tier_names[%zu] is not a tier name (1..%d bytes of [A-Za-z0-9_.-])",
			                fn, t, LOYALTY_TIER_NAME_MAX);
	if (k->customer_tier != NULL)
		for (size_t i = 0; i < k->ncustomers; i++)
			if (k->customer_tier[i] != UINT32_MAX && k->customer_tier[i] >= k->ntiers)
				return ly_error(LOYALTY_EINVAL, "%s: cols.customer_tier[%zu] = %lu is out of range (%zu tiers)", fn,
				                i, (unsigned long)k->customer_tier[i], k->ntiers);
	if (k->birth_month != NULL) {
		if (k->birth_day == NULL && k->ncustomers > 0)
			return ly_error(LOYALTY_EINVAL, "%s: cols.birth_day is NULL but cols.birth_month is not", fn);
		for (size_t i = 0; i < k->ncustomers; i++) {
			int m = k->birth_month[i], d = k->birth_day[i];
			if (m > 12)
				return ly_error(LOYALTY_EINVAL, "%s: cols.birth_month[%zu] = %d is not 0..12", fn, i, m);
			/* 2000 is a leap year: every month/day that any year has */
			if (m != 0 && (d < 1 || d > ly_days_in_month(2000, m)))
				return ly_error(LOYALTY_EINVAL, "%s: cols.birth_day[%zu] = %d does not exist in month %d", fn, i, d,
				                m);
		}
	}
	if (n == 0) {
		*max_lines = 0;
		return LOYALTY_OK;
	}
	if (k->at == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: cols.at is NULL (npurchases %zu)", fn, n);
	if (k->customer == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: cols.customer is NULL (npurchases %zu)", fn, n);
	if (k->line_start == NULL)
		return ly_error(LOYALTY_EINVAL, "%s: cols.line_start is NULL (npurchases %zu)", fn, n);
	if (k->line_start[0] != 0)
		return ly_error(LOYALTY_EINVAL, "%s: cols.line_start[0] = %lu, must be 0", fn,
		                (unsigned long)k->line_start[0]);
	for (size_t i = 0; i < n; i++) {
		if (k->customer[i] >= k->ncustomers)
			return ly_error(LOYALTY_EINVAL, "%s: cols.customer[%zu] = %lu is out of range (%zu customers)", fn, i,
			                (unsigned long)k->customer[i], k->ncustomers);
		if (k->line_start[i + 1] < k->line_start[i])
			return ly_error(LOYALTY_EINVAL, "%s: cols.line_start[%zu] = %lu is below line_start[%zu] = %lu", fn,
			                i + 1, (unsigned long)k->line_start[i + 1], i, (unsigned long)k->line_start[i]);
		if (k->line_start[i + 1] - k->line_start[i] > most)
			most = k->line_start[i + 1] - k->line_start[i];
	}
	nlines = k->line_start[n];
	if (nlines > 0) {
		if (k->line_type == NULL)
			return ly_error(LOYALTY_EINVAL, "%s: cols.line_type is NULL (%zu lines)", fn, nlines);
		if (k->quantity == NULL)
			return ly_error(LOYALTY_EINVAL, "%s: cols.quantity is NULL (%zu lines)", fn, nlines);
		if (k->unit_price == NULL)
			return ly_error(LOYALTY_EINVAL, "%s: cols.unit_price is NULL (%zu lines)", fn, nlines);
	}
	for (size_t l = 0; l < nlines; l++) {
		if (k->line_type[l] >= k->ntypes)
			return ly_error(LOYALTY_EINVAL, "%s: cols.line_type[%zu] = %lu is out of range (%zu types)", fn, l,
			                (unsigned long)k->line_type[l], k->ntypes);
		if (k->quantity[l] < 1)
			return ly_error(LOYALTY_EINVAL, "%s: cols.quantity[%zu] = %lld must be >= 1", fn, l,
			                (long long)k->quantity[l]);
		if (k->unit_price[l] < 0)
			return ly_error(LOYALTY_EINVAL, "%s: cols.unit_price[%zu] = %lld must be >= 0", fn, l,
			                (long long)k->unit_price[l]);
	}
	*max_lines = most;
	return LOYALTY_OK;
}

/* Fill the in-place purchase and customer of purchase i; ERANGE when a
 * total does not fit int64 (as loyalty_purchase_add_item would say). */
static int view_purchase(const loyalty_score_columns *k, size_t i, loyalty_purchase *p, loyalty_customer *cu)
{
	uint32_t who = k->customer[i], first = k->line_start[i], end = k->line_start[i + 1];
	int64_t total = 0;

	cu->tier = empty;
	if (k->customer_tier != NULL && k->customer_tier[who] != UINT32_MAX)
		cu->tier = (char *)k->tier_names[k->customer_tier[who]];
	cu->birth_month = cu->birth_day = 0;
	if (k->birth_month != NULL && k->birth_month[who] != 0) {
		cu->birth_month = k->birth_month[who];
		cu->birth_day = k->birth_day[who];
	}
	p->at = k->at[i];
	p->count = end - first;
	for (uint32_t l = first; l < end; l++) {
		ly_item *it = &p->items[l - first];
		it->sku = empty;
		it->product_type = (char *)k->type_names[k->line_type[l]];
		it->quantity = k->quantity[l];
		it->unit_price = k->unit_price[l];
		if (!ly_mul64(it->quantity, it->unit_price, &it->line_total))
			return ly_error(LOYALTY_ERANGE, "%s: line %lu total %lld x %lld overflows int64", fn, (unsigned long)l,
			                (long long)it->unit_price, (long long)it->quantity);
		if (!ly_add64(total, it->line_total, &total))
			return ly_error(LOYALTY_ERANGE, "%s: purchase total overflows int64 at line %lu", fn,
			                (unsigned long)l);
	}
	p->total = total;
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_calculator_score_columns(const loyalty_calculator *c, const loyalty_score_columns *cols,
                                                 loyalty_points *points, int *status)
{
	char first_msg[512];
	size_t max_lines = 0, first_bad = 0;
	int first_rc = LOYALTY_OK, rc;
	loyalty_purchase p;
	loyalty_customer cu;
	ly_item one;

	LY_CHECK_NULL(c, fn);
	LY_CHECK_NULL(cols, fn);
	LY_CHECK_NULL(points, fn);
	rc = check_columns(c, cols, &max_lines);
	if (rc != LOYALTY_OK)
		return rc;
	memset(&p, 0, sizeof p);
	memset(&cu, 0, sizeof cu);
	p.key = empty;
	p.channel = empty;
	memcpy(p.currency, ly_calc_options(c)->currency, sizeof p.currency);
	p.items = &one;
	if (max_lines > 1) {
		p.items = malloc(max_lines * sizeof *p.items);
		if (p.items == NULL)
			return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	}
	cu.external_ref = cu.name = cu.email = empty;
	for (size_t i = 0; i < cols->npurchases; i++) {
		loyalty_points pts = 0;

		rc = view_purchase(cols, i, &p, &cu);
		if (rc == LOYALTY_OK)
			rc = ly_calc_run(c, &cu, &p, cols->first_purchase != NULL && cols->first_purchase[i], NULL, &pts, fn);
		if (rc != LOYALTY_OK) {
			pts = 0;
			if (first_rc == LOYALTY_OK) {
				first_rc = rc;
				first_bad = i;
				const char *m = loyalty_last_error();
				size_t skip = strlen(fn);
				/* "fn: why" becomes "fn: purchase i: why" below */
				if (strncmp(m, fn, skip) == 0 && strncmp(m + skip, ": ", 2) == 0)
					m += skip + 2;
				snprintf(first_msg, sizeof first_msg, "%s", m);
			}
		}
		points[i] = pts;
		if (status != NULL)
			status[i] = rc;
	}
	if (p.items != &one)
		free(p.items);
	if (first_rc != LOYALTY_OK)
		return ly_error(first_rc, "%s: purchase %zu: %s", fn, first_bad, first_msg);
	return LOYALTY_OK;
}
