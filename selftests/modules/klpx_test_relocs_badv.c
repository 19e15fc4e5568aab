// SPDX-License-Identifier: GPL-2.0
/*
 * klpx_test_relocs_badv - a vmlinux patch whose new function calls a
 * symbol vmlinux does not have: the kernel's loader, which applies the
 * vmlinux klp relocations, refuses the module before klpx sees it.
 */
#include <linux/module.h>
#include <linux/seq_file.h>
#include <klpx/livepatch.h>
#include <klpx/relocs.h>

extern int klpx_no_such_function(void);
KLPX_SYMBOL(vmlinux, klpx_no_such_function, 0);

static int badv_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d\n", klpx_no_such_function());
	return 0;
}

static struct klpx_func funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = badv_cmdline_proc_show },
	{ }
};

static struct klpx_object objs[] = {
	{ .funcs = funcs },
	{ }
};

static struct klpx_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init badv_init(void)
{
	return klpx_enable_patch(&patch);
}

static void __exit badv_exit(void)
{
}

module_init(badv_init);
module_exit(badv_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
