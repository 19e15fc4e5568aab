// SPDX-License-Identifier: GPL-2.0
/*
 * tasks.c - the switch points on kernel tracepoints, the record of why
 * tasks block a transition, and /sys/kernel/debug/klpx/tasks.
 *
 * Blockers: one entry per task whose last check failed, keyed by pid (idle
 * tasks by KLPX_IDLE_KEY + cpu). Written only by the transition work and
 * read only by the state file, both under klpx_mutex; emptied when the
 * transition ends. A pid reused by a new task is told apart by start_time.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sched/signal.h>
#include <linux/tracepoint.h>
#include <linux/xarray.h>
#include <trace/events/power.h>
#include "klpx.h"
#include "transition.h"
#include "stack.h"
#include "tasks.h"
#include "hooks.h"

#define KLPX_IDLE_KEY	(1UL << 30)

struct klpx_blocker {
	u64 start_time;		/* of the task, to tell reused pids apart */
	enum klpx_check why;
	struct klpx_func *func;	/* on the stack, for KLPX_FUNC_ON_STACK */
	unsigned int fails;
	unsigned long since;	/* jiffies of the first failed check */
};

static DEFINE_XARRAY(klpx_blockers);

static unsigned long klpx_task_key(struct task_struct *t)
{
	return t->pid ? t->pid : KLPX_IDLE_KEY + task_cpu(t);
}

/* From the transition work, under rcu_read_lock() and klpx_mutex. */
void klpx_blocker_note(struct task_struct *t, enum klpx_check why,
		       struct klpx_func *func)
{
	unsigned long key = klpx_task_key(t);
	struct klpx_blocker *b = xa_load(&klpx_blockers, key);

	if (!b || b->start_time != t->start_time) {
		if (!b) {
			b = kzalloc(sizeof(*b), GFP_ATOMIC);
			if (!b)
				return;
			if (xa_err(xa_store(&klpx_blockers, key, b, GFP_ATOMIC))) {
				kfree(b);
				return;
			}
		}
		memset(b, 0, sizeof(*b));
		b->start_time = t->start_time;
		b->since = jiffies;
	}
	b->why = why;
	b->func = func;
	b->fails++;
}

void klpx_blockers_clear(void)
{
	struct klpx_blocker *b;
	unsigned long key;

	xa_for_each(&klpx_blockers, key, b) {
		xa_erase(&klpx_blockers, key);
		kfree(b);
	}
}

unsigned int klpx_count_tasks(void)
{
	struct task_struct *g, *t;
	unsigned int n = num_online_cpus();	/* the idle tasks */

	rcu_read_lock();
	for_each_process_thread(g, t)
		n++;
	rcu_read_unlock();
	return n;
}

/* ---- probes ------------------------------------------------------------ */

static void klpx_probe_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	enum klpx_universe to = READ_ONCE(klpx_target);

	/* on its way to user space: no kernel function of it is running */
	if (!klpx_task_in_universe(current, to) &&
	    klpx_task_move(current, to, KLPX_HOW_SYSCALL_EXIT))
		klpx_transition_poke();
}

static void klpx_probe_sched_switch(void *data, bool preempt,
				    struct task_struct *prev,
				    struct task_struct *next,
				    unsigned int prev_state)
{
	if (!klpx_task_in_universe(prev, READ_ONCE(klpx_target)) &&
	    klpx_self_check_and_move(KLPX_HOW_SCHED_SWITCH))
		klpx_transition_poke();
}

static void klpx_probe_cpu_idle(void *data, unsigned int state,
				unsigned int cpu)
{
	if (state == PWR_EVENT_EXIT || !is_idle_task(current))
		return;
	if (!klpx_task_in_universe(current, READ_ONCE(klpx_target)) &&
	    klpx_self_check_and_move(KLPX_HOW_IDLE))
		klpx_transition_poke();
}

struct klpx_probe {
	const char *name;
	void *fn;
	struct tracepoint *tp;
};

/*
 * Registering a probe on sys_exit, sched_switch and cpu_idle costs
 * hundreds of milliseconds under load (text patching, and sys_exit flags
 * every task), as does unregistering (an RCU grace period). So neither is
 * done on a transition's path: klpx_probes_register()/_unregister() say
 * what is wanted and a worker gets there. The stack-check walk completes a
 * transition on its own; the probes only speed it up, and they do nothing
 * while no universe map exists.
 *
 * klpx_probes_lock serialises the worker; klpx_probes_on is what is
 * registered (under it), klpx_probes_wanted what should be.
 */
static DEFINE_MUTEX(klpx_probes_lock);
static bool klpx_probes_on;
static bool klpx_probes_wanted;

static struct klpx_probe klpx_probes[] = {
	{ "sys_exit", klpx_probe_sys_exit },
	{ "sched_switch", klpx_probe_sched_switch },
	{ "cpu_idle", klpx_probe_cpu_idle },
};

/* Resolves the tracepoints at load; a missing one refuses the load. */
static int klpx_probes_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(klpx_probes); i++) {
		klpx_probes[i].tp = klpx_tracepoint(klpx_probes[i].name);
		if (!klpx_probes[i].tp) {
			pr_err("kernel tracepoint '%s' not found: cannot load\n",
			       klpx_probes[i].name);
			return -ENOENT;
		}
	}
	return 0;
}

static void klpx_probes_attach(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(klpx_probes); i++) {
		ret = tracepoint_probe_register(klpx_probes[i].tp,
						klpx_probes[i].fn, NULL);
		/* the stack-check walk still completes the transition */
		if (ret)
			pr_warn("cannot probe '%s' (%d): that switch point is off\n",
				klpx_probes[i].name, ret);
	}
	klpx_probes_on = true;
}

static void klpx_probes_detach(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(klpx_probes); i++)
		tracepoint_probe_unregister(klpx_probes[i].tp,
					    klpx_probes[i].fn, NULL);
	tracepoint_synchronize_unregister();
	klpx_probes_on = false;
}

static void klpx_probes_sync_fn(struct work_struct *work)
{
	mutex_lock(&klpx_probes_lock);
	if (READ_ONCE(klpx_probes_wanted) && !klpx_probes_on)
		klpx_probes_attach();
	else if (!READ_ONCE(klpx_probes_wanted) && klpx_probes_on)
		klpx_probes_detach();
	mutex_unlock(&klpx_probes_lock);
}
static DECLARE_WORK(klpx_probes_work, klpx_probes_sync_fn);

/* A transition starts: the probes are wanted, soon. */
void klpx_probes_register(void)
{
	WRITE_ONCE(klpx_probes_wanted, true);
	queue_work(system_unbound_wq, &klpx_probes_work);
}

/* No transition runs: the probes go, in the background. */
void klpx_probes_unregister(void)
{
	WRITE_ONCE(klpx_probes_wanted, false);
	queue_work(system_unbound_wq, &klpx_probes_work);
}

/* klpx unloads: no probe may stay behind */
static void klpx_probes_exit(void)
{
	WRITE_ONCE(klpx_probes_wanted, false);
	flush_work(&klpx_probes_work);
	klpx_probes_sync_fn(NULL);
}

/* ---- /sys/kernel/debug/klpx/tasks -------------------------------------- */

static struct dentry *klpx_debugfs_dir;

static void klpx_show_task(struct seq_file *m, struct task_struct *t)
{
	enum klpx_universe u = klpx_task_in_universe(t, KLPX_PATCHED) ?
			       KLPX_PATCHED : KLPX_UNPATCHED;
	struct klpx_blocker *b = xa_load(&klpx_blockers, klpx_task_key(t));
	bool blocks = !klpx_task_done(t, klpx_target);

	seq_printf(m, "%d\t%s\t%s", t->pid, t->comm,
		   klpx_universe_name(u));
	if (blocks && b && b->start_time == t->start_time)
		seq_printf(m, "\t%s\t%s\t%u\t%u\n", klpx_check_name(b->why),
			   b->func ? b->func->old_name : "-", b->fails,
			   jiffies_to_msecs(jiffies - b->since));
	else
		seq_printf(m, "\t%s\t-\t0\t0\n", blocks ? "pending" : "-");
}

/*
 * What the transition's per-task state takes: the universe map and the
 * blocker records (the xarray's own nodes are not counted).
 */
static void klpx_show_state_bytes(struct seq_file *m)
{
	struct klpx_universe_map *map;
	unsigned long idx, nr_blockers = 0;
	struct klpx_blocker *b;
	size_t map_bytes = 0;

	map = klpx_umap_locked();
	if (map)
		map_bytes = klpx_umap_bytes(map);
	xa_for_each(&klpx_blockers, idx, b)
		nr_blockers++;
	seq_printf(m, "# state_bytes %zu map %zu blockers %lu x %zu\n",
		   map_bytes + nr_blockers * sizeof(*b), map_bytes,
		   nr_blockers, sizeof(*b));
}

static int klpx_tasks_show(struct seq_file *m, void *v)
{
	struct task_struct *g, *t;
	int cpu;

	mutex_lock(&klpx_mutex);
	if (!klpx_transition_patch) {
		seq_puts(m, "# no transition\n");
		klpx_show_state_bytes(m);
		goto out;
	}
	seq_printf(m, "# patch %s target %s\n",
		   klpx_patch_name(klpx_transition_patch),
		   klpx_universe_name(klpx_target));
	klpx_show_state_bytes(m);
	seq_puts(m, "# pid\tcomm\tuniverse\treason\tfunction\tfails\twaiting_ms\n");
	rcu_read_lock();
	for_each_process_thread(g, t)
		klpx_show_task(m, t);
	for_each_online_cpu(cpu)
		klpx_show_task(m, klpx_idle_task(cpu));
	rcu_read_unlock();
out:
	mutex_unlock(&klpx_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(klpx_tasks);

int klpx_tasks_file_init(void)
{
	int ret = klpx_probes_init();

	if (ret)
		return ret;
	klpx_debugfs_dir = debugfs_create_dir("klpx", NULL);
	debugfs_create_file("tasks", 0400, klpx_debugfs_dir, NULL,
			    &klpx_tasks_fops);
	klpx_hooks_file_init(klpx_debugfs_dir);
	return 0;
}

void klpx_tasks_file_exit(void)
{
	klpx_probes_exit();
	debugfs_remove_recursive(klpx_debugfs_dir);
}
