# The generalization sweep: the generalization gap (train minus test
# accuracy) and the sharpness (mean train-loss increase under random weight
# perturbations, with its standard error) against the weight bits b, one curve
# per activation (and depth): the colour says N, the point type and dash the
# depth, and each curve is drawn a little apart on the x axis.
#
# Variables set by qmf (gnuplot -e "..." generalization.gp), besides format and
# output (style.gp): cells (one block per curve, separated by two blank lines;
# columns: the position on the log2 axis (bits; float at 64, after a blank line
# that cuts the curve), gap, sharpness, its standard error, the gap's binomial
# standard error (the evaluation sets' sampling only)), curves (the number of
# blocks), titles (one word per curve), tics (gnuplot xtics list: "label" x,
# ...), marks (the same positions without labels), title, has_ternary (1 when
# a curve has a ternary point, named in the x label).

load 'style.gp'

# A curve's N and depth L, from its title "N=3,L=2" ("N=3" with one depth).
curve_title(i) = word(titles, i + 1)
comma(i) = strstrt(curve_title(i), ',')
curve_n(i) = (comma(i) > 0) ? curve_title(i)[3:comma(i) - 1] : curve_title(i)[3:]
curve_l(i) = (comma(i) > 0) ? curve_title(i)[comma(i) + 3:] : ''
# The distinct N and L in order of appearance: the colour says N, the point
# type and dash say L (colours alone repeated beyond six curves).
n_list = ''
l_list = ''
do for [i = 0:curves - 1] {
  if (strstrt(' '.n_list.' ', ' '.curve_n(i).' ') == 0) { n_list = n_list.' '.curve_n(i) }
  if (strstrt(' '.l_list.' ', ' '.curve_l(i).' ') == 0) { l_list = l_list.' '.curve_l(i) }
}
position(list, item) = (words(list) > 0) ? sum [k = 1:words(list)] (word(list, k) eq item ? k - 1 : 0) : 0
n_index(i) = position(n_list, curve_n(i))
l_index(i) = position(l_list, curve_l(i))
point_types = '7 5 9 11 13 15'
curve_point(i) = word(point_types, l_index(i) % words(point_types) + 1) + 0
curve_dash(i) = l_index(i) % 5 + 1
# Curves side by side: each drawn a little apart on the log2 axis (at most
# ±0.15 of a doubling), so that equal values do not hide one another.
dodge_step = (curves > 1) ? ((0.3 / (curves - 1) < 0.06) ? 0.3 / (curves - 1) : 0.06) : 0
dodge(i) = 2**((i - (curves - 1) / 2.0) * dodge_step)

set multiplot layout 2, 1 title title font sprintf(',%g', font_size)
set logscale x 2
set xrange [0.85:80]
eval('set xtics (' . marks . ')')
set tics out nomirror
set grid ytics lc rgb '#d0d0d0'
# Headroom above and below the data: autoscaling put extreme points on the frame.
set offsets 0, 0, graph 0.08, graph 0.08
set key outside right top Left reverse samplen 2 width 1
set lmargin at screen 0.12
set rmargin at screen 0.80
set tmargin at screen 0.90
set bmargin at screen 0.56
set ylabel 'acc_{train} − acc_{test}  ± SE'
# The error bars solid (a dashed curve's bars were dashed too), the line dashed by depth.
plot for [i = 0:curves - 1] cells index i using ($1 * dodge(i)):2:5 with yerrorbars lw 2 \
       pt curve_point(i) ps 1.5 * point_unit lc rgb curve_colour(n_index(i)) notitle, \
     for [i = 0:curves - 1] cells index i using ($1 * dodge(i)):2 with linespoints lw 2 \
       dt curve_dash(i) pt curve_point(i) ps 1.5 * point_unit lc rgb curve_colour(n_index(i)) \
       title curve_title(i)
set tmargin at screen 0.50
set bmargin at screen 0.14
eval('set xtics (' . tics . ')')
set xlabel 'weight bits b  (1: binary, ' . (has_ternary ? 'T: ternary, ' : '') . 'float: Gaussian weights)'
set ylabel 'sharpness ΔL (ρ)'
plot for [i = 0:curves - 1] cells index i using ($1 * dodge(i)):3:4 with yerrorbars lw 2 \
       pt curve_point(i) ps 1.5 * point_unit lc rgb curve_colour(n_index(i)) notitle, \
     for [i = 0:curves - 1] cells index i using ($1 * dodge(i)):3 with linespoints lw 2 \
       dt curve_dash(i) pt curve_point(i) ps 1.5 * point_unit lc rgb curve_colour(n_index(i)) \
       notitle
unset multiplot
