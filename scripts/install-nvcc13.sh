#!/usr/bin/env bash
# install-nvcc13.sh — installs nvcc 13.0 from NVIDIA's CUDA apt repository for Debian 12, for the
# first CUDA kernel image set (CMakeLists.txt finds /usr/local/cuda/bin/nvcc; README "Install").
# The GitHub workflows run it before `npm ci` / .ci/run where the nvcc 13 set must be built
# (release.yml: every set ships; gpu.yml: the images the GPU runners load; ci.yml: one matrix entry).
#
#   bash scripts/install-nvcc13.sh          as root on Debian 12 amd64 (a CI container)
#
# Only the compiler and the headers it includes in every compile (cuda-nvcc-13-0,
# cuda-cudart-dev-13-0): no driver (libcuda1 would change what GPU discovery finds on a GPU-less
# machine) and no CUDA libraries. Run again: a no-op when /usr/local/cuda/bin/nvcc reports 13.
set -euo pipefail
say() { printf 'install-nvcc13: %s\n' "$*" >&2; }
if /usr/local/cuda/bin/nvcc --version 2>/dev/null | grep -q 'release 13\.'; then
  say "nvcc 13 already in /usr/local/cuda"; exit 0
fi
[ "$(dpkg --print-architecture 2>/dev/null || echo none)" = amd64 ] || { say "Debian amd64 only"; exit 1; }
. /etc/os-release
[ "${ID:-}" = debian ] && [ "${VERSION_ID:-}" = 12 ] || { say "Debian 12 only (this is ${PRETTY_NAME:-unknown})"; exit 1; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends ca-certificates curl
keyring=$(mktemp --suffix=.deb)
curl -fsSL -o "$keyring" https://developer.download.nvidia.com/compute/cuda/repos/debian12/x86_64/cuda-keyring_1.1-1_all.deb
$SUDO dpkg -i "$keyring"
rm -f "$keyring"
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends cuda-nvcc-13-0 cuda-cudart-dev-13-0
[ -x /usr/local/cuda/bin/nvcc ] || $SUDO ln -sfn /usr/local/cuda-13.0 /usr/local/cuda
/usr/local/cuda/bin/nvcc --version | tail -n 2 >&2
