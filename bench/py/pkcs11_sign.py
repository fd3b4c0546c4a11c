"""Third-party reference for pkcs11-sign-*: PyKCS11 (Debian's python3-pykcs11) on the
same token and key as the harness and the C loop. Prints one JSON line like
bench/c/pkcs11_sign.c. Run with /usr/bin/python3; SOFTHSM2_CONF comes from the environment.

usage: pkcs11_sign.py MODULE TOKEN_LABEL PIN KEY_LABEL MECHANISM DATA_HEX DURATION_MS
"""
import json
import sys
import time

import PyKCS11


def main() -> int:
    module, token_label, pin, key_label, mechanism, data_hex, duration_ms = sys.argv[1:8]
    lib = PyKCS11.PyKCS11Lib()
    lib.load(module)
    slot = next((s for s in lib.getSlotList(tokenPresent=True) if lib.getTokenInfo(s).label.strip() == token_label), None)
    if slot is None:
        print(f'no token labelled {token_label}', file=sys.stderr)
        return 1
    session = lib.openSession(slot, PyKCS11.CKF_SERIAL_SESSION | PyKCS11.CKF_RW_SESSION)
    session.login(pin)
    keys = session.findObjects([(PyKCS11.CKA_CLASS, PyKCS11.CKO_PRIVATE_KEY), (PyKCS11.CKA_LABEL, key_label)])
    if not keys:
        print(f'no private key labelled {key_label}', file=sys.stderr)
        return 1
    mech = PyKCS11.Mechanism(int(mechanism, 0), None)
    data = bytes.fromhex(data_hex)
    duration_ns = float(duration_ms) * 1e6
    n = 0
    started = time.perf_counter_ns()
    elapsed = 0
    while elapsed < duration_ns:
        session.sign(keys[0], data, mech)  # C_SignInit + C_Sign
        n += 1
        elapsed = time.perf_counter_ns() - started
    session.logout()
    session.closeSession()
    print(json.dumps({'n': n, 'totalUs': elapsed / 1000, 'perSecond': n / (elapsed / 1e9)}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
