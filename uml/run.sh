#!/bin/bash
# Runs one command as root inside a User-Mode Linux guest whose kernel has XFS project quotas
# (Debian's user-mode-linux package), for tests the host kernel cannot run.
#
#   uml/run.sh [-t TIMEOUT_S] [-m MEM] [-x XFS_SIZE] [-i XFS_IMAGE] [-e OPTIONS]... [-s DIR]... [-l LOG] -- COMMAND [ARGS...]
#
# The guest sees the host's / read-only (hostfs), tmpfs on /tmp and /run, this repository, the current directory and
# every -s DIR read-write, and an XFS mounted with pquota on /tmp/xfs (block device /dev/ubda): a
# fresh sparse image, or -i IMAGE (kept). Each -e OPTIONS adds a fresh XFS mounted with those options
# (e.g. pqnoenforce) at /tmp/xfs-OPTIONS, on /dev/ubdb, /dev/ubdc... COMMAND runs in the current directory with JAVA_HOME,
# PATH, LANG, MAVEN_OPTS and JAVA_TOOL_OPTIONS passed through.
# Exit status: COMMAND's; 124 on timeout; 125 when the guest reported nothing (panic, no UML).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
uml=${UML:-$(command -v linux.uml || true)}
timeout_s=300 mem=1G xfs_size=512M image= log=/dev/null
shares=() extras=()
while getopts "t:m:x:i:e:s:l:" opt; do
  case $opt in
    t) timeout_s=$OPTARG ;;
    m) mem=$OPTARG ;;
    x) xfs_size=$OPTARG ;;
    i) image=$(realpath "$OPTARG") ;;
    e) extras+=("$OPTARG") ;;
    s) shares+=("$(realpath "$OPTARG")") ;;
    l) log=$OPTARG ;;
    *) sed -n '4,5p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "uml/run.sh: no command given" >&2; exit 2; }
[ -n "$uml" ] && [ -x "$uml" ] || { echo "uml/run.sh: linux.uml not found (apt-get install -y user-mode-linux)" >&2; exit 125; }

run=$(mktemp -d "${UML_RUN_DIR:-/var/tmp}/corral-uml.XXXXXX")
uml_pid= sleeper=
finish() {
  local rc=$?
  set +e
  # SIGTERM to UML's main process makes it reap its helper processes itself
  if [ -n "$uml_pid" ] && kill "$uml_pid" 2>/dev/null; then wait "$uml_pid" 2>/dev/null; fi
  if [ -n "$sleeper" ]; then kill "$sleeper" 2>/dev/null || true; fi
  rm -rf "$run"
  exit "$rc"
}
trap finish EXIT
trap 'exit 143' TERM INT

# the repository this script belongs to (its build output: classes, jars, module path) and the
# current directory, also when they lie under /tmp, which the guest covers with a tmpfs
shares=("$(cd "$(dirname "$0")/.." && pwd)" "${shares[@]}" "$PWD")
printf '%s\n' "${shares[@]}" > "$run/shares"
{
  printf 'cd %q || exit 126\n' "$PWD"
  printf 'exec'; printf ' %q' "$@"; printf '\n'
} > "$run/command"
{
  for name in JAVA_HOME LANG LC_ALL MAVEN_OPTS JAVA_TOOL_OPTIONS; do
    [ -n "${!name:-}" ] && printf 'export %s=%q\n' "$name" "${!name}"
  done
  printf 'export PATH=%q HOME=/root TMPDIR=/tmp\n' "$PATH"
} > "$run/environment"

if [ -z "$image" ]; then
  image=$run/xfs.img
  truncate -s "$xfs_size" "$image"
  mkfs.xfs -q -f "$image"
fi

# extra disks: ubd1, ubd2... each with the mount options the guest will use
disks=(ubd0="$image")
: > "$run/extra-mounts"
for i in "${!extras[@]}"; do
  truncate -s 300M "$run/extra$i.img"
  mkfs.xfs -q -f "$run/extra$i.img"
  disks+=("ubd$((i + 1))=$run/extra$i.img")
  letter=$(printf "\\$(printf '%03o' $((98 + i)))")   # b, c, ...
  printf '/dev/ubd%s %s\n' "$letter" "${extras[$i]}" >> "$run/extra-mounts"
done

# UML keeps guest memory in a sparse unlinked file under TMPDIR: put it in the run dir (disk, exec allowed)
TMPDIR=$run "$uml" mem="$mem" root=/dev/root rootfstype=hostfs rootflags=/ ro \
  uml_dir="$run" "${disks[@]}" init="$here/guest-init.sh" CORRAL_UML_RUN="$run" \
  con=null con0=fd:0,fd:1 quiet < /dev/null > "$run/console" 2>&1 &
uml_pid=$!
tail -n +1 -f --pid="$uml_pid" "$run/console" \
  | grep --line-buffered -v -E '^(SELinux:|mmapper_init|Failed to write wtmp|Warning: tempdir|Checking )' \
  | tee "$log" &

# our own watchdog: UML leaves its process group, so timeout(1) would not reach it
sleep "$timeout_s" & sleeper=$!
wait -n "$uml_pid" "$sleeper" || true
if kill -0 "$uml_pid" 2>/dev/null; then
  echo "uml/run.sh: timed out after ${timeout_s}s" >&2
  exit 124
fi
uml_pid=
kill "$sleeper" 2>/dev/null || true
sleeper=
wait 2>/dev/null || true   # let tail drain the console
[ -f "$run/rc" ] || { echo "uml/run.sh: the guest reported no exit status" >&2; exit 125; }
echo "uml/run.sh: command started at $(cat "$run/t_start")s and ended at $(cat "$run/t_end")s of guest uptime" >&2
exit "$(cat "$run/rc")"
