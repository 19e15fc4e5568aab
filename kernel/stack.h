/* SPDX-License-Identifier: GPL-2.0 */
/* stack.h - stack checks: may a task change universe? */
#ifndef _KLPX_STACK_H
#define _KLPX_STACK_H

#include <linux/sched.h>
#include <klpx/livepatch.h>
#include <klpx/events.h>

/* code that must not be on a stack to switch, and the func it belongs to */
struct klpx_range {
	unsigned long start, end;
	struct klpx_func *func;
};

/*
 * RCU-published while a transition runs; rebuilt when objects come and go
 * and on reversal. @to is the target these ranges were built for: a switch
 * point reads both from one pointer, so it never checks a task against
 * one target's ranges and moves it to the other.
 */
struct klpx_ranges {
	unsigned int gen;		/* of the transition (universe.h) */
	enum klpx_universe to;
	unsigned int nr;
	struct klpx_range r[];
};

enum klpx_check klpx_check_stack(struct task_struct *task,
				 const struct klpx_ranges *rs,
				 struct klpx_func **hit);
bool klpx_task_gone(struct task_struct *t);
const char *klpx_check_name(enum klpx_check c);

#endif /* _KLPX_STACK_H */
