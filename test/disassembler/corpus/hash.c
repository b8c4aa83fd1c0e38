/* Hashing: CRC32 (table and bitwise), FNV-1a, djb2, murmur3's finalizer, adler32. */
typedef unsigned int uint32_t;
typedef unsigned char uint8_t;
typedef unsigned short uint16_t;

static uint32_t crc_table[256];

void crc32_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}

uint32_t crc32(const uint8_t *p, uint32_t n) {
  uint32_t c = 0xffffffffu;
  while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
  return ~c;
}

uint32_t crc32_bitwise(const uint8_t *p, uint32_t n) {
  uint32_t c = ~0u;
  for (uint32_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & -(c & 1));
  }
  return ~c;
}

uint32_t fnv1a(const char *s) {
  uint32_t h = 2166136261u;
  while (*s) { h ^= (uint8_t)*s++; h *= 16777619u; }
  return h;
}

uint32_t djb2(const char *s) {
  uint32_t h = 5381;
  int c;
  while ((c = *s++)) h = ((h << 5) + h) + c;
  return h;
}

uint32_t fmix32(uint32_t h) {
  h ^= h >> 16; h *= 0x85ebca6b; h ^= h >> 13; h *= 0xc2b2ae35; h ^= h >> 16;
  return h;
}

uint32_t adler32(const uint8_t *p, uint32_t n) {
  uint32_t a = 1, b = 0;
  for (uint32_t i = 0; i < n; i++) { a = (a + p[i]) % 65521; b = (b + a) % 65521; }
  return (b << 16) | a;
}

uint16_t fletcher16(const uint8_t *p, int n) {
  uint16_t s1 = 0, s2 = 0;
  for (int i = 0; i < n; i++) { s1 = (uint16_t)((s1 + p[i]) % 255); s2 = (uint16_t)((s2 + s1) % 255); }
  return (uint16_t)((s2 << 8) | s1);
}

volatile uint32_t sink;
void _start(void) {
  static const char msg[] = "The quick brown fox";
  crc32_init();
  sink = crc32((const uint8_t *)msg, sizeof msg - 1) ^ crc32_bitwise((const uint8_t *)msg, 5) ^ fnv1a(msg) ^ djb2(msg)
       ^ fmix32(sink) ^ adler32((const uint8_t *)msg, 7) ^ fletcher16((const uint8_t *)msg, 9);
  for (;;) {}
}
