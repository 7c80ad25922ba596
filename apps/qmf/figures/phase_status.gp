# SPDX-License-Identifier: GPL-3.0-or-later
# How the phase figures (phase.gp, phase_sweep.gp) mark grid cells without a
# usable fixed point: opaque greys where the length map has no finite fixed
# point (nothing to colour); hatching where several stable ones coexist, so
# that the colour beneath (the fixed point reached from q0 = 1) stays visible;
# black cross-hatching on white where xi_c is infinite (chi_c = 1 exactly), a
# value no colour of the scale stands for.
# Defines, for status s in status_names, status_fill(s) (the cells over the
# heat map), status_band(s) (the same over a white plot), status_key(s) (the
# key, where white hatching would not show) and status_meaning(s).
status_names = 'collapsed diverged failed multistable infinite'
status_fill(s) = (s eq 'collapsed') ? "lc rgb '#aaaaaa' fs solid 1 noborder" : \
                 (s eq 'diverged') ? "lc rgb '#5a5a5a' fs solid 1 noborder" : \
                 (s eq 'failed') ? "lc rgb 'black' fs solid 1 noborder" : \
                 (s eq 'infinite') ? "lc rgb 'black' fs pattern 1 noborder" : \
                 "lc rgb 'white' fs transparent pattern 5 noborder"
status_key(s) = (s eq 'multistable') ? "lc rgb 'gray30' fs pattern 5 border lc rgb 'gray30'" : \
                (s eq 'infinite') ? "lc rgb 'black' fs pattern 1 border lc rgb 'black'" : \
                status_fill(s)
status_band(s) = (s eq 'multistable') ? "lc rgb 'gray30' fs transparent pattern 5 noborder" : \
                 status_fill(s)
status_meaning(s) = (s eq 'collapsed') ? 'q^* → 0 (collapse)' : \
                    (s eq 'diverged') ? 'q^* → ∞' : \
                    (s eq 'failed') ? 'no fixed point found' : \
                    (s eq 'infinite') ? 'ξ_c = ∞ (χ_c = 1)' : 'several stable q^*'
