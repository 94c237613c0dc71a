/*
 * Python only: durable programs (loyalty/journal.h): open a program on a
 * directory (write-ahead journal, snapshots, recovery), snapshot, export,
 * import.
 *
 * Included by bindings/loyalty.i after the domain files, because it uses
 * their types (Program, Calculator, ProgramOptions). The functions are module
 * functions with a loyalty_py_ prefix (as bindings/java/durable.i uses
 * loyalty_java_), so that a shared swig/ file wrapping journal.h for every
 * language later cannot collide with them; the public layer
 * (loyalty.Program.open, Program.snapshot, Program.export, Program.import_)
 * is what users call.
 *
 *  - open and import take the calculator on success only, as the Program
 *    constructor: the parameter is named taken_on_success (swig/common.i),
 *    so the proxy gives the handle up after a successful call, and only then.
 *  - Every call releases the GIL (opening replays a journal, snapshot and
 *    export write and fsync files): open and import with
 *    LOYALTY_SWIG_UNBLOCK_ALWAYS_BEGIN/END while the calculator is marked
 *    busy (no Python thread may change it meanwhile), snapshot and export
 *    through LOYALTY_SWIG_PROGRAM_BEGIN/END like every program call.
 *  - open and import take a progress callable (or None) with the trampoline of
 *    bindings/swig/simulate.i: records loaded of total; a truthy result cancels
 *    (Canceled), and open can open read_only.
 *  - The recovery report of open comes back as a second result, a tuple
 *    (created, snapshot generation, records replayed, torn offset or -1,
 *    torn bytes), appended by an argout typemap after the program.
 *
 * SPDX-License-Identifier: MIT
 */

%{
static loyalty_program *loyalty_py_program_open(const char *dir, loyalty_calculator *taken_on_success,
                                                const loyalty_program_options *options, int sync, int batch_ms,
                                                int batch_records, int salvage, int64_t snapshot_bytes,
                                                int read_only, PyObject *progress, int64_t *recovery)
{
	loyalty_journal_options j = LOYALTY_JOURNAL_OPTIONS_INIT;
	loyalty_recovery_info info;
	loyalty_program *p = NULL;
	const void *handles[1];
	int rc = LOYALTY_ESTATE;
	LOYALTY_PY_PROGRESS(progress) /* bindings/swig/simulate.i */

	memset(&info, 0, sizeof info);
	j.sync = (loyalty_sync_policy)sync;
	j.batch_ms = batch_ms;
	j.batch_records = batch_records;
	j.salvage = salvage;
	j.snapshot_bytes = snapshot_bytes;
	j.read_only = read_only;
	j.progress = fn_;
	j.progress_data = &pr_;
	handles[0] = taken_on_success;
	LOYALTY_SWIG_BUSY_BEGIN(handles, 1)
	LOYALTY_SWIG_UNBLOCK_ALWAYS_BEGIN
	rc = loyalty_program_open(&p, dir, taken_on_success, options, &j, &info);
	LOYALTY_SWIG_UNBLOCK_ALWAYS_END
	LOYALTY_SWIG_BUSY_END
	loyalty_swig_status(rc);
	if (loyalty_py_progress_done(&pr_, rc != LOYALTY_OK))
		return NULL; /* the callback's exception (KeyboardInterrupt) is set */
	if (rc == LOYALTY_OK) {
		recovery[0] = info.created;
		recovery[1] = (int64_t)info.snapshot_generation;
		recovery[2] = (int64_t)info.records_replayed;
		recovery[3] = info.torn_offset;
		recovery[4] = info.torn_bytes;
	}
	return loyalty_swig_new(p, rc);
}

static loyalty_program *loyalty_py_program_import(const char *path, loyalty_calculator *taken_on_success,
                                                  PyObject *progress)
{
	loyalty_program *p = NULL;
	const void *handles[1];
	int rc = LOYALTY_ESTATE;
	LOYALTY_PY_PROGRESS(progress)

	handles[0] = taken_on_success;
	LOYALTY_SWIG_BUSY_BEGIN(handles, 1)
	LOYALTY_SWIG_UNBLOCK_ALWAYS_BEGIN
	rc = loyalty_program_import_ex(&p, path, taken_on_success, fn_, &pr_);
	LOYALTY_SWIG_UNBLOCK_ALWAYS_END
	LOYALTY_SWIG_BUSY_END
	loyalty_swig_status(rc);
	if (loyalty_py_progress_done(&pr_, rc != LOYALTY_OK))
		return NULL;
	return loyalty_swig_new(p, rc);
}

static void loyalty_py_program_snapshot(loyalty_program *program)
{
	LOYALTY_SWIG_ON(program, loyalty_program_snapshot(program));
}

static void loyalty_py_program_export(loyalty_program *program, const char *path)
{
	LOYALTY_SWIG_ON(program, loyalty_program_export(program, path));
}
%}

enum loyalty_sync_policy { LOYALTY_SYNC_ALWAYS = 0, LOYALTY_SYNC_BATCH = 1, LOYALTY_SYNC_NONE = 2 };

/* The recovery report: filled on success, returned after the program. */
%typemap(in, numinputs=0) int64_t *recovery (int64_t tmp[5]) {
	memset(tmp, 0, sizeof tmp);
	$1 = tmp;
}
%typemap(argout) int64_t *recovery {
	$result = SWIG_AppendOutput($result, Py_BuildValue("(LLLLL)", (long long)$1[0], (long long)$1[1],
	                                                   (long long)$1[2], (long long)$1[3], (long long)$1[4]));
}

/* open and import: a failure raises the status, or what the progress callback raised
 * (loyalty_py_progress_done clears the status then and leaves the exception set) */
%exception {
	loyalty_swig_rc = 0;
	$action
	if (loyalty_swig_rc < 0) {
		loyalty_py_raise(loyalty_swig_rc);
		SWIG_fail;
	}
	if (PyErr_Occurred())
		SWIG_fail;
}
%newobject loyalty_py_program_open;
%newobject loyalty_py_program_import;
loyalty_program *loyalty_py_program_open(const char *dir, loyalty_calculator *taken_on_success,
                                         const loyalty_program_options *options, int sync, int batch_ms,
                                         int batch_records, int salvage, int64_t snapshot_bytes,
                                         int read_only, PyObject *progress, int64_t *recovery);
loyalty_program *loyalty_py_program_import(const char *path, loyalty_calculator *taken_on_success,
                                           PyObject *progress);
%exception;

%loyalty_fallible_begin
void loyalty_py_program_snapshot(loyalty_program *program);
void loyalty_py_program_export(loyalty_program *program, const char *path);
%loyalty_fallible_end
