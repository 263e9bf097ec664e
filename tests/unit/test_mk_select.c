/* SPDX-License-Identifier: MIT */
/* test_mk_select.c: the generic classes by path, alias and name on an in-memory tree,
 * the reason chains that --explain and -v print, and the modalias list reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mkinitfs.h"
#include "tap.h"

struct fake {
	const char *relpath;
	const char *aliases[3];
	const char *want; /* class name, or NULL */
};

static const struct fake mods[] = {
	{ "kernel/drivers/ata/ahci.ko", { "pci:v*d*sv*sd*bc01sc06i01*" }, "ata" },
	{ "kernel/drivers/ata/pata_pcmcia.ko", { "pcmcia:m*c*f*fn*pfn*pa*pb*pc*pd*" }, NULL },
	{ "kernel/drivers/ata/pata_legacy.ko", { "pata_winbond" }, NULL },
	{ "kernel/drivers/block/virtio_blk.ko", { "virtio:d00000002v*" }, "block" },
	{ "kernel/drivers/block/floppy.ko", { "acpi*:PNP0700:*", "pnp:dPNP0700*", "block-major-2-*" },
	  NULL },
	{ "kernel/drivers/block/loop.ko", { "block-major-7-*", "devname:loop-control" }, "block" },
	{ "kernel/drivers/block/xen-blkback/xen-blkback.ko", { "xen-backend:vbd" }, NULL },
	{ "kernel/drivers/block/nbd.ko", { NULL }, NULL },
	{ "kernel/drivers/scsi/sd_mod.ko", { "scsi:t-0x00*", "block-major-8-*" }, "scsi-disk" },
	{ "kernel/drivers/scsi/st.ko", { "scsi:t-0x01*", "char-major-9-*" }, NULL },
	{ "kernel/drivers/nvme/host/nvme.ko", { "pci:v*d*sv*sd*bc01sc08i02*" }, "nvme" },
	{ "kernel/drivers/nvme/host/nvme-tcp.ko", { NULL }, NULL },
	{ "kernel/drivers/md/dm-crypt.ko", { NULL }, "md" },
	{ "kernel/drivers/md/dm-flakey.ko", { NULL }, NULL },
	{ "kernel/drivers/mmc/core/mmc_block.ko", { "mmc:block" }, "mmc" },
	{ "kernel/drivers/mmc/core/sdio_uart.ko", { "sdio:c*v*d*" }, NULL },
	{ "kernel/drivers/usb/storage/ums-karma.ko", { "usb:v*" }, "usb-storage" },
	{ "kernel/drivers/usb/host/xhci-pci.ko", { "pci:v*d*sv*sd*bc0Csc03i30*" }, "usb-host" },
	{ "kernel/drivers/usb/host/sl811_cs.ko", { "pcmcia:m*" }, NULL },
	{ "kernel/drivers/virtio/virtio_pci.ko", { "pci:v00001AF4d*sv*sd*bc*sc*i*" }, "virtio" },
	{ "kernel/drivers/virtio/virtio_mmio.ko", { "acpi*:LNRO0005:*", "of:N*T*Cvirtio,mmio" },
	  "virtio" },
	{ "kernel/drivers/virtio/virtio_balloon.ko", { "virtio:d00000005v*" }, NULL },
	{ "kernel/drivers/virtio/virtio_input.ko", { "virtio:d00000012v*" }, "virtio-input" },
	{ "kernel/fs/ext4/ext4.ko", { "fs-ext4" }, "fs" },
	{ "kernel/fs/nls/nls_iso8859-1.ko", { NULL }, "fs" },
	{ "kernel/fs/nfs/nfs.ko", { "fs-nfs" }, NULL },
	{ "kernel/drivers/hid/hid-generic.ko", { "hid:b*g0001v*p*" }, "hid" },
	{ "kernel/drivers/hid/hid-apple.ko", { "hid:b0003g*v000005ACp*" }, NULL },
	{ "kernel/drivers/input/serio/hyperv-keyboard.ko", { "vmbus:*" }, "serio" },
	{ "updates/dkms/ahci.ko", { "pci:v*d*sv*sd*bc01sc06i01*" }, NULL },
	{ "kernel/drivers/net/ethernet/intel/e1000/e1000.ko", { "pci:v00008086d0000100Esv*" },
	  NULL },
};

#define NMODS (sizeof(mods) / sizeof(mods[0]))

static char *modname(const char *path)
{
	const char *b = strrchr(path, '/') + 1;
	char *n = strndup(b, strcspn(b, "."));

	for (char *p = n; *p; p++)
		if (*p == '-')
			*p = '_';
	return n;
}

static void fake_tree(struct modtree *t)
{
	memset(t, 0, sizeof(*t));
	t->mods = calloc(NMODS, sizeof(*t->mods));
	t->nmods = NMODS;
	t->moddir = strdup("/nonexistent");
	for (size_t i = 0; i < NMODS; i++) {
		struct mt_module *m = &t->mods[i];

		m->name = modname(mods[i].relpath);
		m->relpath = strdup(mods[i].relpath);
		m->order = i;
		m->mi.kv = calloc(3, sizeof(struct kv));
		for (size_t k = 0; k < 3 && mods[i].aliases[k]; k++) {
			m->mi.kv[k].key = strdup("alias");
			m->mi.kv[k].value = strdup(mods[i].aliases[k]);
			m->mi.n++;
		}
	}
}

static void free_tree(struct modtree *t)
{
	for (size_t i = 0; i < t->nmods; i++) {
		free(t->mods[i].name);
		free(t->mods[i].relpath);
		modinfo_free(&t->mods[i].mi);
	}
	free(t->mods);
	free(t->moddir);
}

static size_t find(const struct modtree *t, const char *name)
{
	for (size_t i = 0; i < t->nmods; i++)
		if (!strcmp(t->mods[i].name, name))
			return i;
	printf("Bail out! no module %s\n", name);
	exit(1);
}

static void test_classes(struct selection *sel, const struct modtree *t)
{
	for (size_t i = 0; i < NMODS; i++) {
		const struct class_rule *c = sel_class(sel, i);

		if (mods[i].want)
			ok(c && !strcmp(c->name, mods[i].want), "%s: class %s (got %s)",
			   mods[i].relpath, mods[i].want, c ? c->name : "none");
		else
			ok(!c, "%s: no class (got %s)", mods[i].relpath, c ? c->name : "none");
	}
	ok(sel_class(sel, find(t, "xhci_pci"))->kinds == (CLS_STORAGE | CLS_KEYBOARD),
	   "usb-host is a storage and a keyboard class");
	ok(sel_class(sel, find(t, "hid_generic"))->kinds == CLS_KEYBOARD, "hid is keyboard only");
	ok(sel_class(sel, find(t, "ext4"))->kinds == CLS_FS, "fs is neither");
	ok(sel_class(sel, t->nmods) == NULL, "an index past the tree has no class");
	for (size_t i = 0; i < sel_class_count(); i++)
		ok(sel_class_at(i)->name[0] && sel_class_at(i)->kinds && sel_class_at(i)->rule[0],
		   "class %zu (%s) has a name, kinds and a rule", i, sel_class_at(i)->name);
}

static void test_reasons(struct selection *sel, const struct modtree *t)
{
	size_t ext4 = find(t, "ext4"), nls = find(t, "nls_iso8859_1"),
	       ahci = find(t, "ahci"), loop = find(t, "loop"), e1000 = find(t, "e1000");
	char *r;

	sel->include[ext4] = sel->include[nls] = sel->include[ahci] = sel->include[loop] = 1;
	sel->why[ext4] = (struct why){ WHY_DIRECT, strdup("root filesystem ext4"), 0 };
	sel->why[nls] = (struct why){ WHY_DEP, NULL, ext4 };
	sel->why[ahci] = (struct why){ WHY_SOFTDEP, NULL, nls };
	sel->why[loop] = (struct why){ WHY_WEAKDEP, NULL, ahci };
	r = sel_reason(sel, ext4);
	is_str(r, "root filesystem ext4", "a direct reason is its text");
	free(r);
	r = sel_reason(sel, nls);
	is_str(r, "dependency of ext4, which is: root filesystem ext4", "a dependency's chain");
	free(r);
	r = sel_reason(sel, loop);
	is_str(r, "weakdep of ahci, which is: softdep of nls_iso8859_1, which is: dependency "
		  "of ext4, which is: root filesystem ext4",
	       "a chain through weakdep, softdep and dependency");
	free(r);
	r = sel_reason(sel, e1000);
	is_str(r, "(no reason recorded)", "a module without a reason says so");
	free(r);
	sel_skip(sel, e1000, "first %d", 1);
	sel_skip(sel, e1000, "second %d", 2);
	is_str(sel->skipped[e1000], "first 1", "the first reason to leave a module out stays");

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	sel_print_reasons(sel, f);
	fclose(f);
	ok(strstr(buf, "mkinitfs: nls_iso8859_1: dependency of ext4, which is: root filesystem "
		       "ext4\n") != NULL, "-v prints a module and its reason");
	ok(!strstr(buf, "e1000"), "-v prints only the modules in the image");
	free(buf);
}

static void test_modaliases(void)
{
	char path[] = "/tmp/test_mk_select.XXXXXX";
	int fd = mkstemp(path);
	size_t n;
	char **v;
	FILE *f;

	if (fd < 0) {
		printf("Bail out! mkstemp\n");
		exit(1);
	}
	f = fdopen(fd, "w");
	fputs("# a capture\n\n  pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01 \r\n"
	      "\t# indented comment\nvirtio:d00000002v00001AF4", f);
	fclose(f);
	v = read_modaliases(path, &n);
	is_int(n, 2, "comments and blank lines are skipped");
	is_str(v[0], "pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01",
	       "blanks and CR are trimmed");
	is_str(v[1], "virtio:d00000002v00001AF4", "a last line without a newline counts");
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	unlink(path);
}

int main(void)
{
	struct modtree t;
	struct options o = { .root = "" };
	struct session s = { 0 };
	struct selection sel;

	fake_tree(&t);
	s.opt = &o;
	s.tree = &t;
	sel_init(&sel, &s);
	test_classes(&sel, &t);
	test_reasons(&sel, &t);
	sel_free(&sel);
	free_tree(&t);
	test_modaliases();
	return done_testing();
}
