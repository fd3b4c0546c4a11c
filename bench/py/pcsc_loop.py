"""Third-party reference for apdu-roundtrip: pyscard (Debian's python3-pyscard) on the
same reader and card as the harness and the C loop. Prints one JSON line like
bench/c/pcsc_loop.c. Run with /usr/bin/python3 (Debian's Python, which has pyscard).

usage: pcsc_loop.py READER ITERATIONS APDU_HEX [EXPECT_LEN]
"""
import json
import sys
import time

from smartcard.scard import SCARD_LEAVE_CARD
from smartcard.System import readers


def main() -> int:
    reader_name, iterations, apdu_hex = sys.argv[1], int(sys.argv[2]), sys.argv[3]
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
    samples = []
    started = time.perf_counter_ns()
    for i in range(iterations):
        t0 = time.perf_counter_ns()
        data, sw1, sw2 = connection.transmit(apdu)
        samples.append((time.perf_counter_ns() - t0) / 1000)
        if (sw1, sw2) != (0x90, 0x00) or (expect_len >= 0 and len(data) + 2 != expect_len):
            print(f'APDU {i}: unexpected response {sw1:02X}{sw2:02X}, {len(data)} bytes', file=sys.stderr)
            return 1
    total = (time.perf_counter_ns() - started) / 1000
    connection.disconnect()
    samples.sort()
    print(json.dumps({
        'n': iterations, 'totalUs': total, 'meanUs': total / iterations,
        'medianUs': samples[iterations // 2], 'p90Us': samples[iterations * 9 // 10], 'maxUs': samples[-1],
    }))
    return 0


if __name__ == '__main__':
    sys.exit(main())
