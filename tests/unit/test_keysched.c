/* keysched: known-answer tests against published vectors, then live
 * cross-checks against OpenSSL's own values on in-memory handshakes. */
#include "tests/unit/testutil.h"

#include <ctype.h>
#include <stdlib.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "protocol/keysched.h"

/* Decode hex (whitespace ignored) into out; returns the byte count. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex != '\0'; hex++) {
		int v = 0;

		if (isspace((unsigned char)*hex))
			continue;
		if (*hex >= '0' && *hex <= '9')
			v = *hex - '0';
		else if (*hex >= 'a' && *hex <= 'f')
			v = *hex - 'a' + 10;
		else if (*hex >= 'A' && *hex <= 'F')
			v = *hex - 'A' + 10;
		else
			fail_msg("bad hex digit '%c'", *hex);
		if (hi < 0) {
			hi = v;
			continue;
		}
		assert_true(n < cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	assert_int_equal(hi, -1);
	return n;
}

/* Compare bytes with a hex string of the expected value. */
static void check_hex(const uint8_t *got, size_t n, const char *want_hex, const char *what)
{
	uint8_t want[512];
	size_t wn = unhex(want_hex, want, sizeof want);

	assert_int_equal(n, wn);
	tu_assert_bytes(got, want, n, what);
}

/* Flip one bit of a byte string in place. */
static void flip(uint8_t *p, size_t i)
{
	p[i] ^= 0x01;
}

/* ------------------------------------------------------------------ */
/* Known answers                                                       */
/* ------------------------------------------------------------------ */

/* The TLS 1.2 SHA-256 PRF vector posted to the TLS WG list (msg03416). */
static void test_prf_vector(void **state)
{
	uint8_t secret[16], seed[16], out[100];

	(void)state;
	unhex("9bbe436ba940f017b17652849a71db35", secret, sizeof secret);
	unhex("a0ba9f936cda311827a6f796ffd5198c", seed, sizeof seed);
	assert_int_equal(keysched_prf("SHA256", secret, 16, "test label", seed, 16, out, 100), 0);
	check_hex(out, 100,
		  "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
		  "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
		  "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
		  "87347b66",
		  "PRF test vector");
	/* the check can fail: another label gives other bytes */
	assert_int_equal(keysched_prf("SHA256", secret, 16, "test labeL", seed, 16, out, 100), 0);
	assert_int_not_equal(out[0], 0xe3);
	assert_int_equal(keysched_prf("NO-SUCH-MD", secret, 16, "x", seed, 16, out, 10), -1);
	assert_int_equal(keysched_prf("SHA256", secret, 16, "x", seed, 16, out, 0), -1);
}

/* GCM specification (McGrew-Viega) test cases 3 and 4, AES-128. */
static void test_gcm_vectors(void **state)
{
	uint8_t key[16], nonce[12], pt[64], ct[64], aad[20], tag[16], out[64];
	size_t ptn, ctn;

	(void)state;
	unhex("feffe9928665731c6d6a8f9467308308", key, sizeof key);
	unhex("cafebabefacedbaddecaf888", nonce, sizeof nonce);
	ptn = unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
		    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
		    pt, sizeof pt);
	ctn = unhex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
		    "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
		    ct, sizeof ct);
	assert_int_equal(ptn, 64);
	assert_int_equal(ctn, 64);
	/* test case 3: no AAD */
	unhex("4d5c2af327cd64a62cf35abd2ba6fab4", tag, sizeof tag);
	assert_int_equal(keysched_gcm_open(key, 16, nonce, NULL, 0, ct, 64, tag, out), 0);
	tu_assert_bytes(out, pt, 64, "GCM test case 3 plaintext");
	flip(tag, 15);
	assert_int_equal(keysched_gcm_open(key, 16, nonce, NULL, 0, ct, 64, tag, out), -1);
	/* test case 4: 20 bytes of AAD, 60 bytes of text */
	unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad, sizeof aad);
	unhex("5bc94fbc3221a5db94fae95ae7121a47", tag, sizeof tag);
	memset(out, 0, sizeof out);
	assert_int_equal(keysched_gcm_open(key, 16, nonce, aad, 20, ct, 60, tag, out), 0);
	tu_assert_bytes(out, pt, 60, "GCM test case 4 plaintext");
	flip(aad, 0);
	assert_int_equal(keysched_gcm_open(key, 16, nonce, aad, 20, ct, 60, tag, out), -1);
	/* a failed open leaves no unauthenticated plaintext behind */
	for (size_t i = 0; i < 60; i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(keysched_gcm_open(key, 24, nonce, NULL, 0, ct, 60, tag, out), -1);
}

/* OpenSSL's own HKDF (EVP_KDF "HKDF") in one mode, for the cross-checks. */
static void openssl_hkdf(const char *digest, int mode, const uint8_t *salt, size_t saltlen, const uint8_t *key,
			 size_t keylen, const uint8_t *info, size_t infolen, uint8_t *out, size_t outlen)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
	OSSL_PARAM params[6];
	OSSL_PARAM *p = params;

	*p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)digest, 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, keylen);
	if (salt != NULL)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, saltlen);
	if (info != NULL)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, infolen);
	*p = OSSL_PARAM_construct_end();
	assert_non_null(ctx);
	assert_int_equal(EVP_KDF_derive(ctx, out, outlen, params), 1);
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
}

/* HKDF-Extract and HKDF-Expand-Label, computed by keysched's own HMAC on
 * OpenSSL's digests, equal OpenSSL's HKDF: both hashes, keys longer than a
 * hash block (hashed first), an empty salt, outputs of several blocks; and
 * RFC 5869's test case 2 (80-byte salt, SHA-256) as a known answer. */
static void test_hkdf_vs_openssl(void **state)
{
	static const char *const digests[] = {"SHA256", "SHA384"};
	static const size_t keylens[] = {1, 32, 48, 64, 65, 128, 129, 200};
	static const size_t outlens[] = {1, 12, 16, 32, 48, 49, 100, 200};
	uint8_t key[200];
	uint8_t salt[200];
	uint8_t ours[256];
	uint8_t theirs[256];
	uint8_t info[300];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof key; i++) {
		key[i] = (uint8_t)(i * 7 + 1);
		salt[i] = (uint8_t)(i * 13 + 5);
	}
	for (size_t d = 0; d < 2; d++) {
		size_t hl = strcmp(digests[d], "SHA256") == 0 ? 32 : 48;

		for (size_t k = 0; k < sizeof keylens / sizeof keylens[0]; k++) {
			n = sizeof ours;
			assert_int_equal(keysched_hkdf_extract(digests[d], salt, keylens[k], key, keylens[k], ours, &n),
					 0);
			assert_int_equal(n, hl);
			openssl_hkdf(digests[d], EVP_KDF_HKDF_MODE_EXTRACT_ONLY, salt, keylens[k], key, keylens[k],
				     NULL, 0, theirs, hl);
			assert_memory_equal(ours, theirs, hl);
			/* an empty salt is Hash.length zeros */
			n = sizeof ours;
			assert_int_equal(keysched_hkdf_extract(digests[d], NULL, 0, key, keylens[k], ours, &n), 0);
			memset(salt + 100, 0, hl);
			openssl_hkdf(digests[d], EVP_KDF_HKDF_MODE_EXTRACT_ONLY, salt + 100, hl, key, keylens[k], NULL, 0,
				     theirs, hl);
			for (size_t i = 100; i < sizeof salt; i++)
				salt[i] = (uint8_t)(i * 13 + 5);
			assert_memory_equal(ours, theirs, hl);
			for (size_t o = 0; o < sizeof outlens / sizeof outlens[0]; o++) {
				static const char label[] = "some label";
				size_t m = 0;

				/* struct HkdfLabel (RFC 8446 section 7.1), context = salt[0..10] */
				info[m++] = (uint8_t)(outlens[o] >> 8);
				info[m++] = (uint8_t)outlens[o];
				info[m++] = (uint8_t)(6 + strlen(label));
				memcpy(info + m, "tls13 ", 6);
				m += 6;
				memcpy(info + m, label, strlen(label));
				m += strlen(label);
				info[m++] = 10;
				memcpy(info + m, salt, 10);
				m += 10;
				assert_int_equal(keysched_hkdf_expand_label(digests[d], key, keylens[k], label, salt, 10,
									    ours, outlens[o]),
						 0);
				openssl_hkdf(digests[d], EVP_KDF_HKDF_MODE_EXPAND_ONLY, NULL, 0, key, keylens[k], info, m,
					     theirs, outlens[o]);
				assert_memory_equal(ours, theirs, outlens[o]);
			}
		}
	}
	/* RFC 5869 A.2: IKM 0x00..0x4f, salt 0x60..0xaf: PRK */
	{
		uint8_t ikm[80];
		uint8_t s2[80];
		uint8_t prk[32];

		for (size_t i = 0; i < 80; i++) {
			ikm[i] = (uint8_t)i;
			s2[i] = (uint8_t)(0x60 + i);
		}
		n = sizeof ours;
		assert_int_equal(keysched_hkdf_extract("SHA256", s2, sizeof s2, ikm, sizeof ikm, ours, &n), 0);
		assert_int_equal(unhex("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244", prk,
				       sizeof prk),
				 32);
		assert_memory_equal(ours, prk, 32);
	}
}

/* RFC 8448 section 3 (Simple 1-RTT Handshake): the handshake messages. */
static const char rfc8448_ch[] =
	"010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7000006"
	"130113031302010000910000000b0009000006736572766572ff01000100000a00140012001d001700"
	"1800190100010101020103010400230000003300260024001d002099381de560e4bd43d23d8e435a7d"
	"bafeb3c06e51c13cae4d5413691e529aaf2c002b0003020304000d0020001e04030503060302030804"
	"0805080604010501060102010402050206020202002d00020101001c00024001";
static const char rfc8448_sh[] =
	"020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100"
	"002e00330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f"
	"002b00020304";
static const char rfc8448_ee[] =
	"080000240022000a00140012001d00170018001901000101010201030104001c0002400100000000";
static const char rfc8448_cert[] =
	"0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a864886f70d01010b0500"
	"300e310c300a06035504031303727361301e170d3136303733303031323335395a170d32363037333030"
	"31323335395a300e310c300a0603550403130372736130819f300d06092a864886f70d01010105000381"
	"8d0030818902818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826d3901a2461eafd2d"
	"e49a91d015abbc9a95137ace6c1af19eaa6af98c7ced43120998e187a80ee0ccb0524b1b018c3e0b6326"
	"4d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c474"
	"28a6d35a8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b0603551d0f04040302"
	"05a0300d06092a864886f70d01010b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f"
	"8a7b337d2df7a594365417f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e"
	"5e67f2dbf102702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759"
	"409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de10000";
static const char rfc8448_cv[] =
	"0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145ab3ff52f1fda8477b0b7a"
	"bc90db78e2d33a5c141a078653fa6bef780c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f602957"
	"b15411ac027671459e46445c9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5"
	"aea20d53dfacd42f74f3";
static const char rfc8448_sfin[] =
	"140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718";
static const char rfc8448_cfin[] =
	"14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61";

/* Append the hex of one message to a transcript. */
static void transcript_add(uint8_t *t, size_t *n, size_t cap, const char *hex)
{
	*n += unhex(hex, t + *n, cap - *n);
}

/* RFC 8448 section 3: ECDHE (x25519) through the whole key schedule. */
static void test_rfc8448_schedule(void **state)
{
	uint8_t priv[32], pub[32], shared[64], t[2048], hello[32], fin[32], cv_hash[32];
	uint8_t key[16], iv[12], vd[64];
	struct keysched_tls13 ks;
	EVP_PKEY *cpriv;
	size_t n, tn = 0;

	(void)state;
	/* {client} x25519 private key and {server} public key */
	unhex("49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005", priv, 32);
	unhex("c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f", pub, 32);
	cpriv = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, 32);
	assert_non_null(cpriv);
	n = sizeof shared;
	assert_int_equal(keysched_ecdh(cpriv, pub, 32, keysched_group_nid(0x001d), shared, &n), 0);
	check_hex(shared, n, "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d",
		  "x25519 shared secret");
	n = sizeof shared;
	assert_int_equal(keysched_ecdh(cpriv, pub, 31, NID_X25519, shared, &n), -1);
	EVP_PKEY_free(cpriv);

	transcript_add(t, &tn, sizeof t, rfc8448_ch);
	transcript_add(t, &tn, sizeof t, rfc8448_sh);
	n = sizeof hello;
	assert_int_equal(keysched_session_hash("SHA256", t, tn, hello, &n), 0);
	check_hex(hello, n, "860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8",
		  "Hash(ClientHello..ServerHello)");
	transcript_add(t, &tn, sizeof t, rfc8448_ee);
	transcript_add(t, &tn, sizeof t, rfc8448_cert);
	transcript_add(t, &tn, sizeof t, rfc8448_cv);
	n = sizeof cv_hash;
	assert_int_equal(keysched_session_hash("SHA256", t, tn, cv_hash, &n), 0);
	transcript_add(t, &tn, sizeof t, rfc8448_sfin);
	n = sizeof fin;
	assert_int_equal(keysched_session_hash("SHA256", t, tn, fin, &n), 0);

	assert_int_equal(keysched_tls13_schedule("SHA256", NULL, 0, shared, 32, hello, fin, 32,
						 &ks), 0);
	assert_int_equal(ks.hash_len, 32);
	check_hex(ks.early_secret, 32,
		  "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a", "early");
	check_hex(ks.derived_early, 32,
		  "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba", "derived");
	check_hex(ks.handshake_secret, 32,
		  "1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac",
		  "handshake secret");
	check_hex(ks.client_hs_traffic, 32,
		  "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21",
		  "c hs traffic");
	check_hex(ks.server_hs_traffic, 32,
		  "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38",
		  "s hs traffic");
	check_hex(ks.derived_handshake, 32,
		  "43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4",
		  "derived for master");
	check_hex(ks.master_secret, 32,
		  "18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919", "master");
	check_hex(ks.client_ap_traffic, 32,
		  "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5",
		  "c ap traffic");
	check_hex(ks.server_ap_traffic, 32,
		  "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643",
		  "s ap traffic");
	check_hex(ks.exporter_master, 32,
		  "fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50",
		  "exp master");

	assert_int_equal(keysched_tls13_traffic_keys("SHA256", ks.server_hs_traffic, 32, 16, key,
						     iv), 0);
	check_hex(key, 16, "3fce516009c21727d0f2e4e86ee403bc", "server handshake key");
	check_hex(iv, 12, "5d313eb2671276ee13000b30", "server handshake iv");
	assert_int_equal(keysched_tls13_traffic_keys("SHA256", ks.client_hs_traffic, 32, 16, key,
						     iv), 0);
	check_hex(key, 16, "dbfaa693d1762c5b666af5d950258d01", "client handshake key");
	check_hex(iv, 12, "5bd3c71b836e0b76bb73265f", "client handshake iv");
	assert_int_equal(keysched_tls13_traffic_keys("SHA256", ks.server_ap_traffic, 32, 16, key,
						     iv), 0);
	check_hex(key, 16, "9f02283b6c9c07efc26bb9f2ac92e356", "server application key");
	check_hex(iv, 12, "cf782b88dd83549aadf1e984", "server application iv");
	assert_int_equal(keysched_tls13_traffic_keys("SHA256", ks.client_ap_traffic, 32, 16, key,
						     iv), 0);
	check_hex(key, 16, "17422dda596ed5d9acd890e3c63f5051", "client application key");
	check_hex(iv, 12, "5b78923dee08579033e523d9", "client application iv");

	/* Finished: server over CH..CV, client over CH..server Finished */
	n = sizeof vd;
	assert_int_equal(keysched_tls13_finished("SHA256", ks.server_hs_traffic, 32, cv_hash, 32,
						 vd, &n), 0);
	check_hex(vd, n, "9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718",
		  "server Finished");
	n = sizeof vd;
	assert_int_equal(keysched_tls13_finished("SHA256", ks.client_hs_traffic, 32, fin, 32,
						 vd, &n), 0);
	check_hex(vd, n, "a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61",
		  "client Finished");

	/* a flipped bit in the shared secret changes everything after it */
	flip(shared, 7);
	assert_int_equal(keysched_tls13_schedule("SHA256", NULL, 0, shared, 32, hello, fin, 32,
						 &ks), 0);
	check_hex(ks.early_secret, 32,
		  "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a", "early");
	assert_memory_not_equal(ks.handshake_secret,
				"\x1d\xc8\x26\xe9\x36\x06\xaa\x6f\xdc\x0a\xad\xc1\x2f\x74\x1b\x01",
				16);
	assert_int_equal(keysched_tls13_schedule("SHA256", NULL, 0, shared, 32, hello, fin, 31,
						 &ks), -1);
}

/* RFC 8448 section 3 records: the client's Finished and both first
 * application records (the server's is its second record: seq 1). */
static void test_rfc8448_records(void **state)
{
	uint8_t rec[128], key[16], iv[12], out[128], want[64];
	size_t rn, n;
	uint8_t type = 0;

	(void)state;
	rn = unhex("170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f38f803"
		   "38ac98fc46deb384bd1caeacab6867d726c40546",
		   rec, sizeof rec);
	unhex("dbfaa693d1762c5b666af5d950258d01", key, 16);
	unhex("5bd3c71b836e0b76bb73265f", iv, 12);
	n = sizeof out;
	assert_int_equal(keysched_tls13_decrypt(key, 16, iv, 0, rec, rn, out, &n, &type), 0);
	assert_int_equal(type, 22);
	check_hex(out, n, rfc8448_cfin, "client Finished record");

	for (uint8_t i = 0; i < 50; i++)
		want[i] = i;
	rn = unhex("1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5"
		   "b46b395bd54a9a20441e2b62974e1f5a6292a2977014bd1e3deae63aeebb21694915e4",
		   rec, sizeof rec);
	unhex("17422dda596ed5d9acd890e3c63f5051", key, 16);
	unhex("5b78923dee08579033e523d9", iv, 12);
	n = sizeof out;
	assert_int_equal(keysched_tls13_decrypt(key, 16, iv, 0, rec, rn, out, &n, &type), 0);
	assert_int_equal(type, 23);
	assert_int_equal(n, 50);
	tu_assert_bytes(out, want, 50, "client application data");
	/* wrong sequence number, flipped tag, flipped header (AAD), short buffer */
	n = sizeof out;
	assert_int_equal(keysched_tls13_decrypt(key, 16, iv, 1, rec, rn, out, &n, &type), -1);
	flip(rec, rn - 1);
	assert_int_equal(keysched_tls13_decrypt(key, 16, iv, 0, rec, rn, out, &n, &type), -1);
	flip(rec, rn - 1);
	flip(rec, 2);
	assert_int_equal(keysched_tls13_decrypt(key, 16, iv, 0, rec, rn, out, &n, &type), -1);
	flip(rec, 2);
	n = 10;
	assert_int_equal(keysched_tls13_decrypt(key, 16, iv, 0, rec, rn, out, &n, &type), -1);
	n = sizeof out;
	assert_int_equal(keysched_tls13_decrypt(key, 16, iv, 0, rec, rn - 1, out, &n, &type), -1);

	rn = unhex("17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36e30efaf97d"
		   "90e6dffc602dcb501a59a8fcc49c4bf2e5f0a21c0047c2abf332540dd032e167c2955d",
		   rec, sizeof rec);
	unhex("9f02283b6c9c07efc26bb9f2ac92e356", key, 16);
	unhex("cf782b88dd83549aadf1e984", iv, 12);
	n = sizeof out;
	assert_int_equal(keysched_tls13_decrypt(key, 16, iv, 1, rec, rn, out, &n, &type), 0);
	assert_int_equal(type, 23);
	assert_int_equal(n, 50);
	tu_assert_bytes(out, want, 50, "server application data");
}

/* A TLS 1.3 record whose inner plaintext is all zeros (no content type) is
 * refused even though its tag verifies (RFC 8446 section 5.4). */
static void test_tls13_all_padding(void **state)
{
	uint8_t key[16] = {7}, iv[12] = {9}, rec[5 + 8 + 16], out[32], zeros[8] = {0};
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	size_t n = sizeof out;
	uint8_t type;
	int len;

	(void)state;
	memcpy(rec, "\x17\x03\x03\x00\x18", 5);
	assert_non_null(ctx);
	/* seq 0: the nonce is the iv itself */
	assert_int_equal(EVP_EncryptInit_ex2(ctx, EVP_aes_128_gcm(), key, iv, NULL), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &len, rec, 5), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, rec + 5, &len, zeros, 8), 1);
	assert_int_equal(EVP_EncryptFinal_ex(ctx, rec + 13, &len), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, rec + 13), 1);
	EVP_CIPHER_CTX_free(ctx);
	assert_int_equal(keysched_tls13_decrypt(key, 16, iv, 0, rec, sizeof rec, out, &n, &type),
			 -1);
	/* the same record decrypts as plain GCM: only the missing type is wrong */
	assert_int_equal(keysched_gcm_open(key, 16, iv, rec, 5, rec + 5, 8, rec + 13, out), 0);
}

/* Argument checks of the HKDF and key block helpers. */
static void test_bad_arguments(void **state)
{
	uint8_t s[48] = {1}, out[64];
	char longlabel[300];
	struct keysched_keys k;
	size_t n = 16;

	(void)state;
	memset(longlabel, 'a', sizeof longlabel - 1);
	longlabel[sizeof longlabel - 1] = '\0';
	assert_int_equal(keysched_hkdf_expand_label("SHA256", s, 32, longlabel, NULL, 0, out, 16),
			 -1);
	assert_int_equal(keysched_hkdf_extract("SHA256", NULL, 0, s, 32, out, &n), -1);
	assert_int_equal(keysched_key_block("SHA256", s, s, s, 49, 16, 4, &k), -1);
	assert_int_equal(keysched_key_block("SHA256", s, s, s, 0, 16, 4, &k), 0);
	assert_int_equal(k.key_len, 16);
	assert_int_equal(k.iv_len, 4);
	assert_int_equal(keysched_group_nid(0x1234), 0);
	assert_int_equal(keysched_tls12_gcm_decrypt(s, 16, s, 0, s, 20, out, &n), -1);
}

/* ------------------------------------------------------------------ */
/* Live cross-checks against OpenSSL                                   */
/* ------------------------------------------------------------------ */

#define MAX_MSGS 32

/* What the client's callbacks and the byte pump saw during one run. */
struct capture {
	uint8_t hs[32768]; /* the client's handshake messages, as hashed */
	size_t hslen;
	size_t off[MAX_MSGS], len[MAX_MSGS];
	uint8_t type[MAX_MSGS];
	int nmsg;
	char keylog[16][600];
	int nkeylog;
	uint8_t c2s[65536], s2c[65536]; /* the wire, each direction */
	size_t c2slen, s2clen;
};

static struct capture *cap;

/* Keys and certificates minted once for the group. */
static EVP_PKEY *rsa_key, *ec_key;
static X509 *rsa_cert, *ec_cert;

/* The client's msg callback: keep each handshake message with its header. */
static void msg_cb(int write_p, int version, int content_type, const void *buf, size_t len,
		   SSL *ssl, void *arg)
{
	(void)write_p;
	(void)version;
	(void)ssl;
	(void)arg;
	if (content_type != SSL3_RT_HANDSHAKE || cap->nmsg >= MAX_MSGS ||
	    len > sizeof cap->hs - cap->hslen || len < 4)
		return;
	memcpy(cap->hs + cap->hslen, buf, len);
	cap->off[cap->nmsg] = cap->hslen;
	cap->len[cap->nmsg] = len;
	cap->type[cap->nmsg] = ((const uint8_t *)buf)[0];
	cap->nmsg++;
	cap->hslen += len;
}

/* The client's keylog callback: keep the lines. */
static void keylog_cb(const SSL *ssl, const char *line)
{
	(void)ssl;
	if (cap->nkeylog < 16 && strlen(line) < sizeof cap->keylog[0])
		strcpy(cap->keylog[cap->nkeylog++], line);
}

/* The hex value after "LABEL <client random> " in the keylog (or after
 * "RSA <8 bytes> " for field 2); returns its byte count. */
static size_t keylog_value(const char *label, int field, uint8_t *out, size_t cap_)
{
	size_t ll = strlen(label);

	for (int i = 0; i < cap->nkeylog; i++) {
		const char *p = cap->keylog[i];

		if (strncmp(p, label, ll) != 0 || p[ll] != ' ')
			continue;
		p += ll + 1;
		for (int f = 1; f < field; f++) {
			p = strchr(p, ' ');
			assert_non_null(p);
			p++;
		}
		char tmp[600];
		size_t k = strcspn(p, " ");

		memcpy(tmp, p, k);
		tmp[k] = '\0';
		return unhex(tmp, out, cap_);
	}
	fail_msg("no keylog line %s", label);
	return 0;
}

/* A self-signed certificate for localhost on key. */
static X509 *self_signed(EVP_PKEY *key)
{
	X509 *x = X509_new();
	X509_NAME *name;

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost",
				   -1, -1, 0);
	assert_int_equal(X509_set_issuer_name(x, name), 1);
	assert_int_equal(X509_set_pubkey(x, key), 1);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	return x;
}

/* Mint the RSA and EC server identities once. */
static int group_setup(void **state)
{
	(void)state;
	rsa_key = EVP_RSA_gen(2048);
	ec_key = EVP_EC_gen("P-256");
	if (rsa_key == NULL || ec_key == NULL)
		return -1;
	rsa_cert = self_signed(rsa_key);
	ec_cert = self_signed(ec_key);
	cap = calloc(1, sizeof *cap);
	return cap == NULL ? -1 : 0;
}

/* Free the group's identities. */
static int group_teardown(void **state)
{
	(void)state;
	X509_free(rsa_cert);
	X509_free(ec_cert);
	EVP_PKEY_free(rsa_key);
	EVP_PKEY_free(ec_key);
	free(cap);
	return 0;
}

/* A client and a server joined by memory BIOs that the test pumps. */
struct pair {
	SSL_CTX *cctx, *sctx;
	SSL *c, *s;
	BIO *c_in, *c_out, *s_in, *s_out;
	EVP_PKEY *server_tmp; /* the server's ephemeral key pair, when seen */
};

/* One run's shape. */
struct run {
	int version;          /* TLS1_2_VERSION or TLS1_3_VERSION */
	const char *ciphers;  /* 1.2 cipher list or 1.3 ciphersuites */
	const char *digest;   /* the suite's PRF / HKDF hash */
	size_t key_len;       /* AES key bytes */
	int ems;              /* 1.2: extended master secret expected */
	int ecdhe;            /* 1.2: ECDHE key exchange */
	int ec_cert;          /* use the P-256 identity */
	const char *groups;   /* key exchange groups, NULL for the default */
	size_t client_pad;    /* 1.3: the client pads records to this block */
};

/* A memory BIO that reports "retry" rather than EOF when empty. */
static BIO *mem_bio(void)
{
	BIO *b = BIO_new(BIO_s_mem());

	assert_non_null(b);
	BIO_set_mem_eof_return(b, -1);
	return b;
}

/* Move everything pending from one BIO to another, appending it to a log. */
static void move(BIO *from, BIO *to, uint8_t *log, size_t *loglen, size_t logcap)
{
	uint8_t buf[16384];
	int n = BIO_read(from, buf, sizeof buf);

	while (n > 0) {
		assert_true((size_t)n <= logcap - *loglen);
		memcpy(log + *loglen, buf, (size_t)n);
		*loglen += (size_t)n;
		assert_int_equal(BIO_write(to, buf, n), n);
		n = BIO_read(from, buf, sizeof buf);
	}
}

/* Move whatever each side wrote to the other side, recording the wire. */
static void pump(struct pair *p)
{
	move(p->c_out, p->s_in, cap->c2s, &cap->c2slen, sizeof cap->c2s);
	move(p->s_out, p->c_in, cap->s2c, &cap->s2clen, sizeof cap->s2c);
}

/* Set up both ends for a run and complete the handshake. */
static void pair_handshake(struct pair *p, const struct run *r)
{
	int cdone = 0, sdone = 0;

	memset(p, 0, sizeof *p);
	memset(cap, 0, sizeof *cap);
	p->cctx = SSL_CTX_new(TLS_client_method());
	p->sctx = SSL_CTX_new(TLS_server_method());
	assert_non_null(p->cctx);
	assert_non_null(p->sctx);
	SSL_CTX_set_min_proto_version(p->cctx, r->version);
	SSL_CTX_set_max_proto_version(p->cctx, r->version);
	SSL_CTX_set_min_proto_version(p->sctx, r->version);
	SSL_CTX_set_max_proto_version(p->sctx, r->version);
	if (r->version == TLS1_3_VERSION) {
		assert_int_equal(SSL_CTX_set_ciphersuites(p->cctx, r->ciphers), 1);
		assert_int_equal(SSL_CTX_set_ciphersuites(p->sctx, r->ciphers), 1);
		/* no tickets: the server's first application record is seq 0 */
		SSL_CTX_set_num_tickets(p->sctx, 0);
	} else {
		assert_int_equal(SSL_CTX_set_cipher_list(p->cctx, r->ciphers), 1);
		assert_int_equal(SSL_CTX_set_cipher_list(p->sctx, r->ciphers), 1);
	}
	if (!r->ems)
		SSL_CTX_set_options(p->cctx, SSL_OP_NO_EXTENDED_MASTER_SECRET);
	if (r->client_pad != 0)
		assert_int_equal(SSL_CTX_set_block_padding(p->cctx, r->client_pad), 1);
	if (r->groups != NULL) {
		assert_int_equal(SSL_CTX_set1_groups_list(p->cctx, r->groups), 1);
		assert_int_equal(SSL_CTX_set1_groups_list(p->sctx, r->groups), 1);
	}
	assert_int_equal(SSL_CTX_use_certificate(p->sctx, r->ec_cert ? ec_cert : rsa_cert), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(p->sctx, r->ec_cert ? ec_key : rsa_key), 1);
	SSL_CTX_set_verify(p->cctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_msg_callback(p->cctx, msg_cb);
	SSL_CTX_set_keylog_callback(p->cctx, keylog_cb);
	p->c = SSL_new(p->cctx);
	p->s = SSL_new(p->sctx);
	assert_non_null(p->c);
	assert_non_null(p->s);
	p->c_in = mem_bio();
	p->c_out = mem_bio();
	p->s_in = mem_bio();
	p->s_out = mem_bio();
	SSL_set_bio(p->c, p->c_in, p->c_out);
	SSL_set_bio(p->s, p->s_in, p->s_out);
	SSL_set_connect_state(p->c);
	SSL_set_accept_state(p->s);
	for (int i = 0; i < 20 && !(cdone && sdone); i++) {
		if (!cdone)
			cdone = SSL_do_handshake(p->c) == 1;
		pump(p);
		if (!sdone)
			sdone = SSL_do_handshake(p->s) == 1;
		/* the server's ephemeral key lives from its flight until it
		 * has used it: catch it in between */
		if (p->server_tmp == NULL && SSL_get_tmp_key(p->s, &p->server_tmp) != 1)
			p->server_tmp = NULL;
		pump(p);
	}
	if (!(cdone && sdone))
		ERR_print_errors_fp(stderr);
	assert_true(cdone && sdone);
	assert_int_equal(SSL_version(p->c), r->version);
}

/* Free both ends. */
static void pair_free(struct pair *p)
{
	EVP_PKEY_free(p->server_tmp);
	SSL_free(p->c);
	SSL_free(p->s);
	SSL_CTX_free(p->cctx);
	SSL_CTX_free(p->sctx);
}

/* Index of the nth (0-based) captured handshake message of a type. */
static int find_msg(uint8_t type, int nth)
{
	for (int i = 0; i < cap->nmsg; i++)
		if (cap->type[i] == type && nth-- == 0)
			return i;
	fail_msg("no handshake message of type %u", type);
	return -1;
}

/* Hash of the transcript up to (end = 1: including) message i. */
static void transcript_hash(const char *digest, int i, int including, uint8_t *out, size_t *n)
{
	size_t end = cap->off[i] + (including ? cap->len[i] : 0);

	*n = KEYSCHED_MAX_HASH;
	assert_int_equal(keysched_session_hash(digest, cap->hs, end, out, n), 0);
}

/* Send one message each way after the handshake and return the two
 * records exactly as they crossed the wire. */
static void exchange(struct pair *p, const char *q, const char *a, uint8_t *crec,
		     size_t *crec_len, uint8_t *srec, size_t *srec_len)
{
	char buf[256];
	size_t c0 = cap->c2slen, s0;

	assert_int_equal(SSL_write(p->c, q, (int)strlen(q)), (int)strlen(q));
	pump(p);
	*crec_len = cap->c2slen - c0;
	assert_true(*crec_len <= 512);
	memcpy(crec, cap->c2s + c0, *crec_len);
	assert_int_equal(SSL_read(p->s, buf, sizeof buf), (int)strlen(q));
	assert_memory_equal(buf, q, strlen(q));
	pump(p);
	s0 = cap->s2clen;
	assert_int_equal(SSL_write(p->s, a, (int)strlen(a)), (int)strlen(a));
	pump(p);
	*srec_len = cap->s2clen - s0;
	assert_true(*srec_len <= 512);
	memcpy(srec, cap->s2c + s0, *srec_len);
	assert_int_equal(SSL_read(p->c, buf, sizeof buf), (int)strlen(a));
	assert_memory_equal(buf, a, strlen(a));
}

/* The nth record of a content type in a captured byte stream. */
static const uint8_t *wire_record(const uint8_t *w, size_t wlen, uint8_t type, int nth,
				  size_t *len)
{
	size_t pos = 0;

	while (pos + 5 <= wlen) {
		size_t rl = 5 + ((size_t)w[pos + 3] << 8 | w[pos + 4]);

		assert_true(pos + rl <= wlen);
		if (w[pos] == type && nth-- == 0) {
			*len = rl;
			return w + pos;
		}
		pos += rl;
	}
	fail_msg("no record of type %u", type);
	return NULL;
}

static const char req[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";

/* A TLS 1.2 run: every recomputed value equals OpenSSL's, and a flipped bit
 * in each input makes the comparison fail. */
static void check_tls12(const struct run *r)
{
	struct pair p;
	uint8_t cr[32], sr[32], ms_ossl[48], ms[48], pms[64];
	uint8_t *bad = malloc(sizeof cap->hs);
	uint8_t hash[KEYSCHED_MAX_HASH], vd[12], ossl_vd[64], out[512];
	uint8_t crec[512], srec[512];
	struct keysched_keys keys;
	size_t n, hl, pmslen = 0, crec_len, srec_len;
	const uint8_t *rec;
	int cke, i;

	assert_non_null(bad);
	pair_handshake(&p, r);
	assert_int_equal(SSL_get_client_random(p.c, cr, 32), 32);
	assert_int_equal(SSL_get_server_random(p.c, sr, 32), 32);
	assert_int_equal(SSL_SESSION_get_master_key(SSL_get_session(p.c), ms_ossl, 48), 48);
	assert_int_equal(SSL_get_extms_support(p.c), r->ems);
	/* the keylog's CLIENT_RANDOM line carries the same master secret */
	assert_int_equal(keylog_value("CLIENT_RANDOM", 2, ms, sizeof ms), 48);
	tu_assert_bytes(ms, ms_ossl, 48, "keylog master secret");

	cke = find_msg(16, 0);
	const uint8_t *body = cap->hs + cap->off[cke] + 4;
	size_t blen = cap->len[cke] - 4;

	if (!r->ecdhe) {
		/* RSA: decrypt the ClientKeyExchange with the server's key */
		uint8_t pms_log[48], head[8];
		size_t enclen = (size_t)body[0] << 8 | body[1];

		assert_int_equal(enclen + 2, blen);
		assert_int_equal(keylog_value("RSA", 2, pms_log, sizeof pms_log), 48);
		assert_int_equal(keylog_value("RSA", 1, head, sizeof head), 8);
		tu_assert_bytes(body + 2, head, 8, "keylog's first 8 encrypted bytes");
		pmslen = sizeof pms;
		assert_int_equal(keysched_rsa_decrypt_pms(rsa_key, body + 2, enclen, pms, &pmslen), 0);
		assert_int_equal(pmslen, 48);
		tu_assert_bytes(pms, pms_log, 48, "RSA-decrypted pre-master secret");
		assert_int_equal(pms[0], 0x03); /* client_version 3,3 */
		assert_int_equal(pms[1], 0x03);
		/* a flipped ciphertext bit: padding error, or other bytes */
		memcpy(bad, body + 2, enclen);
		flip(bad, enclen / 2);
		n = sizeof out;
		if (keysched_rsa_decrypt_pms(rsa_key, bad, enclen, out, &n) == 0)
			assert_false(n == 48 && memcmp(out, pms_log, 48) == 0);
	} else {
		/* ECDHE: verify the server's signature, then (EC)DH with the
		 * server's ephemeral key and the client's point from the wire */
		int ske = find_msg(12, 0);
		const uint8_t *sk = cap->hs + cap->off[ske] + 4;
		size_t sklen = cap->len[ske] - 4;
		size_t plen = 4 + sk[3];
		int sigalg = sk[plen] << 8 | sk[plen + 1];
		size_t siglen = (size_t)sk[plen + 2] << 8 | sk[plen + 3];
		EVP_PKEY *pub = X509_get0_pubkey(r->ec_cert ? ec_cert : rsa_cert);

		assert_int_equal(sk[0], 3); /* named_curve */
		assert_int_equal(plen + 4 + siglen, sklen);
		assert_int_equal(keysched_verify_ske_signature(pub, sigalg, cr, sr, sk, plen,
							       sk + plen + 4, siglen), 0);
		memcpy(bad, sk, plen);
		flip(bad, plen - 1);
		assert_int_equal(keysched_verify_ske_signature(pub, sigalg, cr, sr, bad, plen,
							       sk + plen + 4, siglen), -1);
		memcpy(bad, cr, 32);
		flip(bad, 0);
		assert_int_equal(keysched_verify_ske_signature(pub, sigalg, bad, sr, sk, plen,
							       sk + plen + 4, siglen), -1);
		assert_int_equal(keysched_verify_ske_signature(pub, sigalg == 0x0401 ? 0x0804 : 0x0401,
							       cr, sr, sk, plen, sk + plen + 4,
							       siglen), -1);

		assert_int_equal(keysched_group_nid((uint16_t)(sk[1] << 8 | sk[2])),
				 SSL_get_negotiated_group(p.c));
		assert_non_null(p.server_tmp);
		assert_int_equal(body[0] + 1, blen);
		pmslen = sizeof pms;
		assert_int_equal(keysched_ecdh(p.server_tmp, body + 1, body[0],
					       keysched_group_nid((uint16_t)(sk[1] << 8 | sk[2])),
					       pms, &pmslen), 0);
	}

	/* the master secret */
	if (r->ems) {
		transcript_hash(r->digest, cke, 1, hash, &hl);
		assert_int_equal(keysched_ems_master_secret(r->digest, pms, pmslen, hash, hl, ms), 0);
		tu_assert_bytes(ms, ms_ossl, 48, "extended master secret");
		/* the textbook formula does not give OpenSSL's value here */
		assert_int_equal(keysched_master_secret(r->digest, pms, pmslen, cr, sr, ms), 0);
		assert_memory_not_equal(ms, ms_ossl, 48);
		/* one flipped bit of the transcript */
		memcpy(bad, cap->hs, cap->off[cke]);
		flip(bad, 40);
		n = sizeof hash;
		assert_int_equal(keysched_session_hash(r->digest, bad, cap->off[cke], hash, &n), 0);
		assert_int_equal(keysched_ems_master_secret(r->digest, pms, pmslen, hash, n, ms), 0);
		assert_memory_not_equal(ms, ms_ossl, 48);
		transcript_hash(r->digest, cke, 1, hash, &hl);
	} else {
		assert_int_equal(keysched_master_secret(r->digest, pms, pmslen, cr, sr, ms), 0);
		tu_assert_bytes(ms, ms_ossl, 48, "master secret");
		memcpy(bad, cr, 32);
		flip(bad, 31);
		assert_int_equal(keysched_master_secret(r->digest, pms, pmslen, bad, sr, ms), 0);
		assert_memory_not_equal(ms, ms_ossl, 48);
	}
	/* one flipped bit of the pre-master secret */
	memcpy(bad, pms, pmslen);
	flip(bad, 5);
	if (r->ems)
		assert_int_equal(keysched_ems_master_secret(r->digest, bad, pmslen, hash, hl, ms), 0);
	else
		assert_int_equal(keysched_master_secret(r->digest, bad, pmslen, cr, sr, ms), 0);
	assert_memory_not_equal(ms, ms_ossl, 48);

	/* Finished, both ways: the client's is the first Finished it saw */
	i = find_msg(20, 0);
	transcript_hash(r->digest, i, 0, hash, &hl);
	assert_int_equal(keysched_finished(r->digest, ms_ossl, 1, hash, hl, vd), 0);
	assert_int_equal(SSL_get_finished(p.c, ossl_vd, sizeof ossl_vd), 12);
	tu_assert_bytes(vd, ossl_vd, 12, "client Finished");
	tu_assert_bytes(vd, cap->hs + cap->off[i] + 4, 12, "client Finished on the wire");
	flip(hash, 3);
	assert_int_equal(keysched_finished(r->digest, ms_ossl, 1, hash, hl, vd), 0);
	assert_memory_not_equal(vd, ossl_vd, 12);
	i = find_msg(20, 1);
	transcript_hash(r->digest, i, 0, hash, &hl);
	assert_int_equal(keysched_finished(r->digest, ms_ossl, 0, hash, hl, vd), 0);
	assert_int_equal(SSL_get_peer_finished(p.c, ossl_vd, sizeof ossl_vd), 12);
	tu_assert_bytes(vd, ossl_vd, 12, "server Finished");
	assert_int_equal(keysched_finished(r->digest, ms_ossl, 1, hash, hl, vd), 0);
	assert_memory_not_equal(vd, ossl_vd, 12);

	/* the key block, then records off the wire */
	assert_int_equal(keysched_key_block(r->digest, ms_ossl, cr, sr, 0, r->key_len, 4, &keys),
			 0);
	/* the client's Finished is its first encrypted record: seq 0 */
	rec = wire_record(cap->c2s, cap->c2slen, 22, 2, &n);
	{
		size_t olen = sizeof out;

		assert_int_equal(keysched_tls12_gcm_decrypt(keys.client_key, keys.key_len,
							    keys.client_iv, 0, rec, n, out,
							    &olen), 0);
		i = find_msg(20, 0);
		assert_int_equal(olen, cap->len[i]);
		tu_assert_bytes(out, cap->hs + cap->off[i], olen, "client Finished record");
	}
	exchange(&p, req, resp, crec, &crec_len, srec, &srec_len);
	n = sizeof out;
	assert_int_equal(keysched_tls12_gcm_decrypt(keys.client_key, keys.key_len, keys.client_iv,
						    1, crec, crec_len, out, &n), 0);
	assert_int_equal(n, strlen(req));
	tu_assert_bytes(out, req, n, "client record decrypted");
	n = sizeof out;
	assert_int_equal(keysched_tls12_gcm_decrypt(keys.server_key, keys.key_len, keys.server_iv,
						    1, srec, srec_len, out, &n), 0);
	assert_int_equal(n, strlen(resp));
	tu_assert_bytes(out, resp, n, "server record decrypted");
	/* wrong sequence number, a flipped tag bit, the other side's key */
	n = sizeof out;
	assert_int_equal(keysched_tls12_gcm_decrypt(keys.server_key, keys.key_len, keys.server_iv,
						    0, srec, srec_len, out, &n), -1);
	flip(srec, srec_len - 1);
	assert_int_equal(keysched_tls12_gcm_decrypt(keys.server_key, keys.key_len, keys.server_iv,
						    1, srec, srec_len, out, &n), -1);
	assert_int_equal(keysched_tls12_gcm_decrypt(keys.server_key, keys.key_len, keys.client_iv,
						    1, crec, crec_len, out, &n), -1);
	pair_free(&p);
	free(bad);
}

/* TLS 1.2, RSA key exchange, extended master secret off (--classic). */
static void test_live_rsa_classic(void **state)
{
	const struct run r = {
		.version = TLS1_2_VERSION,
		.ciphers = "AES128-GCM-SHA256",
		.digest = "SHA256",
		.key_len = 16,
	};

	(void)state;
	check_tls12(&r);
}

/* TLS 1.2, RSA key exchange, extended master secret (OpenSSL's default). */
static void test_live_rsa_ems(void **state)
{
	const struct run r = {
		.version = TLS1_2_VERSION,
		.ciphers = "AES128-GCM-SHA256",
		.digest = "SHA256",
		.key_len = 16,
		.ems = 1,
	};

	(void)state;
	check_tls12(&r);
}

/* TLS 1.2, RSA key exchange, a SHA-384 suite with AES-256. */
static void test_live_rsa_sha384(void **state)
{
	const struct run r = {
		.version = TLS1_2_VERSION,
		.ciphers = "AES256-GCM-SHA384",
		.digest = "SHA384",
		.key_len = 32,
		.ems = 1,
	};

	(void)state;
	check_tls12(&r);
}

/* TLS 1.2, ECDHE with an RSA certificate (RSA-PSS signature). */
static void test_live_ecdhe_rsa(void **state)
{
	const struct run r = {
		.version = TLS1_2_VERSION,
		.ciphers = "ECDHE-RSA-AES128-GCM-SHA256",
		.digest = "SHA256",
		.key_len = 16,
		.ems = 1,
		.ecdhe = 1,
	};

	(void)state;
	check_tls12(&r);
}

/* TLS 1.2, ECDHE on P-256 with a P-256 certificate (ECDSA), classic master
 * secret. */
static void test_live_ecdhe_ecdsa(void **state)
{
	const struct run r = {
		.version = TLS1_2_VERSION,
		.ciphers = "ECDHE-ECDSA-AES256-GCM-SHA384",
		.digest = "SHA384",
		.key_len = 32,
		.ecdhe = 1,
		.ec_cert = 1,
		.groups = "P-256", /* a NIST curve: uncompressed point, x-coordinate */
	};

	(void)state;
	check_tls12(&r);
}

/* A TLS 1.3 run: the schedule from the shared secret equals every keylog
 * secret, Finished equals OpenSSL's, records decrypt. */
static void check_tls13(const struct run *r)
{
	struct pair p;
	uint8_t shared[128], hello[KEYSCHED_MAX_HASH], fin[KEYSCHED_MAX_HASH];
	uint8_t cv[KEYSCHED_MAX_HASH], secret[KEYSCHED_MAX_HASH], vd[KEYSCHED_MAX_HASH];
	uint8_t ossl_vd[KEYSCHED_MAX_HASH], key[32], iv[12], out[512], crec[512], srec[512];
	struct keysched_tls13 ks;
	EVP_PKEY *peer = NULL;
	unsigned char *cpub = NULL;
	size_t n, hl, cpublen, crec_len, srec_len;
	const uint8_t *rec;
	uint8_t type;
	int sfin;

	pair_handshake(&p, r);
	assert_int_equal(cap->type[0], 1);
	assert_int_equal(cap->type[1], 2);
	/* the server's key share private key and the client's public share */
	assert_non_null(p.server_tmp);
	assert_int_equal(SSL_get_peer_tmp_key(p.s, &peer), 1);
	cpublen = EVP_PKEY_get1_encoded_public_key(peer, &cpub);
	assert_true(cpublen > 0);
	n = sizeof shared;
	assert_int_equal(keysched_ecdh(p.server_tmp, cpub, cpublen, SSL_get_negotiated_group(p.c),
				       shared, &n), 0);
	OPENSSL_free(cpub);
	EVP_PKEY_free(peer);

	transcript_hash(r->digest, 1, 1, hello, &hl);
	sfin = find_msg(20, 0);
	transcript_hash(r->digest, sfin, 1, fin, &hl);
	transcript_hash(r->digest, sfin, 0, cv, &hl);
	assert_int_equal(keysched_tls13_schedule(r->digest, NULL, 0, shared, n, hello, fin, hl,
						 &ks), 0);
	assert_int_equal(keylog_value("CLIENT_HANDSHAKE_TRAFFIC_SECRET", 2, secret, sizeof secret),
			 hl);
	tu_assert_bytes(ks.client_hs_traffic, secret, hl, "client handshake traffic secret");
	assert_int_equal(keylog_value("SERVER_HANDSHAKE_TRAFFIC_SECRET", 2, secret, sizeof secret),
			 hl);
	tu_assert_bytes(ks.server_hs_traffic, secret, hl, "server handshake traffic secret");
	assert_int_equal(keylog_value("SERVER_TRAFFIC_SECRET_0", 2, secret, sizeof secret), hl);
	tu_assert_bytes(ks.server_ap_traffic, secret, hl, "server traffic secret 0");
	assert_int_equal(keylog_value("EXPORTER_SECRET", 2, secret, sizeof secret), hl);
	tu_assert_bytes(ks.exporter_master, secret, hl, "exporter secret");
	assert_int_equal(keylog_value("CLIENT_TRAFFIC_SECRET_0", 2, secret, sizeof secret), hl);
	tu_assert_bytes(ks.client_ap_traffic, secret, hl, "client traffic secret 0");
	/* a flipped bit of the shared secret, or of the transcript */
	flip(shared, 0);
	assert_int_equal(keysched_tls13_schedule(r->digest, NULL, 0, shared, n, hello, fin, hl,
						 &ks), 0);
	assert_memory_not_equal(ks.client_ap_traffic, secret, hl);
	flip(shared, 0);
	flip(fin, 0);
	assert_int_equal(keysched_tls13_schedule(r->digest, NULL, 0, shared, n, hello, fin, hl,
						 &ks), 0);
	assert_memory_not_equal(ks.client_ap_traffic, secret, hl);
	flip(fin, 0);
	assert_int_equal(keysched_tls13_schedule(r->digest, NULL, 0, shared, n, hello, fin, hl,
						 &ks), 0);

	/* Finished both ways */
	n = sizeof vd;
	assert_int_equal(keysched_tls13_finished(r->digest, ks.client_hs_traffic, hl, fin, hl, vd,
						 &n), 0);
	assert_int_equal(SSL_get_finished(p.c, ossl_vd, sizeof ossl_vd), hl);
	tu_assert_bytes(vd, ossl_vd, hl, "TLS 1.3 client Finished");
	n = sizeof vd;
	assert_int_equal(keysched_tls13_finished(r->digest, ks.server_hs_traffic, hl, cv, hl, vd,
						 &n), 0);
	assert_int_equal(SSL_get_peer_finished(p.c, ossl_vd, sizeof ossl_vd), hl);
	tu_assert_bytes(vd, ossl_vd, hl, "TLS 1.3 server Finished");
	flip(cv, 9);
	n = sizeof vd;
	assert_int_equal(keysched_tls13_finished(r->digest, ks.server_hs_traffic, hl, cv, hl, vd,
						 &n), 0);
	assert_memory_not_equal(vd, ossl_vd, hl);

	/* the client's encrypted Finished: first outer-type-23 record, seq 0 */
	assert_int_equal(keysched_tls13_traffic_keys(r->digest, ks.client_hs_traffic, hl,
						     r->key_len, key, iv), 0);
	rec = wire_record(cap->c2s, cap->c2slen, 23, 0, &n);
	{
		size_t olen = sizeof out;
		int cfin = find_msg(20, 1);

		assert_int_equal(keysched_tls13_decrypt(key, r->key_len, iv, 0, rec, n, out, &olen,
							&type), 0);
		assert_int_equal(type, 22);
		assert_int_equal(olen, cap->len[cfin]);
		tu_assert_bytes(out, cap->hs + cap->off[cfin], olen, "client Finished record");
	}

	/* application data with keys from the keylog's traffic secrets */
	exchange(&p, req, resp, crec, &crec_len, srec, &srec_len);
	assert_int_equal(keysched_tls13_traffic_keys(r->digest, ks.client_ap_traffic, hl,
						     r->key_len, key, iv), 0);
	n = sizeof out;
	assert_int_equal(keysched_tls13_decrypt(key, r->key_len, iv, 0, crec, crec_len, out, &n,
						&type), 0);
	assert_int_equal(type, 23);
	assert_int_equal(n, strlen(req));
	tu_assert_bytes(out, req, n, "TLS 1.3 client record");
	if (r->client_pad != 0) /* the padding was really there, and stripped */
		assert_int_equal((crec_len - 5 - 16) % r->client_pad, 0);
	flip(crec, crec_len - 1);
	n = sizeof out;
	assert_int_equal(keysched_tls13_decrypt(key, r->key_len, iv, 0, crec, crec_len, out, &n,
						&type), -1);
	assert_int_equal(keysched_tls13_traffic_keys(r->digest, ks.server_ap_traffic, hl,
						     r->key_len, key, iv), 0);
	n = sizeof out;
	assert_int_equal(keysched_tls13_decrypt(key, r->key_len, iv, 0, srec, srec_len, out, &n,
						&type), 0);
	assert_int_equal(type, 23);
	assert_int_equal(n, strlen(resp));
	tu_assert_bytes(out, resp, n, "TLS 1.3 server record");
	n = sizeof out;
	assert_int_equal(keysched_tls13_decrypt(key, r->key_len, iv, 1, srec, srec_len, out, &n,
						&type), -1);
	pair_free(&p);
}

/* TLS 1.3 with TLS_AES_128_GCM_SHA256, the client padding its records. */
static void test_live_tls13_aes128(void **state)
{
	const struct run r = {
		.version = TLS1_3_VERSION,
		.ciphers = "TLS_AES_128_GCM_SHA256",
		.digest = "SHA256",
		.key_len = 16,
		.client_pad = 64,
	};

	(void)state;
	check_tls13(&r);
}

/* TLS 1.3 with TLS_AES_256_GCM_SHA384 (OpenSSL's first choice), ECDHE on P-384. */
static void test_live_tls13_aes256(void **state)
{
	const struct run r = {
		.version = TLS1_3_VERSION,
		.ciphers = "TLS_AES_256_GCM_SHA384",
		.digest = "SHA384",
		.key_len = 32,
		.groups = "P-384",
	};

	(void)state;
	check_tls13(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prf_vector),
		cmocka_unit_test(test_gcm_vectors),
		cmocka_unit_test(test_hkdf_vs_openssl),
		cmocka_unit_test(test_rfc8448_schedule),
		cmocka_unit_test(test_rfc8448_records),
		cmocka_unit_test(test_tls13_all_padding),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_live_rsa_classic),
		cmocka_unit_test(test_live_rsa_ems),
		cmocka_unit_test(test_live_rsa_sha384),
		cmocka_unit_test(test_live_ecdhe_rsa),
		cmocka_unit_test(test_live_ecdhe_ecdsa),
		cmocka_unit_test(test_live_tls13_aes128),
		cmocka_unit_test(test_live_tls13_aes256),
	};

	return cmocka_run_group_tests_name("keysched", tests, group_setup, group_teardown);
}
