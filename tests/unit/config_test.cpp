// Experiment configs: TOML to JSON, arms merged over the base, errors that name the place.
#include <gtest/gtest.h>

#include "core/config.h"
#include "core/error.h"

namespace traceplay {
namespace {

const std::vector<std::string> kKeys{"name", "seed", "data", "model", "train", "eval"};

std::string error_of(const std::string& toml) {
  try {
    resolve_experiment(parse_toml(toml, "x.toml"), kKeys, "x.toml");
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, ArmsOverrideTheBase) {
  const auto experiment = resolve_experiment(parse_toml(R"(
name = "maze10"
seed = 1
[data]
domain = "maze"
width = 10
[model]
preset = "s"
[[arms]]
name = "solution-only"
model.mode = "solution-only"
[[arms]]
name = "sokoban"
data.domain = "sokoban"
data.boxes = 2
)",
                                                        "x.toml"),
                                             kKeys, "x.toml");
  EXPECT_EQ(experiment.name, "maze10");
  ASSERT_EQ(experiment.arms.size(), 2u);
  EXPECT_EQ(experiment.arms[0].config["model"]["mode"], "solution-only");
  EXPECT_EQ(experiment.arms[0].config["model"]["preset"], "s");
  EXPECT_EQ(experiment.arms[1].config["data"]["domain"], "sokoban");
  EXPECT_EQ(experiment.arms[1].config["data"]["width"], 10);
  EXPECT_EQ(experiment.arms[1].config["data"]["boxes"], 2);
  EXPECT_EQ(experiment.arms[1].config["seed"], 1);
  EXPECT_FALSE(experiment.base.contains("arms"));
}

TEST(Config, NoArmsMeansOneRun) {
  const auto experiment =
      resolve_experiment(parse_toml("name = \"a\"\n[data]\ncount = 5\n", "x"), kKeys, "x");
  ASSERT_EQ(experiment.arms.size(), 1u);
  EXPECT_EQ(experiment.arms[0].name, "a");
  EXPECT_EQ(experiment.arms[0].config["data"]["count"], 5);
}

TEST(Config, ErrorsNameTheProblem) {
  EXPECT_EQ(error_of("name = \"a\"\nbogus = 1\n"), "x.toml: unknown key \"bogus\"");
  EXPECT_EQ(error_of("seed = 1\n"), "x.toml: \"name\" (a non-empty string) is required");
  EXPECT_EQ(error_of("name = \"../evil\"\n"),
            "x.toml: \"name\" may hold letters, digits, '-', '_' and '.' only");
  EXPECT_EQ(error_of("name = \"a\"\n[[arms]]\nname = \"b\"\n[[arms]]\nname = \"b\"\n"),
            "x.toml: arms[1]: the arm name \"b\" is used twice");
  EXPECT_EQ(error_of("name = \"a\"\n[[arms]]\nseed = 2\n"),
            "x.toml: arms[0] needs a \"name\" of letters, digits, '-', '_' and '.'");
  EXPECT_EQ(error_of("name = \"a\"\n[[arms]]\nname = \"b\"\nfoo = 2\n"),
            "x.toml: arms[0]: unknown key \"foo\"");
  EXPECT_EQ(error_of("name = \"a\"\narms = 3\n"),
            "x.toml: \"arms\" must be a non-empty array of tables ([[arms]])");
  const std::string syntax = error_of("name = \"a\"\nseed = = 1\n");
  EXPECT_EQ(syntax.rfind("x.toml:2:", 0), 0u) << syntax;
}

// Each TOML value keeps its type, floats beyond int64_t included: reading them once went
// through an undefined float -> int64_t cast in toml++ (found by fuzz/toml_fuzz.cpp;
// scripts/sanitize asan fails this test without the fix).
TEST(Config, ValuesKeepTheirTypesAtTheEdges) {
  const nlohmann::json j =
      parse_toml("a = 1e308\nb = -1e308\nc = 9223372036854775807\nd = 2.0\ne = true\nf = \"s\"\n", "x");
  EXPECT_TRUE(j["a"].is_number_float());
  EXPECT_EQ(j["a"].get<double>(), 1e308);
  EXPECT_EQ(j["b"].get<double>(), -1e308);
  EXPECT_TRUE(j["c"].is_number_integer());
  EXPECT_EQ(j["c"].get<int64_t>(), 9223372036854775807);
  EXPECT_TRUE(j["d"].is_number_float());
  EXPECT_EQ(j["e"], true);
  EXPECT_EQ(j["f"], "s");
}

}  // namespace
}  // namespace traceplay
