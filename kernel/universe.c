// SPDX-License-Identifier: GPL-2.0
/*
 * universe.c - the universe map (universe.h): its bits, moving a task,
 * publishing a transition's map, and the two probes that
 * keep its bits on their tasks: task_newtask (a new task takes its
 * parent's universe) and exchange_tids() (exec by a non-leader thread).
 * Both are registered while klpx is loaded, not only during transitions:
 * a task born or renamed while they were off would carry a stale bit.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/kprobes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/tracepoint.h>
#include "core.h"
#include "symbols.h"
#include "transition.h"
#include "trace.h"
#include "universe.h"

struct klpx_universe_map __rcu *klpx_umap;

/* The map of the transition that starts; klpx_mutex held. */
void klpx_umap_publish(struct klpx_universe_map *m)
{
	lockdep_assert_held(&klpx_mutex);
	rcu_assign_pointer(klpx_umap, m);
}

/*
 * The transition ended: no map; klpx_mutex held. Readers may still hold
 * the old one: the caller frees it after every CPU scheduled.
 */
struct klpx_universe_map *klpx_umap_unpublish(void)
{
	return rcu_replace_pointer(klpx_umap, NULL,
				   lockdep_is_held(&klpx_mutex));
}

/* The published map, or NULL; klpx_mutex held, so it stays. */
struct klpx_universe_map *klpx_umap_locked(void)
{
	return rcu_dereference_protected(klpx_umap,
					 lockdep_is_held(&klpx_mutex));
}

struct klpx_universe_map *klpx_umap_alloc(enum klpx_universe start,
					 unsigned int gen)
{
	struct klpx_universe_map *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return NULL;
	m->gen = gen;
	m->idle = bitmap_zalloc(nr_cpu_ids, GFP_KERNEL);
	m->pids = kvmalloc(BITS_TO_LONGS(PID_MAX_LIMIT) * sizeof(long),
			   GFP_KERNEL);
	if (!m->idle || !m->pids) {
		klpx_umap_free(m);
		return NULL;
	}
	klpx_umap_fill(m, start);
	return m;
}

void klpx_umap_free(struct klpx_universe_map *m)
{
	if (!m)
		return;
	kvfree(m->pids);
	bitmap_free(m->idle);
	kfree(m);
}

/* Puts @t in @to; false if it was there already. */
bool klpx_umap_set(struct klpx_universe_map *m, struct task_struct *t,
		   enum klpx_universe to)
{
	unsigned long *bits = t->pid ? m->pids : m->idle;
	unsigned int nr = t->pid ? t->pid : task_cpu(t);

	if (to == KLPX_PATCHED)
		return !test_and_set_bit(nr, bits);
	return test_and_clear_bit(nr, bits);
}

/* every pid and every idle task in @u: a new map, or force */
void klpx_umap_fill(struct klpx_universe_map *m, enum klpx_universe u)
{
	if (u == KLPX_PATCHED) {
		bitmap_fill(m->pids, PID_MAX_LIMIT);
		bitmap_fill(m->idle, nr_cpu_ids);
	} else {
		bitmap_zero(m->pids, PID_MAX_LIMIT);
		bitmap_zero(m->idle, nr_cpu_ids);
	}
}

size_t klpx_umap_bytes(struct klpx_universe_map *m)
{
	return sizeof(*m) + (BITS_TO_LONGS(PID_MAX_LIMIT) +
			     BITS_TO_LONGS(nr_cpu_ids)) * sizeof(long);
}

/*
 * Moves @t to @to; the caller made sure it may, and holds klpx_mutex or
 * has preemption off. Returns false if it was there (or its pid has no
 * leaf in the map yet).
 */
bool klpx_task_move(struct task_struct *t, enum klpx_universe to,
		    enum klpx_how how)
{
	struct klpx_universe_map *m;

	m = rcu_dereference_check(klpx_umap, lockdep_is_held(&klpx_mutex) ||
					     rcu_read_lock_sched_held());
	if (!m || !klpx_umap_set(m, t, to))
		return false;
	trace_klp_task_switch(t, klpx_other_universe(to), to, how);
	return true;
}

/* ---- following tasks ----------------------------------------------------- */

/*
 * copy_process(), after the child is on the task list and before it can
 * run; current is the parent (for an io_uring thread: its creator). The
 * child has nothing on its stack yet, so any universe is safe for it: it
 * takes its parent's, so that a parent found in the target universe (the
 * completion check, transition.c) has children there too.
 */
static void klpx_probe_newtask(void *data, struct task_struct *child,
			       unsigned long clone_flags)
{
	struct klpx_universe_map *m;
	enum klpx_universe u;

	if (child->pid == 0)	/* an idle task: its CPU's bit is not ours */
		return;
	preempt_disable_notrace();
	m = rcu_dereference_sched(klpx_umap);
	if (m) {
		u = klpx_umap_get(m, current);
		if (klpx_umap_set(m, child, u))
			trace_klp_task_switch(child, klpx_other_universe(u), u,
					      KLPX_HOW_FORK);
	}
	preempt_enable_notrace();
}

/*
 * exchange_tids(left, right): de_thread() gives the exec'ing thread @left
 * the pid of its dead leader @right, and @right @left's. Their bits swap
 * with them. @left runs this under tasklist_lock with interrupts off, so
 * nothing moves it meanwhile; @right has exited, and no switch point
 * moves a task that has (transition.c), so nothing else writes its bit.
 */
static int klpx_exchange_tids_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct task_struct *left = (void *)regs->di, *right = (void *)regs->si;
	struct klpx_universe_map *m = rcu_dereference_sched(klpx_umap);
	enum klpx_universe ul, ur;

	if (!m)
		return 0;
	ul = klpx_umap_get(m, left);
	ur = klpx_umap_get(m, right);
	/* written by pid, so @right's bit is the one @left will read */
	klpx_umap_set(m, right, ul);
	klpx_umap_set(m, left, ur);
	return 0;
}
NOKPROBE_SYMBOL(klpx_exchange_tids_pre);

static struct kprobe klpx_exchange_tids_kp = {
	.pre_handler = klpx_exchange_tids_pre,
};
static struct tracepoint *klpx_newtask_tp;

/*
 * The probe goes on the instruction after exchange_tids()' fentry site,
 * where kprobes puts a breakpoint, not an ftrace_ops: an ftrace-based
 * probe unregistered while sysctl kernel.ftrace_enabled is 0 (klpx
 * unloaded with ftrace off) leaves a stale flag on the function's ftrace
 * record in 6.1, and the next ftrace user of it WARNs and switches ftrace
 * off for good. The fentry site (a nop, or a call that saves them) leaves
 * the argument registers as they were at the entry. If that instruction
 * cannot be probed, klpx does not load (a probe on the fentry site would
 * bring the stale flag back). A patch of exchange_tids() would bypass the
 * probe: klpx refuses one (klpx_universe_probes()).
 */
static void klpx_exchange_tids_locate(void)
{
	unsigned long fentry = klpx_ftrace_location(klpx_exchange_tids);

	klpx_exchange_tids_kp.addr = (void *)(fentry ? fentry + MCOUNT_INSN_SIZE
						     : klpx_exchange_tids);
}

/* @addr is a function klpx probes to follow tasks: no patch may replace it */
bool klpx_universe_probes(unsigned long addr)
{
	return addr == klpx_exchange_tids;
}

int klpx_universe_follow_init(void)
{
	int ret;

	klpx_newtask_tp = klpx_tracepoint("task_newtask");
	if (!klpx_newtask_tp) {
		pr_err("kernel tracepoint 'task_newtask' not found: cannot load\n");
		return -ENOENT;
	}
	klpx_exchange_tids_locate();
	ret = register_kprobe(&klpx_exchange_tids_kp);
	if (ret) {
		pr_err("cannot probe exchange_tids at %pS (%d): cannot load\n",
		       klpx_exchange_tids_kp.addr, ret);
		return ret;
	}
	ret = tracepoint_probe_register(klpx_newtask_tp, klpx_probe_newtask,
					NULL);
	if (ret) {
		pr_err("cannot probe task_newtask (%d): cannot load\n", ret);
		unregister_kprobe(&klpx_exchange_tids_kp);
	}
	return ret;
}

void klpx_universe_follow_exit(void)
{
	tracepoint_probe_unregister(klpx_newtask_tp, klpx_probe_newtask, NULL);
	unregister_kprobe(&klpx_exchange_tids_kp);
	tracepoint_synchronize_unregister();
}
