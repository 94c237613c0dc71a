/*
 * What-if simulation (loyalty/simulate.h): histories, the simulator and its
 * report.
 *
 *  - History and SimulationReport are handles. The report is read through
 *    flat getters (a totals field by index, a period field by index, tier
 *    rows, tier changes) from which each language's public layer builds its
 *    own values (Python dataclasses, Java records).
 *  - The calls that report progress (the history sources and simulate) are
 *    module functions of each language, because the progress callback is a
 *    language object: Python (loyalty_py_*) takes a callable (or None) called
 *    with (done, total) under the GIL, whose truthy result cancels; Java
 *    (loyalty_java_*) takes an org.libloyalty.ProgressListener (or null) called
 *    on the same thread, whose false result cancels. Both release the host
 *    (the GIL) for the C work, and bracket the programs they read as every
 *    program call does (swig/common.i).
 *
 * SPDX-License-Identifier: MIT
 */

%{
/* Totals fields by index, for the flat getters. */
static int64_t loyalty_swig_totals_field(const loyalty_simulation_totals *t, int field)
{
	switch (field) {
	case 0: return t->customers;
	case 1: return t->purchases;
	case 2: return t->refunds;
	case 3: return t->redemptions;
	case 4: return t->redemptions_refused;
	case 5: return t->issued;
	case 6: return t->redeemed;
	case 7: return t->expired;
	case 8: return t->liability;
	case 9: return t->cost.num;
	case 10: return t->cost.den;
	case 11: return t->liability_value.num;
	case 12: return t->liability_value.den;
	default: return 0;
	}
}

static int64_t loyalty_swig_period_field(const loyalty_simulation_period *p, int field)
{
	switch (field) {
	case 0: return p->end;
	case 1: return p->issued;
	case 2: return p->redeemed;
	case 3: return p->expired;
	case 4: return p->liability;
	default: return 0;
	}
}

/* The simulation, for a language's wrapper: both programs are bracketed as program calls. */
static loyalty_simulation_report *loyalty_swig_simulate(const loyalty_history *history, loyalty_program *base,
                                                        loyalty_program *alternative, loyalty_fraction point_value,
                                                        int period, int64_t end, int threads, loyalty_progress_fn fn,
                                                        void *data)
{
	loyalty_simulation_options o = LOYALTY_SIMULATION_OPTIONS_INIT;
	loyalty_simulation_report *r = NULL;
	loyalty_swig_frame outer, inner;
	int rc;

	o.point_value = point_value;
	o.period = (loyalty_period)period;
	o.end = end;
	o.threads = threads;
	o.progress = fn;
	o.progress_data = data;
	if ((rc = loyalty_swig_enter(&outer, base)) != LOYALTY_OK)
		return loyalty_swig_new(NULL, rc);
	/* the same program twice is the C library's LOYALTY_EINVAL, not a re-entry */
	if (alternative != base && (rc = loyalty_swig_enter(&inner, alternative)) != LOYALTY_OK) {
		loyalty_swig_leave(&outer);
		return loyalty_swig_new(NULL, rc);
	}
	LOYALTY_SWIG_UNBLOCK_ALWAYS_BEGIN
	rc = loyalty_simulate(history, base, alternative, &o, &r);
	LOYALTY_SWIG_UNBLOCK_ALWAYS_END
	if (alternative != base)
		loyalty_swig_leave(&inner);
	loyalty_swig_leave(&outer);
	return loyalty_swig_new(r, rc);
}

/* A history source, for a language's wrapper; @p program: the program read, or NULL. */
enum { LOYALTY_SWIG_FROM_PROGRAM, LOYALTY_SWIG_FROM_EXPORT, LOYALTY_SWIG_FROM_JOURNAL, LOYALTY_SWIG_FROM_CSV };

static loyalty_history *loyalty_swig_history_from(int source, const loyalty_program *program, const char *path,
                                                  const char *currency, loyalty_progress_fn fn, void *data)
{
	loyalty_history *h = NULL;
	int rc = LOYALTY_EINVAL;

	if (source == LOYALTY_SWIG_FROM_PROGRAM) {
		LOYALTY_SWIG_PROGRAM_BEGIN(program)
		rc = loyalty_history_from_program(&h, program, fn, data);
		LOYALTY_SWIG_PROGRAM_END
		if (loyalty_swig_rc < 0) /* refused to re-enter the program */
			rc = loyalty_swig_rc;
	} else {
		LOYALTY_SWIG_UNBLOCK_ALWAYS_BEGIN
		if (source == LOYALTY_SWIG_FROM_EXPORT)
			rc = loyalty_history_from_export(&h, path, fn, data);
		else if (source == LOYALTY_SWIG_FROM_JOURNAL)
			rc = loyalty_history_from_journal(&h, path, fn, data);
		else
			rc = loyalty_history_from_csv(&h, path, currency, fn, data);
		LOYALTY_SWIG_UNBLOCK_ALWAYS_END
	}
	return loyalty_swig_new(h, rc);
}
%}

%loyalty_handle(History, loyalty_history, loyalty_history_free)
%loyalty_handle(SimulationReport, loyalty_simulation_report, loyalty_simulation_report_free)

%loyalty_fallible_begin
%extend loyalty_swig_History {
	loyalty_swig_History() {
		loyalty_history *h = NULL;
		int rc = loyalty_history_new(&h);
		return loyalty_swig_new(h, rc);
	}
	void add_enrollment(const char *key, const loyalty_customer *profile, const char *referral_code, int64_t at) {
		loyalty_swig_status(loyalty_history_add_enrollment($self, key, profile, referral_code, at));
	}
	void add_purchase(const loyalty_purchase *purchase) {
		loyalty_swig_status(loyalty_history_add_purchase($self, purchase));
	}
	void add_refund(const char *refund_key, const char *purchase_key, int64_t amount, int64_t at) {
		loyalty_swig_status(loyalty_history_add_refund($self, refund_key, purchase_key, amount, at));
	}
	void add_redemption(const char *key, const loyalty_id *customer, const char *reward, int64_t at) {
		loyalty_swig_status(loyalty_history_add_redemption($self, key, customer, reward, at));
	}
}
%loyalty_fallible_end

%extend loyalty_swig_History {
	/* kind: a loyalty_event_kind, or -1 for all */
	size_t count(int kind) const { return loyalty_history_count($self, kind); }
}

%extend loyalty_swig_SimulationReport {
	/* side 0 (base) or 1 (alternative); field: customers, purchases, refunds, redemptions,
	 * redemptions_refused, issued, redeemed, expired, liability, cost num, cost den,
	 * liability value num, liability value den (0..12) */
	int64_t total(int side, int field) const {
		loyalty_simulation_totals t;
		if (loyalty_simulation_report_totals($self, side, &t) != LOYALTY_OK)
			return 0;
		return loyalty_swig_totals_field(&t, field);
	}
	/* field as for total(), alternative minus base */
	int64_t difference(int field) const {
		loyalty_simulation_totals t;
		if (loyalty_simulation_report_difference($self, &t) != LOYALTY_OK)
			return 0;
		return loyalty_swig_totals_field(&t, field);
	}
	loyalty_fraction point_value() const { return loyalty_simulation_report_point_value($self); }
	int64_t end() const { return loyalty_simulation_report_end($self); }
	size_t period_count() const { return loyalty_simulation_report_period_count($self); }
	/* field: end, issued, redeemed, expired, liability (0..4) */
	int64_t period(int side, size_t i, int field) const {
		loyalty_simulation_period p;
		if (loyalty_simulation_report_period_at($self, side, i, &p) != LOYALTY_OK)
			return 0;
		return loyalty_swig_period_field(&p, field);
	}
	size_t tier_count(int side) const { return loyalty_simulation_report_tier_count($self, side); }
	/* NULL when out of range */
	const char *tier_name(int side, size_t i) const {
		loyalty_simulation_tier t;
		return loyalty_simulation_report_tier_at($self, side, i, &t) == LOYALTY_OK ? t.name : NULL;
	}
	int64_t tier_customers(int side, size_t i) const {
		loyalty_simulation_tier t;
		return loyalty_simulation_report_tier_at($self, side, i, &t) == LOYALTY_OK ? t.customers : 0;
	}
	size_t change_count() const { return loyalty_simulation_report_tier_change_count($self); }
	/* NULL when out of range */
	const loyalty_id *change_customer(size_t i) const {
		static _Thread_local loyalty_id id;
		loyalty_simulation_tier_change c;
		if (loyalty_simulation_report_tier_change_at($self, i, &c) != LOYALTY_OK)
			return NULL;
		id = c.customer;
		return &id;
	}
	/* which: 0 external reference, 1 base tier, 2 alternative tier; NULL when out of range */
	const char *change_text(size_t i, int which) const {
		loyalty_simulation_tier_change c;
		if (loyalty_simulation_report_tier_change_at($self, i, &c) != LOYALTY_OK)
			return NULL;
		return which == 0 ? c.external_ref : which == 1 ? c.base_tier : c.alternative_tier;
	}
}

%inline %{
/* The CSV reader's customer id for @p external_ref (NULL for NULL). */
static const loyalty_id *loyalty_swig_csv_customer_id(const char *external_ref)
{
	static _Thread_local loyalty_id id;
	return external_ref != NULL && loyalty_history_csv_customer_id(external_ref, &id) == LOYALTY_OK ? &id : NULL;
}
%}

/* ---- Python: progress as a callable ---------------------------------------------------- */

#if defined(SWIGPYTHON)
%{
/* loyalty_progress_fn over a Python callable: called under the GIL with (done, total); a truthy
 * result, an exception raised by it, or a pending signal (Ctrl-C) stops the work. The first
 * exception (the signal's KeyboardInterrupt included) is kept and raised after the call. */
typedef struct loyalty_py_progress {
	PyObject *fn;
	PyObject *raised;
} loyalty_py_progress;

static int loyalty_py_progress_call(uint64_t done, uint64_t total, void *data)
{
	loyalty_py_progress *pr = data;
	PyGILState_STATE gil = PyGILState_Ensure();
	PyObject *result = PyObject_CallFunction(pr->fn, "KK", (unsigned long long)done, (unsigned long long)total);
	int stop = 1;

	if (result != NULL) {
		int truth = PyObject_IsTrue(result);
		Py_DECREF(result);
		if (truth >= 0)
			stop = truth;
	}
	if (result != NULL && !PyErr_Occurred() && PyErr_CheckSignals() < 0)
		stop = 1;
	if (PyErr_Occurred() && pr->raised == NULL)
		pr->raised = loyalty_py_fetch();
	PyErr_Clear();
	PyGILState_Release(gil);
	return stop;
}

/* After the C call: raise the callback's exception instead of the status (steals it). */
static int loyalty_py_progress_done(loyalty_py_progress *pr, int failed)
{
	if (pr->raised == NULL)
		return 0;
	if (failed) {
		loyalty_swig_rc = 0; /* raise this one, not Canceled */
		loyalty_py_restore(pr->raised);
	} else {
		Py_DECREF(pr->raised);
	}
	pr->raised = NULL;
	return failed;
}

#define LOYALTY_PY_PROGRESS(progress) \
	loyalty_py_progress pr_ = { (progress) == Py_None ? NULL : (progress), NULL }; \
	loyalty_progress_fn fn_ = pr_.fn != NULL ? loyalty_py_progress_call : NULL;

static PyObject *loyalty_py_wrap_history(loyalty_history *h)
{
	return SWIG_NewPointerObj(SWIG_as_voidptr(h), SWIGTYPE_p_loyalty_swig_History, SWIG_POINTER_OWN);
}

static PyObject *loyalty_py_history_from(int source, const loyalty_program *program, const char *path,
                                         const char *currency, PyObject *progress)
{
	LOYALTY_PY_PROGRESS(progress)
	loyalty_history *h = loyalty_swig_history_from(source, program, path, currency, fn_, &pr_);

	if (loyalty_py_progress_done(&pr_, h == NULL))
		return NULL;
	if (h == NULL)
		return NULL; /* the %exception handler raises */
	return loyalty_py_wrap_history(h);
}

static PyObject *loyalty_py_history_from_program(const loyalty_program *program, PyObject *progress)
{
	return loyalty_py_history_from(LOYALTY_SWIG_FROM_PROGRAM, program, NULL, NULL, progress);
}

static PyObject *loyalty_py_history_from_export(const char *path, PyObject *progress)
{
	return loyalty_py_history_from(LOYALTY_SWIG_FROM_EXPORT, NULL, path, NULL, progress);
}

static PyObject *loyalty_py_history_from_journal(const char *dir, PyObject *progress)
{
	return loyalty_py_history_from(LOYALTY_SWIG_FROM_JOURNAL, NULL, dir, NULL, progress);
}

static PyObject *loyalty_py_history_from_csv(const char *path, const char *currency, PyObject *progress)
{
	return loyalty_py_history_from(LOYALTY_SWIG_FROM_CSV, NULL, path, currency, progress);
}

static PyObject *loyalty_py_simulate(const loyalty_history *history, loyalty_program *base,
                                     loyalty_program *alternative, loyalty_fraction point_value, int period,
                                     int64_t end, int threads, PyObject *progress)
{
	LOYALTY_PY_PROGRESS(progress)
	loyalty_simulation_report *r = loyalty_swig_simulate(history, base, alternative, point_value, period, end,
	                                                     threads, fn_, &pr_);

	if (loyalty_py_progress_done(&pr_, r == NULL))
		return NULL;
	if (r == NULL)
		return NULL;
	return SWIG_NewPointerObj(SWIG_as_voidptr(r), SWIGTYPE_p_loyalty_swig_SimulationReport, SWIG_POINTER_OWN);
}
%}

/* The wrappers return NULL either with an exception set (the callback's) or with the status
 * recorded for %exception: check both. */
%exception {
	loyalty_swig_rc = 0;
	$action
	if (loyalty_swig_rc < 0) {
		loyalty_py_raise(loyalty_swig_rc);
		SWIG_fail;
	}
	if (result == NULL) {
		if (!PyErr_Occurred())
			PyErr_SetString(PyExc_SystemError, "libloyalty: a call failed without a status");
		SWIG_fail;
	}
}
PyObject *loyalty_py_history_from_program(const loyalty_program *program, PyObject *progress);
PyObject *loyalty_py_history_from_export(const char *path, PyObject *progress);
PyObject *loyalty_py_history_from_journal(const char *dir, PyObject *progress);
PyObject *loyalty_py_history_from_csv(const char *path, const char *currency, PyObject *progress);
PyObject *loyalty_py_simulate(const loyalty_history *history, loyalty_program *base, loyalty_program *alternative,
                              loyalty_fraction point_value, int period, int64_t end, int threads,
                              PyObject *progress);
%exception;

/* ---- Java: progress as an org.libloyalty.ProgressListener -------------------------------- */

#elif defined(SWIGJAVA)
%{
/* loyalty_progress_fn over a ProgressListener: called on the thread that made the call (the C
 * work runs on it), so the call's JNIEnv serves; false, or anything thrown, stops the work.
 * A throwable is kept (a global reference) and thrown after the call instead of the status. */
typedef struct loyalty_java_progress {
	JNIEnv *env;
	jobject listener;
	jmethodID method;
	jthrowable thrown;
} loyalty_java_progress;

static int loyalty_java_progress_call(uint64_t done, uint64_t total, void *data)
{
	loyalty_java_progress *pr = data;
	JNIEnv *env = pr->env;
	jboolean go;

	go = (*env)->CallBooleanMethod(env, pr->listener, pr->method, (jlong)done, (jlong)total);
	if ((*env)->ExceptionCheck(env)) {
		jthrowable t = (*env)->ExceptionOccurred(env);
		(*env)->ExceptionClear(env);
		if (pr->thrown == NULL)
			pr->thrown = (jthrowable)(*env)->NewGlobalRef(env, t);
		(*env)->DeleteLocalRef(env, t);
		return 1;
	}
	return go ? 0 : 1;
}

static int loyalty_java_progress_init(JNIEnv *env, loyalty_java_progress *pr, jobject listener)
{
	jclass cls;

	memset(pr, 0, sizeof *pr);
	if (listener == NULL)
		return 0;
	pr->env = env;
	pr->listener = listener;
	cls = (*env)->GetObjectClass(env, listener);
	pr->method = (*env)->GetMethodID(env, cls, "progress", "(JJ)Z");
	(*env)->DeleteLocalRef(env, cls);
	return pr->method == NULL ? -1 : 0; /* NoSuchMethodError pending */
}

/* After the call: throw what the listener threw, if the call failed. */
static void loyalty_java_progress_done(loyalty_java_progress *pr, int failed)
{
	JNIEnv *env = pr->env;

	if (pr->thrown == NULL)
		return;
	if (failed) {
		loyalty_swig_rc = 0; /* throw the listener's, not CanceledException */
		(*env)->Throw(env, pr->thrown);
	}
	(*env)->DeleteGlobalRef(env, pr->thrown);
	pr->thrown = NULL;
}

static loyalty_history *loyalty_java_history_from(JNIEnv *env, int source, const loyalty_program *program,
                                                  const char *path, const char *currency, jobject listener)
{
	loyalty_java_progress pr;
	loyalty_history *h;

	if (loyalty_java_progress_init(env, &pr, listener) != 0)
		return NULL;
	h = loyalty_swig_history_from(source, program, path, currency, listener ? loyalty_java_progress_call : NULL,
	                              &pr);
	loyalty_java_progress_done(&pr, h == NULL);
	return h;
}

static loyalty_history *loyalty_java_history_from_program(JNIEnv *env, const loyalty_program *program,
                                                          jobject listener)
{
	return loyalty_java_history_from(env, LOYALTY_SWIG_FROM_PROGRAM, program, NULL, NULL, listener);
}

static loyalty_history *loyalty_java_history_from_export(JNIEnv *env, const char *path, jobject listener)
{
	return loyalty_java_history_from(env, LOYALTY_SWIG_FROM_EXPORT, NULL, path, NULL, listener);
}

static loyalty_history *loyalty_java_history_from_journal(JNIEnv *env, const char *dir, jobject listener)
{
	return loyalty_java_history_from(env, LOYALTY_SWIG_FROM_JOURNAL, NULL, dir, NULL, listener);
}

static loyalty_history *loyalty_java_history_from_csv(JNIEnv *env, const char *path, const char *currency,
                                                      jobject listener)
{
	return loyalty_java_history_from(env, LOYALTY_SWIG_FROM_CSV, NULL, path, currency, listener);
}

static loyalty_simulation_report *loyalty_java_simulate(JNIEnv *env, const loyalty_history *history,
                                                        loyalty_program *base, loyalty_program *alternative,
                                                        loyalty_fraction point_value, int period, int64_t end,
                                                        int threads, jobject listener)
{
	loyalty_java_progress pr;
	loyalty_simulation_report *r;

	if (loyalty_java_progress_init(env, &pr, listener) != 0)
		return NULL;
	r = loyalty_swig_simulate(history, base, alternative, point_value, period, end, threads,
	                          listener ? loyalty_java_progress_call : NULL, &pr);
	loyalty_java_progress_done(&pr, r == NULL);
	return r;
}
%}

%typemap(jni) jobject listener "jobject"
%typemap(jtype) jobject listener "org.libloyalty.ProgressListener"
%typemap(jstype) jobject listener "org.libloyalty.ProgressListener"
%typemap(javain) jobject listener "$javainput"
%typemap(in) jobject listener "$1 = $input;"

%loyalty_fallible_begin
%newobject loyalty_java_history_from_program;
%newobject loyalty_java_history_from_export;
%newobject loyalty_java_history_from_journal;
%newobject loyalty_java_history_from_csv;
%newobject loyalty_java_simulate;
loyalty_history *loyalty_java_history_from_program(JNIEnv *env, const loyalty_program *program, jobject listener);
loyalty_history *loyalty_java_history_from_export(JNIEnv *env, const char *path, jobject listener);
loyalty_history *loyalty_java_history_from_journal(JNIEnv *env, const char *dir, jobject listener);
loyalty_history *loyalty_java_history_from_csv(JNIEnv *env, const char *path, const char *currency,
                                               jobject listener);
loyalty_simulation_report *loyalty_java_simulate(JNIEnv *env, const loyalty_history *history, loyalty_program *base,
                                                 loyalty_program *alternative, loyalty_fraction point_value,
                                                 int period, int64_t end, int threads, jobject listener);
%loyalty_fallible_end
#endif
