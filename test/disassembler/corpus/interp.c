/* A small bytecode interpreter: a dense switch (a jump table), a stack and calls through pointers. */
enum { OP_PUSH, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_DUP, OP_SWAP, OP_JZ, OP_JMP, OP_LT, OP_NEG,
       OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR, OP_CALL, OP_RET, OP_HALT };

typedef int (*builtin)(int, int);
static int b_min(int a, int b) { return a < b ? a : b; }
static int b_max(int a, int b) { return a > b ? a : b; }
static int b_abs(int a, int b) { (void)b; return a < 0 ? -a : a; }
static builtin builtins[] = { b_min, b_max, b_abs };

int run(const int *code, int *stack) {
  int pc = 0, sp = 0, rsp = 0, rstack[16];
  for (;;) {
    int op = code[pc++];
    switch (op) {
      case OP_PUSH: stack[sp++] = code[pc++]; break;
      case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case OP_DIV: sp--; stack[sp - 1] /= stack[sp]; break;
      case OP_MOD: sp--; stack[sp - 1] %= stack[sp]; break;
      case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case OP_SWAP: { int t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
      case OP_JZ: { int target = code[pc++]; if (stack[--sp] == 0) pc = target; break; }
      case OP_JMP: pc = code[pc]; break;
      case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case OP_NEG: stack[sp - 1] = -stack[sp - 1]; break;
      case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
      case OP_OR: sp--; stack[sp - 1] |= stack[sp]; break;
      case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
      case OP_SHL: sp--; stack[sp - 1] <<= stack[sp]; break;
      case OP_SHR: sp--; stack[sp - 1] = (int)((unsigned)stack[sp - 1] >> stack[sp]); break;
      case OP_CALL: { int f = code[pc++]; sp--; stack[sp - 1] = builtins[f](stack[sp - 1], stack[sp]); rstack[rsp++ & 15] = pc; break; }
      case OP_RET: pc = rstack[--rsp & 15]; break;
      case OP_HALT: return sp ? stack[sp - 1] : 0;
      default: return -1;
    }
  }
}

static const char *names[] = { "push", "add", "sub", "mul", "div", "mod", "dup", "swap", "jz", "jmp", "lt" };
const char *op_name(unsigned op) {
  switch (op) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8: case 9: case 10: return names[op];
    case 11: return "neg"; case 12: return "and"; case 13: return "or"; case 14: return "xor";
    default: return "?";
  }
}

int stack_area[64];
volatile int result;
void _start(void) {
  static const int prog[] = { OP_PUSH, 10, OP_PUSH, 0, OP_SWAP, OP_DUP, OP_JZ, 20, OP_PUSH, 1, OP_SUB, OP_SWAP,
                              OP_PUSH, 3, OP_ADD, OP_SWAP, OP_JMP, 5, OP_HALT, OP_HALT, OP_SWAP, OP_HALT };
  result = run(prog, stack_area) + (int)op_name((unsigned)result)[0];
  for (;;) {}
}
