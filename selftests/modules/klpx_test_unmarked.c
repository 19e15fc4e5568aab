// SPDX-License-Identifier: GPL-2.0
/*
 * klpx_test_unmarked - a well-formed patch in a module that lacks
 * MODULE_INFO(livepatch, "Y"): klpx_enable_patch() must refuse it.
 */
#include <linux/module.h>
#include <klpx/livepatch.h>

static const char *klpx_unmarked_answer(void)
{
	return "unmarked";
}

static struct klpx_func klpx_unmarked_funcs[] = {
	{ .old_name = "klpx_target_answer", .new_func = klpx_unmarked_answer },
	{ }
};

static struct klpx_object klpx_unmarked_objs[] = {
	{ .name = "klpx_test_target", .funcs = klpx_unmarked_funcs },
	{ }
};

static struct klpx_patch klpx_unmarked_patch = {
	.mod = THIS_MODULE,
	.objs = klpx_unmarked_objs,
};

static int __init klpx_unmarked_init(void)
{
	return klpx_enable_patch(&klpx_unmarked_patch);
}

static void __exit klpx_unmarked_exit(void)
{
}

module_init(klpx_unmarked_init);
module_exit(klpx_unmarked_exit);
MODULE_LICENSE("GPL");
