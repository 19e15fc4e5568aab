// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - klpx.ko load and unload.
 *
 * The core cannot be removed while a patch exists: every patch module
 * links against klpx_enable_patch(), so the module loader holds klpx.ko
 * for as long as a patch module is loaded.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/module.h>
#include "core.h"
#include "symbols.h"
#include "sysfs.h"
#include "module.h"
#include "hooks.h"
#include "fastpath.h"
#include "slots.h"
#include "transition.h"
#include "universe.h"
#include "switch_points.h"
#include "debugfs.h"

static int __init klpx_init(void)
{
	int ret;

	ret = klpx_symbols_init();
	if (ret)
		return ret;
	klpx_free_wq = alloc_workqueue("klpx_free", WQ_UNBOUND, 0);
	if (!klpx_free_wq)
		return -ENOMEM;
	ret = klpx_transition_wq_init();
	if (ret)
		goto err_wq;
	ret = klpx_slots_init();
	if (ret)
		goto err_transition;
	ret = klpx_universe_follow_init();
	if (ret)
		goto err_slots;
	ret = klpx_hooks_init();
	if (ret)
		goto err_follow;
	ret = klpx_sysfs_init();
	if (ret)
		goto err_hooks;
	ret = klpx_switch_points_init();
	if (ret)
		goto err_sysfs;
	klpx_debugfs_init();
	ret = klpx_module_notify_init();
	if (ret)
		goto err_debugfs;
	klpx_hooks_start();
	pr_info("loaded\n");
	return 0;

err_debugfs:
	klpx_switch_points_exit();
	klpx_debugfs_exit();
err_sysfs:
	klpx_sysfs_exit();
err_hooks:
	klpx_hooks_exit();
err_follow:
	klpx_universe_follow_exit();
err_slots:
	klpx_fastpath_exit();
	klpx_slots_exit();
err_transition:
	klpx_transition_exit();
err_wq:
	destroy_workqueue(klpx_free_wq);
	return ret;
}

/*
 * No patch is left (each patch module holds klpx), but a free work may
 * still be returning from its last module_put(), and hooks may be parked
 * on modules that can still go: the hooks go before the module notifier.
 */
static void __exit klpx_exit(void)
{
	destroy_workqueue(klpx_free_wq);
	/* no probe may kick the transition work after this */
	klpx_switch_points_exit();
	klpx_debugfs_exit();
	klpx_transition_exit();
	klpx_hooks_exit();
	klpx_module_notify_exit();
	klpx_universe_follow_exit();
	klpx_fastpath_exit();
	klpx_slots_exit();
	klpx_sysfs_exit();
	pr_info("unloaded\n");
}

module_init(klpx_init);
module_exit(klpx_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klpx: an observable live patching core");
