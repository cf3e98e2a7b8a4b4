#!/usr/bin/env bash
# Runs one fuzz target: fuzz/run.sh TARGET [SECONDS] [MORE SEED DIRECTORIES...]
#
# TARGET is probe, process or staged; SECONDS defaults to 1800. New inputs go to
# fuzz/corpus/TARGET, findings to fuzz/artifacts/TARGET. The seeds are the fixtures, the
# conformance suites and the saved regression inputs (libFuzzer reads directories recursively).
# Nice'd and one process: the machine is shared. Set FUZZ_FORK=1 to go on after a finding
# (libFuzzer's -fork=1 -ignore_crashes=1 ...), to collect several in one run.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh probe|process|staged [SECONDS] [SEED DIRS...]}
seconds=${2:-1800}
shift $(( $# < 2 ? $# : 2 ))
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# libFuzzer needs nightly; pinned by date so a finding reproduces with the same compiler. A
# rustup "nightly" of that very build (rustc 1.97.0-nightly e50aa6fba) is taken as it is.
toolchain=nightly-2026-05-20
if ! rustup run "$toolchain" rustc -V >/dev/null 2>&1; then
  if rustup run nightly rustc -V 2>/dev/null | grep -q 'e50aa6fba 2026-05-19'; then
    toolchain=nightly
  else
    rustup toolchain install "$toolchain" --profile minimal
  fi
fi
mkdir -p "corpus/$target" "artifacts/$target"
fork=()
if [ "${FUZZ_FORK:-0}" = 1 ]; then
  fork=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi
# Fork mode copies the corpus into $TMPDIR/libFuzzerTemp.* for every job and leaves the copies
# when stopped: three targets filled 5 GB of /tmp in half an hour. Give it a directory of its own
# and remove it when the run ends.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
TMPDIR=$scratch nice -n 15 cargo "+$toolchain" fuzz run "$target" \
  "corpus/$target" ../tests/fixtures ../tests/conformance ../core-component/tests/fuzz-regressions "$@" -- \
  -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=131072 -print_final_stats=1 "${fork[@]}"
