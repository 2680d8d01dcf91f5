/* The key-exchange views: every secret of the run recomputed by httpsviz
 * itself (protocol/keysched.h) from what the engine captured
 * (protocol/capture.h), shown as kex.* events and compared with OpenSSL's
 * own values (issue 6).
 *
 * Events (each at most once per run, on the lifeline of the side that
 * performs the derivation, direction local; raw bytes = the output value):
 *   TLS 1.2 RSA:   kex.pre_master (client), kex.master_secret (client),
 *                  kex.key_block (client), kex.finished (client's, then the
 *                  server's as the client checks it), kex.rsa_decrypt
 *                  (server), kex.record_decrypt (request: server; response:
 *                  client).
 *   TLS 1.2 ECDHE: kex.ecdhe (client) instead of kex.pre_master and
 *                  kex.rsa_decrypt; the rest as for RSA.
 *   TLS 1.3:       kex.ecdhe, kex.tls13_keys, kex.finished (server's, then
 *                  client's), kex.record_decrypt (both directions).
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

/* Called by the engine after each turn of a side (who = the side that just
 * acted, the capture up to date): appends every kex.* event whose inputs now
 * exist and that was not emitted before (cap->done[] remembers). */
void kexview_after_turn(struct evlog *log, struct capture *cap, enum actor who);

/* Called by the engine inside a turn of the embedded server, at the moment
 * it has read what a derivation needs: the ClientKeyExchange (request 0:
 * kex.rsa_decrypt) or the client's request (request 1: the request's
 * kex.record_decrypt).  The event then stands where the server really does
 * the work, before the answer it sends in the same turn, not after it. */
void kexview_server_read(struct evlog *log, struct capture *cap, int request);

/* A function called at the end of every kexview_after_turn with the live
 * capture, so a test can keep a pointer to it and re-run the views on a
 * doctored copy.  NULL removes it.  Not for production use. */
typedef void (*kexview_observer)(struct capture *cap, enum actor who, void *arg);
void kexview_set_observer(kexview_observer fn, void *arg);

#endif
