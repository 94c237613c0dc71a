/*
 * libloyalty - birthday: a multiplier or bonus on the customer's birthday.
 *
 *   multiplier=<fraction >= 0> | bonus=<int >= 0>     (exactly one)
 *   [period=day|week|month]    default day
 *   [feb29=feb28|mar1]         where a 29 February birthday falls in other years; default feb28
 *
 * Dates are local at the calculator's UTC offset. "week" is the ISO week
 * (Monday to Sunday) that contains the birthday, so a birthday on Wednesday
 * 31 December makes Thursday 1 January of the next year part of it.
 * Customers without a birthday never qualify. Role: multiplier or bonus.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>

#include "strategy_internal.h"

enum { PERIOD_DAY, PERIOD_WEEK, PERIOD_MONTH };
enum { FEB29_FEB28, FEB29_MAR1 };

static const char *const periods[] = { "day", "week", "month", NULL };
static const char *const feb29s[] = { "feb28", "mar1", NULL };

typedef struct {
	bool is_bonus;
	ly_frac multiplier;
	int64_t bonus;
	int period;
	int feb29;
} birthday;

static void destroy(void *state)
{
	free(state);
}

static int create(const loyalty_params *p, void **state, loyalty_strategy_role *role)
{
	static const char *const keys[] = { "multiplier", "bonus", "period", "feb29", NULL };
	birthday b, *s;
	int rc;

	rc = ly_params_check(p, keys, NULL, NULL);
	if (rc != LOYALTY_OK)
		return rc;
	if ((loyalty_params_get(p, "multiplier") != NULL) == (loyalty_params_get(p, "bonus") != NULL))
		return ly_error(LOYALTY_EINVAL, "exactly one of 'multiplier' and 'bonus' is required");
	b.is_bonus = loyalty_params_get(p, "bonus") != NULL;
	b.bonus = 0;
	b.multiplier = ly_frac_int(1);
	if ((rc = b.is_bonus ? ly_param_int(p, "bonus", true, 0, 0, INT64_MAX, &b.bonus)
	                     : ly_param_frac(p, "multiplier", true, ly_frac_int(1), ly_frac_int(0), false,
	                                     &b.multiplier)) ||
	    (rc = ly_param_choice(p, "period", periods, PERIOD_DAY, &b.period)) ||
	    (rc = ly_param_choice(p, "feb29", feb29s, FEB29_FEB28, &b.feb29)))
		return rc;
	s = malloc(sizeof *s);
	if (s == NULL)
		return ly_error(LOYALTY_ENOMEM, "out of memory");
	*s = b;
	*state = s;
	*role = b.is_bonus ? LOYALTY_ROLE_BONUS : LOYALTY_ROLE_MULTIPLIER;
	return LOYALTY_OK;
}

static int describe(const void *state, loyalty_params *out)
{
	const birthday *s = state;
	int rc;

	rc = s->is_bonus ? loyalty_params_add_int(out, "bonus", s->bonus)
	                 : loyalty_params_add_fraction(out, "multiplier", s->multiplier);
	if (rc == LOYALTY_OK)
		rc = loyalty_params_add(out, "period", periods[s->period]);
	if (rc == LOYALTY_OK)
		rc = loyalty_params_add(out, "feb29", feb29s[s->feb29]);
	return rc;
}

/* The day number of the birthday in year y. */
static int64_t birthday_in(int64_t y, int month, int day, int feb29)
{
	if (month == 2 && day == 29 && !ly_is_leap(y)) {
		if (feb29 == FEB29_MAR1)
			return ly_days_from_civil(y, 3, 1);
		return ly_days_from_civil(y, 2, 28);
	}
	return ly_days_from_civil(y, month, day);
}

bool ly_birthday_in_period(int period, int feb29, int64_t local_day, int64_t year, int cur_month, int month,
                           int day)
{
	switch (period) {
	case PERIOD_DAY:
		return local_day == birthday_in(year, month, day, feb29);
	case PERIOD_WEEK:
		for (int64_t y = year - 1; y <= year + 1; y++) {
			int64_t b = birthday_in(y, month, day, feb29);
			int64_t monday = b - (ly_weekday(b) - 1);
			if (local_day >= monday && local_day < monday + 7)
				return true;
		}
		return false;
	default:
		return cur_month == month;
	}
}

static bool qualifies(const birthday *s, const ly_calc_state *cs, int month, int day)
{
	return ly_birthday_in_period(s->period, s->feb29, cs->local_day, cs->year, cs->month, month, day);
}

static int apply(const void *state, ly_calc_state *cs, ly_frac *points, int *applied, char *detail, size_t dsize)
{
	const birthday *s = state;
	int month = cs->customer->birth_month, day = cs->customer->birth_day;
	char m[48];

	*applied = 0;
	*points = ly_frac_int(0);
	if (month == 0) {
		ly_fmt(detail, dsize, "birthday unknown");
		return LOYALTY_OK;
	}
	if (!qualifies(s, cs, month, day)) {
		ly_fmt(detail, dsize, "not in the birthday %s (%02d-%02d)", periods[s->period], month, day);
		return LOYALTY_OK;
	}
	*applied = 1;
	if (s->is_bonus) {
		*points = ly_frac_int(s->bonus);
		ly_fmt(detail, dsize, "birthday %s bonus", periods[s->period]);
		return LOYALTY_OK;
	}
	if (ly_calc_scale(cs, s->multiplier, NULL, NULL, points) != LOYALTY_OK)
		return LOYALTY_ERANGE;
	ly_frac_str(s->multiplier, m, sizeof m);
	ly_fmt(detail, dsize, "birthday %s x%s", periods[s->period], m);
	return LOYALTY_OK;
}

static ly_frac plan_mult(const void *state, const char *type, const char *tier)
{
	(void)type;
	(void)tier;
	return ((const birthday *)state)->multiplier;
}

static int plan(const void *state, ly_plan_op *op)
{
	const birthday *s = state;

	op->role = s->is_bonus ? LOYALTY_ROLE_BONUS : LOYALTY_ROLE_MULTIPLIER;
	op->den = s->is_bonus ? 1 : s->multiplier.den;
	op->mult = plan_mult;
	op->bonus = s->bonus;
	op->birthday = 1 + s->period;
	op->feb29 = s->feb29;
	return LOYALTY_OK;
}

const ly_strategy_kind ly_kind_birthday = {
	"birthday",
	"A multiplier or bonus in the customer's birthday day, ISO week or month (local at the calculator's "
	"offset). multiplier=<fraction> | bonus=<points>, [period=day|week|month] [feb29=feb28|mar1].",
	create, describe, apply, destroy, plan,
};
