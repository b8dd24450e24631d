# shellcheck shell=sh
# dash: arithmetic in a loop, then many short-lived processes (fork + exec
# of arm64 programs), pipes, command substitution, here-documents and traps.
set -e
i=0 s=0
while [ "$i" -lt 3000 ]; do
	i=$((i + 1))
	s=$(((s + i * i) % 1000003))
done
echo "sum of squares mod 1000003: $s"
for i in $(seq 1 150); do
	echo "line $i" | sed 's/line/LINE/' | tr 'A-Z' 'a-z'
done | md5sum
n=0
for w in $(printf '%s\n' alpha beta gamma delta epsilon | sort -r); do
	n=$((n + 1))
	printf '%d:%s ' "$n" "$w"
done
echo
while read -r a b; do echo "$b $a"; done <<'END'
1 one
2 two
3 three
END
sh -c 'trap "echo trap: TERM caught" TERM; kill -TERM $$; echo "after the trap"'
sh -c 'kill -TERM $$; echo not reached' || echo "child killed: status $?"
x=$( (echo nested; echo subshells) | wc -l)
echo "nested: $x"
seq 1 20000 | awk '{ t += $1 } END { print "awk sum", t }'
yes abc | head -n 5000 | sort | uniq -c
