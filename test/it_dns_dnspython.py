#!/usr/bin/python3
"""Cross-check of the DNS codec (src/codec/dns, src/codec/rr) with dnspython, through
test/tool_dnsmsg (built into $NOTIFY53_TESTBIN):

(a) messages our code builds (a query with EDNS, a response with a record
    of every one of the 17 Route 53 types, compressed and not) parse in
    dnspython to the expected rdata;
(b) messages dnspython builds (every type, compression, multi-string TXT,
    UTF-8, escapes, HTTPS/SVCB parameters, EDNS) parse in ours to the same
    rdata, and our Route 53 text is the expected one;
(c) random TXT strings and random owner names (every octet value) go both
    ways; where the text syntax differs (dnspython writes decimal escapes,
    Route 53 octal) the decoded octets are compared, not the text.
"""
import base64
import io
import os
import random
import re
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
import tap                                   # noqa: E402

import dns.edns                              # noqa: E402
import dns.flags                             # noqa: E402
import dns.message                           # noqa: E402
import dns.name                              # noqa: E402
import dns.rdata                             # noqa: E402
import dns.rdataclass                        # noqa: E402
import dns.rdatatype                         # noqa: E402
import dns.rdtypes.ANY.TXT                   # noqa: E402
import dns.rrset                             # noqa: E402

TOOL = os.path.join(os.environ.get("NOTIFY53_TESTBIN", "build/check/test"), "tool_dnsmsg")

# (type, Route 53 text we read, Route 53 text we write, dnspython text);
# the same vectors as test/test_rr.c.
dkim = "v=DKIM1; k=rsa; p=" + ("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" * 14)[:581]
chunks = [dkim[i:i+255] for i in range(0, len(dkim), 255)]
ech = base64.b64encode(bytes(range(40))).decode()
V = [
 ("A","192.0.2.1",None,"192.0.2.1"),
 ("A","0.0.0.0",None,"0.0.0.0"),
 ("A","255.255.255.255",None,"255.255.255.255"),
 ("AAAA","2001:db8::1",None,"2001:db8::1"),
 ("AAAA","2001:0db8:85a3:0:0:8a2e:0370:7334","2001:db8:85a3::8a2e:370:7334","2001:0db8:85a3:0:0:8a2e:0370:7334"),
 ("AAAA","::",None,"::"),
 ("AAAA","::1",None,"::1"),
 ("AAAA","1::",None,"1::"),
 ("AAAA","2001:db8:0:0:1:0:0:1","2001:db8::1:0:0:1","2001:db8:0:0:1:0:0:1"),
 ("AAAA","2001:db8:0:1:1:1:1:1",None,"2001:db8:0:1:1:1:1:1"),
 ("AAAA","::ffff:192.0.2.1",None,"::ffff:192.0.2.1"),
 ("AAAA","FE80::A:0:0:0:1","fe80:0:0:a::1","FE80::A:0:0:0:1"),
 ("CAA",'0 issue "ca.example.net"',None,'0 issue "ca.example.net"'),
 ("CAA",'0 issuewild ";"',None,'0 issuewild ";"'),
 ("CAA",'0 iodef "mailto:a@b"',None,'0 iodef "mailto:a@b"'),
 ("CAA",'128 tag "v"',None,'128 tag "v"'),
 ("CAA",'0 issue ca.example.net','0 issue "ca.example.net"','0 issue "ca.example.net"'),
 ("CAA",'0 issue "a\\"b\\\\c"',None,'0 issue "a\\"b\\\\c"'),
 ("CAA",'0 issue ""',None,'0 issue ""'),
 ("CNAME","hostname.example.com","hostname.example.com.","hostname.example.com."),
 ("CNAME","\\052.Example.com.",None,"*.Example.com."),
 ("CNAME",".",None,"."),
 ("DS","123 4 5 1234567890ABCDEF1234567890abcdef","123 4 5 1234567890abcdef1234567890abcdef","123 4 5 1234567890abcdef1234567890abcdef"),
 ("DS","60485 5 1 2BB183AF5F22588179A53B0A 98631FAD1A292118","60485 5 1 2bb183af5f22588179a53b0a98631fad1a292118","60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118"),
 ("HTTPS",'1 . alpn="h3,h2" ipv4hint=192.0.2.1',None,'1 . alpn="h3,h2" ipv4hint="192.0.2.1"'),
 ("HTTPS",'0 svc.example.com.',None,'0 svc.example.com.'),
 ("HTTPS",'1 svc.example. port=8443 alpn=h2 mandatory=port,alpn','1 svc.example. mandatory=alpn,port alpn="h2" port=8443','1 svc.example. mandatory=alpn,port alpn=h2 port=8443'),
 ("HTTPS",'1 . ech=%s ipv6hint=2001:db8::1,::ffff:192.0.2.1 no-default-alpn alpn=h2' % ech,'1 . alpn="h2" no-default-alpn ech=%s ipv6hint=2001:db8::1,::ffff:192.0.2.1' % ech,'1 . alpn=h2 no-default-alpn ech=%s ipv6hint=2001:db8::1,::ffff:192.0.2.1' % ech),
 ("HTTPS",'2 Target.Example. key65000="x y" key7','2 Target.Example. key7 key65000="x y"','2 Target.Example. key7 key65000="x y"'),
 ("SVCB",'1 svc.example. alpn="a\\\\\\\\\\\\,b,c\\\\,d"',None,'1 svc.example. alpn="a\\\\\\\\\\\\,b,c\\\\,d"'),
 ("SVCB",'16 foo.example.org. alpn=h2,h3-19 ipv4hint=192.0.2.1,192.0.2.2','16 foo.example.org. alpn="h2,h3-19" ipv4hint=192.0.2.1,192.0.2.2','16 foo.example.org. alpn=h2,h3-19 ipv4hint=192.0.2.1,192.0.2.2'),
 ("SVCB",'1 . key1="\\002h2\\002h3"','1 . alpn="h2,h3"','1 . alpn=h2,h3'),
 ("MX","10 mail.example.com","10 mail.example.com.","10 mail.example.com."),
 ("MX","0 .",None,"0 ."),
 ("NAPTR",'100 50 "u" "E2U+sip" "!^(+441632960083)$!sip:1@example.com!" .',None,'100 50 "u" "E2U+sip" "!^(+441632960083)$!sip:1@example.com!" .'),
 ("NAPTR",'10 20 S SIP+D2U "" _sip._udp.example.com','10 20 "S" "SIP+D2U" "" _sip._udp.example.com.','10 20 "S" "SIP+D2U" "" _sip._udp.example.com.'),
 ("NS","ns-1.example.com","ns-1.example.com.","ns-1.example.com."),
 ("PTR","hostname.example.com.",None,"hostname.example.com."),
 ("SOA","ns-2048.awsdns-64.net. hostmaster.example.com. 1 7200 900 1209600 86400",None,"ns-2048.awsdns-64.net. hostmaster.example.com. 1 7200 900 1209600 86400"),
 ("SOA","a. b. 4294967295 0 0 0 0",None,"a. b. 4294967295 0 0 0 0"),
 ("SPF",'"v=spf1 ip4:192.168.0.1/16 -all"',None,'"v=spf1 ip4:192.168.0.1/16 -all"'),
 ("SRV","10 5 80 hostname.example.com","10 5 80 hostname.example.com.","10 5 80 hostname.example.com."),
 ("SSHFP","4 2 " + "AB"*32, "4 2 " + "ab"*32, "4 2 " + "ab"*32),
 ("TLSA","3 1 1 " + "0123456789abcdef"*4, None, "3 1 1 " + "0123456789abcdef"*4),
 ("TXT",'"String 1" "String 2"',None,'"String 1" "String 2"'),
 ("TXT",'"a""b"','"a" "b"','"a" "b"'),
 ("TXT",'""',None,'""'),
 ("TXT",'"say \\"hi\\" \\\\o/"',None,'"say \\"hi\\" \\\\o/"'),
 ("TXT",'"ex\\303\\244mple"',None,'"ex\\195\\164mple"'),
 ("TXT",'"\\000\\011\\177\\377 ~"',None,'"\\000\\009\\127\\255 ~"'),
 ("TXT",'"\\a\\b"','"ab"','"ab"'),
 ("TXT",' '.join('"%s"' % c for c in chunks),None,' '.join('"%s"' % c for c in chunks)),
]
V = [(t, i, i if o is None else o, d) for t, i, o, d in V]


def tool(mode, data):
    p = subprocess.run([TOOL, mode], input=data, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("tool_dnsmsg %s: %s%s" % (mode, p.stdout, p.stderr))
    return p.stdout


def parse_ours(wire):
    """Our view of a message: header, questions, RRs, EDNS."""
    out = {"rr": [], "q": [], "edns": None}
    for line in tool("parse", wire.hex() + "\n").splitlines():
        f = line.split("\t")
        if f[0] == "header":
            out["header"] = [int(x) for x in f[1:]]
        elif f[0] == "question":
            out["q"].append(f[1:])
        elif f[0] == "rr":
            out["rr"].append({"sec": int(f[1]), "owner": f[2], "r53": f[3], "ttl": int(f[4]),
                              "class": int(f[5]), "type": f[6], "rdata": bytes.fromhex(f[7]),
                              "text": f[8]})
        elif f[0] == "edns":
            out["edns"] = (int(f[1]), int(f[2]))
    return out


def unescape_r53(s):
    """Octets of Route 53 escaped text: \\ooo octal, \\X."""
    out = bytearray()
    i = 0
    while i < len(s):
        if s[i] == "\\":
            if s[i + 1].isdigit():
                out.append(int(s[i + 1:i + 4], 8))
                i += 4
            else:
                out.append(ord(s[i + 1]))
                i += 2
        else:
            out.append(ord(s[i]))
            i += 1
    return bytes(out)


def txt_strings(text):
    """The strings of our TXT text: "..." "..." with octal escapes."""
    return [unescape_r53(m) for m in re.findall(r'"((?:[^"\\]|\\.)*)"', text)]


def r53_name_labels(text):
    """Labels of a Route 53 name (octal escapes, so a plain dot separates)."""
    assert text.endswith(".")
    return [unescape_r53(x) for x in text[:-1].split(".")] if text != "." else []


def rdata_of(rtype, dtext):
    return dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rtype), dtext)


def owner(i):
    # Mixed case, a wildcard and an escaped dot among the owners.
    return ["V%d.Example.COM." % i, "*.w%d.example.com." % i, "a\\.b%d.example.com." % i][i % 3]


def test_we_build():
    spec = ["header\t4660\t%d" % (dns.flags.QR | dns.flags.AA), "question\texample.com.\tSOA"]
    for sec in (1, 2, 3):
        for i, (t, ours, _, _) in enumerate(V):
            if 1 + i % 3 == sec:
                spec.append("rr\t%d\t%s\t%d\t%s\t%s" % (sec, owner(i), 300 + i, t, ours))
    spec.append("opt\t1232\t32768")
    wire = {}
    for c in (1, 0):
        wire[c] = bytes.fromhex(tool("build", "compress\t%d\n" % c + "\n".join(spec) + "\n"))
    tap.ok(len(wire[1]) < len(wire[0]),
           "compression saves octets (%d vs %d)" % (len(wire[1]), len(wire[0])))
    for c in (1, 0):
        m = dns.message.from_wire(wire[c])
        tap.ok(m.id == 4660 and m.flags & dns.flags.AA and m.flags & dns.flags.QR,
               "dnspython reads our header (compress=%d)" % c)
        tap.eq((m.question[0].name.to_text(), dns.rdatatype.to_text(m.question[0].rdtype)),
               ("example.com.", "SOA"), "dnspython reads our question")
        tap.ok(m.edns == 0 and m.payload == 1232 and m.ednsflags & dns.flags.DO,
               "dnspython reads our OPT: EDNS0, 1232, DO")
        got = {}
        for sec, rrsets in ((1, m.answer), (2, m.authority), (3, m.additional)):
            for rs in rrsets:
                for rd in rs:
                    got.setdefault((sec, rs.name.to_text(), rs.ttl,
                                    dns.rdatatype.to_text(rs.rdtype)), []).append(rd)
        bad = []
        for i, (t, ours, _, dtext) in enumerate(V):
            key = (1 + i % 3, owner(i), 300 + i, t)
            want = rdata_of(t, dtext)
            rds = got.get(key, [])
            if len(rds) != 1 or rds[0].to_wire() != want.to_wire():
                bad.append("%s %s: got %r want %r" % (t, ours, rds, want))
        tap.ok(not bad, "dnspython reads all %d records we built, every type (compress=%d)"
               % (len(V), c), "\n".join(bad))


def uncompressed(r):
    """dnspython's message without compression (it compresses ignoring
    case, which would lose the case of later names)."""
    f = io.BytesIO()
    f.write(struct.pack("!HHHHHH", r.id, r.flags, 1, len(r.answer), len(r.authority),
                        len(r.additional)))
    r.question[0].name.to_wire(f)
    f.write(struct.pack("!HH", r.question[0].rdtype, r.question[0].rdclass))
    for sec in (r.answer, r.authority, r.additional):
        for rs in sec:
            rs.to_wire(f, None)
    return f.getvalue()


def test_dnspython_builds():
    q = dns.message.make_query("example.com.", "SOA")
    r = dns.message.make_response(q)
    for i, (t, _, _, dtext) in enumerate(V):
        sec = [r.answer, r.authority, r.additional][i % 3]
        sec.append(dns.rrset.from_rdata(dns.name.from_text(owner(i)), 300 + i, rdata_of(t, dtext)))
    for compressed in (False, True):
        how = "compressed" if compressed else "uncompressed"
        if compressed:
            r.use_edns(0, dns.flags.DO, 4096)
            wire = r.to_wire()
        else:
            wire = uncompressed(r)
        ours = parse_ours(wire)
        tap.eq(ours["header"][:2], [r.id, r.flags], "we read dnspython's id and flags (%s)" % how)
        tap.eq(ours["q"], [["example.com.", "example.com.", "SOA", "1"]],
               "we read the question (%s)" % how)
        tap.eq(len(ours["rr"]), len(V) + compressed, "every record (%s)" % how)
        bad_wire, bad_text = [], []
        by_key = {}
        for x in ours["rr"]:
            by_key[(x["sec"], x["owner"].lower(), x["ttl"], x["type"])] = x
        for i, (t, _, out, dtext) in enumerate(V):
            x = by_key.get((1 + i % 3, owner(i).lower(), 300 + i, t))
            want = rdata_of(t, dtext)
            if x is not None and compressed:
                # Case-insensitive compression: compare canonical forms.
                got = dns.rdata.from_wire(dns.rdataclass.IN, want.rdtype, x["rdata"], 0,
                                          len(x["rdata"])).to_digestable()
                same = got == want.to_digestable()
            else:
                same = x is not None and x["rdata"] == want.to_wire()
            if not same:
                bad_wire.append("%s %s: %r" % (t, dtext, x))
            elif not compressed and x["text"] != out:
                bad_text.append("%s: got %s want %s" % (t, x["text"], out))
        tap.ok(not bad_wire, "our rdata (names decompressed) equals dnspython's for every type "
               "(%s)" % how, "\n".join(bad_wire))
        if not compressed:
            tap.ok(not bad_text, "our Route 53 text of dnspython's records is the expected one",
                   "\n".join(bad_text))
            tap.ok(all(x["owner"] == owner(i) for x in ours["rr"] for i in [x["ttl"] - 300]),
                   "owner names keep their case")
    tap.eq(ours["edns"], (4096, 0x8000), "we read dnspython's OPT")
    tap.ok(len(wire) < len(uncompressed(r)), "dnspython's message used compression (%d octets)"
           % len(wire))


def test_random(rng):
    # TXT strings of random octets, 1-3 strings per record.
    recs = [[bytes(rng.randrange(256) for _ in range(rng.randrange(256)))
             for _ in range(rng.randrange(1, 4))] for _ in range(60)]
    recs.append([bytes(range(255)), bytes(range(255, 0, -1))])
    recs.append(["exämple ünïcode ✓".encode()])
    r = dns.message.Message(id=7)
    for i, strings in enumerate(recs):
        rd = dns.rdtypes.ANY.TXT.TXT(dns.rdataclass.IN, dns.rdatatype.TXT, strings)
        r.answer.append(dns.rrset.from_rdata("t%d.example." % i, 60, rd))
    ours = parse_ours(r.to_wire())
    bad = [i for i, x in enumerate(ours["rr"]) if txt_strings(x["text"]) != recs[i]]
    tap.ok(len(ours["rr"]) == len(recs) and not bad,
           "%d random TXT records from dnspython decode to the same octets" % len(recs),
           "bad: %r" % bad[:5])
    # The other way: our text of them, built by us, read by dnspython.
    spec = ["header\t7\t0"]
    for i, x in enumerate(ours["rr"]):
        spec.append("rr\t1\tt%d.example.\t60\tTXT\t%s" % (i, x["text"]))
    m = dns.message.from_wire(bytes.fromhex(tool("build", "\n".join(spec) + "\n")))
    got = {rs.name.to_text(): [list(rd.strings) for rd in rs] for rs in m.answer}
    bad = [i for i in range(len(recs)) if got.get("t%d.example." % i) != [recs[i]]]
    tap.ok(not bad, "dnspython reads the same octets from the TXT records we built",
           "bad: %r" % bad[:5])

    # Owner names of random labels (any octet, any case).
    names = []
    for _ in range(60):
        labels = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12)))
                  for _ in range(rng.randrange(1, 4))]
        names.append(dns.name.Name(labels + [b"example", b""]))
    r = dns.message.Message(id=8)
    for i, n in enumerate(names):
        r.answer.append(dns.rrset.from_text(n, 60 + i, "IN", "A", "192.0.2.1"))
    ours = parse_ours(r.to_wire())
    bad = []
    for i, x in enumerate(ours["rr"]):
        back = dns.name.from_text(x["owner"])
        if back.labels != names[i].labels:
            bad.append("presentation %s" % x["owner"])
        if r53_name_labels(x["r53"]) != [l.lower() for l in names[i].labels[:-1]]:
            bad.append("Route 53 form %s" % x["r53"])
    tap.ok(len(ours["rr"]) == len(names) and not bad,
           "60 random owner names: our presentation text reads back in dnspython with case "
           "kept, our Route 53 form decodes to the lower-cased octets", "\n".join(bad[:5]))
    spec = ["header\t9\t0"] + ["rr\t1\t%s\t60\tA\t192.0.2.1" % n.to_text() for n in names]
    m = dns.message.from_wire(bytes.fromhex(tool("build", "\n".join(spec) + "\n")))
    got = [rs.name.labels for rs in m.answer]
    tap.eq(got, [n.labels for n in names], "dnspython reads the owner names we built from its text")


def main():
    if not os.access(TOOL, os.X_OK):
        tap.ok(False, "tool_dnsmsg is built (%s)" % TOOL)
        tap.done()
    test_we_build()
    test_dnspython_builds()
    test_random(random.Random(53))
    tap.done()


main()
