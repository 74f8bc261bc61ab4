#!/bin/sh
# Install Debian's slurmctld + slurm-client for the Slurm topology tests
# (tests/test_emit_slurm.py starts a throwaway slurmctld on 127.0.0.1).
# Does nothing when slurmctld is already there, when not root, or without apt.
# The packages' postinst must not start a slurmctld service: while installing,
# a policy-rc.d that forbids service starts is put in place if none exists.
set -eu
command -v slurmctld >/dev/null 2>&1 && exit 0
[ "$(id -u)" = 0 ] || { echo "install-slurm: not root, Slurm tests will be skipped"; exit 0; }
command -v apt-get >/dev/null 2>&1 || { echo "install-slurm: no apt-get, Slurm tests will be skipped"; exit 0; }
POLICY=/usr/sbin/policy-rc.d
OWN=
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$POLICY"; chmod 755 "$POLICY"; OWN=1
fi
trap 'if [ -n "$OWN" ]; then rm -f "$POLICY"; fi' EXIT
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       slurmctld slurm-client >/dev/null; }; then
  echo "install-slurm: apt-get failed: the Slurm tests will be SKIPPED" >&2
fi
