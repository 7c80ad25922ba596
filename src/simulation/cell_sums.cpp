#include "simulation/cell_sums.hpp"

#include <algorithm>
#include <array>

namespace qmf::simulation {

namespace {
// The partition allows at most 2^20 cells and has at least two intervals.
constexpr int max_columns = 20;
}  // namespace

CellSums::CellSums(const CellPartition& cells, const Activation& phi, const BackwardDerivative& g)
    : cells_(cells), phi_(phi), g_(g), m_(cells.columns()), kept_(std::max(8, 2 * m_ + 2)) {
  clear();
}

void CellSums::clear() {
  sums_.assign(static_cast<std::size_t>(cells_.cells()) * stride(), 0.0);
  kept_rows_.resize(static_cast<std::size_t>(cells_.cells()) * kept_ * m_);
  lone_rows_.clear();
}

void CellSums::absorb(const ConstRows& h) {
  // The row loop is the method's cost: compiled for the usual one pair and
  // two pairs with the column count known.
  if (m_ == 2)
    absorb_pairs(h);
  else if (m_ == 3)
    absorb_rows<3>(h);
  else
    absorb_rows<0>(h);
}

// absorb_rows<2> written out, every pointer in a local: the loop is the
// method's cost at one pair, and the compiler reloaded members after the
// rare calls.
void CellSums::absorb_pairs(const ConstRows& h) {
  const auto rows = static_cast<std::size_t>(h.rows());
  intervals_.resize(2 * rows);
  int* k0 = intervals_.data();
  int* k1 = k0 + rows;
  const double* x0 = h.col(0).data();
  const double* x1 = h.col(1).data();
  cells_.classify(x0, k0, rows);
  cells_.classify(x1, k1, rows);
  const double* centre = cells_.centres();
  const int intervals = cells_.intervals();
  const double kept = kept_;
  double* sums = sums_.data();
  double* kept_rows = kept_rows_.data();
  for (std::size_t r = 0; r < rows; ++r) {
    const int a = k0[r], b = k1[r];
    if ((a | b) < 0) [[unlikely]] {
      lone_rows_.insert(lone_rows_.end(), {x0[r], x1[r]});
      continue;
    }
    const auto cell = static_cast<std::size_t>(a + intervals * b);
    double* s = sums + cell * 6;
    const double n = s[0];
    if (n < kept) [[unlikely]] {
      double* row = kept_rows + (cell * kept_ + static_cast<std::size_t>(n)) * 2;
      row[0] = x0[r];
      row[1] = x1[r];
    }
    const double d0 = x0[r] - centre[a], d1 = x1[r] - centre[b];
    s[0] = n + 1.0;
    s[1] += d0;
    s[2] += d1;
    s[3] += d0 * d0;
    s[4] += d0 * d1;
    s[5] += d1 * d1;
  }
}

template <int M>
void CellSums::absorb_rows(const ConstRows& h) {
  const int m = M > 0 ? M : m_;
  const int intervals = cells_.intervals();
  const int size = stride();
  const auto rows = static_cast<std::size_t>(h.rows());
  intervals_.resize(rows * m);
  std::array<const double*, max_columns> column{};
  std::array<const int*, max_columns> k{};
  for (int j = 0; j < m; ++j) {
    column[j] = h.col(j).data();
    cells_.classify(column[j], intervals_.data() + j * rows, rows);
    k[j] = intervals_.data() + j * rows;
  }
  double* sums = sums_.data();
  double* kept = kept_rows_.data();
  std::array<double, max_columns> d{};
  for (std::size_t r = 0; r < rows; ++r) {
    int cell = 0;
    bool lone = false;
    for (int j = m - 1; j >= 0; --j) {
      lone = lone || k[j][r] < 0;
      cell = cell * intervals + k[j][r];
    }
    if (lone) {
      for (int j = 0; j < m; ++j) lone_rows_.push_back(column[j][r]);
      continue;
    }
    double* s = sums + static_cast<std::size_t>(cell) * size;
    if (s[0] < kept_) {
      double* row = kept + (static_cast<std::size_t>(cell) * kept_ + static_cast<int>(s[0])) * m;
      for (int j = 0; j < m; ++j) row[j] = column[j][r];
    }
    s[0] += 1.0;
    for (int j = 0; j < m; ++j) {
      d[j] = column[j][r] - cells_.centre(k[j][r]);
      s[1 + j] += d[j];
    }
    double* second = s + 1 + m;
    for (int a = 0; a < m; ++a)
      for (int b = a; b < m; ++b) *second++ += d[a] * d[b];
  }
}

std::vector<CellGroup> CellSums::groups() const {
  std::vector<CellGroup> out;
  const int intervals = cells_.intervals();
  for (int cell = 0; cell < cells_.cells(); ++cell) {
    const double* s = sums_.data() + static_cast<std::size_t>(cell) * stride();
    if (s[0] == 0.0) continue;
    CellGroup group;
    group.count = s[0];
    group.origin.resize(m_);
    group.phi.resize(m_);
    group.g.resize(m_);
    for (int j = 0, rest = cell; j < m_; ++j, rest /= intervals) {
      const int k = rest % intervals;
      group.origin[j] = cells_.centre(k);
      group.phi[j] = cells_.phi(k);
      group.g[j] = cells_.g(k);
    }
    group.moments.resize(1 + m_, 1 + m_);
    group.moments(0, 0) = s[0];
    const double* second = s + 1 + m_;
    for (int a = 0; a < m_; ++a) {
      group.moments(0, 1 + a) = group.moments(1 + a, 0) = s[1 + a];
      for (int b = a; b < m_; ++b)
        group.moments(1 + a, 1 + b) = group.moments(1 + b, 1 + a) = *second++;
    }
    if (s[0] <= kept_) {
      const auto n = static_cast<Eigen::Index>(s[0]);
      group.rows.resize(n, m_);
      const double* row = kept_rows_.data() + static_cast<std::size_t>(cell) * kept_ * m_;
      for (Eigen::Index r = 0; r < n; ++r)
        for (int j = 0; j < m_; ++j) group.rows(r, j) = row[r * m_ + j];
    }
    out.push_back(std::move(group));
  }
  for (std::size_t first = 0; first < lone_rows_.size(); first += m_) {
    CellGroup group;
    group.count = 1.0;
    group.origin = Eigen::VectorXd::Zero(m_);
    group.rows.resize(1, m_);
    group.phi.resize(m_);
    group.g.resize(m_);
    for (int j = 0; j < m_; ++j) {
      const double x = lone_rows_[first + j];
      group.rows(0, j) = x;
      group.phi[j] = phi_.value(x);
      group.g[j] = g_(x);
    }
    group.moments = Eigen::MatrixXd::Zero(1 + m_, 1 + m_);
    group.moments(0, 0) = 1.0;
    for (int a = 0; a < m_; ++a) {
      group.moments(0, 1 + a) = group.moments(1 + a, 0) = group.rows(0, a);
      for (int b = 0; b < m_; ++b)
        group.moments(1 + a, 1 + b) = group.rows(0, a) * group.rows(0, b);
    }
    out.push_back(std::move(group));
  }
  return out;
}

Eigen::MatrixXd h_gram(const std::vector<CellGroup>& groups) {
  const Eigen::Index m = groups.empty() ? 0 : groups.front().origin.size();
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(m, m);
  for (const CellGroup& group : groups) {
    // sum h h^T = S2 + S1 o^T + o S1^T + n o o^T.
    const Eigen::VectorXd s1 = group.moments.col(0).tail(m);
    gram += group.moments.bottomRightCorner(m, m) + s1 * group.origin.transpose() +
            group.origin * s1.transpose() + group.count * group.origin * group.origin.transpose();
  }
  return gram;
}

Eigen::MatrixXd phi_gram(const std::vector<CellGroup>& groups) {
  const Eigen::Index m = groups.empty() ? 0 : groups.front().origin.size();
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(m, m);
  for (const CellGroup& group : groups) gram += group.count * group.phi * group.phi.transpose();
  return gram;
}

}  // namespace qmf::simulation
