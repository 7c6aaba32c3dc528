#!/usr/bin/env bash
# Run a command while the machine is busy, as a reader's laptop often is:
# LOAD_PROCESSES (default 2) CPU-burning processes run beside it and are
# stopped, by their own PIDs, when it ends. Exits with the command's status.
#   bash scripts/under_load.sh make test
set -u
burners=()
stop() { [ ${#burners[@]} -gt 0 ] && kill "${burners[@]}" 2>/dev/null; }
trap stop EXIT
trap 'exit 130' INT TERM
for _ in $(seq "${LOAD_PROCESSES:-2}"); do
  (while :; do :; done) &
  burners+=("$!")
done
echo "under load: ${#burners[@]} CPU-burning processes (PIDs ${burners[*]})"
start=$SECONDS
"$@"
status=$?
echo "under load: '$*' exited $status after $((SECONDS - start)) s"
exit "$status"
