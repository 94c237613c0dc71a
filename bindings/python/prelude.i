/*
 * Python: the hooks bindings/swig/common.i relies on, and typemaps.
 *
 * Threads and the GIL (SWIG -threads):
 *  - Every wrapper keeps the GIL by default (%nothreadallow below): getters
 *    and setters are O(1), and holding the GIL makes a Python thread's view
 *    of a customer or purchase consistent with the C contract (never read
 *    while another thread modifies it).
 *  - compute (and compute_many in python.i) release the GIL around the C
 *    work with LOYALTY_SWIG_UNBLOCK_BEGIN/END, unless the calculator has
 *    custom strategies: those are Python callables, so the calculation would
 *    only hand the GIL back and forth (%nothreadallow in spirit, decided per
 *    calculator). The trampoline takes the GIL with PyGILState_Ensure either
 *    way, and so does the destructor of a strategy.
 *  - Every call on a program releases the GIL unconditionally
 *    (LOYALTY_SWIG_UNBLOCK_ALWAYS_BEGIN/END, through
 *    LOYALTY_SWIG_PROGRAM_BEGIN/END): the program holds its mutex while a
 *    custom strategy runs and takes the GIL, so a thread that waited for the
 *    mutex with the GIL held would deadlock with it.
 *  - The handles a computation reads are marked busy (a list on the C
 *    stacks, guarded by the GIL): a mutator called on one meanwhile, from
 *    another thread or from inside a custom strategy, raises StateError
 *    instead of racing the C code. Closing is safe by construction: the
 *    Python layer's close() drops its reference, and a computation in
 *    flight holds its own, so the destructor runs after it.
 *
 * SPDX-License-Identifier: MIT
 */

%{
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>
#include <loyalty/loyalty.h>

/* ---- handles in use by a computation ------------------------------------- */

typedef struct loyalty_py_busy {
	struct loyalty_py_busy *next;
	const void *const *handles;
	size_t count;
} loyalty_py_busy;

static loyalty_py_busy *loyalty_py_busy_head; /* guarded by the GIL */

static void loyalty_py_busy_remove(loyalty_py_busy *b)
{
	loyalty_py_busy **at = &loyalty_py_busy_head;

	while (*at != NULL && *at != b)
		at = &(*at)->next;
	if (*at != NULL)
		*at = b->next;
}

static int loyalty_py_check_idle(const void *handle)
{
	for (const loyalty_py_busy *b = loyalty_py_busy_head; b != NULL; b = b->next)
		for (size_t i = 0; i < b->count; i++)
			if (b->handles[i] == handle)
				return loyalty_error_set(LOYALTY_ESTATE,
					"a computation is reading this object (on another thread, or the custom "
					"strategy that is running): it cannot change until the computation returns");
	return LOYALTY_OK;
}

#define LOYALTY_SWIG_CHECK_IDLE(handle) loyalty_py_check_idle(handle)
#define LOYALTY_SWIG_BUSY_BEGIN(handles_, count_) \
	{ \
		loyalty_py_busy busy_; \
		busy_.handles = (handles_); \
		busy_.count = (count_); \
		busy_.next = loyalty_py_busy_head; \
		loyalty_py_busy_head = &busy_;
#define LOYALTY_SWIG_BUSY_END \
		loyalty_py_busy_remove(&busy_); \
	}

/* ---- the GIL around C work ------------------------------------------------ */

/* Non-zero when computing with @p c may call Python: every custom strategy
 * registered through this binding is a Python callable. */
static int loyalty_py_calls_python(const loyalty_calculator *c)
{
	size_t n = loyalty_calculator_strategy_count(c);

	for (size_t i = 0; i < n; i++)
		if (strcmp(loyalty_calculator_strategy_kind(c, i), "custom") == 0)
			return 1;
	return 0;
}

#define LOYALTY_SWIG_UNBLOCK_BEGIN(calculator) \
	{ \
		PyThreadState *unblock_ = loyalty_py_calls_python(calculator) ? NULL : PyEval_SaveThread();
#define LOYALTY_SWIG_UNBLOCK_END \
		if (unblock_ != NULL) \
			PyEval_RestoreThread(unblock_); \
	}

/* Program calls: always (see above). */
#define LOYALTY_SWIG_UNBLOCK_ALWAYS_BEGIN \
	{ \
		PyThreadState *always_ = PyEval_SaveThread();
#define LOYALTY_SWIG_UNBLOCK_ALWAYS_END \
		PyEval_RestoreThread(always_); \
	}

/* ---- exceptions ----------------------------------------------------------- */

/* The exception a custom strategy raised on this thread, waiting for the
 * computation that called it to fail with LOYALTY_EUSER (a new reference). */
static _Thread_local PyObject *loyalty_py_pending;

/* Take the current Python exception as one normalized object with its traceback. */
static PyObject *loyalty_py_fetch(void)
{
#if PY_VERSION_HEX >= 0x030C0000
	return PyErr_GetRaisedException();
#else
	PyObject *type = NULL, *value = NULL, *tb = NULL;

	PyErr_Fetch(&type, &value, &tb);
	if (type == NULL)
		return NULL;
	PyErr_NormalizeException(&type, &value, &tb);
	if (value != NULL && tb != NULL)
		PyException_SetTraceback(value, tb);
	Py_XDECREF(type);
	Py_XDECREF(tb);
	return value;
#endif
}

/* Raise @p exc again, with its own type and traceback (steals @p exc). */
static void loyalty_py_restore(PyObject *exc)
{
#if PY_VERSION_HEX >= 0x030C0000
	PyErr_SetRaisedException(exc);
#else
	PyObject *type = (PyObject *)Py_TYPE(exc);

	Py_INCREF(type);
	PyErr_Restore(type, exc, PyException_GetTraceback(exc));
#endif
}

static PyObject *loyalty_py_text(const char *s)
{
	return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}

/* Raise the Python exception for status @p rc (negative), with the C
 * message. A strategy's own exception is raised again instead, with the C
 * message added as a note (Python 3.11+). */
static void loyalty_py_raise(int rc)
{
	static PyObject *errors; /* loyalty.errors, guarded by the GIL */
	PyObject *pending = loyalty_py_pending, *text, *exc;
	const char *message = loyalty_last_error();

	loyalty_py_pending = NULL;
	if (message == NULL || message[0] == '\0')
		message = loyalty_strerror(rc);
	if (pending != NULL && rc == LOYALTY_EUSER) {
		if (PyObject_HasAttrString(pending, "add_note")) {
			PyObject *r = PyObject_CallMethod(pending, "add_note", "N", loyalty_py_text(message));
			if (r == NULL)
				PyErr_Clear();
			Py_XDECREF(r);
		}
		loyalty_py_restore(pending);
		return;
	}
	Py_XDECREF(pending);
	if (errors == NULL && (errors = PyImport_ImportModule("loyalty.errors")) == NULL)
		return;
	text = loyalty_py_text(message);
	if (text == NULL)
		return;
	exc = PyObject_CallMethod(errors, "_error_from_status", "iO", rc, text);
	Py_DECREF(text);
	if (exc != NULL) {
		PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
		Py_DECREF(exc);
	}
}
%}

/* ---- hooks for the shared files -------------------------------------------- */

/* Keep the GIL in every wrapper; compute releases it itself (see above). */
%feature("nothreadallow");

%define %loyalty_fallible_begin
%exception {
	loyalty_swig_rc = 0;
	$action
	if (loyalty_swig_rc < 0) {
		loyalty_py_raise(loyalty_swig_rc);
		SWIG_fail;
	}
}
%enddef

%define %loyalty_fallible_end
%exception;
%enddef

/* ---- typemaps ---------------------------------------------------------------- */

/* A fraction is a (num, den) tuple of ints; the Python layer makes Fractions. */
%typemap(in) loyalty_fraction {
	PyObject *num, *den;
	int of1 = 0, of2 = 0;

	if (!PyTuple_Check($input) || PyTuple_GET_SIZE($input) != 2) {
		PyErr_SetString(PyExc_TypeError, "a fraction must be a (numerator, denominator) tuple");
		SWIG_fail;
	}
	num = PyTuple_GET_ITEM($input, 0);
	den = PyTuple_GET_ITEM($input, 1);
	if (!PyLong_Check(num) || !PyLong_Check(den)) {
		PyErr_SetString(PyExc_TypeError, "a fraction's numerator and denominator must be ints");
		SWIG_fail;
	}
	$1.num = PyLong_AsLongLongAndOverflow(num, &of1);
	$1.den = PyLong_AsLongLongAndOverflow(den, &of2);
	if (of1 || of2) {
		PyErr_SetString(PyExc_OverflowError, "a fraction's numerator and denominator must fit int64");
		SWIG_fail;
	}
	if (PyErr_Occurred())
		SWIG_fail;
}

%typemap(out) loyalty_fraction {
	$result = Py_BuildValue("(LL)", (long long)$1.num, (long long)$1.den);
}

/* A handle the call takes over on success (swig/common.i): the proxy stops
 * owning it once the call has succeeded. An argout typemap runs only when
 * the wrapper did not fail, so a failed call leaves the proxy the owner. */
%typemap(argout) SWIGTYPE *taken_on_success {
	{
		void *taken_ = NULL;
		SWIG_ConvertPtr($input, &taken_, $1_descriptor, SWIG_POINTER_DISOWN);
	}
}

/* An id is 16 bytes (uuid.UUID.bytes); None passes NULL. */
%typemap(in) const loyalty_id * (loyalty_id tmp) {
	char *buf = NULL;
	Py_ssize_t len = 0;

	if ($input == Py_None) {
		$1 = NULL;
	} else {
		if (!PyBytes_Check($input) || PyBytes_AsStringAndSize($input, &buf, &len) < 0 || len != 16) {
			PyErr_SetString(PyExc_TypeError, "an id must be 16 bytes (uuid.UUID.bytes) or None");
			SWIG_fail;
		}
		memcpy(tmp.bytes, buf, 16);
		$1 = &tmp;
	}
}

%typemap(out) const loyalty_id * {
	if ($1 == NULL) {
		Py_INCREF(Py_None);
		$result = Py_None;
	} else {
		$result = PyBytes_FromStringAndSize((const char *)$1->bytes, 16);
	}
}
