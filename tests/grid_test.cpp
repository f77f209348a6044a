#include "grid.hpp"

#include <gtest/gtest.h>

namespace poweron::cli {
namespace {

TEST(Grid, SplitsValuesOutsideBracketsAndQuotes) {
  std::string error;
  const auto axis = parse_grid_axis("sites.gts.install.rate={uniform: [50, 100]},120,'a,b'", error);
  ASSERT_TRUE(axis.has_value()) << error;
  EXPECT_EQ(axis->path, "sites.gts.install.rate");
  EXPECT_EQ(axis->values, (std::vector<std::string>{"{uniform: [50, 100]}", "120", "'a,b'"}));
}

TEST(Grid, RejectsMalformedFlags) {
  std::string error;
  EXPECT_FALSE(parse_grid_axis("no-equals", error).has_value());
  EXPECT_EQ(error, "--grid no-equals: expected PATH=V1,V2,...");
  EXPECT_FALSE(parse_grid_axis("=1,2", error).has_value());
  EXPECT_FALSE(parse_grid_axis("a.b=1,,2", error).has_value());
  EXPECT_EQ(error, "--grid a.b=1,,2: empty value");
}

TEST(Grid, CartesianProductFirstAxisSlowest) {
  const auto cases = grid_cases({{"a", {"1", "2"}}, {"b", {"x", "y", "z"}}});
  ASSERT_EQ(cases.size(), 6u);
  EXPECT_EQ(cases[0], (std::vector<std::string>{"a=1", "b=x"}));
  EXPECT_EQ(cases[2], (std::vector<std::string>{"a=1", "b=z"}));
  EXPECT_EQ(cases[3], (std::vector<std::string>{"a=2", "b=x"}));
}

}  // namespace
}  // namespace poweron::cli
