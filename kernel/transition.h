/* SPDX-License-Identifier: GPL-2.0 */
/*
 * transition.h - the per-task consistency model, as the rest of klpx sees it.
 *
 * While a patch is in transition, every task is in one of two universes
 * (enum klpx_universe). klpx has no field in task_struct, so it keeps a
 * universe map of its own: one bit per pid (1 = patched universe) and one
 * per CPU for the idle tasks, which all have pid 0. The map exists only
 * while a transition runs; the slow path reads it locklessly, and only for
 * funcs whose ->transition is set. Without a map every task is in the
 * start universe (!klpx_target).
 *
 * Ordering: klpx_transition_init() sets klpx_target, smp_wmb(), then
 * func->transition; klpx_transition_start() publishes the map, filled
 * with the start universe, once every func is on its stack. The slow path
 * reads func->transition, smp_rmb(), then the map (klpx_slow_target()).
 */
#ifndef _KLPX_TRANSITION_H
#define _KLPX_TRANSITION_H

#include <linux/sched.h>
#include <linux/rcupdate.h>
#include <klpx/livepatch.h>
#include <klpx/events.h>

struct klpx_universe_map {
	unsigned int nr_pids;	/* bits in @pids: pid_max when it started */
	unsigned long *idle;	/* nr_cpu_ids bits, for the idle tasks */
	unsigned long pids[];
};

extern struct klpx_universe_map __rcu *klpx_umap;
extern struct klpx_patch *klpx_transition_patch;
extern enum klpx_universe klpx_target;
extern atomic_t klpx_late_forks;
struct klpx_ranges;
extern struct klpx_ranges __rcu *klpx_ranges_cur;

static __always_inline bool klpx_umap_test(struct klpx_universe_map *m,
					   struct task_struct *t)
{
	if (unlikely(t->pid == 0))
		return test_bit(task_cpu(t), m->idle);
	if (unlikely(t->pid >= m->nr_pids))
		return !klpx_target;	/* untracked: stays where it started */
	return test_bit(t->pid, m->pids);
}

/* The universe of current; called with preemption disabled. */
static __always_inline enum klpx_universe klpx_current_universe(void)
{
	struct klpx_universe_map *m = rcu_dereference_sched(klpx_umap);

	if (unlikely(!m))
		return !klpx_target;
	return klpx_umap_test(m, current) ? KLPX_PATCHED : KLPX_UNPATCHED;
}

/* Is @t in @u? Caller holds klpx_mutex or has preemption off. */
static inline bool klpx_task_in_universe(struct task_struct *t,
					 enum klpx_universe u)
{
	struct klpx_universe_map *m = rcu_dereference_raw(klpx_umap);

	return !m || klpx_umap_test(m, t) == (u == KLPX_PATCHED);
}

int klpx_transition_init(struct klpx_patch *patch, enum klpx_universe target);
void klpx_transition_start(void);
void klpx_transition_cancel(void);
void klpx_transition_reverse(void);
void klpx_transition_force(void);
int klpx_transition_sysfs_init(void);
void klpx_transition_exit(void);
void klpx_transition_poke(void);
void klpx_ranges_update(void);
bool klpx_task_move(struct task_struct *t, enum klpx_universe to,
		    enum klpx_how how);
bool klpx_self_check_and_move(enum klpx_how how);

#endif /* _KLPX_TRANSITION_H */
