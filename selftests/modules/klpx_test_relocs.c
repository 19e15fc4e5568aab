// SPDX-License-Identifier: GPL-2.0
/* klpx_test_relocs.h against klpx, through the upstream API (compat.h) */
#include <klpx/compat.h>
#include "klpx_test_relocs.h"
