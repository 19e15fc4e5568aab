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
 * is never patched in (ftrace_module_enable() WARNs and skips direct ops).
 * The loader calls the built-in livepatch's klp_module_coming() right
 * after ftrace_module_enable() and before the notifiers, and it sets
 * mod->klp_alive for every module: a COMING module without it is not
 * loaded for klpx yet, and klpx's COMING notifier will patch it. One with
 * it may be patched at enable (the notifier then finds it patched), also
 * one whose notifiers ran before klpx was loaded.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/module.h>
#include "core.h"
#include "callbacks.h"
#include "symbols.h"
#include "relocs.h"
#include "patch.h"
#include "hooks.h"
#include "fastpath.h"
#include "transition.h"
#include "module.h"

/*
 * The loaded module @name as an object of a patch sees it, or NULL:
 * going, or COMING with its ftrace call sites not enabled yet (klpx's
 * notifier, still to come, will patch it). klpx_mutex held, so klpx's
 * notifiers do not run meanwhile.
 */
struct module *klpx_object_module(const char *name)
{
	struct module *mod = klpx_find_module(name);

	lockdep_assert_held(&klpx_mutex);
	if (mod && mod->state == MODULE_STATE_COMING && !READ_ONCE(mod->klp_alive))
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
	/* relocs.c: zero, to be applied again if the module comes back */
	klpx_relocs_clear(obj);
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
	klpx_relocs_clear(obj);
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
			if (obj->patched || !klpx_object_is(obj, mod->name))
				continue;
			ret = klpx_object_coming(obj, mod);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/*
 * A module that goes (or fails to come) takes its hooks with it, and the
 * hooks its patch left parked: they are released under klpx_mutex and
 * waited for after it, so that the rest of klpx does not wait for ftrace,
 * and before the notifier returns, so that no direct call outlives the
 * module's text (hooks.c).
 */
static int klpx_module_notify(struct notifier_block *nb, unsigned long action,
			      void *data)
{
	struct module *mod = data;
	bool wait = false;
	int ret = 0;

	mutex_lock(&klpx_mutex);
	if (action == MODULE_STATE_COMING)
		ret = klpx_module_coming(mod);
	if (ret || action == MODULE_STATE_GOING) {
		klpx_module_going(mod);
		wait = klpx_hooks_release_module(mod);
	}
	/* stacks changed (their hooks went slow): fast where allowed */
	klpx_hooks_refresh();
	mutex_unlock(&klpx_mutex);
	if (wait)
		klpx_hooks_wait_released();
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
