package dev.cordon.dataplane.iptables.ipset;

import java.util.LinkedHashMap;
import java.util.Map;

/** What {@code ipset list -t} says about one set: its type and how many entries it holds. */
public record SetHeader(String name, String type, int entries) {

    /** Parses {@code ipset list -t} output (all sets) into headers by name, in printed order. */
    public static Map<String, SetHeader> parseList(String out) {
        Map<String, SetHeader> result = new LinkedHashMap<>();
        String name = null;
        String type = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("Name: ")) {
                name = line.substring(6).strip();
                type = null;
            } else if (line.startsWith("Type: ")) {
                type = line.substring(6).strip();
            } else if (line.startsWith("Number of entries: ") && name != null) {
                result.put(name, new SetHeader(name, type, Integer.parseInt(line.substring(19).strip())));
            }
        }
        return result;
    }
}
