#!/usr/bin/env bash
# Set up (if needed) and run every test and the lint. Real Mosquitto, real SQLite files, and
# PostgreSQL where one answers on 127.0.0.1:5432 (those tests skip with the reason otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/dev-setup.sh
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
