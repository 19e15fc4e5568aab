// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * prom.c - klp-top --prometheus FILE: one sample of every core in the
 * Prometheus text exposition format, for node_exporter's textfile
 * collector.  Each core is watched for one interval (-d), then closed;
 * the file is written beside FILE and renamed over it, so a scrape reads
 * the old file or the new one, never half of one.
 *
 * klp-top runs once per sample (a systemd timer), so what it counts
 * itself is of that interval: gauges (events lost; the built-in core's
 * per-function calls, counted by probes attached only while klp-top
 * runs).  klpx counts every patched call in the kernel from each patch's
 * enable on (sysfs calls_new, calls_old): those are _total counters.
 */
#include <glob.h>
#include <errno.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "klp_top_user.h"
#include "klpx/events.h"

/* a label value: backslash, double quote and newline escaped */
static void label(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*s, f);
	}
	fputc('"', f);
}

/* one family's HELP and TYPE lines */
static void family_of(FILE *f, const char *name, const char *type,
		      const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void family(FILE *f, const char *name, const char *help)
{
	family_of(f, name, "gauge", help);
}

static int read_count(const char *path, unsigned long long *val)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%llu", val) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

/*
 * klp_function_calls_total: klpx's own counts, one series per patch,
 * object, function and sympos (the func's sysfs directory
 * <patch>/<object>/<function>,<sympos>), each monotonic while the patch
 * is there; a patch loaded again starts at 0 (a counter reset).
 */
static void klpx_calls(FILE *f)
{
	char path[512], *patch, *obj, *func, *pos;
	unsigned long long calls[2];
	glob_t g;

	if (glob(KLPX_SYSFS "/*/*/*/calls_new", 0, NULL, &g))
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		size_t len = strlen(g.gl_pathv[i]);

		if (len >= sizeof(path))
			continue;
		memcpy(path, g.gl_pathv[i], len + 1);
		if (read_count(path, &calls[0]))
			continue;
		strcpy(path + len - strlen("new"), "old");
		if (read_count(path, &calls[1]))
			continue;
		/* .../klpx/<patch>/<object>/<function>,<sympos>/calls_old */
		path[len - strlen("/calls_new")] = 0;
		patch = path + strlen(KLPX_SYSFS "/");
		obj = strchr(patch, '/');
		if (!obj)
			continue;
		*obj++ = 0;
		func = strchr(obj, '/');
		if (!func)
			continue;
		*func++ = 0;
		pos = strrchr(func, ',');
		if (!pos)
			continue;
		*pos++ = 0;
		for (int c = 0; c < 2; c++) {
			fputs("klp_function_calls_total{core=\"klpx\",patch=", f);
			label(f, patch);
			fputs(",object=", f);
			label(f, obj);
			fputs(",function=", f);
			label(f, func);
			fputs(",sympos=", f);
			label(f, pos);
			fprintf(f, ",code=\"%s\"} %llu\n", c ? "old" : "new",
				calls[c]);
		}
	}
	globfree(&g);
}

/* a sample's name and its core label, then ", key=value" pairs by hand */
static void sample(FILE *f, const char *name, const struct view *v)
{
	fprintf(f, "%s{core=\"%s\"", name, core_name(v->core));
}

/*
 * The metrics are grouped by family across the cores: @views[0..n) are
 * the cores' samples.
 */
static void write_metrics(FILE *f, struct view **views, int n,
			  const double *starts, double now)
{
	char path[600], val[16];
	struct dirent *d;
	DIR *dir;

	family(f, "klp_patch_enabled", "Whether the live patch is enabled (sysfs enabled).");
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			family(f, "klp_patch_transition", "Whether the live patch is in transition (sysfs transition).");
		for (int i = 0; i < n; i++) {
			dir = opendir(views[i]->sysfs);
			while (dir && (d = readdir(dir))) {
				if (d->d_name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "%s/%s/%s",
					 views[i]->sysfs, d->d_name,
					 pass ? "transition" : "enabled");
				if (read_line(path, val, sizeof(val)))
					continue;
				sample(f, pass ? "klp_patch_transition" :
					   "klp_patch_enabled", views[i]);
				fputs(",patch=", f);
				label(f, d->d_name);
				fprintf(f, "} %d\n", atoi(val));
			}
			if (dir)
				closedir(dir);
		}
	}
	family(f, "klp_transition_active", "Whether a transition runs.");
	for (int i = 0; i < n; i++) {
		sample(f, "klp_transition_active", views[i]);
		fprintf(f, "} %d\n", views[i]->prog.active ? 1 : 0);
	}
	for (int m = 0; m < 4; m++) {
		static const char *const names[] = {
			"klp_transition_start_timestamp_seconds",
			"klp_transition_elapsed_seconds",
			"klp_transition_tasks", "klp_transition_switched_tasks" };
		static const char *const helps[] = {
			"When the running transition started (Unix time; at the latest: the earliest of klp-top's own sight of it, its blockers' first failed check, and the previous sample's value).",
			"Time since klp_transition_start_timestamp_seconds.",
			"Tasks in the running transition.",
			"Tasks of the running transition in its target universe." };

		family(f, names[m], helps[m]);
		for (int i = 0; i < n; i++) {
			const struct klp_top_progress *p = &views[i]->prog;

			if (!p->active)
				continue;
			sample(f, names[m], views[i]);
			fputs(",patch=", f);
			label(f, p->patch);
			if (m == 0)
				fprintf(f, ",target=\"%s\"} %.3f\n",
					universe_name(p->target), starts[i]);
			else if (m == 1)
				fprintf(f, ",target=\"%s\"} %.3f\n",
					universe_name(p->target), now - starts[i]);
			else
				fprintf(f, "} %llu\n", (unsigned long long)
					(m == 2 ? p->nr_tasks + p->forks : p->switched));
		}
	}
	family(f, "klp_transition_blocking_tasks", "Tasks that failed a check and hold the running transition, by reason.");
	for (int i = 0; i < n; i++) {
		/* [0]: a reason klp-top does not know, shown as "unknown" */
		int count[KLPX_NR_CHECK_FAILS + 1] = { 0 };

		for (int k = 0; k < views[i]->nr_blockers; k++) {
			int r = views[i]->tasks[k].t.reason;

			count[r >= 1 && r <= KLPX_NR_CHECK_FAILS ? r : 0]++;
		}
		for (int r = 1; r <= KLPX_NR_CHECK_FAILS + 1; r++) {
			int c = r % (KLPX_NR_CHECK_FAILS + 1);

			sample(f, "klp_transition_blocking_tasks", views[i]);
			fprintf(f, ",reason=\"%s\"} %d\n",
				c ? reason_name(c) : "unknown", count[c]);
		}
	}
	family(f, "klp_last_transition_duration_seconds", "Duration of the last transition that ended while klp-top watched.");
	for (int i = 0; i < n; i++) {
		const struct klp_top_progress *p = &views[i]->prog;

		/* a lower bound only (begun before klp-top): left out */
		if (!p->gen || p->active || !p->duration_ns ||
		    duration_at_least(views[i]))
			continue;
		sample(f, "klp_last_transition_duration_seconds", views[i]);
		fputs(",patch=", f);
		label(f, p->patch);
		fprintf(f, ",target=\"%s\",forced=\"%s\"} %.6f\n",
			universe_name(p->target), p->forced ? "true" : "false",
			p->duration_ns / 1e9);
	}
	for (int i = 0; i < n; i++)
		if (views[i]->core == CORE_KLPX) {
			family_of(f, "klp_function_calls_total", "counter",
				  "Calls of a patched function answered by its new or its old code, counted by klpx since the patch's enable (sysfs calls_new, calls_old).");
			klpx_calls(f);
		}
	family(f, "klp_function_sample_calls", "Calls of a patched function of the built-in livepatch answered by its new or its old code during klp-top's sample only (klp_top_sample_seconds long; probes attached while klp-top runs: not a running total).");
	for (int i = 0; i < n; i++)
		for (int k = 0; k < views[i]->nr_funcs; k++) {
			const struct func_row *r = &views[i]->funcs[k];

			if (views[i]->core != CORE_BUILTIN)
				break;
			for (int c = 0; c < 2; c++) {
				sample(f, "klp_function_sample_calls", views[i]);
				fputs(",function=", f);
				label(f, r->name);
				fprintf(f, ",code=\"%s\"} %llu\n", c ? "old" : "new",
					(unsigned long long)(c ? r->to_old : r->to_new));
			}
		}
	for (int m = 0; m < 3; m++) {
		static const char *const names[] = { "klp_top_dropped_events",
			"klp_top_missing_probes", "klp_top_sample_seconds" };
		static const char *const helps[] = {
			"Events klp-top's BPF programs lost during the sample (ring buffer full).",
			"Probe points the kernel lacks (--core builtin).",
			"Length of the sample." };

		family(f, names[m], helps[m]);
		for (int i = 0; i < n; i++) {
			const char *c = views[i]->missing;
			int missing = *c != 0;

			for (; *c; c++)
				missing += *c == ',';
			sample(f, names[m], views[i]);
			if (m == 0)
				fprintf(f, "} %llu\n", (unsigned long long)views[i]->dropped);
			else if (m == 1)
				fprintf(f, "} %d\n", missing);
			else
				fprintf(f, "} %.3f\n", views[i]->elapsed);
		}
	}
	family(f, "klp_top_last_run_timestamp_seconds", "When klp-top wrote this file (Unix time).");
	fprintf(f, "klp_top_last_run_timestamp_seconds %.0f\n", now);
}

/*
 * When the running transition of @v started, in Unix time: klp-top run
 * from a timer sees most transitions start before it, so the earliest of
 * its own start (seeded) or the start it saw, its blockers' first failed
 * checks, and what the previous sample in @file said for the same core,
 * patch and target.
 */
static double transition_start(const struct view *v, const char *file,
			       double now)
{
	const struct klp_top_progress *p = &v->prog;
	double start = now - (v->now - p->start_ns / 1e9);
	char line[1024], core[32], patch[KLP_TOP_NAME_LEN * 2], target[16];
	double prev;
	FILE *f;

	for (int i = 0; i < v->nr_blockers; i++)
		if (v->tasks[i].t.first_fail_ns &&
		    now - (v->now - v->tasks[i].t.first_fail_ns / 1e9) < start)
			start = now - (v->now - v->tasks[i].t.first_fail_ns / 1e9);
	f = fopen(file, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "klp_transition_start_timestamp_seconds{core=\"%31[^\"]\",patch=\"%111[^\"]\",target=\"%15[^\"]\"} %lf",
			   core, patch, target, &prev) == 4 &&
		    !strcmp(core, core_name(v->core)) &&
		    !strcmp(patch, p->patch) &&
		    !strcmp(target, universe_name(p->target)) && prev < start)
			start = prev;
	if (f)
		fclose(f);
	return start;
}

/* FILE.tmp.PID, then rename: 0 or -errno */
static int write_file(const char *file, struct view **views, int n)
{
	double starts[2] = { 0, 0 }, now;
	struct timespec ts;
	char tmp[4096];
	FILE *f;
	int err = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = ts.tv_sec + ts.tv_nsec / 1e9;
	for (int i = 0; i < n && i < 2; i++)
		if (views[i]->prog.active)
			starts[i] = transition_start(views[i], file, now);

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", file, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	write_metrics(f, views, n, starts, now);
	if (fflush(f) || fsync(fileno(f)))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, file))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

/*
 * --prometheus: every core asked for (--core klpx|builtin), or with
 * --core auto or none, every core this host has.  2 if a core asked for
 * could not be watched or the file could not be written.
 */
int run_prometheus(struct options *o, volatile sig_atomic_t *stop)
{
	enum core cores[2];
	struct view *views[2];
	int n = 0, nr_cores = 0, ret = 0, err;

	if (o->core_set && o->core != CORE_AUTO) {
		cores[nr_cores++] = o->core;
	} else {
		if (!access(KLPX_SYSFS, F_OK))
			cores[nr_cores++] = CORE_KLPX;
		if (!access(LIVEPATCH_SYSFS, F_OK))
			cores[nr_cores++] = CORE_BUILTIN;
	}
	for (int i = 0; i < nr_cores && !*stop; i++) {
		struct options one = *o;
		struct func_row *funcs;
		struct task_row *tasks;

		one.core = cores[i];
		views[n] = calloc(1, sizeof(*views[n]));
		if (!views[n])
			return 2;
		if (collect_open(&one, views[n])) {
			free(views[n]);
			ret = 2;
			continue;
		}
		err = collect_poll(views[n], (int)(o->interval * 1e3));
		if (!err)
			collect_snapshot(views[n], &one);
		/* keep what the metrics read: the rows outlive the core */
		funcs = views[n]->funcs;
		tasks = views[n]->tasks;
		views[n]->funcs = NULL;
		views[n]->tasks = NULL;
		collect_close(views[n]);
		views[n]->funcs = funcs;
		views[n]->tasks = tasks;
		if (err) {
			ret = 2;
			continue;
		}
		n++;
	}
	if (*stop)
		ret = 2;
	else if ((err = write_file(o->prometheus, views, n))) {
		fprintf(stderr, "klp-top: cannot write %s: %s\n", o->prometheus,
			strerror(-err));
		ret = 2;
	}
	for (int i = 0; i < n; i++) {
		free(views[i]->funcs);
		free(views[i]->tasks);
		free(views[i]);
	}
	return ret;
}
