/*
 * libloyalty - strategy parameters as key=value pairs.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params_internal.h"

static bool key_ok(const char *k)
{
	size_t n = 0;

	if (k == NULL || *k == '\0')
		return false;
	for (; k[n]; n++) {
		char c = k[n];
		if (n >= LOYALTY_PARAM_KEY_MAX)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '.' || c == '-'))
			return false;
	}
	return true;
}

static bool value_ok(const char *v)
{
	return ly_is_token(v, LOYALTY_PARAM_VALUE_MAX) && strchr(v, '=') == NULL;
}

LOYALTY_API int loyalty_params_new(loyalty_params **out)
{
	loyalty_params *p;

	LY_CHECK_NULL(out, "loyalty_params_new");
	p = calloc(1, sizeof *p);
	if (p == NULL || (p->text = calloc(1, 1)) == NULL) {
		free(p);
		return ly_error(LOYALTY_ENOMEM, "loyalty_params_new: out of memory");
	}
	*out = p;
	return LOYALTY_OK;
}

LOYALTY_API void loyalty_params_free(loyalty_params *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->count; i++) {
		free(p->keys[i]);
		free(p->values[i]);
	}
	free(p->keys);
	free(p->values);
	free(p->text);
	free(p);
}

LOYALTY_API int loyalty_params_add(loyalty_params *p, const char *key, const char *value)
{
	char *k, *v, *text;
	size_t tlen, need;

	LY_CHECK_NULL(p, "loyalty_params_add");
	LY_CHECK_NULL(key, "loyalty_params_add");
	LY_CHECK_NULL(value, "loyalty_params_add");
	if (!key_ok(key))
		return ly_error(LOYALTY_EINVAL, "loyalty_params_add: key '%.80s' must be 1..%d bytes of [A-Za-z0-9_.-]", key,
		                LOYALTY_PARAM_KEY_MAX);
	if (!value_ok(value))
		return ly_error(LOYALTY_EINVAL,
		                "loyalty_params_add: value of '%s' must be 1..%d printable bytes without spaces or '='",
		                key, LOYALTY_PARAM_VALUE_MAX);
	if (p->count >= LOYALTY_PARAMS_MAX)
		return ly_error(LOYALTY_ERANGE, "loyalty_params_add: at most %d parameters", LOYALTY_PARAMS_MAX);
	if (p->count == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		char **keys = realloc(p->keys, cap * sizeof *keys);
		if (keys == NULL)
			return ly_error(LOYALTY_ENOMEM, "loyalty_params_add: out of memory");
		p->keys = keys;
		char **values = realloc(p->values, cap * sizeof *values);
		if (values == NULL)
			return ly_error(LOYALTY_ENOMEM, "loyalty_params_add: out of memory");
		p->values = values;
		p->cap = cap;
	}
	tlen = strlen(p->text);
	need = tlen + (tlen ? 1 : 0) + strlen(key) + 1 + strlen(value) + 1;
	k = ly_strdup(key);
	v = ly_strdup(value);
	text = malloc(need);
	if (k == NULL || v == NULL || text == NULL) {
		free(k);
		free(v);
		free(text);
		return ly_error(LOYALTY_ENOMEM, "loyalty_params_add: out of memory");
	}
	snprintf(text, need, "%s%s%s=%s", p->text, tlen ? " " : "", key, value);
	free(p->text);
	p->text = text;
	p->keys[p->count] = k;
	p->values[p->count] = v;
	p->count++;
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_params_add_int(loyalty_params *p, const char *key, int64_t value)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", (long long)value);
	return loyalty_params_add(p, key, buf);
}

LOYALTY_API int loyalty_params_add_fraction(loyalty_params *p, const char *key, loyalty_fraction value)
{
	char buf[48];
	ly_frac f;

	if (value.den <= 0)
		return ly_error(LOYALTY_EINVAL, "loyalty_params_add_fraction: denominator must be positive (got %lld)",
		                (long long)value.den);
	if (ly_frac_make(value.num, value.den, &f) != LOYALTY_OK)
		return ly_error(LOYALTY_ERANGE, "loyalty_params_add_fraction: out of range");
	ly_frac_str(f, buf, sizeof buf);
	return loyalty_params_add(p, key, buf);
}

LOYALTY_API int loyalty_params_parse(loyalty_params **out, const char *text)
{
	loyalty_params *p;
	const char *s;
	int rc;

	LY_CHECK_NULL(out, "loyalty_params_parse");
	LY_CHECK_NULL(text, "loyalty_params_parse");
	rc = loyalty_params_new(&p);
	if (rc != LOYALTY_OK)
		return rc;
	s = text;
	for (;;) {
		char key[LOYALTY_PARAM_KEY_MAX + 1], value[LOYALTY_PARAM_VALUE_MAX + 1];
		const char *start, *eq, *end;

		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		if (*s == '\0')
			break;
		start = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			s++;
		end = s;
		eq = memchr(start, '=', (size_t)(end - start));
		if (eq == NULL || eq == start || eq + 1 == end) {
			rc = ly_error(LOYALTY_EINVAL, "loyalty_params_parse: expected key=value at offset %zu",
			              (size_t)(start - text));
			goto fail;
		}
		if ((size_t)(eq - start) > LOYALTY_PARAM_KEY_MAX || (size_t)(end - eq - 1) > LOYALTY_PARAM_VALUE_MAX) {
			rc = ly_error(LOYALTY_ERANGE, "loyalty_params_parse: key or value too long at offset %zu",
			              (size_t)(start - text));
			goto fail;
		}
		memcpy(key, start, (size_t)(eq - start));
		key[eq - start] = '\0';
		memcpy(value, eq + 1, (size_t)(end - eq - 1));
		value[end - eq - 1] = '\0';
		rc = loyalty_params_add(p, key, value);
		if (rc != LOYALTY_OK) {
			char where[64];
			snprintf(where, sizeof where, "loyalty_params_parse: at offset %zu", (size_t)(start - text));
			ly_error_prefix(where);
			goto fail;
		}
	}
	*out = p;
	return LOYALTY_OK;
fail:
	loyalty_params_free(p);
	return rc;
}

LOYALTY_API int loyalty_params_clone(loyalty_params **out, const loyalty_params *src)
{
	loyalty_params *p;
	int rc;

	LY_CHECK_NULL(out, "loyalty_params_clone");
	LY_CHECK_NULL(src, "loyalty_params_clone");
	rc = loyalty_params_new(&p);
	if (rc != LOYALTY_OK)
		return rc;
	for (size_t i = 0; i < src->count; i++) {
		rc = loyalty_params_add(p, src->keys[i], src->values[i]);
		if (rc != LOYALTY_OK) {
			loyalty_params_free(p);
			return rc;
		}
	}
	*out = p;
	return LOYALTY_OK;
}

LOYALTY_API size_t loyalty_params_count(const loyalty_params *p)
{
	return p ? p->count : 0;
}

LOYALTY_API const char *loyalty_params_key(const loyalty_params *p, size_t i)
{
	return p && i < p->count ? p->keys[i] : NULL;
}

LOYALTY_API const char *loyalty_params_value(const loyalty_params *p, size_t i)
{
	return p && i < p->count ? p->values[i] : NULL;
}

LOYALTY_API const char *loyalty_params_get(const loyalty_params *p, const char *key)
{
	if (p == NULL || key == NULL)
		return NULL;
	for (size_t i = 0; i < p->count; i++)
		if (strcmp(p->keys[i], key) == 0)
			return p->values[i];
	return NULL;
}

LOYALTY_API const char *loyalty_params_text(const loyalty_params *p)
{
	return p ? p->text : "";
}
