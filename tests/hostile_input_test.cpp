// Hostile input (SPEC 2.2): every limit is enforced with a message naming it, unreadable files exit 1,
// garbage never crashes. Big inputs are generated here, never committed.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "poweron/scenario_loader.hpp"
#include "yaml_reader.hpp"

namespace poweron {
namespace {

namespace fs = std::filesystem;

fs::path temp_folder(const std::string& name) {
  const fs::path folder = fs::path(testing::TempDir()) / "poweron_hostile" / name;
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string only_error(const Result<SourceDocument>& result) {
  EXPECT_FALSE(result.ok());
  if (result.diagnostics().size() != 1) {
    ADD_FAILURE() << "expected one diagnostic, got " << result.diagnostics().size();
    return "";
  }
  return format(result.diagnostics()[0]);
}

/// `levels` nested flow sequences under key `a`: the document's depth is levels + 1 (the top map).
std::string nested(int levels) {
  return "a: " + std::string(static_cast<std::size_t>(levels), '[') + std::string(static_cast<std::size_t>(levels), ']') +
         "\n";
}

TEST(HostileInputTest, AliasBombIsRejectedWithTheLimitNamed) {
  // Billion laughs: 9 levels of 9 aliases each expand to 9^9 (~3.9e8) strings; the count passes 10^6 at
  // level 7 (9^7 = 4.8e6) and stops there, before anything is copied.
  std::string text = "l0: &l0 lol\n";
  for (int level = 1; level <= 9; ++level) {
    // Appended piece by piece: `"literal" + std::string` trips GCC 12's false -Wrestrict at -O2.
    const std::string previous = "*l" + std::to_string(level - 1);
    const std::string name = std::to_string(level);
    text.append("l").append(name).append(": &l").append(name).append(" [");
    for (int k = 0; k < 9; ++k) text.append(k ? ", " : "").append(previous);
    text += "]\n";
  }
  const auto result = parse_yaml_text(text, "bomb.yaml");
  const std::string error = only_error(result);
  EXPECT_NE(error.find("document exceeds the limit of 1000000 nodes after alias expansion"), std::string::npos)
      << error;
  EXPECT_EQ(error.rfind("bomb.yaml:8:", 0), 0u) << error;  // stops on line 8 (level 7)
  EXPECT_EQ(result.exit_code(), ExitCode::kInvalid);
}

TEST(HostileInputTest, NodeLimitBoundaryCountsKeysAndAliasExpansion) {
  LoaderLimits limits;
  limits.max_nodes = 5;
  // map + key `a` + sequence + 2 items = 5 nodes: at the limit, accepted.
  EXPECT_TRUE(parse_yaml_text("a: [1, 2]\n", "t.yaml", limits).ok());
  EXPECT_EQ(only_error(parse_yaml_text("a: [1, 2, 3]\n", "t.yaml", limits)),
            "t.yaml:1:11: error: a.2: document exceeds the limit of 5 nodes after alias expansion");
  // map + key a + [x] (2 nodes) + key b + alias (2 more nodes) = 7.
  limits.max_nodes = 6;
  EXPECT_FALSE(parse_yaml_text("a: &x [1]\nb: *x\n", "t.yaml", limits).ok());
  limits.max_nodes = 7;
  EXPECT_TRUE(parse_yaml_text("a: &x [1]\nb: *x\n", "t.yaml", limits).ok());
}

TEST(HostileInputTest, DepthSixtyFourIsAcceptedSixtyFiveRejected) {
  EXPECT_TRUE(parse_yaml_text(nested(63), "t.yaml").ok());
  // The 64th sequence opens at column 4 + 63 = 67 (1-based) and is the 65th level.
  EXPECT_EQ(only_error(parse_yaml_text(nested(64), "t.yaml")),
            "t.yaml:1:67: error: a" + [] {
              std::string path;
              for (int i = 0; i < 63; ++i) path += ".0";
              return path;
            }() + ": nesting deeper than the limit of 64 levels");
}

TEST(HostileInputTest, VeryDeepNestingStopsAtTheLimitWithoutCrashing) {
  // 16 MB of `[` (yaml-cpp alone would scan all of it into tokens first): stopped at the 65th `[`,
  // column 3 + 65 = 68.
  const std::string text = "a: " + std::string(16'000'000, '[');
  EXPECT_EQ(only_error(parse_yaml_text(text, "t.yaml")),
            "t.yaml:1:68: error: nesting deeper than the limit of 64 levels");
  // Brackets inside quotes and comments are text, not nesting.
  const std::string many(100, '[');
  EXPECT_TRUE(parse_yaml_text("a: \"" + many + "\"\nb: '" + many + "'\n# " + many + "\n", "t.yaml").ok());
  // Block-style nesting as well.
  std::string block;
  for (int i = 0; i < 200; ++i) block += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  const std::string block_error = only_error(parse_yaml_text(block, "t.yaml"));
  EXPECT_NE(block_error.find("nesting deeper than the limit of 64 levels"), std::string::npos) << block_error;
}

TEST(HostileInputTest, AliasCannotExceedTheDepthLimit) {
  // An anchored 60-level value used 10 levels down would nest 70 deep once expanded.
  std::string text = "deep: &d " + std::string(60, '[') + std::string(60, ']') + "\n";
  text += "use: " + std::string(10, '[') + "*d" + std::string(10, ']') + "\n";
  const std::string error = only_error(parse_yaml_text(text, "t.yaml"));
  EXPECT_NE(error.find("nesting deeper than the limit of 64 levels"), std::string::npos) << error;
}

TEST(HostileInputTest, NumericLiteralLongerThanHundredCharactersIsRejected) {
  const std::string hundred(100, '7');
  EXPECT_TRUE(parse_yaml_text("n: " + hundred + "\n", "t.yaml").ok());
  EXPECT_EQ(only_error(parse_yaml_text("n: " + hundred + "7\n", "t.yaml")),
            "t.yaml:1:4: error: n: numeric literal longer than the limit of 100 characters");
  EXPECT_FALSE(parse_yaml_text("n: -0." + hundred + "\n", "t.yaml").ok());
  // Quoted, it is a string; plain text that does not start like a number is not a numeric literal.
  EXPECT_TRUE(parse_yaml_text("n: \"" + hundred + "7\"\n", "t.yaml").ok());
  EXPECT_TRUE(parse_yaml_text("n: x" + hundred + "\n", "t.yaml").ok());
  EXPECT_TRUE(parse_yaml_text("n: 12 monkeys " + hundred + "\n", "t.yaml").ok());
}

TEST(HostileInputTest, FileOverSixteenMebibytesIsRejectedBeforeParsing) {
  const fs::path folder = temp_folder("big");
  const std::size_t limit = std::size_t{16} << 20;
  // A valid document padded with a comment: only the size can make it fail.
  const std::string head = "name: big\n#";
  write_file(folder / "over.yaml", head + std::string(limit + 1 - head.size() - 1, 'x') + "\n");
  ASSERT_EQ(fs::file_size(folder / "over.yaml"), limit + 1);
  const auto over = parse_yaml_file((folder / "over.yaml").string());
  EXPECT_EQ(only_error(over), (folder / "over.yaml").string() +
                                  ": error: file exceeds the limit of 16 MiB (16777216 bytes)");
  EXPECT_EQ(over.exit_code(), ExitCode::kInvalid);
}

TEST(HostileInputTest, FileSizeLimitBoundary) {
  const fs::path folder = temp_folder("size");
  LoaderLimits limits;
  limits.max_file_bytes = 20;
  write_file(folder / "at.yaml", "name: exactly-twent\n");  // 6 + 13 + 1 = 20 bytes
  write_file(folder / "over.yaml", "name: exactly-twent\n#");  // 21 bytes
  EXPECT_TRUE(parse_yaml_file((folder / "at.yaml").string(), limits).ok());
  EXPECT_EQ(only_error(parse_yaml_file((folder / "over.yaml").string(), limits)),
            (folder / "over.yaml").string() + ": error: file exceeds the limit of 20 bytes");
}

TEST(HostileInputTest, EndlessDeviceIsCutAtTheLimit) {
  if (!fs::exists("/dev/zero")) GTEST_SKIP() << "no /dev/zero";
  LoaderLimits limits;
  limits.max_file_bytes = 4096;
  const auto result = parse_yaml_file("/dev/zero", limits);
  EXPECT_EQ(only_error(result), "/dev/zero: error: file exceeds the limit of 4096 bytes");
}

TEST(HostileInputTest, EmptyFileIsRejected) {
  const fs::path folder = temp_folder("empty");
  write_file(folder / "empty.yaml", "");
  EXPECT_EQ(only_error(parse_yaml_file((folder / "empty.yaml").string())),
            (folder / "empty.yaml").string() + ": error: expected a mapping at the top level, got an empty document");
}

TEST(HostileInputTest, BinaryDataIsRejectedClearly) {
  EXPECT_EQ(only_error(parse_yaml_text(std::string("a: 1\nb: \x01\x00\x02", 11), "bin")),
            "bin:2:4: error: control character U+0001 is not allowed");
  EXPECT_EQ(only_error(parse_yaml_text(std::string("a: 1\nb: x\0", 10), "bin")),
            "bin:2:5: error: file contains a NUL byte (binary data?)");
  EXPECT_EQ(only_error(parse_yaml_text("a: caf\xC3\xA9\nb: \xFF\xFE", "bin")),
            "bin:2:4: error: file is not valid UTF-8 text");
  // Overlong encoding of '/', and a UTF-16 surrogate encoded in UTF-8.
  EXPECT_FALSE(parse_yaml_text("a: \xC0\xAF", "bin").ok());
  EXPECT_FALSE(parse_yaml_text("a: \xED\xA0\x80", "bin").ok());
  // UTF-16 text (with NULs) is binary to us.
  EXPECT_FALSE(parse_yaml_text(std::string("\xFF\xFE" "a\0:\0 \0" "1\0", 10), "bin").ok());
  // Multi-byte characters count as one column.
  EXPECT_TRUE(parse_yaml_text("a: \xE2\x82\xAC 5\n", "bin").ok());
}

TEST(HostileInputTest, RandomGarbageNeverCrashes) {
  // Deterministic pseudo-random bytes (a 64-bit LCG) mutating a valid document, and pure noise. Each
  // input must give a document or at least one diagnostic with a message.
  const std::string seed_text =
      "name: x\nsites:\n  gts: {owner: tesla, phases: {h1: {gpus: 25000, ready: 2024-07-15}}}\n"
      "list: [1, &a {b: *a}, \"q\", 'r', |\n  block\n  text]\n? k\n: v\n";
  const std::string alphabet = "[]{}:,-?&*!|>'\"#%@` \n\t\\azAZ09.~\xC3\xA9";
  std::uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>(state >> 33);
  };
  for (int round = 0; round < 600; ++round) {
    std::string text = seed_text;
    if (round % 3 == 2) {
      text.assign(next() % 200, ' ');
      for (char& c : text) c = static_cast<char>(next() % 256);
    } else {
      const std::size_t mutations = 1 + next() % 8;
      for (std::size_t m = 0; m < mutations; ++m) {
        text[next() % text.size()] = alphabet[next() % alphabet.size()];
      }
    }
    const auto result = parse_yaml_text(text, "fuzz.yaml");
    if (!result.ok()) {
      ASSERT_FALSE(result.diagnostics().empty()) << "round " << round;
      EXPECT_FALSE(result.diagnostics()[0].message.empty()) << "round " << round;
    } else {
      EXPECT_TRUE(result.value().root.is_map()) << "round " << round;
    }
  }
}

TEST(HostileInputTest, MissingFileAndDirectoryExitOne) {
  const fs::path folder = temp_folder("unreadable");
  const auto missing = parse_yaml_file((folder / "nope.yaml").string());
  EXPECT_EQ(missing.exit_code(), ExitCode::kRuntime);
  EXPECT_EQ(only_error(missing), (folder / "nope.yaml").string() + ": error: cannot read file: no such file or directory");
  const auto directory = parse_yaml_file(folder.string());
  EXPECT_EQ(directory.exit_code(), ExitCode::kRuntime);
  EXPECT_EQ(only_error(directory), folder.string() + ": error: cannot read file: it is a directory");
  // Through the public entry point too.
  const auto loaded = load_scenario(folder.string());
  EXPECT_EQ(loaded.exit_code(), ExitCode::kRuntime);
  ASSERT_EQ(loaded.diagnostics().size(), 1u);
  EXPECT_EQ(loaded.diagnostics()[0].message, "cannot read file: it is a directory");
}

TEST(HostileInputTest, UnreadableFileExitsOne) {
  const fs::path folder = temp_folder("permission");
  const fs::path path = folder / "secret.yaml";
  write_file(path, "name: x\n");
  ::chmod(path.c_str(), 0);
  if (::access(path.c_str(), R_OK) == 0) GTEST_SKIP() << "running with privileges that ignore permissions";
  const auto result = parse_yaml_file(path.string());
  EXPECT_EQ(result.exit_code(), ExitCode::kRuntime);
  EXPECT_EQ(only_error(result), path.string() + ": error: cannot read file: permission denied");
}

/// Runs `poweron validate ARG` and returns its exit status; standard error goes to `err`.
int validate_exit_status(const std::string& argument, const fs::path& folder, std::string& err) {
  const fs::path err_path = folder / "stderr.txt";
  const std::string command = std::string("'") + POWERON_CLI_PATH + "' validate '" + argument + "' >/dev/null 2>'" +
                              err_path.string() + "'";
  const int status = std::system(command.c_str());
  std::ifstream in(err_path);
  std::stringstream text;
  text << in.rdbuf();
  err = text.str();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(HostileInputTest, CommandLineExitCodesForHostileFiles) {
  const fs::path folder = temp_folder("cli");
  std::string err;
  // The committed billion-laughs fixture: exit 2, the limit named.
  EXPECT_EQ(validate_exit_status(std::string(POWERON_SOURCE_DIR) + "/tests/data/hostile/billion_laughs.yaml", folder, err),
            2);
  EXPECT_NE(err.find("document exceeds the limit of 1000000 nodes after alias expansion"), std::string::npos) << err;
  // A directory and a missing file: exit 1.
  EXPECT_EQ(validate_exit_status(folder.string(), folder, err), 1);
  EXPECT_NE(err.find("cannot read file: it is a directory"), std::string::npos) << err;
  EXPECT_EQ(validate_exit_status((folder / "missing.yaml").string(), folder, err), 1);
  EXPECT_NE(err.find("cannot read file: no such file or directory"), std::string::npos) << err;
}

}  // namespace
}  // namespace poweron
