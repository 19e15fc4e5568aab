#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# report.sh RAW JSON CALLS ROUNDS - the bench's table and JSON from the raw
# samples ("metric variant value" lines) bench.sh recorded: each figure is
# the median of its rounds, with min and max; ratios are klpx/built-in.
set -u
raw=$1 json=$2 calls=$3 rounds=$4

awk -v json="$json" -v calls="$calls" -v rounds="$rounds" '
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
function verdict(ok) { return ok ? "PASS" : "MISS" }
function jfig(key, scale) {
	return sprintf("{\"median\":%.3f,\"min\":%.3f,\"max\":%.3f,\"n\":%d}",
		       med[key] / scale, lo[key] / scale, hi[key] / scale, cnt[key])
}
function goal(name, ratio, limit, unit) {
	printf "  %-46s %8.3f   goal <= %-5s %s\n", name, ratio, limit unit, verdict(ratio <= limit)
	goals = goals sprintf("%s{\"goal\":\"%s\",\"value\":%.4f,\"limit\":%s,\"met\":%s}",
			      goals == "" ? "" : ",", name, ratio, limit, ratio <= limit ? "true" : "false")
}
{ key = $1 " " $2; vals[key] = vals[key] (key in vals ? " " : "") $3; if (!(key in seen)) { seen[key] = 1; keys[++nkeys] = key } }
END {
	for (k = 1; k <= nkeys; k++)
		stats(keys[k])
	base = med["call unpatched"]
	printf "\nklpx vs the built-in livepatch, one boot, single-threaded TCG (not hardware time: compare ratios)\n"
	printf "median [min-max] of %d rounds; per call: ns, loops of %d calls\n\n", rounds, calls
	printf "PER CALL (ns)                          median [  min -   max]  overhead\n"
	split("unpatched ftrace_floor builtin klpx", vs, " ")
	for (i = 1; i <= 4; i++)
		printf "  %-36s %s  %7.1f\n", vs[i], ns("call " vs[i]), (med["call " vs[i]] - base) / 1000
	split("during_switched during_unswitched after", ws, " ")
	for (i = 1; i <= 3; i++)
		for (j = 3; j <= 4; j++)
			if (have(ws[i] " " vs[j]))
				printf "  %-36s %s  %7.1f\n", ws[i] " " vs[j], ns(ws[i] " " vs[j]), (med[ws[i] " " vs[j]] - base) / 1000
	if (have("observe klpx"))
		printf "  %-36s %s\n  %-36s %s\n", "klpx (observe rounds)", ns("observe klpx"), "klpx with klp-top attached", ns("observe klpx_klp_top")
	printf "\nTRANSITION TIME (ms)                   median [    min -      max]\n"
	n = 0
	for (k = 1; k <= nkeys; k++) {
		split(keys[k], kv, " ")
		if (kv[1] ~ /^(enable|disable)_/ && kv[2] == "builtin")
			sorted[++n] = kv[1]
	}
	for (i = 1; i <= n; i++)
		for (j = 3; j <= 4; j++)
			printf "  %-36s %s\n", sorted[i] " " vs[j], ms(sorted[i] " " vs[j])
	if (have("mem_during klpx"))
		printf "\nMEMORY: klpx per-task state %d bytes during a transition of %d tasks (%.2f bytes/task), %d bytes after\n",
		       med["mem_during klpx"], med["mem_tasks klpx"], med["mem_during klpx"] / med["mem_tasks klpx"], med["mem_after klpx"]
	printf "\nGOALS (klpx / built-in)\n"
	ob = med["call builtin"] - base
	goal("per-call overhead after the transition", (med["call klpx"] - base) / ob, "0.5", "")
	if (have("during_switched klpx")) {
		goal("per-call overhead during, switched caller", (med["during_switched klpx"] - base) / (med["during_switched builtin"] - base), "1.0", "")
		goal("per-call overhead during, unswitched caller", (med["during_unswitched klpx"] - base) / (med["during_unswitched builtin"] - base), "1.0", "")
	}
	for (i = 1; i <= n; i++)
		goal(sorted[i] " time", med[sorted[i] " klpx"] / med[sorted[i] " builtin"], "0.2", "")
	if (have("observe klpx"))
		goal("klp-top attached: added per-call cost", med["observe klpx_klp_top"] / med["observe klpx"] - 1, "0.10", "")
	if (have("mem_during klpx")) {
		goal("per-task state during (bytes/task)", med["mem_during klpx"] / med["mem_tasks klpx"], "64", "")
		goal("per-task state after (bytes)", med["mem_after klpx"], "0", "")
	}
	printf "{\"rounds\":%d,\"calls\":%d,\"figures\":{", rounds, calls > json
	for (k = 1; k <= nkeys; k++) {
		split(keys[k], kv, " ")
		scale = kv[1] ~ /^(call|during|after|observe)/ ? 1000 : 1
		printf "%s\"%s/%s\":%s", (k > 1 ? "," : ""), kv[1], kv[2], jfig(keys[k], scale) > json
	}
	printf "},\"units\":{\"call,during,after,observe\":\"ns per call\",\"enable,disable\":\"ms\",\"mem\":\"bytes or tasks\"},\"goals\":[%s]}\n", goals > json
	close(json)
	printf "\nJSON: %s\n", json
}' "$raw"
