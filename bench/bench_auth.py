"""Benchmark the login and bearer auth against a fixed header and Authlib, in one run.

Everything runs on 127.0.0.1 against ``fake_server``; every figure is printed
beside the baseline measured in this same run (a ``requests`` auth that sets a
fixed header, and Authlib's client-credentials ``OAuth2Session``, the best-known
peer). Load is bounded by count.

    python bench/bench_auth.py          # full size
    python bench/bench_auth.py --tiny   # a smoke run, as CI does
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests

import expertfile_nb as ef
from fake_server import FakeExpertFile


class FixedHeader(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.header = f"Bearer {token}"

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = self.header
        return r


def per_call_us(auth: Callable[[requests.PreparedRequest], object], url: str, n: int) -> float:
    """Median over 5 rounds of the cost of ``auth(request)``, in microseconds."""
    prepared = requests.Request("GET", url).prepare()
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(n):
            auth(prepared)
        rounds.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(rounds)


AUTHLIB_HOOK = """
import json
from datetime import datetime

def expertfile_envelope(response):
    # ExpertFile's envelope is not RFC 6749's: Authlib needs this hook to read it at all
    data = response.json()["data"]
    expires = datetime.fromisoformat(data["accessTokenExpiresAt"].replace("Z", "+00:00"))
    response._content = json.dumps({"access_token": data["accessToken"], "token_type": "bearer",
                                    "expires_at": int(expires.timestamp())}).encode()
    return response
"""
exec(AUTHLIB_HOOK)  # noqa: S102 -- one source for this process and the child processes


def authlib_session(server: FakeExpertFile) -> object:
    from authlib.integrations.requests_client import OAuth2Session

    session = OAuth2Session(
        server.client_id,
        server.client_secret,
        token_endpoint=server.token_url,
        grant_type="client_credentials",
    )
    session.register_compliance_hook("access_token_response", expertfile_envelope)  # noqa: F821 -- defined by exec(AUTHLIB_HOOK)
    return session


def sequential_gets(session: requests.Session, url: str, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        session.get(url, params={"page_size": 1}).raise_for_status()
    return time.perf_counter() - start


def cold_threads(server: FakeExpertFile, make_get: Callable[[], Callable[[], object]]) -> int:
    """Token requests made when 16 threads start together with nothing cached."""
    server.reset()
    get = make_get()
    barrier = threading.Barrier(16)

    def worker() -> None:
        barrier.wait()
        get()

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return server.token_requests


def four_processes(server: FakeExpertFile, code: str) -> int:
    server.reset()
    with tempfile.TemporaryDirectory() as folder:
        go = Path(folder) / "go"
        env = {
            **os.environ,
            "EXPERTFILE_BASE_URL": server.url,
            "EXPERTFILE_CLIENT_ID": server.client_id,
            "EXPERTFILE_CLIENT_SECRET": server.client_secret,
            "EXPERTFILE_TOKEN_CACHE": str(Path(folder) / "token.json"),
            "BENCH_TOKEN_URL": server.token_url,
        }
        wait = f"import os, time\nwhile not os.path.exists({str(go)!r}): time.sleep(0.001)\n"
        procs = [subprocess.Popen([sys.executable, "-c", wait + code], env=env) for _ in range(4)]
        time.sleep(0.5)  # let them all import before the start signal
        go.touch()
        for p in procs:
            p.wait(timeout=120)
    return server.token_requests


def import_cost_ms(rounds: int) -> tuple[float, float]:
    """Median (requests, expertfile_nb beyond requests) import times, from ``-X importtime``.

    The package is byte-compiled first, as ``pip install`` does (an editable install under
    PYTHONDONTWRITEBYTECODE would otherwise recompile it on every import).
    """
    package = Path(ef.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    base, extra = [], []
    for _ in range(rounds):
        report = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import requests, expertfile_nb"],
            capture_output=True,
            text=True,
            check=True,
        ).stderr
        cumulative = {
            line.rsplit("|", 1)[1].strip(): int(line.split("|")[1])
            for line in report.splitlines()
            if line.startswith("import time:") and line.count("|") == 2 and "cumulative" not in line
        }
        base.append(cumulative["requests"] / 1000)
        extra.append(cumulative["expertfile_nb"] / 1000)  # imported after requests: the extra
    return statistics.median(base), statistics.median(extra)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tiny", action="store_true", help="a smoke run (CI)")
    args = parser.parse_args()
    calls = 2_000 if args.tiny else 200_000
    gets = 50 if args.tiny else 2_000
    rounds = 3 if args.tiny else 15
    print(f"bench_auth ({'tiny' if args.tiny else 'full'})")
    if args.tiny:
        print("  (a smoke run: too small to measure; the targets apply to full runs)")

    with FakeExpertFile() as server:
        os.environ["EXPERTFILE_TOKEN_CACHE"] = str(Path(tempfile.mkdtemp()) / "token.json")
        token = ef.login(server.client_id, server.client_secret, base_url=server.url)
        ours = ef.get_session()
        url = f"{server.url}/v2/organization/{server.org_id}/expert"
        fixed = FixedHeader(token.access_token)
        authlib = authlib_session(server)
        authlib.fetch_token()  # type: ignore[attr-defined]  # Authlib ships no type information
        t_fixed = per_call_us(fixed, url, calls)
        assert ours.auth is not None
        t_ours = per_call_us(ours.auth, url, calls)
        t_authlib = per_call_us(authlib.token_auth, url, calls)  # type: ignore[attr-defined]  # Authlib ships no type information
        print(
            f"  bearer auth per request: ours {t_ours:.2f} us  fixed header {t_fixed:.2f} us  "
            f"ratio {t_ours / t_fixed:.2f}x (target <= 1.5 us and <= 2x)  "
            f"Authlib {t_authlib:.2f} us ({t_authlib / t_ours:.1f}x ours)"
        )

        plain = requests.Session()
        plain.auth = fixed
        # interleaved in 10 chunks, so drift on a shared machine hits both alike
        t_plain = t_seq = 0.0
        sequential_gets(plain, url, 20)
        sequential_gets(ours, url, 20)
        for _ in range(10):
            t_plain += sequential_gets(plain, url, gets // 10)
            t_seq += sequential_gets(ours, url, gets // 10)
        print(
            f"  {gets} sequential GETs: ours {t_seq:.2f} s  fixed-header session {t_plain:.2f} s  "
            f"ratio {t_seq / t_plain:.3f}x (target <= 1.05x)"
        )

        ef.logout()
        env = {
            "EXPERTFILE_BASE_URL": server.url,
            "EXPERTFILE_CLIENT_ID": server.client_id,
            "EXPERTFILE_CLIENT_SECRET": server.client_secret,
        }
        os.environ.update(env)

        def ours_cold() -> Callable[[], object]:
            ef.logout()
            return lambda: ef.get_session().get(url)

        def authlib_cold() -> Callable[[], object]:
            session = authlib_session(server)

            def get() -> object:
                # Authlib does not fetch a first token by itself: the usual pattern
                if not session.token:  # type: ignore[attr-defined]  # Authlib ships no type information
                    session.fetch_token()  # type: ignore[attr-defined]  # Authlib ships no type information
                return session.get(url)  # type: ignore[attr-defined]  # Authlib ships no type information

            return get

        print(
            f"  token requests, 16 threads starting cold: ours {cold_threads(server, ours_cold)}  "
            f"Authlib {cold_threads(server, authlib_cold)} (target: ours 1)"
        )
        ours_code = "import expertfile_nb as ef\nef.login(remember=True)\n"
        authlib_code = AUTHLIB_HOOK + (
            "from authlib.integrations.requests_client import OAuth2Session\n"
            "s = OAuth2Session(os.environ['EXPERTFILE_CLIENT_ID'], "
            "os.environ['EXPERTFILE_CLIENT_SECRET'], token_endpoint=os.environ['BENCH_TOKEN_URL'], "
            "grant_type='client_credentials')\n"
            "s.register_compliance_hook('access_token_response', expertfile_envelope)\n"
            "s.fetch_token()\n"
        )
        ours_4, authlib_4 = four_processes(server, ours_code), four_processes(server, authlib_code)
        print(
            f"  token requests, 4 processes with remember=True: ours {ours_4}  Authlib {authlib_4}"
            " (target: ours 1)"
        )
        for name in env:
            os.environ.pop(name)

    t_requests, t_extra = import_cost_ms(rounds)
    print(
        f"  import time: requests {t_requests:.0f} ms; expertfile_nb on top of it "
        f"{t_extra:.1f} ms (target <= 20 ms)"
    )


if __name__ == "__main__":
    main()
