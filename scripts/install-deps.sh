#!/usr/bin/env bash
# Installs what lvs-play's lab and tests need on a fresh Debian 12 machine (as root):
# Debian packages (lab namespaces, sshd, debootstrap, qemu for the IPVS VMs, keepalived for
# `keepalived -t`, Ansible (and ansible-vault) for comparisons, prometheus/promtool, headless chromium,
# pywinrm + gss-ntlmssp for the lab's WinRM endpoint) and PowerShell 7 from NuGet. Idempotent.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "install-deps.sh: run as root (it installs Debian packages)" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
PKGS="debootstrap openssh-client openssh-server iproute2 iptables nftables procps psmisc kmod
      e2fsprogs qemu-system-x86 qemu-utils keepalived ipvsadm ansible ca-certificates curl
      prometheus chromium python3-winrm python3-gssapi gss-ntlmssp openssl hyperfine"
missing=$(for p in $PKGS; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$' || echo "$p"; done)
if [ -n "$missing" ]; then
  # packages must not start daemons on this machine itself
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi
export PATH="$HOME/.dotnet/tools:$PATH"
if ! command -v pwsh >/dev/null 2>&1; then
  if command -v dotnet >/dev/null 2>&1; then
    dotnet tool install --global PowerShell --version 7.6.9 >/dev/null
  else
    echo "install-deps.sh: no dotnet SDK: PowerShell 7 (pwsh) not installed; Windows-host tests will be skipped" >&2
  fi
fi
echo "install-deps.sh: ok"
