# SPDX-License-Identifier: Apache-2.0
"""Dependency packages (依赖包) on top of fgs.Store: versions, listing, deletion, and the
depend_version_list of functions. Shapes and error codes: DEPENDENCIES.md (beside this file).

A dependency is a name with numbered versions (1, 2, ...); each version has its own id (what
functions link in depend_version_list), runtime, etag (MD5 of the zip) and size. Creating a
version under a new name creates the dependency; deleting its last version deletes it.
"""
import base64
import binascii
import hashlib
import io
import re
import time
import uuid
import zipfile

from fgs import RUNTIMES, ApiError, bad

DEP_NAME_RE = re.compile(r"^[A-Za-z]([A-Za-z0-9_.-]{0,94}[A-Za-z0-9])?$")
DEPEND_TYPES = {"zip", "obs"}
MAX_DEP_ZIP = 40 << 20
MAX_DEP_FILES = 30000
MAX_DEPS_PER_FUNCTION = 20


def _page(query, items, key):
    try:
        marker = int(query.get("marker") or 0)
        maxitems = int(query.get("maxitems") or query.get("limit") or 400)
    except ValueError:
        raise bad("invalid parameter: marker and maxitems must be integers")
    if marker < 0 or not 0 <= maxitems <= 400:
        raise bad("invalid parameter: marker must be >= 0 and maxitems in [0, 400]")
    page = items[marker:marker + (maxitems or 400)]
    return 200, {key: page, "next_marker": marker + len(page), "count": len(items)}


def _too_large():
    return ApiError(413, "FSS.0413", "The dependency exceeds 40 MB; upload it through OBS (fake)")


def _decode_zip(text):
    if not isinstance(text, str) or not text:
        raise bad("invalid parameter: depend_file is required for depend_type zip")
    if len(text) > MAX_DEP_ZIP * 4 // 3 + 4:
        raise _too_large()
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise bad("invalid parameter: depend_file is not valid base64")
    if len(data) > MAX_DEP_ZIP:
        raise _too_large()
    return _check_zip(data)


def _check_zip(data):
    """A dependency zip's bytes, checked (whether sent inline or through OBS)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if z.testzip() is not None:
                raise bad("Invalid dependency: the zip is corrupt", "FSS.1024")
            names = z.namelist()
    except zipfile.BadZipFile:
        raise bad("Invalid dependency: depend_file is not a zip archive", "FSS.1024")
    if len(names) > MAX_DEP_FILES:
        raise bad("Invalid dependency: more than %d files" % MAX_DEP_FILES, "FSS.1024")
    if any(n.endswith("~") for n in names):
        raise bad("Invalid dependency: a file name ends with '~'", "FSS.1024")
    return data


def _check_string(body, field, required=True):
    v = body.get(field)
    if v is None and not required:
        return ""
    if not isinstance(v, str) or (required and not v):
        kind = "a non-empty string" if required else "a string"
        raise bad("invalid parameter: %s must be %s" % (field, kind))
    return v


def create_version(store, body):
    if not isinstance(body, dict):
        raise bad("request body must be a JSON object")
    depend_type = _check_string(body, "depend_type")
    if depend_type not in DEPEND_TYPES:
        raise bad("Invalid dependency type: %r (zip or obs)" % depend_type, "FSS.1032")
    name = _check_string(body, "name")
    if not DEP_NAME_RE.match(name):
        raise bad("invalid parameter: name %r (letters, digits, _ . -; starts with a letter, ends "
                  "with a letter or digit; at most 96)" % name)
    runtime = _check_string(body, "runtime")
    if runtime not in RUNTIMES:
        raise bad("Invalid runtime: %r" % runtime, "FSS.1005")
    description = _check_string(body, "description", required=False)
    if len(description) > 512:
        raise bad("description is longer than 512 characters", "FSS.1019")
    if depend_type == "obs":
        import obs
        link = _check_string(body, "depend_link")
        obj = obs.object_for_url(store, link)
        if obj is None:
            raise bad("invalid parameter: depend_link %s is not an OBS object that exists (fake)"
                      % link)
        data = _check_zip(obj["data"])
    else:
        data = _decode_zip(body.get("depend_file"))
    dep = next((d for d in store.dependencies.values() if d["name"] == name), None)
    if dep is None:
        dep = {"id": str(uuid.uuid4()), "name": name, "versions": {}}
        store.dependencies[dep["id"]] = dep
    number = max(dep["versions"], default=0) + 1
    vid = str(uuid.uuid4())
    dep["versions"][number] = {
        "id": vid, "owner": store.domain_id,
        "link": "https://fakecloud-obs.local/depends/%s/%s.zip" % (store.project_id, vid),
        "runtime": runtime, "etag": hashlib.md5(data).hexdigest(), "size": len(data),
        "name": name, "description": description, "file_name": name + ".zip",
        "version": number, "last_modified": int(time.time()), "dep_id": dep["id"],
        "is_shared": False,
    }
    return 200, dict(dep["versions"][number])


def list_dependencies(store, query):
    items = []
    for dep in sorted(store.dependencies.values(), key=lambda d: d["name"]):
        newest = dep["versions"][max(dep["versions"])]
        item = {k: newest[k] for k in ("owner", "link", "runtime", "etag", "size", "name",
                                       "file_name", "description", "version", "last_modified")}
        items.append(item | {"id": dep["id"]})
    if query.get("dependency_type", "all") not in ("all", "private", "public"):
        raise bad("invalid parameter: dependency_type must be public, private or all")
    if query.get("dependency_type") == "public" or query.get("ispublic") == "true":
        items = []  # this server has no public dependencies
    if query.get("runtime"):
        items = [d for d in items if d["runtime"] == query["runtime"]]
    if query.get("name"):
        items = [d for d in items if query["name"] in d["name"]]  # (fake: substring match)
    return _page(query, items, "dependencies")


def _dep(store, dep_id):
    dep = store.dependencies.get(dep_id)
    if dep is None:
        raise ApiError(404, "FSS.1056", "The dependency does not exist")
    return dep


def _version(dep, version):
    if not re.fullmatch(r"[0-9]{1,9}", version) or int(version) not in dep["versions"]:
        raise ApiError(404, "FSS.1056", "The dependency version does not exist")
    return int(version)


def list_versions(store, dep_id, query):
    dep = _dep(store, dep_id)
    return _page(query, [dict(dep["versions"][n]) for n in sorted(dep["versions"])],
                 "dependencies")


def version_op(store, dep_id, version, method):
    dep = _dep(store, dep_id)
    number = _version(dep, version)
    record = dep["versions"][number]
    if method == "GET":
        return 200, dict(record) | {"download_link": record["link"] + "?temporary=1"}
    users = sorted(user for user, ids in store.depend_users() if record["id"] in ids)
    if users:
        raise ApiError(412, "FSS.1033", "The dependency is in use by %s" % ", ".join(users))
    del dep["versions"][number]
    if not dep["versions"]:
        del store.dependencies[dep_id]
    return 204, None


def check_depend_list(store, body, runtime):
    """Validates body's depend_version_list; returns it (a new list), or None when absent."""
    ids = body.get("depend_version_list")
    if ids is None:
        return None
    if not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids):
        raise bad("invalid parameter: depend_version_list must be an array of version ids")
    if len(ids) > MAX_DEPS_PER_FUNCTION:
        raise ApiError(403, "FSS.1045", "The number of dependencies exceeds the maximum allowed "
                       "limit (%d)" % MAX_DEPS_PER_FUNCTION)
    if len(set(ids)) != len(ids):
        raise bad("Invalid dependency: a version is listed twice", "FSS.1024")
    for i in ids:
        record = store.dependency_version(i)
        if record is None:
            raise ApiError(404, "FSS.1056", "The dependency does not exist: %s" % i)
        if record["runtime"] != runtime:
            raise bad("Invalid dependency: %s@%d is for %s, the function runs %s" % (
                record["name"], record["version"], record["runtime"], runtime), "FSS.1024")
    return list(ids)
