// SPDX-License-Identifier: GPL-2.0
/* the bench's patch, built against klpx (see klpx_bench_patch.h) */
#include <klpx/compat.h>
#include "klpx_bench_patch.h"
MODULE_DESCRIPTION("klpx bench: the patch, for klpx");
