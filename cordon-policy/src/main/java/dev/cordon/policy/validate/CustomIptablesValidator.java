package dev.cordon.policy.validate;

import dev.cordon.policy.model.IpTablesRule;
import dev.cordon.policy.model.Statement;

/**
 * Custom iptables rules of a rule set (SPEC §3): receivers, an IP version, and statements, each checked by
 * {@link StatementRules}. Every problem names the rule set, the rule and the statement's text as written.
 */
final class CustomIptablesValidator {
    private final ActorValidator actors;
    private final Findings out;

    CustomIptablesValidator(ActorValidator actors, Findings out) {
        this.actors = actors;
        this.out = out;
    }

    void check(Subject rule, IpTablesRule r) {
        actors.receivers(rule, r.actorsOrEmpty());
        if (!"4".equals(r.ipVersion()) && !"6".equals(r.ipVersion())) {
            out.add(rule, "invalid_ip_version", "ip_version '" + r.ipVersion() + "' is not allowed; use \"4\" or"
                    + " \"6\"");
        }
        if (r.statementsOrEmpty().isEmpty()) {
            out.add(rule, "statements_required", "statements is empty; give at least one {table_name, chain_name,"
                    + " parameters}");
        }
        for (Statement s : r.statementsOrEmpty()) {
            Subject where = rule.then("statement '" + s.display() + "'");
            for (StatementRules.Problem p : StatementRules.check(s.tableName(), s.chainName(), s.parameters())) {
                out.add(where, p.token(), p.reason());
            }
        }
    }
}
