#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 1000
# The kernel's own livepatch selftests against klpx: upstream's test
# modules built with <klpx/compat.h>, its scripts mapped to klpx
# (docs/patch-author.md, "Upstream's selftests through compat.h").  Each
# case: Steps: the mapped test script for one start_test.  Expect: it exits
# 0 having printed "TEST: <name> ... ok", as the same case does against the
# built-in (60-upstream-builtin.sh).  How they run: selftests/lib/upstream.sh.
. "$(dirname "$0")/../lib/functions.sh"
. "$KLPX_ROOT/selftests/lib/upstream.sh"

upstream_cases klpx
