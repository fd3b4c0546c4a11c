#!/usr/bin/env bash
# Starts pcscd (with the vpcd readers Debian's vsmartcard-vpcd configures) unless one
# already answers. Uses systemd where it runs; otherwise starts the daemon directly.
set -euo pipefail
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
socket=/run/pcscd/pcscd.comm

answers() { python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])" "$socket" 2>/dev/null; }

if answers; then exit 0; fi
if [ -d /run/systemd/system ]; then
  "${SUDO[@]}" systemctl restart pcscd.socket
else
  "${SUDO[@]}" pcscd
fi
for _ in $(seq 1 100); do answers && exit 0; sleep 0.1; done
echo "pcscd did not start: run 'pcscd -f -d' to see why" >&2
exit 1
