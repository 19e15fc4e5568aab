// SPDX-License-Identifier: GPL-2.0
/*
 * klpx_race_target - calls patched functions as fast as it can and checks
 * every answer against the version the caller's universe demands.
 *
 * klpx_race_outer() calls klpx_race_inner(); the race patches
 * (klpx_race_patch.h) replace both, and every version of either answers
 * with its version number: outer with (version << 8) | inner().
 * Each check, with interrupts off (current cannot change universe):
 *   want = klpx_redirect_expected(outer), run directly (or the original);
 *   got  = klpx_race_outer(), through klpx's hook (fast or slow path);
 * and counts a mismatch if got != want, or if outer's and inner's versions
 * differ (a task runs one universe while patched code is on its stack).
 *
 *   /proc/klpx_race/run     write N: N checks in the writer's context
 *   /proc/klpx_race/nested  write N: N checks made while the writer holds
 *                           ftrace's recursion guard of its context and
 *                           its one allowed nesting, as code deep inside
 *                           ftrace callbacks does (EBUSY if it cannot)
 *   /proc/klpx_race/stats   calls, mismatches, calls per version, the
 *                           first mismatch; write anything: reset
 * With kthread=1 the kthread klpx_race_kt checks in a loop until unload.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/atomic.h>
#include <linux/trace_recursion.h>
#include <klpx/livepatch.h>

#define KLPX_RACE_VERSIONS	8

static bool kthread;
module_param(kthread, bool, 0444);
MODULE_PARM_DESC(kthread, "start klpx_race_kt, which checks in a loop");

static atomic64_t klpx_race_calls;
static atomic64_t klpx_race_mismatches;
static atomic64_t klpx_race_seen[KLPX_RACE_VERSIONS];
/* the first mismatch, under klpx_race_lock */
static DEFINE_SPINLOCK(klpx_race_lock);
static char klpx_race_first[256] = "none";
static struct task_struct *klpx_race_kt;

__attribute__((__noipa__)) noinline int klpx_race_inner(void)
{
	return 0;
}
EXPORT_SYMBOL_GPL(klpx_race_inner);

__attribute__((__noipa__)) noinline int klpx_race_outer(void)
{
	return klpx_race_inner();
}
EXPORT_SYMBOL_GPL(klpx_race_outer);

/* @code, @after: what klpx_redirect_expected() said before and after */
static void klpx_race_note(int got, int want, void *code, void *after)
{
	atomic64_inc(&klpx_race_mismatches);
	spin_lock(&klpx_race_lock);
	if (!strcmp(klpx_race_first, "none"))
		snprintf(klpx_race_first, sizeof(klpx_race_first),
			 "pid %d %s: got %#x want %#x expected %ps then %ps",
			 current->pid, current->comm, got, want, code, after);
	spin_unlock(&klpx_race_lock);
}

static void klpx_race_check(void)
{
	int (*code)(void);
	unsigned long flags;
	void *after;
	int got, want;

	local_irq_save(flags);
	code = klpx_redirect_expected(klpx_race_outer);
	got = klpx_race_outer();
	/* the original's version is 0: it answers 0 << 8 | inner() */
	want = code ? code() : klpx_race_inner();
	after = klpx_redirect_expected(klpx_race_outer);
	local_irq_restore(flags);

	atomic64_inc(&klpx_race_calls);
	atomic64_inc(&klpx_race_seen[(got >> 8) % KLPX_RACE_VERSIONS]);
	if (got != want || (got >> 8) != (got & 0xff))
		klpx_race_note(got, want, code, after);
}

/*
 * Checks without pause; every 1,024 checks it sleeps a tick: a kthread
 * that never sleeps holds off every RCU-tasks grace period, which module
 * unload and the release of klpx's hooks wait for.
 */
static int klpx_race_kt_fn(void *unused)
{
	unsigned int n = 0;

	while (!kthread_should_stop()) {
		klpx_race_check();
		if (++n % 1024)
			cond_resched();
		else
			schedule_timeout_uninterruptible(1);
	}
	return 0;
}

static ssize_t run_write(struct file *f, const char __user *buf, size_t n,
			 loff_t *off)
{
	unsigned int i, nr;
	int ret;

	ret = kstrtouint_from_user(buf, n, 0, &nr);
	if (ret)
		return ret;
	for (i = 0; i < nr; i++) {
		klpx_race_check();
		cond_resched();
	}
	return n;
}

/* One check with both recursion bits of this context taken. */
static int klpx_race_check_nested(void)
{
	int outer, inner, ret = 0;

	outer = ftrace_test_recursion_trylock(_THIS_IP_, _RET_IP_);
	inner = ftrace_test_recursion_trylock(_THIS_IP_, _RET_IP_);
	if (outer < 0 || inner < 0)
		ret = -EBUSY;
	else
		klpx_race_check();
	if (inner >= 0)
		ftrace_test_recursion_unlock(inner);
	if (outer >= 0)
		ftrace_test_recursion_unlock(outer);
	return ret;
}

static ssize_t nested_write(struct file *f, const char __user *buf, size_t n,
			    loff_t *off)
{
	unsigned int i, nr;
	int ret;

	ret = kstrtouint_from_user(buf, n, 0, &nr);
	for (i = 0; !ret && i < nr; i++) {
		ret = klpx_race_check_nested();
		cond_resched();
	}
	return ret ? ret : n;
}

static int stats_show(struct seq_file *m, void *v)
{
	int i;

	seq_printf(m, "calls %lld\nmismatches %lld\n",
		   (long long)atomic64_read(&klpx_race_calls),
		   (long long)atomic64_read(&klpx_race_mismatches));
	for (i = 0; i < KLPX_RACE_VERSIONS; i++)
		seq_printf(m, "v%d %lld\n", i,
			   (long long)atomic64_read(&klpx_race_seen[i]));
	spin_lock(&klpx_race_lock);
	seq_printf(m, "first %s\n", klpx_race_first);
	spin_unlock(&klpx_race_lock);
	return 0;
}

static ssize_t stats_write(struct file *f, const char __user *buf, size_t n,
			   loff_t *off)
{
	int i;

	atomic64_set(&klpx_race_calls, 0);
	for (i = 0; i < KLPX_RACE_VERSIONS; i++)
		atomic64_set(&klpx_race_seen[i], 0);
	return n;
}

static int stats_open(struct inode *i, struct file *f)
{
	return single_open(f, stats_show, NULL);
}

static const struct proc_ops run_ops = { .proc_write = run_write };
static const struct proc_ops nested_ops = { .proc_write = nested_write };
static const struct proc_ops stats_ops = {
	.proc_open = stats_open, .proc_read = seq_read, .proc_write = stats_write,
	.proc_lseek = seq_lseek, .proc_release = single_release,
};

static int __init klpx_race_init(void)
{
	struct proc_dir_entry *dir = proc_mkdir("klpx_race", NULL);

	if (!dir)
		return -ENOMEM;
	if (!proc_create("run", 0200, dir, &run_ops) ||
	    !proc_create("nested", 0200, dir, &nested_ops) ||
	    !proc_create("stats", 0600, dir, &stats_ops))
		goto err;
	if (kthread) {
		klpx_race_kt = kthread_run(klpx_race_kt_fn, NULL, "klpx_race_kt");
		if (IS_ERR(klpx_race_kt))
			goto err;
	}
	return 0;
err:
	remove_proc_subtree("klpx_race", NULL);
	return -ENOMEM;
}

static void __exit klpx_race_exit(void)
{
	if (klpx_race_kt)
		kthread_stop(klpx_race_kt);
	remove_proc_subtree("klpx_race", NULL);
}

module_init(klpx_race_init);
module_exit(klpx_race_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpx selftest: hammer patched functions and check every answer");
