// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * klp-top - watch live patch transitions: klpx's, or the kernel's built-in
 * livepatch's (--core builtin, builtin.c).
 *
 * Options and the ways to run: the interactive screen (default on a
 * terminal), batch output (-b, text or --json), --wait, one Prometheus
 * sample (--prometheus, prom.c) and --preflight (preflight.c).  Exit
 * status: 0 done, 1 --wait timed out (the blockers are printed) or
 * --preflight found blockers, 2 klp-top could not run (usage, core not
 * there, no privileges, BPF failed, file not written).
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "klp_top_user.h"

static volatile sig_atomic_t stop;

static const char usage[] =
"Usage: klp-top [--core klpx|builtin|auto] [-b] [--json] [-d SECONDS] [-n COUNT]\n"
"               [-p PID[,PID...]] [-s KEY[,KEY...]] [--tasks] [--raw-tp] [-v]\n"
"       klp-top [--core klpx|builtin|auto] --wait [PATCH] [--timeout SECONDS]\n"
"               [-p PID[,PID...]] [-s KEY[,KEY...]]\n"
"       klp-top [--core klpx|builtin|auto] --prometheus FILE [-d SECONDS]\n"
"       klp-top --preflight PATCH.ko | --preflight-funcs F1,F2[,...]\n"
"\n"
"Watch live patch transitions: which patch is in transition and how far\n"
"it got, which tasks block it (why, and the function on their stack), how\n"
"many calls each patched function sent to new and to old code, and every\n"
"klp event as it happens.  Needs root and klpx.ko loaded (with its BTF), or\n"
"--core builtin for the kernel's built-in livepatch (/sys/kernel/livepatch).\n"
"\n"
"      --core CORE     klpx (default), builtin (the kernel's own livepatch,\n"
"                      through its BTF), auto (both at once: the ones with a\n"
"                      patch in transition are shown, else both)\n"
"  -b, --batch         print a text snapshot every interval (no screen control)\n"
"      --json          print one JSON object per interval, one per line\n"
"  -d, --delay SECONDS interval between snapshots (default 1, fractions allowed)\n"
"  -n, --count COUNT   stop after COUNT snapshots (default: until Ctrl-C)\n"
"  -p, --pid PID[,PID] show only these tasks' rows and task events (switch,\n"
"                      failed check, signal); events about a patch, an object\n"
"                      or the transition, the transition's counts and the\n"
"                      functions stay whole (repeatable)\n"
"  -s, --sort KEY[,KEY] sort tasks by wait (default), fails, pid, comm and\n"
"                      functions by rate (default: rate,total), total, new,\n"
"                      old, name; in the order given, blockers always first\n"
"      --tasks         with --json: list every task the transition has seen\n"
"      --raw-tp        attach raw_tp programs instead of tp_btf\n"
"      --wait [PATCH]  wait for PATCH's transition (or any) to end: exit 0 when\n"
"                      it has, 1 with the blocking tasks printed on timeout\n"
"      --timeout SECONDS  give up --wait after SECONDS (default: never)\n"
"      --prometheus FILE  watch every core (or --core's) for one interval and\n"
"                      write the sample to FILE in Prometheus text format\n"
"                      (written aside and renamed over FILE)\n"
"      --preflight PATCH.ko  before enabling it: the tasks whose stacks hold a\n"
"                      function PATCH.ko replaces (exit 1), or none (exit 0)\n"
"      --preflight-funcs F1,F2  the same for these functions\n"
"  -v, --verbose       show libbpf's messages\n"
"  -h, --help          this text\n"
"\n"
"Screen keys: q quit; w f p c sort blocking tasks by waiting time, failed\n"
"checks, pid, command; r t n o a sort functions by rate, total, new, old,\n"
"name; + - change the interval.\n"
"\n"
"Counts start when klp-top attaches.  Started in the middle of a transition,\n"
"it reads /sys/kernel/debug/klpx/tasks once to know who switched before.\n"
"Exit status: 0 done, 1 --wait timed out, 2 could not run.\n"
"See docs/klp-top.md for every field.\n";

static void on_signal(int sig)
{
	stop = 1;
}

/* -p PID[,PID...], added to @s: 0, or -1 after a message */
static int parse_pids(const char *arg, struct pid_set *s)
{
	const char *p = arg;
	char *end;
	long pid;

	do {
		pid = strtol(p, &end, 10);
		if (end == p || (*end && *end != ',') || pid < 0 ||
		    pid > 0x7fffffff) {
			fprintf(stderr, "klp-top: -p takes pids (numbers, comma-separated), not '%s'\n",
				arg);
			return -1;
		}
		if (pid_shown(s, pid) && s->n)
			continue;	/* given twice */
		if (s->n == PIDS_MAX) {
			fprintf(stderr, "klp-top: -p: at most %d pids\n",
				PIDS_MAX);
			return -1;
		}
		s->pid[s->n++] = pid;
	} while (*end && (p = end + 1));
	return 0;
}

static const char *const task_keys[SORT_NR] = {
	[SORT_WAIT] = "wait", [SORT_FAILS] = "fails",
	[SORT_PID] = "pid", [SORT_COMM] = "comm",
};
static const char *const func_keys[FSORT_NR] = {
	[FSORT_RATE] = "rate", [FSORT_TOTAL] = "total", [FSORT_NEW] = "new",
	[FSORT_OLD] = "old", [FSORT_NAME] = "name",
};

static int key_index(const char *const *names, int nr, const char *word,
		     size_t len)
{
	for (int k = 0; k < nr; k++)
		if (strlen(names[k]) == len && !strncmp(word, names[k], len))
			return k;
	return -1;
}

/*
 * -s KEY[,KEY...]: the task keys named become the task order, the
 * function keys the function order (an order no key names is left as
 * it was); a key named twice counts once.  0, or -1 after a message.
 */
static int parse_sort(const char *arg, struct options *o)
{
	struct task_order tasks = {};
	struct func_order funcs = {};
	unsigned int task_seen = 0, func_seen = 0;
	const char *p = arg;
	size_t len;
	int k;

	for (;; p += len + 1) {
		len = strcspn(p, ",");
		k = key_index(task_keys, SORT_NR, p, len);
		if (k >= 0) {
			if (!(task_seen & 1u << k))
				tasks.key[tasks.n++] = k;
			task_seen |= 1u << k;
		} else if ((k = key_index(func_keys, FSORT_NR, p, len)) >= 0) {
			if (!(func_seen & 1u << k))
				funcs.key[funcs.n++] = k;
			func_seen |= 1u << k;
		} else {
			fprintf(stderr, "klp-top: -s: unknown sort key '%.*s' (tasks: wait, fails, pid, comm; functions: rate, total, new, old, name)\n",
				(int)len, p);
			return -1;
		}
		if (!p[len])
			break;
	}
	if (tasks.n)
		o->sort = tasks;
	if (funcs.n)
		o->fsort = funcs;
	return 0;
}

static int parse(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "core", required_argument, NULL, 'C' },
		{ "prometheus", required_argument, NULL, 'P' },
		{ "preflight", required_argument, NULL, 'F' },
		{ "preflight-funcs", required_argument, NULL, 'G' },
		{ "json", no_argument, NULL, 'j' },
		{ "delay", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "tasks", no_argument, NULL, 'T' },
		{ "raw-tp", no_argument, NULL, 'R' },
		{ "wait", no_argument, NULL, 'W' },
		{ "timeout", required_argument, NULL, 't' },
		{ "pid", required_argument, NULL, 'p' },
		{ "sort", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "+bd:n:p:s:vh", longs, NULL)) != -1) {
		switch (c) {
		case 'b': o->batch = true; break;
		case 'P': o->prometheus = optarg; break;
		case 'F': o->preflight = optarg; break;
		case 'G': o->preflight_funcs = optarg; break;
		case 'C':
			o->core_set = true;
			if (!strcmp(optarg, "klpx"))
				o->core = CORE_KLPX;
			else if (!strcmp(optarg, "builtin"))
				o->core = CORE_BUILTIN;
			else if (!strcmp(optarg, "auto"))
				o->core = CORE_AUTO;
			else {
				fprintf(stderr, "klp-top: --core is klpx, builtin or auto, not '%s'\n",
					optarg);
				goto usage;
			}
			break;
		case 'j': o->json = true; break;
		case 'T': o->all_tasks = true; break;
		case 'R': o->raw_tp = true; break;
		case 'v': o->verbose = true; break;
		case 'p':
			if (parse_pids(optarg, &o->pids))
				goto usage;
			o->pids_set = true;
			break;
		case 's':
			if (parse_sort(optarg, o))
				goto usage;
			o->sort_set = true;
			break;
		case 'd':
			o->interval = strtod(optarg, &end);
			if (*end || o->interval < 0.01)
				goto bad;
			break;
		case 'n':
			o->count = strtol(optarg, &end, 10);
			if (*end || o->count < 1)
				goto bad;
			break;
		case 't':
			o->timeout = strtod(optarg, &end);
			if (*end || o->timeout <= 0)
				goto bad;
			break;
		case 'W':
			o->wait = true;
			if (optind < argc && argv[optind][0] != '-')
				o->wait_patch = argv[optind++];
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:
			goto usage;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "klp-top: unexpected argument '%s'\n", argv[optind]);
		goto usage;
	}
	if (o->raw_tp && o->core == CORE_BUILTIN) {
		fprintf(stderr, "klp-top: --raw-tp is for klpx's tracepoints, not --core builtin\n");
		goto usage;
	}
	if ((o->preflight || o->preflight_funcs) &&
	    (o->prometheus || o->wait || o->json || o->batch || o->count ||
	     o->core_set || o->pids_set || o->sort_set)) {
		fprintf(stderr, "klp-top: --preflight goes alone (it needs no core)\n");
		goto usage;
	}
	if (o->prometheus && (o->wait || o->json || o->batch || o->count)) {
		fprintf(stderr, "klp-top: --prometheus writes one sample: no --wait, --json, -b or -n\n");
		goto usage;
	}
	if (o->prometheus && (o->pids_set || o->sort_set)) {
		fprintf(stderr, "klp-top: --prometheus writes the whole host's metrics: no -p or -s\n");
		goto usage;
	}
	if (o->timeout && !o->wait) {
		fprintf(stderr, "klp-top: --timeout goes with --wait\n");
		goto usage;
	}
	return 0;
bad:
	fprintf(stderr, "klp-top: bad value '%s' for -%c\n", optarg, c);
usage:
	fprintf(stderr, "Try 'klp-top --help'.\n");
	return -1;
}

static int run_batch(struct cores *c, const struct options *o)
{
	for (long i = 0; !stop && (!o->count || i < o->count); i++) {
		if (cores_poll(c, (int)(o->interval * 1e3)))
			return 2;
		cores_snapshot(c, o);
		print_cores(stdout, c, o);
	}
	return 0;
}

/* the first core watched with PATCH (or any patch) in transition */
static struct view *in_transition(const struct cores *c, const char *patch)
{
	for (int i = 0; i < c->n; i++)
		if (transition_running(c->v[i]->sysfs, patch, NULL, 0))
			return c->v[i];
	return NULL;
}

/*
 * --wait: 0 when no core watched has the patch (or any patch) in
 * transition, 1 on timeout with each such core's blockers printed.  With
 * --core auto each line names its core.
 */
static int run_wait(struct cores *c, const struct options *o)
{
	const char *what = o->wait_patch ? o->wait_patch : "any patch";
	double waited = 0;
	int told = 0;

	while (!stop && in_transition(c, o->wait_patch)) {
		if (o->timeout && waited >= o->timeout) {
			cores_snapshot(c, o);
			for (int i = 0; i < c->n; i++) {
				struct view *v = c->v[i];

				if (!transition_running(v->sysfs, o->wait_patch,
							NULL, 0))
					continue;
				printf("klp-top: timeout after %.1fs: %s still in transition to %s",
				       waited, v->prog.active ? v->prog.patch :
				       o->wait_patch ? what : v->sysfs_patch,
				       universe_name(v->prog.active ?
						     v->prog.target : -1));
				if (c->any)
					printf(" (core %s)", core_name(v->core));
				putchar('\n');
				print_blockers(stdout, v);
			}
			return 1;
		}
		if (cores_poll(c, 100))
			return 2;
		waited += 0.1;
	}
	if (stop)
		return 2;
	cores_snapshot(c, o);
	for (int i = 0; i < c->n; i++) {
		struct view *v = c->v[i];

		if (!v->prog.gen || v->prog.active ||
		    (o->wait_patch && strcmp(o->wait_patch, v->prog.patch)))
			continue;
		printf("klp-top: %s: transition to %s %s in %s%.1f ms",
		       v->prog.patch, universe_name(v->prog.target),
		       v->prog.forced ? "forced" : "completed",
		       duration_at_least(v) ? ">=" : "",
		       v->prog.duration_ns / 1e6);
		if (c->any)
			printf(" (core %s)", core_name(v->core));
		putchar('\n');
		told++;
	}
	if (!told)
		printf("klp-top: %s: not in transition\n", what);
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = {
		.interval = 1.0,
		.sort = { 1, { SORT_WAIT } },
		.fsort = { 2, { FSORT_RATE, FSORT_TOTAL } },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct cores c;
	int ret;

	if (parse(argc, argv, &o))
		return 2;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (o.preflight || o.preflight_funcs)
		return run_preflight(&o);
	if (o.prometheus)
		return run_prometheus(&o, &stop);
	if (!o.batch && !o.json && !o.wait && !isatty(STDOUT_FILENO))
		o.batch = true;
	if (cores_open(&o, &c))
		return 2;
	if (o.wait)
		ret = run_wait(&c, &o);
	else if (o.batch || o.json)
		ret = run_batch(&c, &o);
	else
		ret = tui_run(&c, &o) ? 2 : 0;
	cores_close(&c);
	return ret;
}
