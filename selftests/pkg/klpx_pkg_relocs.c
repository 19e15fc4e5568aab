// SPDX-License-Identifier: GPL-2.0
/*
 * klpx_pkg_relocs - a patch that reaches two kernel symbols that are not
 * exported (cap_last_cap, kernel/sysctl.c; uptime_proc_show,
 * fs/proc/uptime.c), built by selftests/pkg/check-pkg.sh against the
 * klpx-dkms package only (its headers, dkms's Module.symvers) and converted
 * by the package's /usr/bin/klpx-convert; selftests/pkg/vm-dkms.sh loads
 * it: /proc/cmdline reads "pkg-relocs cap_last_cap=40 uptime=<uptime line>".
 */
#include <linux/module.h>
#include <linux/seq_file.h>
#include <klpx/livepatch.h>
#include <klpx/relocs.h>

extern int uptime_proc_show(struct seq_file *m, void *v);
KLPX_SYMBOL(vmlinux, uptime_proc_show, 0);
extern int cap_last_cap;
KLPX_SYMBOL(vmlinux, cap_last_cap, 0);

static int klpx_pkg_relocs_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "pkg-relocs cap_last_cap=%d uptime=", cap_last_cap);
	return uptime_proc_show(m, v);
}

static struct klpx_func klpx_pkg_relocs_funcs[] = {
	{ .old_name = "cmdline_proc_show",
	  .new_func = klpx_pkg_relocs_cmdline_proc_show },
	{ }
};

static struct klpx_object klpx_pkg_relocs_objs[] = {
	{ .name = NULL /* vmlinux */, .funcs = klpx_pkg_relocs_funcs },
	{ }
};

static struct klpx_patch klpx_pkg_relocs_patch = {
	.mod = THIS_MODULE,
	.objs = klpx_pkg_relocs_objs,
};

static int __init klpx_pkg_relocs_init(void)
{
	return klpx_enable_patch(&klpx_pkg_relocs_patch);
}

static void __exit klpx_pkg_relocs_exit(void)
{
}

module_init(klpx_pkg_relocs_init);
module_exit(klpx_pkg_relocs_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("klpx package check: a patch with klp relocations");
