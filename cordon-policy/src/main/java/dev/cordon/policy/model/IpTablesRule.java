package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A custom iptables rule: statements applied to the receivers ({@code actors}) in the rule set's scope. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IpTablesRule(String href, Boolean enabled, String description, List<Actor> actors, String ipVersion,
                           List<Statement> statements, String externalDataSet, String externalDataReference,
                           String createdAt, String updatedAt, Ref createdBy, Ref updatedBy) {
    public IpTablesRule {
        actors = Lists.copy(actors);
        statements = Lists.copy(statements);
    }

    public static IpTablesRule of(String href, List<Actor> actors, String ipVersion, List<Statement> statements) {
        return new IpTablesRule(href, true, null, actors, ipVersion, statements, null, null, null, null, null, null);
    }

    public boolean isEnabled() {
        return enabled == null || enabled;
    }

    public List<Actor> actorsOrEmpty() {
        return Lists.orEmpty(actors);
    }

    public List<Statement> statementsOrEmpty() {
        return Lists.orEmpty(statements);
    }
}
