#!/usr/bin/env bash
# Prepare this Debian machine to run Antre from this checkout: the Debian packages it needs
# (installed only when missing) and a virtualenv in .venv with Antre and its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

# mosquitto: the broker; espeak-ng + alsa-utils: the display's voice; libgl1/libegl1/mesa: Kivy's
# windows (also offscreen in tests); libusb: USB ticket printers; faketime: the clock tests;
# poppler-utils: the report tests read the PDF back (pdftotext) and render its pages (pdftoppm).
wanted=(mosquitto mosquitto-clients python3-venv espeak-ng alsa-utils libgl1 libegl1 libgl1-mesa-dri libusb-1.0-0 faketime
        poppler-utils)
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
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
echo "dev-setup: ready ($(.venv/bin/antre --help >/dev/null && echo 'antre installed in .venv'))"
