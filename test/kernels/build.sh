#!/bin/sh
# Build one test kernel: build.sh NAME OUTDIR -> OUTDIR/NAME.elf (a Multiboot v1 ELF at 1 MiB).
# The same ELF runs on gate86 and on qemu-system-i386 -kernel.
set -e
here=$(dirname "$0")
name=$1
out=$2
mkdir -p "$out"
cflags="-m32 -march=i486 -ffreestanding -nostdlib -static -fno-pic -no-pie -fno-stack-protector -fno-asynchronous-unwind-tables -mno-sse -mno-mmx -mno-80387 -O1 -Wall -I$here/lib"
extra=""
[ -f "$here/$name.S" ] && extra="$here/$name.S"
src=""
[ -f "$here/$name.c" ] && src="$here/$name.c"
gcc $cflags -Wl,-T,$here/lib/kernel.ld -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -o "$out/$name.elf" \
  $here/lib/boot.S $here/lib/traps.S $here/lib/lib.c $src $extra
