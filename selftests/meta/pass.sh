#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pass.sh - a case that passes (make check-bench only): its VM's result
# must still count when another VM of the same run fails or hangs.
# vm-timeout: 600
# vm-group: meta (check-bench: pass.sh and fail.sh share one VM, as grouped case files do)

# shellcheck source=selftests/lib/functions.sh
. "$KLPX_ROOT/selftests/lib/functions.sh"

# Steps: compare a value with itself.  Expect: the case passes.
case_pass()
{
	assert_eq "same" "same" "meta: a value compared with itself"
}
run_case "meta: a passing case" case_pass
