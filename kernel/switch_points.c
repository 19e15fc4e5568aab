// SPDX-License-Identifier: GPL-2.0
/*
 * switch_points.c - the switch points on kernel tracepoints: a task's
 * return to user space (sys_exit), a task switched out (sched_switch) and
 * the idle loop (cpu_idle) move the task when it may (transition.c).
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/tracepoint.h>
#include <linux/workqueue.h>
#include <trace/events/power.h>
#include "core.h"
#include "symbols.h"
#include "transition.h"
#include "universe.h"
#include "switch_points.h"

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
int klpx_switch_points_init(void)
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
void klpx_switch_points_exit(void)
{
	WRITE_ONCE(klpx_probes_wanted, false);
	flush_work(&klpx_probes_work);
	klpx_probes_sync_fn(NULL);
}
