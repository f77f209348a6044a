// The scenario as plain data (SPEC section 2): what the loader produces and the model reads.
//
// Field names equal the YAML keys, so an error path reads the same in the file, the code and the message.
// Every collection keyed by id in YAML is a vector here, sorted by id (byte order): that is the order the
// spec uses for ties ("ties by id") and for output rows. References are by id; the model resolves them
// once. A Scenario the loader returns has passed every rule of SPEC 2.2. Plain data; thread-safe to read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "poweron/date.hpp"
#include "poweron/distribution.hpp"

namespace poweron {

/// A chip type.
struct Sku {
  std::string id;
  double power_kw = 0;  ///< IT kW per chip, all-in (network and storage share); required, > 0
  double price = 0;     ///< USD per chip; default 0
  double tflops = 0;    ///< dense BF16 TFLOP/s per chip; default 0
};

/// A powered-chip goal: met on the first day at whose end the owner has >= `powered` chips powered.
struct Target {
  std::string id;
  Date date = 0;                   ///< the date the goal is judged at (for shortfall)
  std::int64_t powered = 0;        ///< chips; integer >= 0
  std::optional<std::string> sku;  ///< when set, only chips of this SKU count
};

struct Owner {
  std::string id;
  double cost_of_capital = 0;   ///< per year, >= 0; prices idle chips; default 0
  std::vector<Target> targets;  ///< sorted by id
};

/// When a phase's slots become usable: a (possibly uncertain) date, or a task's finish plus a lag.
struct PhaseReady {
  std::optional<std::string> after;  ///< construction task id; when set, `date` is unused
  Distribution date;                 ///< date-valued; default: the scenario start
  Distribution lag_days;             ///< days >= 0 after the task's finish; default 0
};

struct Phase {
  std::string id;
  std::int64_t gpus = 0;  ///< slots added when ready; integer >= 0
  PhaseReady ready;
};

/// One step of a power source: from `date` on, the source supplies `mw` (until its next step).
struct PowerStep {
  Distribution date;  ///< date-valued
  Distribution mw;    ///< MW at the site boundary, >= 0
};

struct PowerSource {
  std::string id;
  std::vector<PowerStep> steps;  ///< in the order written (ties on a date: the later wins)
};

/// How delivered chips become running ones. Absent in YAML = installed at once.
struct Install {
  std::optional<std::int64_t> crews;  ///< parallel crews, >= 1; nullopt = unlimited
  std::optional<Distribution> rate;   ///< chips per crew-day, >= 1; nullopt = unlimited (no install time)
  Distribution burn_in_days;          ///< >= 0; default 0
  double failure_rate = 0;            ///< share of chips failing burn-in, in [0, 1); default 0
  Distribution rma_days;              ///< days until failed chips are back in the warehouse; default 0
};

struct InitialChips {
  std::string sku;
  std::int64_t count = 0;  ///< installed (and, power permitting, powered) at start; each adds a slot
};

struct Site {
  std::string id;
  std::string owner;
  std::int64_t priority = 100;        ///< lower is filled first among the owner's sites; ties by id
  double pue = 1.0;                   ///< facility kW / IT kW, >= 1
  std::vector<InitialChips> initial;  ///< sorted by sku id
  std::vector<Phase> phases;          ///< sorted by id
  /// nullopt = unlimited supply (no `power` key); an empty vector = no supply at all (`power: {}`).
  std::optional<std::vector<PowerSource>> power;  ///< sources sorted by id
  Install install;
};

/// A node of the construction DAG (SPEC 3.5).
struct Task {
  std::string id;
  std::optional<Distribution> start;  ///< date-valued earliest start; nullopt = none
  std::vector<std::string> after;     ///< predecessor task ids, in the order written
  Distribution days;                  ///< duration >= 0
};

struct Order {
  std::string id;
  std::string owner;
  std::string sku;
  std::int64_t quantity = 0;           ///< chips, integer >= 1
  Distribution ship;                   ///< date-valued ship date of the first lot
  std::int64_t lots = 1;               ///< equal lots, 1 <= lots <= quantity
  double lot_interval_days = 0;        ///< days between lot shipments, >= 0
  Distribution slip_days;              ///< one draw per order added to every lot; may be negative
  Distribution transit_days;           ///< one draw per lot (address orders.O.lots.K.transit_days), >= 0
  std::optional<std::string> site;     ///< fixed destination, a site of the owner
};

/// At `date`, never-placed chips of `order` change owner to `to` (SPEC 3.6).
struct Redirection {
  std::string id;
  Distribution date;                     ///< date-valued
  std::string order;
  std::string to;
  std::optional<std::int64_t> quantity;  ///< nullopt = everything movable
  std::optional<std::string> site;       ///< destination, a site of `to`
};

struct RiskDelay {
  enum class Kind { kTask, kOrder };
  Kind kind = Kind::kTask;
  std::string target;  ///< task id or order id
  Distribution days;   ///< added to the task's duration or the order's slip; >= 0
};

struct Risk {
  std::string id;
  double probability = 0;  ///< in [0, 1]; in point runs the risk occurs iff probability >= 0.5
  std::vector<RiskDelay> delays;
};

/// Gaussian-copula correlation between two distribution inputs, named by address.
struct Correlation {
  std::string a;
  std::string b;
  double rho = 0;  ///< in (-1, 1)
};

struct Scenario {
  std::string name;
  std::string description;
  Date start = 0;          ///< first simulated day
  Date end = 0;            ///< last simulated day, inclusive; >= start
  std::uint64_t seed = 0;  ///< base seed for sampled runs

  std::vector<Sku> skus;                  ///< sorted by id
  std::vector<Owner> owners;              ///< sorted by id
  std::vector<Site> sites;                ///< sorted by id
  std::vector<Task> construction;         ///< sorted by id
  std::vector<Order> orders;              ///< sorted by id
  std::vector<Redirection> redirections;  ///< sorted by id
  std::vector<Risk> risks;                ///< sorted by id
  std::vector<Correlation> correlations;  ///< in the order written

  /// Provenance: the files merged into this scenario, base first; and the merged document in a
  /// canonical text form (its SHA-256 goes into manifest.json).
  std::vector<std::string> source_files;
  std::string canonical_text;

  /// E = end - start: the simulation covers [0, E + 1).
  std::int64_t last_day() const { return static_cast<std::int64_t>(end) - start; }

  /// Every chip of the scenario, ordered or initial: no count of any state can exceed it.
  std::int64_t total_chips() const {
    std::int64_t total = 0;
    for (const Order& order : orders) total += order.quantity;
    for (const Site& site : sites) {
      for (const InitialChips& chips : site.initial) total += chips.count;
    }
    return total;
  }
};

}  // namespace poweron
