/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hooks.h - the ftrace hook of each old function, shared by patch.c (func
 * stacks and the handler) and hooks.c (registration and release).
 */
#ifndef _KLPX_HOOKS_H
#define _KLPX_HOOKS_H

#include <linux/ftrace.h>
#include <linux/list.h>

/**
 * struct klpx_ops - the ftrace hook of one old function
 * @node:	entry in klpx_ops_list (klpx_mutex) while it serves the
 *		function, then in klpx_ops_releasing (klpx_release_lock)
 *		until its ftrace_ops is unregistered
 * @func_stack:	funcs replacing @old_addr, newest first. RCU list: written
 *		under klpx_mutex, read by the handler with preemption off.
 *		Empty once the hook is being released.
 * @old_addr:	the old function
 * @fops:	its ftrace_ops, registered from creation to release
 */
struct klpx_ops {
	struct list_head node;
	struct list_head func_stack;
	unsigned long old_addr;
	struct ftrace_ops fops;
};

struct klpx_func;
struct module;

struct klpx_ops *klpx_hook_find(unsigned long old_addr);
int klpx_hook_get(struct klpx_func *func, ftrace_func_t handler,
		  struct klpx_ops **opsp);
void klpx_hook_put(struct klpx_ops *ops);
void klpx_hooks_wait_released(void);
int klpx_hooks_file_init(struct dentry *dir);
void klpx_hooks_exit(void);

#endif /* _KLPX_HOOKS_H */
