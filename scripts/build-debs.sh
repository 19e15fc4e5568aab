#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-debs.sh [OUTDIR] - build the klpx-dkms and klp-top packages.
#
# Copies the source tree (git's tracked and untracked-but-not-ignored
# files, as they are in the work tree; every file but build products
# without git) into OUTDIR/src/klpx-<version>/, installs missing build
# dependencies as root (apt-get build-dep), runs dpkg-buildpackage -us -uc -b
# there and leaves the .deb files, .buildinfo and .changes in OUTDIR
# (default build/deb).  The work tree itself is not touched: debian/rules
# clean would remove its build products.  Then lintian on the .changes
# (-I -E --pedantic: every tag, in OUTDIR/lintian.txt).
#
# Environment: BTF_VMLINUX (the BTF that bpf/vmlinux.h is made from;
# default: the reference kernel's vmlinux that selftests/bench/deps.sh
# unpacked, as make uses, when it is there, else /sys/kernel/btf/vmlinux:
# the build needs a kernel built with CONFIG_LIVEPATCH, whose struct
# klp_func bpf/klp_top_builtin.bpf.c reads), KLPX_NO_LINTIAN=1.

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$(mkdir -p "${1:-$root/build/deb}" && cd "${1:-$root/build/deb}" && pwd)
cd "$root"

msg() { echo "  DEB     $*" >&2; }
die() { echo "build-debs: error: $*" >&2; exit 1; }

ver=$(dpkg-parsechangelog -S Version)
if [ -z "${BTF_VMLINUX:-}" ]; then
	BTF_VMLINUX=/sys/kernel/btf/vmlinux
	ref=$(selftests/bench/env.sh 2>/dev/null | sed -n 's/^KLPX_VMLINUX=//p')
	[ -n "$ref" ] && [ -r "$ref" ] && BTF_VMLINUX=$ref
fi
export BTF_VMLINUX
msg "BPF types (vmlinux.h) from $BTF_VMLINUX"
src="$out/src/klpx-$ver"
rm -rf "$out/src" "$out"/*.deb "$out"/*.buildinfo "$out"/*.changes "$out"/lintian.txt
mkdir -p "$src"

msg "copying the source tree to $src"
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$root" ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			[ -e "$f" ] && printf '%s\0' "$f"
		done | tar --null -T - -cf - | tar -xf - -C "$src"
else
	tar --exclude=./build --exclude='*.o' --exclude='*.ko' --exclude='*.mod*' \
	    --exclude='*.cmd' --exclude='*.symvers' --exclude='*.order' \
	    --exclude='*.skel.h' --exclude=vmlinux.h --exclude=./tools/klp-top/klp-top \
	    --exclude='*.d' --exclude=./bpf/.btf-source \
	    -cf - . | tar -xf - -C "$src"
fi

cd "$src"
if ! dpkg-checkbuilddeps >/dev/null 2>&1; then
	[ "$(id -u)" = 0 ] || die "missing build dependencies: $(dpkg-checkbuilddeps 2>&1 || true)"
	msg "installing build dependencies (apt-get build-dep)"
	DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -qq ./ >/dev/null ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -qq ./ >/dev/null; }
fi

msg "dpkg-buildpackage -us -uc -b (log: $out/build.log)"
if ! dpkg-buildpackage -us -uc -b >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	die "dpkg-buildpackage failed (log: $out/build.log)"
fi
mv "$out/src"/*.deb "$out/src"/*.buildinfo "$out/src"/*.changes "$out/"
ls -1 "$out"/*.deb

if [ -z "${KLPX_NO_LINTIAN:-}" ] && command -v lintian >/dev/null; then
	msg "lintian"
	lintian -I -E --pedantic "$out"/*.changes 2>&1 |
		grep -v "running with root privileges" >"$out/lintian.txt" || true
	if [ -s "$out/lintian.txt" ]; then
		cat "$out/lintian.txt"
	else
		msg "lintian: no tags"
	fi
fi
