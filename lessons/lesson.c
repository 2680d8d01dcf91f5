/* The lesson parser: a small line-oriented format (lessons/FORMAT.md).
 *
 * Lesson files are untrusted: every line is checked for length and encoding
 * before it is looked at, every read goes through a cursor over the buffer,
 * and every string kept is sanitised.  Problems are collected, not fatal, so
 * `lesson check` reports them all at once. */
#include "lessons/lesson.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <sys/stat.h>
#include <unistd.h>

#include "protocol/sanitize.h"

/* A growable string. */
struct sbuf {
	char *p;
	size_t n;
	size_t cap;
	int oom;
};

/* Where the parser is. */
struct parser {
	const char *name;
	const char *buf;
	size_t len;
	size_t pos;              /* cursor: the next unread byte */
	int line;
	struct lesson_errors *errs;
	size_t nerr;
	struct lesson *l;
	int title_line;
	int desc_line;
	int opt_line[4];         /* line of kex, tls, scenario, classic */
	struct lesson_step *cur; /* the step being read, or NULL */
	struct sbuf text;        /* its narration */
	int para_break;          /* an empty '>' line is pending */
	struct sbuf right;
	struct sbuf wrong;
	size_t steps_cap;
	size_t refs_cap;
};

/* Append n bytes to a string buffer (remembering out-of-memory). */
static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	char *p;
	size_t cap;

	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		cap = b->cap ? b->cap * 2 : 128;
		while (cap < b->n + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (p == NULL) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/* Append a NUL-terminated string. */
static void sb_puts(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Empty the buffer, keeping its memory. */
static void sb_reset(struct sbuf *b)
{
	b->n = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

/* A copy of the buffer's text (sanitised line by line as it was added), or
 * NULL when empty or out of memory. */
static char *sb_take(const struct sbuf *b)
{
	if (b->p == NULL || b->n == 0)
		return NULL;
	return strndup(b->p, b->n);
}

/* Append a line of teacher text, sanitised (lines were already checked, so
 * this only escapes backslashes, but the rule is: nothing unsanitised is
 * kept). */
static void sb_put_clean(struct sbuf *b, const char *s)
{
	char *c = sanitize_bytes(s, strlen(s));

	if (c == NULL) {
		b->oom = 1;
		return;
	}
	sb_puts(b, c);
	free(c);
}

/* Record one problem at a line. */
static void perr(struct parser *ps, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parser *ps, int line, const char *fmt, ...)
{
	char msg[256];
	char *name;
	char *text;
	size_t tlen;
	va_list ap;

	ps->nerr++;
	if (ps->errs == NULL)
		return;
	ps->errs->total++;
	if (ps->errs->n >= LESSON_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	name = sanitize_bytes(ps->name, strlen(ps->name));
	if (name == NULL)
		return;
	tlen = strlen(name) + strlen(msg) + 32;
	text = malloc(tlen);
	if (text == NULL) {
		free(name);
		return;
	}
	snprintf(text, tlen, "%s:%d: %s", name, line, msg);
	free(name);
	if (ps->errs->n % 8 == 0) {
		struct lesson_error *e = realloc(ps->errs->e, (ps->errs->n + 8) * sizeof *e);

		if (e == NULL) {
			free(text);
			return;
		}
		ps->errs->e = e;
	}
	ps->errs->e[ps->errs->n].line = line;
	ps->errs->e[ps->errs->n].text = text;
	ps->errs->n++;
}

/* A short sanitised quote of user text for an error message. */
static void quote(char *out, size_t outlen, const char *s)
{
	char *q = sanitize_bytes(s, strnlen(s, 40));

	snprintf(out, outlen, "%s%s", q ? q : "?", strlen(s) > 40 ? "..." : "");
	free(q);
}

/* Check one line for encoding: printable UTF-8, tabs allowed.  Returns 0 or
 * reports the problem and returns -1. */
static int check_encoding(struct parser *ps, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t u;

		if (s[i] == '\t' || (s[i] >= 0x20 && s[i] < 0x7f)) {
			i++;
			continue;
		}
		if (s[i] == 0) {
			perr(ps, ps->line, "bad encoding: NUL byte");
			return -1;
		}
		if (s[i] < 0x20 || s[i] == 0x7f) {
			perr(ps, ps->line, "bad encoding: control character 0x%02x", s[i]);
			return -1;
		}
		u = sanitize_utf8_len(s + i, n - i);
		if (u == 0) {
			perr(ps, ps->line, "bad encoding: invalid or unsafe UTF-8 at byte %zu", i + 1);
			return -1;
		}
		i += u;
	}
	return 0;
}

/* Split off the first space-separated word of *s (modified in place). */
static char *next_word(char **s)
{
	char *w = *s;
	char *e;

	while (*w == ' ')
		w++;
	if (*w == '\0') {
		*s = w;
		return NULL;
	}
	e = w;
	while (*e != '\0' && *e != ' ')
		e++;
	if (*e != '\0')
		*e++ = '\0';
	*s = e;
	return w;
}

/* Remove trailing spaces in place. */
static void rtrim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
}

/* 1 when s is a plausible field name: letters, digits, '_', '.', '-'. */
static int is_field_name(const char *s, size_t n)
{
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

/* Remember a placeholder's event and field, once. */
static void add_ref(struct parser *ps, enum evname ev, const char *field, size_t flen)
{
	struct lesson *l = ps->l;
	struct lesson_ref *r;

	for (size_t i = 0; i < l->nrefs; i++)
		if (l->refs[i].ev == ev && strlen(l->refs[i].field) == flen &&
		    memcmp(l->refs[i].field, field, flen) == 0)
			return;
	if (l->nrefs == ps->refs_cap) {
		size_t cap = ps->refs_cap ? ps->refs_cap * 2 : 8;

		r = realloc(l->refs, cap * sizeof *r);
		if (r == NULL) {
			perr(ps, ps->line, "out of memory");
			return;
		}
		l->refs = r;
		ps->refs_cap = cap;
	}
	l->refs[l->nrefs].field = strndup(field, flen);
	if (l->refs[l->nrefs].field == NULL) {
		perr(ps, ps->line, "out of memory");
		return;
	}
	l->refs[l->nrefs].ev = ev;
	l->nrefs++;
}

/* Check every {event:field} placeholder in one line of narration. */
static void check_placeholders(struct parser *ps, const char *s)
{
	char q[64];

	for (const char *p = s; *p != '\0'; p++) {
		const char *close;
		const char *colon;
		char evbuf[64];
		size_t elen;
		int ev;

		if (*p != '{')
			continue;
		if (p[1] == '{') {
			p++;
			continue;
		}
		close = strchr(p, '}');
		if (close == NULL) {
			perr(ps, ps->line, "unterminated placeholder: '{' without '}' (write '{{' for a brace)");
			return;
		}
		colon = memchr(p + 1, ':', (size_t)(close - p - 1));
		if (colon == NULL) {
			perr(ps, ps->line, "placeholder needs the form {event:field}");
			p = close;
			continue;
		}
		elen = (size_t)(colon - p - 1);
		if (elen >= sizeof evbuf)
			elen = sizeof evbuf - 1;
		memcpy(evbuf, p + 1, elen);
		evbuf[elen] = '\0';
		ev = evname_from_str(evbuf);
		if (ev < 0) {
			quote(q, sizeof q, evbuf);
			perr(ps, ps->line, "unknown event name '%s' in placeholder", q);
		} else if (!is_field_name(colon + 1, (size_t)(close - colon - 1))) {
			perr(ps, ps->line, "placeholder needs a field name after ':'");
		} else {
			add_ref(ps, (enum evname)ev, colon + 1, (size_t)(close - colon - 1));
		}
		p = close;
	}
}

/* Append one line of narration to the current step's text. */
static void add_narration(struct parser *ps, const char *s)
{
	while (*s == ' ')
		s++;
	if (*s == '\0') {
		if (ps->text.n > 0)
			ps->para_break = 1;
		return;
	}
	check_placeholders(ps, s);
	if (ps->text.n > 0) {
		if (ps->para_break)
			sb_puts(&ps->text, "\n\n");
		else if (strncmp(s, "- ", 2) == 0)
			sb_puts(&ps->text, "\n");
		else
			sb_puts(&ps->text, " ");
	}
	ps->para_break = 0;
	sb_put_clean(&ps->text, s);
}

/* Default feedback when a teacher gave none. */
static const char *const default_right = "Right.";
static const char *const default_wrong = "Not quite.";

/* Finish the step being read: validate it and keep its text. */
static void close_step(struct parser *ps)
{
	struct lesson_step *s = ps->cur;
	struct lesson_question *q;

	if (s == NULL)
		return;
	s->text = sb_take(&ps->text);
	if (ps->text.oom || ps->right.oom || ps->wrong.oom)
		perr(ps, s->line, "out of memory");
	q = s->question;
	if (q != NULL) {
		q->right = ps->right.n ? sb_take(&ps->right) : strdup(default_right);
		q->wrong = ps->wrong.n ? sb_take(&ps->wrong) : strdup(default_wrong);
		if (q->right == NULL || q->wrong == NULL)
			perr(ps, q->line, "out of memory");
		if (q->nchoices < 2)
			perr(ps, q->line, "a question needs at least 2 choices");
		if (q->ncorrect == 0)
			perr(ps, q->line, "question without a right answer (mark it with 'correct')");
		else if (q->kind == LQ_PREDICT && q->ncorrect != 1)
			perr(ps, q->line, "a prediction has exactly one expected answer");
	}
	if (s->text == NULL && q == NULL)
		perr(ps, s->line, "step has no narration ('>' lines) and no question");
	sb_reset(&ps->text);
	sb_reset(&ps->right);
	sb_reset(&ps->wrong);
	ps->para_break = 0;
	ps->cur = NULL;
}

/* `at EVENT [from ACTOR] [#N] [optional]`: start a step. */
static void open_step(struct parser *ps, char *rest)
{
	struct lesson *l = ps->l;
	struct lesson_step *s;
	char *w;
	char q[64];
	int ev;

	if (ps->cur != NULL) {
		perr(ps, ps->line, "unterminated step: the step at line %d has no 'end'", ps->cur->line);
		close_step(ps);
	}
	w = next_word(&rest);
	if (w == NULL) {
		perr(ps, ps->line, "'at' needs an event name");
		w = "";
	}
	ev = evname_from_str(w);
	if (ev < 0 && *w != '\0') {
		quote(q, sizeof q, w);
		perr(ps, ps->line, "unknown event name '%s'", q);
	}
	if (l->nsteps >= LESSON_MAX_STEPS) {
		perr(ps, ps->line, "too many steps (at most %d)", LESSON_MAX_STEPS);
		return;
	}
	if (l->nsteps == ps->steps_cap) {
		size_t cap = ps->steps_cap ? ps->steps_cap * 2 : 16;

		s = realloc(l->steps, cap * sizeof *s);
		if (s == NULL) {
			perr(ps, ps->line, "out of memory");
			return;
		}
		l->steps = s;
		ps->steps_cap = cap;
	}
	s = &l->steps[l->nsteps];
	memset(s, 0, sizeof *s);
	s->line = ps->line;
	s->index = l->nsteps;
	s->at.name = ev < 0 ? (enum evname)0 : (enum evname)ev;
	s->at.actor = -1;
	s->at.alt = -1;
	l->nsteps++;
	ps->cur = s;
	while ((w = next_word(&rest)) != NULL) {
		if (strcmp(w, "from") == 0) {
			const char *a = next_word(&rest);
			static const char *const actors[] = {"client", "server", "kernel", "app"};

			if (s->at.actor >= 0)
				perr(ps, ps->line, "duplicate 'from'");
			s->at.actor = -1;
			for (int i = 0; a != NULL && i < 4; i++)
				if (strcmp(a, actors[i]) == 0)
					s->at.actor = i;
			if (s->at.actor < 0)
				perr(ps, ps->line, "'from' must be followed by client, server, kernel or app");
		} else if (w[0] == '#') {
			char *end;
			long n;

			errno = 0;
			n = strtol(w + 1, &end, 10);
			if (s->at.nth != 0)
				perr(ps, ps->line, "duplicate occurrence '#N'");
			if (w[1] < '1' || w[1] > '9' || *end != '\0' || errno != 0 || n > 1000)
				perr(ps, ps->line, "occurrence must be #1 to #1000");
			else
				s->at.nth = (int)n;
		} else if (strcmp(w, "or") == 0) {
			const char *a = next_word(&rest);

			int alt = a != NULL ? evname_from_str(a) : -1;

			if (s->at.alt >= 0) {
				perr(ps, ps->line, "at most one 'or EVENT'");
			} else if (a == NULL) {
				perr(ps, ps->line, "'or' needs an event name");
			} else if (alt < 0) {
				quote(q, sizeof q, a);
				perr(ps, ps->line, "unknown event name '%s'", q);
			} else {
				s->at.alt = alt;
			}
		} else if (strcmp(w, "optional") == 0) {
			if (s->optional)
				perr(ps, ps->line, "duplicate 'optional'");
			s->optional = 1;
		} else {
			quote(q, sizeof q, w);
			perr(ps, ps->line, "unexpected '%s' after the event name (expected or, from, #N or optional)", q);
		}
	}
}

/* `ask TEXT` or `predict TEXT`: start the step's question. */
static void open_question(struct parser *ps, enum lesson_qkind kind, const char *rest)
{
	struct lesson_question *q;

	if (ps->cur->question != NULL) {
		perr(ps, ps->line, "duplicate question: a step has at most one");
		return;
	}
	if (*rest == '\0') {
		perr(ps, ps->line, "'%s' needs the question text", kind == LQ_PREDICT ? "predict" : "ask");
		return;
	}
	q = calloc(1, sizeof *q);
	if (q == NULL) {
		perr(ps, ps->line, "out of memory");
		return;
	}
	q->kind = kind;
	q->line = ps->line;
	q->prompt = sanitize_bytes(rest, strlen(rest));
	if (q->prompt == NULL)
		perr(ps, ps->line, "out of memory");
	ps->cur->question = q;
}

/* `choice TEXT` / `correct TEXT`: add a choice to the step's question. */
static void add_choice(struct parser *ps, const char *rest, int correct)
{
	struct lesson_question *q = ps->cur->question;
	size_t n;
	int ev = -1;
	char qt[64];

	if (*rest == '\0') {
		perr(ps, ps->line, "'%s' needs a text", correct ? "correct" : "choice");
		return;
	}
	if (q->nchoices >= LESSON_MAX_CHOICES) {
		perr(ps, ps->line, "too many choices (at most %d)", LESSON_MAX_CHOICES);
		return;
	}
	for (size_t i = 0; i < q->nchoices; i++)
		if (strcmp(q->choices[i], rest) == 0) {
			perr(ps, ps->line, "duplicate choice");
			return;
		}
	if (q->kind == LQ_PREDICT) {
		ev = evname_from_str(rest);
		if (ev < 0) {
			quote(qt, sizeof qt, rest);
			perr(ps, ps->line, "unknown event name '%s' (the choices of 'predict' are event names)", qt);
			return;
		}
	}
	n = q->nchoices;
	if (n == 0) {
		q->choices = calloc(LESSON_MAX_CHOICES, sizeof *q->choices);
		q->correct = calloc(LESSON_MAX_CHOICES, 1);
		q->choice_ev = calloc(LESSON_MAX_CHOICES, sizeof *q->choice_ev);
		if (q->choices == NULL || q->correct == NULL || q->choice_ev == NULL) {
			perr(ps, ps->line, "out of memory");
			return;
		}
	}
	q->choices[n] = sanitize_bytes(rest, strlen(rest));
	if (q->choices[n] == NULL) {
		perr(ps, ps->line, "out of memory");
		return;
	}
	q->choice_ev[n] = ev;
	q->correct[n] = (unsigned char)(correct != 0);
	q->ncorrect += correct != 0;
	q->nchoices++;
}

/* Set a top-level text (title, description) once. */
static void set_text(struct parser *ps, char **dst, int *line, const char *what, const char *rest)
{
	if (*line != 0) {
		perr(ps, ps->line, "duplicate '%s' (first at line %d)", what, *line);
		return;
	}
	*line = ps->line;
	if (*rest == '\0') {
		perr(ps, ps->line, "'%s' needs a text", what);
		return;
	}
	*dst = sanitize_bytes(rest, strlen(rest));
	if (*dst == NULL)
		perr(ps, ps->line, "out of memory");
}

/* One of the run options: kex, tls, scenario, classic. */
static void set_option(struct parser *ps, int which, const char *rest)
{
	static const char *const names[] = {"kex", "tls", "scenario", "classic"};
	struct lesson_options *o = &ps->l->opts;
	char q[64];
	int sc;

	if (ps->opt_line[which] != 0) {
		perr(ps, ps->line, "duplicate '%s' (first at line %d)", names[which],
		     ps->opt_line[which]);
		return;
	}
	ps->opt_line[which] = ps->line;
	switch (which) {
	case 0:
		if (strcmp(rest, "rsa") == 0 || strcmp(rest, "ecdhe") == 0) {
			o->ro.kex = rest[0] == 'r' ? KEX_RSA : KEX_ECDHE;
			o->set |= LOPT_KEX;
		} else {
			perr(ps, ps->line, "'kex' must be rsa or ecdhe");
		}
		break;
	case 1:
		if (strcmp(rest, "1.2") == 0 || strcmp(rest, "1.3") == 0) {
			o->ro.tls = rest[2] == '2' ? TLSV_12 : TLSV_13;
			o->set |= LOPT_TLS;
		} else {
			perr(ps, ps->line, "'tls' must be 1.2 or 1.3");
		}
		break;
	case 2:
		sc = scenario_from_str(rest);
		if (sc < 0) {
			quote(q, sizeof q, rest);
			perr(ps, ps->line, "unknown scenario '%s'", q);
		} else {
			o->ro.scenario = (enum scenario)sc;
			o->set |= LOPT_SCENARIO;
		}
		break;
	default:
		if (strcmp(rest, "on") == 0 || strcmp(rest, "off") == 0) {
			o->ro.classic = rest[1] == 'n';
			o->set |= LOPT_CLASSIC;
		} else {
			perr(ps, ps->line, "'classic' must be on or off");
		}
		break;
	}
}

/* Directives allowed only inside a step. */
static int is_step_directive(const char *w)
{
	static const char *const d[] = {"highlight", "pause", "ask", "predict", "choice",
					"correct", "right", "wrong", "end"};

	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
		if (strcmp(w, d[i]) == 0)
			return 1;
	return 0;
}

/* Handle a directive inside a step. */
static void step_directive(struct parser *ps, const char *w, const char *rest)
{
	struct lesson_step *s = ps->cur;

	if (strcmp(w, "end") == 0) {
		if (*rest != '\0')
			perr(ps, ps->line, "'end' takes no argument");
		close_step(ps);
	} else if (strcmp(w, "pause") == 0) {
		if (*rest != '\0')
			perr(ps, ps->line, "'pause' takes no argument");
		if (s->pause)
			perr(ps, ps->line, "duplicate 'pause'");
		s->pause = 1;
	} else if (strcmp(w, "highlight") == 0) {
		if (s->highlight != NULL) {
			perr(ps, ps->line, "duplicate 'highlight'");
		} else if (!is_field_name(rest, strlen(rest))) {
			perr(ps, ps->line, "'highlight' needs a field name (letters, digits, '_', '.', '-')");
		} else {
			s->highlight = strdup(rest);
			if (s->highlight == NULL)
				perr(ps, ps->line, "out of memory");
		}
	} else if (strcmp(w, "ask") == 0 || strcmp(w, "predict") == 0) {
		open_question(ps, w[0] == 'p' ? LQ_PREDICT : LQ_CHOICE, rest);
	} else if (s->question == NULL) {
		perr(ps, ps->line, "'%s' before 'ask' or 'predict'", w);
	} else if (strcmp(w, "choice") == 0 || strcmp(w, "correct") == 0) {
		add_choice(ps, rest, w[1] == 'o');
	} else {
		struct sbuf *b = w[0] == 'r' ? &ps->right : &ps->wrong;

		if (*rest == '\0') {
			perr(ps, ps->line, "'%s' needs a text", w);
			return;
		}
		if (b->n > 0)
			sb_puts(b, " ");
		sb_put_clean(b, rest);
	}
}

/* Handle one line that passed the length and encoding checks. */
static void parse_line(struct parser *ps, char *line)
{
	static const char *const opts[] = {"kex", "tls", "scenario", "classic"};
	char q[64];
	char *rest;
	char *w;

	for (char *p = line; *p != '\0'; p++)
		if (*p == '\t')
			*p = ' ';
	while (*line == ' ')
		line++;
	rtrim(line);
	if (*line == '\0' || *line == '#')
		return;
	if (*line == '>') {
		if (ps->cur == NULL)
			perr(ps, ps->line, "narration '>' outside a step (start one with 'at EVENT')");
		else
			add_narration(ps, line + 1);
		return;
	}
	rest = line;
	w = next_word(&rest);
	while (*rest == ' ')
		rest++;
	if (strcmp(w, "at") == 0) {
		open_step(ps, rest);
		return;
	}
	if (ps->cur != NULL) {
		if (is_step_directive(w))
			step_directive(ps, w, rest);
		else if (strcmp(w, "title") == 0 || strcmp(w, "description") == 0 ||
			 strcmp(w, "kex") == 0 || strcmp(w, "tls") == 0 ||
			 strcmp(w, "scenario") == 0 || strcmp(w, "classic") == 0)
			perr(ps, ps->line, "'%s' is not allowed inside a step (the step at line %d has no 'end')",
			     w, ps->cur->line);
		else
			goto unknown;
		return;
	}
	if (strcmp(w, "title") == 0) {
		set_text(ps, &ps->l->title, &ps->title_line, "title", rest);
		return;
	}
	if (strcmp(w, "description") == 0) {
		set_text(ps, &ps->l->description, &ps->desc_line, "description", rest);
		return;
	}
	for (int i = 0; i < 4; i++)
		if (strcmp(w, opts[i]) == 0) {
			set_option(ps, i, rest);
			return;
		}
	if (strcmp(w, "end") == 0) {
		perr(ps, ps->line, "'end' without a step");
		return;
	}
	if (is_step_directive(w)) {
		perr(ps, ps->line, "'%s' outside a step (start one with 'at EVENT')", w);
		return;
	}
unknown:
	quote(q, sizeof q, w);
	perr(ps, ps->line, "unknown directive '%s'", q);
}

/* Checks that need the whole file. */
static void check_whole(struct parser *ps)
{
	const struct lesson_options *o = &ps->l->opts;

	if (ps->cur != NULL) {
		perr(ps, ps->cur->line, "unterminated step: 'at' without 'end'");
		close_step(ps);
	}
	if (ps->title_line == 0)
		perr(ps, 1, "missing 'title'");
	if (ps->desc_line == 0)
		perr(ps, 1, "missing 'description'");
	if (ps->l->nsteps == 0)
		perr(ps, 1, "no steps (add 'at EVENT' blocks)");
	if ((o->set & LOPT_TLS) && o->ro.tls == TLSV_13) {
		if (o->set & LOPT_KEX)
			perr(ps, ps->opt_line[0], "'kex' applies only to TLS 1.2 (TLS 1.3 always uses (EC)DHE)");
		if ((o->set & LOPT_CLASSIC) && o->ro.classic)
			perr(ps, ps->opt_line[3], "'classic on' applies only to TLS 1.2");
	}
}

/* see lesson.h */
struct lesson *lesson_parse_buffer(const char *name, const char *buf, size_t len,
				   struct lesson_errors *errs)
{
	struct parser ps;
	char line[LESSON_MAX_LINE + 1];

	memset(&ps, 0, sizeof ps);
	ps.name = name != NULL ? name : "(lesson)";
	ps.buf = buf;
	ps.len = buf != NULL ? len : 0;
	ps.errs = errs;
	ps.l = calloc(1, sizeof *ps.l);
	if (ps.l == NULL) {
		perr(&ps, 0, "out of memory");
		return NULL;
	}
	ps.l->name = strdup(ps.name);
	if (ps.l->name == NULL)
		perr(&ps, 0, "out of memory");
	if (ps.len > LESSON_MAX_FILE) {
		perr(&ps, 1, "file too large (over %d bytes)", LESSON_MAX_FILE);
		goto out;
	}
	while (ps.pos < ps.len) {
		const char *start = ps.buf + ps.pos;
		size_t left = ps.len - ps.pos;
		const char *nl = memchr(start, '\n', left);
		size_t n = nl != NULL ? (size_t)(nl - start) : left;

		ps.pos += nl != NULL ? n + 1 : n;
		ps.line++;
		if (n > 0 && start[n - 1] == '\r')
			n--;
		if (n > LESSON_MAX_LINE) {
			perr(&ps, ps.line, "line too long (%zu bytes, at most %d)", n, LESSON_MAX_LINE);
			continue;
		}
		if (check_encoding(&ps, (const unsigned char *)start, n) != 0)
			continue;
		memcpy(line, start, n);
		line[n] = '\0';
		parse_line(&ps, line);
	}
	check_whole(&ps);
out:
	free(ps.text.p);
	free(ps.right.p);
	free(ps.wrong.p);
	if (ps.nerr > 0) {
		lesson_free(ps.l);
		return NULL;
	}
	return ps.l;
}

/* see lesson.h */
struct lesson *lesson_load(const char *path, struct lesson_errors *errs)
{
	struct parser ps;
	struct lesson *l = NULL;
	char *buf = NULL;
	size_t n = 0;
	struct stat st;
	FILE *f;
	int fd;

	memset(&ps, 0, sizeof ps);
	ps.name = path;
	ps.errs = errs;
	/* O_NONBLOCK: a FIFO (or a device) named as a lesson must not hang
	 * the open; only a regular file is read */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		perr(&ps, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		perr(&ps, 0, "not a regular file");
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "rb");
	if (f == NULL) {
		perr(&ps, 0, "cannot open: %s", strerror(errno));
		close(fd);
		return NULL;
	}
	/* one byte more than the limit, so an over-long file is detected */
	buf = malloc(LESSON_MAX_FILE + 1);
	if (buf == NULL) {
		perr(&ps, 0, "out of memory");
		goto out;
	}
	n = fread(buf, 1, LESSON_MAX_FILE + 1, f);
	if (ferror(f)) {
		perr(&ps, 0, "cannot read: %s", strerror(errno));
		goto out;
	}
	l = lesson_parse_buffer(path, buf, n, errs);
out:
	free(buf);
	fclose(f);
	return l;
}

/* Free one question. */
static void question_free(struct lesson_question *q)
{
	if (q == NULL)
		return;
	for (size_t i = 0; i < q->nchoices; i++)
		free(q->choices[i]);
	free(q->choices);
	free(q->choice_ev);
	free(q->correct);
	free(q->prompt);
	free(q->right);
	free(q->wrong);
	free(q);
}

/* see lesson.h */
void lesson_free(struct lesson *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->nsteps; i++) {
		free(l->steps[i].highlight);
		free(l->steps[i].text);
		question_free(l->steps[i].question);
	}
	for (size_t i = 0; i < l->nrefs; i++)
		free(l->refs[i].field);
	free(l->refs);
	free(l->steps);
	free(l->name);
	free(l->title);
	free(l->description);
	free(l);
}

/* see lesson.h */
void lesson_errors_clear(struct lesson_errors *errs)
{
	if (errs == NULL)
		return;
	for (size_t i = 0; i < errs->n; i++)
		free(errs->e[i].text);
	free(errs->e);
	errs->e = NULL;
	errs->n = 0;
	errs->total = 0;
}

/* see lesson.h */
void lesson_apply_options(const struct lesson *l, struct runopts *ro)
{
	if (l->opts.set & LOPT_KEX)
		ro->kex = l->opts.ro.kex;
	if (l->opts.set & LOPT_TLS)
		ro->tls = l->opts.ro.tls;
	if (l->opts.set & LOPT_SCENARIO)
		ro->scenario = l->opts.ro.scenario;
	if (l->opts.set & LOPT_CLASSIC)
		ro->classic = l->opts.ro.classic;
}

/* ---- Following a live run ---- */

#define ACTOR_SLOTS 5

struct lesson_run {
	const struct lesson *l;
	unsigned last_seq;
	size_t next;              /* first step that may still fire */
	size_t last_fired;        /* 1-based, 0 = none */
	unsigned *fired_seq;      /* per step: seq of the event that fired it, 0 = not */
	char **hl_value;          /* per step: the highlighted field's value */
	char **ref_value;         /* per lesson ref: the latest value seen */
	unsigned count_any[EV__COUNT];
	unsigned count[EV__COUNT][ACTOR_SLOTS];
	unsigned char *answered;  /* per step: its question was answered */
	const struct lesson_question *pq; /* pending prediction */
	int ppick;
	int settled;
	struct lesson_verdict pv;
	int asked;
	int right_first;
};

/* see lesson.h */
struct lesson_run *lesson_run_new(const struct lesson *l)
{
	struct lesson_run *run = calloc(1, sizeof *run);
	size_t n = l->nsteps ? l->nsteps : 1;

	if (run == NULL)
		return NULL;
	run->l = l;
	run->fired_seq = calloc(n, sizeof *run->fired_seq);
	run->hl_value = calloc(n, sizeof *run->hl_value);
	run->answered = calloc(n, 1);
	run->ref_value = calloc(l->nrefs ? l->nrefs : 1, sizeof *run->ref_value);
	if (run->fired_seq == NULL || run->hl_value == NULL || run->answered == NULL ||
	    run->ref_value == NULL) {
		lesson_run_free(run);
		return NULL;
	}
	return run;
}

/* see lesson.h */
void lesson_run_free(struct lesson_run *run)
{
	if (run == NULL)
		return;
	for (size_t i = 0; run->hl_value != NULL && i < run->l->nsteps; i++)
		free(run->hl_value[i]);
	for (size_t i = 0; run->ref_value != NULL && i < run->l->nrefs; i++)
		free(run->ref_value[i]);
	free(run->hl_value);
	free(run->ref_value);
	free(run->fired_seq);
	free(run->answered);
	free(run);
}

/* Replace *dst with a copy of a field's value (values are already sanitised
 * by event_field()). */
static void keep_value(char **dst, const struct event *ev, const char *field)
{
	const struct field *f = event_find_field(ev, field);
	char *v;

	if (f == NULL || f->value == NULL)
		return;
	v = strdup(f->value);
	if (v == NULL)
		return;
	free(*dst);
	*dst = v;
}

/* Settle a pending prediction if this event is in the layers it is about. */
static void settle_prediction(struct lesson_run *run, const struct event *ev)
{
	const struct lesson_question *q = run->pq;
	unsigned layers = 0;
	int expected = -1;

	for (size_t i = 0; i < q->nchoices; i++) {
		layers |= 1u << evname_layer((enum evname)q->choice_ev[i]);
		if (q->correct[i])
			expected = q->choice_ev[i];
	}
	if (!(layers & (1u << evname_layer(ev->name))))
		return;
	run->settled = 1;
	run->pq = NULL;
	run->pv.actual = (int)ev->name;
	run->pv.pick = run->ppick;
	run->pv.right = run->ppick >= 0 && q->choice_ev[run->ppick] == (int)ev->name;
	run->pv.feedback = run->pv.right ? q->right : q->wrong;
	run->pv.expected_ok = expected == (int)ev->name;
	if (run->pv.right)
		run->right_first++;
}

/* 1 when a step's selector matches an event just counted. */
static int step_matches(const struct lesson_run *run, const struct lesson_step *s,
			const struct event *ev)
{
	unsigned n;

	if (s->at.name != ev->name && s->at.alt != (int)ev->name)
		return 0;
	if (s->at.actor >= 0 && s->at.actor != (int)ev->actor)
		return 0;
	if (s->at.nth == 0)
		return 1;
	n = s->at.actor >= 0 ? run->count[ev->name][s->at.actor] : run->count_any[ev->name];
	return n == (unsigned)s->at.nth;
}

/* see lesson.h */
const struct lesson_step *lesson_match(struct lesson_run *run, const struct event *ev)
{
	const struct lesson *l = run->l;

	run->settled = 0;
	if (ev == NULL || (unsigned)ev->name >= EV__COUNT || ev->seq <= run->last_seq)
		return NULL;
	run->last_seq = ev->seq;
	run->count_any[ev->name]++;
	if ((unsigned)ev->actor < ACTOR_SLOTS)
		run->count[ev->name][ev->actor]++;
	for (size_t i = 0; i < l->nrefs; i++)
		if (l->refs[i].ev == ev->name)
			keep_value(&run->ref_value[i], ev, l->refs[i].field);
	if (run->pq != NULL)
		settle_prediction(run, ev);
	for (size_t i = run->next; i < l->nsteps; i++) {
		const struct lesson_step *s = &l->steps[i];

		if (!step_matches(run, s, ev))
			continue;
		run->next = i + 1;
		run->last_fired = i + 1;
		run->fired_seq[i] = ev->seq;
		if (s->highlight != NULL)
			keep_value(&run->hl_value[i], ev, s->highlight);
		return s;
	}
	return NULL;
}

/* see lesson.h */
const struct lesson_step *lesson_step_at(const struct lesson_run *run, unsigned seq)
{
	const struct lesson_step *best = NULL;
	unsigned best_seq = 0;

	for (size_t i = 0; i < run->l->nsteps; i++) {
		unsigned f = run->fired_seq[i];

		if (f != 0 && f <= seq && f >= best_seq) {
			best = &run->l->steps[i];
			best_seq = f;
		}
	}
	return best;
}

/* see lesson.h */
size_t lesson_progress(const struct lesson_run *run, size_t *n)
{
	if (n != NULL)
		*n = run->l->nsteps;
	return run->last_fired;
}

/* see lesson.h */
int lesson_done(const struct lesson_run *run)
{
	return run->l->nsteps > 0 && run->last_fired == run->l->nsteps;
}

/* The latest value of placeholder {ev:field}, or NULL. */
static const char *ref_lookup(const struct lesson_run *run, const char *evs, size_t elen,
			      const char *field, size_t flen)
{
	char name[64];
	int ev;

	if (elen >= sizeof name)
		return NULL;
	memcpy(name, evs, elen);
	name[elen] = '\0';
	ev = evname_from_str(name);
	for (size_t i = 0; ev >= 0 && i < run->l->nrefs; i++)
		if ((int)run->l->refs[i].ev == ev && strlen(run->l->refs[i].field) == flen &&
		    memcmp(run->l->refs[i].field, field, flen) == 0)
			return run->ref_value[i];
	return NULL;
}

/* see lesson.h */
char *lesson_render(const struct lesson_run *run, const char *text)
{
	struct sbuf b = {0};

	sb_puts(&b, "");
	for (const char *p = text; p != NULL && *p != '\0'; p++) {
		const char *close;
		const char *colon;
		const char *v;

		if (*p != '{') {
			sb_add(&b, p, 1);
			continue;
		}
		if (p[1] == '{') {
			sb_add(&b, p, 1);
			p++;
			continue;
		}
		close = strchr(p, '}');
		colon = close != NULL ? memchr(p, ':', (size_t)(close - p)) : NULL;
		if (colon == NULL) {
			sb_add(&b, p, 1);
			continue;
		}
		v = run != NULL ? ref_lookup(run, p + 1, (size_t)(colon - p - 1), colon + 1,
					     (size_t)(close - colon - 1))
				: NULL;
		sb_puts(&b, v != NULL ? v : "{?}");
		p = close;
	}
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* see lesson.h */
const char *lesson_highlight_value(const struct lesson_run *run, const struct lesson_step *s)
{
	if (s == NULL || s->index >= run->l->nsteps || &run->l->steps[s->index] != s)
		return NULL;
	return run->hl_value[s->index];
}

/* The step a question belongs to, or NULL. */
static const struct lesson_step *question_step(const struct lesson_run *run,
					       const struct lesson_question *q)
{
	for (size_t i = 0; i < run->l->nsteps; i++)
		if (run->l->steps[i].question == q)
			return &run->l->steps[i];
	return NULL;
}

/* see lesson.h */
int lesson_answer(struct lesson_run *run, const struct lesson_question *q,
		  const int *picks, size_t npicks, struct lesson_verdict *v)
{
	unsigned char chosen[LESSON_MAX_CHOICES] = {0};
	const struct lesson_step *s;
	int right = 1;

	for (size_t i = 0; i < npicks; i++) {
		if (picks[i] < 0 || (size_t)picks[i] >= q->nchoices)
			right = 0;
		else
			chosen[picks[i]] = 1;
	}
	for (size_t i = 0; i < q->nchoices; i++)
		if (chosen[i] != q->correct[i])
			right = 0;
	if (npicks == 0)
		right = 0;
	if (v != NULL) {
		v->right = right;
		v->feedback = right ? q->right : q->wrong;
		v->actual = -1;
		v->pick = -1;
		v->expected_ok = 1;
	}
	s = run != NULL ? question_step(run, q) : NULL;
	if (s != NULL && !run->answered[s->index]) {
		run->answered[s->index] = 1;
		run->asked++;
		run->right_first += right;
	}
	return right;
}

/* see lesson.h */
int lesson_predict(struct lesson_run *run, const struct lesson_question *q, int pick)
{
	const struct lesson_step *s;

	if (q == NULL || q->kind != LQ_PREDICT || pick < -1 || (pick >= 0 && (size_t)pick >= q->nchoices))
		return -1;
	run->pq = q;
	run->ppick = pick;
	s = question_step(run, q);
	if (pick >= 0 && s != NULL && !run->answered[s->index]) {
		run->answered[s->index] = 1;
		run->asked++;
	}
	return 0;
}

/* see lesson.h */
int lesson_prediction(const struct lesson_run *run, struct lesson_verdict *v)
{
	if (!run->settled)
		return 0;
	if (v != NULL)
		*v = run->pv;
	return 1;
}

/* see lesson.h */
void lesson_score(const struct lesson_run *run, int *asked, int *right_first)
{
	if (asked != NULL)
		*asked = run->asked;
	if (right_first != NULL)
		*right_first = run->right_first;
}

/* Columns a UTF-8 string of n bytes takes (one per code point). */
static size_t columns(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* Bytes of s that fit in cols columns, not cutting a UTF-8 sequence. */
static size_t fit_bytes(const char *s, size_t n, size_t cols)
{
	size_t c = 0;
	size_t i = 0;

	while (i < n) {
		size_t j = i + 1;

		while (j < n && ((unsigned char)s[j] & 0xc0) == 0x80)
			j++;
		if (c + 1 > cols)
			break;
		c++;
		i = j;
	}
	return i;
}

/* Emit the indent. */
static void sb_indent(struct sbuf *b, int indent)
{
	for (int i = 0; i < indent; i++)
		sb_add(b, " ", 1);
}

void lesson_right_choices(const struct lesson_question *q, char *buf, size_t len)
{
	size_t o = 0;
	size_t k = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < q->nchoices && o + 8 < len; i++) {
		if (!q->correct[i])
			continue;
		k++;
		o += (size_t)snprintf(buf + o, len - o, "%s%zu",
				      k == 1 ? "" : (k == q->ncorrect ? " and " : ", "), i + 1);
	}
}
/* see lesson.h */
char *lesson_wrap(const char *text, int width, int indent)
{
	struct sbuf b = {0};
	size_t avail;
	const char *p = text != NULL ? text : "";

	if (indent < 0)
		indent = 0;
	avail = width - indent >= 10 ? (size_t)(width - indent) : 10;
	sb_puts(&b, "");
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		size_t col = 0;
		size_t i = 0;

		if (n == 0)
			sb_puts(&b, "\n");
		while (i < n) {
			size_t ws = i;
			size_t we;
			size_t wc;

			while (ws < n && p[ws] == ' ')
				ws++;
			if (ws == n)
				break;
			we = ws;
			while (we < n && p[we] != ' ')
				we++;
			wc = columns(p + ws, we - ws);
			if (col > 0 && col + 1 + wc > avail) {
				sb_puts(&b, "\n");
				col = 0;
			}
			if (col == 0) {
				sb_indent(&b, indent);
			} else {
				sb_add(&b, " ", 1);
				col++;
			}
			/* a word longer than the line is cut, never overflows */
			while (wc > avail - col) {
				size_t fb = fit_bytes(p + ws, we - ws, avail - col);

				sb_add(&b, p + ws, fb);
				sb_puts(&b, "\n");
				sb_indent(&b, indent);
				ws += fb;
				wc = columns(p + ws, we - ws);
				col = 0;
			}
			sb_add(&b, p + ws, we - ws);
			col += wc;
			i = we;
		}
		if (n > 0)
			sb_puts(&b, "\n");
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* see lesson.h */
int lesson_feedback_judges(const char *text)
{
	static const char *const words[] = {"right", "yes", "correct", "exactly", "indeed",
					    "wrong", "no", "not quite", "incorrect"};

	if (text == NULL)
		return 0;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		size_t n = strlen(words[i]);

		if (strncasecmp(text, words[i], n) == 0 && !isalpha((unsigned char)text[n]))
			return 1;
	}
	return 0;
}
