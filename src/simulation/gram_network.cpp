#include "simulation/gram_network.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <vector>

#include "simulation/gram_layer.hpp"
#include "simulation/gram_rows.hpp"
#include "simulation/net_inputs.hpp"

namespace qmf::simulation {

namespace {

double columns(const SimulationSettings& s) { return static_cast<double>(s.c0.size()) + 1.0; }

// One net, forward then backward, a block of rows at a time. Forward, layer l
// draws its rows, records their statistics and sums Phi^T Phi for layer
// l + 1's covariance, whose root it keeps. Backward, the pass at layer j takes
// H^j and the backward draws Z of layer j + 1 from the pass above, turns them
// with the correction r of layer j + 1 into delta^j, and sums what layer j's
// correction needs (D^T D, H^T D, Phi^T Z with Phi = phi(H^(j-1))) while it
// draws H^(j-1) again and layer j's Z, which it leaves in place of the rows it
// has used for the pass below. A net keeps two n x m matrices besides its
// inputs and output direction: one pair of rows a pass reads and then
// overwrites costs less than drawing them again (docs/benchmarks.md).
class GramNet {
 public:
  GramNet(const Activation& phi, const BackwardDerivative& g, const SimulationSettings& s, int net,
          const GramOptions& options, GramWorkspace& workspace)
      : phi_(phi),
        g_(g),
        s_(s),
        net_(net),
        options_(options),
        ws_(workspace),
        n_(s.width),
        m_(static_cast<Eigen::Index>(s.c0.size()) + 1),
        root_t_(s.depth + 1),
        precision_(s.depth + 1),
        h_(gram_block_rows, m_),
        post_(gram_block_rows, m_),
        delta_(gram_block_rows, m_) {
    if (options.previous_layer_covariance && s.backward)
      throw std::logic_error("previous_layer_covariance is a forward-only test hook");
    result_.q.resize(s.depth + 1);
    result_.c.resize((s.depth + 1) * (m_ - 1));
  }

  NetMeasurement run() {
    ws_.inputs = input_pre_activations(s_, net_);
    absorb_layer(0, ws_.inputs);
    for (int l = 1; l <= s_.depth; ++l) {
      s_.interrupt.poll();
      forward(l);
    }
    if (!s_.backward) return std::move(result_);
    unit_ = start_backward(s_, net_, m_, ws_.output_direction, result_);
    for (int j = s_.depth; j >= 0; --j) {
      s_.interrupt.poll();
      backward(j);
    }
    return std::move(result_);
  }

 private:
  [[nodiscard]] GramLayer layer(int l) const {
    return {s_.seed, net_, l, s_.init.sw2, s_.init.sb2, s_.width};
  }

  // Sums H^T H and Phi^T Phi of a block of layer l's rows.
  void absorb(const ConstRows& h, Eigen::MatrixXd& h_gram, Eigen::MatrixXd& phi_gram) {
    accumulate_gram(h, h_gram);
    auto post = post_.topRows(h.rows());
    activate(h, post);
    accumulate_gram(post, phi_gram);
  }

  void activate(const ConstRows& h, Rows out) const {
    for (Eigen::Index k = 0; k < m_; ++k)
      phi_.values(h.col(k).data(), out.col(k).data(), static_cast<std::size_t>(h.rows()));
  }

  void record(int l, const Eigen::MatrixXd& h_gram) {
    result_.q[l] = h_gram.trace() / static_cast<double>(m_ * n_);
    for (Eigen::Index p = 1; p < m_; ++p)
      result_.c[l * (m_ - 1) + p - 1] = correlation(h_gram(0, p), h_gram(0, 0), h_gram(p, p));
  }

  void absorb_layer(int l, const Eigen::MatrixXd& h) {
    Eigen::MatrixXd h_gram = Eigen::MatrixXd::Zero(m_, m_);
    phi_gram_ = Eigen::MatrixXd::Zero(m_, m_);
    for (Eigen::Index first = 0; first < n_; first += gram_block_rows)
      absorb(h.middleRows(first, std::min(gram_block_rows, n_ - first)), h_gram, phi_gram_);
    record(l, h_gram);
  }

  // The next rows of H^l: the inputs' at l = 0, else from layer l's forward stream.
  ConstRows rows_of(int l, std::optional<NormalGenerator>& stream, Eigen::Index first,
                    Eigen::Index rows, Eigen::MatrixXd& block) {
    if (l == 0) return ws_.inputs.middleRows(first, rows);
    drawer_.draw_times(*stream, root_t_[l], block.topRows(rows));
    return block.topRows(rows);
  }

  std::optional<NormalGenerator> forward_stream(int l) const {
    if (l == 0) return std::nullopt;
    return layer(l).forward_stream();
  }

  void forward(int l) {
    const GramLayer layer = this->layer(l);
    const Eigen::MatrixXd k = layer.covariance_of_gram(phi_gram_);
    if (s_.backward) precision_[l] = layer.precision(k);
    Eigen::MatrixXd drawn = k;
    if (options_.previous_layer_covariance) {
      if (l > 1) drawn = previous_k_;
      previous_k_ = k;
    }
    root_t_[l] = covariance_root(options_.covariance_scale * drawn).transpose();

    std::optional<NormalGenerator> stream = layer.forward_stream();
    Eigen::MatrixXd h_gram = Eigen::MatrixXd::Zero(m_, m_);
    Eigen::MatrixXd phi_gram = Eigen::MatrixXd::Zero(m_, m_);
    for (Eigen::Index first = 0; first < n_; first += gram_block_rows) {
      const Eigen::Index rows = std::min(gram_block_rows, n_ - first);
      absorb(rows_of(l, stream, first, rows, h_), h_gram, phi_gram);
    }
    record(l, h_gram);
    phi_gram_ = phi_gram;
  }

  // delta^j's rows [first, first + rows) into delta_, from h = H^j's rows and
  // z = the backward draws of layer j + 1 on them.
  void delta_rows(int j, Eigen::Index first, const ConstRows& h, const ConstRows& z, Rows delta) {
    if (j == s_.depth) {
      delta = ws_.output_direction.middleRows(first, h.rows());
      return;
    }
    multiply(z, noise_weights_, delta);  // Y^(j+1)
    auto post = post_.topRows(h.rows());
    activate(h, post);
    multiply_add(post, correction_, delta);  // (W^(j+1))^T delta^(j+1)
    for (Eigen::Index k = 0; k < m_; ++k) {
      auto column = post.col(k);
      g_.values(h.col(k).data(), column.data(), static_cast<std::size_t>(h.rows()));
      delta.col(k).array() *= column.array();
    }
  }

  // H^l's rows [first, first + rows) into out: the inputs' at l = 0, else the
  // next rows of layer l's forward stream.
  void draw_layer_rows(int l, std::optional<NormalGenerator>& stream, Eigen::Index first,
                       Rows out) {
    if (l == 0)
      out = ws_.inputs.middleRows(first, out.rows());
    else
      drawer_.draw_times(*stream, root_t_[l], out);
  }

  void backward(int j) {
    const bool below = j >= 1;
    const bool top = j == s_.depth;
    const GramLayer layer = this->layer(std::max(j, 1));
    // Only the top pass draws its own H; the others take it from the pass above.
    std::optional<NormalGenerator> stream = top ? forward_stream(j) : std::nullopt;
    std::optional<NormalGenerator> below_stream = below ? forward_stream(j - 1) : std::nullopt;
    std::optional<NormalGenerator> noise_stream;
    if (below) noise_stream = layer.backward_stream();
    if (top) {
      ws_.carried_h.resize(n_, m_);
      ws_.carried_z.resize(n_, m_);
    }
    Eigen::MatrixXd d_gram = Eigen::MatrixXd::Zero(m_, m_);
    Eigen::MatrixXd h_d = Eigen::MatrixXd::Zero(m_, m_);
    Eigen::MatrixXd phi_z = Eigen::MatrixXd::Zero(m_, m_);
    for (Eigen::Index first = 0; first < n_; first += gram_block_rows) {
      const Eigen::Index rows = std::min(gram_block_rows, n_ - first);
      auto carried_h = ws_.carried_h.middleRows(first, rows);
      auto carried_z = ws_.carried_z.middleRows(first, rows);
      const ConstRows h = top ? rows_of(j, stream, first, rows, h_) : carried_h;
      auto delta = delta_.topRows(rows);
      delta_rows(j, first, h, carried_z, delta);
      accumulate_gram(delta, d_gram);
      if (!below) continue;
      accumulate_cross(h, delta, h_d);
      // h and the carried Z have been used: their rows take the pass below's.
      draw_layer_rows(j - 1, below_stream, first, carried_h);
      auto post = post_.topRows(rows);
      activate(carried_h, post);
      drawer_.draw(*noise_stream, carried_z);
      accumulate_cross(post, carried_z, phi_z);
    }
    if (j < s_.depth) result_.grad[j] = d_gram.trace() / static_cast<double>(m_) / unit_;
    if (!below) return;
    noise_weights_ = layer.noise_weights(d_gram);
    correction_ = layer.correction(*noise_stream, noise_weights_, h_d, phi_z, precision_[j]);
  }

  const Activation& phi_;
  const BackwardDerivative& g_;
  const SimulationSettings& s_;
  int net_;
  GramOptions options_;
  GramWorkspace& ws_;
  Eigen::Index n_;
  Eigen::Index m_;
  std::vector<Eigen::MatrixXd> root_t_;     // F^T of every layer's covariance root
  std::vector<Eigen::MatrixXd> precision_;  // (sw2/n) K^+ of every layer
  Eigen::MatrixXd phi_gram_;                // Phi^T Phi of the layer last drawn
  Eigen::MatrixXd previous_k_;
  Eigen::MatrixXd noise_weights_;  // B of the layer above the backward pass
  Eigen::MatrixXd correction_;     // r of the layer above the backward pass
  double unit_ = 1.0;
  Eigen::MatrixXd h_, post_, delta_;  // blocks of rows
  RowDrawer drawer_;
  NetMeasurement result_;
};

}  // namespace

// The inputs and, with the backward pass, the output direction and the two
// matrices a backward pass hands to the next.
double gram_net_doubles(const SimulationSettings& s) {
  return (s.backward ? 4.0 : 1.0) * s.width * columns(s);
}

NetMeasurement measure_gram_net(const Activation& phi, const BackwardDerivative& g,
                                const SimulationSettings& s, int net, const GramOptions& options,
                                GramWorkspace* workspace) {
  GramWorkspace own;
  return GramNet(phi, g, s, net, options, workspace != nullptr ? *workspace : own).run();
}

}  // namespace qmf::simulation
