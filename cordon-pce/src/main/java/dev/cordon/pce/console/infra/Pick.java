package dev.cordon.pce.console.infra;

/**
 * One object chosen in a picker, as the form carries it: {@code token} is {@code kind:href} (or {@code ip:address}),
 * {@code text} what the pill shows ({@code role=web}, a workload's name, an IP list's name), {@code key} the label key
 * (the pill's colour) or the kind for anything that is not a label.
 */
public record Pick(String token, String kind, String text, String key) {
    public static final java.util.List<String> KINDS = java.util.List.of("label", "label_group", "workload", "ip_list", "ip");
    /** "All workloads" ({@code {"actors": "ams"}}), offered by rule and receiver pickers. */
    public static final Pick ALL = new Pick("ams", "ams", "All workloads", "ams");

    /** The href (or address) the pick stands for; {@code ams} for All workloads. */
    public String value() {
        return token.substring(token.indexOf(':') + 1);
    }

    /** What the pill says before its text: nothing for labels, the kind for the rest. */
    public String prefix() {
        return switch (kind) {
            case "label", "ams" -> "";
            case "label_group" -> "group ";
            case "workload" -> "workload ";
            case "ip_list" -> "IP list ";
            case "service" -> "service ";
            default -> "IP ";
        };
    }

    /** One of eight colours, the same for every label of a key (so role=web and role=db look alike). */
    public int colour() {
        return Math.floorMod(key.hashCode(), 8);
    }
}
