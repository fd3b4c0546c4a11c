"""Third-party reference for apdu-roundtrip: pyscard (Debian's python3-pyscard) on the
same reader and card as the harness and the C loop. Prints one JSON line like
bench/c/pcsc_loop.c. Run with /usr/bin/python3 (Debian's Python, which has pyscard).

With ITERATIONS "-" it stays connected and reads counts from stdin, one a line, and
answers each with its JSON line (the bench interleaves short blocks of each client).

usage: pcsc_loop.py READER ITERATIONS|- APDU_HEX [EXPECT_LEN]
"""
import json
import sys
import time

from smartcard.scard import SCARD_LEAVE_CARD
from smartcard.System import readers


def run_block(connection, apdu, expect_len: int, iterations: int) -> bool:
    """Times ITERATIONS transmits and prints their JSON line; False on a wrong answer."""
    samples = []
    started = time.perf_counter_ns()
    for i in range(iterations):
        t0 = time.perf_counter_ns()
        data, sw1, sw2 = connection.transmit(apdu)
        samples.append((time.perf_counter_ns() - t0) / 1000)
        if (sw1, sw2) != (0x90, 0x00) or (expect_len >= 0 and len(data) + 2 != expect_len):
            print(f'APDU {i}: unexpected response {sw1:02X}{sw2:02X}, {len(data)} bytes', file=sys.stderr)
            return False
    total = (time.perf_counter_ns() - started) / 1000
    samples.sort()
    print(json.dumps({
        'n': iterations, 'totalUs': total, 'meanUs': total / iterations,
        'medianUs': samples[iterations // 2], 'p90Us': samples[iterations * 9 // 10], 'maxUs': samples[-1],
    }), flush=True)
    return True


def main() -> int:
    reader_name, apdu_hex = sys.argv[1], sys.argv[3]
    expect_len = int(sys.argv[4]) if len(sys.argv) > 4 else -1
    apdu = list(bytes.fromhex(apdu_hex))
    # The high-level API, as a pyscard user writes it: reader object, connection, transmit.
    reader = next((r for r in readers() if str(r) == reader_name), None)
    if reader is None:
        print(f'no reader "{reader_name}"', file=sys.stderr)
        return 1
    connection = reader.createConnection()
    # pyscard unpowers the card at disconnect by default, which resets it under the other
    # clients' connections: leave it as it is, as the C loop and scriptor do.
    connection.connect(disposition=SCARD_LEAVE_CARD)
    if sys.argv[2] == '-':
        for line in sys.stdin:
            if line.strip() and not run_block(connection, apdu, expect_len, int(line)):
                return 1
    elif not run_block(connection, apdu, expect_len, int(sys.argv[2])):
        return 1
    connection.disconnect()
    return 0


if __name__ == '__main__':
    sys.exit(main())
