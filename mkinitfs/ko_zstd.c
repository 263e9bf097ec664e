/* SPDX-License-Identifier: MIT */
/* ko_zstd.c: zstd-compressed modules (.ko.zst), decompressed in one streaming pass. */
#include <errno.h>
#include <stdlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "ko.h"

int ko_unzstd(const uint8_t *in, size_t inlen, struct ko_buf *dst)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, inlen, 0 };
	unsigned long long hint = ZSTD_getFrameContentSize(in, inlen);
	int r;

	if (!ds)
		return -ENOMEM;
	/* the zstd CLI records the size: then one allocation is enough */
	if (hint == ZSTD_CONTENTSIZE_UNKNOWN || hint == ZSTD_CONTENTSIZE_ERROR ||
	    hint > KO_MAX_SIZE)
		hint = inlen < KO_MAX_SIZE / 4 ? inlen * 4 : KO_MAX_SIZE;
	r = ko_buf_reserve(dst, hint ? hint : 1);
	if (r < 0)
		goto out;
	for (;;) {
		ZSTD_outBuffer ob;
		size_t z;

		r = ko_buf_reserve(dst, 1);
		if (r < 0)
			goto out;
		ob = (ZSTD_outBuffer){ dst->data, dst->cap, dst->len };
		z = ZSTD_decompressStream(ds, &ob, &ib);
		if (ZSTD_isError(z)) {
			int oom = ZSTD_getErrorCode(z) == ZSTD_error_memory_allocation;

			r = oom ? -ENOMEM : -EBADMSG;
			goto out;
		}
		dst->len = ob.pos;
		if (ib.pos == ib.size) {
			/* z == 0: the last frame is complete; room left over means the
			 * decoder wanted input that is not there */
			if (z == 0)
				break;
			if (ob.pos < ob.size) {
				r = -EBADMSG;
				goto out;
			}
		}
	}
	r = 0;
out:
	ZSTD_freeDStream(ds);
	return r;
}
