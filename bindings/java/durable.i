/*
 * Java: durable programs (loyalty/journal.h): open a program on a directory
 * (write-ahead journal, snapshots, recovery), snapshot, export, import.
 *
 * Included by bindings/loyalty.i after the domain files, because it uses
 * their types (Program, Calculator, ProgramOptions). These are module
 * functions with a loyalty_java_ prefix, so that a shared swig/ file wrapping
 * journal.h for every language later cannot collide with them; the public
 * layer (org.libloyalty.Program.open, ...) is what users call.
 *
 *  - open and import take the calculator on success only, as
 *    loyalty_program_new (the parameter is named taken_on_success).
 *  - open and import take an org.libloyalty.ProgressListener (or null) through
 *    the trampoline of bindings/swig/simulate.i: records loaded of total.
 *  - The recovery report comes back in a long[5]: created, snapshot
 *    generation, records replayed, torn offset, torn bytes.
 *
 * SPDX-License-Identifier: MIT
 */

%{
static loyalty_program *loyalty_java_program_open(JNIEnv *env, const char *dir, loyalty_calculator *taken_on_success,
                                                  const loyalty_program_options *options, int sync, int batch_ms,
                                                  int batch_records, int salvage, int64_t snapshot_bytes,
                                                  jobject listener, int64_t *recovery)
{
	loyalty_journal_options j = LOYALTY_JOURNAL_OPTIONS_INIT;
	loyalty_recovery_info info;
	loyalty_program *p = NULL;
	loyalty_java_progress pr; /* bindings/swig/simulate.i */
	int rc;

	if (loyalty_java_progress_init(env, &pr, listener) != 0)
		return NULL; /* NoSuchMethodError pending */
	memset(&info, 0, sizeof info);
	j.sync = (loyalty_sync_policy)sync;
	j.batch_ms = batch_ms;
	j.batch_records = batch_records;
	j.salvage = salvage;
	j.snapshot_bytes = snapshot_bytes;
	j.progress = listener ? loyalty_java_progress_call : NULL;
	j.progress_data = &pr;
	rc = loyalty_program_open(&p, dir, taken_on_success, options, &j, &info);
	loyalty_swig_status(rc);
	loyalty_java_progress_done(&pr, rc != LOYALTY_OK);
	if (rc == LOYALTY_OK) {
		recovery[0] = info.created;
		recovery[1] = (int64_t)info.snapshot_generation;
		recovery[2] = (int64_t)info.records_replayed;
		recovery[3] = info.torn_offset;
		recovery[4] = info.torn_bytes;
	}
	return loyalty_swig_new(p, rc);
}

static loyalty_program *loyalty_java_program_import(JNIEnv *env, const char *path,
                                                    loyalty_calculator *taken_on_success, jobject listener)
{
	loyalty_program *p = NULL;
	loyalty_java_progress pr;
	int rc;

	if (loyalty_java_progress_init(env, &pr, listener) != 0)
		return NULL;
	rc = loyalty_program_import_ex(&p, path, taken_on_success, listener ? loyalty_java_progress_call : NULL, &pr);
	loyalty_swig_status(rc);
	loyalty_java_progress_done(&pr, rc != LOYALTY_OK);
	return loyalty_swig_new(p, rc);
}

static void loyalty_java_program_snapshot(loyalty_program *program)
{
	LOYALTY_SWIG_PROGRAM_BEGIN(program)
	loyalty_swig_status(loyalty_program_snapshot(program));
	LOYALTY_SWIG_PROGRAM_END
}

static void loyalty_java_program_export(loyalty_program *program, const char *path)
{
	LOYALTY_SWIG_PROGRAM_BEGIN(program)
	loyalty_swig_status(loyalty_program_export(program, path));
	LOYALTY_SWIG_PROGRAM_END
}
%}

enum loyalty_sync_policy { LOYALTY_SYNC_ALWAYS = 0, LOYALTY_SYNC_BATCH = 1, LOYALTY_SYNC_NONE = 2 };

/* The recovery report: a long[5] the caller allocates, filled on success. */
%typemap(jni) int64_t *recovery "jlongArray"
%typemap(jtype) int64_t *recovery "long[]"
%typemap(jstype) int64_t *recovery "long[]"
%typemap(javain) int64_t *recovery "$javainput"
%typemap(in) int64_t *recovery (int64_t tmp[5]) {
	if ($input == NULL || (*jenv)->GetArrayLength(jenv, $input) != 5) {
		SWIG_JavaThrowException(jenv, SWIG_JavaIllegalArgumentException, "the recovery report is a long[5]");
		return $null;
	}
	memset(tmp, 0, sizeof tmp);
	$1 = tmp;
}
%typemap(argout) int64_t *recovery {
	jlong out[5];

	for (int i = 0; i < 5; i++)
		out[i] = (jlong)$1[i];
	(*jenv)->SetLongArrayRegion(jenv, $input, 0, 5, out);
}

%loyalty_fallible_begin
%newobject loyalty_java_program_open;
%newobject loyalty_java_program_import;
loyalty_program *loyalty_java_program_open(JNIEnv *env, const char *dir, loyalty_calculator *taken_on_success,
                                           const loyalty_program_options *options, int sync, int batch_ms,
                                           int batch_records, int salvage, int64_t snapshot_bytes,
                                           jobject listener, int64_t *recovery);
loyalty_program *loyalty_java_program_import(JNIEnv *env, const char *path, loyalty_calculator *taken_on_success,
                                             jobject listener);
void loyalty_java_program_snapshot(loyalty_program *program);
void loyalty_java_program_export(loyalty_program *program, const char *path);
%loyalty_fallible_end
