/* The client's certificate validation, shown one check at a time.
 *
 * OpenSSL decides (X509_verify_cert); certcheck repeats each part of that
 * decision with explicit X509 calls so a learner sees what was checked, and
 * appends one event per check to the log, in the order OpenSSL 3 makes
 * them (crypto/x509/x509_vfy.c):
 *
 *   cert.key         the server's key against the security level (OpenSSL
 *                    checks it before anything else), and the CA keys and
 *                    signature hashes of the chain (checked after building it)
 *   cert.chain       which certificates, up to which trusted root, which store;
 *                    then the extensions (issuers are CAs, the server's
 *                    certificate is for serverAuth), as OpenSSL checks next
 *   cert.hostname    the requested name or IP against the subjectAltName
 *                    entries (the subject CN only where RFC 6125 allows it)
 *   cert.revocation  the server certificate against its issuer's CRL, when
 *                    the client checks revocation (X509_V_FLAG_CRL_CHECK)
 *   cert.signature   one per certificate: its signature checked with the
 *                    issuer's public key (a self-signed one with its own)
 *   cert.validity    notBefore/notAfter of every chain certificate vs now
 *   cert.verdict     OpenSSL's decision, and whether the client aborts (with
 *                    which alert) or continues because of --insecure
 *
 * OpenSSL stops at the first failure.  A check it never reached is still
 * made and shown, marked as httpsviz's alone (event member app_only, field
 * "checked_by"); it never carries an X509 code, since OpenSSL reported none
 * for it.  Every event has the field "result" ("pass", "fail", or "not
 * checked": no name asked for, no revocation checking, an issuer unknown)
 * and event_set_result() set; the failure OpenSSL reported also has
 * "x509_error" (the number), "x509_error_text" (OpenSSL's text); every
 * failure has "explanation" (what it means for the user).  The verdict
 * always equals OpenSSL's result: the app shows OpenSSL's decision, it never
 * replaces it. */
#ifndef HTTPSVIZ_CERTCHECK_H
#define HTTPSVIZ_CERTCHECK_H

#include <openssl/x509.h>

#include "protocol/event.h"

struct certcheck_input {
	X509 *leaf;                   /* the server's certificate */
	STACK_OF(X509) *untrusted;    /* the rest of the chain the peer sent, or NULL */
	STACK_OF(X509) *built_chain;  /* the chain OpenSSL built, or NULL */
	X509_STORE *trust;            /* the client's trust store */
	const char *trust_name;       /* e.g. "demo CA (in memory)" */
	const char *host;             /* the name asked for: DNS name or IP literal */
	long openssl_result;          /* X509_STORE_CTX_get_error after X509_verify_cert */
	int openssl_error_depth;      /* X509_STORE_CTX_get_error_depth */
	int insecure;                 /* the client continues anyway (--insecure) */
	int auth_level;               /* the security level the verification used
					 (X509_VERIFY_PARAM_get_auth_level) */
	unsigned long verify_flags;   /* X509_VERIFY_PARAM_get_flags: CRL checking */
	enum actor actor;             /* usually ACTOR_CLIENT */
};

/* Run the checks and append the cert.* events above to log.  Returns 0, or
 * -1 when leaf is NULL or memory ran out (events appended so far stay). */
int certcheck_run(struct evlog *log, const struct certcheck_input *in);

/* Plain-language teaching text for an X509_V_ERR_* code: what it means for
 * the user (a general text for codes without their own). */
const char *certcheck_explain(long x509_err);

/* The symbol of an X509_V_ERR_* code, e.g. "X509_V_ERR_CERT_HAS_EXPIRED",
 * or "X509_V_ERR_(other)" for codes without their own text. */
const char *certcheck_err_name(long x509_err);

/* The TLS alert an OpenSSL client sends when verification fails with this
 * code (OpenSSL's ssl_x509err2alert table): its name, e.g. "unknown_ca", and
 * its number in *alert_code when not NULL.  "certificate_unknown" (46) for
 * codes OpenSSL does not map. */
const char *certcheck_alert(long x509_err, int *alert_code);

#endif
