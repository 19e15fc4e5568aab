/* SPDX-License-Identifier: GPL-2.0 */
/* tasks.h - switch-point probes, blockers and the per-task state file */
#ifndef _KLPX_TASKS_H
#define _KLPX_TASKS_H

#include <linux/sched.h>
#include <klpx/events.h>

struct klpx_func;

void klpx_probes_register(void);
void klpx_probes_unregister(void);
unsigned int klpx_count_tasks(void);
void klpx_blocker_note(struct task_struct *t, enum klpx_check why,
		       struct klpx_func *func);
void klpx_blockers_clear(void);
int klpx_tasks_file_init(void);
void klpx_tasks_file_exit(void);

#endif /* _KLPX_TASKS_H */
