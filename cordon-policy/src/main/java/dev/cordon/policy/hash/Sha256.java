package dev.cordon.policy.hash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 as lower-case hex, the one way Cordon names content (policy hashes, address set digests, plan and
 * snapshot summaries, secret hashes, certificate fingerprints). Either in one call over a whole input, or fed in
 * parts ({@link #digest()}) when the input is built piece by piece and one big string would only cost memory.
 * An instance is not thread-safe and is used once.
 */
public final class Sha256 {
    private static final HexFormat HEX = HexFormat.of();
    private final MessageDigest md;

    private Sha256() {
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e); // every Java SE has it
        }
    }

    /** A digest to feed in parts. */
    public static Sha256 digest() {
        return new Sha256();
    }

    /** The whole digest of {@code bytes}: 64 hex digits. */
    public static String hex(byte[] bytes) {
        return digest().add(bytes).hex();
    }

    /** The whole digest of the UTF-8 encoding of {@code text}: 64 hex digits. */
    public static String hex(String text) {
        return hex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The first {@code bytes} bytes of the digest of the UTF-8 encoding of {@code text}: 2 × bytes hex digits. */
    public static String hex(String text, int bytes) {
        return digest().add(text.getBytes(StandardCharsets.UTF_8)).hex(bytes);
    }

    /** Feeds {@code bytes}; returns this digest. */
    public Sha256 add(byte[] bytes) {
        md.update(bytes);
        return this;
    }

    /** Feeds one byte (a separator); returns this digest. */
    public Sha256 add(byte b) {
        md.update(b);
        return this;
    }

    /** Ends the digest: 64 hex digits. */
    public String hex() {
        return HEX.formatHex(md.digest());
    }

    /** Ends the digest, keeping its first {@code bytes} bytes (1 to 32): 2 × bytes hex digits. */
    public String hex(int bytes) {
        if (bytes < 1 || bytes > 32) {
            throw new IllegalArgumentException("a SHA-256 prefix has 1 to 32 bytes, not " + bytes);
        }
        return HEX.formatHex(md.digest(), 0, bytes);
    }
}
