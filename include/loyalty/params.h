/*
 * libloyalty - strategy parameters as data.
 *
 * A loyalty_params is an ordered list of key=value pairs that describes one
 * strategy's configuration, so a calculator can be assembled from data (a
 * config file, a database row, a Python dict, a Java map) and saved again.
 * Keys are 1..80 bytes of [A-Za-z0-9_.-]; values are 1..256 printable bytes
 * without spaces. A key may repeat where the strategy takes a list
 * ("exclude=gift_card exclude=voucher"; commas also separate list items).
 * Which keys a kind accepts, and what they mean, is in docs/STRATEGIES.md and
 * loyalty_strategy_kind_help(). Values are checked by the strategy that
 * consumes them, not here.
 *
 * Thread safety: readable from several threads; not modified concurrently.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_PARAMS_H
#define LOYALTY_PARAMS_H

#include "loyalty/common.h"
#include "loyalty/types.h"

LOYALTY_BEGIN_DECLS

typedef struct loyalty_params loyalty_params;

#define LOYALTY_PARAM_KEY_MAX    80  /**< room for "type." + a 64-byte product type */
#define LOYALTY_PARAM_VALUE_MAX 256
#define LOYALTY_PARAMS_MAX      256  /**< pairs per params object */

/** An empty parameter list. Ownership: *out is new. Errors: LOYALTY_EINVAL, LOYALTY_ENOMEM. */
LOYALTY_API int loyalty_params_new(loyalty_params **out);

/**
 * Parse whitespace-separated "key=value" pairs, e.g. "points=1 per=100".
 * An empty or all-blank text gives an empty list.
 * Errors: LOYALTY_EINVAL (a pair without '=', an empty or malformed key or
 * value; the message names the offset), LOYALTY_ERANGE (too many pairs or too
 * long), LOYALTY_ENOMEM.
 */
LOYALTY_API int loyalty_params_parse(loyalty_params **out, const char *text);

/** A deep copy. Errors: LOYALTY_EINVAL, LOYALTY_ENOMEM. */
LOYALTY_API int loyalty_params_clone(loyalty_params **out, const loyalty_params *p);

/** Free. Accepts NULL. */
LOYALTY_API void loyalty_params_free(loyalty_params *p);

/** Append a pair. Errors: LOYALTY_EINVAL, LOYALTY_ERANGE (LOYALTY_PARAMS_MAX), LOYALTY_ENOMEM. */
LOYALTY_API int loyalty_params_add(loyalty_params *p, const char *key, const char *value);
/** Append an integer value. */
LOYALTY_API int loyalty_params_add_int(loyalty_params *p, const char *key, int64_t value);
/** Append a fraction value ("3/2"). Errors also: LOYALTY_EINVAL for den <= 0. */
LOYALTY_API int loyalty_params_add_fraction(loyalty_params *p, const char *key, loyalty_fraction value);

/** Number of pairs. */
LOYALTY_API size_t loyalty_params_count(const loyalty_params *p);
/** The i-th key / value (borrowed), NULL when out of range. */
LOYALTY_API const char *loyalty_params_key(const loyalty_params *p, size_t i);
LOYALTY_API const char *loyalty_params_value(const loyalty_params *p, size_t i);
/** The first value for @p key (borrowed), or NULL. */
LOYALTY_API const char *loyalty_params_get(const loyalty_params *p, const char *key);

/**
 * The list as text, "k=v k=v" in order: parsing it gives an equal list.
 * Borrowed; valid until @p p is modified or freed. "" for an empty list.
 */
LOYALTY_API const char *loyalty_params_text(const loyalty_params *p);

LOYALTY_END_DECLS

#endif /* LOYALTY_PARAMS_H */
