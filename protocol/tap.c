/* The tap: a BIO between an SSL object and its socket.  Writes collect in
 * the side's out buffer, which the engine sends when the step ends (so a
 * flight leaves as one write, and not before the learner asks for it);
 * reads come straight from the socket, and where the peer is not ours the
 * records read are reported as they arrive. */
#include "protocol/engine_int.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "protocol/tlsdecode.h"

static BIO_METHOD *tap_method;

static int tap_write(BIO *b, const char *data, int len)
{
	struct side *sd = BIO_get_data(b);

	BIO_clear_retry_flags(b);
	if (len <= 0)
		return 0;
	if (capture_blob_append(&sd->out, data, (size_t)len) < 0)
		return -1;
	return len;
}

/* connect and serve: the peer's records as they arrive, for what OpenSSL's
 * message callback does not report (a received ChangeCipherSpec, and the
 * encrypted application data).  Records are rebuilt from the byte stream:
 * OpenSSL reads a header and a body in separate calls. */
static void report_received(struct side *sd, const void *data, size_t n)
{
	if (sd->first_in_len < sizeof sd->first_in) {
		size_t k = sizeof sd->first_in - sd->first_in_len;

		k = k < n ? k : n;
		memcpy(sd->first_in + sd->first_in_len, data, k);
		sd->first_in_len += k;
	}
	capture_blob_append(&sd->wire_in, data, n);
	if (side_viewed(sd))
		capture_wire(&sd->e->capdata, sd->server_role ? ACTOR_CLIENT : ACTOR_SERVER, data, n);
	while (sd->wire_in.len - sd->in_parsed >= 5) {
		const uint8_t *r = sd->wire_in.p + sd->in_parsed;
		size_t rl = (size_t)r[3] << 8 | r[4];
		struct event *ev = NULL;
		int tls13 = SSL_version(sd->ssl) == TLS1_3_VERSION;

		if (sd->wire_in.len - sd->in_parsed < 5 + rl)
			break;
		if (r[0] == SSL3_RT_APPLICATION_DATA && sd->state != SS_HANDSHAKE && ++sd->records_in > RECORDS_IN_FULL) {
			uint64_t now = evlog_now_us(sd->e->log);

			if (sd->more.records++ == 0)
				sd->more.first_us = now;
			sd->more.last_us = now;
			sd->more.bytes += 5 + rl;
		} else if (r[0] == SSL3_RT_CHANGE_CIPHER_SPEC) {
			ev = side_event(sd, 0, EV_TLS_CHANGE_CIPHER_SPEC, r + 5, rl, "%s",
					tls13 ? "ChangeCipherSpec (TLS 1.3 middlebox compatibility, ignored)"
					      : "ChangeCipherSpec: my next records are encrypted with the new keys");
			if (ev != NULL)
				tlsdecode_ccs(ev);
		} else if (r[0] == SSL3_RT_APPLICATION_DATA && sd->state != SS_HANDSHAKE) {
			ev = side_event(sd, 0, EV_TLS_APPLICATION_DATA, r, 5 + rl,
					"[encrypted] %zu-byte record received (the content is only known after "
					"decryption)", 5 + rl);
			if (ev != NULL)
				side_decode_record(sd, ev);
		}
		/* the peer's first application record is kept when SSL_read
		 * first returns data (side.c): in TLS 1.3 a NewSessionTicket
		 * also travels as type 23 */
		sd->in_last = sd->in_parsed;
		sd->in_parsed += 5 + rl;
	}
	/* only the last whole record and one not yet complete are kept: at
	 * most 2 x (5 + 65535) bytes, whatever the peer sends */
	if (sd->in_last > 0) {
		memmove(sd->wire_in.p, sd->wire_in.p + sd->in_last, sd->wire_in.len - sd->in_last);
		sd->wire_in.len -= sd->in_last;
		sd->in_parsed -= sd->in_last;
		sd->in_last = 0;
	}
}

/* see engine_int.h */
void tap_report_tally(struct side *sd)
{
	struct record_tally *t = &sd->more;
	struct event *ev;

	if (t->records == 0)
		return;
	ev = side_event(sd, 0, EV_TLS_RECORDS_SUMMARY, NULL, 0,
			"[encrypted] %lu more records received (%llu bytes in %.3f s), counted, not shown one by one",
			t->records, (unsigned long long)t->bytes, (double)(t->last_us - t->first_us) / 1e6);
	if (ev != NULL) {
		event_field(ev, 0, "records", 0, 0, "%lu", t->records);
		event_field(ev, 0, "bytes", 0, 0, "%llu", (unsigned long long)t->bytes);
		event_field(ev, 0, "first_t_us", 0, 0, "%llu", (unsigned long long)t->first_us);
		event_field(ev, 0, "last_t_us", 0, 0, "%llu", (unsigned long long)t->last_us);
		event_field(ev, 0, "shown_in_full", 0, 0, "the first %d records, each a tls.application_data event",
			    RECORDS_IN_FULL);
	}
	memset(t, 0, sizeof *t);
}

static int tap_read(BIO *b, char *data, int len)
{
	struct side *sd = BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	if (len <= 0)
		return 0;
	n = recv(sd->fd, data, (size_t)len, 0);
	if (n > 0 && !sd->e->all_local)
		report_received(sd, data, (size_t)n);
	if (n >= 0)
		return (int)n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		BIO_set_retry_read(b);
	return -1;
}

static long tap_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct side *sd = BIO_get_data(b);

	(void)num;
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;
	case BIO_CTRL_WPENDING:
		return sd != NULL ? (long)sd->out.len : 0;
	default:
		return 0;
	}
}

static int tap_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

int tap_init(void)
{
	if (tap_method == NULL) {
		tap_method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "httpsviz tap");
		if (tap_method == NULL)
			return -1;
		BIO_meth_set_write(tap_method, tap_write);
		BIO_meth_set_read(tap_method, tap_read);
		BIO_meth_set_ctrl(tap_method, tap_ctrl);
		BIO_meth_set_create(tap_method, tap_create);
	}
	return 0;
}

BIO *tap_new(struct side *sd)
{
	BIO *b;

	if (tap_init() < 0)
		return NULL;
	b = BIO_new(tap_method);
	if (b != NULL)
		BIO_set_data(b, sd);
	return b;
}
