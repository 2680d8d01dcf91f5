#include "protocol/capture.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

/* see capture.h */
int capture_blob_append(struct capture_blob *b, const void *p, size_t n)
{
	if (n > SIZE_MAX / 2 - b->len)
		return -1;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 512;
		uint8_t *grown;

		while (cap < b->len + n)
			cap *= 2;
		grown = realloc(b->p, cap);
		if (grown == NULL)
			return -1;
		b->p = grown;
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

/* see capture.h */
void capture_blob_free(struct capture_blob *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

static int side_index(enum actor a)
{
	return a == ACTOR_CLIENT ? 0 : 1;
}

/* see capture.h */
void capture_init(struct capture *c)
{
	memset(c, 0, sizeof *c);
}

/* see capture.h */
void capture_free(struct capture *c)
{
	OPENSSL_cleanse(&c->ecdh, sizeof c->ecdh);
	EVP_PKEY_free(c->server_tmp_key);
	EVP_PKEY_free(c->server_cert_key);
	capture_blob_free(&c->transcript);
	for (int i = 0; i < 2; i++) {
		capture_blob_free(&c->wire[i]);
		capture_blob_free(&c->app_record[i]);
		capture_blob_free(&c->plaintext[i]);
	}
	memset(c, 0, sizeof *c);
}

/* see capture.h */
void capture_handshake(struct capture *c, enum actor sender, const void *msg, size_t len)
{
	size_t off = c->transcript.len;

	if (c->nmsgs >= CAPTURE_MAX_ITEMS || capture_blob_append(&c->transcript, msg, len) < 0)
		return;
	memset(&c->msgs[c->nmsgs], 0, sizeof c->msgs[c->nmsgs]);
	c->msgs[c->nmsgs].sender = sender;
	c->msgs[c->nmsgs].off = off;
	c->msgs[c->nmsgs].len = len;
	c->nmsgs++;
}

/* Decode a hex word of at most max bytes; returns its length or -1. */
static long unhex(const char *s, size_t n, uint8_t *out, size_t max)
{
	if (n % 2 != 0 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v = 0;

		for (int k = 0; k < 2; k++) {
			int ch = tolower((unsigned char)s[2 * i + (size_t)k]);

			if (!isxdigit(ch))
				return -1;
			v = v * 16 + (unsigned)(isdigit(ch) ? ch - '0' : ch - 'a' + 10);
		}
		out[i] = (uint8_t)v;
	}
	return (long)(n / 2);
}

/* see capture.h */
int capture_keylog_line(struct capture *c, enum actor who, const char *line, struct capture_secret *out)
{
	struct capture_secret s;
	size_t l1 = strcspn(line, " ");
	const char *w2;
	size_t l2;
	const char *w3;
	size_t l3;
	long n;

	memset(&s, 0, sizeof s);
	if (line[l1] != ' ' || l1 == 0 || l1 >= sizeof s.label)
		return -1;
	memcpy(s.label, line, l1);
	w2 = line + l1 + 1;
	l2 = strcspn(w2, " ");
	if (w2[l2] != ' ')
		return -1;
	w3 = w2 + l2 + 1;
	l3 = strcspn(w3, " \n");
	n = unhex(w2, l2, s.first, sizeof s.first);
	if (n < 0)
		return -1;
	s.first_len = (size_t)n;
	n = unhex(w3, l3, s.secret, sizeof s.secret);
	if (n < 0)
		return -1;
	s.secret_len = (size_t)n;
	s.who = who;
	if (c != NULL && c->nsecrets < CAPTURE_MAX_ITEMS)
		c->secrets[c->nsecrets++] = s;
	if (out != NULL)
		*out = s;
	return 0;
}

/* see capture.h */
void capture_wire(struct capture *c, enum actor sender, const void *p, size_t n)
{
	struct capture_blob *b = &c->wire[side_index(sender)];

	/* the views need the handshake and the first records, not a peer's
	 * endless stream */
	if (b->len >= CAPTURE_MAX_WIRE)
		return;
	capture_blob_append(b, p, n < CAPTURE_MAX_WIRE - b->len ? n : CAPTURE_MAX_WIRE - b->len);
}

/* see capture.h */
void capture_app_record(struct capture *c, enum actor sender, const void *p, size_t n)
{
	struct capture_blob *b = &c->app_record[side_index(sender)];

	if (b->len == 0)
		capture_blob_append(b, p, n);
}

/* see capture.h */
void capture_plaintext(struct capture *c, enum actor sender, const void *p, size_t n)
{
	struct capture_blob *b = &c->plaintext[side_index(sender)];

	b->len = 0;
	capture_blob_append(b, p, n);
}

/* see capture.h */
const struct capture_secret *capture_find_secret(const struct capture *c, enum actor who, const char *label)
{
	for (size_t i = 0; i < c->nsecrets; i++)
		if (c->secrets[i].who == who && strcmp(c->secrets[i].label, label) == 0)
			return &c->secrets[i];
	return NULL;
}

/* see capture.h */
const struct capture_msg *capture_find_msg(const struct capture *c, enum actor sender, uint8_t type)
{
	for (size_t i = 0; i < c->nmsgs; i++)
		if (c->msgs[i].sender == sender && c->transcript.p[c->msgs[i].off] == type)
			return &c->msgs[i];
	return NULL;
}

/* see capture.h */
const struct tlsdecode_keys *capture_msg_keys(struct capture *c, struct capture_msg *m,
					      const struct tlsdecode_ctx *ctx)
{
	int tls13 = ctx != NULL && ctx->tls13;
	int ecdhe = ctx != NULL && ctx->kex_ecdhe;

	/* kept from another context (a ClientKeyExchange reads differently
	 * for RSA and ECDHE): decoded again with this one */
	if (m->keys_state == 0 || m->keys_tls13 != tls13 || m->keys_ecdhe != ecdhe) {
		m->keys_state = tlsdecode_keys(c->transcript.p + m->off, m->len, ctx, &m->keys) == 0 ? 1 : -1;
		m->keys_tls13 = tls13;
		m->keys_ecdhe = ecdhe;
	}
	return m->keys_state > 0 ? &m->keys : NULL;
}

/* see capture.h */
void capture_keep_keys(struct capture *c, const void *msg, size_t len, const struct tlsdecode_keys *keys, int rc,
		       const struct tlsdecode_ctx *ctx)
{
	struct capture_msg *m = c->nmsgs > 0 ? &c->msgs[c->nmsgs - 1] : NULL;

	if (m == NULL || m->keys_state != 0 || m->len != len || memcmp(c->transcript.p + m->off, msg, len) != 0)
		return;
	m->keys = *keys;
	m->keys_state = rc == 0 ? 1 : -1;
	m->keys_tls13 = ctx != NULL && ctx->tls13;
	m->keys_ecdhe = ctx != NULL && ctx->kex_ecdhe;
}

/* see capture.h */
const uint8_t *capture_client_hello(const struct capture *c, size_t *len)
{
	for (size_t i = 0; i < c->nmsgs; i++) {
		const struct capture_msg *m = &c->msgs[i];

		if (m->sender != ACTOR_CLIENT || m->len < 4 || m->off + m->len > c->transcript.len ||
		    c->transcript.p[m->off] != 1)
			continue;
		*len = m->len;
		return c->transcript.p + m->off;
	}
	*len = 0;
	return NULL;
}

/* The members a mark keeps: the same name and type in struct capture and in
 * struct capture_mark, listed once for both directions. */
#define MARKED(X)                                                                                                      \
	X(nmsgs) X(nsecrets) X(version) X(cipher_id) X(server_tmp_key) X(server_cert_key) X(master) X(master_len)     \
	X(client_finished) X(client_finished_len) X(server_finished) X(server_finished_len)
#define SAME_SIZE(f) _Static_assert(sizeof((struct capture *)0)->f == sizeof((struct capture_mark *)0)->f, #f);
MARKED(SAME_SIZE)
#define TO_MARK(f) memcpy(&m->f, &c->f, sizeof m->f);
#define TO_CAPTURE(f) memcpy(&c->f, &m->f, sizeof c->f);

/* see capture.h */
void capture_mark(const struct capture *c, struct capture_mark *m)
{
	MARKED(TO_MARK)
}

/* see capture.h */
void capture_swap_mark(struct capture *c, struct capture_mark *m)
{
	struct capture_mark now;

	capture_mark(c, &now);
	MARKED(TO_CAPTURE)
	*m = now;
	OPENSSL_cleanse(&now, sizeof now);
}
