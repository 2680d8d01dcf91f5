/* Run options: what shapes one exchange and what a lesson may pin (the key
 * exchange, the TLS version, the certificate scenario, classic TLS 1.2).
 *
 * Plain data, no functions: protocol/engine.h takes its configuration's
 * types from here, and lessons/ reads and writes these without knowing the
 * engine.  This header includes no OpenSSL and no ncurses. */
#ifndef HTTPSVIZ_RUNOPTS_H
#define HTTPSVIZ_RUNOPTS_H

#include "protocol/scenario.h"

enum kex_mode { KEX_RSA, KEX_ECDHE };          /* TLS 1.2 key exchange */
enum tls_version { TLSV_12, TLSV_13 };

struct runopts {
	enum kex_mode kex;        /* TLS 1.2 only */
	enum tls_version tls;
	enum scenario scenario;
	int classic;              /* TLS 1.2 without extended master secret
				   * and encrypt-then-MAC */
};

#endif
