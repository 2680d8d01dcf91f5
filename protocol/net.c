/* Sockets and the TCP layer: listeners, waits, the client's connection
 * (attempted address by address without blocking: the step waits in the
 * caller's poll), and the TCP segments, captured or seen through TCP_INFO. */
#include "protocol/engine_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A client connection under way: the addresses left to try. */
struct netconn {
	struct addrinfo *res;
	struct addrinfo *ai;     /* the address being tried */
	int64_t deadline;        /* of the attempt under way; 0: none */
	int soerr;               /* the last attempt's error */
	char addr[INET6_ADDRSTRLEN];
};

/* see engine_int.h */
int net_listen_loopback(int *fd, int *port, char *err, size_t errlen)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof sa;

	*fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (*fd < 0 || bind(*fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(*fd, 4) < 0 ||
	    getsockname(*fd, (struct sockaddr *)&sa, &sl) < 0) {
		snprintf(err, errlen, "cannot listen on 127.0.0.1: %s", strerror(errno));
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return 0;
}

static void segment_event(struct engine *e, const struct tcpseg *seg);

/* The capture follows the client's connection, which ends at `front` (the
 * server, or the interceptor): the client's segments go to it, and the
 * other ones were sent by its kernel, not necessarily the server's. */
static void segment_ends(struct event *ev, enum actor front)
{
	if (ev->dir == DIR_C2S) {
		ev->peer = front;
		event_field(ev, 0, "sent_by", 0, 0, "the client's kernel, to the %s's",
			    front == ACTOR_MITM ? "interceptor" : "server");
		return;
	}
	ev->peer = ACTOR_CLIENT;
	if (front == ACTOR_MITM) {
		ev->actor = ACTOR_MITM;
		event_field(ev, 0, "sent_by", 0, 0, "the interceptor's kernel, not the server's: the client's TCP "
			    "connection ends at the interceptor's listening socket, and nothing in TCP tells the "
			    "client so");
	} else {
		event_field(ev, 0, "sent_by", 0, 0, "the server's kernel");
	}
}

/* see engine_int.h */
void net_on_segment(void *arg, const struct tcpseg *seg)
{
	struct engine *e = arg;
	size_t before = e->log->n;

	segment_event(e, seg);
	if (e->log->n > before)
		segment_ends(e->log->ev[before], e->front != NULL ? e->front->who : ACTOR_SERVER);
}

/* The shift that applies to the windows this direction's sender
 * advertises: scaling is on only when both SYNs carried the option. */
static int wscale_of(const struct engine *e, enum direction dir)
{
	if (!e->syn_seen || !e->synack_seen || e->wscale[0] < 0 || e->wscale[1] < 0)
		return -1;
	return e->wscale[dir == DIR_C2S ? 0 : 1];
}

static void segment_event(struct engine *e, const struct tcpseg *seg)
{
	enum direction dir = seg->sport == e->cport ? DIR_C2S : DIR_S2C;
	int syn = seg->flags & TCPF_SYN;
	int ack = seg->flags & TCPF_ACK;

	if (syn && !ack && dir == DIR_C2S && !e->syn_seen) {
		e->syn_seen = 1;
		e->wscale[0] = seg->wscale;
		tcpcap_event(e->log, EV_TCP_SYN, dir, seg, -1);
	} else if (syn && ack && dir == DIR_S2C && !e->synack_seen) {
		e->synack_seen = 1;
		e->server_isn = seg->seq;
		e->wscale[1] = seg->wscale;
		tcpcap_event(e->log, EV_TCP_SYN_ACK, dir, seg, -1);
		/* the capture may hand over the client's ACK first when the two
		 * segments were queued on different CPUs */
		if (e->early_ack.pkt != NULL && e->early_ack.ack == seg->seq + 1) {
			e->ack_seen = 1;
			tcpcap_event(e->log, EV_TCP_ACK, DIR_C2S, &e->early_ack, wscale_of(e, DIR_C2S));
		}
	} else if (!syn && ack && dir == DIR_C2S && !e->ack_seen && seg->payload_len == 0 &&
		   !(seg->flags & (TCPF_FIN | TCPF_RST)) && e->syn_seen) {
		if (e->synack_seen && seg->ack == e->server_isn + 1) {
			e->ack_seen = 1;
			tcpcap_event(e->log, EV_TCP_ACK, dir, seg, wscale_of(e, dir));
		} else if (!e->synack_seen && seg->pkt_len <= sizeof e->early_pkt) {
			memcpy(e->early_pkt, seg->pkt, seg->pkt_len);
			e->early_ack = *seg;
			e->early_ack.pkt = e->early_pkt;
		}
	} else if (seg->flags & TCPF_FIN) {
		e->fins++;
		tcpcap_event(e->log, EV_TCP_FIN, dir, seg, wscale_of(e, dir));
	} else if (seg->flags & TCPF_RST) {
		tcpcap_event(e->log, EV_TCP_RST, dir, seg, wscale_of(e, dir));
	}
}

/* A TCP connection seen only through its socket's TCP_INFO state. */
/* see engine_int.h */
void net_tcp_info_event(struct engine *e, int fd, enum actor who)
{
	struct tcp_info ti;
	socklen_t tl = sizeof ti;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char addr[INET6_ADDRSTRLEN + 8] = "?";
	struct event *ev;

	memset(&ti, 0, sizeof ti);
	getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tl);
	if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0 && ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr, sizeof addr);
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, addr, sizeof addr);
	if (who == ACTOR_MITM)
		ev = evlog_add(e->log, EV_TCP_CONNECTED, ACTOR_MITM, DIR_LOCAL, NULL, 0,
			       "the interceptor opened its own TCP connection to the server (%s)", addr);
	else if (e->serve)
		ev = evlog_add(e->log, EV_TCP_CONNECTED, ACTOR_SERVER, DIR_LOCAL, NULL, 0,
			       "TCP connection accepted from %s (state from TCP_INFO)", addr);
	else
		ev = evlog_add(e->log, EV_TCP_CONNECTED, ACTOR_KERNEL, DIR_LOCAL, NULL, 0,
			       "TCP connected (state %s, from TCP_INFO; packets not captured)",
			       ti.tcpi_state == 1 ? "ESTABLISHED" : "other");
	if (ev == NULL)
		return;
	event_field(ev, 0, "peer_address", 0, 0, "%s", addr);
	event_field(ev, 0, "state", 0, 0, "%s (%u)", ti.tcpi_state == 1 ? "ESTABLISHED" : "not established",
		    ti.tcpi_state);
	event_field(ev, 0, "rtt", 0, 0, "%u us", ti.tcpi_rtt);
	event_field(ev, 0, "snd_mss", 0, 0, "%u", ti.tcpi_snd_mss);
	event_field(ev, 0, "rcv_mss", 0, 0, "%u", ti.tcpi_rcv_mss);
	event_field(ev, 0, "source_of_numbers", 0, 0,
		    "the socket's TCP_INFO: the kernel did the SYN, SYN-ACK, ACK on its own; %s",
		    who == ACTOR_MITM ? "the packet capture follows the client's connection only"
		    : e->serve	      ? "serve does not capture packets"
		    : e->cfg.no_pcap  ? "packet capture turned off (--no-pcap)"
				      : "capturing the real segments needs root or CAP_NET_RAW");
}

/* see engine_int.h */
int net_wait_fd(int fd, short events, int ms)
{
	struct pollfd p = {fd, events, 0};
	int rc;

	do
		rc = poll(&p, 1, ms);
	while (rc < 0 && errno == EINTR);
	return rc;
}

/* Accept the connection waiting on *lfd as sd's socket, then close the
 * listener: one exchange per engine. */
/* see engine_int.h */
int net_accept_on(struct engine *e, int *lfd, struct side *sd)
{
	int one = 1;

	if (net_wait_fd(*lfd, POLLIN, engine_timeout_ms(e)) <= 0) {
		engine_fail(e, ENGINE_FAIL_TIMEOUT, EV_ERROR_TIMEOUT, sd->who, "the %s did not accept", sd->name);
		return -1;
	}
	sd->fd = accept4(*lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (sd->fd < 0) {
		engine_fail(e, ENGINE_FAIL_INTERNAL, EV_ERROR_INTERNAL, sd->who, "accept: %s", strerror(errno));
		return -1;
	}
	setsockopt(sd->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	close(*lfd);
	*lfd = -1;
	return 0;
}



/* Start one connection attempt of the client to `to`: a fresh socket, the
 * capture on its port, a non-blocking connect.  0 under way or connected,
 * else the errno (socket closed); -1 when the run already failed. */
static int start_attempt(struct engine *e, const struct sockaddr *to, socklen_t tolen)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char note[200] = "";
	int one = 1;

	e->c.fd = socket(to->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (e->c.fd < 0) {
		engine_fail(e, ENGINE_FAIL_INTERNAL, EV_ERROR_INTERNAL, ACTOR_CLIENT, "socket: %s", strerror(errno));
		return -1;
	}
	/* bind first: the capture filter needs the client's port before the SYN */
	memset(&ss, 0, sizeof ss);
	memcpy(&ss, to, tolen < sizeof ss ? tolen : sizeof ss);
	if (to->sa_family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	else
		((struct sockaddr_in *)&ss)->sin_port = 0;
	if (!e->embedded) {
		memset(&ss, 0, sizeof ss);
		ss.ss_family = to->sa_family;
	}
	bind(e->c.fd, (struct sockaddr *)&ss, tolen);
	sl = sizeof ss;
	getsockname(e->c.fd, (struct sockaddr *)&ss, &sl);
	e->cport = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						 : ((struct sockaddr_in *)&ss)->sin_port);
	tcpcap_close(e->cap);
	e->cap = NULL;
	e->syn_seen = e->synack_seen = e->ack_seen = 0;
	e->early_ack.pkt = NULL;
	if (!e->cfg.no_pcap)
		e->cap = tcpcap_open(e->embedded ? "lo" : "any", e->cport, e->cfg.pcap_file, note, sizeof note);
	if (e->cap == NULL && e->cfg.pcap_file != NULL) {
		engine_fail(e, ENGINE_FAIL_USAGE, EV_ERROR_INTERNAL, ACTOR_APP, "--pcap %s: %s", e->cfg.pcap_file,
			    note[0] ? note : "capture turned off");
		return -1;
	}
	setsockopt(e->c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(e->c.fd, to, tolen) < 0 && errno != EINPROGRESS) {
		int err = errno;

		close(e->c.fd);
		e->c.fd = -1;
		return err;
	}
	return 0;
}

/* The attempt under way: 0 connected, 1 still waiting, else its errno
 * (ETIMEDOUT past its deadline), with the socket closed. */
static int attempt_result(struct engine *e, struct netconn *nc)
{
	int soerr = 0;
	socklen_t el = sizeof soerr;

	if (net_wait_fd(e->c.fd, POLLOUT, 0) <= 0) {
		if (engine_now_ms() < nc->deadline)
			return 1;
		soerr = ETIMEDOUT;
	} else {
		getsockopt(e->c.fd, SOL_SOCKET, SO_ERROR, &soerr, &el);
	}
	if (soerr != 0) {
		if (e->cap != NULL)
			tcpcap_drain(e->cap, 2, 100, net_on_segment, e);
		close(e->c.fd);
		e->c.fd = -1;
	}
	return soerr;
}

/* Resolve the host (connect) or name the embedded listener: the list of
 * addresses to try, in the resolver's order like any client.  0, or -1
 * when the run failed. */
static int resolve(struct engine *e, struct netconn *nc)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
	int rc;

	if (e->embedded) {
		char port[16];

		hints.ai_family = AF_INET;
		hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
		snprintf(port, sizeof port, "%d", e->front == &e->mi ? e->mport : e->port);
		rc = getaddrinfo("127.0.0.1", port, &hints, &nc->res);
	} else {
		/* the resolver blocks: name look-ups are not in the poll loop */
		rc = getaddrinfo(e->host, e->portstr, &hints, &nc->res);
	}
	if (rc != 0) {
		engine_fail(e, ENGINE_FAIL_CONNECT, EV_ERROR_CONNECT, ACTOR_CLIENT, "cannot resolve %s: %s", e->host,
			    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return -1;
	}
	nc->ai = nc->res;
	return 0;
}

/* see engine_int.h */
void net_conn_free(struct netconn *nc)
{
	if (nc == NULL)
		return;
	if (nc->res != NULL)
		freeaddrinfo(nc->res);
	free(nc);
}

/* The connection is up: accept it (embedded), take the handshake's
 * segments from the capture (or TCP_INFO), and the interceptor's own. */
static void connected(struct engine *e)
{
	if (e->embedded && net_accept_on(e, e->front == &e->mi ? &e->mlfd : &e->lfd, e->front) < 0)
		return;
	/* wait for the handshake's segments themselves, not for a count of
	 * packets: the connection is established, so the ACK has left */
	for (int64_t end = engine_now_ms() + 300; e->cap != NULL && !e->ack_seen && engine_now_ms() < end;)
		if (tcpcap_drain(e->cap, tcpcap_count(e->cap) + 1, 20, net_on_segment, e) < 0)
			break;
	if (!e->ack_seen)
		net_tcp_info_event(e, e->c.fd, ACTOR_KERNEL);
	if (e->front == &e->mi && mitm_connect(e) < 0)
		return;
	e->phase = PH_TLS;
}

/* see engine_int.h */
void net_connect_client(struct engine *e)
{
	struct netconn *nc = e->conn;
	int rc;

	if (nc == NULL) {
		nc = e->conn = calloc(1, sizeof *nc);
		if (nc == NULL) {
			engine_fail(e, ENGINE_FAIL_INTERNAL, EV_ERROR_INTERNAL, ACTOR_APP, "out of memory");
			return;
		}
		if (resolve(e, nc) < 0)
			goto done;
	}
	for (;;) {
		if (e->c.fd < 0) {
			if (nc->ai == NULL)
				break;
			getnameinfo(nc->ai->ai_addr, nc->ai->ai_addrlen, nc->addr, sizeof nc->addr, NULL, 0,
				    NI_NUMERICHOST);
			rc = start_attempt(e, nc->ai->ai_addr, nc->ai->ai_addrlen);
			nc->ai = nc->ai->ai_next;
			if (rc < 0)
				goto done;
			if (rc > 0) {
				nc->soerr = rc;
				continue;
			}
			nc->deadline = engine_now_ms() + engine_timeout_ms(e);
		}
		rc = attempt_result(e, nc);
		if (rc == 0) {
			connected(e);
			goto done;
		}
		if (rc == 1) {
			e->wait_deadline = nc->deadline;
			engine_wait_for(e, e->c.fd, POLLOUT);
			return;
		}
		nc->soerr = rc;
	}
	if (nc->soerr == ETIMEDOUT)
		engine_fail(e, ENGINE_FAIL_TIMEOUT, EV_ERROR_TIMEOUT, ACTOR_CLIENT, "TCP connect to %s port %s timed out after %d ms",
			    e->host, e->portstr, engine_timeout_ms(e));
	else
		engine_fail(e, ENGINE_FAIL_CONNECT, EV_ERROR_CONNECT, ACTOR_CLIENT, "TCP connect to %s port %s (%s) failed: %s",
			    e->host, e->portstr, nc->addr, strerror(nc->soerr));
done:
	net_conn_free(e->conn);
	e->conn = NULL;
	e->wait_deadline = 0;
}
