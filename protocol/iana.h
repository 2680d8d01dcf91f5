/* The TLS code point registries, one table each, in one place.
 *
 * Every number a TLS message carries in a registered field (cipher suite,
 * extension, named group, signature scheme, alert, handshake type,
 * certificate compression algorithm, PSK mode, ...) is named here, as the
 * IANA "Transport Layer Security (TLS) Parameters" and "TLS Extensions"
 * registries name it.  The decoder (tlsdecode), the key exchange views
 * (kexview) and the lessons read their names from these tables.
 *
 * A value is one of:
 *   assigned      in the IANA registry: its registry name;
 *   GREASE        RFC 8701 reserved values (0x0a0a, 0x1a1a ... 0xfafa and,
 *                 for PSK modes, 0x0b, 0x2a ... 0xe4): named "GREASE";
 *   experimental  sent by real clients but not (yet) in the registry (a
 *                 draft's or a browser's code point): its draft name, and a
 *                 note saying it is not an IANA assignment;
 *   unassigned    none of these: shown as "unassigned" with its number.
 * This header includes no OpenSSL. */
#ifndef HTTPSVIZ_IANA_H
#define HTTPSVIZ_IANA_H

#include <stddef.h>

enum iana_registry {
	IANA_CIPHER_SUITE,     /* TLS Cipher Suites */
	IANA_EXTENSION,        /* TLS ExtensionType Values */
	IANA_GROUP,            /* TLS Supported Groups */
	IANA_SIGSCHEME,        /* TLS SignatureScheme */
	IANA_ALERT,            /* TLS Alerts */
	IANA_HANDSHAKE,        /* TLS HandshakeType */
	IANA_CERT_COMPRESSION, /* TLS Certificate Compression Algorithm IDs */
	IANA_PSK_MODE,         /* TLS PskKeyExchangeMode */
	IANA_EC_POINT_FORMAT,  /* TLS EC Point Formats */
	IANA_CONTENT_TYPE,     /* TLS ContentType */
	IANA_VERSION,          /* protocol versions (RFC 8446 §4.2.1) */
	IANA_CERT_TYPE,        /* TLS ClientCertificateType Identifiers */
	IANA_HPKE_KDF,         /* HPKE KDF Identifiers (RFC 9180), used by ECH */
	IANA_HPKE_AEAD,        /* HPKE AEAD Identifiers (RFC 9180), used by ECH */
	IANA__COUNT
};

enum iana_status { IANA_UNASSIGNED, IANA_ASSIGNED, IANA_GREASE, IANA_EXPERIMENTAL };

/* What a registry says of one value. */
struct iana_info {
	enum iana_status status;
	const char *name;  /* registry name, "GREASE", the draft's name, or "unassigned" */
	const char *note;  /* teaching text for notable values, or NULL */
};

/* Look v up in registry r.  Never fails: an unknown value is unassigned. */
struct iana_info iana_lookup(enum iana_registry r, unsigned v);

/* The name of v in r, or NULL when v is unassigned (GREASE is "GREASE"). */
const char *iana_name(enum iana_registry r, unsigned v);

/* "x25519 (0x001d)", "GREASE (0x0a0a)", "unassigned (0x1234)": the value's
 * name and its number in the field's width (hex digits: 2 or 4; alerts and
 * handshake types in decimal).  Returns buf (always NUL-terminated). */
const char *iana_format(enum iana_registry r, unsigned v, char *buf, size_t n);

/* The registry's title, e.g. "TLS Supported Groups". */
const char *iana_registry_title(enum iana_registry r);

/* The RFC 8446 struct name of a handshake type ("ClientHello"), or NULL. */
const char *iana_handshake_struct(unsigned hs_type);

/* Whether v is an RFC 8701 GREASE value in registry r. */
int iana_is_grease(enum iana_registry r, unsigned v);

/* What GREASE is, said once per message. */
const char *iana_grease_note(void);

/* The number of entries in r's table (for tests). */
size_t iana_count(enum iana_registry r);
/* Entry i of r's table: its value into *v; NULL past the end (for tests). */
const char *iana_entry(enum iana_registry r, size_t i, unsigned *v);

#endif
