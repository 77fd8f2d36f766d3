#!/bin/bash
# Soak test of Gate's x87 against the host's FPU: fresh random cases (gen.py with new
# seeds), run natively by the harness and by the same harness inside Gate, compared line
# by line. Only the exact families: the transcendental ones are approximate, and
# "control" ends in nested #MF signals, which stop the harness under Gate (see README).
#   Tools/x87test/soak.sh GATE [FIRST_SEED [LAST_SEED]]
# GATE is a built gate binary. Prints each mismatching case (native line, then Gate's)
# and a summary; exits 1 if any case differs.
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
gate=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
first=${2:-1}
last=${3:-$first}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gcc -m32 -O1 -static -Wall -o "$work/x87harness" "$here/harness.c"
families="chain load store add mul div unary binary compare compare_arith stack mmx"
cases=0
bad=0
for seed in $(seq "$first" "$last"); do
    for fam in $families; do
        python3 "$here/gen.py" "$fam" "$seed" > "$work/spec"
        "$work/x87harness" < "$work/spec" > "$work/native"
        "$gate" run "$work/x87harness" < "$work/spec" > "$work/gate" 2> "$work/stderr" || true
        n=$(grep -vc '^#' "$work/native" || true)
        cases=$((cases + n))
        if ! cmp -s "$work/native" "$work/gate"; then
            # The host's last-instruction pointers are not always the program's own (the
            # kernel's FXSAVE-leak workaround on AMD rewrites them at a context switch), so
            # a differing case counts only if it differs again when run natively alone.
            d=0
            while IFS= read -r line; do
                name=${line%%;*}
                grep -m1 "^$name;" "$work/spec" | "$work/x87harness" > "$work/again"
                if ! grep -qxF -f "$work/again" "$work/gate"; then
                    d=$((d + 1))
                    echo "seed $seed $fam: $name differs"
                    echo "  native: $(cat "$work/again")"
                    echo "  gate:   $(grep -m1 "^$name;" "$work/gate" || echo '(missing)')"
                fi
            done < <(diff "$work/native" "$work/gate" | sed -n 's/^< //p')
            bad=$((bad + d))
            if [ "$(grep -vc '^#' "$work/gate" || true)" != "$n" ]; then
                echo "seed $seed $fam: Gate stopped early: $(tail -1 "$work/stderr")"
                bad=$((bad + 1))
            fi
        fi
    done
done
echo "soak: $cases cases, $bad differ (seeds $first-$last)"
[ "$bad" = 0 ]
