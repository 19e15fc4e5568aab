// SPDX-License-Identifier: GPL-2.0
/*
 * klpx_test_compat - a patch written for the kernel's livepatch API
 * (struct klp_patch, klp_enable_patch), built against klpx by including
 * <klpx/compat.h> instead of <linux/livepatch.h>. Twin of klpx_test_patch1.
 */
#include <linux/module.h>
#include <klpx/compat.h>

static const char *livepatch_answer(void)
{
	return "compat";
}

static struct klp_func funcs[] = {
	{ .old_name = "klpx_target_answer", .new_func = livepatch_answer },
	{ }
};

static struct klp_object objs[] = {
	{ .name = "klpx_test_target", .funcs = funcs },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int livepatch_init(void)
{
	return klp_enable_patch(&patch);
}

static void livepatch_exit(void)
{
}

module_init(livepatch_init);
module_exit(livepatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
