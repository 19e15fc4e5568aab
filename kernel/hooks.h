/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hooks.h - the ftrace hook of each old function: registered and released
 * by hooks.c; its func stack is patch.c's, its path fastpath.c's.
 */
#ifndef _KLPX_HOOKS_H
#define _KLPX_HOOKS_H

#include <linux/ftrace.h>
#include <linux/list.h>

/**
 * struct klpx_hook - the ftrace hook of one old function
 * @node:	entry in klpx_hooks_list (klpx_mutex) while it serves the
 *		function or is parked, then in klpx_hooks_releasing (klpx_release_lock)
 *		until ftrace no longer calls its slot
 * @func_stack:	funcs replacing @old_addr, newest first. RCU list: written
 *		under klpx_mutex, read by klpx_slow_target() with preemption
 *		off. Empty once the hook is being released.
 * @old_addr:	the old function
 * @loc:	its fentry call, where ftrace calls @slot directly
 * @slot:	its call slot (slots.h), owned from creation to release
 * @direct:	how ftrace calls it, fixed at creation (parameter
 *		direct_calls): true, a direct call from @loc to @slot; false,
 *		@fops, an IPMODIFY ftrace_ops on @loc whose handler
 *		(klpx_hook_handler()) chooses as the slow slot does, and which
 *		a BPF trampoline can share
 * @fops:	the ftrace_ops of a hook that is not @direct
 * @parked_at:	jiffies when its stack became empty (klpx_mutex)
 * @parked_by:	the patch module of the last func that left it (klpx_mutex;
 *		compared, never dereferenced)
 * @rcu:	freed after an RCU grace period: klpx_hook_lookup_rcu()
 */
struct klpx_hook {
	struct list_head node;
	struct list_head func_stack;
	unsigned long old_addr;
	unsigned long loc;
	unsigned int slot;
	bool direct;
	struct ftrace_ops fops;
	unsigned long parked_at;
	struct module *parked_by;
	struct rcu_head rcu;
};

struct klpx_func;
struct module;

extern struct list_head klpx_hooks_list;
#define klpx_for_each_hook(hook) \
	list_for_each_entry(hook, &klpx_hooks_list, node)

struct klpx_hook *klpx_hook_find(unsigned long old_addr);
int klpx_hook_get(struct klpx_func *func, struct klpx_hook **hookp);
void klpx_hook_put(struct klpx_hook *hook, struct module *by);
void klpx_hooks_wait_released(void);
bool klpx_hooks_release_module(struct module *mod);
int klpx_hooks_init(void);
void klpx_hooks_start(void);
int klpx_hooks_file_init(struct dentry *dir);
void klpx_hooks_exit(void);

#endif /* _KLPX_HOOKS_H */
