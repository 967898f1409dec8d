#!/usr/bin/env bash
# Bring this checkout to a runnable state on Debian 12: system packages, .venv, the project.
# Idempotent and quick when nothing changed; ./run and ./test both call it.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # a virtual display for ./run on a headless machine, and CJK fonts for the UI
  xvfb xauth fonts-noto-cjk
  # what Qt's xcb and offscreen platforms load at run time
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
  # what bench/startup.py watches the X server with (Xlib, DAMAGE) and signs in through (XTEST)
  libx11-6 libxdamage1 libxtst6
  # smart cards: the PC/SC daemon, the vpcd virtual-reader driver our card simulator plugs into,
  # and what pyscard needs to build where no wheel fits
  pcscd vsmartcard-vpcd libpcsclite1 libpcsclite-dev swig gcc
  # Python 3.11 with venv support and headers (Debian 12's python3 is 3.11)
  python3 python3-venv python3-dev
  # spoken prompts to the applicant (app/speech.py through pyttsx3): the offline Mandarin voice 'cmn'
  espeak-ng libespeak-ng1 alsa-utils  # alsa-utils: aplay, through which pyttsx3 plays on Linux
  postgresql  # the central server's PostgreSQL backend, tested against a throwaway cluster
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing system packages: ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: Python 3.11 or newer is needed ($PYTHON is $("$PYTHON" -V 2>&1))" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.sicounter-installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing the project and its dev tools into .venv" >&2
  log=".venv/pip-install.log"
  if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -e '.[dev]'; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "setup: installing Python packages failed (log above, also in $log)" >&2
    exit 1
  fi
  rm -f .venv/.sicounter-installed-*
  touch "$stamp"
fi
