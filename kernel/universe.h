/* SPDX-License-Identifier: GPL-2.0 */
/*
 * universe.h - which universe each task is in while a transition runs.
 *
 * klpx has no field in task_struct, so the universe map keeps one bit per
 * pid (1 = patched universe) and one per CPU for the idle tasks, which all
 * have pid 0. The pid bits live in leaves of KLPX_UMAP_LEAF_PIDS pids,
 * allocated for every pid below pid_max when the transition starts and
 * added by the transition work when pid_max grows; a leaf is never removed
 * before the map is freed. A task whose pid has no leaf yet is in
 * @start, the universe the transition started from, whatever the target
 * is now: it cannot have moved, and after a reversal that is right too.
 *
 * A pid is not a task, so the bits follow tasks at the three places where
 * a task and its pid part or meet (docs/consistency-model.md):
 * - a new task (copy_process(), io_uring threads included) takes its
 *   parent's universe in the task_newtask probe, before it can run;
 * - exec from a thread that is not the leader swaps pids with the leader
 *   (exchange_tids()): a kprobe there swaps their bits;
 * - a task that exits leaves its bit behind, for the next task of that
 *   pid to overwrite at its birth.
 *
 * Bits change with atomic bitops and no lock, from switch points; the map
 * pointer is published under klpx_mutex and read under RCU-sched
 * (preemption off), by klpx_mutex holders, or where RCU does not watch
 * (idle), which is why it is freed only after every CPU scheduled.
 */
#ifndef _KLPX_UNIVERSE_H
#define _KLPX_UNIVERSE_H

#include <linux/sched.h>
#include <linux/threads.h>
#include <linux/rcupdate.h>
#include <klpx/livepatch.h>

#define KLPX_UMAP_LEAF_PIDS	(PAGE_SIZE * BITS_PER_BYTE)
#define KLPX_UMAP_LEAVES	DIV_ROUND_UP(PID_MAX_LIMIT, KLPX_UMAP_LEAF_PIDS)

struct klpx_universe_map {
	enum klpx_universe start;	/* fixed for the map's life */
	unsigned long *idle;		/* nr_cpu_ids bits */
	unsigned long *leaf[KLPX_UMAP_LEAVES];	/* store-release, then fixed */
};

extern struct klpx_universe_map __rcu *klpx_umap;

static inline enum klpx_universe klpx_other_universe(enum klpx_universe u)
{
	return u == KLPX_PATCHED ? KLPX_UNPATCHED : KLPX_PATCHED;
}

/* The universe of @t in @m (which the caller keeps alive). */
static __always_inline enum klpx_universe
klpx_umap_get(struct klpx_universe_map *m, struct task_struct *t)
{
	unsigned long *leaf;
	pid_t pid = t->pid;

	if (unlikely(pid == 0))
		return test_bit(task_cpu(t), m->idle) ? KLPX_PATCHED :
							KLPX_UNPATCHED;
	/* pairs with the smp_store_release() in klpx_umap_grow() */
	leaf = smp_load_acquire(&m->leaf[pid / KLPX_UMAP_LEAF_PIDS]);
	if (unlikely(!leaf))
		return m->start;
	return test_bit(pid % KLPX_UMAP_LEAF_PIDS, leaf) ? KLPX_PATCHED :
							   KLPX_UNPATCHED;
}

/*
 * The universe of current in the transition of @start_if_none, which is
 * what every task is in while no map exists; preemption disabled.
 */
static __always_inline enum klpx_universe
klpx_current_universe(enum klpx_universe start_if_none)
{
	struct klpx_universe_map *m = rcu_dereference_sched(klpx_umap);

	return unlikely(!m) ? start_if_none : klpx_umap_get(m, current);
}

struct klpx_universe_map *klpx_umap_alloc(enum klpx_universe start);
int klpx_umap_grow(struct klpx_universe_map *m);
void klpx_umap_free(struct klpx_universe_map *m);
bool klpx_umap_set(struct klpx_universe_map *m, struct task_struct *t,
		   enum klpx_universe to);
void klpx_umap_fill(struct klpx_universe_map *m, enum klpx_universe u);
size_t klpx_umap_bytes(struct klpx_universe_map *m);
int klpx_universe_follow_init(void);
void klpx_universe_follow_exit(void);

#endif /* _KLPX_UNIVERSE_H */
