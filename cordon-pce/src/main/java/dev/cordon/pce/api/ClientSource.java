package dev.cordon.pce.api;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The source address a request is counted under by the throttles. The console reaches the API over loopback for
 * its browsers, so without help every console sign-in would come from 127.0.0.1 and one guesser could lock every
 * console user out: the console therefore names its browser's address in {@value #CLIENT}, and proves it is the
 * console with {@value #SECRET}, a random value (128 bits) made at each start and shared in-process only; the
 * console sends it to its own PCE only (loopback, or this node's address over TLS). Only a request with that proof is
 * believed; any other request is its own TCP peer. Immutable.
 */
public final class ClientSource {
    public static final String SECRET = "X-Cordon-Console";
    public static final String CLIENT = "X-Cordon-Console-Client";
    private final byte[] secret;

    public ClientSource(String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    public String of(Context ctx) {
        String peer = ctx.ip();
        String client = ctx.header(CLIENT);
        String proof = ctx.header(SECRET);
        if (client == null || proof == null) return peer;
        if (!MessageDigest.isEqual(secret, proof.getBytes(StandardCharsets.UTF_8))) return peer;
        if (!new inet.ipaddr.IPAddressString(client).isIPAddress()) return peer;
        return client;
    }
}
