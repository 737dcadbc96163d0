#!/usr/bin/env bash
# Install the system libraries Qt needs on Debian/Ubuntu, when they are missing.
# Usage: bash scripts/system-deps.sh test|gui
#   test: what offscreen Qt and the PDF checks need; gui: also what a window on X11 needs.
# Without root (or sudo) it only says what to install. Elsewhere (Windows, macOS) it does nothing.
set -euo pipefail
command -v dpkg >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 || exit 0
packages="libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3"
case "${1:-test}" in
  test) packages="$packages poppler-utils" ;;
  gui) packages="$packages libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0" ;;
esac
missing=""
for pkg in $packages; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
[ -n "$missing" ] || exit 0
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "Missing system libraries; install them with: apt-get install -y$missing" >&2
  exit 0
fi
echo "Installing system libraries for Qt:$missing" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
