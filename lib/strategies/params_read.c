/*
 * libloyalty - typed, strict readers of strategy parameters.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategy_internal.h"

static bool in_list(const char *const *list, const char *key)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, key) == 0)
			return true;
	return false;
}

int ly_params_check(const loyalty_params *p, const char *const *keys, const char *const *list_keys,
                    const char *prefix)
{
	for (size_t i = 0; i < p->count; i++) {
		const char *k = p->keys[i];
		bool prefixed = prefix != NULL && strncmp(k, prefix, strlen(prefix)) == 0 && k[strlen(prefix)] != '\0';

		if (!prefixed && !in_list(keys, k) && !in_list(list_keys, k))
			return ly_error(LOYALTY_EINVAL, "unknown parameter '%s'", k);
		if (in_list(list_keys, k))
			continue;
		for (size_t j = 0; j < i; j++)
			if (strcmp(p->keys[j], k) == 0)
				return ly_error(LOYALTY_EINVAL, "parameter '%s' given twice", k);
	}
	return LOYALTY_OK;
}

int ly_param_int(const loyalty_params *p, const char *key, bool required, int64_t def, int64_t min, int64_t max,
                 int64_t *out)
{
	const char *v = loyalty_params_get(p, key);
	int64_t x;

	if (v == NULL) {
		if (required)
			return ly_error(LOYALTY_EINVAL, "parameter '%s' is required", key);
		*out = def;
		return LOYALTY_OK;
	}
	if (!ly_parse_i64(v, &x))
		return ly_error(ly_is_int_syntax(v) ? LOYALTY_ERANGE : LOYALTY_EINVAL,
		                "parameter '%s' must be an integer (got '%s')", key, v);
	if (x < min || x > max)
		return ly_error(LOYALTY_ERANGE, "parameter '%s' must be in %lld..%lld (got %lld)", key, (long long)min,
		                (long long)max, (long long)x);
	*out = x;
	return LOYALTY_OK;
}

int ly_param_frac(const loyalty_params *p, const char *key, bool required, ly_frac def, ly_frac min, bool strict,
                  ly_frac *out)
{
	const char *v = loyalty_params_get(p, key);
	char m[48];
	ly_frac f;
	int rc, cmp;

	if (v == NULL) {
		if (required)
			return ly_error(LOYALTY_EINVAL, "parameter '%s' is required", key);
		*out = def;
		return LOYALTY_OK;
	}
	rc = ly_parse_frac(v, &f);
	if (rc != LOYALTY_OK)
		return ly_error(rc, "parameter '%s' must be a number or fraction like 3/2 (got '%s')", key, v);
	cmp = ly_frac_cmp(f, min);
	if (cmp < 0 || (strict && cmp == 0)) {
		ly_frac_str(min, m, sizeof m);
		return ly_error(LOYALTY_ERANGE, "parameter '%s' must be %s %s (got '%s')", key, strict ? ">" : ">=", m, v);
	}
	*out = f;
	return LOYALTY_OK;
}

int ly_param_list(const loyalty_params *p, const char *key, ly_strset *out)
{
	ly_strset set = { NULL, 0, 0 };

	for (size_t i = 0; i < p->count; i++) {
		const char *v = p->values[i], *s = v;
		if (strcmp(p->keys[i], key) != 0)
			continue;
		while (*s) {
			char item[LOYALTY_PARAM_VALUE_MAX + 1];
			size_t n = strcspn(s, ",");
			int rc;

			memcpy(item, s, n);
			item[n] = '\0';
			if (!ly_is_ident(item, LOYALTY_PRODUCT_TYPE_MAX)) {
				ly_strset_free(&set);
				return ly_error(LOYALTY_EINVAL, "parameter '%s': '%s' is not a name of [A-Za-z0-9_.-]", key, item);
			}
			rc = ly_strset_add(&set, item);
			if (rc == LOYALTY_EDUPLICATE) {
				ly_strset_free(&set);
				return ly_error(LOYALTY_EINVAL, "parameter '%s': '%s' listed twice", key, item);
			}
			if (rc != LOYALTY_OK) {
				ly_strset_free(&set);
				return ly_error(rc, "out of memory");
			}
			s += n;
			if (*s == ',') {
				s++;
				if (*s == '\0') {
					ly_strset_free(&set);
					return ly_error(LOYALTY_EINVAL, "parameter '%s': empty list item", key);
				}
			}
		}
	}
	*out = set;
	return LOYALTY_OK;
}

int ly_param_choice(const loyalty_params *p, const char *key, const char *const *choices, int def, int *out)
{
	const char *v = loyalty_params_get(p, key);

	if (v == NULL) {
		*out = def;
		return LOYALTY_OK;
	}
	for (int i = 0; choices[i] != NULL; i++) {
		if (strcmp(choices[i], v) == 0) {
			*out = i;
			return LOYALTY_OK;
		}
	}
	return ly_error(LOYALTY_EINVAL, "parameter '%s' has no choice '%s'", key, v);
}

int ly_params_add_list(loyalty_params *out, const char *key, const ly_strset *list)
{
	char buf[LOYALTY_PARAM_VALUE_MAX + 1];
	size_t len = 0;
	int rc;

	/* items joined by commas, a new pair whenever a value would pass the limit */
	for (size_t i = 0; i < list->count; i++) {
		size_t n = strlen(list->items[i]);
		if (len > 0 && len + 1 + n > LOYALTY_PARAM_VALUE_MAX) {
			rc = loyalty_params_add(out, key, buf);
			if (rc != LOYALTY_OK)
				return rc;
			len = 0;
		}
		if (len > 0)
			buf[len++] = ',';
		memcpy(buf + len, list->items[i], n + 1);
		len += n;
	}
	return len > 0 ? loyalty_params_add(out, key, buf) : LOYALTY_OK;
}
