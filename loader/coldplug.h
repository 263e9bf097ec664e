/* SPDX-License-Identifier: MIT */
/* coldplug.h: loading the drivers of the devices the kernel has (coldplug) and of
 * those it announces later (hotplug), by MODALIAS, as udev's kmod builtin does.
 *
 * Coldplug walks /sys/devices (real directories only, no links, at most
 * CP_MAX_DEPTH deep) and takes each device's "modalias" file, or MODALIAS= from
 * its "uevent" file when it has none (some devices announce it only there).
 * Hotplug takes MODALIAS= from every "add" uevent (udev's 80-drivers.rules load on
 * add only). Each modalias is loaded as `modprobe -b -q MODALIAS` would: config
 * aliases, modules.alias, built-in aliases, first source wins, the blacklist and
 * modprobe.blacklist= applied to every hit, "no module" no error. A modalias is
 * resolved once: a hash of those seen (CP_HASH entries; when it is full they are
 * resolved again, which costs time only: EEXIST is harmless). The first CP_MISS
 * modaliases that no module in the image serves are kept, for cp_report().
 *
 * Settling, without idle timeouts: the kernel numbers its uevents (SEQNUM=,
 * /sys/kernel/uevent_seqnum). A walk covers the events numbered up to the value
 * read before it (their devices are in sysfs by then); the loads it makes add
 * events, numbered up to the value read after it. Coldplug has settled once the
 * events up to that value were handled and the kernel has numbered none since
 * (loads are synchronous, so none is in flight then): "coldplug settled at N ms: X
 * devices, Y modules loaded" in the debug log, X counting distinct modaliases.
 *
 * earlymod.coldplug=0 (or off, n, false) on the kernel command line turns coldplug
 * and hotplug off: only the modules the image lists are loaded. */
#ifndef EARLYMOD_COLDPLUG_H
#define EARLYMOD_COLDPLUG_H

#include "load.h"
#include "uevent.h"

#define CP_MAX_DEPTH 32
#define CP_HASH 4096
#define CP_MISS 64

/* a fresh start with ld (its cmdline gives earlymod.coldplug=) */
void cp_init(struct loader *ld);
/* walks /sys/devices; again after lost uevents (-ENOBUFS) */
void cp_scan(void);
/* every uevent the loader receives */
void cp_uevent(const struct uevent *ev);
/* for the "root never appeared" diagnostic: the modaliases without a module in
 * the image, one log line each, after a header; nothing when there are none */
void cp_report(void);

#endif
