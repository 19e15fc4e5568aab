/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One race patch, built as klpx_race_p1, klpx_race_p2 and klpx_race_r with
 * KLPX_RACE_VERSION set (and KLPX_RACE_REPLACE for the atomic replace):
 * it replaces klpx_race_outer() and klpx_race_inner() of klpx_race_target,
 * and both answer with the version (klpx_race_target.c).
 */
#include <linux/module.h>
#include <klpx/livepatch.h>

int klpx_race_inner(void);

static int klpx_race_new_inner(void)
{
	return KLPX_RACE_VERSION;
}

/* calls the inner function through its hook, like the original */
static int klpx_race_new_outer(void)
{
	return (KLPX_RACE_VERSION << 8) | klpx_race_inner();
}

static struct klpx_func klpx_race_funcs[] = {
	{ .old_name = "klpx_race_outer", .new_func = klpx_race_new_outer },
	{ .old_name = "klpx_race_inner", .new_func = klpx_race_new_inner },
	{ }
};

static struct klpx_object klpx_race_objs[] = {
	{ .name = "klpx_race_target", .funcs = klpx_race_funcs },
	{ }
};

static struct klpx_patch klpx_race_patch = {
	.mod = THIS_MODULE,
	.objs = klpx_race_objs,
#ifdef KLPX_RACE_REPLACE
	.replace = true,
#endif
};

static int __init klpx_race_patch_init(void)
{
	return klpx_enable_patch(&klpx_race_patch);
}

static void __exit klpx_race_patch_exit(void)
{
}

module_init(klpx_race_patch_init);
module_exit(klpx_race_patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
