/* SPDX-License-Identifier: GPL-2.0 */
/* blockers.h - why tasks block a transition (blockers.c) */
#ifndef _KLPX_BLOCKERS_H
#define _KLPX_BLOCKERS_H

#include <linux/sched.h>
#include <klpx/events.h>

struct klpx_func;

struct klpx_blocker {
	u64 start_time;		/* of the task, to tell reused pids apart */
	enum klpx_check why;
	struct klpx_func *func;	/* on the stack, for KLPX_FUNC_ON_STACK */
	unsigned int fails;
	unsigned long since;	/* jiffies of the first failed check */
};

void klpx_blocker_note(struct task_struct *t, enum klpx_check why,
		       struct klpx_func *func);
void klpx_blockers_clear(void);
const struct klpx_blocker *klpx_blocker_find(struct task_struct *t);
unsigned long klpx_blockers_count(void);

#endif /* _KLPX_BLOCKERS_H */
