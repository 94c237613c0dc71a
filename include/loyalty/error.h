/*
 * libloyalty - status codes and the per-thread last error.
 *
 * Every function that can fail returns an int status: LOYALTY_OK (0) on
 * success or one of the negative LOYALTY_E* codes below. When a function
 * fails it also records a message naming the offending argument or field in
 * a per-thread buffer, readable with loyalty_last_error(). A failed call
 * changes nothing: out-parameters are left untouched unless documented
 * otherwise, and handles keep their previous state.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_ERROR_H
#define LOYALTY_ERROR_H

#include "loyalty/common.h"

LOYALTY_BEGIN_DECLS

/** Status codes. The numeric values are part of the ABI and never change. */
typedef enum loyalty_status {
	LOYALTY_OK            =   0, /**< success */
	LOYALTY_EINVAL        =  -1, /**< invalid argument (NULL, empty, malformed) */
	LOYALTY_ENOMEM        =  -2, /**< out of memory */
	LOYALTY_ENOTFOUND     =  -3, /**< unknown id, key, name or kind */
	LOYALTY_EDUPLICATE    =  -4, /**< a name, id or key that must be unique already exists */
	LOYALTY_ECONFLICT     =  -5, /**< an idempotency key reused with a different payload */
	LOYALTY_EINSUFFICIENT =  -6, /**< not enough points for the operation */
	LOYALTY_ERANGE        =  -7, /**< value out of range, or an arithmetic overflow */
	LOYALTY_ECORRUPT      =  -8, /**< malformed or corrupt encoded data */
	LOYALTY_EIO           =  -9, /**< an operating-system I/O failure */
	LOYALTY_EUSER         = -10, /**< a user callback (custom strategy) failed */
	LOYALTY_ECURRENCY     = -11, /**< unknown currency, or amounts in different currencies */
	LOYALTY_ESTATE        = -12, /**< the handle is in a state that forbids the call */
	LOYALTY_ECANCELED     = -13  /**< a progress callback asked long work to stop; nothing was changed */
} loyalty_status;

/** The lowest (most negative) status code defined by this version. */
#define LOYALTY_STATUS_MIN LOYALTY_ECANCELED

/**
 * A static, human-readable description of a status code ("not found").
 * Unknown codes give "unknown error". Never returns NULL.
 * Thread safety: safe from any thread.
 */
LOYALTY_API const char *loyalty_strerror(int status);

/**
 * The symbolic name of a status code ("LOYALTY_ENOTFOUND"), or NULL when the
 * code is unknown. Thread safety: safe from any thread.
 */
LOYALTY_API const char *loyalty_status_name(int status);

/**
 * The message of the last error raised on the calling thread, naming the
 * argument, field or offset at fault, e.g.
 * "loyalty_purchase_add_item: quantity must be positive (got 0)".
 *
 * Never returns NULL: when no error has been recorded it returns "". The
 * message stays valid until the next failing call on the same thread.
 * What a successful call leaves here is unspecified (usually the previous
 * message), so never use it to decide whether a call failed: use the
 * returned status for that.
 * Ownership: borrowed, owned by the thread; do not free.
 */
LOYALTY_API const char *loyalty_last_error(void);

/** The status code of the last error raised on the calling thread (LOYALTY_OK if none). */
LOYALTY_API int loyalty_last_error_code(void);

/** Forget the calling thread's last error. */
LOYALTY_API void loyalty_error_clear(void);

/**
 * Record an error on the calling thread and return @p status, for use by
 * callbacks (custom strategies) that want to explain a failure:
 *
 *     return loyalty_error_set(LOYALTY_EUSER, "no price list for this store");
 *
 * The library prefixes the message with the failing strategy's name when it
 * reports the failure. @p message may be NULL. Messages longer than the
 * buffer (511 bytes) are truncated. Returns @p status unchanged.
 */
LOYALTY_API int loyalty_error_set(int status, const char *message);

LOYALTY_END_DECLS

#endif /* LOYALTY_ERROR_H */
