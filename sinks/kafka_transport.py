"""The Kafka transport's outages as a reader sees them: which client errors mean "the broker is not
answering now" (killed, paused, restarting) rather than a broken pipeline, and how a view words the
outage so a wait that ends during one blames the transport, not the CDC."""

from __future__ import annotations

import logging
import threading
import time

from confluent_kafka import KafkaError, KafkaException


class _Quiet(logging.LoggerAdapter):  # type: ignore[type-arg,unused-ignore]
    """librdkafka's own lines at debug: a broker taken away on purpose makes it report every failed
    connect at error level, which is the outage the view words itself (sinks.kafka_transport.Outage)."""

    def log(self, level: int, msg: object, *args: object, **kwargs: object) -> None:
        self.logger.log(logging.DEBUG, msg, *args)


CLIENT_LOG = _Quiet(logging.getLogger("sinks.kafka_client"), {})  # librdkafka's own log lines
RETRY_BACKOFF = 0.1  # seconds between a failed request to an absent broker and the next

_UNANSWERED = frozenset({
    KafkaError._TRANSPORT, KafkaError._ALL_BROKERS_DOWN, KafkaError._TIMED_OUT,
    KafkaError._RESOLVE, KafkaError._WAIT_COORD, KafkaError.REQUEST_TIMED_OUT,
    KafkaError.BROKER_NOT_AVAILABLE, KafkaError.LEADER_NOT_AVAILABLE,
    KafkaError.NOT_LEADER_FOR_PARTITION, KafkaError.NOT_COORDINATOR,
    KafkaError.COORDINATOR_NOT_AVAILABLE, KafkaError.COORDINATOR_LOAD_IN_PROGRESS,
    KafkaError.NETWORK_EXCEPTION, KafkaError.UNKNOWN_TOPIC_OR_PART,
    KafkaError._NOENT,  # "No leaders found": a broker just started again has not elected them yet
    # a broker back from a pause or a restart can answer before its metadata caught up with the
    # client's: "Leader epoch is newer than broker epoch" passes once it has
    KafkaError.UNKNOWN_LEADER_EPOCH, KafkaError.FENCED_LEADER_EPOCH, KafkaError.OFFSET_NOT_AVAILABLE,
})


def transient(exc: KafkaException) -> bool:
    """Whether a client's error says the broker did not answer (worth asking again), not that the
    request itself is wrong."""
    error = exc.args[0] if exc.args else None
    if not isinstance(error, KafkaError):
        return False
    return error.code() in _UNANSWERED or bool(error.retriable())


class TransportDown(Exception):
    """The broker did not answer until the deadline: a transport outage, not lost changes."""


class Outage:
    """Since when the broker has not answered, and its last words; cleared by an answer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._since: float | None = None
        self._last = ""
        self.count = 0  # outages seen in this view's life

    def note(self, exc: KafkaException) -> None:
        with self._lock:
            if self._since is None:
                self._since = time.monotonic()
                self.count += 1
            self._last = str(exc.args[0].str() if exc.args and isinstance(exc.args[0], KafkaError) else exc)

    def clear(self) -> None:
        with self._lock:
            self._since = None

    def describe(self, bootstrap: str, *, current: bool = False) -> str | None:
        """The outage in words (None with `current` when the broker answers)."""
        with self._lock:
            if self._since is None:
                return None if current else f"the Kafka broker at {bootstrap} did not answer"
            down = time.monotonic() - self._since
            return (f"the Kafka broker at {bootstrap} has not answered for {down:.1f}s ({self._last}): "
                    "a transport outage, not changes the CDC lost")
