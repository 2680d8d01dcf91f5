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

/* The directories searched, in order: HTTPSVIZ_SHAREDIR "/lessons",
 * $XDG_DATA_HOME/httpsviz/lessons (default ~/.local/share/...), ./lessons.
 * Fills up to max paths (new strings), returns how many. */
size_t lessondir_dirs(char **dirs, size_t max);
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

#endif
