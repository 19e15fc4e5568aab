/* SPDX-License-Identifier: GPL-2.0 */
/*
 * core.h - patches, objects and funcs (core.c): the lists of patches, the
 * lock of the whole core, and what every file asks of a patch or object.
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
#ifndef _KLPX_CORE_H
#define _KLPX_CORE_H

#include <klpx/livepatch.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>

extern struct mutex klpx_mutex;
extern struct list_head klpx_patches;
extern struct list_head klpx_replaced;

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

extern struct workqueue_struct *klpx_free_wq;
int klpx_patch_prepare_object(struct klpx_object *obj);
void klpx_free_patch_async(struct klpx_patch *patch);
int klpx_disable_patch(struct klpx_patch *patch);
void klpx_replace_complete(struct klpx_patch *patch);

#endif /* _KLPX_CORE_H */
