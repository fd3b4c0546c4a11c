#!/usr/bin/env bash
# Builds the image `debian:bookworm-slim` locally, for machines that reach Debian's
# mirror but no image registry: debootstrap (minbase) into a temp folder, trimmed like
# Docker Hub's slim image, then `docker import`. containers/simulator/Dockerfile's
# default BASE_IMAGE then works unchanged. Does nothing when the image exists already
# (unless --force). Needs root (debootstrap) and a running Docker engine.
#
#   scripts/build-base-image.sh [--force] [--suite bookworm] [--tag debian:SUITE-slim]
#   MIRROR=http://deb.debian.org/debian scripts/build-base-image.sh
set -euo pipefail

tag=
suite=bookworm
force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --tag) tag=$2; shift ;;
    --suite) suite=$2; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-base-image: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
tag=${tag:-debian:$suite-slim}

if ! docker info >/dev/null 2>&1; then
  echo "build-base-image: no Docker engine answers: start one (\`sudo systemctl start docker\`, or \`sudo dockerd &\`)" >&2
  exit 1
fi
if [ "$force" -eq 0 ] && docker image inspect "$tag" >/dev/null 2>&1; then
  echo "build-base-image: $tag is there already (--force builds it again)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "build-base-image: debootstrap needs root: run it with sudo" >&2
  exit 1
fi
command -v debootstrap >/dev/null || { echo "build-base-image: debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }

# The host's Debian mirror (main archive and security), from its apt sources: one-line
# style (sources.list) and deb822 (*.sources). MIRROR / SECURITY_MIRROR override them.
apt_uris() {
  {
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }'
    cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }'
  } | sed 's:/*$::'
}
mirror=${MIRROR:-$(apt_uris | grep -E '/debian$' | head -n1 || true)}
mirror=${mirror:-http://deb.debian.org/debian}
security=${SECURITY_MIRROR:-$(apt_uris | grep -E '/debian-security$' | head -n1 || true)}
security=${security:-http://deb.debian.org/debian-security}

rootfs=$(mktemp -d /tmp/cardspec-rootfs.XXXXXX)
trap 'rm -rf --one-file-system "$rootfs"' EXIT

echo "build-base-image: debootstrap --variant=minbase $suite from $mirror"
debootstrap --variant=minbase --components=main "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
  tail -n 20 "$rootfs.log" >&2
  echo "build-base-image: debootstrap failed (full log: $rootfs.log)" >&2
  exit 1
}
rm -f "$rootfs.log"

# As Docker Hub's debian:*-slim: apt sources in deb822 form, no docs, man pages or
# locales (now and for every later apt-get install), no apt caches, no recommends.
rm -f "$rootfs/etc/apt/sources.list"
cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
echo 'APT::Install-Recommends "false";' >"$rootfs/etc/apt/apt.conf.d/docker-no-recommends"
find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
rm -rf "$rootfs"/usr/share/{man,info,groff,lintian,linda}/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/log/*.log "$rootfs"/tmp/*
find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null || true
# No machine identity in an image: systemd-less containers make their own.
: >"$rootfs/etc/machine-id"

echo "build-base-image: docker import as $tag"
tar --numeric-owner -C "$rootfs" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["bash"]' \
  --change "LABEL org.opencontainers.image.description=\"Debian $suite minbase from $mirror, built by cardspec's scripts/build-base-image.sh\"" \
  - "$tag" >/dev/null
docker image ls "$tag"
