// `traceplay bootstrap`: one step of search-dynamics bootstrapping (models/bootstrap.h):
// sample K responses for every training prompt with a search-augmented checkpoint, keep
// the shortest optimal one per prompt, write the new dataset. Ctrl-C / SIGTERM keeps the
// finished samples and exits 130 / 143; the same command resumes; a finished NEW_DATA
// is a no-op; other parameters are refused unless --force.
#include <cstdio>
#include <memory>

#include "apps/cli_validators.h"
#include "apps/commands.h"
#include "apps/torch_commands.h"
#include "core/error.h"
#include "core/signals.h"
#include "models/bootstrap.h"

namespace traceplay::apps {

namespace {

struct BootstrapArgs {
  models::BootstrapOptions o;
  bool json = false;
};

void print_result(const models::BootstrapResult& r) {
  const double share = r.train ? 100.0 * static_cast<double>(r.replaced) / static_cast<double>(r.train) : 0.0;
  std::printf("%s: bootstrapping step %lld%s\n", r.out_dir.c_str(), static_cast<long long>(r.step),
              r.already_done ? " (already done)" : "");
  std::printf("  replaced %llu of %llu training traces (%.1f%%)\n",
              static_cast<unsigned long long>(r.replaced), static_cast<unsigned long long>(r.train), share);
  std::printf("  mean training trace %.1f -> %.1f tokens (%+.1f%%)\n", r.mean_trace_before,
              r.mean_trace_after,
              r.mean_trace_before > 0 ? 100.0 * (r.mean_trace_after / r.mean_trace_before - 1.0) : 0.0);
  if (r.sampling.is_object() && r.sampling.contains("optimal"))
    std::printf("  sampled prompts with an optimal response: %.1f%%\n",
                100.0 * r.sampling["optimal"].get<double>());
}

}  // namespace

void add_bootstrap_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("bootstrap", torch_command("bootstrap").summary);
  auto a = std::make_shared<BootstrapArgs>();
  models::BootstrapOptions& o = a->o;
  cmd->add_option("--checkpoint", o.checkpoint, "A search-augmented checkpoint or training run directory")
      ->required();
  cmd->add_option("--data", o.data_dir, "The dataset whose training traces are replaced")->required();
  cmd->add_option("--out", o.out_dir, "The new dataset's directory")->required();
  cmd->add_option("--samples", o.samples, "Responses per training prompt, K")->required();
  cmd->add_option("--temperature", o.temperature, "Sampling temperature; 0 = greedy (default 1)");
  cmd->add_option("--top-k", o.top_k, "Sample among the k most likely tokens (default 0: all)");
  cmd->add_option("--batch", o.batch, "Rows decoded together (default 64)");
  cmd->add_option("--max-len", o.max_len, "Tokens per response (default 0: the dataset's longest sequence)");
  cmd->add_option("--seed", o.seed, "Sampling seed (default 1)")->check(kDigits);
  cmd->add_flag("--keep-astar-candidate", o.keep_astar_candidate,
                "The record's own trace competes: a response replaces it only when strictly shorter");
  cmd->add_option("--device", o.device, "cpu | cuda | cuda:N (default cpu)");
  cmd->add_option("--threads", o.threads, "Torch threads (default 0: all cores)");
  cmd->add_flag("--force", o.force, "Replace a bootstrapping step made with other parameters");
  cmd->add_flag("--json", a->json, "Print a JSON summary as the last line");
  cmd->callback([&exit_code, a] {
    models::BootstrapOptions options = a->o;
    install_stop_handlers();
    options.stop = &stop_flag();
    const models::BootstrapResult r = models::bootstrap(options);
    if (!r.finished) {
      std::fprintf(stderr,
                   "traceplay bootstrap: interrupted; the finished samples are kept in %s/samples; "
                   "run the same command to resume\n",
                   r.out_dir.c_str());
      exit_code = stop_exit_code();
      return;
    }
    print_result(r);
    if (a->json) std::printf("%s\n", r.to_json().dump().c_str());
    std::fflush(stdout);
    exit_code = kExitOk;
  });
}

}  // namespace traceplay::apps
