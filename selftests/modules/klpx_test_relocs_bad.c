// SPDX-License-Identifier: GPL-2.0
/*
 * klpx_test_relocs_bad - a patch for klpx_test_target whose new function
 * calls a symbol the module does not have: klpx must refuse the patch (the
 * target loaded) or the target (loading later), naming the symbol.
 */
#include <linux/module.h>
#include <klpx/livepatch.h>
#include <klpx/relocs.h>

extern int klpx_target_missing(void);
KLPX_SYMBOL(klpx_test_target, klpx_target_missing, 0);

static const char *bad_answer(void)
{
	return klpx_target_missing() ? "bad" : "bad0";
}

static struct klpx_func funcs[] = {
	{ .old_name = "klpx_target_answer", .new_func = bad_answer },
	{ }
};

static struct klpx_object objs[] = {
	{ .name = "klpx_test_target", .funcs = funcs },
	{ }
};

static struct klpx_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init bad_init(void)
{
	return klpx_enable_patch(&patch);
}

static void __exit bad_exit(void)
{
}

module_init(bad_init);
module_exit(bad_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
