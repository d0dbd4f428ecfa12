#include "selfplay/model_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "core/shard.h"

namespace traceplay::selfplay {

namespace fs = std::filesystem;

namespace {

// fsync a file or a directory by path (directories: so that a rename inside is durable).
void sync_path(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + path.string() + " to sync it");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw std::runtime_error("cannot sync " + path.string());
}

bool is_version_name(const std::string& name, int* version) {
  if (name.size() != 5 || name[0] != 'v') return false;
  if (!std::all_of(name.begin() + 1, name.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  *version = std::stoi(name.substr(1));
  return true;
}

bool is_temporary_name(const std::string& name) {
  return name.size() > 7 && name[0] == '.' && name[1] == 'v' && name.find(".tmp-") == 6;
}

}  // namespace

std::string version_dir_name(int version) {
  if (version < 0 || version > kMaxModelVersion)
    throw std::invalid_argument("model version " + std::to_string(version) + " is outside [0, 9999]");
  char name[8];
  std::snprintf(name, sizeof name, "v%04d", version);
  return name;
}

ModelVersion publish_version(const std::string& models_dir, int version,
                             const std::function<void(const std::string& dir)>& write,
                             const std::string& checksum_file) {
  const std::string name = version_dir_name(version);
  const fs::path root(models_dir);
  const fs::path final_dir = root / name;
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) throw std::runtime_error("cannot create " + root.string() + ": " + ec.message());
  if (fs::exists(final_dir))
    throw std::invalid_argument("model version " + name + " is already published in " + models_dir);

  const fs::path temp = root / ("." + name + ".tmp-" + std::to_string(::getpid()));
  fs::remove_all(temp, ec);
  fs::create_directory(temp, ec);
  if (ec) throw std::runtime_error("cannot create " + temp.string() + ": " + ec.message());
  try {
    write(temp.string());
    for (const fs::directory_entry& entry : fs::directory_iterator(temp))
      if (entry.is_regular_file()) sync_path(entry.path());
    sync_path(temp);
    fs::rename(temp, final_dir);  // atomic: whole or not at all
    sync_path(root);
  } catch (...) {
    fs::remove_all(temp, ec);
    throw;
  }
  ModelVersion published;
  published.version = version;
  published.dir = final_dir.string();
  if (!checksum_file.empty()) published.xxh64 = xxh64_file((final_dir / checksum_file).string());
  return published;
}

std::vector<int> list_versions(const std::string& models_dir) {
  std::vector<int> versions;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(models_dir, ec)) {
    int v = 0;
    if (entry.is_directory() && is_version_name(entry.path().filename().string(), &v)) versions.push_back(v);
  }
  std::sort(versions.begin(), versions.end());
  return versions;
}

int remove_partial_versions(const std::string& models_dir) {
  int removed = 0;
  std::error_code ec;
  std::vector<fs::path> temporaries;
  for (const fs::directory_entry& entry : fs::directory_iterator(models_dir, ec))
    if (is_temporary_name(entry.path().filename().string())) temporaries.push_back(entry.path());
  for (const fs::path& p : temporaries) {
    fs::remove_all(p, ec);
    if (!ec) ++removed;
  }
  return removed;
}

}  // namespace traceplay::selfplay
