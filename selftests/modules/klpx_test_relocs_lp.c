// SPDX-License-Identifier: GPL-2.0
/* klpx_test_relocs.h against the kernel's built-in livepatch (reference) */
#include <linux/livepatch.h>
#include "klpx_test_relocs.h"
