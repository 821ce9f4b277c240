"""Waiting for a child's exit: woken by the exit itself, bounded by the timeout."""

import signal
import subprocess
import sys

from sinkmatrix.stack.processes import exited

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
STUBBORN = [sys.executable, "-c", "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "print('ready', flush=True); time.sleep(60)"]


def test_a_process_that_ends_is_seen_ended():
    process = subprocess.Popen(SLEEPER)
    process.terminate()
    assert exited(process, timeout=30)
    assert process.returncode == -signal.SIGTERM


def test_a_process_that_ignores_sigterm_is_still_running_at_the_timeout():
    process = subprocess.Popen(STUBBORN, stdout=subprocess.PIPE)
    try:
        assert process.stdout is not None and process.stdout.readline() == b"ready\n"
        process.terminate()
        assert not exited(process, timeout=0.2)
        assert process.returncode is None
    finally:
        process.kill()
        process.wait()


def test_an_already_reaped_process_counts_as_ended():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    assert exited(process, timeout=0)
