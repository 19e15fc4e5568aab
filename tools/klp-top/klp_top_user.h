/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * klp_top_user.h - klp-top's user side: what is collected each interval
 * and how it is shown.  collect.c fills struct view from the BPF maps, the
 * ring buffer and the core's files; text.c, json.c and tui.c show it.
 * What the BPF side sends is in bpf/klp_top.h.
 */
#ifndef _KLP_TOP_USER_H
#define _KLP_TOP_USER_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "klp_top.h"

#define KLPX_SYSFS	"/sys/kernel/klpx"
#define LIVEPATCH_SYSFS	"/sys/kernel/livepatch"	/* the built-in core */
#define KLPX_TASKS	"/sys/kernel/debug/klpx/tasks"
#define RECENT_MAX	1024	/* recent events kept for display */

enum core { CORE_KLPX, CORE_BUILTIN, CORE_AUTO };

/*
 * -s: the order of the task rows (blockers always first, then these keys,
 * then pid) and of the functions (these keys, then name).
 */
enum sort_key { SORT_WAIT, SORT_FAILS, SORT_PID, SORT_COMM, SORT_NR };
enum fsort_key { FSORT_RATE, FSORT_TOTAL, FSORT_NEW, FSORT_OLD, FSORT_NAME,
		 FSORT_NR };
struct task_order {
	int n;
	enum sort_key key[SORT_NR];
};
struct func_order {
	int n;
	enum fsort_key key[FSORT_NR];
};

/* -p: the tasks shown (none given: every task) */
#define PIDS_MAX	64
struct pid_set {
	int n;
	__u32 pid[PIDS_MAX];
};
bool pid_shown(const struct pid_set *s, __u32 pid);

struct options {
	enum core core;		/* --core; klpx by default */
	bool core_set;		/* --core was given */
	const char *prometheus;	/* --prometheus FILE */
	const char *preflight;	/* --preflight PATCH.ko */
	const char *preflight_funcs;	/* --preflight-funcs f1,f2 */
	double interval;	/* -d, seconds */
	long count;		/* -n, 0 = forever */
	bool batch;		/* -b */
	bool json;		/* --json */
	bool all_tasks;		/* --tasks: list every known task */
	bool raw_tp;		/* --raw-tp: skip tp_btf */
	bool verbose;		/* -v: libbpf's messages */
	bool wait;		/* --wait */
	const char *wait_patch;	/* --wait PATCH, or NULL for any */
	double timeout;		/* --timeout, seconds; 0 = none */
	struct task_order sort;	/* -s, task keys; default wait */
	struct func_order fsort;	/* -s, function keys; default rate,total */
	struct pid_set pids;	/* -p */
	bool pids_set, sort_set;	/* -p, -s given */
};

struct func_row {
	__u64 addr;
	char name[KLP_TOP_NAME_LEN];
	__u64 to_new, to_old;		/* totals (klpx: since each patch's enable) */
	double new_rate, old_rate;	/* per second, last interval */
};

struct task_row {
	__u32 pid;
	struct klp_top_task t;
	bool seeded;			/* from the tasks file, not an event */
};

struct view {
	double now;			/* CLOCK_MONOTONIC, seconds */
	double elapsed;			/* of the interval just ended */
	enum core core;			/* the core watched (never auto) */
	const char *sysfs;		/* its sysfs directory */
	const char *attach;		/* "tp_btf", "raw_tp" or "fentry" */
	struct pid_set pids;		/* -p: task rows and task events kept */
	struct klp_top_progress prog;
	bool in_transition;		/* sysfs: some patch's transition is 1 */
	char sysfs_patch[KLP_TOP_NAME_LEN];	/* ... that patch */
	bool seeded;			/* started mid-transition */
	/* what the tasks file said at the seed, added to the BPF side's
	 * counters of that generation when read (never written back: the
	 * BPF programs count into the same map meanwhile) */
	__u32 seed_gen, seed_nr, seed_switched;
	__u64 seed_fails;
	char missing[512];		/* probe points the kernel lacks */
	struct func_row *funcs;
	int nr_funcs;
	struct task_row *tasks;		/* every record of this transition
					 * (of -p's tasks only) */
	int nr_tasks;
	int nr_blockers;		/* the first ones of @tasks, sorted */
	unsigned long universes[2];	/* records per universe (every task) */
	struct klp_top_event recent[RECENT_MAX];	/* ring of recent events
							 * (-p: other tasks'
							 * task events left out) */
	unsigned long nr_recent;	/* ever received and kept */
	unsigned long interval_first;	/* nr_recent at the last snapshot but one */
	unsigned long last_snap;	/* nr_recent at the last snapshot */
	__u64 events, dropped, task_map_full;
	/* the BPF side of this core: its ring buffer and the maps of
	 * bpf/klp_top_maps.bpf.h, in whichever object the core needs */
	struct ring_buffer *rb;
	int progress_fd, tasks_fd, stats_fd;
};

/*
 * What klp-top watches: one core, or with --core auto every core the host
 * has (klpx if loaded, the built-in livepatch if the kernel has it).  Of
 * those, each interval shows the ones with a patch in transition, or all
 * of them when none has one (cores_shown()).
 */
#define CORES_MAX	2
struct cores {
	struct view *v[CORES_MAX];
	int n;
	bool any;			/* --core auto */
};

/* collect.c */
int collect_open(const struct options *o, struct view *v);
int collect_poll(struct view *v, int ms);
int cores_open(const struct options *o, struct cores *c);
int cores_poll(struct cores *c, int ms);
void cores_snapshot(struct cores *c, const struct options *o);
int cores_shown(const struct cores *c, struct view **shown);
void cores_close(struct cores *c);
void collect_snapshot(struct view *v, const struct options *o);
void collect_close(struct view *v);
bool transition_running(const char *dir, const char *patch, char *name,
			size_t len);
const char *core_name(enum core c);
bool duration_at_least(const struct view *v);
int read_line(const char *path, char *buf, size_t len);
double mono_now(void);
void set_rates(struct view *v, struct func_row *rows, int n);
void calls_snapshot(struct view *v);

/* builtin.c: the kernel's built-in livepatch */
int builtin_open(struct view *v, bool verbose, int *progress_fd,
		 int *tasks_fd, int *stats_fd, int *events_fd);
void builtin_seed(struct view *v);
void builtin_snapshot(struct view *v);
bool builtin_task_blocks(const struct view *v, __u32 pid);
void builtin_close(void);

/* names.c */
const char *universe_name(int u);
int universe_from_word(const char *word);
const char *reason_name(int r);
int reason_from_file(const char *file);
/* struct klp_top_task.how of a task seeded from the tasks file, switched before */
#define KLP_TOP_HOW_SEEDED	(-2)
const char *how_name(int h);
const char *type_name(unsigned int t);
int format_event(char *buf, size_t len, const struct klp_top_event *e,
		 double t0);

/* text.c, json.c, tui.c */
void print_text(FILE *f, const struct view *v, const struct options *o);
void print_json(FILE *f, const struct view *v, const struct options *o);
void print_json_cores(FILE *f, struct view **v, int n,
		      const struct options *o);
void print_blockers(FILE *f, const struct view *v);
int tui_run(struct cores *c, struct options *o);
void print_cores(FILE *f, struct cores *c, const struct options *o);

/* preflight.c */
int run_preflight(const struct options *o);

/* prom.c */
#include <signal.h>
int run_prometheus(struct options *o, volatile sig_atomic_t *stop);

#endif
