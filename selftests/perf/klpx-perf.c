// SPDX-License-Identifier: GPL-2.0
/*
 * klpx-perf - the bench's helper inside the VM (selftests/perf/bench.sh),
 * so that timing does not depend on a shell's forks.
 *
 *   klpx-perf spawn SLEEPERS BUSY HAMMER [nanosleep]
 *       start that many threads: asleep (in pause(), or with "nanosleep"
 *       in a nanosleep(1 s) loop), spinning in user space, reading
 *       /proc/klpx_bench/sys (a patched path) in a loop; print "ready N"
 *       and live until SIGTERM; then print "hammered C bad B" (B: answers
 *       no version gives) and exit 1 if B > 0            (load.c)
 *   klpx-perf hammer THREADS
 *       THREADS threads read /proc/klpx_bench/sys until SIGTERM; then
 *       print "calls C changes_max M bad B": calls made, the most times
 *       one thread saw the answer change, answers not 1-3 (load.c)
 *   klpx-perf enable MODULE.ko SYSFS_DIR
 *       load a patch module and wait until SYSFS_DIR/transition reads 0;
 *       print the milliseconds taken                      (timing.c)
 *   klpx-perf disable SYSFS_DIR [HOOKS_FILE PREFIX]
 *       write 0 to SYSFS_DIR/enabled and wait until SYSFS_DIR is gone;
 *       print the milliseconds taken; with HOOKS_FILE, wait on until no
 *       line of it starts with PREFIX and print that time too (timing.c)
 * Exit status 0, or 1 with a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "klpx-perf.h"

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (argc == 5 && !strcmp(cmd, "spawn"))
		return cmd_spawn(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), 0);
	if (argc == 6 && !strcmp(cmd, "spawn") && !strcmp(argv[5], "nanosleep"))
		return cmd_spawn(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), 1);
	if (argc == 3 && !strcmp(cmd, "hammer"))
		return cmd_hammer(atoi(argv[2]));
	if (argc == 4 && !strcmp(cmd, "enable"))
		return cmd_enable(argv[2], argv[3]);
	if (argc == 3 && !strcmp(cmd, "disable"))
		return cmd_disable(argv[2], NULL, NULL);
	if (argc == 5 && !strcmp(cmd, "disable"))
		return cmd_disable(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: klpx-perf spawn SLEEPERS BUSY HAMMER [nanosleep] | hammer THREADS |\n"
		"       enable MODULE.ko SYSFS_DIR | disable SYSFS_DIR [HOOKS_FILE PREFIX]\n");
	return 1;
}
