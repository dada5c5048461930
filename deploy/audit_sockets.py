"""Run Streamlit with every DNS lookup and socket connection written to a log (for tests).

    python deploy/audit_sockets.py LOG_FILE streamlit run dashboard.py [options]

Python's audit hooks (PEP 578) report `socket.getaddrinfo`, `socket.gethostbyname`,
`socket.connect` and `socket.sendto` from inside the interpreter, whichever library makes the
call (requests, urllib, httpx, asyncio), so a test can prove what the server talked to. One
JSON object a line: the event, the host (and for connections the port and socket type).
"""

from __future__ import annotations

import json
import socket
import sys

EVENTS = {
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyname_ex",
    "socket.gethostbyaddr",
    "socket.connect",
    "socket.sendto",
}


def main() -> None:
    log = open(sys.argv[1], "a", buffering=1)  # noqa: SIM115 - open for the process's life

    def hook(event: str, args: tuple) -> None:
        if event not in EVENTS:
            return
        record: dict = {"event": event}
        if event in ("socket.connect", "socket.sendto"):
            sock, address = args[0], args[-1]
            record["type"] = "udp" if sock.type == socket.SOCK_DGRAM else "tcp"
            if sock.family == socket.AF_UNIX:
                record["type"] = "unix"
            record["host"] = address if isinstance(address, str) else str(address[0])
            if isinstance(address, tuple) and len(address) > 1:
                record["port"] = address[1]
        else:
            record["host"] = None if args[0] is None else str(args[0])
        log.write(json.dumps(record) + "\n")

    sys.addaudithook(hook)
    sys.argv = ["streamlit", *sys.argv[2:]]
    from streamlit.web.cli import main as streamlit_main

    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
