/* The demo PKI, minted in memory with OpenSSL 3: keys and certificates live
 * only in this process. */
#include "protocol/pki.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
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

/* RSA keys kept across pki_mint calls while pki_cache_keys(1) is on:
 * slot 0 is the server's, slot 1 the interceptor's. */
static EVP_PKEY *cached_rsa[2];
static int cache_on;

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

/* A new RSA-2048 key, or the kept one for this slot when caching is on. */
static EVP_PKEY *rsa_key(int slot)
{
	EVP_PKEY *k;

	if (cache_on && cached_rsa[slot] != NULL) {
		if (EVP_PKEY_up_ref(cached_rsa[slot]) != 1)
			return NULL;
		return cached_rsa[slot];
	}
	k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (k != NULL && cache_on && EVP_PKEY_up_ref(k) == 1)
		cached_rsa[slot] = k;
	return k;
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
	cache_on = on;
	if (on)
		return;
	for (size_t i = 0; i < sizeof cached_rsa / sizeof cached_rsa[0]; i++) {
		EVP_PKEY_free(cached_rsa[i]);
		cached_rsa[i] = NULL;
	}
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
