#!/usr/bin/python3
"""The emulator's STS as Debian's boto3 sees it (tools/r53emu.py, STS).

boto3's sts client, over TLS with the throwaway CA, calls AssumeRole
(signed: service sts, the region scope the emulator wants) and
AssumeRoleWithWebIdentity (unsigned) and must parse the answers; each AWS
error shape comes back as a ClientError with AWS's code and HTTP status:
AccessDenied (403), ExpiredTokenException and InvalidIdentityToken (400),
RegionDisabledException (403), ValidationError, a wrong signing scope. The
temporary keys work for Route 53 only with their session token, and are
refused as ExpiredToken once their Expiration has passed.
"""
import http.client
import os
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
from tap import ok, eq, done                 # noqa: E402
from emu import Emu                          # noqa: E402

import boto3                                 # noqa: E402
import botocore.exceptions                   # noqa: E402
from botocore import UNSIGNED                # noqa: E402
from botocore.config import Config           # noqa: E402

ROLE = "arn:aws:iam::123456789012:role/dns-admin"
BASE = "arn:aws:iam::123456789012:role/base"


def sts(e, akid="AKIDBASE", secret="BASESECRET", token=None, region="us-east-1",
        unsigned=False):
    cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"},
                 signature_version=UNSIGNED if unsigned else None)
    return boto3.client("sts", endpoint_url=e.url, verify=e.ca_file, region_name=region,
                        aws_access_key_id=akid, aws_secret_access_key=secret,
                        aws_session_token=token, config=cfg)


def err(fn, **kw):
    try:
        fn(**kw)
    except botocore.exceptions.ClientError as x:
        return (x.response["Error"].get("Code"), x.response["ResponseMetadata"]["HTTPStatusCode"],
                x.response["Error"].get("Message"))
    return (None, 200, None)


def raw_post(e, form):
    """An unsigned STS form POST: (HTTP status, body), or (None, error)."""
    ctx = ssl.create_default_context(cafile=e.ca_file)
    req = urllib.request.Request(e.url + "/", data=urllib.parse.urlencode(form).encode(),
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as x:
        return x.code, x.read().decode()
    except (OSError, http.client.HTTPException) as x:
        return None, str(x)


def main():
    with Emu(credentials=("AKIDBASE:BASESECRET", "AKIDOTHER:OTHERSECRET"), rate=0) as e:
        e.admin("POST", "sts/roles", {"arn": BASE, "trust": ["AKIDBASE"]})
        e.admin("POST", "sts/roles", {"arn": ROLE, "trust": [BASE], "external_id": "ext-42",
                                      "web_identity_tokens": ["jwt-one"],
                                      "expired_tokens": ["jwt-old"]})
        r = sts(e).assume_role(RoleArn=BASE, RoleSessionName="s1")
        c = r["Credentials"]
        ok(c["AccessKeyId"].startswith("ASIA") and c["SessionToken"] and c["SecretAccessKey"],
           "AssumeRole: boto3 parses Credentials")
        ok(r["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/base/s1",
           "AssumedRoleUser parsed: %s" % r["AssumedRoleUser"]["Arn"])
        left = c["Expiration"].timestamp() - time.time()
        ok(3500 < left <= 3601, "Expiration an hour ahead by default: %.0f s" % left)

        # Role chaining: the base role's session may assume dns-admin, with
        # the external id.
        chained = sts(e, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
        r2 = chained.assume_role(RoleArn=ROLE, RoleSessionName="s2", ExternalId="ext-42")
        ok(r2["Credentials"]["AccessKeyId"].startswith("ASIA"), "chained AssumeRole")
        code, st, msg = err(chained.assume_role, RoleArn=ROLE, RoleSessionName="s2")
        eq((code, st), ("AccessDenied", 403), "no ExternalId: AccessDenied 403")
        ok("assumed-role/base/s1 is not authorized to perform: sts:AssumeRole on resource: "
           + ROLE in (msg or ""), "AccessDenied names the caller and the role: %s" % msg)
        code, st, msg = err(chained.assume_role, RoleArn=ROLE, RoleSessionName="s2",
                            ExternalId="ext-42", DurationSeconds=7200)
        eq((code, st), ("ValidationError", 400), "chaining over an hour: ValidationError")
        code, st, msg = err(sts(e, "AKIDOTHER", "OTHERSECRET").assume_role, RoleArn=BASE,
                            RoleSessionName="s3")
        eq((code, st), ("AccessDenied", 403), "a key the role does not trust: AccessDenied")
        code, st, msg = err(sts(e).assume_role, RoleArn=BASE, RoleSessionName="bad name")
        eq((code, st), ("ValidationError", 400), "a bad RoleSessionName: ValidationError")
        # The pattern covers the whole value, and its \w is ASCII letters,
        # digits and _ only (STS API AssumeRole, RoleSessionName, ExternalId).
        for bad in ("s1\n", "s\u00e9"):
            code, st, msg = err(sts(e).assume_role, RoleArn=BASE, RoleSessionName=bad)
            eq((code, st), ("ValidationError", 400), "RoleSessionName %r: ValidationError" % bad)
            code, st, msg = err(sts(e).assume_role, RoleArn=BASE, RoleSessionName="s1",
                                ExternalId="ext-" + bad)
            eq((code, st), ("ValidationError", 400), "ExternalId %r: ValidationError" % bad)
        # Temporary keys without their token, with a wrong one, or signed for
        # another region.
        code, st, msg = err(sts(e, c["AccessKeyId"], c["SecretAccessKey"]).assume_role,
                            RoleArn=ROLE, RoleSessionName="s5", ExternalId="ext-42")
        eq((code, st), ("InvalidClientTokenId", 403), "temporary keys without their token")
        code, st, msg = err(sts(e, region="eu-west-1").assume_role, RoleArn=BASE,
                            RoleSessionName="s6")
        eq((code, st), ("SignatureDoesNotMatch", 403), "signed for eu-west-1: refused")
        e.admin("POST", "sts", {"region": "eu-west-1"})
        ok(sts(e, region="eu-west-1").assume_role(RoleArn=BASE, RoleSessionName="s7"),
           "the emulator told to want eu-west-1: accepted")
        e.admin("POST", "sts", {"region": "us-east-1"})

        # Web identity: unsigned, the token the test chose.
        anon = sts(e, unsigned=True)
        r3 = anon.assume_role_with_web_identity(RoleArn=ROLE, RoleSessionName="pod",
                                                WebIdentityToken="jwt-one")
        ok(r3["Credentials"]["AccessKeyId"].startswith("ASIA") and
           r3["SubjectFromWebIdentityToken"], "AssumeRoleWithWebIdentity, unsigned")
        code, st, msg = err(anon.assume_role_with_web_identity, RoleArn=ROLE,
                            RoleSessionName="pod", WebIdentityToken="jwt-wrong")
        eq((code, st), ("InvalidIdentityToken", 400), "an unknown token: InvalidIdentityToken")
        code, st, msg = err(anon.assume_role_with_web_identity, RoleArn=ROLE,
                            RoleSessionName="pod", WebIdentityToken="jwt-old")
        eq((code, st), ("ExpiredTokenException", 400), "an expired token: ExpiredTokenException")
        # DurationSeconds is an integer of ASCII digits; boto3 checks the
        # type, so the form is sent as is: a superscript two or Arabic-Indic
        # digits are a ValidationError, 400 (STS API AssumeRoleWithWebIdentity).
        for d in ("\u00b2", "\u0661\u0662\u0660\u0660"):
            st, body = raw_post(e, {"Action": "AssumeRoleWithWebIdentity",
                                    "Version": "2011-06-15", "RoleArn": ROLE,
                                    "RoleSessionName": "pod", "WebIdentityToken": "jwt-one",
                                    "DurationSeconds": d})
            eq((st, "<Code>ValidationError</Code>" in body), (400, True),
               "DurationSeconds %r: ValidationError" % d)
        e.admin("POST", "sts", {"disabled": True})
        code, st, msg = err(sts(e).assume_role, RoleArn=BASE, RoleSessionName="s8")
        eq((code, st), ("RegionDisabledException", 403), "a disabled region: "
           "RegionDisabledException 403")
        e.admin("POST", "sts", {"disabled": False})

        # The keys at Route 53: only with their token, and until Expiration.
        r53 = e.boto3(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
        ok("HostedZones" in r53.list_hosted_zones(), "Route 53 accepts the role's keys")
        code, st, msg = err(e.boto3(c["AccessKeyId"], c["SecretAccessKey"]).list_hosted_zones)
        eq((code, st), ("InvalidClientTokenId", 403), "... not without the session token")
        e.admin("POST", "sts", {"lifetime": 2})
        c4 = sts(e).assume_role(RoleArn=BASE, RoleSessionName="short")["Credentials"]
        short = e.boto3(c4["AccessKeyId"], c4["SecretAccessKey"], c4["SessionToken"])
        ok("HostedZones" in short.list_hosted_zones(), "short-lived keys work at first")
        # Wait for the Expiration the emulator gave (an event it announced).
        while time.time() < c4["Expiration"].timestamp() + 1:
            time.sleep(0.2)
        code, st, msg = err(short.list_hosted_zones)
        eq((code, st), ("ExpiredToken", 403), "after their Expiration: ExpiredToken")
        log = [x for x in e.log() if x.get("service") == "sts"]
        ok(all(x["op"] in ("AssumeRole", "AssumeRoleWithWebIdentity") for x in log) and
           any(not x["signed"] for x in log), "the request log names the STS actions")
    done()


if __name__ == "__main__":
    main()
