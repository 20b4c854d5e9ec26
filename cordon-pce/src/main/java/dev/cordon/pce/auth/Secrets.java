package dev.cordon.pce.auth;

import dev.cordon.policy.hash.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Secrets (API key secrets, agent tokens, activation codes) are 32 random bytes shown once and stored only as a
 * salted SHA-256. A slow KDF protects guessable passwords; these secrets are not guessable, and a fast hash keeps
 * per-request authentication of thousands of VENs cheap. Comparisons are constant-time.
 */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    public static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public static String hash(String salt, String secret) {
        return Sha256.digest().add(salt.getBytes(StandardCharsets.UTF_8)).add((byte) 0)
                .add(secret.getBytes(StandardCharsets.UTF_8)).hex();
    }

    public static boolean matches(String salt, String secret, String expectedHash) {
        if (salt == null || secret == null || expectedHash == null) return false;
        return MessageDigest.isEqual(hash(salt, secret).getBytes(StandardCharsets.UTF_8),
                expectedHash.getBytes(StandardCharsets.UTF_8));
    }
}
