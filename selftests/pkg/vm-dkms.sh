#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# The packaged klpx in the VM (run by selftests/pkg/check-pkg.sh after it
# installed klpx-dkms and klp-top on the host and ran dkms build/install for
# this kernel): the DKMS-built klpx.ko from /lib/modules/<kver>/updates/dkms,
# never the tree's, with the sample patch, and /usr/sbin/klp-top from the
# klp-top package.
# Not in selftests/cases/: it needs the packages installed on the host.
. "$(dirname "$0")/../lib/functions.sh"

DKMS_KO=/lib/modules/$(uname -r)/updates/dkms/klpx.ko
KLP_TOP=/usr/sbin/klp-top
# The host's /lib/modules/<kver>/updates, where dkms installed klpx.ko, at
# the same path in the guest.  The bench hides the host's /lib/modules
# under a tmpfs with the unpacked kernel's modules (guest-init.sh): here,
# /lib/modules/<kver> becomes a tmpfs of links to those, plus updates/
# taken from a plain bind of the 9p root (which has no tmpfs over it).
host_updates()
{
	local kver m f
	kver=$(uname -r)
	m=/lib/modules/$kver
	[ -d "$m/updates" ] && return 0
	. /run/klpx/bench.conf || return 1
	mkdir -p /tmp/klpx-hostroot &&
		mount --bind / /tmp/klpx-hostroot || return 1
	[ -d "/tmp/klpx-hostroot$m/updates" ] ||
		{ echo "the host has no $m/updates"; return 1; }
	mount -t tmpfs tmpfs "$m" || return 1
	for f in "$GUEST_MODULES"/*; do
		ln -s "$f" "$m/${f##*/}" || return 1
	done
	mkdir "$m/updates" &&
		mount --bind "/tmp/klpx-hostroot$m/updates" "$m/updates"
}
HOST_UPDATES_ERR=
if ! out=$(host_updates 2>&1); then
	HOST_UPDATES_ERR="cannot show the host's /lib/modules/$(uname -r)/updates: $out"
fi

# the sample built by check-pkg.sh against the installed copy (headers from
# /usr/src/klpx-<version>/include, dkms's Module.symvers)
PKG_SAMPLE=$KLPX_ROOT/build/pkg/sample/klpx_pkg_sample.ko
# and the patch with klp relocations, converted by /usr/bin/klpx-convert
PKG_RELOCS=$KLPX_ROOT/build/pkg/relocs/klpx_pkg_relocs.ko

# Steps: read the DKMS-built module's metadata.  Expect: it is built for
# this kernel (vermagic), has split BTF (.BTF) and is not the tree's file.
case_dkms_module()
{
	local vm
	[ -z "$HOST_UPDATES_ERR" ] || fail "$HOST_UPDATES_ERR"
	assert_exists "$DKMS_KO"
	vm=$(modinfo -F vermagic "$DKMS_KO")
	assert_contains "$vm" "$(uname -r) " "vermagic"
	readelf -S -W "$DKMS_KO" | grep -q ' \.BTF ' || fail "$DKMS_KO has no .BTF section"
	log "signer: $(modinfo -F signer "$DKMS_KO") (empty: not signed)"
	cmp -s "$DKMS_KO" "$KLPX_ROOT/kernel/klpx.ko" && fail "$DKMS_KO is the tree's klpx.ko"
	true
}

# dkms_up: load the DKMS-built klpx.ko and check that it is the one loaded
dkms_up()
{
	mod_loaded klpx && fail "klpx is loaded already"
	load_mod "$DKMS_KO"
	assert_exists /sys/kernel/btf/klpx
	assert_exists "$KLPX_SYSFS"
}

# Steps: insmod the DKMS-built klpx.ko, then the tree's sample patch; read
# /proc/cmdline; klp-top -b -n 1 from /usr/sbin; disable the patch.
# Expect: /sys/kernel/btf/klpx appears, the patch completes, /proc/cmdline
# is patched, klp-top attaches with tp_btf (through the module's BTF),
# prints a snapshot and exits 0; the patch goes away when disabled.
case_dkms_sample()
{
	local out rc
	[ -x "$KLP_TOP" ] || fail "no $KLP_TOP (package klp-top)"
	dkms_up
	load_lp "$KLPX_TEST_MODS/klpx_sample.ko"
	assert_eq "this kernel is live patched by klpx" "$(cat /proc/cmdline)" "/proc/cmdline"
	out=$("$KLP_TOP" -b -n 1 2>&1); rc=$?
	echo "$out"
	assert_eq 0 "$rc" "klp-top -b -n 1 exit status"
	# tp_btf: its BPF programs attached through klpx's module BTF
	assert_contains "$out" "attach=tp_btf" "klp-top's snapshot"
	disable_lp klpx_sample
	assert_not_contains "$(cat /proc/cmdline)" "live patched by klpx" "/proc/cmdline"
}

# Steps: insmod the DKMS-built klpx.ko and the sample that check-pkg.sh
# built against the installed copy only (docs/real-machine.md).
# Expect: it links (modversions match dkms's Module.symvers) and patches.
case_pkg_sample()
{
	[ -f "$PKG_SAMPLE" ] || fail "no $PKG_SAMPLE (built by selftests/pkg/check-pkg.sh)"
	dkms_up
	load_lp "$PKG_SAMPLE"
	assert_eq "this kernel is live patched by klpx" "$(cat /proc/cmdline)" "/proc/cmdline"
	disable_lp klpx_pkg_sample
}

# Steps: insmod the DKMS-built klpx.ko and the patch check-pkg.sh built
# against the installed copy and converted with the package's
# /usr/bin/klpx-convert; read /proc/cmdline; disable it.
# Expect: the loader applies its klp relocations (a static variable and a
# static function of vmlinux): "pkg-relocs cap_last_cap=40 uptime=<uptime>".
case_pkg_relocs()
{
	local line
	[ -f "$PKG_RELOCS" ] || fail "no $PKG_RELOCS (built by selftests/pkg/check-pkg.sh)"
	dkms_up
	load_lp "$PKG_RELOCS"
	line=$(cat /proc/cmdline)
	[[ $line =~ ^pkg-relocs\ cap_last_cap=40\ uptime=[0-9]+\.[0-9]+\ [0-9]+\.[0-9]+$ ]] ||
		fail "/proc/cmdline: '$line'"
	disable_lp klpx_pkg_relocs
	assert_not_contains "$(cat /proc/cmdline)" "pkg-relocs" "/proc/cmdline"
}

run_case "the DKMS-built klpx.ko in updates/dkms is for $(uname -r), with BTF" case_dkms_module
run_case "the DKMS-built klpx.ko loads with the sample patch; /usr/sbin/klp-top -b -n 1 shows it" case_dkms_sample
run_case "a patch built against the installed headers and dkms's Module.symvers loads" case_pkg_sample
run_case "a patch converted by the package's klpx-convert loads; its klp relocations resolve" case_pkg_relocs
