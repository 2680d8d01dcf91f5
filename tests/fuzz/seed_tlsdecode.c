/* Seed corpus for fuzz_tlsdecode: run real in-memory OpenSSL exchanges
 * (TLS 1.2 RSA, TLS 1.2 ECDHE, TLS 1.3) and write every message the msg
 * callback reports, and every record that crossed the wire, as one file
 * each into the directory given on the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

struct run {
	const char *dir;
	const char *tag;
	int n;
};

/* Write one seed file. */
static void put(struct run *r, const char *what, const void *b, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s-%02d-%s", r->dir, r->tag, r->n++, what);
	f = fopen(path, "wb");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fwrite(b, 1, n, f);
	fclose(f);
}

/* Every message a sender reports (the receiver reports the same bytes). */
static void msg_cb(int write_p, int version, int content_type, const void *buf, size_t len,
		   SSL *ssl, void *arg)
{
	static const char *const names[] = {"ccs", "alert", "hs"};

	(void)version;
	(void)ssl;
	if (write_p && content_type >= 20 && content_type <= 22)
		put(arg, names[content_type - 20], buf, len);
}

/* Move bytes from one side to the other; the stream is saved as records. */
static void pump(struct run *r, SSL *from, SSL *to)
{
	unsigned char buf[65536];
	int n;

	for (;;) {
		n = BIO_read(SSL_get_wbio(from), buf, sizeof buf);
		if (n <= 0)
			break;
		for (int off = 0; off + 5 <= n;) {
			int rl = 5 + (buf[off + 3] << 8 | buf[off + 4]);

			if (off + rl > n)
				rl = n - off;
			put(r, "record", buf + off, (size_t)rl);
			off += rl;
		}
		BIO_write(SSL_get_rbio(to), buf, n);
	}
}

static X509 *make_cert(EVP_PKEY *key)
{
	X509 *x = X509_new();
	X509_NAME *nm = X509_get_subject_name(x);

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1,
				   -1, 0);
	X509_set_issuer_name(x, nm);
	X509_sign(x, key, EVP_sha256());
	return x;
}

/* One whole exchange: handshake, a GET and its answer, close_notify. */
static int exchange(const char *dir, const char *tag, EVP_PKEY *key, X509 *cert, int maxv,
		    const char *ciphers)
{
	struct run r = {dir, tag, 0};
	SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
	SSL *c;
	SSL *s;
	char buf[512];
	int ok;

	SSL_CTX_use_certificate(sctx, cert);
	SSL_CTX_use_PrivateKey(sctx, key);
	SSL_CTX_set_max_proto_version(cctx, maxv);
	SSL_CTX_set_max_proto_version(sctx, maxv);
	if (ciphers != NULL)
		SSL_CTX_set_cipher_list(sctx, ciphers);
	SSL_CTX_set_msg_callback(cctx, msg_cb);
	SSL_CTX_set_msg_callback_arg(cctx, &r);
	SSL_CTX_set_msg_callback(sctx, msg_cb);
	SSL_CTX_set_msg_callback_arg(sctx, &r);
	c = SSL_new(cctx);
	s = SSL_new(sctx);
	SSL_set_bio(c, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
	SSL_set_bio(s, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	SSL_set_tlsext_host_name(c, "localhost");
	for (int i = 0; i < 20 && !(SSL_is_init_finished(c) && SSL_is_init_finished(s)); i++) {
		SSL_do_handshake(c);
		pump(&r, c, s);
		SSL_do_handshake(s);
		pump(&r, s, c);
	}
	ok = SSL_is_init_finished(c) && SSL_is_init_finished(s);
	SSL_write(c, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 35);
	pump(&r, c, s);
	SSL_read(s, buf, sizeof buf);
	SSL_write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", 41);
	pump(&r, s, c);
	SSL_read(c, buf, sizeof buf);
	SSL_shutdown(c);
	pump(&r, c, s);
	SSL_free(c);
	SSL_free(s);
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
	return ok ? r.n : -1;
}

int main(int argc, char **argv)
{
	EVP_PKEY *key;
	X509 *cert;
	int n[3];

	if (argc != 2) {
		fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
		return 2;
	}
	key = EVP_RSA_gen(2048);
	cert = make_cert(key);
	n[0] = exchange(argv[1], "rsa12", key, cert, TLS1_2_VERSION, "AES128-GCM-SHA256");
	n[1] = exchange(argv[1], "ecdhe12", key, cert, TLS1_2_VERSION,
			"ECDHE-RSA-AES128-GCM-SHA256");
	n[2] = exchange(argv[1], "tls13", key, cert, TLS1_3_VERSION, NULL);
	X509_free(cert);
	EVP_PKEY_free(key);
	if (n[0] < 0 || n[1] < 0 || n[2] < 0) {
		fprintf(stderr, "seed_tlsdecode: a handshake did not complete\n");
		return 1;
	}
	printf("seed_tlsdecode: %d seeds in %s\n", n[0] + n[1] + n[2], argv[1]);
	return 0;
}
