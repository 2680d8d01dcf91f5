/* SSL_CTX building: the client's (with the trust store of its mode), a
 * server's, and the interceptor's client half.  Every context carries the
 * hooks (hooks.c). */
#include "protocol/engine_int.h"

#include <stdlib.h>

#include <openssl/err.h>

int sslctx_versions(SSL_CTX *ctx, const struct engine_config *cfg, int server)
{
	int min = TLS1_2_VERSION;
	int max = cfg->tls == TLSV_13 ? TLS1_3_VERSION : TLS1_2_VERSION;

	/* The embedded server caps like the client so a 1.2 run does not carry
	 * the RFC 8446 downgrade sentinel; asked for 1.3, either side insists
	 * on 1.3 (a client never quietly falls back to 1.2).  serve offers
	 * both unless --tls restricts it. */
	if (cfg->tls == TLSV_13)
		min = TLS1_3_VERSION;
	if (server && cfg->tls_any) {
		min = TLS1_2_VERSION;
		max = TLS1_3_VERSION;
	}
	return SSL_CTX_set_min_proto_version(ctx, min) && SSL_CTX_set_max_proto_version(ctx, max);
}


/* see engine.h: contexts kept across exchanges (the configuration and
 * pki they were built for are the caller's promise, not checked) */
struct engine_ctxs {
	SSL_CTX *cctx;
	SSL_CTX *sctx;
};

/* see engine.h */
struct engine_ctxs *engine_ctxs_new(void)
{
	return calloc(1, sizeof(struct engine_ctxs));
}

/* see engine.h */
void engine_ctxs_free(struct engine_ctxs *x)
{
	if (x == NULL)
		return;
	SSL_CTX_free(x->cctx);
	SSL_CTX_free(x->sctx);
	free(x);
}

/* The slot of cfg.ctxs this context is kept in: only the embedded
 * exchange's own client and server (never mitm's). */
static SSL_CTX **kept_slot(const struct engine *e, int server)
{
	if (e->cfg.ctxs == NULL || !e->embedded || e->cfg.scenario == SCEN_MITM)
		return NULL;
	return server ? &e->cfg.ctxs->sctx : &e->cfg.ctxs->cctx;
}

/* A reference to the kept context in slot, or NULL when there is none. */
static SSL_CTX *take_kept(SSL_CTX **slot)
{
	if (slot == NULL || *slot == NULL || !SSL_CTX_up_ref(*slot))
		return NULL;
	return *slot;
}

/* Keep ctx in slot for the next exchanges (a second reference). */
static void keep(SSL_CTX **slot, SSL_CTX *ctx)
{
	if (slot != NULL && *slot == NULL && SSL_CTX_up_ref(ctx))
		*slot = ctx;
}

int sslctx_client(struct engine *e, char *err, size_t errlen)
{
	X509_STORE *store;

	e->cctx = take_kept(kept_slot(e, 0));
	if (e->cctx != NULL)
		return 0;

	e->cctx = SSL_CTX_new(TLS_client_method());
	if (e->cctx == NULL || !sslctx_versions(e->cctx, &e->cfg, 0))
		goto ssl_fail;
	hooks_install(e->cctx);
	/* connect --kex ecdhe: a learner who asked for ECDHE gets it or a clear
	 * "no cipher suite in common", even from a server that prefers RSA */
	if (!e->embedded && e->cfg.kex == KEX_ECDHE && !SSL_CTX_set_cipher_list(e->cctx, "ECDHE:!aNULL:!eNULL"))
		goto ssl_fail;
	if (e->cfg.classic)
		SSL_CTX_set_options(e->cctx, SSL_OP_NO_EXTENDED_MASTER_SECRET | SSL_OP_NO_ENCRYPT_THEN_MAC);
	/* a HelloRequest is declined (no_renegotiation), never left waiting */
	SSL_CTX_set_options(e->cctx, SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_verify(e->cctx, SSL_VERIFY_PEER, hooks_verify_depth);
	SSL_CTX_set_cert_verify_callback(e->cctx, hooks_cert_verify, e);
	if (e->embedded) {
		/* the demo root, CRL checking, and OpenSSL's security level 2
		 * (112-bit keys) whatever the distribution's default */
		store = SSL_CTX_get_cert_store(e->cctx);
		if (pki_client_store(&e->pki, store, e->cfg.trust_attacker) != 0)
			goto ssl_fail;
		if (SSL_CTX_get_security_level(e->cctx) < 2)
			SSL_CTX_set_security_level(e->cctx, 2);
	} else if (e->cfg.cafile != NULL) {
		if (!SSL_CTX_load_verify_locations(e->cctx, e->cfg.cafile, NULL)) {
			snprintf(err, errlen, "cannot load CA file %s", e->cfg.cafile);
			return -1;
		}
	} else if (!SSL_CTX_set_default_verify_paths(e->cctx)) {
		goto ssl_fail;
	}
	keep(kept_slot(e, 0), e->cctx);
	return 0;
ssl_fail:
	snprintf(err, errlen, "OpenSSL client set-up failed: %s", ERR_reason_error_string(ERR_get_error()));
	return -1;
}

/* A server context presenting cert/key and the chain after it (may be
 * NULL), with the same hooks and ciphers whichever server half uses it (the
 * embedded server or the interceptor). */
SSL_CTX *sslctx_server(struct engine *e, X509 *cert, STACK_OF(X509) *chain, EVP_PKEY *key, char *err,
		       size_t errlen)
{
	const char *ciphers = e->cfg.kex == KEX_ECDHE ? "ECDHE-RSA-AES128-GCM-SHA256" : "AES128-GCM-SHA256";
	SSL_CTX **slot = key == e->pki.server_key ? kept_slot(e, 1) : NULL;
	SSL_CTX *ctx = take_kept(slot);
	int legacy = e->cfg.host == NULL && e->cfg.scenario == SCEN_LEGACY_ONLY && !e->serve;

	if (ctx != NULL)
		return ctx;
	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL || !sslctx_versions(ctx, &e->cfg, 1))
		goto ssl_fail;
	/* legacy-only: an old server, TLS 1.0 and 1.1 only (OpenSSL 3 allows
	 * them at security level 0 alone: their PRF and signatures use
	 * MD5 and SHA-1); weak-key: level 1 lets it load an RSA-1024 key */
	if (legacy) {
		SSL_CTX_set_security_level(ctx, 0);
		if (!SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION) ||
		    !SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION))
			goto ssl_fail;
		ciphers = e->cfg.kex == KEX_ECDHE ? "ECDHE-RSA-AES128-SHA" : "AES128-SHA";
	} else if (EVP_PKEY_get_bits(key) < 2048) {
		SSL_CTX_set_security_level(ctx, 1);
	}
	hooks_install(ctx);
	SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (e->cfg.classic)
		SSL_CTX_set_options(ctx, SSL_OP_NO_EXTENDED_MASTER_SECRET | SSL_OP_NO_ENCRYPT_THEN_MAC);
	SSL_CTX_set_num_tickets(ctx, 1);
	/* serve answers any client a classroom may bring: OpenSSL's default
	 * suites after ours, so curl and browsers that refuse RSA key exchange
	 * work.  "DEFAULT" only means that at the start of a cipher string;
	 * ALL:!COMPLEMENTOFDEFAULT:!eNULL is the same list anywhere. */
	if (e->serve)
		ciphers = e->cfg.kex == KEX_ECDHE ? "ECDHE-RSA-AES128-GCM-SHA256:ALL:!COMPLEMENTOFDEFAULT:!eNULL"
						 : "AES128-GCM-SHA256:ALL:!COMPLEMENTOFDEFAULT:!eNULL";
	if (!SSL_CTX_set_cipher_list(ctx, ciphers) || !SSL_CTX_use_certificate(ctx, cert) ||
	    !SSL_CTX_use_PrivateKey(ctx, key) || !SSL_CTX_check_private_key(ctx) ||
	    (chain != NULL && !SSL_CTX_set1_chain(ctx, chain)))
		goto ssl_fail;
	keep(slot, ctx);
	return ctx;
ssl_fail:
	snprintf(err, errlen, "OpenSSL server set-up failed: %s", ERR_reason_error_string(ERR_get_error()));
	SSL_CTX_free(ctx);
	return NULL;
}

/* The interceptor's client half: it does not care whom it talks to. */
SSL_CTX *sslctx_mitm_client(struct engine *e)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL || !sslctx_versions(ctx, &e->cfg, 0)) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	hooks_install(ctx);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return ctx;
}
