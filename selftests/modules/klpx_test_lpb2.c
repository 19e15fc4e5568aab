// SPDX-License-Identifier: GPL-2.0
/* the gauntlet's built-in livepatch atomic replace, answering "builtin2" */
#define KLPX_LPB_NAME "builtin2"
#define KLPX_LPB_REPLACE
#include "klpx_test_lpb.h"
MODULE_DESCRIPTION("klpx selftests: a built-in livepatch atomic replace of klpx_test_target");
