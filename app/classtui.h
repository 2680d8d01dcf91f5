/* serve's class view in the terminal: the ncurses layer over ui/classview
 * (one row per learner) and ui/view (Enter: that learner's exchange as the
 * live sequence diagram). */
#ifndef HTTPSVIZ_CLASSTUI_H
#define HTTPSVIZ_CLASSTUI_H

#include <stdatomic.h>

#include "app/classroom.h"

struct classtui_info {
	struct classroom *room;
	atomic_int *stop;             /* set by a signal: the view ends */
	const char *listen;
	const char *names;
	const char *ca_out;
	const char *tls;
	int port;
	int loopback_only;
	const char *learner_addr;
	int ascii;
	int projector;
	int no_color;
};

/* Run until q or *stop; returns an exit status. */
int classtui_run(const struct classtui_info *info);

#endif
