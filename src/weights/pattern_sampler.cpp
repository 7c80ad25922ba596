#include "weights/pattern_sampler.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <stdexcept>

#include "qmf/numerics/gaussian.hpp"

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
    : lowest_(d.lowest), spacing_(d.spacing), inputs_(d.inputs) {
  const auto m = static_cast<std::size_t>(d.inputs);
  const std::size_t entries = d.entries.size();
  std::int64_t widest = 1;
  double total = d.residual();
  for (const auto& e : d.entries) {
    widest = std::max(widest, e.span);
    total += e.probability;
  }
  const bool blocks = !d.blocks.empty();
  const int offset_bits = std::countr_zero(static_cast<std::uint64_t>(widest));
  // The draw Y: 32 bits, or 32 - g of them with the offset in the low g.
  draw_ = !blocks ? Draw::whole : offset_bits <= 8 ? Draw::narrow : Draw::wide;
  y_bits_ = draw_ == Draw::narrow ? 32 - offset_bits : 32;
  offset_mask_ = static_cast<std::uint64_t>(widest - 1);
  const double scale = std::ldexp(1.0, y_bits_);

  // Entry units of 2^-y_bits: blocks round down, the deficit joins the slow
  // draws; whole tables round to nearest and their largest entry takes what
  // is left. The clipped tails of block tables (entries of one cell, no
  // offset) are not in the table: their units open the slow draws, where a
  // compare on Y tells them apart, so that every entry of the table takes the
  // offset (a multiply by a per-entry step cost 0.3 of a normal's time).
  std::vector<std::uint64_t> u(entries);
  std::vector<double> deficit(entries);
  std::uint64_t assigned = 0;
  std::uint64_t tail_units = 0;
  std::size_t largest = 0;
  shifted_.assign(entries, 0);
  for (std::size_t k = 0; k < entries; ++k) {
    const double exact = d.entries[k].probability / total * scale;
    const auto units =
        static_cast<std::uint64_t>(blocks ? std::floor(exact) : std::nearbyint(exact));
    deficit[k] = (exact - static_cast<double>(units)) / scale;
    shifted_[k] = d.entries[k].span > 1 ? 1 : 0;
    if (blocks && !shifted_[k]) {
      if (tail_count_ == 2) throw std::logic_error("RoundingPatternSampler: more than two tails");
      tail_units += units;
      tail_end_[tail_count_] = tail_units;  // from slow_start, set below
      tail_entry_[tail_count_++] = static_cast<std::uint32_t>(k);
      continue;
    }
    u[k] = units;
    assigned += u[k];
    if (u[k] > u[largest]) largest = k;
  }
  const std::uint64_t all = std::uint64_t{1} << y_bits_;
  if (!blocks) u[largest] += all - assigned;  // |all - assigned| <= entries / 2
  const std::uint64_t slow = all - (blocks ? assigned : all);

  // The entries that get units, one column each at least below the slow
  // units: the least 2^s columns that allow it.
  std::vector<std::uint32_t> drawn;
  for (std::size_t k = 0; k < entries; ++k)
    if (u[k] > 0) drawn.push_back(static_cast<std::uint32_t>(k));
  const std::uint64_t slow_start = all - slow;
  int column_bits = 1;
  while ((slow_start >> (y_bits_ - column_bits)) < drawn.size()) ++column_bits;
  const std::uint64_t count = std::uint64_t{1} << column_bits;
  fraction_bits_ = y_bits_ - column_bits;
  const std::uint64_t units = std::uint64_t{1} << fraction_bits_;
  // Slow draws are Y >= slow_start: the top `slow` units. The column they
  // begin in keeps the largest entry below them.
  slow_start_ = slow_start;
  for (int t = 0; t < tail_count_; ++t) tail_end_[t] += slow_start;
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
  if (draw_ == Draw::narrow)
    for (std::uint64_t k = 0; k <= offset_mask_; ++k)
      byte_offset_[k] = d.spacing * static_cast<double>(k);

  // Slow draws: the residual with probability residual / (slow units), else
  // an entry from the deficits.
  if (blocks) {
    // What the slow units leave to the residual and the deficits.
    const double slow_probability = static_cast<double>(slow - tail_units) / scale;
    double short_total = 0.0;
    for (const double x : deficit) short_total += x;
    // Shares of the residual (by the double rounding of the inputs, up to
    // 1e-16 off) and the deficits: exactly 1 when there are no deficits.
    residual_share_ =
        short_total > 0.0 ? std::min(1.0, d.residual() / total / slow_probability) : 1.0;
    LevelDistribution which, short_of;
    for (std::size_t j = 0; j < d.blocks.size(); ++j) {
      const ResidualBlock& b = d.blocks[j];
      const double z0 = lowest_ + spacing_ * static_cast<double>(b.first_cell);
      const double z1 = lowest_ + spacing_ * static_cast<double>(b.first_cell + b.span);
      // phi's largest value on the block is at its point nearest 0, its
      // least at the end farther from 0; |phi'(z)| = |z| phi(z) rises up to
      // |z| = 1 and falls beyond, so its largest value on the block is at an
      // end or at |z| = 1.
      const double nearest = std::clamp(0.0, z0, z1);
      const double far = std::fabs(z0) > std::fabs(z1) ? z0 : z1;
      double steepest = std::max(std::fabs(z0) * normal_pdf(z0), std::fabs(z1) * normal_pdf(z1));
      if ((z0 < -1.0 && z1 > -1.0) || (z0 < 1.0 && z1 > 1.0))
        steepest = std::max(steepest, normal_pdf(1.0));
      blocks_.push_back({far, nearest > far ? 1.0 : -1.0, z1 - z0,
                         std::max(0.0, normal_pdf(far) - b.floor), steepest * (1.0 + 1e-9), nearest,
                         normal_pdf(nearest), b.floor, b.first_cell, b.span});
      which.levels.push_back(static_cast<double>(j));
      which.probabilities.push_back(b.probability);
    }
    if (d.residual() > 0.0) block_of_residual_.emplace(which);
    for (std::size_t k = 0; k < entries; ++k) {
      short_of.levels.push_back(static_cast<double>(k));
      short_of.probabilities.push_back(deficit[k]);
    }
    if (short_total > 0.0) entry_of_deficit_.emplace(short_of);
  }
}

long RoundingPatternSampler::words(long count) const {
  return draw_ == Draw::wide ? count : (count + 1) / 2;
}

// The slow draws' random words, fetched 32 at a time from the caller.
class SlowWords {
 public:
  explicit SlowWords(const RoundingPatternSampler::FillWords& fill) : fill_(fill) {}
  // U(0, 1) of 53-bit resolution, never 0 or 1.
  double uniform() {
    if (next_ == buffer_.size()) {
      fill_(buffer_.data(), static_cast<long>(buffer_.size()));
      next_ = 0;
    }
    return (static_cast<double>(buffer_[next_++] >> 11) + 0.5) * 0x1.0p-53;
  }

 private:
  const RoundingPatternSampler::FillWords& fill_;
  std::array<std::uint64_t, 32> buffer_;
  std::size_t next_ = 32;
};

// A weight whose draw fell among the slow units: a clipped tail (by its Y),
// else from the residual law (its block, z in it by rejection, each input's
// rounding by definition) or an entry of the deficits, with the weight's own
// cell offset.
void RoundingPatternSampler::draw_slow(double* const* rows, long i, std::uint64_t y, double offset,
                                       SlowWords& words) const {
  const auto write = [&](std::size_t k) {
    const double* entry = &entries_[k * static_cast<std::size_t>(inputs_)];
    const double shift = shifted_[k] ? offset : 0.0;
    for (int e = 0; e < inputs_; ++e) rows[e][i] = entry[e] + shift;
  };
  for (int t = 0; t < tail_count_; ++t)
    if (y < tail_end_[t]) return write(tail_entry_[t]);
  double u = words.uniform();
  double which = 0.0;
  if (u >= residual_share_) {
    u = words.uniform();
    entry_of_deficit_->sample(&u, &which, 1);
    return write(static_cast<std::size_t>(which));
  }
  u = words.uniform();
  block_of_residual_->sample(&u, &which, 1);
  const SlowBlock& b = blocks_[static_cast<std::size_t>(which)];
  // The residual phi - floor at distance d from the far end lies below the
  // line at_far + slope d (the mean value theorem: slope bounds |phi'| on the
  // block), so proposals come from that trapezoid (a uniform and a triangle
  // part, most blocks having at_far = 0) and are accepted under phi - floor:
  // nearly all of them, the residual being nearly linear. phi(z) = top
  // exp(-x), x = (z^2 - nearest^2) / 2 >= 0, and 1 - x <= exp(-x) <= 1 - x +
  // x^2 / 2 decide most proposals without exp.
  const double flat = b.at_far * b.width;
  const double flat_share = flat / (flat + 0.5 * b.slope * b.width * b.width);
  double z = b.far;
  for (;;) {
    const double v = words.uniform();
    const double d =
        b.width * (v < flat_share ? words.uniform() : std::max(words.uniform(), words.uniform()));
    z = b.far + b.toward_zero * d;
    const double height = b.floor + words.uniform() * (b.at_far + b.slope * d);
    const double x = 0.5 * (z * z - b.nearest * b.nearest);
    if (height <= b.top * (1.0 - x)) break;
    if (height > b.top * (1.0 - x + 0.5 * x * x)) continue;
    if (height <= b.top * std::exp(-x)) break;
  }
  const double t = (z - lowest_) / spacing_;
  const double cell = std::clamp(std::floor(t), static_cast<double>(b.first_cell),
                                 static_cast<double>(b.first_cell + b.span - 1));
  const double p = t - cell;
  for (int e = 0; e < inputs_; ++e)
    rows[e][i] = lowest_ + spacing_ * (cell + (words.uniform() < p ? 1.0 : 0.0));
}

// M > 0: that many inputs, known to the compiler (the copies unroll);
// M = 0: inputs_. D: the layout of the random bits (Draw).
template <int M, RoundingPatternSampler::Draw D>
void RoundingPatternSampler::sample_inputs(const std::uint64_t* words, double* const* rows,
                                           long count, const FillWords& fill) const {
  const int m = M > 0 ? M : inputs_;
  const Column* table = column_.data();
  const double* entries = entries_.data();
  const int y_shift = D == Draw::narrow ? 32 - y_bits_ : D == Draw::wide ? 32 : 0;
  const int fraction_bits = fraction_bits_;
  const std::uint32_t fraction_mask = (std::uint32_t{1} << fraction_bits) - 1;
  const std::uint64_t slow_start = slow_start_;
  const std::uint64_t offset_mask = offset_mask_;
  const double* byte_offset = byte_offset_.data();
  const double spacing = spacing_;
  // Slow draws are listed and finished after each chunk of 256 weights: a
  // rarely taken branch on the random bits alone, no call in the loop.
  constexpr long chunk = 256;
  std::array<long, chunk> slow_weight;
  std::array<std::uint32_t, chunk> slow_y;
  std::array<double, chunk> slow_offset;
  SlowWords slow_words(fill);
  const auto draw = [&](std::uint64_t x, long i, long& slow) {
    const auto y = static_cast<std::uint32_t>(x >> y_shift);
    const Column& c = table[y >> fraction_bits];
    // An index, not a select (a select compiles to a random branch).
    const double* entry = entries + c.entry[static_cast<int>((y & fraction_mask) >= c.threshold)];
    if constexpr (D == Draw::whole) {
      for (int e = 0; e < m; ++e) rows[e][i] = entry[e];
    } else {
      // The offset does not wait for the table: only a multiply-add does.
      const double offset =
          D == Draw::narrow
              ? byte_offset[x & offset_mask]
              : spacing * static_cast<double>(static_cast<std::int64_t>(x & offset_mask));
      for (int e = 0; e < m; ++e) rows[e][i] = entry[e] + offset;
      if (y >= slow_start) [[unlikely]] {
        slow_weight[slow] = i;
        slow_y[slow] = y;
        slow_offset[slow++] = offset;
      }
    }
  };
  for (long start = 0; start < count; start += chunk) {
    const long end = std::min(count, start + chunk);
    long slow = 0;
    if constexpr (D == Draw::wide) {
      for (long i = start; i < end; ++i) draw(words[i], i, slow);
    } else {
      long i = start;
      for (; i + 1 < end; i += 2) {
        const std::uint64_t word = words[i / 2];
        draw(word & 0xffffffffu, i, slow);
        draw(word >> 32, i + 1, slow);
      }
      if (i < end) draw(words[i / 2] & 0xffffffffu, i, slow);
    }
    for (long k = 0; k < slow; ++k)
      draw_slow(rows, slow_weight[k], slow_y[k], slow_offset[k], slow_words);
  }
}

void RoundingPatternSampler::sample(const std::uint64_t* words, double* const* rows, long count,
                                    const FillWords& fill) const {
  const auto run = [&]<Draw D>() {
    switch (inputs_) {
      case 2:
        return sample_inputs<2, D>(words, rows, count, fill);
      case 3:
        return sample_inputs<3, D>(words, rows, count, fill);
      case 4:
        return sample_inputs<4, D>(words, rows, count, fill);
      default:
        return sample_inputs<0, D>(words, rows, count, fill);
    }
  };
  switch (draw_) {
    case Draw::whole:
      return run.template operator()<Draw::whole>();
    case Draw::narrow:
      return run.template operator()<Draw::narrow>();
    case Draw::wide:
      return run.template operator()<Draw::wide>();
  }
}

}  // namespace qmf
