# SPDX-License-Identifier: GPL-3.0-or-later
# `qmf finite-width`: the finite-width deviations from the mean field times n,
# against depth, one colour per width (they collapse where the 1/n term
# leads), with the fitted 1/n coefficient and, for q, the perturbative
# prediction; and the correlation depth reached against width.
#
# Receives (gnuplot -e), besides format and output (style.gp):
#   points   one block per width: l, n dq, n se, n dc, n se, n dg/g, n se
#   fits     per layer: l, q_mf, a_q, se, a_q_chain, se, a_q_theory, var_v_chain,
#            var_v_theory, a_c, se, a_grad, se
#   depths   n, xi_sim / xi_mf, its bootstrap standard error (0 when not measured:
#            drawn as an open circle)
#   act, sw2, sb2, depth, count, widths (space-separated)
#   nets     text: '64 nets per width', or '16384 to 8 nets per width'
#   depth_points  the lines of depths (0 when no width had a fitted depth)
load 'style.gp'

set multiplot layout 2,2 title sprintf('%s,  σ_w^2 = %.6g,  σ_b^2 = %g,  L = %d,  %s', \
    act, sw2, sb2, depth, nets)
set grid
set bars small
set key below horizontal maxcols 3 samplen 1 spacing 0.9 font ',12'
set xlabel 'layer l'

width_title(i) = sprintf('n = %s', word(widths, i + 1))
set ylabel 'n (q_{sim}^l − q^l)'
plot for [i=0:count-1] points index i using 1:2:3 with yerrorbars pt 7 ps 0.6*point_unit \
        lc rgb curve_colour(i) title width_title(i), \
    fits using 1:7 with lines lw 2 lc rgb 'black' title 'perturbative A^l', \
    fits using 1:3 with lines lw 2 dt 2 lc rgb '#555555' title 'fitted 1/n coefficient'
set key inside top right
set ylabel 'n (c_{sim}^l − c^l)'
plot for [i=0:count-1] points index i using 1:4:5 with yerrorbars pt 7 ps 0.6*point_unit \
        lc rgb curve_colour(i) notitle, \
    fits using 1:10 with lines lw 2 dt 2 lc rgb '#555555' notitle
set ylabel 'n (grad_{sim}^l / grad^l − 1)'
plot for [i=0:count-1] points index i using 1:6:7 with yerrorbars pt 7 ps 0.6*point_unit \
        lc rgb curve_colour(i) notitle, \
    fits using 1:12 with lines lw 2 dt 2 lc rgb '#555555' notitle
set xlabel 'width n'
set ylabel 'ξ_{sim} / ξ_{mf}'
if (depth_points > 0) {
  set logscale x 2
  set format x '2^{%L}'
  set key top left vertical
  set offsets 0, 0, graph 0.3, 0  # room above the data for the key
  set xrange [real(word(widths, 1)) / 1.4 : real(word(widths, count)) * 1.4]
  plot depths using 1:2 with lines lw 2 lc rgb '#1f77b4' notitle, \
      depths using 1:($3 > 0 ? $2 : 1/0):3 with yerrorbars pt 7 ps 0.8*point_unit lw 2 \
          lc rgb '#1f77b4' title 'correlation depth reached ± SE', \
      depths using 1:($3 > 0 ? 1/0 : $2) with points pt 6 ps 0.8*point_unit lw 2 \
          lc rgb '#1f77b4' title 'no bootstrap error', \
      0.9 with lines dt 2 lw 2 lc rgb '#d62728' title '90 %'
} else {
  set label 1 'no width resolved the correlation depth' at graph 0.5, 0.5 center
  unset key
  plot [0:1] [0:1] NaN notitle
}
unset multiplot
