/*
 * Shared plumbing: headers, the status of the last wrapped call, handles.
 *
 * Conventions every domain file follows (the language prelude implements
 * the hooks):
 *
 *  - A helper that can fail records the call's final status with
 *    loyalty_swig_status(rc) (or returns through loyalty_swig_new(ptr, rc)
 *    for functions that return a new handle). Helpers are declared between
 *    %loyalty_fallible_begin and %loyalty_fallible_end; the language's
 *    %exception (GDAL's pattern) clears the status before $action and raises
 *    the matching exception after it when the status is negative, with the
 *    C message of loyalty_last_error(). The status lives in the binding, not
 *    in loyalty_last_error_code(), because the library leaves that
 *    unspecified after a success. Getters that cannot fail are declared
 *    outside the pair and skip the handler.
 *  - Handles are SWIG classes over the opaque C types, declared with
 *    %loyalty_handle: the %extend constructor owns what it returns, the
 *    destructor calls the C _free, clones and compute results are
 *    %newobject, and the C _free itself is %delobject.
 *  - Mutators call LOYALTY_SWIG_CHECK_IDLE(handle) first: a language that
 *    lets other threads run during a computation refuses to change a handle
 *    that a computation is reading (LOYALTY_ESTATE) instead of racing it.
 *  - Long C work is bracketed by LOYALTY_SWIG_BUSY_BEGIN/END (marks the
 *    handles it reads) and LOYALTY_SWIG_UNBLOCK_BEGIN/END (lets other
 *    threads of the host run, e.g. releases the Python GIL, unless the
 *    calculator calls back into the host).
 *  - Every call on a program is bracketed by LOYALTY_SWIG_PROGRAM_BEGIN/END:
 *    it lets the host's other threads run *unconditionally*
 *    (LOYALTY_SWIG_UNBLOCK_ALWAYS_BEGIN/END), because the program holds its
 *    mutex while a custom strategy calls back into the host, and it refuses
 *    (LOYALTY_ESTATE) a call made from such a callback on the program that
 *    is running it, which would wait for its own mutex forever.
 *  - Value types (a ledger entry, a redemption, progress) are returned by
 *    value and wrapped with %loyalty_value: a class over a malloc'ed copy
 *    with one getter per field.
 *  - A parameter named `taken_on_success` is a handle the C function takes
 *    over when it succeeds (loyalty_program_new takes the calculator) and
 *    leaves with the caller when it fails. The language prelude defines
 *    what that means for the proxy (Python: it stops owning the handle
 *    after a successful call, and only then; SWIG's DISOWN would give it up
 *    before the call, and leak it when the call fails).
 *
 * SPDX-License-Identifier: MIT
 */

%{
#include <stdlib.h>
#include <string.h>
#include <loyalty/loyalty.h>

/* The final status of the last fallible helper on this thread. */
static _Thread_local int loyalty_swig_rc;

static int loyalty_swig_status(int rc)
{
	loyalty_swig_rc = rc < 0 ? rc : 0;
	return rc;
}

static void *loyalty_swig_new(void *handle, int rc)
{
	loyalty_swig_status(rc);
	return rc < 0 ? NULL : handle;
}

/* Defaults for hooks a language does not need. */
#ifndef LOYALTY_SWIG_CHECK_IDLE
#  define LOYALTY_SWIG_CHECK_IDLE(handle) LOYALTY_OK
#endif
#ifndef LOYALTY_SWIG_BUSY_BEGIN
#  define LOYALTY_SWIG_BUSY_BEGIN(handles, count) {
#  define LOYALTY_SWIG_BUSY_END }
#endif
#ifndef LOYALTY_SWIG_UNBLOCK_BEGIN
#  define LOYALTY_SWIG_UNBLOCK_BEGIN(calculator) {
#  define LOYALTY_SWIG_UNBLOCK_END }
#endif
#ifndef LOYALTY_SWIG_UNBLOCK_ALWAYS_BEGIN
#  define LOYALTY_SWIG_UNBLOCK_ALWAYS_BEGIN {
#  define LOYALTY_SWIG_UNBLOCK_ALWAYS_END }
#endif

/* The programs this thread is inside a call of, innermost first: a custom
 * strategy runs while its program holds the mutex, so a call it makes on the
 * same program would wait for itself. */
typedef struct loyalty_swig_frame {
	struct loyalty_swig_frame *up;
	const void *program;
} loyalty_swig_frame;

static _Thread_local loyalty_swig_frame *loyalty_swig_frames;

static int loyalty_swig_enter(loyalty_swig_frame *frame, const void *program)
{
	for (const loyalty_swig_frame *f = loyalty_swig_frames; f != NULL; f = f->up)
		if (f->program == program)
			return loyalty_error_set(LOYALTY_ESTATE,
				"a custom strategy cannot call the program that is running it (it holds the program's "
				"lock): use another program, or read what you need before the call");
	frame->up = loyalty_swig_frames;
	frame->program = program;
	loyalty_swig_frames = frame;
	return LOYALTY_OK;
}

static void loyalty_swig_leave(loyalty_swig_frame *frame)
{
	loyalty_swig_frames = frame->up;
}

/* Bracket a call on @p program: the status is ESTATE and the body skipped when
 * it would re-enter the program; the host's other threads run meanwhile. */
#define LOYALTY_SWIG_PROGRAM_BEGIN(program) \
	{ \
		loyalty_swig_frame frame_; \
		if (loyalty_swig_status(loyalty_swig_enter(&frame_, (program))) == LOYALTY_OK) { \
			LOYALTY_SWIG_UNBLOCK_ALWAYS_BEGIN
#define LOYALTY_SWIG_PROGRAM_END \
			LOYALTY_SWIG_UNBLOCK_ALWAYS_END \
			loyalty_swig_leave(&frame_); \
		} \
	}

/* Run a mutator unless a computation is reading the handle. */
#define LOYALTY_SWIG_MUTATE(handle, call) \
	do { \
		int rc_ = LOYALTY_SWIG_CHECK_IDLE(handle); \
		if (rc_ == LOYALTY_OK) \
			rc_ = (call); \
		loyalty_swig_status(rc_); \
	} while (0)
%}

%include <stdint.i>

/* No constructor is generated behind our back: the handles are opaque. */
%nodefaultctor;

/*
 * An opaque handle TYPE, wrapped as the class NAME and freed by FREE.
 *
 * SWIG names the C helper of an %extend method STRUCT_METHOD, which for the
 * struct loyalty_customer would collide with the C API
 * (loyalty_customer_clone). So SWIG is shown the struct loyalty_swig_NAME, a
 * macro for TYPE in the generated C, and TYPE as its typedef: declarations
 * keep using the C names (const loyalty_customer *). The C type is
 * incomplete; SWIG only ever handles pointers to it.
 */
%define %loyalty_handle(NAME, TYPE, FREE)
%{
#define loyalty_swig_##NAME TYPE
%}
%rename(NAME) loyalty_swig_##NAME;
struct loyalty_swig_##NAME {};
typedef struct loyalty_swig_##NAME TYPE;
%extend loyalty_swig_##NAME {
	~loyalty_swig_##NAME() { FREE($self); }
}
%delobject FREE;
void FREE(TYPE *handle);
%enddef

/*
 * A value type TYPE (a struct without pointers) returned by value, wrapped as
 * the class NAME: SWIG returns a malloc'ed copy, which the destructor frees.
 * Fields are read through %extend getters.
 */
%define %loyalty_value(NAME, TYPE)
%{
#define loyalty_swig_##NAME TYPE
%}
%rename(NAME) loyalty_swig_##NAME;
struct loyalty_swig_##NAME {};
typedef struct loyalty_swig_##NAME TYPE;
%extend loyalty_swig_##NAME {
	~loyalty_swig_##NAME() { free($self); }
}
%enddef
