package dev.cordon.pce.console.pages;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.console.infra.ApiClient.Response;
import dev.cordon.pce.console.infra.Bodies;
import dev.cordon.pce.console.infra.Form;
import dev.cordon.pce.console.infra.Form.Field;
import dev.cordon.pce.console.infra.Page;
import dev.cordon.pce.console.infra.Req;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Operations › Pair a host: pick a pairing profile, get a fresh pairing key and the whole {@code cordon ven ...}
 * command to paste on the host (the PCE's address as this browser reaches it unless given), with a copy button.
 */
public final class Pairing {
    static final List<String> DATAPLANES = List.of("auto", "nftables", "iptables");
    private static final List<Field> FIELDS = List.of(Field.of("profile", "pairing_profile", "profile"),
            Field.of("pce", "pce"));
    /** What may stand in the command unquoted: a URL of plain characters (no shell metacharacters). */
    private static final Pattern URL = Pattern.compile("https?://[A-Za-z0-9.\\-\\[\\]:]+(:[0-9]{1,5})?/?");

    public void show(Req r) {
        Form f = r.form("pairing");
        render(r, f, null);
    }

    /** Generates a key from the chosen profile and shows the command that uses it. */
    public void generate(Req r) {
        Form f = r.form("pairing");
        String profile = r.param("profile");
        String pce = r.param("pce").isEmpty() ? address(r) : r.param("pce");
        if (!URL.matcher(pce).matches()) {
            f.error("pce", "'" + pce + "' is not a PCE address to paste: write https://HOST:PORT (the address the host reaches the PCE at).");
        }
        if (profile.isEmpty()) f.error("profile", "Choose the pairing profile whose labels and mode the host gets.");
        if (!f.hasErrors()) {
            Response key = r.api.post(r.key(), r.org("/pairing_profiles/" + Bodies.id(profile) + "/pairing_key"), Bodies.object());
            if (key.ok()) {
                render(r, f, command(pce.replaceAll("/$", ""), key.body().path("activation_code").asText(),
                        endpoint(r, profile), r.param("dataplane")));
                return;
            }
            f.errors(key.errors(), FIELDS);
        }
        r.invalid();
        render(r, f, null);
    }

    /** The command a host runs to pair, as one line of plain words (no quoting needed). */
    static String command(String pce, String code, boolean endpoint, String dataplane) {
        List<String> words = new ArrayList<>(List.of("sudo", "cordon", "ven", "--pce", pce, "--activation-code", code,
                "--state-dir", "/var/lib/cordon-ven"));
        if (endpoint) words.add("--endpoint");
        if (DATAPLANES.contains(dataplane) && !dataplane.equals("auto")) words.addAll(List.of("--dataplane", dataplane));
        return String.join(" ", words);
    }

    private static boolean endpoint(Req r, String profile) {
        Response p = r.api.get(r.key(), profile);
        return p.ok() && p.body().path("ven_type").asText().equals("endpoint");
    }

    /** The PCE as this browser reached it. */
    private static String address(Req r) {
        return r.ctx.scheme() + "://" + r.ctx.host();
    }

    private static void render(Req r, Form f, String command) {
        List<JsonNode> profiles = r.list(r.org("/pairing_profiles?max_results=100000"));
        Page p = r.page("Pair a host", "pairing").with("profiles", profiles).with("command", command)
                .with("pce", address(r)).with("dataplanes", DATAPLANES).form(f);
        r.render("pairing", p);
    }
}
