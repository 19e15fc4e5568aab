#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install what the klpx bench needs and unpack the reference kernel.
#
# Idempotent.  As root, installs the missing Debian packages (one apt-get
# update, only when something is missing).  Then downloads (does not install)
# Debian's stock kernel image package into the build cache and unpacks it:
#
#   $KLPX_CACHE/<abi>/vmlinuz       the bzImage the VM boots
#   $KLPX_CACHE/<abi>/vmlinux       ELF vmlinux with .BTF (pahole --btf_base)
#   $KLPX_CACHE/<abi>/root/         the unpacked package (guest /lib/modules)
#
# A second run finds every file in place and downloads nothing.
#
# Environment: KLPX_CACHE (default ~/.cache/klpx), KLPX_KVER (skip the apt
# detection of the reference ABI, e.g. 6.1.0-56-amd64).

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=selftests/bench/common.sh
. "$here/common.sh"

PKGS=(gcc make dwarves qemu-system-x86 busybox-static clang llvm libbpf-dev
      bpftool bpftrace libelf-dev zlib1g-dev kmod cpio xz-utils pkg-config
      binutils jq linux-source-6.1 prometheus)
# With KLPX_PKG=1 (make check-pkg; make check, unless KLPX_PKG=0 or a
# KLPX_CASES subset without KLPX_PKG=1): the packages' build and check too
# (make deb, dkms with its module signing, lintian).
[ "${KLPX_PKG:-0}" = 1 ] &&
	PKGS+=(dpkg-dev debhelper dh-dkms dkms lintian openssl)

apt_updated=
apt_update_once()
{
	[ -n "$apt_updated" ] && return
	msg "apt-get update"
	apt-get update -qq
	apt_updated=1
}

missing_pkgs()
{
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

install_pkgs()
{
	local missing
	missing=$(missing_pkgs "$@")
	[ -z "$missing" ] && return
	if [ "$(id -u)" != 0 ]; then
		die "missing packages and not root: $(echo $missing)"
	fi
	apt_update_once
	msg "apt-get install $(echo $missing)"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null
}

# The reference ABI: what the candidate linux-image-amd64 depends on.
detect_kver()
{
	local kver
	if [ -n "${KLPX_KVER:-}" ]; then
		echo "$KLPX_KVER"
		return
	fi
	kver=$(apt-cache depends linux-image-amd64 2>/dev/null |
	       sed -n 's/^ *Depends: linux-image-\(6\.1\.0-[0-9]*-amd64\)$/\1/p' |
	       head -n1)
	if [ -z "$kver" ]; then
		apt_update_once
		kver=$(apt-cache depends linux-image-amd64 |
		       sed -n 's/^ *Depends: linux-image-\(6\.1\.0-[0-9]*-amd64\)$/\1/p' |
		       head -n1)
	fi
	[ -n "$kver" ] || die "cannot find the reference kernel ABI from 'apt-cache depends linux-image-amd64'"
	echo "$kver"
}

# Print the byte offset of the first xz stream in $1 that decompresses,
# fully, into an ELF file; the bzImage holds one xz stream after its setup
# code, and the magic may also appear by chance elsewhere.
xz_offsets()
{
	# xz stream header magic: FD 37 7A 58 5A 00
	LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$1" | cut -d: -f1
}

extract_vmlinux()
{
	local img=$1 out=$2 off tmp
	tmp="$out.tmp"
	for off in $(xz_offsets "$img"); do
		# xz warns about the trailing bytes after the stream; the
		# payload is whole if it is an ELF file readelf can parse.
		tail -c +"$((off + 1))" "$img" | xz -dc --single-stream \
			>"$tmp" 2>/dev/null || true
		if [ "$(head -c 4 "$tmp" | od -An -c | tr -d ' ')" = '177ELF' ] &&
		   readelf -h "$tmp" >/dev/null 2>&1; then
			mv "$tmp" "$out"
			return 0
		fi
	done
	rm -f "$tmp"
	die "no xz-compressed ELF found in $img"
}

main()
{
	local kver cache deb

	install_pkgs "${PKGS[@]}"
	kver=$(detect_kver)
	install_pkgs "linux-headers-$kver"

	cache="$(klpx_cache)/$kver"
	mkdir -p "$cache"

	if [ ! -f "$cache/root/boot/vmlinuz-$kver" ]; then
		deb=$(ls "$cache"/linux-image-"$kver"_*.deb 2>/dev/null | head -n1 || true)
		if [ -z "$deb" ]; then
			msg "downloading linux-image-$kver"
			(cd "$cache" && apt-get download -qq "linux-image-$kver" 2>/dev/null) ||
			{ apt_update_once;
			  (cd "$cache" && apt-get download -qq "linux-image-$kver"); }
			deb=$(ls "$cache"/linux-image-"$kver"_*.deb | head -n1)
		fi
		msg "unpacking $(basename "$deb")"
		rm -rf "$cache/root.tmp"
		dpkg-deb -x "$deb" "$cache/root.tmp"
		rm -rf "$cache/root"
		mv "$cache/root.tmp" "$cache/root"
	fi
	[ -d "$cache/root/lib/modules/$kver/kernel" ] ||
		die "$cache/root has no modules for $kver"

	# modules.dep is made by the package's postinst, which never ran:
	# make it, so modprobe works in the guest.
	if [ ! -f "$cache/root/lib/modules/$kver/modules.dep" ]; then
		msg "depmod for the guest modules"
		depmod -b "$cache/root" "$kver"
	fi

	ln -sf "root/boot/vmlinuz-$kver" "$cache/vmlinuz"

	if [ ! -f "$cache/vmlinux" ]; then
		msg "extracting vmlinux from vmlinuz-$kver"
		extract_vmlinux "$cache/root/boot/vmlinuz-$kver" "$cache/vmlinux"
	fi
	out_has ' \.BTF ' readelf -S -W "$cache/vmlinux" ||
		die "$cache/vmlinux has no .BTF section"

	[ -f "/usr/src/linux-headers-$kver/Makefile" ] ||
		die "/usr/src/linux-headers-$kver is missing"

	msg "reference kernel $kver"
	msg "  KDIR    /usr/src/linux-headers-$kver"
	msg "  vmlinuz $cache/vmlinuz"
	msg "  vmlinux $cache/vmlinux (with .BTF)"
	msg "  modules $cache/root/lib/modules/$kver"
}

main "$@"
