#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest-init.sh - /init of the bench's initramfs (busybox sh, PID 1).
#
# Loads the guest kernel's own virtio/9p modules, mounts the host's root
# read-only over virtio-9p, puts tmpfs and the kernel's filesystems over it,
# mounts the results share at /run/klpx, and runs /run/klpx/guest.sh in a
# chroot with its stdio on the serial port named in /run/klpx/bench.conf.
# Then it saves the kernel log into the results share and powers off.
# It writes nothing but into tmpfs and the results share.

PATH=/bin
R=/newroot

say()
{
	echo "klpx-init: $*" >/dev/kmsg
}

fatal()
{
	say "FATAL: $*"
	echo "klpx-init: FATAL: $*" >/dev/console
	poweroff -f
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# Dependency order was resolved on the host (modinfo depends:).
for m in $(cat /modules/order); do
	insmod "/modules/$m.ko" || fatal "insmod $m failed"
done

mkdir -p $R
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose \
	klpxroot $R || fatal "cannot mount the host root (9p tag klpxroot)"

# The project may live under a directory that gets a tmpfs below (CI
# clones into /tmp): keep the host's view of it (klpx_root, from the
# kernel command line, reaches init as an environment variable).
root=${klpx_root:-}
case $root in
/tmp/*|/run/*|/var/tmp/*)
	mkdir -p /keep
	mount -o bind "$R$root" /keep || fatal "cannot bind $root" ;;
*) root= ;;
esac

for d in tmp run var/tmp; do
	mount -t tmpfs -o mode=1777 tmpfs "$R/$d" 2>/dev/null ||
		fatal "cannot mount tmpfs on /$d"
done
if [ -n "$root" ]; then
	mkdir -p "$R$root" && mount -o bind /keep "$R$root" ||
		fatal "cannot put $root back over the tmpfs"
fi
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm
# what udev would add: bash's <(...) needs /dev/fd
ln -sf /proc/self/fd $R/dev/fd
ln -sf /proc/self/fd/0 $R/dev/stdin
ln -sf /proc/self/fd/1 $R/dev/stdout
ln -sf /proc/self/fd/2 $R/dev/stderr
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm
mount -t devpts -o ptmxmode=0666 devpts $R/dev/pts
mount -t debugfs debugfs $R/sys/kernel/debug
mount -t tracefs tracefs $R/sys/kernel/tracing
mount -t bpf bpf $R/sys/fs/bpf

mkdir -p $R/run/klpx
mount -t 9p -o trans=virtio,version=9p2000.L,rw,msize=512000 \
	klpxresults $R/run/klpx || fatal "cannot mount the results share"

# bench.conf: GUEST_MODULES (host path of the unpacked modules) and TTY.
. $R/run/klpx/bench.conf || fatal "no bench.conf in the results share"

# The guest's own modules at /lib/modules/<guest abi>, so modprobe works.
kver=$(uname -r)
if [ -d "$R$GUEST_MODULES" ]; then
	mount -t tmpfs tmpfs $R/lib/modules
	mkdir -p "$R/lib/modules/$kver"
	mount -o bind,ro "$R$GUEST_MODULES" "$R/lib/modules/$kver"
fi

stty -F "/dev/$TTY" -opost -echo 2>/dev/null
[ "$TTY" = ttyS0 ] && stty -F /dev/ttyS0 opost onlcr echo 2>/dev/null

say "running guest.sh on $TTY"
chroot $R /usr/bin/setsid -c -w /bin/bash /run/klpx/guest.sh \
	<>"$R/dev/$TTY" >&0 2>&0
rc=$?
echo $rc >$R/run/klpx/init-status

say "guest.sh exited with $rc; saving the kernel log"
chroot $R /usr/bin/dmesg >$R/run/klpx/dmesg 2>/dev/null ||
	dmesg -s 8388608 >$R/run/klpx/dmesg
echo "klpx-bench: dmesg saved" >/dev/kmsg

sync
umount $R/run/klpx
poweroff -f
