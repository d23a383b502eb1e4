#!/usr/bin/python3
"""Route 53 change batches against the emulator over TLS: a batch created
and waited for until INSYNC; an InvalidChangeBatch with several problems
reported with every message, in both error shapes AWS uses; InvalidInput;
PriorRequestNotComplete retried; a CREATE whose answer was lost (reset
after the server applied it) reported as an unknown outcome and not sent
again; Throttling on a change retried; a wrong secret refused at once.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, done  # noqa: E402
from emu import Emu, bare  # noqa: E402
from r53tool import Home, run_tool, api_log  # noqa: E402


def changes(home, name, items):
    return home.write(name, json.dumps([
        {"action": a, "name": n, "type": t, "ttl": ttl, "values": v}
        for a, n, t, ttl, v in items]))


def sets_of(e, zid):
    return dict(((s["name"], s["type"]), s) for s in e.rrsets(zid))


def main():
    with Emu(rate=0, args=["--insync-after", "3"]) as e, Home() as home:
        cfg = home.config(e)
        zid = bare(e.create_zone("example.com."))
        env = home.env()

        batch = changes(home, "create.json", [
            ("CREATE", "www.example.com.", "A", 300, ["192.0.2.1", "192.0.2.2"]),
            ("CREATE", "\\052.example.com.", "TXT", 60, ['"a & b <c>"']),
            ("UPSERT", "mail.example.com.", "MX", 300, ["10 mx.example.net."])])
        res, calls, p = run_tool(cfg, ["change:%s:%s:serial 42 & more" % (zid, batch)], env)
        ok(res and res[0]["status"] == "ok" and res[0]["change"] not in ("-", "") and
           res[0]["insync"] == 0, "a change batch is created (PENDING)", p.stdout + p.stderr)
        s = sets_of(e, zid)
        ok(s.get(("www.example.com.", "A"), {}).get("values") == ["192.0.2.1", "192.0.2.2"] and
           s.get(("\\052.example.com.", "TXT"), {}).get("values") == ['"a & b <c>"'] and
           ("mail.example.com.", "MX") in s, "the zone holds the three sets")
        log = api_log(e)
        eq(len(log), 1, "one request")
        ok(log and log[0].get("changes") == 3 and log[0].get("records") == 5,
           "3 changes, 5 records (UPSERT counted twice)")
        cid = res[0]["change"] if res else "-"
        res, calls, p = run_tool(cfg, ["getchange:" + cid, "wait:" + cid], env)
        ok(len(res) == 2 and res[0]["status"] == "ok" and res[0]["insync"] == 0 and
           res[1]["status"] == "ok" and res[1]["insync"] == 1,
           "GetChange: PENDING, then waited for INSYNC", p.stdout + p.stderr)
        ok(2 <= calls.get("GetChange", 0) <= 4, "a few GetChange calls while waiting: %s"
           % calls.get("GetChange"))

        # Several problems in one batch: every message, both shapes.
        bad = changes(home, "bad.json", [
            ("CREATE", "www.example.com.", "A", 300, ["192.0.2.9"]),
            ("DELETE", "nothere.example.com.", "A", 300, ["192.0.2.1"]),
            ("CREATE", "x.example.org.", "A", 300, ["192.0.2.1"])])
        for shape in ("messages", "errorresponse"):
            e.reset()
            e.config(invalid_change_batch_shape=shape)
            res, calls, p = run_tool(cfg, ["change:%s:%s" % (zid, bad)], env)
            ok(res and res[0]["status"] == "invalid-change-batch" and
               res[0]["code"] == "InvalidChangeBatch",
               "%s shape: InvalidChangeBatch" % shape, p.stdout + p.stderr)
            msgs = res[0]["messages"] if res else []
            eq(len(msgs), 3, "%s shape: three messages" % shape)
            ok(len(msgs) == 3 and "already exists" in msgs[0] and
               "nothere.example.com." in msgs[1] and "x.example.org." in msgs[2],
               "%s shape: each problem named, in order" % shape)
            ok(res and "(and 2 more)" in res[0]["errors"][0], "the error line says there "
               "are more: %s" % (res[0]["errors"][0] if res else ""))
            eq(len(api_log(e)), 1, "%s shape: not retried" % shape)
        ok(("www.example.com.", "A") in sets_of(e, zid) and
           sets_of(e, zid)[("www.example.com.", "A")]["values"] == ["192.0.2.1", "192.0.2.2"],
           "nothing of the refused batch was applied")

        e.reset()
        res, calls, p = run_tool(cfg, ["change:%s:%s" % (zid, changes(home, "inval.json", [
            ("UPSERT", "txt.example.com.", "TXT", 300, ["unquoted"])]))], env)
        ok(res and res[0]["status"] == "invalid-change-batch" and res[0]["messages"] and
           "quotation marks" in res[0]["messages"][0], "a bad value: %s" %
           (res[0]["messages"] if res else p.stderr))

        # PriorRequestNotComplete twice: retried (seconds apart), then applied.
        e.reset(faults=True)
        e.fault("prior", op="ChangeResourceRecordSets", count=2)
        up = changes(home, "up.json", [("UPSERT", "p.example.com.", "A", 60, ["192.0.2.7"])])
        res, calls, p = run_tool(cfg, ["change:%s:%s" % (zid, up)], env)
        ok(res and res[0]["status"] == "ok" and res[0]["requests"] == 3,
           "PriorRequestNotComplete twice: the third attempt succeeds", p.stdout + p.stderr)
        eq([x.get("code") for x in api_log(e)], ["PriorRequestNotComplete"] * 2 + [None],
           "the log: two refusals, one success")
        e.reset(faults=True)
        e.fault("throttle", op="ChangeResourceRecordSets", count=1)
        res, calls, p = run_tool(cfg, ["change:%s:%s" % (zid, up)], env)
        ok(res and res[0]["status"] == "ok" and len(api_log(e)) == 2,
           "Throttling on a change: retried once")

        # The answer to a CREATE is lost after the server applied it.
        e.reset(faults=True)
        e.fault("reset-after", op="ChangeResourceRecordSets", count=1)
        lost = changes(home, "lost.json", [("CREATE", "lost.example.com.", "A", 60,
                                            ["192.0.2.8"])])
        res, calls, p = run_tool(cfg, ["change:%s:%s" % (zid, lost)], env)
        ok(res and res[0]["status"] == "unknown-outcome" and
           "may have been applied" in res[0]["errors"][0],
           "a lost answer: unknown outcome: %s" % (res[0]["errors"] if res else p.stderr))
        eq(len(api_log(e)), 1, "the CREATE was sent once, not retried")
        ok(("lost.example.com.", "A") in sets_of(e, zid),
           "(the emulator did apply it: a retry would have failed 'already exists')")
        e.reset(faults=True)
        e.fault("truncate", op="ChangeResourceRecordSets", count=1)
        res, calls, p = run_tool(cfg, ["change:%s:%s" % (zid, up)], env)
        ok(res and res[0]["status"] == "unknown-outcome" and len(api_log(e)) == 1,
           "a truncated change answer: unknown outcome, sent once")

        e.reset(faults=True)
        wrong = home.config(e, name="wrong.json", secret_access_key="WRONGSECRET")
        res, calls, p = run_tool(wrong, ["change:%s:%s" % (zid, up)], env)
        ok(res and res[0]["status"] == "access" and
           "SignatureDoesNotMatch" in res[0]["errors"][0] and
           "WRONGSECRET" not in p.stdout + p.stderr,
           "a wrong secret: refused, and the secret appears nowhere")
        eq(len(api_log(e)), 1, "not retried")
        res, calls, p = run_tool(cfg, ["change:ZNOSUCH:%s" % up, "list:ZNOSUCH"], env)
        ok(len(res) == 2 and all(r["status"] == "no-such-zone" for r in res),
           "an unknown zone: no-such-zone")
    done()


if __name__ == "__main__":
    main()
