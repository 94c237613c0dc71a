/*
 * libloyalty - the registry of built-in strategy kinds (a constant table: no
 * global mutable state).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "strategy_internal.h"

static const ly_strategy_kind *const kinds[] = {
	&ly_kind_base_rate, &ly_kind_product_type, &ly_kind_tier_multiplier, &ly_kind_campaign,
	&ly_kind_birthday,  &ly_kind_threshold,    &ly_kind_first_purchase,
};

#define KIND_COUNT (sizeof kinds / sizeof kinds[0])

const ly_strategy_kind *ly_strategy_kind_find(const char *name)
{
	for (size_t i = 0; i < KIND_COUNT; i++)
		if (strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}

LOYALTY_API size_t loyalty_strategy_kind_count(void)
{
	return KIND_COUNT;
}

LOYALTY_API const char *loyalty_strategy_kind_name(size_t i)
{
	return i < KIND_COUNT ? kinds[i]->name : NULL;
}

LOYALTY_API const char *loyalty_strategy_kind_help(const char *kind)
{
	const ly_strategy_kind *k = kind ? ly_strategy_kind_find(kind) : NULL;

	return k ? k->help : NULL;
}
