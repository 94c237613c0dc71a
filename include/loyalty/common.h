/*
 * libloyalty - common definitions shared by every public header.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_COMMON_H
#define LOYALTY_COMMON_H

#include <stddef.h>
#include <stdint.h>

/*
 * LOYALTY_API marks every exported function. The library is compiled with
 * hidden visibility and a linker version script, so only symbols marked here
 * (all of them named loyalty_*) are part of the ABI.
 *
 * LOYALTY_STATIC is defined for (and by users of) the static library: its
 * symbols are then not exported again from the binary that embeds it.
 * LOYALTY_BUILDING is defined by the build of the shared library itself.
 */
#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(LOYALTY_STATIC)
#    define LOYALTY_API
#  elif defined(LOYALTY_BUILDING)
#    define LOYALTY_API __declspec(dllexport)
#  else
#    define LOYALTY_API __declspec(dllimport)
#  endif
#elif defined(LOYALTY_STATIC)
   /* linked statically into a host: nothing to export from the host's own binary */
#  define LOYALTY_API
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define LOYALTY_API __attribute__((visibility("default")))
#else
#  define LOYALTY_API
#endif

#ifdef __cplusplus
#  define LOYALTY_BEGIN_DECLS extern "C" {
#  define LOYALTY_END_DECLS }
#else
#  define LOYALTY_BEGIN_DECLS
#  define LOYALTY_END_DECLS
#endif

#endif /* LOYALTY_COMMON_H */
