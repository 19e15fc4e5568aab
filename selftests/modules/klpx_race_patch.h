/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One race patch, built as klpx_race_p1, klpx_race_p2 and klpx_race_r with
 * KLPX_RACE_VERSION set (and KLPX_RACE_REPLACE for the atomic replace):
 * it replaces klpx_race_outer() and klpx_race_inner() of klpx_race_target,
 * and both answer with the version (klpx_race_target.c). With fail=1 its
 * enable fails after both funcs are on their stacks: a vmlinux object
 * after klpx_race_target's refuses in its pre_patch callback (-ENODEV).
 */
#include <linux/module.h>
#include <klpx/livepatch.h>

static bool fail;
module_param(fail, bool, 0444);
MODULE_PARM_DESC(fail, "make the enable fail after patching klpx_race_target");

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

static int klpx_race_refuse(struct klpx_object *obj)
{
	return -ENODEV;
}

static struct klpx_func klpx_race_no_funcs[] = { { } };

/* the second entry is the failing vmlinux object with fail=1, else the end */
static struct klpx_object klpx_race_objs[3] = {
	{ .name = "klpx_race_target", .funcs = klpx_race_funcs },
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
	if (fail) {
		klpx_race_objs[1].funcs = klpx_race_no_funcs;
		klpx_race_objs[1].callbacks.pre_patch = klpx_race_refuse;
	}
	return klpx_enable_patch(&klpx_race_patch);
}

static void __exit klpx_race_patch_exit(void)
{
}

module_init(klpx_race_patch_init);
module_exit(klpx_race_patch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
