#include "distributed/curve.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <zmq.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/input_file.h"

namespace traceplay::distributed {

namespace {

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  const size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

std::string read_small(const std::string& path) { return read_input_file(path, 1 << 20); }

}  // namespace

bool is_z85_key(const std::string& key) {
  static const std::string kAlphabet =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
  return key.size() == 40 && key.find_first_not_of(kAlphabet) == std::string::npos;
}

KeyPair generate_key_pair() {
  if (!zmq_has("curve")) throw UserError("this libzmq was built without CURVE (libsodium)");
  char pub[41], sec[41];
  if (zmq_curve_keypair(pub, sec) != 0)
    throw UserError(std::string("cannot make a key pair: ") + zmq_strerror(errno));
  return {pub, sec};
}

void write_key_files(const std::string& name, const KeyPair& pair) {
  const std::string key_path = name + ".key", pub_path = name + ".pub";
  for (const auto& p : {key_path, pub_path})
    if (std::filesystem::exists(p)) throw UserError(p + " exists; keygen never overwrites a key");
  // The secret first, private from the start: the temporary is made 0600 by the umask.
  const mode_t old = ::umask(077);
  try {
    write_file_atomic(key_path, "public = " + pair.public_key + "\nsecret = " + pair.secret_key + "\n");
  } catch (...) {
    ::umask(old);
    throw;
  }
  ::umask(old);
  write_file_atomic(pub_path, pair.public_key + "\n");
}

KeyPair read_key_pair(const std::string& path) {
  std::istringstream in(read_small(path));
  KeyPair pair;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    const size_t eq = line.find('=');
    const std::string key = eq == std::string::npos ? "" : trim(line.substr(0, eq));
    const std::string value = eq == std::string::npos ? "" : trim(line.substr(eq + 1));
    if ((key != "public" && key != "secret") || !is_z85_key(value))
      throw UserError(path + ":" + std::to_string(number) +
                      ": expected \"public = KEY\" or \"secret = KEY\" (40 Z85 characters)");
    (key == "public" ? pair.public_key : pair.secret_key) = value;
  }
  if (pair.public_key.empty() || pair.secret_key.empty())
    throw UserError(
        path + ": a key file needs both \"public = KEY\" and \"secret = KEY\" (traceplay keygen makes one)");
  return pair;
}

std::string read_public_key(const std::string& path) {
  const std::string text = read_small(path);
  const std::string key = trim(text.substr(0, text.find('\n')));
  if (!is_z85_key(key)) throw UserError(path + ": not a public key (40 Z85 characters on the first line)");
  return key;
}

std::set<std::string> read_authorized_keys(const std::string& path) {
  std::istringstream in(read_small(path));
  std::set<std::string> keys;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (!is_z85_key(line))
      throw UserError(path + ":" + std::to_string(number) + ": not a public key (40 Z85 characters)");
    keys.insert(line);
  }
  if (keys.empty()) throw UserError(path + ": no public key listed; no actor could connect");
  return keys;
}

}  // namespace traceplay::distributed
