/* Kernel-flavoured C: inline assembly (so gcc emits #APP blocks), bit fields, a switch that
   becomes a jump table, function pointers, static locals, strings and 64-bit arithmetic. */
struct desc { unsigned limit0 : 16, base0 : 16, base1 : 8, type : 4, s : 1, dpl : 2, p : 1; };

static inline void cpuid(unsigned leaf, unsigned *a, unsigned *b, unsigned *c, unsigned *d) {
	__asm__ volatile ("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "0"(leaf));
}

static inline unsigned long long rdmsr(unsigned msr) {
	unsigned lo, hi;
	__asm__ volatile ("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((unsigned long long)hi << 32) | lo;
}

static inline void wrmsr(unsigned msr, unsigned lo, unsigned hi) {
	__asm__ volatile ("wrmsr" : : "c"(msr), "a"(lo), "d"(hi));
}

unsigned features(void) {
	unsigned a, b, c, d;
	cpuid(1, &a, &b, &c, &d);
	if (((a >> 8) & 15) == 6 && ((a >> 4) & 15) < 3 && (a & 15) < 3) d &= ~(1u << 11);
	return d;
}

void enable_sep(unsigned cs, unsigned esp, void (*entry)(void)) {
	wrmsr(0x174, cs, 0);
	wrmsr(0x175, esp, 0);
	wrmsr(0x176, (unsigned)entry, 0);
}

unsigned long long tsc_delta(void) {
	return rdmsr(0x10) - rdmsr(0x10) / 3;
}

void set_desc(struct desc *d, unsigned base, unsigned limit, int type) {
	d->limit0 = limit;
	d->base0 = base;
	d->base1 = base >> 16;
	d->type = type;
	d->s = 1;
	d->dpl = 3;
	d->p = 1;
}

const char *name_of(int n) {
	switch (n) {
	case 0: return "restart_syscall";
	case 1: return "exit";
	case 2: return "fork";
	case 3: return "read";
	case 4: return "write";
	case 5: return "open";
	case 6: return "close";
	case 20: return "getpid";
	default: return "?";
	}
}

typedef int (*handler)(int, int);
static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static handler table[] = { add, sub };

int dispatch(unsigned i, int a, int b) {
	static int calls;
	calls++;
	return i < 2 ? table[i](a, b) + calls : -38;
}

long long mul64(long long a, long long b) { return a * b + (a >> 3); }
unsigned short swap16(unsigned short x) { return (unsigned short)(x << 8 | x >> 8); }
