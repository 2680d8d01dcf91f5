#include "protocol/tcpcap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "protocol/safefile.h"
/* One live capture handle, kept open for the life of the process: opening
 * one (the kernel sets up its ring buffer) costs about 9 ms and closing it
 * about 22 ms, so an exchange borrows a kept handle and only changes its
 * filter.  A small pool, one per device in use ("lo", "any"). */
struct handle {
	char dev[16];
	pcap_t *p;
	int linktype;
	int in_use;
};

#define POOL_SIZE 2
static struct handle pool[POOL_SIZE];
static int opened; /* handles activated in this process (tcpcap_handles_opened) */

struct tcpcap {
	struct handle *h;
	pcap_dumper_t *dump;
	uint16_t port;
	int count;
};

/* Discard whatever the handle holds now (segments of an earlier exchange). */
static void discard_pending(pcap_t *p)
{
	static const u_char *dummy;
	struct pcap_pkthdr *hdr;
	int budget = 100000;

	while (budget-- > 0 && pcap_next_ex(p, &hdr, &dummy) == 1)
		;
}

/* Point a handle's kernel filter at one TCP port. */
static int set_port_filter(pcap_t *p, unsigned port, char *err, size_t errlen)
{
	char filter[64];
	struct bpf_program prog;
	int rc;

	snprintf(filter, sizeof filter, "tcp port %u", port);
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "pcap filter: %s", pcap_geterr(p));
		return -1;
	}
	rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc < 0) {
		snprintf(err, errlen, "pcap: %s", pcap_geterr(p));
		return -1;
	}
	return 0;
}

/* Hand the kernel's side of the kept captures to a child process that
 * lets go of them once this process has exited: taking a capture down (the
 * ring buffer, an RCU grace period) costs 20-30 ms, which quitting should not
 * wait for.  The child keeps nothing else (not the terminal, not a pipe a
 * reader waits on) and only waits for our end of a pipe to close. */
static void teardown_elsewhere(void)
{
	int keep[POOL_SIZE];
	int n = 0;
	int pfd[2];
	pid_t pid;

	for (int i = 0; i < POOL_SIZE; i++)
		if (pool[i].p != NULL && !pool[i].in_use && pcap_fileno(pool[i].p) >= 0)
			keep[n++] = pcap_fileno(pool[i].p);
	if (n == 0 || pipe2(pfd, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		char c;

		/* only async-signal-safe calls here: we were forked at exit */
		for (int fd = 0; fd < 1024; fd++) {
			int kept = fd == pfd[0];

			for (int i = 0; i < n; i++)
				kept |= fd == keep[i];
			if (!kept)
				close(fd);
		}
		while (read(pfd[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(pfd[0]);
	if (pid < 0)
		close(pfd[1]);
	/* else pfd[1] stays open until this process is gone */
}

/* Close every kept handle (at exit: after the terminal is restored); the
 * kernel's teardown happens in a child, so the exit does not wait for it. */
static void pool_close_all(void)
{
	teardown_elsewhere();
	for (int i = 0; i < POOL_SIZE; i++) {
		if (pool[i].p != NULL && !pool[i].in_use)
			pcap_close(pool[i].p);
		if (!pool[i].in_use)
			memset(&pool[i], 0, sizeof pool[i]);
	}
}

/* A free kept handle on dev, opening one (and keeping it when a slot is
 * free) when there is none.  NULL with the reason in err. */
static struct handle *handle_get(const char *dev, char *err, size_t errlen)
{
	static int exit_hook;
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct handle fresh = {0};
	struct handle *slot = NULL;
	int rc;

	for (int i = 0; i < POOL_SIZE; i++) {
		if (pool[i].p != NULL && !pool[i].in_use && strcmp(pool[i].dev, dev) == 0) {
			pool[i].in_use = 1;
			return &pool[i];
		}
		if (pool[i].p == NULL && slot == NULL)
			slot = &pool[i];
	}
	if (slot == NULL) {
		snprintf(err, errlen, "pcap: every capture handle is in use");
		return NULL;
	}
	snprintf(fresh.dev, sizeof fresh.dev, "%s", dev);
	fresh.p = pcap_create(dev, ebuf);
	if (fresh.p == NULL) {
		snprintf(err, errlen, "pcap: %s", ebuf);
		return NULL;
	}
	pcap_set_snaplen(fresh.p, 65535);
	pcap_set_immediate_mode(fresh.p, 1);
	pcap_set_timeout(fresh.p, 10);
	rc = pcap_activate(fresh.p);
	if (rc < 0) {
		snprintf(err, errlen, "packet capture not permitted (%s)", pcap_geterr(fresh.p));
		goto fail;
	}
	/* nothing passes until an exchange names its port */
	if (set_port_filter(fresh.p, 0, err, errlen) < 0)
		goto fail;
	if (pcap_setnonblock(fresh.p, 1, ebuf) < 0) {
		snprintf(err, errlen, "pcap: %s", ebuf);
		goto fail;
	}
	fresh.linktype = pcap_datalink(fresh.p);
	fresh.in_use = 1;
	opened++;
	*slot = fresh;
	if (!exit_hook && atexit(pool_close_all) == 0)
		exit_hook = 1;
	return slot;
fail:
	pcap_close(fresh.p);
	return NULL;
}

/* see tcpcap.h */
int tcpcap_prepare(const char *dev, char *err, size_t errlen)
{
	struct handle *h = handle_get(dev, err, errlen);

	if (h == NULL)
		return -1;
	h->in_use = 0;
	return 0;
}

/* see tcpcap.h */
int tcpcap_handles_opened(void)
{
	return opened;
}

/* see tcpcap.h */
struct tcpcap *tcpcap_open(const char *dev, uint16_t port, const char *dump_file,
			   char *err, size_t errlen)
{
	struct tcpcap *cap = calloc(1, sizeof *cap);

	if (cap == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	cap->port = port;
	cap->h = handle_get(dev, err, errlen);
	if (cap->h == NULL)
		goto fail;
	if (set_port_filter(cap->h->p, port, err, errlen) < 0)
		goto fail;
	/* the connection is not made yet: whatever is queued is older */
	discard_pending(cap->h->p);
	if (dump_file != NULL) {
		/* 0600 and never through a planted link: packets hold the session */
		int fd = safefile_create(dump_file, 0600, err, errlen);
		FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;

		if (f == NULL) {
			if (fd >= 0) {
				snprintf(err, errlen, "cannot write it: %s", strerror(errno));
				close(fd);
			}
			goto fail;
		}
		cap->dump = pcap_dump_fopen(cap->h->p, f);
		if (cap->dump == NULL) {
			snprintf(err, errlen, "cannot write it: %s", pcap_geterr(cap->h->p));
			fclose(f);
			goto fail;
		}
	}
	return cap;
fail:
	tcpcap_close(cap);
	return NULL;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The next TCP option at or after *pos among len option bytes, NOPs
 * skipped: returns its kind, with its offset in *at and length in *olen,
 * and moves *pos past it; -1 at the end of the list or at an option that
 * would run past it (bounds-checked: the packet is untrusted). */
static int next_option(const uint8_t *opt, size_t len, size_t *pos, size_t *at, uint8_t *olen)
{
	size_t i = *pos;

	while (i < len && opt[i] == 1)
		i++;
	if (i >= len || opt[i] == 0 || i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
		return -1;
	*at = i;
	*olen = opt[i + 1];
	*pos = i + *olen;
	return opt[i];
}

/* The window scale option's shift among these TCP options, or -1. */
static int find_wscale(const uint8_t *opt, size_t len)
{
	size_t pos = 0, at;
	uint8_t olen;
	int kind;

	while ((kind = next_option(opt, len, &pos, &at, &olen)) >= 0)
		if (kind == 3 && olen == 3)
			return opt[at + 2] > 14 ? 14 : opt[at + 2]; /* RFC 7323 2.3 */
	return -1;
}

/* see tcpcap.h */
int tcpcap_decode(int linktype, const uint8_t *pkt, size_t len, struct tcpseg *seg)
{
	size_t ip;
	size_t ihl;
	size_t total;

	memset(seg, 0, sizeof *seg);
	switch (linktype) {
	case DLT_EN10MB:
		if (len < 14 || get16(pkt + 12) != 0x0800)
			return -1;
		ip = 14;
		break;
	case DLT_LINUX_SLL:
		if (len < 16 || get16(pkt + 14) != 0x0800)
			return -1;
		ip = 16;
		break;
	case DLT_NULL:
		ip = 4;
		break;
	case DLT_RAW:
		ip = 0;
		break;
	default:
		return -1;
	}
	if (len < ip + 20 || (pkt[ip] >> 4) != 4)
		return -1;
	ihl = (size_t)(pkt[ip] & 0x0f) * 4;
	total = get16(pkt + ip + 2);
	if (ihl < 20 || pkt[ip + 9] != 6 || total < ihl + 20 || len < ip + total)
		return -1;
	seg->pkt = pkt;
	seg->pkt_len = len;
	seg->ip_off = ip;
	seg->tcp_off = ip + ihl;
	memcpy(&seg->src_ip, pkt + ip + 12, 4);
	memcpy(&seg->dst_ip, pkt + ip + 16, 4);
	seg->sport = get16(pkt + seg->tcp_off);
	seg->dport = get16(pkt + seg->tcp_off + 2);
	seg->seq = get32(pkt + seg->tcp_off + 4);
	seg->ack = get32(pkt + seg->tcp_off + 8);
	seg->tcp_hlen = (size_t)(pkt[seg->tcp_off + 12] >> 4) * 4;
	seg->flags = pkt[seg->tcp_off + 13];
	seg->window = get16(pkt + seg->tcp_off + 14);
	if (seg->tcp_hlen < 20 || ihl + seg->tcp_hlen > total)
		return -1;
	seg->payload_len = total - ihl - seg->tcp_hlen;
	seg->wscale = find_wscale(pkt + seg->tcp_off + 20, seg->tcp_hlen - 20);
	return 0;
}

struct drain_ctx {
	struct tcpcap *cap;
	void (*fn)(void *arg, const struct tcpseg *seg);
	void *arg;
	int n;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct drain_ctx *d = (struct drain_ctx *)user;
	struct tcpseg seg;
	int ok = tcpcap_decode(d->cap->h->linktype, bytes, h->caplen, &seg) == 0;

	/* a kept handle changed filters: a late segment of an earlier
	 * exchange is not this one's */
	if (ok && seg.sport != d->cap->port && seg.dport != d->cap->port)
		return;
	if (d->cap->dump != NULL)
		pcap_dump((u_char *)d->cap->dump, h, bytes);
	d->cap->count++;
	d->n++;
	if (ok && d->fn != NULL)
		d->fn(d->arg, &seg);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* see tcpcap.h */
int tcpcap_drain(struct tcpcap *cap, int want, int wait_ms,
		 void (*fn)(void *arg, const struct tcpseg *seg), void *arg)
{
	struct drain_ctx d = {cap, fn, arg, 0};
	long deadline = now_ms() + wait_ms;
	int fd = pcap_get_selectable_fd(cap->h->p);

	for (;;) {
		int rc = pcap_dispatch(cap->h->p, -1, on_packet, (u_char *)&d);
		long left;
		struct pollfd pfd = {fd, POLLIN, 0};

		if (rc < 0)
			return -1;
		left = deadline - now_ms();
		if (cap->count >= want || left <= 0)
			break;
		if (fd >= 0)
			poll(&pfd, 1, (int)(left < 10 ? left : 10));
	}
	if (cap->dump != NULL)
		pcap_dump_flush(cap->dump);
	return d.n;
}

/* see tcpcap.h */
int tcpcap_count(const struct tcpcap *cap)
{
	return cap->count;
}

/* see tcpcap.h */
void tcpcap_close(struct tcpcap *cap)
{
	if (cap == NULL)
		return;
	if (cap->dump != NULL)
		pcap_dump_close(cap->dump);
	/* the handle stays open for the next exchange: quitting or restarting
	 * never waits for the kernel to take a capture down */
	if (cap->h != NULL)
		cap->h->in_use = 0;
	free(cap);
}

/* see tcpcap.h */
void tcpcap_flags_str(uint8_t flags, char *buf, size_t n)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} names[] = {{TCPF_SYN, "SYN"}, {TCPF_FIN, "FIN"}, {TCPF_RST, "RST"},
		     {TCPF_PSH, "PSH"}, {TCPF_ACK, "ACK"}};
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if ((flags & names[i].bit) == 0 || o >= n)
			continue;
		o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? "," : "", names[i].name);
	}
}

/* Add one field per TCP option (MSS, window scale, SACK permitted,
 * timestamps), bounds-checked against the header length. */
static void option_fields(struct event *ev, const uint8_t *opt, size_t len, size_t base)
{
	size_t pos = 0, i;
	uint8_t olen;
	int kind;

	while ((kind = next_option(opt, len, &pos, &i, &olen)) >= 0) {
		if (kind == 2 && olen == 4)
			event_field(ev, 1, "mss", base + i, olen, "%u", get16(opt + i + 2));
		else if (kind == 3 && olen == 3)
			event_field(ev, 1, "window_scale", base + i, olen, "%u (window x %u)",
				    opt[i + 2], 1u << (opt[i + 2] > 14 ? 14 : opt[i + 2]));
		else if (kind == 4)
			event_field(ev, 1, "sack_permitted", base + i, olen, "yes");
		else if (kind == 8 && olen == 10)
			event_field(ev, 1, "timestamps", base + i, olen, "TSval %u TSecr %u",
				    get32(opt + i + 2), get32(opt + i + 6));
		else
			event_field(ev, 1, "option", base + i, olen, "kind %u, %u bytes", (unsigned)kind, olen);
	}
}

/* see tcpcap.h */
struct event *tcpcap_event(struct evlog *log, enum evname name, enum direction dir,
			   const struct tcpseg *seg, int scale)
{
	char flags[32];
	char src[INET_ADDRSTRLEN];
	char dst[INET_ADDRSTRLEN];
	const uint8_t *ipb = seg->pkt + seg->ip_off;
	size_t t = seg->tcp_off - seg->ip_off; /* TCP header offset inside raw */
	size_t iplen = seg->tcp_off + seg->tcp_hlen + seg->payload_len - seg->ip_off;
	struct event *ev;

	tcpcap_flags_str(seg->flags, flags, sizeof flags);
	inet_ntop(AF_INET, &seg->src_ip, src, sizeof src);
	inet_ntop(AF_INET, &seg->dst_ip, dst, sizeof dst);
	if (seg->flags & TCPF_SYN)
		scale = -1;
	ev = evlog_add(log, name, ACTOR_KERNEL, dir, ipb, iplen, "[%s] seq=%u ack=%u win=%lu (captured)",
		       flags, seg->seq, (seg->flags & TCPF_ACK) ? seg->ack : 0,
		       (unsigned long)seg->window << (scale > 0 ? scale : 0));
	if (ev == NULL)
		return NULL;
	ev->tcp.captured = 1;
	ev->tcp.seq = seg->seq;
	ev->tcp.ack = seg->ack;
	ev->tcp.flags = seg->flags;
	ev->tcp.window = seg->window;
	ev->tcp.scale = scale >= 0 ? scale : -1;
	event_field(ev, 0, "source", 12, 4, "%s:%u", src, seg->sport);
	event_field(ev, 0, "destination", 16, 4, "%s:%u", dst, seg->dport);
	event_field(ev, 0, "source_port", t, 2, "%u", seg->sport);
	event_field(ev, 0, "destination_port", t + 2, 2, "%u", seg->dport);
	event_field(ev, 0, "seq", t + 4, 4, "%u", seg->seq);
	if (seg->flags & TCPF_ACK)
		event_field(ev, 0, "ack", t + 8, 4, "%u", seg->ack);
	else
		event_field(ev, 0, "ack", t + 8, 4, "(not used: ACK flag not set)");
	event_field(ev, 0, "header_length", t + 12, 1, "%zu bytes", seg->tcp_hlen);
	event_field(ev, 0, "flags", t + 13, 1, "%s", flags);
	if (seg->flags & TCPF_SYN)
		event_field(ev, 0, "window", t + 14, 2, "%u bytes (the window in a SYN is never scaled)",
			    seg->window);
	else if (scale > 0)
		event_field(ev, 0, "window", t + 14, 2,
			    "%u x %u = %lu bytes (window scale %d, announced in this side's SYN)", seg->window,
			    1u << scale, (unsigned long)seg->window << scale, scale);
	else
		event_field(ev, 0, "window", t + 14, 2, "%u bytes", seg->window);
	if (seg->tcp_hlen > 20) {
		event_field(ev, 0, "options", t + 20, seg->tcp_hlen - 20, "%zu bytes",
			    seg->tcp_hlen - 20);
		option_fields(ev, ipb + t + 20, seg->tcp_hlen - 20, t + 20);
	}
	event_field(ev, 0, "payload", t + seg->tcp_hlen, seg->payload_len, "%zu bytes",
		    seg->payload_len);
	event_field(ev, 0, "source_of_numbers", 0, 0, "libpcap capture of the real packet");
	return ev;
}
