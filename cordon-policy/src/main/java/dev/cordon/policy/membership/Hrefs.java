package dev.cordon.policy.membership;

import java.util.Comparator;

/**
 * Orders hrefs the way people read them: runs of digits compare as numbers, so {@code sec_rules/2} comes before
 * {@code sec_rules/10}. Outputs sort by href so that the order of arrays in a document never changes them.
 */
public final class Hrefs {
    public static final Comparator<String> NATURAL = Hrefs::compare;

    private Hrefs() {}

    public static int compare(String a, String b) {
        if (a == null || b == null) return a == null ? (b == null ? 0 : -1) : 1;
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) i++;
                while (j < b.length() && Character.isDigit(b.charAt(j))) j++;
                // leading zeros do not count (one digit stays); compared in place, since entries of every policy
                // class sort by href and a regular expression per comparison was a hot spot of the full compile
                while (si < i - 1 && a.charAt(si) == '0') si++;
                while (sj < j - 1 && b.charAt(sj) == '0') sj++;
                int c = Integer.compare(i - si, j - sj);
                for (int k = 0; c == 0 && k < i - si; k++) c = Character.compare(a.charAt(si + k), b.charAt(sj + k));
                if (c != 0) return c;
            } else {
                if (ca != cb) return Character.compare(ca, cb);
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
