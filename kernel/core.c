// SPDX-License-Identifier: GPL-2.0
/*
 * core.c - patches, objects and funcs: checks, lifecycle, enable/disable.
 *
 * "Init early, free always": klpx_enable_patch() initialises every list
 * and kobject of the patch before anything can fail, so klpx_free_patch()
 * undoes any partial state and each error path is a single label.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/kallsyms.h>
#include <linux/slab.h>
#include "callbacks.h"
#include "symbols.h"
#include "relocs.h"
#include "patch.h"
#include "sysfs.h"
#include "state.h"
#include "module.h"
#include "calls.h"
#include "transition.h"
#include "trace.h"
#include "universe.h"
#include "core.h"

/* See core.h for the locking rules of everything below. */
DEFINE_MUTEX(klpx_mutex);
LIST_HEAD(klpx_patches);
/* patches replaced by an atomic replace, until their free work is done */
LIST_HEAD(klpx_replaced);
/*
 * Runs the free works: their last module_put() may let the patch module
 * and then klpx go while the work returns, so klpx's exit drains it.
 */
struct workqueue_struct *klpx_free_wq;

/* Is @patch on @list (klpx_patches or klpx_replaced)? klpx_mutex held. */
static bool klpx_patch_listed(struct klpx_patch *patch, struct list_head *list)
{
	struct klpx_patch *p;

	lockdep_assert_held(&klpx_mutex);
	list_for_each_entry(p, list, list)
		if (p == patch)
			return true;
	return false;
}

static bool klpx_has_callbacks(const struct klpx_object *obj)
{
	const struct klpx_callbacks *cb = &obj->callbacks;

	return cb->pre_patch || cb->post_patch || cb->pre_unpatch ||
	       cb->post_unpatch;
}

/* 0 and 1 both name the first (or only) symbol of that name */
static unsigned long klpx_sympos(const struct klpx_func *func)
{
	return max(func->old_sympos, 1UL);
}

static bool klpx_same_func(const struct klpx_func *a, const struct klpx_func *b)
{
	return !strcmp(a->old_name, b->old_name) &&
	       klpx_sympos(a) == klpx_sympos(b);
}

/*
 * An object needs a funcs array (it may be empty: just the terminator),
 * and funcs or callbacks: an object with callbacks only runs them when it
 * is patched and unpatched, and when its module comes and goes.
 */
static int klpx_check_funcs(struct klpx_patch *patch, struct klpx_object *obj)
{
	const char *pname = klpx_patch_name(patch);
	struct klpx_func *func, *other;

	if (!obj->funcs) {
		pr_err("patch '%s': object '%s': funcs is NULL (give an empty array for callbacks only)\n",
		       pname, klpx_object_name(obj));
		return -EINVAL;
	}
	if (!obj->funcs->old_name && !obj->funcs->new_func &&
	    !klpx_has_callbacks(obj)) {
		pr_err("patch '%s': object '%s' has no funcs and no callbacks\n",
		       pname, klpx_object_name(obj));
		return -EINVAL;
	}
	klpx_for_each_func_static(obj, func) {
		if (!func->old_name || !func->new_func) {
			pr_err("patch '%s': a func of object '%s' has NULL %s\n",
			       pname, klpx_object_name(obj),
			       func->old_name ? "new_func" : "old_name");
			return -EINVAL;
		}
		if (strlen(func->old_name) >= KSYM_NAME_LEN) {
			pr_err("patch '%s': old_name too long\n", pname);
			return -EINVAL;
		}
		for (other = obj->funcs; other != func; other++) {
			if (klpx_same_func(other, func)) {
				pr_err("patch '%s': func '%s' (old_sympos %lu) twice in object '%s'\n",
				       pname, func->old_name, klpx_sympos(func),
				       klpx_object_name(obj));
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* Checks what the author wrote; nothing is changed yet. */
static int klpx_check_patch(struct klpx_patch *patch)
{
	const char *pname = patch->mod ? klpx_patch_name(patch) : "?";
	struct klpx_object *obj, *other;
	int ret;

	/* the caller's return address may be gone (tail call): the struct */
	if (!patch->mod || !within_module((unsigned long)patch, patch->mod)) {
		pr_err("patch '%s': mod is not the module that holds the patch\n",
		       pname);
		return -EINVAL;
	}
	if (!patch->mod->klp) {
		pr_err("patch '%s': mod: module is not marked as a livepatch module (MODULE_INFO(livepatch, \"Y\"))\n",
		       pname);
		return -EINVAL;
	}
	if (!patch->objs || (!patch->objs->funcs && !patch->objs->name)) {
		pr_err("patch '%s': objs: no objects\n", pname);
		return -EINVAL;
	}
	klpx_for_each_object_static(patch, obj) {
		if (obj->name && strlen(obj->name) >= MODULE_NAME_LEN) {
			pr_err("patch '%s': object name too long\n", pname);
			return -EINVAL;
		}
		for (other = patch->objs; other != obj; other++) {
			if (klpx_object_is(other, obj->name)) {
				pr_err("patch '%s': object '%s' twice\n", pname,
				       klpx_object_name(obj));
				return -EINVAL;
			}
		}
		ret = klpx_check_funcs(patch, obj);
		if (ret)
			return ret;
	}
	/* relocs.c: its klp relocation sections */
	return klpx_relocs_check(patch);
}

static void klpx_init_func_early(struct klpx_object *obj,
				 struct klpx_func *func)
{
	kobject_init(&func->kobj, &klpx_ktype_func);
	INIT_LIST_HEAD(&func->stack_node);
	list_add_tail(&func->node, &obj->func_list);
	func->obj = obj;
}

static void klpx_init_object_early(struct klpx_patch *patch,
				   struct klpx_object *obj)
{
	INIT_LIST_HEAD(&obj->func_list);
	kobject_init(&obj->kobj, &klpx_ktype_object);
	list_add_tail(&obj->node, &patch->obj_list);
	obj->patch = patch;
}

static void klpx_init_patch_early(struct klpx_patch *patch)
{
	struct klpx_object *obj;
	struct klpx_func *func;

	INIT_LIST_HEAD(&patch->list);
	INIT_LIST_HEAD(&patch->obj_list);
	kobject_init(&patch->kobj, &klpx_ktype_patch);
	init_completion(&patch->finish);
	patch->enabled = false;
	patch->forced = false;
	klpx_for_each_object_static(patch, obj) {
		klpx_init_object_early(patch, obj);
		klpx_for_each_func_static(obj, func)
			klpx_init_func_early(obj, func);
	}
}

static struct klpx_object *klpx_find_object(struct klpx_patch *patch,
					    struct klpx_object *old)
{
	struct klpx_object *obj;

	klpx_for_each_object(patch, obj)
		if (klpx_object_is(obj, old->name))
			return obj;
	return NULL;
}

static bool klpx_has_func(struct klpx_object *obj, struct klpx_func *old)
{
	struct klpx_func *func;

	klpx_for_each_func(obj, func)
		if (klpx_same_func(func, old))
			return true;
	return false;
}

static struct klpx_object *klpx_add_dynamic_object(struct klpx_patch *patch,
						   struct klpx_object *old)
{
	struct klpx_object *obj = kzalloc(sizeof(*obj), GFP_KERNEL);

	if (!obj)
		return NULL;
	if (old->name) {
		obj->name = kstrdup(old->name, GFP_KERNEL);
		if (!obj->name) {
			kfree(obj);
			return NULL;
		}
	}
	obj->dynamic = true;
	klpx_init_object_early(patch, obj);
	return obj;
}

static int klpx_add_nop(struct klpx_object *obj, struct klpx_func *old)
{
	struct klpx_func *nop = kzalloc(sizeof(*nop), GFP_KERNEL);

	if (!nop)
		return -ENOMEM;
	nop->old_name = kstrdup(old->old_name, GFP_KERNEL);
	if (!nop->old_name) {
		kfree(nop);
		return -ENOMEM;
	}
	nop->old_sympos = old->old_sympos;
	nop->nop = true;
	klpx_init_func_early(obj, nop);
	return 0;
}

/*
 * Atomic replace: every func of an enabled patch that @patch does not
 * replace itself gets a nop in @patch, which sends calls to the original
 * code once the transition is over. klpx_mutex held.
 */
static int klpx_add_nops(struct klpx_patch *patch)
{
	struct klpx_object *old_obj, *obj;
	struct klpx_func *old_func;
	struct klpx_patch *old;
	int ret;

	lockdep_assert_held(&klpx_mutex);
	klpx_for_each_patch(old) {
		klpx_for_each_object(old, old_obj) {
			obj = klpx_find_object(patch, old_obj);
			if (!obj)
				obj = klpx_add_dynamic_object(patch, old_obj);
			if (!obj)
				return -ENOMEM;
			klpx_for_each_func(old_obj, old_func) {
				if (old_func->nop || klpx_has_func(obj, old_func))
					continue;
				ret = klpx_add_nop(obj, old_func);
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

/*
 * Unlinks the funcs and objects of @patch and drops their kobjects. With
 * @nops_only, only what klpx_add_nops() added: the nops, and the dynamic
 * objects, which hold nothing but nops; what the author wrote stays.
 */
static void klpx_free_objects(struct klpx_patch *patch, bool nops_only)
{
	struct klpx_object *obj, *tobj;
	struct klpx_func *func, *tfunc;

	list_for_each_entry_safe(obj, tobj, &patch->obj_list, node) {
		list_for_each_entry_safe(func, tfunc, &obj->func_list, node) {
			if (nops_only && !func->nop)
				continue;
			list_del(&func->node);
			kobject_put(&func->kobj);
		}
		if (nops_only && !obj->dynamic)
			continue;
		list_del(&obj->node);
		kobject_put(&obj->kobj);
	}
}

/* Drops the nops of a replace patch whose transition completed. */
static void klpx_discard_nops(struct klpx_patch *patch)
{
	struct klpx_object *obj;
	struct klpx_func *func;

	klpx_for_each_object(patch, obj)
		klpx_for_each_func(obj, func)
			if (func->nop && func->patched)
				klpx_unpatch_func(func);
	klpx_sync_handlers();
	klpx_free_objects(patch, true);
}

/*
 * The transition of replace patch @patch completed: every other enabled
 * patch is unpatched (no callbacks: only the new patch's run), moved to
 * klpx_replaced and freed; the nops go. klpx_mutex held.
 */
void klpx_replace_complete(struct klpx_patch *patch)
{
	struct klpx_patch *old, *tmp;

	lockdep_assert_held(&klpx_mutex);
	list_for_each_entry_safe(old, tmp, &klpx_patches, list) {
		if (old == patch)
			continue;
		klpx_unpatch_objects(old);
		old->enabled = false;
		trace_klp_patch_replaced(patch, old);
		list_move_tail(&old->list, &klpx_replaced);
		klpx_free_patch_async(old);
	}
	klpx_discard_nops(patch);
}

/*
 * Applies the patch's klp relocations for a loaded object and resolves its
 * funcs. Called at enable and when the object's module comes; on error the
 * caller clears the relocations (klpx_relocs_clear()).
 */
int klpx_patch_prepare_object(struct klpx_object *obj)
{
	struct klpx_func *func;
	unsigned long off;
	int ret;

	/* relocs.c: the patch's code that uses the object first */
	ret = klpx_relocs_apply(obj);
	if (ret)
		return ret;
	klpx_for_each_func(obj, func) {
		ret = klpx_lookup_func(obj, func);
		if (ret)
			return ret;
		if (!klpx_ftrace_location((unsigned long)func->old_func)) {
			pr_err("patch '%s': old_name '%s' cannot be traced by ftrace (notrace)\n",
			       klpx_patch_name(obj->patch), func->old_name);
			return -EINVAL;
		}
		if (klpx_universe_probes((unsigned long)func->old_func)) {
			pr_err("patch '%s': old_name '%s': klpx follows exec with a probe in it, which a replacement would bypass\n",
			       klpx_patch_name(obj->patch), func->old_name);
			return -EINVAL;
		}
		func->new_size = 0;
		if (func->nop)
			continue;
		/* a disable must see tasks in the new function on their stacks */
		if (!klpx_symbol_size((unsigned long)func->new_func,
				      &func->new_size, &off)) {
			pr_err("patch '%s': new_func of '%s' has no size in kallsyms\n",
			       klpx_patch_name(obj->patch), func->old_name);
			return -EINVAL;
		}
	}
	return 0;
}

static int klpx_init_patch(struct klpx_patch *patch)
{
	struct klpx_object *obj;
	struct klpx_func *func;
	int ret;

	ret = klpx_patch_sysfs_add(patch);
	if (ret)
		return ret;
	klpx_for_each_object(patch, obj) {
		if (obj->name)
			obj->mod = klpx_object_module(obj->name);
		if (klpx_object_loaded(obj)) {
			ret = klpx_patch_prepare_object(obj);
			if (ret)
				return ret;
		}
		ret = klpx_object_sysfs_add(obj);
		if (ret)
			return ret;
		klpx_for_each_func(obj, func) {
			ret = klpx_calls_init(func);
			if (ret)
				return ret;
			ret = klpx_func_sysfs_add(func);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static void klpx_free_patch(struct klpx_patch *patch)
{
	struct klpx_object *obj;

	klpx_for_each_object(patch, obj)
		obj->mod = NULL;
	klpx_free_objects(patch, false);
	kobject_put(&patch->kobj);
	wait_for_completion(&patch->finish);
	trace_klp_patch_free(patch);
	/* a forced patch keeps its module: a task may still run its code */
	if (!patch->forced)
		module_put(patch->mod);
}

static void klpx_free_patch_work(struct work_struct *work)
{
	struct klpx_patch *patch = container_of(work, struct klpx_patch,
						free_work);

	mutex_lock(&klpx_mutex);
	list_del_init(&patch->list);
	mutex_unlock(&klpx_mutex);
	klpx_free_patch(patch);
}

/*
 * Frees a patch whose transition completed. That may be in the first pass
 * of a disable, under the store of the patch's own "enabled" file, whose
 * kobject cannot go until the store returns: so the free is a work.
 */
void klpx_free_patch_async(struct klpx_patch *patch)
{
	/* a replaced patch stays on klpx_replaced until the work is done */
	if (!klpx_patch_listed(patch, &klpx_replaced))
		list_del_init(&patch->list);
	INIT_WORK(&patch->free_work, klpx_free_patch_work);
	queue_work(klpx_free_wq, &patch->free_work);
}

/*
 * The enable failed after its transition was initialised: every object
 * is unpatched and the post_unpatch callbacks of those whose pre_patch
 * ran are called, as if an unpatching transition had completed.
 */
static void klpx_enable_cancel(struct klpx_patch *patch)
{
	pr_warn("failed to enable patch '%s'\n", klpx_patch_name(patch));
	klpx_transition_cancel();
}

static int __klpx_enable_patch(struct klpx_patch *patch)
{
	struct klpx_object *obj;
	int ret;

	pr_notice("enabling patch '%s'\n", klpx_patch_name(patch));
	ret = klpx_transition_init(patch, KLPX_PATCHED);
	if (ret) {
		pr_warn("failed to enable patch '%s'\n", klpx_patch_name(patch));
		return ret;
	}

	klpx_for_each_object(patch, obj) {
		if (!klpx_object_loaded(obj))
			continue;
		ret = klpx_pre_patch_callback(obj);
		if (ret) {
			pr_warn("pre-patch callback failed for object '%s'\n",
				klpx_object_name(obj));
			goto err;
		}
		ret = klpx_patch_object(obj);
		if (ret) {
			pr_warn("failed to patch object '%s'\n",
				klpx_object_name(obj));
			goto err;
		}
	}

	pr_notice_once("tainting kernel with TAINT_LIVEPATCH\n");
	add_taint(TAINT_LIVEPATCH, LOCKDEP_STILL_OK);
	patch->enabled = true;
	list_add_tail(&patch->list, &klpx_patches);
	trace_klp_patch_enable(patch);
	klpx_transition_start();
	return 0;
err:
	klpx_enable_cancel(patch);
	return ret;
}

/**
 * klpx_enable_patch() - register a patch and start patching
 * @patch:	the patch, owned by the calling module (patch->mod)
 *
 * Called from the patch module's init. On success the patch is enabled and
 * its transition runs (see /sys/kernel/klpx/<patch>/transition); the patch
 * module cannot be removed until the patch is disabled and freed. On error
 * nothing is patched, one "klpx:" message names the patch and the field.
 */
int klpx_enable_patch(struct klpx_patch *patch)
{
	struct klpx_object *obj;
	int ret;

	if (!patch)
		return -EINVAL;
	ret = klpx_check_patch(patch);
	if (ret)
		return ret;

	mutex_lock(&klpx_mutex);
	if (klpx_patch_listed(patch, &klpx_patches) ||
	    klpx_patch_listed(patch, &klpx_replaced) ||
	    patch->kobj.state_initialized) {
		pr_err("patch '%s': already enabled\n", klpx_patch_name(patch));
		ret = -EINVAL;
		goto out_unlock;
	}
	if (klpx_transition_patch) {
		pr_err("patch '%s': patch '%s' is in transition: try later\n",
		       klpx_patch_name(patch),
		       klpx_patch_name(klpx_transition_patch));
		ret = -EBUSY;
		goto out_unlock;
	}
	if (!try_module_get(patch->mod)) {
		ret = -ENODEV;
		goto out_unlock;
	}

	klpx_init_patch_early(patch);
	ret = klpx_check_states(patch);
	if (ret)
		goto err_free;
	if (patch->replace) {
		ret = klpx_add_nops(patch);
		if (ret)
			goto err_free;
	}
	ret = klpx_init_patch(patch);
	if (ret)
		goto err_free;
	ret = __klpx_enable_patch(patch);
	if (ret)
		goto err_free;
	mutex_unlock(&klpx_mutex);
	return 0;

err_free:
	/* relocs.c: nothing of a refused patch stays applied */
	klpx_for_each_object(patch, obj)
		klpx_relocs_clear(obj);
	mutex_unlock(&klpx_mutex);
	klpx_free_patch(patch);
	return ret;
out_unlock:
	mutex_unlock(&klpx_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(klpx_enable_patch);

/* Starts the unpatch transition, or reverses a running transition. */
int klpx_disable_patch(struct klpx_patch *patch)
{
	struct klpx_object *obj;
	int ret;

	lockdep_assert_held(&klpx_mutex);
	if (patch == klpx_transition_patch) {
		klpx_transition_reverse();
		return 0;
	}
	if (klpx_transition_patch)
		return -EBUSY;

	ret = klpx_transition_init(patch, KLPX_UNPATCHED);
	if (ret)
		return ret;
	klpx_for_each_object(patch, obj)
		if (obj->patched)
			klpx_pre_unpatch_callback(obj);
	patch->enabled = false;
	trace_klp_patch_disable(patch);
	klpx_transition_start();
	return 0;
}
