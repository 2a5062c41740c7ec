#!/usr/bin/env bash
# fetch-nvcc11.sh — puts nvcc 11.8 (Debian 12 `non-free`: nvidia-cuda-toolkit 11.8) into a private
# folder, for the second CUDA kernel image set (CMakeLists.txt: FLINT_NVCC_11; README "Building").
#
#   bash scripts/fetch-nvcc11.sh [DEST]     DEST defaults to .toolchains/cuda-11.8 in the repository
#
# Nothing is installed system-wide: the toolkit package depends on libcuda1, a driver stub that
# would change what GPU discovery finds on a GPU-less machine. Instead apt runs on a private
# sources list and state folder (DEST/.apt, Debian's own archive and keyring, `non-free` added),
# `apt-get download` fetches the two packages that hold the compiler, and only the files nvcc needs
# are unpacked:
#   nvidia-cuda-toolkit  nvcc, cicc (statically linked: libnvvm is built in), ptxas, fatbinary,
#                        nvlink, cudafe++, libdevice.10.bc  (84 MB download)
#   nvidia-cuda-dev      usr/include only: the CUDA headers nvcc includes in every compile (its
#                        774 MB download is mostly the CUDA libraries, which are not unpacked)
# and a nvcc.profile relative to the folder replaces Debian's (which points at /usr). The host
# compiler is g++-11 (nvcc 11.8 accepts g++ <= 11; Debian 12's default g++ is 12).
# Prints DEST/bin/nvcc on stdout; says what it did on stderr. Run again: a no-op when DEST/bin/nvcc
# already reports 11.8.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$root/.toolchains/cuda-11.8}"
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
say() { printf 'fetch-nvcc11: %s\n' "$*" >&2; }

if [ -x "$dest/bin/nvcc" ] && "$dest/bin/nvcc" --version 2>/dev/null | grep -q 'release 11\.8'; then
  say "nvcc 11.8 already in $dest"
  echo "$dest/bin/nvcc"
  exit 0
fi
case "$(dpkg --print-architecture 2>/dev/null || echo none)" in
  amd64) ;;
  *) say "only amd64 Debian packages are used here"; exit 1 ;;
esac

apt="$dest/.apt"
rm -rf "$apt"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs"
touch "$apt/status"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main contrib non-free" \
  > "$apt/sources.list"
aptopts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
         -o "Dir::State=$apt" -o "Dir::State::Lists=$apt/lists" -o "Dir::State::status=$apt/status"
         -o "Dir::Cache=$apt/cache" -o Debug::NoLocking=1 -o APT::Sandbox::User=root -q)
t0=$(date +%s)
say "apt-get update (private state in $apt)"
apt-get "${aptopts[@]}" update >&2
(cd "$apt/debs" && apt-get "${aptopts[@]}" download nvidia-cuda-toolkit nvidia-cuda-dev >&2)
say "downloaded $(du -sm "$apt/debs" | cut -f1) MB in $(( $(date +%s) - t0 )) s"

x="$apt/x"
mkdir -p "$x"
dpkg -x "$apt"/debs/nvidia-cuda-toolkit_*.deb "$x"
dpkg-deb --fsys-tarfile "$apt"/debs/nvidia-cuda-dev_*.deb | tar -x -C "$x" ./usr/include

rm -rf "$dest/bin" "$dest/include" "$dest/nvvm"
mkdir -p "$dest/bin" "$dest/nvvm/libdevice"
tk="$x/usr/lib/nvidia-cuda-toolkit"
cp "$tk/bin/nvcc" "$tk/bin/cicc" "$x/usr/bin/ptxas" "$x/usr/bin/fatbinary" "$x/usr/bin/nvlink" "$x/usr/bin/cudafe++" "$dest/bin/"
cp -r "$tk/bin/crt" "$dest/bin/"
cp "$tk/libdevice/libdevice.10.bc" "$dest/nvvm/libdevice/"
mv "$x/usr/include" "$dest/include"
cat > "$dest/bin/nvcc.profile" <<'EOF'
# nvcc.profile of scripts/fetch-nvcc11.sh: everything relative to this folder
TOP = $(_HERE_)/..
NVVMIR_LIBRARY_DIR = $(TOP)/nvvm/libdevice
PATH += $(_HERE_):
INCLUDES += "-I$(TOP)/include" $(_SPACE_)
EOF
rm -rf "$apt"
"$dest/bin/nvcc" --version | grep -q 'release 11\.8' || { say "the unpacked nvcc does not report release 11.8"; exit 1; }
say "nvcc 11.8 in $dest ($(du -sm "$dest" | cut -f1) MB) after $(( $(date +%s) - t0 )) s"
echo "$dest/bin/nvcc"
