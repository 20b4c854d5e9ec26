package dev.cordon.pce.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(salt.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean matches(String salt, String secret, String expectedHash) {
        if (salt == null || secret == null || expectedHash == null) return false;
        return MessageDigest.isEqual(hash(salt, secret).getBytes(StandardCharsets.UTF_8),
                expectedHash.getBytes(StandardCharsets.UTF_8));
    }
}
