#!/usr/bin/env bash
# Set up (if needed) and run every test and the lint. Real Mosquitto, real SQLite files, and
# PostgreSQL where one answers on 127.0.0.1:5432 (those tests skip with the reason otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/dev-setup.sh
.venv/bin/ruff check .
# Three workers on a 2-core machine: most tests wait on processes (broker, hub, apps) rather than
# compute; "worksteal" keeps the long end-to-end tests from piling up on one worker. Measured: the
# whole suite 18 min with 2 workers by file, under 10 min with 3 stealing (load 3-5).
.venv/bin/python -m pytest -n "${ANTRE_TEST_WORKERS:-3}" --dist worksteal "$@"
