/*
 * libloyalty - the umbrella header. Include this one:
 *
 *     #include <loyalty/loyalty.h>
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LOYALTY_LOYALTY_H
#define LOYALTY_LOYALTY_H

#include "loyalty/common.h"
#include "loyalty/version.h"
#include "loyalty/error.h"
#include "loyalty/types.h"
#include "loyalty/customer.h"
#include "loyalty/purchase.h"
#include "loyalty/params.h"
#include "loyalty/strategy.h"
#include "loyalty/receipt.h"
#include "loyalty/calculator.h"
#include "loyalty/ledger.h"
#include "loyalty/program.h"
#include "loyalty/journal.h"
#include "loyalty/simulate.h"
#include "loyalty/analytics.h"

LOYALTY_BEGIN_DECLS

/**
 * The library's version at run time, as LOYALTY_VERSION_NUMBER
 * (major * 10000 + minor * 100 + patch) and as "major.minor.patch".
 * Compare with the macros to check that header and library agree.
 * Thread safety: safe from any thread.
 */
LOYALTY_API int loyalty_version_number(void);
LOYALTY_API const char *loyalty_version_string(void);

LOYALTY_END_DECLS

#endif /* LOYALTY_LOYALTY_H */
