package dev.cordon.pce.store;

/** Filters the API offers on collections; null fields do not filter. {@code name}/{@code hostname} match partially. */
public record Filter(String name, String hostname, String key, String value, String externalDataSet,
                     String externalDataReference) {
    public static final Filter NONE = new Filter(null, null, null, null, null, null);
}
