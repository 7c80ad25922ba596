#include "simulation/cell_network.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "simulation/cell_draws.hpp"
#include "simulation/cell_partition.hpp"
#include "simulation/cell_sums.hpp"
#include "simulation/gram_layer.hpp"
#include "simulation/net_inputs.hpp"

namespace qmf::simulation {

namespace {

Eigen::Index columns(const SimulationSettings& s) {
  return static_cast<Eigen::Index>(s.c0.size()) + 1;
}

class CellNet {
 public:
  CellNet(const Activation& phi, const BackwardDerivative& g, const SimulationSettings& s, int net,
          const CellOptions& options)
      : s_(s),
        net_(net),
        options_(options),
        m_(columns(s)),
        partition_(phi, s.surrogate, static_cast<int>(m_)),
        sums_(partition_, phi, g),
        groups_(s.depth + 1),
        precision_(s.depth + 1),
        block_(gram_block_rows, m_) {
    result_.q.resize(s.depth + 1);
    result_.c.resize((s.depth + 1) * (m_ - 1));
  }

  NetMeasurement run() {
    sums_.clear();
    sums_.absorb(input_pre_activations(s_, net_));
    finish_layer(0);
    for (int l = 1; l <= s_.depth; ++l) {
      s_.interrupt.poll();
      forward(l);
    }
    if (s_.backward) backward();
    return std::move(result_);
  }

 private:
  [[nodiscard]] GramLayer layer(int l) const {
    return {s_.seed, net_, l, s_.init.sw2, s_.init.sb2, s_.width};
  }

  void finish_layer(int l) {
    groups_[l] = sums_.groups();
    const Eigen::MatrixXd h = h_gram(groups_[l]);
    result_.q[l] = h.trace() / static_cast<double>(m_ * s_.width);
    for (Eigen::Index p = 1; p < m_; ++p)
      result_.c[l * (m_ - 1) + p - 1] = correlation(h(0, p), h(0, 0), h(p, p));
    phi_gram_ = phi_gram(groups_[l]);
  }

  // Layer l's rows as the Gram method draws them (the same stream and root),
  // reduced to cell sums.
  void forward(int l) {
    const GramLayer layer = this->layer(l);
    const Eigen::MatrixXd k = layer.covariance_of_gram(phi_gram_);
    if (s_.backward) precision_[l] = layer.precision(k);
    const Eigen::MatrixXd root_t = covariance_root(k).transpose();
    NormalGenerator stream = layer.forward_stream();
    sums_.clear();
    for (Eigen::Index first = 0; first < s_.width; first += gram_block_rows) {
      const Eigen::Index rows = std::min<Eigen::Index>(gram_block_rows, s_.width - first);
      auto block = block_.topRows(rows);
      drawer_.draw_times(stream, root_t, block);
      sums_.absorb(block);
    }
    finish_layer(l);
  }

  std::vector<GroupDraws> draw_groups(int l, Eigen::Index k, NormalGenerator& stream) const {
    std::vector<GroupDraws> draws;
    draws.reserve(groups_[l].size());
    for (const CellGroup& group : groups_[l])
      draws.push_back(draw_group(group, k, stream, options_));
    return draws;
  }

  // The pass down: at the top delta^L = v 1^T for one N(0, I) direction v
  // (k = 1); below, delta^j = (Z B + Phi^j r) (.) g(H^j) with B and r of
  // layer j + 1 (gram_layer.hpp), every sum taken group by group.
  void backward() {
    const int top = s_.depth;
    NormalGenerator top_stream(s_.seed, net_, top, Stream::cell_backward);
    const std::vector<GroupDraws> top_draws = draw_groups(top, 1, top_stream);
    double unit = 0.0;
    Eigen::MatrixXd h_d = Eigen::MatrixXd::Zero(m_, m_);
    const Eigen::RowVectorXd ones = Eigen::RowVectorXd::Ones(m_);
    for (std::size_t i = 0; i < top_draws.size(); ++i) {
      const CellGroup& group = groups_[top][i];
      const GroupDraws& d = top_draws[i];
      unit += d.s(0, 0);
      h_d += (d.t.bottomRows(m_) + group.origin * d.t.row(0)) * ones;
    }
    result_.grad.assign(s_.depth + 1, 0.0);
    result_.grad[top] = 1.0;
    Eigen::MatrixXd b = layer(top).noise_weights(unit * Eigen::MatrixXd::Ones(m_, m_));
    for (int j = top - 1; j >= 0; --j) {
      s_.interrupt.poll();
      NormalGenerator stream(s_.seed, net_, j, Stream::cell_backward);
      const std::vector<GroupDraws> draws = draw_groups(j, m_, stream);
      Eigen::MatrixXd phi_z = Eigen::MatrixXd::Zero(m_, m_);
      for (std::size_t i = 0; i < draws.size(); ++i) phi_z += groups_[j][i].phi * draws[i].t.row(0);
      const Eigen::MatrixXd r = layer(j + 1).correction(stream, b, h_d, phi_z, precision_[j + 1]);
      Eigen::MatrixXd d_gram = Eigen::MatrixXd::Zero(m_, m_);
      Eigen::MatrixXd next_h_d = Eigen::MatrixXd::Zero(m_, m_);
      for (std::size_t i = 0; i < draws.size(); ++i) {
        const DeltaSums sums = delta_sums(groups_[j][i], draws[i], b, r);
        d_gram += sums.d_gram;
        next_h_d += sums.h_d;
      }
      result_.grad[j] = d_gram.trace() / static_cast<double>(m_) / unit;
      if (j == 0) break;
      b = layer(j).noise_weights(d_gram);
      h_d = next_h_d;
    }
  }

  const SimulationSettings& s_;
  int net_;
  CellOptions options_;
  Eigen::Index m_;
  CellPartition partition_;
  CellSums sums_;
  std::vector<std::vector<CellGroup>> groups_;  // every layer's, for the pass down
  std::vector<Eigen::MatrixXd> precision_;      // (sw2/n) K^+ of every layer
  Eigen::MatrixXd phi_gram_;                    // Phi^T Phi of the layer last drawn
  Eigen::MatrixXd block_;
  RowDrawer drawer_;
  NetMeasurement result_;
};

}  // namespace

int cell_count(const Activation& phi, const SimulationSettings& s) {
  return CellPartition(phi, s.surrogate, static_cast<int>(columns(s))).cells();
}

double cell_net_doubles(const Activation& phi, const SimulationSettings& s) {
  const double m = static_cast<double>(columns(s));
  const double per_cell = 8.0 * m + (1.0 + m) * (1.0 + m) + 20.0;  // a group and its draws
  // The inputs are made whole (n x m, and as many for their orthonormal basis).
  return (s.depth + 2.0) * cell_count(phi, s) * per_cell + 2.0 * s.width * m;
}

NetMeasurement measure_cell_net(const Activation& phi, const BackwardDerivative& g,
                                const SimulationSettings& s, int net, const CellOptions& options) {
  return CellNet(phi, g, s, net, options).run();
}

}  // namespace qmf::simulation
