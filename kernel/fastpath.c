// SPDX-License-Identifier: GPL-2.0
/*
 * fastpath.c - when the slot of a direct-call hook may be fast (slots.h).
 *
 * A slot is fast only while the slow path would give every caller the
 * same answer (patch.c): its hook's top func is not a nop and not in
 * transition, and nobody observes klp_func_redirect, which only the slow
 * path fires. Everything else makes a slot slow at once; only
 * klpx_hooks_refresh(), under klpx_mutex, makes one fast.
 *
 * Rules:
 * - klpx_redirect_observed is set by the tracepoint's regfunc before its
 *   static key is on, cleared by its unregfunc; klpx_hook_set_fast() and
 *   klpx_redirect_reg() each store, smp_mb(), then load the other's
 *   variable, so a slot is never left fast while a probe is on.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include "core.h"
#include "hooks.h"
#include "slots.h"
#include "fastpath.h"

static bool klpx_redirect_observed;

/*
 * Set when klpx unloads, under klpx_refresh_lock: the refresh work is not
 * queued after klpx_fastpath_exit() flushed it (the event is switched off
 * by the module notifier after klpx's exit ran, when tracefs enabled it:
 * that takes no reference on klpx).
 */
static bool klpx_fastpath_closing;
static DEFINE_SPINLOCK(klpx_refresh_lock);

/* Where the fast path of @hook may go, or NULL if it must stay slow. */
static const struct klpx_fast *klpx_hook_fast_target(struct klpx_hook *hook)
{
	struct klpx_func *top;

	top = list_first_entry_or_null(&hook->func_stack, struct klpx_func,
				       stack_node);
	if (!top || top->nop || top->transition)
		return NULL;
	return &top->fast;
}

/* @hook's slot goes to @fast->target, unless someone observes */
static void klpx_hook_set_fast(struct klpx_hook *hook,
			       const struct klpx_fast *fast)
{
	if (READ_ONCE(klpx_redirect_observed))
		return;
	klpx_slot_set_fast(hook->slot, fast);
	/* pairs with the smp_mb() in klpx_redirect_reg() */
	smp_mb();
	if (READ_ONCE(klpx_redirect_observed))
		klpx_slot_set_slow(hook->slot);
}

/*
 * Puts every hook on the path its stack allows: fast where no transition
 * touches it (and no one observes klp_func_redirect), else slow. Every
 * task answered by a fast slot gets what the slow path would give it.
 */
void klpx_hooks_refresh(void)
{
	const struct klpx_fast *to;
	struct klpx_hook *hook;

	lockdep_assert_held(&klpx_mutex);
	klpx_for_each_hook(hook) {
		/* ftrace never calls the slot of a hook that is not direct */
		if (!hook->direct)
			continue;
		to = klpx_hook_fast_target(hook);
		if (to)
			klpx_hook_set_fast(hook, to);
		else
			klpx_slot_set_slow(hook->slot);
	}
}

static void klpx_hooks_refresh_fn(struct work_struct *work)
{
	mutex_lock(&klpx_mutex);
	klpx_hooks_refresh();
	mutex_unlock(&klpx_mutex);
}
static DECLARE_WORK(klpx_hooks_refresh_work, klpx_hooks_refresh_fn);

/*
 * klp_func_redirect gets its first probe (tracepoints_mutex held, its
 * static key still off): every slot goes slow, so that from the moment
 * the probe is on every call fires it.
 */
int klpx_redirect_reg(void)
{
	WRITE_ONCE(klpx_redirect_observed, true);
	/* pairs with the smp_mb() in klpx_hook_set_fast() */
	smp_mb();
	klpx_slots_set_slow();
	return 0;
}

/* Its last probe goes: the slots that may be fast are, soon. */
void klpx_redirect_unreg(void)
{
	WRITE_ONCE(klpx_redirect_observed, false);
	spin_lock(&klpx_refresh_lock);
	if (!klpx_fastpath_closing)
		queue_work(system_unbound_wq, &klpx_hooks_refresh_work);
	spin_unlock(&klpx_refresh_lock);
}

/* klpx unloads, or its load failed: no refresh may run after */
void klpx_fastpath_exit(void)
{
	spin_lock(&klpx_refresh_lock);
	klpx_fastpath_closing = true;
	spin_unlock(&klpx_refresh_lock);
	flush_work(&klpx_hooks_refresh_work);
}
