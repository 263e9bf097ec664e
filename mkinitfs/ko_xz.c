/* SPDX-License-Identifier: MIT */
/* ko_xz.c: xz-compressed modules (.ko.xz), decompressed in one streaming pass. */
#include <errno.h>
#include <lzma.h>
#include <stdlib.h>

#include "ko.h"

int ko_unxz(const uint8_t *in, size_t inlen, struct ko_buf *dst)
{
	lzma_stream s = LZMA_STREAM_INIT;
	int r;

	if (lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return -ENOMEM;
	r = ko_buf_reserve(dst, inlen < KO_MAX_SIZE / 4 ? inlen * 4 : KO_MAX_SIZE);
	if (r < 0)
		goto out;
	s.next_in = in;
	s.avail_in = inlen;
	for (;;) {
		lzma_ret z;

		r = ko_buf_reserve(dst, 1);
		if (r < 0)
			goto out;
		s.next_out = dst->data + dst->len;
		s.avail_out = dst->cap - dst->len;
		/* all the input is there: LZMA_FINISH makes a short stream an error
		 * (LZMA_BUF_ERROR) instead of a wait for more */
		z = lzma_code(&s, LZMA_FINISH);
		dst->len = dst->cap - s.avail_out;
		if (z == LZMA_STREAM_END)
			break;
		if (z == LZMA_OK)
			continue;
		r = z == LZMA_MEM_ERROR ? -ENOMEM : -EBADMSG;
		goto out;
	}
	r = 0;
out:
	lzma_end(&s);
	return r;
}
