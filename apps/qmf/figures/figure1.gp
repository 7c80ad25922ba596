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
#   marker_every                   plot every k-th simulated layer (at most every depth-th)
load 'style.gp'

# The critical curve is black; the others take the Dark2 colours in order
# (whatever the critical curve's index). Past seven of them the colours
# repeat, with another dash and point type, so that no two curves look alike.
colours = '#1b9e77 #d95f02 #7570b3 #e7298a #66a61e #e6ab02 #a6761d'
point_types = '7 5 9 11 13'
rank(i) = (critical_curve >= 0 && i > critical_curve) ? i - 1 : i  # among the non-critical
colour(i) = (i == critical_curve) ? '#000000' : word(colours, rank(i) % words(colours) + 1)
cycle(i) = (i == critical_curve) ? 0 : rank(i) / words(colours)
dash(i) = cycle(i) % 5 + 1
point(i) = word(point_types, cycle(i) % words(point_types) + 1) + 0
file(i) = value(sprintf('curve_%d', i))
label(i) = sprintf('σ_w^2 = %.3f%s', (word(sigma_w, i + 1) + 0)**2, \
    (i == critical_curve) ? ' (critical)' : '')
panels = words(c0)
# Markers on every k-th layer, but never fewer than one per curve: at depth <
# k some curves' offset layers (below) would not exist.
marker_step = (marker_every < depth) ? marker_every : depth
# The legend: three columns fit the canvas (an entry is about a third of its
# width), in as many rows as the curves need; the panels make room for them.
key_columns = 3
key_rows = (curves <= 2 * key_columns) ? 2 : (curves + key_columns - 1) / key_columns
key_line = 0.03  # a line of the key's text, in screen height
key_height = (key_rows + 1) * key_line + 0.04
# Panel placement in screen coordinates.
left = 0.1
right = 0.98
gap = 0.04
bottom = 0.17 + key_height
top = 0.86
panel_width = (right - left - gap * (panels - 1)) / panels
# Whole layers at a round step (1, 2 or 5 times a power of ten), about one
# tick label per 0.045 of the canvas: more merged into "10152025".
tick_count = (panel_width / 0.045 > 2) ? floor(panel_width / 0.045) : 2
raw_step = real(depth) / tick_count
decade = 10.0**floor(log10(raw_step))
tick_step = (raw_step <= decade) ? decade : (raw_step <= 2 * decade) ? 2 * decade : \
    (raw_step <= 5 * decade) ? 5 * decade : 10 * decade
tick_step = (tick_step < 1) ? 1 : int(tick_step + 0.5)

set multiplot title sprintf('%s nets: correlation against depth,  σ_b^2 = %s,  n = %d,  %d nets per σ_w^2', \
    act, sb2, width, nets)
set tmargin at screen top
set bmargin at screen bottom
unset key
set xlabel 'layer l'
set grid
# A little room at both ends and above c = 1, so that no marker sits on a frame.
set xrange [-0.02 * depth : 1.02 * depth]
set xtics 0, tick_step
set yrange [-0.1:1.05]
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
  plot for [i = 0:curves-1] file(i) index p using 1:2 with lines lw 2 dt dash(i) \
           lc rgb colour(i), \
       for [i = 0:curves-1] file(i) index p every marker_step::(i % marker_step) using 1:3:4 \
           with yerrorbars pt point(i) ps 0.8*point_unit lc rgb colour(i)
}
# The legend: key entries in an empty full-width plot below the panels (the
# NaN curve gives gnuplot something to plot; it draws nothing). UTF-8 rather
# than {/Symbol} markup, which gnuplot would count into the entries' widths.
set lmargin at screen left
set rmargin at screen right
set tmargin at screen 0.02 + key_height
set bmargin at screen 0.02
unset border
unset tics
unset grid
unset title
unset xlabel
unset ylabel
set xrange [0:1]
set yrange [0:1]
set key center center vertical maxrows key_rows samplen 2 width 0 Left reverse \
    title 'lines: mean field,  points: simulation (mean ± 1 s.e. over nets)'
plot NaN notitle, for [i = 0:curves-1] keyentry with yerrorlines lw 2 dt dash(i) pt point(i) \
    ps 0.8*point_unit lc rgb colour(i) title label(i)
unset multiplot
