// SPDX-License-Identifier: GPL-2.0
#define KLPX_CB_NAME "callbacks2"
#define KLPX_CB_REPLACE
#include "klpx_test_callbacks.h"
