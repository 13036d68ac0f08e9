"""Compare the file store with the rows naming its files (what `reformboard check-files` reports)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from reformboard.files.store import FileStore
from tenants.documents import named_files


@dataclass(frozen=True)
class StoreReport:
    named: int  # distinct files the rows name
    missing: dict[str, list[int]] = field(default_factory=dict)  # hash -> ids of rows naming it
    corrupt: dict[str, list[int]] = field(default_factory=dict)  # present, but its bytes no longer hash to it
    unnamed: list[str] = field(default_factory=list)  # in the store, named by no row

    @property
    def ok(self) -> bool:
        """No row is let down; an unnamed file is only clutter (e.g. a row rolled back after its file was kept)."""
        return not self.missing and not self.corrupt


def check_files(session: Session, store: FileStore) -> StoreReport:
    named = named_files(session)
    report = StoreReport(named=len(named), unnamed=[sha for sha in store.hashes() if sha not in named])
    for sha256, ids in named.items():
        intact = store.is_intact(sha256)
        if intact is None:
            report.missing[sha256] = ids
        elif not intact:
            report.corrupt[sha256] = ids
    return report
