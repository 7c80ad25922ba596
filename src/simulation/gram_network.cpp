#include "simulation/gram_network.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "simulation/activate.hpp"
#include "simulation/gram_layer.hpp"
#include "simulation/net_inputs.hpp"

namespace qmf::simulation {

namespace {

constexpr double all_layers_bytes = 64.0 * 1024 * 1024;

double columns(const SimulationSettings& s) { return static_cast<double>(s.c0.size()) + 1.0; }

// The pre-activations of the layers a net keeps: checkpoints every `interval`
// layers, plus whatever segment is being worked on. Empty matrices are layers
// not held.
class LayerStore {
 public:
  LayerStore(const Activation& phi, const SimulationSettings& s, int net, const GramOptions& o)
      : phi_(phi), s_(s), net_(net), options_(o), h_(s.depth + 1) {
    interval_ = o.checkpoint_interval > 0 ? o.checkpoint_interval : gram_checkpoint_interval(s);
    if (o.previous_layer_covariance && s.backward)
      throw std::logic_error("previous_layer_covariance is a forward-only test hook");
  }

  [[nodiscard]] int interval() const { return interval_; }
  Eigen::MatrixXd& operator[](int l) { return h_[l]; }

  [[nodiscard]] Eigen::MatrixXd post_activations(int l) const { return activate(phi_, h_[l]); }

  [[nodiscard]] GramLayer layer(int l) const {
    return {s_.seed, net_, l, s_.init.sw2, s_.init.sb2, s_.width};
  }

  /// Draws layer l from layer l - 1.
  void forward(int l) {
    const GramLayer layer = this->layer(l);
    Eigen::MatrixXd k = layer.covariance(post_activations(l - 1));
    if (options_.previous_layer_covariance) std::swap(k, previous_k_);
    if (k.size() == 0) k = previous_k_;  // layer 1 has no previous layer: its own K
    layer.forward(options_.covariance_scale * k, h_[l]);
  }

  [[nodiscard]] bool checkpoint(int l) const { return l % interval_ == 0; }

  /// Frees layer l unless it is a checkpoint or in the last segment (the
  /// backward pass starts there, so the forward pass keeps it).
  void release_after_forward(int l) {
    if (!checkpoint(l) && l < last_checkpoint()) h_[l].resize(0, 0);
  }
  [[nodiscard]] int last_checkpoint() const { return (s_.depth - 1) / interval_ * interval_; }

  /// Redraws the missing layers of the segment that starts at checkpoint a.
  void restore_segment(int a) {
    for (int l = a + 1; l < std::min(a + interval_, s_.depth); ++l)
      if (h_[l].size() == 0) forward(l);
  }

 private:
  const Activation& phi_;
  const SimulationSettings& s_;
  int net_;
  GramOptions options_;
  std::vector<Eigen::MatrixXd> h_;
  Eigen::MatrixXd previous_k_;
  int interval_ = 1;
};

}  // namespace

int gram_checkpoint_interval(const SimulationSettings& s) {
  const double all_layers = 8.0 * (s.depth + 1.0) * s.width * columns(s);
  if (!s.backward || all_layers <= all_layers_bytes) return s.depth;
  return static_cast<int>(std::ceil(std::sqrt(static_cast<double>(s.depth))));
}

// Checkpoints, one segment, and the layer, backward and work matrices.
double gram_net_doubles(const SimulationSettings& s) {
  const int k = gram_checkpoint_interval(s);
  const double stored = (s.backward ? std::min(s.depth + 1.0, s.depth / k + 1.0 + k) : 2.0) + 5.0;
  return stored * s.width * columns(s);
}

NetMeasurement measure_gram_net(const Activation& phi, const BackwardDerivative& g,
                                const SimulationSettings& s, int net, const GramOptions& options) {
  const int depth = s.depth;
  const auto pairs = s.c0.size();
  NetMeasurement m;
  m.q.resize(depth + 1);
  m.c.resize((depth + 1) * pairs);

  LayerStore h(phi, s, net, options);
  h[0] = input_pre_activations(s, net);
  record_forward_statistics(h[0], 0, m);
  for (int l = 1; l <= depth; ++l) {
    h.forward(l);
    record_forward_statistics(h[l], l, m);
    if (s.backward)
      h.release_after_forward(l - 1);
    else
      h[l - 1].resize(0, 0);
  }
  if (!s.backward) return m;

  Eigen::MatrixXd delta, back;
  const double unit = start_backward(s, net, h[depth].cols(), delta, m);
  for (int a = h.last_checkpoint(); a >= 0; a -= h.interval()) {
    h.restore_segment(a);
    for (int l = std::min(a + h.interval(), depth); l > a; --l) {
      h.layer(l).backward(h.post_activations(l - 1), h[l], delta, back);
      step_backward(g, back, h[l - 1], l, unit, delta, m);
      h[l].resize(0, 0);
    }
  }
  return m;
}

}  // namespace qmf::simulation
