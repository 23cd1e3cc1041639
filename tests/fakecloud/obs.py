# SPDX-License-Identifier: Apache-2.0
"""The OBS object routes fstage uses (PUT, HEAD, GET of one object), path-style on the local
server: /<bucket>/<key>. Buckets exist when given with --obs-bucket.

Every request must carry `Authorization: OBS <AK>:<signature>`, verified as OBS does
("Authentication of Signature in a Header", obs_04_0010): Base64(HMAC-SHA1(SK, StringToSign)),
StringToSign = VERB \\n Content-MD5 \\n Content-Type \\n Date \\n CanonicalizedHeaders
CanonicalizedResource, Date empty when x-obs-date is sent, x-obs-* headers lower-cased, sorted,
repeated names joined with ','. An implementation independent of fstage's. Errors are OBS's XML
<Error> documents with its codes (SignatureDoesNotMatch 403, InvalidAccessKeyId 403,
RequestTimeTooSkewed 403, AccessDenied 403, NoSuchBucket 404, NoSuchKey 404, BadDigest 400,
EntityTooLarge 400); a HEAD error has no body.
"""
import base64
import email.utils
import hashlib
import hmac
import time
import urllib.parse
import uuid

MAX_OBJECT = 400 << 20  # the fake's own bound (OBS allows 5 GB per PUT); code is <= 300 MB
SKEW = 15 * 60


class ObsError(Exception):
    def __init__(self, status, code, msg):
        super().__init__(msg)
        self.status, self.code, self.msg = status, code, msg


def is_obs_path(path):
    """OBS requests are the ones not aimed at the FunctionGraph/IAM API prefixes."""
    return not (path.startswith("/v2/") or path.startswith("/v3/") or path.startswith("/__"))


def split(path):
    parts = path.lstrip("/").split("/", 1)
    return parts[0], (parts[1] if len(parts) > 1 else "")


def error_xml(code, msg):
    rid = uuid.uuid4().hex[:32].upper()
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Error><Code>%s</Code>'
            "<Message>%s</Message><RequestId>%s</RequestId><HostId>fakecloud</HostId></Error>"
            % (code, msg, rid)).encode()


def string_to_sign(method, headers, bucket, key):
    obs = {}
    for name, value in headers.items():  # names are lower-case already
        if name.startswith("x-obs-"):
            obs.setdefault(name, []).append(value.strip())
    canonical = "".join("%s:%s\n" % (n, ",".join(obs[n])) for n in sorted(obs))
    date = "" if "x-obs-date" in obs else headers.get("date", "").strip()
    resource = "/" + bucket + "/" + urllib.parse.quote(key, safe="/~") if bucket else "/"
    return "\n".join([method, headers.get("content-md5", "").strip(),
                      headers.get("content-type", "").strip(), date]) + "\n" + canonical + resource


def verify(args, clock_offset, method, headers, bucket, key):
    auth = headers.get("authorization", "")
    if not auth.startswith("OBS ") or ":" not in auth:
        raise ObsError(403, "AccessDenied", "Access Denied (no OBS signature)")
    ak, sig = auth[4:].rsplit(":", 1)
    if not hmac.compare_digest(ak, args.ak):
        raise ObsError(403, "InvalidAccessKeyId",
                       "The AWS Access Key Id you provided does not exist in our records.")
    date = headers.get("x-obs-date") or headers.get("date")
    parsed = email.utils.parsedate_to_datetime(date) if date else None
    if parsed is None:
        raise ObsError(403, "AccessDenied", "Date or x-obs-date is required")
    if abs(time.time() + clock_offset - parsed.timestamp()) > SKEW:
        raise ObsError(403, "RequestTimeTooSkewed",
                       "The difference between the request time and the server's time is too "
                       "large.")
    if args.security_token and headers.get("x-obs-security-token") != args.security_token:
        raise ObsError(403, "InvalidToken", "The provided token is malformed or otherwise invalid.")
    want = base64.b64encode(hmac.new(args.sk.encode(), string_to_sign(
        method, headers, bucket, key).encode(), hashlib.sha1).digest()).decode()
    if not hmac.compare_digest(want, sig):
        raise ObsError(403, "SignatureDoesNotMatch",
                       "The request signature we calculated does not match the signature you "
                       "provided. Check your key and signing method.")


def handle(state, method, path, headers, raw):
    """-> (status, body bytes, headers). Raises nothing: errors are OBS XML answers."""
    bucket, key = split(path)
    try:
        verify(state.args, state.clock_offset, method, headers, bucket, key)
        if bucket not in state.args.obs_bucket:
            raise ObsError(404, "NoSuchBucket", "The specified bucket does not exist")
        if not key:
            raise ObsError(405, "MethodNotAllowed", "Only object operations are faked")
        objects = state.store.obs_objects
        if method == "PUT":
            if len(raw) > MAX_OBJECT:
                raise ObsError(400, "EntityTooLarge", "Your proposed upload exceeds the maximum")
            md5 = hashlib.md5(raw)
            given = headers.get("content-md5")
            if given is not None and given.strip() != base64.b64encode(md5.digest()).decode():
                raise ObsError(400, "BadDigest",
                               "The Content-MD5 you specified did not match what we received.")
            objects[(bucket, key)] = {"data": raw, "etag": md5.hexdigest(),
                                      "content_type": headers.get("content-type", "")}
            return 200, b"", {"ETag": '"%s"' % md5.hexdigest()}
        if method in ("HEAD", "GET"):
            obj = objects.get((bucket, key))
            if obj is None:
                raise ObsError(404, "NoSuchKey", "The specified key does not exist.")
            extra = {"ETag": '"%s"' % obj["etag"], "Content-Type": obj["content_type"],
                     "Content-Length": str(len(obj["data"]))}
            return 200, (b"" if method == "HEAD" else obj["data"]), extra
        raise ObsError(405, "MethodNotAllowed", "The specified method is not allowed")
    except ObsError as e:
        body = b"" if method == "HEAD" else error_xml(e.code, e.msg)
        return e.status, body, {"Content-Type": "application/xml", "x-obs-error-code": e.code}


def object_for_url(store, url):
    """The stored object a code_url names (path-style on a loopback host, else virtual-hosted),
    or None."""
    parts = urllib.parse.urlsplit(url)
    path = urllib.parse.unquote(parts.path)
    host = parts.hostname or ""
    if host in ("127.0.0.1", "localhost", "::1"):
        bucket, key = split(path)
    else:
        bucket, key = host.split(".", 1)[0], path.lstrip("/")
    return store.obs_objects.get((bucket, key))
