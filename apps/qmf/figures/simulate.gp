# SPDX-License-Identifier: GPL-3.0-or-later
# `qmf simulate`: length q^l, correlation c^l and gradient against depth in
# three panels side by side, the mean-field iteration as lines and the
# simulated nets as points with error bars, and a legend below spanning the figure.
#
# Receives (gnuplot -e), besides format and output (style.gp):
#   layers      data file with columns l, then (sim, se, mf) of q, c and the gradient
#   act, sw2, sb2, width, q0, c0, depth, nets   the setting, for the title and legend
#   ste_slope, ste_clip   optional: the straight-through estimator g(x) = s 1{|x| <= tau}
#   ste_window            optional, instead of ste_clip: the window as text "lo ≤ x ≤ hi"
#   weights, sw2_effective   optional: the weight spec and E[Q^2] sw2, on a second title line
load 'style.gp'

title = sprintf('%s,  σ_w^2 = %g,  σ_b^2 = %g,  n = %d,  q^0 = %g,  c^0 = %g', \
    act, sw2, sb2, width, q0, c0)
if (exists('ste_window')) {
  title = title.sprintf(',  STE g(x) = %g·1\{%s\}', ste_slope, ste_window)
} else {
  if (exists('ste_slope')) {
    title = title.sprintf(',  STE g(x) = %g·1\{|x| ≤ %g\}', ste_slope, ste_clip)
  }
}
if (exists('weights')) {
  title = title."\n".sprintf('weights %s,  E[Q^2] σ_w^2 = %g', weights, sw2_effective)
}

every = (depth / 50 > 1) ? depth / 50 : 1  # at most ~50 markers per curve
# One panel: the mean field of the quantity in columns sim..sim+2 as a line,
# the simulation (mean, se) as points with error bars.
panel(sim) = sprintf("plot layers using 1:%d with lines lw 2 lc rgb '#1f77b4', ", sim + 2). \
    sprintf("'' every %d using 1:%d:%d with yerrorbars pt 7 ps 0.7*point_unit lc rgb '#d62728'", \
        every, sim, sim + 1)

set multiplot title title
set tmargin at screen (exists('weights') ? 0.87 : 0.9)
set bmargin at screen 0.26
unset key
set xlabel 'layer l'
set grid
set bars small
set offsets 0, 0, graph 0.05, graph 0.05
# 0.135: five-digit tick labels (0.158) pushed the y label onto the image's edge at 0.11.
set lmargin at screen 0.135
set rmargin at screen 0.34
set ylabel 'length q^l'
eval panel(2)
set lmargin at screen 0.46
set rmargin at screen 0.665
set ylabel 'correlation c^l'
eval panel(5)
# The gradient panel is logarithmic only when the (positive) gradient spans
# more than a factor of 10; otherwise a log axis would show a single tick.
stats layers using 8:10 nooutput
if (STATS_min_x > 0 && STATS_min_y > 0) {
  low = (STATS_min_x < STATS_min_y) ? STATS_min_x : STATS_min_y
  high = (STATS_max_x > STATS_max_y) ? STATS_max_x : STATS_max_y
  if (high > 10 * low) {
    set logscale y
    set format y '10^{%L}'
  }
}
set lmargin at screen 0.78
set rmargin at screen 0.97
set ylabel 'gradient |δ^l|^2 / |δ^L|^2'
eval panel(8)
# The legend: key entries in an empty full-width plot (the NaN curve gives
# gnuplot something to plot; it draws nothing).
unset logscale y
set lmargin at screen 0.095
set rmargin at screen 0.96
set tmargin at screen 0.12
set bmargin at screen 0.02
unset border
unset tics
unset grid
unset xlabel
unset ylabel
set xrange [0:1]
set yrange [0:1]
set key center center vertical Left reverse samplen 2
plot NaN notitle, keyentry with lines lw 2 lc rgb '#1f77b4' title 'mean field', \
    keyentry with yerrorbars pt 7 ps 0.7*point_unit lc rgb '#d62728' \
    title sprintf('simulation: mean ± 1 s.e. over %d nets', nets)
unset multiplot
