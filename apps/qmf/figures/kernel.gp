# SPDX-License-Identifier: GPL-3.0-or-later
# The figure of `qmf kernel --eigen K --out PREFIX`: left, the NNGP and NTK
# divided by their value at t = 1 against the input cosine t, for the net
# asked for and its comparison (real vs stochastic binary weights); right,
# the Mercer eigenvalues lambda_k of the two NNGPs and of the Gaussian and
# Laplace kernels of matched bandwidth against the degree k, log-log (the
# degree axis linear when it spans less than two decades).
#
# Receives (gnuplot -e), besides format and output (style.gp):
#   kernels      data file "t  nngp  ntk  other_nngp  other_ntk"
#   spectra      data file "k  nngp  other_nngp  gaussian  laplace" from k = 0 ('?'
#                unresolved, or the references not drawn)
#   act, sw2, sb2, depth, dim
#   label, other_label   the two nets' weights ('real weights' or binary ones)
#   references   1 when the matched Gaussian and Laplace kernels are drawn, 0 when
#                the NNGP's value at t = 1/2 (matched_value_at_half) is below 1e-12
load 'style.gp'

set datafile missing '?'
set multiplot
set label 1 sprintf('Kernels of a depth-%d net, φ = %s, σ_w^2 = %g, σ_b^2 = %g', depth, act, \
    sw2, sb2) at screen 0.5,0.97 center
set grid
set tics out nomirror
key_font = sprintf(',%g', 0.75*font_size)
set bmargin at screen 0.12
# The keys sit above the panels, between the title and the frames: inside, they
# covered curves (which fill the left panel's corners) or ran over the y axis.
set tmargin at screen 0.76
key_top = 0.925

# The colour says the weights, whichever net was asked for: real weights one
# colour, binary weights the other (it followed asked/comparison, so green
# meant binary in one run and real weights in the next).
weights_colour(l) = (l eq 'real weights') ? curve_colour(0) : curve_colour(1)
weights_point(l) = (l eq 'real weights') ? 7 : 5
mine = "lw 3 lc rgb weights_colour(label)"
other = "lw 3 lc rgb weights_colour(other_label)"
set lmargin at screen 0.11
set rmargin at screen 0.47
set xrange [-1:1]
set xlabel 'input cosine  t = x·y / (|x| |y|)'
set ylabel 'Σ^L(t) / Σ^L(1),  Θ^L(t) / Θ^L(1)'
# |K(t)| <= K(1): the data span at most [-1, 1]; a little room on both sides
# instead of extending to the next tick (which gave an empty band up to 1.5).
set autoscale yfix
set offsets 0, 0, graph 0.04, graph 0.04
set key at screen 0.11,key_top left top Left reverse samplen 4 spacing 1.1 font key_font
# Where a net's NTK equals its NNGP (a step activation with real weights, phi'
# = 0 almost everywhere; any net at depth 1) the dashed curve would lie under
# the solid one: it is left out, and the solid curve's entry names both (a
# separate "(= NNGP)" entry ran into the right key).
stats kernels using (abs($3 - $2)) nooutput
mine_same = STATS_max < 1e-12
stats kernels using (abs($5 - $4)) nooutput
other_same = STATS_max < 1e-12
plot kernels using 1:2 with lines @mine title (mine_same ? 'NNGP = NTK, ' : 'NNGP, ').label, \
     kernels using 1:(mine_same ? NaN : $3) with lines @mine dt 2 \
         title (mine_same ? '' : 'NTK, '.label), \
     kernels using 1:4 with lines @other title (other_same ? 'NNGP = NTK, ' : 'NNGP, ').other_label, \
     kernels using 1:(other_same ? NaN : $5) with lines @other dt 2 \
         title (other_same ? '' : 'NTK, '.other_label)

unset label 1
set lmargin at screen 0.62
set rmargin at screen 0.97
# Log-log shows the power laws of low dimensions over many degrees; where the
# degrees computed span less than two decades (d = 784: a handful resolved,
# decaying exponentially) a logarithmic axis had one or two labelled ticks, so
# the degree axis is linear there, with a tick per degree up to 12 degrees.
# The degree k = 0 (λ_0) is drawn on a linear axis only.
stats spectra using ($1 > 0 ? $1 : NaN) nooutput
set logscale y
log_degrees = STATS_max >= 100 * STATS_min
if (log_degrees) {
  set logscale x
} else {
  if (STATS_max <= 12) { set xtics 1 }
}
degree(k) = (log_degrees && k <= 0) ? NaN : k
# x fixed to the degrees computed: plain autoscale ran on to the next decade
# (degrees to 200 on an axis to 1000).
set autoscale x
set autoscale xfix
set autoscale y
# The smallest resolved eigenvalue stays off the bottom frame; on a linear
# degree axis the first and last degrees stay off the side frames.
if (log_degrees) {
  set offsets 0, 0, graph 0.02, graph 0.02
} else {
  set offsets graph 0.03, graph 0.03, graph 0.02, graph 0.02
}
set format y '10^{%L}'
set xlabel sprintf('degree  k  (sphere S^{%d})', dim - 1)
set ylabel 'Mercer eigenvalue  λ_k'
# samplen 4: a shorter sample shows only the first dash of the dash-dot curve.
set key at screen 0.56,key_top left top Left reverse samplen 4 spacing 1.1 font key_font
# Without a meaningful bandwidth the references are not drawn, and the key says why.
no_references = sprintf('no matched kernels: Σ(½)/Σ(1) = %.1e', matched_value_at_half)
plot spectra using (degree($1)):2 with linespoints @mine pt weights_point(label) \
         ps 0.8*point_unit title 'NNGP, '.label, \
     spectra using (degree($1)):3 with linespoints @other pt weights_point(other_label) \
         ps 0.8*point_unit title 'NNGP, '.other_label, \
     spectra using (degree($1)):4 with lines lw 2.5 dt 2 lc rgb '#555555' \
         title (references ? 'Gaussian (matched)' : ''), \
     spectra using (degree($1)):5 with lines lw 2.5 dt 4 lc rgb '#000000' \
         title (references ? 'Laplace (matched)' : ''), \
     references ? NaN : NaN with points pt -1 lc rgb 'white' \
         title (references ? '' : no_references)
unset multiplot
