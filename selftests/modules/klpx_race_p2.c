// SPDX-License-Identifier: GPL-2.0
#define KLPX_RACE_VERSION 2
#include "klpx_race_patch.h"
