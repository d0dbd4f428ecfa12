#include "selfplay/model_source.h"

#include <stdexcept>

namespace traceplay::selfplay {

void ModelBoard::publish(ModelVersion version) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (latest_ && version.version <= latest_->version)
      throw std::invalid_argument("ModelBoard: version " + std::to_string(version.version) +
                                  " is not newer than the published " + std::to_string(latest_->version));
    latest_ = std::move(version);
  }
  changed_.notify_all();
}

void ModelBoard::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

std::optional<ModelVersion> ModelBoard::latest() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return latest_;
}

std::optional<ModelVersion> ModelBoard::wait_newer(int than, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  const bool newer =
      changed_.wait_for(lock, timeout, [&] { return closed_ || (latest_ && latest_->version > than); });
  if (!newer || closed_) return std::nullopt;
  return latest_;
}

}  // namespace traceplay::selfplay
