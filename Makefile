# SPDX-License-Identifier: MIT
# earlymod: one Makefile, GNU make. `make` builds build/loader and build/mkinitfs,
# `make check` runs every test (unit, fake kernel, kmod differential, QEMU boots).

CC        ?= cc
MUSL_CC   ?= musl-gcc
PREFIX    ?= /usr/local
LIBEXECDIR ?= $(PREFIX)/lib/earlymod
# the finished loader, every applet included, must stay under 64 KiB
LOADER_SIZE_MAX ?= 65536

WARN := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wformat=2 \
	-Wvla -Wwrite-strings -Wundef -Wpointer-arith -Wno-unused-parameter \
	-Werror=implicit-function-declaration -Werror=incompatible-pointer-types \
	-Werror=int-conversion
ifeq ($(WERROR),1)
WARN += -Werror
endif
ifneq ($(CI),)
WARN += -Werror
endif

BASE_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -MMD -MP
HOST_CFLAGS := $(BASE_CFLAGS) -O2 -g $(CFLAGS)
LOADER_CFLAGS := $(BASE_CFLAGS) -Os -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-stack-protector
LOADER_LDFLAGS := -static -Wl,--gc-sections -Wl,-z,norelro -Wl,-z,noseparate-code -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096 -s

B := build
LIB_SRC := $(wildcard lib/*.c)
LOADER_SRC := $(filter-out loader/sys_linux.c,$(wildcard loader/*.c))
MK_SRC := $(wildcard mkinitfs/*.c)
FAKE_SRC := $(wildcard tests/fake/*.c)

LIB_MUSL := $(LIB_SRC:%.c=$(B)/musl/%.o)
LOADER_MUSL := $(LOADER_SRC:%.c=$(B)/musl/%.o) $(B)/musl/loader/sys_linux.o
LIB_HOST := $(LIB_SRC:%.c=$(B)/host/%.o)
LOADER_HOST := $(filter-out $(B)/host/loader/main.o,$(LOADER_SRC:%.c=$(B)/host/%.o))
MK_HOST := $(MK_SRC:%.c=$(B)/host/%.o)
MK_LIB := $(filter-out $(B)/host/mkinitfs/main.o,$(MK_HOST))
FAKE_HOST := $(FAKE_SRC:%.c=$(B)/host/%.o)
HOST_LIBS := -lzstd -llzma -lz -lpthread

TEST_SRC := $(wildcard tests/unit/test_*.c)
TESTS := $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)


.PHONY: all deps loader mkinitfs check check-unit check-kmod check-image check-qemu size clean install \
	demo bench
all: loader mkinitfs
loader: $(B)/loader
mkinitfs: $(B)/mkinitfs

$(B)/musl/%.o: %.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(LOADER_CFLAGS) -Ilib -Iloader -c -o $@ $<

$(B)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Ilib -Iloader -Imkinitfs -Itests -Itests/fake \
		-DLOADER_PATH='"$(LIBEXECDIR)/loader"' -c -o $@ $<

$(B)/loader: $(LIB_MUSL) $(LOADER_MUSL)
	$(MUSL_CC) $(LOADER_CFLAGS) $(LOADER_LDFLAGS) -o $@ $(filter %.c %.o,$^)

$(B)/mkinitfs: $(MK_HOST) $(LIB_HOST)
	$(CC) $(HOST_CFLAGS) -o $@ $(filter %.c %.o,$^) $(HOST_LIBS)

# test programs: test_lib_* link lib/, test_mk_* also mkinitfs, test_ld_* the loader
# core with the fake kernel in place of sys_linux.c
$(B)/tests/test_lib_%: tests/unit/test_lib_%.c $(LIB_HOST)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Ilib -Itests -o $@ $(filter %.c %.o,$^)
$(B)/tests/test_mk_%: tests/unit/test_mk_%.c $(MK_LIB) $(LIB_HOST)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Ilib -Imkinitfs -Itests -o $@ $(filter %.c %.o,$^) $(HOST_LIBS)
$(B)/tests/test_ld_%: tests/unit/test_ld_%.c $(LOADER_HOST) $(FAKE_HOST) $(MK_LIB) $(LIB_HOST)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Ilib -Iloader -Imkinitfs -Itests -Itests/fake -o $@ $(filter %.c %.o,$^) $(HOST_LIBS)

size: $(B)/loader
	@size=$$(stat -c %s $(B)/loader); gz=$$(gzip -9c $(B)/loader | wc -c); \
	printf 'loader: %d bytes stripped, %d bytes gzip -9 (budget %d)\n' \
		$$size $$gz $(LOADER_SIZE_MAX); \
	test $$size -le $(LOADER_SIZE_MAX) || \
		{ echo "loader is over its size budget"; exit 1; }

check-unit: $(TESTS) all
	@sh tests/run-unit.sh $(TESTS)

check-kmod: all
	@bash tests/kmod/modtree_vs_depmod.sh
	@sh tests/kmod/run.sh
	@bash tests/kmod/applets.sh

check-image: all
	@bash tests/image/run.sh
	@bash tests/image/kinds.sh

check-qemu: all
	@bash qemu/check.sh

# the README's two commands: each installs what it needs first (apt-get, as root)
deps:
	@sh scripts/install-deps.sh

# everything; each part prints its own "N passed, N failed" line, then a total
check: deps
	@$(MAKE) -s all
	@bash tests/check.sh

demo: deps
	@$(MAKE) -s all
	@bash qemu/demo.sh

bench: all
	@sh bench/run.sh

install: all
	install -D -m 0755 $(B)/mkinitfs $(DESTDIR)$(PREFIX)/sbin/mkinitfs
	install -D -m 0755 $(B)/loader $(DESTDIR)$(LIBEXECDIR)/loader
	install -D -m 0644 config/mkinitfs.conf $(DESTDIR)/etc/earlymod/mkinitfs.conf

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' -type f 2>/dev/null)
