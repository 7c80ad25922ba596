# SPDX-License-Identifier: GPL-3.0-or-later
# The look shared by every qmf figure; each figure script loads it first.
#
# Receives (gnuplot -e): format = 'png', 'svg' or 'pdf', and output, the file to write.
# Defines, for the figure scripts:
#   font_size   the base font size of the terminal (points);
#   point_unit  the unit of point sizes (`ps 2*point_unit`): the svg terminal
#               has no pointscale, so sizes must be relative to it.
# Scripts give font sizes relative to font_size (`sprintf(',%g', 0.8*font_size)`)
# and point sizes in point_unit, so that the three formats look alike.
#
# One look in every format: the PDF (8 in wide) is the PNG at another
# resolution. gnuplot's terminals disagree on what a size means, so the PDF's
# font, line width and point size were measured against pngcairo (gnuplot
# 5.4): pdfcairo draws text at half and lines at 0.55 of the nominal size. The
# svg terminal draws points 2.84 times as large as pngcairo, and text at 0.76
# (pixels, not points); its text stays at the nominal size, because gnuplot
# lays out an svg page by that size.
if (format eq 'png') {
  set terminal pngcairo enhanced size 1600,1000 font 'DejaVu Sans,22' linewidth 2
  font_size = 22
  point_unit = 1.0
} else {
  if (format eq 'svg') {
    set terminal svg enhanced size 1600,1000 font 'DejaVu Sans,22' linewidth 1.8 \
        background rgb 'white'
    font_size = 22
    point_unit = 1.0 / 2.84
  } else {
    if (format eq 'pdf') {
      set terminal pdfcairo enhanced size 8in,5in font 'DejaVu Sans,15.8' linewidth 1.3
      font_size = 15.8
      point_unit = 0.36
    } else {
      print 'style.gp: unknown format ', format
      exit status 1
    }
  }
}
set output output
set pointsize point_unit

# Colours for curves told apart by colour only (colour-blind safe, Dark2).
curve_colours = '#1b9e77 #d95f02 #7570b3 #e7298a #66a61e #e6ab02'
curve_colour(k) = word(curve_colours, k % words(curve_colours) + 1)
