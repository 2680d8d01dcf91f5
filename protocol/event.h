/* The event log: where the protocol engine and every reader meet.
 *
 * The engine appends events; the TUI, the trace and JSON printers, the lesson
 * runner and the tests read them.  Event names are a public contract (lessons
 * and tests use them): the whole catalogue is EVENT_CATALOGUE below and the
 * README documents it.  This header includes no OpenSSL and no ncurses. */
#ifndef HTTPSVIZ_EVENT_H
#define HTTPSVIZ_EVENT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum actor { ACTOR_CLIENT, ACTOR_SERVER, ACTOR_KERNEL, ACTOR_APP, ACTOR_MITM };
enum direction { DIR_C2S, DIR_S2C, DIR_LOCAL };
enum layer { LAYER_TCP, LAYER_TLS, LAYER_CERT, LAYER_KEX, LAYER_HTTP, LAYER_ERROR };

/* X(enum suffix, dotted name, layer, diagram label) */
#define EVENT_CATALOGUE(X)                                                   \
	X(TCP_SYN, "tcp.syn", LAYER_TCP, "SYN")                              \
	X(TCP_SYN_ACK, "tcp.syn_ack", LAYER_TCP, "SYN-ACK")                  \
	X(TCP_ACK, "tcp.ack", LAYER_TCP, "ACK")                              \
	X(TCP_CONNECTED, "tcp.connected", LAYER_TCP, "TCP connected")        \
	X(TCP_FIN, "tcp.fin", LAYER_TCP, "FIN")                              \
	X(TCP_RST, "tcp.rst", LAYER_TCP, "RST")                              \
	X(TLS_CLIENT_HELLO, "tls.client_hello", LAYER_TLS, "ClientHello")    \
	X(TLS_SERVER_HELLO, "tls.server_hello", LAYER_TLS, "ServerHello")    \
	X(TLS_ENCRYPTED_EXTENSIONS, "tls.encrypted_extensions", LAYER_TLS,   \
	  "EncryptedExtensions")                                             \
	X(TLS_CERTIFICATE, "tls.certificate", LAYER_TLS, "Certificate")      \
	X(TLS_SERVER_KEY_EXCHANGE, "tls.server_key_exchange", LAYER_TLS,     \
	  "ServerKeyExchange")                                               \
	X(TLS_CERTIFICATE_REQUEST, "tls.certificate_request", LAYER_TLS,     \
	  "CertificateRequest")                                              \
	X(TLS_SERVER_HELLO_DONE, "tls.server_hello_done", LAYER_TLS,         \
	  "ServerHelloDone")                                                 \
	X(TLS_CERTIFICATE_VERIFY, "tls.certificate_verify", LAYER_TLS,       \
	  "CertificateVerify")                                               \
	X(TLS_CLIENT_KEY_EXCHANGE, "tls.client_key_exchange", LAYER_TLS,     \
	  "ClientKeyExchange")                                               \
	X(TLS_CHANGE_CIPHER_SPEC, "tls.change_cipher_spec", LAYER_TLS,       \
	  "ChangeCipherSpec")                                                \
	X(TLS_FINISHED, "tls.finished", LAYER_TLS, "Finished")               \
	X(TLS_NEW_SESSION_TICKET, "tls.new_session_ticket", LAYER_TLS,       \
	  "NewSessionTicket")                                                \
	X(TLS_KEY_UPDATE, "tls.key_update", LAYER_TLS, "KeyUpdate")          \
	X(TLS_HANDSHAKE_UNKNOWN, "tls.handshake_other", LAYER_TLS,           \
	  "Handshake")                                                       \
	X(TLS_HANDSHAKE_DONE, "tls.handshake_done", LAYER_TLS,               \
	  "handshake done")                                                  \
	X(TLS_APPLICATION_DATA, "tls.application_data", LAYER_TLS,           \
	  "ApplicationData")                                                 \
	X(TLS_RECORDS_SUMMARY, "tls.records_summary", LAYER_TLS,             \
	  "more records")                                                    \
	X(TLS_ALERT, "tls.alert", LAYER_TLS, "Alert")                        \
	X(TLS_STATE, "tls.state", LAYER_TLS, "OpenSSL state")                \
	X(CERT_KEY, "cert.key", LAYER_CERT, "check: key size")               \
	X(CERT_CHAIN, "cert.chain", LAYER_CERT, "check: chain")              \
	X(CERT_SIGNATURE, "cert.signature", LAYER_CERT, "check: signature")  \
	X(CERT_VALIDITY, "cert.validity", LAYER_CERT, "check: validity")     \
	X(CERT_HOSTNAME, "cert.hostname", LAYER_CERT, "check: hostname")     \
	X(CERT_REVOCATION, "cert.revocation", LAYER_CERT, "check: revocation") \
	X(CERT_VERDICT, "cert.verdict", LAYER_CERT, "verdict")               \
	X(KEX_SECRET, "kex.secret", LAYER_KEX, "secret")                     \
	X(KEX_PRE_MASTER, "kex.pre_master", LAYER_KEX, "pre-master secret")  \
	X(KEX_RSA_DECRYPT, "kex.rsa_decrypt", LAYER_KEX, "RSA decrypt")      \
	X(KEX_ECDHE, "kex.ecdhe", LAYER_KEX, "ECDHE shared secret")          \
	X(KEX_SIGNATURE, "kex.signature", LAYER_KEX, "signature check")      \
	X(KEX_MASTER_SECRET, "kex.master_secret", LAYER_KEX,                 \
	  "master secret")                                                   \
	X(KEX_KEY_BLOCK, "kex.key_block", LAYER_KEX, "session keys")         \
	X(KEX_FINISHED, "kex.finished", LAYER_KEX, "verify_data")          \
	X(KEX_TLS13_KEYS, "kex.tls13_keys", LAYER_KEX, "TLS 1.3 keys")       \
	X(KEX_RECORD_DECRYPT, "kex.record_decrypt", LAYER_KEX,               \
	  "record decrypted")                                                \
	X(HTTP_REQUEST, "http.request", LAYER_HTTP, "GET")                   \
	X(HTTP_RESPONSE, "http.response", LAYER_HTTP, "response")            \
	X(ERROR_CONNECT, "error.connect", LAYER_ERROR, "connect failed")     \
	X(ERROR_TIMEOUT, "error.timeout", LAYER_ERROR, "timeout")            \
	X(ERROR_PEER_CLOSED, "error.peer_closed", LAYER_ERROR,               \
	  "connection closed")                                               \
	X(ERROR_TLS, "error.tls", LAYER_ERROR, "TLS failure")                \
	X(ERROR_PROTOCOL, "error.protocol", LAYER_ERROR, "protocol error")   \
	X(ERROR_INTERNAL, "error.internal", LAYER_ERROR, "internal error")

#define EVENT_ENUM_ENTRY(id, name, layer, label) EV_##id,
enum evname { EVENT_CATALOGUE(EVENT_ENUM_ENTRY) EV__COUNT };
#undef EVENT_ENUM_ENTRY

enum result { RESULT_NONE, RESULT_PASS, RESULT_FAIL };

/* One decoded field.  Fields of an event form a tree stored in pre-order:
 * a field's children follow it with depth + 1.  offset/length locate the
 * field inside the event's raw bytes (length 0: not tied to bytes). */
/* What a field is in a derivation (the kex.* events): the inspector draws
 * those as a small tree, and --json gives them as "role". */
enum field_role { ROLE_NONE, ROLE_INPUT, ROLE_FUNCTION, ROLE_OUTPUT, ROLE_CHECK };

struct field {
	char *name;
	char *value;
	size_t offset;
	size_t length;
	int depth;
	enum field_role role;
};

/* Typed facts.  Whatever a reader decides on (a colour, a mark, a label, a
 * test) is one of these, set where the event is decoded; the summary and the
 * fields' values are prose for people and are never parsed. */

/* TLS messages, alerts and records: how the record that carried it crossed
 * the wire (tlsdecode_wire() is the one place that decides it). */
enum wire_protection { WIRE_UNKNOWN, WIRE_CLEAR, WIRE_ENCRYPTED };

/* tls.alert: its two bytes (RFC 5246 7.2, RFC 8446 6).  level 0: not an
 * alert (on the wire it is 1 warning or 2 fatal). */
#define ALERT_WARNING 1
#define ALERT_FATAL 2
#define ALERT_CLOSE_NOTIFY 0
struct alert_fact {
	uint8_t level;
	uint8_t description;
};

/* tcp.*: the captured segment's header; captured 0 when the event does not
 * come from a captured segment (tcp.connected, a FIN told by the socket). */
#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04
#define TCP_FLAG_PSH 0x08
#define TCP_FLAG_ACK 0x10
struct tcp_fact {
	int captured;
	uint32_t seq;
	uint32_t ack;           /* meaningful when flags has TCP_FLAG_ACK */
	uint8_t flags;          /* the header's flag bits, TCP_FLAG_* */
	uint16_t window;        /* as sent, before any window scaling */
	int scale;              /* the shift that applies to window, or -1 */
};

/* http.* events, and a tls.application_data record whose plaintext this
 * program wrote: the HTTP start line.  line NULL: none known. */
struct http_fact {
	char *line;             /* "GET / HTTP/1.1" or "HTTP/1.1 200 OK", sanitised */
	char *method;           /* a request's method, sanitised; NULL for a response */
	char *target;           /* a request's target ("/"), sanitised; else NULL */
	int status;             /* a response's status code (100-999); 0 for a request */
	char *body_line;        /* a response's plain-text body (text/plain or no
				 * Content-Type): its first non-blank line, sanitised,
				 * at most HTTP_FACT_BODY_LINE bytes of it; else NULL */
};
#define HTTP_FACT_BODY_LINE 160

/* tls.state: which end of TLS the SSL object that reported it plays (the
 * interceptor plays both, one per connection). */
enum tls_role { TLS_ROLE_NONE, TLS_ROLE_CLIENT, TLS_ROLE_SERVER };

/* tls_version values (the wire's numbers) */
#define TLS_VERSION_12 0x0303
#define TLS_VERSION_13 0x0304

struct event {
	unsigned seq;         /* 1, 2, 3 ... in log order */
	uint64_t t_us;        /* microseconds since the log was created */
	enum actor actor;
	enum direction dir;
	enum actor peer;      /* who receives an arrow (== actor for local events);
			       * ACTOR_MITM when an interceptor sits in between */
	enum evname name;
	char *summary;        /* one line, sanitised */
	uint8_t *raw;         /* bytes on the wire or inside OpenSSL, or NULL */
	size_t raw_len;
	struct field *fields;
	size_t nfields;
	size_t fields_cap;
	enum result result;   /* cert.* checks; RESULT_NONE elsewhere */
	long x509_error;      /* X509_V_ERR_* on failure that OpenSSL reported, else 0 */
	int app_only;         /* cert.* checks: 1 when OpenSSL stopped at an earlier
			       * failure and never made this check: the result is
			       * httpsviz's alone */
	char *x509_error_text;
	int verified;         /* kex.* comparisons: 1 true, 0 false, -1 n/a */
	int step;             /* the engine step that produced the event */
	int openssl_state;    /* tls.state: OpenSSL's OSSL_HANDSHAKE_STATE; else -1 */
	/* typed facts (see above); zero when they do not apply */
	enum wire_protection wire;
	struct alert_fact alert;
	struct tcp_fact tcp;
	struct http_fact http;
	uint16_t tls_version; /* tls.server_hello: the version it selects
			       * (0x0303 TLS 1.2, 0x0304 TLS 1.3), else 0 */
	enum tls_role tls_role; /* tls.state: the reporting end's TLS role */
};

struct evlog {
	struct event **ev;
	size_t n;
	size_t cap;
	uint64_t t0_us;
	int cur_step;         /* copied into each new event's step */
};

/* Move src's events into dst at index at (at most dst->n), in order, as if
 * they had been logged there at time t_us in step `step`; the events after
 * them are numbered on.  src is left empty.  Returns how many moved (fewer
 * when out of memory: the rest are freed). */
size_t evlog_insert(struct evlog *dst, size_t at, struct evlog *src, uint64_t t_us, int step);

/* Start an empty log; its clock starts now. */
void evlog_init(struct evlog *log);
/* Free every event and reset the log to empty. */
void evlog_clear(struct evlog *log);
/* Append an event; raw is copied (may be NULL).  The summary is formatted
 * and sanitised.  Returns the event, or NULL when out of memory. */
struct event *evlog_add(struct evlog *log, enum evname name, enum actor actor,
			enum direction dir, const void *raw, size_t raw_len,
			const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* Replace an event's summary (formatted and sanitised); on failure the old
 * one stays.  Returns 0 or -1. */
int event_set_summary(struct event *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Move every event of src to the end of dst (renumbered, stamped now);
 * src is left empty. */
void evlog_move(struct evlog *dst, struct evlog *src);
/* Append deep copies of src's events [from, src->n) to dst, keeping their
 * numbers, times and steps (a reader's own copy of a log another thread
 * writes).  Returns 0, or -1 when out of memory (what was copied stays). */
int evlog_append_copies(struct evlog *dst, const struct evlog *src, size_t from);
/* The first event with this name at or after index from, or -1. */
long evlog_find(const struct evlog *log, enum evname name, size_t from);
/* Current time in microseconds on the log's clock. */
uint64_t evlog_now_us(const struct evlog *log);

/* Add a decoded field; the value is formatted and sanitised.  Returns the
 * field's index, or -1 when out of memory.  A field whose byte range falls
 * outside raw is clamped to zero length rather than pointing past it. */
int event_field(struct event *ev, int depth, const char *name, size_t offset,
		size_t length, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Add a field whose value is the n bytes at p (a peer's text, which may
 * hold a NUL or anything else), sanitised with their length. */
int event_field_bytes(struct event *ev, int depth, const char *name, size_t offset,
		      size_t length, const void *p, size_t n);
/* Add a field whose value is the bytes raw[offset..offset+length] in hex
 * (shortened with "..." past max_bytes when max_bytes > 0). */
int event_field_hex(struct event *ev, int depth, const char *name,
		    size_t offset, size_t length, size_t max_bytes);
/* Give the top-level fields with these names (a NULL-terminated list) a
 * role in the event's derivation. */
void event_field_roles(struct event *ev, enum field_role role, ...);
/* "input", "function", "output", "check", or "" for ROLE_NONE. */
const char *field_role_str(enum field_role r);
/* The first field with this name (at any depth), or NULL. */
const struct field *event_find_field(const struct event *ev, const char *name);
/* Set the pass/fail result of a check, with OpenSSL's error on failure. */
void event_set_result(struct event *ev, enum result r, long x509_error,
		      const char *x509_error_text);

/* 1 when ev is the orderly close_notify alert rather than an error. */
int event_is_close_notify(const struct event *ev);
/* 1 when ev is a check that failed: a cert.* check, a kex.* comparison that
 * did not match, or an error.* event. */
int event_failed(const struct event *ev);
/* Set the alert fact from an alert's two bytes (fewer than 2: left unset). */
void event_set_alert(struct event *ev, const uint8_t *b, size_t len);
/* Set the HTTP fact; each string is copied and sanitised (may be NULL).
 * Returns 0, or -1 when out of memory (the fact is then left unset). */
int event_set_http(struct event *ev, const char *line, size_t line_len, const char *method,
		   size_t method_len, const char *target, size_t target_len, int status);
/* Set the HTTP fact's body_line from line[0..len) (copied and sanitised;
 * NULL clears it).  Returns 0, or -1 when out of memory. */
int event_set_http_body_line(struct event *ev, const char *line, size_t len);
/* "warning", "fatal", or "" for another level. */
const char *alert_level_str(uint8_t level);

/* Catalogue look-ups. */
const char *evname_str(enum evname name);
const char *evname_label(enum evname name);
enum layer evname_layer(enum evname name);
/* The evname for a dotted name, or -1 when not in the catalogue. */
int evname_from_str(const char *s);
/* Plain-language explanation of what this kind of event is, 2-3 sentences. */
const char *evname_explain(enum evname name);

const char *actor_str(enum actor a);
const char *direction_str(enum direction d);
const char *layer_str(enum layer l);

#endif
