#include "models/torch_runtime.h"

#include <dlfcn.h>

#include <thread>

#include <torch/torch.h>
#include <torch/version.h>
#ifdef TRACEPLAY_CUDA
#include <cuda.h>
#endif

#include "core/error.h"

namespace traceplay::models {

void configure_threads(int threads) {
  // OpenBLAS comes in through LibTorch's BLAS; find its setter at run time so that
  // builds against another BLAS still link.
  using SetThreads = void (*)(int);
  if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(1);
  const int n = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(n);
}

std::string check_device(const std::string& device, const std::string& flag) {
  if (device == "cpu") return device;
  if (device == "cuda" || device.rfind("cuda:", 0) == 0) {
    int index = 0;
    if (device.size() > 5) {
      try {
        size_t used = 0;
        index = std::stoi(device.substr(5), &used);
        if (used != device.size() - 5 || index < 0) throw std::invalid_argument("index");
      } catch (const std::exception&) {
        throw UserError(flag + ": \"" + device + "\" is not a device (expected cpu, cuda or cuda:N)");
      }
    }
    if (!torch::cuda::is_available())
      throw UserError(flag + ": \"" + device + "\" asked for, but this build or machine has no CUDA device");
    if (index >= static_cast<int>(torch::cuda::device_count()))
      throw UserError(flag + ": \"" + device + "\": there are only " +
                      std::to_string(torch::cuda::device_count()) + " CUDA devices");
    return "cuda:" + std::to_string(index);
  }
  throw UserError(flag + ": \"" + device + "\" is not a device (expected cpu, cuda or cuda:N)");
}

nlohmann::json library_info() {
  nlohmann::json cuda = nullptr;
#ifdef TRACEPLAY_CUDA
  // CUDA_VERSION is major * 1000 + minor * 10.
  if (torch::cuda::is_available())
    cuda = std::to_string(CUDA_VERSION / 1000) + "." + std::to_string(CUDA_VERSION % 1000 / 10);
#endif
  return {{"libtorch", TORCH_VERSION}, {"cuda", cuda}};
}

}  // namespace traceplay::models
