/* Seed corpus for fuzz_tcpcap: capture the real segments of one loopback
 * TCP connection (handshake, a little data, both FINs) with libpcap and
 * write each packet, as captured, into the directory given on the command
 * line.  Without capture permission it says so and writes nothing: the
 * fuzzer then starts from scratch. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	char filter[64];
	struct bpf_program prog;
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t alen = sizeof a;
	struct pcap_pkthdr *h;
	const u_char *bytes;
	pcap_t *p;
	int l, c, s, n = 0;

	if (argc != 2)
		return 2;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &alen) < 0)
		return perror("seed_tcpcap: socket"), 1;
	p = pcap_open_live("lo", 65535, 0, 100, ebuf);
	if (p == NULL) {
		printf("seed_tcpcap: no capture (%s): no seeds\n", ebuf);
		return 0;
	}
	snprintf(filter, sizeof filter, "tcp port %u", ntohs(a.sin_port));
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 || pcap_setfilter(p, &prog) < 0)
		return fprintf(stderr, "seed_tcpcap: %s\n", pcap_geterr(p)), 1;
	pcap_freecode(&prog);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof a) < 0 || (s = accept(l, NULL, NULL)) < 0)
		return perror("seed_tcpcap: connect"), 1;
	if (write(c, "hello", 5) != 5 || write(s, "world!", 6) != 6)
		return perror("seed_tcpcap: write"), 1;
	close(c);
	close(s);
	close(l);
	/* nonblocking, for one second: a blocking read may never time out */
	if (pcap_setnonblock(p, 1, ebuf) < 0)
		return fprintf(stderr, "seed_tcpcap: %s\n", ebuf), 1;
	for (int tries = 0; n < 16 && tries < 100; tries++) {
		char path[512];
		FILE *f;
		int rc = pcap_next_ex(p, &h, &bytes);

		if (rc == 0) {
			usleep(10000);
			continue;
		}
		if (rc != 1)
			break;

		snprintf(path, sizeof path, "%s/lo-%02d", argv[1], n++);
		f = fopen(path, "wb");
		if (f == NULL || fwrite(bytes, 1, h->caplen, f) != h->caplen || fclose(f) != 0)
			return perror(path), 1;
	}
	pcap_close(p);
	printf("seed_tcpcap: %d captured segments\n", n);
	return 0;
}
