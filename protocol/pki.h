/* The demo PKI, minted in memory at start-up: no key ever touches the disk.
 *
 * A demo CA (EC P-256) and an RSA-2048 server certificate for localhost
 * (SAN DNS:localhost, IP:127.0.0.1) signed by it.  The server key must be RSA
 * for RSA key exchange.  Scenarios change the server certificate (expired,
 * not yet valid, wrong host, self-signed) or add an attacker CA and an
 * interceptor certificate (mitm). */
#ifndef HTTPSVIZ_PKI_H
#define HTTPSVIZ_PKI_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "protocol/scenario.h"

struct pki {
	EVP_PKEY *ca_key;          /* demo CA: the client trusts ca_cert */
	X509 *ca_cert;
	EVP_PKEY *server_key;      /* RSA-2048 */
	X509 *server_cert;         /* as the scenario asks */
	EVP_PKEY *attacker_ca_key; /* mitm only */
	X509 *attacker_ca_cert;
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
/* The certificate's PEM text in a new string (for serve's --ca-out file). */
char *pki_cert_pem(X509 *cert);
/* A new trust store holding the demo CA, and also the attacker CA when
 * trust_attacker is set and the scenario minted one (mitm --trust-attacker).
 * NULL when out of memory; the caller frees it with X509_STORE_free. */
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
