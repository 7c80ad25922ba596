#include "qmf/gaussian.hpp"
#include <catch2/catch.hpp>
TEST_CASE("placeholder") { CHECK(qmf::normal_cdf(0.0) == 0.5); }
