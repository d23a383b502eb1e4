#!/usr/bin/python3
"""The sync record (src/sync/cache) with `notify53 sync` and `plan`, BIND 9
as the primary, the Route 53 emulator over TLS, API calls counted from the
emulator's request log:

- the first sync lists the hosted zone and writes the record; a second one
  with nothing changed costs one ListResourceRecordSets (the apex SOA,
  maxitems=1) and says current; 10 changes by nsupdate cost that call and
  one ChangeResourceRecordSets, no listing, and converge exactly;
- `plan` says which basis it compared with (the record at serial S, or a
  full listing with --full); `--full` lists;
- a set changed behind our back with the SOA left alone is not seen through
  the record, and is repaired by the next full listing (--full);
- a batch Route 53 refuses (a CNAME put behind our back where the primary
  adds an A) falls back to a listing and a full plan, and converges;
- a corrupt record, a record of another hosted zone (found under the file
  name of an entry with hosted_zone_id) and a record of another format
  version are each ignored with a log line, and the sync lists;
- several zones without hosted_zone_id and without records are found with
  one ListHostedZones, not a ListHostedZonesByName each; with records, no
  lookup at all.
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, done  # noqa: E402
from emu import Emu, bare  # noqa: E402
from named import Key, Named, Zone  # noqa: E402
from r53tool import Home, api_log  # noqa: E402
import synctest as st  # noqa: E402

ZONE = """$ORIGIN example.com.
$TTL 300
@ IN SOA ns1.example.com. hostmaster.example.com. 100 7200 900 1209600 86400
@ IN NS ns1.example.com.
ns1 IN A 192.0.2.53
""" + "".join("h%03d IN A 198.51.100.%d\n" % (i, i % 250) for i in range(700))


UPDATE = Key("update-key", "hmac-sha256", "dXBkYXRlLWtleS1mb3ItdGhlLWNhY2hlLXRlc3RzLTAwMDAwMA==")


def calls(e, since=0):
    out = {}
    for x in api_log(e, since):
        out[x["op"]] = out.get(x["op"], 0) + 1
    return out


def converged(e, ns, zid, what, zone="example.com"):
    client = e.boto3()
    want = st.expected(st.axfr(ns.port, zone), zone)
    plain = st.listing(client, zid)[0]
    ok(plain == want, what, st.diff(plain, want))


def main():
    with Emu(rate=0) as e, Home() as home:
        zid = bare(e.create_zone("example.com."))
        with Named([Zone("example.com", ZONE, dynamic=True, update_key=UPDATE)], keys=[UPDATE]) as ns:
            cfg = st.sync_config(home, e, [{"name": "example.com", "primaries": [ns.addr()]}])
            rec = home.path("cache/example.com.rec")

            e.reset()
            p, res = st.sync(home, cfg)
            ok(p.returncode == 0, "first sync: exit 0", p.stdout + p.stderr)
            ok(calls(e).get("ListResourceRecordSets", 0) == 1, "first sync lists (the empty zone)",
               calls(e))
            ok(os.path.exists(rec), "the record is written")
            converged(e, ns, zid, "first sync converged")

            e.reset()
            p, res = st.sync(home, cfg)
            r = res.get("example.com.", {})
            ok(p.returncode == 0 and "serial 100 current" in p.stdout,
               "nothing changed: current", p.stdout + p.stderr)
            eq(calls(e), {"ListResourceRecordSets": 1}, "nothing changed: one call, the SOA")
            q = [x for x in api_log(e) if x["op"] == "ListResourceRecordSets"]
            eq([(x["query"].get("name"), x["query"].get("type"), x["query"].get("maxitems"))
                for x in q], [("example.com.", "SOA", "1")],
               "the SOA check: name=apex, type=SOA, maxitems=1")

            ns.nsupdate("example.com", ["update delete h001.example.com. A",
                                        "update delete h002.example.com. A",
                                        "update add h001.example.com. 300 A 192.0.2.101",
                                        "update add new1.example.com. 60 TXT \"n\"",
                                        "update add new2.example.com. 60 AAAA 2001:db8::2",
                                        "update delete h003.example.com. A",
                                        "update delete h004.example.com. A",
                                        "update add h005.example.com. 300 A 192.0.2.105",
                                        "update add h006.example.com. 600 A 198.51.100.6",
                                        "update add new3.example.com. 60 A 192.0.2.3"])
            serial = ns.serial("example.com")
            e.reset()
            p, _ = st.sync(home, cfg, cmd="plan")
            ok(p.returncode == 2 and
               "compared with the sync record at serial 100" in p.stdout,
               "plan: compared with the record at serial 100", p.stdout + p.stderr)
            eq(calls(e), {"ListResourceRecordSets": 1}, "plan from the record: one call")
            e.reset()
            p, _ = st.sync(home, cfg, ["--full"], cmd="plan")
            ok(p.returncode == 2 and "compared with a full listing" in p.stdout,
               "plan --full: compared with a full listing", p.stdout + p.stderr)
            ok(calls(e).get("ListResourceRecordSets", 0) >= 3, "plan --full lists", calls(e))

            e.reset()
            p, res = st.sync(home, cfg)
            ok(p.returncode == 0, "10 changes: exit 0", p.stdout + p.stderr)
            eq(calls(e), {"ListResourceRecordSets": 1, "ChangeResourceRecordSets": 1},
               "10 changes: the SOA check and one change batch")
            eq(res.get("example.com.", {}).get("serial"), serial, "the new serial")
            converged(e, ns, zid, "10 changes converged without a listing")

            # Behind our back, the SOA left alone: the record cannot see it.
            e.seed(zid, [{"name": "h010.example.com.", "type": "A", "ttl": 300,
                          "values": ["203.0.113.10"]}])
            e.reset()
            p, _ = st.sync(home, cfg)
            eq(calls(e), {"ListResourceRecordSets": 1}, "stale record: one call, nothing seen")
            e.reset()
            p, res = st.sync(home, cfg, ["--full"])
            r = res.get("example.com.", {})
            ok(p.returncode == 0 and r.get("updated") == 1, "--full: the drift repaired",
               p.stdout + p.stderr)
            ok(calls(e).get("ListResourceRecordSets", 0) >= 3, "--full lists", calls(e))
            converged(e, ns, zid, "--full converged")

            # A refused batch: a CNAME where the primary adds an A.
            e.seed(zid, [{"name": "new9.example.com.", "type": "CNAME", "ttl": 300,
                          "values": ["elsewhere.example.net."]}])
            ns.nsupdate("example.com", ["update add new9.example.com. 60 A 192.0.2.9"])
            e.reset()
            p, res = st.sync(home, cfg)
            c = calls(e)
            ok(p.returncode == 0, "refused batch: exit 0", p.stdout + p.stderr)
            ok("a change batch was refused" in p.stderr and
               c.get("ChangeResourceRecordSets") == 2 and c.get("ListResourceRecordSets", 0) >= 4,
               "refused batch: listed and planned anew", (c, p.stderr))
            converged(e, ns, zid, "refused batch converged")

            # Unusable records: each ignored with a log line, the sync lists.
            good = open(rec, "rb").read()
            cases = [("corrupt", good[:-40] + bytes(40), "checksum mismatch"),
                     ("other version", good[:4] + bytes([9]) + good[5:], "a record of version 9")]
            for what, data, msg in cases:
                with open(rec, "wb") as f:
                    f.write(data)
                e.reset()
                p, res = st.sync(home, cfg)
                ok(p.returncode == 0 and "sync record not used" in p.stderr and msg in p.stderr,
                   "%s record: ignored with a log line" % what, p.stderr)
                ok(calls(e).get("ListResourceRecordSets", 0) >= 3, "%s record: listed" % what,
                   calls(e))
                ok(open(rec, "rb").read()[4] == 1, "%s record: written anew" % what)

            # A record of another hosted zone of the same name, under the
            # file name of an entry with hosted_zone_id (as if copied).
            zid2 = bare(e.create_zone("example.com."))
            with open(home.path("cache/example.com.%s.rec" % zid2), "wb") as f:
                f.write(open(rec, "rb").read())
            cfg2 = st.sync_config(home, e, [{"name": "example.com", "primaries": [ns.addr()],
                                             "hosted_zone_id": zid2}], name="config2.json")
            e.reset()
            p, res = st.sync(home, cfg2)
            ok(p.returncode == 0 and "sync record not used" in p.stderr and
               "the record of hosted zone %s, not %s" % (zid, zid2) in p.stderr,
               "record of another hosted zone: ignored with a log line", p.stderr)
            ok(calls(e).get("ListResourceRecordSets", 0) >= 1, "other hosted zone: listed")
            converged(e, ns, zid2, "the other hosted zone converged")

    # Many zones: their IDs from the account's listing.
    names = ["z%d.test" % i for i in range(6)]
    with Emu(rate=0) as e, Home() as home:
        zids = {n: bare(e.create_zone(n + ".")) for n in names}
        for i in range(5):
            e.create_zone("other%d.test." % i)
        zones = [Zone(n, "$ORIGIN %s.\n$TTL 300\n@ SOA ns1 h 1 3600 600 86400 300\n"
                      "@ NS ns1\nns1 A 192.0.2.1\nwww A 192.0.2.2\n" % n) for n in names]
        with Named(zones) as ns:
            cfg = st.sync_config(home, e, [{"name": n, "primaries": [ns.addr()]} for n in names])
            e.reset()
            p, res = st.sync(home, cfg)
            c = calls(e)
            ok(p.returncode == 0 and len(res) == 6, "6 zones synced", p.stdout + p.stderr)
            eq((c.get("ListHostedZones"), c.get("ListHostedZonesByName")), (1, None),
               "6 zones without IDs: one ListHostedZones, no ListHostedZonesByName")
            for n in names:
                converged(e, ns, zids[n], "%s converged" % n, n)
            e.reset()
            p, res = st.sync(home, cfg)
            eq(calls(e), {"ListResourceRecordSets": 6},
               "with records: no lookup, one SOA check per zone")
    return done()


if __name__ == "__main__":
    sys.exit(main())
