// SPDX-License-Identifier: GPL-2.0
/*
 * transition.c - the per-task consistency model, out of tree.
 *
 * A transition moves every task from the start universe to klpx_target.
 * A task moves only where it cannot be running code the transition
 * replaces (switch points):
 *   - a stack check of a task that is not running (task_call_func);
 *   - an IPI to the CPU of a running task: it checks its own stack;
 *   - its own return to user space (raw_syscalls:sys_exit);
 *   - being switched out (sched:sched_switch), checking its own stack;
 *   - the idle loop (power:cpu_idle), idle CPUs kicked by wake_up_if_idle;
 *   - fork: the child takes the parent's universe.
 * Probes on those tracepoints are registered only while a transition runs.
 * The work retries at once while tasks still move and backs off while
 * nothing changes; after signal_delay_ms, tasks still waiting get a fake
 * signal (user tasks) or a wake-up (interruptible kthreads).
 *
 * Locking: klpx_mutex guards every global below but the universe map bits
 * (atomic bitops, set by probes and IPIs with no lock) and the blocker
 * table (xarray lock).
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/tracepoint.h>
#include <linux/xarray.h>
#include <linux/ftrace.h>
#include <linux/llist.h>
#include "core.h"
#include "callbacks.h"
#include "symbols.h"
#include "patch.h"
#include "hooks.h"
#include "fastpath.h"
#include "universe.h"
#include "stack.h"
#include "blockers.h"
#include "switch_points.h"
#include "trace.h"
#include "transition.h"

static unsigned int signal_delay_ms = 2000;
module_param(signal_delay_ms, uint, 0644);
MODULE_PARM_DESC(signal_delay_ms,
	"wait this long before signalling or waking tasks that block a transition");

/* allocated by klpx_transition_init(), published by _start() (klpx_mutex) */
static struct klpx_universe_map *klpx_umap_next;
struct klpx_patch *klpx_transition_patch;
enum klpx_universe klpx_target;
struct klpx_ranges __rcu *klpx_ranges_cur;

static unsigned int klpx_transition_gen;	/* of the map and its ranges */
static u64 klpx_started_ns;
static unsigned long klpx_started_jiffies;
static unsigned int klpx_backoff_ms;
static bool klpx_signalled;
static void klpx_transition_step(void);
static void klpx_transition_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(klpx_transition_work, klpx_transition_work_fn);
/*
 * Where the passes after a transition's first run: unbound, at nice -20
 * (WQ_HIGHPRI), so that a host saturated with ordinary-priority work
 * cannot starve them; one pass at a time (klpx_mutex serialises them).
 */
static struct workqueue_struct *klpx_transition_wq;

#define KLPX_BACKOFF_MAX_MS	1000

static const char *klpx_universe_verb(enum klpx_universe u)
{
	return u == KLPX_PATCHED ? "patching" : "unpatching";
}

/* the tasks a transition starts with, idle tasks included */
static unsigned int klpx_count_tasks(void)
{
	struct task_struct *g, *t;
	unsigned int n = num_online_cpus();	/* the idle tasks */

	rcu_read_lock();
	for_each_process_thread(g, t)
		n++;
	rcu_read_unlock();
	return n;
}

/* ---- code that must not be on a stack -------------------------------- */

static void klpx_func_range(struct klpx_func *func, enum klpx_universe target,
			    struct klpx_range *r)
{
	struct klpx_func *prev;

	r->func = func;
	if (target == KLPX_UNPATCHED) {
		r->start = (unsigned long)(func->nop ? func->old_func :
						     func->new_func);
		r->end = r->start + (func->nop ? func->old_size :
						 func->new_size);
		return;
	}
	/* patching: the code in use before, the next func or the original */
	prev = klpx_func_below(func);
	if (prev) {
		r->start = (unsigned long)(prev->nop ? prev->old_func :
						     prev->new_func);
		r->end = r->start + (prev->nop ? prev->old_size :
						 prev->new_size);
	} else {
		r->start = (unsigned long)func->old_func;
		r->end = r->start + func->old_size;
	}
}

/*
 * The return address of the ftrace call at the old function's entry: a
 * task stopped there (in the ftrace trampoline, or interrupted in klpx's
 * handler, which a self-check in an IPI can see) may already have been
 * sent to one version or the other, so it must not switch either way.
 */
static void klpx_func_entry_range(struct klpx_func *func, struct klpx_range *r)
{
	unsigned long loc = klpx_ftrace_location((unsigned long)func->old_func);

	r->func = func;
	r->start = loc + MCOUNT_INSN_SIZE;
	r->end = loc ? r->start + 1 : r->start;
}

/*
 * Publishes the ranges of the patch in transition for target @to, and
 * frees the old ones once no switch point can still read them; klpx_mutex
 * held.
 */
static void klpx_ranges_publish(enum klpx_universe to)
{
	struct klpx_patch *patch = klpx_transition_patch;
	struct klpx_ranges *rs, *old;
	struct klpx_object *obj;
	struct klpx_func *func;
	unsigned int nr = 0;

	lockdep_assert_held(&klpx_mutex);
	klpx_for_each_object(patch, obj)
		klpx_for_each_func(obj, func)
			nr += 2;
	rs = kzalloc(struct_size(rs, r, nr), GFP_KERNEL | __GFP_NOFAIL);
	rs->gen = klpx_transition_gen;
	rs->to = to;
	klpx_for_each_object(patch, obj) {
		if (!obj->patched)
			continue;
		klpx_for_each_func(obj, func) {
			klpx_func_range(func, to, &rs->r[rs->nr++]);
			klpx_func_entry_range(func, &rs->r[rs->nr++]);
		}
	}
	old = rcu_replace_pointer(klpx_ranges_cur, rs,
				  lockdep_is_held(&klpx_mutex));
	if (old) {
		/*
		 * The idle probe may read @old where RCU is not watching:
		 * wait for every CPU to schedule, not for a grace period.
		 */
		klpx_sync_handlers();
		kfree(old);
	}
}

/* The objects of the patch in transition changed (a module came or went). */
void klpx_ranges_update(void)
{
	klpx_ranges_publish(klpx_target);
}

/* ---- one task -------------------------------------------------------- */

struct klpx_check_arg {
	const struct klpx_ranges *rs;
	enum klpx_universe to;
	struct klpx_func *hit;
};

/*
 * Under task_call_func: @t cannot start running while we walk it, so it
 * is moved here, before it can enter a function the walk found absent.
 */
static int klpx_check_blocked(struct task_struct *t, void *data)
{
	struct klpx_check_arg *arg = data;
	enum klpx_check ret;

	if (klpx_task_curr(t) && t != current)
		return KLPX_RUNNING;
	/* exited: never moved (universe.h), done once its stack is gone */
	if (t->exit_state)
		return KLPX_EXITING;
	ret = klpx_check_stack(t, arg->rs, &arg->hit);
	if (ret == KLPX_SWITCH_OK)
		klpx_task_move(t, arg->to, KLPX_HOW_STACK_CHECK);
	return ret;
}

/*
 * Called with preemption off in the task itself: at a switch point. A task
 * that has exited (it may be switched out on its way to do_task_dead())
 * is never moved: the exec of a thread of its group may be swapping its
 * pid's bit (universe.h).
 */
bool klpx_self_check_and_move(enum klpx_how how)
{
	struct klpx_ranges *rs = rcu_dereference_sched(klpx_ranges_cur);
	struct klpx_universe_map *m = rcu_dereference_sched(klpx_umap);
	struct klpx_func *hit = NULL;

	if (!m || !rs || current->exit_state)
		return false;
	/* ranges and map of one transition (a CPU may stall between loads) */
	if (rs->gen != m->gen)
		return false;
	/* the target of @rs, not klpx_target: a reversal may be under way */
	if (klpx_umap_get(m, current) == rs->to)
		return false;
	if (klpx_check_stack(current, rs, &hit) != KLPX_SWITCH_OK)
		return false;
	return klpx_task_move(current, rs->to, how);
}

static void klpx_ipi_check(void *info)
{
	struct task_struct *t = info;

	/* the task moved away: the next walk tries again */
	if (current != t)
		return;
	klpx_self_check_and_move(KLPX_HOW_IPI);
}

/* Tries to move one task; returns why it could not, or KLPX_SWITCH_OK. */
static enum klpx_check klpx_try_task(struct task_struct *t,
				     const struct klpx_ranges *rs,
				     enum klpx_universe to)
{
	struct klpx_check_arg arg = { .rs = rs, .to = to };
	enum klpx_check ret;

	if (t == current) {
		/*
		 * the walker itself (the worker, or the task that started
		 * the transition): its own stack, checked in place
		 */
		ret = klpx_check_blocked(t, &arg);
	} else {
		/* 6.1's task_call_func() returns what klpx_check_blocked() did */
		ret = klpx_task_call_func(t, klpx_check_blocked, &arg);
	}
	if (ret == KLPX_SWITCH_OK)
		return ret;
	if (ret == KLPX_RUNNING && !is_idle_task(t)) {
		get_task_struct(t);
		smp_call_function_single(task_cpu(t), klpx_ipi_check, t, 1);
		put_task_struct(t);
		if (klpx_task_in_universe(t, to))
			return KLPX_SWITCH_OK;
	}
	trace_klp_stack_check_fail(t, ret, arg.hit);
	klpx_blocker_note(t, ret, arg.hit);
	return ret;
}

/* ---- the transition -------------------------------------------------- */

/*
 * Walks every task; returns how many are still in the start universe.
 * Runs under rcu_read_lock(), not tasklist_lock, because it sends IPIs and
 * waits for them: a task that joins or moves on the task list during the
 * walk may be missed, which klpx_all_in_target() makes up for.
 */
static unsigned int klpx_walk_tasks(unsigned int *moved)
{
	enum klpx_universe to = klpx_target;
	struct task_struct *g, *t;
	struct klpx_ranges *rs;
	unsigned int left = 0;
	int cpu;

	rcu_read_lock();
	rs = rcu_dereference(klpx_ranges_cur);
	for_each_process_thread(g, t) {
		if (klpx_task_done(t, to))
			continue;
		if (klpx_try_task(t, rs, to) == KLPX_SWITCH_OK)
			(*moved)++;
		else
			left++;
	}
	for_each_online_cpu(cpu) {
		t = klpx_idle_task(cpu);
		if (klpx_task_in_universe(t, to))
			continue;
		if (klpx_try_task(t, rs, to) == KLPX_SWITCH_OK) {
			(*moved)++;
			continue;
		}
		left++;
		klpx_wake_up_if_idle(cpu);
	}
	rcu_read_unlock();
	return left;
}

/*
 * The proof a transition may complete: with tasklist_lock held for
 * reading no task joins or leaves the task list, and every task on it,
 * and every online CPU's idle task, is in the target universe. A task
 * that joins after this took its parent's universe (klpx_probe_newtask(),
 * registered while klpx is loaded), and a parent found here cannot leave
 * the target until the transition ends. A task that exited for good runs
 * nothing again. An offline CPU's idle task runs nothing until the CPU
 * comes back, on a fresh stack.
 */
static bool klpx_all_in_target(void)
{
	enum klpx_universe to = klpx_target;
	struct task_struct *g, *t;
	bool all = true;
	int cpu;

	read_lock(klpx_tasklist_lock);
	for_each_process_thread(g, t) {
		if (!klpx_task_done(t, to)) {
			all = false;
			goto out;
		}
	}
	for_each_online_cpu(cpu) {
		if (!klpx_task_in_universe(klpx_idle_task(cpu), to)) {
			all = false;
			break;
		}
	}
out:
	read_unlock(klpx_tasklist_lock);
	return all;
}

/*
 * Fake signals to user tasks (io_uring threads included) and wake-ups to
 * interruptible kthreads that have not switched. Under tasklist_lock, so
 * that no task releases its sighand meanwhile (__exit_signal()).
 */
static void klpx_send_signals(void)
{
	enum klpx_universe to = klpx_target;
	struct task_struct *g, *t;

	pr_notice("signaling remaining tasks\n");
	read_lock(klpx_tasklist_lock);
	for_each_process_thread(g, t) {
		/*
		 * Never the walker: in a first pass that is the insmod of the
		 * patch module, whose init must not see a pending signal.
		 */
		if (t == current || klpx_task_done(t, to) || t->exit_state)
			continue;
		if (t->flags & PF_KTHREAD) {
			/* only a kthread that sleeps interruptibly is woken */
			if (klpx_wake_up_state(t, TASK_INTERRUPTIBLE))
				trace_klp_task_signal(t, false);
		} else if (t->sighand) {
			spin_lock_irq(&t->sighand->siglock);
			klpx_signal_wake_up_state(t, 0);
			spin_unlock_irq(&t->sighand->siglock);
			trace_klp_task_signal(t, true);
		}
	}
	read_unlock(klpx_tasklist_lock);
}

static void klpx_kick(unsigned int delay_ms)
{
	mod_delayed_work(klpx_transition_wq, &klpx_transition_work,
			 msecs_to_jiffies(delay_ms));
}

int klpx_transition_init(struct klpx_patch *patch, enum klpx_universe target)
{
	struct klpx_universe_map *m;
	struct klpx_object *obj;
	struct klpx_func *func;

	lockdep_assert_held(&klpx_mutex);
	if (WARN_ON(klpx_transition_patch))
		return -EBUSY;
	if (READ_ONCE(*klpx_kprobes_all_disarmed)) {
		pr_err("patch '%s': kprobes are disarmed (/sys/kernel/debug/kprobes/enabled): klpx cannot follow exec during a transition\n",
		       klpx_patch_name(patch));
		return -EBUSY;
	}
	m = klpx_umap_alloc(klpx_other_universe(target), ++klpx_transition_gen);
	if (!m)
		return -ENOMEM;

	pr_debug("'%s': initializing %s transition\n",
		 klpx_patch_name(patch), klpx_universe_verb(target));
	WRITE_ONCE(klpx_target, target);
	klpx_transition_patch = patch;
	/*
	 * The map is published only when the transition starts: until then
	 * no switch point can move a task (a probe left from an earlier
	 * transition finds no map), so no task is in the target universe
	 * before every func of the patch is on its stack, and the handler
	 * sends every task to the start universe.
	 */
	klpx_umap_next = m;
	/*
	 * Publish the target before any func->transition, and a func's
	 * ->transition before the func goes on its stack: pairs with the
	 * first smp_rmb() in klpx_stack_answer().
	 */
	smp_wmb();
	klpx_for_each_object(patch, obj)
		klpx_for_each_func(obj, func)
			WRITE_ONCE(func->transition, true);
	return 0;
}

/*
 * The map and ranges of a finished transition: probes stay registered a
 * while after it (switch_points.c) and may still read them, so they are
 * freed once every CPU has scheduled, by a worker, off the transition's
 * path.
 */
struct klpx_leftover {
	struct llist_node node;
	struct klpx_universe_map *m;
	struct klpx_ranges *rs;
};
static LLIST_HEAD(klpx_leftovers);

static void klpx_free_leftovers_fn(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&klpx_leftovers);
	struct klpx_leftover *l, *tmp;

	if (!list)
		return;
	klpx_sync_handlers();
	llist_for_each_entry_safe(l, tmp, list, node) {
		klpx_umap_free(l->m);
		kfree(l->rs);
		kfree(l);
	}
}
static DECLARE_WORK(klpx_free_leftovers_work, klpx_free_leftovers_fn);

static void klpx_free_later(struct klpx_universe_map *m, struct klpx_ranges *rs)
{
	struct klpx_leftover *l = kmalloc(sizeof(*l), GFP_KERNEL);

	if (!l) {
		klpx_sync_handlers();
		klpx_umap_free(m);
		kfree(rs);
		return;
	}
	l->m = m;
	l->rs = rs;
	llist_add(&l->node, &klpx_leftovers);
	queue_work(system_unbound_wq, &klpx_free_leftovers_work);
}

/* Funcs of @patch leave transition; waits until no handler looks. */
static void klpx_transition_clear(struct klpx_patch *patch)
{
	struct klpx_universe_map *m;
	struct klpx_ranges *rs;
	struct klpx_object *obj;
	struct klpx_func *func;

	klpx_for_each_object(patch, obj)
		klpx_for_each_func(obj, func)
			WRITE_ONCE(func->transition, false);
	klpx_umap_free(klpx_umap_next);
	klpx_umap_next = NULL;
	klpx_probes_unregister();
	/*
	 * No handler still decides by the map (it would see it gone), and
	 * none still sees a func klpx_unpatch_objects() took off its stack.
	 */
	klpx_sync_handlers();
	m = klpx_umap_unpublish();
	rs = rcu_replace_pointer(klpx_ranges_cur, NULL,
				 lockdep_is_held(&klpx_mutex));
	klpx_free_later(m, rs);
	klpx_blockers_clear();
	/* every task is in one universe: hooks may take the fast path */
	klpx_hooks_refresh();
}

/*
 * Takes @patch's funcs off their stacks, then waits for every handler
 * that may have read one: clearing ->transition after this cannot send a
 * task of the unpatched universe to a removed func (a handler that read
 * the func before the removal and the cleared flag after it would).
 * 26-race-paths saw that once in about 10^8 checks before the wait.
 */
static void klpx_transition_unpatch(struct klpx_patch *patch)
{
	klpx_unpatch_objects(patch);
	klpx_sync_handlers();
}

/*
 * The enable failed after klpx_transition_init() and before its
 * transition started: undo it as an unpatching transition that completed
 * at once. The post_unpatch callbacks run (for the objects whose
 * pre_patch ran) with the patch still in transition, as they do at a
 * completion, so klpx_get_prev_state() answers in them.
 */
void klpx_transition_cancel(void)
{
	struct klpx_patch *patch = klpx_transition_patch;
	const char *pname = klpx_patch_name(patch);
	struct klpx_object *obj;

	lockdep_assert_held(&klpx_mutex);
	pr_debug("'%s': canceling patching transition, going to unpatch\n",
		 pname);
	pr_debug("'%s': completing unpatching transition\n", pname);
	klpx_transition_unpatch(patch);
	klpx_transition_clear(patch);
	klpx_for_each_object(patch, obj)
		if (klpx_object_loaded(obj))
			klpx_post_unpatch_callback(obj);
	pr_notice("'%s': unpatching complete\n", pname);
	klpx_transition_patch = NULL;
}

void klpx_transition_start(void)
{
	struct klpx_patch *patch = klpx_transition_patch;

	lockdep_assert_held(&klpx_mutex);
	/* the funcs of @patch are in transition: their hooks go slow */
	klpx_hooks_refresh();
	/*
	 * Publish the map (filled with the start universe) after the slots
	 * went slow and after every func of the patch is on its stack, and
	 * before any task can move: pairs with the second smp_rmb() in
	 * klpx_stack_answer(), and a task that moved (by a switch point that
	 * found this map) reads its slots after that.
	 */
	klpx_umap_publish(klpx_umap_next);
	klpx_umap_next = NULL;
	klpx_ranges_publish(klpx_target);
	klpx_started_ns = ktime_get_ns();
	klpx_started_jiffies = jiffies;
	klpx_backoff_ms = 0;
	klpx_signalled = false;
	trace_klp_transition_start(patch, klpx_target, klpx_count_tasks());
	pr_notice("'%s': starting %s transition\n",
		  klpx_patch_name(patch), klpx_universe_verb(klpx_target));
	klpx_probes_register();
	klpx_transition_step();
}

/*
 * Every task is in the target universe: finish. klpx_transition_patch
 * stays set until the post callbacks have run (klpx_get_prev_state()).
 */
static void klpx_transition_complete(bool forced)
{
	struct klpx_patch *patch = klpx_transition_patch;
	enum klpx_universe target = klpx_target;
	struct klpx_object *obj;

	pr_debug("'%s': completing %s transition\n",
		 klpx_patch_name(patch), klpx_universe_verb(target));
	if (target == KLPX_UNPATCHED)
		klpx_transition_unpatch(patch);
	klpx_transition_clear(patch);
	if (target == KLPX_PATCHED && patch->replace) {
		klpx_replace_complete(patch);
		klpx_hooks_refresh();
	}
	trace_klp_transition_complete(patch, target,
				      ktime_get_ns() - klpx_started_ns,
				      forced);
	klpx_for_each_object(patch, obj) {
		if (!klpx_object_loaded(obj))
			continue;
		if (target == KLPX_PATCHED)
			klpx_post_patch_callback(obj);
		else
			klpx_post_unpatch_callback(obj);
	}
	pr_notice("'%s': %s complete%s\n", klpx_patch_name(patch),
		  klpx_universe_verb(target), forced ? " (forced)" : "");
	klpx_transition_patch = NULL;
	if (target == KLPX_UNPATCHED)
		klpx_free_patch_async(patch);
}

/*
 * One pass of the transition: walk, then complete, or signal when it is
 * time and schedule the next pass. The first pass of a transition runs in
 * the task that started it (the insmod of the patch module, the writer
 * of "enabled", a reversal's writer too), at that task's priority, as the
 * built-in's first try at an enable does: on a saturated host an
 * operator's tool at real-time priority does not wait for a worker to get
 * a CPU. It holds klpx_mutex for the pass, as the built-in holds its
 * klp_mutex. The later passes run on klpx_transition_wq.
 */
static void klpx_transition_step(void)
{
	unsigned int left, moved = 0;

	lockdep_assert_held(&klpx_mutex);
	left = klpx_walk_tasks(&moved);
	if (!left && klpx_all_in_target()) {
		klpx_transition_complete(false);
		return;
	}
	if (!klpx_signalled && time_after(jiffies, klpx_started_jiffies +
				msecs_to_jiffies(signal_delay_ms))) {
		klpx_signalled = true;
		klpx_send_signals();
	}
	/* retry at once while tasks move; back off while nothing changes */
	if (moved || !left)
		klpx_backoff_ms = 1;
	else
		klpx_backoff_ms = min(klpx_backoff_ms * 2 + 1,
				      (unsigned int)KLPX_BACKOFF_MAX_MS);
	klpx_kick(klpx_backoff_ms);
}

static void klpx_transition_work_fn(struct work_struct *work)
{
	mutex_lock(&klpx_mutex);
	if (klpx_transition_patch)
		klpx_transition_step();
	mutex_unlock(&klpx_mutex);
}

/* A switch point moved a task: let the walk look again soon. */
void klpx_transition_poke(void)
{
	if (READ_ONCE(klpx_backoff_ms) > 1)
		klpx_kick(1);
}

void klpx_transition_reverse(void)
{
	struct klpx_patch *patch = klpx_transition_patch;
	enum klpx_universe from = klpx_target, to = klpx_other_universe(from);

	lockdep_assert_held(&klpx_mutex);
	pr_notice("'%s': reversing transition from %s to %s\n",
		  klpx_patch_name(patch), klpx_universe_verb(from),
		  klpx_universe_verb(to));
	pr_notice("'%s': starting %s transition\n", klpx_patch_name(patch),
		  klpx_universe_verb(to));
	/*
	 * The new target's ranges go out with the target in them before
	 * klpx_target changes, and the old ones are gone (every switch point
	 * that read them finished) when this returns: a switch point never
	 * checks against one target's ranges and moves to the other.
	 */
	klpx_ranges_publish(to);
	WRITE_ONCE(klpx_target, to);
	klpx_blockers_clear();
	patch->enabled = to == KLPX_PATCHED;
	klpx_signalled = false;
	klpx_started_jiffies = jiffies;
	trace_klp_transition_reverse(patch, to);
	klpx_backoff_ms = 0;
	klpx_transition_step();
}

/*
 * Force: every task is declared in the target universe. A task may still
 * run code of the other one, so no module that code lives in may go: the
 * patch's own, and, for an atomic replace, those of the patches it
 * replaces (klpx_free_patch() keeps the module of a forced patch).
 */
void klpx_transition_force(void)
{
	struct klpx_patch *patch = klpx_transition_patch, *p;
	struct klpx_universe_map *m;

	lockdep_assert_held(&klpx_mutex);
	pr_warn("patch '%s': forcing the transition: its module stays loaded\n",
		klpx_patch_name(patch));
	m = klpx_umap_locked();
	klpx_umap_fill(m, klpx_target);
	patch->forced = true;
	if (patch->replace && klpx_target == KLPX_PATCHED)
		klpx_for_each_patch(p)
			p->forced = true;
	trace_klp_transition_force(patch, klpx_target);
	klpx_transition_complete(true);
}

int klpx_transition_wq_init(void)
{
	klpx_transition_wq = alloc_workqueue("klpx_transition",
					     WQ_UNBOUND | WQ_HIGHPRI, 1);
	return klpx_transition_wq ? 0 : -ENOMEM;
}

void klpx_transition_exit(void)
{
	cancel_delayed_work_sync(&klpx_transition_work);
	flush_work(&klpx_free_leftovers_work);
	destroy_workqueue(klpx_transition_wq);
}
