// The syscall lab's reference solution: three files, as the handout says.
import type { Edit } from '../../../labs/lab.ts';

export const solution: Edit[] = [
  {
    file: 'kernel/syscall_32.tbl',
    find: '450\ti386\tset_mempolicy_home_node\n',
    replace: '450\ti386\tset_mempolicy_home_node\n1000\ti386\twhichdoor\tsys_whichdoor\n',
  },
  {
    file: 'kernel/services/identity.ts',
    find: "import { Struct, copyToUser, FAULT } from './user.ts';\n",
    replace: "import { Struct, copyToUser, FAULT } from './user.ts';\nimport { VSYSCALL_SYSENTER_RETURN } from '../layout.ts';\n\n" +
      "/** whichdoor() (the syscall lab): 1 when the call came through SYSENTER — sysenter_entry's fake iret frame always holds SYSENTER_RETURN — else 0. */\n" +
      "export const sys_whichdoor: SyscallService = (_k, regs) => (regs.get('eip') >>> 0 === VSYSCALL_SYSENTER_RETURN ? 1 : 0);\n",
  },
  {
    file: 'userland/whichdoor.c',
    text: `/* whichdoor: the syscall lab's program — whichdoor() through both doors. */
#include "lib/libc.h"

int main(void)
{
	long through_int80 = __syscall_int80(__NR_whichdoor, 0, 0, 0);
	long through_vsyscall = __syscall(__NR_whichdoor);
	printf("whichdoor through int $0x80: %d\\n", (int)through_int80);
	printf("whichdoor through __kernel_vsyscall: %d\\n", (int)through_vsyscall);
	return 0;
}
`,
  },
];
