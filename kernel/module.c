// SPDX-License-Identifier: GPL-2.0
/*
 * module.c - objects of modules that come and go.
 *
 * A module notifier stands in for the hooks the built-in livepatch has in
 * the module loader. COMING is called after ftrace has enabled the
 * module's call sites and before its init runs; an error there refuses the
 * load. GOING is called when a module is removed or its init failed.
 *
 * A module is COMING from complete_formation() on, before ftrace enables
 * its call sites (ftrace_module_enable()): a direct call put there then
 * would never be patched in (ftrace skips direct ops for a new module's
 * records). So until klpx's own COMING notifier has run for a module, it
 * is not loaded for klpx: klpx_coming_seen holds the modules past that
 * notifier and not yet LIVE (klpx_mutex).
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/module.h>
#include "klpx.h"
#include "hooks.h"
#include "transition.h"

static DEFINE_XARRAY(klpx_coming_seen);

static unsigned long klpx_mod_key(struct module *mod)
{
	return (unsigned long)mod / sizeof(long);
}

/*
 * The loaded module @name as an object of a patch sees it, or NULL:
 * going, or COMING and not yet through klpx's notifier (which will patch
 * it). klpx_mutex held, so neither notifier runs meanwhile.
 */
struct module *klpx_object_module(const char *name)
{
	struct module *mod = klpx_find_module(name);

	lockdep_assert_held(&klpx_mutex);
	if (mod && mod->state == MODULE_STATE_COMING &&
	    !xa_load(&klpx_coming_seen, klpx_mod_key(mod)))
		return NULL;
	return mod;
}

static void klpx_object_going(struct klpx_object *obj)
{
	struct klpx_patch *patch = obj->patch;

	if (obj->patched) {
		/* a transition's own callbacks run when it completes */
		if (patch != klpx_transition_patch)
			klpx_pre_unpatch_callback(obj);
		pr_notice("reverting patch '%s' on unloading module '%s'\n",
			  klpx_patch_name(patch), obj->name);
		klpx_unpatch_object(obj);
		klpx_post_unpatch_callback(obj);
		if (patch == klpx_transition_patch)
			klpx_ranges_update();
	}
	obj->mod = NULL;
}

static int klpx_object_coming(struct klpx_object *obj, struct module *mod)
{
	struct klpx_patch *patch = obj->patch;
	struct klpx_func *func;
	int ret;

	obj->mod = mod;
	ret = klpx_patch_prepare_object(obj);
	if (ret)
		goto err;
	pr_notice("applying patch '%s' to loading module '%s'\n",
		  klpx_patch_name(patch), obj->name);
	ret = klpx_pre_patch_callback(obj);
	if (ret) {
		pr_warn("pre-patch callback failed for object '%s'\n",
			obj->name);
		goto err;
	}
	/* the module never ran: in transition, its funcs are too */
	klpx_for_each_func(obj, func)
		WRITE_ONCE(func->transition, patch == klpx_transition_patch);
	ret = klpx_patch_object(obj);
	if (ret) {
		pr_warn("failed to apply patch '%s' to module '%s' (%d)\n",
			klpx_patch_name(patch), obj->name, ret);
		klpx_post_unpatch_callback(obj);
		goto err;
	}
	if (patch == klpx_transition_patch)
		klpx_ranges_update();
	else
		klpx_post_patch_callback(obj);
	return 0;
err:
	pr_warn("patch '%s' failed for module '%s', refusing to load module '%s'\n",
		klpx_patch_name(patch), obj->name, obj->name);
	obj->mod = NULL;
	return ret;
}

static void klpx_module_going(struct module *mod)
{
	struct klpx_patch *patch;
	struct klpx_object *obj;

	klpx_for_each_patch(patch)
		klpx_for_each_object(patch, obj)
			if (obj->mod == mod)
				klpx_object_going(obj);
	/* no hook on the module's text may outlive it (hooks.c) */
	klpx_hooks_release_module(mod);
}

static int klpx_module_coming(struct module *mod)
{
	struct klpx_patch *patch;
	struct klpx_object *obj;
	int ret;

	/*
	 * Every patch on the list, the one being disabled too: its tasks
	 * still in the patched universe must find the module patched, and a
	 * reversal may enable it again. Its disable unpatches the object.
	 */
	klpx_for_each_patch(patch) {
		klpx_for_each_object(patch, obj) {
			if (!obj->name || obj->patched ||
			    strcmp(obj->name, mod->name))
				continue;
			ret = klpx_object_coming(obj, mod);
			if (ret) {
				klpx_module_going(mod);
				return ret;
			}
		}
	}
	return 0;
}

static int klpx_module_notify(struct notifier_block *nb, unsigned long action,
			      void *data)
{
	struct module *mod = data;
	int ret = 0;

	mutex_lock(&klpx_mutex);
	if (action == MODULE_STATE_COMING) {
		ret = klpx_module_coming(mod);
		if (!ret) {
			ret = xa_err(xa_store(&klpx_coming_seen,
					      klpx_mod_key(mod), mod,
					      GFP_KERNEL));
			if (ret)
				klpx_module_going(mod);
		}
	} else if (action == MODULE_STATE_LIVE) {
		xa_erase(&klpx_coming_seen, klpx_mod_key(mod));
	} else if (action == MODULE_STATE_GOING) {
		xa_erase(&klpx_coming_seen, klpx_mod_key(mod));
		klpx_module_going(mod);
	}
	/* stacks changed (their hooks went slow): fast where allowed */
	klpx_hooks_refresh();
	mutex_unlock(&klpx_mutex);
	return notifier_from_errno(ret);
}

static struct notifier_block klpx_module_nb = {
	.notifier_call = klpx_module_notify,
	.priority = INT_MAX,	/* before other users see the new module */
};

int klpx_module_notify_init(void)
{
	return register_module_notifier(&klpx_module_nb);
}

void klpx_module_notify_exit(void)
{
	unregister_module_notifier(&klpx_module_nb);
}
