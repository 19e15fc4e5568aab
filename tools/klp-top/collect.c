// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * collect.c - fills klp-top's view: loads and attaches bpf/klp_top.bpf.c,
 * drains its ring buffer, reads its maps, and reads klpx's own files
 * (sysfs for which patch is in transition; the per-task state file to
 * seed the view when klp-top starts in the middle of a transition).
 * For the built-in livepatch (--core builtin), builtin.c loads
 * bpf/klp_top_builtin.bpf.c instead; the maps they share are read here.
 */
#define _GNU_SOURCE		/* qsort_r */
#include <errno.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "klp_top_user.h"
#include "klp_top.skel.h"
#include "klpx/events.h"

static struct klp_top_bpf *skel;	/* klpx's; the built-in's is builtin.c's */
static int nr_cpus;
static bool verbose;

const char *core_name(enum core c)
{
	return c == CORE_BUILTIN ? "builtin" : c == CORE_KLPX ? "klpx" : "auto";
}

/*
 * The last transition's duration is a lower bound: the built-in core's is
 * klp-top's own measure, from its start when the transition began before
 * it (klpx's comes from klpx).
 */
bool duration_at_least(const struct view *v)
{
	return v->core == CORE_BUILTIN && v->seeded &&
	       v->prog.gen == v->seed_gen;
}

double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	return verbose ? vfprintf(stderr, fmt, ap) : 0;
}

/* true when -p gave no pid, or gave @pid */
bool pid_shown(const struct pid_set *s, __u32 pid)
{
	for (int i = 0; i < s->n; i++)
		if (s->pid[i] == pid)
			return true;
	return !s->n;
}

/*
 * One event from the ring buffer into the view's recent ones.  With -p,
 * a task event of another task is left out here, so that no output shows
 * or counts it; an event about a patch, an object or the transition is
 * kept (it is about no task).
 */
static int on_event(void *ctx, void *data, size_t size)
{
	const struct klp_top_event *e = data;
	struct view *v = ctx;

	if (size < sizeof(struct klp_top_event))
		return 0;
	if (klp_top_event_is_task(e) && !pid_shown(&v->pids, e->pid))
		return 0;
	memcpy(&v->recent[v->nr_recent % RECENT_MAX], data,
	       sizeof(struct klp_top_event));
	v->nr_recent++;
	return 0;
}

/* reads a small sysfs file; returns its first line without the newline */
int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/*
 * Whether @patch (or, when NULL, any patch) is in transition, from
 * @sysfs/<patch>/transition (@sysfs: /sys/kernel/klpx or
 * /sys/kernel/livepatch).  @name gets the patch's name.
 */
bool transition_running(const char *sysfs, const char *patch, char *name,
			size_t len)
{
	char path[512], val[16];
	struct dirent *d;
	bool found = false;
	DIR *dir;

	dir = opendir(sysfs);
	if (!dir)
		return false;
	while (!found && (d = readdir(dir))) {
		if (d->d_name[0] == '.' || (patch && strcmp(patch, d->d_name)))
			continue;
		snprintf(path, sizeof(path), "%s/%s/transition", sysfs,
			 d->d_name);
		if (read_line(path, val, sizeof(val)) || strcmp(val, "1"))
			continue;
		found = true;
		if (name)
			snprintf(name, len, "%s", d->d_name);
	}
	closedir(dir);
	return found;
}

static void set_autoload(bool raw)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, skel->obj) {
		bool is_raw = !strncmp(bpf_program__name(prog), "raw_", 4);

		bpf_program__set_autoload(prog, is_raw == raw);
	}
}

/* opens, loads and attaches one flavour; 0 or a negative errno */
static int attach(bool raw)
{
	int err;

	skel = klp_top_bpf__open();
	if (!skel)
		return -errno;
	set_autoload(raw);
	err = klp_top_bpf__load(skel);
	if (!err)
		err = klp_top_bpf__attach(skel);
	if (err) {
		klp_top_bpf__destroy(skel);
		skel = NULL;
	}
	return err;
}

static int explain(int err)
{
	if (err == -EPERM || err == -EACCES)
		fprintf(stderr, "klp-top: not allowed to load BPF programs: run as root (CAP_BPF and CAP_PERFMON)\n");
	else if (access("/sys/kernel/btf/klpx", F_OK))
		fprintf(stderr, "klp-top: klpx.ko has no BTF (/sys/kernel/btf/klpx missing): rebuild it with pahole\n");
	else
		fprintf(stderr, "klp-top: cannot attach to the klp tracepoints: %s (-v shows why)\n",
			strerror(-err));
	return err;
}

/*
 * Seeds the BPF maps from the core's per-task file when a transition is
 * already running: progress (patch, target, tasks, switched) and one
 * record per task, marked as seeded (how = KLP_TOP_HOW_SEEDED).
 */
static void seed(struct view *v)
{
	struct klp_top_progress p = {};
	char line[512], patch[KLP_TOP_NAME_LEN], target[16];
	__u32 zero = 0, gen, nr = 0, switched = 0;
	__u64 fails_before = 0;
	__u64 now_ns = (__u64)(mono_now() * 1e9);
	FILE *f;

	if (bpf_map_lookup_elem(v->progress_fd, &zero, &p) ||
	    p.active || !transition_running(KLPX_SYSFS, NULL, NULL, 0))
		return;
	f = fopen(KLPX_TASKS, "r");
	if (!f)
		return;
	if (!fgets(line, sizeof(line), f) ||
	    sscanf(line, "# patch %55s target %15s", patch, target) != 2)
		goto out;
	gen = p.gen + 1;
	memset(&p, 0, sizeof(p));
	p.gen = gen;
	p.target = universe_from_word(target) == KLPX_PATCHED;
	p.start_ns = now_ns;
	p.active = 1;
	snprintf(p.patch, sizeof(p.patch), "%s", patch);
	/* the new generation first: events from now on write into it */
	bpf_map_update_elem(v->progress_fd, &zero, &p, 0);
	while (fgets(line, sizeof(line), f)) {
		struct klp_top_task t = { .gen = gen, .how = -1 };
		char uni[16], reason[32], func[KLP_TOP_NAME_LEN];
		unsigned int fails, waiting;
		__u32 pid;

		if (line[0] == '#' ||
		    sscanf(line, "%u\t%15[^\t]\t%15[^\t]\t%31[^\t]\t%55[^\t]\t%u\t%u", &pid,
			   t.comm, uni, reason, func, &fails, &waiting) != 7)
			continue;
		nr++;
		t.universe = universe_from_word(uni);
		if (t.universe == p.target) {
			switched++;
			t.how = KLP_TOP_HOW_SEEDED;
		} else if (fails) {
			t.reason = reason_from_file(reason);
			t.fails = fails;
			fails_before += fails;
			t.first_fail_ns = now_ns - waiting * 1000000ULL;
			t.last_fail_ns = now_ns;
			if (strcmp(func, "-"))
				snprintf(t.func, sizeof(t.func), "%s", func);
		}
		/* the file is newer than any record of an older generation */
		bpf_map_update_elem(v->tasks_fd, &pid, &t,
				    BPF_ANY);
	}
	/*
	 * counters: what the file says plus what the BPF side counts from
	 * the new generation on; the header's failed checks include the
	 * rows' (the file knows those of tasks still blocked, not of those
	 * gone). Added at each read (collect_snapshot()): a read-modify-
	 * write of the map here would lose the events counted meanwhile.
	 */
	v->seed_gen = gen;
	v->seed_nr = nr;
	v->seed_switched = switched;
	v->seed_fails = fails_before;
	v->seeded = true;
out:
	fclose(f);
}

static int open_builtin(struct view *v)
{
	int events_fd, err;

	v->attach = "fentry";
	nr_cpus = libbpf_num_possible_cpus();
	if (nr_cpus <= 0)
		return nr_cpus ? nr_cpus : -EINVAL;
	err = builtin_open(v, verbose, &v->progress_fd, &v->tasks_fd,
			   &v->stats_fd, &events_fd);
	if (err)
		return err;
	v->rb = ring_buffer__new(events_fd, on_event, v, NULL);
	if (!v->rb) {
		err = -errno;
		fprintf(stderr, "klp-top: no ring buffer: %s\n", strerror(-err));
		collect_close(v);
		return err;
	}
	v->now = mono_now();
	return 0;
}

int collect_open(const struct options *o, struct view *v)
{
	int err;

	verbose = o->verbose;
	libbpf_set_print(print_libbpf);
	v->core = o->core;	/* never auto: cores_open() splits it */
	v->pids = o->pids;
	v->sysfs = v->core == CORE_BUILTIN ? LIVEPATCH_SYSFS : KLPX_SYSFS;
	if (v->core == CORE_BUILTIN)
		return open_builtin(v);
	if (access(KLPX_SYSFS, F_OK)) {
		fprintf(stderr, "klp-top: klpx is not loaded (no %s)\n",
			KLPX_SYSFS);
		return -ENOENT;
	}
	nr_cpus = libbpf_num_possible_cpus();
	if (nr_cpus <= 0)
		return explain(nr_cpus ? nr_cpus : -EINVAL);
	v->attach = "tp_btf";
	err = o->raw_tp ? -EOPNOTSUPP : attach(false);
	if (err && err != -EPERM && err != -EACCES) {
		v->attach = "raw_tp";
		err = attach(true);
	}
	if (err)
		return explain(err);
	v->progress_fd = bpf_map__fd(skel->maps.progress);
	v->tasks_fd = bpf_map__fd(skel->maps.tasks);
	v->stats_fd = bpf_map__fd(skel->maps.stats);
	v->rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, v,
				 NULL);
	if (!v->rb) {
		err = -errno;
		collect_close(v);
		return explain(err);
	}
	seed(v);
	v->now = mono_now();
	return 0;
}

static void read_stats(struct view *v)
{
	struct klp_top_stats s[nr_cpus];
	__u32 zero = 0;

	v->events = v->dropped = v->task_map_full = 0;
	if (bpf_map_lookup_elem(v->stats_fd, &zero, s))
		return;
	for (int i = 0; i < nr_cpus; i++) {
		v->events += s[i].events;
		v->dropped += s[i].dropped;
		v->task_map_full += s[i].task_map_full;
	}
}

static const struct func_row *find_func(const struct func_row *rows, int n,
					__u64 addr)
{
	for (int i = 0; i < n; i++)
		if (rows[i].addr == addr)
			return &rows[i];
	return NULL;
}

/* @rows (malloc'ed) replace the view's functions, with rates against them */
void set_rates(struct view *v, struct func_row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		const struct func_row *old;
		struct func_row *r = &rows[i];

		old = find_func(v->funcs, v->nr_funcs, r->addr);
		if (old && v->elapsed > 0) {
			r->new_rate = (r->to_new - old->to_new) / v->elapsed;
			r->old_rate = (r->to_old - old->to_old) / v->elapsed;
		}
	}
	free(v->funcs);
	v->funcs = rows;
	v->nr_funcs = n;
}

/*
 * A blocker: a task of this transition not in the target universe that
 * failed a check.  For the built-in core, its /proc/PID/patch_state has
 * the last word (a switch at the exit to user space may not have been
 * seen when its probe point is missing).
 */
static bool is_blocker(const struct view *v, __u32 pid,
		       const struct klp_top_task *t)
{
	if (!v->prog.active || t->universe == v->prog.target ||
	    !(t->fails || t->reason))
		return false;
	return v->core != CORE_BUILTIN || builtin_task_blocks(v, pid);
}

/* one key of -s: < 0 when @x goes first, 0 when the key ties */
static int cmp_task_key(const struct task_row *x, const struct task_row *y,
			enum sort_key key)
{
	const struct klp_top_task *tx = &x->t, *ty = &y->t;

	switch (key) {
	case SORT_WAIT:		/* waiting longest: failed first */
		return tx->first_fail_ns < ty->first_fail_ns ? -1 :
		       tx->first_fail_ns > ty->first_fail_ns;
	case SORT_FAILS:	/* most failed checks */
		return tx->fails > ty->fails ? -1 : tx->fails < ty->fails;
	case SORT_COMM:
		return strcmp(tx->comm, ty->comm);
	case SORT_PID:
	case SORT_NR:
		break;
	}
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* qsort_r's comparator; @arg: the struct task_order of -s */
static int cmp_tasks(const void *a, const void *b, void *arg)
{
	const struct task_row *x = a, *y = b;
	const struct task_order *order = arg;
	bool bx, by;
	int c;

	/* blockers first, then by the keys, then by pid */
	bx = x->t.fails || x->t.reason;
	by = y->t.fails || y->t.reason;
	if (bx != by)
		return by - bx;
	for (int i = 0; i < order->n; i++) {
		c = cmp_task_key(x, y, order->key[i]);
		if (c)
			return c;
	}
	return cmp_task_key(x, y, SORT_PID);
}

/* the records of the current transition, blockers first */
static void read_tasks(struct view *v, const struct options *o)
{
	int fd = v->tasks_fd, n = 0, cap = 1024;
	struct task_row *rows = malloc(cap * sizeof(*rows));
	__u32 key, *prev = NULL, prev_key;

	/* the built-in core's universes are counted in /proc */
	if (v->core != CORE_BUILTIN)
		v->universes[0] = v->universes[1] = 0;
	v->nr_blockers = 0;
	while (rows && !bpf_map_get_next_key(fd, prev, &key)) {
		prev_key = key;
		prev = &prev_key;
		if (n == cap) {
			struct task_row *bigger;

			bigger = realloc(rows, 2 * cap * sizeof(*rows));
			if (!bigger)
				break;
			rows = bigger;
			cap *= 2;
		}
		if (bpf_map_lookup_elem(fd, &key, &rows[n].t) ||
		    rows[n].t.gen != v->prog.gen)
			continue;
		rows[n].pid = key;
		rows[n].seeded = rows[n].t.how == -2;
		if (v->core != CORE_BUILTIN &&
		    (rows[n].t.universe == 0 || rows[n].t.universe == 1))
			v->universes[rows[n].t.universe]++;
		/* -p: the universes count every task, the rows -p's */
		if (!pid_shown(&v->pids, key))
			continue;
		if (!is_blocker(v, key, &rows[n].t))
			rows[n].t.fails = rows[n].t.reason = 0;
		else
			v->nr_blockers++;
		n++;
	}
	if (rows)
		qsort_r(rows, n, sizeof(*rows), cmp_tasks, (void *)&o->sort);
	free(v->tasks);
	v->tasks = rows;
	v->nr_tasks = rows ? n : 0;
}

/* takes events from the ring buffer for @ms milliseconds */
int collect_poll(struct view *v, int ms)
{
	double end = mono_now() + ms / 1e3, left;
	int err;

	do {
		left = end - mono_now();
		err = ring_buffer__poll(v->rb, left > 0 ? (int)(left * 1e3) : 0);
		if (err < 0 && err != -EINTR)
			return err;
		if (err == -EINTR)
			return 0;	/* a signal: let the caller look */
	} while (left > 0);
	return 0;
}

/* the larger first */
static int cmp_desc(double x, double y)
{
	return x < y ? 1 : x > y ? -1 : 0;
}

static int cmp_desc_u64(__u64 x, __u64 y)
{
	return x < y ? 1 : x > y ? -1 : 0;
}

/* one key of -s: < 0 when @x goes first, 0 when the key ties */
static int cmp_func_key(const struct func_row *x, const struct func_row *y,
			enum fsort_key key)
{
	switch (key) {
	case FSORT_RATE:	/* calls per second, new and old code */
		return cmp_desc(x->new_rate + x->old_rate,
				y->new_rate + y->old_rate);
	case FSORT_TOTAL:	/* calls, new and old code */
		return cmp_desc_u64(x->to_new + x->to_old,
				    y->to_new + y->to_old);
	case FSORT_NEW:		/* calls to the new code (NEW, "new") */
		return cmp_desc_u64(x->to_new, y->to_new);
	case FSORT_OLD:		/* calls to the old code (OLD, "old") */
		return cmp_desc_u64(x->to_old, y->to_old);
	case FSORT_NAME:
	case FSORT_NR:
		break;
	}
	return strcmp(x->name, y->name);
}

/* qsort_r's comparator; @arg: the struct func_order of -s */
static int cmp_funcs(const void *a, const void *b, void *arg)
{
	const struct func_row *x = a, *y = b;
	const struct func_order *order = arg;
	int c;

	for (int i = 0; i < order->n; i++) {
		c = cmp_func_key(x, y, order->key[i]);
		if (c)
			return c;
	}
	return cmp_func_key(x, y, FSORT_NAME);
}

/* reads every map: the view at the end of an interval */
void collect_snapshot(struct view *v, const struct options *o)
{
	struct klp_top_progress again;
	__u32 zero = 0;
	double t;

	ring_buffer__consume(v->rb);
	v->interval_first = v->last_snap;
	v->last_snap = v->nr_recent;
	t = mono_now();
	v->elapsed = t - v->now;
	v->now = t;
	bpf_map_lookup_elem(v->progress_fd, &zero, &v->prog);
	if (v->seeded && v->prog.gen == v->seed_gen) {
		v->prog.nr_tasks += v->seed_nr;
		v->prog.switched += v->seed_switched;
		v->prog.fails += v->seed_fails;
	}
	v->in_transition = transition_running(v->sysfs, NULL, v->sysfs_patch,
					      sizeof(v->sysfs_patch));
	read_stats(v);
	if (v->core == CORE_BUILTIN)
		builtin_snapshot(v);	/* progress from /proc, funcs */
	else
		calls_snapshot(v);
	qsort_r(v->funcs, v->nr_funcs, sizeof(*v->funcs), cmp_funcs,
		(void *)&o->fsort);
	read_tasks(v, o);
	/*
	 * The failed checks once more, after the rows: a check that failed
	 * between the first read and the rows' is in the rows, so the header
	 * must count it too (it counts at least the rows' sum).
	 */
	if (!bpf_map_lookup_elem(v->progress_fd, &zero, &again) &&
	    again.gen == v->prog.gen) {
		if (v->seeded && again.gen == v->seed_gen)
			again.fails += v->seed_fails;
		if (again.fails > v->prog.fails)
			v->prog.fails = again.fails;
	}
}

void collect_close(struct view *v)
{
	ring_buffer__free(v->rb);
	v->rb = NULL;
	if (v->core == CORE_BUILTIN) {
		builtin_close();
	} else {
		klp_top_bpf__destroy(skel);
		skel = NULL;
	}
	free(v->funcs);
	free(v->tasks);
	v->funcs = NULL;
	v->tasks = NULL;
}

/*
 * The cores klp-top watches: --core's, or for --core auto each one the
 * host has (klpx if loaded, the built-in livepatch if the kernel has it;
 * one that cannot be watched is skipped after its message).  0, or 2 with
 * nothing watched.
 */
int cores_open(const struct options *o, struct cores *c)
{
	static struct view views[CORES_MAX];
	enum core want[CORES_MAX];
	int nr = 0;

	c->n = 0;
	c->any = o->core == CORE_AUTO;
	if (!c->any) {
		want[nr++] = o->core;
	} else {
		if (!access(KLPX_SYSFS, F_OK))
			want[nr++] = CORE_KLPX;
		if (!access(LIVEPATCH_SYSFS, F_OK))
			want[nr++] = CORE_BUILTIN;
		if (!nr) {
			fprintf(stderr, "klp-top: --core auto: neither klpx (%s) nor the built-in livepatch (%s) is there\n",
				KLPX_SYSFS, LIVEPATCH_SYSFS);
			return 2;
		}
	}
	for (int i = 0; i < nr; i++) {
		struct options one = *o;

		one.core = want[i];
		if (collect_open(&one, &views[i]))
			continue;
		c->v[c->n++] = &views[i];
	}
	return c->n ? 0 : 2;
}

/* takes events from every core's ring buffer for @ms milliseconds */
int cores_poll(struct cores *c, int ms)
{
	double end = mono_now() + ms / 1e3, left;
	int err;

	if (c->n == 1)
		return collect_poll(c->v[0], ms);
	do {
		left = end - mono_now();
		for (int i = 0; i < c->n; i++) {
			/* in turns of at most 50 ms each */
			err = collect_poll(c->v[i], left > 0.1 ? 50 :
					   left > 0 ? (int)(left * 500) : 0);
			if (err)
				return err;
		}
	} while (left > 0);
	return 0;
}

void cores_snapshot(struct cores *c, const struct options *o)
{
	for (int i = 0; i < c->n; i++)
		collect_snapshot(c->v[i], o);
}

/*
 * The cores to show (after a snapshot): with --core auto, those with a
 * patch in transition (sysfs, or a transition klp-top's BPF side saw
 * running), else every core watched.  Returns how many.
 */
int cores_shown(const struct cores *c, struct view **shown)
{
	int n = 0;

	for (int i = 0; i < c->n; i++)
		if (c->v[i]->in_transition || c->v[i]->prog.active)
			shown[n++] = c->v[i];
	if (!n || !c->any)
		for (n = 0; n < c->n; n++)
			shown[n] = c->v[n];
	return n;
}

void cores_close(struct cores *c)
{
	for (int i = 0; i < c->n; i++)
		collect_close(c->v[i]);
	c->n = 0;
}
