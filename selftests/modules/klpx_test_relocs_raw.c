// SPDX-License-Identifier: GPL-2.0
/*
 * klpx_test_relocs.h left unconverted on purpose (the top Makefile's
 * KLPX_CONVERT_SKIP): its calls would go to address 0, klpx must refuse it.
 */
#include <klpx/compat.h>
#include "klpx_test_relocs.h"
