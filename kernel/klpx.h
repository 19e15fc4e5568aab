/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klpx private header: what the files of klpx.ko share.
 *
 * Locking, once for the whole core:
 * - klpx_mutex serialises every change of patches, objects, funcs, func
 *   stacks and the transition: klpx_enable_patch(), sysfs writes, the
 *   module notifier and the transition work all take it. The module
 *   notifier is called with no module lock held, so the order is always
 *   klpx_mutex -> module_mutex (taken inside klpx_find_module()).
 * - klpx_patches (enabled patches, oldest first) and klpx_replaced (patches
 *   being freed after atomic replace) are changed only under klpx_mutex.
 * - A func stack is an RCU list: the slow path (patch.c) reads it with
 *   preemption disabled; writers hold klpx_mutex and wait for readers
 *   with klpx_sync_handlers() before freeing what they unlinked.
 */
#ifndef _KLPX_PRIV_H
#define _KLPX_PRIV_H

#include <klpx/livepatch.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include "trace.h"

extern struct mutex klpx_mutex;
extern struct list_head klpx_patches;
extern struct list_head klpx_replaced;
extern struct kobject *klpx_root_kobj;

#define klpx_for_each_patch(patch) \
	list_for_each_entry(patch, &klpx_patches, list)

static inline bool klpx_object_loaded(const struct klpx_object *obj)
{
	return !obj->name || obj->mod;
}

/* Is @obj the object named @name (NULL: vmlinux)? */
static inline bool klpx_object_is(const struct klpx_object *obj,
				  const char *name)
{
	return name ? obj->name && !strcmp(obj->name, name) : !obj->name;
}

static inline const char *klpx_object_name(const struct klpx_object *obj)
{
	return obj->name ? obj->name : "vmlinux";
}

static inline const char *klpx_patch_name(const struct klpx_patch *patch)
{
	return patch->mod->name;
}

/* symbols.c: kernel functions klpx needs but the kernel does not export */
int klpx_symbols_init(void);
int klpx_lookup_func(struct klpx_object *obj, struct klpx_func *func);
unsigned long klpx_lookup_symbol(const char *objname, const char *name,
				 unsigned long pos, unsigned long *count);
struct module *klpx_find_module(const char *name);
unsigned long klpx_ftrace_location(unsigned long ip);
bool klpx_symbol_size(unsigned long addr, unsigned long *size,
		      unsigned long *off);
extern int (*klpx_task_call_func)(struct task_struct *p,
				  int (*fn)(struct task_struct *, void *),
				  void *arg);
extern void (*klpx_wake_up_if_idle)(int cpu);
extern int (*klpx_task_curr)(const struct task_struct *p);
extern int (*klpx_wake_up_state)(struct task_struct *p, unsigned int state);
extern struct task_struct *(*klpx_idle_task)(int cpu);
extern void (*klpx_signal_wake_up_state)(struct task_struct *t,
					 unsigned int state);
extern int *klpx_pid_max;
extern rwlock_t *klpx_tasklist_lock;
extern void (*klpx_put_task_stack)(struct task_struct *tsk);
extern bool *klpx_kprobes_all_disarmed;
struct tracepoint *klpx_tracepoint(const char *name);
extern unsigned long klpx_ret_from_fork, klpx_ret_from_fork_size;
extern int (*klpx_apply_relocate_add)(Elf_Shdr *sechdrs, const char *strtab,
				      unsigned int symindex,
				      unsigned int relsec, struct module *me);
extern void *(*klpx_text_poke)(void *addr, const void *opcode, size_t len);
extern void (*klpx_text_poke_sync)(void);
extern struct mutex *klpx_text_mutex;

/* relocs.c: a patch's klp relocations for one object */
int klpx_relocs_check(struct klpx_patch *patch);
int klpx_relocs_apply(struct klpx_object *obj);
void klpx_relocs_clear(struct klpx_object *obj);

/* patch.c: ftrace ops and func stacks */
int klpx_patch_object(struct klpx_object *obj);
void klpx_unpatch_object(struct klpx_object *obj);
void klpx_unpatch_func(struct klpx_func *func);
void klpx_unpatch_objects(struct klpx_patch *patch);
void klpx_sync_handlers(void);
struct klpx_func *klpx_func_below(struct klpx_func *func);

/* sysfs.c */
int klpx_sysfs_init(void);
void klpx_sysfs_exit(void);
int klpx_patch_sysfs_add(struct klpx_patch *patch);
int klpx_object_sysfs_add(struct klpx_object *obj);
int klpx_func_sysfs_add(struct klpx_func *func);
extern const struct kobj_type klpx_ktype_patch, klpx_ktype_object,
	klpx_ktype_func;

/* core.c */
extern struct workqueue_struct *klpx_free_wq;
int klpx_patch_prepare_object(struct klpx_object *obj);
void klpx_free_patch_async(struct klpx_patch *patch);
int klpx_disable_patch(struct klpx_patch *patch);
void klpx_replace_complete(struct klpx_patch *patch);

/* state.c */
int klpx_check_states(struct klpx_patch *patch);

/* module.c: objects of modules that come and go */
struct module *klpx_object_module(const char *name);
int klpx_module_notify_init(void);
void klpx_module_notify_exit(void);

/* callbacks */
static inline int klpx_pre_patch_callback(struct klpx_object *obj)
{
	int ret = 0;

	if (obj->callbacks.pre_patch) {
		ret = obj->callbacks.pre_patch(obj);
		trace_klp_callback(obj->patch, obj, "pre_patch", ret);
	}
	obj->callbacks.post_unpatch_enabled = !ret;
	return ret;
}

static inline void klpx_post_patch_callback(struct klpx_object *obj)
{
	if (obj->callbacks.post_patch) {
		obj->callbacks.post_patch(obj);
		trace_klp_callback(obj->patch, obj, "post_patch", 0);
	}
}

static inline void klpx_pre_unpatch_callback(struct klpx_object *obj)
{
	if (obj->callbacks.pre_unpatch) {
		obj->callbacks.pre_unpatch(obj);
		trace_klp_callback(obj->patch, obj, "pre_unpatch", 0);
	}
}

static inline void klpx_post_unpatch_callback(struct klpx_object *obj)
{
	if (obj->callbacks.post_unpatch_enabled && obj->callbacks.post_unpatch) {
		obj->callbacks.post_unpatch(obj);
		trace_klp_callback(obj->patch, obj, "post_unpatch", 0);
	}
	obj->callbacks.post_unpatch_enabled = false;
}

#endif /* _KLPX_PRIV_H */
