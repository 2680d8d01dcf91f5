/* httpsviz bench: complete exchanges (TCP + TLS + GET + response + close)
 * with all instrumentation on, against bare OpenSSL exchanges on the same
 * kind of sockets with the same ciphers, interleaved in one run. */
#ifndef HTTPSVIZ_BENCH_H
#define HTTPSVIZ_BENCH_H

#include "app/cli.h"

/* Run opt->bench_n exchanges of each variant and print the medians,
 * exchanges per second and the ratios.  Returns an exit status. */
int bench_run(const struct options *opt);
/* Only the exchanges part: opt->bench_n of each variant, interleaved. */
int bench_exchanges(const struct options *opt);

#endif
