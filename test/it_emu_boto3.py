#!/usr/bin/python3
"""Conformance of tools/r53emu.py as seen by Debian's boto3.

boto3 (python3-boto3) drives every emulated operation over TLS, verifying
the throwaway CA, and must get correct results and correctly parsed
ClientErrors (code and message) for each validation rule, pagination across
pages, Throttling and the SigV4 failures. Runs in a few seconds; every
emulator is stopped on exit, also on failure.
"""
import os
import sys
import time
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
import tap                                   # noqa: E402
from emu import Emu                          # noqa: E402

import botocore.exceptions                   # noqa: E402
import datetime                              # noqa: E402

ClientError = botocore.exceptions.ClientError


def err(fn, *a, **kw):
    """Call fn, return (code, message, response) of its ClientError."""
    try:
        fn(*a, **kw)
    except ClientError as e:
        return (e.response["Error"].get("Code"),
                e.response["Error"].get("Message"), e.response)
    return (None, None, None)


# botocore writes XML elements in the order of the caller's dict keys, and
# Route 53 (and the emulator) want the XSD/model order, so keep keys ordered.
RRSET_ORDER = ["Name", "Type", "SetIdentifier", "Weight", "Region",
               "GeoLocation", "Failover", "MultiValueAnswer", "TTL",
               "ResourceRecords", "AliasTarget", "HealthCheckId"]


def rrset(name, rtype, values, ttl=300, **kw):
    d = {"Name": name, "Type": rtype, "TTL": ttl,
         "ResourceRecords": [{"Value": v} for v in values]}
    d.update(kw)
    return dict((k, d[k]) for k in RRSET_ORDER if k in d)


def change(c, zid, *changes, comment=None):
    cb = {}
    if comment:
        cb["Comment"] = comment
    cb["Changes"] = [{"Action": a, "ResourceRecordSet": r}
                     for a, r in changes]
    return c.change_resource_record_sets(HostedZoneId=zid, ChangeBatch=cb)


def all_rrsets(c, zid, page=None):
    out = []
    kw = {"HostedZoneId": zid}
    if page:
        kw["MaxItems"] = str(page)
    seen = set()
    while True:
        r = c.list_resource_record_sets(**kw)
        out.extend(r["ResourceRecordSets"])
        if not r["IsTruncated"]:
            return out
        cur = (r["NextRecordName"], r["NextRecordType"],
               r.get("NextRecordIdentifier"))
        if cur in seen:
            raise RuntimeError("cursor repeated: %r" % (cur,))
        seen.add(cur)
        kw["StartRecordName"] = cur[0]
        kw["StartRecordType"] = cur[1]
        if cur[2] is not None:
            kw["StartRecordIdentifier"] = cur[2]
        else:
            kw.pop("StartRecordIdentifier", None)


def at_time(t):
    """Make botocore sign as if the clock said t."""
    fixed = datetime.datetime.utcfromtimestamp(t)

    class _DT(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return fixed
    return mock.patch("botocore.auth.datetime.datetime", _DT)


def main():
    creds = ["AKID:SECRET", "ASIATEMP:TEMPSECRET:SESSIONTOKEN123"]
    with Emu(credentials=creds, rate=0,
             args=["--invalid-change-batch-shape", "errorresponse"]) as e:
        c = e.boto3()
        zones(e, c)
        rrsets_order(e, c)
        paging(e, c)
        changes_and_getchange(e, c)
        validation(e, c)
        icb_shapes(e, c)
        throttling(e, c)
        auth(e, c)
    tap.done()


def zones(e, c):
    pub = c.create_hosted_zone(Name="Example.COM", CallerReference="pub-1",
                               HostedZoneConfig={"Comment": "public one"})
    tap.eq(pub["ResponseMetadata"]["HTTPStatusCode"], 201,
           "CreateHostedZone answers 201")
    tap.ok(pub["ResponseMetadata"]["HTTPHeaders"].get("location", "")
           .endswith(pub["HostedZone"]["Id"].split("/")[-1]),
           "CreateHostedZone has a Location header")
    tap.eq(pub["HostedZone"]["Name"], "example.com.",
           "zone name stored lower-case with trailing dot")
    tap.ok(pub["HostedZone"]["Id"].startswith("/hostedzone/Z"),
           "zone id has /hostedzone/ prefix")
    tap.eq(pub["ChangeInfo"]["Status"], "PENDING",
           "CreateHostedZone ChangeInfo starts PENDING")
    tap.eq(len(pub["DelegationSet"]["NameServers"]), 4,
           "public zone has a delegation set of 4 name servers")
    tap.ok(all(not n.endswith(".") for n in
               pub["DelegationSet"]["NameServers"]),
           "delegation set name servers have no trailing dot")
    priv = c.create_hosted_zone(Name="example.com.",
                                VPC={"VPCRegion": "eu-west-1",
                                     "VPCId": "vpc-1234"},
                                CallerReference="priv-1",
                                HostedZoneConfig={"PrivateZone": True})
    tap.eq(priv["HostedZone"]["Config"]["PrivateZone"], True,
           "private zone with the same name as a public one is created")
    tap.eq(priv["VPC"], {"VPCRegion": "eu-west-1", "VPCId": "vpc-1234"},
           "CreateHostedZone echoes the VPC for a private zone")
    code, msg, _ = err(c.create_hosted_zone, Name="other.com",
                       CallerReference="pub-1")
    tap.eq(code, "HostedZoneAlreadyExists",
           "a reused CallerReference is refused")
    code, msg, _ = err(c.create_hosted_zone, Name="example.com",
                       VPC={"VPCRegion": "eu-west-1", "VPCId": "vpc-1234"},
                       CallerReference="priv-2")
    tap.eq(code, "ConflictingDomainExists",
           "second private zone of that name in the same VPC is refused")
    pid, vid = pub["HostedZone"]["Id"], priv["HostedZone"]["Id"]
    g = c.get_hosted_zone(Id=pid)
    tap.eq(g["DelegationSet"]["NameServers"],
           pub["DelegationSet"]["NameServers"],
           "GetHostedZone (public) returns the DelegationSet")
    tap.eq(g["HostedZone"]["ResourceRecordSetCount"], 2,
           "new zone counts its SOA and NS sets")
    tap.eq(g["HostedZone"]["Config"].get("Comment"), "public one",
           "GetHostedZone returns the comment")
    g = c.get_hosted_zone(Id=vid.split("/")[-1])
    tap.eq(g.get("VPCs"), [{"VPCRegion": "eu-west-1", "VPCId": "vpc-1234"}],
           "GetHostedZone (private, bare id) returns VPCs")
    tap.ok("DelegationSet" not in g, "private zone has no DelegationSet")
    rr = c.list_resource_record_sets(HostedZoneId=pid)["ResourceRecordSets"]
    tap.eq([(r["Name"], r["Type"], r["TTL"]) for r in rr],
           [("example.com.", "NS", 172800), ("example.com.", "SOA", 900)],
           "new zone has apex NS (TTL 172800) and SOA (TTL 900)")
    tap.ok(all(r["Value"].endswith(".") for r in rr[0]["ResourceRecords"]),
           "apex NS values have trailing dots")
    soa = rr[1]["ResourceRecords"][0]["Value"].split()
    tap.ok(len(soa) == 7 and soa[2:] == ["1", "7200", "900", "1209600",
                                         "86400"],
           "apex SOA value has AWS's default timers", soa)
    code, msg, resp = err(c.get_hosted_zone, Id="ZNOSUCHZONE")
    tap.eq((code, msg, resp and resp["ResponseMetadata"]["HTTPStatusCode"]),
           ("NoSuchHostedZone", "No hosted zone found with ID: ZNOSUCHZONE",
            404), "unknown zone -> 404 NoSuchHostedZone")

    # >100 zones: ListHostedZones pages of at most 100 with Marker/NextMarker
    made = [pid, vid]
    for i in range(150):
        made.append(c.create_hosted_zone(Name="z%03d.bulk.test" % i,
                                         CallerReference="bulk-%d" % i)
                    ["HostedZone"]["Id"])
    tap.eq(c.get_hosted_zone_count()["HostedZoneCount"], 152,
           "GetHostedZoneCount counts all zones")
    p1 = c.list_hosted_zones()
    tap.eq((len(p1["HostedZones"]), p1["IsTruncated"], p1["MaxItems"]),
           (100, True, "100"), "ListHostedZones first page has 100 zones")
    tap.ok(p1.get("NextMarker"), "ListHostedZones gives NextMarker")
    p2 = c.list_hosted_zones(Marker=p1["NextMarker"])
    tap.eq((len(p2["HostedZones"]), p2["IsTruncated"], p2["Marker"]),
           (52, False, p1["NextMarker"]),
           "ListHostedZones second page from the marker")
    ids = [z["Id"] for z in p1["HostedZones"] + p2["HostedZones"]]
    tap.eq(sorted(ids), sorted(made), "the two pages hold every zone once")
    big = c.list_hosted_zones(MaxItems="500")
    tap.eq(len(big["HostedZones"]), 100, "ListHostedZones caps maxitems at 100")
    pag = c.get_paginator("list_hosted_zones")
    tap.eq(sum(len(p["HostedZones"]) for p in
               pag.paginate(PaginationConfig={"PageSize": 7})), 152,
           "boto3 paginator walks all zones with page size 7")

    # ListHostedZonesByName: cursor, not filter; reversed-label order
    c.create_hosted_zone(Name="b.example.com", CallerReference="b")
    c.create_hosted_zone(Name="zzz.com", CallerReference="zzz")
    c.create_hosted_zone(Name="example.net", CallerReference="net")
    r = c.list_hosted_zones_by_name(DNSName="example.com", MaxItems="1")
    first = r["HostedZones"][0]
    tap.eq((first["Name"], r["IsTruncated"], r["NextDNSName"], r["DNSName"]),
           ("example.com.", True, "example.com.", "example.com"),
           "ByName dnsname=example.com maxitems=1: one example.com zone, "
           "next is the other one")
    r2 = c.list_hosted_zones_by_name(DNSName=r["NextDNSName"],
                                     HostedZoneId=r["NextHostedZoneId"],
                                     MaxItems="1")
    tap.eq(r2["HostedZones"][0]["Name"], "example.com.",
           "ByName with NextDNSName/NextHostedZoneId gives the second zone")
    tap.eq(sorted([first["Config"]["PrivateZone"],
                   r2["HostedZones"][0]["Config"]["PrivateZone"]]),
           [False, True], "the public and the private example.com are seen")
    r = c.list_hosted_zones_by_name(DNSName="example.co.", MaxItems="100")
    names = [z["Name"] for z in r["HostedZones"]]
    tap.eq(names[:5], ["example.com.", "example.com.", "b.example.com.",
                       "zzz.com.", "example.net."],
           "ByName is a cursor in reversed-label order (co. < com.example. "
           "< com.example.b. < com.zzz. < net.example.)")
    r = c.list_hosted_zones_by_name(DNSName="zzzz.org")
    tap.eq(r["HostedZones"][0]["Name"], "z000.bulk.test.",
           "ByName past every .org name starts at the next name (test.)")
    allz = []
    kw = {"MaxItems": "9"}
    for _ in range(100):
        p = c.list_hosted_zones_by_name(**kw)
        allz += p["HostedZones"]
        if not p["IsTruncated"]:
            break
        kw = {"MaxItems": "9", "DNSName": p["NextDNSName"],
              "HostedZoneId": p["NextHostedZoneId"]}
    tap.eq(len(set(z["Id"] for z in allz)), 155,
           "ByName paging visits distinct zones")
    tap.eq(len(allz), 155, "ByName paging with NextDNSName covers all zones")

    # delete zone: HostedZoneNotEmpty, then success
    zid = c.create_hosted_zone(Name="del.test",
                               CallerReference="del")["HostedZone"]["Id"]
    change(c, zid, ("CREATE", rrset("a.del.test", "A", ["192.0.2.1"])))
    code, msg, _ = err(c.delete_hosted_zone, Id=zid)
    tap.eq(code, "HostedZoneNotEmpty",
           "DeleteHostedZone with records -> HostedZoneNotEmpty")
    change(c, zid, ("DELETE", rrset("a.del.test", "A", ["192.0.2.1"])))
    d = c.delete_hosted_zone(Id=zid)
    tap.eq(d["ChangeInfo"]["Status"], "PENDING",
           "DeleteHostedZone of a zone with only SOA/NS works")
    code, _, _ = err(c.get_hosted_zone, Id=zid)
    tap.eq(code, "NoSuchHostedZone", "deleted zone is gone")


ORDER_ZONE = "order.test"


def rrsets_order(e, c):
    zid = c.create_hosted_zone(Name=ORDER_ZONE,
                               CallerReference="order")["HostedZone"]["Id"]
    e.order_zone = zid
    change(c, zid,
           ("CREATE", rrset("www.order.test", "TXT", ['"t"'])),
           ("CREATE", rrset("www.order.test.", "A", ["192.0.2.1"])),
           ("CREATE", rrset("www-x.order.test", "A", ["192.0.2.2"])),
           ("CREATE", rrset("*.order.test", "A", ["192.0.2.3"])),
           ("CREATE", rrset("_dmarc.Order.Test", "TXT", ['"v=DMARC1"'])),
           ("CREATE", rrset("MiXeD.order.test", "A", ["192.0.2.4"])),
           ("CREATE", rrset("a\\056b.order.test", "A", ["192.0.2.5"])),
           ("CREATE", rrset("x@y.order.test", "A", ["192.0.2.6"])),
           ("CREATE", rrset("sub.www.order.test", "A", ["192.0.2.7"])),
           ("CREATE", rrset("0.order.test", "A", ["192.0.2.8"])))
    got = [(r["Name"], r["Type"]) for r in all_rrsets(c, zid)]
    want = [("order.test.", "NS"), ("order.test.", "SOA"),
            ("0.order.test.", "A"), ("\\052.order.test.", "A"),
            ("_dmarc.order.test.", "TXT"), ("a\\056b.order.test.", "A"),
            ("mixed.order.test.", "A"), ("www-x.order.test.", "A"),
            ("www.order.test.", "A"), ("www.order.test.", "TXT"),
            ("sub.www.order.test.", "A"), ("x\\100y.order.test.", "A")]
    tap.eq(got, want, "ListResourceRecordSets in AWS order: reversed labels "
           "with trailing dot as bytes (www-x before www), escaped names, "
           "lower-case, then type")
    r = c.list_resource_record_sets(HostedZoneId=zid,
                                    StartRecordName="*.order.test",
                                    MaxItems="1")
    tap.eq((r["ResourceRecordSets"][0]["Name"], r["NextRecordName"],
            r["NextRecordType"]),
           ("\\052.order.test.", "_dmarc.order.test.", "TXT"),
           "raw '*' start name finds the \\052 wildcard; Next* cursor")
    r = c.list_resource_record_sets(HostedZoneId=zid,
                                    StartRecordName="WWW.order.test",
                                    StartRecordType="TXT", MaxItems="2")
    tap.eq([(x["Name"], x["Type"]) for x in r["ResourceRecordSets"]],
           [("www.order.test.", "TXT"), ("sub.www.order.test.", "A")],
           "start name+type cursor (case-insensitive name)")
    r = c.list_resource_record_sets(HostedZoneId=zid,
                                    StartRecordName="www.order.test")
    tap.eq(r["ResourceRecordSets"][0]["Name"], "www.order.test.",
           "start name cursor begins at the name itself")
    code, msg, _ = err(c.list_resource_record_sets, HostedZoneId=zid,
                       StartRecordType="A")
    tap.eq(code, "InvalidInput", "type without name -> InvalidInput")


def paging(e, c):
    zid = c.create_hosted_zone(Name="big.test",
                               CallerReference="big")["HostedZone"]["Id"]
    for b in range(2):
        change(c, zid, *[("CREATE", rrset("h%04d.big.test" % i, "A",
                                          ["192.0.2.%d" % (i % 250 + 1)]))
                         for i in range(b * 350, b * 350 + 350)])
    r = c.list_resource_record_sets(HostedZoneId=zid)
    tap.eq((len(r["ResourceRecordSets"]), r["IsTruncated"], r["MaxItems"]),
           (300, True, "300"), "default page is 300 record sets")
    r = c.list_resource_record_sets(HostedZoneId=zid, MaxItems="1000")
    tap.eq(len(r["ResourceRecordSets"]), 300,
           "maxitems above 300 is capped at 300")
    full = all_rrsets(c, zid)
    tap.eq(len(full), 702, "paging with Next* covers all 702 sets")
    small = all_rrsets(c, zid, 7)
    tap.eq([(x["Name"], x["Type"]) for x in small],
           [(x["Name"], x["Type"]) for x in full],
           "page size 7 gives the same sequence, no gaps or repeats")
    pag = c.get_paginator("list_resource_record_sets")
    n = sum(len(p["ResourceRecordSets"]) for p in pag.paginate(
        HostedZoneId=zid, PaginationConfig={"PageSize": 100}))
    tap.eq(n, 702, "boto3 paginator walks all record sets")
    # weighted sets paged by identifier
    change(c, zid, *[("CREATE", rrset("w.big.test", "A", ["192.0.2.%d" % i],
                                      SetIdentifier="id-%d" % i, Weight=i))
                     for i in range(5)])
    r = c.list_resource_record_sets(HostedZoneId=zid, StartRecordName=
                                    "w.big.test", StartRecordType="A",
                                    MaxItems="2")
    tap.eq([x.get("SetIdentifier") for x in r["ResourceRecordSets"]],
           ["id-0", "id-1"], "weighted sets listed by identifier")
    tap.eq(r.get("NextRecordIdentifier"), "id-2",
           "NextRecordIdentifier points inside the weighted group")
    r = c.list_resource_record_sets(
        HostedZoneId=zid, StartRecordName=r["NextRecordName"],
        StartRecordType=r["NextRecordType"],
        StartRecordIdentifier=r["NextRecordIdentifier"], MaxItems="3")
    tap.eq([x.get("SetIdentifier") for x in r["ResourceRecordSets"]],
           ["id-2", "id-3", "id-4"], "identifier cursor continues the group")
    tap.eq(r["ResourceRecordSets"][0].get("Weight"), 2,
           "Weight is returned")
    tap.eq(len(all_rrsets(c, zid, 2)), 707,
           "page size 2 across the weighted group sees every set once")


def changes_and_getchange(e, c):
    zid = e.order_zone
    # A change is PENDING for insync_after seconds: an hour here, so the
    # first GetChange cannot miss it on a slow machine.
    e.config(insync_after=3600.0)
    r = change(c, zid, ("UPSERT", rrset("gc.order.test", "A",
                                        ["192.0.2.9"])), comment="hello")
    ci = r["ChangeInfo"]
    tap.ok(ci["Id"].startswith("/change/C"), "change id has /change/ prefix")
    tap.eq((ci["Status"], ci.get("Comment")), ("PENDING", "hello"),
           "ChangeResourceRecordSets answers PENDING with the comment")
    g = c.get_change(Id=ci["Id"])
    tap.eq(g["ChangeInfo"]["Status"], "PENDING",
           "GetChange is PENDING before --insync-after")
    # A change made with 0.2 s is INSYNC once that has passed (polled,
    # within a bound); the same UPSERT again changes nothing else.
    e.config(insync_after=0.2)
    cid = change(c, zid, ("UPSERT", rrset("gc.order.test", "A", ["192.0.2.9"])))[
        "ChangeInfo"]["Id"].split("/")[-1]
    deadline = time.monotonic() + 60
    while True:
        g = c.get_change(Id=cid)
        if g["ChangeInfo"]["Status"] == "INSYNC" or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    tap.eq(g["ChangeInfo"]["Status"], "INSYNC",
           "GetChange is INSYNC after --insync-after")
    e.config(insync_after=0)
    code, msg, resp = err(c.get_change, Id="CNOSUCHCHANGE")
    tap.eq((code, resp and resp["ResponseMetadata"]["HTTPStatusCode"]),
           ("NoSuchChange", 404), "unknown change -> 404 NoSuchChange")
    # UPSERT replaces the whole set; DELETE+CREATE replaces atomically
    change(c, zid, ("UPSERT", rrset("gc.order.test", "A",
                                    ["192.0.2.10", "192.0.2.11"], ttl=60)))
    change(c, zid, ("DELETE", rrset("gc.order.test", "A",
                                    ["192.0.2.11", "192.0.2.10"], ttl=60)),
           ("CREATE", rrset("gc.order.test", "A", ["192.0.2.12"])))
    r = c.list_resource_record_sets(HostedZoneId=zid,
                                    StartRecordName="gc.order.test",
                                    MaxItems="1")["ResourceRecordSets"][0]
    tap.eq((r["TTL"], r["ResourceRecords"]), (300, [{"Value": "192.0.2.12"}]),
           "DELETE (values in any order) + CREATE in one batch replaces")
    # alias record via the API, listed with AliasTarget and no TTL
    change(c, zid, ("CREATE", {"Name": "alias.order.test", "Type": "A",
                               "AliasTarget": {
                                   "HostedZoneId": zid.split("/")[-1],
                                   "DNSName": "WWW.order.test",
                                   "EvaluateTargetHealth": False}}))
    r = c.list_resource_record_sets(HostedZoneId=zid,
                                    StartRecordName="alias.order.test",
                                    MaxItems="1")["ResourceRecordSets"][0]
    tap.eq((r["Name"], r["AliasTarget"]["DNSName"], "TTL" in r),
           ("alias.order.test.", "www.order.test.", False),
           "alias set listed with AliasTarget (DNSName lower-case, dot)")
    # apex SOA and NS can be UPSERTed
    soa = c.list_resource_record_sets(HostedZoneId=zid, MaxItems="2")[
        "ResourceRecordSets"]
    ns_vals = [x["Value"] for x in soa[0]["ResourceRecords"]]
    newsoa = soa[1]["ResourceRecords"][0]["Value"].split()
    newsoa[2] = "42"
    newsoa[6] = "60"
    change(c, zid, ("UPSERT", rrset("order.test", "SOA", [" ".join(newsoa)],
                                    ttl=900)),
           ("UPSERT", rrset("order.test", "NS", ns_vals, ttl=3600)))
    soa = c.list_resource_record_sets(HostedZoneId=zid, MaxItems="2")[
        "ResourceRecordSets"]
    tap.eq((soa[0]["TTL"], soa[1]["ResourceRecords"][0]["Value"]),
           (3600, " ".join(newsoa)), "apex NS and SOA can be UPSERTed")


def expect_icb(c, zid, changes, want, what):
    code, msg, resp = err(lambda: change(c, zid, *changes))
    if isinstance(want, str):
        want = [want]
    tap.eq((code, msg), ("InvalidChangeBatch", "[%s]" % ", ".join(want)),
           what)


def validation(e, c):
    zid = e.order_zone
    before = e.rrsets(zid)
    W = "www.order.test."
    expect_icb(c, zid, [("CREATE", rrset(W, "A", ["192.0.2.1"]))],
               "Tried to create resource record set [name='www.order.test.',"
               " type='A'] but it already exists", "CREATE of existing set")
    expect_icb(c, zid, [("DELETE", rrset("nope.order.test", "A",
                                         ["192.0.2.1"]))],
               "Tried to delete resource record set [name='nope.order.test.',"
               " type='A'] but it was not found", "DELETE of missing set")
    expect_icb(c, zid, [("DELETE", rrset(W, "A", ["192.0.2.99"]))],
               "Tried to delete resource record set [name='www.order.test.',"
               " type='A'] but the values provided do not match the current "
               "values", "DELETE with other values")
    expect_icb(c, zid, [("DELETE", rrset(W, "A", ["192.0.2.1"], ttl=301))],
               "Tried to delete resource record set [name='www.order.test.',"
               " type='A'] but the values provided do not match the current "
               "values", "DELETE with other TTL")
    expect_icb(c, zid, [("DELETE", rrset(W, "A", ["192.0.2.1"])),
                        ("DELETE", rrset(W, "A", ["192.0.2.1"]))],
               "Tried to delete resource record set [name='www.order.test.',"
               " type='A'] but it was not found",
               "deleting one set twice in a batch")
    expect_icb(c, zid, [("CREATE", rrset(W, "CNAME", ["x.example."]))],
               "RRSet of type CNAME with DNS name www.order.test. is not "
               "permitted as it conflicts with other records with the same "
               "DNS name in zone order.test.", "CNAME where other types exist")
    change(c, zid, ("CREATE", rrset("cn.order.test", "CNAME", ["x.example."])))
    expect_icb(c, zid, [("CREATE", rrset("cn.order.test", "TXT", ['"x"']))],
               "RRSet of type TXT with DNS name cn.order.test. is not "
               "permitted because a conflicting RRSet of type  CNAME with the "
               "same DNS name already exists in zone order.test.",
               "other type where a CNAME exists")
    expect_icb(c, zid, [("CREATE", rrset("order.test", "CNAME", ["x."]))],
               "RRSet of type CNAME with DNS name order.test. is not "
               "permitted at apex in zone order.test.", "CNAME at the apex")
    code, msg, _ = err(lambda: change(c, zid, ("CREATE", rrset(
        "cn2.order.test", "CNAME", ["a.example.", "b.example."]))))
    tap.ok(code == "InvalidChangeBatch", "CNAME with two values", msg)
    apex = c.list_resource_record_sets(HostedZoneId=zid, MaxItems="2")[
        "ResourceRecordSets"]
    expect_icb(c, zid, [("DELETE", apex[0])],
               "A HostedZone must contain at least one NS record for the zone"
               " itself.", "apex NS cannot be deleted")
    expect_icb(c, zid, [("DELETE", apex[1])],
               "A HostedZone must contain exactly one SOA record.",
               "apex SOA cannot be deleted")
    expect_icb(c, zid, [("CREATE", rrset("www.example.com", "A",
                                         ["192.0.2.1"]))],
               "RRSet with DNS name www.example.com. is not permitted in zone"
               " order.test.", "name outside the zone")
    expect_icb(c, zid, [("CREATE", rrset("xorder.test", "A",
                                         ["192.0.2.1"]))],
               "RRSet with DNS name xorder.test. is not permitted in zone "
               "order.test.", "name that only ends like the zone")
    expect_icb(c, zid, [("UPSERT", rrset("l%d.order.test" % i, "A",
                                         ["192.0.2.%d" % j
                                          for j in range(1, 101)]))
                        for i in range(6)],
               "Number of records limit of 1000 exceeded.",
               "1,000 ResourceRecord limit with UPSERT counted twice (1200)")
    big = ['"%s"' % ("%03d" % j + "x" * 165) for j in range(100)]
    expect_icb(c, zid, [("UPSERT", rrset("t.order.test", "TXT", big))],
               "RDATA character limit of 32000 exceeded.",
               "32,000 value characters with UPSERT counted twice")
    expect_icb(c, zid, [("CREATE", rrset("t.order.test", "TXT", ["hello"]))],
               "Invalid Resource Record: FATAL problem: InvalidCharacterString"
               " (Value should be enclosed in quotation marks) encountered "
               "with 'hello'", "unquoted TXT value")
    expect_icb(c, zid, [("CREATE", rrset("t.order.test", "TXT",
                                         ['"%s"' % ("a" * 256)]))],
               "Invalid Resource Record: FATAL problem: CharacterStringTooLong"
               " (Value is too long) encountered with '\"%s\"'" % ("a" * 256),
               "TXT character-string of 256 octets")
    expect_icb(c, zid, [("CREATE", rrset("t.order.test", "A",
                                         ["192.0.2.300"]))],
               "Invalid Resource Record: FATAL problem: "
               "ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address)"
               " encountered with '192.0.2.300'", "bad A value")
    expect_icb(c, zid, [("CREATE", rrset("t.order.test", "A",
                                         ["192.0.2.1", "192.0.2.1"]))],
               ["Duplicate Resource Record: '192.0.2.1'"],
               "duplicate value in one set")
    for rtype, bad in (("AAAA", "2001:db8::g"), ("MX", "mail.example."),
                       ("SRV", "1 2 mail.example."),
                       ("CAA", "0 issue ca.example"),
                       ("SOA", "a. b. 1 2 3"), ("DS", "1 2 3 xyz"),
                       ("NAPTR", '1 2 "u" "E2U+sip" x .'),
                       ("HTTPS", "1 . bogus=1"), ("TLSA", "3 1 1 zz"),
                       ("SSHFP", "4 2 nothex")):
        code, msg, _ = err(lambda: change(c, zid, ("CREATE", rrset(
            "t.order.test", rtype, [bad]))))
        tap.ok(code == "InvalidChangeBatch" and "FATAL problem" in msg
               and bad in msg, "bad %s value %r refused" % (rtype, bad),
               (code, msg))
    code, msg, _ = err(lambda: change(c, zid, ("CREATE", rrset(
        "t.order.test", "A", ["192.0.2.%d" % (i % 250) for i in range(401)]))))
    tap.ok(code == "InvalidChangeBatch", "more than 400 values in a set",
           msg)
    code, msg, _ = err(lambda: change(c, zid, ("CREATE", rrset(
        "t.order.test", "A", ["192.0.2.1"], ttl=2147483648))))
    tap.ok(code == "InvalidInput" and "2147483647" in msg,
           "TTL above 2147483647 -> InvalidInput", (code, msg))
    code, msg, _ = err(lambda: change(c, zid, ("CREATE", {
        "Name": "t.order.test", "Type": "A",
        "ResourceRecords": [{"Value": "192.0.2.1"}]})))
    tap.eq((code, msg), ("InvalidInput",
                         "Invalid request: Expected exactly one of "
                         "[AliasTarget, all of [TTL, and ResourceRecords], or "
                         "TrafficPolicyInstanceId], but found none in Change "
                         "with [Action=CREATE, Name=t.order.test, Type=A, "
                         "SetIdentifier=null]"), "set without TTL")
    # several problems -> one message each; and atomicity
    expect_icb(c, zid, [("CREATE", rrset("ok.order.test", "A",
                                         ["192.0.2.1"])),
                        ("CREATE", rrset(W, "A", ["192.0.2.1"])),
                        ("DELETE", rrset("nope.order.test", "A",
                                         ["192.0.2.1"]))],
               ["Tried to create resource record set [name='www.order.test.',"
                " type='A'] but it already exists",
                "Tried to delete resource record set [name='nope.order.test.'"
                ", type='A'] but it was not found"],
               "every problem of a batch reported")
    after = e.rrsets(zid)
    want = before + []
    cn = [r for r in after if r["name"] == "cn.order.test."]
    tap.eq([r for r in after if r["name"] != "cn.order.test."], want,
           "refused batches left the zone unchanged (atomic)")
    tap.eq(len(cn), 1, "only the accepted CNAME batch changed the zone")


def icb_shapes(e, c):
    zid = e.order_zone.split("/")[-1]
    e.config(invalid_change_batch_shape="messages")
    code, msg, resp = err(lambda: change(c, zid, ("CREATE", rrset(
        "www.order.test", "A", ["192.0.2.1"]))))
    tap.eq((resp and resp["Messages"], resp and
            resp["ResponseMetadata"]["HTTPStatusCode"]),
           ({"Message": "Tried to create resource record set [name='www."
             "order.test.', type='A'] but it already exists"}, 400),
           "<InvalidChangeBatch><Messages> shape parsed by botocore "
           "(one message), HTTP 400")
    # botocore's generic parser collapses repeated <Message> elements, so
    # look at the raw body for the multi-message case.
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws'
            '.com/doc/2013-04-01/"><ChangeBatch><Changes>%s</Changes>'
            '</ChangeBatch></ChangeResourceRecordSetsRequest>' % "".join(
                '<Change><Action>CREATE</Action><ResourceRecordSet><Name>'
                'www.order.test</Name><Type>%s</Type><TTL>300</TTL>'
                '<ResourceRecords><ResourceRecord><Value>%s</Value>'
                '</ResourceRecord></ResourceRecords></ResourceRecordSet>'
                '</Change>' % tv for tv in (("A", "192.0.2.1"),
                                            ("TXT", '"t"'))))
    st, hd, data = e.signed_request(
        "POST", "/2013-04-01/hostedzone/%s/rrset/" % zid, body)
    import xml.etree.ElementTree as ET
    root = ET.fromstring(data)
    ns = "{https://route53.amazonaws.com/doc/2013-04-01/}"
    tap.eq((st, root.tag, [m.text for m in root.iter(ns + "Message")],
            root.find(ns + "RequestId") is not None),
           (400, ns + "InvalidChangeBatch",
            ["Tried to create resource record set [name='www.order.test.', "
             "type='A'] but it already exists",
             "Tried to create resource record set [name='www.order.test.', "
             "type='TXT'] but it already exists"], True),
           "raw <InvalidChangeBatch> body: one <Message> per problem and "
           "a RequestId")
    e.config(invalid_change_batch_shape="errorresponse")


def throttling(e, c):
    # Two tokens and almost no refill: the third call is throttled however
    # slowly a loaded machine makes the calls.
    e.config(rate=0.001, burst=2)
    codes = []
    for _ in range(6):
        code, msg, resp = err(c.get_hosted_zone_count)
        codes.append((code, msg))
    e.config(rate=0, burst=5)
    tap.ok(("Throttling", "Rate exceeded") in codes and codes[0] == (None,
                                                                     None),
           "burst exhausted -> Throttling 'Rate exceeded'", codes)
    thr = [x for x in e.log(op="GetHostedZoneCount")
           if x["code"] == "Throttling"]
    tap.ok(thr and thr[0]["status"] == 400,
           "Throttling is HTTP 400 and in the request log")


def auth(e, c):
    tc = e.boto3(akid="ASIATEMP", secret="TEMPSECRET", token="SESSIONTOKEN123")
    tap.ok(tc.get_hosted_zone_count()["HostedZoneCount"] > 0,
           "session-token key with its token works")
    nt = e.boto3(akid="ASIATEMP", secret="TEMPSECRET", token=None)
    code, msg, resp = err(nt.get_hosted_zone_count)
    tap.eq((code, msg), ("InvalidClientTokenId", "The security token included"
                         " in the request is invalid."),
           "session-token key without token -> InvalidClientTokenId")
    wt = e.boto3(akid="ASIATEMP", secret="TEMPSECRET", token="WRONG")
    code, msg, _ = err(wt.get_hosted_zone_count)
    tap.eq(code, "InvalidClientTokenId", "wrong session token refused")
    ws = e.boto3(akid="AKID", secret="WRONGSECRET")
    code, msg, resp = err(ws.get_hosted_zone_count)
    tap.ok(code == "SignatureDoesNotMatch" and msg.startswith(
        "The request signature we calculated does not match the signature "
        "you provided.") and resp["ResponseMetadata"]["HTTPStatusCode"] == 403,
        "wrong secret -> 403 SignatureDoesNotMatch", (code, msg))
    uk = e.boto3(akid="AKIDUNKNOWN", secret="SECRET")
    code, msg, _ = err(uk.get_hosted_zone_count)
    tap.eq((code, msg), ("InvalidClientTokenId", "The security token included"
                         " in the request is invalid."),
           "unknown access key -> InvalidClientTokenId")
    for delta, prefix, what in ((-400, "Signature expired: ", "past"),
                                (400, "Signature not yet current: ",
                                 "future")):
        t = time.time() + delta
        with at_time(t):
            code, msg, resp = err(c.get_hosted_zone_count)
        ad = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))
        ok = code == "SignatureDoesNotMatch" and msg.startswith(prefix + ad)
        ok = ok and msg.endswith("- 5 min.)" if delta < 0 else "+ 5 min.)")
        tap.ok(ok, "X-Amz-Date 400 s in the %s -> SignatureDoesNotMatch "
               "'%s...'" % (what, prefix.strip()), (code, msg))
        tap.ok(resp and "date" in resp["ResponseMetadata"]["HTTPHeaders"],
               "error response carries a Date header (%s)" % what)
    with at_time(time.time() - 200):
        ok = c.get_hosted_zone_count()["HostedZoneCount"] > 0
    tap.ok(ok, "X-Amz-Date 200 s off is accepted (5 minute window)")


if __name__ == "__main__":
    try:
        main()
    except Exception:
        import traceback
        tap.ok(False, "test program ran to the end", traceback.format_exc())
        tap.done()
