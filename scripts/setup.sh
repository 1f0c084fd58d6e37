#!/usr/bin/env bash
# Installs what Vigil needs on a fresh Debian/Ubuntu machine and builds it.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need=()
command -v java >/dev/null 2>&1 && java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])' || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v setsid >/dev/null 2>&1 || need+=(util-linux)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)   # NetAdminProcessTest drops CAP_NET_ADMIN
# The cluster database: PostgreSQL 15 (Debian 12's own version); Vigil runs it as the
# non-root 'postgres' user, on its own ports, next to the package's cluster.
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
# Network-namespace tests (run as root): faults as nftables rules on a test bridge, ARP checks.
command -v nft >/dev/null 2>&1 || need+=(nftables)
command -v arping >/dev/null 2>&1 || need+=(arping)
command -v ping >/dev/null 2>&1 || need+=(iputils-ping)
# Not `command -v kill`: that finds the shell builtin, so procps was never installed (issue 10 item 9).
{ [ -x /usr/bin/kill ] || [ -x /bin/kill ]; } && command -v ps >/dev/null 2>&1 || need+=(procps)
# Web console browser tests: Debian's chromium and its chromedriver (headless); CJK fonts so the
# Japanese screenshots show text, not boxes.
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
# HTTPS console browser test (issue 12): certutil imports the cluster CA into chromium's NSS store.
[ -x /usr/bin/certutil ] || need+=(libnss3-tools)
# Package test (issue 15): dpkg-deb builds the upgrade, systemd-analyze checks the units.
command -v dpkg-deb >/dev/null 2>&1 || need+=(dpkg)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
# HTTPS console test: a throw-away certificate.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ] && [ -n "$SUDO" ] && ! command -v sudo >/dev/null 2>&1; then
  echo "setup: missing ${need[*]}, and this user is not root and has no sudo. As root, run:" >&2
  echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${need[*]}" >&2
  echo "then run $0 again." >&2
  exit 1
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  # Debian's package creates and starts a cluster "15 main" on port 5432 that nothing uses (Vigil runs
  # its own): stop it and keep it from starting at boot. Nothing to do when there is none.
  if [[ " ${need[*]} " == *" postgresql-15 "* ]] && [ -d /etc/postgresql/15/main ]; then
    $SUDO pg_ctlcluster 15 main stop 2>/dev/null || true
    echo manual | $SUDO tee /etc/postgresql/15/main/start.conf >/dev/null
    if [ -d /run/systemd/system ]; then
      $SUDO systemctl disable --now postgresql@15-main >/dev/null 2>&1 || true
    fi
    echo "setup: stopped and disabled PostgreSQL's default cluster 15/main (port 5432); Vigil runs its own" >&2
  fi
fi
echo "setup: building Vigil" >&2
mvn -q -B -DskipTests -Ddist.skip=true package
echo "setup: done ($(java -version 2>&1 | head -1), $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'))" >&2
