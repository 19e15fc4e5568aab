// SPDX-License-Identifier: GPL-2.0
/*
 * patch.c - func stacks, and where each call of a patched function goes.
 *
 * Every old function that some patch replaces has one hook (hooks.h): an
 * ftrace direct call to a call slot (slots.h), and its func stack, the
 * klpx_funcs of all patches that replace it, newest first. A call goes to
 * the first func of the stack, or, while that func is in transition and
 * the calling task is still in the unpatched universe, to the next one
 * (or to the original code when there is none).
 *
 * Two paths give that answer:
 * - slow: the slot asks klpx_slow_target(), which reads the stack, the
 *   top func's ->transition and, when set, the caller's universe, and
 *   fires klp_func_redirect;
 * - fast: the slot jumps straight to the top func's new code. A hook is
 *   fast only while the slow path would give every task that answer: its
 *   top func is not a nop and not in transition, and klp_func_redirect
 *   has no probe (fastpath.c).
 * A hook goes slow before anything changes what the slow path answers:
 * before a func goes on or leaves the top of its stack (klpx_hook_get(),
 * klpx_unpatch_func()) and before the universe map of a transition that
 * touches it is published (klpx_transition_start()); it goes fast again
 * only from klpx_hooks_refresh() (fastpath.c), under klpx_mutex, when the
 * transition has completed or was cancelled.
 * A hook made while the parameter direct_calls is 0 is an IPMODIFY
 * ftrace_ops instead (hooks.c): its handler, klpx_hook_handler(), always
 * takes the slow path's choice, and its slot is never called.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/ftrace.h>
#include <linux/slab.h>
#include <linux/rculist.h>
#include "core.h"
#include "transition.h"
#include "hooks.h"
#include "slots.h"
#include "calls.h"
#include "trace.h"
#include "universe.h"
#include "patch.h"

/*
 * The func whose code a call by current answers, NULL for the original
 * code; *@topp is the top func, NULL when the stack is empty. Preemption
 * off.
 */
static __always_inline struct klpx_func *
klpx_stack_answer(struct klpx_hook *hook, struct klpx_func **topp)
{
	struct klpx_func *func;

	func = list_first_or_null_rcu(&hook->func_stack, struct klpx_func,
				      stack_node);
	*topp = func;
	if (unlikely(!func))
		return NULL;
	/*
	 * Read the func stack before func->transition: pairs with the
	 * smp_wmb() in klpx_transition_init() (a func added to the stack
	 * already has ->transition set when this can see it).
	 */
	smp_rmb();
	if (unlikely(READ_ONCE(func->transition))) {
		/*
		 * Read ->transition before the universe map: pairs with the
		 * release in klpx_transition_start() that publishes the map.
		 */
		smp_rmb();
		if (klpx_current_universe(klpx_other_universe(
				READ_ONCE(klpx_target))) == KLPX_UNPATCHED) {
			func = list_entry_rcu(func->stack_node.next,
					      struct klpx_func, stack_node);
			if (&func->stack_node == &hook->func_stack)
				return NULL;
		}
	}
	return func;
}

/*
 * Fire klp_func_redirect for a call of @top's function that went to @func
 * (@to_new: to new code), while ftrace's recursion guard allows: a call
 * made from inside the event's probes (a BPF program that calls a patched
 * function) is traced one level deep, not deeper. Not where RCU does not
 * watch (idle entry): the probes must not run there, and a module has no
 * _rcuidle() tracepoints. Only while someone probes the event: the guard
 * is not taken on an untraced call.
 */
static __always_inline void klpx_trace_redirect(struct klpx_func *top,
						struct klpx_func *func,
						bool to_new, unsigned long ip,
						unsigned long parent_ip)
{
	int bit;

	if (!rcu_is_watching())
		return;
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0)
		return;
	trace_klp_func_redirect(top, func, to_new);
	ftrace_test_recursion_unlock(bit);
}

/*
 * Where a call of @hook's function by current goes: the new code's address,
 * or 0 for the original code; counted, and traced while someone probes
 * klp_func_redirect and klpx_trace_redirect() allows (@ip, @parent_ip: the
 * call's fentry site and caller). A call from inside the event's probes
 * gets the same answer as any other (the fast path, which traces nothing,
 * would give it too). Preemption off.
 */
static __always_inline unsigned long klpx_hook_target(struct klpx_hook *hook,
						      unsigned long ip,
						      unsigned long parent_ip)
{
	unsigned long to = 0;
	struct klpx_func *func, *top;

	if (unlikely(!hook))
		return 0;
	func = klpx_stack_answer(hook, &top);
	if (unlikely(!top))
		return 0;
	if (func && !func->nop)
		to = (unsigned long)func->new_func;
	klpx_calls_count(top, to != 0);
	if (trace_klp_func_redirect_enabled())
		klpx_trace_redirect(top, func, to != 0, ip, parent_ip);
	return to;
}

/**
 * klpx_slow_target() - where a call through a slow slot goes
 * @slot:	the slot the call came through
 * @ret_ip:	the return address of the old function's fentry call
 *
 * Called by klpx_slow_common (slots_64.S) with the old function's
 * arguments saved. Returns the address the call continues at, or 0 for
 * the original code.
 */
unsigned long notrace klpx_slow_target(unsigned int slot, unsigned long ret_ip)
{
	unsigned long to;

	/* the func stack is read with preemption off */
	preempt_disable_notrace();
	to = klpx_hook_target(klpx_slot_hook(slot), ret_ip - MCOUNT_INSN_SIZE,
			      ret_ip);
	preempt_enable_notrace();
	return to;
}

/**
 * klpx_hook_handler() - the ftrace_ops handler of a hook that is not direct
 *
 * ftrace calls it at the old function's entry with the registers saved
 * (FTRACE_OPS_FL_SAVE_REGS); it makes the call continue where the slow
 * slot would send it. Like the slow slot, it never changes the answer for
 * recursion: a task inside it runs (preemption is off), and one stopped
 * in ftrace's trampoline after it has the old function on its stack.
 * (When ftrace's list function calls it, because another ftrace user
 * shares the function, ftrace's own recursion guard may not call it at
 * all: docs/consistency-model.md, "Fast and slow path".)
 */
void notrace klpx_hook_handler(unsigned long ip, unsigned long parent_ip,
			      struct ftrace_ops *fops,
			      struct ftrace_regs *fregs)
{
	struct klpx_hook *hook = container_of(fops, struct klpx_hook, fops);
	unsigned long to;

	preempt_disable_notrace();
	to = klpx_hook_target(hook, ip, parent_ip);
	preempt_enable_notrace();
	if (to)
		ftrace_instruction_pointer_set(fregs, to);
}

/**
 * klpx_redirect_expected() - where a call of @old_func by current goes now
 * @old_func:	a function some patch replaces
 *
 * For tests and tools that check the answers of patched functions: the
 * code the slow path would send current to, as klpx_slow_target() decides
 * it, or NULL for the original code (also when no patch replaces
 * @old_func). Call with interrupts off, and call @old_func before turning
 * them on, to compare: current cannot change universe in between.
 */
void *klpx_redirect_expected(void *old_func)
{
	struct klpx_func *func, *top;
	struct klpx_hook *hook;
	void *to = NULL;

	preempt_disable_notrace();
	hook = klpx_hook_lookup_rcu((unsigned long)old_func);
	if (!hook)
		goto out;
	func = klpx_stack_answer(hook, &top);
	if (func && !func->nop)
		to = func->new_func;
out:
	preempt_enable_notrace();
	return to;
}
EXPORT_SYMBOL_GPL(klpx_redirect_expected);

/*
 * Waits until no klpx_slow_target() runs with a view of the func stacks
 * older than the caller's. It runs with preemption disabled, but may run
 * where RCU is not watching (idle entry), so a plain synchronize_rcu() is
 * not enough: every CPU is made to schedule.
 */
void klpx_sync_handlers(void)
{
	synchronize_rcu_tasks_rude();
}

static int klpx_patch_func(struct klpx_func *func)
{
	struct klpx_hook *hook;
	int ret;

	if (WARN_ON(func->patched || !func->old_func))
		return -EINVAL;

	ret = klpx_hook_get(func, &hook);
	if (ret)
		return ret;
	func->patched = true;
	return 0;
}

/*
 * Takes @func off its stack (slow first if it is the top). A hook left
 * with an empty stack is released in the background (hooks.c): the caller
 * does not wait for ftrace.
 */
void klpx_unpatch_func(struct klpx_func *func)
{
	struct klpx_hook *hook = klpx_hook_find((unsigned long)func->old_func);

	if (WARN_ON(!func->patched || !hook))
		return;

	if (list_first_entry(&hook->func_stack, struct klpx_func,
			     stack_node) == func)
		klpx_slot_set_slow(hook->slot);
	list_del_rcu(&func->stack_node);
	if (list_empty(&hook->func_stack))
		klpx_hook_put(hook, func->obj->patch->mod);
	func->patched = false;
}

/* The func below @func on its stack, or NULL for the original code. */
struct klpx_func *klpx_func_below(struct klpx_func *func)
{
	struct klpx_hook *hook;

	if (!func->patched)
		return NULL;
	hook = klpx_hook_find((unsigned long)func->old_func);
	if (!hook || list_is_last(&func->stack_node, &hook->func_stack))
		return NULL;
	return list_next_entry(func, stack_node);
}

void klpx_unpatch_object(struct klpx_object *obj)
{
	struct klpx_func *func;

	klpx_for_each_func(obj, func)
		if (func->patched)
			klpx_unpatch_func(func);
	if (obj->patched)
		trace_klp_object_unpatched(obj->patch, obj);
	obj->patched = false;
}

/* Puts every func of a loaded object on its func stack, or none. */
int klpx_patch_object(struct klpx_object *obj)
{
	struct klpx_func *func;
	int ret;

	if (WARN_ON(obj->patched || !klpx_object_loaded(obj)))
		return -EINVAL;

	klpx_for_each_func(obj, func) {
		ret = klpx_patch_func(func);
		if (ret) {
			klpx_unpatch_object(obj);
			return ret;
		}
	}
	obj->patched = true;
	trace_klp_object_patched(obj->patch, obj);
	return 0;
}

void klpx_unpatch_objects(struct klpx_patch *patch)
{
	struct klpx_object *obj;

	klpx_for_each_object(patch, obj)
		if (obj->patched)
			klpx_unpatch_object(obj);
}
