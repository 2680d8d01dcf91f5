/* The demo PKI, minted in memory with OpenSSL 3: keys and certificates live
 * only in this process. */
#include "protocol/pki.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#define HOUR (60L * 60)
#define DAY (24 * HOUR)
#define YEAR (365 * DAY)

#define GOOD_SAN "DNS:localhost,IP:127.0.0.1"

/* What one certificate should say. */
struct certspec {
	const char *cn;
	const char *org;
	const char *san;   /* subjectAltName in OpenSSL config syntax, or NULL */
	int is_ca;         /* 1: a root CA; 2: an issuing CA (pathlen 0) */
	long not_before;   /* seconds from now */
	long not_after;
};

/* The RSA keys kept for the life of the process once caching is on (slot
 * 0 is the server's, slot 1 the interceptor's), and the background thread
 * that makes them at launch (pki_keys_start).  The mutex guards everything
 * here; the thread generates outside it. */
#define NSLOTS 2
static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	EVP_PKEY *key[NSLOTS];
	int on;              /* keys are kept (pki_cache_keys / pki_keys_start) */
	int busy[NSLOTS];    /* the thread is making this slot's key */
	int thread_running;
	int thread_done;     /* it has finished (keys made, or it failed) */
	pthread_t thread;
	int made;            /* RSA keys generated in this process */
	int wake[2];         /* a byte is written to wake[1] as each key is ready */
} cache = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .wake = {-1, -1}};
/* Set to ask the thread to give up (read inside OpenSSL's key generation
 * callback, so it stops within one prime candidate). */
static atomic_int stop_asked;

/* Put a one-line reason, with OpenSSL's first queued error, into err. */
static void set_err(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256] = "";

	if (e != 0)
		ERR_error_string_n(e, buf, sizeof buf);
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "pki: %s%s%s", what, buf[0] ? ": " : "", buf);
	ERR_clear_error();
}

/* OpenSSL's progress callback during prime search: returning 0 aborts. */
static int keygen_progress(EVP_PKEY_CTX *ctx)
{
	(void)ctx;
	return !atomic_load(&stop_asked);
}

/* A fresh RSA-2048 key, or NULL (also when asked to stop). */
static EVP_PKEY *make_rsa(void)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *k = NULL;

	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048) <= 0)
		goto out;
	EVP_PKEY_CTX_set_cb(ctx, keygen_progress);
	if (EVP_PKEY_generate(ctx, &k) <= 0) {
		EVP_PKEY_free(k);
		k = NULL;
	}
out:
	EVP_PKEY_CTX_free(ctx);
	return k;
}

/* Tell a waiting event loop that a key (or the end) has come. */
static void wake_loop(void)
{
	if (cache.wake[1] >= 0 && write(cache.wake[1], "k", 1) < 0) {
		/* full pipe: the loop has bytes to read already */
	}
}

/* The background thread: make the key of each slot pki_keys_start marked
 * busy, in turn; clear the marks (of keys not made too) when done. */
static void *keygen_thread(void *arg)
{
	(void)arg;
	for (int slot = 0; slot < NSLOTS && !atomic_load(&stop_asked); slot++) {
		EVP_PKEY *k;
		int want;

		pthread_mutex_lock(&cache.mu);
		want = cache.busy[slot];
		pthread_mutex_unlock(&cache.mu);
		if (!want)
			continue;
		k = make_rsa();
		pthread_mutex_lock(&cache.mu);
		cache.busy[slot] = 0;
		if (k != NULL) {
			cache.key[slot] = k;
			cache.made++;
		}
		pthread_cond_broadcast(&cache.cv);
		pthread_mutex_unlock(&cache.mu);
		wake_loop();
		ERR_clear_error(); /* this thread's queue: an abort is not an error */
	}
	pthread_mutex_lock(&cache.mu);
	for (int slot = 0; slot < NSLOTS; slot++)
		cache.busy[slot] = 0;
	cache.thread_done = 1;
	pthread_cond_broadcast(&cache.cv);
	pthread_mutex_unlock(&cache.mu);
	wake_loop();
	return NULL;
}

/* Stop and join the thread if it runs (quick: key generation aborts). */
static void keys_join(void)
{
	int running;

	pthread_mutex_lock(&cache.mu);
	running = cache.thread_running;
	cache.thread_running = 0;
	pthread_mutex_unlock(&cache.mu);
	if (!running)
		return;
	atomic_store(&stop_asked, 1);
	pthread_join(cache.thread, NULL);
	atomic_store(&stop_asked, 0);
}

/* At exit the thread must be gone before OpenSSL cleans up under it. */
static void keys_at_exit(void)
{
	pki_cache_keys(0);
}

/* A new RSA-2048 key, or the kept one for this slot when caching is on
 * (waiting for the background thread if it is making it right now). */
static EVP_PKEY *rsa_key(int slot)
{
	EVP_PKEY *k;
	int kept;

	pthread_mutex_lock(&cache.mu);
	while (cache.on && cache.busy[slot])
		pthread_cond_wait(&cache.cv, &cache.mu);
	kept = cache.on;
	k = kept ? cache.key[slot] : NULL;
	if (k != NULL && EVP_PKEY_up_ref(k) != 1)
		k = NULL;
	pthread_mutex_unlock(&cache.mu);
	if (k != NULL)
		return k;
	k = make_rsa();
	if (k == NULL)
		return NULL;
	pthread_mutex_lock(&cache.mu);
	cache.made++;
	if (kept && cache.on && cache.key[slot] == NULL && EVP_PKEY_up_ref(k) == 1)
		cache.key[slot] = k;
	pthread_mutex_unlock(&cache.mu);
	return k;
}

/* see pki.h */
int pki_keys_start(void)
{
	static int exit_hook;
	int rc = 0;

	/* OpenSSL registers its own clean-up at initialisation; ours, added
	 * after it, runs first and stops the thread */
	OPENSSL_init_crypto(0, NULL);
	pthread_mutex_lock(&cache.mu);
	cache.on = 1;
	if (cache.wake[0] < 0 && pipe2(cache.wake, O_CLOEXEC | O_NONBLOCK) < 0)
		cache.wake[0] = cache.wake[1] = -1;
	if (!exit_hook && atexit(keys_at_exit) == 0)
		exit_hook = 1;
	if (!cache.thread_running) {
		/* marked before the thread runs, so a pki_mint right after this
		 * waits for the thread instead of making a second key */
		for (int slot = 0; slot < NSLOTS; slot++)
			cache.busy[slot] = cache.key[slot] == NULL;
		cache.thread_done = 0;
		if (pthread_create(&cache.thread, NULL, keygen_thread, NULL) == 0) {
			cache.thread_running = 1;
		} else {
			for (int slot = 0; slot < NSLOTS; slot++)
				cache.busy[slot] = 0;
			rc = -1; /* pki_mint makes the keys itself */
		}
	}
	pthread_mutex_unlock(&cache.mu);
	return rc;
}

/* see pki.h */
int pki_keys_ready(enum scenario scen)
{
	int ready;

	pthread_mutex_lock(&cache.mu);
	/* weak-key makes its own small key; mitm needs the interceptor's too */
	ready = ((scen == SCEN_WEAK_KEY || cache.key[0] != NULL) && (scen != SCEN_MITM || cache.key[1] != NULL)) ||
		!cache.thread_running || cache.thread_done;
	pthread_mutex_unlock(&cache.mu);
	return ready;
}

/* see pki.h */
int pki_keys_fd(void)
{
	char buf[16];
	int fd;

	pthread_mutex_lock(&cache.mu);
	fd = cache.wake[0];
	pthread_mutex_unlock(&cache.mu);
	while (fd >= 0 && read(fd, buf, sizeof buf) > 0)
		;
	return fd;
}

/* see pki.h */
int pki_keys_made(void)
{
	int n;

	pthread_mutex_lock(&cache.mu);
	n = cache.made;
	pthread_mutex_unlock(&cache.mu);
	return n;
}

/* A new RSA key of this size, never cached (the weak-key scenario's). */
static EVP_PKEY *rsa_key_bits(size_t bits)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", bits);
}

/* A new EC P-256 key (fast: about 0.02 ms, so never cached). */
static EVP_PKEY *ec_key(void)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

/* see pki.h */
void pki_cache_keys(int on)
{
	if (on) {
		pthread_mutex_lock(&cache.mu);
		cache.on = 1;
		pthread_mutex_unlock(&cache.mu);
		return;
	}
	keys_join();
	pthread_mutex_lock(&cache.mu);
	cache.on = 0;
	for (int i = 0; i < NSLOTS; i++) {
		EVP_PKEY_free(cache.key[i]);
		cache.key[i] = NULL;
	}
	pthread_mutex_unlock(&cache.mu);
}

/* Give x a random positive 16-byte serial number (RFC 5280 §4.1.2.2 asks
 * for at most 20 octets; randomness keeps serials unique without state). */
static int set_serial(X509 *x)
{
	unsigned char buf[16];
	BIGNUM *bn = NULL;
	int rc = -1;

	if (RAND_bytes(buf, sizeof buf) != 1)
		goto out;
	buf[0] &= 0x7f;   /* positive as a DER INTEGER */
	buf[0] |= 0x01;   /* and never zero */
	bn = BN_bin2bn(buf, sizeof buf, NULL);
	if (bn == NULL || BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto out;
	rc = 0;
out:
	BN_free(bn);
	return rc;
}

/* Add one extension written in OpenSSL's config syntax. */
static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok;

	if (ext == NULL)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -1;
}

/* Build a name with O and CN. */
static X509_NAME *make_name(const char *org, const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	if (n == NULL)
		return NULL;
	if (X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8, (const unsigned char *)org,
				       -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn,
				       -1, -1, 0) != 1) {
		X509_NAME_free(n);
		return NULL;
	}
	return n;
}

/* Mint a certificate for key as spec says, signed SHA-256 by issuer_key on
 * behalf of issuer, or self-signed when issuer is NULL. */
static X509 *make_cert(const struct certspec *spec, EVP_PKEY *key, X509 *issuer,
		       EVP_PKEY *issuer_key)
{
	X509 *x = X509_new();
	X509_NAME *name = NULL;
	X509V3_CTX v3;
	int ok = 0;

	if (x == NULL)
		goto out;
	name = make_name(spec->org, spec->cn);
	if (name == NULL || X509_set_version(x, X509_VERSION_3) != 1 || set_serial(x) != 0)
		goto out;
	if (X509_gmtime_adj(X509_getm_notBefore(x), spec->not_before) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), spec->not_after) == NULL)
		goto out;
	if (X509_set_subject_name(x, name) != 1 ||
	    X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : name) != 1 ||
	    X509_set_pubkey(x, key) != 1)
		goto out;
	X509V3_set_ctx(&v3, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	if (spec->is_ca) {
		/* an issuing CA may sign only end-entity certificates */
		if (add_ext(x, &v3, NID_basic_constraints,
			    spec->is_ca == 2 ? "critical,CA:TRUE,pathlen:0" : "critical,CA:TRUE") != 0 ||
		    add_ext(x, &v3, NID_key_usage, "critical,keyCertSign,cRLSign") != 0 ||
		    add_ext(x, &v3, NID_subject_key_identifier, "hash") != 0)
			goto out;
		if (issuer != NULL &&
		    add_ext(x, &v3, NID_authority_key_identifier, "keyid:always") != 0)
			goto out;
	} else {
		if (add_ext(x, &v3, NID_basic_constraints, "CA:FALSE") != 0 ||
		    add_ext(x, &v3, NID_key_usage,
			    "critical,digitalSignature,keyEncipherment") != 0 ||
		    add_ext(x, &v3, NID_ext_key_usage, "serverAuth") != 0 ||
		    add_ext(x, &v3, NID_subject_key_identifier, "hash") != 0)
			goto out;
		if (spec->san != NULL && add_ext(x, &v3, NID_subject_alt_name, spec->san) != 0)
			goto out;
		/* The AKID names the issuer's key so a client can pick the right
		 * issuer; a self-signed certificate has no separate issuer. */
		if (issuer != NULL &&
		    add_ext(x, &v3, NID_authority_key_identifier, "keyid:always") != 0)
			goto out;
	}
	if (X509_sign(x, issuer_key != NULL ? issuer_key : key, EVP_sha256()) <= 0)
		goto out;
	ok = 1;
out:
	X509_NAME_free(name);
	if (!ok) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

/* The server certificate's description for a scenario. */
static struct certspec server_spec(enum scenario scen)
{
	struct certspec s = {"localhost", "httpsviz", GOOD_SAN, 0, -HOUR, YEAR};

	switch (scen) {
	case SCEN_EXPIRED:
		s.not_before = -30 * DAY;
		s.not_after = -DAY;
		break;
	case SCEN_NOT_YET_VALID:
		s.not_before = DAY;
		s.not_after = YEAR;
		break;
	case SCEN_WRONG_HOST:
		s.cn = "www.example.org";
		s.san = "DNS:www.example.org";
		break;
	default:
		break;
	}
	return s;
}

/* see pki.h */
int pki_mint(struct pki *pki, enum scenario scen, char *err, size_t errlen)
{
	return pki_mint_for(pki, scen, NULL, err, errlen);
}

/* A CRL issued by issuer (signed with key): valid from an hour ago for a
 * week, listing revoked_cert when not NULL (reason keyCompromise). */
static X509_CRL *make_crl(X509 *issuer, EVP_PKEY *key, X509 *revoked_cert)
{
	X509_CRL *crl = X509_CRL_new();
	X509_REVOKED *rev = NULL;
	ASN1_TIME *t = NULL;
	ASN1_ENUMERATED *reason = NULL;
	X509V3_CTX v3;
	int ok = 0;

	if (crl == NULL || X509_CRL_set_version(crl, X509_CRL_VERSION_2) != 1 ||
	    X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer)) != 1)
		goto out;
	t = X509_gmtime_adj(NULL, -HOUR);
	if (t == NULL || X509_CRL_set1_lastUpdate(crl, t) != 1 ||
	    X509_gmtime_adj(t, 7 * DAY) == NULL || X509_CRL_set1_nextUpdate(crl, t) != 1)
		goto out;
	if (revoked_cert != NULL) {
		rev = X509_REVOKED_new();
		reason = ASN1_ENUMERATED_new();
		if (rev == NULL || reason == NULL ||
		    X509_REVOKED_set_serialNumber(rev, X509_get_serialNumber(revoked_cert)) != 1 ||
		    X509_gmtime_adj(t, -30 * 60) == NULL || /* half an hour ago, after issuance */
		    X509_REVOKED_set_revocationDate(rev, t) != 1 ||
		    ASN1_ENUMERATED_set(reason, CRL_REASON_KEY_COMPROMISE) != 1 ||
		    X509_REVOKED_add1_ext_i2d(rev, NID_crl_reason, reason, 0, 0) != 1 ||
		    X509_CRL_add0_revoked(crl, rev) != 1)
			goto out;
		rev = NULL; /* the CRL owns it */
	}
	X509V3_set_ctx(&v3, issuer, NULL, NULL, crl, 0);
	{
		X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, NID_authority_key_identifier,
							  "keyid:always");

		if (ext == NULL || X509_CRL_add_ext(crl, ext, -1) != 1) {
			X509_EXTENSION_free(ext);
			goto out;
		}
		X509_EXTENSION_free(ext);
	}
	if (X509_CRL_sort(crl) != 1 || X509_CRL_sign(crl, key, EVP_sha256()) <= 0)
		goto out;
	ok = 1;
out:
	X509_REVOKED_free(rev);
	ASN1_ENUMERATED_free(reason);
	ASN1_TIME_free(t);
	if (!ok) {
		X509_CRL_free(crl);
		crl = NULL;
	}
	return crl;
}

/* Mint a CA: a root (issuer NULL) or an issuing CA under issuer. */
static int mint_ca(const struct certspec *spec, X509 *issuer, EVP_PKEY *issuer_key, EVP_PKEY **key,
		   X509 **cert)
{
	*key = ec_key();
	if (*key == NULL)
		return -1;
	*cert = make_cert(spec, *key, issuer, issuer_key);
	return *cert != NULL ? 0 : -1;
}

/* see pki.h */
int pki_mint_for(struct pki *pki, enum scenario scen, const char *extra_san, char *err, size_t errlen)
{
	char san[8192];
	static const struct certspec root_spec = {"httpsviz demo root CA", "httpsviz", NULL, 1,
						  -HOUR, 10 * YEAR};
	static const struct certspec issuing_spec = {"httpsviz demo issuing CA", "httpsviz", NULL, 2,
						     -HOUR, 3 * YEAR};
	static const struct certspec private_root_spec = {"Example Corp private root CA",
							  "Example Corp", NULL, 1, -HOUR, 10 * YEAR};
	static const struct certspec private_issuing_spec = {"Example Corp intranet issuing CA",
							     "Example Corp", NULL, 2, -HOUR, 3 * YEAR};
	static const struct certspec attacker_spec = {"Totally Legit CA", "Totally Legit CA",
						      NULL, 1, -HOUR, YEAR};
	static const struct certspec mitm_spec = {"localhost", "httpsviz", GOOD_SAN, 0,
						  -HOUR, YEAR};
	struct certspec srv = server_spec(scen);
	X509 *leaf_issuer;
	EVP_PKEY *leaf_issuer_key;
	int rc = -1;

	if (extra_san != NULL && extra_san[0] != '\0' && srv.san != NULL) {
		if ((size_t)snprintf(san, sizeof san, "%s,%s", srv.san, extra_san) >= sizeof san) {
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "pki: too many extra names");
			return -1;
		}
		srv.san = san;
	}

	memset(pki, 0, sizeof *pki);
	if ((unsigned)scen >= SCEN__COUNT) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "pki: unknown scenario %d", (int)scen);
		return -1;
	}
	ERR_clear_error();
	pki->scenario = scen;
	if (mint_ca(&root_spec, NULL, NULL, &pki->ca_key, &pki->ca_cert) != 0 ||
	    mint_ca(&issuing_spec, pki->ca_cert, pki->ca_key, &pki->issuing_key, &pki->issuing_cert) != 0) {
		set_err(err, errlen, "making the demo root and issuing CAs failed");
		goto out;
	}
	pki->server_key = scen == SCEN_WEAK_KEY ? rsa_key_bits(1024) : rsa_key(0);
	if (pki->server_key == NULL) {
		set_err(err, errlen, "generating the server's RSA key failed");
		goto out;
	}
	leaf_issuer = pki->issuing_cert;
	leaf_issuer_key = pki->issuing_key;
	if (scen == SCEN_UNTRUSTED_CA) {
		if (mint_ca(&private_root_spec, NULL, NULL, &pki->private_root_key,
			    &pki->private_root_cert) != 0 ||
		    mint_ca(&private_issuing_spec, pki->private_root_cert, pki->private_root_key,
			    &pki->private_issuing_key, &pki->private_issuing_cert) != 0) {
			set_err(err, errlen, "making the private CAs failed");
			goto out;
		}
		leaf_issuer = pki->private_issuing_cert;
		leaf_issuer_key = pki->private_issuing_key;
	}
	if (scen == SCEN_SELF_SIGNED)
		pki->server_cert = make_cert(&srv, pki->server_key, NULL, NULL);
	else
		pki->server_cert = make_cert(&srv, pki->server_key, leaf_issuer, leaf_issuer_key);
	if (pki->server_cert == NULL) {
		set_err(err, errlen, "making the server certificate failed");
		goto out;
	}
	/* what the server sends after its own certificate: its issuing CA,
	 * except when it forgot it or has none */
	pki->server_chain = sk_X509_new_null();
	if (pki->server_chain == NULL)
		goto oom;
	if (scen != SCEN_SELF_SIGNED && scen != SCEN_MISSING_INTERMEDIATE &&
	    (X509_up_ref(leaf_issuer) != 1 || sk_X509_push(pki->server_chain, leaf_issuer) <= 0))
		goto oom;
	/* the demo issuing CA's CRL, which the client checks */
	pki->crl = make_crl(pki->issuing_cert, pki->issuing_key,
			    scen == SCEN_REVOKED ? pki->server_cert : NULL);
	if (pki->crl == NULL) {
		set_err(err, errlen, "making the issuing CA's CRL failed");
		goto out;
	}
	if (scen == SCEN_MITM) {
		pki->attacker_ca_key = ec_key();
		pki->mitm_key = rsa_key(1);
		if (pki->attacker_ca_key == NULL || pki->mitm_key == NULL) {
			set_err(err, errlen, "generating the attacker's keys failed");
			goto out;
		}
		pki->attacker_ca_cert = make_cert(&attacker_spec, pki->attacker_ca_key, NULL,
						  NULL);
		if (pki->attacker_ca_cert != NULL)
			pki->mitm_cert = make_cert(&mitm_spec, pki->mitm_key,
						   pki->attacker_ca_cert, pki->attacker_ca_key);
		if (pki->mitm_cert != NULL)
			pki->attacker_crl = make_crl(pki->attacker_ca_cert, pki->attacker_ca_key, NULL);
		if (pki->attacker_crl == NULL) {
			set_err(err, errlen, "making the attacker's certificates failed");
			goto out;
		}
	}
	rc = 0;
	goto out;
oom:
	set_err(err, errlen, "out of memory");
out:
	if (rc != 0)
		pki_free(pki);
	return rc;
}

/* see pki.h */
int pki_ref(struct pki *dst, const struct pki *src, char *err, size_t errlen)
{
	/* every object pki_free frees (keep the two in step) */
	EVP_PKEY *const keys[] = {src->ca_key, src->issuing_key, src->private_root_key, src->private_issuing_key,
				  src->server_key, src->attacker_ca_key, src->mitm_key};
	X509 *const certs[] = {src->ca_cert, src->issuing_cert, src->private_root_cert, src->private_issuing_cert,
			       src->server_cert, src->attacker_ca_cert, src->mitm_cert};
	X509_CRL *const crls[] = {src->crl, src->attacker_crl};
	STACK_OF(X509) *chain = NULL;
	int ok = 1;

	memset(dst, 0, sizeof *dst);
	if (src->server_chain != NULL) {
		chain = X509_chain_up_ref(src->server_chain);
		if (chain == NULL) {
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "pki: out of memory");
			return -1;
		}
	}
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		ok &= keys[i] == NULL || EVP_PKEY_up_ref(keys[i]) == 1;
	for (size_t i = 0; i < sizeof certs / sizeof certs[0]; i++)
		ok &= certs[i] == NULL || X509_up_ref(certs[i]) == 1;
	for (size_t i = 0; i < sizeof crls / sizeof crls[0]; i++)
		ok &= crls[i] == NULL || X509_CRL_up_ref(crls[i]) == 1;
	if (!ok) {
		/* only fails on a corrupt object; leak rather than double-free */
		sk_X509_pop_free(chain, X509_free);
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "pki: cannot share the certificates");
		return -1;
	}
	*dst = *src;
	dst->server_chain = chain;
	return 0;
}

/* see pki.h */
void pki_free(struct pki *pki)
{
	EVP_PKEY_free(pki->ca_key);
	X509_free(pki->ca_cert);
	EVP_PKEY_free(pki->issuing_key);
	X509_free(pki->issuing_cert);
	EVP_PKEY_free(pki->private_root_key);
	X509_free(pki->private_root_cert);
	EVP_PKEY_free(pki->private_issuing_key);
	X509_free(pki->private_issuing_cert);
	EVP_PKEY_free(pki->server_key);
	X509_free(pki->server_cert);
	sk_X509_pop_free(pki->server_chain, X509_free);
	X509_CRL_free(pki->crl);
	EVP_PKEY_free(pki->attacker_ca_key);
	X509_free(pki->attacker_ca_cert);
	X509_CRL_free(pki->attacker_crl);
	EVP_PKEY_free(pki->mitm_key);
	X509_free(pki->mitm_cert);
	memset(pki, 0, sizeof *pki);
}

/* see pki.h */
char *pki_cert_pem(X509 *cert)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL;
	char *pem = NULL;
	long len;

	if (bio == NULL || cert == NULL || PEM_write_bio_X509(bio, cert) != 1)
		goto out;
	len = BIO_get_mem_data(bio, &data);
	if (len <= 0)
		goto out;
	pem = malloc((size_t)len + 1);
	if (pem == NULL)
		goto out;
	memcpy(pem, data, (size_t)len);
	pem[len] = '\0';
out:
	BIO_free(bio);
	return pem;
}

/* see pki.h */
int pki_client_store(const struct pki *pki, X509_STORE *st, int trust_attacker)
{
	if (pki->ca_cert != NULL && X509_STORE_add_cert(st, pki->ca_cert) != 1)
		return -1;
	if (trust_attacker && pki->attacker_ca_cert != NULL &&
	    X509_STORE_add_cert(st, pki->attacker_ca_cert) != 1)
		return -1;
	/* the client has the CRLs of the CAs it trusts and checks the server
	 * certificate against its issuer's (X509_V_FLAG_CRL_CHECK: the leaf
	 * only, as a browser's pushed revocation lists do) */
	if (pki->crl != NULL && X509_STORE_add_crl(st, pki->crl) != 1)
		return -1;
	if (trust_attacker && pki->attacker_crl != NULL && X509_STORE_add_crl(st, pki->attacker_crl) != 1)
		return -1;
	if (pki->crl != NULL && X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK) != 1)
		return -1;
	return 0;
}

/* see pki.h */
X509_STORE *pki_trust_store(const struct pki *pki, int trust_attacker)
{
	X509_STORE *st = X509_STORE_new();

	if (st != NULL && pki_client_store(pki, st, trust_attacker) != 0) {
		X509_STORE_free(st);
		st = NULL;
	}
	return st;
}
