// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * names.c - the words klp-top prints for klpx's numbers: the same words
 * the klp tracepoints print in trace_pipe (docs/tracepoints.md).
 */
#include <stdio.h>
#include <string.h>
#include "klp_top_user.h"
#include "klpx/events.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* the words of klpx/events.h's lists: what trace_pipe prints */
#define REASON_WORD(name, value, word, file)	[value] = #word,
#define REASON_FILE(name, value, word, file)	[value] = file,
#define HOW_WORD(name, value, word)		[value] = #word,
#define UNIVERSE_WORD(name, value, word)	[value] = #word,

static const char *const universes[] = {
	KLPX_UNIVERSES(UNIVERSE_WORD, UNIVERSE_WORD)
};

static const char *const reasons[KLPX_NR_CHECK_FAILS + 1] = {
	[KLPX_SWITCH_OK] = "-",
	KLPX_CHECK_FAILS(REASON_WORD, REASON_WORD)
};

/* the same reasons, as the tasks file writes them */
static const char *const reasons_file[KLPX_NR_CHECK_FAILS + 1] = {
	KLPX_CHECK_FAILS(REASON_FILE, REASON_FILE)
};

static const char *const hows[KLPX_NR_HOWS] = {
	KLPX_HOWS(HOW_WORD, HOW_WORD)
};

static const char *const types[] = {
	[KLP_TOP_PATCH_ENABLE] = "patch_enable",
	[KLP_TOP_PATCH_DISABLE] = "patch_disable",
	[KLP_TOP_PATCH_FREE] = "patch_free",
	[KLP_TOP_OBJECT_PATCHED] = "object_patched",
	[KLP_TOP_OBJECT_UNPATCHED] = "object_unpatched",
	[KLP_TOP_PATCH_REPLACED] = "patch_replaced",
	[KLP_TOP_CALLBACK] = "callback",
	[KLP_TOP_TRANSITION_START] = "transition_start",
	[KLP_TOP_TRANSITION_COMPLETE] = "transition_complete",
	[KLP_TOP_TRANSITION_REVERSE] = "transition_reverse",
	[KLP_TOP_TRANSITION_FORCE] = "transition_force",
	[KLP_TOP_TASK_SWITCH] = "task_switch",
	[KLP_TOP_STACK_CHECK_FAIL] = "stack_check_fail",
	[KLP_TOP_TASK_SIGNAL] = "task_signal",
};

const char *universe_name(int u)
{
	return u >= 0 && u < (int)ARRAY_SIZE(universes) ? universes[u] :
	       "unknown";
}

/* the universe the tasks file calls @word, or -1 (universe_name(): "unknown") */
int universe_from_word(const char *word)
{
	int u;

	for (u = 0; u < (int)ARRAY_SIZE(universes); u++)
		if (!strcmp(word, universes[u]))
			return u;
	return -1;
}

const char *reason_name(int r)
{
	return r >= 0 && r < (int)ARRAY_SIZE(reasons) && reasons[r] ?
	       reasons[r] : "unknown";
}

/* the reason the tasks file calls @file, or -1 (reason_name(): "unknown") */
int reason_from_file(const char *file)
{
	for (int r = 1; r < (int)ARRAY_SIZE(reasons_file); r++)
		if (reasons_file[r] && !strcmp(file, reasons_file[r]))
			return r;
	return -1;
}

const char *how_name(int h)
{
	if (h == KLP_TOP_HOW_SEEDED)
		return "before_klp_top";
	return h >= 0 && h < (int)ARRAY_SIZE(hows) && hows[h] ? hows[h] : "-";
}

const char *type_name(unsigned int t)
{
	return t < ARRAY_SIZE(types) && types[t] ? types[t] : "unknown";
}

/* one line, in the words of trace_pipe; @t0 is the time origin, seconds */
int format_event(char *buf, size_t len, const struct klp_top_event *e,
		 double t0)
{
	double ts = e->ts_ns / 1e9 - t0;
	const char *ty = type_name(e->type);

	switch (e->type) {
	case KLP_TOP_TASK_SWITCH:
		return snprintf(buf, len, "%9.3f %s pid=%d comm=%s from=%s to=%s how=%s",
				ts, ty, e->pid, e->comm, universe_name(e->a),
				universe_name(e->b), how_name(e->c));
	case KLP_TOP_STACK_CHECK_FAIL:
		return snprintf(buf, len, "%9.3f %s pid=%d comm=%s reason=%s func=%s",
				ts, ty, e->pid, e->comm, reason_name(e->a),
				e->name[0] ? e->name : "-");
	case KLP_TOP_TASK_SIGNAL:
		return snprintf(buf, len, "%9.3f %s pid=%d comm=%s kind=%s",
				ts, ty, e->pid, e->comm,
				e->a ? "signal" : "wakeup");
	case KLP_TOP_TRANSITION_START:
		return snprintf(buf, len, "%9.3f %s patch=%s target=%s tasks=%d",
				ts, ty, e->patch, universe_name(e->a), e->b);
	case KLP_TOP_TRANSITION_COMPLETE:
		return snprintf(buf, len, "%9.3f %s patch=%s target=%s duration_ms=%.1f forced=%d",
				ts, ty, e->patch, universe_name(e->a),
				e->value / 1e6, e->b);
	case KLP_TOP_TRANSITION_REVERSE:
	case KLP_TOP_TRANSITION_FORCE:
		return snprintf(buf, len, "%9.3f %s patch=%s target=%s", ts,
				ty, e->patch, universe_name(e->a));
	case KLP_TOP_OBJECT_PATCHED:
	case KLP_TOP_OBJECT_UNPATCHED:
		return snprintf(buf, len, "%9.3f %s patch=%s object=%s", ts,
				ty, e->patch, e->name);
	case KLP_TOP_PATCH_REPLACED:
		return snprintf(buf, len, "%9.3f %s patch=%s replaced=%s", ts,
				ty, e->patch, e->name);
	case KLP_TOP_CALLBACK:
		return snprintf(buf, len, "%9.3f %s patch=%s object=%s callback=%s ret=%d",
				ts, ty, e->patch, e->name, e->detail, e->a);
	default:
		return snprintf(buf, len, "%9.3f %s patch=%s replace=%d", ts,
				ty, e->patch, e->a);
	}
}
