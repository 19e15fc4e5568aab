// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * json.c - klp-top --json: one JSON object per interval, on one line.
 * docs/klp-top.md describes every key.
 */
#include <string.h>
#include "klp_top_user.h"
#include "klpx/events.h"

#define EVENTS_MAX	1000	/* per interval; "events_not_shown" counts more */

static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_transition(FILE *f, const struct view *v)
{
	const struct klp_top_progress *p = &v->prog;

	fprintf(f, "\"transition\":{\"active\":%s,\"in_sysfs\":%s,",
		p->active ? "true" : "false",
		v->in_transition ? "true" : "false");
	fprintf(f, "\"patch\":");
	jstr(f, p->gen ? p->patch : v->in_transition ? v->sysfs_patch : "");
	fprintf(f, ",\"target\":\"%s\",\"seeded\":%s,\"elapsed_ms\":%.1f,",
		p->gen ? universe_name(p->target) : "",
		v->seeded ? "true" : "false",
		p->active ? (v->now - p->start_ns / 1e9) * 1e3 : 0.0);
	fprintf(f, "\"tasks\":%llu,\"switched\":%llu,\"forks\":%llu,\"signals\":%llu,\"failed_checks\":%llu,\"reversals\":%u,",
		(unsigned long long)(p->nr_tasks + p->forks),
		(unsigned long long)p->switched,
		(unsigned long long)p->forks,
		(unsigned long long)p->signals,
		(unsigned long long)p->fails, p->reversals);
	fprintf(f, "\"completed\":%s,\"forced\":%s,\"duration_ms\":%.3f,",
		p->gen && !p->active ? "true" : "false",
		p->forced ? "true" : "false", p->duration_ns / 1e6);
	fprintf(f, "\"universes\":{\"unpatched\":%lu,\"patched\":%lu},",
		v->universes[0], v->universes[1]);
	fprintf(f, "\"switch_points\":{");
	for (int i = 0; i < KLPX_NR_HOWS; i++)
		fprintf(f, "%s\"%s\":%llu", i ? "," : "", how_name(i),
			(unsigned long long)p->how[i]);
	fprintf(f, "}}");
}

static void json_task(FILE *f, const struct view *v, const struct task_row *r)
{
	const struct klp_top_task *t = &r->t;

	fprintf(f, "{\"pid\":%u,\"comm\":", r->pid);
	jstr(f, t->comm);
	fprintf(f, ",\"universe\":\"%s\",\"reason\":\"%s\",\"function\":",
		universe_name(t->universe), t->fails ? reason_name(t->reason) : "");
	jstr(f, t->func);
	fprintf(f, ",\"fails\":%u,\"waiting_ms\":%.0f,\"signals\":%u,\"how\":\"%s\"}",
		t->fails,
		t->first_fail_ns ? (v->now - t->first_fail_ns / 1e9) * 1e3 : 0,
		t->signals, how_name(t->how));
}

static void json_tasks(FILE *f, const struct view *v, const char *key,
		       int n)
{
	fprintf(f, ",\"%s\":[", key);
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		json_task(f, v, &v->tasks[i]);
	}
	fputc(']', f);
}

static void json_funcs(FILE *f, const struct view *v)
{
	fprintf(f, ",\"funcs\":[");
	for (int i = 0; i < v->nr_funcs; i++) {
		const struct func_row *r = &v->funcs[i];

		fprintf(f, "%s{\"function\":", i ? "," : "");
		jstr(f, r->name);
		fprintf(f, ",\"addr\":\"0x%llx\",\"new\":%llu,\"old\":%llu,\"new_per_s\":%.1f,\"old_per_s\":%.1f}",
			(unsigned long long)r->addr,
			(unsigned long long)r->to_new,
			(unsigned long long)r->to_old, r->new_rate,
			r->old_rate);
	}
	fputc(']', f);
}

static void json_event(FILE *f, const struct klp_top_event *e)
{
	fprintf(f, "{\"ts_ms\":%.3f,\"type\":\"%s\"", e->ts_ns / 1e6,
		type_name(e->type));
	if (e->pid || e->comm[0]) {
		fprintf(f, ",\"pid\":%d,\"comm\":", e->pid);
		jstr(f, e->comm);
	}
	if (e->patch[0]) {
		fprintf(f, ",\"patch\":");
		jstr(f, e->patch);
	}
	if (e->name[0]) {
		fprintf(f, ",\"name\":");
		jstr(f, e->name);
	}
	if (e->detail[0]) {
		fprintf(f, ",\"detail\":");
		jstr(f, e->detail);
	}
	fprintf(f, ",\"a\":%d,\"b\":%d,\"c\":%d,\"value\":%llu}", e->a, e->b,
		e->c, (unsigned long long)e->value);
}

static void json_events(FILE *f, const struct view *v)
{
	unsigned long first = v->interval_first, n = v->last_snap - first;

	if (n > RECENT_MAX)
		first = v->last_snap - RECENT_MAX;
	if (v->last_snap - first > EVENTS_MAX)
		first = v->last_snap - EVENTS_MAX;
	fprintf(f, ",\"events_not_shown\":%lu,\"events\":[",
		first - v->interval_first);
	for (unsigned long i = first; i < v->last_snap; i++) {
		if (i != first)
			fputc(',', f);
		json_event(f, &v->recent[i % RECENT_MAX]);
	}
	fputc(']', f);
}

/* one core's object, without the newline */
static void json_core(FILE *f, const struct view *v, const struct options *o)
{
	fprintf(f, "{\"time\":%.3f,\"interval_s\":%.3f,\"core\":\"%s\",\"attach\":\"%s\",\"missing_probes\":",
		v->now, v->elapsed, core_name(v->core), v->attach);
	jstr(f, v->missing);
	fputc(',', f);
	fprintf(f, "\"events_total\":%llu,\"dropped\":%llu,\"task_map_full\":%llu,",
		(unsigned long long)v->events, (unsigned long long)v->dropped,
		(unsigned long long)v->task_map_full);
	fprintf(f, "\"pid_filter\":[");
	for (int i = 0; i < v->pids.n; i++)
		fprintf(f, "%s%u", i ? "," : "", v->pids.pid[i]);
	fprintf(f, "],");
	json_transition(f, v);
	json_tasks(f, v, "blockers", v->nr_blockers);
	if (o->all_tasks)
		json_tasks(f, v, "tasks", v->nr_tasks);
	json_funcs(f, v);
	json_events(f, v);
	fputc('}', f);
}

void print_json(FILE *f, const struct view *v, const struct options *o)
{
	json_core(f, v, o);
	fputc('\n', f);
	fflush(f);
}

/*
 * --core auto: one line per interval too, the cores shown (those with a
 * patch in transition, else every core watched) each as the object a
 * single core prints, in "cores".
 */
void print_json_cores(FILE *f, struct view **v, int n,
		      const struct options *o)
{
	fprintf(f, "{\"time\":%.3f,\"core\":\"auto\",\"cores\":[", v[0]->now);
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		json_core(f, v[i], o);
	}
	fputs("]}\n", f);
	fflush(f);
}
