"""The server on a closed council network: nothing outbound, loopback only, and the reverse
proxy of deploy/ adding TLS (1.2 and 1.3 only), security headers, cookie flags and a Host
allow-list.

Streamlit runs as deployed, `streamlit run server.py` from `.streamlit/config.toml` as shipped
(only the port changed), under deploy/audit_sockets.py, which logs every DNS lookup and socket
connection the server makes (Python audit hooks); behind the proxy, with the Environment=
lines of deploy/oos-dashboard.service. nginx runs deploy/nginx/oos-dashboard.conf itself, with
the name, ports and certificate paths substituted, inside an http block holding Debian's own
nginx.conf protocol line: loopback only, a self-signed certificate made here. Every connection
the tests make goes to 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
import warnings
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


# what the deployment names, and what the tests use instead
UNIT_NAMES = {"dashboard.council.example": NAME}
NOT_FROM_THE_UNIT = {"OOS_DB", "OOS_AUDIT_KEY", "OOS_AUDIT_ANCHOR"}  # the tests' own files


def unit_environment(provider_host: str = "idp.invalid") -> dict[str, str]:
    """The Environment= lines of deploy/oos-dashboard.service (systemd's quoting), with the
    dashboard's name and the identity provider's host replaced by the tests' own; the
    database, audit key and anchor are the tests' own files."""
    pairs = {}
    for line in (DEPLOY / "oos-dashboard.service").read_text().splitlines():
        if line.startswith("Environment="):
            for assignment in shlex.split(line.removeprefix("Environment=")):
                key, _, value = assignment.partition("=")
                if key not in NOT_FROM_THE_UNIT:
                    pairs[key] = value
    for old, new in UNIT_NAMES.items():
        assert old in pairs["STREAMLIT_SERVER_ALLOWED_HOSTS"].split(), old
        pairs["STREAMLIT_SERVER_ALLOWED_HOSTS"] = pairs["STREAMLIT_SERVER_ALLOWED_HOSTS"].replace(
            old, new
        )
    assert pairs["NO_PROXY"] == "login.microsoftonline.com"  # the provider, and only it
    pairs["NO_PROXY"] = provider_host
    return pairs


class App:
    """`streamlit run server.py` under the socket audit, on a free loopback port."""

    def __init__(
        self,
        folder: Path,
        db: Path,
        extra_env: dict[str, str],
        *,
        port: int | None = None,
        args: tuple[str, ...] = (),
    ):
        self.port = port or free_port()
        self.audit = folder / f"audit-{self.port}.log"
        self.output = folder / f"streamlit-{self.port}.log"
        env = {**os.environ, "OOS_DB": str(db), **extra_env}
        for key in ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
            if key not in extra_env:
                env.pop(key, None)
                env.pop(key.lower(), None)
        self.process = subprocess.Popen(
            [sys.executable, str(DEPLOY / "audit_sockets.py"), str(self.audit), "run",
             "server.py", "--server.port", str(self.port), *args],
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


def connections(records: list[dict]) -> set[tuple[str, int]]:
    """(host, port) of every TCP connection the server opened."""
    return {
        (r["host"], r["port"])
        for r in records
        if r["event"] == "socket.connect" and r.get("type") == "tcp"
    }


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
        key, value = key.strip().lower(), value.strip()
        # several Set-Cookie lines: kept one per line
        fields[key] = f"{fields[key]}\n{value}" if key == "set-cookie" and key in fields else value
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


DEBIAN_NGINX_CONF = Path("/etc/nginx/nginx.conf")


def debian_protocols() -> str:
    """The http-level ssl_protocols line of Debian's nginx.conf, which the site file is
    included under in a deployment (Debian 12: TLSv1 TLSv1.1 TLSv1.2 TLSv1.3)."""
    line = "ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;"
    if DEBIAN_NGINX_CONF.exists():
        found = re.search(r"^\s*(ssl_protocols [^;]*;)", DEBIAN_NGINX_CONF.read_text(), re.M)
        line = found.group(1) if found else line
    return line


def start_proxy(
    folder: Path, app_port: int, *, debian_http_level: bool = True, https_port: int | None = None
) -> tuple[subprocess.Popen, dict]:
    """nginx running deploy/nginx/oos-dashboard.conf in front of the app, loopback only, in an
    http block holding Debian's protocol line (or, `debian_http_level=False`, none: nginx's
    built-in default, TLSv1 to TLSv1.2 for nginx 1.22)."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is installed by .ci/run (apt-get install nginx)"
    work = folder / f"nginx-{app_port}-{'debian' if debian_http_level else 'plain'}"
    work.mkdir()
    cert, key = work / "cert.pem", work / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={NAME}",
         "-addext", f"subjectAltName=DNS:{NAME}"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    https_port, http_port = https_port or free_port(), free_port()
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
        f"http {{\n {debian_protocols() if debian_http_level else ''}\n"
        f" access_log {work}/access.log;\n"
        f" client_body_temp_path {work}/body;\n"
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
    return process, {"https": https_port, "http": http_port, "ca": cert, "app": app_port}


def stop_proxy(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)  # nginx's own process group only
    process.wait(timeout=15)


@pytest.fixture(scope="module")
def deployed(folder, db):
    """The app as the systemd unit runs it (its Environment= lines), for the proxy."""
    server = App(folder, db, unit_environment())
    yield server
    server.stop()


@pytest.fixture(scope="module")
def proxy(folder, deployed):
    process, info = start_proxy(folder, deployed.port)
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


def test_with_the_units_environment_a_cross_origin_websocket_reaches_nothing(deployed):
    """Streamlit looks itself up on the internet before refusing another origin; under the
    systemd unit's environment that request goes to a closed loopback port instead."""
    host = f"127.0.0.1:{deployed.port}"
    assert upgrade(deployed.port, host, "http://evil.example") == 403
    time.sleep(1)  # the refusal is logged after the lookup attempt
    records = deployed.records()
    tcp_or_dns = [r for r in outbound(records) if r.get("type") != "udp"]
    assert tcp_or_dns == [], "no DNS lookup and no TCP connection beyond loopback"
    # Streamlit's internal-address probe connect()s a UDP socket to 8.8.8.8, which only picks
    # a route and sends no packet; anything else would be a leak
    assert all(r["host"] == "8.8.8.8" for r in outbound(records))
    # and the blocked attempt did happen, into the closed local port of the unit's HTTP_PROXY
    assert ("127.0.0.1", 9) in connections(records)


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
        "pages.common.share:COPY_SCRIPT",
        "pages.common.a11y:PRINT_SCRIPT",
    ],
)
def test_the_policy_allows_the_dashboards_scripts_by_their_hashes(where):
    # The inline scripts the dashboard itself adds (the link copy script, the print layout) must
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


def test_the_proxy_refuses_a_forged_host(proxy, deployed):
    seen = len(deployed.records())
    assert http(proxy["https"], "rebound.example", ca=proxy["ca"])[0] == 421
    assert upgrade(proxy["https"], "rebound.example", None, tls=True, ca=proxy["ca"]) == 421
    # plain HTTP: the right name is sent to HTTPS, any other refused
    status, headers = http(proxy["http"], NAME, "/x?y=1", tls=False)
    assert (status, headers["location"]) == (301, f"https://{NAME}/x?y=1")
    assert http(proxy["http"], "rebound.example", tls=False)[0] == 421
    assert deployed.records()[seen:] == []


def test_the_proxy_lets_only_the_dashboards_own_pages_open_the_websocket(proxy, deployed):
    seen = len(deployed.records())
    # a browser's Host names the port it used (443 is left out), and its Origin the same
    host = f"{NAME}:{proxy['https']}"
    own = f"https://{host}"
    assert upgrade(proxy["https"], host, own, tls=True, ca=proxy["ca"]) == 101
    assert upgrade(proxy["https"], host, "https://evil.example", tls=True, ca=proxy["ca"]) == 403
    assert upgrade(proxy["https"], host, f"http://{NAME}", tls=True, ca=proxy["ca"]) == 403
    # Host and Origin reach Streamlit as sent (its same-origin check, and the sign-in cookie's
    # origin, need them): its own Host allow-list (the unit's) refuses any other name
    assert upgrade(deployed.port, host, own) == 101
    assert upgrade(deployed.port, "rebound.example", "https://rebound.example") == 403
    # refused at the proxy, so Streamlit never looked itself up
    assert outbound(deployed.records()[seen:]) == []


# --- TLS versions and cookies -----------------------------------------------------------------


def handshake(port: int, version: ssl.TLSVersion, ca: Path, name: str = NAME) -> str | None:
    """The protocol a client allowing only `version` negotiates with the proxy, or None when
    the proxy refuses it. The client is made willing to speak old versions (security level 0),
    so a refusal is the proxy's."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cafile=str(ca))
    context.check_hostname = name == NAME
    if name != NAME:
        context.verify_mode = ssl.CERT_NONE
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    with warnings.catch_warnings():  # TLS 1.0 and 1.1 are deprecated: that is the point
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = context.maximum_version = version
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=15) as raw:
            with context.wrap_socket(raw, server_hostname=name) as tls:
                return tls.version()
    except (ssl.SSLError, ConnectionResetError):
        return None


@pytest.fixture(scope="module")
def plain_proxy(folder, deployed):
    """The site file under an nginx.conf that sets no protocols (nginx's own defaults)."""
    process, info = start_proxy(folder, deployed.port, debian_http_level=False)
    yield info
    stop_proxy(process)


@pytest.mark.parametrize("name", [NAME, "rebound.example"], ids=["dashboard", "default-server"])
@pytest.mark.parametrize("http_level", ["debian", "nginx-defaults"])
def test_tls_1_2_and_1_3_only_on_every_server(proxy, plain_proxy, http_level, name):
    # Whatever the http level says (Debian's nginx.conf: TLSv1 to TLSv1.3; nginx 1.22's
    # defaults: TLSv1 to TLSv1.2, no 1.3), the site file's servers, the default one included
    # (whose settings nginx applies to the port), give TLSv1.2 and TLSv1.3, nothing else
    chosen = proxy if http_level == "debian" else plain_proxy
    port, ca = chosen["https"], chosen["ca"]
    assert handshake(port, ssl.TLSVersion.TLSv1_3, ca, name) == "TLSv1.3"
    assert handshake(port, ssl.TLSVersion.TLSv1_2, ca, name) == "TLSv1.2"
    assert handshake(port, ssl.TLSVersion.TLSv1_1, ca, name) is None
    assert handshake(port, ssl.TLSVersion.TLSv1, ca, name) is None


def test_openssl_s_client_agrees(proxy):
    def s_client(*flags: str) -> str:
        done = subprocess.run(
            ["openssl", "s_client", "-connect", f"127.0.0.1:{proxy['https']}",
             "-servername", NAME, "-CAfile", str(proxy["ca"]), *flags],
            input=b"", capture_output=True, timeout=30,
        )  # fmt: skip
        return done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")

    newest = s_client("-brief")  # no version given: the best both sides speak
    assert "Protocol version: TLSv1.3" in newest and "Verification: OK" in newest
    assert "Protocol version: TLSv1.2" in s_client("-brief", "-tls1_2")
    old = s_client("-brief", "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0")
    assert "Protocol version" not in old and "alert" in old.lower()


def cookies_set(headers: dict) -> dict[str, set[str]]:
    """Set-Cookie lines as {name: {attributes, lower case}}."""
    found = {}
    for line in headers.get("set-cookie", "").splitlines():
        name = line.split("=", 1)[0].strip()
        found[name] = {part.strip().lower() for part in line.split(";")[1:]}
    return found


def test_cookies_through_the_proxy_are_secure_and_same_site(proxy):
    # the page's health check sets Streamlit's XSRF token, the one cookie of a visit (the
    # sign-in cookies are checked in a real browser through this proxy: test_signin.py)
    status, headers = http(proxy["https"], NAME, "/_stcore/health", ca=proxy["ca"])
    assert status == 200
    cookies = cookies_set(headers)
    assert set(cookies) == {"_streamlit_xsrf"}
    attributes = cookies["_streamlit_xsrf"]
    assert "secure" in attributes and "samesite=lax" in attributes
    assert "httponly" not in attributes  # the page's script must read it (double submit)
    # straight from the app (no proxy) it has no Secure flag: the proxy's rule adds it
    status, direct = http(proxy["app"], "127.0.0.1", "/_stcore/health", tls=False)
    assert "secure" not in cookies_set(direct)["_streamlit_xsrf"]


def test_the_proxy_serves_downloads_only_to_a_signed_in_browser(proxy):
    status, headers = http(proxy["https"], NAME, "/media/anything.csv", ca=proxy["ca"])
    assert status == 403
    assert headers["strict-transport-security"].startswith("max-age=")  # headers still there
