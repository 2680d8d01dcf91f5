/* The client's certificate checks, each made explicitly with X509 calls and
 * appended as its own event.  OpenSSL's result stays the verdict. */
#include "protocol/certcheck.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <arpa/inet.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#define MAX_CHAIN 10

/* SSL_AD_* numbers (RFC 5246 §7.2, RFC 8446 §6), kept here so protocol
 * code that only validates certificates need not include ssl.h. */
enum {
	AD_HANDSHAKE_FAILURE = 40,
	AD_BAD_CERTIFICATE = 42,
	AD_UNSUPPORTED_CERTIFICATE = 43,
	AD_CERTIFICATE_REVOKED = 44,
	AD_CERTIFICATE_EXPIRED = 45,
	AD_CERTIFICATE_UNKNOWN = 46,
	AD_UNKNOWN_CA = 48,
	AD_DECRYPT_ERROR = 51,
	AD_INTERNAL_ERROR = 80,
};

/* Alert names as RFC 8446 §6 spells them. */
static const struct {
	int code;
	const char *name;
} alert_names[] = {
	{AD_HANDSHAKE_FAILURE, "handshake_failure"},
	{AD_BAD_CERTIFICATE, "bad_certificate"},
	{AD_UNSUPPORTED_CERTIFICATE, "unsupported_certificate"},
	{AD_CERTIFICATE_REVOKED, "certificate_revoked"},
	{AD_CERTIFICATE_EXPIRED, "certificate_expired"},
	{AD_CERTIFICATE_UNKNOWN, "certificate_unknown"},
	{AD_UNKNOWN_CA, "unknown_ca"},
	{AD_DECRYPT_ERROR, "decrypt_error"},
	{AD_INTERNAL_ERROR, "internal_error"},
};

/* One verify error: its symbol, the alert OpenSSL's client sends for it
 * (ssl_x509err2alert's table in ssl/statem/statem_lib.c), and what it means
 * for the user. */
struct errinfo {
	long code;
	const char *name;
	int alert;
	const char *explain;
};

#define ERRINFO(sym, al, text) {X509_V_ERR_##sym, "X509_V_ERR_" #sym, AD_##al, text}

static const struct errinfo errtab[] = {
	{X509_V_OK, "X509_V_OK", 0,
	 "Every check passed: the chain ends at a root in the trust store, every "
	 "signature verifies, every certificate is within its validity period and "
	 "the certificate names the host that was asked for. The client now knows "
	 "that whoever completes this handshake holds the private key the CA "
	 "vouched for."},
	ERRINFO(UNABLE_TO_GET_ISSUER_CERT, UNKNOWN_CA,
		"The chain stops at a certificate whose issuer is nowhere to be found: "
		"not among the certificates the server sent and not in the trust store. "
		"The chain never reaches a root the client trusts, so nothing vouches "
		"for the server's certificate."),
	ERRINFO(UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY, BAD_CERTIFICATE,
		"The issuer's public key could not be read, so the signature on the "
		"certificate cannot be checked. A certificate whose signature cannot be "
		"checked proves nothing."),
	ERRINFO(CERT_SIGNATURE_FAILURE, DECRYPT_ERROR,
		"The signature on the certificate does not verify with the issuer's "
		"public key: the certificate was changed after it was signed, or the "
		"issuer it names never signed it. Its contents (name, key, dates) "
		"cannot be believed."),
	ERRINFO(CERT_NOT_YET_VALID, BAD_CERTIFICATE,
		"The certificate's validity period has not started yet (notBefore is "
		"in the future). Either it was issued with a wrong date or this "
		"computer's clock is behind; check the clock first. Until notBefore "
		"the CA does not vouch for it."),
	ERRINFO(CERT_HAS_EXPIRED, CERTIFICATE_EXPIRED,
		"The certificate's validity period is over (notAfter is in the past). "
		"The CA vouched for this key only until then and no longer has to "
		"track it (an expired certificate may be dropped from revocation "
		"lists, RFC 5280 §3.3), so a stolen key for it could be used freely. "
		"It can also mean this computer's clock is ahead."),
	ERRINFO(ERROR_IN_CERT_NOT_BEFORE_FIELD, BAD_CERTIFICATE,
		"The certificate's notBefore date is malformed, so its validity "
		"period cannot be checked."),
	ERRINFO(ERROR_IN_CERT_NOT_AFTER_FIELD, BAD_CERTIFICATE,
		"The certificate's notAfter date is malformed, so its validity period "
		"cannot be checked."),
	ERRINFO(OUT_OF_MEM, INTERNAL_ERROR,
		"OpenSSL ran out of memory while checking the certificate; nothing is "
		"known about the certificate itself."),
	ERRINFO(DEPTH_ZERO_SELF_SIGNED_CERT, UNKNOWN_CA,
		"The server's certificate is self-signed: it vouches for itself. "
		"Anyone, an attacker included, can make such a certificate for any "
		"name in a second, so it proves nothing unless this exact certificate "
		"was put in the trust store beforehand."),
	ERRINFO(SELF_SIGNED_CERT_IN_CHAIN, UNKNOWN_CA,
		"The chain ends at a self-signed root that is not in the trust store. "
		"The peer sent that root itself, but a root is trusted only if it was "
		"already in the client's trust store: one that arrives over the "
		"connection proves nothing, because an attacker can send any root."),
	ERRINFO(UNABLE_TO_GET_ISSUER_CERT_LOCALLY, UNKNOWN_CA,
		"The certificate's issuer is not in the trust store and the server did "
		"not send it either, so the chain cannot be built up to a root the "
		"client trusts and nothing vouches that this key belongs to this name. "
		"Typical causes: a private or attacker's CA, or a server that forgot to "
		"send its intermediate certificate."),
	ERRINFO(UNABLE_TO_VERIFY_LEAF_SIGNATURE, UNKNOWN_CA,
		"The server's certificate cannot be checked at all: its issuer is "
		"unknown, so there is no public key to verify its signature with."),
	ERRINFO(CERT_CHAIN_TOO_LONG, UNKNOWN_CA,
		"The chain is longer than the client allows; it was not followed to "
		"the end, so it cannot be trusted."),
	ERRINFO(CERT_REVOKED, CERTIFICATE_REVOKED,
		"The CA has revoked the certificate before its expiry date, for example "
		"because its private key was stolen. It must not be used."),
	ERRINFO(NO_ISSUER_PUBLIC_KEY, CERTIFICATE_UNKNOWN,
		"The issuer's certificate carries no usable public key, so the "
		"signature it made cannot be checked."),
	ERRINFO(PATH_LENGTH_EXCEEDED, UNKNOWN_CA,
		"A CA in the chain limited how many CAs may follow it (pathLenConstraint) "
		"and the chain breaks that limit: a sub-CA issued certificates it was "
		"not allowed to."),
	ERRINFO(INVALID_PURPOSE, UNSUPPORTED_CERTIFICATE,
		"The certificate is not meant for this use: its extendedKeyUsage does "
		"not include serverAuth (or its keyUsage does not fit). A certificate "
		"made for signing e-mail or code must not identify a web server."),
	ERRINFO(CERT_UNTRUSTED, BAD_CERTIFICATE,
		"The root is in the trust store but not trusted for this purpose "
		"(TLS server authentication)."),
	ERRINFO(CERT_REJECTED, BAD_CERTIFICATE,
		"The trust store marks this root as explicitly rejected for this "
		"purpose."),
	ERRINFO(APPLICATION_VERIFICATION, HANDSHAKE_FAILURE,
		"The application's own verification callback rejected the "
		"certificate."),
	ERRINFO(HOSTNAME_MISMATCH, BAD_CERTIFICATE,
		"The certificate may be genuine, but it is for another name: none of "
		"its subjectAltName entries (nor its CN, which counts only when there "
		"is no DNS subjectAltName) matches the host that was asked for. A "
		"valid certificate for some other site proves nothing about this one; "
		"otherwise anyone who owns any domain could impersonate every site."),
	ERRINFO(IP_ADDRESS_MISMATCH, BAD_CERTIFICATE,
		"The certificate does not list the IP address that was asked for "
		"among its subjectAltName IP entries. A certificate for other names or "
		"addresses proves nothing about this one."),
	ERRINFO(EE_KEY_TOO_SMALL, BAD_CERTIFICATE,
		"The server's key is too small for the client's security level: it "
		"could be broken, so the certificate cannot prove who holds it."),
	ERRINFO(CA_KEY_TOO_SMALL, BAD_CERTIFICATE,
		"A CA key in the chain is too small for the client's security level: "
		"signatures made with it could be forged."),
	ERRINFO(CA_MD_TOO_WEAK, BAD_CERTIFICATE,
		"A signature in the chain uses a hash that is too weak (such as MD5 or "
		"SHA-1): a forger could make another certificate with the same hash."),
	ERRINFO(INVALID_CA, UNKNOWN_CA,
		"A certificate in the chain signed another one but is not allowed to be "
		"a CA: its basicConstraints does not say CA:TRUE or its keyUsage lacks "
		"keyCertSign. Otherwise any website's certificate could issue "
		"certificates for other sites."),
};

/* Used for every code without its own entry (OpenSSL's default alert). */
static const struct errinfo err_default = {
	-1, "X509_V_ERR_(other)", AD_CERTIFICATE_UNKNOWN,
	"OpenSSL rejected the certificate for the reason its text names. Whatever "
	"the detail, the client could not establish that the server is who it "
	"claims to be, so it must not send it anything secret."};

/* State of one certcheck_run: OOM is remembered, not checked at each call. */
struct run {
	struct evlog *log;
	const struct certcheck_input *in;
	int oom;
};

/* A certificate of the chain the app built, and where it came from. */
struct link {
	X509 *cert;
	int from_store;
};

/* The chain the app built itself, with the first problem found. */
struct chain {
	struct link l[MAX_CHAIN];
	int n;
	int trusted;      /* ends at a certificate from the trust store */
	long err;         /* X509_V_OK or the chain error */
};

/* The table entry for a code, or the default. */
static const struct errinfo *errinfo_find(long code)
{
	for (size_t i = 0; i < sizeof errtab / sizeof errtab[0]; i++)
		if (errtab[i].code == code)
			return &errtab[i];
	return &err_default;
}

/* see certcheck.h */
const char *certcheck_explain(long x509_err)
{
	return errinfo_find(x509_err)->explain;
}

/* see certcheck.h */
const char *certcheck_err_name(long x509_err)
{
	return errinfo_find(x509_err)->name;
}

/* see certcheck.h */
const char *certcheck_alert(long x509_err, int *alert_code)
{
	const struct errinfo *e = errinfo_find(x509_err);

	if (alert_code != NULL)
		*alert_code = e->alert;
	for (size_t i = 0; i < sizeof alert_names / sizeof alert_names[0]; i++)
		if (alert_names[i].code == e->alert)
			return alert_names[i].name;
	return "none";
}

/* Add a formatted field, remembering a failure to allocate. */
static void field(struct run *r, struct event *ev, int depth, const char *name,
		  size_t off, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static void field(struct run *r, struct event *ev, int depth, const char *name,
		  size_t off, size_t len, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	if (ev == NULL)
		return;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		r->oom = 1;
		return;
	}
	if (event_field(ev, depth, name, off, len, "%s", s) < 0)
		r->oom = 1;
	free(s);
}

/* Mark a check passed. */
static void set_pass(struct run *r, struct event *ev)
{
	if (ev == NULL)
		return;
	event_set_result(ev, RESULT_PASS, X509_V_OK, NULL);
	field(r, ev, 0, "result", 0, 0, "pass");
}

/* Mark a check failed with an OpenSSL code; detail (may be NULL) is put in
 * front of the table's teaching text. */
static void set_fail(struct run *r, struct event *ev, long code, const char *detail)
{
	if (ev == NULL)
		return;
	event_set_result(ev, RESULT_FAIL, code, X509_verify_cert_error_string(code));
	field(r, ev, 0, "result", 0, 0, "fail");
	field(r, ev, 0, "x509_error", 0, 0, "%ld", code);
	field(r, ev, 0, "x509_error_text", 0, 0, "%s", X509_verify_cert_error_string(code));
	field(r, ev, 0, "x509_error_name", 0, 0, "%s", certcheck_err_name(code));
	field(r, ev, 0, "explanation", 0, 0, "%s%s%s", detail != NULL ? detail : "",
	      detail != NULL ? " " : "", certcheck_explain(code));
}

/* Append an event of this check, remembering a failure to allocate. */
static struct event *add(struct run *r, enum evname name, const void *raw, size_t raw_len,
			 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static struct event *add(struct run *r, enum evname name, const void *raw, size_t raw_len,
			 const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	struct event *ev;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		r->oom = 1;
		return NULL;
	}
	ev = evlog_add(r->log, name, r->in->actor, DIR_LOCAL, raw, raw_len, "%s", s);
	free(s);
	if (ev == NULL)
		r->oom = 1;
	return ev;
}

/* The full name in RFC 2253 form ("CN=localhost,O=httpsviz"). */
static void name_full(const X509_NAME *nm, char *buf, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data = NULL;
	long n;

	snprintf(buf, len, "(unreadable name)");
	if (b == NULL)
		return;
	/* keep UTF-8 as is: the event log sanitises it */
	if (X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		n = BIO_get_mem_data(b, &data);
		if (n >= 0)
			snprintf(buf, len, "%.*s", (int)n, data);
	}
	BIO_free(b);
}

/* The name's CN for short display, or the full name when there is none. */
static void name_short(const X509_NAME *nm, char *buf, size_t len)
{
	int i = X509_NAME_get_index_by_NID(nm, NID_commonName, -1);
	unsigned char *utf8 = NULL;
	int n;

	if (i < 0) {
		name_full(nm, buf, len);
		return;
	}
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, i)));
	if (n < 0) {
		name_full(nm, buf, len);
		return;
	}
	snprintf(buf, len, "%.*s", n, (const char *)utf8);
	OPENSSL_free(utf8);
}

/* Short subject name of a certificate. */
static void subj(X509 *x, char *buf, size_t len)
{
	name_short(X509_get_subject_name(x), buf, len);
}

/* A time as "2025-05-01 12:00:00 UTC". */
static void fmt_time(const ASN1_TIME *t, char *buf, size_t len)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, len, "(malformed time)");
}

/* The current time, same format. */
static void fmt_now(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	if (gmtime_r(&now, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, len, "(unknown)");
}

/* "EC P-256", "RSA 2048-bit", ... */
static void key_desc(EVP_PKEY *k, char *buf, size_t len)
{
	char group[64] = "";
	size_t glen = 0;
	const char *nist = NULL;

	if (k == NULL) {
		snprintf(buf, len, "(no key)");
		return;
	}
	if (EVP_PKEY_get_base_id(k) == EVP_PKEY_EC &&
	    EVP_PKEY_get_group_name(k, group, sizeof group, &glen) == 1) {
		nist = EC_curve_nid2nist(OBJ_sn2nid(group));
		snprintf(buf, len, "EC %s", nist != NULL ? nist : group);
		return;
	}
	snprintf(buf, len, "%s %d-bit", EVP_PKEY_get0_type_name(k) != NULL
		 ? EVP_PKEY_get0_type_name(k) : "unknown", EVP_PKEY_get_bits(k));
}

/* The certificate's DER encoding in a new buffer; 0 on failure. */
static size_t cert_der(X509 *x, unsigned char **der)
{
	int n;

	*der = NULL;
	n = i2d_X509(x, der);
	if (n <= 0) {
		*der = NULL;
		return 0;
	}
	return (size_t)n;
}

/* Read a DER tag and length at p[0..n): the header size and content length,
 * or -1 when they do not fit in n bytes. */
static int der_header(const unsigned char *p, size_t n, size_t *hdr, size_t *len)
{
	size_t nlen;
	size_t v = 0;

	if (n < 2)
		return -1;
	if ((p[1] & 0x80) == 0) {
		*hdr = 2;
		*len = p[1];
	} else {
		nlen = p[1] & 0x7f;
		if (nlen == 0 || nlen > 4 || n < 2 + nlen)
			return -1;
		for (size_t i = 0; i < nlen; i++)
			v = (v << 8) | p[2 + i];
		*hdr = 2 + nlen;
		*len = v;
	}
	return *hdr + *len <= n ? 0 : -1;
}

/* Where needle's bytes sit inside der, so a field can point at them. */
static int der_locate(const unsigned char *der, size_t der_len, const void *needle,
		      size_t nlen, size_t *off)
{
	const unsigned char *p;

	if (der == NULL || needle == NULL || nlen == 0)
		return -1;
	p = memmem(der, der_len, needle, nlen);
	if (p == NULL)
		return -1;
	*off = (size_t)(p - der);
	return 0;
}

/* Where an ASN1_TIME's encoding sits in the certificate's DER. */
static void time_range(const unsigned char *der, size_t der_len, const ASN1_TIME *t,
		       size_t *off, size_t *len)
{
	unsigned char *enc = NULL;
	int n = i2d_ASN1_TIME(t, &enc);

	*off = 0;
	*len = 0;
	if (n > 0 && der_locate(der, der_len, enc, (size_t)n, off) == 0)
		*len = (size_t)n;
	OPENSSL_free(enc);
}

/* Add a certificate to the chain, holding a reference. */
static int chain_push(struct chain *c, X509 *x, int from_store)
{
	if (c->n >= MAX_CHAIN || X509_up_ref(x) != 1)
		return -1;
	c->l[c->n].cert = x;
	c->l[c->n].from_store = from_store;
	c->n++;
	return 0;
}

/* Whether x is already in the chain (a loop). */
static int chain_has(const struct chain *c, X509 *x)
{
	for (int i = 0; i < c->n; i++)
		if (X509_cmp(c->l[i].cert, x) == 0)
			return 1;
	return 0;
}

/* An issuer of x among the certificates the peer sent, or NULL. */
static X509 *find_sent_issuer(const struct chain *c, STACK_OF(X509) *sent, X509 *x)
{
	for (int i = 0; i < sk_X509_num(sent); i++) {
		X509 *cand = sk_X509_value(sent, i);

		if (X509_cmp(cand, x) != 0 && !chain_has(c, cand) &&
		    X509_check_issued(cand, x) == X509_V_OK)
			return cand;
	}
	return NULL;
}

/* Build the chain as OpenSSL does by default (trusted issuers first, then
 * those the peer sent), stopping at a trusted certificate, a self-signed
 * untrusted one or a missing issuer; sets c->err like X509_verify_cert. */
static int chain_build(struct chain *c, const struct certcheck_input *in)
{
	X509_STORE_CTX *ctx = NULL;
	X509 *cur = in->leaf;
	X509 *issuer;
	int rc = -1;

	memset(c, 0, sizeof *c);
	c->err = X509_V_OK;
	if (chain_push(c, cur, 0) != 0)
		goto out;
	if (in->trust != NULL) {
		ctx = X509_STORE_CTX_new();
		if (ctx == NULL || X509_STORE_CTX_init(ctx, in->trust, in->leaf, in->untrusted) != 1)
			goto out;
	}
	for (;;) {
		issuer = NULL;
		if (ctx != NULL && X509_STORE_CTX_get1_issuer(&issuer, ctx, cur) == 1) {
			if (X509_cmp(issuer, cur) == 0) {
				/* this very certificate is in the trust store */
				c->l[c->n - 1].from_store = 1;
				c->trusted = 1;
				X509_free(issuer);
				break;
			}
			if (chain_has(c, issuer) || chain_push(c, issuer, 1) != 0) {
				X509_free(issuer);
				c->err = X509_V_ERR_CERT_CHAIN_TOO_LONG;
				break;
			}
			X509_free(issuer);
			cur = c->l[c->n - 1].cert;
			if (X509_self_signed(cur, 0) == 1) {
				c->trusted = 1;
				break;
			}
			continue;
		}
		X509_free(issuer);
		if (X509_self_signed(cur, 0) == 1) {
			c->err = c->n == 1 ? X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
					   : X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN;
			break;
		}
		issuer = find_sent_issuer(c, in->untrusted, cur);
		if (issuer == NULL) {
			/* OpenSSL: 2 when the chain already reached the store, else 20 */
			c->err = c->l[c->n - 1].from_store ? X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT
							    : X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
			break;
		}
		if (chain_push(c, issuer, 0) != 0) {
			c->err = X509_V_ERR_CERT_CHAIN_TOO_LONG;
			break;
		}
		cur = issuer;
	}
	rc = 0;
out:
	X509_STORE_CTX_free(ctx);
	return rc;
}

/* Drop the chain's references. */
static void chain_free(struct chain *c)
{
	for (int i = 0; i < c->n; i++)
		X509_free(c->l[i].cert);
	c->n = 0;
}

/* "localhost <- httpsviz demo CA" for a chain or a stack. */
static void chain_text(X509 *const *certs, int n, char *buf, size_t len)
{
	size_t used = 0;
	char nm[256];

	buf[0] = '\0';
	for (int i = 0; i < n && used < len; i++) {
		subj(certs[i], nm, sizeof nm);
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " <- " : "", nm);
	}
}

/* The cert.chain event. */
static void emit_chain(struct run *r, const struct chain *c)
{
	const struct certcheck_input *in = r->in;
	const char *store = in->trust_name != NULL ? in->trust_name : "the trust store";
	X509 *certs[MAX_CHAIN];
	char text[1024];
	char nm[256];
	char iss[256];
	char detail[1600];
	struct event *ev;

	for (int i = 0; i < c->n; i++)
		certs[i] = c->l[i].cert;
	chain_text(certs, c->n, text, sizeof text);
	name_short(X509_get_issuer_name(c->l[c->n - 1].cert), iss, sizeof iss);
	subj(c->l[c->n - 1].cert, nm, sizeof nm);
	if (c->err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
	    c->err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)
		snprintf(detail, sizeof detail,
			 "The chain ends at \"%s\", which signed itself and is not in the "
			 "client's trust store (%s).", nm, store);
	else
		snprintf(detail, sizeof detail,
			 "The issuer \"%s\" is neither in the client's trust store (%s) nor "
			 "among the certificates the peer sent.", iss, store);
	if (c->err == X509_V_OK)
		ev = add(r, EV_CERT_CHAIN, NULL, 0, "chain: %s (trusted root) ok", text);
	else if (c->err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
		 c->err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)
		ev = add(r, EV_CERT_CHAIN, NULL, 0,
			 "chain: %s (self-signed, not in the trust store)", text);
	else
		ev = add(r, EV_CERT_CHAIN, NULL, 0, "chain: %s <- ? (issuer %s not found)",
			 text, iss);
	if (ev == NULL)
		return;
	if (c->err == X509_V_OK)
		set_pass(r, ev);
	else
		set_fail(r, ev, c->err, detail);
	field(r, ev, 0, "trust_store", 0, 0, "%s", store);
	field(r, ev, 0, "certificates", 0, 0, "%d", c->n);
	for (int i = 0; i < c->n; i++) {
		char label[16];

		snprintf(label, sizeof label, "[%d]", i);
		name_full(X509_get_subject_name(c->l[i].cert), nm, sizeof nm);
		name_full(X509_get_issuer_name(c->l[i].cert), detail, sizeof detail);
		field(r, ev, 1, label, 0, 0, "%s, issued by %s (%s%s)", nm, detail,
		      c->l[i].from_store ? "from the trust store"
		      : i == 0 ? "the certificate presented to the client" : "sent by the peer",
		      c->l[i].from_store && X509_self_signed(c->l[i].cert, 0) == 1
		      ? ", trusted root" : "");
	}
	if (c->err == X509_V_OK) {
		subj(c->l[c->n - 1].cert, nm, sizeof nm);
		field(r, ev, 0, "trusted_root", 0, 0, "%s", nm);
		field(r, ev, 0, "note", 0, 0,
		      "Each certificate names its issuer, and the chain follows those "
		      "names up to %s, which was in the client's trust store (%s) before "
		      "this connection began. "
		      "Trust comes only from that store: the server can send any "
		      "certificates it likes, but it cannot add to the store.", nm, store);
	} else if (c->err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
		   c->err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN) {
		subj(c->l[c->n - 1].cert, nm, sizeof nm);
		field(r, ev, 0, "untrusted_root", 0, 0, "%s", nm);
	} else {
		field(r, ev, 0, "missing_issuer", 0, 0, "%s", iss);
	}
	if (in->built_chain != NULL && sk_X509_num(in->built_chain) > 0) {
		int n = sk_X509_num(in->built_chain);

		for (int i = 0; i < n && i < MAX_CHAIN; i++)
			certs[i] = sk_X509_value(in->built_chain, i);
		chain_text(certs, n < MAX_CHAIN ? n : MAX_CHAIN, text, sizeof text);
		field(r, ev, 0, "openssl_chain", 0, 0, "%s", text);
	}
}

/* One cert.signature event: c->l[i] checked with its issuer's key. */
static void emit_signature(struct run *r, const struct chain *c, int i)
{
	X509 *x = c->l[i].cert;
	X509 *issuer = NULL;
	unsigned char *der = NULL;
	size_t der_len = cert_der(x, &der);
	const ASN1_BIT_STRING *sig = NULL;
	const X509_ALGOR *alg = NULL;
	char nm[256];
	char iss[256];
	char kd[128];
	char detail[1600];
	const char *algname;
	size_t hdr = 0;
	size_t len = 0;
	size_t thdr = 0;
	size_t tlen = 0;
	struct event *ev;
	EVP_PKEY *pkey;
	int self;
	int ok;

	if (i + 1 < c->n)
		issuer = c->l[i + 1].cert;
	else if (X509_self_signed(x, 0) == 1)
		issuer = x;
	self = issuer == x;
	subj(x, nm, sizeof nm);
	algname = OBJ_nid2ln(X509_get_signature_nid(x));
	if (algname == NULL)
		algname = "unknown algorithm";
	X509_get0_signature(&sig, &alg, x);
	if (issuer == NULL) {
		name_short(X509_get_issuer_name(x), iss, sizeof iss);
		ev = add(r, EV_CERT_SIGNATURE, der, der_len,
			 "signature: %s signed by %s (%s): cannot check, issuer unknown",
			 nm, iss, algname);
		if (ev != NULL) {
			snprintf(detail, sizeof detail,
				 "The issuer \"%s\" was not found, so its public key is unknown.", iss);
			set_fail(r, ev, i == 0 ? X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE
					       : X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, detail);
			field(r, ev, 0, "subject", 0, 0, "%s", nm);
			field(r, ev, 0, "issuer", 0, 0, "%s", iss);
			field(r, ev, 0, "algorithm", 0, 0, "%s", algname);
		}
		goto out;
	}
	subj(issuer, iss, sizeof iss);
	pkey = X509_get0_pubkey(issuer);
	key_desc(pkey, kd, sizeof kd);
	ok = pkey != NULL && X509_verify(x, pkey) == 1;
	if (self)
		ev = add(r, EV_CERT_SIGNATURE, der, der_len,
			 "signature: %s signed by itself (%s, %s key)%s", nm, algname, kd,
			 ok ? " ok" : "");
	else
		ev = add(r, EV_CERT_SIGNATURE, der, der_len,
			 "signature: %s signed by %s (%s, %s key)%s", nm, iss, algname, kd,
			 ok ? " ok" : "");
	if (ev == NULL)
		goto out;
	snprintf(detail, sizeof detail,
		 "The signature on \"%s\" does not verify with the %s key of \"%s\".", nm, kd, iss);
	if (ok)
		set_pass(r, ev);
	else
		set_fail(r, ev, pkey == NULL ? X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY
			 : X509_V_ERR_CERT_SIGNATURE_FAILURE, detail);
	field(r, ev, 0, "subject", 0, 0, "%s", nm);
	field(r, ev, 0, "issuer", 0, 0, "%s%s", iss, self ? " (itself)" : "");
	field(r, ev, 0, "algorithm", 0, 0, "%s", algname);
	field(r, ev, 0, "issuer_key", 0, 0, "%s", kd);
	/* A certificate is SEQUENCE { tbsCertificate, algorithm, signature }:
	 * the signature covers exactly the tbsCertificate bytes. */
	if (der_header(der, der_len, &hdr, &len) == 0 &&
	    der_header(der + hdr, der_len - hdr, &thdr, &tlen) == 0)
		field(r, ev, 0, "signed_bytes", hdr, thdr + tlen,
		      "tbsCertificate, %zu bytes, hashed and signed by the issuer", thdr + tlen);
	if (sig != NULL && der_len >= (size_t)sig->length && sig->length > 0)
		event_field_hex(ev, 0, "signature", der_len - (size_t)sig->length,
				(size_t)sig->length, 24);
	if (self)
		field(r, ev, 0, "note", 0, 0, "%s",
		      c->l[i].from_store
		      ? "A root signs itself; that proves only that it holds its own key. "
			"The root is trusted because it is in the trust store, not because "
			"of this signature (OpenSSL skips this check by default)."
		      : "A self-signature proves only that whoever made the certificate "
			"holds its key. Anyone can make one for any name.");
out:
	OPENSSL_free(der);
}

/* The validity verdict of one certificate now: X509_V_OK, 9, 10, 13 or 14. */
static long cert_time_check(X509 *x)
{
	int b = X509_cmp_current_time(X509_get0_notBefore(x));
	int a;

	if (b == 0)
		return X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD;
	if (b > 0)
		return X509_V_ERR_CERT_NOT_YET_VALID;
	a = X509_cmp_current_time(X509_get0_notAfter(x));
	if (a == 0)
		return X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD;
	if (a < 0)
		return X509_V_ERR_CERT_HAS_EXPIRED;
	return X509_V_OK;
}

/* Whole days between now and t (positive: t is in the future). */
static int days_from_now(const ASN1_TIME *t)
{
	int d = 0;
	int s = 0;

	if (ASN1_TIME_diff(&d, &s, NULL, t) != 1)
		return 0;
	return d;
}

/* The cert.validity event: the leaf's dates, and every chain certificate
 * that fails; the reported error is the one OpenSSL meets first (it checks
 * from the root down). */
static void emit_validity(struct run *r, const struct chain *c)
{
	X509 *leaf = c->l[0].cert;
	unsigned char *der = NULL;
	size_t der_len = cert_der(leaf, &der);
	const ASN1_TIME *nb = X509_get0_notBefore(leaf);
	const ASN1_TIME *na = X509_get0_notAfter(leaf);
	char nm[256];
	char tb[64];
	char ta[64];
	char now[64];
	char detail[1600];
	long err = X509_V_OK;
	int bad = -1;
	int days;
	size_t off;
	size_t len;
	struct event *ev;

	for (int i = c->n - 1; i >= 0; i--) {
		long e = cert_time_check(c->l[i].cert);

		if (e != X509_V_OK && err == X509_V_OK) {
			err = e;
			bad = i;
		}
	}
	fmt_now(now, sizeof now);
	subj(bad >= 0 ? c->l[bad].cert : leaf, nm, sizeof nm);
	fmt_time(X509_get0_notBefore(bad >= 0 ? c->l[bad].cert : leaf), tb, sizeof tb);
	fmt_time(X509_get0_notAfter(bad >= 0 ? c->l[bad].cert : leaf), ta, sizeof ta);
	if (err == X509_V_ERR_CERT_HAS_EXPIRED) {
		days = -days_from_now(X509_get0_notAfter(c->l[bad].cert));
		snprintf(detail, sizeof detail,
			 "The certificate \"%s\" expired on %s, %d day%s ago (now is %s).", nm, ta,
			 days, days == 1 ? "" : "s", now);
	} else if (err == X509_V_ERR_CERT_NOT_YET_VALID) {
		snprintf(detail, sizeof detail,
			 "The certificate \"%s\" only becomes valid on %s (now is %s).", nm, tb, now);
	} else {
		snprintf(detail, sizeof detail, "The certificate \"%s\" has a malformed date.", nm);
	}
	if (err == X509_V_OK)
		ev = add(r, EV_CERT_VALIDITY, der, der_len, "validity: %s valid until %s ok", nm, ta);
	else if (err == X509_V_ERR_CERT_HAS_EXPIRED)
		ev = add(r, EV_CERT_VALIDITY, der, der_len, "validity: %s expired on %s",
			 nm, ta);
	else if (err == X509_V_ERR_CERT_NOT_YET_VALID)
		ev = add(r, EV_CERT_VALIDITY, der, der_len,
			 "validity: %s not valid before %s", nm, tb);
	else
		ev = add(r, EV_CERT_VALIDITY, der, der_len, "validity: %s has a malformed date",
			 nm);
	if (ev == NULL)
		goto out;
	if (err == X509_V_OK)
		set_pass(r, ev);
	else
		set_fail(r, ev, err, detail);
	field(r, ev, 0, "now", 0, 0, "%s", now);
	subj(leaf, nm, sizeof nm);
	field(r, ev, 0, "certificate", 0, 0, "%s", nm);
	fmt_time(nb, tb, sizeof tb);
	fmt_time(na, ta, sizeof ta);
	time_range(der, der_len, nb, &off, &len);
	field(r, ev, 1, "not_before", off, len, "%s", tb);
	time_range(der, der_len, na, &off, &len);
	field(r, ev, 1, "not_after", off, len, "%s", ta);
	for (int i = 1; i < c->n; i++) {
		if (cert_time_check(c->l[i].cert) == X509_V_OK)
			continue;
		subj(c->l[i].cert, nm, sizeof nm);
		fmt_time(X509_get0_notBefore(c->l[i].cert), tb, sizeof tb);
		fmt_time(X509_get0_notAfter(c->l[i].cert), ta, sizeof ta);
		field(r, ev, 0, "chain_certificate", 0, 0, "%s: valid %s to %s", nm, tb, ta);
	}
	if (err == X509_V_OK) {
		days = days_from_now(na);
		field(r, ev, 0, "note", 0, 0,
		      "Every certificate in the chain is inside its validity period; the "
		      "server's expires in %d day%s.", days, days == 1 ? "" : "s");
	}
out:
	OPENSSL_free(der);
}

/* One SAN entry as "DNS:name" / "IP:addr" into buf; 1 when it is the
 * entry that matched (matched DNS name, or the IP bytes asked for). */
static int san_text(const GENERAL_NAME *g, const char *peername, const ASN1_OCTET_STRING *ip,
		    char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	const unsigned char *d;
	int n;

	switch (g->type) {
	case GEN_DNS:
		d = ASN1_STRING_get0_data(g->d.dNSName);
		n = ASN1_STRING_length(g->d.dNSName);
		snprintf(buf, len, "DNS:%.*s", n, (const char *)d);
		return peername != NULL && (size_t)n == strlen(peername) &&
		       strncasecmp((const char *)d, peername, (size_t)n) == 0;
	case GEN_IPADD:
		d = ASN1_STRING_get0_data(g->d.iPAddress);
		n = ASN1_STRING_length(g->d.iPAddress);
		if ((n != 4 && n != 16) ||
		    inet_ntop(n == 4 ? AF_INET : AF_INET6, d, addr, sizeof addr) == NULL)
			snprintf(addr, sizeof addr, "(%d bytes)", n);
		snprintf(buf, len, "IP:%s", addr);
		return ip != NULL && ASN1_STRING_length(ip) == n &&
		       memcmp(ASN1_STRING_get0_data(ip), d, (size_t)n) == 0;
	case GEN_EMAIL:
		snprintf(buf, len, "email:%.*s", ASN1_STRING_length(g->d.rfc822Name),
			 (const char *)ASN1_STRING_get0_data(g->d.rfc822Name));
		return 0;
	case GEN_URI:
		snprintf(buf, len, "URI:%.*s", ASN1_STRING_length(g->d.uniformResourceIdentifier),
			 (const char *)ASN1_STRING_get0_data(g->d.uniformResourceIdentifier));
		return 0;
	default:
		snprintf(buf, len, "(other name type %d)", g->type);
		return 0;
	}
}

/* The cert.hostname event: the requested name against the SAN entries,
 * with X509_check_host / X509_check_ip_asc as OpenSSL's verify does. */
static void emit_hostname(struct run *r, X509 *leaf)
{
	const char *host = r->in->host;
	unsigned char *der = NULL;
	size_t der_len = cert_der(leaf, &der);
	GENERAL_NAMES *gens = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
	ASN1_OCTET_STRING *ip = NULL;
	char *peername = NULL;
	char sans[1024] = "";
	char one[300];
	char cn[256] = "";
	char detail[1600];
	size_t used = 0;
	size_t off = 0;
	size_t len = 0;
	int ndns = 0;
	int ok = 0;
	long code;
	struct event *ev;
	int idx;

	for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

		ndns += g->type == GEN_DNS;
		san_text(g, NULL, NULL, one, sizeof one);
		if (used < sizeof sans)
			used += (size_t)snprintf(sans + used, sizeof sans - used, "%s%s",
						 used ? ", " : "", one);
	}
	idx = X509_NAME_get_index_by_NID(X509_get_subject_name(leaf), NID_commonName, -1);
	if (idx >= 0)
		name_short(X509_get_subject_name(leaf), cn, sizeof cn);
	if (host == NULL || host[0] == '\0') {
		ev = add(r, EV_CERT_HOSTNAME, der, der_len,
			 "hostname: not checked, no name was asked for");
		if (ev != NULL) {
			event_set_result(ev, RESULT_NONE, X509_V_OK, NULL);
			field(r, ev, 0, "result", 0, 0, "not checked");
			field(r, ev, 0, "note", 0, 0,
			      "Without a name to check, any valid certificate from any trusted "
			      "CA would be accepted, including one an attacker got for their "
			      "own domain.");
		}
		goto out;
	}
	ip = a2i_IPADDRESS(host);
	if (ip != NULL) {
		ok = X509_check_ip_asc(leaf, host, 0) == 1;
		code = X509_V_ERR_IP_ADDRESS_MISMATCH;
	} else {
		ok = X509_check_host(leaf, host, 0, 0, &peername) == 1;
		code = X509_V_ERR_HOSTNAME_MISMATCH;
	}
	if (ok && peername != NULL && ndns == 0)
		ev = add(r, EV_CERT_HOSTNAME, der, der_len,
			 "hostname: %s matches the subject CN (no DNS names in subjectAltName) ok",
			 host);
	else if (ok)
		ev = add(r, EV_CERT_HOSTNAME, der, der_len, "hostname: %s matches %s%s ok", host,
			 ip != NULL ? "IP:" : "DNS:", peername != NULL ? peername : host);
	else
		ev = add(r, EV_CERT_HOSTNAME, der, der_len, "hostname: %s not in [%s]",
			 host, sans[0] ? sans : "no subjectAltName");
	if (ev == NULL)
		goto out;
	snprintf(detail, sizeof detail, "The client asked for %s, but the certificate is for %s.",
		 host, sans[0] ? sans : cn[0] ? cn : "no name at all");
	if (ok)
		set_pass(r, ev);
	else
		set_fail(r, ev, code, detail);
	field(r, ev, 0, "requested", 0, 0, "%s (%s)", host, ip != NULL ? "an IP address"
	      : "a DNS name");
	idx = X509_get_ext_by_NID(leaf, NID_subject_alt_name, -1);
	if (idx >= 0) {
		ASN1_OCTET_STRING *val = X509_EXTENSION_get_data(X509_get_ext(leaf, idx));

		if (der_locate(der, der_len, ASN1_STRING_get0_data(val),
			       (size_t)ASN1_STRING_length(val), &off) == 0)
			len = (size_t)ASN1_STRING_length(val);
	}
	field(r, ev, 0, "subject_alt_name", off, len, "%d entr%s",
	      sk_GENERAL_NAME_num(gens), sk_GENERAL_NAME_num(gens) == 1 ? "y" : "ies");
	for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		int m = san_text(sk_GENERAL_NAME_value(gens, i), peername, ip, one, sizeof one);

		field(r, ev, 1, "san", 0, 0, "%s%s", one, m ? " (matches)" : "");
	}
	if (ip != NULL)
		field(r, ev, 0, "common_name", 0, 0, "%s (never used for an IP address: only "
		      "subjectAltName IP entries count)", cn[0] ? cn : "(none)");
	else if (ndns > 0)
		field(r, ev, 0, "common_name", 0, 0, "%s (not used: the certificate has DNS "
		      "names in subjectAltName, and RFC 6125 §6.4.4 then forbids looking at "
		      "the CN)", cn[0] ? cn : "(none)");
	else
		field(r, ev, 0, "common_name", 0, 0, "%s (checked: no DNS name in "
		      "subjectAltName, so OpenSSL falls back to the CN as RFC 6125 §6.4.4 "
		      "allows; RFC 9525 and browsers no longer do)", cn[0] ? cn : "(none)");
out:
	OPENSSL_free(peername);
	ASN1_OCTET_STRING_free(ip);
	GENERAL_NAMES_free(gens);
	OPENSSL_free(der);
}

/* The cert.verdict event: OpenSSL's decision and what the client does. */
static void emit_verdict(struct run *r, int app_failures)
{
	const struct certcheck_input *in = r->in;
	long res = in->openssl_result;
	const char *text = X509_verify_cert_error_string(res);
	int alert_code = 0;
	const char *alert = certcheck_alert(res, &alert_code);
	struct event *ev;

	if (res == X509_V_OK)
		ev = add(r, EV_CERT_VERDICT, NULL, 0,
			 "verdict: ok, OpenSSL accepts the certificate; the handshake goes on");
	else if (in->insecure)
		ev = add(r, EV_CERT_VERDICT, NULL, 0,
			 "verdict: rejected (%ld %s), the client continues anyway (--insecure)",
			 res, text);
	else
		ev = add(r, EV_CERT_VERDICT, NULL, 0,
			 "verdict: rejected (%ld %s), the client aborts with alert %s", res, text, alert);
	if (ev == NULL)
		return;
	if (res == X509_V_OK) {
		set_pass(r, ev);
		field(r, ev, 0, "openssl_result", 0, 0, "0 (%s)", text);
		field(r, ev, 0, "action", 0, 0, "continue");
		field(r, ev, 0, "explanation", 0, 0, "%s", certcheck_explain(X509_V_OK));
	} else {
		set_fail(r, ev, res, NULL);
		field(r, ev, 0, "openssl_result", 0, 0, "%ld (%s)", res, text);
		field(r, ev, 0, "error_depth", 0, 0, "%d (%s)", in->openssl_error_depth,
		      in->openssl_error_depth == 0 ? "the server's own certificate"
		      : "a certificate higher up the chain");
		if (in->insecure) {
			field(r, ev, 0, "action", 0, 0, "continue (--insecure)");
			field(r, ev, 0, "alert_not_sent", 0, 0, "%s (%d)", alert, alert_code);
			field(r, ev, 0, "danger", 0, 0,
			      "The connection will still be encrypted, but the client no longer "
			      "knows who is at the other end. Anyone on the path (a public Wi-Fi, "
			      "a compromised router, the interceptor of the mitm scenario) can "
			      "present such a certificate, decrypt everything, read passwords and "
			      "cookies, and change the pages. Encryption without authentication "
			      "stops only eavesdroppers who never interfere.");
		} else {
			field(r, ev, 0, "action", 0, 0, "abort");
			field(r, ev, 0, "alert", 0, 0, "%s (%d)", alert, alert_code);
			field(r, ev, 0, "note", 0, 0,
			      "The client sends a fatal %s alert and closes the connection; no "
			      "request is ever sent. The alert tells the server why, in one "
			      "byte; it never tells an attacker anything secret.", alert);
		}
	}
	/* OpenSSL stops at the first failure it meets: chain building, then
	 * purpose and names, then signatures and dates from the root down. */
	field(r, ev, 0, "app_checks", 0, 0, "%d failed", app_failures);
	if ((res == X509_V_OK) != (app_failures == 0))
		field(r, ev, 0, "app_agrees", 0, 0,
		      "no: the explicit checks above %s, but OpenSSL's decision stands",
		      res == X509_V_OK ? "found a problem" : "all passed");
	else
		field(r, ev, 0, "app_agrees", 0, 0, "yes");
	if (app_failures > 1 && res != X509_V_OK)
		field(r, ev, 0, "first_failure", 0, 0,
		      "Several checks failed. OpenSSL reports only the first it meets: it "
		      "builds the chain first, then checks purpose and the host name, then "
		      "signatures and dates from the root down.");
}

/* Count the failed checks appended since index from; a signature that
 * could not be checked because the issuer is missing is the chain failure
 * again, not a failure of its own. */
static int count_failures(const struct evlog *log, size_t from)
{
	int n = 0;

	for (size_t i = from; i < log->n; i++) {
		const struct event *ev = log->ev[i];

		if (ev->result != RESULT_FAIL)
			continue;
		if (ev->name == EV_CERT_SIGNATURE &&
		    (ev->x509_error == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE ||
		     ev->x509_error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT))
			continue;
		n++;
	}
	return n;
}

/* see certcheck.h */
int certcheck_run(struct evlog *log, const struct certcheck_input *in)
{
	struct run r = {log, in, 0};
	struct chain c;
	size_t first = log->n;
	int rc = -1;

	memset(&c, 0, sizeof c);
	if (in->leaf == NULL)
		return -1;
	/* The engine runs inside OpenSSL's verify callback: leave OpenSSL's
	 * error queue as it was, dropping only what these checks queued. */
	ERR_set_mark();
	if (chain_build(&c, in) != 0)
		goto out;
	emit_chain(&r, &c);
	for (int i = 0; i < c.n; i++)
		emit_signature(&r, &c, i);
	emit_validity(&r, &c);
	emit_hostname(&r, in->leaf);
	emit_verdict(&r, count_failures(log, first));
	rc = r.oom ? -1 : 0;
out:
	chain_free(&c);
	ERR_pop_to_mark();
	return rc;
}
