/* The TUI's latencies, measured through a pseudo-terminal (see benchtui.h). */
#include "app/benchtui.h"

#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define QUIET_MS 60      /* no output for this long: the frame is complete */
#define FRAME_MAX_MS 10000
#define BURST_MAX (512 * 1024)
#define READ_MS 1000     /* a learner's look at the first frame before a step */

enum measure { M_FIRST, M_FIRST_MITM, M_FIRST_PICKER, M_PICK, M_RESTART, M_RESTART_MITM, M_QUIT, M__COUNT };

static const struct {
	const char *name;
	double goal_ms;   /* at the 95th percentile; 0: none */
} measures[M__COUNT] = {
	[M_FIRST] = {"first frame (--explore)", 50},
	[M_FIRST_MITM] = {"first frame (--explore --scenario mitm)", 50},
	[M_FIRST_PICKER] = {"first frame (the menu, no arguments)", 50},
	[M_PICK] = {"picker: Enter -> lesson frame", 100},
	[M_RESTART] = {"r restart (after 2 steps)", 20},
	[M_RESTART_MITM] = {"r restart, mitm (after 2 steps)", 20},
	[M_QUIT] = {"q quit mid-exchange -> process exit", 0}, /* no goal: shown */
};

/* A program running on a pty. */
struct child {
	pid_t pid;
	int fd;          /* the pty's master side */
	char *burst;     /* output of the last burst (NUL-terminated) */
	size_t len;
	const char *stage; /* what was awaited when driving it failed */
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Start bin with args on a new 100x32 pty.  0, or -1. */
static int spawn(struct child *c, const char *bin, char *const args[])
{
	struct winsize ws = {.ws_row = 32, .ws_col = 100};

	c->len = 0;
	c->pid = forkpty(&c->fd, NULL, NULL, &ws);
	if (c->pid < 0)
		return -1;
	if (c->pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		unsetenv("NO_COLOR");
		execv(bin, args);
		_exit(127);
	}
	return 0;
}

/* Read output until the marker (if any) has been seen and then nothing
 * came for QUIET_MS; the time of the last byte goes to *last.  Returns the
 * bytes read, or -1 when the program ended or FRAME_MAX_MS passed. */
static long settle(struct child *c, const char *marker, double *last)
{
	double start = now_ms();
	long total = 0;
	int seen = marker == NULL;

	c->len = 0;
	c->burst[0] = '\0';
	*last = start;
	for (;;) {
		struct pollfd p = {c->fd, POLLIN, 0};
		double t = now_ms();
		int rc;

		if (t - start > FRAME_MAX_MS)
			return -1;
		rc = poll(&p, 1, QUIET_MS);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc == 0) {
			if (seen && total > 0)
				return total;
			continue;
		}
		{
			char buf[8192];
			ssize_t n = read(c->fd, buf, sizeof buf);

			if (n <= 0)
				return -1;
			*last = now_ms();
			total += n;
			if (c->len + (size_t)n < BURST_MAX) {
				memcpy(c->burst + c->len, buf, (size_t)n);
				c->len += (size_t)n;
				c->burst[c->len] = '\0';
			}
			if (!seen && memmem(c->burst, c->len, marker, strlen(marker)) != NULL)
				seen = 1;
		}
	}
}

/* Read and drop output for ms milliseconds; -1 when the program ended. */
static int settle_for(struct child *c, int ms)
{
	double end = now_ms() + ms;

	for (;;) {
		struct pollfd p = {c->fd, POLLIN, 0};
		double left = end - now_ms();
		char buf[8192];

		if (left <= 0)
			return 0;
		if (poll(&p, 1, (int)left + 1) > 0 && read(c->fd, buf, sizeof buf) <= 0)
			return -1;
	}
}

/* Write one key and time the frame that answers it (ms), or -1. */
static double key_latency(struct child *c, const char *key, const char *marker)
{
	double t0 = now_ms();
	double last;

	if (write(c->fd, key, strlen(key)) != (ssize_t)strlen(key))
		return -1;
	if (settle(c, marker, &last) <= 0)
		return -1;
	return last - t0;
}

/* Quit the program (q, then a kill if it lingers) and reap it; the time
 * from q to its exit (ms), or -1 when it had to be killed. */
static double finish(struct child *c)
{
	double t0 = now_ms();
	double end = t0 + 3000;
	int status;
	int eof = 0;

	if (write(c->fd, "q", 1) < 0) {
		/* gone already: reaped below */
	}
	while (now_ms() < end) {
		char buf[4096];
		struct pollfd p = {c->fd, POLLIN, 0};

		if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
			t0 = now_ms() - t0;
			goto out;
		}
		/* once the terminal is closed, only the exit is awaited */
		if (eof)
			usleep(500);
		else if (poll(&p, 1, 1) > 0 && read(c->fd, buf, sizeof buf) <= 0)
			eof = 1;
	}
	t0 = -1;
	if (waitpid(c->pid, &status, WNOHANG) != c->pid) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, &status, 0);
	}
out:
	close(c->fd);
	return t0;
}

/* One run of --explore [--scenario mitm]: its first frame, then two
 * steps, then a restart.  Fills first and restart (ms).  0, or -1. */
static int run_explore(struct child *c, const char *bin, int mitm, int no_pcap, double *first, double *restart,
		       double *quit)
{
	char *args[8];
	int n = 0;
	double t0;
	double last;
	int rc = -1;

	args[n++] = (char *)bin;
	args[n++] = "--explore";
	if (mitm) {
		args[n++] = "--scenario";
		args[n++] = "mitm";
	}
	if (no_pcap)
		args[n++] = "--no-pcap";
	args[n] = NULL;
	t0 = now_ms();
	if (spawn(c, bin, args) < 0)
		return -1;
	if (settle(c, "PAUSED", &last) <= 0) {
		c->stage = "the first frame";
		goto out;
	}
	*first = last - t0;
	/* the learner reads the first frame before stepping: meanwhile the
	 * keys are made in the background (a step that outruns them waits,
	 * which is not what the restart figure is about) */
	c->stage = "two steps";
	if (settle_for(c, READ_MS) < 0 || key_latency(c, " ", NULL) < 0 || key_latency(c, " ", NULL) < 0)
		goto out;
	c->stage = "a restart";
	*restart = key_latency(c, "r", NULL);
	/* quit mid-exchange, sockets (and a capture) open */
	c->stage = "two steps after the restart";
	if (*restart < 0 || key_latency(c, " ", NULL) < 0 || key_latency(c, " ", NULL) < 0)
		goto out;
	c->stage = "q";
	*quit = finish(c);
	return *quit < 0 ? -1 : 0;
out:
	finish(c);
	return rc;
}

/* One run of the picker: its first frame, then Enter on the first lesson,
 * timed to the lesson's frame. */
static int run_picker(struct child *c, const char *bin, int no_pcap, double *first, double *pick)
{
	char *args[] = {(char *)bin, no_pcap ? "--no-pcap" : NULL, NULL};
	double t0 = now_ms();
	double last;
	int rc = -1;

	if (spawn(c, bin, args) < 0)
		return -1;
	c->stage = "the picker";
	if (settle(c, "Enter start", &last) <= 0)
		goto out;
	*first = last - t0;
	c->stage = "the lesson's frame";
	*pick = key_latency(c, "\r", "PAUSED");
	rc = *pick < 0 ? -1 : 0;
out:
	finish(c);
	return rc;
}

/* see benchtui.h */
int benchtui_run(const char *bin, int runs, int no_pcap)
{
	double *t[M__COUNT] = {0};
	struct child c = {0};
	int rc = -1;

	c.burst = malloc(BURST_MAX + 1);
	for (int m = 0; m < M__COUNT; m++)
		t[m] = calloc((size_t)runs, sizeof(double));
	for (int m = 0; m < M__COUNT; m++)
		if (t[m] == NULL)
			goto out;
	if (c.burst == NULL)
		goto out;
	printf("TUI latencies from a real pty (100x32), %d runs each, keys written as soon as the\n"
	       "screen settles (%d ms without output); a latency ends at the last byte of the frame.\n",
	       runs, QUIET_MS);
	fflush(stdout);
	for (int i = 0; i < runs; i++) {
		double unused;

		if (run_explore(&c, bin, 0, no_pcap, &t[M_FIRST][i], &t[M_RESTART][i], &t[M_QUIT][i]) < 0 ||
		    run_explore(&c, bin, 1, no_pcap, &t[M_FIRST_MITM][i], &t[M_RESTART_MITM][i], &unused) < 0 ||
		    run_picker(&c, bin, no_pcap, &t[M_FIRST_PICKER][i], &t[M_PICK][i]) < 0) {
			fprintf(stderr, "httpsviz bench: %s on a pty: no answer to %s (run %d)\n", bin, c.stage, i + 1);
			goto out;
		}
	}
	printf("%-42s %9s %9s %9s %10s\n", "latency", "median", "p95", "worst", "goal (p95)");
	for (int m = 0; m < M__COUNT; m++) {
		size_t p95 = ((size_t)runs * 95 + 99) / 100;

		qsort(t[m], (size_t)runs, sizeof(double), cmp_double);
		printf("%-42s %6.1f ms %6.1f ms %6.1f ms", measures[m].name, t[m][runs / 2], t[m][p95 - 1],
		       t[m][runs - 1]);
		if (measures[m].goal_ms > 0)
			printf("  %4.0f ms %s\n", measures[m].goal_ms,
			       t[m][p95 - 1] <= measures[m].goal_ms ? "met" : "MISSED");
		else
			printf("      -\n");
	}
	rc = 0;
out:
	for (int m = 0; m < M__COUNT; m++)
		free(t[m]);
	free(c.burst);
	return rc;
}
