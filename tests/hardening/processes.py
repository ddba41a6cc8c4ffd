"""Real `tiaki` processes for the crash tests: started on the test database, killed with SIGKILL, restarted.

Each process runs in its own session (process group), so SIGKILL reaches gunicorn's master and workers at
once, as a power cut or an out-of-memory kill of the container would.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from http.cookies import SimpleCookie
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 120.0  # seconds; a readiness check, generous because the test machine is shared


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test database), for subprocesses."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user, password = urllib.parse.quote(db["USER"]), urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{user}:{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def tiaki_env(**extra: str) -> dict[str, str]:
    """The environment of a `tiaki` subprocess: this test's database, keys and data directory.

    The data directory is shared with the test process as it would be between the web servers and the
    worker of one installation: it holds the retention period keys (outside the database) and uploads.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIAKI_", "DJANGO_"))}
    env.update(
        {
            "TIAKI_DATA_DIR": str(settings.DATA_DIR),
            "TIAKI_DATABASE_URL": database_url(),
            "TIAKI_SECRET_KEY": settings.SECRET_KEY,
            "TIAKI_DATA_KEYS": json.dumps(settings.TIAKI_DATA_KEYS),
            "TIAKI_BLIND_INDEX_KEY": settings.TIAKI_BLIND_INDEX_KEY,
            "TIAKI_BACKUP_KEY": settings.TIAKI_BACKUP_KEY,
            "DJANGO_SETTINGS_MODULE": "tests.hardening.server_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            **extra,
        }
    )
    return env


def run_tiaki(env: dict[str, str], *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tiaki.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class Process:
    """A `tiaki` subprocess in its own process group, with its output in a log file."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._out: IO[bytes] = log.open("ab")
        self.popen = subprocess.Popen(
            argv, env=env, cwd=ROOT, stdout=self._out, stderr=subprocess.STDOUT, start_new_session=True
        )

    @classmethod
    def tiaki(cls, env: dict[str, str], log: Path, *args: str) -> Process:
        return cls([sys.executable, "-m", "tiaki.cli", *args], env, log)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        self._out.flush()
        return self.log.read_text(errors="replace")

    def kill9(self) -> None:
        """SIGKILL the whole process group (gunicorn's master and workers together) and reap the leader."""
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=30)
        self._out.close()

    def wait(self, timeout: float) -> int:
        code = self.popen.wait(timeout=timeout)
        self._out.close()
        return code

    def stopped(self) -> bool:
        """True once the kernel has stopped the process (state T after SIGSTOP)."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] in {"T", "t"}


def wait_until(
    condition: Callable[[], bool], *, what: str, process: Process, timeout: float = READY_TIMEOUT
) -> None:
    """Poll `condition` until true; fail early, with the process's output, if the process has died."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.popen.poll() is not None:
            raise AssertionError(
                f"process exited ({process.popen.returncode}) before {what}:\n{process.output()}"
            )
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n{process.output()}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def request(
    port: int,
    method: str,
    path: str,
    *,
    form: dict[str, str] | None = None,
    cookies: dict[str, str] | None = None,
    timeout: float = 60,
) -> tuple[int, dict[str, str], str]:
    """One HTTP request on a fresh connection; returns status, headers (cookies merged in) and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Host": "127.0.0.1"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        jar: dict[str, str] = {}
        for raw in response.headers.get_all("Set-Cookie") or []:
            jar.update({k: m.value for k, m in SimpleCookie(raw).items()})
        return response.status, jar, text
    finally:
        conn.close()


def healthy(port: int) -> bool:
    try:
        return request(port, "GET", "/healthz", timeout=5)[0] == 200
    except OSError:
        return False


def start_server(env: dict[str, str], log: Path, port: int) -> Process:
    """`tiaki serve` (gunicorn, two workers), returned once /healthz answers."""
    server = Process.tiaki(env, log, "serve", "--port", str(port), "--workers", "2", "--threads", "4")
    wait_until(lambda: healthy(port), what="the server to answer /healthz", process=server)
    return server


_HIDDEN = r'name="{name}" value="([^"]*)"'
RECEIPT = re.compile(r"data-receipt>(\d{4} \d{4} \d{4} \d{4})<")


def submit_tip(port: int, what: str) -> str | None:
    """Submit a public tip the way a browser does (form, CSRF, proof of work); the receipt, or None."""
    from tiaki.community import abuse

    status, cookies, page = request(port, "GET", "/en/report/")
    if status != 200:
        return None
    token = re.search(_HIDDEN.format(name="csrfmiddlewaretoken"), page)
    challenge = re.search(_HIDDEN.format(name="pow_challenge"), page)
    assert token and challenge, page[:500]
    form = {
        "csrfmiddlewaretoken": token.group(1),
        "what": what,
        "pow_challenge": challenge.group(1),
        "pow_nonce": abuse.pow_solve(challenge.group(1)),
    }
    status, _cookies, page = request(port, "POST", "/en/report/", form=form, cookies=cookies)
    found = RECEIPT.search(page) if status == 200 else None
    return found.group(1).replace(" ", "") if found else None


def read_receipt(port: int, receipt: str) -> str:
    """The reporter's thread page for `receipt`, fetched the way a returning reporter would."""
    status, cookies, page = request(port, "GET", "/en/report/receipt/")
    token = re.search(_HIDDEN.format(name="csrfmiddlewaretoken"), page)
    assert status == 200 and token
    status, _cookies, page = request(
        port,
        "POST",
        "/en/report/receipt/",
        form={"csrfmiddlewaretoken": token.group(1), "receipt": receipt},
        cookies=cookies,
    )
    assert status == 200
    return page


def kill_all(processes: list[Process]) -> None:
    """Test clean-up: nothing started here outlives the test."""
    for process in processes:
        if process.popen.poll() is None:
            process.kill9()


def freeze_mid_task(process: Process, task_path: str, *, after: int, timeout: float = 180) -> Any:
    """Stop a worker (SIGSTOP) at moments until one finds it inside a task of `task_path`, after at least
    `after` such tasks succeeded; return that task's result row, with the worker left stopped.

    Freezing first makes the kill land mid-task for certain: the state seen is the state killed.
    """
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult.objects.filter(task_path=task_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.popen.poll() is None, process.output()
        os.kill(process.pid, signal.SIGSTOP)
        wait_until(process.stopped, what="the worker to stop", process=process, timeout=10)
        done = tasks.filter(status=TaskResultStatus.SUCCESSFUL).count()
        running = tasks.filter(status=TaskResultStatus.RUNNING).first()
        if running is not None and done >= after:
            return running
        os.kill(process.pid, signal.SIGCONT)
        time.sleep(0.02)  # let it work a little before looking again
    raise AssertionError(f"never caught the worker inside a {task_path} task:\n{process.output()}")
