// SPDX-License-Identifier: GPL-2.0
/*
 * patch.c - ftrace ops and func stacks: how calls reach the new code.
 *
 * Every old function that some patch replaces has one klpx_ops (hooks.h):
 * one ftrace_ops with IPMODIFY on that function, and its func stack, the
 * klpx_funcs of all patches that replace it, newest first. The handler
 * sends the call to the first func of the stack, or, while that func is in
 * transition and the calling task is still in the unpatched universe, to
 * the next one (or to the original code when there is none).
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/ftrace.h>
#include <linux/slab.h>
#include <linux/rculist.h>
#include "klpx.h"
#include "transition.h"
#include "hooks.h"
#include "trace.h"

static void notrace klpx_ftrace_handler(unsigned long ip,
					unsigned long parent_ip,
					struct ftrace_ops *fops,
					struct ftrace_regs *fregs)
{
	struct klpx_ops *ops = container_of(fops, struct klpx_ops, fops);
	struct klpx_func *func, *top;
	int bit;

	/* also disables preemption: the func stack is read under it */
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0)
		return;

	func = list_first_or_null_rcu(&ops->func_stack, struct klpx_func,
				      stack_node);
	if (unlikely(!func))
		goto unlock;
	top = func;

	/*
	 * Read the func stack before func->transition: pairs with the
	 * smp_wmb() in klpx_transition_init() (a func added to the stack
	 * already has ->transition set when the handler can see it).
	 */
	smp_rmb();
	if (unlikely(READ_ONCE(func->transition))) {
		/*
		 * Read ->transition before the universe map: pairs with the
		 * smp_wmb() in klpx_transition_init() that publishes the map
		 * before any ->transition is set.
		 */
		smp_rmb();
		if (klpx_current_universe() == KLPX_UNPATCHED) {
			func = list_entry_rcu(func->stack_node.next,
					      struct klpx_func, stack_node);
			if (&func->stack_node == &ops->func_stack) {
				trace_klp_func_redirect(top, NULL, false);
				goto unlock;
			}
		}
	}

	if (func->nop) {
		trace_klp_func_redirect(top, func, false);
		goto unlock;
	}
	trace_klp_func_redirect(top, func, true);
	ftrace_instruction_pointer_set(fregs, (unsigned long)func->new_func);
unlock:
	ftrace_test_recursion_unlock(bit);
}

/*
 * Waits until no handler runs with a view of the func stacks older than
 * the caller's. Handlers run with preemption disabled, but may run where
 * RCU is not watching (idle entry), so a plain synchronize_rcu() is not
 * enough: every CPU is made to schedule.
 */
void klpx_sync_handlers(void)
{
	synchronize_rcu_tasks_rude();
}

static int klpx_patch_func(struct klpx_func *func)
{
	struct klpx_ops *ops;
	int ret;

	if (WARN_ON(func->patched || !func->old_func))
		return -EINVAL;

	ret = klpx_hook_get(func, klpx_ftrace_handler, &ops);
	if (ret)
		return ret;
	func->patched = true;
	return 0;
}

/*
 * Takes @func off its stack. A hook left with an empty stack is released
 * in the background (hooks.c): the caller does not wait for ftrace.
 */
void klpx_unpatch_func(struct klpx_func *func)
{
	struct klpx_ops *ops = klpx_hook_find((unsigned long)func->old_func);

	if (WARN_ON(!func->patched || !ops))
		return;

	list_del_rcu(&func->stack_node);
	if (list_empty(&ops->func_stack))
		klpx_hook_put(ops);
	func->patched = false;
}

/* The func below @func on its stack, or NULL for the original code. */
struct klpx_func *klpx_func_below(struct klpx_func *func)
{
	struct klpx_ops *ops;

	if (!func->patched)
		return NULL;
	ops = klpx_hook_find((unsigned long)func->old_func);
	if (!ops || list_is_last(&func->stack_node, &ops->func_stack))
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
