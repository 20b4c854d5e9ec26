package dev.cordon.pce.store;

import java.util.List;

/**
 * Filters the API offers on collections; null fields do not filter. {@code name}/{@code hostname} match partially,
 * {@code value} exactly (the uniqueness check's), {@code valuePart} partially (Illumio's label {@code value} filter);
 * {@code hrefs} keeps only those objects (Cordon's {@code href} filter: a page naming the labels it shows in one read).
 */
public record Filter(String name, String hostname, String key, String value, String externalDataSet,
                     String externalDataReference, String valuePart, List<String> hrefs) {
    public static final Filter NONE = new Filter(null, null, null, null, null, null);

    public Filter {
        hrefs = hrefs == null ? null : List.copyOf(hrefs);
    }

    public Filter(String name, String hostname, String key, String value, String externalDataSet,
                  String externalDataReference) {
        this(name, hostname, key, value, externalDataSet, externalDataReference, null, null);
    }
}
