package dev.cordon.pce.policy;

import dev.cordon.policy.model.IpList;
import java.util.regex.Pattern;

/**
 * The href forms of policy objects: draft objects keep draft hrefs inside every provisioned version, and reads under
 * {@code sec_policy/active} or {@code sec_policy/N} rewrite {@code /sec_policy/draft/} to that version (SPEC §4).
 * Stateless.
 */
public final class PolicyHrefs {
    /** The built-in IP list every org has. */
    public static final String ANY_IP_LIST = IpList.ANY_NAME;
    /** The counter numbering every nested rule (sec_rules, deny_rules, ip_tables_rules) of an org. */
    public static final String RULE_COUNTER = "rule";
    private static final Pattern VERSION_SEGMENT = Pattern.compile("/sec_policy/(active|\\d+)/");

    private PolicyHrefs() {}

    public static String settingsHref(int org) {
        return "/orgs/" + org + "/sec_policy/draft/firewall_settings";
    }

    /** Rewrites draft hrefs to the version a client asked for (active or N). */
    public static String rewrite(String json, String pversion) {
        if (pversion.equals("draft")) return json;
        return json.replace("/sec_policy/draft/", "/sec_policy/" + pversion + "/");
    }

    /** Rewrites hrefs of any version to draft form (import, lookups under active/N). */
    public static String toDraft(String text) {
        return VERSION_SEGMENT.matcher(text).replaceAll("/sec_policy/draft/");
    }
}
