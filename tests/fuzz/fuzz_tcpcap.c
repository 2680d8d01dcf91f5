/* libFuzzer target: every input is a captured packet behind each link
 * header the decoder knows.  Beyond ASan/UBSan it checks the decoder's own
 * promises: a decoded segment lies inside the packet, and every field of
 * its event names bytes inside the event's raw bytes. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdlib.h>

#include "protocol/tcpcap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* see libFuzzer */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int links[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_NULL, DLT_RAW};
	struct evlog log;

	evlog_init(&log);
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
		struct tcpseg s;
		struct event *ev;

		if (tcpcap_decode(links[i], data, size, &s) < 0)
			continue;
		if (s.tcp_off + s.tcp_hlen + s.payload_len > size || s.wscale > 14 || s.wscale < -1)
			abort();
		ev = tcpcap_event(&log, EV_TCP_ACK, DIR_C2S, &s, size > 0 ? data[size - 1] % 16 - 1 : -1);
		if (ev == NULL)
			continue;
		for (size_t f = 0; f < ev->nfields; f++)
			if (ev->fields[f].offset > ev->raw_len ||
			    ev->fields[f].length > ev->raw_len - ev->fields[f].offset)
				abort();
	}
	evlog_clear(&log);
	return 0;
}
