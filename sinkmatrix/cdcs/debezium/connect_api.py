"""Kafka Connect's REST API for one connector, and progress through Connect: what the compose and
embedded Debezium-on-Connect runs share."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from sinkmatrix.cdcs.debezium import connector
from sinkmatrix.cdcs.debezium.feed import BEAT, BEATS
from sinkmatrix.stack.errors import StackError

_POLL_FIRST, _POLL_MAX = 0.005, 0.2


class ConnectProgress:
    """Beats through Kafka Connect, counted on their topic: a pipeline that has read past a mark."""

    exact = False

    def __init__(self, upstream: Any, bootstrap: str, connect: ConnectApi) -> None:
        from confluent_kafka import TopicPartition
        from confluent_kafka.admin import AdminClient

        self.upstream, self.connect = upstream, connect
        self._admin = AdminClient({"bootstrap.servers": bootstrap})
        self._topic = f"{connector.TOPIC_PREFIX}.{BEATS}.beat"
        self._partition = TopicPartition
        self._seen = 0
        self._closed = threading.Event()

    def _beats(self) -> int:
        from confluent_kafka.admin import OffsetSpec

        meta = self._admin.list_topics(self._topic, timeout=10).topics.get(self._topic)
        if meta is None or meta.error is not None:
            return 0
        asks = {self._partition(self._topic, p): OffsetSpec.latest() for p in meta.partitions}
        total = sum(f.result().offset for f in self._admin.list_offsets(asks).values())
        if total != self._seen:
            self._seen = total
        return total

    def mark(self) -> int:
        before = self._beats()
        self.upstream.execute(BEAT)
        return before

    def wait_past(self, mark: int, deadline: float) -> bool:
        pause = _POLL_FIRST
        while self._beats() <= mark:
            if self.failure() or time.monotonic() + pause > deadline:
                return False
            self._closed.wait(pause)  # Kafka Connect pushes nothing to clients: poll, backing off
            pause = min(pause * 2, _POLL_MAX)
        return True

    def current(self) -> int:
        return self._beats()

    def wait_change(self, seen: int, deadline: float) -> int:
        self.wait_past(seen, deadline)
        return self._seen

    def describe(self) -> str:
        return f"{self._seen} beats through Kafka Connect; connector {self.connect.state()}"

    def failure(self) -> str | None:
        return self.connect.failure()

    def diagnose(self, mark: int, since: float) -> str | None:
        return None

    def downtime(self, since: float) -> float:
        return 0.0  # Kafka Connect restarts its tasks unseen from here

    def restarts(self) -> list[float]:
        return []

    def close(self) -> None:
        self._closed.set()


class ConnectApi:
    """The cell's connector in Kafka Connect's REST API."""

    def __init__(self, base: str, name: str) -> None:
        self.base, self.name = base, name

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                text = answer.read()
        except urllib.error.HTTPError as exc:
            raise StackError(f"Kafka Connect {method} {path}: {exc.code} {exc.read()[:500]!r}") from None
        except OSError as exc:
            raise StackError(f"Kafka Connect at {self.base} did not answer: {exc}") from None
        return json.loads(text) if text else None

    def status(self) -> dict[str, Any]:
        return self.call("GET", f"/connectors/{self.name}/status")

    def state(self) -> str:
        try:
            return str(self.status()["connector"]["state"])
        except StackError as exc:
            return f"unknown ({exc})"

    def failure(self) -> str | None:
        try:
            status = self.status()
        except StackError:
            return None
        for part in [status["connector"], *status.get("tasks", [])]:
            if part.get("state") == "FAILED":
                return f"Debezium's connector failed: {causes(str(part.get('trace', '')))}"
        return None


def causes(trace: str, most: int = 600) -> str:
    """A Java stack trace as what happened: its first line and every `Caused by:`, each cut at `most`
    characters (a schema in a message), the frames left out (the worker's log in the failure bundle
    has them all)."""
    lines = trace.splitlines()
    kept = [lines[0]] if lines else []
    kept += [line.strip() for line in lines[1:] if line.lstrip().startswith("Caused by:")]
    return " <- ".join(line if len(line) <= most else line[:most] + " …" for line in kept)


def wait_running(api: ConnectApi, timeout: float, alive: Callable[[], str | None] = lambda: None) -> None:
    """Block until the connector and its tasks run; StackError with Connect's own words if one
    failed, or with `alive()`'s if the worker died meanwhile."""
    deadline, pause = time.monotonic() + timeout, _POLL_FIRST
    waiter = threading.Event()
    while True:
        status = api.status() if _exists(api) else {}
        tasks = [t.get("state") for t in status.get("tasks", [])]
        states = [status.get("connector", {}).get("state"), *tasks]
        if states and all(s == "RUNNING" for s in states) and len(states) > 1:
            return
        if failure := api.failure() or alive():
            raise StackError(failure)
        if time.monotonic() + pause > deadline:
            raise StackError(f"the connector did not run within {timeout:g}s: {status}")
        waiter.wait(pause)  # Connect's REST API pushes nothing: poll, backing off
        pause = min(pause * 2, _POLL_MAX)


def _exists(api: ConnectApi) -> bool:
    try:
        api.status()
    except StackError:
        return False
    return True
