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
command -v kill >/dev/null 2>&1 || need+=(procps)
# Web console browser tests: Debian's chromium and its chromedriver (headless); CJK fonts so the
# Japanese screenshots show text, not boxes.
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
# HTTPS console test: a throw-away certificate.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
echo "setup: building Vigil" >&2
mvn -q -B -DskipTests package
echo "setup: done ($(java -version 2>&1 | head -1), $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'))" >&2
