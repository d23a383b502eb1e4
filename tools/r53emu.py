#!/usr/bin/python3
"""r53emu - a strict Amazon Route 53 stand-in for notify53's tests.

Serves the Route 53 REST-XML API (2013-04-01) on a loopback address over TLS
(throwaway CA made with the openssl command) or plain HTTP, checks every
request's SigV4 signature with botocore's own signer, and behaves like AWS in
the places where moto's route53 backend (getmoto/moto, moto/route53) does not:
atomic change batches, exact DELETE matching, name escaping and ordering,
per-type value syntax, request limits, throttling, and fault injection.

Standard library plus python3-botocore only; run with Debian's /usr/bin/python3.
Documentation and specification: tools/README.md.

Sources named in comments:
  MODEL     botocore's Route 53 model, botocore/data/route53/2013-04-01/
            service-2.json (each operation's and shape's documentation)
  API       Amazon Route 53 API Reference (an action, a data type, or
            "Common Errors")
  DG-2022   Amazon Route 53 Developer Guide pages (DNSLimitations, the
            "Quotas"; DomainNameFormat; ResourceRecordTypes, "Supported DNS
            record types"; SOA-NSrecords), as in the awsdocs/
            amazon-route53-docs repository
  GO2-CUST  aws-sdk-go-v2, service/route53/internal/customizations/doc.go
  SIGV4     AWS Identity and Access Management User Guide, "Create a signed
            AWS API request" and "Elements of an AWS API request signature"
  CREDS     AWS SDKs and Tools Reference Guide, "Standardized credential
            providers"
  STS       AWS Security Token Service API Reference (AssumeRole,
            AssumeRoleWithWebIdentity, "Common Errors") and botocore's STS
            model, botocore/data/sts/2011-06-15/service-2.json (query
            protocol: form-encoded POST, XML answers, error codes and HTTP
            statuses)
  owner/repo#n  a public GitHub issue showing AWS's exact behaviour
"""

import argparse
import base64
import bisect
import calendar
import datetime
import email.utils
import hashlib
import hmac
import http.server
import ipaddress
import json
import os
import random
import re
import shutil
import signal
import socket
import socketserver
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

NS = "https://route53.amazonaws.com/doc/2013-04-01/"
NS_STS = "https://sts.amazonaws.com/doc/2011-06-15/"
ACCOUNT = "123456789012"
API_PREFIX = "/2013-04-01/"

# RRType enum (MODEL, current; Debian's older botocore lacks the last four but
# does not validate enums client-side).
RR_TYPES = ["SOA", "A", "TXT", "NS", "CNAME", "MX", "NAPTR", "PTR", "SRV",
            "SPF", "AAAA", "CAA", "DS", "TLSA", "SSHFP", "SVCB", "HTTPS"]
REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1",
           "ca-west-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
           "eu-central-2", "ap-southeast-1", "ap-southeast-2",
           "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
           "ap-southeast-7", "ap-northeast-1", "ap-northeast-2",
           "ap-northeast-3", "eu-north-1", "sa-east-1", "cn-north-1",
           "cn-northwest-1", "ap-east-1", "ap-east-2", "me-south-1",
           "me-central-1", "il-central-1", "ap-south-1", "ap-south-2",
           "af-south-1", "eu-south-1", "eu-south-2", "mx-central-1",
           "us-gov-west-1", "us-gov-east-1"]

# Limits (DG-2022 DNSLimitations "Maximums on API requests", MODEL shapes).
MAX_RR_PER_REQUEST = 1000        # ResourceRecord elements, UPSERT counts twice
MAX_VALUE_CHARS = 32000          # sum of Value characters, UPSERT twice
MAX_VALUES_PER_SET = 400         # "Quotas on records"
MAX_VALUE_LEN = 4000             # RData maxLength
MAX_TTL = 2147483647
LIST_RRSETS_PAGE = 300           # ListResourceRecordSets page cap (MODEL doc)
LIST_ZONES_PAGE = 100            # ListHostedZones(+ByName) page cap

SIGV4_SKEW = 300                 # +-5 minutes (SIGV4; API Common Errors, SignatureDoesNotMatch)

OPS = ["CreateHostedZone", "DeleteHostedZone", "GetHostedZone",
       "ListHostedZones", "ListHostedZonesByName", "ListResourceRecordSets",
       "ChangeResourceRecordSets", "GetChange", "GetHostedZoneCount"]

FAULT_KINDS = ["http500", "http503", "throttle", "prior", "invalid-change-batch",
               "latency", "reset", "close", "hang", "reset-after",
               "reset-headers", "reset-mid", "truncate", "trickle",
               "close-after", "hold", "hold-answer"]


def log(msg):
    sys.stderr.write("r53emu: %s\n" % msg)
    sys.stderr.flush()


# ---------------------------------------------------------------------------
# Small helpers: XML text, time, identifiers
# ---------------------------------------------------------------------------

def xesc(s):
    return (str(s).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def iso_ms(t):
    """Timestamps as AWS writes them: 2017-02-10T01:36:41.958Z."""
    ms = int(round((t - int(t)) * 1000))
    if ms >= 1000:
        ms = 999
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % ms


def amz_date(t):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))


_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def new_id(prefix, rnd=random.SystemRandom()):
    # Zone IDs look like Z04418882UH8LI8G4WQNZ (1 + 20 upper-case alnum).
    return prefix + "".join(rnd.choice(_ID_ALPHABET) for _ in range(20))


def bare_id(s):
    """IDs may arrive as '/hostedzone/Z..' or 'Z..' (botocore strips the prefix: handlers.py fix_route53_ids)."""
    return s.rsplit("/", 1)[-1]


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

class ApiError(Exception):
    """An error answered in AWS's ErrorResponse shape (API Common Errors)."""

    def __init__(self, status, code, message, etype="Sender", headers=None):
        Exception.__init__(self, "%s: %s" % (code, message))
        self.status = status
        self.code = code
        self.message = message
        self.etype = etype
        self.headers = headers or {}


class ChangeBatchError(Exception):
    """InvalidChangeBatch with one message per problem (GO2-CUST)."""

    def __init__(self, messages):
        Exception.__init__(self, "; ".join(messages))
        self.messages = list(messages)


def invalid_input(msg):
    return ApiError(400, "InvalidInput", msg)


def xsd_error(msg):
    # Route 53 validates request XML against its XSD and reports the first
    # Xerces message prefixed with "Invalid XML ; " (boto/boto#384).
    return ApiError(400, "InvalidInput", "Invalid XML ; " + msg)


def error_response_xml(code, message, etype, request_id):
    return ('<?xml version="1.0"?>\n<ErrorResponse xmlns="%s"><Error><Type>%s'
            '</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s'
            '</RequestId></ErrorResponse>' % (NS, etype, xesc(code),
                                              xesc(message), request_id))


def sts_error_xml(code, message, etype, request_id):
    # STS: the query protocol's ErrorResponse, in STS's namespace.
    return ('<?xml version="1.0"?>\n<ErrorResponse xmlns="%s"><Error><Type>%s'
            '</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s'
            '</RequestId></ErrorResponse>' % (NS_STS, etype, xesc(code),
                                              xesc(message), request_id))


def invalid_change_batch_xml(messages, request_id):
    return ('<?xml version="1.0"?>\n<InvalidChangeBatch xmlns="%s"><Messages>%s'
            '</Messages><RequestId>%s</RequestId></InvalidChangeBatch>'
            % (NS, "".join("<Message>%s</Message>" % xesc(m) for m in messages),
               request_id))


# ---------------------------------------------------------------------------
# Domain names (DG-2022 DomainNameFormat)
# ---------------------------------------------------------------------------

_RAW_OK = set(b"abcdefghijklmnopqrstuvwxyz0123456789-_")
# Printable characters Route 53 accepts unescaped in names; anything else
# (bytes 0x00-0x20, 0x7f-0xff) must be written as \ddd (octal).
_PRINTABLE_OK = set(range(0x21, 0x7f))


class NameError_(Exception):
    def __init__(self, code, desc):
        Exception.__init__(self, "%s (%s)" % (code, desc))
        self.code = code
        self.desc = desc


def name_labels(text):
    """Parse a presentation name (raw chars, \\ddd octal or \\X escapes,
    trailing dot optional) into a list of label byte strings."""
    if text is None:
        raise NameError_("DomainNameEmpty", "Domain name is empty")
    labels = []
    cur = bytearray()
    i = 0
    n = len(text)
    if text in (".", ""):
        if text == "":
            raise NameError_("DomainNameEmpty", "Domain name is empty")
        return []
    while i < n:
        c = text[i]
        if c == "\\":
            if i + 1 < n and text[i + 1] in "0123456789":
                # a digit after '\\' must start a 3-digit octal escape
                d = text[i + 1:i + 4]
                if len(d) != 3 or any(ch not in "01234567" for ch in d) or \
                        int(d, 8) > 255:
                    raise NameError_("InvalidEscape",
                                     "Escape sequence is not a valid octal value")
                cur.append(int(d, 8))
                i += 4
                continue
            if i + 1 < n:
                ch = text[i + 1]
                if ord(ch) > 0x7e or ord(ch) < 0x21:
                    raise NameError_("UnsupportedCharacter",
                                     "Value contains unsupported characters")
                cur.append(ord(ch))
                i += 2
                continue
            raise NameError_("InvalidEscape", "Incomplete escape sequence")
        if c == ".":
            if not cur:
                raise NameError_("DomainLabelEmpty", "Domain label is empty")
            labels.append(bytes(cur))
            cur = bytearray()
            i += 1
            continue
        o = ord(c)
        if o not in _PRINTABLE_OK:
            raise NameError_("UnsupportedCharacter",
                             "Value contains unsupported characters")
        cur.append(o)
        i += 1
    if cur:
        labels.append(bytes(cur))
    for lab in labels:
        if len(lab) > 63:
            raise NameError_("DomainLabelTooLong", "Domain label is too long")
    if sum(len(lab) + 1 for lab in labels) + 1 > 255:
        raise NameError_("DomainNameTooLong", "Domain name is too long")
    return labels


def escape_label(lab):
    out = []
    for b in lab:
        if b in _RAW_OK:
            out.append(chr(b))
        else:
            out.append("\\%03o" % b)
    return "".join(out)


def norm_name(text):
    """Stored form: ASCII lower-cased, every byte other than a-z 0-9 - _
    written as \\ddd octal, trailing dot (DG-2022 DomainNameFormat: '*' comes
    back as \\052)."""
    labels = name_labels(text)
    if not labels:
        return "."
    return ".".join(escape_label(lab.lower()) for lab in labels) + "."


def sort_name(stored):
    """ListResourceRecordSets / ListHostedZonesByName order key: labels
    reversed INCLUDING the trailing dot, compared as bytes of the stored
    escaped form (MODEL ListHostedZonesByName doc):
    www.example.com. -> com.example.www.  so 'www-x' sorts before 'www'."""
    if stored == ".":
        return "."
    return ".".join(reversed(stored[:-1].split("."))) + "."


def in_zone(name, zone):
    return name == zone or name.endswith("." + zone) or zone == "."


# ---------------------------------------------------------------------------
# Record values per type (DG-2022 ResourceRecordTypes)
# ---------------------------------------------------------------------------

def fatal(code, desc, value):
    # Shape of Route 53's value errors, e.g. "Invalid Resource Record: FATAL
    # problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address)
    # encountered with '300.1.1.1'" (DG-2022 ResourceRecordTypes, A).
    return ("Invalid Resource Record: FATAL problem: %s (%s) encountered with "
            "'%s'" % (code, desc, value))


def parse_char_strings(value):
    """Parse one or more "..." character-strings. Returns a list of decoded
    byte strings, or raises ValueError(code, desc)."""
    out = []
    i = 0
    n = len(value)
    while i < n and value[i] in " \t":
        i += 1
    if i >= n:
        raise ValueError("InvalidCharacterString",
                         "Value should be enclosed in quotation marks")
    while i < n:
        if value[i] != '"':
            raise ValueError("InvalidCharacterString",
                             "Value should be enclosed in quotation marks")
        i += 1
        cur = bytearray()
        closed = False
        while i < n:
            c = value[i]
            if c == '"':
                closed = True
                i += 1
                break
            if c == "\\":
                d = value[i + 1:i + 4]
                if d[:1] and d[:1] in "0123456789":
                    if len(d) != 3 or any(ch not in "01234567" for ch in d) \
                            or int(d, 8) > 255:
                        raise ValueError("InvalidEscape",
                                         "Escape sequence is not valid")
                    cur.append(int(d, 8))
                    i += 4
                    continue
                if i + 1 >= n:
                    raise ValueError("InvalidCharacterString",
                                     "Value should be enclosed in quotation marks")
                ch = value[i + 1]
                if ord(ch) < 0x20 or ord(ch) > 0x7e:
                    raise ValueError("UnsupportedCharacter",
                                     "Value contains unsupported characters")
                cur.append(ord(ch))
                i += 2
                continue
            if ord(c) < 0x20 or ord(c) > 0x7e:
                # Bytes outside printable ASCII must be sent as \ddd.
                raise ValueError("UnsupportedCharacter",
                                 "Value contains unsupported characters")
            cur.append(ord(c))
            i += 1
        if not closed:
            raise ValueError("InvalidCharacterString",
                             "Value should be enclosed in quotation marks")
        if len(cur) > 255:
            raise ValueError("CharacterStringTooLong", "Value is too long")
        out.append(bytes(cur))
        # separator: whitespace (AWS has been seen returning "a""b" without
        # one for old records, so tolerate none).
        while i < n and value[i] in " \t":
            i += 1
    return out


def _uint(s, maxv):
    if not re.fullmatch(r"[0-9]+", s):
        return False
    return int(s) <= maxv


def _check_hostname(s):
    if s == ".":
        return True
    try:
        name_labels(s)
        return True
    except NameError_:
        return False


def _hex(s, allow_empty=False):
    if not s and not allow_empty:
        return False
    return re.fullmatch(r"[0-9A-Fa-f]*", s) is not None and len(s) % 2 == 0


def _split_ws(v):
    # ASCII white space only: str.split() also splits at U+00A0 and other
    # Unicode spaces, which are characters of the value.
    return re.findall(r"\S+", v, re.ASCII)


def check_value(rtype, v):
    """Return None when v is a valid Value for rtype, else the message.
    Codes marked (*) are modelled on AWS's style but their exact text was not
    confirmed against the live API; the TXT, A codes are confirmed from issue
    reports."""
    if rtype in ("TXT", "SPF"):
        try:
            parse_char_strings(v)
        except ValueError as e:
            return fatal(e.args[0], e.args[1], v)
        return None
    if rtype == "A":
        if " " in v.strip() or "\t" in v:
            return fatal("ARRDATANotSingleField", "Value contains spaces", v)
        try:
            if not re.fullmatch(r"[0-9]{1,3}(\.[0-9]{1,3}){3}", v):
                raise ValueError
            ipaddress.IPv4Address(v)
        except ValueError:
            return fatal("ARRDATAIllegalIPv4Address",
                         "Value is not a valid IPv4 address", v)
        return None
    if rtype == "AAAA":
        if " " in v.strip() or "\t" in v:
            return fatal("AAAARRDATANotSingleField", "Value contains spaces", v)  # (*)
        try:
            if "%" in v or "/" in v:
                raise ValueError
            ipaddress.IPv6Address(v)
        except ValueError:
            return fatal("AAAARRDATAIllegalIPv6Address",
                         "Value is not a valid IPv6 address", v)  # (*)
        return None
    if rtype in ("CNAME", "PTR", "NS"):
        if len(_split_ws(v)) != 1:
            return fatal("RRDATANotSingleField", "Value contains spaces", v)  # (*)
        if not _check_hostname(v):
            return fatal("DomainNameInvalid", "Value is not a valid domain name", v)  # (*)
        return None
    f = _split_ws(v)
    if rtype == "MX":
        if len(f) != 2 or not _uint(f[0], 65535) or not _check_hostname(f[1]):
            return fatal("MXRRDATAInvalid",
                         "Value must be 'priority hostname'", v)  # (*)
        return None
    if rtype == "SRV":
        if (len(f) != 4 or not all(_uint(x, 65535) for x in f[:3])
                or not _check_hostname(f[3])):
            return fatal("SRVRRDATAInvalid",
                         "Value must be 'priority weight port target'", v)  # (*)
        return None
    if rtype == "CAA":
        m = re.fullmatch(r'\s*([0-9]+)\s+([A-Za-z0-9]+)\s+(".*")\s*', v,
                         re.ASCII)
        if not m or not _uint(m.group(1), 255):
            return fatal("CAARRDATAInvalid",
                         'Value must be \'flags tag "value"\'', v)  # (*)
        try:
            if len(parse_char_strings(m.group(3))) != 1:
                raise ValueError("x", "y")
        except ValueError:
            return fatal("CAARRDATAInvalid",
                         'Value must be \'flags tag "value"\'', v)  # (*)
        return None
    if rtype == "NAPTR":
        m = re.fullmatch(r'\s*([0-9]+)\s+([0-9]+)\s+("(?:[^"\\]|\\.)*")\s+'
                         r'("(?:[^"\\]|\\.)*")\s+("(?:[^"\\]|\\.)*")\s+(\S+)\s*', v,
                         re.ASCII)
        ok = bool(m) and _uint(m.group(1), 65535) and _uint(m.group(2), 65535)
        if ok:
            try:
                for g in (3, 4, 5):
                    parse_char_strings(m.group(g))
            except ValueError:
                ok = False
        if ok:
            ok = _check_hostname(m.group(6))
        if ok:
            regexp = parse_char_strings(m.group(5))[0]
            # regexp and replacement are mutually exclusive (RFC 3403 4.1)
            if regexp and m.group(6) != ".":
                ok = False
        if not ok:
            return fatal("NAPTRRRDATAInvalid",
                         'Value must be \'order preference "flags" "service" '
                         '"regexp" replacement\'', v)  # (*)
        return None
    if rtype == "DS":
        if (len(f) < 4 or not _uint(f[0], 65535) or not _uint(f[1], 255)
                or not _uint(f[2], 255) or not _hex("".join(f[3:]))):
            return fatal("DSRRDATAInvalid",
                         "Value must be 'key-tag algorithm digest-type digest'", v)  # (*)
        return None
    if rtype == "TLSA":
        if (len(f) < 4 or not all(_uint(x, 255) for x in f[:3])
                or not _hex("".join(f[3:]))):
            return fatal("TLSARRDATAInvalid",
                         "Value must be 'usage selector matching-type data'", v)  # (*)
        return None
    if rtype == "SSHFP":
        if (len(f) < 3 or not _uint(f[0], 255) or not _uint(f[1], 255)
                or not _hex("".join(f[2:]))):
            return fatal("SSHFPRRDATAInvalid",
                         "Value must be 'algorithm fp-type fingerprint'", v)  # (*)
        return None
    if rtype == "SOA":
        if (len(f) != 7 or not _check_hostname(f[0]) or not _check_hostname(f[1])
                or not all(_uint(x, 4294967295) for x in f[2:])):
            return fatal("SOARRDATAInvalid",
                         "Value must be 'mname rname serial refresh retry "
                         "expire minimum'", v)  # (*)
        return None
    if rtype in ("HTTPS", "SVCB"):
        return check_svcb(v)
    return fatal("UnsupportedType", "Type is not supported", v)  # (*)


_SVC_KEYS = {"mandatory", "alpn", "no-default-alpn", "port", "ipv4hint",
             "ech", "ipv6hint", "ohttp", "dohpath"}


def check_svcb(v):
    """RFC 9460 presentation format: SvcPriority TargetName SvcParams."""
    bad = fatal("SVCBRRDATAInvalid",
                "Value must be 'priority target [key=value ...]'", v)  # (*)
    # tokenise respecting quotes
    toks = re.findall(r'(?:[^\s"]+|"(?:[^"\\]|\\.)*")+', v, re.ASCII)
    if len(toks) < 2 or not _uint(toks[0], 65535) or not _check_hostname(toks[1]):
        return bad
    if toks[0] == "0" and len(toks) > 2:
        return bad          # AliasMode takes no SvcParams (RFC 9460 2.4.2)
    seen = set()
    for t in toks[2:]:
        key, eq, val = t.partition("=")
        if not (key in _SVC_KEYS or re.fullmatch(r"key[0-9]{1,5}", key)):
            return bad
        if key in seen:
            return bad
        seen.add(key)
        if val.startswith('"') and val.endswith('"') and len(val) >= 2:
            val = val[1:-1]
        if key == "no-default-alpn" and eq:
            return bad
        if key == "port" and not _uint(val, 65535):
            return bad
        if key == "ipv4hint":
            try:
                for a in val.split(","):
                    ipaddress.IPv4Address(a)
            except ValueError:
                return bad
        if key == "ipv6hint":
            try:
                for a in val.split(","):
                    ipaddress.IPv6Address(a)
            except ValueError:
                return bad
        if key in ("alpn", "mandatory") and not val:
            return bad
    return None


def canon_value(rtype, v):
    """Form used to detect duplicate values inside one set: names compare
    case-insensitively (DNS rdata equality), AAAA by address."""
    if rtype == "AAAA":
        try:
            return ipaddress.IPv6Address(v).packed
        except ValueError:
            return v
    if rtype in ("CNAME", "PTR", "NS"):
        return v.lower().rstrip(".")
    if rtype in ("MX", "SRV"):
        f = _split_ws(v)
        return tuple(f[:-1] + [f[-1].lower().rstrip(".")]) if f else v
    return v


# ---------------------------------------------------------------------------
# Request XML validation (Route 53 validates POST bodies against its XSD; the
# element order follows the MODEL member order: Route 53 checks request XML
# against its schema)
# ---------------------------------------------------------------------------

UNB = 1 << 30
SCHEMA = {
    "ChangeResourceRecordSetsRequest": [("ChangeBatch", 1, 1)],
    "ChangeBatch": [("Comment", 0, 1), ("Changes", 1, 1)],
    "Changes": [("Change", 1, UNB)],
    "Change": [("Action", 1, 1), ("ResourceRecordSet", 1, 1)],
    "ResourceRecordSet": [
        ("Name", 1, 1), ("Type", 1, 1), ("SetIdentifier", 0, 1),
        ("Weight", 0, 1), ("Region", 0, 1), ("GeoLocation", 0, 1),
        ("Failover", 0, 1), ("MultiValueAnswer", 0, 1), ("TTL", 0, 1),
        ("ResourceRecords", 0, 1), ("AliasTarget", 0, 1),
        ("HealthCheckId", 0, 1), ("TrafficPolicyInstanceId", 0, 1),
        ("CidrRoutingConfig", 0, 1), ("GeoProximityLocation", 0, 1)],
    "ResourceRecords": [("ResourceRecord", 1, UNB)],
    "ResourceRecord": [("Value", 1, 1)],
    "AliasTarget": [("HostedZoneId", 1, 1), ("DNSName", 1, 1),
                    ("EvaluateTargetHealth", 1, 1)],
    "GeoLocation": [("ContinentCode", 0, 1), ("CountryCode", 0, 1),
                    ("SubdivisionCode", 0, 1)],
    "CidrRoutingConfig": [("CollectionId", 1, 1), ("LocationName", 1, 1)],
    "GeoProximityLocation": [("AWSRegion", 0, 1), ("LocalZoneGroup", 0, 1),
                             ("Coordinates", 0, 1), ("Bias", 0, 1)],
    "Coordinates": [("Latitude", 1, 1), ("Longitude", 1, 1)],
    "CreateHostedZoneRequest": [("Name", 1, 1), ("VPC", 0, 1),
                                ("CallerReference", 1, 1),
                                ("HostedZoneConfig", 0, 1),
                                ("DelegationSetId", 0, 1)],
    "VPC": [("VPCRegion", 0, 1), ("VPCId", 0, 1)],
    "HostedZoneConfig": [("Comment", 0, 1), ("PrivateZone", 0, 1)],
}

# leaf element -> (xsd type name, kind, args)
LEAVES = {
    "Action": ("ChangeAction", "enum", ["CREATE", "DELETE", "UPSERT"]),
    "Type": ("RRType", "enum", RR_TYPES),
    "Failover": ("ResourceRecordSetFailover", "enum", ["PRIMARY", "SECONDARY"]),
    "Region": ("ResourceRecordSetRegion", "enum", REGIONS),
    "VPCRegion": ("VPCRegion", "enum", REGIONS),
    "TTL": ("TTL", "long", (0, MAX_TTL)),
    "Weight": ("ResourceRecordSetWeight", "long", (0, 255)),
    "Bias": ("Bias", "long", (-99, 99)),
    "MultiValueAnswer": ("ResourceRecordSetMultiValueAnswer", "bool", None),
    "EvaluateTargetHealth": ("AliasHealthEnabled", "bool", None),
    "PrivateZone": ("IsPrivateZone", "bool", None),
    "Name": ("DNSName", "str", (0, 1024)),
    "DNSName": ("DNSName", "str", (0, 1024)),
    "SetIdentifier": ("ResourceRecordSetIdentifier", "str", (1, 128)),
    "Value": ("RData", "str", (0, MAX_VALUE_LEN)),
    "Comment": ("ResourceDescription", "str", (0, 256)),
    "HostedZoneId": ("ResourceId", "str", (0, 32)),
    "HealthCheckId": ("HealthCheckId", "str", (0, 64)),
    "TrafficPolicyInstanceId": ("TrafficPolicyInstanceId", "str", (1, 36)),
    "CallerReference": ("Nonce", "str", (1, 128)),
    "DelegationSetId": ("ResourceId", "str", (0, 32)),
    "VPCId": ("VPCId", "str", (0, 1024)),
    "ContinentCode": ("GeoLocationContinentCode", "str", (2, 2)),
    "CountryCode": ("GeoLocationCountryCode", "str", (1, 2)),
    "SubdivisionCode": ("GeoLocationSubdivisionCode", "str", (1, 3)),
    "CollectionId": ("UUID", "str", (0, 36)),
    "LocationName": ("CidrLocationNameDefaultAllowed", "str", (1, 16)),
    "AWSRegion": ("AWSRegion", "str", (1, 64)),
    "LocalZoneGroup": ("LocalZoneGroup", "str", (1, 64)),
    "Latitude": ("Latitude", "str", (1, 6)),
    "Longitude": ("Longitude", "str", (1, 7)),
}


def _q(name):
    return '"%s":%s' % (NS, name)


def _local(tag):
    if tag.startswith("{"):
        ns, _, loc = tag[1:].partition("}")
        return ns, loc
    return None, tag


def _expected(model, pos, cnt):
    out = []
    j, c = pos, cnt
    while j < len(model):
        nm, mn, mx = model[j]
        if c < mx:
            out.append(nm)
        if c < mn:
            break
        j += 1
        c = 0
    return out


def xsd_validate(elem, name):
    """Validate elem (already known to be `name`) like Xerces would and raise
    the first error as InvalidInput."""
    model = SCHEMA.get(name)
    if model is None:
        _validate_leaf(elem, name)
        return
    if elem.text and elem.text.strip():
        raise xsd_error("cvc-complex-type.2.3: Element '%s' cannot have "
                        "character [children], because the type's content "
                        "type is element-only." % name)
    pos, cnt = 0, 0
    for child in elem:
        if not isinstance(child.tag, str):
            continue            # comments / PIs
        ns, loc = _local(child.tag)
        matched = False
        j, c = pos, cnt
        if ns == NS:
            while j < len(model):
                nm, mn, mx = model[j]
                if loc == nm and c < mx:
                    matched = True
                    pos, cnt = j, c + 1
                    break
                if c < mn:
                    break
                j += 1
                c = 0
        if not matched:
            exp = _expected(model, pos, cnt)
            if exp:
                raise xsd_error(
                    "cvc-complex-type.2.4.a: Invalid content was found "
                    "starting with element '%s'. One of '{%s}' is expected."
                    % (loc, ", ".join(_q(e) for e in exp)))
            raise xsd_error("cvc-complex-type.2.4.d: Invalid content was "
                            "found starting with element '%s'. No child "
                            "element is expected at this point." % loc)
        if child.tail and child.tail.strip():
            raise xsd_error("cvc-complex-type.2.3: Element '%s' cannot have "
                            "character [children], because the type's "
                            "content type is element-only." % name)
        xsd_validate(child, loc)
    # required elements still missing?
    j, c = pos, cnt
    while j < len(model):
        nm, mn, mx = model[j]
        if c < mn:
            raise xsd_error(
                "cvc-complex-type.2.4.b: The content of element '%s' is not "
                "complete. One of '{%s}' is expected."
                % (name, ", ".join(_q(e) for e in _expected(model, pos, cnt))))
        j += 1
        c = 0


# The white space XML Schema collapses in integers and booleans (XML Schema
# Part 2, 4.3.6 whiteSpace; XML 1.0 production S): not str.strip()'s set,
# which also takes U+00A0 and other Unicode spaces.
XML_WS = " \t\r\n"


def _validate_leaf(elem, name):
    if len(list(elem)):
        raise xsd_error("cvc-type.3.1.2: Element '%s' is a simple type, so it "
                        "must have no element information item [children]."
                        % name)
    text = elem.text or ""
    spec = LEAVES.get(name)
    if spec is None:
        return
    tname, kind, args = spec
    if kind == "enum":
        if text not in args:
            raise xsd_error("cvc-enumeration-valid: Value '%s' is not "
                            "facet-valid with respect to enumeration '[%s]'. "
                            "It must be a value from the enumeration."
                            % (text, ", ".join(args)))
    elif kind == "long":
        t = text.strip(XML_WS)
        if not re.fullmatch(r"[+-]?[0-9]+", t):
            raise xsd_error("cvc-datatype-valid.1.2.1: '%s' is not a valid "
                            "value for 'integer'." % t)
        v = int(t)
        if v < args[0]:
            raise xsd_error("cvc-minInclusive-valid: Value '%s' is not "
                            "facet-valid with respect to minInclusive '%d' "
                            "for type '%s'." % (t, args[0], tname))
        if v > args[1]:
            raise xsd_error("cvc-maxInclusive-valid: Value '%s' is not "
                            "facet-valid with respect to maxInclusive '%d' "
                            "for type '%s'." % (t, args[1], tname))
    elif kind == "bool":
        if text.strip(XML_WS) not in ("true", "false", "1", "0"):
            raise xsd_error("cvc-datatype-valid.1.2.1: '%s' is not a valid "
                            "value for 'boolean'." % text.strip(XML_WS))
    elif kind == "str":
        lo, hi = args
        if len(text) > hi:
            raise xsd_error("cvc-maxLength-valid: Value '%s' with length = "
                            "'%d' is not facet-valid with respect to maxLength "
                            "'%d' for type '%s'." % (text, len(text), hi, tname))
        if len(text) < lo:
            raise xsd_error("cvc-minLength-valid: Value '%s' with length = "
                            "'%d' is not facet-valid with respect to minLength "
                            "'%d' for type '%s'." % (text, len(text), lo, tname))


def parse_request_xml(body, root_name):
    """Parse and XSD-check a POST body; returns the root element."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise ApiError(400, "MalformedInput", "Could not parse XML")
    ns, loc = _local(root.tag)
    if loc != root_name:
        # Seen from AWS: "ChangeBatch is not valid, expected
        # ChangeResourceRecordSetsRequest" (stalwartlabs/dns-update#44).
        raise ApiError(400, "MalformedInput", "%s is not valid, expected %s"
                       % (loc, root_name))
    if ns != NS:
        raise xsd_error("cvc-elt.1: Cannot find the declaration of element "
                        "'%s'." % root_name)
    xsd_validate(root, root_name)
    return root


def _kid(elem, name):
    return elem.find("{%s}%s" % (NS, name))


def _txt(elem, name, default=None):
    e = _kid(elem, name)
    if e is None:
        return default
    return e.text or ""


def _bool(s):
    return s is not None and s.strip() in ("true", "1")


# ---------------------------------------------------------------------------
# Record sets and zones
# ---------------------------------------------------------------------------

class RRSet(object):
    """One resource record set. `name` is the stored (escaped, lower-case,
    dotted) form; values are kept exactly as submitted."""
    __slots__ = ("name", "type", "setid", "ttl", "values", "alias", "weight",
                 "region", "geo", "failover", "multivalue", "healthcheck",
                 "tpi", "cidr", "geoprox")

    def __init__(self, name, rtype, setid=None, ttl=None, values=None,
                 alias=None):
        self.name = name
        self.type = rtype
        self.setid = setid
        self.ttl = ttl
        self.values = values
        self.alias = alias          # (hosted_zone_id, dns_name, evaluate)
        self.weight = None
        self.region = None
        self.geo = None             # (continent, country, subdivision)
        self.failover = None
        self.multivalue = None
        self.healthcheck = None
        self.tpi = None
        self.cidr = None            # (collection, location)
        self.geoprox = None         # raw tuple

    def key(self):
        return (sort_name(self.name), self.type, self.setid or "")

    def rr_count(self):
        return len(self.values) if self.values is not None else 1

    def routing(self):
        return (self.weight, self.region, self.geo, self.failover,
                self.multivalue, self.healthcheck, self.tpi, self.cidr,
                self.geoprox)

    def same_content(self, other):
        """DELETE must match name, type, set-id, TTL, every value and the
        routing fields exactly (MODEL ChangeResourceRecordSets doc).
        Values compare as submitted (order-insensitive)."""
        if self.ttl != other.ttl or self.alias != other.alias:
            return False
        if self.routing() != other.routing():
            return False
        if (self.values is None) != (other.values is None):
            return False
        if self.values is not None and \
                sorted(self.values) != sorted(other.values):
            return False
        return True

    def to_xml(self):
        p = ["<ResourceRecordSet><Name>%s</Name><Type>%s</Type>"
             % (xesc(self.name), self.type)]
        if self.setid is not None:
            p.append("<SetIdentifier>%s</SetIdentifier>" % xesc(self.setid))
        if self.weight is not None:
            p.append("<Weight>%d</Weight>" % self.weight)
        if self.region is not None:
            p.append("<Region>%s</Region>" % xesc(self.region))
        if self.geo is not None:
            p.append("<GeoLocation>")
            for tag, v in zip(("ContinentCode", "CountryCode",
                               "SubdivisionCode"), self.geo):
                if v is not None:
                    p.append("<%s>%s</%s>" % (tag, xesc(v), tag))
            p.append("</GeoLocation>")
        if self.failover is not None:
            p.append("<Failover>%s</Failover>" % self.failover)
        if self.multivalue is not None:
            p.append("<MultiValueAnswer>%s</MultiValueAnswer>"
                     % ("true" if self.multivalue else "false"))
        if self.ttl is not None:
            p.append("<TTL>%d</TTL>" % self.ttl)
        if self.values is not None:
            p.append("<ResourceRecords>")
            for v in self.values:
                p.append("<ResourceRecord><Value>%s</Value></ResourceRecord>"
                         % xesc(v))
            p.append("</ResourceRecords>")
        if self.alias is not None:
            p.append("<AliasTarget><HostedZoneId>%s</HostedZoneId><DNSName>%s"
                     "</DNSName><EvaluateTargetHealth>%s</EvaluateTargetHealth>"
                     "</AliasTarget>" % (xesc(self.alias[0]),
                                         xesc(self.alias[1]),
                                         "true" if self.alias[2] else "false"))
        if self.healthcheck is not None:
            p.append("<HealthCheckId>%s</HealthCheckId>"
                     % xesc(self.healthcheck))
        if self.tpi is not None:
            p.append("<TrafficPolicyInstanceId>%s</TrafficPolicyInstanceId>"
                     % xesc(self.tpi))
        if self.cidr is not None:
            p.append("<CidrRoutingConfig><CollectionId>%s</CollectionId>"
                     "<LocationName>%s</LocationName></CidrRoutingConfig>"
                     % (xesc(self.cidr[0]), xesc(self.cidr[1])))
        p.append("</ResourceRecordSet>")
        return "".join(p)

    def to_json(self):
        d = {"name": self.name, "type": self.type}
        if self.setid is not None:
            d["set_identifier"] = self.setid
        if self.ttl is not None:
            d["ttl"] = self.ttl
        if self.values is not None:
            d["values"] = list(self.values)
        if self.alias is not None:
            d["alias"] = {"hosted_zone_id": self.alias[0],
                          "dns_name": self.alias[1],
                          "evaluate_target_health": self.alias[2]}
        for k, v in (("weight", self.weight), ("region", self.region),
                     ("failover", self.failover),
                     ("multivalue", self.multivalue),
                     ("health_check_id", self.healthcheck),
                     ("traffic_policy_instance_id", self.tpi)):
            if v is not None:
                d[k] = v
        if self.geo is not None:
            d["geo"] = {"continent": self.geo[0], "country": self.geo[1],
                        "subdivision": self.geo[2]}
        if self.cidr is not None:
            d["cidr"] = {"collection_id": self.cidr[0],
                         "location_name": self.cidr[1]}
        return d


def rrset_from_json(d):
    """Admin seeding: accepts the emulator's own dump format or boto3-style
    keys (Name, Type, TTL, ResourceRecords=[{Value}], AliasTarget, ...)."""
    if "Name" in d:
        vals = d.get("ResourceRecords")
        at = d.get("AliasTarget")
        geo = d.get("GeoLocation")
        d = {"name": d["Name"], "type": d["Type"], "ttl": d.get("TTL"),
             "values": [r["Value"] for r in vals] if vals is not None else None,
             "set_identifier": d.get("SetIdentifier"),
             "weight": d.get("Weight"), "region": d.get("Region"),
             "failover": d.get("Failover"),
             "multivalue": d.get("MultiValueAnswer"),
             "health_check_id": d.get("HealthCheckId"),
             "alias": None if at is None else {
                 "hosted_zone_id": at["HostedZoneId"],
                 "dns_name": at["DNSName"],
                 "evaluate_target_health": at.get("EvaluateTargetHealth",
                                                  False)},
             "geo": None if geo is None else {
                 "continent": geo.get("ContinentCode"),
                 "country": geo.get("CountryCode"),
                 "subdivision": geo.get("SubdivisionCode")}}
    alias = d.get("alias")
    rr = RRSet(norm_name(d["name"]), d["type"], d.get("set_identifier"),
               d.get("ttl"), list(d["values"]) if d.get("values") is not None
               else None,
               None if not alias else (bare_id(alias["hosted_zone_id"]),
                                       norm_name(alias["dns_name"]),
                                       bool(alias.get("evaluate_target_health"))))
    if rr.values is None and rr.alias is None:
        rr.values = []
    rr.weight = d.get("weight")
    rr.region = d.get("region")
    rr.failover = d.get("failover")
    rr.multivalue = d.get("multivalue")
    rr.healthcheck = d.get("health_check_id")
    rr.tpi = d.get("traffic_policy_instance_id")
    g = d.get("geo")
    if g:
        rr.geo = (g.get("continent"), g.get("country"), g.get("subdivision"))
    c = d.get("cidr")
    if c:
        rr.cidr = (c["collection_id"], c["location_name"])
    return rr


class Zone(object):
    """A hosted zone. Record sets live in a dict keyed by
    (sort_name, type, set_identifier) plus a sorted key list for paging, so a
    listing page is a bisect + slice and a batch of k changes costs
    O(k log n) (or one O(n) merge for big batches) even at 100,000 sets."""

    def __init__(self, zid, name, caller_ref, comment, private, vpcs, created,
                 ns_names):
        self.id = zid
        self.name = name
        self.caller_ref = caller_ref
        self.comment = comment
        self.private = private
        self.vpcs = vpcs              # list of (region, vpc id)
        self.created = created
        self.ns_names = ns_names      # delegation set, without trailing dots
        self.rrsets = {}
        self.keys = []
        self.by_name = {}             # stored name -> set of keys
        self.last_change = None       # Change object of the last batch

    # -- store maintenance --------------------------------------------------
    def _index_add(self, k, rr):
        self.by_name.setdefault(rr.name, set()).add(k)

    def _index_del(self, k, rr):
        s = self.by_name.get(rr.name)
        if s is not None:
            s.discard(k)
            if not s:
                del self.by_name[rr.name]

    def apply(self, puts, dels):
        """puts: dict key->RRSet, dels: iterable of keys (already validated)."""
        added = []
        removed = set()
        for k in dels:
            old = self.rrsets.pop(k, None)
            if old is not None:
                self._index_del(k, old)
                removed.add(k)
        for k, rr in puts.items():
            if k in self.rrsets:
                self._index_del(k, self.rrsets[k])
            elif k in removed:
                removed.discard(k)
            else:
                added.append(k)
            self.rrsets[k] = rr
            self._index_add(k, rr)
        if len(added) + len(removed) <= 64:
            for k in removed:
                i = bisect.bisect_left(self.keys, k)
                if i < len(self.keys) and self.keys[i] == k:
                    del self.keys[i]
            for k in added:
                bisect.insort(self.keys, k)
        else:
            if removed:
                self.keys = [k for k in self.keys if k not in removed]
            if added:
                self.keys.extend(added)
                self.keys.sort()      # timsort: merge of two runs

    def put_one(self, rr):
        self.apply({rr.key(): rr}, [])

    def count(self):
        return len(self.rrsets)

    def to_json(self, with_rrsets=True):
        d = {"id": self.id, "name": self.name, "private": self.private,
             "caller_reference": self.caller_ref, "comment": self.comment,
             "vpcs": [{"region": r, "id": v} for r, v in self.vpcs],
             "rrset_count": len(self.rrsets),
             "name_servers": list(self.ns_names)}
        if with_rrsets:
            d["rrsets"] = [self.rrsets[k].to_json() for k in self.keys]
        return d


class Change(object):
    def __init__(self, cid, submitted, comment, zone_id, insync_at):
        self.id = cid
        self.submitted = submitted
        self.comment = comment
        self.zone_id = zone_id
        self.insync_at = insync_at

    def status(self, now):
        return "INSYNC" if now >= self.insync_at else "PENDING"

    def to_xml(self, now, initial=False):
        # The answer to the request that made the change always says PENDING
        # (MODEL ChangeInfo doc); GetChange reports INSYNC once
        # --insync-after seconds have passed.
        s = ("<ChangeInfo><Id>/change/%s</Id><Status>%s</Status><SubmittedAt>"
             "%s</SubmittedAt>" % (self.id,
                                   "PENDING" if initial else self.status(now),
                                   iso_ms(self.submitted)))
        if self.comment is not None:
            s += "<Comment>%s</Comment>" % xesc(self.comment)
        return s + "</ChangeInfo>"


# ---------------------------------------------------------------------------
# The emulated service
# ---------------------------------------------------------------------------

def rr_desc(rr):
    # As in "Tried to create resource record set [name='x.', type='A',
    # set-identifier='id'] but it already exists" (API ChangeResourceRecordSets,
    # barnybug/cli53#317).
    s = "[name='%s', type='%s'" % (rr.name, rr.type)
    if rr.setid is not None:
        s += ", set-identifier='%s'" % rr.setid
    return s + "]"


def routing_kind(rr):
    if rr.weight is not None:
        return "weighted"
    if rr.region is not None:
        return "latency"
    if rr.failover is not None:
        return "failover"
    if rr.geo is not None:
        return "geolocation"
    if rr.multivalue is not None:
        return "multivalue answer"
    if rr.cidr is not None:
        return "cidr"
    if rr.geoprox is not None:
        return "geoproximity"
    return None


class TokenBucket(object):
    """Account-wide request limit (DG-2022 DNSLimitations: the historic 5
    requests a second; configurable)."""

    def __init__(self, rate, burst):
        self.lock = threading.Lock()
        self.set(rate, burst)

    def set(self, rate, burst):
        with self.lock:
            self.rate = float(rate)
            self.burst = max(1.0, float(burst))
            self.tokens = self.burst
            self.t = time.monotonic()

    def take(self):
        with self.lock:
            if self.rate <= 0:
                return True
            now = time.monotonic()
            self.tokens = min(self.burst,
                              self.tokens + (now - self.t) * self.rate)
            self.t = now
            if self.tokens >= 1.0:
                self.tokens -= 1.0
                return True
            return False


class Emulator(object):
    def __init__(self, args):
        self.lock = threading.RLock()
        self.args = args
        self.region = args.region
        self.zones = {}               # id -> Zone (insertion = creation order)
        self.changes = {}             # id -> Change
        self.caller_refs = {}
        self.creds = {}               # akid -> {"secret", "token", "expired"}
        for c in args.credentials or []:
            self.add_credentials(c)
        self.bucket = TokenBucket(args.rate, args.burst)
        self.insync_after = args.insync_after
        self.prior_check = args.prior_request_check
        self.icb_shape = args.invalid_change_batch_shape
        self.clock_offset = args.clock_offset
        self.max_rrsets = args.max_rrsets_per_zone
        self.faults = []
        self.fault_lock = threading.Lock()
        for spec in args.fault or []:
            self.add_fault(parse_fault_spec(spec))
        # Requests held by the hold / hold-answer faults until the test
        # releases them (GET /_emu/held tells they arrived).
        self.held_cond = threading.Condition()
        self.held = []                # {"id", "op", "phase", "zone", ...}
        self.held_seq = 0
        self.log_lock = threading.Lock()
        self.reqlog = []
        self.seq = 0
        self.conn_seq = 0
        self.stats = {}
        self.tls_failures = 0
        self.tls_last_error = None
        self.imds_tokens = {}
        # STS: roles by ARN, each {"trust": [AKID or role ARN, or "*"],
        # "external_id", "web_identity_tokens", "expired_tokens",
        # "max_session_duration"}; "lifetime" overrides the life of the
        # keys it issues (tests of expiry); "disabled" answers
        # RegionDisabledException; "region" is the signing scope wanted.
        self.sts = {"roles": {}, "lifetime": None, "disabled": False,
                    "region": args.region}

    # -- time -----------------------------------------------------------------
    def now(self):
        return time.time() + self.clock_offset

    # -- credentials ----------------------------------------------------------
    def add_credentials(self, spec):
        if isinstance(spec, dict):
            akid, secret = spec["access_key_id"], spec["secret_access_key"]
            token = spec.get("session_token")
            expired = bool(spec.get("expired"))
            expires = spec.get("expires")
        else:
            parts = spec.split(":", 2)
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise ValueError("--credentials wants AKID:SECRET[:TOKEN]")
            akid, secret = parts[0], parts[1]
            token = parts[2] if len(parts) > 2 else None
            expired = False
            expires = None
        with self.lock:
            self.creds[akid] = {"secret": secret, "token": token or None,
                                "expired": expired, "expires": expires}

    # -- faults ---------------------------------------------------------------
    def add_fault(self, f):
        with self.fault_lock:
            self.faults.append(f)

    def take_fault(self, op):
        with self.fault_lock:
            for f in self.faults:
                if f["op"] not in ("*", op):
                    continue
                if f["skip"] > 0:
                    f["skip"] -= 1
                    continue
                if f["count"] > 0:
                    f["count"] -= 1
                    if f["count"] == 0:
                        self.faults.remove(f)
                hit = dict(f)
                return hit
        return None

    # -- held requests (hold, hold-answer faults) ---------------------------------
    def hold(self, op, phase, zone, stopping):
        """Park the calling request until POST /_emu/release names it (or
        all) or the server stops. Returns True to go on, False to drop it:
        the connection is then closed without an answer."""
        with self.held_cond:
            self.held_seq += 1
            h = {"id": self.held_seq, "op": op, "phase": phase, "zone": zone,
                 "time": time.time(), "released": None}
            self.held.append(h)
            self.held_cond.notify_all()
            while h["released"] is None and not stopping():
                self.held_cond.wait(0.1)
            if h in self.held:
                self.held.remove(h)
            return h["released"] != "drop"

    def release(self, hid, action):
        with self.held_cond:
            n = 0
            for h in self.held:
                if hid is None or h["id"] == hid:
                    h["released"] = action
                    n += 1
            self.held_cond.notify_all()
            return n

    def wait_held(self, timeout):
        end = time.time() + timeout
        with self.held_cond:
            while not [h for h in self.held if h["released"] is None]:
                left = end - time.time()
                if left <= 0:
                    break
                self.held_cond.wait(min(left, 0.1))
            return [dict((k, v) for k, v in h.items() if k != "released")
                    for h in self.held if h["released"] is None]

    # -- request log -------------------------------------------------------------
    def record(self, entry):
        with self.log_lock:
            self.seq += 1
            entry["seq"] = self.seq
            self.reqlog.append(entry)
            op = entry.get("op")
            st = self.stats.setdefault(op, {"count": 0, "errors": 0,
                                            "changes": 0})
            st["count"] += 1
            if entry.get("status", 200) >= 300 or entry.get("fault"):
                st["errors"] += 1
            st["changes"] += entry.get("changes") or 0

    def next_conn(self):
        with self.log_lock:
            self.conn_seq += 1
            return self.conn_seq

    # -- zones ----------------------------------------------------------------
    def _ns_for(self, zid, private):
        h = int(hashlib.sha256(zid.encode()).hexdigest(), 16)
        if private:
            return ["ns-0.awsdns-00.com", "ns-512.awsdns-00.net",
                    "ns-1024.awsdns-00.org", "ns-1536.awsdns-00.co.uk"]
        out = []
        for i, tld in enumerate(("com", "net", "org", "co.uk")):
            n = (h >> (i * 12)) % 512 + i * 512
            out.append("ns-%d.awsdns-%02d.%s" % (n, (h >> (48 + i * 6)) % 64,
                                                 tld))
        return out

    def create_zone(self, name, caller_ref=None, comment=None, private=False,
                    vpcs=None, zid=None, with_defaults=True):
        """Create a zone with the apex SOA (TTL 900) and NS (TTL 172800)
        sets every new zone gets (DG-2022 SOA-NSrecords)."""
        stored = norm_name(name)
        with self.lock:
            zid = zid or new_id("Z")
            while zid in self.zones:
                zid = new_id("Z")
            ns = self._ns_for(zid, private)
            z = Zone(zid, stored, caller_ref or str(uuid.uuid4()), comment,
                     private, vpcs or [], self.now(), ns)
            if with_defaults:
                z.put_one(RRSet(stored, "NS", None, 172800,
                                [n + "." for n in ns]))
                z.put_one(RRSet(stored, "SOA", None, 900,
                                ["%s. awsdns-hostmaster.amazon.com. 1 7200 "
                                 "900 1209600 86400" % ns[0]]))
            self.zones[zid] = z
            if caller_ref:
                self.caller_refs[caller_ref] = zid
            return z

    def get_zone(self, zid):
        z = self.zones.get(bare_id(zid))
        if z is None:
            raise ApiError(404, "NoSuchHostedZone",
                           "No hosted zone found with ID: %s" % bare_id(zid))
        return z

    def new_change(self, zone_id, comment):
        now = self.now()
        ch = Change(new_id("C"), now, comment, zone_id,
                    now + self.insync_after)
        self.changes[ch.id] = ch
        return ch

    def hosted_zone_xml(self, z):
        cfg = "<Config>"
        if z.comment is not None:
            cfg += "<Comment>%s</Comment>" % xesc(z.comment)
        cfg += "<PrivateZone>%s</PrivateZone></Config>" % (
            "true" if z.private else "false")
        return ("<HostedZone><Id>/hostedzone/%s</Id><Name>%s</Name>"
                "<CallerReference>%s</CallerReference>%s"
                "<ResourceRecordSetCount>%d</ResourceRecordSetCount>"
                "</HostedZone>" % (z.id, xesc(z.name), xesc(z.caller_ref), cfg,
                                   z.count()))

    def delegation_xml(self, z):
        return ("<DelegationSet><NameServers>%s</NameServers></DelegationSet>"
                % "".join("<NameServer>%s</NameServer>" % n
                          for n in z.ns_names))

    # -- operations -------------------------------------------------------------
    def op_create_hosted_zone(self, body):
        root = parse_request_xml(body, "CreateHostedZoneRequest")
        name = _txt(root, "Name")
        ref = _txt(root, "CallerReference")
        cfg = _kid(root, "HostedZoneConfig")
        comment = _txt(cfg, "Comment") if cfg is not None else None
        want_private = cfg is not None and _bool(_txt(cfg, "PrivateZone"))
        vpc = _kid(root, "VPC")
        vpcs = []
        if vpc is not None:
            vid, vreg = _txt(vpc, "VPCId"), _txt(vpc, "VPCRegion")
            if not vid or not vreg:
                raise invalid_input("Invalid request: VPC requires both "
                                    "VPCId and VPCRegion")
            vpcs = [(vreg, vid)]
        elif want_private:
            raise invalid_input("When you're creating a private hosted zone "
                                "(when you specify true for PrivateZone), you "
                                "must also specify values for VPCId and "
                                "VPCRegion.")
        try:
            stored = norm_name(name)
        except NameError_:
            stored = None
        if stored is None or stored == "." or name.strip() == "":
            raise ApiError(400, "InvalidDomainName",
                           "%s is not a valid domain name." % name)
        with self.lock:
            if ref in self.caller_refs:
                raise ApiError(409, "HostedZoneAlreadyExists",
                               "A hosted zone has already been created with "
                               "the specified caller reference.")
            if vpcs:
                for z in self.zones.values():
                    if z.private and z.name == stored and \
                            set(z.vpcs) & set(vpcs):
                        raise ApiError(400, "ConflictingDomainExists",
                                       "Cannot create hosted zone with DnsName"
                                       " %s as it conflicts with an existing "
                                       "private hosted zone associated with "
                                       "the same VPC." % stored)
            z = self.create_zone(stored, ref, comment, bool(vpcs), vpcs)
            ch = self.new_change(z.id, None)
            now = self.now()
            extra = (self.delegation_xml(z) if not z.private else
                     "<VPC><VPCRegion>%s</VPCRegion><VPCId>%s</VPCId></VPC>"
                     % (xesc(vpcs[0][0]), xesc(vpcs[0][1])))
            xml = ("<CreateHostedZoneResponse xmlns=\"%s\">%s%s%s"
                   "</CreateHostedZoneResponse>"
                   % (NS, self.hosted_zone_xml(z), ch.to_xml(now, True), extra))
            loc = "https://route53.amazonaws.com/2013-04-01/hostedzone/" + z.id
            return 201, xml, {"Location": loc}, {"zone": z.id,
                                                 "change": ch.id}

    def op_get_hosted_zone(self, zid):
        with self.lock:
            z = self.get_zone(zid)
            if z.private:
                extra = "<VPCs>%s</VPCs>" % "".join(
                    "<VPC><VPCRegion>%s</VPCRegion><VPCId>%s</VPCId></VPC>"
                    % (xesc(r), xesc(v)) for r, v in z.vpcs)
            else:
                extra = self.delegation_xml(z)
            return 200, ("<GetHostedZoneResponse xmlns=\"%s\">%s%s"
                         "</GetHostedZoneResponse>"
                         % (NS, self.hosted_zone_xml(z), extra)), {}, {}

    def op_get_hosted_zone_count(self):
        with self.lock:
            return 200, ("<GetHostedZoneCountResponse xmlns=\"%s\">"
                         "<HostedZoneCount>%d</HostedZoneCount>"
                         "</GetHostedZoneCountResponse>"
                         % (NS, len(self.zones))), {}, {}

    def op_delete_hosted_zone(self, zid):
        with self.lock:
            z = self.get_zone(zid)
            self._prior_check(z)
            for rr in z.rrsets.values():
                if not (rr.name == z.name and rr.type in ("SOA", "NS")
                        and rr.setid is None):
                    raise ApiError(400, "HostedZoneNotEmpty",
                                   "The specified hosted zone contains "
                                   "non-required resource record sets and so "
                                   "cannot be deleted.")
            del self.zones[z.id]
            if self.caller_refs.get(z.caller_ref) == z.id:
                del self.caller_refs[z.caller_ref]
            ch = self.new_change(z.id, None)
            return 200, ("<DeleteHostedZoneResponse xmlns=\"%s\">%s"
                         "</DeleteHostedZoneResponse>"
                         % (NS, ch.to_xml(self.now(), True))), {}, {"zone": z.id,
                                                              "change": ch.id}

    def _maxitems(self, q, cap, default):
        mi = q.get("maxitems")
        if mi is None:
            return default, str(default)
        if not re.fullmatch(r"[0-9]+", mi) or int(mi) < 1:
            raise invalid_input("Invalid value for MaxItems: %s" % mi)  # (*)
        return min(int(mi), cap), mi

    def op_list_hosted_zones(self, q):
        n, mi = self._maxitems(q, LIST_ZONES_PAGE, LIST_ZONES_PAGE)
        marker = q.get("marker")
        with self.lock:
            zones = list(self.zones.values())
            if q.get("hostedzonetype") == "PrivateHostedZone":
                zones = [z for z in zones if z.private]
            elif q.get("hostedzonetype") not in (None, ""):
                raise invalid_input("Invalid value for hostedzonetype")
            start = 0
            if marker:
                ids = [z.id for z in zones]
                if bare_id(marker) not in ids:
                    raise invalid_input("Invalid marker: %s" % marker)  # (*)
                start = ids.index(bare_id(marker))
            page = zones[start:start + n]
            trunc = start + n < len(zones)
            x = ["<ListHostedZonesResponse xmlns=\"%s\"><HostedZones>" % NS]
            x.extend(self.hosted_zone_xml(z) for z in page)
            x.append("</HostedZones><Marker>%s</Marker><IsTruncated>%s"
                     "</IsTruncated>" % (xesc(marker or ""),
                                         "true" if trunc else "false"))
            if trunc:
                x.append("<NextMarker>%s</NextMarker>" % zones[start + n].id)
            x.append("<MaxItems>%s</MaxItems></ListHostedZonesResponse>"
                     % xesc(mi))
            return 200, "".join(x), {}, {}

    def op_list_hosted_zones_by_name(self, q):
        """Cursor semantics: results START at dnsname (not a filter), zones
        sorted by reversed labels of the escaped name, then ID (MODEL
        ListHostedZonesByName doc)."""
        n, mi = self._maxitems(q, LIST_ZONES_PAGE, LIST_ZONES_PAGE)
        dns = q.get("dnsname")
        hzid = q.get("hostedzoneid")
        if hzid is not None and dns is None:
            raise invalid_input("The input is not valid: HostedZoneId "
                                "requires DNSName")  # (*)
        start_key = ("",)
        if dns is not None:
            try:
                sd = norm_name(dns)
            except NameError_:
                raise ApiError(400, "InvalidDomainName",
                               "%s is not a valid domain name." % dns)
            start_key = (sort_name(sd), bare_id(hzid) if hzid else "")
        with self.lock:
            zl = sorted(((sort_name(z.name), z.id), z)
                        for z in self.zones.values())
            keys = [k for k, _ in zl]
            i = bisect.bisect_left(keys, start_key)
            page = zl[i:i + n]
            trunc = i + n < len(zl)
            x = ["<ListHostedZonesByNameResponse xmlns=\"%s\"><HostedZones>"
                 % NS]
            x.extend(self.hosted_zone_xml(z) for _, z in page)
            x.append("</HostedZones>")
            if dns is not None:
                x.append("<DNSName>%s</DNSName>" % xesc(dns))
            if hzid is not None:
                x.append("<HostedZoneId>%s</HostedZoneId>" % xesc(hzid))
            x.append("<IsTruncated>%s</IsTruncated>"
                     % ("true" if trunc else "false"))
            if trunc:
                nz = zl[i + n][1]
                x.append("<NextDNSName>%s</NextDNSName><NextHostedZoneId>%s"
                         "</NextHostedZoneId>" % (xesc(nz.name), nz.id))
            x.append("<MaxItems>%s</MaxItems></ListHostedZonesByNameResponse>"
                     % xesc(mi))
            return 200, "".join(x), {}, {}

    def op_list_rrsets(self, zid, q):
        """Pages of at most 300 in Route 53's order (MODEL ListResourceRecordSets
        doc)."""
        n, mi = self._maxitems(q, LIST_RRSETS_PAGE, LIST_RRSETS_PAGE)
        name = q.get("name")
        rtype = q.get("type")
        ident = q.get("identifier")
        if rtype is not None and name is None:
            raise invalid_input("The input is not valid: StartRecordType "
                                "requires StartRecordName")  # (*)
        if ident is not None and rtype is None:
            raise invalid_input("The input is not valid: "
                                "StartRecordIdentifier requires "
                                "StartRecordType")  # (*)
        if rtype is not None and rtype not in RR_TYPES:
            raise invalid_input("1 validation error detected: Value '%s' at "
                                "'startRecordType' failed to satisfy "
                                "constraint: Member must satisfy enum value "
                                "set: [%s]" % (rtype, ", ".join(RR_TYPES)))
        if ident is not None and not 1 <= len(ident) <= 128:
            raise invalid_input("1 validation error detected: Value '%s' at "
                                "'startRecordIdentifier' failed to satisfy "
                                "constraint: Member must have length less "
                                "than or equal to 128" % ident)
        start = ()
        if name is not None:
            try:
                sn = sort_name(norm_name(name))
            except NameError_ as e:
                raise invalid_input("Invalid name %s: %s" % (name, e))  # (*)
            start = (sn,) if rtype is None else (sn, rtype, ident or "")
        with self.lock:
            z = self.get_zone(zid)
            keys = z.keys
            i = bisect.bisect_left(keys, start) if start else 0
            page = keys[i:i + n]
            trunc = i + n < len(keys)
            x = ["<ListResourceRecordSetsResponse xmlns=\"%s\">"
                 "<ResourceRecordSets>" % NS]
            x.extend(z.rrsets[k].to_xml() for k in page)
            x.append("</ResourceRecordSets><IsTruncated>%s</IsTruncated>"
                     % ("true" if trunc else "false"))
            if trunc:
                nx = z.rrsets[keys[i + n]]
                x.append("<NextRecordName>%s</NextRecordName><NextRecordType>"
                         "%s</NextRecordType>" % (xesc(nx.name), nx.type))
                if nx.setid is not None:
                    x.append("<NextRecordIdentifier>%s</NextRecordIdentifier>"
                             % xesc(nx.setid))
            x.append("<MaxItems>%s</MaxItems></ListResourceRecordSetsResponse>"
                     % xesc(mi))
            return 200, "".join(x), {}, {"zone": z.id}

    def op_get_change(self, cid):
        with self.lock:
            ch = self.changes.get(bare_id(cid))
            if ch is None:
                raise ApiError(404, "NoSuchChange",
                               "A change with the specified change ID does "
                               "not exist.")
            return 200, ("<GetChangeResponse xmlns=\"%s\">%s"
                         "</GetChangeResponse>"
                         % (NS, ch.to_xml(self.now()))), {}, {"change": ch.id}

    def _prior_check(self, z):
        if self.prior_check and z.last_change is not None and \
                z.last_change.status(self.now()) == "PENDING":
            raise ApiError(400, "PriorRequestNotComplete",
                           "The request was rejected because Route 53 was "
                           "still processing a prior request.")

    # -- ChangeResourceRecordSets ------------------------------------------------
    def parse_changes(self, body):
        root = parse_request_xml(body, "ChangeResourceRecordSetsRequest")
        batch = _kid(root, "ChangeBatch")
        comment = _txt(batch, "Comment")
        out = []
        for ce in _kid(batch, "Changes"):
            if not isinstance(ce.tag, str):
                continue
            action = _txt(ce, "Action")
            re_ = _kid(ce, "ResourceRecordSet")
            raw_name = _txt(re_, "Name")
            rtype = _txt(re_, "Type")
            setid = _txt(re_, "SetIdentifier")
            ttl = _txt(re_, "TTL")
            rrs = _kid(re_, "ResourceRecords")
            at = _kid(re_, "AliasTarget")
            tpi = _txt(re_, "TrafficPolicyInstanceId")
            desc = ("[Action=%s, Name=%s, Type=%s, SetIdentifier=%s]"
                    % (action, raw_name, rtype,
                       setid if setid is not None else "null"))
            have = int(at is not None) + int(ttl is not None and
                                             rrs is not None) + \
                int(tpi is not None)
            if have == 0 or (at is not None and (ttl is not None or
                                                 rrs is not None)):
                # "Invalid request: Expected exactly one of [AliasTarget, all
                # of [TTL, and ResourceRecords], or TrafficPolicyInstanceId],
                # but found none in Change with [...]" (crossplane-contrib/provider-upjet-aws#1806)
                raise invalid_input(
                    "Invalid request: Expected exactly one of [AliasTarget, "
                    "all of [TTL, and ResourceRecords], or "
                    "TrafficPolicyInstanceId], but found %s in Change with %s"
                    % ("none" if have == 0 else "more than one", desc))
            if have > 1:
                raise invalid_input(
                    "Invalid request: Expected exactly one of [AliasTarget, "
                    "all of [TTL, and ResourceRecords], or "
                    "TrafficPolicyInstanceId], but found more than one in "
                    "Change with %s" % desc)
            rr = RRSet(None, rtype, setid,
                       int(ttl.strip()) if ttl is not None else None,
                       [(v.find("{%s}Value" % NS).text or "") for v in rrs
                        if isinstance(v.tag, str)] if rrs is not None else None)
            if at is not None:
                rr.alias = (bare_id(_txt(at, "HostedZoneId")),
                            _txt(at, "DNSName"),
                            _bool(_txt(at, "EvaluateTargetHealth")))
            if tpi is not None:
                rr.tpi = tpi
                if rr.values is None and rr.alias is None:
                    rr.values = None
            w = _txt(re_, "Weight")
            rr.weight = int(w.strip()) if w is not None else None
            rr.region = _txt(re_, "Region")
            g = _kid(re_, "GeoLocation")
            if g is not None:
                rr.geo = (_txt(g, "ContinentCode"), _txt(g, "CountryCode"),
                          _txt(g, "SubdivisionCode"))
            rr.failover = _txt(re_, "Failover")
            mv = _txt(re_, "MultiValueAnswer")
            rr.multivalue = _bool(mv) if mv is not None else None
            rr.healthcheck = _txt(re_, "HealthCheckId")
            c = _kid(re_, "CidrRoutingConfig")
            if c is not None:
                rr.cidr = (_txt(c, "CollectionId"), _txt(c, "LocationName"))
            gp = _kid(re_, "GeoProximityLocation")
            if gp is not None:
                rr.geoprox = ET.tostring(gp)
            kind = routing_kind(rr)
            if setid is not None and kind is None:
                raise invalid_input(
                    "Invalid request: Expected exactly one of [Weight, "
                    "Region, Failover, GeoLocation, MultiValueAnswer, "
                    "GeoProximityLocation, or CidrRoutingConfig], but found "
                    "none in Change with %s" % desc)  # (*)
            if setid is None and kind is not None:
                raise invalid_input("Invalid request: Missing field "
                                    "'SetIdentifier' in Change with %s"
                                    % desc)  # (*)
            out.append((action, raw_name, rr))
        return comment, out

    def op_change_rrsets(self, zid, body):
        comment, changes = self.parse_changes(body)
        info = {"changes": len(changes),
                "actions": [[a, raw, rr.type] for a, raw, rr in changes]}
        # Request-wide limits (DG-2022 "Maximums on API requests"): 1,000
        # ResourceRecord elements and 32,000 Value characters, with UPSERT
        # counted twice. Texts as AWS sends them (roadworker#92,
        # external-dns#515).
        nrr = 0
        nch = 0
        for action, _, rr in changes:
            mult = 2 if action == "UPSERT" else 1
            nrr += mult * rr.rr_count()
            nch += mult * sum(len(v) for v in (rr.values or []))
        info["records"] = nrr
        info["value_chars"] = nch
        msgs = []
        if nrr > MAX_RR_PER_REQUEST:
            msgs.append("Number of records limit of %d exceeded."
                        % MAX_RR_PER_REQUEST)
        if nch > MAX_VALUE_CHARS:
            msgs.append("RDATA character limit of %d exceeded."
                        % MAX_VALUE_CHARS)
        with self.lock:
            z = self.get_zone(zid)
            info["zone"] = z.id
            if msgs:
                raise ChangeBatchError(msgs)
            self._prior_check(z)
            # Validate the whole batch against a copy-on-write overlay, in
            # order, then apply all or nothing (MODEL: batches are
            # transactional: MODEL ChangeResourceRecordSets doc).
            overlay = {}
            ov_names = {}

            def get(k):
                if k in overlay:
                    return overlay[k]
                return z.rrsets.get(k)

            def sets_at(name):
                ks = set(z.by_name.get(name, ())) | ov_names.get(name, set())
                return [r for r in (get(k) for k in ks) if r is not None]

            def put(k, r):
                overlay[k] = r
                ov_names.setdefault(r.name, set()).add(k)

            for action, raw, rr in changes:
                try:
                    rr.name = norm_name(raw)
                except NameError_ as e:
                    msgs.append(fatal(e.code, e.desc, raw))
                    continue
                if not in_zone(rr.name, z.name):
                    msgs.append("RRSet with DNS name %s is not permitted in "
                                "zone %s" % (rr.name, z.name))
                    continue
                bad = self._check_set(z, rr)
                if bad:
                    msgs.extend(bad)
                    continue
                if rr.alias is not None:
                    # alias DNSName is stored like record names (lower-case,
                    # escaped, trailing dot; MODEL ResourceRecordSet)
                    rr.alias = (rr.alias[0], norm_name(rr.alias[1]),
                                rr.alias[2])
                k = rr.key()
                cur = get(k)
                if action == "DELETE":
                    if cur is None:
                        msgs.append("Tried to delete resource record set %s "
                                    "but it was not found" % rr_desc(rr))
                    elif not cur.same_content(rr):
                        msgs.append("Tried to delete resource record set %s "
                                    "but the values provided do not match the "
                                    "current values" % rr_desc(rr))
                    elif rr.name == z.name and rr.type == "NS":
                        # apex NS/SOA cannot be deleted (DG-2022 SOA-NSrecords)
                        msgs.append("A HostedZone must contain at least one "
                                    "NS record for the zone itself.")
                    elif rr.name == z.name and rr.type == "SOA":
                        msgs.append("A HostedZone must contain exactly one "
                                    "SOA record.")
                    else:
                        overlay[k] = None
                        ov_names.setdefault(rr.name, set()).add(k)
                    continue
                if action == "CREATE" and cur is not None:
                    msgs.append("Tried to create resource record set %s but "
                                "it already exists" % rr_desc(rr))
                    continue
                bad = self._check_conflicts(z, rr, k, sets_at(rr.name))
                if bad:
                    msgs.append(bad)
                    continue
                put(k, rr)
            if not msgs and self.max_rrsets:
                delta = sum((1 if v is not None else -1) if k not in z.rrsets
                            else (0 if v is not None else -1)
                            for k, v in overlay.items())
                if z.count() + delta > self.max_rrsets:
                    msgs.append("Exceeded limit MAX_RRSETS_BY_ZONE for zone: "
                                "%s" % z.id)
            if msgs:
                raise ChangeBatchError(msgs)
            puts = dict((k, v) for k, v in overlay.items() if v is not None)
            dels = [k for k, v in overlay.items() if v is None]
            z.apply(puts, dels)
            ch = self.new_change(z.id, comment)
            z.last_change = ch
            info["change"] = ch.id
            return 200, ("<ChangeResourceRecordSetsResponse xmlns=\"%s\">%s"
                         "</ChangeResourceRecordSetsResponse>"
                         % (NS, ch.to_xml(self.now(), True))), {}, info

    def _check_set(self, z, rr):
        """Per-set syntax: value count and syntax per type, duplicates, CNAME
        and SOA placement. Returns a list of messages."""
        out = []
        if rr.alias is not None:
            try:
                norm_name(rr.alias[1])
            except NameError_ as e:
                out.append(fatal(e.code, e.desc, rr.alias[1]))
            if rr.type in ("SOA", "NS") and rr.name == z.name:
                out.append("Alias target is not permitted for RRSet of type "
                           "%s at the zone apex" % rr.type)  # (*)
            return out
        if rr.values is None:
            return out
        if len(rr.values) > MAX_VALUES_PER_SET:
            # older limit text: "Cannot have more than 100 records in a
            # RRSet." (rancher#10253); the quota is 400 now.
            out.append("Cannot have more than %d records in a RRSet."
                       % MAX_VALUES_PER_SET)
            return out
        seen = set()
        for v in rr.values:
            m = check_value(rr.type, v)
            if m:
                out.append(m)
                continue
            c = canon_value(rr.type, v)
            if c in seen:
                # "Duplicate Resource Record: '10.221.8.236'" (external-dns#1929)
                out.append("Duplicate Resource Record: '%s'" % v)
            seen.add(c)
        if out:
            return out
        if rr.type == "CNAME":
            if rr.name == z.name:
                out.append("RRSet of type CNAME with DNS name %s is not "
                           "permitted at apex in zone %s" % (rr.name, z.name))
            elif len(rr.values) != 1:
                out.append("RRSet of type CNAME with DNS name %s is not "
                           "permitted because it contains more than one "
                           "resource record" % rr.name)  # (*)
        if rr.type == "SOA":
            if rr.name != z.name:
                out.append("RRSet of type SOA with DNS name %s is not "
                           "permitted because SOA is only permitted at the "
                           "zone apex in zone %s" % (rr.name, z.name))  # (*)
            elif len(rr.values) != 1:
                out.append("A HostedZone must contain exactly one SOA "
                           "record.")
        return out

    def _check_conflicts(self, z, rr, k, here):
        """CNAME exclusivity and routing-policy mixing at one name (API
        ChangeResourceRecordSets,
        hashicorp/terraform#9732, amazon.aws#2694, chef route53#100)."""
        others = [x for x in here if x.key() != k]
        if rr.type == "CNAME":
            if any(x.type != "CNAME" for x in others):
                return ("RRSet of type CNAME with DNS name %s is not permitted "
                        "as it conflicts with other records with the same DNS "
                        "name in zone %s" % (rr.name, z.name))
        elif any(x.type == "CNAME" for x in others):
            # AWS's text has two spaces before CNAME (terraform#9732,
            # zinc#178, GSA-TTS/dns#443).
            return ("RRSet of type %s with DNS name %s is not permitted "
                    "because a conflicting RRSet of type  CNAME with the same "
                    "DNS name already exists in zone %s"
                    % (rr.type, rr.name, z.name))
        same = [x for x in others if x.type == rr.type]
        if same:
            if rr.setid is None:
                return ("RRSet with DNS name %s, type %s cannot be created as "
                        "other RRSets exist with the same name and type."
                        % (rr.name, rr.type))
            kind = routing_kind(rr)
            if any(x.setid is None or routing_kind(x) != kind for x in same):
                return ("RRSet with DNS name %s, type %s, SetIdentifier %s "
                        "cannot be created as a non-%s set exists with the "
                        "same name and type."
                        % (rr.name, rr.type, rr.setid, kind))
        return None


# ---------------------------------------------------------------------------
# Fault injection
# ---------------------------------------------------------------------------

def make_fault(d):
    """Normalise a fault description (dict from JSON or from --fault)."""
    kind = d.get("kind")
    if kind not in FAULT_KINDS:
        raise ValueError("unknown fault kind %r (one of %s)"
                         % (kind, ", ".join(FAULT_KINDS)))
    op = d.get("op", "*") or "*"
    if op != "*" and op not in OPS:
        raise ValueError("unknown operation %r" % op)
    f = {"kind": kind, "op": op, "count": int(d.get("count", 1)),
         "skip": int(d.get("skip", 0)),
         "arg": float(d["arg"]) if d.get("arg") is not None else None,
         "chunk": int(d.get("chunk", 1)),
         "message": d.get("message")}
    if f["count"] == 0:
        f["count"] = -1            # 0 or negative: until cleared
    return f


def parse_fault_spec(spec):
    """--fault kind=http500,op=ChangeResourceRecordSets,count=2,skip=1,arg=0.5"""
    d = {}
    for part in spec.split(","):
        k, eq, v = part.partition("=")
        if not eq:
            raise ValueError("bad --fault item %r (want key=value)" % part)
        d[k.strip()] = v.strip()
    return make_fault(d)


# ---------------------------------------------------------------------------
# SigV4 verification with botocore's signer (SIGV4)
# ---------------------------------------------------------------------------

_botocore = None


def _load_botocore():
    global _botocore
    if _botocore is None:
        import botocore.auth
        import botocore.awsrequest
        import botocore.credentials
        _botocore = botocore
    return _botocore


def auth_error(code, message):
    return ApiError(403, code, message)


_AUTH_RE = re.compile(r"^(\S+)\s+(.*)$", re.S)


def verify_sigv4(emu, method, raw_path, query_pairs, headers, body, now,
                 service="route53", region=None):
    """Recompute the signature of a received request with
    botocore.auth.SigV4Auth and compare. Returns the access key id or raises
    ApiError in AWS's shape."""
    bc = _load_botocore()
    authz = headers.get("Authorization")
    if authz is None:
        raise auth_error("MissingAuthenticationToken",
                         "Missing Authentication Token")
    m = _AUTH_RE.match(authz.strip())
    if not m or m.group(1) != "AWS4-HMAC-SHA256":
        raise auth_error("IncompleteSignature",
                         "Unsupported AWS 'algorithm': '%s'"
                         % (m.group(1) if m else authz))
    parts = {}
    for item in m.group(2).split(","):
        k, eq, v = item.strip().partition("=")
        if eq:
            parts[k.strip()] = v.strip()
    missing = [p for p in ("Credential", "SignedHeaders", "Signature")
               if p not in parts]
    if missing:
        raise auth_error("IncompleteSignature", " ".join(
            "Authorization header requires '%s' parameter." % p
            for p in missing) + " Authorization=" + authz)
    cred = parts["Credential"].split("/")
    if len(cred) != 5:
        raise auth_error("IncompleteSignature",
                         "Credential should have exactly 5 parts, but has %d."
                         % len(cred))
    akid, sdate, sregion, sservice, sterm = cred
    c = emu.creds.get(akid)
    if c is None:
        raise auth_error("InvalidClientTokenId",
                         "The security token included in the request is "
                         "invalid.")
    signed = [h.strip().lower() for h in parts["SignedHeaders"].split(";")]
    amzdate = headers.get("X-Amz-Date")
    if amzdate is None:
        if headers.get("Date") is None:
            raise auth_error("IncompleteSignature",
                             "Authorization header requires existence of "
                             "either a 'X-Amz-Date' or a 'Date' header. "
                             "Authorization=" + authz)
        try:
            t = email.utils.parsedate_to_datetime(headers["Date"]).timestamp()
        except (TypeError, ValueError):
            raise auth_error("IncompleteSignature", "Invalid Date header")
        amzdate = amz_date(t)
    try:
        t = calendar.timegm(time.strptime(amzdate, "%Y%m%dT%H%M%SZ"))
    except ValueError:
        raise auth_error("IncompleteSignature",
                         "Date must be in ISO-8601 'basic format'. Got '%s'. "
                         "See http://en.wikipedia.org/wiki/ISO_8601" % amzdate)
    if "host" not in signed:
        raise auth_error("SignatureDoesNotMatch",
                         "'Host' or ':authority' must be a 'SignedHeader' in "
                         "the AWS Authorization.")
    if sdate != amzdate[:8]:
        raise auth_error("SignatureDoesNotMatch",
                         "Date in Credential scope does not match YYYYMMDD "
                         "from ISO-8601 version of date from HTTP: '%s' != "
                         "'%s', from '%s'." % (sdate, amzdate[:8], amzdate))
    if sregion != (region or emu.region):
        raise auth_error("SignatureDoesNotMatch",
                         "Credential should be scoped to a valid region, not "
                         "'%s'. " % sregion)
    if sservice != service:
        raise auth_error("SignatureDoesNotMatch",
                         "Credential should be scoped to correct service: "
                         "'%s'. " % service)
    if sterm != "aws4_request":
        raise auth_error("SignatureDoesNotMatch",
                         "Credential should be scoped with a valid "
                         "terminator: 'aws4_request', not '%s'. " % sterm)
    # Clock skew: +-5 minutes, with AWS's texts (API Common Errors).
    if t < now - SIGV4_SKEW:
        raise auth_error("SignatureDoesNotMatch",
                         "Signature expired: %s is now earlier than %s (%s - "
                         "5 min.)" % (amzdate, amz_date(now - SIGV4_SKEW),
                                      amz_date(now)))
    if t > now + SIGV4_SKEW:
        raise auth_error("SignatureDoesNotMatch",
                         "Signature not yet current: %s is still later than "
                         "%s (%s + 5 min.)" % (amzdate,
                                               amz_date(now + SIGV4_SKEW),
                                               amz_date(now)))
    # Session tokens: required for keys that have one, must match and be
    # signed (SIGV4: temporary credentials add X-Amz-Security-Token, signed).
    tok = headers.get("X-Amz-Security-Token")
    if c["token"] is not None or tok is not None:
        if c["token"] is None or tok is None or \
                not hmac.compare_digest(tok.encode(), c["token"].encode()):
            raise auth_error("InvalidClientTokenId",
                             "The security token included in the request is "
                             "invalid.")
        if "x-amz-security-token" not in signed:
            raise auth_error("SignatureDoesNotMatch",
                             "The request signature we calculated does not "
                             "match the signature you provided: "
                             "X-Amz-Security-Token must be signed.")
    if c.get("expired") or (c.get("expires") and now >= c["expires"]):
        raise auth_error("ExpiredToken",
                         "The security token included in the request is "
                         "expired")
    # X-Amz-Content-SHA256 is optional for Route 53; when sent it must be
    # signed and equal to the body hash (SIGV4).
    csha = headers.get("X-Amz-Content-SHA256")
    if csha is not None:
        if "x-amz-content-sha256" not in signed:
            raise auth_error("SignatureDoesNotMatch",
                             "The request signature we calculated does not "
                             "match the signature you provided: "
                             "X-Amz-Content-SHA256 is sent but not signed.")
        if csha != hashlib.sha256(body).hexdigest():
            raise ApiError(400, "XAmzContentSHA256Mismatch",
                           "The provided 'x-amz-content-sha256' header does "
                           "not match what was computed.")
    # Rebuild the request exactly as received: path as sent, decoded query
    # pairs (re-encoded by the signer per the spec), only signed headers.
    host = headers.get("Host", "")
    req = bc.awsrequest.AWSRequest(method=method,
                                   url="https://%s%s" % (host, raw_path),
                                   data=body)
    req.params = list(query_pairs)
    for h in signed:
        vals = headers.get_all(h)
        if not vals:
            raise auth_error("SignatureDoesNotMatch",
                             "The request signature we calculated does not "
                             "match the signature you provided: signed header "
                             "'%s' is missing from the request." % h)
        req.headers[h] = ",".join(vals) if len(vals) > 1 else vals[0]
    req.context["timestamp"] = amzdate
    signer = bc.auth.SigV4Auth(
        bc.credentials.Credentials(akid, c["secret"], c["token"]),
        service, region or emu.region)
    creq = signer.canonical_request(req)
    sts = signer.string_to_sign(req, creq)
    want = signer.signature(sts, req)
    if not hmac.compare_digest(want, parts["Signature"]):
        raise auth_error("SignatureDoesNotMatch",
                         "The request signature we calculated does not match "
                         "the signature you provided. Check your AWS Secret "
                         "Access Key and signing method. Consult the service "
                         "documentation for details.\n\nThe Canonical String "
                         "for this request should have been\n'%s'\n\nThe "
                         "String-to-Sign should have been\n'%s'\n"
                         % (creq, sts))
    return akid


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------

ROUTES = [
    ("POST", re.compile(r"^/2013-04-01/hostedzone/?$"), "CreateHostedZone"),
    ("GET", re.compile(r"^/2013-04-01/hostedzone/?$"), "ListHostedZones"),
    ("GET", re.compile(r"^/2013-04-01/hostedzonesbyname/?$"),
     "ListHostedZonesByName"),
    ("GET", re.compile(r"^/2013-04-01/hostedzonecount/?$"),
     "GetHostedZoneCount"),
    ("GET", re.compile(r"^/2013-04-01/hostedzone/([^/]+)/rrset/?$"),
     "ListResourceRecordSets"),
    ("POST", re.compile(r"^/2013-04-01/hostedzone/([^/]+)/rrset/?$"),
     "ChangeResourceRecordSets"),
    ("GET", re.compile(r"^/2013-04-01/hostedzone/([^/]+)/?$"),
     "GetHostedZone"),
    ("DELETE", re.compile(r"^/2013-04-01/hostedzone/([^/]+)/?$"),
     "DeleteHostedZone"),
    ("GET", re.compile(r"^/2013-04-01/change/([^/]+)/?$"), "GetChange"),
]


def route(method, path):
    for m, rx, op in ROUTES:
        mm = rx.match(path)
        if mm and m == method:
            return op, [urllib.parse.unquote(g) for g in mm.groups()]
    return None, []


class ConnectionDone(Exception):
    """Raised by fault modes that end the connection without a response."""


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "r53emu"
    sys_version = ""
    timeout = 120               # idle keep-alive connections end after this

    def setup(self):
        # idle keep-alive connections are closed after --idle-timeout
        self.timeout = self.server.emu.args.idle_timeout
        http.server.BaseHTTPRequestHandler.setup(self)
        self.emu = self.server.emu
        self.conn_id = self.emu.next_conn()
        self.req_index = 0

    def log_message(self, fmt, *a):
        if self.emu.args.verbose:
            log("%s %s" % (self.address_string(), fmt % a))

    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_GET

    # -- raw output -------------------------------------------------------------
    def _head_bytes(self, status, headers, length):
        reason = http.server.BaseHTTPRequestHandler.responses.get(
            status, ("Unknown",))[0]
        lines = ["HTTP/1.1 %d %s" % (status, reason)]
        hs = [("Date", email.utils.formatdate(self.emu.now(), usegmt=True))]
        hs.extend(headers)
        hs.append(("Content-Length", str(length)))
        if self.close_connection:
            hs.append(("Connection", "close"))
        lines.extend("%s: %s" % kv for kv in hs)
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _rst(self):
        """Abort the connection with a TCP RST (SO_LINGER 0, then close)."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
        except OSError:
            pass
        for f in (self.rfile, self.wfile):
            try:
                f.close()
            except (OSError, ValueError):
                pass
        try:
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    def send(self, status, body, headers=(), fault=None):
        if isinstance(body, str):
            body = body.encode("utf-8")
        if self.command == "HEAD":
            body = b""
        kind = fault["kind"] if fault else None
        if kind == "close-after":
            pass                # respond normally, then drop the connection
        head = self._head_bytes(status, list(headers), len(body))
        if kind == "reset-after":
            self._rst()
            return
        if kind == "reset-headers":
            self.wfile.write(head)
            self.wfile.flush()
            self._rst()
            return
        if kind in ("reset-mid", "truncate"):
            self.wfile.write(head + body[:len(body) // 2])
            self.wfile.flush()
            if kind == "reset-mid":
                self._rst()
            else:
                self.close_connection = True
            return
        if kind == "trickle":
            data = head + body
            delay = fault["arg"] if fault["arg"] is not None else 0.1
            step = max(1, fault["chunk"])
            for i in range(0, len(data), step):
                self.wfile.write(data[i:i + step])
                self.wfile.flush()
                time.sleep(delay)
            return
        self.wfile.write(head + body)
        self.wfile.flush()
        if kind == "close-after":
            self.close_connection = True

    def send_json(self, status, obj):
        self.send(status, json.dumps(obj, indent=1, sort_keys=True) + "\n",
                  [("Content-Type", "application/json")])

    def read_body(self):
        te = self.headers.get("Transfer-Encoding")
        if te and te.lower() == "chunked":
            out = bytearray()
            while True:
                line = self.rfile.readline(1024)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n",
                                                           b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline(1024)
        n = int(self.headers.get("Content-Length") or 0)
        if n > 64 * 1024 * 1024:
            raise ValueError("request body too large")
        return self.rfile.read(n) if n else b""

    # -- dispatch -----------------------------------------------------------------
    def dispatch(self):
        self.req_index += 1
        try:
            body = self.read_body()
        except (ValueError, OSError):
            self.close_connection = True
            self.send(400, "bad request body\n")
            return
        u = urllib.parse.urlsplit(self.path)
        path = u.path
        try:
            if path == "/_emu" or path.startswith("/_emu/"):
                self.admin(path, u.query, body)
            elif path.startswith("/latest/") and self.server.serve_imds:
                self.imds(path)
            elif self.emu.args.ecs_path and path == self.emu.args.ecs_path \
                    and self.server.serve_imds:
                self.ecs()
            elif self.server.serve_api and path == "/" and \
                    self.command == "POST":
                self.sts_api(body)
            elif self.server.serve_api:
                self.api(path, u.query, body)
            else:
                self.send(404, "not found\n")
        except ConnectionDone:
            pass

    # -- the Route 53 API -----------------------------------------------------------
    def api(self, path, query, body):
        emu = self.emu
        t0 = time.time()
        rid = str(uuid.uuid4())
        op, groups = route(self.command, path)
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        q = dict(pairs)
        entry = {"time": t0, "op": op or "Unknown", "method": self.command,
                 "path": path, "query": q, "conn": self.conn_id,
                 "req_on_conn": self.req_index, "request_id": rid,
                 "bytes_in": len(body),
                 "user_agent": self.headers.get("User-Agent"),
                 "changes": None, "zone": None, "fault": None, "code": None,
                 "message": None, "access_key": None}
        if op in ("GetHostedZone", "DeleteHostedZone",
                  "ListResourceRecordSets", "ChangeResourceRecordSets"):
            entry["zone"] = bare_id(groups[0])
        fault = emu.take_fault(op) if op else None
        status, xml, hdrs = None, None, []
        post_fault = None
        try:
            if fault:
                entry["fault"] = fault["kind"]
                post_fault = self.pre_fault(fault, op, entry)
            if op is None:
                raise ApiError(404, "UnknownOperationException",
                               "Unknown operation %s %s" % (self.command,
                                                            path))
            entry["access_key"] = verify_sigv4(
                emu, self.command, self.path.split("?", 1)[0], pairs,
                self.headers, body, emu.now())
            if not emu.bucket.take():
                raise ApiError(400, "Throttling", "Rate exceeded")
            status, xml, extra, info = self.run_op(op, groups, q, body)
            entry.update(info)
            hdrs = list(extra.items())
        except ChangeBatchError as e:
            status = 400
            entry["code"] = "InvalidChangeBatch"
            entry["message"] = e.messages
            if emu.icb_shape == "messages":
                # <InvalidChangeBatch><Messages><Message>.. (GO2-CUST)
                xml = invalid_change_batch_xml(e.messages, rid)
            else:
                # ErrorResponse form, messages joined as AWS does it
                # ("[msg1, msg2]", external-dns#5939, boto3 users).
                xml = error_response_xml("InvalidChangeBatch",
                                         "[%s]" % ", ".join(e.messages),
                                         "Sender", rid)
        except ApiError as e:
            status = e.status
            entry["code"] = e.code
            entry["message"] = e.message
            xml = error_response_xml(e.code, e.message, e.etype, rid)
            hdrs = list(e.headers.items())
        except ConnectionDone:
            raise
        except Exception:
            # A bug in the emulator must be loud, never a silent pass.
            import traceback
            log("internal error in %s:\n%s" % (op, traceback.format_exc()))
            status = 500
            entry["code"] = "EmulatorBug"
            entry["message"] = traceback.format_exc()
            xml = error_response_xml("InternalFailure", "emulator bug: see "
                                     "its stderr", "Receiver", rid)
        if entry.get("changes") is None and op == "ChangeResourceRecordSets":
            entry["changes"] = count_changes(body)
        entry["status"] = status
        entry["duration"] = time.time() - t0
        emu.record(entry)
        if emu.args.verbose:
            log("%s %s -> %d %s" % (entry["op"], path, status,
                                    entry["code"] or ""))
        headers = [("x-amzn-RequestId", rid), ("Content-Type", "text/xml")]
        headers.extend(hdrs)
        if post_fault and post_fault["kind"] == "hold-answer" and not emu.hold(
                op, "answer", entry.get("zone"), lambda: self.server.stopping):
            self._rst()
            return
        self.send(status, '<?xml version="1.0"?>\n' + xml
                  if not xml.startswith("<?xml") else xml, headers,
                  post_fault)

    def pre_fault(self, f, op, entry):
        """Faults acting before the operation runs. Returns the fault when it
        acts on the response instead."""
        k = f["kind"]
        if k == "hold":
            if self.emu.hold(op, "request", entry.get("zone"),
                             lambda: self.server.stopping):
                return None
            k = "reset"
        if k == "latency":
            time.sleep(f["arg"] if f["arg"] is not None else 1.0)
            return None
        if k in ("reset", "close", "hang"):
            if k == "hang":
                end = time.time() + (f["arg"] if f["arg"] is not None
                                     else 30.0)
                while time.time() < end and not self.server.stopping:
                    time.sleep(0.05)
            self.emu.record({"time": time.time(), "op": op or "Unknown",
                             "method": self.command, "path": self.path,
                             "conn": self.conn_id, "fault": k,
                             "req_on_conn": self.req_index, "status": 0,
                             "code": None, "changes": None, "zone": None})
            if k == "reset":
                self._rst()
            else:
                self.close_connection = True
            raise ConnectionDone()
        if k == "http500":
            raise ApiError(500, "InternalFailure",
                           "The request processing has failed because of an "
                           "unknown error, exception or failure.", "Receiver")
        if k == "http503":
            raise ApiError(503, "ServiceUnavailable",
                           "The request has failed due to a temporary "
                           "failure of the server.", "Receiver")
        if k == "throttle":
            raise ApiError(400, "Throttling", "Rate exceeded")
        if k == "prior":
            raise ApiError(400, "PriorRequestNotComplete",
                           "The request was rejected because Route 53 was "
                           "still processing a prior request.")
        if k == "invalid-change-batch":
            raise ChangeBatchError([f["message"] or
                                    "Injected fault: invalid change batch"])
        return f            # reset-after, reset-mid, truncate, trickle, ...

    def run_op(self, op, g, q, body):
        e = self.emu
        if op == "CreateHostedZone":
            return e.op_create_hosted_zone(body)
        if op == "ListHostedZones":
            return e.op_list_hosted_zones(q)
        if op == "ListHostedZonesByName":
            return e.op_list_hosted_zones_by_name(q)
        if op == "GetHostedZoneCount":
            return e.op_get_hosted_zone_count()
        if op == "ListResourceRecordSets":
            return e.op_list_rrsets(check_id(g[0]), q)
        if op == "ChangeResourceRecordSets":
            return e.op_change_rrsets(check_id(g[0]), body)
        if op == "GetHostedZone":
            return e.op_get_hosted_zone(check_id(g[0]))
        if op == "DeleteHostedZone":
            return e.op_delete_hosted_zone(check_id(g[0]))
        if op == "GetChange":
            return e.op_get_change(check_id(g[0], 6500, "id"))
        raise ApiError(404, "UnknownOperationException", "Unknown operation")

    # -- admin endpoints (unsigned, not counted as API requests) -------------------
    def admin(self, path, query, body):
        emu = self.emu
        q = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        try:
            data = json.loads(body.decode("utf-8")) if body.strip() else {}
        except ValueError as e:
            self.send_json(400, {"error": "bad JSON: %s" % e})
            return
        parts = [p for p in path.split("/") if p][1:]     # after "_emu"
        m = self.command
        try:
            res = self.admin_route(emu, m, parts, q, data)
        except (ValueError, KeyError, TypeError, NameError_) as e:
            self.send_json(400, {"error": "%s: %s" % (type(e).__name__, e)})
            return
        except ApiError as e:
            self.send_json(e.status, {"error": e.message, "code": e.code})
            return
        if res is None:
            self.send_json(404, {"error": "no such admin endpoint %s %s"
                                 % (m, path)})
        else:
            self.send_json(200, res)

    def admin_route(self, emu, m, parts, q, data):
        if parts == ["health"] and m == "GET":
            return {"ok": True}
        if parts == ["zones"] and m == "GET":
            with emu.lock:
                return {"zones": [z.to_json(q.get("rrsets", "1") != "0")
                                  for z in emu.zones.values()]}
        if parts == ["zones"] and m == "POST":
            vpcs = [(v["region"], v["id"]) for v in data.get("vpcs", [])]
            if data.get("vpc"):
                vpcs.append((data["vpc"]["region"], data["vpc"]["id"]))
            private = bool(data.get("private")) or bool(vpcs)
            if private and not vpcs:
                vpcs = [("us-east-1", "vpc-00000000000000001")]
            z = emu.create_zone(data["name"], data.get("caller_reference"),
                                data.get("comment"), private, vpcs,
                                data.get("id"),
                                data.get("defaults", True))
            if data.get("rrsets"):
                self.seed(z, data["rrsets"], False)
            return {"id": z.id, "name": z.name,
                    "name_servers": z.ns_names}
        if len(parts) >= 2 and parts[0] == "zones":
            with emu.lock:
                z = emu.get_zone(parts[1])
                if len(parts) == 2 and m == "GET":
                    return z.to_json(q.get("rrsets", "1") != "0")
                if len(parts) == 2 and m == "DELETE":
                    del emu.zones[z.id]
                    return {"deleted": z.id}
                if parts[2:] == ["rrsets"] and m in ("POST", "PUT"):
                    n = self.seed(z, data.get("rrsets", []),
                                  m == "PUT" or data.get("replace", False))
                    return {"seeded": n, "rrset_count": z.count()}
                if parts[2:] == ["rrsets"] and m == "DELETE":
                    dels = []
                    for d in data.get("rrsets", []):
                        k = (sort_name(norm_name(d["name"])), d["type"],
                             d.get("set_identifier") or "")
                        if k in z.rrsets:
                            dels.append(k)
                    z.apply({}, dels)
                    return {"deleted": len(dels), "rrset_count": z.count()}
            return None
        if parts == ["log"] and m == "GET":
            since = int(q.get("since", "0"))
            with emu.log_lock:
                ents = [e for e in emu.reqlog if e["seq"] > since]
            if q.get("op"):
                ents = [e for e in ents if e.get("op") == q["op"]]
            return {"requests": ents, "last_seq": emu.seq}
        if parts == ["stats"] and m == "GET":
            with emu.log_lock:
                return {"ops": emu.stats, "total": len(emu.reqlog),
                        "connections": emu.conn_seq,
                        "tls_handshake_failures": emu.tls_failures,
                        "tls_last_error": emu.tls_last_error}
        if parts == ["reset"] and m == "POST":
            with emu.log_lock:
                emu.reqlog = []
                emu.stats = {}
                emu.tls_failures = 0
                emu.tls_last_error = None
            emu.bucket.set(emu.bucket.rate, emu.bucket.burst)
            if data.get("faults"):
                with emu.fault_lock:
                    emu.faults = []
            if data.get("zones"):
                with emu.lock:
                    emu.zones = {}
                    emu.changes = {}
                    emu.caller_refs = {}
            return {"reset": True}
        if parts == ["held"] and m == "GET":
            return {"held": emu.wait_held(float(q.get("wait", "0")))}
        if parts == ["release"] and m == "POST":
            action = data.get("action", "proceed")
            if action not in ("proceed", "drop"):
                raise ValueError("release: action is proceed or drop")
            return {"released": emu.release(data.get("id"), action)}
        if parts == ["faults"]:
            if m == "GET":
                with emu.fault_lock:
                    return {"faults": [dict(f) for f in emu.faults]}
            if m == "POST":
                items = data.get("faults", [data]) if isinstance(data, dict) \
                    else data
                fs = [make_fault(d) for d in items]
                for f in fs:
                    emu.add_fault(f)
                return {"added": len(fs)}
            if m == "DELETE":
                with emu.fault_lock:
                    emu.faults = []
                return {"cleared": True}
        if parts == ["config"]:
            if m == "POST":
                if "rate" in data or "burst" in data:
                    emu.bucket.set(data.get("rate", emu.bucket.rate),
                                   data.get("burst", emu.bucket.burst))
                if "insync_after" in data:
                    emu.insync_after = float(data["insync_after"])
                if "prior_request_check" in data:
                    emu.prior_check = bool(data["prior_request_check"])
                if "invalid_change_batch_shape" in data:
                    if data["invalid_change_batch_shape"] not in \
                            ("messages", "errorresponse"):
                        raise ValueError("shape: messages|errorresponse")
                    emu.icb_shape = data["invalid_change_batch_shape"]
                if "clock_offset" in data:
                    emu.clock_offset = float(data["clock_offset"])
                if "max_rrsets_per_zone" in data:
                    emu.max_rrsets = int(data["max_rrsets_per_zone"])
            return {"rate": emu.bucket.rate, "burst": emu.bucket.burst,
                    "insync_after": emu.insync_after,
                    "prior_request_check": emu.prior_check,
                    "invalid_change_batch_shape": emu.icb_shape,
                    "clock_offset": emu.clock_offset,
                    "max_rrsets_per_zone": emu.max_rrsets,
                    "region": emu.region}
        if parts == ["insync"] and m == "POST":
            with emu.lock:
                now = emu.now()
                for ch in emu.changes.values():
                    ch.insync_at = min(ch.insync_at, now)
            return {"insync": True}
        if parts == ["sts"]:
            with emu.lock:
                if m == "POST":
                    for k in ("lifetime", "disabled", "region"):
                        if k in data:
                            emu.sts[k] = data[k]
                return {"lifetime": emu.sts["lifetime"],
                        "disabled": emu.sts["disabled"],
                        "region": emu.sts["region"],
                        "roles": sorted(emu.sts["roles"])}
        if parts == ["sts", "roles"] and m == "POST":
            with emu.lock:
                emu.sts["roles"][data["arn"]] = {
                    "trust": list(data.get("trust", [])),
                    "external_id": data.get("external_id"),
                    "web_identity_tokens": list(
                        data.get("web_identity_tokens", [])),
                    "expired_tokens": list(data.get("expired_tokens", [])),
                    "max_session_duration": int(
                        data.get("max_session_duration", 3600))}
            return {"added": data["arn"]}
        if parts == ["credentials"]:
            if m == "POST":
                emu.add_credentials(data)
                return {"added": data["access_key_id"]}
            if m == "DELETE":
                with emu.lock:
                    emu.creds.pop(data["access_key_id"], None)
                return {"deleted": data["access_key_id"]}
            if m == "GET":
                with emu.lock:
                    return {"credentials": [
                        {"access_key_id": k, "session_token": v["token"],
                         "expired": v["expired"], "expires": v.get("expires"),
                         "role": v.get("role")}
                        for k, v in emu.creds.items()]}
        return None

    def seed(self, z, items, replace):
        """Store record sets bypassing validation (aliases, weighted sets,
        anything); names are still normalised so ordering stays right."""
        rrs = [rrset_from_json(d) for d in items]
        puts = {}
        for rr in rrs:
            puts[rr.key()] = rr
        dels = list(z.rrsets.keys()) if replace else []
        if replace:
            dels = [k for k in dels if k not in puts]
        z.apply(puts, dels)
        return len(rrs)

    # -- STS (STS) -------------------------------------------------------------------
    def sts_api(self, body):
        emu = self.emu
        t0 = time.time()
        rid = str(uuid.uuid4())
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace"),
                                           keep_blank_values=True))
        action = form.get("Action")
        entry = {"time": t0, "op": action or "Unknown", "method": "POST",
                 "path": "/", "conn": self.conn_id, "request_id": rid,
                 "service": "sts", "role": form.get("RoleArn"),
                 "session_name": form.get("RoleSessionName"),
                 "duration": form.get("DurationSeconds"),
                 "external_id": form.get("ExternalId"),
                 "signed": "Authorization" in self.headers,
                 # Test-chosen web identity tokens, not secrets: logged so
                 # a test sees which one a client sent.
                 "web_token": form.get("WebIdentityToken"),
                 "access_key": None, "issued": None, "code": None,
                 "message": None, "changes": None, "zone": None,
                 "fault": None}
        try:
            ctype = self.headers.get("Content-Type", "")
            if not ctype.startswith("application/x-www-form-urlencoded"):
                raise ApiError(400, "InvalidParameterValue",
                               "Content-Type must be application/x-www-form-"
                               "urlencoded")
            if action not in ("AssumeRole", "AssumeRoleWithWebIdentity"):
                raise ApiError(400, "InvalidAction",
                               "Could not find operation %s for version %s"
                               % (action, form.get("Version")))
            if form.get("Version") != "2011-06-15":
                raise ApiError(400, "InvalidParameterValue",
                               "Version must be 2011-06-15")
            caller = None
            if action == "AssumeRole":
                entry["access_key"] = verify_sigv4(
                    emu, "POST", "/", [], self.headers, body, emu.now(),
                    service="sts", region=emu.sts["region"])
                caller = emu.creds.get(entry["access_key"])
            xml, issued = self.sts_run(action, form, entry["access_key"],
                                       caller)
            entry["issued"] = issued
            status = 200
        except ApiError as e:
            status = e.status
            entry["code"] = e.code
            entry["message"] = e.message
            xml = sts_error_xml(e.code, e.message, e.etype, rid)
        entry["status"] = status
        entry["duration_s"] = time.time() - t0
        emu.record(entry)
        if emu.args.verbose:
            log("STS %s -> %d %s" % (action, status, entry["code"] or ""))
        if status == 200:
            xml = xml.replace("@RID@", rid)
        self.send(status, xml, [("x-amzn-RequestId", rid),
                                ("Content-Type", "text/xml")])

    @staticmethod
    def _sts_validate(form, action):
        def need(k, field):
            if form.get(k) is None:
                raise ApiError(400, "ValidationError",
                               "1 validation error detected: Value null at "
                               "'%s' failed to satisfy constraint: Member "
                               "must not be null" % field)
            return form[k]
        arn = need("RoleArn", "roleArn")
        sn = need("RoleSessionName", "roleSessionName")
        if not 20 <= len(arn) <= 2048:
            raise ApiError(400, "ValidationError",
                           "1 validation error detected: Value '%s' at "
                           "'roleArn' failed to satisfy constraint: Member "
                           "must have length greater than or equal to 20"
                           % arn)
        # The patterns match the whole value, and their \w is [A-Za-z0-9_]
        # (STS API AssumeRole, RoleSessionName: upper- and lower-case
        # alphanumeric characters, no spaces): re.fullmatch, re.ASCII.
        if not re.fullmatch(r"[\w+=,.@-]{2,64}", sn, re.ASCII):
            raise ApiError(400, "ValidationError",
                           "1 validation error detected: Value '%s' at "
                           "'roleSessionName' failed to satisfy constraint: "
                           "Member must satisfy regular expression pattern: "
                           "[\\w+=,.@-]*" % sn)
        d = form.get("DurationSeconds")
        # ASCII digits only: str.isdigit() also takes other scripts' digits
        # (int() reads them) and superscripts (int() raises).
        if d is not None and (not re.fullmatch(r"[0-9]+", d) or
                              not 900 <= int(d) <= 43200):
            raise ApiError(400, "ValidationError",
                           "1 validation error detected: Value '%s' at "
                           "'durationSeconds' failed to satisfy constraint: "
                           "Member must have value greater than or equal to "
                           "900" % d)
        x = form.get("ExternalId")
        if x is not None and not re.fullmatch(r"[\w+=,.@:/-]{2,1224}", x,
                                              re.ASCII):
            raise ApiError(400, "ValidationError",
                           "1 validation error detected: Value '%s' at "
                           "'externalId' failed to satisfy constraint: "
                           "Member must satisfy regular expression pattern: "
                           "[\\w+=,.@:/-]*" % x)
        if action == "AssumeRoleWithWebIdentity":
            tok = need("WebIdentityToken", "webIdentityToken")
            if not 4 <= len(tok) <= 20000:
                raise ApiError(400, "ValidationError",
                               "1 validation error detected: Value at "
                               "'webIdentityToken' failed to satisfy "
                               "constraint: Member must have length greater "
                               "than or equal to 4")
        return arn, sn, int(d) if d else 3600

    def sts_run(self, action, form, akid, caller):
        emu = self.emu
        arn, sn, dur = self._sts_validate(form, action)
        with emu.lock:
            if emu.sts["disabled"]:
                raise ApiError(403, "RegionDisabledException",
                               "STS is not activated in this region for "
                               "account:%s. Your account administrator can "
                               "activate STS in this region using the IAM "
                               "Console." % ACCOUNT)
            role = emu.sts["roles"].get(arn)
            if action == "AssumeRole":
                who = "arn:aws:iam::%s:user/%s" % (ACCOUNT, akid)
                if caller and caller.get("role"):
                    who = "arn:aws:sts::%s:assumed-role/%s/%s" % (
                        ACCOUNT, caller["role"].rsplit("/", 1)[-1],
                        caller.get("session"))
                allowed = role is not None and (
                    "*" in role["trust"] or akid in role["trust"] or
                    (caller and caller.get("role") in role["trust"]))
                if allowed and role["external_id"] is not None and \
                        form.get("ExternalId") != role["external_id"]:
                    allowed = False
                if not allowed:
                    raise ApiError(403, "AccessDenied",
                                   "User: %s is not authorized to perform: "
                                   "sts:AssumeRole on resource: %s"
                                   % (who, arn))
                # Role chaining: at most one hour (IAM User Guide, "Role
                # chaining").
                if caller and caller.get("role") and dur > 3600:
                    raise ApiError(400, "ValidationError",
                                   "The requested DurationSeconds exceeds "
                                   "the 1 hour session limit for roles "
                                   "assumed by role chaining.")
            else:
                tok = form["WebIdentityToken"]
                if role is not None and tok in role["expired_tokens"]:
                    raise ApiError(400, "ExpiredTokenException",
                                   "Token expired: current date/time %d "
                                   "must be before the expiration date/time"
                                   % int(time.time()))
                if role is None or tok not in role["web_identity_tokens"]:
                    raise ApiError(400, "InvalidIdentityToken",
                                   "Couldn't retrieve verification key from "
                                   "your identity provider,  please reference "
                                   "AssumeRoleWithWebIdentity documentation "
                                   "for requirements")
            if dur > role["max_session_duration"]:
                raise ApiError(400, "ValidationError",
                               "The requested DurationSeconds exceeds the "
                               "MaxSessionDuration set for this role.")
            life = emu.sts["lifetime"] or dur
            new = "ASIA" + "".join(random.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
                                   for _ in range(16))
            secret = base64.b64encode(os.urandom(30)).decode()
            token = "IQoJb3JpZ2luX2Vj" + base64.b64encode(os.urandom(90)).decode()
            exp = emu.now() + life
            emu.creds[new] = {"secret": secret, "token": token,
                              "expired": False, "expires": exp, "role": arn,
                              "session": sn}
        name = arn.rsplit("/", 1)[-1]
        user = ('<AssumedRoleUser><AssumedRoleId>AROA3XFRBF535PLBIFPI4:%s'
                '</AssumedRoleId><Arn>arn:aws:sts::%s:assumed-role/%s/%s</Arn>'
                '</AssumedRoleUser>' % (xesc(sn), ACCOUNT, xesc(name),
                                        xesc(sn)))
        creds = ('<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>'
                 '%s</SecretAccessKey><SessionToken>%s</SessionToken>'
                 '<Expiration>%s</Expiration></Credentials>'
                 % (new, xesc(secret), xesc(token),
                    time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(exp))))
        extra = ""
        if action == "AssumeRoleWithWebIdentity":
            extra = ('<SubjectFromWebIdentityToken>system:serviceaccount:'
                     'dns:notify53</SubjectFromWebIdentityToken><Audience>'
                     'sts.amazonaws.com</Audience><Provider>arn:aws:iam::%s:'
                     'oidc-provider/oidc.example</Provider>' % ACCOUNT)
        xml = ('<%sResponse xmlns="%s"><%sResult>%s%s%s</%sResult>'
               '<ResponseMetadata><RequestId>@RID@</RequestId>'
               '</ResponseMetadata></%sResponse>'
               % (action, NS_STS, action, extra, user, creds, action, action))
        return xml, new

    # -- IMDSv2 and ECS container credentials (CREDS) ----------------------------
    def imds_creds(self):
        emu = self.emu
        with emu.lock:
            akid = emu.args.imds_credentials
            if akid:
                c = emu.creds.get(akid)
                return (akid, c) if c else (None, None)
            for k, c in emu.creds.items():
                if c["token"]:
                    return k, c
        return None, None

    def creds_json(self, imds):
        akid, c = self.imds_creds()
        if akid is None:
            return None
        now = time.time()
        d = {"AccessKeyId": akid, "SecretAccessKey": c["secret"],
             "Token": c["token"],
             "Expiration": time.strftime(
                 "%Y-%m-%dT%H:%M:%SZ",
                 time.gmtime(now + self.emu.args.creds_lifetime))}
        if imds:
            d = dict([("Code", "Success"),
                      ("LastUpdated", time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                    time.gmtime(now))),
                      ("Type", "AWS-HMAC")] + list(d.items()))
        return d

    def imds(self, path):
        emu = self.emu
        role = emu.args.imds
        entry = {"time": time.time(), "op": "IMDS", "method": self.command,
                 "path": path, "conn": self.conn_id, "status": 200,
                 "code": None, "changes": None, "zone": None, "fault": None}
        try:
            if not role:
                entry["status"] = 404
                self.send(404, "Not Found\n")
                return
            if path == "/latest/api/token":
                if self.command != "PUT":
                    entry["status"] = 405
                    self.send(405, "Method Not Allowed\n")
                    return
                if self.headers.get("X-Forwarded-For"):
                    entry["status"] = 403
                    self.send(403, "Forbidden\n")
                    return
                ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
                # ASCII digits: isdigit() also takes "\xb2" (headers are
                # Latin-1), on which int() raises.
                if ttl is None or not re.fullmatch(r"[0-9]+", ttl) or \
                        not 1 <= int(ttl) <= 21600:
                    entry["status"] = 400
                    self.send(400, "Bad Request\n")
                    return
                tok = base64.b64encode(os.urandom(30)).decode()
                with emu.lock:
                    emu.imds_tokens[tok] = time.time() + int(ttl)
                self.send(200, tok, [("Content-Type", "text/plain"),
                                     ("X-aws-ec2-metadata-token-ttl-seconds",
                                      ttl)])
                return
            tok = self.headers.get("X-aws-ec2-metadata-token")
            with emu.lock:
                exp = emu.imds_tokens.get(tok) if tok else None
            if exp is None or exp < time.time():
                if tok is not None or not emu.args.imds_v1:
                    entry["status"] = 401
                    self.send(401, "Unauthorized\n")
                    return
            base = "/latest/meta-data/iam/security-credentials/"
            if path == base or path == base[:-1]:
                self.send(200, role, [("Content-Type", "text/plain")])
                return
            if path == base + role:
                d = self.creds_json(True)
                if d is None:
                    entry["status"] = 404
                    self.send(404, "Not Found\n")
                    return
                self.send(200, json.dumps(d, indent=2),
                          [("Content-Type", "text/plain")])
                return
            entry["status"] = 404
            self.send(404, "Not Found\n")
        finally:
            emu.record(entry)

    def ecs(self):
        emu = self.emu
        entry = {"time": time.time(), "op": "ECS", "method": self.command,
                 "path": self.path, "conn": self.conn_id, "status": 200,
                 "code": None, "changes": None, "zone": None, "fault": None}
        try:
            want = emu.args.ecs_auth
            if want and self.headers.get("Authorization") != want:
                entry["status"] = 403
                self.send_json(403, {"code": "AccessDenied",
                                     "message": "bad Authorization"})
                return
            d = self.creds_json(False)
            if d is None:
                entry["status"] = 404
                self.send_json(404, {"message": "no credentials"})
                return
            d["RoleArn"] = "arn:aws:iam::123456789012:role/%s" % (
                emu.args.imds or "r53emu")
            self.send_json(200, d)
        finally:
            emu.record(entry)


def check_id(s, maxlen=32, field="id"):
    if len(s) > maxlen:
        raise invalid_input("1 validation error detected: Value '%s' at '%s' "
                            "failed to satisfy constraint: Member must have "
                            "length less than or equal to %d"
                            % (s, field, maxlen))
    return s


def count_changes(body):
    try:
        return len(ET.fromstring(body).findall(".//{%s}Change" % NS))
    except ET.ParseError:
        return None


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr, emu, ssl_ctx, serve_api=True, serve_imds=True):
        host = addr[0]
        self.address_family = socket.AF_INET6 if ":" in host else \
            socket.AF_INET
        self.emu = emu
        self.ssl_ctx = ssl_ctx
        self.serve_api = serve_api
        self.serve_imds = serve_imds
        self.stopping = False
        http.server.HTTPServer.__init__(self, addr, Handler)

    def server_bind(self):
        # HTTPServer.server_bind does a reverse lookup (getfqdn); skip it.
        socketserver.TCPServer.server_bind(self)
        self.server_name = self.server_address[0]
        self.server_port = self.server_address[1]

    def finish_request(self, request, client_address):
        # TLS handshake in the connection's own thread, so a slow or failing
        # client never blocks accept().
        if self.ssl_ctx is None:
            self.RequestHandlerClass(request, client_address, self)
            return
        request.settimeout(15)
        try:
            tls = self.ssl_ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            with self.emu.log_lock:
                self.emu.tls_failures += 1
                self.emu.tls_last_error = str(e)
            if self.emu.args.verbose:
                log("TLS handshake failed: %s" % e)
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        e = sys.exc_info()[1]
        if isinstance(e, (ConnectionError, socket.timeout, ssl.SSLError,
                          BrokenPipeError, ValueError)):
            return
        if self.emu.args.verbose or True:
            import traceback
            log("error serving %s:\n%s" % (client_address,
                                           traceback.format_exc()))


# ---------------------------------------------------------------------------
# Throwaway PKI with the openssl command: CA -> server certificate
# ---------------------------------------------------------------------------

_CA_CNF = """
[ ca ]
default_ca = ca_default
[ ca_default ]
dir = %(dir)s
database = %(dir)s/%(tag)s-index.txt
new_certs_dir = %(dir)s
serial = %(dir)s/%(tag)s-serial
default_md = sha256
policy = policy_any
email_in_dn = no
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
organizationName = optional
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ v3_ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ v3_server ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,%(ku)s
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = @alt
[ alt ]
%(alt)s
"""


def _openssl(args, cwd):
    r = subprocess.run(["openssl"] + args, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise RuntimeError("openssl %s failed: %s"
                           % (" ".join(args), r.stderr.decode(errors="replace")))


def _odate(t):
    return time.strftime("%Y%m%d%H%M%SZ", time.gmtime(t))


def make_pki(tmp, key_type, names, expired, wrong_host, unknown_ca):
    """Returns (cert_file, key_file, ca_pem_file). The server key is EC P-256
    (default) or RSA 2048, both handled by BearSSL; the chain is CA ->
    server with basicConstraints/keyUsage/extendedKeyUsage=serverAuth."""
    if key_type == "rsa":
        keyopt = ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]
        ku = "digitalSignature,keyEncipherment"
    else:
        keyopt = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
        ku = "digitalSignature"
    if wrong_host:
        alt = ["DNS.1 = wrong-host.invalid"]
        cn = "wrong-host.invalid"
    else:
        alt = ["IP.1 = 127.0.0.1", "IP.2 = ::1", "DNS.1 = localhost"]
        i_ip, i_dns = 3, 2
        for n in names:
            try:
                ipaddress.ip_address(n)
                alt.append("IP.%d = %s" % (i_ip, n))
                i_ip += 1
            except ValueError:
                alt.append("DNS.%d = %s" % (i_dns, n))
                i_dns += 1
        cn = "localhost"
    now = time.time()

    def ca(tag, cn_):
        cnf = os.path.join(tmp, tag + ".cnf")
        with open(cnf, "w") as f:
            f.write(_CA_CNF % {"dir": tmp, "tag": tag, "ku": ku,
                               "alt": "\n".join(alt)})
        open(os.path.join(tmp, tag + "-index.txt"), "w").close()
        with open(os.path.join(tmp, tag + "-serial"), "w") as f:
            f.write("%016X\n" % random.getrandbits(63))
        _openssl(["genpkey"] + keyopt + ["-out", tag + ".key"], tmp)
        _openssl(["req", "-new", "-config", cnf, "-key", tag + ".key",
                  "-subj", "/CN=%s" % cn_, "-out", tag + ".csr"], tmp)
        _openssl(["ca", "-batch", "-notext", "-config", cnf, "-selfsign",
                  "-keyfile", tag + ".key", "-extensions", "v3_ca",
                  "-startdate", _odate(now - 30 * 86400),
                  "-enddate", _odate(now + 30 * 86400),
                  "-in", tag + ".csr", "-out", tag + ".pem"], tmp)
        return cnf

    cnf = ca("ca", "r53emu throwaway test CA")
    if unknown_ca:
        cnf = ca("ca2", "r53emu unknown CA")
    signer = "ca2" if unknown_ca else "ca"
    _openssl(["genpkey"] + keyopt + ["-out", "server.key"], tmp)
    _openssl(["req", "-new", "-config", cnf, "-key", "server.key",
              "-subj", "/CN=%s" % cn, "-out", "server.csr"], tmp)
    if expired:
        start, end = now - 10 * 86400, now - 86400
    else:
        start, end = now - 86400, now + 7 * 86400
    _openssl(["ca", "-batch", "-notext", "-config", cnf,
              "-cert", signer + ".pem", "-keyfile", signer + ".key",
              "-extensions", "v3_server", "-startdate", _odate(start),
              "-enddate", _odate(end), "-in", "server.csr",
              "-out", "server.pem"], tmp)
    return (os.path.join(tmp, "server.pem"), os.path.join(tmp, "server.key"),
            os.path.join(tmp, "ca.pem"))


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------

def parse_listen(s):
    m = re.fullmatch(r"\[([0-9a-fA-F:]+)\]:([0-9]+)|([0-9.]+):([0-9]+)", s)
    if not m:
        raise ValueError("--listen wants 127.0.0.1:PORT or [::1]:PORT")
    host = m.group(1) or m.group(3)
    port = int(m.group(2) or m.group(4))
    ip = ipaddress.ip_address(host)
    if not ip.is_loopback:
        raise ValueError("refusing to listen on %s: loopback only" % host)
    return host, port


def write_file(path, text):
    tmp = path + ".tmp%d" % os.getpid()
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def build_argparser():
    p = argparse.ArgumentParser(
        prog="r53emu.py",
        description="Strict Route 53 emulator for tests (see tools/README.md)")
    p.add_argument("--listen", required=True,
                   help="loopback HOST:PORT ([::1]:PORT for IPv6); port 0 "
                        "picks a free one (see --port-file)")
    p.add_argument("--credentials", action="append", default=[],
                   metavar="AKID:SECRET[:TOKEN]",
                   help="accepted key (repeatable); with TOKEN the requests "
                        "must carry that X-Amz-Security-Token")
    p.add_argument("--http", action="store_true", help="plain HTTP, no TLS")
    p.add_argument("--ca-out", metavar="FILE",
                   help="write the throwaway CA certificate (PEM) here "
                        "before printing ready")
    p.add_argument("--port-file", metavar="FILE",
                   help="write the bound port number here before ready")
    p.add_argument("--pid-file", metavar="FILE")
    p.add_argument("--rate", type=float, default=5.0,
                   help="API requests per second (token bucket refill); "
                        "0 = unlimited (default 5)")
    p.add_argument("--burst", type=float, default=5.0,
                   help="token bucket size (default 5)")
    p.add_argument("--insync-after", type=float, default=0.0,
                   metavar="SECONDS",
                   help="changes are PENDING this long, then INSYNC "
                        "(default 0)")
    p.add_argument("--prior-request-check", action="store_true",
                   help="answer PriorRequestNotComplete to a change on a zone "
                        "whose previous change is still PENDING")
    p.add_argument("--region", default="us-east-1",
                   help="SigV4 region expected in the credential scope")
    p.add_argument("--invalid-change-batch-shape", default="messages",
                   choices=["messages", "errorresponse"],
                   help="InvalidChangeBatch body: <InvalidChangeBatch>"
                        "<Messages> (default) or ErrorResponse with "
                        "'[msg, msg]'")
    p.add_argument("--clock-offset", type=float, default=0.0,
                   metavar="SECONDS",
                   help="pretend the server clock is this far ahead (Date "
                        "header, skew check, change times)")
    p.add_argument("--max-rrsets-per-zone", type=int, default=0,
                   help="MAX_RRSETS_BY_ZONE limit (AWS default 10000); "
                        "0 = none (default)")
    p.add_argument("--fault", action="append", default=[],
                   metavar="kind=K,op=OP,count=N,skip=N,arg=X,chunk=N",
                   help="inject a fault (repeatable); see README")
    p.add_argument("--cert-names", default="",
                   help="extra comma-separated DNS names/IPs for the server "
                        "certificate")
    p.add_argument("--cert-expired", action="store_true",
                   help="serve a certificate that expired yesterday")
    p.add_argument("--cert-wrong-host", action="store_true",
                   help="serve a certificate valid only for "
                        "wrong-host.invalid")
    p.add_argument("--cert-unknown-ca", action="store_true",
                   help="sign the server certificate with a CA other than "
                        "the one written to --ca-out")
    p.add_argument("--key-type", choices=["ec", "rsa"], default="ec",
                   help="server/CA key: EC P-256 (default) or RSA 2048")
    p.add_argument("--imds", metavar="ROLE",
                   help="serve IMDSv2 (/latest/...) with this role name, "
                        "handing out the first credentials with a token")
    p.add_argument("--imds-credentials", metavar="AKID",
                   help="which --credentials IMDS/ECS hand out")
    p.add_argument("--imds-v1", action="store_true",
                   help="also answer IMDS GETs without a token (IMDSv1)")
    p.add_argument("--imds-listen", metavar="HOST:PORT",
                   help="serve IMDS/ECS on a separate plain-HTTP loopback "
                        "listener (port 0 = free; see --imds-port-file)")
    p.add_argument("--imds-port-file", metavar="FILE")
    p.add_argument("--ecs-path", metavar="PATH",
                   help="serve ECS container credentials JSON at this path")
    p.add_argument("--ecs-auth", metavar="TOKEN",
                   help="required Authorization header value for --ecs-path")
    p.add_argument("--creds-lifetime", type=float, default=6 * 3600,
                   help="seconds until the Expiration in IMDS/ECS answers")
    p.add_argument("--stdin-watch", action="store_true",
                   help="exit when stdin reaches EOF (parent closed the "
                        "pipe)")
    p.add_argument("--no-parent-watch", action="store_true",
                   help="do not exit when the parent process goes away")
    p.add_argument("--max-lifetime", type=float, default=0,
                   metavar="SECONDS", help="exit after this long (0 = never)")
    p.add_argument("--idle-timeout", type=float, default=120,
                   metavar="SECONDS",
                   help="close a keep-alive connection idle this long "
                        "(default 120)")
    p.add_argument("--verbose", action="store_true",
                   help="log every request to stderr")
    return p


def main(argv=None):
    # The parent is read first: once the pid file exists a test may kill the
    # parent, and a parent read after that would already be the reaper.
    ppid = os.getppid()
    args = build_argparser().parse_args(argv)
    try:
        host, port = parse_listen(args.listen)
        imds_addr = parse_listen(args.imds_listen) if args.imds_listen \
            else None
        emu = Emulator(args)
    except ValueError as e:
        log(str(e))
        return 2
    if not emu.creds:
        log("at least one --credentials AKID:SECRET is required")
        return 2
    _load_botocore()
    tmp = tempfile.mkdtemp(prefix="r53emu-")
    cleanup_done = []

    def cleanup():
        if cleanup_done:
            return
        cleanup_done.append(1)
        shutil.rmtree(tmp, ignore_errors=True)
        if args.pid_file:
            try:
                os.unlink(args.pid_file)
            except OSError:
                pass

    def die(code=0):
        cleanup()
        sys.stdout.flush()
        os._exit(code)

    signal.signal(signal.SIGTERM, lambda *a: die(0))
    signal.signal(signal.SIGINT, lambda *a: die(0))
    signal.signal(signal.SIGHUP, lambda *a: die(0))
    try:
        ctx = None
        if not args.http:
            names = [n.strip() for n in args.cert_names.split(",")
                     if n.strip()]
            cert, key, ca = make_pki(tmp, args.key_type, names,
                                     args.cert_expired, args.cert_wrong_host,
                                     args.cert_unknown_ca)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert, key)
            if args.ca_out:
                with open(ca) as f:
                    write_file(args.ca_out, f.read())
        srv = Server((host, port), emu, ctx, True, imds_addr is None)
        isrv = None
        if imds_addr:
            isrv = Server(imds_addr, emu, None, False, True)
    except (OSError, RuntimeError) as e:
        log("cannot start: %s" % e)
        cleanup()
        return 1
    if args.port_file:
        write_file(args.port_file, "%d\n" % srv.server_address[1])
    if isrv and args.imds_port_file:
        write_file(args.imds_port_file, "%d\n" % isrv.server_address[1])
    if args.pid_file:
        write_file(args.pid_file, "%d\n" % os.getpid())
    for s in (srv, isrv):
        if s:
            threading.Thread(target=s.serve_forever, kwargs={
                "poll_interval": 0.2}, daemon=True).start()

    # Exit when the parent test goes away: poll getppid() (a re-parented
    # process sees a different parent), optionally EOF on stdin, optional
    # hard lifetime. Any of them ends the process with os._exit.
    start = time.monotonic()
    if args.stdin_watch:
        def stdin_watch():
            try:
                while os.read(0, 4096):
                    pass
            except OSError:
                pass
            log("stdin closed, exiting")
            die(0)
        threading.Thread(target=stdin_watch, daemon=True).start()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        time.sleep(0.25)
        if not args.no_parent_watch and os.getppid() != ppid:
            log("parent %d went away, exiting" % ppid)
            die(0)
        if args.max_lifetime and time.monotonic() - start > args.max_lifetime:
            log("--max-lifetime reached, exiting")
            die(0)


if __name__ == "__main__":
    sys.exit(main())
