#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - `make bench`: boot the VM once, run bench.sh in it, keep the
# table in build/bench.txt, the JSON in build/bench.json and the raw
# samples in build/bench.raw.  Exit status:
# the bench's (a wrong-way call, a missed observation or a failed step),
# or the VM bench's (a WARN/BUG/oops in the guest's kernel log); never the
# goals.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$root/build"
run=$(mktemp -d "$root/build/bench-run.XXXX")
t0=$SECONDS
# the guest does not inherit our environment: pass the settings on
envs=(BENCH_ROUNDS="${BENCH_ROUNDS:-5}" BENCH_CALLS="${BENCH_CALLS:-200000}"
      BENCH_SIZES="${BENCH_SIZES:-100 1000 10000}")
for v in BENCH_OBSERVER BENCH_OBSERVER_NAME BENCH_SAT_SIZES BENCH_SAT_ROUNDS \
	 BENCH_SAT_PRIO BENCH_SECTIONS BENCH_MANY_SIZES; do
	[ -z "${!v:-}" ] || envs+=("$v=${!v}")
done
# the default run: about 25 minutes on a shared 2-core host, more with
# BENCH_SAT_SIZES=10000 (docs/performance.md)
KLPX_RUN_DIR=$run KLPX_VM_TIMEOUT=${KLPX_VM_TIMEOUT:-5400} \
	"$root/selftests/bench/vm.sh" -- env "${envs[@]}" \
	bash "$here/bench.sh" | tee "$root/build/bench.txt"
rc=${PIPESTATUS[0]}
echo "bench: $((SECONDS - t0)) s with the boot; exit status $rc" | tee -a "$root/build/bench.txt"
[ -f "$run/bench.json" ] || [ ! -s "$run/bench.raw" ] ||
	echo "bench: cut short; the samples taken are in $run/bench.raw (selftests/perf/report.sh makes a table of them)"
if [ -f "$run/bench.json" ]; then
	cp "$run/bench.json" "$run/bench.raw" "$root/build/"
	echo "bench: build/bench.txt, build/bench.json, build/bench.raw (run dir $run)"
fi
exit "$rc"
