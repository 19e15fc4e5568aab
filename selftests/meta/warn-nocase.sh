#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# warn-nocase.sh - load the WARNing module outside run.sh and exit 0
# (make check-bench only): the host's scan of the guest kernel log alone
# must fail the run.

/usr/sbin/insmod "$KLPX_ROOT/selftests/meta/warn/klpx_test_warn.ko"
