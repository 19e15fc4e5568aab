#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-pkg.sh - the Debian packages, end to end, on this host and in the VM.
#
#   selftests/pkg/check-pkg.sh        (make check-pkg; a step of make check)
#
# Host side, as root: builds klpx-dkms and klp-top from a copy of the tree
# (scripts/build-debs.sh: dpkg-buildpackage -us -uc -b, then lintian),
# installs them with apt (whose postinst runs dkms build and dkms install
# for the reference kernel's ABI, KVER from selftests/bench/env.sh), checks
# the module dkms installed in /lib/modules/<kver>/updates/dkms/ (BTF,
# signature, the kept Module.symvers), that the installed btf.sh fails a build pahole leaves
# without BTF, and builds two patches against the installed copy: the
# sample, and one with klp relocations made by the package's
# /usr/bin/klpx-convert.  Then one VM (selftests/pkg/vm-dkms.sh): the
# DKMS-built klpx.ko with both patches, and /usr/sbin/klp-top -b -n 1.
# Then a kernel upgrade: a second Debian 6.1 ABI's headers from apt (the
# newest 6.1.0-N-amd64 below the reference, else the nearest above, or
# KLPX_PKG_KVER2) with its
# /boot/vmlinuz (cut out of its linux-image package, not installed): the
# headers' dkms hook must build and install klpx.ko with BTF for it.
# Last, purges the packages (and what apt pulled in for them) and checks
# that nothing of them is left and that the host is as it was.
#
# Output is TAP, numbered from 1; the last line is "N passed, N failed"
# (", N skipped").  Exit status 1 if anything failed.  Packaging steps'
# logs are in build/pkg/.  The build needs the tree built (make: the VM
# case loads selftests/modules/klpx_sample.ko) and selftests/bench/deps.sh.
#
# Environment: KLPX_PKG=0 skips it all (one skipped line), as does
# KLPX_CASES (a subset of make check) unless KLPX_PKG=1; KLPX_PKG_KVER2=
# <6.1.0-N-amd64> picks the upgrade step's kernel; and what vm.sh reads.  Not root: skipped (it installs packages).  A klpx-dkms or klp-top
# already installed on the host is a failure: the test would replace it.

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1
# shellcheck source=selftests/bench/common.sh
. selftests/bench/common.sh
eval "$(selftests/bench/env.sh)"
export DEBIAN_FRONTEND=noninteractive

work=$root/build/pkg
PKGS=(klpx-dkms klp-top)

n=0 n_pass=0 n_fail=0 n_skip=0
ok() { n=$((n + 1)); n_pass=$((n_pass + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); n_fail=$((n_fail + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); n_skip=$((n_skip + 1)); echo "ok $n - $1 # SKIP $2"; }
diag() { sed 's/^/# /'; }
finish()
{
	echo "1..$n"
	local s="$n_pass passed, $n_fail failed"
	[ "$n_skip" = 0 ] || s="$s, $n_skip skipped"
	echo "$s"
	[ "$n_fail" = 0 ]
	exit
}

# step DESCRIPTION FUNCTION: run FUNCTION with its output in a log; one TAP
# line with its wall time; the log's tail as diagnostics when it fails.
# Returns FUNCTION's status.
step()
{
	local desc=$1 fn=$2 log t0 rc
	log="$work/log.$((n + 1)).$fn"
	t0=$(date +%s)
	"$fn" >"$log" 2>&1 </dev/null
	rc=$?
	if [ "$rc" = 0 ]; then
		ok "$desc ($(( $(date +%s) - t0 ))s)"
	else
		not_ok "$desc ($(( $(date +%s) - t0 ))s)"
		tail -n 40 "$log" | diag
		echo "# log: $log"
	fi
	return "$rc"
}

pkg_t0=$(date +%s)
echo "TAP version 13"
if [ -n "${KLPX_CASES:-}" ] && [ -z "${KLPX_PKG:-}" ]; then
	skip "Debian packages (klpx-dkms, klp-top)" "KLPX_CASES runs a subset (KLPX_PKG=1 adds this check)"
	finish
fi
if [ "${KLPX_PKG:-1}" = 0 ]; then
	skip "Debian packages (klpx-dkms, klp-top)" "KLPX_PKG=0"
	finish
fi
if [ "$(id -u)" != 0 ]; then
	skip "Debian packages (klpx-dkms, klp-top)" "not root: the test installs packages on the host"
	finish
fi

# One run at a time on a host: dpkg and dkms state are the host's.
exec 8>/run/lock/klpx-check-pkg.lock
flock -w 1800 8 || { not_ok "another check-pkg.sh holds /run/lock/klpx-check-pkg.lock"; finish; }

rm -rf "$work"
mkdir -p "$work"
ver=$(dpkg-parsechangelog -S Version -l debian/changelog)
arch=$(uname -m)
moddir=/lib/modules/$KVER
symvers=/var/lib/dkms/klpx/$ver/$KVER/$arch/Module.symvers

upgrade_kver=
upgrade_vmlinuz=
installed_pkgs() { dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 2>/dev/null | awk '$1 ~ /^.i/ { print $2 }' | sort; }
# what the test may leave behind: listed before and compared after
host_state()
{
	installed_pkgs | sed 's/^/pkg /'
	find "$moddir" /var/lib/dkms /usr/src /usr/include/klpx /usr/sbin/klp-top \
	     /usr/share/man/man8/klp-top.8.gz /usr/share/doc/klpx-dkms /usr/share/doc/klp-top \
	     /usr/bin/klpx-convert /usr/share/man/man1/klpx-convert.1.gz \
	     -maxdepth 3 2>/dev/null | sort
	find /lib/modules /boot -maxdepth 1 2>/dev/null | sort
}

# --- before -------------------------------------------------------------------

pre_host()
{
	local p bad=
	for p in "${PKGS[@]}"; do
		if out_has '^.i' dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null; then
			echo "$p is installed on this host ($(dpkg-query -W -f='${Version}' "$p")):" \
			     "this test would replace and purge it; purge it first"
			bad=1
		fi
	done
	[ -d /usr/src/linux-headers-"$KVER" ] || { echo "no headers for $KVER: run selftests/bench/deps.sh"; bad=1; }
	[ -r "$KLPX_VMLINUX" ] || { echo "no $KLPX_VMLINUX: run selftests/bench/deps.sh"; bad=1; }
	[ -f selftests/modules/klpx_sample.ko ] || { echo "no selftests/modules/klpx_sample.ko: run make"; bad=1; }
	for p in dpkg-buildpackage dkms lintian; do
		command -v "$p" >/dev/null || { echo "$p missing: run selftests/bench/deps.sh"; bad=1; }
	done
	[ -z "$bad" ]
}
if ! step "host ready: root, no klpx package installed, reference kernel $KVER's headers" pre_host; then
	finish
fi
host_state >"$work/state.before"
installed_pkgs >"$work/pkgs.before"
mok_before=
[ -e /var/lib/dkms/mok.key ] && mok_before=1

# --- build ----------------------------------------------------------------------

build()
{
	scripts/build-debs.sh "$work/deb"
}
built=
step "dpkg-buildpackage -us -uc -b builds klpx-dkms and klp-top from a copy of the tree" build &&
	built=1

check_lintian()
{
	cat "$work/deb/lintian.txt"
	! grep -E '^[EW]: ' "$work/deb/lintian.txt"
}
if [ -n "$built" ]; then
	step "lintian: no error or warning tag (overrides in debian/*.lintian-overrides say why)" check_lintian
	grep -E '^[IPNX]: ' "$work/deb/lintian.txt" 2>/dev/null | grep -v 'running with root' | diag
fi

# --- install ----------------------------------------------------------------------

# Everything below undoes itself at exit, whatever happened.
cleanup_host()
{
	local new
	new=$(comm -13 "$work/pkgs.before" <(installed_pkgs))
	if [ -n "$new" ]; then
		echo "purging: $(echo $new)"
		# shellcheck disable=SC2086
		apt-get purge -y -q $new || return 1
	fi
	# dkms made a signing key at the first build if there was none
	if [ -z "$mok_before" ]; then
		rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	fi
	# depmod's index files for a kernel that had none before
	local f
	for f in "$moddir"/modules.*; do
		[ -e "$f" ] || continue
		grep -qxF "$f" "$work/state.before" || rm -f "$f"
	done
	for f in "$moddir/updates/dkms" "$moddir/updates"; do
		[ -d "$f" ] && ! grep -qxF "$f" "$work/state.before" && rmdir "$f" 2>/dev/null
	done
	# the upgrade step's kernel: its vmlinuz, and what dkms and depmod
	# left in its /lib/modules dir (the headers package is purged above)
	if [ -n "$upgrade_vmlinuz" ]; then
		rm -f "$upgrade_vmlinuz"
	fi
	if [ -n "$upgrade_kver" ] && [ -d "/lib/modules/$upgrade_kver" ] &&
	   ! grep -qxF "/lib/modules/$upgrade_kver" "$work/state.before"; then
		rm -rf "/lib/modules/$upgrade_kver"
	fi
	true
}
cleaned=
trap '[ -n "$cleaned" ] || cleanup_host >>"$work/cleanup-at-exit.log" 2>&1' EXIT

install_debs()
{
	# KLPX_BTF_BASE: the postinst may build for $KVER already, and this
	# host does not run that kernel (dkms/btf.sh)
	KLPX_BTF_BASE=$KLPX_VMLINUX apt-get install -y -q --no-install-recommends \
		"$work"/deb/klpx-dkms_*.deb "$work"/deb/klp-top_*.deb || return 1
	for p in "${PKGS[@]}"; do
		dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\n' "$p"
	done
	comm -13 "$work/pkgs.before" <(installed_pkgs) | sed 's/^/newly installed: /'
}
installed=
if [ -n "$built" ]; then
	step "apt-get install klpx-dkms klp-top (their dependencies from apt)" install_debs && installed=1
fi

# apt's install ran the package's postinst, which (dkms's common.postinst)
# runs dkms build and dkms install for every kernel with headers, $KVER
# among them: what a user's apt install does.  Checked here, not built a
# second time (that took a minute more under load).
dkms_postinst()
{
	local log=/var/lib/dkms/klpx/$ver/$KVER/$arch/log/make.log
	dkms status klpx
	out_has ': installed' dkms status -m klpx -v "$ver" -k "$KVER" ||
		{ echo "the postinst did not build and install klpx/$ver for $KVER"; return 1; }
	cat "$log" || return 1
	grep -qF "base BTF: $KLPX_VMLINUX" "$log" ||
		{ echo "make.log: no PAHOLE step against $KLPX_VMLINUX"; return 1; }
}
dkms_ok=
if [ -n "$installed" ]; then
	step "the postinst's dkms build and dkms install of klpx/$ver for $KVER (dkms status, make.log)" dkms_postinst &&
		dkms_ok=1
fi

host_module()
{
	local ko=$moddir/updates/dkms/klpx.ko signer
	[ -f "$ko" ] || { echo "no $ko"; ls -lR "$moddir/updates" 2>&1; return 1; }
	modinfo "$ko"
	out_has "^$KVER " modinfo -F vermagic "$ko" || { echo "vermagic is not $KVER"; return 1; }
	out_has ' \.BTF ' readelf -S -W "$ko" || { echo "$ko has no .BTF"; return 1; }
	grep -q 'klpx_enable_patch' "$symvers" || { echo "no klpx_enable_patch in $symvers"; return 1; }
	grep -q '^updates/dkms/klpx.ko' "$moddir/modules.dep" ||
		{ echo "depmod did not index it"; return 1; }
	# dkms signs with its MOK (/var/lib/dkms/mok.key, made if missing)
	# when the kernel's sign-file is there, as on Debian
	signer=$(modinfo -F signer "$ko")
	echo "signer: ${signer:-none}"
	if [ -x /usr/lib/linux-kbuild-"${KVER%.*-*}"/scripts/sign-file ] ||
	   [ -x "$moddir/build/scripts/sign-file" ]; then
		[ -n "$signer" ] || { echo "sign-file is there but the module is not signed"; return 1; }
		openssl x509 -inform DER -in /var/lib/dkms/mok.pub -noout -subject
	fi
}
if [ -n "$dkms_ok" ]; then
	step "updates/dkms/klpx.ko for $KVER: BTF, depmod, signed with dkms's MOK; Module.symvers kept" host_module
fi

# The documented way to build a patch against the installed copy
# (docs/real-machine.md); vm-dkms.sh loads the result.
patch_build()
{
	local d=$work/sample
	mkdir -p "$d"
	cp selftests/modules/klpx_sample.c "$d/klpx_pkg_sample.c"
	echo 'obj-m := klpx_pkg_sample.o' >"$d/Kbuild"
	make -C "$moddir/build" M="$d" KBUILD_EXTRA_SYMBOLS="$symvers" \
		ccflags-y="-I/usr/src/klpx-$ver/include" modules || return 1
	modinfo "$d/klpx_pkg_sample.ko"
}
if [ -n "$dkms_ok" ]; then
	step "a patch module builds against /usr/src/klpx-$ver/include and dkms's Module.symvers" patch_build
fi

# The package's klpx-convert on a patch with KLPX_SYMBOL declarations,
# built against the installed copy; vm-dkms.sh loads the result.
relocs_build()
{
	local d=$work/relocs ko help
	ko=$d/klpx_pkg_relocs.ko
	out_has '^klpx-dkms:' dpkg-query -S /usr/bin/klpx-convert ||
		{ echo "/usr/bin/klpx-convert is not klpx-dkms's"; return 1; }
	[ -f /usr/share/man/man1/klpx-convert.1.gz ] ||
		{ echo "no klpx-convert(1) man page"; return 1; }
	help=$(/usr/bin/klpx-convert --help) || { echo "klpx-convert --help failed"; return 1; }
	echo "$help"
	[[ $help == usage:\ klpx-convert* ]] || { echo "klpx-convert --help: no usage line"; return 1; }
	mkdir -p "$d"
	cp selftests/pkg/klpx_pkg_relocs.c "$d/"
	echo 'obj-m := klpx_pkg_relocs.o' >"$d/Kbuild"
	make -C "$moddir/build" M="$d" KBUILD_EXTRA_SYMBOLS="$symvers" \
		ccflags-y="-I/usr/src/klpx-$ver/include" modules || return 1
	/usr/bin/klpx-convert -v "$ko" || return 1
	out_has ' \.klp\.rela\.vmlinux\.\.text ' readelf -S -W "$ko" ||
		{ echo "no .klp.rela.vmlinux..text"; return 1; }
	out_has ' \.note\.klpx\.syms\.converted ' readelf -S -W "$ko" ||
		{ echo "no .note.klpx.syms.converted"; return 1; }
	# SHN_LIVEPATCH is 0xff20
	readelf -s -W "$ko" | grep -E '\[0xff20\] \.klp\.sym\.vmlinux\.cap_last_cap,0$' ||
		{ echo "no SHN_LIVEPATCH symbol .klp.sym.vmlinux.cap_last_cap,0"; return 1; }
}
if [ -n "$dkms_ok" ]; then
	step "the package's /usr/bin/klpx-convert (man page, --help) converts a patch built against the installed copy" relocs_build
fi

# The installed btf.sh (what dkms runs) on klpx.ko without .BTF: real
# pahole adds it; a pahole that exits 0 and writes nothing (the flake seen
# under load) fails it, loudly.
btf_loud()
{
	local d=$work/btf rc
	mkdir -p "$d/fake"
	objcopy --remove-section .BTF kernel/klpx.ko "$d/klpx.ko" || return 1
	out_has ' \.BTF ' readelf -S -W "$d/klpx.ko" && { echo "objcopy left .BTF"; return 1; }
	cp "$d/klpx.ko" "$d/klpx-fake.ko"
	KLPX_BTF_BASE=$KLPX_VMLINUX "/usr/src/klpx-$ver/btf.sh" "$KVER" "$moddir/build" "$d/klpx.ko" ||
		{ echo "btf.sh failed with the real pahole"; return 1; }
	out_has ' \.BTF ' readelf -S -W "$d/klpx.ko" || { echo "no .BTF after btf.sh"; return 1; }
	printf '#!/bin/sh\nexit 0\n' >"$d/fake/pahole"
	chmod +x "$d/fake/pahole"
	PATH=$d/fake:$PATH KLPX_BTF_BASE=$KLPX_VMLINUX \
		"/usr/src/klpx-$ver/btf.sh" "$KVER" "$moddir/build" "$d/klpx-fake.ko" 2>"$d/fake.err"
	rc=$?
	cat "$d/fake.err"
	[ "$rc" != 0 ] || { echo "btf.sh exited 0 with a pahole that wrote nothing"; return 1; }
	grep -q 'ERROR: pahole left .* without .BTF' "$d/fake.err" || { echo "no ERROR line"; return 1; }
}
if [ -n "$dkms_ok" ]; then
	step "the installed btf.sh adds .BTF, and fails (exit 1, ERROR line) when pahole leaves none" btf_loud
fi

# --- the VM -----------------------------------------------------------------------

# vm_tap: vm.sh's TAP, renumbered after ours; its plan and closing line
# dropped; a failure the bench counted outside any case becomes a line.
vm_tap()
{
	local line p=0 f=0 sf=""
	while IFS= read -r line; do
		if [[ $line =~ ^(not\ )?ok\ [0-9]+(\ -\ (.*))?$ ]]; then
			n=$((n + 1))
			if [ -n "${BASH_REMATCH[1]}" ]; then
				f=$((f + 1)); n_fail=$((n_fail + 1)); echo "not ok $n - VM: ${BASH_REMATCH[3]}"
			elif [[ $line == *'# SKIP'* ]]; then
				n_skip=$((n_skip + 1)); echo "ok $n - VM: ${BASH_REMATCH[3]}"
			else
				p=$((p + 1)); n_pass=$((n_pass + 1)); echo "ok $n - VM: ${BASH_REMATCH[3]}"
			fi
		elif [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
			sf=${BASH_REMATCH[2]}
		elif [[ $line =~ ^TAP\ version || $line =~ ^1\.\.[0-9]+$ ]]; then
			:
		elif [[ $line =~ ^# ]]; then
			echo "$line"
		else
			echo "# $line"
		fi
	done
	if [ -z "$sf" ] || [ "$sf" -gt "$f" ]; then
		n=$((n + 1)); n_fail=$((n_fail + 1))
		echo "not ok $n - VM: the bench found a problem outside the cases (see '# bench:' above)"
	fi
}
if [ -n "$dkms_ok" ]; then
	t0=$(date +%s)
	vm_tap < <(KLPX_VM_TIMEOUT=${KLPX_VM_TIMEOUT:-600} selftests/bench/vm.sh --tap -- \
		selftests/run.sh selftests/pkg/vm-dkms.sh 2>&1)
	echo "# VM: $(( $(date +%s) - t0 ))s"
fi

# --- a kernel upgrade ---------------------------------------------------------------

# upgrade_pick: the ABI to upgrade to: KLPX_PKG_KVER2, else the newest
# 6.1.0-N-amd64 below the reference whose headers and image apt has, else
# the nearest above it
upgrade_pick()
{
	local n=${KVER#6.1.0-} k
	n=${n%-amd64}
	if [ -n "${KLPX_PKG_KVER2:-}" ]; then
		echo "$KLPX_PKG_KVER2"
		return
	fi
	for k in $(apt-cache pkgnames linux-headers-6.1.0- |
		   sed -n 's/^linux-headers-\(6\.1\.0-\([0-9]*\)-amd64\)$/\2 \1/p' |
		   awk -v n="$n" '$1 < n { print 0, -$1, $2 } $1 > n { print 1, $1, $2 }' |
		   sort -n -k1,1 -k2,2 | awk '{ print $3 }'); do
		apt-cache show "linux-image-$k" >/dev/null 2>&1 && { echo "$k"; return; }
	done
}

# The documented upgrade path (docs/real-machine.md): a new kernel's
# /boot/vmlinuz and headers arrive; the headers' postinst runs dkms's hook
# (/etc/kernel/header_postinst.d/dkms), which builds klpx.ko for it, its
# BTF cut out of /boot/vmlinuz-<kver>.  The image package itself is not
# installed (initramfs, 400 MB of modules): only its vmlinuz is put in
# /boot, and removed after.
upgrade()
{
	local k=$upgrade_kver c deb ko log
	[ -n "$k" ] || { echo "apt offers no linux-headers-6.1.0-N-amd64 but $KVER's with its image (KLPX_PKG_KVER2=)"; return 1; }
	if out_has '^.i' dpkg-query -W -f='${db:Status-Abbrev}' "linux-headers-$k" 2>/dev/null ||
	   [ -e "/lib/modules/$k" ] || [ -e "/boot/vmlinuz-$k" ]; then
		echo "$k is installed on this host (headers, /lib/modules or /boot): this test would remove it"
		return 1
	fi
	c=$KLPX_CACHE/$k
	mkdir -p "$c"
	if [ ! -s "$c/vmlinuz-$k" ]; then
		(cd "$c" && apt-get download -q "linux-image-$k") || return 1
		deb=$(ls "$c"/linux-image-"$k"_*.deb) || return 1
		dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "./boot/vmlinuz-$k" >"$c/vmlinuz-$k.tmp" &&
			mv "$c/vmlinuz-$k.tmp" "$c/vmlinuz-$k" || return 1
		rm -f "$deb"
	fi
	upgrade_vmlinuz=/boot/vmlinuz-$k
	install -m 0644 "$c/vmlinuz-$k" "$upgrade_vmlinuz" || return 1
	env -u KLPX_BTF_BASE apt-get install -y -q --no-install-recommends "linux-headers-$k" || return 1
	dkms status klpx
	out_has ': installed' dkms status -m klpx -v "$ver" -k "$k" ||
		{ echo "dkms did not install klpx for $k"; return 1; }
	ko=/lib/modules/$k/updates/dkms/klpx.ko
	log=/var/lib/dkms/klpx/$ver/$k/$arch/log/make.log
	cat "$log"
	out_has "^$k " modinfo -F vermagic "$ko" || { echo "$ko: vermagic is not $k"; return 1; }
	out_has ' \.BTF ' readelf -S -W "$ko" || { echo "$ko has no .BTF"; return 1; }
	grep -q 'PAHOLE .*base BTF: /tmp/' "$log" ||
		{ echo "make.log: the BTF base was not the vmlinux cut out of $upgrade_vmlinuz"; return 1; }
	grep -q 'klpx_enable_patch' "/var/lib/dkms/klpx/$ver/$k/$arch/Module.symvers" ||
		{ echo "no Module.symvers kept for $k"; return 1; }
	grep -q '^updates/dkms/klpx.ko' "/lib/modules/$k/modules.dep" ||
		{ echo "depmod did not index it for $k"; return 1; }
	# the reference kernel's build is still there
	[ -f "$moddir/updates/dkms/klpx.ko" ] || { echo "$KVER's klpx.ko is gone"; return 1; }
}
if [ -n "$dkms_ok" ]; then
	upgrade_kver=$(upgrade_pick)
	step "kernel upgrade: installing linux-headers-${upgrade_kver:-?} builds and installs klpx.ko with BTF for it (dkms hook, BTF from /boot/vmlinuz)" upgrade
fi

# --- remove -------------------------------------------------------------------------

purge()
{
	cleanup_host || return 1
	cleaned=1
	local p left=
	for p in "${PKGS[@]}"; do
		if out_has '^.[^n]' dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null; then
			echo "$p is still known to dpkg: $(dpkg-query -W -f='${db:Status-Abbrev}' "$p")"
			left=1
		fi
	done
	for p in /usr/src/klpx-* /var/lib/dkms/klpx /lib/modules/*/updates/dkms/klpx.ko* \
		 /usr/sbin/klp-top /usr/share/man/man8/klp-top.8* /usr/share/doc/klpx-dkms \
		 /usr/share/doc/klp-top /usr/bin/klpx-convert /usr/share/man/man1/klpx-convert.1*; do
		[ -e "$p" ] && { echo "left behind: $p"; left=1; }
	done
	[ -z "$left" ]
}
if [ -n "$built" ]; then
	step "apt-get purge: no file of klpx-dkms or klp-top (klpx-convert included) is left, no klpx module in any updates/dkms" purge
fi

same_host()
{
	host_state >"$work/state.after"
	diff "$work/state.before" "$work/state.after"
}
step "the host is as before (installed packages, /lib/modules, /boot, /var/lib/dkms, /usr/src)" same_host
echo "# packages' check: $(( $(date +%s) - pkg_t0 ))s"
finish
