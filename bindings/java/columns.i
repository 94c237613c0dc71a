/*
 * Java only: batches as columns, one JNI crossing per batch.
 *
 * org.libloyalty.PurchaseColumns and CustomerColumns keep their columns in
 * direct ByteBuffers in the platform's byte order, private and never
 * changed after construction: C reads them in place (GetDirectBufferAddress),
 * with no copy, no JNI critical region (a custom strategy may call back into
 * Java during the batch) and no other thread able to change them meanwhile.
 * The public layer checks the columns' shape when it builds them; the
 * functions here check every length and index again before C reads a byte,
 * so that a bad call throws instead of reading out of bounds.
 *
 * Text columns (purchase keys, product type and tier names) cross as one
 * byte buffer of NUL-terminated UTF-8 strings, in order.
 *
 * These are hand-written JNI entry points of LoyaltyJNI (declared in its
 * jniclasscode below), as setFraction in java.i: their arguments are a dozen
 * buffers that no SWIG typemap of the shared files describes.
 *
 *   scoreColumns   loyalty_calculator_score_columns: the points of every
 *                  purchase without receipts, in one crossing.
 *   recordColumns  loyalty_program_record_columns (one lock, one
 *                  transaction and journal record per batch; each purchase
 *                  stands alone), or where the C library lacks it each
 *                  purchase built and recorded by
 *                  loyalty_program_record_purchase; per purchase a status,
 *                  the points credited and, for a refused one, its message.
 *
 * SPDX-License-Identifier: MIT
 */

%{
#include <stdio.h>

/* The address of direct buffer @p buf, which must hold at least @p bytes;
 * NULL with an IllegalArgumentException pending otherwise (or when @p buf is
 * null and not @p optional; an optional null buffer gives NULL, no exception). */
static void *loyalty_java_column(JNIEnv *env, jobject buf, size_t bytes, const char *what, int optional)
{
	void *addr;
	jlong cap;
	char msg[160];

	if (buf == NULL) {
		if (optional)
			return NULL;
		snprintf(msg, sizeof msg, "columns: %s is missing", what);
		SWIG_JavaThrowException(env, SWIG_JavaIllegalArgumentException, msg);
		return NULL;
	}
	addr = (*env)->GetDirectBufferAddress(env, buf);
	cap = (*env)->GetDirectBufferCapacity(env, buf);
	if ((addr == NULL && bytes > 0) || cap < 0 || (uint64_t)cap < (uint64_t)bytes) {
		snprintf(msg, sizeof msg, "columns: %s must be a direct buffer of at least %zu bytes", what, bytes);
		SWIG_JavaThrowException(env, SWIG_JavaIllegalArgumentException, msg);
		return NULL;
	}
	return addr != NULL ? addr : (void *)"";
}

/* Pointers to the @p count NUL-terminated strings of @p blob (@p size bytes),
 * in a new array the caller frees; NULL with an exception pending when the
 * blob does not hold exactly @p count strings. */
static const char **loyalty_java_texts(JNIEnv *env, const char *blob, size_t size, size_t count, const char *what)
{
	const char **out = malloc((count + 1) * sizeof *out);
	size_t at = 0;

	if (out == NULL) {
		loyalty_java_throw(env, loyalty_error_set(LOYALTY_ENOMEM, "columns: out of memory"));
		return NULL;
	}
	for (size_t i = 0; i < count; i++) {
		const char *end = at < size ? memchr(blob + at, '\0', size - at) : NULL;
		if (end == NULL) {
			char msg[128];
			snprintf(msg, sizeof msg, "columns: %s holds fewer than %zu strings", what, count);
			SWIG_JavaThrowException(env, SWIG_JavaIllegalArgumentException, msg);
			free(out);
			return NULL;
		}
		out[i] = blob + at;
		at = (size_t)(end - blob) + 1;
	}
	return out;
}

/* Appends @p s with its NUL to the growing buffer *buf. */
static int loyalty_java_append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s) + 1;

	if (*len + n > *cap) {
		size_t c = *cap > 0 ? *cap : 256;
		char *b;
		while (c < *len + n)
			c *= 2;
		b = realloc(*buf, c);
		if (b == NULL)
			return -1;
		*buf = b;
		*cap = c;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	return 0;
}

/*
 * Record purchases [0, n) of checked columns (see recordColumns below):
 * status[i], points[i] (credited), and each refused purchase's message
 * appended to *messages. Returns LOYALTY_OK, or the failure of the call
 * itself.
 *
 * With loyalty_program_record_columns (LOYALTY_RECORD_COLUMNS_VERSION in
 * program.h), the batch is one call of the C library: one lock, one commit
 * (one journal record for a durable program). Without it, each purchase is
 * built and recorded by loyalty_program_record_purchase in its own
 * transaction.
 */
static int loyalty_java_record(loyalty_program *p, size_t n, const char *const *keys, const uint32_t *cust,
                               const unsigned char *id_bytes, const int64_t *at, const uint32_t *starts,
                               const uint32_t *types, const char *const *type_names, size_t ntypes,
                               const int64_t *qty, const int64_t *price, const char *currency, jint *status,
                               jlong *points, char **messages, size_t *msg_len, size_t *msg_cap)
{
#ifdef LOYALTY_RECORD_COLUMNS_VERSION
	loyalty_record_columns cols = LOYALTY_RECORD_COLUMNS_INIT;
	loyalty_id *ids = malloc((n + 1) * sizeof *ids);
	size_t *line_start = malloc((n + 1) * sizeof *line_start);
	loyalty_record_result *results = calloc(n + 1, sizeof *results);
	int rc = LOYALTY_OK, failed = 0;

	if (ids == NULL || line_start == NULL || results == NULL) {
		rc = loyalty_error_set(LOYALTY_ENOMEM, "recordColumns: out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(ids[i].bytes, id_bytes + 16 * (size_t)cust[i], 16);
		line_start[i] = starts[i];
	}
	line_start[n] = starts[n];
	cols.n = n;
	cols.keys = keys;
	cols.customers = ids;
	cols.at = at;
	cols.line_start = line_start;
	cols.line_type = types;
	cols.type_names = type_names;
	cols.ntypes = ntypes;
	cols.quantity = qty;
	cols.unit_price = price;
	cols.currency = currency;
	rc = loyalty_program_record_columns(p, &cols, results);
	for (size_t i = 0; i < n; i++) {
		status[i] = results[i].status < 0 ? results[i].status : 0;
		points[i] = results[i].status < 0 ? 0 : results[i].credited;
		if (results[i].status < 0) {
			failed = 1;
			if (loyalty_java_append(messages, msg_len, msg_cap, results[i].message) != 0) {
				rc = loyalty_error_set(LOYALTY_ENOMEM, "recordColumns: out of memory for the messages");
				goto done;
			}
		}
	}
	if (rc < 0 && failed)
		rc = LOYALTY_OK; /* the first refused purchase's status: it is in its result */
done:
	free(ids);
	free(line_start);
	free(results);
	return rc;
#else
	(void)ntypes;
	for (size_t i = 0; i < n; i++) {
		loyalty_purchase *pu = NULL;
		loyalty_receipt *r = NULL;
		loyalty_id id;
		int s;

		memcpy(id.bytes, id_bytes + 16 * (size_t)cust[i], 16);
		s = loyalty_purchase_new(&pu, keys[i], &id, at[i], currency);
		for (uint32_t j = starts[i]; s == LOYALTY_OK && j < starts[i + 1]; j++)
			s = loyalty_purchase_add_item(pu, type_names[types[j]], type_names[types[j]], qty[j], price[j]);
		if (s == LOYALTY_OK)
			s = loyalty_program_record_purchase(p, pu, &r);
		loyalty_purchase_free(pu);
		status[i] = s < 0 ? s : 0;
		points[i] = s < 0 ? 0 : loyalty_receipt_credited(r);
		loyalty_receipt_free(r);
		if (s < 0 && loyalty_java_append(messages, msg_len, msg_cap, loyalty_last_error()) != 0)
			return loyalty_error_set(LOYALTY_ENOMEM, "recordColumns: out of memory for the messages");
	}
	return LOYALTY_OK;
#endif
}

/*
 * LoyaltyJNI.recordColumns: record purchases [0, n) of the columns into
 * @p program. Purchase i has the key keys[i] (of the key blob), the customer
 * ids[customer[i]] (16 bytes each, ncustomers of them), the time at[i] and
 * the lines line_start[i] .. line_start[i+1]-1 of line_type (an index into
 * the type names; the SKU is the product type), quantity and unit_price.
 *
 * The columns are checked first (lengths, line_start from 0 and never
 * decreasing, every index in range): a failure throws
 * IllegalArgumentException / InvalidArgumentException and records nothing.
 * Then the purchases are recorded (loyalty_java_record): status[i] (0 or a
 * negative LOYALTY_E*), points[i] (the points credited, after the program's
 * caps, as loyalty_record_result.credited; 0 when refused).
 * Returns the messages of the refused purchases, in order, as one byte[] of
 * NUL-terminated UTF-8 strings (empty when none was refused).
 */
SWIGEXPORT jbyteArray JNICALL Java_org_libloyalty_swig_LoyaltyJNI_recordColumns(JNIEnv *env, jclass cls,
	jlong program, jint n, jobject keys, jobject customer, jobject at, jobject line_start, jobject line_type,
	jobject quantity, jobject unit_price, jobject type_names, jint ntypes, jobject ids, jint ncustomers,
	jbyteArray currency, jintArray status_out, jlongArray points_out)
{
	loyalty_program *p = (loyalty_program *)(intptr_t)program;
	const char *key_blob, *type_blob, **key_s = NULL, **type_s = NULL;
	const uint32_t *cust, *starts, *types;
	const int64_t *at_c, *qty, *price;
	const unsigned char *id_bytes;
	size_t lines, key_size, type_size;
	char cur[8];
	jsize cur_len;
	jint *status = NULL;
	jlong *points = NULL;
	char *messages = NULL;
	size_t msg_len = 0, msg_cap = 0;
	jbyteArray result = NULL;
	int rc = LOYALTY_OK;

	(void)cls;
	if (p == NULL || n < 0 || ntypes < 0 || ncustomers < 0 || currency == NULL || status_out == NULL ||
	    points_out == NULL || (*env)->GetArrayLength(env, status_out) < n ||
	    (*env)->GetArrayLength(env, points_out) < n) {
		SWIG_JavaThrowException(env, SWIG_JavaIllegalArgumentException, "recordColumns: bad arguments");
		return NULL;
	}
	cur_len = (*env)->GetArrayLength(env, currency);
	if (cur_len <= 0 || cur_len >= (jsize)sizeof cur) {
		loyalty_java_throw(env, loyalty_error_set(LOYALTY_ECURRENCY,
			"recordColumns: the currency must be an ISO 4217 code"));
		return NULL;
	}
	(*env)->GetByteArrayRegion(env, currency, 0, cur_len, (jbyte *)cur);
	cur[cur_len] = '\0';

	/* shape: every length, then every index, before anything is recorded */
	if ((cust = loyalty_java_column(env, customer, 4 * (size_t)n, "customer", 0)) == NULL ||
	    (at_c = loyalty_java_column(env, at, 8 * (size_t)n, "at", 0)) == NULL ||
	    (starts = loyalty_java_column(env, line_start, 4 * ((size_t)n + 1), "line_start", 0)) == NULL ||
	    (id_bytes = loyalty_java_column(env, ids, 16 * (size_t)ncustomers, "customer ids", 0)) == NULL)
		return NULL;
	lines = starts[n];
	if ((types = loyalty_java_column(env, line_type, 4 * lines, "line_type", 0)) == NULL ||
	    (qty = loyalty_java_column(env, quantity, 8 * lines, "quantity", 0)) == NULL ||
	    (price = loyalty_java_column(env, unit_price, 8 * lines, "unit_price", 0)) == NULL ||
	    (key_blob = loyalty_java_column(env, keys, 0, "keys", 0)) == NULL ||
	    (type_blob = loyalty_java_column(env, type_names, 0, "type names", 0)) == NULL)
		return NULL;
	key_size = (size_t)(*env)->GetDirectBufferCapacity(env, keys);
	type_size = (size_t)(*env)->GetDirectBufferCapacity(env, type_names);
	for (jint i = 0; i < n; i++) {
		const char *what = NULL;
		if (starts[i + 1] < starts[i] || (i == 0 && starts[0] != 0))
			what = "line_start must start at 0 and never decrease";
		else if (cust[i] >= (uint32_t)ncustomers)
			what = "a customer index is out of range";
		if (what != NULL) {
			char msg[160];
			snprintf(msg, sizeof msg, "recordColumns: purchase %d: %s", (int)i, what);
			loyalty_java_throw(env, loyalty_error_set(LOYALTY_EINVAL, msg));
			return NULL;
		}
	}
	for (size_t j = 0; j < lines; j++)
		if (types[j] >= (uint32_t)ntypes) {
			char msg[160];
			snprintf(msg, sizeof msg, "recordColumns: line %zu: the product type index %u is out of range", j,
			         (unsigned)types[j]);
			loyalty_java_throw(env, loyalty_error_set(LOYALTY_EINVAL, msg));
			return NULL;
		}
	if ((key_s = loyalty_java_texts(env, key_blob, key_size, (size_t)n, "keys")) == NULL)
		goto done;
	if ((type_s = loyalty_java_texts(env, type_blob, type_size, (size_t)ntypes, "type names")) == NULL)
		goto done;
	status = malloc(((size_t)n + 1) * sizeof *status);
	points = malloc(((size_t)n + 1) * sizeof *points);
	if (status == NULL || points == NULL) {
		loyalty_java_throw(env, loyalty_error_set(LOYALTY_ENOMEM, "recordColumns: out of memory"));
		goto done;
	}

	LOYALTY_SWIG_PROGRAM_BEGIN(p)
	rc = loyalty_java_record(p, (size_t)n, key_s, cust, id_bytes, at_c, starts, types, type_s, (size_t)ntypes, qty,
	                         price, cur, status, points, &messages, &msg_len, &msg_cap);
	LOYALTY_SWIG_PROGRAM_END
	if (loyalty_swig_rc < 0 || rc < 0) {
		loyalty_java_throw(env, rc < 0 ? rc : loyalty_swig_rc);
		goto done;
	}
	if ((*env)->ExceptionCheck(env))
		goto done;
	(*env)->SetIntArrayRegion(env, status_out, 0, n, status);
	(*env)->SetLongArrayRegion(env, points_out, 0, n, points);
	result = (*env)->NewByteArray(env, (jsize)msg_len);
	if (result != NULL && msg_len > 0)
		(*env)->SetByteArrayRegion(env, result, 0, (jsize)msg_len, (const jbyte *)messages);

done:
	free(key_s);
	free(type_s);
	free(status);
	free(points);
	free(messages);
	return result;
}

/*
 * LoyaltyJNI.scoreColumns: loyalty_calculator_score_columns over the columns
 * of PurchaseColumns and CustomerColumns (direct buffers, see above).
 * status[i] and points[i] receive each purchase's status and points. A
 * malformed batch (LOYALTY_EINVAL, LOYALTY_ECURRENCY, LOYALTY_ENOMEM: C
 * wrote nothing) throws; otherwise returns null when every purchase was
 * scored, else the C message of the first refused one (UTF-8).
 */
SWIGEXPORT jbyteArray JNICALL Java_org_libloyalty_swig_LoyaltyJNI_scoreColumns(JNIEnv *env, jclass cls,
	jlong calculator, jint n, jobject customer, jobject at, jobject line_start, jobject line_type, jobject quantity,
	jobject unit_price, jobject type_names, jint ntypes, jobject first_purchase, jint ncustomers, jobject tier,
	jobject tier_names, jint ntiers, jobject birth_month, jobject birth_day, jbyteArray currency,
	jintArray status_out, jlongArray points_out)
{
	const loyalty_calculator *c = (const loyalty_calculator *)(intptr_t)calculator;
	loyalty_score_columns cols = LOYALTY_SCORE_COLUMNS_INIT;
	const uint32_t *starts;
	const char *type_blob, *tier_blob, **type_s = NULL, **tier_s = NULL;
	char cur[8];
	jsize cur_len;
	int *status = NULL;
	loyalty_points *points = NULL;
	jbyteArray result = NULL;
	size_t lines;
	int rc;

	(void)cls;
	if (c == NULL || n < 0 || ntypes < 0 || ncustomers < 0 || ntiers < 0 || currency == NULL || status_out == NULL ||
	    points_out == NULL || (*env)->GetArrayLength(env, status_out) < n ||
	    (*env)->GetArrayLength(env, points_out) < n) {
		SWIG_JavaThrowException(env, SWIG_JavaIllegalArgumentException, "scoreColumns: bad arguments");
		return NULL;
	}
	cur_len = (*env)->GetArrayLength(env, currency);
	if (cur_len <= 0 || cur_len >= (jsize)sizeof cur) {
		loyalty_java_throw(env, loyalty_error_set(LOYALTY_ECURRENCY,
			"scoreColumns: the currency must be an ISO 4217 code"));
		return NULL;
	}
	(*env)->GetByteArrayRegion(env, currency, 0, cur_len, (jbyte *)cur);
	cur[cur_len] = '\0';

	if ((cols.customer = loyalty_java_column(env, customer, 4 * (size_t)n, "customer", 0)) == NULL ||
	    (cols.at = loyalty_java_column(env, at, 8 * (size_t)n, "at", 0)) == NULL ||
	    (starts = loyalty_java_column(env, line_start, 4 * ((size_t)n + 1), "line_start", 0)) == NULL)
		return NULL;
	lines = starts[n];
	if ((cols.line_type = loyalty_java_column(env, line_type, 4 * lines, "line_type", 0)) == NULL ||
	    (cols.quantity = loyalty_java_column(env, quantity, 8 * lines, "quantity", 0)) == NULL ||
	    (cols.unit_price = loyalty_java_column(env, unit_price, 8 * lines, "unit_price", 0)) == NULL ||
	    (type_blob = loyalty_java_column(env, type_names, 0, "type names", 0)) == NULL ||
	    (tier_blob = loyalty_java_column(env, tier_names, 0, "tier names", 0)) == NULL)
		return NULL;
	/* optional columns: NULL for a null buffer (no exception then) */
	cols.first_purchase = loyalty_java_column(env, first_purchase, (size_t)n, "first_purchase", 1);
	if (!(*env)->ExceptionCheck(env))
		cols.customer_tier = loyalty_java_column(env, tier, 4 * (size_t)ncustomers, "tier", 1);
	if (!(*env)->ExceptionCheck(env))
		cols.birth_month = loyalty_java_column(env, birth_month, (size_t)ncustomers, "birth_month", 1);
	if (!(*env)->ExceptionCheck(env))
		cols.birth_day = loyalty_java_column(env, birth_day, (size_t)ncustomers, "birth_day", 1);
	if ((*env)->ExceptionCheck(env))
		return NULL;
	if ((type_s = loyalty_java_texts(env, type_blob, (size_t)(*env)->GetDirectBufferCapacity(env, type_names),
	                                 (size_t)ntypes, "type names")) == NULL ||
	    (tier_s = loyalty_java_texts(env, tier_blob, (size_t)(*env)->GetDirectBufferCapacity(env, tier_names),
	                                 (size_t)ntiers, "tier names")) == NULL)
		goto done;
	status = malloc(((size_t)n + 1) * sizeof *status);
	points = malloc(((size_t)n + 1) * sizeof *points);
	if (status == NULL || points == NULL) {
		loyalty_java_throw(env, loyalty_error_set(LOYALTY_ENOMEM, "scoreColumns: out of memory"));
		goto done;
	}
	status[0] = 1; /* still 1 after a failure: C wrote nothing */

	cols.npurchases = (size_t)n;
	cols.line_start = starts;
	cols.type_names = type_s;
	cols.ntypes = (size_t)ntypes;
	cols.ncustomers = (size_t)ncustomers;
	cols.tier_names = tier_s;
	cols.ntiers = (size_t)ntiers;
	cols.currency = cur;
	rc = loyalty_calculator_score_columns(c, &cols, points, status);
	if ((*env)->ExceptionCheck(env))
		goto done;
	if (rc < 0 && (n == 0 || status[0] == 1)) {
		loyalty_java_throw(env, rc);
		goto done;
	}
	(*env)->SetIntArrayRegion(env, status_out, 0, n, status);
	(*env)->SetLongArrayRegion(env, points_out, 0, n, points);
	if (rc < 0)
		result = loyalty_java_bytes(env, loyalty_last_error());

done:
	free(type_s);
	free(tier_s);
	free(status);
	free(points);
	return result;
}
%}

%pragma(java) jniclasscode = %{
  /**
   * Records the purchases of the columns (direct buffers, native order) into
   * the program at {@code program}; see bindings/java/columns.i.
   */
  public static final native byte[] recordColumns(long program, int n, java.nio.ByteBuffer keys,
      java.nio.ByteBuffer customer, java.nio.ByteBuffer at, java.nio.ByteBuffer lineStart,
      java.nio.ByteBuffer lineType, java.nio.ByteBuffer quantity, java.nio.ByteBuffer unitPrice,
      java.nio.ByteBuffer typeNames, int ntypes, java.nio.ByteBuffer ids, int ncustomers, byte[] currency,
      int[] status, long[] points);

  /**
   * Scores the purchases of the columns with the calculator at
   * {@code calculator}; see bindings/java/columns.i.
   */
  public static final native byte[] scoreColumns(long calculator, int n, java.nio.ByteBuffer customer,
      java.nio.ByteBuffer at, java.nio.ByteBuffer lineStart, java.nio.ByteBuffer lineType,
      java.nio.ByteBuffer quantity, java.nio.ByteBuffer unitPrice, java.nio.ByteBuffer typeNames, int ntypes,
      java.nio.ByteBuffer firstPurchase, int ncustomers, java.nio.ByteBuffer tier, java.nio.ByteBuffer tierNames,
      int ntiers, java.nio.ByteBuffer birthMonth, java.nio.ByteBuffer birthDay, byte[] currency, int[] status,
      long[] points);
%}
