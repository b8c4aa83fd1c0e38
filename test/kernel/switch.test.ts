// The scheduler and CR3: a switch between two threads of one address space keeps CR3 (and the TLB),
// as Linux's switch_mm does when prev->mm == next->mm; a switch between two processes loads it.
// The test wraps the CPU's CR3 write and counts, around a ping-pong that switches ~2000 times.
import test from 'ava';
import { runI386Elf, i386Oracle } from '../support/i386-oracle.ts';
import { glibcProgram, runOnGate86 } from './support.ts';
import type { Kernel } from '../../kernel/kernel.ts';

interface Counted { stdout: string; status: number; cr3Loads: number; switches: number; counted: boolean }

/** Run the ping-pong, counting CR3 loads and task switches from the first clone/fork to the end. */
function pingPong(mode: string): Counted {
  let kernel: Kernel | null = null;
  let counting = false;
  let cr3Loads = 0;
  let switchesBefore = 0;
  const ours = runOnGate86(glibcProgram('glibc-switch'), [mode], {
    cpu: 'pentium3', instructionLimit: 500_000_000,
    attach: (k) => {
      kernel = k;
      const load = k.cpu.writeCr3.bind(k.cpu);
      k.cpu.writeCr3 = (value: number) => { if (counting) cr3Loads++; load(value); };
    },
    // By number (clone, fork, nanosleep, clock_nanosleep and its time64 twin): names are the table's.
    trace: (line) => {
      if (!counting && kernel !== null && /^syscall (120|2|162|267|407) /.test(line)) {
        counting = true;
        switchesBefore = kernel.contextSwitches;
      }
    },
  });
  const switches = kernel === null ? 0 : (kernel as Kernel).contextSwitches - switchesBefore;
  return { stdout: ours.stdout.toString(), status: ours.status ?? -1, cr3Loads, switches, counted: counting };
}

test(`switching between two threads of one process loads CR3 no more than a handful of times in ~2000 switches; between two processes, at every switch (the ping-pong's output as natively, ${i386Oracle()})`, (t) => {
  const program = glibcProgram('glibc-switch');
  const threads = pingPong('threads');
  t.is(threads.stdout, runI386Elf(program, ['threads']).stdout.toString());
  t.is(threads.status, 0);
  const processes = pingPong('processes');
  t.is(processes.stdout, runI386Elf(program, ['processes']).stdout.toString());
  t.is(processes.status, 0);
  t.log(`threads: ${threads.switches} switches, ${threads.cr3Loads} CR3 loads; processes: ${processes.switches} switches, ${processes.cr3Loads} CR3 loads`);
  t.true(threads.counted && processes.counted, 'the count started at the first clone/fork');
  t.true(threads.switches >= 2000, `${threads.switches} switches between the threads`);
  t.true(threads.cr3Loads < 16, `${threads.cr3Loads} CR3 loads`);
  t.true(processes.switches >= 2000, `${processes.switches} switches between the processes`);
  t.true(processes.cr3Loads >= 2000, `${processes.cr3Loads} CR3 loads`);
});

test(`a task that sleeps with nothing else to run switches to the idle task and back 100 times with no CR3 load: the idle task borrows the address space (lazy TLB) (the output as natively, ${i386Oracle()})`, (t) => {
  const sleep = pingPong('sleep');
  t.is(sleep.stdout, runI386Elf(glibcProgram('glibc-switch'), ['sleep']).stdout.toString());
  t.is(sleep.status, 0);
  t.log(`sleep: ${sleep.switches} switches, ${sleep.cr3Loads} CR3 loads`);
  t.true(sleep.counted, 'the count started at the first sleep');
  t.true(sleep.switches >= 100, `${sleep.switches} switches to and from the idle task`);
  t.true(sleep.cr3Loads < 4, `${sleep.cr3Loads} CR3 loads`);
});
