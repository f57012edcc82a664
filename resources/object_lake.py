"""A lake in object storage (`LAKE_URL=s3://bucket/prefix`), mirrored on each host.

Object storage is the lake every host shares; each host works on a mirror of it in its own
`WAREHOUSE_DIR/lake` (same layout), so the lake's code, the warehouse build and dbt read local
Parquet files as they do without a `LAKE_URL`, and DuckDB needs no `httpfs` (which cannot be
downloaded here) nor an fsspec filesystem (which reads every file over the network at every
build; the mirror fetches a file once, then only when it changed).

- **The commit point is the upload.** A partition is written to the mirror, then uploaded as
  one object: readers of the bucket see the previous object or the new one, never a part.
  A run killed before the upload committed nothing; the next run fetches and lands that day
  again, as it would locally.
- **Read-modify-write under a lock every host sees** (`postgres.Database.lock`): before a
  partition is merged, the mirror takes the object's current version, whatever the mirror had.
- **Pulls** (when a step opens the lake) download objects that are new or changed, by size and
  modification time, and remove mirrored files whose object is gone (quarantined by another
  host). A write is uploaded before it takes its place in the mirror, so the mirror never
  holds a write the bucket does not (a footer there is a commit). `.mirror.json` remembers
  what was seen.
- **Exact with a shared database.** Object times have one-second resolution: another host's
  rewrite of an object, in the second this host wrote or read it and of the same size, looks
  unchanged in a listing. With `PIPELINE_DATABASE_URL`, every upload then sets a new version
  token for its key (`postgres.ObjectVersions`), read before each listing: a mirrored file
  whose token moved is fetched again. Without it, one host writes the lake, and a recent
  download is taken again as a precaution.

Credentials come from the standard variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
`AWS_REGION`, `AWS_ENDPOINT_URL` for a non-AWS endpoint), read by Arrow itself: they are never
passed through the pipeline's configuration, logs or metadata.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Protocol

import pyarrow.fs as pafs

MANIFEST = ".mirror.json"
# Local-only helpers, and the published warehouse (each host builds its own; readers elsewhere
# download it themselves): never pulled.
SKIPPED = ("_locks/", "published/")
SIZE, MTIME, CHECKED_AT, LOCAL_SIZE, PUSHED, VERSION = range(6)  # a manifest entry's fields


class Versions(Protocol):
    def read(self, prefix: str) -> dict[str, str]: ...
    def get(self, key: str) -> str | None: ...
    def set(self, key: str, version: str) -> None: ...


def object_filesystem() -> pafs.S3FileSystem:
    endpoint = os.environ.get("AWS_ENDPOINT_URL") or None
    scheme = "https"
    if endpoint and "://" in endpoint:
        scheme, endpoint = endpoint.split("://", 1)
    return pafs.S3FileSystem(endpoint_override=endpoint, scheme=scheme,
                             region=os.environ.get("AWS_REGION")
                             or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
                             allow_bucket_creation=True, connect_timeout=5,
                             request_timeout=60)


class ObjectMirror:
    """`local` mirrors `url` (`s3://bucket/prefix`); one per pair in a process (`get`)."""

    _instances: dict[tuple[str, Path], ObjectMirror] = {}
    _instances_lock = threading.Lock()

    def __init__(self, url: str, local: Path, filesystem: pafs.FileSystem | None = None,
                 versions: Versions | None = None) -> None:
        self.base = url.split("://", 1)[1].strip("/")
        self.local = local
        self.fs = filesystem or object_filesystem()
        self.versions = versions
        self._lock, self._pull_lock = threading.Lock(), threading.Lock()
        self._manifest_path = local / MANIFEST
        try:
            self._seen: dict[str, list] = json.loads(self._manifest_path.read_text())
        except (FileNotFoundError, ValueError):
            self._seen = {}

    @classmethod
    def get(cls, url: str, local: Path, versions: Versions | None = None) -> ObjectMirror:
        with cls._instances_lock:
            if (url, local) not in cls._instances:
                cls._instances[(url, local)] = cls(url, local, versions=versions)
            return cls._instances[(url, local)]

    def key(self, path: Path) -> str:
        return f"{self.base}/{path.relative_to(self.local).as_posix()}"

    def _path(self, key: str) -> Path:
        return self.local / key.removeprefix(self.base + "/")

    def check(self) -> None:
        """Raises when the bucket cannot be reached or listed (a settings check)."""
        self.fs.get_file_info(pafs.FileSelector(self.base, recursive=False,
                                                allow_not_found=True))

    def pull(self) -> int:
        """Bring the mirror up to date; returns how many files were downloaded."""
        with self._pull_lock:
            listed_at = time.time()
            # Tokens before the listing: a token read is never newer than the object listed.
            versions = self.versions.read(self.base + "/") if self.versions else {}
            remote = {info.path: info for info in self.fs.get_file_info(
                pafs.FileSelector(self.base, recursive=True, allow_not_found=True))
                if info.type == pafs.FileType.File}
            fetched = 0
            for key, info in remote.items():
                if self._stale(key, info, versions.get(key)):
                    self._download(key, info, versions.get(key))
                    fetched += 1
            with self._lock:  # uploaded after the listing began: not gone, only new
                gone = [k for k, seen in self._seen.items()
                        if k not in remote and seen[CHECKED_AT] < listed_at]
            for key in gone:
                self._forget(key)
            self._save()
            return fetched

    def refresh(self, path: Path) -> None:
        """The object's current version in the mirror (under the caller's lock), or no file
        if there is no object."""
        key = self.key(path)
        version = self.versions.get(key) if self.versions else None
        info = self.fs.get_file_info(key)
        if info.type == pafs.FileType.File:
            self._download(key, info, version)
        else:
            path.unlink(missing_ok=True)
            with self._lock:
                self._seen.pop(key, None)

    def push(self, source: Path, path: Path) -> None:
        """Upload the complete file `source` as the object of `path` (where it is about to
        be renamed, or already is): the commit point of a write."""
        key = self.key(path)
        data = source.read_bytes()
        with self.fs.open_output_stream(key) as out:
            out.write(data)
        version = uuid.uuid4().hex
        if self.versions:  # after the upload: a token never names an object not yet there
            self.versions.set(key, version)
        self._record(key, self.fs.get_file_info(key), len(data), pushed=True, version=version)

    def delete(self, path: Path) -> None:
        key = self.key(path)
        with contextlib.suppress(FileNotFoundError):
            self.fs.delete_file(key)
        with self._lock:
            self._seen.pop(key, None)

    def upload(self, path: Path, name: str) -> None:
        """A file from elsewhere, as `<prefix>/<name>` (one object: readers see all of it)."""
        with self.fs.open_output_stream(f"{self.base}/{name}") as out:
            out.write(path.read_bytes())

    def _stale(self, key: str, info: pafs.FileInfo, version: str | None) -> bool:
        if any(key.startswith(f"{self.base}/{skip}") for skip in SKIPPED):
            return False
        with self._lock:
            seen = self._seen.get(key)
        if seen is None or len(seen) != 6 or not self._path(key).exists():
            return True
        if info.size != seen[SIZE] or info.mtime_ns != seen[MTIME]:
            return True
        if version is not None:
            return version != seen[VERSION]
        checked_at, pushed = seen[CHECKED_AT], seen[PUSHED]
        # No token (no shared database, so no other host writes): an object rewritten in the
        # second this host downloaded it would look unchanged, so such a recent download is
        # taken again. An object this host uploaded is what it wrote. (A merge always takes
        # the current object under the partition's lock: no write is ever lost either way.)
        return not pushed and info.mtime_ns / 1e9 >= checked_at - 1.0

    def _download(self, key: str, info: pafs.FileInfo, version: str | None = None) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".{target.name}.{os.getpid()}.{threading.get_ident()}.pull"
        try:
            with self.fs.open_input_stream(key) as source:
                tmp.write_bytes(source.read())
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        self._record(key, info, target.stat().st_size, version=version)

    def _record(self, key: str, info: pafs.FileInfo, size: int, pushed: bool = False,
                version: str | None = None) -> None:
        with self._lock:
            self._seen[key] = [info.size, info.mtime_ns, time.time(), size, int(pushed),
                               version]

    def _forget(self, key: str) -> None:
        """The object is gone (moved to quarantine by another host): so is the mirror's file.
        Files here are always ones the bucket held (a write is uploaded before it lands
        here), so nothing uncommitted is lost."""
        with self._lock:
            self._seen.pop(key, None)
        self._path(key).unlink(missing_ok=True)

    def _save(self) -> None:
        with self._lock:
            text = json.dumps(self._seen)
        self.local.mkdir(parents=True, exist_ok=True)
        tmp = self._manifest_path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text)
        os.replace(tmp, self._manifest_path)
