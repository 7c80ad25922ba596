// The sampler's alias table, built once per weight spec: Walker's alias table
// in whole units over the entries of the rounding law (pattern_sampler.hpp;
// drawing is in pattern_sampler.cpp).
#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "weights/pattern_sampler.hpp"

namespace qmf {

namespace {

// Walker's alias table in whole units: column k holds `units` units, its own
// entry own[k] below threshold[k] and alias[k] above; entry e gets exactly
// u[e] units in all (Vose's pairing, in integers). u has one entry per
// column (zeros for padding), summing to columns x units.
struct IntegerAlias {
  std::vector<std::uint32_t> threshold, own, alias;
};
IntegerAlias integer_alias(std::vector<std::uint64_t> u, std::uint64_t units) {
  const std::size_t count = u.size();
  IntegerAlias t{std::vector<std::uint32_t>(count), std::vector<std::uint32_t>(count),
                 std::vector<std::uint32_t>(count)};
  std::vector<std::uint32_t> small, large;
  for (std::size_t k = 0; k < count; ++k) {
    (u[k] < units ? small : large).push_back(static_cast<std::uint32_t>(k));
    t.own[k] = t.alias[k] = static_cast<std::uint32_t>(k);
    t.threshold[k] = static_cast<std::uint32_t>(units);  // whole: always kept
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t a = small.back();
    const std::uint32_t b = large.back();
    small.pop_back();
    t.threshold[a] = static_cast<std::uint32_t>(u[a]);
    t.alias[a] = b;
    u[b] -= units - u[a];
    if (u[b] < units) {
      large.pop_back();
      small.push_back(b);
    }
  }
  // Integers: nothing is left over but whole columns.
  if (!small.empty()) throw std::logic_error("integer_alias: units do not add up");
  return t;
}

}  // namespace

RoundingPatternSampler::RoundingPatternSampler(const RoundingPatterns& d) : inputs_(d.inputs) {
  const auto m = static_cast<std::size_t>(d.inputs);
  const std::size_t entries = d.entries.size();
  if (entries == 0) throw std::invalid_argument("RoundingPatternSampler: an empty table");
  double total = 0.0;
  for (const PatternEntry& e : d.entries) total += e.probability;
  // Units of 2^-32, each entry's rounded to nearest; the largest entry takes
  // what is left (|all - assigned| <= entries / 2).
  constexpr std::uint64_t all = std::uint64_t{1} << 32;
  std::vector<std::uint64_t> u(entries);
  std::uint64_t assigned = 0;
  std::size_t largest = 0;
  for (std::size_t k = 0; k < entries; ++k) {
    u[k] = static_cast<std::uint64_t>(std::nearbyint(d.entries[k].probability / total * 0x1.0p32));
    assigned += u[k];
    if (u[k] > u[largest]) largest = k;
  }
  u[largest] = u[largest] + all - assigned;  // modulo 2^64: exact, as the result is >= 0
  // The entries that get units, one column each at least: the least 2^s
  // columns that allow it.
  std::vector<std::uint32_t> drawn;
  for (std::size_t k = 0; k < entries; ++k)
    if (u[k] > 0) drawn.push_back(static_cast<std::uint32_t>(k));
  int column_bits = 1;
  while ((std::uint64_t{1} << column_bits) < drawn.size()) ++column_bits;
  fraction_bits_ = 32 - column_bits;
  const std::uint64_t count = std::uint64_t{1} << column_bits;
  std::vector<std::uint64_t> spread(count, 0);
  for (std::size_t j = 0; j < drawn.size(); ++j) spread[j] = u[drawn[j]];
  const IntegerAlias alias = integer_alias(spread, std::uint64_t{1} << fraction_bits_);

  // Entry k's m levels.
  entries_.assign(entries * m, 0.0);
  for (std::size_t k = 0; k < entries; ++k) {
    const PatternEntry& e = d.entries[k];
    for (std::size_t i = 0; i < m; ++i)
      entries_[k * m + i] =
          d.lowest + d.spacing * (static_cast<double>(e.first_cell) +
                                  static_cast<double>(i < 64 ? (e.pattern >> i) & 1u : 0u));
  }
  // Column slots beyond the drawn entries are padding (threshold 0).
  const auto offset = [&](std::uint32_t slot) {
    return static_cast<std::uint32_t>((slot < drawn.size() ? drawn[slot] : 0) * m);
  };
  column_.resize(count);
  for (std::uint64_t k = 0; k < count; ++k)
    column_[k] = {alias.threshold[k], {offset(alias.own[k]), offset(alias.alias[k])}};
}

}  // namespace qmf
