// SPDX-License-Identifier: GPL-2.0
/*
 * module.c - objects of modules that come and go.
 *
 * A module notifier stands in for the hooks the built-in livepatch has in
 * the module loader. COMING is called after ftrace has the module's call
 * sites and before its init runs; an error there refuses the load. GOING
 * is called when a module is removed or its init failed.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/module.h>
#include "klpx.h"
#include "hooks.h"
#include "transition.h"

static void klpx_object_going(struct klpx_object *obj)
{
	struct klpx_patch *patch = obj->patch;

	if (obj->patched) {
		pr_notice("patch '%s': unpatching going module '%s'\n",
			  klpx_patch_name(patch), obj->name);
		if (patch->enabled)
			klpx_pre_unpatch_callback(obj);
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
	pr_notice("patch '%s': patching coming module '%s'\n",
		  klpx_patch_name(patch), obj->name);
	ret = klpx_pre_patch_callback(obj);
	if (ret) {
		pr_warn("patch '%s': pre_patch of '%s' refused the module (%d)\n",
			klpx_patch_name(patch), obj->name, ret);
		goto err;
	}
	/* the module never ran: in transition, its funcs are too */
	klpx_for_each_func(obj, func)
		WRITE_ONCE(func->transition, patch == klpx_transition_patch);
	ret = klpx_patch_object(obj);
	if (ret) {
		klpx_post_unpatch_callback(obj);
		goto err;
	}
	if (patch == klpx_transition_patch)
		klpx_ranges_update();
	else
		klpx_post_patch_callback(obj);
	return 0;
err:
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

	klpx_for_each_patch(patch) {
		/* a patch on its way out has nothing to give a new module */
		if (!patch->enabled)
			continue;
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
	if (action == MODULE_STATE_COMING)
		ret = klpx_module_coming(mod);
	else if (action == MODULE_STATE_GOING)
		klpx_module_going(mod);
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
