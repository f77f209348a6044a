#include "model_layout.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "poweron/random.hpp"
#include "poweron/result.hpp"
#include "id_index.hpp"

namespace poweron {
namespace {

/// The index of `id` in `index`, as the layout stores it; unknown ids are InternalError "model: <where>: ...".
template <typename T>
std::int32_t lookup(const IdIndex<T>& index, const std::string& id, std::string_view what, std::string_view where) {
  return static_cast<std::int32_t>(index.at(id, what, "model: " + std::string(where)));
}

void require(bool condition, const std::string& message) {
  if (!condition) throw InternalError("model: " + message);
}

}  // namespace

std::vector<std::int64_t> lot_sizes(std::int64_t quantity, std::int64_t lots) {
  require(lots >= 1 && lots <= quantity, "lots must be in [1, quantity]");
  std::vector<std::int64_t> sizes(static_cast<std::size_t>(lots), quantity / lots);
  const std::int64_t remainder = quantity % lots;
  for (std::int64_t k = 0; k < remainder; ++k) ++sizes[static_cast<std::size_t>(k)];
  return sizes;
}

ModelLayout ModelLayout::build(const Scenario& scenario) {
  ModelLayout layout;
  const IdIndex owners(scenario.owners);
  const IdIndex skus(scenario.skus);
  const IdIndex sites(scenario.sites);
  const IdIndex orders(scenario.orders);
  layout.owner_count = static_cast<std::int32_t>(scenario.owners.size());
  layout.sku_count = static_cast<std::int32_t>(scenario.skus.size());
  require(layout.sku_count > 0 || scenario.orders.empty(), "a scenario with orders needs a sku");

  double min_power_kw = std::numeric_limits<double>::infinity();
  for (const Sku& sku : scenario.skus) {
    require(sku.power_kw > 0, "skus." + sku.id + ".power_kw must be > 0");
    min_power_kw = std::min(min_power_kw, sku.power_kw);
  }

  layout.owner_sites.resize(scenario.owners.size());
  layout.sites.resize(scenario.sites.size());
  layout.draw_kw.resize(scenario.sites.size() * scenario.skus.size());
  for (std::size_t s = 0; s < scenario.sites.size(); ++s) {
    const Site& site = scenario.sites[s];
    const std::string where = "sites." + site.id;
    LayoutSite& out = layout.sites[s];
    out.owner = lookup(owners, site.owner, "owner", where);
    out.pue = site.pue;
    out.crews = site.install.crews.value_or(-1);
    require(!site.install.crews || *site.install.crews >= 1, where + ".install.crews must be >= 1");
    out.failure_rate = site.install.failure_rate;
    require(out.failure_rate >= 0 && out.failure_rate < 1, where + ".install.failure_rate must be in [0, 1)");
    for (const InitialChips& chips : site.initial) {
      require(chips.count >= 0, where + ".initial." + chips.sku + " must be >= 0");
      const std::int32_t sku = lookup(skus, chips.sku, "sku", where + ".initial");
      if (chips.count > 0) out.initial.emplace_back(sku, chips.count);
    }
    for (const Phase& phase : site.phases) {
      require(phase.gpus >= 0, where + ".phases." + phase.id + ".gpus must be >= 0");
      out.phase_gpus.push_back(phase.gpus);
    }
    out.unlimited_power = !site.power.has_value();
    out.first_source = static_cast<std::int32_t>(layout.source_site.size());
    if (site.power) {
      for (std::size_t k = 0; k < site.power->size(); ++k) {
        layout.source_site.push_back(static_cast<std::int32_t>(s));
        layout.source_local.push_back(static_cast<std::int32_t>(k));
      }
      out.source_count = static_cast<std::int32_t>(site.power->size());
    }
    out.power_slot_kw = site.pue * min_power_kw;
    for (std::size_t k = 0; k < scenario.skus.size(); ++k) {
      layout.draw_kw[s * scenario.skus.size() + k] = scenario.skus[k].power_kw * site.pue;
    }
    layout.owner_sites[static_cast<std::size_t>(out.owner)].push_back(static_cast<std::int32_t>(s));
  }
  for (auto& list : layout.owner_sites) {
    // Sites are sorted by id, so a stable sort by priority gives (priority, id).
    std::stable_sort(list.begin(), list.end(), [&](std::int32_t a, std::int32_t b) {
      return scenario.sites[static_cast<std::size_t>(a)].priority < scenario.sites[static_cast<std::size_t>(b)].priority;
    });
    for (std::size_t p = 0; p < list.size(); ++p) {
      layout.sites[static_cast<std::size_t>(list[p])].position = static_cast<std::int32_t>(p);
    }
  }

  layout.ordered_by_sku.assign(scenario.skus.size(), 0);
  for (std::size_t o = 0; o < scenario.orders.size(); ++o) {
    const Order& order = scenario.orders[o];
    const std::string where = "orders." + order.id;
    LayoutOrder out;
    out.owner = lookup(owners, order.owner, "owner", where);
    out.sku = lookup(skus, order.sku, "sku", where);
    if (order.site) {
      out.site = lookup(sites, *order.site, "site", where);
      require(layout.sites[static_cast<std::size_t>(out.site)].owner == out.owner,
              where + ".site '" + *order.site + "' is not a site of owner '" + order.owner + "'");
    }
    require(order.quantity >= 1 && order.lots >= 1 && order.lots <= order.quantity,
            where + ": need 1 <= lots <= quantity");
    require(order.lot_interval_days >= 0, where + ".lot_interval_days must be >= 0");
    out.quantity = order.quantity;
    out.lot_interval_days = order.lot_interval_days;
    out.first_lot = static_cast<std::int32_t>(layout.lots.size());
    out.lot_count = static_cast<std::int32_t>(order.lots);
    const std::vector<std::int64_t> sizes = lot_sizes(order.quantity, order.lots);
    for (std::size_t k = 0; k < sizes.size(); ++k) {
      const std::string prefix = "orders." + order.id + ".lots." + std::to_string(k) + ".chunks.";
      layout.lots.push_back({static_cast<std::int32_t>(o), static_cast<std::int32_t>(k), sizes[k], fnv1a64(prefix)});
    }
    layout.ordered_by_sku[static_cast<std::size_t>(out.sku)] += order.quantity;
    layout.orders.push_back(out);
  }

  for (const Redirection& redirection : scenario.redirections) {
    const std::string where = "redirections." + redirection.id;
    LayoutRedirection out;
    out.order = lookup(orders, redirection.order, "order", where);
    out.to = lookup(owners, redirection.to, "owner", where);
    if (redirection.quantity) {
      require(*redirection.quantity >= 0, where + ".quantity must be >= 0");
      out.quantity = *redirection.quantity;
    }
    if (redirection.site) {
      out.site = lookup(sites, *redirection.site, "site", where);
      require(layout.sites[static_cast<std::size_t>(out.site)].owner == out.to,
              where + ".site '" + *redirection.site + "' is not a site of owner '" + redirection.to + "'");
    }
    layout.redirections.push_back(out);
  }
  return layout;
}

void ModelLayout::check_inputs(const ResolvedInputs& inputs) const {
  // Runs before every replication of a sweep: the messages are built only when a check fails.
  // `where` names the entry ("site 3", "order 0") or is empty; `what` is the field.
  auto described = [](const char* where, std::size_t index, const char* what) {
    return where[0] == '\0' ? std::string(what) : std::string(where) + " " + std::to_string(index) + " " + what;
  };
  auto shape = [&](std::size_t got, std::size_t want, const char* where, std::size_t index, const char* what) {
    if (got != want) [[unlikely]] {
      throw InternalError("model: resolved inputs do not match the scenario: " + described(where, index, what) +
                          " has " + std::to_string(got) + " entries, expected " + std::to_string(want));
    }
  };
  shape(inputs.sites.size(), sites.size(), "", 0, "sites");
  for (std::size_t s = 0; s < sites.size(); ++s) {
    const ResolvedSite& site = inputs.sites[s];
    shape(site.phase_ready_time.size(), sites[s].phase_gpus.size(), "site", s, "phases");
    shape(site.power.size(), static_cast<std::size_t>(sites[s].source_count), "site", s, "power sources");
  }
  shape(inputs.orders.size(), orders.size(), "", 0, "orders");
  for (std::size_t o = 0; o < orders.size(); ++o) {
    shape(inputs.orders[o].transit_days.size(), static_cast<std::size_t>(orders[o].lot_count), "order", o,
          "transit_days");
  }
  shape(inputs.redirection_time.size(), redirections.size(), "", 0, "redirections");

  // Values: times may be +infinity (never) but not NaN; durations >= 0; a rate > 0.
  auto value = [&](bool ok, const char* where, std::size_t index, const char* what, double v) {
    if (!ok) [[unlikely]] {
      throw InternalError("model: resolved input " + described(where, index, what) +
                          " is out of range: " + std::to_string(v));
    }
  };
  for (std::size_t s = 0; s < sites.size(); ++s) {
    const ResolvedSite& site = inputs.sites[s];
    for (const double t : site.phase_ready_time) value(!std::isnan(t), "site", s, "phase ready time", t);
    for (const auto& steps : site.power) {
      for (const ResolvedPowerStep& step : steps) {
        value(!std::isnan(step.time), "site", s, "power step time", step.time);
        value(std::isfinite(step.mw), "site", s, "power step mw", step.mw);
      }
    }
    value(site.install_rate > 0, "site", s, "install_rate", site.install_rate);
    value(site.burn_in_days >= 0, "site", s, "burn_in_days", site.burn_in_days);
    value(site.rma_days >= 0, "site", s, "rma_days", site.rma_days);
  }
  for (std::size_t o = 0; o < orders.size(); ++o) {
    const ResolvedOrder& order = inputs.orders[o];
    value(std::isfinite(order.ship_time), "order", o, "ship_time", order.ship_time);
    value(std::isfinite(order.slip_days), "order", o, "slip_days", order.slip_days);
    for (const double t : order.transit_days) value(t >= 0, "order", o, "transit_days", t);
  }
  for (const double t : inputs.redirection_time) value(!std::isnan(t), "", 0, "redirection time", t);
}

}  // namespace poweron
