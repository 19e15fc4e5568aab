#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - `make bench`: boot the VM once, run bench.sh in it, keep the
# table in build/bench.txt and the JSON in build/bench.json.  Exit status:
# the bench's (a wrong-way call or a failed step), or the VM bench's (a
# WARN/BUG/oops in the guest's kernel log); never the goals.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$root/build"
run=$(mktemp -d "$root/build/bench-run.XXXX")
# the guest does not inherit our environment: pass the sizes on
KLPX_RUN_DIR=$run KLPX_VM_TIMEOUT=${KLPX_VM_TIMEOUT:-3600} \
	"$root/selftests/bench/vm.sh" -- env BENCH_ROUNDS="${BENCH_ROUNDS:-5}" \
	BENCH_CALLS="${BENCH_CALLS:-200000}" BENCH_SIZES="${BENCH_SIZES:-100 1000 10000}" \
	bash "$here/bench.sh" | tee "$root/build/bench.txt"
rc=${PIPESTATUS[0]}
if [ -f "$run/bench.json" ]; then
	cp "$run/bench.json" "$root/build/bench.json"
	echo "bench: build/bench.txt, build/bench.json (run dir $run)"
fi
exit "$rc"
