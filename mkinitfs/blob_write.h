/* SPDX-License-Identifier: MIT */
/* blob_write.h: building a blob (format in lib/blob.h) on the host. */
#ifndef EARLYMOD_BLOB_WRITE_H
#define EARLYMOD_BLOB_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "blob.h"

struct blob_builder;

struct blob_builder *bw_new(void);
void bw_free(struct blob_builder *w);
/* a string reference; equal strings share one copy */
uint32_t bw_str(struct blob_builder *w, const char *s);
/* a list in the u32 pool; returns its offset (in entries) */
uint32_t bw_list(struct blob_builder *w, const uint32_t *v, size_t n);
/* one record of nwords u32 words appended to a section */
void bw_rec(struct blob_builder *w, enum blob_section s, const uint32_t *words, size_t nwords);
/* the finished blob in a malloc'd buffer; BYNAME is computed here from MODULES, and
 * MODALIAS_IDX and BIALIAS_IDX from MODALIAS and BIALIAS */
int bw_finish(struct blob_builder *w, const char *kver, const char *moddir, uint32_t flags,
	      uint8_t **ret_data, size_t *ret_len);

#endif
