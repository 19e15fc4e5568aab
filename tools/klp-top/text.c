// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * text.c - klp-top's view as text: the batch output (-b) and the body of
 * the interactive screen.
 */
#include <string.h>
#include <time.h>
#include "klp_top_user.h"
#include "klpx/events.h"

#define EVENTS_SHOWN	20

static void print_header(FILE *f, const struct view *v)
{
	const struct klp_top_progress *p = &v->prog;
	char when[32];
	time_t now = time(NULL);

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	fprintf(f, "klp-top %s  core=%s  attach=%s  events=%llu dropped=%llu\n",
		when, core_name(v->core), v->attach,
		(unsigned long long)v->events, (unsigned long long)v->dropped);
	if (v->missing[0])
		fprintf(f, "  missing probe points: %s\n", v->missing);
	if (v->pids.n) {
		fprintf(f, "  -p: tasks");
		for (int i = 0; i < v->pids.n; i++)
			fprintf(f, "%s%u", i ? "," : " ", v->pids.pid[i]);
		fprintf(f, " only\n");
	}
	if (p->active) {
		fprintf(f, "TRANSITION %s -> %s  elapsed %s%.1fs  switched %llu/%llu  signals %llu  failed checks %llu%s\n",
			p->patch, universe_name(p->target),
			v->seeded && p->gen == 1 ? ">=" : "",
			v->now - p->start_ns / 1e9,
			(unsigned long long)p->switched,
			(unsigned long long)(p->nr_tasks + p->forks),
			(unsigned long long)p->signals,
			(unsigned long long)p->fails,
			p->reversals ? "  (reversed)" : "");
	} else if (v->in_transition) {
		fprintf(f, "TRANSITION %s (started before klp-top; no per-task file to seed from)\n",
			v->sysfs_patch);
	} else if (p->gen) {
		fprintf(f, "no transition; last: %s -> %s %s in %s%.1f ms\n",
			p->patch, universe_name(p->target),
			p->forced ? "forced" : "completed",
			duration_at_least(v) ? ">=" : "",
			p->duration_ns / 1e6);
	} else {
		fprintf(f, "no transition\n");
	}
	if (p->gen) {
		fprintf(f, "  switch points:");
		for (int i = 0; i < KLPX_NR_HOWS; i++)
			fprintf(f, " %s=%llu", how_name(i),
				(unsigned long long)p->how[i]);
		fprintf(f, "\n");
	}
}

void print_blockers(FILE *f, const struct view *v)
{
	fprintf(f, "BLOCKING TASKS (%d)\n", v->nr_blockers);
	if (!v->nr_blockers)
		return;
	fprintf(f, "%8s %-16s %-18s %-28s %6s %8s %7s\n", "PID", "COMM",
		"REASON", "FUNCTION", "FAILS", "WAITING", "SIGNALS");
	for (int i = 0; i < v->nr_blockers; i++) {
		const struct klp_top_task *t = &v->tasks[i].t;

		fprintf(f, "%8u %-16s %-18s %-28s %6u %7.1fs %7u\n",
			v->tasks[i].pid, t->comm, reason_name(t->reason),
			t->func[0] ? t->func : "-", t->fails,
			t->first_fail_ns ? v->now - t->first_fail_ns / 1e9 : 0,
			t->signals);
	}
}

/* @tag: "" for one core, " core=NAME" when several are shown */
static void print_funcs(FILE *f, const struct view *v, const char *tag)
{
	fprintf(f, "FUNCTIONS (%d)%s\n", v->nr_funcs, tag);
	if (!v->nr_funcs)
		return;
	fprintf(f, "  %-32s %10s %10s %12s %12s\n", "FUNCTION", "NEW/s",
		"OLD/s", "NEW", "OLD");
	for (int i = 0; i < v->nr_funcs; i++) {
		const struct func_row *r = &v->funcs[i];

		fprintf(f, "  %-32s %10.1f %10.1f %12llu %12llu\n", r->name,
			r->new_rate, r->old_rate,
			(unsigned long long)r->to_new,
			(unsigned long long)r->to_old);
	}
}

static void print_events(FILE *f, const struct view *v, int max,
			 const char *tag)
{
	unsigned long first = v->interval_first, n = v->last_snap - first;
	char line[256];

	if (n > RECENT_MAX)
		first = v->last_snap - RECENT_MAX;
	if (v->last_snap - first > (unsigned long)max)
		first = v->last_snap - max;
	fprintf(f, "EVENTS (%lu this interval)%s\n", n, tag);
	if (first > v->interval_first)
		fprintf(f, "  ... %lu earlier not shown\n",
			first - v->interval_first);
	for (unsigned long i = first; i < v->last_snap; i++) {
		format_event(line, sizeof(line), &v->recent[i % RECENT_MAX],
			     0);
		fprintf(f, "  %s\n", line);
	}
}

void print_text(FILE *f, const struct view *v, const struct options *o)
{
	print_header(f, v);
	print_blockers(f, v);
	print_funcs(f, v, "");
	print_events(f, v, EVENTS_SHOWN, "");
	fprintf(f, "\n");
	fflush(f);
}

/*
 * One snapshot of the cores watched.  One core: print_text().  Several
 * (--core auto): first each core's header and blockers (its header line
 * names it: core=klpx, core=builtin), so that a screen shows every core's
 * blockers, then each core's functions and events, titled with the core.
 * With --json one line, wrapped in {"core":"auto","cores":[...]} for
 * --core auto.
 */
void print_cores(FILE *f, struct cores *c, const struct options *o)
{
	struct view *shown[CORES_MAX];
	int n = cores_shown(c, shown);
	char tag[32];

	if (o->json) {
		if (c->any)
			print_json_cores(f, shown, n, o);
		else
			print_json(f, shown[0], o);
		return;
	}
	if (n == 1) {
		print_text(f, shown[0], o);
		return;
	}
	for (int i = 0; i < n; i++) {
		print_header(f, shown[i]);
		print_blockers(f, shown[i]);
	}
	for (int i = 0; i < n; i++) {
		snprintf(tag, sizeof(tag), " core=%s", core_name(shown[i]->core));
		print_funcs(f, shown[i], tag);
		print_events(f, shown[i], EVENTS_SHOWN / n, tag);
	}
	fprintf(f, "\n");
	fflush(f);
}
