package dev.cordon.policy.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The helper gives the standard digest, whole, in parts or as a prefix, so every content name stays as it was. */
class Sha256Test {
    // FIPS 180-2, appendix B.1
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void theWholeDigestIsTheStandardOneInLowerCaseHex() {
        assertThat(Sha256.hex("abc")).isEqualTo(ABC);
        assertThat(Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ABC);
        assertThat(Sha256.hex("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void textIsHashedAsUtf8() {
        assertThat(Sha256.hex("é")).isEqualTo(Sha256.hex(new byte[] {(byte) 0xc3, (byte) 0xa9}));
    }

    @Test
    void aDigestFedInPartsEqualsTheDigestOfTheWhole() {
        Sha256 parts = Sha256.digest().add("a".getBytes(StandardCharsets.UTF_8)).add((byte) 'b');
        assertThat(parts.add("c".getBytes(StandardCharsets.UTF_8)).hex()).isEqualTo(ABC);
    }

    @Test
    void aPrefixKeepsTheFirstBytes() {
        assertThat(Sha256.hex("abc", 16)).isEqualTo(ABC.substring(0, 32));
        assertThat(Sha256.digest().add("abc".getBytes(StandardCharsets.UTF_8)).hex(12)).isEqualTo(ABC.substring(0, 24));
        assertThat(Sha256.hex("abc", 32)).isEqualTo(ABC);
        assertThatThrownBy(() -> Sha256.hex("abc", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sha256.hex("abc", 33)).isInstanceOf(IllegalArgumentException.class);
    }
}
