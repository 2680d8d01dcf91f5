/* The client's certificate checks, each made explicitly with X509 calls and
 * appended as its own event.  OpenSSL's result stays the verdict. */
#include "protocol/certcheck.h"
#include "protocol/sanitize.h"
#include "protocol/iana.h"

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
 * code that only validates certificates need not include ssl.h; their
 * names come from the alerts registry. */
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
	int fail_stage;   /* the stage of OpenSSL's failure (STAGE_ALL when none) */
};

/* OpenSSL 3's verification in order (x509_vfy.c): the leaf key, chain
 * building, extensions, the chain's CA keys and hashes, the host name,
 * revocation, then signatures and dates from the root down; it stops at
 * the first failure. */
enum stage {
	STAGE_LEAF_KEY,
	STAGE_CHAIN,
	STAGE_EXTENSIONS,
	STAGE_AUTH_LEVEL,
	STAGE_HOST,
	STAGE_REVOCATION,
	STAGE_VERIFY,  /* internal_verify: signatures and dates */
	STAGE_LATER,   /* name constraints, policies */
	STAGE_ALL      /* nothing failed: every stage ran */
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

/* The stage at which OpenSSL reports a code. */
static enum stage stage_of(long code)
{
	switch (code) {
	case X509_V_OK:
		return STAGE_ALL;
	case X509_V_ERR_EE_KEY_TOO_SMALL:
		return STAGE_LEAF_KEY;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_CERT_CHAIN_TOO_LONG:
	case X509_V_ERR_CERT_UNTRUSTED:
	case X509_V_ERR_CERT_REJECTED:
		return STAGE_CHAIN;
	case X509_V_ERR_INVALID_CA:
	case X509_V_ERR_PATH_LENGTH_EXCEEDED:
	case X509_V_ERR_INVALID_PURPOSE:
	case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
		return STAGE_EXTENSIONS;
	case X509_V_ERR_CA_KEY_TOO_SMALL:
	case X509_V_ERR_CA_MD_TOO_WEAK:
		return STAGE_AUTH_LEVEL;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_EMAIL_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		return STAGE_HOST;
	case X509_V_ERR_UNABLE_TO_GET_CRL:
	case X509_V_ERR_CERT_REVOKED:
	case X509_V_ERR_CRL_SIGNATURE_FAILURE:
	case X509_V_ERR_CRL_NOT_YET_VALID:
	case X509_V_ERR_CRL_HAS_EXPIRED:
	case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
	case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
	case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
	case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
	case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
	case X509_V_ERR_DIFFERENT_CRL_SCOPE:
		return STAGE_REVOCATION;
	case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
	case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
	case X509_V_ERR_CERT_NOT_YET_VALID:
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
	case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
		return STAGE_VERIFY;
	default:
		return STAGE_LATER;
	}
}

/* Whether a date code (else a signature code) of the verify stage. */
static int is_time_code(long code)
{
	return code == X509_V_ERR_CERT_NOT_YET_VALID || code == X509_V_ERR_CERT_HAS_EXPIRED ||
	       code == X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD ||
	       code == X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD;
}

/* The stage OpenSSL stopped at, for the names of the checks. */
static const char *stage_check(enum stage st)
{
	static const char *const names[] = {
		[STAGE_LEAF_KEY] = "the key size check (cert.key)",
		[STAGE_CHAIN] = "building the chain (cert.chain)",
		[STAGE_EXTENSIONS] = "the CA and purpose extensions",
		[STAGE_AUTH_LEVEL] = "the chain's key sizes and hashes (cert.key)",
		[STAGE_HOST] = "the host name (cert.hostname)",
		[STAGE_REVOCATION] = "the revocation check (cert.revocation)",
		[STAGE_VERIFY] = "the signatures and dates",
		[STAGE_LATER] = "a later check",
		[STAGE_ALL] = "the end",
	};

	return names[st];
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
	/* the name from the TLS Alerts registry (protocol/iana.c) */
	return e->alert != 0 && iana_name(IANA_ALERT, (unsigned)e->alert) != NULL
	       ? iana_name(IANA_ALERT, (unsigned)e->alert) : "none";
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

/* Say who made this check: OpenSSL too (reached), or httpsviz alone
 * because OpenSSL stopped at an earlier failure. */
static void set_checker(struct run *r, struct event *ev, int reached)
{
	ev->app_only = !reached;
	if (reached)
		field(r, ev, 0, "checked_by", 0, 0, "OpenSSL and httpsviz");
	else
		field(r, ev, 0, "checked_by", 0, 0,
		      "httpsviz alone: OpenSSL stopped at the first failure, %s, and never "
		      "made this check", stage_check((enum stage)r->fail_stage));
}

/* Mark a check passed. */
static void set_pass(struct run *r, struct event *ev, int reached)
{
	if (ev == NULL)
		return;
	event_set_result(ev, RESULT_PASS, X509_V_OK, NULL);
	field(r, ev, 0, "result", 0, 0, "pass");
	set_checker(r, ev, reached);
}

/* Mark a check failed with the code that names its failure; detail (may be
 * NULL) is put in front of the table's teaching text.  Only a failure
 * OpenSSL reported carries the code (reported): httpsviz never prints a
 * number OpenSSL did not give. */
static void set_fail(struct run *r, struct event *ev, long code, const char *detail, int reported,
		     int reached)
{
	if (ev == NULL)
		return;
	if (reported) {
		event_set_result(ev, RESULT_FAIL, code, X509_verify_cert_error_string(code));
		field(r, ev, 0, "result", 0, 0, "fail");
		field(r, ev, 0, "x509_error", 0, 0, "%ld", code);
		field(r, ev, 0, "x509_error_text", 0, 0, "%s", X509_verify_cert_error_string(code));
		field(r, ev, 0, "x509_error_name", 0, 0, "%s", certcheck_err_name(code));
	} else {
		event_set_result(ev, RESULT_FAIL, X509_V_OK, NULL);
		field(r, ev, 0, "result", 0, 0, "fail");
	}
	set_checker(r, ev, reached);
	field(r, ev, 0, "explanation", 0, 0, "%s%s%s", detail != NULL ? detail : "",
	      detail != NULL ? " " : "", certcheck_explain(code));
}

/* Mark a check that could not be made. */
static void set_not_checked(struct run *r, struct event *ev, int reached)
{
	if (ev == NULL)
		return;
	event_set_result(ev, RESULT_NONE, X509_V_OK, NULL);
	field(r, ev, 0, "result", 0, 0, "not checked");
	set_checker(r, ev, reached);
}

/* Whether OpenSSL reached a check that starts at stage st. */
static int reached(const struct run *r, enum stage st)
{
	return r->fail_stage >= (int)st;
}

/* Whether OpenSSL's reported failure is this check's (its stage), so the
 * check shows OpenSSL's code. */
static int reported_here(const struct run *r, enum stage st)
{
	return r->in->openssl_result != X509_V_OK && r->fail_stage == (int)st;
}

/* A check's summary suffix: who made it. */
static const char *who_suffix(int reach)
{
	return reach ? "" : " (httpsviz alone)";
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
	{
		char *q = sanitize_span(utf8, (size_t)n);

		snprintf(buf, len, "%s", q != NULL ? q : "?");
		free(q);
	}
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

/* "localhost <- httpsviz demo issuing CA <- ..." for a chain or a stack. */
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
	int reach = reached(r, STAGE_CHAIN);
	int rep = reported_here(r, STAGE_CHAIN);
	int nsent = sk_X509_num(in->untrusted);
	long ext_err = X509_V_OK;
	int ext_bad = 0;
	int forgot = c->err != X509_V_OK && c->n == 1 && nsent <= 1 && X509_self_signed(c->l[0].cert, 0) != 1;

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
	else if (forgot)
		snprintf(detail, sizeof detail,
			 "The server sent only its own certificate, not the one of its issuer "
			 "\"%s\", which is not in the client's trust store (%s) either.", iss, store);
	else
		snprintf(detail, sizeof detail,
			 "The issuer \"%s\" is neither in the client's trust store (%s) nor "
			 "among the certificates the peer sent.", iss, store);
	/* then, as OpenSSL's check_extensions: every issuer may act as a CA
	 * (basicConstraints CA:TRUE, keyUsage keyCertSign), and the server's
	 * certificate is meant for a TLS server (extendedKeyUsage serverAuth) */
	for (int i = 1; c->err == X509_V_OK && ext_err == X509_V_OK && i < c->n; i++)
		if (X509_check_ca(c->l[i].cert) == 0) {
			ext_err = X509_V_ERR_INVALID_CA;
			ext_bad = i;
		}
	if (c->err == X509_V_OK && ext_err == X509_V_OK &&
	    X509_check_purpose(c->l[0].cert, X509_PURPOSE_SSL_SERVER, 0) != 1)
		ext_err = X509_V_ERR_INVALID_PURPOSE;
	if (ext_err != X509_V_OK) {
		reach = reached(r, STAGE_EXTENSIONS);
		rep = reported_here(r, STAGE_EXTENSIONS);
		subj(c->l[ext_bad].cert, nm, sizeof nm);
		snprintf(detail, sizeof detail, ext_err == X509_V_ERR_INVALID_CA
			 ? "\"%s\" signed a certificate but is not a CA." :
			 "\"%s\" is not a certificate for a TLS server.", nm);
	}
	if (c->err == X509_V_OK && ext_err != X509_V_OK)
		ev = add(r, EV_CERT_CHAIN, NULL, 0, "chain: %s (trusted root), but %s%s", text,
			 ext_err == X509_V_ERR_INVALID_CA ? "an issuer is not a CA"
			 : "the certificate is not for a TLS server", who_suffix(reach));
	else if (c->err == X509_V_OK)
		ev = add(r, EV_CERT_CHAIN, NULL, 0, "chain: %s (trusted root) ok%s", text, who_suffix(reach));
	else if (c->err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
		 c->err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)
		ev = add(r, EV_CERT_CHAIN, NULL, 0,
			 "chain: %s (self-signed, not in the trust store)%s", text, who_suffix(reach));
	else
		ev = add(r, EV_CERT_CHAIN, NULL, 0, "chain: %s <- ? (issuer %s not found)%s",
			 text, iss, who_suffix(reach));
	if (ev == NULL)
		return;
	if (c->err == X509_V_OK && ext_err == X509_V_OK)
		set_pass(r, ev, reach);
	else
		set_fail(r, ev, rep ? in->openssl_result : c->err != X509_V_OK ? c->err : ext_err, detail,
			 rep, reach);
	if (c->err == X509_V_OK)
		field(r, ev, 0, "extensions", 0, 0, "%s",
		      ext_err == X509_V_OK
		      ? "every issuer is a CA (basicConstraints CA:TRUE, keyUsage keyCertSign) and the "
			"server's certificate is for a TLS server (extendedKeyUsage serverAuth)"
		      : ext_err == X509_V_ERR_INVALID_CA ? "an issuer lacks CA:TRUE or keyCertSign"
		      : "the server's certificate lacks serverAuth in its extendedKeyUsage");
	field(r, ev, 0, "sent_by_server", 0, 0, "%d certificate%s: its own%s", nsent > 0 ? nsent : 1,
	      nsent == 1 || nsent == 0 ? "" : "s", nsent > 1 ? " and the issuing CA's" : " only");
	if (forgot)
		field(r, ev, 0, "missing_intermediate", 0, 0,
		      "Servers must send the intermediate (issuing) CA certificates between "
		      "their own and the root (RFC 8446 §4.4.2, RFC 5246 §7.4.2); forgetting "
		      "them is the most common real misconfiguration. Browsers often hide it: "
		      "they may have cached that intermediate from another site, or fetch it "
		      "from the URL in the certificate's Authority Information Access "
		      "extension (Chrome, Safari; Firefox ships the known intermediates). "
		      "OpenSSL, curl and httpsviz do neither: the site works in one browser "
		      "and fails in scripts. The fix is on the server: send the chain.");
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
	int reach;
	int rep;

	reach = r->fail_stage > STAGE_VERIFY ||
		(r->fail_stage == STAGE_VERIFY && i >= r->in->openssl_error_depth);
	rep = r->fail_stage == STAGE_VERIFY && !is_time_code(r->in->openssl_result) &&
	      i == r->in->openssl_error_depth;
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
			 "signature: %s signed by %s (%s): not checked, issuer unknown%s",
			 nm, iss, algname, who_suffix(reach));
		if (ev != NULL) {
			set_not_checked(r, ev, reach);
			field(r, ev, 0, "note", 0, 0,
			      "The issuer \"%s\" was not found, so there is no public key to "
			      "check this signature with; the chain check above says why.", iss);
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
			 "signature: %s signed by itself (%s, %s key)%s%s", nm, algname, kd,
			 ok ? " ok" : "", who_suffix(reach));
	else
		ev = add(r, EV_CERT_SIGNATURE, der, der_len,
			 "signature: %s signed by %s (%s, %s key)%s%s", nm, iss, algname, kd,
			 ok ? " ok" : "", who_suffix(reach));
	if (ev == NULL)
		goto out;
	snprintf(detail, sizeof detail,
		 "The signature on \"%s\" does not verify with the %s key of \"%s\".", nm, kd, iss);
	if (ok)
		set_pass(r, ev, reach);
	else
		set_fail(r, ev, rep ? r->in->openssl_result : pkey == NULL
			 ? X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY : X509_V_ERR_CERT_SIGNATURE_FAILURE,
			 detail, rep, reach);
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
	int reach = r->fail_stage > STAGE_VERIFY ||
		    (r->fail_stage == STAGE_VERIFY && is_time_code(r->in->openssl_result));
	int rep = r->fail_stage == STAGE_VERIFY && is_time_code(r->in->openssl_result);

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
		ev = add(r, EV_CERT_VALIDITY, der, der_len, "validity: %s valid until %s ok%s", nm, ta,
			 who_suffix(reach));
	else if (err == X509_V_ERR_CERT_HAS_EXPIRED)
		ev = add(r, EV_CERT_VALIDITY, der, der_len, "validity: %s expired on %s%s",
			 nm, ta, who_suffix(reach));
	else if (err == X509_V_ERR_CERT_NOT_YET_VALID)
		ev = add(r, EV_CERT_VALIDITY, der, der_len,
			 "validity: %s not valid before %s%s", nm, tb, who_suffix(reach));
	else
		ev = add(r, EV_CERT_VALIDITY, der, der_len, "validity: %s has a malformed date%s",
			 nm, who_suffix(reach));
	if (ev == NULL)
		goto out;
	if (err == X509_V_OK)
		set_pass(r, ev, reach);
	else
		set_fail(r, ev, rep ? r->in->openssl_result : err, detail, rep, reach);
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

/* The bits of security each OpenSSL security level asks for
 * (SSL_CTX_set_security_level(3)). */
static int level_bits(int level)
{
	static const int bits[] = {0, 80, 112, 128, 192, 256};

	if (level <= 0)
		return 0;
	return level >= 5 ? 256 : bits[level];
}

/* What a security level forbids, in a learner's words. */
static const char *level_text(int level)
{
	switch (level) {
	case 0:
		return "level 0: everything is allowed";
	case 1:
		return "level 1: 80-bit security: RSA, DSA and DH keys of at least 1024 bits, "
		       "ECC keys of at least 160 bits";
	case 2:
		return "level 2: 112-bit security: RSA, DSA and DH keys of at least 2048 bits, "
		       "ECC keys of at least 224 bits, no SHA-1 signatures";
	case 3:
		return "level 3: 128-bit security: RSA, DSA and DH keys of at least 3072 bits, "
		       "ECC keys of at least 256 bits";
	default:
		return "level 4 or 5: 192- or 256-bit security: RSA keys of at least 7680 or "
		       "15360 bits";
	}
}

/* The cert.key event: the server's key against the security level (the
 * first thing OpenSSL checks), then the CA keys and the signature hashes of
 * every certificate but the trust anchor's, as check_auth_level does. */
static void emit_key(struct run *r, const struct chain *c)
{
	const struct certcheck_input *in = r->in;
	int level = in->auth_level;
	int min = level_bits(level);
	X509 *leaf = c->l[0].cert;
	EVP_PKEY *pk = X509_get0_pubkey(leaf);
	int bits = pk != NULL ? EVP_PKEY_get_security_bits(pk) : 0;
	char kd[128];
	char nm[256];
	char detail[1024];
	long err = X509_V_OK;
	int bad = -1;
	int reach;
	int rep;
	struct event *ev;

	key_desc(pk, kd, sizeof kd);
	subj(leaf, nm, sizeof nm);
	if (level > 0 && bits < min) {
		err = X509_V_ERR_EE_KEY_TOO_SMALL;
		bad = 0;
	}
	for (int i = 1; i < c->n && err == X509_V_OK && level > 0; i++) {
		EVP_PKEY *k = X509_get0_pubkey(c->l[i].cert);

		if (k == NULL || EVP_PKEY_get_security_bits(k) < min) {
			err = X509_V_ERR_CA_KEY_TOO_SMALL;
			bad = i;
		}
	}
	for (int i = 0; i + 1 < c->n && err == X509_V_OK && level > 0; i++) {
		int secbits = 0;

		if (X509_get_signature_info(c->l[i].cert, NULL, NULL, &secbits, NULL) == 1 &&
		    secbits < min) {
			err = X509_V_ERR_CA_MD_TOO_WEAK;
			bad = i;
		}
	}
	/* the server's key is checked first of all; the rest after the chain */
	reach = err == X509_V_OK || err == X509_V_ERR_EE_KEY_TOO_SMALL ? reached(r, STAGE_LEAF_KEY)
								     : reached(r, STAGE_AUTH_LEVEL);
	rep = in->openssl_result != X509_V_OK && err != X509_V_OK &&
	      stage_of(in->openssl_result) == stage_of(err);
	if (err == X509_V_ERR_EE_KEY_TOO_SMALL)
		ev = add(r, EV_CERT_KEY, NULL, 0,
			 "key size: %s holds %s (%d-bit security), security level %d asks for %d",
			 nm, kd, bits, level, min);
	else if (err != X509_V_OK) {
		subj(c->l[bad].cert, nm, sizeof nm);
		ev = add(r, EV_CERT_KEY, NULL, 0, "key size: %s in the chain is below security level %d%s",
			 err == X509_V_ERR_CA_MD_TOO_WEAK ? "a signature hash" : "a CA key", level,
			 who_suffix(reach));
	} else
		ev = add(r, EV_CERT_KEY, NULL, 0, "key size: %s %s (%d-bit security), security level %d ok%s",
			 nm, kd, bits, level, who_suffix(reach));
	if (ev == NULL)
		return;
	if (err == X509_V_OK) {
		set_pass(r, ev, reach);
	} else {
		if (err == X509_V_ERR_EE_KEY_TOO_SMALL)
			snprintf(detail, sizeof detail,
				 "The server's %s key gives about %d bits of security; the client's "
				 "security level %d asks for %d.", kd, bits, level, min);
		else
			snprintf(detail, sizeof detail, "\"%s\" falls below the %d bits of security "
				 "level %d.", nm, min, level);
		set_fail(r, ev, rep ? in->openssl_result : err, detail, rep, reach);
	}
	field(r, ev, 0, "security_level", 0, 0, "%s", level_text(level));
	field(r, ev, 0, "server_key", 0, 0, "%s: %s, %d bits of security", nm, kd, bits);
	for (int i = 1; i < c->n; i++) {
		char cn[256];
		char ck[128];
		EVP_PKEY *k = X509_get0_pubkey(c->l[i].cert);

		subj(c->l[i].cert, cn, sizeof cn);
		key_desc(k, ck, sizeof ck);
		field(r, ev, 1, "ca_key", 0, 0, "%s: %s, %d bits of security", cn, ck,
		      k != NULL ? EVP_PKEY_get_security_bits(k) : 0);
	}
	if (err == X509_V_ERR_EE_KEY_TOO_SMALL)
		field(r, ev, 0, "why", 0, 0,
		      "An RSA key's strength grows slowly with its size: 1024 bits give about "
		      "80 bits of security (NIST SP 800-57), 2048 bits about 112. Academic "
		      "teams factored an 829-bit RSA number in 2020; a well-funded attacker can "
		      "be assumed able to factor 1024 bits, and then impersonate the server or, "
		      "with RSA key exchange, decrypt recorded sessions. Public CAs have not "
		      "issued RSA keys below 2048 bits since 2014 (CA/Browser Forum). OpenSSL "
		      "rejects the key before it even builds the chain.");
	field(r, ev, 0, "level_source", 0, 0,
	      "the level is the client's: OpenSSL's SSL_CTX_set_security_level; httpsviz's demo "
	      "client asks for at least 2, the default of OpenSSL from 3.2 and of Debian's "
	      "builds");
}

/* crl_reason codes (RFC 5280 §5.3.1). */
static const char *crl_reason(int code)
{
	static const char *const names[] = {
		"unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
		"superseded", "cessationOfOperation", "certificateHold", "(unused)",
		"removeFromCRL", "privilegeWithdrawn", "aACompromise",
	};

	return code >= 0 && code < (int)(sizeof names / sizeof names[0]) ? names[code] : "unassigned";
}

static const char revocation_today[] =
	"How revocation works today: a CA lists the serial numbers of certificates it "
	"revoked in a CRL (RFC 5280) that it signs and republishes, and clients would "
	"have to fetch it. OCSP (RFC 6960) lets a client ask the CA about one "
	"certificate, but it tells the CA which sites the user visits, costs a round "
	"trip, and clients ignore failures (soft fail), so an attacker simply blocks "
	"it; the CA/Browser Forum made OCSP optional for public CAs in 2023 and Let's "
	"Encrypt ended its OCSP service in 2025. OCSP stapling (the server attaches a "
	"fresh response) avoids the privacy leak. Browsers instead push compact lists "
	"of revoked certificates to their users (Chrome's CRLSets, Firefox's CRLite). "
	"OpenSSL and curl check nothing unless told to.";

/* The cert.revocation event: the server certificate against its issuer's
 * CRL, when the client checks revocation (X509_V_FLAG_CRL_CHECK). */
static void emit_revocation(struct run *r, const struct chain *c)
{
	const struct certcheck_input *in = r->in;
	X509 *leaf = c->l[0].cert;
	X509 *issuer = c->n > 1 ? c->l[1].cert : NULL;
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509_CRL) *crls = NULL;
	X509_CRL *crl = NULL;
	X509_REVOKED *rev = NULL;
	char nm[256];
	char iss[256];
	char tu[64];
	char nu[64];
	char detail[1024] = "";
	long err = X509_V_OK;
	int reach = reached(r, STAGE_REVOCATION);
	int rep = reported_here(r, STAGE_REVOCATION);
	struct event *ev;

	subj(leaf, nm, sizeof nm);
	name_short(X509_get_issuer_name(leaf), iss, sizeof iss);
	if ((in->verify_flags & X509_V_FLAG_CRL_CHECK) == 0 || c->err != X509_V_OK) {
		if ((in->verify_flags & X509_V_FLAG_CRL_CHECK) == 0)
			ev = add(r, EV_CERT_REVOCATION, NULL, 0,
				 "revocation: not checked, this client does not check revocation%s",
				 who_suffix(reach));
		else
			ev = add(r, EV_CERT_REVOCATION, NULL, 0,
				 "revocation: not checked, the chain reaches no trusted CA whose CRL "
				 "the client holds%s", who_suffix(reach));
		if (ev != NULL) {
			set_not_checked(r, ev, reach);
			field(r, ev, 0, "about", 0, 0, "%s", revocation_today);
		}
		return;
	}
	ctx = X509_STORE_CTX_new();
	if (ctx != NULL && in->trust != NULL && X509_STORE_CTX_init(ctx, in->trust, leaf, NULL) == 1)
		crls = X509_STORE_CTX_get1_crls(ctx, X509_get_issuer_name(leaf));
	if (sk_X509_CRL_num(crls) > 0)
		crl = sk_X509_CRL_value(crls, 0);
	if (crl == NULL) {
		err = X509_V_ERR_UNABLE_TO_GET_CRL;
		snprintf(detail, sizeof detail, "The client has no CRL from \"%s\".", iss);
	} else if (issuer == NULL || X509_CRL_verify(crl, X509_get0_pubkey(issuer)) != 1) {
		err = X509_V_ERR_CRL_SIGNATURE_FAILURE;
		snprintf(detail, sizeof detail, "The CRL's signature does not verify with the key of \"%s\".",
			 iss);
	} else if (X509_cmp_current_time(X509_CRL_get0_lastUpdate(crl)) > 0) {
		err = X509_V_ERR_CRL_NOT_YET_VALID;
	} else if (X509_CRL_get0_nextUpdate(crl) != NULL &&
		   X509_cmp_current_time(X509_CRL_get0_nextUpdate(crl)) < 0) {
		err = X509_V_ERR_CRL_HAS_EXPIRED;
	} else if (X509_CRL_get0_by_cert(crl, &rev, leaf) == 1) {
		err = X509_V_ERR_CERT_REVOKED;
		fmt_time(X509_REVOKED_get0_revocationDate(rev), tu, sizeof tu);
		snprintf(detail, sizeof detail, "\"%s\" lists the serial number of \"%s\", revoked on %s.",
			 iss, nm, tu);
	}
	if (err == X509_V_OK)
		ev = add(r, EV_CERT_REVOCATION, NULL, 0, "revocation: %s not on the CRL of %s ok%s", nm, iss,
			 who_suffix(reach));
	else if (err == X509_V_ERR_CERT_REVOKED)
		ev = add(r, EV_CERT_REVOCATION, NULL, 0, "revocation: %s is on the CRL of %s%s", nm, iss,
			 who_suffix(reach));
	else
		ev = add(r, EV_CERT_REVOCATION, NULL, 0, "revocation: %s%s",
			 err == X509_V_ERR_UNABLE_TO_GET_CRL ? "no CRL of the issuer at hand"
			 : "the issuer's CRL is not usable", who_suffix(reach));
	if (ev == NULL)
		goto out;
	if (err == X509_V_OK)
		set_pass(r, ev, reach);
	else
		set_fail(r, ev, rep ? in->openssl_result : err, detail[0] ? detail : NULL, rep, reach);
	if (crl != NULL) {
		fmt_time(X509_CRL_get0_lastUpdate(crl), tu, sizeof tu);
		fmt_time(X509_CRL_get0_nextUpdate(crl), nu, sizeof nu);
		int nrev = sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl));

		if (nrev < 0) /* no revokedCertificates at all */
			nrev = 0;
		field(r, ev, 0, "crl", 0, 0, "issued by %s, %d revoked certificate%s, this update %s, "
		      "next update %s", iss, nrev, nrev == 1 ? "" : "s", tu, nu);
	}
	if (rev != NULL) {
		ASN1_ENUMERATED *reason = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, NULL, NULL);
		BIGNUM *bn = ASN1_INTEGER_to_BN(X509_REVOKED_get0_serialNumber(rev), NULL);
		char *hex = bn != NULL ? BN_bn2hex(bn) : NULL;

		field(r, ev, 0, "serial_number", 0, 0, "%s", hex != NULL ? hex : "(unreadable)");
		fmt_time(X509_REVOKED_get0_revocationDate(rev), tu, sizeof tu);
		field(r, ev, 0, "revocation_date", 0, 0, "%s", tu);
		field(r, ev, 0, "reason", 0, 0, "%s", reason != NULL
		      ? crl_reason((int)ASN1_ENUMERATED_get(reason)) : "(none given)");
		OPENSSL_free(hex);
		BN_free(bn);
		ASN1_ENUMERATED_free(reason);
	}
	field(r, ev, 0, "how", 0, 0,
	      "This client holds the issuing CA's CRL, fetched beforehand (here: minted with the "
	      "demo PKI), and looks for the server certificate's serial number in it "
	      "(X509_V_FLAG_CRL_CHECK: the server certificate only).");
	field(r, ev, 0, "about", 0, 0, "%s", revocation_today);
out:
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	X509_STORE_CTX_free(ctx);
}

/* "PREFIX:" and a certificate's string, quoted with sanitize_span (it may
 * hold a NUL meant to hide the rest, "good.example\0.evil.example"). */
static void quote_string(char *buf, size_t len, const char *prefix, const ASN1_STRING *s)
{
	char *q = sanitize_span(ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));

	snprintf(buf, len, "%s%s", prefix, q != NULL ? q : "?");
	free(q);
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
		quote_string(buf, len, "DNS:", g->d.dNSName);
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
		quote_string(buf, len, "email:", g->d.rfc822Name);
		return 0;
	case GEN_URI:
		quote_string(buf, len, "URI:", g->d.uniformResourceIdentifier);
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
	int reach = reached(r, STAGE_HOST);
	int rep = reported_here(r, STAGE_HOST);

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
			set_not_checked(r, ev, reach);
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
			 "hostname: %s matches the subject CN (no DNS names in subjectAltName) ok%s",
			 host, who_suffix(reach));
	else if (ok)
		ev = add(r, EV_CERT_HOSTNAME, der, der_len, "hostname: %s matches %s%s ok%s", host,
			 ip != NULL ? "IP:" : "DNS:", peername != NULL ? peername : host, who_suffix(reach));
	else
		ev = add(r, EV_CERT_HOSTNAME, der, der_len, "hostname: %s not in [%s]%s",
			 host, sans[0] ? sans : "no subjectAltName", who_suffix(reach));
	if (ev == NULL)
		goto out;
	snprintf(detail, sizeof detail, "The client asked for %s, but the certificate is for %s.",
		 host, sans[0] ? sans : cn[0] ? cn : "no name at all");
	if (ok)
		set_pass(r, ev, reach);
	else
		set_fail(r, ev, rep ? r->in->openssl_result : code, detail, rep, reach);
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
		set_pass(r, ev, 1);
		field(r, ev, 0, "openssl_result", 0, 0, "0 (%s)", text);
		field(r, ev, 0, "action", 0, 0, "continue");
		field(r, ev, 0, "explanation", 0, 0, "%s", certcheck_explain(X509_V_OK));
	} else {
		set_fail(r, ev, res, NULL, 1, 1);
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
	field(r, ev, 0, "order", 0, 0,
	      "OpenSSL 3 checks the server's key size first, then builds the chain, checks "
	      "the CA and purpose extensions, the chain's key sizes and hashes, the host "
	      "name, revocation, and last the signatures and dates from the root down. It "
	      "stops at the first failure and reports that one code%s",
	      res != X509_V_OK ? ": the checks after it above were made by httpsviz alone." : ".");
	if (app_failures > 1 && res != X509_V_OK)
		field(r, ev, 0, "first_failure", 0, 0,
		      "Several checks failed; OpenSSL reported only the first it met (%s).",
		      stage_check((enum stage)r->fail_stage));
}

/* Count the failed checks appended since index from: every FAILED line
 * (a check that could not be made is not one). */
static int count_failures(const struct evlog *log, size_t from)
{
	int n = 0;

	for (size_t i = from; i < log->n; i++)
		n += log->ev[i]->result == RESULT_FAIL && log->ev[i]->name != EV_CERT_VERDICT;
	return n;
}

/* see certcheck.h */
int certcheck_run(struct evlog *log, const struct certcheck_input *in)
{
	struct run r = {log, in, 0, (int)stage_of(in->openssl_result)};
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
	/* in OpenSSL 3's order (x509_vfy.c: the leaf key in
	 * x509_verify_x509, then verify_chain) */
	emit_key(&r, &c);
	emit_chain(&r, &c);
	emit_hostname(&r, in->leaf);
	emit_revocation(&r, &c);
	for (int i = c.n - 1; i >= 0; i--)
		emit_signature(&r, &c, i);
	emit_validity(&r, &c);
	emit_verdict(&r, count_failures(log, first));
	rc = r.oom ? -1 : 0;
out:
	chain_free(&c);
	ERR_pop_to_mark();
	return rc;
}
