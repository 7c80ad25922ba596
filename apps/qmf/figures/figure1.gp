# SPDX-License-Identifier: GPL-3.0-or-later
# Figure 1 of Blumenfeld, Gilboa and Soudry (2019), as `qmf figure1` makes it:
# c^l against depth for several sigma_w near the critical one, one panel per
# initial correlation, the mean-field iteration as lines and simulated nets as
# points with error bars, and below the panels a legend spanning the figure
# (a key inside a panel could only be as wide as the panel).
#
# Receives (gnuplot -e), besides format and output (style.gp):
#   act, sb2, width, nets, depth   the setting, for the title and the axes (sb2 as text)
#   curves                         the number of sigma_w
#   curve_0, ...                   data files, one block per initial correlation
#                                  (`index p`), lines "l  c_mf  c_sim  se"
#   sigma_w                        the sigma_w of the curves, space separated
#   critical_curve                 the index of the curve at the critical sigma_w (-1: none)
#   c0                             the initial correlations, space separated (one panel each)
#   marker_every                   plot every k-th simulated layer
load 'style.gp'

colours = '#1b9e77 #d95f02 #000000 #7570b3 #e7298a #66a61e #e6ab02'
colour(i) = word(colours, i % words(colours) + 1)
file(i) = value(sprintf('curve_%d', i))
label(i) = sprintf('σ_w^2 = %.3f%s', (word(sigma_w, i + 1) + 0)**2, \
    (i == critical_curve) ? ' (critical)' : '')
panels = words(c0)
# Panel placement in screen coordinates.
left = 0.1
right = 0.98
gap = 0.04
bottom = 0.3
top = 0.86
panel_width = (right - left - gap * (panels - 1)) / panels

set multiplot title sprintf('%s nets: correlation against depth,  σ_b^2 = %s,  n = %d,  %d nets per σ_w^2', \
    act, sb2, width, nets)
set tmargin at screen top
set bmargin at screen bottom
unset key
set xlabel 'layer l'
set grid
set xrange [0:depth]
set yrange [-0.1:1]
set ytics 0.2
set bars small
set ylabel 'correlation c^l'
# Each curve's markers sit on their own layers (every k-th, offset by the
# curve's index), so error bars of different curves never overlap.
do for [p = 0:panels-1] {
  c = word(c0, p + 1) + 0
  x = left + p * (panel_width + gap)
  set lmargin at screen x
  set rmargin at screen x + panel_width
  set title sprintf('c^0 = %g  (Δθ = %.0f°)', c, acos(c) * 180 / pi)
  if (p > 0) {
    unset ylabel
    set format y ''
  }
  plot for [i = 0:curves-1] file(i) index p using 1:2 with lines lw 2 lc rgb colour(i), \
       for [i = 0:curves-1] file(i) index p every marker_every::(i % marker_every) using 1:3:4 \
           with yerrorbars pt 7 ps 0.8*point_unit lc rgb colour(i)
}
# The legend: key entries in an empty full-width plot below the panels (the
# NaN curve gives gnuplot something to plot; it draws nothing). UTF-8 rather
# than {/Symbol} markup, which gnuplot would count into the entries' widths.
set lmargin at screen left
set rmargin at screen right
set tmargin at screen 0.18
set bmargin at screen 0.03
unset border
unset tics
unset grid
unset title
unset xlabel
unset ylabel
set xrange [0:1]
set yrange [0:1]
set key center center vertical maxrows 2 samplen 2 width 0 Left reverse \
    title 'lines: mean field,  points: simulation (mean ± 1 s.e. over nets)'
plot NaN notitle, for [i = 0:curves-1] keyentry with yerrorlines lw 2 pt 7 ps 0.8*point_unit \
    lc rgb colour(i) title label(i)
unset multiplot
