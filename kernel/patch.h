/* SPDX-License-Identifier: GPL-2.0 */
/* patch.h - func stacks: putting funcs on and off them (patch.c) */
#ifndef _KLPX_PATCH_H
#define _KLPX_PATCH_H

#include <klpx/livepatch.h>

int klpx_patch_object(struct klpx_object *obj);
void klpx_unpatch_object(struct klpx_object *obj);
void klpx_unpatch_func(struct klpx_func *func);
void klpx_unpatch_objects(struct klpx_patch *patch);
void klpx_sync_handlers(void);
struct klpx_func *klpx_func_below(struct klpx_func *func);

/* the slow path's choice, called from a slow slot (slots_64.S, slots.h) */
unsigned long klpx_slow_target(unsigned int slot, unsigned long ret_ip);

struct ftrace_ops;
struct ftrace_regs;
/* the handler of a hook that is not direct (hooks.h) */
void klpx_hook_handler(unsigned long ip, unsigned long parent_ip,
		       struct ftrace_ops *fops, struct ftrace_regs *fregs);

#endif /* _KLPX_PATCH_H */
