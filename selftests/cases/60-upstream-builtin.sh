#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 1200
# soak-only: the kernel's own livepatch, the reference for 61-upstream-klpx.sh
# The kernel's own livepatch selftests against the kernel's built-in
# livepatch: the reference for 61-upstream-klpx.sh (unchanged modules and
# scripts, klpx not loaded).  Each case: Steps: upstream's test script for
# one start_test.  Expect: it exits 0 having printed "TEST: <name> ... ok".
# The cases and how they run: selftests/lib/upstream.sh.
. "$(dirname "$0")/../lib/functions.sh"
. "$KLPX_ROOT/selftests/lib/upstream.sh"

upstream_cases builtin
