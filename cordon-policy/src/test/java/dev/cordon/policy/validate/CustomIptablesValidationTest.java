package dev.cordon.policy.validate;

import static dev.cordon.policy.validate.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.policy.model.Actor;
import dev.cordon.policy.model.IpTablesRule;
import dev.cordon.policy.model.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Custom iptables rules (SPEC §3): every message names the rule set, the rule and the statement. */
class CustomIptablesValidationTest {
    private static ValidationError unsupported(String table, String chain, String params) {
        return error(withStatement(table, chain, params), "unsupported_iptables_token");
    }

    @Test
    void rawTableIsRejectedNamingRuleSetRuleAndStatement() {
        assertThat(error(withStatement("raw", "OUTPUT", "-p udp --dport 53 -j CT --notrack"), "invalid_iptables_table")
                .message()).isEqualTo("Rule set 'app' (" + RS + "), custom iptables rule " + CUSTOM + ", statement"
                + " '-t raw -A OUTPUT -p udp --dport 53 -j CT --notrack': table 'raw' is not allowed; use mangle, nat"
                + " or filter.");
    }

    @Test
    void chainOutsideTheMatrixIsRejected() {
        assertThat(error(withStatement("nat", "INPUT", "-p tcp -j ACCEPT"), "invalid_iptables_chain").message())
                .contains("chain 'INPUT'").contains("-t nat -A INPUT").contains("OUTPUT, POSTROUTING, PREROUTING");
        assertThat(errors(withStatement("filter", "PREROUTING", "-j ACCEPT"), "invalid_iptables_chain")).hasSize(1);
        assertThat(errors(withStatement("mangle", "CORDON-INPUT", "-j ACCEPT"), "invalid_iptables_chain")).hasSize(1);
    }

    @Test
    void everyChainOfTheMatrixIsAccepted() {
        for (String chain : List.of("PREROUTING", "INPUT", "OUTPUT", "FORWARD", "POSTROUTING")) {
            assertValid(withStatement("mangle", chain, "-p tcp -j MARK --set-mark 1"));
        }
        for (String chain : List.of("PREROUTING", "OUTPUT", "POSTROUTING")) {
            assertValid(withStatement("nat", chain, "-p tcp --dport 80 -j REDIRECT --to-ports 8080"));
        }
        for (String chain : List.of("INPUT", "OUTPUT", "FORWARD")) {
            assertValid(withStatement("filter", chain, "-p tcp --dport 8080 -m conntrack --ctstate NEW -j ACCEPT"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-j CORDON-INPUT", "-j cordon-in", "-g Cordon-X", "-jCORDON-INPUT", "--jump=CORDON-OUT"})
    void jumpToAChainOwnedByCordonIsRejected(String params) {
        assertThat(unsupported("filter", "INPUT", "-p tcp " + params).message()).contains("owned by Cordon")
                .contains(CUSTOM).contains("'-t filter -A INPUT -p tcp " + params + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-m set --match-set x src", "--match-set x src", "-mset", "--match set", "-j SET --add-set x src"})
    void ipsetMatchIsRejected(String params) {
        assertThat(unsupported("filter", "INPUT", params + " -j ACCEPT").message()).contains("ipset");
    }

    @Test
    void oneReasonIsReportedOncePerStatement() {
        assertThat(errors(withStatement("filter", "INPUT", "-m set --match-set x src -j ACCEPT"),
                "unsupported_iptables_token")).hasSize(1);
    }

    @Test
    void semicolonIsRejected() {
        assertThat(unsupported("filter", "INPUT", "-p tcp -j ACCEPT; iptables -F").message()).contains("semicolon");
    }

    @Test
    void lineBreakIsRejected() {
        assertThat(unsupported("filter", "INPUT", "-p tcp -j ACCEPT\nCOMMIT").message()).contains("line break");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-A", "-I", "-D", "-F", "-X", "-N", "-P", "-R", "-Z", "-E", "--append", "--insert",
            "--delete", "--flush", "--delete-chain", "--new-chain", "--policy", "--replace", "--zero", "--rename-chain",
            "-vI"})
    void commandOtherThanTheImplicitAppendIsRejected(String command) {
        assertThat(unsupported("filter", "INPUT", command + " INPUT -j ACCEPT").message())
                .contains("'" + command + "' is not allowed").contains("Rule set 'app'");
    }

    @Test
    void tableSwitchInsideParametersIsRejected() {
        assertThat(unsupported("filter", "INPUT", "-t raw -j ACCEPT").message()).contains("table_name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-j DROP", "--jump DROP", "--jump=DROP", "-jDROP"})
    void dropInTheNatTableIsRejected(String target) {
        assertThat(error(withStatement("nat", "PREROUTING", "-p tcp --dport 25 " + target), "drop_in_nat_table")
                .message()).contains("-t nat -A PREROUTING").contains("filter table");
    }

    @Test
    void dropInTheFilterTableIsAccepted() {
        assertValid(withStatement("filter", "INPUT", "-p tcp --dport 25 -j DROP"));
    }

    @Test
    void emptyParametersAreRejected() {
        assertThat(error(withStatement("filter", "INPUT", " "), "iptables_parameters_required").message())
                .contains(CUSTOM);
    }

    @Test
    void emptyStatementsAreRejected() {
        assertThat(error(withCustomRule(IpTablesRule.of(CUSTOM, List.of(Actor.ams()), "4", List.of())),
                "statements_required").message()).contains(CUSTOM).contains("Rule set 'app'");
    }

    @Test
    void ipVersionMustBeFourOrSix() {
        assertThat(error(withCustomRule(IpTablesRule.of(CUSTOM, List.of(Actor.ams()), "5",
                List.of(new Statement("filter", "INPUT", "-j ACCEPT")))), "invalid_ip_version").message())
                .contains("'5'").contains(CUSTOM);
    }

    @Test
    void workloadOrIpListReceiversAreRejected() {
        IpTablesRule r = IpTablesRule.of(CUSTOM, List.of(Actor.workload(WL), Actor.ipList(ANY)), "4",
                List.of(new Statement("filter", "INPUT", "-j ACCEPT")));
        assertThat(errors(withCustomRule(r), "invalid_receiver")).hasSize(2)
                .allSatisfy(e -> assertThat(e.message()).contains(CUSTOM).contains("receivers"));
    }

    @Test
    void emptyReceiversAreRejected() {
        assertThat(error(withCustomRule(IpTablesRule.of(CUSTOM, List.of(), "6",
                List.of(new Statement("filter", "INPUT", "-j ACCEPT")))), "receivers_required").message()).contains(CUSTOM);
    }

    @Test
    void amsReceiversBesideIncludedLabelsAreAmbiguous() {
        assertThat(error(withCustomRule(IpTablesRule.of(CUSTOM, List.of(Actor.ams(), Actor.label(WEB)), "4",
                List.of(new Statement("filter", "INPUT", "-j ACCEPT")))), "ams_with_labels").message()).contains(CUSTOM);
    }

    @Test
    void labelReceiversWithExclusionsAreAccepted() {
        assertValid(withCustomRule(IpTablesRule.of(CUSTOM, List.of(Actor.label(PROD), Actor.labelGroupExcluded(TIERS)),
                "6", List.of(new Statement("filter", "INPUT", "-p tcp --dport 22 -s fd00::/8 -j ACCEPT")))));
    }

    @Test
    void everyBadStatementOfARuleIsReported() {
        IpTablesRule r = IpTablesRule.of(CUSTOM, List.of(Actor.ams()), "4", List.of(
                new Statement("raw", "OUTPUT", "-j CT --notrack"), new Statement("filter", "INPUT", "-j CORDON-INPUT"),
                new Statement("nat", "OUTPUT", "-j DROP")));
        assertThat(Validator.validate(withCustomRule(r))).extracting(ValidationError::token)
                .containsExactly("invalid_iptables_table", "unsupported_iptables_token", "drop_in_nat_table");
    }
}
