package dev.cordon.dataplane.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CidrTest {
    @Test
    void printsLikeIpsetList() {
        assertThat(Cidr.parse("10.1.2.3/8")).hasToString("10.0.0.0/8");
        assertThat(Cidr.parse("10.1.2.3/32")).hasToString("10.1.2.3");
        assertThat(Cidr.parse("FD00:0:0:0:0:0:0:1")).hasToString("fd00::1");
        assertThat(Cidr.parse("2001:db8:0:1:0:0:0:0/64")).hasToString("2001:db8:0:1::/64");
        assertThat(Cidr.parse("1:0:1:0:0:1:0:1")).hasToString("1:0:1::1:0:1");
    }

    @Test
    void zeroPrefixSplitsIntoTwoHalves() {
        assertThat(Cidr.parse("0.0.0.0/0").ipsetBlocks()).extracting(Cidr::toString).containsExactly("0.0.0.0/1", "128.0.0.0/1");
        assertThat(Cidr.parse("::/0").ipsetBlocks()).extracting(Cidr::toString).containsExactly("::/1", "8000::/1");
    }

    @Test
    void rejectsGarbageNamingTheValue() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> Cidr.parse("example.com")).hasMessageContaining("example.com");
    }
}
