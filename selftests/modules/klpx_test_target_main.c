// SPDX-License-Identifier: GPL-2.0
/*
 * klpx_test_target - a module for patches to patch.
 *
 *   /proc/klpx_target/answer   read: calls klpx_target_answer()
 *   /proc/klpx_target/block    write: sleeps in klpx_target_wait() until
 *                              "release" is written, then records what
 *                              klpx_target_answer() said at that point
 *   /proc/klpx_target/release  write: wakes the sleepers
 *   /proc/klpx_target/rearm    write: the next "block" sleeps again (after
 *                              a release, "block" returns at once)
 *   /proc/klpx_target/last     read: the answer a released sleeper got
 * With kthread=1, the kthread klpx_target_kt sleeps interruptibly in
 * klpx_target_kwait() until something wakes it.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/wait.h>
#include <linux/sched/signal.h>
#include <linux/kthread.h>
#include <linux/delay.h>

static bool uninterruptible;
module_param(uninterruptible, bool, 0444);
MODULE_PARM_DESC(uninterruptible, "sleep in klpx_target_wait() uninterruptibly");

static bool kthread;
module_param(kthread, bool, 0444);
MODULE_PARM_DESC(kthread, "start klpx_target_kt, which sleeps interruptibly in klpx_target_kwait()");

static DECLARE_WAIT_QUEUE_HEAD(klpx_target_wq);
static struct task_struct *klpx_target_kt;
static atomic_t klpx_target_released = ATOMIC_INIT(0);
static char klpx_target_last[64] = "none";

noinline const char *klpx_target_answer(void)
{
	return "original";
}
EXPORT_SYMBOL_GPL(klpx_target_answer);

/* for klpx_test_bad: a module that is not the patch's */
struct module *klpx_target_module(void)
{
	return THIS_MODULE;
}
EXPORT_SYMBOL_GPL(klpx_target_module);

/* defined once more, static, in klpx_test_target_dup.c: a repeated name */
noinline int klpx_target_dup(void)
{
	return 1;
}

/* for klpx_test_relocs: static, reached through a klp relocation */
static int klpx_target_secret_value = 4242;

static noinline int klpx_target_secret(void)
{
	return READ_ONCE(klpx_target_secret_value);
}

notrace noinline int klpx_target_notrace(void)
{
	return 1;
}

/* sleeps here, in the function the test patches, until released */
noinline int klpx_target_wait(void)
{
	int ret = 0;

	if (uninterruptible)
		wait_event(klpx_target_wq, atomic_read(&klpx_target_released));
	else
		ret = wait_event_interruptible(klpx_target_wq,
				atomic_read(&klpx_target_released));
	strscpy(klpx_target_last, klpx_target_answer(),
		sizeof(klpx_target_last));
	return ret;
}

/* the kthread sleeps here, interruptibly, until woken or stopped */
noinline void klpx_target_kwait(void)
{
	set_current_state(TASK_INTERRUPTIBLE);
	if (!kthread_should_stop())
		schedule();
	__set_current_state(TASK_RUNNING);
}

static int klpx_target_kt_fn(void *unused)
{
	while (!kthread_should_stop()) {
		klpx_target_kwait();
		msleep(20);	/* a sleep outside any patched function */
	}
	return 0;
}

static int answer_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", klpx_target_answer());
	return 0;
}

static int last_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", klpx_target_last);
	return 0;
}

static ssize_t block_write(struct file *f, const char __user *buf, size_t n,
			   loff_t *off)
{
	int ret = klpx_target_wait();

	return ret ? ret : n;
}

static ssize_t release_write(struct file *f, const char __user *buf,
			     size_t n, loff_t *off)
{
	atomic_set(&klpx_target_released, 1);
	wake_up_all(&klpx_target_wq);
	return n;
}

static ssize_t rearm_write(struct file *f, const char __user *buf,
			   size_t n, loff_t *off)
{
	atomic_set(&klpx_target_released, 0);
	return n;
}

static int klpx_target_open_answer(struct inode *i, struct file *f)
{
	return single_open(f, answer_show, NULL);
}

static int klpx_target_open_last(struct inode *i, struct file *f)
{
	return single_open(f, last_show, NULL);
}

static const struct proc_ops answer_ops = {
	.proc_open = klpx_target_open_answer, .proc_read = seq_read,
	.proc_lseek = seq_lseek, .proc_release = single_release,
};
static const struct proc_ops last_ops = {
	.proc_open = klpx_target_open_last, .proc_read = seq_read,
	.proc_lseek = seq_lseek, .proc_release = single_release,
};
static const struct proc_ops block_ops = { .proc_write = block_write };
static const struct proc_ops release_ops = { .proc_write = release_write };
static const struct proc_ops rearm_ops = { .proc_write = rearm_write };

extern int klpx_target_dup_caller(void);
static struct proc_dir_entry *klpx_target_dir;

static int __init klpx_target_init(void)
{
	klpx_target_dir = proc_mkdir("klpx_target", NULL);
	if (!klpx_target_dir)
		return -ENOMEM;
	proc_create("answer", 0444, klpx_target_dir, &answer_ops);
	proc_create("last", 0444, klpx_target_dir, &last_ops);
	proc_create("block", 0200, klpx_target_dir, &block_ops);
	proc_create("release", 0200, klpx_target_dir, &release_ops);
	proc_create("rearm", 0200, klpx_target_dir, &rearm_ops);
	if (kthread) {
		klpx_target_kt = kthread_run(klpx_target_kt_fn, NULL,
					     "klpx_target_kt");
		if (IS_ERR(klpx_target_kt)) {
			proc_remove(klpx_target_dir);
			return PTR_ERR(klpx_target_kt);
		}
	}
	pr_info("klpx_test_target: loaded, answer=%s dup=%d notrace=%d\n",
		klpx_target_answer(), klpx_target_dup() + klpx_target_dup_caller(),
		klpx_target_notrace());
	pr_debug("klpx_test_target: secret=%d\n", klpx_target_secret());
	return 0;
}

static void __exit klpx_target_exit(void)
{
	if (klpx_target_kt)
		kthread_stop(klpx_target_kt);
	proc_remove(klpx_target_dir);
}

module_init(klpx_target_init);
module_exit(klpx_target_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpx selftests: a module to patch");
