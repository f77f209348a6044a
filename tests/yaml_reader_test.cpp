// Tests of the YAML reader: marks, scalars, duplicate keys, aliases and the structural errors.
// Hostile input (limits, binary data, unreadable files) is in hostile_input_test.cpp.
#include "yaml_reader.hpp"

#include <gtest/gtest.h>

#include <string>

namespace poweron {
namespace {

SourceDocument parse_ok(const std::string& text) {
  auto result = parse_yaml_text(text, "t.yaml");
  if (!result) {
    std::string all;
    for (const auto& d : result.diagnostics()) all += format(d) + "\n";
    ADD_FAILURE() << "unexpected errors:\n" << all;
    return {};
  }
  return std::move(result).value();
}

/// The single diagnostic of a failed parse, formatted.
std::string parse_error(const std::string& text) {
  auto result = parse_yaml_text(text, "t.yaml");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.exit_code(), ExitCode::kInvalid);
  if (result.diagnostics().size() != 1) {
    ADD_FAILURE() << "expected one diagnostic, got " << result.diagnostics().size();
    return "";
  }
  return format(result.diagnostics()[0]);
}

TEST(YamlReaderTest, MarksAreOneBasedForKeysAndValues) {
  // Columns counted by hand: "    pue: 1.25" has `pue` at column 5 and `1.25` at column 10.
  const auto doc = parse_ok("name: x\nsites:\n  gts:\n    pue: 1.25\n    crews: [3, 4]\n");
  ASSERT_EQ(doc.files, std::vector<std::string>{"t.yaml"});
  const SourceNode& root = doc.root;
  ASSERT_TRUE(root.is_map());
  EXPECT_EQ(root.mark.line, 1);
  EXPECT_EQ(root.mark.column, 1);
  EXPECT_EQ(root.mark.file, 0);
  const SourceKey* name_key = root.find_key("name");
  ASSERT_NE(name_key, nullptr);
  EXPECT_EQ(name_key->mark.line, 1);
  EXPECT_EQ(name_key->mark.column, 1);
  EXPECT_EQ(root.find("name")->mark.column, 7);
  const SourceNode* gts = root.find("sites")->find("gts");
  ASSERT_NE(gts, nullptr);
  EXPECT_EQ(root.find("sites")->find_key("gts")->mark.line, 3);
  EXPECT_EQ(root.find("sites")->find_key("gts")->mark.column, 3);
  const SourceNode* pue = gts->find("pue");
  ASSERT_NE(pue, nullptr);
  EXPECT_EQ(pue->scalar, "1.25");
  EXPECT_EQ(pue->mark.line, 4);
  EXPECT_EQ(pue->mark.column, 10);
  EXPECT_EQ(gts->find_key("pue")->mark.column, 5);
  const SourceNode* crews = gts->find("crews");
  ASSERT_TRUE(crews->is_sequence());
  ASSERT_EQ(crews->items.size(), 2u);
  EXPECT_EQ(crews->items[1].scalar, "4");
  EXPECT_EQ(crews->items[1].mark.line, 5);
  EXPECT_EQ(crews->items[1].mark.column, 16);
}

TEST(YamlReaderTest, EntriesKeepWrittenOrder) {
  const auto doc = parse_ok("z: 1\na: 2\nm: 3\n");
  ASSERT_EQ(doc.root.entries.size(), 3u);
  EXPECT_EQ(doc.root.entries[0].first.text, "z");
  EXPECT_EQ(doc.root.entries[1].first.text, "a");
  EXPECT_EQ(doc.root.entries[2].first.text, "m");
}

TEST(YamlReaderTest, QuotedAndStrTaggedScalarsAreMarkedQuoted) {
  const auto doc = parse_ok("p: 5\nd: \"5\"\ns: '5'\nt: !!str 5\nb: |\n  text\n");
  EXPECT_FALSE(doc.root.find("p")->quoted);
  EXPECT_TRUE(doc.root.find("d")->quoted);
  EXPECT_TRUE(doc.root.find("s")->quoted);
  EXPECT_TRUE(doc.root.find("t")->quoted);
  EXPECT_EQ(doc.root.find("t")->scalar, "5");
  EXPECT_TRUE(doc.root.find("b")->quoted);
  EXPECT_EQ(doc.root.find("b")->scalar, "text\n");
}

TEST(YamlReaderTest, NullFormsAreNullAndQuotedNullIsAString) {
  const auto doc = parse_ok("a: ~\nb: null\nc:\nd: \"null\"\ne: NULL\n");
  EXPECT_TRUE(doc.root.find("a")->is_null());
  EXPECT_TRUE(doc.root.find("b")->is_null());
  EXPECT_TRUE(doc.root.find("c")->is_null());
  EXPECT_TRUE(doc.root.find("e")->is_null());
  ASSERT_TRUE(doc.root.find("d")->is_scalar());
  EXPECT_EQ(doc.root.find("d")->scalar, "null");
  // An empty value is reported at its key (yaml-cpp would point at the next line).
  EXPECT_EQ(doc.root.find("c")->mark.line, 3);
  EXPECT_EQ(doc.root.find("c")->mark.column, 1);
  EXPECT_EQ(doc.root.find("b")->mark.column, 4);
}

TEST(YamlReaderTest, DuplicateKeyIsReportedAtTheSecondKey) {
  EXPECT_EQ(parse_error("a: 1\nb: 2\na: 3\n"), "t.yaml:3:1: error: duplicate key \"a\" (first at 1:1)");
  EXPECT_EQ(parse_error("s:\n  x: 1\n  x: 2\n"), "t.yaml:3:3: error: s: duplicate key \"x\" (first at 2:3)");
  // Flow maps too; quoting does not make a different key.
  EXPECT_EQ(parse_error("m: {k: 1, \"k\": 2}\n"), "t.yaml:1:11: error: m: duplicate key \"k\" (first at 1:5)");
}

TEST(YamlReaderTest, DuplicateKeyIsFoundInMapsPastTheLinearScanSize) {
  // 40 keys k0..k39 on lines 1..40 (past the reader's 16-key linear scan), then k3 again on line 41:
  // the first k3 is on line 4, column 1. Then the same inside a nested map whose keys are indented by 2.
  std::string flat;
  std::string nested = "m:\n";
  for (int i = 0; i < 40; ++i) {
    // Appended piece by piece: `"k" + std::to_string(i)` trips GCC 12's false -Wrestrict at -O2.
    const std::string number = std::to_string(i);
    for (std::string* text : {&flat, &nested}) {
      if (text == &nested) text->append("  ");
      text->append("k").append(number).append(": ").append(number).append("\n");
    }
  }
  EXPECT_EQ(parse_error(flat + "k3: x\n"), "t.yaml:41:1: error: duplicate key \"k3\" (first at 4:1)");
  // Nested: m on line 1, k0..k39 on lines 2..41, so k39 (first at 41:3) repeated on line 42.
  EXPECT_EQ(parse_error(nested + "  k39: x\n"), "t.yaml:42:3: error: m: duplicate key \"k39\" (first at 41:3)");
  // Without the repeat, all 40 keys are kept in order.
  const auto doc = parse_ok(nested);
  ASSERT_EQ(doc.root.find("m")->entries.size(), 40u);
  EXPECT_EQ(doc.root.find("m")->entries[39].first.text, "k39");
}

TEST(YamlReaderTest, NestedCollectionsKeepTheirOwnChildren) {
  // Maps and lists nested inside each other, closed in different orders: every collection gets exactly the
  // children written inside it (counted by hand from the text).
  const auto doc = parse_ok("a: {x: [1, {y: 2, z: [3, 4]}, 5], w: 6}\nb: [[7], {v: 8}, 9]\nc: 10\n");
  const SourceNode* a = doc.root.find("a");
  ASSERT_EQ(a->entries.size(), 2u);
  const SourceNode* x = a->find("x");
  ASSERT_EQ(x->items.size(), 3u);
  EXPECT_EQ(x->items[0].scalar, "1");
  ASSERT_EQ(x->items[1].entries.size(), 2u);
  ASSERT_EQ(x->items[1].find("z")->items.size(), 2u);
  EXPECT_EQ(x->items[1].find("z")->items[1].scalar, "4");
  EXPECT_EQ(x->items[2].scalar, "5");
  EXPECT_EQ(a->find("w")->scalar, "6");
  const SourceNode* b = doc.root.find("b");
  ASSERT_EQ(b->items.size(), 3u);
  ASSERT_EQ(b->items[0].items.size(), 1u);
  EXPECT_EQ(b->items[1].find("v")->scalar, "8");
  EXPECT_EQ(b->items[2].scalar, "9");
  EXPECT_EQ(doc.root.entries.size(), 3u);
}

TEST(YamlReaderTest, AliasesAreExpandedIntoCopies) {
  const auto doc = parse_ok("base: &b {crews: 4, rate: [1, 2]}\nother: *b\nn: &n 7\nm: *n\n");
  const SourceNode* other = doc.root.find("other");
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->is_map());
  EXPECT_EQ(other->find("crews")->scalar, "4");
  ASSERT_EQ(other->find("rate")->items.size(), 2u);
  EXPECT_EQ(other->find("rate")->items[1].scalar, "2");
  // The copy keeps the marks of what was written (the anchored node, line 1).
  EXPECT_EQ(other->find("crews")->mark.line, 1);
  EXPECT_EQ(doc.root.find("m")->scalar, "7");
}

TEST(YamlReaderTest, NestedAliasesInsideAnAnchorAreExpanded) {
  const auto doc = parse_ok("a: &a [1]\nb: &b [*a, *a]\nc: [*b, *b]\n");
  const SourceNode* c = doc.root.find("c");
  ASSERT_EQ(c->items.size(), 2u);
  ASSERT_EQ(c->items[1].items.size(), 2u);
  ASSERT_TRUE(c->items[1].items[1].is_sequence());
  EXPECT_EQ(c->items[1].items[1].items[0].scalar, "1");
}

TEST(YamlReaderTest, MergeKeyIsAnOrdinaryKey) {
  const auto doc = parse_ok("a: &a {x: 1}\nb: {<<: *a}\n");
  const SourceNode* b = doc.root.find("b");
  ASSERT_EQ(b->entries.size(), 1u);
  EXPECT_EQ(b->entries[0].first.text, "<<");
  EXPECT_EQ(b->find("x"), nullptr);
}

TEST(YamlReaderTest, RecursiveAliasIsRejected) {
  EXPECT_EQ(parse_error("a: &a [*a]\n"), "t.yaml:1:8: error: a.0: alias refers to a node that contains it");
}

TEST(YamlReaderTest, TopLevelMustBeAMapping) {
  EXPECT_EQ(parse_error("- 1\n"), "t.yaml:1:1: error: expected a mapping at the top level, got a sequence");
  EXPECT_EQ(parse_error("hello\n"), "t.yaml:1:1: error: expected a mapping at the top level, got a scalar");
  EXPECT_EQ(parse_error("---\n"), "t.yaml:2:1: error: expected a mapping at the top level, got null");
  EXPECT_EQ(parse_error(""), "t.yaml: error: expected a mapping at the top level, got an empty document");
  EXPECT_EQ(parse_error("# only a comment\n\n"),
            "t.yaml: error: expected a mapping at the top level, got an empty document");
}

TEST(YamlReaderTest, MultipleDocumentsAreRejected) {
  EXPECT_EQ(parse_error("a: 1\n---\nb: 2\n"),
            "t.yaml:2:1: error: multiple YAML documents in one file are not supported");
}

TEST(YamlReaderTest, ComplexNullAndTaggedKeysAreRejected) {
  EXPECT_EQ(parse_error("? [a]\n: 1\n"), "t.yaml:1:3: error: mapping keys must be scalars");
  EXPECT_EQ(parse_error("x: {~: 1}\n"), "t.yaml:1:5: error: x: mapping keys must not be null");
  EXPECT_EQ(parse_error("a: !foo 1\n"), "t.yaml:1:4: error: a: unsupported tag \"!foo\" (only !!str is allowed)");
  EXPECT_EQ(parse_error("a: !!int 5\n"), "t.yaml:1:4: error: a: unsupported tag \"!!int\" (only !!str is allowed)");
}

TEST(YamlReaderTest, MalformedYamlGivesYamlCppMessageAtOneBasedPosition) {
  // yaml-cpp reports an unclosed flow sequence where it gave up: the start of line 2 (0-based 1:0).
  EXPECT_EQ(parse_error("a: [1, 2\n"), "t.yaml:2:1: error: end of sequence flow not found");
  // `a: b: c` — the second `:` is at 0-based column 4.
  EXPECT_EQ(parse_error("a: b: c\n"), "t.yaml:1:5: error: illegal map value");
  EXPECT_EQ(parse_error("a: *nowhere\n"), "t.yaml:1:4: error: the referenced anchor is not defined");
}

TEST(YamlReaderTest, ByteOrderMarkIsAccepted) {
  const auto doc = parse_ok("\xEF\xBB\xBF" "a: ~\nb: 1\n");
  EXPECT_TRUE(doc.root.find("a")->is_null());
  EXPECT_EQ(doc.root.find("a")->mark.column, 4);
  EXPECT_EQ(doc.root.find("b")->scalar, "1");
}

TEST(YamlReaderTest, LowLevelParserTakesAnyNodeAndOffsetsMarks) {
  // The form used for `--set` values: not necessarily a map, marks shifted onto the argument.
  YamlTreeOptions options;
  options.file_index = 3;
  options.file_name = "--set a=x";
  options.require_map = false;
  options.column_offset = 10;
  std::size_t nodes = 0;
  std::vector<Diagnostic> diagnostics;
  auto node = parse_yaml_tree("{crews: 4}", options, LoaderLimits{}, nodes, diagnostics);
  ASSERT_TRUE(node.has_value());
  EXPECT_EQ(nodes, 3u);  // the map, its key and its value
  EXPECT_EQ(node->find("crews")->mark.file, 3);
  EXPECT_EQ(node->find("crews")->mark.column, 19);  // 0-based column 8, plus 1, plus 10
  auto empty = parse_yaml_tree("", options, LoaderLimits{}, nodes, diagnostics);
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->is_null());
  EXPECT_TRUE(diagnostics.empty());
}

}  // namespace
}  // namespace poweron
