// SPDX-License-Identifier: GPL-2.0
#define KLPX_TP_NAME "patch2"
#include "klpx_test_patch.h"
