# SPDX-License-Identifier: Apache-2.0
"""Checks obs.py's StringToSign against the published examples of OBS's API reference
("Authentication of Signature in a Header", obs_04_0010, Tables 2-6), and its HMAC-SHA1 step
against RFC 2202. Exit 0 when all match."""
import base64
import hashlib
import hmac
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
import obs

failures = []


def check(name, got, want):
    if got != want:
        failures.append("%s:\n  got  %r\n  want %r" % (name, got, want))


check("table 2", obs.string_to_sign("GET", {"date": "Sat, 12 Oct 2015 08:12:38 GMT"},
                                    "bucket", "object.txt"),
      "GET\n\n\nSat, 12 Oct 2015 08:12:38 GMT\n/bucket/object.txt")
check("table 3", obs.string_to_sign("PUT", {"x-obs-date": "Tue, 15 Oct 2015 07:20:09 GMT",
                                            "x-obs-security-token": "YwkaRTbdY8g7q....",
                                            "content-type": "text/plain"}, "bucket", "object.txt"),
      "PUT\n\ntext/plain\n\nx-obs-date:Tue, 15 Oct 2015 07:20:09 GMT\n"
      "x-obs-security-token:YwkaRTbdY8g7q....\n/bucket/object.txt")
check("table 4", obs.string_to_sign("PUT", {"date": "Mon, 14 Oct 2015 12:08:34 GMT",
                                            "x-obs-acl": " public-read",
                                            "content-type": "text/plain"}, "bucket", "object.txt"),
      "PUT\n\ntext/plain\nMon, 14 Oct 2015 12:08:34 GMT\nx-obs-acl:public-read\n"
      "/bucket/object.txt")
check("table 6", obs.string_to_sign("PUT", {"x-obs-date": "Tue, 15 Oct 2015 07:20:09 GMT",
                                            "content-md5": "I5pU0r4+sgO9Emgl1KMQUg=="},
                                    "bucket", "object.txt"),
      "PUT\nI5pU0r4+sgO9Emgl1KMQUg==\n\n\nx-obs-date:Tue, 15 Oct 2015 07:20:09 GMT\n"
      "/bucket/object.txt")
check("rfc 2202 case 2", base64.b64encode(
    hmac.new(b"Jefe", b"what do ya want for nothing?", hashlib.sha1).digest()).decode(),
      "7/zfauXrL6LSdBbV8YTfnCWafHk=")
for f in failures:
    print(f, file=sys.stderr)
print("obs selftest: %d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
