// SPDX-License-Identifier: GPL-2.0
/*
 * slots.c - owning call slots and choosing their path (see slots.h).
 *
 * Rules:
 * - klpx_slot_used and klpx_slot_owner change under klpx_slot_lock: a
 *   slot is taken under klpx_mutex (hooks.c) and given back by the
 *   release worker, which does not hold it. A slot is given back only
 *   once ftrace no longer calls it and an RCU-tasks grace period has
 *   passed since (unregister_ftrace_direct() waits for one when the
 *   slot's address loses its last user), so no task is inside it.
 * - klpx_slot_owner[i] is read locklessly by klpx_slow_target() and
 *   klpx_hook_lookup_rcu(), with preemption off; the hook it points to is
 *   freed an RCU grace period after the slot is given back.
 * - klpx_slot_fast[i] is read once per call by the slot, with no lock.
 *   It is made non-NULL only by klpx_slot_set_fast() under klpx_mutex,
 *   and only for a hook whose top func is not in transition and while
 *   klp_func_redirect has no probe (klpx_redirect_observed); anything may
 *   zero it. A call that read a target before it was zeroed goes there:
 *   its stack holds the old function's entry return address until it has
 *   (see slots.h), which no transition on that function lets switch.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/bitmap.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include "core.h"
#include "hooks.h"
#include "slots.h"

static_assert(offsetof(struct klpx_fast, target) == KLPX_FAST_TARGET);
static_assert(offsetof(struct klpx_fast, count) == KLPX_FAST_COUNT);

const struct klpx_fast *klpx_slot_fast[KLPX_NR_SLOTS] __aligned(64);
static struct klpx_ops *klpx_slot_owner[KLPX_NR_SLOTS];
static DECLARE_BITMAP(klpx_slot_used, KLPX_NR_SLOTS);
static DEFINE_SPINLOCK(klpx_slot_lock);

/*
 * klp_func_redirect has a probe: every call must fire it, so no slot is
 * fast. Set by the tracepoint's regfunc before its static key is on;
 * paired with klpx_slot_set_fast() (both sides: store, smp_mb(), load).
 */
static bool klpx_redirect_observed;

static void klpx_slots_refresh_fn(struct work_struct *work)
{
	mutex_lock(&klpx_mutex);
	klpx_hooks_refresh();
	mutex_unlock(&klpx_mutex);
}
static DECLARE_WORK(klpx_slots_refresh_work, klpx_slots_refresh_fn);

int klpx_slots_init(void)
{
	if (klpx_slots_end - klpx_slots != KLPX_NR_SLOTS * KLPX_SLOT_SIZE) {
		pr_err("call slots are %ld bytes, not %d: cannot load\n",
		       (long)(klpx_slots_end - klpx_slots),
		       KLPX_NR_SLOTS * KLPX_SLOT_SIZE);
		return -ENOEXEC;
	}
	return 0;
}

/* A free slot for @ops, slow; -ENOSPC when all are taken. */
int klpx_slot_alloc(struct klpx_ops *ops)
{
	unsigned int slot;

	spin_lock(&klpx_slot_lock);
	slot = find_first_zero_bit(klpx_slot_used, KLPX_NR_SLOTS);
	if (slot < KLPX_NR_SLOTS) {
		__set_bit(slot, klpx_slot_used);
		WRITE_ONCE(klpx_slot_fast[slot], NULL);
		WRITE_ONCE(klpx_slot_owner[slot], ops);
	}
	spin_unlock(&klpx_slot_lock);
	return slot < KLPX_NR_SLOTS ? slot : -ENOSPC;
}

/* No task can be in @slot any more, and ftrace does not call it. */
void klpx_slot_free(unsigned int slot)
{
	spin_lock(&klpx_slot_lock);
	WRITE_ONCE(klpx_slot_fast[slot], NULL);
	WRITE_ONCE(klpx_slot_owner[slot], NULL);
	__clear_bit(slot, klpx_slot_used);
	spin_unlock(&klpx_slot_lock);
}

/* The hook of @old_addr, with preemption off (or RCU); NULL if none. */
struct klpx_ops *klpx_hook_lookup_rcu(unsigned long old_addr)
{
	struct klpx_ops *ops;
	unsigned int slot;

	for (slot = 0; slot < KLPX_NR_SLOTS; slot++) {
		ops = READ_ONCE(klpx_slot_owner[slot]);
		if (ops && ops->old_addr == old_addr)
			return ops;
	}
	return NULL;
}

/* The hook that owns @slot; preemption off. */
notrace struct klpx_ops *klpx_slot_ops(unsigned int slot)
{
	if (unlikely(slot >= KLPX_NR_SLOTS))
		return NULL;
	return READ_ONCE(klpx_slot_owner[slot]);
}

void klpx_slot_set_slow(unsigned int slot)
{
	WRITE_ONCE(klpx_slot_fast[slot], NULL);
}

bool klpx_slot_is_fast(unsigned int slot)
{
	return READ_ONCE(klpx_slot_fast[slot]) != NULL;
}

/*
 * Calls through @slot go straight to @fast->target and count in
 * @fast->count, unless someone observes. @fast is the top func's: it
 * outlives every call that read it (the func leaves its stack only in a
 * transition, which a task inside the slot holds up, see slots.h; a
 * forced one keeps the func's module and counts, see calls.h).
 */
void klpx_slot_set_fast(unsigned int slot, const struct klpx_fast *fast)
{
	lockdep_assert_held(&klpx_mutex);
	if (READ_ONCE(klpx_redirect_observed))
		return;
	WRITE_ONCE(klpx_slot_fast[slot], fast);
	/* pairs with the smp_mb() in klpx_redirect_reg() */
	smp_mb();
	if (READ_ONCE(klpx_redirect_observed))
		WRITE_ONCE(klpx_slot_fast[slot], NULL);
}

/*
 * klp_func_redirect gets its first probe (tracepoints_mutex held, its
 * static key still off): every slot goes slow, so that from the moment
 * the probe is on every call fires it.
 */
int klpx_redirect_reg(void)
{
	unsigned int slot;

	WRITE_ONCE(klpx_redirect_observed, true);
	/* pairs with the smp_mb() in klpx_slot_set_fast() */
	smp_mb();
	for (slot = 0; slot < KLPX_NR_SLOTS; slot++)
		WRITE_ONCE(klpx_slot_fast[slot], NULL);
	return 0;
}

/* Its last probe goes: the slots that may be fast are, soon. */
void klpx_redirect_unreg(void)
{
	WRITE_ONCE(klpx_redirect_observed, false);
	queue_work(system_unbound_wq, &klpx_slots_refresh_work);
}

/* klpx unloads: every slot was given back (klpx_hooks_exit()). */
void klpx_slots_exit(void)
{
	flush_work(&klpx_slots_refresh_work);
	WARN_ON(!bitmap_empty(klpx_slot_used, KLPX_NR_SLOTS));
}
