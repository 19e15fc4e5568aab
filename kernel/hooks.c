// SPDX-License-Identifier: GPL-2.0
/*
 * hooks.c - registering and releasing the ftrace hook of an old function.
 *
 * Registering an ftrace_ops is quick; unregistering one is not: ftrace
 * waits for an RCU-tasks grace period per ops (the trampoline of a
 * dynamic ops may be in use by a preempted task), which a task that
 * rarely schedules can stretch for minutes. So a disable, an atomic
 * replace or a failed enable does not unregister anything itself: the
 * hook whose func stack became empty is handed to a worker that
 * unregisters it in the background. Until then its handler finds the
 * stack empty and lets the original code run, which is exactly right for
 * a function no patch replaces.
 *
 * Rules:
 * - klpx_ops_list holds the hooks that serve functions (klpx_mutex).
 * - klpx_ops_releasing holds the hooks handed over, still registered
 *   (klpx_release_lock); the worker never takes klpx_mutex, so code under
 *   klpx_mutex may wait for it with klpx_hooks_wait_released().
 * - A function gets a new hook only when no hook of it is still being
 *   released: two IPMODIFY ops on one function would refuse each other.
 * - A module's hooks are gone before the module (GOING notifier), so
 *   ftrace never holds a filter on freed text.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "klpx.h"
#include "hooks.h"

static LIST_HEAD(klpx_ops_list);
static LIST_HEAD(klpx_ops_releasing);
static DEFINE_SPINLOCK(klpx_release_lock);

static void klpx_release_fn(struct work_struct *work);
static DECLARE_WORK(klpx_release_work, klpx_release_fn);

struct klpx_ops *klpx_hook_find(unsigned long old_addr)
{
	struct klpx_ops *ops;

	lockdep_assert_held(&klpx_mutex);
	list_for_each_entry(ops, &klpx_ops_list, node)
		if (ops->old_addr == old_addr)
			return ops;
	return NULL;
}

static bool klpx_hook_releasing(unsigned long old_addr)
{
	struct klpx_ops *ops;
	bool found = false;

	spin_lock(&klpx_release_lock);
	list_for_each_entry(ops, &klpx_ops_releasing, node)
		if (ops->old_addr == old_addr)
			found = true;
	spin_unlock(&klpx_release_lock);
	return found;
}

/* unregisters the hooks handed over, one at a time, with no lock held */
static void klpx_release_fn(struct work_struct *work)
{
	struct klpx_ops *ops;

	for (;;) {
		spin_lock(&klpx_release_lock);
		ops = list_first_entry_or_null(&klpx_ops_releasing,
					       struct klpx_ops, node);
		spin_unlock(&klpx_release_lock);
		if (!ops)
			return;
		/* waits until no handler runs on it, or can enter it */
		WARN_ON(unregister_ftrace_function(&ops->fops));
		ftrace_free_filter(&ops->fops);
		spin_lock(&klpx_release_lock);
		list_del(&ops->node);
		spin_unlock(&klpx_release_lock);
		kfree(ops);
	}
}

/* Waits until every hook handed over is unregistered. */
void klpx_hooks_wait_released(void)
{
	flush_work(&klpx_release_work);
}

/* @ops's func stack is empty: unregister it in the background. */
void klpx_hook_put(struct klpx_ops *ops)
{
	lockdep_assert_held(&klpx_mutex);
	if (WARN_ON(!list_empty(&ops->func_stack)))
		return;
	list_del(&ops->node);
	spin_lock(&klpx_release_lock);
	list_add_tail(&ops->node, &klpx_ops_releasing);
	spin_unlock(&klpx_release_lock);
	queue_work(system_unbound_wq, &klpx_release_work);
}

/*
 * The hook of @func's old function, registered with @func alone on its
 * stack if there was none. 0, or an errno with one message naming the
 * patch and the function.
 */
int klpx_hook_get(struct klpx_func *func, ftrace_func_t handler,
		  struct klpx_ops **opsp)
{
	unsigned long addr = (unsigned long)func->old_func;
	unsigned long loc = klpx_ftrace_location(addr);
	const char *pname = klpx_patch_name(func->obj->patch);
	struct klpx_ops *ops;
	int ret;

	ops = klpx_hook_find(addr);
	if (ops) {
		list_add_rcu(&func->stack_node, &ops->func_stack);
		goto out;
	}
	if (!loc) {
		pr_err("patch '%s': old_name '%s' cannot be traced by ftrace (notrace)\n",
		       pname, func->old_name);
		return -EINVAL;
	}
	if (klpx_hook_releasing(addr))
		klpx_hooks_wait_released();
	ops = kzalloc(sizeof(*ops), GFP_KERNEL);
	if (!ops)
		return -ENOMEM;
	ops->old_addr = addr;
	ops->fops.func = handler;
	ops->fops.flags = FTRACE_OPS_FL_DYNAMIC | FTRACE_OPS_FL_IPMODIFY |
			  FTRACE_OPS_FL_PERMANENT;
	INIT_LIST_HEAD(&ops->func_stack);

	ret = ftrace_set_filter_ip(&ops->fops, loc, 0, 0);
	if (ret) {
		pr_err("patch '%s': cannot set ftrace filter on '%s' (%d)\n",
		       pname, func->old_name, ret);
		goto err_free;
	}
	list_add_rcu(&func->stack_node, &ops->func_stack);
	ret = register_ftrace_function(&ops->fops);
	if (ret) {
		pr_err("patch '%s': cannot hook '%s' (%d)%s\n", pname,
		       func->old_name, ret,
		       ret == -EBUSY ? ": another live patch or IPMODIFY user owns it" : "");
		goto err_filter;
	}
	list_add(&ops->node, &klpx_ops_list);
out:
	*opsp = ops;
	return 0;

err_filter:
	list_del_rcu(&func->stack_node);
	ftrace_free_filter(&ops->fops);
err_free:
	kfree(ops);
	return ret;
}

static int klpx_hooks_show(struct seq_file *m, void *v)
{
	struct klpx_ops *ops;

	seq_puts(m, "# function\tstate\n");
	mutex_lock(&klpx_mutex);
	list_for_each_entry(ops, &klpx_ops_list, node)
		seq_printf(m, "%ps\tserving\n", (void *)ops->old_addr);
	mutex_unlock(&klpx_mutex);
	spin_lock(&klpx_release_lock);
	list_for_each_entry(ops, &klpx_ops_releasing, node)
		seq_printf(m, "%ps\treleasing\n", (void *)ops->old_addr);
	spin_unlock(&klpx_release_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klpx_hooks);

int klpx_hooks_file_init(struct dentry *dir)
{
	debugfs_create_file("hooks", 0400, dir, NULL, &klpx_hooks_fops);
	return 0;
}

/* klpx unloads: no patch is left, so no hook serves a function */
void klpx_hooks_exit(void)
{
	klpx_hooks_wait_released();
	WARN_ON(!list_empty(&klpx_ops_list));
}
