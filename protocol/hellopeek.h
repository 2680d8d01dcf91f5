/* Read what a ClientHello offered, to explain the server's answer to it.
 *
 * The ServerHello and EncryptedExtensions only make sense next to the
 * ClientHello they answer ("the server chose x25519, the client's second
 * share").  hellopeek walks a whole ClientHello (handshake header
 * included) bounds-checked and finds one extension's body. */
#ifndef HTTPSVIZ_HELLOPEEK_H
#define HTTPSVIZ_HELLOPEEK_H

#include <stddef.h>
#include <stdint.h>

/* The body of extension type in the ClientHello ch[0..len): 0 with *body
 * and *blen set, or -1 when ch is no well-formed ClientHello or lacks it. */
int hellopeek_ext(const uint8_t *ch, size_t len, uint16_t type, const uint8_t **body, size_t *blen);

/* The groups of the ClientHello's key_share entries, in order, into
 * groups[0..max); their count (0 when there is no key_share). */
size_t hellopeek_share_groups(const uint8_t *ch, size_t len, uint16_t *groups, size_t max);

/* The ALPN protocol names the ClientHello offered, "h2, http/1.1" into buf
 * (bytes outside printable ASCII as '?'); their count, 0 without ALPN. */
int hellopeek_alpn(const uint8_t *ch, size_t len, char *buf, size_t n);

#endif
