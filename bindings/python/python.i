/*
 * Python only: custom strategies as Python callables, and the batch call.
 *
 * SPDX-License-Identifier: MIT
 */

%{
/* ---- custom strategies: the trampoline -------------------------------------- */

/* A strategy failed with the current Python exception: keep it for the
 * computation to raise again, explain it to C, and fail. Needs the GIL. */
static int loyalty_py_strategy_failed(void)
{
	PyObject *exc = loyalty_py_fetch(), *text = NULL;
	const char *type = "exception", *detail = NULL;
	char message[400];

	if (exc != NULL) {
		type = Py_TYPE(exc)->tp_name;
		text = PyObject_Str(exc);
		if (text != NULL && PyUnicode_Check(text))
			detail = PyUnicode_AsUTF8(text); /* NULL for lone surrogates */
	}
	if (PyErr_Occurred())
		PyErr_Clear();
	snprintf(message, sizeof message, "%s: %s", type, detail != NULL ? detail : "");
	Py_XDECREF(text);
	Py_XDECREF(loyalty_py_pending); /* a strategy of a nested computation, never raised */
	loyalty_py_pending = exc;
	return loyalty_error_set(LOYALTY_EUSER, message);
}

/* The strategy's result, a (num, den) tuple of ints from the Python layer. */
static int loyalty_py_strategy_result(PyObject *result, loyalty_fraction *out)
{
	int of1 = 0, of2 = 0;
	long long num, den;

	if (!PyTuple_Check(result) || PyTuple_GET_SIZE(result) != 2 || !PyLong_Check(PyTuple_GET_ITEM(result, 0)) ||
	    !PyLong_Check(PyTuple_GET_ITEM(result, 1))) {
		PyErr_SetString(PyExc_TypeError, "a custom strategy adapter must return a (num, den) tuple of ints");
		return -1;
	}
	num = PyLong_AsLongLongAndOverflow(PyTuple_GET_ITEM(result, 0), &of1);
	den = PyLong_AsLongLongAndOverflow(PyTuple_GET_ITEM(result, 1), &of2);
	if (of1 || of2) {
		PyErr_SetString(PyExc_OverflowError, "a custom strategy's points must fit int64");
		return -1;
	}
	out->num = num;
	out->den = den;
	return 0;
}

/* loyalty_strategy_fn: call the Python adapter with the input, under the GIL. */
static int loyalty_py_strategy_call(const loyalty_strategy_input *in, loyalty_fraction *out, void *user_data)
{
	PyGILState_STATE gil = PyGILState_Ensure();
	PyObject *arg, *result = NULL;
	int rc = 0;

	arg = SWIG_NewPointerObj(SWIG_as_voidptr(in), SWIGTYPE_p_loyalty_swig_StrategyInput, 0);
	if (arg != NULL)
		result = PyObject_CallFunctionObjArgs((PyObject *)user_data, arg, NULL);
	if (result == NULL || loyalty_py_strategy_result(result, out) != 0)
		rc = loyalty_py_strategy_failed();
	Py_XDECREF(result);
	Py_XDECREF(arg);
	PyGILState_Release(gil);
	return rc;
}

/* loyalty_destroy_fn: the calculator is done with the callable (exactly once). */
static void loyalty_py_strategy_release(void *user_data)
{
	PyGILState_STATE gil;

	if (!Py_IsInitialized())
		return; /* the interpreter is gone, and the object with it */
	gil = PyGILState_Ensure();
	Py_DECREF((PyObject *)user_data);
	PyGILState_Release(gil);
}

static int loyalty_py_add_custom(loyalty_calculator *c, const char *name, int role, PyObject *fn)
{
	int rc = LOYALTY_SWIG_CHECK_IDLE(c);

	if (rc != LOYALTY_OK)
		return rc;
	if (!PyCallable_Check(fn))
		return loyalty_error_set(LOYALTY_EINVAL, "loyalty_calculator_add_custom: the strategy is not callable");
	Py_INCREF(fn); /* the calculator's reference, released by loyalty_py_strategy_release */
	return loyalty_calculator_add_custom(c, name, (loyalty_strategy_role)role, loyalty_py_strategy_call, fn,
	                                     loyalty_py_strategy_release);
}

/* ---- the batch call ------------------------------------------------------------ */

static int loyalty_py_handles(PyObject *seq, swig_type_info *type, const char *what, void **out)
{
	Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);

	for (Py_ssize_t i = 0; i < n; i++) {
		void *p = NULL;
		if (!SWIG_IsOK(SWIG_ConvertPtr(PySequence_Fast_GET_ITEM(seq, i), &p, type, 0)) || p == NULL) {
			PyErr_Format(PyExc_TypeError, "compute_many: item %zd of %s is not a %s handle", i, what,
			             type->str);
			return -1;
		}
		out[i] = p;
	}
	return 0;
}

/* Compute receipts[i] for (customers[i], purchases[i], first_purchases[i])
 * in one crossing into C, without the GIL unless the calculator has custom
 * strategies. Returns a list of owned receipts; on the first failure, frees
 * what it made and fails with that item's status. */
static PyObject *loyalty_py_compute_many(const loyalty_calculator *c, PyObject *customers, PyObject *purchases,
                                         PyObject *first_purchases)
{
	PyObject *cs = NULL, *ps = NULL, *fs = NULL, *list = NULL;
	const void **handles = NULL;
	loyalty_receipt **receipts = NULL;
	unsigned char *firsts = NULL;
	Py_ssize_t n = 0, failed = -1;
	int rc = LOYALTY_OK;

	cs = PySequence_Fast(customers, "compute_many: customers must be a sequence");
	ps = cs ? PySequence_Fast(purchases, "compute_many: purchases must be a sequence") : NULL;
	if (ps != NULL && first_purchases != Py_None)
		fs = PySequence_Fast(first_purchases, "compute_many: first_purchases must be a sequence or None");
	if (ps == NULL || (first_purchases != Py_None && fs == NULL))
		goto done;
	n = PySequence_Fast_GET_SIZE(ps);
	if (PySequence_Fast_GET_SIZE(cs) != n || (fs != NULL && PySequence_Fast_GET_SIZE(fs) != n)) {
		rc = loyalty_error_set(LOYALTY_EINVAL,
			"compute_many: customers, purchases and first_purchases must have the same length");
		goto done;
	}
	handles = PyMem_Calloc((size_t)(2 * n + 1), sizeof *handles);
	receipts = PyMem_Calloc((size_t)n + 1, sizeof *receipts);
	firsts = PyMem_Calloc((size_t)n + 1, 1);
	if (handles == NULL || receipts == NULL || firsts == NULL) {
		PyErr_NoMemory();
		goto done;
	}
	handles[0] = c;
	if (loyalty_py_handles(cs, SWIGTYPE_p_loyalty_swig_Customer, "customers", (void **)handles + 1) != 0 ||
	    loyalty_py_handles(ps, SWIGTYPE_p_loyalty_swig_Purchase, "purchases", (void **)handles + 1 + n) != 0)
		goto done;
	for (Py_ssize_t i = 0; fs != NULL && i < n; i++) {
		int truth = PyObject_IsTrue(PySequence_Fast_GET_ITEM(fs, i));
		if (truth < 0)
			goto done;
		firsts[i] = (unsigned char)truth;
	}

	LOYALTY_SWIG_BUSY_BEGIN(handles, (size_t)(2 * n + 1))
	LOYALTY_SWIG_UNBLOCK_BEGIN(c)
	for (Py_ssize_t i = 0; i < n; i++) {
		loyalty_calc_context ctx = LOYALTY_CALC_CONTEXT_INIT;
		ctx.first_purchase = firsts[i];
		rc = loyalty_calculator_compute(c, handles[1 + i], handles[1 + n + i], &ctx, &receipts[i]);
		if (rc != LOYALTY_OK) {
			failed = i;
			break;
		}
	}
	LOYALTY_SWIG_UNBLOCK_END
	LOYALTY_SWIG_BUSY_END

	if (failed >= 0) {
		char message[512];
		snprintf(message, sizeof message, "compute_many: item %zd: %s", failed, loyalty_last_error());
		loyalty_error_set(rc, message);
		goto done;
	}
	list = PyList_New(n);
	for (Py_ssize_t i = 0; list != NULL && i < n; i++) {
		PyObject *r = SWIG_NewPointerObj(receipts[i], SWIGTYPE_p_loyalty_swig_Receipt, SWIG_POINTER_OWN);
		if (r == NULL) {
			Py_CLEAR(list);
			break;
		}
		receipts[i] = NULL; /* owned by the Python object now */
		PyList_SET_ITEM(list, i, r);
	}

done:
	for (Py_ssize_t i = 0; receipts != NULL && i < n; i++)
		loyalty_receipt_free(receipts[i]);
	PyMem_Free(handles);
	PyMem_Free(receipts);
	PyMem_Free(firsts);
	Py_XDECREF(cs);
	Py_XDECREF(ps);
	Py_XDECREF(fs);
	loyalty_swig_status(rc);
	if (list == NULL && rc == LOYALTY_OK && !PyErr_Occurred())
		PyErr_SetString(PyExc_SystemError, "compute_many failed without an error");
	return list;
}
%}

%loyalty_fallible_begin
%extend loyalty_swig_Calculator {
	/*
	 * Append a custom strategy: fn(input) is called with a loyalty_strategy_input
	 * and returns a (num, den) tuple. The calculator keeps a reference to fn until
	 * it is freed (or drops it at once if registration fails).
	 */
	void add_custom(const char *name, int role, PyObject *fn) {
		loyalty_swig_status(loyalty_py_add_custom($self, name, role, fn));
	}
	/* A list of receipts, one per (customer, purchase, first purchase) triple. */
	PyObject *compute_many(PyObject *customers, PyObject *purchases, PyObject *first_purchases) const {
		return loyalty_py_compute_many($self, customers, purchases, first_purchases);
	}
}
%loyalty_fallible_end
