#!/bin/sh
# Run by `make test` after pytest: make sure no process the tests started outlives
# the run (the tests kill what they start in `finally`; this is the safety net for a
# test killed mid-way). Reports and kills: slurmctld/munged started by the Slurm
# test, and any process still running this checkout's Python (language servers,
# forked emitters, builds).
here=$(cd "$(dirname "$0")/../.." && pwd)
left=$(ps -eo pid=,args= | awk -v me="$$" -v root="$here" '
  $1 != me && ($2 ~ /(^|\/)(slurmctld|munged)$/ || index($0, root "/.venv/bin/") > 0) { print $1 }')
for pid in $left; do
  echo "reap: stopping leftover process $pid: $(ps -o args= -p "$pid" 2>/dev/null)" >&2
  kill "$pid" 2>/dev/null
done
[ -n "$left" ] && sleep 1 && for pid in $left; do kill -9 "$pid" 2>/dev/null; done
exit 0
