#!/bin/sh
# PID 1 of the UML guest started by uml/run.sh. Kernel command-line words the kernel does not know
# (CORRAL_UML_RUN=...) arrive here as environment variables.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
run=$CORRAL_UML_RUN
uptime_s() { cut -d' ' -f1 /proc/uptime; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs shm /dev/shm
mount -t tmpfs -o size=1g tmp /tmp
mount -t tmpfs run /run
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null

# the run directory and the shares, read-write through hostfs
mkdir -p "$run" && mount -t hostfs -o "$run" none "$run"
while IFS= read -r dir; do
  mkdir -p "$dir" 2>/dev/null
  mount -t hostfs -o "$dir" none "$dir" || echo "uml guest: cannot share $dir"
done < "$run/shares"

mkdir -p /tmp/xfs
mount -t xfs -o pquota /dev/ubda /tmp/xfs || echo "uml guest: cannot mount /dev/ubda with pquota"

while read -r device options; do
  mkdir -p "/tmp/xfs-$options"
  mount -t xfs -o "$options" "$device" "/tmp/xfs-$options" || echo "uml guest: cannot mount $device with $options"
done < "$run/extra-mounts"

uptime_s > "$run/t_start"
. "$run/environment"
sh "$run/command"
echo $? > "$run/rc"
uptime_s > "$run/t_end"

umount /tmp/xfs /tmp/xfs-* 2>/dev/null
sync
poweroff -f -f 2>/dev/null || halt -f
