/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What every libFuzzer target in tests/fuzz/ shares. */
#ifndef OVPN_TOKEN_FUZZ_COMMON_H
#define OVPN_TOKEN_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

/*
 * An invariant of the code under test: when it does not hold, say which one (file and line of
 * the caller) and abort(), so libFuzzer keeps the input as a crash.
 */
#define CHECK(cond)                                                                       \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "invariant failed at %s:%d: %s\n", __FILE__, __LINE__, \
			        #cond);                                                   \
			abort();                                                          \
		}                                                                         \
	} while (0)

#endif
