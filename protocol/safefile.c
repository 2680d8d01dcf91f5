#include "protocol/safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* see safefile.h */
int safefile_create(const char *path, mode_t mode, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	/* O_NOFOLLOW: a symlink as the last component fails with ELOOP;
	 * O_NONBLOCK: opening a planted FIFO does not hang */
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode);
	if (fd < 0) {
		if (errno == ELOOP)
			snprintf(err, errlen, "it is a symbolic link; refusing to write through it");
		else if (errno == ENXIO)
			snprintf(err, errlen, "it is not a regular file (a FIFO without a reader, or a socket)");
		else
			snprintf(err, errlen, "cannot create it: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot inspect it: %s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "it is not a regular file");
		goto fail;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "it belongs to another user (uid %u); refusing to write into it",
			 (unsigned)st.st_uid);
		goto fail;
	}
	if (st.st_nlink > 1) {
		snprintf(err, errlen, "it has %lu hard links; refusing to write into it", (unsigned long)st.st_nlink);
		goto fail;
	}
	if (fchmod(fd, mode) < 0 || ftruncate(fd, 0) < 0) {
		snprintf(err, errlen, "cannot reset it: %s", strerror(errno));
		goto fail;
	}
	/* back to blocking writes */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		snprintf(err, errlen, "fcntl: %s", strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}
