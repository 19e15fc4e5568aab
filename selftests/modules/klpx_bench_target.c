// SPDX-License-Identifier: GPL-2.0
/*
 * klpx_bench_target - what `make bench` patches and calls.
 *
 *   klpx_bench_fn()     the function whose per-call cost is measured:
 *                       returns 1; a patch makes it return 2
 *   klpx_bench_sys()    on the path of a read of /proc/klpx_bench/sys, for
 *                       threads that hammer a patched syscall path
 *   klpx_bench_hold()   a task sleeps here (patched too, so it blocks the
 *                       transition) and then runs its loop from inside it:
 *                       a caller that cannot switch universe
 *   klpx_bench_m00() .. klpx_bench_m99()
 *                       for the 10- and 100-function patches
 *                       (klpx_bench_many.h): return 1; patched, 2
 *
 * /proc/klpx_bench/ctl takes one command per write:
 *   run N        call klpx_bench_fn() N times, here and now
 *   hold N       sleep in klpx_bench_hold() until "go", then run N calls
 *                inside it; the write returns when they are done
 *   go           wake the holders
 *   floor 1|0    register/unregister an ftrace_ops with an empty handler
 *                on klpx_bench_fn() (the cost floor of any ftrace hook)
 *   kthreads N   keep N kthreads asleep (0 stops them)
 *   kthreads_calling N
 *                keep N kthreads that call klpx_bench_fn() every 100 ms
 *                (0 stops them); their answers are counted
 *   many N       call klpx_bench_m00() .. the Nth once each (N <= 100);
 *                the answers go to the "run" result (PS and MEAN 0)
 * /proc/klpx_bench/result: "run PS OLD NEW OTHER MEAN" and "hold ..." for
 * the last of each: picoseconds per call, the calls answered by the
 * original (1), by a patch (2) and by neither, and the whole loop's mean
 * in picoseconds per call; then "kt CALLS OLD NEW OTHER": the calling
 * kthreads' calls since the last "kthreads_calling", by who answered.
 * PS is the median over chunks of KLPX_BENCH_CHUNK calls: under TCG the
 * VM loses its host CPU to other processes now and then, which inflates a
 * long loop's mean (a slower variant's more) but only a few chunks.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/ktime.h>
#include <linux/ftrace.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/wait.h>
#include "klpx_bench_many.h"

struct klpx_bench_result {
	u64 ps_per_call;	/* median over chunks */
	u64 mean_ps;		/* the whole loop */
	long old, new, other;
};

#define KLPX_BENCH_CHUNK	1000

static DEFINE_MUTEX(klpx_bench_lock);	/* results, floor, kthreads */
static struct klpx_bench_result klpx_bench_run_res, klpx_bench_hold_res;
static DECLARE_WAIT_QUEUE_HEAD(klpx_bench_wq);
static atomic_t klpx_bench_go = ATOMIC_INIT(0);

/*
 * noipa: gcc must not see that it returns a constant, or it calls it once
 * per loop instead of once per iteration
 */
#define KLPX_BENCH_OPAQUE noinline __attribute__((__noipa__))

KLPX_BENCH_OPAQUE int klpx_bench_fn(void)
{
	return 1;
}
EXPORT_SYMBOL_GPL(klpx_bench_fn);

KLPX_BENCH_OPAQUE int klpx_bench_sys(void)
{
	return 1;
}
EXPORT_SYMBOL_GPL(klpx_bench_sys);

#define KLPX_BENCH_M_DEF(n) \
	KLPX_BENCH_OPAQUE int klpx_bench_m##n(void) \
	{ \
		return 1; \
	}
KLPX_BENCH_M100(KLPX_BENCH_M_DEF)

#define KLPX_BENCH_M_PTR(n)	klpx_bench_m##n,
static int (*const klpx_bench_many_fns[KLPX_BENCH_MANY_MAX])(void) = {
	KLPX_BENCH_M100(KLPX_BENCH_M_PTR)
};

/* the first @n of klpx_bench_m00() .. once each, answers counted */
static int klpx_bench_many(long n, struct klpx_bench_result *r)
{
	long i;

	if (n > KLPX_BENCH_MANY_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		switch (klpx_bench_many_fns[i]()) {
		case 1:
			r->old++;
			break;
		case 2:
			r->new++;
			break;
		default:
			r->other++;
		}
	}
	return 0;
}

static int klpx_bench_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* picoseconds per call of the median of @nr chunks' @ns; sorts @ns */
static u64 klpx_bench_median_ps(u32 *ns, long nr)
{
	sort(ns, nr, sizeof(*ns), klpx_bench_cmp_u32, NULL);
	return (u64)ns[nr / 2] * 1000 / KLPX_BENCH_CHUNK;
}

/*
 * The timed loop: n calls, every answer counted by who gave it, the time
 * taken at the end of every full chunk (one ktime read per
 * KLPX_BENCH_CHUNK calls). Fewer calls than a chunk, or no memory for
 * the chunk times: the figure is the mean.
 */
noinline void klpx_bench_loop(long n, struct klpx_bench_result *r)
{
	long i, c, end, nr = n / KLPX_BENCH_CHUNK, ans1 = 0, ans2 = 0;
	u32 *ns = nr ? kvmalloc_array(nr, sizeof(*ns), GFP_KERNEL) : NULL;
	u64 t0, t, prev;

	t0 = prev = ktime_get_ns();
	for (i = 0, c = 0; i < n; c++) {
		end = min(n, i + KLPX_BENCH_CHUNK);
		for (; i < end; i++) {
			int a = klpx_bench_fn();

			ans1 += a == 1;
			ans2 += a == 2;
		}
		t = ktime_get_ns();
		if (ns && c < nr)
			ns[c] = min_t(u64, t - prev, U32_MAX);
		prev = t;
	}
	t = prev;
	r->mean_ps = n ? (t - t0) * 1000 / n : 0;
	r->ps_per_call = ns ? klpx_bench_median_ps(ns, nr) : r->mean_ps;
	kvfree(ns);
	r->old = ans1;
	r->new = ans2;
	r->other = n - ans1 - ans2;
}
EXPORT_SYMBOL_GPL(klpx_bench_loop);

/* the body of klpx_bench_hold(), shared with its patched versions */
void klpx_bench_hold_body(long n, struct klpx_bench_result *r)
{
	wait_event(klpx_bench_wq, atomic_read(&klpx_bench_go));
	klpx_bench_loop(n, r);
}
EXPORT_SYMBOL_GPL(klpx_bench_hold_body);

KLPX_BENCH_OPAQUE int klpx_bench_hold(long n, void *r)
{
	klpx_bench_hold_body(n, r);
	return 1;	/* not a tail call: this frame stays on the stack */
}
EXPORT_SYMBOL_GPL(klpx_bench_hold);

/* ---- the ftrace floor ---- */

static void notrace klpx_bench_empty(unsigned long ip, unsigned long pip,
				     struct ftrace_ops *op,
				     struct ftrace_regs *fregs)
{
}

/*
 * Flags as livepatch's ops, less what only redirection needs: DYNAMIC (an
 * ops in module data, which ftrace would set anyway), no RECURSION (an
 * empty handler needs no guard, so the trampoline calls it directly, not
 * through ftrace_ops_assist_func()), no IPMODIFY (it changes no ip, and
 * stays out of the way of either core), no PERMANENT.
 */
static struct ftrace_ops klpx_bench_floor_ops = {
	.func = klpx_bench_empty,
	.flags = FTRACE_OPS_FL_DYNAMIC,
};
static bool klpx_bench_floor_on;

static int klpx_bench_floor(bool on)
{
	int ret;

	if (on == klpx_bench_floor_on)
		return 0;
	/* the ops is used again: drop its ip, not its hash (ftrace_free_filter) */
	if (!on) {
		unregister_ftrace_function(&klpx_bench_floor_ops);
		ftrace_set_filter_ip(&klpx_bench_floor_ops,
				     (unsigned long)klpx_bench_fn, 1, 0);
		klpx_bench_floor_on = false;
		return 0;
	}
	ret = ftrace_set_filter_ip(&klpx_bench_floor_ops,
				   (unsigned long)klpx_bench_fn, 0, 0);
	if (ret)
		return ret;
	ret = register_ftrace_function(&klpx_bench_floor_ops);
	if (ret) {
		ftrace_set_filter_ip(&klpx_bench_floor_ops,
				     (unsigned long)klpx_bench_fn, 1, 0);
		return ret;
	}
	klpx_bench_floor_on = true;
	return 0;
}

/* ---- kthreads: asleep, or calling the patched function ---- */

static struct task_struct **klpx_bench_kts;
static int klpx_bench_nr_kts;
/* the calling kthreads' calls, by who answered: 1, 2, neither */
static atomic_long_t klpx_bench_kt_calls[3];

#define KLPX_BENCH_KT_PERIOD_MS	100

/* calls klpx_bench_fn() every KLPX_BENCH_KT_PERIOD_MS until stopped */
static int klpx_bench_kt_call_fn(void *unused)
{
	int a;

	while (!kthread_should_stop()) {
		a = klpx_bench_fn();
		atomic_long_inc(&klpx_bench_kt_calls[a == 1 ? 0 : a == 2 ? 1 : 2]);
		schedule_timeout_interruptible(msecs_to_jiffies(KLPX_BENCH_KT_PERIOD_MS));
	}
	return 0;
}

static int klpx_bench_kt_fn(void *unused)
{
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static void klpx_bench_kthreads_stop(void)
{
	while (klpx_bench_nr_kts)
		kthread_stop(klpx_bench_kts[--klpx_bench_nr_kts]);
	kfree(klpx_bench_kts);
	klpx_bench_kts = NULL;
}

/* @n kthreads (none: stops them), asleep or, with @calling, calling */
static int klpx_bench_kthreads(int n, bool calling)
{
	struct task_struct *t;
	int i;

	klpx_bench_kthreads_stop();
	for (i = 0; i < ARRAY_SIZE(klpx_bench_kt_calls); i++)
		atomic_long_set(&klpx_bench_kt_calls[i], 0);
	if (n <= 0)
		return 0;
	klpx_bench_kts = kcalloc(n, sizeof(*klpx_bench_kts), GFP_KERNEL);
	if (!klpx_bench_kts)
		return -ENOMEM;
	while (klpx_bench_nr_kts < n) {
		t = kthread_run(calling ? klpx_bench_kt_call_fn : klpx_bench_kt_fn,
				NULL, calling ? "klpx_bench_ktc/%d" : "klpx_bench_kt/%d",
				klpx_bench_nr_kts);
		if (IS_ERR(t))
			return PTR_ERR(t);
		klpx_bench_kts[klpx_bench_nr_kts++] = t;
	}
	return 0;
}

/* ---- /proc/klpx_bench ---- */

static int klpx_bench_cmd(const char *cmd, long arg)
{
	struct klpx_bench_result r = {};
	int ret = 0;

	if (!strcmp(cmd, "run")) {
		klpx_bench_loop(arg, &r);
		mutex_lock(&klpx_bench_lock);
		klpx_bench_run_res = r;
		mutex_unlock(&klpx_bench_lock);
	} else if (!strcmp(cmd, "hold")) {
		atomic_set(&klpx_bench_go, 0);
		klpx_bench_hold(arg, &r);
		mutex_lock(&klpx_bench_lock);
		klpx_bench_hold_res = r;
		mutex_unlock(&klpx_bench_lock);
	} else if (!strcmp(cmd, "many")) {
		ret = klpx_bench_many(arg, &r);
		mutex_lock(&klpx_bench_lock);
		klpx_bench_run_res = r;
		mutex_unlock(&klpx_bench_lock);
	} else if (!strcmp(cmd, "go")) {
		atomic_set(&klpx_bench_go, 1);
		wake_up_all(&klpx_bench_wq);
	} else if (!strcmp(cmd, "floor")) {
		mutex_lock(&klpx_bench_lock);
		ret = klpx_bench_floor(arg);
		mutex_unlock(&klpx_bench_lock);
	} else if (!strcmp(cmd, "kthreads")) {
		mutex_lock(&klpx_bench_lock);
		ret = klpx_bench_kthreads(arg, false);
		mutex_unlock(&klpx_bench_lock);
	} else if (!strcmp(cmd, "kthreads_calling")) {
		mutex_lock(&klpx_bench_lock);
		ret = klpx_bench_kthreads(arg, true);
		mutex_unlock(&klpx_bench_lock);
	} else {
		ret = -EINVAL;
	}
	return ret;
}

static ssize_t klpx_bench_ctl_write(struct file *f, const char __user *ubuf,
				    size_t len, loff_t *off)
{
	char buf[40], cmd[24];
	long arg = 0;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	if (sscanf(buf, "%23s %ld", cmd, &arg) < 1 || arg < 0)
		return -EINVAL;
	ret = klpx_bench_cmd(cmd, arg);
	return ret ? ret : len;
}

static int klpx_bench_result_show(struct seq_file *m, void *v)
{
	mutex_lock(&klpx_bench_lock);
	seq_printf(m, "run %llu %ld %ld %ld %llu\nhold %llu %ld %ld %ld %llu\n",
		   klpx_bench_run_res.ps_per_call, klpx_bench_run_res.old,
		   klpx_bench_run_res.new, klpx_bench_run_res.other,
		   klpx_bench_run_res.mean_ps,
		   klpx_bench_hold_res.ps_per_call, klpx_bench_hold_res.old,
		   klpx_bench_hold_res.new, klpx_bench_hold_res.other,
		   klpx_bench_hold_res.mean_ps);
	seq_printf(m, "kt %ld %ld %ld %ld\n",
		   atomic_long_read(&klpx_bench_kt_calls[0]) +
		   atomic_long_read(&klpx_bench_kt_calls[1]) +
		   atomic_long_read(&klpx_bench_kt_calls[2]),
		   atomic_long_read(&klpx_bench_kt_calls[0]),
		   atomic_long_read(&klpx_bench_kt_calls[1]),
		   atomic_long_read(&klpx_bench_kt_calls[2]));
	mutex_unlock(&klpx_bench_lock);
	return 0;
}

static int klpx_bench_sys_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d\n", klpx_bench_sys());
	return 0;
}

static int klpx_bench_result_open(struct inode *i, struct file *f)
{
	return single_open(f, klpx_bench_result_show, NULL);
}

static int klpx_bench_sys_open(struct inode *i, struct file *f)
{
	return single_open(f, klpx_bench_sys_show, NULL);
}

static const struct proc_ops klpx_bench_ctl_ops = {
	.proc_write = klpx_bench_ctl_write,
};
static const struct proc_ops klpx_bench_result_ops = {
	.proc_open = klpx_bench_result_open, .proc_read = seq_read,
	.proc_lseek = seq_lseek, .proc_release = single_release,
};
static const struct proc_ops klpx_bench_sys_ops = {
	.proc_open = klpx_bench_sys_open, .proc_read = seq_read,
	.proc_lseek = seq_lseek, .proc_release = single_release,
};

static struct proc_dir_entry *klpx_bench_dir;

static int __init klpx_bench_init(void)
{
	klpx_bench_dir = proc_mkdir("klpx_bench", NULL);
	if (!klpx_bench_dir)
		return -ENOMEM;
	if (!proc_create("ctl", 0200, klpx_bench_dir, &klpx_bench_ctl_ops) ||
	    !proc_create("result", 0444, klpx_bench_dir,
			 &klpx_bench_result_ops) ||
	    !proc_create("sys", 0444, klpx_bench_dir, &klpx_bench_sys_ops)) {
		proc_remove(klpx_bench_dir);
		return -ENOMEM;
	}
	return 0;
}

static void __exit klpx_bench_exit(void)
{
	atomic_set(&klpx_bench_go, 1);
	wake_up_all(&klpx_bench_wq);
	proc_remove(klpx_bench_dir);
	mutex_lock(&klpx_bench_lock);
	klpx_bench_floor(false);
	klpx_bench_kthreads_stop();
	mutex_unlock(&klpx_bench_lock);
}

module_init(klpx_bench_init);
module_exit(klpx_bench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpx bench: a target to patch and call");
