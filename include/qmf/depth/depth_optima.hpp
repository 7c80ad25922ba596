// The sigma_b = 0 optima of one activation family, each N solved once: the
// rows of a table, a fit over N and a search for n_min often ask for the same
// N, and one optimum at N = 2^20 takes about half a second.
#pragma once

#include <map>

#include "qmf/depth/quantizer_depth.hpp"

namespace qmf {

/// Memoised depth_optimum(family, N). Not thread-safe: one per thread.
class DepthOptima {
 public:
  explicit DepthOptima(QuantizerFamily family) : family_(family) {}

  [[nodiscard]] QuantizerFamily family() const { return family_; }

  /// depth_optimum(family, levels), solved on the first call; throws as it.
  const DepthOptimum& at(int levels) {
    auto found = solved_.find(levels);
    if (found == solved_.end())
      found = solved_.emplace(levels, depth_optimum(family_, levels)).first;
    return found->second;
  }

 private:
  QuantizerFamily family_;
  std::map<int, DepthOptimum> solved_;
};

}  // namespace qmf
