# SPDX-License-Identifier: GPL-3.0-or-later
# `qmf phase` over a one-dimensional grid (one of the two ranges has a single
# value): the correlation depth scale xi_c against the swept variance, with
# the stretches without a usable fixed point marked as bands.
#
# Receives (gnuplot -e), besides format and output (style.gp):
#   act            the activation, for the title
#   weights        optional: a quantized weight spec, for the title's second line
#   sweep          data file "x xi_c" ('?' where xi_c has no finite value)
#   values         the number of finite xi_c in sweep
#   swept          'sw2' or 'sb2': the variance along the x axis
#   fixed          the value of the other variance
#   x_lo, x_hi     the extent of the grid cells along x
#   collapsed, diverged, failed, multistable
#                  optional data files "sw2 sb2 dsw2 dsb2" of cell rectangles
#   critical       optional: the sigma_w^2 of the critical line at the fixed sigma_b^2
#   critical_q_star, critical_from_q0
#                  optional: the critical point lies on the q* = critical_q_star branch, not
#                  the one the sweep's start q0 = 1 leads to, which does this there
#                  ("q collapses to 0")
#   critical_xi    with critical: the xi_c there (+inf on the order-chaos transition)
#   step           1: critical is the largest xi_c (step activations),
#                  0: the order-chaos transition chi_1 = 1
#   infinite       optional data file "sw2 sb2 dsw2 dsb2" of the cells with xi_c = inf
load 'style.gp'
load 'phase_status.gp'

sw2_name = 'σ@_w^2'
sb2_name = 'σ@_b^2'
fixed_name = (swept eq 'sw2') ? sb2_name : sw2_name
weights_line = exists('weights') ? "\nweights ".weights.' (σ@_w^2 is their latent variance)' : ''
# The critical sigma_w^2 is marked only within the sweep (the line is searched
# over all sigma_w^2), and for a step activation only where it is the one grid
# point of largest xi_c (sign at sigma_b^2 = 0 has the same xi_c at every
# sigma_w^2: the position is arbitrary; the title gives the count instead).
ties = 0
if (exists('critical') && step && values > 0) {
  stats sweep using (($2 >= critical_xi * (1 - 1e-9)) ? 1 : 0) nooutput
  ties = STATS_sum
}
has_critical = exists('critical') && swept eq 'sw2' && ties <= 1
critical_inside = has_critical && critical >= x_lo && critical <= x_hi
tie_text = (ties > 1) ? sprintf(': largest ξ_c = %.3g, at %d grid points', critical_xi, ties) : ''
# A critical point on another branch than the sweep's start q0 = 1 reaches:
# dashed, and a title line says where it lies.
off_branch = exists('critical_from_q0') && critical_inside
branch_line = off_branch ? sprintf("\nthe marked σ@_w^2 is on the q^* = %.3g branch; from q^0 = 1, where the sweep starts, %s", \
    critical_q_star, critical_from_q0) : ''
set label 1 sprintf('Phase diagram of %s at %s = %g%s', act, fixed_name, fixed, tie_text).weights_line.branch_line \
    at screen 0.5,(exists('weights') && off_branch ? 0.95 : 0.965) center
set xlabel (swept eq 'sw2') ? 'weight variance '.sw2_name : 'bias variance '.sb2_name
set ylabel 'correlation depth scale ξ_c (layers)'
# Swept values of 10^5 and more, or all below 10^-3: one format for every tick.
x_extreme = (abs(x_lo) > abs(x_hi)) ? abs(x_lo) : abs(x_hi)
if (x_extreme >= 1e5 || x_extreme < 1e-3) { set format x '%.3h' }
set lmargin at screen 0.12
set rmargin at screen 0.95
set bmargin at screen 0.13
# A longer title pushes the key and the plot down.
lower = exists('weights') + off_branch
set tmargin at screen (lower == 2 ? 0.73 : (lower ? 0.76 : 0.80))
set key at screen 0.5,(lower == 2 ? 0.81 : (lower ? 0.84 : 0.87)) center center horizontal maxcols 2 samplen 1.5 width -2
set xrange [x_lo:x_hi]
set grid
set tics out nomirror
set datafile missing '?'
# Logarithmic where xi_c spans more than a decade (it diverges at the
# order-chaos transition of a smooth activation).
if (values > 0) {
  stats sweep using 2 nooutput
  if (STATS_min > 0 && STATS_max > 10 * STATS_min) {
    set logscale y
    set format y '10^{%L}'
  } else {
    set offsets 0, 0, graph 0.05, graph 0.05
  }
} else {
  # Nothing was measured on a xi_c axis: only the bands, and no scale.
  set yrange [0:1]
  unset ytics
  unset ylabel
  set grid noytics
}
# The bands span the height of the plot on a second, linear axis.
set y2range [0:1]
unset y2tics
x_column = (swept eq 'sw2') ? 1 : 2
dx_column = (swept eq 'sw2') ? 3 : 4

# xi_c leads the key and is drawn last, over the bands.
xi_style = "linespoints lw 3 pt 7 ps 1.2*point_unit lc rgb '#3b528b'"
elements = (values > 0) ? 'NaN notitle, keyentry with '.xi_style." title 'ξ_c'" : 'NaN notitle'
do for [s in status_names] {
  if (exists(s)) {
    elements = elements.sprintf(", %s using %d:(0.5):%d:(0.5) axes x1y2 with boxxyerror %s notitle", \
        s, x_column, dx_column, status_band(s)). \
        sprintf(", keyentry with boxes %s title '%s'", status_key(s), status_meaning(s))
  }
}
critical_title = step ? 'largest ξ_c at this σ@_b^2' : 'order–chaos transition χ_1 = 1'
if (critical_inside) {
  critical_dash = off_branch ? 'dt (4,3)' : 'dt solid'
  eval 'set arrow 1 from first critical, graph 0 to first critical, graph 1 nohead front '. \
      "lw 3 lc rgb '#ff3030' ".critical_dash
  elements = elements.sprintf(", keyentry with lines lw 3 %s lc rgb '#ff3030' title '%s'", \
      critical_dash, critical_title)
}
if (has_critical && !critical_inside) {
  # Not drawn (an arrow is not clipped to the plot): the key says where it lies.
  elements = elements.sprintf(", keyentry with lines lt nodraw title '%s at %s = %.3g, outside the sweep'", \
      critical_title, sw2_name, critical)
}
if (values > 0) { elements = elements.', sweep using 1:2 with '.xi_style.' notitle' }
eval 'plot '.elements
