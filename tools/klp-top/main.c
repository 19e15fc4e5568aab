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
"               [--tasks] [--raw-tp] [-v]\n"
"       klp-top [--core klpx|builtin|auto] --wait [PATCH] [--timeout SECONDS]\n"
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
"checks, pid, command; r t a sort functions by rate, total, name; + - change\n"
"the interval.\n"
"\n"
"Counts start when klp-top attaches.  Started in the middle of a transition,\n"
"it reads /sys/kernel/debug/klpx/tasks once to know who switched before.\n"
"Exit status: 0 done, 1 --wait timed out, 2 could not run.\n"
"See docs/klp-top.md for every field.\n";

static void on_signal(int sig)
{
	stop = 1;
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
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "+bd:n:vh", longs, NULL)) != -1) {
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
	     o->core_set)) {
		fprintf(stderr, "klp-top: --preflight goes alone (it needs no core)\n");
		goto usage;
	}
	if (o->prometheus && (o->wait || o->json || o->batch || o->count)) {
		fprintf(stderr, "klp-top: --prometheus writes one sample: no --wait, --json, -b or -n\n");
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
	struct options o = { .interval = 1.0 };
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
