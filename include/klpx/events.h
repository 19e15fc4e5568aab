/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * events.h - values the klp tracepoints record. Plain C, no kernel types:
 * klpx.ko, the BPF programs and klp-top include it, and so does every
 * patch module, through <klpx/livepatch.h> (enum klpx_universe is API).
 *
 * The universes, the reasons a stack check fails and the switch points are
 * each written once, here, as a list: X(NAME, value, word[, "file words"]).
 * Every user of a list passes its own X and LAST (LAST for the last entry,
 * where a table must not end with a comma), and gets from it:
 * - enum klpx_universe, enum klpx_check and enum klpx_how, with the values
 *   written here (they are what the tracepoints record: BPF programs and
 *   bpftrace compare them, so a value never changes; the BPF side tests a
 *   universe as a boolean, which kernel/universe.h asserts);
 * - the __print_symbolic() tables of the tracepoints (include/trace/
 *   events/klp.h): "word", what trace_pipe prints and bpftrace users read;
 * - klpx_check_name() (kernel/stack.c): "file words", what the reason
 *   column of /sys/kernel/debug/klpx/tasks says; klpx_universe_name()
 *   (kernel/universe.h): "word", what its universe column says;
 * - klp-top's names (tools/klp-top/names.c): "word", and "file words" to
 *   read the tasks file back when it starts mid-transition.
 * The words are what users and scripts see (docs/tracepoints.md,
 * docs/bpftrace.md, docs/klp-top.md): a new entry adds words, an old
 * one keeps its own.
 */
#ifndef _KLPX_EVENTS_H
#define _KLPX_EVENTS_H

/*
 * the two universes a task can be in during a transition (the "target",
 * "from" and "to" of the tracepoints, the tasks file's universe column)
 */
#define KLPX_UNIVERSES(X, LAST)						\
	X(UNPATCHED, 0, unpatched)	/* runs the code before the patch */ \
	LAST(PATCHED, 1, patched)	/* runs the patch's code */

/* why a task could not switch yet (klp_stack_check_fail "reason") */
#define KLPX_CHECK_FAILS(X, LAST)					\
	/* on another CPU: cannot be walked */				\
	X(RUNNING, 1, running, "running")				\
	/* the walk was not whole */					\
	X(UNRELIABLE, 2, unreliable_stack, "unreliable stack")		\
	/* code being replaced is on it */				\
	X(FUNC_ON_STACK, 3, function_on_stack, "function on stack")	\
	/* past exit_notify(), stack not yet freed */			\
	LAST(EXITING, 4, exiting, "exiting")

/* which switch point moved a task (klp_task_switch "how") */
#define KLPX_HOWS(X, LAST)						\
	X(STACK_CHECK, 0, stack_check)	/* walked while not running */	\
	X(IPI, 1, ipi)			/* running: checked itself in an IPI */ \
	X(SYSCALL_EXIT, 2, syscall_exit) /* returned to user space */	\
	X(SCHED_SWITCH, 3, sched_switch) /* checked itself when switched out */ \
	X(IDLE, 4, idle)		/* the idle loop */		\
	X(FORK, 5, fork)		/* took its parent's universe */ \
	LAST(FORCE, 6, force)		/* force was written */

#define KLPX_UNIVERSE_ENUM(name, value, word)	KLPX_##name = value,
#define KLPX_CHECK_ENUM(name, value, word, file)	KLPX_##name = value,
#define KLPX_HOW_ENUM(name, value, word)	KLPX_HOW_##name = value,
#define KLPX_COUNT_ONE(...)			+ 1

enum klpx_universe {
	KLPX_UNIVERSES(KLPX_UNIVERSE_ENUM, KLPX_UNIVERSE_ENUM)
};

enum klpx_check {
	KLPX_SWITCH_OK = 0,		/* not a reason: the task may switch */
	KLPX_CHECK_FAILS(KLPX_CHECK_ENUM, KLPX_CHECK_ENUM)
};

enum klpx_how {
	KLPX_HOWS(KLPX_HOW_ENUM, KLPX_HOW_ENUM)
};

/* how many of each: the values are 1..KLPX_NR_CHECK_FAILS, 0..KLPX_NR_HOWS-1 */
enum {
	KLPX_NR_CHECK_FAILS = 0 KLPX_CHECK_FAILS(KLPX_COUNT_ONE, KLPX_COUNT_ONE),
	KLPX_NR_HOWS = 0 KLPX_HOWS(KLPX_COUNT_ONE, KLPX_COUNT_ONE),
};

#endif /* _KLPX_EVENTS_H */
