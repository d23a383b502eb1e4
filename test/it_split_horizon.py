#!/usr/bin/python3
"""Integration: split horizon. One zone name, two views on the primary, two
hosted zones of that name in Route 53: a public one and a private one (with
a VPC), as a company keeps example.com for the Internet and for its VPCs.

- BIND 9 on 127.0.0.1 with two views of example.com:
    view "internal" { match-clients { key "internal-key"; }; ... };
    view "external" { match-clients { any; }; ... };
  each dynamic (nsupdate signed with the view's key), each sending its
  NOTIFY to notify53 signed with the view's key (also-notify ... key).
- The emulator holds a public and a private hosted zone called example.com.
  (CreateHostedZone, the private one with a VPC; ListHostedZonesByName
  returns both), each seeded with a stale set the sync must delete.
- notify53's config names example.com twice: "private": true with
  internal-key, "private": false with external-key; each entry transfers
  with its key, so named answers from the matching view.

Checked:
(a) `notify53 plan` and `notify53 sync` name the hosted zone on each zone
    line, public or private; after the sync each hosted zone equals its
    view's AXFR, set by set, and the stale sets are gone.
(b) the daemon: an nsupdate in the internal view reaches the private hosted
    zone only (the NOTIFY signed with internal-key kicks only that entry:
    no job, no API request for the public one), and one in the external
    view the public hosted zone only; each ends equal to its view.
(c) an unsigned NOTIFY for example.com is REFUSED (every entry has a key).
(d) SIGHUP with the same file keeps both entries; the state file has one
    entry for each hosted zone.
(e) a second public hosted zone of that name: the public entry fails,
    asking for hosted_zone_id, and nothing is sent to either public zone;
    with hosted_zone_id it is in sync again.
Waits are for events (log lines, answers), bounded by WAIT.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from tap import ok, eq, diag, done  # noqa: E402
from daemonproc import DaemonProc  # noqa: E402
from emu import Emu, bare  # noqa: E402
from named import CHECKZONE, Key, Named  # noqa: E402
from notifyprobe import pick_port  # noqa: E402
from r53tool import NOTIFY53, Home, api_log, run_notify53  # noqa: E402
import synctest as st  # noqa: E402

import dns.message  # noqa: E402
import dns.name  # noqa: E402
import dns.opcode  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.zone  # noqa: E402

WAIT = 60
ZONE = "example.com"
VPC = ("us-east-1", "vpc-0a1b2c3d4e5f60718")
INTERNAL = Key("internal-key", "hmac-sha256", "aW50ZXJuYWwtdmlldy1rZXktZm9yLXNwbGl0LWhvcml6b24=")
EXTERNAL = Key("external-key", "hmac-sha256", "ZXh0ZXJuYWwtdmlldy1rZXktZm9yLXNwbGl0LWhvcml6b24=")

COMMON = """$ORIGIN example.com.
$TTL 300
@     SOA ns1 hostmaster %d 3600 600 86400 300
@     NS  ns1
ns1   A   192.0.2.1
"""
VIEWS = {
    "internal": (INTERNAL, COMMON % 100 + "www A 10.0.0.80\nintranet A 10.0.0.5\n"
                 "git CNAME intranet\n"),
    "external": (EXTERNAL, COMMON % 500 + "www A 192.0.2.80\nmail A 192.0.2.25\n"
                 "@ MX 10 mail\n"),
}


class ViewNamed(Named):
    """named with example.com in two views, matched by TSIG key."""

    def __init__(self, notify_port):
        Named.__init__(self, [], keys=[INTERNAL, EXTERNAL], options="notify-delay 0;")
        self.notify_port = notify_port

    def _files(self):
        for view, (key, text) in sorted(VIEWS.items()):
            path = os.path.join(self.dir, "%s.db" % view)
            with open(path, "w") as f:
                f.write(text)
            r = subprocess.run([CHECKZONE, "-q", "-i", "local", ZONE, path],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
            if r.returncode != 0:
                raise RuntimeError("named-checkzone rejected view %s: %s" % (view, r.stdout))

    def _write_conf(self):
        Named._write_conf(self)
        blocks = []
        # named takes the first view whose match-clients matches: the
        # internal one (its key) before the external one (anybody).
        for view, (key, _) in sorted(VIEWS.items(), reverse=True):
            match = 'key "%s";' % key.name if view == "internal" else "any;"
            blocks.append(
                'view "%s" {\n\tmatch-clients { %s };\n\tzone "%s" {\n\t\ttype primary;\n'
                '\t\tfile "%s.db";\n\t\tallow-transfer { key "%s"; };\n'
                '\t\tallow-update { key "%s"; };\n\t\tnotify explicit;\n'
                '\t\talso-notify { 127.0.0.1 port %d key "%s"; };\n\t};\n};\n'
                % (view, match, ZONE, view, key.name, key.name, self.notify_port, key.name))
        with open(os.path.join(self.dir, "named.conf"), "a") as f:
            f.write("\n".join(blocks))

    def start(self):
        self._files()
        Named.start(self)
        end = time.monotonic() + WAIT
        for view in VIEWS:
            while True:
                try:
                    self.view_serial(view)
                    break
                except Exception:
                    if time.monotonic() > end:
                        raise RuntimeError("view %s does not answer:\n%s" % (view, self.log_tail()))
                    time.sleep(0.1)
        return self

    def view_serial(self, view):
        key = VIEWS[view][0]
        q = dns.message.make_query(ZONE + ".", dns.rdatatype.SOA)
        q.use_tsig(key.keyring()[0], keyname=key.keyring()[1], algorithm=key.alg)
        r = dns.query.udp(q, "127.0.0.1", port=self.port, timeout=2)
        if r.rcode() != dns.rcode.NOERROR or not r.answer:
            raise RuntimeError("SOA in view %s: %s" % (view, dns.rcode.to_text(r.rcode())))
        return r.answer[0][0].serial

    def view_axfr(self, view):
        """The view's zone as synctest.axfr gives it, by an AXFR signed
        with the view's key."""
        key = VIEWS[view][0]
        ring, name = key.keyring()
        z = dns.zone.from_xfr(dns.query.xfr("127.0.0.1", ZONE + ".", port=self.port, lifetime=30,
                                            relativize=False, keyring=ring, keyname=name,
                                            keyalgorithm=key.alg), relativize=False)
        sets = {}
        for n, node in z.nodes.items():
            for rds in node.rdatasets:
                sets[(st.r53_name(n), dns.rdatatype.to_text(rds.rdtype))] = (
                    rds.ttl, set(rd.to_digestable(dns.name.root) for rd in rds))
        return st.expected(sets, ZONE)


def content(emu, zid):
    """A hosted zone as {(name, type): (ttl, {rdata})} without SOA and apex
    NS, through the emulator's admin view (not an API call)."""
    out = {}
    for r in emu.rrsets(zid):
        if r.get("alias") or r.get("set_identifier") or r["type"] == "SOA" or \
                (r["type"] == "NS" and r["name"] == ZONE + "."):
            continue
        out[(r["name"], r["type"])] = (r["ttl"], set(st.wire(r["type"], v) for v in r["values"]))
    return out


def equal_views(emu, ns, zids, label):
    for view, zid in sorted(zids.items()):
        got, want = content(emu, zid), ns.view_axfr(view)
        ok(got == want, "%s: the %s hosted zone equals the %s view (%d sets)" % (
            label, "private" if view == "internal" else "public", view, len(want)),
           st.diff(got, want))


def hosted_zones(emu):
    """The public and the private hosted zone called example.com., made
    through the API as an operator would (the private one with a VPC)."""
    c = emu.boto3()
    pub = c.create_hosted_zone(Name=ZONE, CallerReference="split-public")["HostedZone"]
    # botocore writes the members in the order given, and Route 53 wants
    # the order of its schema (as the emulator does): Name, VPC,
    # CallerReference, HostedZoneConfig.
    priv = c.create_hosted_zone(
        Name=ZONE, VPC={"VPCRegion": VPC[0], "VPCId": VPC[1]}, CallerReference="split-private",
        HostedZoneConfig={"Comment": "for the VPCs", "PrivateZone": True})["HostedZone"]
    listed = c.list_hosted_zones_by_name(DNSName=ZONE)["HostedZones"]
    mine = [(z["Name"], z["Config"]["PrivateZone"]) for z in listed if z["Name"] == ZONE + "."]
    eq(sorted(mine), [(ZONE + ".", False), (ZONE + ".", True)],
       "ListHostedZonesByName returns the public and the private zone of one name")
    zids = {"external": bare(pub["Id"]), "internal": bare(priv["Id"])}
    # A stale set in each, which the sync must delete.
    for zid in zids.values():
        emu.seed(zid, [{"name": "stale.example.com.", "type": "A", "ttl": 300,
                        "values": ["198.51.100.99"]}])
    return zids


def config(home, emu, ns, port, state):
    zones = [{"name": ZONE, "primaries": [ns.addr()], "private": True, "tsig_key": INTERNAL.name},
             {"name": ZONE, "primaries": [ns.addr()], "private": False,
              "tsig_key": EXTERNAL.name}]
    keys = dict((k.name, {"algorithm": k.alg, "secret": k.secret}) for k in (INTERNAL, EXTERNAL))
    top = {"state_file": state} if state else {}
    return st.sync_config(home, emu, zones, listen=["127.0.0.1:%d" % port], tsig_keys=keys, **top)


def cli(emu, ns, home, cfg, zids):
    label = {"internal": "example.com. (private hosted zone %s)" % zids["internal"],
             "external": "example.com. (public hosted zone %s)" % zids["external"]}
    p = run_notify53(["plan", "-c", cfg], home.env())
    ok(p.returncode == 2, "(a) plan: changes pending, exit 2", p.stdout + p.stderr)
    for view, serial in (("internal", 100), ("external", 500)):
        # The line ends with the plan's basis (", compared with a full
        # listing" here: no sync record yet).
        ok("# %s serial %d, compared with a full listing" % (label[view], serial)
           in p.stdout.splitlines(),
           "(a) plan names the %s hosted zone and the %s view's serial" % (
               "private" if view == "internal" else "public", view), p.stdout)
    p, _ = st.sync(home, cfg)
    ok(p.returncode == 0, "(a) sync: exit 0", p.stdout + p.stderr)
    lines = p.stdout.splitlines()
    for view, serial in (("internal", 100), ("external", 500)):
        mine = [x for x in lines if x.startswith(label[view] + ": serial %d by AXFR, " % serial)]
        ok(len(mine) == 1, "(a) sync: one line for %s" % label[view], p.stdout)
    equal_views(emu, ns, zids, "(a) after sync")
    p = run_notify53(["plan", "-c", cfg, "--json"], home.env())
    summaries = sorted((o.get("zone"), o.get("hosted_zone"), o.get("private"))
                       for o in map(json.loads, p.stdout.splitlines()) if "summary" in o)
    eq(summaries, sorted([(ZONE + ".", zids["internal"], True), (ZONE + ".", zids["external"], False)]),
       "(a) plan --json: each entry's lines name its hosted zone, public or private")
    ok(p.returncode == 0, "(a) plan after the sync: nothing pending", p.stdout + p.stderr)
    for zid in zids.values():
        ok(("stale.example.com.", "A") not in content(emu, zid), "(a) stale set deleted in %s" % zid)


def view_change(emu, ns, d, zids, view, name, value):
    """nsupdate in one view; wait for the daemon to sync its serial; the
    other hosted zone gets no request."""
    other = "external" if view == "internal" else "internal"
    kind = "private" if view == "internal" else "public"
    mark = d.mark()
    since = emu.log()[-1]["seq"] if emu.log() else 0
    before = content(emu, zids[other])
    ns.nsupdate(ZONE, ["update add %s.%s. 300 A %s" % (name, ZONE, value)], VIEWS[view][0])
    serial = ns.view_serial(view)
    got = d.wait(r"zone example\.com\. \(%s hosted zone %s\): serial %d by IXFR" % (
        kind, zids[view], serial), WAIT, mark)
    ok(got, "(b) %s view serial %d synced by IXFR into the %s hosted zone" % (view, serial, kind),
       d.tail())
    notified = d.grep(r"zone example\.com\. \(\w+ hosted zone\): NOTIFY from", mark)
    ok(notified and all("(%s hosted zone)" % kind in l for _, l in notified),
       "(b) the %s view's NOTIFY (signed with its key) kicks only the %s entry" % (view, kind),
       "\n".join(l for _, l in notified) or d.tail())
    reqs = [x for x in api_log(emu, since) if x.get("zone")]
    ok(reqs and all(bare(x["zone"]) == zids[view] for x in reqs),
       "(b) API requests only for the %s hosted zone" % kind,
       json.dumps([(x["op"], x["zone"]) for x in reqs]))
    ok(d.grep(r"zone example\.com\. \(%s hosted zone\): job started" % (
        "public" if view == "internal" else "private"), mark) == [],
       "(b) no job for the other entry", d.tail())
    ok(content(emu, zids[other]) == before, "(b) the %s hosted zone is unchanged" % (
        "public" if view == "internal" else "private"))
    ok((name + ".example.com.", "A") in content(emu, zids[view]),
       "(b) %s.example.com. is in the %s hosted zone" % (name, kind))


def unsigned_notify(port):
    q = dns.message.make_query(ZONE + ".", dns.rdatatype.SOA)
    q.set_opcode(dns.opcode.NOTIFY)
    r = dns.query.udp(q, "127.0.0.1", port=port, timeout=10)
    eq(dns.rcode.to_text(r.rcode()), "REFUSED",
       "(c) an unsigned NOTIFY for example.com: REFUSED (each entry has a key)")


def daemon(emu, ns, home, cfg, zids, port, state):
    d = DaemonProc(NOTIFY53, cfg, ["-v"], env=home.env())
    try:
        ok(d.wait(r"daemon: ready: 2 zones", WAIT), "(b) daemon ready with 2 zones", d.tail())
        for kind in ("private", "public"):
            ok(d.wait(r"zone example\.com\. \(%s hosted zone Z\w+\): serial \d+ " % kind, WAIT),
               "(b) first job of the %s entry" % kind, d.tail())
        view_change(emu, ns, d, zids, "internal", "build", "10.0.0.77")
        view_change(emu, ns, d, zids, "external", "shop", "192.0.2.77")
        equal_views(emu, ns, zids, "(b) after the daemon")
        unsigned_notify(port)
        mark = d.mark()
        d.proc.send_signal(signal.SIGHUP)
        ok(d.wait(r"configuration reloaded: 2 zones \(2 kept, 0 new or changed, 0 removed\)",
                  WAIT, mark), "(d) SIGHUP, same file: both entries kept", d.tail())
    finally:
        status, _ = d.stop()
    eq(status, 0, "(d) daemon exits 0 on SIGTERM")
    with open(state) as f:
        zones = json.load(f)["zones"]
    eq(sorted(zones), ["example.com. (private hosted zone)", "example.com. (public hosted zone)"],
       "(d) the state file has one entry per hosted zone")
    for k, v in sorted(zones.items()):
        ok(v.get("result") == "ok" and v.get("synced_serial"), "(d) %s: synced" % k, json.dumps(v))


def ambiguous(emu, ns, home, port, zids):
    other = bare(emu.boto3().create_hosted_zone(Name=ZONE, CallerReference="split-public-2")[
        "HostedZone"]["Id"])
    since = emu.log()[-1]["seq"] if emu.log() else 0
    cfg = config(home, emu, ns, port, None)
    # Through its sync record the public entry keeps the hosted zone it
    # synced (one SOA check, no lookup by name); the full listing (--full,
    # or the reconcile) looks the name up again and finds it ambiguous.
    p, _ = st.sync(home, cfg)
    ok(p.returncode == 0 and "example.com. (public hosted zone %s): serial" % zids["external"]
       in p.stdout, "(e) through the record: the hosted zone synced before", p.stdout + p.stderr)
    p, _ = st.sync(home, cfg, ["--full"])
    ok(p.returncode == 1 and "2 public hosted zones are called example.com.: set hosted_zone_id"
       in p.stderr, "(e) two public zones of the name: the public entry fails, asking for "
       "hosted_zone_id", p.stdout + p.stderr)
    ok(not [x for x in api_log(emu, since) if x["op"] == "ChangeResourceRecordSets"
            and bare(x.get("zone") or "") != zids["internal"]],
       "(e) nothing sent to a public hosted zone")
    zones = json.loads(open(cfg).read())
    zones["zones"][1]["hosted_zone_id"] = zids["external"]
    home.write("config.json", json.dumps(zones))
    p, _ = st.sync(home, cfg)
    ok(p.returncode == 0 and "example.com. (public hosted zone %s): serial" % zids["external"]
       in p.stdout, "(e) with hosted_zone_id: in sync again", p.stdout + p.stderr)
    eq(content(emu, other), {}, "(e) the other public zone was never written to")


def main():
    port = pick_port()
    tmp = tempfile.mkdtemp(prefix="it-split-")
    try:
        with Home() as home, ViewNamed(port) as ns, Emu(rate=1000, burst=1000) as emu:
            zids = hosted_zones(emu)
            diag("hosted zones: public %s, private %s" % (zids["external"], zids["internal"]))
            state = os.path.join(tmp, "state.json")
            cfg = config(home, emu, ns, port, state)
            cli(emu, ns, home, cfg, zids)
            daemon(emu, ns, home, cfg, zids, port, state)
            ambiguous(emu, ns, home, port, zids)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    done()


if __name__ == "__main__":
    main()
