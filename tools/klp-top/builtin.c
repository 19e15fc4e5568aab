// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * builtin.c - klp-top --core builtin: the kernel's built-in livepatch
 * (CONFIG_LIVEPATCH), watched with no kernel change and no klpx.
 *
 * What comes from where:
 *   transitions, blockers  bpf/klp_top_builtin.bpf.c on the livepatch functions
 *                          (fentry/fexit against the running kernel's BTF;
 *                          a function the kernel lacks is named once and
 *                          its program left out)
 *   patches, transition    /sys/kernel/livepatch/<patch>/{enabled,transition}
 *   universes, progress    /proc/PID/task/TID/patch_state of every task
 *   per-function calls     a kprobe on each patched function counts every
 *                          call, one on its replacement the redirected
 *                          ones; the functions come from a walk of the
 *                          kernel's klp_patches list (its address from
 *                          /proc/kallsyms) by lp_walk, run on demand
 */
#include <errno.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "klp_top_user.h"
#include "klp_top_builtin.skel.h"

static struct klp_top_builtin_bpf *lp;
static int nr_cpus;
static __u64 klp_patches_addr;	/* 0: no per-function counts */
static int kprobe_type = -1;	/* the kprobe PMU's perf type */
static bool have_complete;	/* fexit on klp_complete_transition runs */
static struct bpf_link *point_links[8];
static char walked_sig[4096];	/* sysfs at the last walk */

/* one kprobe counting calls at @addr into lp_calls[slot] */
struct probe {
	__u64 addr;
	struct bpf_link *link;
	bool wanted;
};
static struct probe probes[KLP_TOP_LP_MAX_PROBES];

static struct klp_top_lp_func fns[KLP_TOP_LP_MAX_FUNCS];
static int nr_fns;

/*
 * The probe points: each program's function, and what klp-top cannot
 * show without it.  The program is "lp_" and the name after "klp_".
 */
static const struct point {
	const char *func;
	const char *prog;
	const char *lost;
} points[] = {
	{ "klp_init_transition", "lp_init_transition",
	  "transition start (seen in sysfs instead, elapsed time from klp-top's start)" },
	{ "klp_check_and_switch_task", "lp_check_and_switch_task",
	  "blocking tasks and their reasons" },
	{ "klp_update_patch_state", "lp_update_patch_state",
	  "switch points syscall_exit, idle and force" },
	{ "klp_reverse_transition", "lp_reverse_transition", "reversals" },
	{ "klp_force_transition", "lp_force_transition", "force" },
	{ "klp_complete_transition", "lp_complete_transition",
	  "completion time (seen in sysfs instead, to the interval)" },
};

static void missing(struct view *v, const struct point *pt, const char *why)
{
	size_t len = strlen(v->missing);

	fprintf(stderr, "klp-top: no probe point %s in this kernel (%s): no %s\n",
		pt->func, why, pt->lost);
	snprintf(v->missing + len, sizeof(v->missing) - len, "%s%s",
		 len ? "," : "", pt->func);
}

/*
 * KLP_TOP_SKIP_PROBES=f1,f2: act as if the kernel lacked these functions
 * (for tests of the degraded modes on a kernel that has them all).
 */
static bool skipped(const char *func)
{
	const char *list = getenv("KLP_TOP_SKIP_PROBES"), *p;
	size_t len = strlen(func);

	for (p = list; p && *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] != 0))
		if (strcspn(p, ",") == len && !strncmp(p, func, len))
			return true;
	return false;
}

/* the address of a kernel symbol from /proc/kallsyms, 0 if absent */
static __u64 kallsyms_addr(const char *name)
{
	char line[512], sym[256], type;
	unsigned long long addr;
	__u64 found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) == 3 &&
		    !strcmp(sym, name))
			found = addr;
	fclose(f);
	return found;
}

int builtin_open(struct view *v, bool verbose, int *progress_fd,
		 int *tasks_fd, int *stats_fd, int *events_fd)
{
	struct btf *vmlinux;
	char buf[32];
	int err;

	if (access(LIVEPATCH_SYSFS, F_OK)) {
		fprintf(stderr, "klp-top: the kernel has no built-in livepatch (no %s)\n",
			LIVEPATCH_SYSFS);
		return -ENOENT;
	}
	nr_cpus = libbpf_num_possible_cpus();
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		fprintf(stderr, "klp-top: the kernel has no BTF (/sys/kernel/btf/vmlinux): cannot watch its livepatch\n");
		return -ENOENT;
	}
	lp = klp_top_builtin_bpf__open();
	if (!lp) {
		err = -errno;
		btf__free(vmlinux);
		goto fail;
	}
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		struct bpf_program *prog;

		prog = bpf_object__find_program_by_name(lp->obj, points[i].prog);
		if (btf__find_by_name_kind(vmlinux, points[i].func,
					   BTF_KIND_FUNC) < 0) {
			bpf_program__set_autoload(prog, false);
			missing(v, &points[i], "not in its BTF");
		} else if (skipped(points[i].func)) {
			bpf_program__set_autoload(prog, false);
			missing(v, &points[i], "skipped by KLP_TOP_SKIP_PROBES");
		}
	}
	btf__free(vmlinux);
	bpf_program__set_autoattach(lp->progs.lp_call, false);
	bpf_program__set_autoattach(lp->progs.lp_walk, false);
	err = klp_top_builtin_bpf__load(lp);
	if (err)
		goto fail;
	/* before any program runs: every event then counts in the seed */
	builtin_seed(v);
	/* one by one: a function that is not traceable loses one program */
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		struct bpf_program *prog;
		struct bpf_link *link;

		prog = bpf_object__find_program_by_name(lp->obj, points[i].prog);
		if (!bpf_program__autoload(prog))
			continue;
		link = bpf_program__attach(prog);
		if (!link) {
			missing(v, &points[i], strerror(errno));
			continue;
		}
		point_links[i] = link;
		if (!strcmp(points[i].func, "klp_complete_transition"))
			have_complete = true;
	}
	klp_patches_addr = kallsyms_addr("klp_patches");
	if (!klp_patches_addr)
		fprintf(stderr, "klp-top: klp_patches not in /proc/kallsyms: no per-function counts\n");
	if (!read_line("/sys/bus/event_source/devices/kprobe/type", buf,
		       sizeof(buf)))
		kprobe_type = atoi(buf);
	else if (klp_patches_addr)
		fprintf(stderr, "klp-top: no kprobe PMU (/sys/bus/event_source/devices/kprobe): no per-function counts\n");
	*progress_fd = bpf_map__fd(lp->maps.progress);
	*tasks_fd = bpf_map__fd(lp->maps.tasks);
	*stats_fd = bpf_map__fd(lp->maps.stats);
	*events_fd = bpf_map__fd(lp->maps.events);
	return 0;
fail:
	klp_top_builtin_bpf__destroy(lp);
	lp = NULL;
	if (err == -EPERM || err == -EACCES)
		fprintf(stderr, "klp-top: not allowed to load BPF programs: run as root (CAP_BPF and CAP_PERFMON)\n");
	else
		fprintf(stderr, "klp-top: cannot load the built-in livepatch's programs: %s (-v shows why)\n",
			strerror(-err));
	return err;
}

/* a task's /proc/PID/patch_state: -1 none, 0 unpatched, 1 patched; -2 gone */
static int patch_state(const char *path)
{
	char buf[16];

	if (read_line(path, buf, sizeof(buf)))
		return -2;
	return atoi(buf);
}

bool builtin_task_blocks(const struct view *v, __u32 pid)
{
	char path[64];
	int st;

	snprintf(path, sizeof(path), "/proc/%u/patch_state", pid);
	st = patch_state(path);
	return st != -2 && st != v->prog.target;
}

/* every task's universe: per-universe counts, and progress */
static void count_tasks(struct view *v)
{
	unsigned long n[2] = { 0, 0 };
	struct dirent *p, *t;
	char path[600];
	DIR *proc, *task;

	proc = opendir("/proc");
	if (!proc)
		return;
	while ((p = readdir(proc))) {
		if (p->d_name[0] < '0' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", p->d_name);
		task = opendir(path);
		if (!task)
			continue;
		while ((t = readdir(task))) {
			int st;

			if (t->d_name[0] < '0' || t->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/task/%s/patch_state",
				 p->d_name, t->d_name);
			st = patch_state(path);
			if (st == 0 || st == 1)
				n[st]++;
		}
		closedir(task);
	}
	closedir(proc);
	v->universes[0] = n[0];
	v->universes[1] = n[1];
	if (v->prog.active) {
		v->prog.nr_tasks = n[0] + n[1];
		v->prog.forks = 0;
		v->prog.switched = n[v->prog.target == 1];
	}
}

/*
 * Keeps the progress record true to sysfs: a transition that started
 * before klp-top (or with klp_init_transition unprobed) is taken up with
 * its patch and the target its "enabled" says; one that ended unseen
 * (klp_complete_transition unprobed) is closed.
 */
static void sync_progress(struct view *v)
{
	struct klp_top_progress *p = &v->prog;
	int fd = bpf_map__fd(lp->maps.progress);
	__u64 now = (__u64)(mono_now() * 1e9);
	char path[512], val[16];
	__u32 zero = 0;

	if (!p->active && v->in_transition) {
		__u32 gen = p->gen + 1;

		snprintf(path, sizeof(path), LIVEPATCH_SYSFS "/%s/enabled",
			 v->sysfs_patch);
		memset(p, 0, sizeof(*p));
		p->gen = gen;
		p->active = 1;
		p->target = !read_line(path, val, sizeof(val)) && !strcmp(val, "1");
		p->start_ns = now;
		snprintf(p->patch, sizeof(p->patch), "%s", v->sysfs_patch);
		bpf_map_update_elem(fd, &zero, p, 0);
		v->seeded = true;
		v->seed_gen = gen;
	} else if (p->active && !v->in_transition && !have_complete) {
		p->active = 0;
		p->end_ns = now;
		p->duration_ns = now - p->start_ns;
		bpf_map_update_elem(fd, &zero, p, 0);
	}
}

/* what the walk depends on: the patches, their objects and states */
static void sysfs_sig(char *sig, size_t len)
{
	char path[600], val[16];
	struct dirent *d, *o;
	size_t off = 0;
	DIR *dir, *pd;

	sig[0] = 0;
	dir = opendir(LIVEPATCH_SYSFS);
	if (!dir)
		return;
	while ((d = readdir(dir)) && off < len) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), LIVEPATCH_SYSFS "/%s/enabled",
			 d->d_name);
		if (read_line(path, val, sizeof(val)))
			val[0] = 0;
		off += snprintf(sig + off, len - off, "%s=%s;", d->d_name, val);
		snprintf(path, sizeof(path), LIVEPATCH_SYSFS "/%s", d->d_name);
		pd = opendir(path);
		while (pd && (o = readdir(pd)) && off < len) {
			snprintf(path, sizeof(path), LIVEPATCH_SYSFS "/%s/%s/patched",
				 d->d_name, o->d_name);
			if (!read_line(path, val, sizeof(val)))
				off += snprintf(sig + off, len - off, "%s=%s;",
						o->d_name, val);
		}
		if (pd)
			closedir(pd);
	}
	closedir(dir);
}

/* runs lp_walk: fns[] gets every function of every built-in patch */
static int walk(void)
{
	__u64 arg = klp_patches_addr;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &arg,
		    .ctx_size_in = sizeof(arg));
	int fd = bpf_map__fd(lp->maps.lp_fns), err;

	err = bpf_prog_test_run_opts(bpf_program__fd(lp->progs.lp_walk), &opts);
	if (err)
		return err;
	nr_fns = lp->bss->lp_nr_fns;
	if (nr_fns > KLP_TOP_LP_MAX_FUNCS)
		nr_fns = KLP_TOP_LP_MAX_FUNCS;
	for (__u32 i = 0; i < (__u32)nr_fns; i++)
		if (bpf_map_lookup_elem(fd, &i, &fns[i]))
			return -errno;
	return 0;
}

static int probe_slot(__u64 addr)
{
	for (int i = 0; i < KLP_TOP_LP_MAX_PROBES; i++)
		if (probes[i].link && probes[i].addr == addr)
			return i;
	return -1;
}

/* a kprobe at @addr counting into lp_calls[slot]; 0 or -errno */
static int probe_attach(int slot, __u64 addr)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = kprobe_type,
		.config1 = 0,		/* no symbol: kprobe_addr is absolute */
		.config2 = addr,
	};
	LIBBPF_OPTS(bpf_perf_event_opts, po, .bpf_cookie = slot);
	int fd = bpf_map__fd(lp->maps.lp_calls), pfd;
	__u64 zero[nr_cpus];
	__u32 key = slot;

	memset(zero, 0, sizeof(zero));
	bpf_map_update_elem(fd, &key, zero, 0);
	pfd = syscall(__NR_perf_event_open, &attr, -1, 0, -1,
		      PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		return -errno;
	probes[slot].link = bpf_program__attach_perf_event_opts(lp->progs.lp_call,
								pfd, &po);
	if (!probes[slot].link) {
		close(pfd);
		return -errno;
	}
	probes[slot].addr = addr;
	return 0;
}

/* one probe per distinct address of fns[]; gone addresses lose theirs */
static void sync_probes(void)
{
	for (int i = 0; i < KLP_TOP_LP_MAX_PROBES; i++)
		probes[i].wanted = false;
	for (int i = 0; i < nr_fns; i++) {
		__u64 addrs[2] = { fns[i].old_func, fns[i].new_func };

		if (fns[i].nop || !fns[i].old_func || !fns[i].new_func)
			continue;
		for (int k = 0; k < 2; k++) {
			int slot = probe_slot(addrs[k]);

			for (int s = 0; slot < 0 && s < KLP_TOP_LP_MAX_PROBES; s++)
				if (!probes[s].link) {
					if (probe_attach(s, addrs[k])) {
						fprintf(stderr, "klp-top: cannot count calls of %s (%s at 0x%llx): %s\n",
							fns[i].name, k ? "new" : "old",
							(unsigned long long)addrs[k],
							strerror(errno));
						break;
					}
					slot = s;
				}
			if (slot >= 0)
				probes[slot].wanted = true;
		}
	}
	for (int i = 0; i < KLP_TOP_LP_MAX_PROBES; i++)
		if (probes[i].link && !probes[i].wanted) {
			bpf_link__destroy(probes[i].link);
			probes[i].link = NULL;
			probes[i].addr = 0;
		}
}

static __u64 calls(__u64 addr)
{
	int slot = probe_slot(addr);
	__u64 per_cpu[nr_cpus], sum = 0;
	__u32 key;

	if (slot < 0)
		return 0;
	key = slot;
	if (bpf_map_lookup_elem(bpf_map__fd(lp->maps.lp_calls), &key, per_cpu))
		return 0;
	for (int i = 0; i < nr_cpus; i++)
		sum += per_cpu[i];
	return sum;
}

/*
 * One row per patched function: "new" the calls its replacements answered
 * (each patch's counted once), "old" the rest of the calls that reached it.
 * The new counts are read first, so new <= all.
 */
static void read_funcs(struct view *v)
{
	static char sig[sizeof(walked_sig)];
	struct func_row *rows;
	int n = 0;

	if (!klp_patches_addr || kprobe_type < 0)
		return;
	sysfs_sig(sig, sizeof(sig));
	if (strcmp(sig, walked_sig)) {
		if (!walk()) {
			sync_probes();
			memcpy(walked_sig, sig, sizeof(sig));
		}
	}
	rows = calloc(KLP_TOP_LP_MAX_FUNCS, sizeof(*rows));
	if (!rows)
		return;
	for (int i = 0; i < nr_fns; i++) {
		struct func_row *r = NULL;
		__u64 all, new = 0;
		bool dup = false;

		if (fns[i].nop || !fns[i].old_func || !fns[i].new_func)
			continue;
		for (int k = 0; k < n && !r; k++)
			if (rows[k].addr == fns[i].old_func)
				r = &rows[k];
		if (r)
			continue;	/* done with the first patch on it */
		r = &rows[n++];
		r->addr = fns[i].old_func;
		snprintf(r->name, sizeof(r->name), "%s", fns[i].name);
		for (int k = i; k < nr_fns; k++) {
			if (fns[k].nop || fns[k].old_func != r->addr)
				continue;
			dup = false;
			for (int j = i; j < k; j++)
				if (!fns[j].nop && fns[j].old_func == r->addr &&
				    fns[j].new_func == fns[k].new_func)
					dup = true;
			if (!dup)
				new += calls(fns[k].new_func);
		}
		all = calls(r->addr);
		r->to_new = new;
		r->to_old = all > new ? all - new : 0;
	}
	set_rates(v, rows, n);
}

/* at start: a transition already running is taken up at once */
void builtin_seed(struct view *v)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(lp->maps.progress), &zero, &v->prog))
		return;
	v->in_transition = transition_running(LIVEPATCH_SYSFS, NULL,
					      v->sysfs_patch,
					      sizeof(v->sysfs_patch));
	sync_progress(v);
}

void builtin_snapshot(struct view *v)
{
	sync_progress(v);
	count_tasks(v);
	read_funcs(v);
}

void builtin_close(void)
{
	for (size_t i = 0; i < sizeof(point_links) / sizeof(point_links[0]); i++) {
		bpf_link__destroy(point_links[i]);
		point_links[i] = NULL;
	}
	for (int i = 0; i < KLP_TOP_LP_MAX_PROBES; i++)
		if (probes[i].link) {
			bpf_link__destroy(probes[i].link);
			probes[i].link = NULL;
		}
	klp_top_builtin_bpf__destroy(lp);
	lp = NULL;
}
