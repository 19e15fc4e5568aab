/* SPDX-License-Identifier: GPL-2.0 */
/*
 * transition.h - the per-task consistency model, as the rest of klpx sees it.
 *
 * While a patch is in transition, every task is in one of two universes
 * (enum klpx_universe), kept in the universe map (universe.[ch]). The map
 * exists only while a transition runs; the slow path reads it locklessly,
 * and only for funcs whose ->transition is set. Without a map every task
 * is in the start universe, the other one than klpx_target.
 *
 * Ordering: klpx_transition_init() sets klpx_target, smp_wmb(), then
 * func->transition; klpx_transition_start() publishes the map, filled
 * with the start universe, once every func is on its stack. The slow path
 * reads func->transition, smp_rmb(), then the map (klpx_stack_answer()).
 */
#ifndef _KLPX_TRANSITION_H
#define _KLPX_TRANSITION_H

#include <linux/sched.h>
#include <linux/rcupdate.h>
#include <klpx/livepatch.h>
#include <klpx/events.h>
#include "core.h"
#include "universe.h"
#include "stack.h"

extern struct klpx_patch *klpx_transition_patch;
extern enum klpx_universe klpx_target;
struct klpx_ranges;
extern struct klpx_ranges __rcu *klpx_ranges_cur;

/*
 * @t needs nothing more from the transition to @u: it is in @u, or it has
 * exited for good (never moved: universe.h, klpx_task_gone() in stack.c).
 * The caller holds klpx_mutex or has preemption off.
 */
static inline bool klpx_task_done(struct task_struct *t, enum klpx_universe u)
{
	return klpx_task_in_universe(t, u) || klpx_task_gone(t);
}

int klpx_transition_init(struct klpx_patch *patch, enum klpx_universe target);
void klpx_transition_start(void);
void klpx_transition_cancel(void);
void klpx_transition_reverse(void);
void klpx_transition_force(void);
int klpx_transition_wq_init(void);
void klpx_transition_exit(void);
void klpx_transition_poke(void);
void klpx_ranges_update(void);
bool klpx_self_check_and_move(enum klpx_how how);

#endif /* _KLPX_TRANSITION_H */
