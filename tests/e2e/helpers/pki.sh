#!/bin/sh
# Make a test PKI with the openssl command line in directory $1:
#   ca.pem/ca.key   a CA,
#   srv.pem/srv.key a server certificate for localhost (SAN DNS:localhost,
#                   IP:127.0.0.1) valid now,
#   exp.pem         the same key, certified for January 2020 only (expired).
# Keys are RSA-2048 so the server can do TLS 1.2 RSA key exchange.
set -eu
d=$1
cd "$d"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 -subj "/CN=e2e Test CA" \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2> /dev/null
openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj "/CN=localhost" 2> /dev/null
mkdir -p cadb
: > cadb/index.txt
echo 1000 > cadb/serial
cat > ca.cnf <<'CNF'
[ca]
default_ca = test
[test]
database = cadb/index.txt
serial = cadb/serial
new_certs_dir = cadb
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
[srv]
subjectAltName = DNS:localhost,IP:127.0.0.1
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
CNF
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in srv.csr -out srv.pem -days 10 \
	-extensions srv -notext 2> /dev/null
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in srv.csr -out exp.pem \
	-startdate 20200101000000Z -enddate 20200201000000Z -extensions srv -notext 2> /dev/null
