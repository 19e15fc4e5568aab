#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - make check: every case file in its own VM (or one VM for a
# group of files), several VMs at a time, one TAP stream.
#
#   check.sh [--host SCRIPT]... [CASE...]
#
# CASE: case files or globs (default $KLPX_CASES, a space-separated list of
# globs relative to the repo, or selftests/cases/*.sh).  Each file boots its
# own VM (vm.sh --tap -- selftests/run.sh FILE...) with its own timeout: the
# "# vm-timeout: SECONDS" line in the file's header (sized from the file's
# measured time with a wide margin), else 900; a "# vm-append: PARAMS"
# line adds kernel parameters to that VM's command line (after vm.sh's
# own, so it can undo one of them); "# vm-boot: bzimage" boots that file's
# VM from vmlinuz, with KASLR (vm.sh: KLPX_VM_BOOT; the others boot the
# vmlinux at its PVH entry, 4-5 s sooner); "# soak-only: WHY" leaves the
# file out of the default list unless KLPX_SOAK=1 (make soak), which also
# makes the timeouts three times longer; files whose headers say
# "# vm-group: NAME" share one VM, one after the other in the order given
# (by name by default), with the sum of their timeouts, and must agree on
# vm-append and vm-boot (each VM costs 10-20 s of boot, shutdown and cold
# caches: the short files share).  VMs with the longest timeouts start
# first; KLPX_JOBS VMs run at a time (default: nproc, since single-threaded
# TCG keeps one host core busy per VM).
#
# --host SCRIPT adds a job that runs on the host, not in a VM (make check:
# selftests/pkg/check-pkg.sh, the packages' check, which builds and
# installs packages on the host and boots one VM of its own): it starts
# first, in one of the KLPX_JOBS places (run beside two VMs on two cores,
# its builds slowed everything: 405-425 s for it instead of 144-190 s, the
# whole run 13 min instead of 11 min 41 s; at nice 10, 578 s and 12 min
# 50 s instead of 10 min 50 s); its TAP output counts like a file's, its
# timeout is HOST_TIMEOUT.
#
# Each VM's TAP block is printed when that VM stops, renumbered so that the
# numbers run on across files; a failure the bench found outside any case
# (timeout, WARN in the kernel log, panic) becomes a "not ok" line of its
# own.  At the end: the plan, the wall time of each file and of the run,
# then the last line "N passed, N failed" (", N skipped" when any were).
# Exit status 0 only if nothing failed.
#
# Environment: KLPX_JOBS, KLPX_CASES, KLPX_SOAK, KLPX_VM_TIMEOUT (seconds:
# overrides every file's own timeout), KLPX_VM_TIMEOUT_SCALE (integer factor
# for the files' timeouts on a slow machine, default 1, 3 with KLPX_SOAK=1),
# and what vm.sh reads.

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=selftests/bench/common.sh
. "$here/common.sh"
cd "$root" || exit 1

DEFAULT_TIMEOUT=900
# a host job's timeout: the packages' check measured 114-425 s (docs/vm-bench.md)
HOST_TIMEOUT=1200

hosts=()
while [ "${1:-}" = --host ]; do
	[ -n "${2:-}" ] || die "--host needs a script"
	hosts+=("$2")
	shift 2
done

jobs=${KLPX_JOBS:-}
[ -n "$jobs" ] || jobs=$(nproc 2>/dev/null || echo 1)
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "KLPX_JOBS (J=) must be a positive number, not '$jobs'"
# make soak runs the stress cases' full rounds: three times the timeouts
scale=${KLPX_VM_TIMEOUT_SCALE:-$([ "${KLPX_SOAK:-0}" = 1 ] && echo 3 || echo 1)}
[[ $scale =~ ^[1-9][0-9]*$ ]] || die "KLPX_VM_TIMEOUT_SCALE must be a positive integer, not '$scale'"
if [ -n "${KLPX_VM_TIMEOUT:-}" ]; then
	[[ $KLPX_VM_TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "KLPX_VM_TIMEOUT must be a number of seconds"
fi

# --- the files' headers ----------------------------------------------------

# file_header FILE KEY: the value of FILE's "# KEY: VALUE" header line
file_header()
{
	sed -n -E "1,30s/^# $2: *(.*)\$/\1/p" "$1" | head -n 1
}

# file_boot FILE: how its VM starts the kernel (vm.sh's KLPX_VM_BOOT)
file_boot()
{
	local b
	b=$(file_header "$1" vm-boot)
	b=${b%% *}	# the word; a reason may follow
	echo "${b:-${KLPX_VM_BOOT:-pvh}}"
}

# file_timeout FILE: its VM's timeout in seconds
file_timeout()
{
	local t
	if [ -n "${KLPX_VM_TIMEOUT:-}" ]; then
		echo "$KLPX_VM_TIMEOUT"
		return
	fi
	t=$(file_header "$1" vm-timeout)
	[[ $t =~ ^[0-9]+$ ]] || t=$DEFAULT_TIMEOUT
	echo $(( t * scale ))
}

# --- the files, longest first ---------------------------------------------

# A file whose header has a "# soak-only: WHY" line runs in make soak
# (KLPX_SOAK=1), or when named on its own; the default list leaves it out.
default_list=
[ $# -gt 0 ] || [ -n "${KLPX_CASES:-}" ] || [ "${KLPX_SOAK:-0}" = 1 ] || default_list=1
[ $# -gt 0 ] || set -- ${KLPX_CASES:-selftests/cases/*.sh}
files=() soak_only=()
for g in "$@"; do
	# shellcheck disable=SC2206
	m=($g)
	for f in "${m[@]}"; do
		[ -f "$f" ] || continue
		if [ -n "$default_list" ] && [ -n "$(file_header "$f" soak-only)" ]; then
			soak_only+=("$f")
		else
			files+=("$f")
		fi
	done
done

echo "TAP version 13"
for f in "${soak_only[@]}"; do
	echo "# check: $f runs in make soak only: $(file_header "$f" soak-only)"
done
if [ ${#files[@]} = 0 ]; then
	echo "not ok 1 - no case files match: $*"
	echo "1..1"
	echo "0 passed, 1 failed"
	exit 1
fi

# vm_jobs: vm_lines[] gets one line per VM, "TIMEOUT<tab>FILE..." (a
# group's files space-separated, in the order given, its timeout the sum
# of theirs)
vm_lines=()
vm_jobs()
{
	local f g t h
	local -A g_files g_to g_hdr
	for f in $(printf '%s\n' "${files[@]}" | awk '!seen[$0]++'); do
		g=$(file_header "$f" vm-group)
		g=${g%% *}	# the word; a reason may follow
		t=$(file_timeout "$f")
		if [ -z "$g" ]; then
			vm_lines+=("$t"$'\t'"$f")
			continue
		fi
		h="$(file_header "$f" vm-append)|$(file_boot "$f")"
		if [ -z "${g_files[$g]:-}" ]; then
			g_hdr[$g]=$h
		elif [ "${g_hdr[$g]}" != "$h" ]; then
			die "$f: its vm-append or vm-boot differs from the other files of vm-group $g"
		fi
		g_files[$g]+="${g_files[$g]:+ }$f"
		g_to[$g]=$(( ${g_to[$g]:-0} + t ))
	done
	for g in "${!g_files[@]}"; do
		t=${g_to[$g]}
		[ -z "${KLPX_VM_TIMEOUT:-}" ] || t=$KLPX_VM_TIMEOUT
		vm_lines+=("$t"$'\t'"${g_files[$g]}")
	done
}
vm_jobs

# the host jobs (marked "host:"), then the VMs sorted: timeout
# (descending), then name
mapfile -t order < <(
	for f in "${hosts[@]}"; do
		printf '%s\thost:%s\n' "$(( HOST_TIMEOUT * scale ))" "$f"
	done
	printf '%s\n' "${vm_lines[@]}" | sort -t $'\t' -k1,1nr -k2,2
)
n_files=${#order[@]}

# --- run directories --------------------------------------------------------

cache=$(klpx_cache)
runs="$cache/runs"
mkdir -p "$runs"
top=$(mktemp -d "$runs/$(date +%Y%m%d-%H%M%S).XXXX")
ln -sfn "$(basename "$top")" "$runs/last"
touch "$top/.running"
trap 'rm -f "$top/.running"' EXIT
prune_runs "$runs"

# --- the VMs ----------------------------------------------------------------

declare -a f_name f_to f_dir f_pid f_done f_host
i=0
for line in "${order[@]}"; do
	f_to[i]=${line%%$'\t'*}
	f_name[i]=${line#*$'\t'}
	f_host[i]=
	if [[ ${f_name[i]} == host:* ]]; then
		f_name[i]=${f_name[i]#host:}
		f_host[i]=1
	fi
	f_dir[i]="$top/$(basename "${f_name[i]%% *}" .sh)"
	[ "${f_name[i]}" = "${f_name[i]%% *}" ] || f_dir[i]+=-group
	[ ! -e "${f_dir[i]}" ] || f_dir[i]="${f_dir[i]}.$i"
	f_done[i]=
	i=$((i + 1))
done

# start_job I: file I's VM, or host job I, in the background
start_job()
{
	local i=$1 d=${f_dir[$1]}
	mkdir -p "$d"
	if [ -n "${f_host[i]}" ]; then
		echo "# start ${f_name[i]} on the host (timeout ${f_to[i]}s)"
		(
			t0=$(date +%s)
			timeout -k 10 "${f_to[i]}" "${f_name[i]}" >"$d/host.tap" 2>&1 </dev/null
			rc=$?
			[ "$rc" != 124 ] || echo "# bench: FAIL: ${f_name[i]} timed out after ${f_to[i]}s" >>"$d/host.tap"
			echo $(( $(date +%s) - t0 )) >"$d/host.wall"
			echo "$rc" >"$d/host.rc"
		) &
		f_pid[i]=$!
		return
	fi
	echo "# start ${f_name[i]} (VM timeout ${f_to[i]}s)"
	(
		t0=$(date +%s)
		first=${f_name[i]%% *}	# a group's files agree on these
		KLPX_CASES=${f_name[i]} KLPX_VM_TIMEOUT=${f_to[i]} KLPX_RUN_DIR=$d \
			KLPX_VM_APPEND="${KLPX_VM_APPEND:-} $(file_header "$first" vm-append)" \
			KLPX_VM_BOOT=$(file_boot "$first") \
			"$here/vm.sh" --tap -- selftests/run.sh \
			>"$d/host.tap" 2>"$d/host.err" </dev/null
		rc=$?
		echo $(( $(date +%s) - t0 )) >"$d/host.wall"
		echo "$rc" >"$d/host.rc"
	) &
	f_pid[i]=$!
}

# stop_all: on INT/TERM, stop the VMs (QEMU runs under timeout(1), in its
# own process group: a signal to ours does not reach it)
stop_all()
{
	local i
	trap - INT TERM
	for i in "${!f_name[@]}"; do
		[ -n "${f_pid[i]:-}" ] && [ -z "${f_done[i]}" ] || continue
		[ -f "${f_dir[i]}/qemu.pid" ] && kill "$(cat "${f_dir[i]}/qemu.pid")" 2>/dev/null
		# a host job: its timeout(1), which passes the signal on
		[ -z "${f_host[i]}" ] || pkill -TERM -P "${f_pid[i]}" 2>/dev/null
		kill "${f_pid[i]}" 2>/dev/null
	done
	echo "# check: interrupted; run dir $top"
	exit 130
}
trap stop_all INT TERM

tap_n=0
n_pass=0
n_fail=0
n_skip=0
declare -a r_pass r_fail r_skip r_wall r_note

# file_times DIR: "SECONDS FILE" for each case file its VM ran, by the
# guest's clock (run.sh's "klpx-test: file" lines in the serial log; the
# last one ends at the guest's last line)
file_times()
{
	awk '{ sub(/\r$/, "") }
	     match($0, /^\[ *[0-9]+\.[0-9]+\]/) { t = substr($0, 2, RLENGTH - 2) + 0 }
	     / klpx-test: file / { if (f != "") printf "%d %s\n", t - s + 0.5, f
				  f = $0; sub(/.* klpx-test: file /, "", f); s = t }
	     END { if (f != "") printf "%d %s\n", t - s + 0.5, f }' "$1/serial.log" 2>/dev/null
}

# report I: print VM I's TAP block, renumbered; count it
report()
{
	local i=$1 d=${f_dir[$1]} rc wall line p=0 fl=0 sk=0 notok=0 vf= desc
	local -a problems=()
	local who=vm.sh
	[ -z "${f_host[i]}" ] || who=${f_name[i]}
	rc=$(cat "$d/host.rc" 2>/dev/null || echo 125)
	wall=$(cat "$d/host.wall" 2>/dev/null || echo 0)
	echo "# ---- ${f_name[i]}: ${wall}s (${f_host[i]:+host, }timeout ${f_to[i]}s, run dir $d)"
	while IFS= read -r line || [ -n "$line" ]; do
		if [[ $line =~ ^(not\ )?ok\ [0-9]+(.*)$ ]]; then
			tap_n=$((tap_n + 1))
			desc=${BASH_REMATCH[2]}
			if [ -n "${BASH_REMATCH[1]}" ]; then
				echo "not ok $tap_n$desc"
				fl=$((fl + 1))
				notok=$((notok + 1))
			else
				echo "ok $tap_n$desc"
				case $desc in
				*" # SKIP"*) sk=$((sk + 1)) ;;
				*) p=$((p + 1)) ;;
				esac
			fi
		elif [[ $line =~ ^[0-9]+\ passed,\ ([0-9]+)\ failed(,\ [0-9]+\ skipped)?$ ]]; then
			vf=${BASH_REMATCH[1]}
		elif [ "$line" = "TAP version 13" ] || [[ $line =~ ^1\.\.[0-9]+$ ]]; then
			:
		else
			[[ $line =~ ^#\ bench:\ FAIL:\ (.*)$ ]] && problems+=("${BASH_REMATCH[1]%:}")
			printf '%s\n' "$line"
		fi
	done <"$d/host.tap"
	if [ -s "$d/host.err" ]; then
		sed 's/^/# vm.sh: /' "$d/host.err"
	fi

	# failures the bench counted outside any case: one line each
	local extra=0 k=0
	if [ -z "$vf" ]; then
		extra=1
		problems=("$who exited with status $rc and no result line${problems[0]:+: ${problems[0]}}")
	elif [ "$vf" -gt "$notok" ]; then
		extra=$((vf - notok))
	elif [ "$rc" != 0 ] && [ "$fl" = 0 ]; then
		extra=1
		problems=("$who exited with status $rc")
	fi
	while [ "$k" -lt "$extra" ]; do
		tap_n=$((tap_n + 1))
		echo "not ok $tap_n - ${f_name[i]}: ${problems[k]:-the bench found a problem (see above)}"
		fl=$((fl + 1))
		k=$((k + 1))
	done

	r_pass[i]=$p
	r_fail[i]=$fl
	r_skip[i]=$sk
	r_wall[i]=$wall
	r_note[i]=
	grep -q '^# bench: FAIL: .*timed out' "$d/host.tap" 2>/dev/null && r_note[i]=" TIMED OUT"
	n_pass=$((n_pass + p))
	n_fail=$((n_fail + fl))
	n_skip=$((n_skip + sk))
}

t_start=$(date +%s)
n_vms=$((n_files - ${#hosts[@]}))
n_cf=$(printf '%s\n' "${vm_lines[@]}" | cut -f2 | wc -w)
echo "# check: $n_cf case files$([ "$n_cf" = "$n_vms" ] || echo " in $n_vms VMs")${hosts[0]:+ and ${#hosts[@]} host job(s)}, $jobs at a time, run dir $top"
next=0
while :; do
	# jobs running: a host job takes one of the J places too (beside
	# two VMs on two cores, its builds made everything slower)
	running=0
	for i in "${!f_name[@]}"; do
		[ -n "${f_pid[i]:-}" ] && [ -z "${f_done[i]}" ] && running=$((running + 1))
	done
	while [ "$running" -lt "$jobs" ] && [ "$next" -lt "$n_files" ]; do
		start_job "$next"
		next=$((next + 1))
		running=$((running + 1))
	done
	[ "$running" -gt 0 ] || break
	wait -n 2>/dev/null
	for i in "${!f_name[@]}"; do
		[ -n "${f_pid[i]:-}" ] && [ -z "${f_done[i]}" ] || continue
		# finished: its status is written, or its shell is gone
		if [ -f "${f_dir[i]}/host.rc" ] || ! kill -0 "${f_pid[i]}" 2>/dev/null; then
			wait "${f_pid[i]}" 2>/dev/null
			f_done[i]=1
			report "$i"
		fi
	done
done
t_total=$(( $(date +%s) - t_start ))

# --- summary ----------------------------------------------------------------

mmss() { printf '%dm%02ds' $(( $1 / 60 )) $(( $1 % 60 )); }

echo "1..$tap_n"
sum=0
echo "# ---- wall time per job (timeout), $jobs at a time:"
for i in "${!f_name[@]}"; do
	label=${f_name[i]}
	[ "$label" = "${label%% *}" ] || label="one VM: $(wc -w <<<"$label") files"
	printf '# %5ss %-7s %-36s %s passed, %s failed%s%s\n' "${r_wall[i]}" "(${f_to[i]}s)" \
		"$label" "${r_pass[i]}" "${r_fail[i]}" \
		"$([ "${r_skip[i]}" = 0 ] || echo ", ${r_skip[i]} skipped")" "${r_note[i]}"
	# a group's files, by the guest's clock
	[ "$label" = "${f_name[i]}" ] ||
		file_times "${f_dir[i]}" | while read -r secs f; do
			printf '# %5ss %-7s   %s\n' "$secs" "" "$f"
		done
	sum=$((sum + r_wall[i]))
done
echo "# total: $(mmss "$t_total") wall ($t_total s) for $n_files jobs; $sum s of job time"
summary="$n_pass passed, $n_fail failed"
[ "$n_skip" = 0 ] || summary="$summary, $n_skip skipped"
echo "$summary"
[ "$n_fail" = 0 ]
