/* libFuzzer target: the certificate checks on arbitrary DER, as a server
 * would send them.  The input is one option byte and up to four DER
 * certificates back to back (the leaf first, the rest as the chain the
 * peer sent); OpenSSL verifies them against a demo CA minted once, as the
 * engine's verify callback does, then certcheck_run shows the checks.
 * Beyond ASan/UBSan: every event it adds is a cert.* event with a result,
 * and one verdict comes last. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "protocol/certcheck.h"
#include "protocol/pki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct pki pki;
static X509_STORE *store;

/* see libFuzzer: the trust store, once */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	if (pki_mint(&pki, SCEN_GOOD, err, sizeof err) < 0)
		abort();
	store = pki_trust_store(&pki, 0);
	if (store == NULL)
		abort();
	return 0;
}

/* see libFuzzer */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hosts[] = {"localhost", "127.0.0.1", "::1", "example.org", "*.a.b", ""};
	const unsigned char *p = data + 1;
	STACK_OF(X509) *chain = sk_X509_new_null();
	X509_STORE_CTX *xs = X509_STORE_CTX_new();
	X509 *leaf = NULL;
	struct evlog log;
	long result;
	int ok;

	if (size < 2 || chain == NULL || xs == NULL)
		goto out;
	leaf = d2i_X509(NULL, &p, (long)(size - 1));
	for (int i = 0; i < 3 && leaf != NULL && p < data + size; i++) {
		X509 *x = d2i_X509(NULL, &p, (long)(data + size - p));

		if (x == NULL)
			break;
		if (!sk_X509_push(chain, x))
			X509_free(x);
	}
	ERR_clear_error();
	if (leaf == NULL || !X509_STORE_CTX_init(xs, store, leaf, chain))
		goto out;
	X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(xs), hosts[data[0] % 6], 0);
	ok = X509_verify_cert(xs);
	result = ok > 0 ? X509_V_OK : X509_STORE_CTX_get_error(xs);
	ERR_clear_error();
	{
		struct certcheck_input in = {
			.leaf = leaf,
			.untrusted = chain,
			.built_chain = X509_STORE_CTX_get0_chain(xs),
			.trust = store,
			.trust_name = "the fuzzer's demo CA",
			.host = hosts[data[0] % 6],
			.openssl_result = result,
			.openssl_error_depth = X509_STORE_CTX_get_error_depth(xs),
			.insecure = (data[0] >> 3) & 1,
			.actor = ACTOR_CLIENT,
		};

		evlog_init(&log);
		if (certcheck_run(&log, &in) == 0) {
			if (log.n == 0 || log.ev[log.n - 1]->name != EV_CERT_VERDICT)
				abort();
			for (size_t i = 0; i < log.n; i++)
				if (evname_layer(log.ev[i]->name) != LAYER_CERT || log.ev[i]->summary == NULL)
					abort();
		}
		evlog_clear(&log);
	}
	ERR_clear_error();
out:
	X509_STORE_CTX_free(xs);
	X509_free(leaf);
	sk_X509_pop_free(chain, X509_free);
	return 0;
}
