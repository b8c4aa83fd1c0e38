/* The instructions fpu.c tries, one routine each. The label `<name>_at` marks the instruction that
 * may fault, so the C side can tell whether the fault was reported at it (a fault's EIP). */
        .text

/* An x87 instruction that waits (FLD1) and one that does not (FNSTSW). */
        .globl probe_fld1, probe_fld1_at
probe_fld1:
probe_fld1_at:
        fld1
        fstp %st(0)
        ret

        .globl probe_fnstsw, probe_fnstsw_at
probe_fnstsw:
probe_fnstsw_at:
        fnstsw %ax
        ret

        .globl probe_fwait, probe_fwait_at
probe_fwait:
probe_fwait_at:
        fwait
        ret

        .globl probe_fnclex, probe_fnclex_at
probe_fnclex:
probe_fnclex_at:
        fnclex
        ret

/* FXSAVE into the buffer whose address is in fx_target (aligned or not, as the test sets it). */
        .globl probe_fxsave, probe_fxsave_at
probe_fxsave:
        movl fx_target, %eax
probe_fxsave_at:
        fxsave (%eax)
        ret

        .globl probe_fxrstor, probe_fxrstor_at
probe_fxrstor:
        movl fx_target, %eax
probe_fxrstor_at:
        fxrstor (%eax)
        ret

/* 1 / 0 with ZE unmasked: no fault here (the exception becomes pending: FSW.ES). */
        .globl divide_by_zero
divide_by_zero:
        fninit
        fldcw zero_divide_unmasked
        fldz
        fld1
        fdiv %st(1), %st
        ret

/* MOV CR4 with the value in %eax (the CPU may refuse a bit the model lacks: #GP). */
        .globl probe_cr4, probe_cr4_at
probe_cr4:
        movl 4(%esp), %eax
probe_cr4_at:
        movl %eax, %cr4
        ret

        .data
zero_divide_unmasked:
        .word 0x037b
