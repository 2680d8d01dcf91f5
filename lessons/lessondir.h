/* Finding lesson files: the installed share directory, the user's data
 * directory, ./lessons, or a teacher's own file by path. */
#ifndef HTTPSVIZ_LESSONDIR_H
#define HTTPSVIZ_LESSONDIR_H

#include <stddef.h>

struct lessondir_entry {
	char *name;             /* file name without ".lesson", e.g. "01-https-stack" */
	char *path;
	char *title;            /* sanitised; "" when the file does not parse */
	char *description;
};

/* At most this many directories are searched. */
#define LESSONDIR_MAX_DIRS 6

/* The directories searched, in order: TOP/share/httpsviz/lessons and
 * TOP/lessons, TOP being the parent of the running program's directory (so
 * an installed PREFIX/bin/httpsviz finds its lessons whatever PREFIX the
 * build was made with, and a checkout's build/httpsviz its lessons/), HTTPSVIZ_SHAREDIR "/lessons",
 * $XDG_DATA_HOME/httpsviz/lessons (default ~/.local/share/...), ./lessons.
 * Fills up to max paths (new strings, no repeats), returns how many. */
size_t lessondir_dirs(char **dirs, size_t max);
/* The directories searched, as one line "A, B, C" into buf (cut to size). */
void lessondir_where(char *buf, size_t size);
/* Every *.lesson in those directories (a name found earlier wins), sorted
 * by name.  Returns the count and a new array in *out (free with
 * lessondir_free), or -1 when out of memory. */
long lessondir_list(struct lessondir_entry **out);
void lessondir_free(struct lessondir_entry *list, size_t n);
/* The file for NAME: a path when it names an existing file (contains '/' or
 * ends in ".lesson"), else the first "NAME.lesson" in the directories above;
 * NAME may also omit the "NN-" prefix ("tcp-handshake") or be only the
 * number ("2" or "02").  Returns a new string or NULL. */
char *lessondir_find(const char *name);
/* How a saved run names the lesson chosen as `chosen` (a name, a number, a
 * path, or the path the menu found): a lesson that its own name finds in
 * the directories above (one httpsviz ships, or the user's) by that name,
 * "05-rsa-key-exchange", so another install finds its copy; any other file
 * (a teacher's own, or a copy that differs from the one of that name) by
 * chosen as given.  Returns a new string or NULL (out of memory). */
char *lessondir_saved_name(const char *chosen);

#endif
