#include "tests/unit/testutil.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "protocol/safefile.h"

static char dir[] = "/tmp/httpsviz-safefile-XXXXXX";

static void path(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
}

static void put(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_creates_with_mode(void **state)
{
	char p[256], err[160];
	struct stat st;
	int fd;

	(void)state;
	path(p, sizeof p, "new");
	fd = safefile_create(p, 0600, err, sizeof err);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* an existing file of ours, readable by all: emptied, made 0600 */
	path(p, sizeof p, "old");
	put(p, "old secrets");
	chmod(p, 0644);
	fd = safefile_create(p, 0600, err, sizeof err);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 0);
}

static void test_refuses(void **state)
{
	char p[256], target[256], err[160];
	struct stat st;

	(void)state;
	path(target, sizeof target, "victim");
	put(target, "precious");
	/* a symbolic link, to a file of ours or to nothing yet */
	path(p, sizeof p, "link");
	assert_int_equal(symlink(target, p), 0);
	assert_int_equal(safefile_create(p, 0600, err, sizeof err), -1);
	assert_non_null(strstr(err, "symbolic link"));
	path(p, sizeof p, "dangling");
	assert_int_equal(symlink("/tmp/httpsviz-safefile-never-created", p), 0);
	assert_int_equal(safefile_create(p, 0600, err, sizeof err), -1);
	assert_int_equal(access("/tmp/httpsviz-safefile-never-created", F_OK), -1);
	/* a second name of the same file */
	path(p, sizeof p, "hard");
	assert_int_equal(link(target, p), 0);
	assert_int_equal(safefile_create(p, 0600, err, sizeof err), -1);
	assert_non_null(strstr(err, "hard links"));
	/* a FIFO: refused at once, not a hang */
	path(p, sizeof p, "fifo");
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(safefile_create(p, 0600, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a regular file"));
	/* a directory that does not exist: the reason, not the path */
	assert_int_equal(safefile_create("/nonexistent-dir/x", 0600, err, sizeof err), -1);
	assert_string_equal(err, "cannot create it: No such file or directory");
	/* nothing was written through any of them */
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_size, 8);
}

static void test_other_owner(void **state)
{
	char p[256], err[160];

	(void)state;
	if (geteuid() != 0)
		skip(); /* only root can make a file of another user here */
	path(p, sizeof p, "theirs");
	put(p, "theirs");
	assert_int_equal(chown(p, 65534, 65534), 0);
	assert_int_equal(safefile_create(p, 0600, err, sizeof err), -1);
	assert_non_null(strstr(err, "belongs to another user"));
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_creates_with_mode),
		cmocka_unit_test(test_refuses),
		cmocka_unit_test(test_other_owner),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
