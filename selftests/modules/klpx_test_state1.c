// SPDX-License-Identifier: GPL-2.0
#include "klpx_test_state.h"
