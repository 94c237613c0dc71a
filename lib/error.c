/*
 * libloyalty - status codes and the per-thread last error.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define LY_ERRMSG_SIZE 512

static _Thread_local char tl_message[LY_ERRMSG_SIZE];
static _Thread_local int tl_code;

static const struct {
	int code;
	const char *name;
	const char *text;
} status_table[] = {
	{ LOYALTY_OK, "LOYALTY_OK", "success" },
	{ LOYALTY_EINVAL, "LOYALTY_EINVAL", "invalid argument" },
	{ LOYALTY_ENOMEM, "LOYALTY_ENOMEM", "out of memory" },
	{ LOYALTY_ENOTFOUND, "LOYALTY_ENOTFOUND", "not found" },
	{ LOYALTY_EDUPLICATE, "LOYALTY_EDUPLICATE", "already exists" },
	{ LOYALTY_ECONFLICT, "LOYALTY_ECONFLICT", "conflicting reuse of an idempotency key" },
	{ LOYALTY_EINSUFFICIENT, "LOYALTY_EINSUFFICIENT", "insufficient points" },
	{ LOYALTY_ERANGE, "LOYALTY_ERANGE", "value out of range or arithmetic overflow" },
	{ LOYALTY_ECORRUPT, "LOYALTY_ECORRUPT", "corrupt or malformed data" },
	{ LOYALTY_EIO, "LOYALTY_EIO", "input/output error" },
	{ LOYALTY_EUSER, "LOYALTY_EUSER", "user callback failed" },
	{ LOYALTY_ECURRENCY, "LOYALTY_ECURRENCY", "unknown or mismatched currency" },
	{ LOYALTY_ESTATE, "LOYALTY_ESTATE", "operation not allowed in the current state" },
	{ LOYALTY_ECANCELED, "LOYALTY_ECANCELED", "canceled by the progress callback" },
};

LOYALTY_API const char *loyalty_strerror(int status)
{
	for (size_t i = 0; i < sizeof status_table / sizeof status_table[0]; i++)
		if (status_table[i].code == status)
			return status_table[i].text;
	return "unknown error";
}

LOYALTY_API const char *loyalty_status_name(int status)
{
	for (size_t i = 0; i < sizeof status_table / sizeof status_table[0]; i++)
		if (status_table[i].code == status)
			return status_table[i].name;
	return NULL;
}

LOYALTY_API const char *loyalty_last_error(void)
{
	return tl_message;
}

LOYALTY_API int loyalty_last_error_code(void)
{
	return tl_code;
}

LOYALTY_API void loyalty_error_clear(void)
{
	tl_message[0] = '\0';
	tl_code = LOYALTY_OK;
}

LOYALTY_API int loyalty_error_set(int status, const char *message)
{
	tl_code = status;
	if (message == NULL)
		message = loyalty_strerror(status);
	/* the message may be the buffer itself (a callback re-raising) */
	if (message != tl_message)
		snprintf(tl_message, sizeof tl_message, "%s", message);
	return status;
}

int ly_error(int code, const char *fmt, ...)
{
	char tmp[LY_ERRMSG_SIZE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	memcpy(tl_message, tmp, sizeof tmp);
	tl_code = code;
	return code;
}

void ly_error_prefix(const char *prefix)
{
	char tmp[LY_ERRMSG_SIZE];

	snprintf(tmp, sizeof tmp, "%.200s: %.300s", prefix, tl_message);
	memcpy(tl_message, tmp, sizeof tmp);
}
