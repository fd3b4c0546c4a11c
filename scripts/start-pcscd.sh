#!/usr/bin/env bash
# Starts pcscd (with the vpcd readers Debian's vsmartcard-vpcd configures) unless one
# already answers. Uses systemd where it runs; otherwise starts the daemon directly, with
# cardspec's poll library (native/pcscd_poll.c): pcscd then sees a virtual card inserted
# or removed within 20 ms instead of its 400 ms (docs/performance.md). A pcscd started by
# systemd is left as the system configures it (docs/targets.md says how to add the library).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
socket=/run/pcscd/pcscd.comm
# Root's pcscd loads it: a root-owned copy, never a file of the checkout.
poll_library=/usr/local/lib/cardspec/pcscd-poll.so

answers() { python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])" "$socket" 2>/dev/null; }

# Installed on every machine, so that a systemd pcscd can be given it too (docs/targets.md).
built=$(mktemp)
trap 'rm -f "$built"' EXIT
cc -O2 -Wall -Wextra -shared -fPIC -o "$built" native/pcscd_poll.c -ldl
if ! cmp -s "$built" "$poll_library"; then
  "${SUDO[@]}" install -D -m 0644 -o root -g root "$built" "$poll_library"
fi

if answers; then exit 0; fi
if [ -d /run/systemd/system ]; then
  "${SUDO[@]}" systemctl restart pcscd.socket
else
  # The daemon outlives this script: it must not keep the caller's open files (a lock
  # held with `flock`, say, would stay held for as long as pcscd runs).
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
    done
    exec "${SUDO[@]}" env LD_PRELOAD="$poll_library" pcscd
  )
fi
for _ in $(seq 1 100); do answers && exit 0; sleep 0.1; done
echo "pcscd did not start: run 'pcscd -f -d' to see why" >&2
exit 1
