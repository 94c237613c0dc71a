/*
 * libloyalty - the SWIG interface, shared by every target language.
 *
 * One interface describes the C API once (QuantLib's layout): this file
 * includes one .i per domain from bindings/swig/, and each language adds only
 * what it needs behind #if defined(SWIG<LANG>):
 *
 *   <lang>/prelude.i   hooks the shared files rely on (see swig/common.i):
 *                      %loyalty_fallible_begin/_end (raise on a failed call),
 *                      LOYALTY_SWIG_BUSY_BEGIN/END, LOYALTY_SWIG_UNBLOCK_BEGIN/END,
 *                      LOYALTY_SWIG_UNBLOCK_ALWAYS_BEGIN/END (program calls),
 *                      LOYALTY_SWIG_CHECK_IDLE, and the typemaps for
 *                      loyalty_fraction, const loyalty_id * and a handle
 *                      parameter named taken_on_success;
 *   <lang>/<lang>.i    what only that language has (Python: custom strategies
 *                      as callables, the batch calls, the ledger in chunks),
 *                      included before the domain files.
 *
 * Only what is declared here is wrapped: the headers are #included for the
 * compiler, never %included, so a new C function reaches no language until it
 * is listed in a domain file.
 *
 * Adding a handle: in a new swig/<domain>.i, write the C helper code (%{ %})
 * first, then %loyalty_handle(NAME, TYPE, FREE) (or %loyalty_value for a
 * struct returned by value), then %extend loyalty_swig_NAME with a
 * constructor and methods between %loyalty_fallible_begin and
 * %loyalty_fallible_end (methods that can fail) or outside them (getters
 * that cannot); %include the file below. swig/program.i is the example.
 *
 * SPDX-License-Identifier: MIT
 */

#if defined(SWIGPYTHON)
%module(package="loyalty") capi
#else
%module loyalty
#endif

#if defined(SWIGPYTHON)
%include "python/prelude.i"
#elif defined(SWIGJAVA)
%include "java/prelude.i"
#else
#error "libloyalty: no language part for this SWIG target yet (see bindings/python/prelude.i)"
#endif

%include "swig/common.i"

/* The language's own additions come before the domain files: SWIG emits the
 * C helpers of a class's %extend methods where the class is declared, so
 * the helper code they call must already be there (an %extend may precede
 * its class). */
#if defined(SWIGPYTHON)
%include "python/python.i"
#elif defined(SWIGJAVA)
%include "java/java.i"
#endif

%include "swig/types.i"
%include "swig/customer.i"
%include "swig/purchase.i"
%include "swig/params.i"
%include "swig/receipt.i"
%include "swig/score.i"       /* extends Calculator: its helpers must precede the class */
%include "swig/calculator.i"
%include "swig/ledger.i"
%include "swig/program.i"
%include "swig/simulate.i"
%include "swig/analytics.i"

/* Java additions that use the domain types, so they come after them:
 * durable programs (include/loyalty/journal.h), wrapped in Java until a shared
 * swig/ file covers them. */
#if defined(SWIGJAVA)
%include "java/durable.i"
#elif defined(SWIGPYTHON)
%include "python/durable.i"
#endif
