/* SPDX-License-Identifier: MIT */
/* blobtest.h: editing a blob in tests: write a little-endian word, recompute the
 * checksum so that only the damage under test is refused. */
#ifndef EARLYMOD_BLOBTEST_H
#define EARLYMOD_BLOBTEST_H

#include <stddef.h>
#include <stdint.h>

#include "blob.h"

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static inline void reseal(uint8_t *p, size_t len)
{
	put32(p + 20, 0);
	put32(p + 20, blob_crc32(0, p, len));
}

#endif
