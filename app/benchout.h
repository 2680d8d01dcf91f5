/* What printing a long exchange costs: --json against --trace for a 16 MB
 * response, from a real TLS server in a child process, interleaved runs of
 * the real program with its output going to /dev/null. */
#ifndef HTTPSVIZ_BENCHOUT_H
#define HTTPSVIZ_BENCHOUT_H

/* Run both modes `runs` times and print the medians, the ratio and the peak
 * memory of each.  bin is the program to run.  Returns 0, or -1 (reason on
 * stderr). */
int benchout_run(const char *bin, int runs);

#endif
