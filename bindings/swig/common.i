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
 *    threads of the host run, e.g. releases the Python GIL).
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
