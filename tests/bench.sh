#!/usr/bin/env bash
# Prints how long a learner and an instructor wait, measured on this machine, side by side with `dotnet ef`.
# Usage: tests/bench.sh [--quick | --no-suite | --suite]   (--quick leaves out the class of 30 and the test suite's
# timings, which take minutes; --no-suite leaves out the suite's only; --suite times the suite alone)
# Run it after `dotnet build Workbook.sln` on a quiet machine; each figure is the best of three runs (but the class's and
# the suite's). The check keeps its workbenches in a cache folder of this run's own (WORKBOOK_CHECK_CACHE).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
check="$root/tests/Workbook.Check/bin/Debug/net10.0/Workbook.Check.dll"
work=$(mktemp -d)
export WORKBOOK_CHECK_CACHE="$work/cache"
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
# best SECONDS of three runs of a command (its output thrown away)
best() {
  local best=""
  for _ in 1 2 3; do
    local start end took
    start=$(now); "$@" >/dev/null 2>&1; end=$(now)
    took=$(echo "$end - $start" | bc)
    if [ -z "$best" ] || [ "$(echo "$took < $best" | bc)" -eq 1 ]; then best=$took; fi
  done
  printf '%.2f' "$best"
}
ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }
# The suite's two tiers, warm (after one build): the whole suite, then the in-process tier alone.
suite() {
  echo "== dotnet test Workbook.sln, warm (after one build)"
  local start end log
  log="$work/suite.log"
  start=$(now); dotnet test Workbook.sln --no-build >"$log" 2>&1; end=$(now)
  printf 'all tests:                                           %.0f s (%s)\n' "$(echo "$end - $start" | bc)" "$(grep -oE 'Failed: +[0-9]+, Passed: +[0-9]+' "$log" | tail -1)"
  start=$(now); dotnet test Workbook.sln --no-build --filter "Category!=Docs&Category!=CommandLine" >"$log" 2>&1; end=$(now)
  printf 'in process (neither Docs nor CommandLine):           %.0f s (%s)\n' "$(echo "$end - $start" | bc)" "$(grep -oE 'Failed: +[0-9]+, Passed: +[0-9]+' "$log" | tail -1)"
}
if [ "${1:-}" = "--suite" ]; then
  suite
  exit 0
fi
sandbox=$(command -v bwrap >/dev/null 2>&1 && echo "bubblewrap" || echo "none (bwrap is not installed)")

# A learner's clone, made from the solutions: chapters 01-05 solved and built, chapter 03 and 04 migrated.
mkdir -p "$work/learner"
cp global.json Directory.Build.props Directory.Packages.props "$work/learner/"
mkdir -p "$work/learner/.config" && cp .config/dotnet-tools.json "$work/learner/.config/"
mkdir -p "$work/learner/chapters"
for chapter in solutions/0[1-5]-*; do
  name=$(basename "$chapter")
  cp -r "$chapter" "$work/learner/chapters/$name" && rm -rf "$work/learner/chapters/$name"/{bin,obj} "$work/learner/chapters/$name"/*.db
  dotnet build "$work/learner/chapters/$name" -v q --nologo >/dev/null
done
for name in 03-first-migration 04-comment-relationship; do
  (cd "$work/learner/chapters/$name" && dotnet ef database update --no-build >/dev/null)
done
chapters="$work/learner/chapters"
./check 01 --path "$chapters" >/dev/null 2>&1 # builds the check itself, once

echo "== One chapter, built and solved (sandbox: $sandbox)"
ef=$(cd "$chapters/03-first-migration" && best dotnet ef migrations script)
readme=$(best dotnet run --project tests/Workbook.Check -- 03 --path "$chapters" --no-cache)
fast=$(best ./check 03 --path "$chapters" --no-cache)
fast_cached=$(best ./check 03 --path "$chapters")
bare=$(best ./check 03 --path "$chapters" --no-cache --no-sandbox)
echo "dotnet ef migrations script (chapter 03):            ${ef} s"
echo "dotnet run --project tests/Workbook.Check -- 03:     ${readme} s fresh ($(ratio "$readme" "$ef")x ef)"
echo "./check 03:                                          ${fast} s fresh ($(ratio "$fast" "$ef")x ef), ${fast_cached} s unchanged ($(ratio "$fast_cached" "$ef")x ef)"
echo "./check 03 --no-sandbox:                             ${bare} s fresh ($(ratio "$bare" "$ef")x ef)"
five=$(best ./check 05 --path "$chapters" --no-cache)
echo "./check 05:                                          ${five} s fresh"

echo "== The learner's loop: dotnet ef (which builds the chapter), then ./check 03 --no-cache, three times"
for round in 1 2 3; do
  start=$(now); (cd "$chapters/03-first-migration" && dotnet ef migrations script >/dev/null 2>&1); middle=$(now)
  ./check 03 --path "$chapters" --no-cache >/dev/null 2>&1; end=$(now)
  took_ef=$(echo "$middle - $start" | bc); took_check=$(echo "$end - $middle" | bc)
  printf 'round %s: dotnet ef %.2f s, then ./check 03 %.2f s (%sx ef)\n' "$round" "$took_ef" "$took_check" "$(ratio "$took_check" "$took_ef")"
done
echo "== A save, then ./check 03 (the build the save needs)"
for round in 1 2 3; do
  echo "// saved $(date +%s%N)" >>"$chapters/03-first-migration/Program.cs"
  start=$(now); ./check 03 --path "$chapters" >/dev/null 2>&1; end=$(now)
  printf 'save %s: %.2f s\n' "$round" "$(echo "$end - $start" | bc)"
done

echo "== Progress view of five chapters"
progress=$(best ./check --path "$chapters" --no-cache)
progress_cached=$(best ./check --path "$chapters")
echo "./check (five chapters):                             ${progress} s fresh, ${progress_cached} s unchanged"

echo "== Watch mode: from a save in chapter 03 to its result"
# Three saves, one after the other; the first comes a pause after the first result, as a learner reads it before editing:
# 5 s, during the warm-up that watch mode does meanwhile, then 15 s, after it.
for pause in 5 15; do
  log="$work/watch.log"
  dotnet "$check" 03 --path "$chapters" --watch >"$log" 2>&1 &
  watcher=$!
  for _ in $(seq 1 600); do grep -q "^Watching" "$log" && break; sleep 0.1; done
  sleep "$pause"
  for save in first second third; do
    lines=$(wc -l <"$log")
    start=$(now)
    echo "// saved $(date +%s%N)" >>"$chapters/03-first-migration/Program.cs"
    for _ in $(seq 1 1200); do
      tail -n +"$((lines + 1))" "$log" | grep -qE "checks (pass|fail)" && break
      sleep 0.05
    done
    end=$(now)
    printf 'save to result, %-6s save, %2d s after the first result: %.2f s\n' "$save" "$pause" "$(echo "$end - $start" | bc)"
    sleep 1
  done
  kill -TERM "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null # a background job of a script ignores SIGINT
done

echo "== A class: N copies of a solved chapter 03, with the sandbox and without"
sizes="10 30"
[ "${1:-}" = "--quick" ] && sizes="10"
for n in $sizes; do
  rm -rf "$work/class"
  for i in $(seq -w 1 "$n"); do
    mkdir -p "$work/class/learner$i/chapters"
    cp -r "$chapters/03-first-migration" "$work/class/learner$i/chapters/" && rm -rf "$work/class/learner$i/chapters/03-first-migration"/{bin,obj}
  done
  for mode in sandbox no-sandbox; do
    extra=""; [ "$mode" = "no-sandbox" ] && extra="--no-sandbox"
    rm -rf "$WORKBOOK_CHECK_CACHE"
    start=$(now); dotnet "$check" 03 --class "$work/class" --no-cache $extra >/dev/null 2>&1; end=$(now)
    took=$(echo "$end - $start" | bc)
    printf '%2d learners, %-10s:                     %.1f s (%.2f s a learner)\n' "$n" "$mode" "$took" "$(echo "$took / $n" | bc -l)"
  done
done

if [ -z "${1:-}" ]; then
  suite
fi
