// SPDX-License-Identifier: GPL-2.0
/* the bench's patch, built against the kernel's livepatch (klpx_bench_patch.h) */
#include <linux/livepatch.h>
#include "klpx_bench_patch.h"
MODULE_DESCRIPTION("klpx bench: the patch, for the built-in livepatch");
