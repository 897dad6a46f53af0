#!/usr/bin/env bash
# Size and compile-time report for issue 14 (generated decoders): run it
# before and after a change to event/payload and compare the two outputs.
#
#   bench/size.sh            # RUNS=3 by default
#   RUNS=5 bench/size.sh     # average the compile times over more runs
#
# It prints
#  (i)  the stripped size (go build -trimpath -ldflags='-s -w') of
#       cmd/zoomevents and of bench/cmd/sizeprobe, a program that imports
#       only package event and calls event.Parse on a literal body;
#  (ii) the compile time of event and of every package of the root module
#       that event imports (payload, internal/...; listed by go list -deps),
#       each compiled on its own with every other dependency (the standard
#       library) already in the build cache. Every run passes those packages,
#       and only those, a gcflag naming a fresh file (-bench, which makes the
#       compiler append its own phase timings there and changes nothing in
#       its output), so the go command recompiles them and nothing else; a
#       -toolexec wrapper times each compile process: wall clock, and CPU
#       time (user + system, all its threads; less sensitive than the wall
#       clock to other load on the machine). The times are averaged over RUNS
#       runs; "go build" is the whole command's wall time, go's own package
#       loading and hashing included. Everything is built with -trimpath, so
#       a cold cache compiles the standard library once.
#
# Needs only Go (and, for the bench module's go.mod, the module proxy on the
# first run) and bash 4 or later; on 2 busy vCPUs it takes about 15 s with a
# warm build cache, 1 min 50 s with an empty one (the standard library). It writes only to a temporary
# directory (removed on exit) and the Go build cache. Timings depend on the
# machine and its load: compare runs made on the same machine, one after the
# other, and do not put them in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C # bash's times and awk print and read decimal points
RUNS="${RUNS:-3}"
mod=$(go list -m)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now_us() { # wall clock in microseconds
  if [ -n "${EPOCHREALTIME:-}" ]; then
    local t=${EPOCHREALTIME/[.,]/}
    echo "$t"
  else
    echo $(($(date +%s%N) / 1000))
  fi
}

human() { awk -v b="$1" 'BEGIN { printf "%d B (%.2f MiB)", b, b / 1048576 }'; }

echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "go: $(go version)"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- 2>/dev/null || echo ' (+ uncommitted changes)')"
echo "cpus: $(nproc 2>/dev/null || echo '?')"

echo
echo "== stripped binary sizes (go build -trimpath -ldflags='-s -w')"
go build -trimpath -ldflags='-s -w' -o "$tmp/zoomevents" ./cmd/zoomevents
(cd bench && go build -trimpath -ldflags='-s -w' -o "$tmp/sizeprobe" ./cmd/sizeprobe)
if [ "$("$tmp/sizeprobe")" != meeting.started ]; then
  echo "sizeprobe did not parse its body" >&2
  exit 1
fi
printf '%-28s %s\n' "cmd/zoomevents" "$(human "$(wc -c <"$tmp/zoomevents")")"
printf '%-28s %s\n' "bench/cmd/sizeprobe (event)" "$(human "$(wc -c <"$tmp/sizeprobe")")"

# The packages to time: event and the root module's packages it imports.
mapfile -t pkgs < <(go list -deps ./event | grep -E "^${mod//./\\.}(/|\$)")

# The -toolexec wrapper: runs the tool; appends the import path of every
# package compiled to $tmp/compiled, and for a compile of one of pkgs
# "<import path> <wall µs> <user CPU> <system CPU>" to $tmp/times (the CPU
# times as bash's times prints them, 0m1.234s).
cat >"$tmp/timeexec" <<EOF
#!/usr/bin/env bash
set -euo pipefail
tool=\$1
case "\${tool##*/}" in
compile | compile.exe) ;;
*) exec "\$@" ;;
esac
pkg=
prev=
for a in "\$@"; do
  if [ "\$prev" = -p ]; then pkg=\$a; fi
  prev=\$a
done
if [ -n "\$pkg" ]; then echo "\$pkg" >>"$tmp/compiled"; fi
case " ${pkgs[*]} " in
*" \$pkg "*) ;;
*) exec "\$@" ;;
esac
$(declare -f now_us)
start=\$(now_us)
"\$@"
end=\$(now_us)
times >"$tmp/cpu.\$\$" # line 2: the compile's user and system CPU time
{ read -r _ _; read -r cu cs; } <"$tmp/cpu.\$\$"
echo "\$pkg \$((end - start)) \$cu \$cs" >>"$tmp/times"
EOF
chmod +x "$tmp/timeexec"

echo
echo "== compile time of ${pkgs[*]#"$mod/"} (each alone, dependencies cached; mean of $RUNS runs)"
# Warm the cache with the same -toolexec (in case the go command keys on it):
# the standard library and the packages themselves.
: >"$tmp/times"
: >"$tmp/compiled"
go build -trimpath -toolexec="$tmp/timeexec" ./event
: >"$tmp/times"
: >"$tmp/wall"
for i in $(seq 1 "$RUNS"); do
  : >"$tmp/compiled"
  start=$(now_us)
  go build -trimpath -toolexec="$tmp/timeexec" -gcflags="$mod/...=-bench=$tmp/bench.$i" ./event
  end=$(now_us)
  echo "go-build $((end - start))" >>"$tmp/wall"
  got=$(sort "$tmp/compiled" | tr '\n' ' ')
  want=$(printf '%s\n' "${pkgs[@]}" | sort | tr '\n' ' ')
  if [ "$got" != "$want" ]; then
    echo "run $i compiled [$got], not exactly [$want]" >&2
    exit 1
  fi
done
cat "$tmp/times" "$tmp/wall" | awk -v mod="$mod/" -v runs="$RUNS" '
  function sec(t) { split(t, p, /[ms]/); return p[1] * 60 + p[2] }
  $1 == "go-build" { wall += $2; next }
  {
    sub("^" mod, "", $1); if (!($1 in w)) order[n++] = $1
    w[$1] += $2 / 1e6; c[$1] += sec($3) + sec($4); tw += $2 / 1e6; tc += sec($3) + sec($4)
  }
  END {
    printf "%-26s %9s %9s\n", "", "wall", "CPU"
    for (i = 0; i < n; i++) printf "%-26s %8.3fs %8.3fs\n", order[i], w[order[i]] / runs, c[order[i]] / runs
    printf "%-26s %8.3fs %8.3fs\n", "sum of the compiles", tw / runs, tc / runs
    printf "%-26s %8.3fs\n", "go build (whole command)", wall / runs / 1e6
  }'
