#!/usr/bin/env bash
# Installs the peers the benchmarks compare whittle against, from Debian's packages:
# python3-onnx (model load/save), python3-torch and python3-numpy (training, fixtures), and
# OpenBLAS: without it Debian's torch falls back to the reference BLAS and is ~4x slower, which
# would flatter whittle. Run as root (or with sudo). The benchmarks use Debian's
# /usr/bin/python3 (override with WHITTLE_PYTHON), which is where apt installs them.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-onnx python3-torch python3-numpy python3-optuna libopenblas0-pthread
