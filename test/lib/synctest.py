"""Helpers for the sync engine's end-to-end tests (test/it_sync_*.py):
named (test/lib/named.py) as the primary, the Route 53 emulator
(test/lib/emu.py) over TLS, and the notify53 binary.

The expected contents of a hosted zone are computed here, independently of
notify53: dnspython transfers the zone from named, and each record set is
compared with what boto3 lists from the emulator as wire rdata (dnspython
parses Route 53's text; TXT and SPF strings are unescaped with Route 53's
octal rules by r53_strings below), names in Route 53's escaped form.
"""
import json
import math
import os
import re

import dns.name
import dns.query
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.zone

from r53tool import run_notify53

# What Route 53 can hold (Route 53 API Reference, ResourceRecordSet: Type);
# DNSSEC types of a
# signed primary are left out by design, DS at a delegation is synced.
R53_TYPES = {"A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS",
             "PTR", "SOA", "SPF", "SRV", "SSHFP", "SVCB", "TLSA", "TXT"}


def r53_name(name):
    """A dns.name.Name (absolute) in Route 53's stored form: lower case,
    every byte but a-z 0-9 - _ as \\ooo (octal)."""
    out = []
    for lab in name.labels[:-1]:
        s = ""
        for b in lab.lower():
            c = chr(b)
            s += c if (c.isalnum() and b < 128) or c in "-_" else "\\%03o" % b
        out.append(s)
    return ".".join(out) + "."


def r53_strings(value):
    """Route 53 TXT/SPF text ("a" "b\\"c" "\\303\\251") -> [bytes]: quoted
    strings, \\" \\\\ and \\ooo (octal) unescaped."""
    out, i, v = [], 0, value.encode("utf-8")
    while i < len(v):
        if v[i:i + 1] == b" ":
            i += 1
            continue
        if v[i:i + 1] != b'"':
            raise ValueError("unquoted TXT value %r" % value)
        i += 1
        s = b""
        while v[i:i + 1] != b'"':
            if i >= len(v):
                raise ValueError("unterminated string in %r" % value)
            if v[i:i + 1] == b"\\":
                if re.match(rb"[0-7]{3}", v[i + 1:i + 4]):
                    s += bytes([int(v[i + 1:i + 4], 8)])
                    i += 4
                    continue
                s += v[i + 1:i + 2]
                i += 2
                continue
            s += v[i:i + 1]
            i += 1
        out.append(s)
        i += 1
    return out


def wire(rtype, value):
    """Canonical wire rdata (RFC 4034 section 6.2) of a Route 53 value."""
    if rtype in ("TXT", "SPF"):
        return b"".join(bytes([len(s)]) + s for s in r53_strings(value))
    rd = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rtype),
                             value, origin=dns.name.root)
    return rd.to_digestable(dns.name.root)


def axfr(port, zone):
    """The zone from named by AXFR (dnspython): {(r53 name, type): (ttl,
    {canonical rdata})}, TTL the lowest of the set's RRs."""
    z = dns.zone.from_xfr(dns.query.xfr("127.0.0.1", zone.rstrip(".") + ".",
                                        port=port, lifetime=30, relativize=False),
                          relativize=False)
    sets = {}
    for name, node in z.nodes.items():
        for rds in node.rdatasets:
            t = dns.rdatatype.to_text(rds.rdtype)
            sets[(r53_name(name), t)] = (
                rds.ttl, set(rd.to_digestable(dns.name.root) for rd in rds))
    return sets


def expected(primary, zone, keep_apex_ns=False):
    """What the hosted zone must hold after a sync, from the primary's
    sets: types Route 53 holds, without the apex NS and the SOA (checked
    apart, Route 53 keeps its own)."""
    apex = r53_name(dns.name.from_text(zone))
    out = {}
    for (name, t), v in primary.items():
        if t not in R53_TYPES or t == "SOA":
            continue
        if name == apex and t == "NS" and not keep_apex_ns:
            continue
        out[(name, t)] = v
    return out


def listing(client, zid):
    """Every record set of the hosted zone by boto3 (paged):
    (plain {(name, type): (ttl, {rdata})}, soa value, apex NS values,
    [other sets: alias or SetIdentifier, as boto3 gives them], pages)."""
    plain, other, soa, ns, pages = {}, [], None, None, 0
    sets = []
    for page in client.get_paginator("list_resource_record_sets").paginate(
            HostedZoneId=zid):
        pages += 1
        sets += page["ResourceRecordSets"]
    apex = min((s["Name"] for s in sets), key=len) if sets else None
    for s in sets:
        if "AliasTarget" in s or "SetIdentifier" in s:
            other.append(s)
            continue
        values = [r["Value"] for r in s["ResourceRecords"]]
        if s["Type"] == "SOA":
            soa = values[0]
        elif s["Type"] == "NS" and s["Name"] == apex:
            ns = sorted(values)
        else:
            plain[(s["Name"], s["Type"])] = (
                s["TTL"], set(wire(s["Type"], v) for v in values))
    return plain, soa, ns, other, pages


def diff(got, want, limit=8):
    """Lines describing how two {(name, type): (ttl, {rdata})} differ."""
    lines = []
    for k in sorted(set(got) | set(want)):
        if got.get(k) != want.get(k):
            lines.append("%s %s: route53 %r, primary %r" % (
                k[0], k[1], got.get(k), want.get(k)))
    return "\n".join(lines[:limit] + (["... %d more" % (len(lines) - limit)]
                                      if len(lines) > limit else []))


def sync_config(home, emu, zones, name="config.json", **top):
    """A notify53 config for emu with the given zones (dicts as in the
    config's "zones"), notify_servers 127.0.0.1 and top-level extras."""
    parts = emu.credentials[0].split(":", 2)
    d = {"notify_servers": ["127.0.0.1"], "zones": zones,
         "aws": {"endpoint": emu.url, "ca_file": emu.ca_file,
                 "access_key_id": parts[0], "secret_access_key": parts[1],
                 "max_requests_per_second": 1000}}
    # Sync records in the test's home, so every sync test runs with them
    # (cache_dir=None in top: the daemon's default, no records here).
    d["cache_dir"] = home.path("cache")
    os.makedirs(d["cache_dir"], exist_ok=True)
    d.update(top)
    if d["cache_dir"] is None:
        del d["cache_dir"]
    return home.write(name, json.dumps(d))


_LINE = re.compile(r"^(?P<zone>\S+)(?: \((?P<hz>(?:public |private )?hosted zone[^)]*)\))?: "
                   r"(?:serial (?P<serial>\d+) by (?P<xfer>\w+), )?"
                   r"(?P<what>.*); API calls:(?P<calls>[^;]*); (?P<secs>[\d.]+) s$")


def sync_lines(out):
    """`notify53 sync` stdout -> {zone: {"serial", "xfer", "created",
    "updated", "deleted", "batches", "calls": {op: n}, "secs", "what",
    "hosted_zone"}}; hosted_zone is what the line names, as
    "public hosted zone Z1..." (None when it names none). A zone name with
    several entries (split horizon) keeps its last line."""
    res = {}
    for line in out.splitlines():
        m = _LINE.match(line)
        if not m or " zone" in m.group("zone"):
            continue
        r = {"serial": int(m.group("serial") or 0), "xfer": m.group("xfer"),
             "what": m.group("what"), "secs": float(m.group("secs")),
             "calls": {}, "hosted_zone": m.group("hz")}
        for kv in m.group("calls").split(","):
            kv = kv.strip()
            if kv and kv != "none":
                op, n = kv.rsplit(" ", 1)
                r["calls"][op] = int(n)
        for k in ("created", "updated", "deleted"):
            mm = re.search(r"(\d+) %s" % k, m.group("what"))
            r[k] = int(mm.group(1)) if mm else None
        mm = re.search(r"in (\d+) batch", m.group("what"))
        r["batches"] = int(mm.group(1)) if mm else None
        res[m.group("zone")] = r
    return res


def sync(home, cfg, args=(), env=None, cmd="sync", timeout=120):
    """Run `notify53 sync|plan -c cfg args`: (process, sync_lines)."""
    p = run_notify53([cmd, "-c", cfg] + list(args), env or home.env(),
                     timeout=timeout)
    return p, sync_lines(p.stdout)


def max_calls(n):
    """The idempotence bound: ceil(N/300) listings + 1 (the hosted zone)."""
    return int(math.ceil(n / 300.0)) + 1
