// SPDX-License-Identifier: GPL-2.0
#define KLPX_RACE_VERSION 3
#define KLPX_RACE_REPLACE
#include "klpx_race_patch.h"
