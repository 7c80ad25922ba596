# SPDX-License-Identifier: GPL-3.0-or-later
# The phase diagram of `qmf phase`: a heat map of the correlation depth scale
# xi_c on a logarithmic colour scale, the critical line on top, and the
# regions without a usable fixed point marked instead of painted.
#
# Receives (gnuplot -e), besides format and output (style.gp):
#   act                    the activation, for the title
#   weights                optional: a quantized weight spec, for the title's second line
#   xi                     data file of scanlines "sw2 sb2 xi_c" separated by blank
#                          lines (as `with image` expects), xi_c within [cb_lo, cb_hi]
#   cb_lo, cb_hi           the colour range (equal when xi_c is constant)
#   capped                 1 if larger xi_c exist and get the top colour
#   x_lo, x_hi, y_lo, y_hi the extent of the grid cells
#   collapsed, diverged, failed, multistable
#                          optional data files "x y dx dy" of cell rectangles
#   line                   optional data file "sw2 sb2 reached" of the critical line
#                          (reached: 1 where the grid's start q0 = 1 leads to the line's q*)
#   step                   1: the line is the largest xi_c at each sb2 (step activations),
#                          0: the order-chaos line chi_1 = 1
#   optimum, best_xi, best_sw2, best_sb2, best_q_star
#                          for step activations with a line: the point of largest xi_c
#   best_from_q0           optional: the optimum lies on another q* than the grid's start
#                          q0 = 1 leads to, which does this there ("q collapses to 0")
#   values                 the number of cells with a finite xi_c (0: no colour bar)
#   infinite               optional data file "x y dx dy" of the cells with xi_c = inf
load 'style.gp'
load 'phase_status.gp'
inside(x, y) = (x >= x_lo && x <= x_hi && y >= y_lo && y <= y_hi)
off_branch = 0  # 1: part of the line lies on another q* than the grid reaches from q0 = 1
line_shown = 0  # the line's points within the grid (it is searched over all sigma_w^2)
if (exists('line')) {
  stats line using 1 nooutput  # before the ranges are set, which it would apply
  line_points = STATS_records
  stats line using 3 nooutput
  off_branch = STATS_min < 1
  stats line using (inside($1, $2) ? 1 : 0) nooutput
  line_shown = STATS_sum
}
# The optimum is quoted wherever it lies, but marked only within the grid.
optimum_inside = exists('optimum') ? inside(best_sw2, best_sb2) : 0

# Grid cells that tie with the optimum (sign at sigma_b^2 = 0 has the same xi_c
# for every sigma_w^2): there the optimum's position is arbitrary, so the title
# gives the count and no point is marked.
ties = 0
if (step && exists('optimum')) {
  stats xi using (($3 >= best_xi * (1 - 1e-9)) ? 1 : 0) nooutput
  ties = STATS_sum
}
quote_optimum = step && exists('optimum') && ties <= 1
mark_optimum = quote_optimum && optimum_inside
best = quote_optimum ? \
    sprintf(': largest ξ_c = %.3g at σ@_w^2 = %.3g, σ@_b^2 = %.3g%s', best_xi, best_sw2, best_sb2, \
    optimum_inside ? '' : ' (outside the grid)') : ''
best = (step && exists('optimum') && ties > 1) ? \
    sprintf(': largest ξ_c = %.3g, at %d grid points', best_xi, ties) : best
# Quantized weights on a second line (a long spec ran off both edges).
weights_line = exists('weights') ? "\nweights ".weights.' (σ@_w^2 is their latent variance)' : ''
# A line (or its optimum) on another branch than the grid's colours beneath:
# a title line of its own says which.
# Only a line of several points within the grid is drawn dashed.
dashed = off_branch && line_points > 1 && line_shown > 0
branch_line = dashed ? \
    "\ndashed: the line's q^* is not the one the grid reaches from its start q^0 = 1" : ''
branch_line = (mark_optimum && exists('best_from_q0')) ? \
    sprintf("\nthe optimum is on the q^* = %.3g branch; from q^0 = 1, where the grid starts, %s", \
    best_q_star, best_from_q0) : branch_line
title_lines = 1 + exists('weights') + (branch_line ne '')
set label 1 'Phase diagram of '.act.best.weights_line.branch_line \
    at screen 0.46,(title_lines > 2 ? 0.95 : 0.965) center
set xlabel 'weight variance σ@_w^2'
set ylabel 'bias variance σ@_b^2'
set cblabel 'correlation depth scale ξ_c (layers)' offset 1,0
set logscale cb
set format cb '%g'
# Grid values of 10^5 and more, or all below 10^-3: one format for every tick,
# 3 significant digits with a power of ten (gnuplot's default mixes "1x10^6"
# with "800000").
extreme(lo, hi) = (abs(lo) > abs(hi) ? abs(lo) : abs(hi))
extreme_format(lo, hi) = (extreme(lo, hi) >= 1e5 || extreme(lo, hi) < 1e-3)
if (extreme_format(x_lo, x_hi)) { set format x '%.3h' }
if (extreme_format(y_lo, y_hi)) { set format y '%.3h' }

# Tick marks for the logarithmic colour bar: the 1-2-5 sequence when the
# range spans a decade or more, finer mantissas when it is narrower (a
# quantizer with few levels has xi_c within a factor of two everywhere). A
# capped range labels its top itself; the other labels keep clear of it.
constant = cb_hi <= 1.01 * cb_lo
if (values == 0) {
  # No cell has a finite xi_c (all collapsed, diverged or infinite): no scale.
  unset colorbox
  unset cblabel
  set cbrange [1:10]
} else { if (constant) {
  # One colour: a range around the value, labelled with the value alone.
  set cbrange [cb_lo/1.1 : cb_hi*1.1]
  set cbtics (sprintf('%.3g', cb_lo) cb_lo)
} else {
  set cbrange [cb_lo:cb_hi]
  mantissas_1 = '1 2 5'
  mantissas_2 = '1 1.5 2 3 5 7'
  mantissas_3 = '1 1.2 1.4 1.6 1.8 2 2.5 3 4 5 6 7 8 9'
  # The clearance: a factor 1.5, or an eighth of a narrower range (in logs).
  clearance = (cb_hi/cb_lo)**0.12
  clearance = (clearance < 1.5) ? clearance : 1.5
  top = capped ? cb_hi/clearance : cb_hi
  count = 0
  do for [choice = 1:3] {
    if (count < 4) {
      tics = ''
      count = 0
      do for [decade = floor(log10(cb_lo)) : ceil(log10(cb_hi))] {
        do for [m in value(sprintf('mantissas_%d', choice))] {
          t = (m + 0) * 10.0**decade
          if (t >= cb_lo && t <= top) {
            tics = tics.sprintf('%s%.17g', (count > 0) ? ', ' : '', t)
            count = count + 1
          }
        }
      }
    }
  }
  # A range too narrow for any tick below its cap is labelled at its bottom.
  if (count == 0) { tics = sprintf("'%.3g' %.17g", cb_lo, cb_lo) }
  if (capped) { tics = tics.sprintf(", '≥ %.3g' %.17g", cb_hi, cb_hi) }
  eval 'set cbtics ('.tics.')'
} }
if (values > 0) { set colorbox user origin graph 1.03,0 size graph 0.04,1 }
# Wider tick labels with a power of ten: more room for the y label beside them.
set lmargin at screen (extreme_format(y_lo, y_hi) ? 0.15 : 0.12)
set rmargin at screen 0.80
set bmargin at screen 0.13
# A longer title, and the dashed line's key entry, push the key and the plot down.
lower = (title_lines > 2) ? 2 : (title_lines > 1 && dashed)
set tmargin at screen (lower == 2 ? 0.73 : (lower ? 0.76 : 0.80))
# The key sits between the title and the plot, so it never hides the map
# or the line (which leaves through the top edge).
set key at screen 0.46,(lower == 2 ? 0.81 : (lower ? 0.84 : 0.87)) center center horizontal maxcols 2 samplen 1.5 width -2
set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')
# The extent of the cells, so that the heat map fills the plot exactly (an
# svg image is not clipped at the border).
set xrange [x_lo:x_hi]
set yrange [y_lo:y_hi]
set tics out nomirror

elements = "xi using 1:2:3 with image notitle"
do for [s in status_names] {
  if (exists(s)) {
    elements = elements.sprintf(", %s using 1:2:3:4 with boxxyerror %s notitle", s, status_fill(s)). \
        sprintf(", keyentry with boxes %s title '%s'", status_key(s), status_meaning(s))
  }
}
# A step activation's line of a single point is the optimum itself (sign: xi_c
# grows with sigma_w^2 at every sigma_b^2 > 0, so no row but sigma_b^2 = 0 has a
# maximum); it gets no key entry of its own.
if (exists('line') && line_shown > 0 && !(step && exists('optimum') && line_points == 1)) {
  # A line found at a single sigma_b^2 (relu: only at sigma_b^2 = 0) is a point.
  line_style = (line_points > 1) ? 'lines lw 3' : 'points pt 7 ps 2*point_unit'
  line_title = step ? 'largest ξ_c at each σ@_b^2' : 'order–chaos line χ_1 = 1'
  # Where the line's q* is not the one the grid reaches from q0 = 1 it is
  # dashed: the colours beneath belong to another branch.
  if (dashed) {
    elements = elements. \
        ", line using 1:2 with lines lw 3 dt (4,3) lc rgb '#ff3030' notitle". \
        ", line using 1:($3 > 0 ? $2 : 1/0) with lines lw 3 lc rgb '#ff3030' title '".line_title."'". \
        ", keyentry with lines lw 3 dt (4,3) lc rgb '#ff3030' title 'dashed: another q^* branch'"
  } else {
    elements = elements.sprintf(", line using 1:2 with %s lc rgb '#ff3030' title '%s'", \
        line_style, line_title)
  }
}
if (mark_optimum) {
  elements = elements. \
      ", optimum using 1:2 with points pt 5 ps 3.2*point_unit lc rgb 'white' notitle". \
      ", optimum using 1:2 with points pt 5 ps 2.2*point_unit lc rgb '#ff3030' title 'largest ξ_c overall'"
}
eval 'plot '.elements
