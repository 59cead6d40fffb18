# SPDX-License-Identifier: MIT
# Compares the vesper and xen outputs of dump.c; nonzero exit on mismatch.
#
# Usage: awk -f compare.awk vesper.txt xen.txt
# Lines are "kind name value...". "list NAME" lines (ours only) name X-macro
# entries that must also appear as a compared constant.

FNR == 1 { side++ }

$1 == "list" { listed[$2] = 1; next }

{
    key = $1 " " $2
    val = $3
    for (i = 4; i <= NF; i++)
        val = val " " $i
    if (side == 1) {
        ours[key] = val
        order[++n] = key
    } else {
        xen[key] = val
    }
}

END {
    bad = 0
    for (i = 1; i <= n; i++) {
        k = order[i]
        if (!(k in xen)) {
            printf "abi-check: MISMATCH %s: vesper=%s, xen=<missing>\n", k, ours[k]
            bad++
        } else if (ours[k] != xen[k]) {
            printf "abi-check: MISMATCH %s: vesper=%s, xen=%s\n", k, ours[k], xen[k]
            bad++
        }
    }
    for (k in xen)
        if (!(k in ours)) {
            printf "abi-check: MISMATCH %s: vesper=<missing>, xen=%s\n", k, xen[k]
            bad++
        }
    for (name in listed)
        if (!(("const " name) in ours)) {
            printf "abi-check: %s is in our X-macro list but not in layout.def\n", name
            bad++
        }
    printf "abi-check: %d items compared, %d mismatches\n", n, bad
    exit bad != 0
}
