#!/usr/bin/env bash
# PEERkit's first command: set up (Debian's Jupyter, the build, the Java kernel) and open the
# notebooks in Jupyter Notebook on the embedded CPU backend.
#
#   environment/jupyter.sh [--port N] [--setup-only]
#
# Environment: PEERKIT_SCALE=smoke|full (default smoke), PEERKIT_BACKEND=cpu|cuda.
source "$(dirname "$0")/common.sh"

port="${PEERKIT_PORT:-8888}"
start=1
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="${2:?--port needs a number}"; shift 2 ;;
    --setup-only) start=0; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (use --port N or --setup-only)" ;;
  esac
done

check_java
need_apt jupyter-notebook jupyter-nbconvert jupyter-client python3-nbclient fontconfig fonts-dejavu-core
need_npm
build
install_kernel
say "datasets (cached after the first run)"
"$PEERKIT_ROOT/environment/peerkit" data prepare
[ "$start" -eq 1 ] || { say "set up; start later with environment/jupyter.sh"; exit 0; }

token="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
root_flag=()
[ "$(id -u)" -eq 0 ] && root_flag=(--allow-root)
say "Jupyter Notebook on the PEERkit notebooks: http://127.0.0.1:$port/tree?token=$token"
say "open 00-setup.ipynb first; stop with Ctrl-C"
exec jupyter notebook --no-browser --ip 127.0.0.1 --port "$port" "${root_flag[@]}" \
  --NotebookApp.token="$token" --notebook-dir "$PEERKIT_ROOT/notebooks"
