#!/usr/bin/env bash
# Sets up a fresh Debian 12 / Ubuntu machine with Node 20 for cardspec, then runs the
# example features on the embedded simulator. Run it from the checkout, as root or as a
# user with sudo. It is safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi

need_node_major=20
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt "$need_node_major" ]; then
  echo "cardspec needs Node.js $need_node_major or newer (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# System packages: pcscd and the vpcd reader driver for the simulator's virtual cards,
# the PC/SC headers for the native binding, SoftHSM and OpenSC for PKCS#11, openssl for
# the cross-checks, pcsc-tools for card names and scriptor, yubico-piv-tool and ykcs11
# for the PIV card's client checks (docs/piv.md), Python bindings for the
# third-party client checks, a C toolchain for native modules and benchmarks, and for
# the container target Docker, debootstrap (an offline base image) and caml-crush's PKCS#11
# proxy client (the bench compares it with p11-kit's, and runs pkcs11proxyd on the host).
packages=(
  pcscd vsmartcard-vpcd libpcsclite-dev pcsc-tools
  softhsm2 opensc openssl p11-kit p11-kit-modules libp11-kit-dev
  yubico-piv-tool ykcs11
  python3-pyscard python3-pykcs11
  build-essential pkg-config python3
  docker.io debootstrap caml-crush-clients caml-crush-server
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Only caml-crush's binaries are used (the bench starts pkcs11proxyd with its own
# configuration): the packaged service, listening on 127.0.0.1:4444, stays off.
if command -v systemctl >/dev/null && systemctl is-enabled caml-crush-server >/dev/null 2>&1; then
  "${SUDO[@]}" systemctl disable --now caml-crush-server >/dev/null 2>&1 || true
fi

scripts/start-pcscd.sh
scripts/start-docker.sh
# No image registry needed: the base image is built from Debian's mirror when missing.
"${SUDO[@]}" scripts/build-base-image.sh

npm install --no-audit --no-fund
# The package test (test/integration/package.test.ts) installs cardspec's tarball into a
# fresh project offline, from npm's cache: put the metadata and tarballs of its
# dependencies there (no install scripts: nothing is built here).
warm=$(mktemp -d)
trap 'rm -rf "$warm"' EXIT
npm pack --ignore-scripts --silent --pack-destination "$warm" >/dev/null
(cd "$warm" && echo '{"name":"cache-warm-up","version":"1.0.0","private":true}' >package.json \
  && npm install --ignore-scripts --no-audit --no-fund --silent ./cardspec-*.tgz '@types/node@^20.19.0' >/dev/null)
rm -rf "$warm"
trap - EXIT
# The example features take their PINs from the environment, as specs for real cards do.
CARD_PIN=1234 TOKEN_PIN=1234 npx cardspec run
