#include "app/preflight.h"
#include "app/exitcode.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "protocol/safefile.h"
#include "protocol/sanitize.h"

/* One line on stderr: "httpsviz: OPTION PATH: why" (the path sanitised). */
static int refuse(const char *option, const char *path, const char *why)
{
	char *p = sanitize_bytes(path, strlen(path));

	fprintf(stderr, "httpsviz: %s %s: %s\n", option, p ? p : "?", why);
	free(p);
	return EXIT_USAGE;
}

/* The CA file: a regular file (not a FIFO that would block), readable,
 * with at least one certificate in PEM. */
static int check_cafile(const char *path)
{
	struct stat st;
	X509 *x = NULL;
	FILE *f;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return refuse("--cafile", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return refuse("--cafile", path, "not a regular file");
	}
	f = fdopen(fd, "r");
	if (f == NULL) {
		close(fd);
		return refuse("--cafile", path, strerror(errno));
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ERR_clear_error();
	if (x == NULL)
		return refuse("--cafile", path, "no PEM certificate in it (-----BEGIN CERTIFICATE-----)");
	X509_free(x);
	return 0;
}

static int check_output(const char *option, const char *path, mode_t mode)
{
	char why[160];
	int fd = safefile_create(path, mode, why, sizeof why);

	if (fd < 0)
		return refuse(option, path, why);
	close(fd);
	return 0;
}

/* see preflight.h */
int preflight_files(const struct options *opt)
{
	const struct engine_config *c = &opt->cfg;

	if (c->cafile != NULL && check_cafile(c->cafile) != 0)
		return EXIT_USAGE;
	if (c->keylog_file != NULL && check_output("--keylog", c->keylog_file, 0600) != 0)
		return EXIT_USAGE;
	if (c->pcap_file != NULL && check_output("--pcap", c->pcap_file, 0600) != 0)
		return EXIT_USAGE;
	if (opt->ca_out != NULL && check_output("--ca-out", opt->ca_out, 0644) != 0)
		return EXIT_USAGE;
	return 0;
}
