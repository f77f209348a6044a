// Tests of the YAML reader: marks, scalars, duplicate keys, aliases and the structural errors.
// Hostile input (limits, binary data, unreadable files) is in hostile_input_test.cpp.
#include "yaml_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

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

/// Whether the text parses, without reporting a failure.
bool parse_ok_quietly(const std::string& text) { return parse_yaml_text(text, "t.yaml").ok(); }

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

TEST(YamlReaderTest, AliasesToCollectionsInsideNestedCollectionsAreExpanded) {
  // The anchored list is the second entry of `m` (m is the root's second entry): copies of it land in
  // `m.z` and in `n`, and inside a nested list. (Regression: this crashed when the outer maps' child
  // counts included the inner maps' children.)
  const auto doc = parse_ok("base: 1\nm:\n  x: 2\n  y: &c [1, 2]\n  z: *c\nn: *c\nl: [[0], [&d {k: v}, *d]]\n");
  const SourceNode* m = doc.root.find("m");
  ASSERT_EQ(m->find("z")->items.size(), 2u);
  EXPECT_EQ(m->find("z")->items[1].scalar, "2");
  EXPECT_EQ(m->find("z")->items[1].mark.line, 4);  // the copy keeps the anchored list's marks
  ASSERT_EQ(doc.root.find("n")->items.size(), 2u);
  const SourceNode& second = doc.root.find("l")->items[1];
  ASSERT_EQ(second.items.size(), 2u);
  EXPECT_EQ(second.items[1].find("k")->scalar, "v");
}

TEST(YamlReaderTest, ErrorPathsCountOnlyTheirOwnCollectionsItems) {
  // `!foo x` is item 1 of item 1 of `a` (the first inner list has 2 items of its own, not counted).
  EXPECT_EQ(parse_error("a: [[1, 2], [3, !foo x]]\n"),
            "t.yaml:1:17: error: a.1.1: unsupported tag \"!foo\" (only !!str is allowed)");
  EXPECT_EQ(parse_error("a: [{b: 1, c: 2}, [!foo x]]\n"),
            "t.yaml:1:20: error: a.1.0: unsupported tag \"!foo\" (only !!str is allowed)");
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

// ---- Parallel regions: a big file is cut into regions parsed on their own threads (yaml_reader.cpp).
// Whatever the cuts, the tree (marks included), the node count and the diagnostics must be those of one
// parse of the whole text. The tests force cuts near every byte offset of small texts.

/// Every node with its kind, mark and text, so that two trees compare as strings.
std::string dump(const SourceNode& node) {
  // Appended piece by piece: chains of `+` trip GCC 12's false -Wrestrict at -O2.
  std::string out = std::to_string(node.mark.file);
  out.append("@").append(std::to_string(node.mark.line)).append(":").append(std::to_string(node.mark.column));
  switch (node.kind) {
    case SourceNode::Kind::kNull:
      return out + "~";
    case SourceNode::Kind::kScalar:
      return out.append(node.quoted ? "'" : "=").append(node.scalar).append("|");
    case SourceNode::Kind::kSequence:
      out += "[";
      for (const SourceNode& item : node.items) out.append(dump(item)).append(",");
      return out + "]";
    case SourceNode::Kind::kMap:
      out += "{";
      for (const auto& [key, value] : node.entries) {
        out.append(key.text).append("@").append(std::to_string(key.mark.line)).append(":");
        out.append(std::to_string(key.mark.column)).append("=").append(dump(value)).append(",");
      }
      return out + "}";
  }
  return out;
}

/// One parse: the tree dumped (or the diagnostics, formatted), the node count and the regions read.
struct Outcome {
  std::string text;
  std::size_t nodes = 0;
  std::size_t regions = 0;
};

Outcome parse_with(const std::string& text, const std::vector<std::size_t>& cut_targets,
                   const LoaderLimits& limits = {}) {
  YamlTreeOptions options;
  options.file_name = "t.yaml";
  options.max_threads = 1;  // no cuts unless asked for
  options.cut_targets = cut_targets;
  Outcome outcome;
  options.regions_read = &outcome.regions;
  std::vector<Diagnostic> diagnostics;
  auto root = parse_yaml_tree(text, options, limits, outcome.nodes, diagnostics);
  if (root) {
    outcome.text = dump(*root);
  } else {
    for (const Diagnostic& d : diagnostics) outcome.text += format(d) + "\n";
  }
  return outcome;
}

/// Checks cuts near every offset (one cut), and near every pair of line starts (two cuts) when
/// `pairs`; returns the most regions any cut gave.
std::size_t expect_cuts_change_nothing(const std::string& text, bool pairs, const LoaderLimits& limits = {}) {
  const Outcome whole = parse_with(text, {}, limits);
  EXPECT_EQ(whole.regions, 1u);
  std::size_t most = 0;
  auto check = [&](const std::vector<std::size_t>& cuts) {
    const Outcome cut = parse_with(text, cuts, limits);
    std::string where = "cuts at";
    for (std::size_t c : cuts) where.append(" ").append(std::to_string(c));
    EXPECT_EQ(cut.text, whole.text) << where << " of:\n" << text;
    EXPECT_EQ(cut.nodes, whole.nodes) << where << " of:\n" << text;
    most = std::max(most, cut.regions);
  };
  for (std::size_t at = 1; at < text.size(); ++at) check({at});
  if (pairs) {
    std::vector<std::size_t> line_starts;
    for (std::size_t at = 1; at < text.size(); ++at) {
      if (text[at - 1] == '\n') line_starts.push_back(at);
    }
    for (std::size_t a = 0; a < line_starts.size(); ++a) {
      for (std::size_t b = a + 1; b < line_starts.size(); ++b) check({line_starts[a], line_starts[b]});
    }
  }
  return most;
}

TEST(YamlReaderRegionsTest, CutsGiveTheSameTreeAsOneParse) {
  // A scenario-like file: top-level scalars, block maps of block maps and of flow maps, comments at
  // column 0 inside a map, lists, an empty value at the end of an entry, then more top-level keys.
  const std::string text =
      "# comment\n"
      "name: x\n"
      "start: 2024-01-01\n"
      "sites:\n"
      "  a:\n"
      "    owner: o\n"
      "    phases: {p0: {gpus: 1}}\n"
      "# a comment at column 0 inside the map\n"
      "  b:\n"
      "    power:\n"
      "      grid: [{date: 2024-01-01, mw: 1}]\n"
      "  c:\n"
      "\n"
      "  d: {x: 1}\n"
      "orders:\n"
      "  o1: {owner: o, sku: s, quantity: 1}\n"
      "  o2: {owner: o, sku: s, quantity: 2}\n"
      "  o3:\n"
      "risks:\n"
      "  r: {probability: 0.5, delays: [{order: o1, days: 1}]}\n"
      "correlations:\n"
      "  - {between: [a, b], rho: 0.5}\n"
      "  - {between: [c, d], rho: 0.1}\n";
  EXPECT_GT(expect_cuts_change_nothing(text, true), 2u);  // some cuts really gave three regions
}

TEST(YamlReaderRegionsTest, CutsNearAwkwardTextChangeNothing) {
  // Each text has lines that look like entries but are not (inside quoted, block or plain multi-line
  // scalars, flow collections), empty values whose mark yaml-cpp puts at the next token (a key that
  // starts like `null`), anchors used across the file, indentless lists, CRLF line ends, a byte-order
  // mark, and explicit keys.
  const std::vector<std::string> texts = {
      "a:\nnullable: 1\nb:\n  c:\n  nulled: 2\n  d:\n",
      "a: |\n  text\n  more: x\nb: |+\n  kept\n\nc: >-\n  folded\n  line\nd: 1\n",
      "m:\n  k: |\n    block\n  j: 2\n  l: \"two\n  lines: x\"\n  n: 'q\n  r: s'\n  z: 1\n",
      "a: plain\n  continued: not a key\nb: {x: 1,\n  y: 2}\nc: [1,\n  d: 2]\ne: 1\n",
      "base: &b {crews: 4}\nm:\n  x: *b\n  y: &c [1]\n  z: *c\nn: *c\n",
      "m:\n  a:\n  - 1\n  - x: 1\n    y: 2\n  b: 3\nn:\n- 1\n- 2\no: 1\n",
      "a: 1\r\nm:\r\n  b: 2\r\n  c: 3\r\nd: 4\r\n",
      "\xEF\xBB\xBF" "a: 1\nm:\n  b: 2\n  c: ~\nd: 4\n",
      "? a\n: 1\nm:\n  ? b\n  c: 2\n  ? d\ne: 3\n",
      "---\na: 1\nm:\n  b: 2\n  c: 3\n",
      "m:\n    deep: 1\n    deeper: 2\nn:\n   three: 3\n   four: 4\n",
      "a: 'it''s'\nb: \"say \\\"x\\\"\"\nm:\n  c: 'don''t'\n  d: 1\n",
      "m:\n  k: |+\n    kept\n\n  j: >\n    folded\n\n  l: 1\n",
      // yaml-cpp reads an unclosed quote to the end of the file; a quote in a plain scalar ('y) makes a
      // lexical scan take the real quote below for a closing one, so `c1:` looks like an entry.
      "a: \"open\nb: 2\nc: 3\n",
      "a: x 'y\nb: 'multi\nc1: line'\nd: 1\nm:\n  e: f 'g\n  h: 'i\n  j: k'\n  l: 1\n",
  };
  for (const std::string& text : texts) expect_cuts_change_nothing(text, true);
}

TEST(YamlReaderRegionsTest, ProblemsAreReportedAsByOneParse) {
  // Invalid files: whatever the cuts, the diagnostics are those of one parse (keys repeated across
  // regions, a second document, an unknown anchor, bad indentation, a non-map where a map continues).
  const std::vector<std::string> texts = {
      "a: 1\nm:\n  b: 2\n  c: 3\na: 4\n",
      "m:\n  b: 2\n  c: 3\n  b: 4\nn: 1\n",
      "a: 1\n---\nb: 2\nc: 3\n",
      "a: 1\n...\nb: 2\nc: 3\n",
      "a: 1\nm:\n  b: 2\n---\nc: 3\n",
      "a: &x 1\nm:\n  b: *x\n  c: *y\n",
      "m:\n  b: 2\n c: 3\n  d: 4\ne: 5\n",
      "m: {x: 1}\n  b: 2\n  c: 3\n",
      "m: 1\n  b: 2\n  c: 3\n",
      "  a: 1\n  b: 2\nc: 3\n",
      "{a: 1}\nb: 2\n",
      "a: [1, 2\nb: 3\n",
      "a: 1\nm:\n  c: 1\n\td: 2\n  e: 3\n",
  };
  for (const std::string& text : texts) {
    EXPECT_FALSE(parse_ok_quietly(text)) << text;
    expect_cuts_change_nothing(text, true);
  }
}

TEST(YamlReaderRegionsTest, FilesWithAnchorsOrDirectivesAreReadWhole) {
  // A cut near byte 10 is taken when nothing forbids it; an anchor (aliases could cross regions), a
  // `%` directive or a `...` line makes the file be read in one piece. `R&D` is no anchor.
  EXPECT_EQ(parse_with("a: R&D\nb: 1\nc: 2\n", {10}).regions, 2u);
  EXPECT_EQ(parse_with("a: &x 1\nb: 1\nc: 2\n", {10}).regions, 1u);
  EXPECT_EQ(parse_with("a: [&x 1]\nb: 1\nc: 2\n", {10}).regions, 1u);
  EXPECT_EQ(parse_with("%YAML 1.2\n---\na: 1\nb: 1\nc: 2\n", {18}).regions, 1u);
  EXPECT_EQ(parse_with("a: 1\nb: 1\nc: 2\n...\n", {6}).regions, 1u);
}

TEST(YamlReaderRegionsTest, NodeLimitCountsTheWholeFile) {
  // 1 root map + a, 1, b, 2 (4) + m and its map (2) + c, 3, d, 4, e, 5 (6) = 13 nodes in one parse.
  // With a limit of 12 every cut must fail with the one-parse message, with 13 none may.
  const std::string text = "a: 1\nb: 2\nm:\n  c: 3\n  d: 4\n  e: 5\n";
  EXPECT_EQ(parse_with(text, {}).nodes, 13u);
  LoaderLimits limits;
  limits.max_nodes = 12;
  expect_cuts_change_nothing(text, true, limits);
  EXPECT_NE(parse_with(text, {}, limits).text.find("exceeds the limit of 12 nodes"), std::string::npos);
  limits.max_nodes = 13;
  EXPECT_GT(expect_cuts_change_nothing(text, true, limits), 1u);
}

TEST(YamlReaderRegionsTest, BigFilesAreReadInRegionsByDefault) {
  // 4,000 entries of about 60 bytes (240 KB) with 4 threads of at least 32 KiB: the cuts fall inside
  // `orders`, and the tree equals one parse's.
  std::string text = "name: big\norders:\n";
  for (int i = 0; i < 4000; ++i) {
    text.append("  order-").append(std::to_string(i)).append(": {owner: o, sku: s, quantity: 10, lots: 2}\n");
  }
  text.append("risks: {}\n");
  YamlTreeOptions options;
  options.file_name = "big.yaml";
  options.max_threads = 4;
  options.min_region_bytes = 32 << 10;
  std::size_t regions = 0;
  options.regions_read = &regions;
  std::size_t nodes = 0;
  std::vector<Diagnostic> diagnostics;
  auto root = parse_yaml_tree(text, options, LoaderLimits{}, nodes, diagnostics);
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(regions, 4u);
  const Outcome whole = parse_with(text, {});
  EXPECT_EQ(dump(*root), whole.text);
  EXPECT_EQ(nodes, whole.nodes);
  ASSERT_EQ(root->find("orders")->entries.size(), 4000u);
  EXPECT_EQ(root->find("orders")->entries[3999].first.mark.line, 4002);  // 2 lines before order-0
}

}  // namespace
}  // namespace poweron
