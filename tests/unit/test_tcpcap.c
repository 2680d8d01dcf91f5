/* The TCP segment decoder and its events: fields at the right bytes, the
 * options, window scaling as RFC 7323 has it, and every truncated or
 * inconsistent packet refused (the capture is untrusted input).  The
 * packets are built here, field by field, so each test says what it sends. */
#include "tests/unit/testutil.h"

#include <pcap/pcap.h>
#include <stdlib.h>

#include "protocol/tcpcap.h"

struct pkt {
	uint8_t b[128];
	size_t len;
};

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* An Ethernet + IPv4 + TCP packet 127.0.0.1:sport -> 127.0.0.2:dport with
 * these TCP options (a multiple of 4 bytes) and payload length. */
static void build(struct pkt *k, uint16_t sport, uint16_t dport, uint8_t flags, uint16_t win,
		  const uint8_t *opt, size_t optlen, size_t payload)
{
	uint8_t *ip = k->b + 14;
	uint8_t *tcp = ip + 20;
	size_t total = 20 + 20 + optlen + payload;

	memset(k, 0, sizeof *k);
	put16(k->b + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (unsigned)total);
	ip[8] = 64;
	ip[9] = 6;
	put32(ip + 12, 0x7f000001);
	put32(ip + 16, 0x7f000002);
	put16(tcp, sport);
	put16(tcp + 2, dport);
	put32(tcp + 4, 1000000000u);
	put32(tcp + 8, 2000000000u);
	tcp[12] = (uint8_t)(((20 + optlen) / 4) << 4);
	tcp[13] = flags;
	put16(tcp + 14, win);
	if (optlen > 0)
		memcpy(tcp + 20, opt, optlen);
	memset(tcp + 20 + optlen, 'x', payload);
	k->len = 14 + total;
}

/* A SYN's options as Linux sends them: MSS, SACK permitted, timestamps,
 * NOP, window scale. */
static const uint8_t syn_opts[] = {2, 4, 0xff, 0xd7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 3, 3, 7};

static const struct field *field(const struct event *ev, const char *name)
{
	const struct field *f = event_find_field(ev, name);

	if (f == NULL)
		print_error("no field %s\n", name);
	assert_non_null(f);
	return f;
}

static void test_decode_syn(void **state)
{
	struct pkt k;
	struct tcpseg s;

	(void)state;
	build(&k, 40000, 443, TCPF_SYN, 65495, syn_opts, sizeof syn_opts, 0);
	assert_int_equal(tcpcap_decode(DLT_EN10MB, k.b, k.len, &s), 0);
	assert_int_equal(s.ip_off, 14);
	assert_int_equal(s.tcp_off, 34);
	assert_int_equal(s.tcp_hlen, 40);
	assert_int_equal(s.payload_len, 0);
	assert_int_equal(s.sport, 40000);
	assert_int_equal(s.dport, 443);
	assert_int_equal(s.seq, 1000000000u);
	assert_int_equal(s.ack, 2000000000u);
	assert_int_equal(s.flags, TCPF_SYN);
	assert_int_equal(s.window, 65495);
	assert_int_equal(s.wscale, 7);
}

static void test_wscale_option(void **state)
{
	static const uint8_t none[] = {2, 4, 0x05, 0xb4};
	static const uint8_t big[] = {1, 3, 3, 20};     /* shift capped at 14 */
	static const uint8_t bad_len[] = {3, 9, 3, 7};  /* runs past the options */
	static const uint8_t after_eol[] = {0, 3, 3, 7}; /* end of option list first */
	struct pkt k;
	struct tcpseg s;

	(void)state;
	build(&k, 1, 2, TCPF_SYN, 100, none, sizeof none, 0);
	assert_int_equal(tcpcap_decode(DLT_EN10MB, k.b, k.len, &s), 0);
	assert_int_equal(s.wscale, -1);
	build(&k, 1, 2, TCPF_SYN, 100, big, sizeof big, 0);
	assert_int_equal(tcpcap_decode(DLT_EN10MB, k.b, k.len, &s), 0);
	assert_int_equal(s.wscale, 14);
	build(&k, 1, 2, TCPF_SYN, 100, bad_len, sizeof bad_len, 0);
	assert_int_equal(tcpcap_decode(DLT_EN10MB, k.b, k.len, &s), 0);
	assert_int_equal(s.wscale, -1);
	build(&k, 1, 2, TCPF_SYN, 100, after_eol, sizeof after_eol, 0);
	assert_int_equal(tcpcap_decode(DLT_EN10MB, k.b, k.len, &s), 0);
	assert_int_equal(s.wscale, -1);
}

/* Each field names the bytes it came from, inside the event's raw bytes
 * (the IP packet). */
static void test_event_fields(void **state)
{
	struct evlog log;
	struct pkt k;
	struct tcpseg s;
	struct event *ev;
	const struct field *f;

	(void)state;
	evlog_init(&log);
	build(&k, 40000, 443, TCPF_SYN, 65495, syn_opts, sizeof syn_opts, 0);
	assert_int_equal(tcpcap_decode(DLT_EN10MB, k.b, k.len, &s), 0);
	ev = tcpcap_event(&log, EV_TCP_SYN, DIR_C2S, &s, 7);
	assert_non_null(ev);
	assert_int_equal(ev->actor, ACTOR_KERNEL);
	assert_int_equal(ev->raw_len, 60);
	tu_assert_bytes(ev->raw, k.b + 14, 60, "raw = the IP packet");
	assert_string_equal(ev->summary, "[SYN] seq=1000000000 ack=0 win=65495 (captured)");
	f = field(ev, "seq");
	assert_int_equal(f->offset, 24);
	assert_int_equal(f->length, 4);
	assert_string_equal(f->value, "1000000000");
	assert_non_null(strstr(field(ev, "ack")->value, "not used"));
	/* the typed fact: the header's numbers as they are on the wire */
	assert_true(ev->tcp.captured);
	assert_int_equal(ev->tcp.seq, 1000000000u);
	assert_int_equal(ev->tcp.flags, TCP_FLAG_SYN);
	assert_int_equal(ev->tcp.flags, ev->raw[33]);
	assert_int_equal(ev->tcp.window, 65495);
	assert_int_equal(ev->tcp.scale, -1); /* a SYN is never scaled */
	f = field(ev, "window");
	assert_int_equal(f->offset, 34);
	/* a SYN's window is never scaled, whatever the caller says */
	assert_string_equal(f->value, "65495 bytes (the window in a SYN is never scaled)");
	assert_string_equal(field(ev, "mss")->value, "65495");
	assert_string_equal(field(ev, "sack_permitted")->value, "yes");
	assert_string_equal(field(ev, "timestamps")->value, "TSval 1 TSecr 2");
	f = field(ev, "window_scale");
	assert_string_equal(f->value, "7 (window x 128)");
	assert_int_equal(f->offset, 57);
	assert_int_equal(f->length, 3);
	assert_int_equal(ev->raw[f->offset], 3);
	assert_string_equal(field(ev, "source")->value, "127.0.0.1:40000");
	assert_string_equal(field(ev, "destination")->value, "127.0.0.2:443");
	for (size_t i = 0; i < ev->nfields; i++)
		assert_true(ev->fields[i].offset + ev->fields[i].length <= ev->raw_len);
	evlog_clear(&log);
}

static void test_event_scaled_window(void **state)
{
	struct evlog log;
	struct pkt k;
	struct tcpseg s;
	struct event *ev;

	(void)state;
	evlog_init(&log);
	build(&k, 443, 40000, TCPF_FIN | TCPF_ACK, 512, NULL, 0, 0);
	assert_int_equal(tcpcap_decode(DLT_EN10MB, k.b, k.len, &s), 0);
	ev = tcpcap_event(&log, EV_TCP_FIN, DIR_S2C, &s, 7);
	assert_non_null(ev);
	assert_string_equal(ev->summary, "[FIN,ACK] seq=1000000000 ack=2000000000 win=65536 (captured)");
	assert_string_equal(field(ev, "window")->value,
			    "512 x 128 = 65536 bytes (window scale 7, announced in this side's SYN)");
	assert_int_equal(ev->tcp.flags, TCP_FLAG_FIN | TCP_FLAG_ACK);
	assert_int_equal(ev->tcp.seq, 1000000000u);
	assert_int_equal(ev->tcp.ack, 2000000000u);
	assert_int_equal(ev->tcp.window, 512);
	assert_int_equal(ev->tcp.scale, 7);
	assert_null(event_find_field(ev, "options"));
	/* no agreed scaling: the field is the window itself */
	ev = tcpcap_event(&log, EV_TCP_FIN, DIR_S2C, &s, -1);
	assert_string_equal(field(ev, "window")->value, "512 bytes");
	assert_int_equal(ev->tcp.scale, -1);
	assert_non_null(strstr(ev->summary, "win=512 "));
	evlog_clear(&log);
}

static void test_payload_and_linktypes(void **state)
{
	struct pkt k;
	struct tcpseg s;
	uint8_t sll[160];
	uint8_t null4[160];

	(void)state;
	build(&k, 1, 2, TCPF_ACK | TCPF_PSH, 10, NULL, 0, 30);
	assert_int_equal(tcpcap_decode(DLT_EN10MB, k.b, k.len, &s), 0);
	assert_int_equal(s.payload_len, 30);
	/* the same IP packet behind each supported link header */
	assert_int_equal(tcpcap_decode(DLT_RAW, k.b + 14, k.len - 14, &s), 0);
	assert_int_equal(s.ip_off, 0);
	assert_int_equal(s.payload_len, 30);
	memset(sll, 0, sizeof sll);
	put16(sll + 14, 0x0800);
	memcpy(sll + 16, k.b + 14, k.len - 14);
	assert_int_equal(tcpcap_decode(DLT_LINUX_SLL, sll, k.len + 2, &s), 0);
	assert_int_equal(s.tcp_off, 36);
	memset(null4, 0, sizeof null4);
	memcpy(null4 + 4, k.b + 14, k.len - 14);
	assert_int_equal(tcpcap_decode(DLT_NULL, null4, k.len - 10, &s), 0);
	assert_int_equal(s.sport, 1);
	/* an unknown link type is refused, not guessed */
	assert_int_equal(tcpcap_decode(12345, k.b, k.len, &s), -1);
}

/* Every prefix of a packet is refused or decoded within its bounds, and
 * each inconsistent header is refused. */
static void test_malformed(void **state)
{
	struct pkt k;
	struct tcpseg s;
	uint8_t *ip;

	(void)state;
	build(&k, 40000, 443, TCPF_SYN, 65495, syn_opts, sizeof syn_opts, 0);
	for (size_t n = 0; n < k.len; n++) {
		uint8_t *copy = malloc(n + 1); /* exactly n bytes readable for ASan */

		assert_non_null(copy);
		memcpy(copy, k.b, n);
		assert_int_equal(tcpcap_decode(DLT_EN10MB, copy, n, &s), -1);
		free(copy);
	}
	ip = k.b + 14;
	build(&k, 1, 2, TCPF_SYN, 1, syn_opts, sizeof syn_opts, 0);
	k.b[12] = 0x86; /* IPv6 ethertype */
	k.b[13] = 0xdd;
	assert_int_equal(tcpcap_decode(DLT_EN10MB, k.b, k.len, &s), -1);
	build(&k, 1, 2, TCPF_SYN, 1, syn_opts, sizeof syn_opts, 0);
	ip[0] = 0x65; /* version 6 */
	assert_int_equal(tcpcap_decode(DLT_EN10MB, k.b, k.len, &s), -1);
	build(&k, 1, 2, TCPF_SYN, 1, syn_opts, sizeof syn_opts, 0);
	ip[0] = 0x44; /* IHL 16 bytes */
	assert_int_equal(tcpcap_decode(DLT_EN10MB, k.b, k.len, &s), -1);
	build(&k, 1, 2, TCPF_SYN, 1, syn_opts, sizeof syn_opts, 0);
	ip[9] = 17; /* UDP */
	assert_int_equal(tcpcap_decode(DLT_EN10MB, k.b, k.len, &s), -1);
	build(&k, 1, 2, TCPF_SYN, 1, syn_opts, sizeof syn_opts, 0);
	put16(ip + 2, 200); /* total length past the captured bytes */
	assert_int_equal(tcpcap_decode(DLT_EN10MB, k.b, k.len, &s), -1);
	build(&k, 1, 2, TCPF_SYN, 1, syn_opts, sizeof syn_opts, 0);
	ip[20 + 12] = 0x40; /* TCP header 16 bytes */
	assert_int_equal(tcpcap_decode(DLT_EN10MB, k.b, k.len, &s), -1);
	build(&k, 1, 2, TCPF_SYN, 1, syn_opts, sizeof syn_opts, 0);
	ip[20 + 12] = 0xf0; /* TCP header 60 bytes, more than the IP packet holds */
	assert_int_equal(tcpcap_decode(DLT_EN10MB, k.b, k.len, &s), -1);
}

static void test_flags_str(void **state)
{
	char buf[32];

	(void)state;
	tcpcap_flags_str(TCPF_SYN | TCPF_ACK, buf, sizeof buf);
	assert_string_equal(buf, "SYN,ACK");
	tcpcap_flags_str(0, buf, sizeof buf);
	assert_string_equal(buf, "");
	tcpcap_flags_str(0xff, buf, 5); /* cut, still terminated */
	assert_true(strlen(buf) < 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_syn),	     cmocka_unit_test(test_wscale_option),
		cmocka_unit_test(test_event_fields),	     cmocka_unit_test(test_event_scaled_window),
		cmocka_unit_test(test_payload_and_linktypes), cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_flags_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
