// SPDX-License-Identifier: GPL-2.0
#define KLPX_TS_REPLACE
#include "klpx_test_state.h"
