/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klpx_bench_patch.h - the bench's patch, written once against the
 * kernel's livepatch API and built twice: klpx_bench_lpb.c includes
 * <linux/livepatch.h> (the built-in livepatch), klpx_bench_lp.c includes
 * <klpx/compat.h> (klpx).  Same funcs, same code.
 */
#include <linux/module.h>

struct klpx_bench_result;
void klpx_bench_hold_body(long n, struct klpx_bench_result *r);

/* what the patched functions answer: 2, or 3 for the replace variant */
#ifndef BENCH_ANSWER
#define BENCH_ANSWER 2
#endif

static int bench_fn(void)
{
	return BENCH_ANSWER;
}

static int bench_sys(void)
{
	return BENCH_ANSWER;
}

static noinline int bench_hold(long n, void *r)
{
	klpx_bench_hold_body(n, r);
	return BENCH_ANSWER;
}

static struct klp_func bench_funcs[] = {
	{ .old_name = "klpx_bench_fn", .new_func = bench_fn },
	{ .old_name = "klpx_bench_sys", .new_func = bench_sys },
	{ .old_name = "klpx_bench_hold", .new_func = bench_hold },
	{ }
};

static struct klp_object bench_objs[] = {
	{ .name = "klpx_bench_target", .funcs = bench_funcs },
	{ }
};

static struct klp_patch bench_patch = {
	.mod = THIS_MODULE,
	.objs = bench_objs,
#ifdef BENCH_REPLACE
	.replace = true,
#endif
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
