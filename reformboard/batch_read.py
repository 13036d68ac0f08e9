"""Reading a batch of workbooks on every core: child processes read and check the files, and derive what
is stored with an accepted one (checks.stored.derive), while the caller stores each one as soon as it
and every file before it are read, so results keep file order."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Generator
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

from checks.campaign import Campaign
from checks.rulebook import Rulebook
from checks.stored import Derived, derive
from loaders.limits import Limits
from loaders.workbook import LoadResult, read_workbook

_job: tuple[Rulebook, Campaign, date, Limits]  # what every file of the batch is read with, set once per child
Read = tuple[bytes, LoadResult, Derived | None]  # a file's bytes, what reading them found, what was derived


def cores() -> int:
    """The cores this process may run on (the default number of reading children)."""
    return len(os.sched_getaffinity(0))


def read_files(
    paths: list[Path], rulebook: Rulebook, campaign: Campaign, day: date, limits: Limits, jobs: int
) -> Generator[Read]:
    """Each file read as of `day`, in the order of `paths`."""
    _remember(rulebook, campaign, day, limits)
    if jobs <= 1 or len(paths) <= 1:
        yield from map(_read, paths)
        return
    # fork: a child starts with everything imported (spawned ones import the app again, about a second
    # each); the caller holds no database connection open meanwhile (see reformboard.commands.load)
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(jobs, context, initializer=_remember, initargs=(rulebook, campaign, day, limits))
    try:
        yield from pool.map(_read, paths)
    finally:  # the caller stopped early (an error): files not yet read are not read at all
        pool.shutdown(cancel_futures=True)


def _remember(rulebook: Rulebook, campaign: Campaign, day: date, limits: Limits) -> None:
    global _job
    _job = (rulebook, campaign, day, limits)


def _read(path: Path) -> Read:
    rulebook, campaign, day, limits = _job
    data = path.read_bytes()
    result = read_workbook(data, path.name, rulebook, today=day, limits=limits)
    derived = None if result.report is None else derive(result.report, rulebook, campaign, day)
    return data, result, derived
