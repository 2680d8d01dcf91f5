/* OpenSSL's callbacks, translated into events.
 *
 * The msg callback reports each handshake message, ChangeCipherSpec and
 * alert as its side writes it (and, where the peer is not ours, as it
 * reads it); the info callback reports OpenSSL's state machine moving on;
 * the keylog callback the secrets; the certificate-verify callback runs
 * the certificate checks.  Each derivation or check a side performs is
 * reported from the callback at the moment OpenSSL has done that work
 * (kexview_moment()), so the log is the causal timeline of both sides:
 *
 *   when (OpenSSL, per side)                  what is logged
 *   client writes ClientKeyExchange           kex.pre_master / kex.ecdhe, then the message
 *   client state CW_KEY_EXCH done             kex.master_secret
 *   client state CW_CHANGE done (1.2)         kex.key_block
 *   client writes Finished                    kex.finished (its own), then the message
 *   client state CR_KEY_EXCH done (1.2)       kex.signature (ServerKeyExchange)
 *   client keylog SERVER_HANDSHAKE_... (1.3)  kex.ecdhe, kex.tls13_keys (handshake)
 *   client state CR_CERT_VRFY done (1.3)      kex.signature (CertificateVerify)
 *   client state CR_FINISHED done             kex.finished (the server's, checked)
 *   client state CW_FINISHED done (1.3)       kex.tls13_keys (application)
 *   server state SR_KEY_EXCH done (1.2)       kex.rsa_decrypt / kex.ecdhe
 *   server keylog CLIENT_HANDSHAKE_... (1.3)  kex.ecdhe, kex.tls13_keys (handshake)
 *   server state SR_FINISHED done             kex.finished (the client's, checked)
 *   server writes Finished                    kex.finished (its own), then the message
 *   handshake done (either side)              tls.handshake_done, after the above */
#include "protocol/engine_int.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "protocol/certcheck.h"
#include "protocol/kexview.h"
#include "protocol/recordcrypt.h"
#include "protocol/tlsdecode.h"

static struct side *side_of(const SSL *ssl)
{
	return SSL_get_app_data(ssl);
}

/* A derivation or check this side has just performed inside OpenSSL: its
 * place in the log (on its lifeline, now) and OpenSSL's own values are
 * taken now; the recomputation that explains and checks it runs once the
 * flight has left (hooks_settle), so the peer never waits for teaching. */
static void moment(struct side *sd, enum kex_moment m)
{
	struct engine *e = sd->e;
	struct pending_moment *p;
	struct evlog *log = side_log(sd);

	if (!side_viewed(sd) || e->cfg.no_teaching)
		return;
	side_snapshot(sd);
	if (e->npending == PENDING_MOMENTS)
		hooks_settle(e);
	p = &e->pending[e->npending++];
	p->log = log;
	p->at = log->n;
	p->t_us = evlog_now_us(log);
	p->step = log->cur_step;
	p->m = m;
	p->who = sd->who;
	capture_mark(&e->capdata, &p->mark);
}

/* see engine_int.h */
void hooks_settle(struct engine *e)
{
	for (size_t i = 0; i < e->npending; i++) {
		struct pending_moment *p = &e->pending[i];
		struct evlog made;
		size_t added;

		evlog_init(&made);
		made.t0_us = p->log->t0_us;
		made.cur_step = p->step;
		/* the views see the capture as it stood at the moment */
		capture_swap_mark(&e->capdata, &p->mark);
		kexview_moment(&made, &e->capdata, p->m, p->who);
		capture_swap_mark(&e->capdata, &p->mark);
		added = evlog_insert(p->log, p->at, &made, p->t_us, p->step);
		/* the later moments' places in that log move down with them */
		for (size_t j = i + 1; j < e->npending; j++)
			if (e->pending[j].log == p->log)
				e->pending[j].at += added;
		evlog_clear(&made);
		OPENSSL_cleanse(&p->mark, sizeof p->mark);
	}
	e->npending = 0;
}

/* see engine_int.h */
void hooks_rebase(struct engine *e, const struct evlog *from, struct evlog *to, size_t base)
{
	for (size_t i = 0; i < e->npending; i++) {
		if (e->pending[i].log == from) {
			/* like the stage's events (evlog_move): the flight's time */
			e->pending[i].log = to;
			e->pending[i].at += base;
			e->pending[i].t_us = evlog_now_us(to);
			e->pending[i].step = to->cur_step;
		}
	}
}

/* see engine_int.h */
void hooks_drop(struct engine *e)
{
	OPENSSL_cleanse(e->pending, sizeof e->pending);
	e->npending = 0;
}

/* --openssl-states: OpenSSL's own state machine, as its info callback
 * reports it, logged among the events (a cross-check of their order). */
static void state_event(struct side *sd, int where, OSSL_HANDSHAKE_STATE st)
{
	struct event *ev = evlog_add(side_log(sd), EV_TLS_STATE, sd->who, DIR_LOCAL, NULL, 0, "OpenSSL %s: %s",
				     where & SSL_CB_HANDSHAKE_DONE ? "handshake done" : "state done",
				     SSL_state_string_long(sd->ssl));

	if (ev == NULL)
		return;
	ev->openssl_state = (int)st;
	ev->tls_role = sd->server_role ? TLS_ROLE_SERVER : TLS_ROLE_CLIENT;
	event_field(ev, 0, "state", 0, 0, "%s", SSL_state_string_long(sd->ssl));
	event_field(ev, 0, "state_number", 0, 0, "%d", (int)st);
	event_field(ev, 0, "role", 0, 0, "%s", sd->server_role ? "server" : "client");
	event_field(ev, 0, "source", 0, 0, "OpenSSL info callback (%s)",
		    where & SSL_CB_HANDSHAKE_DONE ? "SSL_CB_HANDSHAKE_DONE" : "SSL_CB_LOOP");
}

/* Events come from the sender's callbacks in the embedded exchange (both
 * ends are ours); in connect mode the client also reports what it receives. */
static int reports(const struct side *sd, int write_p)
{
	return write_p || !sd->e->all_local;
}


static void emit_handshake(struct side *sd, int write_p, const uint8_t *msg, size_t len)
{
	struct engine *e = sd->e;
	const SSL_CIPHER *ciph = SSL_get_pending_cipher(sd->ssl);
	struct tlsdecode_ctx ctx = {
		.tls13 = SSL_version(sd->ssl) == TLS1_3_VERSION,
		.kex_ecdhe = e->cfg.kex == KEX_ECDHE,
	};

	/* the negotiated suite decides how a key exchange message reads (a
	 * remote server may choose ECDHE whatever we asked for) */
	if (ciph == NULL)
		ciph = SSL_get_current_cipher(sd->ssl);
	if (ciph != NULL && !ctx.tls13)
		ctx.kex_ecdhe = SSL_CIPHER_get_kx_nid(ciph) == NID_kx_ecdhe;
	struct event *ev;
	struct tlsdecode_keys keys;
	int rc;

	if (len < 4)
		return;
	/* the server's answers are explained next to the offer they answer */
	if (sd == e->viewer && (msg[0] == SSL3_MT_SERVER_HELLO || msg[0] == SSL3_MT_ENCRYPTED_EXTENSIONS)) {
		ctx.client_hello = capture_client_hello(&e->capdata, &ctx.client_hello_len);
		ctx.server_local = e->embedded || e->serve;
	}
	/* one decode gives the fields, the summary and the facts */
	ev = side_event(sd, write_p, tlsdecode_handshake_event(msg[0]), msg, len, "%s",
			evname_label(tlsdecode_handshake_event(msg[0])));
	if (ev == NULL)
		return;
	rc = tlsdecode_handshake_keys(ev, &ctx, &keys);
	/* the capture's copy of this message needs its key parts: this decode
	 * gives them, so the key views never decode it again */
	if (side_viewed(sd))
		capture_keep_keys(&e->capdata, msg, len, &keys, rc, &ctx);
	if (msg[0] == SSL3_MT_HELLO_REQUEST)
		event_field(ev, 0, "renegotiation", 0, 0,
			    "the server asks for a new handshake on this connection (TLS 1.2 renegotiation, "
			    "RFC 5246 7.4.1.1). httpsviz declines it with a no_renegotiation warning alert, as "
			    "RFC 5246 7.2.2 allows: TLS 1.3 removed renegotiation, and a second handshake here "
			    "would be a different story from the one on screen");
	if (msg[0] == SSL3_MT_SERVER_HELLO && side_viewed(sd)) {
		const struct capture_msg *ch = capture_find_msg(&e->capdata, ACTOR_CLIENT, SSL3_MT_CLIENT_HELLO);

		if (ch != NULL)
			tlsdecode_offer_rank(ev, e->capdata.transcript.p + ch->off, ch->len);
	}
	tlsdecode_wire(ev, SSL3_RT_HANDSHAKE, &(struct tlsdecode_wire){.tls13 = ctx.tls13});
}

/* An alert's description as OpenSSL words it, or for one outside the TLS
 * registry its number and "unknown alert". */
static const char *alert_text(const void *buf, size_t len, char *out, size_t n)
{
	uint8_t d;

	if (len < 2)
		return "?";
	d = ((const uint8_t *)buf)[1];
	if (tlsdecode_alert_name(d) != NULL)
		return SSL_alert_desc_string_long(d);
	snprintf(out, n, "unknown alert (%u)", d);
	return out;
}

/* How an alert crossed the wire: from the header of the record that
 * carried it (OpenSSL reports each record's header before the alert in
 * it), never guessed from the version; tlsdecode_wire words it. */
static void alert_wire(const struct side *sd, int write_p, int tls13, struct event *ev)
{
	const uint8_t *h = sd->hdr[write_p ? 1 : 0];
	struct tlsdecode_wire w = {
		.tls13 = tls13,
		.after_server_hello = sd->sh_seen,
		.after_ccs = sd->ccs_out,
		.received = !write_p,
	};

	if (sd->hdr_seen[write_p ? 1 : 0]) {
		w.record_type = h[0];
		w.record_len = (size_t)h[3] << 8 | h[4];
	}
	if (write_p || w.record_type != 0)
		tlsdecode_wire(ev, SSL3_RT_ALERT, &w);
}

static void on_msg(int write_p, int version, int content_type, const void *buf, size_t len, SSL *ssl,
		   void *arg)
{
	struct side *sd = side_of(ssl);
	struct event *ev;
	/* the handshake message type, or -1 */
	int hs_type = content_type == SSL3_RT_HANDSHAKE && len > 0 ? ((const uint8_t *)buf)[0] : -1;
	int tls13 = SSL_version(ssl) == TLS1_3_VERSION;

	(void)version;
	(void)arg;
	if (sd == NULL)
		return;
	/* the transcript of the viewed connection, each message once, in the
	 * order it was sent: from its writer, or as read where the writer is
	 * not ours */
	if (side_viewed(sd) && content_type == SSL3_RT_HANDSHAKE && (write_p || !sd->e->all_local))
		capture_handshake(&sd->e->capdata, write_p == !sd->server_role ? ACTOR_CLIENT : ACTOR_SERVER, buf,
				  len);
	/* the server's ephemeral key pair exists once it has built its key
	 * share, and OpenSSL frees it as soon as the shared secret is derived:
	 * keep it now (the embedded server's only, for the recomputations) */
	if (write_p && sd->server_role && (hs_type == SSL3_MT_SERVER_KEY_EXCHANGE || hs_type == SSL3_MT_SERVER_HELLO))
		side_snapshot(sd);
	/* what the client computed while building this message stands before it */
	if (write_p && !sd->server_role && hs_type == SSL3_MT_CLIENT_KEY_EXCHANGE)
		moment(sd, KM_CLIENT_CKE_BUILT);
	if (write_p && hs_type == SSL3_MT_FINISHED)
		moment(sd, sd->server_role ? KM_SERVER_FINISHED_BUILT : KM_CLIENT_FINISHED_BUILT);
	/* whether this side's records are protected yet (an alert says) */
	if (!write_p && hs_type == SSL3_MT_CLIENT_HELLO)
		sd->hello_in = 1;
	if (hs_type == SSL3_MT_SERVER_HELLO) {
		sd->sh_seen = 1;
		sd->etm = recordcrypt_hello_etm(buf, len);
	}
	if (content_type == SSL3_RT_CHANGE_CIPHER_SPEC && write_p)
		sd->ccs_out = 1;
	if (!write_p && hs_type == SSL3_MT_HELLO_REQUEST)
		sd->hello_request = 1;
	if (!write_p && hs_type == SSL3_MT_CERTIFICATE_REQUEST)
		sd->cert_requested = 1;
	/* OpenSSL reports each record's header before the alert it carries */
	if (content_type == SSL3_RT_HEADER && len >= 5) {
		memcpy(sd->hdr[write_p ? 1 : 0], buf, 5);
		sd->hdr_seen[write_p ? 1 : 0]++;
	}
	if (!reports(sd, write_p))
		return;
	/* past the first records, post-handshake messages (a flood of
	 * tickets or key updates, and the answers to them) are counted with
	 * the records (tap_report_tally) */
	if (content_type == SSL3_RT_HANDSHAKE && sd->state != SS_HANDSHAKE && sd->records_in > RECORDS_IN_FULL)
		return;
	switch (content_type) {
	case SSL3_RT_HANDSHAKE:
		emit_handshake(sd, write_p, buf, len);
		break;
	case SSL3_RT_CHANGE_CIPHER_SPEC:
		ev = side_event(sd, write_p, EV_TLS_CHANGE_CIPHER_SPEC, buf, len, "%s", tls13
					     ? "ChangeCipherSpec (TLS 1.3 middlebox compatibility, ignored)"
					     : "ChangeCipherSpec: my next records are encrypted with the new keys");
		if (ev != NULL)
			tlsdecode_ccs(ev);
		break;
	case SSL3_RT_ALERT: {
		char desc[32];

		ev = side_event(sd, write_p, EV_TLS_ALERT, buf, len, "Alert %s %s",
			       len >= 1 && ((const uint8_t *)buf)[0] == 2 ? "fatal" : "warning",
			       alert_text(buf, len, desc, sizeof desc));
		if (ev != NULL) {
			tlsdecode_alert(ev);
			alert_wire(sd, write_p, tls13, ev);
		}
		break;
	}
	default:
		/* record headers (SSL3_RT_HEADER) and TLS 1.3 inner content
		 * types: the tap sees the records themselves */
		break;
	}
}

/* The work OpenSSL has finished when its state machine leaves a state
 * (the info callback's LOOP reports the state just done). */
static const struct {
	OSSL_HANDSHAKE_STATE state;
	int server_role;
	enum kex_moment moment;
} state_moments[] = {
	{TLS_ST_CR_KEY_EXCH, 0, KM_CLIENT_SKE_CHECKED},
	{TLS_ST_CW_KEY_EXCH, 0, KM_CLIENT_MASTER},
	{TLS_ST_CW_CHANGE, 0, KM_CLIENT_KEYS},
	{TLS_ST_CR_CERT_VRFY, 0, KM_CLIENT_CV_CHECKED},
	{TLS_ST_CR_FINISHED, 0, KM_CLIENT_FINISHED_CHECKED},
	{TLS_ST_CW_FINISHED, 0, KM_CLIENT_APP_KEYS},
	{TLS_ST_SR_KEY_EXCH, 1, KM_SERVER_CKE_READ},
	{TLS_ST_SR_FINISHED, 1, KM_SERVER_FINISHED_CHECKED},
};

static void on_info(const SSL *ssl, int where, int ret)
{
	struct side *sd = side_of(ssl);
	OSSL_HANDSHAKE_STATE st = SSL_get_state(ssl);

	(void)ret;
	if (sd == NULL)
		return;
	if (sd->e->cfg.openssl_states && (where & (SSL_CB_LOOP | SSL_CB_HANDSHAKE_DONE)))
		state_event(sd, where, st);
	if (where & SSL_CB_LOOP)
		for (size_t i = 0; i < sizeof state_moments / sizeof state_moments[0]; i++)
			if (state_moments[i].state == st && state_moments[i].server_role == sd->server_role)
				moment(sd, state_moments[i].moment);
	if (!(where & SSL_CB_HANDSHAKE_DONE) || sd->hs_reported)
		return;
	/* a check that OpenSSL did just before (reading the peer's Finished)
	 * stands before the handshake's end */
	moment(sd, sd->server_role ? KM_SERVER_FINISHED_CHECKED : KM_CLIENT_FINISHED_CHECKED);
	sd->hs_reported = 1;
	evlog_add(side_log(sd), EV_TLS_HANDSHAKE_DONE, sd->who, DIR_LOCAL, NULL, 0,
		  "%s handshake complete: %s, %s", sd->name,
		  SSL_get_version(ssl), SSL_CIPHER_standard_name(SSL_get_current_cipher(ssl)));
}

/* The interceptor holds two TLS sessions, each with its own keys: its
 * master secret (1.2) or client traffic secret (1.3) of each half, on its
 * lifeline, so a learner can compare them with the client's. */
static void mitm_secret(struct side *sd, const struct capture_secret *sec)
{
	int with_client = sd->server_role;
	struct event *ev = evlog_add(side_log(sd), EV_KEX_SECRET, ACTOR_MITM, DIR_LOCAL, sec->secret,
				     sec->secret_len, "keylog: %s (%zu bytes) of the interceptor's session with the %s",
				     sec->label, sec->secret_len, with_client ? "client" : "server");

	if (ev == NULL)
		return;
	event_field(ev, 0, "label", 0, 0, "%s", sec->label);
	event_field_hex(ev, 0, "secret", 0, sec->secret_len, 0);
	event_field(ev, 0, "session", 0, 0,
		    "the interceptor's TLS session with the %s: %s. The interceptor ran two handshakes, so it "
		    "holds two sets of keys: it decrypts what one side sends and encrypts it again for the other",
		    with_client ? "client" : "server",
		    with_client ? "the same secret as the client's own, since this is the client's session"
				: "a different secret from the client's: the server never shares a key with the client");
	event_field(ev, 0, "source", 0, 0, "OpenSSL keylog callback on the interceptor's own SSL object");
}

static void on_keylog(const SSL *ssl, const char *line)
{
	struct side *sd = side_of(ssl);
	struct engine *e;
	struct capture_secret sec;

	if (sd == NULL)
		return;
	e = sd->e;
	if (capture_keylog_line(side_viewed(sd) ? &e->capdata : NULL, sd->server_role ? ACTOR_SERVER : ACTOR_CLIENT,
				line, &sec) < 0)
		return;
	/* TLS 1.3: the handshake traffic keys exist once the side has both
	 * key shares (the client: processing the ServerHello; the server:
	 * right after sending it) */
	if (strcmp(sec.label, sd->server_role ? "CLIENT_HANDSHAKE_TRAFFIC_SECRET" : "SERVER_HANDSHAKE_TRAFFIC_SECRET") ==
	    0)
		moment(sd, sd->server_role ? KM_SERVER_HS_KEYS : KM_CLIENT_HS_KEYS);
	if (sd->who == ACTOR_MITM && (strcmp(sec.label, "CLIENT_RANDOM") == 0 ||
				      strcmp(sec.label, "CLIENT_TRAFFIC_SECRET_0") == 0)) {
		mitm_secret(sd, &sec);
		return;
	}
	if (sd != e->viewer)
		return;
	if (e->keylog != NULL) {
		fprintf(e->keylog, "%s\n", line);
		fflush(e->keylog);
	}
	{
		struct event *ev = evlog_add(side_log(sd), EV_KEX_SECRET, sd->who, DIR_LOCAL, sec.secret,
					     sec.secret_len, "keylog: %s (%zu bytes)", sec.label,
					     sec.secret_len);

		if (ev == NULL)
			return;
		event_field(ev, 0, "label", 0, 0, "%s", sec.label);
		event_field_hex(ev, 0, "secret", 0, sec.secret_len, 0);
		event_field(ev, 0, "source", 0, 0, "OpenSSL keylog callback (NSS key log format)");
	}
}

/* see engine_int.h */
int hooks_verify_depth(int preverify_ok, X509_STORE_CTX *xs)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct side *sd = ssl ? side_of(ssl) : NULL;
	size_t o;

	if (sd == NULL)
		return preverify_ok;
	o = strlen(sd->verify_trace);
	if (o + 48 < sizeof sd->verify_trace)
		snprintf(sd->verify_trace + o, sizeof sd->verify_trace - o, "%sdepth %d: %s", o ? "; " : "",
			 X509_STORE_CTX_get_error_depth(xs), preverify_ok ? "ok" : "failed");
	sd->verify_calls++;
	return preverify_ok;
}

/* see engine_int.h; replaces OpenSSL's chain verification with: the same verification
 * (X509_verify_cert), then the checks shown one by one. */
int hooks_cert_verify(X509_STORE_CTX *xs, void *arg)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct side *sd = ssl ? side_of(ssl) : NULL;
	int ok = X509_verify_cert(xs);
	long err = ok > 0 ? X509_V_OK : X509_STORE_CTX_get_error(xs);
	struct engine *e;
	struct certcheck_input in;
	long v;

	(void)arg; /* the engine comes from the SSL: a kept context serves many */
	if (sd == NULL)
		return ok;
	e = sd->e;
	sd->verify_done = 1;
	if (e->cfg.no_teaching)
		return ok <= 0 && e->cfg.insecure ? 1 : ok;
	in = (struct certcheck_input){
		.leaf = X509_STORE_CTX_get0_cert(xs),
		.untrusted = X509_STORE_CTX_get0_untrusted(xs),
		.built_chain = X509_STORE_CTX_get0_chain(xs),
		.trust = X509_STORE_CTX_get0_store(xs),
		.trust_name = e->cfg.cafile ? e->cfg.cafile
			      : e->embedded ? (e->cfg.trust_attacker
						       ? "the demo root CA plus a rogue CA, the attacker's, installed on this client"
						       : "the demo root CA minted in memory at start-up")
					    : "the system trust store",
		.host = e->host,
		.openssl_result = err,
		.openssl_error_depth = X509_STORE_CTX_get_error_depth(xs),
		.insecure = e->cfg.insecure,
		.auth_level = X509_VERIFY_PARAM_get_auth_level(X509_STORE_CTX_get0_param(xs)),
		.verify_flags = X509_VERIFY_PARAM_get_flags(X509_STORE_CTX_get0_param(xs)),
		.actor = ACTOR_CLIENT,
	};
	certcheck_run(side_log(sd), &in);
	v = evlog_find(side_log(sd), EV_CERT_VERDICT, 0);
	while (v >= 0 && evlog_find(side_log(sd), EV_CERT_VERDICT, (size_t)v + 1) >= 0)
		v = evlog_find(side_log(sd), EV_CERT_VERDICT, (size_t)v + 1);
	if (v >= 0)
		event_field(side_log(sd)->ev[v], 0, "openssl_verify_callback", 0, 0, "%s",
			    sd->verify_trace[0] ? sd->verify_trace : "(not called)");
	if (ok <= 0 && e->cfg.insecure)
		return 1;
	return ok;
}


/* see engine_int.h */
void hooks_install(SSL_CTX *ctx)
{
	SSL_CTX_set_msg_callback(ctx, on_msg);
	SSL_CTX_set_info_callback(ctx, on_info);
	SSL_CTX_set_keylog_callback(ctx, on_keylog);
}
