# SPDX-License-Identifier: GPL-3.0-or-later
# The Figure-2 reproduction of `qmf lmax`: log-log panels of 1 - chi_max and
# D~_opt (Lloyd-Max: the central threshold spacing) against N + 1 (with L_max = k xi_max on a right-hand axis), the exact
# points over fitted, published or high-resolution reference curves.
#
# Receives (gnuplot -e), besides format and output (style.gp):
#   rows        data file "N+1  1-chi_max  D~_opt [1-chi_c]" ('?' where D~ is undefined:
#               N = 2; the fourth column with sb2)
#   family      'uniform' or 'lloyd'
#   k           L_max = k xi_max
#   reference   'published' (the paper's fits), 'asymptotic' (high-resolution
#               limits, for N up to 10^6) or 'none'
#   fit_intercept, fit_slope                 optional: fit of ln(1 - chi_max)
#   dtilde_fit_intercept, dtilde_fit_slope   optional: fit of ln D~_opt
#   sb2         optional: sigma_b^2 > 0 of the fixed quantizer's 1 - chi_c (fourth column),
#               drawn beside the sigma_b = 0 points
#   weight_curves      the number of quantized-weight specs with per-example noise (0 without)
#   weights     with weight_curves > 0: data file of blocks "N+1 1-chi_max" (gnuplot's index),
#               one per such spec at sigma_b = 0
#   weights_sb2 with sb2 and weight_curves > 0: the same for the fixed quantizer, "N+1 1-chi_c"
#   weight_name_i, weight_r_i  the spec (without its rounding) and its noise ratio r, i = 1..
#   noiseless_weights  optional: the specs without per-example noise (r = 0), which only
#               rescale sigma_w^2 and lie on the Gaussian-weight points
#   clip_rows   optional (--optimise-clip): data file "N+1 1-chi_sup", the supremum over
#               (sigma_w^2, clip) of every bits:B spec and N at sigma_b = 0
#   clip_rows_sb2  optional (--optimise-clip with sb2): the same for the fixed quantizer
load 'style.gp'

set datafile missing '?'
if (!exists('weight_curves')) { weight_curves = 0 }
stats rows using 1:2 nooutput
x_lo = STATS_min_x
x_hi = STATS_max_x
y_lo = STATS_min_y
y_hi = STATS_max_y
if (exists('sb2')) {
  stats rows using 1:4 nooutput
  y_hi = (STATS_max_y > y_hi) ? STATS_max_y : y_hi
}
weight_files = (exists('weights_sb2') ? 'weights weights_sb2' : (weight_curves > 0 ? 'weights' : '')). \
    (exists('clip_rows') ? ' clip_rows' : '').(exists('clip_rows_sb2') ? ' clip_rows_sb2' : '')
do for [file in weight_files] {
  stats value(file) using 1:2 nooutput
  y_lo = (STATS_min_y < y_lo) ? STATS_min_y : y_lo
  y_hi = (STATS_max_y > y_hi) ? STATS_max_y : y_hi
}

set multiplot
family_name = (family eq 'lloyd') ? 'Lloyd–Max' : 'uniform'
bias_text = exists('sb2') ? sprintf('σ_b^2 = 0 and %g', sb2) : 'σ_b = 0'
set label 1 'Depth–quantization trade-off, '.family_name.' N-level activation, '.bias_text \
    at screen 0.5,0.965 center
# Quantized weights: a second title line says what r is, and that weights
# without per-example noise need no curve of their own.
quantized = weight_curves > 0 || exists('noiseless_weights')
noise_text = 'r: per-example weight noise / shared variance'
noise_text = noise_text.(exists('noiseless_weights') ? \
    '; r = 0 ('.noiseless_weights.'): on the Gaussian-weight points' : '')
if (quantized) {
  set label 2 noise_text at screen 0.5,0.915 center font sprintf(',%g', 0.75*font_size)
}
set logscale xy
set grid
set tics out nomirror
set format y '10^{%L}'
key_font = sprintf(",%g", 0.82*font_size)
# samplen 3.5: a shorter sample shows the dashed and dash-dot curves as one solid dash.
set key bottom left Left reverse width -8 samplen 3.5 spacing 1.1 font key_font
set bmargin at screen 0.12
set tmargin at screen (quantized ? 0.88 : 0.91)
# N + 1: a little beyond the data on both sides, in powers of ten.
set xrange [x_lo/1.3 : x_hi*1.3]
if (x_hi / x_lo >= 100) {
  set format x '10^{%L}'
} else {
  # Below two decades powers of ten would label one tick at most: labels at
  # 1 2 3 5 x 10^d, or at every mantissa but 9 within a factor of 4, where
  # fewer would leave one or two (9 collides with 10). From 10^4 on, as
  # m·10^d (%g would write 1e+06), wider: 1 2 5 only.
  x_mantissas = (x_hi / x_lo < 4) ? '1 2 3 4 5 6 7 8' : ((x_hi >= 1e4) ? '1 2 5' : '1 2 3 5')
  x_tics = ''
  do for [decade = floor(log10(x_lo/1.3)) : ceil(log10(x_hi*1.3))] {
    do for [m in x_mantissas] {
      x_tic = (m + 0) * 10.0**decade
      x_label = (decade >= 4) ? sprintf('%s·10^{%d}', m, decade) : sprintf('%g', x_tic)
      x_tics = x_tics.sprintf(", '%s' %.17g", x_label, x_tic)
    }
  }
  eval 'set xtics ('.x_tics[3:].')'
  set mxtics default
}
set xlabel 'number of levels + 1,  N + 1'

# Reference curves as plot elements (strings for eval). The published fits:
# Blumenfeld, Gilboa and Soudry 2019 (theory.md section 3). The leading-order
# high-resolution limits in N = x - 1: uniform, 1 - chi_max ~ (4/3) ln N / N^2
# and D~_opt ~ 4 sqrt(ln N) / N (Hui and Neuhoff); Lloyd-Max, 1 - chi_max ~
# (sqrt(3) pi / 2) / N^2 (Panter and Dite) and central spacing D~_opt ~ sqrt(6 pi) / N.
published = "dt (10,6) lw 2.5 lc rgb '#555555'"
# A short dash-dot (in units of the line width), so that the key's sample shows it too.
limit = "dt (12,6,2,6) lw 2.5 lc rgb '#2ca02c'"
fitted = "lw 2.5 lc rgb '#d62728'"
left_refs = ''
right_refs = ''
if (exists('fit_slope')) {
  left_refs = left_refs.sprintf("exp(fit_intercept) * x**fit_slope with lines %s title '%s', ", \
      fitted, sprintf('fit: %.4g (N+1)^{%.4f}', exp(fit_intercept), fit_slope))
}
if (exists('dtilde_fit_slope')) {
  right_refs = right_refs.sprintf("exp(dtilde_fit_intercept) * x**dtilde_fit_slope with lines %s title '%s', ", \
      fitted, sprintf('fit: %.4g (N+1)^{%.4f}', exp(dtilde_fit_intercept), dtilde_fit_slope))
}
# Each reference is drawn only where it holds: the paper's fits over its N + 1
# <= 1026, the large-N limits from N = 10 on (below N ~ 3 they bend over). A
# reference with nothing of that range on the axis is left out, key and all.
published_hi = 1026
limit_lo = 11
within(x, lo, hi) = (x >= lo && x <= hi) ? 1 : NaN
show_published = reference eq 'published' && x_lo <= published_hi
show_limit = reference eq 'asymptotic' && x_hi >= limit_lo
shown_reference = show_published || show_limit
if (show_published) {
  left_refs = left_refs."exp(0.7100) * x**(-1.8172) * within(x, 0, published_hi) with lines ".published. \
      " title 'published: 2.034 (N+1)^{-1.8172}', "
  right_refs = right_refs."exp(1.4025) * x**(-0.879) * within(x, 0, published_hi) with lines ".published. \
      " title 'published: 4.065 (N+1)^{-0.879}', "
}
if (show_limit && family eq 'lloyd') {
  left_refs = left_refs."(sqrt(3)*pi/2) / (x-1)**2 * within(x, limit_lo, 1e300) with lines ".limit. \
      " title 'Panter–Dite: (3^{1/2} π/2) / N^2', "
  right_refs = right_refs."sqrt(6*pi) / (x-1) * within(x, limit_lo, 1e300) with lines ".limit. \
      " title 'Panter–Dite: (6π)^{1/2} / N', "
}
if (show_limit && family ne 'lloyd') {
  left_refs = left_refs."(4.0/3) * log(x-1) / (x-1)**2 * within(x, limit_lo, 1e300) with lines ".limit. \
      " title 'Hui–Neuhoff: (4/3) ln N / N^2', "
  right_refs = right_refs."4 * sqrt(log(x-1)) / (x-1) * within(x, limit_lo, 1e300) with lines ".limit. \
      " title 'Hui–Neuhoff: 4 (ln N)^{1/2} / N', "
}
# The exact values on top (filled: the svg terminal draws the outlines of
# open points hairline-thin).
# With sb2 the sigma_b = 0 points are also the supremum over (sigma_w^2, D) at sb2.
exact_title = exists('sb2') ? 'σ_b = 0 (joint sup. at σ_b^2 > 0)' : 'exact (qmf)'
# With quantized weights the Gaussian ones say so, the joint supremum briefly.
exact_title = quantized ? 'Gaussian: '.(exists('sb2') ? 'σ_b = 0 (joint sup.)' : exact_title) : exact_title
# Quantized weights add key lines, which a smaller font keeps within the panel.
small_key_font = sprintf(",%g", 0.72*font_size)
if (quantized) { set key font small_key_font }
exact = "with points pt 7 ps 1.4*point_unit lc rgb '#1f77b4' title '".exact_title."'"
# The quantized-weight curves (per-example noise r > 0): 1 - chi_max(N, b) =
# (1 - chi_max(N) + r) / (1 + r) at sigma_b = 0, levelling off at r / (1 + r);
# dashed, in the same colour, the fixed quantizer with these weights at sb2.
weight_colours = "#9467bd #8c564b #e377c2 #17becf #bcbd22 #7f7f7f #393b79 #637939 #843c39"
weight_colour(i) = word(weight_colours, (i - 1) % 9 + 1)
weight_elements = ''
do for [i = 1:weight_curves] {
  weight_elements = weight_elements.sprintf( \
      ", weights index %d using 1:2 with linespoints pt 9 ps 1.1*point_unit lw 2 lc rgb '%s' title '%s'", \
      i - 1, weight_colour(i), \
      sprintf('%s, r = %.2g', value(sprintf('weight_name_%d', i)), value(sprintf('weight_r_%d', i))))
  if (exists('weights_sb2')) {
    weight_elements = weight_elements.sprintf( \
        ", weights_sb2 index %d using 1:2 with linespoints dt (10,6) pt 8 ps 1.1*point_unit lw 2 lc rgb '%s' notitle", \
        i - 1, weight_colour(i))
  }
}
if (weight_curves > 0 && exists('sb2')) {
  weight_elements = weight_elements. \
      ", keyentry with linespoints dt (10,6) pt 8 lw 2 lc rgb '#555555' title 'the same, quant:N fixed'"
}
# The supremum over (sigma_w^2, clip) (--optimise-clip): open rings around
# the Gaussian-weight points, where every spec's supremum lies.
if (exists('clip_rows')) {
  weight_elements = weight_elements. \
      ", clip_rows using 1:2 with points pt 6 ps 2.2*point_unit lw 1.5 lc rgb '#000000' title 'sup over (σ_w^2, clip), every spec'"
}
if (exists('clip_rows_sb2')) {
  weight_elements = weight_elements. \
      ", clip_rows_sb2 using 1:2 with points pt 4 ps 2.0*point_unit lw 1.5 lc rgb '#000000' title 'the same, quant:N fixed'"
}

# Left: 1 - chi_max over whole decades, and on the right-hand axis the
# trainable depth L_max = k xi_max = -k / ln(chi_max) it implies. gnuplot
# cannot link a nonlinear axis to a logarithmic one, so the L_max ticks are
# placed by hand at y = 1 - exp(-k / L) on a copy of the left axis.
set lmargin at screen 0.115
set rmargin at screen 0.41
data_lo = y_lo
y_lo = 10.0**floor(log10(y_lo/3))
y_hi = 10.0**ceil(log10(y_hi*3))
y_hi = (y_hi > 1) ? 1.0 : y_hi
# Room below the data for the key (bottom left, about 5 % of the plot's
# height per line), so that the lowest point stays above it wherever it lies.
key_lines = shown_reference + exists('fit_slope') + 1 + exists('sb2') + weight_curves + \
    (weight_curves > 0 && exists('sb2')) + exists('clip_rows') + exists('clip_rows_sb2')
key_share = 0.05*key_lines + 0.05
y_lo_key = 10.0**floor((log10(data_lo) - key_share*log10(y_hi)) / (1 - key_share))
y_lo = (y_lo_key < y_lo) ? y_lo_key : y_lo
set yrange [y_lo:y_hi]
set y2range [y_lo:y_hi]
set logscale y2
# 1 - exp(-a), accurate also where a is tiny (gnuplot has no expm1).
one_minus_exp(a) = (a < 1e-4) ? a*(1 - a/2 + a*a/6) : 1 - exp(-a)
decades = 0  # of L_max within the axis
do for [d = 0:15] {
  y = one_minus_exp(k / 10.0**d)
  if (y >= y_lo && y <= y_hi) { decades = decades + 1 }
}
stride = (decades + 6) / 7  # at most seven labels
tics = ''
shown = 0
# Near L = k the decades bunch up (1 - exp(-k/L) -> 1): a label closer than
# 0.4 decades of the left axis to the next one would overlap it, so the top
# one (L = 1 at k = 6) is left out.
apart(d) = log10(one_minus_exp(k / 10.0**d)) - log10(one_minus_exp(k / 10.0**(d + 1))) >= 0.4
do for [d = 0:15] {
  y = one_minus_exp(k / 10.0**d)
  if (y >= y_lo && y <= y_hi && apart(d)) {
    if (shown % stride == 0) {
      tics = tics.sprintf("%s'10^{%d}' %.17g", (tics eq '') ? '' : ', ', d, y)
    }
    shown = shown + 1
  }
}
eval 'set y2tics out nomirror ('.tics.')'
set ylabel exists('sb2') ? '1 − χ_{max} (σ_b = 0),  1 − χ_c (σ_b^2 > 0)' : '1 − χ_{max}'
set y2label sprintf('L_{max} = %g ξ_{max} (layers)', k)
if (exists('sb2')) {
  # With quantized weights (a smaller key font, longer key) the title's sigma_b^2 suffices.
  biased = sprintf("rows using 1:4 with points pt 5 ps 1.2*point_unit lc rgb '#ff7f0e' title '%s'", \
      quantized ? 'Gaussian: quant:N fixed' : sprintf('quant:N fixed, σ_b^2 = %g', sb2))
  eval 'plot '.left_refs."rows using 1:2 ".exact.", ".biased.weight_elements
} else {
  eval 'plot '.left_refs."rows using 1:2 ".exact.weight_elements
}

# Right: the optimal threshold spacing in units of sqrt(q*).
unset y2label
unset y2tics
set autoscale y
unset label 1
unset label 2
set lmargin at screen 0.66
set rmargin at screen 0.96
# Lloyd–Max thresholds are not optimised for depth: the panel shows the
# spacing of the two central ones, at the sigma_w^2 of chi_max.
set ylabel (family eq 'lloyd') ? 'central spacing D̃ = D / √q^*' : 'optimal spacing D̃_{opt} = D / √q^*'
# At sigma_b = 0 quantized weights keep the Gaussian maximiser, and so D~_opt.
exact = "with points pt 7 ps 1.4*point_unit lc rgb '#1f77b4' title '".(exists('sb2') ? 'σ_b = 0' : 'exact (qmf)'). \
    (quantized ? ', every weight spec' : '')."'"
eval 'plot '.right_refs."rows using 1:3 ".exact
unset multiplot
