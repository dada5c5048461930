"""The server on a closed council network: nothing outbound, loopback only, and the reverse
proxy of deploy/ adding TLS, security headers and a Host allow-list.

Streamlit runs from `.streamlit/config.toml` as shipped (only the port changed), under
deploy/audit_sockets.py, which logs every DNS lookup and socket connection the server makes
(Python audit hooks). nginx runs deploy/nginx/oos-dashboard.conf itself, with the name, ports
and certificate paths substituted: loopback only, a self-signed certificate made here.
Every connection the tests make goes to 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import streamlit

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NAME = "dashboard.test"
LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost", "0.0.0.0", "::"}  # noqa: S104 - names, not binds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not come up in {seconds}s")


def unit_environment() -> dict[str, str]:
    """The Environment= lines of deploy/oos-dashboard.service (bar OOS_DB)."""
    pairs = {}
    for line in (DEPLOY / "oos-dashboard.service").read_text().splitlines():
        if line.startswith("Environment="):
            key, _, value = line.removeprefix("Environment=").partition("=")
            if key != "OOS_DB":
                pairs[key] = value
    return pairs


class App:
    """`streamlit run dashboard.py` under the socket audit, on a free loopback port."""

    def __init__(self, folder: Path, db: Path, extra_env: dict[str, str]):
        self.port = free_port()
        self.audit = folder / f"audit-{self.port}.log"
        self.output = folder / f"streamlit-{self.port}.log"
        env = {**os.environ, "OOS_DB": str(db), **extra_env}
        for key in ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
            if key not in extra_env:
                env.pop(key, None)
                env.pop(key.lower(), None)
        self.process = subprocess.Popen(
            [sys.executable, str(DEPLOY / "audit_sockets.py"), str(self.audit), "run",
             "dashboard.py", "--server.port", str(self.port)],
            cwd=ROOT, env=env, stdout=self.output.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        wait_for(self.healthy, 90, "streamlit")

    def healthy(self) -> bool:
        assert self.process.poll() is None, self.output.read_text()
        try:
            url = f"http://127.0.0.1:{self.port}/_stcore/health"
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                return response.status == 200
        except OSError:
            return False

    def records(self) -> list[dict]:
        if not self.audit.exists():
            return []
        return [json.loads(line) for line in self.audit.read_text().splitlines()]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # its own process group only
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def outbound(records: list[dict]) -> list[dict]:
    """Lookups of names and connections to addresses other than this machine's loopback."""
    return [r for r in records if r.get("type") != "unix" and r["host"] not in LOCAL_HOSTS]


def http(port: int, host: str, path: str = "/", headers: dict | None = None,
         tls: bool = True, ca: Path | None = None) -> tuple[int, dict[str, str]]:  # fmt: skip
    """One HTTP/1.1 request to 127.0.0.1:port with the given Host; (status, headers)."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=15)
    if tls:
        context = ssl.create_default_context(cafile=str(ca))
        raw = context.wrap_socket(raw, server_hostname=NAME)  # the certificate is verified
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{key}: {value}" for key, value in (headers or {}).items()]
    with raw:
        raw.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = raw.recv(4096)
            if not chunk:
                break
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    fields: dict[str, str] = {}
    for line in head[1:]:
        key, _, value = line.partition(":")
        fields[key.strip().lower()] = value.strip()
    return status, fields


def upgrade(port: int, host: str, origin: str | None, **kwargs) -> int:
    """Status of a websocket opening handshake on Streamlit's stream (101 = accepted)."""
    headers = {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version": "13",
    }
    if origin is not None:
        headers["Origin"] = origin
    lines = [f"GET /_stcore/stream HTTP/1.1", f"Host: {host}"]  # noqa: F541
    lines += [f"{key}: {value}" for key, value in headers.items()]
    raw = socket.create_connection(("127.0.0.1", port), timeout=15)
    if kwargs.get("tls"):
        context = ssl.create_default_context(cafile=str(kwargs["ca"]))
        raw = context.wrap_socket(raw, server_hostname=NAME)
    with raw:
        raw.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        first = raw.recv(200).split(b"\r\n", 1)[0].decode()
    return int(first.split()[1])


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("server")


@pytest.fixture(scope="module")
def db(folder) -> Path:
    from data.load import load_cohort

    path = folder / "server.duckdb"
    load_cohort(ROOT / "tests" / "data" / "p_cohort_2023_06.csv", "2023-06", path)
    return path


@pytest.fixture(scope="module")
def app(folder, db):
    """The app exactly as configured, with no proxy variables in its environment."""
    server = App(folder, db, {})
    yield server
    server.stop()


def start_proxy(folder: Path, app_port: int) -> tuple[subprocess.Popen, dict]:
    """nginx running deploy/nginx/oos-dashboard.conf in front of the app, loopback only."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is installed by .ci/run (apt-get install nginx)"
    work = folder / f"nginx-{app_port}"
    work.mkdir()
    cert, key = work / "cert.pem", work / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={NAME}",
         "-addext", f"subjectAltName=DNS:{NAME}"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    https_port, http_port = free_port(), free_port()
    site = (DEPLOY / "nginx" / "oos-dashboard.conf").read_text()
    for old, new in [
        ("dashboard\\.council\\.example", NAME.replace(".", "\\.")),
        ("dashboard.council.example", NAME),
        ("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl"),
        ("listen 80", f"listen 127.0.0.1:{http_port}"),
        ("/etc/ssl/oos-dashboard.crt", str(cert)),
        ("/etc/ssl/oos-dashboard.key", str(key)),
        ("127.0.0.1:8501", f"127.0.0.1:{app_port}"),
    ]:
        assert old in site, old  # the shipped file still has what is substituted
        site = site.replace(old, new)
    # loopback only: the IPv6 wildcard listeners are dropped
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    (work / "site.conf").write_text(site)
    (work / "nginx.conf").write_text(
        # workers run as the test's user: they write large responses to the temp paths here
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n access_log {work}/access.log;\n client_body_temp_path {work}/body;\n"
        f" proxy_temp_path {work}/proxy;\n fastcgi_temp_path {work}/fastcgi;\n"
        f" uwsgi_temp_path {work}/uwsgi;\n scgi_temp_path {work}/scgi;\n"
        f" include /etc/nginx/mime.types;\n include {work}/site.conf;\n}}\n"
    )
    process = subprocess.Popen(
        [nginx, "-e", str(work / "error.log"), "-p", str(work), "-c", str(work / "nginx.conf"),
         "-g", "daemon off;"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip

    def listening() -> bool:
        assert process.poll() is None, process.stdout.read().decode()
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", https_port)) == 0

    wait_for(listening, 30, "nginx")
    return process, {"https": https_port, "http": http_port, "ca": cert}


def stop_proxy(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)  # nginx's own process group only
    process.wait(timeout=15)


@pytest.fixture(scope="module")
def proxy(folder, app):
    process, info = start_proxy(folder, app.port)
    yield info
    stop_proxy(process)


# --- Streamlit as configured ----------------------------------------------------------------


def test_start_up_names_only_the_loopback_address_and_looks_nothing_up(app):
    banner = app.output.read_text()
    assert f"URL: http://127.0.0.1:{app.port}" in banner
    assert "External URL" not in banner and "Network URL" not in banner
    assert outbound(app.records()) == []


def listeners(port: int) -> list[str]:
    """Local addresses of the sockets listening on `port`, from the kernel's own tables."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.append(address)
    return found


def test_the_server_listens_on_loopback_only(app):
    # 127.0.0.1 in the kernel's little-endian hex; a wildcard bind would be 00000000
    assert listeners(app.port) == ["0100007F"]


def test_a_forged_host_websocket_is_refused_without_any_lookup(app):
    assert upgrade(app.port, f"127.0.0.1:{app.port}", f"http://127.0.0.1:{app.port}") == 101
    assert upgrade(app.port, f"rebound.example:{app.port}", None) == 403
    assert upgrade(app.port, "rebound.example", "http://rebound.example") == 403
    assert outbound(app.records()) == []


def test_with_the_units_environment_a_cross_origin_websocket_reaches_nothing(folder, db):
    """Streamlit looks itself up on the internet before refusing another origin; under the
    systemd unit's environment that request goes to a closed loopback port instead."""
    server = App(folder, db, unit_environment())
    try:
        host = f"127.0.0.1:{server.port}"
        assert upgrade(server.port, host, "http://evil.example") == 403
        time.sleep(1)  # the refusal is logged after the lookup attempt
        records = server.records()
    finally:
        server.stop()
    tcp_or_dns = [r for r in outbound(records) if r.get("type") != "udp"]
    assert tcp_or_dns == [], "no DNS lookup and no TCP connection beyond loopback"
    # Streamlit's internal-address probe connect()s a UDP socket to 8.8.8.8, which only picks
    # a route and sends no packet; anything else would be a leak
    assert all(r["host"] == "8.8.8.8" for r in outbound(records))
    # and the blocked attempt did happen, into the closed local port
    assert {"event": "socket.connect", "type": "tcp", "host": "127.0.0.1"} in records


# --- behind the reverse proxy ----------------------------------------------------------------


def test_the_proxy_serves_the_app_with_security_headers(proxy):
    status, headers = http(proxy["https"], NAME, ca=proxy["ca"])
    assert status == 200
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    # no JavaScript eval and no inline script but the one allowed by its hash
    assert "'unsafe-eval'" not in script_src and "'unsafe-inline'" not in script_src
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["server"] == "nginx"  # no version


@pytest.mark.parametrize(
    "where",
    [
        "pages.common.share:COPY_FALLBACK",
        "pages.common.a11y:PRINT_SCRIPT",
    ],
)
def test_the_policy_allows_the_dashboards_scripts_by_their_hashes(where):
    # The inline scripts the dashboard itself adds (the copy fallback, the print layout) must
    # be allowed by the hash of their exact text, or the proxy's policy blocks them; a change
    # to a script needs a new hash in deploy/nginx/oos-dashboard.conf.
    import base64
    import hashlib
    import importlib

    module, name = where.split(":")
    text = getattr(importlib.import_module(module), name)
    script = text.split("<script>", 1)[1].rsplit("</script>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    conf = (ROOT / "deploy" / "nginx" / "oos-dashboard.conf").read_text()
    assert f"'sha256-{digest}'" in conf


def fetch(port: int, path: str, headers: dict, ca: Path) -> tuple[int, dict, bytes]:
    """One HTTPS GET through the proxy, read to the end: (status, headers, body)."""
    context = ssl.create_default_context(cafile=str(ca))
    raw = context.wrap_socket(
        socket.create_connection(("127.0.0.1", port), timeout=30), server_hostname=NAME
    )
    lines = [f"GET {path} HTTP/1.1", f"Host: {NAME}", "Connection: close"]
    lines += [f"{key}: {value}" for key, value in headers.items()]
    with raw:
        raw.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while chunk := raw.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    fields = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        key, _, value = line.partition(":")
        fields[key.strip().lower()] = value.strip()
    if fields.get("transfer-encoding") == "chunked":
        out, rest = b"", body
        while True:
            size, _, rest = rest.partition(b"\r\n")
            size = int(size, 16)
            if size == 0:
                break
            out, rest = out + rest[:size], rest[size + 2 :]
        body = out
    return int(head.split()[1]), fields, body


def test_the_proxy_compresses_the_front_ends_code_and_keeps_it_cached(proxy):
    # Streamlit's plotly code, the largest file of a first visit (pages/common/preload.py)
    import gzip

    folder = Path(streamlit.__file__).parent / "static" / "static" / "js"
    (chunk,) = folder.glob("PlotlyChart.*.js")
    original = chunk.read_bytes()
    path = f"/static/js/{chunk.name}"
    status, headers, body = fetch(proxy["https"], path, {"Accept-Encoding": "gzip"}, proxy["ca"])
    assert status == 200
    assert headers.get("content-encoding") == "gzip"
    assert "accept-encoding" in headers.get("vary", "").lower()
    assert "immutable" in headers["cache-control"]  # Streamlit's year-long caching kept
    assert gzip.decompress(body) == original  # the same code, a third of the bytes or less
    assert len(body) < len(original) / 3
    # a browser that asks for no compression gets the file as it is
    status, headers, body = fetch(proxy["https"], path, {}, proxy["ca"])
    assert "content-encoding" not in headers and body == original


def test_the_proxy_speaks_http2(proxy):
    context = ssl.create_default_context(cafile=str(proxy["ca"]))
    context.set_alpn_protocols(["h2", "http/1.1"])
    raw = socket.create_connection(("127.0.0.1", proxy["https"]), timeout=15)
    with context.wrap_socket(raw, server_hostname=NAME) as tls:
        assert tls.selected_alpn_protocol() == "h2"


def test_the_proxy_refuses_a_forged_host(proxy, app):
    seen = len(app.records())
    assert http(proxy["https"], "rebound.example", ca=proxy["ca"])[0] == 421
    assert upgrade(proxy["https"], "rebound.example", None, tls=True, ca=proxy["ca"]) == 421
    # plain HTTP: the right name is sent to HTTPS, any other refused
    status, headers = http(proxy["http"], NAME, "/x?y=1", tls=False)
    assert (status, headers["location"]) == (301, f"https://{NAME}/x?y=1")
    assert http(proxy["http"], "rebound.example", tls=False)[0] == 421
    assert app.records()[seen:] == []


def test_the_proxy_lets_only_the_dashboards_own_pages_open_the_websocket(proxy, app):
    own = f"https://{NAME}:{proxy['https']}"
    assert upgrade(proxy["https"], NAME, own, tls=True, ca=proxy["ca"]) == 101
    assert upgrade(proxy["https"], NAME, "https://evil.example", tls=True, ca=proxy["ca"]) == 403
    assert upgrade(proxy["https"], NAME, f"http://{NAME}", tls=True, ca=proxy["ca"]) == 403
    # refused at the proxy, so Streamlit never looked itself up
    assert outbound(app.records()) == []
