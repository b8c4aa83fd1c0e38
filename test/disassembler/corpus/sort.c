/* Sorting: insertion sort, quicksort and heapsort over ints and shorts. */
typedef unsigned int size_t;

static void swap(int *a, int *b) { int t = *a; *a = *b; *b = t; }

void insertion_sort(int *v, size_t n) {
  for (size_t i = 1; i < n; i++) {
    int x = v[i];
    size_t j = i;
    while (j > 0 && v[j - 1] > x) { v[j] = v[j - 1]; j--; }
    v[j] = x;
  }
}

void quicksort(int *v, int lo, int hi) {
  while (lo < hi) {
    int pivot = v[(lo + hi) / 2], i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) { swap(&v[i], &v[j]); i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(v, lo, j); lo = i; } else { quicksort(v, i, hi); hi = j; }
  }
}

static void sift_down(short *v, int start, int end) {
  int root = start;
  while (2 * root + 1 <= end) {
    int child = 2 * root + 1;
    if (child + 1 <= end && v[child] < v[child + 1]) child++;
    if (v[root] < v[child]) { short t = v[root]; v[root] = v[child]; v[child] = t; root = child; }
    else return;
  }
}

void heapsort16(short *v, int n) {
  for (int start = (n - 2) / 2; start >= 0; start--) sift_down(v, start, n - 1);
  for (int end = n - 1; end > 0; end--) {
    short t = v[end]; v[end] = v[0]; v[0] = t;
    sift_down(v, 0, end - 1);
  }
}

unsigned char bytes_sorted(const unsigned char *p, size_t n) {
  for (size_t i = 1; i < n; i++) if (p[i - 1] > p[i]) return 0;
  return 1;
}

int data[64];
short shorts[64];

void _start(void) {
  unsigned seed = 12345;
  for (int i = 0; i < 64; i++) { seed = seed * 1103515245u + 12345u; data[i] = (int)(seed >> 8); shorts[i] = (short)seed; }
  quicksort(data, 0, 63);
  insertion_sort(data, 64);
  heapsort16(shorts, 64);
  for (;;) {}
}
