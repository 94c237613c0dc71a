/*
 * libloyalty - value types: money, points, time, exact fractions, ids.
 *
 * Arithmetic rules (see docs/ARITHMETIC.md):
 *  - money is an int64 count of minor units (cents) with an ISO 4217 code;
 *  - points are int64;
 *  - time is int64 milliseconds since the Unix epoch, UTC, always passed in
 *    by the caller: the library never reads a clock;
 *  - rates and multipliers are exact fractions; nothing is stored or
 *    computed in floating point, and every overflow is reported as
 *    LOYALTY_ERANGE instead of wrapping or clamping.
 *
 * All functions here are pure and safe to call from any thread.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_TYPES_H
#define LOYALTY_TYPES_H

#include "loyalty/common.h"

LOYALTY_BEGIN_DECLS

/** Points, always whole once rounded. */
typedef int64_t loyalty_points;

/** Milliseconds since 1970-01-01T00:00:00Z. */
typedef int64_t loyalty_time;

/** Milliseconds in common spans, for callers building times. */
#define LOYALTY_MS_PER_SECOND INT64_C(1000)
#define LOYALTY_MS_PER_MINUTE INT64_C(60000)
#define LOYALTY_MS_PER_HOUR   INT64_C(3600000)
#define LOYALTY_MS_PER_DAY    INT64_C(86400000)

/** Fixed UTC offsets accepted by the library, in minutes (UTC-14:00 .. UTC+14:00). */
#define LOYALTY_UTC_OFFSET_MIN (-14 * 60)
#define LOYALTY_UTC_OFFSET_MAX (14 * 60)

/** An amount of money: minor units and an upper-case ISO 4217 code ("EUR"). */
typedef struct loyalty_money {
	int64_t amount;    /**< minor units, e.g. cents */
	char currency[4];  /**< three letters and a NUL */
} loyalty_money;

/**
 * An exact fraction num/den. A valid fraction has den > 0; functions that
 * return fractions return them reduced to lowest terms.
 */
typedef struct loyalty_fraction {
	int64_t num;
	int64_t den;
} loyalty_fraction;

/** How a fractional number of points becomes whole. Applied once per purchase. */
typedef enum loyalty_rounding {
	LOYALTY_ROUND_FLOOR     = 0, /**< toward negative infinity (the default) */
	LOYALTY_ROUND_HALF_UP   = 1, /**< to nearest; halves away from zero (2.5 -> 3, -2.5 -> -3) */
	LOYALTY_ROUND_HALF_EVEN = 2, /**< to nearest; halves to the even neighbour (2.5 -> 2, 3.5 -> 4) */
	LOYALTY_ROUND_CEIL      = 3  /**< toward positive infinity */
} loyalty_rounding;

/** The name of a rounding mode ("floor", "half_up", "half_even", "ceil"), or NULL if unknown. */
LOYALTY_API const char *loyalty_rounding_name(int mode);

/**
 * Parse a rounding mode name as returned by loyalty_rounding_name().
 * Errors: LOYALTY_EINVAL (NULL), LOYALTY_ENOTFOUND (unknown name).
 */
LOYALTY_API int loyalty_rounding_parse(const char *name, loyalty_rounding *out);

/**
 * Reduce @p f to lowest terms with a positive denominator into @p out.
 * Errors: LOYALTY_EINVAL (NULL, or den == 0), LOYALTY_ERANGE (INT64_MIN
 * cannot be negated).
 */
LOYALTY_API int loyalty_fraction_reduce(loyalty_fraction f, loyalty_fraction *out);

/**
 * Round @p f to a whole number with @p mode into @p out.
 * Errors: LOYALTY_EINVAL (NULL, den <= 0, unknown mode), LOYALTY_ERANGE.
 */
LOYALTY_API int loyalty_fraction_round(loyalty_fraction f, loyalty_rounding mode, int64_t *out);

/**
 * Parse "3/2", "2", "-7/4" into a reduced fraction.
 * Errors: LOYALTY_EINVAL (malformed, zero denominator), LOYALTY_ERANGE.
 */
LOYALTY_API int loyalty_fraction_parse(const char *text, loyalty_fraction *out);

/**
 * Write @p f reduced, as "num/den" (or "num" when the denominator is 1), into
 * @p buf. Returns the length written (without the NUL), LOYALTY_ERANGE when
 * @p size is too small (42 bytes always suffice), LOYALTY_EINVAL on NULL or
 * a denominator <= 0.
 */
LOYALTY_API int loyalty_fraction_format(loyalty_fraction f, char *buf, size_t size);

/* ---- currencies --------------------------------------------------------- */

/** Non-zero when @p code is an active ISO 4217 alphabetic code ("EUR"). */
LOYALTY_API int loyalty_currency_is_valid(const char *code);

/**
 * The number of minor-unit digits of an ISO 4217 currency (2 for EUR, 0 for
 * JPY, 3 for KWD), or LOYALTY_ECURRENCY when the code is unknown.
 */
LOYALTY_API int loyalty_currency_minor_digits(const char *code);

/* ---- time ---------------------------------------------------------------- */

/**
 * The instant of a civil date and time at a fixed UTC offset, e.g. 2026-12-24
 * 18:30 at UTC+01:00 is loyalty_time_from_civil(2026,12,24,18,30,0,60,&t).
 * Errors: LOYALTY_EINVAL (NULL, month/day/hour/... out of their ranges,
 * offset outside +-14:00), LOYALTY_ERANGE.
 */
LOYALTY_API int loyalty_time_from_civil(int year, int month, int day, int hour, int minute,
                                        int second, int utc_offset_minutes, loyalty_time *out);

/**
 * The civil date and time of @p t at a fixed UTC offset. Any out pointer
 * may be NULL. Errors: LOYALTY_EINVAL (offset out of range).
 * @p weekday is 1 (Monday) .. 7 (Sunday), ISO 8601.
 */
LOYALTY_API int loyalty_time_to_civil(loyalty_time t, int utc_offset_minutes, int *year, int *month,
                                      int *day, int *hour, int *minute, int *second, int *weekday);

/* ---- ids ------------------------------------------------------------------ */

/** A 16-byte UUID. The all-zero id is "nil" and never identifies anything. */
typedef struct loyalty_id {
	uint8_t bytes[16];
} loyalty_id;

/** Length of the text form "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", without the NUL. */
#define LOYALTY_ID_STRLEN 36

/** Generate a new random (version 4) id with libuuid. Errors: LOYALTY_EINVAL (NULL). */
LOYALTY_API int loyalty_id_generate(loyalty_id *out);

/**
 * Parse the 36-character text form (either case) into @p out.
 * Errors: LOYALTY_EINVAL (NULL or malformed).
 */
LOYALTY_API int loyalty_id_parse(const char *text, loyalty_id *out);

/**
 * Write the lower-case 36-character text form and a NUL into @p buf, which
 * must hold at least LOYALTY_ID_STRLEN + 1 bytes.
 * Errors: LOYALTY_EINVAL (NULL), LOYALTY_ERANGE (@p size too small).
 */
LOYALTY_API int loyalty_id_format(const loyalty_id *id, char *buf, size_t size);

/** Non-zero when @p id is NULL or all zero. */
LOYALTY_API int loyalty_id_is_nil(const loyalty_id *id);

/** Byte-wise comparison: <0, 0, >0. NULL sorts first. */
LOYALTY_API int loyalty_id_compare(const loyalty_id *a, const loyalty_id *b);

/**
 * Progress of long work (replaying a journal, importing, simulating): called
 * with the units done so far and the total (records or purchases; total is 0
 * when unknown), from the thread doing the work, at least once at the end.
 * Return 0 to go on, non-zero to stop: the work then fails with
 * LOYALTY_ECANCELED and changes nothing. The callback must not call back into
 * the object being worked on.
 */
typedef int (*loyalty_progress_fn)(uint64_t done, uint64_t total, void *user_data);

LOYALTY_END_DECLS

#endif /* LOYALTY_TYPES_H */
