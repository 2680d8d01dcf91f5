/* libFuzzer target: every input goes to every entry point of the TLS decoder,
 * as a handshake message (each context), a record (TLS 1.2 and 1.3), a CCS,
 * an alert and a summary line; also as a record opened by each cipher
 * family (recordcrypt), a ServerHello (encrypt_then_mac, the suite's rank
 * in a ClientHello) and the peer bytes of an error line (tlserror).  Beyond ASan/UBSan it checks the decoder's
 * own promises: every field inside raw, an "error" field exactly on -1. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/event.h"
#include "protocol/hellopeek.h"
#include "protocol/recordcrypt.h"
#include "protocol/tlsdecode.h"
#include "protocol/tlserror.h"

/* Abort (a crash libFuzzer reports) when a decoded event breaks a promise. */
static void check(const struct event *ev, int rc)
{
	int has_error = event_find_field(ev, "error") != NULL;

	if (rc != 0 && rc != -1)
		abort();
	if ((rc == -1) != has_error)
		abort();
	for (size_t i = 0; i < ev->nfields; i++) {
		const struct field *f = &ev->fields[i];

		if (f->offset > ev->raw_len || f->length > ev->raw_len - f->offset)
			abort();
		if (i > 0 && f->depth > ev->fields[i - 1].depth + 1)
			abort();
	}
}

/* Abort when a key-exchange part lies outside the message, or when the
 * keys differ from those the event's own decode gave. */
static void check_keys(const struct tlsdecode_keys *k, size_t size)
{
	const struct tlsdecode_span sp[] = {k->random, k->point, k->params, k->signature};

	if (k->nshares > TLSDECODE_MAX_SHARES)
		abort();
	for (size_t i = 0; i < sizeof sp / sizeof sp[0]; i++)
		if (sp[i].off > size || sp[i].len > size - sp[i].off)
			abort();
	for (size_t i = 0; i < k->nshares; i++)
		if (k->share[i].key.off > size || k->share[i].key.len > size - k->share[i].key.off)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* see libFuzzer: one input through every decoder. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evlog log;
	struct event *ev;
	char line[200];

	evlog_init(&log);
	for (int i = 0; i < 4; i++) {
		struct tlsdecode_ctx ctx = {.tls13 = i & 1, .kex_ecdhe = i >> 1};

		struct tlsdecode_keys k1, k2;
		int rc;

		ev = evlog_add(&log, EV_TLS_HANDSHAKE_UNKNOWN, ACTOR_CLIENT, DIR_C2S, data, size, "f");
		if (ev != NULL) {
			rc = tlsdecode_handshake_keys(ev, &ctx, &k1);
			check(ev, rc);
			check_keys(&k1, size);
			if (tlsdecode_keys(data, size, &ctx, &k2) != rc || memcmp(&k1, &k2, sizeof k1) != 0)
				abort();
		}
		if (tlsdecode_summary(data, size, &ctx, line, sizeof line) < -1 ||
		    strlen(line) >= sizeof line)
			abort();
	}
	/* the input as the ClientHello a server's answer is explained against
	 * (hellopeek walks it), and as the answer itself */
	{
		struct tlsdecode_ctx ctx = {.client_hello = data, .client_hello_len = size};
		uint16_t groups[16];
		char alpn[64];

		ev = evlog_add(&log, EV_TLS_HANDSHAKE_UNKNOWN, ACTOR_SERVER, DIR_S2C, data, size, "f");
		if (ev != NULL)
			check(ev, tlsdecode_handshake(ev, &ctx));
		if (hellopeek_share_groups(data, size, groups, 16) > 16 ||
		    hellopeek_alpn(data, size, alpn, sizeof alpn) < 0 || strlen(alpn) >= sizeof alpn)
			abort();
	}
	/* no suite, then one of each record layout (GCM, ChaCha20, CBC MtE
	 * and EtM, TLS 1.3, a suite not decoded) */
	static const struct tlsdecode_rec recs[] = {
		{0, 0, 0},      {1, 0, 0},      {0, 0x009c, 0}, {0, 0xcca8, 0},
		{0, 0x002f, 0}, {0, 0xc028, 1}, {1, 0x1301, 0}, {1, 0x1303, 0},
		{0, 0x000a, 0}, {1, 0x009c, 0},
	};
	for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++) {
		ev = evlog_add(&log, EV_TLS_APPLICATION_DATA, ACTOR_CLIENT, DIR_C2S, data, size, "f");
		if (ev != NULL)
			check(ev, tlsdecode_record(ev, &recs[i]));
	}
	ev = evlog_add(&log, EV_TLS_CHANGE_CIPHER_SPEC, ACTOR_CLIENT, DIR_C2S, data, size, "f");
	if (ev != NULL)
		check(ev, tlsdecode_ccs(ev));
	ev = evlog_add(&log, EV_TLS_ALERT, ACTOR_CLIENT, DIR_C2S, data, size, "f");
	if (ev != NULL)
		check(ev, tlsdecode_alert(ev));
	if (size > 0)
		(void)tlsdecode_handshake_event(data[0]);
	{
		static const uint16_t ids[] = {0x009c, 0xc030, 0xcca8, 0x002f, 0xc028, 0x1301, 0x1303};
		static const uint8_t key[32], iv[12], mac[48];
		uint8_t *out = malloc(size + 1);
		struct recordcrypt_result res;

		for (size_t i = 0; out != NULL && i < sizeof ids / sizeof ids[0]; i++)
			for (int etm = 0; etm < 2; etm++) {
				size_t olen = size + 1;
				const struct recordcrypt_suite *su = recordcrypt_suite(ids[i]);

				if (recordcrypt_open(su, su->tls13, etm, key, iv, mac, 1, data, size, out, &olen, &res) == 0 &&
				    olen > size)
					abort();
				ev = evlog_add(&log, EV_KEX_RECORD_DECRYPT, ACTOR_CLIENT, DIR_LOCAL, NULL, 0, "f");
				if (ev != NULL)
					recordcrypt_fields(ev, &res, data, size);
			}
		free(out);
	}
	(void)recordcrypt_hello_etm(data, size);
	ev = evlog_add(&log, EV_TLS_SERVER_HELLO, ACTOR_SERVER, DIR_S2C, data, size, "f");
	if (ev != NULL)
		(void)tlsdecode_offer_rank(ev, data, size);
	{
		struct tlserror_ctx tc = {.reason = size > 1 ? data[0] << 8 | data[1] : 0, .first = data,
					  .first_len = size, .last_header = size >= 5 ? data : NULL,
					  .agreed_version = 0x0303, .openssl_text = "x"};

		if (tlserror_explain(&tc, line, sizeof line) > TLSERROR_LOCAL || strlen(line) >= sizeof line)
			abort();
		tc.reason = 267; /* wrong version number: reads the bytes */
		(void)tlserror_explain(&tc, line, sizeof line);
	}
	evlog_clear(&log);
	return 0;
}
