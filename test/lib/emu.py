"""Start/stop tools/r53emu.py (the Route 53 emulator) from Python tests.

    import sys, os; sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
    from emu import Emu
    with Emu(rate=1000, burst=1000) as e:        # starts, waits for "ready"
        zid = e.create_zone("example.com.")       # admin: no API call counted
        c = e.boto3()                             # boto3 client, retries off
        ...
        assert e.count("ChangeResourceRecordSets") == 1

The emulator gets a free loopback port (--port-file), a throwaway CA
(--ca-out, see e.ca_file), and is stopped on exit from the with-block, by
e.stop(), at interpreter exit (atexit), and by itself when this process dies
(its stdin is a pipe from us and it runs with --stdin-watch, it also watches
its parent pid and has a --max-lifetime). See tools/README.md.
"""
import atexit
import http.client
import json
import os
import select
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
EMU = os.path.join(ROOT, "tools", "r53emu.py")
PYTHON = "/usr/bin/python3"

_live = []


def _cleanup_all():
    for e in list(_live):
        e.stop()


atexit.register(_cleanup_all)


class EmuError(Exception):
    pass


def bare(zid):
    """Zone ids may be given as /hostedzone/Z... or Z..."""
    return zid.rsplit("/", 1)[-1]


class Emu(object):
    def __init__(self, credentials=("AKID:SECRET",), http=False, rate=None,
                 burst=None, insync_after=None, args=(), host="127.0.0.1",
                 max_lifetime=600, stderr_to=None, start_timeout=30):
        self.credentials = list(credentials)
        self.http = http
        self.host = host
        self.args = list(args)
        for flag, v in (("--rate", rate), ("--burst", burst),
                        ("--insync-after", insync_after)):
            if v is not None:
                self.args += [flag, str(v)]
        self.max_lifetime = max_lifetime
        self.stderr_to = stderr_to
        self.start_timeout = start_timeout
        self.proc = None
        self.dir = None
        self.port = None
        self.imds_port = None
        self.url = None
        self.ca_file = None

    # -- life cycle -------------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *a):
        self.stop()

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="emu-test-")
        pf = os.path.join(self.dir, "port")
        cmd = [PYTHON, EMU, "--listen", "%s:0" % (
            "[%s]" % self.host if ":" in self.host else self.host),
            "--port-file", pf, "--stdin-watch",
            "--max-lifetime", str(self.max_lifetime)]
        for c in self.credentials:
            cmd += ["--credentials", c]
        if self.http:
            cmd.append("--http")
        else:
            self.ca_file = os.path.join(self.dir, "ca.pem")
            cmd += ["--ca-out", self.ca_file]
        if "--imds-listen" in self.args:
            cmd += ["--imds-port-file", os.path.join(self.dir, "imds-port")]
        cmd += self.args
        self.errfile = os.path.join(self.dir, "stderr")
        err = open(self.errfile, "wb") if self.stderr_to is None \
            else self.stderr_to
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=err)
        if err is not self.stderr_to:
            err.close()
        _live.append(self)
        deadline = time.time() + self.start_timeout
        line = b""
        while time.time() < deadline:
            r, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if r:
                line = self.proc.stdout.readline()
                break
            if self.proc.poll() is not None:
                break
        if line != b"ready\n":
            msg = self.stderr()
            self.stop()
            raise EmuError("emulator did not become ready (%r): %s"
                           % (line, msg))
        with open(pf) as f:
            self.port = int(f.read())
        ipf = os.path.join(self.dir, "imds-port")
        if os.path.exists(ipf):
            with open(ipf) as f:
                self.imds_port = int(f.read())
        h = "[%s]" % self.host if ":" in self.host else self.host
        self.url = "%s://%s:%d" % ("http" if self.http else "https", h,
                                   self.port)
        return self

    def stderr(self):
        try:
            with open(self.errfile, "rb") as f:
                return f.read().decode(errors="replace")
        except (OSError, AttributeError):
            return ""

    def stop(self):
        if self.proc is not None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.terminate()
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
            except OSError:
                pass
            try:
                self.proc.stdout.close()
            except OSError:
                pass
            self.proc = None
        if self in _live:
            _live.remove(self)
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    # -- raw HTTP -----------------------------------------------------------------
    def ssl_context(self):
        ctx = ssl.create_default_context(cafile=self.ca_file)
        return ctx

    def connection(self, timeout=30, port=None):
        port = port or self.port
        if self.http or port == self.imds_port:
            return http.client.HTTPConnection(self.host, port,
                                              timeout=timeout)
        return http.client.HTTPSConnection(self.host, port, timeout=timeout,
                                           context=self.ssl_context())

    def raw(self, method, path, body=b"", headers=None, timeout=30,
            verify=True):
        """One request on a fresh connection -> (status, headers, body).
        verify=False skips certificate checks (admin calls work even with
        --cert-expired / --cert-wrong-host / --cert-unknown-ca)."""
        c = self.connection(timeout)
        if not verify and isinstance(c, http.client.HTTPSConnection):
            c = http.client.HTTPSConnection(
                self.host, self.port, timeout=timeout,
                context=ssl._create_unverified_context())
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            c.close()

    def admin(self, method, path, obj=None):
        body = json.dumps(obj).encode() if obj is not None else b""
        st, _, data = self.raw(method, "/_emu/" + path.lstrip("/"), body,
                               {"Content-Type": "application/json"},
                               verify=False)
        res = json.loads(data.decode()) if data else None
        if st != 200:
            raise EmuError("admin %s %s -> %d %s" % (method, path, st, res))
        return res

    # -- admin helpers ---------------------------------------------------------------
    def create_zone(self, name, private=False, vpc=None, rrsets=None,
                    comment=None, zid=None, defaults=True):
        d = {"name": name, "private": private, "defaults": defaults}
        if vpc:
            d["vpc"] = {"region": vpc[0], "id": vpc[1]}
        if rrsets:
            d["rrsets"] = rrsets
        if comment is not None:
            d["comment"] = comment
        if zid:
            d["id"] = zid
        return self.admin("POST", "zones", d)["id"]

    def seed(self, zid, rrsets, replace=False):
        return self.admin("PUT" if replace else "POST",
                          "zones/%s/rrsets" % bare(zid), {"rrsets": rrsets})

    def unseed(self, zid, rrsets):
        return self.admin("DELETE", "zones/%s/rrsets" % bare(zid),
                          {"rrsets": rrsets})

    def dump(self, zid=None, rrsets=True):
        q = "" if rrsets else "?rrsets=0"
        if zid:
            return self.admin("GET", "zones/%s%s" % (bare(zid), q))
        return self.admin("GET", "zones" + q)["zones"]

    def rrsets(self, zid):
        return self.dump(zid)["rrsets"]

    def delete_zone(self, zid):
        return self.admin("DELETE", "zones/%s" % bare(zid))

    def log(self, since=0, op=None):
        q = "log?since=%d" % since
        if op:
            q += "&op=" + urllib.parse.quote(op)
        return self.admin("GET", q)["requests"]

    def count(self, op=None):
        return len(self.log(op=op))

    def stats(self):
        return self.admin("GET", "stats")

    def reset(self, zones=False, faults=False):
        return self.admin("POST", "reset", {"zones": zones, "faults": faults})

    def fault(self, kind, op="*", count=1, skip=0, arg=None, chunk=None,
              message=None):
        d = {"kind": kind, "op": op, "count": count, "skip": skip}
        if arg is not None:
            d["arg"] = arg
        if chunk is not None:
            d["chunk"] = chunk
        if message is not None:
            d["message"] = message
        return self.admin("POST", "faults", d)

    def faults(self):
        return self.admin("GET", "faults")["faults"]

    def held(self, wait=0):
        """Requests parked by the hold / hold-answer faults, waiting up to
        `wait` seconds for one to arrive: [{"id", "op", "phase" ("request":
        not processed yet, "answer": processed, answer not sent), "zone"}]."""
        return self.admin("GET", "held?wait=%g" % wait)["held"]

    def release(self, hid=None, action="proceed"):
        """Let a held request (or all) go on ("proceed": processed and/or
        answered as usual) or be dropped ("drop": the connection is reset,
        a held request is then never processed, a held answer never sent)."""
        d = {"action": action}
        if hid is not None:
            d["id"] = hid
        return self.admin("POST", "release", d)["released"]

    def clear_faults(self):
        return self.admin("DELETE", "faults")

    def config(self, **kw):
        return self.admin("POST", "config", kw)

    def insync(self):
        return self.admin("POST", "insync")

    def add_credentials(self, akid, secret, token=None, expired=False):
        return self.admin("POST", "credentials", {
            "access_key_id": akid, "secret_access_key": secret,
            "session_token": token, "expired": expired})

    # -- clients ------------------------------------------------------------------------
    def _key(self, akid, secret, token):
        if akid is None:
            parts = self.credentials[0].split(":", 2)
            akid, secret = parts[0], parts[1]
            token = parts[2] if len(parts) > 2 else token
        return akid, secret, token

    def boto3(self, akid=None, secret=None, token=None, retries=1,
              timeout=30):
        """A boto3 route53 client for the emulator; retries=1 means a single
        attempt (no retries), so errors are seen as the emulator sent them."""
        import boto3
        from botocore.config import Config
        akid, secret, token = self._key(akid, secret, token)
        return boto3.client(
            "route53", endpoint_url=self.url,
            verify=self.ca_file if not self.http else None,
            aws_access_key_id=akid, aws_secret_access_key=secret,
            aws_session_token=token, region_name="us-east-1",
            config=Config(retries={"total_max_attempts": retries,
                                   "mode": "standard"},
                          connect_timeout=timeout, read_timeout=timeout))

    def signed_request(self, method, path, body=b"", headers=None,
                       akid=None, secret=None, token=None, when=None,
                       region="us-east-1", service="route53",
                       content_sha256=False, tamper=None, timeout=30):
        """Sign with botocore's SigV4Auth (optionally at time `when`) and
        send; `tamper(headers)` may change headers after signing.
        Returns (status, headers, body)."""
        import datetime
        from unittest import mock
        import botocore.auth
        import botocore.awsrequest
        import botocore.credentials
        akid, secret, token = self._key(akid, secret, token)
        if isinstance(body, str):
            body = body.encode()
        url = "https://%s:%d%s" % (self.host, self.port, path)
        req = botocore.awsrequest.AWSRequest(method=method, url=url,
                                             data=body,
                                             headers=dict(headers or {}))
        if content_sha256:
            import hashlib
            req.headers["X-Amz-Content-SHA256"] = \
                hashlib.sha256(body).hexdigest()
        signer = botocore.auth.SigV4Auth(
            botocore.credentials.Credentials(akid, secret, token),
            service, region)
        if when is None:
            signer.add_auth(req)
        else:
            fixed = datetime.datetime.utcfromtimestamp(when)

            class _DT(datetime.datetime):
                @classmethod
                def utcnow(cls):
                    return fixed
            with mock.patch("botocore.auth.datetime.datetime", _DT):
                signer.add_auth(req)
        hdrs = dict(req.headers.items())
        if tamper:
            tamper(hdrs)
        return self.raw(method, path, body, hdrs, timeout)
