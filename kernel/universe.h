/* SPDX-License-Identifier: GPL-2.0 */
/*
 * universe.h - which universe each task is in while a transition runs.
 *
 * klpx has no field in task_struct, so the universe map keeps one bit per
 * pid (1 = patched universe) for every pid the kernel can hand out
 * (PID_MAX_LIMIT: 512 KiB), so that pid_max may grow at any time, and one
 * bit per CPU for the idle tasks, which all have pid 0.
 *
 * A pid is not a task, so the bits follow tasks at the three places where
 * a task and its pid part or meet (docs/consistency-model.md):
 * - a new task (copy_process(), io_uring threads included) takes its
 *   parent's universe in the task_newtask probe, before it can run;
 * - exec from a thread that is not the leader swaps pids with the leader
 *   (exchange_tids()): a kprobe there swaps their bits;
 * - a task that has exited (exit_state set) is never moved: the bit of its
 *   pid is left to the exchange_tids() probe and to the next task of that
 *   pid; once its stack is gone it runs nothing and blocks nothing.
 *
 * Bits change with atomic bitops and no lock, from switch points; the map
 * pointer is published under klpx_mutex and read under RCU-sched
 * (preemption off), by klpx_mutex holders, or where RCU does not watch
 * (idle), which is why it is freed only after every CPU scheduled. @gen
 * names the transition the map belongs to: its ranges carry the same one.
 */
#ifndef _KLPX_UNIVERSE_H
#define _KLPX_UNIVERSE_H

#include <linux/sched.h>
#include <linux/threads.h>
#include <linux/rcupdate.h>
#include <klpx/livepatch.h>
#include <klpx/events.h>
#include "core.h"

struct klpx_universe_map {
	unsigned int gen;
	unsigned long *idle;		/* nr_cpu_ids bits */
	unsigned long *pids;		/* PID_MAX_LIMIT bits */
};

extern struct klpx_universe_map __rcu *klpx_umap;

static inline enum klpx_universe klpx_other_universe(enum klpx_universe u)
{
	return u == KLPX_PATCHED ? KLPX_UNPATCHED : KLPX_PATCHED;
}

/* klp-top's BPF programs test a universe as a boolean (!target) */
static_assert(KLPX_UNPATCHED == 0 && KLPX_PATCHED == 1);

#define KLPX_UNIVERSE_WORD(name, value, word)	[value] = #word,

/* what the tasks file calls @u ("?" for a value no universe has) */
static inline const char *klpx_universe_name(enum klpx_universe u)
{
	static const char *const words[] = {
		KLPX_UNIVERSES(KLPX_UNIVERSE_WORD, KLPX_UNIVERSE_WORD)
	};

	if (WARN_ON_ONCE((unsigned int)u >= ARRAY_SIZE(words)))
		return "?";
	return words[u];
}
#undef KLPX_UNIVERSE_WORD

/* The universe of @t in @m (which the caller keeps alive). */
static __always_inline enum klpx_universe
klpx_umap_get(struct klpx_universe_map *m, struct task_struct *t)
{
	if (unlikely(t->pid == 0))
		return test_bit(task_cpu(t), m->idle) ? KLPX_PATCHED :
							KLPX_UNPATCHED;
	return test_bit(t->pid, m->pids) ? KLPX_PATCHED : KLPX_UNPATCHED;
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

/* Is @t in @u? The caller holds klpx_mutex or has preemption off. */
static inline bool klpx_task_in_universe(struct task_struct *t,
					 enum klpx_universe u)
{
	struct klpx_universe_map *m;

	m = rcu_dereference_check(klpx_umap, lockdep_is_held(&klpx_mutex) ||
					     rcu_read_lock_sched_held());
	return !m || klpx_umap_get(m, t) == u;
}

bool klpx_task_move(struct task_struct *t, enum klpx_universe to,
		    enum klpx_how how);
void klpx_umap_publish(struct klpx_universe_map *m);
struct klpx_universe_map *klpx_umap_unpublish(void);
struct klpx_universe_map *klpx_umap_locked(void);
struct klpx_universe_map *klpx_umap_alloc(enum klpx_universe start,
					 unsigned int gen);
void klpx_umap_free(struct klpx_universe_map *m);
bool klpx_umap_set(struct klpx_universe_map *m, struct task_struct *t,
		   enum klpx_universe to);
void klpx_umap_fill(struct klpx_universe_map *m, enum klpx_universe u);
size_t klpx_umap_bytes(struct klpx_universe_map *m);
int klpx_universe_follow_init(void);
void klpx_universe_follow_exit(void);
bool klpx_universe_probes(unsigned long addr);

#endif /* _KLPX_UNIVERSE_H */
