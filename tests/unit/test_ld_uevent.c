/* SPDX-License-Identifier: MIT */
/* test_ld_uevent.c: parsing kernel uevent messages (loader/uevent.c). */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "uevent.h"

#define MSG(s) s, sizeof(s)

int main(void)
{
	static const char part[] =
		"add@/devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda1\0"
		"ACTION=add\0"
		"DEVPATH=/devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda1\0"
		"SUBSYSTEM=block\0MAJOR=254\0MINOR=1\0DEVNAME=vda1\0DEVTYPE=partition\0"
		"PARTN=1\0SEQNUM=1234";
	static const char pci[] =
		"add@/devices/pci0000:00/0000:00:04.0\0ACTION=add\0"
		"DEVPATH=/devices/pci0000:00/0000:00:04.0\0SUBSYSTEM=pci\0"
		"MODALIAS=pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00\0"
		"SEQNUM=99";
	static const char bad_num[] = "add@/x\0ACTION=add\0MAJOR=99999999999999999999\0"
				      "MINOR=12a\0SEQNUM=18446744073709551615";
	struct uevent ev;
	char buf[64];

	is_int(uevent_parse(MSG(part), &ev), 0, "a partition's add event");
	is_str(ev.action, "add", "action");
	is_str(ev.devpath, "/devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda1",
	       "devpath");
	is_str(ev.subsystem, "block", "subsystem");
	is_str(ev.devtype, "partition", "devtype");
	is_str(ev.devname, "vda1", "devname");
	is_str(ev.modalias, "", "no modalias");
	ok(ev.major == 254 && ev.minor == 1, "major:minor");
	is_int(ev.seqnum, 1234, "seqnum");
	ok(ev.action > part && ev.action < part + sizeof(part),
	   "fields point into the message");
	ok(uevent_is(&ev, "add", "block") && uevent_is(&ev, "add", NULL) &&
		   !uevent_is(&ev, "remove", "block") && !uevent_is(&ev, "add", "net"),
	   "uevent_is");

	is_int(uevent_parse(MSG(pci), &ev), 0, "a PCI device's event");
	is_str(ev.modalias, "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00",
	       "modalias");
	is_str(ev.devname, "", "no devname");
	ok(ev.major == 0 && ev.minor == 0, "no numbers");

	is_int(uevent_parse(MSG(bad_num), &ev), 0, "bad numbers do not refuse the event");
	ok(ev.major == 0 && ev.minor == 0, "but are not taken");
	ok(ev.seqnum == 18446744073709551615ull, "the largest seqnum");

	is_int(uevent_parse(MSG("libudev\0\xfe\xed\xca\xfe\0\0\0"), &ev), -EINVAL,
	       "udev's re-broadcasts are refused");
	is_int(uevent_parse(part, sizeof(part) - 1, &ev), -EINVAL,
	       "a message not ended by NUL is refused");
	is_int(uevent_parse(MSG("add /devices/x\0ACTION=add"), &ev), -EINVAL, "no '@'");
	is_int(uevent_parse(MSG("@/devices/x\0ACTION=add"), &ev), -EINVAL,
	       "no action before '@'");
	is_int(uevent_parse(MSG("add@/devices/x\0SUBSYSTEM=block"), &ev), -EINVAL,
	       "no ACTION= pair");
	is_int(uevent_parse("", 0, &ev), -EINVAL, "empty");
	is_int(uevent_parse(MSG("add@/devices/x\0ACTION=add\0\0\0SUBSYSTEM=block"), &ev),
	       0, "empty pairs are skipped");
	is_str(ev.subsystem, "block", "the pair after them counts");
	is_str(ev.devpath, "/devices/x", "devpath from the header when no DEVPATH=");
	/* every truncation of a real message: refused or parsed, never read past */
	{
		int bad = 0;

		for (size_t n = 1; n <= sizeof(part); n++) {
			char copy[sizeof(part)];

			memcpy(copy, part, n);
			if (uevent_parse(copy, n, &ev) == 0 &&
			    (ev.action < copy || ev.action >= copy + n))
				bad++;
		}
		is_int(bad, 0, "truncated messages stay inside their buffer");
	}
	memset(buf, 'A', sizeof(buf));
	buf[3] = '@';
	buf[sizeof(buf) - 1] = 0;
	is_int(uevent_parse(buf, sizeof(buf), &ev), -EINVAL, "one long header, no pairs");
	return done_testing();
}
