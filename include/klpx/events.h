/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * events.h - values the klp tracepoints record. Plain C, no kernel types:
 * klpx.ko, the BPF programs and klp-top all include it.
 */
#ifndef _KLPX_EVENTS_H
#define _KLPX_EVENTS_H

/* why a task could not switch yet (klp_stack_check_fail "reason") */
enum klpx_check {
	KLPX_SWITCH_OK = 0,
	KLPX_RUNNING = 1,		/* on another CPU: cannot be walked */
	KLPX_UNRELIABLE = 2,		/* the walk was not whole */
	KLPX_FUNC_ON_STACK = 3,		/* code being replaced is on it */
	KLPX_EXITING = 4,		/* past exit_notify(), stack not yet freed */
};

/* which switch point moved a task (klp_task_switch "how") */
enum klpx_how {
	KLPX_HOW_STACK_CHECK = 0,	/* walked while not running */
	KLPX_HOW_IPI = 1,		/* running: checked itself in an IPI */
	KLPX_HOW_SYSCALL_EXIT = 2,	/* returned to user space */
	KLPX_HOW_SCHED_SWITCH = 3,	/* checked itself when switched out */
	KLPX_HOW_IDLE = 4,		/* the idle loop */
	KLPX_HOW_FORK = 5,		/* took its parent's universe */
	KLPX_HOW_FORCE = 6,		/* force was written */
};

#endif /* _KLPX_EVENTS_H */
