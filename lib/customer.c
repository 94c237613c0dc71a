/*
 * libloyalty - the customer.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "customer_internal.h"

static char empty_string[] = "";

static void str_free(char *s)
{
	if (s != empty_string)
		free(s);
}

/* Replace *slot with a copy of v ("" when v is NULL or empty). */
static int str_replace(char **slot, const char *v, const char *fn)
{
	char *copy = empty_string;

	if (v != NULL && *v != '\0') {
		copy = ly_strdup(v);
		if (copy == NULL)
			return ly_error(LOYALTY_ENOMEM, "%s: out of memory", fn);
	}
	str_free(*slot);
	*slot = copy;
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_customer_new(loyalty_customer **out, const loyalty_id *id)
{
	loyalty_customer *c;

	LY_CHECK_NULL(out, "loyalty_customer_new");
	if (id != NULL && loyalty_id_is_nil(id))
		return ly_error(LOYALTY_EINVAL, "loyalty_customer_new: id is the nil UUID");
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return ly_error(LOYALTY_ENOMEM, "loyalty_customer_new: out of memory");
	if (id != NULL)
		c->id = *id;
	else
		loyalty_id_generate(&c->id);
	c->external_ref = c->name = c->email = c->tier = empty_string;
	*out = c;
	return LOYALTY_OK;
}

LOYALTY_API void loyalty_customer_free(loyalty_customer *c)
{
	if (c == NULL)
		return;
	str_free(c->external_ref);
	str_free(c->name);
	str_free(c->email);
	str_free(c->tier);
	ly_strset_free(&c->tags);
	free(c);
}

LOYALTY_API int loyalty_customer_clone(loyalty_customer **out, const loyalty_customer *c)
{
	loyalty_customer *n;

	LY_CHECK_NULL(out, "loyalty_customer_clone");
	LY_CHECK_NULL(c, "loyalty_customer_clone");
	n = calloc(1, sizeof *n);
	if (n == NULL)
		return ly_error(LOYALTY_ENOMEM, "loyalty_customer_clone: out of memory");
	*n = *c;
	n->external_ref = n->name = n->email = n->tier = empty_string;
	n->tags = (ly_strset){ NULL, 0, 0 };
	if (str_replace(&n->external_ref, c->external_ref, "loyalty_customer_clone") ||
	    str_replace(&n->name, c->name, "loyalty_customer_clone") ||
	    str_replace(&n->email, c->email, "loyalty_customer_clone") ||
	    str_replace(&n->tier, c->tier, "loyalty_customer_clone") || ly_strset_copy(&n->tags, &c->tags)) {
		loyalty_customer_free(n);
		return ly_error(LOYALTY_ENOMEM, "loyalty_customer_clone: out of memory");
	}
	*out = n;
	return LOYALTY_OK;
}

LOYALTY_API const loyalty_id *loyalty_customer_id(const loyalty_customer *c)
{
	return c ? &c->id : NULL;
}

LOYALTY_API const char *loyalty_customer_external_ref(const loyalty_customer *c)
{
	return c ? c->external_ref : "";
}

LOYALTY_API int loyalty_customer_set_external_ref(loyalty_customer *c, const char *ref)
{
	LY_CHECK_NULL(c, "loyalty_customer_set_external_ref");
	if (ref != NULL && *ref != '\0' && !ly_is_text(ref, LOYALTY_EXTERNAL_REF_MAX))
		return ly_error(LOYALTY_EINVAL,
		                "loyalty_customer_set_external_ref: ref must be at most %d bytes of printable UTF-8",
		                LOYALTY_EXTERNAL_REF_MAX);
	if (ref != NULL && strchr(ref, ' ') != NULL)
		return ly_error(LOYALTY_EINVAL, "loyalty_customer_set_external_ref: ref must not contain spaces");
	return str_replace(&c->external_ref, ref, "loyalty_customer_set_external_ref");
}

LOYALTY_API const char *loyalty_customer_name(const loyalty_customer *c)
{
	return c ? c->name : "";
}

LOYALTY_API int loyalty_customer_set_name(loyalty_customer *c, const char *name)
{
	LY_CHECK_NULL(c, "loyalty_customer_set_name");
	if (name != NULL && !ly_is_text(name, LOYALTY_NAME_MAX))
		return ly_error(LOYALTY_EINVAL,
		                "loyalty_customer_set_name: name must be at most %d bytes of UTF-8 without control characters",
		                LOYALTY_NAME_MAX);
	return str_replace(&c->name, name, "loyalty_customer_set_name");
}

static bool email_ok(const char *e)
{
	const char *at = strchr(e, '@');

	if (!ly_is_text(e, LOYALTY_EMAIL_MAX))
		return false;
	if (strchr(e, ' ') != NULL || at == NULL || at == e || strchr(at + 1, '@') != NULL)
		return false;
	/* the domain: a dot that is neither first nor last */
	const char *dot = strchr(at + 1, '.');
	return dot != NULL && dot != at + 1 && e[strlen(e) - 1] != '.';
}

LOYALTY_API const char *loyalty_customer_email(const loyalty_customer *c)
{
	return c ? c->email : "";
}

LOYALTY_API int loyalty_customer_set_email(loyalty_customer *c, const char *email)
{
	LY_CHECK_NULL(c, "loyalty_customer_set_email");
	if (email != NULL && *email != '\0' && !email_ok(email))
		return ly_error(LOYALTY_EINVAL, "loyalty_customer_set_email: '%.64s' is not an e-mail address", email);
	return str_replace(&c->email, email, "loyalty_customer_set_email");
}

LOYALTY_API int loyalty_customer_birthday(const loyalty_customer *c, int *month, int *day)
{
	LY_CHECK_NULL(c, "loyalty_customer_birthday");
	if (month)
		*month = c->birth_month;
	if (day)
		*day = c->birth_day;
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_customer_set_birthday(loyalty_customer *c, int month, int day)
{
	LY_CHECK_NULL(c, "loyalty_customer_set_birthday");
	if (month == 0 && day == 0) {
		c->birth_month = c->birth_day = 0;
		return LOYALTY_OK;
	}
	if (month < 1 || month > 12)
		return ly_error(LOYALTY_EINVAL, "loyalty_customer_set_birthday: month must be 1..12 (got %d)", month);
	/* 2000 is a leap year: every month/day that any year has */
	if (day < 1 || day > ly_days_in_month(2000, month))
		return ly_error(LOYALTY_EINVAL, "loyalty_customer_set_birthday: day %d does not exist in month %d", day,
		                month);
	c->birth_month = month;
	c->birth_day = day;
	return LOYALTY_OK;
}

LOYALTY_API loyalty_time loyalty_customer_joined_at(const loyalty_customer *c)
{
	return c ? c->joined_at : 0;
}

LOYALTY_API int loyalty_customer_set_joined_at(loyalty_customer *c, loyalty_time at)
{
	LY_CHECK_NULL(c, "loyalty_customer_set_joined_at");
	c->joined_at = at;
	return LOYALTY_OK;
}

LOYALTY_API const char *loyalty_customer_tier(const loyalty_customer *c)
{
	return c ? c->tier : "";
}

LOYALTY_API int loyalty_customer_set_tier(loyalty_customer *c, const char *tier)
{
	LY_CHECK_NULL(c, "loyalty_customer_set_tier");
	if (tier != NULL && *tier != '\0' && !ly_is_ident(tier, LOYALTY_TIER_NAME_MAX))
		return ly_error(LOYALTY_EINVAL,
		                "loyalty_customer_set_tier: tier must be 1..%d bytes of [A-Za-z0-9_.-] (got '%.64s')",
		                LOYALTY_TIER_NAME_MAX, tier);
	return str_replace(&c->tier, tier, "loyalty_customer_set_tier");
}

LOYALTY_API size_t loyalty_customer_tag_count(const loyalty_customer *c)
{
	return c ? c->tags.count : 0;
}

LOYALTY_API const char *loyalty_customer_tag(const loyalty_customer *c, size_t i)
{
	return c && i < c->tags.count ? c->tags.items[i] : NULL;
}

LOYALTY_API int loyalty_customer_has_tag(const loyalty_customer *c, const char *tag)
{
	return c && tag && ly_strset_has(&c->tags, tag);
}

LOYALTY_API int loyalty_customer_add_tag(loyalty_customer *c, const char *tag)
{
	int rc;

	LY_CHECK_NULL(c, "loyalty_customer_add_tag");
	LY_CHECK_NULL(tag, "loyalty_customer_add_tag");
	if (!ly_is_ident(tag, LOYALTY_TAG_MAX))
		return ly_error(LOYALTY_EINVAL, "loyalty_customer_add_tag: tag must be 1..%d bytes of [A-Za-z0-9_.-]",
		                LOYALTY_TAG_MAX);
	if (ly_strset_has(&c->tags, tag))
		return ly_error(LOYALTY_EDUPLICATE, "loyalty_customer_add_tag: tag '%s' already present", tag);
	if (c->tags.count >= LOYALTY_TAGS_MAX)
		return ly_error(LOYALTY_ERANGE, "loyalty_customer_add_tag: at most %d tags", LOYALTY_TAGS_MAX);
	rc = ly_strset_add(&c->tags, tag);
	if (rc != LOYALTY_OK)
		return ly_error(rc, "loyalty_customer_add_tag: out of memory");
	return LOYALTY_OK;
}

LOYALTY_API int loyalty_customer_remove_tag(loyalty_customer *c, const char *tag)
{
	LY_CHECK_NULL(c, "loyalty_customer_remove_tag");
	LY_CHECK_NULL(tag, "loyalty_customer_remove_tag");
	if (ly_strset_remove(&c->tags, tag) != LOYALTY_OK)
		return ly_error(LOYALTY_ENOTFOUND, "loyalty_customer_remove_tag: no tag '%.64s'", tag);
	return LOYALTY_OK;
}

LOYALTY_API loyalty_points loyalty_customer_available(const loyalty_customer *c)
{
	return c ? c->available : 0;
}

LOYALTY_API loyalty_points loyalty_customer_pending(const loyalty_customer *c)
{
	return c ? c->pending : 0;
}

LOYALTY_API loyalty_points loyalty_customer_lifetime_earned(const loyalty_customer *c)
{
	return c ? c->lifetime_earned : 0;
}

LOYALTY_API loyalty_points loyalty_customer_lifetime_redeemed(const loyalty_customer *c)
{
	return c ? c->lifetime_redeemed : 0;
}

LOYALTY_API loyalty_points loyalty_customer_lifetime_expired(const loyalty_customer *c)
{
	return c ? c->lifetime_expired : 0;
}
