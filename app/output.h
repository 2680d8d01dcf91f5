/* The printed twins of the TUI: a text sequence diagram (--trace) and one
 * JSON object per event (--json).  Readers of the event log, like the TUI. */
#ifndef HTTPSVIZ_OUTPUT_H
#define HTTPSVIZ_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "protocol/event.h"

/* The title and the column headings of the trace; mitm: the run has an
 * interceptor, whose lifeline the middle column is. */
void output_trace_header(FILE *out, const char *title, int mitm);
/* One event as one line: number, time, the arrow or note between the Client
 * and Server columns, and the summary.  verbose adds the fields as an
 * indented tree and the plain-language explanation. */
void output_trace_event(FILE *out, const struct event *ev, int verbose);
/* One event as one JSON object on one line (the keys are a public contract:
 * seq, t_us, step, actor, direction, layer, name, summary, hex, fields, and
 * result / x509_error / x509_error_text / verified where they apply). */
void output_json_event(FILE *out, const struct event *ev);
/* The same, with a leading "exchange" key (serve: which client it was). */
void output_json_event_tagged(FILE *out, const struct event *ev, int exchange);
/* The same with extra members (",\"key\":value..." JSON text, or NULL)
 * before the closing brace: a saved run's event lines. */
void output_json_event_ext(FILE *out, const struct event *ev, int exchange, const char *extra);
/* Write s as a JSON string literal (quotes included). */
void output_json_string(FILE *out, const char *s);
/* Write n bytes as lower-case hex digits, two per byte, no separators. */
void output_hex(FILE *out, const uint8_t *p, size_t n);

#endif
