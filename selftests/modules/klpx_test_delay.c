// SPDX-License-Identifier: GPL-2.0
/*
 * klpx_test_delay - widens a race window: a probe at the kernel function
 * "at" busy-waits "ms" milliseconds whenever a task reaches it that
 *   - is named "comm" (any task if empty), and
 *   - was called from code of module "caller" (any caller if empty): at
 *     the entry, that module's code is on the stack; at the return, the
 *     function returns into it,
 * at the function's entry, or at its return with ret=1 (a kretprobe: the
 * function's work is done, its caller has not resumed yet). For cases
 * that must put a step of the kernel between two others deterministically.
 */
#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/stacktrace.h>
#include <linux/kallsyms.h>

static char *at = "";
module_param(at, charp, 0444);
MODULE_PARM_DESC(at, "the function to delay at");

static unsigned int ms = 1000;
module_param(ms, uint, 0444);
MODULE_PARM_DESC(ms, "how long to busy-wait, at most 10000");

static char *comm = "";
module_param(comm, charp, 0444);
MODULE_PARM_DESC(comm, "delay only tasks with this comm (default: all)");

static char *caller = "";
module_param(caller, charp, 0444);
MODULE_PARM_DESC(caller, "delay only when this module's code is on the stack");

static bool ret;
module_param(ret, bool, 0444);
MODULE_PARM_DESC(ret, "delay at the function's return, not its entry");

#define KLPX_DELAY_DEPTH 32

/* Is @addr code of module @caller? */
static bool klpx_delay_in_caller(unsigned long addr)
{
	char sym[KSYM_SYMBOL_LEN], tag[MODULE_NAME_LEN + 3];

	/* sprint_symbol() ends a module's symbol with " [name]" */
	snprintf(tag, sizeof(tag), " [%s]", caller);
	sprint_symbol(sym, addr);
	return strstr(sym, tag);
}

/* Is code of module @caller on the current stack? */
static bool klpx_delay_caller_on_stack(void)
{
	unsigned long entries[KLPX_DELAY_DEPTH];
	unsigned int i, n;

	n = stack_trace_save(entries, KLPX_DELAY_DEPTH, 0);
	for (i = 0; i < n; i++)
		if (klpx_delay_in_caller(entries[i]))
			return true;
	return false;
}

/* @ret_addr: where the function returns to, or 0 at its entry */
static void klpx_delay(unsigned long ret_addr)
{
	u64 end = ktime_get_ns() + (u64)min(ms, 10000U) * NSEC_PER_MSEC;

	if (*comm && strcmp(current->comm, comm))
		return;
	if (*caller && !(ret_addr ? klpx_delay_in_caller(ret_addr) :
				    klpx_delay_caller_on_stack()))
		return;
	pr_info("klpx_test_delay: %s delayed at %s%s\n", current->comm, at,
		ret ? " (return)" : "");
	/* by the clock: mdelay()'s calibrated loop runs short under TCG */
	while (ktime_get_ns() < end)
		cpu_relax();
}

static int klpx_delay_pre(struct kprobe *p, struct pt_regs *regs)
{
	klpx_delay(0);
	return 0;
}

static int klpx_delay_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	klpx_delay(get_kretprobe_retaddr(ri));
	return 0;
}

static struct kprobe klpx_delay_kp = { .pre_handler = klpx_delay_pre };
static struct kretprobe klpx_delay_krp = { .handler = klpx_delay_ret,
					   .maxactive = 16 };

static int __init klpx_delay_init(void)
{
	if (ret) {
		klpx_delay_krp.kp.symbol_name = at;
		return register_kretprobe(&klpx_delay_krp);
	}
	klpx_delay_kp.symbol_name = at;
	return register_kprobe(&klpx_delay_kp);
}

static void __exit klpx_delay_exit(void)
{
	if (ret)
		unregister_kretprobe(&klpx_delay_krp);
	else
		unregister_kprobe(&klpx_delay_kp);
}

module_init(klpx_delay_init);
module_exit(klpx_delay_exit);
MODULE_LICENSE("GPL");
