/*
 * Status codes, versions, value types (fractions, rounding, currencies,
 * time) and the strategy registry: module-level functions and constants.
 *
 * SPDX-License-Identifier: MIT
 */

/* ---- constants (the values are part of the ABI) ---------------------------- */

enum loyalty_status {
	LOYALTY_OK = 0, LOYALTY_EINVAL = -1, LOYALTY_ENOMEM = -2, LOYALTY_ENOTFOUND = -3,
	LOYALTY_EDUPLICATE = -4, LOYALTY_ECONFLICT = -5, LOYALTY_EINSUFFICIENT = -6,
	LOYALTY_ERANGE = -7, LOYALTY_ECORRUPT = -8, LOYALTY_EIO = -9, LOYALTY_EUSER = -10,
	LOYALTY_ECURRENCY = -11, LOYALTY_ESTATE = -12, LOYALTY_ECANCELED = -13
};

enum loyalty_rounding {
	LOYALTY_ROUND_FLOOR = 0, LOYALTY_ROUND_HALF_UP = 1, LOYALTY_ROUND_HALF_EVEN = 2, LOYALTY_ROUND_CEIL = 3
};

enum loyalty_stacking { LOYALTY_STACK_ADDITIVE = 0, LOYALTY_STACK_COMPOUND = 1 };

enum loyalty_strategy_role { LOYALTY_ROLE_BASE = 0, LOYALTY_ROLE_MULTIPLIER = 1, LOYALTY_ROLE_BONUS = 2 };

%constant int64_t LOYALTY_MS_PER_SECOND = LOYALTY_MS_PER_SECOND;
%constant int64_t LOYALTY_MS_PER_MINUTE = LOYALTY_MS_PER_MINUTE;
%constant int64_t LOYALTY_MS_PER_HOUR = LOYALTY_MS_PER_HOUR;
%constant int64_t LOYALTY_MS_PER_DAY = LOYALTY_MS_PER_DAY;
%constant int LOYALTY_UTC_OFFSET_MIN = LOYALTY_UTC_OFFSET_MIN;
%constant int LOYALTY_UTC_OFFSET_MAX = LOYALTY_UTC_OFFSET_MAX;
%constant int LOYALTY_ITEMS_MAX = LOYALTY_ITEMS_MAX;
%constant int LOYALTY_TAGS_MAX = LOYALTY_TAGS_MAX;
%constant int LOYALTY_PARAMS_MAX = LOYALTY_PARAMS_MAX;

/* ---- functions that cannot fail ---------------------------------------------- */

const char *loyalty_strerror(int status);
const char *loyalty_status_name(int status);
const char *loyalty_last_error(void);
int loyalty_last_error_code(void);
int loyalty_version_number(void);
const char *loyalty_version_string(void);
const char *loyalty_rounding_name(int mode);
const char *loyalty_strategy_role_name(int role);
size_t loyalty_strategy_kind_count(void);
const char *loyalty_strategy_kind_name(size_t i);
const char *loyalty_strategy_kind_help(const char *kind);
int loyalty_currency_is_valid(const char *code);

/* ---- functions that can fail (out-parameters become return values) ------------ */

%{
static int loyalty_swig_currency_minor_digits(const char *code)
{
	int digits = loyalty_currency_minor_digits(code);

	loyalty_swig_status(digits < 0 ? digits : LOYALTY_OK);
	return digits;
}

static int64_t loyalty_swig_time_from_civil(int year, int month, int day, int hour, int minute, int second,
                                            int utc_offset_minutes)
{
	loyalty_time t = 0;

	loyalty_swig_status(loyalty_time_from_civil(year, month, day, hour, minute, second, utc_offset_minutes, &t));
	return t;
}

static int64_t loyalty_swig_fraction_round(loyalty_fraction f, int mode)
{
	int64_t out = 0;

	loyalty_swig_status(loyalty_fraction_round(f, (loyalty_rounding)mode, &out));
	return out;
}

static loyalty_fraction loyalty_swig_fraction_parse(const char *text)
{
	loyalty_fraction f = { 0, 1 };

	loyalty_swig_status(loyalty_fraction_parse(text, &f));
	return f;
}
%}

%loyalty_fallible_begin
int loyalty_swig_currency_minor_digits(const char *code);
int64_t loyalty_swig_time_from_civil(int year, int month, int day, int hour, int minute, int second,
                                     int utc_offset_minutes);
int64_t loyalty_swig_fraction_round(loyalty_fraction f, int mode);
loyalty_fraction loyalty_swig_fraction_parse(const char *text);
%loyalty_fallible_end
