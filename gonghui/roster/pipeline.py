"""A roster's rows made ready for the database, one chunk at a time: read → check → blind index → encrypt.

An import is two kinds of work: this one (pure Python, tens of µs a row) and the database's (the write and
its indexes). With a core to spare, `prepared_chunks` runs this part in a forked worker process, so that
preparing chunk n+1 overlaps writing chunk n (research/performance-anchors.md §3.1: the parts reach raw
COPY's neighbourhood only when overlapped). The worker touches no database connection and commits nothing:
the checkpoint stays with the process that writes, so a kill at any point loses at most uncommitted work.
The worker dies with its parent (PR_SET_PDEATHSIG) and is killed when the import stops for any reason.
"""
import ctypes
import multiprocessing
import os
import pickle
import queue as queues
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field

from gonghui.roster.parsing import Roster
from gonghui.roster.validation import Candidate, Refusal, RowChecker
from gonghui.roster.writing import RowMaker

# A worker pays for itself once the file has a few chunks; tiny files stay in one process.
PARALLEL_MIN_ROWS = 2000
# Chunks the worker may run ahead of the writer: bounds the memory they hold (a 5,000-row chunk ≈ 3 MB).
AHEAD = 3
_PR_SET_PDEATHSIG = 1


@dataclass
class Prepared:
    """One chunk: `size` data rows (blank ones included), ending at data row `rows_done` of the file."""

    rows_done: int
    size: int
    last_row: int  # spreadsheet row number of the chunk's last row
    refusals: list[Refusal] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)  # per candidate: id_number_hash
    numbers: list[int] = field(default_factory=list)  # per candidate: its spreadsheet row
    rows: list[list] = field(default_factory=list)  # per candidate: RowMaker row


def use_worker(rows_total: int) -> bool:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return cores > 1 and rows_total >= PARALLEL_MIN_ROWS and "fork" in multiprocessing.get_all_start_methods()


def prepared_chunks(roster: Roster, checker: RowChecker, maker: RowMaker, *, start: int, chunk_size: int,
                    parallel: bool) -> Iterator[Prepared]:
    """The file's chunks after data row `start` (rows before it only replayed into the duplicate check)."""
    if not parallel:
        yield from _chunks(roster, checker, maker, start=start, chunk_size=chunk_size)
        return
    context = multiprocessing.get_context("fork")
    channel = context.Queue(maxsize=AHEAD)
    worker = context.Process(target=_work, name="roster-prepare", daemon=True,
                             args=(channel, roster, checker, maker, start, chunk_size, os.getpid()))
    worker.start()
    finished = False  # the worker sent its end marker
    try:
        while True:
            try:
                item = channel.get(timeout=1.0)
            except queues.Empty:
                if worker.is_alive():
                    continue
                try:
                    item = channel.get(timeout=1.0)  # what it sent just before it ended
                except queues.Empty:
                    raise RuntimeError(f"花名册预处理进程意外退出（退出码 {worker.exitcode}）") from None
            if item is None:
                finished = True
                return
            if isinstance(item, _Failure):
                raise item.error()
            yield item
    finally:
        worker.join(timeout=5 if finished else 0)  # after the end marker it is only closing its pipe
        if worker.is_alive():
            worker.kill()
        worker.join()
        channel.cancel_join_thread()
        channel.close()


def _chunks(roster: Roster, checker: RowChecker, maker: RowMaker, *, start: int,
            chunk_size: int) -> Iterator[Prepared]:
    chunk = None
    index = -1
    for index, (number, cells) in enumerate(roster.data_rows()):
        if index < start:
            checker.remember(number, cells)
            continue
        if chunk is None:
            chunk = Prepared(rows_done=0, size=0, last_row=0)
            maker.stamp()
        outcome = checker.check(number, cells)
        if isinstance(outcome, Candidate):
            chunk.hashes.append(outcome.id_hash)
            chunk.numbers.append(number)
            chunk.rows.append(maker.make(outcome.values, id_value=outcome.id_value, id_hash=outcome.id_hash,
                                         phone=outcome.phone))
        elif outcome is not None:
            chunk.refusals.append(outcome)
        chunk.size += 1
        if chunk.size >= chunk_size:
            chunk.rows_done, chunk.last_row = index + 1, number
            yield chunk
            chunk = None
    if chunk is not None:
        chunk.rows_done, chunk.last_row = index + 1, number
        yield chunk


class _Failure:
    """An exception raised in the worker, carried back to be raised where the import runs."""

    def __init__(self, exc: BaseException):
        try:
            self.pickled = pickle.dumps(exc)
            pickle.loads(self.pickled)
        except Exception:
            self.pickled = pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))

    def error(self) -> BaseException:
        return pickle.loads(self.pickled)


def _work(channel, roster, checker, maker, start, chunk_size, parent: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (AttributeError, OSError):  # not Linux: the parent kills us in its `finally`
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        for chunk in _chunks(roster, checker, maker, start=start, chunk_size=chunk_size):
            channel.put(chunk)
        channel.put(None)
    except BaseException as exc:  # noqa: BLE001 — everything goes back to the parent
        channel.put(_Failure(exc))
    channel.close()
    channel.join_thread()
