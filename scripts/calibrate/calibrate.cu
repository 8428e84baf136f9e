// infx calibration probe: measures what one GPU actually achieves for the
// performance model's efficiency factors (docs/perf-model.md):
//   - dense GEMM TFLOP/s at BF16 (cuBLAS) and FP8 E4M3 (cuBLASLt, Hopper+)
//     at serving-like shapes (M = tokens in a step, N x K = weight matrix);
//   - HBM read bandwidth (a streaming read kernel, like decode reading
//     weights) and copy bandwidth.
// Prints a calibration YAML (gemm_mfu, weight_mbu, kv_mbu) relative to the
// datasheet peaks given on the command line, for `infx plan --calibration`.
//
// Build and run (scripts/calibrate/run.sh does both):
//   nvcc -O3 -std=c++17 -arch=sm_90 calibrate.cu -lcublas -lcublasLt -o calibrate
//   ./calibrate --peak-bf16-tflops 989 --peak-fp8-tflops 1979 --peak-hbm-tbs 4.8
#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#define CHECK_CUDA(x)                                                   \
  do {                                                                  \
    cudaError_t e = (x);                                                \
    if (e != cudaSuccess) {                                             \
      std::fprintf(stderr, "CUDA error %s at %s:%d\n",                  \
                   cudaGetErrorString(e), __FILE__, __LINE__);          \
      std::exit(1);                                                     \
    }                                                                   \
  } while (0)
#define CHECK_CUBLAS(x)                                                 \
  do {                                                                  \
    cublasStatus_t s = (x);                                             \
    if (s != CUBLAS_STATUS_SUCCESS) {                                   \
      std::fprintf(stderr, "cuBLAS error %d at %s:%d\n", int(s),        \
                   __FILE__, __LINE__);                                 \
      std::exit(1);                                                     \
    }                                                                   \
  } while (0)

namespace {

struct Options {
  double peak_bf16_tflops = 989;   // H200 SXM dense BF16
  double peak_fp8_tflops = 1979;   // H200 SXM dense FP8
  double peak_hbm_tbs = 4.8;       // H200 SXM HBM3e
  int iterations = 50;
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const double v = std::atof(argv[i + 1]);
    if (k == "--peak-bf16-tflops") o.peak_bf16_tflops = v;
    else if (k == "--peak-fp8-tflops") o.peak_fp8_tflops = v;
    else if (k == "--peak-hbm-tbs") o.peak_hbm_tbs = v;
    else if (k == "--iterations") o.iterations = int(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  return o;
}

template <typename F>
double TimeMs(F&& f, int iterations) {
  cudaEvent_t a, b;
  CHECK_CUDA(cudaEventCreate(&a));
  CHECK_CUDA(cudaEventCreate(&b));
  for (int i = 0; i < 3; ++i) f();  // warm-up
  CHECK_CUDA(cudaEventRecord(a));
  for (int i = 0; i < iterations; ++i) f();
  CHECK_CUDA(cudaEventRecord(b));
  CHECK_CUDA(cudaEventSynchronize(b));
  float ms = 0;
  CHECK_CUDA(cudaEventElapsedTime(&ms, a, b));
  CHECK_CUDA(cudaEventDestroy(a));
  CHECK_CUDA(cudaEventDestroy(b));
  return ms / iterations;
}

__global__ void FillKernel(unsigned char* p, size_t n, unsigned seed) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n;
       i += size_t(gridDim.x) * blockDim.x) {
    // Small values so BF16/FP8 GEMMs stay finite.
    p[i] = static_cast<unsigned char>(((i * 2654435761u + seed) >> 13) & 0x3b);
  }
}

void Fill(void* p, size_t bytes) {
  FillKernel<<<1024, 256>>>(static_cast<unsigned char*>(p), bytes, 7);
  CHECK_CUDA(cudaGetLastError());
}

// Streaming read: every thread sums 16-byte vectors; the sum is written so
// the compiler cannot drop the loads.
__global__ void ReadKernel(const int4* __restrict__ p, size_t n, int* sink) {
  int acc = 0;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n;
       i += size_t(gridDim.x) * blockDim.x) {
    const int4 v = p[i];
    acc ^= v.x ^ v.y ^ v.z ^ v.w;
  }
  if (acc == 0x7fffffff) *sink = acc;
}

double ReadBandwidthTbs(size_t bytes, int iterations) {
  int4* buf = nullptr;
  int* sink = nullptr;
  CHECK_CUDA(cudaMalloc(&buf, bytes));
  CHECK_CUDA(cudaMalloc(&sink, sizeof(int)));
  Fill(buf, bytes);
  int sms = 0;
  CHECK_CUDA(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  const size_t n = bytes / sizeof(int4);
  const double ms = TimeMs(
      [&] { ReadKernel<<<sms * 8, 512>>>(buf, n, sink); }, iterations);
  CHECK_CUDA(cudaFree(buf));
  CHECK_CUDA(cudaFree(sink));
  return bytes / (ms * 1e-3) / 1e12;
}

double CopyBandwidthTbs(size_t bytes, int iterations) {
  void *a = nullptr, *b = nullptr;
  CHECK_CUDA(cudaMalloc(&a, bytes));
  CHECK_CUDA(cudaMalloc(&b, bytes));
  Fill(a, bytes);
  const double ms = TimeMs(
      [&] { CHECK_CUDA(cudaMemcpyAsync(b, a, bytes, cudaMemcpyDeviceToDevice)); },
      iterations);
  CHECK_CUDA(cudaFree(a));
  CHECK_CUDA(cudaFree(b));
  return 2.0 * bytes / (ms * 1e-3) / 1e12;  // read + write
}

// C[M x N] = A[M x K] * W[K x N] in BF16 with FP32 accumulation.
double Bf16GemmTflops(cublasHandle_t h, int m, int n, int k, int iterations) {
  void *a, *w, *c;
  CHECK_CUDA(cudaMalloc(&a, size_t(m) * k * 2));
  CHECK_CUDA(cudaMalloc(&w, size_t(k) * n * 2));
  CHECK_CUDA(cudaMalloc(&c, size_t(m) * n * 2));
  Fill(a, size_t(m) * k * 2);
  Fill(w, size_t(k) * n * 2);
  const float alpha = 1, beta = 0;
  // Column-major: C^T (n x m) = W^T (n x k) * A^T (k x m).
  const double ms = TimeMs(
      [&] {
        CHECK_CUBLAS(cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &alpha,
                                  w, CUDA_R_16BF, n, a, CUDA_R_16BF, k, &beta,
                                  c, CUDA_R_16BF, n, CUBLAS_COMPUTE_32F,
                                  CUBLAS_GEMM_DEFAULT));
      },
      iterations);
  CHECK_CUDA(cudaFree(a));
  CHECK_CUDA(cudaFree(w));
  CHECK_CUDA(cudaFree(c));
  return 2.0 * m * n * k / (ms * 1e-3) / 1e12;
}

// FP8 E4M3 x E4M3 -> BF16 with cuBLASLt (requires the "TN" layout).
double Fp8GemmTflops(cublasLtHandle_t lt, int m, int n, int k,
                     int iterations) {
  void *a, *w, *c, *workspace;
  const size_t ws_bytes = 64 << 20;
  CHECK_CUDA(cudaMalloc(&a, size_t(m) * k));
  CHECK_CUDA(cudaMalloc(&w, size_t(k) * n));
  CHECK_CUDA(cudaMalloc(&c, size_t(m) * n * 2));
  CHECK_CUDA(cudaMalloc(&workspace, ws_bytes));
  Fill(a, size_t(m) * k);
  Fill(w, size_t(k) * n);
  cublasLtMatmulDesc_t op;
  CHECK_CUBLAS(cublasLtMatmulDescCreate(&op, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  const cublasOperation_t t = CUBLAS_OP_T, nt = CUBLAS_OP_N;
  CHECK_CUBLAS(cublasLtMatmulDescSetAttribute(
      op, CUBLASLT_MATMUL_DESC_TRANSA, &t, sizeof(t)));
  CHECK_CUBLAS(cublasLtMatmulDescSetAttribute(
      op, CUBLASLT_MATMUL_DESC_TRANSB, &nt, sizeof(nt)));
  // Column-major: D (n x m) = W^T (n x k, stored k x n) * A^T (k x m).
  cublasLtMatrixLayout_t la, lb, lc;
  CHECK_CUBLAS(cublasLtMatrixLayoutCreate(&la, CUDA_R_8F_E4M3, k, n, k));
  CHECK_CUBLAS(cublasLtMatrixLayoutCreate(&lb, CUDA_R_8F_E4M3, k, m, k));
  CHECK_CUBLAS(cublasLtMatrixLayoutCreate(&lc, CUDA_R_16BF, n, m, n));
  cublasLtMatmulPreference_t pref;
  CHECK_CUBLAS(cublasLtMatmulPreferenceCreate(&pref));
  CHECK_CUBLAS(cublasLtMatmulPreferenceSetAttribute(
      pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws_bytes,
      sizeof(ws_bytes)));
  cublasLtMatmulHeuristicResult_t heur;
  int found = 0;
  CHECK_CUBLAS(cublasLtMatmulAlgoGetHeuristic(lt, op, la, lb, lc, lc, pref, 1,
                                              &heur, &found));
  if (found == 0) {
    std::fprintf(stderr, "no FP8 GEMM algorithm for %dx%dx%d\n", m, n, k);
    return 0;
  }
  const float alpha = 1, beta = 0;
  const double ms = TimeMs(
      [&] {
        CHECK_CUBLAS(cublasLtMatmul(lt, op, &alpha, w, la, a, lb, &beta, c, lc,
                                    c, lc, &heur.algo, workspace, ws_bytes,
                                    0));
      },
      iterations);
  cublasLtMatmulPreferenceDestroy(pref);
  cublasLtMatrixLayoutDestroy(la);
  cublasLtMatrixLayoutDestroy(lb);
  cublasLtMatrixLayoutDestroy(lc);
  cublasLtMatmulDescDestroy(op);
  CHECK_CUDA(cudaFree(a));
  CHECK_CUDA(cudaFree(w));
  CHECK_CUDA(cudaFree(c));
  CHECK_CUDA(cudaFree(workspace));
  return 2.0 * m * n * k / (ms * 1e-3) / 1e12;
}

struct Shape {
  int m, n, k;
  const char* what;
};

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  cudaDeviceProp prop{};
  CHECK_CUDA(cudaGetDeviceProperties(&prop, 0));
  std::printf("# device: %s, %.1f GiB, %d SMs, sm_%d%d\n", prop.name,
              prop.totalGlobalMem / 1073741824.0, prop.multiProcessorCount,
              prop.major, prop.minor);
  cublasHandle_t h;
  cublasLtHandle_t lt;
  CHECK_CUBLAS(cublasCreate(&h));
  CHECK_CUBLAS(cublasLtCreate(&lt));
  // Llama-3.1-70B-like weights (hidden 8192, MLP 28672) at prefill-sized
  // token counts, plus a square reference.
  const std::vector<Shape> shapes = {
      {8192, 8192, 8192, "square 8192"},
      {8192, 28672, 8192, "MLP up, 8192 tokens"},
      {4096, 8192, 28672, "MLP down, 4096 tokens"},
      {2048, 10240, 8192, "QKV, 2048 tokens"},
  };
  double best_bf16 = 0, best_fp8 = 0, sum_bf16 = 0, sum_fp8 = 0;
  for (const Shape& s : shapes) {
    const double bf16 = Bf16GemmTflops(h, s.m, s.n, s.k, o.iterations);
    const double fp8 = prop.major >= 9
                           ? Fp8GemmTflops(lt, s.m, s.n, s.k, o.iterations)
                           : 0.0;
    std::printf("# gemm %-24s M=%5d N=%5d K=%5d  bf16 %7.1f TFLOP/s  fp8 %7.1f TFLOP/s\n",
                s.what, s.m, s.n, s.k, bf16, fp8);
    best_bf16 = std::max(best_bf16, bf16);
    best_fp8 = std::max(best_fp8, fp8);
    sum_bf16 += bf16;
    sum_fp8 += fp8;
  }
  const size_t big = size_t(4) << 30;  // 4 GiB, far beyond L2
  const double read_tbs = ReadBandwidthTbs(big, o.iterations);
  const double copy_tbs = CopyBandwidthTbs(big / 2, o.iterations);
  std::printf("# hbm read %.2f TB/s, copy %.2f TB/s (read+write)\n", read_tbs,
              copy_tbs);
  const double mean_bf16 = sum_bf16 / shapes.size();
  const double mean_fp8 = sum_fp8 / shapes.size();
  std::printf("# peak bf16 %.0f, fp8 %.0f TFLOP/s; HBM %.2f TB/s (datasheet)\n",
              o.peak_bf16_tflops, o.peak_fp8_tflops, o.peak_hbm_tbs);
  std::printf("# best bf16 %.1f (%.2f of peak), best fp8 %.1f (%.2f of peak)\n",
              best_bf16, best_bf16 / o.peak_bf16_tflops, best_fp8,
              best_fp8 / o.peak_fp8_tflops);
  // Calibration YAML: the serving-shape mean is what a step sees.
  const double mfu_bf16 = mean_bf16 / o.peak_bf16_tflops;
  const double mfu_fp8 = mean_fp8 > 0 ? mean_fp8 / o.peak_fp8_tflops : mfu_bf16;
  std::printf("gemm_mfu: %.3f\n", std::min(mfu_bf16, mfu_fp8));
  std::printf("weight_mbu: %.3f\n", read_tbs / o.peak_hbm_tbs);
  // The KV cache is read in pages by attention kernels: assume 90% of a
  // streaming read until a paged-attention probe is added.
  std::printf("kv_mbu: %.3f\n", 0.9 * read_tbs / o.peak_hbm_tbs);
  cublasLtDestroy(lt);
  cublasDestroy(h);
  return 0;
}
