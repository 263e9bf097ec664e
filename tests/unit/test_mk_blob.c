/* SPDX-License-Identifier: MIT */
/* test_mk_blob.c: blob round trip, and rejection of every kind of damaged blob. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "blob_write.h"
#include "blobtest.h"
#include "tap.h"

static void build(uint8_t **data, size_t *len)
{
	struct blob_builder *w = bw_new();
	uint32_t deps[2] = { 0, 1 };
	uint32_t none = BLOB_NONE;
	/* crc16 <- mbcache <- ext4 (ext4 needs both), and a built-in */
	uint32_t crc16[10] = { bw_str(w, "crc16"), bw_str(w, "kernel/lib/crc16.ko"),
			       bw_str(w, "kernel/lib/crc16.ko"), 0, 0, none, none, none, none,
			       BLOB_M_IN_IMAGE };
	uint32_t mbc[10] = { bw_str(w, "mbcache"), bw_str(w, "kernel/fs/mbcache.ko.zst"),
			     bw_str(w, "kernel/fs/mbcache.ko"), 0, 0, none, none, none, none,
			     BLOB_M_IN_IMAGE };
	uint32_t ext4[10] = { bw_str(w, "ext4"), bw_str(w, "kernel/fs/ext4/ext4.ko"),
			      bw_str(w, "kernel/fs/ext4/ext4.ko"), bw_list(w, deps, 2), 2, 0,
			      none, none, none, BLOB_M_IN_IMAGE };
	uint32_t bi[10] = { bw_str(w, "unix"), 0, 0, 0, 0, none, none, none, none,
			    BLOB_M_BUILTIN };
	uint32_t alias[2] = { bw_str(w, "fs_ext4"), 2 };
	uint32_t pre = bw_str(w, "crc16");
	uint32_t sd[5] = { bw_str(w, "ext4"), bw_list(w, &pre, 1), 1, 0, 0 };
	uint32_t opt[2] = { bw_str(w, "ext4"), bw_str(w, "debug=1") };
	uint32_t bl[1] = { bw_str(w, "floppy") };
	uint32_t load[2] = { bw_str(w, "ext4"), 0 };

	bw_rec(w, BLOB_S_MODULES, crc16, 10);
	bw_rec(w, BLOB_S_MODULES, mbc, 10);
	bw_rec(w, BLOB_S_MODULES, ext4, 10);
	bw_rec(w, BLOB_S_MODULES, bi, 10);
	bw_rec(w, BLOB_S_MODALIAS, alias, 2);
	bw_rec(w, BLOB_S_SOFTDEP, sd, 5);
	bw_rec(w, BLOB_S_OPTIONS, opt, 2);
	bw_rec(w, BLOB_S_BLACKLIST, bl, 1);
	bw_rec(w, BLOB_S_LOAD, load, 2);
	if (bw_finish(w, "6.1.0-test", "/lib/modules/6.1.0-test", 0, data, len) < 0)
		abort();
	bw_free(w);
}


int main(void)
{
	uint8_t *data, *copy;
	size_t len;
	struct blob b;
	struct blob_module m;
	struct blob_pair p;
	struct blob_softdep sd;
	int accepted = 0, rejected = 0;

	build(&data, &len);
	is_int(blob_open(&b, data, len), 0, "a fresh blob opens");
	is_str(b.kver, "6.1.0-test", "kernel version");
	is_str(b.moddir, "/lib/modules/6.1.0-test", "module directory");
	is_int(blob_count(&b, BLOB_S_MODULES), 4, "four modules");
	is_int(blob_find_module(&b, "ext4"), 2, "find ext4 by name");
	is_int(blob_find_module(&b, "unix"), 3, "find the built-in");
	is_int(blob_find_module(&b, "xfs"), BLOB_NONE, "xfs is not there");
	blob_module(&b, 2, &m);
	is_str(m.path, "kernel/fs/ext4/ext4.ko", "path");
	is_int(m.ndeps, 2, "ext4 has two dependencies");
	is_int(blob_u32(&b, m.deps, 0), 0, "crc16 first");
	is_int(blob_u32(&b, m.deps, 1), 1, "then mbcache");
	blob_module(&b, 1, &m);
	is_str(m.image_path, "kernel/fs/mbcache.ko", "image path without .zst");
	blob_module(&b, 3, &m);
	ok(m.flags & BLOB_M_BUILTIN, "built-in flag");
	blob_pair(&b, BLOB_S_MODALIAS, 0, &p);
	ok(!strcmp(p.a, "fs_ext4") && p.n == 2, "alias fs_ext4 -> ext4");
	is_int(blob_count(&b, BLOB_S_MODALIAS_IDX), 1, "the alias is indexed");
	{
		uint32_t pos = 0, l = 0, k = blob_alias_next(&b, BLOB_S_MODALIAS, "fs_ext4",
							     &pos, &l);

		ok(k == 0 && pos == 1 && blob_alias_at(&b, BLOB_S_MODALIAS, k) == 0,
		   "fs_ext4 finds its run");
		is_int(blob_alias_next(&b, BLOB_S_MODALIAS, "fs_ext4", &pos, &l), BLOB_NONE,
		       "and only it");
	}
	blob_softdep(&b, 0, &sd);
	ok(sd.npre == 1 && !strcmp(blob_str(&b, blob_u32(&b, sd.pre, 0)), "crc16"),
	   "softdep ext4 pre: crc16");
	blob_pair(&b, BLOB_S_OPTIONS, 0, &p);
	ok(!strcmp(p.a, "ext4") && !strcmp(p.b, "debug=1"), "options");
	blob_pair(&b, BLOB_S_BLACKLIST, 0, &p);
	is_str(p.a, "floppy", "blacklist");

	copy = malloc(len);
	/* every truncation is refused */
	for (size_t n = 0; n < len; n++)
		if (blob_open(&b, data, n) == 0)
			accepted++;
	is_int(accepted, 0, "no truncation of the blob is accepted");
	/* every flipped bit is caught by the checksum */
	accepted = 0;
	for (size_t i = 0; i < len; i++) {
		memcpy(copy, data, len);
		copy[i] ^= 0x10;
		if (blob_open(&b, copy, len) == 0)
			accepted++;
	}
	is_int(accepted, 0, "no single flipped bit is accepted");
	/* damage with a valid checksum: the structure checks must catch it */
	accepted = rejected = 0;
	for (size_t i = 24; i + 4 <= len; i += 4) {
		static const uint32_t evil[] = { 0xffffffff, 0x7fffffff, 0x10000, 1000, 3 };

		for (size_t k = 0; k < sizeof(evil) / sizeof(evil[0]); k++) {
			memcpy(copy, data, len);
			put32(copy + i, evil[k]);
			reseal(copy, len);
			if (blob_open(&b, copy, len) < 0) {
				rejected++;
				continue;
			}
			accepted++;
			/* accepted: then every accessor must stay inside the blob */
			for (uint32_t j = 0; j < blob_count(&b, BLOB_S_MODULES); j++) {
				blob_module(&b, j, &m);
				for (uint32_t d = 0; d < m.ndeps; d++)
					(void)blob_u32(&b, m.deps, d);
				(void)strlen(m.name);
				(void)strlen(m.path);
			}
			(void)blob_find_module(&b, "ext4");
			for (int a = BLOB_S_MODALIAS; a <= BLOB_S_BIALIAS; a++) {
				uint32_t pos = 0, l = 0, e;

				while ((e = blob_alias_next(&b, a, "fs_ext4", &pos, &l)) !=
				       BLOB_NONE)
					for (; e < pos; e++)
						(void)blob_alias_at(&b, a, e);
			}
		}
	}
	ok(rejected > 0, "resealed damage: %d rejected, %d accepted and read safely", rejected,
	   accepted);
	memcpy(copy, data, len);
	put32(copy + 8, 2);
	reseal(copy, len);
	is_int(blob_open(&b, copy, len), -EPROTO, "a newer version is -EPROTO");
	memcpy(copy, data, len);
	copy[0] = 'X';
	is_int(blob_open(&b, copy, len), -EBADMSG, "bad magic");
	free(copy);
	free(data);
	return done_testing();
}
