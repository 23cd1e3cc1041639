# SPDX-License-Identifier: Apache-2.0
"""Checks sign.py against the published vectors of PLATFORM.md §5.3. Exit 0 when all match."""
import hashlib
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
import sign

AK = "AKTESTEXAMPLE0000000"
SK = "SKTESTEXAMPLE0000000000000000000000000000"
PID = "0123456789abcdef0123456789abcdef"
HOST = "functiongraph.cn-north-4.myhuaweicloud.com"
EMPTY = hashlib.sha256(b"").hexdigest()
GO_BODY = b'{"Name":"test","Id":1}\n'
failures = []


def check(name, got, want):
    if got != want:
        failures.append("%s:\n  got  %r\n  want %r" % (name, got, want))


def vector_a(method, path, query, body):
    headers = {"x-project-id": PID, "x-sdk-date": "20240101T120000Z",
               "content-type": "application/json", "host": HOST}
    creq = sign.canonical_request(method, path, query, headers, list(headers),
                                  hashlib.sha256(body).hexdigest())
    return creq, sign.string_to_sign(creq, "20240101T120000Z")


def vector_b(method, query, body):
    headers = {"x-sdk-date": "20060102T150405Z"}
    creq = sign.canonical_request(method, "/path", query, headers, ["x-sdk-date"],
                                  hashlib.sha256(body).hexdigest())
    return creq, sign.signature("SecretKey", sign.string_to_sign(creq, "20060102T150405Z"))


creq, sts = vector_a("POST", "/v2/%s/fgs/functions/urn:fss:cn-north-4:%s:function:default:hello:"
                     "latest/invocations" % (PID, PID), [], b'{"k":"v"}')
check("A1 canonical request", creq,
      "POST\n/v2/0123456789abcdef0123456789abcdef/fgs/functions/urn%3Afss%3Acn-north-4%3A"
      "0123456789abcdef0123456789abcdef%3Afunction%3Adefault%3Ahello%3Alatest/invocations/\n\n"
      "content-type:application/json\nhost:functiongraph.cn-north-4.myhuaweicloud.com\n"
      "x-project-id:0123456789abcdef0123456789abcdef\nx-sdk-date:20240101T120000Z\n\n"
      "content-type;host;x-project-id;x-sdk-date\n"
      "666c1aa02e8068c6d5cc1d3295009432c16790bec28ec8ce119d0d1a18d61319")
check("A1 string to sign", sts, "SDK-HMAC-SHA256\n20240101T120000Z\n"
      "621e81be9632625c9dd5f43f0fd17b09e5263d1014d9e6c03c0f8b471c4a35a0")
check("A1 signature", sign.signature(SK, sts),
      "3a33c8a5a50c645329b16cd88b45fe48bb23228fe8e6c04871d606c522046780")

creq, sts = vector_a("GET", "/v2/%s/fgs/functions" % PID, [("maxitems", "10"), ("marker", "0")],
                     b"")
check("A2 canonical query", creq.split("\n")[2], "marker=0&maxitems=10")
check("A2 string to sign", sts.split("\n")[2],
      "ab729d7b26e6a9069a1a5f12fee0bfd80625111e2cacc6b29ae5dadf851b744f")
check("A2 signature", sign.signature(SK, sts),
      "d477b1c0dfe217316d1ba42c265379e0704343aaf6a0d91f14dad4df157e9f68")

check("B @54c11bc GET", vector_b("GET", [("limit", "1")], b"")[1],
      "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624")
check("B @54c11bc POST body hash", hashlib.sha256(GO_BODY).hexdigest(),
      "a29d7b4c5efd1a22011d69fd7b7aee76fe51e4083c609244228de258afd61289")
check("B @54c11bc POST", vector_b("POST", [("key", "value")], GO_BODY)[1],
      "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59")
check("B @d546e7a GET", vector_b("GET", [], b"")[1],
      "eb70b3a0caf6633a8b8e4317622d8a0f6819821ec84896ceb7739a57e2d9ed76")
check("B @d546e7a POST", vector_b("POST", [], GO_BODY)[1],
      "7f587e76874c5079f7e98769ab285ee75bea28e30110ab10dec4fc4d12c32f62")
check("Go query canonicalisation",
      sign.canonical_query([("test", "\u4e00 (&=?!#%.*)"), ("multi", "3"), ("path", "/tmp/123"),
                            ("multi", "1"), ("limit", "1"), ("enable", "true"), ("multi", "2")]),
      "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&"
      "test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29")
check("empty body hash", EMPTY, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")

auth = sign.parse_authorization("SDK-HMAC-SHA256 Access=A, SignedHeaders=a;b, Signature=0f")
check("parse Authorization", auth, {"Access": "A", "SignedHeaders": "a;b", "Signature": "0f"})

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("fakecloud signer: all %d PLATFORM.md §5.3 checks pass" % 14)
