// SPDX-License-Identifier: GPL-2.0
/*
 * blockers.c - the record of why tasks block a transition, which the
 * tasks file shows (debugfs.c).
 *
 * Blockers: one entry per task whose last check failed, keyed by pid (idle
 * tasks by KLPX_IDLE_KEY + cpu). Written only by the transition work and
 * read only by the state file, both under klpx_mutex; emptied when the
 * transition ends. A pid reused by a new task is told apart by start_time.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/slab.h>
#include <linux/xarray.h>
#include "core.h"
#include "blockers.h"

#define KLPX_IDLE_KEY	(1UL << 30)

static DEFINE_XARRAY(klpx_blockers);

static unsigned long klpx_task_key(struct task_struct *t)
{
	return t->pid ? t->pid : KLPX_IDLE_KEY + task_cpu(t);
}

/* From the transition work, under rcu_read_lock() and klpx_mutex. */
void klpx_blocker_note(struct task_struct *t, enum klpx_check why,
		       struct klpx_func *func)
{
	unsigned long key = klpx_task_key(t);
	struct klpx_blocker *b = xa_load(&klpx_blockers, key);

	if (!b || b->start_time != t->start_time) {
		if (!b) {
			b = kzalloc(sizeof(*b), GFP_ATOMIC);
			if (!b)
				return;
			if (xa_err(xa_store(&klpx_blockers, key, b, GFP_ATOMIC))) {
				kfree(b);
				return;
			}
		}
		memset(b, 0, sizeof(*b));
		b->start_time = t->start_time;
		b->since = jiffies;
	}
	b->why = why;
	b->func = func;
	b->fails++;
}

void klpx_blockers_clear(void)
{
	struct klpx_blocker *b;
	unsigned long key;

	xa_for_each(&klpx_blockers, key, b) {
		xa_erase(&klpx_blockers, key);
		kfree(b);
	}
}

/* The record of @t itself (not of an earlier task of its pid), or NULL. */
const struct klpx_blocker *klpx_blocker_find(struct task_struct *t)
{
	struct klpx_blocker *b = xa_load(&klpx_blockers, klpx_task_key(t));

	return b && b->start_time == t->start_time ? b : NULL;
}

unsigned long klpx_blockers_count(void)
{
	struct klpx_blocker *b;
	unsigned long idx, n = 0;

	xa_for_each(&klpx_blockers, idx, b)
		n++;
	return n;
}
