# Run by Debian's busybox sh, in Gate and natively; every child stays inside Gate.
echo "pipeline: $(printf 'b\na\nc\n' | sort | tr a-z A-Z | head -n 2 | wc -l)"
printf 'one\ntwo\nthree\n' | grep -n t | sed 's/:/ -> /'
x=$(echo hello | (read w; echo "sub:$w")); echo "$x"
( cd /; pwd; exit 3 ); echo "subshell status $?"
echo "nested: $(echo $(echo deep))"
sleep 0.1 & a=$!
(sleep 0.05; echo bg-done > bg.out) & b=$!
wait $a; echo "wait a: $?"
wait $b; echo "wait b: $?"; cat bg.out
sh -c 'exit 7' & wait $!; echo "bg exit: $?"
trap 'echo trapped USR1' USR1
kill -USR1 $$
sleep 10 & k=$!
kill -TERM $k; wait $k; echo "killed: $?"
sleep 0.3 & s=$!
kill -STOP $s; kill -CONT $s; wait $s; echo "stopped, continued: $?"
trap 'echo exiting' EXIT
false || echo "or-list ok"
for i in 1 2 3; do echo "n$i"; done | tac
echo abc > f.txt; cat < f.txt | md5sum
ls f.txt bg.out | sort
expr 6 \* 7
busybox echo "applet via busybox"
read line < f.txt; echo "read: $line"
echo $(( 3 + 4 * 5 ))
yes | head -n 3
seq 1 2000 | awk '{ s += $1 } END { print "sum", s }'
