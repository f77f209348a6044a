#include "poweron/result.hpp"

#include <gtest/gtest.h>

namespace poweron {
namespace {

TEST(Diagnostic, FormatsCompilerStyle) {
  EXPECT_EQ(format({"s.yaml", 3, 18, "sites.gts.pue", "expected a number, got \"abc\""}),
            "s.yaml:3:18: error: sites.gts.pue: expected a number, got \"abc\"");
  EXPECT_EQ(format({"missing.yaml", 0, 0, "", "cannot read file"}), "missing.yaml: error: cannot read file");
}

TEST(Diagnostic, SortsByFileThenPositionAndDropsDuplicates) {
  std::vector<Diagnostic> ds{{"b.yaml", 1, 1, "x", "m"}, {"a.yaml", 5, 2, "y", "m"},
                             {"a.yaml", 5, 1, "z", "m"}, {"a.yaml", 5, 1, "z", "m"}};
  sort_diagnostics(ds);
  ASSERT_EQ(ds.size(), 3u);
  EXPECT_EQ(ds[0].path, "z");
  EXPECT_EQ(ds[1].path, "y");
  EXPECT_EQ(ds[2].file, "b.yaml");
}

TEST(Result, CarriesValueOrDiagnosticsWithExitCode) {
  Result<int> ok(7);
  EXPECT_TRUE(ok);
  EXPECT_EQ(ok.value(), 7);
  EXPECT_EQ(ok.exit_code(), ExitCode::kSuccess);
  Result<int> io(std::vector<Diagnostic>{{"f", 0, 0, "", "cannot read"}}, ExitCode::kRuntime);
  EXPECT_FALSE(io);
  EXPECT_EQ(io.exit_code(), ExitCode::kRuntime);
}

}  // namespace
}  // namespace poweron
