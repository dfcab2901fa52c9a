#!/usr/bin/env bash
# Debian packages the tests use for real: LibreOffice (DOCX/XLSX → PDF), poppler (pdftotext),
# Chromium (HTML in a real browser), Japanese fonts, pandoc (the benchmark's peer), npm (axe-core).
# Installs only what is missing; needs root (CI and the dev machines run as root).
set -euo pipefail
need=()
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v chromium >/dev/null || need+=(chromium)
command -v pandoc >/dev/null || need+=(pandoc)
command -v npm >/dev/null || need+=(npm)  # the site tests install axe-core with it
# read the font list once: `fc-list | grep -q` fails under pipefail when grep closes the pipe early
fonts=$(fc-list : family 2>/dev/null || true)
grep -qi ipaex <<<"$fonts" || need+=(fonts-ipaexfont)
grep -qi "noto sans cjk" <<<"$fonts" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
