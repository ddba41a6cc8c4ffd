#!/usr/bin/env bash
# Install the Debian packages Tiaki needs, only those missing. Safe to run repeatedly.
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# package: why
for pkg in \
  postgresql        `# the production database; the test suite also runs on it` \
  chromium          `# browser tests (Playwright drives Debian's Chromium)` \
  chromium-driver   `# matching driver for Chromium` \
  sqlite3           `# the sqlite3 CLI: tests inspect the embedded database as an attacker would` \
  gettext           `# compiling translations` \
  libpango-1.0-0    `# WeasyPrint PDFs` \
  libpangoft2-1.0-0 \
  fonts-noto-core   `# native scripts in PDFs: Thai, Myanmar, Sinhala, Tamil` \
  fonts-noto-extra \
  poppler-utils     `# tests render PDF pages to PNG` \
  default-jre-headless `# Apache Spark (resolution engine at scale)` \
  ; do
  have_pkg "$pkg" || need+=("$pkg")
done

# A JRE already on the machine (e.g. openjdk-17) is enough for Spark.
if command -v java >/dev/null 2>&1; then
  need=("${need[@]/default-jre-headless}")
fi
missing=()
for pkg in "${need[@]}"; do [ -n "$pkg" ] && missing+=("$pkg"); done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing system packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
