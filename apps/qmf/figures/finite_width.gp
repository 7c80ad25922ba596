# SPDX-License-Identifier: GPL-3.0-or-later
# `qmf finite-width`: the fitted 1/n coefficient of every layer's deviation
# from the mean field, with its standard error as a band (the length's beside
# the one-dimensional chain's and the perturbative prediction); the last
# layer's residuals of the fit against width (within +-2 SE where one a/n + b/n^2
# fits every width); and the correlation depth reached against width.
#
# Receives (gnuplot -e), besides format and output (style.gp):
#   fits     per layer: l, q_mf, a_q, se, a_q_chain, se, a_q_theory, var_v_chain,
#            var_v_theory, a_c, se, a_grad, se
#   residuals  per width at the last layer: n, the residual of the a/n + b/n^2
#            fit of q_sim - q_mf in units of its standard error
#   depths   n, xi_sim / xi_mf, its bootstrap standard error (0 when not measured:
#            drawn as an open square, not joined by the line)
#   act, sw2, sb2, depth, count, widths (space-separated)
#   nets     text: '64 nets per width', or '16384 to 8 nets per width'
#   chi2_last  chi^2 per degree of freedom of the last layer's fit
#   depth_points  the lines of depths (0 when no width had a fitted depth)
#   unbootstrapped  how many of them have no standard error (keyed only then)
#   depth_note    optional: why not (the mean-field d has no decay length on the window)
#   missing_widths  optional: a line under the axis naming the widths without a ratio and why
load 'style.gp'

set multiplot layout 2,2 title sprintf('%s,  σ_w^2 = %.6g,  σ_b^2 = %g,  L = %d,  %s', \
    act, sw2, sb2, depth, nets)
set grid
set bars small
set style fill transparent solid 0.25 noborder
key_font = sprintf(',%g', 0.6*font_size)
set key inside bottom left vertical samplen 1.5 spacing 0.9 font key_font
set xlabel 'layer l'
if (depth <= 12) set xtics 1  # whole layers, not 0.5 steps
# Room below the curves for the key, which would cover them otherwise.
set offsets 0, 0, graph 0.05, graph 0.3

set ylabel 'a_q^l  (q_{sim}^l − q^l ≈ a_q^l / n)'
plot fits using 1:($3 - $4):($3 + $4) with filledcurves lc rgb '#1f77b4' notitle, \
    fits using 1:($5 - $6):($5 + $6) with filledcurves fs transparent solid 0.15 noborder \
        lc rgb '#ff7f0e' notitle, \
    fits using 1:3 with lines lw 2 lc rgb '#1f77b4' title 'fitted ± SE', \
    fits using 1:5 with lines lw 2 dt 2 lc rgb '#ff7f0e' title 'one-dimensional chain ± SE', \
    fits using 1:7 with lines lw 2 lc rgb 'black' title 'perturbative A^l'

set ylabel 'fitted 1/n coefficient'
plot fits using 1:($10 - $11):($10 + $11) with filledcurves lc rgb '#2ca02c' notitle, \
    fits using 1:10 with lines lw 2 lc rgb '#2ca02c' title 'a_c^l ± SE  (correlation)', \
    fits using 1:($12 - $13):($12 + $13) with filledcurves lc rgb '#9467bd' notitle, \
    fits using 1:12 with lines lw 2 lc rgb '#9467bd' \
        title 'a_{grad}^l ± SE  (grad_{sim}^l / grad^l − 1)'

set offsets 0, 0, graph 0.05, graph 0.05
set xtics autofreq
set xlabel 'width n'
set logscale x 2
set format x '2^{%L}'
set xrange [real(word(widths, 1)) / 1.4 : real(word(widths, count)) * 1.4]
set ylabel sprintf('(q_{sim}^{%d} − q^{%d} − a/n − b/n^2) / SE', depth, depth)
set key top left
set yrange [*<-3 : 4.5<*]  # at least +-3, with room at the top for the key
plot '+' using 1:(-2.0):(2.0) with filledcurves lc rgb '#aaaaaa' title '± 2', \
    0 with lines lw 1 lc rgb 'black' notitle, \
    residuals using 1:2 with points pt 7 ps 1.5*point_unit lc rgb '#d62728' \
        title sprintf('layer %d, fit over all widths: χ^2/dof = %.2f', depth, chi2_last)

set ylabel 'ξ_{sim} / ξ_{mf}'
set autoscale y
if (depth_points > 0) {
  set key top left vertical
  set offsets 0, 0, graph 0.3, 0  # room above the data for the key
  # The line joins only the ratios with a standard error (a point without one
  # breaks it); a ratio without one is a large open square, unlike the filled
  # points with error bars (an open circle rendered filled at this size).
  # Widths without a ratio: named under the axis (in the key the line overran
  # the panel and covered a point).
  if (exists('missing_widths')) { set xlabel "width n\n{/*0.7 ".missing_widths."}" }
  plot depths using 1:($3 > 0 ? $2 : 1/0) with lines lw 2 lc rgb '#1f77b4' notitle, \
      depths using 1:($3 > 0 ? $2 : 1/0):3 with yerrorbars pt 7 ps 0.8*point_unit lw 2 \
          lc rgb '#1f77b4' \
          title (depth_points > unbootstrapped ? 'correlation depth reached ± SE' : ''), \
      depths using 1:($3 > 0 ? 1/0 : $2) with points pt 4 ps 1.6*point_unit lw 1.5 \
          lc rgb '#1f77b4' \
          title (unbootstrapped > 0 ? 'correlation depth reached, no bootstrap error' : ''), \
      0.9 with lines dt 2 lw 2 lc rgb '#d62728' title '90 %'
} else {
  note = exists('depth_note') ? "\n".depth_note : ''
  set style textbox opaque noborder
  set label 1 'no width resolved the correlation depth'.note at graph 0.5, 0.5 center front \
      boxed font sprintf(',%g', 0.8*font_size)
  # A text panel: axes without data would suggest a scale that was never measured.
  unset key
  unset logscale x
  unset border
  unset grid
  unset xtics
  unset ytics
  unset xlabel
  unset ylabel
  plot [0:1] [0:1] NaN notitle
}
unset multiplot
