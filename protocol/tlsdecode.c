#include "protocol/tlsdecode.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "protocol/cursor.h"
#include "protocol/hellopeek.h"
#include "protocol/iana.h"
#include "protocol/recordcrypt.h"
#include "protocol/sanitize.h"

/* ---- names: the registries live in protocol/iana.c --------------------- */

struct name {
	uint16_t v;
	const char *name;
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* OpenSSL's pseudo content types, reported by its msg callback (not TLS
 * values, so not in the registry). */
static const struct name pseudo_content_types[] = {
	{256, "record header"},      /* OpenSSL SSL3_RT_HEADER */
	{257, "inner content type"}, /* OpenSSL SSL3_RT_INNER_CONTENT_TYPE */
};

static int is_grease(uint16_t v)
{
	return iana_is_grease(IANA_EXTENSION, v);
}

/* see tlsdecode.h */
const char *tlsdecode_cipher_name(uint16_t suite)
{
	return iana_name(IANA_CIPHER_SUITE, suite);
}

/* see tlsdecode.h */
const char *tlsdecode_ext_name(uint16_t ext)
{
	return iana_name(IANA_EXTENSION, ext);
}

/* see tlsdecode.h */
const char *tlsdecode_group_name(uint16_t group)
{
	return iana_name(IANA_GROUP, group);
}

/* see tlsdecode.h */
const char *tlsdecode_sigalg_name(uint16_t sigalg)
{
	return iana_name(IANA_SIGSCHEME, sigalg);
}

/* see tlsdecode.h */
const char *tlsdecode_alert_name(uint8_t desc)
{
	return iana_name(IANA_ALERT, desc);
}

/* see tlsdecode.h */
const char *tlsdecode_handshake_name(uint8_t hs_type)
{
	return iana_handshake_struct(hs_type);
}

/* see tlsdecode.h */
const char *tlsdecode_content_type_name(int type)
{
	if (type < 0 || type > 0xffff)
		return NULL;
	for (size_t i = 0; i < NELEM(pseudo_content_types); i++)
		if (pseudo_content_types[i].v == type)
			return pseudo_content_types[i].name;
	return iana_name(IANA_CONTENT_TYPE, (unsigned)type);
}

/* see tlsdecode.h */
const char *tlsdecode_version_name(uint16_t version)
{
	return iana_name(IANA_VERSION, version);
}

/* see tlsdecode.h */
int tlsdecode_openssl_has_group(const char *name)
{
	SSL_CTX *ctx;
	int ok;

	ERR_set_mark();
	ctx = SSL_CTX_new(TLS_method());
	ok = ctx != NULL && SSL_CTX_set1_groups_list(ctx, name) == 1;
	SSL_CTX_free(ctx);
	ERR_pop_to_mark();
	return ok;
}

/* see tlsdecode.h */
enum evname tlsdecode_handshake_event(uint8_t hs_type)
{
	static const struct {
		uint8_t type;
		enum evname ev;
	} map[] = {
		{1, EV_TLS_CLIENT_HELLO},
		{2, EV_TLS_SERVER_HELLO},
		{4, EV_TLS_NEW_SESSION_TICKET},
		{8, EV_TLS_ENCRYPTED_EXTENSIONS},
		{11, EV_TLS_CERTIFICATE},
		{12, EV_TLS_SERVER_KEY_EXCHANGE},
		{13, EV_TLS_CERTIFICATE_REQUEST},
		{14, EV_TLS_SERVER_HELLO_DONE},
		{15, EV_TLS_CERTIFICATE_VERIFY},
		{16, EV_TLS_CLIENT_KEY_EXCHANGE},
		{20, EV_TLS_FINISHED},
		{24, EV_TLS_KEY_UPDATE},
	};

	for (size_t i = 0; i < NELEM(map); i++)
		if (map[i].type == hs_type)
			return map[i].ev;
	return EV_TLS_HANDSHAKE_UNKNOWN;
}

/* ---- decoder state ------------------------------------------------------ */

enum {
	HS_CLIENT_HELLO = 1,
	HS_SERVER_HELLO = 2,
	HS_NEW_SESSION_TICKET = 4,
	HS_ENCRYPTED_EXTENSIONS = 8,
	HS_CERTIFICATE = 11,
	HS_SERVER_KEY_EXCHANGE = 12,
	HS_CERTIFICATE_REQUEST = 13,
	HS_SERVER_HELLO_DONE = 14,
	HS_CERTIFICATE_VERIFY = 15,
	HS_CLIENT_KEY_EXCHANGE = 16,
	HS_FINISHED = 20,
	HS_KEY_UPDATE = 24,
};

/* What tlsdecode_summary needs, gathered while decoding. */
struct summary {
	uint16_t version;     /* ClientHello: highest offered; ServerHello: chosen */
	int nsuites;          /* real suites, without signals and GREASE */
	int nscsv;            /* signalling values in the list (RFC 5746, RFC 7507) */
	int ngrease;
	uint16_t suite;
	int have_suite;
	char sni[300];   /* sanitize_span of at most 64 bytes */
	int ncerts;
	char cn[128];
	uint16_t group;
	uint16_t sigalg;
	int have_sigalg;
	size_t len;           /* key, signature, ticket or verify_data length */
	uint32_t lifetime;
	int hrr;
	int downgrade;
	int nexts;
	uint8_t request_update;
	struct tlsdecode_keys keys; /* for the key-exchange views */
};

struct dec {
	struct event *ev;
	struct tlsdecode_ctx ctx;
	struct summary *sum;
	int failed;
	uint32_t declared;    /* the header's body length ... */
	size_t present;       /* ... and what was actually there */
	int grease_said;      /* GREASE is explained once per message */
	int alpn_seen;        /* the server's answer carried ALPN ... */
	char alpn[160];       /* ... picking this protocol (as long as a detail) */
};

/* Record the first error as a field and return -1; later errors (from the
 * callers unwinding) are dropped, as BearSSL keeps only its first. */
static int fail(struct dec *d, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct dec *d, size_t off, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	if (d->failed)
		return -1;
	d->failed = 1;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (d->declared > d->present)
		event_field(d->ev, 0, "error", off, 0,
			    "message truncated (header announces %u body bytes, %zu present): %s at offset %zu",
			    (unsigned)d->declared, d->present, what, off);
	else
		event_field(d->ev, 0, "error", off, 0, "%s at offset %zu", what, off);
	return -1;
}

/* Replace a field's value once its children have been decoded. */
static void set_value(struct event *ev, int idx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_value(struct event *ev, int idx, const char *fmt, ...)
{
	char buf[256];
	char *v;
	va_list ap;
	int n;

	if (idx < 0 || (size_t)idx >= ev->nfields)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	v = sanitize_bytes(buf, strlen(buf));
	if (v == NULL)
		return;
	free(ev->fields[idx].value);
	ev->fields[idx].value = v;
}

/* Reads that name what they read, so an underflow says which field broke:
 * a u8 ... */
static int get_u8(struct dec *d, struct cursor *c, uint8_t *v, const char *what)
{
	if (cursor_u8(c, v) < 0)
		return fail(d, c->off, "%s: needs 1 byte, none left", what);
	return 0;
}

/* ... a u16 ... */
static int get_u16(struct dec *d, struct cursor *c, uint16_t *v, const char *what)
{
	if (cursor_u16(c, v) < 0)
		return fail(d, c->off, "%s: needs 2 bytes, %zu left", what, cursor_left(c));
	return 0;
}

/* ... a u24 ... */
static int get_u24(struct dec *d, struct cursor *c, uint32_t *v, const char *what)
{
	if (cursor_u24(c, v) < 0)
		return fail(d, c->off, "%s: needs 3 bytes, %zu left", what, cursor_left(c));
	return 0;
}

/* ... a u32 ... */
static int get_u32(struct dec *d, struct cursor *c, uint32_t *v, const char *what)
{
	if (cursor_u32(c, v) < 0)
		return fail(d, c->off, "%s: needs 4 bytes, %zu left", what, cursor_left(c));
	return 0;
}

/* ... or n raw bytes as a window. */
static int get_bytes(struct dec *d, struct cursor *c, size_t n, struct cursor *sub,
		     const char *what)
{
	if (cursor_sub(c, n, sub) < 0)
		return fail(d, c->off, "%s: needs %zu bytes, %zu left", what, n, cursor_left(c));
	return 0;
}

/* A vector with a w-byte length prefix; the error tells the announced length. */
static int get_vec(struct dec *d, struct cursor *c, int w, struct cursor *sub, const char *what)
{
	struct cursor peek = *c;
	uint32_t len = 0;
	int rc;

	if (w == 1)
		rc = cursor_vec8(c, sub);
	else if (w == 2)
		rc = cursor_vec16(c, sub);
	else
		rc = cursor_vec24(c, sub);
	if (rc == 0)
		return 0;
	if (cursor_left(&peek) < (size_t)w)
		return fail(d, c->off, "%s: %d-byte length cut short", what, w);
	for (int i = 0; i < w; i++)
		len = len << 8 | peek.p[peek.off + (size_t)i];
	return fail(d, c->off, "%s: length %u runs past the end (%zu bytes left)", what,
		    (unsigned)len, cursor_left(&peek) - (size_t)w);
}

/* Nothing may follow the last field of a structure. */
static int expect_end(struct dec *d, const struct cursor *c, const char *what)
{
	if (cursor_left(c) > 0)
		return fail(d, c->off, "%s: %zu unexpected bytes at the end", what, cursor_left(c));
	return 0;
}

/* What GREASE is, as a field at depth, once per message. */
static void grease_note(struct dec *d, int depth)
{
	if (d->grease_said)
		return;
	d->grease_said = 1;
	event_field(d->ev, depth, "grease", 0, 0, "%s", iana_grease_note());
}

/* A field "name (0x1234)", or "unassigned (0x1234)" for unregistered values;
 * the first GREASE value of a message gets the explanation as a child. */
static int field_named(struct dec *d, int depth, const char *fname, size_t off, size_t len,
		       const char *name, unsigned v, int width)
{
	int idx = event_field(d->ev, depth, fname, off, len, "%s (0x%0*x)",
			      name != NULL ? name : "unassigned", width, v);

	if (name != NULL && strcmp(name, "GREASE") == 0)
		grease_note(d, depth + 1);
	return idx;
}

/* A hex field; an empty range reads "(empty)" rather than nothing. */
static int field_hex(struct dec *d, int depth, const char *fname, const struct cursor *v,
		     size_t max)
{
	if (cursor_left(v) == 0)
		return event_field(d->ev, depth, fname, v->off, 0, "(empty)");
	return event_field_hex(d->ev, depth, fname, v->off, cursor_left(v), max);
}

/* Append to a bounded text buffer, for values built from lists. */
static void appendf(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void appendf(char *buf, size_t n, const char *fmt, ...)
{
	size_t used = strnlen(buf, n);
	va_list ap;

	if (used + 1 >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, n - used, fmt, ap);
	va_end(ap);
}

/* ---- common pieces ------------------------------------------------------ */

static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
	0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
	0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* The 32-byte random; a server's is checked for the RFC 8446 markers. */
static int dec_random(struct dec *d, struct cursor *c, int server)
{
	struct cursor r;
	const uint8_t *p;

	if (get_bytes(d, c, 32, &r, "random") < 0)
		return -1;
	p = r.p + r.off;
	event_field_hex(d->ev, 0, "random", r.off, 32, 0);
	d->sum->keys.random = (struct tlsdecode_span){r.off, 32};
	if (server && memcmp(p, hrr_random, 32) == 0) {
		d->sum->hrr = 1;
		d->sum->keys.hrr = 1;
		event_field(d->ev, 1, "hello_retry_request", r.off, 32,
			    "this fixed value (SHA-256 of \"HelloRetryRequest\") marks a "
			    "HelloRetryRequest, not a ServerHello (RFC 8446 4.1.3)");
		return 0;
	}
	if (server && memcmp(p + 24, "DOWNGRD", 7) == 0 && p[31] <= 1) {
		d->sum->downgrade = 1;
		/* RFC 8446 4.1.3: TLS 1.3 clients MUST check for both values,
		 * TLS 1.2 clients SHOULD check for the 00 one only */
		event_field(d->ev, 1, "downgrade_sentinel", r.off + 24, 8,
			    "\"DOWNGRD\" + %02x: the server supports %s but negotiated %s. %s "
			    "(RFC 8446 section 4.1.3)",
			    p[31], p[31] == 1 ? "TLS 1.3" : "TLS 1.2 or higher",
			    p[31] == 1 ? "TLS 1.2" : "TLS 1.1 or below",
			    p[31] == 1 ? "A client that offered TLS 1.3 MUST abort here (illegal_parameter): "
					 "someone may have removed TLS 1.3 from its offer. A TLS 1.2 client "
					 "is not asked to check this value and goes on"
				       : "A TLS 1.3 client MUST abort here (illegal_parameter); a TLS 1.2 "
					 "client SHOULD check this value and abort too");
	}
	if (!d->ctx.tls13) {
		event_field(d->ev, 1, "gmt_unix_time", r.off, 4,
			    "0x%02x%02x%02x%02x (RFC 5246 calls these 4 bytes gmt_unix_time; "
			    "OpenSSL, like most implementations today, sends random bytes)",
			    p[0], p[1], p[2], p[3]);
		event_field_hex(d->ev, 1, "random_bytes", r.off + 4, 28, 0);
	}
	return 0;
}

/* The session id (1.2) or legacy_session_id (1.3): an 8-bit vector. */
static int dec_session_id(struct dec *d, struct cursor *c)
{
	struct cursor v;

	if (get_vec(d, c, 1, &v, "session_id") < 0)
		return -1;
	if (cursor_left(&v) > 32)
		return fail(d, v.off - 1, "session_id: %zu bytes, at most 32 allowed", cursor_left(&v));
	return field_hex(d, 0, "session_id", &v, 0);
}

/* A list of u16 values (supported_groups, signature_algorithms...) with a
 * w-byte length prefix, one named child each. */
static int dec_u16_list(struct dec *d, struct cursor *c, int w, int depth, const char *fname,
			const char *(*namef)(uint16_t), char *out, size_t outn)
{
	struct cursor v;
	uint16_t x;
	int n = 0;

	if (get_vec(d, c, w, &v, fname) < 0)
		return -1;
	if (cursor_left(&v) % 2 != 0)
		return fail(d, v.off, "%s: odd length %zu in a list of 2-byte values", fname,
			    cursor_left(&v));
	while (cursor_left(&v) >= 2) {
		size_t off = v.off;
		const char *name;

		cursor_u16(&v, &x);
		name = namef(x);
		field_named(d, depth, fname, off, 2, name, x, 4);
		if (n < 4)
			appendf(out, outn, "%s%s", n ? ", " : "", name != NULL ? name : "unassigned");
		n++;
	}
	if (n > 4)
		appendf(out, outn, " ... (%d in all)", n);
	return n;
}

/* A list of u8 values with a 1-byte length prefix, one named child each. */
static int dec_u8_list(struct dec *d, struct cursor *c, int depth, const char *fname,
		       enum iana_registry reg, char *out, size_t outn)
{
	struct cursor v;
	uint8_t x;
	int n = 0;

	if (get_vec(d, c, 1, &v, fname) < 0)
		return -1;
	while (cursor_left(&v) > 0) {
		size_t off = v.off;
		const char *name;

		cursor_u8(&v, &x);
		name = iana_name(reg, x);
		field_named(d, depth, fname, off, 1, name, x, 2);
		appendf(out, outn, "%s%s", n ? ", " : "", name != NULL ? name : "unassigned");
		n++;
	}
	return n;
}

/* A 2-byte signature algorithm then a 16-bit vector holding the signature. */
static int dec_signature(struct dec *d, struct cursor *c, int with_alg)
{
	struct cursor v;
	uint16_t alg;
	size_t off = c->off;

	if (with_alg) {
		if (get_u16(d, c, &alg, "signature_algorithm") < 0)
			return -1;
		field_named(d, 0, "signature_algorithm", off, 2, tlsdecode_sigalg_name(alg), alg, 4);
		d->sum->sigalg = alg;
		d->sum->have_sigalg = 1;
	}
	if (get_vec(d, c, 2, &v, "signature") < 0)
		return -1;
	d->sum->len = cursor_left(&v);
	if (with_alg)
		d->sum->keys.sigalg = alg;
	d->sum->keys.signature = (struct tlsdecode_span){v.off, cursor_left(&v)};
	return field_hex(d, 0, "signature", &v, 48);
}

/* ---- extensions --------------------------------------------------------- */

/* An X25519MLKEM768 share (draft-ietf-tls-ecdhe-mlkem): the client's is
 * the ML-KEM-768 encapsulation key then an X25519 public key, the server's
 * the ML-KEM ciphertext then its X25519 key; their parts as children, and
 * once what the hybrid is. */
static void dec_mlkem_share(struct dec *d, const struct cursor *v, int depth)
{
	size_t n = cursor_left(v);

	if (n == 1184 + 32) {
		event_field_hex(d->ev, depth, "mlkem768_encapsulation_key", v->off, 1184, 24);
		event_field_hex(d->ev, depth, "x25519_public_key", v->off + 1184, 32, 0);
	} else if (n == 1088 + 32) {
		event_field_hex(d->ev, depth, "mlkem768_ciphertext", v->off, 1088, 24);
		event_field_hex(d->ev, depth, "x25519_public_key", v->off + 1088, 32, 0);
	} else {
		event_field(d->ev, depth, "size", 0, 0, "%zu bytes: neither a client's share "
			    "(1184 + 32 = 1216) nor a server's (1088 + 32 = 1120)", n);
	}
	event_field(d->ev, depth, "about", 0, 0, "%s", iana_lookup(IANA_GROUP, 0x11ec).note);
}

/* One key_share entry: group and key_exchange. */
static int dec_key_share_entry(struct dec *d, struct cursor *c, int depth, char *out, size_t n)
{
	struct cursor v;
	uint16_t g;
	size_t start = c->off;
	int idx;

	if (get_u16(d, c, &g, "key_share group") < 0)
		return -1;
	idx = event_field(d->ev, depth, "key_share_entry", start, 2, "%s",
			  tlsdecode_group_name(g) != NULL ? tlsdecode_group_name(g) : "unassigned");
	field_named(d, depth + 1, "group", start, 2, tlsdecode_group_name(g), g, 4);
	if (get_vec(d, c, 2, &v, "key_exchange") < 0)
		return -1;
	field_hex(d, depth + 1, "key_exchange", &v, 48);
	if (g == 0x11ec)
		dec_mlkem_share(d, &v, depth + 2);
	if (d->sum->keys.nshares < TLSDECODE_MAX_SHARES) {
		size_t k = d->sum->keys.nshares++;

		d->sum->keys.share[k].group = g;
		d->sum->keys.share[k].key = (struct tlsdecode_span){v.off, cursor_left(&v)};
	}
	if (idx >= 0)
		d->ev->fields[idx].length = c->off - start;
	set_value(d->ev, idx, "%s, %zu-byte public key",
		  tlsdecode_group_name(g) != NULL ? tlsdecode_group_name(g) : "unassigned group",
		  cursor_left(&v));
	d->sum->group = g;
	appendf(out, n, "%s%s", out[0] ? ", " : "",
		tlsdecode_group_name(g) != NULL ? tlsdecode_group_name(g) : "unassigned");
	return 0;
}

/* What the server made of the client's ALPN offer, said next to its answer
 * when the ClientHello is known. */
static void note_alpn_answer(struct dec *d, int depth)
{
	char offered[128];

	if (hellopeek_alpn(d->ctx.client_hello, d->ctx.client_hello_len, offered, sizeof offered) == 0)
		return;
	if (d->alpn_seen)
		event_field(d->ev, depth, "alpn_answer", 0, 0,
			    "the client offered %s; the server picked %s, and both now speak it "
			    "(RFC 7301)", offered, d->alpn);
	else
		event_field(d->ev, depth, "alpn_answer", 0, 0,
			    "the client offered %s; the server answered no ALPN, so no protocol "
			    "was negotiated and the client speaks HTTP/1.1, which needs none.  "
			    "httpsviz's server speaks only HTTP/1.1 (HTTP/2 frames its messages "
			    "in binary, which would hide what this tool shows)", offered);
}

/* Which of the client's key shares the server took (from the ServerHello's
 * key_share, group g), said when the ClientHello is known. */
static void note_share_choice(struct dec *d, int depth, uint16_t g)
{
	uint16_t shares[16];
	size_t n = hellopeek_share_groups(d->ctx.client_hello, d->ctx.client_hello_len, shares,
					  sizeof shares / sizeof shares[0]);
	char list[256] = "";
	char one[64];
	size_t pos = 0;
	size_t real = 0;
	uint16_t first = 0;
	int have_first = 0;

	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (iana_is_grease(IANA_GROUP, shares[i]))
			continue;
		real++;
		if (!have_first) {
			first = shares[i];
			have_first = 1;
		}
		if (shares[i] == g)
			pos = real;
		appendf(list, sizeof list, "%s%s", list[0] ? ", " : "",
			iana_name(IANA_GROUP, shares[i]) != NULL ? iana_name(IANA_GROUP, shares[i])
								  : "unassigned");
	}
	iana_format(IANA_GROUP, g, one, sizeof one);
	if (pos == 0) {
		event_field(d->ev, depth, "choice", 0, 0,
			    "the server chose %s, for which the client sent no share (it sent %s): "
			    "this would need a HelloRetryRequest", one, list);
		return;
	}
	if (pos == 1) {
		event_field(d->ev, depth, "choice", 0, 0,
			    "the server chose %s, the client's first key share (of %s)", one, list);
		return;
	}
	event_field(d->ev, depth, "choice", 0, 0,
		    "the server chose %s, the client's share number %zu (of %s), passing over "
		    "%s, the client's first choice", one, pos, list,
		    iana_name(IANA_GROUP, first) != NULL ? iana_name(IANA_GROUP, first) : "unassigned");
	if (d->ctx.server_local && iana_name(IANA_GROUP, first) != NULL &&
	    !tlsdecode_openssl_has_group(iana_name(IANA_GROUP, first)))
		event_field(d->ev, depth, "why", 0, 0,
			    "this server runs %s, which does not implement %s: a server picks "
			    "among the groups it knows, and an unknown group is simply passed "
			    "over (that is why the client sent a second share: no extra round "
			    "trip)", OpenSSL_version(OPENSSL_VERSION), iana_name(IANA_GROUP, first));
}

/* Certificate compression algorithm names, for dec_u16_list. */
static const char *cert_comp_name(uint16_t v)
{
	return iana_name(IANA_CERT_COMPRESSION, v);
}

/* A 16-bit vector of 8-bit-prefixed protocol names (ALPN, ALPS). */
static int dec_protocol_list(struct dec *d, struct cursor *b, int depth, const char *fname,
			     char *detail, size_t dn)
{
	struct cursor v;
	struct cursor w;

	if (get_vec(d, b, 2, &v, "protocol_name_list") < 0)
		return -1;
	while (cursor_left(&v) > 0) {
		if (get_vec(d, &v, 1, &w, "protocol_name") < 0)
			return -1;
		/* a peer's bytes: a NUL hides nothing, escaped once */
		char *q = sanitize_span(w.p + w.off, cursor_left(&w));

		event_field_bytes(d->ev, depth, fname, w.off, cursor_left(&w), w.p + w.off, cursor_left(&w));
		appendf(detail, dn, "%s%s", detail[0] ? ", " : "", q ? q : "?");
		free(q);
	}
	return 0;
}

/* status_request in a ClientHello (RFC 6066 §8): OCSP stapling asked for. */
static int dec_status_request(struct dec *d, struct cursor *b, int depth, char *detail, size_t dn)
{
	struct cursor v;
	size_t off = b->off;
	uint8_t st;

	if (get_u8(d, b, &st, "status_type") < 0)
		return -1;
	event_field(d->ev, depth, "status_type", off, 1, "%s (%u)", st == 1 ? "ocsp" : "unassigned", st);
	if (get_vec(d, b, 2, &v, "responder_id_list") < 0)
		return -1;
	event_field(d->ev, depth, "responder_id_list", v.off - 2, cursor_left(&v) + 2, "%zu bytes%s",
		    cursor_left(&v), cursor_left(&v) == 0 ? " (any responder the server knows)" : "");
	if (get_vec(d, b, 2, &v, "request_extensions") < 0)
		return -1;
	snprintf(detail, dn, "OCSP stapling asked for");
	event_field(d->ev, depth, "about", 0, 0,
		    "OCSP stapling (RFC 6066 §8): the client asks the server to send, with its "
		    "certificate, a recent OCSP response: the CA's signed statement that the "
		    "certificate is not revoked.  The server fetches it from the CA, so the "
		    "client need not ask the CA itself (which would tell the CA which sites it "
		    "visits).  This server staples nothing.");
	return 0;
}

/* trust_anchors: a 16-bit vector of 8-bit-prefixed identifiers, each a
 * relative OID (draft-ietf-tls-trust-anchor-ids), shown dotted. */
static int dec_trust_anchors(struct dec *d, struct cursor *b, int depth, char *detail, size_t dn)
{
	struct cursor v;
	struct cursor w;
	int n = 0;

	if (get_vec(d, b, 2, &v, "trust_anchor_ids") < 0)
		return -1;
	while (cursor_left(&v) > 0) {
		char oid[96] = "";
		unsigned long arc = 0;
		int bad = 0;

		if (get_vec(d, &v, 1, &w, "trust_anchor_id") < 0)
			return -1;
		for (size_t i = w.off; i < w.len && !bad; i++) {
			arc = (arc << 7) | (w.p[i] & 0x7f);
			if (arc > 0xffffffffUL)
				bad = 1;
			else if ((w.p[i] & 0x80) == 0) {
				appendf(oid, sizeof oid, "%s%lu", oid[0] ? "." : "", arc);
				arc = 0;
			}
		}
		if (bad || cursor_left(&w) == 0 || (w.p[w.len - 1] & 0x80) != 0)
			field_hex(d, depth, "trust_anchor_id", &w, 16);
		else
			event_field(d->ev, depth, "trust_anchor_id", w.off, cursor_left(&w), "%s", oid);
		n++;
	}
	snprintf(detail, dn, "%d trust anchor identifier%s", n, n == 1 ? "" : "s");
	return 0;
}

/* encrypted_client_hello in a ClientHello: an outer ECH (the HPKE suite,
 * the configuration id, the sender's key and the encrypted inner hello),
 * or the inner marker. */
static int dec_ech(struct dec *d, struct cursor *b, int depth, char *detail, size_t dn)
{
	struct cursor v;
	size_t off = b->off;
	uint8_t type;
	uint8_t config;
	uint16_t kdf;
	uint16_t aead;
	char k[64];
	char a[64];

	if (get_u8(d, b, &type, "ECHClientHello type") < 0)
		return -1;
	event_field(d->ev, depth, "type", off, 1, "%s (%u)",
		    type == 0 ? "outer" : type == 1 ? "inner" : "unassigned", type);
	if (type != 0) {
		snprintf(detail, dn, "%s", type == 1 ? "inner" : "unassigned type");
		return cursor_skip(b, cursor_left(b));
	}
	off = b->off;
	if (get_u16(d, b, &kdf, "kdf_id") < 0 || get_u16(d, b, &aead, "aead_id") < 0)
		return -1;
	event_field(d->ev, depth, "kdf_id", off, 2, "%s", iana_format(IANA_HPKE_KDF, kdf, k, sizeof k));
	event_field(d->ev, depth, "aead_id", off + 2, 2, "%s",
		    iana_format(IANA_HPKE_AEAD, aead, a, sizeof a));
	off = b->off;
	if (get_u8(d, b, &config, "config_id") < 0)
		return -1;
	event_field(d->ev, depth, "config_id", off, 1, "%u", config);
	if (get_vec(d, b, 2, &v, "enc") < 0)
		return -1;
	field_hex(d, depth, "enc", &v, 0);
	if (get_vec(d, b, 2, &v, "payload") < 0)
		return -1;
	event_field(d->ev, depth, "payload", v.off, cursor_left(&v), "%zu bytes of ciphertext",
		    cursor_left(&v));
	snprintf(detail, dn, "outer, %s, %s, %zu-byte payload", iana_name(IANA_HPKE_KDF, kdf) != NULL
		 ? iana_name(IANA_HPKE_KDF, kdf) : "unassigned KDF", iana_name(IANA_HPKE_AEAD, aead) != NULL
		 ? iana_name(IANA_HPKE_AEAD, aead) : "unassigned AEAD", cursor_left(&v));
	return 0;
}

/* The body of one extension; hs says which message carries it, because
 * key_share and supported_versions differ between ClientHello and
 * ServerHello.  detail receives a short description for the parent field. */
static int dec_ext_body(struct dec *d, struct cursor *b, uint16_t type, int hs, int depth,
			char *detail, size_t dn)
{
	struct cursor v;
	struct cursor w;
	uint16_t x;
	uint32_t u;
	int n;
	int hello_server = hs == HS_SERVER_HELLO;

	switch (type) {
	case 0: /* server_name */
		if (cursor_left(b) == 0) {
			snprintf(detail, dn, "empty: the server used the name the client sent");
			return 0;
		}
		if (get_vec(d, b, 2, &v, "server_name list") < 0)
			return -1;
		while (cursor_left(&v) > 0) {
			uint8_t nt;

			if (get_u8(d, &v, &nt, "server_name name_type") < 0 ||
			    get_vec(d, &v, 2, &w, "server_name host_name") < 0)
				return -1;
			if (nt == 0) {
				/* a peer's name: a NUL or an escape must not hide
				 * or fake the rest (sanitize_span) */
				size_t nl = cursor_left(&w);
				char *q = sanitize_span(w.p + w.off, nl > 64 ? 64 : nl);

				event_field_bytes(d->ev, depth, "host_name", w.off, nl, w.p + w.off, nl);
				appendf(detail, dn, "%s%s", q ? q : "?", nl > 64 ? "..." : "");
				if (d->sum->sni[0] == 0)
					snprintf(d->sum->sni, sizeof d->sum->sni, "%s%s", q ? q : "?",
						 nl > 64 ? "..." : "");
				free(q);
			} else {
				event_field(d->ev, depth, "name", w.off, cursor_left(&w),
					    "unknown name type %u", nt);
			}
		}
		return 0;
	case 10: /* supported_groups */
		n = dec_u16_list(d, b, 2, depth, "group", tlsdecode_group_name, detail, dn);
		return n < 0 ? -1 : 0;
	case 11: /* ec_point_formats */
		n = dec_u8_list(d, b, depth, "ec_point_format", IANA_EC_POINT_FORMAT, detail,
				dn);
		return n < 0 ? -1 : 0;
	case 13: /* signature_algorithms */
	case 50: /* signature_algorithms_cert */
		n = dec_u16_list(d, b, 2, depth, "signature_algorithm", tlsdecode_sigalg_name,
				 detail, dn);
		return n < 0 ? -1 : 0;
	case 16: /* ALPN */
		if (dec_protocol_list(d, b, depth, "protocol", detail, dn) < 0)
			return -1;
		if (hs != HS_CLIENT_HELLO) {
			d->alpn_seen = 1;
			snprintf(d->alpn, sizeof d->alpn, "%s", detail);
		}
		return 0;
	case 22: /* encrypt_then_mac */
	case 23: /* extended_master_secret */
	case 49: /* post_handshake_auth */
		if (cursor_left(b) > 0)
			return fail(d, b->off, "%s: must be empty, has %zu bytes",
				    tlsdecode_ext_name(type), cursor_left(b));
		snprintf(detail, dn, "empty: its presence is the whole message");
		return 0;
	case 35: /* session_ticket */
		if (cursor_left(b) == 0) {
			snprintf(detail, dn, hs == HS_CLIENT_HELLO
					     ? "empty: the client supports tickets and has none to offer (RFC 5077)"
					     : "empty: a NewSessionTicket will follow");
			return 0;
		}
		snprintf(detail, dn, "%zu-byte ticket offered for resumption", cursor_left(b));
		field_hex(d, depth, "ticket", b, 48);
		return cursor_skip(b, cursor_left(b));
	case 65281: /* renegotiation_info */
		if (get_vec(d, b, 1, &v, "renegotiated_connection") < 0)
			return -1;
		snprintf(detail, dn, cursor_left(&v) == 0 ? "empty: initial handshake (RFC 5746)"
							  : "renegotiation: previous verify_data");
		return field_hex(d, depth, "renegotiated_connection", &v, 0) < 0 ? -1 : 0;
	case 51: /* key_share */
		if (hello_server && d->sum->hrr) {
			size_t off = b->off;

			if (get_u16(d, b, &x, "selected_group") < 0)
				return -1;
			field_named(d, depth, "selected_group", off, 2, tlsdecode_group_name(x), x, 4);
			snprintf(detail, dn, "retry with %s",
				 tlsdecode_group_name(x) ? tlsdecode_group_name(x) : "unassigned");
			return 0;
		}
		if (hello_server) {
			if (dec_key_share_entry(d, b, depth, detail, dn) < 0)
				return -1;
			note_share_choice(d, depth, d->sum->group);
			return 0;
		}
		if (get_vec(d, b, 2, &v, "client_shares") < 0)
			return -1;
		while (cursor_left(&v) > 0)
			if (dec_key_share_entry(d, &v, depth, detail, dn) < 0)
				return -1;
		return 0;
	case 43: /* supported_versions */
		if (hello_server) {
			size_t off = b->off;

			if (get_u16(d, b, &x, "selected_version") < 0)
				return -1;
			field_named(d, depth, "selected_version", off, 2, tlsdecode_version_name(x),
				    x, 4);
			snprintf(detail, dn, "%s", tlsdecode_version_name(x) ? tlsdecode_version_name(x)
									      : "unassigned");
			d->sum->version = x;
			return 0;
		}
		if (get_vec(d, b, 1, &v, "versions") < 0)
			return -1;
		if (cursor_left(&v) % 2 != 0)
			return fail(d, v.off, "supported_versions: odd length %zu", cursor_left(&v));
		while (cursor_left(&v) >= 2) {
			size_t off = v.off;

			cursor_u16(&v, &x);
			field_named(d, depth, "version", off, 2, tlsdecode_version_name(x), x, 4);
			appendf(detail, dn, "%s%s", detail[0] ? ", " : "",
				tlsdecode_version_name(x) ? tlsdecode_version_name(x) : "unassigned");
			if (!is_grease(x) && x > d->sum->version && x <= 0x0304)
				d->sum->version = x;
		}
		return 0;
	case 45: /* psk_key_exchange_modes */
		n = dec_u8_list(d, b, depth, "psk_key_exchange_mode", IANA_PSK_MODE,
				detail, dn);
		return n < 0 ? -1 : 0;
	case 44: /* cookie */
		if (get_vec(d, b, 2, &v, "cookie") < 0)
			return -1;
		return field_hex(d, depth, "cookie", &v, 32) < 0 ? -1 : 0;
	case 42: /* early_data */
		if (hs == HS_NEW_SESSION_TICKET) {
			size_t off = b->off;

			if (get_u32(d, b, &u, "max_early_data_size") < 0)
				return -1;
			event_field(d->ev, depth, "max_early_data_size", off, 4, "%u", u);
		}
		return 0;
	case 5: /* status_request */
		if (hs != HS_CLIENT_HELLO || cursor_left(b) == 0)
			goto raw;
		return dec_status_request(d, b, depth, detail, dn);
	case 18: /* signed_certificate_timestamp */
		if (hs != HS_CLIENT_HELLO || cursor_left(b) > 0)
			goto raw;
		snprintf(detail, dn, "empty: the client asks for Certificate Transparency proofs");
		event_field(d->ev, depth, "about", 0, 0,
			    "Certificate Transparency (RFC 6962): the client asks for SCTs, "
			    "signed promises from public logs that the certificate was "
			    "published, so that a certificate a CA issued by mistake or under "
			    "attack cannot stay hidden.  Chrome and Safari require them for "
			    "publicly trusted certificates; a private CA like httpsviz's demo CA "
			    "has none to send.");
		return 0;
	case 27: /* compress_certificate */
		if (hs != HS_CLIENT_HELLO && hs != HS_CERTIFICATE_REQUEST)
			goto raw;
		n = dec_u16_list(d, b, 1, depth, "algorithm", cert_comp_name, detail, dn);
		return n < 0 ? -1 : 0;
	case 17513: /* application_settings (ALPS), old code point */
	case 17613: /* application_settings (ALPS) */
		if (hs != HS_CLIENT_HELLO)
			goto raw;
		return dec_protocol_list(d, b, depth, "supported_protocol", detail, dn);
	case 51764: /* trust_anchors (draft-ietf-tls-trust-anchor-ids) */
		if (hs != HS_CLIENT_HELLO)
			goto raw;
		return dec_trust_anchors(d, b, depth, detail, dn);
	case 65037: /* encrypted_client_hello */
		if (hs != HS_CLIENT_HELLO)
			goto raw;
		return dec_ech(d, b, depth, detail, dn);
	default: /* the parent keeps "name (0x1234)" as its value */
raw:
		if (cursor_left(b) > 0)
			field_hex(d, depth, "extension_data", b, 32);
		return cursor_skip(b, cursor_left(b));
	}
}

/* The extensions block: a 16-bit vector of {type, 16-bit vector data}. */
static int dec_extensions(struct dec *d, struct cursor *c, int depth, int hs)
{
	struct cursor list;
	struct cursor peek;
	struct cursor skip;
	uint16_t type;
	int count = 0;

	if (get_vec(d, c, 2, &list, "extensions") < 0)
		return -1;
	/* count first, so the parent's value can say how many */
	peek = list;
	while (cursor_u16(&peek, &type) == 0 && cursor_vec16(&peek, &skip) == 0)
		count++;
	event_field(d->ev, depth, "extensions", list.off - 2, cursor_left(&list) + 2,
		    "%d extensions", count);
	d->sum->nexts = count;
	while (cursor_left(&list) > 0) {
		struct cursor body;
		size_t start = list.off;
		const char *name;
		char detail[160] = "";
		int eidx;

		if (get_u16(d, &list, &type, "extension type") < 0)
			return -1;
		if (type == 23) /* extended_master_secret (RFC 7627) */
			d->sum->keys.ems = 1;
		name = tlsdecode_ext_name(type);
		if (get_vec(d, &list, 2, &body, name != NULL ? name : "extension") < 0)
			return -1;
		eidx = event_field(d->ev, depth + 1,
				   name != NULL && !is_grease(type) ? name : "extension", start,
				   list.off - start, "%s (0x%04x)", name != NULL ? name : "unassigned",
				   type);
		field_named(d, depth + 2, "type", start, 2, name, type, 4);
		event_field(d->ev, depth + 2, "length", start + 2, 2, "%zu", cursor_left(&body));
		if (dec_ext_body(d, &body, type, hs, depth + 2, detail, sizeof detail) < 0)
			return -1;
		if (hs == HS_CLIENT_HELLO && iana_lookup(IANA_EXTENSION, type).note != NULL &&
		    !is_grease(type) && type != 5 && type != 18)
			event_field(d->ev, depth + 2, "about", 0, 0, "%s",
				    iana_lookup(IANA_EXTENSION, type).note);
		if (expect_end(d, &body, name != NULL ? name : "extension") < 0)
			return -1;
		if (detail[0] != 0)
			set_value(d->ev, eidx, "%s", detail);
	}
	/* ALPN is answered in the ServerHello (TLS 1.2) or the
	 * EncryptedExtensions (TLS 1.3) */
	if (hs == HS_ENCRYPTED_EXTENSIONS || (hs == HS_SERVER_HELLO && !d->sum->hrr && d->sum->version != 0x0304))
		note_alpn_answer(d, depth);
	return 0;
}

/* ---- certificates ------------------------------------------------------- */

/* One DER TLV: tag, then a window over the value.  Short and long lengths
 * up to 3 bytes (16 MB, more than a TLS message can hold). */
static int der_tlv(struct cursor *c, uint8_t *tag, struct cursor *val)
{
	size_t start = c->off;
	uint8_t t;
	uint8_t l;
	uint8_t b;
	size_t len = 0;

	if (cursor_u8(c, &t) < 0 || (t & 0x1f) == 0x1f || cursor_u8(c, &l) < 0)
		goto bad;
	if (l < 0x80) {
		len = l;
	} else {
		int nb = l & 0x7f;

		if (nb == 0 || nb > 3)
			goto bad;
		for (int i = 0; i < nb; i++) {
			if (cursor_u8(c, &b) < 0)
				goto bad;
			len = len << 8 | b;
		}
	}
	if (cursor_sub(c, len, val) < 0)
		goto bad;
	*tag = t;
	return 0;
bad:
	c->off = start;
	return -1;
}

/* Byte ranges (whole TLVs) inside one certificate, from our own DER walk. */
struct der_ranges {
	size_t serial[2], issuer[2], validity[2], not_before[2], not_after[2];
	size_t subject[2], spki[2], san[2], sigalg[2];
};

/* Walk Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, sig }
 * (RFC 5280 4.1) far enough to locate the parts the UI highlights. */
static int der_walk(struct cursor cert, struct der_ranges *r)
{
	struct cursor outer;
	struct cursor tbs;
	struct cursor v;
	struct cursor val;
	uint8_t tag;
	size_t s;

	memset(r, 0, sizeof *r);
	if (der_tlv(&cert, &tag, &outer) < 0 || tag != 0x30)
		return -1;
	if (der_tlv(&outer, &tag, &tbs) < 0 || tag != 0x30)
		return -1;
	if (der_tlv(&tbs, &tag, &v) < 0)
		return -1;
	if (tag == 0xa0 && der_tlv(&tbs, &tag, &v) < 0) /* [0] EXPLICIT version */
		return -1;
	if (tag != 0x02)
		return -1;
	/* the serial's value bytes, not its tag and length: they are the number */
	r->serial[0] = v.off, r->serial[1] = cursor_left(&v);
	if (der_tlv(&tbs, &tag, &v) < 0 || tag != 0x30) /* signature AlgorithmIdentifier */
		return -1;
	s = tbs.off;
	if (der_tlv(&tbs, &tag, &v) < 0 || tag != 0x30)
		return -1;
	r->issuer[0] = s, r->issuer[1] = tbs.off - s;
	s = tbs.off;
	if (der_tlv(&tbs, &tag, &v) < 0 || tag != 0x30)
		return -1;
	r->validity[0] = s, r->validity[1] = tbs.off - s;
	s = v.off;
	if (der_tlv(&v, &tag, &val) == 0)
		r->not_before[0] = s, r->not_before[1] = v.off - s;
	s = v.off;
	if (der_tlv(&v, &tag, &val) == 0)
		r->not_after[0] = s, r->not_after[1] = v.off - s;
	s = tbs.off;
	if (der_tlv(&tbs, &tag, &v) < 0 || tag != 0x30)
		return -1;
	r->subject[0] = s, r->subject[1] = tbs.off - s;
	s = tbs.off;
	if (der_tlv(&tbs, &tag, &v) < 0 || tag != 0x30)
		return -1;
	r->spki[0] = s, r->spki[1] = tbs.off - s;
	/* optional issuerUniqueID [1], subjectUniqueID [2], extensions [3] */
	while (der_tlv(&tbs, &tag, &v) == 0) {
		struct cursor exts;

		if (tag != 0xa3 || der_tlv(&v, &tag, &exts) < 0 || tag != 0x30)
			continue;
		while (cursor_left(&exts) > 0) {
			struct cursor ext;
			struct cursor oid;

			s = exts.off;
			if (der_tlv(&exts, &tag, &ext) < 0 || der_tlv(&ext, &tag, &oid) < 0)
				break;
			/* 2.5.29.17 subjectAltName */
			if (tag == 0x06 && cursor_left(&oid) == 3 &&
			    memcmp(oid.p + oid.off, "\x55\x1d\x11", 3) == 0)
				r->san[0] = s, r->san[1] = exts.off - s;
		}
	}
	s = outer.off;
	if (der_tlv(&outer, &tag, &v) == 0 && tag == 0x30)
		r->sigalg[0] = s, r->sigalg[1] = outer.off - s;
	return 0;
}

/* An X509_NAME as an RFC 2253 string ("CN=localhost"). */
static void name_rfc2253(const X509_NAME *nm, char *out, size_t n)
{
	BIO *b = BIO_new(BIO_s_mem());
	int got;

	out[0] = 0;
	if (b == NULL)
		return;
	if (X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253) >= 0) {
		got = BIO_read(b, out, (int)n - 1);
		out[got > 0 ? got : 0] = 0;
	}
	BIO_free(b);
}

/* An ASN1_TIME as "2024-05-01 12:00:00 UTC". */
static void time_str(const ASN1_TIME *t, char *out, size_t n)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1) {
		snprintf(out, n, "(unreadable time)");
		return;
	}
	strftime(out, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

/* subjectAltName entries as "DNS:localhost, IP:127.0.0.1". */
static void san_str(X509 *x, char *out, size_t n)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	char ip[INET6_ADDRSTRLEN];

	out[0] = 0;
	for (int i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const char *sep = out[0] ? ", " : "";
		int type;
		const ASN1_STRING *s = GENERAL_NAME_get0_value(g, &type);
		const unsigned char *p = s != NULL ? ASN1_STRING_get0_data(s) : NULL;
		int len = s != NULL ? ASN1_STRING_length(s) : 0;

		if (p == NULL && type != GEN_OTHERNAME)
			continue;
		if (type == GEN_DNS || type == GEN_EMAIL || type == GEN_URI) {
			char *q = sanitize_span(p, (size_t)len);

			appendf(out, n, "%s%s:%s", sep, type == GEN_DNS ? "DNS" : type == GEN_EMAIL ? "email" : "URI",
				q != NULL ? q : "?");
			free(q);
		} else if (type == GEN_IPADD && (len == 4 || len == 16) &&
			 inet_ntop(len == 4 ? AF_INET : AF_INET6, p, ip, sizeof ip) != NULL)
			appendf(out, n, "%sIP:%s", sep, ip);
		else
			appendf(out, n, "%sother name (type %d)", sep, type);
	}
	GENERAL_NAMES_free(gens);
}

/* "RSA 2048 bits", "EC 256 bits (prime256v1)". */
static void pubkey_str(X509 *x, char *out, size_t n)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	char group[64] = "";
	const char *type;
	int id;

	if (pk == NULL) {
		snprintf(out, n, "(key type not supported by OpenSSL)");
		return;
	}
	id = EVP_PKEY_get_base_id(pk);
	type = id == EVP_PKEY_RSA ? "RSA" : id == EVP_PKEY_EC ? "EC" : OBJ_nid2sn(id);
	if (id == EVP_PKEY_EC)
		EVP_PKEY_get_group_name(pk, group, sizeof group, NULL);
	snprintf(out, n, "%s %d bits%s%s%s", type != NULL ? type : "unknown", EVP_PKEY_get_bits(pk),
		 group[0] ? " (" : "", group, group[0] ? ")" : "");
}

/* Certificates parsed lately, by their DER bytes: the same ones come by in
 * every exchange, and OpenSSL 3's d2i_X509 (the public key goes through the
 * provider decoders) was a fifth of the hooks' cost.  A hit is the same
 * bytes, so it is the same parse. */
#define CERT_CACHE 4
static struct {
	unsigned char *der;
	size_t len;
	X509 *x;
} cert_cache[CERT_CACHE];
static unsigned cert_cache_next;
/* serve decodes in several threads at once */
static pthread_mutex_t cert_cache_mu = PTHREAD_MUTEX_INITIALIZER;

/* Free the kept parses (at exit). */
static void cert_cache_free(void)
{
	for (int i = 0; i < CERT_CACHE; i++) {
		X509_free(cert_cache[i].x);
		free(cert_cache[i].der);
		cert_cache[i].x = NULL;
		cert_cache[i].der = NULL;
	}
}

/* d2i_X509 with the cache: *pp moves past the certificate's DER as d2i
 * would; the caller frees the result. */
static X509 *parse_x509(const unsigned char **pp, size_t len)
{
	static int exit_hook;
	const unsigned char *start = *pp;
	X509 *x;
	unsigned slot;
	unsigned char *copy;

	pthread_mutex_lock(&cert_cache_mu);
	for (int i = 0; i < CERT_CACHE; i++) {
		/* DER says its own length: a prefix match is what d2i reads */
		if (cert_cache[i].x != NULL && cert_cache[i].len <= len &&
		    memcmp(cert_cache[i].der, start, cert_cache[i].len) == 0 && X509_up_ref(cert_cache[i].x) == 1) {
			*pp = start + cert_cache[i].len;
			x = cert_cache[i].x;
			pthread_mutex_unlock(&cert_cache_mu);
			return x;
		}
	}
	pthread_mutex_unlock(&cert_cache_mu);
	x = len <= 0x7fffffff ? d2i_X509(NULL, pp, (long)len) : NULL;
	if (x == NULL)
		return NULL;
	copy = malloc((size_t)(*pp - start));
	if (copy == NULL || X509_up_ref(x) != 1) {
		free(copy);
		return x;
	}
	memcpy(copy, start, (size_t)(*pp - start));
	pthread_mutex_lock(&cert_cache_mu);
	slot = cert_cache_next++ % CERT_CACHE;
	X509_free(cert_cache[slot].x);
	free(cert_cache[slot].der);
	cert_cache[slot].x = x;
	cert_cache[slot].der = copy;
	cert_cache[slot].len = (size_t)(*pp - start);
	if (!exit_hook && atexit(cert_cache_free) == 0)
		exit_hook = 1;
	pthread_mutex_unlock(&cert_cache_mu);
	return x;
}

/* One certificate: OpenSSL's parse for the values, our DER walk for where
 * each part sits in the bytes. */
static void dec_cert(struct dec *d, struct cursor cert, int depth, int index)
{
	const unsigned char *p = cert.p + cert.off;
	size_t len = cursor_left(&cert);
	struct der_ranges r;
	char buf[512];
	char buf2[128];
	X509 *x;
	int idx;
	int walked;

	idx = event_field(d->ev, depth, "certificate", cert.off, len, "certificate %d", index);
	walked = der_walk(cert, &r) == 0;
	x = parse_x509(&p, len);
	if (x == NULL || !walked) {
		event_field(d->ev, depth + 1, "x509_error", cert.off, len,
			    "not a certificate OpenSSL can parse (DER, RFC 5280)");
		goto out;
	}
	if (p != cert.p + cert.len)
		event_field(d->ev, depth + 1, "x509_error", (size_t)(p - cert.p),
			    cert.len - (size_t)(p - cert.p), "bytes after the certificate's DER");
	name_rfc2253(X509_get_subject_name(x), buf, sizeof buf);
	set_value(d->ev, idx, "%s", buf[0] ? buf : "(empty subject)");
	event_field_hex(d->ev, depth + 1, "serial_number", r.serial[0], r.serial[1], 24);
	name_rfc2253(X509_get_issuer_name(x), buf, sizeof buf);
	event_field(d->ev, depth + 1, "issuer", r.issuer[0], r.issuer[1], "%s", buf);
	time_str(X509_get0_notBefore(x), buf, sizeof buf);
	time_str(X509_get0_notAfter(x), buf2, sizeof buf2);
	event_field(d->ev, depth + 1, "validity", r.validity[0], r.validity[1], "%s to %s", buf,
		    buf2);
	event_field(d->ev, depth + 2, "not_before", r.not_before[0], r.not_before[1], "%s", buf);
	event_field(d->ev, depth + 2, "not_after", r.not_after[0], r.not_after[1], "%s", buf2);
	name_rfc2253(X509_get_subject_name(x), buf, sizeof buf);
	event_field(d->ev, depth + 1, "subject", r.subject[0], r.subject[1], "%s", buf);
	if (index == 0 &&
	    X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, buf2,
				      sizeof buf2) > 0)
		snprintf(d->sum->cn, sizeof d->sum->cn, "%s", buf2);
	san_str(x, buf, sizeof buf);
	if (buf[0])
		event_field(d->ev, depth + 1, "san", r.san[0], r.san[1], "%s", buf);
	pubkey_str(x, buf, sizeof buf);
	event_field(d->ev, depth + 1, "public_key", r.spki[0], r.spki[1], "%s", buf);
	event_field(d->ev, depth + 1, "signature_algorithm", r.sigalg[0], r.sigalg[1], "%s",
		    OBJ_nid2ln(X509_get_signature_nid(x)) != NULL
			    ? OBJ_nid2ln(X509_get_signature_nid(x))
			    : "unknown");
out:
	X509_free(x);
}

/* ---- handshake bodies, one per message ---------------------------------- */

/* ClientHello (RFC 5246 7.4.1.2, RFC 8446 4.1.2). */
static int dec_client_hello(struct dec *d, struct cursor *c)
{
	struct cursor v;
	uint16_t ver;
	uint16_t x;
	size_t off = c->off;
	char methods[64] = "";
	int n = 0;

	if (get_u16(d, c, &ver, "legacy_version") < 0)
		return -1;
	field_named(d, 0, "legacy_version", off, 2, tlsdecode_version_name(ver), ver, 4);
	d->sum->version = ver;
	if (dec_random(d, c, 0) < 0 || dec_session_id(d, c) < 0)
		return -1;
	if (get_vec(d, c, 2, &v, "cipher_suites") < 0)
		return -1;
	if (cursor_left(&v) % 2 != 0)
		return fail(d, v.off, "cipher_suites: odd length %zu", cursor_left(&v));
	{
		/* signalling values and GREASE travel in the list but are not
		 * suites: count them apart */
		struct cursor all = v;
		size_t total = cursor_left(&v) / 2;

		while (cursor_u16(&all, &x) == 0) {
			if (x == 0x00ff || x == 0x5600)
				d->sum->nscsv++;
			else if (is_grease(x))
				d->sum->ngrease++;
		}
		d->sum->nsuites = (int)total - d->sum->nscsv - d->sum->ngrease;
		event_field(d->ev, 0, "cipher_suites", v.off - 2, cursor_left(&v) + 2, "%d suite%s%s%s",
			    d->sum->nsuites, d->sum->nsuites == 1 ? "" : "s",
			    d->sum->nscsv == 0 ? ""
			    : d->sum->nscsv == 1 ? " + 1 signalling value (not a suite)"
						 : " + 2 signalling values (not suites)",
			    d->sum->ngrease ? " + GREASE (not suites, RFC 8701)" : "");
	}
	while (cursor_left(&v) >= 2) {
		off = v.off;
		cursor_u16(&v, &x);
		if (x == 0x00ff)
			event_field(d->ev, 1, "signal", off, 2, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV (0x00ff): not a "
				    "suite but a signal: the client supports secure renegotiation (RFC 5746 section "
				    "3.3); the server answers with renegotiation_info");
		else if (x == 0x5600)
			event_field(d->ev, 1, "signal", off, 2, "TLS_FALLBACK_SCSV (0x5600): not a suite but a "
				    "signal: this is a fallback retry at a lower version (RFC 7507)");
		else
			field_named(d, 1, "cipher_suite", off, 2, tlsdecode_cipher_name(x), x, 4);
	}
	if (get_vec(d, c, 1, &v, "compression_methods") < 0)
		return -1;
	off = v.off - 1;
	{
		struct cursor m = v;
		uint8_t b;

		while (cursor_u8(&m, &b) == 0)
			appendf(methods, sizeof methods, "%s%s", n++ ? ", " : "",
				b == 0 ? "null" : "deflate or other");
	}
	event_field(d->ev, 0, "compression_methods", off, cursor_left(&v) + 1, "%s",
		    methods[0] ? methods : "(none)");
	/* TLS 1.2 allows a ClientHello without any extensions block */
	if (cursor_left(c) == 0)
		return 0;
	return dec_extensions(d, c, 0, HS_CLIENT_HELLO);
}

/* ServerHello, or a HelloRetryRequest in its clothes (RFC 8446 4.1.3). */
static int dec_server_hello(struct dec *d, struct cursor *c)
{
	uint16_t ver;
	uint16_t suite;
	uint8_t comp;
	size_t off = c->off;

	if (get_u16(d, c, &ver, "legacy_version") < 0)
		return -1;
	field_named(d, 0, "legacy_version", off, 2, tlsdecode_version_name(ver), ver, 4);
	d->sum->version = ver;
	if (dec_random(d, c, 1) < 0 || dec_session_id(d, c) < 0)
		return -1;
	off = c->off;
	if (get_u16(d, c, &suite, "cipher_suite") < 0)
		return -1;
	field_named(d, 0, "cipher_suite", off, 2, tlsdecode_cipher_name(suite), suite, 4);
	d->sum->suite = suite;
	d->sum->have_suite = 1;
	off = c->off;
	if (get_u8(d, c, &comp, "compression_method") < 0)
		return -1;
	event_field(d->ev, 0, "compression_method", off, 1, "%s (%u)",
		    comp == 0 ? "null" : "unassigned", comp);
	if (cursor_left(c) == 0)
		return 0;
	return dec_extensions(d, c, 0, HS_SERVER_HELLO);
}

/* Certificate: a u24 list of DER certificates; TLS 1.3 adds a context and
 * per-certificate extensions (RFC 8446 4.4.2). */
static int dec_certificate(struct dec *d, struct cursor *c)
{
	struct cursor ctxv;
	struct cursor list;
	struct cursor peek;
	struct cursor cert;
	int n = 0;

	if (d->ctx.tls13) {
		if (get_vec(d, c, 1, &ctxv, "certificate_request_context") < 0)
			return -1;
		field_hex(d, 0, "certificate_request_context", &ctxv, 0);
	}
	if (get_vec(d, c, 3, &list, "certificate_list") < 0)
		return -1;
	peek = list;
	while (cursor_vec24(&peek, &cert) == 0 &&
	       (!d->ctx.tls13 || cursor_vec16(&peek, &ctxv) == 0))
		n++;
	event_field(d->ev, 0, "certificates", list.off - 3, cursor_left(&list) + 3,
		    "%d certificate%s", n, n == 1 ? "" : "s");
	d->sum->ncerts = n;
	for (int i = 0; cursor_left(&list) > 0; i++) {
		if (get_vec(d, &list, 3, &cert, "cert_data") < 0)
			return -1;
		if (cursor_left(&cert) == 0)
			return fail(d, cert.off, "cert_data: empty certificate");
		dec_cert(d, cert, 1, i);
		if (d->ctx.tls13 && dec_extensions(d, &list, 2, HS_CERTIFICATE) < 0)
			return -1;
	}
	return 0;
}

/* ServerKeyExchange: ECDHE params (RFC 8422 5.4) or DHE params, then the
 * server's signature over both randoms and the params. */
static int dec_server_key_exchange(struct dec *d, struct cursor *c)
{
	struct cursor v;
	uint8_t ct;
	uint16_t g;
	size_t off = c->off;
	size_t params = c->off;

	if (!d->ctx.kex_ecdhe) { /* ServerDHParams (RFC 5246 7.4.3) */
		static const char *const names[] = {"dh_p", "dh_g", "dh_public"};

		for (int i = 0; i < 3; i++) {
			if (get_vec(d, c, 2, &v, names[i]) < 0)
				return -1;
			field_hex(d, 0, names[i], &v, 32);
		}
		return dec_signature(d, c, 1);
	}
	if (get_u8(d, c, &ct, "curve_type") < 0)
		return -1;
	event_field(d->ev, 0, "curve_type", off, 1, "%s (%u)",
		    ct == 3 ? "named_curve" : "unsupported", ct);
	if (ct != 3) /* explicit curves are deprecated (RFC 8422 5.4) */
		return fail(d, off, "curve_type %u: only named_curve (3) is defined", ct);
	off = c->off;
	if (get_u16(d, c, &g, "named_group") < 0)
		return -1;
	field_named(d, 0, "named_group", off, 2, tlsdecode_group_name(g), g, 4);
	d->sum->group = g;
	if (get_vec(d, c, 1, &v, "public_key") < 0)
		return -1;
	field_hex(d, 0, "public_key", &v, 48);
	d->sum->keys.group = g;
	d->sum->keys.point = (struct tlsdecode_span){v.off, cursor_left(&v)};
	d->sum->keys.params = (struct tlsdecode_span){params, c->off - params};
	return dec_signature(d, c, 1);
}

/* ClientKeyExchange: the RSA-encrypted pre-master secret (RFC 5246 7.4.7.1)
 * or the client's ECDHE public point (RFC 8422 5.7). */
static int dec_client_key_exchange(struct dec *d, struct cursor *c)
{
	struct cursor v;

	if (d->ctx.kex_ecdhe) {
		if (get_vec(d, c, 1, &v, "public_key") < 0)
			return -1;
		d->sum->len = cursor_left(&v);
		d->sum->keys.point = (struct tlsdecode_span){v.off, cursor_left(&v)};
		return field_hex(d, 0, "public_key", &v, 48) < 0 ? -1 : 0;
	}
	if (get_vec(d, c, 2, &v, "encrypted_pre_master") < 0)
		return -1;
	d->sum->len = cursor_left(&v);
	d->sum->keys.point = (struct tlsdecode_span){v.off, cursor_left(&v)};
	return field_hex(d, 0, "encrypted_pre_master", &v, 48) < 0 ? -1 : 0;
}

/* NewSessionTicket: RFC 5077 3.3 in TLS 1.2, RFC 8446 4.6.1 in TLS 1.3. */
static int dec_new_session_ticket(struct dec *d, struct cursor *c)
{
	struct cursor v;
	uint32_t u;
	size_t off = c->off;

	if (get_u32(d, c, &u, d->ctx.tls13 ? "ticket_lifetime" : "ticket_lifetime_hint") < 0)
		return -1;
	event_field(d->ev, 0, d->ctx.tls13 ? "ticket_lifetime" : "ticket_lifetime_hint", off, 4,
		    "%u seconds", u);
	d->sum->lifetime = u;
	if (d->ctx.tls13) {
		off = c->off;
		if (get_u32(d, c, &u, "ticket_age_add") < 0)
			return -1;
		event_field(d->ev, 0, "ticket_age_add", off, 4, "0x%08x", u);
		if (get_vec(d, c, 1, &v, "ticket_nonce") < 0)
			return -1;
		field_hex(d, 0, "ticket_nonce", &v, 0);
	}
	if (get_vec(d, c, 2, &v, "ticket") < 0)
		return -1;
	d->sum->len = cursor_left(&v);
	field_hex(d, 0, "ticket", &v, 48);
	if (d->ctx.tls13)
		return dec_extensions(d, c, 0, HS_NEW_SESSION_TICKET);
	return 0;
}

/* CertificateRequest: RFC 5246 7.4.4, or context + extensions in TLS 1.3. */
static int dec_certificate_request(struct dec *d, struct cursor *c)
{
	struct cursor v;
	struct cursor dn;
	char out[128] = "";

	if (d->ctx.tls13) {
		if (get_vec(d, c, 1, &v, "certificate_request_context") < 0)
			return -1;
		field_hex(d, 0, "certificate_request_context", &v, 0);
		return dec_extensions(d, c, 0, HS_CERTIFICATE_REQUEST);
	}
	if (dec_u8_list(d, c, 0, "certificate_type", IANA_CERT_TYPE, out,
			sizeof out) < 0)
		return -1;
	out[0] = 0;
	if (dec_u16_list(d, c, 2, 0, "signature_algorithm", tlsdecode_sigalg_name, out,
			 sizeof out) < 0)
		return -1;
	if (get_vec(d, c, 2, &v, "certificate_authorities") < 0)
		return -1;
	event_field(d->ev, 0, "certificate_authorities", v.off - 2, cursor_left(&v) + 2,
		    "%zu bytes of distinguished names", cursor_left(&v));
	while (cursor_left(&v) > 0) {
		size_t off = v.off;

		if (get_vec(d, &v, 2, &dn, "distinguished_name") < 0)
			return -1;
		event_field(d->ev, 1, "distinguished_name", off, v.off - off, "%zu bytes",
			    cursor_left(&dn));
	}
	return 0;
}

/* The body of a handshake message of this type. */
static int dec_body(struct dec *d, uint8_t type, struct cursor *c)
{
	struct cursor v;
	uint8_t u;
	size_t off = c->off;

	switch (type) {
	case HS_CLIENT_HELLO:
		return dec_client_hello(d, c);
	case HS_SERVER_HELLO:
		return dec_server_hello(d, c);
	case HS_ENCRYPTED_EXTENSIONS:
		return dec_extensions(d, c, 0, HS_ENCRYPTED_EXTENSIONS);
	case HS_CERTIFICATE:
		return dec_certificate(d, c);
	case HS_SERVER_KEY_EXCHANGE:
		return dec_server_key_exchange(d, c);
	case HS_CERTIFICATE_REQUEST:
		return dec_certificate_request(d, c);
	case HS_CERTIFICATE_VERIFY:
		return dec_signature(d, c, 1);
	case HS_CLIENT_KEY_EXCHANGE:
		return dec_client_key_exchange(d, c);
	case HS_NEW_SESSION_TICKET:
		return dec_new_session_ticket(d, c);
	case HS_FINISHED:
		cursor_sub(c, cursor_left(c), &v);
		d->sum->len = cursor_left(&v);
		if (cursor_left(&v) == 0)
			return fail(d, off, "Finished: empty verify_data");
		return field_hex(d, 0, "verify_data", &v, 0) < 0 ? -1 : 0;
	case HS_KEY_UPDATE:
		if (get_u8(d, c, &u, "request_update") < 0)
			return -1;
		d->sum->request_update = u;
		return event_field(d->ev, 0, "request_update", off, 1, "%s (%u)",
				   u == 0   ? "update_not_requested"
				   : u == 1 ? "update_requested"
					    : "invalid",
				   u) < 0
			       ? -1
			       : 0;
	case HS_SERVER_HELLO_DONE:
	case 0:  /* HelloRequest */
	case 5:  /* EndOfEarlyData */
		return 0;
	default:
		cursor_sub(c, cursor_left(c), &v);
		if (cursor_left(&v) > 0)
			field_hex(d, 0, "body", &v, 64);
		return 0;
	}
}

/* Decode one handshake message into ev, filling sum. */
static int decode_handshake(struct event *ev, const struct tlsdecode_ctx *ctx,
			    struct summary *sum)
{
	struct dec d = {.ev = ev, .sum = sum};
	struct cursor c;
	struct cursor body;
	uint8_t type;
	uint32_t len;
	const char *name;
	int rc;

	if (ctx != NULL)
		d.ctx = *ctx;
	cursor_init(&c, ev->raw, ev->raw_len);
	if (cursor_u8(&c, &type) < 0)
		return fail(&d, 0, "empty handshake message: no type byte");
	name = tlsdecode_handshake_name(type);
	event_field(ev, 0, "handshake_type", 0, 1, "%s (%u)", name != NULL ? name : "unassigned",
		    type);
	if (get_u24(&d, &c, &len, "handshake length") < 0)
		return -1;
	event_field(ev, 0, "length", 1, 3, "%u", len);
	d.declared = len;
	d.present = cursor_left(&c);
	cursor_sub(&c, len < d.present ? len : d.present, &body);
	sum->keys.type = type;
	rc = dec_body(&d, type, &body);
	sum->keys.version = sum->version;
	if (rc < 0)
		return -1;
	if (len > d.present)
		return fail(&d, ev->raw_len, "%s cut short", name != NULL ? name : "message");
	if (expect_end(&d, &body, name != NULL ? name : "message") < 0)
		return -1;
	if (cursor_left(&c) > 0)
		return fail(&d, c.off, "%zu bytes after the end of the message", cursor_left(&c));
	return 0;
}

static void summary_line(uint8_t type, const struct summary *s, const struct tlsdecode_ctx *ctx,
			 char *out, size_t n);

/* The one-line summary of a decoded handshake message into buf (n > 0):
 * sanitised, cut at n - 1 bytes on a UTF-8 boundary. */
static int summary_text(const struct event *ev, const struct summary *sum, const struct tlsdecode_ctx *ctx,
			int rc, char *buf, size_t n)
{
	char line[512];
	const struct field *err = event_find_field(ev, "error");
	char *clean;
	size_t cut;

	summary_line(ev->raw_len > 0 ? ev->raw[0] : 0, sum, ctx, line, sizeof line);
	if (rc < 0)
		appendf(line, sizeof line, " (malformed: %s)", err != NULL ? err->value : "?");
	clean = sanitize_bytes(line, strlen(line));
	if (clean == NULL) {
		buf[0] = 0;
		return -1;
	}
	cut = strlen(clean);
	if (cut > n - 1) {
		cut = n - 1;
		/* never end in the middle of a UTF-8 sequence */
		while (cut > 0 && ((unsigned char)clean[cut] & 0xc0) == 0x80)
			cut--;
	}
	memcpy(buf, clean, cut);
	buf[cut] = 0;
	free(clean);
	return 0;
}

/* see tlsdecode.h */
int tlsdecode_handshake_keys(struct event *ev, const struct tlsdecode_ctx *ctx,
			     struct tlsdecode_keys *keys)
{
	struct summary sum;
	char line[TLSDECODE_SUMMARY_MAX];
	int rc;

	memset(&sum, 0, sizeof sum);
	rc = decode_handshake(ev, ctx, &sum);
	if (ev->raw_len > 0 && ev->raw[0] == HS_SERVER_HELLO)
		ev->tls_version = sum.version;
	if (summary_text(ev, &sum, ctx, rc, line, sizeof line) == 0)
		event_set_summary(ev, "%s", line);
	if (keys != NULL)
		*keys = sum.keys;
	return rc;
}

/* see tlsdecode.h */
int tlsdecode_handshake(struct event *ev, const struct tlsdecode_ctx *ctx)
{
	return tlsdecode_handshake_keys(ev, ctx, NULL);
}

/* see tlsdecode.h */
int tlsdecode_keys(const uint8_t *msg, size_t len, const struct tlsdecode_ctx *ctx,
		   struct tlsdecode_keys *keys)
{
	struct event ev;
	struct summary sum;
	int rc;

	memset(&ev, 0, sizeof ev);
	memset(&sum, 0, sizeof sum);
	/* the decoder only reads raw; the cast lets a const buffer through */
	ev.raw = (uint8_t *)(uintptr_t)msg;
	ev.raw_len = msg != NULL ? len : 0;
	rc = decode_handshake(&ev, ctx, &sum);
	for (size_t i = 0; i < ev.nfields; i++) {
		free(ev.fields[i].name);
		free(ev.fields[i].value);
	}
	free(ev.fields);
	*keys = sum.keys;
	return rc;
}

/* ---- ChangeCipherSpec, alerts, records ---------------------------------- */

/* The CCS payload: one byte, 1 (RFC 5246 7.1). */
static int dec_ccs(struct dec *d, struct cursor *c)
{
	uint8_t v;
	size_t off = c->off;

	if (get_u8(d, c, &v, "change_cipher_spec") < 0)
		return -1;
	event_field(d->ev, 0, "change_cipher_spec", off, 1,
		    "%u (%s)", v, v == 1 ? "change_cipher_spec: the only value" : "invalid");
	if (v != 1)
		return fail(d, off, "change_cipher_spec: value %u, must be 1", v);
	return expect_end(d, c, "change_cipher_spec");
}

/* The alert payload: level then description (RFC 5246 7.2). */
static int dec_alert(struct dec *d, struct cursor *c)
{
	uint8_t level;
	uint8_t desc;
	size_t off = c->off;
	const char *name;

	if (get_u8(d, c, &level, "alert level") < 0)
		return -1;
	event_field(d->ev, 0, "level", off, 1, "%s (%u)",
		    level == 1 ? "warning" : level == 2 ? "fatal" : "unknown", level);
	if (get_u8(d, c, &desc, "alert description") < 0)
		return -1;
	name = tlsdecode_alert_name(desc);
	event_field(d->ev, 0, "description", off + 1, 1, "%s (%u)", name != NULL ? name : "unassigned alert",
		    desc);
	d->ev->alert.level = level;
	d->ev->alert.description = desc;
	return expect_end(d, c, "alert");
}

/* see tlsdecode.h */
int tlsdecode_ccs(struct event *ev)
{
	struct summary sum;
	struct dec d = {.ev = ev, .sum = &sum};
	struct cursor c;

	memset(&sum, 0, sizeof sum);
	cursor_init(&c, ev->raw, ev->raw_len);
	/* ChangeCipherSpec is never encrypted: it announces the switch */
	ev->wire = WIRE_CLEAR;
	return dec_ccs(&d, &c);
}

/* see tlsdecode.h */
int tlsdecode_alert(struct event *ev)
{
	struct summary sum;
	struct dec d = {.ev = ev, .sum = &sum};
	struct cursor c;

	memset(&sum, 0, sizeof sum);
	cursor_init(&c, ev->raw, ev->raw_len);
	return dec_alert(&d, &c);
}

/* Does the fragment hold whole plaintext handshake messages back to back?
 * A TLS 1.2 record of type 22 after ChangeCipherSpec is encrypted and will
 * almost never chain up exactly. */
static int plaintext_handshakes(struct cursor f)
{
	uint8_t t;
	uint32_t len;
	int n = 0;

	while (cursor_left(&f) > 0) {
		if (cursor_u8(&f, &t) < 0 || cursor_u24(&f, &len) < 0 || cursor_skip(&f, len) < 0)
			return 0;
		if (tlsdecode_handshake_name(t) == NULL)
			return 0;
		n++;
	}
	return n > 0;
}

/* An encrypted fragment, taken apart by the negotiated suite's layout
 * (protocol/recordcrypt.h); a suite httpsviz does not know is said so. */
static int dec_encrypted(struct dec *d, struct cursor *f, const struct tlsdecode_rec *rc)
{
	const struct recordcrypt_suite *s = rc->suite != 0 ? recordcrypt_suite(rc->suite) : NULL;
	const char *sname = rc->suite != 0 ? tlsdecode_cipher_name(rc->suite) : NULL;
	struct recordcrypt_layout lay;
	struct cursor v;
	size_t n = cursor_left(f);
	size_t ct;
	int depth = rc->tls13 ? 1 : 0;

	if (s == NULL || s->tls13 != (rc->tls13 != 0)) {
		if (rc->suite == 0)
			event_field(d->ev, 0, "encrypted_fragment", f->off, n,
				    "%zu bytes, encrypted; the cipher suite is not known here, so its parts are not "
				    "shown", n);
		else
			event_field(d->ev, 0, "encrypted_fragment", f->off, n,
				    "%zu bytes, encrypted with %s (0x%04x): httpsviz does not decode this suite's "
				    "records, so its parts are not shown", n, sname != NULL ? sname : "an unknown suite",
				    rc->suite);
		return 0;
	}
	recordcrypt_layout(s, rc->etm, &lay);
	if (n < lay.min_len)
		return fail(d, f->off, "encrypted record: %zu bytes, less than the %zu this suite needs", n,
			    lay.min_len);
	ct = n - lay.head_len - lay.tail_len;
	if (lay.block > 1 && ct % lay.block != 0)
		return fail(d, f->off, "CBC record: %zu bytes of ciphertext, not a whole number of %zu-byte blocks",
			    ct, lay.block);
	if (rc->tls13)
		event_field(d->ev, 0, "encrypted_record", f->off, n,
			    "%zu bytes: the real content type is inside the encryption, "
			    "the header always says application_data", n);
	switch (s->kind) {
	case RECORDCRYPT_AES_GCM:
		event_field(d->ev, depth, "protection", 0, 0, "%s%s", s->cipher,
			    rc->tls13 ? ": ciphertext, then a 16-byte tag; the nonce is computed, not sent"
				      : ": an 8-byte explicit nonce, the ciphertext, a 16-byte tag (RFC 5288)");
		break;
	case RECORDCRYPT_CHACHA20_POLY1305:
		event_field(d->ev, depth, "protection", 0, 0, "%s: ciphertext, then a 16-byte Poly1305 tag; "
			    "no explicit nonce, the nonce is computed from the sequence number (%s)", s->cipher,
			    rc->tls13 ? "RFC 8446 section 5.3" : "RFC 7905");
		break;
	case RECORDCRYPT_AES_CBC:
		event_field(d->ev, depth, "protection", 0, 0, "%s with HMAC-%s, %s", s->cipher, s->mac,
			    rc->etm ? "encrypt-then-MAC (RFC 7366): a 16-byte IV, the ciphertext (content and "
				      "padding), then the HMAC in the clear"
				    : "MAC-then-encrypt (RFC 5246 section 6.2.3.2): a 16-byte IV, then the "
				      "ciphertext, which hides the content, the HMAC and the padding");
		break;
	}
	if (lay.head_len > 0) {
		cursor_sub(f, lay.head_len, &v);
		field_hex(d, depth, lay.head_name, &v, 0);
	}
	cursor_sub(f, ct, &v);
	field_hex(d, depth, "ciphertext", &v, 32);
	if (lay.tail_len > 0) {
		cursor_sub(f, lay.tail_len, &v);
		return field_hex(d, depth, lay.tail_name, &v, 0) < 0 ? -1 : 0;
	}
	return 0;
}

/* Whether a record (outer content type, fragment length) is protected.
 * TLS 1.3 hides every protected record as application_data (RFC 8446
 * 5.2); TLS 1.2 keeps the type, and its only plaintext alert is the bare
 * 2-byte one (RFC 5246 7.2: an encrypted alert carries a nonce and a tag).
 * A TLS 1.2 handshake record after ChangeCipherSpec is told by its body,
 * which then does not parse as handshake messages. */
static int record_encrypted(uint8_t type, size_t frag_len, int tls13)
{
	switch (type) {
	case 20: /* change_cipher_spec */
		return 0;
	case 21: /* alert: the bare 2 bytes, or those and the cipher's overhead */
		(void)tls13;
		return frag_len != 2;
	case 23: /* application_data */
		return 1;
	default:
		return 0;
	}
}

/* see tlsdecode.h */
void tlsdecode_wire(struct event *ev, int content_type, const struct tlsdecode_wire *w)
{
	int hs_type = ev->raw_len > 0 ? ev->raw[0] : -1;
	const char *who = w->received ? "peer" : "sender";
	char buf[200];
	const char *how = buf;
	int enc;

	if (w->record_type != 0) {
		/* the record that carried it says it all (an alert goes with the
		 * sender's current write keys: RFC 5246 7.2, RFC 8446 6) */
		size_t total = 5 + w->record_len;

		enc = record_encrypted((uint8_t)w->record_type, w->record_len, w->tls13) ||
		      (content_type == 22 && w->record_type == 22 && w->tls13 == 0 && hs_type == HS_FINISHED);
		if (!enc && content_type == 21)
			snprintf(buf, sizeof buf, "in the clear: a %zu-byte alert record (type 21, length %zu): the %s "
				 "had not switched its write keys yet", total, w->record_len, who);
		else if (!enc)
			snprintf(buf, sizeof buf, "in the clear (a handshake record, type 22)");
		else if (w->record_type == 23)
			snprintf(buf, sizeof buf, "encrypted: a %zu-byte record that says application_data (23); the "
				 "%s type is inside the encryption (TLS 1.3)", total,
				 content_type == 21 ? "alert" : "handshake");
		else if (content_type == 21)
			snprintf(buf, sizeof buf, "encrypted: a %zu-byte alert record (type 21): the 2 alert bytes and "
				 "the cipher's overhead", total);
		else
			snprintf(buf, sizeof buf, "encrypted with the new keys (it follows ChangeCipherSpec)");
	} else if (content_type == 21) {
		/* TLS 1.2 encrypts after the sender's ChangeCipherSpec, TLS 1.3
		 * everything after the ServerHello (RFC 8446 5) */
		enc = w->tls13 ? w->after_server_hello : w->after_ccs;
		how = !enc ? "in the clear (an alert record, type 21)"
		      : w->tls13 ? "encrypted: TLS 1.3 protects every record after the ServerHello"
				 : "encrypted: it follows this side's ChangeCipherSpec";
	} else if (w->tls13 && hs_type != HS_CLIENT_HELLO && hs_type != HS_SERVER_HELLO) {
		enc = 1;
		how = "encrypted: TLS 1.3 protects every handshake message after the ServerHello";
	} else if (hs_type == HS_FINISHED) {
		enc = 1;
		how = "encrypted with the new keys (it follows ChangeCipherSpec)";
	} else {
		enc = 0;
		how = "in the clear (a handshake record, type 22)";
	}
	ev->wire = enc ? WIRE_ENCRYPTED : WIRE_CLEAR;
	event_field(ev, 0, "on_the_wire", 0, 0, "%s", how);
}

/* see tlsdecode.h */
int tlsdecode_record(struct event *ev, const struct tlsdecode_rec *rc)
{
	static const struct tlsdecode_rec plain12 = {0, 0, 0};
	int tls13;
	struct summary sum;
	struct dec d = {.ev = ev, .sum = &sum};
	struct cursor c;
	struct cursor f;
	struct cursor h;
	uint8_t type;
	uint16_t ver;
	uint16_t len;
	const char *name;

	if (rc == NULL)
		rc = &plain12;
	tls13 = rc->tls13;
	memset(&sum, 0, sizeof sum);
	cursor_init(&c, ev->raw, ev->raw_len);
	if (get_u8(&d, &c, &type, "record content type") < 0)
		return -1;
	name = tlsdecode_content_type_name(type);
	event_field(ev, 0, "content_type", 0, 1, "%s (%u)", name != NULL ? name : "unassigned", type);
	if (get_u16(&d, &c, &ver, "record version") < 0)
		return -1;
	if (tls13)
		event_field(ev, 0, "legacy_record_version", 1, 2,
			    "%s (0x%04x): frozen, not the protocol version: TLS 1.3 records say 0x0303 (an initial "
			    "ClientHello may say 0x0301) so that middleboxes which inspect it keep working; the real "
			    "version is agreed in supported_versions (RFC 8446 section 5.1)",
			    tlsdecode_version_name(ver) != NULL ? tlsdecode_version_name(ver) : "unassigned", ver);
	else
		field_named(&d, 0, "version", 1, 2, tlsdecode_version_name(ver), ver, 4);
	if (get_u16(&d, &c, &len, "record length") < 0)
		return -1;
	event_field(ev, 0, "length", 3, 2, "%u", len);
	if (ev->raw_len == 5 && len > 0) {
		event_field(ev, 0, "fragment", 5, 0, "not included: this is the record header alone");
		return 0;
	}
	/* RFC 8446 5.2 allows 2^14 + 256 bytes of ciphertext, RFC 5246 2^14 + 2048 */
	if (len > (tls13 ? 16384 + 256 : 16384 + 2048))
		return fail(&d, 3, "record length %u exceeds the maximum of %u (record_overflow)",
			    len, tls13 ? 16384 + 256 : 16384 + 2048);
	d.declared = len;
	d.present = cursor_left(&c);
	cursor_sub(&c, len < d.present ? len : d.present, &f);
	if (len > d.present)
		return fail(&d, ev->raw_len, "record cut short");
	ev->wire = record_encrypted(type, len, tls13) ? WIRE_ENCRYPTED : WIRE_CLEAR;
	switch (type) {
	case 20:
		if (dec_ccs(&d, &f) < 0)
			return -1;
		break;
	case 21:
		if (cursor_left(&f) == 2) {
			if (dec_alert(&d, &f) < 0)
				return -1;
		} else if (dec_encrypted(&d, &f, rc) < 0) {
			return -1;
		}
		break;
	case 22:
		if (!plaintext_handshakes(f)) {
			ev->wire = WIRE_ENCRYPTED;
			if (dec_encrypted(&d, &f, rc) < 0)
				return -1;
			break;
		}
		while (cursor_left(&f) > 0) {
			uint8_t t;
			uint32_t hl;
			size_t off = f.off;

			cursor_u8(&f, &t);
			cursor_u24(&f, &hl);
			cursor_sub(&f, hl, &h);
			event_field(ev, 0, "handshake_message", off, 4 + (size_t)hl, "%s (%u)",
				    tlsdecode_handshake_name(t), t);
		}
		break;
	case 23:
		if (dec_encrypted(&d, &f, rc) < 0)
			return -1;
		break;
	default:
		if (cursor_left(&f) > 0)
			field_hex(&d, 0, "fragment", &f, 64);
		cursor_skip(&f, cursor_left(&f));
		break;
	}
	if (cursor_left(&c) > 0)
		return fail(&d, c.off, "%zu bytes after the end of the record", cursor_left(&c));
	return 0;
}

/* ---- one-line summary --------------------------------------------------- */

/* The line for a decoded message. */
static void summary_line(uint8_t type, const struct summary *s, const struct tlsdecode_ctx *ctx,
			 char *out, size_t n)
{
	const char *v = tlsdecode_version_name(s->version);
	const char *suite = tlsdecode_cipher_name(s->suite);
	const char *group = tlsdecode_group_name(s->group);
	const char *alg = tlsdecode_sigalg_name(s->sigalg);
	int ecdhe = ctx != NULL && ctx->kex_ecdhe;

	out[0] = 0;
	switch (type) {
	case HS_CLIENT_HELLO:
		appendf(out, n, "ClientHello %s, %d suite%s%s", v != NULL ? v : "unassigned version",
			s->nsuites, s->nsuites == 1 ? "" : "s", s->nscsv ? " + SCSV" : "");
		if (s->sni[0])
			appendf(out, n, ", SNI %s", s->sni);
		break;
	case HS_SERVER_HELLO:
		appendf(out, n, "%s ", s->hrr ? "HelloRetryRequest" : "ServerHello");
		if (suite != NULL)
			appendf(out, n, "%s", suite);
		else
			appendf(out, n, "unassigned suite (0x%04x)", s->suite);
		if (s->version == 0x0304)
			appendf(out, n, ", TLS 1.3");
		if (s->downgrade)
			appendf(out, n, ", DOWNGRD sentinel");
		break;
	case HS_CERTIFICATE:
		appendf(out, n, "Certificate: %d cert%s", s->ncerts, s->ncerts == 1 ? "" : "s");
		if (s->cn[0])
			appendf(out, n, ", CN=%s", s->cn);
		break;
	case HS_SERVER_KEY_EXCHANGE:
		if (ecdhe)
			appendf(out, n, "ServerKeyExchange: ECDHE %s", group ? group : "unassigned group");
		else
			appendf(out, n, "ServerKeyExchange: DHE");
		if (s->have_sigalg)
			appendf(out, n, ", signed %s", alg ? alg : "with unknown algorithm");
		break;
	case HS_CLIENT_KEY_EXCHANGE:
		if (ecdhe)
			appendf(out, n, "ClientKeyExchange: ECDHE public key (%zu bytes)", s->len);
		else
			appendf(out, n,
				"ClientKeyExchange: RSA-encrypted pre-master secret (%zu bytes)",
				s->len);
		break;
	case HS_CERTIFICATE_VERIFY:
		appendf(out, n, "CertificateVerify: %s signature (%zu bytes)",
			alg ? alg : "unassigned", s->len);
		break;
	case HS_FINISHED:
		appendf(out, n, "Finished: verify_data %zu bytes", s->len);
		break;
	case HS_NEW_SESSION_TICKET:
		appendf(out, n, "NewSessionTicket: %zu-byte ticket, lifetime %u s", s->len,
			s->lifetime);
		break;
	case HS_ENCRYPTED_EXTENSIONS:
		appendf(out, n, "EncryptedExtensions: %d extension%s", s->nexts,
			s->nexts == 1 ? "" : "s");
		break;
	case HS_KEY_UPDATE:
		appendf(out, n, "KeyUpdate (%s)",
			s->request_update ? "update_requested" : "update_not_requested");
		break;
	default:
		if (tlsdecode_handshake_name(type) != NULL)
			appendf(out, n, "%s", tlsdecode_handshake_name(type));
		else
			appendf(out, n, "handshake message type %u", type);
		break;
	}
}

/* see tlsdecode.h */
int tlsdecode_summary(const uint8_t *msg, size_t len, const struct tlsdecode_ctx *ctx,
		      char *buf, size_t n)
{
	struct event ev;
	struct summary sum;
	int rc;

	if (buf == NULL || n == 0)
		return -1;
	memset(&ev, 0, sizeof ev);
	memset(&sum, 0, sizeof sum);
	/* the decoder only reads raw; the cast lets a const buffer through */
	ev.raw = (uint8_t *)(uintptr_t)msg;
	ev.raw_len = msg != NULL ? len : 0;
	rc = decode_handshake(&ev, ctx, &sum);
	if (summary_text(&ev, &sum, ctx, rc, buf, n) < 0)
		rc = -1;
	for (size_t i = 0; i < ev.nfields; i++) {
		free(ev.fields[i].name);
		free(ev.fields[i].value);
	}
	free(ev.fields);
	return rc;
}

/* see tlsdecode.h */
int tlsdecode_offer_rank(struct event *ev, const uint8_t *client_hello, size_t len)
{
	struct cursor c;
	struct cursor v;
	uint16_t chosen;
	uint16_t x;
	uint8_t b;
	int rank = 0;
	int total = 0;
	int at = 0;

	/* the ServerHello's suite: type (1), length (3), version (2), random
	 * (32), session id (1 + n) */
	cursor_init(&c, ev->raw, ev->raw_len);
	if (cursor_u8(&c, &b) < 0 || b != 2 || cursor_skip(&c, 3 + 2 + 32) < 0 || cursor_vec8(&c, &v) < 0 ||
	    cursor_u16(&c, &chosen) < 0)
		return -1;
	cursor_init(&c, client_hello, len);
	if (cursor_u8(&c, &b) < 0 || b != 1 || cursor_skip(&c, 3 + 2 + 32) < 0 || cursor_vec8(&c, &v) < 0 ||
	    cursor_vec16(&c, &v) < 0)
		return -1;
	while (cursor_u16(&v, &x) == 0) {
		if (x == 0x00ff || x == 0x5600 || is_grease(x))
			continue;
		total++;
		if (x == chosen && at == 0)
			at = total;
	}
	rank = at;
	if (rank == 0)
		return -1;
	event_field(ev, 0, "client_rank", 0, 0, "number %d of the client's %d suite%s%s", rank, total, total == 1 ? "" : "s",
		    rank == 1 ? ": the client's first choice" : ": the server chose it, not the client's first choice");
	return 0;
}
