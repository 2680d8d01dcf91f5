/* The key-exchange views: every secret of the run recomputed by httpsviz
 * itself (protocol/keysched.h) from what the engine captured
 * (protocol/capture.h), shown as kex.* events and compared with OpenSSL's
 * own values (issue 6).
 *
 * Events (on the lifeline of the side that performs the work, at the
 * moment it does it (enum kex_moment), direction local; raw bytes = the
 * output value):
 *   TLS 1.2 RSA:   client: kex.pre_master, kex.master_secret, kex.key_block,
 *                  kex.finished (its own), kex.finished (the server's,
 *                  checked), kex.record_decrypt (the response); server:
 *                  kex.rsa_decrypt, kex.finished (the client's, checked),
 *                  kex.finished (its own), kex.record_decrypt (the request).
 *   TLS 1.2 ECDHE: kex.signature (client) and kex.ecdhe (both sides)
 *                  instead of kex.pre_master and kex.rsa_decrypt.
 *   TLS 1.3:       client: kex.ecdhe, kex.tls13_keys (handshake),
 *                  kex.signature (CertificateVerify), kex.finished (the
 *                  server's, then its own), kex.tls13_keys (application);
 *                  server: kex.ecdhe, kex.tls13_keys (handshake),
 *                  kex.finished (its own), kex.finished (the client's);
 *                  records as in 1.2.
 * Comparison events have ev->verified 1 or 0 and the fields "verified"
 * ("true"/"false") and "openssl_value"; on a mismatch the field that differs
 * has the children "recomputed" and "openssl".  Derivations with nothing of
 * OpenSSL's to compare against (kex.key_block; kex.tls13_keys without the
 * server's ephemeral key) keep verified = -1 and say what checks them.
 * Inputs that cannot be observed (connect mode: no server key) are said so
 * in a field and the derivation is skipped, never faked. */
#ifndef HTTPSVIZ_KEXVIEW_H
#define HTTPSVIZ_KEXVIEW_H

#include "protocol/capture.h"
#include "protocol/event.h"

/* The moments at which a side has just done a piece of key-exchange work
 * inside OpenSSL (the engine's callbacks say when: protocol/hooks.c).  The
 * views of a moment stand on the lifeline of the side at work, before the
 * first message that needs the result. */
enum kex_moment {
	KM_CLIENT_SKE_CHECKED,      /* 1.2 ECDHE: ServerKeyExchange processed: kex.signature */
	KM_CLIENT_CKE_BUILT,        /* 1.2: ClientKeyExchange built: kex.pre_master / kex.ecdhe */
	KM_CLIENT_MASTER,           /* 1.2: master secret computed: kex.master_secret */
	KM_CLIENT_KEYS,             /* 1.2: write keys switched (CCS): kex.key_block */
	KM_CLIENT_FINISHED_BUILT,   /* its own Finished built: kex.finished (sender client) */
	KM_CLIENT_FINISHED_CHECKED, /* the server's Finished checked: kex.finished (sender server) */
	KM_CLIENT_HS_KEYS,          /* 1.3: ServerHello processed: kex.ecdhe, kex.tls13_keys (handshake) */
	KM_CLIENT_CV_CHECKED,       /* 1.3: CertificateVerify processed: kex.signature */
	KM_CLIENT_APP_KEYS,         /* 1.3: application keys: kex.tls13_keys (application) */
	KM_CLIENT_RESPONSE_READ,    /* the response's record decrypted: kex.record_decrypt */
	KM_SERVER_CKE_READ,         /* 1.2: ClientKeyExchange processed: kex.rsa_decrypt / kex.ecdhe */
	KM_SERVER_FINISHED_CHECKED, /* the client's Finished checked: kex.finished (sender client) */
	KM_SERVER_HS_KEYS,          /* 1.3: ServerHello built: kex.ecdhe, kex.tls13_keys (handshake) */
	KM_SERVER_FINISHED_BUILT,   /* its own Finished built: kex.finished (sender server) */
	KM_SERVER_REQUEST_READ,     /* the request's record decrypted: kex.record_decrypt */
	KM__COUNT
};

/* Log the views of moment m, on actor's lifeline, from the capture as it
 * is now (the engine copies OpenSSL's own values into it first).  Each
 * moment is logged once (cap->done[]); a view whose inputs are missing logs
 * nothing. */
void kexview_moment(struct evlog *log, struct capture *cap, enum kex_moment m, enum actor actor);

/* 1 for the moments of the server side (or the interceptor facing the
 * client), 0 for the client's. */
int kexview_moment_is_server(enum kex_moment m);

#endif
