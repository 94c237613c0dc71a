/*
 * Analytics (loyalty/analytics.h): metrics of a period, cohorts by enrolment
 * month, survey scores, percent rendering.
 *
 *  - Metrics and Cohorts are handles (%loyalty_handle) over the immutable C
 *    results; the language layers copy everything out at once into plain
 *    values (Python objects with to_dict/to_dataframe, Java records) and
 *    close the handle, so nothing outlives the call but values.
 *  - The program calls are free functions taking the program
 *    (loyalty_swig_program_metrics, loyalty_swig_program_cohorts) rather than
 *    %extend methods of Program: SWIG emits an %extend's helper code where
 *    the class is declared (swig/program.i), before this file. They are
 *    bracketed by LOYALTY_SWIG_PROGRAM_BEGIN/END like every program call
 *    (the Python GIL is released while the C code reads the ledger).
 *  - An undefined value (a zero denominator, see docs/ANALYTICS.md) crosses
 *    as the pair 0/0, which no defined fraction is; the language layers turn
 *    it into None / Optional.empty().
 *  - Survey counts cross as ten int64 arguments (scale 5 uses the first
 *    five), so that no language needs an array typemap; a negative count is
 *    InvalidArgument.
 *
 * SPDX-License-Identifier: MIT
 */

%constant int LOYALTY_METRIC_COUNT = LOYALTY_METRIC_COUNT;
%constant int LOYALTY_METRIC_KIND_INTEGER = LOYALTY_METRIC_KIND_INTEGER;
%constant int LOYALTY_METRIC_KIND_RATIO = LOYALTY_METRIC_KIND_RATIO;
%constant int LOYALTY_METRIC_KIND_AMOUNT = LOYALTY_METRIC_KIND_AMOUNT;
%constant int LOYALTY_COHORT_MONTHS_MAX = LOYALTY_COHORT_MONTHS_MAX;

%{
#include <stdio.h>

static const loyalty_fraction loyalty_swig_undefined = { 0, 0 };

static loyalty_metrics *loyalty_swig_program_metrics(const loyalty_program *p, int64_t start, int64_t end,
                                                     loyalty_fraction point_value, loyalty_fraction margin,
                                                     int64_t max_lifespan)
{
	loyalty_metrics_options o = LOYALTY_METRICS_OPTIONS_INIT;
	loyalty_metrics *m = NULL;
	int rc = LOYALTY_ESTATE;

	o.start = start;
	o.end = end;
	o.point_value = point_value;
	o.margin = margin;
	o.max_lifespan = max_lifespan;
	LOYALTY_SWIG_PROGRAM_BEGIN(p)
	rc = loyalty_program_metrics(p, &o, &m);
	LOYALTY_SWIG_PROGRAM_END
	return loyalty_swig_new(m, rc);
}

static loyalty_cohorts *loyalty_swig_program_cohorts(const loyalty_program *p, int from_year, int from_month,
                                                     int nmonths)
{
	loyalty_cohorts *t = NULL;
	int rc = LOYALTY_ESTATE;

	LOYALTY_SWIG_PROGRAM_BEGIN(p)
	rc = loyalty_program_cohorts(p, from_year, from_month, nmonths, &t);
	LOYALTY_SWIG_PROGRAM_END
	return loyalty_swig_new(t, rc);
}

/* @p ces: 1 for CES, 0 for CSAT. 0/0 when there are no answers. */
static loyalty_fraction loyalty_swig_survey(int ces, int scale, int64_t c1, int64_t c2, int64_t c3, int64_t c4,
                                            int64_t c5, int64_t c6, int64_t c7, int64_t c8, int64_t c9, int64_t c10)
{
	const int64_t in[10] = { c1, c2, c3, c4, c5, c6, c7, c8, c9, c10 };
	const char *fn = ces ? "loyalty_survey_ces" : "loyalty_survey_csat";
	uint64_t counts[10];
	loyalty_fraction f = { 0, 1 };
	int rc;

	for (int i = 0; i < 10; i++) {
		if (in[i] < 0) {
			char message[128];
			snprintf(message, sizeof message, "%s: the count of answers %d is negative (%lld)", fn, i + 1,
			         (long long)in[i]);
			loyalty_swig_status(loyalty_error_set(LOYALTY_EINVAL, message));
			return f;
		}
		counts[i] = (uint64_t)in[i];
	}
	rc = ces ? loyalty_survey_ces(counts, scale, &f) : loyalty_survey_csat(counts, scale, &f);
	loyalty_swig_status(rc);
	return rc == 0 ? loyalty_swig_undefined : f;
}

/* ratio x 100 as text, half-even to @p decimals places */
static const char *loyalty_swig_percent(loyalty_fraction ratio, int decimals)
{
	static _Thread_local char buf[48];

	buf[0] = '\0';
	loyalty_swig_status(loyalty_percent_format(ratio, decimals, buf, sizeof buf));
	return buf;
}
%}

/* ---- metrics ------------------------------------------------------------------------- */

%loyalty_handle(Metrics, loyalty_metrics, loyalty_metrics_free)

%extend loyalty_swig_Metrics {
	int64_t start() const {
		loyalty_metrics_options o;
		loyalty_metrics_options_get($self, &o);
		return o.start;
	}
	int64_t end() const {
		loyalty_metrics_options o;
		loyalty_metrics_options_get($self, &o);
		return o.end;
	}
	/* 0/0 when no point value was declared */
	loyalty_fraction point_value() const {
		loyalty_metrics_options o;
		loyalty_metrics_options_get($self, &o);
		return o.point_value;
	}
	loyalty_fraction margin() const {
		loyalty_metrics_options o;
		loyalty_metrics_options_get($self, &o);
		return o.margin;
	}
	int64_t max_lifespan() const {
		loyalty_metrics_options o;
		loyalty_metrics_options_get($self, &o);
		return o.max_lifespan;
	}
	/* metric i (0 .. LOYALTY_METRIC_COUNT - 1): 0/0 when undefined or unknown */
	loyalty_fraction value(int metric) const {
		loyalty_fraction f;
		return loyalty_metrics_get($self, metric, &f) == 1 ? f : loyalty_swig_undefined;
	}
	size_t tier_rows() const { return loyalty_metrics_tier_rows($self); }
	const char *tier_name(size_t row) const { return loyalty_metrics_tier_name($self, row); }
	int64_t tier_members(size_t row) const { return loyalty_metrics_tier_members($self, row); }
	size_t action_rows() const { return loyalty_metrics_action_rows($self); }
	const char *action_name(size_t row) const { return loyalty_metrics_action_name($self, row); }
	int64_t action_count(size_t row) const { return loyalty_metrics_action_count($self, row); }
	int64_t action_points(size_t row) const { return loyalty_metrics_action_points($self, row); }
}

/* ---- cohorts ------------------------------------------------------------------------- */

%loyalty_handle(Cohorts, loyalty_cohorts, loyalty_cohorts_free)

%extend loyalty_swig_Cohorts {
	size_t rows() const { return loyalty_cohorts_rows($self); }
	/* the cohort's month as year * 12 + (month - 1); -1 out of range */
	int64_t month_number(size_t row) const {
		int y = 0, m = 0;
		if (row >= loyalty_cohorts_rows($self) || loyalty_cohorts_month($self, row, &y, &m) != LOYALTY_OK)
			return -1;
		return (int64_t)y * 12 + (m - 1);
	}
	int64_t size(size_t row) const { return loyalty_cohorts_size($self, row); }
	size_t width(size_t row) const { return loyalty_cohorts_width($self, row); }
	int64_t active(size_t row, size_t k) const { return loyalty_cohorts_active($self, row, k); }
	/* 0/0 for an empty cohort or a cell out of range */
	loyalty_fraction rate(size_t row, size_t k) const {
		loyalty_fraction f;
		if (row >= loyalty_cohorts_rows($self) || k >= loyalty_cohorts_width($self, row) ||
		    loyalty_cohorts_rate($self, row, k, &f) != 1)
			return loyalty_swig_undefined;
		return f;
	}
}

/* ---- functions ------------------------------------------------------------------------ */

const char *loyalty_metric_name(int metric);

%loyalty_fallible_begin
%newobject loyalty_swig_program_metrics;
%newobject loyalty_swig_program_cohorts;
loyalty_metrics *loyalty_swig_program_metrics(const loyalty_program *p, int64_t start, int64_t end,
                                              loyalty_fraction point_value, loyalty_fraction margin,
                                              int64_t max_lifespan);
loyalty_cohorts *loyalty_swig_program_cohorts(const loyalty_program *p, int from_year, int from_month, int nmonths);
loyalty_fraction loyalty_swig_survey(int ces, int scale, int64_t c1, int64_t c2, int64_t c3, int64_t c4, int64_t c5,
                                     int64_t c6, int64_t c7, int64_t c8, int64_t c9, int64_t c10);
const char *loyalty_swig_percent(loyalty_fraction ratio, int decimals);
%{
static int loyalty_swig_metric_kind(int metric)
{
	return loyalty_swig_status(loyalty_metric_kind_of(metric));
}
%}
int loyalty_swig_metric_kind(int metric);
%loyalty_fallible_end
