// SPDX-License-Identifier: GPL-2.0
/* the bench's 10-function patch, for klpx (klpx_bench_many_patch.h) */
#include <klpx/compat.h>
#define BENCH_NFUNCS 10
#include "klpx_bench_many_patch.h"
MODULE_DESCRIPTION("klpx bench: 10 functions patched, for klpx");
