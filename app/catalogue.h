/* `httpsviz lesson catalogue`: the events and the fields each carries, as
 * the decoders emit them in real exchanges of every kind the embedded
 * server offers.  `make catalogue` writes it into lessons/fieldcat.inc
 * (--c, the table `lesson check` uses) and lessons/FORMAT.md (markdown). */
#ifndef HTTPSVIZ_CATALOGUE_H
#define HTTPSVIZ_CATALOGUE_H

/* Exit status when packet capture is not available: the TCP segments'
 * fields would be missing, so nothing is printed. */
#define CATALOGUE_NO_CAPTURE 4

/* Run the exchanges and print the catalogue to stdout, as a C table
 * (c_table != 0) or as markdown.  Returns an exit status: 0,
 * CATALOGUE_NO_CAPTURE, or EXIT_INTERNAL when an exchange cannot run. */
int catalogue_run(int c_table);

#endif
