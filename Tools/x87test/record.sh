#!/bin/bash
# Regenerate the Gate x87 differential corpus natively (i386 code on an x86 Linux host).
#   Tools/x87test/record.sh      -> writes Tests/IA32Tests/Corpus/x87/<family>.txt
# Deterministic: re-running on the same machine reproduces byte-identical files.
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$repo/Tests/IA32Tests/Corpus/x87"
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT

gcc -m32 -O1 -static -Wall -o "$build/x87harness" "$here/harness.c"
mkdir -p "$out"
families=$(python3 "$here/gen.py" --list)
for fam in $families; do
    python3 "$here/gen.py" "$fam" | "$build/x87harness" > "$build/$fam.txt"
    mv "$build/$fam.txt" "$out/$fam.txt"
done
total=0
for fam in $families; do
    n=$(grep -vc '^#' "$out/$fam.txt" || true)
    printf '%-16s %6d\n' "$fam.txt" "$n"
    total=$((total + n))
done
printf '%-16s %6d   (%s)\n' total "$total" "$(du -sh "$out" | cut -f1)"
