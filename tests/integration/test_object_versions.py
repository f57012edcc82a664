"""Two hosts' mirrors of one S3 lake: a rewrite that a listing cannot tell apart (same size, same
second) still reaches the other host, through the version token kept in the shared database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow.fs as pafs
import pytest

from resources.object_lake import ObjectMirror, object_filesystem
from resources.postgres import Database, ObjectVersions
from tests.integration.postgres import private_postgres
from tests.integration.s3 import moto_s3

URL = "s3://versions-bucket/lake"
SECOND = 1_700_000_000


@pytest.fixture(scope="module")
def shared() -> Iterator[ObjectVersions]:
    with moto_s3() as endpoint, private_postgres() as database_url, \
            pytest.MonkeyPatch.context() as patch:
        for name, value in {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "test",
                            "AWS_SECRET_ACCESS_KEY": "test"}.items():
            patch.setenv(name, value)
        object_filesystem().create_dir("versions-bucket")
        yield ObjectVersions(Database.get(database_url))


class _CoarseClock:
    """S3 gives object times to the second: this filesystem gives them all the same second,
    the worst case, whatever moto's own resolution."""

    def __init__(self) -> None:
        self.fs = object_filesystem()

    def get_file_info(self, what):  # type: ignore[no-untyped-def]
        found = self.fs.get_file_info(what)
        if isinstance(found, list):
            return [self._coarse(info) for info in found]
        return self._coarse(found)

    @staticmethod
    def _coarse(info: pafs.FileInfo) -> pafs.FileInfo:
        if info.type != pafs.FileType.File:
            return info
        return pafs.FileInfo(info.path, pafs.FileType.File, size=info.size, mtime=SECOND)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.fs, name)


def _write(mirror: ObjectMirror, relative: str, body: bytes) -> Path:
    path = mirror.local / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_suffix(".staged")
    staged.write_bytes(body)
    mirror.push(staged, path)
    staged.replace(path)
    return path


@pytest.mark.parametrize("with_tokens", [True, False])
def test_a_same_second_same_size_rewrite_reaches_the_other_host(
        shared: ObjectVersions, tmp_path: Path, with_tokens: bool) -> None:
    versions = shared if with_tokens else None
    a = ObjectMirror(URL, tmp_path / "a", _CoarseClock(), versions)  # type: ignore[arg-type]
    b = ObjectMirror(URL, tmp_path / "b", _CoarseClock(), versions)  # type: ignore[arg-type]
    name = f"raw/genway/interviews/day={'tok' if with_tokens else 'none'}/part.parquet"
    _write(b, name, b"version-1")  # host b wrote it: its manifest says 'mine, current'
    a.pull()
    assert (a.local / name).read_bytes() == b"version-1"
    a.refresh(a.local / name)  # a rewrites it under the partition's lock, same size
    _write(a, name, b"version-2")

    b.pull()
    if with_tokens:
        assert (b.local / name).read_bytes() == b"version-2"
    else:
        # Without a shared database there is no second writer to miss; the listing alone
        # cannot tell these versions apart, which is why several hosts need the tokens.
        assert (b.local / name).read_bytes() == b"version-1"
