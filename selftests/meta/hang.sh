#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# hang.sh - a case that never ends (make check-bench only): its VM must be
# killed at its own timeout, the report must name this file and the case,
# and the run must fail while the other VMs' results still count.
# vm-timeout: 90

# shellcheck source=selftests/lib/functions.sh
. "$KLPX_ROOT/selftests/lib/functions.sh"

# Steps: sleep for good.  Expect: the bench kills the VM at 90 s.
case_hang()
{
	log "meta: sleeping for good"
	sleep 100000
}
run_case "meta: a case that never ends" case_hang
