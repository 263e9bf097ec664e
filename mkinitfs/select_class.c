/* SPDX-License-Identifier: MIT */
/* select_class.c: what a module is, by its path in the tree, its aliases and the
 * symbols it imports; --generic takes every module of these classes.
 *
 * The aim: every controller, block driver and filesystem likely to hold a root, and
 * a keyboard to type at a console, on any x86 PC, server or VM (a disk may move to
 * another controller; an image made at kernel install must still boot), without the
 * long tail: the Debian 6.1 tree gives 227 modules, 35 MiB uncompressed, a 7.4 MiB
 * image (zstd), against 29 MiB for initramfs-tools' MODULES=most; the filesystems are
 * 2.7 MiB of it, the SCSI host adapters 2.8 MiB. A "device alias" is one of a
 * hardware bus (its prefix before ':'); the bus lists keep out PC Card (pcmcia), ISA
 * probing (no alias) and backends for hosting VMs (xen-backend).
 *
 *  class        takes, under kernel/ of the module directory
 *  ----------   ------------------------------------------------------------------
 *  ata          drivers/ata/ with a pci, acpi or platform alias (SATA, PATA)
 *  nvme         drivers/nvme/host/ with a pci alias (nvme; the fabrics transports
 *               tcp, rdma and fc need a network first)
 *  scsi-host    drivers/scsi/, drivers/message/fusion/ with a pci, virtio, vmbus or
 *               xen alias, importing scsi_host_alloc (a host adapter: megaraid_sas,
 *               mpt3sas, hpsa, aacraid, mptsas, virtio_scsi, vmw_pvscsi, hv_storvsc),
 *               but no iscsi_*, fc_lport_*, fc_exch_* or fcoe_* symbol (iSCSI and
 *               FCoE: SAN over a network, which the loader does not bring up), and
 *               not fc_attach_transport with a pci alias (Fibre Channel HBAs: qla2xxx,
 *               lpfc, bfa, csiostor, mptfc are 9 MB with what they pull in, for SAN
 *               boot, where the HBA is known when the image is made: -m or
 *               --hostonly)
 *  scsi-disk    drivers/scsi/ with a block-major-* alias (sd_mod, sr_mod)
 *  block        drivers/block/ with a pci, virtio, xen or vmbus alias (virtio_blk,
 *               xen-blkfront, mtip32xx), and loop; not nbd, rbd, drbd, aoe (network),
 *               zram, brd, null_blk (no root there), floppy
 *  md           drivers/md/: md-mod, linear, raid0, raid1, raid10, raid456, dm-mod,
 *               dm-crypt, dm-integrity, dm-verity, dm-raid, dm-mirror, dm-snapshot,
 *               dm-thin-pool (RAID, LVM, LUKS roots; not the caches, test targets,
 *               bcache, dm-multipath)
 *  mmc          drivers/mmc/host/ with a pci, acpi, platform or usb alias (SD/eMMC
 *               hosts), and drivers/mmc/core/ with an mmc alias (mmc_block)
 *  usb-storage  drivers/usb/storage/, all (usb-storage, uas, ums-*)
 *  usb-host     drivers/usb/host/ with a pci, acpi, platform or of alias (xhci, ehci,
 *               ohci, uhci; for USB disks and keyboards)
 *  virtio       drivers/virtio/ with a pci, acpi, platform or of alias (the virtio
 *               transports: virtio_pci, virtio_mmio)
 *  fs           fs/: ext4, xfs, btrfs, f2fs, vfat (what the loader identifies), and
 *               nls_cp437, nls_iso8859-1, nls_ascii, nls_utf8 (vfat's code pages)
 *  hid          drivers/hid/: hid, hid-generic, usbhid (every USB keyboard speaks
 *               the boot protocol hid-generic drives; vendor drivers add extras)
 *  serio        drivers/input/: atkbd, i8042, serio, libps2, hyperv-keyboard (PS/2
 *               and Hyper-V keyboards; built in on Debian but hyperv-keyboard)
 *  virtio-input drivers/virtio/: virtio_input (VM keyboards)
 *
 * Storage classes are all but fs, hid, serio and virtio-input (usb-host is both
 * storage and keyboard): --hostonly --modaliases keeps storage and keyboard drivers,
 * --check asks for the storage ones. Modules outside kernel/ (updates/, extra/) have
 * no class: list them with -m. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mkinitfs.h"
#include "modtree_int.h"
#include "resolve.h"
#include "xalloc.h"

enum test {
	T_ANY,        /* every module under the prefixes */
	T_BUS,        /* an alias of one of the buses in list */
	T_SCSI_HOST,  /* T_BUS, and the symbols of a SCSI host adapter */
	T_BLOCK_MAJOR, /* an alias block-major-* */
	T_NAMES,      /* named in list */
};

struct rule {
	struct class_rule c;
	const char *const *prefixes;
	enum test test;
	const char *const *list;
	const char *const *also; /* names taken as well, whatever the test */
};

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct rule rules[] = {
	{ { "ata", CLS_STORAGE, "kernel/drivers/ata/ with a pci, acpi or platform alias" },
	  L("kernel/drivers/ata/"), T_BUS, L("pci", "acpi", "platform"), NULL },
	{ { "nvme", CLS_STORAGE, "kernel/drivers/nvme/host/ with a pci alias" },
	  L("kernel/drivers/nvme/host/"), T_BUS, L("pci"), NULL },
	{ { "scsi-host", CLS_STORAGE,
	    "kernel/drivers/scsi/ or kernel/drivers/message/fusion/ with a pci, virtio, vmbus "
	    "or xen alias, allocating a SCSI host; not iSCSI, FCoE or Fibre Channel" },
	  L("kernel/drivers/scsi/", "kernel/drivers/message/fusion/"), T_SCSI_HOST,
	  L("pci", "virtio", "vmbus", "xen"), NULL },
	{ { "scsi-disk", CLS_STORAGE, "kernel/drivers/scsi/ with a block-major alias" },
	  L("kernel/drivers/scsi/"), T_BLOCK_MAJOR, NULL, NULL },
	{ { "block", CLS_STORAGE,
	    "kernel/drivers/block/ with a pci, virtio, xen or vmbus alias, and loop" },
	  L("kernel/drivers/block/"), T_BUS, L("pci", "virtio", "xen", "vmbus"), L("loop") },
	{ { "md", CLS_STORAGE, "kernel/drivers/md/: RAID, LVM and LUKS targets" },
	  L("kernel/drivers/md/"), T_NAMES,
	  L("md_mod", "linear", "raid0", "raid1", "raid10", "raid456", "dm_mod", "dm_crypt",
	    "dm_integrity", "dm_verity", "dm_raid", "dm_mirror", "dm_snapshot",
	    "dm_thin_pool"),
	  NULL },
	{ { "mmc", CLS_STORAGE,
	    "kernel/drivers/mmc/host/ with a pci, acpi, platform or usb alias" },
	  L("kernel/drivers/mmc/host/"), T_BUS, L("pci", "acpi", "platform", "usb"), NULL },
	{ { "mmc", CLS_STORAGE, "kernel/drivers/mmc/core/ with an mmc alias" },
	  L("kernel/drivers/mmc/core/"), T_BUS, L("mmc"), NULL },
	{ { "usb-storage", CLS_STORAGE, "kernel/drivers/usb/storage/" },
	  L("kernel/drivers/usb/storage/"), T_ANY, NULL, NULL },
	{ { "usb-host", CLS_STORAGE | CLS_KEYBOARD,
	    "kernel/drivers/usb/host/ with a pci, acpi, platform or of alias" },
	  L("kernel/drivers/usb/host/"), T_BUS, L("pci", "acpi", "platform", "of"), NULL },
	{ { "virtio", CLS_STORAGE,
	    "kernel/drivers/virtio/ with a pci, acpi, platform or of alias" },
	  L("kernel/drivers/virtio/"), T_BUS, L("pci", "acpi", "platform", "of"), NULL },
	{ { "fs", CLS_FS, "kernel/fs/: a filesystem the loader identifies, or a vfat code page" },
	  L("kernel/fs/"), T_NAMES,
	  L("ext4", "xfs", "btrfs", "f2fs", "vfat", "nls_cp437", "nls_iso8859_1", "nls_ascii",
	    "nls_utf8"),
	  NULL },
	{ { "hid", CLS_KEYBOARD, "kernel/drivers/hid/: the generic HID keyboard drivers" },
	  L("kernel/drivers/hid/"), T_NAMES, L("hid", "hid_generic", "usbhid"), NULL },
	{ { "serio", CLS_KEYBOARD, "kernel/drivers/input/: PS/2 and Hyper-V keyboards" },
	  L("kernel/drivers/input/"), T_NAMES,
	  L("atkbd", "i8042", "serio", "libps2", "hyperv_keyboard"), NULL },
	{ { "virtio-input", CLS_KEYBOARD, "kernel/drivers/virtio/: virtio keyboards" },
	  L("kernel/drivers/virtio/"), T_NAMES, L("virtio_input"), NULL },
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))

size_t sel_class_count(void)
{
	return NRULES;
}

const struct class_rule *sel_class_at(size_t i)
{
	return i < NRULES ? &rules[i].c : NULL;
}

static int listed(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (!strcmp(*list, name))
			return 1;
	return 0;
}

/* an alias's bus: "pci" of "pci:v...", "acpi" of "acpi*:PNP0700:*" */
static int alias_on_bus(const char *alias, const char *const *buses)
{
	const char *colon = strchr(alias, ':');
	size_t n;

	if (!colon)
		return 0;
	n = colon - alias;
	while (n && alias[n - 1] == '*')
		n--;
	for (; *buses; buses++)
		if (strlen(*buses) == n && !memcmp(*buses, alias, n))
			return 1;
	return 0;
}

static int has_alias(const struct mt_module *m, const char *const *buses, const char *prefix)
{
	for (size_t k = 0; k < m->mi.n; k++) {
		const char *v = m->mi.kv[k].value;

		if (strcmp(m->mi.kv[k].key, "alias"))
			continue;
		if (buses ? alias_on_bus(v, buses) : !strncmp(v, prefix, strlen(prefix)))
			return 1;
	}
	return 0;
}

/* a SCSI host adapter for local or virtual disks: allocates a host, imports nothing of
 * libiscsi, libfc or libfcoe (SAN over a network), and is no Fibre Channel HBA on PCI
 * (fc_attach_transport; hv_storvsc on vmbus uses it too, and is kept). 0 or 1;
 * -errno when the module cannot be read. */
static int scsi_host(const struct modtree *t, size_t idx)
{
	static const char *const san[] = { "iscsi_", "fc_lport_", "fc_exch_", "fcoe_" };
	static const char *const pci[] = { "pci", NULL };
	int on_pci = has_alias(&t->mods[idx], pci, NULL);
	uint8_t *data;
	size_t len;
	struct ko_elf e;
	struct mt_syms s;
	int r, host = 0;

	r = modtree_read_module(t, idx, &data, &len);
	if (r < 0)
		return r;
	r = ko_elf_open(&e, data, len);
	if (r == 0)
		r = mt_syms_read(&e, &s);
	if (r < 0) {
		free(data);
		return r;
	}
	for (size_t i = s.nexp; i < s.nexp + s.nund; i++) {
		const char *name = s.names + s.off[i];

		if (!strcmp(name, "scsi_host_alloc"))
			host = 1;
		if (on_pci && !strcmp(name, "fc_attach_transport")) {
			host = -1;
			goto out;
		}
		for (size_t k = 0; k < sizeof(san) / sizeof(san[0]); k++)
			if (!strncmp(name, san[k], strlen(san[k]))) {
				host = -1;
				goto out;
			}
	}
out:
	mt_syms_free(&s);
	free(data);
	return host > 0;
}

static int prefixed(const char *relpath, const char *const *prefixes)
{
	for (; *prefixes; prefixes++)
		if (!strncmp(relpath, *prefixes, strlen(*prefixes)))
			return 1;
	return 0;
}

static int matches(const struct modtree *t, size_t idx, const struct rule *r)
{
	const struct mt_module *m = &t->mods[idx];
	int v;

	if (!prefixed(m->relpath, r->prefixes))
		return 0;
	if (listed(r->also, m->name))
		return 1;
	switch (r->test) {
	case T_ANY:
		return 1;
	case T_BUS:
		return has_alias(m, r->list, NULL);
	case T_SCSI_HOST:
		if (!has_alias(m, r->list, NULL))
			return 0;
		v = scsi_host(t, idx);
		if (v < 0)
			die("%s/%s: %s", t->moddir, m->relpath,
			    v == -EBADMSG || v == -ENOEXEC ? "corrupt or truncated module file"
							   : strerror(-v));
		return v;
	case T_BLOCK_MAJOR:
		return has_alias(m, NULL, "block-major-");
	case T_NAMES:
		return listed(r->list, m->name);
	}
	return 0;
}

const struct class_rule *sel_class(struct selection *sel, size_t mod)
{
	const struct modtree *t = sel->s->tree;

	if (mod >= t->nmods)
		return NULL;
	if (sel->cls[mod] < 0) {
		sel->cls[mod] = 0;
		for (size_t i = 0; i < NRULES; i++)
			if (matches(t, mod, &rules[i])) {
				sel->cls[mod] = i + 1;
				break;
			}
	}
	return sel->cls[mod] ? &rules[sel->cls[mod] - 1].c : NULL;
}

void select_generic(struct selection *sel)
{
	const struct modtree *t = sel->s->tree;

	for (size_t i = 0; i < t->nmods; i++) {
		const struct class_rule *c = sel_class(sel, i);
		char *reason;
		int r;

		if (!c)
			continue;
		if (res_blacklisted(&sel->s->blob, NULL, t->mods[i].name)) {
			sel_skip(sel, i, "generic class %s, but blacklisted in modprobe.d",
				 c->name);
			if (sel->s->opt->verbose)
				fprintf(stderr, "mkinitfs: %s: blacklisted, left out\n",
					t->mods[i].name);
			continue;
		}
		xasprintf(&reason, "generic class %s (%s)", c->name, c->rule);
		r = sel_pick(sel, t->mods[i].name, 0, reason, WHY_DIRECT, SIZE_MAX);
		free(reason);
		if (r < 0)
			die("module %s: %s", t->mods[i].name, strerror(-r));
	}
}
