/*
 * Points without receipts (loyalty/calculator.h): loyalty_calculator_score
 * for one purchase, and, in Python, loyalty_calculator_score_columns for a
 * batch given as columns, read in place through the buffer protocol.
 *
 * SPDX-License-Identifier: MIT
 */

%{
/* The points of one purchase, as compute would give them, without a receipt;
 * the handles are marked busy while C reads them. */
static int64_t loyalty_swig_score(const loyalty_calculator *c, const loyalty_customer *customer,
                                  const loyalty_purchase *purchase, int first_purchase)
{
	loyalty_calc_context ctx = LOYALTY_CALC_CONTEXT_INIT;
	const void *handles[3];
	loyalty_points points = 0;
	int rc;

	handles[0] = c;
	handles[1] = customer;
	handles[2] = purchase;
	ctx.first_purchase = first_purchase != 0;
	LOYALTY_SWIG_BUSY_BEGIN(handles, 3)
	LOYALTY_SWIG_UNBLOCK_BEGIN(c)
	rc = loyalty_calculator_score(c, customer, purchase, &ctx, &points);
	LOYALTY_SWIG_UNBLOCK_END
	LOYALTY_SWIG_BUSY_END
	loyalty_swig_status(rc);
	return points;
}
%}

%loyalty_fallible_begin
%extend loyalty_swig_Calculator {
	/* the points compute would give, without a receipt; first_purchase non-zero for the customer's first */
	int64_t score(const loyalty_customer *customer, const loyalty_purchase *purchase, int first_purchase) const {
		return loyalty_swig_score($self, customer, purchase, first_purchase);
	}
}
%loyalty_fallible_end

#if defined(SWIGPYTHON)
%{
/* ---- score_columns: the columns through the buffer protocol ------------------------ */

#include <stdarg.h>

/* loyalty_error_set with a formatted message. */
static int loyalty_py_score_fail(int status, const char *format, ...)
{
	char message[512];
	va_list ap;

	va_start(ap, format);
	vsnprintf(message, sizeof message, format, ap);
	va_end(ap);
	return loyalty_error_set(status, message);
}

/* A column read in place: a C-contiguous one-dimensional buffer whose items are
 * integers of @p itemsize bytes in native byte order, signed or not as
 * @p is_signed (array('q'), array('I'), array('B'), numpy arrays of the
 * matching dtype). @p writable for the output. The caller releases @p view.
 * The Python layer converts other sequences first. */
static int loyalty_py_score_column(PyObject *obj, const char *what, Py_ssize_t itemsize, int is_signed,
                                   int writable, Py_buffer *view)
{
	static const uint16_t one = 1;
	const int little = *(const unsigned char *)&one == 1;
	const char *f;
	char code;
	int ok;

	if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0)) != 0) {
		PyErr_Clear();
		PyErr_Format(PyExc_TypeError, "score_columns: %s must be a contiguous%s buffer of %zd-byte integers, not %.100s",
		             what, writable ? " writable" : "", itemsize, Py_TYPE(obj)->tp_name);
		return -1;
	}
	f = view->format != NULL ? view->format : "B";
	if (*f == '@' || *f == '=' || (*f == '<' && little) || (*f == '>' && !little) || (*f == '!' && !little))
		f++;
	code = f[0] != '\0' && f[1] == '\0' ? f[0] : '?';
	ok = view->ndim == 1 && view->itemsize == itemsize &&
	     (is_signed ? strchr("bhilq", code) != NULL : strchr("BHILQ", code) != NULL);
	if (!ok) {
		PyErr_Format(PyExc_TypeError,
		             "score_columns: %s must be one-dimensional %s%zd-bit integers in native byte order, "
		             "not format '%s' with %zd-byte items in %d dimensions",
		             what, is_signed ? "" : "unsigned ", 8 * itemsize, view->format != NULL ? view->format : "B",
		             view->itemsize, view->ndim);
		PyBuffer_Release(view);
		return -1;
	}
	return 0;
}

/* UTF-8 pointers into the str items of @p seq, kept alive by *tuple. */
static const char **loyalty_py_score_names(PyObject *seq, const char *what, PyObject **tuple, Py_ssize_t *n)
{
	const char **names;

	*tuple = PySequence_Tuple(seq);
	if (*tuple == NULL) {
		PyErr_Clear();
		PyErr_Format(PyExc_TypeError, "score_columns: %s must be a sequence of str", what);
		return NULL;
	}
	*n = PyTuple_GET_SIZE(*tuple);
	names = PyMem_Calloc((size_t)*n + 1, sizeof *names);
	if (names == NULL) {
		PyErr_NoMemory();
		return NULL;
	}
	for (Py_ssize_t i = 0; i < *n; i++) {
		PyObject *item = PyTuple_GET_ITEM(*tuple, i);
		Py_ssize_t len = 0;
		if (!PyUnicode_Check(item)) {
			PyErr_Format(PyExc_TypeError, "score_columns: %s[%zd] must be a str, not %.100s", what, i,
			             Py_TYPE(item)->tp_name);
			PyMem_Free(names);
			return NULL;
		}
		names[i] = PyUnicode_AsUTF8AndSize(item, &len);
		if (names[i] == NULL || strlen(names[i]) != (size_t)len) {
			if (names[i] != NULL)
				PyErr_Format(PyExc_ValueError, "score_columns: %s[%zd] contains a NUL character", what, i);
			PyMem_Free(names);
			return NULL;
		}
	}
	return names;
}

enum { LOYALTY_PY_AT, LOYALTY_PY_CUSTOMER, LOYALTY_PY_LINE_START, LOYALTY_PY_LINE_TYPE, LOYALTY_PY_QUANTITY,
       LOYALTY_PY_UNIT_PRICE, LOYALTY_PY_TIER, LOYALTY_PY_MONTH, LOYALTY_PY_DAY, LOYALTY_PY_FIRST, LOYALTY_PY_OUT,
       LOYALTY_PY_COLUMNS };

/*
 * Score the purchases given as columns into @p out (a writable int64 buffer of
 * one item per purchase), in one call with the GIL released unless the
 * calculator has Python strategies. Column types, all read in place: at,
 * quantity, unit_price int64; customer, line_start, line_type, customer_tier
 * uint32; birth_month, birth_day, first_purchase uint8; None for the optional
 * ones. Lengths are checked here (C cannot see them); values by
 * loyalty_calculator_score_columns, which names the column and index.
 */
static void loyalty_py_score_columns(const loyalty_calculator *c, PyObject *at, PyObject *customer,
                                     PyObject *line_start, PyObject *line_type, PyObject *quantity,
                                     PyObject *unit_price, PyObject *type_names, PyObject *customer_tier,
                                     PyObject *tier_names, PyObject *birth_month, PyObject *birth_day,
                                     PyObject *first_purchase, const char *currency, PyObject *out)
{
	static const char *const what[LOYALTY_PY_COLUMNS] = { "at", "customer", "line_start", "line_type", "quantity",
		"unit_price", "customer_tier", "birth_month", "birth_day", "first_purchase", "the output" };
	static const Py_ssize_t size[LOYALTY_PY_COLUMNS] = { 8, 4, 4, 4, 8, 8, 4, 1, 1, 1, 8 };
	static const int is_signed[LOYALTY_PY_COLUMNS] = { 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1 };
	PyObject *obj[LOYALTY_PY_COLUMNS];
	Py_buffer v[LOYALTY_PY_COLUMNS];
	int have[LOYALTY_PY_COLUMNS] = { 0 };
	Py_ssize_t len[LOYALTY_PY_COLUMNS] = { 0 };
	PyObject *type_t = NULL, *tier_t = NULL;
	const char **types = NULL, **tiers = NULL;
	Py_ssize_t ntypes = 0, ntiers = 0, n, nlines, ncustomers = -1;
	loyalty_score_columns cols = LOYALTY_SCORE_COLUMNS_INIT;
	char cur[8];
	int rc = LOYALTY_OK;

	obj[LOYALTY_PY_AT] = at;
	obj[LOYALTY_PY_CUSTOMER] = customer;
	obj[LOYALTY_PY_LINE_START] = line_start;
	obj[LOYALTY_PY_LINE_TYPE] = line_type;
	obj[LOYALTY_PY_QUANTITY] = quantity;
	obj[LOYALTY_PY_UNIT_PRICE] = unit_price;
	obj[LOYALTY_PY_TIER] = customer_tier;
	obj[LOYALTY_PY_MONTH] = birth_month;
	obj[LOYALTY_PY_DAY] = birth_day;
	obj[LOYALTY_PY_FIRST] = first_purchase;
	obj[LOYALTY_PY_OUT] = out;
	if (currency == NULL || strlen(currency) >= sizeof cur) {
		rc = loyalty_error_set(LOYALTY_ECURRENCY, "score_columns: currency must be an ISO 4217 code");
		goto done;
	}
	snprintf(cur, sizeof cur, "%s", currency); /* SWIG's copy may not outlive the GIL */
	if ((types = loyalty_py_score_names(type_names, "type_names", &type_t, &ntypes)) == NULL ||
	    (tiers = loyalty_py_score_names(tier_names, "tier_names", &tier_t, &ntiers)) == NULL)
		goto done;
	for (int k = 0; k < LOYALTY_PY_COLUMNS; k++) {
		if (obj[k] == Py_None)
			continue;
		if (loyalty_py_score_column(obj[k], what[k], size[k], is_signed[k], k == LOYALTY_PY_OUT, &v[k]) != 0)
			goto done;
		have[k] = 1;
		len[k] = v[k].len / size[k];
	}
	for (int k = 0; k <= LOYALTY_PY_UNIT_PRICE; k++)
		if (!have[k]) {
			PyErr_Format(PyExc_TypeError, "score_columns: %s is required", what[k]);
			goto done;
		}

	/* lengths: n purchases, n + 1 line starts, nlines = line_start[n] lines, one customer column length */
	n = len[LOYALTY_PY_AT];
	if (len[LOYALTY_PY_CUSTOMER] != n || len[LOYALTY_PY_LINE_START] != n + 1 ||
	    (have[LOYALTY_PY_FIRST] && len[LOYALTY_PY_FIRST] != n) || len[LOYALTY_PY_OUT] != n) {
		rc = loyalty_py_score_fail(LOYALTY_EINVAL,
			"score_columns: %zd times need %zd customers, %zd line starts%s (got %zd customers, %zd line "
			"starts, %zd first_purchase flags)", n, n, n + 1, have[LOYALTY_PY_FIRST] ? " and as many "
			"first_purchase flags" : "", len[LOYALTY_PY_CUSTOMER], len[LOYALTY_PY_LINE_START],
			len[LOYALTY_PY_FIRST]);
		goto done;
	}
	{
		const uint32_t *ls = v[LOYALTY_PY_LINE_START].buf;
		nlines = (Py_ssize_t)ls[n];
		for (Py_ssize_t i = 0; i < n; i++)
			if (ls[i] > ls[i + 1]) {
				rc = loyalty_py_score_fail(LOYALTY_EINVAL,
					"score_columns: line_start must never decrease (line_start[%zd] is %lu, line_start[%zd] "
					"%lu)", i, (unsigned long)ls[i], i + 1, (unsigned long)ls[i + 1]);
				goto done;
			}
	}
	if (len[LOYALTY_PY_LINE_TYPE] != nlines || len[LOYALTY_PY_QUANTITY] != nlines ||
	    len[LOYALTY_PY_UNIT_PRICE] != nlines) {
		rc = loyalty_py_score_fail(LOYALTY_EINVAL,
			"score_columns: line_start ends at %zd lines, and line_type, quantity and unit_price must have "
			"that length (got %zd, %zd and %zd)", nlines, len[LOYALTY_PY_LINE_TYPE], len[LOYALTY_PY_QUANTITY],
			len[LOYALTY_PY_UNIT_PRICE]);
		goto done;
	}
	for (int k = LOYALTY_PY_TIER; k <= LOYALTY_PY_DAY; k++) {
		if (!have[k])
			continue;
		if (ncustomers >= 0 && len[k] != ncustomers) {
			rc = loyalty_py_score_fail(LOYALTY_EINVAL,
				"score_columns: customer_tier, birth_month and birth_day must have one length, the number of "
				"customers (%s has %zd, not %zd)", what[k], len[k], ncustomers);
			goto done;
		}
		ncustomers = len[k];
	}
	if (have[LOYALTY_PY_MONTH] != have[LOYALTY_PY_DAY]) {
		rc = loyalty_py_score_fail(LOYALTY_EINVAL, "score_columns: birth_month and birth_day go together");
		goto done;
	}

	cols.npurchases = (size_t)n;
	cols.at = v[LOYALTY_PY_AT].buf;
	cols.customer = v[LOYALTY_PY_CUSTOMER].buf;
	cols.line_start = v[LOYALTY_PY_LINE_START].buf;
	cols.line_type = v[LOYALTY_PY_LINE_TYPE].buf;
	cols.quantity = v[LOYALTY_PY_QUANTITY].buf;
	cols.unit_price = v[LOYALTY_PY_UNIT_PRICE].buf;
	cols.type_names = types;
	cols.ntypes = (size_t)ntypes;
	/* no customer column: no customer has anything, every index is a customer */
	cols.ncustomers = ncustomers >= 0 ? (size_t)ncustomers : (size_t)UINT32_MAX;
	cols.customer_tier = have[LOYALTY_PY_TIER] ? v[LOYALTY_PY_TIER].buf : NULL;
	cols.tier_names = tiers;
	cols.ntiers = (size_t)ntiers;
	cols.birth_month = have[LOYALTY_PY_MONTH] ? v[LOYALTY_PY_MONTH].buf : NULL;
	cols.birth_day = have[LOYALTY_PY_DAY] ? v[LOYALTY_PY_DAY].buf : NULL;
	cols.first_purchase = have[LOYALTY_PY_FIRST] ? v[LOYALTY_PY_FIRST].buf : NULL;
	cols.currency = cur;
	{
		const void *handles[1];
		handles[0] = c;
		LOYALTY_SWIG_BUSY_BEGIN(handles, 1)
		LOYALTY_SWIG_UNBLOCK_BEGIN(c)
		rc = loyalty_calculator_score_columns(c, &cols, v[LOYALTY_PY_OUT].buf, NULL);
		LOYALTY_SWIG_UNBLOCK_END
		LOYALTY_SWIG_BUSY_END
	}

done:
	for (int k = 0; k < LOYALTY_PY_COLUMNS; k++)
		if (have[k])
			PyBuffer_Release(&v[k]);
	PyMem_Free(types);
	PyMem_Free(tiers);
	Py_XDECREF(type_t);
	Py_XDECREF(tier_t);
	loyalty_swig_status(rc);
}
%}

%loyalty_fallible_begin
%extend loyalty_swig_Calculator {
	/* Points of the purchases given as columns into out (loyalty_py_score_columns). */
	PyObject *score_columns(PyObject *at, PyObject *customer, PyObject *line_start, PyObject *line_type,
	                        PyObject *quantity, PyObject *unit_price, PyObject *type_names,
	                        PyObject *customer_tier, PyObject *tier_names, PyObject *birth_month,
	                        PyObject *birth_day, PyObject *first_purchase, const char *currency,
	                        PyObject *out) const {
		loyalty_py_score_columns($self, at, customer, line_start, line_type, quantity, unit_price, type_names,
		                         customer_tier, tier_names, birth_month, birth_day, first_purchase, currency, out);
		if (PyErr_Occurred() || loyalty_swig_rc < 0)
			return NULL; /* raised by the wrapper (the status) or already */
		Py_INCREF(out);
		return out;
	}
}
%loyalty_fallible_end
#endif
