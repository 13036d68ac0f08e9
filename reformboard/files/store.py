"""The file store: a document's bytes kept once per content, named by their SHA-256, in a directory.

The directory is under the data directory by default, or a shared volume when several replicas serve
the board (REFORMBOARD_FILE_STORE). Rows in the database name files by hash; nothing here knows them.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from checks.errors import DomainError

_HASH = re.compile(r"[0-9a-f]{64}")


class StoredFileMissing(DomainError):
    """A row names a file the store does not hold (or holds altered)."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if not _HASH.fullmatch(sha256):  # a hash from a row only, never a path from anyone
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store `data` (once: the same bytes again are already there) and return its hash."""
        sha256 = sha256_of(data)
        target = self.path(sha256)
        if target.is_file():
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside its place and renamed: a reader never sees half a file, two writers never clash.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return sha256

    def get(self, sha256: str) -> bytes:
        """The bytes, checked against their hash."""
        try:
            data = self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise StoredFileMissing(
                f"文件库中缺少文件 {sha256[:12]}，请联系管理员运行 reformboard check-files"
            ) from None
        if sha256_of(data) != sha256:
            raise StoredFileMissing(f"文件库中的文件 {sha256[:12]} 已损坏，请联系管理员运行 reformboard check-files")
        return data

    def hashes(self) -> Iterator[str]:
        """Every file the store holds (half-written ones excluded)."""
        if self.root.is_dir():
            for path in sorted(self.root.glob("??/*")):
                if _HASH.fullmatch(path.name):
                    yield path.name

    def is_intact(self, sha256: str) -> bool | None:
        """True when present and matching its hash, False when altered, None when missing."""
        path = self.path(sha256)
        if not path.is_file():
            return None
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            while chunk := stream.read(1024 * 1024):
                digest.update(chunk)
        return digest.hexdigest() == sha256
