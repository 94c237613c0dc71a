/*
 * libloyalty - the customer: identity, profile, tier and balances.
 *
 * A loyalty_customer is an opaque value handle. It owns copies of every
 * string given to it; getters return borrowed pointers that stay valid until
 * the field is set again or the customer is freed. Balances are maintained by
 * the program (the ledger); hosts read them here.
 *
 * Thread safety: a customer may be read from several threads at once, but
 * must not be modified while any other thread uses it.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_CUSTOMER_H
#define LOYALTY_CUSTOMER_H

#include "loyalty/common.h"
#include "loyalty/types.h"

LOYALTY_BEGIN_DECLS

typedef struct loyalty_customer loyalty_customer;

/* Limits on profile fields, in bytes of UTF-8 (without the NUL). */
#define LOYALTY_EXTERNAL_REF_MAX 128
#define LOYALTY_NAME_MAX         256
#define LOYALTY_EMAIL_MAX        254
#define LOYALTY_TAG_MAX           64
#define LOYALTY_TAGS_MAX          64  /**< tags per customer */
#define LOYALTY_TIER_NAME_MAX     64

/**
 * Create a customer with the given id, or a freshly generated one when @p id
 * is NULL. Every other field starts empty or zero (no tier, no birthday,
 * joined at 0, all balances 0).
 * Ownership: *out is new; free it with loyalty_customer_free().
 * Errors: LOYALTY_EINVAL (out NULL, or a nil id), LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_customer_new(loyalty_customer **out, const loyalty_id *id);

/**
 * A deep copy of @p c. Ownership: *out is new.
 * Errors: LOYALTY_EINVAL, LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_customer_clone(loyalty_customer **out, const loyalty_customer *c);

/** Free a customer and everything it owns. Accepts NULL. */
LOYALTY_API void loyalty_customer_free(loyalty_customer *c);

/* ---- identity and profile --------------------------------------------- */

/** The customer's id (borrowed). NULL when @p c is NULL. */
LOYALTY_API const loyalty_id *loyalty_customer_id(const loyalty_customer *c);

/**
 * The host's own reference for this customer ("crm-000123"), or "" when
 * none. Set: 1..LOYALTY_EXTERNAL_REF_MAX bytes of printable UTF-8 without
 * spaces, or NULL/"" to clear. Errors: LOYALTY_EINVAL, LOYALTY_ENOMEM.
 */
LOYALTY_API const char *loyalty_customer_external_ref(const loyalty_customer *c);
LOYALTY_API int loyalty_customer_set_external_ref(loyalty_customer *c, const char *ref);

/** Display name, "" when none. Set: valid UTF-8 without control characters, at most LOYALTY_NAME_MAX bytes. */
LOYALTY_API const char *loyalty_customer_name(const loyalty_customer *c);
LOYALTY_API int loyalty_customer_set_name(loyalty_customer *c, const char *name);

/**
 * E-mail address, "" when none. Set: one '@' with a non-empty local part and
 * a domain containing a dot, no spaces or control characters, at most
 * LOYALTY_EMAIL_MAX bytes; NULL or "" clears it.
 */
LOYALTY_API const char *loyalty_customer_email(const loyalty_customer *c);
LOYALTY_API int loyalty_customer_set_email(loyalty_customer *c, const char *email);

/**
 * Birthday as month (1-12) and day (1-31); 0/0 means unknown. 29 February is
 * accepted; in other years the calculator's birthday strategy maps it by its
 * declared policy. Set 0, 0 to clear.
 * Errors: LOYALTY_EINVAL (a day that no year has in that month, or only one of the two zero).
 */
LOYALTY_API int loyalty_customer_birthday(const loyalty_customer *c, int *month, int *day);
LOYALTY_API int loyalty_customer_set_birthday(loyalty_customer *c, int month, int day);

/** When the customer joined (ms since the epoch). Any value is accepted. */
LOYALTY_API loyalty_time loyalty_customer_joined_at(const loyalty_customer *c);
LOYALTY_API int loyalty_customer_set_joined_at(loyalty_customer *c, loyalty_time at);

/**
 * The customer's tier by name ("gold"), "" when none. Set: 1..LOYALTY_TIER_NAME_MAX
 * bytes of [A-Za-z0-9_.-], or NULL/"" for no tier.
 */
LOYALTY_API const char *loyalty_customer_tier(const loyalty_customer *c);
LOYALTY_API int loyalty_customer_set_tier(loyalty_customer *c, const char *tier);

/* ---- tags: a small set of labels ("vip", "staff") ------------------------ */

/** Number of tags. */
LOYALTY_API size_t loyalty_customer_tag_count(const loyalty_customer *c);

/** The i-th tag in insertion order (borrowed), or NULL when out of range. */
LOYALTY_API const char *loyalty_customer_tag(const loyalty_customer *c, size_t i);

/** Non-zero when the customer has @p tag. */
LOYALTY_API int loyalty_customer_has_tag(const loyalty_customer *c, const char *tag);

/**
 * Add a tag (same rules as a tier name, at most LOYALTY_TAG_MAX bytes).
 * Errors: LOYALTY_EINVAL, LOYALTY_EDUPLICATE (already present),
 * LOYALTY_ERANGE (LOYALTY_TAGS_MAX reached), LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_customer_add_tag(loyalty_customer *c, const char *tag);

/** Remove a tag. Errors: LOYALTY_EINVAL, LOYALTY_ENOTFOUND. */
LOYALTY_API int loyalty_customer_remove_tag(loyalty_customer *c, const char *tag);

/* ---- balances, maintained by the program ---------------------------------- */

/** Points that can be spent now. */
LOYALTY_API loyalty_points loyalty_customer_available(const loyalty_customer *c);
/** Points earned but held (return window) and not yet available. */
LOYALTY_API loyalty_points loyalty_customer_pending(const loyalty_customer *c);
/** Every point ever earned (net of clawbacks). */
LOYALTY_API loyalty_points loyalty_customer_lifetime_earned(const loyalty_customer *c);
/** Every point ever spent on rewards. */
LOYALTY_API loyalty_points loyalty_customer_lifetime_redeemed(const loyalty_customer *c);
/** Every point that ever expired. */
LOYALTY_API loyalty_points loyalty_customer_lifetime_expired(const loyalty_customer *c);

LOYALTY_END_DECLS

#endif /* LOYALTY_CUSTOMER_H */
