/*
 * chaoslab_linalg: Node-API binding of OpenBLAS + LAPACKE, float64 only.
 *
 * Every function works on caller-owned Float64Array buffers (no copies). Layout convention: LAPACK
 * column-major. A row-major symmetric matrix is its own column-major image, so eigh needs no transpose;
 * the eigenvectors come back as columns of Z, i.e. eigenvector j at z[j*n .. (j+1)*n).
 *
 * Arguments are validated here (type, size, range) and a JS TypeError/RangeError/Error names the
 * function and the argument, so a bad call never reaches LAPACK.
 */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <node_api.h>
#include <cblas.h>
#include <lapacke.h>

/*
 * One BLAS/LAPACK call at a time per process. The app and the tests call this addon from several JS threads at
 * once (run workers, the estimate worker, the main thread), and a multithreaded OpenBLAS entered concurrently from
 * two threads can deadlock in its thread pool (seen here: the caller spinning in sched_yield inside exec_blas under
 * dsyrk). Each thread keeps the thread count it asked for (setNumThreads); the count is applied inside the lock, so
 * another thread's setting cannot slip between it and the call.
 */
static pthread_mutex_t blas_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local int wanted_threads = 0;

static void blas_begin(void) {
  pthread_mutex_lock(&blas_lock);
  /* A thread that never asked runs on one thread (no OpenBLAS pool). */
  openblas_set_num_threads(wanted_threads > 0 ? wanted_threads : 1);
}
static void blas_end(void) { pthread_mutex_unlock(&blas_lock); }

/* Largest order accepted: LAPACKE's workspace sizes (1 + 6n + 2n^2 for dsyevd) are 32-bit ints. */
#define MAX_ORDER 30000

#define CALL(env, expr)                                                      \
  do {                                                                       \
    if ((expr) != napi_ok) {                                                 \
      napi_throw_error((env), NULL, "chaoslab_linalg: Node-API call failed"); \
      return NULL;                                                           \
    }                                                                        \
  } while (0)

static napi_value throw_range(napi_env env, const char *fn, const char *msg) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s: %s", fn, msg);
  napi_throw_range_error(env, NULL, buf);
  return NULL;
}

static napi_value throw_type(napi_env env, const char *fn, const char *msg) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s: %s", fn, msg);
  napi_throw_type_error(env, NULL, buf);
  return NULL;
}

static napi_value throw_lapack(napi_env env, const char *fn, const char *routine, lapack_int info) {
  char buf[256];
  if (info < 0)
    snprintf(buf, sizeof buf, "%s: %s rejected argument %d (info=%d)", fn, routine, (int)-info, (int)info);
  else
    snprintf(buf, sizeof buf, "%s: %s failed to converge (info=%d)", fn, routine, (int)info);
  napi_throw_error(env, NULL, buf);
  return NULL;
}

/* Reads argv[i] as an integer in [lo, hi]; returns 0 and throws on failure. */
static int get_dim(napi_env env, napi_value v, const char *fn, const char *name, int64_t lo, int64_t hi,
                   int *out) {
  napi_valuetype t;
  char msg[160];
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number) {
    snprintf(msg, sizeof msg, "%s must be a number", name);
    throw_type(env, fn, msg);
    return 0;
  }
  double d;
  napi_get_value_double(env, v, &d);
  if (!(d >= (double)lo && d <= (double)hi) || d != (double)(int64_t)d) {
    snprintf(msg, sizeof msg, "%s must be an integer in [%lld, %lld], got %g", name, (long long)lo,
             (long long)hi, d);
    throw_range(env, fn, msg);
    return 0;
  }
  *out = (int)d;
  return 1;
}

/* Reads argv value as a Float64Array of at least `need` elements; returns 0 and throws on failure. */
static int get_f64(napi_env env, napi_value v, const char *fn, const char *name, size_t need, double **out) {
  char msg[200];
  bool is_ta = false;
  napi_is_typedarray(env, v, &is_ta);
  if (!is_ta) {
    snprintf(msg, sizeof msg, "%s must be a Float64Array", name);
    throw_type(env, fn, msg);
    return 0;
  }
  napi_typedarray_type type;
  size_t len;
  void *data;
  napi_get_typedarray_info(env, v, &type, &len, &data, NULL, NULL);
  if (type != napi_float64_array) {
    snprintf(msg, sizeof msg, "%s must be a Float64Array", name);
    throw_type(env, fn, msg);
    return 0;
  }
  if (len < need) {
    snprintf(msg, sizeof msg, "%s has length %zu, needs at least %zu", name, len, need);
    throw_range(env, fn, msg);
    return 0;
  }
  *out = (double *)data;
  return 1;
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, const char *fn) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < want) {
    char msg[80];
    snprintf(msg, sizeof msg, "expected %zu arguments, got %zu", want, argc);
    throw_type(env, fn, msg);
    return 0;
  }
  return 1;
}

/* dsyevd(a, n, w, vectors): all eigenvalues (ascending) into w; with vectors, a is overwritten by Z. */
static napi_value js_dsyevd(napi_env env, napi_callback_info info) {
  const char *fn = "dsyevd";
  napi_value argv[4];
  int n;
  double *a, *w;
  bool vectors;
  if (!get_args(env, info, 4, argv, fn)) return NULL;
  if (!get_dim(env, argv[1], fn, "n", 1, MAX_ORDER, &n)) return NULL;
  if (!get_f64(env, argv[0], fn, "a", (size_t)n * n, &a)) return NULL;
  if (!get_f64(env, argv[2], fn, "w", (size_t)n, &w)) return NULL;
  if (napi_get_value_bool(env, argv[3], &vectors) != napi_ok) return throw_type(env, fn, "vectors must be a boolean");
  blas_begin();
  lapack_int r = LAPACKE_dsyevd(LAPACK_COL_MAJOR, vectors ? 'V' : 'N', 'L', n, a, n, w);
  blas_end();
  if (r != 0) return throw_lapack(env, fn, "LAPACKE_dsyevd", r);
  return NULL;
}

/* dsyevr(a, n, w, z): all eigenpairs by MRRR; a is destroyed, eigenvector j lands at z[j*n..]. */
static napi_value js_dsyevr(napi_env env, napi_callback_info info) {
  const char *fn = "dsyevr";
  napi_value argv[4];
  int n;
  double *a, *w, *z;
  if (!get_args(env, info, 4, argv, fn)) return NULL;
  if (!get_dim(env, argv[1], fn, "n", 1, MAX_ORDER, &n)) return NULL;
  if (!get_f64(env, argv[0], fn, "a", (size_t)n * n, &a)) return NULL;
  if (!get_f64(env, argv[2], fn, "w", (size_t)n, &w)) return NULL;
  if (!get_f64(env, argv[3], fn, "z", (size_t)n * n, &z)) return NULL;
  lapack_int *isuppz = malloc(sizeof(lapack_int) * 2 * (size_t)n);
  if (!isuppz) {
    napi_throw_error(env, NULL, "dsyevr: out of memory for isuppz");
    return NULL;
  }
  lapack_int m = 0;
  blas_begin();
  lapack_int r = LAPACKE_dsyevr(LAPACK_COL_MAJOR, 'V', 'A', 'L', n, a, n, 0.0, 0.0, 0, 0, 0.0, &m, w, z, n,
                                isuppz);
  blas_end();
  free(isuppz);
  if (r != 0) return throw_lapack(env, fn, "LAPACKE_dsyevr", r);
  if (m != n) {
    char msg[120];
    snprintf(msg, sizeof msg, "LAPACKE_dsyevr found %d of %d eigenvalues", (int)m, n);
    napi_throw_error(env, NULL, msg);
  }
  return NULL;
}

/*
 * eighTridiag(a, n, w, z, tau): A = Q T Qᵀ (dsytrd; Q's reflectors stay in a's lower triangle and tau), then
 * T = Z diag(w) Zᵀ by divide and conquer (dstedc): all eigenvalues ascending in w, the eigenvectors of T in z
 * (vector j at z[j*n..]). The eigenvectors of A are Q·Z (applyQ); dsyevd = these two steps + applyQ on all of Z.
 */
static napi_value js_eigh_tridiag(napi_env env, napi_callback_info info) {
  const char *fn = "eighTridiag";
  napi_value argv[5];
  int n;
  double *a, *w, *z, *tau;
  if (!get_args(env, info, 5, argv, fn)) return NULL;
  if (!get_dim(env, argv[1], fn, "n", 1, MAX_ORDER, &n)) return NULL;
  if (!get_f64(env, argv[0], fn, "a", (size_t)n * n, &a)) return NULL;
  if (!get_f64(env, argv[2], fn, "w", (size_t)n, &w)) return NULL;
  if (!get_f64(env, argv[3], fn, "z", (size_t)n * n, &z)) return NULL;
  if (!get_f64(env, argv[4], fn, "tau", (size_t)n, &tau)) return NULL;
  double *e = malloc(sizeof(double) * (size_t)n);
  if (!e) {
    napi_throw_error(env, NULL, "eighTridiag: out of memory");
    return NULL;
  }
  blas_begin();
  lapack_int r = LAPACKE_dsytrd(LAPACK_COL_MAJOR, 'L', n, a, n, w, e, tau);
  if (r == 0) r = LAPACKE_dstedc(LAPACK_COL_MAJOR, 'I', n, w, e, z, n);
  blas_end();
  free(e);
  if (r != 0) return throw_lapack(env, fn, "LAPACKE_dsytrd/dstedc", r);
  return NULL;
}

/* applyQ(a, n, tau, c, k, transpose): c ← Q c (or Qᵀ c) for the k vectors c[j*n..] with eighTridiag's Q (dormtr). */
static napi_value js_apply_q(napi_env env, napi_callback_info info) {
  const char *fn = "applyQ";
  napi_value argv[6];
  int n, k;
  double *a, *tau, *c;
  bool transpose;
  if (!get_args(env, info, 6, argv, fn)) return NULL;
  if (!get_dim(env, argv[1], fn, "n", 1, MAX_ORDER, &n)) return NULL;
  if (!get_dim(env, argv[4], fn, "k", 1, INT_MAX / n, &k)) return NULL;
  if (!get_f64(env, argv[0], fn, "a", (size_t)n * n, &a)) return NULL;
  if (!get_f64(env, argv[2], fn, "tau", (size_t)n, &tau)) return NULL;
  if (!get_f64(env, argv[3], fn, "c", (size_t)n * k, &c)) return NULL;
  if (napi_get_value_bool(env, argv[5], &transpose) != napi_ok) return throw_type(env, fn, "transpose must be a boolean");
  if (n == 1) return NULL; /* Q = I */
  blas_begin();
  lapack_int r = LAPACKE_dormtr(LAPACK_COL_MAJOR, 'L', 'L', transpose ? 'T' : 'N', n, k, a, n, tau, c, n);
  blas_end();
  if (r != 0) return throw_lapack(env, fn, "LAPACKE_dormtr", r);
  return NULL;
}

/*
 * gramAtA(a, rows, cols, c): c = Aᵀ A (cols×cols, both triangles filled) for row-major A (rows×cols).
 * Row-major A is column-major B = Aᵀ (cols×rows, ld = cols), so Aᵀ A = B Bᵀ = dsyrk(NoTrans).
 */
static napi_value js_gram(napi_env env, napi_callback_info info) {
  const char *fn = "gramAtA";
  napi_value argv[4];
  int rows, cols;
  double *a, *c;
  if (!get_args(env, info, 4, argv, fn)) return NULL;
  if (!get_dim(env, argv[1], fn, "rows", 1, INT_MAX, &rows)) return NULL;
  if (!get_dim(env, argv[2], fn, "cols", 1, MAX_ORDER, &cols)) return NULL;
  if (!get_f64(env, argv[0], fn, "a", (size_t)rows * cols, &a)) return NULL;
  if (!get_f64(env, argv[3], fn, "c", (size_t)cols * cols, &c)) return NULL;
  blas_begin();
  cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, cols, rows, 1.0, a, cols, 0.0, c, cols);
  blas_end();
  /* Upper triangle in column-major = c[j*cols + i], i <= j; mirror it into the lower one. */
  for (size_t j = 0; j < (size_t)cols; j++)
    for (size_t i = 0; i < j; i++) c[i * cols + j] = c[j * cols + i];
  return NULL;
}

/* dgemm(a, b, m, k, n, c): c = A·B, all row-major (A m×k, B k×n, C m×n). */
static napi_value js_dgemm(napi_env env, napi_callback_info info) {
  const char *fn = "dgemm";
  napi_value argv[6];
  int m, k, n;
  double *a, *b, *c;
  if (!get_args(env, info, 6, argv, fn)) return NULL;
  if (!get_dim(env, argv[2], fn, "m", 1, INT_MAX, &m)) return NULL;
  if (!get_dim(env, argv[3], fn, "k", 1, INT_MAX, &k)) return NULL;
  if (!get_dim(env, argv[4], fn, "n", 1, INT_MAX, &n)) return NULL;
  if (!get_f64(env, argv[0], fn, "a", (size_t)m * k, &a)) return NULL;
  if (!get_f64(env, argv[1], fn, "b", (size_t)k * n, &b)) return NULL;
  if (!get_f64(env, argv[5], fn, "c", (size_t)m * n, &c)) return NULL;
  blas_begin();
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, a, k, b, n, 0.0, c, n);
  blas_end();
  return NULL;
}

/*
 * qrThin(a, rows, cols, rdiag, r): A = QR for A column-major rows×cols (column j at a[j*rows..]),
 * rows >= cols. a is overwritten by the thin Q (same layout), rdiag gets diag(R) (signed, as dgeqrf
 * leaves it), and r (cols×cols, column-major, upper triangle, or null) the whole R.
 */
static napi_value js_qr(napi_env env, napi_callback_info info) {
  const char *fn = "qrThin";
  napi_value argv[5];
  int rows, cols;
  double *a, *rdiag, *r = NULL;
  if (!get_args(env, info, 5, argv, fn)) return NULL;
  if (!get_dim(env, argv[1], fn, "rows", 1, INT_MAX, &rows)) return NULL;
  if (!get_dim(env, argv[2], fn, "cols", 1, rows, &cols)) return NULL;
  if (!get_f64(env, argv[0], fn, "a", (size_t)rows * cols, &a)) return NULL;
  if (!get_f64(env, argv[3], fn, "rdiag", (size_t)cols, &rdiag)) return NULL;
  napi_valuetype rt;
  CALL(env, napi_typeof(env, argv[4], &rt));
  if (rt != napi_null && rt != napi_undefined && !get_f64(env, argv[4], fn, "r", (size_t)cols * cols, &r))
    return NULL;
  double *tau = malloc(sizeof(double) * (size_t)cols);
  if (!tau) {
    napi_throw_error(env, NULL, "qrThin: out of memory for tau");
    return NULL;
  }
  blas_begin();
  lapack_int e = LAPACKE_dgeqrf(LAPACK_COL_MAJOR, rows, cols, a, rows, tau);
  if (e != 0) {
    blas_end();
    free(tau);
    return throw_lapack(env, fn, "LAPACKE_dgeqrf", e);
  }
  for (size_t j = 0; j < (size_t)cols; j++) rdiag[j] = a[j * rows + j];
  if (r)
    for (size_t j = 0; j < (size_t)cols; j++)
      for (size_t i = 0; i < (size_t)cols; i++) r[j * cols + i] = i <= j ? a[j * rows + i] : 0.0;
  e = LAPACKE_dorgqr(LAPACK_COL_MAJOR, rows, cols, cols, a, rows, tau);
  blas_end();
  free(tau);
  if (e != 0) return throw_lapack(env, fn, "LAPACKE_dorgqr", e);
  return NULL;
}

static napi_value js_set_threads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int t;
  if (!get_args(env, info, 1, argv, "setNumThreads")) return NULL;
  if (!get_dim(env, argv[0], "setNumThreads", "threads", 1, 1024, &t)) return NULL;
  /* Applied at this thread's next call, inside the lock (blas_begin). */
  wanted_threads = t;
  return NULL;
}

static napi_value js_get_threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  /* What this thread asked for, else OpenBLAS's own default (the core count). */
  CALL(env, napi_create_int32(env, wanted_threads > 0 ? wanted_threads : openblas_get_num_threads(), &out));
  return out;
}

static napi_value str_or_empty(napi_env env, const char *s) {
  napi_value v;
  napi_create_string_utf8(env, s ? s : "", NAPI_AUTO_LENGTH, &v);
  return v;
}

static const char *lib_of(void *sym) {
  Dl_info di;
  return dladdr(sym, &di) && di.dli_fname ? di.dli_fname : "";
}

/* config(): { config, corename, blasLibrary, lapackeLibrary } — what was actually loaded. */
static napi_value js_config(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  CALL(env, napi_create_object(env, &out));
  napi_set_named_property(env, out, "config", str_or_empty(env, openblas_get_config()));
  napi_set_named_property(env, out, "corename", str_or_empty(env, openblas_get_corename()));
  napi_set_named_property(env, out, "blasLibrary", str_or_empty(env, lib_of((void *)openblas_get_config)));
  napi_set_named_property(env, out, "lapackeLibrary", str_or_empty(env, lib_of((void *)LAPACKE_dsyevd)));
  return out;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"dsyevd", NULL, js_dsyevd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"dsyevr", NULL, js_dsyevr, NULL, NULL, NULL, napi_enumerable, NULL},
      {"eighTridiag", NULL, js_eigh_tridiag, NULL, NULL, NULL, napi_enumerable, NULL},
      {"applyQ", NULL, js_apply_q, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gramAtA", NULL, js_gram, NULL, NULL, NULL, napi_enumerable, NULL},
      {"dgemm", NULL, js_dgemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"qrThin", NULL, js_qr, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setNumThreads", NULL, js_set_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getNumThreads", NULL, js_get_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"config", NULL, js_config, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
