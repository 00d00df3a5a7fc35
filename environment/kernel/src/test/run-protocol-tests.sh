#!/usr/bin/env bash
# Runs the kernel's Jupyter wire-protocol checks against an installed kernelspec.
#   environment/kernel/src/test/run-protocol-tests.sh [kernel-name]     (default: java)
# Needs Debian's python3-jupyter-kernel-test; uses /usr/bin/python3, not a pyenv shim.
# Prints "kernel checks: N passed, M failed, K skipped" last; exits non-zero on any failure.
set -euo pipefail
name="${1:-java}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! /usr/bin/python3 -c "import jupyter_kernel_test" 2>/dev/null; then
    echo "run-protocol-tests: python3-jupyter-kernel-test is not installed (apt-get install --no-install-recommends python3-jupyter-kernel-test)" >&2
    exit 2
fi
if ! jupyter kernelspec list 2>/dev/null | awk '{print $1}' | grep -qx "$name"; then
    echo "run-protocol-tests: no kernelspec named '$name' (see: jupyter kernelspec list)" >&2
    exit 2
fi
cd "$here/python"
PEERKIT_KERNEL_NAME="$name" PYDEVD_DISABLE_FILE_VALIDATION=1 exec /usr/bin/python3 -X frozen_modules=off test_kernel_protocol.py
