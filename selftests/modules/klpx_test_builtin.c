// SPDX-License-Identifier: GPL-2.0
/*
 * klpx_test_builtin - a patch for the kernel's built-in livepatch
 * (CONFIG_LIVEPATCH), on the klpx_test_target function named by "func":
 * klpx and the built-in must share the kernel, and refuse each other on
 * the same function (-EBUSY).
 */
#include <linux/module.h>
#include <linux/livepatch.h>

static char *func = "klpx_target_dup_caller";
module_param(func, charp, 0444);

static const char *klpx_builtin_answer(void)
{
	return "builtin";
}

static int klpx_builtin_int(void)
{
	return 42;
}

static struct klp_func klpx_builtin_funcs[] = {
	{ .new_func = klpx_builtin_int },
	{ }
};

static struct klp_object klpx_builtin_objs[] = {
	{ .name = "klpx_test_target", .funcs = klpx_builtin_funcs },
	{ }
};

static struct klp_patch klpx_builtin_patch = {
	.mod = THIS_MODULE,
	.objs = klpx_builtin_objs,
};

static int __init klpx_builtin_init(void)
{
	klpx_builtin_funcs[0].old_name = func;
	if (!strcmp(func, "klpx_target_answer"))
		klpx_builtin_funcs[0].new_func = klpx_builtin_answer;
	return klp_enable_patch(&klpx_builtin_patch);
}

static void __exit klpx_builtin_exit(void)
{
}

module_init(klpx_builtin_init);
module_exit(klpx_builtin_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
