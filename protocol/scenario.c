#include "protocol/scenario.h"

#include <string.h>

static const struct {
	const char *name;
	const char *describe;
	const char *teach;
} scenarios[SCEN__COUNT] = {
	[SCEN_GOOD] = {"good", "a valid chain for localhost: server, issuing CA, trusted root",
		       "What should happen: the server sends its certificate and the issuing "
		       "CA's; the client links them up to the root in its trust store, and "
		       "every check passes."},
	[SCEN_EXPIRED] = {"expired", "the server's certificate expired yesterday",
			  "The chain is fine but the certificate is past its notAfter date: "
			  "OpenSSL error 10, alert certificate_expired. Often a forgotten "
			  "renewal, sometimes a wrong clock."},
	[SCEN_NOT_YET_VALID] = {"not-yet-valid", "the server's certificate only becomes valid tomorrow",
				"notBefore is in the future: OpenSSL error 9, alert "
				"bad_certificate. Usually this computer's clock is behind."},
	[SCEN_WRONG_HOST] = {"wrong-host", "a valid certificate, but for www.example.org, not localhost",
			     "A genuine certificate for another name: OpenSSL error 62, alert "
			     "bad_certificate. Otherwise any site's certificate could "
			     "impersonate every other."},
	[SCEN_UNTRUSTED_CA] = {"untrusted-ca", "a real chain, but to a private root this client does not trust",
			       "The server sends its certificate and its issuing CA, but that "
			       "CA's root (a company's private root) is not in the client's "
			       "trust store: OpenSSL error 20 at depth 1, alert unknown_ca."},
	[SCEN_SELF_SIGNED] = {"self-signed", "a self-signed certificate no CA vouches for",
			      "The certificate signed itself: anyone can make one for any name. "
			      "OpenSSL error 18, alert unknown_ca."},
	[SCEN_MISSING_INTERMEDIATE] = {"missing-intermediate",
				       "the server forgets to send its issuing CA's certificate",
				       "The most common real misconfiguration: only the leaf is sent, "
				       "the client cannot link it to its root. OpenSSL error 20 at "
				       "depth 0, alert unknown_ca; some browsers still connect (they "
				       "fetch or remember the intermediate), curl and httpsviz do not."},
	[SCEN_REVOKED] = {"revoked", "the CA revoked the server's certificate; the client checks its CRL",
			  "The certificate is on the issuing CA's revocation list, which this "
			  "client checks: OpenSSL error 23, alert certificate_revoked."},
	[SCEN_WEAK_KEY] = {"weak-key", "the server's certificate holds a 1024-bit RSA key",
			   "OpenSSL's security level 2 asks for 112-bit security; RSA-1024 gives "
			   "about 80. Error 66 (EE_KEY_TOO_SMALL), alert bad_certificate, before "
			   "the chain is even built."},
	[SCEN_LEGACY_ONLY] = {"legacy-only", "an old server that speaks only TLS 1.0 and 1.1",
			      "No version in common: the client accepts TLS 1.2 and up (RFC 8996 "
			      "deprecated 1.0 and 1.1), the server offers at most 1.1. The client "
			      "sends a protocol_version alert; no certificate is ever checked."},
	[SCEN_MITM] = {"mitm", "an interceptor between client and server presents its own certificate",
		       "The interceptor's certificate comes from a CA the client does not "
		       "trust: OpenSSL error 20, alert unknown_ca; the request never leaves."},
};

/* see scenario.h */
const char *scenario_str(enum scenario s)
{
	return (unsigned)s < SCEN__COUNT ? scenarios[s].name : "?";
}

/* see scenario.h */
int scenario_from_str(const char *s)
{
	for (int i = 0; i < SCEN__COUNT; i++)
		if (strcmp(scenarios[i].name, s) == 0)
			return i;
	return -1;
}

/* see scenario.h */
const char *scenario_describe(enum scenario s)
{
	return (unsigned)s < SCEN__COUNT ? scenarios[s].describe : "";
}

/* see scenario.h */
const char *scenario_teach(enum scenario s)
{
	return (unsigned)s < SCEN__COUNT ? scenarios[s].teach : "";
}

/* see scenario.h */
const char *scenario_names(void)
{
	return "good, expired, not-yet-valid, wrong-host, untrusted-ca, self-signed, "
	       "missing-intermediate, revoked, weak-key, legacy-only, mitm";
}
