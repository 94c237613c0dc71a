/*
 * libloyalty - the parameter list's private layout.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LY_PARAMS_INTERNAL_H
#define LY_PARAMS_INTERNAL_H

#include "internal.h"
#include "loyalty/params.h"

struct loyalty_params {
	char **keys;
	char **values;
	size_t count, cap;
	char *text; /* "k=v k=v", kept in step with the pairs */
};

#endif
