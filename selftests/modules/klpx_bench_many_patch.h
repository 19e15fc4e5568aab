/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klpx_bench_many_patch.h - the bench's many-function patch, written once
 * against the kernel's livepatch API and built for klpx (<klpx/compat.h>,
 * klpx_bench_fN_lp.c) and for the built-in livepatch
 * (<linux/livepatch.h>, klpx_bench_fN_lpb.c), like klpx_bench_patch.h:
 * BENCH_NFUNCS (10 or 100) of klpx_bench_target's klpx_bench_mNN(), each
 * made to answer 2 instead of 1.
 */
#include <linux/module.h>
#include "klpx_bench_many.h"

#if BENCH_NFUNCS == 10
#define BENCH_EACH	KLPX_BENCH_M10
#elif BENCH_NFUNCS == 100
#define BENCH_EACH	KLPX_BENCH_M100
#else
#error "BENCH_NFUNCS: 10 or 100"
#endif

/* noipa: gcc must not fold the identical bodies into one */
#define BENCH_NEW(n) \
	static noinline __attribute__((__noipa__)) int bench_m##n(void) \
	{ \
		return 2; \
	}
BENCH_EACH(BENCH_NEW)

#define BENCH_FUNC(n)	{ .old_name = "klpx_bench_m" #n, .new_func = bench_m##n },
static struct klp_func bench_funcs[] = {
	BENCH_EACH(BENCH_FUNC)
	{ }
};

static struct klp_object bench_objs[] = {
	{ .name = "klpx_bench_target", .funcs = bench_funcs },
	{ }
};

static struct klp_patch bench_patch = {
	.mod = THIS_MODULE,
	.objs = bench_objs,
};

static int bench_patch_init(void)
{
	return klp_enable_patch(&bench_patch);
}

static void bench_patch_exit(void)
{
}

module_init(bench_patch_init);
module_exit(bench_patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
