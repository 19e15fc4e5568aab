// SPDX-License-Identifier: GPL-2.0
/*
 * hooks.c - registering and releasing the ftrace hook of an old function.
 *
 * A hook is registered when the first func goes on the function's stack
 * and unregistered when the last one has left. It is one of two kinds,
 * chosen when it is made by the parameter direct_calls:
 * - direct (1, the default): an ftrace direct call from the old
 *   function's fentry site to a call slot of klpx.ko (slots.h), with its
 *   fast path. It is ftrace's legacy direct_ops, which other IPMODIFY
 *   users must negotiate with and cannot (it has no ops_func): the
 *   kernel's built-in livepatch and klpx refuse each other's functions
 *   with -EBUSY, both ways, as do a BPF trampoline (fentry/fexit) and klpx;
 * - ftrace_ops (0): an IPMODIFY ftrace_ops whose handler makes the slow
 *   path's choice on every call, as the built-in livepatch does. A BPF
 *   trampoline shares a function with it (ftrace asks the trampoline to
 *   go through the ftrace_ops, either order); another IPMODIFY user
 *   still gets -EBUSY.
 *
 * Registering and unregistering a direct call waits for an RCU-tasks
 * grace period in two cases, which a kthread that rarely schedules
 * voluntarily can stretch for minutes: when ftrace's table of direct calls
 * is empty or grows (register), and when the slot's address loses its last
 * user (unregister). So:
 * - an anchor direct call, on klpx_hooks_anchor() (never called), keeps
 *   that table from being empty. With the parameter hold_anchor (default
 *   1) a worker registers it when klpx loads (and when 1 is written), and
 *   it stays until klpx unloads, so that no enable waits for that grace
 *   period (it took 1-11 s per enable on a saturated host, minutes with
 *   10,000 tasks): klpx is loaded at boot or ahead of need, a patch
 *   often comes when the host is busiest. If that registration failed
 *   (ftrace off) or hold_anchor is 0, klpx's first direct hook registers
 *   the anchor. ftrace refuses sysctl kernel.ftrace_enabled=0 while any
 *   direct call is registered: with hold_anchor=0 the anchor goes after
 *   klpx's last hook (writing 0 releases it at once if no hook is left),
 *   and with no hook (no patch, none parked) klpx then holds no ftrace
 *   direct call;
 * - a hook whose func stack became empty is parked, not released: its
 *   slot is slow, klpx_slow_target() finds the stack empty and lets the
 *   original code run (exactly right for a function no patch replaces),
 *   and the next patch of that function takes it back at no cost;
 * - a hook parked for park_ms (a parameter, 2 s by default), or whose
 *   module goes, or whose last patch's module goes, or all of them when
 *   klpx unloads, is handed to a worker that unregisters it and then
 *   gives its slot back (that grace period is also what makes the slot
 *   free: no task is inside it).
 * A disable, an atomic replace or a failed enable never waits for ftrace;
 * the unload of a module waits for the hooks on it and for the hooks its
 * patch left parked, so the functions are free for any other ftrace user
 * (another live patch, a BPF trampoline) when rmmod returns.
 *
 * Rules:
 * - klpx_hooks_list holds the hooks that serve functions, parked ones too
 *   (klpx_mutex).
 * - klpx_hooks_releasing holds the hooks handed over, still registered
 *   (klpx_release_lock); the worker never takes klpx_mutex, so code under
 *   klpx_mutex may wait for it with klpx_hooks_wait_released().
 * - A function gets a new hook only when no hook of it is still being
 *   released: ftrace allows one direct call per function.
 * - A module's hooks are gone before the module (GOING notifier), so
 *   ftrace never holds a direct call on freed text.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "core.h"
#include "symbols.h"
#include "patch.h"
#include "hooks.h"
#include "slots.h"

LIST_HEAD(klpx_hooks_list);
static LIST_HEAD(klpx_hooks_releasing);
static DEFINE_SPINLOCK(klpx_release_lock);

/*
 * The release, park and anchor works: unbound and high priority, so that
 * on a saturated host they wait for ftrace's grace period, not for a CPU.
 */
static struct workqueue_struct *klpx_hooks_wq;
static void klpx_release_fn(struct work_struct *work);
static DECLARE_WORK(klpx_release_work, klpx_release_fn);
static void klpx_park_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(klpx_park_work, klpx_park_fn);
static void klpx_anchor_fn(struct work_struct *work);
static DECLARE_WORK(klpx_anchor_work, klpx_anchor_fn);

/*
 * Set by klpx_hooks_exit() under the parameters' lock, which the
 * parameters' set callbacks run under: from then on they change the value
 * only (klpx_hooks_wq goes). Until klpx_hooks_start() they change the
 * value only too: klpx is loading.
 */
static bool klpx_hooks_closing = true;

/* read at each park and each look at the parked hooks */
static unsigned int park_ms = 2000;

/* a new park_ms applies at once to the hooks parked already */
static int klpx_park_ms_set(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_uint(val, kp);

	if (!ret && !klpx_hooks_closing)
		mod_delayed_work(klpx_hooks_wq, &klpx_park_work, 0);
	return ret;
}

static const struct kernel_param_ops klpx_park_ms_ops = {
	.set = klpx_park_ms_set,
	.get = param_get_uint,
};
module_param_cb(park_ms, &klpx_park_ms_ops, &park_ms, 0644);
MODULE_PARM_DESC(park_ms,
		 "release a hook this long after its last patch left it (0: at once), unless a new patch takes it back");

/*
 * The anchor's hook, under klpx_anchor_lock, which nests inside klpx_mutex:
 * the anchor work registers it (an RCU-tasks grace period on an empty
 * table) without klpx_mutex, so that klpx's module notifier, and with it
 * every module load on the host, does not wait for that; only a new
 * direct hook made meanwhile does (it needs the anchor), under
 * klpx_mutex, and with it klpx_mutex's other users. Holders of
 * klpx_mutex take klpx_anchor_lock only where they need the anchor's
 * state anyway: a new direct hook, hold_anchor=0, klpx's unload.
 */
static struct klpx_hook *klpx_anchor;
static DEFINE_MUTEX(klpx_anchor_lock);

static bool hold_anchor = true;

/* read when a hook is made; a hook keeps its kind until it is released */
static bool direct_calls = true;
module_param(direct_calls, bool, 0644);
MODULE_PARM_DESC(direct_calls,
		 "hook newly patched functions with a direct call (1: fast path) or an IPMODIFY ftrace_ops (0: BPF fentry/fexit programs can attach to them)");

static void klpx_hook_hand_over(struct klpx_hook *hook);

/*
 * The anchor goes unless held or some hook still needs it; klpx_mutex.
 * Held (the anchor work's case): returns without klpx_anchor_lock.
 */
static void klpx_anchor_put_if_idle(void)
{
	lockdep_assert_held(&klpx_mutex);
	if (READ_ONCE(hold_anchor) || !list_empty(&klpx_hooks_list))
		return;
	mutex_lock(&klpx_anchor_lock);
	if (klpx_anchor) {
		klpx_hook_hand_over(klpx_anchor);
		klpx_anchor = NULL;
	}
	mutex_unlock(&klpx_anchor_lock);
}

/*
 * hold_anchor=0: the anchor is unregistered when the write returns; 1: a
 * worker registers it (the write does not wait for ftrace)
 */
static int klpx_hold_anchor_set(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_bool(val, kp);

	if (ret || klpx_hooks_closing)
		return ret;
	if (READ_ONCE(hold_anchor)) {
		queue_work(klpx_hooks_wq, &klpx_anchor_work);
		return 0;
	}
	/* a pending registration goes; a running one, before klpx_mutex */
	cancel_work_sync(&klpx_anchor_work);
	mutex_lock(&klpx_mutex);
	klpx_anchor_put_if_idle();
	mutex_unlock(&klpx_mutex);
	klpx_hooks_wait_released();
	return 0;
}

static const struct kernel_param_ops klpx_hold_anchor_ops = {
	.set = klpx_hold_anchor_set,
	.get = param_get_bool,
};
module_param_cb(hold_anchor, &klpx_hold_anchor_ops, &hold_anchor, 0644);
MODULE_PARM_DESC(hold_anchor,
		 "keep klpx's anchor ftrace direct call while klpx is loaded (1, fast enables) or only while it has hooks (0: ftrace_enabled=0 possible with no patch)");

struct klpx_hook *klpx_hook_find(unsigned long old_addr)
{
	struct klpx_hook *hook;

	lockdep_assert_held(&klpx_mutex);
	klpx_for_each_hook(hook)
		if (hook->old_addr == old_addr)
			return hook;
	return NULL;
}

static bool klpx_hook_releasing(unsigned long old_addr)
{
	struct klpx_hook *hook;
	bool found = false;

	spin_lock(&klpx_release_lock);
	list_for_each_entry(hook, &klpx_hooks_releasing, node)
		if (hook->old_addr == old_addr)
			found = true;
	spin_unlock(&klpx_release_lock);
	return found;
}

/*
 * Both kinds wait for an RCU-tasks grace period: a direct call when its
 * slot's address loses its only user, a dynamic ftrace_ops always. After
 * it no task is inside the slot or the handler.
 */
static void klpx_hook_unregister(struct klpx_hook *hook)
{
	if (hook->direct) {
		WARN_ON(unregister_ftrace_direct(hook->loc,
						 klpx_slot_addr(hook->slot)));
		return;
	}
	WARN_ON(unregister_ftrace_function(&hook->fops));
	ftrace_free_filter(&hook->fops);
}

/* unregisters the hooks handed over, one at a time, with no lock held */
static void klpx_release_fn(struct work_struct *work)
{
	struct klpx_hook *hook;

	for (;;) {
		spin_lock(&klpx_release_lock);
		hook = list_first_entry_or_null(&klpx_hooks_releasing,
					       struct klpx_hook, node);
		spin_unlock(&klpx_release_lock);
		if (!hook)
			return;
		klpx_hook_unregister(hook);
		klpx_slot_free(hook->slot);
		spin_lock(&klpx_release_lock);
		list_del(&hook->node);
		spin_unlock(&klpx_release_lock);
		/* klpx_hook_lookup_rcu() may have found it in its slot */
		kfree_rcu(hook, rcu);
	}
}

/* Waits until every hook handed over is unregistered. */
void klpx_hooks_wait_released(void)
{
	flush_work(&klpx_release_work);
}

static void klpx_hook_hand_over(struct klpx_hook *hook)
{
	spin_lock(&klpx_release_lock);
	list_add_tail(&hook->node, &klpx_hooks_releasing);
	spin_unlock(&klpx_release_lock);
	queue_work(klpx_hooks_wq, &klpx_release_work);
}

/* hands @hook (parked) to the release worker, and the anchor after the last */
static void klpx_hook_release(struct klpx_hook *hook)
{
	lockdep_assert_held(&klpx_mutex);
	list_del(&hook->node);
	klpx_hook_hand_over(hook);
	klpx_anchor_put_if_idle();
}

/*
 * @hook's func stack is empty, its last func was of patch module @by: park
 * it, released later if still unused, or when @by goes.
 */
void klpx_hook_put(struct klpx_hook *hook, struct module *by)
{
	lockdep_assert_held(&klpx_mutex);
	if (WARN_ON(!list_empty(&hook->func_stack)))
		return;
	klpx_slot_set_slow(hook->slot);
	hook->parked_at = jiffies;
	hook->parked_by = by;
	/* not mod_delayed_work(): puts in a row must not hold off a release */
	queue_delayed_work(klpx_hooks_wq, &klpx_park_work,
			   msecs_to_jiffies(READ_ONCE(park_ms)));
}

/* releases the hooks parked long enough; looks again while some wait */
static void klpx_park_fn(struct work_struct *work)
{
	unsigned long expiry = msecs_to_jiffies(READ_ONCE(park_ms));
	struct klpx_hook *hook, *tmp;
	bool waiting = false;

	mutex_lock(&klpx_mutex);
	list_for_each_entry_safe(hook, tmp, &klpx_hooks_list, node) {
		if (!list_empty(&hook->func_stack))
			continue;
		if (time_after_eq(jiffies, hook->parked_at + expiry))
			klpx_hook_release(hook);
		else
			waiting = true;
	}
	if (waiting)
		mod_delayed_work(klpx_hooks_wq, &klpx_park_work, expiry);
	mutex_unlock(&klpx_mutex);
}

/*
 * @mod goes: the hooks parked on its text are released, so are the hooks
 * its patch left parked (an unloaded patch: the function is free for
 * other users when rmmod returns, and ftrace can be switched off once no
 * hook is left). True if the caller must klpx_hooks_wait_released(),
 * after dropping klpx_mutex, before the module may go.
 */
bool klpx_hooks_release_module(struct module *mod)
{
	struct klpx_hook *hook, *tmp;
	bool wait = false;

	lockdep_assert_held(&klpx_mutex);
	list_for_each_entry_safe(hook, tmp, &klpx_hooks_list, node) {
		if (list_empty(&hook->func_stack) &&
		    (within_module(hook->old_addr, mod) || hook->parked_by == mod))
			klpx_hook_release(hook);
	}
	spin_lock(&klpx_release_lock);
	list_for_each_entry(hook, &klpx_hooks_releasing, node)
		if (within_module(hook->old_addr, mod) || hook->parked_by == mod)
			wait = true;
	spin_unlock(&klpx_release_lock);
	return wait;
}

/*
 * Registers @hook's ftrace_ops. A BPF trampoline on the function answers
 * -EAGAIN while it is being changed (ftrace asks it to share, and it does
 * not wait for its own lock): tried again every 10 ms for up to 1 s, with
 * klpx_mutex held.
 * On failure ftrace may have had the ftrace_ops on its list for a moment
 * without waiting for its callers (its rollback does not): the caller
 * must klpx_sync_handlers() before freeing @hook.
 */
static int klpx_hook_register_fops(struct klpx_hook *hook)
{
	int ret, tries = 100;

	ret = ftrace_set_filter_ip(&hook->fops, hook->loc, 0, 0);
	if (ret)
		return ret;
	do {
		ret = register_ftrace_function(&hook->fops);
		if (ret != -EAGAIN)
			break;
		msleep(10);
	} while (--tries);
	if (ret)
		ftrace_free_filter(&hook->fops);
	return ret;
}

static int klpx_hook_register(struct klpx_hook *hook)
{
	if (hook->direct)
		return register_ftrace_direct(hook->loc, klpx_slot_addr(hook->slot));
	return klpx_hook_register_fops(hook);
}

/*
 * Upstream's words (its selftests compare them); "failed to patch object"
 * and "failed to enable patch '<name>'" follow. -EBUSY: another live patch
 * or IPMODIFY user owns the function, or a BPF trampoline and the hook is
 * direct, or ftrace is off (docs/patch-author.md).
 */
static void klpx_hook_register_failed(struct klpx_func *func, int ret)
{
	pr_err("failed to register ftrace handler for function '%s' (%d)\n",
	       func->old_name, ret);
}

/*
 * Never called: its fentry site holds the anchor direct call, so ftrace's
 * table of direct calls is not empty while klpx has hooks (and from load,
 * with hold_anchor=1).
 */
__attribute__((__noipa__)) noinline void klpx_hooks_anchor(void)
{
	barrier();
}

/*
 * A new hook for @addr, @direct or not, with a slot (the key of
 * klpx_hook_lookup_rcu() for both kinds); NULL (-errno in *@ret) if none.
 */
static struct klpx_hook *klpx_hook_alloc(unsigned long addr, bool direct,
				       int *ret)
{
	struct klpx_hook *hook = kzalloc(sizeof(*hook), GFP_KERNEL);

	*ret = -ENOMEM;
	if (!hook)
		return NULL;
	hook->old_addr = addr;
	hook->loc = klpx_ftrace_location(addr);
	hook->direct = direct;
	/* PERMANENT: ftrace_enabled=0 is refused, as for a direct call */
	hook->fops.func = klpx_hook_handler;
	hook->fops.flags = FTRACE_OPS_FL_DYNAMIC | FTRACE_OPS_FL_SAVE_REGS |
			  FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT;
	INIT_LIST_HEAD(&hook->func_stack);
	*ret = klpx_slot_alloc(hook);
	if (*ret < 0) {
		kfree(hook);
		return NULL;
	}
	hook->slot = *ret;
	*ret = 0;
	return hook;
}

/*
 * The anchor is registered when klpx loads (klpx_anchor_fn()), else before
 * klpx's first direct hook; klpx_anchor_lock held.
 */
static int klpx_anchor_get(void)
{
	unsigned long addr = (unsigned long)klpx_hooks_anchor;
	struct klpx_hook *hook;
	int ret;

	lockdep_assert_held(&klpx_anchor_lock);
	if (klpx_anchor)
		return 0;
	if (klpx_hook_releasing(addr))
		klpx_hooks_wait_released();
	hook = klpx_hook_alloc(addr, true, &ret);
	if (!hook)
		return ret;
	ret = klpx_hook_register(hook);
	if (ret) {
		klpx_slot_free(hook->slot);
		kfree(hook);
		return ret;
	}
	klpx_anchor = hook;
	return 0;
}

/* hold_anchor=1 (at load, or written): the anchor, unless it is there */
static void klpx_anchor_fn(struct work_struct *work)
{
	int ret = 0;

	mutex_lock(&klpx_anchor_lock);
	if (READ_ONCE(hold_anchor) && READ_ONCE(direct_calls))
		ret = klpx_anchor_get();
	mutex_unlock(&klpx_anchor_lock);
	if (ret)
		pr_info("anchor direct call not registered (%d): the first patch registers it\n",
			ret);
}

/*
 * The hook of @func's old function, with @func put on top of its stack; a
 * new one, slow, if there was none. 0, or an errno with one message
 * naming the patch and the function.
 */
int klpx_hook_get(struct klpx_func *func, struct klpx_hook **hookp)
{
	unsigned long addr = (unsigned long)func->old_func;
	unsigned long loc = klpx_ftrace_location(addr);
	const char *pname = klpx_patch_name(func->obj->patch);
	bool direct = READ_ONCE(direct_calls);
	struct klpx_hook *hook;
	int ret;

	hook = klpx_hook_find(addr);
	if (hook) {
		/* calls that read the old top's address were made before */
		klpx_slot_set_slow(hook->slot);
		list_add_rcu(&func->stack_node, &hook->func_stack);
		goto out;
	}

	/* klpx_patch_prepare_object() refused a function without one */
	if (WARN_ON(!loc))
		return -EINVAL;
	if (klpx_hook_releasing(addr))
		klpx_hooks_wait_released();
	if (direct) {
		mutex_lock(&klpx_anchor_lock);
		ret = klpx_anchor_get();
		mutex_unlock(&klpx_anchor_lock);
		if (ret) {
			klpx_hook_register_failed(func, ret);
			return ret;
		}
	}
	hook = klpx_hook_alloc(addr, direct, &ret);
	if (!hook) {
		if (ret == -ENOSPC)
			pr_err("patch '%s': no call slot left for '%s' (%d functions are patched)\n",
			       pname, func->old_name, KLPX_NR_SLOTS);
		goto err_anchor;
	}
	list_add_rcu(&func->stack_node, &hook->func_stack);
	ret = klpx_hook_register(hook);
	if (ret) {
		klpx_hook_register_failed(func, ret);
		goto err_slot;
	}
	list_add(&hook->node, &klpx_hooks_list);
out:
	*hookp = hook;
	return 0;

err_slot:
	list_del_rcu(&func->stack_node);
	/*
	 * ftrace never called a direct hook's slot; a refused ftrace_ops was
	 * on ftrace's list for a moment (klpx_hook_register_fops())
	 */
	if (!hook->direct)
		klpx_sync_handlers();
	klpx_slot_free(hook->slot);
	kfree(hook);
err_anchor:
	klpx_anchor_put_if_idle();
	return ret;
}

/* klpx loads: the anchor's ftrace site must exist, or klpx cannot work */
int klpx_hooks_init(void)
{
	if (!klpx_ftrace_location((unsigned long)klpx_hooks_anchor)) {
		pr_err("no ftrace site in klpx_hooks_anchor: cannot load\n");
		return -ENODEV;
	}
	klpx_hooks_wq = alloc_workqueue("klpx_hooks", WQ_UNBOUND | WQ_HIGHPRI, 0);
	return klpx_hooks_wq ? 0 : -ENOMEM;
}

/*
 * klpx has loaded: the parameters' callbacks may use the workqueue, and
 * with hold_anchor=1 the anchor work registers the anchor (insmod and
 * klpx's module notifier do not wait for it: klpx_anchor_lock).
 */
void klpx_hooks_start(void)
{
	kernel_param_lock(THIS_MODULE);
	klpx_hooks_closing = false;
	if (hold_anchor)
		queue_work(klpx_hooks_wq, &klpx_anchor_work);
	kernel_param_unlock(THIS_MODULE);
}

/* the path of @hook's calls, as the hooks file shows it */
static const char *klpx_hook_path(struct klpx_hook *hook)
{
	if (!hook->direct)
		return "ftrace_ops";
	return klpx_slot_is_fast(hook->slot) ? "fast" : "slow";
}

static int klpx_hooks_show(struct seq_file *m, void *v)
{
	struct klpx_hook *hook;

	seq_puts(m, "# function\tstate\tpath\n");
	/* outside klpx_mutex: the anchor work holds this one for a while */
	mutex_lock(&klpx_anchor_lock);
	if (klpx_anchor)
		seq_printf(m, "%ps\tanchor\t-\n", (void *)klpx_anchor->old_addr);
	mutex_unlock(&klpx_anchor_lock);
	mutex_lock(&klpx_mutex);
	klpx_for_each_hook(hook)
		seq_printf(m, "%ps\t%s\t%s\n", (void *)hook->old_addr,
			   list_empty(&hook->func_stack) ? "parked" : "serving",
			   klpx_hook_path(hook));
	mutex_unlock(&klpx_mutex);
	spin_lock(&klpx_release_lock);
	list_for_each_entry(hook, &klpx_hooks_releasing, node)
		seq_printf(m, "%ps\treleasing\t%s\n", (void *)hook->old_addr,
			   klpx_hook_path(hook));
	spin_unlock(&klpx_release_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klpx_hooks);

int klpx_hooks_file_init(struct dentry *dir)
{
	debugfs_create_file("hooks", 0400, dir, NULL, &klpx_hooks_fops);
	return 0;
}

/* klpx unloads: no patch is left, so every hook is parked or released */
void klpx_hooks_exit(void)
{
	struct klpx_hook *hook, *tmp;

	kernel_param_lock(THIS_MODULE);
	klpx_hooks_closing = true;
	kernel_param_unlock(THIS_MODULE);
	cancel_work_sync(&klpx_anchor_work);
	cancel_delayed_work_sync(&klpx_park_work);
	mutex_lock(&klpx_mutex);
	list_for_each_entry_safe(hook, tmp, &klpx_hooks_list, node)
		if (!WARN_ON(!list_empty(&hook->func_stack)))
			klpx_hook_release(hook);
	mutex_lock(&klpx_anchor_lock);
	if (klpx_anchor) {
		klpx_hook_hand_over(klpx_anchor);
		klpx_anchor = NULL;
	}
	mutex_unlock(&klpx_anchor_lock);
	mutex_unlock(&klpx_mutex);
	klpx_hooks_wait_released();
	destroy_workqueue(klpx_hooks_wq);
}
