#!/usr/bin/env bash
# Installs the Debian packages the full test suite uses (real PostgreSQL, filesystem tools to
# build disk images, qemu-img to convert them to qcow2/VMDK, debootstrap, chromium for the
# dashboard tests). Idempotent and quiet when
# everything is present; without root or apt it says what is missing and carries on, and the
# tests that need a missing tool skip loudly.
set -u
need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "$2" ]; }
have mke2fs /usr/sbin/mke2fs || need+=(e2fsprogs)
have mkfs.xfs /usr/sbin/mkfs.xfs || need+=(xfsprogs)
have sfdisk /usr/sbin/sfdisk || need+=(fdisk)
have debootstrap /usr/sbin/debootstrap || need+=(debootstrap)
have chromium /usr/bin/chromium || need+=(chromium)
have pvcreate /usr/sbin/pvcreate || need+=(lvm2)
[ -x /usr/bin/time ] || need+=(time)
have xz /usr/bin/xz || need+=(xz-utils)
have qemu-img /usr/bin/qemu-img || need+=(qemu-utils)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: missing Debian packages (${need[*]}); not root or no apt-get: tests needing them will skip" >&2
  exit 0
fi
echo "install-system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || echo "install-system-deps: apt-get update failed" >&2
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
  || echo "install-system-deps: apt-get install ${need[*]} failed: tests needing them will skip" >&2
exit 0
