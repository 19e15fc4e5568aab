// SPDX-License-Identifier: GPL-2.0
/*
 * stack.c - is it safe to move a task to the other universe?
 *
 * A task may switch when its stack holds none of the code the transition
 * replaces and the walk of its stack is whole. On 6.1 a "reliable" walk
 * can end early with success (retpoline thunks and return_to_handler are
 * marked as the end of a stack), so a walk counts only if it ended at the
 * task's own user-mode registers, or at ret_from_fork for a kthread or an
 * io_uring thread (PF_IO_WORKER: started by ret_from_fork like a kthread,
 * it never returns to user space).
 *
 * A task that has exited and scheduled for the last time (a zombie, or
 * TASK_DEAD) has given its stack back, or soon will: the walk holds a
 * reference on the stack, and a task without one has nothing on it.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/sched/task_stack.h>
#include <asm/unwind.h>
#include "core.h"
#include "symbols.h"
#include "transition.h"
#include "stack.h"

static bool klpx_in_range(const struct klpx_range *r, unsigned long addr)
{
	return addr >= r->start && addr < r->end;
}

static const struct klpx_range *
klpx_ranges_hit(const struct klpx_ranges *rs, unsigned long addr)
{
	unsigned int i;

	for (i = 0; i < rs->nr; i++)
		if (klpx_in_range(&rs->r[i], addr))
			return &rs->r[i];
	return NULL;
}

static bool klpx_ends_at_fork(unsigned long addr)
{
	return addr >= klpx_ret_from_fork &&
	       addr < klpx_ret_from_fork + klpx_ret_from_fork_size;
}

static enum klpx_check klpx_walk_stack(struct task_struct *task,
				       const struct klpx_ranges *rs,
				       struct klpx_func **hit)
{
	struct unwind_state state;
	const struct klpx_range *r;
	unsigned long addr = 0;
	struct pt_regs *regs;

	for (unwind_start(&state, task, NULL, NULL);
	     !unwind_done(&state) && !unwind_error(&state);
	     unwind_next_frame(&state)) {
		regs = unwind_get_entry_regs(&state, NULL);
		if (regs && user_mode(regs))
			return regs == task_pt_regs(task) ? KLPX_SWITCH_OK :
							     KLPX_UNRELIABLE;
		addr = unwind_get_return_address(&state);
		if (!addr)
			return KLPX_UNRELIABLE;
		r = klpx_ranges_hit(rs, addr);
		if (r) {
			*hit = r->func;
			return KLPX_FUNC_ON_STACK;
		}
	}
	if (unwind_error(&state))
		return KLPX_UNRELIABLE;
	/* the walk ended without user registers: a kthread's or idle's base */
	if ((task->flags & (PF_KTHREAD | PF_IO_WORKER)) &&
	    klpx_ends_at_fork(addr))
		return KLPX_SWITCH_OK;
	if (is_idle_task(task))
		return KLPX_SWITCH_OK;
	return KLPX_UNRELIABLE;
}

/**
 * klpx_check_stack() - walk @task's stack against the ranges of @rs
 * @task:	current, or a task that cannot run (under task_call_func)
 * @rs:		code ranges that must not be on the stack
 * @hit:	set to the func found on the stack (reason KLPX_FUNC_ON_STACK)
 *
 * Returns KLPX_SWITCH_OK or the reason the task must wait.
 */
enum klpx_check klpx_check_stack(struct task_struct *task,
				 const struct klpx_ranges *rs,
				 struct klpx_func **hit)
{
	enum klpx_check ret;

	if (!try_get_task_stack(task))
		return KLPX_SWITCH_OK;	/* exited: nothing can be on it */
	ret = klpx_walk_stack(task, rs, hit);
	klpx_put_task_stack(task);
	return ret;
}

/*
 * Has @t exited for good: past exit_notify() and with its stack given back
 * (it scheduled for the last time)? It then runs nothing again. The caller
 * keeps @t alive (RCU or tasklist_lock).
 */
bool klpx_task_gone(struct task_struct *t)
{
	if (!READ_ONCE(t->exit_state))
		return false;
	if (!try_get_task_stack(t))
		return true;
	klpx_put_task_stack(t);
	return false;
}

/* The reason column of the tasks file: the list's "file words" (events.h). */
const char *klpx_check_name(enum klpx_check c)
{
#define KLPX_CHECK_CASE(name, value, word, file)	\
	case KLPX_##name: return file;
	switch (c) {
	case KLPX_SWITCH_OK:
		return "ok";
	KLPX_CHECK_FAILS(KLPX_CHECK_CASE, KLPX_CHECK_CASE)
	}
#undef KLPX_CHECK_CASE
	return "?";
}
