# The trainability heat map (the paper's Figure 3): test accuracy over depth L
# and the grid's other axis (N levels, or sigma_w^2), with the mean-field
# trainable depths k xi for k = 4, 6, 9 drawn on it.
#
# Variables set by qmf (gnuplot -e "..." trainability.gp), besides format and
# output (style.gp): cells (columns: depth, y,
# test accuracy, half cell width, half cell height, diverged 0/1), curves
# (columns: y, 4 xi, 6 xi, 9 xi), ylabel, title, xmin, xmax, ymin, ymax, ystep
# and xstep (tic spacing, 0 for gnuplot's choice), diverged_key, absent_key and
# key4, key6, key9 (the key entries, empty for what is not drawn) and xi_note (a
# key line without a sample when no k xi curve reaches into the depths, else empty).

load 'style.gp'
set title title
set xlabel 'depth L'
set ylabel ylabel
set xrange [xmin:xmax]
set yrange [ymin:ymax]
set tics out nomirror
set cbrange [0:1]
set cblabel 'test accuracy'
set cbtics 0.1
# A perceptually ordered scale (dark: chance, bright: learned); the bar's
# ticks mark chance level.
set palette defined (0 '#1b0c41', 0.25 '#4a0c6b', 0.5 '#a52c60', 0.75 '#ed6925', 1 '#fcffa4')
set key at screen 0.45, screen 0.06 center center horizontal maxrows 1 Left reverse samplen 2 width -2
set lmargin at screen 0.10
set rmargin at screen 0.80
set bmargin at screen 0.24
set tmargin at screen 0.90
set style fill solid 1.0 noborder
if (ystep > 0) set ytics ystep
if (xstep > 0) set xtics xmin + xstep / 2, xstep  # on the cells' depths

# Hatched grey behind the cells: what shows through is a row not in the grid.
absent_colour = '#9e9e9e'
set object 1 rectangle from graph 0, graph 0 to graph 1, graph 1 behind \
    fillcolor rgb absent_colour fillstyle pattern 4 noborder
plot cells using 1:2:4:5:3 with boxxyerror lc palette notitle, \
     NaN with boxes fillstyle pattern 4 lc rgb absent_colour title absent_key, \
     cells using 1:($6 > 0 ? $2 : NaN) with points pt 2 ps 3*point_unit lw 3 lc rgb '#4daf4a' \
       title diverged_key, \
     curves using 2:1 with lines lw 3 dt 1 lc rgb '#00b0f0' title key4, \
     curves using 3:1 with lines lw 3 dt 2 lc rgb '#00b0f0' title key6, \
     curves using 4:1 with lines lw 3 dt 3 lc rgb '#00b0f0' title key9, \
     NaN with points pt -1 lc rgb 'white' title xi_note
