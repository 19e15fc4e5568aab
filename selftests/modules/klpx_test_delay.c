// SPDX-License-Identifier: GPL-2.0
/*
 * klpx_test_delay - widens a race window: a kprobe at the kernel function
 * "at" busy-waits "ms" milliseconds whenever a task named "comm" (any task
 * if empty) reaches it. For cases that must put a step of the kernel
 * between two others deterministically.
 */
#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/sched.h>

static char *at = "";
module_param(at, charp, 0444);
MODULE_PARM_DESC(at, "the function to delay at its entry");

static unsigned int ms = 1000;
module_param(ms, uint, 0444);
MODULE_PARM_DESC(ms, "how long to busy-wait, at most 10000");

static char *comm = "";
module_param(comm, charp, 0444);
MODULE_PARM_DESC(comm, "delay only tasks with this comm (default: all)");

static int klpx_delay_pre(struct kprobe *p, struct pt_regs *regs)
{
	u64 end = ktime_get_ns() + (u64)min(ms, 10000U) * NSEC_PER_MSEC;

	if (*comm && strcmp(current->comm, comm))
		return 0;
	pr_info("klpx_test_delay: %s delayed at %s\n", current->comm, at);
	/* by the clock: mdelay()'s calibrated loop runs short under TCG */
	while (ktime_get_ns() < end)
		cpu_relax();
	return 0;
}

static struct kprobe klpx_delay_kp = { .pre_handler = klpx_delay_pre };

static int __init klpx_delay_init(void)
{
	klpx_delay_kp.symbol_name = at;
	return register_kprobe(&klpx_delay_kp);
}

static void __exit klpx_delay_exit(void)
{
	unregister_kprobe(&klpx_delay_kp);
}

module_init(klpx_delay_init);
module_exit(klpx_delay_exit);
MODULE_LICENSE("GPL");
