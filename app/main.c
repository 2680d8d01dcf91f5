/* httpsviz: teaches HTTPS by doing it.  main() only dispatches the modes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/bench.h"
#include "app/cli.h"
#include "app/run.h"

#define HTTPSVIZ_VERSION "0.1.0"

int main(int argc, char **argv)
{
	struct options opt;

	if (cli_parse(argc, argv, &opt) < 0)
		return EXIT_USAGE;
	switch (opt.mode) {
	case MODE_HELP:
		cli_usage(stdout);
		return EXIT_OK;
	case MODE_VERSION:
		printf("httpsviz %s\n", HTTPSVIZ_VERSION);
		return EXIT_OK;
	case MODE_BENCH:
		return bench_run(&opt);
	case MODE_TRACE:
	case MODE_JSON:
		return run_printed(&opt, NULL, NULL);
	default:
		if (opt.connect)
			return run_printed(&opt, NULL, NULL);
		fprintf(stderr, "httpsviz: this mode is not built yet\n");
		return EXIT_INTERNAL;
	}
}
