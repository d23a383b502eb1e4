#!/usr/bin/python3
"""HTTPS client (src/net/http + src/net/tls + src/aws/sigv4) against the Route 53
emulator over TLS, driven by test/tool_https.

Shows: signed requests accepted by the emulator's botocore check (also with
a session token, and refused with a wrong key or token), keep-alive reuse,
queued calls, reconnection after the server closed the connection (idle
timeout, close after a response), the transparent retry of an idempotent
request on a reused connection (and none for a POST), truncated bodies,
timeouts, the body limit, the clock check, and the rejection - with a clear
error and no request reaching the server - of a certificate from an unknown
CA, for another host name (or address), or expired. Hosts given as IP
addresses are checked against the certificate's SAN iPAddress entries. TLS
session resumption is shown against a small Python TLS server of this test,
and so is a connection left unused after stray bytes followed a response;
each ECDHE curve against openssl s_server;
plain HTTP and HTTPS over IPv4 and IPv6 against the emulator.
"""
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, diag, done, skip  # noqa: E402
from emu import Emu  # noqa: E402

BIN = os.environ.get("NOTIFY53_TESTBIN", os.path.join(ROOT, "build", "check",
                                                      "test"))
TOOL = os.path.join(BIN, "tool_https")
KEY = ["--akid", "AKID", "--secret", "SECRET"]
ZONES = "GET:/2013-04-01/hostedzone"


def run(args, timeout=60):
    """Run the tool; returns (results, stats, process)."""
    p = subprocess.run([TOOL] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout,
                       universal_newlines=True)
    results, stats = [], {}
    for line in p.stdout.splitlines():
        if line.startswith("result "):
            r = {"index": int(line.split()[1])}
            for kv in line.split()[2:]:
                k, v = kv.split("=", 1)
                r[k] = int(v) if v.isdigit() else v
            results.append(r)
        elif line.startswith("message ") and results:
            results[-1]["message"] = line[8:]
        elif line.startswith("body ") and results:
            results[-1]["body"] = line[5:]
        elif line.startswith("connects="):
            stats = dict((k, int(v)) for k, v in
                         (kv.split("=") for kv in line.split()))
    if p.stderr.strip():
        diag(p.stderr.strip())
    return results, stats, p


def url(e):
    # The emulator's certificate names localhost, 127.0.0.1 and ::1.
    return "https://localhost:%d" % e.port


def all_ok(results, n):
    return len(results) == n and all(r["status"] == 200 and r["error"] == "OK"
                                     for r in results)


def api_log(e):
    return [x for x in e.log() if x.get("op") != "Unknown"]


def signed(e):
    res, st, _ = run(["--ca", e.ca_file] + KEY + [url(e), ZONES])
    ok(all_ok(res, 1) and "<ListHostedZonesResponse" in res[0].get("body", ""),
       "signed ListHostedZones accepted by the emulator's botocore check")
    log = api_log(e)
    ok(log and log[-1]["op"] == "ListHostedZones" and log[-1]["status"] == 200
       and log[-1].get("access_key") == "AKID", "emulator logged it as AKID")

    res, _, _ = run(["--ca", e.ca_file, "--akid", "ASIATEMP", "--secret",
                     "TEMPSECRET", "--token", "TOKEN/with+chars=", url(e),
                     ZONES + "?maxitems=1"])
    ok(all_ok(res, 1), "session-token signature verifies")
    res, _, _ = run(["--ca", e.ca_file, "--akid", "ASIATEMP", "--secret",
                     "TEMPSECRET", "--token", "WRONG", url(e), ZONES])
    ok(res and res[0]["status"] == 403 and "InvalidClientTokenId" in
       res[0].get("body", ""), "a wrong session token is refused (403)")
    res, _, _ = run(["--ca", e.ca_file, "--akid", "AKID", "--secret", "NOPE",
                     url(e), ZONES])
    ok(res and res[0]["status"] == 403 and "SignatureDoesNotMatch" in
       res[0].get("body", ""), "a wrong secret is refused (403): the check is real")

    zid = e.create_zone("example.com.")
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com'
            '/doc/2013-04-01/"><ChangeBatch><Changes><Change><Action>UPSERT</Action>'
            '<ResourceRecordSet><Name>www.example.com.</Name><Type>A</Type>'
            '<TTL>300</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1'
            '</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>'
            '</Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>')
    res, _, _ = run(["--ca", e.ca_file] + KEY + [
        url(e), "POST:/2013-04-01/hostedzone/%s/rrset/:%s" % (
            zid.split("/")[-1], body)])
    ok(all_ok(res, 1) and "<ChangeInfo>" in res[0].get("body", ""),
       "signed POST ChangeResourceRecordSets (body and Content-Type signed)")
    ok(any(r["name"] == "www.example.com." and r["type"] == "A"
           for r in e.rrsets(zid)), "the change reached the zone")


def keep_alive(e):
    e.reset()
    res, st, _ = run(["--ca", e.ca_file] + KEY + [url(e)] + [ZONES] * 5)
    ok(all_ok(res, 5), "five requests answered")
    eq(st.get("connects"), 1, "one connection for five requests (keep-alive)")
    log = api_log(e)
    ok(len(log) == 5 and len(set(x["conn"] for x in log)) == 1,
       "emulator saw five requests on one connection")
    eq([x["req_on_conn"] for x in log], sorted(x["req_on_conn"] for x in log),
       "in order on that connection")

    res, st, _ = run(["--ca", e.ca_file, "--queue"] + KEY + [url(e)] +
                     [ZONES] * 3)
    ok(all_ok(res, 3) and st.get("connects") == 1,
       "three queued calls run one after another on one connection")


def reconnects(e):
    e.reset(faults=True)
    e.fault("close-after", op="ListHostedZones", count=1)
    res, st, _ = run(["--ca", e.ca_file] + KEY + [url(e), ZONES, "sleep:300",
                                                  ZONES])
    ok(all_ok(res, 2), "request after the server closed the connection succeeds")
    eq(st.get("connects"), 2, "a new connection was made")
    log = api_log(e)
    ok(len(log) == 2 and log[0]["conn"] != log[1]["conn"],
       "emulator saw them on two connections")

    e.reset(faults=True)
    e.fault("close-after", op="ListHostedZones", count=1)
    res, st, _ = run(["--ca", e.ca_file] + KEY + [url(e), ZONES, ZONES])
    ok(all_ok(res, 2) and st.get("connects") == 2,
       "immediately after a close: reconnects, nothing fails")

    # The second request of a kept-alive connection is dropped unanswered:
    # a GET is idempotent, so it is retried once on a new connection.
    e.reset(faults=True)
    e.fault("close", op="ListHostedZones", skip=1, count=1)
    res, st, _ = run(["--ca", e.ca_file] + KEY + [url(e), ZONES, ZONES])
    ok(all_ok(res, 2), "idempotent GET retried transparently")
    ok(len(res) == 2 and res[1]["attempts"] == 2, "on a second connection")
    eq(len(e.log(op="ListHostedZones")), 3, "server saw 3 requests (one dropped)")

    # A POST is not: the server may have acted on it.
    e.reset(faults=True)
    zid = e.create_zone("post.example.")
    e.fault("close", op="ChangeResourceRecordSets", count=1)
    res, st, _ = run(["--ca", e.ca_file] + KEY + [
        url(e), ZONES, "POST:/2013-04-01/hostedzone/%s/rrset/:<x/>" %
        zid.split("/")[-1]])
    ok(len(res) == 2 and res[1]["error"] == "IO" and res[1]["sent"] == 1 and
       res[1]["attempts"] == 1, "POST on a dropped connection fails, not retried")
    eq(len(e.log(op="ChangeResourceRecordSets")), 1, "server saw the POST once")

    # A fresh connection dropped unanswered is the caller's to retry.
    e.reset(faults=True)
    e.fault("close", op="ListHostedZones", count=1)
    res, _, _ = run(["--ca", e.ca_file] + KEY + [url(e), ZONES])
    ok(res and res[0]["error"] == "IO" and "before any response" in
       res[0].get("message", ""), "fresh connection closed: clear IO error")


def failures(e):
    e.reset(faults=True)
    e.fault("truncate", op="ListHostedZones", count=1)
    res, _, _ = run(["--ca", e.ca_file] + KEY + [url(e), ZONES])
    ok(res and res[0]["error"] == "IO" and "before the end of the body" in
       res[0].get("message", ""), "truncated body: %s" % (
           res and res[0].get("message")))

    e.reset(faults=True)
    e.fault("hang", op="ListHostedZones", count=1, arg=5)
    t0 = time.time()
    res, _, _ = run(["--ca", e.ca_file, "--timeout", "1000"] + KEY +
                    [url(e), ZONES])
    ok(res and res[0]["error"] == "TIMEOUT" and time.time() - t0 < 4,
       "total timeout after 1 s: %s" % (res and res[0].get("message")))

    e.reset(faults=True)
    res, _, _ = run(["--ca", e.ca_file, "--body-max", "100"] + KEY +
                    [url(e), ZONES])
    ok(res and res[0]["error"] == "TOO_LARGE", "body over --body-max refused")

    e.reset()
    res, st, _ = run(["--ca", e.ca_file, "--clock", "1000000000"] + KEY +
                     [url(e), ZONES])
    ok(res and res[0]["error"] == "CLOCK" and "clock not set" in
       res[0].get("message", ""), "clock before the build time: clock not set")
    ok(st.get("connects") == 0 and e.count() == 0, "and no connection was made")

    res, _, _ = run(KEY + [url(e), ZONES])
    ok(res and res[0]["error"] == "TLS" and "not trusted" in
       res[0].get("message", ""),
       "compiled-in AWS anchors do not trust the emulator's CA")


def rejected(flag, expect, what):
    with Emu(rate=1000, burst=1000, args=[flag]) as e:
        for u in (url(e), e.url):
            res, _, _ = run(["--ca", e.ca_file] + KEY + [u, ZONES])
            ok(res and res[0]["error"] == "TLS" and res[0]["sent"] == 0 and
               expect in res[0].get("message", ""),
               "%s at %s rejected: %s" % (what, u, res and res[0].get("message")))
        eq(e.count(), 0, "%s: no request reached the server" % what)
        ok(e.stats().get("tls_handshake_failures", 0) >= 2,
           "%s: the server saw the handshakes fail" % what)


def ip_hosts(e):
    e.reset()
    res, st, _ = run(["--ca", e.ca_file] + KEY + [e.url, ZONES, ZONES])
    ok(all_ok(res, 2) and st.get("connects") == 1,
       "https://127.0.0.1: certificate checked against its SAN iPAddress")


def idle_timeout():
    with Emu(rate=1000, burst=1000, args=["--idle-timeout", "0.5"]) as e:
        res, st, _ = run(["--ca", e.ca_file] + KEY + [url(e), ZONES,
                                                      "sleep:1200", ZONES])
        ok(all_ok(res, 2) and st.get("connects") == 2 and
           all(r["attempts"] == 1 for r in res),
           "server closed the idle connection: noticed, new connection")


def rsa_key():
    with Emu(rate=1000, burst=1000, args=["--key-type", "rsa"]) as e:
        res, _, _ = run(["--ca", e.ca_file] + KEY + [url(e), ZONES])
        ok(all_ok(res, 1), "RSA certificate (ECDHE_RSA) accepted")


def plain_http():
    with Emu(http=True, rate=1000, burst=1000) as e:
        res, _, _ = run(KEY + [e.url, ZONES, ZONES])
        ok(all_ok(res, 2), "plain http:// over IPv4 (%s)" % e.url)
    try:
        s = socket.socket(socket.AF_INET6)
        s.bind(("::1", 0))
        s.close()
    except OSError:
        skip("an IPv6 loopback endpoint [::1]", "no IPv6 loopback here")
        return
    with Emu(http=True, rate=1000, burst=1000, host="::1") as e:
        res, _, _ = run(KEY + [e.url, ZONES])
        ok(all_ok(res, 1), "plain http:// over IPv6 (%s)" % e.url)
    with Emu(rate=1000, burst=1000, host="::1") as e:
        res, _, _ = run(["--ca", e.ca_file] + KEY + [e.url, ZONES])
        ok(all_ok(res, 1), "https:// over IPv6 (%s), SAN iPAddress ::1" % e.url)


def read_head(t):
    """A request head from TLS socket t; False when it closed first."""
    data = b""
    while b"\r\n\r\n" not in data:
        d = t.recv(4096)
        if not d:
            return False
        data += d
    return True


class ResumingServer(object):
    """TLS 1.2 server answering each request with a tiny HTTP response and
    closing properly, so OpenSSL keeps sessions for resumption."""

    def __init__(self, certfile, keyfile, connections=2, quiet=False):
        self.connections = connections
        self.quiet = quiet
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(certfile, keyfile)
        self.ctx.options |= ssl.OP_NO_TICKET
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(10)
        self.port = self.sock.getsockname()[1]
        self.reused = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        for _ in range(self.connections):
            try:
                c, _ = self.sock.accept()
                t = self.ctx.wrap_socket(c, server_side=True)
                self.reused.append(t.session_reused)
                read_head(t)
                t.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                          b"Connection: close\r\n\r\nok")
                t.unwrap().close()
            except (OSError, ssl.SSLError) as ex:
                if not self.quiet:
                    diag("resuming server: %s" % ex)
        self.sock.close()


class StrayServer(object):
    """TLS server whose first answer is followed, in the same TLS record,
    by a second response nobody asked for; later requests, on whatever
    connection they come, get "fresh"."""

    def __init__(self, certfile, keyfile, size):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(certfile, keyfile)
        self.size = size
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(10)
        self.port = self.sock.getsockname()[1]
        self.requests = 0
        self.stop = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def conn(self, t):
        while read_head(t):
            self.requests += 1
            if self.requests == 1:
                head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n"
                n = self.size - len(head % 1000)
                first = head % n + b"a" * n
                self.first_len = n
                stray = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale"
                t.sendall(first + stray)
            else:
                t.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh")

    def serve(self):
        while self.requests < 2 and not self.stop:
            try:
                c, _ = self.sock.accept()
                t = self.ctx.wrap_socket(c, server_side=True)
                t.settimeout(10)
                self.conn(t)
                t.close()
            except (OSError, ssl.SSLError):
                continue
        self.sock.close()


def stray_data(cert, key):
    """Bytes after a complete response, already decrypted by the TLS
    engine but not yet read (the response ends exactly where the client's
    read of 4096 bytes does): the connection is not reused. (It was, and
    the engine, its one buffer holding them, took no request bytes: the
    next call waited for its total timeout.)"""
    srv = StrayServer(cert, key, 4096)
    res, st, _ = run(["--ca", cert, "--timeout", "20000",
                      "https://localhost:%d" % srv.port, "GET:/a", "GET:/b"])
    srv.stop = True
    srv.thread.join(15)
    ok(res and res[0].get("error") == "OK" and
       res[0].get("len") == getattr(srv, "first_len", -1),
       "stray data: the first answer read whole")
    eq(res[1].get("body") if len(res) > 1 else None, "fresh",
       "the second request gets its own answer, not the stray one")
    eq(st.get("connects"), 2, "the connection with stray data is not reused")


def curves(cert, key):
    """Each ECDHE curve the client offers, against openssl s_server."""
    for curve in ("X25519", "P-256", "P-384", "P-521"):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        srv = subprocess.Popen(["openssl", "s_server", "-accept",
                                "127.0.0.1:%d" % port, "-cert", cert, "-key",
                                key, "-www", "-tls1_2", "-curves", curve,
                                "-quiet"], stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        try:
            for _ in range(50):
                try:
                    socket.create_connection(("127.0.0.1", port), 0.1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            res, _, _ = run(["--ca", cert, "https://localhost:%d" % port,
                             "GET:/"])
            ok(all_ok(res, 1), "ECDHE with %s" % curve)
        finally:
            srv.kill()
            srv.wait()


def resumption():
    d = tempfile.mkdtemp(prefix="it_https-")
    try:
        cert, key = os.path.join(d, "c.pem"), os.path.join(d, "k.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                        "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True, timeout=30)
        srv = ResumingServer(cert, key)
        res, st, _ = run(["--ca", cert, "https://localhost:%d" % srv.port,
                          "GET:/a", "GET:/b"])
        srv.thread.join(10)
        ok(all_ok(res, 2) and st.get("connects") == 2,
           "Connection: close answered, reconnected")
        eq(srv.reused, [False, True], "server saw the second handshake resume")
        eq(st.get("resumed"), 1, "client counted one resumed session")
        srv = ResumingServer(cert, key, connections=1, quiet=True)
        res, st, _ = run(["--ca", cert, "https://127.0.0.1:%d" % srv.port,
                          "GET:/a"])
        srv.thread.join(10)
        ok(res and res[0]["error"] == "TLS" and "not valid for 127.0.0.1" in
           res[0].get("message", ""),
           "certificate without the IP address refused at https://127.0.0.1")
        stray_data(cert, key)
        curves(cert, key)
    finally:
        for f in os.listdir(d):
            os.unlink(os.path.join(d, f))
        os.rmdir(d)


def main():
    if not os.access(TOOL, os.X_OK):
        ok(False, "test driver %s built" % TOOL)
        done()
    with Emu(credentials=("AKID:SECRET", "ASIATEMP:TEMPSECRET:TOKEN/with+chars="),
             rate=1000, burst=1000) as e:
        signed(e)
        keep_alive(e)
        reconnects(e)
        failures(e)
        ip_hosts(e)
    rejected("--cert-unknown-ca", "not trusted", "certificate from an unknown CA")
    rejected("--cert-wrong-host", "not valid for",
             "certificate for another host name")
    rejected("--cert-expired", "expired", "expired certificate")
    idle_timeout()
    rsa_key()
    plain_http()
    resumption()
    done()


if __name__ == "__main__":
    main()
