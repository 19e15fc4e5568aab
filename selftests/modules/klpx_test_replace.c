// SPDX-License-Identifier: GPL-2.0
#define KLPX_TP_NAME "replace"
#define KLPX_TP_REPLACE
#include "klpx_test_patch.h"
