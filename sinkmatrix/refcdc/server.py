"""The CDC server: binlog reader thread → queue → applier, checkpointing and publishing progress.

The reader decodes while the applier waits on the downstream, so the two overlap. When more
transactions are already queued, the applier merges them into one downstream commit (order kept;
DDL always alone) and checkpoints and publishes the merged end.
"""

from __future__ import annotations

import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

import structlog

from sinkmatrix.model.changes import DdlChange, Position, Transaction
from sinkmatrix.refcdc import checkpoint, control
from sinkmatrix.refcdc.appliers import Applier, open_applier
from sinkmatrix.refcdc.binlog import BinlogReader, Fragment, Item
from sinkmatrix.refcdc.config import Config
from sinkmatrix.refcdc.faults import CRASH_EXIT, Delivery, Faults
from sinkmatrix.refcdc.schemas import SchemaCache
from sinkmatrix.refcdc.status import READY_LINE, Status, StatusServer

log = structlog.get_logger(__name__)

_QUEUE_ITEMS = 256
_BATCH_ROWS = 20_000
_BATCH_ITEMS = 500
_LOG_EVERY = 5.0  # seconds between progress log lines


class Stopping(BaseException):
    """SIGTERM arrived while the applier was idle; unwinds to a clean exit."""


@dataclass(frozen=True, slots=True)
class _Failed:
    error: BaseException


def _size(item: Item) -> int:
    return len(item.changes) if isinstance(item, Transaction) else 0


def _alone(item: Item | _Failed) -> bool:
    """DDL commits downstream by itself, so it gets a batch (and a checkpoint) of its own; a
    fragment is applied at once, in the downstream transaction its end will commit."""
    return isinstance(item, _Failed | Fragment) or (
        isinstance(item, Transaction) and any(isinstance(c, DdlChange) for c in item.changes)
    )


class Server:
    def __init__(self, config: Config) -> None:
        self.config = config
        saved = checkpoint.read(config.checkpoint_path)
        self.start: Position = saved[0] if saved else config.start
        self.resumed = saved is not None
        self._resume_state = saved[1] if saved else None
        self.status = StatusServer(config.status_socket, Status("starting", self.start))
        self.faults = Faults(config.sink_type, config.sink.get("format"))
        self.control = control.ControlServer(control.socket_path(config.status_socket), self.faults)
        self._queue: queue.Queue[Item | _Failed] = queue.Queue(maxsize=_QUEUE_ITEMS)
        self._idle = False
        self._lagging = False
        self._read_end = self.start
        self._stop_requested = False
        self._txns = self._rows = 0
        self._logged_at = time.monotonic()

    def run(self) -> int:
        """Serve until SIGTERM (exit 0) or a fatal error (published as failed, exit 1)."""
        signal.signal(signal.SIGTERM, self._on_sigterm)
        log.info("starting", start=str(self.start), resumed=self.resumed,
                 sink=self.config.sink_type, databases=list(self.config.databases))
        schemas = SchemaCache(self.config.upstream)
        applier: Applier | None = None
        try:
            applier = open_applier(self.config.sink, resumed=self._resume_state, faults=self.faults)
            reader = BinlogReader(self.config, self.start, schemas)
            threading.Thread(target=self._read, args=(reader,), name="binlog", daemon=True).start()
            self._apply_loop(applier)
            return 0
        except Stopping:
            log.info("stopped by SIGTERM", position=str(self.status.status.position))
            return 0
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.error("failed", error=error, exc_info=True)
            self.status.publish(state="failed", error=error)
            print(f"refcdc failed: {error}", file=sys.stderr, flush=True)
            return 1
        finally:
            if applier is not None:
                applier.close()
            schemas.close()
            self.control.close()
            self.status.close()

    def _on_sigterm(self, signum: int, frame: FrameType | None) -> None:
        self._stop_requested = True
        if self._idle:
            raise Stopping()

    def _on_first_event(self) -> None:
        self.status.publish(state="streaming")
        print(READY_LINE, flush=True)
        log.info("streaming")

    def _read(self, reader: BinlogReader) -> None:
        try:
            for item in reader.items(on_first_event=self._on_first_event):
                self._queue.put(item)
                self._read_end = item.end if isinstance(item, Transaction) else item.position
                if self._lagging:  # a lagging sink still takes changes in: say how far
                    self.status.publish(received=self._read_end)
        except BaseException as exc:  # the applier reports it; this thread only hands it over
            self._queue.put(_Failed(exc))

    def _next(self) -> Item | _Failed:
        self._idle = True
        try:
            if self._stop_requested:
                raise Stopping()
            return self._queue.get()
        finally:
            self._idle = False

    def _apply_loop(self, applier: Applier) -> None:
        carry: Item | _Failed | None = None
        while not self._stop_requested:
            first = carry if carry is not None else self._next()
            carry = None
            batch = [first]
            rows = _size(first) if not isinstance(first, _Failed) else 0
            while not _alone(first) and rows < _BATCH_ROWS and len(batch) < _BATCH_ITEMS:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if _alone(more):
                    carry = more
                    break
                batch.append(more)
                rows += _size(more)  # type: ignore[arg-type]
            if isinstance(first, _Failed):
                raise first.error
            if isinstance(first, Fragment):
                # no commit, checkpoint or progress until its end
                changes = first.changes
                if self.faults.any:
                    part = Transaction(changes, first.position, first.started_at)
                    changes = tuple(c for t in self.faults.transactions([part]) for c in t.changes
                                    if not isinstance(c, DdlChange))
                applier.apply_part(changes, first.started_at)
                continue
            self._deliver(applier, batch, rows)  # type: ignore[arg-type]
        raise Stopping()

    def _deliver(self, applier: Applier, batch: list[Item], rows: int) -> None:
        txns = [item for item in batch if isinstance(item, Transaction)]
        last = batch[-1]
        end = last.end if isinstance(last, Transaction) else last.position
        fault = None
        if self.faults.any:
            fault = self.faults.delivery(txns)
            if fault is not None:
                self._misbehave(fault, end, applier)
            txns = self.faults.transactions(txns)
        for txn in txns:
            applier.apply(txn)
        if txns:
            applier.flush()
        if fault is not None and fault.action == "crash":
            self._crash("delivered a batch, dying before its checkpoint", end)
        if not (self.faults.any and self.faults.holding()):
            checkpoint.write(self.config.checkpoint_path, end, applier.state())
        self._txns += len(txns)
        self._rows += rows
        applied = {"applied_at": time.time()} if txns else {}
        self.status.publish(position=end, received=None, txns=self._txns, rows=self._rows, **applied)
        now = time.monotonic()
        if now - self._logged_at >= _LOG_EVERY:
            self._logged_at = now
            log.info("progress", position=str(end), txns=self._txns, rows=self._rows)


    # -- injected faults (sinkmatrix.refcdc.faults)

    def _misbehave(self, fault: Delivery, end: Position, applier: Applier) -> None:
        """Act out a delivery fault before the batch ending at `end` is applied."""
        if fault.action == "crash-lose":
            checkpoint.write(self.config.checkpoint_path, end, applier.state())
            self._crash("checkpointed a batch it never delivered", end)
        elif fault.action == "stall":
            log.warning("fault: stalled, delivering nothing while reporting itself streaming",
                        before=str(end))
            self._hold(lambda: self.faults.still("stall"), None)
        elif fault.action == "lag":
            self._lagging = True  # taken in now and after; the sink gets it `seconds` later
            self.status.publish(received=max(end, self._read_end))
            try:
                self._hold(lambda: self.faults.still("lag"), fault.seconds)
            finally:
                self._lagging = False

    def _hold(self, holding: Callable[[], bool], seconds: float | None) -> None:
        """Block while `holding()` (at most `seconds`); SIGTERM still stops the CDC meanwhile."""
        until = None if seconds is None else time.monotonic() + seconds
        self._idle = True
        try:
            with self.faults.changed:
                while holding() and not self._stop_requested:
                    left = None if until is None else until - time.monotonic()
                    if left is not None and left <= 0:
                        break
                    self.faults.changed.wait(left)
            if self._stop_requested:
                raise Stopping()
        finally:
            self._idle = False

    def _crash(self, what: str, end: Position) -> None:
        log.warning("fault: crashing", what=what, position=str(end))
        print(f"refcdc crashing on purpose (fault injection): {what} at {end}", file=sys.stderr,
              flush=True)
        os._exit(CRASH_EXIT)
