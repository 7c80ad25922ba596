# SPDX-License-Identifier: GPL-3.0-or-later
# The correlation maps of `qmf cmap`: c^(l+1) against c^l for several
# activations at their fixed-point variance q*, in two square panels under a
# key spanning the figure: the map itself, and 1 - c' against 1 - c on log
# axes, where the square-root cusp of step activations at c = 1 shows as slope 1/2.
#
# Receives (gnuplot -e), besides format and output (style.gp):
#   curves         the number of curves
#   curve_0, ...   data files "c  1-c'" (c sampled densely near 1)
#   name_0, ...    the activation of each curve (its spec without options)
#   sw2_0, ...     its sigma_w^2
#   role_0, ...    how sigma_w^2 was chosen: 'given', 'best' (largest xi_c) or
#                  'critical' (chi_1 = 1)
#   identity_0, ...  1 where q* = 0 (marginal: tanh at sigma_w^2 = 1, sigma_b^2 = 0), and
#                  the curve is the map's q -> 0 limit, the identity; a title line says so
#   fixed_points   data file "c* c*" (one line per curve)
#   sb2            the common sigma_b^2
load 'style.gp'

# Line styles shared by the key and both panels (curve k: lw 3 lc rgb curve_colour(k)).
identity_style = "dt 2 lw 2 lc rgb 'gray30'"
sqrt_style = "dt 3 lw 3 lc rgb 'black'"
fixed_point_style = "pt 7 ps 1.6*point_unit lc rgb 'black'"
role_text(role) = (role eq 'best') ? ', best' : (role eq 'critical') ? ', χ_1 = 1' : ''
curve_title(k) = sprintf('%s (σ@_w^2 = %.3g%s)', value(sprintf('name_%d', k)), \
    value(sprintf('sw2_%d', k)), role_text(value(sprintf('role_%d', k))))
file(k) = value(sprintf('curve_%d', k))

# Curves at the marginal q* = 0: named on a second title line.
identity_names = ''
do for [k = 0:curves-1] {
  if (value(sprintf('identity_%d', k))) {
    identity_names = identity_names.(identity_names eq '' ? '' : ', ').value(sprintf('name_%d', k))
  }
}
identity_line = (identity_names ne '')

# The right panel's range: 10^-10 to 1, lower where a curve has smaller
# values (tiny variances: 1 - C(c) ~ 10^-12), so that no curve is off the plot.
log_lo = 1e-10
do for [k = 0:curves-1] {
  stats file(k) using ((1 - $1) > 0 ? 1 - $1 : 1/0):($2 > 0 ? $2 : 1/0) nooutput
  lowest = (STATS_min_x < STATS_min_y) ? STATS_min_x : STATS_min_y
  log_lo = (lowest < log_lo) ? 10.0**floor(log10(lowest)) : log_lo
}

set multiplot
set label 1 sprintf('Correlation maps at the length fixed point q^*, σ@_b^2 = %.3g %s', sb2, \
    '(best: largest ξ_c; χ_1 = 1: critical)') at screen 0.5,0.965 center
if (identity_line) {
  set label 2 sprintf('%s: q^* = 0, drawn as the map'."'".'s q → 0 limit, the identity', identity_names) \
      at screen 0.5,0.915 center font sprintf(',%g', 0.8*font_size)
}
# One key across the top, drawn by an empty full-width plot: a key inside
# either panel would be confined to that panel's width. gnuplot needs one real
# (here invisible) plot element beside keyentries.
set lmargin at screen 0.04
set rmargin at screen 0.96
set tmargin at screen (identity_line ? 0.89 : 0.93)
set bmargin at screen (identity_line ? 0.78 : 0.80)
unset border
unset tics
set key center center horizontal maxcols 3 samplen 1.5
set xrange [0:1]
set yrange [0:1]
plot -1 notitle, \
    for [k = 0:curves-1] keyentry with lines lw 3 lc rgb curve_colour(k) title curve_title(k), \
    keyentry with lines @identity_style title 'identity', \
    keyentry with points @fixed_point_style title 'stable fixed point c^*', \
    keyentry with lines @sqrt_style title '∝ (1 − c^l)^{1/2}'
unset key
set border
unset label 1
unset label 2

# The panels. The identity is drawn last: critical tanh lies on it in the right panel.
set grid
set bmargin at screen 0.12
set tmargin at screen (identity_line ? 0.76 : 0.78)
set lmargin at screen 0.10
set rmargin at screen 0.45
set xlabel 'input correlation c^l'
set ylabel 'output correlation c^{l+1}'
set xrange [-1:1]
set yrange [-1:1]
set xtics 0.5 out nomirror
set ytics 0.5 out nomirror
plot for [k = 0:curves-1] file(k) using 1:(1-$2) with lines lw 3 lc rgb curve_colour(k), \
    fixed_points using 1:2 with points @fixed_point_style, \
    x with lines @identity_style

set lmargin at screen 0.60
set rmargin at screen 0.95
set logscale xy
set format xy '10^{%L}'
# A label every 2 decades over 10^-10..1, fewer over a wider range (at most 6),
# placed so that one falls on 1.
tic_step = ceil(-log10(log_lo) / 5.0)
tic_step = (tic_step < 2) ? 2 : tic_step
tic_lo = 10.0**(-tic_step * floor(-log10(log_lo) / tic_step))
set xtics tic_lo, 10.0**tic_step, 1 out nomirror
set ytics tic_lo, 10.0**tic_step, 1 out nomirror
set xlabel '1 − c^l'
set ylabel '1 − c^{l+1}'
set xrange [log_lo:1]
set yrange [log_lo:1]
plot for [k = 0:curves-1] file(k) using (1-$1):2 with lines lw 3 lc rgb curve_colour(k), \
    3*sqrt(x) with lines @sqrt_style, \
    x with lines @identity_style
unset multiplot
