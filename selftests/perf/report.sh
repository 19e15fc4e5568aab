#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# report.sh RAW JSON CALLS ROUNDS OBSERVER - the bench's table and JSON
# from the raw samples ("metric variant value" lines) bench.sh recorded:
# each figure is the median of its rounds, with min and max; ratios are
# klpx/built-in, each next to its goal with PASS or MISS.  Goals are
# reported, never enforced.
#
# Transition sizes "sat_N" are the saturated shape (transition.sh); their
# goal is 0.5, the others' 0.2.  Sizes "fN" are the N-function patches
# (many.sh): enable's goal 0.5, its transition part's 0.2.
#
# Units of the raw samples: call, during_*, after, observe: picoseconds per
# call, the median over chunks of 1,000 calls (shown in ns), and mean_*
# the same loops' means (JSON only); enable_N, disable_N, released_N, setup_N, trans_N: ms; mem_*: bytes or
# tasks; seconds: a section's wall time.
set -u
raw=$1 json=$2 calls=$3 rounds=$4 observer=$5

awk -v json="$json" -v calls="$calls" -v rounds="$rounds" -v observer="$observer" '
function stats(key,   n, i, j, t, a) {
	n = split(vals[key], a, " ")
	for (i = 2; i <= n; i++)	# insertion sort, n is small
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	cnt[key] = n
	med[key] = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	lo[key] = a[1]; hi[key] = a[n]
}
function have(key) { return key in vals }
function ns(key) { return sprintf("%7.1f [%6.1f-%6.1f]", med[key] / 1000, lo[key] / 1000, hi[key] / 1000) }
function ms(key) { return sprintf("%8.1f [%8.1f-%8.1f]", med[key], lo[key], hi[key]) }
function jfig(key, scale) {
	return sprintf("{\"median\":%.3f,\"min\":%.3f,\"max\":%.3f,\"n\":%d}",
		       med[key] / scale, lo[key] / scale, hi[key] / scale, cnt[key])
}
function goal(name, ratio, limit) {
	printf "  %-46s %8.3f   goal <= %-5s %s\n", name, ratio, limit, ratio <= limit ? "PASS" : "MISS"
	goals = goals sprintf("%s{\"goal\":\"%s\",\"value\":%.4f,\"limit\":%s,\"met\":%s}",
			      goals == "" ? "" : ",", name, ratio, limit, ratio <= limit ? "true" : "false")
}
# overhead of a per-call row: the row minus unpatched, in ns
function over(key) { return (med[key] - med["call unpatched"]) / 1000 }
function percall_row(key, label) {
	if (have(key))
		printf "  %-36s %s  %7.1f\n", label, ns(key), over(key)
}
function percall_table(   i, j) {
	printf "PER CALL (ns)                          median [  min -   max]  overhead\n"
	split("unpatched ftrace_floor builtin klpx", vs, " ")
	for (i = 1; i <= 4; i++)
		percall_row("call " vs[i], vs[i])
	split("during_switched during_unswitched after", ws, " ")
	for (i = 1; i <= 3; i++)
		for (j = 3; j <= 4; j++)
			percall_row(ws[i] " " vs[j], ws[i] " " vs[j])
	if (have("observe klpx")) {
		printf "  %-36s %s\n", "klpx (observe rounds)", ns("observe klpx")
		printf "  %-36s %s\n", "klpx with " observer " attached", ns("observe klpx_observed")
	}
}
# the sizes measured, in the order they ran ("sat_N": N tasks, saturated)
function sizes(   k, kv) {
	nsz = 0
	for (k = 1; k <= nkeys; k++) {
		split(keys[k], kv, " ")
		if (kv[1] ~ /^enable_/ && kv[2] == "builtin")
			sz[++nsz] = substr(kv[1], 8)
	}
}
# enable_N split by the kernel log: setup (load, init, hooks: until the
# transition starts), then the transition (until "patching complete")
function phase_rows(n,   j, both) {
	both = have("setup_" n " builtin") && have("setup_" n " klpx")
	for (j = 3; j <= 4; j++)
		if (have("setup_" n " " vs[j])) {
			printf "    %-34s %s", "setup " vs[j], ms("setup_" n " " vs[j])
			if (both && j == 4)
				printf "  %8.3f", med["setup_" n " klpx"] / med["setup_" n " builtin"]
			printf "\n    %-34s %s", "transition " vs[j], ms("trans_" n " " vs[j])
			if (both && j == 4)
				printf "  %8.3f", med["trans_" n " klpx"] / med["trans_" n " builtin"]
			printf "\n"
		}
}
function transition_table(   i, m, k, what) {
	printf "\nTRANSITION TIME (ms)                   median [    min -      max]  klpx/builtin\n"
	split("enable disable", what, " ")
	for (i = 1; i <= nsz; i++)
		for (m = 1; m <= 2; m++) {
			k = what[m] "_" sz[i]
			printf "  %-36s %s\n", k " builtin", ms(k " builtin")
			printf "  %-36s %s  %8.3f\n", k " klpx", ms(k " klpx"), med[k " klpx"] / med[k " builtin"]
			if (m == 1)
				phase_rows(sz[i])
			if (m == 2 && have("released_" sz[i] " klpx"))
				printf "  %-36s %s\n", "released_" sz[i] " klpx (hooks gone)", ms("released_" sz[i] " klpx")
		}
}
function goals_table(   i, m, what) {
	printf "\nGOALS (klpx / built-in)\n"
	if (have("call builtin"))
		goal("per-call overhead after the transition", over("call klpx") / over("call builtin"), "0.5")
	if (have("during_switched klpx")) {
		goal("per-call overhead during, switched caller", over("during_switched klpx") / over("during_switched builtin"), "1.0")
		goal("per-call overhead during, unswitched caller", over("during_unswitched klpx") / over("during_unswitched builtin"), "1.0")
	}
	split("enable disable", what, " ")
	for (i = 1; i <= nsz; i++) {
		if (sz[i] ~ /^f[0-9]/) {
			# N functions: enable at most half of the built-in, its
			# transition part at most 0.2 of it; disable is only shown
			goal("enable_" sz[i] " time", med["enable_" sz[i] " klpx"] / med["enable_" sz[i] " builtin"], "0.5")
			if (have("trans_" sz[i] " klpx") && have("trans_" sz[i] " builtin"))
				goal("enable_" sz[i] " transition part", med["trans_" sz[i] " klpx"] / med["trans_" sz[i] " builtin"], "0.2")
			continue
		}
		for (m = 1; m <= 2; m++)
			goal(what[m] "_" sz[i] " time", med[what[m] "_" sz[i] " klpx"] / med[what[m] "_" sz[i] " builtin"],
			     sz[i] ~ /^sat_/ ? "0.5" : "0.2")
	}
	if (have("observe klpx"))
		goal(observer " attached: added per-call cost", med["observe klpx_observed"] / med["observe klpx"] - 1, "0.10")
	if (have("mem_during klpx")) {
		goal("per-task state during (bytes/task)", med["mem_during klpx"] / med["mem_tasks klpx"], "64")
		goal("per-task state after (bytes)", med["mem_after klpx"], "0")
	}
}
function write_json(   k, kv, scale) {
	printf "{\"rounds\":%d,\"calls\":%d,\"observer\":\"%s\",\"figures\":{", rounds, calls, observer > json
	for (k = 1; k <= nkeys; k++) {
		split(keys[k], kv, " ")
		scale = kv[1] ~ /^(mean_)?(call|during|after|observe)/ ? 1000 : 1
		printf "%s\"%s/%s\":%s", (k > 1 ? "," : ""), kv[1], kv[2], jfig(keys[k], scale) > json
	}
	printf "},\"units\":{\"call,during,after,observe\":\"ns per call (median over chunks of 1000 calls)\",\"mean_*\":\"ns per call (mean of the whole loop)\",\"enable,disable,released,setup,trans\":\"ms\",\"mem\":\"bytes or tasks\",\"seconds\":\"s of wall time per section\"},\"goals\":[%s]}\n", goals > json
	close(json)
}
{
	key = $1 " " $2
	vals[key] = vals[key] (key in vals ? " " : "") $3
	if (!(key in seen)) { seen[key] = 1; keys[++nkeys] = key }
}
END {
	for (k = 1; k <= nkeys; k++)
		stats(keys[k])
	sizes()
	printf "\nklpx vs the built-in livepatch, one boot, single-threaded TCG (not hardware time: compare ratios)\n"
	printf "median [min-max] of %d rounds; per call: ns, loops of %d calls\n", rounds, calls
	for (i = 1; i <= nsz; i++)
		if (sz[i] ~ /^sat_/) {
			printf "sat_N: N tasks, saturated, %d rounds, enabling shell at SCHED_FIFO\n", cnt["enable_" sz[i] " builtin"]
			break
		}
	for (i = 1; i <= nsz; i++)
		if (sz[i] ~ /^f[0-9]/) {
			printf "fN: a patch of N functions, no extra tasks; setup = load + init + hooks, then the transition\n"
			break
		}
	printf "\n"
	percall_table()
	transition_table()
	if (have("mem_during klpx"))
		printf "\nMEMORY: klpx per-task state %d bytes during a transition of %d tasks (%.2f bytes/task), %d bytes after\n",
		       med["mem_during klpx"], med["mem_tasks klpx"], med["mem_during klpx"] / med["mem_tasks klpx"], med["mem_after klpx"]
	goals_table()
	printf "\nBENCH TIME (s):"
	for (k = 1; k <= nkeys; k++)
		if (keys[k] ~ /^seconds /) {
			split(keys[k], kv, " ")
			printf " %s %d", kv[2], med[keys[k]]
			total += med[keys[k]]
		}
	printf ", total %d\n", total
	write_json()
	printf "JSON: %s\n", json
}' "$raw"
