# The three microloops of `npm run bench`. Each runs ECX iterations and stops the machine with
# `int $0xfd` (gate86's FlatMachine stops on every INT n). Instruction counts come from the machine.

  .text
  .globl _start
_start:
  int $0xfd

# Register ALU: add/xor chains, dec, jnz. 6 instructions per iteration.
  .globl alu_loop
alu_loop:
1:addl %esi, %eax
  xorl %eax, %edx
  addl %edx, %ebx
  xorl %ebx, %esi
  decl %ecx
  jnz 1b
  int $0xfd

# Memory: load, add, store (twice), dec, jnz; EDI points at a writable buffer. 8 per iteration.
  .globl memory_loop
memory_loop:
1:movl (%edi), %eax
  addl %ecx, %eax
  movl %eax, (%edi)
  movl 4(%edi), %edx
  addl %eax, %edx
  movl %edx, 4(%edi)
  decl %ecx
  jnz 1b
  int $0xfd

# Call/ret with push/pop: 10 instructions per iteration.
  .globl call_loop
call_loop:
1:pushl %ecx
  call leaf
  popl %ecx
  decl %ecx
  jnz 1b
  int $0xfd
leaf:
  pushl %ebx
  movl %ecx, %ebx
  addl %ebx, %eax
  popl %ebx
  ret

# The loop of test/kernels/microloop.c, the same 6 instructions: section (c) of the bench runs it here
# (the integer core alone) and inside the booted microloop kernel (the whole machine), to show what the
# system half and the devices cost the integer path.
  .globl kernel_loop
kernel_loop:
1:addl %ecx, %eax
  xorl $0x5a5a, %eax
  roll $3, %eax
  leal 1(%eax,%ecx,2), %edx
  decl %ecx
  jnz 1b
  int $0xfd
