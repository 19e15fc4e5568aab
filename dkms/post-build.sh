#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dkms POST_BUILD: keep kernel/Module.symvers in dkms's per-kernel directory
# ($1) for patch modules (KBUILD_EXTRA_SYMBOLS); dkms deletes that
# directory with the module.
set -e
[ -d "$1" ] || { echo "klpx post-build: no $1" >&2; exit 1; }
cp kernel/Module.symvers "$1/Module.symvers"
