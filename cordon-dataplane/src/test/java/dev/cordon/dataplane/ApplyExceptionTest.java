package dev.cordon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The refused input line is found in the words of every restore tool. */
class ApplyExceptionTest {
    @Test
    void lineNumbersOfBothIptablesVariantsAndIpsetAreUnderstood() {
        assertThat(ApplyException.lineOf("iptables-restore: line 7 failed")).isEqualTo(7);
        assertThat(ApplyException.lineOf("Error occurred at line: 12")).isEqualTo(12);
        assertThat(ApplyException.lineOf("ipset v7.17: Error in line 4: Syntax error")).isEqualTo(4);
        assertThat(ApplyException.textOf("a\nb\nc\n", 2)).isEqualTo("b");
    }
}
