#!/usr/bin/env bash
# Times lvs-play against ansible-playbook on the lab (root; `lvs-play lab up` first): the same five
# resources on every Linux lab host, first run (changes) and converged runs (no changes).
# Only lab addresses are contacted. Usage: bench/vs-ansible.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
inv=/var/lib/lvs-play/lab/inventory.yml
hosts="lvs1 lvs2 rs1 rs2 client"
reset() { for h in $hosts; do node -e "import('./dist/src/lab/index.js').then(m=>m.hostExec('$h',['sh','-c','rm -rf /etc/sysctl.d/98-bench.conf /etc/bench-motd /etc/bench.conf /srv/bench']))"; done; }
t() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
export ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_STDOUT_CALLBACK=minimal ANSIBLE_PIPELINING=True ANSIBLE_FORKS=10 CI=true
printf '%-12s %-10s %8s\n' tool run ms
for tool in ansible lvs-play; do
  for i in $(seq "$runs"); do
    reset
    if [ $tool = ansible ]; then cmd=(ansible-playbook -i "$inv" bench/realserver.yml); else cmd=(node dist/src/cli/main.js bench/realserver.ts -i lab); fi
    printf '%-12s %-10s %8s\n' $tool "first#$i" "$(t "${cmd[@]}")"
    printf '%-12s %-10s %8s\n' $tool "again#$i" "$(t "${cmd[@]}")"
  done
done
