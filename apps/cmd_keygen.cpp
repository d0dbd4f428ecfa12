// `traceplay keygen NAME`: a CURVE key pair for a learner or an actor (distributed/curve.h):
// NAME.key (secret, 0600) and NAME.pub. Never overwrites.
#include <cstdio>
#include <memory>
#include <string>

#include "apps/commands.h"
#include "distributed/curve.h"

namespace traceplay::apps {

void add_keygen_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "keygen", "Make a CURVE key pair (NAME.key, NAME.pub) for `learner --curve` and `actor --curve`");
  auto name = std::make_shared<std::string>();
  cmd->add_option("name", *name, "The files' name without extension")->required();
  cmd->callback([&exit_code, name] {
    const distributed::KeyPair pair = distributed::generate_key_pair();
    distributed::write_key_files(*name, pair);
    std::printf("%s.key (secret: keep it private) and %s.pub (public: %s)\n", name->c_str(), name->c_str(),
                pair.public_key.c_str());
    exit_code = 0;
  });
}

}  // namespace traceplay::apps
