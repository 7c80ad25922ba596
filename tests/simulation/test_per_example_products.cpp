// The layer's products with per-example rows (simulation/per_example_rows.hpp)
// bit for bit against the rows themselves, for each copy of the pass
// (tests/simulation/row_copies.hpp):
// - dot_per_example: sum_j w_kj x_kj, summed here by j mod 8 and folded in
//   the documented order from round_per_example's rows;
// - add_per_example: out_k += s_k w_k, element by element.
// Row lengths with and without a tail beyond the groups of 8, and a row of
// fewer than 8 weights; 2, 4 and 10 inputs (the AVX-512 pass takes the
// pairs four at a time).
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <vector>

#include "qmf/weights/weight_rounding.hpp"
#include "simulation/per_example_rows.hpp"
#include "simulation/row_copies.hpp"

namespace {

using qmf::WeightRounding;
using qmf::simulation::RowCopy;
using Matrix = std::vector<std::vector<double>>;

std::vector<double*> pointers(Matrix& m) {
  std::vector<double*> p;
  for (auto& row : m) p.push_back(row.data());
  return p;
}

double expected_product(const std::vector<double>& w, const std::vector<double>& x) {
  double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (std::size_t j = 0; j < w.size(); ++j) s[j % 8] += w[j] * x[j];
  return ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
}

}  // namespace

TEST_CASE("per-example products match the rounded rows bit for bit") {
  const WeightRounding r(qmf::parse_weight_spec("bits:12,clip=2,rounding=stochastic-per-example"));
  std::mt19937_64 random(7);
  std::normal_distribution<double> normal;
  for (const long n : {5L, 64L, 203L, 1003L}) {
    for (const int inputs : {2, 4, 10}) {  // 10: pairs in chunks of 4 and 1
      const int pairs = inputs / 2;
      std::vector<double> latent(static_cast<std::size_t>(n));
      for (auto& z : latent) z = normal(random);
      const std::uint64_t key = random();
      Matrix x(inputs, std::vector<double>(latent.size())), rows = x, work = x;
      for (auto& column : x)
        for (auto& v : column) v = normal(random);
      auto row_pointers = pointers(rows);
      qmf::simulation::round_per_example(r, latent.data(), n, key, row_pointers.data(), pairs,
                                         RowCopy::portable);
      for (const RowCopy copy : qmf::test::row_copies) {
        INFO("n = " << n << ", " << inputs << " inputs, " << qmf::test::row_copy_name(copy));
        std::vector<const double*> in;
        for (auto& column : x) in.push_back(column.data());
        std::vector<double> products(inputs);
        auto work_pointers = pointers(work);
        qmf::simulation::dot_per_example(r, latent.data(), n, key, in.data(), products.data(),
                                         work_pointers.data(), pairs, copy);
        int wrong = 0;
        for (int k = 0; k < inputs; ++k)
          if (products[k] != expected_product(rows[k], x[k])) ++wrong;
        CHECK(wrong == 0);

        Matrix out = x;  // out_k starts at x_k
        const std::vector<double> scales = {0.75, -1.5, 2.25, 3.0,   -0.5,
                                            1.25, 4.0,  -2.0, 0.125, 5.5};
        auto out_pointers = pointers(out);
        qmf::simulation::add_per_example(r, latent.data(), n, key, scales.data(),
                                         out_pointers.data(), work_pointers.data(), pairs, copy);
        wrong = 0;
        for (int k = 0; k < inputs; ++k)
          for (long j = 0; j < n; ++j)
            if (out[k][j] != x[k][j] + scales[k] * rows[k][j]) ++wrong;
        CHECK(wrong == 0);
      }
    }
  }
}
