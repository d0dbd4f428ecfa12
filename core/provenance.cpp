#include "core/provenance.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <thread>

#include "core/version.h"

namespace traceplay {

namespace {
std::string first_value(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    return value;
  }
  return "";
}
}  // namespace

nlohmann::json machine_info() {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  struct utsname uts {};
  ::uname(&uts);
  const std::string mem_kb = first_value("/proc/meminfo", "MemTotal");
  const double mem_gib = mem_kb.empty() ? 0.0 : std::stod(mem_kb) / (1024.0 * 1024.0);
  return {{"hostname", host},
          {"cpu", first_value("/proc/cpuinfo", "model name")},
          {"cores", std::thread::hardware_concurrency()},
          {"memory_gib", static_cast<double>(static_cast<int>(mem_gib * 10)) / 10},
          {"os", std::string(uts.sysname) + " " + uts.release}};
}

nlohmann::json build_info() { return {{"traceplay", kVersion}, {"git", kGitSha}, {"compiler", __VERSION__}}; }

std::string now_iso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&t, &local);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &local);
  return buf;
}

}  // namespace traceplay
