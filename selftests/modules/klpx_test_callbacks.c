// SPDX-License-Identifier: GPL-2.0
#define KLPX_CB_NAME "callbacks"
#include "klpx_test_callbacks.h"
