// ZeroMQ CURVE keys (libsodium): `traceplay keygen NAME` writes NAME.key (the pair,
// mode 0600) and NAME.pub (the public key), each as Z85 text:
//   NAME.pub:  one line, the 40-character public key
//   NAME.key:  "public = <40 chars>\nsecret = <40 chars>\n"
// A learner with CURVE encrypts every connection and admits only actors whose public
// key is listed (an authorized-keys file: one key per line, `#` comments, or .pub
// files' contents pasted in); the others are refused by the ZAP handler, logged, and
// never reach the protocol.
#pragma once

#include <set>
#include <string>

namespace traceplay::distributed {

struct KeyPair {
  std::string public_key, secret_key;  // Z85, 40 characters each
};

// A new pair (UserError when this libzmq has no CURVE).
KeyPair generate_key_pair();
// Writes NAME.key and NAME.pub; refuses (UserError) to overwrite either.
void write_key_files(const std::string& name, const KeyPair& pair);
// Reads NAME.key (or any file of that shape); UserError naming the file and the line.
KeyPair read_key_pair(const std::string& path);
// The single key of a .pub file.
std::string read_public_key(const std::string& path);
// The keys of an authorized-keys file (at least one).
std::set<std::string> read_authorized_keys(const std::string& path);
// True for 40 characters of the Z85 alphabet.
bool is_z85_key(const std::string& key);

struct CurveServer {
  KeyPair keys;
  std::set<std::string> authorized;  // Z85 public keys of the actors let in
  bool enabled() const { return !keys.secret_key.empty(); }
};

struct CurveClient {
  KeyPair keys;
  std::string server_public_key;
  bool enabled() const { return !keys.secret_key.empty(); }
};

}  // namespace traceplay::distributed
