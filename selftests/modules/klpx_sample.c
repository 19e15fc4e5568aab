// SPDX-License-Identifier: GPL-2.0
/*
 * klpx_sample - the smallest useful patch: /proc/cmdline answers
 * "this kernel is live patched by klpx" while it is enabled.
 */
#include <linux/module.h>
#include <linux/seq_file.h>
#include <klpx/livepatch.h>

static int klpx_sample_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "this kernel is live patched by klpx\n");
	return 0;
}

static struct klpx_func klpx_sample_funcs[] = {
	{ .old_name = "cmdline_proc_show",
	  .new_func = klpx_sample_cmdline_proc_show },
	{ }
};

static struct klpx_object klpx_sample_objs[] = {
	{ .name = NULL /* vmlinux */, .funcs = klpx_sample_funcs },
	{ }
};

static struct klpx_patch klpx_sample_patch = {
	.mod = THIS_MODULE,
	.objs = klpx_sample_objs,
};

static int __init klpx_sample_init(void)
{
	return klpx_enable_patch(&klpx_sample_patch);
}

static void __exit klpx_sample_exit(void)
{
}

module_init(klpx_sample_init);
module_exit(klpx_sample_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("klpx sample: patch /proc/cmdline");
