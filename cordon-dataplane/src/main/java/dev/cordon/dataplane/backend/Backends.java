package dev.cordon.dataplane.backend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.dataplane.AppliedState;
import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.exec.CommandRunner;
import dev.cordon.dataplane.iptables.IptablesDataplane;
import dev.cordon.dataplane.iptables.snapshot.IptablesSnapshot;
import dev.cordon.dataplane.nftables.NftablesDataplane;
import dev.cordon.dataplane.nftables.snapshot.NftSnapshot;
import dev.cordon.policy.json.PolicyJson;
import java.util.Locale;

/**
 * The one place that knows which dataplane backends exist: it picks the implementation of {@link Dataplane} for a
 * host and reads and writes applied snapshots in the JSON form a VEN persists. Two backends exist: iptables (with
 * ipset) and native nftables; {@link Choice} is what {@code --dataplane auto|nftables|iptables} parses. The dataplane
 * it creates removes the other backend's state before its first apply ({@link BackendSwitch}), so switching
 * backends never leaves two Cordons in the kernel.
 *
 * <p>Snapshot JSON is the backend's own value with a leading {@code "backend"} field. Snapshots written before the
 * backend was named have no such field and are iptables snapshots.
 */
public final class Backends {
    private static final ObjectMapper JSON = PolicyJson.mapper();

    private Backends() {}

    /** Which backend to use. */
    public enum Choice {
        /** nftables where {@code nft} runs and the kernel takes Cordon's tables ({@link #resolve}), else iptables. */
        AUTO,
        /** iptables and ipset, in either iptables variant (nf_tables or legacy). */
        IPTABLES,
        /** Native nftables: Cordon's own {@code ip cordon} and {@code ip6 cordon} tables, one transaction per apply. */
        NFTABLES;

        /** Parses "auto", "iptables" or "nftables"; the message lists the known names. */
        public static Choice parse(String s) {
            for (Choice c : values()) if (c.name().equalsIgnoreCase(s)) return c;
            throw new IllegalArgumentException("dataplane backend '" + s + "' is not known: use auto, nftables or iptables");
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The dataplane for the network stack {@code runner} reaches, with the best backend there. */
    public static Dataplane create(CommandRunner runner) {
        return create(runner, Choice.AUTO);
    }

    /** The dataplane for the network stack {@code runner} reaches, with the chosen backend. */
    public static Dataplane create(CommandRunner runner, Choice choice) {
        return switch (resolve(runner, choice)) {
            case NFTABLES -> new BackendSwitch(new NftablesDataplane(runner), new IptablesDataplane(runner));
            case AUTO, IPTABLES -> new BackendSwitch(new IptablesDataplane(runner), new NftablesDataplane(runner));
        };
    }

    /**
     * The backend {@code choice} means where {@code runner} works: AUTO probes for nftables (nothing is committed).
     * Docker hosts too: both backends judge a Docker-published port by the host's policy (docs/design/dataplane.md,
     * "Docker and published ports").
     */
    public static Choice resolve(CommandRunner runner, Choice choice) {
        if (choice != Choice.AUTO) return choice;
        return NftablesDataplane.supported(runner) ? Choice.NFTABLES : Choice.IPTABLES;
    }

    /** The snapshot as JSON, its backend named first. */
    public static String toJson(AppliedState s) {
        ObjectNode out = JSON.createObjectNode().put("backend", s.backend());
        out.setAll((ObjectNode) JSON.valueToTree(s));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the applied snapshot", e);
        }
    }

    /**
     * Reads a snapshot written by {@link #toJson} or by a VEN from before backends were named.
     *
     * @throws IllegalArgumentException when the text is not a snapshot or names an unknown backend
     */
    public static AppliedState fromJson(String json) {
        try {
            JsonNode tree = JSON.readTree(json);
            if (!(tree instanceof ObjectNode o)) throw new IllegalArgumentException("an applied snapshot is a JSON object");
            JsonNode b = o.remove("backend");
            String backend = b == null || b.isNull() ? IptablesSnapshot.BACKEND : b.asText();
            return switch (backend) {
                case IptablesSnapshot.BACKEND -> JSON.treeToValue(o, IptablesSnapshot.class);
                case NftSnapshot.BACKEND -> JSON.treeToValue(o, NftSnapshot.class);
                default -> throw new IllegalArgumentException("the applied snapshot names backend '" + backend
                        + "', which this Cordon does not have (it has iptables and nftables)");
            };
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot read the applied snapshot: " + e.getOriginalMessage(), e);
        }
    }
}
