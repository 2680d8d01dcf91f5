#include <arpa/inet.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/export.h"
#include "protocol/sanitize.h"

/* see cli.h */
void cli_usage(FILE *out)
{
	fputs("usage: httpsviz [OPTIONS]                 the live diagram (lesson picker first)\n"
	      "       httpsviz --trace|--json [OPTIONS]  the same exchange, printed\n"
	      "       httpsviz connect HOST[:PORT] [OPTIONS]  a real server\n"
	      "       httpsviz serve [--listen ADDR:PORT] [--ca-out FILE] [--name HOST] [--max-clients N]\n"
	      "                      [--learner-timeout S] [--tls 1.2|1.3] [--trace|--json]\n"
	      "                                          the instrumented server for a class (a class\n"
	      "                                          view in a terminal; --trace/--json: the log)\n"
	      "       httpsviz replay FILE [--trace|--json] [-v] [--lesson NAME|FILE] [--no-questions]\n"
	      "                                          a saved run again, offline (TUI or printed;\n"
	      "                                          --trace skips the questions the run skipped)\n"
	      "       httpsviz export FILE --format text|markdown|mermaid|svg|html [-o OUT]\n"
	      "                                          a saved run as a handout\n"
	      "       httpsviz bench [N]                 what a learner waits for (from a pty),\n"
	      "                                          N instrumented vs bare exchanges,\n"
	      "                                          --json vs --trace on 16 MB\n"
	      "       httpsviz lessons                   list the lessons\n"
	      "       httpsviz lesson check FILE...      validate lesson files\n"
	      "       httpsviz lesson catalogue [--c]    the events and their fields (markdown, or C)\n"
	      "\n"
	      "What to run:\n"
	      "  --kex rsa|ecdhe        TLS 1.2 key exchange (default rsa: TLS_RSA_WITH_AES_128_GCM_SHA256 from\n"
	      "                         the embedded server and serve; connect: ecdhe offers ECDHE suites only,\n"
	      "                         rsa OpenSSL's default suites, and the server picks)\n"
	      "  --tls 1.2|1.3          protocol version (default 1.2; serve: both unless given)\n"
	      "  --classic              no extended master secret (and no encrypt-then-MAC\n"
	      "                         offer, which only matters for CBC suites)\n"
	      "  --scenario NAME        good, expired, not-yet-valid, wrong-host, untrusted-ca,\n"
	      "                         self-signed, missing-intermediate, revoked, weak-key,\n"
	      "                         legacy-only, mitm\n"
	      "  --trust-attacker       mitm: the attacker's CA is in the client's trust store\n"
	      "  --insecure             continue even when the certificate is rejected\n"
	      "  --path P               request path (default /; visible ASCII, at most 1024 bytes)\n"
	      "  --cafile FILE          connect: trust these CA certificates instead of the system's\n"
	      "  --timeout MS           deadline of each wait for a peer (default 5000), kept\n"
	      "                         even while data keeps arriving\n"
	      "\n"
	      "How to show it:\n"
	      "  --trace                print a text sequence diagram, one event per line\n"
	      "  -v, --verbose          with --trace: decoded fields and explanations too\n"
	      "  --json                 print one JSON object per event\n"
	      "  --lesson NAME|FILE     run a lesson (TUI, or with --trace in a plain terminal)\n"
	      "  --no-questions         skip lesson questions\n"
	      "  --explore              TUI without a lesson (no picker)\n"
	      "  --ascii                ASCII lines and arrows only\n"
	      "  --projector            high-contrast classroom layout\n"
	      "  --no-color             no colours (also: the NO_COLOR environment variable)\n"
	      "\n"
	      "Keep what you saw:\n"
	      "  --save FILE            also write the whole run to FILE (JSON lines, mode 0600;\n"
	      "                         in the TUI at quit and with w); replay and export read it\n"
	      "  --save-secrets         keep the session secrets in the saved run (off: left out)\n"
	      "  --export FORMAT        run the exchange and print it as text, markdown,\n"
	      "                         mermaid, svg or html instead\n"
	      "  -o, --output FILE      where export and --export write (default: stdout)\n"
	      "\n"
	      "Capture:\n"
	      "  --keylog FILE          write the secrets in NSS key log format (mode 0600)\n"
	      "  --pcap FILE            write the captured packets, 0600 (needs root or CAP_NET_RAW)\n"
	      "                         (never through a symbolic link or into another user's file)\n"
	      "  --no-pcap              do not capture packets; show TCP_INFO state instead\n"
	      "  --openssl-states       also show OpenSSL's own handshake states (tls.state)\n"
	      "\n"
	      "serve:\n"
	      "  --listen ADDR:PORT     where to listen (default 127.0.0.1:8443; 0.0.0.0:8443 for a class)\n"
	      "  --ca-out FILE          where to write the demo CA certificate (default httpsviz-ca.pem)\n"
	      "  --name HOST[,HOST...]  extra certificate names (it names every interface address)\n"
	      "  --max-clients N        learners served at once (1-256); beyond, they wait, then get 503\n"
	      "                         with the reason (connect prints it as its last line)\n"
	      "  --learner-timeout S    wait for a learner's next step up to S seconds (default 600)\n"
	      "  --cert FILE --key FILE serve this certificate and key (PEM) instead of minted ones\n"
	      "\n"
	      "  -h, --help             this text\n"
	      "  --version              the version\n"
	      "\n"
	      "An option given where it changes nothing is an error.\n"
	      "\n"
	      "Exit status: 0 ok, 2 usage or invalid lesson, 3 cannot connect, 4 timeout,\n"
	      "5 TLS failure, 6 certificate rejected, 7 bad, cut or missing HTTP response,\n"
	      "8 internal error.  An HTTP status that is not 2xx (404, a full class's 503) is\n"
	      "the server's answer, not a failure: exit 0, and the trace's last line says it.\n"
	      "replay and export exit 0, or 2 when the saved run is unreadable (FILE:LINE: why).\n",
	      out);
}

/* An argument shown back in a message: at most 60 bytes, so that a
 * 2000-character --path is not echoed whole (bad() sanitises it). */
static const char *clip(const char *arg)
{
	static char buf[2][96];
	static int turn;
	char *b = buf[turn++ % 2];
	size_t n = strlen(arg);

	if (n <= 60)
		return arg;
	snprintf(b, sizeof buf[0], "%.48s... (%zu bytes)", arg, n);
	return b;
}

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print a one-line reason (sanitised: it may echo argv) and the hint. */
static int bad(const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	char *safe = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n >= 0)
		safe = sanitize_bytes(msg, (size_t)n);
	fprintf(stderr, "httpsviz: %s\nTry 'httpsviz --help'.\n", safe ? safe : "bad usage");
	free(msg);
	free(safe);
	return -1;
}

/* Split HOST[:PORT] or [V6]:PORT into the option buffers. */
static int split_hostport(const char *arg, struct options *opt)
{
	const char *colon = strrchr(arg, ':');
	const char *host = arg;
	size_t hlen = strlen(arg);

	if (arg[0] == '[') {
		const char *end = strchr(arg, ']');

		if (end == NULL)
			return bad("bad address '%s'", clip(arg));
		host = arg + 1;
		hlen = (size_t)(end - host);
		colon = end[1] == ':' ? end + 1 : NULL;
	} else if (colon != NULL && strchr(arg, ':') != colon) {
		colon = NULL; /* a bare IPv6 address */
	} else if (colon != NULL) {
		hlen = (size_t)(colon - arg);
	}
	if (hlen == 0 || hlen >= sizeof opt->hostbuf)
		return bad("bad host '%s'", clip(arg));
	memcpy(opt->hostbuf, host, hlen);
	opt->hostbuf[hlen] = '\0';
	snprintf(opt->portbuf, sizeof opt->portbuf, "443");
	if (colon != NULL) {
		char *end;
		long p = strtol(colon + 1, &end, 10);

		if (*end != '\0' || p < 1 || p > 65535)
			return bad("bad port in '%s'", clip(arg));
		snprintf(opt->portbuf, sizeof opt->portbuf, "%ld", p);
	}
	for (const char *c = opt->hostbuf; *c; c++)
		if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f)
			return bad("bad host '%s'", "(control or non-ASCII characters)");
	opt->cfg.host = opt->hostbuf;
	opt->cfg.port = opt->portbuf;
	return 0;
}

enum {
	O_KEX = 256, O_TLS, O_CLASSIC, O_SCENARIO, O_TRUST_ATTACKER, O_INSECURE, O_PATH, O_CAFILE,
	O_TIMEOUT, O_TRACE, O_JSON, O_SAVE, O_SAVE_SECRETS, O_EXPORT, O_FORMAT, O_LESSON, O_NO_QUESTIONS, O_EXPLORE,
	O_ASCII, O_PROJECTOR, O_NO_COLOR, O_KEYLOG, O_PCAP, O_NO_PCAP, O_OPENSSL_STATES, O_VERSION, O_LISTEN, O_CA_OUT,
	O_MAX_CLIENTS, O_NAME, O_LEARNER_TIMEOUT, O_CERT, O_KEY, O__END
};

static const struct option longopts[] = {
	{"kex", required_argument, NULL, O_KEX},
	{"tls", required_argument, NULL, O_TLS},
	{"classic", no_argument, NULL, O_CLASSIC},
	{"scenario", required_argument, NULL, O_SCENARIO},
	{"trust-attacker", no_argument, NULL, O_TRUST_ATTACKER},
	{"insecure", no_argument, NULL, O_INSECURE},
	{"path", required_argument, NULL, O_PATH},
	{"cafile", required_argument, NULL, O_CAFILE},
	{"timeout", required_argument, NULL, O_TIMEOUT},
	{"trace", no_argument, NULL, O_TRACE},
	{"json", no_argument, NULL, O_JSON},
	{"verbose", no_argument, NULL, 'v'},
	{"lesson", required_argument, NULL, O_LESSON},
	{"no-questions", no_argument, NULL, O_NO_QUESTIONS},
	{"explore", no_argument, NULL, O_EXPLORE},
	{"ascii", no_argument, NULL, O_ASCII},
	{"projector", no_argument, NULL, O_PROJECTOR},
	{"no-color", no_argument, NULL, O_NO_COLOR},
	{"keylog", required_argument, NULL, O_KEYLOG},
	{"pcap", required_argument, NULL, O_PCAP},
	{"no-pcap", no_argument, NULL, O_NO_PCAP},
	{"openssl-states", no_argument, NULL, O_OPENSSL_STATES},
	{"listen", required_argument, NULL, O_LISTEN},
	{"ca-out", required_argument, NULL, O_CA_OUT},
	{"max-clients", required_argument, NULL, O_MAX_CLIENTS},
	{"name", required_argument, NULL, O_NAME},
	{"learner-timeout", required_argument, NULL, O_LEARNER_TIMEOUT},
	{"cert", required_argument, NULL, O_CERT},
	{"key", required_argument, NULL, O_KEY},
	{"save", required_argument, NULL, O_SAVE},
	{"save-secrets", no_argument, NULL, O_SAVE_SECRETS},
	{"export", required_argument, NULL, O_EXPORT},
	{"format", required_argument, NULL, O_FORMAT},
	{"output", required_argument, NULL, 'o'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, O_VERSION},
	{NULL, 0, NULL, 0},
};

/* Where each option changes something: the exchange it applies to, and
 * for display options the output.  Any other use is an error (an option
 * silently ignored would mislead). */
enum {
	W_EMBED = 1,     /* the embedded exchange (no subcommand) */
	W_CONNECT = 2,   /* connect HOST */
	W_SERVE = 4,
	W_BENCH = 8,
	W_REPLAY = 16,   /* replay FILE: a saved run shown again */
	W_EXPORT = 32,   /* export FILE: a saved run as a handout */
	W_RUN = W_EMBED | W_CONNECT,
	OUT_TUI = 1, OUT_TRACE = 2, OUT_JSON = 4, OUT_ANY = 7,
};

static const struct {
	int code;
	const char *name;
	int where;       /* W_* */
	int output;      /* O_* */
} applies[] = {
	/* connect: the protocol menu's current choice (the server decides) */
	{O_KEX, "--kex", W_RUN | W_SERVE | W_BENCH, OUT_ANY},
	{O_TLS, "--tls", W_RUN | W_SERVE | W_BENCH, OUT_ANY},
	{O_CLASSIC, "--classic", W_RUN | W_SERVE | W_BENCH, OUT_ANY},
	{O_SCENARIO, "--scenario", W_EMBED | W_BENCH, OUT_ANY},
	{O_TRUST_ATTACKER, "--trust-attacker", W_EMBED, OUT_ANY},
	{O_INSECURE, "--insecure", W_RUN, OUT_ANY},
	{O_PATH, "--path", W_RUN, OUT_ANY},
	{O_CAFILE, "--cafile", W_CONNECT, OUT_ANY},
	{O_TIMEOUT, "--timeout", W_RUN | W_SERVE | W_BENCH, OUT_ANY},
	{O_TRACE, "--trace", W_RUN | W_SERVE | W_REPLAY, OUT_ANY},
	{O_JSON, "--json", W_RUN | W_SERVE | W_REPLAY, OUT_ANY},
	{'v', "-v/--verbose", W_RUN | W_SERVE | W_REPLAY, OUT_TRACE},
	{O_LESSON, "--lesson", W_RUN | W_REPLAY, OUT_TUI | OUT_TRACE},
	{O_NO_QUESTIONS, "--no-questions", W_RUN | W_REPLAY, OUT_TUI | OUT_TRACE},
	/* replay's TUI is always free to explore */
	{O_EXPLORE, "--explore", W_RUN, OUT_TUI},
	{O_ASCII, "--ascii", W_RUN | W_SERVE | W_REPLAY, OUT_TUI},
	{O_PROJECTOR, "--projector", W_RUN | W_SERVE | W_REPLAY, OUT_TUI},
	{O_NO_COLOR, "--no-color", W_RUN | W_SERVE | W_REPLAY, OUT_TUI},
	{O_KEYLOG, "--keylog", W_RUN | W_SERVE, OUT_ANY},
	{O_PCAP, "--pcap", W_RUN, OUT_ANY},
	{O_NO_PCAP, "--no-pcap", W_RUN | W_BENCH, OUT_ANY},
	{O_OPENSSL_STATES, "--openssl-states", W_RUN | W_SERVE, OUT_ANY},
	{O_LISTEN, "--listen", W_SERVE, OUT_ANY},
	{O_CA_OUT, "--ca-out", W_SERVE, OUT_ANY},
	{O_MAX_CLIENTS, "--max-clients", W_SERVE, OUT_ANY},
	{O_NAME, "--name", W_SERVE, OUT_ANY},
	{O_LEARNER_TIMEOUT, "--learner-timeout", W_SERVE, OUT_ANY},
	{O_CERT, "--cert", W_SERVE, OUT_ANY},
	{O_KEY, "--key", W_SERVE, OUT_ANY},
	{O_EXPORT, "--export", W_RUN | W_EXPORT, OUT_ANY},
	{O_FORMAT, "--format", W_RUN | W_EXPORT, OUT_ANY},
	{'o', "-o/--output", W_RUN | W_EXPORT, OUT_ANY},
	{O_SAVE, "--save", W_RUN, OUT_ANY},
	/* export FILE shows what the file kept: the secrets if it has them */
	{O_SAVE_SECRETS, "--save-secrets", W_RUN, OUT_ANY},
};

/* The name of one W_* place, for a message. */
static const char *where_name(int where)
{
	switch (where) {
	case W_EMBED: return "the embedded exchange";
	case W_CONNECT: return "connect";
	case W_SERVE: return "serve";
	case W_BENCH: return "bench";
	case W_REPLAY: return "replay (it shows the recorded run)";
	case W_EXPORT: return "export (it prints the recorded run as --format says)";
	default: return "this command";
	}
}

/* The first option given where it does not apply, as an error. */
static int check_applies(const unsigned char *seen, int where, int output)
{
	static const char *const out_name[] = {"", "the TUI", "--trace", "", "--json"};

	for (size_t i = 0; i < sizeof applies / sizeof applies[0]; i++) {
		if (!seen[applies[i].code])
			continue;
		if (!(applies[i].where & where))
			return bad("%s does not apply to %s", applies[i].name, where_name(where));
		if (output != 0 && !(applies[i].output & output))
			return bad("%s does not go with %s", applies[i].name, out_name[output]);
	}
	return 0;
}

/* serve --listen ADDR:PORT: a port from 0 to 65535 (0: any free one), and
 * an address that is one ([V6], a dotted quad, a host name) or empty (every
 * address).  Checked here so that a typo is a usage error, not a failure to
 * listen, and is never bound as something else. */
static int check_listen(const char *spec)
{
	const char *colon = strrchr(spec, ':');
	char host[256];
	size_t hl;
	long port;
	char *end;
	unsigned char addr[16];

	if (colon == NULL || colon[1] == '\0')
		return bad("--listen takes ADDR:PORT, not '%s'", clip(spec));
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || colon[1] == '-' || colon[1] == '+' || port < 0 || port > 65535)
		return bad("--listen: the port must be a number from 0 to 65535, not '%s'", clip(colon + 1));
	hl = (size_t)(colon - spec);
	if (hl >= sizeof host)
		return bad("--listen: address too long in '%s'", clip(spec));
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (hl == 0)
		return 0;
	if (host[0] == '[') {
		if (hl < 3 || host[hl - 1] != ']')
			return bad("--listen: bad IPv6 address in '%s' (write [ADDR]:PORT)", clip(spec));
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, addr) != 1)
			return bad("--listen: '%s' is not an IPv6 address", clip(host + 1));
		return 0;
	}
	if (strspn(host, "0123456789.") == hl) {
		if (inet_pton(AF_INET, host, addr) != 1)
			return bad("--listen: '%s' is not an IPv4 address (four numbers from 0 to 255)", clip(host));
		return 0;
	}
	if (strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != hl)
		return bad("--listen: '%s' is not an address or a host name", clip(host));
	return 0;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Apply one option; returns -1 on a bad value. */
static int apply(int c, const char *arg, struct options *opt)
{
	long v;

	switch (c) {
	case O_KEX:
		if (strcmp(arg, "rsa") != 0 && strcmp(arg, "ecdhe") != 0)
			return bad("--kex takes rsa or ecdhe, not '%s'", clip(arg));
		opt->cfg.kex = strcmp(arg, "ecdhe") == 0 ? KEX_ECDHE : KEX_RSA;
		return 0;
	case O_TLS:
		if (strcmp(arg, "1.2") != 0 && strcmp(arg, "1.3") != 0)
			return bad("--tls takes 1.2 or 1.3, not '%s'", clip(arg));
		opt->cfg.tls = strcmp(arg, "1.3") == 0 ? TLSV_13 : TLSV_12;
		opt->tls_given = 1;
		return 0;
	case O_CLASSIC: opt->cfg.classic = 1; return 0;
	case O_SCENARIO:
		if (scenario_from_str(arg) < 0)
			return bad("unknown scenario '%s' (%s)", clip(arg), scenario_names());
		opt->cfg.scenario = (enum scenario)scenario_from_str(arg);
		return 0;
	case O_TRUST_ATTACKER: opt->cfg.trust_attacker = 1; return 0;
	case O_INSECURE: opt->cfg.insecure = 1; return 0;
	case O_PATH:
		/* it goes into the request line: visible ASCII only (RFC 9112
		 * 3.2: no spaces, no controls; other bytes are percent-encoded) */
		if (arg[0] != '/' || strlen(arg) > 1024)
			return bad("--path must start with / and have at most 1024 bytes: '%s'", clip(arg));
		for (const char *p = arg; *p != '\0'; p++)
			if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
				return bad("--path takes visible ASCII only (percent-encode the rest, e.g. %%20 for a "
					   "space), not byte 0x%02x in '%s'",
					   (unsigned char)*p, clip(arg));
		opt->cfg.path = arg;
		return 0;
	case O_CAFILE: opt->cfg.cafile = arg; return 0;
	case O_TIMEOUT:
		if (parse_int(arg, 1, 600000, &v) < 0)
			return bad("--timeout takes milliseconds from 1 to 600000, not '%s'", clip(arg));
		opt->cfg.timeout_ms = (int)v;
		return 0;
	case O_TRACE: opt->mode = MODE_TRACE; opt->trace = 1; return 0;
	case O_JSON: opt->mode = MODE_JSON; opt->json = 1; return 0;
	case O_SAVE: opt->save_file = arg; return 0;
	case O_SAVE_SECRETS: opt->save_secrets = 1; return 0;
	case O_EXPORT:
	case O_FORMAT:
		if (!export_format_valid(arg))
			return bad("%s takes text, markdown, mermaid, svg or html, not '%s'",
				   c == O_EXPORT ? "--export" : "--format", arg);
		opt->export_format = arg;
		return 0;
	case 'o': opt->output = arg; return 0;
	case 'v': opt->verbose = 1; return 0;
	case O_LESSON: opt->lesson = arg; return 0;
	case O_NO_QUESTIONS: opt->no_questions = 1; return 0;
	case O_EXPLORE: opt->explore = 1; return 0;
	case O_ASCII: opt->ascii = 1; return 0;
	case O_PROJECTOR: opt->projector = 1; return 0;
	case O_NO_COLOR: opt->no_color = 1; return 0;
	case O_KEYLOG: opt->cfg.keylog_file = arg; return 0;
	case O_PCAP: opt->cfg.pcap_file = arg; return 0;
	case O_NO_PCAP: opt->cfg.no_pcap = 1; return 0;
	case O_OPENSSL_STATES: opt->cfg.openssl_states = 1; return 0;
	case O_LISTEN:
		if (check_listen(arg) < 0)
			return -1;
		opt->listen = arg;
		return 0;
	case O_CA_OUT: opt->ca_out = arg; return 0;
	case O_NAME:
		if (strlen(arg) > 200 || strpbrk(arg, " ,\t\r\n") != NULL)
			return bad("--name takes NAME[,...] without spaces, not '%s'", clip(arg));
		opt->names = arg;
		return 0;
	case O_MAX_CLIENTS:
		if (parse_int(arg, 1, 256, &v) < 0)
			return bad("--max-clients takes a number of learners from 1 to 256, not '%s'", clip(arg));
		opt->max_clients = (int)v;
		return 0;
	case O_CERT: opt->cert_file = arg; return 0;
	case O_KEY: opt->key_file = arg; return 0;
	case O_LEARNER_TIMEOUT:
		if (parse_int(arg, 1, 86400, &v) < 0)
			return bad("--learner-timeout takes seconds from 1 to 86400, not '%s'", arg);
		opt->cfg.learner_wait_ms = (int)v * 1000;
		return 0;
	case 'h': opt->mode = MODE_HELP; return 0;
	case O_VERSION: opt->mode = MODE_VERSION; return 0;
	default:
		return -1;
	}
}

/* see cli.h */
int cli_parse(int argc, char **argv, struct options *opt)
{
	int c;
	int first = 1;
	unsigned char seen[O__END] = {0};
	enum mode sub = MODE_TUI;
	long v;
	int where;
	int output;

	memset(opt, 0, sizeof *opt);
	opt->bench_n = 200;
	/* a subcommand comes first */
	if (argc > 1 && argv[1][0] != '-') {
		if (strcmp(argv[1], "connect") == 0) {
			if (argc < 3 || argv[2][0] == '-')
				return bad("%s", "connect needs HOST[:PORT]");
			if (split_hostport(argv[2], opt) < 0)
				return -1;
			opt->connect = 1;
			first = 3;
		} else if (strcmp(argv[1], "serve") == 0) {
			sub = MODE_SERVE;
			first = 2;
		} else if (strcmp(argv[1], "replay") == 0 || strcmp(argv[1], "export") == 0) {
			sub = argv[1][0] == 'r' ? MODE_REPLAY : MODE_EXPORT;
			if (argc < 3 || argv[2][0] == '-')
				return bad("%s needs a saved run: httpsviz %s FILE", argv[1], argv[1]);
			opt->replay_file = argv[2];
			first = 3;
		} else if (strcmp(argv[1], "bench") == 0) {
			sub = MODE_BENCH;
			first = 2;
			if (argc > 2 && argv[2][0] != '-') {
				if (parse_int(argv[2], 1, 100000, &v) < 0)
					return bad("bench takes a count from 1 to 100000, not '%s'", clip(argv[2]));
				opt->bench_n = (int)v;
				first = 3;
			}
		} else if (strcmp(argv[1], "lessons") == 0) {
			sub = MODE_LESSONS;
			first = 2;
		} else if (strcmp(argv[1], "lesson") == 0) {
			if (argc >= 3 && strcmp(argv[2], "catalogue") == 0) {
				if (argc > 4 || (argc == 4 && strcmp(argv[3], "--c") != 0))
					return bad("%s", "usage: httpsviz lesson catalogue [--c]");
				opt->mode = MODE_CATALOGUE;
				opt->catalogue_c = argc == 4;
				return 0;
			}
			if (argc < 3 || strcmp(argv[2], "check") != 0)
				return bad("%s", "usage: httpsviz lesson check FILE... | lesson catalogue [--c]");
			opt->mode = MODE_LESSON_CHECK;
			opt->argc_rest = argc - 3;
			opt->argv_rest = argv + 3;
			if (opt->argc_rest == 0)
				return bad("%s", "lesson check needs at least one FILE");
			return 0;
		} else {
			return bad("unknown command '%s'", clip(argv[1]));
		}
	}
	opt->mode = sub;
	/* the options after the subcommand, as their own argv: optind 0 makes
	 * getopt start afresh (cli_parse may run more than once: tests) */
	argv += first - 1;
	argc -= first - 1;
	optind = 0;
	opterr = 0;
	for (;;) {
		int idx = 0;

		c = getopt_long(argc, argv, ":hvo:", longopts, &idx);
		if (c == -1)
			break;
		if (c == '?')
			return bad("unknown option '%s'", clip(argv[optind - 1]));
		if (c == ':')
			return bad("option '%s' needs a value", clip(argv[optind - 1]));
		if (apply(c, optarg, opt) < 0)
			return -1;
		if (c > 0 && c < O__END)
			seen[c] = 1;
		if (sub != MODE_TUI && sub != MODE_SERVE && sub != MODE_REPLAY &&
		    (opt->mode == MODE_TRACE || opt->mode == MODE_JSON))
			return bad("%s", "--trace/--json do not go with this command");
		if ((sub == MODE_SERVE || sub == MODE_REPLAY || sub == MODE_EXPORT) && opt->mode != MODE_HELP &&
		    opt->mode != MODE_VERSION)
			opt->mode = sub; /* serve prints; --json picks the format */
	}
	if (optind < argc)
		return bad("unexpected argument '%s'", clip(argv[optind]));
	if (opt->mode == MODE_HELP || opt->mode == MODE_VERSION)
		return 0;
	if (sub == MODE_LESSONS) {
		for (int k = 0; k < O__END; k++)
			if (seen[k])
				return bad("%s", "lessons takes no options");
		return 0;
	}
	if (sub == MODE_EXPORT && opt->export_format == NULL)
		return bad("%s", "export needs --format text|markdown|mermaid|svg|html");
	if (sub == MODE_REPLAY || sub == MODE_EXPORT) {
		struct engine_config none;

		memset(&none, 0, sizeof none);
		if (memcmp(&opt->cfg, &none, sizeof none) != 0)
			return bad("%s shows the recorded run: options of a live run (--tls, --kex, --scenario, "
				   "--keylog ...) do not go with it", sub == MODE_REPLAY ? "replay" : "export");
	}
	if (sub == MODE_REPLAY && opt->export_format != NULL)
		return bad("%s", "to export a saved run: httpsviz export FILE --format FORMAT");
	if (sub == MODE_TUI && opt->export_format != NULL) {
		if (opt->trace || opt->json)
			return bad("%s", "--export prints the export; it does not go with --trace/--json");
		opt->mode = MODE_EXPORT;
	}
	if (opt->output != NULL && opt->mode != MODE_EXPORT)
		return bad("%s", "-o goes with export and --export");
	if ((sub == MODE_REPLAY || sub == MODE_EXPORT || sub == MODE_SERVE) && opt->save_file != NULL)
		return bad("%s", "--save goes with a run (the TUI, --trace, --json, connect, --export)");
	if (opt->save_secrets && opt->save_file == NULL && opt->mode != MODE_EXPORT && opt->mode != MODE_TUI)
		return bad("%s", "--save-secrets goes with --save, --export or the TUI (w)");
	where = sub == MODE_SERVE    ? W_SERVE
		: sub == MODE_BENCH  ? W_BENCH
		: sub == MODE_REPLAY ? W_REPLAY
		: sub == MODE_EXPORT ? W_EXPORT
		: opt->connect	     ? W_CONNECT
				     : W_EMBED;
	/* serve: the class view in a terminal, else the log; replay: its TUI
	 * unless --trace or --json */
	output = opt->mode == MODE_EXPORT || sub == MODE_SERVE ? 0
		 : opt->json				       ? OUT_JSON
		 : opt->trace				       ? OUT_TRACE
		 : opt->mode == MODE_TRACE		       ? OUT_TRACE
							       : OUT_TUI;
	if (check_applies(seen, where, output) < 0)
		return -1;
	if (opt->cfg.kex == KEX_ECDHE && opt->cfg.tls == TLSV_13)
		return bad("%s", "--kex applies to TLS 1.2; TLS 1.3 always uses (EC)DHE");
	if ((opt->cert_file == NULL) != (opt->key_file == NULL))
		return bad("%s", "--cert and --key go together");
	if (opt->cert_file != NULL && (opt->names != NULL || opt->ca_out != NULL))
		return bad("%s", "--name and --ca-out are for the minted certificate, not --cert");
	if (opt->cfg.trust_attacker && opt->cfg.scenario != SCEN_MITM)
		return bad("%s", "--trust-attacker goes with --scenario mitm");
	if (opt->connect && opt->cfg.scenario != SCEN_GOOD)
		return bad("%s", "--scenario applies to the embedded server, not connect");
	if (!opt->connect && opt->cfg.cafile != NULL && opt->mode != MODE_SERVE)
		return bad("%s", "--cafile goes with connect");
	return 0;
}
