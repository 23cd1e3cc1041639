# SPDX-License-Identifier: Apache-2.0
"""SDK-HMAC-SHA256 (PLATFORM.md §5.2), written independently of fstage's C++ signer.

Used by the fake server to verify every request, by selftest.py against the §5.3 vectors, and
as a command-line tool that prints signed headers for curl (bench/deploy):

    sign.py --ak AK --sk SK --method PUT --url URL [--body FILE] [--project-id P]
"""
import argparse
import datetime
import hashlib
import hmac
import sys
import urllib.parse

ALGORITHM = "SDK-HMAC-SHA256"
UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"


def escape(text):
    """RFC 3986 percent-encoding, unreserved kept, upper-case hex."""
    if isinstance(text, str):
        text = text.encode("utf-8")
    out = []
    for byte in text:
        ch = chr(byte)
        out.append(ch if ch in UNRESERVED else "%%%02X" % byte)
    return "".join(out)


def canonical_uri(path):
    """Decoded path in, each segment escaped, trailing '/' guaranteed."""
    uri = "/".join(escape(segment) for segment in path.split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(pairs):
    encoded = sorted((escape(k), escape(v)) for k, v in pairs)
    return "&".join("%s=%s" % kv for kv in encoded)


def canonical_request(method, path, query_pairs, headers, signed, body_hash):
    """headers: dict of lower-case name -> value; signed: list of lower-case names."""
    names = sorted(signed)
    lines = "".join("%s:%s\n" % (n, headers[n].strip()) for n in names)
    return "\n".join([method, canonical_uri(path), canonical_query(query_pairs), lines,
                      ";".join(names), body_hash])


def string_to_sign(creq, date):
    return "%s\n%s\n%s" % (ALGORITHM, date, hashlib.sha256(creq.encode("utf-8")).hexdigest())


def signature(sk, sts):
    return hmac.new(sk.encode("utf-8"), sts.encode("utf-8"), hashlib.sha256).hexdigest()


def parse_authorization(value):
    """'SDK-HMAC-SHA256 Access=A, SignedHeaders=a;b, Signature=s' -> dict, or None."""
    if not value or not value.startswith(ALGORITHM + " "):
        return None
    fields = {}
    for part in value[len(ALGORITHM) + 1:].split(","):
        key, sep, val = part.strip().partition("=")
        if not sep:
            return None
        fields[key] = val
    if not {"Access", "SignedHeaders", "Signature"} <= fields.keys():
        return None
    return fields


def parse_sdk_date(value):
    try:
        return datetime.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc)
    except (TypeError, ValueError):
        return None


def sign_headers(ak, sk, method, url, body=b"", project_id=None, date=None):
    """The headers (including Authorization) a client sends for this request."""
    parts = urllib.parse.urlsplit(url)
    date = date or datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    headers = {"content-type": "application/json", "host": parts.netloc, "x-sdk-date": date}
    if project_id:
        headers["x-project-id"] = project_id
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    creq = canonical_request(method, urllib.parse.unquote(parts.path), query, headers,
                             list(headers), hashlib.sha256(body).hexdigest())
    sig = signature(sk, string_to_sign(creq, date))
    headers["authorization"] = "%s Access=%s, SignedHeaders=%s, Signature=%s" % (
        ALGORITHM, ak, ";".join(sorted(headers)), sig)
    return headers


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ak", required=True)
    ap.add_argument("--sk", required=True)
    ap.add_argument("--method", default="GET")
    ap.add_argument("--url", required=True)
    ap.add_argument("--body", help="file holding the exact body bytes")
    ap.add_argument("--project-id")
    args = ap.parse_args()
    body = b""
    if args.body:
        with open(args.body, "rb") as f:
            body = f.read()
    for name, value in sign_headers(args.ak, args.sk, args.method, args.url, body,
                                    args.project_id).items():
        if name != "host":
            print("%s: %s" % (name, value))
    return 0


if __name__ == "__main__":
    sys.exit(main())
