package dev.cordon.dataplane.nftables.read;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code nft -j list table} output, as nft 1.0.6 printed it for a Cordon table, parsed into the canonical form. */
class NftJsonTest {
    static final String LISTING = "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"json_schema_version\": 1}},"
            + " {\"table\": {\"family\": \"ip\", \"name\": \"cordon\", \"handle\": 2}},"
            + " {\"set\": {\"family\": \"ip\", \"name\": \"cordon-in-al-4\", \"table\": \"cordon\", \"type\": [\"ipv4_addr\", \"inet_proto\", \"inet_service\"], \"handle\": 4, \"flags\": [\"interval\"], \"elem\": [{\"concat\": [{\"prefix\": {\"addr\": \"10.1.0.0\", \"len\": 24}}, \"tcp\", 443]}, {\"concat\": [\"10.1.1.7\", \"udp\", 5000]}]}},"
            + " {\"set\": {\"family\": \"ip\", \"name\": \"cordon-sme-4\", \"table\": \"cordon\", \"type\": \"ipv4_addr\", \"handle\": 5, \"flags\": [\"interval\"]}},"
            + " {\"chain\": {\"family\": \"ip\", \"table\": \"cordon\", \"name\": \"CORDON-INPUT\", \"handle\": 1}},"
            + " {\"chain\": {\"family\": \"ip\", \"table\": \"cordon\", \"name\": \"filter-input\", \"handle\": 2, \"type\": \"filter\", \"hook\": \"input\", \"prio\": -5, \"policy\": \"accept\"}},"
            + " {\"rule\": {\"family\": \"ip\", \"table\": \"cordon\", \"chain\": \"CORDON-INPUT\", \"handle\": 6, \"expr\": [{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"iifname\"}}, \"right\": \"lo\"}}, {\"counter\": {\"packets\": 7, \"bytes\": 420}}, {\"accept\": null}]}},"
            + " {\"rule\": {\"family\": \"ip\", \"table\": \"cordon\", \"chain\": \"CORDON-INPUT\", \"handle\": 10, \"comment\": \"rule /orgs/1/sec_rules/4\", \"expr\": [{\"drop\": null}]}},"
            + " {\"rule\": {\"family\": \"ip\", \"table\": \"cordon\", \"chain\": \"filter-input\", \"handle\": 16, \"expr\": [{\"jump\": {\"target\": \"CORDON-INPUT\"}}]}}]}";

    @Test
    void chainsRulesAndSetsAreReadWithoutHandlesAndCounterValues() {
        LiveTable t = NftJson.parse(LISTING);
        assertThat(t.chains().get("filter-input").header()).isEqualTo("type filter hook input priority -5 policy accept");
        assertThat(t.chains().get("CORDON-INPUT").header()).isEqualTo("regular");
        assertThat(t.chains().get("CORDON-INPUT").rules()).containsExactly(
                "{\"expr\":[{\"match\":{\"op\":\"==\",\"left\":{\"meta\":{\"key\":\"iifname\"}},\"right\":\"lo\"}},{\"counter\":null},{\"accept\":null}]}",
                "{\"expr\":[{\"drop\":null}],\"comment\":\"rule /orgs/1/sec_rules/4\"}");
        assertThat(t.sets().get("cordon-in-al-4").type()).isEqualTo("ipv4_addr . inet_proto . inet_service");
        assertThat(t.sets().get("cordon-in-al-4").elements()).containsExactly("10.1.0.0/24 . tcp . 443", "10.1.1.7 . udp . 5000");
        assertThat(t.sets().get("cordon-sme-4").elements()).as("a full listing of an empty set").isEmpty();
        assertThat(NftJson.parse(LISTING, true).sets().get("cordon-in-al-4").elements()).as("terse: not listed").isNull();
        assertThat(NftJson.describe(t.chains().get("CORDON-INPUT").rules().get(1))).startsWith("comment \"rule /orgs/1/sec_rules/4\"");
    }
}
