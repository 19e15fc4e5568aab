/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slots.h - the call slots: where the ftrace direct call at the entry of a
 * patched function lands (slots_64.S), and how each slot answers (slots.c).
 *
 * Slot i is KLPX_SLOT_SIZE bytes of klpx.ko text at klpx_slots + i *
 * KLPX_SLOT_SIZE, owned by one hook (hooks.c) from its registration until
 * ftrace no longer calls it and no task can be inside it. It reads
 * klpx_slot_fast[i] once per call:
 *   - a struct klpx_fast (fast): the top func's; the call is counted in
 *     its per-CPU count and returns into its target, the top func's new
 *     function; no C code runs;
 *   - NULL (slow): klpx_slow_target() (patch.c) chooses: by the caller's
 *     universe while the top func is in transition; it counts the call
 *     (calls.h) and fires klp_func_redirect.
 * Either way the slot replaces the return address of the fentry call
 * (the old function + MCOUNT_INSN_SIZE) with the address it chose, so a
 * task stopped anywhere in a slot has on its stack either that entry
 * return address (not switchable while the function is in transition)
 * or the code it goes to (a range check like any other frame).
 */
#ifndef _KLPX_SLOTS_H
#define _KLPX_SLOTS_H

#define KLPX_NR_SLOTS		1024
#define KLPX_SLOT_SIZE		64

/* offsets in struct klpx_fast (include/klpx/livepatch.h), asserted in slots.c */
#define KLPX_FAST_TARGET	0
#define KLPX_FAST_COUNT		8

#ifndef __ASSEMBLY__
#include <linux/compiler.h>
#include <linux/types.h>

struct klpx_hook;
struct klpx_fast;

extern const struct klpx_fast *klpx_slot_fast[KLPX_NR_SLOTS];
/* written by slots.c only, under klpx_slot_lock; read by klpx_slot_hook() */
extern struct klpx_hook *klpx_slot_owner[KLPX_NR_SLOTS];
extern const char klpx_slots[], klpx_slots_end[];

/* The hook that owns @slot; preemption off (inline: every slow call asks). */
static __always_inline struct klpx_hook *klpx_slot_hook(unsigned int slot)
{
	if (unlikely(slot >= KLPX_NR_SLOTS))
		return NULL;
	return READ_ONCE(klpx_slot_owner[slot]);
}

static inline unsigned long klpx_slot_addr(unsigned int slot)
{
	return (unsigned long)klpx_slots + slot * KLPX_SLOT_SIZE;
}

int klpx_slots_init(void);
int klpx_slot_alloc(struct klpx_hook *hook);
void klpx_slot_free(unsigned int slot);
void klpx_slot_set_slow(unsigned int slot);
void klpx_slot_set_fast(unsigned int slot, const struct klpx_fast *fast);
void klpx_slots_set_slow(void);
struct klpx_hook *klpx_hook_lookup_rcu(unsigned long old_addr);
bool klpx_slot_is_fast(unsigned int slot);
void klpx_slots_exit(void);

#endif /* __ASSEMBLY__ */
#endif /* _KLPX_SLOTS_H */
