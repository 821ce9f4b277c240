"""Which clients a Kafka broker serves, as the broker itself counts them.

A broker keeps produce and fetch metrics per client id once client quotas are in force (with none,
Kafka 3.x/4.x keep one unlabelled sensor). `account_by_client_id` sets an effectively unlimited
default quota per client id (AlterClientQuotas through kafka-python: confluent-kafka's AdminClient
has no client-quota call), which throttles nobody and makes the broker label what it serves;
`producer_client_ids` then reads the labels from the broker's JMX beans through a Jolokia agent
(Maven Central's `jolokia-agent-jvm`) attached to the running broker, over HTTP on 127.0.0.1.

Both are for tests that ask who produced to the broker (a Kafka Connect connector's own producer,
say); nothing here runs on a case that does not ask.
"""

from __future__ import annotations

import json
import re
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Protocol

from sinkmatrix.stack import jvm
from sinkmatrix.stack.errors import StackError
from sinkmatrix.stack.maven import Component, resolve
from sinkmatrix.stack.ports import LOOPBACK, free_port

JOLOKIA = Component("jolokia-2.2.9", ("org.jolokia:jolokia-agent-jvm:2.2.9:javaagent",))
UNLIMITED = 1e15  # bytes a second: a quota no test reaches
_ATTACH_TIMEOUT = 30.0


class Broker(Protocol):
    @property
    def bootstrap(self) -> str: ...

    @property
    def pid(self) -> int: ...


def account_by_client_id(broker: Broker, timeout: float = 10.0) -> None:
    """Make the broker keep its metrics per client id from the next request on (a default quota
    per client id, far above any rate here)."""
    try:
        from kafka.net.compat import KafkaNetClient
        from kafka.protocol.admin.client_quotas import AlterClientQuotasRequest as Alter
    except ImportError as missing:  # pragma: no cover - a dependency of the package
        raise StackError(f"counting a broker's clients needs kafka-python 3.0 ({missing}): "
                         "`pip install 'kafka-python>=3.0,<3.1'`") from missing
    client = KafkaNetClient(bootstrap_servers=broker.bootstrap, request_timeout_ms=int(timeout * 1000))
    try:
        client.check_version(timeout_ms=int(timeout * 1000))
        default = Alter.EntryData.EntityData(entity_type="client-id", entity_name=None)
        entry = Alter.EntryData(entity=[default],
                                ops=[Alter.EntryData.OpData(key=key, value=UNLIMITED, remove=False)
                                     for key in ("producer_byte_rate", "consumer_byte_rate")])
        node = client.least_loaded_node()
        answer = client.send_and_receive(node, Alter(entries=[entry], validate_only=False),
                                         timeout_ms=int(timeout * 1000))
    except Exception as error:  # kafka-python's errors, a broker that does not answer
        raise StackError(f"the broker at {broker.bootstrap} refused a default client quota: "
                         f"{error}") from error
    finally:
        client.close()
    refused = [e.error_message or f"error {e.error_code}" for e in answer.entries if e.error_code]
    if refused:
        raise StackError(f"the broker at {broker.bootstrap} refused a default client quota: {refused[0]}")


def producer_client_ids(broker: Broker) -> set[str]:
    """The client ids the broker has served produce requests from since `account_by_client_id`."""
    names = _search(broker, "kafka.server:type=Produce,client-id=*,*")
    names += _search(broker, "kafka.server:type=Produce,client-id=*")
    return {_unquoted(match.group(1)) for name in names
            if (match := _CLIENT_ID.search(name)) is not None and match.group(1)}


_CLIENT_ID = re.compile(r'[:,]client-id=("(?:[^"\\]|\\.)*"|[^,]*)')


def _unquoted(value: str) -> str:
    """A JMX object name's value, unquoted (a client id with `+` or `,` in it arrives as "...")."""
    if len(value) < 2 or not (value.startswith('"') and value.endswith('"')):
        return value
    out, chars = [], iter(value[1:-1])
    for char in chars:
        if char == "\\":
            escaped = next(chars, "")
            out.append("\n" if escaped == "n" else escaped)
        else:
            out.append(char)
    return "".join(out)


_agents: dict[int, int] = {}  # broker pid → the port its Jolokia agent listens on


def _search(broker: Broker, pattern: str) -> list[str]:
    port = _agents.get(broker.pid) or _attach(broker.pid)
    url = f"http://{LOOPBACK}:{port}/jolokia/search/{pattern}"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            answer: dict[str, Any] = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise StackError(f"the broker's Jolokia agent at {url} did not answer: {error}") from error
    if answer.get("status") != 200:
        raise StackError(f"the broker's Jolokia agent refused {pattern}: {answer.get('error')}")
    return [str(name) for name in answer.get("value", [])]


def _attach(pid: int) -> int:
    """Load the Jolokia agent into the running JVM (the JDK's attach API), listening on a free port."""
    agent = next(iter(sorted(Path(resolve(JOLOKIA)).glob("jolokia-agent-jvm-*javaagent.jar"))), None)
    if agent is None:
        raise StackError(f"no Jolokia agent jar among {resolve(JOLOKIA)}")
    port = free_port()
    argv = [jvm.java(), "-jar", str(agent), "--host", LOOPBACK, "--port", str(port), "start", str(pid)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=_ATTACH_TIMEOUT, check=False)
    if done.returncode != 0:  # an agent already in that JVM (attached by another process) answers too
        running = subprocess.run([jvm.java(), "-jar", str(agent), "status", str(pid)], capture_output=True,
                                 text=True, timeout=_ATTACH_TIMEOUT, check=False)
        found = _AGENT_URL.search(running.stdout)
        if found is None:
            raise StackError(f"attaching Jolokia to the broker (pid {pid}) failed: "
                             f"{(done.stdout + done.stderr).strip()[-600:]}")
        port = int(found.group(1))
    _agents[pid] = port
    return port


_AGENT_URL = re.compile(r"http://127\.0\.0\.1:(\d+)/jolokia/")
