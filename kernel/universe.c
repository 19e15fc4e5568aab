// SPDX-License-Identifier: GPL-2.0
/*
 * universe.c - the universe map (universe.h), and the two probes that
 * keep its bits on their tasks: task_newtask (a new task takes its
 * parent's universe) and exchange_tids() (exec by a non-leader thread).
 * Both are registered while klpx is loaded, not only during transitions:
 * a task born or renamed while they were off would carry a stale bit.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/kprobes.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include "klpx.h"
#include "universe.h"
#include "transition.h"
#include "trace.h"

struct klpx_universe_map __rcu *klpx_umap;

static unsigned int klpx_umap_nr_leaves(void)
{
	unsigned int pids = min_t(unsigned int, READ_ONCE(*klpx_pid_max),
				  PID_MAX_LIMIT);

	return DIV_ROUND_UP(pids, KLPX_UMAP_LEAF_PIDS);
}

/*
 * Leaf @i of @m, allocated and filled with m->start if it had none.
 * cmpxchg: the transition work and the exchange_tids() probe may race.
 */
static unsigned long *klpx_umap_leaf(struct klpx_universe_map *m,
				     unsigned int i, gfp_t gfp)
{
	unsigned long *leaf = smp_load_acquire(&m->leaf[i]), *old;

	if (leaf)
		return leaf;
	leaf = (unsigned long *)__get_free_page(gfp);
	if (!leaf)
		return NULL;
	memset(leaf, m->start == KLPX_PATCHED ? 0xff : 0, PAGE_SIZE);
	/* filled before seen: pairs with smp_load_acquire() of readers */
	old = cmpxchg_release(&m->leaf[i], NULL, leaf);
	if (old) {
		free_page((unsigned long)leaf);
		return old;
	}
	return leaf;
}

/* Gives every pid below pid_max a leaf; process context. */
int klpx_umap_grow(struct klpx_universe_map *m)
{
	unsigned int i, nr = klpx_umap_nr_leaves();

	for (i = 0; i < nr; i++)
		if (!klpx_umap_leaf(m, i, GFP_KERNEL))
			return -ENOMEM;
	return 0;
}

struct klpx_universe_map *klpx_umap_alloc(enum klpx_universe start)
{
	struct klpx_universe_map *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return NULL;
	m->start = start;
	m->idle = bitmap_zalloc(nr_cpu_ids, GFP_KERNEL);
	if (!m->idle || klpx_umap_grow(m)) {
		klpx_umap_free(m);
		return NULL;
	}
	if (start == KLPX_PATCHED)
		bitmap_fill(m->idle, nr_cpu_ids);
	return m;
}

void klpx_umap_free(struct klpx_universe_map *m)
{
	unsigned int i;

	if (!m)
		return;
	for (i = 0; i < KLPX_UMAP_LEAVES; i++)
		free_page((unsigned long)m->leaf[i]);
	bitmap_free(m->idle);
	kfree(m);
}

/*
 * Puts @t in @to. False if it was there already, or if its pid has no
 * leaf yet (the transition work grows the map, then tries again).
 */
bool klpx_umap_set(struct klpx_universe_map *m, struct task_struct *t,
		   enum klpx_universe to)
{
	unsigned long *bits;
	unsigned int nr;

	if (t->pid == 0) {
		bits = m->idle;
		nr = task_cpu(t);
	} else {
		bits = smp_load_acquire(&m->leaf[t->pid / KLPX_UMAP_LEAF_PIDS]);
		if (!bits)
			return false;
		nr = t->pid % KLPX_UMAP_LEAF_PIDS;
	}
	if (to == KLPX_PATCHED)
		return !test_and_set_bit(nr, bits);
	return test_and_clear_bit(nr, bits);
}

/* force: every task with a leaf, and every idle task, in @u */
void klpx_umap_fill(struct klpx_universe_map *m, enum klpx_universe u)
{
	unsigned int i;

	klpx_umap_grow(m);
	for (i = 0; i < KLPX_UMAP_LEAVES; i++)
		if (m->leaf[i])
			memset(m->leaf[i], u == KLPX_PATCHED ? 0xff : 0,
			       PAGE_SIZE);
	if (u == KLPX_PATCHED)
		bitmap_fill(m->idle, nr_cpu_ids);
	else
		bitmap_zero(m->idle, nr_cpu_ids);
}

size_t klpx_umap_bytes(struct klpx_universe_map *m)
{
	size_t bytes = sizeof(*m) + BITS_TO_LONGS(nr_cpu_ids) * sizeof(long);
	unsigned int i;

	for (i = 0; i < KLPX_UMAP_LEAVES; i++)
		if (m->leaf[i])
			bytes += PAGE_SIZE;
	return bytes;
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
 * nothing moves it meanwhile; @right is a zombie. A pid above the map's
 * leaves gets one here (pid_max grew since the last walk).
 */
static int klpx_exchange_tids_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct task_struct *left = (void *)regs->di, *right = (void *)regs->si;
	struct klpx_universe_map *m = rcu_dereference_sched(klpx_umap);
	enum klpx_universe ul, ur;

	if (!m)
		return 0;
	klpx_umap_leaf(m, left->pid / KLPX_UMAP_LEAF_PIDS, GFP_ATOMIC);
	klpx_umap_leaf(m, right->pid / KLPX_UMAP_LEAF_PIDS, GFP_ATOMIC);
	ul = klpx_umap_get(m, left);
	ur = klpx_umap_get(m, right);
	/* written by pid, so @right's bit is the one @left will read */
	klpx_umap_set(m, right, ul);
	klpx_umap_set(m, left, ur);
	return 0;
}
NOKPROBE_SYMBOL(klpx_exchange_tids_pre);

static struct kprobe klpx_exchange_tids_kp = {
	.symbol_name = "exchange_tids",
	.pre_handler = klpx_exchange_tids_pre,
};
static struct tracepoint *klpx_newtask_tp;

int klpx_universe_follow_init(void)
{
	int ret;

	klpx_newtask_tp = klpx_tracepoint("task_newtask");
	if (!klpx_newtask_tp) {
		pr_err("kernel tracepoint 'task_newtask' not found: cannot load\n");
		return -ENOENT;
	}
	ret = register_kprobe(&klpx_exchange_tids_kp);
	if (ret) {
		pr_err("cannot probe exchange_tids (%d): cannot load\n", ret);
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
