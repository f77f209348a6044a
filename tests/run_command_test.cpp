// `poweron run`: the CSV contents of its outputs, manifest.json, and the command end to end via the CLI.
#include <gtest/gtest.h>

#include "cli_runner.hpp"
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "poweron/capacity.hpp"
#include "poweron/date.hpp"
#include "poweron/manifest.hpp"
#include "poweron/metrics.hpp"
#include "poweron/result.hpp"
#include "poweron/timeline.hpp"
#include "run_outputs.hpp"
#include "trace_files.hpp"

namespace poweron {
namespace {

using testing_support::read_file;

namespace fs = std::filesystem;


std::string first_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

Scenario two_owner_scenario() {
  Scenario s;
  s.name = "out";
  s.start = *parse_date("2024-01-01");
  s.end = *parse_date("2024-01-10");
  s.skus = {{"H", 1.0, 0, 0}};
  s.owners = {{"a", 0, {{"t1", *parse_date("2024-01-05"), 10, std::nullopt},
                        {"t2", *parse_date("2024-01-05"), 99, std::nullopt}}},
              {"b", 0, {}}};
  Site site;
  site.id = "s";
  site.owner = "a";
  s.sites = {site};
  Order order;
  order.id = "o1";
  order.owner = "a";
  order.sku = "H";
  s.orders = {order};
  return s;
}

TEST(RunOutputs, MetricsCsvListsOwnersThenAllWithDatesAndEmptyUnreachedDates) {
  const Scenario s = two_owner_scenario();
  RunMetrics m;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  m.values = {{1.5, 2, 3, 4, 9, 0.1, 1e-7, 12.25, 7, static_cast<double>(*parse_date("2024-01-03")), 0, nan, 92},
              {0, 0, 0, 0, 0, 0, 0, 0, 0},
              {1.5, 2, 3, 4, 9, 0.1, 1e-7, 12.25, 7}};
  const std::string expected =
      "owner,metric,value\n"
      "a,powered_gpu_days,1.5\na,warehouse_gpu_days,2\na,queued_gpu_days,3\na,unpowered_gpu_days,4\n"
      "a,idle_gpu_days,9\na,idle_capital_cost,0.1\na,compute_eflop_days,1e-07\na,energy_mwh,12.25\n"
      "a,final_powered,7\na,target.t1.date,2024-01-03\na,target.t1.shortfall,0\na,target.t2.date,\n"
      "a,target.t2.shortfall,92\n"
      "b,powered_gpu_days,0\nb,warehouse_gpu_days,0\nb,queued_gpu_days,0\nb,unpowered_gpu_days,0\n"
      "b,idle_gpu_days,0\nb,idle_capital_cost,0\nb,compute_eflop_days,0\nb,energy_mwh,0\nb,final_powered,0\n"
      "all,powered_gpu_days,1.5\nall,warehouse_gpu_days,2\nall,queued_gpu_days,3\nall,unpowered_gpu_days,4\n"
      "all,idle_gpu_days,9\nall,idle_capital_cost,0.1\nall,compute_eflop_days,1e-07\nall,energy_mwh,12.25\n"
      "all,final_powered,7\n";
  EXPECT_EQ(metrics_csv(s, m), expected);
}

TEST(RunOutputs, EventsCsvUsesIdsAndCalendarDates) {
  const Scenario s = two_owner_scenario();
  const std::vector<EventRecord> events = {
      {0, EventKind::kInitial, 0, 0, -1, -1, 5},
      {2.75, EventKind::kArrive, 0, -1, 0, 3, 12},
      {-1.5, EventKind::kShip, 1, -1, 0, 0, 4},   // before start: date 2023-12-30
      {9.999999999999, EventKind::kPowerOn, 0, 0, 0, 0, 1},  // within 1e-9 of day 10: 2024-01-11
  };
  EXPECT_EQ(events_csv(s, events),
            "time,date,event,owner,site,order,lot,gpus\n"
            "0,2024-01-01,initial,a,s,,,5\n"
            "2.75,2024-01-03,arrive,a,,o1,3,12\n"
            "-1.5,2023-12-30,ship,b,,o1,0,4\n"
            "9.999999999999,2024-01-11,power_on,a,s,o1,0,1\n");
}

// write_trace_files streams timeline.csv and events.csv; they must equal the text functions byte for byte,
// with ids that need quoting (precomputed labels), dates outside the cached span and a non-finite time.
TEST(RunOutputs, WrittenFilesEqualTheTextFunctionsAndReplaceOlderOutputs) {
  Scenario s = two_owner_scenario();
  s.sites[0].id = "s,1";
  ResolvedInputs inputs;
  inputs.sites.resize(1);
  SimulationTrace trace;
  trace.changes = {{kBeforeStart, 0, -1, 0, ChipState::kOrdered, 10},
                   {1, 1, -1, 0, ChipState::kInTransit, 4},
                   {2.5, 0, 0, 0, ChipState::kPowered, 3}};
  trace.events = {{0, EventKind::kInitial, 0, 0, -1, -1, 5},
                  {12.25, EventKind::kPowerOn, 0, 0, 0, 0, 1},  // day 12 > E + 1: formatted on its own
                  {kBeforeStart, EventKind::kShip, 1, -1, 0, 2, 4}};
  const RunMetrics metrics = compute_metrics(s, trace.changes);
  const fs::path folder = fs::temp_directory_path() / ("poweron-outputs-" + std::to_string(::getpid()));
  fs::remove_all(folder);
  Manifest manifest;
  manifest.command = "run";
  for (const std::int64_t step : {1, 4}) {  // the second run replaces every file of the first
    write_trace_files(folder, s, inputs, trace, step);
    write_summary_files(folder, s, metrics, manifest);
    const std::vector<std::int64_t> days = timeline_days(s.last_day(), step);
    EXPECT_EQ(read_file(folder / "timeline.csv"),
              timeline_csv(s, days, daily_counts_at(s, trace.changes, days), compute_capacity_at(s, inputs, days)));
    EXPECT_EQ(read_file(folder / "events.csv"), events_csv(s, trace.events));
    EXPECT_EQ(read_file(folder / "metrics.csv"), metrics_csv(s, metrics));
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(folder)) ++entries;
    EXPECT_EQ(entries, 4u);
  }
  // Step 4 over days 0..9: days 0, 4, 8 and 9 (2024-01-10), 4 owner rows for a and b each and 6 site rows
  // (5 states + slots, unlimited supply) per day = 4 x 14 rows + header.
  const std::string timeline = read_file(folder / "timeline.csv");
  EXPECT_EQ(std::count(timeline.begin(), timeline.end(), '\n'), 1 + 4 * 14);
  EXPECT_NE(timeline.find("\n2024-01-05,a,\"s,1\",powered,3\n"), std::string::npos);  // powered from day 2
  EXPECT_NE(timeline.find("\n2024-01-10,b,,in_transit,4\n"), std::string::npos);
  EXPECT_EQ(read_file(folder / "events.csv"),
            "time,date,event,owner,site,order,lot,gpus\n"
            "0,2024-01-01,initial,a,\"s,1\",,,5\n"
            "12.25,2024-01-13,power_on,a,\"s,1\",o1,0,1\n"
            "-inf,,ship,b,,o1,2,4\n");
  EXPECT_NE(read_file(folder / "manifest.json").find(
                "\"files\": [\"timeline.csv\", \"events.csv\", \"metrics.csv\", \"manifest.json\"]"),
            std::string::npos);
  fs::remove_all(folder);
}

/// 3 owners and 200 sites over 400 days (every tenth site id needs quotes; sites with power steps and
/// phases), with `change_count` changes and `event_count` events from a fixed LCG: large enough that both
/// files are cut into several chunks (timeline.csv ~17 MB, events.csv ~7 MB).
struct LargeRun {
  Scenario scenario;
  ResolvedInputs inputs;
  SimulationTrace trace;
};

LargeRun large_run(std::size_t change_count, std::size_t event_count) {
  LargeRun run;
  Scenario& s = run.scenario;
  s.name = "large";
  s.start = *parse_date("2024-01-01");
  s.end = s.start + 399;
  s.skus = {{"H", 1.0, 0, 0}};
  s.owners = {{"a", 0, {}}, {"b", 0, {}}, {"c,q", 0, {}}};
  run.inputs.sites.resize(200);
  for (int i = 0; i < 200; ++i) {
    Site site;
    site.id = (i % 10 == 0 ? "s,\"" : "s") + std::to_string(1000 + i);
    site.owner = s.owners[static_cast<std::size_t>(i % 3)].id;
    site.phases = {{"p", 64 + i, {}}};
    run.inputs.sites[static_cast<std::size_t>(i)].phase_ready_time = {static_cast<double>(i)};
    if (i % 4 != 0) {
      site.power = std::vector<PowerSource>{{"grid", {}}};
      run.inputs.sites[static_cast<std::size_t>(i)].power = {{{0, 0.5}, {static_cast<double>(2 * i), 0.75 + i}}};
    }
    s.sites.push_back(site);
  }
  std::uint64_t state = 12345;
  const auto next = [&state](std::uint64_t bound) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % bound;
  };
  double time = -2;
  for (std::size_t k = 0; k < change_count; ++k) {
    time += static_cast<double>(next(3)) / 256.0;  // repeated and fractional times, past E + 1 at the end
    const auto state_index = static_cast<int>(next(kChipStateCount));
    const auto chip_state = static_cast<ChipState>(state_index);
    const auto site = static_cast<std::int32_t>(next(200));
    run.trace.changes.push_back({k == 0 ? kBeforeStart : time, static_cast<std::int32_t>(next(3)),
                                 is_site_state(chip_state) ? site : -1, 0, chip_state,
                                 static_cast<std::int64_t>(next(2000)) - 999});
  }
  time = -1.5;
  for (std::size_t k = 0; k < event_count; ++k) {
    time += static_cast<double>(next(4)) / 128.0;
    double t = time;
    if (k == 7) t = kBeforeStart;
    if (k == 8) t = std::numeric_limits<double>::quiet_NaN();
    if (k + 1 == event_count) t = 10000;  // far after the end: its date is formatted on its own
    run.trace.events.push_back({t, static_cast<EventKind>(next(15)), static_cast<std::int32_t>(next(4)) - 1,
                                static_cast<std::int32_t>(next(201)) - 1, static_cast<std::int32_t>(next(2)) - 1,
                                static_cast<std::int32_t>(next(10)) - 1, static_cast<std::int64_t>(next(1 << 20))});
  }
  s.orders = {Order{}};
  s.orders[0].id = "o\"1";
  return run;
}

// The chunked, two-thread path must give the reference texts byte for byte over many chunks, for a log in
// time order (walked in place) and out of order (indexed), at steps 1 and 7.
TEST(RunOutputs, LargeFilesWrittenInChunksEqualTheTextFunctions) {
  LargeRun run = large_run(200000, 150000);
  const fs::path folder = fs::temp_directory_path() / ("poweron-chunks-" + std::to_string(::getpid()));
  fs::remove_all(folder);
  const std::string events = events_csv(run.scenario, run.trace.events);
  ASSERT_GT(events.size(), 6u << 20);
  for (const bool shuffled : {false, true}) {
    if (shuffled) std::reverse(run.trace.changes.begin(), run.trace.changes.end());
    for (const std::int64_t step : {1, 7}) {
      write_trace_files(folder, run.scenario, run.inputs, run.trace, step);
      const std::vector<std::int64_t> days = timeline_days(run.scenario.last_day(), step);
      const std::string expected =
          timeline_csv(run.scenario, days, daily_counts_at(run.scenario, run.trace.changes, days),
                       compute_capacity_at(run.scenario, run.inputs, days));
      if (step == 1) {
        ASSERT_GT(expected.size(), 12u << 20);
      }
      EXPECT_TRUE(read_file(folder / "timeline.csv") == expected) << "step " << step << " shuffled " << shuffled;
      EXPECT_TRUE(read_file(folder / "events.csv") == events) << "step " << step << " shuffled " << shuffled;
    }
  }
  EXPECT_NE(events.find("\n10000,2051-05-19,"), std::string::npos);  // 2024-01-01 + 10000 days
  EXPECT_NE(events.find("\n-inf,,"), std::string::npos);
  EXPECT_NE(events.find("\n,,"), std::string::npos);  // NaN: empty time and date
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(folder)) ++entries;
  EXPECT_EQ(entries, 2u);  // timeline.csv and events.csv, no temporary
  fs::remove_all(folder);
}

// A failure of one large file names it and leaves no temporary file, and the other file is still written;
// timeline.csv's failure is the one reported when both fail; a change log that does not fit the scenario
// is an InternalError (events.csv is written all the same, as before the chunked writer).
TEST(RunOutputs, FailuresOfTheLargeFilesNameTheFileAndLeaveNoTemporary) {
  LargeRun run = large_run(20000, 100000);
  const fs::path folder = fs::temp_directory_path() / ("poweron-chunk-fail-" + std::to_string(::getpid()));
  const auto names = [&folder] {
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(folder)) found.push_back(entry.path().filename().string());
    std::sort(found.begin(), found.end());
    return found;
  };
  const auto message_of = [&](const SimulationTrace& trace) -> std::string {
    try {
      write_trace_files(folder, run.scenario, run.inputs, trace, 1);
    } catch (const UserError& e) {
      EXPECT_EQ(e.code(), ExitCode::kRuntime);
      return e.what();
    }
    return "no error";
  };
  // events.csv's final name is a folder: its rename fails; timeline.csv is committed.
  fs::remove_all(folder);
  fs::create_directories(folder / "events.csv" / "inside");
  EXPECT_NE(message_of(run.trace).find((folder / "events.csv").string()), std::string::npos);
  EXPECT_EQ(names(), (std::vector<std::string>{"events.csv", "timeline.csv"}));
  EXPECT_TRUE(fs::is_directory(folder / "events.csv"));
  // Both final names are folders: timeline.csv's error is reported.
  fs::remove(folder / "timeline.csv");
  fs::create_directories(folder / "timeline.csv" / "inside");
  EXPECT_NE(message_of(run.trace).find((folder / "timeline.csv").string()), std::string::npos);
  EXPECT_EQ(names(), (std::vector<std::string>{"events.csv", "timeline.csv"}));
  // A site index out of range: the timeline cannot be built while events.csv is being written.
  fs::remove_all(folder);
  SimulationTrace bad = run.trace;
  bad.changes[5].state = ChipState::kPowered;
  bad.changes[5].site = 200;
  bad.changes[5].time = 3;
  EXPECT_THROW(write_trace_files(folder, run.scenario, run.inputs, bad, 1), InternalError);
  EXPECT_EQ(names(), std::vector<std::string>{"events.csv"});
  EXPECT_EQ(read_file(folder / "events.csv"), events_csv(run.scenario, run.trace.events));
  fs::remove_all(folder);
}

TEST(Manifest, JsonEscapesStringsAndListsEveryField) {
  EXPECT_EQ(json_string("plain"), "\"plain\"");
  EXPECT_EQ(json_string("q\"b\\n\nt\t\x01"), "\"q\\\"b\\\\n\\nt\\t\\u0001\"");
  Manifest m;
  m.program_version = "0.1.0";
  m.command = "run";
  m.command_line = "poweron run \"a b.yaml\"";
  m.scenario_files = {"base.yaml", "a b.yaml"};
  m.scenario_name = "x";
  m.scenario_sha256 = "abc";
  m.overrides = {"sites.s.pue=1.2"};
  m.seed = 18446744073709551615ull;
  m.replications = 1;
  m.sampled = false;
  m.wall_time_seconds = 0.25;
  m.files = {"metrics.csv"};
  EXPECT_EQ(to_json(m),
            "{\n"
            "  \"program\": \"poweron\",\n"
            "  \"version\": \"0.1.0\",\n"
            "  \"command\": \"run\",\n"
            "  \"command_line\": \"poweron run \\\"a b.yaml\\\"\",\n"
            "  \"scenario_files\": [\"base.yaml\", \"a b.yaml\"],\n"
            "  \"scenario_name\": \"x\",\n"
            "  \"scenario_sha256\": \"abc\",\n"
            "  \"overrides\": [\"sites.s.pue=1.2\"],\n"
            "  \"seed\": 18446744073709551615,\n"
            "  \"seed_text\": \"18446744073709551615\",\n"
            "  \"replications\": 1,\n"
            "  \"mode\": \"point\",\n"
            "  \"wall_time_seconds\": 0.25,\n"
            "  \"files\": [\"metrics.csv\"]\n"
            "}\n");
}

// ---- End to end through the CLI ----

class RunCommandCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    folder_ = fs::temp_directory_path() /
              ("poweron-run-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path path = folder_ / name;
    std::ofstream(path) << text;
    return path;
  }

  /// Runs the CLI with `arguments` (already shell-quoted); returns the exit code.
  int run(const std::string& arguments) {
    const std::string command = std::string("'") + POWERON_CLI_PATH + "' " + arguments + " >'" +
                                (folder_ / "stdout").string() + "' 2>'" + (folder_ / "stderr").string() + "'";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string out() const { return read_file(folder_ / "stdout"); }
  std::string err() const { return read_file(folder_ / "stderr"); }

  fs::path folder_;
};

// 100 chips ship on day 1 with no transit, wait in the warehouse until the hall is ready on day 3, are
// installed at once and powered (unlimited supply). E = 9: warehouse 100 x [1, 3) = 200 GPU-days,
// powered 100 x [3, 10) = 700; idle capital 200 x 36500 x 0.1 / 365 = 2000; compute 700 x 1000 / 1e6;
// energy 700 x 1 kW x 24 / 1000 = 16.8 MWh; the target (100 by 2024-01-05) is met on 2024-01-04.
constexpr const char* kSmallScenario = R"(name: small
start: 2024-01-01
end: 2024-01-10
skus:
  H: {power_kw: 1, price: 36500, tflops: 1000}
owners:
  a:
    cost_of_capital: 0.1
    targets:
      t100: {date: 2024-01-05, powered: 100}
sites:
  s1:
    owner: a
    phases:
      hall: {gpus: 100, ready: 2024-01-04}
orders:
  o1: {owner: a, sku: H, quantity: 100, ship: 2024-01-02}
)";

TEST_F(RunCommandCli, WritesTheFourFilesWithExactHeaders) {
  const fs::path scenario = write("small.yaml", kSmallScenario);
  const fs::path out_dir = folder_ / "results";
  ASSERT_EQ(run("run '" + scenario.string() + "' --out '" + out_dir.string() + "'"), 0) << err();
  EXPECT_EQ(first_line(out_dir / "timeline.csv"), "date,owner,site,state,gpus");
  EXPECT_EQ(first_line(out_dir / "events.csv"), "time,date,event,owner,site,order,lot,gpus");
  EXPECT_EQ(first_line(out_dir / "metrics.csv"), "owner,metric,value");
  EXPECT_EQ(first_line(out_dir / "manifest.json"), "{");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(out_dir)) ++entries;
  EXPECT_EQ(entries, 4u);  // no temporary file left behind
  EXPECT_EQ(read_file(out_dir / "metrics.csv"),
            "owner,metric,value\n"
            "a,powered_gpu_days,700\na,warehouse_gpu_days,200\na,queued_gpu_days,0\na,unpowered_gpu_days,0\n"
            "a,idle_gpu_days,200\na,idle_capital_cost,2000\na,compute_eflop_days,0.7\na,energy_mwh,16.8\n"
            "a,final_powered,100\na,target.t100.date,2024-01-04\na,target.t100.shortfall,0\n"
            "all,powered_gpu_days,700\nall,warehouse_gpu_days,200\nall,queued_gpu_days,0\n"
            "all,unpowered_gpu_days,0\nall,idle_gpu_days,200\nall,idle_capital_cost,2000\n"
            "all,compute_eflop_days,0.7\nall,energy_mwh,16.8\nall,final_powered,100\n");
  // 10 days x (4 owner rows + 5 site states + slots; unlimited supply: no power_slots) + header.
  const std::string timeline = read_file(out_dir / "timeline.csv");
  EXPECT_EQ(std::count(timeline.begin(), timeline.end(), '\n'), 1 + 10 * 10);
  EXPECT_NE(timeline.find("2024-01-04,a,s1,powered,100\n"), std::string::npos);
  EXPECT_NE(timeline.find("2024-01-02,a,,warehouse,100\n"), std::string::npos);
  const std::string manifest = read_file(out_dir / "manifest.json");
  EXPECT_NE(manifest.find("\"mode\": \"point\""), std::string::npos);
  EXPECT_NE(manifest.find("\"replications\": 1,"), std::string::npos);
  EXPECT_NE(manifest.find("\"scenario_sha256\": \""), std::string::npos);
  // The summary names the owner, the target and the folder.
  EXPECT_NE(out().find("a: 100 GPUs powered"), std::string::npos) << out();
  EXPECT_NE(out().find("target t100"), std::string::npos) << out();
  EXPECT_NE(out().find("reached 2024-01-04"), std::string::npos) << out();
  EXPECT_NE(out().find(out_dir.string()), std::string::npos) << out();
}

TEST_F(RunCommandCli, StepThinsTheTimelineButKeepsTheEnd) {
  const fs::path scenario = write("small.yaml", kSmallScenario);
  const fs::path out_dir = folder_ / "step";
  ASSERT_EQ(run("run '" + scenario.string() + "' --step 4 --out '" + out_dir.string() + "'"), 0) << err();
  const std::string timeline = read_file(out_dir / "timeline.csv");
  // Days 0, 4, 8 and the end, 9: 4 x 10 rows.
  EXPECT_EQ(std::count(timeline.begin(), timeline.end(), '\n'), 1 + 4 * 10);
  EXPECT_NE(timeline.find("2024-01-10,a,s1,powered,100\n"), std::string::npos);
  EXPECT_EQ(timeline.find("2024-01-02,"), std::string::npos);
}

TEST_F(RunCommandCli, SampledRunRecordsItsSeed) {
  const fs::path scenario = write("small.yaml", kSmallScenario);
  const fs::path out_dir = folder_ / "sampled";
  ASSERT_EQ(run("run '" + scenario.string() + "' --sample --seed 7 --out '" + out_dir.string() + "'"), 0)
      << err();
  const std::string manifest = read_file(out_dir / "manifest.json");
  EXPECT_NE(manifest.find("\"mode\": \"sampled\""), std::string::npos) << manifest;
  EXPECT_NE(manifest.find("\"seed\": 7,"), std::string::npos) << manifest;
  // Every input of this scenario is constant: the sampled metrics equal the point ones.
  EXPECT_NE(read_file(out_dir / "metrics.csv").find("a,powered_gpu_days,700\n"), std::string::npos);
}

TEST_F(RunCommandCli, InvalidScenarioExitsTwoWithDiagnostics) {
  const fs::path scenario = write("bad.yaml", std::string(kSmallScenario) + "colour: blue\n");
  EXPECT_EQ(run("run '" + scenario.string() + "' --out '" + (folder_ / "never").string() + "'"), 2);
  EXPECT_NE(err().find("bad.yaml:"), std::string::npos) << err();
  EXPECT_NE(err().find("error:"), std::string::npos) << err();
  EXPECT_FALSE(fs::exists(folder_ / "never"));
}

TEST_F(RunCommandCli, UnwritableOutputExitsOneNamingThePath) {
  const fs::path scenario = write("small.yaml", kSmallScenario);
  const fs::path blocker = write("blocker", "a file, not a folder");
  EXPECT_EQ(run("run '" + scenario.string() + "' --out '" + (blocker / "out").string() + "'"), 1);
  EXPECT_NE(err().find((blocker / "out").string()), std::string::npos) << err();
}

TEST_F(RunCommandCli, MissingScenarioFileExitsOne) {
  EXPECT_EQ(run("run '" + (folder_ / "absent.yaml").string() + "'"), 1);
  EXPECT_NE(err().find("absent.yaml"), std::string::npos) << err();
}

TEST_F(RunCommandCli, ZeroStepIsAUsageError) {
  const fs::path scenario = write("small.yaml", kSmallScenario);
  EXPECT_EQ(run("run '" + scenario.string() + "' --step 0"), 2);
}

}  // namespace
}  // namespace poweron
