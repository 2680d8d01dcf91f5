#include "tests/unit/testutil.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/cli.h"

/* Parse a command line given as one string of space-separated words. */
static int parse(const char *line, struct options *opt)
{
	static char buf[4096];
	char *argv[64];
	int argc = 0;

	snprintf(buf, sizeof buf, "httpsviz %s", line);
	for (char *t = strtok(buf, " "); t != NULL && argc < 63; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	return cli_parse(argc, argv, opt);
}

static void test_options_apply_where_given(void **state)
{
	static const char *const ok[] = {
		"--trace --kex ecdhe", "connect example.org --cafile ca.pem --trace", "serve --tls 1.3 --json",
		"serve --listen 0.0.0.0:8443 --max-clients 2 --timeout 100", "--ascii --explore",
		"connect example.org --path /a?b=%20", "--trace -v", "serve --listen [::1]:0",
		"serve --listen :8443", "serve --listen localhost:0", "bench 3 --no-pcap", "--help --ascii",
		"replay r.jsonl", "replay r.jsonl --trace -v --lesson 03-hello --no-questions",
		"replay r.jsonl --json", "replay r.jsonl --ascii --projector --no-color --lesson x",
		"export r.jsonl --format html -o out.html", "export r.jsonl --export text",
		"--export html --save-secrets --save s.jsonl -o x.html",
	};
	static const char *const bad[] = {
		"connect example.org --scenario expired", "--cafile ca.pem --trace",
		"serve --cafile ca.pem", "serve --path /x", "serve --pcap p", "serve --insecure", "--trace --ascii",
		"--json --projector", "-v", "--json -v", "--listen :1 --trace", "--trace --ca-out x",
		"--max-clients 3", "bench --pcap p", "lessons --trace", "lessons --ascii",
		"serve --listen 1.2.3", "serve --listen 1.2.3:80", "serve --listen 127.0.0.1:99999",
		"serve --listen 127.0.0.1:-1", "serve --listen [::1:80", "serve --listen [zz]:80",
		"serve --listen bad_host:80",
		/* a saved run: only what changes how it is shown */
		"export r.jsonl --format text --lesson 03-hello", "export r.jsonl --format text --ascii",
		"export r.jsonl --format text --no-questions", "export r.jsonl --format text --save-secrets",
		"export r.jsonl --format text --projector", "export r.jsonl --format text --no-color",
		"export r.jsonl --format text --explore", "export r.jsonl --format text --max-clients 2",
		"export r.jsonl --format text --listen :1", "export r.jsonl --format text -v",
		"export r.jsonl --format text --json", "export r.jsonl --format text --tls 1.3",
		"replay r.jsonl --explore", "replay r.jsonl --trace --ascii", "replay r.jsonl --json -v",
		"replay r.jsonl --json --lesson 03-hello", "replay r.jsonl --save-secrets", "replay r.jsonl -o x",
		"replay r.jsonl --format text", "replay r.jsonl --name x", "replay r.jsonl --cert c --key k",
		"serve --format html", "bench --save s.jsonl", "bench --export text",
	};
	struct options opt;

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (parse(ok[i], &opt) != 0)
			fail_msg("refused: %s", ok[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (parse(bad[i], &opt) != -1)
			fail_msg("accepted: %s", bad[i]);
}

/* A misplaced option's error names it and the command it does not apply to. */
static void test_misplaced_message(void **state)
{
	struct options opt;
	char out[512];
	FILE *f = tmpfile();
	int saved = dup(2);

	(void)state;
	assert_non_null(f);
	fflush(stderr);
	dup2(fileno(f), 2);
	assert_int_equal(parse("export r.jsonl --format text --lesson 03-hello", &opt), -1);
	assert_int_equal(parse("export r.jsonl --format text --ascii", &opt), -1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	out[fread(out, 1, sizeof out - 1, f)] = '\0';
	fclose(f);
	assert_non_null(strstr(out, "httpsviz: --lesson does not apply to export"));
	assert_non_null(strstr(out, "httpsviz: --ascii does not apply to export"));
}

static void test_path(void **state)
{
	struct options opt;
	char line[2200];

	(void)state;
	assert_int_equal(parse("--trace --path /ok/%7e", &opt), 0);
	assert_string_equal(opt.cfg.path, "/ok/%7e");
	assert_int_equal(parse("--trace --path /a\x1b" "b", &opt), -1);
	assert_int_equal(parse("--trace --path /a\x7f", &opt), -1);
	assert_int_equal(parse("--trace --path /a\xff", &opt), -1);
	assert_int_equal(parse("--trace --path nope", &opt), -1);
	snprintf(line, sizeof line, "--trace --path /%01100d", 0);
	assert_int_equal(parse(line, &opt), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_apply_where_given),
		cmocka_unit_test(test_misplaced_message),
		cmocka_unit_test(test_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
