#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-shell.sh - make vm: load klpx.ko if built, then an interactive shell.

cd "$KLPX_ROOT" || exit 1
if [ -f kernel/klpx.ko ]; then
	/usr/sbin/insmod kernel/klpx.ko && echo "klpx.ko loaded: $(ls -d /sys/kernel/klpx)"
else
	echo "kernel/klpx.ko is not built: run make"
fi
cat <<MSG

klpx VM ($(uname -r)): the host root is read-only, /tmp is writable,
$KLPX_ROOT is the project.  Test modules: selftests/modules/*.ko.
Run the selftests: selftests/run.sh.  Leave: poweroff -f (or Ctrl-A X).

MSG
export PS1='klpx-vm:\w# '
exec bash --norc -i
