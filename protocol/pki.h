/* The demo PKI, minted in memory at start-up: no key ever touches the disk.
 *
 * As real sites have it: a root CA ("httpsviz demo root CA", EC P-256), the
 * only certificate the client trusts; an issuing CA under it ("httpsviz
 * demo issuing CA", EC P-256, pathlen 0); and the server's certificate for
 * localhost (SAN DNS:localhost, IP:127.0.0.1, RSA-2048: the key must be RSA
 * for RSA key exchange) issued by the issuing CA.  The server sends its
 * certificate and the issuing CA's (server_chain); the client holds the
 * root and the issuing CA's CRL, which it checks.
 *
 * Scenarios change this: the server certificate's dates or names (expired,
 * not yet valid, wrong host), its issuer (untrusted-ca: a private root and
 * issuing CA; self-signed), what the server sends (missing-intermediate),
 * the CRL (revoked), the server key (weak-key: RSA-1024), or add an attacker
 * CA and an interceptor certificate (mitm). */
#ifndef HTTPSVIZ_PKI_H
#define HTTPSVIZ_PKI_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "protocol/scenario.h"

struct pki {
	enum scenario scenario;
	EVP_PKEY *ca_key;          /* demo root CA: the client trusts ca_cert */
	X509 *ca_cert;
	EVP_PKEY *issuing_key;     /* demo issuing CA, signed by the root */
	X509 *issuing_cert;
	EVP_PKEY *private_root_key;     /* untrusted-ca: a root the client lacks */
	X509 *private_root_cert;
	EVP_PKEY *private_issuing_key;  /* ... and its issuing CA */
	X509 *private_issuing_cert;
	EVP_PKEY *server_key;      /* RSA-2048 (RSA-1024 in weak-key) */
	X509 *server_cert;         /* as the scenario asks */
	STACK_OF(X509) *server_chain; /* sent after server_cert: its issuing CA, or empty */
	X509_CRL *crl;             /* the demo issuing CA's CRL */
	EVP_PKEY *attacker_ca_key; /* mitm only */
	X509 *attacker_ca_cert;
	X509_CRL *attacker_crl;
	EVP_PKEY *mitm_key;        /* mitm only: the interceptor's RSA key */
	X509 *mitm_cert;           /* for localhost, signed by the attacker CA */
};

/* Mint everything the scenario needs.  Returns 0, or -1 with a one-line
 * reason in err. */
int pki_mint(struct pki *pki, enum scenario scen, char *err, size_t errlen);
/* pki_mint with extra subjectAltName entries for the server certificate
 * (OpenSSL syntax, e.g. "DNS:teacher.local,IP:192.0.2.7"), for serve. */
int pki_mint_for(struct pki *pki, enum scenario scen, const char *extra_san, char *err, size_t errlen);
/* Share src's keys and certificates with dst (reference counts, no copy):
 * pki_free on either leaves the other intact.  0, or -1 with a reason. */
int pki_ref(struct pki *dst, const struct pki *src, char *err, size_t errlen);
/* Free all keys and certificates; pki is left zeroed. */
void pki_free(struct pki *pki);
/* Set up a client's trust store: the demo root (and the attacker CA when
 * trust_attacker is set and the scenario minted one), the CRLs of those
 * CAs' issuers, and CRL checking of the server certificate.  0 or -1. */
int pki_client_store(const struct pki *pki, X509_STORE *st, int trust_attacker);
/* The certificate's PEM text in a new string (for serve's --ca-out file). */
char *pki_cert_pem(X509 *cert);
/* A new trust store set up by pki_client_store.  NULL when out of memory;
 * the caller frees it with X509_STORE_free. */
X509_STORE *pki_trust_store(const struct pki *pki, int trust_attacker);
/* Keep the RSA-2048 keys (the slow part: about 300 ms each on a busy
 * machine, over a second at worst, as the prime search is random) across
 * pki_mint calls while on, so minting another scenario costs milliseconds;
 * off stops the background thread (if any) and frees the kept keys.  Off by
 * default: each pki_mint makes fresh keys.  The certificates are always
 * new.  Thread-safe. */
void pki_cache_keys(int on);
/* Turn the cache on and start making both RSA keys (the server's, then the
 * interceptor's) in a background thread now, off the learner's path (the TUI
 * calls it once its first frame is up); every
 * later pki_mint in the process reuses them, waiting only if it comes before
 * they are ready.  The keys live only in this process's memory.  The thread
 * is stopped at exit (or by pki_cache_keys(0)).  Returns 0, or -1 when no
 * thread could start (pki_mint then makes the keys itself). */
int pki_keys_start(void);
/* 0 while the background thread is still making a key that pki_mint for
 * this scenario needs; 1 when pki_mint would not wait for it (the keys are
 * there, or no thread runs and pki_mint makes what is missing itself). */
int pki_keys_ready(enum scenario scen);
/* A descriptor that becomes readable when the background thread has made
 * a key or finished, for an event loop to poll instead of waking on a timer
 * (what was pending is consumed by this call); -1 before pki_keys_start.
 * Look at pki_keys_ready after it wakes. */
int pki_keys_fd(void);
/* How many RSA keys this process has generated so far (a restart that
 * reuses the kept keys does not change it). */
int pki_keys_made(void);

#endif
