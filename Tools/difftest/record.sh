#!/bin/bash
# Regenerate the Gate differential-test corpus natively (i386 code on an x86 Linux host).
#   Tools/difftest/record.sh            -> writes Tests/IA32Tests/Corpus/<family>.txt
# Deterministic: re-running on the same machine reproduces byte-identical files.
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$repo/Tests/IA32Tests/Corpus"
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT

gcc -m32 -O1 -static -Wall -o "$build/harness" "$here/harness.c"
mkdir -p "$out"

families=$(python3 "$here/gen.py" --list)
for fam in $families; do
    python3 "$here/gen.py" "$fam" | "$build/harness" > "$build/$fam.txt"
    mv "$build/$fam.txt" "$out/$fam.txt"
done

total=0
printf '%-12s %8s %8s %10s\n' file cases faults bytes
for fam in $families; do
    f="$out/$fam.txt"
    n=$(grep -vc '^#' "$f" || true)
    x=$(grep -v '^#' "$f" | awk -F';' '$6 != "-"' | wc -l)
    b=$(wc -c < "$f")
    printf '%-12s %8d %8d %10d\n' "$fam.txt" "$n" "$x" "$b"
    total=$((total + n))
done
printf '%-12s %8d   (%s)\n' total "$total" "$(du -sh "$out" | cut -f1)"
