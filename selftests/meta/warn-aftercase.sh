#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# warn-aftercase.sh - a case file that loads the WARNing module after its
# last case, outside any case (make check-bench only): run.sh's check of
# the kernel log after the last case must fail the run.
# vm-timeout: 600

# shellcheck source=selftests/lib/functions.sh
. "$KLPX_ROOT/selftests/lib/functions.sh"

# Steps: compare a value with itself.  Expect: the case passes.
case_pass()
{
	assert_eq "same" "same" "meta: a value compared with itself"
}
run_case "meta: a passing case before a WARN outside any case" case_pass

/usr/sbin/insmod "$KLPX_ROOT/selftests/meta/warn/klpx_test_warn.ko"
