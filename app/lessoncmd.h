/* The lesson commands: `httpsviz lesson check FILE...`, `httpsviz lessons`,
 * loading `--lesson NAME|FILE`, and narrating a lesson in trace mode. */
#ifndef HTTPSVIZ_LESSONCMD_H
#define HTTPSVIZ_LESSONCMD_H

#include <stdio.h>

#include "lessons/lesson.h"

/* `httpsviz lesson check FILE...`: argv[0..argc) are the files (a name is
 * looked up like --lesson).  Prints each problem on stderr as FILE:LINE:
 * message and "FILE: ok" on stdout for each good file.  Returns 0 when all
 * are good, 2 when any problem (or no file given). */
int lessoncmd_check(int argc, char **argv);
/* `httpsviz lessons`: each lesson found, "NAME  TITLE" then its description
 * indented on the next line.  Returns 0, or 2 when none is found. */
int lessoncmd_list(void);
/* Find (lessondir_find) and parse a lesson for --lesson NAME|FILE.  On
 * failure prints why on err and returns NULL (exit with status 2). */
struct lesson *lessoncmd_load(const char *name, FILE *err);

/* Trace mode.  Call lessoncmd_trace_begin once before the first event,
 * lessoncmd_trace_event right after printing each event (in log order), and
 * lessoncmd_trace_end after the last.  Narration is wrapped to 78 columns and
 * indented; questions are asked on in (numbered choices, one answer line;
 * a wrong answer shows the wrong feedback and may try again; an empty line
 * or EOF skips).  A "what comes next?" question attached to event X is asked
 * right after X, before the next event is printed, and judged when the next
 * event of the layers it is about arrives.  With no_questions the questions
 * are shown with their answers and nothing is read.  If a prediction's
 * expected answer does not match the live run, a line starting
 * "lesson note:" says so (tests look for it). */
void lessoncmd_trace_begin(const struct lesson *l, FILE *out);
void lessoncmd_trace_event(struct lesson_run *run, const struct event *ev, FILE *out,
			   FILE *in, int no_questions);
void lessoncmd_trace_end(const struct lesson_run *run, FILE *out);

#endif
