/* Handouts from a run: the sequence diagram as text, Markdown, Mermaid, SVG
 * (A4 pages) or a self-contained HTML page with a clickable inspector.
 * Every format shows the lifelines, the phases and every event's text in
 * full, coloured by layer with a legend (where the format has colours).
 * A reader of the event log, like the TUI; layout facts come from ui/diagram. */
#ifndef HTTPSVIZ_EXPORT_H
#define HTTPSVIZ_EXPORT_H

#include <stdio.h>

#include "protocol/replayfile.h"

enum export_format { EXPORT_TEXT, EXPORT_MARKDOWN, EXPORT_MERMAID, EXPORT_SVG, EXPORT_HTML };

/* Whether s names a format (text, markdown, mermaid, svg, html). */
int export_format_valid(const char *s);
/* The format for a valid name. */
enum export_format export_format_from_str(const char *s);
/* Write run in format fmt to out.  Secrets are shown only when the run
 * holds them and secrets is set (else the fields say they are left out).
 * Returns 0, or -1 when out of memory or writing failed. */
int export_write(FILE *out, enum export_format fmt, const struct saved_run *run, int secrets);
/* The A4 page size of the SVG, in its user units (96 per inch). */
#define EXPORT_A4_W 794
#define EXPORT_A4_H 1123

#endif
