# SPDX-License-Identifier: GPL-3.0-or-later
# `qmf simulate`: length q^l, correlation c^l and gradient against depth in
# three panels side by side, the mean-field iteration as lines and the
# simulated nets as points with error bars, and a legend below spanning the figure.
# Each panel's y axis is chosen from its data (choose_axis: logarithmic, a
# constant's fixed range, or linear with a power of ten in the label).
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
# the simulation (mean, se) as points with error bars, all divided by `scale`
# (a power of ten the y label names, set by choose_scale below).
scale = 1.0
panel(sim) = sprintf("plot layers using 1:(column(%d) / scale) with lines lw 2 lc rgb '#1f77b4', ", \
        sim + 2). \
    sprintf("'' every %d using 1:(column(%d) / scale):(column(%d) / scale) with yerrorbars ", \
        every, sim, sim + 1). \
    "pt 7 ps 1.1*point_unit lc rgb '#d62728'"

# The y axis of the panel of columns sim..sim+2, chosen from the data (sim ±
# se and the mean field): logarithmic where the positive data span more than a
# factor of 10 (a linear axis put most layers on "0"); else a fixed range
# around a constant (a span below 1e-9 of the value, such as c = 1 ± 1e-16,
# which %g labels "1" at both ends); else linear, with a power of ten taken
# into the label for large or small values (labels such as "1.2x10^{200}"
# pushed the y label off the canvas). Sets y_suffix, the label's addition.
y_suffix = ''
choose_axis(sim) = sprintf("stats [*:*][*:*] layers using (column(%d) - column(%d)):(column(%d) + column(%d)) nooutput; ", \
        sim, sim + 1, sim, sim + 1). \
    "low = STATS_min_x; high = STATS_max_y; ". \
    sprintf("stats [*:*] layers using %d nooutput; ", sim + 2). \
    "low = (STATS_min < low) ? STATS_min : low; high = (STATS_max > high) ? STATS_max : high; ". \
    sprintf("stats [*:*] layers using %d nooutput; ", sim). \
    "mid = (STATS_min + STATS_max) / 2; size = (abs(low) > abs(high)) ? abs(low) : abs(high); ". \
    "eval axis_rule"
axis_rule = "unset logscale y; set format y '% h'; set autoscale y; scale = 1.0; y_suffix = ''; ". \
    "if (high - low <= 1e-9 * size) { ". \
    "  half = (abs(mid) > 0) ? 0.05 * abs(mid) : 1; set yrange [mid - half : mid + half]; ". \
    "  set format y '%.3g'; y_suffix = '  (constant)' ". \
    "} else { if (low > 0 && high > 10 * low) { ". \
    "  set logscale y; set format y '10^{%L}' ". \
    "} else { if (size >= 1e4 || size < 1e-2) { ". \
    "  power = floor(log10(size)); scale = 10.0**power; y_suffix = sprintf('  (×10^{%d})', power) ". \
    "} } }"

# Layers: a little room at both ends, so that the points at l = 0 and l = L
# are not halved by the frame; whole layers at a round step, about 4 per panel
# (more merged into "10152025").
set xrange [-0.03 * depth : 1.03 * depth]
raw_step = depth / 4.0
decade = 10.0**floor(log10(raw_step))
tick_step = (raw_step <= decade) ? decade : (raw_step <= 2 * decade) ? 2 * decade : \
    (raw_step <= 5 * decade) ? 5 * decade : 10 * decade
tick_step = (tick_step < 1) ? 1 : int(tick_step + 0.5)
set xtics 0, tick_step

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
eval choose_axis(2)
set ylabel 'length q^l'.y_suffix
eval panel(2)
set lmargin at screen 0.46
set rmargin at screen 0.665
eval choose_axis(5)
set ylabel 'correlation c^l'.y_suffix
eval panel(5)
set lmargin at screen 0.78
set rmargin at screen 0.97
eval choose_axis(8)
set ylabel 'gradient |δ^l|^2 / |δ^L|^2'.y_suffix
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
    keyentry with yerrorbars pt 7 ps 1.1*point_unit lc rgb '#d62728' \
    title sprintf('simulation: mean ± 1 s.e. over %d nets', nets)
unset multiplot
