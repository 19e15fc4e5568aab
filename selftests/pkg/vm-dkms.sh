#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# The packaged klpx in the VM (run by selftests/pkg/check-pkg.sh after it
# installed klpx-dkms and klp-top on the host and ran dkms build/install for
# this kernel; the host's /lib/modules/<kver>/updates is visible in the guest,
# selftests/bench/guest-init.sh): the DKMS-built klpx.ko, never the tree's,
# with the sample patch, and /usr/sbin/klp-top from the klp-top package.
# Not in selftests/cases/: it needs the packages installed on the host.
. "$(dirname "$0")/../lib/functions.sh"

DKMS_KO=/lib/modules/$(uname -r)/updates/dkms/klpx.ko
KLP_TOP=/usr/sbin/klp-top
# the sample built by check-pkg.sh against the installed copy (headers from
# /usr/src/klpx-<version>/include, dkms's Module.symvers)
PKG_SAMPLE=$KLPX_ROOT/build/pkg/sample/klpx_pkg_sample.ko

# Steps: read the DKMS-built module's metadata.  Expect: it is built for
# this kernel (vermagic), has split BTF (.BTF) and is not the tree's file.
case_dkms_module()
{
	local vm
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
	load_mod "$DKMS_KO"
	assert_eq "$(modinfo -F srcversion "$DKMS_KO")" "$(cat /sys/module/klpx/srcversion)" \
		"srcversion of the loaded klpx"
	assert_exists /sys/kernel/btf/klpx
	assert_exists "$KLPX_SYSFS"
}

# Steps: insmod the DKMS-built klpx.ko, then the tree's sample patch; read
# /proc/cmdline; klp-top -b -n 1 from /usr/sbin; disable the patch.
# Expect: /sys/kernel/btf/klpx appears (klp-top's BPF programs need it),
# the patch completes, /proc/cmdline is patched, klp-top attaches, prints
# a snapshot and exits 0; the patch goes away when disabled.
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
	assert_contains "$out" "klpx_sample" "klp-top's snapshot"
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

run_case "the DKMS-built klpx.ko in updates/dkms is for $(uname -r), with BTF" case_dkms_module
run_case "the DKMS-built klpx.ko loads with the sample patch; /usr/sbin/klp-top -b -n 1 shows it" case_dkms_sample
run_case "a patch built against the installed headers and dkms's Module.symvers loads" case_pkg_sample
