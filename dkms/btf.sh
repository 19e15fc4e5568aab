#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# btf.sh KVER KDIR MODULE.ko - give a klpx module split BTF for kernel KVER.
#
# klp-top's BPF programs (tp_btf) and bpftool need /sys/kernel/btf/klpx,
# which the kernel makes from the module's .BTF section.  Split BTF refers
# to the kernel's own (vmlinux) BTF, so pahole needs the BTF of KVER itself:
#
#   $KLPX_BTF_BASE                         when set (a raw BTF file or an ELF
#                                          vmlinux with .BTF)
#   /sys/kernel/btf/vmlinux                when KVER is the running kernel
#   KDIR/vmlinux                           a kernel built from source
#   /usr/lib/debug/boot/vmlinux-KVER       Debian's -dbg package
#   /boot/vmlinuz-KVER                     the installed image: its vmlinux
#                                          is cut out of the xz stream
#
# Without any of them (or without pahole) the module is built without BTF:
# it works, but klp-top cannot attach.  That is a warning, not an error.
# With them, a pahole that fails, or leaves the module without .BTF three
# times, fails the build (exit 1).

set -uo pipefail

kver=$1 kdir=$2 ko=$3
tmp=

warn() { echo "klpx btf: WARNING: $*" >&2; }
cleanup() { [ -z "$tmp" ] || rm -rf "$tmp"; }
trap cleanup EXIT

# no 'readelf | grep -q' under pipefail: grep's early exit can SIGPIPE readelf
has_btf() { [[ $(readelf -S -W "$1" 2>/dev/null) == *' .BTF '* ]]; }

# extract_vmlinux BZIMAGE OUT: the ELF inside the bzImage's xz stream
extract_vmlinux()
{
	local off
	for off in $(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$1" | cut -d: -f1); do
		tail -c +"$((off + 1))" "$1" | xz -dc --single-stream >"$2" 2>/dev/null
		readelf -h "$2" >/dev/null 2>&1 && return 0
	done
	return 1
}

base=${KLPX_BTF_BASE:-}
if [ -z "$base" ]; then
	if [ "$kver" = "$(uname -r)" ] && [ -r /sys/kernel/btf/vmlinux ]; then
		base=/sys/kernel/btf/vmlinux
	elif [ -r "$kdir/vmlinux" ] && has_btf "$kdir/vmlinux"; then
		base=$kdir/vmlinux
	elif [ -r "/usr/lib/debug/boot/vmlinux-$kver" ]; then
		base=/usr/lib/debug/boot/vmlinux-$kver
	elif [ -r "/boot/vmlinuz-$kver" ]; then
		tmp=$(mktemp -d)
		if extract_vmlinux "/boot/vmlinuz-$kver" "$tmp/vmlinux" &&
		   has_btf "$tmp/vmlinux"; then
			base=$tmp/vmlinux
		fi
	fi
fi

if [ -z "$base" ]; then
	warn "no BTF for kernel $kver (set KLPX_BTF_BASE, or install linux-image-$kver):" \
	     "$ko built WITHOUT BTF; klp-top cannot attach to it"
	exit 0
fi
if [ ! -r "$base" ]; then
	echo "klpx btf: KLPX_BTF_BASE=$base is not readable" >&2
	exit 1
fi
if ! command -v pahole >/dev/null; then
	warn "pahole not found (package dwarves): $ko built WITHOUT BTF"
	exit 0
fi
if has_btf "$ko"; then
	exit 0
fi
# No -j: pahole 1.24 (bookworm) with -j twice left klpx.ko without .BTF
# and exit status 0 under dkms on a loaded host (not reproduced by hand);
# one thread takes about a second here.  Three tries, then the build
# fails: the kernel's BTF is there, so a module without BTF would be a
# silent loss of klp-top (dkms prints make.log; apt shows the failure).
for try in 1 2 3; do
	echo "  PAHOLE  $ko (base BTF: $base, try $try)"
	LLVM_OBJCOPY=objcopy pahole -J --btf_gen_floats --lang_exclude=rust \
		--btf_base "$base" "$ko" || exit 1
	has_btf "$ko" && exit 0
	echo "klpx btf: pahole exited 0 but left $ko without .BTF" >&2
	ls -l "$ko" "$ko".btf 2>&1 >&2
done
echo "klpx btf: ERROR: pahole left $ko without .BTF three times (base BTF: $base):" \
     "build failed; klp-top would not attach to it" >&2
exit 1
