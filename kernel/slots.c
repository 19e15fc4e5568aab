// SPDX-License-Identifier: GPL-2.0
/*
 * slots.c - owning call slots and setting their path (see slots.h); when
 * a slot may be fast is fastpath.c's to decide.
 *
 * Rules:
 * - klpx_slot_used and klpx_slot_owner change under klpx_slot_lock: a
 *   slot is taken under klpx_mutex or, for the anchor, klpx_anchor_lock
 *   (hooks.c), and given back by the release worker, which holds neither,
 *   or by the failed registration that took it. A slot is given back only
 *   once ftrace no longer calls it and an RCU-tasks grace period has
 *   passed since (unregister_ftrace_direct() waits for one when the
 *   slot's address loses its last user), so no task is inside it.
 * - klpx_slot_owner[i] is read locklessly by klpx_slow_target() and
 *   klpx_hook_lookup_rcu(), with preemption off; the hook it points to is
 *   freed an RCU grace period after the slot is given back.
 * - klpx_slot_fast[i] is read once per call by the slot, with no lock.
 *   It is made non-NULL only by klpx_slot_set_fast(), under klpx_mutex,
 *   as fastpath.c decides; anything may zero it. A call that read a
 *   target before it was zeroed goes there: its stack holds the old
 *   function's entry return address until it has (see slots.h), which no
 *   transition on that function lets switch.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/bitmap.h>
#include <linux/spinlock.h>
#include "core.h"
#include "hooks.h"
#include "slots.h"

static_assert(offsetof(struct klpx_fast, target) == KLPX_FAST_TARGET);
static_assert(offsetof(struct klpx_fast, count) == KLPX_FAST_COUNT);

const struct klpx_fast *klpx_slot_fast[KLPX_NR_SLOTS] __aligned(64);
struct klpx_hook *klpx_slot_owner[KLPX_NR_SLOTS];
static DECLARE_BITMAP(klpx_slot_used, KLPX_NR_SLOTS);
static DEFINE_SPINLOCK(klpx_slot_lock);

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

/* A free slot for @hook, slow; -ENOSPC when all are taken. */
int klpx_slot_alloc(struct klpx_hook *hook)
{
	unsigned int slot;

	spin_lock(&klpx_slot_lock);
	slot = find_first_zero_bit(klpx_slot_used, KLPX_NR_SLOTS);
	if (slot < KLPX_NR_SLOTS) {
		__set_bit(slot, klpx_slot_used);
		WRITE_ONCE(klpx_slot_fast[slot], NULL);
		WRITE_ONCE(klpx_slot_owner[slot], hook);
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
struct klpx_hook *klpx_hook_lookup_rcu(unsigned long old_addr)
{
	struct klpx_hook *hook;
	unsigned int slot;

	for (slot = 0; slot < KLPX_NR_SLOTS; slot++) {
		hook = READ_ONCE(klpx_slot_owner[slot]);
		if (hook && hook->old_addr == old_addr)
			return hook;
	}
	return NULL;
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
 * @fast->count. Only fastpath.c's klpx_hook_set_fast() calls it: it
 * decides whether the slot may be fast (nobody observes the slow path's
 * tracepoint). @fast is the top func's: it outlives every call that read
 * it (the func leaves its stack only in a transition, which a task inside
 * the slot holds up, see slots.h; a forced one keeps the func's module
 * and counts, see calls.h).
 */
void klpx_slot_set_fast(unsigned int slot, const struct klpx_fast *fast)
{
	lockdep_assert_held(&klpx_mutex);
	WRITE_ONCE(klpx_slot_fast[slot], fast);
}

/* Every slot slow (a caller may race with klpx_slot_set_fast()). */
void klpx_slots_set_slow(void)
{
	unsigned int slot;

	for (slot = 0; slot < KLPX_NR_SLOTS; slot++)
		WRITE_ONCE(klpx_slot_fast[slot], NULL);
}

/* klpx unloads: every slot was given back (klpx_hooks_exit()). */
void klpx_slots_exit(void)
{
	WARN_ON(!bitmap_empty(klpx_slot_used, KLPX_NR_SLOTS));
}
