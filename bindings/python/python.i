/*
 * Python only: custom strategies as Python callables, the batch calls
 * (compute_many, record_purchases, record_columns: purchases from columnar
 * buffers read in place) and the ledger read in chunks.
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

%{
/* ---- the program: the batch of purchases, the ledger in chunks ------------------- */

/* Record purchases[i] in order, each as record_purchase would, with the GIL
 * released once for the whole batch (the program takes its lock once per
 * purchase, so readers interleave). One failure stops nothing. Returns a list
 * with, for each purchase, a receipt handle or a (status, message, exception)
 * tuple: the exception is the one a custom strategy raised (status
 * LOYALTY_EUSER), else None.
 *
 * It calls loyalty_program_record_purchase per purchase rather than
 * loyalty_program_record_purchases: the C batch keeps only the last
 * failure's message, and each failed purchase deserves its own. */
static PyObject *loyalty_py_record_purchases(loyalty_program *p, PyObject *purchases)
{
	PyObject *seq, *list = NULL;
	const void **handles = NULL;
	loyalty_receipt **receipts = NULL;
	PyObject **raised = NULL;
	char **messages = NULL;
	int *status = NULL;
	Py_ssize_t n;

	seq = PySequence_Fast(purchases, "record_purchases: purchases must be a sequence");
	if (seq == NULL)
		return NULL;
	n = PySequence_Fast_GET_SIZE(seq);
	handles = PyMem_Calloc((size_t)n + 1, sizeof *handles);
	receipts = PyMem_Calloc((size_t)n + 1, sizeof *receipts);
	raised = PyMem_Calloc((size_t)n + 1, sizeof *raised);
	messages = PyMem_Calloc((size_t)n + 1, sizeof *messages);
	status = PyMem_Calloc((size_t)n + 1, sizeof *status);
	if (handles == NULL || receipts == NULL || raised == NULL || messages == NULL || status == NULL) {
		PyErr_NoMemory();
		goto done;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		void *h = NULL;
		if (!SWIG_IsOK(SWIG_ConvertPtr(PySequence_Fast_GET_ITEM(seq, i), &h, SWIGTYPE_p_loyalty_swig_Purchase, 0)) ||
		    h == NULL) {
			PyErr_Format(PyExc_TypeError, "record_purchases: item %zd is not a Purchase handle", i);
			goto done;
		}
		handles[i] = h;
	}

	LOYALTY_SWIG_BUSY_BEGIN(handles, (size_t)n)
	LOYALTY_SWIG_PROGRAM_BEGIN(p)
	for (Py_ssize_t i = 0; i < n; i++) {
		status[i] = loyalty_program_record_purchase(p, handles[i], &receipts[i]);
		if (status[i] < 0) {
			const char *m = loyalty_last_error();
			size_t len = strlen(m);
			messages[i] = malloc(len + 1); /* raw malloc: no GIL here */
			if (messages[i] != NULL)
				memcpy(messages[i], m, len + 1);
			if (status[i] == LOYALTY_EUSER) { /* the strategy's exception (a reference moved, not counted) */
				raised[i] = loyalty_py_pending;
				loyalty_py_pending = NULL;
			}
		}
	}
	LOYALTY_SWIG_PROGRAM_END
	LOYALTY_SWIG_BUSY_END
	if (loyalty_swig_rc < 0)
		goto done; /* re-entered from a custom strategy: nothing ran */

	list = PyList_New(n);
	for (Py_ssize_t i = 0; list != NULL && i < n; i++) {
		PyObject *item;
		if (status[i] >= 0) {
			item = SWIG_NewPointerObj(receipts[i], SWIGTYPE_p_loyalty_swig_Receipt, SWIG_POINTER_OWN);
			if (item != NULL)
				receipts[i] = NULL; /* owned by the Python object now */
		} else {
			item = Py_BuildValue("(iNO)", status[i],
			                     loyalty_py_text(messages[i] != NULL ? messages[i] : loyalty_strerror(status[i])),
			                     raised[i] != NULL ? raised[i] : Py_None);
		}
		if (item == NULL) {
			Py_CLEAR(list);
			break;
		}
		PyList_SET_ITEM(list, i, item);
	}

done:
	for (Py_ssize_t i = 0; handles != NULL && i < n; i++) {
		if (receipts != NULL)
			loyalty_receipt_free(receipts[i]);
		if (raised != NULL)
			Py_XDECREF(raised[i]);
		if (messages != NULL)
			free(messages[i]);
	}
	PyMem_Free(handles);
	PyMem_Free(receipts);
	PyMem_Free(raised);
	PyMem_Free(messages);
	PyMem_Free(status);
	Py_DECREF(seq);
	return list;
}

/* Up to @p max entries from index @p start of the ledger (customer NULL) or
 * of a customer's, as tuples (seq, id, customer_id, kind, points, pending,
 * debt, available_after, pending_after, at, key, ref, memo), copied in one
 * crossing with the GIL released; fewer at the end of the ledger. */
static PyObject *loyalty_py_entries(const loyalty_program *p, const loyalty_id *customer, size_t start, size_t max)
{
	loyalty_entry *e;
	PyObject *list = NULL;
	size_t got = 0;
	int rc = LOYALTY_OK;

	if (max > 4096)
		max = 4096;
	e = PyMem_Malloc((max + 1) * sizeof *e);
	if (e == NULL)
		return PyErr_NoMemory();
	LOYALTY_SWIG_PROGRAM_BEGIN(p)
	for (; got < max; got++) {
		rc = customer != NULL ? loyalty_program_customer_entry_at(p, customer, start + got, &e[got])
		                      : loyalty_program_entry_at(p, start + got, &e[got]);
		if (rc != LOYALTY_OK)
			break;
	}
	LOYALTY_SWIG_PROGRAM_END
	if (loyalty_swig_rc == LOYALTY_OK && rc != LOYALTY_OK && rc != LOYALTY_ERANGE)
		loyalty_swig_status(rc); /* an unknown customer */
	if (loyalty_swig_rc == LOYALTY_OK)
		list = PyList_New((Py_ssize_t)got);
	for (size_t i = 0; list != NULL && i < got; i++) {
		PyObject *t = Py_BuildValue("(Ky#y#iLLLLLLNNN)", (unsigned long long)e[i].seq,
		                            (const char *)e[i].id.bytes, (Py_ssize_t)16,
		                            (const char *)e[i].customer_id.bytes, (Py_ssize_t)16, (int)e[i].kind,
		                            (long long)e[i].points, (long long)e[i].pending, (long long)e[i].debt,
		                            (long long)e[i].available_after, (long long)e[i].pending_after,
		                            (long long)e[i].at, loyalty_py_text(e[i].key), loyalty_py_text(e[i].ref),
		                            loyalty_py_text(e[i].memo));
		if (t == NULL) {
			Py_CLEAR(list);
			break;
		}
		PyList_SET_ITEM(list, (Py_ssize_t)i, t);
	}
	PyMem_Free(e);
	return list;
}
%}

%{
/* ---- the program: a batch of purchases from columns ---------------------------------- */

/* An int64 column without copying: a C-contiguous one-dimensional buffer of
 * 8-byte signed integers in native byte order (array('q'), a numpy int64
 * array, memoryview(...).cast('q')). The caller releases @p view. */
static int loyalty_py_int64_column(PyObject *obj, const char *what, Py_buffer *view)
{
	static const uint16_t one = 1;
	const int little = *(const unsigned char *)&one == 1;
	char format[16];
	const char *f;
	int ok;

	if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) != 0) {
		PyErr_Clear();
		PyErr_Format(PyExc_TypeError,
		             "record_columns: %s must be a contiguous buffer of int64 (array('q'), a numpy int64 "
		             "array, memoryview.cast('q')), not %.100s", what, Py_TYPE(obj)->tp_name);
		return -1;
	}
	f = view->format != NULL ? view->format : "B";
	snprintf(format, sizeof format, "%s", f);
	if (*f == '@' || *f == '=' || (*f == '<' && little) || (*f == '>' && !little) || (*f == '!' && !little))
		f++;
	ok = view->ndim == 1 && view->itemsize == 8 &&
	     (strcmp(f, "q") == 0 || (strcmp(f, "l") == 0 && sizeof(long) == 8));
	if (!ok) {
		int ndim = view->ndim;
		Py_ssize_t itemsize = view->itemsize;
		PyBuffer_Release(view);
		PyErr_Format(PyExc_TypeError,
		             "record_columns: %s must be one-dimensional int64 in native byte order (format 'q'), "
		             "not format '%s' with %zd-byte items in %d dimensions", what, format, itemsize, ndim);
		return -1;
	}
	return 0;
}

/* UTF-8 pointers into the str items of @p seq, kept alive by *tuple (a copy of
 * the sequence, so that no item can be dropped while the GIL is released). */
static const char **loyalty_py_text_column(PyObject *seq, const char *what, PyObject **tuple, Py_ssize_t *n)
{
	const char **texts;

	*tuple = PySequence_Tuple(seq);
	if (*tuple == NULL) {
		PyErr_Clear();
		PyErr_Format(PyExc_TypeError, "record_columns: %s must be a sequence of str", what);
		return NULL;
	}
	*n = PyTuple_GET_SIZE(*tuple);
	texts = PyMem_Calloc((size_t)*n + 1, sizeof *texts);
	if (texts == NULL) {
		PyErr_NoMemory();
		return NULL;
	}
	for (Py_ssize_t i = 0; i < *n; i++) {
		PyObject *item = PyTuple_GET_ITEM(*tuple, i);
		Py_ssize_t len = 0;
		if (!PyUnicode_Check(item)) {
			PyErr_Format(PyExc_TypeError, "record_columns: %s[%zd] must be a str, not %.100s", what, i,
			             Py_TYPE(item)->tp_name);
			PyMem_Free(texts);
			return NULL;
		}
		texts[i] = PyUnicode_AsUTF8AndSize(item, &len);
		if (texts[i] == NULL || strlen(texts[i]) != (size_t)len) {
			if (texts[i] != NULL)
				PyErr_Format(PyExc_ValueError, "record_columns: %s[%zd] contains a NUL character", what, i);
			PyMem_Free(texts);
			return NULL;
		}
	}
	return texts;
}

/* One purchase of the columns: lines [lo, hi) of the line columns. */
static int loyalty_py_column_purchase(loyalty_program *p, const char *key, const unsigned char *customer,
                                      int64_t at, const char *currency, const char *const *skus,
                                      const char *const *types, const int64_t *quantities, const int64_t *prices,
                                      int64_t lo, int64_t hi, int64_t lines, loyalty_receipt **out)
{
	loyalty_purchase *pu = NULL;
	loyalty_id id;
	int rc;

	if (lo < 0 || hi < lo || hi > lines)
		return loyalty_error_set(LOYALTY_EINVAL,
			"record_columns: line_offsets must start at 0, never decrease and end at the number of lines");
	memcpy(id.bytes, customer, 16);
	rc = loyalty_purchase_new(&pu, key, &id, at, currency);
	for (int64_t j = lo; rc == LOYALTY_OK && j < hi; j++)
		rc = loyalty_purchase_add_item(pu, skus != NULL ? skus[j] : types[j], types[j], quantities[j], prices[j]);
	if (rc == LOYALTY_OK)
		rc = loyalty_program_record_purchase(p, pu, out);
	loyalty_purchase_free(pu);
	return rc;
}

/*
 * Record n purchases given as columns, in one crossing with the GIL released,
 * as record_purchases does with Purchase objects (same result list). Purchase
 * i has key keys[i], customer id customers[16 i .. 16 i + 16) (a bytes-like
 * buffer of 16 n bytes), time at[i] (ms) and the lines
 * [line_offsets[i], line_offsets[i + 1]) of the line columns skus (None: the
 * product types), product_types, quantities and unit_prices; line_offsets
 * None means one line per purchase. The numeric columns are read in place.
 */
static PyObject *loyalty_py_record_columns(loyalty_program *p, PyObject *keys, PyObject *customers, PyObject *at,
                                           const char *currency, PyObject *skus, PyObject *product_types,
                                           PyObject *quantities, PyObject *unit_prices, PyObject *line_offsets)
{
	Py_buffer ids = { 0 }, at_v = { 0 }, q_v = { 0 }, u_v = { 0 }, o_v = { 0 };
	int have_ids = 0, have_at = 0, have_q = 0, have_u = 0, have_o = 0;
	PyObject *key_t = NULL, *sku_t = NULL, *type_t = NULL, *list = NULL;
	const char **key_s = NULL, **sku_s = NULL, **type_s = NULL;
	loyalty_receipt **receipts = NULL;
	PyObject **raised = NULL;
	char **messages = NULL;
	int *status = NULL;
	Py_ssize_t n = 0, lines = 0, n_skus = 0, n_at, n_q, n_u;
	char cur[8];

	if (currency == NULL || strlen(currency) >= sizeof cur) {
		PyErr_SetString(PyExc_ValueError, "record_columns: currency must be an ISO 4217 code");
		return NULL;
	}
	snprintf(cur, sizeof cur, "%s", currency); /* SWIG's copy may not outlive the GIL */
	if ((key_s = loyalty_py_text_column(keys, "keys", &key_t, &n)) == NULL ||
	    (type_s = loyalty_py_text_column(product_types, "product_types", &type_t, &lines)) == NULL ||
	    (skus != Py_None && (sku_s = loyalty_py_text_column(skus, "skus", &sku_t, &n_skus)) == NULL))
		goto done;
	if (PyObject_GetBuffer(customers, &ids, PyBUF_C_CONTIGUOUS) != 0) {
		PyErr_Clear();
		PyErr_SetString(PyExc_TypeError, "record_columns: customers must be a bytes-like buffer of 16-byte ids");
		goto done;
	}
	have_ids = 1;
	if (loyalty_py_int64_column(at, "at", &at_v) != 0)
		goto done;
	have_at = 1;
	if (loyalty_py_int64_column(quantities, "quantities", &q_v) != 0)
		goto done;
	have_q = 1;
	if (loyalty_py_int64_column(unit_prices, "unit_prices", &u_v) != 0)
		goto done;
	have_u = 1;
	if (line_offsets != Py_None) {
		if (loyalty_py_int64_column(line_offsets, "line_offsets", &o_v) != 0)
			goto done;
		have_o = 1;
	}
	n_at = at_v.len / 8;
	n_q = q_v.len / 8;
	n_u = u_v.len / 8;
	if (ids.len != 16 * n || n_at != n || (have_o && o_v.len / 8 != n + 1) || (!have_o && lines != n) ||
	    n_q != lines || n_u != lines || (sku_s != NULL && n_skus != lines)) {
		PyErr_Format(PyExc_ValueError,
		             "record_columns: %zd keys need %zd customer bytes, %zd times and %s; the line columns "
		             "(product_types, quantities, unit_prices, skus) need one length, the number of lines "
		             "(got %zd customer bytes, %zd times, %zd product types, %zd quantities, %zd unit prices, "
		             "%zd skus, %zd line offsets)",
		             n, 16 * n, n, have_o ? "n + 1 line offsets" : "one line each", (Py_ssize_t)ids.len, n_at,
		             lines, n_q, n_u, sku_s != NULL ? n_skus : lines, have_o ? o_v.len / 8 : 0);
		goto done;
	}
	if (have_o) { /* checked again per purchase, in case another thread changes the column meanwhile */
		const int64_t *o = o_v.buf;
		for (Py_ssize_t i = 0; i <= n; i++)
			if ((i == 0 && o[0] != 0) || (i > 0 && o[i] < o[i - 1]) || (i == n && o[n] != (int64_t)lines)) {
				PyErr_Format(PyExc_ValueError,
				             "record_columns: line_offsets must start at 0, never decrease and end at the "
				             "number of lines (%zd); line_offsets[%zd] is %lld", lines, i, (long long)o[i]);
				goto done;
			}
	}
	receipts = PyMem_Calloc((size_t)n + 1, sizeof *receipts);
	raised = PyMem_Calloc((size_t)n + 1, sizeof *raised);
	messages = PyMem_Calloc((size_t)n + 1, sizeof *messages);
	status = PyMem_Calloc((size_t)n + 1, sizeof *status);
	if (receipts == NULL || raised == NULL || messages == NULL || status == NULL) {
		PyErr_NoMemory();
		goto done;
	}

	LOYALTY_SWIG_PROGRAM_BEGIN(p)
	{
		const unsigned char *id_bytes = ids.buf;
		const int64_t *at_c = at_v.buf, *q_c = q_v.buf, *u_c = u_v.buf, *o_c = have_o ? o_v.buf : NULL;

		for (Py_ssize_t i = 0; i < n; i++) {
			int64_t lo = o_c != NULL ? o_c[i] : (int64_t)i, hi = o_c != NULL ? o_c[i + 1] : (int64_t)i + 1;
			status[i] = loyalty_py_column_purchase(p, key_s[i], id_bytes + 16 * i, at_c[i], cur, sku_s, type_s,
			                                       q_c, u_c, lo, hi, (int64_t)lines, &receipts[i]);
			if (status[i] < 0) {
				const char *m = loyalty_last_error();
				size_t len = strlen(m);
				messages[i] = malloc(len + 1); /* raw malloc: no GIL here */
				if (messages[i] != NULL)
					memcpy(messages[i], m, len + 1);
				if (status[i] == LOYALTY_EUSER) {
					raised[i] = loyalty_py_pending;
					loyalty_py_pending = NULL;
				}
			}
		}
	}
	LOYALTY_SWIG_PROGRAM_END
	if (loyalty_swig_rc < 0)
		goto done; /* re-entered from a custom strategy: nothing ran */

	list = PyList_New(n);
	for (Py_ssize_t i = 0; list != NULL && i < n; i++) {
		PyObject *item;
		if (status[i] >= 0) {
			item = SWIG_NewPointerObj(receipts[i], SWIGTYPE_p_loyalty_swig_Receipt, SWIG_POINTER_OWN);
			if (item != NULL)
				receipts[i] = NULL;
		} else {
			item = Py_BuildValue("(iNO)", status[i],
			                     loyalty_py_text(messages[i] != NULL ? messages[i] : loyalty_strerror(status[i])),
			                     raised[i] != NULL ? raised[i] : Py_None);
		}
		if (item == NULL) {
			Py_CLEAR(list);
			break;
		}
		PyList_SET_ITEM(list, i, item);
	}

done:
	for (Py_ssize_t i = 0; receipts != NULL && raised != NULL && messages != NULL && i < n; i++) {
		loyalty_receipt_free(receipts[i]);
		Py_XDECREF(raised[i]);
		free(messages[i]);
	}
	PyMem_Free(receipts);
	PyMem_Free(raised);
	PyMem_Free(messages);
	PyMem_Free(status);
	if (have_ids)
		PyBuffer_Release(&ids);
	if (have_at)
		PyBuffer_Release(&at_v);
	if (have_q)
		PyBuffer_Release(&q_v);
	if (have_u)
		PyBuffer_Release(&u_v);
	if (have_o)
		PyBuffer_Release(&o_v);
	PyMem_Free(key_s);
	PyMem_Free(sku_s);
	PyMem_Free(type_s);
	Py_XDECREF(key_t);
	Py_XDECREF(sku_t);
	Py_XDECREF(type_t);
	return list;
}
%}

%loyalty_fallible_begin
%extend loyalty_swig_Program {
	/* A list with a receipt or a (status, message, exception-or-None) tuple per purchase. */
	PyObject *record_purchases(PyObject *purchases) { return loyalty_py_record_purchases($self, purchases); }
	/* The same from columns (loyalty_py_record_columns): numeric columns are read in place. */
	PyObject *record_columns(PyObject *keys, PyObject *customers, PyObject *at, const char *currency,
	                         PyObject *skus, PyObject *product_types, PyObject *quantities,
	                         PyObject *unit_prices, PyObject *line_offsets) {
		return loyalty_py_record_columns($self, keys, customers, at, currency, skus, product_types, quantities,
		                                 unit_prices, line_offsets);
	}
	/* Up to max entries as tuples, from index start; customer None: the whole ledger. */
	PyObject *entries(const loyalty_id *customer, size_t start, size_t max) const {
		return loyalty_py_entries($self, customer, start, max);
	}
}
%loyalty_fallible_end

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
