// getrandom(buf, count, flags): bytes from the host's CSPRNG (glibc's start-up asks for a few).

import type { SyscallService } from '../kernel.ts';
import { EINVAL } from '../layout.ts';
import { copyToUser, FAULT } from './user.ts';

const GRND_NONBLOCK = 1;
const GRND_RANDOM = 2;
const GRND_INSECURE = 4;

export const sys_getrandom: SyscallService = (k, regs) => {
  const [buffer, count, flags] = regs.args();
  if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) !== 0) return -EINVAL;
  const n = Math.min(count, 33554431);
  return copyToUser(k, buffer, k.host.random(n)) ? n : FAULT;
};
