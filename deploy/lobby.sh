#!/usr/bin/env bash
# Set up (if needed) and run the whole lobby on this one machine: broker, hub and the apps.
# Ctrl-C stops everything. Settings: ANTRE_MQTT_URL, ANTRE_DB_URL, ANTRE_SITE, ANTRE_CONFIG.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/dev-setup.sh
# The demo site (two services, two desks, officer "demo" with PIN 1234) unless you bring your own.
export ANTRE_CONFIG="${ANTRE_CONFIG:-$PWD/deploy/demo.toml}"
exec .venv/bin/antre up "$@"
