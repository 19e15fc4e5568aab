#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# warn.sh - a case that passes by itself but loads a module whose init
# WARNs (make check-bench only): the kernel log check must fail the case.
# vm-timeout: 600

# shellcheck source=selftests/lib/functions.sh
. "$KLPX_ROOT/selftests/lib/functions.sh"

case_warn()
{
	load_mod "$KLPX_ROOT/selftests/meta/warn/klpx_test_warn.ko"
}
run_case "meta: a module that WARNs on load" case_warn
