#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# env.sh - print the bench's paths as make-compatible VAR=value lines.
#
# Reads only apt's local cache (no network, no root), so the Makefile can call
# it on every run.  deps.sh is what installs and unpacks; env.sh only names.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=selftests/bench/common.sh
. "$here/common.sh"

kver=${KLPX_KVER:-$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: linux-image-\(6\.1\.0-[0-9]*-amd64\)$/\1/p' |
	head -n1)}
# A fresh machine may have no apt lists yet: fall back to the newest
# installed headers, then to a name deps.sh will correct.
if [ -z "$kver" ]; then
	kver=$(ls -d /usr/src/linux-headers-6.1.0-*-amd64 2>/dev/null |
	       sed 's|.*/linux-headers-||' | sort -V | tail -n1)
fi
cache="$(klpx_cache)/${kver:-unknown}"

echo "KVER=${kver:-unknown}"
echo "KDIR=/usr/src/linux-headers-${kver:-unknown}"
echo "KLPX_CACHE=$(klpx_cache)"
echo "KLPX_KCACHE=$cache"
echo "KLPX_VMLINUZ=$cache/vmlinuz"
echo "KLPX_VMLINUX=$cache/vmlinux"
echo "KLPX_GUEST_MODULES=$cache/root/lib/modules/${kver:-unknown}"
