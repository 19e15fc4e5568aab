// SPDX-License-Identifier: GPL-2.0
/* the gauntlet's built-in livepatch patch, answering "builtin1" */
#define KLPX_LPB_NAME "builtin1"
#include "klpx_test_lpb.h"
MODULE_DESCRIPTION("klpx selftests: a built-in livepatch patch of klpx_test_target");
