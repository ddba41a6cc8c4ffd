"""Load: 50 concurrent users against `tiaki serve` on PostgreSQL over loopback, beside a same-run baseline.

    uv run python benchmarks/load.py [--users 50] [--requests 10] [--people 5000] [--quick]

What it does, and cleans up at the end (also on Ctrl+C or SIGTERM):
1. starts a throwaway PostgreSQL cluster of its own on a free loopback port, with the server's default
   durability (fsync and synchronous commit on, unlike the test cluster) and password (SCRAM) login;
2. loads the demo partnership and a synthetic world (`tiaki demo --no-serve --people N`) with the
   *production* settings (TIAKI_ENV=production: secrets from the environment, secure cookies, HTTPS only);
3. starts `tiaki serve` (gunicorn, its default workers and threads for this machine). Requests carry
   `X-Forwarded-Proto: https`, as from the TLS-terminating proxy production runs behind;
4. signs staff in by creating their sessions directly (with the second factor marked verified, as after a
   TOTP login): a TOTP code is single-use, so 50 users of one demo account cannot all log in by form;
5. drives each scenario with N users in closed loops (each sends its next request when the previous one
   has answered), one scenario at a time:
   - baseline: `/healthz`, a trivial view (one `SELECT 1`) through the same middleware, same server;
   - report submission: the public form's POST with CSRF token and a solved proof of work. The site-wide
     tip limit (TIAKI_TIP_RATE_LIMIT, 60 per ten minutes by default) is raised *for this server only*;
     the proof of work and every other abuse control stay on. Challenges are issued and solved before
     the timed phase (a browser solves them while the reporter types);
   - triage queue: a liaison officer's report list; case page: a caseworker opening a case (audited);
   - link chart data: an analyst's `graph.json` for the visible entity with the most relations.
   The baseline runs first and again last, to show how much the shared machine drifted during the run.

No task worker runs: report screening is queued (that cost is measured) but not performed on these cores.
The client is a thread per user over keep-alive HTTP/1.1 connections (standard library only); it shares
the machine's cores with the server and PostgreSQL, so the figures are a floor for a dedicated server.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HOST = "localhost"  # in TIAKI_ALLOWED_HOSTS by default
# Demo accounts per scenario, in order of preference: the first that sees a case (or a relation) is used.
ROLES = {
    "triage": ("liaison.bangkok",),
    "case": ("caseworker.hanoi", "supervisor.hanoi", "shelter.maesot"),
    "graph": ("analyst", "liaison.bangkok", "police.bangkok"),
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- PostgreSQL ----------------------------------------------------------------------------------------


@contextlib.contextmanager
def postgres_cluster(directory: Path) -> Iterator[str]:
    """A fresh cluster in `directory`, stopped at exit; yields its database URL."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not bins:
        raise SystemExit("PostgreSQL server binaries not found; run scripts/system-deps.sh")
    pg_bin = bins[-1]
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []  # initdb refuses to run as root
    data = directory / "data"
    if as_root:
        shutil.chown(directory, "postgres", "postgres")
    password = secrets.token_urlsafe(16)
    pwfile = directory / "pw"
    pwfile.write_text(password)
    if as_root:
        shutil.chown(pwfile, "postgres", "postgres")
    port = _free_port()
    initdb = [str(pg_bin / "initdb"), "-D", str(data), "-U", "tiaki", f"--pwfile={pwfile}"]
    subprocess.run(
        [*prefix, *initdb, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"],
        check=True,
        capture_output=True,
    )
    pwfile.unlink()
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {directory}"
    ctl = [*prefix, str(pg_bin / "pg_ctl"), "-D", str(data)]
    subprocess.run(
        [*ctl, "-l", str(directory / "server.log"), "-w", "-t", "60", "-o", options, "start"],
        check=True,
        capture_output=True,
    )
    try:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={port} user=tiaki password={password} dbname=postgres", autocommit=True
        ) as admin:
            admin.execute("CREATE DATABASE tiaki")
        yield f"postgres://tiaki:{password}@127.0.0.1:{port}/tiaki"
    finally:
        stopped = subprocess.run([*ctl, "-m", "fast", "-w", "-t", "30", "stop"], capture_output=True)
        if stopped.returncode != 0:
            subprocess.run([*ctl, "-m", "immediate", "stop"], capture_output=True)


# --- the server ----------------------------------------------------------------------------------------


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def production_env(data_dir: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIAKI_", "DJANGO_"))}
    env.update(
        {
            "TIAKI_ENV": "production",
            "TIAKI_DATA_DIR": str(data_dir),
            "TIAKI_DATABASE_URL": database_url,
            "TIAKI_SECRET_KEY": secrets.token_urlsafe(50),
            "TIAKI_DATA_KEYS": json.dumps({"k1": _key()}),
            "TIAKI_BLIND_INDEX_KEY": _key(),
            "TIAKI_BACKUP_KEY": _key(),
            "TIAKI_LOG_LEVEL": "WARNING",
            # Benchmark only: the public tip limit would turn the benchmark away after 60 tips.
            "TIAKI_TIP_RATE_LIMIT": str(10**9),
        }
    )
    return env


@contextlib.contextmanager
def server(env: dict[str, str], port: int, options: list[str], log_file: Path) -> Iterator[None]:
    """`tiaki serve` in its own process group; terminated (then killed) at exit."""
    with log_file.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tiaki.cli", "serve", "--port", str(port), *options],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 300
            while not _healthy(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start:\n{log_file.read_text()[-3000:]}")
                time.sleep(0.2)
            yield
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _healthy(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/healthz", headers={"Host": HOST, "X-Forwarded-Proto": "https"})
        return conn.getresponse().status == 200
    except OSError:
        return False


def tiaki(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tiaki.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"tiaki {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


# --- preparation inside Django (run in a subprocess with the server's environment) ---------------------


def prepare(users: int, submissions: int) -> dict[str, Any]:
    """Sessions for each role's users, the case and entity to open, and solved proof-of-work challenges."""
    import django

    django.setup()
    from collections import Counter

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tiaki.accounts.models import User
    from tiaki.cases import selectors as cases_selectors
    from tiaki.community import abuse
    from tiaki.governance.policy import Denied
    from tiaki.intelligence import selectors as intelligence_selectors

    def verified(username: str) -> User | None:
        user = User.objects.filter(username=username).first()
        if user is not None:
            user.is_verified = lambda: True  # type: ignore[attr-defined] # its sessions carry the device
        return user

    def first_with(candidates: tuple[str, ...], found: Callable[[User], Any]) -> tuple[User, Any]:
        for username in candidates:
            user = verified(username)
            try:
                value = found(user) if user is not None else None
            except Denied:
                value = None
            if user is not None and value:
                return user, value
        raise SystemExit(f"none of the demo accounts {candidates} sees what the benchmark needs")

    def relation_degrees(user: User) -> Counter[int]:
        degree: Counter[int] = Counter()
        for pair in intelligence_selectors.relation_list(user=user).values_list("source_id", "target_id"):
            degree.update(pair)
        return degree

    people = {"triage": first_with(ROLES["triage"], lambda u: True)[0]}
    people["case"], case = first_with(
        ROLES["case"], lambda u: cases_selectors.case_list(user=u).order_by("pk").first()
    )
    people["graph"], degree = first_with(ROLES["graph"], relation_degrees)
    sessions: dict[str, list[str]] = {}
    for scenario, user in people.items():
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        keys: list[str] = []
        for _ in range(users):
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session["tiaki_session_started"] = time.time()
            session.save()
            keys.append(str(session.session_key))
        sessions[scenario] = keys
    entity, entity_degree = degree.most_common(1)[0]
    challenges = []
    for _ in range(submissions):
        challenge = abuse.challenge_issue()
        challenges.append((challenge, abuse.pow_solve(challenge)))
    return {
        "sessions": sessions,
        "case": case.pk,
        "entity": entity,
        "entity_degree": entity_degree,
        "accounts": {scenario: user.username for scenario, user in people.items()},
        "challenges": challenges,
    }


# --- the load ------------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)  # milliseconds, successful requests
    errors: int = 0
    elapsed: float = 0.0
    first_error: str = ""

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    cookies: dict[str, str]
    form: dict[str, str] | None = None
    expect: str = ""  # a substring a good answer contains


class User:
    """One simulated user: a keep-alive connection and cookies, as a browser tab would have."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def send(self, call: Call) -> tuple[int, str, dict[str, str]]:
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Origin": f"https://{HOST}"}
        if call.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in call.cookies.items())
        body = None
        if call.form is not None:
            body = urllib.parse.urlencode(call.form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(call.method, call.path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", errors="replace")
                jar: dict[str, str] = {}
                for raw in response.headers.get_all("Set-Cookie") or []:
                    jar.update({k: m.value for k, m in SimpleCookie(raw).items()})
                return response.status, text, jar
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect once, as a browser does.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


def run(name: str, port: int, users: int, requests: int, calls: Callable[[int, int], Call]) -> Result:
    """`users` threads in closed loops, `requests` each, released together; latency per request."""
    result = Result(name)
    lock = threading.Lock()
    start = threading.Barrier(users + 1)

    def loop(index: int) -> None:
        user = User(port)
        try:
            start.wait()
            for i in range(requests):
                call = calls(index, i)
                began = time.perf_counter()
                try:
                    status, text, _jar = user.send(call)
                except (OSError, http.client.HTTPException) as error:
                    status, text = 0, repr(error)
                    user.close()
                    user = User(port)  # a fresh connection for the next request
                took = (time.perf_counter() - began) * 1000
                good = status == 200 and call.expect in text
                with lock:
                    if good:
                        result.latencies.append(took)
                    else:
                        result.errors += 1
                        result.first_error = result.first_error or f"{status} {call.path}: {text[:200]}"
        finally:
            user.close()

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(users)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - began
    return result


def _form_tokens(port: int, users: int) -> list[tuple[dict[str, str], str]]:
    """Each simulated reporter opens the form once: its CSRF cookie and form token."""
    tokens = []
    for _ in range(users):
        user = User(port)
        status, page, jar = user.send(Call("GET", "/en/report/", {}))
        user.close()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not found:
            raise SystemExit(f"the report form did not load ({status})")
        tokens.append((jar, found.group(1)))
    return tokens


def scenarios(
    port: int, ready: dict[str, Any], users: int, requests: int
) -> dict[str, Callable[[int, int], Call]]:
    session_cookie = "__Host-sessionid"  # production settings pin cookies to the host over HTTPS

    def staff(scenario: str, path: str, expect: str) -> Callable[[int, int], Call]:
        keys = ready["sessions"][scenario]
        return lambda u, i: Call("GET", path, {session_cookie: keys[u]}, expect=expect)

    forms = _form_tokens(port, users)
    challenges = ready["challenges"]

    def submission(u: int, i: int) -> Call:
        cookies, token = forms[u]
        challenge, nonce = challenges[u * requests + i]
        what = f"Load test {u}-{i}: the agency kept our passports and we work every night without pay."
        form = {"csrfmiddlewaretoken": token, "what": what, "pow_challenge": challenge, "pow_nonce": nonce}
        return Call("POST", "/en/report/", cookies, form=form, expect="data-receipt")

    who = ready["accounts"]
    return {
        "report submission (public POST)": submission,
        f"triage queue ({who['triage']})": staff("triage", "/en/reports/", "<table"),
        f"case page ({who['case']}, audited)": staff("case", f"/en/cases/{ready['case']}/", "<h1"),
        f"link chart graph.json ({who['graph']})": staff(
            "graph", f"/en/intelligence/entities/{ready['entity']}/graph.json", '"nodes"'
        ),
    }


def report(results: list[Result], baseline: Result, users: int) -> None:
    print(
        f"\n{'scenario':<42} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}"
        f"   {'p50 / baseline':>14} {'req/s / baseline':>16}"
    )
    for r in results:
        ratios = ""
        if r is not baseline and r.latencies and baseline.latencies:
            ratios = (
                f"   {r.percentile(50) / baseline.percentile(50):>13.1f}x "
                f"{r.throughput / baseline.throughput:>15.2f}x"
            )
        print(
            f"{r.name:<42} {r.throughput:>7.1f} {r.percentile(50):>8.1f} {r.percentile(95):>8.1f} "
            f"{r.percentile(99):>8.1f} {r.errors:>6}{ratios}"
        )
    print(f"({users} concurrent users per scenario; latency of successful requests only)")
    for r in results:
        if r.first_error:
            print(f"first error in {r.name}: {r.first_error}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50, help="concurrent users per scenario")
    parser.add_argument("--requests", type=int, default=10, help="requests per user per scenario")
    parser.add_argument("--people", type=int, default=5000, help="size of the synthetic world")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: tiaki serve's)")
    parser.add_argument("--threads", type=int, help="gunicorn threads per worker (default: tiaki serve's)")
    parser.add_argument("--quick", action="store_true", help="a small world, 10 users, 3 requests each")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs) at the end")
    parser.add_argument("--prepare", nargs=2, type=int, help=argparse.SUPPRESS)  # internal: users, tips
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(*args.prepare)))
        return
    if args.quick:
        args.users, args.requests, args.people = 10, 3, 2000

    def stop(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(signal.strsignal(signum))

    signal.signal(signal.SIGTERM, stop)
    load_at_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    workspace = Path(tempfile.mkdtemp(prefix="tiaki-load-"))
    try:
        with postgres_cluster(workspace) as database_url:
            env = production_env(workspace / "data", database_url)
            log(f"PostgreSQL ready; loading the demo world of {args.people:,} people (production settings)")
            started = time.perf_counter()
            tiaki(env, "demo", "--no-serve", "--people", str(args.people))
            log(f"demo loaded in {time.perf_counter() - started:.0f} s; preparing sessions and challenges")
            submissions = args.users * args.requests
            prepared = subprocess.run(
                [sys.executable, __file__, "--prepare", str(args.users), str(submissions)],
                env={**env, "DJANGO_SETTINGS_MODULE": "tiaki.config.settings.production"},
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            if prepared.returncode != 0:
                raise SystemExit(f"preparing sessions failed:\n{prepared.stderr[-3000:]}")
            ready = json.loads(prepared.stdout)
            port = _free_port()
            options = [
                f"--{name}={value}" for name in ("workers", "threads") if (value := getattr(args, name))
            ]
            log("starting tiaki serve (collectstatic first)")
            with server(env, port, options, workspace / "serve.log"):
                calls = scenarios(port, ready, args.users, args.requests)
                health = lambda u, i: Call("GET", "/healthz", {}, expect='"ok"')  # noqa: E731
                for name, call in [("baseline", health), *calls.items()]:  # one request per user each
                    if not name.startswith("report"):  # (each solved challenge can be spent once)
                        run("warm-up", port, args.users, 1, call)
                results = []
                plan = [("baseline: /healthz (trivial view)", health), *calls.items()]
                plan.append(("baseline again, at the end", health))
                for name, call in plan:
                    log(f"running: {name}")
                    results.append(run(name, port, args.users, args.requests, call))
            report(results, results[0], args.users)
            cores = os.cpu_count()
            print(
                f"server: tiaki serve {' '.join(options) or '(default workers/threads)'} on {cores} cores, "
                f"production settings, PostgreSQL {database_url.split('@')[1].split('/')[0]} (own cluster), "
                f"world of {args.people:,} people; link chart centre has {ready['entity_degree']} relations"
            )
            load_at_end = " ".join(f"{x:.2f}" for x in os.getloadavg())
            print(f"load average (1, 5, 15 min): {load_at_start} at the start, {load_at_end} at the end")
    except KeyboardInterrupt:
        log("interrupted: cleaning up")
        raise SystemExit(130) from None
    finally:
        if args.keep:
            log(f"kept {workspace}")
        else:
            shutil.rmtree(workspace, ignore_errors=True)


if __name__ == "__main__":
    main()
