#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh - boot Debian's stock kernel in QEMU and run one command inside.
#
#   vm.sh [--tap] [--shell] [--] command [args...]
#
# The guest sees the host's root read-only over virtio-9p (the project at the
# same path as on the host), tmpfs on /tmp, /run, /var/tmp, and a read-write
# results share at /run/klpx.  The command runs in $KLPX_ROOT with bash, its
# output streams to our stdout (second serial port) and is kept in
# <run>/output; the kernel console goes to <run>/serial.log.
#
# After the VM stops, the guest's kernel log (<run>/dmesg, or the serial log
# if the guest died) is scanned: a WARN, BUG, oops, lockdep report, stall or
# panic fails the run.  Exit status: the command's, or 1 if the bench found a
# problem (hang, panic, broken kernel log) and the command did not fail.
#
#   --tap    the command prints TAP and a last line "N passed, N failed":
#            hold that line back and print it last, counting any failure
#            the bench found itself.
#   --shell  interactive: serial console on stdio (Ctrl-A X quits QEMU),
#            the command runs with the terminal (default: bash -l).
#
# Environment: KLPX_VM_TIMEOUT (seconds, default 900), KLPX_VM_MEM (2G),
# KLPX_VM_SMP (2), KLPX_VM_CPU (QEMU's -cpu, max), KLPX_VM_TUNING (the
# kernel parameters for speed under TCG, below; empty: Debian's
# defaults), KLPX_VM_APPEND (extra kernel
# parameters), KLPX_VM_BOOT (pvh or bzimage, below), KLPX_ROOT
# (project dir, default the repo this script is in), KLPX_CACHE, KLPX_RUN_DIR
# (results dir, default $KLPX_CACHE/runs/<time>; the newest 10 are kept).
# V, KLPX_CASES, KLPX_DEBUG and KLPX_SOAK reach the guest's command.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=selftests/bench/common.sh
. "$here/common.sh"
# shellcheck source=selftests/lib/klog.sh
. "$here/../lib/klog.sh"

tap=
shell=
while [ $# -gt 0 ]; do
	case $1 in
	--tap) tap=1; shift ;;
	--shell) shell=1; shift ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || [ -n "$shell" ] || die "usage: vm.sh [--tap] [--shell] [--] command [args...]"

eval "$("$here/env.sh")"
KLPX_ROOT=${KLPX_ROOT:-$(cd "$here/../.." && pwd)}
timeout_s=${KLPX_VM_TIMEOUT:-900}

# How QEMU starts the kernel (the same kernel either way):
#   pvh      the ELF vmlinux deps.sh extracted from vmlinuz, entered at its
#            PVH entry point: no xz decompression, which takes 4-5 s of
#            every boot under TCG (boot to init: 7.4 s -> 2.8 s); the
#            kernel is not relocated (no KASLR)
#   bzimage  Debian's vmlinuz as a boot loader starts it: decompressed in
#            the guest, placed at a random offset (KASLR), as on a real host
# make check boots pvh, but for the case files whose header says
# "# vm-boot: bzimage" (check.sh).
case ${KLPX_VM_BOOT:-pvh} in
pvh) kernel=$KLPX_VMLINUX ;;
bzimage) kernel=$KLPX_VMLINUZ ;;
*) die "KLPX_VM_BOOT must be pvh or bzimage, not '$KLPX_VM_BOOT'" ;;
esac
[ -f "$kernel" ] || die "no $kernel: run selftests/bench/deps.sh first"
[ -d "$KLPX_GUEST_MODULES" ] || die "no $KLPX_GUEST_MODULES: run selftests/bench/deps.sh first"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: run selftests/bench/deps.sh"

# --- initramfs: busybox, /init and the guest's virtio/9p modules ----------

# Print the modules named in $@ and their dependencies, dependencies first.
mod_order()
{
	local m f dep
	for m in "$@"; do
		case " $seen " in *" $m "*) continue ;; esac
		f=$(find "$KLPX_GUEST_MODULES/kernel" -name "$m.ko" -o -name "${m//_/-}.ko" |
		    head -n1)
		[ -n "$f" ] || die "guest module $m not found under $KLPX_GUEST_MODULES"
		for dep in $(modinfo -F depends "$f" | tr ',' ' '); do
			mod_order "$dep"
		done
		case " $seen " in *" $m "*) continue ;; esac
		seen="$seen $m"
		echo "$m $f"
	done
}

build_initramfs()
{
	local out=$1 tmp seen=
	tmp=$(mktemp -d)
	mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,modules}
	cp /bin/busybox "$tmp/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$tmp/bin/$a"
	done
	install -m 755 "$here/guest-init.sh" "$tmp/init"
	mod_order virtio_pci 9pnet_virtio 9p | while read -r m f; do
		cp "$f" "$tmp/modules/$m.ko"
		echo "$m" >>"$tmp/modules/order"
	done
	[ -s "$tmp/modules/order" ] || die "no modules for the initramfs"
	(cd "$tmp" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) |
		gzip -1 >"$out.tmp.$$"
	# concurrent runs each build their own, then rename: never a torn file
	mv "$out.tmp.$$" "$out"
	rm -rf "$tmp"
}

initrd="$KLPX_KCACHE/initramfs.cpio.gz"
# one builder at a time: check-bench boots several VMs at once
exec 9>"$initrd.lock"
flock 9
if [ ! -f "$initrd" ] || [ "$here/guest-init.sh" -nt "$initrd" ] ||
   [ /bin/busybox -nt "$initrd" ] || [ "$0" -nt "$initrd" ]; then
	out_has 'static' file /bin/busybox 2>/dev/null ||
		out_has 'not a dynamic' sh -c 'ldd /bin/busybox 2>&1' ||
		die "/bin/busybox is not static: install busybox-static"
	msg "building $initrd"
	build_initramfs "$initrd"
fi
exec 9>&-

# --- the run directory ------------------------------------------------------

runs="$KLPX_CACHE/runs"
if [ -n "${KLPX_RUN_DIR:-}" ]; then
	run=$KLPX_RUN_DIR
	mkdir -p "$run"
	rm -f "$run"/{status,init-status,dmesg,output,serial.log,summary,qemu.rc,qemu.pid}
else
	mkdir -p "$runs"
	run=$(mktemp -d "$runs/$(date +%Y%m%d-%H%M%S).XXXX")
	ln -sfn "$(basename "$run")" "$runs/last"
	touch "$run/.running"
	trap 'rm -f "$run/.running"' EXIT
	prune_runs "$runs"
fi

if [ -n "$shell" ]; then tty=ttyS0; else tty=ttyS1; fi
cat >"$run/bench.conf" <<CONF
GUEST_MODULES=$KLPX_GUEST_MODULES
TTY=$tty
CONF

[ $# -gt 0 ] || set -- bash -l
{
	echo '#!/bin/bash'
	echo '# SPDX-License-Identifier: GPL-2.0'
	echo '# generated by selftests/bench/vm.sh: the command the guest runs'
	printf 'export KLPX_ROOT=%q KVER=%q KLPX_RESULTS=/run/klpx\n' "$KLPX_ROOT" "$KVER"
	printf 'export HOME=/tmp TERM=%q CI=%q\n' "${TERM:-linux}" "${CI:-}"
	for v in V KLPX_CASES KLPX_DEBUG KLPX_SOAK; do
		[ -n "${!v:-}" ] && printf 'export %s=%q\n' "$v" "${!v}"
	done
	echo 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	echo 'for d in "$KLPX_ROOT"/tools/*/; do [ -d "$d" ] && PATH="${d%/}:$PATH"; done'
	echo 'export PATH'
	echo 'cd "$KLPX_ROOT" || exit 125'
	echo 'echo "klpx-bench: guest command starts" >/dev/kmsg'
	if [ -n "$shell" ]; then
		printf '%q ' "$@"; echo
		echo 'echo $? >/run/klpx/status'
	else
		echo '{'
		printf '%q ' "$@"; echo
		echo '} 2>&1 </dev/null | tee /run/klpx/output'
		echo 'rc=${PIPESTATUS[0]}'
		echo 'echo $rc >/run/klpx/status'
		echo 'exit $rc'
	fi
} >"$run/guest.sh"

# --- boot -------------------------------------------------------------------

# Kernel parameters that make the guest faster under TCG, measured on
# 10-core.sh (QEMU's CPU time 98 s -> 76 s, wall time 170 s -> 136 s, one
# VM beside others, the same load): the TCG CPU is an AMD model, so there
# is no page-table isolation to turn off, but
#   mitigations=off    no retpolines (every indirect call in the kernel a
#                      thunk that TCG translates as a return), no RSB
#                      filling, no Spectre v1 barriers
#   tsc=reliable       the kernel's TSC sync check fails between the two
#                      vCPUs that share one host thread, and falls back to
#                      the HPET: every clock read a device access, every
#                      user clock_gettime a syscall; the TCG TSC is the
#                      host's, one clock for both vCPUs
#   init_on_alloc=0    Debian zeroes every page and object at allocation
#                      (a memset, slow under TCG)
# None of them is something klpx depends on; KLPX_VM_TUNING= (empty) boots
# with Debian's defaults.  make bench measures klpx and the built-in
# livepatch in the same boot, so the comparison stays fair either way.
tuning=${KLPX_VM_TUNING-mitigations=off tsc=reliable init_on_alloc=0}

qemu=(qemu-system-x86_64
	-accel tcg,thread=single -cpu "${KLPX_VM_CPU:-max}"
	-smp "${KLPX_VM_SMP:-2}" -m "${KLPX_VM_MEM:-2G}"
	-nographic -no-reboot
	-kernel "$kernel" -initrd "$initrd"
	-append "console=ttyS0 panic=-1 log_buf_len=4M klpx_root=$KLPX_ROOT $tuning ${KLPX_VM_APPEND:-}"
	-virtfs "local,path=/,mount_tag=klpxroot,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$run,mount_tag=klpxresults,security_model=none,multidevs=remap"
	-device virtio-rng-pci
	-nic none
	-pidfile "$run/qemu.pid")

if [ -n "$shell" ]; then
	msg "interactive VM: Ctrl-A X quits; run dir $run"
	qemu+=(-chardev "stdio,id=con,mux=on,signal=off,logfile=$run/serial.log"
	       -serial chardev:con -mon chardev=con)
	rc=0
	"${qemu[@]}" || rc=$?
	exit $rc
fi

qemu+=(-serial "file:$run/serial.log"
       -chardev "stdio,id=out,signal=off" -serial chardev:out
       -monitor none)

summary=
n_ok=0
n_notok=0
qrc=0
start=$(date +%s)
{
	timeout -k 10 "$timeout_s" "${qemu[@]}" </dev/null 2>"$run/qemu.err" ||
		echo "$?" >"$run/qemu.rc"
} | {
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%$'\r'}
		if [ -n "$tap" ] &&
		   [[ $line =~ ^[0-9]+\ passed,\ [0-9]+\ failed(,\ [0-9]+\ skipped)?$ ]]; then
			echo "$line" >"$run/summary"
			continue
		fi
		printf '%s\n' "$line"
	done
}
[ -f "$run/qemu.rc" ] && qrc=$(cat "$run/qemu.rc")
elapsed=$(( $(date +%s) - start ))

# --- judge ------------------------------------------------------------------

problems=0
problem()
{
	echo "# bench: FAIL: $*"
	problems=$((problems + 1))
}

tail_serial()
{
	echo "# bench: last lines of $run/serial.log:"
	tail -n "${1:-40}" "$run/serial.log" 2>/dev/null | sed 's/^/#   /'
}

# where_in_guest: "in FILE, during case N 'DESC'" from the marks run.sh and
# run_case write into the kernel log (the console: serial.log)
where_in_guest()
{
	awk '
		{ sub(/\r$/, "") }	# the serial console ends lines with CR LF
		/klpx-test: file / { sub(/.*klpx-test: file /, ""); file = $0; c = "" }
		/klpx-test: ==== case [0-9]+: / { sub(/.*klpx-test: ==== case /, ""); c = $0 }
		/klpx-test: ---- case [0-9]+ done/ { c = "" }
		END {
			s = ""
			if (file != "") s = "in " file
			if (c != "") {
				n = c; sub(/:.*/, "", n); d = c; sub(/^[0-9]+: /, "", d)
				s = s (s != "" ? ", " : "") "during case " n " of the VM: " d
			} else if (file != "") s = s ", between cases"
			print s
		}' "$run/serial.log" 2>/dev/null
}

if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	where=$(where_in_guest)
	problem "VM timed out after ${timeout_s}s (KLPX_VM_TIMEOUT)${where:+ $where}; killed it"
	tail_serial 40
elif [ "$qrc" != 0 ]; then
	problem "QEMU exited with status $qrc: $(head -c 500 "$run/qemu.err" 2>/dev/null)"
	tail_serial 40
elif [ ! -f "$run/status" ]; then
	where=$(where_in_guest)
	if grep -q 'Kernel panic' "$run/serial.log" 2>/dev/null; then
		problem "the guest kernel panicked${where:+ $where}"
	else
		problem "the guest stopped before the command finished (no status)${where:+ $where}"
	fi
	tail_serial 40
fi

# Kernel log: the part the guest's run.sh did not already judge.  run.sh
# writes "klpx-bench: kernel log checked" after its last check.
after_last()
{
	# print the lines after the last line matching $1 (all if none)
	awk -v pat="$1" '{ l[NR] = $0; if (index($0, pat)) s = NR }
		END { for (i = s + 1; i <= NR; i++) print l[i] }'
}
if [ -f "$run/dmesg" ]; then
	klog_src="$run/dmesg"
	if splats=$(after_last 'klpx-bench: kernel log checked' <"$run/dmesg" |
		    klog_splats); then
		problem "the guest kernel log reports a problem ($run/dmesg):"
		printf '%s\n' "$splats" | sed 's/^/#   /'
	fi
	# what the kernel said after dmesg was saved (shutdown)
	serial_part() { after_last 'klpx-bench: dmesg saved' <"$run/serial.log"; }
	if ! grep -q 'klpx-bench: dmesg saved' "$run/serial.log" 2>/dev/null; then
		serial_part() { :; }
	fi
else
	serial_part() { after_last 'klpx-bench: kernel log checked' <"$run/serial.log"; }
fi
if [ -f "$run/serial.log" ] && splats=$(serial_part | klog_splats); then
	problem "the guest serial console reports a problem ($run/serial.log):"
	printf '%s\n' "$splats" | sed 's/^/#   /'
fi

status=$(cat "$run/status" 2>/dev/null || echo 1)
[ -z "${KLPX_DEBUG:-}" ] || echo "# bench: VM ran ${elapsed}s, run dir $run"
[ "$problems" = 0 ] || echo "# bench: run dir $run"

if [ -n "$tap" ]; then
	if [ -f "$run/summary" ]; then
		read -r p _ f _ sk _ <<<"$(tr -d ',' <"$run/summary")"
	else
		p=$(grep -c '^ok ' "$run/output" 2>/dev/null || true)
		f=$(grep -c '^not ok ' "$run/output" 2>/dev/null || true)
		sk=
		[ "$problems" != 0 ] || problems=1
	fi
	f=$(( ${f:-0} + problems ))
	line="${p:-0} passed, $f failed"
	[ -z "$sk" ] || [ "$sk" = 0 ] || line="$line, $sk skipped"
	echo "$line"
fi

if [ "$problems" != 0 ] && [ "$status" = 0 ]; then
	status=1
fi
exit "$status"
