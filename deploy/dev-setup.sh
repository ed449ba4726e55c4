#!/usr/bin/env bash
# Prepare this Debian machine to run Antre from this checkout: the Debian packages it needs
# (installed only when missing) and a virtualenv in .venv with Antre and its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

# mosquitto: the broker; espeak-ng + alsa-utils: the display's voice; libgl1/libegl1/mesa: Kivy's
# windows (also offscreen in tests); libusb: USB ticket printers; faketime: the clock tests;
# poppler-utils: the report tests read the PDF back (pdftotext) and render its pages (pdftoppm);
# chromium + fonts-dejavu-core: the staff console's browser tests (Playwright drives this Chromium).
wanted=(mosquitto mosquitto-clients python3-venv espeak-ng alsa-utils libgl1 libegl1 libgl1-mesa-dri libusb-1.0-0 faketime
        poppler-utils chromium fonts-dejavu-core)
missing=()
for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "dev-setup: installing ${missing[*]}"
    "${sudo_cmd[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
# Install only when pyproject.toml changed since the last install: a rerun (every `deploy/lobby.sh`)
# starts at once and quietly. The build backend's own notices go to a log, shown if it fails.
stamp=.venv/.antre-installed
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1  # the tests use Debian's chromium; nothing is downloaded
wanted_stamp="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted_stamp" ] || [ ! -x .venv/bin/antre ]; then
    echo "dev-setup: installing Antre and its tools into .venv"
    if ! { .venv/bin/python -m pip install -q --upgrade pip &&
           .venv/bin/python -m pip install -q -e ".[test]"; } >.venv/install.log 2>&1; then
        cat .venv/install.log
        echo "dev-setup: the install failed (log above, kept in .venv/install.log)" >&2
        exit 1
    fi
    echo "$wanted_stamp" >"$stamp"
fi
echo "dev-setup: ready ($(.venv/bin/antre --help >/dev/null && echo 'antre installed in .venv'))"
