# The generalization sweep: the generalization gap (train minus test
# accuracy) and the sharpness (mean train-loss increase under random weight
# perturbations, with its standard error) against the weight bits b, one curve
# per activation (and depth).
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
plot for [i = 0:curves - 1] cells index i using 1:2:5 with yerrorlines lw 2 pt 7 \
       ps 1.5 * point_unit lc rgb curve_colour(i) title word(titles, i + 1)
set tmargin at screen 0.50
set bmargin at screen 0.14
eval('set xtics (' . tics . ')')
set xlabel 'weight bits b  (1: binary, ' . (has_ternary ? 'T: ternary, ' : '') . 'float: Gaussian weights)'
set ylabel 'sharpness ΔL (ρ)'
plot for [i = 0:curves - 1] cells index i using 1:3:4 with yerrorlines lw 2 pt 7 \
       ps 1.5 * point_unit lc rgb curve_colour(i) notitle
unset multiplot
