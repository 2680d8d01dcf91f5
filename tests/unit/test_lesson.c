/* Tests of the lesson parser, the run follower and lesson lookup. */
#include "tests/unit/testutil.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include "lessons/lesson.h"
#include "lessons/lessondir.h"

#define HEAD "title T\ndescription D\n"

/* Parse a string; returns the lesson or NULL with errors in errs. */
static struct lesson *parse(const char *s, struct lesson_errors *errs)
{
	return lesson_parse_buffer("t.lesson", s, strlen(s), errs);
}

/* Parse a string that must be valid. */
static struct lesson *parse_ok(const char *s)
{
	struct lesson *l = parse(s, NULL);

	assert_non_null(l);
	return l;
}

/* Assert that parsing fails with exactly one error whose text is want. */
static void expect_error(const char *src, const char *want)
{
	struct lesson_errors errs = {0};
	struct lesson *l = parse(src, &errs);

	assert_null(l);
	if (errs.n != 1 || strcmp(errs.e[0].text, want) != 0) {
		for (size_t i = 0; i < errs.n; i++)
			print_error("got: %s\n", errs.e[i].text);
		print_error("want: %s\n", want);
		fail();
	}
	lesson_errors_clear(&errs);
}

static void test_minimal(void **state)
{
	struct lesson_errors errs = {0};
	struct lesson *l;

	(void)state;
	l = parse("# a comment\n" HEAD "kex ecdhe\ntls 1.2\nscenario expired\nclassic on\n"
		  "\n  at tls.client_hello\n  highlight random\n  pause\n"
		  "  > Hello {tls.client_hello:random} there\n  > and more\n  >\n"
		  "  > - item\n  > new para\nend\n", &errs);
	assert_non_null(l);
	assert_int_equal(errs.n, 0);
	assert_string_equal(l->title, "T");
	assert_string_equal(l->description, "D");
	assert_int_equal(l->opts.set, LOPT_KEX | LOPT_TLS | LOPT_SCENARIO | LOPT_CLASSIC);
	assert_int_equal(l->opts.ro.kex, KEX_ECDHE);
	assert_int_equal(l->opts.ro.scenario, SCEN_EXPIRED);
	assert_int_equal(l->opts.ro.classic, 1);
	assert_int_equal(l->nsteps, 1);
	assert_int_equal(l->steps[0].line, 9);
	assert_int_equal(l->steps[0].at.name, EV_TLS_CLIENT_HELLO);
	assert_int_equal(l->steps[0].at.actor, -1);
	assert_int_equal(l->steps[0].pause, 1);
	assert_string_equal(l->steps[0].highlight, "random");
	assert_string_equal(l->steps[0].text,
			    "Hello {tls.client_hello:random} there and more\n\n- item new para");
	assert_int_equal(l->nrefs, 1);
	assert_string_equal(l->refs[0].field, "random");
	lesson_free(l);
}

static void test_options_into_config(void **state)
{
	struct lesson *l = parse(HEAD "tls 1.3\nscenario mitm\nat tls.finished\n> x\nend\n", NULL);
	struct runopts ro = {0};

	(void)state;
	assert_non_null(l);
	ro.kex = KEX_ECDHE;
	ro.classic = 1;
	lesson_apply_options(l, &ro);
	assert_int_equal(ro.tls, TLSV_13);
	assert_int_equal(ro.scenario, SCEN_MITM);
	assert_int_equal(ro.kex, KEX_ECDHE); /* unset: untouched */
	assert_int_equal(ro.classic, 1);
	lesson_free(l);
}

static void test_errors(void **state)
{
	char longline[300];

	(void)state;
	expect_error(HEAD "at tls.client_hello\n> x\nfrobnicate 3\nend\n",
		     "t.lesson:5: unknown directive 'frobnicate'");
	expect_error(HEAD "frobnicate\nat tls.finished\n> x\nend\n",
		     "t.lesson:3: unknown directive 'frobnicate'");
	expect_error(HEAD "at tls.client_helo\n> x\nend\n",
		     "t.lesson:3: unknown event name 'tls.client_helo'");
	expect_error(HEAD "at tls.client_hello\nask Q?\nchoice a\nchoice b\nend\n",
		     "t.lesson:4: question without a right answer (mark it with 'correct')");
	expect_error(HEAD "at tls.client_hello\n> x\n\n",
		     "t.lesson:3: unterminated step: 'at' without 'end'");
	expect_error(HEAD "at tls.client_hello\n> x\nat tls.server_hello\n> y\nend\n",
		     "t.lesson:5: unterminated step: the step at line 3 has no 'end'");
	memset(longline, 'a', sizeof longline);
	memcpy(longline, "> ", 2);
	longline[201] = '\0';
	{
		char src[600];

		snprintf(src, sizeof src, HEAD "at tls.client_hello\n> ok\n%s\nend\n", longline);
		expect_error(src, "t.lesson:5: line too long (201 bytes, at most 200)");
		longline[200] = '\0'; /* exactly 200 is fine */
		snprintf(src, sizeof src, HEAD "at tls.client_hello\n%s\nend\n", longline);
		lesson_free(parse_ok(src));
	}
	expect_error(HEAD "at tls.client_hello\n> ok\n> bad \xc3\x28 byte\nend\n",
		     "t.lesson:5: bad encoding: invalid or unsafe UTF-8 at byte 7");
	expect_error(HEAD "at tls.client_hello\n> ok\n> bell \x07\nend\n",
		     "t.lesson:5: bad encoding: control character 0x07");
	expect_error(HEAD "at tls.client_hello\n> ok\n> esc \x1b[2J\nend\n",
		     "t.lesson:5: bad encoding: control character 0x1b");
	/* a bidi override is valid UTF-8 but unsafe on a terminal */
	expect_error(HEAD "at tls.client_hello\n> ok\n> x \xe2\x80\xae y\nend\n",
		     "t.lesson:5: bad encoding: invalid or unsafe UTF-8 at byte 5");
	expect_error("description D\nat tls.client_hello\n> x\nend\n", "t.lesson:1: missing 'title'");
	expect_error("title T\nat tls.client_hello\n> x\nend\n", "t.lesson:1: missing 'description'");
	expect_error(HEAD "title again\nat tls.client_hello\n> x\nend\n",
		     "t.lesson:3: duplicate 'title' (first at line 1)");
	expect_error(HEAD, "t.lesson:1: no steps (add 'at EVENT' blocks)");
	expect_error(HEAD "end\nat tls.finished\n> x\nend\n", "t.lesson:3: 'end' without a step");
	expect_error(HEAD "> x\nat tls.finished\n> x\nend\n", "t.lesson:3: narration '>' outside a step (start one with 'at EVENT')");
	expect_error(HEAD "at tls.client_hello\nend\n",
		     "t.lesson:3: step has no narration ('>' lines) and no question");
	expect_error(HEAD "at tls.client_hello\n> {tls.nope:x}\nend\n",
		     "t.lesson:4: unknown event name 'tls.nope' in placeholder");
	expect_error(HEAD "at tls.client_hello\n> {tls.client_hello\nend\n",
		     "t.lesson:4: unterminated placeholder: '{' without '}' (write '{{' for a brace)");
	expect_error(HEAD "kex dh\nat tls.client_hello\n> x\nend\n", "t.lesson:3: 'kex' must be rsa or ecdhe");
	expect_error(HEAD "tls 1.3\nkex rsa\nat tls.client_hello\n> x\nend\n",
		     "t.lesson:4: 'kex' applies only to TLS 1.2 (TLS 1.3 always uses (EC)DHE)");
	expect_error(HEAD "scenario nope\nat tls.client_hello\n> x\nend\n",
		     "t.lesson:3: unknown scenario 'nope'");
	expect_error(HEAD "at tls.finished from middle\n> x\nend\n",
		     "t.lesson:3: 'from' must be followed by client, server, kernel, app or mitm");
	expect_error(HEAD "at tls.finished #0\n> x\nend\n", "t.lesson:3: occurrence must be #1 to #1000");
	expect_error(HEAD "at tls.finished\n> x\nchoice a\nend\n", "t.lesson:5: 'choice' before 'ask' or 'predict'");
	expect_error(HEAD "at tls.finished\npredict Next?\ncorrect tls.alert\nchoice tls.bogus\nchoice tcp.fin\nend\n",
		     "t.lesson:6: unknown event name 'tls.bogus' (the choices of 'predict' are event names)");
	expect_error(HEAD "at tls.finished\nask Q?\ncorrect a\ncorrect a\nchoice b\nend\n",
		     "t.lesson:6: duplicate choice");
	expect_error(HEAD "at tls.finished\nask Q?\ncorrect a\nend\n",
		     "t.lesson:4: a question needs at least 2 choices");
	expect_error(HEAD "at tls.finished\n> x\ntitle X\nend\n",
		     "t.lesson:5: 'title' is not allowed inside a step (the step at line 3 has no 'end')");
}

static void test_nul_and_many_errors(void **state)
{
	static const char src[] = HEAD "at tls.finished\n> a\0b\nend\n";
	struct lesson_errors errs = {0};
	struct sbuf_like {
		char *p;
	} big = {malloc(20000)};
	size_t o = 0;

	(void)state;
	assert_null(lesson_parse_buffer("n", src, sizeof src - 1, &errs));
	assert_true(errs.n >= 1);
	assert_string_equal(errs.e[0].text, "n:4: bad encoding: NUL byte");
	lesson_errors_clear(&errs);
	/* more errors than are stored: the count goes on */
	assert_non_null(big.p);
	for (int i = 0; i < 80; i++)
		o += (size_t)snprintf(big.p + o, 20000 - o, "nope%d\n", i);
	assert_null(lesson_parse_buffer("n", big.p, o, &errs));
	assert_int_equal(errs.n, LESSON_MAX_ERRORS);
	assert_true(errs.total > LESSON_MAX_ERRORS);
	lesson_errors_clear(&errs);
	free(big.p);
}

static void test_file_limits(void **state)
{
	struct lesson_errors errs = {0};
	char *buf = malloc(LESSON_MAX_FILE + 2);

	(void)state;
	assert_non_null(buf);
	memset(buf, '\n', LESSON_MAX_FILE + 1);
	assert_null(lesson_parse_buffer("big", buf, LESSON_MAX_FILE + 1, &errs));
	assert_string_equal(errs.e[0].text, "big:1: file too large (over 65536 bytes)");
	lesson_errors_clear(&errs);
	assert_null(lesson_parse_buffer("empty", buf, 0, &errs));
	assert_true(errs.n >= 1);
	lesson_errors_clear(&errs);
	free(buf);
	assert_null(lesson_load("/nonexistent/x.lesson", &errs));
	assert_int_equal(errs.n, 1);
	assert_int_equal(errs.e[0].line, 0);
	lesson_errors_clear(&errs);
}

/* Add an event with one field to a log. */
static struct event *add(struct evlog *log, enum evname n, enum actor a, const char *field,
			 const char *value)
{
	struct event *ev = evlog_add(log, n, a, DIR_C2S, NULL, 0, "%s", evname_str(n));

	assert_non_null(ev);
	if (field != NULL)
		assert_true(event_field(ev, 0, field, 0, 0, "%s", value) >= 0);
	return ev;
}

static void test_matching_and_placeholders(void **state)
{
	struct lesson *l = parse(HEAD
				 "at tcp.syn optional\n> ISN {tcp.syn:seq}\nend\n"
				 "at tcp.ack or tcp.connected\n> up\nend\n"
				 "at tls.finished from server\nhighlight verify_data\n> server fin {tls.finished:verify_data}\nend\n"
				 "at tls.application_data #2\n> second; {{literal} {tcp.fin:seq}\nend\n",
				 NULL);
	struct evlog log;
	struct lesson_run *run;
	const struct lesson_step *s;
	char *text;
	size_t n;

	(void)state;
	assert_non_null(l);
	evlog_init(&log);
	run = lesson_run_new(l);
	assert_non_null(run);
	assert_int_equal(lesson_progress(run, &n), 0);
	assert_int_equal(n, 4);
	/* no capture: tcp.syn never comes, the connected event fires step 2 */
	s = lesson_match(run, add(&log, EV_TCP_CONNECTED, ACTOR_KERNEL, NULL, NULL));
	assert_ptr_equal(s, &l->steps[1]);
	assert_int_equal(lesson_progress(run, NULL), 2);
	/* the same event again is ignored */
	assert_null(lesson_match(run, log.ev[0]));
	assert_null(lesson_match(run, add(&log, EV_TLS_FINISHED, ACTOR_CLIENT, "verify_data", "c1")));
	s = lesson_match(run, add(&log, EV_TLS_FINISHED, ACTOR_SERVER, "verify_data", "s1"));
	assert_ptr_equal(s, &l->steps[2]);
	assert_string_equal(lesson_highlight_value(run, s), "s1");
	text = lesson_render(run, s->text);
	assert_string_equal(text, "server fin s1");
	free(text);
	assert_null(lesson_match(run, add(&log, EV_TLS_APPLICATION_DATA, ACTOR_CLIENT, NULL, NULL)));
	assert_false(lesson_done(run));
	s = lesson_match(run, add(&log, EV_TLS_APPLICATION_DATA, ACTOR_SERVER, NULL, NULL));
	assert_ptr_equal(s, &l->steps[3]);
	assert_true(lesson_done(run));
	text = lesson_render(run, s->text);
	assert_string_equal(text, "second; {literal} {?}");
	free(text);
	/* a view rewound to event 2 shows the step fired at or before it */
	assert_ptr_equal(lesson_step_at(run, 2), &l->steps[1]);
	assert_ptr_equal(lesson_step_at(run, 4), &l->steps[2]);
	assert_null(lesson_step_at(run, 0));
	lesson_run_free(run);
	evlog_clear(&log);
	lesson_free(l);
}

static void test_choice_questions(void **state)
{
	struct lesson *l = parse(HEAD "at tls.client_hello\nask Which?\nchoice a\ncorrect b\ncorrect c\n"
				 "right Yes\nright indeed.\nwrong No.\nend\n"
				 "at tls.server_hello\nask One?\ncorrect x\nchoice y\nend\n",
				 NULL);
	const struct lesson_question *q;
	struct lesson_run *run;
	struct lesson_verdict v;
	int picks[3];
	int asked;
	int right;

	(void)state;
	assert_non_null(l);
	run = lesson_run_new(l);
	q = l->steps[0].question;
	assert_int_equal(q->kind, LQ_CHOICE);
	assert_int_equal(q->nchoices, 3);
	assert_int_equal(q->ncorrect, 2);
	assert_string_equal(q->right, "Yes indeed.");
	picks[0] = 1;
	assert_int_equal(lesson_answer(run, q, picks, 1, &v), 0); /* only one of two */
	assert_string_equal(v.feedback, "No.");
	picks[0] = 2;
	picks[1] = 1;
	picks[2] = 2; /* order and repeats do not matter */
	assert_int_equal(lesson_answer(run, q, picks, 3, &v), 1);
	assert_string_equal(v.feedback, "Yes indeed.");
	picks[0] = 7;
	assert_int_equal(lesson_answer(run, q, picks, 1, &v), 0);
	assert_int_equal(lesson_answer(run, q, picks, 0, &v), 0);
	q = l->steps[1].question;
	assert_string_equal(q->right, "Right."); /* default feedback */
	picks[0] = 0;
	assert_int_equal(lesson_answer(run, q, picks, 1, &v), 1);
	lesson_score(run, &asked, &right);
	assert_int_equal(asked, 2);
	assert_int_equal(right, 1); /* the first was wrong at the first try */
	lesson_run_free(run);
	lesson_free(l);
}

/* The right choices as the learner reads them: 1-based, "and" before the
 * last, never past the buffer. */
static void test_right_choices(void **state)
{
	struct lesson *l = parse(HEAD "at tls.client_hello\nask Which?\ncorrect a\nchoice b\ncorrect c\n"
				 "correct d\nend\n"
				 "at tls.server_hello\nask Two?\nchoice x\ncorrect y\ncorrect z\nend\n"
				 "at tls.certificate\nask One?\nchoice x\ncorrect y\nend\n",
				 NULL);
	char buf[32];

	(void)state;
	assert_non_null(l);
	lesson_right_choices(l->steps[0].question, buf, sizeof buf);
	assert_string_equal(buf, "1, 3 and 4");
	lesson_right_choices(l->steps[1].question, buf, sizeof buf);
	assert_string_equal(buf, "2 and 3");
	lesson_right_choices(l->steps[2].question, buf, sizeof buf);
	assert_string_equal(buf, "2");
	memset(buf, 'x', sizeof buf);
	lesson_right_choices(l->steps[0].question, buf, 10); /* too small: cut, terminated */
	assert_true(memchr(buf, '\0', 10) != NULL);
	assert_int_equal(buf[10], 'x');
	lesson_free(l);
	/* feedback that opens with its verdict needs no "Right!" before it */
	assert_true(lesson_feedback_judges("Right: its ClientKeyExchange."));
	assert_true(lesson_feedback_judges("Yes. The certificate is public"));
	assert_true(lesson_feedback_judges("No, TLS"));
	assert_true(lesson_feedback_judges("Not quite: TCP sets up"));
	assert_true(lesson_feedback_judges("wrong"));
	assert_false(lesson_feedback_judges("Nobody changed it"));
	assert_false(lesson_feedback_judges("Rightly so"));
	assert_false(lesson_feedback_judges("The server's kernel answers"));
	assert_false(lesson_feedback_judges(""));
	assert_false(lesson_feedback_judges(NULL));
}

static void test_predictions(void **state)
{
	struct lesson *l = parse(HEAD "at tls.server_hello_done\npredict Next?\nchoice tls.finished\n"
				 "correct tls.client_key_exchange\nright Good.\nwrong Bad.\nend\n",
				 NULL);
	struct evlog log;
	struct lesson_run *run;
	const struct lesson_step *s;
	struct lesson_verdict v;

	(void)state;
	assert_non_null(l);
	evlog_init(&log);
	run = lesson_run_new(l);
	s = lesson_match(run, add(&log, EV_TLS_SERVER_HELLO_DONE, ACTOR_SERVER, NULL, NULL));
	assert_non_null(s);
	assert_int_equal(s->question->choice_ev[1], EV_TLS_CLIENT_KEY_EXCHANGE);
	assert_int_equal(lesson_predict(run, s->question, 5), -1);
	assert_int_equal(lesson_predict(run, s->question, 0), 0); /* learner says Finished */
	/* events of other layers do not settle a tls.* prediction */
	lesson_match(run, add(&log, EV_CERT_VERDICT, ACTOR_CLIENT, NULL, NULL));
	assert_int_equal(lesson_prediction(run, &v), 0);
	lesson_match(run, add(&log, EV_KEX_SECRET, ACTOR_CLIENT, NULL, NULL));
	assert_int_equal(lesson_prediction(run, &v), 0);
	lesson_match(run, add(&log, EV_TLS_CLIENT_KEY_EXCHANGE, ACTOR_CLIENT, NULL, NULL));
	assert_int_equal(lesson_prediction(run, &v), 1);
	assert_int_equal(v.right, 0);
	assert_int_equal(v.pick, 0);
	assert_int_equal(v.actual, EV_TLS_CLIENT_KEY_EXCHANGE);
	assert_int_equal(v.expected_ok, 1);
	assert_string_equal(v.feedback, "Bad.");
	/* settled once only */
	lesson_match(run, add(&log, EV_TLS_FINISHED, ACTOR_CLIENT, NULL, NULL));
	assert_int_equal(lesson_prediction(run, &v), 0);
	lesson_run_free(run);

	/* right this time, and a teacher's wrong expectation is reported */
	run = lesson_run_new(l);
	evlog_clear(&log);
	s = lesson_match(run, add(&log, EV_TLS_SERVER_HELLO_DONE, ACTOR_SERVER, NULL, NULL));
	assert_int_equal(lesson_predict(run, s->question, 0), 0);
	lesson_match(run, add(&log, EV_TLS_FINISHED, ACTOR_CLIENT, NULL, NULL));
	assert_int_equal(lesson_prediction(run, &v), 1);
	assert_int_equal(v.right, 1);
	assert_string_equal(v.feedback, "Good.");
	assert_int_equal(v.expected_ok, 0);
	lesson_run_free(run);
	evlog_clear(&log);
	lesson_free(l);
	expect_error(HEAD "at tls.finished\npredict N?\ncorrect tls.alert\ncorrect tcp.fin\nend\n",
		     "t.lesson:4: a prediction has exactly one expected answer");
}

static void test_wrap(void **state)
{
	char *w;

	(void)state;
	w = lesson_wrap("aaa bbb ccc ddd\n\nnext", 16, 2);
	assert_string_equal(w, "  aaa bbb ccc\n  ddd\n\n  next\n");
	free(w);
	w = lesson_wrap("0123456789012345678901234", 12, 0);
	assert_string_equal(w, "012345678901\n234567890123\n4\n");
	free(w);
	/* UTF-8 counts as one column per code point and is never cut */
	w = lesson_wrap("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 10, 0);
	assert_string_equal(w, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\n\xc3\xa9\n");
	free(w);
}

static void test_sanitised(void **state)
{
	struct lesson *l = parse("title back\\slash\n"
				 "description D\nat tls.finished\n> C:\\x1b\nend\n", NULL);

	(void)state;
	assert_non_null(l);
	/* a backslash is shown escaped, so "\x1b" in a lesson stays text */
	assert_string_equal(l->title, "back\\\\slash");
	assert_string_equal(l->steps[0].text, "C:\\\\x1b");
	lesson_free(l);
}

static void test_builtin_lessons(void **state)
{
	DIR *d = opendir("lessons");
	struct dirent *de;
	int count = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		struct lesson_errors errs = {0};
		struct lesson *l;
		char path[512];
		size_t n = strlen(de->d_name);

		if (n < 8 || strcmp(de->d_name + n - 7, ".lesson") != 0)
			continue;
		snprintf(path, sizeof path, "lessons/%s", de->d_name);
		l = lesson_load(path, &errs);
		for (size_t i = 0; i < errs.n; i++)
			print_error("%s\n", errs.e[i].text);
		assert_non_null(l);
		assert_true(l->nsteps >= 3);
		lesson_free(l);
		lesson_errors_clear(&errs);
		count++;
	}
	closedir(d);
	assert_int_equal(count, 8);
}

static void test_find(void **state)
{
	char *p;

	(void)state;
	/* tests run from the repository root, so ./lessons is searched */
	p = lessondir_find("2");
	assert_non_null(p);
	assert_non_null(strstr(p, "02-tcp-handshake.lesson"));
	free(p);
	p = lessondir_find("tcp-handshake");
	assert_non_null(p);
	free(p);
	p = lessondir_find("lessons/08-tls13.lesson");
	assert_string_equal(p, "lessons/08-tls13.lesson");
	free(p);
	assert_null(lessondir_find("no-such-lesson"));
	assert_null(lessondir_find("/no/such/file.lesson"));
	assert_null(lessondir_find("99"));
}

/* saved_name(chosen) is want, whatever the function returns freed. */
static void saved_name_is(const char *chosen, const char *want)
{
	char *got = lessondir_saved_name(chosen);

	assert_non_null(got);
	if (strcmp(got, want) != 0)
		fail_msg("lessondir_saved_name(\"%s\") = \"%s\", want \"%s\"", chosen, got, want);
	free(got);
}

/* A saved run names a shipped lesson by its name however it was chosen (a
 * name, a number, the menu's path, a path of one's own to the same file);
 * a teacher's own file, or a changed copy under a shipped name, by path. */
static void test_saved_name(void **state)
{
	char tmpl[] = "/tmp/httpsviz-lessonname-XXXXXX";
	char *dir = mkdtemp(tmpl);
	char *abs = realpath("lessons/05-rsa-key-exchange.lesson", NULL);
	char path[512];
	char cmd[1200];
	char *found;

	(void)state;
	assert_non_null(dir);
	assert_non_null(abs);
	/* tests run from the repository root, so ./lessons is searched */
	saved_name_is("05-rsa-key-exchange", "05-rsa-key-exchange");
	saved_name_is("5", "05-rsa-key-exchange");
	saved_name_is("rsa-key-exchange", "05-rsa-key-exchange");
	saved_name_is("lessons/05-rsa-key-exchange.lesson", "05-rsa-key-exchange");
	saved_name_is("./lessons/../lessons/05-rsa-key-exchange.lesson", "05-rsa-key-exchange");
	saved_name_is(abs, "05-rsa-key-exchange");
	/* the path the menu (lessondir_list) or --lesson in the TUI loads */
	found = lessondir_find("08-tls13");
	assert_non_null(found);
	saved_name_is(found, "08-tls13");
	free(found);
	/* a link elsewhere to the shipped file is still that lesson */
	snprintf(path, sizeof path, "%s/linked.lesson", dir);
	assert_int_equal(symlink(abs, path), 0);
	saved_name_is(path, "05-rsa-key-exchange");
	/* a teacher's own file, and a copy under a shipped lesson's name (it
	 * may differ: another install's 05 is not this one) keep their path */
	snprintf(path, sizeof path, "%s/05-rsa-key-exchange.lesson", dir);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", abs, path);
	assert_int_equal(system(cmd), 0);
	saved_name_is(path, path);
	snprintf(path, sizeof path, "%s/mine.lesson", dir);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", abs, path);
	assert_int_equal(system(cmd), 0);
	saved_name_is(path, path);
	/* not found at all: as given */
	saved_name_is("no-such-lesson", "no-such-lesson");
	saved_name_is("/no/such/file.lesson", "/no/such/file.lesson");
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(abs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_options_into_config),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul_and_many_errors),
		cmocka_unit_test(test_file_limits),
		cmocka_unit_test(test_matching_and_placeholders),
		cmocka_unit_test(test_choice_questions),
		cmocka_unit_test(test_right_choices),
		cmocka_unit_test(test_predictions),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_sanitised),
		cmocka_unit_test(test_builtin_lessons),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_saved_name),
	};

	return cmocka_run_group_tests_name("lesson", tests, NULL, NULL);
}
