#include "protocol/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "protocol/sanitize.h"

struct evinfo {
	const char *name;
	enum layer layer;
	const char *label;
};

#define EVENT_INFO_ENTRY(id, name, layer, label) [EV_##id] = {name, layer, label},
static const struct evinfo evinfo[EV__COUNT] = {EVENT_CATALOGUE(EVENT_INFO_ENTRY)};
#undef EVENT_INFO_ENTRY

/* What each kind of event means, for the inspector and --trace -v.  Checked
 * against RFC 5246 (TLS 1.2), RFC 8446 (TLS 1.3), RFC 9293 (TCP) and
 * RFC 5280 / RFC 6125 (certificates). */
static const char *const explain[EV__COUNT] = {
	[EV_TCP_SYN] = "The client's kernel asks to open a TCP connection. The SYN carries the "
		       "client's initial sequence number (ISN), chosen unpredictably. The SYN itself "
		       "uses up one sequence number, so the first data byte is numbered ISN + 1.",
	[EV_TCP_SYN_ACK] = "The kernel of the listening side accepts (the server's; in the mitm "
			   "scenario the interceptor's, which the client cannot tell apart): it "
			   "acknowledges the client's ISN + 1 and sends its own ISN. TCP numbers bytes in each direction separately, so each "
			   "side must learn the other's starting point.",
	[EV_TCP_ACK] = "The client acknowledges the server's ISN + 1. Both sides now agree on both "
		       "sequence numbers, so the three-way handshake is complete and either side may "
		       "send data. No application has sent a byte yet.",
	[EV_TCP_CONNECTED] = "The TCP connection is established. The kernel did the three-way "
			     "handshake (SYN, SYN-ACK, ACK) on its own; without packet capture the app "
			     "can only see the socket's state, not the segments.",
	[EV_TCP_FIN] = "This side closes its direction of the TCP connection with a FIN: it will "
		       "send no more bytes. A FIN is not authenticated and can be forged, so TLS "
		       "sends an authenticated close_notify first: with it the peer can tell a "
		       "complete stream from one an attacker cut short.",
	[EV_TCP_RST] = "A reset: the kernel refuses or aborts the connection. A SYN answered by "
		       "RST means nothing listens on that port; an RST later means one side gave up "
		       "on the connection without the orderly FIN exchange.",
	[EV_TLS_CLIENT_HELLO] = "The client opens the TLS handshake in the clear: its versions (TLS "
				"1.2: the highest one, in legacy_version; TLS 1.3 clients freeze that "
				"field at 0x0303 and list their versions in the supported_versions "
				"extension), 32 random bytes (the client random), the cipher suites it "
				"accepts in order of preference, and extensions such as the server name "
				"(SNI).",
	[EV_TLS_SERVER_HELLO] = "The server picks one version and one cipher suite from the client's "
				"offer and sends its own 32 random bytes (the server random). Both randoms "
				"feed the key derivation, so each connection gets fresh keys. It may only "
				"answer extensions the client sent (RFC 5246 section 7.4.1.4, RFC 8446 "
				"section 4.2), with one exception: renegotiation_info answers the "
				"TLS_EMPTY_RENEGOTIATION_INFO_SCSV signal (RFC 5746 section 3.6).",
	[EV_TLS_ENCRYPTED_EXTENSIONS] = "TLS 1.3 only: the server's extensions that are not needed "
					"to derive keys, already encrypted with the handshake keys. In "
					"TLS 1.2 all of the server's extensions travel in the "
					"ServerHello, in the clear.",
	[EV_TLS_CERTIFICATE] = "The server sends its certificate chain: its own certificate first "
			       "(its name and public key, signed by a CA), then any intermediate CA "
			       "certificates. The client must now check that chain.",
	[EV_TLS_SERVER_KEY_EXCHANGE] = "With ECDHE the server sends its curve and an ephemeral "
				       "public key and signs them, together with both randoms, using its "
				       "certificate's private key (RFC 8422 section 5.4; DHE does the "
				       "same with a finite-field group, RFC 5246 section 7.4.3). The "
				       "signature proves the key comes from the owner of the "
				       "certificate. RSA key exchange has no such message.",
	[EV_TLS_CERTIFICATE_REQUEST] = "The server asks the client to authenticate with a "
				       "certificate of its own (mutual TLS).",
	[EV_TLS_SERVER_HELLO_DONE] = "TLS 1.2: the server has finished its first flight and now "
				     "waits for the client's key exchange.",
	[EV_TLS_CERTIFICATE_VERIFY] = "TLS 1.3: the server signs the transcript hash from "
				      "ClientHello through its Certificate (prefixed with a fixed "
				      "context string) with its certificate's private key, proving it "
				      "holds that key. In TLS 1.2 this message only exists for client "
				      "certificates.",
	[EV_TLS_CLIENT_KEY_EXCHANGE] = "With RSA key exchange the client sends the 48-byte "
				       "pre-master secret encrypted with the server's public key; only "
				       "the holder of the private key can read it. With ECDHE (or DHE) it "
				       "sends its ephemeral public key instead. Either way the session keys "
				       "themselves never cross the wire: both sides derive them.",
	[EV_TLS_CHANGE_CIPHER_SPEC] = "Not a handshake message but a record type of its own: "
				      "'from my next record on, I encrypt with the keys we just "
				      "derived'. In TLS 1.3 it is only sent for compatibility with "
				      "middleboxes and means nothing.",
	[EV_TLS_FINISHED] = "verify_data, a keyed digest of the hash of every handshake message so "
			    "far, sent encrypted: in TLS 1.2 the PRF keyed by the master secret "
			    "(RFC 5246 section 7.4.9), in TLS 1.3 an HMAC keyed from the sender's "
			    "handshake traffic secret (RFC 8446 section 4.4.4). If an attacker had changed any message, "
			    "or the sides derived different keys, this check fails.",
	[EV_TLS_NEW_SESSION_TICKET] = "The server gives the client an opaque ticket with which it "
				      "can resume this session later without a full handshake. Here "
				      "(OpenSSL) the ticket holds the session's secrets encrypted under "
				      "the server's ticket key; a server may also make it a mere lookup "
				      "key into its own cache. In TLS 1.2 it is sent before ChangeCipherSpec, in "
				      "the clear; in TLS 1.3 after the handshake, encrypted.",
	[EV_TLS_KEY_UPDATE] = "TLS 1.3: the sender switches to fresh traffic keys derived from the "
			      "current ones.",
	[EV_TLS_STATE] = "OpenSSL's own handshake state machine moved on: the state it names is done "
			 "(its info callback). Shown only with --openssl-states, as a cross-check: every "
			 "derivation and check on this side's lifeline stands between the states that "
			 "bracket the work.",
	[EV_KEX_SIGNATURE] = "The client checks a signature the server made with its certificate's private "
			     "key: in TLS 1.2 ECDHE over the ServerKeyExchange (both randoms and the server's "
			     "ephemeral key, RFC 8422 5.4), in TLS 1.3 over the CertificateVerify content (64 "
			     "spaces, a context string, a zero byte and the transcript hash, RFC 8446 4.4.3). "
			     "It proves the key exchange comes from whoever holds the certificate's key.",
	[EV_TLS_HANDSHAKE_UNKNOWN] = "A handshake message of a type this tool does not decode; its "
				     "bytes are shown as they are.",
	[EV_TLS_HANDSHAKE_DONE] = "This side's TLS handshake is complete: keys are in place, the "
				  "client has verified the server's certificate (unless told to "
				  "ignore failures, as with --insecure), the client itself is not "
				  "authenticated unless it sent a certificate, and application data "
				  "may flow.",
	[EV_TLS_APPLICATION_DATA] = "An encrypted TLS record (content type 23) exactly as it crossed "
				    "the network. An eavesdropper sees only this: the record header and "
				    "the protected fragment. The negotiated suite also authenticates it, "
				    "so any change is detected: an AEAD tag (AES-GCM, "
				    "ChaCha20-Poly1305) or an HMAC (CBC suites); the protection field "
				    "names this record's. In TLS 1.3 every encrypted record says type "
				    "23 and version 0x0303; the real type is inside.",
	[EV_TLS_RECORDS_SUMMARY] = "More encrypted records of the same kind, counted instead of shown one "
				   "by one: how many, how many bytes, and over how long. The first records "
				   "each have an event of their own; a peer may send without end, and "
				   "httpsviz keeps its memory bounded.",
	[EV_TLS_ALERT] = "An alert: a warning or a fatal error. close_notify says the sender has "
			 "finished sending; a fatal alert such as bad_certificate ends the connection. "
			 "An alert is sent under the sender's current write keys: in the clear "
			 "before it switched to encryption (TLS 1.2: its ChangeCipherSpec; TLS 1.3: "
			 "its handshake keys), encrypted after (RFC 8446 section 6).",
	[EV_CERT_KEY] = "The server's public key (and every CA key and signature hash in the "
			"chain) must be as strong as the client's security level asks: at "
			"OpenSSL's level 2, 112-bit security, so RSA and DH keys of at least "
			"2048 bits. OpenSSL checks the server's key first, before it even builds "
			"the chain.",
	[EV_CERT_CHAIN] = "The client builds a chain from the server's certificate up to a root CA "
			  "it already trusts. Without that anchor anyone could make a certificate "
			  "for any name.",
	[EV_CERT_SIGNATURE] = "Each certificate's signature is checked with its issuer's public "
			      "key. A valid signature proves the issuer vouched for exactly this name "
			      "and public key.",
	[EV_CERT_VALIDITY] = "The certificate's notBefore and notAfter dates are compared with the "
			     "current time. An expired certificate may belong to a key that has since "
			     "leaked.",
	[EV_CERT_HOSTNAME] = "The name the client asked for must match a subjectAltName entry of "
			     "the certificate (RFC 6125); OpenSSL consults the subject CN only "
			     "when there is no DNS subjectAltName (RFC 6125 allows this, RFC 9525 "
			     "and browsers do not). Otherwise a valid certificate for "
			     "another site would be accepted.",
	[EV_CERT_REVOCATION] = "Whether the CA has revoked the certificate before its expiry (a "
			       "stolen key, a certificate issued by mistake): the client looks "
			       "for its serial number in the issuing CA's certificate revocation "
			       "list (CRL, RFC 5280). Many clients do not check at all; browsers "
			       "rely on revocation lists their vendor pushes to them.",
	[EV_CERT_VERDICT] = "OpenSSL's overall decision about the certificate chain. On failure the "
			    "client aborts with an alert and sends nothing secret.",
	[EV_KEX_SECRET] = "A secret reported by OpenSSL's keylog callback (the NSS key log format "
			  "that Wireshark reads). The line appears when OpenSSL writes it to the log, which "
			  "is not always when the secret was made: OpenSSL 3 logs the TLS 1.2 master secret "
			  "(CLIENT_RANDOM) as it builds the Finished, after it computed it (kex.master_secret).",
	[EV_KEX_PRE_MASTER] = "The pre-master secret: 48 bytes the client made (2 bytes of version "
			      "and 46 random bytes). It is not itself an encryption key: both sides "
			      "feed it into the PRF, with the two randoms (or, with the extended master "
			      "secret, a hash of the handshake), to get the master secret.",
	[EV_KEX_RSA_DECRYPT] = "The server decrypts the ClientKeyExchange with its RSA private key "
			       "and recovers the same pre-master secret.",
	[EV_KEX_ECDHE] = "Each side combines its own ephemeral private key with the other's public "
			 "key; both get the same shared secret, which never crossed the wire.",
	[EV_KEX_MASTER_SECRET] = "The 48-byte master secret, derived with the TLS PRF from the "
				 "pre-master secret and the randoms (or the session hash, with the "
				 "extended master secret).",
	[EV_KEX_KEY_BLOCK] = "The master secret is expanded into the key block and split, for "
			     "each direction, into what the suite needs: AES-GCM a write key and "
			     "a 4-byte implicit IV (the fixed part of each nonce); "
			     "ChaCha20-Poly1305 a write key and a 12-byte IV; CBC suites a MAC "
			     "key and a write key (each CBC record carries its own IV). Each side "
			     "encrypts with its own write key and decrypts with the peer's.",
	[EV_KEX_FINISHED] = "verify_data recomputed from the hash of the handshake messages (TLS "
			    "1.2: the PRF keyed with the master secret; TLS 1.3: an HMAC keyed with "
			    "the finished key from the sender's handshake traffic secret), compared "
			    "with what was sent.",
	[EV_KEX_TLS13_KEYS] = "TLS 1.3 derives traffic keys and IVs from the traffic secrets with "
			      "HKDF-Expand-Label.",
	[EV_KEX_RECORD_DECRYPT] = "A captured record decrypted by this tool with the derived keys, "
				  "compared with what OpenSSL delivered to the application.",
	[EV_HTTP_REQUEST] = "The HTTP request as the application wrote it. TLS encrypts it before "
			    "it reaches the network, so the path and headers are hidden from "
			    "eavesdroppers; the server's name still shows in the ClientHello (SNI) and "
			    "its address in every IP packet.",
	[EV_HTTP_RESPONSE] = "The HTTP response as the client application read it, after TLS "
			     "decrypted and authenticated it.",
	[EV_ERROR_CONNECT] = "The TCP connection could not be made.",
	[EV_ERROR_TIMEOUT] = "The peer did not answer in time.",
	[EV_ERROR_PEER_CLOSED] = "The peer closed the connection before the exchange was complete.",
	[EV_ERROR_TLS] = "The TLS library reported an error and the connection was aborted.",
	[EV_ERROR_PROTOCOL] = "The peer sent something that is not valid at this point.",
	[EV_ERROR_INTERNAL] = "Something failed inside httpsviz itself.",
};

/* see event.h */
const char *evname_str(enum evname name)
{
	return (unsigned)name < EV__COUNT ? evinfo[name].name : "unknown";
}

/* see event.h */
const char *evname_label(enum evname name)
{
	return (unsigned)name < EV__COUNT ? evinfo[name].label : "?";
}

/* see event.h */
enum layer evname_layer(enum evname name)
{
	return (unsigned)name < EV__COUNT ? evinfo[name].layer : LAYER_ERROR;
}

/* see event.h */
const char *evname_explain(enum evname name)
{
	if ((unsigned)name >= EV__COUNT || explain[name] == NULL)
		return "";
	return explain[name];
}

/* see event.h */
int evname_from_str(const char *s)
{
	for (int i = 0; i < EV__COUNT; i++)
		if (strcmp(evinfo[i].name, s) == 0)
			return i;
	return -1;
}

/* see event.h */
const char *actor_str(enum actor a)
{
	static const char *const names[] = {"client", "server", "kernel", "app", "mitm"};

	return (unsigned)a < sizeof names / sizeof names[0] ? names[a] : "?";
}

/* see event.h */
const char *direction_str(enum direction d)
{
	static const char *const names[] = {"c2s", "s2c", "local"};

	return (unsigned)d < sizeof names / sizeof names[0] ? names[d] : "?";
}

/* see event.h */
const char *layer_str(enum layer l)
{
	static const char *const names[] = {"tcp", "tls", "cert", "kex", "http", "error"};

	return (unsigned)l < sizeof names / sizeof names[0] ? names[l] : "?";
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* see event.h */
void evlog_init(struct evlog *log)
{
	memset(log, 0, sizeof *log);
	log->t0_us = mono_us();
}

/* see event.h */
uint64_t evlog_now_us(const struct evlog *log)
{
	return mono_us() - log->t0_us;
}

static void event_free(struct event *ev)
{
	for (size_t i = 0; i < ev->nfields; i++) {
		free(ev->fields[i].name);
		free(ev->fields[i].value);
	}
	free(ev->fields);
	free(ev->summary);
	free(ev->raw);
	free(ev->x509_error_text);
	free(ev->http.line);
	free(ev->http.method);
	free(ev->http.target);
	free(ev->http.body_line);
	free(ev);
}

/* see event.h */
void evlog_clear(struct evlog *log)
{
	for (size_t i = 0; i < log->n; i++)
		event_free(log->ev[i]);
	free(log->ev);
	log->ev = NULL;
	log->n = 0;
	log->cap = 0;
}

/* The next integer argument of a %d (is_signed) or %u/%x with length lng
 * (0 none, 1 l, 2 ll, 3 z), as magnitude and sign. */
static unsigned long long int_arg(va_list *ap, int is_signed, int lng, int *neg)
{
	long long sv;

	*neg = 0;
	if (!is_signed) {
		if (lng == 0)
			return va_arg(*ap, unsigned);
		if (lng == 1)
			return va_arg(*ap, unsigned long);
		if (lng == 2)
			return va_arg(*ap, unsigned long long);
		return va_arg(*ap, size_t);
	}
	sv = lng == 0 ? va_arg(*ap, int) : lng == 1 ? va_arg(*ap, long) : va_arg(*ap, long long);
	*neg = sv < 0;
	return *neg ? 0ull - (unsigned long long)sv : (unsigned long long)sv;
}

static int quick_format(char *out, size_t cap, const char *fmt, va_list *ap)
	__attribute__((format(printf, 3, 0)));

/* fmt formatted into out[0..cap), the same bytes as vsnprintf, when it uses
 * only plain text, %%, %s and %d %u %x (with l, ll or z; %d without z),
 * each with an optional '0' flag (not %s) and a width (digits or '*').
 * Returns the length, or -1 for anything else, a NULL string or text that
 * does not fit: then vsnprintf formats it.  glibc's printf machinery costs
 * about a thousand instructions a call, and serve makes over a hundred
 * thousand fields a second. */
static int quick_format(char *out, size_t cap, const char *fmt, va_list *ap)
{
	size_t o = 0;

	for (const char *p = fmt; *p != '\0'; p++) {
		char num[24];
		const char *text = NULL;
		size_t len = 0, pad, width = 0;
		int zero = 0, lng = 0, neg = 0;
		unsigned long long v = 0;
		unsigned base = 10;

		if (*p != '%') {
			len = strcspn(p, "%");
			if (o + len >= cap)
				return -1;
			memcpy(out + o, p, len);
			o += len;
			p += len - 1;
			continue;
		}
		if (p[1] == '%') {
			if (o + 1 >= cap)
				return -1;
			out[o++] = '%';
			p++;
			continue;
		}
		p++;
		if (*p == '0') {
			zero = 1;
			p++;
		}
		if (*p == '*') {
			int w = va_arg(*ap, int);

			if (w < 0)
				return -1; /* a negative width means '-' */
			width = (size_t)w;
			p++;
		}
		for (; *p >= '0' && *p <= '9'; p++) {
			width = width * 10 + (size_t)(*p - '0');
			if (width >= cap)
				return -1;
		}
		if (*p == 'l') {
			lng = p[1] == 'l' ? 2 : 1;
			p += lng;
		} else if (*p == 'z') {
			lng = 3;
			p++;
		}
		if (*p == 's' && !zero && lng == 0) {
			text = va_arg(*ap, const char *);
			if (text == NULL)
				return -1;
			len = strlen(text);
		} else if (*p == 'd' && lng != 3) {
			v = int_arg(ap, 1, lng, &neg);
			base = 10;
		} else if (*p == 'u' || *p == 'x') {
			v = int_arg(ap, 0, lng, &neg);
			base = *p == 'x' ? 16 : 10;
		} else {
			return -1;
		}
		if (*p != 's') {
			len = 0;
			do {
				num[sizeof num - ++len] = "0123456789abcdef"[v % base];
				v /= base;
			} while (v != 0);
			if (neg)
				num[sizeof num - ++len] = '-';
			text = num + sizeof num - len;
		}
		pad = width > len ? width - len : 0;
		if (o + pad + len >= cap)
			return -1;
		if (zero && neg) {
			out[o++] = *text++; /* the sign goes before the zeros */
			len--;
		}
		if (pad > 0)
			memset(out + o, zero ? '0' : ' ', pad);
		memcpy(out + o + pad, text, len);
		o += pad + len;
	}
	out[o] = '\0';
	return (int)o;
}

static char *vformat_sanitised(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* fmt and ap formatted, then sanitised, in a new string (NULL: no memory). */
static char *vformat_sanitised(const char *fmt, va_list ap)
{
	/* most fields are short: formatted here, then copied once at their
	 * length (vasprintf grows a buffer and reallocs it) */
	char buf[512];
	char *big;
	char *out;
	va_list quick, longer;
	int n;

	/* "%s" alone, the commonest format, needs no printf */
	if (fmt[0] == '%' && fmt[1] == 's' && fmt[2] == '\0') {
		const char *s = va_arg(ap, const char *);

		if (s == NULL)
			s = "(null)"; /* what glibc's printf shows */
		return sanitize_bytes(s, strlen(s));
	}
	va_copy(quick, ap);
	va_copy(longer, ap);
	n = quick_format(buf, sizeof buf, fmt, &quick);
	va_end(quick);
	if (n < 0)
		n = vsnprintf(buf, sizeof buf, fmt, ap);
	if (n < 0 || (size_t)n < sizeof buf) {
		va_end(longer);
		return n < 0 ? NULL : sanitize_bytes(buf, (size_t)n);
	}
	big = malloc((size_t)n + 1);
	if (big == NULL || vsnprintf(big, (size_t)n + 1, fmt, longer) != n) {
		va_end(longer);
		free(big);
		return NULL;
	}
	va_end(longer);
	out = sanitize_bytes(big, (size_t)n);
	free(big);
	return out;
}

/* Room in log for more events (its array doubled from 64 as needed); 0, or
 * -1 when out of memory. */
static int evlog_room(struct evlog *log, size_t more)
{
	size_t cap = log->cap ? log->cap : 64;
	struct event **grown;

	if (log->n + more <= log->cap)
		return 0;
	while (cap < log->n + more)
		cap *= 2;
	grown = realloc(log->ev, cap * sizeof *grown);
	if (grown == NULL)
		return -1;
	log->ev = grown;
	log->cap = cap;
	return 0;
}

/* see event.h */
struct event *evlog_add(struct evlog *log, enum evname name, enum actor actor,
			enum direction dir, const void *raw, size_t raw_len,
			const char *fmt, ...)
{
	struct event *ev;
	va_list ap;

	if (evlog_room(log, 1) < 0)
		return NULL;
	ev = calloc(1, sizeof *ev);
	if (ev == NULL)
		return NULL;
	ev->seq = (unsigned)log->n + 1;
	ev->t_us = evlog_now_us(log);
	ev->actor = actor;
	ev->dir = dir;
	ev->peer = dir == DIR_C2S ? ACTOR_SERVER : dir == DIR_S2C ? ACTOR_CLIENT : actor;
	ev->name = name;
	ev->verified = -1;
	ev->openssl_state = -1;
	ev->step = log->cur_step;
	va_start(ap, fmt);
	ev->summary = vformat_sanitised(fmt, ap);
	va_end(ap);
	if (raw != NULL && raw_len > 0) {
		ev->raw = malloc(raw_len);
		if (ev->raw != NULL) {
			memcpy(ev->raw, raw, raw_len);
			ev->raw_len = raw_len;
		}
	}
	if (ev->summary == NULL || (raw_len > 0 && raw != NULL && ev->raw == NULL)) {
		event_free(ev);
		return NULL;
	}
	log->ev[log->n++] = ev;
	return ev;
}

/* see event.h */
int event_set_summary(struct event *ev, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vformat_sanitised(fmt, ap);
	va_end(ap);
	if (s == NULL)
		return -1;
	free(ev->summary);
	ev->summary = s;
	return 0;
}

/* see event.h */
void evlog_move(struct evlog *dst, struct evlog *src)
{
	for (size_t i = 0; i < src->n; i++) {
		struct event *ev = src->ev[i];

		if (evlog_room(dst, 1) < 0) {
			event_free(ev);
			continue;
		}
		ev->seq = (unsigned)dst->n + 1;
		ev->t_us = evlog_now_us(dst);
		ev->step = dst->cur_step;
		dst->ev[dst->n++] = ev;
	}
	src->n = 0;
}

/* see event.h */
size_t evlog_insert(struct evlog *dst, size_t at, struct evlog *src, uint64_t t_us, int step)
{
	size_t k = src->n;

	if (at > dst->n)
		at = dst->n;
	if (evlog_room(dst, k) < 0) {
		evlog_clear(src);
		return 0;
	}
	memmove(dst->ev + at + k, dst->ev + at, (dst->n - at) * sizeof *dst->ev);
	for (size_t i = 0; i < k; i++) {
		src->ev[i]->t_us = t_us;
		src->ev[i]->step = step;
		dst->ev[at + i] = src->ev[i];
	}
	dst->n += k;
	for (size_t i = at; i < dst->n; i++)
		dst->ev[i]->seq = (unsigned)i + 1;
	src->n = 0;
	return k;
}

static char *dup_or_null(const char *s, int *bad)
{
	char *d = s != NULL ? strdup(s) : NULL;

	if (s != NULL && d == NULL)
		*bad = 1;
	return d;
}

/* A deep copy of one event, or NULL when out of memory (every member that
 * event_free() frees is duplicated here). */
static struct event *event_copy(const struct event *ev)
{
	struct event *c = malloc(sizeof *c);
	int bad = 0;

	if (c == NULL)
		return NULL;
	*c = *ev;
	c->summary = NULL;
	c->raw = NULL;
	c->fields = NULL;
	c->nfields = c->fields_cap = 0;
	c->x509_error_text = NULL;
	c->http.line = c->http.method = c->http.target = c->http.body_line = NULL;
	c->summary = dup_or_null(ev->summary, &bad);
	c->x509_error_text = dup_or_null(ev->x509_error_text, &bad);
	c->http.line = dup_or_null(ev->http.line, &bad);
	c->http.method = dup_or_null(ev->http.method, &bad);
	c->http.target = dup_or_null(ev->http.target, &bad);
	c->http.body_line = dup_or_null(ev->http.body_line, &bad);
	if (ev->raw_len > 0) {
		c->raw = malloc(ev->raw_len);
		if (c->raw == NULL)
			bad = 1;
		else
			memcpy(c->raw, ev->raw, ev->raw_len);
	}
	if (!bad && ev->nfields > 0) {
		c->fields = calloc(ev->nfields, sizeof *c->fields);
		bad = c->fields == NULL;
		for (size_t i = 0; !bad && i < ev->nfields; i++) {
			c->fields[i] = ev->fields[i];
			c->fields[i].name = NULL;
			c->fields[i].value = NULL;
			c->nfields = c->fields_cap = i + 1;
			c->fields[i].name = dup_or_null(ev->fields[i].name, &bad);
			c->fields[i].value = dup_or_null(ev->fields[i].value, &bad);
		}
	}
	if (bad) {
		event_free(c);
		return NULL;
	}
	return c;
}

/* see event.h */
int evlog_append_copies(struct evlog *dst, const struct evlog *src, size_t from)
{
	for (size_t i = from; i < src->n; i++) {
		struct event *c;

		if (evlog_room(dst, 1) < 0)
			return -1;
		c = event_copy(src->ev[i]);
		if (c == NULL)
			return -1;
		dst->ev[dst->n++] = c;
	}
	return 0;
}

/* see event.h */
long evlog_find(const struct evlog *log, enum evname name, size_t from)
{
	for (size_t i = from; i < log->n; i++)
		if (log->ev[i]->name == name)
			return (long)i;
	return -1;
}

static int add_field(struct event *ev, int depth, const char *name, size_t offset,
		     size_t length, char *value)
{
	struct field *f;

	if (value == NULL)
		return -1;
	if (ev->nfields == ev->fields_cap) {
		size_t cap = ev->fields_cap ? ev->fields_cap * 2 : 16;
		struct field *grown = realloc(ev->fields, cap * sizeof *grown);

		if (grown == NULL) {
			free(value);
			return -1;
		}
		ev->fields = grown;
		ev->fields_cap = cap;
	}
	f = &ev->fields[ev->nfields];
	f->name = sanitize_bytes(name, strlen(name));
	if (f->name == NULL) {
		free(value);
		return -1;
	}
	f->value = value;
	if (offset > ev->raw_len || length > ev->raw_len - offset) {
		offset = offset > ev->raw_len ? ev->raw_len : offset;
		length = 0;
	}
	f->offset = offset;
	f->length = length;
	f->depth = depth < 0 ? 0 : depth;
	f->role = ROLE_NONE;
	return (int)ev->nfields++;
}

/* see event.h */
void event_field_roles(struct event *ev, enum field_role role, ...)
{
	va_list ap;
	const char *name;

	va_start(ap, role);
	while ((name = va_arg(ap, const char *)) != NULL)
		for (size_t i = 0; i < ev->nfields; i++)
			if (ev->fields[i].depth == 0 && strcmp(ev->fields[i].name, name) == 0)
				ev->fields[i].role = role;
	va_end(ap);
}

/* see event.h */
const char *field_role_str(enum field_role r)
{
	static const char *const names[] = {"", "input", "function", "output", "check"};

	return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "";
}

/* see event.h */
int event_field(struct event *ev, int depth, const char *name, size_t offset,
		size_t length, const char *fmt, ...)
{
	va_list ap;
	char *value;

	va_start(ap, fmt);
	value = vformat_sanitised(fmt, ap);
	va_end(ap);
	return add_field(ev, depth, name, offset, length, value);
}

/* see event.h */
int event_field_bytes(struct event *ev, int depth, const char *name, size_t offset,
		      size_t length, const void *p, size_t n)
{
	char *q = sanitize_span(p, n);
	char *v = q != NULL ? sanitize_bytes(q, strlen(q)) : NULL;

	free(q);
	return add_field(ev, depth, name, offset, length, v);
}

/* see event.h */
int event_field_hex(struct event *ev, int depth, const char *name,
		    size_t offset, size_t length, size_t max_bytes)
{
	size_t shown = length;
	char *value;

	if (offset > ev->raw_len || length > ev->raw_len - offset)
		return event_field(ev, depth, name, offset, 0, "(out of range)");
	if (max_bytes > 0 && shown > max_bytes)
		shown = max_bytes;
	value = malloc(shown * 2 + 4);
	if (value == NULL)
		return -1;
	/* by table: a signature is hundreds of bytes, snprintf per byte shows
	 * in serve's profile */
	for (size_t i = 0; i < shown; i++) {
		value[2 * i] = "0123456789abcdef"[ev->raw[offset + i] >> 4];
		value[2 * i + 1] = "0123456789abcdef"[ev->raw[offset + i] & 15];
	}
	strcpy(value + 2 * shown, shown < length ? "..." : "");
	return add_field(ev, depth, name, offset, length, value);
}

/* see event.h */
const struct field *event_find_field(const struct event *ev, const char *name)
{
	for (size_t i = 0; i < ev->nfields; i++)
		if (strcmp(ev->fields[i].name, name) == 0)
			return &ev->fields[i];
	return NULL;
}

/* see event.h */
void event_set_result(struct event *ev, enum result r, long x509_error,
		      const char *x509_error_text)
{
	ev->result = r;
	ev->x509_error = x509_error;
	free(ev->x509_error_text);
	ev->x509_error_text = NULL;
	if (x509_error_text != NULL)
		ev->x509_error_text = sanitize_bytes(x509_error_text, strlen(x509_error_text));
}

/* see event.h */
int event_is_close_notify(const struct event *ev)
{
	return ev->name == EV_TLS_ALERT && ev->alert.level != 0 &&
	       ev->alert.description == ALERT_CLOSE_NOTIFY;
}

/* see event.h */
int event_failed(const struct event *ev)
{
	return ev->result == RESULT_FAIL || ev->verified == 0 ||
	       evname_layer(ev->name) == LAYER_ERROR;
}

/* see event.h */
void event_set_alert(struct event *ev, const uint8_t *b, size_t len)
{
	if (b == NULL || len < 2)
		return;
	ev->alert.level = b[0];
	ev->alert.description = b[1];
}

/* see event.h */
const char *alert_level_str(uint8_t level)
{
	return level == ALERT_WARNING ? "warning" : level == ALERT_FATAL ? "fatal" : "";
}

/* A sanitised copy of s[0..len), or NULL for NULL; *oom set on failure. */
static char *dup_clean(const char *s, size_t len, int *oom)
{
	char *c;

	if (s == NULL)
		return NULL;
	c = sanitize_bytes(s, len);
	if (c == NULL)
		*oom = 1;
	return c;
}

/* see event.h */
int event_set_http(struct event *ev, const char *line, size_t line_len, const char *method,
		   size_t method_len, const char *target, size_t target_len, int status)
{
	int oom = 0;
	char *l = dup_clean(line, line_len, &oom);
	char *m = dup_clean(method, method_len, &oom);
	char *t = dup_clean(target, target_len, &oom);

	if (oom) {
		free(l);
		free(m);
		free(t);
		return -1;
	}
	free(ev->http.line);
	free(ev->http.method);
	free(ev->http.target);
	ev->http.line = l;
	ev->http.method = m;
	ev->http.target = t;
	ev->http.status = status;
	return 0;
}

/* see event.h */
int event_set_http_body_line(struct event *ev, const char *line, size_t len)
{
	int oom = 0;
	char *l = dup_clean(line, len, &oom);

	if (oom)
		return -1;
	free(ev->http.body_line);
	ev->http.body_line = l;
	return 0;
}
