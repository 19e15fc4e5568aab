// SPDX-License-Identifier: GPL-2.0
/* the bench's 100-function patch, for the built-in livepatch (klpx_bench_many_patch.h) */
#include <linux/livepatch.h>
#define BENCH_NFUNCS 100
#include "klpx_bench_many_patch.h"
MODULE_DESCRIPTION("klpx bench: 100 functions patched, for the built-in livepatch");
