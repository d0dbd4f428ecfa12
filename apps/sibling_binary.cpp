#include "apps/sibling_binary.h"

#include <filesystem>
#include <system_error>

#include "core/error.h"

namespace traceplay::apps {

std::string sibling_binary(const std::string& name) {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) throw UserError("cannot find this program's own path (/proc/self/exe): " + error.message());
  return (self.parent_path() / name).string();
}

}  // namespace traceplay::apps
