#!/bin/sh
# Rerun the transfer experiment end to end (≈30 min on a 2-core VM), then plot.
# Data and runs go to ${WORK:-/tmp/transfer}; results/transfer_results.json is
# appended to (recorded runs are skipped: delete it to start over).
set -e
cd "$(dirname "$0")/../.."
/usr/bin/python3 experiments/transfer/run.py --work "${WORK:-/tmp/transfer}" "$@"
/usr/bin/python3 experiments/transfer/plot.py
