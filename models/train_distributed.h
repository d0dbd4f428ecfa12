// Data-parallel collectives for training, over torch's c10d: Gloo for CPU tensors, NCCL
// for CUDA tensors (builds with TRACEPLAY_CUDA). A world of one process needs none and
// gets a communicator whose collectives do nothing, so the trainer has one code path.
#pragma once

#include <memory>
#include <string>

#include <torch/torch.h>

namespace traceplay::models {

class Communicator {
 public:
  virtual ~Communicator() = default;
  int world_size() const { return world_size_; }
  int rank() const { return rank_; }

  // In place, every rank ends with the same sum.
  virtual void allreduce_sum(torch::Tensor& tensor) = 0;
  // In place, every rank ends with root's values.
  virtual void broadcast(torch::Tensor& tensor, int root = 0) = 0;

 protected:
  Communicator(int world_size, int rank) : world_size_(world_size), rank_(rank) {}

 private:
  int world_size_, rank_;
};

// world_size 1: the do-nothing communicator. Otherwise rank 0 serves a TCP store at
// `master` ("HOST:PORT") and every rank joins it; the backend follows `device` (Gloo on
// CPU, NCCL on CUDA). Throws UserError when the backend is not in this build, and
// std::runtime_error when the peers cannot be reached within `timeout_s`.
std::unique_ptr<Communicator> make_communicator(int world_size, int rank, const std::string& master,
                                                const torch::Device& device, double timeout_s = 300);

}  // namespace traceplay::models
