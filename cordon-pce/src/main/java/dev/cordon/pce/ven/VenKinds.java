package dev.cordon.pce.ven;

import dev.cordon.pce.core.Kind;

/**
 * The object kinds of the VEN side as the store names them: pairing profiles (an API kind with the usual CRUD),
 * and VENs, pairing keys and agent tokens, which only the VEN classes of this package write.
 */
public final class VenKinds {
    public static final Kind PAIRING_PROFILE =
            new Kind("pairing_profile", "pairing_profiles", PairingProfile.class, "pairing profile", false, false);
    public static final String VEN = "ven";
    static final String PAIRING_KEY = "pairing_key";
    static final String AGENT_TOKEN = "agent_token";

    private VenKinds() {}

    /** The org of a VEN href ({@code /orgs/<org>/vens/<uuid>}, also the prefix of its token and key hrefs). */
    static int orgOf(String href) {
        return Integer.parseInt(href.split("/")[2]);
    }
}
