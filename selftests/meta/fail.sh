#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fail.sh - a case that fails on purpose (make check-bench only): the
# summary must count it and the run's exit status must be non-zero.
# vm-timeout: 600
# vm-group: meta (check-bench: pass.sh and fail.sh share one VM, as grouped case files do)

# shellcheck source=selftests/lib/functions.sh
. "$KLPX_ROOT/selftests/lib/functions.sh"

case_fail()
{
	assert_eq "expected" "actual" "meta: a value compared on purpose"
}
run_case "meta: a deliberately failing case" case_fail
