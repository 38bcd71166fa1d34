#!/usr/bin/env bash
# Install the Debian packages thermodrift needs (idempotent; fast when all are present).
set -euo pipefail
PKGS=(
  g++ cmake make pkg-config git
  openmpi-bin libopenmpi-dev
  petsc-dev libhypre-dev libsundials-dev libeigen3-dev libhdf5-openmpi-dev
  libgtest-dev libbenchmark-dev liblammps-dev lammps-data
  libtoml11-dev libcli11-dev libfmt-dev nlohmann-json3-dev libceres-dev librandom123-dev libboost-dev
  python3 python3-numpy python3-h5py python3-matplotlib
  pybind11-dev python3-dev python3-mpi4py
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "all dependencies present"
fi
