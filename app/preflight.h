/* Checks of the files named on the command line, before anything runs: a
 * file that cannot be read or written safely is a usage error (exit 2),
 * reported once with its option and path, instead of a failure halfway
 * through an exchange. */
#ifndef HTTPSVIZ_PREFLIGHT_H
#define HTTPSVIZ_PREFLIGHT_H

#include "app/cli.h"

/* --cafile must be a readable regular file holding at least one PEM
 * certificate; --keylog, --pcap and --ca-out (serve) are created as
 * safefile_create does (no symbolic link, no file of another user).
 * Returns 0, or EXIT_USAGE after one line on stderr. */
int preflight_files(const struct options *opt);

#endif
