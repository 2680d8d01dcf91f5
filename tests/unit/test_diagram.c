#include "tests/unit/testutil.h"

#include <stdlib.h>

#include "protocol/event.h"
#include "protocol/http.h"
#include "ui/diagram.h"
#include "ui/grid.h"
#include "tests/unit/gridutil.h"

/* A synthetic TLS 1.2 RSA exchange, in the order the engine logs it. */
static void build_log(struct evlog *log)
{
	static const uint8_t ch[] = {0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00};
	struct event *ev;

	evlog_init(log);
	evlog_add(log, EV_TCP_SYN, ACTOR_KERNEL, DIR_C2S, NULL, 0, "seq=100");
	evlog_add(log, EV_TCP_SYN_ACK, ACTOR_KERNEL, DIR_S2C, NULL, 0, "seq=900 ack=101");
	evlog_add(log, EV_TCP_ACK, ACTOR_KERNEL, DIR_C2S, NULL, 0, "ack=901");
	evlog_add(log, EV_TCP_CONNECTED, ACTOR_KERNEL, DIR_LOCAL, NULL, 0, "TCP connected");
	evlog_add(log, EV_TLS_CLIENT_HELLO, ACTOR_CLIENT, DIR_C2S, ch, sizeof ch, "ClientHello, 2 suites");
	evlog_add(log, EV_TLS_SERVER_HELLO, ACTOR_SERVER, DIR_S2C, NULL, 0, "ServerHello");
	evlog_add(log, EV_TLS_CERTIFICATE, ACTOR_SERVER, DIR_S2C, NULL, 0, "1 certificate");
	evlog_add(log, EV_TLS_SERVER_HELLO_DONE, ACTOR_SERVER, DIR_S2C, NULL, 0, "done");
	ev = evlog_add(log, EV_CERT_HOSTNAME, ACTOR_CLIENT, DIR_LOCAL, NULL, 0, "hostname: localhost matches");
	event_set_result(ev, RESULT_PASS, 0, NULL);
	evlog_add(log, EV_TLS_CLIENT_KEY_EXCHANGE, ACTOR_CLIENT, DIR_C2S, NULL, 0, "RSA");
	evlog_add(log, EV_TLS_CHANGE_CIPHER_SPEC, ACTOR_CLIENT, DIR_C2S, NULL, 0, "ccs");
	evlog_add(log, EV_TLS_FINISHED, ACTOR_CLIENT, DIR_C2S, NULL, 0, "fin");
	evlog_add(log, EV_KEX_RSA_DECRYPT, ACTOR_SERVER, DIR_LOCAL, NULL, 0, "RSA decrypt: pre-master recovered");
	ev = evlog_add(log, EV_TLS_APPLICATION_DATA, ACTOR_CLIENT, DIR_C2S, NULL, 0, "[encrypted] 78-byte record");
	event_set_http(ev, "GET / HTTP/1.1", 14, "GET", 3, "/", 1, 0);
	ev = evlog_add(log, EV_TLS_APPLICATION_DATA, ACTOR_SERVER, DIR_S2C, NULL, 0, "[encrypted] 376-byte record");
	event_set_http(ev, "HTTP/1.1 200 OK", 15, NULL, 0, NULL, 0, 200);
}

/* Column of the first cell in row y right of the gutter holding cp, or -1. */
static int find_cp(struct grid *g, int y, uint32_t cp)
{
	for (int x = 4; x < g->w; x++)
		if (grid_at(g, x, y)->ch == cp)
			return x;
	return -1;
}

static void test_shapes(void **state)
{
	struct evlog log;

	(void)state;
	build_log(&log);
	assert_int_equal(diagram_shape(log.ev[0]), SHAPE_ARROW_C2S);  /* SYN */
	assert_int_equal(diagram_shape(log.ev[1]), SHAPE_ARROW_S2C);  /* SYN-ACK */
	assert_int_equal(diagram_shape(log.ev[2]), SHAPE_ARROW_C2S);  /* ACK */
	assert_int_equal(diagram_shape(log.ev[3]), SHAPE_NOTE_NETWORK);
	assert_int_equal(diagram_shape(log.ev[4]), SHAPE_ARROW_C2S);
	assert_int_equal(diagram_shape(log.ev[5]), SHAPE_ARROW_S2C);
	assert_int_equal(diagram_shape(log.ev[8]), SHAPE_NOTE_CLIENT);
	assert_int_equal(diagram_shape(log.ev[12]), SHAPE_NOTE_SERVER);
	evlog_clear(&log);
}

static void test_labels_and_classes(void **state)
{
	struct evlog log;
	struct event *ev;
	char buf[128];

	(void)state;
	build_log(&log);
	diagram_label(log.ev[4], buf, sizeof buf, 0);
	assert_string_equal(buf, "ClientHello");
	diagram_label(log.ev[0], buf, sizeof buf, 0);
	assert_string_equal(buf, "SYN: seq=100");
	diagram_label(log.ev[8], buf, sizeof buf, 0);
	assert_string_equal(buf, "\u2713 hostname: localhost matches");
	diagram_label(log.ev[8], buf, sizeof buf, 1);
	assert_string_equal(buf, "ok hostname: localhost matches");
	diagram_label(log.ev[13], buf, sizeof buf, 0);
	assert_string_equal(buf, "[encrypted] GET / HTTP/1.1");
	diagram_label(log.ev[14], buf, sizeof buf, 0);
	assert_string_equal(buf, "[encrypted] HTTP/1.1 200 OK");
	assert_int_equal(diagram_class(log.ev[0]), CLS_TCP);
	assert_int_equal(diagram_class(log.ev[4]), CLS_TLS);
	assert_int_equal(diagram_class(log.ev[8]), CLS_CERT);
	assert_int_equal(diagram_class(log.ev[12]), CLS_KEX);
	assert_int_equal(diagram_class(log.ev[13]), CLS_DATA);
	/* failures and alerts are red, an orderly close is not */
	ev = evlog_add(&log, EV_CERT_HOSTNAME, ACTOR_CLIENT, DIR_LOCAL, NULL, 0,
		       "hostname: localhost in SAN");
	event_set_result(ev, RESULT_PASS, 0, NULL);
	diagram_label(ev, buf, sizeof buf, 0);
	assert_string_equal(buf, "\u2713 hostname: localhost in SAN");
	/* a check OpenSSL never reached (it stopped earlier): httpsviz's alone */
	ev->app_only = 1;
	diagram_label(ev, buf, sizeof buf, 0);
	assert_string_equal(buf, "(\u2713) hostname: localhost in SAN");
	diagram_label(ev, buf, sizeof buf, 1);
	assert_string_equal(buf, "(ok) hostname: localhost in SAN");
	ev->app_only = 0;
	ev = evlog_add(&log, EV_CERT_VALIDITY, ACTOR_CLIENT, DIR_LOCAL, NULL, 0, "validity: expired");
	event_set_result(ev, RESULT_FAIL, 10, "certificate has expired");
	assert_int_equal(diagram_class(ev), CLS_ERROR);
	diagram_label(ev, buf, sizeof buf, 0);
	assert_string_equal(buf, "\u2717 validity: expired");
	diagram_label(ev, buf, sizeof buf, 1);
	assert_string_equal(buf, "FAIL validity: expired");
	ev = evlog_add(&log, EV_TLS_ALERT, ACTOR_CLIENT, DIR_C2S, NULL, 0, "Alert fatal certificate_expired");
	ev->alert = (struct alert_fact){ALERT_FATAL, 45};
	assert_int_equal(diagram_class(ev), CLS_ERROR);
	diagram_label(ev, buf, sizeof buf, 0);
	assert_string_equal(buf, "Alert fatal certificate_expired");
	/* the alert's description decides, not its words: a summary naming
	 * close_notify does not make an error alert an orderly close */
	ev = evlog_add(&log, EV_TLS_ALERT, ACTOR_CLIENT, DIR_C2S, NULL, 0, "close_notify expected, got this");
	ev->alert = (struct alert_fact){ALERT_FATAL, 10};
	assert_int_equal(diagram_class(ev), CLS_ERROR);
	ev = evlog_add(&log, EV_TLS_ALERT, ACTOR_CLIENT, DIR_C2S, NULL, 0, "Alert warning close notify");
	ev->alert = (struct alert_fact){ALERT_WARNING, ALERT_CLOSE_NOTIFY};
	assert_int_equal(diagram_class(ev), CLS_TLS);
	/* the record's protection is the wire fact, not the field's text */
	diagram_label(ev, buf, sizeof buf, 0);
	assert_string_equal(buf, "Alert warning close notify");
	ev->wire = WIRE_ENCRYPTED;
	diagram_label(ev, buf, sizeof buf, 0);
	assert_string_equal(buf, "[encrypted] Alert warning close notify");
	ev = evlog_add(&log, EV_ERROR_TIMEOUT, ACTOR_APP, DIR_LOCAL, NULL, 0, "no answer");
	assert_int_equal(diagram_class(ev), CLS_ERROR);
	ev = evlog_add(&log, EV_KEX_MASTER_SECRET, ACTOR_CLIENT, DIR_LOCAL, NULL, 0, "master secret: x");
	ev->verified = 0;
	assert_int_equal(diagram_class(ev), CLS_ERROR);
	diagram_label(ev, buf, sizeof buf, 0);
	assert_string_equal(buf, "\u2717 master secret: x");
	ev->verified = 1;
	diagram_label(ev, buf, sizeof buf, 1);
	assert_string_equal(buf, "ok master secret: x");
	/* a handshake message carried in an encrypted record says so */
	ev = evlog_add(&log, EV_TLS_CERTIFICATE, ACTOR_SERVER, DIR_S2C, NULL, 0, "Certificate: 1 certificate");
	ev->wire = WIRE_ENCRYPTED;
	diagram_label(ev, buf, sizeof buf, 0);
	assert_string_equal(buf, "[encrypted] Certificate");
	ev = evlog_add(&log, EV_TLS_CERTIFICATE, ACTOR_SERVER, DIR_S2C, NULL, 0, "Certificate: 1 certificate");
	ev->wire = WIRE_CLEAR;
	event_field(ev, 0, "on_the_wire", 0, 0, "encrypted? no: in the clear");
	diagram_label(ev, buf, sizeof buf, 0);
	assert_string_equal(buf, "Certificate");
	/* a captured segment shows its header's numbers; the ack only
	 * with the ACK flag */
	ev = evlog_add(&log, EV_TCP_SYN_ACK, ACTOR_KERNEL, DIR_S2C, NULL, 0, "[SYN,ACK] (captured)");
	ev->tcp = (struct tcp_fact){.captured = 1, .seq = 4000000000u, .ack = 101,
				    .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .scale = -1};
	diagram_label(ev, buf, sizeof buf, 0);
	assert_string_equal(buf, "SYN-ACK seq=4000000000 ack=101");
	ev->tcp.flags = TCP_FLAG_SYN;
	diagram_label(ev, buf, sizeof buf, 0);
	assert_string_equal(buf, "SYN-ACK seq=4000000000");
	/* application data whose plaintext is unknown (received in connect
	 * mode) says what the record is */
	{
		uint8_t rec[376] = {23, 3, 3, 1, 115};

		ev = evlog_add(&log, EV_TLS_APPLICATION_DATA, ACTOR_SERVER, DIR_S2C, rec, sizeof rec,
			       "[encrypted] 376-byte record received (GET / HTTP/1.1 maybe)");
	}
	diagram_label(ev, buf, sizeof buf, 0);
	assert_string_equal(buf, "[encrypted] ApplicationData, 376-byte record");
	evlog_clear(&log);
}

/* The diagram's phase markers are exactly want, in order; returns how
 * many. */
static size_t assert_phases(const struct diagram *d, const enum phase *want, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < d->n; i++)
		if (d->rows[i].kind == ROW_PHASE) {
			assert_true(k < n);
			assert_int_equal(d->rows[i].phase, want[k]);
			k++;
		}
	assert_int_equal(k, n);
	return k;
}

static void test_phases(void **state)
{
	struct evlog log;
	struct diagram d = {0};
	enum phase want[] = {PHASE_TCP, PHASE_HELLO, PHASE_CERT, PHASE_KEX,
			     PHASE_FINISHED, PHASE_DATA};
	size_t k;

	(void)state;
	build_log(&log);
	assert_int_equal(diagram_build(&d, &log, log.n, 0), 0);
	k = assert_phases(&d, want, sizeof want / sizeof want[0]);
	assert_int_equal(d.n, log.n + k);
	/* the phase marker comes right before the first event of its phase */
	assert_int_equal(diagram_row_of(&d, 4), diagram_row_of(&d, 3) + 2);
	assert_int_equal(diagram_event_at(&d, 0), -1);
	assert_int_equal(diagram_event_at(&d, 1), 0);
	/* the server's RSA decryption, after the client's Finished, stays in
	 * the finished phase (no marker jumps back to key exchange) */
	assert_int_equal(d.rows[diagram_row_of(&d, 12)].phase, PHASE_FINISHED);
	assert_int_equal(diagram_row_of(&d, 12), diagram_row_of(&d, 11) + 1);
	/* only what is revealed is laid out */
	assert_int_equal(diagram_build(&d, &log, 2, 0), 0);
	assert_int_equal(d.n, 3);
	assert_int_equal(diagram_row_of(&d, 5), -1);
	/* projector: a blank row after every event */
	assert_int_equal(diagram_build(&d, &log, 2, 1), 0);
	assert_int_equal(d.n, 5);
	assert_int_equal(d.rows[2].kind, ROW_SPACE);
	diagram_free(&d);
	evlog_clear(&log);
}


/* TLS 1.3 order: the middlebox ChangeCipherSpec and the keys come right
 * after the ServerHello, and the EncryptedExtensions and Certificate
 * follow; the markers still read hello, certificate, finished, each once,
 * never backwards. */
static void test_phases_tls13(void **state)
{
	static const enum evname order[] = {
		EV_TLS_CLIENT_HELLO, EV_TLS_SERVER_HELLO, EV_TLS_CHANGE_CIPHER_SPEC, EV_KEX_SECRET,
		EV_TLS_ENCRYPTED_EXTENSIONS, EV_TLS_CERTIFICATE, EV_CERT_VERDICT,
		EV_TLS_CERTIFICATE_VERIFY, EV_TLS_FINISHED, EV_KEX_TLS13_KEYS, EV_KEX_FINISHED,
		EV_TLS_FINISHED, EV_TLS_NEW_SESSION_TICKET, EV_TLS_APPLICATION_DATA,
		EV_TLS_ALERT, EV_TLS_APPLICATION_DATA,
	};
	enum phase want[] = {PHASE_HELLO, PHASE_CERT, PHASE_FINISHED, PHASE_DATA, PHASE_CLOSE};
	struct evlog log;
	struct diagram d = {0};

	(void)state;
	evlog_init(&log);
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		struct event *ev = evlog_add(&log, order[i], ACTOR_CLIENT, DIR_LOCAL, NULL, 0, "x");

		if (order[i] == EV_TLS_SERVER_HELLO)
			ev->tls_version = TLS_VERSION_13;
	}
	assert_int_equal(diagram_build(&d, &log, log.n, 0), 0);
	assert_phases(&d, want, sizeof want / sizeof want[0]);
	/* the keys belong to the hello phase they were derived in */
	assert_int_equal(d.rows[diagram_row_of(&d, 2)].phase, PHASE_HELLO);
	diagram_free(&d);
	evlog_clear(&log);
}

static void test_arrows_drawn(void **state)
{
	struct evlog log;
	struct diagram d = {0};
	struct grid g;
	struct rect r = {0, 0, 60, 30};
	struct diagram_opts o = {0, 4, 0, 1};
	int y, cx, sx;

	(void)state;
	build_log(&log);
	assert_int_equal(grid_init(&g, 60, 30, 0), 0);
	assert_int_equal(diagram_build(&d, &log, log.n, 0), 0);
	diagram_draw(&g, &r, &log, &d, &o);
	assert_int_equal(find_row(&g, "Client"), 0);
	cx = 4 + 3;
	sx = 60 - 4;
	/* ClientHello points right, ending at the server's lifeline */
	y = find_row(&g, "ClientHello");
	assert_true(y > 0);
	assert_int_equal(find_cp(&g, y, 0x25B6), sx - 1);
	assert_int_equal(find_cp(&g, y, 0x25C0), -1);
	assert_int_equal(grid_at(&g, cx, y)->ch, 0x2502);
	assert_int_equal(grid_at(&g, sx, y)->ch, 0x2502);
	/* selected: label reversed, a marker in the gutter */
	assert_true(grid_at(&g, find_cp(&g, y, 'C'), y)->attr & GA_REVERSE);
	assert_int_equal(grid_at(&g, 3, y)->ch, 0x25B6);
	/* ServerHello points left, from the server to the client */
	y = find_row(&g, "ServerHello");
	assert_int_equal(find_cp(&g, y, 0x25C0), cx + 1);
	assert_int_equal(find_cp(&g, y, 0x25B6), -1);
	assert_false(grid_at(&g, find_cp(&g, y, 'S'), y)->attr & GA_REVERSE);
	assert_int_equal(grid_at(&g, find_cp(&g, y, 'S'), y)->cls, CLS_TLS);
	/* the encrypted request and response */
	y = find_row(&g, "[encrypted] GET / HTTP/1.1");
	assert_true(y > find_row(&g, "Finished"));
	assert_int_equal(grid_at(&g, sx - 1, y)->ch, 0x25B6);
	assert_true(find_row(&g, "[encrypted] HTTP/1.1 200 OK") > y);
	/* notes sit on the lifeline that acted, phase markers between */
	y = find_row(&g, "[\u2713 hostname: localhost matches");
	assert_int_equal(find_cp(&g, y, '['), cx + 2);
	/* hung off the client's lifeline by a tee and a stub */
	assert_int_equal(grid_at(&g, cx, y)->ch, 0x251C);
	assert_int_equal(grid_at(&g, cx + 1, y)->ch, 0x2500);
	assert_int_equal(grid_at(&g, sx, y)->ch, 0x2502);
	/* the server's note hangs off the server's lifeline, right-aligned */
	y = find_row(&g, "[RSA decrypt: pre-master recovered]");
	assert_int_equal(grid_at(&g, sx, y)->ch, 0x2524);
	assert_int_equal(grid_at(&g, sx - 1, y)->ch, 0x2500);
	assert_int_equal(grid_at(&g, sx - 2, y)->ch, ']');
	assert_int_equal(grid_at(&g, cx, y)->ch, 0x2502);
	assert_true(find_row(&g, " key exchange ") > 0);
	assert_true(find_row(&g, "(TCP connected)") > 0);
	grid_free(&g);
	diagram_free(&d);
	evlog_clear(&log);
}

/* Add an event with an explicit receiver. */
static struct event *add_to(struct evlog *log, enum evname name, enum actor actor,
			    enum direction dir, enum actor peer, const char *summary)
{
	struct event *ev = evlog_add(log, name, actor, dir, NULL, 0, "%s", summary);

	assert_non_null(ev);
	ev->peer = peer;
	return ev;
}

/* A captured segment's arrow shows its numbers, and a narrow lane cuts
 * the label between numbers, never inside one. */
static void test_tcp_labels(void **state)
{
	static const uint8_t raw[] = {0x45};
	struct evlog log;
	struct event *ev;
	struct diagram d = {0};
	struct grid g;
	struct rect r = {0, 0, 40, 6};
	struct diagram_opts o = {0, -1, 0, 1};
	char buf[128];

	(void)state;
	evlog_init(&log);
	/* the numbers come from the tcp fact, not from the summary's text */
	ev = evlog_add(&log, EV_TCP_SYN, ACTOR_KERNEL, DIR_C2S, raw, 1, "[SYN] seq=5 ack=0 win=1 (captured)");
	ev->tcp = (struct tcp_fact){.captured = 1, .seq = 1059098268u, .ack = 77, .flags = TCP_FLAG_SYN};
	diagram_label(ev, buf, sizeof buf, 0);
	assert_string_equal(buf, "SYN seq=1059098268");
	ev = evlog_add(&log, EV_TCP_SYN_ACK, ACTOR_KERNEL, DIR_S2C, raw, 1, "[SYN,ACK] (captured)");
	ev->tcp = (struct tcp_fact){.captured = 1, .seq = 2543390367u, .ack = 1059098269u,
				    .flags = TCP_FLAG_SYN | TCP_FLAG_ACK};
	diagram_label(ev, buf, sizeof buf, 0);
	assert_string_equal(buf, "SYN-ACK seq=2543390367 ack=1059098269");
	/* not captured (TCP_INFO): the summary says what happened */
	ev = evlog_add(&log, EV_TCP_FIN, ACTOR_KERNEL, DIR_C2S, NULL, 0, "client closes its socket");
	diagram_label(ev, buf, sizeof buf, 0);
	assert_string_equal(buf, "FIN: client closes its socket");
	assert_int_equal(grid_init(&g, 40, 6, 0), 0);
	assert_int_equal(diagram_build(&d, &log, log.n, 0), 0);
	diagram_draw(&g, &r, &log, &d, &o);
	assert_true(find_row(&g, "SYN-ACK seq=2543390367\u2026") > 0);
	grid_free(&g);
	diagram_free(&d);
	evlog_clear(&log);
}

/* A long note stops short of the other lifeline: whose step it was shows
 * even when the text would fill the lane. */
static void test_long_notes(void **state)
{
	struct evlog log;
	struct diagram d = {0};
	struct grid g;
	struct rect r = {0, 0, 60, 10};
	struct diagram_opts o = {0, -1, 0, 1};
	int cx = 4 + 3, sx = 60 - 4;
	int gap = 3;
	int e;

	(void)state;
	evlog_init(&log);
	evlog_add(&log, EV_KEX_MASTER_SECRET, ACTOR_CLIENT, DIR_LOCAL, NULL, 0, "%s",
		  "master secret = PRF(pre-master, \"extended master secret\", session_hash)");
	evlog_add(&log, EV_KEX_RSA_DECRYPT, ACTOR_SERVER, DIR_LOCAL, NULL, 0, "%s",
		  "the server recovers the 48-byte pre-master secret with its private key");
	assert_int_equal(grid_init(&g, 60, 10, 0), 0);
	assert_int_equal(diagram_build(&d, &log, log.n, 0), 0);
	diagram_draw(&g, &r, &log, &d, &o);
	/* rows 1 and 2: the client's note, then the server's */
	assert_int_equal(grid_at(&g, cx, 1)->ch, 0x251C);
	assert_int_equal(grid_at(&g, cx + 2, 1)->ch, '[');
	/* cut with an ellipsis after a whole word, in the second half of
	 * its room, and blank from there to the other lifeline */
	e = find_cp(&g, 1, 0x2026);
	assert_true(e > (cx + 2 + sx - 2 - gap) / 2 && e <= sx - 2 - gap);
	assert_true(grid_at(&g, e - 1, 1)->ch != ' ');
	for (int x = e + 1; x < sx; x++)
		assert_int_equal(grid_at(&g, x, 1)->ch, ' ');
	assert_int_equal(grid_at(&g, sx, 2)->ch, 0x2524);
	assert_int_equal(grid_at(&g, sx - 2, 2)->ch, 0x2026);
	e = find_cp(&g, 2, '[');
	assert_true(e >= cx + 2 + gap);
	for (int x = cx + 1; x < e; x++)
		assert_int_equal(grid_at(&g, x, 2)->ch, ' ');
	/* on a projector too the rows keep their numbers */
	o.projector = 1;
	assert_int_equal(diagram_build(&d, &log, log.n, 1), 0);
	grid_clear(&g);
	diagram_draw(&g, &r, &log, &d, &o);
	assert_int_equal(grid_at(&g, 2, 1)->ch, '1');
	assert_int_equal(grid_at(&g, 2, 3)->ch, '2');
	grid_free(&g);
	diagram_free(&d);
	evlog_clear(&log);
}

static void test_mitm_lifeline(void **state)
{
	struct evlog log;
	struct diagram d = {0};
	struct grid g;
	struct rect r = {0, 0, 60, 30};
	struct diagram_opts o = {0, -1, 0, 1};
	enum actor f, t;
	int y, cx = 7, sx = 56, mid = (7 + 56) / 2;

	(void)state;
	build_log(&log);
	/* two lifelines while nobody is in the middle */
	assert_int_equal(diagram_build(&d, &log, log.n, 0), 0);
	assert_int_equal(d.mitm, 0);
	diagram_ends(log.ev[4], 0, &f, &t);
	assert_int_equal(f, ACTOR_CLIENT);
	assert_int_equal(t, ACTOR_SERVER);
	evlog_clear(&log);

	evlog_init(&log);
	add_to(&log, EV_TCP_SYN, ACTOR_KERNEL, DIR_C2S, ACTOR_MITM, "seq=1");
	add_to(&log, EV_TCP_SYN_ACK, ACTOR_KERNEL, DIR_S2C, ACTOR_CLIENT, "seq=9");
	add_to(&log, EV_TLS_CLIENT_HELLO, ACTOR_CLIENT, DIR_C2S, ACTOR_MITM, "to the interceptor");
	add_to(&log, EV_TLS_CERTIFICATE, ACTOR_MITM, DIR_S2C, ACTOR_CLIENT, "forged");
	add_to(&log, EV_HTTP_REQUEST, ACTOR_MITM, DIR_LOCAL, ACTOR_MITM, "GET / read in clear");
	add_to(&log, EV_TLS_SERVER_HELLO_DONE, ACTOR_MITM, DIR_C2S, ACTOR_SERVER, "relayed");
	add_to(&log, EV_TLS_FINISHED, ACTOR_SERVER, DIR_S2C, ACTOR_MITM, "back");
	add_to(&log, EV_CERT_VERDICT, ACTOR_CLIENT, DIR_LOCAL, ACTOR_CLIENT, "verdict: ok");
	add_to(&log, EV_TLS_CLIENT_KEY_EXCHANGE, ACTOR_CLIENT, DIR_C2S, ACTOR_MITM, "rsa");
	add_to(&log, EV_KEX_SECRET, ACTOR_MITM, DIR_LOCAL, ACTOR_MITM, "secret: its own");
	assert_int_equal(diagram_has_mitm(&log), 1);
	/* the ends of each arrow */
	diagram_ends(log.ev[0], 1, &f, &t);
	assert_int_equal(f, ACTOR_CLIENT);
	assert_int_equal(t, ACTOR_MITM);
	diagram_ends(log.ev[1], 1, &f, &t);
	assert_int_equal(f, ACTOR_MITM);
	assert_int_equal(t, ACTOR_CLIENT);
	diagram_ends(log.ev[4], 1, &f, &t);
	assert_int_equal(f, ACTOR_MITM);
	assert_int_equal(t, ACTOR_MITM);
	diagram_ends(log.ev[6], 1, &f, &t);
	assert_int_equal(f, ACTOR_SERVER);
	assert_int_equal(t, ACTOR_MITM);
	/* the layout knows even before the interceptor's first event is shown */
	assert_int_equal(diagram_build(&d, &log, 1, 0), 0);
	assert_int_equal(d.mitm, 1);
	assert_int_equal(diagram_build(&d, &log, log.n, 0), 0);
	assert_int_equal(grid_init(&g, 60, 30, 0), 0);
	diagram_draw(&g, &r, &log, &d, &o);
	assert_int_equal(find_row(&g, "Interceptor"), 0);
	assert_int_equal(find_row(&g, "network"), -1);
	/* client -> interceptor: the head stops at the middle lifeline */
	y = find_row(&g, "ClientHello");
	assert_int_equal(find_cp(&g, y, 0x25B6), mid - 1);
	assert_int_equal(find_cp(&g, y, 0x25C0), -1);
	assert_int_equal(grid_at(&g, mid, y)->ch, 0x2502);
	assert_int_equal(grid_at(&g, sx - 1, y)->ch, ' ');
	/* interceptor -> client */
	y = find_row(&g, "Certificate");
	assert_int_equal(find_cp(&g, y, 0x25C0), cx + 1);
	assert_int_equal(grid_at(&g, mid - 1, y)->ch, 0x2500);
	assert_int_equal(grid_at(&g, mid + 1, y)->ch, ' ');
	/* the kernel's SYN-ACK to the client came from the interceptor */
	y = find_row(&g, "SYN-ACK");
	assert_int_equal(find_cp(&g, y, 0x25C0), cx + 1);
	assert_int_equal(grid_at(&g, sx - 2, y)->ch, ' ');
	/* interceptor -> server and back */
	y = find_row(&g, "ServerHelloDone");
	assert_int_equal(find_cp(&g, y, 0x25B6), sx - 1);
	assert_int_equal(grid_at(&g, mid + 1, y)->ch, 0x2500);
	assert_int_equal(grid_at(&g, mid - 1, y)->ch, ' ');
	y = find_row(&g, "Finished");
	assert_int_equal(find_cp(&g, y, 0x25C0), mid + 1);
	assert_int_equal(grid_at(&g, mid - 2, y)->ch, ' ');
	/* a short note hangs off the interceptor's lifeline */
	y = find_row(&g, "{secret: its own}");
	assert_int_equal(grid_at(&g, mid, y)->ch, 0x251C);
	assert_int_equal(find_cp(&g, y, '{'), mid + 2);
	/* a long one is centred on it, touching neither outer lifeline */
	y = find_row(&g, "{GET / read in clear}");
	assert_int_equal(grid_at(&g, cx + 1, y)->ch, ' ');
	assert_int_equal(grid_at(&g, sx - 1, y)->ch, ' ');
	assert_true(y > 0);
	assert_true(find_cp(&g, y, '{') < mid && find_cp(&g, y, '}') > mid);
	/* the client's own checks stay on its lifeline */
	y = find_row(&g, "[verdict: ok]");
	assert_int_equal(find_cp(&g, y, '['), cx + 2);
	/* at 52 columns a lane is too narrow for " ClientKeyExchange " and
	 * its margins, yet the name shows whole, up to the arrowhead */
	grid_free(&g);
	r.w = 52;
	assert_int_equal(grid_init(&g, 52, 30, 0), 0);
	diagram_draw(&g, &r, &log, &d, &o);
	y = find_row(&g, "ClientKeyExchange");
	assert_true(y > 0);
	assert_int_equal(find_cp(&g, y, 'C'), cx + 2);
	assert_int_equal(find_cp(&g, y, 0x25B6), cx + 2 + (int)strlen("ClientKeyExchange"));
	grid_free(&g);
	diagram_free(&d);
	evlog_clear(&log);
}

static void test_ascii_mode(void **state)
{
	struct evlog log;
	struct diagram d = {0};
	struct grid g;
	struct rect r = {0, 0, 60, 30};
	struct diagram_opts o = {0, -1, 0, 1};
	char buf[256];
	int y;

	(void)state;
	build_log(&log);
	evlog_add(&log, EV_HTTP_RESPONSE, ACTOR_CLIENT, DIR_LOCAL, NULL, 0,
		  "response: caf\xc3\xa9 \xe6\x97\xa5");
	assert_int_equal(grid_init(&g, 60, 30, 1), 0);
	assert_int_equal(diagram_build(&d, &log, log.n, 0), 0);
	diagram_draw(&g, &r, &log, &d, &o);
	for (y = 0; y < g.h; y++)
		for (int x = 0; x < g.w; x++)
			assert_true(grid_at(&g, x, y)->ch >= 0x20 && grid_at(&g, x, y)->ch < 0x7f);
	y = find_row(&g, "ClientHello");
	grid_row_utf8(&g, y, buf, sizeof buf);
	assert_string_equal(buf, "  5    |- ClientHello --------------------------------->|");
	y = find_row(&g, "ServerHello");
	grid_row_utf8(&g, y, buf, sizeof buf);
	assert_string_equal(buf, "  6    |<--------------------------------- ServerHello -|");
	assert_true(find_row(&g, "[response: caf? ??]") > 0);
	grid_free(&g);
	diagram_free(&d);
	evlog_clear(&log);
}

static void test_narrow(void **state)
{
	struct evlog log;
	struct diagram d = {0};
	struct grid g;
	struct rect r = {2, 0, 30, 20};
	struct diagram_opts o = {0, -1, 0, 1};
	char buf[256];
	int y;

	(void)state;
	build_log(&log);
	assert_int_equal(grid_init(&g, 40, 20, 1), 0);
	assert_int_equal(diagram_build(&d, &log, log.n, 0), 0);
	o.scroll = diagram_scroll_to(&d, 0, (int)d.n - 1, diagram_body_height(&r));
	diagram_draw(&g, &r, &log, &d, &o);
	/* long labels are cut with a marker, never drawn past the lifeline */
	y = find_row(&g, "[encrypted]");
	assert_true(y > 0);
	grid_row_utf8(&g, y, buf, sizeof buf);
	assert_non_null(strchr(buf, '~'));
	assert_int_equal(grid_at(&g, 2 + 30 - 4, y)->ch, '|');
	assert_int_equal(grid_at(&g, 2 + 30 - 5, y)->ch, '>');
	/* nothing outside the region */
	for (y = 0; y < g.h; y++) {
		assert_int_equal(grid_at(&g, 0, y)->ch, ' ');
		assert_int_equal(grid_at(&g, 1, y)->ch, ' ');
		for (int x = 32; x < 40; x++)
			assert_int_equal(grid_at(&g, x, y)->ch, ' ');
	}
	/* too narrow for a diagram at all: draws nothing */
	grid_clear(&g);
	r.w = 20;
	diagram_draw(&g, &r, &log, &d, &o);
	for (y = 0; y < g.h; y++)
		assert_int_equal(grid_row_utf8(&g, y, buf, sizeof buf), 0);
	grid_free(&g);
	diagram_free(&d);
	evlog_clear(&log);
}

static void test_scrolling(void **state)
{
	struct evlog log;
	struct diagram d = {0};
	struct grid g;
	struct rect r = {0, 0, 60, 11};
	struct diagram_opts o = {0, -1, 0, 1};
	int n, s, row;

	(void)state;
	build_log(&log);
	for (int i = 0; i < 30; i++) {
		struct event *ev = evlog_add(&log, EV_TLS_APPLICATION_DATA, ACTOR_CLIENT, DIR_C2S, NULL, 0,
					     "GET /%d HTTP/1.1", i);
		char line[32];
		int ln = snprintf(line, sizeof line, "GET /%d HTTP/1.1", i);

		assert_int_equal(http_start_line(ev, line, (size_t)ln), 0);
	}
	assert_int_equal(diagram_build(&d, &log, log.n, 0), 0);
	n = (int)d.n;
	assert_int_equal(diagram_body_height(&r), 10);
	/* following the newest: it is on the last body row */
	s = diagram_scroll_to(&d, 0, n - 1, 10);
	assert_int_equal(s, n - 10);
	o.scroll = s;
	o.selected = (int)log.n - 1;
	assert_int_equal(grid_init(&g, 60, 11, 0), 0);
	diagram_draw(&g, &r, &log, &d, &o);
	assert_int_equal(find_row(&g, "GET /29 HTTP/1.1"), 10);
	assert_int_equal(find_row(&g, "ClientHello"), -1);
	/* scrolling back to the ClientHello brings its phase marker with it */
	row = diagram_row_of(&d, 4);
	s = diagram_scroll_to(&d, s, row, 10);
	assert_int_equal(s, row - 1);
	grid_clear(&g);
	o.scroll = s;
	diagram_draw(&g, &r, &log, &d, &o);
	assert_int_equal(find_row(&g, "ClientHello"), 2);
	assert_int_equal(find_row(&g, " hello "), 1);
	/* a row already in view does not move the view */
	assert_int_equal(diagram_scroll_to(&d, s, row + 3, 10), s);
	/* clamped: never past the end, never negative, fits: 0 */
	assert_int_equal(diagram_scroll_to(&d, 1000, -1, 10), n - 10);
	assert_int_equal(diagram_scroll_to(&d, -5, 0, 10), 0);
	assert_int_equal(diagram_scroll_to(&d, 7, 3, n + 5), 0);
	grid_free(&g);
	diagram_free(&d);
	evlog_clear(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_labels_and_classes),
		cmocka_unit_test(test_phases),
		cmocka_unit_test(test_phases_tls13),
		cmocka_unit_test(test_arrows_drawn),
		cmocka_unit_test(test_tcp_labels),
		cmocka_unit_test(test_long_notes),
		cmocka_unit_test(test_mitm_lifeline),
		cmocka_unit_test(test_ascii_mode),
		cmocka_unit_test(test_narrow),
		cmocka_unit_test(test_scrolling),
	};

	return cmocka_run_group_tests_name("diagram", tests, NULL, NULL);
}
