/* The TLS code point registries as tables: data, one table per registry. */
#include "protocol/iana.h"

#include <stdio.h>

/* One registered value.  exp marks a code point in use but not in the IANA
 * registry (a draft's or a browser's); note is teaching text or NULL. */
struct entry {
	unsigned v;
	const char *name;
	int exp;
	const char *note;
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- notes: what a learner meets in a real browser's hello ------------- */

static const char N_GREASE[] =
	"GREASE (RFC 8701, \"Generate Random Extensions And Sustain Extensibility\"): "
	"values reserved never to mean anything (0x0a0a, 0x1a1a ... 0xfafa; for PSK "
	"modes 0x0b, 0x2a ... 0xe4).  Browsers put a random one among their real "
	"cipher suites, extensions, groups, signature schemes and versions.  A server "
	"must ignore values it does not know; one that chokes on GREASE is broken, "
	"and would also break the day a real new value arrives.  GREASE keeps that "
	"door open.";

static const char N_RENEG_SCSV[] =
	"Not a cipher suite but a signal (RFC 5746 §3.3): \"I support secure "
	"renegotiation\", sent as a suite so that servers that choke on extensions "
	"still see it.  It is never chosen.";

static const char N_FALLBACK_SCSV[] =
	"Not a cipher suite but a signal (RFC 7507): the client is retrying with a "
	"lower version after a failed attempt; a server that supports a higher "
	"version answers inappropriate_fallback.  It is never chosen.";

static const char N_X25519MLKEM768[] =
	"X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem): a hybrid key exchange, "
	"ML-KEM-768 (FIPS 203, a post-quantum key encapsulation mechanism built on "
	"module lattices) together with X25519.  The client's share is the ML-KEM-768 "
	"encapsulation key (1184 bytes) followed by an X25519 public key (32 bytes): "
	"1216 bytes; the server answers with an ML-KEM ciphertext (1088 bytes) and its "
	"own X25519 key (32), 1120 bytes.  Both shared secrets are concatenated and fed "
	"to the key schedule, so the keys stay secret as long as either part holds: "
	"ML-KEM against a future quantum computer (traffic recorded today could be "
	"decrypted then: \"harvest now, decrypt later\"), X25519, studied for decades, "
	"in case the young ML-KEM has a flaw.  Current Chrome, Edge and Firefox offer it "
	"first; OpenSSL implements it from 3.5.";

static const char N_KYBER_DRAFT[] =
	"An early post-quantum hybrid (X25519 with a draft of Kyber, which became "
	"ML-KEM); browsers used this code point in 2023-2024 and replaced it with "
	"X25519MLKEM768 (0x11ec).  Not in the IANA registry.";

static const char N_ECH[] =
	"Encrypted Client Hello (draft-ietf-tls-esni): the real ClientHello, with the "
	"server name, encrypted to a key the site publishes in DNS (HTTPS records).  "
	"Without such a key for this server, Chrome sends \"GREASE ECH\": an extension "
	"of the right shape filled with random bytes, so that real ECH does not stand "
	"out on the network.  A server without ECH ignores it, as this one does.";

static const char N_ALPS[] =
	"application_settings, ALPS (draft-vvv-tls-alps): lets each side send settings "
	"for the protocol chosen by ALPN (HTTP/2 SETTINGS) inside the encrypted "
	"handshake, saving a round trip.  Chrome's code point (0x44cd; the older one "
	"was 0x4469); not in the IANA registry.  OpenSSL does not implement it and "
	"ignores it.";

static const char N_TRUST_ANCHORS[] =
	"trust_anchors, TLS Trust Anchor Identifiers (draft-ietf-tls-trust-anchor-ids): "
	"short identifiers of root CAs the client trusts, so that a server holding "
	"several certificate chains can send one this client accepts.  Chrome's "
	"experimental code point, not in the IANA registry; OpenSSL ignores it.";

static const char N_COMPRESS_CERT[] =
	"compress_certificate (RFC 8879): the algorithms (zlib, brotli, zstd) the "
	"client can decompress a certificate chain with; a TLS 1.3 server may then "
	"send CompressedCertificate instead of Certificate, often halving the "
	"handshake's largest message.  OpenSSL supports it from 3.2; an older server "
	"ignores the offer and sends its Certificate as is.";

static const char N_NPN[] =
	"next_protocol_negotiation (draft-agl-tls-nextprotoneg): Google's forerunner of "
	"ALPN, never in the IANA registry; gone from browsers since 2016.";

static const char N_ALPN[] =
	"ALPN (RFC 7301): the application protocols the client can speak, in order of "
	"preference, e.g. h2 (HTTP/2) and http/1.1; the server picks one in its "
	"answer, or answers nothing and both fall back to HTTP/1.1.";

static const char N_MLDSA[] =
	"ML-DSA (FIPS 204): a post-quantum signature scheme (draft-ietf-tls-mldsa).  "
	"Offering it costs nothing: a server signs with what its certificate holds.";

/* ---- the registries ----------------------------------------------------- */

/* TLS Cipher Suites: every value the registry assigns (0xd004 and the
 * "reserved to avoid conflicts" ranges are not assignments). */
static const struct entry cipher_suites[] = {
	{0x0000, "TLS_NULL_WITH_NULL_NULL", 0, NULL},
	{0x0001, "TLS_RSA_WITH_NULL_MD5", 0, NULL},
	{0x0002, "TLS_RSA_WITH_NULL_SHA", 0, NULL},
	{0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", 0, NULL},
	{0x0004, "TLS_RSA_WITH_RC4_128_MD5", 0, NULL},
	{0x0005, "TLS_RSA_WITH_RC4_128_SHA", 0, NULL},
	{0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", 0, NULL},
	{0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA", 0, NULL},
	{0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", 0, NULL},
	{0x0009, "TLS_RSA_WITH_DES_CBC_SHA", 0, NULL},
	{0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0x000b, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA", 0, NULL},
	{0x000c, "TLS_DH_DSS_WITH_DES_CBC_SHA", 0, NULL},
	{0x000d, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0x000e, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA", 0, NULL},
	{0x000f, "TLS_DH_RSA_WITH_DES_CBC_SHA", 0, NULL},
	{0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", 0, NULL},
	{0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA", 0, NULL},
	{0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", 0, NULL},
	{0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", 0, NULL},
	{0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5", 0, NULL},
	{0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", 0, NULL},
	{0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA", 0, NULL},
	{0x001a, "TLS_DH_anon_WITH_DES_CBC_SHA", 0, NULL},
	{0x001b, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0x001e, "TLS_KRB5_WITH_DES_CBC_SHA", 0, NULL},
	{0x001f, "TLS_KRB5_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0x0020, "TLS_KRB5_WITH_RC4_128_SHA", 0, NULL},
	{0x0021, "TLS_KRB5_WITH_IDEA_CBC_SHA", 0, NULL},
	{0x0022, "TLS_KRB5_WITH_DES_CBC_MD5", 0, NULL},
	{0x0023, "TLS_KRB5_WITH_3DES_EDE_CBC_MD5", 0, NULL},
	{0x0024, "TLS_KRB5_WITH_RC4_128_MD5", 0, NULL},
	{0x0025, "TLS_KRB5_WITH_IDEA_CBC_MD5", 0, NULL},
	{0x0026, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA", 0, NULL},
	{0x0027, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA", 0, NULL},
	{0x0028, "TLS_KRB5_EXPORT_WITH_RC4_40_SHA", 0, NULL},
	{0x0029, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5", 0, NULL},
	{0x002a, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5", 0, NULL},
	{0x002b, "TLS_KRB5_EXPORT_WITH_RC4_40_MD5", 0, NULL},
	{0x002c, "TLS_PSK_WITH_NULL_SHA", 0, NULL},
	{0x002d, "TLS_DHE_PSK_WITH_NULL_SHA", 0, NULL},
	{0x002e, "TLS_RSA_PSK_WITH_NULL_SHA", 0, NULL},
	{0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", 0, NULL},
	{0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA", 0, NULL},
	{0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA", 0, NULL},
	{0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", 0, NULL},
	{0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", 0, NULL},
	{0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", 0, NULL},
	{0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", 0, NULL},
	{0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA", 0, NULL},
	{0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA", 0, NULL},
	{0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", 0, NULL},
	{0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", 0, NULL},
	{0x003a, "TLS_DH_anon_WITH_AES_256_CBC_SHA", 0, NULL},
	{0x003b, "TLS_RSA_WITH_NULL_SHA256", 0, NULL},
	{0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", 0, NULL},
	{0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", 0, NULL},
	{0x003e, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256", 0, NULL},
	{0x003f, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256", 0, NULL},
	{0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", 0, NULL},
	{0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", 0, NULL},
	{0x0042, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA", 0, NULL},
	{0x0043, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA", 0, NULL},
	{0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", 0, NULL},
	{0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", 0, NULL},
	{0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", 0, NULL},
	{0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", 0, NULL},
	{0x0068, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256", 0, NULL},
	{0x0069, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256", 0, NULL},
	{0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", 0, NULL},
	{0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", 0, NULL},
	{0x006c, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", 0, NULL},
	{0x006d, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", 0, NULL},
	{0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", 0, NULL},
	{0x0085, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA", 0, NULL},
	{0x0086, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA", 0, NULL},
	{0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", 0, NULL},
	{0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", 0, NULL},
	{0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", 0, NULL},
	{0x008a, "TLS_PSK_WITH_RC4_128_SHA", 0, NULL},
	{0x008b, "TLS_PSK_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0x008c, "TLS_PSK_WITH_AES_128_CBC_SHA", 0, NULL},
	{0x008d, "TLS_PSK_WITH_AES_256_CBC_SHA", 0, NULL},
	{0x008e, "TLS_DHE_PSK_WITH_RC4_128_SHA", 0, NULL},
	{0x008f, "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA", 0, NULL},
	{0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA", 0, NULL},
	{0x0092, "TLS_RSA_PSK_WITH_RC4_128_SHA", 0, NULL},
	{0x0093, "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA", 0, NULL},
	{0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA", 0, NULL},
	{0x0096, "TLS_RSA_WITH_SEED_CBC_SHA", 0, NULL},
	{0x0097, "TLS_DH_DSS_WITH_SEED_CBC_SHA", 0, NULL},
	{0x0098, "TLS_DH_RSA_WITH_SEED_CBC_SHA", 0, NULL},
	{0x0099, "TLS_DHE_DSS_WITH_SEED_CBC_SHA", 0, NULL},
	{0x009a, "TLS_DHE_RSA_WITH_SEED_CBC_SHA", 0, NULL},
	{0x009b, "TLS_DH_anon_WITH_SEED_CBC_SHA", 0, NULL},
	{0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", 0, NULL},
	{0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", 0, NULL},
	{0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 0, NULL},
	{0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", 0, NULL},
	{0x00a0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256", 0, NULL},
	{0x00a1, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384", 0, NULL},
	{0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", 0, NULL},
	{0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", 0, NULL},
	{0x00a4, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256", 0, NULL},
	{0x00a5, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384", 0, NULL},
	{0x00a6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", 0, NULL},
	{0x00a7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", 0, NULL},
	{0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256", 0, NULL},
	{0x00a9, "TLS_PSK_WITH_AES_256_GCM_SHA384", 0, NULL},
	{0x00aa, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", 0, NULL},
	{0x00ab, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384", 0, NULL},
	{0x00ac, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256", 0, NULL},
	{0x00ad, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384", 0, NULL},
	{0x00ae, "TLS_PSK_WITH_AES_128_CBC_SHA256", 0, NULL},
	{0x00af, "TLS_PSK_WITH_AES_256_CBC_SHA384", 0, NULL},
	{0x00b0, "TLS_PSK_WITH_NULL_SHA256", 0, NULL},
	{0x00b1, "TLS_PSK_WITH_NULL_SHA384", 0, NULL},
	{0x00b2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256", 0, NULL},
	{0x00b3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384", 0, NULL},
	{0x00b4, "TLS_DHE_PSK_WITH_NULL_SHA256", 0, NULL},
	{0x00b5, "TLS_DHE_PSK_WITH_NULL_SHA384", 0, NULL},
	{0x00b6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256", 0, NULL},
	{0x00b7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384", 0, NULL},
	{0x00b8, "TLS_RSA_PSK_WITH_NULL_SHA256", 0, NULL},
	{0x00b9, "TLS_RSA_PSK_WITH_NULL_SHA384", 0, NULL},
	{0x00ba, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", 0, NULL},
	{0x00bb, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256", 0, NULL},
	{0x00bc, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256", 0, NULL},
	{0x00bd, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256", 0, NULL},
	{0x00be, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", 0, NULL},
	{0x00bf, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256", 0, NULL},
	{0x00c0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", 0, NULL},
	{0x00c1, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256", 0, NULL},
	{0x00c2, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256", 0, NULL},
	{0x00c3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256", 0, NULL},
	{0x00c4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", 0, NULL},
	{0x00c5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256", 0, NULL},
	{0x00c6, "TLS_SM4_GCM_SM3", 0, NULL},
	{0x00c7, "TLS_SM4_CCM_SM3", 0, NULL},
	{0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", 0, N_RENEG_SCSV},
	{0x1301, "TLS_AES_128_GCM_SHA256", 0, NULL},
	{0x1302, "TLS_AES_256_GCM_SHA384", 0, NULL},
	{0x1303, "TLS_CHACHA20_POLY1305_SHA256", 0, NULL},
	{0x1304, "TLS_AES_128_CCM_SHA256", 0, NULL},
	{0x1305, "TLS_AES_128_CCM_8_SHA256", 0, NULL},
	{0x1306, "TLS_AEGIS_256_SHA512", 0, NULL},
	{0x1307, "TLS_AEGIS_128L_SHA256", 0, NULL},
	{0x5600, "TLS_FALLBACK_SCSV", 0, N_FALLBACK_SCSV},
	{0xc001, "TLS_ECDH_ECDSA_WITH_NULL_SHA", 0, NULL},
	{0xc002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA", 0, NULL},
	{0xc003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0xc004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA", 0, NULL},
	{0xc005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA", 0, NULL},
	{0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", 0, NULL},
	{0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", 0, NULL},
	{0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", 0, NULL},
	{0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", 0, NULL},
	{0xc00b, "TLS_ECDH_RSA_WITH_NULL_SHA", 0, NULL},
	{0xc00c, "TLS_ECDH_RSA_WITH_RC4_128_SHA", 0, NULL},
	{0xc00d, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0xc00e, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", 0, NULL},
	{0xc00f, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA", 0, NULL},
	{0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA", 0, NULL},
	{0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", 0, NULL},
	{0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 0, NULL},
	{0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", 0, NULL},
	{0xc015, "TLS_ECDH_anon_WITH_NULL_SHA", 0, NULL},
	{0xc016, "TLS_ECDH_anon_WITH_RC4_128_SHA", 0, NULL},
	{0xc017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0xc018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", 0, NULL},
	{0xc019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", 0, NULL},
	{0xc01a, "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0xc01b, "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0xc01c, "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0xc01d, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA", 0, NULL},
	{0xc01e, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA", 0, NULL},
	{0xc01f, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA", 0, NULL},
	{0xc020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA", 0, NULL},
	{0xc021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA", 0, NULL},
	{0xc022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA", 0, NULL},
	{0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", 0, NULL},
	{0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", 0, NULL},
	{0xc025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256", 0, NULL},
	{0xc026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384", 0, NULL},
	{0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 0, NULL},
	{0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", 0, NULL},
	{0xc029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256", 0, NULL},
	{0xc02a, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384", 0, NULL},
	{0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0, NULL},
	{0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0, NULL},
	{0xc02d, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", 0, NULL},
	{0xc02e, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384", 0, NULL},
	{0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0, NULL},
	{0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0, NULL},
	{0xc031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", 0, NULL},
	{0xc032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384", 0, NULL},
	{0xc033, "TLS_ECDHE_PSK_WITH_RC4_128_SHA", 0, NULL},
	{0xc034, "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA", 0, NULL},
	{0xc035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA", 0, NULL},
	{0xc036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA", 0, NULL},
	{0xc037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", 0, NULL},
	{0xc038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384", 0, NULL},
	{0xc039, "TLS_ECDHE_PSK_WITH_NULL_SHA", 0, NULL},
	{0xc03a, "TLS_ECDHE_PSK_WITH_NULL_SHA256", 0, NULL},
	{0xc03b, "TLS_ECDHE_PSK_WITH_NULL_SHA384", 0, NULL},
	{0xc03c, "TLS_RSA_WITH_ARIA_128_CBC_SHA256", 0, NULL},
	{0xc03d, "TLS_RSA_WITH_ARIA_256_CBC_SHA384", 0, NULL},
	{0xc03e, "TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256", 0, NULL},
	{0xc03f, "TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384", 0, NULL},
	{0xc040, "TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256", 0, NULL},
	{0xc041, "TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384", 0, NULL},
	{0xc042, "TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256", 0, NULL},
	{0xc043, "TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384", 0, NULL},
	{0xc044, "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256", 0, NULL},
	{0xc045, "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384", 0, NULL},
	{0xc046, "TLS_DH_anon_WITH_ARIA_128_CBC_SHA256", 0, NULL},
	{0xc047, "TLS_DH_anon_WITH_ARIA_256_CBC_SHA384", 0, NULL},
	{0xc048, "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256", 0, NULL},
	{0xc049, "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384", 0, NULL},
	{0xc04a, "TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256", 0, NULL},
	{0xc04b, "TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384", 0, NULL},
	{0xc04c, "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256", 0, NULL},
	{0xc04d, "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384", 0, NULL},
	{0xc04e, "TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256", 0, NULL},
	{0xc04f, "TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384", 0, NULL},
	{0xc050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256", 0, NULL},
	{0xc051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384", 0, NULL},
	{0xc052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", 0, NULL},
	{0xc053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", 0, NULL},
	{0xc054, "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256", 0, NULL},
	{0xc055, "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384", 0, NULL},
	{0xc056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256", 0, NULL},
	{0xc057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384", 0, NULL},
	{0xc058, "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256", 0, NULL},
	{0xc059, "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384", 0, NULL},
	{0xc05a, "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256", 0, NULL},
	{0xc05b, "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384", 0, NULL},
	{0xc05c, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", 0, NULL},
	{0xc05d, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", 0, NULL},
	{0xc05e, "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256", 0, NULL},
	{0xc05f, "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384", 0, NULL},
	{0xc060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", 0, NULL},
	{0xc061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", 0, NULL},
	{0xc062, "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256", 0, NULL},
	{0xc063, "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384", 0, NULL},
	{0xc064, "TLS_PSK_WITH_ARIA_128_CBC_SHA256", 0, NULL},
	{0xc065, "TLS_PSK_WITH_ARIA_256_CBC_SHA384", 0, NULL},
	{0xc066, "TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256", 0, NULL},
	{0xc067, "TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384", 0, NULL},
	{0xc068, "TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256", 0, NULL},
	{0xc069, "TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384", 0, NULL},
	{0xc06a, "TLS_PSK_WITH_ARIA_128_GCM_SHA256", 0, NULL},
	{0xc06b, "TLS_PSK_WITH_ARIA_256_GCM_SHA384", 0, NULL},
	{0xc06c, "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256", 0, NULL},
	{0xc06d, "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384", 0, NULL},
	{0xc06e, "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256", 0, NULL},
	{0xc06f, "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384", 0, NULL},
	{0xc070, "TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256", 0, NULL},
	{0xc071, "TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384", 0, NULL},
	{0xc072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", 0, NULL},
	{0xc073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", 0, NULL},
	{0xc074, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", 0, NULL},
	{0xc075, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", 0, NULL},
	{0xc076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", 0, NULL},
	{0xc077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", 0, NULL},
	{0xc078, "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256", 0, NULL},
	{0xc079, "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384", 0, NULL},
	{0xc07a, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256", 0, NULL},
	{0xc07b, "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384", 0, NULL},
	{0xc07c, "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256", 0, NULL},
	{0xc07d, "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384", 0, NULL},
	{0xc07e, "TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256", 0, NULL},
	{0xc07f, "TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384", 0, NULL},
	{0xc080, "TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256", 0, NULL},
	{0xc081, "TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384", 0, NULL},
	{0xc082, "TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256", 0, NULL},
	{0xc083, "TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384", 0, NULL},
	{0xc084, "TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256", 0, NULL},
	{0xc085, "TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384", 0, NULL},
	{0xc086, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", 0, NULL},
	{0xc087, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384", 0, NULL},
	{0xc088, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", 0, NULL},
	{0xc089, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384", 0, NULL},
	{0xc08a, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256", 0, NULL},
	{0xc08b, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384", 0, NULL},
	{0xc08c, "TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256", 0, NULL},
	{0xc08d, "TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384", 0, NULL},
	{0xc08e, "TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256", 0, NULL},
	{0xc08f, "TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384", 0, NULL},
	{0xc090, "TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256", 0, NULL},
	{0xc091, "TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384", 0, NULL},
	{0xc092, "TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256", 0, NULL},
	{0xc093, "TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384", 0, NULL},
	{0xc094, "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256", 0, NULL},
	{0xc095, "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384", 0, NULL},
	{0xc096, "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", 0, NULL},
	{0xc097, "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", 0, NULL},
	{0xc098, "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256", 0, NULL},
	{0xc099, "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384", 0, NULL},
	{0xc09a, "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", 0, NULL},
	{0xc09b, "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", 0, NULL},
	{0xc09c, "TLS_RSA_WITH_AES_128_CCM", 0, NULL},
	{0xc09d, "TLS_RSA_WITH_AES_256_CCM", 0, NULL},
	{0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM", 0, NULL},
	{0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM", 0, NULL},
	{0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8", 0, NULL},
	{0xc0a1, "TLS_RSA_WITH_AES_256_CCM_8", 0, NULL},
	{0xc0a2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", 0, NULL},
	{0xc0a3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", 0, NULL},
	{0xc0a4, "TLS_PSK_WITH_AES_128_CCM", 0, NULL},
	{0xc0a5, "TLS_PSK_WITH_AES_256_CCM", 0, NULL},
	{0xc0a6, "TLS_DHE_PSK_WITH_AES_128_CCM", 0, NULL},
	{0xc0a7, "TLS_DHE_PSK_WITH_AES_256_CCM", 0, NULL},
	{0xc0a8, "TLS_PSK_WITH_AES_128_CCM_8", 0, NULL},
	{0xc0a9, "TLS_PSK_WITH_AES_256_CCM_8", 0, NULL},
	{0xc0aa, "TLS_PSK_DHE_WITH_AES_128_CCM_8", 0, NULL},
	{0xc0ab, "TLS_PSK_DHE_WITH_AES_256_CCM_8", 0, NULL},
	{0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", 0, NULL},
	{0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", 0, NULL},
	{0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", 0, NULL},
	{0xc0af, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", 0, NULL},
	{0xc0b0, "TLS_ECCPWD_WITH_AES_128_GCM_SHA256", 0, NULL},
	{0xc0b1, "TLS_ECCPWD_WITH_AES_256_GCM_SHA384", 0, NULL},
	{0xc0b2, "TLS_ECCPWD_WITH_AES_128_CCM_SHA256", 0, NULL},
	{0xc0b3, "TLS_ECCPWD_WITH_AES_256_CCM_SHA384", 0, NULL},
	{0xc0b4, "TLS_SHA256_SHA256", 0, NULL},
	{0xc0b5, "TLS_SHA384_SHA384", 0, NULL},
	{0xc100, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC", 0, NULL},
	{0xc101, "TLS_GOSTR341112_256_WITH_MAGMA_CTR_OMAC", 0, NULL},
	{0xc102, "TLS_GOSTR341112_256_WITH_28147_CNT_IMIT", 0, NULL},
	{0xc103, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L", 0, NULL},
	{0xc104, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_L", 0, NULL},
	{0xc105, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S", 0, NULL},
	{0xc106, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_S", 0, NULL},
	{0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0, NULL},
	{0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0, NULL},
	{0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0, NULL},
	{0xccab, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", 0, NULL},
	{0xccac, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", 0, NULL},
	{0xccad, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256", 0, NULL},
	{0xccae, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256", 0, NULL},
	{0xd001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256", 0, NULL},
	{0xd002, "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384", 0, NULL},
	{0xd003, "TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256", 0, NULL},
	{0xd005, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256", 0, NULL},
};

/* TLS ExtensionType Values, and the code points real clients send that the
 * registry does not hold. */
static const struct entry extensions[] = {
	{0, "server_name", 0, NULL},
	{1, "max_fragment_length", 0, NULL},
	{2, "client_certificate_url", 0, NULL},
	{3, "trusted_ca_keys", 0, NULL},
	{4, "truncated_hmac", 0, NULL},
	{5, "status_request", 0, NULL},
	{6, "user_mapping", 0, NULL},
	{7, "client_authz", 0, NULL},
	{8, "server_authz", 0, NULL},
	{9, "cert_type", 0, NULL},
	{10, "supported_groups", 0, NULL},
	{11, "ec_point_formats", 0, NULL},
	{12, "srp", 0, NULL},
	{13, "signature_algorithms", 0, NULL},
	{14, "use_srtp", 0, NULL},
	{15, "heartbeat", 0, NULL},
	{16, "application_layer_protocol_negotiation", 0, N_ALPN},
	{17, "status_request_v2", 0, NULL},
	{18, "signed_certificate_timestamp", 0, NULL},
	{19, "client_certificate_type", 0, NULL},
	{20, "server_certificate_type", 0, NULL},
	{21, "padding", 0, NULL},
	{22, "encrypt_then_mac", 0, NULL},
	{23, "extended_master_secret", 0, NULL},
	{24, "token_binding", 0, NULL},
	{25, "cached_info", 0, NULL},
	{26, "tls_lts", 0, NULL},
	{27, "compress_certificate", 0, N_COMPRESS_CERT},
	{28, "record_size_limit", 0, NULL},
	{29, "pwd_protect", 0, NULL},
	{30, "pwd_clear", 0, NULL},
	{31, "password_salt", 0, NULL},
	{32, "ticket_pinning", 0, NULL},
	{33, "tls_cert_with_extern_psk", 0, NULL},
	{34, "delegated_credential", 0, NULL},
	{35, "session_ticket", 0, NULL},
	{36, "TLMSP", 0, NULL},
	{37, "TLMSP_proxying", 0, NULL},
	{38, "TLMSP_delegate", 0, NULL},
	{39, "supported_ekt_ciphers", 0, NULL},
	{41, "pre_shared_key", 0, NULL},
	{42, "early_data", 0, NULL},
	{43, "supported_versions", 0, NULL},
	{44, "cookie", 0, NULL},
	{45, "psk_key_exchange_modes", 0, NULL},
	{47, "certificate_authorities", 0, NULL},
	{48, "oid_filters", 0, NULL},
	{49, "post_handshake_auth", 0, NULL},
	{50, "signature_algorithms_cert", 0, NULL},
	{51, "key_share", 0, NULL},
	{52, "transparency_info", 0, NULL},
	{53, "connection_id (deprecated)", 0, NULL},
	{54, "connection_id", 0, NULL},
	{55, "external_id_hash", 0, NULL},
	{56, "external_session_id", 0, NULL},
	{57, "quic_transport_parameters", 0, NULL},
	{58, "ticket_request", 0, NULL},
	{59, "dnssec_chain", 0, NULL},
	{13172, "next_protocol_negotiation", 1, N_NPN},
	{17513, "application_settings (old code point)", 1, N_ALPS},
	{17613, "application_settings", 1, N_ALPS},
	{51764, "trust_anchors", 1, N_TRUST_ANCHORS},
	{64768, "ech_outer_extensions", 0, NULL},
	{65037, "encrypted_client_hello", 0, N_ECH},
	{65281, "renegotiation_info", 0, NULL},
};

/* TLS Supported Groups. */
static const struct entry groups[] = {
	{1, "sect163k1", 0, NULL},
	{2, "sect163r1", 0, NULL},
	{3, "sect163r2", 0, NULL},
	{4, "sect193r1", 0, NULL},
	{5, "sect193r2", 0, NULL},
	{6, "sect233k1", 0, NULL},
	{7, "sect233r1", 0, NULL},
	{8, "sect239k1", 0, NULL},
	{9, "sect283k1", 0, NULL},
	{10, "sect283r1", 0, NULL},
	{11, "sect409k1", 0, NULL},
	{12, "sect409r1", 0, NULL},
	{13, "sect571k1", 0, NULL},
	{14, "sect571r1", 0, NULL},
	{15, "secp160k1", 0, NULL},
	{16, "secp160r1", 0, NULL},
	{17, "secp160r2", 0, NULL},
	{18, "secp192k1", 0, NULL},
	{19, "secp192r1", 0, NULL},
	{20, "secp224k1", 0, NULL},
	{21, "secp224r1", 0, NULL},
	{22, "secp256k1", 0, NULL},
	{23, "secp256r1", 0, NULL},
	{24, "secp384r1", 0, NULL},
	{25, "secp521r1", 0, NULL},
	{26, "brainpoolP256r1", 0, NULL},
	{27, "brainpoolP384r1", 0, NULL},
	{28, "brainpoolP512r1", 0, NULL},
	{29, "x25519", 0, NULL},
	{30, "x448", 0, NULL},
	{31, "brainpoolP256r1tls13", 0, NULL},
	{32, "brainpoolP384r1tls13", 0, NULL},
	{33, "brainpoolP512r1tls13", 0, NULL},
	{34, "GC256A", 0, NULL},
	{35, "GC256B", 0, NULL},
	{36, "GC256C", 0, NULL},
	{37, "GC256D", 0, NULL},
	{38, "GC512A", 0, NULL},
	{39, "GC512B", 0, NULL},
	{40, "GC512C", 0, NULL},
	{41, "curveSM2", 0, NULL},
	{256, "ffdhe2048", 0, NULL},
	{257, "ffdhe3072", 0, NULL},
	{258, "ffdhe4096", 0, NULL},
	{259, "ffdhe6144", 0, NULL},
	{260, "ffdhe8192", 0, NULL},
	{512, "MLKEM512", 0, NULL},
	{513, "MLKEM768", 0, NULL},
	{514, "MLKEM1024", 0, NULL},
	{4587, "SecP256r1MLKEM768", 0, NULL},
	{4588, "X25519MLKEM768", 0, N_X25519MLKEM768},
	{4589, "SecP384r1MLKEM1024", 0, NULL},
	{25497, "X25519Kyber768Draft00", 1, N_KYBER_DRAFT},
	{25498, "SecP256r1Kyber768Draft00", 1, N_KYBER_DRAFT},
	{65281, "arbitrary_explicit_prime_curves", 0, NULL},
	{65282, "arbitrary_explicit_char2_curves", 0, NULL},
};

/* TLS SignatureScheme. */
static const struct entry sigschemes[] = {
	{0x0201, "rsa_pkcs1_sha1", 0, NULL},
	{0x0202, "dsa_sha1", 0, NULL},
	{0x0203, "ecdsa_sha1", 0, NULL},
	{0x0301, "rsa_pkcs1_sha224", 0, NULL},
	{0x0302, "dsa_sha224", 0, NULL},
	{0x0303, "ecdsa_sha224", 0, NULL},
	{0x0401, "rsa_pkcs1_sha256", 0, NULL},
	{0x0402, "dsa_sha256", 0, NULL},
	{0x0403, "ecdsa_secp256r1_sha256", 0, NULL},
	{0x0420, "rsa_pkcs1_sha256_legacy", 0, NULL},
	{0x0501, "rsa_pkcs1_sha384", 0, NULL},
	{0x0502, "dsa_sha384", 0, NULL},
	{0x0503, "ecdsa_secp384r1_sha384", 0, NULL},
	{0x0520, "rsa_pkcs1_sha384_legacy", 0, NULL},
	{0x0601, "rsa_pkcs1_sha512", 0, NULL},
	{0x0602, "dsa_sha512", 0, NULL},
	{0x0603, "ecdsa_secp521r1_sha512", 0, NULL},
	{0x0620, "rsa_pkcs1_sha512_legacy", 0, NULL},
	{0x0704, "eccsi_sha256", 0, NULL},
	{0x0705, "iso_ibs1", 0, NULL},
	{0x0706, "iso_ibs2", 0, NULL},
	{0x0707, "iso_chinese_ibs", 0, NULL},
	{0x0708, "sm2sig_sm3", 0, NULL},
	{0x0709, "gostr34102012_256a", 0, NULL},
	{0x070a, "gostr34102012_256b", 0, NULL},
	{0x070b, "gostr34102012_256c", 0, NULL},
	{0x070c, "gostr34102012_256d", 0, NULL},
	{0x070d, "gostr34102012_512a", 0, NULL},
	{0x070e, "gostr34102012_512b", 0, NULL},
	{0x070f, "gostr34102012_512c", 0, NULL},
	{0x0804, "rsa_pss_rsae_sha256", 0, NULL},
	{0x0805, "rsa_pss_rsae_sha384", 0, NULL},
	{0x0806, "rsa_pss_rsae_sha512", 0, NULL},
	{0x0807, "ed25519", 0, NULL},
	{0x0808, "ed448", 0, NULL},
	{0x0809, "rsa_pss_pss_sha256", 0, NULL},
	{0x080a, "rsa_pss_pss_sha384", 0, NULL},
	{0x080b, "rsa_pss_pss_sha512", 0, NULL},
	{0x081a, "ecdsa_brainpoolP256r1tls13_sha256", 0, NULL},
	{0x081b, "ecdsa_brainpoolP384r1tls13_sha384", 0, NULL},
	{0x081c, "ecdsa_brainpoolP512r1tls13_sha512", 0, NULL},
	{0x0904, "mldsa44", 0, N_MLDSA},
	{0x0905, "mldsa65", 0, N_MLDSA},
	{0x0906, "mldsa87", 0, N_MLDSA},
};

/* TLS Alerts (RFC 8446 §6 spelling; values marked _RESERVED in the
 * registry, no longer sent, keep their old names). */
static const struct entry alerts[] = {
	{0, "close_notify", 0, NULL},
	{10, "unexpected_message", 0, NULL},
	{20, "bad_record_mac", 0, NULL},
	{21, "decryption_failed", 0, NULL},
	{22, "record_overflow", 0, NULL},
	{30, "decompression_failure", 0, NULL},
	{40, "handshake_failure", 0, NULL},
	{41, "no_certificate", 0, NULL},
	{42, "bad_certificate", 0, NULL},
	{43, "unsupported_certificate", 0, NULL},
	{44, "certificate_revoked", 0, NULL},
	{45, "certificate_expired", 0, NULL},
	{46, "certificate_unknown", 0, NULL},
	{47, "illegal_parameter", 0, NULL},
	{48, "unknown_ca", 0, NULL},
	{49, "access_denied", 0, NULL},
	{50, "decode_error", 0, NULL},
	{51, "decrypt_error", 0, NULL},
	{52, "too_many_cids_requested", 0, NULL},
	{60, "export_restriction", 0, NULL},
	{70, "protocol_version", 0, NULL},
	{71, "insufficient_security", 0, NULL},
	{80, "internal_error", 0, NULL},
	{86, "inappropriate_fallback", 0, NULL},
	{90, "user_canceled", 0, NULL},
	{100, "no_renegotiation", 0, NULL},
	{109, "missing_extension", 0, NULL},
	{110, "unsupported_extension", 0, NULL},
	{111, "certificate_unobtainable", 0, NULL},
	{112, "unrecognized_name", 0, NULL},
	{113, "bad_certificate_status_response", 0, NULL},
	{114, "bad_certificate_hash_value", 0, NULL},
	{115, "unknown_psk_identity", 0, NULL},
	{116, "certificate_required", 0, NULL},
	{120, "no_application_protocol", 0, NULL},
	{121, "ech_required", 0, NULL},
};

/* TLS HandshakeType: the registry's name. */
static const struct entry handshakes[] = {
	{0, "hello_request", 0, NULL},
	{1, "client_hello", 0, NULL},
	{2, "server_hello", 0, NULL},
	{3, "hello_verify_request", 0, NULL},
	{4, "new_session_ticket", 0, NULL},
	{5, "end_of_early_data", 0, NULL},
	{6, "hello_retry_request", 0, NULL},
	{8, "encrypted_extensions", 0, NULL},
	{9, "request_connection_id", 0, NULL},
	{10, "new_connection_id", 0, NULL},
	{11, "certificate", 0, NULL},
	{12, "server_key_exchange", 0, NULL},
	{13, "certificate_request", 0, NULL},
	{14, "server_hello_done", 0, NULL},
	{15, "certificate_verify", 0, NULL},
	{16, "client_key_exchange", 0, NULL},
	{17, "client_certificate_request", 0, NULL},
	{20, "finished", 0, NULL},
	{21, "certificate_url", 0, NULL},
	{22, "certificate_status", 0, NULL},
	{23, "supplemental_data", 0, NULL},
	{24, "key_update", 0, NULL},
	{25, "compressed_certificate", 0, NULL},
	{26, "ekt_key", 0, NULL},
	{254, "message_hash", 0, NULL},
};

/* The same types as the RFCs' structs name them, as the diagram shows them. */
static const struct entry handshake_structs[] = {
	{0, "HelloRequest", 0, NULL},
	{1, "ClientHello", 0, NULL},
	{2, "ServerHello", 0, NULL},
	{3, "HelloVerifyRequest", 0, NULL},
	{4, "NewSessionTicket", 0, NULL},
	{5, "EndOfEarlyData", 0, NULL},
	{6, "HelloRetryRequest", 0, NULL},
	{8, "EncryptedExtensions", 0, NULL},
	{9, "RequestConnectionId", 0, NULL},
	{10, "NewConnectionId", 0, NULL},
	{11, "Certificate", 0, NULL},
	{12, "ServerKeyExchange", 0, NULL},
	{13, "CertificateRequest", 0, NULL},
	{14, "ServerHelloDone", 0, NULL},
	{15, "CertificateVerify", 0, NULL},
	{16, "ClientKeyExchange", 0, NULL},
	{17, "ClientCertificateRequest", 0, NULL},
	{20, "Finished", 0, NULL},
	{21, "CertificateURL", 0, NULL},
	{22, "CertificateStatus", 0, NULL},
	{23, "SupplementalData", 0, NULL},
	{24, "KeyUpdate", 0, NULL},
	{25, "CompressedCertificate", 0, NULL},
	{26, "EktKey", 0, NULL},
	{254, "MessageHash", 0, NULL},
};

/* TLS Certificate Compression Algorithm IDs (RFC 8879). */
static const struct entry cert_compression[] = {
	{1, "zlib", 0, NULL},
	{2, "brotli", 0, NULL},
	{3, "zstd", 0, NULL},
};

/* TLS PskKeyExchangeMode (RFC 8446 §4.2.9). */
static const struct entry psk_modes[] = {
	{0, "psk_ke", 0, NULL},
	{1, "psk_dhe_ke", 0, NULL},
};

/* TLS EC Point Formats (RFC 8422). */
static const struct entry ec_point_formats[] = {
	{0, "uncompressed", 0, NULL},
	{1, "ansiX962_compressed_prime", 0, NULL},
	{2, "ansiX962_compressed_char2", 0, NULL},
};

/* TLS ContentType. */
static const struct entry content_types[] = {
	{20, "change_cipher_spec", 0, NULL},
	{21, "alert", 0, NULL},
	{22, "handshake", 0, NULL},
	{23, "application_data", 0, NULL},
	{24, "heartbeat", 0, NULL},
	{25, "tls12_cid", 0, NULL},
	{26, "ACK", 0, NULL},
};

/* ProtocolVersion values (RFC 8446 §4.2.1 and its predecessors). */
static const struct entry versions[] = {
	{0x0300, "SSL 3.0", 0, NULL},
	{0x0301, "TLS 1.0", 0, NULL},
	{0x0302, "TLS 1.1", 0, NULL},
	{0x0303, "TLS 1.2", 0, NULL},
	{0x0304, "TLS 1.3", 0, NULL},
};

/* TLS ClientCertificateType Identifiers. */
static const struct entry cert_types[] = {
	{1, "rsa_sign", 0, NULL},
	{2, "dss_sign", 0, NULL},
	{3, "rsa_fixed_dh", 0, NULL},
	{4, "dss_fixed_dh", 0, NULL},
	{5, "rsa_ephemeral_dh", 0, NULL},
	{6, "dss_ephemeral_dh", 0, NULL},
	{20, "fortezza_dms", 0, NULL},
	{64, "ecdsa_sign", 0, NULL},
	{65, "rsa_fixed_ecdh", 0, NULL},
	{66, "ecdsa_fixed_ecdh", 0, NULL},
	{67, "gost_sign256", 0, NULL},
	{68, "gost_sign512", 0, NULL},
};

/* HPKE KDF Identifiers (RFC 9180 §7.2). */
static const struct entry hpke_kdfs[] = {
	{1, "HKDF-SHA256", 0, NULL},
	{2, "HKDF-SHA384", 0, NULL},
	{3, "HKDF-SHA512", 0, NULL},
};

/* HPKE AEAD Identifiers (RFC 9180 §7.3). */
static const struct entry hpke_aeads[] = {
	{1, "AES-128-GCM", 0, NULL},
	{2, "AES-256-GCM", 0, NULL},
	{3, "ChaCha20Poly1305", 0, NULL},
	{0xffff, "Export-only", 0, NULL},
};

/* Each registry: its table, title, width of its numbers and GREASE kind. */
enum grease_kind { GREASE_NONE, GREASE_U16, GREASE_PSK };

static const struct {
	const struct entry *t;
	size_t n;
	const char *title;
	int hexdigits;  /* 0: decimal */
	enum grease_kind grease;
} registries[IANA__COUNT] = {
	[IANA_CIPHER_SUITE] = {cipher_suites, NELEM(cipher_suites), "TLS Cipher Suites", 4, GREASE_U16},
	[IANA_EXTENSION] = {extensions, NELEM(extensions), "TLS ExtensionType Values", 4, GREASE_U16},
	[IANA_GROUP] = {groups, NELEM(groups), "TLS Supported Groups", 4, GREASE_U16},
	[IANA_SIGSCHEME] = {sigschemes, NELEM(sigschemes), "TLS SignatureScheme", 4, GREASE_U16},
	[IANA_ALERT] = {alerts, NELEM(alerts), "TLS Alerts", 0, GREASE_NONE},
	[IANA_HANDSHAKE] = {handshakes, NELEM(handshakes), "TLS HandshakeType", 0, GREASE_NONE},
	[IANA_CERT_COMPRESSION] = {cert_compression, NELEM(cert_compression),
				   "TLS Certificate Compression Algorithm IDs", 4, GREASE_NONE},
	[IANA_PSK_MODE] = {psk_modes, NELEM(psk_modes), "TLS PskKeyExchangeMode", 2, GREASE_PSK},
	[IANA_EC_POINT_FORMAT] = {ec_point_formats, NELEM(ec_point_formats), "TLS EC Point Formats",
				  2, GREASE_NONE},
	[IANA_CONTENT_TYPE] = {content_types, NELEM(content_types), "TLS ContentType", 0, GREASE_NONE},
	[IANA_VERSION] = {versions, NELEM(versions), "TLS protocol versions", 4, GREASE_U16},
	[IANA_CERT_TYPE] = {cert_types, NELEM(cert_types), "TLS ClientCertificateType Identifiers", 2,
			    GREASE_NONE},
	[IANA_HPKE_KDF] = {hpke_kdfs, NELEM(hpke_kdfs), "HPKE KDF Identifiers", 4, GREASE_NONE},
	[IANA_HPKE_AEAD] = {hpke_aeads, NELEM(hpke_aeads), "HPKE AEAD Identifiers", 4, GREASE_NONE},
};

/* see iana.h */
int iana_is_grease(enum iana_registry r, unsigned v)
{
	if ((unsigned)r >= IANA__COUNT)
		return 0;
	switch (registries[r].grease) {
	case GREASE_U16:
		return v <= 0xffff && (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
	case GREASE_PSK:
		/* 0x0b, 0x2a, 0x49, ... 0xe4: 0x0b + 0x1f * k (RFC 8701 §2) */
		return v <= 0xff && v >= 0x0b && (v - 0x0b) % 0x1f == 0;
	default:
		return 0;
	}
}

/* see iana.h */
struct iana_info iana_lookup(enum iana_registry r, unsigned v)
{
	struct iana_info info = {IANA_UNASSIGNED, "unassigned", NULL};

	if ((unsigned)r >= IANA__COUNT)
		return info;
	if (iana_is_grease(r, v)) {
		info.status = IANA_GREASE;
		info.name = "GREASE";
		info.note = N_GREASE;
		return info;
	}
	for (size_t i = 0; i < registries[r].n; i++) {
		const struct entry *e = &registries[r].t[i];

		if (e->v != v)
			continue;
		info.status = e->exp ? IANA_EXPERIMENTAL : IANA_ASSIGNED;
		info.name = e->name;
		info.note = e->note;
		break;
	}
	return info;
}

/* see iana.h */
const char *iana_name(enum iana_registry r, unsigned v)
{
	struct iana_info info = iana_lookup(r, v);

	return info.status == IANA_UNASSIGNED ? NULL : info.name;
}

/* see iana.h */
const char *iana_format(enum iana_registry r, unsigned v, char *buf, size_t n)
{
	struct iana_info info = iana_lookup(r, v);
	int w = (unsigned)r < IANA__COUNT ? registries[r].hexdigits : 4;

	if (n == 0)
		return buf;
	if (w == 0)
		snprintf(buf, n, "%s (%u)", info.name, v);
	else
		snprintf(buf, n, "%s (0x%0*x)", info.name, w, v);
	return buf;
}

/* see iana.h */
const char *iana_registry_title(enum iana_registry r)
{
	return (unsigned)r < IANA__COUNT ? registries[r].title : "?";
}

/* see iana.h */
const char *iana_handshake_struct(unsigned hs_type)
{
	for (size_t i = 0; i < NELEM(handshake_structs); i++)
		if (handshake_structs[i].v == hs_type)
			return handshake_structs[i].name;
	return NULL;
}

/* see iana.h */
const char *iana_grease_note(void)
{
	return N_GREASE;
}

/* see iana.h */
size_t iana_count(enum iana_registry r)
{
	return (unsigned)r < IANA__COUNT ? registries[r].n : 0;
}

/* see iana.h */
const char *iana_entry(enum iana_registry r, size_t i, unsigned *v)
{
	if ((unsigned)r >= IANA__COUNT || i >= registries[r].n)
		return NULL;
	if (v != NULL)
		*v = registries[r].t[i].v;
	return registries[r].t[i].name;
}
