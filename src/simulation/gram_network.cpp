#include "simulation/gram_network.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "simulation/gram_layer.hpp"
#include "simulation/gram_rows.hpp"
#include "simulation/net_inputs.hpp"

namespace qmf::simulation {

namespace {

constexpr double kept_layers_bytes = 2.0 * 1024 * 1024 * 1024;

double columns(const SimulationSettings& s) { return static_cast<double>(s.c0.size()) + 1.0; }

// Sizes a matrix a net keeps and asks Linux to back it with 2 MiB pages when
// it is new: at width 10^6 a thread keeps a gigabyte, and touching it first
// in 4 KiB pages costs a page fault each (about a second a thread).
void resize_kept(Eigen::MatrixXd& h, Eigen::Index n, Eigen::Index m) {
  if (h.rows() == n && h.cols() == m) return;
  h.resize(n, m);
#ifdef __linux__
  constexpr std::uintptr_t huge = 2u << 20;
  const auto begin = (reinterpret_cast<std::uintptr_t>(h.data()) + huge - 1) & ~(huge - 1);
  const auto end = reinterpret_cast<std::uintptr_t>(h.data() + h.size()) & ~(huge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#endif
}

// One net, forward then backward, a block of rows at a time. Forward, layer l
// draws its rows, records their statistics and sums Phi^T Phi for layer
// l + 1's covariance, whose root it keeps. Backward, the pass at layer j
// turns the draws Z and the correction r of layer j + 1 into delta^j, sums
// what layer j's correction needs (D^T D, H^T D, Phi^T Z with Phi = phi(H^(j-1))),
// and draws layer j's Z, which replace those of layer j + 1 row by row.
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
        kept_(options.kept_layers >= 0 ? std::min(options.kept_layers, s.depth)
                                       : gram_kept_layers(s)),
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
    ws_.kept.resize(kept_ + 1);
    ws_.kept[0] = input_pre_activations(s_, net_);
    absorb_layer(0, ws_.kept[0]);
    for (int l = 1; l <= s_.depth; ++l) forward(l);
    if (!s_.backward) return std::move(result_);
    resize_kept(ws_.noise, n_, m_);
    unit_ = start_backward(s_, net_, m_, ws_.output_direction, result_);
    for (int j = s_.depth; j >= 0; --j) backward(j);
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
      result_.c[l * (m_ - 1) + p - 1] = h_gram(0, p) / std::sqrt(h_gram(0, 0) * h_gram(p, p));
  }

  void absorb_layer(int l, const Eigen::MatrixXd& h) {
    Eigen::MatrixXd h_gram = Eigen::MatrixXd::Zero(m_, m_);
    phi_gram_ = Eigen::MatrixXd::Zero(m_, m_);
    for (Eigen::Index first = 0; first < n_; first += gram_block_rows)
      absorb(h.middleRows(first, std::min(gram_block_rows, n_ - first)), h_gram, phi_gram_);
    record(l, h_gram);
  }

  // The next rows of layer l from its forward stream.
  void draw_rows(int l, NormalGenerator& stream, Rows h) {
    drawer_.draw_times(stream, root_t_[l], h);
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

    Eigen::MatrixXd* store = nullptr;
    if (l <= kept_)
      store = &ws_.kept[l];
    else if (l == s_.depth && s_.backward)
      store = &ws_.layer;
    if (store != nullptr) resize_kept(*store, n_, m_);
    NormalGenerator stream = layer.forward_stream();
    Eigen::MatrixXd h_gram = Eigen::MatrixXd::Zero(m_, m_);
    Eigen::MatrixXd phi_gram = Eigen::MatrixXd::Zero(m_, m_);
    for (Eigen::Index first = 0; first < n_; first += gram_block_rows) {
      const Eigen::Index rows = std::min(gram_block_rows, n_ - first);
      Rows h = store != nullptr ? Rows(store->middleRows(first, rows)) : Rows(h_.topRows(rows));
      draw_rows(l, stream, h);
      absorb(h, h_gram, phi_gram);
    }
    record(l, h_gram);
    phi_gram_ = phi_gram;
  }

  // delta^j's rows [first, first + rows) into delta_, from h = H^j's rows.
  void delta_rows(int j, Eigen::Index first, const ConstRows& h, Rows delta) {
    if (j == s_.depth) {
      delta = ws_.output_direction.middleRows(first, h.rows());
      return;
    }
    multiply(ws_.noise.middleRows(first, h.rows()), noise_weights_, delta);  // Y^(j+1)
    auto post = post_.topRows(h.rows());
    activate(h, post);
    multiply_add(post, correction_, delta);  // (W^(j+1))^T delta^(j+1)
    for (Eigen::Index k = 0; k < m_; ++k) {
      auto column = post.col(k);
      g_.values(h.col(k).data(), column.data(), static_cast<std::size_t>(h.rows()));
      delta.col(k).array() *= column.array();
    }
  }

  void backward(int j) {
    const bool below = j >= 1;
    const bool redraw_below = below && j - 1 > kept_;
    const GramLayer layer = this->layer(std::max(j, 1));
    std::optional<NormalGenerator> noise_stream, below_stream;
    if (below) noise_stream = layer.backward_stream();
    if (redraw_below) below_stream = this->layer(j - 1).forward_stream();
    const Eigen::MatrixXd& source = j <= kept_ ? ws_.kept[j] : ws_.layer;
    Eigen::MatrixXd d_gram = Eigen::MatrixXd::Zero(m_, m_);
    Eigen::MatrixXd h_d = Eigen::MatrixXd::Zero(m_, m_);
    Eigen::MatrixXd phi_z = Eigen::MatrixXd::Zero(m_, m_);
    for (Eigen::Index first = 0; first < n_; first += gram_block_rows) {
      const Eigen::Index rows = std::min(gram_block_rows, n_ - first);
      // Rows of ws_.layer are overwritten below only after their last use here.
      const ConstRows h = source.middleRows(first, rows);
      auto delta = delta_.topRows(rows);
      delta_rows(j, first, h, delta);
      accumulate_gram(delta, d_gram);
      if (!below) continue;
      accumulate_cross(h, delta, h_d);
      if (redraw_below) draw_rows(j - 1, *below_stream, ws_.layer.middleRows(first, rows));
      const ConstRows h_below =
          (redraw_below ? ws_.layer : ws_.kept[j - 1]).middleRows(first, rows);
      auto post = post_.topRows(rows);
      activate(h_below, post);
      // Z of layer j replaces Z of layer j + 1, read by delta_rows above.
      auto z = ws_.noise.middleRows(first, rows);
      drawer_.draw(*noise_stream, z);
      accumulate_cross(post, z, phi_z);
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
  int kept_;
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

int gram_kept_layers(const SimulationSettings& s) {
  if (!s.backward) return 0;
  const double layer_bytes = 8.0 * s.width * columns(s);
  const double nets_at_once = std::max(1, std::min(s.threads, s.nets));
  const double fit = std::floor(kept_layers_bytes / nets_at_once / layer_bytes);
  return static_cast<int>(std::min(static_cast<double>(s.depth), fit));
}

// The kept layers and the inputs, and without them the layer, noise and
// output direction of the backward pass (the inputs' construction without it).
double gram_net_doubles(const SimulationSettings& s) {
  const double matrices = s.backward ? gram_kept_layers(s) + 4.0 : 2.0;
  return matrices * s.width * columns(s);
}

NetMeasurement measure_gram_net(const Activation& phi, const BackwardDerivative& g,
                                const SimulationSettings& s, int net, const GramOptions& options,
                                GramWorkspace* workspace) {
  GramWorkspace own;
  return GramNet(phi, g, s, net, options, workspace != nullptr ? *workspace : own).run();
}

}  // namespace qmf::simulation
