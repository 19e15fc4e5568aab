/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klpx: the API for live patch modules.
 *
 * A patch module describes what it replaces with static klpx_patch,
 * klpx_object and klpx_func arrays and calls klpx_enable_patch() from its
 * init function. Fields under "external" are the patch author's; fields
 * under "internal" belong to the core and must be left zeroed.
 *
 * States (seed 004: enabled is the patch's intent, patched is the fact):
 *
 *   patch->enabled   1 from klpx_enable_patch() until a disable starts
 *   obj->patched     its funcs are on their func stacks (object loaded)
 *   func->patched    on the func stack of its old function
 *   func->transition tasks may still disagree about this func: the ftrace
 *                    handler asks the task's universe before choosing
 */
#ifndef _KLPX_LIVEPATCH_H
#define _KLPX_LIVEPATCH_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <klpx/events.h>	/* enum klpx_universe */

/**
 * struct klpx_func - one function replaced by a patch
 * @old_name:	name of the function to replace (external)
 * @new_func:	the replacement, in the patch module (external)
 * @old_sympos:	1-based position of @old_name in kallsyms when the name
 *		occurs more than once in the object; 0 = the name is unique
 *		(external)
 * @old_func:	resolved address of the old function
 * @old_size:	its size, for the stack checks
 * @new_size:	size of @new_func, for the stack checks
 * @obj:	object this func belongs to
 * @kobj:	sysfs <function,sympos> directory
 * @node:	entry in obj->func_list
 * @stack_node:	entry in the func stack of the old function (RCU list)
 * @nop:	created by atomic replace: falls back to the next func on the
 *		stack or the original code
 * @patched:	on the func stack
 * @transition:	tasks may be in either universe for this func
 */
/* internal: calls of a function made while this func tops its stack */
struct klpx_calls {
	u64 to_new;	/* sent to new code (this func's or an older one's) */
	u64 to_old;	/* sent to the original code */
};

/*
 * internal: what a fast call slot reads (kernel/slots_64.S): one load
 * gives the code to go to and the per-CPU count to add the call to.
 */
struct klpx_fast {
	unsigned long target;
	u64 __percpu *count;
};

struct klpx_func {
	/* external */
	const char *old_name;
	void *new_func;
	unsigned long old_sympos;

	/* internal */
	void *old_func;
	unsigned long old_size;
	unsigned long new_size;
	struct klpx_object *obj;
	struct kobject kobj;
	struct list_head node;
	struct list_head stack_node;
	struct klpx_calls __percpu *calls;
	struct klpx_fast fast;
	bool nop;
	bool patched;
	bool transition;
};

struct klpx_object;

/**
 * struct klpx_callbacks - hooks run around patching an object
 * @pre_patch:	before the object's funcs are patched; an error refuses the
 *		patch (or the loading module)
 * @post_patch:	after the transition that patched the object completed
 * @pre_unpatch: before the transition that unpatches the object starts
 * @post_unpatch: after the object's funcs were unpatched
 * @post_unpatch_enabled: internal: pre_patch ran and succeeded
 */
struct klpx_callbacks {
	int (*pre_patch)(struct klpx_object *obj);
	void (*post_patch)(struct klpx_object *obj);
	void (*pre_unpatch)(struct klpx_object *obj);
	void (*post_unpatch)(struct klpx_object *obj);
	bool post_unpatch_enabled;
};

/**
 * struct klpx_object - vmlinux or one module, and its funcs
 * @name:	module name, or NULL for vmlinux (external)
 * @funcs:	array of funcs, ended by an entry with NULL old_name (external)
 * @callbacks:	optional hooks (external)
 * @kobj:	sysfs <object> directory
 * @func_list:	funcs, the static ones then nops
 * @node:	entry in patch->obj_list
 * @patch:	owning patch
 * @mod:	the loaded module, NULL for vmlinux or while not loaded
 * @dynamic:	allocated by atomic replace
 * @patched:	funcs are on their func stacks
 */
struct klpx_object {
	/* external */
	const char *name;
	struct klpx_func *funcs;
	struct klpx_callbacks callbacks;

	/* internal */
	struct kobject kobj;
	struct list_head func_list;
	struct list_head node;
	struct klpx_patch *patch;
	struct module *mod;
	bool dynamic;
	bool patched;
};

/**
 * struct klpx_state - a system state a patch changes
 * @id:		the state's id, chosen by the patch authors
 * @version:	compatibility version of the state
 * @data:	for the patch's own use
 */
struct klpx_state {
	unsigned long id;
	unsigned int version;
	void *data;
};

/**
 * struct klpx_patch - a live patch
 * @mod:	the patch module, THIS_MODULE (external)
 * @objs:	array of objects, ended by an entry with NULL funcs (external)
 * @states:	optional array of states, ended by id 0 (external)
 * @replace:	atomically replace every enabled patch (external)
 * @list:	entry in the core's patch list (or its replaced list)
 * @kobj:	sysfs /sys/kernel/klpx/<patch>
 * @obj_list:	objects, the static ones then dynamic ones
 * @enabled:	the patch is enabled (its transition may still run)
 * @forced:	a transition of this patch was forced: its module stays
 * @free_work:	frees the patch outside the sysfs callback
 * @finish:	completed when the kobject is released
 */
struct klpx_patch {
	/* external */
	struct module *mod;
	struct klpx_object *objs;
	struct klpx_state *states;
	bool replace;

	/* internal */
	struct list_head list;
	struct kobject kobj;
	struct list_head obj_list;
	bool enabled;
	bool forced;
	struct work_struct free_work;
	struct completion finish;
};

#define klpx_for_each_object_static(patch, obj) \
	for (obj = (patch)->objs; obj->funcs || obj->name; obj++)

#define klpx_for_each_object(patch, obj) \
	list_for_each_entry(obj, &(patch)->obj_list, node)

#define klpx_for_each_func_static(obj, func) \
	for (func = (obj)->funcs; func && (func->old_name || func->new_func || \
					   func->old_sympos); func++)

#define klpx_for_each_func(obj, func) \
	list_for_each_entry(func, &(obj)->func_list, node)

int klpx_enable_patch(struct klpx_patch *patch);

/* Shadow variables: data attached to existing objects. */
typedef int (*klpx_shadow_ctor_t)(void *obj, void *shadow_data, void *ctor_data);
typedef void (*klpx_shadow_dtor_t)(void *obj, void *shadow_data);

void *klpx_shadow_get(void *obj, unsigned long id);
void *klpx_shadow_alloc(void *obj, unsigned long id, size_t size, gfp_t gfp,
			klpx_shadow_ctor_t ctor, void *ctor_data);
void *klpx_shadow_get_or_alloc(void *obj, unsigned long id, size_t size,
			       gfp_t gfp, klpx_shadow_ctor_t ctor,
			       void *ctor_data);
void klpx_shadow_free(void *obj, unsigned long id, klpx_shadow_dtor_t dtor);
void klpx_shadow_free_all(unsigned long id, klpx_shadow_dtor_t dtor);

/*
 * For tests and tools: the code a call of @old_func by current would run
 * now (NULL: the original). Interrupts off between it and the call.
 */
void *klpx_redirect_expected(void *old_func);

/* System states. */
struct klpx_state *klpx_get_state(struct klpx_patch *patch, unsigned long id);
struct klpx_state *klpx_get_prev_state(unsigned long id);

#endif /* _KLPX_LIVEPATCH_H */
