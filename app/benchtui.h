/* What a learner waits for in the TUI, measured from a real pseudo-terminal:
 * the program is started on a pty as a learner would start it, keys are
 * written to the pty, and a latency ends when the frame that answers has been
 * written completely (the last byte of the burst of output the key caused,
 * after which the terminal stays quiet). */
#ifndef HTTPSVIZ_BENCHTUI_H
#define HTTPSVIZ_BENCHTUI_H

/* Measure `runs` times each: the first frame of --explore (and of
 * --explore --scenario mitm), picker -> Enter -> the first lesson's frame,
 * r (restart) after two steps, good and mitm, and q mid-exchange until the
 * process has exited.  Prints the median, the
 * 95th percentile and the worst of each, against the goals.  bin is the
 * program to run (normally this one).  no_pcap passes --no-pcap.  Returns 0,
 * or -1 when the program could not be driven (reason on stderr). */
int benchtui_run(const char *bin, int runs, int no_pcap);

#endif
