/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gauntlet's patch for the kernel's built-in livepatch
 * (selftests/cases/27-gauntlet.sh), built as klpx_test_lpb1 ("builtin1")
 * and klpx_test_lpb2 ("builtin2", an atomic replace): the same two functions
 * of klpx_test_target as klpx_test_patch1/klpx_test_replace, so a sleeper
 * in klpx_target_wait() holds either core's transition.
 */
#include <linux/module.h>
#include <linux/livepatch.h>

static const char *klpx_lpb_answer(void)
{
	return KLPX_LPB_NAME;
}

/* as klpx_test_patch.h: the new klpx_target_wait() does not sleep */
static int klpx_lpb_wait(void)
{
	return 0;
}

static struct klp_func klpx_lpb_funcs[] = {
	{ .old_name = "klpx_target_answer", .new_func = klpx_lpb_answer },
	{ .old_name = "klpx_target_wait", .new_func = klpx_lpb_wait },
	{ }
};

static struct klp_object klpx_lpb_objs[] = {
	{ .name = "klpx_test_target", .funcs = klpx_lpb_funcs },
	{ }
};

static struct klp_patch klpx_lpb_patch = {
	.mod = THIS_MODULE,
	.objs = klpx_lpb_objs,
#ifdef KLPX_LPB_REPLACE
	.replace = true,
#endif
};

static int __init klpx_lpb_init(void)
{
	return klp_enable_patch(&klpx_lpb_patch);
}

static void __exit klpx_lpb_exit(void)
{
}

module_init(klpx_lpb_init);
module_exit(klpx_lpb_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
