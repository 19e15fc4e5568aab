/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A patch whose object klpx_test_target has every
 * callback; each prints "<module>: <callback> <object>" so a test can
 * compare the order with a transcript. pre_patch_ret (writable) makes
 * pre_patch fail with that errno. Built as klpx_test_callbacks and, with
 * KLPX_CB_REPLACE, as the replace patch klpx_test_callbacks2.
 */
#include <linux/module.h>
#include <klpx/livepatch.h>

static int pre_patch_ret;
module_param(pre_patch_ret, int, 0644);
MODULE_PARM_DESC(pre_patch_ret, "pre_patch returns this (0 or -errno)");

static const char *klpx_cb_obj(struct klpx_object *obj)
{
	return obj->name ? obj->name : "vmlinux";
}

static int klpx_cb_pre_patch(struct klpx_object *obj)
{
	pr_info("%s: pre_patch %s -> %d\n", THIS_MODULE->name,
		klpx_cb_obj(obj), pre_patch_ret);
	return pre_patch_ret;
}

static void klpx_cb_post_patch(struct klpx_object *obj)
{
	pr_info("%s: post_patch %s\n", THIS_MODULE->name, klpx_cb_obj(obj));
}

static void klpx_cb_pre_unpatch(struct klpx_object *obj)
{
	pr_info("%s: pre_unpatch %s\n", THIS_MODULE->name, klpx_cb_obj(obj));
}

static void klpx_cb_post_unpatch(struct klpx_object *obj)
{
	pr_info("%s: post_unpatch %s\n", THIS_MODULE->name, klpx_cb_obj(obj));
}

#define KLPX_CB_CALLBACKS { .pre_patch = klpx_cb_pre_patch, \
			    .post_patch = klpx_cb_post_patch, \
			    .pre_unpatch = klpx_cb_pre_unpatch, \
			    .post_unpatch = klpx_cb_post_unpatch }

static const char *klpx_cb_answer(void)
{
	return KLPX_CB_NAME;
}

static struct klpx_func klpx_cb_target_funcs[] = {
	{ .old_name = "klpx_target_answer", .new_func = klpx_cb_answer },
	{ }
};

static struct klpx_object klpx_cb_objs[] = {
	{ .name = "klpx_test_target", .funcs = klpx_cb_target_funcs,
	  .callbacks = KLPX_CB_CALLBACKS },
	{ }
};

static struct klpx_patch klpx_cb_patch = {
	.mod = THIS_MODULE,
	.objs = klpx_cb_objs,
#ifdef KLPX_CB_REPLACE
	.replace = true,
#endif
};

static int __init klpx_cb_init(void)
{
	return klpx_enable_patch(&klpx_cb_patch);
}

static void __exit klpx_cb_exit(void)
{
}

module_init(klpx_cb_init);
module_exit(klpx_cb_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
