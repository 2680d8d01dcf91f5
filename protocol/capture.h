/* What the engine captured of one exchange, for the key-exchange views that
 * recompute every secret independently of the TLS stack (issue 6).
 *
 * Everything here was on the wire or reported by OpenSSL in this run: the
 * handshake messages in the order the client saw them, each side's wire
 * bytes, the application records, the plaintexts, and the keylog lines. */
#ifndef HTTPSVIZ_CAPTURE_H
#define HTTPSVIZ_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "protocol/event.h"
#include "protocol/tlsdecode.h"

#define CAPTURE_MAX_ITEMS 64
/* Bytes of each direction's wire kept (capture_wire): the handshake and the
 * first application-data records; a peer may send far more. */
#define CAPTURE_MAX_WIRE (1024 * 1024)

struct capture_blob {
	uint8_t *p;
	size_t len;
	size_t cap;
};

/* One handshake message (4-byte header + body) as the client's msg callback
 * reported it, in order; `sender` says who sent it. */
struct capture_msg {
	enum actor sender;
	size_t off;  /* into capture.transcript */
	size_t len;
	/* its key-exchange parts, decoded once (capture_msg_keys) */
	struct tlsdecode_keys keys;
	int keys_state; /* 0 not decoded yet, 1 decoded, -1 malformed */
	int keys_tls13, keys_ecdhe; /* the decode context's flags they were read with */
};

/* One keylog line, parsed: LABEL <client_random hex> <secret hex>, or for
 * RSA: "RSA" <first 8 bytes of the encrypted pre-master> <pre-master>. */
struct capture_secret {
	enum actor who;           /* which side's keylog callback reported it */
	char label[48];
	uint8_t first[64];        /* client random (32), or the 8-byte RSA prefix */
	size_t first_len;
	uint8_t secret[64];
	size_t secret_len;
};

struct capture {
	struct capture_blob transcript;            /* handshake messages, concatenated */
	struct capture_msg msgs[CAPTURE_MAX_ITEMS];
	size_t nmsgs;
	struct capture_secret secrets[CAPTURE_MAX_ITEMS];
	size_t nsecrets;
	struct capture_blob wire[2];               /* [0] client->server, [1] server->client */
	struct capture_blob app_record[2];         /* first application-data record each way */
	struct capture_blob plaintext[2];          /* request [0] and response [1] as delivered */
	EVP_PKEY *server_key;                      /* embedded server's key (borrowed), or NULL */
	EVP_PKEY *server_tmp_key;                  /* embedded server's ephemeral key pair
						      (SSL_get_tmp_key after its first flight; owned), or NULL */
	EVP_PKEY *server_cert_key;                 /* the public key of the certificate the client
						      received (owned), or NULL */
	/* Known once the client has seen the ServerHello: */
	int version;                               /* TLS1_2_VERSION / TLS1_3_VERSION, or 0 */
	uint16_t cipher_id;                        /* IANA number of the negotiated suite */
	int ems;                                   /* extended master secret in use (TLS 1.2) */
	int embedded;                              /* both ends are ours */
	int interceptor;                           /* mitm: the client's peer is the interceptor,
						      which plays the server to it */
	/* OpenSSL's own values, to compare against (client side): */
	uint8_t master[48];                        /* SSL_SESSION_get_master_key */
	size_t master_len;
	uint8_t client_finished[64];               /* SSL_get_finished on the client */
	size_t client_finished_len;
	uint8_t server_finished[64];               /* SSL_get_peer_finished on the client */
	size_t server_finished_len;
	int done[32];                              /* kexview: which moments were logged */
	/* kexview: the (EC)DHE shared secret recomputed from the server's
	 * ephemeral key, kept for the views that need it again (one X25519 or
	 * ECDH per exchange, not one per view); cleansed by capture_free */
	struct {
		int state;                         /* 0 not yet, 1 computed, -1 failed */
		int nid;
		uint8_t peer[160];                 /* the peer's share it was computed with */
		size_t peer_len;
		uint8_t secret[128];
		size_t len;
	} ecdh;
};

/* The capture as it stood at one moment, as far as the key views read it:
 * what was captured by then, and OpenSSL's values known by then.  A view
 * done later (hooks.c: once the flight has left) sees exactly this. */
struct capture_mark {
	size_t nmsgs;
	size_t nsecrets;
	int version;
	uint16_t cipher_id;
	EVP_PKEY *server_tmp_key;
	EVP_PKEY *server_cert_key;
	uint8_t master[48];
	size_t master_len;
	uint8_t client_finished[64];
	size_t client_finished_len;
	uint8_t server_finished[64];
	size_t server_finished_len;
};

/* Mark what c holds now. */
void capture_mark(const struct capture *c, struct capture_mark *m);
/* Exchange c's marked members with m's: c then shows the capture as it was
 * at the mark (m holding the present), and a second call restores it.  Keys
 * are borrowed, never freed through a mark. */
void capture_swap_mark(struct capture *c, struct capture_mark *m);

/* The first ClientHello of the transcript (handshake header included) and
 * its length in *len, or NULL when none was captured yet. */
const uint8_t *capture_client_hello(const struct capture *c, size_t *len);

/* Append n bytes to a growable byte buffer; -1 when out of memory. */
int capture_blob_append(struct capture_blob *b, const void *p, size_t n);
/* Free a byte buffer and leave it empty. */
void capture_blob_free(struct capture_blob *b);

void capture_init(struct capture *c);
void capture_free(struct capture *c);
/* Record a handshake message the client sent or received. */
void capture_handshake(struct capture *c, enum actor sender, const void *msg, size_t len);
/* Parse and keep one keylog line (c NULL: parse only).  Returns 0 with the
 * parsed line in out (may be NULL), -1 when the line is not understood. */
int capture_keylog_line(struct capture *c, enum actor who, const char *line, struct capture_secret *out);
/* Append bytes that `sender` wrote to its socket (the first
 * CAPTURE_MAX_WIRE of each direction are kept). */
void capture_wire(struct capture *c, enum actor sender, const void *p, size_t n);
/* Keep the first application-data record `sender` wrote. */
void capture_app_record(struct capture *c, enum actor sender, const void *p, size_t n);
/* Keep the plaintext `sender`'s application wrote (as the peer received it). */
void capture_plaintext(struct capture *c, enum actor sender, const void *p, size_t n);
/* The secret with this label reported by `who`, or NULL. */
const struct capture_secret *capture_find_secret(const struct capture *c, enum actor who, const char *label);
/* The key-exchange parts of message m (one of c->msgs), decoded with ctx
 * the first time they are asked for and kept: each message is decoded once.
 * NULL when the message is malformed. */
const struct tlsdecode_keys *capture_msg_keys(struct capture *c, struct capture_msg *m,
					      const struct tlsdecode_ctx *ctx);
/* Keep keys (decoded by the event's own decode of the message, with rc its
 * result and ctx its context) as the parts of the last captured message,
 * when that message is msg: capture_msg_keys then does not decode it again. */
void capture_keep_keys(struct capture *c, const void *msg, size_t len, const struct tlsdecode_keys *keys, int rc,
		       const struct tlsdecode_ctx *ctx);
/* The first handshake message of this type sent by sender, or NULL. */
const struct capture_msg *capture_find_msg(const struct capture *c, enum actor sender, uint8_t type);

#endif
