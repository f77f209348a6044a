#include "scenario_schema.hpp"

#include <algorithm>
#include <future>
#include <iterator>
#include <map>
#include <string>

#include "did_you_mean.hpp"
#include "parallel_work.hpp"
#include "schema_rules.hpp"
#include "schema_values.hpp"

namespace poweron {
namespace {

// Ids of a collection, for reference checks; nullopt when the collection itself is malformed (then
// references into it are not checked, so one mistake gives one message).
struct IdList {
  std::vector<std::string> written;  // in the order written: suggestions prefer the first written
  std::vector<std::string> sorted;   // the same, sorted: membership by binary search (10,000 orders)

  bool contains(const std::string& id) const { return std::binary_search(sorted.begin(), sorted.end(), id); }
};
using IdSet = std::optional<IdList>;

IdSet collect_ids(const SourceNode* collection) {
  IdList ids;
  if (collection == nullptr || collection->is_null()) return ids;
  if (!collection->is_map()) return std::nullopt;
  ids.written.reserve(collection->entries.size());
  for (const auto& [key, value] : collection->entries) {
    if (is_valid_id(key.text)) ids.written.push_back(key.text);
  }
  ids.sorted = ids.written;
  std::sort(ids.sorted.begin(), ids.sorted.end());
  return ids;
}

template <typename T>
void sort_by_id(std::vector<T>& elements) {
  // Ids are unique (the reader rejects repeated keys) and usually written in order: then there is
  // nothing to move.
  auto by_id = [](const T& a, const T& b) { return a.id < b.id; };
  if (!std::is_sorted(elements.begin(), elements.end(), by_id)) std::sort(elements.begin(), elements.end(), by_id);
}

/// From this many orders on, two threads read them (a thread costs about 0.1 ms; an order about 3 us).
constexpr std::size_t kParallelOrders = 2000;

const DistSpec kDateDist{true, false, kAnyNumber};
const DistSpec kDurationDist{false, true, kNonNegative};
const DistSpec kSlipDist{false, false, kAnyNumber};
const DistSpec kPowerDist{false, true, kNonNegative};
const DistSpec kRateDist{false, false, kAtLeastOne};

Distribution default_duration(std::string address) {
  Distribution d = Distribution::constant(0.0, std::move(address));
  d.non_negative = true;
  return d;
}

/// Moves a value read into `field`, which keeps its default when reading failed (no copy of either).
void assign_if(Distribution& field, std::optional<Distribution> read) {
  if (read) field = std::move(*read);
}

class ScenarioBuilder {
 public:
  ScenarioBuilder(const SourceDocument& document, const LoaderLimits& limits, std::vector<Diagnostic>& diagnostics)
      : document_(document), reader_(document, limits, diagnostics) {}

  /// Call once: moves the scenario out.
  Scenario build() {
    const SourceNode& root = document_.root;
    scenario_.source_files = document_.files;
    if (!root.is_map() && !root.is_null()) {
      reader_.error(root.mark, "", "expected a map of scenario keys, got " + describe(root));
      return std::move(scenario_);
    }
    reader_.check_keys(root, "",
                       {"name", "description", "start", "end", "seed", "extends", "skus", "owners", "sites",
                        "construction", "orders", "redirections", "risks", "correlations"});
    skus_ = collect_ids(root.find("skus"));
    owners_ = collect_ids(root.find("owners"));
    sites_ = collect_ids(root.find("sites"));
    tasks_ = collect_ids(root.find("construction"));
    orders_ = collect_ids(root.find("orders"));

    read_header(root);
    if (const SourceNode* node = root.find("skus")) read_skus(*node);
    if (const SourceNode* node = root.find("owners")) read_owners(*node);
    if (const SourceNode* node = root.find("sites")) read_sites(*node);
    if (const SourceNode* node = root.find("construction")) read_construction(*node);
    if (const SourceNode* node = root.find("orders")) read_orders(*node);
    if (const SourceNode* node = root.find("redirections")) read_redirections(*node);
    if (const SourceNode* node = root.find("risks")) read_risks(*node);
    if (const SourceNode* node = root.find("correlations")) scenario_.correlations = read_correlations(*node, reader_);
    return std::move(scenario_);
  }

 private:
  // Checks that `value` names an element of `ids`; reports `unknown KIND "x"` otherwise. (The readers
  // are parameters of these helpers so that a second thread can read orders with its own.)
  bool check_reference(SchemaReader& reader, const IdSet& ids, const char* kind, const SourceNode& node,
                       const FieldPath& path, const std::string& value) const {
    if (!ids) return false;
    if (ids->contains(value)) return true;
    reader.error(node.mark, path,
                 std::string("unknown ") + kind + " \"" + value + "\"" + did_you_mean(value, ids->written));
    return false;
  }

  // A required or optional reference field; returns the id when it resolves.
  std::optional<std::string> reference(SchemaReader& reader, const SourceNode& map, const std::string& path,
                                       const char* key, const IdSet& ids, const char* kind, bool is_required) const {
    const SourceNode* node = is_required ? reader.required(map, path, key) : reader.optional(map, key);
    if (node == nullptr) return std::nullopt;
    const FieldPath field(path, key);
    const auto id = reader.text(*node, field);
    if (!id || !check_reference(reader, ids, kind, *node, field, *id)) return std::nullopt;
    return id;
  }

  // Reports a fixed destination site that belongs to another owner than `owner`.
  void check_site_owner(SchemaReader& reader, const SourceNode& map, const std::string& path, const std::string& site,
                        const std::string& owner) const {
    const auto found = site_owner_.find(site);
    if (found == site_owner_.end() || found->second.empty() || found->second == owner) return;
    reader.error(map.find("site")->mark, FieldPath(path, "site"),
                 "site \"" + site + "\" belongs to owner \"" + found->second + "\", not to \"" + owner + "\"");
  }

  void read_header(const SourceNode& root) {
    if (const SourceNode* node = reader_.required(root, "", "name")) {
      scenario_.name = reader_.text(*node, "name").value_or("");
    }
    if (const SourceNode* node = reader_.optional(root, "description")) {
      scenario_.description = reader_.text(*node, "description").value_or("");
    }
    const SourceNode* start = reader_.required(root, "", "start");
    const SourceNode* end = reader_.required(root, "", "end");
    std::optional<Date> start_date, end_date;
    if (start != nullptr) start_date = reader_.date(*start, "start");
    if (end != nullptr) end_date = reader_.date(*end, "end");
    if (start_date) scenario_.start = *start_date;
    if (end_date) scenario_.end = *end_date;
    if (start_date && end_date && *end_date < *start_date) {
      reader_.error(end->mark, "end", "must be on or after start " + start->scalar + ", got " + end->scalar);
    }
    if (const SourceNode* node = reader_.optional(root, "seed")) {
      if (const auto seed = reader_.integer(*node, "seed", kNonNegative)) {
        scenario_.seed = static_cast<std::uint64_t>(*seed);
      }
    }
  }

  void read_skus(const SourceNode& node) {
    scenario_.skus.reserve(node.entries.size());
    reader_.for_each_element(
        node, "skus", [&](const std::string& id, const SourceKey&, const SourceNode& value, const std::string& path) {
          SourceNode storage;
          const SourceNode& body = empty_map_at(value, storage);
          if (!reader_.expect_map(body, path)) return;
          reader_.check_keys(body, path, {"power_kw", "price", "tflops"});
          Sku sku;
          sku.id = id;
          if (const SourceNode* v = reader_.required(body, path, "power_kw")) {
            sku.power_kw = reader_.number(*v, {path, "power_kw"}, kPositive).value_or(0.0);
          }
          if (const SourceNode* v = reader_.optional(body, "price")) {
            sku.price = reader_.number(*v, {path, "price"}, kNonNegative).value_or(0.0);
          }
          if (const SourceNode* v = reader_.optional(body, "tflops")) {
            sku.tflops = reader_.number(*v, {path, "tflops"}, kNonNegative).value_or(0.0);
          }
          scenario_.skus.push_back(std::move(sku));
        });
    sort_by_id(scenario_.skus);
  }

  void read_owners(const SourceNode& node) {
    scenario_.owners.reserve(node.entries.size());
    reader_.for_each_element(
        node, "owners", [&](const std::string& id, const SourceKey&, const SourceNode& value, const std::string& path) {
          SourceNode storage;
          const SourceNode& body = empty_map_at(value, storage);
          if (!reader_.expect_map(body, path)) return;
          reader_.check_keys(body, path, {"cost_of_capital", "targets"});
          Owner owner;
          owner.id = id;
          if (const SourceNode* v = reader_.optional(body, "cost_of_capital")) {
            owner.cost_of_capital = reader_.number(*v, {path, "cost_of_capital"}, kNonNegative).value_or(0.0);
          }
          if (const SourceNode* targets = body.find("targets"))
            read_targets(*targets, join_path(path, "targets"), owner);
          scenario_.owners.push_back(std::move(owner));
        });
    sort_by_id(scenario_.owners);
  }

  void read_targets(const SourceNode& node, const std::string& targets_path, Owner& owner) {
    reader_.for_each_element(
        node, targets_path,
        [&](const std::string& id, const SourceKey&, const SourceNode& value, const std::string& path) {
          SourceNode storage;
          const SourceNode& body = empty_map_at(value, storage);
          if (!reader_.expect_map(body, path)) return;
          reader_.check_keys(body, path, {"date", "powered", "sku"});
          Target target;
          target.id = id;
          if (const SourceNode* v = reader_.required(body, path, "date")) {
            target.date = reader_.date(*v, {path, "date"}).value_or(0);
          }
          if (const SourceNode* v = reader_.required(body, path, "powered")) {
            target.powered = reader_.integer(*v, {path, "powered"}, kNonNegative).value_or(0);
          }
          target.sku = reference(reader_, body, path, "sku", skus_, "sku", false);
          owner.targets.push_back(std::move(target));
        });
    sort_by_id(owner.targets);
  }

  void read_sites(const SourceNode& node) {
    scenario_.sites.reserve(node.entries.size());
    reader_.for_each_element(
        node, "sites", [&](const std::string& id, const SourceKey&, const SourceNode& value, const std::string& path) {
          SourceNode storage;
          const SourceNode& body = empty_map_at(value, storage);
          if (!reader_.expect_map(body, path)) return;
          reader_.check_keys(body, path, {"owner", "priority", "pue", "initial", "phases", "power", "install"});
          Site site;
          site.id = id;
          site.owner = reference(reader_, body, path, "owner", owners_, "owner", true).value_or("");
          site_owner_[id] = site.owner;
          if (const SourceNode* v = reader_.optional(body, "priority")) {
            site.priority = reader_.integer(*v, {path, "priority"}).value_or(site.priority);
          }
          if (const SourceNode* v = reader_.optional(body, "pue")) {
            site.pue = reader_.number(*v, {path, "pue"}, kAtLeastOne).value_or(site.pue);
          }
          if (const SourceNode* v = body.find("initial")) read_initial(*v, join_path(path, "initial"), site);
          if (const SourceNode* v = body.find("phases")) read_phases(*v, join_path(path, "phases"), site);
          if (const SourceNode* v = reader_.optional(body, "power")) read_power(*v, join_path(path, "power"), site);
          read_install(reader_.optional(body, "install"), join_path(path, "install"), site.install);
          scenario_.sites.push_back(std::move(site));
        });
    sort_by_id(scenario_.sites);
  }

  void read_initial(const SourceNode& node, const std::string& initial_path, Site& site) {
    reader_.for_each_element(
        node, initial_path,
        [&](const std::string& sku, const SourceKey& key, const SourceNode& value, const std::string& path) {
          SourceNode key_node;
          key_node.kind = SourceNode::Kind::kScalar;
          key_node.scalar = key.text;
          key_node.mark = key.mark;
          check_reference(reader_, skus_, "sku", key_node, path, sku);
          site.initial.push_back(InitialChips{sku, reader_.count(value, path, 0).value_or(0)});
        });
    std::sort(site.initial.begin(), site.initial.end(),
              [](const InitialChips& a, const InitialChips& b) { return a.sku < b.sku; });
  }

  void read_phases(const SourceNode& node, const std::string& phases_path, Site& site) {
    reader_.for_each_element(
        node, phases_path,
        [&](const std::string& id, const SourceKey&, const SourceNode& value, const std::string& path) {
          SourceNode storage;
          const SourceNode& body = empty_map_at(value, storage);
          if (!reader_.expect_map(body, path)) return;
          reader_.check_keys(body, path, {"gpus", "ready"});
          Phase phase;
          phase.id = id;
          if (const SourceNode* v = reader_.required(body, path, "gpus")) {
            phase.gpus = reader_.count(*v, {path, "gpus"}, 0).value_or(0);
          }
          const std::string ready_path = join_path(path, "ready");
          phase.ready.date = Distribution::constant(static_cast<double>(scenario_.start), ready_path);
          phase.ready.date.is_date = true;
          phase.ready.lag_days = default_duration(join_path(ready_path, "lag_days"));
          if (const SourceNode* ready = reader_.optional(body, "ready")) read_ready(*ready, ready_path, phase.ready);
          site.phases.push_back(std::move(phase));
        });
    sort_by_id(site.phases);
  }

  // `ready`: a date *dist*, or `{after: TASK, lag_days: dist}`.
  void read_ready(const SourceNode& node, const std::string& path, PhaseReady& ready) {
    const bool tied = node.is_map() && (node.find("after") != nullptr || node.find("lag_days") != nullptr);
    if (!tied) {
      if (auto date = reader_.distribution(node, path, kDateDist)) ready.date = std::move(*date);
      return;
    }
    reader_.check_keys(node, path, {"after", "lag_days"});
    ready.after = reference(reader_, node, path, "after", tasks_, "construction task", true);
    if (const SourceNode* lag = reader_.optional(node, "lag_days")) {
      if (auto days = reader_.distribution(*lag, join_path(path, "lag_days"), kDurationDist)) {
        ready.lag_days = std::move(*days);
      }
    }
  }

  void read_power(const SourceNode& node, const std::string& power_path, Site& site) {
    site.power.emplace();
    reader_.for_each_element(
        node, power_path,
        [&](const std::string& id, const SourceKey&, const SourceNode& value, const std::string& path) {
          if (!value.is_sequence() || value.items.empty()) {
            reader_.error(value.mark, path,
                          "expected a non-empty list of {date, mw} steps, got " +
                              (value.is_sequence() ? std::string("an empty list") : describe(value)));
            return;
          }
          PowerSource source;
          source.id = id;
          for (std::size_t i = 0; i < value.items.size(); ++i) {
            const SourceNode& step_node = value.items[i];
            const std::string step_path = join_path(path, std::to_string(i));
            if (!step_node.is_map()) {
              reader_.error(step_node.mark, step_path, "expected a map {date, mw}, got " + describe(step_node));
              continue;
            }
            reader_.check_keys(step_node, step_path, {"date", "mw"});
            PowerStep step;
            if (const SourceNode* v = reader_.required(step_node, step_path, "date")) {
              assign_if(step.date, reader_.distribution(*v, join_path(step_path, "date"), kDateDist));
            }
            if (const SourceNode* v = reader_.required(step_node, step_path, "mw")) {
              assign_if(step.mw, reader_.distribution(*v, join_path(step_path, "mw"), kPowerDist));
            }
            source.steps.push_back(std::move(step));
          }
          site.power->push_back(std::move(source));
        });
    sort_by_id(*site.power);
  }

  void read_install(const SourceNode* node, const std::string& path, Install& install) {
    install.burn_in_days = default_duration(join_path(path, "burn_in_days"));
    install.rma_days = default_duration(join_path(path, "rma_days"));
    if (node == nullptr || !reader_.expect_map(*node, path)) return;
    reader_.check_keys(*node, path, {"crews", "rate", "burn_in_days", "failure_rate", "rma_days"});
    if (const SourceNode* v = reader_.optional(*node, "crews"))
      install.crews = reader_.count(*v, {path, "crews"}, 1);
    if (const SourceNode* v = reader_.optional(*node, "rate")) {
      install.rate = reader_.distribution(*v, join_path(path, "rate"), kRateDist);
    }
    if (const SourceNode* v = reader_.optional(*node, "burn_in_days")) {
      assign_if(install.burn_in_days, reader_.distribution(*v, join_path(path, "burn_in_days"), kDurationDist));
    }
    if (const SourceNode* v = reader_.optional(*node, "failure_rate")) {
      install.failure_rate =
          reader_.number(*v, {path, "failure_rate"}, Range{0.0, true, 1.0, false}).value_or(0.0);
    }
    if (const SourceNode* v = reader_.optional(*node, "rma_days")) {
      assign_if(install.rma_days, reader_.distribution(*v, join_path(path, "rma_days"), kDurationDist));
    }
  }

  void read_construction(const SourceNode& node) {
    scenario_.construction.reserve(node.entries.size());
    std::map<std::string, SourceMark> task_keys;
    const bool ok = reader_.for_each_element(
        node, "construction",
        [&](const std::string& id, const SourceKey& key, const SourceNode& value, const std::string& path) {
          task_keys[id] = key.mark;
          SourceNode storage;
          const SourceNode& body = empty_map_at(value, storage);
          if (!reader_.expect_map(body, path)) return;
          reader_.check_keys(body, path, {"start", "after", "days"});
          Task task;
          task.id = id;
          if (const SourceNode* v = reader_.optional(body, "start")) {
            task.start = reader_.distribution(*v, join_path(path, "start"), kDateDist);
          }
          if (const SourceNode* after = reader_.optional(body, "after"))
            read_after(*after, join_path(path, "after"), task);
          if (const SourceNode* v = reader_.required(body, path, "days")) {
            assign_if(task.days, reader_.distribution(*v, join_path(path, "days"), kDurationDist));
          }
          scenario_.construction.push_back(std::move(task));
        });
    sort_by_id(scenario_.construction);
    if (ok) check_construction_cycle(scenario_.construction, task_keys, reader_);
  }

  // `after`: a list of task ids (a single id is accepted as a one-element list). Keeps only ids that
  // resolve, so the cycle check sees a well-formed graph.
  void read_after(const SourceNode& node, const std::string& path, Task& task) {
    if (node.is_scalar()) {
      if (const auto id = reader_.text(node, path);
          id && check_reference(reader_, tasks_, "construction task", node, path, *id)) {
        task.after.push_back(*id);
      }
      return;
    }
    if (!node.is_sequence()) {
      reader_.error(node.mark, path, "expected a list of construction task ids, got " + describe(node));
      return;
    }
    for (std::size_t i = 0; i < node.items.size(); ++i) {
      const std::string item_path = join_path(path, std::to_string(i));
      const auto id = reader_.text(node.items[i], item_path);
      if (id && check_reference(reader_, tasks_, "construction task", node.items[i], item_path, *id)) {
        task.after.push_back(*id);
      }
    }
  }

  void read_orders(const SourceNode& node) {
    std::int64_t total_lots = 0;
    if (node.is_map()) {
      const std::size_t count = node.entries.size();
      scenario_.orders.reserve(count);
      if (count < kParallelOrders) {
        read_order_range(reader_, node, 0, count, scenario_.orders, total_lots);
      } else {
        // The second half on a second thread with its own reader: diagnostics are sorted at the end and
        // distribution addresses are a set, so the split changes nothing but the time.
        const std::size_t half = count / 2;
        std::vector<Diagnostic> second_diagnostics;
        SchemaReader second_reader(document_, reader_.limits(), second_diagnostics);
        std::vector<Order> second_orders;
        second_orders.reserve(count - half);
        std::int64_t second_lots = 0;
        auto read_second = [&] { read_order_range(second_reader, node, half, count, second_orders, second_lots); };
        {
          std::future<void> second = start_beside(read_second);
          read_order_range(reader_, node, 0, half, scenario_.orders, total_lots);
          second.get();
        }
        std::move(second_orders.begin(), second_orders.end(), std::back_inserter(scenario_.orders));
        total_lots += second_lots;
        reader_.take_from(second_reader);
      }
    } else {
      reader_.expect_map(node, "orders");  // null is an empty map; anything else is reported
    }
    sort_by_id(scenario_.orders);
    if (total_lots > reader_.limits().max_total_lots) {
      reader_.error(node.mark, "orders",
                    "total lots over all orders (" + std::to_string(total_lots) + ") exceed the limit of " +
                        std::to_string(reader_.limits().max_total_lots));
    }
  }

  // Reads orders [begin, end) of the `orders` map into `orders` with `reader` (see read_orders).
  void read_order_range(SchemaReader& reader, const SourceNode& node, std::size_t begin, std::size_t end,
                        std::vector<Order>& orders, std::int64_t& total_lots) const {
    auto read = [&](const std::string& id, const SourceKey&, const SourceNode& value, const std::string& path) {
      read_order(reader, id, value, path, orders, total_lots);
    };
    reader.for_each_element_in(node, "orders", begin, end, read);
  }

  void read_order(SchemaReader& reader, const std::string& id, const SourceNode& value, const std::string& path,
                  std::vector<Order>& orders, std::int64_t& total_lots) const {
    SourceNode storage;
    const SourceNode& body = empty_map_at(value, storage);
    if (!reader.expect_map(body, path)) return;
    reader.check_keys(
        body, path,
        {"owner", "sku", "quantity", "ship", "lots", "lot_interval_days", "slip_days", "transit_days", "site"});
    // Fields are read into locals and the Order is made once at the end: a default Order would
    // allocate three default distributions only to replace them (10,000 orders in a big file).
    auto owner = reference(reader, body, path, "owner", owners_, "owner", true);
    auto sku = reference(reader, body, path, "sku", skus_, "sku", true);
    std::optional<std::int64_t> quantity;
    if (const SourceNode* v = reader.required(body, path, "quantity")) {
      quantity = reader.count(*v, {path, "quantity"}, 1);
    }
    std::optional<Distribution> ship;
    if (const SourceNode* v = reader.required(body, path, "ship")) {
      ship = reader.distribution(*v, join_path(path, "ship"), kDateDist);
    }
    std::int64_t lots = 1;
    if (const SourceNode* v = reader.optional(body, "lots")) {
      const FieldPath lots_path(path, "lots");
      const auto read = reader.count(*v, lots_path, 1);
      if (read && quantity && *read > *quantity) {
        reader.error(v->mark, lots_path, "must be <= quantity (" + std::to_string(*quantity) + "), got " + v->scalar);
      }
      lots = read.value_or(1);
    }
    total_lots += lots;
    double lot_interval_days = 0.0;
    if (const SourceNode* v = reader.optional(body, "lot_interval_days")) {
      lot_interval_days = reader.number(*v, {path, "lot_interval_days"}, kNonNegative).value_or(0.0);
    }
    std::string slip_path = join_path(path, "slip_days");
    std::optional<Distribution> slip;
    if (const SourceNode* v = reader.optional(body, "slip_days")) {
      slip = reader.distribution(*v, slip_path, kSlipDist);
    }
    std::string transit_path = join_path(path, "transit_days");
    std::optional<Distribution> transit;
    if (const SourceNode* v = reader.optional(body, "transit_days")) {
      transit = reader.distribution(*v, transit_path, kDurationDist);
    }
    auto site = reference(reader, body, path, "site", sites_, "site", false);
    if (site && owner) check_site_owner(reader, body, path, *site, *owner);
    orders.push_back(Order{
        .id = id,
        .owner = owner.value_or(""),
        .sku = sku.value_or(""),
        .quantity = quantity.value_or(0),
        .ship = ship ? std::move(*ship) : Distribution{},
        .lots = lots,
        .lot_interval_days = lot_interval_days,
        .slip_days = slip ? std::move(*slip) : Distribution::constant(0.0, std::move(slip_path)),
        .transit_days = transit ? std::move(*transit) : default_duration(std::move(transit_path)),
        .site = std::move(site),
    });
  }

  void read_redirections(const SourceNode& node) {
    reader_.for_each_element(
        node, "redirections",
        [&](const std::string& id, const SourceKey&, const SourceNode& value, const std::string& path) {
          SourceNode storage;
          const SourceNode& body = empty_map_at(value, storage);
          if (!reader_.expect_map(body, path)) return;
          reader_.check_keys(body, path, {"date", "order", "to", "quantity", "site"});
          Redirection redirection;
          redirection.id = id;
          if (const SourceNode* v = reader_.required(body, path, "date")) {
            assign_if(redirection.date, reader_.distribution(*v, join_path(path, "date"), kDateDist));
          }
          redirection.order = reference(reader_, body, path, "order", orders_, "order", true).value_or("");
          const auto to = reference(reader_, body, path, "to", owners_, "owner", true);
          redirection.to = to.value_or("");
          if (const SourceNode* v = reader_.optional(body, "quantity")) {
            redirection.quantity = reader_.count(*v, {path, "quantity"}, 1);
          }
          redirection.site = reference(reader_, body, path, "site", sites_, "site", false);
          if (redirection.site && to) check_site_owner(reader_, body, path, *redirection.site, *to);
          scenario_.redirections.push_back(std::move(redirection));
        });
    sort_by_id(scenario_.redirections);
  }

  void read_risks(const SourceNode& node) {
    reader_.for_each_element(
        node, "risks", [&](const std::string& id, const SourceKey&, const SourceNode& value, const std::string& path) {
          SourceNode storage;
          const SourceNode& body = empty_map_at(value, storage);
          if (!reader_.expect_map(body, path)) return;
          reader_.check_keys(body, path, {"probability", "delays"});
          Risk risk;
          risk.id = id;
          if (const SourceNode* v = reader_.required(body, path, "probability")) {
            risk.probability = reader_.number(*v, {path, "probability"}, kProbability).value_or(0.0);
          }
          if (const SourceNode* delays = reader_.required(body, path, "delays")) {
            read_delays(*delays, join_path(path, "delays"), risk);
          }
          scenario_.risks.push_back(std::move(risk));
        });
    sort_by_id(scenario_.risks);
  }

  void read_delays(const SourceNode& node, const std::string& delays_path, Risk& risk) {
    if (!node.is_sequence()) {
      reader_.error(node.mark, delays_path, "expected a list of {task or order, days}, got " + describe(node));
      return;
    }
    for (std::size_t i = 0; i < node.items.size(); ++i) {
      const SourceNode& item = node.items[i];
      const std::string path = join_path(delays_path, std::to_string(i));
      if (!item.is_map()) {
        reader_.error(item.mark, path, "expected a map {task or order, days}, got " + describe(item));
        continue;
      }
      reader_.check_keys(item, path, {"task", "order", "days"});
      RiskDelay delay;
      const bool has_task = item.find("task") != nullptr;
      const bool has_order = item.find("order") != nullptr;
      if (has_task == has_order) {
        reader_.error(item.mark, path, "needs exactly one of \"task\" or \"order\"");
      } else if (has_task) {
        delay.kind = RiskDelay::Kind::kTask;
        delay.target = reference(reader_, item, path, "task", tasks_, "construction task", true).value_or("");
      } else {
        delay.kind = RiskDelay::Kind::kOrder;
        delay.target = reference(reader_, item, path, "order", orders_, "order", true).value_or("");
      }
      if (const SourceNode* v = reader_.required(item, path, "days")) {
        assign_if(delay.days, reader_.distribution(*v, join_path(path, "days"), kDurationDist));
      }
      risk.delays.push_back(std::move(delay));
    }
  }

  const SourceDocument& document_;
  SchemaReader reader_;
  Scenario scenario_;
  IdSet skus_, owners_, sites_, tasks_, orders_;
  std::map<std::string, std::string> site_owner_;  ///< site id -> owner id ("" when it did not resolve)
};

}  // namespace

std::optional<Scenario> build_scenario(const SourceDocument& document, const LoaderLimits& limits,
                                       std::vector<Diagnostic>& diagnostics) {
  const std::size_t errors_before = diagnostics.size();
  Scenario scenario = ScenarioBuilder(document, limits, diagnostics).build();
  if (diagnostics.size() > errors_before) return std::nullopt;
  return scenario;
}

}  // namespace poweron
