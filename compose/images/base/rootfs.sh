#!/bin/sh
# The root filesystem of sinkmatrix/base:local: bookworm minbase plus ./packages, without apt caches
# or docs.  Runs on the host as root:  rootfs.sh ROOT [MIRROR]   (then: tar -C ROOT -c . | docker import)
set -eu
root=$1
mirror=${2:-http://deb.debian.org/debian}
here=$(dirname "$0")
packages=$(grep -v '^#' "$here/packages" | paste -sd, -)

debootstrap --variant=minbase --include="$packages" bookworm "$root" "$mirror"

# apt: the release, its updates and security fixes; no recommends, no docs in later layers
rm -f "$root/etc/apt/sources.list"
cat > "$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
cat > "$root/etc/apt/apt.conf.d/90sinkmatrix" <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
APT
cat > "$root/etc/dpkg/dpkg.cfg.d/90sinkmatrix-nodoc" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
DPKG
# package scripts must not start services inside an image build
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
  "$root"/var/cache/debconf/*-old "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/tmp/* \
  "$root"/usr/share/man/* "$root"/usr/share/info/*
find "$root/usr/share/doc" -type f ! -name copyright -delete
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
: > "$root/etc/machine-id"
