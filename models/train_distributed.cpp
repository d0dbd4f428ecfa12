#include "models/train_distributed.h"

#include <chrono>

#include <torch/version.h>

// c10d's backend headers compile only with their backend switched on; the Gloo headers
// come with Debian's libgloo-dev and with PyTorch's own builds, not every LibTorch.
#if __has_include(<gloo/algorithm.h>)
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#define TRACEPLAY_HAVE_GLOO 1
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#if defined(TRACEPLAY_CUDA) && __has_include(<torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>)
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL
#endif
#define TRACEPLAY_HAVE_NCCL 1
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "core/error.h"

namespace traceplay::models {

namespace {

class SingleProcess final : public Communicator {
 public:
  SingleProcess() : Communicator(1, 0) {}
  void allreduce_sum(torch::Tensor&) override {}
  void broadcast(torch::Tensor&, int) override {}
};

// One implementation for every backend: only the process group's type differs (a
// ProcessGroup in LibTorch 1.13, a Backend in 2.x; both have these calls).
template <class Group>
class GroupCommunicator final : public Communicator {
 public:
  GroupCommunicator(int world_size, int rank, c10::intrusive_ptr<c10d::Store> store,
                    c10::intrusive_ptr<Group> group)
      : Communicator(world_size, rank), store_(std::move(store)), group_(std::move(group)) {}

  void allreduce_sum(torch::Tensor& tensor) override {
    std::vector<torch::Tensor> tensors{tensor};
    c10d::AllreduceOptions options;
    options.reduceOp = c10d::ReduceOp::SUM;
    group_->allreduce(tensors, options)->wait();
  }

  void broadcast(torch::Tensor& tensor, int root) override {
    std::vector<torch::Tensor> tensors{tensor};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    group_->broadcast(tensors, options)->wait();
  }

 private:
  c10::intrusive_ptr<c10d::Store> store_;  // the group's rendezvous; kept alive with it
  c10::intrusive_ptr<Group> group_;
};

}  // namespace

std::unique_ptr<Communicator> make_communicator(int world_size, int rank, const std::string& master,
                                                const torch::Device& device, double timeout_s) {
  if (world_size <= 1) return std::make_unique<SingleProcess>();
  const auto colon = master.rfind(':');
  const std::string host = master.substr(0, colon);
  const int port = std::stoi(master.substr(colon + 1));
  const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));

  c10d::TCPStoreOptions store_options;
  store_options.port = static_cast<uint16_t>(port);
  store_options.isServer = rank == 0;
  store_options.numWorkers = static_cast<size_t>(world_size);
  store_options.waitWorkers = false;
  store_options.timeout = timeout;
  auto store = c10::make_intrusive<c10d::TCPStore>(host, store_options);

  if (device.is_cuda()) {
#ifdef TRACEPLAY_HAVE_NCCL
    auto options = c10d::ProcessGroupNCCL::Options::create();
    auto group = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, world_size, options);
    return std::make_unique<GroupCommunicator<c10d::ProcessGroupNCCL>>(world_size, rank, store, group);
#else
    throw UserError("--device " + device.str() + " with --world-size > 1 needs NCCL, which this build lacks");
#endif
  }
#ifdef TRACEPLAY_HAVE_GLOO
  auto options = c10d::ProcessGroupGloo::Options::create(timeout * 6);
  // Loopback runs bind Gloo to loopback; others to the interface of this host's name.
  const bool local = host == "127.0.0.1" || host == "localhost";
  options->devices.push_back(local ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                   : c10d::ProcessGroupGloo::createDefaultDevice());
  auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, world_size, options);
  return std::make_unique<GroupCommunicator<c10d::ProcessGroupGloo>>(world_size, rank, store, group);
#else
  throw UserError("--world-size > 1 on CPU needs c10d's Gloo backend, which this build lacks");
#endif
}

}  // namespace traceplay::models
