// Tests of overlays (SPEC 2.3): extends chains, the merge rule, provenance, --set; the canonical text; and
// the loader entry points on the shipped overlay scenarios.
#include "overlay.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "canonical_text.hpp"
#include "poweron/scenario_loader.hpp"
#include "yaml_reader.hpp"

namespace poweron {
namespace {

namespace fs = std::filesystem;

class OverlayTest : public testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::path(testing::TempDir()) / "poweron_overlay" /
              testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }

  /// Writes `text` to `name` under the test's folder and returns its path as a string.
  std::string write(const std::string& name, const std::string& text) {
    const fs::path path = folder_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  SourceDocument load_ok(const std::string& path, const std::vector<std::string>& overrides = {},
                         const LoaderLimits& limits = {}) {
    auto result = load_merged_file(path, overrides, limits);
    if (!result) {
      std::string all;
      for (const auto& d : result.diagnostics()) all += format(d) + "\n";
      ADD_FAILURE() << all;
      return {};
    }
    return std::move(result).value();
  }

  /// The single diagnostic of a failed load, formatted; `code` is the expected exit code.
  std::string load_error(const std::string& path, const std::vector<std::string>& overrides = {},
                         ExitCode code = ExitCode::kInvalid, const LoaderLimits& limits = {}) {
    auto result = load_merged_file(path, overrides, limits);
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(result.exit_code(), code);
    if (result.diagnostics().size() != 1) {
      ADD_FAILURE() << "expected one diagnostic, got " << result.diagnostics().size();
      return "";
    }
    return format(result.diagnostics()[0]);
  }

  std::string file_of(const SourceDocument& document, const SourceMark& mark) {
    return document.diagnostic(mark, "", "x").file;
  }

  fs::path folder_;
};

const char* const kBase =
    "name: base\n"
    "sites:\n"
    "  gts: {pue: 1.25, crews: 4}\n"
    "  mem: {pue: 1.1}\n"
    "list: [1, 2, 3]\n"
    "drop: x\n";

TEST_F(OverlayTest, TwoFileChainMergesMapsReplacesListsAndDeletesNulls) {
  const std::string base = write("base.yaml", kBase);
  const std::string top = write("top.yaml",
                                "# the overlay\n"
                                "extends: base.yaml\n"
                                "sites:\n"
                                "  gts: {crews: 8}\n"
                                "list: [9]\n"
                                "drop: null\n"
                                "extra: {a: 1, gone: ~}\n");
  const SourceDocument doc = load_ok(top);
  ASSERT_EQ(doc.files, (std::vector<std::string>{top, base}));
  const SourceNode& root = doc.root;
  ASSERT_EQ(root.entries.size(), 4u);  // name, sites, list (base order), then extra; no extends, no drop
  EXPECT_EQ(root.entries[0].first.text, "name");
  EXPECT_EQ(root.entries[1].first.text, "sites");
  EXPECT_EQ(root.entries[2].first.text, "list");
  EXPECT_EQ(root.entries[3].first.text, "extra");
  const SourceNode* gts = root.find("sites")->find("gts");
  EXPECT_EQ(gts->find("pue")->scalar, "1.25");
  EXPECT_EQ(gts->find("crews")->scalar, "8");
  EXPECT_EQ(root.find("sites")->find("mem")->find("pue")->scalar, "1.1");
  ASSERT_EQ(root.find("list")->items.size(), 1u);
  EXPECT_EQ(root.find("list")->items[0].scalar, "9");
  // A new map from the overlay loses its null-valued keys too.
  EXPECT_EQ(root.find("extra")->entries.size(), 1u);
}

TEST_F(OverlayTest, ProvenanceNamesTheFileEachNodeCameFrom) {
  const std::string base = write("base.yaml", kBase);
  const std::string top = write("top.yaml", "extends: base.yaml\nsites:\n  gts: {crews: 8}\n");
  const SourceDocument doc = load_ok(top);
  const SourceNode* gts = doc.root.find("sites")->find("gts");
  // pue: base.yaml line 3, column 14 ("  gts: {" is 8 characters, "pue: " 5 more); crews: top.yaml 3:16.
  const Diagnostic from_base = doc.diagnostic(gts->find("pue")->mark, "sites.gts.pue", "bad");
  EXPECT_EQ(format(from_base), base + ":3:14: error: sites.gts.pue: bad");
  const Diagnostic from_top = doc.diagnostic(gts->find("crews")->mark, "sites.gts.crews", "bad");
  EXPECT_EQ(format(from_top), top + ":3:16: error: sites.gts.crews: bad");
  EXPECT_EQ(file_of(doc, doc.root.find_key("name")->mark), base);
}

TEST_F(OverlayTest, ThreeFileChainAcrossFolders) {
  const std::string base = write("b/base.yaml", "name: base\nv: {a: 1, b: 1, c: 1}\n");
  const std::string mid = write("b/mid.yaml", "extends: base.yaml\nname: mid\nv: {b: 2}\n");
  const std::string top = write("a/top.yaml", "extends: ../b/mid.yaml\nv: {c: 3}\n");
  const SourceDocument doc = load_ok(top);
  ASSERT_EQ(doc.files.size(), 3u);
  EXPECT_EQ(doc.files[0], top);
  EXPECT_EQ(doc.files[1], mid);  // lexically normal: no `a/../b`
  EXPECT_EQ(doc.files[2], base);
  EXPECT_EQ(doc.root.find("name")->scalar, "mid");
  const SourceNode* v = doc.root.find("v");
  EXPECT_EQ(v->find("a")->scalar, "1");
  EXPECT_EQ(v->find("b")->scalar, "2");
  EXPECT_EQ(v->find("c")->scalar, "3");
  EXPECT_EQ(file_of(doc, v->find("a")->mark), base);
  EXPECT_EQ(file_of(doc, v->find("b")->mark), mid);
  EXPECT_EQ(file_of(doc, v->find("c")->mark), top);
}

TEST_F(OverlayTest, ReplacingAMapByAScalarAndAScalarByAMap) {
  write("base.yaml", "a: {x: 1}\nb: 5\n");
  const std::string top = write("top.yaml", "extends: base.yaml\na: 7\nb: {y: 2, z: null}\n");
  const SourceDocument doc = load_ok(top);
  EXPECT_EQ(doc.root.find("a")->scalar, "7");
  ASSERT_TRUE(doc.root.find("b")->is_map());
  EXPECT_EQ(doc.root.find("b")->entries.size(), 1u);
  EXPECT_EQ(doc.root.find("b")->find("y")->scalar, "2");
}

TEST_F(OverlayTest, CycleIsReportedWithTheChain) {
  const std::string a = write("a.yaml", "extends: b.yaml\nname: a\n");
  const std::string b = write("b.yaml", "name: b\nextends: a.yaml\n");
  // Reported in b.yaml at the value `a.yaml` (line 2, column 10).
  EXPECT_EQ(load_error(a), b + ":2:10: error: extends: extends cycle: " + a + " -> " + b + " -> " + a);
  const std::string self = write("self.yaml", "extends: ./self.yaml\n");
  EXPECT_EQ(load_error(self), self + ":1:10: error: extends: extends cycle: " + self + " -> " + self);
}

TEST_F(OverlayTest, ChainLongerThanTheLimitIsRejected) {
  write("c.yaml", "name: c\n");
  write("b.yaml", "extends: c.yaml\n");
  const std::string a = write("a.yaml", "extends: b.yaml\n");
  LoaderLimits limits;
  limits.max_extends_depth = 3;
  EXPECT_EQ(load_ok(a, {}, limits).root.find("name")->scalar, "c");
  limits.max_extends_depth = 2;
  EXPECT_EQ(load_error(a, {}, ExitCode::kInvalid, limits),
            folder_.string() + "/b.yaml:1:10: error: extends: extends chain longer than the limit of 2 files");
}

TEST_F(OverlayTest, BadOrMissingBase) {
  const std::string missing = write("missing.yaml", "extends: nowhere.yaml\n");
  EXPECT_EQ(load_error(missing, {}, ExitCode::kRuntime),
            missing + ":1:10: error: extends: cannot read file \"" + folder_.string() +
                "/nowhere.yaml\": no such file or directory");
  const std::string list = write("list.yaml", "extends: [a.yaml]\n");
  EXPECT_EQ(load_error(list), list + ":1:10: error: extends: expected a file name (a string)");
  const std::string broken = write("broken.yaml", "a: [1\n");
  const std::string uses = write("uses.yaml", "extends: broken.yaml\n");
  EXPECT_EQ(load_error(uses), broken + ":2:1: error: end of sequence flow not found");
}

TEST_F(OverlayTest, NodeLimitCountsAllFiles) {
  write("base.yaml", "a: [1, 2]\n");                         // 5 nodes
  const std::string top = write("top.yaml", "extends: base.yaml\nb: 1\n");  // 5 nodes (extends included)
  LoaderLimits limits;
  limits.max_nodes = 10;
  EXPECT_TRUE(load_merged_file(top, {}, limits).ok());
  limits.max_nodes = 9;
  EXPECT_NE(load_error(top, {}, ExitCode::kInvalid, limits).find("limit of 9 nodes"), std::string::npos);
}

TEST_F(OverlayTest, SetScalarCreatesIntermediateMaps) {
  const std::string top = write("top.yaml", kBase);
  const SourceDocument doc = load_ok(top, {"sites.gts.install.crews=4"});
  ASSERT_EQ(doc.files.size(), 2u);
  EXPECT_EQ(doc.files[1], "--set sites.gts.install.crews=4");
  const SourceNode* crews = doc.root.find("sites")->find("gts")->find("install")->find("crews");
  ASSERT_NE(crews, nullptr);
  EXPECT_EQ(crews->scalar, "4");
  // "sites.gts.install.crews=" is 24 characters: the value is at column 25 of the argument.
  EXPECT_EQ(format(doc.diagnostic(crews->mark, "p", "m")), "--set sites.gts.install.crews=4:1:25: error: p: m");
  // The created `install` key is at its segment: column 11.
  EXPECT_EQ(doc.root.find("sites")->find("gts")->find_key("install")->mark.column, 11);
}

TEST_F(OverlayTest, SetMapMergesAndNullDeletes) {
  const std::string top = write("top.yaml", kBase);
  const SourceDocument doc =
      load_ok(top, {"sites.gts={crews: 6, rate: 10}", "sites.gts.pue=null", "sites.mem=", "name='quoted'"});
  const SourceNode* gts = doc.root.find("sites")->find("gts");
  EXPECT_EQ(gts->find("crews")->scalar, "6");
  EXPECT_EQ(gts->find("rate")->scalar, "10");
  EXPECT_EQ(gts->find("pue"), nullptr);
  EXPECT_EQ(doc.root.find("sites")->find("mem"), nullptr);
  EXPECT_EQ(doc.root.find("name")->scalar, "quoted");
  EXPECT_TRUE(doc.root.find("name")->quoted);
  EXPECT_EQ(doc.files.size(), 5u);
}

TEST_F(OverlayTest, SetListElementByIndex) {
  const std::string top = write("top.yaml", "list: [1, 2, 3]\npower: {grid: [{date: 2024-01-01, mw: 5}]}\n");
  const SourceDocument doc = load_ok(top, {"list.1=7", "power.grid.0.mw=9", "list.0=null"});
  ASSERT_EQ(doc.root.find("list")->items.size(), 2u);  // element 0 deleted after element 1 was set
  EXPECT_EQ(doc.root.find("list")->items[0].scalar, "7");
  EXPECT_EQ(doc.root.find("list")->items[1].scalar, "3");
  EXPECT_EQ(doc.root.find("power")->find("grid")->items[0].find("mw")->scalar, "9");
  EXPECT_EQ(doc.root.find("power")->find("grid")->items[0].find("date")->scalar, "2024-01-01");
}

TEST_F(OverlayTest, BadSetIsAnErrorNamingTheOverride) {
  const std::string top = write("top.yaml", kBase);
  EXPECT_EQ(load_error(top, {"sites.gts.pue"}), "error: --set \"sites.gts.pue\": expected PATH=VALUE");
  EXPECT_EQ(load_error(top, {"=4"}), "error: --set \"=4\": empty path");
  EXPECT_EQ(load_error(top, {"sites..pue=1"}),
            "error: --set \"sites..pue=1\": bad path segment \"\" (expected letters, digits, '_' or '-', or a list index)");
  EXPECT_EQ(load_error(top, {"sites.g ts=1"}),
            "error: --set \"sites.g ts=1\": bad path segment \"g ts\" (expected letters, digits, '_' or '-', or a list index)");
  EXPECT_EQ(load_error(top, {"list.5=1"}), "error: --set \"list.5=1\": list has no element 5 (it has 3)");
  EXPECT_EQ(load_error(top, {"list.x.y=1"}), "error: --set \"list.x.y=1\": list has no element x (it has 3)");
  EXPECT_EQ(load_error(top, {"sites.gts.pue.x=1"}), "error: --set \"sites.gts.pue.x=1\": sites.gts.pue is not a map or a list");
  EXPECT_EQ(load_error(top, {"extends=other.yaml"}), "error: --set \"extends=other.yaml\": extends cannot be set by an override");
  // A malformed value is reported in the override, at its position in the argument (`[` at column 3).
  EXPECT_EQ(load_error(top, {"a=[1,"}), "--set a=[1,:1:3: error: end of sequence flow not found");
  // Every bad override is reported, not just the first.
  auto both = load_merged_file(top, {"x", "y"});
  EXPECT_EQ(both.diagnostics().size(), 2u);
}

TEST_F(OverlayTest, LoadMergedTextResolvesExtendsNextToTheNamedFile) {
  write("base.yaml", kBase);
  auto result = load_merged_text("extends: base.yaml\nname: text\n", (folder_ / "virtual.yaml").string(), {});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value().root.find("name")->scalar, "text");
  EXPECT_EQ(result.value().root.find("list")->items.size(), 3u);
}

TEST(CanonicalTextTest, ExactFormOfEveryKindOfNode) {
  auto doc = parse_yaml_text(
      "name: x\nn: 5\ns: \"5\"\nt: a b\nl: [1, -2, \"-\", -x]\nm: {}\nz: ~\nq: \"say \\\"hi\\\"\\n\"\nd: 2024-01-02\n",
      "t.yaml");
  ASSERT_TRUE(doc.ok());
  // By hand: plain safe scalars bare, others double-quoted with JSON escapes, null as `null`.
  EXPECT_EQ(canonical_text(doc.value().root),
            "{name: x, n: 5, s: \"5\", t: \"a b\", l: [1, -2, \"-\", \"-x\"], m: {}, z: null, "
            "q: \"say \\\"hi\\\"\\n\", d: 2024-01-02}\n");
}

TEST(CanonicalTextTest, LayoutCommentsAndAnchorsDoNotMatter) {
  auto a = parse_yaml_text("# comment\nsites:\n  gts:\n    pue: 1.25   # trailing\n    list:\n      - 1\n      - 2\n",
                           "a.yaml");
  auto b = parse_yaml_text("sites: {gts: {pue: 1.25, list: &l [1, 2]}}\n", "b.yaml");
  auto c = parse_yaml_text("sites: {gts: {list: [1, 2], pue: 1.25}}\n", "c.yaml");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(canonical_text(a.value().root), canonical_text(b.value().root));
  // Key order is content: a different order is a different text.
  EXPECT_NE(canonical_text(a.value().root), canonical_text(c.value().root));
}

TEST_F(OverlayTest, CanonicalTextOfAnOverlayEqualsThatOfTheSameContentInOneFile) {
  write("base.yaml", kBase);
  const std::string top = write("top.yaml", "extends: base.yaml\nsites: {gts: {crews: 8}}\nlist: [9]\ndrop: ~\n");
  const std::string flat = write("flat.yaml",
                                 "name: base\nsites:\n  gts: {pue: 1.25, crews: 8}\n  mem: {pue: 1.1}\nlist: [9]\n");
  EXPECT_EQ(canonical_text(load_ok(top).root), canonical_text(load_ok(flat).root));
}

TEST(ScenarioLoaderTest, ShippedOverlayScenarioLoadsWithProvenanceAndCanonicalText) {
  const std::string dir = std::string(POWERON_SOURCE_DIR) + "/scenarios/";
  auto loaded = load_scenario(dir + "whatif/no_swap_gts_late.yaml");
  ASSERT_TRUE(loaded.ok()) << (loaded.diagnostics().empty() ? "" : format(loaded.diagnostics()[0]));
  // Base first: tesla_x_2024.yaml <- gts_late.yaml <- no_swap_gts_late.yaml.
  EXPECT_EQ(loaded.value().source_files,
            (std::vector<std::string>{dir + "tesla_x_2024.yaml", dir + "whatif/gts_late.yaml",
                                      dir + "whatif/no_swap_gts_late.yaml"}));
  const std::string& text = loaded.value().canonical_text;
  EXPECT_EQ(text.find("extends"), std::string::npos);
  EXPECT_NE(text.find("name: tesla-x-2024-no-swap-gts-late"), std::string::npos);
  EXPECT_EQ(text.back(), '\n');
}

TEST(ScenarioLoaderTest, OverridesReachTheScenarioAndBadValuesNameTheOverride) {
  const std::string path = std::string(POWERON_SOURCE_DIR) + "/scenarios/tesla_x_2024.yaml";
  auto renamed = load_scenario(path, {"name=renamed"});
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed.value().name, "renamed");
  EXPECT_EQ(renamed.value().source_files, std::vector<std::string>{path});
  EXPECT_NE(renamed.value().canonical_text.find("name: renamed"), std::string::npos);
  auto bad = load_scenario(path, {"start=not-a-date"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.exit_code(), ExitCode::kInvalid);
  ASSERT_FALSE(bad.diagnostics().empty());
  EXPECT_EQ(bad.diagnostics()[0].file, "--set start=not-a-date");
  EXPECT_EQ(bad.diagnostics()[0].line, 1);
  EXPECT_EQ(bad.diagnostics()[0].column, 7);  // "start=" is 6 characters
  auto syntax = load_scenario_text("name: [", "inline.yaml");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.exit_code(), ExitCode::kInvalid);
  EXPECT_EQ(syntax.diagnostics()[0].file, "inline.yaml");
}

}  // namespace
}  // namespace poweron
