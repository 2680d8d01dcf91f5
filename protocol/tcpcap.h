/* Real TCP segments of one connection, captured with libpcap.
 *
 * Capture needs root or CAP_NET_RAW; without it tcpcap_open fails with the
 * reason and the engine falls back to the socket's TCP_INFO state (and says
 * so).  Numbers shown always come from captured packets, never invented. */
#ifndef HTTPSVIZ_TCPCAP_H
#define HTTPSVIZ_TCPCAP_H

#include <stddef.h>
#include <stdint.h>

#include "protocol/event.h"

struct tcpcap;

/* One decoded TCP segment; offsets are into the captured packet bytes. */
struct tcpseg {
	const uint8_t *pkt;  /* the whole captured packet (link header onwards) */
	size_t pkt_len;
	size_t ip_off;       /* where the IP header starts */
	size_t tcp_off;      /* where the TCP header starts */
	size_t tcp_hlen;
	size_t payload_len;
	uint32_t src_ip, dst_ip; /* IPv4, network order */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t window;
	int wscale;          /* the window scale option's shift, or -1 */
};

/* the header's flag bits (the same as the event's tcp fact) */
#define TCPF_FIN TCP_FLAG_FIN
#define TCPF_SYN TCP_FLAG_SYN
#define TCPF_RST TCP_FLAG_RST
#define TCPF_PSH TCP_FLAG_PSH
#define TCPF_ACK TCP_FLAG_ACK

/* Start capturing TCP segments to or from local port `port` on interface
 * `dev` ("lo" for the embedded exchange, "any" for a remote server).
 * dump_file, if not NULL, receives every captured packet in pcap format
 * (created 0600 with safefile_create).  Returns NULL with the reason in err.  The kernel capture behind it is
 * opened once per device and kept for the process (closing it takes tens
 * of milliseconds): later opens only change its filter to the new port. */
struct tcpcap *tcpcap_open(const char *dev, uint16_t port, const char *dump_file,
			   char *err, size_t errlen);
/* Call fn for every segment captured so far, waiting up to wait_ms for at
 * least `want` segments in total (0 = do not wait).  Returns the number of
 * segments delivered by this call, or -1 on a capture error. */
int tcpcap_drain(struct tcpcap *cap, int want, int wait_ms,
		 void (*fn)(void *arg, const struct tcpseg *seg), void *arg);
/* Segments seen since open. */
int tcpcap_count(const struct tcpcap *cap);
/* Stop capturing, flushing the dump file; the kept handle is not closed
 * (that happens at exit). */
void tcpcap_close(struct tcpcap *cap);
/* Open the kept capture on dev now (while a learner reads the first frame)
 * so the first exchange does not wait for it.  0, or -1 with the reason. */
int tcpcap_prepare(const char *dev, char *err, size_t errlen);
/* How many kernel captures this process has opened (one per device used,
 * however many exchanges). */
int tcpcap_handles_opened(void);

/* Decode a captured packet of link type `linktype` into seg.  Returns 0, or
 * -1 when it is not a complete IPv4 TCP segment.  Bounds-checked: the
 * packet is untrusted. */
int tcpcap_decode(int linktype, const uint8_t *pkt, size_t len, struct tcpseg *seg);
/* Append a tcp.* event for a segment (raw = the IP packet): fields seq, ack,
 * flags, window and the options, with byte ranges into the raw bytes, and
 * the event's tcp fact (seq, ack, flags, window, scale).
 * scale is the shift that applies to this segment's window (RFC 7323: the
 * one its sender announced in its SYN, when both SYNs carried the option;
 * never in a SYN itself), or -1 when the window is not scaled. */
struct event *tcpcap_event(struct evlog *log, enum evname name, enum direction dir,
			   const struct tcpseg *seg, int scale);
/* "SYN", "SYN,ACK", "FIN,ACK" ... into buf. */
void tcpcap_flags_str(uint8_t flags, char *buf, size_t n);

#endif
