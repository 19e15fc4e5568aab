// SPDX-License-Identifier: GPL-2.0
/* the bench's patch as an atomic replace answering 3 (klpx_bench_patch.h) */
#include <klpx/compat.h>
#define BENCH_ANSWER 3
#define BENCH_REPLACE
#include "klpx_bench_patch.h"
MODULE_DESCRIPTION("klpx bench: a replace patch, for klpx");
