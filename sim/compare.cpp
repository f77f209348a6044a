#include "poweron/compare.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "poweron/csv_writer.hpp"
#include "poweron/metrics.hpp"
#include "poweron/statistics.hpp"
#include "sweep_outputs.hpp"

namespace poweron {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::size_t find_index(const std::vector<std::string>& names, const std::string& name) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return i;
  }
  return names.size();
}

}  // namespace

int better_direction(std::string_view metric) {
  if (metric == "powered_gpu_days" || metric == "compute_eflop_days" || metric == "final_powered") return +1;
  if (metric == "energy_mwh") return 0;
  return -1;  // idle metrics, idle capital cost, target dates (earlier) and shortfalls
}

std::string compare_csv(const SweepResult& a, const SweepResult& b) {
  if (a.runs != b.runs) throw std::invalid_argument("compare: sweeps have different run counts");
  CsvBuilder csv;
  for (const char* h : {"owner", "metric", "mean_a", "mean_b", "mean_diff", "ci95_low", "ci95_high", "p_b_better"}) {
    csv.field(h);
  }
  csv.end_row();
  for (std::size_t row_a = 0; row_a < a.row_names.size(); ++row_a) {
    const std::size_t row_b = find_index(b.row_names, a.row_names[row_a]);
    if (row_b == b.row_names.size()) continue;
    for (std::size_t m_a = 0; m_a < a.metric_names[row_a].size(); ++m_a) {
      const std::string& metric = a.metric_names[row_a][m_a];
      const std::size_t m_b = find_index(b.metric_names[row_b], metric);
      if (m_b == b.metric_names[row_b].size()) continue;
      const bool as_date = is_date_metric(metric);
      const int direction = better_direction(metric);

      std::vector<double> differences;
      std::int64_t b_better = 0;
      for (std::int64_t r = 0; r < a.runs; ++r) {
        const double va = a.value(r, row_a, m_a);
        const double vb = b.value(r, row_b, m_b);
        if (!std::isnan(va) && !std::isnan(vb)) differences.push_back(vb - va);
        const double ra = std::isnan(va) ? kInf : va;  // never reached ranks last
        const double rb = std::isnan(vb) ? kInf : vb;
        if ((direction > 0 && rb > ra) || (direction < 0 && rb < ra)) ++b_better;
      }
      const MeanSpread diff = mean_spread(differences);
      csv.field(a.row_names[row_a]).field(metric);
      append_statistic(csv, mean_spread(metric_values(a, row_a, m_a)).mean, as_date);
      append_statistic(csv, mean_spread(metric_values(b, row_b, m_b)).mean, as_date);
      append_statistic(csv, diff.mean, false);
      append_statistic(csv, diff.ci95_low, false);
      append_statistic(csv, diff.ci95_high, false);
      if (direction == 0) {
        csv.field("");
      } else {
        csv.number(static_cast<double>(b_better) / static_cast<double>(a.runs));
      }
      csv.end_row();
    }
  }
  return csv.text();
}

}  // namespace poweron
