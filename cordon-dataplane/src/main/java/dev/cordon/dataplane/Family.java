package dev.cordon.dataplane;

/** An IP family: how Cordon's names and sets are suffixed and how it is shown to people. */
public enum Family {
    V4("4", "IPv4"), V6("6", "IPv6");

    private final String suffix;
    private final String display;

    Family(String suffix, String display) {
        this.suffix = suffix;
        this.display = display;
    }

    /** "4" or "6", used in set names. */
    public String suffix() {
        return suffix;
    }

    public String display() {
        return display;
    }

    public static Family of(String address) {
        return address.indexOf(':') >= 0 ? V6 : V4;
    }
}
