// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * names.c - the words klp-top prints for klpx's numbers: the same words
 * the klp tracepoints print in trace_pipe (docs/tracepoints.md).
 */
#include <stdio.h>
#include "klp-top.h"
#include "klpx/events.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const reasons[] = {
	[KLPX_SWITCH_OK] = "-",
	[KLPX_RUNNING] = "running",
	[KLPX_UNRELIABLE] = "unreliable_stack",
	[KLPX_FUNC_ON_STACK] = "function_on_stack",
	[KLPX_EXITING] = "exiting",
};

static const char *const hows[] = {
	[KLPX_HOW_STACK_CHECK] = "stack_check",
	[KLPX_HOW_IPI] = "ipi",
	[KLPX_HOW_SYSCALL_EXIT] = "syscall_exit",
	[KLPX_HOW_SCHED_SWITCH] = "sched_switch",
	[KLPX_HOW_IDLE] = "idle",
	[KLPX_HOW_FORK] = "fork",
	[KLPX_HOW_FORCE] = "force",
};

static const char *const types[] = {
	[KLPT_PATCH_ENABLE] = "patch_enable",
	[KLPT_PATCH_DISABLE] = "patch_disable",
	[KLPT_PATCH_FREE] = "patch_free",
	[KLPT_OBJECT_PATCHED] = "object_patched",
	[KLPT_OBJECT_UNPATCHED] = "object_unpatched",
	[KLPT_PATCH_REPLACED] = "patch_replaced",
	[KLPT_CALLBACK] = "callback",
	[KLPT_TRANSITION_START] = "transition_start",
	[KLPT_TRANSITION_COMPLETE] = "transition_complete",
	[KLPT_TRANSITION_REVERSE] = "transition_reverse",
	[KLPT_TRANSITION_FORCE] = "transition_force",
	[KLPT_TASK_SWITCH] = "task_switch",
	[KLPT_STACK_CHECK_FAIL] = "stack_check_fail",
	[KLPT_TASK_SIGNAL] = "task_signal",
};

const char *universe_name(int u)
{
	return u == 1 ? "patched" : u == 0 ? "unpatched" : "unknown";
}

const char *reason_name(int r)
{
	return r >= 0 && r < (int)ARRAY_SIZE(reasons) && reasons[r] ?
	       reasons[r] : "unknown";
}

const char *how_name(int h)
{
	if (h == -2)
		return "before_klp_top";	/* seeded from the tasks file */
	return h >= 0 && h < (int)ARRAY_SIZE(hows) && hows[h] ? hows[h] : "-";
}

const char *type_name(unsigned int t)
{
	return t < ARRAY_SIZE(types) && types[t] ? types[t] : "unknown";
}

/* one line, in the words of trace_pipe; @t0 is the time origin, seconds */
int format_event(char *buf, size_t len, const struct klpt_event *e,
		 double t0)
{
	double ts = e->ts_ns / 1e9 - t0;
	const char *ty = type_name(e->type);

	switch (e->type) {
	case KLPT_TASK_SWITCH:
		return snprintf(buf, len, "%9.3f %s pid=%d comm=%s from=%s to=%s how=%s",
				ts, ty, e->pid, e->comm, universe_name(e->a),
				universe_name(e->b), how_name(e->c));
	case KLPT_STACK_CHECK_FAIL:
		return snprintf(buf, len, "%9.3f %s pid=%d comm=%s reason=%s func=%s",
				ts, ty, e->pid, e->comm, reason_name(e->a),
				e->name[0] ? e->name : "-");
	case KLPT_TASK_SIGNAL:
		return snprintf(buf, len, "%9.3f %s pid=%d comm=%s kind=%s",
				ts, ty, e->pid, e->comm,
				e->a ? "signal" : "wakeup");
	case KLPT_TRANSITION_START:
		return snprintf(buf, len, "%9.3f %s patch=%s target=%s tasks=%d",
				ts, ty, e->patch, universe_name(e->a), e->b);
	case KLPT_TRANSITION_COMPLETE:
		return snprintf(buf, len, "%9.3f %s patch=%s target=%s duration_ms=%.1f forced=%d",
				ts, ty, e->patch, universe_name(e->a),
				e->value / 1e6, e->b);
	case KLPT_TRANSITION_REVERSE:
	case KLPT_TRANSITION_FORCE:
		return snprintf(buf, len, "%9.3f %s patch=%s target=%s", ts,
				ty, e->patch, universe_name(e->a));
	case KLPT_OBJECT_PATCHED:
	case KLPT_OBJECT_UNPATCHED:
		return snprintf(buf, len, "%9.3f %s patch=%s object=%s", ts,
				ty, e->patch, e->name);
	case KLPT_PATCH_REPLACED:
		return snprintf(buf, len, "%9.3f %s patch=%s replaced=%s", ts,
				ty, e->patch, e->name);
	case KLPT_CALLBACK:
		return snprintf(buf, len, "%9.3f %s patch=%s object=%s callback=%s ret=%d",
				ts, ty, e->patch, e->name, e->detail, e->a);
	default:
		return snprintf(buf, len, "%9.3f %s patch=%s replace=%d", ts,
				ty, e->patch, e->a);
	}
}
