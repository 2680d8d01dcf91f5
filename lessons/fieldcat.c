/* The catalogue of fields per event (generated table) and look-ups. */
#include "lessons/fieldcat.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "protocol/event.h"

struct fieldcat_entry {
	const char *event;   /* dotted name */
	const char *fields;  /* space-separated, sorted */
};

/* FIELDCAT(event, "field field ...") lines, written by make catalogue. */
#define FIELDCAT(ev, list) {ev, list},
static const struct fieldcat_entry table[] = {
#include "lessons/fieldcat.inc"
	{NULL, NULL},
};
#undef FIELDCAT

/* see fieldcat.h */
const char *fieldcat_fields(int evname)
{
	const char *dotted;

	if (evname < 0 || evname >= (int)EV__COUNT)
		return "";
	dotted = evname_str((enum evname)evname);
	for (size_t i = 0; table[i].event != NULL; i++)
		if (strcmp(table[i].event, dotted) == 0)
			return table[i].fields;
	return "";
}

/* Calls fn on each word of list until it returns non-zero. */
static int each_word(const char *list, int (*fn)(const char *w, size_t n, void *arg), void *arg)
{
	const char *p = list;

	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		if (n > 0 && fn(p, n, arg))
			return 1;
		p += n;
		p += strspn(p, " ");
	}
	return 0;
}

/* Whether the word is the name in arg. */
static int same(const char *w, size_t n, void *arg)
{
	const char *name = arg;

	return strlen(name) == n && strncmp(w, name, n) == 0;
}

/* see fieldcat.h */
int fieldcat_has(int evname, const char *name)
{
	return each_word(fieldcat_fields(evname), same, (void *)name);
}

struct closest {
	const char *name;
	size_t best_d;
	char best[64];
};

/* Edit distance (insert, delete, substitute; case ignored) of two short
 * words; larger words count as far. */
static size_t distance(const char *a, size_t na, const char *b, size_t nb)
{
	size_t row[65];

	if (na > 64 || nb > 64)
		return 99;
	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t d = diag + cost;

			if (up + 1 < d)
				d = up + 1;
			if (row[j - 1] + 1 < d)
				d = row[j - 1] + 1;
			row[j] = d;
			diag = up;
		}
	}
	return row[nb];
}

/* Keep the word when it is closer to the name than the best so far; a word
 * that contains the name, or is contained in it, counts as close. */
static int consider(const char *w, size_t n, void *arg)
{
	struct closest *c = arg;
	size_t ln = strlen(c->name);
	size_t d = distance(c->name, ln, w, n);
	char word[64];

	if (n >= sizeof word)
		return 0;
	memcpy(word, w, n);
	word[n] = '\0';
	if (d > 1 && (strstr(word, c->name) != NULL || (n >= 3 && strstr(c->name, word) != NULL)))
		d = 1 + (ln > n ? ln - n : n - ln) / 8;
	if (d < c->best_d) {
		c->best_d = d;
		snprintf(c->best, sizeof c->best, "%s", word);
	}
	return 0;
}

/* Names from the RFCs and other tools for fields the decoders call
 * otherwise. */
static const struct {
	const char *other, *ours;
} aliases[] = {
	{"subjectaltname", "san"}, {"subjectaltname", "subject_alt_name"},
	{"sni", "server_name"}, {"sni", "host_name"}, {"isn", "seq"},
	{"sequence", "seq"}, {"ciphersuite", "cipher_suite"},
	{"validity", "not_after"}, {"expiry", "not_after"},
};

/* see fieldcat.h */
int fieldcat_suggest(int evname, const char *name, char *buf, size_t len)
{
	struct closest c = {name, 99, ""};
	size_t ln = strlen(name);
	char snake[80], lower[64];
	size_t k = 0;

	/* camelCase as the RFCs write it: notAfter -> not_after */
	for (size_t i = 0; name[i] != '\0' && k + 2 < sizeof snake; i++) {
		if (isupper((unsigned char)name[i]) && i > 0)
			snake[k++] = '_';
		snake[k++] = (char)tolower((unsigned char)name[i]);
	}
	snake[k] = '\0';
	if (strcmp(snake, name) != 0 && fieldcat_has(evname, snake)) {
		snprintf(buf, len, "%s", snake);
		return 0;
	}
	for (k = 0; name[k] != '\0' && k + 1 < sizeof lower; k++)
		lower[k] = (char)tolower((unsigned char)name[k]);
	lower[k] = '\0';
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
		if (strcmp(lower, aliases[i].other) == 0 && fieldcat_has(evname, aliases[i].ours)) {
			snprintf(buf, len, "%s", aliases[i].ours);
			return 0;
		}
	}

	each_word(fieldcat_fields(evname), consider, &c);
	/* a typo: at most a third of the letters wrong (2 at least) */
	if (c.best[0] == '\0' || c.best_d > (ln / 3 > 2 ? ln / 3 : 2))
		return -1;
	snprintf(buf, len, "%s", c.best);
	return 0;
}
