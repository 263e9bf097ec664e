/* SPDX-License-Identifier: MIT */
/* ko_gz.c: gzip-compressed modules (.ko.gz), decompressed in one streaming pass. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <zlib.h>

#include "ko.h"

int ko_gunzip(const uint8_t *in, size_t inlen, struct ko_buf *dst)
{
	z_stream z = { 0 };
	size_t hint = 0, left = inlen;
	int r;

	/* 16 + 15: gzip framing only, with the largest window */
	if (inflateInit2(&z, 16 + 15) != Z_OK)
		return -ENOMEM;
	/* ISIZE, the last member's length mod 2^32, is a fair first guess */
	if (inlen >= 18)
		hint = (size_t)in[inlen - 4] | (size_t)in[inlen - 3] << 8 |
		       (size_t)in[inlen - 2] << 16 | (size_t)in[inlen - 1] << 24;
	if (hint < inlen || hint > KO_MAX_SIZE)
		hint = inlen < KO_MAX_SIZE / 4 ? inlen * 4 : KO_MAX_SIZE;
	r = ko_buf_reserve(dst, hint);
	if (r < 0)
		goto out;
	z.next_in = (Bytef *)in;
	for (;;) {
		size_t room;
		int zr;

		r = ko_buf_reserve(dst, 1);
		if (r < 0)
			goto out;
		/* zlib counts in uInt: feed and drain at most UINT_MAX at a time */
		if (z.avail_in == 0 && left) {
			z.avail_in = left > UINT_MAX ? UINT_MAX : (uInt)left;
			left -= z.avail_in;
		}
		room = dst->cap - dst->len > UINT_MAX ? UINT_MAX : dst->cap - dst->len;
		z.next_out = dst->data + dst->len;
		z.avail_out = (uInt)room;
		zr = inflate(&z, Z_NO_FLUSH);
		dst->len += room - z.avail_out;
		if (zr == Z_STREAM_END) {
			if (!z.avail_in && !left)
				break;
			/* another member may follow, as gzip -d accepts; anything
			 * else after the end is garbage */
			if (z.avail_in < 2 || z.next_in[0] != 0x1f ||
			    z.next_in[1] != 0x8b || inflateReset(&z) != Z_OK) {
				r = -EBADMSG;
				goto out;
			}
			continue;
		}
		if (zr == Z_OK)
			continue;
		if (zr == Z_MEM_ERROR)
			r = -ENOMEM;
		else
			r = -EBADMSG; /* Z_BUF_ERROR here: the input ended mid-stream */
		goto out;
	}
	r = 0;
out:
	inflateEnd(&z);
	return r;
}
