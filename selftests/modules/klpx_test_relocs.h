/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The klp relocation patch (selftests/cases/35-relocs.sh), written for the
 * upstream livepatch API and built twice: klpx_test_relocs.c against klpx
 * (<klpx/compat.h>), klpx_test_relocs_lp.c against the kernel's built-in
 * livepatch (<linux/livepatch.h>). Its new functions reach symbols that
 * are not exported, through klp relocations made by scripts/klpx-convert:
 *
 *   vmlinux: cmdline_proc_show() prints the static variable cap_last_cap
 *     (kernel/sysctl.c) and calls the static uptime_proc_show()
 *     (fs/proc/uptime.c): /proc/cmdline reads
 *     "relocs cap_last_cap=40 uptime=<uptime line>"
 *   klpx_test_target: klpx_target_answer() calls the module's static
 *     klpx_target_secret(), reads its static klpx_target_last and calls
 *     the second klpx_target_dup (sympos 2):
 *     /proc/klpx_target/answer reads "relocs:4242:none:1"
 */
#include <linux/module.h>
#include <linux/seq_file.h>
#include <klpx/relocs.h>

extern int uptime_proc_show(struct seq_file *m, void *v);
KLPX_SYMBOL(vmlinux, uptime_proc_show, 0);
extern int cap_last_cap;
KLPX_SYMBOL(vmlinux, cap_last_cap, 0);

extern int klpx_target_secret(void);
KLPX_SYMBOL(klpx_test_target, klpx_target_secret, 0);
extern char klpx_target_last[64];
KLPX_SYMBOL(klpx_test_target, klpx_target_last, 0);
/* the name occurs twice: 1 is klpx_test_target_dup.c's static one
 * (returns 2, a local symbol comes first), 2 the main file's (returns 1) */
extern int klpx_target_dup(void);
KLPX_SYMBOL(klpx_test_target, klpx_target_dup, 2);

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "relocs cap_last_cap=%d uptime=", cap_last_cap);
	return uptime_proc_show(m, v);
}

static const char *livepatch_target_answer(void)
{
	static char buf[96];

	snprintf(buf, sizeof(buf), "relocs:%d:%s:%d", klpx_target_secret(),
		 klpx_target_last, klpx_target_dup());
	return buf;
}

static struct klp_func vmlinux_funcs[] = {
	{ .old_name = "cmdline_proc_show",
	  .new_func = livepatch_cmdline_proc_show },
	{ }
};

static struct klp_func target_funcs[] = {
	{ .old_name = "klpx_target_answer",
	  .new_func = livepatch_target_answer },
	{ }
};

static struct klp_object objs[] = {
	{ .funcs = vmlinux_funcs },
	{ .name = "klpx_test_target", .funcs = target_funcs },
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
