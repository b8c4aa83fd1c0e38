// The worker entry for `gate86 run` and `gate86 boot` (the 'program' job, vm/worker/protocol.ts):
// the machine, the gate86 kernel and its TypeScript services in one thread, because the CPU calls
// the services synchronously through VMCALL (worker-job.ts). The main thread (cli/program-host.ts)
// starts it; vm/worker/machine-worker.ts is the other entry, for bare Multiboot kernels.

import { serveJob } from '../vm/worker/serve.ts';
import type { ConsoleBuffers, ProgramJob } from '../vm/worker/protocol.ts';
import { runProgramJob } from './worker-job.ts';

// Every error of a program job is reported in one line: a bad image, or a bug in the kernel's
// TypeScript half (an oops), which must never surface as a host stack trace.
serveJob<ProgramJob & ConsoleBuffers>(runProgramJob, () => true);
