/* Finding lesson files in the share directory, the user's data directory
 * and ./lessons. */
#include "lessons/lessondir.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lessons/lesson.h"
#include "protocol/sanitize.h"

#ifndef HTTPSVIZ_SHAREDIR
#define HTTPSVIZ_SHAREDIR "/usr/local/share/httpsviz"
#endif

#define SUFFIX ".lesson"
#define MAX_DIRS LESSONDIR_MAX_DIRS
#define MAX_LESSONS 500

/* A new string "a/b" (b may be NULL). */
static char *join(const char *a, const char *b)
{
	char *s = NULL;

	if (asprintf(&s, "%s%s%s", a, b ? "/" : "", b ? b : "") < 0)
		return NULL;
	return s;
}

/* The parent of the directory holding the running program (a new string:
 * "/opt/x" for /opt/x/bin/httpsviz), or NULL. */
static char *exe_parent(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	for (int i = 0; i < 2; i++) {
		slash = strrchr(buf, '/');
		if (slash == NULL || slash == buf)
			return NULL;
		*slash = '\0';
	}
	return strdup(buf);
}

/* Add path to dirs unless it is NULL or already there (then it is freed). */
static void add_dir(char **dirs, size_t *n, size_t max, char *path)
{
	for (size_t i = 0; path != NULL && i < *n; i++) {
		if (strcmp(dirs[i], path) == 0) {
			free(path);
			return;
		}
	}
	if (path != NULL && *n < max)
		dirs[(*n)++] = path;
	else
		free(path);
}

/* see lessondir.h */
size_t lessondir_dirs(char **dirs, size_t max)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char *top = exe_parent();
	size_t n = 0;

	/* next to the program first, so an installed copy finds its own
	 * lessons whatever PREFIX it was built with (PREFIX/bin/httpsviz ->
	 * PREFIX/share/httpsviz/lessons; build/httpsviz -> lessons/ of the
	 * checkout) */
	if (top != NULL) {
		add_dir(dirs, &n, max, join(top, "share/httpsviz/lessons"));
		add_dir(dirs, &n, max, join(top, "lessons"));
		free(top);
	}
	add_dir(dirs, &n, max, join(HTTPSVIZ_SHAREDIR, "lessons"));
	if (xdg != NULL && xdg[0] == '/')
		add_dir(dirs, &n, max, join(xdg, "httpsviz/lessons"));
	else if (home != NULL && home[0] != '\0')
		add_dir(dirs, &n, max, join(home, ".local/share/httpsviz/lessons"));
	add_dir(dirs, &n, max, join("lessons", NULL));
	return n;
}

/* 1 when path is an existing regular file. */
static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* 1 when a file name ends in ".lesson" and has something before it. */
static int is_lesson_name(const char *f)
{
	size_t n = strlen(f);

	return n > strlen(SUFFIX) && strcmp(f + n - strlen(SUFFIX), SUFFIX) == 0 && f[0] != '.';
}

/* 1 when the lesson called base (no suffix) answers to the name asked:
 * itself, itself without an "NN-" prefix, or the number alone. */
static int name_matches(const char *base, const char *asked)
{
	size_t d = 0;

	if (strcmp(base, asked) == 0)
		return 1;
	while (base[d] >= '0' && base[d] <= '9')
		d++;
	if (d == 0 || base[d] != '-')
		return 0;
	if (strcmp(base + d + 1, asked) == 0)
		return 1;
	/* "2" or "02" for "02-..." */
	if (asked[0] != '\0' && strspn(asked, "0123456789") == strlen(asked))
		return strtol(asked, NULL, 10) == strtol(base, NULL, 10);
	return 0;
}

/* see lessondir.h */
char *lessondir_find(const char *name)
{
	char *dirs[MAX_DIRS];
	size_t nd;
	char *found = NULL;

	if (name == NULL || name[0] == '\0')
		return NULL;
	if (strchr(name, '/') != NULL || is_lesson_name(name)) {
		if (is_file(name))
			return strdup(name);
		if (strchr(name, '/') != NULL)
			return NULL;
	}
	nd = lessondir_dirs(dirs, MAX_DIRS);
	for (size_t i = 0; i < nd && found == NULL; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;
		char *best = NULL;

		if (d == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			char base[256];
			size_t n = strlen(de->d_name);

			if (!is_lesson_name(de->d_name) || n >= sizeof base)
				continue;
			memcpy(base, de->d_name, n - strlen(SUFFIX));
			base[n - strlen(SUFFIX)] = '\0';
			if (!name_matches(base, name) && strcmp(de->d_name, name) != 0)
				continue;
			/* readdir order is arbitrary: take the smallest name */
			if (best == NULL || strcmp(de->d_name, best) < 0) {
				free(best);
				best = strdup(de->d_name);
			}
		}
		closedir(d);
		if (best != NULL) {
			found = join(dirs[i], best);
			free(best);
			if (found != NULL && !is_file(found)) {
				free(found);
				found = NULL;
			}
		}
	}
	for (size_t i = 0; i < nd; i++)
		free(dirs[i]);
	return found;
}

/* 1 when a and b are the same file (whatever path reaches it). */
static int same_file(const char *a, const char *b)
{
	struct stat sa;
	struct stat sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* see lessondir.h */
char *lessondir_saved_name(const char *chosen)
{
	char *found = lessondir_find(chosen);
	char *path = found != NULL ? realpath(found, NULL) : NULL; /* a link: its file's name */
	char *own = NULL;
	char *name = NULL;
	const char *base;
	size_t n;

	if (path == NULL)
		goto out;
	base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	n = strlen(base);
	if (!is_lesson_name(base))
		goto out;
	name = strndup(base, n - strlen(SUFFIX));
	if (name == NULL)
		goto out;
	/* its name must find this very file, not another of that name */
	own = lessondir_find(name);
	if (own == NULL || !same_file(own, path)) {
		free(name);
		name = NULL;
	}
out:
	free(found);
	free(path);
	free(own);
	return name != NULL ? name : strdup(chosen);
}

/* Order entries by name. */
static int entry_cmp(const void *a, const void *b)
{
	const struct lessondir_entry *x = a;
	const struct lessondir_entry *y = b;

	return strcmp(x->name, y->name);
}

/* Fill an entry's title and description by parsing its file. */
static int entry_describe(struct lessondir_entry *e)
{
	struct lesson *l = lesson_load(e->path, NULL);

	e->title = strdup(l != NULL && l->title ? l->title : "");
	e->description = strdup(l != NULL && l->description ? l->description
							     : "(this lesson has problems: run 'httpsviz lesson check')");
	lesson_free(l);
	return e->title != NULL && e->description != NULL ? 0 : -1;
}

/* see lessondir.h */
long lessondir_list(struct lessondir_entry **out)
{
	char *dirs[MAX_DIRS];
	size_t nd = lessondir_dirs(dirs, MAX_DIRS);
	struct lessondir_entry *list = NULL;
	size_t n = 0;
	int rc = 0;

	*out = NULL;
	for (size_t i = 0; i < nd && rc == 0; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;

		if (d == NULL)
			continue;
		while (rc == 0 && n < MAX_LESSONS && (de = readdir(d)) != NULL) {
			struct lessondir_entry *e;
			size_t len = strlen(de->d_name) - strlen(SUFFIX);
			char *name;
			int dup = 0;

			if (!is_lesson_name(de->d_name))
				continue;
			name = sanitize_bytes(de->d_name, len);
			if (name == NULL) {
				rc = -1;
				break;
			}
			for (size_t k = 0; k < n && !dup; k++)
				dup = strcmp(list[k].name, name) == 0;
			if (dup) {
				free(name);
				continue;
			}
			e = realloc(list, (n + 1) * sizeof *e);
			if (e == NULL) {
				free(name);
				rc = -1;
				break;
			}
			list = e;
			e = &list[n++];
			memset(e, 0, sizeof *e);
			e->name = name;
			e->path = join(dirs[i], de->d_name);
			if (e->path == NULL || entry_describe(e) != 0)
				rc = -1;
		}
		closedir(d);
	}
	for (size_t i = 0; i < nd; i++)
		free(dirs[i]);
	if (rc != 0) {
		lessondir_free(list, n);
		return -1;
	}
	if (n > 1)
		qsort(list, n, sizeof *list, entry_cmp);
	*out = list;
	return (long)n;
}

/* see lessondir.h */
void lessondir_free(struct lessondir_entry *list, size_t n)
{
	for (size_t i = 0; list != NULL && i < n; i++) {
		free(list[i].name);
		free(list[i].path);
		free(list[i].title);
		free(list[i].description);
	}
	free(list);
}

/* see lessondir.h */
void lessondir_where(char *buf, size_t size)
{
	char *dirs[MAX_DIRS];
	size_t nd = lessondir_dirs(dirs, MAX_DIRS);
	size_t used = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	char cwd[1024];
	int have_cwd = getcwd(cwd, sizeof cwd) != NULL;

	for (size_t i = 0; i < nd; i++) {
		if (used < size) {
			/* a relative one (./lessons) as the place it is */
			int rel = dirs[i][0] != '/' && have_cwd;
			int k = snprintf(buf + used, size - used, "%s%s%s%s", i > 0 ? ", " : "", rel ? cwd : "",
					 rel ? "/" : "", dirs[i]);

			used += k > 0 ? (size_t)k : 0;
		}
		free(dirs[i]);
	}
}
