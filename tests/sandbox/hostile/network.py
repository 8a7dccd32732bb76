"""7. Reach listeners on the host: TCP to 127.0.0.1 and the host's addresses, UDP to
127.0.0.1, and an abstract Unix socket."""

import json
import socket

PARAMS = {}


def _tcp(host):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(1.0)
    try:
        s.connect((host, PARAMS["tcp_port"]))
        s.sendall(b"hello from the sandbox")
        return "connected"
    except OSError as exc:
        return type(exc).__name__
    finally:
        s.close()


def f(x):
    report = {}
    for host in ["127.0.0.1", *PARAMS["hosts"]]:
        report["tcp " + host] = _tcp(host)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.sendto(b"hello from the sandbox", ("127.0.0.1", PARAMS["udp_port"]))
        report["udp"] = "sent"
    except OSError as exc:
        report["udp"] = type(exc).__name__
    finally:
        u.close()
    a = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    a.settimeout(1.0)
    try:
        a.connect("\0" + PARAMS["abstract"])
        report["abstract"] = "connected"
    except OSError as exc:
        report["abstract"] = type(exc).__name__
    finally:
        a.close()
    return "NET " + json.dumps(report)
