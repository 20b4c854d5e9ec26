package dev.cordon.dataplane.foreign;

import dev.cordon.dataplane.DataplaneException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cordon.dataplane.CoexistenceIssue;
import dev.cordon.policy.compile.Coexistence;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoexistenceLimitsTest {
    private static final NftTableId DISTRO = new NftTableId("inet", "distro");
    private static final NftTableId FILTER = new NftTableId("ip", "filter");

    private static NftBaseChain chain(NftTableId t, String hook, int prio) {
        return new NftBaseChain(t, hook, "filter", hook, prio);
    }

    @Test
    void exclusiveIsImpossibleOnlyWithATableOwnedByAnotherProcess() {
        List<CoexistenceIssue> issues = CoexistenceLimits.of(Coexistence.EXCLUSIVE, -5,
                List.of(DISTRO, FILTER, new NftTableId("inet", "firewalld", true), new NftTableId("ip", "cordon")), List.of());
        assertThat(issues).extracting(CoexistenceIssue::type).containsExactly(CoexistenceLimits.EXCLUSIVE);
        assertThat(issues.get(0).severity()).isEqualTo("error");
        assertThat(issues.get(0).message()).contains("inet firewalld", "flags owner", "coexistence");
    }

    @Test
    void primaryNamesNativeFilterChainsBeforeCordonAndThoseBeforeConntrack() {
        List<CoexistenceIssue> issues = CoexistenceLimits.of(Coexistence.PRIMARY, -5, List.of(), List.of(
                chain(DISTRO, "input", 0), chain(DISTRO, "forward", -50), chain(DISTRO, "output", -300),
                chain(DISTRO, "prerouting", -400), chain(FILTER, "input", -150)));
        assertThat(issues).extracting(CoexistenceIssue::type).containsOnly(CoexistenceLimits.PRIMARY).hasSize(2);
        assertThat(issues.get(0).message()).contains("inet distro forward", "priority -50", "before Cordon's");
        assertThat(issues.get(1).message()).contains("priority -300", "connection tracking");
        assertThat(issues).extracting(CoexistenceIssue::severity).containsOnly("warning");
    }

    @Test
    void notPrimaryNamesEachNativeFilterTableOnce() {
        List<CoexistenceIssue> issues = CoexistenceLimits.of(Coexistence.NOT_PRIMARY, 20, List.of(), List.of(
                chain(DISTRO, "input", 0), chain(DISTRO, "output", 0), chain(FILTER, "input", 0),
                new NftBaseChain(new NftTableId("ip", "natty"), "pre", "nat", "prerouting", -100)));
        assertThat(issues).hasSize(1);
        assertThat(issues.get(0).type()).isEqualTo(CoexistenceLimits.NOT_PRIMARY);
        assertThat(issues.get(0).message()).contains("inet distro", "input 0, output 0", "both");
    }

    @Test
    void listingsAreParsedWithOwnershipAndHooks() {
        assertThat(NativeTables.parseTables("{\"nftables\":[{\"metainfo\":{}},{\"table\":{\"family\":\"inet\",\"name\":\"a\","
                + "\"handle\":1,\"flags\":\"owner\"}},{\"table\":{\"family\":\"ip\",\"name\":\"b\",\"handle\":2,"
                + "\"flags\":[\"owner\",\"persist\"]}},{\"table\":{\"family\":\"ip\",\"name\":\"c\",\"handle\":3}}]}"))
                .extracting(NftTableId::owned).containsExactly(true, true, false);
        assertThat(NativeTables.parseBaseChains("{\"nftables\":[{\"chain\":{\"family\":\"inet\",\"table\":\"distro\","
                + "\"name\":\"input\",\"handle\":1,\"type\":\"filter\",\"hook\":\"input\",\"prio\":-50,\"policy\":\"accept\"}},"
                + "{\"chain\":{\"family\":\"inet\",\"table\":\"distro\",\"name\":\"helper\",\"handle\":2}}]}"))
                .containsExactly(new NftBaseChain(DISTRO, "input", "filter", "input", -50));
    }

    /** nft 1.0.6 can print a flagged table's flags as arbitrary bytes: the text listing is the fallback. */
    @Test
    void unreadableJsonFallsBackToTheTextListingWhereEveryForeignTableMayBeOwned() {
        assertThatThrownBy(() -> NativeTables.parseTables("{\"nftables\":[{\"table\":{\"family\":\"inet\",\"name\":"
                + "\"owned\",\"handle\":1,\"flags\":\"\u0001\"\u0002}}]}")).isInstanceOf(DataplaneException.class);
        assertThat(NativeTables.parseTextTables("table ip cordon\ntable inet owned\ntable ip6 cordon\n\n"))
                .containsExactly(new NftTableId("ip", "cordon", false), new NftTableId("inet", "owned", true),
                        new NftTableId("ip6", "cordon", false));
    }
}
