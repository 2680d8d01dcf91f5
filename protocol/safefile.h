/* Files httpsviz writes (--keylog, --pcap, --ca-out) are created so that a
 * planted symbolic link, or a file someone else prepared, cannot redirect
 * or expose what is written: in a shared directory (/tmp) an attacker could
 * otherwise make httpsviz overwrite a file of its choice with secrets, or
 * read a key log through a file it created beforehand. */
#ifndef HTTPSVIZ_SAFEFILE_H
#define HTTPSVIZ_SAFEFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Open path for writing, created with `mode` or emptied when it exists.
 * Refused: a symbolic link (even one pointing to a file of ours), anything
 * but a regular file (a FIFO, a device), a file owned by another user, a
 * file with other hard links.  An existing file gets `mode` (it may have
 * been readable by others).  Returns the descriptor (close-on-exec), or -1
 * with a reason in err that does not repeat the path. */
int safefile_create(const char *path, mode_t mode, char *err, size_t errlen);

#endif
