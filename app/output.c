#include "app/output.h"

#include <inttypes.h>
#include <string.h>

#include "protocol/tcpcap.h"
#include "protocol/tlsdecode.h"

#define DIAGRAM_WIDTH 34 /* between the C and S columns */

/* see output.h */
void output_trace_header(FILE *out, const char *title, int mitm)
{
	fprintf(out, "%s\n", title);
	if (mitm)
		fprintf(out, "  (the interceptor's lifeline is the middle column: | and {notes})\n");
	fprintf(out, "  #      time  Client%*sServer  what happened\n", DIAGRAM_WIDTH - 4, "");
}

/* Column of a lifeline in the diagram: the client left, the server right,
 * an interceptor in the middle. */
static size_t lane(enum actor a, size_t w)
{
	if (a == ACTOR_CLIENT)
		return 0;
	if (a == ACTOR_SERVER)
		return w - 1;
	return w / 2;
}

/* Draw the middle part: an arrow from the sender's lifeline to the
 * receiver's with the label centred, or a note beside the actor. */
static void diagram(char *buf, const struct event *ev)
{
	const char *label = evname_label(ev->name);
	size_t ll = strlen(label);
	size_t w = DIAGRAM_WIDTH;
	int mitm = ev->actor == ACTOR_MITM || ev->peer == ACTOR_MITM;

	memset(buf, ' ', w);
	buf[w] = '\0';
	if (mitm)
		buf[w / 2] = '|';
	if (ev->dir == DIR_C2S || ev->dir == DIR_S2C) {
		enum actor from = ev->actor == ACTOR_KERNEL ? (ev->dir == DIR_C2S ? ACTOR_CLIENT : ACTOR_SERVER)
							    : ev->actor;
		size_t a = lane(from, w);
		size_t b = lane(ev->peer == ev->actor ? (ev->dir == DIR_C2S ? ACTOR_SERVER : ACTOR_CLIENT) : ev->peer, w);
		size_t lo = a < b ? a : b;
		size_t hi = a < b ? b : a;
		size_t span = hi - lo + 1;
		size_t start;

		if (span < 8) /* degenerate: show it as a full-width arrow */
			lo = 0, hi = w - 1, span = w;
		if (ll > span - 6)
			ll = span - 6;
		memset(buf + lo, '-', span);
		start = lo + (span - ll) / 2;
		buf[start - 1] = ' ';
		memcpy(buf + start, label, ll);
		buf[start + ll] = ' ';
		if (b > a || (b == a && ev->dir == DIR_C2S))
			buf[hi] = '>';
		else
			buf[lo] = '<';
		return;
	}
	/* a local note: [label] next to the lifeline that acted, as wide as
	 * the lane allows (up to the interceptor's lifeline when there is
	 * one): every label of the catalogue fits whole */
	if (ll > (mitm ? w / 2 - 3 : w - 4))
		ll = mitm ? w / 2 - 3 : w - 4;
	if (ev->actor == ACTOR_SERVER) {
		buf[w - ll - 2] = '[';
		memcpy(buf + w - ll - 1, label, ll);
		buf[w - 1] = ']';
	} else if (ev->actor == ACTOR_CLIENT) {
		buf[0] = '[';
		memcpy(buf + 1, label, ll);
		buf[ll + 1] = ']';
	} else {
		size_t start = (w - ll) / 2;

		buf[start - 1] = ev->actor == ACTOR_MITM ? '{' : '(';
		memcpy(buf + start, label, ll);
		buf[start + ll] = ev->actor == ACTOR_MITM ? '}' : ')';
	}
}

/* see output.h */
void output_trace_event(FILE *out, const struct event *ev, int verbose)
{
	char mid[DIAGRAM_WIDTH + 1];
	const char *mark = "";

	diagram(mid, ev);
	/* pass/fail in words for readers without colour (the summaries
	 * leave the verdict to this mark) */
	if (event_failed(ev))
		mark = "FAILED: ";
	else if (ev->result == RESULT_PASS)
		mark = "ok: ";
	fprintf(out, "%3u %7.3fms  C %s S  %s%s\n", ev->seq, (double)ev->t_us / 1000.0, mid, mark, ev->summary);
	if (!verbose)
		return;
	for (size_t i = 0; i < ev->nfields; i++) {
		const struct field *f = &ev->fields[i];

		fprintf(out, "%*s", 18 + 2 * f->depth, "");
		if (f->role != ROLE_NONE) /* a derivation's part */
			fprintf(out, "(%s) ", field_role_str(f->role));
		fprintf(out, "%s: %s", f->name, f->value);
		if (f->length > 0)
			fprintf(out, "  [bytes %zu..%zu]", f->offset, f->offset + f->length - 1);
		fputc('\n', out);
	}
	if (ev->x509_error != 0)
		fprintf(out, "%*sOpenSSL: X509 error %ld: %s\n", 18, "", ev->x509_error,
			ev->x509_error_text ? ev->x509_error_text : "");
	fprintf(out, "%*s-- %s\n", 18, "", evname_explain(ev->name));
}

/* see output.h */
void output_json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run = p;

	fputc('"', out);
	/* runs of plain characters go out in one write; only the few that
	 * JSON needs escaped are written one by one */
	for (; p != NULL && *p; p++) {
		if (*p != '"' && *p != '\\' && *p >= 0x20 && *p != 0x7f)
			continue;
		if (p > run)
			fwrite(run, 1, (size_t)(p - run), out);
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else
			fprintf(out, "\\u%04x", *p);
		run = p + 1;
	}
	if (p != NULL && p > run)
		fwrite(run, 1, (size_t)(p - run), out);
	fputc('"', out);
}

/* see output.h */
void output_hex(FILE *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char buf[4096];
	size_t k = 0;

	/* a table lookup per nibble into a block written at once: a 16 MB
	 * response is 32 MB of hex, which one fprintf per byte made the
	 * slowest part of --json */
	for (size_t i = 0; i < n; i++) {
		buf[k++] = digits[p[i] >> 4];
		buf[k++] = digits[p[i] & 15];
		if (k == sizeof buf) {
			fwrite(buf, 1, k, out);
			k = 0;
		}
	}
	if (k > 0)
		fwrite(buf, 1, k, out);
}

/* Print fields[i..] at depth d as a JSON array; returns the index after. */
static size_t json_fields(FILE *out, const struct event *ev, size_t i, int d)
{
	int first = 1;

	fputc('[', out);
	while (i < ev->nfields && ev->fields[i].depth >= d) {
		const struct field *f = &ev->fields[i];

		if (f->depth > d) { /* a jump in depth: nest under an anonymous parent */
			i = json_fields(out, ev, i, f->depth);
			continue;
		}
		fputs(first ? "{" : ",{", out);
		first = 0;
		fputs("\"name\":", out);
		output_json_string(out, f->name);
		fputs(",\"value\":", out);
		output_json_string(out, f->value);
		fprintf(out, ",\"offset\":%zu,\"length\":%zu,", f->offset, f->length);
		if (f->role != ROLE_NONE)
			fprintf(out, "\"role\":\"%s\",", field_role_str(f->role));
		fputs("\"children\":", out);
		i++;
		if (i < ev->nfields && ev->fields[i].depth > d)
			i = json_fields(out, ev, i, d + 1);
		else
			fputs("[]", out);
		fputc('}', out);
	}
	fputc(']', out);
	return i;
}

/* The event's typed facts as keys (README: JSON keys), each only where it
 * applies. */
static void json_facts(FILE *out, const struct event *ev)
{
	if (ev->wire != WIRE_UNKNOWN)
		fprintf(out, ",\"encrypted\":%s", ev->wire == WIRE_ENCRYPTED ? "true" : "false");
	if (ev->alert.level != 0) {
		const char *d = tlsdecode_alert_name(ev->alert.description);

		fprintf(out, ",\"alert\":{\"level\":%u,\"level_name\":\"%s\",\"description\":%u,\"description_name\":",
			ev->alert.level, alert_level_str(ev->alert.level), ev->alert.description);
		output_json_string(out, d != NULL ? d : "unknown");
		fprintf(out, ",\"close_notify\":%s}", event_is_close_notify(ev) ? "true" : "false");
	}
	if (ev->tcp.captured) {
		char flags[32];

		tcpcap_flags_str(ev->tcp.flags, flags, sizeof flags);
		fprintf(out, ",\"tcp\":{\"seq\":%" PRIu32 ",", ev->tcp.seq);
		if (ev->tcp.flags & TCP_FLAG_ACK)
			fprintf(out, "\"ack\":%" PRIu32 ",", ev->tcp.ack);
		fprintf(out, "\"flags\":\"%s\",\"window\":%u", flags, ev->tcp.window);
		if (ev->tcp.scale >= 0)
			fprintf(out, ",\"window_scale\":%d", ev->tcp.scale);
		fputc('}', out);
	}
	if (ev->http.line != NULL) {
		fputs(",\"http\":{\"start_line\":", out);
		output_json_string(out, ev->http.line);
		if (ev->http.method != NULL) {
			fputs(",\"method\":", out);
			output_json_string(out, ev->http.method);
			fputs(",\"target\":", out);
			output_json_string(out, ev->http.target);
		} else {
			fprintf(out, ",\"status\":%d", ev->http.status);
		}
		if (ev->http.body_line != NULL) {
			fputs(",\"body_line\":", out);
			output_json_string(out, ev->http.body_line);
		}
		fputc('}', out);
	}
	if (ev->tls_role != TLS_ROLE_NONE)
		fprintf(out, ",\"tls_role\":\"%s\"", ev->tls_role == TLS_ROLE_SERVER ? "server" : "client");
	if (ev->tls_version != 0) {
		const char *v = tlsdecode_version_name(ev->tls_version);

		fputs(",\"tls_version\":", out);
		output_json_string(out, v != NULL ? v : "unknown");
	}
}

/* see output.h */
void output_json_event(FILE *out, const struct event *ev)
{
	output_json_event_tagged(out, ev, 0);
}

/* see output.h */
void output_json_event_tagged(FILE *out, const struct event *ev, int exchange)
{
	output_json_event_ext(out, ev, exchange, NULL);
}

/* see output.h */
void output_json_event_ext(FILE *out, const struct event *ev, int exchange, const char *extra)
{
	if (exchange > 0)
		fprintf(out, "{\"exchange\":%d,", exchange);
	else
		fputc('{', out);
	fprintf(out, "\"seq\":%u,\"t_us\":%llu,\"flight\":%d,\"actor\":\"%s\",\"direction\":\"%s\",\"peer\":\"%s\","
		     "\"layer\":\"%s\",\"name\":\"%s\",\"summary\":",
		ev->seq, (unsigned long long)ev->t_us, ev->step, actor_str(ev->actor), direction_str(ev->dir),
		actor_str(ev->peer), layer_str(evname_layer(ev->name)), evname_str(ev->name));
	output_json_string(out, ev->summary);
	fputs(",\"hex\":\"", out);
	output_hex(out, ev->raw, ev->raw_len);
	fputs("\",\"fields\":", out);
	json_fields(out, ev, 0, 0);
	if (ev->result != RESULT_NONE) {
		fprintf(out, ",\"result\":\"%s\"", ev->result == RESULT_PASS ? "pass" : "fail");
		/* only a code OpenSSL reported */
		if (ev->result == RESULT_FAIL && ev->x509_error != 0) {
			fprintf(out, ",\"x509_error\":%ld,\"x509_error_text\":", ev->x509_error);
			output_json_string(out, ev->x509_error_text ? ev->x509_error_text : "");
		}
	}
	if (evname_layer(ev->name) == LAYER_CERT && ev->name != EV_CERT_VERDICT)
		fprintf(out, ",\"checked_by\":\"%s\"", ev->app_only ? "httpsviz alone" : "openssl and httpsviz");
	if (ev->verified >= 0)
		fprintf(out, ",\"verified\":%s", ev->verified ? "true" : "false");
	if (ev->openssl_state >= 0)
		fprintf(out, ",\"openssl_state\":%d", ev->openssl_state);
	json_facts(out, ev);
	if (extra != NULL)
		fputs(extra, out);
	fputs("}\n", out);
}
