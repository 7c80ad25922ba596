// The sampler's tables, built once per weight spec: Walker's alias table in
// whole units over the entries of the rounding law, the slow entries and the
// residual blocks with their probabilities (pattern_sampler.hpp; drawing is
// in pattern_sampler.cpp).
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

RoundingPatternSampler::RoundingPatternSampler(const RoundingPatterns& d)
    : lowest_(d.lowest),
      top_(d.lowest + d.spacing * static_cast<double>(d.cells)),
      spacing_(d.spacing),
      inputs_(d.inputs) {
  const auto m = static_cast<std::size_t>(d.inputs);
  const std::size_t entries = d.entries.size();
  std::int64_t widest = 1;
  double total = d.residual();
  for (std::size_t k = 0; k < entries; ++k) {
    const PatternEntry& e = d.entries[k];
    widest = std::max(widest, e.span);
    total += e.probability;
    if (k > 0 && e.offset < d.entries[k - 1].offset)
      throw std::logic_error("RoundingPatternSampler: entries not in order of their offsets");
  }
  const bool blocks = !d.blocks.empty();
  const int offset_bits = std::countr_zero(static_cast<std::uint64_t>(widest));
  // The draw Y: 32 bits, or 32 - g of them with the offset in the low g.
  draw_ = !blocks ? Draw::whole : offset_bits <= 8 ? Draw::narrow : Draw::wide;
  offset_mask_ = static_cast<std::uint64_t>(widest - 1);
  std::vector<std::uint64_t> u(entries);
  std::vector<double> deficit(entries);
  std::vector<std::uint32_t> drawn;
  std::uint64_t all = 0, slow = 0;
  std::size_t largest = 0;
  int column_bits = 1;
  double scale = 1.0;
  for (;;) {
    y_bits_ = draw_ == Draw::narrow ? 32 - offset_bits : 32;
    scale = std::ldexp(1.0, y_bits_);
    // Entry units of 2^-y_bits: blocks round down, the deficit joins the
    // slow draws, and so do the linear entries whole; whole tables round to
    // nearest and their largest entry takes what is left.
    std::uint64_t assigned = 0;
    largest = 0;
    for (std::size_t k = 0; k < entries; ++k) {
      const double exact = d.entries[k].probability / total * scale;
      const bool linear = d.entries[k].offset != PatternEntry::Offset::uniform;
      u[k] = linear
                 ? 0
                 : static_cast<std::uint64_t>(blocks ? std::floor(exact) : std::nearbyint(exact));
      deficit[k] = (exact - static_cast<double>(u[k])) / scale;
      assigned += u[k];
      if (u[k] > u[largest]) largest = k;
    }
    all = std::uint64_t{1} << y_bits_;
    if (!blocks) u[largest] += all - assigned;  // |all - assigned| <= entries / 2
    slow = all - (blocks ? assigned : all);
    // The entries that get units, one column each at least below the slow
    // units: the least 2^s columns that allow it; block tables 2^11 at
    // least, so that a narrow draw's column is the top 11 bits of its 32 (a
    // shift by a constant). Narrow tables whose slow draws leave too few
    // columns (a residual of more than half) are drawn wide.
    drawn.clear();
    for (std::size_t k = 0; k < entries; ++k)
      if (u[k] > 0) drawn.push_back(static_cast<std::uint32_t>(k));
    column_bits = blocks ? 11 : 1;
    while (((all - slow) >> (y_bits_ - column_bits)) < drawn.size()) ++column_bits;
    if (draw_ != Draw::narrow || column_bits == 11) break;
    draw_ = Draw::wide;
  }
  const std::uint64_t slow_start = all - slow;
  const std::uint64_t count = std::uint64_t{1} << column_bits;
  fraction_bits_ = y_bits_ - column_bits;
  const std::uint64_t units = std::uint64_t{1} << fraction_bits_;
  // Slow draws are Y >= slow_start: the top `slow` units. The column they
  // begin in keeps the largest entry below them.
  slow_start_ = slow_start;
  const std::uint64_t partial = slow_start / units;
  const std::uint64_t kept = slow_start % units;
  std::vector<std::uint64_t> spread(partial, 0);
  for (std::size_t j = 0; j < drawn.size(); ++j) spread[j] = u[drawn[j]];
  if (kept > 0) spread[std::find(drawn.begin(), drawn.end(), largest) - drawn.begin()] -= kept;
  const IntegerAlias alias = integer_alias(spread, units);

  // Entry k's m levels at the start of its cells.
  const std::size_t stride = m;
  entries_.assign(std::max<std::size_t>(entries, 1) * stride, 0.0);
  for (std::size_t k = 0; k < entries; ++k) {
    const PatternEntry& e = d.entries[k];
    double* out = &entries_[k * stride];
    for (std::size_t i = 0; i < m; ++i)
      out[i] = d.lowest + d.spacing * (static_cast<double>(e.first_cell) +
                                       static_cast<double>(i < 64 ? (e.pattern >> i) & 1u : 0u));
    offset_.push_back(e.offset);
  }
  // Column slots beyond the drawn entries are padding (threshold 0).
  const auto offset = [&](std::uint32_t slot) {
    return static_cast<std::uint32_t>((slot < drawn.size() ? drawn[slot] : 0) * stride);
  };
  column_.assign(count, Column{0, {0, 0}});  // slow columns: never looked up
  for (std::uint64_t k = 0; k < partial; ++k)
    column_[k] = {alias.threshold[k], {offset(alias.own[k]), offset(alias.alias[k])}};
  if (kept > 0) {
    const auto l = static_cast<std::uint32_t>(largest * stride);
    column_[partial] = {static_cast<std::uint32_t>(kept), {l, l}};
  }
  if (draw_ == Draw::narrow) {
    // Narrow draws compare the fraction with its offset bits below it:
    // thresholds in units of 2^-32, multiples of 2^g.
    for (Column& c : column_) c.threshold <<= offset_bits;
    for (std::uint64_t k = 0; k <= offset_mask_; ++k)
      offset_pair_[k] = {d.spacing * static_cast<double>(k), d.spacing * static_cast<double>(k)};
  }

  // Slow draws: an entry with its deficit (linear entries: all of their
  // probability) or a residual block with its mass, outcome j < entries
  // being entry j.
  if (blocks) {
    LevelDistribution outcome;
    for (std::size_t k = 0; k < entries; ++k) {
      outcome.levels.push_back(static_cast<double>(outcome.levels.size()));
      outcome.probabilities.push_back(deficit[k]);
    }
    for (const ResidualBlock& b : d.blocks) {
      const double z0 = lowest_ + spacing_ * static_cast<double>(b.first_cell);
      const double z1 = lowest_ + spacing_ * static_cast<double>(b.first_cell + b.span);
      blocks_.push_back({z0, std::fabs(z0) > std::fabs(z1) ? z0 : z1, z1 - z0, b.floor, b.slope,
                         b.bound, b.first_cell, b.span});
      outcome.levels.push_back(static_cast<double>(outcome.levels.size()));
      outcome.probabilities.push_back(b.probability / total);
    }
    if (slow > 0) slow_outcome_.emplace(outcome);
  }
}

}  // namespace qmf
