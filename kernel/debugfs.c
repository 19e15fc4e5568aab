// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs.c - /sys/kernel/debug/klpx/: the tasks file, the per-task state
 * of the transition (docs/consistency-model.md); hooks.c adds its own.
 */
#define pr_fmt(fmt) "klpx: " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/sched/signal.h>
#include "core.h"
#include "symbols.h"
#include "hooks.h"
#include "transition.h"
#include "universe.h"
#include "stack.h"
#include "blockers.h"
#include "debugfs.h"

static struct dentry *klpx_debugfs_dir;

static void klpx_show_task(struct seq_file *m, struct task_struct *t)
{
	enum klpx_universe u = klpx_task_in_universe(t, KLPX_PATCHED) ?
			       KLPX_PATCHED : KLPX_UNPATCHED;
	const struct klpx_blocker *b = klpx_blocker_find(t);
	bool blocks = !klpx_task_done(t, klpx_target);

	seq_printf(m, "%d\t%s\t%s", t->pid, t->comm,
		   klpx_universe_name(u));
	if (blocks && b)
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
	unsigned long nr_blockers = klpx_blockers_count();
	size_t b = sizeof(struct klpx_blocker);
	struct klpx_universe_map *map;
	size_t map_bytes = 0;

	map = klpx_umap_locked();
	if (map)
		map_bytes = klpx_umap_bytes(map);
	seq_printf(m, "# state_bytes %zu map %zu blockers %lu x %zu\n",
		   map_bytes + nr_blockers * b, map_bytes, nr_blockers, b);
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

/* /sys/kernel/debug/klpx/: the tasks file, and hooks.c's file */
void klpx_debugfs_init(void)
{
	klpx_debugfs_dir = debugfs_create_dir("klpx", NULL);
	debugfs_create_file("tasks", 0400, klpx_debugfs_dir, NULL,
			    &klpx_tasks_fops);
	klpx_hooks_file_init(klpx_debugfs_dir);
}

void klpx_debugfs_exit(void)
{
	debugfs_remove_recursive(klpx_debugfs_dir);
}
