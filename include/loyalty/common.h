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
 * Define LOYALTY_STATIC when linking the static library on Windows-like
 * platforms; LOYALTY_BUILDING is defined by the build of the library itself.
 */
#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(LOYALTY_STATIC)
#    define LOYALTY_API
#  elif defined(LOYALTY_BUILDING)
#    define LOYALTY_API __declspec(dllexport)
#  else
#    define LOYALTY_API __declspec(dllimport)
#  endif
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
