#!/usr/bin/env bash
# Starts the Docker engine for the container target unless one answers: with systemd
# where it runs, else dockerd in the background (as in CI), logging to /var/log.
set -euo pipefail
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi

if docker info >/dev/null 2>&1; then exit 0; fi
if [ -d /run/systemd/system ]; then
  "${SUDO[@]}" systemctl start docker
else
  "${SUDO[@]}" sh -c 'dockerd > /var/log/cardspec-dockerd.log 2>&1 &'
fi
# dockerd takes a few seconds to open its socket; `docker info` says when it answers.
for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && exit 0; sleep 0.5; done
echo "the Docker engine did not start: see /var/log/cardspec-dockerd.log or 'systemctl status docker'" >&2
exit 1
