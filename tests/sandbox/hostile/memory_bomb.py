"""2. Memory bomb: take 16 MiB blocks until something stops us (and touch every page)."""


def f(x):
    hoard = []
    while True:
        hoard.append(bytearray(b"\x01" * (16 << 20)))
