#!/usr/bin/python3
"""Convergence from drift made behind notify53's back, BIND 9 as the
primary, the Route 53 emulator over TLS:

- after a first sync, boto3 (the real API) and the emulator's seed add
  record sets, add and remove values, change a TTL, put a CNAME where the
  primary has an A, change the SOA's serial and timers; one `notify53
  sync` brings the hosted zone back to exactly the primary's sets;
- alias sets, SetIdentifier (weighted) sets, sets matched by the zone's
  ignore rules (an _acme-challenge TXT, an ACM validation CNAME, also where
  the primary has the name) and the apex NS are untouched; a plain set the
  primary has where Route 53 holds an alias is reported, not forced;
- `notify53 plan`: exit 2 with "+", "~" (old -> new) and "-" lines while
  drift is pending, exit 0 once in sync, exit 1 when the primary is down;
  --json prints JSON Lines that parse, with one object per change and a
  summary.
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, diag, done  # noqa: E402
from emu import Emu, bare  # noqa: E402
from named import Named, Zone  # noqa: E402
from r53tool import Home, api_log  # noqa: E402
import synctest as st  # noqa: E402

ZONE = """$ORIGIN example.com.
$TTL 300
@ IN SOA ns1.example.com. hostmaster.example.com. 100 7200 900 1209600 86400
@ IN NS ns1.example.com.
ns1 IN A 192.0.2.53
www IN A 192.0.2.1
host IN A 192.0.2.2
multi IN A 192.0.2.10
multi IN A 192.0.2.11
multi2 IN A 192.0.2.20
multi2 IN A 192.0.2.21
ttl 600 IN TXT "ttl"
cdn IN A 192.0.2.30
_acme-challenge IN TXT "primary's token"
_sip._tcp IN SRV 0 5 5060 sip.example.com.
""" + "".join("f%02d IN A 198.51.100.%d\n" % (i, i) for i in range(20))

IGNORE = [{"name": "_acme-challenge"}, {"name": "_*", "type": "CNAME"}]


def change(client, zid, action, name, rtype, ttl, values):
    client.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [{
        "Action": action, "ResourceRecordSet": {
            "Name": name, "Type": rtype, "TTL": ttl,
            "ResourceRecords": [{"Value": v} for v in values]}}]})


def by_key(sets):
    return dict(((s["Name"], s["Type"], s.get("SetIdentifier")), s) for s in sets)


def main():
    with Emu(rate=0) as e, Home() as home:
        client = e.boto3()
        zid = bare(e.create_zone("example.com."))
        with Named([Zone("example.com", ZONE)]) as ns:
            cfg = st.sync_config(home, e, [{"name": "example.com", "primaries": [ns.addr()],
                                            "ignore": IGNORE}])
            p, res = st.sync(home, cfg)
            ok(p.returncode == 0, "first sync: exit 0", p.stdout + p.stderr)
            want = st.expected(st.axfr(ns.port, "example.com"), "example.com")
            del want[("_acme-challenge.example.com.", "TXT")]
            plain, soa0, ns0, _, _ = st.listing(client, zid)
            ok(plain == want, "first sync: the primary's sets, the ignored one left out",
               st.diff(plain, want))

            # Drift through the API, as a colleague with the console would.
            change(client, zid, "CREATE", "extra.example.com.", "A", 300, ["203.0.113.1"])
            change(client, zid, "CREATE", "extra2.example.com.", "TXT", 60, ['"stray"'])
            change(client, zid, "UPSERT", "multi.example.com.", "A", 300,
                   ["192.0.2.10", "192.0.2.11", "192.0.2.12"])
            change(client, zid, "UPSERT", "multi2.example.com.", "A", 300, ["192.0.2.20"])
            change(client, zid, "UPSERT", "ttl.example.com.", "TXT", 60, ['"ttl"'])
            change(client, zid, "DELETE", "host.example.com.", "A", 300, ["192.0.2.2"])
            change(client, zid, "CREATE", "host.example.com.", "CNAME", 300, ["www.example.com."])
            f = soa0.split()
            change(client, zid, "UPSERT", "example.com.", "SOA", 900,
                   [" ".join(f[:2] + ["99", "3600", "600", "604800", "60"])])
            # ... and sets notify53 must leave alone.
            e.unseed(zid, [{"name": "cdn.example.com.", "type": "A"}])
            e.seed(zid, [
                {"name": "cdn.example.com.", "type": "A", "alias": {
                    "hosted_zone_id": "Z2FDTNDATAQYW2", "dns_name": "d111.cloudfront.net.",
                    "evaluate_target_health": False}},
                {"name": "lb.example.com.", "type": "A", "alias": {
                    "hosted_zone_id": "Z35SXDOTRQ7X7K", "dns_name": "lb-1.elb.amazonaws.com.",
                    "evaluate_target_health": True}},
                {"name": "w.example.com.", "type": "A", "ttl": 60, "values": ["192.0.2.90"],
                 "set_identifier": "blue", "weight": 90},
                {"name": "w.example.com.", "type": "A", "ttl": 60, "values": ["192.0.2.91"],
                 "set_identifier": "green", "weight": 10},
                {"name": "_acme-challenge.example.com.", "type": "TXT", "ttl": 60,
                 "values": ['"r53 token"']},
                {"name": "_0123abcd.www.example.com.", "type": "CNAME", "ttl": 300,
                 "values": ["_4567ef.acm-validations.aws."]}])
            before = by_key(client.list_resource_record_sets(HostedZoneId=zid)
                            ["ResourceRecordSets"])
            keep = [k for k in before if k[0].startswith(("cdn.", "lb.", "w.", "_acme", "_0123"))
                    or (k[0] == "example.com." and k[1] == "NS")]
            eq(len(keep), 7, "alias, weighted, ignored sets and the apex NS in place")

            e.reset()
            p, _ = st.sync(home, cfg, cmd="plan")
            eq(p.returncode, 2, "plan with drift pending: exit 2")
            lines = p.stdout.splitlines()

            def change_of(head):
                """head and the old/new lines under it, or None."""
                i = lines.index(head) if head in lines else None
                return lines[i:i + 3] if i is not None else None

            # Whole lines, as plan_print writes them.
            ok("+ host.example.com. 300 A 192.0.2.2" in lines, "plan: + host A", p.stdout)
            ok("- host.example.com. 300 CNAME www.example.com." in lines, "plan: - host CNAME")
            ok("- extra.example.com. 300 A 203.0.113.1" in lines and
               '- extra2.example.com. 60 TXT "stray"' in lines, "plan: - the added sets")
            eq(change_of("~ multi.example.com. A"), [
                "~ multi.example.com. A",
                "    old: 300 192.0.2.10 | 192.0.2.11 | 192.0.2.12",
                "    new: 300 192.0.2.10 | 192.0.2.11"],
               "plan: ~ multi, the old and the new values")
            eq(change_of("~ multi2.example.com. A"), [
                "~ multi2.example.com. A",
                "    old: 300 192.0.2.20",
                "    new: 300 192.0.2.20 | 192.0.2.21"], "plan: ~ multi2")
            eq(change_of("~ ttl.example.com. TXT"), [
                "~ ttl.example.com. TXT",
                '    old: 60 "ttl"',
                '    new: 600 "ttl"'], "plan: ~ ttl")
            eq(change_of("~ example.com. SOA"), [
                "~ example.com. SOA",
                "    old: 900 %s %s 99 3600 600 604800 60" % (f[0], f[1]),
                "    new: 300 %s %s 100 7200 900 1209600 86400" % (f[0], f[1])],
               "plan: ~ the SOA: Route 53's names, the primary's serial, timers and TTL")
            ok("warning: cdn.example.com. A: conflict: Route 53 holds an alias record set "
               "here, left alone; the primary's set is not synced" in lines,
               "plan: the A the primary has where Route 53 holds an alias is reported")
            ok("1 to create, 4 to update, 3 to delete" in lines, "plan: the counts")
            left = ("cdn.example.com.", "lb.example.com.", "w.example.com.",
                    "_acme-challenge.example.com.", "_0123abcd.www.example.com.")
            ok(not any(x[:2] in ("+ ", "~ ", "- ") and x.split()[1] in left for x in lines), "plan: nothing for the alias, weighted or ignored sets",
               p.stdout)
            ok(not any("NS" in x.split()[:5] and x.split()[1] == "example.com."
                       for x in lines if x[:2] in ("+ ", "~ ", "- ")), "plan: apex NS untouched")
            eq(e.count("ChangeResourceRecordSets"), 0, "plan sends no change")

            p, _ = st.sync(home, cfg, ["--json"], cmd="plan")
            eq(p.returncode, 2, "plan --json: exit 2")
            try:
                objs = [json.loads(x) for x in p.stdout.splitlines()]
                ok(True, "plan --json: %d lines, each parses as JSON" % len(objs))
            except ValueError as ex:
                objs = []
                ok(False, "plan --json: each line parses as JSON", "%s\n%s" % (ex, p.stdout))
            acts = sorted((o["action"], o["name"], o["type"]) for o in objs if "action" in o)
            eq(acts, sorted([("create", "host.example.com.", "A"),
                             ("delete", "host.example.com.", "CNAME"),
                             ("delete", "extra.example.com.", "A"),
                             ("delete", "extra2.example.com.", "TXT"),
                             ("update", "multi.example.com.", "A"),
                             ("update", "multi2.example.com.", "A"),
                             ("update", "ttl.example.com.", "TXT"),
                             ("update", "example.com.", "SOA")]),
               "plan --json: the eight changes")
            upd = [o for o in objs if o.get("action") == "update" and o["name"] == "ttl.example.com."]
            ok(upd and upd[0]["ttl"] == 600 and upd[0]["old_ttl"] == 60,
               "plan --json: update with ttl and old_ttl", upd)
            summ = [o["summary"] for o in objs if "summary" in o]
            ok(summ and summ[0]["create"] == 1 and summ[0]["update"] == 4 and
               summ[0]["delete"] == 3 and summ[0]["conflicts"] >= 1,
               "plan --json: summary with the counts and the conflict", summ)
            ok(all(o.get("zone") == "example.com." for o in objs), "plan --json: zone on every line")

            e.reset()
            p, res = st.sync(home, cfg)
            r = res.get("example.com.", {})
            ok(p.returncode == 0, "sync after drift: exit 0", p.stdout + p.stderr)
            eq((r.get("created"), r.get("updated"), r.get("deleted"), r.get("batches")),
               (1, 4, 3, 1), "sync after drift: 1 created, 4 updated, 3 deleted in one batch")
            log = api_log(e)
            plain, soa1, ns1, other, _ = st.listing(client, zid)
            for k in ("_acme-challenge.example.com.", "TXT"), ("_0123abcd.www.example.com.",
                                                               "CNAME"):
                plain.pop(k, None)
            del want[("cdn.example.com.", "A")]
            ok(plain == want, "the hosted zone converged to the primary's sets in one sync",
               st.diff(plain, want))
            eq(soa1.split()[2:], ["100", "7200", "900", "1209600", "86400"],
               "SOA serial and timers back to the primary's")
            eq(soa1.split()[:2], f[:2], "SOA names still Route 53's")
            eq(ns1, ns0, "apex NS untouched")
            after = by_key(client.list_resource_record_sets(HostedZoneId=zid)
                           ["ResourceRecordSets"])
            eq([after.get(k) for k in keep], [before[k] for k in keep],
               "alias, weighted and ignored sets exactly as they were")
            diag("drift sync: %d API calls: %s, %.2f s" % (len(log), r.get("calls"),
                                                            r.get("secs", 0)))
            chg = [x for x in log if x["op"] == "ChangeResourceRecordSets"]
            ok(len(chg) == 1 and chg[0]["status"] == 200, "one change request, accepted")

            e.reset()
            p, _ = st.sync(home, cfg, cmd="plan")
            eq(p.returncode, 0, "plan once in sync: exit 0")
            ok(not any(x[:2] in ("+ ", "~ ", "- ") for x in p.stdout.splitlines()),
               "plan once in sync: no change line", p.stdout)
            # --full: through the sync record it would be "current"
            # without looking; the listing shows nothing is left.
            p, res = st.sync(home, cfg, ["--full"])
            eq(res.get("example.com.", {}).get("created"), 0, "a further sync: nothing to do")
            # With the conflict no sync record is kept (a plan from it
            # could not see the alias): listed again, nothing to do.
            p, res = st.sync(home, cfg)
            r = res.get("example.com.", {})
            ok(r.get("xfer") == "AXFR" and r.get("created") == 0 and r.get("updated") == 0 and
               r.get("deleted") == 0 and "ListResourceRecordSets" in r.get("calls", {}),
               "with the conflict no sync record: listed again, nothing to do", p.stdout)

            # The primary changes the set Route 53 holds an alias for: with
            # no sync record while the conflict lasts, the sync after it
            # lists Route 53 (which shows the alias), and must still leave
            # the alias alone.
            ns.rewrite("example.com", ZONE.replace(" 100 7200 ", " 101 7200 ").replace(
                "cdn IN A 192.0.2.30", "cdn IN A 192.0.2.31"))
            e.reset()
            p, res = st.sync(home, cfg)
            ok("serial 101 " in p.stdout, "the primary's change synced", p.stdout + p.stderr)
            ok("ListResourceRecordSets" in res.get("example.com.", {}).get("calls", {}),
               "the primary's change: planned from a listing", p.stdout)
            after = by_key(client.list_resource_record_sets(HostedZoneId=zid)
                           ["ResourceRecordSets"])
            eq(after.get(("cdn.example.com.", "A", None)), before[("cdn.example.com.", "A", None)],
               "a change of the primary's set in conflict leaves Route 53's alias alone")
            ok("warning: cdn.example.com. A: conflict: Route 53 holds an alias record set "
               "here, left alone; the primary's set is not synced" in p.stderr,
               "the conflict is reported again", p.stderr)
        # named is gone: the primary cannot be reached.
        p, _ = st.sync(home, cfg, cmd="plan")
        eq(p.returncode, 1, "plan with the primary down: exit 1")
        err = p.stderr.splitlines()
        # With the sync record the hosted zone is known before the primary
        # is asked, and the line names it.
        ok(len(err) <= 3 and any(re.match(r"notify53: example\.com\.( \(public hosted zone "
                                          r"\w+\))?: .*127\.0\.0\.1", x)
                                 for x in err),
           "plan with the primary down: the zone and the reason on stderr", p.stderr)
    done()


if __name__ == "__main__":
    main()
